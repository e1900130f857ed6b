/* src/main.c: start-up and wiring. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "addr/addr.h"
#include "config/config.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "crypto/crypto.h"
#include "imap/imap.h"
#include "mime/mime.h"
#include "net/net.h"
#include "pop3/pop3.h"
#include "smtp/smtp.h"
#include "store/store.h"
#include "ui/ui.h"
#include "wizard/wizard.h"

/* Batch sending (Mutt's -s, -c, -b, -a) and --flush-outbox. */
struct send_options {
	int		 batch;		/* send stdin without the UI */
	const char	*subject;
	struct sbuf	 to;		/* address lists, ", " between */
	struct sbuf	 cc;
	struct sbuf	 bcc;
	const char	**files;	/* -a */
	size_t		 nfiles;
	const char	*account;	/* --send-account */
	int		 flush;		/* --flush-outbox */
	const char	*flush_account;
};

/* What the user asked for on the command line. */
struct options {
	const char	*config_path;
	enum log_level	 log_level;
	int		 check;
	const char	*check_account;
	int		 fetch;
	const char	*fetch_account;
	int		 sync;		/* --sync */
	const char	*sync_account;
	int		 setup;
	int		 setup_args;	/* options that need --setup */
	int		 yes;
	struct wizard_setup su;		/* postern --setup --email ... */
	struct send_options send;	/* postern -s ..., --flush-outbox */
	const char	*query;		/* --query STRING */
	const char	*mailto;	/* postern mailto:... */
};

/* Long options without a short one. */
enum {
	OPT_SETUP = 256,
	OPT_EMAIL,
	OPT_PASSWORD_COMMAND,
	OPT_NAME,
	OPT_BACKEND,
	OPT_ACCOUNT,
	OPT_USERNAME,
	OPT_CA_FILE,
	OPT_YES,
	OPT_QUERY,
	OPT_SYNC,
};

/* The terminal's stderr: fd 2 itself goes to the log (libetpan writes
 * GnuTLS errors there, which must not land on the curses screen). */
static FILE	*main_err;

/*
 * Keeps a copy of a sent message: APPEND to the IMAP account's Sent, or
 * into the local Sent folder of a POP3 account.
 */
static int
main_copy_sent(const struct account *a, const char *password,
    const char *msg, size_t len, struct error *err)
{
	if (a->backend == BACKEND_POP3)
		return pop3_save_sent(a, password, msg, len, err);
	return imapc_append_sent(a, password, msg, len, err);
}

static void
main_usage(FILE *f)
{
	fprintf(f, _("usage: postern [-F config] [-d level] [--check "
	    "[account]]\n"
	    "       postern [--send-account acct] -s subject [-c addr] [-b addr] "
	    "[-a file ... --] addr ... < body\n"
	    "       postern --flush-outbox [account]\n"
	    "       postern --query string\n"
	    "  -F FILE        read FILE instead of the default config\n"
	    "  -d LEVEL       log level: error, warn, info or debug\n"
	    "  --check [ACCT] connect to every server of the account(s), "
	    "verify TLS,\n"
	    "                 log in, and print one line per service\n"
	    "  -s, -c, -b, -a send stdin as a message with this subject, "
	    "Cc, Bcc,\n"
	    "                 attachments, from ACCT or the first account\n"
	    "  --flush-outbox [ACCT] retry sending the queued messages\n"
	    "  --query STRING print the address book's and the query "
	    "command's\n"
	    "                 matches for STRING, best first\n"
	    "  --sync [ACCT]  fill or refresh the message cache of every "
	    "IMAP folder\n"
	    "  --version      print the version\n"
	    "  --help         print this help\n"));
	fprintf(f, _("  --fetch [ACCT] check the POP3 account(s) once without "
	    "the interface,\n"
	    "                 download new mail and print what was done\n"));
	fprintf(f, _("  --setup --email ADDR --password-command CMD [--name "
	    "NAME]\n"
	    "          [--backend imap|pop3] [--account ID] [--username USER]\n"
	    "          [--ca-file FILE] [--yes]\n"
	    "                 find the servers for ADDR, try them, and add "
	    "the account\n"));
	fprintf(f, "%s", _("  --setup        without --email: the set-up "
	    "wizard on the terminal\n"));
}

