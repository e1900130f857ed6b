/* src/imap/internal.h: shared inside src/imap/ only (and its unit test). */
#ifndef POSTERN_IMAP_INTERNAL_H
#define POSTERN_IMAP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "model/backend.h"
#include "model/model.h"

#define IMAP_MAX_FIELD		1024	/* decoded subject or name */
#define IMAP_MAX_FIELD_RAW	(8 * 1024) /* raw header text we decode */
#define IMAP_MAX_NAME		1024	/* a mailbox name on the wire */
#define IMAP_MAX_REFS		(4 * 1024) /* References kept, unfolded */

/* A calendar time; zone in minutes east of UTC, mon 0-11. */
struct imapc_time_parts {
	int	 year;
	int	 mon;
	int	 day;
	int	 hour;
	int	 min;
	int	 sec;
	int	 zone;
};

/* Checks the fields and converts to seconds since the epoch; -1 if bad. */
int		 imapc_time_from_parts(const struct imapc_time_parts *,
		    time_t *);
/* Converts an INTERNALDATE; -1 if it is out of range. */
int		 imapc_time_from_imap(const struct mailimap_date_time *,
		    time_t *);

/* Maps the FLAGS of a FETCH to enum summary_flags. */
uint32_t	 imapc_flags_from_fetch(
		    const struct mailimap_msg_att_dynamic *);

/*
 * Returns SUMMARY_ATTACHMENT if the Content-Type header in hdr (len
 * bytes, as BODY[HEADER.FIELDS (CONTENT-TYPE)] returns it) says the
 * message carries files: multipart/mixed, or a whole message that is
 * not text (application/pdf, image/png ...); SUMMARY_ENCRYPTED for
 * multipart/encrypted or S/MIME application/pkcs7-mime, SUMMARY_SIGNED
 * for multipart/signed. Else 0.
 */
uint32_t	 imapc_flags_from_content_type(const char *hdr, size_t len);

/*
 * Returns the References field of hdr (len bytes, as
 * BODY[HEADER.FIELDS (...)] returns it) unfolded and cut to IMAP_MAX_REFS
 * bytes, as a new string; NULL if there is none.
 */
char		*imapc_references_from_header(const char *hdr, size_t len);

/*
 * Decodes a header value from the server (RFC 2047, 8-bit) into a new
 * UTF-8 string cut to IMAP_MAX_FIELD bytes; raw may be NULL (gives "").
 */
char		*imapc_field_decode(const char *raw);

/*
 * Fills s->subject, s->from (the display name, else mailbox@host), s->to,
 * s->cc, s->message_id, s->in_reply_to and s->date (when the Date is
 * readable) from an ENVELOPE. The strings are
 * new; s owns them. env may be NULL.
 */
void		 imapc_summary_from_envelope(
		    const struct mailimap_envelope *, struct summary *);

/*
 * Converts one FETCH response into *s (which it overwrites). Returns -1
 * and leaves s empty if the response has no UID.
 */
int		 imapc_summary_from_att(const struct mailimap_msg_att *,
		    struct summary *);

/* Frees the strings of n summaries (free(NULL) for taken ones). */
void		 imapc_summaries_release(struct summary *, size_t n);
/* imap.c: whether a LIST answer has attr ("Sent", "Noselect"...). */
int		 imapc_list_has_attr(const struct mailimap_mailbox_list *,
		    const char *attr);

struct backend;
struct net_watchdog;
struct error;

/*
 * The session code of imap.c for the other files here: log in to the
 * account's IMAP server (password borrowed, wd the caller's watchdog),
 * end the session, arm wd for a call, check a call's result r (a fired
 * watchdog makes it a time-out), seconds for moving bytes, and the
 * libetpan session itself.
 */
struct backend	*imapc_open(const struct account *, const char *password,
		    struct net_watchdog *wd, struct error *);
