/* src/core/log.h: the log file, for bug reports. */
#ifndef POSTERN_CORE_LOG_H
#define POSTERN_CORE_LOG_H

#include "core/error.h"

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/*
 * Opens (appends to) the log at path, creating its directory, mode 0600;
 * path NULL logs nowhere. Lines above level are dropped. Thread-safe.
 */
int		 log_open(const char *path, enum log_level level, struct error *);
void		 log_close(void);
/* Parses "error", "warn", "info", "debug" or 0-3. */
int		 log_level_parse(const char *, enum log_level *, struct error *);
enum log_level	 log_get_level(void);
/* The file descriptor of the open log, or -1. */
int		 log_fd(void);
/*
 * Writes one line: time, level, function, message. The message is made
 * safe (no control characters); never pass a credential.
 */
void		 log_write(enum log_level, const char *func, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

#define log_error(...)	log_write(LOG_LEVEL_ERROR, __func__, __VA_ARGS__)
#define log_warn(...)	log_write(LOG_LEVEL_WARN, __func__, __VA_ARGS__)
#define log_info(...)	log_write(LOG_LEVEL_INFO, __func__, __VA_ARGS__)
#define log_debug(...)	log_write(LOG_LEVEL_DEBUG, __func__, __VA_ARGS__)

#endif
