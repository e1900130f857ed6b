/*
 * src/imap/drafts.c: postponed messages in the Drafts folder: save one,
 * list them, fetch one to recall it, delete it once it was sent. Each
 * call logs in on its own connection, as the copy in Sent does.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "imap/internal.h"
#include "model/backend.h"
#include "net/net.h"

#define DRAFTS_MAX	1000	/* postponed messages listed */

/*
 * The drafts folder: the account's drafts option, else the folder
 * marked \Drafts (RFC 6154), else one named "Drafts". A new string, or
 * NULL and err.
 */
static char *
drafts_folder(const struct account *a, struct backend *b, struct error *err)
{
	struct mailimap_mailbox_list	*mb;
	clist				*list = NULL;
	clistiter			*it;
	char				*special = NULL, *named = NULL;
	int				 r;

	if (a->drafts != NULL)
		return xstrdup(a->drafts);
	imapc_arm(b, imapc_deadline(b, (size_t)IMAP_MAX_FOLDERS * 128));
	r = mailimap_list(imapc_session(b), "", "*", &list);
	if (imapc_done(b, r, "LIST", err) == -1)
		goto out;
	for (it = list != NULL ? clist_begin(list) : NULL; it != NULL &&
	    special == NULL; it = clist_next(it)) {
		mb = clist_content(it);
		if (mb == NULL || mb->mb_name == NULL ||
		    strnlen(mb->mb_name, IMAP_MAX_NAME + 1) > IMAP_MAX_NAME ||
		    strpbrk(mb->mb_name, "\r\n") != NULL)
			continue;
		if (imapc_list_has_attr(mb, "Drafts"))
			special = xstrdup(mb->mb_name);
		else if (named == NULL && strcasecmp(mb->mb_name, "Drafts") ==
		    0)
			named = xstrdup(mb->mb_name);
	}
	if (special == NULL && named == NULL)
		error_set(err, ERROR_SERVER, _("no Drafts folder (none marked "
		    "\\Drafts, none named Drafts; set drafts in the account)"));
out:
	if (list != NULL)
		mailimap_list_result_free(list);
	if (special != NULL) {
		free(named);
		return special;
	}
	return named;
}

enum drafts_mode {
	DRAFTS_FIND,		/* only find the folder */
	DRAFTS_EXAMINE,		/* and open it read-only */
	DRAFTS_SELECT,		/* and open it to change it */
};

/* SELECT (read-write, unlike the backend's EXAMINE) to expunge. */
static int
drafts_select_rw(struct backend *b, const char *folder, struct error *err)
{
	int	 r;

	if (net_check_wire_string(_("folder name"), folder, err) == -1)
		return -1;
	imapc_arm(b, imapc_deadline(b, 0));
	r = mailimap_select(imapc_session(b), folder);
	return imapc_done(b, r, "SELECT", err);
}

/* Logs in and finds the folder, then opens it as mode says. */
static struct backend *
drafts_open(const struct account *a, const char *password,
    struct net_watchdog *wd, enum drafts_mode mode, char **folderp,
    struct error *err)
{
	struct backend	*b;
	uint32_t	 exists;

	*folderp = NULL;
	if (a->backend != BACKEND_IMAP || a->imap.host == NULL) {
		error_set(err, ERROR_INPUT, _("account '%s' has no IMAP "
		    "server for drafts"), a->id);
		return NULL;
	}
	if ((b = imapc_open(a, password, wd, err)) == NULL)
		return NULL;
	if ((*folderp = drafts_folder(a, b, err)) == NULL ||
	    (mode == DRAFTS_EXAMINE && imap_backend_ops.select(b, *folderp,
	    &exists, err) == -1) ||
	    (mode == DRAFTS_SELECT && drafts_select_rw(b, *folderp,
	    err) == -1)) {
		imapc_close(b);
		free(*folderp);
		*folderp = NULL;
		return NULL;
	}
	return b;
}

int
imapc_append_draft(const struct account *a, const char *password,
    const char *msg, size_t len, struct error *err)
{
	struct mailimap_flag_list	*fl;
	struct net_watchdog		*wd;
	struct backend			*b;
	char				*folder = NULL;
	int				 r, ret = -1;

	if (len > IMAP_MAX_MESSAGE)
		return error_set(err, ERROR_INPUT, _("message too large for "
		    "Drafts (%zu bytes)"), len);
	wd = net_watchdog_new();
	if ((b = drafts_open(a, password, wd, DRAFTS_FIND, &folder,
	    err)) == NULL)
		goto out;
	fl = mailimap_flag_list_new_empty();
	if (fl == NULL || mailimap_flag_list_add(fl,
	    mailimap_flag_new_seen()) != MAILIMAP_NO_ERROR ||
	    mailimap_flag_list_add(fl, mailimap_flag_new_draft()) !=
	    MAILIMAP_NO_ERROR) {
		error_set(err, ERROR_SYS, "mailimap_flag_list_add");
		if (fl != NULL)
			mailimap_flag_list_free(fl);
		goto out;
	}
	imapc_arm(b, imapc_deadline(b, len));
	r = mailimap_append(imapc_session(b), folder, fl, NULL, msg, len);
	mailimap_flag_list_free(fl);
	if (imapc_done(b, r, "APPEND", err) == -1)
		goto out;
	log_info("%s: draft of %zu bytes in %s", a->id, len, folder);
	ret = 0;
out:
	free(folder);
	if (b != NULL)
		imapc_close(b);
	net_watchdog_free(wd);
	return ret;
}

