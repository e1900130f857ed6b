/*
 * src/net/conn.c: connecting, with one deadline for the whole opening.
 *
 * Opening a session is connect + TLS handshake + greeting (+ capabilities
 * + STARTTLS + handshake). libetpan bounds each read by the timeout but
 * not the whole: a server that trickles one byte a second keeps a
 * greeting (or a TLS handshake) going forever, and a plaintext EOF in the
 * middle of a literal or a POP3 multi-line answer makes libetpan spin.
 * So net_conn_begin() fixes a deadline (now + timeout), connects with a
 * non-blocking connect() and poll() bounded by it, and arms a watchdog
 * with the same deadline for everything after; net_conn_end() disarms it
 * and turns whatever failed after a fire into a timeout error.
 */
#include <config.h>	/* autoconf's */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "net/internal.h"

void
net_target_from(struct net_target *t, const struct account *a,
    const struct endpoint *ep)
{
	memset(t, 0, sizeof *t);
	t->host = ep->host;
	t->port = ep->port;
	t->security = ep->security;
	t->ca_file = a->ca_file;
	t->timeout = a->timeout;
	t->pin_sha256 = ep->host != NULL ? config_pin_find(a, ep->host) :
	    NULL;
}

int
net_check_wire_string(const char *what, const char *value, struct error *err)
{
	size_t	 len;

	if (value == NULL)
		return error_set(err, ERROR_INPUT, _("%s is missing"), what);
	len = strlen(value);
	if (strpbrk(value, "\r\n") != NULL)
		return error_set(err, ERROR_INPUT, _("%s holds a line break; "
		    "refusing to send it"), what);
	if (len > NET_WIRE_MAX)
		return error_set(err, ERROR_INPUT, _("%s is too long (%zu "
		    "bytes, at most %d)"), what, len, NET_WIRE_MAX);
	return 0;
}

