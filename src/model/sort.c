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

static void
sort_flat(const struct summary *msgs, size_t n, enum config_sort key,
    int reverse, struct thread_row *rows)
{
	struct sort_ctx	 c = { msgs, key, reverse, NULL, NULL };
	size_t		*v, *subj = NULL, i;

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
struct sort_tree {
	size_t	*child;
	size_t	*next;
	size_t	*roots;
	size_t	 nroots;
};

static void
sort_tree_build(const struct summary *msgs, size_t n, const size_t *parent,
    struct sort_tree *t)
{
	struct sort_ctx	 c = { msgs, CONFIG_SORT_DATE, 0, NULL, NULL };
	size_t		*v, i, k, m;

	v = xreallocarray(NULL, n > 0 ? n : 1, sizeof *v);
	t->child = xreallocarray(NULL, n > 0 ? n : 1, sizeof *t->child);
	t->next = xreallocarray(NULL, n > 0 ? n : 1, sizeof *t->next);
	t->roots = xreallocarray(NULL, n > 0 ? n : 1, sizeof *t->roots);
	for (i = 0; i < n; i++) {
		v[i] = i;
		t->child[i] = t->next[i] = THREAD_NONE;
	}
	sort_merge(v, n, &c);
	t->nroots = 0;
	for (k = n; k > 0; k--) {	/* pushed newest first: oldest heads */
		m = v[k - 1];
		if (parent[m] == THREAD_NONE)
			continue;
		t->next[m] = t->child[parent[m]];
		t->child[parent[m]] = m;
	}
	for (k = 0; k < n; k++) {
		if (parent[v[k]] == THREAD_NONE)
			t->roots[t->nroots++] = v[k];
	}
	free(v);
}

/* Appends the thread under root in depth-first order; returns its size. */
static size_t
sort_walk(const struct summary *msgs, const struct sort_tree *t, size_t root,
    struct thread_row *rows, size_t *nrows, size_t *stack, unsigned *depths,
    time_t *latestp)
{
	struct thread_row	*r;
	uint32_t		 more = 0, mask;
	size_t			 sp = 0, s0, m, c, first = *nrows, a, b, tmp;
	unsigned		 d;

	stack[sp] = root;
	depths[sp++] = 0;
	*latestp = msgs[root].date;
	while (sp > 0) {
		m = stack[--sp];
		d = depths[sp];
		if (msgs[m].date > *latestp)
			*latestp = msgs[m].date;
		if (d >= 1 && d <= THREAD_TREE_LEVELS) {
			if (t->next[m] != THREAD_NONE)
				more |= 1U << (d - 1);
			else
				more &= ~(1U << (d - 1));
		}
		mask = d == 0 ? 0 : d - 1 >= THREAD_TREE_LEVELS ? UINT32_MAX :
		    (1U << (d - 1)) - 1;
		r = &rows[(*nrows)++];
		r->msg = m;
		r->depth = d;
		r->last = t->next[m] == THREAD_NONE;
		r->more = more & mask;
		r->size = 0;
		/* Children pushed, then turned, so the oldest comes next. */
		s0 = sp;
		for (c = t->child[m]; c != THREAD_NONE; c = t->next[c]) {
			stack[sp] = c;
			depths[sp++] = d + 1;
		}
		for (a = s0, b = sp; b > 0 && a < b - 1; a++, b--) {
			tmp = stack[a];
			stack[a] = stack[b - 1];
			stack[b - 1] = tmp;
		}
	}
	rows[first].size = *nrows - first;
	return *nrows - first;
}

static void
sort_threads(const struct summary *msgs, size_t n, int reverse,
    struct thread_row *rows)
{
	struct sort_ctx		 c = { msgs, CONFIG_SORT_THREAD, reverse, NULL,
				    NULL };
	struct sort_tree	 t;
	struct thread_row	*tmp;
	size_t			*parent, *stack, *start, *v, i, nrows = 0, k;
	unsigned		*depths;
	time_t			*latest;
	size_t			 one = n > 0 ? n : 1;

	parent = xreallocarray(NULL, one, sizeof *parent);
	thread_parents(msgs, n, parent);
	sort_tree_build(msgs, n, parent, &t);
	tmp = xreallocarray(NULL, one, sizeof *tmp);
	stack = xreallocarray(NULL, one, sizeof *stack);
	depths = xreallocarray(NULL, one, sizeof *depths);
	start = xreallocarray(NULL, one, sizeof *start);
	latest = xreallocarray(NULL, one, sizeof *latest);
	v = xreallocarray(NULL, one, sizeof *v);
	for (i = 0; i < t.nroots; i++) {
		start[i] = nrows;
		v[i] = i;
		sort_walk(msgs, &t, t.roots[i], tmp, &nrows, stack, depths,
		    &latest[i]);
	}
	c.latest = latest;
	sort_merge(v, t.nroots, &c);
	for (i = k = 0; i < t.nroots; i++) {
		memcpy(rows + k, tmp + start[v[i]],
		    tmp[start[v[i]]].size * sizeof *rows);
		k += tmp[start[v[i]]].size;
	}
	free(parent);
	free(t.child);
	free(t.next);
	free(t.roots);
	free(tmp);
	free(stack);
	free(depths);
	free(start);
	free(latest);
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
