/* tests/unit/test_store.c: the local store (SQLite index and Maildir++). */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "core/error.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "store/internal.h"

static const char msg1[] =
    "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.org>\r\n"
    "Subject: hello\r\n"
    " world\r\n"
    "Date: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
    "Message-ID: <one@example.org>\r\n"
    "References: <zero@example.org>\r\n"
    "In-Reply-To: <zero@example.org>\r\n"
    "\r\n"
    ".a line with a dot\r\n"
    "binary \001\377 bytes\n"
    "no final newline";

static const char msg2[] =
    "From: bob@example.org\n"
    "Subject: second\n"
    "Date: Wed, 25 Nov 2026 10:00:00 +0000\n"
    "\n"
    "body\n";

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	char	 tmpl[] = "/tmp/test_store.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	*state = xasprintf("%s/acct", tmpl);
	return 0;
}

static int
teardown(void **state)
{
	char	*dir = *state;

	*strrchr(dir, '/') = '\0';
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return 0;
}

static struct store *
open_ok(const char *dir)
{
	struct error	 err = { 0 };
	struct store	*st;

	st = store_open(dir, &err);
	if (st == NULL)
		fail_msg("store_open: %s", err.msg);
	return st;
}

/* Number of entries (not dot files) in dir/sub. */
static int
count_files(const char *dir, const char *sub)
{
	struct dirent	*de;
	DIR		*d;
	char		*path;
	int		 n = 0;

	path = xasprintf("%s/%s", dir, sub);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL)
			n += de->d_name[0] != '.';
		closedir(d);
	}
	free(path);
	return n;
}

