/* tests/unit/test_config_write.c: writing an account into the config. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "config/config.h"
#include "core/fs.h"
#include "core/sbuf.h"

static char	 dir[] = "/tmp/postern-write.XXXXXX";

static int
setup_dir(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
remove_dir(void **state)
{
	char	 cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
fill(struct account *a, const char *id)
{
	memset(a, 0, sizeof *a);
	a->id = (char *)id;
	a->email = (char *)"jane@charter.net";
	a->username = (char *)"jane@charter.net";
	a->password_command = (char *)"pass show mail/charter";
	a->imap.host = (char *)"mobile.charter.net";
	a->imap.port = 993;
	a->smtp.host = (char *)"mobile.charter.net";
	a->smtp.port = 587;
	a->smtp.security = SECURITY_TLS;
}

static char *
slurp(const char *path)
{
	struct sbuf	 sb;
	struct error	 err = { 0 };

	sbuf_init(&sb);
	if (fs_read_file(path, 1 << 20, &sb, &err) == -1)
		fail_msg("%s", err.msg);
	return sbuf_detach(&sb, NULL);
}

static void
spit(const char *path, const char *text, int mode)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

/* Values that need quoting come back unchanged. */
static void
test_config_format_account_round_trip(void **state)
{
	static char		*sigs[] = {
		(char *)"jane@work.example ~/my sig #work",
		(char *)"jane@old.example none",
	};
	struct account		 a;
	struct sbuf		 sb;
	struct error		 err = { 0 };
	struct config		*c;
	const struct account	*b;

	(void)state;
	fill(&a, "home");
	a.identity_signatures = sigs;
	a.nidentity_signatures = 2;
	a.name = (char *)" Jane \"JD\" Doe; #1\t";
	a.password_command = (char *)"printf '%s\\n' 'x#y' ; echo \"q\"";
	a.ca_file = (char *)"/etc/ssl/my ca.pem";
	a.pop3.host = (char *)"pop.example.org";
	a.pop3.port = 110;
	a.pop3.security = SECURITY_STARTTLS;
	a.backend = BACKEND_POP3;
	sbuf_init(&sb);
	assert_int_equal(config_format_account(&sb, &a, &err), 0);
	c = config_parse("t", sb.buf, sb.len, &err);
	if (c == NULL)
		fail_msg("%s\n%s", err.msg, sb.buf);
	b = config_find_account(c, "home");
	assert_non_null(b);
	assert_string_equal(b->name, a.name);
	assert_string_equal(b->email, a.email);
	assert_string_equal(b->password_command, a.password_command);
	assert_string_equal(b->ca_file, a.ca_file);
	assert_int_equal(b->backend, BACKEND_POP3);
	assert_string_equal(b->imap.host, "mobile.charter.net");
	assert_int_equal(b->imap.port, 993);
	assert_int_equal(b->imap.security, SECURITY_TLS);
	assert_string_equal(b->pop3.host, "pop.example.org");
	assert_int_equal(b->pop3.port, 110);
	assert_int_equal(b->pop3.security, SECURITY_STARTTLS);
	assert_int_equal(b->smtp.port, 587);
	assert_int_equal(b->smtp.security, SECURITY_TLS);
	assert_null(strstr(sb.buf, "password ="));
	assert_int_equal(b->nidentity_signatures, 2);
	assert_string_equal(config_identity_signature(b, "Jane@Work.example"),
	    "~/my sig #work");
	assert_null(config_identity_signature(b, "jane@old.example"));
	config_free(c);
	sbuf_release(&sb);
}

/* password-file, password-ask and pins are written back as read. */
static void
test_config_format_account_password_sources_and_pins(void **state)
{
	static char	 pin[] = "localhost 53:3F:76:C6:8C:32:E9:6F:5F:8D:BB:3E:"
	    "51:B0:19:3E:9B:59:01:8B:83:40:ED:2A:2C:8D:0A:73:F5:6F:C8:3E";
	char		*pins[1] = { pin };
	struct account	 a;
	struct sbuf	 sb;
	struct error	 err = { 0 };
	struct config	*c;
	const struct account *b;

	(void)state;
	fill(&a, "home");
	a.password_command = NULL;
	a.password_ask = 1;
	a.tls_pins = pins;
	a.ntls_pins = 1;
	sbuf_init(&sb);
	assert_int_equal(config_format_account(&sb, &a, &err), 0);
	assert_null(strstr(sb.buf, "password-command"));
	c = config_parse("t", sb.buf, sb.len, &err);
	if (c == NULL)
		fail_msg("%s\n%s", err.msg, sb.buf);
	b = config_find_account(c, "home");
	assert_int_equal(b->password_ask, 1);
	assert_int_equal(b->ntls_pins, 1);
	assert_string_equal(b->tls_pins[0], pin);
	config_free(c);
	sbuf_reset(&sb);
	a.password_ask = 0;
	a.password_file = (char *)"/home/j/pw file.gpg";
	assert_int_equal(config_format_account(&sb, &a, &err), 0);
	c = config_parse("t", sb.buf, sb.len, &err);
	if (c == NULL)
		fail_msg("%s\n%s", err.msg, sb.buf);
	b = config_find_account(c, "home");
	assert_string_equal(b->password_file, "/home/j/pw file.gpg");
	assert_int_equal(b->password_ask, 0);
	config_free(c);
	sbuf_release(&sb);
}

