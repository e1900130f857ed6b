/*
 * tests/unit/test_compose.c: the editor's template, mailto: links,
 * replies and forwards (src/mime/compose.c), and the builder's options
 * for composing (format=flowed, Bcc in drafts, message/rfc822 parts).
 */
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
#include "config/config.h"
#include "core/sbuf.h"
#include "mime/mime.h"

static const char	orig[] =
    "Date: Mon, 1 Jan 2035 10:00:00 +0000\r\n"
    "From: \"Carol, C.\" <carol@example.test>\r\n"
    "To: alice@example.test, Dave <dave@example.test>\r\n"
    "Cc: eve@example.test, ALICE@example.test, alt@example.test\r\n"
    "Subject: =?UTF-8?Q?Pl=C3=A4ne?=\r\n"
    "Message-ID: <orig-1@example.test>\r\n"
    "References: <root-0@example.test>\r\n"
    "\r\n"
    "Line one\r\n"
    "> older\r\n";

static void
own_list(struct mime_address_list *own)
{
	assert_int_equal(mime_address_parse("Alice <alice@example.test>, "
	    "Alt <alt@example.test>", own, NULL), 0);
}

static void
test_mime_template_parse_round_trip(void **state)
{
	struct mime_compose	 c, d;
	struct sbuf		 t;

	(void)state;
	mime_compose_init(&c);
	mime_compose_init(&d);
	c.to = strdup("\"Doe, Jane\" <jane@example.test>");
	c.subject = strdup("Grüße");
	sbuf_addstr(&c.body, "Hello\n\nText: not a header\n");
	sbuf_init(&t);
	mime_template_format(&c, &t);
	assert_non_null(strstr(t.buf, "Bcc: \n"));
	assert_int_equal(mime_template_parse(t.buf, t.len, &d, NULL), 0);
	assert_string_equal(d.to, c.to);
	assert_string_equal(d.subject, "Grüße");
	assert_null(d.cc);
	assert_string_equal(d.body.buf, "Hello\n\nText: not a header\n");
	sbuf_release(&t);
	mime_compose_release(&c);
	mime_compose_release(&d);
}

static void
test_mime_template_parse_folded_and_unknown(void **state)
{
	struct mime_compose	 c;
	struct error		 err = { 0 };
	const char		*t1 = "to: a@b.test,\n  c@d.test\nSubject: x\n"
				    "\nbody\n";
	const char		*t2 = "To: a@b.test\nX-Bad: y\n\nbody\n";

	(void)state;
	mime_compose_init(&c);
	assert_int_equal(mime_template_parse(t1, strlen(t1), &c, NULL), 0);
	assert_string_equal(c.to, "a@b.test, c@d.test");
	assert_string_equal(c.body.buf, "body\n");
	assert_int_equal(mime_template_parse(t2, strlen(t2), &c, &err), -1);
	assert_int_equal(err.kind, ERROR_INPUT);
	assert_non_null(strstr(err.msg, "X-Bad"));
	assert_string_equal(c.to, "a@b.test, c@d.test");	/* unchanged */
	mime_compose_release(&c);
}

static void
test_mime_subject_prefixed_no_stacking(void **state)
{
	char	*s;

	(void)state;
	s = mime_subject_prefixed("Plans", "Re");
	assert_string_equal(s, "Re: Plans");
	free(s);
	s = mime_subject_prefixed("RE: Plans", "Re");
	assert_string_equal(s, "RE: Plans");
	free(s);
	s = mime_subject_prefixed("Fw: Plans", "Fwd");
	assert_string_equal(s, "Fw: Plans");
	free(s);
	s = mime_subject_prefixed("Re: Plans", "Fwd");
	assert_string_equal(s, "Fwd: Re: Plans");
	free(s);
	s = mime_subject_prefixed(NULL, "Re");
	assert_string_equal(s, "Re: ");
	free(s);
}

