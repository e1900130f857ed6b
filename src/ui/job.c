/*
 * src/ui/job.c: the slow parts of sending, on a thread of their own so
 * the screen stays live: the SMTP send of an outbox entry, saving,
 * listing, fetching and deleting drafts. A job answers with one event
 * on the UI's channel, its serial marked UI_JOB_SERIAL.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "pop3/pop3.h"
#include "smtp/smtp.h"
#include "ui/internal.h"


static struct event *
job_event(struct ui_job *j, enum event_kind kind)
{
	struct event	*ev = xcalloc(1, sizeof *ev);

	ev->kind = kind;
	ev->serial = j->serial;
	ev->uid = j->uid;
	return ev;
}

static int
job_password(struct ui_job *j, struct error *err)
{
	struct error	 e = { 0 };

	if (j->pass != NULL)
		return 0;
	if (config_password(j->account, &j->pass, &e) == -1) {
		j->pass = NULL;
		return error_set(err, e.kind, _("cannot get the password: %s"),
		    e.msg);
	}
	return 0;
}

/* A POP3 account keeps Sent and Drafts as folders of its local store. */
static int
job_local(const struct ui_job *j)
{
	return j->account->backend == BACKEND_POP3;
}

/*
 * The answer of the account's worker (it alone holds a POP3 account's
 * store) to a local folder request made with reply: it always comes,
 * once. 0 and the event in *evp (the caller frees it), or -1 and err.
 */
static int
job_local_wait(struct chan *reply, struct event **evp, struct error *err)
{
	struct event	*ev;

	*evp = NULL;
	ev = chan_wait(reply, -1);
	chan_free(reply, event_free_cb);
	if (ev == NULL)
		return error_set(err, ERROR_SYS, "%s", _("no answer from the "
		    "account's local store"));
	if (ev->kind == EVENT_ERROR) {
		if (err != NULL)
			*err = ev->err;
		event_free(ev);
		return -1;
	}
	*evp = ev;
	return 0;
}

/* Saves msg into the local folder, with flags. */
static int
job_local_append(struct ui_job *j, const char *folder, const char *msg,
    size_t len, uint32_t flags, struct error *err)
{
	struct chan	*reply = chan_new();
	struct event	*ev;

	worker_append(j->worker, folder, msg, len, flags, reply, j->serial);
	if (job_local_wait(reply, &ev, err) == -1)
		return -1;
	event_free(ev);
	return 0;
}

int
ui_local_sent(struct worker *w, const struct account *a, const char *msg,
    size_t len, struct error *err)
{
	struct chan	*reply = chan_new();
	struct event	*ev;
	struct error	 e = { 0 }, fe = { 0 };

	worker_append(w, POP3_SENT, msg, len, SUMMARY_SEEN, reply, 0);
	if (job_local_wait(reply, &ev, &e) == 0) {
		event_free(ev);
		return 0;
	}
	/*
	 * Not through the worker: into the Maildir as a file, which the
	 * store indexes when it next opens. The copy is never lost.
	 */
	log_warn("%s: %s", a->id, e.msg);
	if (pop3_save_sent(a, NULL, msg, len, &fe) == 0)
		return error_set(err, e.kind, _("the copy in %s shows after a "
		    "restart (%s)"), POP3_SENT, e.msg);
	return error_set(err, fe.kind, _("no copy in %s: %s"), POP3_SENT,
	    fe.msg);
}

/* Drafts live on the IMAP server, or in a POP3 account's local Drafts. */
static int
job_draft_save(struct ui_job *j, struct error *err)
{
	if (job_local(j))
		return job_local_append(j, POP3_DRAFTS, j->msg.buf, j->msg.len,
		    SUMMARY_SEEN | SUMMARY_DRAFT, err);
	if (job_password(j, err) == -1)
		return -1;
	return imapc_append_draft(j->account, j->pass, j->msg.buf, j->msg.len,
	    err);
}

static int
job_draft_delete(struct ui_job *j, uint32_t uid, struct error *err)
{
	struct chan	*reply;
	struct event	*ev;

	if (job_local(j)) {
		reply = chan_new();
		worker_local_remove(j->worker, POP3_DRAFTS, uid, reply,
		    j->serial);
		if (job_local_wait(reply, &ev, err) == -1)
			return -1;
		event_free(ev);
		return 0;
	}
	if (job_password(j, err) == -1)
		return -1;
	return imapc_draft_delete(j->account, j->pass, uid, err);
}

static int
job_drafts_list(struct ui_job *j, struct event *out, struct error *err)
{
	struct chan	*reply;
	struct event	*ev;

	if (job_local(j)) {
		reply = chan_new();
		worker_local_list(j->worker, POP3_DRAFTS, reply, j->serial);
		if (job_local_wait(reply, &ev, err) == -1)
			return -1;
		out->summaries = ev->summaries;
		out->nsummaries = ev->nsummaries;
		ev->summaries = NULL;
		ev->nsummaries = 0;
		event_free(ev);
		return 0;
	}
	if (job_password(j, err) == -1)
		return -1;
	return imapc_drafts_list(j->account, j->pass, &out->summaries,
	    &out->nsummaries, err);
}

static int
job_draft_fetch(struct ui_job *j, struct sbuf *out, struct error *err)
{
	struct chan	*reply;
	struct event	*ev;

	if (job_local(j)) {
		reply = chan_new();
		worker_local_fetch(j->worker, POP3_DRAFTS, j->uid, reply,
		    j->serial);
		if (job_local_wait(reply, &ev, err) == -1)
			return -1;
		sbuf_add(out, ev->body, ev->body_len);
		event_free(ev);
		return 0;
	}
	if (job_password(j, err) == -1)
		return -1;
	return imapc_draft_fetch(j->account, j->pass, j->uid, out, err);
}

