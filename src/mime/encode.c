/*
 * src/mime/encode.c: encodings for outgoing mail: base64, quoted-
 * printable, RFC 2047 words in headers (libetpan has no encoder), and
 * header folding under 78 columns.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "mime/internal.h"
#include "mime/mime.h"

#define ENC_LINE	78	/* RFC 5322 2.1.1: lines SHOULD be shorter */
#define ENC_WORD	75	/* RFC 2047 2: longest encoded word */
#define ENC_MIN_PIECE	16	/* fold rather than start a shorter word */
#define ENC_QP_LINE	76	/* RFC 2045 6.7 (5) */

static const char	 enc_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char	 enc_hex[] = "0123456789ABCDEF";

/* Appends base64 of len bytes at s on one line. */
static void
enc_b64_raw(const unsigned char *s, size_t len, struct sbuf *out)
{
	size_t		 i;
	uint32_t	 v;

	for (i = 0; i < len; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		sbuf_addch(out, enc_b64[(v >> 18) & 63]);
		sbuf_addch(out, enc_b64[(v >> 12) & 63]);
		sbuf_addch(out, i + 1 < len ? enc_b64[(v >> 6) & 63] : '=');
		sbuf_addch(out, i + 2 < len ? enc_b64[v & 63] : '=');
	}
}

void
mime_b64_encode(const void *data, size_t len, struct sbuf *out)
{
	const unsigned char	*s = data;
	size_t			 i, n;

	/* 57 bytes make a line of 76 characters. */
	for (i = 0; i < len; i += n) {
		n = len - i < 57 ? len - i : 57;
		enc_b64_raw(s + i, n, out);
		sbuf_addstr(out, "\r\n");
	}
}

/* Appends one QP line (no line end in s); soft breaks keep it short. */
static void
enc_qp_line(const char *s, size_t len, struct sbuf *out)
{
	unsigned char	 c;
	char		 tok[4];
	size_t		 i, col = 0, n;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		/* "From " and "." at the start of a line: mbox and SMTP. */
		if ((c >= 33 && c <= 126 && c != '=' &&
		    !(col == 0 && i == 0 && (c == '.' ||
		    (c == 'F' && len >= 5 && memcmp(s, "From ", 5) == 0)))) ||
		    ((c == ' ' || c == '\t') && i + 1 < len)) {
			tok[0] = (char)c;
			n = 1;
		} else {
			tok[0] = '=';
			tok[1] = enc_hex[c >> 4];
			tok[2] = enc_hex[c & 15];
			n = 3;
		}
		/* Room for a soft break unless this is the last token. */
		if (col + n > ENC_QP_LINE - (i + 1 < len ? 1 : 0)) {
			sbuf_addstr(out, "=\r\n");
			col = 0;
		}
		sbuf_add(out, tok, n);
		col += n;
	}
	sbuf_addstr(out, "\r\n");
}

void
mime_qp_encode(const char *s, size_t len, struct sbuf *out)
{
	const char	*nl;
	size_t		 n;

	while (len > 0) {
		if ((nl = memchr(s, '\n', len)) == NULL) {
			enc_qp_line(s, len, out);
			return;
		}
		n = (size_t)(nl - s);
		enc_qp_line(s, n > 0 && s[n - 1] == '\r' ? n - 1 : n, out);
		s += n + 1;
		len -= n + 1;
	}
}

/* A header being written: out and the current column. */
struct enc_header {
	struct sbuf	*out;
	size_t		 col;
	int		 empty;		/* nothing after the name yet */
};

static void
enc_start(struct enc_header *h, struct sbuf *out, const char *name)
{
	h->out = out;
	sbuf_addstr(out, name);
	sbuf_addch(out, ':');
	h->col = strlen(name) + 1;
	h->empty = 1;
}

static void
enc_end(struct enc_header *h)
{
	sbuf_addstr(h->out, "\r\n");
}

/*
 * Writes ws (blanks, at least one is written) then tok, folding before
 * the blanks when tok would pass the line limit.
 */
static void
enc_token(struct enc_header *h, const char *ws, size_t wslen,
    const char *tok, size_t len)
{
	if (wslen == 0) {
		ws = " ";
		wslen = 1;
	}
	if (!h->empty && h->col + wslen + len > ENC_LINE) {
		sbuf_addstr(h->out, "\r\n");
		h->col = 0;
	}
	sbuf_add(h->out, ws, wslen);
	sbuf_add(h->out, tok, len);
	h->col += wslen + len;
	h->empty = 0;
}

/* Appends text right after the last token (a comma, a ';'). */
static void
enc_glue(struct enc_header *h, const char *s)
{
	sbuf_addstr(h->out, s);
	h->col += strlen(s);
}

