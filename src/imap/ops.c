/* src/imap/ops.c: live updates (IDLE, NOOP) and message operations. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "imap/internal.h"
#include "model/backend.h"
#include "net/net.h"

#define IMAPO_FLAG_BYTES	64	/* FETCH (UID FLAGS) response, one */
#define IMAPO_FLAG_CHUNK	20000	/* UIDs per FETCH of the flags */

static void *
imapo_need(void *p)
{
	if (p == NULL)
		abort();	/* libetpan's constructors fail only for memory */
	return p;
}

static int
imapo_cmp_uid(const void *a, const void *b)
{
	const uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A UID set from the UIDs (any order), runs joined into ranges; its
 * text (for the debug log) in imapo_set_text.
 */
static _Thread_local char imapo_set_text[128];

static struct mailimap_set *
imapo_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set	*set;
	uint32_t		*v;
	size_t			 i, j, len = 0;
	int			 w;

	set = imapo_need(mailimap_set_new_empty());
	v = xreallocarray(NULL, n > 0 ? n : 1, sizeof *v);
	memcpy(v, uids, n * sizeof *v);
	qsort(v, n, sizeof *v, imapo_cmp_uid);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] <= v[j - 1] + 1; j++)
			;
		if (mailimap_set_add_interval(set, v[i], v[j - 1]) != 0)
			abort();
		if (len < sizeof imapo_set_text) {
			w = v[i] == v[j - 1] ?
			    snprintf(imapo_set_text + len,
			    sizeof imapo_set_text - len, "%s%u", i ? "," : "",
			    (unsigned)v[i]) :
			    snprintf(imapo_set_text + len,
			    sizeof imapo_set_text - len, "%s%u:%u",
			    i ? "," : "", (unsigned)v[i], (unsigned)v[j - 1]);
			len += w > 0 ? (size_t)w : 0;
		}
	}
	if (n == 0)
		imapo_set_text[0] = '\0';
	free(v);
	return set;
}

/* Makes the selection read-write: SELECT folder unless it is already. */
static int
imapo_writable(struct backend *b, const char *folder, struct error *err)
{
	mailimap			*imap = imapc_session(b);
	struct mailimap_selection_info	*si = imap->imap_selection_info;
	int				 r;

	if (folder == NULL)
		return error_set(err, ERROR_INPUT, _("no folder is open"));
	if (si != NULL && si->sel_perm == MAILIMAP_MAILBOX_READWRITE)
		return 0;
	if (net_check_wire_string(_("folder name"), folder, err) == -1)
		return -1;
	imapc_arm(b, imapc_deadline(b, 0));
	r = mailimap_select(imap, folder);
	return imapc_done(b, r, "SELECT", err);
}

static struct mailimap_flag_list *
imapo_flag_list(uint32_t flags)
{
	struct mailimap_flag_list	*fl;

	fl = imapo_need(mailimap_flag_list_new_empty());
	if ((flags & SUMMARY_SEEN) &&
	    mailimap_flag_list_add(fl, imapo_need(mailimap_flag_new_seen())))
		abort();
	if ((flags & SUMMARY_FLAGGED) &&
	    mailimap_flag_list_add(fl,
	    imapo_need(mailimap_flag_new_flagged())))
		abort();
	if ((flags & SUMMARY_DELETED) &&
	    mailimap_flag_list_add(fl,
	    imapo_need(mailimap_flag_new_deleted())))
		abort();
	if ((flags & SUMMARY_ANSWERED) &&
	    mailimap_flag_list_add(fl,
	    imapo_need(mailimap_flag_new_answered())))
		abort();
	if ((flags & SUMMARY_DRAFT) &&
	    mailimap_flag_list_add(fl, imapo_need(mailimap_flag_new_draft())))
		abort();
	return fl;
}

/* One UID STORE (+FLAGS.SILENT or -FLAGS.SILENT) over the whole set. */
static int
imapo_store(struct backend *b, struct mailimap_set *set, uint32_t flags,
    int add, size_t n, struct error *err)
{
	struct mailimap_store_att_flags	*sa;
	int				 r;

	if (flags == 0)
		return 0;
	sa = add ? mailimap_store_att_flags_new_add_flags_silent(
	    imapo_flag_list(flags)) :
	    mailimap_store_att_flags_new_remove_flags_silent(
	    imapo_flag_list(flags));
	imapo_need(sa);
	log_debug("UID STORE %s %cFLAGS.SILENT (0x%x)", imapo_set_text,
	    add ? '+' : '-', (unsigned)flags);
	imapc_arm(b, imapc_deadline(b, n * 16));
	r = mailimap_uid_store(imapc_session(b), set, sa);
	mailimap_store_att_flags_free(sa);
	return imapc_done(b, r, "UID STORE", err);
}

