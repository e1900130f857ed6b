/* src/pop3/backend.c: the POP3 backend: a check at open, then local mail. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "model/backend.h"
#include "pop3/pop3.h"
#include "store/store.h"

#define POP3_CHUNK	500	/* summaries per callback */
/* The flags kept in the store (the rest are the UI's). */
#define POP3_SERVER_FLAGS	(SUMMARY_SEEN | SUMMARY_ANSWERED | \
	SUMMARY_FLAGGED | SUMMARY_DELETED | SUMMARY_DRAFT)

struct backend {
	const struct account	*acct;		/* borrowed */
	struct net_watchdog	*wd;		/* borrowed */
	struct store		*st;
	char			*selected;	/* folder name, NULL if none */
	struct store_msg	*msgs;		/* of the selected folder */
	size_t			 nmsgs;
};

static void
pop3b_unselect(struct backend *b)
{
	store_msgs_free(b->msgs, b->nmsgs);
	b->msgs = NULL;
	b->nmsgs = 0;
	free(b->selected);
	b->selected = NULL;
}

static void
pop3b_close(struct backend *b)
{
	if (b == NULL)
		return;
	pop3b_unselect(b);
	store_close(b->st);
	free(b);
}

/* The local folders every POP3 account has besides INBOX. */
static const char *const pop3b_standard_folders[] = {
	POP3_SENT, POP3_DRAFTS
};

/* Makes Sent and Drafts unless they exist. */
static int
pop3b_standard(struct store *st, struct error *err)
{
	struct store_folder	*v;
	size_t			 n, i, j;
	int			 found;

	if (store_folder_list(st, &v, &n, err) == -1)
		return -1;
	for (i = 0; i < sizeof pop3b_standard_folders /
	    sizeof pop3b_standard_folders[0]; i++) {
		found = 0;
		for (j = 0; j < n; j++)
			found |= strcmp(v[j].name,
			    pop3b_standard_folders[i]) == 0;
		if (!found && store_folder_create(st,
		    pop3b_standard_folders[i], err) == -1) {
			store_folders_free(v, n);
			return -1;
		}
	}
	store_folders_free(v, n);
	return 0;
}

/*
 * Opens the local store (with Sent and Drafts). Nothing goes to the
 * server here: the UI asks for a check (check_mail) once the folder is
 * open, so that the local mail shows at once and the download runs
 * with progress.
 */
static struct backend *
pop3b_open(const struct account *acct,
    struct config_password_pending *password, struct net_watchdog *wd,
    struct error *err)
{
	struct backend		*b;
	char			*dir;

	(void)password;
	b = xcalloc(1, sizeof *b);
	b->acct = acct;
	b->wd = wd;
	dir = store_account_dir(acct->id);
	b->st = store_open(dir, err);
	free(dir);
	if (b->st == NULL) {
		free(b);
		return NULL;
	}
	if (pop3b_standard(b->st, err) == -1) {
		pop3b_close(b);
		return NULL;
	}
	return b;
}

static int
pop3b_list_folders(struct backend *b, struct folder_info **foldersp,
    size_t *np, struct error *err)
{
	struct store_folder	*v;
	struct folder_info	*f;
	size_t			 n, i;

	if (store_folder_list(b->st, &v, &n, err) == -1)
		return -1;
	f = xcalloc(n > 0 ? n : 1, sizeof *f);
	for (i = 0; i < n; i++) {
		f[i].name = xstrdup(v[i].name);
		f[i].wire_name = xstrdup(v[i].name);
		f[i].delimiter = '.';
		f[i].selectable = 1;
		f[i].total = v[i].total;
		f[i].unseen = v[i].unseen;
	}
	store_folders_free(v, n);
	*foldersp = f;
	*np = n;
	return 0;
}

static int
pop3b_select(struct backend *b, const char *wire_name, uint32_t *existsp,
    struct error *err)
{
	pop3b_unselect(b);
	if (store_msg_list(b->st, wire_name, &b->msgs, &b->nmsgs, err) == -1)
		return -1;
	b->selected = xstrdup(wire_name);
	*existsp = (uint32_t)b->nmsgs;
	return 0;
}

