/* tests/unit/test_config.c: the configuration parser. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "unit.h"

#include "config/config.h"
#include "config/theme.h"
#include "core/xmalloc.h"

static const char good[] =
    "# a comment\n"
    "[account \"home\"]\n"
    "name = Jane Doe\n"
    "email = jane@charter.net\n"
    "backend = imap\n"
    "username = jane@charter.net\n"
    "password-command = pass show mail/charter   # trailing comment\n"
    "imap.host = mobile.charter.net\n"
    "imap.port = 993\n"
    "imap.security = tls\n"
    "smtp.host = mobile.charter.net\n"
    "smtp.port = 587\n"
    "smtp.security = tls\n"
    "tls.ca-file = /path/to/extra-ca.pem\n"
    "\n"
    "[account \"work\"]\n"
    "email = j@example.org\n"
    "backend = pop3\n"
    "password-command = \"printf '%s' \\\"x#y\\\"\"\n"
    "pop3.host = pop.example.org\n"
    "pop3.security = starttls\n"
    "[ui]\n"
    "theme = mono\n";

static struct config *
parse(const char *text, struct error *err)
{
	return config_parse("test.conf", text, strlen(text), err);
}

static void
test_config_parse_good(void **state)
{
	struct error		 err = { 0 };
	struct config		*c;
	const struct account	*a;

	(void)state;
	c = parse(good, &err);
	assert_non_null(c);
	assert_int_equal(c->naccounts, 2);
	a = config_find_account(c, "home");
	assert_non_null(a);
	assert_string_equal(a->name, "Jane Doe");
	assert_string_equal(a->password_command, "pass show mail/charter");
	assert_string_equal(a->imap.host, "mobile.charter.net");
	assert_int_equal(a->imap.port, 993);
	assert_int_equal(a->smtp.security, SECURITY_TLS);
	assert_int_equal(a->smtp.port, 587);
	assert_string_equal(a->ca_file, "/path/to/extra-ca.pem");
	assert_int_equal(a->timeout, 30);
	assert_int_equal(a->line, 2);
	a = config_find_account(c, "work");
	assert_non_null(a);
	assert_int_equal(a->backend, BACKEND_POP3);
	assert_string_equal(a->username, "j@example.org");
	assert_int_equal(a->pop3.port, 110);	/* starttls default */
	assert_int_equal(a->smtp.port, 465);
	assert_string_equal(a->password_command, "printf '%s' \"x#y\"");
	assert_string_equal(c->theme, "mono");
	assert_ptr_equal(config_find_account(c, NULL),
	    config_find_account(c, "home"));
	assert_null(config_find_account(c, "nope"));
	config_free(c);
}

static void
expect_error(const char *text, const char *needle)
{
	struct error	 err = { 0 };
	struct config	*c;

	c = parse(text, &err);
	if (c != NULL)
		fail_msg("parsed: %s", text);
	assert_int_equal(err.kind, ERROR_INPUT);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("'%s' not in '%s'", needle, err.msg);
}

static void
test_config_parse_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("[account \"a\"]\nimap.port = 99999\n",
	    "test.conf:2: bad port '99999'");
	expect_error("[account \"a\"]\nimap.security = none\n",
	    "test.conf:2: bad security 'none'");
	expect_error("[account \"a\"]\nfoo = bar\n",
	    "test.conf:2: unknown key 'foo'");
	expect_error("email = x\n", "test.conf:1: key outside a section");
	expect_error("[account a]\n", "test.conf:1: the account name");
	expect_error("[acount \"a\"]\n", "test.conf:1: unknown section");
	expect_error("[account \"a\"\n", "test.conf:1: bad section");
	expect_error("[account \"a\"]\njust words\n",
	    "test.conf:2: expected 'key = value'");
	expect_error("[account \"a\"]\nname = \"open\n",
	    "test.conf:2: unterminated");
	expect_error("[account \"a\"]\n[account \"a\"]\n",
	    "test.conf:2: account 'a' is defined twice");
	expect_error("\n[account \"a\"]\nemail = a@b\nimap.host = h\n",
	    "test.conf:2: account 'a' has no 'password-command'");
	expect_error("[account \"a\"]\nemail = a@b\npassword-command = x\n",
	    "has no 'imap.host'");
	expect_error("[account \"a\"]\nbackend = smtp\n", "bad backend");
	expect_error("[account \"a\"]\ntimeout = 0\n", "bad number");
	expect_error("[account \"a b\"]\n", "bad account name");
	expect_error("[account \"a\"]\nname =\n", "empty value");
}

