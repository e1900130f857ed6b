/* src/imap/sync.c: filling and resyncing the summary cache of a folder. */
#include "config.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "imap/internal.h"
#include "model/backend.h"
#include "net/net.h"

#define SYNC_FIRST_CHUNK	80	/* the first screenful (a tall terminal) */
#define SYNC_CHUNK		1000	/* summaries per FETCH after that, */
#define SYNC_MAX_CHUNK		1000	/* no more: libetpan holds a whole FETCH */
#define SYNC_LOAD_CHUNK		5000	/* cached summaries per event (few in flight) */
#define SYNC_SUMMARY_BYTES	4096	/* FETCH response, one summary */
#define SYNC_FLAGS_BYTES	64	/* FETCH response, UID and FLAGS */
#define SYNC_FLAGS_CHUNK	20000	/* UIDs per FETCH of the flags */
#define SYNC_MAX_MESSAGES	10000000 /* in a folder we load */

enum sync_mode {
	SYNC_BY_SEQ,		/* summaries of sequence numbers lo..hi */
	SYNC_BY_UIDS,		/* summaries of the UIDs in want */
	SYNC_ABOVE,		/* summaries of UIDs above lo */
	SYNC_FLAGS,		/* UID and FLAGS of anything */
	SYNC_SIZES,		/* UID and RFC822.SIZE of anything */
};

/* What the msg_att handler keeps of one FETCH command. */
struct sync_collect {
	enum sync_mode	 mode;
	uint32_t	 lo;
	uint32_t	 hi;
	const uint32_t	*want;		/* ascending */
	size_t		 nwant;
	struct summary	*v;
	int64_t		*internal;
	size_t		 n;
	size_t		 alloc;
};

/* What one resync found, for the log and --sync. */
struct sync_run {
	struct backend			*b;
	struct imapc_cache		*cache;
	const char			*name;
	const struct backend_sync	*sink;
	uint32_t			 exists;
	uint32_t			 added;
	uint32_t			 changed;
	uint32_t			 vanished;
};

static int	sync_sizes(struct sync_run *, struct error *);

static double
sync_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static int
sync_uid_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A summary and its INTERNALDATE, sorted highest UID first. */
struct sync_pair {
	struct summary	 s;
	int64_t		 t;
};

static int
sync_pair_cmp(const void *a, const void *b)
{
	const struct sync_pair	*x = a, *y = b;

	return x->s.uid > y->s.uid ? -1 : x->s.uid < y->s.uid;
}

/*
 * The UID, the RFC822.SIZE (SUMMARY_SIZE_UNKNOWN: none), whether a
 * summary's header fields (or an ENVELOPE) came, and the INTERNALDATE of
 * a FETCH.
 */
static void
sync_att_scan(const struct mailimap_msg_att *att, uint32_t *uidp,
    uint32_t *sizep, int *envp, int64_t *internalp)
{
	struct mailimap_msg_att_item	*item;
	struct mailimap_msg_att_static	*st;
	clistiter			*it;
	time_t				 t;

	*uidp = 0;
	*sizep = SUMMARY_SIZE_UNKNOWN;
	*envp = 0;
	*internalp = 0;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item == NULL || item->att_type !=
		    MAILIMAP_MSG_ATT_ITEM_STATIC ||
		    (st = item->att_data.att_static) == NULL)
			continue;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			*uidp = st->att_data.att_uid;
		else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
			*sizep = st->att_data.att_rfc822_size;
		else if (st->att_type == MAILIMAP_MSG_ATT_ENVELOPE ||
		    st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION)
			*envp = 1;
		else if (st->att_type == MAILIMAP_MSG_ATT_INTERNALDATE &&
		    imapc_time_from_imap(st->att_data.att_internal_date,
		    &t) == 0)
			*internalp = t;
	}
}

static uint32_t
sync_att_flags(const struct mailimap_msg_att *att, int *hasp)
{
	struct mailimap_msg_att_item	*item;
	clistiter			*it;
	uint32_t			 flags = 0;

	*hasp = 0;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item != NULL && item->att_type ==
		    MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			flags |= imapc_flags_from_fetch(item->att_data.att_dyn);
			*hasp = 1;
		}
	}
	return flags;
}

static struct summary *
sync_collect_slot(struct sync_collect *c)
{
	if (c->n == c->alloc) {
		c->alloc = c->alloc > 0 ? c->alloc * 2 : 256;
		c->v = xreallocarray(c->v, c->alloc, sizeof *c->v);
		c->internal = xreallocarray(c->internal, c->alloc,
		    sizeof *c->internal);
	}
	memset(&c->v[c->n], 0, sizeof c->v[c->n]);
	c->internal[c->n] = 0;
	return &c->v[c->n];
}

