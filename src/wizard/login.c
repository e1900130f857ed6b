/*
 * src/wizard/login.c: one login on one server, for postern --check and
 * the set-up probe. Connect, verify TLS (all in net_*_open), log in, log
 * out. Nothing is sent or changed: no SELECT, no MAIL FROM, no DELE.
 */
#include <config.h>	/* autoconf's */

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/log.h"
#include "net/net.h"
#include "wizard/internal.h"

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

int
wizard_login_smtp(const struct wizard_login *l, const struct net_target *t,
    struct error *err)
{
	mailsmtp	*s;
	const char	*pass;
	int		 ret = -1, fired = 0;

	if ((s = net_smtp_open(t, err)) == NULL)
		return -1;
	/* Whether we can authenticate at all, before asking for a password. */
	if (net_smtp_auth_ready(s, t->host, err) == -1 ||
	    (pass = login_credentials(l, err)) == NULL)
		goto out;
	log_info("%s: SMTP AUTH on %s", l->who, t->host);
	login_arm(l, s->stream);
	ret = net_smtp_auth(s, t->host, l->username, pass, err);
	if ((fired = login_disarm(l, "AUTH", err)))
		ret = -1;
out:
	net_smtp_close(s, !fired);
	return ret;
}
