/* src/imap/imap.c: the IMAP backend: login, folders, summaries, bodies. */
#include "config.h"

#include <limits.h>
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
#include "net/net.h"

/* The newest summaries come first and small: they fill the first screen. */
#define IMAP_FIRST_CHUNK	200
#define IMAP_CHUNK		2000	/* summaries per FETCH after that */
#define IMAP_MAX_MESSAGES	10000000 /* in a folder we load */
#define IMAP_MIN_RATE		(16 * 1024) /* bytes/s; slower is stalled */
#define IMAP_SUMMARY_BYTES	4096	/* FETCH response, one summary */
#define IMAP_SERVER_TEXT	200	/* bytes of server text we quote */

enum imapc_caps {
	IMAPC_CAP_IDLE = (1 << 0),
	IMAPC_CAP_MOVE = (1 << 1),
	IMAPC_CAP_UIDPLUS = (1 << 2),
	IMAPC_CAP_CONDSTORE = (1 << 3),
	IMAPC_CAP_QRESYNC = (1 << 4),
	IMAPC_CAP_SPECIAL_USE = (1 << 5),
	IMAPC_CAP_ENABLE = (1 << 6),
};

static const struct {
	const char	*name;
	uint32_t	 cap;
} imapc_cap_names[] = {
	{ "IDLE", IMAPC_CAP_IDLE },
	{ "MOVE", IMAPC_CAP_MOVE },
	{ "UIDPLUS", IMAPC_CAP_UIDPLUS },
	{ "CONDSTORE", IMAPC_CAP_CONDSTORE },
	{ "QRESYNC", IMAPC_CAP_QRESYNC },
	{ "SPECIAL-USE", IMAPC_CAP_SPECIAL_USE },
	{ "ENABLE", IMAPC_CAP_ENABLE },
};

/* What a libetpan result means for us; anything else is a NO or BAD. */
static const struct {
	int		 code;
	enum error_kind	 kind;
} imapc_error_kinds[] = {
	{ MAILIMAP_ERROR_STREAM, ERROR_NET },
	{ MAILIMAP_ERROR_CONNECTION_REFUSED, ERROR_NET },
	{ MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION, ERROR_NET },
	{ MAILIMAP_ERROR_PARSE, ERROR_PROTO },
	{ MAILIMAP_ERROR_PROTOCOL, ERROR_PROTO },
	{ MAILIMAP_ERROR_BAD_STATE, ERROR_PROTO },
	{ MAILIMAP_ERROR_FATAL, ERROR_PROTO },
	{ MAILIMAP_ERROR_NEEDS_MORE_DATA, ERROR_PROTO },
	{ MAILIMAP_ERROR_MEMORY, ERROR_SYS },
	{ MAILIMAP_ERROR_SSL, ERROR_TLS },
	{ MAILIMAP_ERROR_STARTTLS, ERROR_TLS },
	{ MAILIMAP_ERROR_LOGIN, ERROR_AUTH },
	{ MAILIMAP_ERROR_SASL, ERROR_AUTH },
};

struct backend {
	mailimap		*imap;
	struct net_watchdog	*wd;		/* borrowed */
	char			*host;		/* for messages, logs */
	int			 timeout;	/* seconds */
	int			 broken;	/* link bad: no LOGOUT */
	int			 selected;
	uint32_t		 exists;
	uint32_t		 uidvalidity;
	uint32_t		 caps;		/* enum imapc_caps */
	const struct account	*account;	/* borrowed */
	struct imapc_cache	*cache;		/* opened on first use */
	int			 qresync;	/* 0 untried, 1 on, -1 refused */
	int			 read_write;	/* resync SELECTs, not EXAMINEs */
};

/* libetpan's constructors return NULL only when memory is gone. */
void *
imapc_need(void *p)
{
	static const char	 msg[] = "postern: out of memory (libetpan)\n";

	if (p == NULL) {
		(void)write(STDERR_FILENO, msg, sizeof msg - 1);
		_exit(70);
	}
	return p;
}

