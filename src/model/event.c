/* src/model/event.c: summaries, folders and the events that carry them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "model/model.h"
#include "model/thread.h"

void
summary_clear(struct summary *s)
{
	int	 pooled = (s->thread & SUMMARY_POOLED) != 0;

	s->nrefs = 0;
	s->thread = 0;
	s->id_key = 0;
	if (s->block != NULL || pooled) {
		free(s->block);
		s->block = NULL;
		s->from = s->subject = s->to = s->cc = NULL;
		s->message_id = s->in_reply_to = s->references = NULL;
		return;
	}
	free(s->from);
	free(s->subject);
	free(s->to);
	free(s->cc);
	free(s->message_id);
	free(s->in_reply_to);
	free(s->references);
	s->from = s->subject = s->to = s->cc = NULL;
	s->message_id = s->in_reply_to = s->references = NULL;
}

void
summary_pack(struct summary *s)
{
	char	**f[] = { &s->from, &s->subject, &s->to, &s->cc,
		    &s->message_id, &s->in_reply_to, &s->references };
	size_t	  len[sizeof f / sizeof f[0]], total = 0, i;
	char	 *block, *p;

	if (s->block != NULL || (s->thread & SUMMARY_POOLED))
		return;
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		len[i] = *f[i] != NULL ? strlen(*f[i]) + 1 : 0;
		total += len[i];
	}
	p = block = xmalloc(total > 0 ? total : 1);
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (*f[i] == NULL)
			continue;
		memcpy(p, *f[i], len[i]);
		free(*f[i]);
		*f[i] = p;
		p += len[i];
	}
	s->block = block;
}

#define POOL_CHUNK	65536	/* bytes of strings per allocation */

struct pool_chunk {
	struct pool_chunk	*next;
	size_t			 used;
	size_t			 size;
	char			 text[];
};

struct summary_pool {
	struct pool_chunk	*chunks;
	const char		**slots;	/* open addressing; NULL: empty */
	size_t			 size;		/* a power of two */
	size_t			 used;
};

struct summary_pool *
summary_pool_new(void)
{
	struct summary_pool	*p;

	p = xcalloc(1, sizeof *p);
	p->size = 1024;
	p->slots = xcalloc(p->size, sizeof *p->slots);
	return p;
}

