/* src/imap/summary.c: FETCH responses made into index summaries. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "core/error.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "imap/internal.h"
#include "mime/mime.h"
#include "model/model.h"

#define SUMMARY_CT_NAME		"content-type:"
#define SUMMARY_REFS_NAME	"references:"

/* System flags, as libetpan tags them. */
static const struct {
	int		 type;
	uint32_t	 flag;
} summary_flag_map[] = {
	{ MAILIMAP_FLAG_SEEN, SUMMARY_SEEN },
	{ MAILIMAP_FLAG_ANSWERED, SUMMARY_ANSWERED },
	{ MAILIMAP_FLAG_FLAGGED, SUMMARY_FLAGGED },
	{ MAILIMAP_FLAG_DELETED, SUMMARY_DELETED },
	{ MAILIMAP_FLAG_DRAFT, SUMMARY_DRAFT },
};

/* Top-level types of a message that is one file. */
static const char *summary_file_types[] = {
	"application/", "image/", "audio/", "video/", "model/",
};

uint32_t
imapc_flags_from_fetch(const struct mailimap_msg_att_dynamic *dyn)
{
	struct mailimap_flag_fetch	*ff;
	clistiter			*it;
	uint32_t			 flags = 0;
	size_t				 i;

	if (dyn == NULL || dyn->att_list == NULL)
		return 0;
	for (it = clist_begin(dyn->att_list); it != NULL; it = clist_next(it)) {
		ff = clist_content(it);
		if (ff == NULL)
			continue;
		if (ff->fl_type == MAILIMAP_FLAG_FETCH_RECENT) {
			flags |= SUMMARY_RECENT;
			continue;
		}
		if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER ||
		    ff->fl_flag == NULL)
			continue;
		for (i = 0; i < sizeof summary_flag_map /
		    sizeof summary_flag_map[0]; i++) {
			if (ff->fl_flag->fl_type == summary_flag_map[i].type)
				flags |= summary_flag_map[i].flag;
		}
	}
	return flags;
}

/*
 * Finds the value of the field name (with its colon, lower case) in a
 * header block; the value runs to the end of the block.
 */