/* Seconds allowed for an operation that moves about bytes. */
int
imapc_deadline(const struct backend *b, size_t bytes)
{
	size_t	 extra = bytes / IMAP_MIN_RATE;

	if (extra > (size_t)(INT_MAX - b->timeout))
		return INT_MAX;
	return b->timeout + (int)extra;
}

void
imapc_arm(struct backend *b, int seconds)
{
	net_watchdog_arm(b->wd, b->imap->imap_stream, seconds);
}

/* Turns a libetpan result into an error of the right kind. */
static int
imapc_error(struct backend *b, int r, const char *what, struct error *err)
{
	enum error_kind	 kind = ERROR_SERVER;
	const char	*text;
	size_t		 i;

	for (i = 0; i < sizeof imapc_error_kinds / sizeof imapc_error_kinds[0];
	    i++) {
		if (imapc_error_kinds[i].code == r)
			kind = imapc_error_kinds[i].kind;
	}
	if (kind == ERROR_NET || kind == ERROR_PROTO)
		b->broken = 1;
	text = b->imap->imap_response;
	if (text == NULL || *text == '\0')
		text = NULL;
	log_warn("%s: %s failed: libetpan error %d (%s)", b->host, what, r,
	    error_kind_name(kind));
	switch (kind) {
	case ERROR_NET:
		return error_set(err, kind, _("%s: connection lost during %s"),
		    b->host, what);
	case ERROR_PROTO:
		return error_set(err, kind,
		    _("%s: unexpected answer to %s"), b->host, what);
	case ERROR_AUTH:
		return error_set(err, kind, _("%s: login failed: %.*s"),
		    b->host, IMAP_SERVER_TEXT,
		    text != NULL ? text : _("no reason given"));
	default:
		break;
	}
	if (text != NULL)
		return error_set(err, kind, _("%s: %s failed: %.*s"), b->host,
		    what, IMAP_SERVER_TEXT, text);
	return error_set(err, kind, _("%s: %s failed (error %d)"), b->host,
	    what, r);
}

/*
 * Disarms the watchdog after a blocking call and checks its result r: a
 * watchdog that fired makes any result a time-out.
 */
