/* src/ui/pager.c: the message pager. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "mime/mime.h"
#include "ui/internal.h"

#define UI_TAB_WIDTH	8
#define UI_FLOWED	'\r'	/* starts a paragraph to rewrap */

void
ui_pager_clear(struct ui *ui)
{
	sbuf_release(&ui->pager_text);
	free(ui->pager_lines);
	ui->pager_lines = NULL;
	ui->npager_lines = 0;
	ui->pager_top = 0;
	free(ui->pager_raw);
	ui->pager_raw = NULL;
	ui->pager_raw_len = 0;
	ui->pager_width = 0;
	ui->pager_mode = PAGER_MESSAGE;
	sbuf_release(&ui->pager_output);
	ui_attach_clear(ui);
	ui->pager_partial = 0;
	ui_urls_clear(ui);
}

/*
 * Sanitizes rendered text line by line. A line holding '\r' is a
 * paragraph whose soft line breaks mime marked: it is joined and starts
 * with UI_FLOWED, which sanitized text can never hold.
 */
static void
ui_pager_sanitize(struct sbuf *out, const char *s, size_t len)
{
	const char	*end = s + len, *nl, *p, *cr;

	while (s < end) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		if (memchr(s, '\r', (size_t)(nl - s)) != NULL)
			sbuf_addch(out, UI_FLOWED);
		for (p = s; p < nl; p = cr + 1) {
			if ((cr = memchr(p, '\r', (size_t)(nl - p))) == NULL)
				cr = nl;
			sanitize_append(out, p, (size_t)(cr - p),
			    SANITIZE_KEEP_TAB);
			if (cr == nl)
				break;
		}
		if (nl < end)
			sbuf_addch(out, '\n');
		s = nl + 1;
	}
}

/* Renders the raw message into safe text with tabs expanded. */
static void
ui_pager_render(struct ui *ui)
{
	struct sbuf	 rendered, safe;
	struct error	 err = { 0 };
	size_t		 i;
	int		 col = 0, flags;

	sbuf_init(&rendered);
	flags = MIME_RENDER_FLOWED |
	    (ui->pager_all_headers ? MIME_RENDER_ALL_HEADERS : 0) |
	    (ui->pager_partial ? MIME_RENDER_OMITTED : 0);
	if (ui->pager_mode == PAGER_SOURCE)
		mime_charset_to_utf8(NULL, ui->pager_raw, ui->pager_raw_len,
		    &rendered);
	else if (ui->pager_mode == PAGER_OUTPUT)
		sbuf_add(&rendered, ui->pager_output.buf != NULL ?
		    ui->pager_output.buf : "", ui->pager_output.len);
	else if (mime_render_html(ui->pager_raw, ui->pager_raw_len, flags,
	    ui_html_mailcap, ui, &rendered, &err) == -1) {
		ui_set_message(ui, 1, "%s", err.msg);
		sbuf_addstr(&rendered, err.msg);
	}
	sbuf_init(&safe);
	ui_pager_sanitize(&safe, rendered.buf, rendered.len);
	sbuf_release(&rendered);
	sbuf_release(&ui->pager_text);
	sbuf_init(&ui->pager_text);
	for (i = 0; i < safe.len; i++) {
		if (safe.buf[i] == '\t') {
			do
				sbuf_addch(&ui->pager_text, ' ');
			while (++col % UI_TAB_WIDTH != 0);
			continue;
		}
		sbuf_addch(&ui->pager_text, safe.buf[i]);
		/* Columns only matter for tabs; count bytes of ASCII. */
		if (safe.buf[i] != UI_FLOWED)
			col = safe.buf[i] == '\n' ? 0 : col + 1;
	}
	sbuf_release(&safe);
	ui->pager_width = 0;
}

static struct pager_line *
ui_pager_add_line(struct ui *ui, size_t *alloc, size_t off, size_t len,
    int header, int quote)
{
	struct pager_line	*l;

	static struct pager_line	 spare;

	if (ui->npager_lines == UI_MAX_PAGER_LINES)
		return &spare;
	if (ui->npager_lines == *alloc) {
		*alloc = *alloc == 0 ? 256 : *alloc * 2;
		ui->pager_lines = xreallocarray(ui->pager_lines, *alloc,
		    sizeof *ui->pager_lines);
	}
	l = &ui->pager_lines[ui->npager_lines++];
	l->off = off;
	l->len = len;
	l->header = header;
	l->quote = quote;
	l->pfx_off = l->pfx_len = 0;
	return l;
}

