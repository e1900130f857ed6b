/* src/mime/mailcap.c: mailcap files (RFC 1524): which command shows a type. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/mime.h"

/* A copy of the field s..e with blanks around it removed and "\;" undone. */
static char *
mailcap_field(const char *s, const char *e)
{
	struct sbuf	 b;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	sbuf_init(&b);
	sbuf_add(&b, "", 0);
	for (; s < e; s++) {
		if (*s == '\\' && s + 1 < e) {
			s++;
			if (*s != ';')	/* other escapes stay for the shell */
				sbuf_addch(&b, '\\');
		}
		sbuf_addch(&b, *s);
	}
	return sbuf_detach(&b, NULL);
}

/* The end of the field starting at s: the next ';' not after a '\'. */
static const char *
mailcap_field_end(const char *s)
{
	for (; *s != '\0' && *s != ';'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
	}
	return s;
}

void
mime_mailcap_release(struct mime_mailcap *e)
{
	free(e->type);
	free(e->command);
	free(e->test);
	free(e->nametemplate);
	memset(e, 0, sizeof *e);
}

int
mime_mailcap_parse(const char *line, struct mime_mailcap *e)
{
	const char	*s = line, *end;
	char		*f, *p, *eq;
	int		 n;

	memset(e, 0, sizeof *e);
	for (n = 0;; n++) {
		end = mailcap_field_end(s);
		f = mailcap_field(s, end);
		if (n == 0) {
			for (p = f; *p != '\0'; p++)
				*p = (char)tolower((unsigned char)*p);
			e->type = f;
		} else if (n == 1)
			e->command = f;
		else if ((eq = strchr(f, '=')) != NULL) {
			*eq = '\0';
			for (p = eq; p > f && (p[-1] == ' ' || p[-1] == '\t');)
				*--p = '\0';
			for (p = eq + 1; *p == ' ' || *p == '\t'; p++)
				continue;
			if (strcasecmp(f, "test") == 0 && e->test == NULL)
				e->test = xstrdup(p);
			else if (strcasecmp(f, "nametemplate") == 0 &&
			    e->nametemplate == NULL)
				e->nametemplate = xstrdup(p);
			free(f);
		} else {
			if (strcasecmp(f, "copiousoutput") == 0)
				e->copiousoutput = 1;
			else if (strcasecmp(f, "needsterminal") == 0)
				e->needsterminal = 1;
			free(f);
		}
		if (*end == '\0')
			break;
		s = end + 1;
	}
	if (e->type == NULL || e->command == NULL || *e->type == '\0' ||
	    *e->command == '\0' || strchr(e->type, '/') == e->type) {
		mime_mailcap_release(e);
		return -1;
	}
	return 0;
}

/* Whether the entry's type ("text/html", "text/ *", "text") covers type. */
static int
mailcap_type_matches(const char *pattern, const char *type)
{
	const char	*slash = strchr(pattern, '/');
	size_t		 n;

	if (slash == NULL || strcmp(slash, "/*") == 0) {
		n = slash == NULL ? strlen(pattern) : (size_t)(slash - pattern);
		return strncmp(pattern, type, n) == 0 && type[n] == '/';
	}
	return strcmp(pattern, type) == 0;
}

/* Runs the test command; 1 if it exits 0. */
static int
mailcap_test(const char *cmd)
{
	pid_t	 pid;
	int	 st, fd;

	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR)
			return 0;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Looks through one file; 0 and *e when found. */
static int
mailcap_find_in(const char *file, const char *type, int copious,
    struct mime_mailcap *e)
{
	struct sbuf	 text, line;
	struct error	 err = { 0 };
	const char	*p, *end, *nl;
	size_t		 n;
	int		 found = -1;