int
imapc_done(struct backend *b, int r, const char *what, struct error *err)
{
	if (net_watchdog_disarm(b->wd)) {
		b->broken = 1;
		log_warn("%s: %s timed out", b->host, what);
		return error_set(err, ERROR_NET, _("%s: %s timed out"),
		    b->host, what);
	}
	if (r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return 0;
	return imapc_error(b, r, what, err);
}

/* Notes the capabilities we may use later, asking if LOGIN said none. */
static int
imapc_read_caps(struct backend *b, struct error *err)
{
	struct mailimap_capability_data	*caps = NULL;
	size_t				 i;
	int				 r;

	if (b->imap->imap_connection_info == NULL ||
	    b->imap->imap_connection_info->imap_capability == NULL) {
		imapc_arm(b, b->timeout);
		r = mailimap_capability(b->imap, &caps);
		if (imapc_done(b, r, "CAPABILITY", err) == -1)
			return -1;
		mailimap_capability_data_free(caps);
	}
	for (i = 0; i < sizeof imapc_cap_names / sizeof imapc_cap_names[0];
	    i++) {
		if (mailimap_has_extension(b->imap, imapc_cap_names[i].name))
			b->caps |= imapc_cap_names[i].cap;
	}
	log_debug("%s: capabilities 0x%x", b->host, (unsigned)b->caps);
	return 0;
}

/*
 * Logs in with password, or, password NULL, with what pending gives once
 * the connection is up (the password command runs meanwhile).
 */
static struct backend *
imapc_open_with(const struct account *acct, const char *password,
    struct config_password_pending *pending, struct net_watchdog *wd,
    struct error *err)
{
	struct net_target	 t;
	struct backend		*b;
	mailimap		*imap;
	int			 r;

	if (acct->imap.host == NULL) {
		error_set(err, ERROR_INPUT,
		    _("account '%s' names no IMAP server"), acct->id);
		return NULL;
	}
	if (acct->username == NULL || (password == NULL && pending == NULL)) {
		error_set(err, ERROR_INPUT,
		    _("account '%s' has no user name or password"), acct->id);
		return NULL;
	}
	if (net_check_wire_string(_("user name"), acct->username, err) == -1 ||
	    (password != NULL &&
	    net_check_wire_string(_("password"), password, err) == -1))
		return NULL;
	net_target_from(&t, acct, &acct->imap);
	t.watchdog = wd;	/* so that quitting also ends the open */
	if ((imap = net_imap_open(&t, err)) == NULL)
		return NULL;

	b = xcalloc(1, sizeof *b);
	b->imap = imap;
	b->wd = wd;
	b->host = xstrdup(t.host);
	b->account = acct;
	b->timeout = t.timeout > 0 ? t.timeout : NET_DEFAULT_TIMEOUT;
	if (password == NULL) {
		log_debug("%s: connected, waiting for the password", b->host);
		if (config_password_wait(pending, &password, err) == -1 ||
		    net_check_wire_string(_("password"), password, err)
		    == -1) {
			/* Nothing was said yet: a polite LOGOUT. */
			imapc_close(b);
			return NULL;
		}
	}
	log_info("%s: logging in", b->host);
	imapc_arm(b, b->timeout);
	r = mailimap_login(imap, acct->username, password);
	if (imapc_done(b, r, "LOGIN", err) == -1 ||
	    imapc_read_caps(b, err) == -1) {
		imapc_close(b);
		return NULL;
	}
	log_info("%s: logged in", b->host);
	return b;
}

struct backend *
imapc_open(const struct account *acct, const char *password,
    struct net_watchdog *wd, struct error *err)
{
	return imapc_open_with(acct, password, NULL, wd, err);
}

/* The backend's open: the password comes while the connection is made. */
static struct backend *
imapc_open_pending(const struct account *acct,
    struct config_password_pending *password, struct net_watchdog *wd,
    struct error *err)
{
	return imapc_open_with(acct, NULL, password, wd, err);
}

/*
 * net_imap_close says LOGOUT without waiting for the answer; a blocking
 * mailimap_logout under the watchdog would race with its freeing the
 * stream.
 */
void
imapc_close(struct backend *b)
{
	if (b == NULL)
		return;
	net_imap_close(b->imap, !b->broken);
	imapc_cache_close(b->cache);
	free(b->host);
	free(b);
}

mailimap *
imapc_session(struct backend *b)
{
	return b->imap;
}

const char *
imapc_host(const struct backend *b)
{
	return b->host;
}

const struct account *
imapc_account(const struct backend *b)
{
	return b->account;
}

void
imapc_set_selected(struct backend *b, uint32_t exists, uint32_t uidvalidity)
{
	b->selected = 1;
	b->exists = exists;
	b->uidvalidity = uidvalidity;
}

int
imapc_read_write(const struct backend *b)
{
	return b->read_write;
}

void
imapc_set_read_write(struct backend *b, int on)
{
	b->read_write = on != 0;
}

int
imapc_qresync(const struct backend *b)
{
	return b->qresync;
}

void
imapc_set_qresync(struct backend *b, int state)
{
	b->qresync = state;
}

struct imapc_cache *
imapc_backend_cache(struct backend *b, struct error *err)
{
	char	*path;

	if (b->cache == NULL) {
		path = imapc_cache_path(b->account->id);
		b->cache = imapc_cache_open(path, err);
		free(path);
	}
	return b->cache;
}

/* Fills f from one LIST response; -1 if the name is unusable. */
/*
 * Whether a LIST answer carries the attribute attr (special-use such as
 * "Sent", or "Noselect"), with or without its backslash, in any case.
 */
int
imapc_list_has_attr(const struct mailimap_mailbox_list *mb, const char *attr)
{
	struct mailimap_mbx_list_oflag	*of;
	clistiter			*it;
	const char			*f;

	if (mb->mb_flag == NULL || mb->mb_flag->mbf_oflags == NULL)
		return 0;
	for (it = clist_begin(mb->mb_flag->mbf_oflags); it != NULL;
	    it = clist_next(it)) {
		of = clist_content(it);
		if (of == NULL || of->of_type !=
		    MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT || of->of_flag_ext == NULL)
			continue;
		f = of->of_flag_ext;
		if (*f == '\\')
			f++;
		if (strcasecmp(f, attr) == 0)
			return 1;
	}
	return 0;
}

static int
imapc_folder_from_list(const struct mailimap_mailbox_list *mb,
    struct folder_info *f)
{
	size_t				 len;

	len = strnlen(mb->mb_name, IMAP_MAX_NAME + 1);
	if (len > IMAP_MAX_NAME || strpbrk(mb->mb_name, "\r\n") != NULL)
		return -1;
	memset(f, 0, sizeof *f);
	f->wire_name = xstrdup(mb->mb_name);
	if ((f->name = imapc_utf7_decode(mb->mb_name, len)) == NULL)
		f->name = xstrdup(mb->mb_name);
	f->delimiter = mb->mb_delimiter;
	f->selectable = 1;
	f->total = f->unseen = FOLDER_COUNT_UNKNOWN;
	if (mb->mb_flag == NULL)
		return 0;
	if (mb->mb_flag->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    mb->mb_flag->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		f->selectable = 0;
	if (imapc_list_has_attr(mb, "NonExistent") ||
	    imapc_list_has_attr(mb, "Noselect"))
		f->selectable = 0;
	return 0;
}

static void
imapc_folders_free(struct folder_info *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].wire_name);
	}
	free(v);
}

