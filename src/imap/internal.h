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
/* The FETCH attributes of a summary (imap.c); free with fetch_type_free. */
struct mailimap_fetch_type *imapc_summary_fetch_type(void);

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
