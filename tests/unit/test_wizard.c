/* tests/unit/test_wizard.c: provider data, guesses, the probe's rules. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "wizard/wizard.h"

static struct wizard_providers *
load_shipped(void)
{
	struct wizard_providers	*pp;
	struct error		 err = { 0 };
	const char		*top;
	char			 path[4096];

	top = getenv("TOP_SRCDIR") != NULL ? getenv("TOP_SRCDIR") : "..";
	snprintf(path, sizeof path, "%s/data/providers", top);
	if ((pp = wizard_providers_load(path, &err)) == NULL)
		fail_msg("%s", err.msg);
	return pp;
}

static void
test_wizard_providers_load_shipped_has_no_bad_line(void **state)
{
	struct wizard_providers	*pp;
	size_t			 i;

	(void)state;
	pp = load_shipped();
	for (i = 0; i < pp->nbad && i < WIZARD_MAX_BAD; i++)
		print_error("%s\n", pp->bad[i]);
	assert_int_equal(pp->nbad, 0);
	assert_true(pp->nproviders >= 8);
	wizard_providers_free(pp);
}

/* Every address domain of the issue, with its provider's own host. */
static const struct {
	const char	*domain;
	const char	*imap;
} spectrum[] = {
	{ "charter.net", "mobile.charter.net" },
	{ "spectrum.net", "mobile.charter.net" },
	{ "bresnan.net", "mobile.charter.net" },
	{ "charter.com", "mobile.charter.net" },
	{ "twc.com", "mail.twc.com" },
	{ "roadrunner.com", "mail.twc.com" },
	{ "rr.com", "mail.twc.com" },
	{ "austin.rr.com", "mail.twc.com" },
	{ "carolina.rr.com", "mail.twc.com" },
	{ "cinci.rr.com", "mail.twc.com" },
	{ "columbus.rr.com", "mail.twc.com" },
	{ "elp.rr.com", "mail.twc.com" },
	{ "hawaii.rr.com", "mail.twc.com" },
	{ "hot.rr.com", "mail.twc.com" },
	{ "kc.rr.com", "mail.twc.com" },
	{ "maine.rr.com", "mail.twc.com" },
	{ "nc.rr.com", "mail.twc.com" },
	{ "neb.rr.com", "mail.twc.com" },
	{ "nyc.rr.com", "mail.twc.com" },
	{ "nycap.rr.com", "mail.twc.com" },
	{ "ma.rr.com", "mail.twc.com" },
	{ "ohio.rr.com", "mail.twc.com" },
	{ "rochester.rr.com", "mail.twc.com" },
	{ "san.rr.com", "mail.twc.com" },
	{ "satx.rr.com", "mail.twc.com" },
	{ "sc.rr.com", "mail.twc.com" },
	{ "socal.rr.com", "mail.twc.com" },
	{ "stny.rr.com", "mail.twc.com" },
	{ "twcny.rr.com", "mail.twc.com" },
	{ "wi.rr.com", "mail.twc.com" },
	{ "woh.rr.com", "mail.twc.com" },
	{ "triad.rr.com", "mail.twc.com" },
	{ "new.rr.com", "mail.twc.com" },
	{ "brighthouse.com", "mail.brighthouse.com" },
	{ "bak.rr.com", "mail.brighthouse.com" },
	{ "bham.rr.com", "mail.brighthouse.com" },
	{ "cfl.rr.com", "mail.brighthouse.com" },
	{ "emore.rr.com", "mail.brighthouse.com" },
	{ "eufala.rr.com", "mail.brighthouse.com" },
	{ "indy.rr.com", "mail.brighthouse.com" },
	{ "mi.rr.com", "mail.brighthouse.com" },
	{ "panhandle.rr.com", "mail.brighthouse.com" },
	{ "tampabay.rr.com", "mail.brighthouse.com" },
};

static int
has_host(const struct wizard_provider *pr, enum wizard_service s,
    const char *host)
{
	size_t	 i;

	for (i = 0; i < pr->ncand[s]; i++) {
		if (strcmp(pr->cand[s][i].host, host) == 0)
			return 1;
	}
	return 0;
}