static int
imapc_is_inbox(const struct folder_info *f)
{
	return strcasecmp(f->wire_name, "INBOX") == 0;
}

/* INBOX first, then by display name, then by wire name. */
static int
imapc_folder_cmp(const void *va, const void *vb)
{
	const struct folder_info	*a = va, *b = vb;
	int				 r;

	if (imapc_is_inbox(a) != imapc_is_inbox(b))
		return imapc_is_inbox(a) ? -1 : 1;
	if ((r = strcmp(a->name, b->name)) != 0)
		return r;
	return strcmp(a->wire_name, b->wire_name);
}

/* Asks STATUS (MESSAGES UNSEEN); a NO leaves the counts unknown. */
static int
imapc_status(struct backend *b, struct folder_info *f, struct error *err)
{
	struct mailimap_status_att_list		*atts;
	struct mailimap_mailbox_data_status	*st = NULL;
	struct mailimap_status_info		*si;
	clistiter				*it;
	struct error				 e = { 0 };
	int					 r;

	atts = imapc_need(mailimap_status_att_list_new_empty());
	if (mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES) !=
	    0 || mailimap_status_att_list_add(atts,
	    MAILIMAP_STATUS_ATT_UNSEEN) != 0)
		imapc_need(NULL);
	imapc_arm(b, b->timeout);
	r = mailimap_status(b->imap, f->wire_name, atts, &st);
	mailimap_status_att_list_free(atts);
	if (imapc_done(b, r, "STATUS", &e) == -1) {
		if (e.kind != ERROR_SERVER) {
			if (err != NULL)
				*err = e;
			return -1;
		}
		log_debug("%s: %s", b->host, e.msg);
		return 0;
	}
	if (st != NULL && st->st_info_list != NULL) {
		for (it = clist_begin(st->st_info_list); it != NULL;
		    it = clist_next(it)) {
			si = clist_content(it);
			if (si->st_att == MAILIMAP_STATUS_ATT_MESSAGES)
				f->total = si->st_value;
			else if (si->st_att == MAILIMAP_STATUS_ATT_UNSEEN)
				f->unseen = si->st_value;
		}
	}
	if (st != NULL)
		mailimap_mailbox_data_status_free(st);
	return 0;
}

