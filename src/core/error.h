/* src/core/error.h: what went wrong, for the top to show. */
#ifndef POSTERN_CORE_ERROR_H
#define POSTERN_CORE_ERROR_H

/*
 * The kind says what happens next: SERVER and INPUT fail this command or
 * message; NET retries later; TLS and AUTH ask the user; PROTO drops the
 * connection; SYS is a local failure (file, process, memory).
 */
enum error_kind {
	ERROR_NONE = 0,
	ERROR_INPUT,
	ERROR_NET,
	ERROR_TLS,
	ERROR_AUTH,
	ERROR_SERVER,
	ERROR_PROTO,
	ERROR_SYS,
	ERROR_CANCELLED,
};

#define ERROR_MSG_MAX	512

struct error {
	enum error_kind	 kind;
	int		 sys_errno;
	char		 msg[ERROR_MSG_MAX];	/* one line, translated, safe */
};

/*
 * Fills err (may be NULL) with kind and the formatted message, made safe
 * for the terminal and cut to one line; returns -1 so that callers can
 * write "return error_set(...)".
 */
int	 error_set(struct error *, enum error_kind, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* As error_set, and records errno with ": strerror(errno)" appended. */
int	 error_set_errno(struct error *, enum error_kind, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Puts "prefix: " in front of the message already in err. */
void	 error_prefix(struct error *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 error_clear(struct error *);
/* Returns a short untranslated name of the kind, for logs. */
const char	*error_kind_name(enum error_kind);

#endif
