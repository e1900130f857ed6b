/* src/ui/draw.c: the one way outside text reaches the screen. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "core/sanitize.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

/* The width of code point cp on this terminal; -1 if it cannot show it. */
static int
ui_cp_width(uint32_t cp)
{
	int	 w;

	if (cp < 0x80)
		return cp >= 0x20 && cp < 0x7f ? 1 : -1;
	w = wcwidth((wchar_t)cp);
	return w;
}

size_t
ui_text_fit(const char *s, size_t len, int width)
{
	uint32_t	 cp;
	size_t		 i, n;
	int		 used = 0, w;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			n = 1, w = 1;
		else if ((w = ui_cp_width(cp)) < 0)
			w = 1;
		if (used + w > width)
			break;
		used += w;
	}
	return i;
}

int
ui_text_width(const char *s, size_t len)
{
	uint32_t	 cp;
	size_t		 i, n;
	int		 used = 0, w;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			n = 1, w = 1;
		else if ((w = ui_cp_width(cp)) < 0)
			w = 1;
		used += w;
	}
	return used;
}

void
ui_draw_fill(int y, int x, int width, attr_t attr, short pair)
{
	if (width <= 0)
		return;
	attr_set(attr, pair, NULL);
	mvhline(y, x, ' ', width);
}

/*
 * Draws len bytes of s at (y, x) in at most width columns, padding the
 * rest with blanks, and returns the columns the text took. The text is
 * sanitized first, so control characters, escape sequences and bidi
 * overrides from mail show as visible marks and can never act on the
 * terminal; a character the terminal cannot show becomes '?'.
 */
int
ui_draw_text(int y, int x, int width, const char *s, size_t len,
    attr_t attr, short pair)
{
	struct sbuf	 safe;
	wchar_t		*wbuf;
	uint32_t	 cp;
	size_t		 i, n, nw = 0;
	int		 used = 0, w;

	if (width <= 0)
		return 0;
	sbuf_init(&safe);
	sanitize_append(&safe, s, len, 0);
	wbuf = xreallocarray(NULL, (size_t)width + 1, sizeof *wbuf);
	for (i = 0; i < safe.len; i += n) {
		/* The sanitizer leaves only valid UTF-8. */
		if ((n = utf8_decode(safe.buf + i, safe.len - i, &cp)) == 0)
			break;
		if ((w = ui_cp_width(cp)) < 0) {
			cp = '?';
			w = 1;
		}
		if (used + w > width)
			break;
		if (w == 0 && nw == 0)
			continue;	/* nothing to combine with */
		if (nw == (size_t)width)
			break;
		wbuf[nw++] = (wchar_t)cp;
		used += w;
	}
	wbuf[nw] = L'\0';
	attr_set(attr, pair, NULL);
	if (nw > 0)
		mvaddnwstr(y, x, wbuf, (int)nw);
	if (used < width)
		mvhline(y, x + used, ' ', width - used);
	free(wbuf);
	sbuf_release(&safe);
	return used;
}

void
ui_colors_init(struct ui *ui)
{
	const char	*no_color = getenv("NO_COLOR");

	ui->colors = 0;
	if (!has_colors() || (no_color != NULL && *no_color != '\0'))
		return;
	if (start_color() == ERR)
		return;
	use_default_colors();
	init_pair(COLOR_UI_NORMAL, -1, -1);
	init_pair(COLOR_UI_BAR, COLOR_BLACK, COLOR_CYAN);
	init_pair(COLOR_UI_CURSOR, COLOR_BLACK, COLOR_CYAN);
	init_pair(COLOR_UI_ERROR, COLOR_RED, -1);
	init_pair(COLOR_UI_UNREAD, COLOR_YELLOW, -1);
	init_pair(COLOR_UI_HEADER, COLOR_GREEN, -1);
	init_pair(COLOR_UI_QUOTE, COLOR_CYAN, -1);
	init_pair(COLOR_UI_FOLDER_CUR, COLOR_BLACK, COLOR_WHITE);
	init_pair(COLOR_UI_MARKER, COLOR_MAGENTA, -1);
	ui->colors = 1;
}