/* Called by libetpan for each FETCH response as it is parsed. */
static void
sync_take(struct mailimap_msg_att *att, void *arg)
{
	struct sync_collect	*c = arg;
	struct summary		*s;
	uint32_t		 uid, flags, size;
	int64_t			 internal;
	int			 env, has;

	if (att == NULL || att->att_list == NULL)
		return;
	sync_att_scan(att, &uid, &size, &env, &internal);
	if (uid == 0)
		return;
	if (c->mode == SYNC_FLAGS || c->mode == SYNC_SIZES) {
		flags = sync_att_flags(att, &has);
		if (c->mode == SYNC_FLAGS ? !has : size == SUMMARY_SIZE_UNKNOWN)
			return;
		s = sync_collect_slot(c);
		s->uid = uid;
		s->flags = flags;
		s->size = size;
		c->n++;
		return;
	}
	if (!env)
		return;		/* an unsolicited FETCH of flags */
	switch (c->mode) {
	case SYNC_BY_SEQ:
		if (att->att_number < c->lo || att->att_number > c->hi)
			return;
		break;
	case SYNC_BY_UIDS:
		if (bsearch(&uid, c->want, c->nwant, sizeof *c->want,
		    sync_uid_cmp) == NULL)
			return;
		break;
	case SYNC_ABOVE:
		if (uid <= c->lo)
			return;
		break;
	default:
		return;
	}
	s = sync_collect_slot(c);
	if (imapc_summary_from_att(att, s) == 0) {
		summary_pack(s);
		c->internal[c->n++] = internal;
	}
}

/* Sorts c's summaries highest UID first and drops repeated UIDs. */
static void
sync_collect_sort(struct sync_collect *c)
{
	struct sync_pair	*tmp;
	size_t			 i, j;

	if (c->n == 0)
		return;
	/* Each internal date travels with its summary. */
	tmp = xreallocarray(NULL, c->n, sizeof *tmp);
	for (i = 0; i < c->n; i++) {
		tmp[i].s = c->v[i];
		tmp[i].t = c->internal[i];
	}
	qsort(tmp, c->n, sizeof *tmp, sync_pair_cmp);
	for (i = j = 0; i < c->n; i++) {
		if (j > 0 && tmp[i].s.uid == c->v[j - 1].uid) {
			summary_clear(&tmp[i].s);
			continue;
		}
		c->v[j] = tmp[i].s;
		c->internal[j++] = tmp[i].t;
	}
	c->n = j;
	free(tmp);
}

static void
sync_collect_release(struct sync_collect *c)
{
	imapc_summaries_release(c->v, c->n);
	free(c->v);
	free(c->internal);
	memset(c, 0, sizeof *c);
}

/*
 * Runs one FETCH (uid: UID FETCH; changedsince > 0: CHANGEDSINCE, with
 * VANISHED into *vanishedp when that is not NULL) with the handler on.
 */
static int
sync_fetch(struct sync_run *run, struct mailimap_set *set,
    struct mailimap_fetch_type *ft, int uid, uint64_t changedsince,
    struct mailimap_qresync_vanished **vanishedp, struct sync_collect *c,
    size_t bytes, struct error *err)
{
	mailimap	*imap = imapc_session(run->b);
	struct error	 e = { 0 };
	clist		*res = NULL;
	int		 r;

	mailimap_set_progress_callback(imap, NULL, imapc_items_progress, NULL);
	mailimap_set_msg_att_handler(imap, sync_take, c);
	imapc_arm(run->b, imapc_deadline(run->b, bytes));
	if (vanishedp != NULL)
		r = mailimap_uid_fetch_qresync(imap, set, ft, changedsince,
		    &res, vanishedp);
	else if (changedsince > 0)
		r = mailimap_uid_fetch_changedsince(imap, set, ft,
		    changedsince, &res);
	else if (uid)
		r = mailimap_uid_fetch(imap, set, ft, &res);
	else
		r = mailimap_fetch(imap, set, ft, &res);
	mailimap_set_msg_att_handler(imap, NULL, NULL);
	mailimap_set_progress_callback(imap, NULL, NULL, NULL);
	if (res != NULL)
		mailimap_fetch_list_free(res);
	if (imapc_done(run->b, r, "FETCH", &e) == -1) {
		/* A NO for some messages still gave us the others. */
		if (e.kind != ERROR_SERVER || c->n == 0) {
			if (err != NULL)
				*err = e;
			return -1;
		}
		log_warn("%s: %s", imapc_host(run->b), e.msg);
	}
	return 0;
}

/* UID and FLAGS, or UID and RFC822.SIZE (sizes). */
static struct mailimap_fetch_type *
sync_flags_fetch_type(int sizes)
{
	struct mailimap_fetch_type	*ft;

	ft = imapc_need(mailimap_fetch_type_new_fetch_att_list_empty());
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(mailimap_fetch_att_new_uid())) != 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    imapc_need(sizes ? mailimap_fetch_att_new_rfc822_size() :
	    mailimap_fetch_att_new_flags())) != 0)
		imapc_need(NULL);
	return ft;
}

/* Stores a chunk in one transaction, then hands it to sink->added. */
static int
sync_deliver(struct sync_run *run, struct sync_collect *c, uint32_t total,
    struct error *err)
{
	if (c->n == 0)
		return 0;
	if (imapc_cache_begin(run->cache, err) == -1)
		return -1;
	if (imapc_cache_put(run->cache, run->name, c->v, c->internal, c->n,
	    err) == -1) {
		imapc_cache_rollback(run->cache);
		return -1;
	}
	if (imapc_cache_commit(run->cache, err) == -1)
		return -1;
	run->added += (uint32_t)c->n;
	if (run->sink != NULL && run->sink->added != NULL &&
	    run->sink->added(c->v, c->n, run->added, total,
	    run->sink->arg) == -1)
		return error_set(err, ERROR_CANCELLED, _("cancelled"));
	return 0;
}

