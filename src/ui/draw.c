/* src/ui/draw.c: the one way outside text reaches the screen. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "core/log.h"
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

/*
 * Measures s (len bytes) up to width columns (-1: no limit): returns the
 * bytes that fit and puts their columns in *usedp.
 */
static size_t
ui_text_measure(const char *s, size_t len, int width, int *usedp)
{
	uint32_t	 cp;
	size_t		 i, n;
	int		 used = 0, w;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			n = 1, w = 1;
		else if ((w = ui_cp_width(cp)) < 0)
			w = 1;
		if (width >= 0 && used + w > width)
			break;
		used += w;
	}
	*usedp = used;
	return i;
}

size_t
ui_text_fit(const char *s, size_t len, int width)
{
	int	 used;

	return ui_text_measure(s, len, width, &used);
}

int
ui_text_width(const char *s, size_t len)
{
	int	 used;

	ui_text_measure(s, len, -1, &used);
	return used;
}

void
ui_draw_fill(int y, int x, int width, struct ui_style st)
{
	if (width <= 0)
		return;
	attr_set(st.attr, st.pair, NULL);
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
    struct ui_style st)
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
	attr_set(st.attr, st.pair, NULL);
	if (nw > 0)
		mvaddnwstr(y, x, wbuf, (int)nw);
	if (used < width)
		mvhline(y, x + used, ' ', width - used);
	free(wbuf);
	sbuf_release(&safe);
	return used;
}

static void
ui_theme_warn(const char *msg, void *arg)
{
	struct ui	*ui = arg;

	log_warn("%s", msg);
	ui_set_message(ui, 1, "%s", msg);
}

/* Loads the configured theme and makes one colour pair per element. */
void
ui_colors_init(struct ui *ui)
{
	const char		*no_color = getenv("NO_COLOR");
	const char		*name = ui->config->theme;
	struct theme_style	*st;
	struct error		 err = { 0 };
	int			 i, ncolors;

	theme_init(&ui->theme);
	if (name != NULL && theme_load(&ui->theme, name, ui_theme_warn, ui,
	    &err) == -1) {
		log_warn("%s", err.msg);
		ui_set_message(ui, 1, "%s", err.msg);
	}
	ui->colors = 0;
	if (!has_colors() || (no_color != NULL && *no_color != '\0'))
		return;
	if (start_color() == ERR)
		return;
	use_default_colors();
	ncolors = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : 8;
	for (i = 0; i < THEME_COUNT; i++) {
		st = &ui->theme.style[i];
		init_pair((short)(i + 1),
		    (short)theme_color_reduce(st->fg, ncolors),
		    (short)theme_color_reduce(st->bg, ncolors));
	}
	ui->colors = 1;
}

static attr_t
ui_curses_attrs(int attrs)
{
	attr_t	 a = A_NORMAL;

	if (attrs & THEME_BOLD)
		a |= A_BOLD;
	if (attrs & THEME_DIM)
		a |= A_DIM;
	if (attrs & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	if (attrs & THEME_REVERSE)
		a |= A_REVERSE;
	if (attrs & THEME_ITALIC)
		a |= A_ITALIC;
	return a;
}

/* Without colours the bars and the cursor stand out in reverse video. */
struct ui_style
ui_style(const struct ui *ui, enum theme_element e)
{
	struct ui_style	 st;

	st.attr = ui_curses_attrs(ui->theme.style[e].attrs);
	st.pair = 0;
	if (ui->colors)
		st.pair = (short)(e + 1);
	else if (e == THEME_STATUS || e == THEME_CURSOR)
		st.attr |= A_REVERSE;
	else if (e == THEME_HEADER || e == THEME_INDEX_UNREAD)
		st.attr |= A_BOLD;
	return st;
}