void		 imapc_close(struct backend *);
void		 imapc_arm(struct backend *, int seconds);
int		 imapc_done(struct backend *, int r, const char *what,
		    struct error *);
int		 imapc_deadline(const struct backend *, size_t bytes);
mailimap	*imapc_session(struct backend *);
/* p, or the process ends: libetpan returns NULL only out of memory. */
void		*imapc_need(void *p);
/*
 * The UID set lo:lo+chunk-1, or lo:* when that reaches uidnext (or
 * uidnext is unknown: 0), *lastp then 1: fetches of a whole folder by
 * ranges, since libetpan holds a whole response. The last range also
 * takes what arrives meanwhile.
 */
struct mailimap_set *imapc_uid_range(uint32_t lo, uint32_t uidnext,
		    uint32_t chunk, int *lastp);
/*
 * The FETCH attributes of a summary: UID FLAGS INTERNALDATE, the header
 * fields it shows and threads by, and RFC822.SIZE if size; free with
 * fetch_type_free.
 */
struct mailimap_fetch_type *imapc_summary_fetch_type(int size);

/* ops.c: live updates and message operations; see model/backend.h. */
int		 imapc_op_fetch_flags(struct backend *, uint32_t **uidsp,
		    uint32_t **flagsp, size_t *np, struct error *);
int		 imapc_op_fetch_uids(struct backend *, const uint32_t *uids,
		    size_t n, summary_cb, void *arg, struct error *);
int		 imapc_op_wait(struct backend *, int wake_fd, int idle_seconds,
		    int poll_seconds, struct error *);
int		 imapc_op_store_flags(struct backend *, const char *folder,
		    const uint32_t *uids, size_t n, uint32_t add,
		    uint32_t remove, struct error *);
int		 imapc_op_copy(struct backend *, const char *folder,
		    const uint32_t *uids, size_t n, const char *dest, int move,
		    struct error *);
int		 imapc_op_remove(struct backend *, const char *folder,
		    const uint32_t *uids, size_t n, int to_trash,
		    int *trashedp, struct error *);
int		 imapc_op_expunge(struct backend *, const char *folder,
		    struct error *);
/* bodysearch.c: the search_body op (UID SEARCH BODY); see backend.h. */
int		 imapc_search_body(struct backend *, const char *wire_name,
		    const char *const *texts, size_t n, uint32_t **uids,
		    size_t *nuids, struct error *);

/* The host name for messages, and the account the session belongs to. */
const char	*imapc_host(const struct backend *);
const struct account *imapc_account(const struct backend *);
/* Notes the folder selected by sync.c: what imap.c's calls need. */
void		 imapc_set_selected(struct backend *, uint32_t exists,
		    uint32_t uidvalidity);
/*
 * Whether imapc_folder_resync opens the folder read-write (SELECT) or
 * read-only (EXAMINE, the default): set it before the resync when
 * flags or messages are to be changed in the folder.
 */
int		 imapc_read_write(const struct backend *);
void		 imapc_set_read_write(struct backend *, int);
/* ENABLE QRESYNC in this session: 0 not tried yet, 1 on, -1 refused. */
int		 imapc_qresync(const struct backend *);
void		 imapc_set_qresync(struct backend *, int);
/* The cached summaries of a folder, without a connection (load_cached). */
int		 imapc_load_cached(const struct account *, const char *wire_name,
		    summary_cb, void *arg, struct error *);
/* The folder list cached by the last LIST, without a connection. */
int		 imapc_list_cached(const struct account *,
		    struct folder_info **vp, size_t *np, struct error *);
/* The session's summary cache, opened on first use; NULL and err. */
struct imapc_cache *imapc_backend_cache(struct backend *, struct error *);
/* libetpan calls the msg_att handler only with a progress callback. */
void		 imapc_items_progress(size_t, size_t, void *);

/*
 * The summary cache (cache.c): one SQLite file per account, WAL. Every
 * function runs on the caller's thread; one handle per thread.
 */
struct imapc_cache;

