/* src/mime/render.c: a raw message made readable for the pager. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/internal.h"
#include "mime/mime.h"

/* Text we put out for one message; a pager need not hold more. */
#define RENDER_MAX_OUTPUT	(32 * 1024 * 1024)

#define UTF8_REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

enum render_encoding {
	RENDER_ENC_RAW,		/* 7bit, 8bit, binary, unknown */
	RENDER_ENC_QP,
	RENDER_ENC_BASE64,
};

/* The headers shown without MIME_RENDER_ALL_HEADERS, in this order. */
static const char *const render_chosen[] = {
	"Date", "From", "To", "Cc", "Reply-To", "Subject",
};

struct render {
	const char	*orig;		/* the message as given */
	const char	*copy;		/* libetpan's copy: same offsets */
	size_t		 len;
	int		 flags;
	int		 part_no;	/* depth first, from 1 */
	int		 listed;
	int		 noted_parts;
	int		 noted_size;
	struct sbuf	*out;
	size_t		 out_start;
	mime_html_cb	 html;		/* or NULL: the built-in converter */
	void		*html_arg;
};

/* A node of libetpan's tree and what we read ourselves from its header. */
struct render_part {
	struct mailmime		*mime;
	const char		*hdr;		/* original bytes */
	size_t			 hdr_len;
	const char		*body;		/* original bytes, encoded */
	size_t			 body_len;
	struct mime_params	 type;		/* "text/plain" if none */
	struct mime_params	 disp;		/* value "" if none */
	enum render_encoding	 enc;
};

static void	render_content(struct render *, struct mailmime *,
		    const char *, const char *, int, struct mailmime *);

/* Maps a pointer into libetpan's copy to an offset; len if outside. */
static size_t
render_offset(const struct render *r, const char *p)
{
	if (p == NULL || p < r->copy || p > r->copy + r->len)
		return r->len;
	return p - r->copy;
}

static const char *
render_body_start(const struct render *r, const struct mailmime *m)
{
	if (m->mm_body == NULL || m->mm_body->dt_type != MAILMIME_DATA_TEXT)
		return m->mm_mime_start + m->mm_length;
	return m->mm_body->dt_data.dt_text.dt_data;
}

/* Appends UTF-8 text with '\n' line ends and no NUL. */
static void
render_add_text(struct render *r, const char *s, size_t len)
{
	size_t	 i, start;

	sbuf_grow(r->out, len);
	for (i = start = 0; i < len; i++) {
		if (s[i] != '\r' && s[i] != '\0')
			continue;
		sbuf_add(r->out, s + start, i - start);
		if (s[i] == '\0')
			sbuf_addstr(r->out, UTF8_REPLACEMENT);
		else if (i + 1 == len || s[i + 1] != '\n')
			sbuf_addch(r->out, '\n');	/* a lone CR */
		start = i + 1;
	}
	sbuf_add(r->out, s + start, len - start);
}

/*
 * Appends UTF-8 text that must stay on one line (a header, a name): an
 * encoded CR or LF becomes a blank, so that it cannot fake a line.
 */
static void
render_add_line(struct render *r, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			sbuf_addch(r->out, ' ');
		else if (s[i] == '\0')
			sbuf_addstr(r->out, UTF8_REPLACEMENT);
		else
			sbuf_addch(r->out, s[i]);
	}
}

static void
render_field(struct render *r, const char *name, size_t name_len,
    const struct mime_field *f)
{
	struct sbuf	 n;
	char		*v;

	sbuf_init(&n);
	mime_charset_to_utf8(NULL, name, name_len, &n);
	render_add_line(r, n.buf, n.len);
	sbuf_addstr(r->out, ": ");
	v = mime_decode_header(f->value, f->value_len);
	render_add_line(r, v, strlen(v));
	sbuf_addch(r->out, '\n');
	free(v);
	sbuf_release(&n);
}

static void
render_headers(struct render *r, const char *hdr, size_t len)
{
	struct mime_field	 f;
	size_t			 i, n, pos;

	if (r->flags & MIME_RENDER_ALL_HEADERS) {
		for (pos = 0; mime_field_next(hdr, len, &pos, &f);)
			render_field(r, f.name, f.name_len, &f);
		return;
	}
	for (i = 0; i < sizeof render_chosen / sizeof render_chosen[0]; i++) {
		n = strlen(render_chosen[i]);
		for (pos = 0; mime_field_next(hdr, len, &pos, &f);) {
			if (f.name_len == n &&
			    strncasecmp(f.name, render_chosen[i], n) == 0)
				render_field(r, render_chosen[i], n, &f);
		}
	}
}

