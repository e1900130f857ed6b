/* src/core/chan.c: a thread-safe queue that wakes a poll loop. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/chan.h"
#include "core/xmalloc.h"

struct chan_item {
	void			*data;
	struct chan_item	*next;
};

struct chan {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct chan_item	*head;
	struct chan_item	*tail;
	int			 closed;
	int			 pipe[2];	/* one byte while non-empty */
	int			 signalled;
};

static void
chan_set_nonblock(int fd)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

struct chan *
chan_new(void)
{
	struct chan		*c;
	pthread_condattr_t	 attr;

	c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pipe(c->pipe) == -1) {
		/* Without a pipe nothing can wake the UI: give up early. */
		abort();
	}
	chan_set_nonblock(c->pipe[0]);
	chan_set_nonblock(c->pipe[1]);
	return c;
}

void
chan_free(struct chan *c, chan_free_cb cb)
{
	struct chan_item	*it, *next;

	if (c == NULL)
		return;
	for (it = c->head; it != NULL; it = next) {
		next = it->next;
		if (cb != NULL)
			cb(it->data);
		free(it);
	}
	close(c->pipe[0]);
	close(c->pipe[1]);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Called with the lock held. */
static void
chan_signal(struct chan *c)
{
	char	 b = 1;

	if (!c->signalled) {
		if (write(c->pipe[1], &b, 1) == 1)
			c->signalled = 1;
	}
	pthread_cond_broadcast(&c->cond);
}

void
chan_push(struct chan *c, void *data)
{
	struct chan_item	*it;

	it = xmalloc(sizeof *it);
	it->data = data;
	it->next = NULL;
	pthread_mutex_lock(&c->lock);
	if (c->tail != NULL)
		c->tail->next = it;
	else
		c->head = it;
	c->tail = it;
	chan_signal(c);
	pthread_mutex_unlock(&c->lock);
}

/* Called with the lock held. */
static void *
chan_take(struct chan *c)
{
	struct chan_item	*it;
	void			*data;
	char			 buf[16];

	if ((it = c->head) == NULL)
		return NULL;
	c->head = it->next;
	if (c->head == NULL) {
		c->tail = NULL;
		if (c->signalled && !c->closed) {
			while (read(c->pipe[0], buf, sizeof buf) > 0)
				;
			c->signalled = 0;
		}
	}
	data = it->data;
	free(it);
	return data;
}

void *
chan_pop(struct chan *c)
{
	void	*data;

	pthread_mutex_lock(&c->lock);
	data = chan_take(c);
	pthread_mutex_unlock(&c->lock);
	return data;
}

void *
chan_wait(struct chan *c, int timeout_ms)
{
	struct timespec	 ts;
	void		*data;

	if (timeout_ms >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += timeout_ms / 1000;
		ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&c->lock);
	while (c->head == NULL && !c->closed) {
		if (timeout_ms < 0)
			pthread_cond_wait(&c->cond, &c->lock);
		else if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) ==
		    ETIMEDOUT)
			break;
	}
	data = chan_take(c);
	pthread_mutex_unlock(&c->lock);
	return data;
}

void
chan_close(struct chan *c)
{
	pthread_mutex_lock(&c->lock);
	c->closed = 1;
	chan_signal(c);
	pthread_mutex_unlock(&c->lock);
}

int
chan_closed(struct chan *c)
{
	int	 closed;

	pthread_mutex_lock(&c->lock);
	closed = c->closed;
	pthread_mutex_unlock(&c->lock);
	return closed;
}

int
chan_fd(struct chan *c)
{
	return c->pipe[0];
}
