/* tests/unit/test_attach.c: parts of a message, safe file names, mailcap. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/sbuf.h"
#include "mime/mime.h"

#ifndef MIME_TEST_DATA
#define MIME_TEST_DATA	"tests/data/mime"
#endif

static void
safe_is(const char *in, const char *want)
{
	char	*got = mime_safe_filename(in);

	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
	free(got);
}

static void
test_mime_safe_filename_traversal(void **state)
{
	(void)state;
	safe_is("../../etc/passwd", "passwd");
	safe_is("/etc/shadow", "shadow");
	safe_is("..\\..\\windows\\win.ini", "win.ini");
	safe_is("a/../b.txt", "b.txt");
	safe_is("..", NULL);
	safe_is(".", NULL);
	safe_is("../", NULL);
	safe_is("", NULL);
	safe_is(NULL, NULL);
	safe_is("report.pdf", "report.pdf");
}

static void
test_mime_safe_filename_leading_dot_dash(void **state)
{
	(void)state;
	safe_is(".bashrc", "bashrc");
	safe_is("-rf", "rf");
	safe_is("--help.txt", "help.txt");
	safe_is(" . name . ", "name");
	safe_is("...", NULL);
}

static void
test_mime_safe_filename_controls(void **state)
{
	(void)state;
	safe_is("evil\x1b[31mname\x07.txt", "evil_[31mname_.txt");
	safe_is("a\nb\rc\td", "a_b_c_d");
	safe_is("x\x7fy", "x_y");
	safe_is("x\xc2\x9by", "x_y");		/* C1 CSI */
	safe_is("a\xe2\x80\xaegpj.exe", "a_gpj.exe");	/* RLO */
	safe_is("bad\xff.txt", "bad_.txt");
	safe_is("na\xc3\xafve r\xc3\xa9sum\xc3\xa9.txt",
	    "na\xc3\xafve r\xc3\xa9sum\xc3\xa9.txt");
}

static void
test_mime_safe_filename_long(void **state)
{
	char	 in[600], *got;
	size_t	 i;

	(void)state;
	memset(in, 'a', 300);
	strcpy(in + 300, ".pdf");
	got = mime_safe_filename(in);
	assert_non_null(got);
	assert_true(strlen(got) <= MIME_MAX_FILENAME);
	assert_string_equal(got + strlen(got) - 4, ".pdf");
	free(got);
	/* Cut on a character boundary. */
	for (i = 0; i < 250; i++)
		memcpy(in + 2 * i, "\xc3\xa9", 2);
	in[500] = '\0';
	got = mime_safe_filename(in);
	assert_non_null(got);
	assert_true(strlen(got) <= MIME_MAX_FILENAME);
	assert_int_equal(strlen(got) % 2, 0);
	assert_int_equal((unsigned char)got[strlen(got) - 1], 0xa9);
	free(got);
}

static void
test_mime_mailcap_parse_fields(void **state)
{
	struct mime_mailcap	 e;

	(void)state;
	assert_int_equal(mime_mailcap_parse("Text/HTML; w3m -dump -T text/html "
	    "%s ; copiousoutput; test=test -n \"$DISPLAY\" ; "
	    "nametemplate=%s.html; needsterminal", &e), 0);
	assert_string_equal(e.type, "text/html");
	assert_string_equal(e.command, "w3m -dump -T text/html %s");
	assert_int_equal(e.copiousoutput, 1);
	assert_int_equal(e.needsterminal, 1);
	assert_string_equal(e.test, "test -n \"$DISPLAY\"");
	assert_string_equal(e.nametemplate, "%s.html");
	mime_mailcap_release(&e);

	/* "\;" is a semicolon inside the command. */
	assert_int_equal(mime_mailcap_parse("image/*; a %s \\; b", &e), 0);
	assert_string_equal(e.type, "image/*");
	assert_string_equal(e.command, "a %s ; b");
	assert_int_equal(e.copiousoutput, 0);
	assert_null(e.test);
	mime_mailcap_release(&e);

	assert_int_equal(mime_mailcap_parse("text/plain", &e), -1);
	assert_int_equal(mime_mailcap_parse("text/plain;   ", &e), -1);
	assert_int_equal(mime_mailcap_parse("; cat %s", &e), -1);
	assert_int_equal(mime_mailcap_parse("/x; cat %s", &e), -1);
}