int
imapc_op_store_flags(struct backend *b, const char *folder,
    const uint32_t *uids, size_t n, uint32_t add, uint32_t remove,
    struct error *err)
{
	struct mailimap_set	*set;
	int			 ret = 0;

	if (n == 0)
		return 0;
	if (imapo_writable(b, folder, err) == -1)
		return -1;
	set = imapo_set(uids, n);
	if (imapo_store(b, set, add, 1, n, err) == -1 ||
	    imapo_store(b, set, remove, 0, n, err) == -1)
		ret = -1;
	mailimap_set_free(set);
	return ret;
}

/* MOVE where offered; else COPY, STORE \Deleted and UID EXPUNGE. */
int
imapc_op_copy(struct backend *b, const char *folder, const uint32_t *uids,
    size_t n, const char *dest, int move, struct error *err)
{
	mailimap		*imap = imapc_session(b);
	struct mailimap_set	*set;
	int			 r, ret = -1;

	if (n == 0)
		return 0;
	if (net_check_wire_string(_("folder name"), dest, err) == -1)
		return -1;
	if (imapo_writable(b, folder, err) == -1)
		return -1;
	set = imapo_set(uids, n);
	if (move && mailimap_has_extension(imap, "MOVE")) {
		log_debug("UID MOVE %s (%zu messages)", imapo_set_text, n);
		imapc_arm(b, imapc_deadline(b, n * 64));
		r = mailimap_uid_move(imap, set, dest);
		ret = imapc_done(b, r, "UID MOVE", err);
		goto out;
	}
	log_debug("UID COPY %s (%zu messages)", imapo_set_text, n);
	imapc_arm(b, imapc_deadline(b, n * 64));
	r = mailimap_uid_copy(imap, set, dest);
	if (imapc_done(b, r, "UID COPY", err) == -1)
		goto out;
	if (!move) {
		ret = 0;
		goto out;
	}
	if (imapo_store(b, set, SUMMARY_DELETED, 1, n, err) == -1)
		goto out;
	if (mailimap_has_extension(imap, "UIDPLUS")) {
		log_debug("UID EXPUNGE %s", imapo_set_text);
		imapc_arm(b, imapc_deadline(b, n * 32));
		r = mailimap_uid_expunge(imap, set);
		ret = imapc_done(b, r, "UID EXPUNGE", err);
	} else {
		/* A plain EXPUNGE would also take other deleted messages. */
		log_info("no UIDPLUS: moved messages stay marked deleted");
		ret = 0;
	}
out:
	mailimap_set_free(set);
	return ret;
}

/* The folder LIST marks \Trash (SPECIAL-USE); a new string or NULL. */
static char *
imapo_find_trash(struct backend *b, struct error *err)
{
	struct mailimap_mailbox_list	*mb;
	clist				*list = NULL;
	clistiter			*it;
	char				*found = NULL;
	int				 r;

	imapc_arm(b, imapc_deadline(b, 64 * 1024));
	r = mailimap_list(imapc_session(b), "", "*", &list);
	if (imapc_done(b, r, "LIST", err) == -1) {
		if (list != NULL)
			mailimap_list_result_free(list);
		return NULL;
	}
	for (it = list != NULL ? clist_begin(list) : NULL;
	    it != NULL && found == NULL; it = clist_next(it)) {
		mb = clist_content(it);
		if (mb == NULL || mb->mb_name == NULL ||
		    strlen(mb->mb_name) > IMAP_MAX_NAME)
			continue;
		if (imapc_list_has_attr(mb, "Trash"))
			found = xstrdup(mb->mb_name);
	}
	if (list != NULL)
		mailimap_list_result_free(list);
	return found;
}

int
imapc_op_remove(struct backend *b, const char *folder, const uint32_t *uids,
    size_t n, int to_trash, int *trashedp, struct error *err)
{
	struct error	 e = { 0 };
	char		*trash = NULL;
	int		 ret;

	*trashedp = 0;
	if (n == 0)
		return 0;
	if (to_trash && (trash = imapo_find_trash(b, &e)) == NULL &&
	    e.kind != ERROR_NONE) {
		if (err != NULL)
			*err = e;
		return -1;
	}
	if (trash != NULL && folder != NULL && strcmp(trash, folder) != 0) {
		ret = imapc_op_copy(b, folder, uids, n, trash, 1, err);
		if (ret == 0)
			*trashedp = 1;
	} else
		ret = imapc_op_store_flags(b, folder, uids, n, SUMMARY_DELETED, 0,
		    err);
	free(trash);
	return ret;
}

