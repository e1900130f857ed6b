/* src/model/thread.c: threads from References, as in JWZ's algorithm. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xmalloc.h"
#include "model/model.h"
#include "model/thread.h"

/* A key of the hash table: bytes borrowed from a summary. */
struct thread_key {
	const char	*s;
	size_t		 len;
	size_t		 value;		/* THREAD_NONE: empty slot */
};

/* Containers: one per message, one per ID only referenced. */
struct thread_ctx {
	const struct summary	*msgs;
	size_t			 n;
	size_t			*c_parent;
	size_t			*c_msg;		/* THREAD_NONE: missing */
	size_t			 nc, alloc;
	struct thread_key	*table;
	size_t			 tsize;		/* a power of two */
	size_t			 tused;
};

static uint64_t
thread_hash(const char *s, size_t len)
{
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct thread_key *
thread_slot(struct thread_key *table, size_t size, const char *s, size_t len)
{
	size_t	 i = (size_t)thread_hash(s, len) & (size - 1);

	while (table[i].value != THREAD_NONE && (table[i].len != len ||
	    memcmp(table[i].s, s, len) != 0))
		i = (i + 1) & (size - 1);
	return &table[i];
}

static void
thread_table_init(struct thread_key **tablep, size_t *sizep, size_t want)
{
	size_t	 i, size = 64;

	while (size < want * 2)
		size *= 2;
	*tablep = xreallocarray(NULL, size, sizeof **tablep);
	for (i = 0; i < size; i++)
		(*tablep)[i].value = THREAD_NONE;
	*sizep = size;
}

static void
thread_table_grow(struct thread_ctx *t)
{
	struct thread_key	*old = t->table;
	size_t			 oldsize = t->tsize, i;

	thread_table_init(&t->table, &t->tsize, oldsize);
	for (i = 0; i < oldsize; i++) {
		if (old[i].value != THREAD_NONE)
			*thread_slot(t->table, t->tsize, old[i].s,
			    old[i].len) = old[i];
	}
	free(old);
}

static size_t
thread_container_new(struct thread_ctx *t, size_t msg)
{
	if (t->nc == t->alloc) {
		t->alloc = t->alloc == 0 ? 256 : t->alloc * 2;
		t->c_parent = xreallocarray(t->c_parent, t->alloc,
		    sizeof *t->c_parent);
		t->c_msg = xreallocarray(t->c_msg, t->alloc, sizeof *t->c_msg);
	}
	t->c_parent[t->nc] = THREAD_NONE;
	t->c_msg[t->nc] = msg;
	return t->nc++;
}

/* The container of an ID, made (empty) if it is new. */
static size_t
thread_container_for(struct thread_ctx *t, const char *id, size_t len)
{
	struct thread_key	*k;

	if (t->tused * 2 >= t->tsize)
		thread_table_grow(t);
	k = thread_slot(t->table, t->tsize, id, len);
	if (k->value == THREAD_NONE) {
		k->s = id;
		k->len = len;
		k->value = thread_container_new(t, THREAD_NONE);
		t->tused++;
	}
	return k->value;
}

/*
 * The next "<...>" in *sp; returns 0 when there is none. An ID longer
 * than THREAD_MAX_ID is skipped.
 */
static int
thread_next_id(const char **sp, const char **idp, size_t *lenp)
{
	const char	*s = *sp, *open, *close;

	while ((open = strchr(s, '<')) != NULL) {
		if ((close = strchr(open, '>')) == NULL)
			return 0;
		s = close + 1;
		if ((size_t)(close - open) + 1 <= THREAD_MAX_ID &&
		    close - open > 1) {
			*idp = open;
			*lenp = (size_t)(close - open) + 1;
			*sp = s;
			return 1;
		}
	}
	return 0;
}

/* Whether making p the parent of c would close a cycle (or go too deep). */
static int
thread_would_loop(const struct thread_ctx *t, size_t p, size_t c)
{
	size_t	 steps = 0;

	for (; p != THREAD_NONE; p = t->c_parent[p]) {
		if (p == c || ++steps > THREAD_MAX_DEPTH)
			return 1;
	}
	return 0;
}

/* The last THREAD_MAX_REFS IDs of References, then In-Reply-To. */
static size_t
thread_refs(const struct summary *m, const char **ids, size_t *lens)
{
	const char	*s, *id;
	size_t		 n = 0, len, i;

	if ((s = m->references) != NULL) {
		while (thread_next_id(&s, &id, &len)) {
			if (n == THREAD_MAX_REFS) {
				memmove(ids, ids + 1, (n - 1) * sizeof *ids);
				memmove(lens, lens + 1, (n - 1) * sizeof *lens);
				n--;
			}
			ids[n] = id;
			lens[n++] = len;
		}
	}
	s = m->in_reply_to;
	if (s != NULL && thread_next_id(&s, &id, &len)) {
		for (i = 0; i < n; i++) {
			if (lens[i] == len && memcmp(ids[i], id, len) == 0)
				break;
		}
		if (i == n && n < THREAD_MAX_REFS) {
			ids[n] = id;
			lens[n++] = len;
		}
	}
	return n;
}

/* Step 1 of JWZ for message i: its container and its references. */
static void
thread_add(struct thread_ctx *t, size_t i)
{
	const struct summary	*m = &t->msgs[i];
	const char		*ids[THREAD_MAX_REFS], *s, *id;
	size_t			 lens[THREAD_MAX_REFS], nref, r, rc, len;
	size_t			 c = THREAD_NONE, prev = THREAD_NONE;

	s = m->message_id;
	if (s != NULL && thread_next_id(&s, &id, &len)) {
		c = thread_container_for(t, id, len);
		if (t->c_msg[c] != THREAD_NONE)
			c = THREAD_NONE;	/* a duplicate: on its own */
		else
			t->c_msg[c] = i;
	}
	if (c == THREAD_NONE)
		c = thread_container_new(t, i);
	nref = thread_refs(m, ids, lens);
	for (r = 0; r < nref; r++) {
		rc = thread_container_for(t, ids[r], lens[r]);
		if (rc == c)
			continue;	/* names itself */
		if (prev != THREAD_NONE && rc != prev &&
		    t->c_parent[rc] == THREAD_NONE &&
		    !thread_would_loop(t, prev, rc))
			t->c_parent[rc] = prev;
		prev = rc;
	}
	/* The message's own word on its parent beats a guess. */
	t->c_parent[c] = THREAD_NONE;
	if (prev != THREAD_NONE && !thread_would_loop(t, prev, c))
		t->c_parent[c] = prev;
}

/*
 * Messages only: a message's parent is its nearest ancestor that is a
 * message. The replies to a missing root hang under the earliest one.
 */
static void
thread_collapse_missing(struct thread_ctx *t, size_t *parent)
{
	size_t	*rep, i, c, a, top, m;

	rep = xreallocarray(NULL, t->nc, sizeof *rep);
	for (c = 0; c < t->nc; c++)
		rep[c] = THREAD_NONE;
	for (c = 0; c < t->nc; c++) {
		if ((m = t->c_msg[c]) == THREAD_NONE)
			continue;
		parent[m] = THREAD_NONE;
		top = THREAD_NONE;
		for (a = t->c_parent[c]; a != THREAD_NONE &&
		    t->c_msg[a] == THREAD_NONE; a = t->c_parent[a])
			top = a;
		if (a != THREAD_NONE)
			parent[m] = t->c_msg[a];
		else if (top != THREAD_NONE) {
			parent[m] = top;	/* for now: the dummy */
			if (rep[top] == THREAD_NONE ||
			    t->msgs[m].date < t->msgs[rep[top]].date)
				rep[top] = m;
		}
	}
	for (c = 0; c < t->nc; c++) {
		if ((m = t->c_msg[c]) == THREAD_NONE)
			continue;
		for (a = t->c_parent[c]; a != THREAD_NONE &&
		    t->c_msg[a] == THREAD_NONE; a = t->c_parent[a])
			continue;
		if (a == THREAD_NONE && parent[m] != THREAD_NONE) {
			i = rep[parent[m]];
			parent[m] = i == m ? THREAD_NONE : i;
		}
	}
	free(rep);
}

size_t
thread_subject_skip(const char *subject, int *replyp)
{
	static const char *const prefixes[] = {
		"re", "fwd", "fw", "aw", "wg", "sv", "vs", "antw", "tr",
		"odp", "rif", "ref",
	};
	const char	*s = subject, *p;
	size_t		 i, n;
	int		 reply = 0, found;

	if (s == NULL)
		return 0;
	do {
		found = 0;
		s += strspn(s, " \t");
		for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
			n = strlen(prefixes[i]);
			if (strncasecmp(s, prefixes[i], n) != 0)
				continue;
			p = s + n;
			/* "Re[2]:" and "Re(2):" count replies. */
			if (*p == '[' || *p == '(') {
				p += 1 + strspn(p + 1, "0123456789");
				if (*p != ']' && *p != ')')
					continue;
				p++;
			}
			p += strspn(p, " ");
			if (*p != ':')
				continue;
			s = p + 1;
			reply = found = 1;
			break;
		}
	} while (found);
	if (replyp != NULL)
		*replyp = reply;
	return (size_t)(s - subject);
}

