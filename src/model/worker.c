/* src/model/worker.c: one account's connection, on its own thread. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "model/backend.h"
#include "model/journal.h"
#include "model/model.h"

#define WORKER_LOGOUT_WAIT_MS	1000	/* quit waits this long, then cancels */
#define WORKER_OPEN_WAIT_MS	100	/* for the folder asked for with the list */
#define WORKER_STACK_SIZE	(256UL * 1024 * 1024)

enum request_kind {
	REQUEST_LIST_FOLDERS,
	REQUEST_OPEN_FOLDER,
	REQUEST_FETCH_BODY,
	REQUEST_CHECK_MAIL,
	REQUEST_CREATE_FOLDER,
	REQUEST_RENAME_FOLDER,
	REQUEST_DELETE_FOLDER,
	REQUEST_SUBSCRIBE_FOLDER,
	REQUEST_FLAGS,
	REQUEST_COPY,
	REQUEST_DELETE,
	REQUEST_EXPUNGE,
	REQUEST_SEARCH_BODY,
	REQUEST_READ_BODY,		/* for the pager: may be in part */
	REQUEST_PREFETCH,		/* into the body cache, when idle */
	REQUEST_FETCH_PART,		/* name: the section */
	/* Local folders, answered on the request's own channel. */
	REQUEST_APPEND,
	REQUEST_LOCAL_LIST,
	REQUEST_LOCAL_FETCH,
	REQUEST_LOCAL_REMOVE,
};

struct request {
	enum request_kind	 kind;
	uint64_t		 serial;
	char			*folder;
	uint32_t		 uid;
	char			*name;		/* a folder's new name */
	int			 on;		/* subscribe or not */
	struct timespec		 queued;	/* CLOCK_MONOTONIC */
	/* Message operations: the UIDs, of the folder open when queued. */
	uint32_t		*uids;
	size_t			 nuids;
	uint32_t		 add;
	uint32_t		 remove;
	int			 move;
	int			 cached;	/* the cache was shown */
	int			 resumed;	/* goes on after a cut */
	int			 cache_tried;	/* the cache was looked at */
	int			 base_begun;	/* the baseline was reset */
	char			**texts;	/* body search */
	size_t			 ntexts;
	int			 kept;		/* a prefetch waiting for idle */
	/* Local folders: the message, and where the one answer goes. */
	char			*msg;
	size_t			 len;
	struct chan		*reply;		/* borrowed */
	struct event		*answer;	/* NULL: not answered */
};

struct worker {
	const struct account		*account;
	unsigned			 index;
	const struct backend_ops	*ops;
	struct chan			*events;	/* borrowed */
	struct chan			*requests;
	struct request			*next;	/* taken while cancelling */
	struct request			*resume; /* an open cut short */
	struct backend			*backend;
	struct net_watchdog		*watchdog;
	char				*folder;	/* last opened, wire name */
	uint64_t			 folder_serial;	/* its open request */
	struct timespec			 check_start;	/* the last check ran */
	struct timespec			 check_end;	/* from start to end */
	int				 selected;	/* folder is selected */
	pthread_t			 thread;
	atomic_int			 stopping;
	atomic_int			 done;
	/*
	 * Live updates: the UIDs and flags the UI was told of for the open
	 * folder (ascending once valid); a change on the server is told
	 * as the difference.
	 */
	uint32_t			*base_uids;
	uint32_t			*base_flags;
	size_t				 nbase;
	size_t				 base_alloc;
	int				 base_valid;
	int				 base_record;	/* a load runs */
	time_t				 next_status;	/* folder counts due */
	/* Unreliable networks: reconnecting, and what waits for it. */
	/* Connected once, or showing a cached folder: lost means offline. */
	int				 online;
	int				 lost;		/* reconnecting */
	int				 backoff;	/* seconds */
	time_t				 next_try;
	struct journal			*journal;
	struct request			*prefetch;	/* waits for idle */
};

static void
request_free(void *arg)
{
	struct request	*r = arg;

	if (r == NULL)
		return;
	/* A request with a reply channel is answered exactly once. */
	if (r->reply != NULL) {
		if (r->answer == NULL) {
			r->answer = xcalloc(1, sizeof *r->answer);
			r->answer->kind = EVENT_ERROR;
			r->answer->serial = r->serial;
			error_set(&r->answer->err, ERROR_CANCELLED, "%s",
			    _("the account's connection was closed first"));
		}
		chan_push(r->reply, r->answer);
	} else if (r->answer != NULL)
		event_free(r->answer);
	free(r->msg);
	free(r->folder);
	free(r->name);
	free(r->uids);
	while (r->ntexts > 0)
		free(r->texts[--r->ntexts]);
	free(r->texts);
	free(r);
}

static struct event *
worker_event(struct worker *w, enum event_kind kind, uint64_t serial)
{
	struct event	*ev;

	ev = xcalloc(1, sizeof *ev);
	ev->kind = kind;
	ev->account = w->index;
	ev->serial = serial;
	return ev;
}

static void
worker_status(struct worker *w, uint64_t serial, const char *text)
{
	struct event	*ev;

	ev = worker_event(w, EVENT_STATUS, serial);
	ev->text = xstrdup(text);
	chan_push(w->events, ev);
}

static void
worker_error(struct worker *w, uint64_t serial, const struct error *err)
{
	struct event	*ev;

	log_warn("account %s: %s error: %s", w->account->id,
	    error_kind_name(err->kind), err->msg);
	ev = worker_event(w, EVENT_ERROR, serial);
	ev->err = *err;
	chan_push(w->events, ev);
}

static void
worker_disconnect(struct worker *w)
{
	if (w->backend != NULL)
		w->ops->close(w->backend);
	w->backend = NULL;
	w->selected = 0;
}

/* Connects and logs in unless connected already. */
static int
worker_connect(struct worker *w, uint64_t serial, struct error *err)
{
	const struct account		*a = w->account;
	const struct endpoint		*ep;
	struct event			*ev;
	struct config_password_pending	*pass;
	char				*text;

	if (w->backend != NULL)
		return 0;
	ep = a->backend == BACKEND_POP3 ? &a->pop3 : &a->imap;
	text = xasprintf(_("Connecting to %s:%u..."), ep->host,
	    (unsigned)ep->port);
	worker_status(w, serial, text);
	free(text);
	/* The password command runs while the connection is made. */
	pass = config_password_start(a);
	w->backend = w->ops->open(a, pass, w->watchdog, err);
	config_password_pending_free(pass);
	if (w->backend == NULL)
		return -1;
	w->online = 1;
	ev = worker_event(w, EVENT_CONNECTED, serial);
	ev->text = xasprintf("%s:%u", ep->host, (unsigned)ep->port);
	chan_push(w->events, ev);
	log_info("account %s: connected to %s:%u", a->id, ep->host,
	    (unsigned)ep->port);
	return 0;
}

struct worker_load {
	struct worker	*worker;
	uint64_t	 serial;
};

/*
 * A check for mail or a folder operation waits for a load to finish
 * instead of cancelling it: it does not replace what is shown.
 */
static int
worker_waits(const struct request *r)
{
	switch (r->kind) {
	case REQUEST_CHECK_MAIL:
	case REQUEST_CREATE_FOLDER:
	case REQUEST_RENAME_FOLDER:
	case REQUEST_DELETE_FOLDER:
	case REQUEST_SUBSCRIBE_FOLDER:
	case REQUEST_FLAGS:
	case REQUEST_COPY:
	case REQUEST_DELETE:
	case REQUEST_EXPUNGE:
	case REQUEST_SEARCH_BODY:
	case REQUEST_PREFETCH:
	case REQUEST_APPEND:
	case REQUEST_LOCAL_LIST:
	case REQUEST_LOCAL_FETCH:
	case REQUEST_LOCAL_REMOVE:
		return 1;
	default:
		return 0;
	}
}

/* The flags the server keeps; the rest is ours (attachment, recent). */
#define WORKER_SERVER_FLAGS	(SUMMARY_SEEN | SUMMARY_ANSWERED | \
	SUMMARY_FLAGGED | SUMMARY_DELETED | SUMMARY_DRAFT)

static void
worker_base_reset(struct worker *w)
{
	free(w->base_uids);
	free(w->base_flags);
	w->base_uids = w->base_flags = NULL;
	w->nbase = w->base_alloc = 0;
	w->base_valid = 0;
	w->base_record = 0;
}

/* Notes summaries sent to the UI for the open folder. */
static void
worker_base_note(struct worker *w, const struct summary *s, size_t n)
{
	size_t	 i;

	if (w->nbase + n > w->base_alloc) {
		w->base_alloc = (w->nbase + n) * 2;
		w->base_uids = xreallocarray(w->base_uids, w->base_alloc,
		    sizeof *w->base_uids);
		w->base_flags = xreallocarray(w->base_flags, w->base_alloc,
		    sizeof *w->base_flags);
	}
	for (i = 0; i < n; i++) {
		w->base_uids[w->nbase] = s[i].uid;
		w->base_flags[w->nbase++] = s[i].flags & WORKER_SERVER_FLAGS;
	}
}