/*
 * A chunk written to the cache on a thread of its own while the next
 * FETCH runs: the cache is the writer's alone until it is joined.
 */
struct sync_writer {
	pthread_t		 thread;
	struct sync_run		*run;
	struct sync_collect	*c;
	struct error		 err;
	int			 ret;
	int			 running;
};

static void *
sync_writer_main(void *arg)
{
	struct sync_writer	*wr = arg;
	struct sync_run		*run = wr->run;

	wr->ret = -1;
	if (imapc_cache_begin(run->cache, &wr->err) == -1)
		return NULL;
	if (imapc_cache_put(run->cache, run->name, wr->c->v, wr->c->internal,
	    wr->c->n, &wr->err) == -1) {
		imapc_cache_rollback(run->cache);
		return NULL;
	}
	if (imapc_cache_commit(run->cache, &wr->err) == -1)
		return NULL;
	wr->ret = 0;
	return NULL;
}

/* Starts writing c; written at once (0 or -1) if no thread can start. */
static int
sync_writer_start(struct sync_writer *wr, struct sync_run *run,
    struct sync_collect *c)
{
	memset(wr, 0, sizeof *wr);
	wr->run = run;
	wr->c = c;
	if (pthread_create(&wr->thread, NULL, sync_writer_main, wr) == 0) {
		wr->running = 1;
		return 0;
	}
	sync_writer_main(wr);
	return wr->ret;
}

/*
 * Waits for the chunk being written, then shows it (sink->added), so
 * that what the view has is in the cache. -1 and err if either failed.
 */
static int
sync_writer_finish(struct sync_writer *wr, uint32_t total, struct error *err)
{
	struct sync_run		*run = wr->run;
	struct sync_collect	*c = wr->c;
	int			 ret;

	if (c == NULL)
		return 0;
	if (wr->running)
		pthread_join(wr->thread, NULL);
	wr->running = 0;
	wr->c = NULL;
	if (wr->ret == -1) {
		if (err != NULL)
			*err = wr->err;
		ret = -1;
	} else {
		run->added += (uint32_t)c->n;
		ret = run->sink != NULL && run->sink->added != NULL &&
		    run->sink->added(c->v, c->n, run->added, total,
		    run->sink->arg) == -1 ? error_set(err, ERROR_CANCELLED,
		    _("cancelled")) : 0;
	}
	imapc_summaries_release(c->v, c->n);
	c->n = 0;
	return ret;
}

/*
 * A cold fill by sequence numbers, newest first. The first chunk (a
 * screenful) is stored and shown at once; after it, each chunk is
 * written to the cache while the next one is fetched, and shown once
 * written.
 */
static int
sync_fill(struct sync_run *run, struct error *err)
{
	struct mailimap_fetch_type	*ft, *ft_first;
	struct mailimap_set		*set;
	struct sync_collect		 buf[2], *c, *prev = NULL;
	struct sync_writer		 wr;
	struct timespec			 t0, t1;
	struct error			 e;
	uint32_t			 hi, lo, want = SYNC_FIRST_CHUNK;
	int				 ret = 0, k = 0, later;

	memset(buf, 0, sizeof buf);
	memset(&wr, 0, sizeof wr);
	ft = imapc_summary_fetch_type(1);
	/* More to come after the first screenful: its sizes follow it. */
	later = run->exists > SYNC_FIRST_CHUNK;
	ft_first = later ? imapc_summary_fetch_type(0) : ft;
	for (hi = run->exists; hi > 0 && ret == 0; hi = lo - 1) {
		c = &buf[k];
		k = !k;
		c->mode = SYNC_BY_SEQ;
		c->hi = hi;
		c->lo = lo = hi > want ? hi - want + 1 : 1;
		want = want < SYNC_CHUNK ? SYNC_CHUNK : want * 2 > SYNC_MAX_CHUNK ?
		    SYNC_MAX_CHUNK : want * 2;
		set = imapc_need(mailimap_set_new_interval(c->lo, c->hi));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ret = sync_fetch(run, set, prev == NULL ? ft_first : ft, 0, 0,
		    NULL, c, (size_t)(c->hi - c->lo + 1) * SYNC_SUMMARY_BYTES,
		    err);
		mailimap_set_free(set);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_debug("%s: summaries %u-%u: %zu (fetch %.0f ms%s)",
		    imapc_host(run->b), (unsigned)c->lo, (unsigned)c->hi, c->n,
		    sync_ms(&t0, &t1), prev == NULL && later ?
		    ", sizes after" : "");
		/* The chunk before is in the cache whatever this one did. */
		memset(&e, 0, sizeof e);
		if (sync_writer_finish(&wr, run->exists, &e) == -1 &&
		    ret == 0) {
			ret = -1;
			if (err != NULL)
				*err = e;
		}
		if (ret == -1) {
			imapc_summaries_release(c->v, c->n);
			c->n = 0;
			break;
		}
		sync_collect_sort(c);
		if (prev == NULL) {
			/* The first screenful: stored and shown now. */
			ret = sync_deliver(run, c, run->exists, err);
			imapc_summaries_release(c->v, c->n);
			c->n = 0;
			prev = c;
			if (ret == 0 && later)
				ret = sync_sizes(run, err);
		} else
			ret = sync_writer_start(&wr, run, c);
	}
	memset(&e, 0, sizeof e);
	if (sync_writer_finish(&wr, run->exists, &e) == -1 && ret == 0) {
		ret = -1;
		if (err != NULL)
			*err = e;
	}
	sync_collect_release(&buf[0]);
	sync_collect_release(&buf[1]);
	if (ft_first != ft)
		mailimap_fetch_type_free(ft_first);
	mailimap_fetch_type_free(ft);
	return ret;
}

