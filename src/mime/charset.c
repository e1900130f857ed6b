/* src/mime/charset.c: converting declared charsets to UTF-8. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/sbuf.h"
#include "mime/internal.h"
#include "mime/mime.h"

#define UTF8_REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/* How we convert a charset: our own code for the common ones, else iconv. */
enum charset_kind {
	CHARSET_GUESS,		/* unknown, ASCII: UTF-8 if valid, else 1252 */
	CHARSET_UTF8,
	CHARSET_CP1252,		/* also ISO-8859-1, as browsers do */
	CHARSET_ICONV,
};

/*
 * Names mail uses for charsets that iconv knows under another name or
 * that we convert ourselves. A supersets replaces the declared charset
 * (GB2312 mail is mostly GBK, "ks_c_5601-1987" is Windows' CP949).
 */
static const struct charset_alias {
	const char		*name;
	enum charset_kind	 kind;
	const char		*iconv_name;
} charset_aliases[] = {
	{ "utf-8", CHARSET_UTF8, NULL },
	{ "utf8", CHARSET_UTF8, NULL },
	{ "us-ascii", CHARSET_GUESS, NULL },
	{ "ascii", CHARSET_GUESS, NULL },
	{ "ansi_x3.4-1968", CHARSET_GUESS, NULL },
	{ "iso646-us", CHARSET_GUESS, NULL },
	{ "unknown-8bit", CHARSET_GUESS, NULL },
	{ "x-unknown", CHARSET_GUESS, NULL },
	{ "unknown", CHARSET_GUESS, NULL },
	{ "default", CHARSET_GUESS, NULL },
	{ "iso-8859-1", CHARSET_CP1252, NULL },
	{ "iso8859-1", CHARSET_CP1252, NULL },
	{ "iso_8859-1", CHARSET_CP1252, NULL },
	{ "latin1", CHARSET_CP1252, NULL },
	{ "latin-1", CHARSET_CP1252, NULL },
	{ "l1", CHARSET_CP1252, NULL },
	{ "cp819", CHARSET_CP1252, NULL },
	{ "windows-1252", CHARSET_CP1252, NULL },
	{ "cp1252", CHARSET_CP1252, NULL },
	{ "x-cp1252", CHARSET_CP1252, NULL },
	{ "gb2312", CHARSET_ICONV, "GB18030" },
	{ "gbk", CHARSET_ICONV, "GB18030" },
	{ "x-gbk", CHARSET_ICONV, "GB18030" },
	{ "euc-cn", CHARSET_ICONV, "GB18030" },
	{ "cp936", CHARSET_ICONV, "GB18030" },
	{ "ks_c_5601-1987", CHARSET_ICONV, "CP949" },
	{ "ks_c_5601", CHARSET_ICONV, "CP949" },
	{ "euc-kr", CHARSET_ICONV, "CP949" },
	{ "shift_jis", CHARSET_ICONV, "CP932" },
	{ "sjis", CHARSET_ICONV, "CP932" },
	{ "x-sjis", CHARSET_ICONV, "CP932" },
	{ "iso-8859-8-i", CHARSET_ICONV, "ISO-8859-8" },
	{ "big5", CHARSET_ICONV, "BIG5-HKSCS" },
};

/* Windows-1252 0x80-0x9f; the five holes stay C1 controls (WHATWG). */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

int
mime_utf8_valid(const char *s, size_t len)
{
	uint32_t	 cp;
	size_t		 i, n;

	for (i = 0; i < len; i += n) {
		if ((unsigned char)s[i] < 0x80) {
			n = 1;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			return 0;
	}
	return 1;
}

static void
charset_from_cp1252(const char *s, size_t len, struct sbuf *out)
{
	unsigned char	 c;
	uint32_t	 cp;
	char		 enc[4];
	size_t		 i, start;

	sbuf_grow(out, len + len / 2);
	for (i = start = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x80)
			continue;
		sbuf_add(out, s + start, i - start);
		cp = c < 0xa0 ? cp1252_high[c - 0x80] : c;
		sbuf_add(out, enc, utf8_encode(cp, enc));
		start = i + 1;
	}
	sbuf_add(out, s + start, len - start);
}