static void
pop3b_summary(const struct store_msg *m, struct summary *s)
{
	memset(s, 0, sizeof *s);
	s->uid = (uint32_t)m->id;
	s->flags = m->flags;	/* the same bits as enum summary_flags */
	s->size = m->size;
	s->date = (time_t)m->date;
	s->from = xstrdup(m->from != NULL ? m->from : "");
	s->subject = xstrdup(m->subject != NULL ? m->subject : "");
}

/* Summaries from the store, newest first (the list is in that order). */
static int
pop3b_fetch_summaries(struct backend *b, summary_cb cb, void *arg,
    struct error *err)
{
	struct summary	*out;
	size_t		 i, n, done = 0;
	int		 ret = 0;

	if (b->selected == NULL)
		return error_set(err, ERROR_INPUT, _("no folder is open"));
	out = xcalloc(POP3_CHUNK, sizeof *out);
	while (done < b->nmsgs && ret == 0) {
		n = b->nmsgs - done < POP3_CHUNK ? b->nmsgs - done : POP3_CHUNK;
		for (i = 0; i < n; i++)
			pop3b_summary(&b->msgs[done + i], &out[i]);
		done += n;
		if (cb(out, n, (uint32_t)done, (uint32_t)b->nmsgs, arg) == -1)
			ret = error_set(err, ERROR_CANCELLED, _("cancelled"));
		for (i = 0; i < n; i++)
			summary_clear(&out[i]);
	}
	free(out);
	return ret;
}

static int
pop3b_fetch_body(struct backend *b, uint32_t uid, struct sbuf *out,
    struct error *err)
{
	struct store_msg	 m;
	int			 same;

	if (b->selected == NULL)
		return error_set(err, ERROR_INPUT, _("no folder is open"));
	if (store_msg_get(b->st, uid, &m, err) == -1)
		return -1;
	same = strcmp(m.folder, b->selected) == 0;
	store_msg_clear(&m);
	if (!same)
		return error_set(err, ERROR_INPUT,
		    _("message %u is not in this folder"), (unsigned)uid);
	return store_msg_read(b->st, uid, out, err);
}

struct pop3b_check {
	check_progress_cb	 progress;
	check_note_cb		 note;
	void			*arg;
};

static void
pop3b_progress(uint32_t done, uint32_t total, void *arg)
{
	struct pop3b_check	*c = arg;

	if (c->progress != NULL)
		c->progress(done, total, c->arg);
}

static void
pop3b_note(const char *text, void *arg)
{
	struct pop3b_check	*c = arg;

	if (c->note != NULL)
		c->note(text, c->arg);
}

static int
pop3b_id_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The selected folder's messages as the store has them now. */
static int
pop3b_reload(struct backend *b, struct error *err)
{
	struct store_msg	*v;
	size_t			 n;

	if (b->selected == NULL)
		return error_set(err, ERROR_INPUT, _("no folder is open"));
	if (store_msg_list(b->st, b->selected, &v, &n, err) == -1)
		return -1;
	store_msgs_free(b->msgs, b->nmsgs);
	b->msgs = v;
	b->nmsgs = n;
	return 0;
}

static int
pop3b_uid_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Lists the selected folder again and hands the messages it did not
 * hold before to cb; the new list replaces the old.
 */
static int
pop3b_send_new(struct backend *b, summary_cb cb, void *arg,
    struct error *err)
{
	struct store_msg	*v;
	struct summary		*out;
	int64_t			*old;
	size_t			 n, i, k = 0;
	int			 ret = 0;

	if (b->selected == NULL)
		return 0;
	if (store_msg_list(b->st, b->selected, &v, &n, err) == -1)
		return -1;
	old = xreallocarray(NULL, b->nmsgs > 0 ? b->nmsgs : 1, sizeof *old);
	for (i = 0; i < b->nmsgs; i++)
		old[i] = b->msgs[i].id;
	qsort(old, b->nmsgs, sizeof *old, pop3b_id_cmp);
	out = xcalloc(n > 0 ? n : 1, sizeof *out);
	for (i = 0; i < n; i++) {
		if (bsearch(&v[i].id, old, b->nmsgs, sizeof *old,
		    pop3b_id_cmp) == NULL)
			pop3b_summary(&v[i], &out[k++]);
	}
	free(old);
	store_msgs_free(b->msgs, b->nmsgs);
	b->msgs = v;
	b->nmsgs = n;
	if (k > 0 && cb(out, k, (uint32_t)n, (uint32_t)n, arg) == -1)
		ret = error_set(err, ERROR_CANCELLED, _("cancelled"));
	for (i = 0; i < k; i++)
		summary_clear(&out[i]);
	free(out);
	return ret;
}