static int
worker_pair_cmp(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts the noted UIDs ascending: the baseline is ready. */
static void
worker_base_seal(struct worker *w)
{
	uint64_t	*pairs;
	size_t		 i, n = 0;

	pairs = xreallocarray(NULL, w->nbase > 0 ? w->nbase : 1,
	    sizeof *pairs);
	for (i = 0; i < w->nbase; i++)
		pairs[i] = (uint64_t)w->base_uids[i] << 32 | w->base_flags[i];
	qsort(pairs, w->nbase, sizeof *pairs, worker_pair_cmp);
	for (i = 0; i < w->nbase; i++) {
		if (n > 0 && w->base_uids[n - 1] == (uint32_t)(pairs[i] >> 32))
			continue;
		w->base_uids[n] = (uint32_t)(pairs[i] >> 32);
		w->base_flags[n++] = (uint32_t)pairs[i];
	}
	free(pairs);
	w->nbase = n;
	w->base_record = 0;
	w->base_valid = 1;
}

static int
worker_uid_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Notes flags the UI set itself (the baseline is sorted by UID). */
static void
worker_base_apply(struct worker *w, const uint32_t *uids, size_t n,
    uint32_t add, uint32_t remove)
{
	uint32_t	*hit;
	size_t		 i;

	if (!w->base_valid)
		return;
	for (i = 0; i < n; i++) {
		hit = bsearch(&uids[i], w->base_uids, w->nbase,
		    sizeof *w->base_uids, worker_uid_cmp);
		if (hit == NULL)
			continue;
		w->base_flags[hit - w->base_uids] =
		    ((w->base_flags[hit - w->base_uids] | add) & ~remove) &
		    WORKER_SERVER_FLAGS;
	}
}

/* New messages found by a sync go to the UI as the folder's summaries. */
static int
worker_new_cb(struct summary *s, size_t n, uint32_t done, uint32_t total,
    void *arg)
{
	struct worker	*w = arg;
	struct event	*ev;
	size_t		 i;

	(void)done;
	(void)total;
	ev = worker_event(w, EVENT_SUMMARIES, w->folder_serial);
	ev->summaries = xreallocarray(NULL, n, sizeof *ev->summaries);
	memcpy(ev->summaries, s, n * sizeof *s);
	for (i = 0; i < n; i++)
		memset(&s[i], 0, sizeof s[i]);
	ev->nsummaries = n;
	chan_push(w->events, ev);
	return 0;
}

/*
 * Asks the server for the UIDs and flags of the open folder and tells
 * the UI what differs from what it has: new messages (EVENT_SUMMARIES),
 * expunged ones (EVENT_VANISHED), new flags (EVENT_FLAGS).
 */
static int
worker_sync(struct worker *w, struct error *err)
{
	struct event	*fev, *vev;
	uint32_t	*uids, *flags, *added;
	size_t		 n, i = 0, j = 0, nadded = 0;
	int		 ret;

	if (!w->base_valid || !w->selected || w->ops->fetch_flags == NULL)
		return 0;
	if (w->ops->fetch_flags(w->backend, &uids, &flags, &n, err) == -1)
		return -1;
	fev = worker_event(w, EVENT_FLAGS, w->folder_serial);
	fev->summaries = xcalloc(n > 0 ? n : 1, sizeof *fev->summaries);
	vev = worker_event(w, EVENT_VANISHED, w->folder_serial);
	vev->uids = xreallocarray(NULL, w->nbase > 0 ? w->nbase : 1,
	    sizeof *vev->uids);
	added = xreallocarray(NULL, n > 0 ? n : 1, sizeof *added);
	while (i < w->nbase || j < n) {
		if (j == n || (i < w->nbase && w->base_uids[i] < uids[j]))
			vev->uids[vev->nuids++] = w->base_uids[i++];
		else if (i == w->nbase || uids[j] < w->base_uids[i])
			added[nadded++] = uids[j++];
		else {
			if (flags[j] != w->base_flags[i]) {
				fev->summaries[fev->nsummaries].uid = uids[j];
				fev->summaries[fev->nsummaries++].flags =
				    flags[j];
			}
			i++;
			j++;
		}
	}
	log_debug("account %s: sync: %zu new, %zu gone, %zu changed",
	    w->account->id, nadded, vev->nuids, fev->nsummaries);
	free(w->base_uids);
	free(w->base_flags);
	w->base_uids = uids;
	w->base_flags = flags;
	w->nbase = w->base_alloc = n;
	if (uids == NULL) {
		w->base_uids = xcalloc(1, sizeof *w->base_uids);
		w->base_flags = xcalloc(1, sizeof *w->base_flags);
		w->base_alloc = 1;
	}
	if (vev->nuids > 0)
		chan_push(w->events, vev);
	else
		event_free(vev);
	if (fev->nsummaries > 0)
		chan_push(w->events, fev);
	else
		event_free(fev);
	ret = 0;
	if (nadded > 0 && w->ops->fetch_uids != NULL)
		ret = w->ops->fetch_uids(w->backend, added, nadded,
		    worker_new_cb, w, err);
	free(added);
	return ret;
}

/* Hands a chunk of summaries to the UI; cancels if a request waits. */
static int
worker_summaries_cb(struct summary *s, size_t n, uint32_t done,
    uint32_t total, void *arg)
{
	struct worker_load	*load = arg;
	struct worker		*w = load->worker;
	struct event		*ev;
	size_t			 i;

	if (w->base_record)
		worker_base_note(w, s, n);
	ev = worker_event(w, EVENT_SUMMARIES, load->serial);
	ev->summaries = xreallocarray(NULL, n, sizeof *ev->summaries);
	memcpy(ev->summaries, s, n * sizeof *s);
	for (i = 0; i < n; i++)
		memset(&s[i], 0, sizeof s[i]);	/* the strings are taken */
	ev->nsummaries = n;
	ev->done = done;
	ev->total = total;
	chan_push(w->events, ev);
	if (atomic_load(&w->stopping))
		return -1;
	if (w->next == NULL)
		w->next = chan_pop(w->requests);
	return w->next != NULL && !worker_waits(w->next) ? -1 : 0;
}

/* The index from the local cache, before any connection. */
struct worker_cached {
	struct worker_load	 load;
	int			 opened;
	struct request		*req;		/* being shown; may be NULL */
	/* Changes reported by a resync, for the baseline once sealed. */
	struct summary		*flags;
	size_t			 nflags;
	uint32_t		*gone;
	size_t			 ngone;
};

static int
worker_cached_cb(struct summary *s, size_t n, uint32_t done,
    uint32_t total, void *arg)
{
	struct worker_cached	*wc = arg;

	if (!wc->opened) {
		struct event	*ev;

		ev = worker_event(wc->load.worker, EVENT_FOLDER_OPENED,
		    wc->load.serial);
		ev->text = xstrdup(wc->load.worker->folder);
		ev->total = total;
		chan_push(wc->load.worker->events, ev);
		wc->opened = 1;
	}
	/*
	 * Local and quick: only another folder or quitting stops it; the
	 * folder list and the like wait the moment it takes.
	 */
	(void)worker_summaries_cb(s, n, done, total, &wc->load);
	return atomic_load(&wc->load.worker->stopping) ||
	    (wc->load.worker->next != NULL &&
	    wc->load.worker->next != wc->req &&
	    wc->load.worker->next->kind == REQUEST_OPEN_FOLDER) ? -1 : 0;
}

/*
 * Shows the cached summaries of the folder at once (EVENT_FOLDER_OPENED,
 * EVENT_SUMMARIES, EVENT_FOLDER_LOADED); the resync that follows sends
 * only changes. Nothing cached, or a cache that cannot be read, leaves
 * the request to the ordinary open. What is shown starts the baseline
 * that live updates are compared with.
 */
static void
worker_open_cached(struct worker *w, struct request *r)
{
	struct worker_cached	 wc = { { w, r->serial }, 0, r, NULL, 0,
				    NULL, 0 };
	struct error		 err = { 0 };
	int			 n;

	r->cache_tried = 1;
	request_free(w->resume);	/* another folder now */
	w->resume = NULL;
	if (w->ops->load_cached == NULL || w->ops->resync == NULL)
		return;
	free(w->folder);
	w->folder = xstrdup(r->folder);
	w->folder_serial = r->serial;
	w->selected = 0;
	worker_base_reset(w);
	w->base_record = 1;
	r->base_begun = 1;
	n = w->ops->load_cached(w->account, r->folder, worker_cached_cb, &wc,
	    &err);
	if (n == -1 && err.kind != ERROR_CANCELLED)
		log_warn("account %s: cache: %s", w->account->id, err.msg);
	if (n == 1 || (n == -1 && wc.opened)) {
		r->cached = 1;
		w->online = 1;	/* unreachable now: offline, from the cache */
		if (n == 1)
			chan_push(w->events, worker_event(w,
			    EVENT_FOLDER_LOADED, r->serial));
	}
}

static int
worker_sync_opened(uint32_t exists, void *arg)
{
	struct worker_cached	*wc = arg;
	struct worker		*w = wc->load.worker;
	struct event		*ev;

	if (wc->opened)
		return 0;
	ev = worker_event(w, EVENT_FOLDER_OPENED, wc->load.serial);
	ev->text = xstrdup(w->folder);
	ev->total = exists;
	chan_push(w->events, ev);
	wc->opened = 1;
	return 0;
}

static int	worker_list_folders_run(struct worker *, struct request *,
		    struct error *);

/*
 * The folder list asked for during a fill, run between two of its
 * FETCHes rather than cutting it short: 0, or -1 to stop the fill (the
 * link failed: the list is run again once it is back).
 */
static int
worker_list_between(struct worker *w)
{
	struct request	*r;
	struct error	 err = { 0 };

	while ((r = w->next) != NULL && r->kind == REQUEST_LIST_FOLDERS &&
	    !atomic_load(&w->stopping)) {
		if (worker_list_folders_run(w, r, &err) == -1) {
			if (err.kind == ERROR_NET || err.kind == ERROR_PROTO ||
			    err.kind == ERROR_TLS)
				return -1;
			worker_error(w, r->serial, &err);
			error_clear(&err);
		}
		request_free(r);
		w->next = chan_pop(w->requests);
	}
	return 0;
}

static int
worker_sync_added(struct summary *s, size_t n, uint32_t done,
    uint32_t total, void *arg)
{
	struct worker_cached	*wc = arg;
	struct worker		*w = wc->load.worker;

	if (worker_summaries_cb(s, n, done, total, &wc->load) == 0)
		return 0;
	if (atomic_load(&w->stopping) || w->next == NULL ||
	    w->next->kind != REQUEST_LIST_FOLDERS ||
	    worker_list_between(w) == -1)
		return -1;
	return w->next != NULL && !worker_waits(w->next) ? -1 : 0;
}

/* New flags (EVENT_FLAGS) or late sizes (EVENT_SIZES) for the view. */
static int
worker_sync_update(struct worker_cached *wc, const struct summary *s,
    size_t n, enum event_kind kind)
{
	struct worker	*w = wc->load.worker;
	struct event	*ev;
	size_t		 i;

	ev = worker_event(w, kind, wc->load.serial);
	ev->summaries = xcalloc(n, sizeof *ev->summaries);
	for (i = 0; i < n; i++) {
		ev->summaries[i].uid = s[i].uid;
		if (kind == EVENT_SIZES)
			ev->summaries[i].size = s[i].size;
		else
			ev->summaries[i].flags = s[i].flags;
	}
	ev->nsummaries = n;
	chan_push(w->events, ev);
	return atomic_load(&w->stopping) ? -1 : 0;
}

static int
worker_sync_flags(struct summary *s, size_t n, uint32_t done,
    uint32_t total, void *arg)
{
	struct worker_cached	*wc = arg;
	size_t			 i;

	(void)done;
	(void)total;
	wc->flags = xreallocarray(wc->flags, wc->nflags + n,
	    sizeof *wc->flags);
	for (i = 0; i < n; i++) {
		memset(&wc->flags[wc->nflags], 0, sizeof *wc->flags);
		wc->flags[wc->nflags].uid = s[i].uid;
		wc->flags[wc->nflags++].flags = s[i].flags;
	}
	return worker_sync_update(wc, s, n, EVENT_FLAGS);
}

/* Sizes that came after their summaries (a fill's first screenful). */
static int
worker_sync_sizes(struct summary *s, size_t n, uint32_t done,
    uint32_t total, void *arg)
{
	(void)done;
	(void)total;
	return worker_sync_update(arg, s, n, EVENT_SIZES);
}

static int
worker_sync_vanished(const uint32_t *uids, size_t n, void *arg)
{
	struct worker_cached	*wc = arg;
	struct worker		*w = wc->load.worker;
	struct event		*ev;

	ev = worker_event(w, EVENT_VANISHED, wc->load.serial);
	ev->uids = xreallocarray(NULL, n, sizeof *ev->uids);
	memcpy(ev->uids, uids, n * sizeof *uids);
	ev->nuids = n;
	chan_push(w->events, ev);
	wc->gone = xreallocarray(wc->gone, wc->ngone + n, sizeof *wc->gone);
	memcpy(wc->gone + wc->ngone, uids, n * sizeof *uids);
	wc->ngone += n;
	return atomic_load(&w->stopping) ? -1 : 0;
}

/*
 * The baseline after a resync: what was shown (noted as it went), then
 * the flags and expunges the resync reported.
 */
static void
worker_base_resynced(struct worker *w, struct worker_cached *wc)
{
	uint32_t	*hit;
	size_t		 i, n;

	worker_base_seal(w);
	for (i = 0; i < wc->nflags; i++)
		if ((hit = bsearch(&wc->flags[i].uid, w->base_uids, w->nbase,
		    sizeof *w->base_uids, worker_uid_cmp)) != NULL)
			w->base_flags[hit - w->base_uids] =
			    wc->flags[i].flags & WORKER_SERVER_FLAGS;
	if (wc->ngone == 0)
		return;
	qsort(wc->gone, wc->ngone, sizeof *wc->gone, worker_uid_cmp);
	for (i = n = 0; i < w->nbase; i++) {
		if (bsearch(&w->base_uids[i], wc->gone, wc->ngone,
		    sizeof *wc->gone, worker_uid_cmp) != NULL)
			continue;
		w->base_uids[n] = w->base_uids[i];
		w->base_flags[n++] = w->base_flags[i];
	}
	w->nbase = n;
}

/*
 * Brings the open folder (w->folder) up to date through the backend's
 * resync: a cold fill (the summaries as they come) or, when the index
 * is shown (cached), the changes. serial is the folder's open request.
 */
static int
worker_resync_do(struct worker *w, uint64_t serial, int cached, int resumed,
    struct error *err)
{
	struct worker_cached	 wc = { { w, serial }, cached, NULL, NULL, 0,
				    NULL, 0 };
	struct backend_sync	 sink = {
		.opened = worker_sync_opened,
		.added = worker_sync_added,
		.flags = worker_sync_flags,
		.sizes = worker_sync_sizes,
		.vanished = worker_sync_vanished,
		.arg = &wc,
	};
	int			 ret = 0;

	w->selected = 0;
	w->base_record = 1;
	if (w->ops->resync(w->backend, w->folder, &sink, err) == -1)
		ret = -1;
	else {
		w->selected = 1;
		if (!cached || resumed)
			chan_push(w->events, worker_event(w,
			    EVENT_FOLDER_LOADED, serial));
		worker_base_resynced(w, &wc);
		/* A fill takes a while: what changed meanwhile. */
		if (!cached || resumed)
			ret = worker_sync(w, err);
	}
	free(wc.flags);
	free(wc.gone);
	return ret;
}

static int
worker_resync_run(struct worker *w, struct request *r, struct error *err)
{
	if (w->folder == NULL || strcmp(w->folder, r->folder) != 0) {
		free(w->folder);
		w->folder = xstrdup(r->folder);
	}
	w->folder_serial = r->serial;
	if (!r->base_begun) {
		worker_base_reset(w);
		r->base_begun = 1;
	}
	if (worker_resync_do(w, r->serial, r->cached, r->resumed, err) == -1)
		return -1;
	/* A reconnect and retry only resyncs; the index is there now. */
	r->cached = 1;
	return 0;
}

/*
 * Not connected (starting, or the server unreachable): the folder list
 * the cache kept, so that the folder pane does not wait for the server
 * and its folders open from the cache offline. The server's list
 * replaces it once it comes.
 */
static void
worker_list_cached(struct worker *w, struct request *r)
{
	struct event	*ev;
	struct error	 err = { 0 };
	int		 n;

	if (w->ops->list_cached == NULL)
		return;
	ev = worker_event(w, EVENT_FOLDERS, r->serial);
	n = w->ops->list_cached(w->account, &ev->folders, &ev->nfolders,
	    &err);
	if (n == -1)
		log_warn("account %s: cache: %s", w->account->id, err.msg);
	if (n != 1) {
		event_free(ev);
		return;
	}
	log_info("account %s: %zu folders from the cache", w->account->id,
	    ev->nfolders);
	chan_push(w->events, ev);
}

static int
worker_list_folders_run(struct worker *w, struct request *r,
    struct error *err)
{
	struct event	*ev;

	ev = worker_event(w, EVENT_FOLDERS, r->serial);
	if (w->ops->list_folders(w->backend, &ev->folders, &ev->nfolders,
	    err) == -1) {
		event_free(ev);
		return -1;
	}
	chan_push(w->events, ev);
	return 0;
}

static int
worker_open_folder_run(struct worker *w, struct request *r,
    struct error *err)
{
	struct worker_load	 load = { w, r->serial };
	struct event		*ev;
	uint32_t		 exists;

	if (w->ops->resync != NULL)
		return worker_resync_run(w, r, err);
	free(w->folder);
	w->folder = xstrdup(r->folder);
	w->folder_serial = r->serial;
	w->selected = 0;
	worker_base_reset(w);
	if (w->ops->select(w->backend, r->folder, &exists, err) == -1)
		return -1;
	w->selected = 1;
	w->base_record = 1;
	ev = worker_event(w, EVENT_FOLDER_OPENED, r->serial);
	ev->text = xstrdup(r->folder);
	ev->total = exists;
	chan_push(w->events, ev);
	if (w->ops->fetch_summaries(w->backend, worker_summaries_cb, &load,
	    err) == -1) {
		w->base_record = 0;
		return -1;
	}
	chan_push(w->events, worker_event(w, EVENT_FOLDER_LOADED, r->serial));
	worker_base_seal(w);
	/* What changed while it loaded. */
	return worker_sync(w, err);
}

/* A message (or a prefetch) fetched: EVENT_BODY, or nothing. */
static int
worker_fetch_body_run(struct worker *w, struct request *r,
    struct error *err)
{
	struct event	*ev;
	struct sbuf	 body;
	int		 partial = 0, rc;

	if (!w->selected)
		return error_set(err, ERROR_INPUT, _("no folder is open"));
	sbuf_init(&body);
	if (r->kind == REQUEST_PREFETCH)
		log_debug("account %s: prefetching message %u",
		    w->account->id, (unsigned)r->uid);
	if (w->ops->fetch_message != NULL)
		rc = w->ops->fetch_message(w->backend, w->folder, r->uid,
		    r->kind == REQUEST_FETCH_BODY, &body, &partial, err);
	else
		rc = w->ops->fetch_body(w->backend, r->uid, &body, err);
	if (rc == -1 || r->kind == REQUEST_PREFETCH) {
		sbuf_release(&body);
		return rc;
	}
	ev = worker_event(w, EVENT_BODY, r->serial);
	ev->uid = r->uid;
	ev->partial = partial;
	ev->body = sbuf_detach(&body, &ev->body_len);
	chan_push(w->events, ev);
	return 0;
}

/*
 * Asks the backend which messages of the open folder hold each text in
 * their body; one EVENT_BODY_MATCHES per text.
 */
static int
worker_search_body_run(struct worker *w, struct request *r,
    struct error *err)
{
	struct event	*ev;
	uint32_t	**uids;
	size_t		 *nuids, i;
	int		  ret;

	if (w->folder == NULL || r->folder == NULL ||
	    strcmp(w->folder, r->folder) != 0) {
		log_debug("account %s: body search for a folder no longer "
		    "open", w->account->id);
		return 0;
	}
	if (w->ops->search_body == NULL)
		return error_set(err, ERROR_INPUT,
		    _("this account cannot search message bodies"));
	uids = xcalloc(r->ntexts, sizeof *uids);
	nuids = xcalloc(r->ntexts, sizeof *nuids);
	ret = w->ops->search_body(w->backend, r->folder,
	    (const char *const *)r->texts, r->ntexts, uids, nuids, err);
	for (i = 0; i < r->ntexts; i++) {
		if (ret == 0) {
			ev = worker_event(w, EVENT_BODY_MATCHES, r->serial);
			ev->text = xstrdup(r->texts[i]);
			ev->uids = uids[i];
			ev->nuids = nuids[i];
			ev->done = (uint32_t)i + 1;
			ev->total = (uint32_t)r->ntexts;
			chan_push(w->events, ev);
		} else
			free(uids[i]);
	}
	free(uids);
	free(nuids);
	if (ret == 0)
		log_info("account %s: body search of %zu text(s) done",
		    w->account->id, r->ntexts);
	return ret;
}

/*
 * A message from the body cache, with no connection: 1 if it was there
 * (EVENT_BODY sent, unless for a prefetch), else 0.
 */
static int
worker_body_cached(struct worker *w, struct request *r)
{
	struct event	*ev;
	struct error	 err = { 0 };
	struct sbuf	 body;
	int		 partial = 0, n;

	if (w->ops->load_body == NULL || w->folder == NULL)
		return 0;
	sbuf_init(&body);
	n = w->ops->load_body(w->account, w->folder, r->uid,
	    r->kind == REQUEST_FETCH_BODY, &body, &partial, &err);
	if (n == -1)
		log_warn("account %s: body cache: %s", w->account->id,
		    err.msg);
	if (n != 1 || r->kind == REQUEST_PREFETCH) {
		sbuf_release(&body);
		return n == 1;
	}
	ev = worker_event(w, EVENT_BODY, r->serial);
	ev->uid = r->uid;
	ev->partial = partial;
	ev->body = sbuf_detach(&body, &ev->body_len);
	chan_push(w->events, ev);
	return 1;
}

static int
worker_fetch_part_run(struct worker *w, struct request *r,
    struct error *err)
{
	struct event	*ev;
	struct sbuf	 data;

	if (w->ops->fetch_part == NULL)
		return error_set(err, ERROR_INPUT,
		    _("this account cannot fetch a part of a message"));
	sbuf_init(&data);
	if (w->ops->fetch_part(w->backend, r->uid, r->name, &data,
	    err) == -1) {
		sbuf_release(&data);
		return -1;
	}
	ev = worker_event(w, EVENT_PART, r->serial);
	ev->uid = r->uid;
	ev->text = xstrdup(r->name);
	ev->body = sbuf_detach(&data, &ev->body_len);
	chan_push(w->events, ev);
	return 0;
}

#define WORKER_PROGRESS_MS	100	/* between two progress events */

struct worker_check {
	struct worker	*worker;
	uint64_t	 serial;
	struct timespec	 last;		/* of the last progress event */
};

static void
worker_check_progress(uint32_t done, uint32_t total, void *arg)
{
	struct worker_check	*c = arg;
	struct timespec		 now;
	char			*text;
	long			 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long)(now.tv_sec - c->last.tv_sec) * 1000 +
	    (now.tv_nsec - c->last.tv_nsec) / 1000000;
	if (done > 1 && done < total && ms < WORKER_PROGRESS_MS)
		return;
	c->last = now;

	text = xasprintf(_("Fetching %u of %u..."), (unsigned)done,
	    (unsigned)total);
	worker_status(c->worker, c->serial, text);
	free(text);
}

