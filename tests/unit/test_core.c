/* tests/unit/test_core.c: buffers, errors, the sanitizer, the channel. */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "core/chan.h"
#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"

static char *
san(const char *s, int flags)
{
	static char	*last;

	free(last);
	last = sanitize_dup(s, flags);
	return last;
}

static void
test_sanitize_append_escape_sequences_visible(void **state)
{
	(void)state;
	assert_string_equal(san("a\033[2Jb", 0), "a^[[2Jb");
	/* OSC 52 clipboard write, terminated by BEL */
	assert_string_equal(san("\033]52;c;aGk=\007", 0), "^[]52;c;aGk=^G");
	assert_string_equal(san("x\ry\bz\x7f", 0), "x^My^Hz^?");
	assert_string_equal(san("tab\there", 0), "tab^Ihere");
	assert_string_equal(san("tab\there", SANITIZE_KEEP_TAB), "tab\there");
	assert_string_equal(san("l1\nl2", 0), "l1^Jl2");
	assert_string_equal(san("l1\nl2", SANITIZE_KEEP_NEWLINE), "l1\nl2");
}

static void
test_sanitize_append_c1_and_bidi(void **state)
{
	(void)state;
	/* U+009B is CSI in 8-bit terminals */
	assert_string_equal(san("a\xc2\x9b" "2Jb", 0), "a<U+009B>2Jb");
	/* U+202E RIGHT-TO-LEFT OVERRIDE */
	assert_string_equal(san("gpj.\xe2\x80\xae" "exe", 0),
	    "gpj.<U+202E>exe");
	assert_string_equal(san("\xe2\x81\xa6x", 0), "<U+2066>x");
}

static void
test_sanitize_append_utf8_kept_invalid_shown(void **state)
{
	(void)state;
	assert_string_equal(san("Gr\xc3\xbc\xc3\x9f" "e \xe6\x97\xa5", 0),
	    "Gr\xc3\xbc\xc3\x9f" "e \xe6\x97\xa5");
	assert_string_equal(san("bad\xff\xc3", 0), "bad\\xFF\\xC3");
	/* overlong encoding of '/' */
	assert_string_equal(san("\xc0\xaf", 0), "\\xC0\\xAF");
	/* UTF-16 surrogate encoded in UTF-8 */
	assert_string_equal(san("\xed\xa0\x80", 0), "\\xED\\xA0\\x80");
}

static void
test_utf8_encode_decode_roundtrip(void **state)
{
	uint32_t	 cps[] = { 0x41, 0xe9, 0x20ac, 0x1f600, 0x10ffff };
	char		 buf[8];
	uint32_t	 cp;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		n = utf8_encode(cps[i], buf);
		assert_int_equal(utf8_decode(buf, n, &cp), n);
		assert_int_equal(cp, cps[i]);
		assert_int_equal(utf8_decode(buf, n - 1, &cp), n == 1 ? 0 : 0);
	}
	assert_int_equal(utf8_encode(0xd800, buf), 3);	/* U+FFFD */
	assert_memory_equal(buf, "\xef\xbf\xbd", 3);
}

static void
test_sbuf_add_grows_and_detaches(void **state)
{
	struct sbuf	 b;
	char		*s;
	size_t		 len, i;

	(void)state;
	sbuf_init(&b);
	assert_string_equal(b.buf, "");
	for (i = 0; i < 1000; i++)
		sbuf_addf(&b, "%zu,", i);
	assert_int_equal(b.len, strlen(b.buf));
	sbuf_setlen(&b, 4);
	assert_string_equal(b.buf, "0,1,");
	sbuf_addch(&b, 'x');
	sbuf_add(&b, "yz", 2);
	s = sbuf_detach(&b, &len);
	assert_string_equal(s, "0,1,xyz");
	assert_int_equal(len, 7);
	assert_int_equal(b.len, 0);
	free(s);
	s = sbuf_detach(&b, NULL);	/* empty detach gives "" */
	assert_string_equal(s, "");
	free(s);
	sbuf_release(&b);
}

