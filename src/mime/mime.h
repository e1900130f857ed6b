/* src/mime/mime.h: reading messages: header decoding, body rendering. */
#ifndef POSTERN_MIME_MIME_H
#define POSTERN_MIME_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/sbuf.h"

#define MIME_MAX_DEPTH		32		/* multipart nesting we follow */
#define MIME_MAX_PARTS		1000		/* parts we list */
#define MIME_MAX_HEADER		(256 * 1024)	/* one decoded header value */

enum mime_render_flags {
	MIME_RENDER_ALL_HEADERS = (1 << 0),	/* every header, as sent */
	/*
	 * text/plain; format=flowed as paragraphs to rewrap: one line
	 * each, '\r' marking the sender's soft line breaks, quoted ones
	 * starting with '>' per level and a blank (RFC 3676). Without
	 * this flag no '\r' is ever put out.
	 */
	MIME_RENDER_FLOWED = (1 << 1),
};

/*
 * Decodes a header value: RFC 2047 encoded words (adjacent ones joined),
 * unfolding, and raw 8-bit bytes (taken as UTF-8 when valid, else as
 * windows-1252). Returns newly allocated UTF-8, never NULL; the caller
 * frees it. Control characters are kept: sanitize before display.
 */
char	*mime_decode_header(const char *raw, size_t len);

/*
 * Converts len bytes in charset to UTF-8 and appends them to out. An
 * unknown charset is taken as windows-1252 (latin-1 superset) when the
 * bytes are not valid UTF-8; invalid input bytes become U+FFFD.
 */
void	 mime_charset_to_utf8(const char *charset, const char *s, size_t len,
	    struct sbuf *out);

/*
 * Renders a raw message (RFC 5322, CRLF or LF) for the pager as UTF-8
 * text with '\n' line ends: the chosen headers (Date, From, To, Cc,
 * Reply-To, Subject; all with MIME_RENDER_ALL_HEADERS) decoded, a blank
 * line, then the text body: the text/plain part (text/html reduced to
 * plain text when there is no text/plain), transfer encoding and charset
 * decoded, and one line per other part ("[-- Attachment #2: name,
 * type, size --]"). Hostile nesting and sizes are bounded. Control
 * characters are kept: the pager sanitizes when it draws.
 */
int	 mime_render(const char *msg, size_t len, int flags, struct sbuf *out,
	    struct error *);

#endif
