/*
 * tests/unit/test_send.c: building outgoing messages (RFC 2047 words,
 * folding, quoted-printable, addresses, attachments) and the outbox.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "unit.h"

#include "core/error.h"
#include "core/sbuf.h"
#include "mime/internal.h"
#include "mime/mime.h"
#include "smtp/internal.h"
#include "smtp/smtp.h"

/* Every line of s ends in CRLF and has at most max columns. */
static void
check_lines(const char *s, size_t max)
{
	const char	*p, *nl;

	for (p = s; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_true(nl > p && nl[-1] == '\r');
		if ((size_t)(nl - p - 1) > max)
			fail_msg("line longer than %zu: %.*s", max,
			    (int)(nl - p), p);
	}
}

/* The value of header name in msg, unfolded and decoded. */
static char *
header_value(const char *msg, const char *name)
{
	struct sbuf	 raw;
	const char	*p, *end;
	size_t		 n = strlen(name);
	char		*v;

	sbuf_init(&raw);
	for (p = msg; p != NULL && *p != '\0' && strncmp(p, "\r\n", 2) != 0;
	    p = strstr(p, "\r\n") + 2) {
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		p += n + 1;
		for (;;) {
			end = strstr(p, "\r\n");
			sbuf_add(&raw, p, (size_t)(end - p));
			if (end[2] != ' ' && end[2] != '\t')
				break;
			p = end + 2;
		}
		v = mime_decode_header(raw.buf, raw.len);
		sbuf_release(&raw);
		return v;
	}
	sbuf_release(&raw);
	return NULL;
}

static char *
text_header(const char *value)
{
	struct sbuf	 out;

	sbuf_init(&out);
	mime_header_text(&out, "Subject", value);
	return sbuf_detach(&out, NULL);
}

/* Encodes value as a Subject, checks the lines and the decoding. */
static void
check_subject(const char *value, const char *want)
{
	char	*h, *got;

	h = text_header(value);
	check_lines(h, 78);
	got = header_value(h, "Subject");
	assert_non_null(got);
	/* Readers drop the blank after the colon. */
	assert_string_equal(got + (got[0] == ' '), want);
	free(got);
	free(h);
}

static void
test_mime_header_text_ascii_as_is(void **state)
{
	char	*h;

	(void)state;
	h = text_header("Hello world");
	assert_string_equal(h, "Subject: Hello world\r\n");
	free(h);
}

static void
test_mime_header_text_utf8_encoded(void **state)
{
	char	*h;

	(void)state;
	h = text_header("Grüße aus Köln");
	assert_non_null(strstr(h, "=?UTF-8?"));
	assert_null(strstr(h, "ü"));
	free(h);
	check_subject("Grüße aus Köln", "Grüße aus Köln");
}

static void
test_mime_header_text_adjacent_words_keep_space(void **state)
{
	(void)state;
	check_subject("Grüße Müller Jürgen", "Grüße Müller Jürgen");
	check_subject("日本語 の 件名", "日本語 の 件名");
}

static void
test_mime_header_text_folds_long(void **state)
{
	char	 s[600];
	char	*h;

	(void)state;
	strcpy(s, "");
	while (strlen(s) < 500)
		strcat(s, "word ñandú ");
	s[strlen(s) - 1] = '\0';
	check_subject(s, s);
	h = text_header("a very long subject line that goes on and on and on "
	    "and on until it has to be folded somewhere");
	check_lines(h, 78);
	assert_non_null(strstr(h, "\r\n "));
	free(h);
	/* A long word without blanks is encoded so that it can be split. */
	memset(s, 'x', 200);
	s[200] = '\0';
	check_subject(s, s);
}

static void
test_mime_header_text_no_injection(void **state)
{
	char	*h, *p;

	(void)state;
	h = text_header("hi\r\nBcc: victim@example.test");
	for (p = strstr(h, "\r\n"); p != NULL && p[2] != '\0';
	    p = strstr(p + 2, "\r\n"))
		assert_true(p[2] == ' ' || p[2] == '\t');
	free(h);
	/* Text that looks like an encoded word is encoded itself. */
	check_subject("=?UTF-8?B?SGk=?= there", "=?UTF-8?B?SGk=?= there");
}