static void
test_config_parse_pop3_policy(void **state)
{
	static const char text[] =
	    "[account \"a\"]\nemail = a@b\npassword-command = x\n"
	    "backend = pop3\npop3.host = h\n"
	    "[account \"b\"]\nemail = a@b\npassword-command = x\n"
	    "backend = pop3\npop3.host = h\n"
	    "pop3.leave-on-server = no\npop3.delete-after-days = 0\n"
	    "pop3.delete-when-deleted-locally = yes\n"
	    "pop3.max-message-size = 10M\n";
	struct error		 err = { 0 };
	struct config		*c;
	const struct account	*a;

	(void)state;
	c = parse(text, &err);
	assert_non_null(c);
	a = config_find_account(c, "a");
	assert_int_equal(a->pop3_leave_on_server, 1);	/* the defaults */
	assert_int_equal(a->pop3_delete_after_days, -1);
	assert_int_equal(a->pop3_delete_when_deleted_locally, 0);
	assert_int_equal(a->pop3_max_message_size, 0);
	a = config_find_account(c, "b");
	assert_int_equal(a->pop3_leave_on_server, 0);
	assert_int_equal(a->pop3_delete_after_days, 0);
	assert_int_equal(a->pop3_delete_when_deleted_locally, 1);
	assert_int_equal(a->pop3_max_message_size, 10 * 1024 * 1024);
	config_free(c);
	expect_error("[account \"a\"]\npop3.leave-on-server = maybe\n",
	    "test.conf:2: bad value 'maybe' for 'pop3.leave-on-server'");
	expect_error("[account \"a\"]\npop3.delete-after-days = -1\n",
	    "bad number of days");
	expect_error("[account \"a\"]\npop3.delete-after-days = 36501\n",
	    "bad number of days");
	expect_error("[account \"a\"]\npop3.max-message-size = 257M\n",
	    "bad size");
	expect_error("[account \"a\"]\npop3.max-message-size = 5X\n",
	    "bad size");
	expect_error("[account \"a\"]\npop3.max-message-size = 99999999999999999999\n",
	    "bad size");
}

static void
test_config_parse_body_cache_size(void **state)
{
	static const char text[] =
	    "[account \"a\"]\nemail = a@b\npassword-command = x\n"
	    "imap.host = h\n"
	    "[account \"b\"]\nemail = a@b\npassword-command = x\n"
	    "imap.host = h\nimap.body-cache-size = 200M\n"
	    "[account \"c\"]\nemail = a@b\npassword-command = x\n"
	    "imap.host = h\nimap.body-cache-size = 0\n";
	struct error		 err = { 0 };
	struct config		*c;

	(void)state;
	c = parse(text, &err);
	assert_non_null(c);
	assert_int_equal(config_find_account(c, "a")->imap_body_cache_size,
	    50 * 1024 * 1024);	/* the default */
	assert_int_equal(config_find_account(c, "b")->imap_body_cache_size,
	    200 * 1024 * 1024);
	assert_int_equal(config_find_account(c, "c")->imap_body_cache_size,
	    0);
	config_free(c);
	expect_error("[account \"a\"]\nimap.body-cache-size = lots\n",
	    "bad size");
}

static void
test_config_parse_pop3_auth_interval(void **state)
{
	static const char text[] =
	    "[account \"a\"]\nemail = a@b\npassword-command = x\n"
	    "backend = pop3\npop3.host = h\n"
	    "[account \"b\"]\nemail = a@b\npassword-command = x\n"
	    "backend = pop3\npop3.host = h\npop3.auth = apop\n"
	    "pop3.check-interval = 10\n"
	    "[account \"c\"]\nemail = a@b\npassword-command = x\n"
	    "backend = pop3\npop3.host = h\npop3.auth = sasl\n"
	    "pop3.check-interval = 30s\n";
	struct error		 err = { 0 };
	struct config		*c;
	const struct account	*a;

	(void)state;
	c = parse(text, &err);
	assert_non_null(c);
	a = config_find_account(c, "a");
	assert_int_equal(a->pop3_auth, POP3_AUTH_AUTO);	/* the defaults */
	assert_int_equal(a->pop3_check_interval, 0);
	a = config_find_account(c, "b");
	assert_int_equal(a->pop3_auth, POP3_AUTH_APOP);
	assert_int_equal(a->pop3_check_interval, 600);
	a = config_find_account(c, "c");
	assert_int_equal(a->pop3_auth, POP3_AUTH_SASL);
	assert_int_equal(a->pop3_check_interval, 30);
	config_free(c);
	expect_error("[account \"a\"]\npop3.auth = cram\n",
	    "test.conf:2: bad pop3.auth 'cram'");
	expect_error("[account \"a\"]\npop3.check-interval = 5m\n",
	    "bad interval");
	expect_error("[account \"a\"]\npop3.check-interval = -1\n",
	    "bad interval");
	expect_error("[account \"a\"]\npop3.check-interval = 100000\n",
	    "bad interval");
}

