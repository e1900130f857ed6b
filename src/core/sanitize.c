/* src/core/sanitize.c: text from outside made safe for a terminal. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"

size_t
utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)str;
	uint32_t		 c, min;
	size_t			 n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4; c = s[0] & 0x07; min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char	*o = (unsigned char *)out;

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = 0xc0 | (cp >> 6);
		o[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = 0xe0 | (cp >> 12);
		o[1] = 0x80 | ((cp >> 6) & 0x3f);
		o[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	o[0] = 0xf0 | (cp >> 18);
	o[1] = 0x80 | ((cp >> 12) & 0x3f);
	o[2] = 0x80 | ((cp >> 6) & 0x3f);
	o[3] = 0x80 | (cp & 0x3f);
	return 4;
}

int
sanitize_is_bidi(uint32_t cp)
{
	/* LRM, RLM, ALM, LRE..RLO, LRI..PDI (Unicode TR9) */
	return cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void
sanitize_append(struct sbuf *out, const char *s, size_t len, int flags)
{
	uint32_t	 cp;
	size_t		 i, n;
	unsigned char	 c;

	sbuf_grow(out, len);
	for (i = 0; i < len; i += n) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {
			sbuf_addch(out, c);
			n = 1;
			continue;
		}
		if (c < 0x80) {
			n = 1;
			if ((c == '\n' && (flags & SANITIZE_KEEP_NEWLINE)) ||
			    (c == '\t' && (flags & SANITIZE_KEEP_TAB)))
				sbuf_addch(out, c);
			else if (c == 0x7f)
				sbuf_addstr(out, "^?");
			else {
				sbuf_addch(out, '^');
				sbuf_addch(out, c + '@');
			}
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0) {
			sbuf_addf(out, "\\x%02X", c);
			n = 1;
			continue;
		}
		if ((cp >= 0x80 && cp < 0xa0) || sanitize_is_bidi(cp) ||
		    cp == 0x2028 || cp == 0x2029 || cp == 0xfeff)
			sbuf_addf(out, "<U+%04X>", (unsigned)cp);
		else
			sbuf_add(out, s + i, n);
	}
}

char *
sanitize_dup(const char *s, int flags)
{
	struct sbuf	 out;

	sbuf_init(&out);
	sanitize_append(&out, s, strlen(s), flags);
	return sbuf_detach(&out, NULL);
}
