/*
 * src/mime/compose.c: a message being written: the editor's template,
 * replies and forwards of a raw message, mailto: links.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/xmalloc.h"
#include "mime/internal.h"
#include "mime/mime.h"

#define COMPOSE_MAX_TEXT	(MIME_MAX_BODY + MIME_MAX_ADDRESS_TEXT * 4)
#define COMPOSE_MAX_ID		998	/* one message id, as a line */

/* The template's fields, in their order, and where each goes. */
static const struct {
	const char	*name;
	size_t		 offset;
} compose_fields[] = {
	{ "From", offsetof(struct mime_compose, from) },
	{ "To", offsetof(struct mime_compose, to) },
	{ "Cc", offsetof(struct mime_compose, cc) },
	{ "Bcc", offsetof(struct mime_compose, bcc) },
	{ "Subject", offsetof(struct mime_compose, subject) },
	{ "Reply-To", offsetof(struct mime_compose, reply_to) },
};
#define COMPOSE_NFIELDS	(sizeof compose_fields / sizeof compose_fields[0])

static char **
compose_slot(struct mime_compose *c, size_t i)
{
	return (char **)((char *)c + compose_fields[i].offset);
}

void
mime_compose_init(struct mime_compose *c)
{
	memset(c, 0, sizeof *c);
	sbuf_init(&c->body);
}

void
mime_compose_release(struct mime_compose *c)
{
	size_t	 i;

	for (i = 0; i < COMPOSE_NFIELDS; i++)
		free(*compose_slot(c, i));
	free(c->in_reply_to);
	free(c->references);
	sbuf_release(&c->body);
	mime_compose_init(c);
}

/* Replaces *slot with a copy of v; NULL or "" clears it. */
static void
compose_set(char **slot, const char *v)
{
	free(*slot);
	*slot = v != NULL && *v != '\0' ? xstrdup(v) : NULL;
}

char *
mime_header_get(const char *msg, size_t len, const char *name)
{
	struct mime_field	 f;

	if (msg == NULL || !mime_field_find(msg, len, name, &f))
		return NULL;
	return mime_decode_header(f.value, f.value_len);
}

/* Whether a display name must be quoted (RFC 5322 specials). */
static int
compose_name_needs_quotes(const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("()<>[]:;@\\,.\"", *s) != NULL)
			return 1;
	}
	return 0;
}

void
mime_address_format(struct sbuf *out, const struct mime_address *a)
{
	const char	*p;

	if (a->addr == NULL)
		return;
	if (a->name == NULL || *a->name == '\0') {
		sbuf_addstr(out, a->addr);
		return;
	}
	if (!compose_name_needs_quotes(a->name))
		sbuf_addstr(out, a->name);
	else {
		sbuf_addch(out, '"');
		for (p = a->name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_addch(out, '\\');
			if (*p != '\r' && *p != '\n')
				sbuf_addch(out, *p);
		}
		sbuf_addch(out, '"');
	}
	sbuf_addf(out, " <%s>", a->addr);
}

void
mime_template_format(const struct mime_compose *c, struct sbuf *out)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < COMPOSE_NFIELDS; i++) {
		v = *compose_slot((struct mime_compose *)c, i);
		sbuf_addf(out, "%s: %s\n", compose_fields[i].name,
		    v != NULL ? v : "");
	}
	sbuf_addch(out, '\n');
	if (c->body.len > 0)
		sbuf_add(out, c->body.buf, c->body.len);
}

/* The field index for a header name, or -1. */
static int
compose_field_index(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < COMPOSE_NFIELDS; i++) {
		if (strlen(compose_fields[i].name) == len &&
		    strncasecmp(compose_fields[i].name, name, len) == 0)
			return (int)i;
	}
	return -1;
}

/* Length of a header name at the start of line ("Name:"), else 0. */
static size_t
compose_header_name(const char *line, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (line[i] == ':')
			return i;
		if (line[i] <= ' ' || line[i] >= 0x7f)
			return 0;
	}
	return 0;
}

/* Appends the line to the value: trimmed, folded lines joined by a blank. */
static void
compose_add_value(struct sbuf *v, const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r'))
		len--;
	if (len == 0)
		return;
	if (v->len > 0)
		sbuf_addch(v, ' ');
	sbuf_add(v, s, len);
}