/* The UID set of v (ascending), runs as ranges. */
static struct mailimap_set *
sync_uid_set(const uint32_t *v, size_t n)
{
	struct mailimap_set	*set;
	size_t			 i;
	uint32_t		 first;

	set = imapc_need(mailimap_set_new_empty());
	for (i = 0; i < n; i++) {
		first = v[i];
		while (i + 1 < n && v[i + 1] == v[i] + 1)
			i++;
		if (mailimap_set_add_interval(set, first, v[i]) != 0)
			imapc_need(NULL);
	}
	return set;
}

/*
 * The RFC822.SIZE of cached summaries stored without it (at most
 * SYNC_FLAGS_CHUNK a time): a fill's first screenful comes without its
 * sizes, since the first size of a session can cost the server far more
 * than the rest of that FETCH (Dovecot's Maildir reads its UID list:
 * 120 ms at 100,000 messages, where the screenful takes 6 ms). Asked
 * right after that screenful is shown, or at the next resync if the
 * connection went first.
 */
static int
sync_sizes(struct sync_run *run, struct error *err)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct sync_collect		 c;
	uint32_t			*uids;
	size_t				 n;
	int				 ret;

	if (imapc_cache_unsized(run->cache, run->name, &uids, &n, err) == -1)
		return -1;
	if (n == 0) {
		free(uids);
		return 0;
	}
	if (n > SYNC_FLAGS_CHUNK)
		n = SYNC_FLAGS_CHUNK;
	memset(&c, 0, sizeof c);
	c.mode = SYNC_SIZES;
	ft = sync_flags_fetch_type(1);
	set = sync_uid_set(uids, n);
	ret = sync_fetch(run, set, ft, 1, 0, NULL, &c, n * SYNC_FLAGS_BYTES,
	    err);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	free(uids);
	if (ret == 0 && c.n > 0) {
		sync_collect_sort(&c);
		if (imapc_cache_begin(run->cache, err) == -1)
			ret = -1;
		else if (imapc_cache_set_sizes(run->cache, run->name, c.v,
		    c.n, err) == -1) {
			imapc_cache_rollback(run->cache);
			ret = -1;
		} else if (imapc_cache_commit(run->cache, err) == -1)
			ret = -1;
		else if (run->sink != NULL && run->sink->sizes != NULL &&
		    run->sink->sizes(c.v, c.n, (uint32_t)c.n, (uint32_t)c.n,
		    run->sink->arg) == -1)
			ret = error_set(err, ERROR_CANCELLED, _("cancelled"));
	}
	log_debug("%s: %s: sizes of %zu summaries: %zu", imapc_host(run->b),
	    run->name, n, c.n);
	sync_collect_release(&c);
	return ret;
}

/* Fetches the summaries of the UIDs in v (ascending), highest first. */
static int
sync_fetch_uids(struct sync_run *run, const uint32_t *v, size_t n,
    struct error *err)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct sync_collect		 c;
	size_t				 hi, lo, want = SYNC_FIRST_CHUNK;
	int				 ret = 0;

	memset(&c, 0, sizeof c);
	ft = imapc_summary_fetch_type(1);
	for (hi = n; hi > 0 && ret == 0; hi = lo) {
		lo = hi > want ? hi - want : 0;
		want = want < SYNC_CHUNK ? SYNC_CHUNK : want * 2 > SYNC_MAX_CHUNK ?
		    SYNC_MAX_CHUNK : want * 2;
		set = sync_uid_set(v + lo, hi - lo);
		c.mode = SYNC_BY_UIDS;
		c.want = v + lo;
		c.nwant = hi - lo;
		ret = sync_fetch(run, set, ft, 1, 0, NULL, &c,
		    (hi - lo) * SYNC_SUMMARY_BYTES, err);
		mailimap_set_free(set);
		if (ret == 0) {
			sync_collect_sort(&c);
			ret = sync_deliver(run, &c, (uint32_t)n, err);
		}
		imapc_summaries_release(c.v, c.n);
		c.n = 0;
	}
	sync_collect_release(&c);
	mailimap_fetch_type_free(ft);
	return ret;
}

/* Fetches the summaries of every UID above maxuid, in chunks. */
static int
sync_fetch_new(struct sync_run *run, uint32_t maxuid, struct error *err)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct sync_collect		 c;
	int				 ret;

	memset(&c, 0, sizeof c);
	c.mode = SYNC_ABOVE;
	c.lo = maxuid;
	ft = imapc_summary_fetch_type(1);
	set = imapc_need(mailimap_set_new_interval(maxuid + 1, 0));
	ret = sync_fetch(run, set, ft, 1, 0, NULL, &c,
	    (size_t)SYNC_CHUNK * SYNC_SUMMARY_BYTES, err);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (ret == 0) {
		sync_collect_sort(&c);
		ret = sync_deliver(run, &c, (uint32_t)c.n, err);
	}
	sync_collect_release(&c);
	return ret;
}