/* Milliseconds left until the deadline, at least 0. */
static int
net_conn_left(const struct net_conn *c)
{
	struct timespec	 now;
	long long	 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 +
	    (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 3600 * 1000 ? 3600 * 1000 : (int)ms;
}

/* One non-blocking connect to ai, waited for until the deadline. */
static int
net_conn_try(struct net_conn *c, const struct addrinfo *ai)
{
	struct pollfd	 pfd;
	socklen_t	 len;
	int		 fd, e = 0, n;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do
			n = poll(&pfd, 1, net_conn_left(c));
		while (n == -1 && errno == EINTR);
		if (n == 0)
			errno = ETIMEDOUT;
		if (n <= 0)
			goto fail;
		len = sizeof e;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			goto fail;
		if (e != 0) {
			errno = e;
			goto fail;
		}
	}
	/* libetpan wants a blocking socket (it sets its own flags). */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int
net_conn_connect(struct net_conn *c, struct error *err)
{
	struct addrinfo	 hints, *res, *ai;
	char		 port[8];
	int		 gai, e = ECONNREFUSED;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%u", c->port);
	/* getaddrinfo() has no timeout; the resolver's own applies. */
	if ((gai = getaddrinfo(c->host, port, &hints, &res)) != 0)
		return error_set(err, ERROR_NET, _("cannot connect to %s: "
		    "cannot resolve '%s': %s"), c->where, c->host,
		    gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
	c->fd = -1;
	for (ai = res; ai != NULL && c->fd == -1; ai = ai->ai_next) {
		if ((c->fd = net_conn_try(c, ai)) == -1) {
			e = errno;
			if (e == ETIMEDOUT)
				break;
		}
	}
	freeaddrinfo(res);
	if (c->fd != -1)
		return 0;
	if (e == ETIMEDOUT)
		return error_set(err, ERROR_NET, _("cannot connect to %s: "
		    "timed out after %d s"), c->where, c->timeout);
	return error_set(err, ERROR_NET, _("cannot connect to %s: %s"),
	    c->where, strerror(e));
}

int
net_conn_begin(struct net_conn *c, const struct net_target *t,
    struct error *err)
{
	int	 v6;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	if (t->host == NULL || *t->host == '\0')
		return error_set(err, ERROR_INPUT, _("no server host name"));
	c->host = t->host;
	c->port = t->port;
	c->security = t->security;
	c->ca_file = t->ca_file;
	c->pin = t->pin_sha256;
	c->cert = t->cert;
	c->timeout = t->timeout > 0 ? t->timeout : NET_DEFAULT_TIMEOUT;
	v6 = strchr(t->host, ':') != NULL;
	snprintf(c->where, sizeof c->where, "%s%s%s:%u", v6 ? "[" : "",
	    t->host, v6 ? "]" : "", t->port);
	if (!net_is_ip_literal(t->host))
		c->sni = xstrdup(t->host);
	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += c->timeout;
	log_info("connecting to %s (%s, timeout %d s)", c->where,
	    config_security_name(c->security), c->timeout);
	if (net_conn_connect(c, err) == -1) {
		if (err != NULL)
			log_warn("%s", err->msg);
		free(c->sni);
		c->sni = NULL;
		return -1;
	}
	c->own_wd = t->watchdog == NULL;
	c->wd = c->own_wd ? net_watchdog_new() : t->watchdog;
	net_watchdog_start(c->wd, NULL, c->fd, &c->deadline);
	return 0;
}

/* Whether the peer of fd closed or reset the connection (nothing left). */
static int
net_conn_peer_gone(int fd)
{
	char	 b;
	ssize_t	 n;

	n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n == -1 && (errno == ECONNRESET || errno == EPIPE));
}

mailstream *
net_conn_stream(struct net_conn *c, struct error *err)
{
	mailstream	*s;

	if (c->security == SECURITY_STARTTLS) {
		if ((s = mailstream_socket_open_timeout(c->fd, c->timeout))
		    == NULL) {
			error_set(err, ERROR_SYS, "mailstream_socket_open");
			return NULL;
		}
		c->fd = -1;
		return s;
	}
	s = mailstream_ssl_open_with_callback_timeout(c->fd, c->timeout,
	    net_tls_sni, c->sni);
	if (s == NULL) {
		/*
		 * A peer gone in the middle (closed or reset) is the network,
		 * to be retried; anything else is TLS trouble.
		 */
		if (net_conn_peer_gone(c->fd))
			error_set(err, ERROR_NET, _("%s closed the connection "
			    "during the TLS handshake"), c->where);
		else
			error_set(err, ERROR_TLS, _("TLS handshake with %s "
			    "failed"), c->where);
		return NULL;
	}
	c->fd = -1;
	if (net_tls_verify_conn(s, c, err) == -1) {
		net_stream_discard(s);
		return NULL;
	}
	return s;
}

int
net_conn_injected(struct net_conn *c, struct error *err)
{
	return error_set(err, ERROR_TLS, _("%s sent data after accepting "
	    "STARTTLS, before the TLS handshake (possible attack); "
	    "disconnected"), c->where);
}

int
net_conn_no_starttls(struct net_conn *c, const char *what, struct error *err)
{
	return error_set(err, ERROR_TLS, _("server %s offers no %s; refusing "
	    "to send credentials"), c->where, what);
}

int
net_conn_starttls(struct net_conn *c, mailstream *s, struct error *err)
{
	mailstream_low	*low, *tls;
	int		 fd;

	/* Anything read along with the OK came before TLS: injected. */
	if (s->read_buffer_len != 0)
		return net_conn_injected(c, err);
	low = mailstream_get_low(s);
	if ((fd = mailstream_low_get_fd(low)) == -1)
		return error_set(err, ERROR_SYS, "mailstream_low_get_fd");
	net_watchdog_retarget(c->wd, NULL);
	tls = mailstream_low_tls_open_with_callback_timeout(fd, c->timeout,
	    net_tls_sni, c->sni);
	if (tls == NULL) {
		net_watchdog_retarget(c->wd, s);
		return error_set(err, ERROR_TLS, _("TLS handshake with %s "
		    "failed after STARTTLS"), c->where);
	}
	mailstream_low_free(low);
	mailstream_set_low(s, tls);
	net_watchdog_retarget(c->wd, s);
	return net_tls_verify_conn(s, c, err);
}

int
net_conn_end(struct net_conn *c, int ret, struct error *err)
{
	int	 fired;

	/*
	 * A failure at the deadline is a time-out even when libetpan's own
	 * timer (the TLS handshake's, a read's) ran out a moment before
	 * the watchdog's.
	 */
	fired = c->wd != NULL && net_watchdog_disarm(c->wd);
	if (fired || (ret == -1 && net_conn_left(c) == 0))
		ret = error_set(err, ERROR_NET, _("%s: timed out after %d s"),
		    c->where, c->timeout);
	if (c->own_wd)
		net_watchdog_free(c->wd);
	c->wd = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	free(c->sni);
	c->sni = NULL;
	if (ret == -1 && err != NULL)
		log_warn("%s: %s", c->where, err->msg);
	else if (ret == 0)
		log_info("connected to %s", c->where);
	return ret;
}

void
net_stream_discard(mailstream *s)
{
	int	 fd;

	if (s == NULL)
		return;
	if ((fd = net_stream_fd(s)) != -1)
		shutdown(fd, SHUT_RDWR);
	mailstream_close(s);
}
