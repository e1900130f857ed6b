/* src/ui/prompt.c: a one-line editor on the message line. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

#define UI_PROMPT_SHOW_CANDS	20	/* listed on the message line */

/* Ends a Tab cycle: the candidate in the text stays. */
static void
ui_prompt_cycle_end(struct ui *ui)
{
	size_t	 i;

	for (i = 0; i < ui->prompt_ncands; i++)
		free(ui->prompt_cands[i]);
	free(ui->prompt_cands);
	ui->prompt_cands = NULL;
	ui->prompt_ncands = 0;
	ui->prompt_cand = 0;
}

/* Opens the prompt; done gets the text on Enter (not on Esc). */
void
ui_prompt_start(struct ui *ui, const char *label,
    void (*done)(struct ui *, const char *))
{
	ui_prompt_cycle_end(ui);
	ui->prompt_complete = NULL;
	free(ui->prompt_label);
	ui->prompt_label = xstrdup(label);
	sbuf_reset(&ui->prompt_text);
	ui->prompt_done = done;
	ui->prompt_open = 1;
	ui->prompt_paths = 0;
	ui->prompt_yesno = 0;
	free(ui->message);
	ui->message = NULL;
	ui->dirty = 1;
}

void
ui_prompt_start_complete(struct ui *ui, const char *label,
    void (*done)(struct ui *, const char *), ui_complete_cb complete)
{
	ui_prompt_start(ui, label, done);
	ui->prompt_complete = complete;
}

static void
ui_prompt_close(struct ui *ui)
{
	ui_prompt_cycle_end(ui);
	ui->prompt_open = 0;
	ui->dirty = 1;
}

/* Puts candidate i of the cycle in place of the word, lists them all. */
static void
ui_prompt_show_cand(struct ui *ui, size_t i)
{
	struct sbuf	 b;
	size_t		 k;

	ui->prompt_cand = i;
	sbuf_setlen(&ui->prompt_text, ui->prompt_word);
	sbuf_addstr(&ui->prompt_text, ui->prompt_cands[i]);
	if (ui->prompt_text.len > UI_PROMPT_MAX)
		sbuf_setlen(&ui->prompt_text, ui->prompt_word);
	if (ui->prompt_ncands == 1)
		return;
	sbuf_init(&b);
	sbuf_addf(&b, _("Tab %zu/%zu:"), i + 1, ui->prompt_ncands);
	for (k = 0; k < ui->prompt_ncands && k < UI_PROMPT_SHOW_CANDS; k++)
		sbuf_addf(&b, k == i ? "  [%s]" : "  %s", ui->prompt_cands[k]);
	if (k < ui->prompt_ncands)
		sbuf_addstr(&b, "  ...");
	ui_set_message(ui, 0, "%s", b.buf);
	sbuf_release(&b);
}

/* Tab (step 1) or Shift-Tab (-1): starts or moves the cycle. */
static void
ui_prompt_tab(struct ui *ui, int step)
{
	char	**cands = NULL;
	size_t	  n, start = 0;

	if (ui->prompt_ncands > 1) {
		ui_prompt_show_cand(ui, (ui->prompt_cand + ui->prompt_ncands +
		    (size_t)(step > 0 ? 1 : ui->prompt_ncands - 1)) %
		    ui->prompt_ncands);
		return;
	}
	ui_prompt_cycle_end(ui);
	n = ui->prompt_complete(ui, ui->prompt_text.buf != NULL ?
	    ui->prompt_text.buf : "", &start, &cands);
	if (n == 0) {
		free(cands);
		ui_set_message(ui, 0, "%s", _("No match."));
		return;
	}
	if (start > ui->prompt_text.len)
		start = ui->prompt_text.len;
	ui->prompt_cands = cands;
	ui->prompt_ncands = n;
	ui->prompt_word = start;
	ui_prompt_show_cand(ui, 0);
	if (n == 1) {
		ui_prompt_cycle_end(ui);
		free(ui->message);
		ui->message = NULL;
	}
}

/* Drops the last character (a whole UTF-8 sequence). */
static void
ui_prompt_backspace(struct ui *ui)
{
	size_t	 n = ui->prompt_text.len;

	while (n > 0 && ((unsigned char)ui->prompt_text.buf[n - 1] & 0xc0) ==
	    0x80)
		n--;
	if (n > 0)
		n--;
	sbuf_setlen(&ui->prompt_text, n);
}

#define UI_COMPLETE_MAX	10000	/* directory entries looked at */

/*
 * Completes the path typed at the prompt: the longest prefix the entries
 * of its folder share, with a '/' after a single folder.
 */
