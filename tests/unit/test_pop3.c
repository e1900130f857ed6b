/* tests/unit/test_pop3.c: the POP3 engine's pure parts. */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "core/chan.h"
#include "core/sbuf.h"
#include "model/model.h"
#include "pop3/pop3.h"

static void
test_pop3_to_maildir_crlf_to_lf(void **state)
{
	static const char	 in[] = "A: b\r\n\r\nx\ry\r\n\r\n.z\r\nend";
	static const char	 want[] = "A: b\n\nx\ry\n\n.z\nend";
	struct sbuf		 out;

	(void)state;
	sbuf_init(&out);
	sbuf_addstr(&out, "old");
	pop3_to_maildir(in, sizeof in - 1, &out);
	assert_int_equal(out.len, sizeof want - 1);
	assert_memory_equal(out.buf, want, sizeof want - 1);
	pop3_to_maildir("\r", 1, &out);
	assert_int_equal(out.len, 1);
	assert_memory_equal(out.buf, "\r", 1);
	pop3_to_maildir("", 0, &out);
	assert_int_equal(out.len, 0);
	sbuf_release(&out);
}

/* RFC 1939's own example, and MD5("abc") (libetpan's MD5 got it wrong). */
static void
test_pop3_apop_digest_rfc1939(void **state)
{
	char	 hex[POP3_APOP_HEX];

	(void)state;
	assert_int_equal(pop3_apop_digest("<1896.697170952@dbc.mtview.ca.us>",
	    "tanstaaf", hex), 0);
	assert_string_equal(hex, "c4c9334bac560ecc979e58001b3e22fb");
	assert_int_equal(pop3_apop_digest("ab", "c", hex), 0);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	assert_int_equal(pop3_apop_digest("", "", hex), 0);
	assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* The one answer of a local folder request, within 10 s. */
static struct event *
answer(struct chan *reply, enum event_kind kind)
{
	struct event	*ev;

	ev = chan_wait(reply, 10000);
	assert_non_null(ev);
	if (ev->kind == EVENT_ERROR)
		fail_msg("error: %s", ev->err.msg);
	assert_int_equal(ev->kind, kind);
	assert_int_equal(ev->serial, 42);
	assert_null(chan_pop(reply));
	return ev;
}

/*
 * The worker of a POP3 account (it holds the store) saves into its
 * local folders, lists, reads and removes there, each request answered
 * once on its own channel, also when the worker stops first.
 */
static void
test_worker_local_folders_answer_once(void **state)
{
	static const char msg[] = "From: a@example.test\r\n"
	    "Subject: kept\r\n\r\nline one\r\n";
	static const char text[] = "[account \"p\"]\nemail = a@example.test\n"
	    "backend = pop3\npassword-command = printf x\n"
	    "pop3.host = localhost\n";
	char		 tmpl[] = "/tmp/test_pop3.XXXXXX";
	struct config	*c;
	struct error	 err = { 0 };
	struct chan	*events, *reply;
	struct worker	*w;
	struct event	*ev;
	uint32_t	 uid;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	setenv("XDG_DATA_HOME", tmpl, 1);
	c = config_parse("x", text, sizeof text - 1, &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	events = chan_new();
	reply = chan_new();
	w = worker_start(&c->accounts[0], 0, events, &err);
	assert_non_null(w);

	worker_append(w, POP3_DRAFTS, msg, sizeof msg - 1,
	    SUMMARY_SEEN | SUMMARY_DRAFT, reply, 42);
	ev = answer(reply, EVENT_STATUS);
	uid = ev->uid;
	assert_true(uid != 0);
	event_free(ev);

	worker_local_list(w, POP3_DRAFTS, reply, 42);
	ev = answer(reply, EVENT_SUMMARIES);
	assert_int_equal(ev->nsummaries, 1);
	assert_int_equal(ev->summaries[0].uid, uid);
	assert_string_equal(ev->summaries[0].subject, "kept");
	assert_true(ev->summaries[0].flags & SUMMARY_DRAFT);
	event_free(ev);

	worker_local_fetch(w, POP3_DRAFTS, uid, reply, 42);
	ev = answer(reply, EVENT_BODY);
	assert_int_equal(ev->body_len, sizeof msg - 1 - 4);	/* LF */
	assert_memory_equal(ev->body, "From: a@example.test\nSubject: kept"
	    "\n\nline one\n", ev->body_len);
	event_free(ev);

	/* Not in Sent: refused, and nothing is removed. */
	worker_local_remove(w, POP3_SENT, uid, reply, 42);
	ev = chan_wait(reply, 10000);
	assert_non_null(ev);
	assert_int_equal(ev->kind, EVENT_ERROR);
	event_free(ev);
	worker_local_remove(w, POP3_DRAFTS, uid, reply, 42);
	event_free(answer(reply, EVENT_STATUS));
	worker_local_list(w, POP3_DRAFTS, reply, 42);
	ev = answer(reply, EVENT_SUMMARIES);
	assert_int_equal(ev->nsummaries, 0);
	event_free(ev);

	/* Queued as the worker stops: still one answer. */
	worker_append(w, POP3_SENT, msg, sizeof msg - 1, SUMMARY_SEEN, reply,
	    42);
	worker_stop(w);
	ev = chan_pop(reply);
	assert_non_null(ev);
	assert_true(ev->kind == EVENT_STATUS || ev->kind == EVENT_ERROR);
	event_free(ev);
	assert_null(chan_pop(reply));

	chan_free(reply, event_free_cb);
	chan_free(events, event_free_cb);
	config_free(c);
	nftw(tmpl, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pop3_to_maildir_crlf_to_lf),
		cmocka_unit_test(test_pop3_apop_digest_rfc1939),
		cmocka_unit_test(test_worker_local_folders_answer_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
