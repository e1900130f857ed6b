/* src/model/model.h: the mail model, as the UI sees it. */
#ifndef POSTERN_MODEL_MODEL_H
#define POSTERN_MODEL_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config/config.h"
#include "core/chan.h"
#include "core/error.h"

enum summary_flags {
	SUMMARY_SEEN = (1 << 0),
	SUMMARY_ANSWERED = (1 << 1),
	SUMMARY_FLAGGED = (1 << 2),
	SUMMARY_DELETED = (1 << 3),
	SUMMARY_DRAFT = (1 << 4),
	SUMMARY_ATTACHMENT = (1 << 5),	/* multipart/mixed or a named part */
	SUMMARY_RECENT = (1 << 6),
	SUMMARY_ENCRYPTED = (1 << 7),	/* multipart/encrypted, S/MIME */
	SUMMARY_SIGNED = (1 << 8),	/* multipart/signed */
	SUMMARY_TAGGED = (1 << 9),	/* the UI's own: tagged by the user */
};

enum summary_thread_flags {
	SUMMARY_THREAD_LINKED = (1 << 0),	/* had References or In-Reply-To */
	SUMMARY_POOLED = (1 << 1),	/* strings in a summary_pool */
};

/* One message in the index. Strings are decoded UTF-8, not sanitized. */
struct summary {
	uint32_t	 uid;
	uint32_t	 flags;		/* enum summary_flags */
	uint32_t	 size;		/* RFC822.SIZE */
	uint16_t	 nrefs;		/* thread keys (summary_compact) */
	uint8_t		 thread;	/* enum summary_thread_flags */
	time_t		 date;		/* Date: header, else INTERNALDATE */
	char		*from;		/* display name, else address */
	char		*subject;
	/* The rest may be NULL. */
	char		*to;		/* "Name <a@b>, ..." */
	char		*cc;		/* as to */
	char		*message_id;	/* as sent, "<id@host>" */
	char		*in_reply_to;	/* as sent */
	char		*references;	/* unfolded, bounded */
	/*
	 * Once compacted (summary_compact), the three above are NULL and
	 * threads use keys: the Message-ID's hash here (0: none), the
	 * references' at the start of block (summary_refs).
	 */
	uint64_t	 id_key;
	/*
	 * NULL, or one allocation holding every string above (see
	 * summary_pack): summary_clear then frees only this.
	 */
	char		*block;
};

#define FOLDER_COUNT_UNKNOWN	UINT32_MAX
/* summary.size not known yet (the server is asked after): shown blank. */
#define SUMMARY_SIZE_UNKNOWN	UINT32_MAX

/*
 * In a message read with parts left out (event partial), the body of
 * each such part is this, its IMAP section and its size in octets (the
 * mime module's MIME_OMITTED).
 */
#define MODEL_OMITTED		"X-Postern-Omitted: "

/* One folder in the folder pane. */
struct folder_info {
	char		*name;		/* for display: UTF-8 */
	char		*wire_name;	/* as the server names it */
	char		 delimiter;	/* hierarchy separator, 0 if none */
	int		 selectable;
	uint32_t	 total;		/* FOLDER_COUNT_UNKNOWN if not known */
	uint32_t	 unseen;
};

void	 summary_clear(struct summary *);
/*
 * Moves the strings of s into one allocation (s->block): one malloc
 * instead of seven per message in the index. The strings keep their
 * values; NULL ones stay NULL.
 */
void	 summary_pack(struct summary *);
/*
 * Strings shared by the summaries of an index: one copy of each sender,
 * recipient list and subject however many messages carry it. Freed
 * whole, after every summary using it was cleared.
 */
struct summary_pool;

struct summary_pool *summary_pool_new(void);
void	 summary_pool_free(struct summary_pool *);

/*
 * As summary_pack, for the index: the Message-ID, In-Reply-To and
 * References strings become the 64-bit keys threads need (the index
 * matches them, never shows them; the reply takes them from the message
 * itself), then are freed and NULL. With a pool, from, subject, to and
 * cc move into it (SUMMARY_POOLED) and the block keeps only the keys.
 * A second call changes nothing.
 */
