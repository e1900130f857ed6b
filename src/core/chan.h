/* src/core/chan.h: a thread-safe queue that wakes a poll loop. */
#ifndef POSTERN_CORE_CHAN_H
#define POSTERN_CORE_CHAN_H

struct chan;

/* Item free function, used by chan_free for what is still queued. */
typedef void	(*chan_free_cb)(void *);

struct chan	*chan_new(void);
/* Frees the channel and, through cb (may be NULL), every queued item. */
void		 chan_free(struct chan *, chan_free_cb cb);
/*
 * Queues item; the channel owns it until it is popped, then the receiver
 * does. Items pushed after chan_close are freed with cb at chan_free.
 */
void		 chan_push(struct chan *, void *item);
/* Returns the oldest item, or NULL at once if there is none. */
void		*chan_pop(struct chan *);
/*
 * Returns the oldest item, waiting up to timeout_ms (-1: for ever); NULL on
 * time-out or when the channel is closed and empty.
 */
void		*chan_wait(struct chan *, int timeout_ms);
/* Wakes every waiter; later waits return NULL once the queue is empty. */
void		 chan_close(struct chan *);
int		 chan_closed(struct chan *);
/* A descriptor that polls readable while items are queued. */
int		 chan_fd(struct chan *);

#endif