static void
test_config_format_account_refuses_control_and_bad_id(void **state)
{
	struct account	 a;
	struct sbuf	 sb;
	struct error	 err = { 0 };

	(void)state;
	sbuf_init(&sb);
	sbuf_addstr(&sb, "kept");
	fill(&a, "home");
	a.name = (char *)"Jane\033[2J";
	assert_int_equal(config_format_account(&sb, &a, &err), -1);
	assert_int_equal(err.kind, ERROR_INPUT);
	fill(&a, "x\"]\n[account \"y");
	assert_int_equal(config_format_account(&sb, &a, &err), -1);
	assert_string_equal(sb.buf, "kept");
	sbuf_release(&sb);
}

static int
count_files(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

/* A new file in new directories: 0600, 0700, and it loads. */
static void
test_config_write_account_new_file(void **state)
{
	struct account	 a;
	struct error	 err = { 0 };
	struct config	*c;
	struct stat	 st;
	char		 path[256], sub[256];
	int		 replaced = 7;

	(void)state;
	snprintf(sub, sizeof sub, "%s/new", dir);
	snprintf(path, sizeof path, "%s/new/postern/config", dir);
	fill(&a, "home");
	if (config_write_account(path, &a, &replaced, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(replaced, 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_non_null(c = config_load(path, &err));
	assert_int_equal(c->naccounts, 1);
	config_free(c);
}

static const char two[] =
    "# my mail\n"
    "[account \"work\"]\n"
    "email = w@example.org\n"
    "password-command = cat ~/.w\n"
    "imap.host = imap.example.org\n"
    "\n"
    "[account \"home\"]\n"
    "email = old@charter.net\n"
    "password-command = echo old\n"
    "imap.host = old.example\n"
    "\n"
    "# the look\n"
    "[ui]\n"
    "theme = mono\n";

/* Replacing keeps everything else, byte for byte; again is a no-op. */
static void
test_config_write_account_replaces_section(void **state)
{
	struct account	 a;
	struct error	 err = { 0 };
	char		 path[256];
	char		*text, *again;
	int		 replaced = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/two", dir);
	spit(path, two, 0644);
	fill(&a, "home");
	if (config_write_account(path, &a, &replaced, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(replaced, 1);
	text = slurp(path);
	assert_non_null(strstr(text, "# my mail\n[account \"work\"]\n"
	    "email = w@example.org\npassword-command = cat ~/.w\n"
	    "imap.host = imap.example.org\n\n[account \"home\"]\n"
	    "email = jane@charter.net\n"));
	assert_null(strstr(text, "old"));
	assert_non_null(strstr(text, "smtp.security = tls\n\n# the look\n"
	    "[ui]\ntheme = mono\n"));
	if (config_write_account(path, &a, &replaced, &err) == -1)
		fail_msg("%s", err.msg);
	again = slurp(path);
	assert_string_equal(text, again);
	free(again);
	free(text);
}

static void
test_config_write_account_appends_and_fixes_mode(void **state)
{
	struct account	 a;
	struct error	 err = { 0 };
	struct config	*c;
	struct stat	 st;
	char		 path[256];
	char		*text;
	int		 replaced = 1, n;
	static const char head[] = "[ui]\ntheme = mono\n\n"
	    "[account \"jane@charter.net\"]\n";

	(void)state;
	snprintf(path, sizeof path, "%s/append", dir);
	spit(path, "[ui]\ntheme = mono", 0644);
	n = count_files();
	fill(&a, "jane@charter.net");
	if (config_write_account(path, &a, &replaced, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(replaced, 0);
	text = slurp(path);
	assert_int_equal(strncmp(text, head, strlen(head)), 0);
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_files(), n);	/* no temporary file left */
	assert_non_null(c = config_load(path, &err));
	assert_string_equal(c->theme, "mono");
	config_free(c);
}

/* A file that would not load is not written; the old one stays. */
static void
test_config_write_account_keeps_broken_file(void **state)
{
	struct account	 a;
	struct error	 err = { 0 };
	char		 path[256];
	char		*text;
	static const char broken[] = "[account \"x\"]\nfrob = 1\n";

	(void)state;
	snprintf(path, sizeof path, "%s/broken", dir);
	spit(path, broken, 0600);
	fill(&a, "home");
	assert_int_equal(config_write_account(path, &a, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "unknown key 'frob'"));
	text = slurp(path);
	assert_string_equal(text, broken);
	free(text);
}

/* A symbolic link stays a link; its target gets the account. */
static void
test_config_write_account_through_symlink(void **state)
{
	struct account	 a;
	struct error	 err = { 0 };
	struct stat	 st;
	char		 link[256], target[256];
	char		*text;

	(void)state;
	snprintf(link, sizeof link, "%s/link", dir);
	snprintf(target, sizeof target, "%s/target", dir);
	spit(target, "", 0600);
	assert_int_equal(symlink(target, link), 0);
	fill(&a, "home");
	if (config_write_account(link, &a, NULL, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = slurp(target);
	assert_non_null(strstr(text, "[account \"home\"]"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_format_account_round_trip),
		cmocka_unit_test(
		    test_config_format_account_password_sources_and_pins),
		cmocka_unit_test(
		    test_config_format_account_refuses_control_and_bad_id),
		cmocka_unit_test(test_config_write_account_new_file),
		cmocka_unit_test(test_config_write_account_replaces_section),
		cmocka_unit_test(
		    test_config_write_account_appends_and_fixes_mode),
		cmocka_unit_test(test_config_write_account_keeps_broken_file),
		cmocka_unit_test(test_config_write_account_through_symlink),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