/* RFC 2047 5 (3): what a Q word may carry as is, in any header. */
static int
enc_q_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!*+-/", c) != NULL;
}

/* Q (1) or B (0): whichever writes the UTF-8 text s shorter. */
static int
enc_pick_q(const char *s, size_t len)
{
	size_t	 i, q = 0;

	for (i = 0; i < len; i++)
		q += enc_q_safe((unsigned char)s[i]) || s[i] == ' ' ? 1 : 3;
	return q <= (len + 2) / 3 * 4;
}

/* Appends the Q or B form of s to out. */
static void
enc_word_body(const char *s, size_t len, int q, struct sbuf *out)
{
	unsigned char	 c;
	size_t		 i;

	if (!q) {
		enc_b64_raw((const unsigned char *)s, len, out);
		return;
	}
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == ' ')
			sbuf_addch(out, '_');
		else if (enc_q_safe(c))
			sbuf_addch(out, c);
		else {
			sbuf_addch(out, '=');
			sbuf_addch(out, enc_hex[c >> 4]);
			sbuf_addch(out, enc_hex[c & 15]);
		}
	}
}

/* Encoded length of len bytes as the body of a Q or B word. */
static size_t
enc_word_len(const char *s, size_t len, int q)
{
	size_t	 i, n = 0;

	if (!q)
		return (len + 2) / 3 * 4;
	for (i = 0; i < len; i++)
		n += enc_q_safe((unsigned char)s[i]) || s[i] == ' ' ? 1 : 3;
	return n;
}

/*
 * Writes the UTF-8 text s as encoded words, split between characters,
 * after the blanks ws. Blanks between adjacent encoded words vanish on
 * decoding, so the pieces may be folded anywhere.
 */
static void
enc_words(struct enc_header *h, const char *ws, size_t wslen,
    const char *s, size_t len)
{
	static const char	 pre[] = "=?UTF-8?X?";
	struct sbuf		 w;
	uint32_t		 cp;
	size_t			 i, n, budget, take;
	int			 q;

	q = enc_pick_q(s, len);
	sbuf_init(&w);
	i = 0;
	while (i < len) {
		/* Room left on this line for the blanks and the word. */
		n = wslen > 0 ? wslen : 1;
		budget = ENC_LINE > h->col + n ? ENC_LINE - h->col - n : 0;
		if (budget > ENC_WORD)
			budget = ENC_WORD;
		if (budget < ENC_MIN_PIECE)
			budget = ENC_WORD;	/* on a new line */
		budget -= sizeof pre - 1 + 2;
		for (take = 0; i + take < len; take += n) {
			if ((n = utf8_decode(s + i + take, len - i - take,
			    &cp)) == 0)
				n = 1;
			if (take > 0 && enc_word_len(s + i, take + n, q) >
			    budget)
				break;
		}
		sbuf_reset(&w);
		sbuf_addstr(&w, q ? "=?UTF-8?Q?" : "=?UTF-8?B?");
		enc_word_body(s + i, take, q, &w);
		sbuf_addstr(&w, "?=");
		enc_token(h, ws, wslen, w.buf, w.len);
		ws = " ";
		wslen = 1;
		i += take;
	}
	sbuf_release(&w);
}

/* Whether a word of unstructured text must be encoded. */
static int
enc_needs(const char *s, size_t len)
{
	size_t	 i;

	if (len > ENC_LINE - 2)
		return 1;	/* else it could not be folded */
	if (len >= 2 && s[0] == '=' && s[1] == '?')
		return 1;	/* would read as an encoded word */
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x7f || (unsigned char)s[i] < 0x20)
			return 1;
	}
	return 0;
}

/*
 * The text as valid UTF-8 on one line: invalid bytes read as
 * windows-1252, CR and LF turned into spaces (no header injection).
 */
static char *
enc_clean(const char *s)
{
	struct sbuf	 b;
	size_t		 i;

	sbuf_init(&b);
	if (mime_utf8_valid(s, strlen(s)))
		sbuf_addstr(&b, s);
	else
		mime_charset_to_utf8("windows-1252", s, strlen(s), &b);
	for (i = 0; i < b.len; i++) {
		if (b.buf[i] == '\r' || b.buf[i] == '\n')
			b.buf[i] = ' ';
	}
	return sbuf_detach(&b, NULL);
}

