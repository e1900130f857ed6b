/* src/imap/utf7.c: modified UTF-7 mailbox names (RFC 3501 section 5.1.3). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "core/sanitize.h"
#include "core/base64.h"
#include "core/sbuf.h"
#include "imap/imap.h"

/*
 * Takes one UTF-16 unit; *highp holds a pending high surrogate. Appends
 * the character once complete. A lone or reversed surrogate, or NUL, is
 * an error.
 */
static int
utf7_put_unit(uint32_t unit, uint32_t *highp, struct sbuf *out)
{
	char		 enc[4];
	uint32_t	 cp;

	if (*highp != 0) {
		if (unit < 0xdc00 || unit > 0xdfff)
			return -1;
		cp = 0x10000 + ((*highp - 0xd800) << 10) + (unit - 0xdc00);
		*highp = 0;
	} else if (unit >= 0xd800 && unit <= 0xdbff) {
		*highp = unit;
		return 0;
	} else if ((unit >= 0xdc00 && unit <= 0xdfff) || unit == 0)
		return -1;
	else
		cp = unit;
	sbuf_add(out, enc, utf8_encode(cp, enc));
	return 0;
}

/*
 * Decodes the base64 run that starts at s[*ip] (just after '&') up to
 * and including its '-'; advances *ip past it.
 */
static int
utf7_decode_run(const char *s, size_t len, size_t *ip, struct sbuf *out)
{
	uint32_t	 bits = 0, high = 0, unit;
	int		 nbits = 0, v;
	size_t		 i = *ip;

	for (;;) {
		if (i == len)
			return -1;		/* unterminated */
		if (s[i] == '-')
			break;
		if ((v = base64_digit((unsigned char)s[i], ',')) == -1)
			return -1;
		bits = (bits << 6) | (uint32_t)v;
		nbits += 6;
		i++;
		if (nbits >= 16) {
			nbits -= 16;
			unit = (bits >> nbits) & 0xffff;
			bits &= (1U << nbits) - 1;
			if (utf7_put_unit(unit, &high, out) == -1)
				return -1;
		}
	}
	/* Left over: fewer than 6 bits, all zero; no half surrogate pair. */
	if (nbits >= 6 || bits != 0 || high != 0)
		return -1;
	*ip = i + 1;
	return 0;
}

char *
imapc_utf7_decode(const char *s, size_t len)
{
	struct sbuf	 out;
	unsigned char	 c;
	size_t		 i = 0;

	sbuf_init(&out);
	while (i < len) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e)
			goto bad;
		i++;
		if (c != '&') {
			sbuf_addch(&out, c);
			continue;
		}
		if (i < len && s[i] == '-') {
			sbuf_addch(&out, '&');
			i++;
			continue;
		}
		if (utf7_decode_run(s, len, &i, &out) == -1)
			goto bad;
	}
	return sbuf_detach(&out, NULL);

bad:
	sbuf_release(&out);
	return NULL;
}