/* New mail goes into the body index as it is stored (body: queries). */
static void
pop3b_index_new(struct backend *b, unsigned fetched)
{
	struct error	 e = { 0 };

	if (fetched > 0 && store_body_index(b->st, STORE_INBOX, &e) == -1)
		log_warn("account %s: %s", b->acct->id, e.msg);
}

/* body: queries, from the local body index (store_body_search). */
static int
pop3b_search_body(struct backend *b, const char *wire_name,
    const char *const *texts, size_t n, uint32_t **uids, size_t *nuids,
    struct error *err)
{
	return store_body_search(b->st, wire_name, texts, n, uids, nuids,
	    err);
}

/*
 * One POP3 check into the store, then the new messages of the open
 * folder. A check that fails still shows what it downloaded; its error
 * is the server's, never this backend's (the local mail stays usable),
 * so a lost connection is reported as a server error, not retried.
 */
static int
pop3b_check_mail(struct backend *b,
    struct config_password_pending *password, check_progress_cb progress,
    check_note_cb note, summary_cb cb, void *arg, unsigned *newp,
    struct error *err)
{
	struct pop3b_check	 c = { progress, note, arg };
	struct pop3_result	 res;
	struct error		 e = { 0 };
	int			 ret;

	ret = pop3_fetch_progress(b->acct, password, b->st, b->wd,
	    (int64_t)time(NULL), pop3b_note, pop3b_progress, &c, &res, &e);
	log_info("account %s: %u new, %u skipped, %u deleted on the server",
	    b->acct->id, res.fetched, res.skipped, res.deleted);
	*newp = res.fetched;
	pop3b_index_new(b, res.fetched);
	if (pop3b_send_new(b, cb, arg, err) == -1)
		return -1;
	if (ret == -1) {
		if (err != NULL)
			*err = e;
		if (e.kind == ERROR_NET || e.kind == ERROR_PROTO)
			err->kind = ERROR_SERVER;
		return -1;
	}
	return 0;
}

