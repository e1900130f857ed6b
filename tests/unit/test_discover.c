/*
 * tests/unit/test_discover.c: the wizard's discovery for domains not in
 * the provider data: DNS SRV answers (well-formed, ".", truncated,
 * hostile, huge) and cached autoconfig files (the XML subset: good,
 * malformed, truncated, huge).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "wizard/wizard.h"

#define QNAME	"_imaps._tcp.example.org"

/* Builds a DNS answer to an SRV question for QNAME. */
struct pkt {
	unsigned char	 b[8192];
	size_t		 len;
	size_t		 ancount_at;
};

static void
pkt_put16(struct pkt *p, unsigned v)
{
	p->b[p->len++] = (unsigned char)(v >> 8);
	p->b[p->len++] = (unsigned char)v;
}

static void
pkt_name(struct pkt *p, const char *name)
{
	const char	*dot;
	size_t		 n;

	while (*name != '\0') {
		dot = strchr(name, '.');
		n = dot != NULL ? (size_t)(dot - name) : strlen(name);
		p->b[p->len++] = (unsigned char)n;
		memcpy(p->b + p->len, name, n);
		p->len += n;
		name += n;
		if (*name == '.')
			name++;
	}
	p->b[p->len++] = 0;
}

static void
pkt_start(struct pkt *p, unsigned ancount)
{
	memset(p, 0, sizeof *p);
	pkt_put16(p, 0x1234);		/* id */
	pkt_put16(p, 0x8180);		/* response, RD, RA, NOERROR */
	pkt_put16(p, 1);		/* one question */
	p->ancount_at = p->len;
	pkt_put16(p, ancount);
	pkt_put16(p, 0);
	pkt_put16(p, 0);
	pkt_name(p, QNAME);
	pkt_put16(p, 33);		/* SRV */
	pkt_put16(p, 1);		/* IN */
}

/* An SRV record for QNAME (the owner compressed to the question). */
static void
pkt_srv(struct pkt *p, unsigned prio, unsigned weight, unsigned port,
    const char *target)
{
	size_t	 rdlen_at;

	pkt_put16(p, 0xc00c);
	pkt_put16(p, 33);
	pkt_put16(p, 1);
	pkt_put16(p, 0);
	pkt_put16(p, 300);		/* TTL */
	rdlen_at = p->len;
	pkt_put16(p, 0);
	pkt_put16(p, prio);
	pkt_put16(p, weight);
	pkt_put16(p, port);
	pkt_name(p, target);
	p->b[rdlen_at] = (unsigned char)((p->len - rdlen_at - 2) >> 8);
	p->b[rdlen_at + 1] = (unsigned char)(p->len - rdlen_at - 2);
}

static void
test_wizard_srv_parse_priority_then_weight(void **state)
{
	struct wizard_srv	 r[WIZARD_SRV_MAX];
	struct pkt		 p;
	int			 n, none;

	(void)state;
	pkt_start(&p, 4);
	pkt_srv(&p, 20, 0, 993, "c.example.org");
	pkt_srv(&p, 10, 1, 993, "b.example.org.");
	pkt_srv(&p, 10, 60, 1993, "A.Example.ORG");
	pkt_srv(&p, 30, 0, 993, "d.example.org");
	n = wizard_srv_parse(p.b, p.len, QNAME, r, WIZARD_SRV_MAX, &none,
	    NULL);
	assert_int_equal(n, 4);
	assert_int_equal(none, 0);
	assert_string_equal(r[0].target, "a.example.org");
	assert_int_equal(r[0].port, 1993);
	assert_int_equal(r[0].weight, 60);
	assert_string_equal(r[1].target, "b.example.org");
	assert_string_equal(r[2].target, "c.example.org");
	assert_string_equal(r[3].target, "d.example.org");
	assert_int_equal(r[3].priority, 30);
}

static void
test_wizard_srv_parse_dot_not_offered(void **state)
{
	struct wizard_srv	 r[WIZARD_SRV_MAX];
	struct pkt		 p;
	int			 none;

	(void)state;
	pkt_start(&p, 1);
	pkt_srv(&p, 0, 0, 0, "");
	assert_int_equal(wizard_srv_parse(p.b, p.len, QNAME, r,
	    WIZARD_SRV_MAX, &none, NULL), 0);
	assert_int_equal(none, 1);
}

