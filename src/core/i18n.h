/* src/core/i18n.h: gettext markers. */
#ifndef POSTERN_CORE_I18N_H
#define POSTERN_CORE_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s)	gettext(s)
#else
#define _(s)	(s)
#endif
#define N_(s)	(s)

/*
 * Whether answer (a typed word, blanks around it ignored, any case) says
 * yes: y or yes, or their translations (msgids "y" and "yes").
 */
int	i18n_yes_word(const char *answer);

/* Whether the key pressed at a (y/n) prompt says yes: y, or the
 * translation of "y" when it is one ASCII letter. */
int	i18n_yes_key(int key);

#endif
