/* tests/unit/test_search.c: the query language of limit and search. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#include "core/error.h"
#include "model/model.h"
#include "model/search.h"

static struct summary	 msgs[4];

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	memset(msgs, 0, sizeof msgs);
	msgs[0].from = "Alice Example";
	msgs[0].subject = "Budget 2024";
	msgs[0].to = "Bob <bob@example.test>";
	msgs[0].flags = 0;				/* unread */
	msgs[0].date = 1709294400;			/* 2024-03-01 12:00 */
	msgs[0].size = 2 * 1024 * 1024;
	msgs[1].from = "bob@example.test";
	msgs[1].subject = "Re: budget plan";
	msgs[1].cc = "Alice <alice@example.test>";
	msgs[1].flags = SUMMARY_SEEN | SUMMARY_FLAGGED;
	msgs[1].date = 1719835200;			/* 2024-07-01 12:00 */
	msgs[1].size = 500;
	msgs[2].from = "Carl";
	msgs[2].subject = "Lunch";
	msgs[2].flags = SUMMARY_SEEN | SUMMARY_ANSWERED | SUMMARY_ATTACHMENT;
	msgs[2].date = 1704067200;			/* 2024-01-01 00:00 */
	msgs[2].size = 1024;
	msgs[3].from = NULL;
	msgs[3].subject = NULL;
	msgs[3].flags = SUMMARY_SEEN;
	msgs[3].date = 1700000000;			/* 2023-11 */
	msgs[3].size = 0;
	return 0;
}

/* The matching messages as a bit mask: bit i for msgs[i]. */
static int
matches(const char *query)
{
	struct search	*s;
	struct error	 err = { 0 };
	int		 i, mask = 0;

	s = search_parse(query, &err);
	if (s == NULL)
		fail_msg("'%s': %s", query, err.msg);
	for (i = 0; i < 4; i++)
		if (search_match(s, &msgs[i]))
			mask |= 1 << i;
	search_free(s);
	return mask;
}

static const char *
bad(const char *query)
{
	static struct error	 err;
	struct search		*s;

	memset(&err, 0, sizeof err);
	s = search_parse(query, &err);
	assert_null(s);
	assert_int_equal(err.kind, ERROR_INPUT);
	return err.msg;
}

static void
test_search_parse_fields(void **state)
{
	(void)state;
	assert_int_equal(matches("from:alice"), 1);
	assert_int_equal(matches("FROM:ALICE"), 1);
	assert_int_equal(matches("subject:budget"), 3);
	assert_int_equal(matches("subject:\"budget plan\""), 2);
	assert_int_equal(matches("to:bob"), 1);
	assert_int_equal(matches("cc:alice"), 2);
	assert_int_equal(matches("budget"), 3);	/* from or subject */
	assert_int_equal(matches("bob"), 2);
	assert_int_equal(matches("\"lunch\""), 4);
	assert_int_equal(matches("is:unread"), 1);
	assert_int_equal(matches("is:read"), 14);
	assert_int_equal(matches("is:flagged"), 2);
	assert_int_equal(matches("is:replied"), 4);
	assert_int_equal(matches("has:attachment"), 4);
}

static void
test_search_parse_crypto_flags(void **state)
{
	(void)state;
	msgs[1].flags |= SUMMARY_SIGNED;
	msgs[3].flags |= SUMMARY_ENCRYPTED;
	assert_int_equal(matches("is:signed"), 2);
	assert_int_equal(matches("is:encrypted"), 8);
	assert_int_equal(matches("is:signed or is:encrypted"), 10);
	assert_int_equal(matches("not is:signed"), 13);
	msgs[1].flags &= ~SUMMARY_SIGNED;
	msgs[3].flags &= ~SUMMARY_ENCRYPTED;
}

static void
test_search_parse_dates_and_sizes(void **state)
{
	(void)state;
	assert_int_equal(matches("date:2024-01..2024-06"), 5);
	assert_int_equal(matches("date:2024"), 7);
	assert_int_equal(matches("date:2024-03-01"), 1);
	assert_int_equal(matches("date:..2023-12"), 8);
	assert_int_equal(matches("date:2024-07.."), 2);
	assert_int_equal(matches("size:>1M"), 1);
	assert_int_equal(matches("size:<1k"), 10);
	assert_int_equal(matches("size:<=1K"), 14);
	assert_int_equal(matches("size:>=1K"), 5);
	assert_int_equal(matches("size:100..2000"), 6);
}

static void
test_search_parse_precedence(void **state)
{
	(void)state;
	/* and binds tighter than or; a blank is and. */
	assert_int_equal(matches("from:carl or from:bob is:flagged"), 6);
	assert_int_equal(matches("from:carl or from:bob and is:unread"), 4);
	assert_int_equal(matches("(from:carl or from:bob) is:read"), 6);
	assert_int_equal(matches("not is:read"), 1);
	assert_int_equal(matches("NOT budget AND NOT lunch"), 8);
	assert_int_equal(matches("not (budget or lunch)"), 8);
	assert_int_equal(matches("from:alice is:unread"), 1);
	assert_int_equal(matches("((((budget))))"), 3);
}