static void
ui_prompt_complete(struct ui *ui)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	const char	*text = ui->prompt_text.buf, *slash, *home, *prefix;
	char		*dir, *best = NULL, *full;
	size_t		 plen, blen = 0, n = 0, seen = 0, k;

	if (text == NULL)
		text = "";
	slash = strrchr(text, '/');
	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == text)
		dir = xstrdup("/");
	else if (text[0] == '~' && slash == text + 1 &&
	    (home = getenv("HOME")) != NULL)
		dir = xstrdup(home);
	else if (text[0] == '~' && text[1] == '/' &&
	    (home = getenv("HOME")) != NULL)
		dir = xasprintf("%s%.*s", home, (int)(slash - text - 1),
		    text + 1);
	else
		dir = xstrndup(text, (size_t)(slash - text));
	prefix = slash != NULL ? slash + 1 : text;
	plen = strlen(prefix);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL && seen++ < UI_COMPLETE_MAX) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strncmp(de->d_name, prefix, plen) != 0 ||
		    (de->d_name[0] == '.' && plen == 0))
			continue;
		if (n++ == 0) {
			best = xstrdup(de->d_name);
			blen = strlen(best);
			continue;
		}
		for (k = 0; k < blen && best[k] == de->d_name[k]; k++)
			continue;
		blen = k;
	}
	closedir(d);
	if (n > 0 && blen > plen)
		sbuf_add(&ui->prompt_text, best + plen, blen - plen);
	if (n == 1) {
		full = xasprintf("%s/%s", dir, best);
		if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode))
			sbuf_addch(&ui->prompt_text, '/');
		free(full);
	}
	free(best);
	free(dir);
}

void
ui_prompt_key(struct ui *ui, int key, int is_func)
{
	char	 buf[8], *text;
	size_t	 n;

	ui->dirty = 1;
	if (ui->prompt_yesno) {
		ui_prompt_close(ui);
		ui->prompt_done(ui, !is_func && i18n_yes_key(key) ? "y" : "n");
		return;
	}
	if (!is_func && key == '\t' && ui->prompt_paths) {
		ui_prompt_complete(ui);
		return;
	}
	if (ui->prompt_complete != NULL && ((!is_func && key == '\t') ||
	    (is_func && key == KEY_BTAB))) {
		ui_prompt_tab(ui, key == '\t' ? 1 : -1);
		return;
	}
	if (ui->prompt_ncands > 0) {
		/* Any other key keeps the candidate shown. */
		ui_prompt_cycle_end(ui);
		free(ui->message);
		ui->message = NULL;
	}
	if ((!is_func && (key == '\r' || key == '\n')) ||
	    (is_func && key == KEY_ENTER)) {
		ui_prompt_close(ui);
		text = xstrdup(ui->prompt_text.buf != NULL ?
		    ui->prompt_text.buf : "");
		ui->prompt_done(ui, text);
		free(text);
		return;
	}
	if (!is_func && key == 033) {
		ui_prompt_close(ui);
		free(ui->message);
		ui->message = NULL;
		return;
	}
	if ((is_func && key == KEY_BACKSPACE) ||
	    (!is_func && (key == 0x7f || key == '\b'))) {
		ui_prompt_backspace(ui);
		return;
	}
	if (!is_func && key == 0x15) {		/* ^U */
		sbuf_reset(&ui->prompt_text);
		return;
	}
	if (is_func || key < 0x20 || key == 0x7f || key > 0x10ffff ||
	    ui->prompt_text.len + 4 > UI_PROMPT_MAX)
		return;
	n = utf8_encode((uint32_t)key, buf);
	sbuf_add(&ui->prompt_text, buf, n);
}

void
ui_draw_prompt(struct ui *ui, int y)
{
	struct ui_style	 st = ui_style(ui, THEME_NORMAL), cur;
	size_t		 len = ui->prompt_text.len, skip = 0;
	int		 lw, room;

	lw = ui_draw_text(y, 0, ui->cols, ui->prompt_label,
	    strlen(ui->prompt_label), st);
	room = ui->cols - lw - 1;
	/* Long text scrolls: the end stays in view. */
	while (room > 0 && ui_text_width(ui->prompt_text.buf + skip,
	    len - skip) > room)
		skip++;
	while (skip < len &&
	    ((unsigned char)ui->prompt_text.buf[skip] & 0xc0) == 0x80)
		skip++;
	lw += ui_draw_text(y, lw, room, ui->prompt_text.buf + skip,
	    len - skip, st);
	cur = st;
	cur.attr |= A_REVERSE;
	ui_draw_text(y, lw, 1, " ", 1, cur);
	if (lw + 1 < ui->cols)
		ui_draw_fill(y, lw + 1, ui->cols - lw - 1, st);
}
