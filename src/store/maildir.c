/* src/store/maildir.c: Maildir files: durable delivery, names, flags. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "store/internal.h"

/* Maildir info letters in ASCII order, as the Maildir spec wants them. */
static const struct {
	char		 letter;
	uint32_t	 flag;
} store_maildir_letters[] = {
	{ 'D', STORE_DRAFT },
	{ 'F', STORE_FLAGGED },
	{ 'R', STORE_ANSWERED },
	{ 'S', STORE_SEEN },
	{ 'T', STORE_DELETED },
};
#define STORE_NLETTERS	(sizeof store_maildir_letters / \
	sizeof store_maildir_letters[0])

void
store_maildir_info(uint32_t flags, char *out, size_t outlen)
{
	size_t	 i, n = 0;

	for (i = 0; i < STORE_NLETTERS && n + 1 < outlen; i++) {
		if (flags & store_maildir_letters[i].flag)
			out[n++] = store_maildir_letters[i].letter;
	}
	if (outlen > 0)
		out[n] = '\0';
}

uint32_t
store_maildir_parse_info(const char *name)
{
	const char	*p;
	uint32_t	 flags = 0;
	size_t		 i;

	if ((p = strstr(name, ":2,")) == NULL)
		return 0;
	for (p += 3; *p != '\0'; p++) {
		for (i = 0; i < STORE_NLETTERS; i++) {
			if (*p == store_maildir_letters[i].letter)
				flags |= store_maildir_letters[i].flag;
		}
	}
	return flags;
}

int
store_maildir_make(const char *dir, struct error *err)
{
	static const char *const subs[] = { "", "/cur", "/new", "/tmp" };
	char	*path;
	size_t	 i;

	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		path = xasprintf("%s%s", dir, subs[i]);
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			error_set_errno(err, ERROR_SYS,
			    _("cannot create directory '%s'"), path);
			free(path);
			return -1;
		}
		free(path);
	}
	return 0;
}

int
store_maildir_sync_dir(const char *dir, struct error *err)
{
	int	 fd, r;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return error_set_errno(err, ERROR_SYS, _("cannot open '%s'"),
		    dir);
	r = fsync(fd);
	close(fd);
	if (r == -1)
		return error_set_errno(err, ERROR_SYS, _("cannot sync '%s'"),
		    dir);
	return 0;
}

char *
store_maildir_path(const char *dir, const char *base, int cur,
    uint32_t flags)
{
	char	 info[8];

	if (!cur)
		return xasprintf("%s/new/%s", dir, base);
	store_maildir_info(flags, info, sizeof info);
	return xasprintf("%s/cur/%s:2,%s", dir, base, info);
}

/* Writes all of msg to fd, then fsyncs it if sync. */
static int
store_maildir_write_fd(int fd, const char *path, const char *msg,
    size_t len, int sync, struct error *err)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, msg, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return error_set_errno(err, ERROR_SYS,
			    _("cannot write '%s'"), path);
		msg += n;
		len -= (size_t)n;
	}
	if (sync && fsync(fd) == -1)
		return error_set_errno(err, ERROR_SYS, _("cannot sync '%s'"),
		    path);
	return 0;
}

int
store_maildir_write(const char *dir, const char *base, uint32_t flags,
    const char *msg, size_t len, int sync, struct error *err)
{
	char	*tmp, *dest, *destdir;
	int	 fd, ret = -1;

	tmp = xasprintf("%s/tmp/%s", dir, base);
	dest = store_maildir_path(dir, base, flags != 0, flags);
	destdir = xasprintf("%s/%s", dir, flags != 0 ? "cur" : "new");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot create '%s'"), tmp);
		goto out;
	}
	if (store_maildir_write_fd(fd, tmp, msg, len, sync, err) == -1) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot write '%s'"), tmp);
		unlink(tmp);
		goto out;
	}
	/* rename() replaces a copy left by a delivery that crashed. */
	if (rename(tmp, dest) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot rename '%s'"), tmp);
		unlink(tmp);
		goto out;
	}
	ret = sync ? store_maildir_sync_dir(destdir, err) : 0;
out:
	free(tmp);
	free(dest);
	free(destdir);
	return ret;
}

int
store_maildir_clean_tmp(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	char		*tmp, *path;
	int		 n = 0;

	tmp = xasprintf("%s/tmp", dir);
	if ((d = opendir(tmp)) == NULL) {
		free(tmp);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", tmp, de->d_name);
		if (unlink(path) == 0) {
			log_info("removed a partial delivery %s", path);
			n++;
		}
		free(path);
	}
	closedir(d);
	free(tmp);
	return n;
}

char *
store_maildir_unique(void)
{
	static atomic_uint	 counter;	/* workers deliver in parallel */
	struct timeval		 tv;
	char			 host[64];
	size_t			 i;

	gettimeofday(&tv, NULL);
	if (gethostname(host, sizeof host) == -1 || host[0] == '\0')
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	/* '/' and ':' would break the name (Maildir spec). */
	for (i = 0; host[i] != '\0'; i++) {
		if (host[i] == '/' || host[i] == ':' || host[i] == '.')
			host[i] = '_';
	}
	return xasprintf("%lld.M%ldP%ldQ%u.%s", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), atomic_fetch_add(&counter, 1) + 1,
	    host);
}

char *
store_maildir_pop3_name(const char *uidl, const char *sha256hex)
{
	static const char	 hex[] = "0123456789abcdef";
	char			*out, *p;
	size_t			 len = strlen(uidl);

	out = xmalloc(sizeof STORE_P3_PREFIX + 2 * len + 18);
	p = out + strlen(strcpy(out, STORE_P3_PREFIX));
	for (; *uidl != '\0'; uidl++) {
		*p++ = hex[(unsigned char)*uidl >> 4];
		*p++ = hex[(unsigned char)*uidl & 0xf];
	}
	*p++ = '-';
	memcpy(p, sha256hex, 16);
	p[16] = '\0';
	return out;
}

static int
store_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
store_maildir_pop3_uidl(const char *base, char *out, size_t outlen)
{
	const char	*p, *end;
	size_t		 n = 0;
	int		 hi, lo;

	if (strncmp(base, STORE_P3_PREFIX, strlen(STORE_P3_PREFIX)) != 0)
		return -1;
	p = base + strlen(STORE_P3_PREFIX);
	if ((end = strchr(p, '-')) == NULL || (end - p) % 2 != 0 ||
	    end == p)
		return -1;
	for (; p < end; p += 2) {
		if ((hi = store_hexval(p[0])) == -1 ||
		    (lo = store_hexval(p[1])) == -1 || n + 1 >= outlen)
			return -1;
		out[n++] = (char)(hi << 4 | lo);
		if (out[n - 1] <= ' ' || out[n - 1] == 0x7f)
			return -1;
	}
	out[n] = '\0';
	return 0;
}

void
store_sha256_hex(const char *msg, size_t len, char out[STORE_SHA256_HEX])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;

	if (EVP_Digest(msg, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32) {
		log_error("SHA-256 failed");
		abort();
	}
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[64] = '\0';
}