static void
qp_roundtrip(const char *in, size_t len, const char *crlf_in)
{
	struct sbuf	 enc, dec;

	sbuf_init(&enc);
	sbuf_init(&dec);
	mime_qp_encode(in, len, &enc);
	check_lines(enc.buf, 76);
	mime_qp_decode(enc.buf, enc.len, &dec);
	assert_int_equal(dec.len, strlen(crlf_in));
	assert_memory_equal(dec.buf, crlf_in, dec.len);
	sbuf_release(&enc);
	sbuf_release(&dec);
}

static void
test_mime_qp_encode_basics(void **state)
{
	struct sbuf	 enc;

	(void)state;
	sbuf_init(&enc);
	mime_qp_encode("a=b ü\nFrom me \n.\n", 17, &enc);
	assert_string_equal(enc.buf,
	    "a=3Db =C3=BC\r\n=46rom me=20\r\n=2E\r\n");
	sbuf_release(&enc);
	qp_roundtrip("x = y\r\n", 7, "x = y\n");
}

static void
test_mime_qp_encode_long_lines(void **state)
{
	char	 line[400], want[410];

	(void)state;
	memset(line, 'a', sizeof line);
	memcpy(line + 70, "ééé=", 7);
	line[sizeof line - 1] = '\n';
	memcpy(want, line, sizeof line - 1);
	memcpy(want + sizeof line - 1, "\n", 2);
	qp_roundtrip(line, sizeof line, want);
}

static void
test_mime_address_parse_quoted_commas(void **state)
{
	struct mime_address_list	 l = { NULL, 0 };
	struct error			 err = { 0 };

	(void)state;
	assert_int_equal(mime_address_parse("\"Doe, John\" <john@x.org>, "
	    "bob@y.org (Bob), Jörg Müller <j@z.de>,,", &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name, "Doe, John");
	assert_string_equal(l.v[0].addr, "john@x.org");
	assert_null(l.v[1].name);
	assert_string_equal(l.v[1].addr, "bob@y.org");
	assert_string_equal(l.v[2].name, "Jörg Müller");
	assert_string_equal(l.v[2].addr, "j@z.de");
	mime_address_list_release(&l);
}

static void
test_mime_address_parse_groups(void **state)
{
	struct mime_address_list	 l = { NULL, 0 };
	struct error			 err = { 0 };
	struct sbuf			 h;

	(void)state;
	assert_int_equal(mime_address_parse("Team: a@x.org, \"B\" <b@x.org>;"
	    ", c@y.org, undisclosed-recipients:;", &l, &err), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].group, "Team");
	assert_string_equal(l.v[1].group, "Team");
	assert_string_equal(l.v[1].addr, "b@x.org");
	assert_null(l.v[2].group);
	assert_null(l.v[3].addr);
	assert_string_equal(l.v[3].group, "undisclosed-recipients");
	sbuf_init(&h);
	mime_header_addresses(&h, "To", &l);
	assert_string_equal(h.buf, "To: Team: a@x.org, B <b@x.org>;, "
	    "c@y.org, undisclosed-recipients:;\r\n");
	sbuf_release(&h);
	mime_address_list_release(&l);
}

static void
test_mime_address_parse_encoded_and_quoted_local(void **state)
{
	struct mime_address_list	 l = { NULL, 0 };
	struct error			 err = { 0 };

	(void)state;
	assert_int_equal(mime_address_parse("=?UTF-8?Q?J=C3=B6rg?= <j@x.de>, "
	    "\"john doe\"@x.org, <@route:r@x.org>, (c) a.b@[127.0.0.1]",
	    &l, &err), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].name, "Jörg");
	assert_string_equal(l.v[1].addr, "\"john doe\"@x.org");
	assert_string_equal(l.v[2].addr, "r@x.org");
	assert_string_equal(l.v[3].addr, "a.b@[127.0.0.1]");
	mime_address_list_release(&l);
}

