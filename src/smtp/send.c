/* src/smtp/send.c: one SMTP transaction, with a result per recipient. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
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
	int			 smtputf8;	/* offered (RFC 6531) */
	int			 eightbit;	/* 8BITMIME offered */
	char			*from;		/* as on the wire */
	char			**rcpts;	/* as on the wire */
	size_t			 nrcpts;
};

#define SENDER_MAX_REPLY_LINES	100	/* of one reply we read */

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

/* Whether the EHLO reply text offers keyword (a line of its own). */
static int
sender_ehlo_has(const char *text, const char *keyword)
{
	size_t		 n = strlen(keyword);
	const char	*p;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncasecmp(p, keyword, n) == 0 &&
		    (p[n] == '\0' || p[n] == '\n' || p[n] == '\r' ||
		    p[n] == ' '))
			return 1;
	}
	return 0;
}

/* Logs what the server offers that matters for sending. */
static void
sender_note_caps(struct sender *sd)
{
	const mailsmtp	*s = sd->s;

	/* libetpan parses neither: read them from the EHLO reply. */
	sd->smtputf8 = s->response != NULL &&
	    sender_ehlo_has(s->response, "SMTPUTF8");
	sd->eightbit = (s->esmtp & MAILSMTP_ESMTP_8BITMIME) != 0;

	log_info("%s: SIZE %s (%zu), 8BITMIME %s, SMTPUTF8 %s, PIPELINING %s",
	    sd->host, s->esmtp & MAILSMTP_ESMTP_SIZE ? "yes" : "no",
	    s->smtp_max_msg_size, sd->eightbit ? "yes" : "no",
	    sd->smtputf8 ? "yes" : "no", s->esmtp & MAILSMTP_ESMTP_PIPELINING ?
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

/*
 * Sends line (CRLF included) and reads the reply into the session's
 * response and response_code, as libetpan's own commands do (libetpan
 * has no MAIL FROM with BODY= or SMTPUTF8). Returns MAILSMTP_NO_ERROR
 * for a 2xx, MAILSMTP_ERROR_STREAM for a lost link, else
 * MAILSMTP_ERROR_UNEXPECTED_CODE.
 */
static int
sender_command(mailsmtp *s, const char *line)
{
	char	*l;
	int	 code = 0, n;

	if (mailstream_write(s->stream, line, strlen(line)) == -1 ||
	    mailstream_flush(s->stream) == -1)
		return MAILSMTP_ERROR_STREAM;
	mmap_string_assign(s->response_buffer, "");
	for (n = 0; n < SENDER_MAX_REPLY_LINES; n++) {
		if ((l = mailstream_read_line_remove_eol(s->stream,
		    s->line_buffer)) == NULL)
			return MAILSMTP_ERROR_STREAM;
		if (strlen(l) < 3 || l[0] < '1' || l[0] > '5')
			return MAILSMTP_ERROR_STREAM;
		code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
		mmap_string_append(s->response_buffer, l[3] != '\0' ?
		    l + 4 : "");
		mmap_string_append_c(s->response_buffer, '\n');
		if (l[3] != '-')
			break;
	}
	s->response = s->response_buffer->str;
	s->response_code = code;
	if (n == SENDER_MAX_REPLY_LINES)
		return MAILSMTP_ERROR_STREAM;
	return code / 100 == 2 ? MAILSMTP_NO_ERROR :
	    MAILSMTP_ERROR_UNEXPECTED_CODE;
}

/* Whether the header block of msg holds 8-bit bytes (RFC 6532 UTF-8). */
static int
sender_header_8bit(const char *msg, size_t len)
{
	const char	*end = memmem(msg, len, "\r\n\r\n", 4);

	return mime_has_8bit(msg, end != NULL ? (size_t)(end - msg) : len);
}

/*
 * The addresses as this server takes them: UTF-8 with SMTPUTF8, else
 * each internationalized domain in A-labels; a UTF-8 local part cannot
 * go without SMTPUTF8. *utf8p says whether MAIL needs SMTPUTF8.
 */
static int
sender_wire_addrs(struct sender *sd, const char *from, char *const *rcpts,
    size_t n, int *utf8p, struct error *err)
{
	size_t	 i;

	*utf8p = mime_has_8bit(from, strlen(from));
	for (i = 0; i < n; i++)
		*utf8p |= mime_has_8bit(rcpts[i], strlen(rcpts[i]));
	if (sd->smtputf8 && *utf8p) {
		sd->from = xstrdup(from);
		sd->rcpts = xcalloc(n, sizeof *sd->rcpts);
		for (sd->nrcpts = 0; sd->nrcpts < n; sd->nrcpts++)
			sd->rcpts[sd->nrcpts] = xstrdup(rcpts[sd->nrcpts]);
		return 0;
	}
	*utf8p = 0;
	if ((sd->from = mime_address_to_ascii(from, err)) == NULL)
		goto bad;
	sd->rcpts = xcalloc(n, sizeof *sd->rcpts);
	for (sd->nrcpts = 0; sd->nrcpts < n; sd->nrcpts++) {
		sd->rcpts[sd->nrcpts] = mime_address_to_ascii(rcpts[sd->nrcpts],
		    err);
		if (sd->rcpts[sd->nrcpts] == NULL)
			goto bad;
	}
	return 0;
bad:
	error_prefix(err, "%s: ", sd->host);
	return -1;
}

/* MAIL FROM with SIZE, BODY=8BITMIME and SMTPUTF8 as offered and needed. */
static int
sender_mail(struct sender *sd, const char *msg, size_t len, int utf8,
    struct error *err)
{
	struct sbuf	 cmd;
	int		 r, eight = mime_has_8bit(msg, len);

	if (!utf8 && sender_header_8bit(msg, len))
		return error_set(err, ERROR_SERVER, sd->smtputf8 ?
		    _("%s: the message has UTF-8 in its header") :
		    _("%s: the message has UTF-8 in its header and the "
		    "server does not offer SMTPUTF8"), sd->host);
	if (eight && !sd->eightbit && !utf8)
		return error_set(err, ERROR_SERVER, _("%s: the message has "
		    "8-bit data and the server does not offer 8BITMIME"),
		    sd->host);
	sbuf_init(&cmd);
	sbuf_addf(&cmd, "MAIL FROM:<%s>", sd->from);
	if (sd->s->esmtp & MAILSMTP_ESMTP_SIZE)
		sbuf_addf(&cmd, " SIZE=%zu", len);
	if (eight && sd->eightbit)
		sbuf_addstr(&cmd, " BODY=8BITMIME");
	if (utf8)
		sbuf_addstr(&cmd, " SMTPUTF8");
	sbuf_addstr(&cmd, "\r\n");
	log_info("%s: %.*s", sd->host, (int)cmd.len - 2, cmd.buf);
	sender_arm(sd, sd->timeout);
	r = sender_command(sd->s, cmd.buf);
	sbuf_release(&cmd);
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
		r = mailesmtp_rcpt(sd->s, sd->rcpts[i], 0, NULL);
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

/* The error for refused recipients: each named, as many as fit. */
static int
sender_rejected(struct sender *sd, const struct sender_report *rep,
    struct error *err)
{
	struct sbuf	 b;
	size_t		 i;
	int		 ret;

	sbuf_init(&b);
	for (i = 0; i < rep->nrejected && b.len < ERROR_MSG_MAX / 2; i++)
		sbuf_addf(&b, "%s%s (%d)", i > 0 ? ", " : "",
		    rep->rejected[i].addr, rep->rejected[i].code);
	if (i < rep->nrejected)
		sbuf_addf(&b, _(" and %zu more"), rep->nrejected - i);
	ret = error_set(err, ERROR_SERVER, rep->nrejected == 1 ?
	    _("%s refused the recipient %s: nothing sent") :
	    _("%s refused the recipients %s: nothing sent"), sd->host, b.buf);
	sbuf_release(&b);
	return ret;
}

static int
sender_run(struct sender *sd, const char *password, const char *from,
    char *const *rcpts, size_t n, const char *msg, size_t len,
    struct sender_report *rep, struct error *err)
{
	const mailsmtp	*s = sd->s;
	int		 utf8;

	sender_note_caps(sd);
	/* RFC 1870: the declared limit is checked before anything is sent. */
	if ((s->esmtp & MAILSMTP_ESMTP_SIZE) && s->smtp_max_msg_size > 0 &&
	    len > s->smtp_max_msg_size)
		return error_set(err, ERROR_SERVER, _("%s: the message is "
		    "%zu bytes, the server takes at most %zu"), sd->host, len,
		    s->smtp_max_msg_size);
	if (sender_wire_addrs(sd, from, rcpts, n, &utf8, err) == -1 ||
	    sender_auth(sd, password, err) == -1 ||
	    sender_mail(sd, msg, len, utf8, err) == -1 ||
	    sender_rcpts(sd, rcpts, n, rep, err) == -1)
		return -1;
	if (rep->nrejected > 0)
		return sender_rejected(sd, rep, err);
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
	free(sd.from);
	while (sd.nrcpts > 0)
		free(sd.rcpts[--sd.nrcpts]);
	free(sd.rcpts);
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