static void
test_config_parse_rejects_nul(void **state)
{
	struct error	 err = { 0 };

	(void)state;
	assert_null(config_parse("x", "[ui]\0theme = a\n", 15, &err));
	assert_non_null(strstr(err.msg, "NUL"));
}

static void
test_config_parse_port_bounds(void **state)
{
	struct error	 err = { 0 };
	uint16_t	 port = 7;

	(void)state;
	assert_int_equal(config_parse_port("0", &port, &err), -1);
	assert_int_equal(config_parse_port("-1", &port, &err), -1);
	assert_int_equal(config_parse_port("65536", &port, &err), -1);
	assert_int_equal(config_parse_port("", &port, &err), -1);
	assert_int_equal(config_parse_port("12a", &port, &err), -1);
	assert_int_equal(port, 7);
	assert_int_equal(config_parse_port("65535", &port, &err), 0);
	assert_int_equal(port, 65535);
}

static void
test_config_load_missing_file(void **state)
{
	struct error	 err = { 0 };

	(void)state;
	assert_null(config_load("/nonexistent/postern.conf", &err));
	assert_int_equal(err.kind, ERROR_SYS);
	assert_non_null(strstr(err.msg, "/nonexistent/postern.conf"));
}

static void
test_config_default_path_xdg(void **state)
{
	char	*p;

	(void)state;
	setenv("XDG_CONFIG_HOME", "/x/y", 1);
	p = config_default_path();
	assert_string_equal(p, "/x/y/postern/config");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", "/home/j", 1);
	p = config_default_path();
	assert_string_equal(p, "/home/j/.config/postern/config");
	free(p);
}

static struct account *
account_with(const char *command)
{
	static struct account	 a;

	memset(&a, 0, sizeof a);
	a.id = (char *)"t";
	a.password_command = (char *)command;
	return &a;
}

static void
test_config_password_first_line(void **state)
{
	struct error	 err = { 0 };
	char		*pass;

	(void)state;
	assert_int_equal(config_password(account_with(
	    "printf 'se cret\\nsecond\\n'"), &pass, &err), 0);
	assert_string_equal(pass, "se cret");
	config_password_free(pass);
}

static void
test_config_password_failures(void **state)
{
	struct error	 err = { 0 };
	char		*pass = (char *)"untouched";

	(void)state;
	assert_int_equal(config_password(account_with("exit 3"), &pass, &err),
	    -1);
	assert_null(pass);
	assert_int_equal(err.kind, ERROR_AUTH);
	assert_non_null(strstr(err.msg, "status 3"));
	assert_int_equal(config_password(account_with("true"), &pass, &err),
	    -1);
	assert_non_null(strstr(err.msg, "printed nothing"));
	assert_int_equal(config_password(account_with("printf 'a\\rb'"),
	    &pass, &err), -1);
	assert_non_null(strstr(err.msg, "control character"));
	assert_int_equal(config_password(account_with(
	    "head -c 10000 /dev/zero | tr '\\0' x"), &pass, &err), -1);
	assert_non_null(strstr(err.msg, "too much"));
}

