/* src/net/pop3.c: opening and closing POP3 sessions. */
#include <config.h>	/* autoconf's */

#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "core/i18n.h"
#include "core/log.h"
#include "net/internal.h"

/*
 * mailpop3_quit() sends QUIT only in the AUTHORIZATION and TRANSACTION
 * states and otherwise just closes and frees; any other value sends it
 * that way. The socket is shut down first, so even a libetpan that did
 * send would send nothing: no QUIT, so no DELE is committed.
 */
#define NET_POP3_STATE_GONE	(-1)

static void
net_pop3_discard(mailpop3 *f)
{
	int	 fd;

	if (f->pop3_stream != NULL) {
		if ((fd = net_stream_fd(f->pop3_stream)) != -1)
			shutdown(fd, SHUT_RDWR);
		f->pop3_state = NET_POP3_STATE_GONE;
		mailpop3_quit(f);
	}
}

static int
net_pop3_greeting(struct net_conn *c, mailpop3 *f, mailstream *s,
    struct error *err)
{
	switch (mailpop3_connect(f, s)) {
	case MAILPOP3_NO_ERROR:
		return 0;
	case MAILPOP3_ERROR_STREAM:
		return error_set(err, ERROR_NET, _("%s closed the connection "
		    "before greeting"), c->where);
	default:
		return error_set(err, ERROR_PROTO, _("%s did not greet as a "
		    "POP3 server"), c->where);
	}
}

/* 1 if the server lists STLS in CAPA, 0 if not, -1 on a dead stream. */
static int
net_pop3_has_stls(mailpop3 *f)
{
	struct mailpop3_capa	*capa;
	clist			*list = NULL;
	clistiter		*it;
	int			 r, found = 0;

	r = mailpop3_capa(f, &list);
	if (r == MAILPOP3_ERROR_STREAM)
		return -1;
	if (r != MAILPOP3_NO_ERROR || list == NULL)
		return 0;
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		capa = clist_content(it);
		if (capa->cap_name != NULL &&
		    strcasecmp(capa->cap_name, "STLS") == 0)
			found = 1;
	}
	mailpop3_capa_resp_free(list);
	return found;
}

static int
net_pop3_starttls(struct net_conn *c, mailpop3 *f, struct error *err)
{
	int	 r;

	switch (net_pop3_has_stls(f)) {
	case -1:
		return error_set(err, ERROR_NET, _("%s closed the connection"),
		    c->where);
	case 0:
		return net_conn_no_starttls(c, "STLS", err);
	}
	r = mailpop3_stls(f);
	/* MAILPOP3_ERROR_SSL: Debian's CVE-2020-15953 fix saw extra bytes. */
	if (r == MAILPOP3_ERROR_SSL || f->pop3_stream->read_buffer_len != 0)
		return net_conn_injected(c, err);
	if (r == MAILPOP3_ERROR_STREAM)
		return error_set(err, ERROR_NET, _("%s closed the connection "
		    "at STLS"), c->where);
	if (r != MAILPOP3_NO_ERROR)
		return error_set(err, ERROR_TLS, _("%s refused STLS; refusing "
		    "to send credentials"), c->where);
	return net_conn_starttls(c, f->pop3_stream, err);
}

mailpop3 *
net_pop3_open(const struct net_target *t, struct error *err)
{
	struct net_conn	 c;
	mailpop3	*f;
	mailstream	*s;
	int		 ret = -1;

	if (net_conn_begin(&c, t, err) == -1)
		return NULL;
	if ((f = mailpop3_new(0, NULL)) == NULL) {
		error_set(err, ERROR_SYS, "mailpop3_new");
		goto out;
	}
	mailpop3_set_timeout(f, c.timeout);
	if ((s = net_conn_stream(&c, err)) == NULL)
		goto out;
	/* mailpop3_connect keeps s, also on failure; nothing here frees it. */
	net_watchdog_retarget(c.wd, s);
	if (net_pop3_greeting(&c, f, s, err) == -1)
		goto out;
	if (c.security == SECURITY_STARTTLS)
		ret = net_pop3_starttls(&c, f, err);
	else
		ret = 0;
out:
	if (net_conn_end(&c, ret, err) == 0)
		return f;
	if (f != NULL) {
		net_pop3_discard(f);
		mailpop3_free(f);
	}
	return NULL;
}

void
net_pop3_close(mailpop3 *f, int polite)
{
	struct net_watchdog	*wd;
	struct timespec		 deadline;
	time_t			 timeout;

	if (f == NULL)
		return;
	if (polite && f->pop3_stream != NULL) {
		/*
		 * QUIT commits the DELEs; wait for its answer, but not past
		 * the timeout. mailpop3_quit() frees the stream, so the
		 * watchdog only gets the socket (through its duplicate).
		 */
		timeout = f->pop3_timeout > 0 ? f->pop3_timeout :
		    NET_DEFAULT_TIMEOUT;
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += timeout;
		wd = net_watchdog_new();
		net_watchdog_start(wd, NULL, net_stream_fd(f->pop3_stream),
		    &deadline);
		if (mailpop3_quit(f) != MAILPOP3_NO_ERROR)
			log_warn("QUIT failed");
		if (net_watchdog_disarm(wd))
			log_warn("QUIT timed out");
		net_watchdog_free(wd);
	}
	net_pop3_discard(f);
	mailpop3_free(f);
}