static void
test_wizard_srv_parse_skips_hostile_records(void **state)
{
	struct wizard_srv	 r[WIZARD_SRV_MAX];
	struct pkt		 p;
	struct error		 err = { 0 };
	int			 n, none;

	(void)state;
	pkt_start(&p, 5);
	pkt_srv(&p, 0, 0, 993, "bad\033[2Jname.example.org");
	pkt_srv(&p, 0, 0, 993, "under_score.example.org");
	pkt_srv(&p, 0, 0, 0, "port0.example.org");
	pkt_srv(&p, 0, 0, 993, "ok.example.org");
	n = wizard_srv_parse(p.b, p.len, QNAME, r, WIZARD_SRV_MAX, &none,
	    &err);
	/* The fifth record is missing: malformed. */
	assert_int_equal(n, -1);
	p.b[p.ancount_at + 1] = 4;
	n = wizard_srv_parse(p.b, p.len, QNAME, r, WIZARD_SRV_MAX, &none,
	    &err);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].target, "ok.example.org");
	/* Records for another name are ignored. */
	n = wizard_srv_parse(p.b, p.len, "_imap._tcp.example.org", r,
	    WIZARD_SRV_MAX, &none, &err);
	assert_int_equal(n, 0);
}

static void
test_wizard_srv_parse_truncated(void **state)
{
	struct wizard_srv	 r[WIZARD_SRV_MAX];
	struct pkt		 p;
	struct error		 err = { 0 };
	size_t			 len;
	int			 none;

	(void)state;
	pkt_start(&p, 2);
	pkt_srv(&p, 0, 0, 993, "a.example.org");
	pkt_srv(&p, 1, 0, 993, "b.example.org");
	for (len = 0; len < p.len; len++)
		assert_int_equal(wizard_srv_parse(p.b, len, QNAME, r,
		    WIZARD_SRV_MAX, &none, &err), -1);
	assert_int_equal(wizard_srv_parse(p.b, p.len, QNAME, r,
	    WIZARD_SRV_MAX, &none, &err), 2);
}

static void
test_wizard_srv_parse_compression_loop(void **state)
{
	struct wizard_srv	 r[WIZARD_SRV_MAX];
	struct pkt		 p;
	size_t			 target;
	int			 none;

	(void)state;
	pkt_start(&p, 1);
	pkt_srv(&p, 0, 0, 993, "x");	/* 1 'x' 0: three bytes */
	target = p.len - 3;
	p.b[target] = (unsigned char)(0xc0 | (target >> 8));
	p.b[target + 1] = (unsigned char)target;
	assert_int_equal(wizard_srv_parse(p.b, p.len, QNAME, r,
	    WIZARD_SRV_MAX, &none, NULL), -1);
}

static void
test_wizard_srv_parse_huge(void **state)
{
	struct wizard_srv	 r[WIZARD_SRV_MAX];
	struct pkt		 p;
	unsigned char		*big;
	char			 host[64];
	int			 i, none;

	(void)state;
	/* More records than kept: the first WIZARD_SRV_MAX, sorted. */
	pkt_start(&p, 100);
	for (i = 0; i < 100; i++) {
		snprintf(host, sizeof host, "h%d.example.org", i);
		pkt_srv(&p, (unsigned)(100 - i), 0, 993, host);
	}
	assert_true(p.len <= WIZARD_SRV_ANSWER_MAX);
	assert_int_equal(wizard_srv_parse(p.b, p.len, QNAME, r,
	    WIZARD_SRV_MAX, &none, NULL), WIZARD_SRV_MAX);
	assert_string_equal(r[0].target, "h15.example.org");
	/* A count of 65535 records in a short message. */
	pkt_start(&p, 0xffff);
	pkt_srv(&p, 0, 0, 993, "a.example.org");
	assert_int_equal(wizard_srv_parse(p.b, p.len, QNAME, r,
	    WIZARD_SRV_MAX, &none, NULL), -1);
	/* Longer than an answer may be. */
	big = xcalloc(1, WIZARD_SRV_ANSWER_MAX + 1);
	memcpy(big, p.b, p.len);
	assert_int_equal(wizard_srv_parse(big, WIZARD_SRV_ANSWER_MAX + 1,
	    QNAME, r, WIZARD_SRV_MAX, &none, NULL), -1);
	free(big);
}