/* The password command runs on a thread while the caller goes on. */
static void
test_config_password_pending(void **state)
{
	struct config_password_pending	*p;
	struct error			 err = { 0 };
	struct timespec			 t0, t1;
	const char			*pass;
	char				 dir[] = "/tmp/pwpendXXXXXX", *cmd, *mark;
	int				 i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mark = xasprintf("%s/go", dir);
	/* It waits for what the caller does next: only a thread gets on. */
	cmd = xasprintf("i=0; while [ ! -e %s ] && [ $i -lt 100 ]; do "
	    "sleep 0.05; i=$((i+1)); done; [ -e %s ] && printf 'se cret\\n'",
	    mark, mark);
	p = config_password_start(account_with(cmd));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fclose(fopen(mark, "w"));
	assert_int_equal(config_password_wait(p, &pass, &err), 0);
	assert_string_equal(pass, "se cret");
	/* Again: the same answer, without running anything. */
	assert_int_equal(config_password_wait(p, &pass, &err), 0);
	assert_string_equal(pass, "se cret");
	config_password_pending_free(p);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 4);
	unlink(mark);
	rmdir(dir);
	free(cmd);
	free(mark);

	/* A failure is config_password's, at each wait. */
	p = config_password_start(account_with("exit 3"));
	for (i = 0; i < 2; i++) {
		memset(&err, 0, sizeof err);
		pass = "untouched";
		assert_int_equal(config_password_wait(p, &pass, &err), -1);
		assert_null(pass);
		assert_int_equal(err.kind, ERROR_AUTH);
		assert_non_null(strstr(err.msg, "status 3"));
	}
	config_password_pending_free(p);

	/* Freed unwaited: joined, the command reaped (no child left). */
	p = config_password_start(account_with("sleep 0.2; printf x"));
	config_password_pending_free(p);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	p = config_password_start(account_with(NULL));
	assert_int_equal(config_password_wait(p, &pass, &err), -1);
	assert_non_null(strstr(err.msg, "no password-command"));
	config_password_pending_free(p);
	config_password_pending_free(NULL);

	p = config_password_known("known");
	assert_int_equal(config_password_wait(p, &pass, &err), 0);
	assert_string_equal(pass, "known");
	config_password_pending_free(p);
}

static void
theme_collect(const char *msg, void *arg)
{
	char	*all = arg;

	strcat(all, msg);
	strcat(all, "|");
}

static void
test_theme_parse_good_and_bad_lines(void **state)
{
	static const char	 text[] =
	    "# comment\n"
	    "status white blue bold\n"
	    "quote2 color208 #102030 underline italic\n"
	    "nonsense red blue\n"
	    "error purple default\n"
	    "cursor brightred default blink\n"
	    "header green\n"
	    "\n";
	struct theme		 t;
	char			 msgs[1024] = "";

	(void)state;
	theme_init(&t);
	assert_int_equal(theme_parse(&t, "th", text, strlen(text),
	    theme_collect, msgs), 4);
	assert_int_equal(t.style[THEME_STATUS].fg, 7);
	assert_int_equal(t.style[THEME_STATUS].bg, 4);
	assert_int_equal(t.style[THEME_STATUS].attrs, THEME_BOLD);
	assert_int_equal(t.style[THEME_QUOTE2].fg, 208);
	assert_int_equal(t.style[THEME_QUOTE2].bg, THEME_RGB | 0x102030);
	assert_int_equal(t.style[THEME_QUOTE2].attrs,
	    THEME_UNDERLINE | THEME_ITALIC);
	/* bad lines are skipped: the built-in values stay */
	assert_int_equal(t.style[THEME_ERROR].fg, 1);
	assert_int_equal(t.style[THEME_HEADER].fg, 2);
	assert_non_null(strstr(msgs, "th:4: unknown element 'nonsense'"));
	assert_non_null(strstr(msgs, "th:5: bad foreground colour"));
	assert_non_null(strstr(msgs, "th:6: unknown attribute"));
	assert_non_null(strstr(msgs, "th:7: expected"));
}

static void
test_theme_color_reduce_maps_to_palette(void **state)
{
	(void)state;
	assert_int_equal(theme_color_reduce(THEME_DEFAULT, 8), THEME_DEFAULT);
	assert_int_equal(theme_color_reduce(3, 8), 3);
	assert_int_equal(theme_color_reduce(THEME_RGB | 0xff0000, 256), 9);
	assert_int_equal(theme_color_reduce(THEME_RGB | 0xcd0000, 8), 1);
	assert_int_equal(theme_color_reduce(THEME_RGB | 0x002b36, 256), 234);
	assert_int_equal(theme_color_reduce(THEME_RGB | 0x5f8787, 256), 66);
	assert_true(theme_color_reduce(196, 8) < 8);
	assert_int_equal(theme_color_reduce(THEME_RGB | 0x000000, 16), 0);
}