/* Applies new flags (uid + flags summaries) to the cache and the view. */
static int
sync_apply_flags(struct sync_run *run, struct summary *v, size_t n,
    struct error *err)
{
	if (n == 0)
		return 0;
	if (imapc_cache_begin(run->cache, err) == -1)
		return -1;
	if (imapc_cache_set_flags(run->cache, run->name, v, n, err) == -1) {
		imapc_cache_rollback(run->cache);
		return -1;
	}
	if (imapc_cache_commit(run->cache, err) == -1)
		return -1;
	run->changed += (uint32_t)n;
	if (run->sink != NULL && run->sink->flags != NULL &&
	    run->sink->flags(v, n, (uint32_t)n, (uint32_t)n,
	    run->sink->arg) == -1)
		return error_set(err, ERROR_CANCELLED, _("cancelled"));
	return 0;
}

static int
sync_apply_vanished(struct sync_run *run, const uint32_t *v, size_t n,
    struct error *err)
{
	if (n == 0)
		return 0;
	if (imapc_cache_begin(run->cache, err) == -1)
		return -1;
	if (imapc_cache_remove(run->cache, run->name, v, n, err) == -1) {
		imapc_cache_rollback(run->cache);
		return -1;
	}
	if (imapc_cache_commit(run->cache, err) == -1)
		return -1;
	run->vanished += (uint32_t)n;
	if (run->sink != NULL && run->sink->vanished != NULL &&
	    run->sink->vanished(v, n, run->sink->arg) == -1)
		return error_set(err, ERROR_CANCELLED, _("cancelled"));
	return 0;
}

/*
 * The full comparison: UID FETCH 1:* (UID FLAGS) against the cache.
 * Changed flags, messages gone and messages missing from the cache (new
 * ones, or the rest of an interrupted fill) are all handled here.
 */
static int
sync_compare(struct sync_run *run, struct error *err)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct sync_collect		 c;
	struct summary			*changed;
	uint32_t			*uids, *flags, *gone, *missing;
	size_t				 n, i, j, nchanged = 0, ngone = 0;
	size_t				 nmissing = 0;
	struct mailimap_selection_info	*si;
	uint32_t			 uidnext, lo;
	int				 ret, last;

	memset(&c, 0, sizeof c);
	c.mode = SYNC_FLAGS;
	ft = sync_flags_fetch_type(0);
	/*
	 * By UID ranges, the last one open: libetpan holds a whole response.
	 * A message expunged meanwhile is not reported (gone); one that
	 * arrives is in the last range.
	 */
	si = imapc_session(run->b)->imap_selection_info;
	uidnext = si != NULL ? si->sel_uidnext : 0;
	for (ret = 0, lo = 1; ret == 0; lo += SYNC_FLAGS_CHUNK) {
		set = imapc_uid_range(lo, uidnext, SYNC_FLAGS_CHUNK, &last);
		ret = sync_fetch(run, set, ft, 1, 0, NULL, &c,
		    (size_t)(run->exists < SYNC_FLAGS_CHUNK ? run->exists :
		    SYNC_FLAGS_CHUNK) * SYNC_FLAGS_BYTES, err);
		mailimap_set_free(set);
		if (last)
			break;
	}
	mailimap_fetch_type_free(ft);
	if (ret == -1) {
		sync_collect_release(&c);
		return -1;
	}
	if (imapc_cache_uids(run->cache, run->name, &uids, &flags, &n,
	    err) == -1) {
		sync_collect_release(&c);
		return -1;
	}
	/* The server's list ascending, without repeats (last one wins). */
	sync_collect_sort(&c);
	changed = xcalloc(c.n + 1, sizeof *changed);
	gone = xcalloc(n + 1, sizeof *gone);
	missing = xcalloc(c.n + 1, sizeof *missing);
	i = 0;			/* cache, ascending */
	j = c.n;		/* server, from the end: ascending */
	while (i < n || j > 0) {
		if (j == 0 || (i < n && uids[i] < c.v[j - 1].uid)) {
			gone[ngone++] = uids[i++];
		} else if (i == n || c.v[j - 1].uid < uids[i]) {
			missing[nmissing++] = c.v[--j].uid;
		} else {
			if ((flags[i] & ~SUMMARY_ATTACHMENT) !=
			    (c.v[j - 1].flags & ~SUMMARY_ATTACHMENT)) {
				changed[nchanged].uid = uids[i];
				changed[nchanged++].flags =
				    c.v[j - 1].flags |
				    (flags[i] & SUMMARY_ATTACHMENT);
			}
			i++;
			j--;
		}
	}
	log_info("%s: %s: compared %zu cached with %zu on the server: "
	    "%zu changed, %zu gone, %zu missing", imapc_host(run->b),
	    run->name, n, c.n, nchanged, ngone, nmissing);
	ret = sync_apply_vanished(run, gone, ngone, err);
	if (ret == 0)
		ret = sync_apply_flags(run, changed, nchanged, err);
	if (ret == 0)
		ret = sync_fetch_uids(run, missing, nmissing, err);
	free(changed);
	free(gone);
	free(missing);
	free(uids);
	free(flags);
	sync_collect_release(&c);
	return ret;
}

