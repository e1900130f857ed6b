/* src/core/i18n.c: answers to yes/no questions, in English and translated. */
#include "config.h"

#include "core/i18n.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/*
 * The translated word if it differs from the English one, else NULL: a
 * prompt translated to "(j/n)" takes j as well as y.
 */
static const char *
i18n_translated(const char *english, const char *translated)
{
	if (translated == NULL || *translated == '\0' ||
	    strcasecmp(translated, english) == 0)
		return NULL;
	return translated;
}

int
i18n_yes_word(const char *answer)
{
	const char	*y = i18n_translated("y", _("y"));
	const char	*yes = i18n_translated("yes", _("yes"));
	size_t		 len;

	if (answer == NULL)
		return 0;
	answer += strspn(answer, " \t");
	len = strlen(answer);
	while (len > 0 && (answer[len - 1] == ' ' || answer[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	return (len == 1 && strncasecmp(answer, "y", 1) == 0) ||
	    (len == 3 && strncasecmp(answer, "yes", 3) == 0) ||
	    (y != NULL && len == strlen(y) && strncasecmp(answer, y, len) == 0) ||
	    (yes != NULL && len == strlen(yes) &&
	    strncasecmp(answer, yes, len) == 0);
}

int
i18n_yes_key(int key)
{
	const char	*y = i18n_translated("y", _("y"));

	if (key == 'y' || key == 'Y')
		return 1;
	/* A one-letter ASCII translation only: keys are bytes here. */
	if (y == NULL || y[1] != '\0' || (unsigned char)y[0] >= 0x80)
		return 0;
	return key >= 0 && key < 0x80 &&
	    tolower(key) == tolower((unsigned char)y[0]);
}
