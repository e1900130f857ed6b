/* src/mime/parts.c: the MIME tree of a message, and one part decoded. */
#include "config.h"

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

struct parts_walk {
	const char		*orig;		/* the message as given */
	const char		*copy;		/* libetpan's copy: same offsets */
	size_t			 len;
	struct mime_part_list	*list;
	size_t			 alloc;
};

static size_t
parts_offset(const struct parts_walk *w, const char *p)
{
	if (p == NULL || p < w->copy || p > w->copy + w->len)
		return w->len;
	return (size_t)(p - w->copy);
}

static const char *
parts_body_start(const struct mailmime *m)
{
	if (m->mm_body == NULL || m->mm_body->dt_type != MAILMIME_DATA_TEXT)
		return m->mm_mime_start + m->mm_length;
	return m->mm_body->dt_data.dt_text.dt_data;
}

static void
parts_params(const char *hdr, size_t len, const char *name, const char *dflt,
    struct mime_params *p)
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

/* A copy of s that holds printable ASCII only: a type or an encoding. */
static char *
parts_token(const char *s)
{
	char	*t, *p;

	t = xstrndup(s, 100);
	for (p = t; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			*p = '?';
	}
	return t;
}

static char *
parts_name(const struct mime_params *type, const struct mime_params *disp)
{
	char	*name;

	if ((name = mime_params_decode(disp, "filename")) == NULL &&
	    (name = mime_params_decode(type, "name")) == NULL)
		return NULL;
	if (*name == '\0') {
		free(name);
		return NULL;
	}
	return name;
}

static size_t
parts_decoded_size(const char *body, size_t len, enum mime_encoding enc)
{
	struct sbuf	 tmp;
	size_t		 i, n;
	unsigned char	 c;

	switch (enc) {
	case MIME_ENC_BASE64:
		for (i = n = 0; i < len; i++) {
			c = (unsigned char)body[i];
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '+' || c == '/')
				n++;
		}
		return n / 4 * 3 + (n % 4 == 3 ? 2 : n % 4 == 2 ? 1 : 0);
	case MIME_ENC_QP:
		sbuf_init(&tmp);
		mime_qp_decode(body, len, &tmp);
		n = tmp.len;
		sbuf_release(&tmp);
		return n;
	default:
		return len;
	}
}

static struct mime_part *
parts_add(struct parts_walk *w)
{
	struct mime_part_list	*l = w->list;
	struct mime_part	*p;

	if (l->n == w->alloc) {
		w->alloc = w->alloc == 0 ? 16 : w->alloc * 2;
		l->v = xreallocarray(l->v, w->alloc, sizeof *l->v);
	}
	p = &l->v[l->n++];
	memset(p, 0, sizeof *p);
	return p;
}

/*
 * Lists node m, whose header runs from hdr_start to its body, at depth;
 * dflt is the type of a part without Content-Type.
 */