/* Records one of the --setup options. */
static int
main_setup_option(struct options *o, int ch, const char *arg)
{
	if (ch != OPT_SETUP)
		o->setup_args = 1;
	switch (ch) {
	case OPT_SETUP:
		o->setup = 1;
		break;
	case OPT_EMAIL:
		o->su.email = arg;
		break;
	case OPT_PASSWORD_COMMAND:
		o->su.password_command = arg;
		break;
	case OPT_NAME:
		o->su.name = arg;
		break;
	case OPT_BACKEND:
		if (strcmp(arg, "imap") == 0)
			o->su.backend = BACKEND_IMAP;
		else if (strcmp(arg, "pop3") == 0)
			o->su.backend = BACKEND_POP3;
		else {
			fprintf(main_err, _("postern: bad backend '%s' (imap "
			    "or pop3)\n"), arg);
			return -1;
		}
		break;
	case OPT_ACCOUNT:
		o->su.account_id = arg;
		break;
	case OPT_USERNAME:
		o->su.username = arg;
		break;
	case OPT_CA_FILE:
		o->su.ca_file = arg;
		break;
	case OPT_YES:
		o->yes = 1;
		break;
	}
	return 0;
}

/* The --setup options go together, and only with --setup. */
static int
main_setup_check(struct options *o)
{
	const char	*missing = NULL;

	if (!o->setup) {
		if (o->setup_args) {
			fprintf(main_err, "%s\n", _("postern: --email, "
			    "--password-command, --name, --backend, "
			    "--account, --username, --ca-file and --yes go "
			    "with --setup"));
			return -1;
		}
		return 0;
	}
	if (o->check || o->fetch) {
		fprintf(main_err, "%s\n", _("postern: --setup goes with "
		    "neither --check nor --fetch"));
		return -1;
	}
	if (o->su.email != NULL && o->su.password_command == NULL)
		missing = "--password-command";
	else if (o->su.email == NULL && o->su.password_command != NULL)
		missing = "--email";
	if (missing != NULL) {
		fprintf(main_err, _("postern: --setup needs %s\n"), missing);
		return -1;
	}
	return 0;
}

/* Appends one address (list) to an address list. */
static void
main_send_addr(struct sbuf *list, const char *addr)
{
	if (list->len > 0)
		sbuf_addstr(list, ", ");
	sbuf_addstr(list, addr);
}

/* One of -s, -c, -b, -a, --send-account, --flush-outbox. */
static void
main_send_option(int ch, const char *arg, struct send_options *so)
{
	switch (ch) {
	case 's':
		so->subject = arg;
		break;
	case 'c':
		main_send_addr(&so->cc, arg);
		break;
	case 'b':
		main_send_addr(&so->bcc, arg);
		break;
	case 'a':
		so->files = xreallocarray(so->files, so->nfiles + 1,
		    sizeof *so->files);
		so->files[so->nfiles++] = arg;
		break;
	case 'A':
		so->account = arg;
		return;
	case 'O':
		so->flush = 1;
		return;
	}
	so->batch = 1;
}

/*
 * Mutt's "-a file ... --": every argument after -a up to "--" or the
 * next option is a file. Returns a copy of argv with "-a" before each
 * (the caller frees the array, not the strings).
 */
static char **
main_send_expand(int *argcp, char **argv)
{
	char	**v;
	int	  i, n = 0, in_a = 0;

	v = xreallocarray(NULL, (size_t)*argcp * 2 + 1, sizeof *v);
	for (i = 0; i < *argcp; i++) {
		if (i > 0 && strcmp(argv[i], "--") == 0) {
			while (i < *argcp)
				v[n++] = argv[i++];
			break;
		}
		if (in_a && argv[i][0] != '-')
			v[n++] = (char *)"-a";
		else
			in_a = 0;
		v[n++] = argv[i];
		if (i > 0 && argv[i][0] == '-' && argv[i][1] != '\0' &&
		    argv[i][2] == '\0' && strchr("Fdscba", argv[i][1]) !=
		    NULL && i + 1 < *argcp) {
			in_a = argv[i][1] == 'a';
			v[n++] = argv[++i];
		} else if (i > 0 && strcmp(argv[i], "--send-account") == 0 &&
		    i + 1 < *argcp)
			v[n++] = argv[++i];
	}
	v[n] = NULL;
	*argcp = n;
	return v;
}

