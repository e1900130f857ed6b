/* src/ui/urls.c: the URLs of a message, opened or copied (OSC 52). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curses.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/mime.h"
#include "ui/internal.h"

#define UI_MAX_URLS		1000	/* listed per message */
#define UI_MAX_URL		2048	/* bytes of one URL */
#define UI_MAX_URL_ARGS		32	/* words of url-command */

static const char *const ui_url_schemes[] = {
	"https://", "http://", "ftp://", "mailto:",
};

void
ui_urls_clear(struct ui *ui)
{
	size_t	 i;

	for (i = 0; i < ui->nurls; i++)
		free(ui->urls[i]);
	free(ui->urls);
	ui->urls = NULL;
	ui->nurls = ui->url_cur = ui->url_top = 0;
}

/* A byte that may be part of a URL: printable ASCII, no quotes or <>. */
static int
ui_url_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("<>\"'`{}|\\^", c) == NULL;
}

/* A copy of the URL with "&amp;" (from HTML) made '&'. */
static char *
ui_url_unescape(const char *s, size_t len)
{
	struct sbuf	 b;
	size_t		 i;

	sbuf_init(&b);
	for (i = 0; i < len; i++) {
		sbuf_addch(&b, s[i]);
		if (s[i] == '&' && i + 4 < len && strncmp(s + i + 1,
		    "amp;", 4) == 0)
			i += 4;
	}
	return sbuf_detach(&b, NULL);
}

static void
ui_urls_add(struct ui *ui, const char *s, size_t len)
{
	size_t	 i, open = 0, close = 0;

	/* Trailing punctuation belongs to the sentence. */
	for (i = 0; i < len; i++) {
		open += s[i] == '(';
		close += s[i] == ')';
	}
	while (len > 0 && (strchr(".,;:!?]", s[len - 1]) != NULL ||
	    (s[len - 1] == ')' && close > open))) {
		close -= s[len - 1] == ')';
		len--;
	}
	if (len > UI_MAX_URL || ui->nurls >= UI_MAX_URLS)
		return;
	for (i = 0; i < ui->nurls; i++) {
		if (strlen(ui->urls[i]) == len &&
		    memcmp(ui->urls[i], s, len) == 0)
			return;
	}
	ui->urls = xreallocarray(ui->urls, ui->nurls + 1, sizeof *ui->urls);
	ui->urls[ui->nurls++] = ui_url_unescape(s, len);
}

/* Finds the URLs in text (any bytes). */
static void
ui_urls_scan(struct ui *ui, const char *text, size_t len)
{
	size_t	 i, j, k, n;

	for (i = 0; i < len; i++) {
		for (k = 0; k < sizeof ui_url_schemes /
		    sizeof ui_url_schemes[0]; k++) {
			n = strlen(ui_url_schemes[k]);
			if (i + n < len && strncasecmp(text + i,
			    ui_url_schemes[k], n) == 0 &&
			    (i == 0 || !ui_url_byte((unsigned char)text[i - 1]) ||
			    strchr("(=[", text[i - 1]) != NULL))
				break;
		}
		if (k == sizeof ui_url_schemes / sizeof ui_url_schemes[0])
			continue;
		for (j = i + n; j < len && ui_url_byte((unsigned char)text[j]);
		    j++)
			continue;
		if (j > i + n)
			ui_urls_add(ui, text + i, j - i);
		i = j;
	}
}

void
ui_urls_open(struct ui *ui)
{
	struct mime_part_list	 parts;
	struct sbuf		 body, text;
	const struct mime_part	*p;
	size_t			 i;

	if (ui->pager_raw == NULL) {
		ui_set_message(ui, 0, "%s", _("No message is open."));
		return;
	}
	ui_urls_clear(ui);
	sbuf_init(&body);
	sbuf_init(&text);
	/* The text parts as sent: links in HTML are in their attributes. */
	if (mime_parts(ui->pager_raw, ui->pager_raw_len, &parts, NULL) == 0) {
		for (i = 0; i < parts.n; i++) {
			p = &parts.v[i];
			if (p->multipart || strncmp(p->type, "text/", 5) != 0)
				continue;
			sbuf_reset(&body);
			sbuf_reset(&text);
			mime_part_decode(ui->pager_raw, ui->pager_raw_len, p,
			    &body);
			mime_charset_to_utf8(p->charset, body.buf != NULL ?
			    body.buf : "", body.len, &text);
			ui_urls_scan(ui, text.buf, text.len);
		}
	}
	mime_part_list_release(&parts);
	sbuf_release(&body);
	sbuf_release(&text);
	if (ui->nurls == 0) {
		ui_set_message(ui, 0, "%s", _("No URLs in this message."));
		return;
	}
	ui->view = VIEW_URLS;
	ui->dirty = 1;
}

