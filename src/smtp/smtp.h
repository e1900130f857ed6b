/* src/smtp/smtp.h: sending mail: the SMTP transaction and the outbox. */
#ifndef POSTERN_SMTP_SMTP_H
#define POSTERN_SMTP_SMTP_H

#include <stddef.h>
#include <stdio.h>

#include "config/config.h"
#include "core/error.h"
#include "mime/mime.h"

#define SENDER_MAX_RCPTS	1000		/* recipients of one message */
#define SENDER_MAX_MESSAGE	(64 * 1024 * 1024) /* bytes we send */
#define SENDER_MIN_RATE		(16 * 1024)	/* bytes/s; slower is stalled */

/* A recipient the server refused at RCPT. */
struct sender_reject {
	char	*addr;
	int	 code;		/* the reply code, 0 if none */
	char	*reply;		/* the server's text, one line */
};

/* What a send found out beyond its error. The caller releases it. */
struct sender_report {
	struct sender_reject	*rejected;
	size_t			 nrejected;
	/*
	 * The link broke (or timed out) after the whole message and its
	 * final dot were sent, before the server's answer: the server may
	 * have accepted it (RFC 5321 6.1); a retry may make a duplicate.
	 */
	int			 uncertain;
};

/*
 * Sends msg (len bytes, CRLF) from from to the n rcpts over the account's
 * SMTP server: TLS verified (net_smtp_open), AUTH as the account's user
 * with password, SIZE checked against the server's limit before MAIL,
 * then MAIL, one RCPT per recipient (each refusal kept in rep), DATA.
 * Sends DATA only when every recipient was accepted. Returns 0 once the
 * server answered 250 to the final dot; else -1 and err (ERROR_INPUT
 * for an address with CR/LF, ERROR_AUTH, ERROR_NET, ERROR_SERVER ...).
 */
int	 sender_send(const struct account *, const char *password,
	    const char *from, char *const *rcpts, size_t n, const char *msg,
	    size_t len, struct sender_report *rep, struct error *err);
void	 sender_report_release(struct sender_report *);

/*
 * Saves a copy of a sent message (IMAP APPEND to Sent: main.c passes
 * imapc_append_sent). 0, or -1 and err; a failure is only a warning.
 */
typedef int	(*sender_copy_cb)(const struct account *, const char *password,
		    const char *msg, size_t len, struct error *);

/*
 * The outbox: $XDG_DATA_HOME/postern/ACCOUNT/outbox/, one entry per
 * message: ID.eml (the message as built), ID.env (sender and
 * recipients, Bcc included), ID.err (why the last try failed). Each file
 * is written in tmp/, fsynced and renamed into place, the directory
 * fsynced; ID.eml comes last, so an entry exists once it does. A
 * sender holds an flock on ID.eml, so two processes never send one
 * entry at once.
 */
/* The account's outbox directory; the caller frees it. */
char	*outbox_dir(const struct account *);

/*
 * Puts msg and env into the outbox durably. Returns the new entry's id
 * in *idp (the caller frees it) and in *lockfd an open descriptor that
 * holds the entry's lock (close it when done). -1 and err on failure:
 * then nothing was stored.
 */
int	 outbox_put(const struct account *, const struct mime_envelope *,
	    const char *msg, size_t len, char **idp, int *lockfd,
	    struct error *);

/*
 * Sends the locked entry id of the account's outbox: removes it after
 * the server accepted it, then saves a copy with copy (may be NULL;
 * a failure goes to warn); on failure records the error in ID.err and
 * returns -1 with err (each refused recipient also goes to warn, as
 * does the note that a drop after the message may mean a duplicate).
 * *passp is the account's password, fetched on first need (the caller
 * frees it with config_password_free).
 */
int	 outbox_send(const struct account *, const char *id, char **passp,
	    sender_copy_cb copy, FILE *warn, struct error *err);

/*
 * postern -s ...: builds the message for d from the account, puts it in
 * the outbox, sends it. 0 when sent; else -1, err says why and the
 * message stays in the outbox (details and warnings go to warn).
 */
int	 outbox_send_draft(const struct account *, const struct mime_draft *d,
	    sender_copy_cb copy, FILE *warn, struct error *err);

/*
 * postern --flush-outbox: tries every entry of the account's outbox (of
 * every account when account_id is NULL), oldest first, printing one
 * line per message to out. Returns 0 when all went (or there was
 * nothing), 1 when some failed, -1 and err for a bad account name.
 */
int	 outbox_flush(const struct config *, const char *account_id,
	    sender_copy_cb copy, FILE *out, struct error *err);

/* One queued message, for listing the outbox (a folder in the UI). */
struct outbox_entry {
	char	*id;
	char	*path;		/* ID.eml */
	char	*error;		/* the last failure's first line, or NULL */
};

/*
 * The entries of the account's outbox, oldest first, in *vp and *np
 * (the caller frees them with outbox_entries_free). 0, or -1 and err.
 */
int	 outbox_entries(const struct account *, struct outbox_entry **vp,
	    size_t *np, struct error *);
void	 outbox_entries_free(struct outbox_entry *, size_t n);

/*
 * Called by outbox_flush_account before each try (e NULL) and after it
 * (e NULL when sent, else why not): message i (from 0) of n.
 */
typedef void	(*outbox_progress_cb)(void *arg, size_t i, size_t n,
		    const char *id, const struct error *e, int done);

/*
 * Tries every entry of the account's outbox, oldest first, as
 * --flush-outbox does (an entry another process holds is skipped),
 * telling progress (may be NULL) about each. *nsentp and *nfailedp
 * count the outcomes. Returns 0 when nothing failed, else 1.
 */
int	 outbox_flush_account(const struct account *, sender_copy_cb copy,
	    outbox_progress_cb progress, void *arg, size_t *nsentp,
	    size_t *nfailedp);

#endif
