/*
 * src/wizard/check.c: postern --check. For each service of an account:
 * connect, verify TLS (all in net_*_open), log in, log out. Nothing is
 * sent or changed: no SELECT, no MAIL FROM, no DELE.
 */
#include <config.h>	/* autoconf's */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sasl/sasl.h>

#include "config/config.h"
#include "core/i18n.h"
#include "core/log.h"
#include "net/net.h"
#include "wizard/wizard.h"

/*
 * libetpan sends "AUTH PLAIN <base64 of user NUL user NUL password>" from
 * a 513-byte buffer and cuts what does not fit: 11 + 4 * 124 + 2 bytes.
 */
#define CHECK_PLAIN_MAX		(3 * 124 - 2)

/* One account being checked. */
struct check {
	const struct account	*account;
	struct net_watchdog	*wd;
	int			 timeout;
	char			*pass;		/* fetched on first need */
	int			 pass_tried;
	struct error		 pass_err;
};

struct check_service {
	const char	*name;
	size_t		 endpoint;	/* offset in struct account */
	int		 (*wanted)(const struct account *);
	int		 (*run)(struct check *, const struct net_target *,
			     struct error *);
};

static int	check_wants_imap(const struct account *);
static int	check_wants_pop3(const struct account *);
static int	check_wants_smtp(const struct account *);
static int	check_imap(struct check *, const struct net_target *,
		    struct error *);
static int	check_pop3(struct check *, const struct net_target *,
		    struct error *);
static int	check_smtp(struct check *, const struct net_target *,
		    struct error *);

static const struct check_service check_services[] = {
	{ "imap", offsetof(struct account, imap), check_wants_imap,
	    check_imap },
	{ "pop3", offsetof(struct account, pop3), check_wants_pop3,
	    check_pop3 },
	{ "smtp", offsetof(struct account, smtp), check_wants_smtp,
	    check_smtp },
};

static int
check_wants_imap(const struct account *a)
{
	return a->backend == BACKEND_IMAP && a->imap.host != NULL;
}

static int
check_wants_pop3(const struct account *a)
{
	return a->backend == BACKEND_POP3 && a->pop3.host != NULL;
}

static int
check_wants_smtp(const struct account *a)
{
	return a->smtp.host != NULL;
}

/* Checks the user name and gets the password (once) for a login. */
static int
check_credentials(struct check *ck, struct error *err)
{
	if (net_check_wire_string(_("user name"), ck->account->username,
	    err) == -1)
		return -1;
	if (!ck->pass_tried) {
		ck->pass_tried = 1;
		log_info("%s: running the password command", ck->account->id);
		if (config_password(ck->account, &ck->pass, &ck->pass_err)
		    == -1)
			ck->pass = NULL;
	}
	if (ck->pass == NULL) {
		error_set(err, ck->pass_err.kind, _("cannot get the password: "
		    "%s"), ck->pass_err.msg);
		return -1;
	}
	return net_check_wire_string(_("password"), ck->pass, err);
}

static void
check_arm(struct check *ck, mailstream *s)
{
	net_watchdog_arm(ck->wd, s, ck->timeout);
}

/* Disarms; a fire turns any result into a time-out. Returns 1 if fired. */
static int
check_disarm(struct check *ck, const char *what, struct error *err)
{
	if (!net_watchdog_disarm(ck->wd))
		return 0;
	error_set(err, ERROR_NET, _("%s timed out after %d s"), what,
	    ck->timeout);
	return 1;
}

static int
check_imap_error(mailimap *imap, int r, struct error *err)
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

static int
check_imap(struct check *ck, const struct net_target *t, struct error *err)
{
	mailimap	*imap;
	int		 r, ret, fired;

	if ((imap = net_imap_open(t, err)) == NULL)
		return -1;
	if (check_credentials(ck, err) == -1) {
		net_imap_close(imap, 1);
		return -1;
	}
	log_info("%s: IMAP LOGIN as the configured user", ck->account->id);
	check_arm(ck, imap->imap_stream);
	r = mailimap_login(imap, ck->account->username, ck->pass);
	ret = r == MAILIMAP_NO_ERROR ? 0 : check_imap_error(imap, r, err);
	if ((fired = check_disarm(ck, "LOGIN", err)))
		ret = -1;
	net_imap_close(imap, !fired);
	return ret;
}

static int
check_pop3_error(mailpop3 *f, int r, struct error *err)
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

