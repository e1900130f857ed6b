/* src/net/smtp.c: opening and closing SMTP submission sessions. */
#include <config.h>	/* autoconf's */

#include <stdlib.h>
#include <string.h>

#include <sasl/sasl.h>

#include "core/i18n.h"
#include "core/log.h"
#include "net/internal.h"

/*
 * libetpan sends "AUTH PLAIN <base64 of user NUL user NUL password>" from
 * a 513-byte buffer and cuts what does not fit: 11 + 4 * 124 + 2 bytes.
 */
#define NET_SMTP_PLAIN_MAX	(3 * 124 - 2)

const char *
net_smtp_reply(const mailsmtp *s, char *buf, size_t size)
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
		    c->where, net_smtp_reply(s, buf, sizeof buf));
	case MAILSMTP_ERROR_STREAM:
		/* Also what an answer without a reply code gives. */
		if (*net_smtp_reply(s, buf, sizeof buf) == '\0')
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
	    c->where, s->response_code, net_smtp_reply(s, buf, sizeof buf));
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

/*
 * SMTP AUTH goes through cyrus-sasl, also PLAIN and LOGIN. Without
 * libsasl2-modules libetpan fails with the code of a wrong password;
 * ask cyrus-sasl first whether it can do mech at all.
 */
static int
net_smtp_sasl_mech(const char *host, const char *mech, struct error *err)
{
	/* No procedures: the values would come by interaction. */
	sasl_callback_t	 cb[] = {
		{ SASL_CB_USER, NULL, NULL },
		{ SASL_CB_AUTHNAME, NULL, NULL },
		{ SASL_CB_PASS, NULL, NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	sasl_conn_t	*conn = NULL;
	sasl_interact_t	*prompts = NULL;
	const char	*out = NULL, *used = NULL;
	unsigned	 outlen = 0;
	int		 r;

	if ((r = sasl_client_init(NULL)) != SASL_OK) {
		log_warn("sasl_client_init: %d", r);
		return error_set(err, ERROR_SYS, _("SASL module for %s "
		    "missing: install libsasl2-modules"), mech);
	}
	r = sasl_client_new("smtp", host, NULL, NULL, cb, 0, &conn);
	if (r == SASL_OK)
		r = sasl_client_start(conn, mech, &prompts, &out, &outlen,
		    &used);
	/* The mechanism's prompts are ours until the next step: none. */
	if (r == SASL_INTERACT)
		free(prompts);
	if (conn != NULL)
		sasl_dispose(&conn);
	sasl_client_done();
	/* A usable mechanism asks for the user (PLAIN) or continues. */
	if (r == SASL_INTERACT || r == SASL_OK || r == SASL_CONTINUE)
		return 0;
	log_warn("SASL cannot do %s: %d", mech, r);
	return error_set(err, ERROR_SYS, _("SASL module for %s missing: "
	    "install libsasl2-modules"), mech);
}

/*
 * PLAIN if offered and len (user name and password) fits libetpan's
 * buffer, else LOGIN; returns the MAILSMTP_AUTH_* bit.
 */
static int
net_smtp_mech(const mailsmtp *s, size_t len, struct error *err)
{
	if ((s->auth & MAILSMTP_AUTH_PLAIN) && len <= NET_SMTP_PLAIN_MAX)
		return MAILSMTP_AUTH_PLAIN;
	if (s->auth & MAILSMTP_AUTH_LOGIN)
		return MAILSMTP_AUTH_LOGIN;
	if (s->auth & MAILSMTP_AUTH_PLAIN)
		return error_set(err, ERROR_INPUT, _("user name and password "
		    "too long for SMTP AUTH PLAIN"));
	return error_set(err, ERROR_SERVER, _("server offers neither AUTH "
	    "PLAIN nor AUTH LOGIN"));
}

static const char *
net_smtp_mech_name(int mech)
{
	return mech == MAILSMTP_AUTH_PLAIN ? "PLAIN" : "LOGIN";
}

static int
net_smtp_auth_error(const mailsmtp *s, int r, struct error *err)
{
	char		 buf[256];
	const char	*text;

	text = net_smtp_reply(s, buf, sizeof buf);
	if (*text == '\0')
		text = _("no reason given");
	if ((r == MAILSMTP_ERROR_AUTH_LOGIN && s->response_code == 535) ||
	    r == MAILSMTP_ERROR_AUTH_AUTHENTICATION_FAILED)
		return error_set(err, ERROR_AUTH, _("authentication failed: "
		    "%d %s"), s->response_code, text);
	if (r == MAILSMTP_ERROR_STREAM)
		return error_set(err, ERROR_NET, _("connection lost during "
		    "AUTH"));
	return error_set(err, ERROR_SERVER, _("AUTH failed (error %d): %d %s"),
	    r, s->response_code, text);
}

int
net_smtp_auth_ready(mailsmtp *s, const char *host, struct error *err)
{
	int	 mech;

	if ((mech = net_smtp_mech(s, 0, err)) == -1)
		return -1;
	return net_smtp_sasl_mech(host, net_smtp_mech_name(mech), err);
}

int
net_smtp_auth(mailsmtp *s, const char *host, const char *user,
    const char *pass, struct error *err)
{
	int	 mech, r;

	if (net_check_wire_string(_("user name"), user, err) == -1 ||
	    net_check_wire_string(_("password"), pass, err) == -1)
		return -1;
	mech = net_smtp_mech(s, strlen(user) + strlen(pass), err);
	if (mech == -1 || net_smtp_sasl_mech(host, net_smtp_mech_name(mech),
	    err) == -1)
		return -1;
	log_info("%s: SMTP AUTH %s", host, net_smtp_mech_name(mech));
	r = mailsmtp_auth_type(s, user, pass, mech);
	if (r != MAILSMTP_NO_ERROR)
		return net_smtp_auth_error(s, r, err);
	return 0;
}
