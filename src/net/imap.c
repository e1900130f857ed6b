/* src/net/imap.c: opening and closing IMAP sessions. */
#include <config.h>	/* autoconf's */

#include <string.h>

#include "core/i18n.h"
#include "core/log.h"
#include "net/internal.h"

/* Drops the connection without a word (no LOGOUT in plaintext). */
static void
net_imap_discard(mailimap *imap)
{
	if (imap->imap_stream != NULL) {
		net_stream_discard(imap->imap_stream);
		imap->imap_stream = NULL;
	}
	imap->imap_state = MAILIMAP_STATE_DISCONNECTED;
}

static int
net_imap_greeting(struct net_conn *c, mailimap *imap, mailstream *s,
    struct error *err)
{
	int	 r;

	r = mailimap_connect(imap, s);
	switch (r) {
	case MAILIMAP_NO_ERROR_NON_AUTHENTICATED:
		return 0;
	case MAILIMAP_NO_ERROR_AUTHENTICATED:
		/* PREAUTH before TLS would skip STARTTLS: refuse it. */
		if (c->security == SECURITY_STARTTLS)
			return error_set(err, ERROR_TLS, _("%s sent PREAUTH "
			    "before STARTTLS; refusing the unprotected "
			    "session"), c->where);
		return 0;
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return error_set(err, ERROR_SERVER, _("%s refused the "
		    "connection"), c->where);
	case MAILIMAP_ERROR_STREAM:
		return error_set(err, ERROR_NET, _("%s closed the connection "
		    "before greeting"), c->where);
	default:
		return error_set(err, ERROR_PROTO, _("%s did not greet as an "
		    "IMAP server"), c->where);
	}
}

static int
net_imap_capability(struct net_conn *c, mailimap *imap, struct error *err)
{
	struct mailimap_capability_data	*cap = NULL;
	int				 r;

	r = mailimap_capability(imap, &cap);
	if (cap != NULL)
		mailimap_capability_data_free(cap);
	if (r == MAILIMAP_NO_ERROR)
		return 0;
	if (r == MAILIMAP_ERROR_STREAM)
		return error_set(err, ERROR_NET, _("%s closed the connection"),
		    c->where);
	return error_set(err, ERROR_PROTO, _("%s did not answer CAPABILITY"),
	    c->where);
}

static int
net_imap_starttls(struct net_conn *c, mailimap *imap, struct error *err)
{
	int	 r;

	if (imap->imap_connection_info == NULL ||
	    imap->imap_connection_info->imap_capability == NULL) {
		if (net_imap_capability(c, imap, err) == -1)
			return -1;
	}
	if (!mailimap_has_extension(imap, "STARTTLS"))
		return net_conn_no_starttls(c, "STARTTLS", err);
	r = mailimap_starttls(imap);
	/* Debian's fix for CVE-2020-15953 fails on bytes after the OK. */
	if (imap->imap_stream->read_buffer_len != 0)
		return net_conn_injected(c, err);
	if (r == MAILIMAP_ERROR_STREAM)
		return error_set(err, ERROR_NET, _("%s closed the connection "
		    "at STARTTLS"), c->where);
	if (r != MAILIMAP_NO_ERROR)
		return error_set(err, ERROR_TLS, _("%s refused STARTTLS; "
		    "refusing to send credentials"), c->where);
	if (net_conn_starttls(c, imap->imap_stream, err) == -1)
		return -1;
	/* What the server said before TLS is not to be trusted. */
	return net_imap_capability(c, imap, err);
}

mailimap *
net_imap_open(const struct net_target *t, struct error *err)
{
	struct net_conn	 c;
	mailimap	*imap;
	mailstream	*s;
	int		 ret = -1;

	if (net_conn_begin(&c, t, err) == -1)
		return NULL;
	if ((imap = mailimap_new(0, NULL)) == NULL) {
		error_set(err, ERROR_SYS, "mailimap_new");
		goto out;
	}
	mailimap_set_timeout(imap, c.timeout);
	if ((s = net_conn_stream(&c, err)) == NULL)
		goto out;
	/* mailimap_connect keeps s, also on failure; nothing here frees it. */
	net_watchdog_retarget(c.wd, s);
	if (net_imap_greeting(&c, imap, s, err) == -1)
		goto out;
	if (c.security == SECURITY_STARTTLS)
		ret = net_imap_starttls(&c, imap, err);
	else if (imap->imap_connection_info == NULL ||
	    imap->imap_connection_info->imap_capability == NULL)
		ret = net_imap_capability(&c, imap, err);
	else
		ret = 0;
out:
	if (net_conn_end(&c, ret, err) == 0)
		return imap;
	if (imap != NULL) {
		net_imap_discard(imap);
		mailimap_free(imap);
	}
	return NULL;
}

void
net_imap_close(mailimap *imap, int polite)
{
	static const char	 logout[] = "Z LOGOUT\r\n";

	if (imap == NULL)
		return;
	/*
	 * Polite: say LOGOUT but do not wait for the answer; reading it
	 * would expose us to whatever the server sends (a huge literal).
	 * LOGOUT commits nothing, so nothing is lost.
	 */
	if (polite && imap->imap_stream != NULL &&
	    imap->imap_state != MAILIMAP_STATE_DISCONNECTED) {
		if (mailstream_write(imap->imap_stream, logout,
		    sizeof logout - 1) == -1 ||
		    mailstream_flush(imap->imap_stream) == -1)
			log_debug("LOGOUT not sent");
	}
	net_imap_discard(imap);
	mailimap_free(imap);
}
