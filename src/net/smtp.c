/* src/net/smtp.c: opening and closing SMTP submission sessions. */
#include <config.h>	/* autoconf's */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* The mechanisms we use, strongest first; bit is libetpan's, if any. */
static const struct net_smtp_mech {
	const char	*name;
	int		 bit;
} net_smtp_mechs[] = {
	{ "SCRAM-SHA-256", 0 },
	{ "SCRAM-SHA-1", 0 },
	{ "CRAM-MD5", MAILSMTP_AUTH_CRAM_MD5 },
	{ "PLAIN", MAILSMTP_AUTH_PLAIN },
	{ "LOGIN", MAILSMTP_AUTH_LOGIN },
};
#define NET_SMTP_NMECHS	(sizeof net_smtp_mechs / sizeof net_smtp_mechs[0])

/*
 * Whether the EHLO reply (still in s->response: nothing was sent since)
 * names mech on its AUTH line; libetpan knows no SCRAM.
 */
static int
net_smtp_offers(const mailsmtp *s, const struct net_smtp_mech *m)
{
	const char	*p, *end;
	size_t		 n = strlen(m->name);

	if (m->bit != 0)
		return (s->auth & m->bit) != 0;
	for (p = s->response; p != NULL && *p != '\0'; p = end) {
		if ((end = strchr(p, '\n')) == NULL)
			end = p + strlen(p);
		if (strncasecmp(p, "AUTH ", 5) == 0 ||
		    strncasecmp(p, "AUTH=", 5) == 0) {
			for (p += 5; p + n <= end; p++) {
				if (strncasecmp(p, m->name, n) == 0 &&
				    (p[-1] == ' ' || p[-1] == '=') &&
				    (p + n == end || p[n] == ' ' ||
				    p[n] == '\r'))
					return 1;
			}
		}
		if (*end == '\n')
			end++;
	}
	return 0;
}

/*
 * The strongest mechanism both offered and usable: its SASL module
 * present, and for PLAIN len (user name and password) fitting
 * libetpan's buffer. An offered mechanism without its module is
 * skipped; when none is left that is what err says.
 */
static const struct net_smtp_mech *
net_smtp_mech(const mailsmtp *s, const char *host, size_t len,
    struct error *err)
{
	const struct net_smtp_mech	*m, *missing = NULL;
	size_t				 i;
	int				 offered = 0;

	for (i = 0; i < NET_SMTP_NMECHS; i++) {
		m = &net_smtp_mechs[i];
		if (!net_smtp_offers(s, m))
			continue;
		offered = 1;
		if (m->bit == MAILSMTP_AUTH_PLAIN && len > NET_SMTP_PLAIN_MAX)
			continue;
		if (net_smtp_sasl_mech(host, m->name, NULL) == 0)
			return m;
		if (missing == NULL)
			missing = m;
	}
	if (missing != NULL)
		net_smtp_sasl_mech(host, missing->name, err);
	else if (offered)
		error_set(err, ERROR_INPUT, _("user name and password too "
		    "long for SMTP AUTH PLAIN"));
	else
		error_set(err, ERROR_SERVER, _("server offers no AUTH "
		    "mechanism Postern knows (SCRAM-SHA-256, SCRAM-SHA-1, "
		    "CRAM-MD5, PLAIN, LOGIN)"));
	return NULL;
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
	return net_smtp_mech(s, host, 0, err) == NULL ? -1 : 0;
}

int
net_smtp_auth(mailsmtp *s, const char *host, const char *user,
    const char *pass, struct error *err)
{
	const struct net_smtp_mech	*m;
	int				 r;

	if (net_check_wire_string(_("user name"), user, err) == -1 ||
	    net_check_wire_string(_("password"), pass, err) == -1)
		return -1;
	if ((m = net_smtp_mech(s, host, strlen(user) + strlen(pass),
	    err)) == NULL)
		return -1;
	log_info("%s: SMTP AUTH %s", host, m->name);
	r = mailesmtp_auth_sasl(s, m->name, host, NULL, NULL, user, user,
	    pass, NULL);
	if (r != MAILSMTP_NO_ERROR)
		return net_smtp_auth_error(s, r, err);
	return 0;
}