	sbuf_init(&text);
	if (fs_read_file(file, MIME_MAILCAP_MAX_FILE, &text, &err) == -1) {
		sbuf_release(&text);
		return -1;
	}
	sbuf_init(&line);
	p = text.buf;
	end = text.buf + text.len;
	while (p < end && found == -1) {
		sbuf_reset(&line);
		/* Join continuation lines (a '\' at the end). */
		for (;;) {
			nl = memchr(p, '\n', (size_t)(end - p));
			n = (size_t)((nl != NULL ? nl : end) - p);
			if (n > 0 && p[n - 1] == '\r')
				n--;
			if (n > 0 && p[n - 1] == '\\' && nl != NULL) {
				if (line.len + n < MIME_MAILCAP_MAX_LINE)
					sbuf_add(&line, p, n - 1);
				p = nl + 1;
				continue;
			}
			if (line.len + n < MIME_MAILCAP_MAX_LINE)
				sbuf_add(&line, p, n);
			p = nl != NULL ? nl + 1 : end;
			break;
		}
		sbuf_add(&line, "", 0);
		n = 0;
		while (line.buf[n] == ' ' || line.buf[n] == '\t')
			n++;
		if (line.buf[n] == '#' || line.buf[n] == '\0')
			continue;
		if (mime_mailcap_parse(line.buf + n, e) == -1)
			continue;
		if (mailcap_type_matches(e->type, type) &&
		    (!copious || e->copiousoutput) &&
		    (e->test == NULL || mailcap_test(e->test)))
			found = 0;
		else
			mime_mailcap_release(e);
	}
	sbuf_release(&line);
	sbuf_release(&text);
	return found;
}

char *
mime_mailcap_path(void)
{
	const char	*env = getenv("MAILCAPS"), *home = getenv("HOME");

	if (env != NULL)
		return xstrdup(env);
	if (home != NULL && *home != '\0')
		return xasprintf("%s/.mailcap:/etc/mailcap", home);
	return xstrdup("/etc/mailcap");
}

int
mime_mailcap_find(const char *path, const char *type, int copious,
    struct mime_mailcap *e)
{
	char	*copy, *s, *file;

	memset(e, 0, sizeof *e);
	copy = xstrdup(path);
	for (s = copy; (file = strsep(&s, ":")) != NULL;) {
		if (*file == '\0')
			continue;
		if (mailcap_find_in(file, type, copious, e) == 0) {
			free(copy);
			log_debug("mailcap: %s for %s", e->command, type);
			return 0;
		}
	}
	free(copy);
	return -1;
}

void
mime_shell_quote(struct sbuf *out, const char *s)
{
	sbuf_addch(out, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			sbuf_addstr(out, "'\\''");
		else
			sbuf_addch(out, *s);
	}
	sbuf_addch(out, '\'');
}

/* Appends s keeping only characters that mean nothing to a shell. */
static void
mailcap_add_token(struct sbuf *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-_.:/+", *s) != NULL)
			sbuf_addch(out, *s);
	}
}

char *
mime_mailcap_expand(const struct mime_mailcap *e, const char *file,
    const char *type, const char *charset, int *stdinp)
{
	struct sbuf	 b;
	const char	*s, *close;
	size_t		 n;

	sbuf_init(&b);
	*stdinp = 1;
	for (s = e->command; *s != '\0'; s++) {
		if (*s == '\\' && s[1] == '%') {
			sbuf_addch(&b, '%');
			s++;
			continue;
		}
		if (*s != '%') {
			sbuf_addch(&b, *s);
			continue;
		}
		switch (s[1]) {
		case 's':
			mime_shell_quote(&b, file);
			*stdinp = 0;
			s++;
			break;
		case 't':
			mailcap_add_token(&b, type);
			s++;
			break;
		case '%':
			sbuf_addch(&b, '%');
			s++;
			break;
		case '{':
			if ((close = strchr(s + 2, '}')) == NULL) {
				sbuf_addch(&b, '%');
				break;
			}
			n = (size_t)(close - (s + 2));
			if (n == 7 && strncasecmp(s + 2, "charset", 7) == 0)
				mailcap_add_token(&b, charset != NULL ?
				    charset : "utf-8");
			s = close;
			break;
		default:
			sbuf_addch(&b, '%');
			break;
		}
	}
	sbuf_add(&b, "", 0);
	return sbuf_detach(&b, NULL);
}
