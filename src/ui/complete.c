/* src/ui/complete.c: completing addresses at a prompt, and the query. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "addr/addr.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

#define UI_COMPLETE_MAX		50	/* candidates offered */

/* Where the last address of the list text starts (after ", "). */
static size_t
ui_complete_word_start(const char *text)
{
	size_t	 i, start = 0;
	int	 quoted = 0, angle = 0;

	for (i = 0; text[i] != '\0'; i++) {
		if (text[i] == '\\' && quoted && text[i + 1] != '\0')
			i++;
		else if (text[i] == '"')
			quoted = !quoted;
		else if (!quoted && text[i] == '<')
			angle = 1;
		else if (!quoted && text[i] == '>')
			angle = 0;
		else if (!quoted && !angle && (text[i] == ',' ||
		    text[i] == ';' || text[i] == ':'))
			start = i + 1;
	}
	while (text[start] == ' ' || text[start] == '\t')
		start++;
	return start;
}

size_t
ui_complete_address(struct ui *ui, const char *text, size_t *startp,
    char ***candsp)
{
	struct addr_candidates	 c = { NULL, 0 };
	struct error		 err = { 0 };
	char			**v;
	size_t			 i;

	*startp = ui_complete_word_start(text);
	*candsp = NULL;
	if (addrbook_complete(ui->config->query_command, text + *startp,
	    UI_COMPLETE_MAX, &c, &err) == -1)
		ui_set_message(ui, 1, "%s", err.msg);
	if (c.n == 0)
		return 0;
	v = xreallocarray(NULL, c.n, sizeof *v);
	for (i = 0; i < c.n; i++)
		v[i] = addr_candidate_format(&c.v[i]);
	*candsp = v;
	i = c.n;
	addr_candidates_release(&c);
	return i;
}