static void
worker_check_note(const char *line, void *arg)
{
	struct worker_check	*c = arg;
	struct event		*ev;

	ev = worker_event(c->worker, EVENT_NOTICE, c->serial);
	ev->text = xstrdup(line);
	chan_push(c->worker->events, ev);
}

/* New messages of the open folder, as its load would have sent them. */
static int
worker_check_summaries(struct summary *s, size_t n, uint32_t done,
    uint32_t total, void *arg)
{
	struct worker_check	*c = arg;
	struct worker		*w = c->worker;
	struct event		*ev;
	size_t			 i;

	ev = worker_event(w, EVENT_SUMMARIES, w->folder_serial);
	ev->summaries = xreallocarray(NULL, n > 0 ? n : 1,
	    sizeof *ev->summaries);
	memcpy(ev->summaries, s, n * sizeof *s);
	for (i = 0; i < n; i++)
		memset(&s[i], 0, sizeof s[i]);	/* the strings are taken */
	ev->nsummaries = n;
	ev->done = done;
	ev->total = total;
	chan_push(w->events, ev);
	return 0;
}

static int	 worker_check_mail_do(struct worker *, struct request *,
		    struct worker_check *, struct error *);

static int
worker_ts_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	if (a->tv_nsec != b->tv_nsec)
		return a->tv_nsec < b->tv_nsec ? -1 : 1;
	return 0;
}

