/* src/ui/prompt.c: a one-line editor on the message line. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

/* Opens the prompt; done gets the text on Enter (not on Esc). */
void
ui_prompt_start(struct ui *ui, const char *label,
    void (*done)(struct ui *, const char *))
{
	free(ui->prompt_label);
	ui->prompt_label = xstrdup(label);
	sbuf_reset(&ui->prompt_text);
	ui->prompt_done = done;
	ui->prompt_open = 1;
	free(ui->message);
	ui->message = NULL;
	ui->dirty = 1;
}

static void
ui_prompt_close(struct ui *ui)
{
	ui->prompt_open = 0;
	ui->dirty = 1;
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

void
ui_prompt_key(struct ui *ui, int key, int is_func)
{
	char	 buf[8], *text;
	size_t	 n;

	ui->dirty = 1;
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
