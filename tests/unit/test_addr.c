/*
 * tests/unit/test_addr.c: the address book (store, ranking, completion,
 * the query command), RFC 5322 addresses written and read back, and
 * internationalized domains (Punycode, RFC 3492 section 7.1 samples).
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "addr/addr.h"
#include "core/error.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/internal.h"
#include "mime/mime.h"

/* A fresh XDG_DATA_HOME; returns its path (static). */
static const char *
fresh_data_home(void)
{
	static char	 dir[64];

	strcpy(dir, "/tmp/postern-test-addr.XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("XDG_DATA_HOME", dir, 1);
	return dir;
}

static void
remove_tree(const char *dir)
{
	char	*cmd;

	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Punycode of the code points given as hex numbers. */
static void
check_puny(const char *hex, const char *want)
{
	uint32_t	 cp[64];
	size_t		 n = 0;
	char		*end;
	struct sbuf	 out;

	while (*hex != '\0') {
		cp[n++] = (uint32_t)strtoul(hex, &end, 16);
		hex = end;
		while (*hex == ' ')
			hex++;
	}
	sbuf_init(&out);
	assert_int_equal(mime_punycode_encode(cp, n, &out), 0);
	assert_string_equal(out.buf, want);
	sbuf_release(&out);
}

static void
test_mime_punycode_encode_rfc3492(void **state)
{
	(void)state;
	/* (A) Arabic (Egyptian) */
	check_puny("0644 064A 0647 0645 0627 0628 062A 0643 0644 0645 0648 "
	    "0634 0639 0631 0628 064A 061F", "egbpdaj6bu4bxfgehfvwxn");
	/* (B) Chinese (simplified) */
	check_puny("4ED6 4EEC 4E3A 4EC0 4E48 4E0D 8BF4 4E2D 6587",
	    "ihqwcrb4cv8a8dqg056pqjye");
	/* (D) Czech, with upper case kept */
	check_puny("0050 0072 006F 010D 0070 0072 006F 0073 0074 011B 006E "
	    "0065 006D 006C 0075 0076 00ED 010D 0065 0073 006B 0079",
	    "Proprostnemluvesky-uyb24dma41a");
	/* (L) 3<nen>B<gumi><kinpachi><sensei> */
	check_puny("0033 5E74 0042 7D44 91D1 516B 5148 751F",
	    "3B-ww4c5e180e575a65lsy2b");
	/* (M) <amuro><namie>-with-SUPER-MONKEYS */
	check_puny("5B89 5BA4 5948 7F8E 6075 002D 0077 0069 0074 0068 002D "
	    "0053 0055 0050 0045 0052 002D 004D 004F 004E 004B 0045 0059 0053",
	    "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n");
	/* (S) -> $1.00 <- : only basic code points */
	check_puny("002D 003E 0020 0024 0031 002E 0030 0030 0020 003C 002D",
	    "-> $1.00 <--");
}

static void
test_mime_idn_to_ascii_labels(void **state)
{
	struct error	 err = { 0 };
	char		*s;

	(void)state;
	s = mime_idn_to_ascii("bücher.example", &err);
	assert_string_equal(s, "xn--bcher-kva.example");
	free(s);
	s = mime_idn_to_ascii("Mail.MüNCHEN.de", &err);
	/* ASCII letters are lowered in a converted label only. */
	assert_string_equal(s, "Mail.xn--mnchen-3ya.de");
	free(s);
	s = mime_idn_to_ascii("example.org", &err);
	assert_string_equal(s, "example.org");
	free(s);
	assert_null(mime_idn_to_ascii("a..ü", &err));
	assert_int_equal(err.kind, ERROR_INPUT);
	assert_null(mime_idn_to_ascii("\xc3\x28.de", &err));
	s = mime_address_to_ascii("bob@bücher.example", &err);
	assert_string_equal(s, "bob@xn--bcher-kva.example");
	free(s);
	error_clear(&err);
	assert_null(mime_address_to_ascii("jörg@example.org", &err));
	assert_non_null(strstr(err.msg, "SMTPUTF8"));
}

/* Parses s, writes it as a To header, parses that back: same addresses. */
static void
roundtrip(const char *s, size_t n)
{
	struct mime_address_list	 a = { NULL, 0 }, b = { NULL, 0 };
	struct error			 err = { 0 };
	struct sbuf			 h;
	size_t				 i;

	assert_int_equal(mime_address_parse(s, &a, &err), 0);
	assert_int_equal(a.n, n);
	sbuf_init(&h);
	mime_header_addresses(&h, "To", &a);
	sbuf_addstr(&h, "\r\n");
	assert_int_equal(mime_header_address_list(h.buf, h.len, "to", &b,
	    &err), 0);
	assert_int_equal(b.n, a.n);
	for (i = 0; i < a.n; i++) {
		if (a.v[i].name == NULL)
			assert_null(b.v[i].name);
		else
			assert_string_equal(a.v[i].name, b.v[i].name);
		if (a.v[i].group == NULL)
			assert_null(b.v[i].group);
		else
			assert_string_equal(a.v[i].group, b.v[i].group);
		if (a.v[i].addr == NULL)
			assert_null(b.v[i].addr);
		else if (strstr(a.v[i].addr, "@b\xc3\xbc") != NULL)
			/* Written in A-labels: read back as such. */
			assert_non_null(strstr(b.v[i].addr, "xn--"));
		else
			assert_string_equal(a.v[i].addr, b.v[i].addr);
	}
	sbuf_release(&h);
	mime_address_list_release(&a);
	mime_address_list_release(&b);
}

static void
test_mime_header_addresses_roundtrip(void **state)
{
	(void)state;
	roundtrip("\"Doe, John\" <john@x.org>", 1);
	roundtrip("\"Say \\\"hi\\\"\" <q@x.org>, plain@x.org", 2);
	roundtrip("\"a\\\\b; c\" <s@x.org>", 1);
	roundtrip("Team: \"Doe, Jane\" <jane@x.org>, b@x.org;, "
	    "undisclosed-recipients:;, last@x.org", 4);
	roundtrip("Jörg Müller <j@z.de>, \"Öl, Gas\" <o@z.de>", 2);
	roundtrip("\"john doe\"@x.org, Bü <bob@bücher.example>", 2);
	roundtrip("=?UTF-8?Q?Doe=2C_J=C3=B6rg?= <jd@x.org>", 1);
}

static void
test_mime_address_parse_utf8(void **state)
{
	struct mime_address_list	 l = { NULL, 0 };
	struct error			 err = { 0 };
	struct sbuf			 h;

	(void)state;
	assert_int_equal(mime_address_parse("jörg@x.de, A <a@exämple.de>",
	    &l, &err), 0);
	assert_string_equal(l.v[0].addr, "jörg@x.de");
	assert_string_equal(l.v[1].addr, "a@exämple.de");
	sbuf_init(&h);
	mime_header_addresses(&h, "To", &l);
	/* A UTF-8 local part stays; a domain goes in A-labels. */
	assert_string_equal(h.buf, "To: jörg@x.de, A <a@xn--exmple-cua.de>"
	    "\r\n");
	sbuf_release(&h);
	mime_address_list_release(&l);
	assert_int_equal(mime_address_parse("a@\xc3\x28.de", &l, &err), -1);
	assert_int_equal(mime_address_parse("\xff@x.de", &l, &err), -1);
	assert_int_equal(l.n, 0);
}

static void
test_addrbook_lookup_ranks(void **state)
{
	struct addr_candidates	 c = { NULL, 0 };
	struct addrbook		*ab;
	struct error		 err = { 0 };
	const char		*dir = fresh_data_home();
	char			*path;

	(void)state;
	path = addrbook_path();
	assert_non_null(ab = addrbook_open(path, &err));
	/* Read often, never written to. */
	assert_int_equal(addrbook_note(ab, "Ann Reader", "ann@r.org",
	    ADDR_USE_READ, 100, &err), 0);
	assert_int_equal(addrbook_note(ab, NULL, "ann@r.org", ADDR_USE_READ,
	    200, &err), 0);
	assert_int_equal(addrbook_note(ab, NULL, "ANN@r.org", ADDR_USE_READ,
	    300, &err), 0);
	/* Written to once, long ago. */
	assert_int_equal(addrbook_note(ab, "Andy Sent", "andy@s.org",
	    ADDR_USE_SENT, 50, &err), 0);
	/* Written to once, recently: ranks above andy. */
	assert_int_equal(addrbook_note(ab, "Doe, Anna", "doe@d.org",
	    ADDR_USE_SENT, 400, &err), 0);
	assert_int_equal(addrbook_note(ab, "Zed", "zed@z.org",
	    ADDR_USE_SENT, 500, &err), 0);
	assert_int_equal(addrbook_lookup(ab, "an", 10, &c, &err), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.v[0].addr, "doe@d.org");	/* "Anna" word */
	assert_string_equal(c.v[1].addr, "andy@s.org");
	assert_string_equal(c.v[2].addr, "ann@r.org");
	assert_string_equal(c.v[2].name, "Ann Reader");	/* name kept */
	assert_int_equal(c.v[2].nread, 3);
	assert_int_equal(c.v[2].last, 300);
	addr_candidates_release(&c);
	/* LIKE wildcards in the prefix are plain characters. */
	assert_int_equal(addrbook_lookup(ab, "%", 10, &c, &err), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(addrbook_note(ab, "x", "no-at-sign", ADDR_USE_SENT,
	    1, &err), -1);
	addrbook_close(ab);
	free(path);
	remove_tree(dir);
}

static void
test_addr_candidate_format_quotes(void **state)
{
	struct addr_candidate	 c = { 0 };
	char			*s;

	(void)state;
	c.addr = (char *)"a@b.org";
	s = addr_candidate_format(&c);
	assert_string_equal(s, "a@b.org");
	free(s);
	c.name = (char *)"Jörg Müller";
	s = addr_candidate_format(&c);
	assert_string_equal(s, "Jörg Müller <a@b.org>");
	free(s);
	c.name = (char *)"Doe, \"JD\" John";
	s = addr_candidate_format(&c);
	assert_string_equal(s, "\"Doe, \\\"JD\\\" John\" <a@b.org>");
	free(s);
}

/* Writes an executable script; returns its path (the caller frees). */
static char *
write_script(const char *dir, const char *name, const char *body)
{
	char	*path;
	FILE	*f;

	path = xasprintf("%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(body, f);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
	return path;
}

static void
test_addr_query_run_mutt_format(void **state)
{
	struct addr_candidates	 c = { NULL, 0 };
	struct error		 err = { 0 };
	const char		*dir = fresh_data_home();
	char			*script, *cmd, *args;

	(void)state;
	/* Prints its arguments one per line into a file, then results. */
	script = write_script(dir, "query", "#!/bin/sh\n"
	    "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$0.args\"\n"
	    "echo 'Searching database ... 2 entries'\n"
	    "printf 'carol@c.org\\tCarol Q\\tfriend\\n'\n"
	    "printf 'no address here\\n'\n"
	    "printf 'dan@d.org\\t\\n'\n");
	cmd = xasprintf("%s --mutt-query '%%s' x", script);
	assert_int_equal(addr_query_run(cmd, "it's; $(rm -rf /)", 10, &c,
	    &err), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].addr, "carol@c.org");
	assert_string_equal(c.v[0].name, "Carol Q");
	assert_string_equal(c.v[1].addr, "dan@d.org");
	assert_null(c.v[1].name);
	args = xasprintf("%s.args", script);
	{
		struct sbuf	 b;
		FILE		*f;
		char		 buf[256];
		size_t		 n;

		sbuf_init(&b);
		assert_non_null(f = fopen(args, "r"));
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			sbuf_add(&b, buf, n);
		fclose(f);
		/* The query is one argument, untouched by any shell. */
		assert_string_equal(b.buf, "--mutt-query\nit's; $(rm -rf /)\n"
		    "x\n");
		sbuf_release(&b);
	}
	addr_candidates_release(&c);
	free(cmd);
	/* Without %s the query is the last argument. */
	cmd = xasprintf("\"%s\" -q", script);
	assert_int_equal(addr_query_run(cmd, "ca", 1, &c, &err), 0);
	assert_int_equal(c.n, 1);
	addr_candidates_release(&c);
	free(cmd);
	assert_int_equal(addr_query_run("/nonexistent/query %s", "x", 10, &c,
	    &err), -1);
	assert_int_equal(addr_query_run("'unterminated", "x", 10, &c, &err),
	    -1);
	free(args);
	free(script);
	remove_tree(dir);
}

static void
test_addrbook_complete_book_then_query(void **state)
{
	static const char	 msg[] =
	    "From: \"Carol, Reader\" <carol@c.org>\r\nTo: me@x.org\r\n"
	    "Subject: hi\r\n\r\nbody\r\n";
	static const char	 sent[] =
	    "From: me@x.org\r\nTo: Cathy <cathy@k.org>, g: cx@k.org;\r\n"
	    "Cc: \"Doe, Jane\" <jane@d.org>\r\n\r\nbody\r\n";
	char *const		 rcpts[] = { (char *)"cathy@k.org",
	    (char *)"cx@k.org", (char *)"jane@d.org", (char *)"hidden@h.org" };
	struct addr_candidates	 c = { NULL, 0 };
	struct error		 err = { 0 };
	const char		*dir = fresh_data_home();
	char			*script, *cmd;

	(void)state;
	addrbook_note_message(msg, sizeof msg - 1, NULL, 0, ADDR_USE_READ);
	addrbook_note_message(sent, sizeof sent - 1, rcpts, 4, ADDR_USE_SENT);
	script = write_script(dir, "q", "#!/bin/sh\necho header\n"
	    "printf 'carol@c.org\\tCarol Dup\\n'\n"
	    "printf 'cq@q.org\\tC From Query\\n'\n");
	cmd = xasprintf("%s %%s", script);
	assert_int_equal(addrbook_complete(cmd, "c", 10, &c, &err), 0);
	assert_int_equal(c.n, 4);
	/* Written to first (cathy before cx: same count, name order) ... */
	assert_int_equal(c.v[0].source, ADDR_SOURCE_BOOK);
	assert_int_equal(c.v[0].nsent, 1);
	assert_int_equal(c.v[1].nsent, 1);
	/* ... then only read from, then the query's new ones. */
	assert_string_equal(c.v[2].addr, "carol@c.org");
	assert_string_equal(c.v[2].name, "Carol, Reader");
	assert_string_equal(c.v[3].addr, "cq@q.org");
	assert_int_equal(c.v[3].source, ADDR_SOURCE_QUERY);
	addr_candidates_release(&c);
	/* The Bcc-only recipient is in the book too. */
	assert_int_equal(addrbook_complete(NULL, "hid", 10, &c, &err), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].addr, "hidden@h.org");
	addr_candidates_release(&c);
	assert_int_equal(addrbook_complete(NULL, "Jane", 10, &c, &err), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].name, "Doe, Jane");
	addr_candidates_release(&c);
	free(cmd);
	free(script);
	remove_tree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mime_punycode_encode_rfc3492),
		cmocka_unit_test(test_mime_idn_to_ascii_labels),
		cmocka_unit_test(test_mime_header_addresses_roundtrip),
		cmocka_unit_test(test_mime_address_parse_utf8),
		cmocka_unit_test(test_addrbook_lookup_ranks),
		cmocka_unit_test(test_addr_candidate_format_quotes),
		cmocka_unit_test(test_addr_query_run_mutt_format),
		cmocka_unit_test(test_addrbook_complete_book_then_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
