/* src/core/i18n.h: gettext markers. */
#ifndef POSTERN_CORE_I18N_H
#define POSTERN_CORE_I18N_H

/*
 * _(s): the translation of s. P_(s, p, n): of the singular s or the plural
 * p, as the language's plural rule picks for the count n. N_(s): marks s
 * for translation where it cannot be translated yet (a table).
 */
#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s)		gettext(s)
#define P_(s, p, n)	ngettext(s, p, (unsigned long)(n))
#else
#define _(s)		(s)
#define P_(s, p, n)	((n) == 1 ? (s) : (p))
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