/*
 * Wraps a paragraph at word boundaries: its quote prefix (">> ") starts
 * every display line, the words fill width columns.
 */
static void
ui_pager_wrap_paragraph(struct ui *ui, size_t *alloc, size_t off,
    size_t len, int quote, int width)
{
	const char		*t = ui->pager_text.buf;
	struct pager_line	*l;
	size_t			 pfx = 0, pos, fit, k, next;
	int			 w;

	while (pfx < len && t[off + pfx] == '>')
		pfx++;
	if (pfx > 0 && pfx < len && t[off + pfx] == ' ')
		pfx++;
	w = width - ui_text_width(t + off, pfx);
	if (w < 8) {
		w = width;	/* too narrow to repeat the prefix */
		pfx = 0;
	}
	pos = pfx;
	do {
		fit = ui_text_fit(t + off + pos, len - pos, w);
		if (fit == 0 && len > pos)
			fit = 1;
		next = pos + fit;
		if (next < len) {
			if (t[off + next] == ' ')
				next++;		/* the blank ends the line */
			else {
				k = next;
				while (k > pos && t[off + k - 1] != ' ')
					k--;
				if (k > pos)
					fit = (next = k) - pos;
			}
		}
		l = ui_pager_add_line(ui, alloc, off + pos, fit, 0, quote);
		if (pos > pfx) {
			l->pfx_off = off;
			l->pfx_len = pfx;
		} else {
			l->off = off;
			l->len = pos + fit;
		}
		pos = next;
	} while (pos < len);
}

/* Splits the text into display lines wrapped at width columns. */
void
ui_pager_layout(struct ui *ui, int width)
{
	const char	*text = ui->pager_text.buf;
	size_t		 off = 0, end, len, fit, alloc = 0, i;
	int		 header, quote, sig = 0, flowed;

	if (width < 1)
		width = 1;
	free(ui->pager_lines);
	ui->pager_lines = NULL;
	ui->npager_lines = 0;
	header = ui->pager_mode != PAGER_OUTPUT;	/* output has none */
	while (off < ui->pager_text.len) {
		flowed = text[off] == UI_FLOWED;
		off += flowed;
		end = off;
		while (end < ui->pager_text.len && text[end] != '\n')
			end++;
		len = end - off;
		if (len == 0)
			header = 0;
		/* "-- " alone starts the signature (RFC 3676 4.3) */
		if (!header && len == 3 && memcmp(text + off, "-- ", 3) == 0)
			sig = 1;
		quote = 0;
		for (i = off; !header && i < end && (text[i] == '>' ||
		    text[i] == ' '); i++)
			quote += text[i] == '>';
		if (sig)
			quote = -1;
		if (flowed && !header) {
			ui_pager_wrap_paragraph(ui, &alloc, off, len, quote,
			    width);
			off = end + 1;
			continue;
		}
		do {
			fit = ui_text_fit(text + off, len, width);
			if (fit == 0 && len > 0)
				fit = 1;	/* a character wider than the pane */
			ui_pager_add_line(ui, &alloc, off, fit, header, quote);
			off += fit;
			len -= fit;
			if (!ui->config->pager_wrap)
				break;		/* truncated */
		} while (len > 0);
		off = end + 1;
	}
	ui->pager_width = width;
	if (ui->pager_top >= ui->npager_lines)
		ui->pager_top = ui->npager_lines > 0 ? ui->npager_lines - 1 : 0;
}

void
ui_pager_show(struct ui *ui, struct event *ev)
{
	ui_pager_clear(ui);
	ui->pager_from = VIEW_INDEX;
	ui->pager_raw = ev->body;	/* taken from the event */
	ui->pager_raw_len = ev->body_len;
	ui->pager_partial = ev->partial;
	ev->body = NULL;
	ui->pager_uid = ev->uid;
	ui_pager_render(ui);
	ui->view = VIEW_PAGER;
	ui->dirty = 1;
	log_debug("message %u: %zu bytes", ev->uid, ui->pager_raw_len);
}