/* 1 if uid lies in the set (items sorted by first, made ascending). */
static int
sync_in_set(const struct mailimap_set_item *v, size_t n, uint32_t uid)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (uid < v[mid].set_first)
			hi = mid;
		else if (uid > v[mid].set_last)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int
sync_item_cmp(const void *a, const void *b)
{
	const struct mailimap_set_item	*x = a, *y = b;

	return x->set_first < y->set_first ? -1 :
	    x->set_first > y->set_first;
}

/* The cached UIDs inside a VANISHED set, reported and dropped. */
static int
sync_vanished_set(struct sync_run *run, struct mailimap_set *set,
    struct error *err)
{
	struct mailimap_set_item	*items, *it;
	clistiter			*ci;
	uint32_t			*uids, *flags, *gone, t;
	size_t				 n, ni = 0, i, ngone = 0;
	int				 ret;

	if (set == NULL || set->set_list == NULL ||
	    clist_count(set->set_list) == 0)
		return 0;
	items = xcalloc((size_t)clist_count(set->set_list), sizeof *items);
	for (ci = clist_begin(set->set_list); ci != NULL;
	    ci = clist_next(ci)) {
		it = clist_content(ci);
		items[ni] = *it;
		if (items[ni].set_last == 0)	/* "*" */
			items[ni].set_last = UINT32_MAX;
		if (items[ni].set_first == 0)
			items[ni].set_first = UINT32_MAX;
		if (items[ni].set_first > items[ni].set_last) {
			t = items[ni].set_first;
			items[ni].set_first = items[ni].set_last;
			items[ni].set_last = t;
		}
		ni++;
	}
	qsort(items, ni, sizeof *items, sync_item_cmp);
	/* Merge overlapping ranges so that a binary search finds them. */
	for (i = 0, t = 0; i < ni; i++) {
		if (t > 0 && items[i].set_first <= items[t - 1].set_last) {
			if (items[i].set_last > items[t - 1].set_last)
				items[t - 1].set_last = items[i].set_last;
			continue;
		}
		items[t++] = items[i];
	}
	ni = t;
	if (imapc_cache_uids(run->cache, run->name, &uids, &flags, &n,
	    err) == -1) {
		free(items);
		return -1;
	}
	gone = xcalloc(n + 1, sizeof *gone);
	for (i = 0; i < n; i++) {
		if (sync_in_set(items, ni, uids[i]))
			gone[ngone++] = uids[i];
	}
	ret = sync_apply_vanished(run, gone, ngone, err);
	free(gone);
	free(uids);
	free(flags);
	free(items);
	return ret;
}

/* CHANGEDSINCE (with VANISHED under QRESYNC) from a complete cache. */
static int
sync_changes(struct sync_run *run, const struct imapc_cache_folder *f,
    int qresync, struct error *err)
{
	struct mailimap_fetch_type		*ft;
	struct mailimap_set			*set;
	struct mailimap_qresync_vanished	*van = NULL;
	struct sync_collect			 c;
	size_t					 i, j;
	int					 ret;

	memset(&c, 0, sizeof c);
	c.mode = SYNC_FLAGS;
	ft = sync_flags_fetch_type(0);
	set = imapc_need(mailimap_set_new_interval(1, f->maxuid));
	ret = sync_fetch(run, set, ft, 1, f->highestmodseq,
	    qresync ? &van : NULL, &c,
	    (size_t)run->exists * SYNC_FLAGS_BYTES / 8, err);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (ret == 0) {
		sync_collect_sort(&c);
		/* Only messages the cache holds; new ones come whole. */
		for (i = j = 0; i < c.n; i++) {
			if (c.v[i].uid <= f->maxuid)
				c.v[j++] = c.v[i];
		}
		ret = sync_apply_flags(run, c.v, j, err);
	}
	if (ret == 0 && van != NULL)
		ret = sync_vanished_set(run, van->qr_known_uids, err);
	if (van != NULL)
		mailimap_qresync_vanished_free(van);
	sync_collect_release(&c);
	return ret;
}

/* ENABLE QRESYNC once per session; 1 if it is on. */
static int
sync_enable_qresync(struct sync_run *run, struct error *err)
{
	mailimap				*imap = imapc_session(run->b);
	struct mailimap_capability_data		*caps, *res = NULL;
	struct error				 e = { 0 };
	clist					*list;
	int					 r;

	if (imapc_qresync(run->b) != 0)
		return imapc_qresync(run->b) == 1;
	imapc_set_qresync(run->b, -1);
	/* ENABLE belongs to the authenticated state (RFC 5161). */
	if (!mailimap_has_qresync(imap) || !mailimap_has_enable(imap) ||
	    imap->imap_state == MAILIMAP_STATE_SELECTED)
		return 0;
	list = imapc_need(clist_new());
	if (clist_append(list, imapc_need(mailimap_capability_new(
	    MAILIMAP_CAPABILITY_NAME, NULL, imapc_need(strdup("QRESYNC"))))) !=
	    0)
		imapc_need(NULL);
	caps = imapc_need(mailimap_capability_data_new(list));
	imapc_arm(run->b, imapc_deadline(run->b, 0));
	r = mailimap_enable(imap, caps, &res);
	mailimap_capability_data_free(caps);
	if (res != NULL)
		mailimap_capability_data_free(res);
	if (imapc_done(run->b, r, "ENABLE", &e) == -1) {
		if (e.kind == ERROR_SERVER)
			return 0;
		if (err != NULL)
			*err = e;
		return -1;
	}
	imapc_set_qresync(run->b, 1);
	return 1;
}