static void
test_mime_mailcap_expand_quoting(void **state)
{
	struct mime_mailcap	 e;
	char			*cmd;
	int			 in;

	(void)state;
	assert_int_equal(mime_mailcap_parse("text/html; conv -c %{charset} "
	    "-t %t %s %% %{other}", &e), 0);
	cmd = mime_mailcap_expand(&e, "/tmp/it's here", "text/html",
	    "utf-8;rm -rf $HOME", &in);
	assert_string_equal(cmd, "conv -c utf-8rm-rfHOME -t text/html "
	    "'/tmp/it'\\''s here' % ");
	assert_int_equal(in, 0);
	free(cmd);
	mime_mailcap_release(&e);

	assert_int_equal(mime_mailcap_parse("text/plain; cat", &e), 0);
	cmd = mime_mailcap_expand(&e, "/tmp/f", "text/plain", NULL, &in);
	assert_string_equal(cmd, "cat");
	assert_int_equal(in, 1);
	free(cmd);
	mime_mailcap_release(&e);
}

static char *
write_tmp(const char *text)
{
	char	*path = strdup("/tmp/test_attach.XXXXXX");
	int	 fd;

	assert_non_null(path);
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
test_mime_mailcap_find_order(void **state)
{
	struct mime_mailcap	 e;
	char			*a, *b, *path;

	(void)state;
	a = write_tmp("# comment\n\n"
	    "text/html; never %s; copiousoutput; test=false\n"
	    "image/*; img \\\n  %s\n"
	    "text/html; browser %s\n");
	b = write_tmp("text/html; dump %s; copiousoutput\n"
	    "application/pdf; pdf %s\n");
	path = NULL;
	assert_true(asprintf(&path, "/nonexistent/mailcap:%s:%s", a, b) > 0);

	assert_int_equal(mime_mailcap_find(path, "text/html", 0, &e), 0);
	assert_string_equal(e.command, "browser %s");
	mime_mailcap_release(&e);
	/* The failing test skips the first; copious skips the browser. */
	assert_int_equal(mime_mailcap_find(path, "text/html", 1, &e), 0);
	assert_string_equal(e.command, "dump %s");
	mime_mailcap_release(&e);
	assert_int_equal(mime_mailcap_find(path, "image/png", 0, &e), 0);
	assert_string_equal(e.command, "img   %s");
	mime_mailcap_release(&e);
	assert_int_equal(mime_mailcap_find(path, "application/pdf", 0, &e), 0);
	mime_mailcap_release(&e);
	assert_int_equal(mime_mailcap_find(path, "audio/ogg", 0, &e), -1);
	assert_int_equal(mime_mailcap_find("", "text/html", 0, &e), -1);

	unlink(a);
	unlink(b);
	free(a);
	free(b);
	free(path);
}

static void
test_mime_mailcap_path_env(void **state)
{
	char	*p;

	(void)state;
	setenv("MAILCAPS", "/a:/b", 1);
	p = mime_mailcap_path();
	assert_string_equal(p, "/a:/b");
	free(p);
	unsetenv("MAILCAPS");
	setenv("HOME", "/home/x", 1);
	p = mime_mailcap_path();
	assert_string_equal(p, "/home/x/.mailcap:/etc/mailcap");
	free(p);
}

static void
test_mime_parts_tree_corpus(void **state)
{
	struct mime_part_list	 l;
	struct sbuf		 msg, body;
	struct error		 err = { 0 };
	const char		*dir;
	char			 path[1024];

	(void)state;
	if ((dir = getenv("MIME_TEST_DATA")) == NULL)
		dir = MIME_TEST_DATA;
	snprintf(path, sizeof path, "%s/dovecot/thirdparty-006.eml", dir);
	sbuf_init(&msg);
	{
		FILE	*f = fopen(path, "rb");
		char	 buf[4096];
		size_t	 n;

		assert_non_null(f);
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			sbuf_add(&msg, buf, n);
		fclose(f);
	}
	assert_int_equal(mime_parts(msg.buf, msg.len, &l, &err), 0);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.v[0].type, "multipart/mixed");
	assert_int_equal(l.v[0].multipart, 1);
	assert_string_equal(l.v[1].type, "multipart/signed");
	assert_int_equal(l.v[1].depth, 1);
	assert_string_equal(l.v[2].type, "multipart/alternative");
	assert_int_equal(l.v[2].depth, 2);
	assert_string_equal(l.v[3].type, "text/html");
	assert_int_equal(l.v[3].depth, 3);
	assert_string_equal(l.v[3].charset, "us-ascii");
	assert_string_equal(l.v[4].type, "text/plain");
	assert_string_equal(l.v[4].encoding, "binary");
	assert_string_equal(l.v[5].type, "signature/plain");
	assert_int_equal(l.v[5].depth, 2);
	sbuf_init(&body);
	mime_part_decode(msg.buf, msg.len, &l.v[4], &body);
	assert_string_equal(body.buf, "Search me, and Find me here");
	assert_int_equal(l.v[4].size, body.len);
	sbuf_release(&body);
	mime_part_list_release(&l);
	sbuf_release(&msg);
}