static int
worker_check_mail_run(struct worker *w, struct request *r,
    struct error *err)
{
	struct worker_check	 c = { w, r->serial, { 0, 0 } };
	int			 ret;

	/*
	 * A check asked for while the last one ran (a periodic check that
	 * took longer than its interval, or G pressed meanwhile) is folded
	 * into it: checks never pile up.
	 */
	if (worker_ts_cmp(&r->queued, &w->check_start) > 0 &&
	    worker_ts_cmp(&r->queued, &w->check_end) < 0) {
		log_info("account %s: check asked for during the last one",
		    w->account->id);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &w->check_start);
	ret = worker_check_mail_do(w, r, &c, err);
	clock_gettime(CLOCK_MONOTONIC, &w->check_end);
	return ret;
}

static int
worker_check_mail_do(struct worker *w, struct request *r,
    struct worker_check *cp, struct error *err)
{
	struct event			*ev;
	struct config_password_pending	*pass;
	char				*text;
	unsigned			 nnew = 0;
	int				 ret;

	if (w->ops->check_mail == NULL) {
		worker_status(w, r->serial, _("This account needs no check: "
		    "its server reports new mail by itself."));
		return 0;
	}
	worker_status(w, r->serial, _("Checking for new mail..."));
	pass = config_password_start(w->account);
	ret = w->ops->check_mail(w->backend, pass, worker_check_progress,
	    worker_check_note, worker_check_summaries, cp, &nnew, err);
	config_password_pending_free(pass);
	if (ret == -1)
		return -1;
	if (nnew > 0) {
		ev = worker_event(w, EVENT_FOLDERS, r->serial);
		if (w->ops->list_folders(w->backend, &ev->folders,
		    &ev->nfolders, err) == -1) {
			event_free(ev);
			return -1;
		}
		chan_push(w->events, ev);
	}
	text = nnew == 0 ? xstrdup(_("No new mail.")) :
	    xasprintf(P_("%u new message fetched.",
	    "%u new messages fetched.", nnew), nnew);
	worker_status(w, r->serial, text);
	free(text);
	return 0;
}

