/*
 * src/smtp/queue.c: sending through the outbox: a new message (batch
 * mode) and the retry of every queued one (--flush-outbox).
 *
 * A link lost after the final dot leaves the message in the outbox and
 * it is sent again on the next flush: RFC 5321 6.1 says the client
 * cannot know whether the server took it, and a duplicate (with the
 * same Message-ID, which clients can fold) is better than a loss. The
 * ID.err file and the report say "uncertain" so the user knows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr/addr.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "smtp/internal.h"
#include "smtp/smtp.h"

/* Tells warn about each refused recipient and an uncertain end. */
static void
queue_report(FILE *warn, const struct sender_report *rep)
{
	size_t	 i;

	if (warn == NULL)
		return;
	for (i = 0; i < rep->nrejected; i++)
		fprintf(warn, _("  recipient refused: %s: %d %s\n"),
		    rep->rejected[i].addr, rep->rejected[i].code,
		    rep->rejected[i].reply);
	if (rep->uncertain)
		fprintf(warn, "%s\n", _("  the link broke after the whole "
		    "message was sent: the server may have it, and a retry "
		    "may deliver it twice"));
}

static int
queue_password(const struct account *a, char **passp, struct error *err)
{
	struct error	 e = { 0 };

	if (*passp != NULL)
		return 0;
	if (config_password(a, passp, &e) == -1) {
		*passp = NULL;
		return error_set(err, e.kind, _("cannot get the password: %s"),
		    e.msg);
	}
	return 0;
}

/* After a send: out of the outbox, then the copy in Sent. */
static void
queue_sent(const struct account *a, const char *dir, const char *id,
    const char *pass, const struct sbuf *msg, sender_copy_cb copy,
    FILE *warn)
{
	struct error	 e = { 0 };

	if (outbox_remove(dir, id, &e) == -1) {
		log_error("%s", e.msg);
		if (warn != NULL)
			fprintf(warn, _("postern: warning: sent, but still in "
			    "the outbox (remove %s/%s.eml by hand): %s\n"),
			    dir, id, e.msg);
	}
	if (copy == NULL)
		return;
	if (copy(a, pass, msg->buf, msg->len, &e) == -1) {
		log_warn("%s: no copy in Sent: %s", a->id, e.msg);
		if (warn != NULL)
			fprintf(warn, _("postern: warning: sent, but no copy "
			    "saved in Sent: %s\n"), e.msg);
	}
}

int
outbox_send(const struct account *a, const char *id, char **passp,
    sender_copy_cb copy, FILE *warn, struct error *err)
{
	struct mime_envelope	 env;
	struct sender_report	 rep;
	struct sbuf		 msg;
	char			*dir, *path;
	int			 ret = -1;

	memset(&rep, 0, sizeof rep);
	memset(&env, 0, sizeof env);
	sbuf_init(&msg);
	dir = outbox_dir(a);
	path = xasprintf("%s/%s.eml", dir, id);
	if (fs_read_file(path, SENDER_MAX_MESSAGE, &msg, err) == -1 ||
	    outbox_read_env(dir, id, &env, err) == -1)
		goto out;
	if (queue_password(a, passp, err) == -1 ||
	    sender_send(a, *passp, env.from, env.rcpts, env.nrcpts, msg.buf,
	    msg.len, &rep, err) == -1) {
		outbox_record_error(dir, id, err, &rep);
		queue_report(warn, &rep);
		goto out;
	}
	queue_sent(a, dir, id, *passp, &msg, copy, warn);
	addrbook_note_message(msg.buf, msg.len, env.rcpts, env.nrcpts,
	    ADDR_USE_SENT);
	ret = 0;
out:
	sender_report_release(&rep);
	mime_envelope_release(&env);
	sbuf_release(&msg);
	free(path);
	free(dir);
	return ret;
}

/* "Name" <email> for the account, the name quoted for the parser. */
static char *
queue_from(const struct account *a)
{
	struct sbuf	 b;
	const char	*p;

	if (a->name == NULL || *a->name == '\0')
		return xstrdup(a->email);
	sbuf_init(&b);
	sbuf_addch(&b, '"');
	for (p = a->name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_addch(&b, '\\');
		sbuf_addch(&b, *p);
	}
	sbuf_addf(&b, "\" <%s>", a->email);
	return sbuf_detach(&b, NULL);
}

