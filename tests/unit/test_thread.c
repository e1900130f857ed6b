/* tests/unit/test_thread.c: threads (JWZ) and the order of the index. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#include "core/xmalloc.h"

#include "model/model.h"
#include "model/thread.h"

/* A summary on the stack: the strings are borrowed. */
static struct summary
msg(uint32_t uid, time_t date, const char *id, const char *refs,
    const char *subject)
{
	struct summary	 s;

	memset(&s, 0, sizeof s);
	s.uid = uid;
	s.date = date;
	s.message_id = (char *)id;
	s.references = (char *)refs;
	s.subject = (char *)subject;
	return s;
}

static void
test_thread_parents_five(void **state)
{
	struct summary	 m[5];
	struct thread_row rows[5];
	size_t		 parent[5];

	(void)state;
	/* Given newest first, as the server sends them. */
	m[0] = msg(5, 500, "<e@x>", "<a@x> <b@x> <c@x>", "Re: plan");
	m[1] = msg(4, 400, "<d@x>", "<a@x>", "Re: plan");
	m[2] = msg(3, 300, "<c@x>", "<a@x>\t<b@x>", "Re: plan");
	m[3] = msg(2, 200, "<b@x>", NULL, "Re: plan");
	m[3].in_reply_to = "<a@x> (Ann's message)";
	m[4] = msg(1, 100, "<a@x>", NULL, "plan");
	thread_parents(m, 5, parent);
	assert_int_equal(parent[4], THREAD_NONE);
	assert_int_equal(parent[3], 4);
	assert_int_equal(parent[2], 3);
	assert_int_equal(parent[1], 4);
	assert_int_equal(parent[0], 2);

	sort_rows(m, 5, CONFIG_SORT_THREAD, 0, rows);
	/* a, b, c, e, d: replies under their parent, oldest first. */
	assert_int_equal(rows[0].msg, 4);
	assert_int_equal(rows[0].depth, 0);
	assert_int_equal(rows[0].size, 5);
	assert_int_equal(rows[1].msg, 3);
	assert_int_equal(rows[1].depth, 1);
	assert_int_equal(rows[1].last, 0);
	assert_int_equal(rows[2].msg, 2);
	assert_int_equal(rows[2].depth, 2);
	assert_int_equal(rows[2].more, 1);	/* b's line goes on to d */
	assert_int_equal(rows[3].msg, 0);
	assert_int_equal(rows[3].depth, 3);
	assert_int_equal(rows[3].last, 1);
	assert_int_equal(rows[3].more, 1);
	assert_int_equal(rows[4].msg, 1);
	assert_int_equal(rows[4].depth, 1);
	assert_int_equal(rows[4].last, 1);
	assert_int_equal(rows[4].more, 0);
}

static void
test_thread_parents_missing_parent(void **state)
{
	struct summary	 m[4];
	size_t		 parent[4];

	(void)state;
	/* Both answer <gone@x>, which is not here; so does c via b. */
	m[0] = msg(4, 400, "<c@x>", "<gone@x> <b@x>", "Re: q");
	m[1] = msg(3, 300, "<b@x>", "<gone@x>", "Re: q");
	m[2] = msg(2, 200, "<a@x>", "<gone@x>", "Re: q");
	m[3] = msg(1, 100, "<z@x>", NULL, "other");
	thread_parents(m, 4, parent);
	assert_int_equal(parent[2], THREAD_NONE);	/* earliest reply */
	assert_int_equal(parent[1], 2);
	assert_int_equal(parent[0], 1);
	assert_int_equal(parent[3], THREAD_NONE);
}

