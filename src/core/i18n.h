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

#endif
