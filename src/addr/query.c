/*
 * src/addr/query.c: the external query command (mutt's query_command):
 * run without a shell, the query one argument of its own.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr/addr.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"

#define ADDR_MAX_ARGS		64	/* words of the command */

struct addr_argv {
	char	*v[ADDR_MAX_ARGS + 2];
	size_t	 n;
};

static void
addr_argv_release(struct addr_argv *a)
{
	while (a->n > 0)
		free(a->v[--a->n]);
}

/* Ends the word in w: %s replaced by query; *usedp set if it was. */
static int
addr_argv_push(struct addr_argv *a, struct sbuf *w, const char *query,
    int *usedp, struct error *err)
{
	struct sbuf	 out;
	const char	*p, *hit;

	if (a->n == ADDR_MAX_ARGS)
		return error_set(err, ERROR_INPUT, _("query-command has more "
		    "than %d words"), ADDR_MAX_ARGS);
	sbuf_init(&out);
	for (p = w->buf != NULL ? w->buf : ""; (hit = strstr(p, "%s")) !=
	    NULL; p = hit + 2) {
		sbuf_add(&out, p, (size_t)(hit - p));
		sbuf_addstr(&out, query);
		*usedp = 1;
	}
	sbuf_addstr(&out, p);
	a->v[a->n++] = sbuf_detach(&out, NULL);
	sbuf_reset(w);
	return 0;
}

/* Splits command into words as sh would quote them (no expansions). */
static int
addr_split(const char *command, const char *query, struct addr_argv *a,
    struct error *err)
{
	struct sbuf	 w;
	const char	*p;
	int		 inword = 0, used = 0, ret = -1;
	char		 q = 0;

	sbuf_init(&w);
	for (p = command; *p != '\0'; p++) {
		if (q == 0 && (*p == ' ' || *p == '\t')) {
			if (inword && addr_argv_push(a, &w, query, &used,
			    err) == -1)
				goto out;
			inword = 0;
			continue;
		}
		inword = 1;
		if (q == 0 && (*p == '\'' || *p == '"'))
			q = *p;
		else if (q != 0 && *p == q)
			q = 0;
		else if (*p == '\\' && q != '\'' && p[1] != '\0')
			sbuf_addch(&w, *++p);
		else
			sbuf_addch(&w, *p);
	}
	if (q != 0) {
		error_set(err, ERROR_INPUT, _("query-command: unterminated "
		    "quote"));
		goto out;
	}
	if (inword && addr_argv_push(a, &w, query, &used, err) == -1)
		goto out;
	if (a->n == 0) {
		error_set(err, ERROR_INPUT, _("query-command is empty"));
		goto out;
	}
	if (!used)
		a->v[a->n++] = xstrdup(query);
	a->v[a->n] = NULL;
	ret = 0;
out:
	sbuf_release(&w);
	return ret;
}

static pid_t
addr_spawn(struct addr_argv *a, int *fdp, struct error *err)
{
	int	 fds[2], devnull;
	pid_t	 pid;

	if (pipe(fds) == -1)
		return error_set_errno(err, ERROR_SYS, "pipe");
	switch (pid = fork()) {
	case -1:
		close(fds[0]);
		close(fds[1]);
		return error_set_errno(err, ERROR_SYS, "fork");
	case 0:
		/* Only async-signal-safe calls between fork and exec. */
		if ((devnull = open("/dev/null", O_RDWR)) != -1) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp(a->v[0], a->v);
		_exit(127);
	}
	close(fds[1]);
	*fdp = fds[0];
	return pid;
}

/* Reads fd to EOF within the size and time limits. */
static int
addr_read(int fd, struct sbuf *out, struct error *err)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	char		 buf[4096];
	time_t		 deadline = time(NULL) + ADDR_QUERY_TIMEOUT;
	ssize_t		 n;

	for (;;) {
		if (time(NULL) >= deadline)
			return error_set(err, ERROR_SYS, _("the query command "
			    "did not finish in %d seconds"), ADDR_QUERY_TIMEOUT);
		if (poll(&pfd, 1, 500) == -1 && errno != EINTR)
			return error_set_errno(err, ERROR_SYS, "poll");
		if ((pfd.revents & (POLLIN | POLLHUP)) == 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (out->len + (size_t)n > ADDR_MAX_QUERY_OUTPUT)
			return error_set(err, ERROR_SYS, _("the query command "
			    "printed more than %d bytes"), ADDR_MAX_QUERY_OUTPUT);
		sbuf_add(out, buf, (size_t)n);
	}
}

/* Parses "addr<TAB>name<TAB>other" lines after the first. */
static void
addr_parse_output(char *s, size_t max, struct addr_candidates *out)
{
	struct addr_candidate	*c;
	char			*line, *next, *tab, *name;

	if ((line = strchr(s, '\n')) == NULL)
		return;		/* only the header line */
	for (line++; *line != '\0' && out->n < max; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		name = NULL;
		if ((tab = strchr(line, '\t')) != NULL) {
			*tab = '\0';
			name = tab + 1;
			if ((tab = strchr(name, '\t')) != NULL)
				*tab = '\0';
		}
		if (strchr(line, '@') == NULL || strlen(line) > 254 ||
		    strpbrk(line, " <>,\"") != NULL)
			continue;
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		c = &out->v[out->n++];
		memset(c, 0, sizeof *c);
		c->addr = xstrdup(line);
		c->name = name != NULL && *name != '\0' ? xstrndup(name,
		    ADDR_MAX_NAME) : NULL;
		c->source = ADDR_SOURCE_QUERY;
		for (name = c->name; name != NULL && *name != '\0'; name++) {
			if ((unsigned char)*name < 0x20 || *name == 0x7f)
				*name = ' ';
		}
		for (name = c->addr; *name != '\0'; name++) {
			if ((unsigned char)*name < 0x20 || *name == 0x7f)
				*name = '?';
		}
	}
}

int
addr_query_run(const char *command, const char *query, size_t max,
    struct addr_candidates *out, struct error *err)
{
	struct addr_argv	 a;
	struct sbuf		 o;
	pid_t			 pid;
	int			 fd = -1, status, ret;

	memset(&a, 0, sizeof a);
	sbuf_init(&o);
	if (max > ADDR_MAX_CANDIDATES)
		max = ADDR_MAX_CANDIDATES;
	if ((ret = addr_split(command, query, &a, err)) == -1)
		goto out;
	if ((pid = addr_spawn(&a, &fd, err)) == -1) {
		ret = -1;
		goto out;
	}
	ret = addr_read(fd, &o, err);
	close(fd);
	if (ret == -1)
		kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	/* mutt's query commands exit 1 for "nothing found". */
	if (ret == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) > 1))
		ret = error_set(err, ERROR_SYS, _("the query command '%s' "
		    "failed (status %d)"), a.v[0], WIFEXITED(status) ?
		    WEXITSTATUS(status) : -1);
	/* A NUL in the output ends it. */
	if (ret == 0 && o.len > 0)
		addr_parse_output(o.buf, out->n + max, out);
	log_debug("query '%s': %zu bytes", a.n > 0 ? a.v[0] : "", o.len);
out:
	addr_argv_release(&a);
	sbuf_release(&o);
	return ret;
}
