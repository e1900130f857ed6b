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

/*
 * Containers and table slots are numbered with 32 bits (the index holds
 * far fewer messages than that); T_NONE is THREAD_NONE's narrow twin.
 */
#define T_NONE	UINT32_MAX

/* A hint to load a table slot early: lookups wait on memory, not work. */
#if defined(__GNUC__)
#define THREAD_PREFETCH(p)	__builtin_prefetch(p)
#else
#define THREAD_PREFETCH(p)	((void)(p))
#endif

/*
 * A hash table from 64-bit keys (hashes of Message-IDs or subjects, never
 * 0) to a 32-bit value; key 0 marks an empty slot. Only the keys are
 * compared: two IDs meet by chance once in 2^64.
 */
struct thread_slot {
	uint64_t	 key;
	uint32_t	 value;
};

struct thread_table {
	struct thread_slot	*v;
	size_t			 size;		/* a power of two */
	size_t			 used;
};

/* Containers: one per message, one per ID only referenced. */
struct thread_ctx {
	const struct summary	*msgs;
	size_t			 n;
	uint32_t		*c_parent;
	uint32_t		*c_msg;		/* T_NONE: missing */
	size_t			 nc, alloc;
	struct thread_table	 ids;
};

uint64_t
thread_key(const char *s, size_t len)
{
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h != 0 ? h : 1;
}

static size_t
thread_table_home(const struct thread_table *t, uint64_t key)
{
	key ^= key >> 31;
	key *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(key >> 32) & (t->size - 1);
}

static void
thread_table_init(struct thread_table *t, size_t want)
{
	size_t	 size = 64;

	while (size < want * 2)
		size *= 2;
	t->v = xcalloc(size, sizeof *t->v);
	t->size = size;
	t->used = 0;
}

