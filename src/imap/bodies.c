/* src/imap/bodies.c: messages for reading, in parts, and the body cache. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "imap/internal.h"
#include "model/backend.h"

/*
 * A message larger than this is fetched in parts: BODYSTRUCTURE, the
 * header, and only the parts the pager shows. Smaller ones come whole.
 */
#define BODIES_PARTS_THRESHOLD	(256 * 1024)
#define BODIES_PART_SMALL	(16 * 1024)	/* any part this small comes */
#define BODIES_TEXT_MAX		(1024 * 1024)	/* a larger text is left out */
#define BODIES_MAX_SECTIONS	64	/* asked in one FETCH; more: whole */
#define BODIES_MAX_DEPTH	16	/* multipart nesting we rebuild */
#define BODIES_SECTION_MAX	64	/* "1.2.3.MIME" */
#define BODIES_MAX_BOUNDARY	70	/* RFC 2046 5.1.1 */

/* What to ask for a message fetched in parts, and what came back. */
struct bodies_plan {
	char		 key[BODIES_MAX_SECTIONS][BODIES_SECTION_MAX];
	const char	*data[BODIES_MAX_SECTIONS];
	size_t		 len[BODIES_MAX_SECTIONS];
	size_t		 n;
	const char	*header;	/* BODY[HEADER] */
	size_t		 header_len;
	int		 omitted;	/* parts left out */
	int		 bad;		/* cannot be rebuilt: fetch it whole */
};

static uint64_t
bodies_limit(struct backend *b)
{
	return imapc_account(b)->imap_body_cache_size;
}

/* "1.2" or "1.2.MIME" for a part; "HEADER"; "" for anything else. */
static void
bodies_section_key(const struct mailimap_section *sec, char *buf,
    size_t size)
{
	const struct mailimap_section_spec	*sp;
	clistiter				*it;
	size_t					 len = 0;
	int					 n;

	buf[0] = '\0';
	if (sec == NULL || (sp = sec->sec_spec) == NULL)
		return;
	if (sp->sec_type == MAILIMAP_SECTION_SPEC_SECTION_MSGTEXT) {
		if (sp->sec_data.sec_msgtext != NULL &&
		    sp->sec_data.sec_msgtext->sec_type ==
		    MAILIMAP_SECTION_MSGTEXT_HEADER)
			snprintf(buf, size, "HEADER");
		return;
	}
	if (sp->sec_data.sec_part == NULL)
		return;
	for (it = clist_begin(sp->sec_data.sec_part->sec_id); it != NULL;
	    it = clist_next(it)) {
		n = snprintf(buf + len, size - len, "%s%u", len > 0 ? "." : "",
		    (unsigned)*(uint32_t *)clist_content(it));
		if (n < 0 || (size_t)n >= size - len) {
			buf[0] = '\0';
			return;
		}
		len += (size_t)n;
	}
	if (sp->sec_text != NULL &&
	    sp->sec_text->sec_type == MAILIMAP_SECTION_TEXT_MIME &&
	    len + 6 < size)
		memcpy(buf + len, ".MIME", 6);
}

/* The section for a key made by bodies_plan_walk (digits, dots, .MIME). */
static struct mailimap_section *
bodies_section_new(const char *key)
{
	clist		*ids;
	uint32_t	*id;
	const char	*p = key;
	char		*end;
	int		 mime = 0;

	if (strcmp(key, "HEADER") == 0)
		return imapc_need(mailimap_section_new_header());
	ids = imapc_need(clist_new());
	while (*p != '\0') {
		if (strcmp(p, "MIME") == 0) {
			mime = 1;
			break;
		}
		id = imapc_need(malloc(sizeof *id));
		*id = (uint32_t)strtoul(p, &end, 10);
		if (clist_append(ids, id) != 0)
			imapc_need(NULL);
		p = *end == '.' ? end + 1 : end;
	}
	if (mime)
		return imapc_need(mailimap_section_new_part_mime(
		    imapc_need(mailimap_section_part_new(ids))));
	return imapc_need(mailimap_section_new_part(
	    imapc_need(mailimap_section_part_new(ids))));
}

