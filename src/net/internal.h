/* src/net/internal.h: what the files of src/net/ share (and its tests). */
#ifndef POSTERN_NET_INTERNAL_H
#define POSTERN_NET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "net/net.h"

/*
 * The longest user name, password, mailbox name or address we hand to
 * libetpan: it builds POP3 and SMTP commands with snprintf into 513-byte
 * buffers and cuts longer ones silently (CRLF included). SMTP AUTH LOGIN
 * sends base64 of each alone: 4 * 127 + 2 bytes fit.
 */
#define NET_WIRE_MAX		380

#define NET_MAX_CHAIN		16		/* certificates we look at */
#define NET_MAX_CERT		(64 * 1024)	/* bytes of one certificate */

struct net_conn;

/* One DER certificate, borrowed. */
struct net_der {
	const unsigned char	*data;
	size_t			 len;
};

/*
 * The core of net_tls_verify: certs[0] is the server's leaf, the rest the
 * chain it sent (untrusted). Same errors as net_tls_verify.
 */
int		 net_tls_verify_der(const struct net_der *certs, size_t n,
		    const char *host, const char *ca_file, struct error *);
/*
 * The same with a pin (NULL: none; see struct net_target) and the leaf's
 * details in *info (may be NULL) when the check fails.
 */
int		 net_tls_verify_pin(const struct net_der *certs, size_t n,
		    const char *host, const char *ca_file, const char *pin,
		    struct net_cert_info *info, struct error *);
/* net_tls_verify for a connection being opened (its pin and info). */
int		 net_tls_verify_conn(mailstream *, const struct net_conn *,
		    struct error *);
/* 1 if host is an IPv4 or IPv6 address literal. */
int		 net_is_ip_literal(const char *host);
/* The TLS callback that sets SNI to data (a host name) unless NULL. */
void		 net_tls_sni(struct mailstream_ssl_context *, void *data);

/*
 * Arms wd until deadline (CLOCK_MONOTONIC). When it fires it cancels
 * stream (may be NULL) and shuts down the socket fd (-1 for none; the
 * watchdog keeps its own duplicate, so fd may be closed meanwhile).
 */
void		 net_watchdog_start(struct net_watchdog *, mailstream *,
		    int fd, const struct timespec *deadline);
/*
 * Changes the stream a fire cancels, deadline unchanged: NULL while the
 * stream's lower layer is being replaced (STARTTLS) or while libetpan
 * may free the stream.
 */
void		 net_watchdog_retarget(struct net_watchdog *, mailstream *);
/* The socket under a stream, or -1. */
int		 net_stream_fd(mailstream *);

/* A connection being opened: one deadline for connect, TLS, greeting. */
struct net_conn {
	const char		*host;
	uint16_t		 port;
	enum security		 security;
	const char		*ca_file;
	const char		*pin;		/* pin_sha256, may be NULL */
	struct net_cert_info	*cert;		/* may be NULL */
	char			*sni;		/* NULL for an IP literal */
	int			 timeout;
	int			 fd;		/* ours until a stream has it */
	struct timespec		 deadline;
	struct net_watchdog	*wd;
	int			 own_wd;	/* wd is ours to free */
	char			 where[300];	/* "host:port" for messages */
};

/* Resolves and connects (bounded by the deadline), starts the watchdog. */
int		 net_conn_begin(struct net_conn *, const struct net_target *,
		    struct error *);
/*
 * Wraps the socket in a plain stream (STARTTLS) or does the TLS handshake
 * and verifies the certificate (TLS). The stream owns the socket after.
 */
mailstream	*net_conn_stream(struct net_conn *, struct error *);
/*
 * After the server accepted STARTTLS/STLS: refuses bytes it sent ahead of
 * the handshake, replaces the stream's lower layer by TLS, verifies.
 */
int		 net_conn_starttls(struct net_conn *, mailstream *,
		    struct error *);
/* The error for "server offers no STARTTLS". */
int		 net_conn_no_starttls(struct net_conn *, const char *what,
		    struct error *);
/* The error for bytes injected after the STARTTLS answer. */
int		 net_conn_injected(struct net_conn *, struct error *);
/*
 * Stops the watchdog. If it fired, replaces err by a timeout error and
 * returns -1; else returns ret.
 */
int		 net_conn_end(struct net_conn *, int ret, struct error *);
/* Shuts a stream's socket down and frees the stream; sends nothing. */
void		 net_stream_discard(mailstream *);

#endif
