/* src/imap/imap.h: the IMAP backend; imap_backend_ops is in model/backend.h. */
#ifndef POSTERN_IMAP_IMAP_H
#define POSTERN_IMAP_IMAP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define IMAP_MAX_FOLDERS	10000		/* we list and STATUS */
#define IMAP_MAX_MESSAGE	(64 * 1024 * 1024) /* one raw message */

struct account;
struct error;
struct sbuf;
struct summary;

/*
 * Decodes a mailbox name in modified UTF-7 (RFC 3501 section 5.1.3) to
 * UTF-8. Returns a new string the caller frees, or NULL when s (len
 * bytes) is not valid modified UTF-7: a byte outside printable ASCII,
 * an unterminated or malformed base64 run, a broken surrogate pair, a
 * NUL. Callers then show the name as the server sent it.
 */
char	*imapc_utf7_decode(const char *s, size_t len);

/*
 * Parses an RFC 5322 date-time ("Tue, 3 Jun 2025 14:05:09 +0200"),
 * obsolete forms included: two- and three-digit years, a missing
 * second or day name, named zones (UT, GMT, EST ... PDT, military
 * letters), comments. Returns 0 and the time in *tp, or -1 (and *tp
 * untouched) for anything it cannot make sense of.
 */
int	 imapc_date_parse(const char *s, time_t *tp);

/*
 * Logs in to the account's IMAP server with password (borrowed) and
 * APPENDs msg (len bytes), flagged \Seen, to the folder marked \Sent
 * (RFC 6154 SPECIAL-USE), else to one named "Sent". 0, or -1 and err.
 */
int	 imapc_append_sent(const struct account *, const char *password,
	    const char *msg, size_t len, struct error *);

/*
 * Drafts (postponed messages), each call on its own connection, in the
 * folder the account's drafts option names, else the one marked \Drafts
 * (RFC 6154), else one named "Drafts". append_draft stores msg flagged
 * \Draft and \Seen; drafts_list returns the folder's summaries, newest
 * first, in a new array (the caller clears each and frees it);
 * draft_fetch appends one raw message to out; draft_delete flags it
 * \Deleted and expunges it. 0, or -1 and err.
 */
int	 imapc_append_draft(const struct account *, const char *password,
	    const char *msg, size_t len, struct error *);
int	 imapc_drafts_list(const struct account *, const char *password,
	    struct summary **vp, size_t *np, struct error *);
int	 imapc_draft_fetch(const struct account *, const char *password,
	    uint32_t uid, struct sbuf *out, struct error *);
int	 imapc_draft_delete(const struct account *, const char *password,
	    uint32_t uid, struct error *);

/* Called by imapc_sync_account with one line of progress or trouble. */
typedef void	(*imapc_sync_note_cb)(const char *text, void *arg);

/*
 * postern --sync: logs in to the account (the password, borrowed, is
 * waited for only once the connection is made) and fills or refreshes
 * the local summary cache of every selectable folder, one note per
 * folder. A folder the server refuses is noted and skipped, and makes the
 * result -1 (err: the first such failure); a lost connection ends the
 * run at once. 0, or -1 and err.
 */
struct config_password_pending;
int	 imapc_sync_account(const struct account *,
	    struct config_password_pending *password, imapc_sync_note_cb,
	    void *arg, struct error *);

#endif
