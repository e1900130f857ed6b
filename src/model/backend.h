/* src/model/backend.h: what IMAP and POP3 implement for the model. */
#ifndef POSTERN_MODEL_BACKEND_H
#define POSTERN_MODEL_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/error.h"
#include "core/sbuf.h"
#include "model/model.h"
#include "net/net.h"

struct backend;

/*
 * Called with a chunk of summaries, newest first; the callee copies what
 * it keeps (or takes the strings and zeroes the pointers). done and total
 * give the progress. Returning -1 cancels the fetch.
 */
typedef int	(*summary_cb)(struct summary *, size_t n, uint32_t done,
		    uint32_t total, void *arg);

/* Progress of a check: done of total messages. */
typedef void	(*check_progress_cb)(uint32_t done, uint32_t total,
		    void *arg);
/* A line for the user (a skipped message); text is borrowed. */
typedef void	(*check_note_cb)(const char *text, void *arg);

/*
 * Where a resync reports what it finds, on the worker thread; each
 * callback may be NULL. opened: the folder is selected, exists messages.
 * added: new summaries, highest UID first (strings may be taken, as in
 * summary_cb). flags: summaries with only uid and flags set. sizes:
 * summaries with only uid and size set, for summaries added earlier
 * with SUMMARY_SIZE_UNKNOWN. vanished: UIDs expunged. A callback
 * returning -1 cancels the resync.
 */
struct backend_sync {
	int		 (*opened)(uint32_t exists, void *arg);
	summary_cb	 added;
	summary_cb	 flags;
	summary_cb	 sizes;
	int		 (*vanished)(const uint32_t *uids, size_t n,
			    void *arg);
	void		*arg;
};

/*
 * Every function is called only on the account's worker thread. All
 * memory belongs to the caller unless stated otherwise. Errors are graded
 * by err->kind: NET and PROTO mean the connection is gone (the worker
 * reconnects), SERVER and INPUT fail this request only.
 */
struct backend_ops {
	const char	*name;
	/*
	 * Connects and logs in. password (borrowed for the call) is being
	 * obtained meanwhile (config_password_start): open waits for it
	 * only when it is about to log in, so that the password command
	 * runs while the connection is made; the caller frees it, which
	 * also waits if open did not. The watchdog (borrowed, outlives the
	 * backend) guards every blocking call.
	 */
	struct backend	*(*open)(const struct account *,
			    struct config_password_pending *password,
			    struct net_watchdog *, struct error *);
	/* Returns a new array in *foldersp; the caller frees it. */
	int		 (*list_folders)(struct backend *,
			    struct folder_info **foldersp, size_t *np,
			    struct error *);
	/* Selects a folder; *existsp is its message count. */
	int		 (*select)(struct backend *, const char *wire_name,
			    uint32_t *existsp, struct error *);
	/* Every summary of the selected folder, newest first, in chunks. */
	int		 (*fetch_summaries)(struct backend *, summary_cb,
			    void *arg, struct error *);
	/* Appends the raw message uid of the selected folder to out. */
	int		 (*fetch_body)(struct backend *, uint32_t uid,
			    struct sbuf *out, struct error *);
	/* Logs out (politely when the connection is healthy) and frees. */
	void		 (*close)(struct backend *);

