/* src/mime/field.c: header fields and their parameters (RFC 2045, 2231). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/internal.h"
#include "mime/mime.h"

/* RFC 2231 continuations we join (name*0 ... name*99). */
#define PARAM_MAX_SECTIONS	100

static int
field_is_blank(int c)
{
	return c == ' ' || c == '\t';
}

int
mime_field_next(const char *s, size_t len, size_t *pos, struct mime_field *f)
{
	const char	*nl, *colon;
	size_t		 i = *pos, start, end;

	for (;;) {
		if (i >= len || s[i] == '\n' || (s[i] == '\r' &&
		    (i + 1 == len || s[i + 1] == '\n')))
			return 0;	/* the blank line ends the block */
		start = i;
		/* The field runs to a line end not followed by a blank. */
		for (end = i; end < len; end = nl - s + 1) {
			if ((nl = memchr(s + end, '\n', len - end)) == NULL) {
				end = len;
				break;
			}
			if ((size_t)(nl - s) + 1 >= len ||
			    !field_is_blank(nl[1])) {
				end = nl - s + 1;
				break;
			}
		}
		i = end;
		colon = memchr(s + start, ':', end - start);
		if (colon == NULL || colon == s + start ||
		    field_is_blank(s[start]))
			continue;	/* not a field: skipped */
		f->name = s + start;
		f->name_len = colon - (s + start);
		while (f->name_len > 0 &&
		    field_is_blank(f->name[f->name_len - 1]))
			f->name_len--;
		f->value = colon + 1;
		f->value_len = s + end - f->value;
		*pos = i;
		return 1;
	}
}

int
mime_field_find(const char *s, size_t len, const char *name,
    struct mime_field *f)
{
	size_t	 pos = 0, n = strlen(name);

	while (mime_field_next(s, len, &pos, f)) {
		if (f->name_len == n && strncasecmp(f->name, name, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * RFC 2045 5.1: a token has no blanks, controls or tspecials. Strict is
 * libetpan's reading; otherwise we also take 8-bit bytes and tspecials
 * that senders leave unquoted ("name=a=b.pdf").
 */
static int
param_is_token(unsigned char c, int strict)
{
	if (c >= 0x80)
		return !strict;
	if (c <= ' ' || c == 0x7f || c == ';' || c == '"' || c == '(')
		return 0;
	return !strict || strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* Skips blanks, line ends and comments (without recursion). */
static void
param_skip_cfws(const char *s, size_t len, size_t *ip)
{
	size_t	 i = *ip;
	int	 depth;

	while (i < len) {
		if (MIME_ISSPACE((unsigned char)s[i])) {
			i++;
			continue;
		}
		if (s[i] != '(')
			break;
		for (depth = 0; i < len; i++) {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			else if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0) {
				i++;
				break;
			}
		}
	}
	*ip = i;
}

/* Reads a token or a quoted string into out; -1 if there is neither. */
static int
param_value(const char *s, size_t len, size_t *ip, int strict,
    struct sbuf *out, int *quoted)
{
	size_t	 i = *ip;

	*quoted = 0;
	if (i < len && s[i] == '"') {
		*quoted = 1;
		for (i++; i < len && s[i] != '"'; i++) {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			if (s[i] != '\r' && s[i] != '\n')
				sbuf_addch(out, s[i]);
		}
		if (i < len)
			i++;
	} else {
		while (i < len && param_is_token((unsigned char)s[i], strict))
			sbuf_addch(out, s[i++]);
		if (i == *ip)
			return -1;
	}
	*ip = i;
	return 0;
}

/* Reads "type/subtype" or "attachment" in lower case. */
static void
params_main_value(const char *s, size_t len, size_t *ip, struct sbuf *v)
{
	size_t	 i;

	param_skip_cfws(s, len, ip);
	for (i = *ip; i < len && s[i] != ';' && s[i] != '(' &&
	    !MIME_ISSPACE((unsigned char)s[i]); i++)
		sbuf_addch(v, tolower((unsigned char)s[i]));
	*ip = i;
	param_skip_cfws(s, len, ip);
	if (*ip < len && s[*ip] == '/' && memchr(v->buf, '/', v->len) == NULL) {
		sbuf_addch(v, '/');
		(*ip)++;
		param_skip_cfws(s, len, ip);
		for (i = *ip; i < len && s[i] != ';' && s[i] != '(' &&
		    !MIME_ISSPACE((unsigned char)s[i]); i++)
			sbuf_addch(v, tolower((unsigned char)s[i]));
		*ip = i;
	}
}

static int
params_one(const char *s, size_t len, size_t *ip, int strict,
    struct mime_param *p)
{
	struct sbuf	 name, value;
	size_t		 i = *ip;

	sbuf_init(&name);
	sbuf_init(&value);
	param_skip_cfws(s, len, &i);
	while (i < len && param_is_token((unsigned char)s[i], 1))
		sbuf_addch(&name, tolower((unsigned char)s[i++]));
	param_skip_cfws(s, len, &i);
	if (name.len == 0 || i >= len || s[i] != '=')
		goto fail;
	i++;
	param_skip_cfws(s, len, &i);
	if (param_value(s, len, &i, strict, &value, &p->quoted) == -1)
		goto fail;
	p->name = sbuf_detach(&name, NULL);
	p->value = sbuf_detach(&value, &p->value_len);
	*ip = i;
	return 0;
fail:
	sbuf_release(&name);
	sbuf_release(&value);
	return -1;
}

void
mime_params_parse(const char *s, size_t len, int strict,
    struct mime_params *ps)
{
	struct sbuf	 v;
	size_t		 i = 0;

	memset(ps, 0, sizeof *ps);
	if (len > MIME_MAX_HEADER)
		len = MIME_MAX_HEADER;
	sbuf_init(&v);
	params_main_value(s, len, &i, &v);
	ps->value = sbuf_detach(&v, NULL);
	while (ps->n < MIME_MAX_PARAMS) {
		param_skip_cfws(s, len, &i);
		if (i >= len)
			break;
		if (s[i] != ';' || (i++, params_one(s, len, &i, strict,
		    &ps->v[ps->n]) == -1)) {
			ps->broken = 1;
			break;
		}
		ps->n++;
	}
}

void
mime_params_release(struct mime_params *ps)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		free(ps->v[i].value);
	}
	free(ps->value);
	memset(ps, 0, sizeof *ps);
}

const struct mime_param *
mime_params_get(const struct mime_params *ps, const char *name)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	}
	return NULL;
}

