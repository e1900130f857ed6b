/* tests/unit/test_imapcache.c: the IMAP summary cache (SQLite). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "unit.h"

#include "core/error.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "imap/internal.h"
#include "model/model.h"

struct fixture {
	char			 dir[64];
	char			*path;
	struct imapc_cache	*c;
};

static int
setup(void **state)
{
	struct fixture	*f;
	struct error	 err = { 0 };

	f = xcalloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/test_imapcache.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->path = xasprintf("%s/sub/acct.db", f->dir);
	if ((f->c = imapc_cache_open(f->path, &err)) == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		*cmd;

	imapc_cache_close(f->c);
	cmd = xasprintf("rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	free(f->path);
	free(f);
	return 0;
}

static void
make_summary(struct summary *s, uint32_t uid, const char *from,
    const char *subject)
{
	memset(s, 0, sizeof *s);
	s->uid = uid;
	s->flags = SUMMARY_SEEN;
	s->size = 1000 + uid;
	s->date = 1700000000 + uid;
	s->from = xstrdup(from);
	s->subject = xstrdup(subject);
	s->to = xstrdup("Alice <alice@example.test>");
	s->message_id = xasprintf("<m%u@example.test>", (unsigned)uid);
	if (uid > 1) {
		s->in_reply_to = xstrdup("<m1@example.test>");
		s->references = xstrdup("<m1@example.test>");
	}
}

/* Puts uids lo..hi into folder name, one transaction. */
static void
put_range(struct imapc_cache *c, const char *name, uint32_t lo, uint32_t hi)
{
	struct imapc_cache_folder	 f = { 0 };
	struct summary			 s;
	struct error			 err = { 0 };
	uint32_t			 uid;
	char				 subject[64];

	if (imapc_cache_folder_get(c, name, &f, &err) == 1) {
		f.uidvalidity = 7;
		assert_int_equal(imapc_cache_folder_set(c, name, &f, &err), 0);
	}
	assert_int_equal(imapc_cache_begin(c, &err), 0);
	for (uid = lo; uid <= hi; uid++) {
		snprintf(subject, sizeof subject, "subject %u", (unsigned)uid);
		make_summary(&s, uid, uid % 2 ? "Jürgen Müller" : "Bob",
		    subject);
		assert_int_equal(imapc_cache_put(c, name, &s, NULL, 1, &err),
		    0);
		summary_clear(&s);
	}
	assert_int_equal(imapc_cache_commit(c, &err), 0);
}

struct loaded {
	uint32_t	 uids[64];
	size_t		 n;
	size_t		 calls;
	size_t		 first_chunk;
	int		 stop_after;
};

static int
load_cb(struct summary *s, size_t n, uint32_t done, uint32_t total,
    void *arg)
{
	struct loaded	*l = arg;
	size_t		 i;

	(void)total;
	if (l->calls++ == 0)
		l->first_chunk = n;
	for (i = 0; i < n && l->n < 64; i++) {
		assert_non_null(s[i].block);
		assert_non_null(s[i].from);
		assert_non_null(s[i].subject);
		l->uids[l->n++] = s[i].uid;
	}
	assert_int_equal(done, l->n);
	return l->stop_after != 0 && l->calls >= (size_t)l->stop_after ?
	    -1 : 0;
}

static void
test_imapc_cache_open_creates_wal(void **state)
{
	struct fixture	*f = *state;
	char		*wal;

	/* The directory was made, and the first write makes the WAL. */
	put_range(f->c, "INBOX", 1, 1);
	wal = xasprintf("%s-wal", f->path);
	assert_int_equal(access(f->path, F_OK), 0);
	assert_int_equal(access(wal, F_OK), 0);
	free(wal);
}

static void
test_imapc_cache_folder_get_missing(void **state)
{
	struct fixture			*f = *state;
	struct imapc_cache_folder	 cf;
	struct error			 err = { 0 };

	assert_int_equal(imapc_cache_folder_get(f->c, "Nope", &cf, &err), 1);
}