static void
test_error_set_sanitizes_and_bounds(void **state)
{
	struct error	 err = { 0 };
	char		 big[2000];

	(void)state;
	assert_int_equal(error_set(&err, ERROR_SERVER, "server said '%s'",
	    "no\033[2J"), -1);
	assert_int_equal(err.kind, ERROR_SERVER);
	assert_string_equal(err.msg, "server said 'no^[[2J'");
	error_prefix(&err, "imap %s", "localhost");
	assert_string_equal(err.msg, "imap localhost: server said 'no^[[2J'");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	error_set(&err, ERROR_INPUT, "%s", big);
	assert_int_equal(strlen(err.msg), ERROR_MSG_MAX - 1);
	assert_int_equal(error_set(NULL, ERROR_NET, "x"), -1);
	error_clear(&err);
	assert_int_equal(err.kind, ERROR_NONE);
	assert_string_equal(error_kind_name(ERROR_TLS), "tls");
}

static void
test_log_level_parse_names_and_digits(void **state)
{
	struct error	 err = { 0 };
	enum log_level	 l;

	(void)state;
	assert_int_equal(log_level_parse("debug", &l, &err), 0);
	assert_int_equal(l, LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("1", &l, &err), 0);
	assert_int_equal(l, LOG_LEVEL_WARN);
	assert_int_equal(log_level_parse("loud", &l, &err), -1);
	assert_int_equal(err.kind, ERROR_INPUT);
}

static void *
chan_producer(void *arg)
{
	struct chan	*c = arg;
	intptr_t	 i;

	for (i = 1; i <= 1000; i++)
		chan_push(c, (void *)i);
	return NULL;
}

static void
test_chan_push_pop_across_threads(void **state)
{
	struct chan	*c;
	struct pollfd	 pfd;
	pthread_t	 t;
	intptr_t	 expect = 1, got;

	(void)state;
	c = chan_new();
	assert_null(chan_pop(c));
	pfd.fd = chan_fd(c);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 0), 0);	/* empty: not readable */
	pthread_create(&t, NULL, chan_producer, c);
	while (expect <= 1000) {
		got = (intptr_t)chan_wait(c, 5000);
		assert_int_equal(got, expect);
		expect++;
	}
	pthread_join(t, NULL);
	assert_null(chan_wait(c, 10));		/* time-out */
	chan_push(c, xstrdup("left"));
	assert_int_equal(poll(&pfd, 1, 0), 1);	/* queued: readable */
	chan_close(c);
	assert_int_equal(chan_closed(c), 1);
	chan_free(c, free);			/* frees "left" */
}

/* Untranslated (the unit tests run without a catalogue): y and yes. */
static void
test_i18n_yes_answers(void **state)
{
	(void)state;
	assert_int_equal(i18n_yes_word("y"), 1);
	assert_int_equal(i18n_yes_word("Y"), 1);
	assert_int_equal(i18n_yes_word("yes"), 1);
	assert_int_equal(i18n_yes_word(" YES\t"), 1);
	assert_int_equal(i18n_yes_word(""), 0);
	assert_int_equal(i18n_yes_word("  "), 0);
	assert_int_equal(i18n_yes_word(NULL), 0);
	assert_int_equal(i18n_yes_word("n"), 0);
	assert_int_equal(i18n_yes_word("no"), 0);
	assert_int_equal(i18n_yes_word("ye"), 0);
	assert_int_equal(i18n_yes_word("yess"), 0);
	assert_int_equal(i18n_yes_word("yes please"), 0);
	assert_int_equal(i18n_yes_word("j"), 0);
	assert_int_equal(i18n_yes_key('y'), 1);
	assert_int_equal(i18n_yes_key('Y'), 1);
	assert_int_equal(i18n_yes_key('n'), 0);
	assert_int_equal(i18n_yes_key('j'), 0);
	assert_int_equal(i18n_yes_key(0x179), 0);	/* a curses key code */
	assert_int_equal(i18n_yes_key(-1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_append_escape_sequences_visible),
		cmocka_unit_test(test_sanitize_append_c1_and_bidi),
		cmocka_unit_test(test_sanitize_append_utf8_kept_invalid_shown),
		cmocka_unit_test(test_utf8_encode_decode_roundtrip),
		cmocka_unit_test(test_sbuf_add_grows_and_detaches),
		cmocka_unit_test(test_error_set_sanitizes_and_bounds),
		cmocka_unit_test(test_log_level_parse_names_and_digits),
		cmocka_unit_test(test_chan_push_pop_across_threads),
		cmocka_unit_test(test_i18n_yes_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