struct imapc_cache_folder {
	uint32_t	 uidvalidity;
	uint64_t	 highestmodseq;	/* 0: unknown, no CONDSTORE */
	uint32_t	 uidnext;
	int		 complete;	/* every message was fetched once */
	uint32_t	 count;		/* messages cached (read only) */
	uint32_t	 maxuid;	/* highest UID cached (read only) */
};

/* $XDG_CACHE_HOME/postern/ACCOUNT.db; the caller frees it. */
char		*imapc_cache_path(const char *account_id);
struct imapc_cache *imapc_cache_open(const char *path, struct error *);
/*
 * The account's cache if it exists, without making one (no connection
 * needed): 1 and *cp, 0 when there is none, -1 and err.
 */
int		 imapc_cache_open_account(const char *account_id,
		    struct imapc_cache **cp, struct error *);
void		 imapc_cache_close(struct imapc_cache *);
int		 imapc_cache_begin(struct imapc_cache *, struct error *);
int		 imapc_cache_commit(struct imapc_cache *, struct error *);
void		 imapc_cache_rollback(struct imapc_cache *);
/* 0 and *f, 1 when the folder is not cached, -1 and err. */
int		 imapc_cache_folder_get(struct imapc_cache *, const char *name,
		    struct imapc_cache_folder *f, struct error *);
/*
 * The folder list as the server last gave it: list_put replaces it (in a
 * transaction of its own unless one is open), list_get gives a new array
 * (none: *np 0).
 */
int		 imapc_cache_list_put(struct imapc_cache *,
		    const struct folder_info *, size_t n, struct error *);
int		 imapc_cache_list_get(struct imapc_cache *,
		    struct folder_info **vp, size_t *np, struct error *);
/* Creates or updates the folder's row (count and maxuid are ignored). */
int		 imapc_cache_folder_set(struct imapc_cache *, const char *name,
		    const struct imapc_cache_folder *, struct error *);
/* Forgets the folder and every summary in it. */
int		 imapc_cache_folder_drop(struct imapc_cache *,
		    const char *name, struct error *);
/*
 * An empty folder's rows are left out of the header index from now on
 * (a fill; a folder with rows is left as it is); imapc_cache_fts_catch_up
 * indexes them all at once and ends that, and does nothing for a folder
 * whose rows are indexed.
 */
int		 imapc_cache_fts_defer(struct imapc_cache *, const char *name,
		    struct error *);
int		 imapc_cache_fts_catch_up(struct imapc_cache *,
		    const char *name, struct error *);
/*
 * Stores n summaries (replacing those with the same UID); internal (may
 * be NULL) gives their INTERNALDATEs. The folder must have a row.
 */
int		 imapc_cache_put(struct imapc_cache *, const char *name,
		    const struct summary *, const int64_t *internal, size_t n,
		    struct error *);
/* Sets the flags of the cached messages with the UIDs of v. */
int		 imapc_cache_set_flags(struct imapc_cache *, const char *name,
		    const struct summary *v, size_t n, struct error *);
/* Sets the sizes of the cached messages with the UIDs of v. */
int		 imapc_cache_set_sizes(struct imapc_cache *, const char *name,
		    const struct summary *v, size_t n, struct error *);
int		 imapc_cache_remove(struct imapc_cache *, const char *name,
		    const uint32_t *uids, size_t n, struct error *);
/*
 * Calls cb with the folder's summaries, highest UID first: first of
 * them, then chunks of chunk. Each summary's strings are one block
 * (summary->block); cb may take them. The first call's total is
 * FOLDER_COUNT_UNKNOWN unless that chunk is all (the count is read
 * after it, so the first screenful does not wait for it). No call for a
 * folder with nothing cached. -1 if cb returns -1 (ERROR_CANCELLED) or
 * on error.
 */
int		 imapc_cache_load(struct imapc_cache *, const char *name,
		    size_t first, size_t chunk, summary_cb cb, void *arg,
		    struct error *);
