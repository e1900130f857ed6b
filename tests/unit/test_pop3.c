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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pop3_to_maildir_crlf_to_lf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