static void
render_part_params(const char *hdr, size_t len, const char *name,
    const char *dflt, struct mime_params *p)
{
	struct mime_field	 f;

	if (mime_field_find(hdr, len, name, &f)) {
		mime_params_parse(f.value, f.value_len, 0, p);
		if (p->value[0] != '\0')
			return;
		mime_params_release(p);
	}
	memset(p, 0, sizeof *p);
	p->value = xstrdup(dflt);
}

/*
 * Reads the header block hdr_start..hdr_end (pointers into the copy) of
 * node m; dflt is the type of a part without Content-Type.
 */
static void
render_part_init(struct render *r, struct render_part *p, struct mailmime *m,
    const char *hdr_start, const char *hdr_end, const char *dflt)
{
	struct mime_params	 enc;
	size_t			 a, b;

	memset(p, 0, sizeof *p);
	p->mime = m;
	a = render_offset(r, hdr_start);
	b = render_offset(r, hdr_end);
	p->hdr = r->orig + a;
	p->hdr_len = b > a ? b - a : 0;
	if (m->mm_body != NULL && m->mm_body->dt_type == MAILMIME_DATA_TEXT) {
		a = render_offset(r, m->mm_body->dt_data.dt_text.dt_data);
		b = m->mm_body->dt_data.dt_text.dt_length;
		p->body = r->orig + a;
		p->body_len = b <= r->len - a ? b : r->len - a;
	}
	render_part_params(p->hdr, p->hdr_len, "Content-Type", dflt, &p->type);
	render_part_params(p->hdr, p->hdr_len, "Content-Disposition", "",
	    &p->disp);
	render_part_params(p->hdr, p->hdr_len, "Content-Transfer-Encoding",
	    "7bit", &enc);
	if (strcmp(enc.value, "base64") == 0)
		p->enc = RENDER_ENC_BASE64;
	else if (strcmp(enc.value, "quoted-printable") == 0)
		p->enc = RENDER_ENC_QP;
	else
		p->enc = RENDER_ENC_RAW;
	mime_params_release(&enc);
}

static void
render_part_release(struct render_part *p)
{
	mime_params_release(&p->type);
	mime_params_release(&p->disp);
}

static void
render_decode(const struct render_part *p, struct sbuf *out)
{
	switch (p->enc) {
	case RENDER_ENC_BASE64:
		mime_b64_decode(p->body, p->body_len, out);
		break;
	case RENDER_ENC_QP:
		mime_qp_decode(p->body, p->body_len, out);
		break;
	case RENDER_ENC_RAW:
		sbuf_add(out, p->body, p->body_len);
		break;
	}
}

/* The decoded size, without decoding base64. */
static size_t
render_part_size(const struct render_part *p)
{
	struct sbuf	 tmp;
	size_t		 i, n;
	unsigned char	 c;

	if (p->enc == RENDER_ENC_RAW)
		return p->body_len;
	if (p->enc == RENDER_ENC_BASE64) {
		for (i = n = 0; i < p->body_len; i++) {
			c = (unsigned char)p->body[i];
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '+' || c == '/')
				n++;
		}
		return n * 3 / 4;
	}
	sbuf_init(&tmp);
	render_decode(p, &tmp);
	n = tmp.len;
	sbuf_release(&tmp);
	return n;
}

static void
render_size(size_t n, char *buf, size_t size)
{
	if (n < 1024)
		snprintf(buf, size, P_("%zu byte", "%zu bytes", n), n);
	else if (n < 1024 * 1024)
		snprintf(buf, size, _("%.1f KB"), n / 1024.0);
	else
		snprintf(buf, size, _("%.1f MB"), n / (1024.0 * 1024.0));
}

/* The file name to show: Content-Disposition's, else Content-Type's. */
static char *
render_part_name(const struct render_part *p)
{
	char	*name, *s;

	if ((name = mime_params_decode(&p->disp, "filename")) == NULL &&
	    (name = mime_params_decode(&p->type, "name")) == NULL)
		return NULL;
	for (s = name; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r')
			*s = ' ';
	}
	if (*name == '\0') {
		free(name);
		return NULL;
	}
	return name;
}