/* After a folder operation: what was done, and the new folder list. */
static int
worker_folder_op_done(struct worker *w, struct request *r, char *text,
    struct error *err)
{
	struct event	*ev;

	ev = worker_event(w, EVENT_NOTICE, r->serial);
	ev->text = text;
	chan_push(w->events, ev);
	return worker_list_folders_run(w, r, err);
}

static int
worker_folder_op_run(struct worker *w, struct request *r, struct error *err)
{
	const struct backend_ops	*o = w->ops;
	int				 ret = -1;

	switch (r->kind) {
	case REQUEST_CREATE_FOLDER:
		if (o->create_folder == NULL)
			break;
		if (o->create_folder(w->backend, r->name, err) == -1)
			return -1;
		return worker_folder_op_done(w, r,
		    xasprintf(_("Folder '%s' created."), r->name), err);
	case REQUEST_RENAME_FOLDER:
		if (o->rename_folder == NULL)
			break;
		if (o->rename_folder(w->backend, r->folder, r->name,
		    err) == -1)
			return -1;
		return worker_folder_op_done(w, r,
		    xasprintf(_("Folder renamed to '%s'."), r->name), err);
	case REQUEST_DELETE_FOLDER:
		if (o->delete_folder == NULL)
			break;
		/* A selected folder cannot go from under its session. */
		if (w->folder != NULL && strcmp(w->folder, r->folder) == 0)
			w->selected = 0;
		if (o->delete_folder(w->backend, r->folder, err) == -1)
			return -1;
		return worker_folder_op_done(w, r,
		    xasprintf(_("Folder '%s' deleted."), r->folder), err);
	case REQUEST_SUBSCRIBE_FOLDER:
		if (o->subscribe_folder == NULL)
			break;
		if (o->subscribe_folder(w->backend, r->folder, r->on,
		    err) == -1)
			return -1;
		return worker_folder_op_done(w, r, r->on ?
		    xasprintf(_("Subscribed to '%s'."), r->folder) :
		    xasprintf(_("Unsubscribed from '%s'."), r->folder), err);
	default:
		break;
	}
	if (ret == -1)
		error_set(err, ERROR_INPUT, _("This account's folders do not "
		    "support that."));
	return ret;
}

/* Carries out one message operation on the open folder. */
static int
worker_op_do(struct worker *w, enum request_kind kind, const char *folder,
    const uint32_t *uids, size_t n, uint32_t add, uint32_t remove,
    const char *dest, int move, struct error *err)
{
	const struct backend_ops	*o = w->ops;
	int				 trashed = 0;

	switch (kind) {
	case REQUEST_FLAGS:
		if (o->store_flags == NULL)
			break;
		return o->store_flags(w->backend, folder, uids, n, add, remove,
		    err);
	case REQUEST_COPY:
		if (o->copy == NULL)
			break;
		return o->copy(w->backend, folder, uids, n, dest, move, err);
	case REQUEST_DELETE:
		if (o->remove == NULL)
			break;
		return o->remove(w->backend, folder, uids, n,
		    w->account->delete_to_trash, &trashed, err);
	case REQUEST_EXPUNGE:
		if (o->expunge == NULL)
			break;
		return o->expunge(w->backend, folder, err);
	default:
		break;
	}
	return error_set(err, ERROR_INPUT,
	    _("this account cannot do that to messages"));
}

static int
worker_op_run(struct worker *w, struct request *r, struct error *err)
{
	if (w->folder == NULL)
		return error_set(err, ERROR_INPUT, _("no folder is open"));
	if (r->kind != REQUEST_EXPUNGE && r->nuids == 0)
		return 0;
	if (worker_op_do(w, r->kind, w->folder, r->uids, r->nuids, r->add,
	    r->remove, r->folder, r->move, err) == -1)
		return -1;
	/*
	 * New flags are what the UI shows already: noted, not asked again
	 * (opening a message sets \Seen; a large folder would pay for a
	 * whole FLAGS fetch each time). A copy leaves this folder as it is.
	 */
	if (r->kind == REQUEST_FLAGS) {
		worker_base_apply(w, r->uids, r->nuids, r->add, r->remove);
		return 0;
	}
	if (r->kind == REQUEST_COPY && !r->move)
		return 0;
	/* Messages gone (moved, deleted, expunged): the server's view. */
	return worker_sync(w, err);
}

/* A local folder changed: new counts, and new messages if it is open. */
static void
worker_local_changed(struct worker *w, const char *folder)
{
	struct event	*ev;
	struct error	 err = { 0 };

	ev = worker_event(w, EVENT_FOLDERS, 0);
	if (w->ops->list_folders(w->backend, &ev->folders, &ev->nfolders,
	    &err) == -1) {
		event_free(ev);
		log_warn("account %s: %s", w->account->id, err.msg);
		return;
	}
	chan_push(w->events, ev);
	if (w->folder != NULL && strcmp(w->folder, folder) == 0 &&
	    worker_sync(w, &err) == -1)
		log_warn("account %s: %s", w->account->id, err.msg);
}

struct worker_collect {
	struct summary	*v;
	size_t		 n;
};

/* Takes the summaries of a chunk (their strings move to the list). */
static int
worker_collect_cb(struct summary *s, size_t n, uint32_t done, uint32_t total,
    void *arg)
{
	struct worker_collect	*c = arg;
	size_t			 i;

	(void)done;
	(void)total;
	c->v = xreallocarray(c->v, c->n + n > 0 ? c->n + n : 1, sizeof *c->v);
	for (i = 0; i < n; i++) {
		c->v[c->n++] = s[i];
		memset(&s[i], 0, sizeof s[i]);
	}
	return 0;
}

/* The local folder requests; the answer waits in r->answer. */
static int
worker_local_run(struct worker *w, struct request *r, struct error *err)
{
	const struct backend_ops	*o = w->ops;
	struct worker_collect		 c = { NULL, 0 };
	struct event			*ev;
	struct sbuf			 body;
	uint32_t			 uid = 0;
	size_t				 i;

	if (o->folder_append == NULL || o->folder_summaries == NULL ||
	    o->folder_fetch == NULL || o->folder_remove == NULL)
		return error_set(err, ERROR_INPUT, _("this account keeps no "
		    "local folders"));
	switch (r->kind) {
	case REQUEST_APPEND:
		if (o->folder_append(w->backend, r->folder, r->msg, r->len,
		    r->add, &uid, err) == -1)
			return -1;
		r->answer = worker_event(w, EVENT_STATUS, r->serial);
		r->answer->uid = uid;
		worker_local_changed(w, r->folder);
		return 0;
	case REQUEST_LOCAL_LIST:
		if (o->folder_summaries(w->backend, r->folder,
		    worker_collect_cb, &c, err) == -1) {
			for (i = 0; i < c.n; i++)
				summary_clear(&c.v[i]);
			free(c.v);
			return -1;
		}
		ev = worker_event(w, EVENT_SUMMARIES, r->serial);
		ev->summaries = c.v;
		ev->nsummaries = c.n;
		r->answer = ev;
		return 0;
	case REQUEST_LOCAL_FETCH:
		sbuf_init(&body);
		if (o->folder_fetch(w->backend, r->folder, r->uid, &body,
		    err) == -1) {
			sbuf_release(&body);
			return -1;
		}
		ev = worker_event(w, EVENT_BODY, r->serial);
		ev->uid = r->uid;
		ev->body = sbuf_detach(&body, &ev->body_len);
		r->answer = ev;
		return 0;
	case REQUEST_LOCAL_REMOVE:
		if (o->folder_remove(w->backend, r->folder, r->uid,
		    err) == -1)
			return -1;
		r->answer = worker_event(w, EVENT_STATUS, r->serial);
		r->answer->uid = r->uid;
		worker_local_changed(w, r->folder);
		return 0;
	default:
		break;
	}
	return error_set(err, ERROR_INPUT, "bad request");
}