int
mime_template_parse(const char *s, size_t len, struct mime_compose *c,
    struct error *err)
{
	struct sbuf	 vals[COMPOSE_NFIELDS];
	const char	*end = s + len, *nl;
	size_t		 i, n, llen;
	int		 cur = -1, idx, ret = -1;

	if (len > COMPOSE_MAX_TEXT)
		return error_set(err, ERROR_INPUT, _("message text too long "
		    "(%zu bytes)"), len);
	for (i = 0; i < COMPOSE_NFIELDS; i++)
		sbuf_init(&vals[i]);
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		llen = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
		if (llen > 0 && s[llen - 1] == '\r')
			llen--;
		if (llen == 0) {
			s = nl != NULL ? nl + 1 : end;
			break;
		}
		if ((*s == ' ' || *s == '\t') && cur >= 0)
			compose_add_value(&vals[cur], s, llen);
		else if ((n = compose_header_name(s, llen)) == 0)
			break;		/* the body starts here */
		else if ((idx = compose_field_index(s, n)) == -1) {
			error_set(err, ERROR_INPUT, _("unknown header '%.*s' "
			    "(From, To, Cc, Bcc, Subject and Reply-To can be "
			    "edited)"), (int)(n > 64 ? 64 : n), s);
			goto out;
		} else {
			cur = idx;
			sbuf_reset(&vals[cur]);
			compose_add_value(&vals[cur], s + n + 1, llen - n - 1);
		}
		s = nl != NULL ? nl + 1 : end;
	}
	for (i = 0; i < COMPOSE_NFIELDS; i++)
		compose_set(compose_slot(c, i), vals[i].buf);
	sbuf_reset(&c->body);
	if (s < end)
		sbuf_add(&c->body, s, (size_t)(end - s));
	ret = 0;
out:
	for (i = 0; i < COMPOSE_NFIELDS; i++)
		sbuf_release(&vals[i]);
	return ret;
}

/* Whether s starts with a reply or forward prefix of the same kind. */
static int
compose_has_prefix(const char *s, const char *prefix)
{
	static const char	*re[] = { "Re:", "Aw:", NULL };
	static const char	*fwd[] = { "Fwd:", "Fw:", NULL };
	const char		**v;

	v = strcasecmp(prefix, "Re") == 0 ? re : fwd;
	for (; *v != NULL; v++) {
		if (strncasecmp(s, *v, strlen(*v)) == 0)
			return 1;
	}
	return 0;
}

char *
mime_subject_prefixed(const char *subject, const char *prefix)
{
	if (subject == NULL)
		subject = "";
	while (*subject == ' ' || *subject == '\t')
		subject++;
	if (compose_has_prefix(subject, prefix))
		return xstrdup(subject);
	return xasprintf("%s: %s", prefix, subject);
}

/* ------------------------------------------------------------ mailto */

static int
compose_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Percent-decodes s (len bytes) into a new string; in a header value
 * CR and LF become blanks. NULL for a bad escape or a NUL.
 */
