/* src/pop3/pop3.h: downloading POP3 mail into the local store. */
#ifndef POSTERN_POP3_POP3_H
#define POSTERN_POP3_POP3_H

#include <stdint.h>

#include "config/config.h"
#include "core/error.h"
#include "net/net.h"
#include "store/store.h"

#define POP3_MAX_MESSAGES	1000000	/* in one maildrop listing */
/* The local folders of a POP3 account for sent and postponed mail. */
#define POP3_SENT	"Sent"
#define POP3_DRAFTS	"Drafts"

/* What one check did. */
struct pop3_result {
	unsigned	 fetched;	/* new messages stored */
	unsigned	 skipped;	/* over pop3.max-message-size, left */
	unsigned	 deleted;	/* deleted on the server (QUIT said +OK) */
	unsigned	 listed;	/* messages on the server */
};

/* Called with a line for the user (a skipped message); text is borrowed. */
typedef void	(*pop3_note_cb)(const char *text, void *arg);

/*
 * Runs one check of the account's POP3 maildrop into st: connect, wait
 * for the password (borrowed; config_password_start, so that its command
 * runs while the connection is made) and log in, list UIDLs, download
 * every message whose UIDL the store has not recorded (durably, with its UIDL in the same
 * transaction), then DELE what the account's policy says, and QUIT.
 * A DELE is only sent for a message whose local copy is committed. On
 * any failure the session is abandoned without QUIT, so that no DELE of
 * it takes effect; what was downloaded stays, and the next check goes
 * on from there. wd (borrowed) guards every blocking call; now is the
 * clock for first-seen times and pop3.delete-after-days. *res counts
 * what was done, also on failure.
 */
int	 pop3_fetch(const struct account *,
	    struct config_password_pending *password, struct store *st,
	    struct net_watchdog *wd, int64_t now, pop3_note_cb note,
	    void *arg, struct pop3_result *res, struct error *);

/* Called before each download: the done-th new message of total. */
typedef void	(*pop3_progress_cb)(uint32_t done, uint32_t total, void *arg);

/* As pop3_fetch, with progress (may be NULL) called as it goes. */
int	 pop3_fetch_progress(const struct account *,
	    struct config_password_pending *password, struct store *st,
	    struct net_watchdog *wd, int64_t now, pop3_note_cb note,
	    pop3_progress_cb progress, void *arg, struct pop3_result *res,
	    struct error *);

/*
 * Saves a copy of a message the account sent into its local folder Sent
 * (made if missing), marked seen: through the store when it can be
 * opened, else (another Postern holds it) as a file in the Maildir that
 * the store indexes when it next opens. password is unused (the
 * signature of sender_copy_cb).
 */
int	 pop3_save_sent(const struct account *, const char *password,
	    const char *msg, size_t len, struct error *);

/*
 * Turns a message as POP3 sent it (CRLF line ends, dot-stuffing already
 * undone) into the bytes a Maildir holds: CRLF becomes LF. The result
 * replaces out's contents.
 */
void	 pop3_to_maildir(const char *msg, size_t len, struct sbuf *out);

#define POP3_APOP_HEX	33	/* 32 hex digits of an MD5 and NUL */

/*
 * The APOP digest (RFC 1939): MD5 of timestamp (the greeting's "<...>",
 * brackets included) followed by password, in lower-case hex. -1 if MD5
 * is not available.
 */
int	 pop3_apop_digest(const char *timestamp, const char *password,
	    char hex[POP3_APOP_HEX]);

#endif