static void
bodies_plan_add(struct bodies_plan *p, const char *path, const char *suffix)
{
	if (p->n == BODIES_MAX_SECTIONS) {
		p->bad = 1;
		return;
	}
	snprintf(p->key[p->n++], BODIES_SECTION_MAX, "%s%s", path, suffix);
}

/* Whether the pager shows a part: texts, nested messages, small parts. */
static int
bodies_part_wanted(const struct mailimap_body_type_1part *one,
    uint32_t *sizep)
{
	const struct mailimap_body_fields	*f = NULL;
	const char				*sub = "";

	switch (one->bd_type) {
	case MAILIMAP_BODY_TYPE_1PART_TEXT:
		f = one->bd_data.bd_type_text->bd_fields;
		sub = one->bd_data.bd_type_text->bd_media_text;
		break;
	case MAILIMAP_BODY_TYPE_1PART_MSG:
		f = one->bd_data.bd_type_msg->bd_fields;
		sub = NULL;
		break;
	case MAILIMAP_BODY_TYPE_1PART_BASIC:
		f = one->bd_data.bd_type_basic->bd_fields;
		break;
	default:
		break;
	}
	*sizep = f != NULL ? f->bd_size : 0;
	if (f == NULL)
		return 1;
	if (f->bd_size <= BODIES_PART_SMALL)
		return 1;
	if (f->bd_size > BODIES_TEXT_MAX)
		return 0;
	if (sub == NULL)
		return 1;	/* message/rfc822: shown inline */
	return strcasecmp(sub, "plain") == 0 || strcasecmp(sub, "html") == 0;
}

/* The boundary of a multipart from its BODYSTRUCTURE, or NULL. */
static const char *
bodies_boundary(const struct mailimap_body_type_mpart *mp)
{
	struct mailimap_single_body_fld_param	*pa;
	clistiter				*it;

	if (mp->bd_ext_mpart == NULL || mp->bd_ext_mpart->bd_parameter ==
	    NULL)
		return NULL;
	for (it = clist_begin(mp->bd_ext_mpart->bd_parameter->pa_list);
	    it != NULL; it = clist_next(it)) {
		pa = clist_content(it);
		if (strcasecmp(pa->pa_name, "boundary") == 0 &&
		    *pa->pa_value != '\0' &&
		    strlen(pa->pa_value) <= BODIES_MAX_BOUNDARY &&
		    strpbrk(pa->pa_value, "\r\n") == NULL)
			return pa->pa_value;
	}
	return NULL;
}

static void
bodies_child_path(char *out, const char *path, int i)
{
	snprintf(out, BODIES_SECTION_MAX, "%s%s%d", path, *path != '\0' ?
	    "." : "", i);
}

/* Notes the sections to ask for the multipart mp at path ("" the top). */
static void
bodies_plan_walk(struct bodies_plan *p, const struct mailimap_body *body,
    const char *path, int depth)
{
	const struct mailimap_body_type_mpart	*mp;
	char					 child[BODIES_SECTION_MAX];
	clistiter				*it;
	uint32_t				 size;
	int					 i = 0;

	if (depth > BODIES_MAX_DEPTH || strlen(path) > BODIES_SECTION_MAX -
	    16 || body == NULL) {
		p->bad = 1;
		return;
	}
	if (body->bd_type == MAILIMAP_BODY_1PART) {
		bodies_plan_add(p, path, ".MIME");
		if (body->bd_data.bd_body_1part == NULL ||
		    bodies_part_wanted(body->bd_data.bd_body_1part, &size))
			bodies_plan_add(p, path, "");
		else
			p->omitted++;
		return;
	}
	mp = body->bd_data.bd_body_mpart;
	if (mp == NULL || bodies_boundary(mp) == NULL) {
		p->bad = 1;
		return;
	}
	if (*path != '\0')
		bodies_plan_add(p, path, ".MIME");
	for (it = clist_begin(mp->bd_list); it != NULL && !p->bad;
	    it = clist_next(it)) {
		bodies_child_path(child, path, ++i);
		bodies_plan_walk(p, clist_content(it), child, depth + 1);
	}
}