static void
test_wizard_srv_parse_random_bytes(void **state)
{
	struct wizard_srv	 r[WIZARD_SRV_MAX];
	struct pkt		 p, q;
	size_t			 i;
	int			 k, n, none;

	(void)state;
	srand(6186);
	pkt_start(&p, 3);
	pkt_srv(&p, 0, 0, 993, "a.example.org");
	pkt_srv(&p, 1, 0, 993, "b.example.org");
	pkt_srv(&p, 2, 0, 993, "c.example.org");
	for (k = 0; k < 5000; k++) {
		q = p;
		for (i = 0; i < 4; i++)
			q.b[12 + (size_t)rand() % (q.len - 12)] =
			    (unsigned char)rand();
		n = wizard_srv_parse(q.b, q.len, QNAME, r, WIZARD_SRV_MAX,
		    &none, NULL);
		assert_true(n >= -1 && n <= 3);
		for (i = 0; n > 0 && i < (size_t)n; i++) {
			assert_true(strlen(r[i].target) > 0);
			assert_null(strpbrk(r[i].target, "\033\n\r \\"));
		}
	}
}

/* ---------------------------------------------------------- autoconfig */

static const char ac_good[] =
    "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- a comment, with <tags> inside -->\n"
    "<clientConfig version=\"1.1\">\n"
    " <emailProvider id='example.org'>\n"
    "  <domain>example.org</domain>\n"
    "  <displayName>Example &amp; Co &#x263A;</displayName>\n"
    "  <incomingServer type=\"imap\">\n"
    "   <hostname>imap.%EMAILDOMAIN%</hostname>\n"
    "   <port>993</port>\n"
    "   <socketType>SSL</socketType>\n"
    "   <username>%EMAILLOCALPART%</username>\n"
    "   <authentication>password-cleartext</authentication>\n"
    "  </incomingServer>\n"
    "  <incomingServer type=\"imap\">\n"
    "   <hostname>plain.example.org</hostname><port>143</port>\n"
    "   <socketType>plain</socketType>\n"
    "  </incomingServer>\n"
    "  <incomingServer type=\"pop3\">\n"
    "   <hostname><![CDATA[pop.example.org]]></hostname>\n"
    "   <port> 110 </port><socketType>STARTTLS</socketType>\n"
    "  </incomingServer>\n"
    "  <incomingServer type=\"exchange\"><hostname>x</hostname>"
    "</incomingServer>\n"
    "  <outgoingServer type=\"smtp\">\n"
    "   <hostname>smtp.example.org</hostname><port>465</port>\n"
    "   <socketType>SSL</socketType>\n"
    "   <username>%EMAILADDRESS%</username>\n"
    "  </outgoingServer>\n"
    "  <outgoingServer type=\"smtp\"/>\n"
    " </emailProvider>\n"
    "</clientConfig>\n";

static int
ac_parse(struct wizard_provider *pr, const char *text, size_t len,
    struct sbuf *report)
{
	struct error	 err = { 0 };

	return wizard_autoconfig_parse(pr, "t.xml", text, len,
	    "Jane.Doe@example.org", report, &err);
}

static void
test_wizard_autoconfig_parse_good(void **state)
{
	struct wizard_provider	*pr;
	struct sbuf		 report;

	(void)state;
	sbuf_init(&report);
	pr = wizard_provider_new("t");
	assert_int_equal(ac_parse(pr, ac_good, sizeof ac_good - 1, &report),
	    3);
	assert_int_equal(pr->ncand[WIZARD_IMAP], 1);
	assert_string_equal(pr->cand[WIZARD_IMAP][0].host, "imap.example.org");
	assert_int_equal(pr->cand[WIZARD_IMAP][0].port, 993);
	assert_int_equal(pr->cand[WIZARD_IMAP][0].security, SECURITY_TLS);
	assert_int_equal(pr->cand[WIZARD_IMAP][0].origin,
	    WIZARD_FROM_AUTOCONFIG);
	assert_int_equal(pr->ncand[WIZARD_POP3], 1);
	assert_string_equal(pr->cand[WIZARD_POP3][0].host, "pop.example.org");
	assert_int_equal(pr->cand[WIZARD_POP3][0].port, 110);
	assert_int_equal(pr->cand[WIZARD_POP3][0].security,
	    SECURITY_STARTTLS);
	assert_int_equal(pr->ncand[WIZARD_SMTP], 1);
	assert_int_equal(pr->cand[WIZARD_SMTP][0].port, 465);
	assert_string_equal(pr->username, "Jane.Doe");
	assert_non_null(strstr(report.buf, "plaintext is refused"));
	assert_non_null(strstr(report.buf, "not imap, pop3 or smtp"));
	wizard_provider_free(pr);
	sbuf_release(&report);
}