static int
params_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* RFC 2231 4: "%XX" octets; a stray '%' is kept. */
static void
params_pct_decode(const char *s, size_t len, struct sbuf *out)
{
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    (hi = params_hex((unsigned char)s[i + 1])) != -1 &&
		    (lo = params_hex((unsigned char)s[i + 2])) != -1) {
			sbuf_addch(out, hi * 16 + lo);
			i += 2;
		} else
			sbuf_addch(out, s[i]);
	}
}

/*
 * Splits "charset'language'text" (RFC 2231 4): copies the charset into
 * cs and returns where the text starts; without two quotes, all is text.
 */
static const char *
params_2231_charset(const char *v, char *cs, size_t size)
{
	const char	*q1, *q2;
	size_t		 n;

	cs[0] = '\0';
	if ((q1 = strchr(v, '\'')) == NULL ||
	    (q2 = strchr(q1 + 1, '\'')) == NULL)
		return v;
	n = q1 - v;
	if (n < size) {
		memcpy(cs, v, n);
		cs[n] = '\0';
	}
	return q2 + 1;
}

/* Joins name*0, name*1 ... (each maybe extended, name*1*); 0 if none. */
static int
params_2231_sections(const struct mime_params *ps, const char *name,
    struct sbuf *bytes, char *cs, size_t size, int *extended)
{
	const struct mime_param	*p;
	const char		*v;
	char			 key[128];
	int			 i, ext;

	*extended = 0;
	for (i = 0; i < PARAM_MAX_SECTIONS; i++) {
		ext = 1;
		snprintf(key, sizeof key, "%s*%d*", name, i);
		if ((p = mime_params_get(ps, key)) == NULL) {
			ext = 0;
			key[strlen(key) - 1] = '\0';
			if ((p = mime_params_get(ps, key)) == NULL)
				break;
		}
		v = p->value;
		if (ext && i == 0) {
			v = params_2231_charset(v, cs, size);
			*extended = 1;
		}
		if (ext)
			params_pct_decode(v, strlen(v), bytes);
		else
			sbuf_addstr(bytes, v);
	}
	return i > 0;
}

char *
mime_params_decode(const struct mime_params *ps, const char *name)
{
	const struct mime_param	*p;
	struct sbuf		 bytes, out;
	const char		*v;
	char			 key[128], cs[MIME_MAX_CHARSET], *d;
	int			 extended;

	if (strlen(name) > 64)
		return NULL;
	sbuf_init(&bytes);
	sbuf_init(&out);
	snprintf(key, sizeof key, "%s*", name);
	if ((p = mime_params_get(ps, key)) != NULL) {
		v = params_2231_charset(p->value, cs, sizeof cs);
		params_pct_decode(v, strlen(v), &bytes);
		mime_charset_to_utf8(cs[0] != '\0' ? cs : NULL, bytes.buf,
		    bytes.len, &out);
	} else if (params_2231_sections(ps, name, &bytes, cs, sizeof cs,
	    &extended)) {
		if (extended)
			mime_charset_to_utf8(cs[0] != '\0' ? cs : NULL,
			    bytes.buf, bytes.len, &out);
		else {
			sbuf_release(&out);
			d = mime_decode_header(bytes.buf, bytes.len);
			sbuf_release(&bytes);
			return d;
		}
	} else if ((p = mime_params_get(ps, name)) != NULL) {
		/* RFC 2047 words in parameters are wrong but common. */
		sbuf_release(&bytes);
		return mime_decode_header(p->value, p->value_len);
	} else {
		sbuf_release(&bytes);
		return NULL;
	}
	sbuf_release(&bytes);
	return sbuf_detach(&out, NULL);
}