/* Roots without any reference join the thread of their base subject. */
static void
thread_by_subject(const struct summary *msgs, size_t n, size_t *parent)
{
	struct thread_key	*table, *k;
	const char		*base;
	size_t			 size, i, len;
	int			 reply, kreply;

	thread_table_init(&table, &size, n);
	for (i = 0; i < n; i++) {
		if (parent[i] != THREAD_NONE || msgs[i].subject == NULL)
			continue;
		base = msgs[i].subject + thread_subject_skip(msgs[i].subject,
		    &reply);
		if ((len = strlen(base)) == 0)
			continue;
		k = thread_slot(table, size, base, len);
		if (k->value != THREAD_NONE) {
			thread_subject_skip(msgs[k->value].subject, &kreply);
			if (reply || !kreply)
				continue;	/* keep the first original */
		}
		k->s = base;
		k->len = len;
		k->value = i;
	}
	for (i = 0; i < n; i++) {
		if (parent[i] != THREAD_NONE || msgs[i].subject == NULL ||
		    msgs[i].references != NULL || msgs[i].in_reply_to != NULL)
			continue;
		base = msgs[i].subject + thread_subject_skip(msgs[i].subject,
		    &reply);
		if (!reply || (len = strlen(base)) == 0)
			continue;
		k = thread_slot(table, size, base, len);
		if (k->value != THREAD_NONE && k->value != i)
			parent[i] = k->value;
	}
	free(table);
}

void
thread_parents(const struct summary *msgs, size_t n, size_t *parent)
{
	struct thread_ctx	 t;
	size_t			 i;

	memset(&t, 0, sizeof t);
	t.msgs = msgs;
	t.n = n;
	thread_table_init(&t.table, &t.tsize, n + 16);
	for (i = 0; i < n; i++)
		thread_add(&t, i);
	thread_collapse_missing(&t, parent);
	thread_by_subject(msgs, n, parent);
	free(t.c_parent);
	free(t.c_msg);
	free(t.table);
}
