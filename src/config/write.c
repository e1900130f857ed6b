/*
 * src/config/write.c: writing an account into the configuration file.
 * The file is replaced atomically (a temporary file in the same
 * directory, fsync, rename, fsync of the directory), with mode 0600, and
 * only once the new text parses. An account has no password to write:
 * only the command that prints it.
 */
#include <config.h>	/* autoconf's, not this folder's */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"

/* A value as config_unquote reads it back: quoted when it must be. */
static int
write_value(struct sbuf *sb, const char *key, const char *v,
    struct error *err)
{
	const char	*s;
	size_t		 len = strlen(v);
	int		 quote;

	for (s = v; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
			return error_set(err, ERROR_INPUT, _("control "
			    "character in the value of '%s'"), key);
		if (*s == 0x7f)
			return error_set(err, ERROR_INPUT, _("control "
			    "character in the value of '%s'"), key);
	}
	quote = len == 0 || v[0] == ' ' || v[0] == '\t' || v[len - 1] == ' ' ||
	    v[len - 1] == '\t' || strpbrk(v, "\"\\#;\t\n") != NULL;
	sbuf_addf(sb, "%s = ", key);
	if (!quote) {
		sbuf_addstr(sb, v);
		sbuf_addch(sb, '\n');
		return 0;
	}
	sbuf_addch(sb, '"');
	for (s = v; *s != '\0'; s++) {
		switch (*s) {
		case '"': sbuf_addstr(sb, "\\\""); break;
		case '\\': sbuf_addstr(sb, "\\\\"); break;
		case '\t': sbuf_addstr(sb, "\\t"); break;
		case '\n': sbuf_addstr(sb, "\\n"); break;
		default: sbuf_addch(sb, *s); break;
		}
	}
	sbuf_addstr(sb, "\"\n");
	return 0;
}

static int
write_endpoint(struct sbuf *sb, const char *svc, const struct endpoint *ep,
    struct error *err)
{
	char	 key[32];

	if (ep->host == NULL)
		return 0;
	snprintf(key, sizeof key, "%s.host", svc);
	if (write_value(sb, key, ep->host, err) == -1)
		return -1;
	sbuf_addf(sb, "%s.port = %u\n", svc, ep->port);
	sbuf_addf(sb, "%s.security = %s\n", svc,
	    config_security_name(ep->security));
	return 0;
}

int
config_format_account(struct sbuf *sb, const struct account *a,
    struct error *err)
{
	const char	*s;
	size_t		 start = sb->len, i;

	for (s = a->id; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || *s == '"' || *s == '\\' ||
		    *s == ']' || *s == 0x7f)
			return error_set(err, ERROR_INPUT, _("bad account "
			    "name '%s'"), a->id);
	}
	sbuf_addf(sb, "[account \"%s\"]\n", a->id);
	if ((a->name != NULL && write_value(sb, "name", a->name, err) == -1) ||
	    write_value(sb, "email", a->email, err) == -1)
		goto fail;
	sbuf_addf(sb, "backend = %s\n", a->backend == BACKEND_POP3 ? "pop3" :
	    "imap");
	if ((a->username != NULL &&
	    write_value(sb, "username", a->username, err) == -1) ||
	    (a->password_command != NULL && write_value(sb,
	    "password-command", a->password_command, err) == -1) ||
	    (a->password_file != NULL && write_value(sb, "password-file",
	    a->password_file, err) == -1) ||
	    write_endpoint(sb, "imap", &a->imap, err) == -1 ||
	    write_endpoint(sb, "pop3", &a->pop3, err) == -1 ||
	    write_endpoint(sb, "smtp", &a->smtp, err) == -1 ||
	    (a->ca_file != NULL &&
	    write_value(sb, "tls.ca-file", a->ca_file, err) == -1))
		goto fail;
	if (a->password_ask)
		sbuf_addstr(sb, "password-ask = yes\n");
	for (i = 0; i < a->ntls_pins; i++) {
		if (write_value(sb, "tls.pin-sha256", a->tls_pins[i], err) ==
		    -1)
			goto fail;
	}
	if (a->timeout > 0)
		sbuf_addf(sb, "timeout = %d\n", a->timeout);
	if ((a->signature != NULL &&
	    write_value(sb, "signature", a->signature, err) == -1) ||
	    (a->alternates != NULL &&
	    write_value(sb, "alternates", a->alternates, err) == -1) ||
	    (a->drafts != NULL &&
	    write_value(sb, "drafts", a->drafts, err) == -1))
		goto fail;
	for (i = 0; i < a->nidentity_signatures; i++) {
		if (write_value(sb, "identity-signature",
		    a->identity_signatures[i], err) == -1)
			goto fail;
	}
	if (a->forward_attach)
		sbuf_addstr(sb, "forward-attach = yes\n");
	if (a->format_flowed)
		sbuf_addstr(sb, "format-flowed = yes\n");
	return 0;