static void
test_mime_mailto_parse_fields(void **state)
{
	struct mime_compose	 c;

	(void)state;
	mime_compose_init(&c);
	assert_int_equal(mime_mailto_parse("mailto:a@b.test,c@d.test"
	    "?subject=Hi%20there%0D%0AX-Injected:%201&cc=e@f.test"
	    "&body=L1%0D%0AL2&X-Evil=1&to=g@h.test", &c, NULL), 0);
	assert_string_equal(c.to, "a@b.test,c@d.test, g@h.test");
	assert_string_equal(c.cc, "e@f.test");
	/* No header injection: line ends in a header become blanks. */
	assert_string_equal(c.subject, "Hi there  X-Injected: 1");
	assert_string_equal(c.body.buf, "L1\nL2\n");
	mime_compose_release(&c);
}

static void
test_mime_mailto_parse_bad(void **state)
{
	struct mime_compose	 c;
	struct error		 err = { 0 };

	(void)state;
	mime_compose_init(&c);
	assert_int_equal(mime_mailto_parse("http://x", &c, &err), -1);
	assert_int_equal(mime_mailto_parse("mailto:a@b.test?subject=%4", &c,
	    &err), -1);
	assert_int_equal(mime_mailto_parse("mailto:a%00@b.test", &c, &err),
	    -1);
	assert_int_equal(err.kind, ERROR_INPUT);
	mime_compose_release(&c);
}

static void
test_mime_reply_init_sender(void **state)
{
	struct mime_address_list	 own = { NULL, 0 };
	struct mime_compose		 c;

	(void)state;
	own_list(&own);
	mime_compose_init(&c);
	assert_int_equal(mime_reply_init(orig, sizeof orig - 1,
	    MIME_REPLY_SENDER, &own, &c, NULL), 0);
	assert_string_equal(c.to, "\"Carol, C.\" <carol@example.test>");
	assert_null(c.cc);
	assert_string_equal(c.subject, "Re: Pläne");
	assert_string_equal(c.in_reply_to, "<orig-1@example.test>");
	assert_string_equal(c.references,
	    "<root-0@example.test> <orig-1@example.test>");
	assert_string_equal(c.from, "Alice <alice@example.test>");
	assert_non_null(strstr(c.body.buf, "On Mon, 1 Jan 2035 10:00:00 "
	    "+0000, Carol, C. wrote:\n> Line one\n>> older\n"));
	mime_compose_release(&c);
	mime_address_list_release(&own);
}

static void
test_mime_reply_init_group_leaves_out_own(void **state)
{
	struct mime_address_list	 own = { NULL, 0 };
	struct mime_compose		 c;

	(void)state;
	own_list(&own);
	mime_compose_init(&c);
	assert_int_equal(mime_reply_init(orig, sizeof orig - 1,
	    MIME_REPLY_GROUP, &own, &c, NULL), 0);
	assert_string_equal(c.cc, "Dave <dave@example.test>, "
	    "eve@example.test");
	mime_compose_release(&c);
	mime_address_list_release(&own);
}

static void
test_mime_reply_init_list_without_list_post(void **state)
{
	struct mime_compose	 c;
	struct error		 err = { 0 };

	(void)state;
	mime_compose_init(&c);
	assert_int_equal(mime_reply_init(orig, sizeof orig - 1,
	    MIME_REPLY_LIST, NULL, &c, &err), -1);
	assert_non_null(strstr(err.msg, "List-Post"));
	mime_compose_release(&c);
}

static void
test_mime_forward_init_inline(void **state)
{
	struct mime_compose	 c;

	(void)state;
	mime_compose_init(&c);
	assert_int_equal(mime_forward_init(orig, sizeof orig - 1, 0, &c,
	    NULL), 0);
	assert_string_equal(c.subject, "Fwd: Pläne");
	assert_non_null(strstr(c.body.buf, "Subject: Pläne\n"));
	assert_non_null(strstr(c.body.buf, "\nLine one\n"));
	assert_null(c.in_reply_to);
	mime_compose_release(&c);
}

