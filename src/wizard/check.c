/*
 * src/wizard/check.c: postern --check. For each service of an account:
 * connect, verify TLS, log in, log out (login.c). Nothing is sent or
 * changed: no SELECT, no MAIL FROM, no DELE.
 */
#include <config.h>	/* autoconf's */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/i18n.h"
#include "core/log.h"
#include "net/net.h"
#include "wizard/internal.h"
#include "wizard/wizard.h"

/* One account being checked. */
struct check {
	const struct account	*account;
	struct wizard_login	 login;
	char			*pass;		/* fetched on first need */
	int			 pass_tried;
	struct error		 pass_err;
};

struct check_service {
	const char	*name;
	size_t		 endpoint;	/* offset in struct account */
	int		 (*wanted)(const struct account *);
	int		 (*run)(const struct wizard_login *,
			     const struct net_target *, struct error *);
};

static int	check_wants_imap(const struct account *);
static int	check_wants_pop3(const struct account *);
static int	check_wants_smtp(const struct account *);

static const struct check_service check_services[] = {
	{ "imap", offsetof(struct account, imap), check_wants_imap,
	    wizard_login_imap },
	{ "pop3", offsetof(struct account, pop3), check_wants_pop3,
	    wizard_login_pop3 },
	{ "smtp", offsetof(struct account, smtp), check_wants_smtp,
	    wizard_login_smtp },
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

/* The login's password callback: runs the password command once. */
static const char *
check_password(void *arg, struct error *err)
{
	struct check	*ck = arg;

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
		return NULL;
	}
	return ck->pass;
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
	ret = cs->run(&ck->login, &t, &err);
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
	ck.login.who = a->id;
	ck.login.username = a->username;
	ck.login.timeout = a->timeout > 0 ? a->timeout : NET_DEFAULT_TIMEOUT;
	ck.login.wd = net_watchdog_new();
	ck.login.password = check_password;
	ck.login.arg = &ck;
	for (i = 0; i < sizeof check_services / sizeof check_services[0];
	    i++) {
		if (!check_services[i].wanted(a))
			continue;
		if (check_one(&ck, &check_services[i], out) != 0)
			failed = 1;
	}
	config_password_free(ck.pass);
	net_watchdog_free(ck.login.wd);
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
