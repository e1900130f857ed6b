/*
 * src/addr/addr.h: the address book. Postern keeps the addresses the
 * user wrote to (on every send) and read from (on opening a message) in
 * $XDG_DATA_HOME/postern/addressbook.sqlite, and asks an external query
 * command (abook --mutt-query, khard email --parsable) for more.
 */
#ifndef POSTERN_ADDR_ADDR_H
#define POSTERN_ADDR_ADDR_H

#include <stddef.h>
#include <time.h>

#include "core/error.h"

#define ADDR_MAX_CANDIDATES	200	/* returned by one completion */
#define ADDR_MAX_ENTRIES	50000	/* kept in the book; oldest go */
#define ADDR_MAX_NAME		256	/* bytes of a display name kept */
#define ADDR_MAX_QUERY_OUTPUT	(1024 * 1024)	/* read from the command */
#define ADDR_QUERY_TIMEOUT	10	/* seconds for the command */

enum addr_use {
	ADDR_USE_SENT,		/* the user wrote to it */
	ADDR_USE_READ,		/* the user read a message from it */
};

enum addr_source {
	ADDR_SOURCE_BOOK,	/* Postern's own book */
	ADDR_SOURCE_QUERY,	/* the query command */
};

/* One match. Strings are UTF-8, without control characters. */
struct addr_candidate {
	char			*name;	/* display name, or NULL */
	char			*addr;	/* local@domain */
	unsigned		 nsent;	/* times written to (book only) */
	unsigned		 nread;	/* times read from (book only) */
	time_t			 last;	/* last use, 0 if not known */
	enum addr_source	 source;
};

/* Matches, best first; start from { NULL, 0 }, free with the release. */
struct addr_candidates {
	struct addr_candidate	*v;
	size_t			 n;
};

void	 addr_candidates_release(struct addr_candidates *);

/*
 * The candidate as an RFC 5322 mailbox ready for an address field:
 * "Name <addr>", the name quoted when it needs it ("Doe, John"), or the
 * bare address. The caller frees it.
 */
char	*addr_candidate_format(const struct addr_candidate *);

/*
 * The completion API (what a To/Cc/Bcc prompt calls): the address-book
 * entries whose address, display name, or a word of the name starts
 * with prefix (ASCII case ignored), ranked (written to before only read
 * from, then by use: three points a send, one a read, then the most
 * recent), then what query_command (NULL or "" for none) prints for
 * prefix, addresses already found left out; at most max (capped at
 * ADDR_MAX_CANDIDATES). Appends to out. A failing query command or
 * book is logged and skipped: returns -1 and err only when nothing could
 * be asked at all; out then holds what was found.
 */
int	 addrbook_complete(const char *query_command, const char *prefix,
	    size_t max, struct addr_candidates *out, struct error *);

/*
 * Records the addresses of a message: ADDR_USE_SENT takes To, Cc and
 * Bcc of msg (the raw message as sent, CRLF or LF) and then every
 * envelope recipient in rcpts (n of them, may be 0) not named there;
 * ADDR_USE_READ takes From and Reply-To. Failures are only logged: the
 * book is a convenience.
 */
void	 addrbook_note_message(const char *msg, size_t len,
	    char *const *rcpts, size_t n, enum addr_use);

/* The book's file; the caller frees it. */
char	*addrbook_path(void);

/* A book opened by path (tests; the functions above open the default). */
struct addrbook;
struct addrbook	*addrbook_open(const char *path, struct error *);
void		 addrbook_close(struct addrbook *);
/* Adds one use of addr (name may be NULL) at time when. */
int		 addrbook_note(struct addrbook *, const char *name,
		    const char *addr, enum addr_use, time_t when,
		    struct error *);
/* The book's matches for prefix, ranked as above; appends to out. */
int		 addrbook_lookup(struct addrbook *, const char *prefix,
		    size_t max, struct addr_candidates *out, struct error *);

/*
 * Runs the query command: split into words (blanks separate them;
 * '...', "..." and \ quote as in sh, nothing else is special), each
 * "%s" in a word replaced by query (one argv element, never a shell),
 * query appended as the last word when no word holds %s; standard input
 * is /dev/null. Skips the first output line (mutt's header), then
 * reads "addr<TAB>name[<TAB>other]" lines; lines without '@' are
 * skipped. Appends at most max to out. -1 and err when the command
 * cannot be run, fails, or takes more than ADDR_QUERY_TIMEOUT seconds.
 */
int	 addr_query_run(const char *command, const char *query, size_t max,
	    struct addr_candidates *out, struct error *);

#endif
