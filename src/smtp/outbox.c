/*
 * src/smtp/outbox.c: the durable outbox. A message is written here
 * (fsync, atomic rename, fsync of the directory) before its send starts
 * and removed only after the server answered 250 to the final dot.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "smtp/internal.h"
#include "smtp/smtp.h"

#define OUTBOX_MAX_ENV		(SENDER_MAX_RCPTS * 300 + 1024)
#define OUTBOX_ENV_MAGIC	"postern-envelope 1"

char *
outbox_dir(const struct account *a)
{
	char	*sub, *dir;

	sub = xasprintf("postern/%s/outbox", a->id);
	dir = fs_xdg_path("XDG_DATA_HOME", ".local/share", sub);
	free(sub);
	return dir;
}

/* Creates the outbox and its tmp/; -1 for an account id unfit as a path. */
static int
outbox_mkdir(const struct account *a, const char *dir, struct error *err)
{
	char	*p;
	int	 ret;

	if (strcmp(a->id, ".") == 0 || strcmp(a->id, "..") == 0)
		return error_set(err, ERROR_INPUT, _("account name '%s' cannot "
		    "name an outbox"), a->id);
	p = xasprintf("%s/tmp/x", dir);
	ret = fs_mkdir_parents(p, 0700, err);
	free(p);
	return ret;
}

static int
outbox_fsync_dir(const char *dir, struct error *err)
{
	int	 fd, ret = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return error_set_errno(err, ERROR_SYS, _("cannot open '%s'"),
		    dir);
	if (fsync(fd) == -1)
		ret = error_set_errno(err, ERROR_SYS, _("cannot sync '%s'"),
		    dir);
	close(fd);
	return ret;
}

static int
outbox_write_all(int fd, const char *s, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Writes dir/tmp/name, fsyncs it and renames it to dir/name. With
 * lockfd the file is locked first and its descriptor returned there.
 */
int
outbox_write_file(const char *dir, const char *name, const char *s,
    size_t len, int *lockfd, struct error *err)
{
	char	*tmp, *dst;
	int	 fd, ret = -1;

	tmp = xasprintf("%s/tmp/%s", dir, name);
	dst = xasprintf("%s/%s", dir, name);
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot create '%s'"), tmp);
		goto out;
	}
	if (lockfd != NULL && flock(fd, LOCK_EX) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot lock '%s'"), tmp);
		goto out;
	}
	if (outbox_write_all(fd, s, len) == -1 || fsync(fd) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot write '%s'"), tmp);
		goto out;
	}
	if (rename(tmp, dst) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot rename '%s'"), tmp);
		goto out;
	}
	ret = 0;
out:
	if (ret == -1 && fd != -1)
		unlink(tmp);
	if (fd != -1 && (ret == -1 || lockfd == NULL))
		close(fd);
	else if (lockfd != NULL)
		*lockfd = fd;
	free(tmp);
	free(dst);
	return ret;
}

/* A new entry id: UTC time (so names sort oldest first) and randomness. */
static char *
outbox_new_id(void)
{
	unsigned int	 r = 0;
	struct tm	 tm;
	time_t		 now = time(NULL);
	char		 when[32];

	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = (unsigned int)getpid() ^ (unsigned int)now;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
	return xasprintf("%s-%08x", when, r);
}

int
outbox_put(const struct account *a, const struct mime_envelope *env,
    const char *msg, size_t len, char **idp, int *lockfd, struct error *err)
{
	struct sbuf	 e;
	char		*dir, *id, *name;
	size_t		 i;
	int		 ret = -1;

	dir = outbox_dir(a);
	id = outbox_new_id();
	sbuf_init(&e);
	name = NULL;
	if (outbox_mkdir(a, dir, err) == -1)
		goto out;
	sbuf_addf(&e, "%s\nfrom %s\n", OUTBOX_ENV_MAGIC, env->from);
	for (i = 0; i < env->nrcpts; i++)
		sbuf_addf(&e, "rcpt %s\n", env->rcpts[i]);
	name = xasprintf("%s.env", id);
	if (outbox_write_file(dir, name, e.buf, e.len, NULL, err) == -1)
		goto out;
	free(name);
	/* The message last: an entry exists once its .eml does. */
	name = xasprintf("%s.eml", id);
	if (outbox_write_file(dir, name, msg, len, lockfd, err) == -1)
		goto out;
	if (outbox_fsync_dir(dir, err) == -1) {
		outbox_remove(dir, id, NULL);
		close(*lockfd);
		goto out;
	}
	log_info("%s: message %s in the outbox (%zu bytes)", a->id, id, len);
	*idp = id;
	id = NULL;
	ret = 0;
out:
	free(name);
	free(id);
	free(dir);
	sbuf_release(&e);
	return ret;
}

/* Reads ID.env into env. */
int
outbox_read_env(const char *dir, const char *id, struct mime_envelope *env,
    struct error *err)
{
	struct sbuf	 b;
	char		*path, *line, *next;
	int		 ret = -1;