static enum journal_kind
worker_journal_kind(enum request_kind k)
{
	return k == REQUEST_FLAGS ? JOURNAL_FLAGS : k == REQUEST_COPY ?
	    JOURNAL_COPY : JOURNAL_DELETE;
}

/* Keeps an operation made offline for the reconnect; 0 if kept. */
static int
worker_journal_request(struct worker *w, struct request *r)
{
	struct journal_op	 op;
	struct error		 err = { 0 };
	char			*path;

	if ((r->kind != REQUEST_FLAGS && r->kind != REQUEST_COPY &&
	    r->kind != REQUEST_DELETE) || w->folder == NULL || r->nuids == 0)
		return -1;
	if (w->journal == NULL) {
		path = journal_path(w->account->id);
		w->journal = journal_open(path, &err);
		free(path);
		if (w->journal == NULL) {
			worker_error(w, r->serial, &err);
			return -1;
		}
	}
	memset(&op, 0, sizeof op);
	op.kind = worker_journal_kind(r->kind);
	op.folder = w->folder;
	op.dest = r->folder;
	op.add = r->add;
	op.remove = r->remove;
	op.move = r->move;
	op.uids = r->uids;
	op.nuids = r->nuids;
	if (journal_add(w->journal, &op, &err) == -1) {
		worker_error(w, r->serial, &err);
		return -1;
	}
	log_info("account %s: offline, operation %llu kept for later",
	    w->account->id, (unsigned long long)op.seq);
	return 0;
}

static enum request_kind
worker_request_kind(enum journal_kind k)
{
	return k == JOURNAL_FLAGS ? REQUEST_FLAGS : k == JOURNAL_COPY ?
	    REQUEST_COPY : REQUEST_DELETE;
}

/*
 * Replays what was done offline, oldest first, each once: a "done" is
 * recorded right after the server accepted it. A lost connection stops
 * the replay (the rest waits); a refusal is reported and dropped.
 */
static int
worker_replay(struct worker *w, struct error *err)
{
	struct journal_op	*ops, *op;
	struct error		 e = { 0 };
	uint32_t		 exists;
	char			*path;
	size_t			 n;

	if (w->journal == NULL) {
		path = journal_path(w->account->id);
		w->journal = journal_open(path, &e);
		free(path);
		if (w->journal == NULL) {
			log_warn("account %s: %s", w->account->id, e.msg);
			return 0;
		}
	}
	while ((n = journal_pending(w->journal, &ops)) > 0) {
		op = &ops[0];
		error_clear(&e);
		w->selected = 0;	/* the folder of op, then ours again */
		if (w->ops->select(w->backend, op->folder, &exists, &e) == 0)
			(void)worker_op_do(w, worker_request_kind(op->kind),
			    op->folder, op->uids, op->nuids, op->add,
			    op->remove, op->dest, op->move, &e);
		if (e.kind == ERROR_NET || e.kind == ERROR_PROTO) {
			if (err != NULL)
				*err = e;
			return -1;
		}
		if (e.kind != ERROR_NONE)
			worker_error(w, 0, &e);
		else
			log_info("account %s: replayed operation %llu",
			    w->account->id, (unsigned long long)op->seq);
		if (journal_done(w->journal, op->seq, &e) == -1) {
			worker_error(w, 0, &e);
			break;
		}
	}
	return 0;
}

/* The connection is gone: the UI shows a banner while we retry. */
static void
worker_lost(struct worker *w, const struct error *why)
{
	struct event	*ev;
	time_t		 now = time(NULL);

	worker_disconnect(w);
	if (!w->online)
		return;
	if (!w->lost)
		w->backoff = 1;
	else
		w->backoff = w->backoff >= 30 ? 60 : w->backoff * 2;
	w->lost = 1;
	w->next_try = now + w->backoff;
	ev = worker_event(w, EVENT_OFFLINE, 0);
	ev->text = xasprintf(_("OFFLINE: %s; retrying in %d s (changes are "
	    "kept and sent later)"), why != NULL ? why->msg :
	    _("server unreachable"), w->backoff);
	chan_push(w->events, ev);
	log_info("account %s: offline, retrying in %d s", w->account->id,
	    w->backoff);
}

/* Back again: replays the queue, then resyncs the open folder. */
static void
worker_resume(struct worker *w)
{
	struct error	 err = { 0 };
	uint32_t	 exists;

	if (worker_replay(w, &err) == -1) {
		worker_lost(w, &err);
		return;
	}
	w->selected = 0;
	/*
	 * A folder shown but never synced in this session (started
	 * offline: from the cache only; or a fill the link cut) gets the
	 * resync its open could not make, then the watch like any other.
	 */
	if (w->folder == NULL || (!w->base_valid &&
	    (!w->base_record || w->ops->resync == NULL)))
		return;
	if (w->ops->resync != NULL) {
		/* The cache knows where it was: only the changes. */
		if (worker_resync_do(w, w->folder_serial, 1, !w->base_valid,
		    &err) == 0)
			return;
	} else if (w->ops->select(w->backend, w->folder, &exists, &err) ==
	    0) {
		w->selected = 1;
		if (worker_sync(w, &err) == 0)
			return;
	}
	if (err.kind == ERROR_NET || err.kind == ERROR_PROTO)
		worker_lost(w, &err);
	else
		worker_error(w, w->folder_serial, &err);
}

/* Waits for the next try (or a request), then tries. */
static void
worker_reconnect(struct worker *w)
{
	struct error	 err = { 0 };
	time_t		 now = time(NULL);

	if (now < w->next_try) {
		w->next = chan_wait(w->requests,
		    (int)(w->next_try - now) * 1000);
		if (w->next != NULL || chan_closed(w->requests))
			return;
	}
	if (atomic_load(&w->stopping))
		return;
	log_info("account %s: reconnecting", w->account->id);
	if (worker_connect(w, 0, &err) == -1) {
		worker_lost(w, &err);
		return;
	}
	w->lost = 0;
	w->backoff = 0;
	w->next_status = 1;	/* the counts changed meanwhile: due now */
	worker_resume(w);
}

/* Folder counts for the folder pane, every status-interval seconds. */
static void
worker_refresh_status(struct worker *w)
{
	struct event	*ev;
	struct error	 err = { 0 };

	w->next_status = time(NULL) + (w->account->status_interval > 0 ?
	    w->account->status_interval : 60);
	ev = worker_event(w, EVENT_FOLDERS, 0);
	if (w->ops->list_folders(w->backend, &ev->folders, &ev->nfolders,
	    &err) == -1) {
		event_free(ev);
		if (err.kind == ERROR_NET || err.kind == ERROR_PROTO)
			worker_lost(w, &err);
		return;
	}
	/* A refresh that finds no folder at all keeps the list shown. */
	if (ev->nfolders == 0) {
		log_warn("account %s: folder refresh found no folder",
		    w->account->id);
		event_free(ev);
		return;
	}
	chan_push(w->events, ev);
}

/*
 * Nothing to do: IDLE on the open folder (or NOOP every poll-interval
 * seconds) until the server says something or a request comes.
 */
static void
worker_watch(struct worker *w)
{
	const struct account	*a = w->account;
	struct error		 err = { 0 };
	time_t			 now = time(NULL);
	int			 idle, poll, r;

	if (w->next_status == 0)
		w->next_status = now + (a->status_interval > 0 ?
		    a->status_interval : 60);
	if (now >= w->next_status) {
		worker_refresh_status(w);
		return;
	}
	idle = 300;
	poll = a->poll_interval > 0 ? a->poll_interval : 3;
	if (w->next_status - now < idle)
		idle = (int)(w->next_status - now);
	if (idle < 1)
		idle = 1;
	if (poll > idle)
		poll = idle;
	r = w->ops->wait(w->backend, chan_fd(w->requests), a->imap_idle ?
	    idle : 0, poll, &err);
	if (r == 1)
		r = worker_sync(w, &err);
	if (r == -1) {
		if (err.kind == ERROR_NET || err.kind == ERROR_PROTO)
			worker_lost(w, &err);
		else
			worker_error(w, w->folder_serial, &err);
	}
}

static int
worker_can_watch(struct worker *w)
{
	return w->backend != NULL && w->selected && w->base_valid &&
	    w->ops->wait != NULL;
}

