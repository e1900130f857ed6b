/* src/main.c: start-up and wiring. */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "ui/ui.h"
#include "wizard/wizard.h"

/* What the user asked for on the command line. */
struct options {
	const char	*config_path;
	enum log_level	 log_level;
	int		 check;
	const char	*check_account;
};

/* The terminal's stderr: fd 2 itself goes to the log (libetpan writes
 * GnuTLS errors there, which must not land on the curses screen). */
static FILE	*main_err;

static void
main_usage(FILE *f)
{
	fprintf(f, _("usage: postern [-F config] [-d level] [--check "
	    "[account]]\n"
	    "  -F FILE        read FILE instead of the default config\n"
	    "  -d LEVEL       log level: error, warn, info or debug\n"
	    "  --check [ACCT] connect to every server of the account(s), "
	    "verify TLS,\n"
	    "                 log in, and print one line per service\n"
	    "  --version      print the version\n"
	    "  --help         print this help\n"));
}

static int
main_parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct error	 err = { 0 };
	int		 ch;

	while ((ch = getopt_long(argc, argv, "F:d:hv", longopts, NULL)) !=
	    -1) {
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
		case 'h':
			main_usage(stdout);
			exit(0);
		case 'v':
		case 'V':
			printf("postern %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			main_usage(main_err);
			return -1;
		}
	}
	if (o->check && optind < argc)
		o->check_account = argv[optind++];
	if (optind < argc) {
		fprintf(main_err, _("postern: unexpected argument '%s'\n"),
		    argv[optind]);
		main_usage(main_err);
		return -1;
	}
	return 0;
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

int
main(int argc, char **argv)
{
	struct options	 o = { NULL, LOG_LEVEL_WARN, 0, NULL };
	struct config	*config;
	struct error	 err = { 0 };
	int		 ret;

	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
#endif
	/* libetpan writes to sockets without MSG_NOSIGNAL. */
	signal(SIGPIPE, SIG_IGN);
	main_err = stderr;
	if (main_parse_args(argc, argv, &o) == -1)
		return 2;
	main_setup_log(o.log_level);
	log_info("postern %s starting", PACKAGE_VERSION);
	if ((config = main_load_config(o.config_path)) == NULL)
		return 1;
	if (o.check) {
		fflush(stdout);
		ret = wizard_check(config, o.check_account, stdout, &err);
		if (ret == -1)
			fprintf(main_err, "postern: %s\n", err.msg);
		ret = ret == 0 ? 0 : 1;
	} else {
		ret = ui_run(config, &err) == 0 ? 0 : 1;
		if (ret != 0)
			fprintf(main_err, "postern: %s\n", err.msg);
	}
	config_free(config);
	log_info("postern exits with %d", ret);
	log_close();
	return ret;
}
