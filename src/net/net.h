/* src/net/net.h: connections you can trust (TLS policy, checks, limits). */
#ifndef POSTERN_NET_NET_H
#define POSTERN_NET_NET_H

#include <libetpan/libetpan.h>

#include "config/config.h"
#include "core/error.h"

#define NET_DEFAULT_TIMEOUT	30	/* seconds, per read and for connect */
#define NET_FINGERPRINT_LEN	96	/* "AB:CD:..." of a SHA-256, with NUL */

/* What a server's certificate says, for the user to judge; all NUL-ended. */
struct net_cert_info {
	int		 valid;			/* filled */
	char		 subject[256];
	char		 issuer[256];
	char		 not_before[64];
	char		 not_after[64];
	char		 sha256[NET_FINGERPRINT_LEN];
};

/* How to reach one server. Strings are borrowed for the call. */
struct net_target {
	const char	*host;
	uint16_t	 port;
	enum security	 security;
	const char	*ca_file;	/* extra trusted CA, may be NULL */
	int		 timeout;	/* seconds; 0 means NET_DEFAULT_TIMEOUT */
	/*
	 * The caller's watchdog (borrowed, may be NULL): the open uses it
	 * instead of its own, so net_watchdog_cancel on it also ends an open
	 * in progress (after the TCP connect, which its deadline bounds).
	 */
	struct net_watchdog	*watchdog;
	/*
	 * A pinned certificate for this host (tls.pin-sha256): the SHA-256
	 * fingerprint "AB:CD:..." (borrowed, may be NULL). When set, the
	 * server's leaf must be exactly that certificate, trusted or not,
	 * and no other certificate is accepted.
	 */
	const char		*pin_sha256;
	/* Filled with the leaf's details when the check fails; may be NULL. */
	struct net_cert_info	*cert;
};

/* Fills a target from an account's endpoint (host, port, security). */
void		 net_target_from(struct net_target *, const struct account *,
		    const struct endpoint *);

/*
 * Verifies the certificate chain the server sent on stream (TLS already
 * up) against the system trust store plus ca_file, and the host name (or
 * IP literal). On failure returns -1 with ERROR_TLS and a message naming
 * host, the reason and the leaf's SHA-256 fingerprint.
 */
int		 net_tls_verify(mailstream *, const char *host,
		    const char *ca_file, struct error *);

/*
 * Each opens a connection, brings TLS up (implicit or STARTTLS; no
 * STARTTLS offered, or refused, fails with ERROR_TLS and nothing else is
 * sent), verifies it with net_tls_verify, and asks for capabilities again
 * after STARTTLS (IMAP CAPABILITY, SMTP EHLO). Bytes the server sent before
 * the handshake are rejected. The caller owns the returned session and
 * ends it with the matching net_*_close. NULL and err on failure.
 */
mailimap	*net_imap_open(const struct net_target *, struct error *);
mailpop3	*net_pop3_open(const struct net_target *, struct error *);
mailsmtp	*net_smtp_open(const struct net_target *, struct error *);

/*
 * Ends a session. polite != 0 says goodbye (LOGOUT/QUIT) first; 0 shuts
 * the socket down so that nothing more is sent (for POP3: no QUIT, so no
 * DELE is committed).
 */
void		 net_imap_close(mailimap *, int polite);
void		 net_pop3_close(mailpop3 *, int polite);
void		 net_smtp_close(mailsmtp *, int polite);

/*
 * Whether AUTH can work on s at all: the server offers PLAIN or LOGIN
 * and cyrus-sasl has the module for it (libsasl2-modules; without it
 * libetpan fails as for a wrong password). Ask before the password.
 */
int		 net_smtp_auth_ready(mailsmtp *, const char *host,
		    struct error *);
/*
 * SMTP AUTH PLAIN (LOGIN when PLAIN is not offered or the credentials
 * do not fit libetpan's buffer) as user. Refuses CR/LF/NUL in user and
 * pass. ERROR_AUTH for refused credentials, ERROR_SYS for a missing
 * SASL module, ERROR_NET for a lost link. The caller arms its watchdog
 * around the call.
 */
int		 net_smtp_auth(mailsmtp *, const char *host, const char *user,
		    const char *pass, struct error *);
/* The server's last SMTP reply on one line, cut to size; "" if none. */
const char	*net_smtp_reply(const mailsmtp *, char *buf, size_t size);

/*
 * Refuses a user name, password, mailbox name or address holding CR, LF
 * or NUL (libetpan would put them on the wire raw); what names the value
 * in the message (never the value itself).
 */
int		 net_check_wire_string(const char *what, const char *value,
		    struct error *);

/*
 * A watchdog cancels a stream whose operation runs past its deadline (a
 * server that trickles bytes, or a truncated literal that makes libetpan
 * spin). One per worker; arm before a blocking call, disarm after, and
 * disarm before anything frees the stream (mailimap_logout, mailpop3_quit,
 * mailsmtp_quit and the *_free functions do). A fired watchdog shuts the
 * socket down, so the program must ignore SIGPIPE (main does).
 */
struct net_watchdog;
struct net_watchdog	*net_watchdog_new(void);
void		 net_watchdog_free(struct net_watchdog *);
void		 net_watchdog_arm(struct net_watchdog *, mailstream *,
		    int seconds);
/* Returns 1 if the watchdog fired since it was armed, else 0. */
int		 net_watchdog_disarm(struct net_watchdog *);
/*
 * Fires now if armed, and at once on every later arm: for a worker that
 * is told to stop while a network call blocks. Thread-safe.
 */
void		 net_watchdog_cancel(struct net_watchdog *);

#endif