/* Turns the LIST result into folders, at most IMAP_MAX_FOLDERS. */
static struct folder_info *
imapc_folders_from_list(struct backend *b, clist *list, size_t *np)
{
	struct folder_info	*v;
	clistiter		*it;
	size_t			 n = 0, max;

	max = list == NULL ? 0 : (size_t)clist_count(list);
	if (max > IMAP_MAX_FOLDERS) {
		log_warn("%s: %zu folders, listing the first %d", b->host, max,
		    IMAP_MAX_FOLDERS);
		max = IMAP_MAX_FOLDERS;
	}
	v = xcalloc(max > 0 ? max : 1, sizeof *v);
	for (it = max > 0 ? clist_begin(list) : NULL; it != NULL && n < max;
	    it = clist_next(it)) {
		if (imapc_folder_from_list(clist_content(it), &v[n]) == 0)
			n++;
		else
			log_warn("%s: skipping a folder with a bad name",
			    b->host);
	}
	*np = n;
	return v;
}

/* The list into the cache, for the next start and for offline. */
static void
imapc_list_keep(struct backend *b, const struct folder_info *v, size_t n)
{
	struct imapc_cache	*c;
	struct error		 err = { 0 };

	if (n == 0)
		return;		/* an empty answer is not worth keeping */
	if ((c = imapc_backend_cache(b, &err)) == NULL ||
	    imapc_cache_list_put(c, v, n, &err) == -1)
		log_warn("%s: the folder list is not cached: %s", b->host,
		    err.msg);
}

static int
imapc_list_folders(struct backend *b, struct folder_info **foldersp,
    size_t *np, struct error *err)
{
	struct folder_info	*v;
	clist			*list = NULL;
	size_t			 n, i;
	int			 r;

	imapc_arm(b, imapc_deadline(b, (size_t)IMAP_MAX_FOLDERS * 128));
	r = mailimap_list(b->imap, "", "*", &list);
	if (imapc_done(b, r, "LIST", err) == -1) {
		if (list != NULL)
			mailimap_list_result_free(list);
		return -1;
	}
	v = imapc_folders_from_list(b, list, &n);
	if (list != NULL)
		mailimap_list_result_free(list);
	qsort(v, n, sizeof *v, imapc_folder_cmp);
	for (i = 0; i < n; i++) {
		if (v[i].selectable && imapc_status(b, &v[i], err) == -1) {
			imapc_folders_free(v, n);
			return -1;
		}
	}
	log_info("%s: %zu folders", b->host, n);
	imapc_list_keep(b, v, n);
	*foldersp = v;
	*np = n;
	return 0;
}

/*
 * EXAMINE, not SELECT: Postern only reads so far, and a read-only
 * session leaves \Recent and \Seen as they are (BODY.PEEK as well).
 */
static int
imapc_select(struct backend *b, const char *wire_name, uint32_t *existsp,
    struct error *err)
{
	struct mailimap_selection_info	*si;
	int				 r;

	b->selected = 0;
	if (net_check_wire_string(_("folder name"), wire_name, err) == -1)
		return -1;
	imapc_arm(b, b->timeout);
	r = mailimap_examine(b->imap, wire_name);
	if (imapc_done(b, r, "EXAMINE", err) == -1)
		return -1;
	if ((si = b->imap->imap_selection_info) == NULL)
		return error_set(err, ERROR_PROTO,
		    _("%s: no folder state after EXAMINE"), b->host);
	if (si->sel_exists > IMAP_MAX_MESSAGES)
		return error_set(err, ERROR_SERVER,
		    _("%s: folder has too many messages (%u)"), b->host,
		    (unsigned)si->sel_exists);
	b->selected = 1;
	b->exists = si->sel_exists;
	b->uidvalidity = si->sel_uidvalidity;
	log_info("%s: folder opened, %u messages", b->host,
	    (unsigned)b->exists);
	*existsp = b->exists;
	return 0;
}

