/* src/smtp/send.c: one SMTP transaction, with a result per recipient. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "net/net.h"
#include "smtp/smtp.h"

/* A transaction under way. */
struct sender {
	const struct account	*account;
	mailsmtp		*s;
	struct net_watchdog	*wd;
	const char		*host;
	int			 timeout;
	int			 broken;	/* no QUIT on this link */
};

static void
sender_arm(struct sender *sd, int seconds)
{
	net_watchdog_arm(sd->wd, sd->s->stream, seconds);
}

/*
 * Disarms after a call that returned r; turns a fire into a time-out
 * and a lost link into ERROR_NET. Returns 0 if r can be looked at.
 */
static int
sender_done(struct sender *sd, int r, const char *what, struct error *err)
{
	if (net_watchdog_disarm(sd->wd)) {
		sd->broken = 1;
		return error_set(err, ERROR_NET, _("%s: %s timed out after "
		    "%d s"), sd->host, what, sd->timeout);
	}
	if (r == MAILSMTP_ERROR_STREAM) {
		sd->broken = 1;
		return error_set(err, ERROR_NET, _("%s: connection lost at "
		    "%s"), sd->host, what);
	}
	return 0;
}

/* The error for a refusal r of what (MAIL, DATA ...). */
static int
sender_refused(struct sender *sd, const char *what, struct error *err)
{
	char	 buf[256];

	net_smtp_reply(sd->s, buf, sizeof buf);
	log_warn("%s: %s refused: %d %s", sd->host, what,
	    sd->s->response_code, buf);
	return error_set(err, ERROR_SERVER, _("%s refused %s: %d %s"),
	    sd->host, what, sd->s->response_code, buf);
}

/* Logs what the server offers that matters for sending. */
static void
sender_note_caps(struct sender *sd)
{
	const mailsmtp	*s = sd->s;

	log_info("%s: SIZE %s (%zu), 8BITMIME %s, SMTPUTF8 %s, PIPELINING %s",
	    sd->host, s->esmtp & MAILSMTP_ESMTP_SIZE ? "yes" : "no",
	    s->smtp_max_msg_size, s->esmtp & MAILSMTP_ESMTP_8BITMIME ? "yes" :
	    "no", s->response != NULL && strstr(s->response, "SMTPUTF8") !=
	    NULL ? "yes" : "no", s->esmtp & MAILSMTP_ESMTP_PIPELINING ?
	    "yes" : "no");
}

static int
sender_auth(struct sender *sd, const char *password, struct error *err)
{
	int	 ret;

	if (sd->account->username == NULL || password == NULL)
		return error_set(err, ERROR_INPUT, _("account '%s' has no "
		    "user name or password"), sd->account->id);
	if (net_smtp_auth_ready(sd->s, sd->host, err) == -1)
		return -1;
	sender_arm(sd, sd->timeout);
	ret = net_smtp_auth(sd->s, sd->host, sd->account->username, password,
	    err);
	if (net_watchdog_disarm(sd->wd)) {
		sd->broken = 1;
		return error_set(err, ERROR_NET, _("%s: AUTH timed out after "
		    "%d s"), sd->host, sd->timeout);
	}
	if (ret == -1 && err != NULL && err->kind == ERROR_NET)
		sd->broken = 1;
	return ret;
}

static int
sender_mail(struct sender *sd, const char *from, size_t len,
    struct error *err)
{
	int	 r;

	sender_arm(sd, sd->timeout);
	if (sd->s->esmtp & MAILSMTP_ESMTP_SIZE)
		r = mailesmtp_mail_size(sd->s, from, 0, NULL, len);
	else
		r = mailesmtp_mail(sd->s, from, 0, NULL);
	if (sender_done(sd, r, "MAIL FROM", err) == -1)
		return -1;
	if (r != MAILSMTP_NO_ERROR)
		return sender_refused(sd, "MAIL FROM", err);
	return 0;
}

/* RCPT for each; every refusal goes to rep. -1 only for a lost link. */
static int
sender_rcpts(struct sender *sd, char *const *rcpts, size_t n,
    struct sender_report *rep, struct error *err)
{
	struct sender_reject	*rj;
	char			 buf[256];
	size_t			 i;
	int			 r;

	for (i = 0; i < n; i++) {
		sender_arm(sd, sd->timeout);
		r = mailesmtp_rcpt(sd->s, rcpts[i], 0, NULL);
		if (sender_done(sd, r, "RCPT TO", err) == -1)
			return -1;
		if (r == MAILSMTP_NO_ERROR)
			continue;
		net_smtp_reply(sd->s, buf, sizeof buf);
		log_warn("%s: recipient refused: %d %s", sd->host,
		    sd->s->response_code, buf);
		rep->rejected = xreallocarray(rep->rejected, rep->nrejected + 1,
		    sizeof *rep->rejected);
		rj = &rep->rejected[rep->nrejected++];
		rj->addr = xstrdup(rcpts[i]);
		rj->code = sd->s->response_code;
		rj->reply = xstrdup(buf);
	}
	return 0;
}