static void
test_mime_address_parse_invalid(void **state)
{
	static const char	*bad[] = {
		"alice", "a@", "<a@b.org", "\"open <a@b.org>", "a@b.org c@d",
		"x..y@b.org", "a@b..org", "a@\xc3\x28.de", "a@b\xff.de",
		"(unclosed a@b.org", "G: a@b.org", "a@b.org>", "<>",
		"A: B: c@d.org;;",
	};
	struct mime_address_list	 l = { NULL, 0 };
	struct error			 err = { 0 };
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (mime_address_parse(bad[i], &l, &err) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(err.kind, ERROR_INPUT);
		assert_int_equal(l.n, 0);
	}
}

/* The parts of a message parsed back by libetpan. */
static struct mailmime *
parse_back(const char *msg, size_t len)
{
	struct mailmime	*mime = NULL;
	size_t		 idx = 0;

	assert_int_equal(mailmime_parse(msg, len, &idx, &mime),
	    MAILIMF_NO_ERROR);
	return mime;
}

static void
build_simple(struct mime_draft *d, struct sbuf *msg,
    struct mime_envelope *env)
{
	struct error	 err = { 0 };

	sbuf_init(msg);
	if (mime_build(d, msg, env, &err) == -1)
		fail_msg("mime_build: %s", err.msg);
}

static void
test_mime_build_text_parses_back(void **state)
{
	struct mime_draft	 d;
	struct mime_envelope	 env;
	struct sbuf		 msg, out;
	struct error		 err = { 0 };
	char			*v;
	const char		*body = "Grüße,\nzweite Zeile\n";

	(void)state;
	memset(&d, 0, sizeof d);
	d.from = "Alice Exämple <alice@example.test>";
	d.to = "\"Doe, John\" <john@example.test>";
	d.cc = "carol@example.test";
	d.bcc = "secret@example.test, john@example.test";
	d.subject = "Grüße aus Köln";
	d.in_reply_to = "<a1@example.test>";
	d.references = "<a0@example.test> junk <a1@example.test>";
	d.body = body;
	d.body_len = strlen(body);
	build_simple(&d, &msg, &env);
	check_lines(msg.buf, 78);
	assert_null(strstr(msg.buf, "Bcc"));
	assert_null(strstr(msg.buf, "secret@"));
	assert_non_null(strstr(msg.buf, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(msg.buf, "quoted-printable"));
	assert_non_null(strstr(msg.buf, "\r\nReferences: <a0@example.test> "
	    "<a1@example.test>\r\n"));
	v = header_value(msg.buf, "Message-ID");
	assert_non_null(strstr(v, "@example.test>"));
	free(v);
	v = header_value(msg.buf, "From");
	assert_string_equal(v + (*v == ' '), "Alice Exämple "
	    "<alice@example.test>");
	free(v);
	assert_string_equal(env.from, "alice@example.test");
	assert_int_equal(env.nrcpts, 3);
	assert_string_equal(env.rcpts[0], "john@example.test");
	assert_string_equal(env.rcpts[1], "carol@example.test");
	assert_string_equal(env.rcpts[2], "secret@example.test");
	sbuf_init(&out);
	assert_int_equal(mime_render(msg.buf, msg.len, 0, &out, &err), 0);
	assert_non_null(strstr(out.buf, "Grüße aus Köln"));
	assert_non_null(strstr(out.buf, "Grüße,\nzweite Zeile"));
	assert_non_null(strstr(out.buf, "Doe, John"));
	sbuf_release(&out);
	mime_envelope_release(&env);
	sbuf_release(&msg);
}

static void
test_mime_build_ascii_is_7bit(void **state)
{
	struct mime_draft	 d;
	struct mime_envelope	 env;
	struct sbuf		 msg;

	(void)state;
	memset(&d, 0, sizeof d);
	d.from = "a@example.test";
	d.to = "b@example.test";
	d.body = "plain\nascii";
	d.body_len = 11;
	build_simple(&d, &msg, &env);
	assert_non_null(strstr(msg.buf, "Content-Transfer-Encoding: 7bit\r\n"
	    "\r\nplain\r\nascii\r\n"));
	assert_null(strstr(msg.buf, "Subject"));
	mime_envelope_release(&env);
	sbuf_release(&msg);
}

static void
test_mime_build_refuses_bad_from(void **state)
{
	struct mime_draft	 d;
	struct mime_envelope	 env;
	struct sbuf		 msg;
	struct error		 err = { 0 };

	(void)state;
	memset(&d, 0, sizeof d);
	d.from = "a@example.test, b@example.test";
	d.to = "c@example.test";
	sbuf_init(&msg);
	assert_int_equal(mime_build(&d, &msg, &env, &err), -1);
	assert_int_equal(err.kind, ERROR_INPUT);
	d.from = "a@example.test";
	d.to = "broken";
	assert_int_equal(mime_build(&d, &msg, &env, &err), -1);
	assert_non_null(strstr(err.msg, "To"));
	assert_int_equal(msg.len, 0);
	sbuf_release(&msg);
}

/* Finds the single part with a disposition file name. */
static struct mailmime *
find_attachment(struct mailmime *m)
{
	struct mailmime_single_fields	 sf;
	clistiter			*it;
	struct mailmime			*r;

	if (m->mm_type == MAILMIME_MESSAGE)
		return find_attachment(m->mm_data.mm_message.mm_msg_mime);
	if (m->mm_type == MAILMIME_MULTIPLE) {
		for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list);
		    it != NULL; it = clist_next(it)) {
			if ((r = find_attachment(clist_content(it))) != NULL)
				return r;
		}
		return NULL;
	}
	mailmime_single_fields_init(&sf, m->mm_mime_fields,
	    m->mm_content_type);
	return sf.fld_disposition != NULL ? m : NULL;
}