static int
check_pop3(struct check *ck, const struct net_target *t, struct error *err)
{
	mailpop3	*f;
	int		 r, ret, fired;

	if ((f = net_pop3_open(t, err)) == NULL)
		return -1;
	if (check_credentials(ck, err) == -1) {
		net_pop3_close(f, 1);
		return -1;
	}
	log_info("%s: POP3 USER/PASS as the configured user", ck->account->id);
	check_arm(ck, f->pop3_stream);
	r = mailpop3_user(f, ck->account->username);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(f, ck->pass);
	ret = r == MAILPOP3_NO_ERROR ? 0 : check_pop3_error(f, r, err);
	if ((fired = check_disarm(ck, "login", err)))
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
check_sasl_mech(const char *host, const char *mech, struct error *err)
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
check_smtp_mech(mailsmtp *s, size_t len, struct error *err)
{
	if ((s->auth & MAILSMTP_AUTH_PLAIN) && len <= CHECK_PLAIN_MAX)
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
check_mech_name(int mech)
{
	return mech == MAILSMTP_AUTH_PLAIN ? "PLAIN" : "LOGIN";
}

/* The server's last reply, its lines joined by spaces, cut to size. */
static const char *
check_smtp_text(const mailsmtp *s, char *buf, size_t size)
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
check_smtp_error(mailsmtp *s, int r, struct error *err)
{
	char		 buf[256];
	const char	*text;

	text = check_smtp_text(s, buf, sizeof buf);
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

static int
check_smtp(struct check *ck, const struct net_target *t, struct error *err)
{
	mailsmtp	*s;
	int		 mech, again, r, ret = -1, fired = 0;

	if ((s = net_smtp_open(t, err)) == NULL)
		return -1;
	/* Whether we can authenticate at all, before asking for a password. */
	if ((mech = check_smtp_mech(s, 0, err)) == -1 ||
	    check_sasl_mech(t->host, check_mech_name(mech), err) == -1 ||
	    check_credentials(ck, err) == -1)
		goto out;
	again = check_smtp_mech(s, strlen(ck->account->username) +
	    strlen(ck->pass), err);
	if (again == -1 || (again != mech &&
	    check_sasl_mech(t->host, check_mech_name(again), err) == -1))
		goto out;
	log_info("%s: SMTP AUTH %s as the configured user", ck->account->id,
	    check_mech_name(again));
	check_arm(ck, s->stream);
	r = mailsmtp_auth_type(s, ck->account->username, ck->pass, again);
	ret = r == MAILSMTP_NO_ERROR ? 0 : check_smtp_error(s, r, err);
	if ((fired = check_disarm(ck, "AUTH", err)))
		ret = -1;
out:
	net_smtp_close(s, !fired);
	return ret;
}

/* Runs one service and prints its line; returns 0 if it passed. */
static int
check_one(struct check *ck, const struct check_service *cs, FILE *out)
{
	const struct endpoint	*ep;
	struct net_target	 t;
	struct error		 err = { 0 };
	int			 v6, ret;

	ep = (const struct endpoint *)((const char *)ck->account +
	    cs->endpoint);
	net_target_from(&t, ck->account, ep);
	v6 = strchr(t.host, ':') != NULL;
	log_info("%s: checking %s on %s port %u", ck->account->id, cs->name,
	    t.host, t.port);
	ret = cs->run(ck, &t, &err);
	fprintf(out, "%s %s %s%s%s:%u (%s): ", ck->account->id, cs->name,
	    v6 ? "[" : "", t.host, v6 ? "]" : "", t.port,
	    config_security_name(t.security));
	if (ret == 0)
		fprintf(out, "%s\n", _("OK"));
	else
		fprintf(out, _("FAILED: %s\n"), err.msg);
	fflush(out);
	log_info("%s: %s %s", ck->account->id, cs->name,
	    ret == 0 ? "OK" : err.msg);
	return ret;
}

/* Returns 0 if every service of the account passed, else 1. */
static int
check_account(const struct account *a, FILE *out)
{
	struct check	 ck;
	size_t		 i;
	int		 failed = 0;

	memset(&ck, 0, sizeof ck);
	ck.account = a;
	ck.timeout = a->timeout > 0 ? a->timeout : NET_DEFAULT_TIMEOUT;
	ck.wd = net_watchdog_new();
	for (i = 0; i < sizeof check_services / sizeof check_services[0];
	    i++) {
		if (!check_services[i].wanted(a))
			continue;
		if (check_one(&ck, &check_services[i], out) != 0)
			failed = 1;
	}
	config_password_free(ck.pass);
	net_watchdog_free(ck.wd);
	return failed;
}

int
wizard_check(const struct config *config, const char *account_id,
    FILE *out, struct error *err)
{
	const struct account	*a;
	size_t			 i;
	int			 failed = 0;

	if (account_id != NULL) {
		if ((a = config_find_account(config, account_id)) == NULL)
			return error_set(err, ERROR_INPUT, _("no account "
			    "named '%s' in %s"), account_id, config->path);
		return check_account(a, out);
	}
	if (config->naccounts == 0)
		return error_set(err, ERROR_INPUT, _("no account in %s"),
		    config->path);
	for (i = 0; i < config->naccounts; i++) {
		if (check_account(&config->accounts[i], out) != 0)
			failed = 1;
	}
	return failed;
}