static void
test_imapc_cache_folder_set_roundtrip(void **state)
{
	struct fixture			*f = *state;
	struct imapc_cache_folder	 in = { 0 }, out;
	struct error			 err = { 0 };

	in.uidvalidity = 4000000000U;
	in.highestmodseq = 1ULL << 40;
	in.uidnext = 99;
	in.complete = 1;
	assert_int_equal(imapc_cache_folder_set(f->c, "INBOX", &in, &err), 0);
	put_range(f->c, "INBOX", 5, 9);
	assert_int_equal(imapc_cache_folder_get(f->c, "INBOX", &out, &err), 0);
	assert_int_equal(out.uidvalidity, 4000000000U);
	assert_true(out.highestmodseq == 1ULL << 40);
	assert_int_equal(out.uidnext, 99);
	assert_int_equal(out.complete, 1);
	assert_int_equal(out.count, 5);
	assert_int_equal(out.maxuid, 9);
}

static void
test_imapc_cache_put_replaces(void **state)
{
	struct fixture			*f = *state;
	struct imapc_cache_folder	 cf;
	struct error			 err = { 0 };

	put_range(f->c, "INBOX", 1, 10);
	put_range(f->c, "INBOX", 5, 12);	/* a refetch after a cut */
	assert_int_equal(imapc_cache_folder_get(f->c, "INBOX", &cf, &err), 0);
	assert_int_equal(cf.count, 12);
}

static void
test_imapc_cache_load_newest_first(void **state)
{
	struct fixture	*f = *state;
	struct loaded	 l = { 0 };
	struct error	 err = { 0 };
	size_t		 i;

	put_range(f->c, "INBOX", 1, 30);
	put_range(f->c, "Other", 1, 3);
	assert_int_equal(imapc_cache_load(f->c, "INBOX", 4, 10, load_cb, &l,
	    &err), 0);
	assert_int_equal(l.n, 30);
	assert_int_equal(l.first_chunk, 4);
	assert_int_equal(l.calls, 4);		/* 4 + 10 + 10 + 6 */
	for (i = 0; i < l.n; i++)
		assert_int_equal(l.uids[i], 30 - i);
}

static void
test_imapc_cache_load_cancel(void **state)
{
	struct fixture	*f = *state;
	struct loaded	 l = { 0 };
	struct error	 err = { 0 };

	put_range(f->c, "INBOX", 1, 30);
	l.stop_after = 1;
	assert_int_equal(imapc_cache_load(f->c, "INBOX", 5, 10, load_cb, &l,
	    &err), -1);
	assert_int_equal(err.kind, ERROR_CANCELLED);
	assert_int_equal(l.n, 5);
}