static void
test_mime_build_attachment_roundtrip(void **state)
{
	static const char		*name = "Übersicht 2025.pdf";
	struct mailmime_single_fields	 sf;
	struct mime_draft		 d;
	struct mime_envelope		 env;
	struct mailmime			*mime, *part;
	struct sbuf			 msg, out;
	struct error			 err = { 0 };
	char				 dir[] = "/tmp/test_send.XXXXXX", *path;
	const char			*files[1];
	unsigned char			 data[5000];
	char				*dec = NULL;
	size_t				 i, idx = 0, declen = 0;
	FILE				*f;

	(void)state;
	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + i / 256);
	assert_non_null(mkdtemp(dir));
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, sizeof data, f), sizeof data);
	fclose(f);
	memset(&d, 0, sizeof d);
	d.from = "a@example.test";
	d.to = "b@example.test";
	d.body = "see attached";
	d.body_len = 12;
	files[0] = path;
	d.attachments = files;
	d.nattachments = 1;
	build_simple(&d, &msg, &env);
	check_lines(msg.buf, 78);
	assert_non_null(strstr(msg.buf, "Content-Type: application/pdf"));
	assert_non_null(strstr(msg.buf,
	    "filename*0*=UTF-8''%C3%9Cbersicht%202025.pdf"));
	mime = parse_back(msg.buf, msg.len);
	assert_non_null(part = find_attachment(mime));
	mailmime_single_fields_init(&sf, part->mm_mime_fields,
	    part->mm_content_type);
	assert_int_equal(sf.fld_encoding->enc_type, MAILMIME_MECHANISM_BASE64);
	assert_int_equal(mailmime_part_parse(
	    part->mm_data.mm_single->dt_data.dt_text.dt_data,
	    part->mm_data.mm_single->dt_data.dt_text.dt_length, &idx,
	    MAILMIME_MECHANISM_BASE64, &dec, &declen), MAILIMF_NO_ERROR);
	assert_int_equal(declen, sizeof data);
	assert_memory_equal(dec, data, sizeof data);
	mmap_string_unref(dec);
	mailmime_free(mime);
	/* Our own renderer names it from the RFC 2231 parameter. */
	sbuf_init(&out);
	assert_int_equal(mime_render(msg.buf, msg.len, 0, &out, &err), 0);
	assert_non_null(strstr(out.buf, name));
	sbuf_release(&out);
	mime_envelope_release(&env);
	sbuf_release(&msg);
	/* A missing file fails the build. */
	files[0] = "/nonexistent/file";
	sbuf_init(&msg);
	assert_int_equal(mime_build(&d, &msg, &env, &err), -1);
	sbuf_release(&msg);
	unlink(path);
	rmdir(dir);
	free(path);
}