static void
test_wizard_autoconfig_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"   ",
		"just text",
		"<clientConfig>",
		"<clientConfig></clientconfig>",
		"<clientConfig><emailProvider></clientConfig></emailProvider>",
		"<clientConfig a=b></clientConfig>",
		"<clientConfig a=\"b></clientConfig>",
		"<clientConfig type=\"a\" type=\"b\"></clientConfig>",
		"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><clientConfig/>",
		"<clientConfig><emailProvider>&a;</emailProvider>"
		    "</clientConfig>",
		"<clientConfig>&#0;</clientConfig>",
		"<clientConfig>&#x110000;</clientConfig>",
		"<clientConfig>&#xd800;</clientConfig>",
		"<clientConfig>&#99999999999;</clientConfig>",
		"<clientConfig>&amp</clientConfig>",
		"<clientConfig/><clientConfig/>",
		"<clientConfig/>trailing",
		"<other><emailProvider/></other>",
		"<clientConfig></clientConfig>",
		"<clientConfig><!-- open</clientConfig>",
		"<clientConfig><![CDATA[open</clientConfig>",
		"<1clientConfig/>",
		"<clientConfig\0/>",
	};
	struct wizard_provider	*pr;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pr = wizard_provider_new("t");
		/* The last one has a NUL byte inside. */
		if (ac_parse(pr, bad[i], i + 1 == sizeof bad / sizeof bad[0] ?
		    16 : strlen(bad[i]), NULL) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(pr->ncand[WIZARD_IMAP] + pr->ncand[WIZARD_POP3]
		    + pr->ncand[WIZARD_SMTP], 0);
		wizard_provider_free(pr);
	}
}

static void
test_wizard_autoconfig_parse_truncated(void **state)
{
	struct wizard_provider	*pr;
	size_t			 len, full = sizeof ac_good - 1, end;
	int			 n;

	(void)state;
	/* Where the root's end tag finishes; beyond is only a newline. */
	end = (size_t)(strstr(ac_good, "</clientConfig>") - ac_good) + 15;
	for (len = 0; len <= full; len++) {
		pr = wizard_provider_new("t");
		n = ac_parse(pr, ac_good, len, NULL);
		if (len < end) {
			if (n != -1)
				fail_msg("accepted %zu of %zu bytes", len, full);
			assert_int_equal(pr->ncand[WIZARD_IMAP], 0);
		} else
			assert_int_equal(n, 3);
		wizard_provider_free(pr);
	}
}

static void
test_wizard_autoconfig_parse_huge(void **state)
{
	struct wizard_provider	*pr;
	struct sbuf		 s;
	int			 i;

	(void)state;
	/* Too big. */
	sbuf_init(&s);
	sbuf_addstr(&s, "<clientConfig><emailProvider>");
	while (s.len <= WIZARD_AUTOCONFIG_MAX_SIZE)
		sbuf_addstr(&s, "<!-- padding padding padding -->");
	sbuf_addstr(&s, "</emailProvider></clientConfig>");
	pr = wizard_provider_new("t");
	assert_int_equal(ac_parse(pr, s.buf, s.len, NULL), -1);
	wizard_provider_free(pr);
	/* Too deep. */
	sbuf_reset(&s);
	for (i = 0; i < 10000; i++)
		sbuf_addstr(&s, "<a>");
	pr = wizard_provider_new("t");
	assert_int_equal(ac_parse(pr, s.buf, s.len, NULL), -1);
	wizard_provider_free(pr);
	/* Too many elements. */
	sbuf_reset(&s);
	sbuf_addstr(&s, "<clientConfig>");
	for (i = 0; i < WIZARD_AUTOCONFIG_MAX_NODES + 1; i++)
		sbuf_addstr(&s, "<x/>");
	sbuf_addstr(&s, "</clientConfig>");
	pr = wizard_provider_new("t");
	assert_int_equal(ac_parse(pr, s.buf, s.len, NULL), -1);
	wizard_provider_free(pr);
	/* A text too long. */
	sbuf_reset(&s);
	sbuf_addstr(&s, "<clientConfig><emailProvider><incomingServer "
	    "type=\"imap\"><hostname>");
	for (i = 0; i < 5000; i++)
		sbuf_addstr(&s, "a.");
	sbuf_addstr(&s, "org</hostname></incomingServer></emailProvider>"
	    "</clientConfig>");
	pr = wizard_provider_new("t");
	assert_int_equal(ac_parse(pr, s.buf, s.len, NULL), -1);
	wizard_provider_free(pr);
	sbuf_release(&s);
}