int
imapc_op_expunge(struct backend *b, const char *folder, struct error *err)
{
	int	 r;

	if (imapo_writable(b, folder, err) == -1)
		return -1;
	imapc_arm(b, imapc_deadline(b, 0));
	r = mailimap_expunge(imapc_session(b));
	return imapc_done(b, r, "EXPUNGE", err);
}

/* UIDs and flags of the selected folder, gathered as FETCH is parsed. */
struct imapo_flags {
	uint32_t	*uids;
	uint32_t	*flags;
	size_t		 n;
	size_t		 alloc;
};

static void
imapo_flags_take(struct mailimap_msg_att *att, void *arg)
{
	struct imapo_flags		*fl = arg;
	struct mailimap_msg_att_item	*item;
	clistiter			*it;
	uint32_t			 uid = 0, flags = 0;

	if (att == NULL || att->att_list == NULL)
		return;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item == NULL)
			continue;
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC)
			flags = imapc_flags_from_fetch(item->att_data.att_dyn);
		else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static != NULL &&
		    item->att_data.att_static->att_type ==
		    MAILIMAP_MSG_ATT_UID)
			uid = item->att_data.att_static->att_data.att_uid;
	}
	if (uid == 0)
		return;
	if (fl->n == fl->alloc) {
		fl->alloc = fl->alloc > 0 ? fl->alloc * 2 : 256;
		fl->uids = xreallocarray(fl->uids, fl->alloc,
		    sizeof *fl->uids);
		fl->flags = xreallocarray(fl->flags, fl->alloc,
		    sizeof *fl->flags);
	}
	fl->uids[fl->n] = uid;
	fl->flags[fl->n++] = flags & ~SUMMARY_RECENT;
}

static void
imapo_progress(size_t current, size_t maximum, void *arg)
{
	(void)current;
	(void)maximum;
	(void)arg;
}

static int
imapo_cmp_pair(const void *a, const void *b)
{
	const uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
imapc_op_fetch_flags(struct backend *b, uint32_t **uidsp, uint32_t **flagsp,
    size_t *np, struct error *err)
{
	mailimap			*imap = imapc_session(b);
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct imapo_flags		 fl = { 0 };
	uint64_t			*pairs;
	clist				*res = NULL;
	uint32_t			 exists = 0, uidnext, lo;
	size_t				 i;
	int				 r, last;

	if (imap->imap_selection_info != NULL)
		exists = imap->imap_selection_info->sel_exists;
	*uidsp = *flagsp = NULL;
	*np = 0;
	if (exists == 0)
		return 0;
	ft = imapo_need(mailimap_fetch_type_new_fetch_att_list_empty());
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapo_need(mailimap_fetch_att_new_uid())) != 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapo_need(mailimap_fetch_att_new_flags())) != 0)
		abort();
	/*
	 * By UID ranges, the last one open (lo:*): libetpan holds a whole
	 * response, and 1:* of a large folder would be megabytes at once.
	 * A message expunged meanwhile is simply not reported (gone); one
	 * that arrives is in the last range.
	 */
	uidnext = imap->imap_selection_info != NULL ?
	    imap->imap_selection_info->sel_uidnext : 0;
	r = MAILIMAP_NO_ERROR;
	for (lo = 1; r == MAILIMAP_NO_ERROR; lo += IMAPO_FLAG_CHUNK) {
		set = imapc_uid_range(lo, uidnext, IMAPO_FLAG_CHUNK, &last);
		mailimap_set_progress_callback(imap, NULL, imapo_progress,
		    NULL);
		mailimap_set_msg_att_handler(imap, imapo_flags_take, &fl);
		imapc_arm(b, imapc_deadline(b, (size_t)(exists <
		    IMAPO_FLAG_CHUNK ? exists : IMAPO_FLAG_CHUNK) *
		    IMAPO_FLAG_BYTES));
		res = NULL;
		r = mailimap_uid_fetch(imap, set, ft, &res);
		mailimap_set_msg_att_handler(imap, NULL, NULL);
		mailimap_set_progress_callback(imap, NULL, NULL, NULL);
		mailimap_set_free(set);
		if (res != NULL)
			mailimap_fetch_list_free(res);
		if (last)
			break;
	}
	mailimap_fetch_type_free(ft);
	if (imapc_done(b, r, "UID FETCH FLAGS", err) == -1) {
		free(fl.uids);
		free(fl.flags);
		return -1;
	}
	/* Ascending by UID, one entry per UID. */
	pairs = xreallocarray(NULL, fl.n > 0 ? fl.n : 1, sizeof *pairs);
	for (i = 0; i < fl.n; i++)
		pairs[i] = (uint64_t)fl.uids[i] << 32 | fl.flags[i];
	qsort(pairs, fl.n, sizeof *pairs, imapo_cmp_pair);
	*np = 0;
	for (i = 0; i < fl.n; i++) {
		if (*np > 0 && fl.uids[*np - 1] == (uint32_t)(pairs[i] >> 32))
			continue;
		fl.uids[*np] = (uint32_t)(pairs[i] >> 32);
		fl.flags[(*np)++] = (uint32_t)pairs[i];
	}
	free(pairs);
	*uidsp = fl.uids;
	*flagsp = fl.flags;
	return 0;
}