static char *
compose_pct_decode(const char *s, size_t len, int is_body)
{
	struct sbuf	 b;
	size_t		 i;
	int		 hi, lo, ch;

	sbuf_init(&b);
	sbuf_addstr(&b, "");
	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (ch == '%') {
			if (i + 2 >= len)
				goto bad;
			hi = compose_hex((unsigned char)s[i + 1]);
			lo = compose_hex((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			ch = hi * 16 + lo;
			i += 2;
		}
		if (ch == '\0')
			goto bad;
		if (ch == '\r' && is_body)
			continue;	/* %0D%0A: a line end */
		if ((ch == '\r' || ch == '\n') && !is_body)
			ch = ' ';
		sbuf_addch(&b, (char)ch);
	}
	return sbuf_detach(&b, NULL);
bad:
	sbuf_release(&b);
	return NULL;
}

/* Adds addresses to a field: "a, b". */
static void
compose_append_addr(char **slot, const char *v)
{
	char	*n;

	if (*v == '\0')
		return;
	if (*slot == NULL) {
		*slot = xstrdup(v);
		return;
	}
	n = xasprintf("%s, %s", *slot, v);
	free(*slot);
	*slot = n;
}

/* One hfield of a mailto: URI; unsafe or unknown ones are dropped. */
static void
compose_mailto_field(struct mime_compose *c, const char *name, size_t nlen,
    const char *val)
{
	if (nlen == 2 && strncasecmp(name, "to", 2) == 0)
		compose_append_addr(&c->to, val);
	else if (nlen == 2 && strncasecmp(name, "cc", 2) == 0)
		compose_append_addr(&c->cc, val);
	else if (nlen == 3 && strncasecmp(name, "bcc", 3) == 0)
		compose_append_addr(&c->bcc, val);
	else if (nlen == 7 && strncasecmp(name, "subject", 7) == 0)
		compose_set(&c->subject, val);
	else if (nlen == 11 && strncasecmp(name, "in-reply-to", 11) == 0 &&
	    strlen(val) <= COMPOSE_MAX_ID)
		compose_set(&c->in_reply_to, val);
	else if (nlen == 4 && strncasecmp(name, "body", 4) == 0) {
		sbuf_reset(&c->body);
		sbuf_addstr(&c->body, val);
		if (c->body.len > 0 && c->body.buf[c->body.len - 1] != '\n')
			sbuf_addch(&c->body, '\n');
	}
}

int
mime_mailto_parse(const char *uri, struct mime_compose *c, struct error *err)
{
	const char	*p, *q, *amp, *eq;
	char		*v;
	int		 is_body;

	if (strncasecmp(uri, "mailto:", 7) != 0)
		return error_set(err, ERROR_INPUT, _("'%s' is not a mailto: "
		    "link"), uri);
	if (strlen(uri) > MIME_MAX_ADDRESS_TEXT)
		return error_set(err, ERROR_INPUT, _("mailto: link too long"));
	p = uri + 7;
	q = strchr(p, '?');
	if ((v = compose_pct_decode(p, q != NULL ? (size_t)(q - p) :
	    strlen(p), 0)) == NULL)
		return error_set(err, ERROR_INPUT, _("bad %%-escape in '%s'"),
		    uri);
	compose_append_addr(&c->to, v);
	free(v);
	for (p = q != NULL ? q + 1 : NULL; p != NULL && *p != '\0';
	    p = amp != NULL ? amp + 1 : NULL) {
		amp = strchr(p, '&');
		q = amp != NULL ? amp : p + strlen(p);
		if ((eq = memchr(p, '=', (size_t)(q - p))) == NULL)
			continue;
		is_body = eq - p == 4 && strncasecmp(p, "body", 4) == 0;
		if ((v = compose_pct_decode(eq + 1, (size_t)(q - eq - 1),
		    is_body)) == NULL)
			return error_set(err, ERROR_INPUT, _("bad %%-escape "
			    "in '%s'"), uri);
		compose_mailto_field(c, p, (size_t)(eq - p), v);
		free(v);
	}
	return 0;
}

/* ------------------------------------------------- reply and forward */

/* Parses header name of msg into l (a bad list is left out). */
static void
compose_header_list(const char *msg, size_t len, const char *name,
    struct mime_address_list *l)
{
	char	*v;

	if ((v = mime_header_get(msg, len, name)) == NULL)
		return;
	(void)mime_address_parse(v, l, NULL);
	free(v);
}

static int
compose_list_has(const struct mime_address_list *l, const char *addr)
{
	size_t	 i;

	for (i = 0; l != NULL && i < l->n; i++) {
		if (l->v[i].addr != NULL && strcasecmp(l->v[i].addr, addr) ==
		    0)
			return 1;
	}
	return 0;
}

/*
 * Formats the addresses of l into a new string, leaving out those in
 * skip1 and skip2 and repeats; NULL when nothing is left.
 */
static char *
compose_format_list(const struct mime_address_list *l,
    const struct mime_address_list *skip1,
    const struct mime_address_list *skip2)
{
	struct mime_address_list	 seen = { NULL, 0 };
	struct sbuf			 b;
	size_t				 i;

	sbuf_init(&b);
	for (i = 0; i < l->n; i++) {
		if (l->v[i].addr == NULL ||
		    compose_list_has(skip1, l->v[i].addr) ||
		    compose_list_has(skip2, l->v[i].addr) ||
		    compose_list_has(&seen, l->v[i].addr))
			continue;
		if (b.len > 0)
			sbuf_addstr(&b, ", ");
		mime_address_format(&b, &l->v[i]);
		seen.v = xreallocarray(seen.v, seen.n + 1, sizeof *seen.v);
		seen.v[seen.n++] = l->v[i];
	}
	free(seen.v);	/* borrowed entries */
	if (b.len == 0) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_detach(&b, NULL);
}

/* The List-Post address ("<mailto:list@host>"), or NULL. */
static char *
compose_list_post(const char *msg, size_t len)
{
	char		*v, *lt, *gt, *addr = NULL, *q;

	if ((v = mime_header_get(msg, len, "List-Post")) == NULL)
		return NULL;
	if ((lt = strchr(v, '<')) != NULL && (gt = strchr(lt, '>')) != NULL &&
	    strncasecmp(lt + 1, "mailto:", 7) == 0) {
		*gt = '\0';
		if ((q = strchr(lt + 8, '?')) != NULL)
			*q = '\0';
		if (lt[8] != '\0')
			addr = xstrdup(lt + 8);
	}
	free(v);
	return addr;
}

/* In-Reply-To and References: the original's ids, then its own. */
static void
compose_thread_ids(const char *msg, size_t len, struct mime_compose *c)
{
	struct sbuf	 b;
	char		*id, *refs, *p, *tok, *save = NULL;
	size_t		 nids = 0, skip = 0, i;

	if ((id = mime_header_get(msg, len, "Message-ID")) == NULL)
		return;
	if (strchr(id, '<') == NULL || strlen(id) > COMPOSE_MAX_ID) {
		free(id);
		return;
	}
	compose_set(&c->in_reply_to, id);
	sbuf_init(&b);
	if ((refs = mime_header_get(msg, len, "References")) == NULL)
		refs = mime_header_get(msg, len, "In-Reply-To");
	if (refs != NULL) {
		for (p = refs; (p = strchr(p, '<')) != NULL; p++)
			nids++;
		/* Keep the first and the newest ids (RFC 5322 3.6.4). */
		if (nids + 1 > MIME_MAX_REFERENCES)
			skip = nids + 1 - MIME_MAX_REFERENCES;
		i = 0;
		for (tok = strtok_r(refs, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save)) {
			if (*tok != '<' || strchr(tok, '>') == NULL)
				continue;
			if (i++ > 0 && i <= skip + 1)
				continue;
			sbuf_addf(&b, "%s ", tok);
		}
		free(refs);
	}
	sbuf_addstr(&b, id);
	compose_set(&c->references, b.buf);
	sbuf_release(&b);
	free(id);
}

/* The rendered text of msg without its header block. */
static void
compose_text(const char *msg, size_t len, struct sbuf *out, int headers)
{
	struct sbuf	 r;
	const char	*p;

	sbuf_init(&r);
	if (mime_render(msg, len, 0, &r, NULL) == 0 && r.len > 0) {
		p = r.buf;
		if (!headers && (p = strstr(r.buf, "\n\n")) != NULL)
			p += 2;
		else if (!headers)
			p = r.buf + r.len;
		sbuf_add(out, p, r.len - (size_t)(p - r.buf));
	}
	sbuf_release(&r);
}

/* "On DATE, NAME wrote:" and the text quoted with "> ". */
static void
compose_quote(const char *msg, size_t len, struct sbuf *body)
{
	struct mime_address_list	 from = { NULL, 0 };
	struct sbuf			 t;
	char				*date;
	const char			*who = "", *s, *nl, *end;

	compose_header_list(msg, len, "From", &from);
	if (from.n > 0)
		who = from.v[0].name != NULL ? from.v[0].name :
		    from.v[0].addr != NULL ? from.v[0].addr : "";
	date = mime_header_get(msg, len, "Date");
	if (date != NULL)
		sbuf_addf(body, _("On %s, %s wrote:\n"), date, who);
	else
		sbuf_addf(body, _("%s wrote:\n"), who);
	free(date);
	mime_address_list_release(&from);
	sbuf_init(&t);
	compose_text(msg, len, &t, 0);
	s = t.buf;
	end = t.buf + t.len;
	while (s != NULL && s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		sbuf_addstr(body, *s == '>' ? ">" : "> ");
		sbuf_add(body, s, (size_t)(nl - s));
		sbuf_addch(body, '\n');
		s = nl + 1;
	}
	sbuf_release(&t);
}

/* The own address the message was sent to, formatted, or NULL. */
static char *
compose_own_recipient(const char *msg, size_t len,
    const struct mime_address_list *own)
{
	static const char	*fields[] = { "To", "Cc", "Delivered-To",
				    "X-Original-To" };
	struct mime_address_list l = { NULL, 0 };
	struct sbuf		 b;
	size_t			 f, i, j;

	for (f = 0; own != NULL && f < sizeof fields / sizeof fields[0];
	    f++) {
		compose_header_list(msg, len, fields[f], &l);
		for (i = 0; i < l.n; i++) {
			for (j = 0; l.v[i].addr != NULL && j < own->n; j++) {
				if (own->v[j].addr == NULL ||
				    strcasecmp(own->v[j].addr, l.v[i].addr) != 0)
					continue;
				mime_address_list_release(&l);
				sbuf_init(&b);
				mime_address_format(&b, &own->v[j]);
				return sbuf_detach(&b, NULL);
			}
		}
		mime_address_list_release(&l);
	}
	return NULL;
}

int
mime_reply_init(const char *msg, size_t len, enum mime_reply_kind kind,
    const struct mime_address_list *own, struct mime_compose *c,
    struct error *err)
{
	struct mime_address_list	 to = { NULL, 0 }, cc = { NULL, 0 };
	char				*v;
	int				 ret = -1;

	if (kind == MIME_REPLY_LIST) {
		if ((v = compose_list_post(msg, len)) == NULL)
			return error_set(err, ERROR_INPUT, _("this message "
			    "has no List-Post header: it did not come from a "
			    "mailing list that takes replies"));
		free(c->to);
		c->to = v;
	} else {
		compose_header_list(msg, len, "Reply-To", &to);
		if (to.n == 0)
			compose_header_list(msg, len, "From", &to);
		if (to.n == 0) {
			error_set(err, ERROR_INPUT, _("the message has no "
			    "sender to reply to"));
			goto out;
		}
		free(c->to);
		c->to = compose_format_list(&to,
		    kind == MIME_REPLY_GROUP && to.n > 1 ? own : NULL, NULL);
		if (c->to == NULL)	/* a reply to one's own message */
			c->to = compose_format_list(&to, NULL, NULL);
		if (kind == MIME_REPLY_GROUP) {
			compose_header_list(msg, len, "To", &cc);
			compose_header_list(msg, len, "Cc", &cc);
			free(c->cc);
			c->cc = compose_format_list(&cc, own, &to);
		}
	}
	v = mime_header_get(msg, len, "Subject");
	free(c->subject);
	c->subject = mime_subject_prefixed(v, "Re");
	free(v);
	compose_thread_ids(msg, len, c);
	if ((v = compose_own_recipient(msg, len, own)) != NULL) {
		free(c->from);
		c->from = v;
	}
	compose_quote(msg, len, &c->body);
	ret = 0;
out:
	mime_address_list_release(&to);
	mime_address_list_release(&cc);
	return ret;
}

int
mime_forward_init(const char *msg, size_t len, int attach,
    struct mime_compose *c, struct error *err)
{
	char	*v;

	(void)err;
	v = mime_header_get(msg, len, "Subject");
	free(c->subject);
	c->subject = mime_subject_prefixed(v, "Fwd");
	free(v);
	if (attach)
		return 0;
	sbuf_addstr(&c->body, _("----- Forwarded message -----\n"));
	compose_text(msg, len, &c->body, 1);
	if (c->body.len > 0 && c->body.buf[c->body.len - 1] != '\n')
		sbuf_addch(&c->body, '\n');
	sbuf_addstr(&c->body, _("----- End forwarded message -----\n"));
	return 0;
}

/* ---------------------------------------------------- split a draft */

/* Where the body of a part starts: after its first empty line. */
static size_t
compose_body_start(const char *s, size_t len)
{
	size_t	 i;

	if (len > 0 && s[0] == '\n')
		return 1;
	if (len > 1 && s[0] == '\r' && s[1] == '\n')
		return 2;
	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '\n')
			continue;
		if (s[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n')
			return i + 3;
	}
	return len;
}

static void
compose_params(const char *hdr, size_t len, const char *name,
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

/* Decodes one part (headers and body) and hands it to cb. */
static void
compose_leaf(const char *s, size_t len, mime_part_cb cb, void *arg)
{
	struct mime_params	 type, disp, enc;
	struct sbuf		 d, u;
	size_t			 b = compose_body_start(s, len), i;
	char			*name, *cs;

	compose_params(s, b, "Content-Type", "text/plain", &type);
	compose_params(s, b, "Content-Disposition", "", &disp);
	compose_params(s, b, "Content-Transfer-Encoding", "7bit", &enc);
	if ((name = mime_params_decode(&disp, "filename")) == NULL)
		name = mime_params_decode(&type, "name");
	sbuf_init(&d);
	sbuf_init(&u);
	if (strcmp(enc.value, "base64") == 0)
		mime_b64_decode(s + b, len - b, &d);
	else if (strcmp(enc.value, "quoted-printable") == 0)
		mime_qp_decode(s + b, len - b, &d);
	else
		sbuf_add(&d, s + b, len - b);
	if (name == NULL && strncmp(type.value, "text/", 5) == 0) {
		cs = mime_params_decode(&type, "charset");
		mime_charset_to_utf8(cs, d.buf != NULL ? d.buf : "", d.len, &u);
		free(cs);
		sbuf_reset(&d);
		for (i = 0; i < u.len; i++) {
			if (u.buf[i] != '\r' || i + 1 == u.len ||
			    u.buf[i + 1] != '\n')
				sbuf_addch(&d, u.buf[i]);
		}
	}
	cb(type.value, name, d.buf != NULL ? d.buf : "", d.len, arg);
	free(name);
	sbuf_release(&d);
	sbuf_release(&u);
	mime_params_release(&type);
	mime_params_release(&disp);
	mime_params_release(&enc);
}

/* The next line starting with delim at or after s; NULL if none. */
static const char *
compose_next_delim(const char *s, const char *end, const char *delim,
    size_t dlen)
{
	const char	*p = s;

	while (p != NULL && p + dlen <= end) {
		if ((p == s || p[-1] == '\n') && memcmp(p, delim, dlen) == 0)
			return p;
		p = memchr(p, '\n', (size_t)(end - p));
		if (p != NULL)
			p++;
	}
	return NULL;
}

void
mime_split_parts(const char *msg, size_t len, mime_part_cb cb, void *arg)
{
	struct mime_params	 ct;
	const char		*end = msg + len, *p, *q, *nl, *stop;
	char			*boundary, *delim;
	size_t			 b = compose_body_start(msg, len), dlen;
	int			 n = 0;

	compose_params(msg, b, "Content-Type", "text/plain", &ct);
	if (strncmp(ct.value, "multipart/", 10) != 0 ||
	    (boundary = mime_params_decode(&ct, "boundary")) == NULL) {
		compose_leaf(msg, len, cb, arg);
		mime_params_release(&ct);
		return;
	}
	delim = xasprintf("--%s", boundary);
	dlen = strlen(delim);
	p = compose_next_delim(msg + b, end, delim, dlen);
	while (p != NULL && n++ < MIME_MAX_PARTS) {
		if (p + dlen + 1 < end && p[dlen] == '-' && p[dlen + 1] == '-')
			break;		/* the closing delimiter */
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		q = compose_next_delim(nl + 1, end, delim, dlen);
		stop = q != NULL ? q : end;
		/* The line end before a delimiter belongs to it. */
		if (q != NULL && stop > nl + 1 && stop[-1] == '\n')
			stop--;
		if (q != NULL && stop > nl + 1 && stop[-1] == '\r')
			stop--;
		compose_leaf(nl + 1, (size_t)(stop - nl - 1), cb, arg);
		p = q;
	}
	free(delim);
	free(boundary);
	mime_params_release(&ct);
}