static void
test_wizard_providers_find_every_spectrum_domain(void **state)
{
	struct wizard_providers		*pp;
	const struct wizard_provider	*pr;
	size_t				 i;

	(void)state;
	pp = load_shipped();
	for (i = 0; i < sizeof spectrum / sizeof spectrum[0]; i++) {
		pr = wizard_providers_find(pp, spectrum[i].domain);
		if (pr == NULL)
			fail_msg("%s: no provider", spectrum[i].domain);
		if (strncmp(pr->id, "spectrum", 8) != 0)
			fail_msg("%s: provider %s", spectrum[i].domain, pr->id);
		assert_true(pr->ncand[WIZARD_IMAP] > 0);
		if (strcmp(pr->cand[WIZARD_IMAP][0].host, spectrum[i].imap)
		    != 0)
			fail_msg("%s: first IMAP %s", spectrum[i].domain,
			    pr->cand[WIZARD_IMAP][0].host);
		assert_int_equal(pr->cand[WIZARD_IMAP][0].port, 993);
		assert_int_equal(pr->cand[WIZARD_IMAP][0].security,
		    SECURITY_TLS);
		/* The other Spectrum hosts follow. */
		assert_true(has_host(pr, WIZARD_IMAP, "mobile.charter.net"));
		assert_true(has_host(pr, WIZARD_IMAP, "mail.twc.com"));
		assert_true(has_host(pr, WIZARD_IMAP, "mail.brighthouse.com"));
		assert_true(pr->ncand[WIZARD_POP3] > 0);
		assert_true(pr->ncand[WIZARD_SMTP] > 0);
		assert_string_equal(pr->cand[WIZARD_POP3][0].host,
		    spectrum[i].imap);
		assert_string_equal(pr->cand[WIZARD_SMTP][0].host,
		    spectrum[i].imap);
	}
	/* Not a suffix match: an unlisted subdomain is unknown. */
	assert_null(wizard_providers_find(pp, "unlisted.rr.com"));
	assert_null(wizard_providers_find(pp, "xcharter.net"));
	wizard_providers_free(pp);
}

static void
test_wizard_providers_find_charter_smtp_order(void **state)
{
	struct wizard_providers		*pp;
	const struct wizard_provider	*pr;
	const struct wizard_candidate	*c;
	char				*d;

	(void)state;
	pp = load_shipped();
	d = wizard_address_domain("Jane.Doe@Charter.NET", NULL);
	assert_non_null(d);
	assert_string_equal(d, "charter.net");
	pr = wizard_providers_find(pp, d);
	assert_non_null(pr);
	assert_true(pr->ncand[WIZARD_SMTP] >= 3);
	c = pr->cand[WIZARD_SMTP];
	assert_string_equal(c[0].host, "mobile.charter.net");
	assert_int_equal(c[0].port, 587);
	assert_int_equal(c[0].security, SECURITY_TLS);
	assert_string_equal(c[1].host, "mobile.charter.net");
	assert_int_equal(c[1].port, 587);
	assert_int_equal(c[1].security, SECURITY_STARTTLS);
	assert_string_equal(c[2].host, "mobile.charter.net");
	assert_int_equal(c[2].port, 465);
	assert_int_equal(c[2].security, SECURITY_TLS);
	/* The guide-only names come last. */
	assert_string_equal(pr->cand[WIZARD_IMAP][pr->ncand[WIZARD_IMAP] -
	    1].host, "imap.spectrum.com");
	free(d);
	wizard_providers_free(pp);
}

/*
 * No plaintext candidate: security is tls or starttls, and STARTTLS is
 * only listed on a port that is not an implicit-TLS one.
 */