struct drafts_collect {
	struct summary	*v;
	size_t		 n;
};

/* Takes the summaries of a chunk (their strings move to the list). */
static int
drafts_collect_cb(struct summary *s, size_t n, uint32_t done, uint32_t total,
    void *arg)
{
	struct drafts_collect	*c = arg;
	size_t			 i;

	(void)done;
	(void)total;
	for (i = 0; i < n && c->n < DRAFTS_MAX; i++) {
		c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
		c->v[c->n++] = s[i];
		memset(&s[i], 0, sizeof s[i]);
	}
	return 0;
}

int
imapc_drafts_list(const struct account *a, const char *password,
    struct summary **vp, size_t *np, struct error *err)
{
	struct drafts_collect	 c = { NULL, 0 };
	struct net_watchdog	*wd;
	struct backend		*b;
	char			*folder = NULL;
	size_t			 i;
	int			 ret = -1;

	*vp = NULL;
	*np = 0;
	wd = net_watchdog_new();
	if ((b = drafts_open(a, password, wd, DRAFTS_EXAMINE, &folder,
	    err)) == NULL)
		goto out;
	if (imap_backend_ops.fetch_summaries(b, drafts_collect_cb, &c,
	    err) == -1) {
		for (i = 0; i < c.n; i++)
			summary_clear(&c.v[i]);
		free(c.v);
		goto out;
	}
	*vp = c.v;
	*np = c.n;
	ret = 0;
out:
	free(folder);
	if (b != NULL)
		imapc_close(b);
	net_watchdog_free(wd);
	return ret;
}

int
imapc_draft_fetch(const struct account *a, const char *password,
    uint32_t uid, struct sbuf *out, struct error *err)
{
	struct net_watchdog	*wd;
	struct backend		*b;
	char			*folder = NULL;
	int			 ret = -1;

	wd = net_watchdog_new();
	if ((b = drafts_open(a, password, wd, DRAFTS_EXAMINE, &folder,
	    err)) == NULL)
		goto out;
	ret = imap_backend_ops.fetch_body(b, uid, out, err);
out:
	free(folder);
	if (b != NULL)
		imapc_close(b);
	net_watchdog_free(wd);
	return ret;
}

/* UID STORE +FLAGS (\Deleted), then UID EXPUNGE (EXPUNGE without UIDPLUS). */
static int
drafts_expunge(struct backend *b, uint32_t uid, struct error *err)
{
	struct mailimap_store_att_flags	*sa;
	struct mailimap_flag_list	*fl;
	struct mailimap_set		*set;
	int				 r, ret = -1;

	if ((set = mailimap_set_new_single(uid)) == NULL)
		return error_set(err, ERROR_SYS, "mailimap_set_new_single");
	fl = mailimap_flag_list_new_empty();
	if (fl == NULL || mailimap_flag_list_add(fl,
	    mailimap_flag_new_deleted()) != MAILIMAP_NO_ERROR) {
		if (fl != NULL)
			mailimap_flag_list_free(fl);
		error_set(err, ERROR_SYS, "mailimap_flag_list_add");
		goto out;
	}
	if ((sa = mailimap_store_att_flags_new_add_flags_silent(fl)) ==
	    NULL) {
		mailimap_flag_list_free(fl);
		error_set(err, ERROR_SYS, "mailimap_store_att_flags_new");
		goto out;
	}
	imapc_arm(b, imapc_deadline(b, 0));
	r = mailimap_uid_store(imapc_session(b), set, sa);
	mailimap_store_att_flags_free(sa);
	if (imapc_done(b, r, "UID STORE", err) == -1)
		goto out;
	imapc_arm(b, imapc_deadline(b, 0));
	if (mailimap_has_uidplus(imapc_session(b)))
		r = mailimap_uid_expunge(imapc_session(b), set);
	else
		r = mailimap_expunge(imapc_session(b));
	if (imapc_done(b, r, "EXPUNGE", err) == -1)
		goto out;
	ret = 0;
out:
	mailimap_set_free(set);
	return ret;
}

int
imapc_draft_delete(const struct account *a, const char *password,
    uint32_t uid, struct error *err)
{
	struct net_watchdog	*wd;
	struct backend		*b;
	char			*folder = NULL;
	int			 ret = -1;

	wd = net_watchdog_new();
	if ((b = drafts_open(a, password, wd, DRAFTS_SELECT, &folder,
	    err)) == NULL)
		goto out;
	ret = drafts_expunge(b, uid, err);
	if (ret == 0)
		log_info("%s: draft %u removed from %s", a->id, uid, folder);
out:
	free(folder);
	if (b != NULL)
		imapc_close(b);
	net_watchdog_free(wd);
	return ret;
}
