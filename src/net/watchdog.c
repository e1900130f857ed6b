/*
 * src/net/watchdog.c: a thread that cancels a stream whose operation runs
 * past its deadline.
 *
 * libetpan's timeouts are per read: a server that trickles one byte a
 * second never trips them, and a truncated literal makes libetpan spin
 * at EOF with no read timing out at all. The watchdog is the bound on
 * the whole operation. When it fires it calls mailstream_cancel() (the
 * blocked or spinning read returns -1) and shuts the socket down (a read
 * or TLS handshake waiting on it returns at once). The session is dead
 * after that; close it (net_*_close, which will not block).
 *
 * The race of a fire against the stream being freed: the watchdog
 * touches the stream only under its lock, and only while armed. So the
 * owner must disarm before it frees the stream, or calls anything that
 * may free it (mailimap_logout, mailpop3_quit, mailsmtp_quit, the
 * *_free functions); once net_watchdog_disarm() returned, no cancel is
 * running or will run. The socket is shut down through a duplicate
 * descriptor taken at arm time, so a descriptor number reused after
 * libetpan closed the socket is never hit.
 *
 * A write to a socket the peer (or the watchdog) shut down raises
 * SIGPIPE: libetpan sends without MSG_NOSIGNAL. The program must ignore
 * SIGPIPE (main() does).
 */
#include <config.h>	/* autoconf's */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xmalloc.h"
#include "net/internal.h"

struct net_watchdog {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	pthread_t	 thread;
	mailstream	*stream;	/* cancelled on fire; may be NULL */
	int		 fd;		/* our duplicate of its socket, or -1 */
	struct timespec	 deadline;	/* CLOCK_MONOTONIC */
	int		 armed;
	int		 fired;
	int		 cancelled;	/* for good: every arm fires at once */
	int		 quit;
};

static int
net_watchdog_due(const struct timespec *deadline)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec != deadline->tv_sec)
		return now.tv_sec > deadline->tv_sec;
	return now.tv_nsec >= deadline->tv_nsec;
}

/* Called with the lock held. */
static void
net_watchdog_fire(struct net_watchdog *wd)
{
	log_warn("deadline passed, cancelling the connection");
	if (wd->stream != NULL)
		mailstream_cancel(wd->stream);
	if (wd->fd != -1)
		shutdown(wd->fd, SHUT_RDWR);
	wd->fired = 1;
	wd->armed = 0;
}

static void *
net_watchdog_run(void *arg)
{
	struct net_watchdog	*wd = arg;

	pthread_mutex_lock(&wd->lock);
	while (!wd->quit) {
		if (!wd->armed)
			pthread_cond_wait(&wd->cond, &wd->lock);
		else if (net_watchdog_due(&wd->deadline))
			net_watchdog_fire(wd);
		else
			pthread_cond_timedwait(&wd->cond, &wd->lock,
			    &wd->deadline);
	}
	pthread_mutex_unlock(&wd->lock);
	return NULL;
}

struct net_watchdog *
net_watchdog_new(void)
{
	struct net_watchdog	*wd;
	pthread_condattr_t	 attr;
	int			 e;

	wd = xcalloc(1, sizeof *wd);
	wd->fd = -1;
	pthread_mutex_init(&wd->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wd->cond, &attr);
	pthread_condattr_destroy(&attr);
	if ((e = pthread_create(&wd->thread, NULL, net_watchdog_run, wd))
	    != 0) {
		/* As xmalloc: without it a hostile server could hang us. */
		log_error("pthread_create: %s", strerror(e));
		abort();
	}
	return wd;
}

void
net_watchdog_free(struct net_watchdog *wd)
{
	if (wd == NULL)
		return;
	pthread_mutex_lock(&wd->lock);
	wd->quit = 1;
	pthread_cond_signal(&wd->cond);
	pthread_mutex_unlock(&wd->lock);
	pthread_join(wd->thread, NULL);
	if (wd->fd != -1)
		close(wd->fd);
	pthread_cond_destroy(&wd->cond);
	pthread_mutex_destroy(&wd->lock);
	free(wd);
}

int
net_stream_fd(mailstream *s)
{
	mailstream_low	*low;

	if (s == NULL || (low = mailstream_get_low(s)) == NULL)
		return -1;
	return mailstream_low_get_fd(low);
}

void
net_watchdog_start(struct net_watchdog *wd, mailstream *s, int fd,
    const struct timespec *deadline)
{
	int	 dupfd = -1, old;

	if (fd >= 0 && (dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		log_warn("dup: %s", strerror(errno));
	pthread_mutex_lock(&wd->lock);
	old = wd->fd;
	wd->stream = s;
	wd->fd = dupfd;
	wd->deadline = *deadline;
	if (wd->cancelled)
		clock_gettime(CLOCK_MONOTONIC, &wd->deadline);
	wd->armed = 1;
	wd->fired = 0;
	pthread_cond_signal(&wd->cond);
	pthread_mutex_unlock(&wd->lock);
	if (old != -1)
		close(old);
}

void
net_watchdog_arm(struct net_watchdog *wd, mailstream *s, int seconds)
{
	struct timespec	 deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds > 0 ? seconds : NET_DEFAULT_TIMEOUT;
	net_watchdog_start(wd, s, net_stream_fd(s), &deadline);
}

void
net_watchdog_retarget(struct net_watchdog *wd, mailstream *s)
{
	pthread_mutex_lock(&wd->lock);
	wd->stream = s;
	pthread_mutex_unlock(&wd->lock);
}

int
net_watchdog_disarm(struct net_watchdog *wd)
{
	int	 fired, fd;

	pthread_mutex_lock(&wd->lock);
	fired = wd->fired;
	fd = wd->fd;
	wd->fd = -1;
	wd->stream = NULL;
	wd->armed = 0;
	wd->fired = 0;
	pthread_mutex_unlock(&wd->lock);
	if (fd != -1)
		close(fd);
	return fired;
}

void
net_watchdog_cancel(struct net_watchdog *wd)
{
	pthread_mutex_lock(&wd->lock);
	wd->cancelled = 1;
	if (wd->armed)
		clock_gettime(CLOCK_MONOTONIC, &wd->deadline);
	pthread_cond_signal(&wd->cond);
	pthread_mutex_unlock(&wd->lock);
}