/*
 * The size of a part left out (MIME_RENDER_OMITTED), decoded as far as
 * its size on the server tells; 0 if p is no such part.
 */
static int
render_omitted_size(const struct render *r, const struct render_part *p,
    size_t *sizep)
{
	const char	*s, *end = p->body + p->body_len;
	size_t		 n = 0, mlen = strlen(MIME_OMITTED);

	if (!(r->flags & MIME_RENDER_OMITTED) || p->body == NULL ||
	    p->body_len < mlen || memcmp(p->body, MIME_OMITTED, mlen) != 0)
		return 0;
	for (s = p->body + mlen; s < end && *s != ' ' && *s != '\n'; s++)
		continue;
	if (s == end || *s != ' ')
		return 0;
	for (s++; s < end && *s >= '0' && *s <= '9' &&
	    n < SIZE_MAX / 10 - 10; s++)
		n = n * 10 + (size_t)(*s - '0');
	/* Lines of 76 base64 characters and CRLF carry 57 bytes. */
	*sizep = p->enc == RENDER_ENC_BASE64 ? n / 78 * 57 + n % 78 * 3 / 4 :
	    n;
	return 1;
}

static void
render_attachment(struct render *r, const struct render_part *p, int n)
{
	struct sbuf	 type;
	char		 size[64], *name;
	size_t		 osize;

	if (render_omitted_size(r, p, &osize)) {
		render_size(osize, size, sizeof size);
		strncat(size, _(", on the server"), sizeof size -
		    strlen(size) - 1);
	} else
		render_size(render_part_size(p), size, sizeof size);
	sbuf_init(&type);
	mime_charset_to_utf8(NULL, p->type.value, strlen(p->type.value),
	    &type);
	if ((name = render_part_name(p)) != NULL)
		sbuf_addf(r->out, _("[-- Attachment #%d: %s, %s, %s --]\n"), n,
		    name, type.buf, size);
	else
		sbuf_addf(r->out, _("[-- Attachment #%d: %s, %s --]\n"), n,
		    type.buf, size);
	free(name);
	sbuf_release(&type);
}

static int
render_is_attachment(const struct render_part *p)
{
	return strcmp(p->disp.value, "attachment") == 0;
}

/* A multipart that libetpan could not split: shown raw if need be. */
static int
render_is_broken(const struct render_part *p)
{
	struct mailmime	*m = p->mime;

	if (strncmp(p->type.value, "multipart/", 10) != 0)
		return 0;
	return m->mm_type == MAILMIME_SINGLE || (m->mm_type ==
	    MAILMIME_MULTIPLE && clist_begin(m->mm_data.mm_multipart.mm_mp_list)
	    == NULL);
}

/* Whether part p is what render_find_text looks for. */
static int
render_is_text(const struct render_part *p, const char *want)
{
	if (p->body == NULL || render_is_attachment(p))
		return 0;
	if (want == NULL)
		return render_is_broken(p);
	return p->mime->mm_type == MAILMIME_SINGLE &&
	    strcmp(p->type.value, want) == 0;
}

/* text/plain; format=flowed, and the caller wants paragraphs. */
static int
render_is_flowed(const struct render *r, const struct render_part *p)
{
	const struct mime_param	*f;

	if (!(r->flags & MIME_RENDER_FLOWED) ||
	    strcmp(p->type.value, "text/plain") != 0)
		return 0;
	f = mime_params_get(&p->type, "format");
	return f != NULL && strcasecmp(f->value, "flowed") == 0;
}

static int
render_delsp(const struct render_part *p)
{
	const struct mime_param	*d = mime_params_get(&p->type, "delsp");

	return d != NULL && strcasecmp(d->value, "yes") == 0;
}