	/*
	 * Checks the server for new mail (POP3: downloads it into the
	 * local store); NULL for a backend that needs no checks. password
	 * is borrowed, and waited for only when needed, as in open. progress (may be NULL) gets done of total as it
	 * goes, note (may be NULL) a line for the user; the summaries of
	 * new messages of the selected folder go to cb, with done = total
	 * = the folder's new message count. *newp counts the new mail.
	 */
	int		 (*check_mail)(struct backend *,
			    struct config_password_pending *password,
			    check_progress_cb progress, check_note_cb note,
			    summary_cb cb, void *arg, unsigned *newp,
			    struct error *);
	/*
	 * Folder operations. name is the new folder's name as the user
	 * typed it (UTF-8, the hierarchy delimiter of the folder list);
	 * wire_name an existing folder as list_folders gave it. A backend
	 * without the operation leaves it NULL (POP3: subscribe).
	 */
	int		 (*create_folder)(struct backend *, const char *name,
			    struct error *);
	int		 (*rename_folder)(struct backend *,
			    const char *wire_name, const char *name,
			    struct error *);
	/* Deletes the folder and every message in it. */
	int		 (*delete_folder)(struct backend *,
			    const char *wire_name, struct error *);
	int		 (*subscribe_folder)(struct backend *,
			    const char *wire_name, int subscribe,
			    struct error *);
	/*
	 * Optional: live updates and message operations (NULL where a
	 * backend has none). uids are of the selected folder, n of them.
	 *
	 * fetch_flags: every UID of the selected folder, ascending, with
	 * its flags (enum summary_flags): new arrays in *uidsp, *flagsp.
	 */
	int		 (*fetch_flags)(struct backend *, uint32_t **uidsp,
			    uint32_t **flagsp, size_t *np, struct error *);
	/* The summaries of these UIDs, through cb (highest UID first). */
	int		 (*fetch_uids)(struct backend *, const uint32_t *uids,
			    size_t n, summary_cb, void *arg, struct error *);
	/*
	 * Waits for a change in the selected folder, or until wake_fd
	 * polls readable: IDLE up to idle_seconds when that is not 0 and
	 * the server has it, else a NOOP after poll_seconds. Returns 1 if
	 * the folder may have changed, 0 if not, -1 and err.
	 */
	int		 (*wait)(struct backend *, int wake_fd, int idle_seconds,
			    int poll_seconds, struct error *);
	/* Adds and removes flags (enum summary_flags) in one command. */
	int		 (*store_flags)(struct backend *, const char *folder,
			    const uint32_t *uids, size_t n, uint32_t add,
			    uint32_t remove, struct error *);
	/* Copies, or moves (move nonzero), to the folder dest. */
	int		 (*copy)(struct backend *, const char *folder,
			    const uint32_t *uids, size_t n, const char *dest,
			    int move, struct error *);
	/*
	 * Deletes: to the Trash folder when to_trash and there is one (and
	 * folder is not it), else marks \Deleted. *trashedp is set to 1
	 * when the messages went to the Trash.
	 */
	int		 (*remove)(struct backend *, const char *folder,
			    const uint32_t *uids, size_t n, int to_trash,
			    int *trashedp, struct error *);
	/* Expunges the messages marked \Deleted in the selected folder. */
	int		 (*expunge)(struct backend *, const char *folder,
			    struct error *);
	/*
	 * Optional (NULL for POP3). load_cached calls cb with the locally
	 * cached summaries of wire_name, newest first, without any
	 * connection: 1 if the folder was cached, 0 if not, -1 and err.
	 */
	int		 (*load_cached)(const struct account *,
			    const char *wire_name, summary_cb, void *arg,
			    struct error *);
	/*
	 * Optional (NULL for POP3): the folder list as list_folders last
	 * gave it, without any connection: 1 and a new array, 0 if none is
	 * cached, -1 and err.
	 */
	int		 (*list_cached)(const struct account *,
			    struct folder_info **foldersp, size_t *np,
			    struct error *);
	/*
	 * Selects wire_name and brings its cache and the caller's view up
	 * to date (a cold fill when nothing is cached): see
	 * imapc_folder_resync in imap/internal.h. Also the call to make
	 * after a reconnect.
	 */
	int		 (*resync)(struct backend *, const char *wire_name,
			    const struct backend_sync *, struct error *);
	/*
	 * Optional: body search in wire_name, the selected folder. For
	 * each of the n texts (UTF-8), the UIDs whose body holds it
	 * (decoded, case-insensitively) go to a new array in uids[i], their
	 * count in nuids[i]; the caller gives both arrays of n and frees
	 * what they hold, also after an error. ERROR_INPUT for a text the
	 * backend cannot search for.
	 */
	int		 (*search_body)(struct backend *,
			    const char *wire_name, const char *const *texts,
			    size_t n, uint32_t **uids, size_t *nuids,
			    struct error *);
	/*
	 * Optional (IMAP): messages for reading, and the body cache.
	 * load_body appends the cached copy of message uid of wire_name to
	 * out without any connection and marks it used: 1, 0 when it is
	 * not cached (with whole set: not cached whole), -1 and err.
	 * *partialp is 1 for a message built with parts left out (below).
	 */
	int		 (*load_body)(const struct account *,
			    const char *wire_name, uint32_t uid, int whole,
			    struct sbuf *out, int *partialp, struct error *);
	/*
	 * fetch_message appends message uid of the selected folder
	 * wire_name to out and keeps a copy in the body cache. Unless
	 * whole is set, a large message may be built from its header and
	 * the parts a reader shows: each other part keeps its MIME header
	 * and has for its body one line, BACKEND_OMITTED then its IMAP
	 * section and its size in octets ("X-Postern-Omitted: 2 1995421");
	 * *partialp is then 1, else 0.
	 */
	int		 (*fetch_message)(struct backend *, const char *wire_name,
			    uint32_t uid, int whole, struct sbuf *out,
			    int *partialp, struct error *);
	/*
	 * fetch_part appends the body of the part section ("2", "1.3") of
	 * message uid of the selected folder to out, still in its
	 * transfer encoding.
	 */
	int		 (*fetch_part)(struct backend *, uint32_t uid,
			    const char *section, struct sbuf *out,
			    struct error *);
	/*
	 * Optional: local folders (POP3 keeps Sent and Drafts in its
	 * store), NULL where the server keeps them. folder is a name as
	 * list_folders gives it; none of these changes the selected
	 * folder. folder_append adds msg (as built for sending: CRLF line
	 * ends) to folder, made if missing, with flags (enum
	 * summary_flags); *uidp (may be NULL) gets its UID.
	 */
	int		 (*folder_append)(struct backend *, const char *folder,
			    const char *msg, size_t len, uint32_t flags,
			    uint32_t *uidp, struct error *);
	/* Every summary of folder, newest first, through cb. */
	int		 (*folder_summaries)(struct backend *,
			    const char *folder, summary_cb, void *arg,
			    struct error *);
	/* Appends the raw message uid of folder to out. */
	int		 (*folder_fetch)(struct backend *, const char *folder,
			    uint32_t uid, struct sbuf *out, struct error *);
	/* Deletes the message uid of folder for good. */
	int		 (*folder_remove)(struct backend *, const char *folder,
			    uint32_t uid, struct error *);
};

/* Starts the body of a part that fetch_message left out. */
#define BACKEND_OMITTED		MODEL_OMITTED

extern const struct backend_ops imap_backend_ops;
extern const struct backend_ops pop3_backend_ops;

#endif