/* One FETCH of summaries by sequence numbers lo..hi. */
struct imapc_chunk {
	uint32_t	 lo;
	uint32_t	 hi;
	struct summary	*slots;		/* [seq - lo]; uid 0: empty */
	size_t		 got;
};

/* Called by libetpan for each FETCH response as it is parsed. */
static void
imapc_chunk_take(struct mailimap_msg_att *att, void *arg)
{
	struct imapc_chunk	*c = arg;
	struct summary		*slot;

	if (att == NULL || att->att_number < c->lo || att->att_number > c->hi)
		return;		/* not asked for: unsolicited */
	slot = &c->slots[att->att_number - c->lo];
	if (slot->uid != 0)
		return;
	if (imapc_summary_from_att(att, slot) == 0)
		c->got++;
}

/* libetpan uses the msg_att handler only when this is set too. */
void
imapc_items_progress(size_t current, size_t maximum, void *arg)
{
	(void)current;
	(void)maximum;
	(void)arg;
}

struct mailimap_set *
imapc_uid_range(uint32_t lo, uint32_t uidnext, uint32_t chunk, int *lastp)
{
	*lastp = uidnext == 0 || uidnext - lo <= chunk;
	return imapc_need(mailimap_set_new_interval(lo, *lastp ? 0 :
	    lo + chunk - 1));
}

/*
 * The header fields a summary is made of: what ENVELOPE says (which costs
 * a server more: Dovecot takes a quarter longer for the same summaries),
 * the Content-Type for attachments, References for threads.
 */
static const char *const imapc_summary_fields[] = {
	"From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
	"Content-Type", "References",
};

struct mailimap_fetch_type *
imapc_summary_fetch_type(int size)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_header_list	*hl;
	clist				*names;
	size_t				 i;

	ft = imapc_need(mailimap_fetch_type_new_fetch_att_list_empty());
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_uid())) != 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_flags())) != 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_internaldate())) != 0 ||
	    (size && mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_rfc822_size())) != 0))
		imapc_need(NULL);
	names = imapc_need(clist_new());
	for (i = 0; i < sizeof imapc_summary_fields /
	    sizeof imapc_summary_fields[0]; i++)
		if (clist_append(names,
		    imapc_need(strdup(imapc_summary_fields[i]))) != 0)
			imapc_need(NULL);
	hl = imapc_need(mailimap_header_list_new(names));
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_body_peek_section(
	    imapc_need(mailimap_section_new_header_fields(hl))))) != 0)
		imapc_need(NULL);
	return ft;
}

/* Fetches lo..hi into c->slots with the handler on. */
static int
imapc_fetch_chunk(struct backend *b, struct mailimap_fetch_type *ft,
    struct imapc_chunk *c, struct error *err)
{
	struct mailimap_set	*set;
	struct error		 e = { 0 };
	clist			*res = NULL;
	int			 r;

	set = imapc_need(mailimap_set_new_interval(c->lo, c->hi));
	mailimap_set_progress_callback(b->imap, NULL, imapc_items_progress,
	    NULL);
	mailimap_set_msg_att_handler(b->imap, imapc_chunk_take, c);
	imapc_arm(b, imapc_deadline(b,
	    (size_t)(c->hi - c->lo + 1) * IMAP_SUMMARY_BYTES));
	r = mailimap_fetch(b->imap, set, ft, &res);
	mailimap_set_msg_att_handler(b->imap, NULL, NULL);
	mailimap_set_progress_callback(b->imap, NULL, NULL, NULL);
	mailimap_set_free(set);
	if (res != NULL)
		mailimap_fetch_list_free(res);
	if (imapc_done(b, r, "FETCH", &e) == -1) {
		/* A NO for some messages still gave us the others. */
		if (e.kind != ERROR_SERVER || c->got == 0) {
			if (err != NULL)
				*err = e;
			return -1;
		}
		log_warn("%s: %s", b->host, e.msg);
	}
	return 0;
}

