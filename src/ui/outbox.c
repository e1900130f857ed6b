/*
 * src/ui/outbox.c: the outbox as a folder. Listed last in the folder
 * pane as "Outbox (N)" while it holds messages; opened, its messages
 * are in the index and the pager (with why each was not sent). It is
 * flushed on a thread of its own at start-up and on ^O (flush-outbox),
 * with progress on the status line and the outcome on the message line.
 */
#include "config.h"

#include <sys/stat.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "mime/mime.h"
#include "smtp/smtp.h"
#include "ui/internal.h"

/* No server names a folder so: IMAP names hold no DEL (0x7f). */
#define UI_OUTBOX_WIRE	"\177postern-outbox"
#define UI_OUTBOX_MAX_HEADER	(64 * 1024)	/* read to list an entry */

/* What the flush thread needs: nothing of the UI but its channel. */
struct ui_outbox_job {
	const struct account	*account;
	struct chan		*events;
	uint64_t		 serial;
};

/*
 * The account's worker, for a POP3 account's local Sent: set before a
 * flush thread starts, and the worker outlives it (ui_outbox_stop comes
 * first). The copy callback has no argument to carry it.
 */
static struct worker	*ui_outbox_worker;

static int
ui_outbox_copy(const struct account *a, const char *password,
    const char *msg, size_t len, struct error *err)
{
	if (a->backend != BACKEND_POP3)
		return imapc_append_sent(a, password, msg, len, err);
	if (ui_outbox_worker == NULL)
		return 0;
	return ui_local_sent(ui_outbox_worker, a, msg, len, err);
}

int
ui_outbox_is(struct ui *ui, size_t index)
{
	return index < ui->nfolders &&
	    strcmp(ui->folders[index].wire_name, UI_OUTBOX_WIRE) == 0;
}

/* Lists the outbox again and puts it last in the folder pane, or not. */
void
ui_outbox_refresh(struct ui *ui)
{
	struct folder_info	*f;
	struct error		 err = { 0 };
	size_t			 last = ui->nfolders;

	outbox_entries_free(ui->outbox, ui->noutbox);
	ui->outbox = NULL;
	ui->noutbox = 0;
	if (outbox_entries(ui->account, &ui->outbox, &ui->noutbox, &err) ==
	    -1)
		log_warn("%s", err.msg);
	if (last > 0 && ui_outbox_is(ui, last - 1))
		folder_info_clear(&ui->folders[--ui->nfolders]);
	if (ui->noutbox > 0 || ui->outbox_open) {
		ui->folders = xreallocarray(ui->folders, ui->nfolders + 1,
		    sizeof *ui->folders);
		f = &ui->folders[ui->nfolders++];
		memset(f, 0, sizeof *f);
		f->name = xasprintf(_("Outbox (%zu)"), ui->noutbox);
		f->wire_name = xstrdup(UI_OUTBOX_WIRE);
		f->selectable = 1;
		f->total = (uint32_t)ui->noutbox;
		f->unseen = FOLDER_COUNT_UNKNOWN;
	}
	if (ui->folder_cur >= ui->nfolders)
		ui->folder_cur = ui->nfolders > 0 ? ui->nfolders - 1 : 0;
	if (ui->acct_open < ui->naccts) {	/* ui->folders is borrowed */
		ui->accts[ui->acct_open].folders = ui->folders;
		ui->accts[ui->acct_open].nfolders = ui->nfolders;
		ui_side_rebuild(ui);
	}
	ui->dirty = 1;
}