static void
test_thread_parents_cycles_end(void **state)
{
	struct summary	 m[3];
	struct thread_row rows[3];
	size_t		 parent[3];

	(void)state;
	/* a says b is its parent, b says a, c says a > b > a > c. */
	m[0] = msg(1, 100, "<a@x>", "<b@x>", "x");
	m[1] = msg(2, 200, "<b@x>", "<a@x>", "x");
	m[2] = msg(3, 300, "<c@x>", "<a@x> <b@x> <a@x> <c@x>", "x");
	thread_parents(m, 3, parent);
	/* Whatever the links, following parents ends. */
	assert_true(parent[0] == THREAD_NONE || parent[1] == THREAD_NONE);
	assert_true(parent[2] != 2);
	sort_rows(m, 3, CONFIG_SORT_THREAD, 0, rows);
	assert_int_equal(rows[0].size, 3);
}

static void
test_thread_parents_duplicate_ids(void **state)
{
	struct summary	 m[3];
	struct thread_row rows[3];
	size_t		 parent[3];

	(void)state;
	m[0] = msg(3, 300, "<r@x>", "<d@x>", "Re: dup");
	m[1] = msg(2, 200, "<d@x>", NULL, "dup");
	m[2] = msg(1, 100, "<d@x>", NULL, "dup");
	thread_parents(m, 3, parent);
	/* The first seen owns the ID; the other stands alone. */
	assert_int_equal(parent[0], 1);
	assert_int_equal(parent[1], THREAD_NONE);
	assert_int_equal(parent[2], THREAD_NONE);
	sort_rows(m, 3, CONFIG_SORT_THREAD, 0, rows);
	assert_int_equal(rows[0].size + rows[rows[0].size].size, 3);
}

static void
test_thread_parents_subject_fallback(void **state)
{
	struct summary	 m[4];
	size_t		 parent[4];

	(void)state;
	m[0] = msg(4, 400, "<d@x>", NULL, "AW: Re[2]: Budget 2025");
	m[1] = msg(3, 300, "<c@x>", "<nowhere@x>", "Re: Budget 2025");
	m[2] = msg(2, 200, "<b@x>", NULL, "Budget 2025");
	m[3] = msg(1, 100, "<a@x>", NULL, "Fwd: Other");
	thread_parents(m, 4, parent);
	assert_int_equal(parent[0], 2);
	/* It names a parent, even a missing one: no guessing. */
	assert_int_equal(parent[1], THREAD_NONE);
	assert_int_equal(parent[2], THREAD_NONE);
	assert_int_equal(parent[3], THREAD_NONE);
}

static void
test_thread_subject_skip_prefixes(void **state)
{
	int	 reply = 7;

	(void)state;
	assert_int_equal(thread_subject_skip("Re: RE: fwd:x", &reply), 13 - 1);
	assert_int_equal(reply, 1);
	assert_int_equal(thread_subject_skip("Reply all", &reply), 0);
	assert_int_equal(reply, 0);
	assert_int_equal(thread_subject_skip("Re(3): y", &reply), 7);
	assert_int_equal(thread_subject_skip(NULL, &reply), 0);
	assert_int_equal(thread_subject_skip("Re[: y", &reply), 0);
}

static void
test_thread_parents_100k_fast(void **state)
{
	enum { N = 100000 };
	struct summary	*m;
	struct thread_row *rows;
	size_t		*parent, i, roots = 0;
	char		**ids, **refs;
	clock_t		 t0;
	double		 secs;

	(void)state;
	m = calloc(N, sizeof *m);
	ids = calloc(N, sizeof *ids);
	refs = calloc(N, sizeof *refs);
	parent = calloc(N, sizeof *parent);
	rows = calloc(N, sizeof *rows);
	/* Threads of 10, each message answering the one before. */
	for (i = 0; i < N; i++) {
		ids[i] = malloc(32);
		snprintf(ids[i], 32, "<m%zu@x>", i);
		refs[i] = malloc(400);
		refs[i][0] = '\0';
		if (i % 10 != 0)
			snprintf(refs[i], 400, "<m%zu@x> <m%zu@x>",
			    i - i % 10, i - 1);
		m[i] = msg((uint32_t)i + 1, (time_t)i, ids[i],
		    i % 10 != 0 ? refs[i] : NULL, "s");
	}
	t0 = clock();
	thread_parents(m, N, parent);
	sort_rows(m, N, CONFIG_SORT_THREAD, 1, rows);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	for (i = 0; i < N; i++)
		roots += parent[i] == THREAD_NONE;
	assert_int_equal(roots, N / 10);
	assert_int_equal(rows[0].msg, N - 10);	/* newest thread first */
	assert_int_equal(rows[0].size, 10);
	print_message("threading and sorting 100000: %.3f s\n", secs);
	assert_true(secs < 0.9);	/* also with sanitizers */
	for (i = 0; i < N; i++) {
		free(ids[i]);
		free(refs[i]);
	}
	free(ids);
	free(refs);
	free(m);
	free(parent);
	free(rows);
}