static void
test_mime_build_flowed_and_bcc(void **state)
{
	struct mime_draft	 d;
	struct mime_envelope	 env;
	struct sbuf		 out;
	const char		*body = "From here on a line long enough to be "
				    "wrapped by the flowed encoder, surely more "
				    "than seventy-two.\n> quoted\n";

	(void)state;
	memset(&d, 0, sizeof d);
	d.from = "a@b.test";
	d.bcc = "hidden@b.test";
	d.body = body;
	d.body_len = strlen(body);
	d.flowed = 1;
	d.keep_bcc = 1;
	sbuf_init(&out);
	assert_int_equal(mime_build(&d, &out, &env, NULL), 0);
	assert_non_null(strstr(out.buf, "format=flowed"));
	assert_non_null(strstr(out.buf, "Bcc: hidden@b.test\r\n"));
	assert_non_null(strstr(out.buf, "\r\n From here on"));	/* stuffed */
	assert_non_null(strstr(out.buf, " \r\n"));		/* soft break */
	assert_non_null(strstr(out.buf, "\r\n> quoted\r\n"));
	mime_envelope_release(&env);
	sbuf_reset(&out);
	d.keep_bcc = 0;
	assert_int_equal(mime_build(&d, &out, &env, NULL), 0);
	assert_null(strstr(out.buf, "Bcc:"));
	assert_int_equal(env.nrcpts, 1);
	mime_envelope_release(&env);
	sbuf_release(&out);
}

static void
test_mime_build_message_part_not_base64(void **state)
{
	struct mime_draft	 d;
	struct mime_envelope	 env;
	struct sbuf		 out;
	const char		*paths[] = { "/tmp/postern-test-fwd.eml" };
	const char		*names[] = { "orig.eml" };
	const char		*types[] = { "message/rfc822" };
	FILE			*f;

	(void)state;
	f = fopen(paths[0], "w");
	assert_non_null(f);
	fputs(orig, f);
	fclose(f);
	memset(&d, 0, sizeof d);
	d.from = "a@b.test";
	d.to = "c@d.test";
	d.body = "see below\n";
	d.body_len = strlen(d.body);
	d.attachments = paths;
	d.attachment_names = names;
	d.attachment_types = types;
	d.nattachments = 1;
	sbuf_init(&out);
	assert_int_equal(mime_build(&d, &out, &env, NULL), 0);
	assert_non_null(strstr(out.buf, "Content-Type: message/rfc822"));
	assert_non_null(strstr(out.buf, "Content-Transfer-Encoding: 7bit"
	    "\r\n\r\nDate: Mon, 1 Jan 2035"));
	assert_non_null(strstr(out.buf, "filename=\"orig.eml\""));
	mime_envelope_release(&env);
	sbuf_release(&out);
	unlink(paths[0]);
}

struct split_seen {
	int	 n;
	char	 text[64];
	char	 type[64];
	char	 name[64];
	size_t	 len;
	int	 bytes_ok;
};

static void
split_cb(const char *type, const char *name, const char *data, size_t len,
    void *arg)
{
	struct split_seen	*s = arg;
	size_t			 i;

	if (s->n++ == 0) {
		snprintf(s->text, sizeof s->text, "%.*s", (int)len, data);
		return;
	}
	snprintf(s->type, sizeof s->type, "%s", type);
	snprintf(s->name, sizeof s->name, "%s", name != NULL ? name : "");
	s->len = len;
	s->bytes_ok = 1;
	for (i = 0; i < len; i++) {
		if ((unsigned char)data[i] != (unsigned char)(i * 7))
			s->bytes_ok = 0;
	}
}