void
mime_header_text(struct sbuf *out, const char *name, const char *value)
{
	struct enc_header	 h;
	char			*text;
	const char		*p, *ws, *w, *run, *runws;
	size_t			 wslen, runwslen;

	text = enc_clean(value);
	enc_start(&h, out, name);
	p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	run = NULL;
	runws = "";
	runwslen = 0;
	while (*p != '\0') {
		/* One word and the blanks before it. */
		ws = p;
		while (*p == ' ' || *p == '\t')
			p++;
		wslen = (size_t)(p - ws);
		if (*p == '\0')
			break;		/* trailing blanks are dropped */
		w = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (enc_needs(w, (size_t)(p - w))) {
			/* Encoded words in a row become one run. */
			if (run == NULL) {
				run = w;
				runws = ws;
				runwslen = wslen;
			}
			continue;
		}
		if (run != NULL) {
			enc_words(&h, runws, runwslen, run,
			    (size_t)(ws - run));
			run = NULL;
		}
		enc_token(&h, ws, wslen, w, (size_t)(p - w));
	}
	if (run != NULL) {
		w = run + strlen(run);
		while (w > run && (w[-1] == ' ' || w[-1] == '\t'))
			w--;
		enc_words(&h, runws, runwslen, run, (size_t)(w - run));
	}
	enc_end(&h);
	free(text);
}

/* Writes a display name: atoms as is, a quoted string, or encoded. */
static void
enc_phrase(struct enc_header *h, const char *name)
{
	struct sbuf	 q;
	char		*text;
	const char	*p, *w;
	int		 atoms = 1, ascii = 1;

	text = enc_clean(name);
	for (p = text; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x7f || (unsigned char)*p < 0x20)
			ascii = 0;
		else if (*p != ' ' && strchr("()<>[]:;@\\,.\"", *p) != NULL)
			atoms = 0;
	}
	if (strstr(text, "=?") != NULL)
		ascii = 0;
	if (!ascii)
		enc_words(h, " ", 1, text, strlen(text));
	else if (atoms) {
		for (p = text; *p != '\0';) {
			while (*p == ' ')
				p++;
			w = p;
			while (*p != '\0' && *p != ' ')
				p++;
			if (p > w)
				enc_token(h, " ", 1, w, (size_t)(p - w));
		}
	} else {
		sbuf_init(&q);
		sbuf_addch(&q, '"');
		for (p = text; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_addch(&q, '\\');
			sbuf_addch(&q, *p);
		}
		sbuf_addch(&q, '"');
		enc_token(h, " ", 1, q.buf, q.len);
		sbuf_release(&q);
	}
	free(text);
}

void
mime_header_addresses(struct sbuf *out, const char *name,
    const struct mime_address_list *l)
{
	struct enc_header	 h;
	const struct mime_address *a;
	const char		*group = NULL;
	char			*tok, *ace;
	size_t			 i;
	int			 need_comma = 0;

	enc_start(&h, out, name);
	for (i = 0; i < l->n; i++) {
		a = &l->v[i];
		if (group != NULL && (a->group == NULL ||
		    strcmp(a->group, group) != 0)) {
			enc_glue(&h, ";");
			group = NULL;
			need_comma = 1;
		}
		if (a->group != NULL && group == NULL) {
			if (need_comma)
				enc_glue(&h, ",");
			enc_phrase(&h, a->group);
			enc_glue(&h, ":");
			group = a->group;
			need_comma = 0;
		}
		if (a->addr == NULL)
			continue;	/* an empty group */
		if (need_comma)
			enc_glue(&h, ",");
		/*
		 * An internationalized domain goes in A-labels, which every
		 * reader takes; a UTF-8 local part has no ASCII form and is
		 * written as it is (RFC 6532: only SMTPUTF8 carries it).
		 */
		if ((ace = mime_address_to_ascii(a->addr, NULL)) == NULL)
			ace = xstrdup(a->addr);
		if (a->name != NULL && *a->name != '\0') {
			enc_phrase(&h, a->name);
			tok = xasprintf("<%s>", ace);
		} else
			tok = xstrdup(ace);
		free(ace);
		enc_token(&h, " ", 1, tok, strlen(tok));
		free(tok);
		need_comma = 1;
	}
	if (group != NULL)
		enc_glue(&h, ";");
	enc_end(&h);
}

void
mime_header_ids(struct sbuf *out, const char *name, const char *ids)
{
	struct enc_header	 h;
	const char		*p, *end;

	enc_start(&h, out, name);
	for (p = ids; (p = strchr(p, '<')) != NULL; p = end) {
		end = p + 1;
		while (*end > 0x20 && *end < 0x7f && *end != '<' &&
		    *end != '>')
			end++;
		if (*end != '>' || end - p < 4 || memchr(p, '@',
		    (size_t)(end - p)) == NULL)
			continue;	/* not an id: dropped */
		end++;
		enc_token(&h, " ", 1, p, (size_t)(end - p));
	}
	if (h.empty) {
		/* Nothing usable: no header at all. */
		sbuf_setlen(out, out->len - strlen(name) - 1);
		return;
	}
	enc_end(&h);
}