static void
test_wizard_autoconfig_parse_much_indentation(void **state)
{
	struct wizard_provider	*pr;
	struct sbuf		 s;
	int			 i;

	(void)state;
	/* Many servers, deeply indented: spaces are not a long text. */
	sbuf_init(&s);
	sbuf_addstr(&s, "<clientConfig><emailProvider>");
	for (i = 0; i < 30; i++)
		sbuf_addf(&s, "\n%200s<incomingServer type=\"imap\">"
		    "<hostname>h%d.example.org</hostname><port>993</port>"
		    "<socketType>SSL</socketType></incomingServer>", "", i);
	sbuf_addstr(&s, "\n</emailProvider></clientConfig>");
	pr = wizard_provider_new("t");
	assert_int_equal(ac_parse(pr, s.buf, s.len, NULL), 30);
	assert_int_equal(pr->ncand[WIZARD_IMAP], 30);
	wizard_provider_free(pr);
	sbuf_release(&s);
}

static void
test_wizard_autoconfig_parse_bad_servers(void **state)
{
	static const char doc[] =
	    "<clientConfig><emailProvider>"
	    "<incomingServer type=\"imap\"><hostname>a b</hostname>"
	    "<port>993</port><socketType>SSL</socketType></incomingServer>"
	    "<incomingServer type=\"imap\"><hostname>%FOO%.org</hostname>"
	    "<port>993</port><socketType>SSL</socketType></incomingServer>"
	    "<incomingServer type=\"imap\"><hostname>x.org</hostname>"
	    "<port>99999</port><socketType>SSL</socketType></incomingServer>"
	    "<incomingServer type=\"imap\"><hostname>x.org</hostname>"
	    "<port>0x10</port><socketType>SSL</socketType></incomingServer>"
	    "<incomingServer type=\"imap\"><hostname>x.org</hostname>"
	    "<port>993</port><socketType>TLS</socketType></incomingServer>"
	    "<incomingServer><hostname>x.org</hostname></incomingServer>"
	    "<incomingServer type=\"imap\"><hostname>\033[2J.org</hostname>"
	    "<port>993</port><socketType>SSL</socketType></incomingServer>"
	    "<incomingServer type=\"imap\"><hostname>ok.org</hostname>"
	    "<port>993</port><socketType>SSL</socketType>"
	    "<username>a\r\nb</username></incomingServer>"
	    "</emailProvider></clientConfig>";
	struct wizard_provider	*pr;

	(void)state;
	pr = wizard_provider_new("t");
	assert_int_equal(ac_parse(pr, doc, sizeof doc - 1, NULL), 1);
	assert_int_equal(pr->ncand[WIZARD_IMAP], 1);
	assert_string_equal(pr->cand[WIZARD_IMAP][0].host, "ok.org");
	assert_null(pr->username);
	wizard_provider_free(pr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wizard_srv_parse_priority_then_weight),
		cmocka_unit_test(test_wizard_srv_parse_dot_not_offered),
		cmocka_unit_test(test_wizard_srv_parse_skips_hostile_records),
		cmocka_unit_test(test_wizard_srv_parse_truncated),
		cmocka_unit_test(test_wizard_srv_parse_compression_loop),
		cmocka_unit_test(test_wizard_srv_parse_huge),
		cmocka_unit_test(test_wizard_srv_parse_random_bytes),
		cmocka_unit_test(test_wizard_autoconfig_parse_good),
		cmocka_unit_test(test_wizard_autoconfig_parse_malformed),
		cmocka_unit_test(test_wizard_autoconfig_parse_truncated),
		cmocka_unit_test(test_wizard_autoconfig_parse_huge),
		cmocka_unit_test(test_wizard_autoconfig_parse_much_indentation),
		cmocka_unit_test(test_wizard_autoconfig_parse_bad_servers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