/* What came back for key, or NULL. */
static const char *
bodies_plan_get(const struct bodies_plan *p, const char *key, size_t *lenp)
{
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->key[i], key) == 0 && p->data[i] != NULL) {
			*lenp = p->len[i];
			return p->data[i];
		}
	}
	return NULL;
}

static uint32_t
bodies_part_size(const struct mailimap_body *body)
{
	uint32_t	 size = 0;

	if (body->bd_type == MAILIMAP_BODY_1PART &&
	    body->bd_data.bd_body_1part != NULL)
		(void)bodies_part_wanted(body->bd_data.bd_body_1part, &size);
	return size;
}

/* Writes the multipart at path from what came back; -1 if some is missing. */
static int
bodies_build_multipart(const struct bodies_plan *p,
    const struct mailimap_body *body, const char *path, struct sbuf *out)
{
	const struct mailimap_body_type_mpart	*mp = body->bd_data.bd_body_mpart;
	const struct mailimap_body		*c;
	const char				*boundary, *data;
	char					 child[BODIES_SECTION_MAX];
	char					 key[BODIES_SECTION_MAX + 8];
	clistiter				*it;
	size_t					 len;
	int					 i = 0;

	boundary = bodies_boundary(mp);
	for (it = clist_begin(mp->bd_list); it != NULL; it = clist_next(it)) {
		c = clist_content(it);
		bodies_child_path(child, path, ++i);
		sbuf_addf(out, "%s--%s\r\n", i > 1 ? "\r\n" : "", boundary);
		snprintf(key, sizeof key, "%s.MIME", child);
		if ((data = bodies_plan_get(p, key, &len)) == NULL)
			return -1;
		sbuf_add(out, data, len);
		if (c->bd_type == MAILIMAP_BODY_MPART) {
			if (bodies_build_multipart(p, c, child, out) == -1)
				return -1;
		} else if ((data = bodies_plan_get(p, child, &len)) != NULL)
			sbuf_add(out, data, len);
		else
			sbuf_addf(out, "%s%s %u\r\n", BACKEND_OMITTED, child,
			    (unsigned)bodies_part_size(c));
	}
	sbuf_addf(out, "\r\n--%s--\r\n", boundary);
	return 0;
}

/* UID FETCH uid with the attributes of ft; *resp is the list to free. */
static int
bodies_uid_fetch(struct backend *b, uint32_t uid,
    struct mailimap_fetch_type *ft, int seconds, clist **resp,
    struct error *err)
{
	struct mailimap_set	*set;
	int			 r;

	*resp = NULL;
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_uid())) != 0)
		imapc_need(NULL);
	set = imapc_need(mailimap_set_new_single(uid));
	imapc_arm(b, seconds);
	r = mailimap_uid_fetch(imapc_session(b), set, ft, resp);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	return imapc_done(b, r, "UID FETCH", err);
}

/* The items of the FETCH response for uid in res, or NULL. */
static clist *
bodies_find(clist *res, uint32_t uid)
{
	struct mailimap_msg_att		*att;
	struct mailimap_msg_att_item	*item;
	clistiter			*it, *jt;

	for (it = res == NULL ? NULL : clist_begin(res); it != NULL;
	    it = clist_next(it)) {
		att = clist_content(it);
		for (jt = clist_begin(att->att_list); jt != NULL;
		    jt = clist_next(jt)) {
			item = clist_content(jt);
			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    item->att_data.att_static != NULL &&
			    item->att_data.att_static->att_type ==
			    MAILIMAP_MSG_ATT_UID &&
			    item->att_data.att_static->att_data.att_uid == uid)
				return att->att_list;
		}
	}
	return NULL;
}

