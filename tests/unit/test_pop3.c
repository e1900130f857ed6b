/* tests/unit/test_pop3.c: the POP3 engine's pure parts. */
#include "config.h"

#include <string.h>

#include "unit.h"

#include "core/sbuf.h"
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pop3_to_maildir_crlf_to_lf),
		cmocka_unit_test(test_pop3_apop_digest_rfc1939),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
