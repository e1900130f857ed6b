/* src/mime/filename.c: file names from mail made safe to write. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/mime.h"

#define FILENAME_MAX_EXT	16	/* bytes of an extension kept on a cut */

/* Nonzero for code points that must not be in a name we write. */
static int
filename_bad(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    sanitize_is_bidi(cp) || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0xfeff;
}

/* Cuts b to at most max bytes on a character boundary. */
static void
filename_cut(struct sbuf *b, size_t max)
{
	size_t	 n = max;

	if (b->len <= max)
		return;
	while (n > 0 && ((unsigned char)b->buf[n] & 0xc0) == 0x80)
		n--;
	sbuf_setlen(b, n);
}

/* Drops leading dots, dashes and blanks, trailing dots and blanks. */
static void
filename_trim(struct sbuf *b)
{
	size_t	 a = 0, e = b->len;

	while (a < e && (b->buf[a] == '.' || b->buf[a] == '-' ||
	    b->buf[a] == ' ' || b->buf[a] == '_'))
		a++;
	while (e > a && (b->buf[e - 1] == '.' || b->buf[e - 1] == ' '))
		e--;
	memmove(b->buf, b->buf + a, e - a);
	sbuf_setlen(b, e - a);
}

char *
mime_safe_filename(const char *name)
{
	struct sbuf	 b, ext;
	const char	*base, *p, *dot;
	size_t		 len, n, room;
	uint32_t	 cp;

	if (name == NULL)
		return NULL;
	/* Only the last path element, for either kind of separator. */
	for (base = p = name; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			base = p + 1;
	}
	sbuf_init(&b);
	len = strlen(base);
	for (p = base; p < base + len; p += n) {
		if ((n = utf8_decode(p, (size_t)(base + len - p), &cp)) == 0) {
			sbuf_addch(&b, '_');
			n = 1;
			continue;
		}
		if (filename_bad(cp))
			sbuf_addch(&b, '_');
		else
			sbuf_add(&b, p, n);
		if (b.len > 4 * MIME_MAX_FILENAME)
			break;
	}
	filename_trim(&b);
	if (b.len > MIME_MAX_FILENAME) {
		/* Keep a short extension after the cut. */
		sbuf_init(&ext);
		for (dot = b.buf + b.len; dot > b.buf && dot[-1] != '.'; dot--)
			continue;
		dot = dot > b.buf ? dot - 1 : NULL;
		if (dot != NULL && (size_t)(b.buf + b.len - dot) <=
		    FILENAME_MAX_EXT)
			sbuf_add(&ext, dot, (size_t)(b.buf + b.len - dot));
		room = MIME_MAX_FILENAME - ext.len;
		filename_cut(&b, room);
		if (ext.len > 0)
			sbuf_add(&b, ext.buf, ext.len);
		sbuf_release(&ext);
		filename_trim(&b);
	}
	if (b.len == 0) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_detach(&b, NULL);
}