/* The static item of type in items (the first one), or NULL. */
static struct mailimap_msg_att_static *
bodies_static(clist *items, int type)
{
	struct mailimap_msg_att_item	*item;
	clistiter			*it;

	for (it = items == NULL ? NULL : clist_begin(items); it != NULL;
	    it = clist_next(it)) {
		item = clist_content(it);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static != NULL &&
		    item->att_data.att_static->att_type == type)
			return item->att_data.att_static;
	}
	return NULL;
}

static int
bodies_gone(struct backend *b, uint32_t uid, struct error *err)
{
	return error_set(err, ERROR_SERVER,
	    _("%s: message %u is no longer on the server"), imapc_host(b),
	    (unsigned)uid);
}

/* The body section key of uid (BODY.PEEK[key]) into out. */
static int
bodies_fetch_section(struct backend *b, uint32_t uid, const char *key,
    uint32_t size, struct sbuf *out, struct error *err)
{
	struct mailimap_fetch_type		*ft;
	struct mailimap_msg_att_static		*st;
	struct mailimap_msg_att_body_section	*sec;
	clist					*res;
	int					 ret = -1;

	log_debug("%s: UID FETCH %u (BODY.PEEK[%s])", imapc_host(b),
	    (unsigned)uid, key);
	ft = imapc_need(mailimap_fetch_type_new_fetch_att_list_empty());
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_body_peek_section(*key ==
	    '\0' ? imapc_need(mailimap_section_new(NULL)) :
	    bodies_section_new(key)))) != 0)
		imapc_need(NULL);
	if (bodies_uid_fetch(b, uid, ft, imapc_deadline(b, size), &res,
	    err) == -1)
		goto out;
	st = bodies_static(bodies_find(res, uid),
	    MAILIMAP_MSG_ATT_BODY_SECTION);
	if (st == NULL || (sec = st->att_data.att_body_section) == NULL ||
	    sec->sec_body_part == NULL) {
		bodies_gone(b, uid, err);
		goto out;
	}
	if (sec->sec_length > IMAP_MAX_MESSAGE) {
		error_set(err, ERROR_SERVER, _("%s: message too large "
		    "(%zu bytes)"), imapc_host(b), sec->sec_length);
		goto out;
	}
	sbuf_add(out, sec->sec_body_part, sec->sec_length);
	log_debug("%s: message %u [%s]: %zu bytes", imapc_host(b),
	    (unsigned)uid, key, sec->sec_length);
	ret = 0;
out:
	if (res != NULL)
		mailimap_fetch_list_free(res);
	return ret;
}

/* RFC822.SIZE and BODYSTRUCTURE of uid: the response list to free. */
static int
bodies_fetch_structure(struct backend *b, uint32_t uid, clist **resp,
    uint32_t *sizep, struct mailimap_body **bodyp, struct error *err)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_msg_att_static	*st;
	clist				*items;

	ft = imapc_need(mailimap_fetch_type_new_fetch_att_list_empty());
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_rfc822_size())) != 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_bodystructure())) != 0)
		imapc_need(NULL);
	log_debug("%s: UID FETCH %u (RFC822.SIZE BODYSTRUCTURE)",
	    imapc_host(b), (unsigned)uid);
	if (bodies_uid_fetch(b, uid, ft, imapc_deadline(b, 64 * 1024), resp,
	    err) == -1)
		return -1;
	items = bodies_find(*resp, uid);
	if ((st = bodies_static(items, MAILIMAP_MSG_ATT_RFC822_SIZE)) == NULL)
		return bodies_gone(b, uid, err);
	*sizep = st->att_data.att_rfc822_size;
	st = bodies_static(items, MAILIMAP_MSG_ATT_BODYSTRUCTURE);
	*bodyp = st != NULL ? st->att_data.att_body : NULL;
	if (*sizep > IMAP_MAX_MESSAGE)
		return error_set(err, ERROR_SERVER,
		    _("%s: message too large (%u bytes)"), imapc_host(b),
		    (unsigned)*sizep);
	return 0;
}