/* Re-renders the open message, e.g. with all headers toggled. */
void
ui_pager_rerender(struct ui *ui)
{
	if (ui->pager_raw == NULL)
		return;
	ui_pager_render(ui);
	ui->dirty = 1;
}

void
ui_pager_toggle_source(struct ui *ui)
{
	if (ui->pager_raw == NULL)
		return;
	ui->pager_mode = ui->pager_mode == PAGER_SOURCE ? PAGER_MESSAGE :
	    PAGER_SOURCE;
	ui->pager_top = 0;
	ui_pager_rerender(ui);
}

int
ui_pager_back(struct ui *ui)
{
	if (ui->pager_mode == PAGER_MESSAGE)
		return 0;
	if (ui->pager_mode == PAGER_OUTPUT)
		ui->view = ui->pager_from;
	ui->pager_mode = PAGER_MESSAGE;
	sbuf_release(&ui->pager_output);
	ui->pager_top = 0;
	ui_pager_rerender(ui);
	return 1;
}

/* The next match of needle (ASCII case folded) in s[0..len), or NULL. */
static const char *
ui_pager_match(const char *s, size_t len, const char *needle)
{
	size_t	 n = strlen(needle), i;

	for (i = 0; n > 0 && i + n <= len; i++) {
		if (strncasecmp(s + i, needle, n) == 0)
			return s + i;
	}
	return NULL;
}

int
ui_pager_find_next(struct ui *ui)
{
	struct pager_line	*l;
	size_t			 i;

	if (ui->pager_find == NULL || ui->pager_width == 0)
		return -1;
	for (i = ui->pager_top + 1; i < ui->npager_lines; i++) {
		l = &ui->pager_lines[i];
		if (ui_pager_match(ui->pager_text.buf + l->off, l->len,
		    ui->pager_find) != NULL) {
			ui->pager_top = i;
			ui->dirty = 1;
			return 0;
		}
	}
	return -1;
}

/* Draws the matches of the pager search on a line over its text. */
static void
ui_pager_highlight(struct ui *ui, int y, int x, int width,
    const struct pager_line *l)
{
	const char	*s = ui->pager_text.buf + l->off, *m, *end = s + l->len;
	size_t		 n;
	int		 col;

	if (ui->pager_find == NULL || (n = strlen(ui->pager_find)) == 0)
		return;
	for (m = s; (m = ui_pager_match(m, (size_t)(end - m),
	    ui->pager_find)) != NULL; m += n) {
		col = ui_text_width(s, (size_t)(m - s));
		if (col >= width)
			break;
		ui_draw_text(y, x + col, width - col, m, n,
		    ui_style(ui, THEME_CURSOR));
	}
}

void
ui_draw_pager(struct ui *ui, int top, int height, int x, int width)
{
	static const enum theme_element quotes[] = {
		THEME_QUOTE1, THEME_QUOTE2, THEME_QUOTE3,
	};
	struct pager_line	*l;
	struct ui_style		 st;
	size_t			 i;
	int			 y, pw;

	if (ui->pager_width != width)
		ui_pager_layout(ui, width);
	for (y = 0; y < height; y++) {
		i = ui->pager_top + (size_t)y;
		if (i >= ui->npager_lines) {
			ui_draw_fill(top + y, x, width,
			    ui_style(ui, THEME_NORMAL));
			if (i == ui->npager_lines && i > 0)
				ui_draw_text(top + y, x, width, "~", 1,
				    ui_style(ui, THEME_MARKER));
			continue;
		}
		l = &ui->pager_lines[i];
		if (l->header)
			st = ui_style(ui, THEME_HEADER);
		else if (l->quote < 0)
			st = ui_style(ui, THEME_SIGNATURE);
		else if (l->quote > 0)
			st = ui_style(ui, quotes[(l->quote - 1) % 3]);
		else
			st = ui_style(ui, THEME_NORMAL);
		pw = 0;
		if (l->pfx_len > 0)
			pw = ui_draw_text(top + y, x, width,
			    ui->pager_text.buf + l->pfx_off, l->pfx_len, st);
		ui_draw_text(top + y, x + pw, width - pw,
		    ui->pager_text.buf + l->off, l->len, st);
		ui_pager_highlight(ui, top + y, x + pw, width - pw, l);
	}
}

int
ui_pager_height(struct ui *ui)
{
	return ui_index_height(ui) - ui_split_rows(ui);
}
