/* src/store/store.h: the local store: SQLite index and Maildir++ mail. */
#ifndef POSTERN_STORE_STORE_H
#define POSTERN_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/sbuf.h"

#define STORE_INBOX		"INBOX"
#define STORE_MAX_MESSAGE	(256 * 1024 * 1024)	/* bytes we store */
#define STORE_MAX_FOLDER_NAME	200	/* bytes; a Maildir++ dir name */
#define STORE_MAX_UIDL		70	/* RFC 1939: 1 to 70 characters */
#define STORE_SHA256_HEX	65	/* 64 hex digits and NUL */

/* Message flags; the same bits as the model's enum summary_flags. */
enum store_flags {
	STORE_SEEN = (1 << 0),		/* Maildir info S */
	STORE_ANSWERED = (1 << 1),	/* R */
	STORE_FLAGGED = (1 << 2),	/* F */
	STORE_DELETED = (1 << 3),	/* T */
	STORE_DRAFT = (1 << 4),		/* D */
};
#define STORE_FLAGS_MASK	0x1f
/*
 * Bits read from the message when it is stored, the same as enum
 * summary_flags: attachment, encrypted, signed. Never in a Maildir name.
 */
#define STORE_CONTENT_ATTACHMENT	(1 << 5)
#define STORE_CONTENT_ENCRYPTED		(1 << 7)
#define STORE_CONTENT_SIGNED		(1 << 8)
#define STORE_CONTENT_MASK	(STORE_CONTENT_ATTACHMENT | \
	STORE_CONTENT_ENCRYPTED | STORE_CONTENT_SIGNED)

/*
 * One open store of one account: ACCOUNT/store.db (SQLite, WAL) next to
 * the account's Maildir++ tree (INBOX is the top Maildir, other folders
 * are .Name). The store holds an exclusive lock on ACCOUNT/lock while
 * open: a second process gets an error instead of a race.
 */
struct store;

/* A message as the index knows it. Strings belong to the struct. */
struct store_msg {
	int64_t		 id;		/* the row id: the local UID */
	char		*folder;
	char		*file;		/* Maildir base name, without :2, */
	uint32_t	 flags;		/* enum store_flags */
	uint32_t	 size;
	int64_t		 date;		/* Date: header, else delivery time */
	char		*from;		/* decoded display name or address */
	char		*subject;	/* decoded */
	char		*message_id;
	char		*in_reply_to;
	char		*references;
};

struct store_folder {
	char		*name;
	uint32_t	 total;
	uint32_t	 unseen;
};

/* What the POP3 engine asks the store to remember of one server message. */
struct store_uidl {
	const char	*uidl;
	int64_t		 first_seen;
	int64_t		 message;	/* row id, 0 once deleted locally */
	int64_t		 deleted_on_server;	/* time, 0 if still there */
};

/* $XDG_DATA_HOME/postern/ACCOUNT; the caller frees it. */
char		*store_account_dir(const char *account_id);

/*
 * Opens or creates the store in dir (made if missing), then recovers from
 * a crash: files left in any tmp/ are removed, a message file without a
 * row is indexed (a POP3 delivery gets its UIDL record back from its file
 * name), a row whose file is gone is dropped, and Maildir info flags win
 * over the index. NULL and err on failure; close with store_close.
 */
struct store	*store_open(const char *dir, struct error *);
void		 store_close(struct store *);

/* Local folders. INBOX always exists and cannot be renamed or deleted. */
int		 store_folder_create(struct store *, const char *name,
		    struct error *);
int		 store_folder_rename(struct store *, const char *from,
		    const char *to, struct error *);
/* Deletes the folder with every message in it. */
int		 store_folder_delete(struct store *, const char *name,
		    struct error *);
/* Every folder, INBOX first then by name; free with store_folders_free. */
int		 store_folder_list(struct store *, struct store_folder **,
		    size_t *np, struct error *);
void		 store_folders_free(struct store_folder *, size_t n);

/*
 * Delivers len bytes of msg durably into folder (tmp/, fsync, rename into
 * new/, or cur/ when flags are set, fsync of the directory) and indexes
 * it; *idp (may be NULL) gets the new row id.
 */
int		 store_deliver(struct store *, const char *folder,
		    const char *msg, size_t len, uint32_t flags, int64_t *idp,
		    struct error *);

/*
 * Delivers msg into folder of the store in dir without opening it (for
 * when another process holds it): the file is written durably into the
 * folder's Maildir (made if missing), and the store indexes it, and the
 * folder, when it next opens.
 */
int		 store_deliver_file(const char *dir, const char *folder,
		    const char *msg, size_t len, uint32_t flags,
		    struct error *);

/*
 * Delivers a message downloaded by POP3 into INBOX and records its UIDL
 * in the same transaction as its row. The file is named from the UIDL and
 * the content's SHA-256, so a redelivery after a crash replaces the same
 * file. A message whose content the store already holds (a server that
 * changed its UIDLs, or repeats one) is not stored again: only the UIDL
 * is recorded, and *storedp is 0 (else 1).
 */