/* postern -s ...: stdin as the text, sent through the outbox. */
static int
main_send(const struct config *config, const struct send_options *so)
{
	const struct account	*a;
	struct mime_draft	 d;
	struct sbuf		 body;
	struct error		 err = { 0 };
	char			 buf[8192];
	size_t			 n;
	int			 ret = 1;

	sbuf_init(&body);
	/*
	 * Mutt opens the compose screen when the body is not piped in;
	 * Postern has none yet, so it says so instead of reading the
	 * terminal until end of file.
	 */
	if (isatty(STDIN_FILENO)) {
		fprintf(main_err, _("postern: pipe the message body into "
		    "standard input (postern -s SUBJECT ADDR < body); the "
		    "compose screen is not available yet\n"));
		goto out;
	}
	if ((a = config_find_account(config, so->account)) == NULL) {
		fprintf(main_err, _("postern: no account '%s' in %s\n"),
		    so->account != NULL ? so->account : "", config->path);
		goto out;
	}
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
		if (body.len + n > MIME_MAX_BODY) {
			fprintf(main_err, _("postern: message text larger "
			    "than %d bytes\n"), MIME_MAX_BODY);
			goto out;
		}
		sbuf_add(&body, buf, n);
	}
	memset(&d, 0, sizeof d);
	d.to = so->to.buf;
	d.cc = so->cc.buf;
	d.bcc = so->bcc.buf;
	d.subject = so->subject;
	d.body = body.buf;
	d.body_len = body.len;
	d.attachments = so->files;
	d.nattachments = so->nfiles;
	if (outbox_send_draft(a, &d, main_copy_sent, main_err, &err) == 0)
		ret = 0;
	else
		fprintf(main_err, _("postern: not sent: %s\n"), err.msg);
out:
	sbuf_release(&body);
	return ret;
}

/*
 * postern mailto:...: the one argument, not in batch mode, opens the
 * compose screen filled in from the link.
 */
static void
main_mailto_arg(struct options *o, int argc, char **argv)
{
	if (o->send.batch || optind + 1 != argc ||
	    strncasecmp(argv[optind], "mailto:", 7) != 0)
		return;
	o->mailto = argv[optind++];
}

