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
	s->nrefs = 0;
	s->thread = 0;
	s->id_key = 0;
	if (s->block != NULL) {
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

	if (s->block != NULL)
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

void
summary_compact(struct summary *s)
{
	char		**f[] = { &s->from, &s->subject, &s->to, &s->cc };
	uint64_t	  refs[THREAD_MAX_REFS], id;
	size_t		  len[sizeof f / sizeof f[0]], total, i, nrefs;
	char		 *block, *p;
	int		  linked;

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
