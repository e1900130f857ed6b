/* src/model/event.c: summaries, folders and the events that carry them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model/model.h"

void
summary_clear(struct summary *s)
{
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
