/* tests/unit/test_journal.c: the offline queue of message operations. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "core/error.h"
#include "model/journal.h"

static char	 dir[64];
static char	 path[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_journal.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/acct/pending", dir);
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
add_op(struct journal *j, enum journal_kind kind, const char *folder,
    const char *dest, const uint32_t *uids, size_t n)
{
	struct journal_op	 op;
	struct error		 err = { 0 };

	memset(&op, 0, sizeof op);
	op.kind = kind;
	op.folder = (char *)folder;
	op.dest = (char *)dest;
	op.add = 4;
	op.uids = (uint32_t *)uids;
	op.nuids = n;
	assert_int_equal(journal_add(j, &op, &err), 0);
}

static void
test_journal_add_survives_reopen(void **state)
{
	static const uint32_t	 a[] = { 3, 4, 9 }, b[] = { 7 };
	struct journal		*j;
	struct journal_op	*ops;
	struct error		 err = { 0 };

	(void)state;
	assert_non_null(j = journal_open(path, &err));
	add_op(j, JOURNAL_FLAGS, "INBOX", NULL, a, 3);
	add_op(j, JOURNAL_COPY, "Caf\xc3\xa9 \"x\" y", "Archive", b, 1);
	journal_close(j);
	assert_non_null(j = journal_open(path, &err));
	assert_int_equal(journal_pending(j, &ops), 2);
	assert_int_equal(ops[0].kind, JOURNAL_FLAGS);
	assert_string_equal(ops[0].folder, "INBOX");
	assert_null(ops[0].dest);
	assert_int_equal(ops[0].nuids, 3);
	assert_int_equal(ops[0].uids[2], 9);
	assert_int_equal(ops[0].add, 4);
	assert_string_equal(ops[1].folder, "Caf\xc3\xa9 \"x\" y");
	assert_string_equal(ops[1].dest, "Archive");
	assert_true(ops[1].seq > ops[0].seq);
	journal_close(j);
}

static void
test_journal_done_once(void **state)
{
	static const uint32_t	 a[] = { 1 }, b[] = { 2 };
	struct journal		*j;
	struct journal_op	*ops;
	struct error		 err = { 0 };
	uint64_t		 first;

	(void)state;
	assert_non_null(j = journal_open(path, &err));
	add_op(j, JOURNAL_FLAGS, "INBOX", NULL, a, 1);
	add_op(j, JOURNAL_DELETE, "INBOX", NULL, b, 1);
	assert_int_equal(journal_pending(j, &ops), 2);
	first = ops[0].seq;
	assert_int_equal(journal_done(j, first, &err), 0);
	journal_close(j);
	/* Done stays done across a restart; the other is still there. */
	assert_non_null(j = journal_open(path, &err));
	assert_int_equal(journal_pending(j, &ops), 1);
	assert_int_equal(ops[0].kind, JOURNAL_DELETE);
	assert_int_equal(journal_done(j, ops[0].seq, &err), 0);
	assert_int_equal(journal_pending(j, &ops), 0);
	journal_close(j);
	assert_non_null(j = journal_open(path, &err));
	assert_int_equal(journal_pending(j, &ops), 0);
	journal_close(j);
}

static void
test_journal_open_torn_line(void **state)
{
	static const uint32_t	 a[] = { 5 };
	struct journal		*j;
	struct journal_op	*ops;
	struct error		 err = { 0 };
	int			 fd;

	(void)state;
	assert_non_null(j = journal_open(path, &err));
	add_op(j, JOURNAL_FLAGS, "INBOX", NULL, a, 1);
	journal_close(j);
	/* A crash in the middle of a write, and a line of garbage. */
	assert_true((fd = open(path, O_WRONLY | O_APPEND)) != -1);
	assert_int_equal(write(fd, "bogus line\nop 9 1 4 0 0 49", 26), 26);
	close(fd);
	assert_non_null(j = journal_open(path, &err));
	assert_int_equal(journal_pending(j, &ops), 1);
	assert_int_equal(ops[0].uids[0], 5);
	journal_close(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_journal_add_survives_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_done_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_journal_open_torn_line,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
