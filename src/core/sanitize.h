/* src/core/sanitize.h: text from outside made safe for a terminal. */
#ifndef POSTERN_CORE_SANITIZE_H
#define POSTERN_CORE_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

#include "core/sbuf.h"

enum sanitize_flags {
	SANITIZE_KEEP_NEWLINE = (1 << 0),	/* pass '\n' through */
	SANITIZE_KEEP_TAB = (1 << 1),		/* pass '\t' through */
};

/*
 * Appends s (len bytes, meant to be UTF-8) to out so that nothing in it can
 * act on a terminal: C0 controls and DEL become caret notation (ESC is
 * "^["), C1 controls and bidirectional overrides become "<U+XXXX>", bytes
 * that are not valid UTF-8 become "\xNN". Everything else is copied.
 */
void	 sanitize_append(struct sbuf *out, const char *s, size_t len, int flags);
/* Returns a newly allocated sanitized copy of the C string s. */
char	*sanitize_dup(const char *s, int flags);
/*
 * Decodes one UTF-8 sequence at s (at most len bytes) into *cp; returns its
 * length, or 0 for an invalid, overlong or truncated sequence.
 */
size_t	 utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp as UTF-8 into out (4 bytes at least); returns the length. */
size_t	 utf8_encode(uint32_t cp, char *out);
/* Nonzero if cp is a bidirectional embedding, override or isolate. */
int	 sanitize_is_bidi(uint32_t cp);

#endif