int		 store_pop3_deliver(struct store *, const char *uidl,
		    const char *msg, size_t len, int64_t now, int *storedp,
		    struct error *);
/*
 * A batch of POP3 deliveries: between begin and end, store_pop3_deliver
 * neither fsyncs nor commits; end syncs the file system once and commits
 * them all (on failure none is recorded, and their files are replaced
 * when they are downloaded again). Nothing may count on a delivery of
 * the batch (a DELE) before end returns 0.
 */
int		 store_pop3_batch_begin(struct store *, struct error *);
int		 store_pop3_batch_end(struct store *, struct error *);
/* 1 if some message with this UIDL was recorded, 0 if not, -1 on error. */
int		 store_pop3_known(struct store *, const char *uidl,
		    struct error *);
/* 1 if (uidl, content) was recorded, 0 if not, -1 on error. */
int		 store_pop3_known_content(struct store *, const char *uidl,
		    const char *msg, size_t len, struct error *);
/*
 * Fills *u for uidl (strings borrowed until the next store call); 0 if
 * found, 1 if not, -1 on error. With several records for one UIDL the
 * oldest first_seen is given, and message is 0 only when every one of
 * them was deleted locally.
 */
int		 store_pop3_get(struct store *, const char *uidl,
		    struct store_uidl *, struct error *);
/*
 * After a session: every recorded UIDL in listed (n of them) and not in
 * deleted is marked present on the server; the others are marked gone
 * at now (those already gone keep their time).
 */
int		 store_pop3_sync(struct store *, const char *const *listed,
		    size_t n, const char *const *deleted, size_t ndeleted,
		    int64_t now, struct error *);
/* Sets first_seen of every record of uidl (for tests and imports). */
int		 store_pop3_set_first_seen(struct store *, const char *uidl,
		    int64_t when, struct error *);

/*
 * Summaries of folder, newest first (by date, then id); free with
 * store_msgs_free. max 0 means all.
 */
int		 store_msg_list(struct store *, const char *folder,
		    struct store_msg **, size_t *np, struct error *);
/* One message by id; 0, or -1 with ERROR_INPUT when there is none. */
int		 store_msg_get(struct store *, int64_t id, struct store_msg *,
		    struct error *);
void		 store_msg_clear(struct store_msg *);
void		 store_msgs_free(struct store_msg *, size_t n);
/* Appends the raw message to out, bytes as delivered. */
int		 store_msg_read(struct store *, int64_t id, struct sbuf *out,
		    struct error *);
/* Returns the current path of the message's file; the caller frees it. */
char		*store_msg_path(struct store *, int64_t id, struct error *);
/* Sets the flags: the Maildir info first (rename), then the row. */
int		 store_msg_set_flags(struct store *, int64_t id, uint32_t flags,
		    struct error *);
/* Moves the message to folder; its id stays. */
int		 store_msg_move(struct store *, int64_t id, const char *folder,
		    struct error *);
/* Copies the message to folder; *idp (may be NULL) gets the new id. */
int		 store_msg_copy(struct store *, int64_t id, const char *folder,
		    int64_t *idp, struct error *);
/* Deletes the message's file and row (its UIDL records stay, unlinked). */
int		 store_msg_delete(struct store *, int64_t id, struct error *);

/*
 * Maildir info flags: "FRS" from flags (letters in ASCII order), and the
 * flags of a file name's ":2,..." part (unknown letters are ignored).
 */
void		 store_maildir_info(uint32_t flags, char *out, size_t outlen);
uint32_t	 store_maildir_parse_info(const char *name);

/*
 * Fills the summary fields of m (from, subject, date, ids) from headers,
 * and the STORE_CONTENT_* bits of m->flags from the top Content-Type.
 */
void		 store_parse_headers(const char *msg, size_t len,
		    struct store_msg *m);

/*
 * The body index (bodyidx.c): the decoded text of each message in an
 * SQLite FTS5 table (trigram: case-insensitive substrings).
 * store_body_text appends the text parts of msg (transfer encoding and
 * charset undone, HTML tags dropped, parts over STORE_BODY_PART_MAX
 * skipped) to out. store_body_index indexes the messages of folder not
 * indexed yet. store_body_search does that, then gives, for each of the
 * n texts, the ids of folder's messages whose text holds it in a new
 * array ids[i] and its count in nids[i] (arrays of n from the caller).
 */
#define STORE_BODY_PART_MAX	(8 * 1024 * 1024)	/* encoded bytes */
void		 store_body_text(const char *msg, size_t len,
		    struct sbuf *out);
int		 store_body_index(struct store *, const char *folder,
		    struct error *);
int		 store_body_search(struct store *, const char *folder,
		    const char *const *texts, size_t n, uint32_t **ids,
		    size_t *nids, struct error *);

#endif