/* Seconds for moving len bytes. */
static int
sender_deadline(const struct sender *sd, size_t len)
{
	size_t	 extra = len / SENDER_MIN_RATE;

	if (extra > (size_t)(INT_MAX - sd->timeout))
		return INT_MAX;
	return sd->timeout + (int)extra;
}

static int
sender_data(struct sender *sd, const char *msg, size_t len,
    struct sender_report *rep, struct error *err)
{
	int	 r;

	sender_arm(sd, sd->timeout);
	r = mailsmtp_data(sd->s);
	if (sender_done(sd, r, "DATA", err) == -1)
		return -1;
	if (r != MAILSMTP_NO_ERROR)
		return sender_refused(sd, "DATA", err);
	/*
	 * libetpan ends the data with CRLF "." CRLF itself: a message that
	 * ends with a line end would arrive with an empty line more.
	 */
	if (len >= 2 && msg[len - 2] == '\r' && msg[len - 1] == '\n')
		len -= 2;
	sender_arm(sd, sender_deadline(sd, len));
	r = mailsmtp_data_message(sd->s, msg, len);
	if (sender_done(sd, r, _("the end of the message"), err) == -1) {
		/*
		 * mailsmtp_data_message sends all, then reads the answer:
		 * a lost link here may follow an accepted message.
		 */
		rep->uncertain = 1;
		return -1;
	}
	if (r != MAILSMTP_NO_ERROR)
		return sender_refused(sd, _("the message"), err);
	return 0;
}

/* Refuses what libetpan would put on the wire raw. */
static int
sender_check(const char *from, char *const *rcpts, size_t n,
    struct error *err)
{
	size_t	 i;

	if (n == 0)
		return error_set(err, ERROR_INPUT, _("no recipients"));
	if (n > SENDER_MAX_RCPTS)
		return error_set(err, ERROR_INPUT, _("more than %d "
		    "recipients"), SENDER_MAX_RCPTS);
	if (net_check_wire_string(_("sender address"), from, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (net_check_wire_string(_("recipient address"), rcpts[i],
		    err) == -1)
			return -1;
	}
	return 0;
}

static int
sender_run(struct sender *sd, const char *password, const char *from,
    char *const *rcpts, size_t n, const char *msg, size_t len,
    struct sender_report *rep, struct error *err)
{
	const mailsmtp	*s = sd->s;

	sender_note_caps(sd);
	if ((s->esmtp & MAILSMTP_ESMTP_SIZE) && s->smtp_max_msg_size > 0 &&
	    len > s->smtp_max_msg_size)
		return error_set(err, ERROR_SERVER, _("%s: the message is "
		    "%zu bytes, the server takes at most %zu"), sd->host, len,
		    s->smtp_max_msg_size);
	if (sender_auth(sd, password, err) == -1 ||
	    sender_mail(sd, from, len, err) == -1 ||
	    sender_rcpts(sd, rcpts, n, rep, err) == -1)
		return -1;
	if (rep->nrejected > 0)
		return error_set(err, ERROR_SERVER, rep->nrejected == 1 ?
		    _("%s refused a recipient (%s): nothing sent") :
		    _("%s refused recipients (%s and more): nothing sent"),
		    sd->host, rep->rejected[0].addr);
	return sender_data(sd, msg, len, rep, err);
}

int
sender_send(const struct account *a, const char *password, const char *from,
    char *const *rcpts, size_t n, const char *msg, size_t len,
    struct sender_report *rep, struct error *err)
{
	struct sender		 sd;
	struct net_target	 t;
	int			 ret;

	memset(rep, 0, sizeof *rep);
	if (a->smtp.host == NULL)
		return error_set(err, ERROR_INPUT, _("account '%s' names no "
		    "SMTP server"), a->id);
	if (len > SENDER_MAX_MESSAGE)
		return error_set(err, ERROR_INPUT, _("message larger than %d "
		    "bytes"), SENDER_MAX_MESSAGE);
	if (sender_check(from, rcpts, n, err) == -1)
		return -1;
	memset(&sd, 0, sizeof sd);
	sd.account = a;
	sd.wd = net_watchdog_new();
	net_target_from(&t, a, &a->smtp);
	t.watchdog = sd.wd;
	sd.host = t.host;
	sd.timeout = t.timeout > 0 ? t.timeout : NET_DEFAULT_TIMEOUT;
	log_info("%s: sending %zu bytes to %zu recipients", sd.host, len, n);
	if ((sd.s = net_smtp_open(&t, err)) == NULL) {
		net_watchdog_free(sd.wd);
		return -1;
	}
	ret = sender_run(&sd, password, from, rcpts, n, msg, len, rep, err);
	if (ret == 0)
		log_info("%s: message accepted", sd.host);
	net_smtp_close(sd.s, !sd.broken);
	net_watchdog_free(sd.wd);
	return ret;
}

void
sender_report_release(struct sender_report *rep)
{
	size_t	 i;

	for (i = 0; i < rep->nrejected; i++) {
		free(rep->rejected[i].addr);
		free(rep->rejected[i].reply);
	}
	free(rep->rejected);
	memset(rep, 0, sizeof *rep);
}
