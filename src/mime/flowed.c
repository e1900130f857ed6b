/* src/mime/flowed.c: text/plain; format=flowed (RFC 3676) as paragraphs. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "core/sbuf.h"
#include "mime/internal.h"

#define UTF8_REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/* Appends one line's content: no CR, no NUL. */
static void
flowed_add(struct sbuf *out, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0')
			sbuf_addstr(out, UTF8_REPLACEMENT);
		else
			sbuf_addch(out, s[i]);
	}
}

void
mime_flowed_decode(const char *s, size_t len, int delsp, struct sbuf *out)
{
	const char	*line, *end = s + len, *nl, *c;
	size_t		 clen;
	int		 d, i, open = 0, open_depth = 0, flowed;

	for (line = s; line < end; line = nl + 1) {
		for (nl = line; nl < end && *nl != '\n' && *nl != '\r'; nl++)
			continue;
		for (c = line, d = 0; c < nl && *c == '>'; c++)
			d++;
		if (c < nl && *c == ' ')
			c++;		/* space-stuffed (4.4) */
		clen = (size_t)(nl - c);
		/* "-- " is a signature separator, never flowed (4.3). */
		flowed = clen > 0 && c[clen - 1] == ' ' &&
		    !(clen == 3 && memcmp(c, "-- ", 3) == 0);
		if (open && d != open_depth) {
			sbuf_addch(out, '\n');	/* depth changed: ends */
			open = 0;
		}
		if (open)
			sbuf_addch(out, '\r');	/* a soft line break */
		else {
			for (i = 0; i < d; i++)
				sbuf_addch(out, '>');
			if (d > 0)
				sbuf_addch(out, ' ');
			open_depth = d;
		}
		if (flowed && delsp)
			clen--;
		flowed_add(out, c, clen);
		open = flowed;
		if (!flowed)
			sbuf_addch(out, '\n');
		if (nl < end && *nl == '\r' && nl + 1 < end && nl[1] == '\n')
			nl++;
		if (nl >= end)
			break;
	}
	if (open)
		sbuf_addch(out, '\n');
}