/* Copies UTF-8, each byte of an invalid sequence becoming U+FFFD. */
static void
charset_from_utf8(const char *s, size_t len, struct sbuf *out)
{
	uint32_t	 cp;
	size_t		 i, n, start;

	for (i = start = 0; i < len; i += n) {
		if ((unsigned char)s[i] < 0x80) {
			n = 1;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) != 0)
			continue;
		sbuf_add(out, s + start, i - start);
		sbuf_addstr(out, UTF8_REPLACEMENT);
		n = 1;
		start = i + 1;
	}
	sbuf_add(out, s + start, len - start);
}

static void
charset_guess(const char *s, size_t len, struct sbuf *out)
{
	if (mime_utf8_valid(s, len))
		sbuf_add(out, s, len);
	else
		charset_from_cp1252(s, len, out);
}

/*
 * Converts with iconv; returns -1 if iconv does not know the charset.
 * A byte iconv rejects becomes U+FFFD and conversion goes on after it.
 */
static int
charset_iconv(const char *name, const char *s, size_t len, struct sbuf *out)
{
	iconv_t	 cd;
	char	 buf[4096], *in, *o;
	size_t	 inleft, oleft, r;

	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return -1;
	in = (char *)s;
	inleft = len;
	while (inleft > 0) {
		o = buf;
		oleft = sizeof buf;
		r = iconv(cd, &in, &inleft, &o, &oleft);
		sbuf_add(out, buf, o - buf);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		sbuf_addstr(out, UTF8_REPLACEMENT);
		if (errno != EILSEQ)
			break;		/* EINVAL: truncated at the end */
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);	/* initial state */
	}
	o = buf;
	oleft = sizeof buf;
	if (iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1)
		sbuf_add(out, buf, o - buf);
	iconv_close(cd);
	return 0;
}

/*
 * Puts the charset name into buf in lower case, without quotes, blanks
 * or an RFC 2231 language ("utf-8*de"); returns -1 if it is empty, too
 * long or has characters no charset name has (iconv must not see "//").
 */
static int
charset_normalize(const char *charset, char *buf, size_t size)
{
	const char	*s = charset, *e;
	size_t		 n, i;

	while (*s == ' ' || *s == '\t' || *s == '"')
		s++;
	for (e = s; *e != '\0' && *e != '"' && *e != '*' && *e != ' ' &&
	    *e != '\t'; e++)
		;
	n = e - s;
	if (n == 0 || n >= size)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("-_.:+()", s[i]) == NULL)
			return -1;
		buf[i] = tolower((unsigned char)s[i]);
	}
	buf[n] = '\0';
	return 0;
}

void
mime_charset_to_utf8(const char *charset, const char *s, size_t len,
    struct sbuf *out)
{
	char		 name[MIME_MAX_CHARSET];
	const char	*iname;
	size_t		 i;

	if (len == 0)
		return;
	if (charset == NULL || charset_normalize(charset, name,
	    sizeof name) == -1) {
		charset_guess(s, len, out);
		return;
	}
	iname = name;
	for (i = 0; i < sizeof charset_aliases / sizeof charset_aliases[0];
	    i++) {
		if (strcmp(name, charset_aliases[i].name) != 0)
			continue;
		switch (charset_aliases[i].kind) {
		case CHARSET_GUESS:
			charset_guess(s, len, out);
			return;
		case CHARSET_UTF8:
			charset_from_utf8(s, len, out);
			return;
		case CHARSET_CP1252:
			charset_from_cp1252(s, len, out);
			return;
		case CHARSET_ICONV:
			iname = charset_aliases[i].iconv_name;
			break;
		}
		break;
	}
	if (charset_iconv(iname, s, len, out) == -1)
		charset_guess(s, len, out);
}
