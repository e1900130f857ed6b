/* src/mime/decode.c: transfer encodings and RFC 2047 header values. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/base64.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/internal.h"
#include "mime/mime.h"

/*
 * RFC 2047 limits an encoded word to 75 characters; senders break that,
 * so we accept more, but a bound keeps a header full of "=?x?q?" from
 * making the scan quadratic.
 */
#define HEADER_MAX_WORD		1024

#define UTF8_REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/* One encoded word found in a header value. */
struct header_word {
	const char	*charset;	/* not NUL-terminated */
	size_t		 charset_len;
	int		 encoding;	/* 'B' or 'Q' */
	const char	*text;
	size_t		 text_len;
	size_t		 total;		/* bytes from "=?" to "?=" */
};

/* The charset of the encoded words waiting to be converted together. */
struct header_pending {
	char		 charset[MIME_MAX_CHARSET];
	int		 active;
	struct sbuf	 bytes;
};

int
mime_b64_decode(const char *s, size_t len, struct sbuf *out)
{
	uint32_t	 acc = 0;
	size_t		 i;
	int		 bits = 0, v, ret = 0;

	sbuf_grow(out, len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		if (s[i] == '=') {
			bits = 0;	/* padding; another group may follow */
			continue;
		}
		if ((v = base64_digit((unsigned char)s[i], '/')) == -1) {
			if (!MIME_ISSPACE((unsigned char)s[i]))
				ret = -1;
			continue;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sbuf_addch(out, (acc >> bits) & 0xff);
		}
	}
	return ret;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes "=XX" at s (at least 3 bytes); -1 if it is not one. */
static int
qp_escape(const char *s, size_t len)
{
	int	 hi, lo;

	if (len < 3 || s[0] != '=')
		return -1;
	if ((hi = hex_value(s[1])) == -1 || (lo = hex_value(s[2])) == -1)
		return -1;
	return hi * 16 + lo;
}

/* Decodes one line of quoted-printable text (no line end in it). */
static void
qp_decode_line(const char *s, size_t len, int *soft, struct sbuf *out)
{
	size_t	 i;
	int	 c;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;		/* RFC 2045 6.7 (3): transport padding */
	*soft = len > 0 && s[len - 1] == '=';
	if (*soft)
		len--;
	for (i = 0; i < len; i++) {
		if (s[i] == '=' && (c = qp_escape(s + i, len - i)) != -1) {
			sbuf_addch(out, c);
			i += 2;
		} else
			sbuf_addch(out, s[i]);
	}
}

void
mime_qp_decode(const char *s, size_t len, struct sbuf *out)
{
	const char	*nl;
	size_t		 n;
	int		 soft;

	sbuf_grow(out, len);
	while (len > 0) {
		if ((nl = memchr(s, '\n', len)) == NULL) {
			qp_decode_line(s, len, &soft, out);
			break;
		}
		n = nl - s;
		qp_decode_line(s, n > 0 && s[n - 1] == '\r' ? n - 1 : n,
		    &soft, out);
		if (!soft)
			sbuf_addch(out, '\n');
		s += n + 1;
		len -= n + 1;
	}
}

/* RFC 2047 4.2: like quoted-printable, and '_' stands for a space. */
static void
header_q_decode(const char *s, size_t len, struct sbuf *out)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < len; i++) {
		if (s[i] == '_')
			sbuf_addch(out, ' ');
		else if (s[i] == '=' && (c = qp_escape(s + i, len - i)) != -1) {
			sbuf_addch(out, c);
			i += 2;
		} else
			sbuf_addch(out, s[i]);
	}
}

/*
 * Recognises "=?charset?B|Q?text?=" at s; returns 0 if it is not one.
 * We accept blanks in the text (some senders put them there) but not in
 * the charset.
 */
static int
header_word_parse(const char *s, size_t len, struct header_word *w)
{
	size_t	 i, end;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	for (i = 2; i < len && s[i] != '?' &&
	    i - 2 <= MIME_MAX_CHARSET; i++) {
		if (MIME_ISSPACE((unsigned char)s[i]))
			return 0;
	}
	/* The charset is copied into a MIME_MAX_CHARSET buffer. */
	if (i == 2 || i - 2 >= MIME_MAX_CHARSET || i + 3 >= len ||
	    s[i + 2] != '?')
		return 0;
	w->charset = s + 2;
	w->charset_len = i - 2;
	w->encoding = toupper((unsigned char)s[i + 1]);
	if (w->encoding != 'B' && w->encoding != 'Q')
		return 0;
	w->text = s + i + 3;
	if (len - (i + 3) > HEADER_MAX_WORD)
		len = i + 3 + HEADER_MAX_WORD;
	for (end = i + 3; end + 1 < len; end++) {
		if (s[end] == '?' && s[end + 1] == '=')
			break;
	}
	if (end + 1 >= len)
		return 0;
	w->text_len = end - (i + 3);
	w->total = end + 2;
	return 1;
}