static void
test_mime_split_parts_round_trip(void **state)
{
	struct mime_draft	 d;
	struct mime_envelope	 env;
	struct split_seen	 seen;
	struct sbuf		 out;
	const char		*paths[] = { "/tmp/postern-test-split.bin" };
	const char		*names[] = { "Übersicht.bin" };
	unsigned char		 bytes[700];
	FILE			*f;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bytes; i++)
		bytes[i] = (unsigned char)(i * 7);
	f = fopen(paths[0], "w");
	assert_non_null(f);
	fwrite(bytes, 1, sizeof bytes, f);
	fclose(f);
	memset(&d, 0, sizeof d);
	d.from = "a@b.test";
	d.body = "Grüße\nzwei\n";
	d.body_len = strlen(d.body);
	d.attachments = paths;
	d.attachment_names = names;
	d.nattachments = 1;
	sbuf_init(&out);
	assert_int_equal(mime_build(&d, &out, &env, NULL), 0);
	memset(&seen, 0, sizeof seen);
	mime_split_parts(out.buf, out.len, split_cb, &seen);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.text, "Grüße\nzwei\n");
	assert_string_equal(seen.type, "application/octet-stream");
	assert_string_equal(seen.name, "Übersicht.bin");
	assert_int_equal(seen.len, sizeof bytes);
	assert_true(seen.bytes_ok);
	mime_envelope_release(&env);
	sbuf_release(&out);
	unlink(paths[0]);
}

/* The composing keys parse, and survive the wizard rewriting an account. */
static void
test_config_format_account_compose_keys(void **state)
{
	static const char	 text[] =
	    "[account \"a\"]\nemail = a@b.test\n"
	    "password-command = true\nimap.host = h.test\n"
	    "smtp.host = h.test\n"
	    "signature = ~/.signature\n"
	    "alternates = \"\\\"Work, A\\\" <w@b.test>, o@b.test\"\n"
	    "drafts = INBOX.Drafts\nforward-attach = yes\n"
	    "format-flowed = yes\n";
	struct config		*c, *d;
	struct error		 err = { 0 };
	struct sbuf		 sb;

	(void)state;
	c = config_parse("t", text, sizeof text - 1, &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_non_null(c);
	assert_string_equal(c->accounts[0].signature, "~/.signature");
	assert_string_equal(c->accounts[0].alternates,
	    "\"Work, A\" <w@b.test>, o@b.test");
	assert_string_equal(c->accounts[0].drafts, "INBOX.Drafts");
	assert_int_equal(c->accounts[0].forward_attach, 1);
	assert_int_equal(c->accounts[0].format_flowed, 1);
	sbuf_init(&sb);
	assert_int_equal(config_format_account(&sb, &c->accounts[0], NULL),
	    0);
	d = config_parse("u", sb.buf, sb.len, NULL);
	assert_non_null(d);
	assert_string_equal(d->accounts[0].alternates,
	    c->accounts[0].alternates);
	assert_string_equal(d->accounts[0].drafts, "INBOX.Drafts");
	assert_int_equal(d->accounts[0].forward_attach, 1);
	assert_int_equal(d->accounts[0].format_flowed, 1);
	config_free(d);
	config_free(c);
	sbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mime_template_parse_round_trip),
		cmocka_unit_test(test_mime_template_parse_folded_and_unknown),
		cmocka_unit_test(test_mime_subject_prefixed_no_stacking),
		cmocka_unit_test(test_mime_mailto_parse_fields),
		cmocka_unit_test(test_mime_mailto_parse_bad),
		cmocka_unit_test(test_mime_reply_init_sender),
		cmocka_unit_test(test_mime_reply_init_group_leaves_out_own),
		cmocka_unit_test(test_mime_reply_init_list_without_list_post),
		cmocka_unit_test(test_mime_forward_init_inline),
		cmocka_unit_test(test_mime_build_flowed_and_bcc),
		cmocka_unit_test(test_mime_build_message_part_not_base64),
		cmocka_unit_test(test_mime_split_parts_round_trip),
		cmocka_unit_test(test_config_format_account_compose_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