void
summary_pool_free(struct summary_pool *p)
{
	struct pool_chunk	*c, *next;

	if (p == NULL)
		return;
	for (c = p->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(p->slots);
	free(p);
}

static size_t
pool_home(const struct summary_pool *p, const char *s, size_t len)
{
	return (size_t)thread_key(s, len) & (p->size - 1);
}

static void
pool_grow(struct summary_pool *p)
{
	const char	**old = p->slots;
	size_t		  oldsize = p->size, i, j;

	p->size *= 2;
	p->slots = xcalloc(p->size, sizeof *p->slots);
	for (i = 0; i < oldsize; i++) {
		if (old[i] == NULL)
			continue;
		j = pool_home(p, old[i], strlen(old[i]));
		while (p->slots[j] != NULL)
			j = (j + 1) & (p->size - 1);
		p->slots[j] = old[i];
	}
	free(old);
}

/* The pool's copy of s (NULL stays NULL). */
static char *
pool_intern(struct summary_pool *p, const char *s)
{
	struct pool_chunk	*c;
	size_t			 len, i, want;
	char			*copy;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (p->used >= p->size / 4 * 3)	/* up to three quarters full */
		pool_grow(p);
	for (i = pool_home(p, s, len); p->slots[i] != NULL;
	    i = (i + 1) & (p->size - 1)) {
		if (strcmp(p->slots[i], s) == 0)
			return (char *)p->slots[i];
	}
	c = p->chunks;
	if (c == NULL || c->size - c->used < len + 1) {
		want = len + 1 > POOL_CHUNK ? len + 1 : POOL_CHUNK;
		c = xmalloc(sizeof *c + want);
		c->size = want;
		c->used = 0;
		c->next = p->chunks;
		p->chunks = c;
	}
	copy = c->text + c->used;
	memcpy(copy, s, len + 1);
	c->used += len + 1;
	p->slots[i] = copy;
	p->used++;
	return copy;
}

/* The four shown strings into the pool, the keys alone in the block. */
static void
summary_compact_pool(struct summary *s, struct summary_pool *pool)
{
	uint64_t	 refs[THREAD_MAX_REFS], id;
	size_t		 nrefs;
	char		*from, *subject, *to, *cc, *block = NULL;
	unsigned	 thread;

	if (s->message_id != NULL || s->in_reply_to != NULL ||
	    s->references != NULL) {
		nrefs = thread_keys_parse(s->message_id, s->in_reply_to,
		    s->references, &id, refs);
		thread = s->references != NULL || s->in_reply_to != NULL ?
		    SUMMARY_THREAD_LINKED : 0;
	} else {
		id = s->id_key;
		nrefs = s->nrefs;
		if (nrefs > 0)
			memcpy(refs, summary_refs(s), nrefs * sizeof *refs);
		thread = s->thread & SUMMARY_THREAD_LINKED;
	}
	from = pool_intern(pool, s->from);
	subject = pool_intern(pool, s->subject);
	to = pool_intern(pool, s->to);
	cc = pool_intern(pool, s->cc);
	if (nrefs > 0) {
		block = xreallocarray(NULL, nrefs, sizeof *refs);
		memcpy(block, refs, nrefs * sizeof *refs);
	}
	summary_clear(s);
	s->from = from;
	s->subject = subject;
	s->to = to;
	s->cc = cc;
	s->block = block;
	s->id_key = id;
	s->nrefs = (uint16_t)nrefs;
	s->thread = (uint8_t)(thread | SUMMARY_POOLED);
}

void
summary_compact(struct summary *s, struct summary_pool *pool)
{
	char		**f[] = { &s->from, &s->subject, &s->to, &s->cc };
	uint64_t	  refs[THREAD_MAX_REFS], id;
	size_t		  len[sizeof f / sizeof f[0]], total, i, nrefs;
	char		 *block, *p;
	int		  linked;

	if (s->thread & SUMMARY_POOLED)
		return;
	if (pool != NULL) {
		summary_compact_pool(s, pool);
		return;
	}
	if (s->message_id == NULL && s->in_reply_to == NULL &&
	    s->references == NULL) {
		summary_pack(s);
		return;
	}
	nrefs = thread_keys_parse(s->message_id, s->in_reply_to,
	    s->references, &id, refs);
	total = nrefs * sizeof *refs;
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		len[i] = *f[i] != NULL ? strlen(*f[i]) + 1 : 0;
		total += len[i];
	}
	/* malloc's alignment suits the keys at the start. */
	block = xmalloc(total > 0 ? total : 1);
	memcpy(block, refs, nrefs * sizeof *refs);
	p = block + nrefs * sizeof *refs;
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (*f[i] == NULL)
			continue;
		memcpy(p, *f[i], len[i]);
		p += len[i];
	}
	linked = s->references != NULL || s->in_reply_to != NULL;
	summary_clear(s);
	if (linked)
		s->thread |= SUMMARY_THREAD_LINKED;
	p = block + nrefs * sizeof *refs;
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (len[i] == 0)
			continue;
		*f[i] = p;
		p += len[i];
	}
	s->block = block;
	s->id_key = id;
	s->nrefs = (uint16_t)nrefs;
}

const uint64_t *
summary_refs(const struct summary *s)
{
	if (s->nrefs == 0 || s->block == NULL)
		return NULL;
	return (const uint64_t *)(const void *)s->block;
}

void
folder_info_clear(struct folder_info *f)
{
	free(f->name);
	free(f->wire_name);
	f->name = f->wire_name = NULL;
}

void
event_free(struct event *ev)
{
	size_t	 i;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->nfolders; i++)
		folder_info_clear(&ev->folders[i]);
	free(ev->folders);
	for (i = 0; i < ev->nsummaries; i++)
		summary_clear(&ev->summaries[i]);
	free(ev->summaries);
	free(ev->text);
	free(ev->body);
	free(ev->uids);
	free(ev);
}

void
event_free_cb(void *ev)
{
	event_free(ev);
}