static void
test_wizard_providers_load_no_plaintext(void **state)
{
	struct wizard_providers		*pp;
	const struct wizard_candidate	*c;
	size_t				 i, j, k, n = 0;

	(void)state;
	pp = load_shipped();
	for (i = 0; i < pp->nproviders; i++) {
		for (k = 0; k < WIZARD_NSERVICES; k++) {
			for (j = 0; j < pp->providers[i].ncand[k]; j++) {
				c = &pp->providers[i].cand[k][j];
				assert_true(c->security == SECURITY_TLS ||
				    c->security == SECURITY_STARTTLS);
				if (c->security == SECURITY_STARTTLS)
					assert_true(c->port == 143 ||
					    c->port == 110 || c->port == 587 ||
					    c->port == 25);
				n++;
			}
		}
	}
	assert_true(n > 50);
	wizard_providers_free(pp);
}

static const char bad_text[] =
    "# head\n"						/* 1 */
    "domain early.example\n"				/* 2: outside */
    "provider ok\n"					/* 3 */
    "name OK Mail\n"					/* 4 */
    "domain ok.example OK2.Example bad_domain!\n"	/* 5: one bad */
    "imap imap.ok.example 993 tls\n"			/* 6 */
    "imap imap.ok.example 143 none\n"			/* 7: plaintext */
    "pop3 pop.ok.example 110\n"				/* 8: no security */
    "smtp smtp.ok.example 0 tls\n"			/* 9: port */
    "smtp smtp.ok.example 587 starttls\n"		/* 10 */
    "frob x\n"						/* 11: keyword */
    "provider two words\n"				/* 12: bad head */
    "domain skipped.example\n"				/* 13: skipped */
    "imap imap.skipped.example 993 tls\n"		/* 14: skipped */
    "provider dup\n"					/* 15 */
    "domain ok.example dup.example\n"			/* 16: ok.example */
    "imap bad..host 993 tls\n"				/* 17: host */
    "imap imap.dup.example 993 ssl\n"			/* 18: ssl */
    "provider nodomain\n"				/* 19: no domain */
    "imap x.example 993 tls\n";				/* 20 */

static void
test_wizard_providers_parse_reports_bad_lines(void **state)
{
	struct wizard_providers		*pp;
	const struct wizard_provider	*pr;
	static const char *const want[] = {
		"t.prov:2: 'domain' outside a provider block",
		"t.prov:5: bad domain 'bad_domain!'",
		"t.prov:7: bad security 'none' (tls or starttls; never "
		    "plaintext)",
		"t.prov:8: expected 'pop3 HOST PORT tls|starttls'",
		"t.prov:9: bad port '0'",
		"t.prov:11: unknown keyword 'frob'",
		"t.prov:12: expected 'provider ID'",
		"t.prov:16: domain 'ok.example' is already listed for 'ok'",
		"t.prov:17: bad host name 'bad..host'",
		"t.prov:18: bad security 'ssl' (tls or starttls; never "
		    "plaintext)",
		"t.prov:15: provider 'dup' lists no IMAP or POP3 server",
		"t.prov:19: provider 'nodomain' lists no domain",
	};
	size_t				 i;

	(void)state;
	pp = wizard_providers_parse("t.prov", bad_text, strlen(bad_text));
	assert_int_equal(pp->nbad, sizeof want / sizeof want[0]);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_string_equal(pp->bad[i], want[i]);
	assert_int_equal(pp->nproviders, 3);
	pr = wizard_providers_find(pp, "ok2.example");
	assert_non_null(pr);
	assert_string_equal(pr->id, "ok");
	assert_string_equal(pr->name, "OK Mail");
	assert_int_equal(pr->ncand[WIZARD_IMAP], 1);
	assert_int_equal(pr->ncand[WIZARD_POP3], 0);
	assert_int_equal(pr->ncand[WIZARD_SMTP], 1);
	assert_int_equal(pr->cand[WIZARD_SMTP][0].port, 587);
	assert_null(wizard_providers_find(pp, "skipped.example"));
	assert_null(wizard_providers_find(pp, "early.example"));
	pr = wizard_providers_find(pp, "dup.example");
	assert_non_null(pr);
	assert_string_equal(pr->name, "dup");	/* the id when unnamed */
	wizard_providers_free(pp);
}