static int
main_parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'C' },
		{ "fetch", no_argument, NULL, 'P' },
		{ "setup", no_argument, NULL, OPT_SETUP },
		{ "email", required_argument, NULL, OPT_EMAIL },
		{ "password-command", required_argument, NULL,
		    OPT_PASSWORD_COMMAND },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "account", required_argument, NULL, OPT_ACCOUNT },
		{ "username", required_argument, NULL, OPT_USERNAME },
		{ "ca-file", required_argument, NULL, OPT_CA_FILE },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "flush-outbox", no_argument, NULL, 'O' },
		{ "sync", no_argument, NULL, OPT_SYNC },
		{ "send-account", required_argument, NULL, 'A' },
		{ "query", required_argument, NULL, OPT_QUERY },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct error	 err = { 0 };
	int		 ch;

	while ((ch = getopt_long(argc, argv, "F:d:hvs:c:b:a:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'F':
			o->config_path = optarg;
			break;
		case 'd':
			if (log_level_parse(optarg, &o->log_level, &err) == -1) {
				fprintf(main_err, "postern: %s\n", err.msg);
				return -1;
			}
			break;
		case 'C':
			o->check = 1;
			break;
		case 'P':
			o->fetch = 1;
			break;
		case OPT_SYNC:
			o->sync = 1;
			break;
		case OPT_SETUP:
		case OPT_EMAIL:
		case OPT_PASSWORD_COMMAND:
		case OPT_NAME:
		case OPT_BACKEND:
		case OPT_ACCOUNT:
		case OPT_USERNAME:
		case OPT_CA_FILE:
		case OPT_YES:
			if (main_setup_option(o, ch, optarg) == -1)
				return -1;
			break;
		case OPT_QUERY:
			o->query = optarg;
			break;
		case 'h':
			main_usage(stdout);
			exit(0);
		case 's':
		case 'c':
		case 'b':
		case 'a':
		case 'A':
		case 'O':
			main_send_option(ch, optarg, &o->send);
			break;
		case 'v':
		case 'V':
			printf("postern %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			main_usage(main_err);
			return -1;
		}
	}
	if (o->check && o->fetch) {
		fprintf(main_err, _("postern: --check and --fetch do not go "
		    "together\n"));
		return -1;
	}
	if (main_setup_check(o) == -1)
		return -1;
	if (o->check && optind < argc)
		o->check_account = argv[optind++];
	if (o->fetch && optind < argc)
		o->fetch_account = argv[optind++];
	if (o->sync && (o->check || o->fetch || o->setup)) {
		fprintf(main_err, _("postern: --sync goes with neither "
		    "--check, --fetch nor --setup\n"));
		return -1;
	}
	if (o->sync && optind < argc)
		o->sync_account = argv[optind++];
	if (o->send.flush && !o->check && !o->fetch && optind < argc)
		o->send.flush_account = argv[optind++];
	if (!o->check && !o->fetch && !o->send.flush && o->query == NULL &&
	    !o->sync)
		main_mailto_arg(o, argc, argv);
	if (!o->check && !o->fetch && !o->send.flush && o->query == NULL &&
	    !o->sync) {
		while (optind < argc)
			main_send_addr(&o->send.to, argv[optind++]);
		o->send.batch |= o->send.to.len > 0;
	}
	if (optind < argc) {
		fprintf(main_err, _("postern: unexpected argument '%s'\n"),
		    argv[optind]);
		main_usage(main_err);
		return -1;
	}
	return 0;
}

/*
 * postern --query STRING: one line per match, "addr<TAB>name<TAB>where"
 * (mutt's query format without its header line); 1 when none.
 */
static int
main_query(const struct config *config, const char *query)
{
	struct addr_candidates	 c = { NULL, 0 };
	struct error		 err = { 0 };
	size_t			 i;

	if (addrbook_complete(config != NULL ? config->query_command : NULL,
	    query, ADDR_MAX_CANDIDATES, &c, &err) == -1) {
		fprintf(main_err, "postern: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < c.n; i++) {
		if (c.v[i].source == ADDR_SOURCE_QUERY)
			printf("%s\t%s\t%s\n", c.v[i].addr, c.v[i].name !=
			    NULL ? c.v[i].name : "", _("query"));
		else
			printf(_("%s\t%s\tsent %u, read %u\n"), c.v[i].addr,
			    c.v[i].name != NULL ? c.v[i].name : "",
			    c.v[i].nsent, c.v[i].nread);
	}
	i = c.n;
	addr_candidates_release(&c);
	return i > 0 ? 0 : 1;
}

/* Opens the log and sends fd 2 there (or to /dev/null). */
static void
main_setup_log(enum log_level level)
{
	struct error	 err = { 0 };
	char		*path;
	int		 fd, target;

	fd = dup(STDERR_FILENO);
	if (fd == -1 || (main_err = fdopen(fd, "w")) == NULL)
		main_err = stderr;
	setvbuf(main_err, NULL, _IOLBF, 0);
	path = fs_xdg_path("XDG_STATE_HOME", ".local/state", "postern/log");
	if (log_open(path, level, &err) == -1)
		fprintf(main_err, "postern: %s\n", err.msg);
	free(path);
	target = log_fd();
	if (target == -1)
		target = open("/dev/null", O_WRONLY);
	if (target != -1 && main_err != stderr)
		dup2(target, STDERR_FILENO);
}

/* Asks "Save? [y/N]" on the terminal; 1 for yes. */
static int
main_confirm(void *arg)
{
	char	 line[32];

	(void)arg;
	printf("%s", _("Save this account? [y/N] "));
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return i18n_yes_word(line);
}

/*
 * The set-up wizard on the terminal, then the new account's INBOX.
 * path_arg: -F, or NULL for the default config.
 */
static int
main_wizard(const char *path_arg, const char *ca_file)
{
	struct ui_wizard_params	 p;
	struct config		*config;
	struct error		 err = { 0 };
	char			*path, *id = NULL;
	int			 ret = 1;

	path = path_arg != NULL ? xstrdup(path_arg) : config_default_path();
	memset(&p, 0, sizeof p);
	p.config_path = path;
	p.ca_file = ca_file;
	switch (ui_wizard_run(&p, &id, &err)) {
	case -1:
		fprintf(main_err, "postern: %s\n", err.msg);
		goto out;
	case 1:
		fprintf(main_err, "%s\n", _("postern: set-up left; nothing "
		    "saved"));
		goto out;
	}
	if ((config = config_load(path, &err)) == NULL) {
		fprintf(main_err, "postern: %s\n", err.msg);
		goto out;
	}
	ret = ui_run_account(config, id, &err) == 0 ? 0 : 1;
	if (ret != 0)
		fprintf(main_err, "postern: %s\n", err.msg);
	config_free(config);
out:
	config_password_forget();
	free(id);
	free(path);
	return ret;
}

/*
 * password-ask: reads one line from the terminal without echo. The
 * password lands in the remembered table (config_password_set_asked).
 */
static int
main_ask_password(const struct account *a)
{
	struct termios	 old, quiet;
	char		 line[1024];
	size_t		 len;
	int		 fd, ok;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
		fprintf(main_err, _("postern: account '%s' asks for its "
		    "password, but there is no terminal\n"), a->id);
		return -1;
	}
	if (tcgetattr(fd, &old) == -1) {
		close(fd);
		return -1;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	dprintf(fd, _("Password for %s (account '%s'): "), a->email, a->id);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	ok = read(fd, line, sizeof line - 1) > 0;
	tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	line[sizeof line - 1] = '\0';
	if (ok) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		ok = len > 0;
	}
	if (ok)
		config_password_set_asked(a->id, line);
	explicit_bzero(line, sizeof line);
	return ok ? 0 : -1;
}

/* Asks for the passwords of the accounts (id, or all) with password-ask. */
static int
main_ask_passwords(const struct config *config, const char *id)
{
	const struct account	*a;
	size_t			 i;

	for (i = 0; i < config->naccounts; i++) {
		a = &config->accounts[i];
		if (!a->password_ask || (id != NULL && strcmp(a->id, id) != 0))
			continue;
		if (main_ask_password(a) == -1)
			return -1;
	}
	return 0;
}

/*
 * postern --setup: the scripted form finds, tries and saves an account;
 * without --email, the wizard on the terminal.
 */
static int
main_setup(struct options *o)
{
	struct error	 err = { 0 };
	char		*path;
	int		 ret;

	if (o->su.email == NULL) {
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return main_wizard(o->config_path, o->su.ca_file);
		fprintf(main_err, "%s\n", _("postern: the set-up wizard needs "
		    "a terminal; or use the scripted form:\n"
		    "  postern --setup --email ADDRESS --password-command "
		    "'pass show mail/ADDRESS' [--backend imap|pop3] [--yes]"));
		return 1;
	}
	if (!o->yes && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(main_err, "%s\n", _("postern: --setup asks before "
		    "saving, but there is no terminal to ask on; add --yes"));
		return 1;
	}
	path = o->config_path != NULL ? xstrdup(o->config_path) :
	    config_default_path();
	o->su.config_path = path;
	o->su.confirm = o->yes ? NULL : main_confirm;
	ret = wizard_setup_run(&o->su, stdout, &err);
	if (ret == -1)
		fprintf(main_err, "postern: %s\n", err.msg);
	free(path);
	return ret == 0 ? 0 : 1;
}

static struct config *
main_load_config(const char *path_arg)
{
	struct config	*config;
	struct error	 err = { 0 };
	char		*path;

	path = path_arg != NULL ? strdup(path_arg) : config_default_path();
	if (path_arg == NULL && access(path, F_OK) == -1) {
		fprintf(main_err, _("postern: no configuration file '%s'\n"
		    "Write one as postern.conf(5) describes, or name one "
		    "with -F.\n"), path);
		free(path);
		return NULL;
	}
	config = config_load(path, &err);
	if (config == NULL) {
		fprintf(main_err, "postern: %s\n", err.msg);
		log_error("%s", err.msg);
	}
	free(path);
	return config;
}

/*
 * Plain postern, no -F, no config file yet, on a terminal: the first
 * run, which is the set-up wizard's.
 */
static int
main_first_run(const struct options *o)
{
	char	*path;
	int	 missing;

	if (o->config_path != NULL || o->check || o->fetch ||
	    o->query != NULL || o->send.batch || o->send.flush ||
	    !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return 0;
	path = config_default_path();
	missing = access(path, F_OK) == -1 && errno == ENOENT;
	free(path);
	return missing;
}

struct main_fetch_note {
	const char	*prefix;
};

static void
main_fetch_note(const char *text, void *arg)
{
	const struct main_fetch_note	*n = arg;

	printf("%s%s\n", n->prefix, text);
}

/* One POP3 check of account a into its local store. */
static int
main_fetch_account(const struct account *a, const char *prefix,
    struct error *err)
{
	struct main_fetch_note		 note = { prefix };
	struct pop3_result		 res;
	struct net_watchdog		*wd;
	struct store			*st;
	struct config_password_pending	*pass;
	char				*dir;
	const char			*p;
	int				 ret;

	/* The password command runs while the store opens and connects. */
	pass = config_password_start(a);
	dir = store_account_dir(a->id);
	st = store_open(dir, err);
	free(dir);
	if (st == NULL) {
		/* As before: a failing password command is the error. */
		(void)config_password_wait(pass, &p, err);
		config_password_pending_free(pass);
		return -1;
	}
	wd = net_watchdog_new();
	ret = pop3_fetch(a, pass, st, wd, (int64_t)time(NULL),
	    main_fetch_note, &note, &res, err);
	config_password_pending_free(pass);
	net_watchdog_free(wd);
	store_close(st);
	printf(_("%s%u new, %u skipped, %u deleted on the server\n"), prefix,
	    res.fetched, res.skipped, res.deleted);
	fflush(stdout);
	return ret;
}

/* main_fetch_account, its error printed: for main_each_account. */
static int
main_fetch_one(const struct account *a, const char *prefix)
{
	struct error	 err = { 0 };

	if (main_fetch_account(a, prefix, &err) == -1) {
		fprintf(main_err, "postern: %s%s\n", prefix, err.msg);
		return -1;
	}
	return 0;
}

/*
 * Runs run on the account named id (which must be of the backend kind),
 * or, id NULL, on every account of that kind, each line of its output
 * prefixed with the account's name. wrong_kind (a format with the
 * account's name) and none are the errors. 0, or 1 if any run failed.
 */
static int
main_each_account(const struct config *config, const char *id,
    enum backend_kind kind,
    int (*run)(const struct account *, const char *prefix),
    const char *wrong_kind, const char *none)
{
	const struct account	*a;
	char			*prefix;
	size_t			 i, n = 0;
	int			 ret = 0;

	if (id != NULL) {
		if ((a = config_find_account(config, id)) == NULL) {
			fprintf(main_err, _("postern: no account '%s'\n"), id);
			return 1;
		}
		if (a->backend != kind) {
			fprintf(main_err, wrong_kind, id);
			return 1;
		}
		return run(a, "") == 0 ? 0 : 1;
	}
	for (i = 0; i < config->naccounts; i++) {
		a = &config->accounts[i];
		if (a->backend != kind)
			continue;
		n++;
		prefix = xasprintf("%s: ", a->id);
		if (run(a, prefix) == -1)
			ret = 1;
		free(prefix);
	}
	if (n == 0) {
		fputs(none, main_err);
		return 1;
	}
	return ret;
}

/*
 * postern --fetch [ACCOUNT]: one check of the named POP3 account, or of
 * every POP3 account, without the interface.
 */
static int
main_fetch(const struct config *config, const char *id)
{
	return main_each_account(config, id, BACKEND_POP3, main_fetch_one,
	    _("postern: account '%s' is not a POP3 account\n"),
	    _("postern: no POP3 account to fetch\n"));
}

static void
main_sync_note(const char *text, void *arg)
{
	const char	*prefix = arg;

	printf("%s%s\n", prefix, text);
	fflush(stdout);
}

/* One --sync of IMAP account a. */
static int
main_sync_account(const struct account *a, const char *prefix)
{
	struct config_password_pending	*pass;
	struct error			 err = { 0 };
	int				 ret;

	/* The password command runs while the connection is made. */
	pass = config_password_start(a);
	ret = imapc_sync_account(a, pass, main_sync_note, (void *)prefix,
	    &err);
	config_password_pending_free(pass);
	if (ret == -1)
		fprintf(main_err, "postern: %s%s\n", prefix, err.msg);
	return ret;
}

/*
 * postern --sync [ACCOUNT]: fills or refreshes the message cache of every
 * folder of the named IMAP account, or of every IMAP account.
 */
static int
main_sync(const struct config *config, const char *id)
{
	return main_each_account(config, id, BACKEND_IMAP, main_sync_account,
	    _("postern: account '%s' is not an IMAP account\n"),
	    _("postern: no IMAP account to sync\n"));
}

/*
 * One malloc arena for every thread (glibc): the index's summaries are
 * made on the worker's thread and freed on the UI's, and with an arena
 * per thread the memory they leave is not reused by the other side.
 */
static void
main_malloc_setup(void)
{
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 1);
#endif
}

int
main(int argc, char **argv)
{
	struct options	 o;
	struct config	*config;
	struct error	 err = { 0 };
	char		**args;
	int		 ret;

	main_malloc_setup();
	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	{
		const char	*dir = getenv("POSTERN_LOCALEDIR");

		bindtextdomain(PACKAGE, dir != NULL && *dir != '\0' ? dir :
		    LOCALEDIR);
		textdomain(PACKAGE);
	}
#endif
	/* libetpan writes to sockets without MSG_NOSIGNAL. */
	signal(SIGPIPE, SIG_IGN);
	main_err = stderr;
	config_password_set_decrypt(crypto_decrypt_password);
	memset(&o, 0, sizeof o);
	o.log_level = LOG_LEVEL_WARN;
	sbuf_init(&o.send.to);
	sbuf_init(&o.send.cc);
	sbuf_init(&o.send.bcc);
	args = main_send_expand(&argc, argv);
	config = NULL;
	if (main_parse_args(argc, args, &o) == -1) {
		ret = 2;
		goto out;
	}
	main_setup_log(o.log_level);
	log_info("postern %s starting", PACKAGE_VERSION);
	if (o.setup) {
		ret = main_setup(&o);
		goto out;
	}
	if (main_first_run(&o)) {
		ret = main_wizard(NULL, NULL);
		goto out;
	}
	if ((config = main_load_config(o.config_path)) == NULL) {
		ret = 1;
		goto out;
	}
	if (o.query == NULL && main_ask_passwords(config, o.check ?
	    o.check_account : o.fetch ? o.fetch_account : NULL) == -1) {
		ret = 1;
		goto out;
	}
	if (o.query != NULL)
		ret = main_query(config, o.query);
	else if (o.sync)
		ret = main_sync(config, o.sync_account);
	else if (o.fetch)
		ret = main_fetch(config, o.fetch_account);
	else if (o.send.flush && !o.check) {
		ret = outbox_flush(config, o.send.flush_account,
		    main_copy_sent, stdout, &err);
		if (ret == -1)
			fprintf(main_err, "postern: %s\n", err.msg);
		ret = ret == 0 ? 0 : 1;
	} else if (o.send.batch && !o.check)
		ret = main_send(config, &o.send);
	else if (o.check) {
		fflush(stdout);
		ret = wizard_check(config, o.check_account, stdout, &err);
		if (ret == -1)
			fprintf(main_err, "postern: %s\n", err.msg);
		ret = ret == 0 ? 0 : 1;
	} else {
		ret = ui_run_mailto(config, o.mailto, &err) == 0 ? 0 : 1;
		if (ret != 0)
			fprintf(main_err, "postern: %s\n", err.msg);
	}
out:
	config_free(config);
	sbuf_release(&o.send.to);
	sbuf_release(&o.send.cc);
	sbuf_release(&o.send.bcc);
	free(o.send.files);
	free(args);
	config_password_forget();
	log_info("postern exits with %d", ret);
	log_close();
	return ret;
}
