/* src/model/thread.h: threads (JWZ) and the order of the index. */
#ifndef POSTERN_MODEL_THREAD_H
#define POSTERN_MODEL_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "model/model.h"

#define THREAD_NONE		SIZE_MAX
#define THREAD_MAX_REFS		64	/* last References we follow */
#define THREAD_MAX_ID		998	/* bytes of one Message-ID (a line) */
#define THREAD_MAX_DEPTH	1000	/* deeper links are not made */
#define THREAD_TREE_LEVELS	32	/* levels of tree lines kept per row */

/* One row of the index: a message and where it sits in its thread. */
struct thread_row {
	uint32_t	 msg;		/* index into the summaries */
	uint32_t	 size;		/* at depth 0: messages in the thread */
	uint32_t	 more;		/* bit k-1: level k goes on below */
	uint16_t	 depth;		/* 0: the first of its thread */
	uint8_t		 last;		/* the last reply to its parent */
};

/* The key of a Message-ID (as bytes, brackets included); never 0. */
uint64_t thread_key(const char *, size_t);

/*
 * The keys threads use, from the headers (any may be NULL): *idp the
 * Message-ID's (0: none), refs[0..return) the last THREAD_MAX_REFS IDs
 * of References then In-Reply-To when it is not among them.
 */
size_t	 thread_keys_parse(const char *message_id, const char *in_reply_to,
	    const char *references, uint64_t *idp, uint64_t *refs);

/*
 * Links n messages into threads as in JWZ's algorithm: by References and
 * In-Reply-To, then by subject for messages without either whose subject
 * is a reply ("Re: x" joins the thread of "x"). Sets parent[i] to the
 * index of message i's parent, or THREAD_NONE. A missing parent's
 * replies hang under the earliest of them. Cycles, duplicate Message-IDs
 * and absurd depths are survived, bounded by the limits above. Works
 * on summaries with their ID strings and on compacted ones alike.
 */
void	 thread_parents(const struct summary *, size_t n, size_t *parent);

/*
 * Returns the offset in subject past reply and forward prefixes ("Re:",
 * "Fwd:", "AW:", "Re[2]:" ...) and blanks; *replyp says if there were any
 * (replyp may be NULL).
 */
size_t	 thread_subject_skip(const char *subject, int *replyp);

/*
 * Fills rows[0..n) with every message in display order: for
 * CONFIG_SORT_THREAD threads by their newest message (replies below
 * their parent, oldest first), else a flat list by the key. Stable:
 * equal keys keep the order of msgs. reverse turns the order around.
 */
void	 sort_rows(const struct summary *, size_t n, enum config_sort,
	    int reverse, struct thread_row *rows);

#endif