static void
test_wizard_providers_parse_rejects_nul_and_control(void **state)
{
	struct wizard_providers	*pp;
	static const char	 text[] = "provider a\ndomain a.example\n"
	    "imap x.example 993 tls\nnote a\033[2Jb\n";

	(void)state;
	pp = wizard_providers_parse("n", "provider a\0x", 12);
	assert_int_equal(pp->nbad, 1);
	assert_int_equal(pp->nproviders, 0);
	wizard_providers_free(pp);
	pp = wizard_providers_parse("c", text, strlen(text));
	assert_int_equal(pp->nbad, 1);
	assert_string_equal(pp->bad[0], "c:4: control character in line");
	assert_null(pp->providers[0].note);
	wizard_providers_free(pp);
}

static void
test_wizard_providers_path_env(void **state)
{
	char	*p;

	(void)state;
	setenv("POSTERN_PROVIDERS", "/x/my-providers", 1);
	p = wizard_providers_path();
	assert_string_equal(p, "/x/my-providers");
	free(p);
	unsetenv("POSTERN_PROVIDERS");
	setenv("POSTERN_DATADIR", "/share/postern", 1);
	p = wizard_providers_path();
	assert_string_equal(p, "/share/postern/data/providers");
	free(p);
	unsetenv("POSTERN_DATADIR");
}

static void
test_wizard_address_domain_bad(void **state)
{
	static const char *const bad[] = {
		"nodomain", "a@", "@example.com", "a@localhost",
		"a@exa mple.com", "a@exa_mple.com", "a@.example.com",
		"a@example..com", "a@\033]0;x\007.com",
	};
	struct error	 err = { 0 };
	char		*d;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = wizard_address_domain(bad[i], &err);
		if (d != NULL)
			fail_msg("'%s' gave '%s'", bad[i], d);
		assert_int_equal(err.kind, ERROR_INPUT);
	}
	d = wizard_address_domain("\"odd@local\"@Example.COM.", &err);
	assert_string_equal(d, "example.com");
	free(d);
}

static void
test_wizard_provider_guess_tls_only(void **state)
{
	static const struct {
		enum wizard_service	 s;
		const char		*host;
		uint16_t		 port;
		enum security		 sec;
	} want[] = {
		{ WIZARD_IMAP, "imap.example.org", 993, SECURITY_TLS },
		{ WIZARD_IMAP, "mail.example.org", 993, SECURITY_TLS },
		{ WIZARD_POP3, "pop3.example.org", 995, SECURITY_TLS },
		{ WIZARD_POP3, "pop.example.org", 995, SECURITY_TLS },
		{ WIZARD_SMTP, "smtp.example.org", 465, SECURITY_TLS },
		{ WIZARD_SMTP, "smtp.example.org", 587, SECURITY_STARTTLS },
		{ WIZARD_SMTP, "mail.example.org", 465, SECURITY_TLS },
		{ WIZARD_SMTP, "mail.example.org", 587, SECURITY_STARTTLS },
	};
	struct wizard_provider	*pr;
	size_t			 i, n[WIZARD_NSERVICES] = { 0, 0, 0 };

	(void)state;
	pr = wizard_provider_guess("example.org");
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct wizard_candidate *c;

		assert_true(n[want[i].s] < pr->ncand[want[i].s]);
		c = &pr->cand[want[i].s][n[want[i].s]++];
		assert_string_equal(c->host, want[i].host);
		assert_int_equal(c->port, want[i].port);
		assert_int_equal(c->security, want[i].sec);
	}
	for (i = 0; i < WIZARD_NSERVICES; i++)
		assert_int_equal(n[i], pr->ncand[i]);
	wizard_provider_free(pr);
}

/* A port on 127.0.0.1 that accepts connections and never says a word. */
static int
silent_listener(uint16_t *portp)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd != -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*portp = ntohs(sin.sin_port);
	return fd;
}