static void
test_search_parse_errors_name_the_column(void **state)
{
	(void)state;
	assert_non_null(strstr(bad("from:alice frm:bob"),
	    "column 12: unknown field"));
	assert_non_null(strstr(bad("subject:\"open"),
	    "column 9: missing closing quote"));
	assert_non_null(strstr(bad("(budget"), "column 1: '(' without ')'"));
	assert_non_null(strstr(bad("budget)"), "column 7: ')' without '('"));
	assert_non_null(strstr(bad("budget or"),
	    "column 10: a term is missing"));
	assert_non_null(strstr(bad("or budget"), "column 1: expected a term"));
	assert_non_null(strstr(bad("is:sleepy"), "column 1: unknown state"));
	assert_non_null(strstr(bad("date:2024-13"), "bad date"));
	assert_non_null(strstr(bad("date:.."), "bad date"));
	assert_non_null(strstr(bad("size:1M"), "bad size"));
	assert_non_null(strstr(bad("size:>lots"), "bad size"));
	assert_non_null(strstr(bad("to:"), "a field needs a value"));
	assert_non_null(strstr(bad("body:"), "a field needs a value"));
	assert_non_null(strstr(bad(""), "a term is missing"));
}

static void
test_search_parse_bounds(void **state)
{
	char	 q[4096];
	size_t	 i;

	(void)state;
	for (i = 0; i < 100; i++)
		q[i] = '(';
	q[i] = '\0';
	assert_non_null(strstr(bad(q), "nested too deeply"));
	for (i = 0; i < 200; i++)
		memcpy(q + 5 * i, "a or ", 5);
	memcpy(q + 5 * i, "a", 2);
	assert_non_null(strstr(bad(q), "query too long"));
	memset(q, 'a', 2000);
	q[2000] = '\0';
	assert_non_null(strstr(bad(q), "longer than"));
}

/* Matches as a bit mask, with body answers given first. */
static int
body_matches(const char *query, const char *t1, const uint32_t *u1,
    size_t n1, const char *t2, const uint32_t *u2, size_t n2)
{
	struct search	*s;
	struct error	 err = { 0 };
	int		 i, mask = 0;

	for (i = 0; i < 4; i++)
		msgs[i].uid = 10 + (uint32_t)i;
	if ((s = search_parse(query, &err)) == NULL)
		fail_msg("'%s': %s", query, err.msg);
	if (t1 != NULL)
		search_set_body_uids(s, t1, u1, n1);
	if (t2 != NULL)
		search_set_body_uids(s, t2, u2, n2);
	assert_true(search_body_ready(s));
	for (i = 0; i < 4; i++)
		if (search_match(s, &msgs[i]))
			mask |= 1 << i;
	search_free(s);
	return mask;
}

static void
test_search_body_terms_distinct(void **state)
{
	struct search	*s;
	struct error	 err = { 0 };
	const char	**v;
	static const uint32_t	 one[] = { 11 };

	(void)state;
	s = search_parse("body:budget or (from:x and body:\"two words\") "
	    "and not body:budget", &err);
	assert_non_null(s);
	assert_int_equal(search_body_terms(s, &v), 2);
	assert_string_equal(v[0], "budget");
	assert_string_equal(v[1], "two words");
	free(v);
	/* Unanswered body terms match nothing and the search is not ready. */
	assert_false(search_body_ready(s));
	msgs[1].uid = 11;
	assert_false(search_match(s, &msgs[1]));
	search_set_body_uids(s, "budget", one, 1);
	assert_false(search_body_ready(s));
	search_set_body_uids(s, "two words", NULL, 0);
	assert_true(search_body_ready(s));
	search_free(s);
	/* No body term: nothing to ask, ready at once. */
	s = search_parse("from:alice", &err);
	assert_int_equal(search_body_terms(s, &v), 0);
	assert_null(v);
	assert_true(search_body_ready(s));
	search_free(s);
}

static void
test_search_body_combinations(void **state)
{
	/* budget: msgs 0 and 2 (a repeat); x: msgs 1 and 2. */
	static const uint32_t	 budget[] = { 12, 10, 12 };
	static const uint32_t	 x[] = { 11, 12 };

	(void)state;
	assert_int_equal(body_matches("body:budget", "budget", budget, 3,
	    NULL, NULL, 0), 0x5);
	assert_int_equal(body_matches("BODY:budget", "budget", budget, 3,
	    NULL, NULL, 0), 0x5);
	assert_int_equal(body_matches("not body:budget", "budget", budget, 3,
	    NULL, NULL, 0), 0xa);
	/* from:alice (msg 0) and body:budget, or not body:x (0 and 3) */
	assert_int_equal(body_matches("from:alice and body:budget or not "
	    "body:x", "budget", budget, 3, "x", x, 2), 0x9);
	assert_int_equal(body_matches("body:budget and body:x", "budget",
	    budget, 3, "x", x, 2), 0x4);
	assert_int_equal(body_matches("body:budget or body:x", "budget",
	    budget, 3, "x", x, 2), 0x7);
	assert_int_equal(body_matches("(body:budget or is:flagged) and "
	    "not body:x", "budget", budget, 3, "x", x, 2), 0x1);
	assert_int_equal(body_matches("carl body:x", "x", x, 2, NULL, NULL,
	    0), 0x4);
	/* An empty answer: nothing matches, and not of it everything. */
	assert_int_equal(body_matches("body:none", "none", NULL, 0, NULL,
	    NULL, 0), 0x0);
	assert_int_equal(body_matches("not body:none", "none", NULL, 0, NULL,
	    NULL, 0), 0xf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_search_parse_fields, setup),
		cmocka_unit_test_setup(test_search_parse_crypto_flags, setup),
		cmocka_unit_test_setup(test_search_parse_dates_and_sizes,
		    setup),
		cmocka_unit_test_setup(test_search_parse_precedence, setup),
		cmocka_unit_test_setup(
		    test_search_parse_errors_name_the_column, setup),
		cmocka_unit_test_setup(test_search_parse_bounds, setup),
		cmocka_unit_test_setup(test_search_body_terms_distinct, setup),
		cmocka_unit_test_setup(test_search_body_combinations, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