void	 summary_compact(struct summary *, struct summary_pool *);
/* The nrefs reference keys of a compacted summary (NULL if none). */
const uint64_t	*summary_refs(const struct summary *);
void	 folder_info_clear(struct folder_info *);

enum event_kind {
	EVENT_STATUS,		/* text: progress or state for the status line */
	EVENT_ERROR,		/* err: an operation failed */
	EVENT_CONNECTED,	/* text: server description */
	EVENT_FOLDERS,		/* folders, nfolders */
	EVENT_FOLDER_OPENED,	/* text: wire name, total: messages in it */
	EVENT_SUMMARIES,	/* summaries, nsummaries; done of total so far */
	EVENT_FOLDER_LOADED,	/* every summary of the folder was sent */
	EVENT_BODY,		/* uid, body, body_len: the raw message */
	/*
	 * Changes to the open folder after (or while) it loaded, from a
	 * resync, IDLE or an operation. New messages come as
	 * EVENT_SUMMARIES with the folder's serial.
	 */
	EVENT_FLAGS,		/* summaries, nsummaries: uid and flags only */
	EVENT_SIZES,		/* summaries, nsummaries: uid and size only */
	EVENT_VANISHED,		/* uids, nuids: expunged from the folder */
	EVENT_NOTICE,		/* text: a line for the user, not an error */
	/*
	 * text: the connection is lost and the worker retries; the UI
	 * shows it until the next EVENT_CONNECTED.
	 */
	EVENT_OFFLINE,
	/*
	 * The answer to worker_search_body for one text: text, and the
	 * UIDs whose body holds it in uids, nuids; done of total texts.
	 */
	EVENT_BODY_MATCHES,
	EVENT_PART,		/* uid, text: a part's section, body: its data */
};

/*
 * An event travels from a worker to the UI through the events channel;
 * once popped, the UI owns it and frees it with event_free.
 */
struct event {
	enum event_kind		 kind;
	unsigned		 account;	/* index in the config */
	uint64_t		 serial;	/* of the request it answers */
	struct error		 err;
	char			*text;
	struct folder_info	*folders;
	size_t			 nfolders;
	struct summary		*summaries;
	size_t			 nsummaries;
	uint32_t		 done;
	uint32_t		 total;
	uint32_t		 uid;
	char			*body;
	size_t			 body_len;
	uint32_t		*uids;
	size_t			 nuids;
	int			 partial;	/* EVENT_BODY: parts left out */
};

void	 event_free(struct event *);
/* As event_free, for chan_free. */
void	 event_free_cb(void *);

/*
 * A worker owns one account's connection on its own thread; every call
 * below only queues a request and returns at once. Answers arrive as
 * events on the channel given to worker_start (borrowed; it must outlive
 * the worker).
 */
struct worker;

struct worker	*worker_start(const struct account *, unsigned account_index,
		    struct chan *events, struct error *);
/* Asks for the folder list (EVENT_FOLDERS). */
void		 worker_list_folders(struct worker *, uint64_t serial);
/*
 * Opens a folder by wire name: EVENT_FOLDER_OPENED, then summaries
 * newest first in chunks (EVENT_SUMMARIES), then EVENT_FOLDER_LOADED.
 * A later request cancels a load still running.
 */
void		 worker_open_folder(struct worker *, const char *wire_name,
		    uint64_t serial);
/*
 * Fetches one raw message of the open folder (EVENT_BODY), whole; from
 * the body cache when it has the whole message.
 */
void		 worker_fetch_body(struct worker *, uint32_t uid,
		    uint64_t serial);
/*
 * The message uid for reading (EVENT_BODY): from the body cache when it
 * is there (offline too), else fetched and kept there. A large message
 * may come with its big parts left out (ev->partial set): see
 * fetch_message in model/backend.h and worker_fetch_part.
 */
void		 worker_read_body(struct worker *, uint32_t uid,
		    uint64_t serial);
/*
 * Fetches message uid of the open folder into the body cache once the
 * worker has nothing else to do; any other request drops it first.
 */
void		 worker_prefetch_body(struct worker *, uint32_t uid);
/*
 * The part section ("2", "1.3") of message uid of the open folder,
 * still in its transfer encoding: EVENT_PART with uid, text the section
 * and body the data.
 */