static void
test_imapc_cache_set_flags_and_remove(void **state)
{
	struct fixture	*f = *state;
	struct summary	 fl[2];
	uint32_t	 gone[] = { 3, 4, 1000 };
	uint32_t	*uids, *flags;
	size_t		 n;
	struct error	 err = { 0 };

	put_range(f->c, "INBOX", 1, 5);
	memset(fl, 0, sizeof fl);
	fl[0].uid = 2;
	fl[0].flags = SUMMARY_FLAGGED;
	fl[1].uid = 5;
	fl[1].flags = SUMMARY_SEEN | SUMMARY_ANSWERED;
	assert_int_equal(imapc_cache_set_flags(f->c, "INBOX", fl, 2, &err), 0);
	assert_int_equal(imapc_cache_remove(f->c, "INBOX", gone, 3, &err), 0);
	assert_int_equal(imapc_cache_uids(f->c, "INBOX", &uids, &flags, &n,
	    &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(uids[0], 1);
	assert_int_equal(flags[0], SUMMARY_SEEN);
	assert_int_equal(uids[1], 2);
	assert_int_equal(flags[1], SUMMARY_FLAGGED);
	assert_int_equal(uids[2], 5);
	assert_int_equal(flags[2], SUMMARY_SEEN | SUMMARY_ANSWERED);
	free(uids);
	free(flags);
}

/* A summary stored before its size: listed as unsized until it is set. */
static void
test_imapc_cache_sizes_later(void **state)
{
	struct fixture	*f = *state;
	struct summary	 s, sz[2];
	uint32_t	*uids;
	size_t		 n;
	struct error	 err = { 0 };
	sqlite3		*db;
	sqlite3_stmt	*st;

	put_range(f->c, "INBOX", 1, 3);
	put_range(f->c, "Other", 1, 2);
	assert_int_equal(imapc_cache_unsized(f->c, "INBOX", &uids, &n, &err),
	    0);
	assert_int_equal(n, 0);
	free(uids);
	assert_int_equal(imapc_cache_begin(f->c, &err), 0);
	make_summary(&s, 4, "Bob", "no size yet");
	s.size = SUMMARY_SIZE_UNKNOWN;
	assert_int_equal(imapc_cache_put(f->c, "INBOX", &s, NULL, 1, &err), 0);
	summary_clear(&s);
	make_summary(&s, 2, "Bob", "no size yet either");
	s.size = SUMMARY_SIZE_UNKNOWN;
	assert_int_equal(imapc_cache_put(f->c, "INBOX", &s, NULL, 1, &err), 0);
	summary_clear(&s);
	make_summary(&s, 3, "Bob", "another folder's");
	s.size = SUMMARY_SIZE_UNKNOWN;
	assert_int_equal(imapc_cache_put(f->c, "Other", &s, NULL, 1, &err), 0);
	summary_clear(&s);
	assert_int_equal(imapc_cache_commit(f->c, &err), 0);
	assert_int_equal(imapc_cache_unsized(f->c, "INBOX", &uids, &n, &err),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(uids[0], 2);
	assert_int_equal(uids[1], 4);
	free(uids);
	memset(sz, 0, sizeof sz);
	sz[0].uid = 4;
	sz[0].size = 4321;
	sz[1].uid = 2;
	sz[1].size = 0;		/* an empty message is a size too */
	assert_int_equal(imapc_cache_set_sizes(f->c, "INBOX", sz, 2, &err), 0);
	assert_int_equal(imapc_cache_unsized(f->c, "INBOX", &uids, &n, &err),
	    0);
	assert_int_equal(n, 0);
	free(uids);
	/* The other folder's is its own. */
	assert_int_equal(imapc_cache_unsized(f->c, "Other", &uids, &n, &err),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(uids[0], 3);
	free(uids);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT size FROM msg WHERE "
	    "uid = 4 AND folder = (SELECT id FROM folder WHERE name = "
	    "'INBOX')", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 4321);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_imapc_cache_folder_drop_forgets(void **state)
{
	struct fixture			*f = *state;
	struct imapc_cache_folder	 cf;
	struct error			 err = { 0 };
	uint32_t			*uids;
	size_t				 n;

	put_range(f->c, "INBOX", 1, 5);
	put_range(f->c, "Other", 1, 2);
	assert_int_equal(imapc_cache_folder_drop(f->c, "INBOX", &err), 0);
	assert_int_equal(imapc_cache_folder_get(f->c, "INBOX", &cf, &err), 1);
	assert_int_equal(imapc_cache_folder_get(f->c, "Other", &cf, &err), 0);
	assert_int_equal(cf.count, 2);
	/* The FTS index forgot the dropped rows too. */
	assert_int_equal(imapc_cache_search(f->c, "Other", "subject", &uids,
	    &n, &err), 0);
	assert_int_equal(n, 2);
	free(uids);
}

static void
test_imapc_cache_search_fts(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };
	uint32_t	*uids;
	size_t		 n;

	put_range(f->c, "INBOX", 1, 6);
	put_range(f->c, "Other", 1, 6);
	assert_int_equal(imapc_cache_search(f->c, "INBOX",
	    "sender:Müller", &uids, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(uids[0], 5);
	free(uids);
	assert_int_equal(imapc_cache_search(f->c, "INBOX", "subject:4",
	    &uids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(uids[0], 4);
	free(uids);
	assert_int_equal(imapc_cache_search(f->c, "INBOX", "\"unbalanced",
	    &uids, &n, &err), -1);
	assert_int_equal(err.kind, ERROR_INPUT);
}

/* The folder list: kept in order with its counts, replaced whole. */
static void
test_imapc_cache_list_roundtrip(void **state)
{
	struct fixture		*f = *state;
	struct folder_info	 v[3] = {
		{ "INBOX", "INBOX", '/', 1, 12, 3 },
		{ "Archiv/2026", "Archiv/2026", '/', 1, FOLDER_COUNT_UNKNOWN, 0 },
		{ "Gr\xc3\xbc\xc3\x9f" "e", "Gr&APwA3w-e", 0, 0, 0, 0 },
	}, *got;
	struct error		 err = { 0 };
	size_t			 n;

	assert_int_equal(imapc_cache_list_get(f->c, &got, &n, &err), 0);
	assert_int_equal(n, 0);			/* none kept yet */
	assert_int_equal(imapc_cache_list_put(f->c, v, 3, &err), 0);
	imapc_cache_close(f->c);		/* on disk, not in memory */
	f->c = imapc_cache_open(f->path, &err);
	assert_non_null(f->c);
	assert_int_equal(imapc_cache_list_get(f->c, &got, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(got[0].name, "INBOX");
	assert_int_equal(got[0].delimiter, '/');
	assert_int_equal(got[0].selectable, 1);
	assert_int_equal(got[0].total, 12);
	assert_int_equal(got[0].unseen, 3);
	assert_string_equal(got[1].name, "Archiv/2026");
	assert_int_equal(got[1].total, FOLDER_COUNT_UNKNOWN);
	assert_string_equal(got[2].name, "Gr\xc3\xbc\xc3\x9f" "e");
	assert_string_equal(got[2].wire_name, "Gr&APwA3w-e");
	assert_int_equal(got[2].delimiter, 0);
	assert_int_equal(got[2].selectable, 0);
	while (n > 0)
		folder_info_clear(&got[--n]);
	free(got);
	/* A new list replaces the old one whole. */
	assert_int_equal(imapc_cache_list_put(f->c, &v[2], 1, &err), 0);
	assert_int_equal(imapc_cache_list_get(f->c, &got, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].wire_name, "Gr&APwA3w-e");
	folder_info_clear(&got[0]);
	free(got);
}

static void
test_imapc_cache_open_reopen_keeps(void **state)
{
	struct fixture			*f = *state;
	struct imapc_cache_folder	 cf;
	struct error			 err = { 0 };

	put_range(f->c, "INBOX", 1, 7);
	imapc_cache_close(f->c);
	f->c = imapc_cache_open(f->path, &err);
	assert_non_null(f->c);
	assert_int_equal(imapc_cache_folder_get(f->c, "INBOX", &cf, &err), 0);
	assert_int_equal(cf.count, 7);
}

static void
test_imapc_cache_rollback_discards(void **state)
{
	struct fixture			*f = *state;
	struct imapc_cache_folder	 cf;
	struct summary			 s;
	struct error			 err = { 0 };

	put_range(f->c, "INBOX", 1, 2);
	assert_int_equal(imapc_cache_begin(f->c, &err), 0);
	make_summary(&s, 9, "x", "y");
	assert_int_equal(imapc_cache_put(f->c, "INBOX", &s, NULL, 1, &err), 0);
	summary_clear(&s);
	imapc_cache_rollback(f->c);
	assert_int_equal(imapc_cache_folder_get(f->c, "INBOX", &cf, &err), 0);
	assert_int_equal(cf.count, 2);
}

static void
test_imapc_cache_put_unknown_folder(void **state)
{
	struct fixture	*f = *state;
	struct summary	 s;
	struct error	 err = { 0 };

	make_summary(&s, 1, "x", "y");
	assert_int_equal(imapc_cache_put(f->c, "Nope", &s, NULL, 1, &err), -1);
	summary_clear(&s);
}

static void
test_summary_pack_keeps_values(void **state)
{
	struct summary	 s;

	(void)state;
	make_summary(&s, 2, "Carol", "Hello");
	summary_pack(&s);
	assert_non_null(s.block);
	assert_string_equal(s.from, "Carol");
	assert_string_equal(s.subject, "Hello");
	assert_string_equal(s.to, "Alice <alice@example.test>");
	assert_null(s.cc);
	assert_string_equal(s.message_id, "<m2@example.test>");
	assert_string_equal(s.references, "<m1@example.test>");
	summary_pack(&s);		/* twice is harmless */
	summary_clear(&s);
	assert_null(s.block);
	assert_null(s.from);
}

static void
test_imapc_cache_path_xdg(void **state)
{
	char	*p;

	(void)state;
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	p = imapc_cache_path("home");
	assert_string_equal(p, "/x/cache/postern/home.db");
	free(p);
}

/* Puts a body of len bytes, all c, for uid. */
static void
put_body(struct imapc_cache *c, const char *name, uint32_t uid, size_t len,
    int ch, uint64_t limit)
{
	struct error	 err = { 0 };
	char		*data;

	data = xmalloc(len);
	memset(data, ch, len);
	assert_int_equal(imapc_cache_body_put(c, name, uid, data, len, 0,
	    limit, &err), 0);
	free(data);
}

/* Whether uid has a body in the cache. */
static int
has_body(struct imapc_cache *c, const char *name, uint32_t uid)
{
	struct error	 err = { 0 };
	struct sbuf	 b;
	int		 r;

	sbuf_init(&b);
	r = imapc_cache_body_get(c, name, uid, &b, NULL, &err);
	assert_int_not_equal(r, -1);
	sbuf_release(&b);
	return r == 0;
}

static void
test_imapc_cache_body_put_get_roundtrip(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };
	struct sbuf	 b;
	int		 partial = -1;

	put_range(f->c, "INBOX", 1, 3);
	assert_int_equal(imapc_cache_body_put(f->c, "INBOX", 2, "Subject: x"
	    "\r\n\r\nhi\0there", 19, 1, 1000, &err), 0);
	sbuf_init(&b);
	assert_int_equal(imapc_cache_body_get(f->c, "INBOX", 2, &b, &partial,
	    &err), 0);
	assert_int_equal(b.len, 19);
	assert_memory_equal(b.buf, "Subject: x\r\n\r\nhi\0there", 19);
	assert_int_equal(partial, 1);
	sbuf_reset(&b);
	assert_int_equal(imapc_cache_body_get(f->c, "INBOX", 3, &b, &partial,
	    &err), 1);
	assert_int_equal(imapc_cache_body_get(f->c, "Nowhere", 2, &b,
	    &partial, &err), 1);
	assert_int_equal(b.len, 0);
	sbuf_release(&b);
	/* A folder with no row keeps nothing. */
	assert_int_equal(imapc_cache_body_put(f->c, "Nowhere", 2, "x", 1, 0,
	    1000, &err), 0);
	assert_int_equal(imapc_cache_body_total(f->c, &err), 19);
}

static void
test_imapc_cache_body_evict_least_recently_used(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };

	put_range(f->c, "INBOX", 1, 5);
	put_body(f->c, "INBOX", 1, 1000, 'a', 3000);
	put_body(f->c, "INBOX", 2, 1000, 'b', 3000);
	put_body(f->c, "INBOX", 3, 1000, 'c', 3000);
	assert_int_equal(imapc_cache_body_total(f->c, &err), 3000);
	/* 1 read again: 2 is now the least recently used. */
	assert_true(has_body(f->c, "INBOX", 1));
	put_body(f->c, "INBOX", 4, 1000, 'd', 3000);
	assert_false(has_body(f->c, "INBOX", 2));
	assert_true(has_body(f->c, "INBOX", 1));
	assert_true(has_body(f->c, "INBOX", 3));
	assert_true(has_body(f->c, "INBOX", 4));
	assert_int_equal(imapc_cache_body_total(f->c, &err), 3000);
	/* A big one pushes out as many as it needs, oldest used first. */
	put_body(f->c, "INBOX", 5, 2500, 'e', 3000);
	assert_true(has_body(f->c, "INBOX", 5));
	assert_false(has_body(f->c, "INBOX", 3));
	assert_false(has_body(f->c, "INBOX", 1));
	assert_false(has_body(f->c, "INBOX", 4));
	assert_true(imapc_cache_body_total(f->c, &err) <= 3000);
}

static void
test_imapc_cache_body_put_over_limit_not_kept(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };

	put_range(f->c, "INBOX", 1, 2);
	put_body(f->c, "INBOX", 1, 100, 'a', 1000);
	put_body(f->c, "INBOX", 2, 1001, 'b', 1000);
	assert_false(has_body(f->c, "INBOX", 2));
	assert_true(has_body(f->c, "INBOX", 1));	/* not evicted for it */
	put_body(f->c, "INBOX", 2, 10, 'b', 0);
	assert_false(has_body(f->c, "INBOX", 2));
	assert_int_equal(imapc_cache_body_total(f->c, &err), 100);
}

static void
test_imapc_cache_body_evict_to_smaller_limit(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };
	uint32_t	 uid;

	put_range(f->c, "INBOX", 1, 10);
	for (uid = 1; uid <= 10; uid++)
		put_body(f->c, "INBOX", uid, 100, 'a', 1000);
	assert_int_equal(imapc_cache_body_total(f->c, &err), 1000);
	assert_int_equal(imapc_cache_body_evict(f->c, 350, &err), 0);
	assert_int_equal(imapc_cache_body_total(f->c, &err), 300);
	for (uid = 1; uid <= 7; uid++)
		assert_false(has_body(f->c, "INBOX", uid));
	for (uid = 8; uid <= 10; uid++)
		assert_true(has_body(f->c, "INBOX", uid));
	assert_int_equal(imapc_cache_body_evict(f->c, 0, &err), 0);
	assert_int_equal(imapc_cache_body_total(f->c, &err), 0);
}

static void
test_imapc_cache_body_gone_with_message_and_folder(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };
	uint32_t	 gone = 2;

	put_range(f->c, "INBOX", 1, 3);
	put_range(f->c, "Other", 1, 3);
	put_body(f->c, "INBOX", 1, 10, 'a', 1000);
	put_body(f->c, "INBOX", 2, 10, 'b', 1000);
	put_body(f->c, "Other", 2, 10, 'c', 1000);
	/* An expunge removes the body with the summary. */
	assert_int_equal(imapc_cache_remove(f->c, "INBOX", &gone, 1, &err), 0);
	assert_false(has_body(f->c, "INBOX", 2));
	assert_true(has_body(f->c, "INBOX", 1));
	assert_true(has_body(f->c, "Other", 2));
	/* A new UIDVALIDITY drops the folder and its bodies. */
	assert_int_equal(imapc_cache_folder_drop(f->c, "INBOX", &err), 0);
	assert_false(has_body(f->c, "INBOX", 1));
	assert_true(has_body(f->c, "Other", 2));
	assert_int_equal(imapc_cache_body_total(f->c, &err), 10);
}

/* The FTS5 index of the cache file at path passes its integrity check. */
static void
assert_fts_sound(const char *path)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO msg_fts (msg_fts, rank)"
	    " VALUES ('integrity-check', 1)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static size_t
search_count(struct imapc_cache *c, const char *folder, const char *q)
{
	struct error	 err = { 0 };
	uint32_t	*uids;
	size_t		 n;

	assert_int_equal(imapc_cache_search(c, folder, q, &uids, &n, &err), 0);
	free(uids);
	return n;
}

/* Makes folder name's row, empty. */
static void
new_folder(struct imapc_cache *c, const char *name)
{
	struct imapc_cache_folder	 f = { 0 };
	struct error			 err = { 0 };

	f.uidvalidity = 7;
	assert_int_equal(imapc_cache_folder_set(c, name, &f, &err), 0);
}

static void
test_imapc_cache_fts_deferred_fill(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };

	put_range(f->c, "Other", 1, 4);
	new_folder(f->c, "INBOX");
	assert_int_equal(imapc_cache_fts_defer(f->c, "INBOX", &err), 0);
	put_range(f->c, "INBOX", 1, 10);
	/* Left out while it fills, the other folder still indexed. */
	assert_int_equal(search_count(f->c, "INBOX", "subject"), 0);
	assert_int_equal(search_count(f->c, "Other", "subject"), 4);
	/* A row that comes and goes during the fill. */
	assert_int_equal(imapc_cache_remove(f->c, "INBOX",
	    (uint32_t[]){ 3 }, 1, &err), 0);
	assert_int_equal(imapc_cache_fts_catch_up(f->c, "INBOX", &err), 0);
	assert_int_equal(search_count(f->c, "INBOX", "subject"), 9);
	assert_int_equal(search_count(f->c, "INBOX", "sender:Müller"), 4);
	assert_int_equal(search_count(f->c, "Other", "subject"), 4);
	/* Indexed now: later rows one by one, a second catch-up a no-op. */
	put_range(f->c, "INBOX", 11, 12);
	assert_int_equal(imapc_cache_fts_catch_up(f->c, "INBOX", &err), 0);
	assert_int_equal(search_count(f->c, "INBOX", "subject"), 11);
	assert_int_equal(imapc_cache_remove(f->c, "INBOX",
	    (uint32_t[]){ 12 }, 1, &err), 0);
	assert_int_equal(search_count(f->c, "INBOX", "subject"), 10);
	assert_fts_sound(f->path);
}

static void
test_imapc_cache_fts_two_deferred(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };

	new_folder(f->c, "A");
	new_folder(f->c, "B");
	assert_int_equal(imapc_cache_fts_defer(f->c, "A", &err), 0);
	assert_int_equal(imapc_cache_fts_defer(f->c, "B", &err), 0);
	put_range(f->c, "A", 1, 5);
	put_range(f->c, "B", 1, 7);
	/* B still left out: A's rows are taken one by one, not rebuilt. */
	assert_int_equal(imapc_cache_fts_catch_up(f->c, "A", &err), 0);
	assert_int_equal(search_count(f->c, "A", "subject"), 5);
	assert_int_equal(search_count(f->c, "B", "subject"), 0);
	assert_int_equal(imapc_cache_fts_catch_up(f->c, "B", &err), 0);
	assert_int_equal(search_count(f->c, "B", "subject"), 7);
	assert_int_equal(search_count(f->c, "A", "subject"), 5);
	assert_fts_sound(f->path);
}

static void
test_imapc_cache_fts_defer_only_empty(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };

	put_range(f->c, "INBOX", 1, 3);
	assert_int_equal(imapc_cache_fts_defer(f->c, "INBOX", &err), 0);
	put_range(f->c, "INBOX", 4, 6);
	/* A folder with rows is not left out: nothing indexed twice. */
	assert_int_equal(search_count(f->c, "INBOX", "subject"), 6);
	assert_int_equal(imapc_cache_fts_catch_up(f->c, "INBOX", &err), 0);
	assert_int_equal(search_count(f->c, "INBOX", "subject"), 6);
	assert_fts_sound(f->path);
}

static void
test_imapc_cache_fts_drop_deferred(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };

	put_range(f->c, "Other", 1, 2);
	new_folder(f->c, "INBOX");
	assert_int_equal(imapc_cache_fts_defer(f->c, "INBOX", &err), 0);
	put_range(f->c, "INBOX", 1, 8);
	/* Dropped mid-fill (a new UIDVALIDITY): no index entry to undo. */
	assert_int_equal(imapc_cache_folder_drop(f->c, "INBOX", &err), 0);
	assert_fts_sound(f->path);
	assert_int_equal(search_count(f->c, "Other", "subject"), 2);
	/* Made again, its rows are indexed one by one: the mark went. */
	put_range(f->c, "INBOX", 1, 3);
	assert_int_equal(search_count(f->c, "INBOX", "subject"), 3);
	assert_fts_sound(f->path);
}