/* Every cached UID, ascending, with its flags: new arrays. */
int		 imapc_cache_uids(struct imapc_cache *, const char *name,
		    uint32_t **uidsp, uint32_t **flagsp, size_t *np,
		    struct error *);
/* The cached UIDs whose size is SUMMARY_SIZE_UNKNOWN, ascending. */
int		 imapc_cache_unsized(struct imapc_cache *, const char *name,
		    uint32_t **uidsp, size_t *np, struct error *);
/* UIDs whose headers match an FTS5 query, highest first: a new array. */
int		 imapc_cache_search(struct imapc_cache *, const char *name,
		    const char *query, uint32_t **uidsp, size_t *np,
		    struct error *);

/* bodies.c: load_body, fetch_message, fetch_part of model/backend.h. */
int		 imapc_load_body(const struct account *, const char *wire_name,
		    uint32_t uid, int whole, struct sbuf *out, int *partialp,
		    struct error *);
int		 imapc_fetch_message(struct backend *, const char *wire_name,
		    uint32_t uid, int whole, struct sbuf *out, int *partialp,
		    struct error *);
int		 imapc_fetch_part(struct backend *, uint32_t uid,
		    const char *section, struct sbuf *out, struct error *);

/*
 * The body cache (cache.c), in the same file. body_get appends the cached
 * copy of uid in folder name to out and marks it used: 0 (and *partialp,
 * may be NULL: 1 for a message whose big parts were left out), 1 when it
 * is not cached, -1 and err. body_put stores len bytes of data (the
 * folder must have a row, else nothing is stored), then evicts the
 * least recently used bodies until all of them take at most limit bytes;
 * a body over limit is not stored. body_evict does only the evicting,
 * body_total adds up the sizes stored.
 */
int		 imapc_cache_body_get(struct imapc_cache *, const char *name,
		    uint32_t uid, struct sbuf *out, int *partialp,
		    struct error *);
int		 imapc_cache_body_put(struct imapc_cache *, const char *name,
		    uint32_t uid, const char *data, size_t len, int partial,
		    uint64_t limit, struct error *);
int		 imapc_cache_body_evict(struct imapc_cache *, uint64_t limit,
		    struct error *);
int64_t		 imapc_cache_body_total(struct imapc_cache *, struct error *);

/*
 * sync.c: brings the cache of wire_name up to date with the server and
 * leaves the folder selected (EXAMINE, or SELECT after
 * imapc_set_read_write). An empty cache (or one whose
 * UIDVALIDITY changed: dropped, every cached UID reported as vanished)
 * is filled newest first, a chunk per transaction, each chunk reported
 * through sync->added as it arrives. A filled cache is resynced: QRESYNC
 * (CHANGEDSINCE with VANISHED) where the server has it, CONDSTORE
 * CHANGEDSINCE plus a UID comparison when the count does not add up,
 * else a full UID/FLAGS comparison; new messages go to sync->added,
 * new flags to sync->flags, expunged UIDs to sync->vanished. Safe to
 * call again after a lost connection: an interrupted fill resumes.
 */
int		 imapc_folder_resync(struct backend *, const char *wire_name,
		    const struct backend_sync *, struct error *);

/*
 * folders.c: the folder operations of imap_backend_ops (see
 * model/backend.h), and a name the user typed (UTF-8) in modified UTF-7
 * (RFC 3501 5.1.3): a new string, NULL for bad UTF-8.
 */
int		 imapc_create_folder(struct backend *, const char *name,
		    struct error *);
int		 imapc_rename_folder(struct backend *, const char *wire_name,
		    const char *name, struct error *);
int		 imapc_delete_folder(struct backend *, const char *wire_name,
		    struct error *);
int		 imapc_subscribe_folder(struct backend *,
		    const char *wire_name, int subscribe, struct error *);
char		*imapc_utf7_encode(const char *);

#endif