static const char *
summary_find_field(const char *hdr, size_t len, const char *name,
    size_t *vlenp)
{
	const char	*p = hdr, *end = hdr + len, *v, *nl;
	size_t		 n = strlen(name);

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if ((size_t)(end - p) >= n && strncasecmp(p, name, n) == 0) {
			v = p + n;
			*vlenp = (size_t)(end - v);
			return v;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

uint32_t
imapc_flags_from_content_type(const char *hdr, size_t len)
{
	const char	*v;
	char		 type[64];
	size_t		 vlen, i, n = 0;

	if (hdr == NULL || (v = summary_find_field(hdr, len, SUMMARY_CT_NAME,
	    &vlen)) ==
	    NULL)
		return 0;
	/* Skip white space and folding, then take "type/subtype". */
	for (i = 0; i < vlen && strchr(" \t\r\n", v[i]) != NULL; i++)
		continue;
	for (; i < vlen && n + 1 < sizeof type; i++) {
		if (strchr(" \t\r\n;(", v[i]) != NULL || v[i] == '\0')
			break;
		type[n++] = v[i] >= 'A' && v[i] <= 'Z' ? v[i] - 'A' + 'a' :
		    v[i];
	}
	type[n] = '\0';
	if (strcmp(type, "multipart/mixed") == 0)
		return SUMMARY_ATTACHMENT;
	if (strcmp(type, "multipart/encrypted") == 0 ||
	    strcmp(type, "application/pkcs7-mime") == 0 ||
	    strcmp(type, "application/x-pkcs7-mime") == 0)
		return SUMMARY_ENCRYPTED;
	if (strcmp(type, "multipart/signed") == 0)
		return SUMMARY_SIGNED;
	for (i = 0; i < sizeof summary_file_types /
	    sizeof summary_file_types[0]; i++) {
		n = strlen(summary_file_types[i]);
		if (strncmp(type, summary_file_types[i], n) == 0 &&
		    type[n] != '\0')
			return SUMMARY_ATTACHMENT;
	}
	return 0;
}

/*
 * The value of the field name (with its colon, lower case) in a header
 * block, unfolded, at most max bytes; NULL if it is missing or empty.
 */
static char *
summary_field(const char *hdr, size_t len, const char *name, size_t max)
{
	struct sbuf	 b;
	const char	*v;
	size_t		 vlen, i;

	if (hdr == NULL ||
	    (v = summary_find_field(hdr, len, name, &vlen)) == NULL)
		return NULL;
	sbuf_init(&b);
	/* Unfold: the value ends at a line break not followed by a blank. */
	for (i = 0; i < vlen && b.len < max; i++) {
		if (v[i] == '\r' || v[i] == '\n') {
			if (v[i] == '\r' && i + 1 < vlen && v[i + 1] == '\n')
				i++;
			if (i + 1 >= vlen ||
			    (v[i + 1] != ' ' && v[i + 1] != '\t'))
				break;
			continue;
		}
		sbuf_addch(&b, v[i] == '\0' || v[i] == '\t' ? ' ' : v[i]);
	}
	if (b.len == 0 || b.len == strspn(b.buf, " ")) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_detach(&b, NULL);
}

char *
imapc_references_from_header(const char *hdr, size_t len)
{
	return summary_field(hdr, len, SUMMARY_REFS_NAME, IMAP_MAX_REFS);
}

/* Cuts s to at most max bytes, on a UTF-8 character boundary. */
static void
summary_cut(char *s, size_t max)
{
	size_t	 n;

	if (strlen(s) <= max)
		return;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	s[n] = '\0';
}

/* The text of b cut to IMAP_MAX_FIELD, or NULL if it is empty. */
static char *
summary_take(struct sbuf *b)
{
	char	*s;

	if (b->len == 0) {
		sbuf_release(b);
		return NULL;
	}
	s = sbuf_detach(b, NULL);
	summary_cut(s, IMAP_MAX_FIELD);
	return s;
}

char *
imapc_field_decode(const char *raw)
{
	char	*s;
	size_t	 len;

	if (raw == NULL)
		return xstrdup("");
	len = strnlen(raw, IMAP_MAX_FIELD_RAW);
	s = mime_decode_header(raw, len);
	summary_cut(s, IMAP_MAX_FIELD);
	return s;
}

/* The first real address of a list (group markers have no host). */
static const struct mailimap_address *
summary_first_address(const clist *list)
{
	const struct mailimap_address	*a;
	clistiter			*it;

	if (list == NULL)
		return NULL;
	for (it = clist_begin((clist *)list); it != NULL; it = clist_next(it)) {
		a = clist_content(it);
		if (a != NULL && a->ad_host_name != NULL)
			return a;
	}
	return NULL;
}

/* The display name of the sender, else mailbox@host, else "". */
static char *
summary_from(const struct mailimap_envelope *env)
{
	const struct mailimap_address	*a = NULL;
	char				*s;

	if (env->env_from != NULL)
		a = summary_first_address(env->env_from->frm_list);
	if (a == NULL)
		return xstrdup("");
	if (a->ad_personal_name != NULL) {
		s = imapc_field_decode(a->ad_personal_name);
		if (s[strspn(s, " \t")] != '\0')
			return s;
		free(s);
	}
	if (a->ad_mailbox_name == NULL)
		return xstrdup("");
	s = xasprintf("%.*s@%.*s", IMAP_MAX_FIELD / 2, a->ad_mailbox_name,
	    IMAP_MAX_FIELD / 2, a->ad_host_name);
	summary_cut(s, IMAP_MAX_FIELD);
	return s;
}

/* "Name <a@b>, c@d" for an address list; NULL if it has none. */
static char *
summary_addresses(const clist *list)
{
	const struct mailimap_address	*a;
	struct sbuf			 b;
	clistiter			*it;
	char				*name;

	if (list == NULL)
		return NULL;
	sbuf_init(&b);
	for (it = clist_begin((clist *)list); it != NULL &&
	    b.len < IMAP_MAX_FIELD; it = clist_next(it)) {
		a = clist_content(it);
		if (a == NULL || a->ad_host_name == NULL ||
		    a->ad_mailbox_name == NULL)
			continue;
		if (b.len > 0)
			sbuf_addstr(&b, ", ");
		if (a->ad_personal_name != NULL) {
			name = imapc_field_decode(a->ad_personal_name);
			sbuf_addf(&b, "%s ", name);
			free(name);
		}
		sbuf_addf(&b, "<%.*s@%.*s>", IMAP_MAX_FIELD / 2,
		    a->ad_mailbox_name, IMAP_MAX_FIELD / 2, a->ad_host_name);
	}
	return summary_take(&b);
}

/* A Message-ID or In-Reply-To as sent, bounded; NULL if absent. */
static char *
summary_id(const char *raw)
{
	char	*s, *p;

	if (raw == NULL || *raw == '\0')
		return NULL;
	s = xstrndup(raw, IMAP_MAX_FIELD);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	}
	return s;
}

void
imapc_summary_from_envelope(const struct mailimap_envelope *env,
    struct summary *s)
{
	time_t	 t;

	free(s->subject);
	free(s->from);
	free(s->to);
	free(s->cc);
	free(s->message_id);
	free(s->in_reply_to);
	s->to = s->cc = s->message_id = s->in_reply_to = NULL;
	if (env == NULL) {
		s->subject = xstrdup("");
		s->from = xstrdup("");
		return;
	}
	s->subject = imapc_field_decode(env->env_subject);
	s->from = summary_from(env);
	if (env->env_to != NULL)
		s->to = summary_addresses(env->env_to->to_list);
	if (env->env_cc != NULL)
		s->cc = summary_addresses(env->env_cc->cc_list);
	s->message_id = summary_id(env->env_message_id);
	s->in_reply_to = summary_id(env->env_in_reply_to);
	if (env->env_date != NULL &&
	    strnlen(env->env_date, IMAP_MAX_FIELD_RAW) < IMAP_MAX_FIELD_RAW &&
	    imapc_date_parse(env->env_date, &t) == 0)
		s->date = t;
}

/* The raw field trimmed of the blanks around it; NULL stays NULL. */
static char *
summary_trim(char *raw)
{
	size_t	 n;
	char	*p;

	if (raw == NULL)
		return NULL;
	p = raw + strspn(raw, " ");
	n = strlen(p);
	while (n > 0 && p[n - 1] == ' ')
		n--;
	memmove(raw, p, n);
	raw[n] = '\0';
	return raw;
}

/*
 * The addresses of a raw address field (RFC 2047 names decoded): the
 * first one's display name, else its address (first), or all of them as
 * "Name <a@b>, c@d" (!first). A field that does not parse is shown as it
 * is, decoded. NULL if there is none.
 */
static char *
summary_header_addresses(const char *raw, int first)
{
	struct mime_address_list	 l = { NULL, 0 };
	struct mime_address		*a;
	struct sbuf			 b;
	struct error			 err = { 0 };
	size_t				 i;
	char				*s;

	if (raw == NULL)
		return NULL;
	if (mime_address_parse(raw, &l, &err) == -1) {
		error_clear(&err);
		s = imapc_field_decode(raw);
		if (*s != '\0')
			return s;
		free(s);
		return NULL;
	}
	sbuf_init(&b);
	for (i = 0; i < l.n && b.len < IMAP_MAX_FIELD; i++) {
		a = &l.v[i];
		if (a->addr == NULL || *a->addr == '\0')
			continue;	/* an empty group */
		if (first) {
			sbuf_addstr(&b, a->name != NULL &&
			    a->name[strspn(a->name, " \t")] != '\0' ?
			    a->name : a->addr);
			break;
		}
		if (b.len > 0)
			sbuf_addstr(&b, ", ");
		if (a->name != NULL && a->name[strspn(a->name, " \t")] != '\0')
			sbuf_addf(&b, "%s <%s>", a->name, a->addr);
		else
			sbuf_addf(&b, "<%s>", a->addr);
	}
	mime_address_list_release(&l);
	return summary_take(&b);
}

/*
 * The index fields from the raw header fields of a message (the FETCH of
 * BODY.PEEK[HEADER.FIELDS (...)]: cheaper for a server than ENVELOPE, which
 * says the same).
 */
static void
summary_from_header_block(const char *hdr, size_t len, struct summary *s)
{
	char	*raw;
	time_t	 t;

	raw = summary_field(hdr, len, "subject:", IMAP_MAX_FIELD_RAW);
	s->subject = imapc_field_decode(raw != NULL ? summary_trim(raw) : NULL);
	free(raw);
	raw = summary_field(hdr, len, "from:", IMAP_MAX_FIELD_RAW);
	s->from = summary_header_addresses(raw, 1);
	if (s->from == NULL)
		s->from = xstrdup("");
	free(raw);
	raw = summary_field(hdr, len, "to:", IMAP_MAX_FIELD_RAW);
	s->to = summary_header_addresses(raw, 0);
	free(raw);
	raw = summary_field(hdr, len, "cc:", IMAP_MAX_FIELD_RAW);
	s->cc = summary_header_addresses(raw, 0);
	free(raw);
	raw = summary_trim(summary_field(hdr, len, "message-id:",
	    IMAP_MAX_FIELD));
	s->message_id = summary_id(raw);
	free(raw);
	raw = summary_trim(summary_field(hdr, len, "in-reply-to:",
	    IMAP_MAX_FIELD));
	s->in_reply_to = summary_id(raw);
	free(raw);
	raw = summary_field(hdr, len, "date:", IMAP_MAX_FIELD_RAW);
	if (raw != NULL && imapc_date_parse(summary_trim(raw), &t) == 0)
		s->date = t;
	free(raw);
}

int
imapc_time_from_imap(const struct mailimap_date_time *dt, time_t *tp)
{
	struct imapc_time_parts	 t;
	int			 zone;

	if (dt == NULL)
		return -1;
	/* libetpan gives the zone as the number hhmm, signed. */
	zone = dt->dt_zone < 0 ? -dt->dt_zone : dt->dt_zone;
	t.zone = zone / 100 * 60 + zone % 100;
	if (dt->dt_zone < 0)
		t.zone = -t.zone;
	t.year = dt->dt_year;
	t.mon = dt->dt_month - 1;
	t.day = dt->dt_day;
	t.hour = dt->dt_hour;
	t.min = dt->dt_min;
	t.sec = dt->dt_sec;
	return imapc_time_from_parts(&t, tp);
}

/* The parts of a FETCH response we look at. */
struct summary_parts {
	uint32_t			 uid;
	int				 has_uid;
	uint32_t			 flags;
	uint32_t			 size;
	const struct mailimap_envelope	*env;
	const struct mailimap_date_time	*internal;
	const char			*hdr;		/* header fields */
	size_t				 hdrlen;
	char				*references;	/* owned */
};

static void
summary_take_static(const struct mailimap_msg_att_static *st,
    struct summary_parts *p)
{
	const struct mailimap_msg_att_body_section	*sec;

	switch (st->att_type) {
	case MAILIMAP_MSG_ATT_UID:
		p->uid = st->att_data.att_uid;
		p->has_uid = 1;
		break;
	case MAILIMAP_MSG_ATT_ENVELOPE:
		p->env = st->att_data.att_env;
		break;
	case MAILIMAP_MSG_ATT_INTERNALDATE:
		p->internal = st->att_data.att_internal_date;
		break;
	case MAILIMAP_MSG_ATT_RFC822_SIZE:
		p->size = st->att_data.att_rfc822_size;
		break;
	case MAILIMAP_MSG_ATT_BODY_SECTION:
		sec = st->att_data.att_body_section;
		if (sec != NULL && sec->sec_body_part != NULL) {
			p->hdr = sec->sec_body_part;
			p->hdrlen = sec->sec_length;
			p->flags |= imapc_flags_from_content_type(
			    sec->sec_body_part, sec->sec_length);
			free(p->references);
			p->references = imapc_references_from_header(
			    sec->sec_body_part, sec->sec_length);
		}
		break;
	}
}

int
imapc_summary_from_att(const struct mailimap_msg_att *att, struct summary *s)
{
	struct summary_parts		 p;
	struct mailimap_msg_att_item	*item;
	clistiter			*it;
	time_t				 t;

	memset(s, 0, sizeof *s);
	memset(&p, 0, sizeof p);
	p.size = SUMMARY_SIZE_UNKNOWN;	/* not asked for, or not sent */
	if (att == NULL || att->att_list == NULL)
		return -1;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item == NULL)
			continue;
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC)
			p.flags |=
			    imapc_flags_from_fetch(item->att_data.att_dyn);
		else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static != NULL)
			summary_take_static(item->att_data.att_static, &p);
	}
	if (!p.has_uid || p.uid == 0) {
		free(p.references);
		return -1;
	}
	s->uid = p.uid;
	s->flags = p.flags;
	s->size = p.size;
	if (p.env != NULL || p.hdr == NULL)
		imapc_summary_from_envelope(p.env, s);
	else
		summary_from_header_block(p.hdr, p.hdrlen, s);
	s->references = p.references;
	if (s->date == 0 && imapc_time_from_imap(p.internal, &t) == 0)
		s->date = t;
	return 0;
}

void
imapc_summaries_release(struct summary *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		summary_clear(&v[i]);
}