static void
test_mime_type_for_name_table(void **state)
{
	(void)state;
	assert_string_equal(mime_type_for_name("a.PDF"), "application/pdf");
	assert_string_equal(mime_type_for_name("x.tar.gz"),
	    "application/gzip");
	assert_string_equal(mime_type_for_name("noext"),
	    "application/octet-stream");
	assert_string_equal(mime_type_for_name("dot."),
	    "application/octet-stream");
}

static void
test_mime_b64_encode_lines(void **state)
{
	struct sbuf	 out, dec;
	char		 in[200];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof in; i++)
		in[i] = (char)i;
	sbuf_init(&out);
	sbuf_init(&dec);
	mime_b64_encode(in, sizeof in, &out);
	check_lines(out.buf, 76);
	assert_int_equal(mime_b64_decode(out.buf, out.len, &dec), 0);
	assert_int_equal(dec.len, sizeof in);
	assert_memory_equal(dec.buf, in, sizeof in);
	sbuf_reset(&out);
	mime_b64_encode("ab", 2, &out);
	assert_string_equal(out.buf, "YWI=\r\n");
	sbuf_release(&out);
	sbuf_release(&dec);
}

static void
test_outbox_put_list_lock(void **state)
{
	struct account		 a;
	struct mime_envelope	 env, back;
	struct error		 err = { 0 };
	char			 dir[] = "/tmp/test_outbox.XXXXXX";
	char			*rcpts[] = { "b@example.test", "c@example.test" };
	char			*id, **ids, *obdir, *cmd;
	size_t			 n;
	int			 fd, fd2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_DATA_HOME", dir, 1);
	memset(&a, 0, sizeof a);
	a.id = "acct";
	env.from = "a@example.test";
	env.rcpts = rcpts;
	env.nrcpts = 2;
	assert_int_equal(outbox_put(&a, &env, "msg\r\n", 5, &id, &fd, &err),
	    0);
	obdir = outbox_dir(&a);
	assert_int_equal(outbox_list(obdir, &ids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], id);
	/* Held by the sender: another open cannot take it. */
	assert_int_equal(outbox_lock(obdir, id), -2);
	close(fd);
	assert_true((fd2 = outbox_lock(obdir, id)) >= 0);
	assert_int_equal(outbox_read_env(obdir, id, &back, &err), 0);
	assert_string_equal(back.from, "a@example.test");
	assert_int_equal(back.nrcpts, 2);
	assert_string_equal(back.rcpts[1], "c@example.test");
	mime_envelope_release(&back);
	assert_int_equal(outbox_remove(obdir, id, &err), 0);
	close(fd2);
	assert_int_equal(outbox_lock(obdir, id), -1);
	free(ids[0]);
	free(ids);
	free(id);
	assert_int_equal(outbox_list(obdir, &ids, &n, &err), 0);
	assert_int_equal(n, 0);
	free(ids);
	/* ".." cannot name an outbox. */
	a.id = "..";
	assert_int_equal(outbox_put(&a, &env, "m", 1, &id, &fd, &err), -1);
	free(obdir);
	assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mime_header_text_ascii_as_is),
		cmocka_unit_test(test_mime_header_text_utf8_encoded),
		cmocka_unit_test(test_mime_header_text_adjacent_words_keep_space),
		cmocka_unit_test(test_mime_header_text_folds_long),
		cmocka_unit_test(test_mime_header_text_no_injection),
		cmocka_unit_test(test_mime_qp_encode_basics),
		cmocka_unit_test(test_mime_qp_encode_long_lines),
		cmocka_unit_test(test_mime_address_parse_quoted_commas),
		cmocka_unit_test(test_mime_address_parse_groups),
		cmocka_unit_test(test_mime_address_parse_encoded_and_quoted_local),
		cmocka_unit_test(test_mime_address_parse_invalid),
		cmocka_unit_test(test_mime_build_text_parses_back),
		cmocka_unit_test(test_mime_build_ascii_is_7bit),
		cmocka_unit_test(test_mime_build_refuses_bad_from),
		cmocka_unit_test(test_mime_build_attachment_roundtrip),
		cmocka_unit_test(test_mime_type_for_name_table),
		cmocka_unit_test(test_mime_b64_encode_lines),
		cmocka_unit_test(test_outbox_put_list_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