static void
test_theme_load_shipped_themes(void **state)
{
	static const char *const names[] = {
		"default", "light", "solarized-dark", "mono",
	};
	struct theme	 t;
	struct error	 err = { 0 };
	char		 msgs[1024] = "", *dir;
	size_t		 i;

	(void)state;
	dir = getenv("TOP_SRCDIR") != NULL ? getenv("TOP_SRCDIR") : ".";
	setenv("POSTERN_DATADIR", dir, 1);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (theme_load(&t, names[i], theme_collect, msgs, &err) == -1)
			fail_msg("%s: %s", names[i], err.msg);
	}
	assert_string_equal(msgs, "");
	assert_int_equal(theme_load(&t, "no-such-theme", NULL, NULL, &err),
	    -1);
	assert_non_null(strstr(err.msg, "no theme called 'no-such-theme'"));
}

static void
test_config_parse_sort_names(void **state)
{
	struct config	*c;
	struct error	 err = { 0 };
	enum config_sort sort = CONFIG_SORT_SIZE;
	int		 rev = 7;
	static const char bad[] = "[ui]\nsort = sideways\n";

	(void)state;
	assert_int_equal(config_parse_sort("thread", &sort, &rev, &err), 0);
	assert_int_equal(sort, CONFIG_SORT_THREAD);
	assert_int_equal(rev, 0);
	assert_int_equal(config_parse_sort("reverse-from", &sort, &rev, &err),
	    0);
	assert_int_equal(sort, CONFIG_SORT_FROM);
	assert_int_equal(rev, 1);
	assert_int_equal(config_parse_sort("reverse-", &sort, &rev, &err), -1);
	assert_int_equal(config_parse_sort("Date", &sort, &rev, &err), -1);
	assert_int_equal(sort, CONFIG_SORT_FROM);	/* untouched */
	assert_string_equal(config_sort_name(CONFIG_SORT_ARRIVAL), "arrival");

	/* Default: newest first. */
	c = config_parse("x", "[ui]\n", 5, &err);
	assert_non_null(c);
	assert_int_equal(c->sort, CONFIG_SORT_DATE);
	assert_int_equal(c->sort_reverse, 1);
	config_free(c);
	c = config_parse("x", "[ui]\nsort = subject\n", 20, &err);
	assert_non_null(c);
	assert_int_equal(c->sort, CONFIG_SORT_SUBJECT);
	assert_int_equal(c->sort_reverse, 0);
	config_free(c);
	assert_null(config_parse("x", bad, sizeof bad - 1, &err));
	assert_non_null(strstr(err.msg, "x:2: bad sort order 'sideways'"));
}

