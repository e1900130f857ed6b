/* src/mime/internal.h: helpers shared inside the mime module only. */
#ifndef POSTERN_MIME_INTERNAL_H
#define POSTERN_MIME_INTERNAL_H

#include <stddef.h>

#include "core/sbuf.h"

/* Longest charset name we pass to iconv; longer ones count as unknown. */
#define MIME_MAX_CHARSET	64

/* Nonzero if the len bytes at s are valid UTF-8 (NUL counts as valid). */
int	 mime_utf8_valid(const char *s, size_t len);

/*
 * Appends the base64 text s (len bytes) decoded to out. Decoding stops at
 * the first '='; whitespace and other bytes outside the alphabet are
 * skipped. Returns 0, or -1 if a byte other than whitespace was skipped.
 */
int	 mime_b64_decode(const char *s, size_t len, struct sbuf *out);

/*
 * Appends the quoted-printable body text s decoded to out (RFC 2045 6.7:
 * soft line breaks removed, trailing blanks before a line end dropped, a
 * malformed '=' kept as is).
 */
void	 mime_qp_decode(const char *s, size_t len, struct sbuf *out);

/*
 * Appends the HTML text s (UTF-8) reduced to plain text: tags removed,
 * script and style dropped, common entities decoded, block elements
 * turned into line breaks.
 */
void	 mime_html_to_text(const char *s, size_t len, struct sbuf *out);

#endif