/* A summary of entry i from its header (the file's time as its date). */
static void
ui_outbox_summary(struct ui *ui, size_t i, struct summary *s)
{
	struct mime_address_list l = { NULL, 0 };
	struct sbuf		 b;
	struct stat		 st;
	const char		*p, *end;

	memset(s, 0, sizeof *s);
	s->uid = (uint32_t)i + 1;
	s->flags = SUMMARY_SEEN;
	sbuf_init(&b);
	if (fs_read_file(ui->outbox[i].path, UI_OUTBOX_MAX_HEADER, &b,
	    NULL) == -1 && b.len == 0)
		sbuf_addstr(&b, "\r\n");
	if (stat(ui->outbox[i].path, &st) == 0) {
		s->date = st.st_mtime;
		s->size = (uint32_t)st.st_size;
	}
	if (mime_header_address_list(b.buf, b.len, "To", &l, NULL) == 0 &&
	    l.n > 0 && l.v[0].addr != NULL)
		s->from = xasprintf(_("To %s"), l.v[0].name != NULL ?
		    l.v[0].name : l.v[0].addr);
	else
		s->from = xstrdup(_("(no recipient)"));
	mime_address_list_release(&l);
	/* "Subject:" at the start of a line of the header. */
	for (p = b.buf; p != NULL && p < b.buf + b.len; p = end + 1) {
		if ((end = memchr(p, '\n', b.len - (size_t)(p - b.buf))) ==
		    NULL)
			break;
		if (end == p || (end == p + 1 && *p == '\r'))
			break;
		if (strncasecmp(p, "Subject:", 8) == 0) {
			s->subject = mime_decode_header(p + 8,
			    (size_t)(end - p - 8));
			break;
		}
	}
	if (s->subject == NULL)
		s->subject = xstrdup("");
	sbuf_release(&b);
}

void
ui_outbox_open(struct ui *ui)
{
	struct event	 ev;
	size_t		 i;

	ui->outbox_open = 1;
	ui_outbox_refresh(ui);
	ui_index_clear(ui);
	free(ui->folder_open);
	ui->folder_open = xstrdup(UI_OUTBOX_WIRE);
	/* Events of the folder the worker had open are stale now. */
	ui->folder_serial = ++ui->serial;
	ui->loading = 0;
	ui->folder_failed = 0;
	ui->msgs_total = (uint32_t)ui->noutbox;
	memset(&ev, 0, sizeof ev);
	ev.kind = EVENT_SUMMARIES;
	if (ui->noutbox > 0) {
		ev.summaries = xcalloc(ui->noutbox, sizeof *ev.summaries);
		for (i = 0; i < ui->noutbox; i++)
			ui_outbox_summary(ui, i, &ev.summaries[i]);
		ev.nsummaries = ui->noutbox;
		ui_index_add(ui, &ev);
	}
	if (ui->noutbox == 0)
		ui_set_message(ui, 0, "%s", _("The outbox is empty."));
}

void
ui_outbox_show(struct ui *ui)
{
	struct summary	*m = ui_index_current(ui);
	struct event	 ev;
	struct sbuf	 b;
	struct error	 err = { 0 };
	size_t		 i;

	if (m == NULL || m->uid == 0 || m->uid > ui->noutbox)
		return;
	i = m->uid - 1;
	sbuf_init(&b);
	if (fs_read_file(ui->outbox[i].path, SENDER_MAX_MESSAGE, &b,
	    &err) == -1) {
		sbuf_release(&b);
		ui_set_message(ui, 1, _("%s (sent meanwhile?)"), err.msg);
		return;
	}
	memset(&ev, 0, sizeof ev);
	ev.kind = EVENT_BODY;
	ev.uid = m->uid;
	ev.body_len = b.len;
	ev.body = sbuf_detach(&b, NULL);
	ui_pager_show(ui, &ev);
	free(ev.body);
	if (ui->outbox[i].error != NULL)
		ui_set_message(ui, 1, _("Not sent yet: %s"),
		    ui->outbox[i].error);
	else
		ui_set_message(ui, 0, "%s", _("Waiting in the outbox."));
}

static void
ui_outbox_post(struct ui_outbox_job *job, enum event_kind kind,
    const struct error *e, char *text, size_t done, size_t total)
{
	struct event	*ev;

	ev = xcalloc(1, sizeof *ev);
	ev->kind = kind;
	ev->serial = job->serial;
	ev->text = text;
	if (e != NULL)
		ev->err = *e;
	ev->done = (uint32_t)done;
	ev->total = (uint32_t)total;
	chan_push(job->events, ev);
}