/*
 * Moves the chunk's summaries into out, newest first, keeping UIDs
 * strictly falling below *lastp (a server that breaks the order loses
 * those messages, not the order). Returns how many.
 */
static size_t
imapc_chunk_collect(struct imapc_chunk *c, struct summary *out,
    uint32_t *lastp)
{
	struct summary	*s;
	size_t		 n = 0;
	uint32_t	 seq;

	for (seq = c->hi; seq >= c->lo; seq--) {
		s = &c->slots[seq - c->lo];
		if (s->uid == 0)
			continue;
		if (s->uid < *lastp) {
			*lastp = s->uid;
			out[n++] = *s;
		} else
			imapc_summaries_release(s, 1);
		memset(s, 0, sizeof *s);
	}
	return n;
}

static int
imapc_fetch_summaries(struct backend *b, summary_cb cb, void *arg,
    struct error *err)
{
	struct mailimap_fetch_type	*ft;
	struct imapc_chunk		 c;
	struct summary			*out;
	uint32_t			 last = UINT32_MAX, hi, want;
	size_t				 n;
	int				 ret = -1;

	if (!b->selected)
		return error_set(err, ERROR_INPUT, _("no folder is open"));
	ft = imapc_summary_fetch_type(1);
	c.slots = xcalloc(IMAP_CHUNK, sizeof *c.slots);
	out = xcalloc(IMAP_CHUNK, sizeof *out);
	want = IMAP_FIRST_CHUNK;
	for (hi = b->exists; hi > 0; hi = c.lo - 1) {
		c.hi = hi;
		c.lo = hi > want ? hi - want + 1 : 1;
		c.got = 0;
		want = IMAP_CHUNK;
		if (imapc_fetch_chunk(b, ft, &c, err) == -1)
			goto out;
		n = imapc_chunk_collect(&c, out, &last);
		log_debug("%s: summaries %u-%u: %zu", b->host, (unsigned)c.lo,
		    (unsigned)c.hi, n);
		if (n > 0 && cb(out, n, b->exists - c.lo + 1, b->exists,
		    arg) == -1) {
			imapc_summaries_release(out, n);
			error_set(err, ERROR_CANCELLED, _("cancelled"));
			goto out;
		}
		imapc_summaries_release(out, n);
	}
	ret = 0;
out:
	imapc_summaries_release(c.slots, IMAP_CHUNK);
	free(c.slots);
	free(out);
	mailimap_fetch_type_free(ft);
	return ret;
}

/* Finds the first FETCH response for uid in a result list. */
static const struct mailimap_msg_att_static *
imapc_find_static(clist *res, uint32_t uid, int type)
{
	struct mailimap_msg_att		*att;
	struct mailimap_msg_att_item	*item;
	struct mailimap_msg_att_static	*st, *found;
	clistiter			*it, *jt;
	uint32_t			 got;

	for (it = res == NULL ? NULL : clist_begin(res); it != NULL;
	    it = clist_next(it)) {
		att = clist_content(it);
		got = 0;
		found = NULL;
		for (jt = clist_begin(att->att_list); jt != NULL;
		    jt = clist_next(jt)) {
			item = clist_content(jt);
			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC ||
			    (st = item->att_data.att_static) == NULL)
				continue;
			if (st->att_type == MAILIMAP_MSG_ATT_UID)
				got = st->att_data.att_uid;
			else if (st->att_type == type)
				found = st;
		}
		if (got == uid && found != NULL)
			return found;
	}
	return NULL;
}