static void
parts_walk(struct parts_walk *w, struct mailmime *m, const char *hdr_start,
    const char *dflt, int depth)
{
	struct mime_params	 type, disp, enc;
	struct mime_part	*p;
	struct mailmime		*c;
	const struct mime_param	*cs;
	clistiter		*it;
	const char		*cdflt;
	size_t			 a, b, end, idx;

	if (depth > MIME_MAX_DEPTH || w->list->n >= MIME_MAX_PARTS)
		return;
	a = parts_offset(w, hdr_start);
	b = parts_offset(w, parts_body_start(m));
	if (b < a)
		b = a;
	parts_params(w->orig + a, b - a, "Content-Type", dflt, &type);
	parts_params(w->orig + a, b - a, "Content-Disposition", "", &disp);
	parts_params(w->orig + a, b - a, "Content-Transfer-Encoding", "7bit",
	    &enc);

	idx = w->list->n;
	p = parts_add(w);
	p->depth = depth;
	p->type = parts_token(type.value);
	p->encoding = parts_token(enc.value);
	p->name = parts_name(&type, &disp);
	if ((cs = mime_params_get(&type, "charset")) != NULL)
		p->charset = parts_token(cs->value);
	p->attachment = strcmp(disp.value, "attachment") == 0;
	if (strcmp(enc.value, "base64") == 0)
		p->enc = MIME_ENC_BASE64;
	else if (strcmp(enc.value, "quoted-printable") == 0)
		p->enc = MIME_ENC_QP;
	else
		p->enc = MIME_ENC_RAW;

	if (m->mm_type == MAILMIME_MULTIPLE &&
	    clist_begin(m->mm_data.mm_multipart.mm_mp_list) != NULL) {
		p->multipart = 1;
		cdflt = strcmp(type.value, "multipart/digest") == 0 ?
		    "message/rfc822" : "text/plain";
		for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list);
		    it != NULL; it = clist_next(it)) {
			c = clist_content(it);
			parts_walk(w, c, c->mm_mime_start, cdflt, depth + 1);
		}
		goto out;
	}
	if (m->mm_body != NULL && m->mm_body->dt_type == MAILMIME_DATA_TEXT) {
		end = m->mm_body->dt_data.dt_text.dt_length;
		w->list->v[idx].body_off = b;
		w->list->v[idx].body_len = end <= w->len - b ? end : w->len - b;
	} else {
		end = parts_offset(w, m->mm_mime_start + m->mm_length);
		w->list->v[idx].body_off = b;
		w->list->v[idx].body_len = end > b ? end - b : 0;
	}
	p = &w->list->v[idx];
	p->size = parts_decoded_size(w->orig + p->body_off, p->body_len,
	    p->enc);
	if (m->mm_type == MAILMIME_MESSAGE &&
	    m->mm_data.mm_message.mm_msg_mime != NULL)
		parts_walk(w, m->mm_data.mm_message.mm_msg_mime,
		    parts_body_start(m), "text/plain", depth + 1);
out:
	mime_params_release(&type);
	mime_params_release(&disp);
	mime_params_release(&enc);
}

int
mime_parts(const char *msg, size_t len, struct mime_part_list *l,
    struct error *err)
{
	struct parts_walk	 w;
	struct sbuf		 copy;
	struct mailmime		*mime = NULL;
	size_t			 idx = 0;
	int			 rc, ret = 0;

	memset(l, 0, sizeof *l);
	if (msg == NULL)
		return error_set(err, ERROR_INPUT, _("no message"));
	memset(&w, 0, sizeof w);
	w.orig = msg;
	w.len = len;
	w.list = l;
	sbuf_init(&copy);
	mime_prescan(msg, len, &copy);
	w.copy = copy.buf;
	rc = mailmime_parse(copy.buf, copy.len, &idx, &mime);
	if (rc != MAILIMF_NO_ERROR || mime == NULL ||
	    mime->mm_type != MAILMIME_MESSAGE ||
	    mime->mm_data.mm_message.mm_msg_mime == NULL)
		ret = error_set(err, ERROR_INPUT,
		    _("could not parse the MIME structure"));
	else
		parts_walk(&w, mime->mm_data.mm_message.mm_msg_mime,
		    parts_body_start(mime), "text/plain", 0);
	if (mime != NULL)
		mailmime_free(mime);
	sbuf_release(&copy);
	return ret;
}

void
mime_part_list_release(struct mime_part_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].type);
		free(l->v[i].name);
		free(l->v[i].encoding);
		free(l->v[i].charset);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
mime_part_decode(const char *msg, size_t len, const struct mime_part *p,
    struct sbuf *out)
{
	const char	*body;
	size_t		 n;

	if (p->body_off > len)
		return;
	body = msg + p->body_off;
	n = p->body_len <= len - p->body_off ? p->body_len :
	    len - p->body_off;
	switch (p->enc) {
	case MIME_ENC_BASE64:
		mime_b64_decode(body, n, out);
		break;
	case MIME_ENC_QP:
		mime_qp_decode(body, n, out);
		break;
	case MIME_ENC_RAW:
		sbuf_add(out, body, n);
		break;
	}
}