/* EXAMINE (SELECT if asked for), with CONDSTORE when the server has it. */
static int
sync_select(struct sync_run *run, int condstore, uint64_t *modseqp,
    uint32_t *uidvalidityp, uint32_t *uidnextp, struct error *err)
{
	mailimap			*imap = imapc_session(run->b);
	struct mailimap_selection_info	*si;
	int				 r;

	*modseqp = 0;
	if (net_check_wire_string(_("folder name"), run->name, err) == -1)
		return -1;
	imapc_arm(run->b, imapc_deadline(run->b, 0));
	if (imapc_read_write(run->b))
		r = condstore ? mailimap_select_condstore(imap, run->name,
		    modseqp) : mailimap_select(imap, run->name);
	else
		r = condstore ? mailimap_examine_condstore(imap, run->name,
		    modseqp) : mailimap_examine(imap, run->name);
	if (imapc_done(run->b, r, imapc_read_write(run->b) ? "SELECT" :
	    "EXAMINE", err) == -1)
		return -1;
	if ((si = imap->imap_selection_info) == NULL)
		return error_set(err, ERROR_PROTO,
		    _("%s: no folder state after EXAMINE"),
		    imapc_host(run->b));
	if (si->sel_exists > SYNC_MAX_MESSAGES)
		return error_set(err, ERROR_SERVER,
		    _("%s: folder has too many messages (%u)"),
		    imapc_host(run->b), (unsigned)si->sel_exists);
	run->exists = si->sel_exists;
	*uidvalidityp = si->sel_uidvalidity;
	*uidnextp = si->sel_uidnext;
	imapc_set_selected(run->b, si->sel_exists, si->sel_uidvalidity);
	return 0;
}

/* The cache was of another UIDVALIDITY: everything in it is gone. */
static int
sync_drop(struct sync_run *run, struct error *err)
{
	uint32_t	*uids, *flags;
	size_t		 n;
	int		 ret;

	if (imapc_cache_uids(run->cache, run->name, &uids, &flags, &n,
	    err) == -1)
		return -1;
	ret = imapc_cache_folder_drop(run->cache, run->name, err);
	if (ret == 0 && n > 0 && run->sink != NULL &&
	    run->sink->vanished != NULL &&
	    run->sink->vanished(uids, n, run->sink->arg) == -1)
		ret = error_set(err, ERROR_CANCELLED, _("cancelled"));
	free(uids);
	free(flags);
	return ret;
}

int
imapc_folder_resync(struct backend *b, const char *wire_name,
    const struct backend_sync *sink, struct error *err)
{
	struct sync_run			 run;
	struct imapc_cache_folder	 f, now;
	mailimap			*imap = imapc_session(b);
	uint64_t			 modseq = 0;
	uint32_t			 uidvalidity = 0, uidnext = 0;
	int				 have, qresync, condstore, ret;

	memset(&run, 0, sizeof run);
	run.b = b;
	run.name = wire_name;
	run.sink = sink;
	if ((run.cache = imapc_backend_cache(b, err)) == NULL)
		return -1;
	if ((qresync = sync_enable_qresync(&run, err)) == -1)
		return -1;
	condstore = mailimap_has_condstore(imap) || qresync;
	if (sync_select(&run, condstore, &modseq, &uidvalidity, &uidnext,
	    err) == -1)
		return -1;
	if (sink != NULL && sink->opened != NULL &&
	    sink->opened(run.exists, sink->arg) == -1)
		return error_set(err, ERROR_CANCELLED, _("cancelled"));
	if ((have = imapc_cache_folder_get(run.cache, wire_name, &f,
	    err)) == -1)
		return -1;
	if (have == 0 && f.uidvalidity != uidvalidity) {
		log_info("%s: %s: UIDVALIDITY %u, cached %u: dropping the "
		    "cache", imapc_host(b), wire_name, (unsigned)uidvalidity,
		    (unsigned)f.uidvalidity);
		if (sync_drop(&run, err) == -1)
			return -1;
		have = 1;
	}
	memset(&now, 0, sizeof now);
	now.uidvalidity = uidvalidity;
	now.highestmodseq = modseq;
	now.uidnext = uidnext;
	now.complete = 1;
	if (have == 0 && f.complete && modseq != 0 && f.highestmodseq ==
	    modseq && f.uidnext == uidnext && f.count == run.exists) {
		log_info("%s: %s: unchanged (%u messages)", imapc_host(b),
		    wire_name, (unsigned)f.count);
		return 0;
	}
	if (have != 0 || f.count == 0) {
		/* Cold: mark incomplete first, so a cut resumes. */
		memset(&f, 0, sizeof f);
		f.uidvalidity = uidvalidity;
		f.complete = 0;
		if (imapc_cache_folder_set(run.cache, wire_name, &f, err) ==
		    -1 || imapc_cache_fts_defer(run.cache, wire_name, err) == -1)
			return -1;
		ret = sync_fill(&run, err);
	} else if (f.complete && condstore && modseq != 0 &&
	    f.highestmodseq != 0) {
		ret = sync_changes(&run, &f, qresync, err);
		if (ret == 0 && uidnext != f.uidnext)
			ret = sync_fetch_new(&run, f.maxuid, err);
		if (ret == 0 && imapc_cache_folder_get(run.cache, wire_name,
		    &f, err) == 0 && f.count != run.exists) {
			log_info("%s: %s: %u cached, %u on the server: "
			    "comparing", imapc_host(b), wire_name,
			    (unsigned)f.count, (unsigned)run.exists);
			ret = sync_compare(&run, err);
		}
	} else
		ret = sync_compare(&run, err);
	/* Sizes a fill cut short did not get yet. */
	if (ret == 0)
		ret = sync_sizes(&run, err);
	/* A fill (or the end of one cut short) indexes its rows now. */
	if (ret == -1 || imapc_cache_fts_catch_up(run.cache, wire_name,
	    err) == -1)
		return -1;
	if (imapc_cache_folder_set(run.cache, wire_name, &now, err) == -1)
		return -1;
	log_info("%s: %s: synced: %u messages, %u new, %u changed, %u gone",
	    imapc_host(b), wire_name, (unsigned)run.exists,
	    (unsigned)run.added, (unsigned)run.changed,
	    (unsigned)run.vanished);
	return 0;
}