static int
worker_dispatch(struct worker *w, struct request *r, struct error *err)
{
	uint32_t	 exists;

	/* A body needs the folder selected again after a reconnect. */
	if (r->kind != REQUEST_LIST_FOLDERS && r->kind != REQUEST_OPEN_FOLDER &&
	    !w->selected && w->folder != NULL) {
		if (w->ops->select(w->backend, w->folder, &exists, err) == -1)
			return -1;
		w->selected = 1;
	}
	switch (r->kind) {
	case REQUEST_LIST_FOLDERS:
		return worker_list_folders_run(w, r, err);
	case REQUEST_OPEN_FOLDER:
		return worker_open_folder_run(w, r, err);
	case REQUEST_FETCH_BODY:
	case REQUEST_READ_BODY:
	case REQUEST_PREFETCH:
		return worker_fetch_body_run(w, r, err);
	case REQUEST_FETCH_PART:
		return worker_fetch_part_run(w, r, err);
	case REQUEST_CHECK_MAIL:
		return worker_check_mail_run(w, r, err);
	case REQUEST_CREATE_FOLDER:
	case REQUEST_RENAME_FOLDER:
	case REQUEST_DELETE_FOLDER:
	case REQUEST_SUBSCRIBE_FOLDER:
		return worker_folder_op_run(w, r, err);
	case REQUEST_FLAGS:
	case REQUEST_COPY:
	case REQUEST_DELETE:
	case REQUEST_EXPUNGE:
		return worker_op_run(w, r, err);
	case REQUEST_SEARCH_BODY:
		return worker_search_body_run(w, r, err);
	case REQUEST_APPEND:
	case REQUEST_LOCAL_LIST:
	case REQUEST_LOCAL_FETCH:
	case REQUEST_LOCAL_REMOVE:
		return worker_local_run(w, r, err);
	}
	return error_set(err, ERROR_INPUT, "bad request");
}

/*
 * An open cut short by a request for something else (a message, the
 * folder list) goes on once that is done: the resync fetches only what
 * the cache still lacks, and the index gets the rest.
 */
static void
worker_resume_later(struct worker *w, struct request *r)
{
	struct request	*again;

	if (r->kind != REQUEST_OPEN_FOLDER || w->ops->resync == NULL ||
	    w->next == NULL || w->next->kind == REQUEST_OPEN_FOLDER ||
	    atomic_load(&w->stopping))
		return;
	again = xcalloc(1, sizeof *again);
	again->kind = REQUEST_OPEN_FOLDER;
	again->serial = r->serial;
	again->folder = xstrdup(r->folder);
	again->cached = 1;
	again->resumed = 1;
	again->cache_tried = 1;
	again->base_begun = 1;
	request_free(w->resume);
	w->resume = again;
}

/*
 * Runs one request; a connection that turns out dead (NET or PROTO) is
 * reopened once and the request tried again.
 */
static void
worker_run(struct worker *w, struct request *r)
{
	struct error	 err = { 0 };
	int		 tries, was_connected, dropped = 0;

	/* An operation for the server, made offline, waits for it. */
	if (w->lost && worker_journal_request(w, r) == 0)
		return;
	/* A message in the body cache needs no server. */
	if ((r->kind == REQUEST_FETCH_BODY || r->kind == REQUEST_READ_BODY ||
	    r->kind == REQUEST_PREFETCH) && worker_body_cached(w, r))
		return;
	if (w->lost && (r->kind == REQUEST_FETCH_BODY ||
	    r->kind == REQUEST_READ_BODY || r->kind == REQUEST_FETCH_PART)) {
		error_set(&err, ERROR_NET, r->kind == REQUEST_FETCH_PART ?
		    _("offline: this part was not downloaded; it can be "
		    "fetched once the server is back") :
		    _("offline: this message is not in the body cache; it "
		    "can be read once the server is back"));
		worker_error(w, r->serial, &err);
		return;
	}
	if (r->kind == REQUEST_LIST_FOLDERS && w->backend == NULL)
		worker_list_cached(w, r);
	if (r->kind == REQUEST_OPEN_FOLDER && !r->resumed &&
	    !r->cache_tried) {
		worker_open_cached(w, r);
		if (w->next != NULL && w->next->kind == REQUEST_OPEN_FOLDER)
			return;		/* another folder was asked for */
	}
	for (tries = 0; tries < 2; tries++) {
		error_clear(&err);
		was_connected = w->backend != NULL;
		if (worker_connect(w, r->serial, &err) == -1)
			break;
		if (worker_dispatch(w, r, &err) == 0)
			return;
		if (err.kind == ERROR_CANCELLED) {
			worker_resume_later(w, r);
			return;
		}
		if (err.kind != ERROR_NET && err.kind != ERROR_PROTO)
			break;
		worker_disconnect(w);
		if (!was_connected || atomic_load(&w->stopping))
			break;
		dropped = 1;
		log_info("account %s: connection lost, reconnecting",
		    w->account->id);
	}
	/*
	 * Gone: the link, or a reconnect right after the link dropped (a
	 * cut link often fails the TLS handshake, not the TCP connect).
	 */
	if (w->online && (err.kind == ERROR_NET || (dropped &&
	    (err.kind == ERROR_TLS || err.kind == ERROR_PROTO)))) {
		/* Gone: keep the operation, show the banner, retry later. */
		worker_lost(w, &err);
		if (worker_journal_request(w, r) == 0)
			return;
	}
	if (err.kind == ERROR_NET || err.kind == ERROR_PROTO ||
	    err.kind == ERROR_TLS || err.kind == ERROR_AUTH)
		worker_disconnect(w);
	if (r->kind == REQUEST_PREFETCH) {
		/* Nobody asked: the message is fetched when it is opened. */
		log_info("account %s: prefetch of message %u: %s",
		    w->account->id, (unsigned)r->uid, err.msg);
		return;
	}
	if (r->reply != NULL) {
		log_warn("account %s: %s", w->account->id, err.msg);
		r->answer = worker_event(w, EVENT_ERROR, r->serial);
		r->answer->err = err;
		return;
	}
	worker_error(w, r->serial, &err);
}

/*
 * A prefetch just asked for is kept for when the worker is idle,
 * replacing an older one: 1. Another request from the UI drops the one
 * kept (its folder may be another now): 0, as for everything else.
 */
static int
worker_prefetch_later(struct worker *w, struct request *r)
{
	if (r->kind == REQUEST_PREFETCH && !r->kept) {
		r->kept = 1;
		request_free(w->prefetch);
		w->prefetch = r;
		return 1;
	}
	if (r->kind != REQUEST_PREFETCH && !r->resumed) {
		request_free(w->prefetch);
		w->prefetch = NULL;
	}
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	struct request	*r;

	while (!atomic_load(&w->stopping)) {
		if ((r = w->next) != NULL)
			w->next = NULL;
		else if ((r = chan_pop(w->requests)) == NULL &&
		    w->resume != NULL) {
			r = w->resume;	/* an open cut short goes on */
			w->resume = NULL;
		} else if (r == NULL && w->prefetch != NULL) {
			r = w->prefetch;	/* idle: the next message */
			w->prefetch = NULL;
			if (w->lost || w->backend == NULL || !w->selected) {
				request_free(r);
				continue;
			}
		} else if (r == NULL) {
			if (chan_closed(w->requests))
				break;
			if (w->lost)
				worker_reconnect(w);
			else if (worker_can_watch(w))
				worker_watch(w);
			else if ((w->next = chan_wait(w->requests, -1)) ==
			    NULL)
				break;
			continue;
		}
		/* A prefetch waits until there is nothing else to do. */
		if (worker_prefetch_later(w, r))
			continue;
		/*
		 * The folder list asked for before a folder: show that
		 * folder's cached index first, it needs no connection. At
		 * start the UI asks for both at once: not connected yet,
		 * wait the moment the second takes rather than connect.
		 */
		if (r->kind == REQUEST_LIST_FOLDERS && w->next == NULL &&
		    (w->next = w->backend == NULL ? chan_wait(w->requests,
		    WORKER_OPEN_WAIT_MS) : chan_pop(w->requests)) != NULL &&
		    w->next->kind == REQUEST_OPEN_FOLDER &&
		    !atomic_load(&w->stopping)) {
			worker_open_cached(w, w->next);
			/*
			 * Nothing cached: the folder's first screenful
			 * before the list, which the fill runs after it.
			 */
			if (!w->next->cached && w->ops->resync != NULL) {
				struct request	*open = w->next;

				w->next = r;
				r = open;
			}
		}
		if (!atomic_load(&w->stopping))
			worker_run(w, r);
		request_free(r);
	}
	request_free(w->resume);
	w->resume = NULL;
	request_free(w->prefetch);
	w->prefetch = NULL;
	worker_disconnect(w);
	free(w->folder);
	w->folder = NULL;
	worker_base_reset(w);
	journal_close(w->journal);
	w->journal = NULL;
	atomic_store(&w->done, 1);
	return NULL;
}