fail:
	sbuf_setlen(sb, start);
	return -1;
}

/* The name of the section a header line opens, if it is an account's. */
static int
write_is_account(const char *line, size_t len, const char *id)
{
	size_t	 idlen = strlen(id);

	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (len == 0 || *line != '[')
		return 0;
	line++;
	len--;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (len < 8 || strncmp(line, "account", 7) != 0 ||
	    (line[7] != ' ' && line[7] != '\t'))
		return 0;
	line += 7;
	len -= 7;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return len >= idlen + 3 && line[0] == '"' &&
	    strncmp(line + 1, id, idlen) == 0 && line[idlen + 1] == '"';
}

static int
write_is_header(const char *line, size_t len)
{
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return len > 0 && *line == '[';
}

static int
write_is_blank_or_comment(const char *line, size_t len)
{
	while (len > 0 && (*line == ' ' || *line == '\t' || *line == '\r')) {
		line++;
		len--;
	}
	return len == 0 || *line == '#' || *line == ';';
}

/*
 * Finds the account's section in text: [*start, *end) runs from its
 * header to the next header, less the blank and comment lines just
 * before that header (they introduce the next section). 0 if absent.
 */
static int
write_find(const char *text, size_t len, const char *id, size_t *start,
    size_t *end)
{
	size_t	 pos = 0, next, keep, llen;
	int	 found = 0;

	while (pos < len) {
		next = pos;
		while (next < len && text[next] != '\n')
			next++;
		llen = next - pos;
		if (next < len)
			next++;
		if (!found && write_is_account(text + pos, llen, id)) {
			found = 1;
			*start = pos;
			*end = keep = next;
		} else if (found && write_is_header(text + pos, llen))
			return 1;
		else if (found) {
			if (!write_is_blank_or_comment(text + pos, llen))
				keep = next;
			*end = keep;
		}
		pos = next;
	}
	return found;
}

/* Writes text to a new file beside path and renames it over path. */
static int
write_atomic(const char *path, const char *text, size_t len,
    struct error *err)
{
	char	*tmp, *dircopy;
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd, dfd, ret = -1;

	tmp = xasprintf("%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot create a file "
		    "beside '%s'"), path);
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0600) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot set the mode of "
		    "'%s'"), tmp);
		goto out;
	}
	while (off < len) {
		n = write(fd, text + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			error_set_errno(err, ERROR_SYS, _("cannot write '%s'"),
			    tmp);
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot write '%s'"), tmp);
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		error_set_errno(err, ERROR_SYS, _("cannot write '%s'"), tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot rename '%s' to "
		    "'%s'"), tmp, path);
		goto out;
	}
	ret = 0;
	/* The rename is durable once the directory is. */
	dircopy = xstrdup(path);
	if ((dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	free(dircopy);
out:
	if (fd != -1)
		close(fd);
	if (ret == -1)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* A symbolic link (a dotfile manager's) is written through, not replaced. */
static char *
write_target(const char *path)
{
	struct stat	 st;
	char		*real;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (real = realpath(path, NULL)) != NULL)
		return real;
	return xstrdup(path);
}

int
config_write_account(const char *path, const struct account *a,
    int *replacedp, struct error *err)
{
	struct sbuf	 old, section, text;
	struct config	*check;
	char		*target;
	size_t		 start, end;
	int		 replaced = 0, ret = -1;

	sbuf_init(&old);
	sbuf_init(&section);
	sbuf_init(&text);
	target = write_target(path);
	if (config_format_account(&section, a, err) == -1)
		goto out;
	if (access(target, F_OK) == 0) {
		if (fs_read_file(target, CONFIG_MAX_SIZE, &old, err) == -1)
			goto out;
	} else if (fs_mkdir_parents(target, 0700, err) == -1)
		goto out;
	if (old.len > 0 && write_find(old.buf, old.len, a->id, &start,
	    &end)) {
		replaced = 1;
		sbuf_add(&text, old.buf, start);
		sbuf_add(&text, section.buf, section.len);
		if (end < old.len && old.buf[end] != '\n')
			sbuf_addch(&text, '\n');	/* a blank line */
		sbuf_add(&text, old.buf + end, old.len - end);
	} else {
		sbuf_add(&text, old.buf, old.len);
		if (text.len > 0 && text.buf[text.len - 1] != '\n')
			sbuf_addch(&text, '\n');
		if (text.len > 0)
			sbuf_addch(&text, '\n');
		sbuf_add(&text, section.buf, section.len);
	}
	/* What we write must load; else keep the old file. */
	if ((check = config_parse(target, text.buf, text.len, err)) == NULL)
		goto out;
	config_free(check);
	if (write_atomic(target, text.buf, text.len, err) == -1)
		goto out;
	if (replacedp != NULL)
		*replacedp = replaced;
	ret = 0;
out:
	free(target);
	sbuf_release(&old);
	sbuf_release(&section);
	sbuf_release(&text);
	return ret;
}
