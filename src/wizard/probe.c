/*
 * src/wizard/probe.c: which of a provider's candidate servers works for
 * this user, found live. Each candidate in order: connect, verify TLS
 * (or get STARTTLS), only then send the password, log in; the first that
 * works wins, and every other gets a one-line reason.
 *
 * The password is only sent by wizard_login_* after net_*_open succeeded,
 * so never to a server whose certificate did not verify or that offered
 * no STARTTLS. Before any login succeeded, a rejection may mean a wrong
 * password: after WIZARD_MAX_REJECTS hosts said no, the probe stops.
 *
 * A starttls candidate may in fact speak TLS from the first byte (Spectrum
 * documents 587 as STARTTLS, mobile.charter.net speaks TLS there). Such a
 * server waits for our ClientHello while we wait for its greeting, so
 * before a STARTTLS attempt we listen, sending nothing, for up to
 * WIZARD_SNIFF_MS: a server that stays silent (or answers with a TLS
 * record) is tried as tls on the same port first.
 */
#include <config.h>	/* autoconf's */

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "net/net.h"
#include "wizard/internal.h"
#include "wizard/wizard.h"

#define PROBE_MAX_HOSTS		(WIZARD_NSERVICES * WIZARD_MAX_CANDIDATES)

struct wizard_probe {
	struct wizard_probe_params	 p;
	struct wizard_login		 login;
	char				*pass;
	int				 pass_tried;
	struct error			 pass_err;
	int				 proven;	/* a login worked */
	int				 stopped;	/* send no more */
	struct error			 stop_err;
	const char			*rejected[PROBE_MAX_HOSTS];
	size_t				 nrejected;
};

/* What listening to a starttls candidate told. */
enum probe_sniff {
	SNIFF_UNKNOWN,		/* could not connect: let the open say why */
	SNIFF_GREETING,		/* plaintext bytes: a greeting */
	SNIFF_TLS,		/* silence or a TLS record */
};

static int (*const probe_login[WIZARD_NSERVICES])(const struct wizard_login *,
    const struct net_target *, struct error *) = {
	wizard_login_imap, wizard_login_pop3, wizard_login_smtp
};

static const char *
probe_password(void *arg, struct error *err)
{
	struct wizard_probe	*pr = arg;
	struct account		 a;

	if (pr->p.password != NULL)
		return pr->p.password;
	if (!pr->pass_tried) {
		pr->pass_tried = 1;
		memset(&a, 0, sizeof a);
		a.id = (char *)pr->p.address;
		a.password_command = (char *)pr->p.password_command;
		log_info("%s: running the password command", pr->p.address);
		if (config_password(&a, &pr->pass, &pr->pass_err) == -1)
			pr->pass = NULL;
	}
	if (pr->pass == NULL) {
		error_set(err, ERROR_INPUT, _("cannot get the password: %s"),
		    pr->pass_err.msg);
		return NULL;
	}
	return pr->pass;
}

struct wizard_probe *
wizard_probe_new(const struct wizard_probe_params *params)
{
	struct wizard_probe	*pr;

	pr = xcalloc(1, sizeof *pr);
	pr->p = *params;
	if (pr->p.timeout <= 0)
		pr->p.timeout = WIZARD_PROBE_TIMEOUT;
	if (pr->p.sniff_ms <= 0)
		pr->p.sniff_ms = WIZARD_SNIFF_MS;
	pr->login.who = pr->p.address;
	pr->login.username = pr->p.username;
	pr->login.timeout = pr->p.timeout;
	pr->login.wd = net_watchdog_new();
	pr->login.password = probe_password;
	pr->login.arg = pr;
	return pr;
}

void
wizard_probe_free(struct wizard_probe *pr)
{
	if (pr == NULL)
		return;
	config_password_free(pr->pass);
	net_watchdog_free(pr->login.wd);
	free(pr);
}

void
wizard_probe_cancel(struct wizard_probe *pr)
{
	net_watchdog_cancel(pr->login.wd);
}

int
wizard_probe_proven(const struct wizard_probe *pr)
{
	return pr->proven;
}