/* Shows the text part: transfer encoding, charset, HTML, bounds. */
static void
render_text(struct render *r, const struct render_part *p)
{
	const struct mime_param	*cs;
	struct sbuf		 raw, text;
	size_t			 used, room;

	sbuf_init(&raw);
	sbuf_init(&text);
	if (render_is_broken(p))
		sbuf_addf(r->out, _("[-- could not parse the MIME structure: "
		    "%s --]\n"), _("a multipart without parts"));
	render_decode(p, &raw);
	cs = mime_params_get(&p->type, "charset");
	mime_charset_to_utf8(cs != NULL ? cs->value : NULL, raw.buf, raw.len,
	    &text);
	if (strcmp(p->type.value, "text/html") == 0) {
		sbuf_reset(&raw);
		if (r->html == NULL || r->html(text.buf, text.len, &raw,
		    r->html_arg) == -1) {
			sbuf_reset(&raw);
			mime_html_to_text(text.buf, text.len, &raw);
		}
		sbuf_reset(&text);
		sbuf_add(&text, raw.buf, raw.len);
	}
	used = r->out->len - r->out_start;
	room = used < RENDER_MAX_OUTPUT ? RENDER_MAX_OUTPUT - used : 0;
	if (text.len > room) {
		while (room > 0 &&
		    ((unsigned char)text.buf[room] & 0xc0) == 0x80)
			room--;		/* not inside a character */
		sbuf_setlen(&text, room);
		r->noted_size = 1;
	}
	if (render_is_flowed(r, p))
		mime_flowed_decode(text.buf, text.len, render_delsp(p),
		    r->out);
	else
		render_add_text(r, text.buf, text.len);
	if (r->out->len > 0 && r->out->buf[r->out->len - 1] != '\n')
		sbuf_addch(r->out, '\n');
	sbuf_release(&raw);
	sbuf_release(&text);
}

/*
 * Finds the part to show as the message's text, depth first, without
 * entering nested messages: a part of type want that is no attachment,
 * or with want NULL a multipart libetpan could not split.
 */
static struct mailmime *
render_find_text(struct render *r, struct mailmime *m, const char *hdr_start,
    const char *dflt, int depth, const char *want)
{
	struct render_part	 p;
	struct mailmime		*found = NULL, *c;
	clistiter		*it;
	const char		*cdflt;
	int			 n = 0;

	if (depth > MIME_MAX_DEPTH || m->mm_type == MAILMIME_MESSAGE)
		return NULL;
	render_part_init(r, &p, m, hdr_start, render_body_start(r, m), dflt);
	if (render_is_text(&p, want))
		found = m;
	else if (m->mm_type == MAILMIME_MULTIPLE) {
		cdflt = strcmp(p.type.value, "multipart/digest") == 0 ?
		    "message/rfc822" : "text/plain";
		for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list);
		    it != NULL && found == NULL && n++ < MIME_MAX_PARTS;
		    it = clist_next(it)) {
			c = clist_content(it);
			found = render_find_text(r, c, c->mm_mime_start, cdflt,
			    depth + 1, want);
		}
	}
	render_part_release(&p);
	return found;
}

/* libetpan kept the header but not the body: show the body raw. */
static void
render_unparsed_body(struct render *r, const char *s, size_t len)
{
	struct sbuf	 text;
	const char	*p;

	for (p = s; (p = memchr(p, '\n', s + len - p)) != NULL; p++) {
		if (p + 1 < s + len && (p[1] == '\n' || (p[1] == '\r' &&
		    p + 2 < s + len && p[2] == '\n')))
			break;
	}
	if (p == NULL)
		return;
	p += p[1] == '\n' ? 2 : 3;
	sbuf_init(&text);
	mime_charset_to_utf8(NULL, p, s + len - p, &text);
	render_add_text(r, text.buf, text.len);
	if (text.len > 0 && text.buf[text.len - 1] != '\n')
		sbuf_addch(r->out, '\n');
	sbuf_release(&text);
}

/* A message: its headers, a blank line, its parts. */
static void
render_message(struct render *r, struct mailmime *m, int depth)
{
	struct mailmime	*inner, *text;
	const char	*hdr_start, *hdr_end;
	size_t		 a, b;

	inner = m->mm_data.mm_message.mm_msg_mime;
	hdr_start = render_body_start(r, m);
	hdr_end = inner != NULL ? render_body_start(r, inner) :
	    m->mm_mime_start + m->mm_length;
	a = render_offset(r, hdr_start);
	b = render_offset(r, hdr_end);
	render_headers(r, r->orig + a, b > a ? b - a : 0);
	sbuf_addch(r->out, '\n');
	if (inner == NULL) {
		render_unparsed_body(r, r->orig + a, b > a ? b - a : 0);
		return;
	}
	text = render_find_text(r, inner, hdr_start, "text/plain", depth + 1,
	    "text/plain");
	if (text == NULL)
		text = render_find_text(r, inner, hdr_start, "text/plain",
		    depth + 1, "text/html");
	if (text == NULL)
		text = render_find_text(r, inner, hdr_start, "text/plain",
		    depth + 1, NULL);
	render_content(r, inner, hdr_start, "text/plain", depth + 1, text);
}

