/* src/model/journal.h: operations made offline, kept until replayed. */
#ifndef POSTERN_MODEL_JOURNAL_H
#define POSTERN_MODEL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define JOURNAL_MAX_BYTES	(16 * 1024 * 1024)	/* the whole file */
#define JOURNAL_MAX_UIDS	1000000			/* in one operation */

enum journal_kind {
	JOURNAL_FLAGS = 1,	/* add, remove */
	JOURNAL_COPY = 2,	/* dest, move */
	JOURNAL_DELETE = 3,	/* move to the Trash or mark \Deleted */
};

struct journal_op {
	uint64_t		 seq;
	enum journal_kind	 kind;
	char			*folder;	/* wire name */
	char			*dest;		/* wire name, or NULL */
	uint32_t		 add;
	uint32_t		 remove;
	int			 move;
	uint32_t		*uids;
	size_t			 nuids;
};

/*
 * An append-only file: "op" lines, each made durable (fsync) before the
 * call returns, and "done" lines once an operation was carried out. An
 * operation with no "done" line is replayed.
 */
struct journal;

/* Opens (reading what is pending) the journal at path; NULL and err. */
struct journal	*journal_open(const char *path, struct error *);
void		 journal_close(struct journal *);
/* $XDG_DATA_HOME/postern/ACCOUNT/pending; the caller frees it. */
char		*journal_path(const char *account_id);
/* Records op (its seq is set) durably. */
int		 journal_add(struct journal *, struct journal_op *,
		    struct error *);
/* The operations not done yet, oldest first (borrowed until the next call). */
size_t		 journal_pending(struct journal *, struct journal_op **);
/* Marks seq done durably; when nothing is pending the file is emptied. */
int		 journal_done(struct journal *, uint64_t seq, struct error *);
void		 journal_op_clear(struct journal_op *);

#endif
