/* src/model/event.c: summaries, folders and the events that carry them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "model/model.h"

void
summary_clear(struct summary *s)
{
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