static void
write_file(const char *path, const char *s, size_t len)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(s, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
test_store_deliver_reads_back_identical(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_msg	*v;
	struct sbuf		 body;
	size_t			 n;
	int64_t			 id;

	sbuf_init(&body);
	assert_int_equal(store_deliver(st, "INBOX", msg1, sizeof msg1 - 1, 0,
	    &id, &err), 0);
	assert_int_equal(store_msg_read(st, id, &body, &err), 0);
	assert_int_equal(body.len, sizeof msg1 - 1);
	assert_memory_equal(body.buf, msg1, sizeof msg1 - 1);
	assert_int_equal(count_files(*state, "new"), 1);
	assert_int_equal(count_files(*state, "tmp"), 0);
	assert_int_equal(store_msg_list(st, "INBOX", &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].from, "J\xc3\xbcrgen");
	assert_string_equal(v[0].subject, "hello world");
	assert_string_equal(v[0].message_id, "<one@example.org>");
	assert_string_equal(v[0].in_reply_to, "<zero@example.org>");
	assert_string_equal(v[0].references, "<zero@example.org>");
	assert_int_equal(v[0].date, 1795510800);	/* 09:00 UTC */
	assert_int_equal(v[0].size, sizeof msg1 - 1);
	store_msgs_free(v, n);
	sbuf_release(&body);
	store_close(st);
}

static const char msg_signed[] =
    "From: a@example.org\r\nSubject: signed\r\n"
    "Content-Type: multipart/signed; protocol=\"application/"
    "pgp-signature\";\r\n boundary=x\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n";
static const char msg_encrypted[] =
    "From: a@example.org\r\nSubject: secret\r\n"
    "Content-Type: Multipart/Encrypted; boundary=x\r\n\r\n--x--\r\n";

/* Signed and encrypted come from the message and survive flag changes. */
static void
test_store_content_flags_kept(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_msg	 m;
	int64_t			 a, b;

	assert_int_equal(store_deliver(st, "INBOX", msg_signed,
	    sizeof msg_signed - 1, 0, &a, &err), 0);
	assert_int_equal(store_deliver(st, "INBOX", msg_encrypted,
	    sizeof msg_encrypted - 1, STORE_SEEN, &b, &err), 0);
	assert_int_equal(store_msg_get(st, a, &m, &err), 0);
	assert_int_equal(m.flags, STORE_CONTENT_SIGNED);
	store_msg_clear(&m);
	assert_int_equal(store_msg_get(st, b, &m, &err), 0);
	assert_int_equal(m.flags, STORE_SEEN | STORE_CONTENT_ENCRYPTED);
	store_msg_clear(&m);
	assert_int_equal(store_msg_set_flags(st, a, STORE_FLAGGED, &err), 0);
	assert_int_equal(store_msg_get(st, a, &m, &err), 0);
	assert_int_equal(m.flags, STORE_FLAGGED | STORE_CONTENT_SIGNED);
	store_msg_clear(&m);
	store_close(st);
	/* Opening again scans the Maildir: the bits stay. */
	st = open_ok(*state);
	assert_int_equal(store_msg_get(st, a, &m, &err), 0);
	assert_int_equal(m.flags, STORE_FLAGGED | STORE_CONTENT_SIGNED);
	store_msg_clear(&m);
	store_close(st);
}

static void
test_store_msg_list_newest_first(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_msg	*v;
	size_t			 n;

	assert_int_equal(store_deliver(st, "INBOX", msg1, sizeof msg1 - 1, 0,
	    NULL, &err), 0);
	assert_int_equal(store_deliver(st, "INBOX", msg2, sizeof msg2 - 1, 0,
	    NULL, &err), 0);
	assert_int_equal(store_msg_list(st, "INBOX", &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].subject, "second");
	assert_string_equal(v[0].from, "bob@example.org");
	assert_string_equal(v[1].subject, "hello world");
	store_msgs_free(v, n);
	store_close(st);
}

static void
test_store_flags_round_trip(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_msg	 m;
	char			*path, *newpath;
	int64_t			 id;

	assert_int_equal(store_deliver(st, "INBOX", msg2, sizeof msg2 - 1, 0,
	    &id, &err), 0);
	assert_int_equal(store_msg_set_flags(st, id, STORE_SEEN |
	    STORE_FLAGGED, &err), 0);
	path = store_msg_path(st, id, &err);
	assert_non_null(path);
	assert_non_null(strstr(path, "/cur/"));
	assert_string_equal(strstr(path, ":2,"), ":2,FS");
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(count_files(*state, "new"), 0);
	store_close(st);

	/* Another program changes the Maildir flags: the file wins. */
	newpath = xstrdup(path);
	strcpy(strstr(newpath, ":2,"), ":2,RS");
	assert_int_equal(rename(path, newpath), 0);
	st = open_ok(*state);
	assert_int_equal(store_msg_get(st, id, &m, &err), 0);
	assert_int_equal(m.flags, STORE_ANSWERED | STORE_SEEN);
	store_msg_clear(&m);
	assert_int_equal(store_msg_set_flags(st, id, STORE_DRAFT |
	    STORE_DELETED, &err), 0);
	free(path);
	path = store_msg_path(st, id, &err);
	assert_string_equal(strstr(path, ":2,"), ":2,DT");
	assert_int_equal(access(path, F_OK), 0);
	free(path);
	free(newpath);
	store_close(st);
}

static void
test_store_maildir_info_letters(void **state)
{
	char	 info[8];

	(void)state;
	store_maildir_info(STORE_SEEN | STORE_ANSWERED | STORE_FLAGGED |
	    STORE_DRAFT | STORE_DELETED, info, sizeof info);
	assert_string_equal(info, "DFRST");
	store_maildir_info(0, info, sizeof info);
	assert_string_equal(info, "");
	assert_int_equal(store_maildir_parse_info("x:2,SXa"), STORE_SEEN);
	assert_int_equal(store_maildir_parse_info("x"), 0);
}

static void
test_store_folder_create_rename_delete(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_folder	*v;
	size_t			 n;
	char			*path;
	int64_t			 id;

	assert_int_equal(store_folder_create(st, "Sent", &err), 0);
	assert_int_equal(store_folder_create(st, "Sent", &err), -1);
	assert_int_equal(err.kind, ERROR_INPUT);
	assert_int_equal(store_folder_create(st, "../x", &err), -1);
	assert_int_equal(store_folder_create(st, "a/b", &err), -1);
	assert_int_equal(store_folder_create(st, "Work.Old", &err), 0);
	assert_int_equal(store_deliver(st, "Work.Old", msg2, sizeof msg2 - 1,
	    STORE_SEEN, &id, &err), 0);
	path = xasprintf("%s/.Work.Old/cur", (char *)*state);
	assert_int_equal(access(path, F_OK), 0);
	free(path);
	assert_int_equal(store_folder_rename(st, "Work.Old", "Archive",
	    &err), 0);
	assert_int_equal(store_folder_rename(st, "INBOX", "X", &err), -1);
	path = xasprintf("%s/.Archive/cur", (char *)*state);
	assert_int_equal(access(path, F_OK), 0);
	free(path);
	assert_int_equal(store_folder_list(st, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].name, "INBOX");
	assert_string_equal(v[1].name, "Archive");
	assert_int_equal(v[1].total, 1);
	assert_int_equal(v[1].unseen, 0);
	assert_string_equal(v[2].name, "Sent");
	store_folders_free(v, n);
	/* The message moved with its folder. */
	path = store_msg_path(st, id, &err);
	assert_non_null(strstr(path, "/.Archive/cur/"));
	assert_int_equal(access(path, F_OK), 0);
	free(path);
	store_close(st);

	st = open_ok(*state);
	assert_int_equal(store_folder_delete(st, "Archive", &err), 0);
	assert_int_equal(store_folder_delete(st, "INBOX", &err), -1);
	path = xasprintf("%s/.Archive", (char *)*state);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
	assert_int_equal(store_msg_get(st, id, &(struct store_msg){ 0 }, &err),
	    -1);
	assert_int_equal(store_folder_list(st, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	store_folders_free(v, n);
	store_close(st);
}

static void
test_store_msg_move_and_copy(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_folder	*v;
	struct sbuf		 body;
	size_t			 n;
	int64_t			 id, copy;

	sbuf_init(&body);
	assert_int_equal(store_folder_create(st, "Keep", &err), 0);
	assert_int_equal(store_deliver(st, "INBOX", msg1, sizeof msg1 - 1, 0,
	    &id, &err), 0);
	assert_int_equal(store_msg_copy(st, id, "Keep", &copy, &err), 0);
	assert_true(copy != id);
	assert_int_equal(store_msg_read(st, copy, &body, &err), 0);
	assert_memory_equal(body.buf, msg1, sizeof msg1 - 1);
	assert_int_equal(store_msg_move(st, id, "Keep", &err), 0);
	assert_int_equal(count_files(*state, "new"), 0);
	assert_int_equal(count_files(*state, ".Keep/new"), 2);
	assert_int_equal(store_folder_list(st, &v, &n, &err), 0);
	assert_int_equal(v[0].total, 0);
	assert_int_equal(v[1].total, 2);
	store_folders_free(v, n);
	sbuf_reset(&body);
	assert_int_equal(store_msg_read(st, id, &body, &err), 0);
	assert_int_equal(body.len, sizeof msg1 - 1);
	assert_int_equal(store_msg_delete(st, copy, &err), 0);
	assert_int_equal(count_files(*state, ".Keep/new"), 1);
	assert_int_equal(store_msg_move(st, id, "Nowhere", &err), -1);
	sbuf_release(&body);
	store_close(st);
}

static void
test_store_pop3_uidl_records(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_uidl	 u;
	struct store_msg	*v;
	const char		*listed[] = { "u1", "u2" };
	const char		*deleted[] = { "u2" };
	size_t			 n;
	int			 stored;

	assert_int_equal(store_pop3_known(st, "u1", &err), 0);
	assert_int_equal(store_pop3_deliver(st, "u1", msg1, sizeof msg1 - 1,
	    1000, &stored, &err), 0);
	assert_int_equal(stored, 1);
	assert_int_equal(store_pop3_known(st, "u1", &err), 1);
	assert_int_equal(store_pop3_known_content(st, "u1", msg1,
	    sizeof msg1 - 1, &err), 1);
	assert_int_equal(store_pop3_known_content(st, "u1", msg2,
	    sizeof msg2 - 1, &err), 0);
	assert_int_equal(store_pop3_get(st, "u1", &u, &err), 0);
	assert_int_equal(u.first_seen, 1000);
	assert_true(u.message > 0);
	assert_int_equal(u.deleted_on_server, 0);
	/* The same content under a new UIDL is recorded, not stored again. */
	assert_int_equal(store_pop3_deliver(st, "u2", msg1, sizeof msg1 - 1,
	    2000, &stored, &err), 0);
	assert_int_equal(stored, 0);
	assert_int_equal(store_pop3_known(st, "u2", &err), 1);
	/* A repeated UIDL with other content is a second message. */
	assert_int_equal(store_pop3_deliver(st, "u1", msg2, sizeof msg2 - 1,
	    3000, &stored, &err), 0);
	assert_int_equal(stored, 1);
	assert_int_equal(store_msg_list(st, "INBOX", &v, &n, &err), 0);
	assert_int_equal(n, 2);
	store_msgs_free(v, n);

	assert_int_equal(store_pop3_sync(st, listed, 2, deleted, 1, 5000,
	    &err), 0);
	assert_int_equal(store_pop3_get(st, "u2", &u, &err), 0);
	assert_int_equal(u.deleted_on_server, 5000);
	assert_int_equal(store_pop3_get(st, "u1", &u, &err), 0);
	assert_int_equal(u.deleted_on_server, 0);
	assert_int_equal(u.first_seen, 1000);
	/* Listed again (QUIT failed last time): present once more. */
	assert_int_equal(store_pop3_sync(st, listed, 2, NULL, 0, 6000, &err),
	    0);
	assert_int_equal(store_pop3_get(st, "u2", &u, &err), 0);
	assert_int_equal(u.deleted_on_server, 0);
	/* A local delete unlinks the records from the message. */
	assert_int_equal(store_pop3_get(st, "u2", &u, &err), 0);
	assert_int_equal(store_msg_delete(st, u.message, &err), 0);
	assert_int_equal(store_pop3_get(st, "u2", &u, &err), 0);
	assert_int_equal(u.message, 0);
	assert_int_equal(store_pop3_set_first_seen(st, "u2", 7, &err), 0);
	assert_int_equal(store_pop3_get(st, "u2", &u, &err), 0);
	assert_int_equal(u.first_seen, 7);
	assert_int_equal(store_pop3_get(st, "nope", &u, &err), 1);
	store_close(st);
}

static void
test_store_open_recovers_after_crash(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_uidl	 u;
	struct store_msg	*v;
	struct sbuf		 body;
	char			 sha[STORE_SHA256_HEX];
	char			*path, *name;
	size_t			 n;
	int64_t			 id;

	sbuf_init(&body);
	store_sha256_hex(msg1, sizeof msg1 - 1, sha);
	name = store_maildir_pop3_name("AB", sha);
	assert_int_equal(store_deliver(st, "INBOX", msg2, sizeof msg2 - 1, 0,
	    &id, &err), 0);
	/* A second open while the first holds the lock fails. */
	assert_null(store_open(*state, &err));
	store_close(st);

	/* A half delivery in tmp/, a file renamed in but never indexed
	 * (named as the POP3 delivery of UIDL "AB" names it), and a row
	 * whose file was removed behind our back. */
	path = xasprintf("%s/tmp/123.half", (char *)*state);
	write_file(path, "From: x", 7);
	free(path);
	path = xasprintf("%s/new/%s", (char *)*state, name);
	write_file(path, msg1, sizeof msg1 - 1);
	free(path);
	st = open_ok(*state);
	path = store_msg_path(st, id, &err);
	store_close(st);
	assert_int_equal(unlink(path), 0);
	free(path);

	st = open_ok(*state);
	assert_int_equal(count_files(*state, "tmp"), 0);
	assert_int_equal(store_msg_list(st, "INBOX", &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].file, name);
	assert_int_equal(store_msg_read(st, v[0].id, &body, &err), 0);
	assert_memory_equal(body.buf, msg1, sizeof msg1 - 1);
	assert_int_equal(store_pop3_get(st, "AB", &u, &err), 0);
	assert_int_equal(u.message, v[0].id);
	assert_int_equal(store_pop3_known_content(st, "AB", msg1,
	    sizeof msg1 - 1, &err), 1);
	store_msgs_free(v, n);
	sbuf_release(&body);
	free(name);
	store_close(st);
}

static void
test_store_pop3_deliver_replaces_crashed_copy(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_msg	*v;
	size_t			 n;
	int			 stored;

	assert_int_equal(store_pop3_deliver(st, "x1", msg2, sizeof msg2 - 1,
	    1, &stored, &err), 0);
	assert_int_equal(store_pop3_deliver(st, "x2", msg1, sizeof msg1 - 1,
	    1, &stored, &err), 0);
	assert_int_equal(count_files(*state, "new"), 2);
	store_close(st);
	st = open_ok(*state);
	assert_int_equal(store_msg_list(st, "INBOX", &v, &n, &err), 0);
	assert_int_equal(n, 2);
	store_msgs_free(v, n);
	assert_int_equal(count_files(*state, "new"), 2);
	store_close(st);
}

/*
 * A batch: nothing fsynced or committed until its end. Closed without
 * its end (a crash): the files found are indexed with their UIDLs when
 * their content matches their names; one cut short (a system crash
 * before the sync) is removed, its UIDL left unknown to be fetched again.
 */
static void
test_store_pop3_batch(void **state)
{
	struct error		 err = { 0 };
	struct store		*st = open_ok(*state);
	struct store_uidl	 u;
	struct store_msg	*v;
	char			*path;
	size_t			 n;
	int			 stored;

	assert_int_equal(store_pop3_batch_begin(st, &err), 0);
	assert_int_equal(store_pop3_deliver(st, "b1", msg1, sizeof msg1 - 1,
	    1, &stored, &err), 0);
	assert_int_equal(stored, 1);
	/* The same content again, in the batch: recorded, not stored. */
	assert_int_equal(store_pop3_deliver(st, "b1bis", msg1,
	    sizeof msg1 - 1, 1, &stored, &err), 0);
	assert_int_equal(stored, 0);
	assert_int_equal(store_pop3_get(st, "b1", &u, &err), 0);
	assert_int_equal(store_pop3_batch_end(st, &err), 0);
	assert_int_equal(store_pop3_batch_end(st, &err), 0);	/* none open */
	assert_int_equal(store_pop3_known(st, "b1bis", &err), 1);

	assert_int_equal(store_pop3_batch_begin(st, &err), 0);
	assert_int_equal(store_pop3_deliver(st, "b2", msg2, sizeof msg2 - 1,
	    1, &stored, &err), 0);
	store_close(st);			/* no end: rolled back */
	assert_int_equal(count_files(*state, "new"), 2);
	/* A third as a system crash leaves it: named, but cut short. */
	path = xasprintf("%s/new/p3-6233-0123456789abcdef", (char *)*state);
	write_file(path, msg2, 10);
	free(path);

	st = open_ok(*state);
	assert_int_equal(count_files(*state, "new"), 2);
	assert_int_equal(store_pop3_known(st, "b2", &err), 1);
	assert_int_equal(store_pop3_known(st, "b3", &err), 0);
	assert_int_equal(store_msg_list(st, "INBOX", &v, &n, &err), 0);
	assert_int_equal(n, 2);
	store_msgs_free(v, n);
	store_close(st);
}

static const char body_qp[] =
    "From: a@example.org\n"
    "Subject: one\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "The bud=\n"
    "get is ready. Gr=C3=BC=C3=9Fe\n";
static const char body_b64[] =
    "From: b@example.org\n"
    "Subject: two\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=XX\n"
    "\n"
    "--XX\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "UXVhcnRlcmx5IEJVREdFVCBmaWd1cmVzIGF0dGFjaGVkLg0K\n"
    "--XX\n"
    "Content-Type: application/octet-stream\n"
    "\n"
    "zebra in a binary part\n"
    "--XX--\n";
static const char body_html[] =
    "From: c@example.org\n"
    "Subject: three\n"
    "Content-Type: text/html\n"
    "\n"
    "<p class=budget>A <b>zebra</b> at noon</p>\n"
    "<p>Caf&eacute; &amp; cr&#232;me, 5&nbsp;&euro;</p>\n"
    "<script>var hidden = 1;</script><style>p { color: red }</style>\n";

/* The ids found for text in folder, as a bit mask of want[]. */
static int
body_found(struct store *st, const char *folder, const char *text,
    const int64_t *want, size_t nwant)
{
	struct error	 err = { 0 };
	uint32_t	*ids = NULL;
	size_t		 n = 0, i, j;
	int		 mask = 0;

	if (store_body_search(st, folder, &text, 1, &ids, &n, &err) == -1)
		fail_msg("store_body_search: %s", err.msg);
	for (i = 0; i < n; i++) {
		for (j = 0; j < nwant && ids[i] != (uint32_t)want[j]; j++)
			;
		mask |= j < nwant ? 1 << j : 1 << 8;	/* 8: unexpected */
	}
	free(ids);
	return mask;
}

static void
test_store_body_search_decodes(void **state)
{
	struct store	*st = open_ok(*state);
	struct error	 err = { 0 };
	int64_t		 id[4];

	assert_int_equal(store_deliver(st, "INBOX", body_qp,
	    sizeof body_qp - 1, 0, &id[0], &err), 0);
	assert_int_equal(store_deliver(st, "INBOX", body_b64,
	    sizeof body_b64 - 1, 0, &id[1], &err), 0);
	assert_int_equal(store_deliver(st, "INBOX", body_html,
	    sizeof body_html - 1, 0, &id[2], &err), 0);
	assert_int_equal(store_folder_create(st, "Sent", &err), 0);
	assert_int_equal(store_deliver(st, "Sent", body_qp,
	    sizeof body_qp - 1, 0, &id[3], &err), 0);
	/* Decoded: a soft line break and base64 hide it from a grep. */
	assert_int_equal(body_found(st, "INBOX", "budget", id, 4), 0x3);
	assert_int_equal(body_found(st, "INBOX", "BuDgEt Is", id, 4), 0x1);
	assert_int_equal(body_found(st, "INBOX", "grüße", id, 4), 0x1);
	/* Text only: no tags, no binary parts. */
	assert_int_equal(body_found(st, "INBOX", "zebra", id, 4), 0x4);
	assert_int_equal(body_found(st, "INBOX", "class", id, 4), 0x0);
	/* HTML as the pager shows it: entities decoded, no script, no style. */
	assert_int_equal(body_found(st, "INBOX", "café & crème", id, 4), 0x4);
	assert_int_equal(body_found(st, "INBOX", "eacute", id, 4), 0x0);
	assert_int_equal(body_found(st, "INBOX", "hidden", id, 4), 0x0);
	assert_int_equal(body_found(st, "INBOX", "color", id, 4), 0x0);
	/* Short texts scan (LIKE), with its wildcards taken literally. */
	assert_int_equal(body_found(st, "INBOX", "NO", id, 4), 0x4);
	assert_int_equal(body_found(st, "INBOX", "%", id, 4), 0x0);
	assert_int_equal(body_found(st, "INBOX", "\"", id, 4), 0x0);
	/* Per folder. */
	assert_int_equal(body_found(st, "Sent", "budget", id, 4), 0x8);
	/* Mail stored later is indexed on the next search. */
	assert_int_equal(store_msg_delete(st, id[0], &err), 0);
	assert_int_equal(store_deliver(st, "INBOX", body_qp,
	    sizeof body_qp - 1, 0, &id[0], &err), 0);
	assert_int_equal(body_found(st, "INBOX", "budget", id, 4), 0x3);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_store_deliver_reads_back_identical, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_msg_list_newest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_content_flags_kept,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_flags_round_trip,
		    setup, teardown),
		cmocka_unit_test(test_store_maildir_info_letters),
		cmocka_unit_test_setup_teardown(
		    test_store_folder_create_rename_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_msg_move_and_copy,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_pop3_uidl_records,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_open_recovers_after_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_pop3_deliver_replaces_crashed_copy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_pop3_batch,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_body_search_decodes,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
