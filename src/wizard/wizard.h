/* src/wizard/wizard.h: account set-up helpers (postern --check). */
#ifndef POSTERN_WIZARD_WIZARD_H
#define POSTERN_WIZARD_WIZARD_H

#include <stdio.h>

#include "config/config.h"
#include "core/error.h"

/*
 * Checks the account called account_id (every account when NULL): for
 * each configured service (IMAP or POP3 as its backend says, and SMTP
 * when it names a server) connects, verifies TLS and logs in without
 * sending or changing any mail, and prints one line per service to out:
 * "ACCOUNT imap HOST:PORT (tls): OK" or "...: FAILED: reason". Runs the
 * password command once per account, when a login first needs it.
 * Returns 0 if all passed, 1 if any failed, -1 and err if there is no
 * such account (or no account at all).
 */
int	 wizard_check(const struct config *, const char *account_id,
	    FILE *out, struct error *);

#endif