/*
 * A big synthetic folder (chains, missing roots, duplicate IDs, replies
 * by subject only): the compacted summaries (keys, no ID strings) thread
 * exactly as the strings do, and the chains come out as built.
 */
static void
test_thread_parents_compact_same(void **state)
{
	enum { N = 60000, CHAIN = 30 };
	struct summary	*m, *c;
	size_t		*p1, *p2, i, k;
	char		 id[64], refs[CHAIN * 24 + 64], subj[64];
	struct thread_row *r1, *r2;
	struct summary_pool *pool = summary_pool_new();

	(void)state;
	m = calloc(N, sizeof *m);
	c = calloc(N, sizeof *c);
	p1 = calloc(N, sizeof *p1);
	p2 = calloc(N, sizeof *p2);
	r1 = calloc(N, sizeof *r1);
	r2 = calloc(N, sizeof *r2);
	for (i = 0; i < N; i++) {
		k = i % CHAIN;
		m[i].uid = (uint32_t)i + 1;
		m[i].date = (time_t)(i * 7 % 1000);
		/* Every 97th thread lost its root; every 101st ID repeats. */
		snprintf(id, sizeof id, "<m%zu@x>", i % 101 == 0 && i > 0 ?
		    i - 1 : i);
		m[i].message_id = xstrdup(id);
		refs[0] = '\0';
		if (k > 0 || (i / CHAIN) % 97 == 3) {
			size_t	 j, len = 0;

			if ((i / CHAIN) % 97 == 3)
				len += (size_t)snprintf(refs, sizeof refs,
				    "<gone%zu@x> ", i / CHAIN);
			for (j = i - k; j < i; j++)
				len += (size_t)snprintf(refs + len,
				    sizeof refs - len, "<m%zu@x> ", j);
			m[i].references = xstrdup(refs);
		}
		if (k == CHAIN - 1 && i % 3 == 0)
			m[i].in_reply_to = xstrdup("<m0@x>");
		snprintf(subj, sizeof subj, "%stopic %zu", k > 0 ||
		    i % 5 == 0 ? "Re: " : "", (i / CHAIN) % 500);
		m[i].subject = xstrdup(subj);
		if (i % 7 == 0 && m[i].references != NULL) {
			/* A reply known by its subject only. */
			free(m[i].references);
			m[i].references = NULL;
		}
	}
	thread_parents(m, N, p1);
	sort_rows(m, N, CONFIG_SORT_THREAD, 0, r1);
	for (i = 0; i < N; i++) {
		c[i] = m[i];
		c[i].from = xstrdup("a");
		c[i].subject = xstrdup(m[i].subject);
		c[i].message_id = m[i].message_id != NULL ?
		    xstrdup(m[i].message_id) : NULL;
		c[i].references = m[i].references != NULL ?
		    xstrdup(m[i].references) : NULL;
		c[i].in_reply_to = m[i].in_reply_to != NULL ?
		    xstrdup(m[i].in_reply_to) : NULL;
		summary_compact(&c[i], NULL);
		assert_null(c[i].message_id);
		assert_null(c[i].references);
		assert_string_equal(c[i].subject, m[i].subject);
		summary_compact(&c[i], NULL);	/* twice changes nothing */
		if (i % 2 == 0)			/* as the index: pooled */
			summary_compact(&c[i], pool);
		assert_string_equal(c[i].subject, m[i].subject);
	}
	/* One copy of each string. */
	assert_ptr_equal(c[0].from, c[2].from);
	thread_parents(c, N, p2);
	sort_rows(c, N, CONFIG_SORT_THREAD, 0, r2);
	for (i = 0; i < N; i++) {
		assert_int_equal(p1[i], p2[i]);
		assert_int_equal(r1[i].msg, r2[i].msg);
		assert_int_equal(r1[i].depth, r2[i].depth);
	}
	/* A chain of intact links: each answers the one before. */
	assert_int_equal(p1[CHAIN + 5], CHAIN + 4);
	assert_int_equal(p1[CHAIN], THREAD_NONE);
	for (i = 0; i < N; i++) {
		summary_clear(&m[i]);
		summary_clear(&c[i]);
	}
	summary_pool_free(pool);
	free(m);
	free(c);
	free(p1);
	free(p2);
	free(r1);
	free(r2);
}