struct worker *
worker_start(const struct account *account, unsigned index,
    struct chan *events, struct error *err)
{
	struct worker	*w;
	pthread_attr_t	 attr;

	w = xcalloc(1, sizeof *w);
	w->account = account;
	w->index = index;
	w->ops = account->backend == BACKEND_POP3 ? &pop3_backend_ops :
	    &imap_backend_ops;
	w->events = events;
	w->requests = chan_new();
	w->watchdog = net_watchdog_new();
	atomic_init(&w->stopping, 0);
	atomic_init(&w->done, 0);
	/*
	 * libetpan's parsers recurse once per nesting level and a hostile
	 * server can send nesting they were not asked for (BODYSTRUCTURE):
	 * a large stack, only touched pages of which cost memory.
	 */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	errno = pthread_create(&w->thread, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (errno != 0) {
		error_set_errno(err, ERROR_SYS, "pthread_create");
		chan_free(w->requests, NULL);
		net_watchdog_free(w->watchdog);
		free(w);
		return NULL;
	}
	return w;
}

static void
worker_queue(struct worker *w, enum request_kind kind, uint64_t serial,
    const char *folder, uint32_t uid)
{
	struct request	*r;

	r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->serial = serial;
	r->folder = folder != NULL ? xstrdup(folder) : NULL;
	r->uid = uid;
	chan_push(w->requests, r);
}

void
worker_list_folders(struct worker *w, uint64_t serial)
{
	worker_queue(w, REQUEST_LIST_FOLDERS, serial, NULL, 0);
}

void
worker_open_folder(struct worker *w, const char *wire_name, uint64_t serial)
{
	worker_queue(w, REQUEST_OPEN_FOLDER, serial, wire_name, 0);
}

void
worker_fetch_body(struct worker *w, uint32_t uid, uint64_t serial)
{
	worker_queue(w, REQUEST_FETCH_BODY, serial, NULL, uid);
}

void
worker_read_body(struct worker *w, uint32_t uid, uint64_t serial)
{
	worker_queue(w, REQUEST_READ_BODY, serial, NULL, uid);
}

void
worker_prefetch_body(struct worker *w, uint32_t uid)
{
	worker_queue(w, REQUEST_PREFETCH, 0, NULL, uid);
}

void
worker_fetch_part(struct worker *w, uint32_t uid, const char *section,
    uint64_t serial)
{
	struct request	*r;

	r = xcalloc(1, sizeof *r);
	r->kind = REQUEST_FETCH_PART;
	r->serial = serial;
	r->uid = uid;
	r->name = xstrdup(section);
	chan_push(w->requests, r);
}

void
worker_check_mail(struct worker *w, uint64_t serial)
{
	struct request	*r;

	r = xcalloc(1, sizeof *r);
	r->kind = REQUEST_CHECK_MAIL;
	r->serial = serial;
	clock_gettime(CLOCK_MONOTONIC, &r->queued);
	chan_push(w->requests, r);
}

/* Queues a folder operation with its second name and flag. */
static void
worker_queue_folder(struct worker *w, enum request_kind kind,
    const char *wire_name, const char *name, int on, uint64_t serial)
{
	struct request	*r;

	r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->serial = serial;
	r->folder = wire_name != NULL ? xstrdup(wire_name) : NULL;
	r->name = name != NULL ? xstrdup(name) : NULL;
	r->on = on;
	chan_push(w->requests, r);
}

void
worker_create_folder(struct worker *w, const char *name, uint64_t serial)
{
	worker_queue_folder(w, REQUEST_CREATE_FOLDER, NULL, name, 0, serial);
}

void
worker_rename_folder(struct worker *w, const char *wire_name,
    const char *name, uint64_t serial)
{
	worker_queue_folder(w, REQUEST_RENAME_FOLDER, wire_name, name, 0,
	    serial);
}

void
worker_delete_folder(struct worker *w, const char *wire_name,
    uint64_t serial)
{
	worker_queue_folder(w, REQUEST_DELETE_FOLDER, wire_name, NULL, 0,
	    serial);
}

void
worker_subscribe_folder(struct worker *w, const char *wire_name,
    int subscribe, uint64_t serial)
{
	worker_queue_folder(w, REQUEST_SUBSCRIBE_FOLDER, wire_name, NULL,
	    subscribe, serial);
}

void
worker_stop(struct worker *w)
{
	struct timespec	 tick = { 0, 20 * 1000 * 1000 };
	int		 i;

	if (w == NULL)
		return;
	atomic_store(&w->stopping, 1);
	chan_close(w->requests);
	/*
	 * An idle worker logs out politely at once; a network call still
	 * blocking after a moment is cancelled rather than waited for.
	 */
	for (i = 0; i < WORKER_LOGOUT_WAIT_MS / 20 && !atomic_load(&w->done);
	    i++)
		nanosleep(&tick, NULL);
	net_watchdog_cancel(w->watchdog);
	pthread_join(w->thread, NULL);
	request_free(w->next);
	chan_free(w->requests, request_free);
	net_watchdog_free(w->watchdog);
	free(w);
}

static void
worker_queue_op(struct worker *w, enum request_kind kind,
    const uint32_t *uids, size_t n, uint32_t add, uint32_t remove,
    const char *dest, int move, uint64_t serial)
{
	struct request	*r;

	r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->serial = serial;
	r->folder = dest != NULL ? xstrdup(dest) : NULL;
	if (n > 0) {
		r->uids = xreallocarray(NULL, n, sizeof *r->uids);
		memcpy(r->uids, uids, n * sizeof *uids);
	}
	r->nuids = n;
	r->add = add;
	r->remove = remove;
	r->move = move;
	chan_push(w->requests, r);
}

void
worker_set_flags(struct worker *w, const uint32_t *uids, size_t n,
    uint32_t add, uint32_t remove, uint64_t serial)
{
	worker_queue_op(w, REQUEST_FLAGS, uids, n, add, remove, NULL, 0,
	    serial);
}

void
worker_copy(struct worker *w, const uint32_t *uids, size_t n,
    const char *dest, int move, uint64_t serial)
{
	worker_queue_op(w, REQUEST_COPY, uids, n, 0, 0, dest, move, serial);
}

void
worker_delete(struct worker *w, const uint32_t *uids, size_t n,
    uint64_t serial)
{
	worker_queue_op(w, REQUEST_DELETE, uids, n, 0, 0, NULL, 0, serial);
}

void
worker_expunge(struct worker *w, uint64_t serial)
{
	worker_queue_op(w, REQUEST_EXPUNGE, NULL, 0, 0, 0, NULL, 0, serial);
}

void
worker_search_body(struct worker *w, const char *wire_name,
    const char *const *texts, size_t n, uint64_t serial)
{
	struct request	*r;
	size_t		 i;

	r = xcalloc(1, sizeof *r);
	r->kind = REQUEST_SEARCH_BODY;
	r->serial = serial;
	r->folder = xstrdup(wire_name);
	r->texts = xcalloc(n > 0 ? n : 1, sizeof *r->texts);
	for (i = 0; i < n; i++)
		r->texts[i] = xstrdup(texts[i]);
	r->ntexts = n;
	chan_push(w->requests, r);
}

/* Queues a local folder request answered on reply. */
static void
worker_queue_local(struct worker *w, enum request_kind kind,
    const char *folder, uint32_t uid, struct chan *reply, uint64_t serial)
{
	struct request	*r;

	r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->serial = serial;
	r->folder = xstrdup(folder);
	r->uid = uid;
	r->reply = reply;
	chan_push(w->requests, r);
}

void
worker_append(struct worker *w, const char *folder, const char *msg,
    size_t len, uint32_t flags, struct chan *reply, uint64_t serial)
{
	struct request	*r;

	r = xcalloc(1, sizeof *r);
	r->kind = REQUEST_APPEND;
	r->serial = serial;
	r->folder = xstrdup(folder);
	r->msg = xmalloc(len > 0 ? len : 1);
	memcpy(r->msg, msg, len);
	r->len = len;
	r->add = flags;
	r->reply = reply;
	chan_push(w->requests, r);
}

void
worker_local_list(struct worker *w, const char *folder, struct chan *reply,
    uint64_t serial)
{
	worker_queue_local(w, REQUEST_LOCAL_LIST, folder, 0, reply, serial);
}

void
worker_local_fetch(struct worker *w, const char *folder, uint32_t uid,
    struct chan *reply, uint64_t serial)
{
	worker_queue_local(w, REQUEST_LOCAL_FETCH, folder, uid, reply, serial);
}

void
worker_local_remove(struct worker *w, const char *folder, uint32_t uid,
    struct chan *reply, uint64_t serial)
{
	worker_queue_local(w, REQUEST_LOCAL_REMOVE, folder, uid, reply,
	    serial);
}