/* imapc_load_cached's callback around the caller's: counts the rows. */
struct sync_load {
	summary_cb	 cb;
	void		*arg;
	size_t		 n;
};

static int
sync_load_count(struct summary *s, size_t n, uint32_t done, uint32_t total,
    void *arg)
{
	struct sync_load	*lc = arg;

	lc->n += n;
	return lc->cb(s, n, done, total, lc->arg);
}

int
imapc_load_cached(const struct account *acct, const char *wire_name,
    summary_cb cb, void *arg, struct error *err)
{
	struct imapc_cache		*c;
	struct sync_load		 lc;
	int				 r;

	if ((r = imapc_cache_open_account(acct->id, &c, err)) != 1)
		return r;
	lc.cb = cb;
	lc.arg = arg;
	lc.n = 0;
	r = imapc_cache_load(c, wire_name, SYNC_FIRST_CHUNK, SYNC_LOAD_CHUNK,
	    sync_load_count, &lc, err);
	if (r == 0)
		r = lc.n > 0;	/* nothing cached: 0 */
	imapc_cache_close(c);
	return r;
}

int
imapc_list_cached(const struct account *acct, struct folder_info **vp,
    size_t *np, struct error *err)
{
	struct imapc_cache	*c;
	int			 r;

	*vp = NULL;
	*np = 0;
	if ((r = imapc_cache_open_account(acct->id, &c, err)) != 1)
		return r;
	r = imapc_cache_list_get(c, vp, np, err);
	imapc_cache_close(c);
	if (r == -1)
		return -1;
	return *np > 0;
}

static int
imapc_sync_folder(struct backend *b, const struct folder_info *fi,
    imapc_sync_note_cb note, void *arg, struct error *err)
{
	struct imapc_cache_folder	 f;
	struct imapc_cache		*c;
	char				*text;
	struct timespec			 t0, t1;
	unsigned			 count;
	int				 r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (imapc_folder_resync(b, fi->wire_name, NULL, err) == -1)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if ((c = imapc_backend_cache(b, err)) == NULL ||
	    (r = imapc_cache_folder_get(c, fi->wire_name, &f, err)) == -1)
		return -1;
	count = r == 0 ? (unsigned)f.count : 0U;
	text = xasprintf(P_("%s: %u message cached (%.2f s)",
	    "%s: %u messages cached (%.2f s)", count), fi->name, count,
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	note(text, arg);
	free(text);
	return 0;
}

int
imapc_sync_account(const struct account *acct,
    struct config_password_pending *password, imapc_sync_note_cb note,
    void *arg, struct error *err)
{
	struct net_watchdog	*wd;
	struct backend		*b;
	struct folder_info	*v = NULL;
	struct error		 e;
	size_t			 n = 0, i, failed = 0;
	int			 ret = 0;

	wd = net_watchdog_new();
	if ((b = imap_backend_ops.open(acct, password, wd, err)) == NULL) {
		net_watchdog_free(wd);
		return -1;
	}
	if (imap_backend_ops.list_folders(b, &v, &n, err) == -1) {
		ret = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!v[i].selectable)
			continue;
		memset(&e, 0, sizeof e);
		if (imapc_sync_folder(b, &v[i], note, arg, &e) == 0)
			continue;
		if (e.kind != ERROR_SERVER && e.kind != ERROR_INPUT) {
			*err = e;
			ret = -1;
			goto out;
		}
		/* This folder only: say so and go on with the others. */
		note(e.msg, arg);
		if (failed++ == 0)
			*err = e;
	}
	if (failed > 0)
		ret = -1;
out:
	for (i = 0; i < n; i++)
		folder_info_clear(&v[i]);
	free(v);
	imapc_close(b);
	net_watchdog_free(wd);
	return ret;
}