static void
render_children(struct render *r, struct mailmime *m, const char *type,
    int depth, struct mailmime *text)
{
	struct mailmime	*c;
	clistiter	*it;
	const char	*dflt;

	dflt = strcmp(type, "multipart/digest") == 0 ? "message/rfc822" :
	    "text/plain";
	for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list);
	    it != NULL && !r->noted_parts; it = clist_next(it)) {
		c = clist_content(it);
		render_content(r, c, c->mm_mime_start, dflt, depth + 1, text);
	}
}

/*
 * Shows node m, whose header block starts at hdr_start, at nesting depth:
 * the chosen text part as text, nested messages with their headers, the
 * rest as one line each.
 */
static void
render_content(struct render *r, struct mailmime *m, const char *hdr_start,
    const char *dflt, int depth, struct mailmime *text)
{
	struct render_part	 p;
	int			 n;

	if (depth > MIME_MAX_DEPTH) {
		sbuf_addstr(r->out,
		    _("[-- nested too deeply: not shown --]\n"));
		return;
	}
	if (r->listed >= MIME_MAX_PARTS) {
		if (!r->noted_parts)
			sbuf_addstr(r->out, _("[-- too many parts: the rest "
			    "is not listed --]\n"));
		r->noted_parts = 1;
		return;
	}
	render_part_init(r, &p, m, hdr_start, render_body_start(r, m), dflt);
	if (m->mm_type == MAILMIME_MULTIPLE && !render_is_broken(&p)) {
		render_children(r, m, p.type.value, depth, text);
		goto out;
	}
	r->listed++;
	n = ++r->part_no;
	if (m == text)
		render_text(r, &p);
	else {
		render_attachment(r, &p, n);
		if (m->mm_type == MAILMIME_MESSAGE)
			render_message(r, m, depth);
	}
out:
	render_part_release(&p);
}

/* libetpan could not parse: the raw text, so that nothing is hidden. */
static void
render_raw(struct render *r, const char *msg, size_t len, int code)
{
	struct sbuf	 text;
	const char	*why;

	why = code == MAILIMF_ERROR_MEMORY ? _("out of memory") :
	    _("malformed message");
	sbuf_addf(r->out, _("[-- could not parse the MIME structure: %s --]\n"),
	    why);
	sbuf_init(&text);
	mime_charset_to_utf8(NULL, msg, len < RENDER_MAX_OUTPUT ? len :
	    RENDER_MAX_OUTPUT, &text);
	render_add_text(r, text.buf, text.len);
	sbuf_release(&text);
}

int
mime_render(const char *msg, size_t len, int flags, struct sbuf *out,
    struct error *err)
{
	return mime_render_html(msg, len, flags, NULL, NULL, out, err);
}

int
mime_render_html(const char *msg, size_t len, int flags, mime_html_cb html,
    void *arg, struct sbuf *out, struct error *err)
{
	struct render	 r;
	struct sbuf	 copy;
	struct mailmime	*mime = NULL;
	size_t		 idx = 0;
	int		 rc, flattened;

	if (msg == NULL && len > 0)
		return error_set(err, ERROR_INPUT, _("no message to show"));
	memset(&r, 0, sizeof r);
	r.orig = msg != NULL ? msg : "";
	r.len = len;
	r.flags = flags;
	r.out = out;
	r.out_start = out->len;
	r.html = html;
	r.html_arg = arg;
	sbuf_init(&copy);
	flattened = mime_prescan(r.orig, len, &copy);
	r.copy = copy.buf;

	rc = mailmime_parse(copy.buf, copy.len, &idx, &mime);
	if (rc != MAILIMF_NO_ERROR || mime == NULL ||
	    mime->mm_type != MAILMIME_MESSAGE)
		render_raw(&r, r.orig, len, rc);
	else
		render_message(&r, mime, 0);
	if (flattened)
		sbuf_addstr(out, _("[-- nested too deeply or too many parts: "
		    "some parts are shown as plain text --]\n"));
	if (r.noted_size)
		sbuf_addstr(out, _("[-- message too long: the rest is not "
		    "shown --]\n"));
	if (mime != NULL)
		mailmime_free(mime);
	sbuf_release(&copy);
	return 0;
}
