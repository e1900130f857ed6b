/*
 * src/wizard/discover.c: which servers to try for an address. The
 * provider data first; for a domain not in it, the domain's SRV records,
 * its cached autoconfig file, then guesses, in that order, each
 * candidate marked with where it came from. Nothing found here is
 * trusted: the probe verifies every candidate live.
 */
#include <config.h>	/* autoconf's */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "wizard/wizard.h"

/* Adds the candidates of domain's autoconfig file, if there is one. */
static void
discover_autoconfig(struct wizard_provider *pr, const char *domain,
    const char *address, struct sbuf *report)
{
	struct sbuf	 text;
	struct error	 e = { 0 };
	char		*path;
	int		 n;

	path = wizard_autoconfig_path(domain);
	sbuf_init(&text);
	if (fs_read_file(path, WIZARD_AUTOCONFIG_MAX_SIZE, &text, &e) == -1) {
		if (e.sys_errno != ENOENT)
			sbuf_addf(report, _("autoconfig: %s\n"), e.msg);
		goto out;
	}
	n = wizard_autoconfig_parse(pr, path, text.len > 0 ? text.buf : "",
	    text.len, address, report, &e);
	if (n == -1)
		sbuf_addf(report, _("autoconfig: %s\n"), e.msg);
	else
		sbuf_addf(report, P_("autoconfig %s: %d server\n",
		    "autoconfig %s: %d servers\n", n), path, n);
	if (n > 0 && pr->username != NULL) {
		sbuf_addstr(report, _("autoconfig: user name "));
		sanitize_append(report, pr->username, strlen(pr->username), 0);
		sbuf_addch(report, '\n');
	}
out:
	sbuf_release(&text);
	free(path);
}

struct wizard_provider *
wizard_discover(const char *address, int *known, struct sbuf *report,
    struct error *err)
{
	struct wizard_providers		*pp;
	const struct wizard_provider	*found = NULL;
	struct wizard_provider		*pr, *guess;
	struct error			 e = { 0 };
	char				*domain;
	size_t				 i, j;

	if ((domain = wizard_address_domain(address, err)) == NULL)
		return NULL;
	if ((pp = wizard_providers_load(NULL, &e)) == NULL)
		sbuf_addf(report, _("warning: no provider data: %s\n"), e.msg);
	else {
		for (i = 0; i < pp->nbad && i < WIZARD_MAX_BAD; i++)
			sbuf_addf(report, _("warning: %s\n"), pp->bad[i]);
		found = wizard_providers_find(pp, domain);
	}
	if (known != NULL)
		*known = found != NULL;
	if (found != NULL) {
		sbuf_addf(report, _("Provider: %s\n"), found->name);
		if (found->note != NULL)
			sbuf_addf(report, _("Note: %s\n"), found->note);
		pr = wizard_provider_dup(found);
		wizard_providers_free(pp);
		free(domain);
		return pr;
	}
	wizard_providers_free(pp);
	sbuf_addf(report, _("Provider: '%s' is not in the provider data; "
	    "asking DNS (SRV), then the autoconfig data, then guessing its "
	    "server names\n"), domain);
	pr = wizard_provider_new(domain);
	free(pr->id);
	pr->id = xstrdup("discovered");
	pr->domains = xcalloc(1, sizeof *pr->domains);
	pr->domains[0] = xstrdup(domain);
	pr->ndomains = 1;
	wizard_discover_srv(pr, domain, report);
	discover_autoconfig(pr, domain, address, report);
	guess = wizard_provider_guess(domain);
	for (i = 0; i < WIZARD_NSERVICES; i++)
		for (j = 0; j < guess->ncand[i]; j++)
			wizard_provider_add_from(pr, (enum wizard_service)i,
			    guess->cand[i][j].host, guess->cand[i][j].port,
			    guess->cand[i][j].security, WIZARD_FROM_GUESS);
	wizard_provider_free(guess);
	free(domain);
	return pr;
}