static void
test_sort_rows_keys_stable(void **state)
{
	struct summary	 m[4];
	struct thread_row rows[4];

	(void)state;
	m[0] = msg(10, 300, NULL, NULL, "Re: beta");
	m[0].from = "bob";
	m[0].size = 50;
	m[1] = msg(11, 100, NULL, NULL, "alpha");
	m[1].from = "Ann";
	m[1].size = 50;
	m[2] = msg(12, 200, NULL, NULL, "Gamma");
	m[2].from = "carl";
	m[2].size = 10;
	m[3] = msg(9, 100, NULL, NULL, "beta");
	m[3].from = "ann";
	m[3].size = 50;

	sort_rows(m, 4, CONFIG_SORT_DATE, 0, rows);
	assert_int_equal(rows[0].msg, 1);	/* ties keep their order */
	assert_int_equal(rows[1].msg, 3);
	assert_int_equal(rows[2].msg, 2);
	assert_int_equal(rows[3].msg, 0);
	sort_rows(m, 4, CONFIG_SORT_DATE, 1, rows);
	assert_int_equal(rows[0].msg, 0);
	assert_int_equal(rows[2].msg, 1);	/* still stable reversed */
	assert_int_equal(rows[3].msg, 3);
	sort_rows(m, 4, CONFIG_SORT_ARRIVAL, 0, rows);
	assert_int_equal(rows[0].msg, 3);
	assert_int_equal(rows[3].msg, 2);
	sort_rows(m, 4, CONFIG_SORT_FROM, 0, rows);
	assert_int_equal(rows[0].msg, 1);	/* Ann = ann, stable */
	assert_int_equal(rows[1].msg, 3);
	assert_int_equal(rows[2].msg, 0);
	sort_rows(m, 4, CONFIG_SORT_SUBJECT, 0, rows);
	assert_int_equal(rows[0].msg, 1);
	assert_int_equal(rows[1].msg, 0);	/* "Re: beta" sorts as beta */
	assert_int_equal(rows[2].msg, 3);
	assert_int_equal(rows[3].msg, 2);
	sort_rows(m, 4, CONFIG_SORT_SIZE, 1, rows);
	assert_int_equal(rows[0].msg, 0);
	assert_int_equal(rows[1].msg, 1);
	assert_int_equal(rows[2].msg, 3);
	assert_int_equal(rows[3].msg, 2);
	sort_rows(m, 0, CONFIG_SORT_THREAD, 0, rows);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thread_parents_five),
		cmocka_unit_test(test_thread_parents_missing_parent),
		cmocka_unit_test(test_thread_parents_cycles_end),
		cmocka_unit_test(test_thread_parents_duplicate_ids),
		cmocka_unit_test(test_thread_parents_subject_fallback),
		cmocka_unit_test(test_thread_subject_skip_prefixes),
		cmocka_unit_test(test_thread_parents_100k_fast),
		cmocka_unit_test(test_thread_parents_compact_same),
		cmocka_unit_test(test_sort_rows_keys_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