/* UID FETCH uid with one attribute; *resp is the result list to free. */
static int
imapc_uid_fetch_one(struct backend *b, uint32_t uid,
    struct mailimap_fetch_att *fa, int seconds, clist **resp,
    struct error *err)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	int				 r;

	*resp = NULL;
	ft = imapc_need(mailimap_fetch_type_new_fetch_att_list_empty());
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_uid())) != 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft, fa) != 0)
		imapc_need(NULL);
	set = imapc_need(mailimap_set_new_single(uid));
	imapc_arm(b, seconds);
	r = mailimap_uid_fetch(b->imap, set, ft, resp);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	return imapc_done(b, r, "UID FETCH", err);
}

static int
imapc_fetch_body(struct backend *b, uint32_t uid, struct sbuf *out,
    struct error *err)
{
	const struct mailimap_msg_att_static	*st;
	const struct mailimap_msg_att_body_section *sec;
	clist					*res;
	uint32_t				 size;
	int					 ret = -1;

	if (!b->selected)
		return error_set(err, ERROR_INPUT, _("no folder is open"));
	/* Ask the size first: a message too large is never transferred. */
	if (imapc_uid_fetch_one(b, uid,
	    imapc_need(mailimap_fetch_att_new_rfc822_size()), b->timeout, &res,
	    err) == -1)
		goto out;
	if ((st = imapc_find_static(res, uid, MAILIMAP_MSG_ATT_RFC822_SIZE)) ==
	    NULL) {
		error_set(err, ERROR_SERVER,
		    _("%s: message %u is no longer on the server"), b->host,
		    (unsigned)uid);
		goto out;
	}
	size = st->att_data.att_rfc822_size;
	if (size > IMAP_MAX_MESSAGE) {
		error_set(err, ERROR_SERVER,
		    _("%s: message too large (%u bytes)"), b->host,
		    (unsigned)size);
		goto out;
	}
	mailimap_fetch_list_free(res);
	if (imapc_uid_fetch_one(b, uid,
	    imapc_need(mailimap_fetch_att_new_body_peek_section(
	    imapc_need(mailimap_section_new(NULL)))), imapc_deadline(b, size),
	    &res, err) == -1)
		goto out;
	st = imapc_find_static(res, uid, MAILIMAP_MSG_ATT_BODY_SECTION);
	if (st == NULL || (sec = st->att_data.att_body_section) == NULL ||
	    sec->sec_body_part == NULL) {
		error_set(err, ERROR_SERVER,
		    _("%s: message %u is no longer on the server"), b->host,
		    (unsigned)uid);
		goto out;
	}
	if (sec->sec_length > IMAP_MAX_MESSAGE) {
		error_set(err, ERROR_SERVER,
		    _("%s: message too large (%zu bytes)"), b->host,
		    sec->sec_length);
		goto out;
	}
	sbuf_add(out, sec->sec_body_part, sec->sec_length);
	log_debug("%s: message %u: %zu bytes", b->host, (unsigned)uid,
	    sec->sec_length);
	ret = 0;
out:
	if (res != NULL)
		mailimap_fetch_list_free(res);
	return ret;
}

const struct backend_ops imap_backend_ops = {
	.name = "imap",
	.open = imapc_open_pending,
	.list_folders = imapc_list_folders,
	.select = imapc_select,
	.fetch_summaries = imapc_fetch_summaries,
	.fetch_body = imapc_fetch_body,
	.close = imapc_close,
	.create_folder = imapc_create_folder,
	.rename_folder = imapc_rename_folder,
	.delete_folder = imapc_delete_folder,
	.subscribe_folder = imapc_subscribe_folder,
	.fetch_flags = imapc_op_fetch_flags,
	.fetch_uids = imapc_op_fetch_uids,
	.wait = imapc_op_wait,
	.store_flags = imapc_op_store_flags,
	.copy = imapc_op_copy,
	.remove = imapc_op_remove,
	.expunge = imapc_op_expunge,
	.load_cached = imapc_load_cached,
	.list_cached = imapc_list_cached,
	.resync = imapc_folder_resync,
	.search_body = imapc_search_body,
	.load_body = imapc_load_body,
	.fetch_message = imapc_fetch_message,
	.fetch_part = imapc_fetch_part,
};
