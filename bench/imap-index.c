/*
 * bench/imap-index.c: how fast the index of a large cached folder is
 * built, sorted, threaded and limited, from Postern's summary cache.
 *
 * Usage: imap-index CACHE.db FOLDER QUERY
 * Loads every cached summary of FOLDER as the UI holds them, then times
 * sort_rows by date and by thread and one limit (search_parse and
 * search_match over every message), and prints one "name value" line
 * each: milliseconds, the match count, and the peak resident memory.
 * Sorts and threads run BENCH_RUNS (3) times: the first run (_first_ms,
 * which also pays for touching fresh memory) and the median (_ms), as
 * the index re-sorts on every change.
 * Not a test: nothing passes or fails.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "imap/internal.h"
#include "model/model.h"
#include "model/search.h"
#include "model/thread.h"

struct bench_index {
	struct summary	*v;
	size_t		 n;
	size_t		 alloc;
};

static double
bench_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* As the UI's ui_index_add: the summaries move into one array. */
static int
bench_take(struct summary *s, size_t n, uint32_t done, uint32_t total,
    void *arg)
{
	struct bench_index	*ix = arg;

	(void)done;
	(void)total;
	if (ix->n + n > ix->alloc) {
		ix->alloc = (ix->n + n) * 2;
		ix->v = xreallocarray(ix->v, ix->alloc, sizeof *ix->v);
	}
	memcpy(ix->v + ix->n, s, n * sizeof *s);
	memset(s, 0, n * sizeof *s);
	ix->n += n;
	return 0;
}

#define BENCH_RUNS	3

static int
bench_dbl_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts BENCH_RUNS times; prints the first and the median time. */
static void
bench_sort(const char *name, struct bench_index *ix, enum config_sort key,
    struct thread_row *rows)
{
	struct timespec	 t0, t1;
	double		 ms[BENCH_RUNS];
	int		 i;

	for (i = 0; i < BENCH_RUNS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		sort_rows(ix->v, ix->n, key, 0, rows);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms[i] = bench_ms(&t0, &t1);
	}
	printf("%s_first_ms %.1f\n", name, ms[0]);
	qsort(ms, BENCH_RUNS, sizeof ms[0], bench_dbl_cmp);
	printf("%s_ms %.1f\n", name, ms[BENCH_RUNS / 2]);
}

static long
bench_hwm_kb(void)
{
	FILE	*f;
	char	 line[256];
	long	 kb = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	}
	fclose(f);
	return kb;
}

int
main(int argc, char **argv)
{
	struct bench_index	 ix = { 0 };
	struct imapc_cache	*c;
	struct thread_row	*rows;
	struct search		*q;
	struct error		 err = { 0 };
	struct timespec		 t0, t1;
	size_t			 i, hits = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: imap-index CACHE.db FOLDER QUERY\n");
		return 2;
	}
	if ((c = imapc_cache_open(argv[1], &err)) == NULL) {
		fprintf(stderr, "imap-index: %s\n", err.msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (imapc_cache_load(c, argv[2], 200, 5000, bench_take, &ix,
	    &err) == -1) {
		fprintf(stderr, "imap-index: %s\n", err.msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	imapc_cache_close(c);
	printf("messages %zu\n", ix.n);
	printf("load_ms %.1f\n", bench_ms(&t0, &t1));
	rows = xcalloc(ix.n + 1, sizeof *rows);

	bench_sort("sort_date", &ix, CONFIG_SORT_DATE, rows);
	bench_sort("thread", &ix, CONFIG_SORT_THREAD, rows);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((q = search_parse(argv[3], &err)) == NULL) {
		fprintf(stderr, "imap-index: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < ix.n; i++)
		hits += search_match(q, &ix.v[i]) != 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	search_free(q);
	printf("limit_ms %.1f\n", bench_ms(&t0, &t1));
	printf("limit_hits %zu\n", hits);
	printf("peak_rss_kb %ld\n", bench_hwm_kb());
	for (i = 0; i < ix.n; i++)
		summary_clear(&ix.v[i]);
	free(ix.v);
	free(rows);
	return 0;
}