/* tls.pin-sha256: normalised, per host, checked. */
static void
test_config_parse_pins(void **state)
{
	static const char text[] =
	    "[account \"a\"]\nemail = a@b\npassword-command = x\n"
	    "imap.host = h\n"
	    "tls.pin-sha256 = Mail.Example.ORG "
	    "533f76c68c32e96f5f8dbb3e51b0193e9b59018b8340ed2a2c8d0a73f56fc83e\n"
	    "tls.pin-sha256 = smtp.example.org "
	    "53:3F:76:C6:8C:32:E9:6F:5F:8D:BB:3E:51:B0:19:3E:9B:59:01:8B:83:40:"
	    "ED:2A:2C:8D:0A:73:F5:6F:C8:3E\n";
	static const char want[] = "53:3F:76:C6:8C:32:E9:6F:5F:8D:BB:3E:51:"
	    "B0:19:3E:9B:59:01:8B:83:40:ED:2A:2C:8D:0A:73:F5:6F:C8:3E";
	struct error		 err = { 0 };
	struct config		*c;
	const struct account	*a;

	(void)state;
	c = config_parse("x", text, sizeof text - 1, &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	a = config_find_account(c, "a");
	assert_int_equal(a->ntls_pins, 2);
	assert_string_equal(config_pin_find(a, "mail.example.org"), want);
	assert_string_equal(config_pin_find(a, "MAIL.example.org"), want);
	assert_string_equal(config_pin_find(a, "smtp.example.org"), want);
	assert_null(config_pin_find(a, "example.org"));
	assert_null(config_pin_find(a, "mail.example.or"));
	config_free(c);
	expect_error("[account \"a\"]\ntls.pin-sha256 = h 53:3F\n",
	    "test.conf:2: bad SHA-256 fingerprint '53:3F'");
	expect_error("[account \"a\"]\ntls.pin-sha256 = h\n",
	    "test.conf:2: expected 'HOST SHA256-FINGERPRINT'");
	expect_error("[account \"a\"]\ntls.pin-sha256 = h 533f76c68c32e96f5f8d"
	    "bb3e51b0193e9b59018b8340ed2a2c8d0a73f56fc83e00\n",
	    "bad SHA-256 fingerprint");
	expect_error("[account \"a\"]\ntls.pin-sha256 = h 533f76c68c32e96f5f8d"
	    "bb3e51b0193e9b59018b8340ed2a2c8d0a73f56fc8zz\n",
	    "bad SHA-256 fingerprint");
	expect_error("[account \"a\"]\ntls.pin-sha256 = h " "533f76c68c32e96f5f8d"
	    "bb3e51b0193e9b59018b8340ed2a2c8d0a73f56fc83e\ntls.pin-sha256 = H "
	    "533f76c68c32e96f5f8dbb3e51b0193e9b59018b8340ed2a2c8d0a73f56fc83e\n",
	    "test.conf:3: a second pin for the same host");
}

/* password-file and password-ask stand in for password-command. */
static void
test_config_parse_password_sources(void **state)
{
	static const char text[] =
	    "[account \"f\"]\nemail = a@b\nimap.host = h\n"
	    "password-file = /x/pw.gpg\n"
	    "[account \"k\"]\nemail = a@b\nimap.host = h\n"
	    "password-ask = yes\n";
	struct error		 err = { 0 };
	struct config		*c;
	const struct account	*a;
	char			*pass = NULL;

	(void)state;
	c = config_parse("x", text, sizeof text - 1, &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	a = config_find_account(c, "f");
	assert_string_equal(a->password_file, "/x/pw.gpg");
	assert_null(a->password_command);
	a = config_find_account(c, "k");
	assert_int_equal(a->password_ask, 1);
	/* Nothing typed yet: no password. */
	assert_int_equal(config_password(a, &pass, &err), -1);
	assert_null(pass);
	assert_non_null(strstr(err.msg, "none was typed"));
	config_password_set_asked("k", "typed secret");
	config_password_set_asked("k", "typed again");
	assert_int_equal(config_password(a, &pass, &err), 0);
	assert_string_equal(pass, "typed again");
	config_password_free(pass);
	config_password_forget();
	assert_int_equal(config_password(a, &pass, &err), -1);
	config_free(c);
	expect_error("[account \"a\"]\nemail = a@b\nimap.host = h\n"
	    "password-command = x\npassword-ask = yes\n",
	    "account 'a' has more than one of");
	expect_error("[account \"a\"]\nemail = a@b\nimap.host = h\n"
	    "password-ask = no\n", "has no 'password-command'");
}

static void
test_config_parse_commands_kept_with_lines(void **state)
{
	struct config	*c;
	struct error	 err = { 0 };
	static const char text[] =
	    "bind index gg first-entry\n"
	    "[ui]\n"
	    "macro index X \"l from:a=b<enter>\"  \n"
	    "unbind pager q\n"
	    "binder = 1\n";

	(void)state;
	/* "binder = 1" is a key, not a command: unknown in [ui]. */
	assert_null(config_parse("x", text, sizeof text - 1, &err));
	assert_non_null(strstr(err.msg, "x:5: unknown key 'binder'"));
	c = config_parse("x", text, sizeof text - 1 - strlen("binder = 1\n"),
	    &err);
	assert_non_null(c);
	assert_int_equal(c->ncommands, 3);
	assert_string_equal(c->commands[0].text, "bind index gg first-entry");
	assert_int_equal(c->commands[0].line, 1);
	assert_string_equal(c->commands[1].text,
	    "macro index X \"l from:a=b<enter>\"");
	assert_int_equal(c->commands[1].line, 3);
	assert_int_equal(c->commands[2].line, 4);
	config_free(c);
}

static void
test_config_parse_layout_keys(void **state)
{
	struct config	*c;
	struct error	 err = { 0 };
	static const char ok[] = "[ui]\nsidebar = no\nsidebar-width = 40\n"
	    "pager-split = 8\nmouse = yes\n";
	static const char bad[] = "[ui]\nsidebar-width = 201\n";
	static const char bad2[] = "[ui]\nmouse = maybe\n";

	(void)state;
	c = config_parse("x", "[ui]\n", 5, &err);
	assert_non_null(c);
	assert_int_equal(c->sidebar, 1);
	assert_int_equal(c->sidebar_width, 0);
	assert_int_equal(c->pager_split, 0);
	assert_int_equal(c->mouse, 0);
	config_free(c);
	c = config_parse("x", ok, sizeof ok - 1, &err);
	assert_non_null(c);
	assert_int_equal(c->sidebar, 0);
	assert_int_equal(c->sidebar_width, 40);
	assert_int_equal(c->pager_split, 8);
	assert_int_equal(c->mouse, 1);
	config_free(c);
	assert_null(config_parse("x", bad, sizeof bad - 1, &err));
	assert_non_null(strstr(err.msg, "x:2: bad value '201'"));
	assert_null(config_parse("x", bad2, sizeof bad2 - 1, &err));
	assert_non_null(strstr(err.msg, "x:2: bad value 'maybe' for 'mouse'"));
}

/* identity-signature: one file per identity, else the account's. */
static void
test_config_identity_signature_lookup(void **state)
{
	static const char text[] =
	    "[account \"a\"]\nemail = me@home.example\npassword-command = x\n"
	    "imap.host = h\nsignature = ~/.sig\n"
	    "alternates = Me <Me@Work.example>, me@old.example\n"
	    "identity-signature = ME@work.example   ~/.sig work\n"
	    "identity-signature = me@old.example none\n";
	struct error		 err = { 0 };
	struct config		*c;
	const struct account	*a;

	(void)state;
	c = config_parse("x", text, sizeof text - 1, &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	a = config_find_account(c, "a");
	assert_int_equal(a->nidentity_signatures, 2);
	assert_string_equal(config_identity_signature(a, "me@work.example"),
	    "~/.sig work");
	assert_string_equal(config_identity_signature(a, "Me@Work.Example"),
	    "~/.sig work");
	assert_null(config_identity_signature(a, "me@old.example"));
	assert_string_equal(config_identity_signature(a, "me@home.example"),
	    "~/.sig");
	assert_string_equal(config_identity_signature(a, "me@work.exampl"),
	    "~/.sig");
	assert_string_equal(config_identity_signature(a, NULL), "~/.sig");
	config_free(c);
	expect_error("[account \"a\"]\nidentity-signature = me@x\n",
	    "test.conf:2: expected 'ADDRESS FILE'");
	expect_error("[account \"a\"]\nidentity-signature = nobody /f\n",
	    "expected 'ADDRESS FILE'");
	expect_error("[account \"a\"]\nidentity-signature = a@b /f\n"
	    "identity-signature = A@B /g\n",
	    "test.conf:3: a second signature for the same address");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_parse_good),
		cmocka_unit_test(test_config_parse_errors_name_file_and_line),
		cmocka_unit_test(test_config_parse_rejects_nul),
		cmocka_unit_test(test_config_parse_port_bounds),
		cmocka_unit_test(test_config_parse_sort_names),
		cmocka_unit_test(test_config_parse_commands_kept_with_lines),
		cmocka_unit_test(test_config_parse_layout_keys),
		cmocka_unit_test(test_config_load_missing_file),
		cmocka_unit_test(test_config_default_path_xdg),
		cmocka_unit_test(test_config_parse_pop3_policy),
		cmocka_unit_test(test_config_parse_pop3_auth_interval),
		cmocka_unit_test(test_config_parse_body_cache_size),
		cmocka_unit_test(test_config_password_first_line),
		cmocka_unit_test(test_config_password_failures),
		cmocka_unit_test(test_config_password_pending),
		cmocka_unit_test(test_config_parse_pins),
		cmocka_unit_test(test_config_parse_password_sources),
		cmocka_unit_test(test_config_identity_signature_lookup),
		cmocka_unit_test(test_theme_parse_good_and_bad_lines),
		cmocka_unit_test(test_theme_color_reduce_maps_to_palette),
		cmocka_unit_test(test_theme_load_shipped_themes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