/* A port on 127.0.0.1 where nothing listens. */
static uint16_t
closed_port(void)
{
	uint16_t	 port;
	int		 fd;

	fd = silent_listener(&port);
	close(fd);
	return port;
}

struct seen {
	struct wizard_attempt	 at[8];
	size_t			 n;
};

static void
collect(const struct wizard_attempt *at, void *arg)
{
	struct seen	*s = arg;

	if (s->n < 8)
		s->at[s->n] = *at;
	s->n++;
}

/*
 * Nothing verifies: the password command is never run (it would create
 * a file), every candidate has a reason, a silent starttls candidate is
 * tried as tls first.
 */
static void
test_wizard_probe_run_no_password_before_tls(void **state)
{
	struct wizard_probe_params	 params;
	struct wizard_probe		*probe;
	struct wizard_provider		 pr;
	struct wizard_candidate		 cand[2], chosen;
	struct error			 err = { 0 };
	struct seen			 seen;
	struct stat			 st;
	char				 flag[] = "/tmp/postern-probe.XXXXXX";
	char				 cmd[128], host[] = "127.0.0.1";
	uint16_t			 silent;
	int				 fd, lfd;

	(void)state;
	assert_true((fd = mkstemp(flag)) != -1);
	close(fd);
	unlink(flag);
	snprintf(cmd, sizeof cmd, "touch %s; echo pw", flag);
	lfd = silent_listener(&silent);
	cand[0].host = host;
	cand[0].port = closed_port();
	cand[0].security = SECURITY_TLS;
	cand[1].host = host;
	cand[1].port = silent;
	cand[1].security = SECURITY_STARTTLS;
	memset(&pr, 0, sizeof pr);
	pr.id = pr.name = (char *)"test";
	pr.cand[WIZARD_IMAP] = cand;
	pr.ncand[WIZARD_IMAP] = 2;
	memset(&params, 0, sizeof params);
	memset(&seen, 0, sizeof seen);
	params.address = "a@example.test";
	params.username = "a@example.test";
	params.password_command = cmd;
	params.timeout = 1;
	params.sniff_ms = 200;
	params.cb = collect;
	params.arg = &seen;
	probe = wizard_probe_new(&params);
	assert_int_equal(wizard_probe_run(probe, &pr, WIZARD_IMAP, &chosen,
	    &err), -1);
	assert_int_equal(seen.n, 4);
	assert_int_equal(seen.at[0].result, WIZARD_FAILED);
	assert_int_equal(seen.at[0].kind, ERROR_NET);
	assert_non_null(strstr(seen.at[0].reason, "refused"));
	assert_int_equal(seen.at[1].result, WIZARD_RETRY_TLS);
	assert_int_equal(seen.at[2].result, WIZARD_FAILED);
	assert_int_equal(seen.at[2].cand.security, SECURITY_TLS);
	assert_int_equal(seen.at[3].result, WIZARD_FAILED);
	assert_int_equal(seen.at[3].cand.security, SECURITY_STARTTLS);
	assert_int_equal(wizard_probe_proven(probe), 0);
	assert_int_equal(stat(flag, &st), -1);	/* never asked */
	wizard_probe_free(probe);
	close(lfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_wizard_providers_load_shipped_has_no_bad_line),
		cmocka_unit_test(
		    test_wizard_providers_find_every_spectrum_domain),
		cmocka_unit_test(test_wizard_providers_find_charter_smtp_order),
		cmocka_unit_test(test_wizard_providers_load_no_plaintext),
		cmocka_unit_test(test_wizard_providers_parse_reports_bad_lines),
		cmocka_unit_test(
		    test_wizard_providers_parse_rejects_nul_and_control),
		cmocka_unit_test(test_wizard_providers_path_env),
		cmocka_unit_test(test_wizard_address_domain_bad),
		cmocka_unit_test(test_wizard_provider_guess_tls_only),
		cmocka_unit_test(test_wizard_probe_run_no_password_before_tls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