static void
ui_outbox_progress(void *arg, size_t i, size_t n, const char *id,
    const struct error *e, int done)
{
	struct ui_outbox_job	*job = arg;

	(void)id;
	if (!done)
		ui_outbox_post(job, EVENT_STATUS, NULL, xasprintf(_("Outbox: "
		    "sending %zu of %zu..."), i + 1, n), i, n);
	else if (e != NULL)
		ui_outbox_post(job, EVENT_ERROR, e, NULL, i, n);
}

static void *
ui_outbox_run(void *arg)
{
	struct ui_outbox_job	*job = arg;
	size_t			 nsent = 0, nfailed = 0;

	outbox_flush_account(job->account, ui_outbox_copy,
	    ui_outbox_progress, job, &nsent, &nfailed);
	ui_outbox_post(job, EVENT_FOLDER_LOADED, NULL, NULL, nsent, nfailed);
	return NULL;
}

void
ui_outbox_flush(struct ui *ui)
{
	struct ui_outbox_job	*job;

	if (ui->outbox_job != NULL) {
		ui_set_message(ui, 0, "%s", _("The outbox is being sent."));
		return;
	}
	ui_outbox_refresh(ui);
	if (ui->noutbox == 0) {
		ui_set_message(ui, 0, "%s", _("The outbox is empty."));
		return;
	}
	job = xcalloc(1, sizeof *job);
	job->account = ui->account;
	job->events = ui->events;
	job->serial = ui->outbox_serial = ++ui->serial;
	ui_outbox_worker = ui->worker;
	if (pthread_create(&ui->outbox_thread, NULL, ui_outbox_run, job) !=
	    0) {
		free(job);
		ui_set_message(ui, 1, "%s", _("cannot start sending the "
		    "outbox"));
		return;
	}
	ui->outbox_job = job;
	free(ui->status);
	ui->status = xasprintf(_("Outbox: sending %zu..."), ui->noutbox);
	ui->dirty = 1;
}

/* The flush thread ended: join it, list again, say how it went. */
static void
ui_outbox_done(struct ui *ui, struct event *ev)
{
	pthread_join(ui->outbox_thread, NULL);
	free(ui->outbox_job);
	ui->outbox_job = NULL;
	free(ui->status);
	ui->status = NULL;
	if (ev->total == 0)
		ui_set_message(ui, 0, _("Outbox: %u sent."), ev->done);
	else
		ui_set_message(ui, 1, _("Outbox: %u sent, %u not sent: %s"),
		    ev->done, ev->total, ui->outbox_error != NULL ?
		    ui->outbox_error : "");
	free(ui->outbox_error);
	ui->outbox_error = NULL;
	if (ui->outbox_open)
		ui_outbox_open(ui);
	else
		ui_outbox_refresh(ui);
}

int
ui_outbox_event(struct ui *ui, struct event *ev)
{
	if (ui->outbox_job == NULL || ev->serial != ui->outbox_serial)
		return 0;
	switch (ev->kind) {
	case EVENT_STATUS:
		free(ui->status);
		ui->status = ev->text != NULL ? xstrdup(ev->text) : NULL;
		break;
	case EVENT_ERROR:
		free(ui->outbox_error);
		ui->outbox_error = xstrdup(ev->err.msg);
		break;
	case EVENT_FOLDER_LOADED:
		ui_outbox_done(ui, ev);
		break;
	default:
		break;
	}
	ui->dirty = 1;
	return 1;
}

void
ui_outbox_stop(struct ui *ui)
{
	if (ui->outbox_job != NULL) {
		/* A send under way ends within the account's time-outs. */
		pthread_join(ui->outbox_thread, NULL);
		free(ui->outbox_job);
		ui->outbox_job = NULL;
	}
	outbox_entries_free(ui->outbox, ui->noutbox);
	ui->outbox = NULL;
	ui->noutbox = 0;
	free(ui->outbox_error);
	ui->outbox_error = NULL;
}
