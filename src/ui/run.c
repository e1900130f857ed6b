/* src/ui/run.c: commands run for the user, with or without the terminal. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

#define UI_RUN_TIMEOUT	20	/* seconds a copiousoutput command may take */

/* In the child: the standard fds, default signals, then argv. */
static void
ui_run_child(const char *const *argv, int in, int out, int errfd)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL);
	if (in != -1 && in != 0) {
		dup2(in, 0);
		close(in);
	}
	if (out != -1 && out != 1) {
		dup2(out, 1);
		close(out);
	}
	if (errfd != -1 && errfd != 2) {
		dup2(errfd, 2);
		close(errfd);
	}
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

static int
ui_run_wait(pid_t pid)
{
	int	 st;

	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int
ui_run_open_input(const char *stdin_file, struct error *err)
{
	int	 fd;

	if ((fd = open(stdin_file != NULL ? stdin_file : "/dev/null",
	    O_RDONLY | O_CLOEXEC)) == -1)
		return error_set_errno(err, ERROR_SYS, "%s",
		    stdin_file != NULL ? stdin_file : "/dev/null");
	return fd;
}

int
ui_run_terminal(const char *const *argv, const char *stdin_file,
    struct error *err)
{
	struct sigaction	 ign, oint, oquit;
	pid_t			 pid;
	int			 in = -1, st;

	if (stdin_file != NULL &&
	    (in = ui_run_open_input(stdin_file, err)) == -1)
		return -1;
	/* As system(3): ^C and ^\ are for the command, not for us. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	def_prog_mode();
	endwin();
	if ((pid = fork()) == -1) {
		st = error_set_errno(err, ERROR_SYS, "fork");
		goto out;
	}
	if (pid == 0)
		ui_run_child(argv, in, -1, -1);
	st = ui_run_wait(pid);
	log_debug("%s exited: %d", argv[0], st);
out:
	if (in != -1)
		close(in);
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	return st;
}

int
ui_run_capture(const char *const *argv, const char *stdin_file, size_t max,
    struct sbuf *out, struct error *err)
{
	struct pollfd	 pfd;
	char		 buf[8192];
	pid_t		 pid;
	time_t		 deadline;
	ssize_t		 n;
	int		 in, p[2], nul, st, left;

	if ((in = ui_run_open_input(stdin_file, err)) == -1)
		return -1;
	if (pipe2(p, O_CLOEXEC) == -1) {
		close(in);
		return error_set_errno(err, ERROR_SYS, "pipe");
	}
	nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if ((pid = fork()) == -1) {
		close(in);
		close(p[0]);
		close(p[1]);
		if (nul != -1)
			close(nul);
		return error_set_errno(err, ERROR_SYS, "fork");
	}
	if (pid == 0)
		ui_run_child(argv, in, p[1], nul);
	close(in);
	close(p[1]);
	if (nul != -1)
		close(nul);
	deadline = time(NULL) + UI_RUN_TIMEOUT;
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		left = (int)(deadline - time(NULL));
		if (left <= 0) {
			kill(pid, SIGKILL);
			log_warn("%s took too long", argv[0]);
			break;
		}
		if (poll(&pfd, 1, left * 1000) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((n = read(p[0], buf, sizeof buf)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			break;
		}
		if (n == 0)
			break;
		if (out->len < max)
			sbuf_add(out, buf, (size_t)n < max - out->len ?
			    (size_t)n : max - out->len);
	}
	close(p[0]);
	st = ui_run_wait(pid);
	if (st == 127)
		return error_set(err, ERROR_SYS, _("could not run '%s'"),
		    argv[0]);
	return st;
}

int
ui_run_tmp_write(const char *name, const char *data, size_t len,
    char **pathp, struct error *err)
{
	const char	*tmp = getenv("TMPDIR");
	char		*dir, *path;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	dir = xasprintf("%s/postern-XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		error_set_errno(err, ERROR_SYS, "%s", dir);
		free(dir);
		return -1;
	}
	path = xasprintf("%s/%s", dir, name);
	free(dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		error_set_errno(err, ERROR_SYS, "%s", path);
		ui_run_tmp_remove(path);
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			error_set_errno(err, ERROR_SYS, "%s", path);
			close(fd);
			ui_run_tmp_remove(path);
			return -1;
		}
		off += (size_t)n;
	}
	close(fd);
	*pathp = path;
	return 0;
}

void
ui_run_tmp_remove(char *path)
{
	char	*slash;

	if (path == NULL)
		return;
	unlink(path);
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		rmdir(path);
	}
	free(path);
}
