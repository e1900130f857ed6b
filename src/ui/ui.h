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
/*
 * As ui_run, starting with a message to mailto (a mailto: URI, RFC 6068)
 * in the editor and on the compose screen.
 */
int	 ui_run_mailto(const struct config *, const char *mailto,
	    struct error *);

#endif