static void
header_pending_flush(struct header_pending *p, struct sbuf *out)
{
	if (!p->active)
		return;
	mime_charset_to_utf8(p->charset, p->bytes.buf, p->bytes.len, out);
	sbuf_reset(&p->bytes);
	p->active = 0;
}

/* Decodes the word's text to bytes; -1 if its base64 is broken. */
static int
header_word_decode(const struct header_word *w, struct sbuf *bytes)
{
	if (w->encoding == 'B')
		return mime_b64_decode(w->text, w->text_len, bytes);
	header_q_decode(w->text, w->text_len, bytes);
	return 0;
}

/*
 * Adds decoded bytes to the pending ones, joined with the words before
 * when the charset is the same (a character may be split between words).
 */
static void
header_pending_add(struct header_pending *p, const struct header_word *w,
    const struct sbuf *bytes, struct sbuf *out)
{
	char	 cs[MIME_MAX_CHARSET];

	memcpy(cs, w->charset, w->charset_len);
	cs[w->charset_len] = '\0';
	if (p->active && strcasecmp(p->charset, cs) != 0)
		header_pending_flush(p, out);
	if (!p->active) {
		memcpy(p->charset, cs, sizeof cs);
		p->active = 1;
	}
	sbuf_add(&p->bytes, bytes->buf, bytes->len);
}

static int
header_is_blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	}
	return 1;
}

/*
 * RFC 5322 2.2.3: unfolding removes the line breaks and keeps the blank
 * after them. A bare CR or LF cannot be part of a value either: dropped.
 */
static void
header_unfold(const char *s, size_t len, struct sbuf *out)
{
	size_t	 i;

	while (len > 0 && MIME_ISSPACE((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && MIME_ISSPACE((unsigned char)s[len - 1]))
		len--;
	sbuf_grow(out, len);
	for (i = 0; i < len; i++) {
		if (s[i] != '\r' && s[i] != '\n')
			sbuf_addch(out, s[i]);
	}
}

/* Walks the unfolded value: plain text and encoded words. */
static void
header_decode(const char *s, size_t len, struct sbuf *out)
{
	struct header_pending	 p;
	struct header_word	 w;
	struct sbuf		 bytes;
	size_t			 i, text;

	memset(&p, 0, sizeof p);
	sbuf_init(&p.bytes);
	sbuf_init(&bytes);
	for (i = text = 0; i < len;) {
		sbuf_reset(&bytes);
		if (s[i] != '=' || !header_word_parse(s + i, len - i, &w) ||
		    header_word_decode(&w, &bytes) == -1) {
			i++;	/* text, or a word too broken to decode */
			continue;
		}
		/* RFC 2047 6.2: blanks between two encoded words go away. */
		if (!p.active || !header_is_blank(s + text, i - text)) {
			header_pending_flush(&p, out);
			mime_charset_to_utf8(NULL, s + text, i - text, out);
		}
		header_pending_add(&p, &w, &bytes, out);
		i += w.total;
		text = i;
	}
	header_pending_flush(&p, out);
	mime_charset_to_utf8(NULL, s + text, len - text, out);
	sbuf_release(&p.bytes);
	sbuf_release(&bytes);
}

char *
mime_decode_header(const char *raw, size_t len)
{
	struct sbuf	 unfolded, decoded, out;
	size_t		 i, n;

	if (raw == NULL)
		len = 0;
	if (len > MIME_MAX_HEADER)
		len = MIME_MAX_HEADER;
	sbuf_init(&unfolded);
	sbuf_init(&decoded);
	sbuf_init(&out);
	header_unfold(raw, len, &unfolded);
	header_decode(unfolded.buf, unfolded.len, &decoded);

	/* Bound the result on a character boundary. */
	n = decoded.len;
	if (n > MIME_MAX_HEADER) {
		n = MIME_MAX_HEADER;
		while (n > 0 && ((unsigned char)decoded.buf[n] & 0xc0) == 0x80)
			n--;
	}
	/* A C string cannot hold NUL: an encoded one becomes U+FFFD. */
	sbuf_grow(&out, n);
	for (i = 0; i < n; i++) {
		if (decoded.buf[i] == '\0')
			sbuf_addstr(&out, UTF8_REPLACEMENT);
		else
			sbuf_addch(&out, decoded.buf[i]);
	}
	sbuf_release(&unfolded);
	sbuf_release(&decoded);
	return sbuf_detach(&out, NULL);
}