void
ui_draw_urls(struct ui *ui, int top, int height, int width)
{
	struct sbuf	 b;
	const char	*title;
	size_t		 i;
	int		 y;

	title = ui->config->osc52 ?
	    _("URLs (Enter: open, y: copy with OSC 52, q: back)") :
	    _("URLs (Enter: open, q: back)");
	ui_draw_text(top, 0, width, title, strlen(title),
	    ui_style(ui, THEME_HEADER));
	top++;
	height--;
	if (height < 1)
		return;
	if (ui->url_cur < ui->url_top)
		ui->url_top = ui->url_cur;
	if (ui->url_cur >= ui->url_top + (size_t)height)
		ui->url_top = ui->url_cur - (size_t)height + 1;
	sbuf_init(&b);
	for (y = 0; y < height; y++) {
		i = ui->url_top + (size_t)y;
		if (i >= ui->nurls) {
			ui_draw_fill(top + y, 0, width,
			    ui_style(ui, THEME_NORMAL));
			continue;
		}
		sbuf_reset(&b);
		sbuf_addf(&b, "%3zu %s", i + 1, ui->urls[i]);
		ui_draw_text(top + y, 0, width, b.buf, b.len, ui_style(ui,
		    i == ui->url_cur ? THEME_CURSOR : THEME_NORMAL));
	}
	sbuf_release(&b);
}

void
ui_urls_move(struct ui *ui, long delta)
{
	if (ui->nurls == 0)
		return;
	if (delta < 0 && (size_t)-delta > ui->url_cur)
		ui->url_cur = 0;
	else if (delta > 0 && ui->url_cur + (size_t)delta >= ui->nurls)
		ui->url_cur = ui->nurls - 1;
	else
		ui->url_cur += delta;
	ui->dirty = 1;
}

static void
ui_b64(const char *s, size_t len, struct sbuf *out)
{
	static const char	 digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 v;
	size_t			 i;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		sbuf_addch(out, digits[v >> 18]);
		sbuf_addch(out, digits[(v >> 12) & 63]);
		sbuf_addch(out, digits[(v >> 6) & 63]);
		sbuf_addch(out, digits[v & 63]);
	}
	if (len - i == 1) {
		v = (uint32_t)p[i] << 16;
		sbuf_addch(out, digits[v >> 18]);
		sbuf_addch(out, digits[(v >> 12) & 63]);
		sbuf_addstr(out, "==");
	} else if (len - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		sbuf_addch(out, digits[v >> 18]);
		sbuf_addch(out, digits[(v >> 12) & 63]);
		sbuf_addch(out, digits[(v >> 6) & 63]);
		sbuf_addch(out, '=');
	}
}

void
ui_urls_copy(struct ui *ui)
{
	struct sbuf	 seq;
	const char	*url;

	if (ui->url_cur >= ui->nurls)
		return;
	if (!ui->config->osc52) {
		ui_set_message(ui, 0, "%s", _("Copying is off: set osc52 = yes "
		    "in [ui] (see postern.conf(5))."));
		return;
	}
	url = ui->urls[ui->url_cur];
	sbuf_init(&seq);
	sbuf_addstr(&seq, "\033]52;c;");
	ui_b64(url, strlen(url), &seq);
	sbuf_addstr(&seq, "\a");
	/* After curses has written what it holds, straight to the tty. */
	refresh();
	if (write(STDOUT_FILENO, seq.buf, seq.len) != (ssize_t)seq.len)
		log_warn("OSC 52 write failed");
	sbuf_release(&seq);
	ui_set_message(ui, 0, _("Copied %s to the clipboard (OSC 52)."), url);
}

void
ui_urls_launch(struct ui *ui)
{
	struct error	 err = { 0 };
	const char	*argv[UI_MAX_URL_ARGS + 2];
	const char	*cmd = ui->config->url_command;
	char		*copy, *s, *word;
	size_t		 n = 0;
	int		 st, placed = 0;

	if (ui->url_cur >= ui->nurls)
		return;
	if (cmd == NULL || *cmd == '\0') {
		if (getenv("DISPLAY") != NULL || getenv("WAYLAND_DISPLAY") !=
		    NULL)
			cmd = "xdg-open";
		else if (ui->config->osc52) {
			ui_urls_copy(ui);
			return;
		} else {
			ui_set_message(ui, 0, "%s", _("No display and no "
			    "url-command: set url-command (or osc52 = yes) "
			    "in [ui]; see postern.conf(5)."));
			return;
		}
	}
	/* Words split at blanks, no shell: the URL is one argument. */
	copy = xstrdup(cmd);
	for (s = copy; n < UI_MAX_URL_ARGS &&
	    (word = strsep(&s, " \t")) != NULL;) {
		if (*word == '\0')
			continue;
		if (strcmp(word, "%s") == 0) {
			argv[n++] = ui->urls[ui->url_cur];
			placed = 1;
		} else
			argv[n++] = word;
	}
	if (n == 0) {
		free(copy);
		return;
	}
	if (!placed)
		argv[n++] = ui->urls[ui->url_cur];
	argv[n] = NULL;
	st = ui_run_terminal(argv, NULL, &err);
	if (st == -1)
		ui_set_message(ui, 1, "%s", err.msg);
	else if (st != 0)
		ui_set_message(ui, 1, _("%s exited with status %d."), argv[0],
		    st);
	else
		ui_set_message(ui, 0, _("Opened %s."), ui->urls[ui->url_cur]);
	free(copy);
	ui->dirty = 1;
}