/* Milliseconds from now until deadline, at least 0. */
static int
probe_left(const struct timespec *deadline)
{
	struct timespec	 now;
	long long	 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

/* poll() on fd until deadline; 1 when ready, 0 on time-out, -1 error. */
static int
probe_wait(int fd, short events, const struct timespec *deadline)
{
	struct pollfd	 pfd;
	int		 n;

	pfd.fd = fd;
	pfd.events = events;
	do
		n = poll(&pfd, 1, probe_left(deadline));
	while (n == -1 && errno == EINTR);
	return n;
}

/* A non-blocking connect to one address, bounded by the deadline. */
static int
probe_connect(const struct addrinfo *ai, const struct timespec *deadline)
{
	socklen_t	 len;
	int		 fd, e = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	len = sizeof e;
	if (errno == EINPROGRESS && probe_wait(fd, POLLOUT, deadline) == 1 &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0)
		return fd;
	close(fd);
	return -1;
}

/*
 * Listens to c without sending a byte: IMAP, POP3 and SMTP servers greet
 * first, a TLS server waits for the ClientHello. A first byte of 0x15 or
 * 0x16 is a TLS record (alert, handshake).
 */
static enum probe_sniff
probe_sniff(const struct wizard_probe *pr, const struct wizard_candidate *c)
{
	struct addrinfo		 hints, *res, *ai;
	struct timespec		 deadline;
	enum probe_sniff	 ret = SNIFF_UNKNOWN;
	unsigned char		 b;
	char			 port[8];
	ssize_t			 n;
	int			 fd = -1, r;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%u", c->port);
	if (getaddrinfo(c->host, port, &hints, &res) != 0)
		return SNIFF_UNKNOWN;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += pr->p.sniff_ms / 1000;
	deadline.tv_nsec += (long)(pr->p.sniff_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next)
		fd = probe_connect(ai, &deadline);
	freeaddrinfo(res);
	if (fd == -1)
		return SNIFF_UNKNOWN;
	r = probe_wait(fd, POLLIN, &deadline);
	if (r == 0)
		ret = SNIFF_TLS;
	else if (r == 1) {
		do
			n = recv(fd, &b, 1, MSG_PEEK);
		while (n == -1 && errno == EINTR);
		if (n == 1)
			ret = b == 0x15 || b == 0x16 ? SNIFF_TLS :
			    SNIFF_GREETING;
	}
	close(fd);
	log_info("%s:%u: %s", c->host, c->port, ret == SNIFF_TLS ? "silent "
	    "or TLS: speaks TLS first?" : ret == SNIFF_GREETING ? "greets" :
	    "no answer");
	return ret;
}

static void
probe_report(struct wizard_probe *pr, struct wizard_attempt *at)
{
	log_info("%s: %s %s:%u (%s): %d %s", pr->p.address,
	    wizard_service_name(at->service), at->cand.host, at->cand.port,
	    config_security_name(at->cand.security), (int)at->result,
	    at->reason);
	if (pr->p.cb != NULL)
		pr->p.cb(at, pr->p.arg);
}

static int
probe_was_rejected(const struct wizard_probe *pr, const char *host)
{
	size_t	 i;

	for (i = 0; i < pr->nrejected; i++) {
		if (strcmp(pr->rejected[i], host) == 0)
			return 1;
	}
	return 0;
}

/* Learns from a failed login; may stop the probe. */
static void
probe_failed(struct wizard_probe *pr, const struct wizard_candidate *c,
    const struct error *e)
{
	switch (e->kind) {
	case ERROR_AUTH:
		if (!probe_was_rejected(pr, c->host) &&
		    pr->nrejected < PROBE_MAX_HOSTS)
			pr->rejected[pr->nrejected++] = c->host;
		if (!pr->proven && pr->nrejected >= WIZARD_MAX_REJECTS) {
			pr->stopped = 1;
			error_set(&pr->stop_err, ERROR_AUTH, _("the login was "
			    "rejected by %zu servers: is the password right? "
			    "Not sending it to more servers"), pr->nrejected);
		}
		break;
	case ERROR_INPUT:
		/* The user name or password cannot be sent anywhere. */
		pr->stopped = 1;
		pr->stop_err = *e;
		break;
	default:
		break;
	}
}

/* One connect-and-login attempt at c as security sec; 0 if it worked. */
static int
probe_try(struct wizard_probe *pr, enum wizard_service s,
    const struct wizard_candidate *c, enum security sec, struct error *e)
{
	struct wizard_attempt	 at;
	struct net_target	 t;
	struct net_cert_info	 cert;
	struct account		 pins;
	int			 ret;

	memset(&pins, 0, sizeof pins);
	pins.tls_pins = pr->p.pins;
	pins.ntls_pins = pr->p.npins;
	memset(&cert, 0, sizeof cert);
	memset(&t, 0, sizeof t);
	t.host = c->host;
	t.port = c->port;
	t.security = sec;
	t.ca_file = pr->p.ca_file;
	t.timeout = pr->p.timeout;
	t.watchdog = pr->login.wd;	/* wizard_probe_cancel ends the open */
	t.pin_sha256 = config_pin_find(&pins, c->host);
	t.cert = &cert;
	error_clear(e);
	memset(&at, 0, sizeof at);
	at.service = s;
	at.cand = *c;
	at.cand.security = sec;
	at.result = WIZARD_TRYING;
	if (pr->p.cb != NULL && pr->p.progress)
		pr->p.cb(&at, pr->p.arg);
	ret = probe_login[s](&pr->login, &t, e);
	memset(&at, 0, sizeof at);
	if (ret == -1 && e->kind == ERROR_TLS)
		at.cert = cert;
	at.service = s;
	at.cand = *c;
	at.cand.security = sec;
	at.result = ret == 0 ? WIZARD_OK : WIZARD_FAILED;
	at.kind = ret == 0 ? ERROR_NONE : e->kind;
	if (ret == 0)
		pr->proven = 1;
	else {
		snprintf(at.reason, sizeof at.reason, "%s", e->msg);
		probe_failed(pr, c, e);
	}
	probe_report(pr, &at);
	return ret;
}

static void
probe_note(struct wizard_probe *pr, enum wizard_service s,
    const struct wizard_candidate *c, enum wizard_result r,
    const char *reason)
{
	struct wizard_attempt	 at;

	memset(&at, 0, sizeof at);
	at.service = s;
	at.cand = *c;
	at.result = r;
	snprintf(at.reason, sizeof at.reason, "%s", reason);
	probe_report(pr, &at);
}

/*
 * A starttls candidate: if it stays silent, try it as tls first; if that
 * fails for another reason than the login, fall back to STARTTLS (a slow
 * greeter). Sets *sec to what worked.
 */
static int
probe_starttls(struct wizard_probe *pr, enum wizard_service s,
    const struct wizard_candidate *c, enum security *sec, struct error *e)
{
	char	 msg[ERROR_MSG_MAX];

	if (probe_sniff(pr, c) == SNIFF_TLS) {
		snprintf(msg, sizeof msg, _("no greeting within %d ms: the "
		    "server seems to speak TLS from the first byte; trying "
		    "tls"), pr->p.sniff_ms);
		probe_note(pr, s, c, WIZARD_RETRY_TLS, msg);
		*sec = SECURITY_TLS;
		if (probe_try(pr, s, c, SECURITY_TLS, e) == 0)
			return 0;
		if (e->kind == ERROR_AUTH || pr->stopped)
			return -1;
	}
	*sec = SECURITY_STARTTLS;
	return probe_try(pr, s, c, SECURITY_STARTTLS, e);
}

/* Reports the candidates from i on as not tried. */
static void
probe_skip_rest(struct wizard_probe *pr, const struct wizard_provider *p,
    enum wizard_service s, size_t i)
{
	for (; i < p->ncand[s]; i++)
		probe_note(pr, s, &p->cand[s][i], WIZARD_SKIPPED,
		    pr->stop_err.msg);
}

int
wizard_probe_run(struct wizard_probe *pr, const struct wizard_provider *p,
    enum wizard_service s, struct wizard_candidate *chosen,
    struct error *err)
{
	const struct wizard_candidate	*c;
	struct error			 e = { 0 };
	enum security			 sec;
	char				 msg[ERROR_MSG_MAX];
	size_t				 i;
	int				 ret;

	if (p->ncand[s] == 0)
		return error_set(err, ERROR_INPUT, _("%s lists no %s server"),
		    p->name, wizard_service_name(s));
	for (i = 0; i < p->ncand[s]; i++) {
		c = &p->cand[s][i];
		if (!pr->stopped && pr->p.cancel != NULL &&
		    atomic_load(pr->p.cancel)) {
			pr->stopped = 1;
			error_set(&pr->stop_err, ERROR_CANCELLED, "%s",
			    _("cancelled"));
		}
		if (pr->stopped) {
			probe_skip_rest(pr, p, s, i);
			break;
		}
		if (probe_was_rejected(pr, c->host)) {
			snprintf(msg, sizeof msg, _("%s already rejected "
			    "the login"), c->host);
			probe_note(pr, s, c, WIZARD_SKIPPED, msg);
			continue;
		}
		sec = c->security;
		if (sec == SECURITY_STARTTLS)
			ret = probe_starttls(pr, s, c, &sec, &e);
		else
			ret = probe_try(pr, s, c, sec, &e);
		if (ret == 0) {
			*chosen = *c;
			chosen->security = sec;
			return 0;
		}
	}
	if (pr->stopped)
		return error_set(err, pr->stop_err.kind, _("no %s server "
		    "works: %s"), wizard_service_name(s), pr->stop_err.msg);
	return error_set(err, e.kind == ERROR_AUTH ? ERROR_AUTH : ERROR_NET,
	    _("no %s server of %s works (the last: %s)"),
	    wizard_service_name(s), p->name, e.msg);
}