/* The copy in Sent on the IMAP server (POP3: job_send keeps it). */
static int
job_copy_sent(const struct account *a, const char *password, const char *msg,
    size_t len, struct error *err)
{
	if (a->backend != BACKEND_IMAP)
		return 0;
	return imapc_append_sent(a, password, msg, len, err);
}

/* Removes the files the message no longer needs (the editor's, ...). */
static void
job_unlink(struct ui_job *j)
{
	size_t	 i;

	for (i = 0; i < j->nunlink; i++) {
		if (unlink(j->unlink[i]) == -1)
			log_warn("cannot remove %s", j->unlink[i]);
	}
}

static struct event *
job_send(struct ui_job *j)
{
	struct event	*ev;
	struct error	 err = { 0 }, derr = { 0 }, serr = { 0 };
	char		*dir;

	if (outbox_send(j->account, j->id, &j->pass, job_copy_sent, NULL,
	    &err) == -1) {
		ev = job_event(j, EVENT_ERROR);
		dir = outbox_dir(j->account);
		error_set(&ev->err, err.kind, _("not sent: %s (the message "
		    "stays in the outbox, %s)"), err.msg, dir);
		free(dir);
		return ev;
	}
	/* A POP3 account's Sent is local: the worker saves the copy. */
	if (job_local(j) && ui_local_sent(j->worker, j->account, j->msg.buf,
	    j->msg.len, &serr) == -1)
		error_set(&serr, serr.kind, _("sent, but %s"), serr.msg);
	ev = job_event(j, EVENT_STATUS);
	if (j->uid != 0 && job_draft_delete(j, j->uid, &derr) == -1) {
		ev->kind = EVENT_ERROR;
		error_set(&ev->err, derr.kind, _("sent, but the draft stays: "
		    "%s"), derr.msg);
	} else if (serr.kind != ERROR_NONE) {
		ev->kind = EVENT_ERROR;
		ev->err = serr;
	} else
		ev->text = xstrdup(_("Message sent."));
	return ev;
}

static struct event *
job_postpone(struct ui_job *j)
{
	struct event	*ev;
	struct error	 err = { 0 };

	if (job_draft_save(j, &err) == -1) {
		ev = job_event(j, EVENT_ERROR);
		error_set(&ev->err, err.kind, _("draft not saved: %s (the "
		    "text is kept in %s)"), err.msg, j->nunlink > 0 ?
		    j->unlink[0] : "?");
		return ev;
	}
	job_unlink(j);
	/* A recalled draft postponed again replaces the old copy. */
	if (j->uid != 0)
		(void)job_draft_delete(j, j->uid, NULL);
	ev = job_event(j, EVENT_STATUS);
	ev->text = xstrdup(_("Message postponed."));
	return ev;
}

static void *
job_main(void *arg)
{
	struct ui_job	*j = arg;
	struct event	*ev = NULL;
	struct error	 err = { 0 };

	switch (j->kind) {
	case UI_JOB_SEND:
		ev = job_send(j);
		if (j->lockfd != -1)
			close(j->lockfd);
		break;
	case UI_JOB_POSTPONE:
		ev = job_postpone(j);
		break;
	case UI_JOB_DRAFTS:
		ev = job_event(j, EVENT_SUMMARIES);
		if (job_drafts_list(j, ev, &err) == -1) {
			ev->kind = EVENT_ERROR;
			ev->err = err;
		}
		break;
	case UI_JOB_DRAFT_FETCH:
		ev = job_event(j, EVENT_BODY);
		sbuf_init(&j->msg);
		if (job_draft_fetch(j, &j->msg, &err) == -1) {
			ev->kind = EVENT_ERROR;
			ev->err = err;
		} else
			ev->body = sbuf_detach(&j->msg, &ev->body_len);
		break;
	}
	ev->done = (uint32_t)j->kind;
	chan_push(j->events, ev);
	return NULL;
}

struct ui_job *
ui_job_new(struct ui *ui, enum ui_job_kind kind)
{
	struct ui_job	*j = xcalloc(1, sizeof *j);

	j->kind = kind;
	j->account = ui->account;
	j->worker = ui->worker;
	j->events = ui->events;
	j->serial = ++ui->serial | UI_JOB_SERIAL;
	j->lockfd = -1;
	sbuf_init(&j->msg);
	return j;
}

void
ui_job_add_unlink(struct ui_job *j, const char *path)
{
	j->unlink = xreallocarray(j->unlink, j->nunlink + 1,
	    sizeof *j->unlink);
	j->unlink[j->nunlink++] = xstrdup(path);
}

static void
ui_job_free(struct ui_job *j)
{
	size_t	 i;

	for (i = 0; i < j->nunlink; i++)
		free(j->unlink[i]);
	free(j->unlink);
	free(j->id);
	sbuf_release(&j->msg);
	config_password_free(j->pass);
	free(j);
}

/* Starts j on its thread; the UI keeps it until ui_jobs_join. */
void
ui_job_start(struct ui *ui, struct ui_job *j)
{
	ui->jobs = xreallocarray(ui->jobs, ui->njobs + 1, sizeof *ui->jobs);
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		log_error("cannot start a thread");
		job_main(j);	/* then here, blocking */
		j->joined = 1;
	}
	ui->jobs[ui->njobs++] = j;
}

/* Waits for every job (a send under way finishes first). */
void
ui_jobs_join(struct ui *ui)
{
	size_t	 i;

	for (i = 0; i < ui->njobs; i++) {
		if (!ui->jobs[i]->joined)
			pthread_join(ui->jobs[i]->thread, NULL);
		ui_job_free(ui->jobs[i]);
	}
	free(ui->jobs);
	ui->jobs = NULL;
	ui->njobs = 0;
}
