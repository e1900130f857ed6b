/* src/wizard/internal.h: what the files of src/wizard/ share. */
#ifndef POSTERN_WIZARD_INTERNAL_H
#define POSTERN_WIZARD_INTERNAL_H

#include "net/net.h"

/*
 * One login: who is logging in, and where the password comes from. The
 * password callback is called at most once per login, only after the
 * connection is up and verified (TLS or STARTTLS done); it returns the
 * password (borrowed) or NULL and err.
 */
struct wizard_login {
	const char		*who;		/* for the log, never secret */
	const char		*username;
	struct net_watchdog	*wd;		/* borrowed */
	int			 timeout;	/* seconds */
	const char		*(*password)(void *, struct error *);
	void			*arg;
};

/*
 * Each connects to t with net_*_open (TLS verified, STARTTLS enforced),
 * logs in (IMAP LOGIN, POP3 USER/PASS, SMTP AUTH without sending) and
 * logs out; nothing is read, sent or changed. 0 on success, else -1 and
 * err: ERROR_AUTH when the server rejected the credentials, ERROR_INPUT
 * when the user name or password cannot be sent at all, ERROR_SYS for a
 * local failure (no SASL module); the kinds of net_*_open otherwise.
 */
int	 wizard_login_imap(const struct wizard_login *,
	    const struct net_target *, struct error *);
int	 wizard_login_pop3(const struct wizard_login *,
	    const struct net_target *, struct error *);
int	 wizard_login_smtp(const struct wizard_login *,
	    const struct net_target *, struct error *);

/* A host name: letters, digits, '-' and '.', labels of 1 to 63 bytes. */
int	 wizard_host_valid(const char *);

#endif
