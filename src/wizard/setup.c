/*
 * src/wizard/setup.c: postern --setup --email ADDR ...: the wizard's
 * logic without its screens. Provider data, live probe, the settings,
 * a confirmation, the config file.
 */
#include <config.h>	/* autoconf's */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/i18n.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "wizard/wizard.h"

/* Prints one attempt: "imap HOST:PORT (tls): OK" and the like. */
static void
setup_print_attempt(const struct wizard_attempt *at, void *arg)
{
	FILE	*out = arg;
	int	 v6 = strchr(at->cand.host, ':') != NULL;

	if (at->result == WIZARD_TRYING)
		return;
	fprintf(out, "%s %s%s%s:%u (%s): ", wizard_service_name(at->service),
	    v6 ? "[" : "", at->cand.host, v6 ? "]" : "", at->cand.port,
	    config_security_name(at->cand.security));
	switch (at->result) {
	case WIZARD_OK:
		fprintf(out, "%s\n", _("OK"));
		break;
	case WIZARD_FAILED:
		fprintf(out, _("FAILED: %s\n"), at->reason);
		break;
	case WIZARD_SKIPPED:
		fprintf(out, _("not tried: %s\n"), at->reason);
		break;
	case WIZARD_RETRY_TLS:
		fprintf(out, "%s\n", at->reason);
		break;
	case WIZARD_TRYING:
		return;
	}
	fflush(out);
}

/*
 * Lists the candidates of service s in order, with where each came
 * from: "  imap localhost:993 (tls) from SRV".
 */
static void
setup_print_candidates(const struct wizard_provider *pr,
    enum wizard_service s, FILE *out)
{
	const struct wizard_candidate	*c;
	size_t				 i;
	int				 v6;

	fprintf(out, _("Servers to try for %s, in order:\n"),
	    wizard_service_name(s));
	for (i = 0; i < pr->ncand[s]; i++) {
		c = &pr->cand[s][i];
		v6 = strchr(c->host, ':') != NULL;
		fprintf(out, _("  %s %s%s%s:%u (%s) from %s\n"),
		    wizard_service_name(s), v6 ? "[" : "", c->host,
		    v6 ? "]" : "", c->port, config_security_name(c->security),
		    wizard_origin_name(c->origin));
	}
	fflush(out);
}

static void
setup_endpoint(struct endpoint *ep, const struct wizard_candidate *c)
{
	ep->host = c->host;
	ep->port = c->port;
	ep->security = c->security;
}

/* Shows the section, asks, writes. 0 if saved. */
static int
setup_save(const struct wizard_setup *su, const struct account *a, FILE *out,
    struct error *err)
{
	struct sbuf	 sb;
	int		 replaced = 0, ret;

	sbuf_init(&sb);
	ret = config_format_account(&sb, a, err);
	if (ret == 0)
		fprintf(out, _("\nSettings for %s:\n%s\n"), su->config_path,
		    sb.buf);
	sbuf_release(&sb);
	if (ret == -1)
		return -1;
	fflush(out);
	if (su->confirm != NULL && !su->confirm(su->arg)) {
		fprintf(out, "%s\n", _("Not saved."));
		return 1;
	}
	if (config_write_account(su->config_path, a, &replaced, err) == -1)
		return -1;
	fprintf(out, replaced ? _("Replaced account '%s' in %s\n") :
	    _("Added account '%s' to %s\n"), a->id, su->config_path);
	return 0;
}

int
wizard_setup_run(const struct wizard_setup *su, FILE *out, struct error *err)
{
	struct wizard_probe_params	 params;
	struct wizard_probe		*probe = NULL;
	struct wizard_provider		*pr = NULL;
	struct wizard_candidate		 in, smtp;
	struct account			 a;
	struct error			 e = { 0 };
	enum wizard_service		 svc;
	struct sbuf			 report;
	int				 ret = -1, smtp_ok;

	sbuf_init(&report);
	pr = wizard_discover(su->email, NULL, &report, err);
	if (report.len > 0)
		fputs(report.buf, out);
	sbuf_release(&report);
	if (pr == NULL)
		return -1;
	svc = su->backend == BACKEND_POP3 ? WIZARD_POP3 : WIZARD_IMAP;
	if (pr->ncand[svc] == 0) {
		error_set(err, ERROR_INPUT, _("%s has no %s server"), pr->name,
		    wizard_service_name(svc));
		goto out;
	}
	memset(&params, 0, sizeof params);
	params.address = su->email;
	params.username = su->username != NULL ? su->username :
	    pr->username != NULL ? pr->username : su->email;
	params.password_command = su->password_command;
	params.ca_file = su->ca_file;
	params.cb = setup_print_attempt;
	params.arg = out;
	probe = wizard_probe_new(&params);
	setup_print_candidates(pr, svc, out);
	if (wizard_probe_run(probe, pr, svc, &in, &e) == -1) {
		fprintf(out, _("postern: %s; nothing saved\n"), e.msg);
		ret = 1;
		goto out;
	}
	if (pr->ncand[WIZARD_SMTP] > 0)
		setup_print_candidates(pr, WIZARD_SMTP, out);
	smtp_ok = pr->ncand[WIZARD_SMTP] > 0 &&
	    wizard_probe_run(probe, pr, WIZARD_SMTP, &smtp, &e) == 0;
	if (!smtp_ok)
		fprintf(out, _("warning: %s; sending mail will not work until "
		    "smtp.host is set\n"), pr->ncand[WIZARD_SMTP] > 0 ? e.msg :
		    _("no SMTP server is known"));

	memset(&a, 0, sizeof a);
	a.id = (char *)(su->account_id != NULL ? su->account_id : su->email);
	a.name = (char *)su->name;
	a.email = (char *)su->email;
	a.backend = su->backend;
	a.username = (char *)params.username;
	a.password_command = (char *)su->password_command;
	a.ca_file = (char *)su->ca_file;
	setup_endpoint(svc == WIZARD_POP3 ? &a.pop3 : &a.imap, &in);
	if (smtp_ok)
		setup_endpoint(&a.smtp, &smtp);
	ret = setup_save(su, &a, out, err);
	if (ret == 0 && !smtp_ok)
		ret = 1;
out:
	wizard_probe_free(probe);
	wizard_provider_free(pr);
	return ret;
}
