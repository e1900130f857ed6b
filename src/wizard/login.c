/*
 * src/wizard/login.c: one login on one server, for postern --check and
 * the set-up probe. Connect, verify TLS (all in net_*_open), log in, log
 * out. Nothing is sent or changed: no SELECT, no MAIL FROM, no DELE.
 */
#include <config.h>	/* autoconf's */

#include <stdlib.h>
#include <string.h>

#include <sasl/sasl.h>

#include "core/i18n.h"
#include "core/log.h"
#include "net/net.h"
#include "wizard/internal.h"

/*
 * libetpan sends "AUTH PLAIN <base64 of user NUL user NUL password>" from
 * a 513-byte buffer and cuts what does not fit: 11 + 4 * 124 + 2 bytes.
 */
#define LOGIN_PLAIN_MAX		(3 * 124 - 2)

/*
 * Checks the user name and gets the password, which is only asked for
 * now: after the connection is up and verified.
 */
static const char *
login_credentials(const struct wizard_login *l, struct error *err)
{
	const char	*pass;

	if (net_check_wire_string(_("user name"), l->username, err) == -1)
		return NULL;
	if ((pass = l->password(l->arg, err)) == NULL)
		return NULL;
	if (net_check_wire_string(_("password"), pass, err) == -1)
		return NULL;
	return pass;
}

static void
login_arm(const struct wizard_login *l, mailstream *s)
{
	net_watchdog_arm(l->wd, s, l->timeout);
}

/* Disarms; a fire turns any result into a time-out. Returns 1 if fired. */
static int
login_disarm(const struct wizard_login *l, const char *what,
    struct error *err)
{
	if (!net_watchdog_disarm(l->wd))
		return 0;
	error_set(err, ERROR_NET, _("%s timed out after %d s"), what,
	    l->timeout);
	return 1;
}

static int
login_imap_error(mailimap *imap, int r, struct error *err)
{
	const char	*text = imap->imap_response;

	if (text == NULL || *text == '\0')
		text = _("no reason given");
	switch (r) {
	case MAILIMAP_ERROR_LOGIN:
		return error_set(err, ERROR_AUTH, _("authentication failed: "
		    "%s"), text);
	case MAILIMAP_ERROR_STREAM:
		return error_set(err, ERROR_NET, _("connection lost during "
		    "LOGIN"));
	case MAILIMAP_ERROR_PARSE:
		return error_set(err, ERROR_PROTO, _("unexpected answer to "
		    "LOGIN"));
	default:
		return error_set(err, ERROR_SERVER, _("LOGIN failed (error "
		    "%d): %s"), r, text);
	}
}

int
wizard_login_imap(const struct wizard_login *l, const struct net_target *t,
    struct error *err)
{
	mailimap	*imap;
	const char	*pass;
	int		 r, ret, fired;

	if ((imap = net_imap_open(t, err)) == NULL)
		return -1;
	if ((pass = login_credentials(l, err)) == NULL) {
		net_imap_close(imap, 1);
		return -1;
	}
	log_info("%s: IMAP LOGIN on %s", l->who, t->host);
	login_arm(l, imap->imap_stream);
	r = mailimap_login(imap, l->username, pass);
	ret = r == MAILIMAP_NO_ERROR ? 0 : login_imap_error(imap, r, err);
	if ((fired = login_disarm(l, "LOGIN", err)))
		ret = -1;
	net_imap_close(imap, !fired);
	return ret;
}

static int
login_pop3_error(mailpop3 *f, int r, struct error *err)
{
	const char	*text = f->pop3_response;

	if (text == NULL || *text == '\0')
		text = _("no reason given");
	switch (r) {
	case MAILPOP3_ERROR_BAD_USER:
		return error_set(err, ERROR_AUTH, _("authentication failed: "
		    "user name refused: %s"), text);
	case MAILPOP3_ERROR_BAD_PASSWORD:
		return error_set(err, ERROR_AUTH, _("authentication failed: "
		    "%s"), text);
	case MAILPOP3_ERROR_STREAM:
		return error_set(err, ERROR_NET, _("connection lost during "
		    "login"));
	default:
		return error_set(err, ERROR_SERVER, _("login failed (error "
		    "%d): %s"), r, text);
	}
}

int
wizard_login_pop3(const struct wizard_login *l, const struct net_target *t,
    struct error *err)
{
	mailpop3	*f;
	const char	*pass;
	int		 r, ret, fired;

	if ((f = net_pop3_open(t, err)) == NULL)
		return -1;
	if ((pass = login_credentials(l, err)) == NULL) {
		net_pop3_close(f, 1);
		return -1;
	}
	log_info("%s: POP3 USER/PASS on %s", l->who, t->host);
	login_arm(l, f->pop3_stream);
	r = mailpop3_user(f, l->username);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(f, pass);
	ret = r == MAILPOP3_NO_ERROR ? 0 : login_pop3_error(f, r, err);
	if ((fired = login_disarm(l, "login", err)))
		ret = -1;
	net_pop3_close(f, !fired);	/* no DELE was sent: QUIT is safe */
	return ret;
}

/*
 * SMTP AUTH goes through cyrus-sasl, also PLAIN and LOGIN. Without
 * libsasl2-modules libetpan fails with the code of a wrong password;
 * ask cyrus-sasl first whether it can do mech at all.
 */
static int
login_sasl_mech(const char *host, const char *mech, struct error *err)
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
login_smtp_mech(mailsmtp *s, size_t len, struct error *err)
{
	if ((s->auth & MAILSMTP_AUTH_PLAIN) && len <= LOGIN_PLAIN_MAX)
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
login_mech_name(int mech)
{
	return mech == MAILSMTP_AUTH_PLAIN ? "PLAIN" : "LOGIN";
}

/* The server's last reply, its lines joined by spaces, cut to size. */
static const char *
login_smtp_text(const mailsmtp *s, char *buf, size_t size)
{
	size_t	 i;

	if (s->response == NULL || *s->response == '\0')
		return _("no reason given");
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

static int
login_smtp_error(mailsmtp *s, int r, struct error *err)
{
	char		 buf[256];
	const char	*text;

	text = login_smtp_text(s, buf, sizeof buf);
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
wizard_login_smtp(const struct wizard_login *l, const struct net_target *t,
    struct error *err)
{
	mailsmtp	*s;
	const char	*pass;
	int		 mech, again, r, ret = -1, fired = 0;

	if ((s = net_smtp_open(t, err)) == NULL)
		return -1;
	/* Whether we can authenticate at all, before asking for a password. */
	if ((mech = login_smtp_mech(s, 0, err)) == -1 ||
	    login_sasl_mech(t->host, login_mech_name(mech), err) == -1 ||
	    (pass = login_credentials(l, err)) == NULL)
		goto out;
	again = login_smtp_mech(s, strlen(l->username) + strlen(pass), err);
	if (again == -1 || (again != mech &&
	    login_sasl_mech(t->host, login_mech_name(again), err) == -1))
		goto out;
	log_info("%s: SMTP AUTH %s on %s", l->who, login_mech_name(again),
	    t->host);
	login_arm(l, s->stream);
	r = mailsmtp_auth_type(s, l->username, pass, again);
	ret = r == MAILSMTP_NO_ERROR ? 0 : login_smtp_error(s, r, err);
	if ((fired = login_disarm(l, "AUTH", err)))
		ret = -1;
out:
	net_smtp_close(s, !fired);
	return ret;
}