static void
test_mime_parts_decode_exact(void **state)
{
	static const char msg[] =
	    "Subject: x\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=B\r\n\r\n"
	    "--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
	    "--B\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Disposition: attachment;\r\n"
	    " filename*0*=utf-8''na%C3%AF;\r\n filename*1=ve.bin\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "AAEC/w0KAA==\r\n"
	    "--B\r\nContent-Type: text/plain; name=\"=?utf-8?q?q=C3=A9.txt?=\"\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "a=3Db=\r\nc\r\nd\r\n"
	    "--B--\r\n";
	static const unsigned char want[] = { 0, 1, 2, 0xff, '\r', '\n', 0 };
	struct mime_part_list	 l;
	struct sbuf		 out;

	(void)state;
	assert_int_equal(mime_parts(msg, sizeof msg - 1, &l, NULL), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[2].name, "na\xc3\xafve.bin");
	assert_int_equal(l.v[2].attachment, 1);
	assert_int_equal(l.v[2].enc, MIME_ENC_BASE64);
	assert_int_equal(l.v[2].size, sizeof want);
	sbuf_init(&out);
	mime_part_decode(msg, sizeof msg - 1, &l.v[2], &out);
	assert_int_equal(out.len, sizeof want);
	assert_memory_equal(out.buf, want, sizeof want);
	assert_string_equal(l.v[3].name, "q\xc3\xa9.txt");
	sbuf_reset(&out);
	mime_part_decode(msg, sizeof msg - 1, &l.v[3], &out);
	assert_string_equal(out.buf, "a=bc\nd");
	sbuf_release(&out);
	mime_part_list_release(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mime_safe_filename_traversal),
		cmocka_unit_test(test_mime_safe_filename_leading_dot_dash),
		cmocka_unit_test(test_mime_safe_filename_controls),
		cmocka_unit_test(test_mime_safe_filename_long),
		cmocka_unit_test(test_mime_mailcap_parse_fields),
		cmocka_unit_test(test_mime_mailcap_expand_quoting),
		cmocka_unit_test(test_mime_mailcap_find_order),
		cmocka_unit_test(test_mime_mailcap_path_env),
		cmocka_unit_test(test_mime_parts_tree_corpus),
		cmocka_unit_test(test_mime_parts_decode_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