void		 worker_fetch_part(struct worker *, uint32_t uid,
		    const char *section, uint64_t serial);
/*
 * Checks for new mail (POP3: downloads it): EVENT_STATUS as it goes
 * ("Fetching 12 of 40..."), EVENT_NOTICE for skipped messages, new
 * messages of the open folder as EVENT_SUMMARIES with that folder's
 * serial, then EVENT_FOLDERS with the new counts and a last
 * EVENT_STATUS saying what was done.
 */
void		 worker_check_mail(struct worker *, uint64_t serial);
/*
 * Folder operations: each ends with EVENT_NOTICE saying what was done
 * and EVENT_FOLDERS with the new list, or EVENT_ERROR. name is the new
 * name as typed (UTF-8); wire_name an existing folder.
 */
void		 worker_create_folder(struct worker *, const char *name,
		    uint64_t serial);
void		 worker_rename_folder(struct worker *, const char *wire_name,
		    const char *name, uint64_t serial);
void		 worker_delete_folder(struct worker *, const char *wire_name,
		    uint64_t serial);
void		 worker_subscribe_folder(struct worker *,
		    const char *wire_name, int subscribe, uint64_t serial);
/*
 * Message operations on the open folder, each one command for all the
 * UIDs (n of them, copied). The changes come back as EVENT_FLAGS,
 * EVENT_VANISHED; made offline they are kept on disk and sent once the
 * connection is back. worker_set_flags adds and removes flags (enum
 * summary_flags); worker_copy copies, or moves (move nonzero), to dest
 * (a wire name); worker_delete moves to the Trash (account option
 * delete-to-trash, when the server has one) or marks \Deleted;
 * worker_expunge removes the messages marked \Deleted.
 */
void		 worker_set_flags(struct worker *, const uint32_t *uids,
		    size_t n, uint32_t add, uint32_t remove, uint64_t serial);
void		 worker_copy(struct worker *, const uint32_t *uids, size_t n,
		    const char *dest, int move, uint64_t serial);
void		 worker_delete(struct worker *, const uint32_t *uids,
		    size_t n, uint64_t serial);
void		 worker_expunge(struct worker *, uint64_t serial);
/*
 * Searches the bodies of the open folder wire_name for each of the n
 * texts (copied): one EVENT_BODY_MATCHES per text, or EVENT_ERROR. A
 * folder opened since then gets no answer.
 */
void		 worker_search_body(struct worker *, const char *wire_name,
		    const char *const *texts, size_t n, uint64_t serial);

/*
 * Local folders (a POP3 account keeps Sent and Drafts in its store,
 * which only its worker may open), for a caller on another thread that
 * waits for the answer: each request puts exactly one event on reply
 * (borrowed: it must outlive the worker's answer, which also comes
 * when the worker stops first), carrying serial. worker_append adds a
 * copy of msg (CRLF, as built for sending) to folder (made if missing)
 * with flags (enum summary_flags): EVENT_STATUS with its uid.
 * worker_local_list gives the folder's summaries (EVENT_SUMMARIES),
 * worker_local_fetch one raw message (EVENT_BODY), worker_local_remove
 * deletes one (EVENT_STATUS). Each fails with EVENT_ERROR. A change
 * also sends the UI new folder counts (EVENT_FOLDERS) and, when the
 * folder is open, its new messages.
 */
void		 worker_append(struct worker *, const char *folder,
		    const char *msg, size_t len, uint32_t flags,
		    struct chan *reply, uint64_t serial);
void		 worker_local_list(struct worker *, const char *folder,
		    struct chan *reply, uint64_t serial);
void		 worker_local_fetch(struct worker *, const char *folder,
		    uint32_t uid, struct chan *reply, uint64_t serial);
void		 worker_local_remove(struct worker *, const char *folder,
		    uint32_t uid, struct chan *reply, uint64_t serial);
/*
 * Stops the thread, joins it and frees w. An idle worker logs out; a
 * network call still running after a second is cancelled.
 */
void		 worker_stop(struct worker *);

#endif