int
outbox_send_draft(const struct account *a, const struct mime_draft *d,
    sender_copy_cb copy, FILE *warn, struct error *err)
{
	struct mime_draft	 dd = *d;
	struct mime_envelope	 env;
	struct sbuf		 msg;
	char			*from = NULL, *id = NULL, *pass = NULL, *dir;
	int			 lockfd = -1, ret = -1;

	sbuf_init(&msg);
	if (dd.from == NULL)
		dd.from = from = queue_from(a);
	if (mime_build(&dd, &msg, &env, err) == -1)
		goto out;
	if (env.nrcpts == 0) {
		error_set(err, ERROR_INPUT, _("no recipients"));
		mime_envelope_release(&env);
		goto out;
	}
	ret = outbox_put(a, &env, msg.buf, msg.len, &id, &lockfd, err);
	mime_envelope_release(&env);
	if (ret == -1)
		goto out;
	ret = outbox_send(a, id, &pass, copy, warn, err);
	if (ret == -1 && warn != NULL) {
		dir = outbox_dir(a);
		fprintf(warn, _("postern: the message is kept in the outbox: "
		    "%s/%s.eml\n"), dir, id);
		free(dir);
	}
	close(lockfd);
out:
	config_password_free(pass);
	free(id);
	free(from);
	sbuf_release(&msg);
	return ret;
}

/* Tries every entry of one account's outbox; 1 if one failed. */
static int
queue_flush_account(const struct account *a, sender_copy_cb copy, FILE *out)
{
	struct error	 e = { 0 };
	char		*dir, **ids = NULL, *pass = NULL;
	size_t		 i, n = 0;
	int		 fd, failed = 0;

	dir = outbox_dir(a);
	if (outbox_list(dir, &ids, &n, &e) == -1) {
		fprintf(out, _("%s: FAILED: %s\n"), a->id, e.msg);
		failed = 1;
	}
	for (i = 0; i < n; i++) {
		fd = outbox_lock(dir, ids[i]);
		if (fd == -2)
			fprintf(out, _("%s %s: skipped: another process is "
			    "sending it\n"), a->id, ids[i]);
		if (fd < 0)
			continue;
		error_clear(&e);
		if (outbox_send(a, ids[i], &pass, copy, out, &e) == 0)
			fprintf(out, _("%s %s: sent\n"), a->id, ids[i]);
		else {
			fprintf(out, _("%s %s: FAILED: %s\n"), a->id, ids[i],
			    e.msg);
			failed = 1;
		}
		fflush(out);
		close(fd);
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	config_password_free(pass);
	free(dir);
	return failed;
}

int
outbox_flush(const struct config *c, const char *account_id,
    sender_copy_cb copy, FILE *out, struct error *err)
{
	const struct account	*a;
	size_t			 i;
	int			 failed = 0;

	if (account_id != NULL) {
		if ((a = config_find_account(c, account_id)) == NULL)
			return error_set(err, ERROR_INPUT, _("no account "
			    "named '%s' in %s"), account_id, c->path);
		return queue_flush_account(a, copy, out);
	}
	for (i = 0; i < c->naccounts; i++) {
		if (queue_flush_account(&c->accounts[i], copy, out) != 0)
			failed = 1;
	}
	return failed;
}

int
outbox_flush_account(const struct account *a, sender_copy_cb copy,
    outbox_progress_cb progress, void *arg, size_t *nsentp,
    size_t *nfailedp)
{
	struct error	 e = { 0 };
	char		*dir, **ids = NULL, *pass = NULL;
	size_t		 i, n = 0;
	int		 fd;

	*nsentp = *nfailedp = 0;
	dir = outbox_dir(a);
	if (outbox_list(dir, &ids, &n, &e) == -1) {
		if (progress != NULL)
			progress(arg, 0, 0, "", &e, 1);
		(*nfailedp)++;
	}
	for (i = 0; i < n; i++) {
		if ((fd = outbox_lock(dir, ids[i])) < 0)
			continue;	/* gone, or another process sends it */
		if (progress != NULL)
			progress(arg, i, n, ids[i], NULL, 0);
		error_clear(&e);
		if (outbox_send(a, ids[i], &pass, copy, NULL, &e) == 0) {
			(*nsentp)++;
			if (progress != NULL)
				progress(arg, i, n, ids[i], NULL, 1);
		} else {
			(*nfailedp)++;
			if (progress != NULL)
				progress(arg, i, n, ids[i], &e, 1);
		}
		close(fd);
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	config_password_free(pass);
	free(dir);
	return *nfailedp > 0;
}