static int
imapo_cmp_summary_desc(const void *a, const void *b)
{
	const struct summary	*x = a, *y = b;

	return x->uid > y->uid ? -1 : x->uid < y->uid;
}

int
imapc_op_fetch_uids(struct backend *b, const uint32_t *uids, size_t n,
    summary_cb cb, void *arg, struct error *err)
{
	mailimap			*imap = imapc_session(b);
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct summary			*out;
	clist				*res = NULL;
	clistiter			*it;
	size_t				 got = 0, max;
	int				 r, ret;

	if (n == 0)
		return 0;
	ft = imapc_summary_fetch_type(1);
	set = imapo_set(uids, n);
	imapc_arm(b, imapc_deadline(b, n * 4096));
	r = mailimap_uid_fetch(imap, set, ft, &res);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (imapc_done(b, r, "UID FETCH", err) == -1) {
		if (res != NULL)
			mailimap_fetch_list_free(res);
		return -1;
	}
	max = res != NULL ? (size_t)clist_count(res) : 0;
	out = xcalloc(max > 0 ? max : 1, sizeof *out);
	for (it = res != NULL ? clist_begin(res) : NULL; it != NULL &&
	    got < max; it = clist_next(it)) {
		if (imapc_summary_from_att(clist_content(it), &out[got]) == 0)
			got++;
	}
	if (res != NULL)
		mailimap_fetch_list_free(res);
	qsort(out, got, sizeof *out, imapo_cmp_summary_desc);
	ret = 0;
	if (got > 0 && cb(out, got, (uint32_t)got, (uint32_t)got, arg) == -1)
		ret = error_set(err, ERROR_CANCELLED, _("cancelled"));
	imapc_summaries_release(out, got);
	free(out);
	return ret;
}

/* Polls fd and wake_fd; 1 if fd has data, 0 otherwise, -1 on error. */
static int
imapo_poll(int fd, int wake_fd, int seconds)
{
	struct pollfd	 pfd[2];
	int		 n, r;

	n = 0;
	if (fd >= 0) {
		pfd[n].fd = fd;
		pfd[n++].events = POLLIN;
	}
	pfd[n].fd = wake_fd;
	pfd[n++].events = POLLIN;
	do
		r = poll(pfd, (nfds_t)n, seconds * 1000);
	while (r == -1 && errno == EINTR);
	if (r <= 0)
		return r;
	return fd >= 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR));
}

int
imapc_op_wait(struct backend *b, int wake_fd, int idle_seconds,
    int poll_seconds, struct error *err)
{
	mailimap	*imap = imapc_session(b);
	int		 r, has;

	if (idle_seconds <= 0 || !mailimap_has_idle(imap)) {
		if (imapo_poll(-1, wake_fd, poll_seconds) != 0)
			return 0;		/* a request waits */
		log_debug("NOOP poll");
		imapc_arm(b, imapc_deadline(b, 0));
		r = mailimap_noop(imap);
		if (imapc_done(b, r, "NOOP", err) == -1)
			return -1;
		return 1;
	}
	log_debug("IDLE");
	imapc_arm(b, imapc_deadline(b, 0));
	r = mailimap_idle(imap);
	if (imapc_done(b, r, "IDLE", err) == -1)
		return -1;
	has = imap->imap_stream->read_buffer_len > 0;
	if (!has && (has = imapo_poll(mailimap_idle_get_fd(imap), wake_fd,
	    idle_seconds)) == -1)
		has = 1;
	imapc_arm(b, imapc_deadline(b, 0));
	r = mailimap_idle_done(imap);
	if (imapc_done(b, r, "IDLE DONE", err) == -1)
		return -1;
	return has;
}
