/* src/core/log.c: the log file, for bug reports. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/sbuf.h"

static pthread_mutex_t	 log_lock = PTHREAD_MUTEX_INITIALIZER;
static int		 log_file = -1;
static enum log_level	 log_level = LOG_LEVEL_WARN;

static const char *const log_names[] = {
	[LOG_LEVEL_ERROR] = "error", [LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info", [LOG_LEVEL_DEBUG] = "debug",
};

int
log_open(const char *path, enum log_level level, struct error *err)
{
	int	 fd;

	log_close();
	log_level = level;
	if (path == NULL)
		return 0;
	if (fs_mkdir_parents(path, 0700, err) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return error_set_errno(err, ERROR_SYS, _("cannot open log '%s'"),
		    path);
	pthread_mutex_lock(&log_lock);
	log_file = fd;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void
log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file != -1)
		close(log_file);
	log_file = -1;
	pthread_mutex_unlock(&log_lock);
}

int
log_level_parse(const char *s, enum log_level *levelp, struct error *err)
{
	size_t	 i;

	for (i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
		if (strcmp(s, log_names[i]) == 0 ||
		    (s[0] == (char)('0' + i) && s[1] == '\0')) {
			*levelp = (enum log_level)i;
			return 0;
		}
	}
	return error_set(err, ERROR_INPUT,
	    _("bad log level '%s' (error, warn, info or debug)"), s);
}

enum log_level
log_get_level(void)
{
	return log_level;
}

int
log_fd(void)
{
	return log_file;
}

void
log_write(enum log_level level, const char *func, const char *fmt, ...)
{
	struct sbuf	 raw, line;
	struct timeval	 tv;
	struct tm	 tm;
	char		 stamp[32];
	va_list		 ap;
	int		 saved = errno;

	if (level > log_level || log_file == -1)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

	sbuf_init(&raw);
	va_start(ap, fmt);
	sbuf_vaddf(&raw, fmt, ap);
	va_end(ap);
	sbuf_init(&line);
	sbuf_addf(&line, "%s.%03ldZ %s %s: ", stamp, (long)tv.tv_usec / 1000,
	    log_names[level], func);
	sanitize_append(&line, raw.buf, raw.len, 0);
	sbuf_addch(&line, '\n');

	pthread_mutex_lock(&log_lock);
	if (log_file != -1)
		(void)write(log_file, line.buf, line.len);
	pthread_mutex_unlock(&log_lock);
	sbuf_release(&raw);
	sbuf_release(&line);
	errno = saved;
}