	memset(env, 0, sizeof *env);
	sbuf_init(&b);
	path = xasprintf("%s/%s.env", dir, id);
	if (fs_read_file(path, OUTBOX_MAX_ENV, &b, err) == -1)
		goto out;
	if (strlen(b.buf) != b.len)
		goto bad;
	for (line = b.buf; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			goto bad;
		*next++ = '\0';
		if (line == b.buf) {
			if (strcmp(line, OUTBOX_ENV_MAGIC) != 0)
				goto bad;
		} else if (strncmp(line, "from ", 5) == 0 && env->from == NULL)
			env->from = xstrdup(line + 5);
		else if (strncmp(line, "rcpt ", 5) == 0 &&
		    env->nrcpts < SENDER_MAX_RCPTS) {
			env->rcpts = xreallocarray(env->rcpts, env->nrcpts + 1,
			    sizeof *env->rcpts);
			env->rcpts[env->nrcpts++] = xstrdup(line + 5);
		} else
			goto bad;
	}
	if (env->from != NULL && env->nrcpts > 0) {
		ret = 0;
		goto out;
	}
bad:
	error_set(err, ERROR_INPUT, _("'%s' is not a Postern envelope"),
	    path);
	mime_envelope_release(env);
out:
	free(path);
	sbuf_release(&b);
	return ret;
}

/* Removes a sent entry: the message first, then what belongs to it. */
int
outbox_remove(const char *dir, const char *id, struct error *err)
{
	static const char	*ext[] = { "eml", "env", "err" };
	char			*path;
	size_t			 i;
	int			 ret = 0;

	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		path = xasprintf("%s/%s.%s", dir, id, ext[i]);
		if (unlink(path) == -1 && errno != ENOENT && ret == 0)
			ret = error_set_errno(err, ERROR_SYS,
			    _("cannot remove '%s'"), path);
		free(path);
	}
	if (outbox_fsync_dir(dir, ret == 0 ? err : NULL) == -1)
		ret = -1;
	return ret;
}

/* Records why the entry was not sent, in ID.err (atomic as the rest). */
void
outbox_record_error(const char *dir, const char *id, const struct error *e,
    const struct sender_report *rep)
{
	struct sbuf	 b;
	struct error	 werr = { 0 };
	char		*name, when[64];
	struct tm	 tm;
	time_t		 now = time(NULL);
	size_t		 i;

	sbuf_init(&b);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	sbuf_addf(&b, "%s\n", e->msg);
	for (i = 0; rep != NULL && i < rep->nrejected; i++)
		sbuf_addf(&b, "rejected %s: %d %s\n", rep->rejected[i].addr,
		    rep->rejected[i].code, rep->rejected[i].reply);
	if (rep != NULL && rep->uncertain)
		sbuf_addstr(&b, "uncertain: the link broke after the whole "
		    "message was sent; the server may have it already\n");
	sbuf_addf(&b, "kind: %s\nwhen: %s\n", error_kind_name(e->kind), when);
	name = xasprintf("%s.err", id);
	if (outbox_write_file(dir, name, b.buf, b.len, NULL, &werr) == -1 ||
	    outbox_fsync_dir(dir, &werr) == -1)
		log_warn("%s", werr.msg);
	free(name);
	sbuf_release(&b);
}

static int
outbox_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
outbox_list(const char *dir, char ***idsp, size_t *np, struct error *err)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL;
	size_t		 n = 0, len;

	*idsp = NULL;
	*np = 0;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return error_set_errno(err, ERROR_SYS, _("cannot open '%s'"),
		    dir);
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 4 ||
		    strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = xstrndup(de->d_name, len - 4);
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, outbox_name_cmp);
	*idsp = v;
	*np = n;
	return 0;
}

/*
 * Opens and locks ID.eml without waiting. Returns the descriptor, -1
 * when the entry is gone, -2 when another process holds it.
 */
int
outbox_lock(const char *dir, const char *id)
{
	struct stat	 st;
	char		*path;
	int		 fd;

	path = xasprintf("%s/%s.eml", dir, id);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return -2;
	}
	/* Sent and removed between the listing and the lock. */
	if (fstat(fd, &st) == -1 || st.st_nlink == 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The first line of ID.err, or NULL. */
static char *
outbox_read_error(const char *dir, const char *id)
{
	struct sbuf	 b;
	char		*path, *nl, *ret = NULL;

	sbuf_init(&b);
	path = xasprintf("%s/%s.err", dir, id);
	if (fs_read_file(path, 64 * 1024, &b, NULL) == 0 && b.len > 0) {
		if ((nl = memchr(b.buf, '\n', b.len)) != NULL)
			*nl = '\0';
		ret = xstrdup(b.buf);
	}
	free(path);
	sbuf_release(&b);
	return ret;
}

int
outbox_entries(const struct account *a, struct outbox_entry **vp,
    size_t *np, struct error *err)
{
	struct outbox_entry	*v = NULL;
	char			*dir, **ids = NULL;
	size_t			 i, n = 0;

	*vp = NULL;
	*np = 0;
	dir = outbox_dir(a);
	if (outbox_list(dir, &ids, &n, err) == -1) {
		free(dir);
		return -1;
	}
	if (n > 0)
		v = xcalloc(n, sizeof *v);
	for (i = 0; i < n; i++) {
		v[i].id = ids[i];
		v[i].path = xasprintf("%s/%s.eml", dir, ids[i]);
		v[i].error = outbox_read_error(dir, ids[i]);
	}
	free(ids);
	free(dir);
	*vp = v;
	*np = n;
	return 0;
}

void
outbox_entries_free(struct outbox_entry *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].path);
		free(v[i].error);
	}
	free(v);
}