/* Asks for every section of the plan in one command. */
static int
bodies_fetch_plan(struct backend *b, uint32_t uid, uint32_t size,
    struct bodies_plan *p, clist **resp, struct error *err)
{
	struct mailimap_fetch_type		*ft;
	struct mailimap_msg_att_item		*item;
	struct mailimap_msg_att_body_section	*sec;
	struct sbuf				 line;
	char					 key[BODIES_SECTION_MAX];
	clist					*items;
	clistiter				*it;
	size_t					 i;

	ft = imapc_need(mailimap_fetch_type_new_fetch_att_list_empty());
	sbuf_init(&line);
	sbuf_addstr(&line, "BODY.PEEK[HEADER]");
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_body_peek_section(
	    bodies_section_new("HEADER")))) != 0)
		imapc_need(NULL);
	for (i = 0; i < p->n; i++) {
		sbuf_addf(&line, " BODY.PEEK[%s]", p->key[i]);
		if (mailimap_fetch_type_new_fetch_att_list_add(ft,
		    imapc_need(mailimap_fetch_att_new_body_peek_section(
		    bodies_section_new(p->key[i])))) != 0)
			imapc_need(NULL);
	}
	log_debug("%s: UID FETCH %u (%s), %d parts left out", imapc_host(b),
	    (unsigned)uid, line.buf, p->omitted);
	sbuf_release(&line);
	if (bodies_uid_fetch(b, uid, ft, imapc_deadline(b, size), resp,
	    err) == -1)
		return -1;
	if ((items = bodies_find(*resp, uid)) == NULL)
		return bodies_gone(b, uid, err);
	for (it = clist_begin(items); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item == NULL || item->att_type !=
		    MAILIMAP_MSG_ATT_ITEM_STATIC ||
		    item->att_data.att_static == NULL ||
		    item->att_data.att_static->att_type !=
		    MAILIMAP_MSG_ATT_BODY_SECTION ||
		    (sec = item->att_data.att_static->att_data.att_body_section) ==
		    NULL || sec->sec_body_part == NULL)
			continue;
		bodies_section_key(sec->sec_section, key, sizeof key);
		if (strcmp(key, "HEADER") == 0) {
			p->header = sec->sec_body_part;
			p->header_len = sec->sec_length;
			continue;
		}
		for (i = 0; i < p->n; i++) {
			if (strcmp(p->key[i], key) == 0) {
				p->data[i] = sec->sec_body_part;
				p->len[i] = sec->sec_length;
			}
		}
	}
	if (p->header == NULL)
		return bodies_gone(b, uid, err);
	return 0;
}

/*
 * The message for reading: whole when small (or whole asked), else
 * built from the parts the plan fetched. 1 when it must be fetched
 * whole after all.
 */
static int
bodies_fetch_parts(struct backend *b, uint32_t uid, uint32_t size,
    const struct mailimap_body *body, struct sbuf *out, struct error *err)
{
	struct bodies_plan	*p;
	clist			*res = NULL;
	size_t			 start = out->len;
	int			 ret = 1;

	if (body == NULL || body->bd_type != MAILIMAP_BODY_MPART)
		return 1;
	p = xcalloc(1, sizeof *p);
	bodies_plan_walk(p, body, "", 0);
	if (p->bad || p->omitted == 0)
		goto out;
	if (bodies_fetch_plan(b, uid, size, p, &res, err) == -1) {
		ret = -1;
		goto out;
	}
	sbuf_add(out, p->header, p->header_len);
	if (bodies_build_multipart(p, body, "", out) == -1) {
		log_warn("%s: message %u: a part did not come, fetching it "
		    "whole", imapc_host(b), (unsigned)uid);
		sbuf_setlen(out, start);
		goto out;
	}
	log_debug("%s: message %u: %zu of %u bytes, %d parts left out",
	    imapc_host(b), (unsigned)uid, out->len - start, (unsigned)size,
	    p->omitted);
	ret = 0;
out:
	if (res != NULL)
		mailimap_fetch_list_free(res);
	free(p);
	return ret;
}

