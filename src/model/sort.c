/* src/model/sort.c: the order of the index: flat by a key, or threads. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config/config.h"
#include "core/xmalloc.h"
#include "model/model.h"
#include "model/thread.h"

struct sort_ctx {
	const struct summary	*msgs;
	enum config_sort	 key;
	int			 reverse;
	const size_t		*subj;		/* past "Re:" */
	const time_t		*latest;	/* per thread root */
};

static int
sort_str(const char *a, const char *b)
{
	return strcasecmp(a != NULL ? a : "", b != NULL ? b : "");
}

static int
sort_num(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int
sort_cmp(const struct sort_ctx *c, size_t i, size_t j)
{
	const struct summary	*a = &c->msgs[i], *b = &c->msgs[j];
	int			 r = 0;

	switch (c->key) {
	case CONFIG_SORT_DATE:
		r = a->date < b->date ? -1 : a->date > b->date;
		break;
	case CONFIG_SORT_ARRIVAL:
		r = sort_num(a->uid, b->uid);
		break;
	case CONFIG_SORT_FROM:
		r = sort_str(a->from, b->from);
		break;
	case CONFIG_SORT_SUBJECT:
		r = sort_str(a->subject == NULL ? NULL : a->subject +
		    c->subj[i], b->subject == NULL ? NULL : b->subject +
		    c->subj[j]);
		break;
	case CONFIG_SORT_SIZE:
		r = sort_num(a->size, b->size);
		break;
	case CONFIG_SORT_THREAD:
		r = c->latest[i] < c->latest[j] ? -1 :
		    c->latest[i] > c->latest[j];
		break;
	case CONFIG_SORT_COUNT:
		break;
	}
	return c->reverse ? -r : r;
}

/* A stable bottom-up merge sort of the indices v[0..n). */
static void
sort_merge(size_t *v, size_t n, const struct sort_ctx *c)
{
	size_t	*tmp, *src = v, *dst, *swap, w, lo, mid, hi, i, j, k;

	tmp = xreallocarray(NULL, n > 0 ? n : 1, sizeof *tmp);
	dst = tmp;
	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = sort_cmp(c, src[j], src[i]) < 0 ?
				    src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		swap = src, src = dst, dst = swap;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(tmp);
}

/* A numeric key and the index it belongs to: (key, i) orders stably. */
struct sort_pair {
	int64_t		 key;
	size_t		 i;
};

static int
sort_pair_less(const struct sort_pair *a, const struct sort_pair *b)
{
	return a->key < b->key || (a->key == b->key && a->i < b->i);
}

static void
sort_pairs_turn(struct sort_pair *v, size_t n)
{
	struct sort_pair	 x;
	size_t			 i, j;

	for (i = 0, j = n; j > 0 && i < j - 1; i++, j--) {
		x = v[i];
		v[i] = v[j - 1];
		v[j - 1] = x;
	}
}

/*
 * Sorts v[0..n) by (key, i): short runs by insertion, then bottom-up
 * merges that copy a pair of runs already in order in one go (the index
 * mostly comes in date order).
 */
static void
sort_pairs(struct sort_pair *v, size_t n)
{
	enum { RUN = 16 };
	struct sort_pair	*tmp, *src = v, *dst, *swap, x;
	size_t			 w, lo, mid, hi, i, j, k;

	/*
	 * (key, i) is a total order, so the input's order does not matter:
	 * one that goes down (newest first) is turned around to go up.
	 */
	if (n > 1 && v[n - 1].key < v[0].key) {
		sort_pairs_turn(v, n);
		/* Equal keys go back to their first order. */
		for (lo = 0; lo < n; lo = hi) {
			for (hi = lo + 1; hi < n && v[hi].key == v[lo].key; hi++)
				continue;
			sort_pairs_turn(v + lo, hi - lo);
		}
	}
	for (i = 1; i < n && !sort_pair_less(&v[i], &v[i - 1]); i++)
		continue;
	if (i >= n)
		return;		/* in order already */
	for (lo = 0; lo < n; lo += RUN) {
		hi = lo + RUN < n ? lo + RUN : n;
		for (i = lo + 1; i < hi; i++) {
			x = v[i];
			for (j = i; j > lo && sort_pair_less(&x, &v[j - 1]); j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
	}
	if (n <= RUN)
		return;
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	dst = tmp;
	for (w = RUN; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			if (mid == hi || !sort_pair_less(&src[mid],
			    &src[mid - 1])) {
				memcpy(dst + lo, src + lo, (hi - lo) *
				    sizeof *dst);
				continue;
			}
			i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = sort_pair_less(&src[j], &src[i]) ?
				    src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		swap = src, src = dst, dst = swap;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(tmp);
}

/* The key of message i for a numeric sort; reversed keys keep ties. */
static int64_t
sort_key(const struct summary *m, enum config_sort key, int reverse)
{
	int64_t	 k;

	switch (key) {
	case CONFIG_SORT_ARRIVAL:
		k = m->uid;
		break;
	case CONFIG_SORT_SIZE:
		k = m->size;
		break;
	default:
		k = (int64_t)m->date;
		break;
	}
	return reverse ? ~k : k;
}

static void
sort_flat_numeric(const struct summary *msgs, size_t n, enum config_sort key,
    int reverse, struct thread_row *rows)
{
	struct sort_pair	*v;
	size_t			 i;

	v = xreallocarray(NULL, n > 0 ? n : 1, sizeof *v);
	for (i = 0; i < n; i++) {
		v[i].key = sort_key(&msgs[i], key, reverse);
		v[i].i = i;
	}
	sort_pairs(v, n);
	for (i = 0; i < n; i++) {
		memset(&rows[i], 0, sizeof rows[i]);
		rows[i].msg = v[i].i;
		rows[i].last = 1;
		rows[i].size = 1;
	}
	free(v);
}

static void
sort_flat(const struct summary *msgs, size_t n, enum config_sort key,
    int reverse, struct thread_row *rows)
{
	struct sort_ctx	 c = { msgs, key, reverse, NULL, NULL };
	size_t		*v, *subj = NULL, i;

	if (key == CONFIG_SORT_DATE || key == CONFIG_SORT_ARRIVAL ||
	    key == CONFIG_SORT_SIZE) {
		sort_flat_numeric(msgs, n, key, reverse, rows);
		return;
	}
	v = xreallocarray(NULL, n > 0 ? n : 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = i;
	if (key == CONFIG_SORT_SUBJECT) {
		subj = xreallocarray(NULL, n > 0 ? n : 1, sizeof *subj);
		for (i = 0; i < n; i++)
			subj[i] = thread_subject_skip(msgs[i].subject, NULL);
		c.subj = subj;
	}
	sort_merge(v, n, &c);
	for (i = 0; i < n; i++) {
		memset(&rows[i], 0, sizeof rows[i]);
		rows[i].msg = v[i];
		rows[i].last = 1;
		rows[i].size = 1;
	}
	free(subj);
	free(v);
}

/* The children of each message, oldest first, and the roots. */
#define SORT_NONE	UINT32_MAX	/* no child, no next */

struct sort_tree {
	uint32_t	*child;
	uint32_t	*next;
	uint32_t	*roots;
	size_t		 nroots;
};

static void
sort_tree_build(const struct summary *msgs, size_t n, const size_t *parent,
    struct sort_tree *t)
{
	struct sort_pair	*v;
	size_t			 i, k, m;

	v = xreallocarray(NULL, n > 0 ? n : 1, sizeof *v);
	t->child = xreallocarray(NULL, n > 0 ? n : 1, sizeof *t->child);
	t->next = xreallocarray(NULL, n > 0 ? n : 1, sizeof *t->next);
	t->roots = xreallocarray(NULL, n > 0 ? n : 1, sizeof *t->roots);
	for (i = 0; i < n; i++) {
		v[i].key = (int64_t)msgs[i].date;
		v[i].i = i;
		t->child[i] = t->next[i] = SORT_NONE;
	}
	sort_pairs(v, n);
	t->nroots = 0;
	for (k = n; k > 0; k--) {	/* pushed newest first: oldest heads */
		m = v[k - 1].i;
		if (parent[m] == THREAD_NONE)
			continue;
		t->next[m] = t->child[parent[m]];
		t->child[parent[m]] = (uint32_t)m;
	}
	for (k = 0; k < n; k++) {
		if (parent[v[k].i] == THREAD_NONE)
			t->roots[t->nroots++] = (uint32_t)v[k].i;
	}
	free(v);
}

/* Appends the thread under root in depth-first order; returns its size. */
static size_t
sort_walk(const struct summary *msgs, const struct sort_tree *t, size_t root,
    struct thread_row *rows, size_t *nrows, uint32_t *stack, unsigned *depths,
    time_t *latestp)
{
	struct thread_row	*r;
	uint32_t		 more = 0, mask;
	size_t			 sp = 0, s0, first = *nrows, a, b;
	uint32_t		 m, c, tmp;
	unsigned		 d;

	stack[sp] = (uint32_t)root;
	depths[sp++] = 0;
	*latestp = msgs[root].date;
	while (sp > 0) {
		m = stack[--sp];
		d = depths[sp];
		if (msgs[m].date > *latestp)
			*latestp = msgs[m].date;
		if (d >= 1 && d <= THREAD_TREE_LEVELS) {
			if (t->next[m] != SORT_NONE)
				more |= 1U << (d - 1);
			else
				more &= ~(1U << (d - 1));
		}
		mask = d == 0 ? 0 : d - 1 >= THREAD_TREE_LEVELS ? UINT32_MAX :
		    (1U << (d - 1)) - 1;
		r = &rows[(*nrows)++];
		r->msg = m;
		r->depth = d < UINT16_MAX ? (uint16_t)d : UINT16_MAX;
		r->last = t->next[m] == SORT_NONE;
		r->more = more & mask;
		r->size = 0;
		/* Children pushed, then turned, so the oldest comes next. */
		s0 = sp;
		for (c = t->child[m]; c != SORT_NONE; c = t->next[c]) {
			stack[sp] = c;
			depths[sp++] = d + 1;
		}
		for (a = s0, b = sp; b > 0 && a < b - 1; a++, b--) {
			tmp = stack[a];
			stack[a] = stack[b - 1];
			stack[b - 1] = tmp;
		}
	}
	rows[first].size = (uint32_t)(*nrows - first);
	return *nrows - first;
}

static void
sort_threads(const struct summary *msgs, size_t n, int reverse,
    struct thread_row *rows)
{
	struct sort_tree	 t;
	struct sort_pair	*v;
	struct thread_row	*tmp;
	size_t			*parent, *start, i, nrows = 0, k;
	uint32_t		*stack;
	unsigned		*depths;
	time_t			 latest;
	size_t			 one = n > 0 ? n : 1;

	parent = xreallocarray(NULL, one, sizeof *parent);
	thread_parents(msgs, n, parent);
	sort_tree_build(msgs, n, parent, &t);
	free(parent);
	tmp = xreallocarray(NULL, one, sizeof *tmp);
	stack = xreallocarray(NULL, one, sizeof *stack);
	depths = xreallocarray(NULL, one, sizeof *depths);
	start = xreallocarray(NULL, one, sizeof *start);
	v = xreallocarray(NULL, one, sizeof *v);
	for (i = 0; i < t.nroots; i++) {
		start[i] = nrows;
		sort_walk(msgs, &t, t.roots[i], tmp, &nrows, stack, depths,
		    &latest);
		v[i].key = reverse ? ~(int64_t)latest : (int64_t)latest;
		v[i].i = i;
	}
	free(stack);
	free(depths);
	sort_pairs(v, t.nroots);
	for (i = k = 0; i < t.nroots; i++) {
		memcpy(rows + k, tmp + start[v[i].i],
		    tmp[start[v[i].i]].size * sizeof *rows);
		k += tmp[start[v[i].i]].size;
	}
	free(t.child);
	free(t.next);
	free(t.roots);
	free(tmp);
	free(start);
	free(v);
}

void
sort_rows(const struct summary *msgs, size_t n, enum config_sort key,
    int reverse, struct thread_row *rows)
{
	if (key == CONFIG_SORT_THREAD)
		sort_threads(msgs, n, reverse, rows);
	else
		sort_flat(msgs, n, key, reverse, rows);
}