static int
pop3b_pair_cmp(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
pop3b_fetch_flags(struct backend *b, uint32_t **uidsp, uint32_t **flagsp,
    size_t *np, struct error *err)
{
	uint64_t	*pairs;
	size_t		 i, n;

	if (pop3b_reload(b, err) == -1)
		return -1;
	n = b->nmsgs;
	pairs = xreallocarray(NULL, n > 0 ? n : 1, sizeof *pairs);
	for (i = 0; i < n; i++)
		pairs[i] = (uint64_t)(uint32_t)b->msgs[i].id << 32 |
		    b->msgs[i].flags;
	qsort(pairs, n, sizeof *pairs, pop3b_pair_cmp);
	*uidsp = xreallocarray(NULL, n > 0 ? n : 1, sizeof **uidsp);
	*flagsp = xreallocarray(NULL, n > 0 ? n : 1, sizeof **flagsp);
	for (i = 0; i < n; i++) {
		(*uidsp)[i] = (uint32_t)(pairs[i] >> 32);
		(*flagsp)[i] = (uint32_t)pairs[i] & POP3_SERVER_FLAGS;
	}
	free(pairs);
	*np = n;
	return 0;
}

static int
pop3b_fetch_uids(struct backend *b, const uint32_t *uids, size_t n,
    summary_cb cb, void *arg, struct error *err)
{
	struct summary	*out;
	uint32_t	*sorted;
	size_t		 i, got = 0;
	int		 ret = 0;

	if (b->selected == NULL)
		return error_set(err, ERROR_INPUT, _("no folder is open"));
	sorted = xreallocarray(NULL, n > 0 ? n : 1, sizeof *sorted);
	memcpy(sorted, uids, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, pop3b_uid_cmp);
	out = xcalloc(n > 0 ? n : 1, sizeof *out);
	for (i = 0; i < b->nmsgs && got < n; i++) {
		uint32_t id = (uint32_t)b->msgs[i].id;

		if (bsearch(&id, sorted, n, sizeof *sorted,
		    pop3b_uid_cmp) != NULL)
			pop3b_summary(&b->msgs[i], &out[got++]);
	}
	if (got > 0 && cb(out, got, (uint32_t)got, (uint32_t)got, arg) == -1)
		ret = error_set(err, ERROR_CANCELLED, _("cancelled"));
	for (i = 0; i < got; i++)
		summary_clear(&out[i]);
	free(out);
	free(sorted);
	return ret;
}

/* The message id in the selected folder, or NULL. */
static struct store_msg *
pop3b_find(struct backend *b, uint32_t uid)
{
	size_t	 i;

	for (i = 0; i < b->nmsgs; i++) {
		if ((uint32_t)b->msgs[i].id == uid)
			return &b->msgs[i];
	}
	return NULL;
}

static int
pop3b_store_flags(struct backend *b, const char *folder,
    const uint32_t *uids, size_t n, uint32_t add, uint32_t remove,
    struct error *err)
{
	struct store_msg	*m;
	size_t			 i;

	(void)folder;
	if (pop3b_reload(b, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((m = pop3b_find(b, uids[i])) == NULL)
			continue;
		if (store_msg_set_flags(b->st, m->id,
		    ((m->flags | add) & ~remove) & POP3_SERVER_FLAGS,
		    err) == -1)
			return -1;
	}
	return 0;
}

static int
pop3b_create_folder(struct backend *b, const char *name, struct error *err)
{
	return store_folder_create(b->st, name, err);
}

static int
pop3b_rename_folder(struct backend *b, const char *wire_name,
    const char *name, struct error *err)
{
	if (b->selected != NULL && strcmp(b->selected, wire_name) == 0)
		pop3b_unselect(b);
	return store_folder_rename(b->st, wire_name, name, err);
}

static int
pop3b_delete_folder(struct backend *b, const char *wire_name,
    struct error *err)
{
	if (b->selected != NULL && strcmp(b->selected, wire_name) == 0)
		pop3b_unselect(b);
	return store_folder_delete(b->st, wire_name, err);
}

static int
pop3b_copy(struct backend *b, const char *folder, const uint32_t *uids,
    size_t n, const char *dest, int move, struct error *err)
{
	struct store_msg	*m;
	size_t			 i;

	(void)folder;
	if (pop3b_reload(b, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((m = pop3b_find(b, uids[i])) == NULL)
			continue;
		if ((move ? store_msg_move(b->st, m->id, dest, err) :
		    store_msg_copy(b->st, m->id, dest, NULL, err)) == -1)
			return -1;
	}
	return 0;
}

/* A local folder called Trash takes deleted mail when there is one. */
static int
pop3b_remove(struct backend *b, const char *folder, const uint32_t *uids,
    size_t n, int to_trash, int *trashedp, struct error *err)
{
	struct store_folder	*v;
	size_t			 nf, i;
	int			 has_trash = 0;

	*trashedp = 0;
	if (to_trash) {
		if (store_folder_list(b->st, &v, &nf, err) == -1)
			return -1;
		for (i = 0; i < nf; i++)
			has_trash |= strcmp(v[i].name, "Trash") == 0;
		store_folders_free(v, nf);
	}
	if (has_trash && folder != NULL && strcmp(folder, "Trash") != 0) {
		*trashedp = 1;
		return pop3b_copy(b, folder, uids, n, "Trash", 1, err);
	}
	return pop3b_store_flags(b, folder, uids, n, SUMMARY_DELETED, 0, err);
}

static int
pop3b_expunge(struct backend *b, const char *folder, struct error *err)
{
	size_t	 i;

	(void)folder;
	if (pop3b_reload(b, err) == -1)
		return -1;
	for (i = 0; i < b->nmsgs; i++) {
		if ((b->msgs[i].flags & SUMMARY_DELETED) &&
		    store_msg_delete(b->st, b->msgs[i].id, err) == -1)
			return -1;
	}
	return 0;
}

/* 1 if the store has folder, 0 if not, -1 and err. */
static int
pop3b_has_folder(struct backend *b, const char *folder, struct error *err)
{
	struct store_folder	*v;
	size_t			 n, i;
	int			 found = 0;

	if (store_folder_list(b->st, &v, &n, err) == -1)
		return -1;
	for (i = 0; i < n; i++)
		found |= strcmp(v[i].name, folder) == 0;
	store_folders_free(v, n);
	return found;
}

/* A message sent (or postponed) from this account, into a local folder. */
static int
pop3b_folder_append(struct backend *b, const char *folder, const char *msg,
    size_t len, uint32_t flags, uint32_t *uidp, struct error *err)
{
	struct sbuf	 lf;
	int64_t		 id = 0;
	int		 r, ret = -1;

	if ((r = pop3b_has_folder(b, folder, err)) == -1)
		return -1;
	if (r == 0 && store_folder_create(b->st, folder, err) == -1)
		return -1;
	sbuf_init(&lf);
	pop3_to_maildir(msg, len, &lf);
	if (store_deliver(b->st, folder, lf.buf != NULL ? lf.buf : "", lf.len,
	    flags & POP3_SERVER_FLAGS, &id, err) == 0) {
		log_info("account %s: %zu bytes saved in the local %s",
		    b->acct->id, lf.len, folder);
		if (uidp != NULL)
			*uidp = (uint32_t)id;
		ret = 0;
	}
	sbuf_release(&lf);
	return ret;
}

static int
pop3b_folder_summaries(struct backend *b, const char *folder, summary_cb cb,
    void *arg, struct error *err)
{
	struct store_msg	*v;
	struct summary		*out;
	size_t			 n, i;
	int			 ret = 0;

	if (store_msg_list(b->st, folder, &v, &n, err) == -1)
		return -1;
	out = xcalloc(n > 0 ? n : 1, sizeof *out);
	for (i = 0; i < n; i++)
		pop3b_summary(&v[i], &out[i]);
	store_msgs_free(v, n);
	if (n > 0 && cb(out, n, (uint32_t)n, (uint32_t)n, arg) == -1)
		ret = error_set(err, ERROR_CANCELLED, _("cancelled"));
	for (i = 0; i < n; i++)
		summary_clear(&out[i]);
	free(out);
	return ret;
}

/* 0 if the message uid is in folder, else -1 and err. */
static int
pop3b_in_folder(struct backend *b, const char *folder, uint32_t uid,
    struct error *err)
{
	struct store_msg	 m;
	int			 same;

	if (store_msg_get(b->st, uid, &m, err) == -1)
		return -1;
	same = strcmp(m.folder, folder) == 0;
	store_msg_clear(&m);
	if (!same)
		return error_set(err, ERROR_INPUT,
		    _("message %u is not in %s"), (unsigned)uid, folder);
	return 0;
}

static int
pop3b_folder_fetch(struct backend *b, const char *folder, uint32_t uid,
    struct sbuf *out, struct error *err)
{
	if (pop3b_in_folder(b, folder, uid, err) == -1)
		return -1;
	return store_msg_read(b->st, uid, out, err);
}

static int
pop3b_folder_remove(struct backend *b, const char *folder, uint32_t uid,
    struct error *err)
{
	if (pop3b_in_folder(b, folder, uid, err) == -1)
		return -1;
	return store_msg_delete(b->st, uid, err);
}

const struct backend_ops pop3_backend_ops = {
	.name = "pop3",
	.open = pop3b_open,
	.list_folders = pop3b_list_folders,
	.select = pop3b_select,
	.fetch_summaries = pop3b_fetch_summaries,
	.fetch_body = pop3b_fetch_body,
	.close = pop3b_close,
	.check_mail = pop3b_check_mail,
	.create_folder = pop3b_create_folder,
	.rename_folder = pop3b_rename_folder,
	.delete_folder = pop3b_delete_folder,
	.fetch_flags = pop3b_fetch_flags,
	.fetch_uids = pop3b_fetch_uids,
	.store_flags = pop3b_store_flags,
	.copy = pop3b_copy,
	.remove = pop3b_remove,
	.expunge = pop3b_expunge,
	.search_body = pop3b_search_body,
	.folder_append = pop3b_folder_append,
	.folder_summaries = pop3b_folder_summaries,
	.folder_fetch = pop3b_folder_fetch,
	.folder_remove = pop3b_folder_remove,
};
