/* src/net/smtp.c: opening and closing SMTP submission sessions. */
#include <config.h>	/* autoconf's */

#include "core/i18n.h"
#include "core/log.h"
#include "net/internal.h"

/* The server's last reply, its lines joined by spaces, cut to size. */
static const char *
net_smtp_text(const mailsmtp *s, char *buf, size_t size)
{
	size_t	 i;

	if (s->response == NULL)
		return "";
	for (i = 0; i + 1 < size && s->response[i] != '\0'; i++) {
		buf[i] = s->response[i];
		if (buf[i] == '\r' || buf[i] == '\n')
			buf[i] = ' ';
	}
	while (i > 0 && buf[i - 1] == ' ')
		i--;
	buf[i] = '\0';
	return buf;
}

static void
net_smtp_discard(mailsmtp *s)
{
	if (s->stream != NULL) {
		net_stream_discard(s->stream);
		s->stream = NULL;
	}
}

static int
net_smtp_greeting(struct net_conn *c, mailsmtp *s, mailstream *stream,
    struct error *err)
{
	char	 buf[256];

	/* On failure mailsmtp_connect frees stream: the watchdog has none. */
	switch (mailsmtp_connect(s, stream)) {
	case MAILSMTP_NO_ERROR:
		return 0;
	case MAILSMTP_ERROR_SERVICE_NOT_AVAILABLE:
		return error_set(err, ERROR_SERVER, _("%s refused service: %s"),
		    c->where, net_smtp_text(s, buf, sizeof buf));
	case MAILSMTP_ERROR_STREAM:
		/* Also what an answer without a reply code gives. */
		if (*net_smtp_text(s, buf, sizeof buf) == '\0')
			return error_set(err, ERROR_NET, _("%s closed the "
			    "connection before greeting"), c->where);
		/* FALLTHROUGH */
	default:
		return error_set(err, ERROR_PROTO, _("%s did not greet as an "
		    "SMTP server"), c->where);
	}
}

/* EHLO with our address literal rather than our host name. */
static int
net_smtp_ehlo(struct net_conn *c, mailsmtp *s, struct error *err)
{
	char	 buf[256];
	int	 r;

	r = mailesmtp_ehlo_with_ip(s, 1);
	if (r == MAILSMTP_ERROR_HOSTNAME)
		r = mailesmtp_ehlo(s);
	if (r == MAILSMTP_NO_ERROR)
		return 0;
	if (r == MAILSMTP_ERROR_STREAM)
		return error_set(err, ERROR_NET, _("%s closed the connection"),
		    c->where);
	return error_set(err, ERROR_PROTO, _("%s rejected EHLO: %d %s"),
	    c->where, s->response_code, net_smtp_text(s, buf, sizeof buf));
}

static int
net_smtp_starttls(struct net_conn *c, mailsmtp *s, struct error *err)
{
	int	 r;

	if ((s->esmtp & MAILSMTP_ESMTP_STARTTLS) == 0)
		return net_conn_no_starttls(c, "STARTTLS", err);
	r = mailesmtp_starttls(s);
	/* MAILSMTP_ERROR_SSL: Debian's CVE-2020-15953 fix saw extra bytes. */
	if (r == MAILSMTP_ERROR_SSL || s->stream->read_buffer_len != 0)
		return net_conn_injected(c, err);
	if (r == MAILSMTP_ERROR_STREAM)
		return error_set(err, ERROR_NET, _("%s closed the connection "
		    "at STARTTLS"), c->where);
	if (r != MAILSMTP_NO_ERROR)
		return error_set(err, ERROR_TLS, _("%s refused STARTTLS (%d); "
		    "refusing to send credentials"), c->where,
		    s->response_code);
	if (net_conn_starttls(c, s->stream, err) == -1)
		return -1;
	/* Forget what was said in plaintext (AUTH is hidden before TLS). */
	return net_smtp_ehlo(c, s, err);
}

mailsmtp *
net_smtp_open(const struct net_target *t, struct error *err)
{
	struct net_conn	 c;
	mailsmtp	*s;
	mailstream	*stream;
	int		 ret = -1;

	if (net_conn_begin(&c, t, err) == -1)
		return NULL;
	if ((s = mailsmtp_new(0, NULL)) == NULL) {
		error_set(err, ERROR_SYS, "mailsmtp_new");
		goto out;
	}
	mailsmtp_set_timeout(s, c.timeout);
	if ((stream = net_conn_stream(&c, err)) == NULL)
		goto out;
	if (net_smtp_greeting(&c, s, stream, err) == -1)
		goto out;
	/*
	 * SMTP answers are read line by line and end at EOF: no spin, so
	 * shutting the socket down (what the watchdog does without a
	 * stream) is enough to end a trickle.
	 */
	if (net_smtp_ehlo(&c, s, err) == -1)
		goto out;
	if (c.security == SECURITY_STARTTLS)
		ret = net_smtp_starttls(&c, s, err);
	else
		ret = 0;
out:
	if (net_conn_end(&c, ret, err) == 0)
		return s;
	if (s != NULL) {
		net_smtp_discard(s);
		mailsmtp_free(s);
	}
	return NULL;
}

void
net_smtp_close(mailsmtp *s, int polite)
{
	if (s == NULL)
		return;
	/* mailsmtp_quit sends QUIT and closes without reading an answer. */
	if (polite && s->stream != NULL)
		mailsmtp_quit(s);
	net_smtp_discard(s);
	mailsmtp_free(s);
}
