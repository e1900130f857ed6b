/* src/core/fs.c: paths and durable files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

char *
fs_xdg_path(const char *name, const char *fallback, const char *sub)
{
	const char	*base, *home;

	base = getenv(name);
	if (base != NULL && base[0] == '/')
		return xasprintf("%s/%s", base, sub);
	home = getenv("HOME");
	if (home == NULL || *home == '\0')
		home = "/";
	return xasprintf("%s/%s/%s", home, fallback, sub);
}

const char *
fs_datadir(void)
{
	const char	*d = getenv("POSTERN_DATADIR");

	return d != NULL && *d != '\0' ? d : PKGDATADIR;
}

int
fs_mkdir_parents(const char *path, int mode, struct error *err)
{
	char	*copy, *p;
	int	 ret = 0;

	copy = xstrdup(path);
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, (mode_t)mode) == -1 && errno != EEXIST) {
			ret = error_set_errno(err, ERROR_SYS,
			    _("cannot create directory '%s'"), copy);
			break;
		}
		*p = '/';
	}
	free(copy);
	return ret;
}

int
fs_read_file(const char *path, size_t max, struct sbuf *out,
    struct error *err)
{
	char	 buf[8192];
	ssize_t	 n;
	int	 fd, ret = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return error_set_errno(err, ERROR_SYS, _("cannot open '%s'"),
		    path);
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ret = error_set_errno(err, ERROR_SYS,
			    _("cannot read '%s'"), path);
			break;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			ret = error_set(err, ERROR_INPUT,
			    _("'%s' is larger than %zu bytes"), path, max);
			break;
		}
		sbuf_add(out, buf, (size_t)n);
	}
	close(fd);
	return ret;
}