static void
test_imapc_cache_fts_rebuild_whole(void **state)
{
	struct fixture	*f = *state;
	struct error	 err = { 0 };

	put_range(f->c, "Other", 1, 2);
	new_folder(f->c, "INBOX");
	assert_int_equal(imapc_cache_fts_defer(f->c, "INBOX", &err), 0);
	put_range(f->c, "INBOX", 1, 20);
	/* Most rows, the only folder left out: the rebuild path. */
	assert_int_equal(imapc_cache_fts_catch_up(f->c, "INBOX", &err), 0);
	assert_int_equal(search_count(f->c, "INBOX", "subject"), 20);
	assert_int_equal(search_count(f->c, "Other", "subject"), 2);
	assert_fts_sound(f->path);
}

static void
test_imapc_cache_garbage_starts_afresh(void **state)
{
	struct fixture			*f = *state;
	struct imapc_cache_folder	 cf;
	struct error			 err = { 0 };
	FILE				*fp;
	int				 i;

	put_range(f->c, "INBOX", 1, 3);
	imapc_cache_close(f->c);
	f->c = NULL;
	/* Not a database any more (a disk error, a crash while made). */
	assert_non_null(fp = fopen(f->path, "w"));
	for (i = 0; i < 4096; i++)
		fputc((i * 131 + 7) & 0xff, fp);
	fclose(fp);
	f->c = imapc_cache_open(f->path, &err);
	assert_non_null(f->c);
	/* Empty and usable: everything in it can be fetched again. */
	assert_int_equal(imapc_cache_folder_get(f->c, "INBOX", &cf, &err), 1);
	put_range(f->c, "INBOX", 1, 2);
	assert_int_equal(search_count(f->c, "INBOX", "subject"), 2);
	assert_fts_sound(f->path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_open_creates_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_folder_get_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_folder_set_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_put_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_load_newest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_load_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_set_flags_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_sizes_later, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_folder_drop_forgets, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_search_fts, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_list_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_open_reopen_keeps, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_rollback_discards, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_put_unknown_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_body_put_get_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_body_evict_least_recently_used, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_body_put_over_limit_not_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_body_evict_to_smaller_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_body_gone_with_message_and_folder, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_fts_deferred_fill, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_fts_two_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_fts_defer_only_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_fts_drop_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_fts_rebuild_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_imapc_cache_garbage_starts_afresh, setup, teardown),
		cmocka_unit_test(test_summary_pack_keeps_values),
		cmocka_unit_test(test_imapc_cache_path_xdg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
