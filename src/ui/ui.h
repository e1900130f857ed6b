/* src/ui/ui.h: the curses user interface. */
#ifndef POSTERN_UI_UI_H
#define POSTERN_UI_UI_H

#include "config/config.h"
#include "core/error.h"

/*
 * Runs the interface on the terminal for the accounts of config (borrowed)
 * until the user quits; returns 0, or -1 with err when the terminal could
 * not be set up.
 */
int	 ui_run(const struct config *, struct error *);
/* The same for the account called account_id (NULL: the first). */
int	 ui_run_account(const struct config *, const char *account_id,
	    struct error *);

/* What the set-up wizard starts from. */
struct ui_wizard_params {
	const char	*config_path;	/* where the account is written */
	const char	*ca_file;	/* extra trusted CA, may be NULL */
};

/*
 * The set-up wizard on the terminal: name, address, password, the
 * provider and IMAP or POP3, the live probe, a summary, where to keep the
 * password, Save, then the same check as postern --check. Returns 0 with
 * the saved account's id in *account_idp (the caller frees it), 1 when
 * the user left without saving, -1 and err when the terminal could not
 * be used.
 */
int	 ui_wizard_run(const struct ui_wizard_params *, char **account_idp,
	    struct error *);

/*
 * As ui_run, starting with a message to mailto (a mailto: URI, RFC 6068)
 * in the editor and on the compose screen.
 */
int	 ui_run_mailto(const struct config *, const char *mailto,
	    struct error *);

#endif