static void
bodies_keep(struct backend *b, const char *wire_name, uint32_t uid,
    const struct sbuf *msg, size_t start, int partial)
{
	struct imapc_cache	*c;
	struct error		 e = { 0 };

	if (bodies_limit(b) == 0 || wire_name == NULL)
		return;
	if ((c = imapc_backend_cache(b, &e)) == NULL ||
	    imapc_cache_body_put(c, wire_name, uid, msg->buf + start,
	    msg->len - start, partial, bodies_limit(b), &e) == -1)
		log_warn("%s: body cache: %s", imapc_host(b), e.msg);
	else
		log_debug("%s: message %u kept in the body cache (%zu bytes%s)",
		    imapc_host(b), (unsigned)uid, msg->len - start,
		    partial ? ", in part" : "");
}

int
imapc_fetch_message(struct backend *b, const char *wire_name, uint32_t uid,
    int whole, struct sbuf *out, int *partialp, struct error *err)
{
	struct mailimap_body	*body = NULL;
	clist			*res = NULL;
	uint32_t		 size;
	size_t			 start = out->len;
	int			 r = 1, ret = -1;

	*partialp = 0;
	if (bodies_fetch_structure(b, uid, &res, &size, &body, err) == -1)
		goto out;
	if (!whole && size > BODIES_PARTS_THRESHOLD &&
	    (r = bodies_fetch_parts(b, uid, size, body, out, err)) == -1)
		goto out;
	if (r == 1) {
		if (bodies_fetch_section(b, uid, "", size, out, err) == -1)
			goto out;
	} else
		*partialp = 1;
	bodies_keep(b, wire_name, uid, out, start, *partialp);
	ret = 0;
out:
	if (res != NULL)
		mailimap_fetch_list_free(res);
	return ret;
}

/* A section as fetch_part takes it: "2", "1.3"; bounded. */
static int
bodies_section_ok(const char *s)
{
	size_t	 i, dots = 0;

	if (s == NULL || *s == '\0' || strlen(s) >= BODIES_SECTION_MAX - 6)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '.') {
			if (i == 0 || s[i + 1] == '\0' || s[i + 1] == '.')
				return 0;
			dots++;
		} else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return dots <= BODIES_MAX_DEPTH;
}

int
imapc_fetch_part(struct backend *b, uint32_t uid, const char *section,
    struct sbuf *out, struct error *err)
{
	struct mailimap_body	*body;
	clist			*res = NULL;
	uint32_t		 size;
	int			 ret = -1;

	if (!bodies_section_ok(section))
		return error_set(err, ERROR_INPUT, _("bad part '%s'"),
		    section != NULL ? section : "");
	/* The message's size bounds the part's. */
	if (bodies_fetch_structure(b, uid, &res, &size, &body, err) == 0)
		ret = bodies_fetch_section(b, uid, section, size, out, err);
	if (res != NULL)
		mailimap_fetch_list_free(res);
	return ret;
}

int
imapc_load_body(const struct account *acct, const char *wire_name,
    uint32_t uid, int whole, struct sbuf *out, int *partialp,
    struct error *err)
{
	struct imapc_cache	*c;
	size_t			 start = out->len;
	int			 r, partial = 0;

	*partialp = 0;
	if (acct->imap_body_cache_size == 0 || wire_name == NULL)
		return 0;
	if ((r = imapc_cache_open_account(acct->id, &c, err)) != 1)
		return r;
	r = imapc_cache_body_get(c, wire_name, uid, out, &partial, err);
	imapc_cache_close(c);
	if (r == -1)
		return -1;
	if (r == 1 || (whole && partial)) {
		sbuf_setlen(out, start);
		return 0;
	}
	*partialp = partial;
	log_debug("account %s: message %u from the body cache (%zu bytes%s)",
	    acct->id, (unsigned)uid, out->len - start,
	    partial ? ", in part" : "");
	return 1;
}