static void
thread_table_release(struct thread_table *t)
{
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* The slot of key: where it is, or the empty one where it would go. */
static size_t
thread_table_slot(const struct thread_table *t, uint64_t key)
{
	size_t	 i = thread_table_home(t, key);

	while (t->v[i].key != 0 && t->v[i].key != key)
		i = (i + 1) & (t->size - 1);
	return i;
}

static void
thread_table_grow(struct thread_table *t)
{
	struct thread_table	 old = *t;
	size_t			 i, j;

	thread_table_init(t, old.size);
	for (i = 0; i < old.size; i++) {
		if (old.v[i].key == 0)
			continue;
		j = thread_table_slot(t, old.v[i].key);
		t->v[j] = old.v[i];
	}
	t->used = old.used;
	thread_table_release(&old);
}

static uint32_t
thread_container_new(struct thread_ctx *t, uint32_t msg)
{
	if (t->nc == t->alloc) {
		t->alloc = t->alloc < 256 ? 256 : t->alloc * 2;
		t->c_parent = xreallocarray(t->c_parent, t->alloc,
		    sizeof *t->c_parent);
		t->c_msg = xreallocarray(t->c_msg, t->alloc, sizeof *t->c_msg);
	}
	t->c_parent[t->nc] = T_NONE;
	t->c_msg[t->nc] = msg;
	return (uint32_t)t->nc++;
}

/* The container of an ID, made (empty) if it is new. */
static uint32_t
thread_container_for(struct thread_ctx *t, uint64_t key)
{
	size_t	 i;

	if (t->ids.used * 2 >= t->ids.size)
		thread_table_grow(&t->ids);
	i = thread_table_slot(&t->ids, key);
	if (t->ids.v[i].key == 0) {
		t->ids.v[i].key = key;
		t->ids.v[i].value = thread_container_new(t, T_NONE);
		t->ids.used++;
	}
	return t->ids.v[i].value;
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

size_t
thread_keys_parse(const char *message_id, const char *in_reply_to,
    const char *references, uint64_t *idp, uint64_t *refs)
{
	const char	*s, *id;
	uint64_t	 k;
	size_t		 n = 0, len, i;

	*idp = 0;
	s = message_id;
	if (s != NULL && thread_next_id(&s, &id, &len))
		*idp = thread_key(id, len);
	/* The last THREAD_MAX_REFS IDs of References, then In-Reply-To. */
	if ((s = references) != NULL) {
		while (thread_next_id(&s, &id, &len)) {
			if (n == THREAD_MAX_REFS) {
				memmove(refs, refs + 1, (n - 1) * sizeof *refs);
				n--;
			}
			refs[n++] = thread_key(id, len);
		}
	}
	s = in_reply_to;
	if (s != NULL && thread_next_id(&s, &id, &len)) {
		k = thread_key(id, len);
		for (i = 0; i < n; i++) {
			if (refs[i] == k)
				break;
		}
		if (i == n && n < THREAD_MAX_REFS)
			refs[n++] = k;
	}
	return n;
}

/*
 * The thread keys of m: from its strings if it has them, else those
 * summary_compact kept. Returns the number of references; *refsp points
 * into buf or into m.
 */
static size_t
thread_keys_of(const struct summary *m, uint64_t *idp, const uint64_t **refsp,
    uint64_t *buf)
{
	if (m->message_id != NULL || m->in_reply_to != NULL ||
	    m->references != NULL) {
		*refsp = buf;
		return thread_keys_parse(m->message_id, m->in_reply_to,
		    m->references, idp, buf);
	}
	*idp = m->id_key;
	*refsp = summary_refs(m);
	return m->nrefs;
}

/* Whether m had References or In-Reply-To (even with no usable ID). */
static int
thread_linked(const struct summary *m)
{
	return m->references != NULL || m->in_reply_to != NULL ||
	    (m->thread & SUMMARY_THREAD_LINKED) != 0;
}

/* Whether making p the parent of c would close a cycle (or go too deep). */
static int
thread_would_loop(const struct thread_ctx *t, uint32_t p, uint32_t c)
{
	size_t	 steps = 0;

	for (; p != T_NONE; p = t->c_parent[p]) {
		if (p == c || ++steps > THREAD_MAX_DEPTH)
			return 1;
	}
	return 0;
}

/* Step 1 of JWZ for message i: its container and its references. */
static void
thread_add(struct thread_ctx *t, size_t i)
{
	const uint64_t	*refs;
	uint64_t	 buf[THREAD_MAX_REFS], id;
	size_t		 nref, r;
	uint32_t	 c = T_NONE, prev = T_NONE, rc;

	nref = thread_keys_of(&t->msgs[i], &id, &refs, buf);
	if (id != 0)
		THREAD_PREFETCH(&t->ids.v[thread_table_home(&t->ids, id)]);
	for (r = 0; r < nref; r++)
		THREAD_PREFETCH(&t->ids.v[thread_table_home(&t->ids,
		    refs[r])]);
	if (id != 0) {
		c = thread_container_for(t, id);
		if (t->c_msg[c] != T_NONE)
			c = T_NONE;	/* a duplicate: on its own */
		else
			t->c_msg[c] = (uint32_t)i;
	}
	if (c == T_NONE)
		c = thread_container_new(t, (uint32_t)i);
	for (r = 0; r < nref; r++) {
		rc = thread_container_for(t, refs[r]);
		if (rc == c)
			continue;	/* names itself */
		if (prev != T_NONE && rc != prev &&
		    t->c_parent[rc] == T_NONE &&
		    !thread_would_loop(t, prev, rc))
			t->c_parent[rc] = prev;
		prev = rc;
	}
	/* The message's own word on its parent beats a guess. */
	t->c_parent[c] = T_NONE;
	if (prev != T_NONE && !thread_would_loop(t, prev, c))
		t->c_parent[c] = prev;
}

/*
 * Messages only: a message's parent is its nearest ancestor that is a
 * message. The replies to a missing root hang under the earliest one.
 */
static void
thread_collapse_missing(struct thread_ctx *t, size_t *parent)
{
	uint32_t	*rep, *top, c, a, m, r;

	rep = xreallocarray(NULL, t->nc > 0 ? t->nc : 1, sizeof *rep);
	top = xreallocarray(NULL, t->n > 0 ? t->n : 1, sizeof *top);
	for (c = 0; c < t->nc; c++)
		rep[c] = T_NONE;
	for (c = 0; c < t->nc; c++) {
		if ((m = t->c_msg[c]) == T_NONE)
			continue;
		parent[m] = THREAD_NONE;
		top[m] = T_NONE;
		for (a = t->c_parent[c]; a != T_NONE &&
		    t->c_msg[a] == T_NONE; a = t->c_parent[a])
			top[m] = a;
		if (a != T_NONE)
			parent[m] = t->c_msg[a];
		else if (top[m] != T_NONE) {
			if (rep[top[m]] == T_NONE ||
			    t->msgs[m].date < t->msgs[rep[top[m]]].date)
				rep[top[m]] = m;
		}
	}
	/* Under a missing root: its earliest reply, which has none. */
	for (m = 0; m < t->n; m++) {
		if (parent[m] != THREAD_NONE || top[m] == T_NONE)
			continue;
		r = rep[top[m]];
		parent[m] = r == m ? THREAD_NONE : r;
	}
	free(top);
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
		/* Every prefix starts with one of these. */
		if (strchr("rRfFaAwWsSvVtToO", *s) == NULL || *s == '\0')
			break;
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
	struct thread_table	 t;
	unsigned char		*reply;
	uint64_t		*key;
	const char		*base;
	size_t			 i, len, k;
	int			 r;

	thread_table_init(&t, n / 2 + 16);
	key = xcalloc(n > 0 ? n : 1, sizeof *key);
	reply = xcalloc(n > 0 ? n : 1, 1);
	for (i = 0; i < n; i++) {
		if (parent[i] != THREAD_NONE || msgs[i].subject == NULL)
			continue;
		base = msgs[i].subject + thread_subject_skip(msgs[i].subject,
		    &r);
		if ((len = strlen(base)) == 0)
			continue;
		key[i] = thread_key(base, len);
		reply[i] = (unsigned char)r;
		if (t.used * 2 >= t.size)
			thread_table_grow(&t);
		k = thread_table_slot(&t, key[i]);
		if (t.v[k].key != 0) {
			if (r || !reply[t.v[k].value])
				continue;	/* keep the first original */
		} else
			t.used++;
		t.v[k].key = key[i];
		t.v[k].value = (uint32_t)i;
	}
	for (i = 0; i < n; i++) {
		if (parent[i] != THREAD_NONE || key[i] == 0 || !reply[i] ||
		    thread_linked(&msgs[i]))
			continue;
		k = thread_table_slot(&t, key[i]);
		if (t.v[k].key != 0 && t.v[k].value != i)
			parent[i] = t.v[k].value;
	}
	thread_table_release(&t);
	free(key);
	free(reply);
}

void
thread_parents(const struct summary *msgs, size_t n, size_t *parent)
{
	struct thread_ctx	 t;
	size_t			 i;

	memset(&t, 0, sizeof t);
	t.msgs = msgs;
	t.n = n;
	t.alloc = n + n / 2 + 16;
	t.c_parent = xreallocarray(NULL, t.alloc, sizeof *t.c_parent);
	t.c_msg = xreallocarray(NULL, t.alloc, sizeof *t.c_msg);
	thread_table_init(&t.ids, n + n / 4 + 16);
	for (i = 0; i < n; i++)
		thread_add(&t, i);
	thread_collapse_missing(&t, parent);
	thread_by_subject(msgs, n, parent);
	free(t.c_parent);
	free(t.c_msg);
	thread_table_release(&t.ids);
}
