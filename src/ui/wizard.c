/*
 * src/ui/wizard.c: the set-up wizard's screens. One screen at a time,
 * each fits 80x24 and works with the keyboard alone; Enter goes on, Esc
 * goes back one screen. The probe (src/wizard/probe.c) runs on a thread
 * and reports each candidate as it goes, so the screen shows it live.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/internal.h"
#include "ui/wizard.h"

#define WZ_TICK_MS	200

static const struct ui_style	wz_normal = { A_NORMAL, 0 };
static const struct ui_style	wz_bold = { A_BOLD, 0 };
static const struct ui_style	wz_reverse = { A_REVERSE, 0 };

/* Labels of the manual entry fields. */
static const char *const wz_manual_labels[WZ_NMANUAL] = {
	N_("Protocol (space: imap or pop3)"),
	N_("Incoming server"),
	N_("Incoming port"),
	N_("Incoming security (space)"),
	N_("Sending (SMTP) server"),
	N_("Sending port"),
	N_("Sending security (space)"),
	N_("User name"),
};

void
wz_message(struct wz *wz, int is_error, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(wz->message, sizeof wz->message, fmt, ap);
	va_end(ap);
	wz->message_is_error = is_error;
	wz->dirty = 1;
}

static void
wz_field_set(struct wz_field *f, const char *s)
{
	snprintf(f->buf, sizeof f->buf, "%s", s);
	f->len = strlen(f->buf);
}

void
wz_field_wipe(struct wz_field *f)
{
	explicit_bzero(f->buf, sizeof f->buf);
	f->len = 0;
}

/* Edits f with one key; 1 if the key was used. */
static int
wz_field_key(struct wz_field *f, int key, int is_func)
{
	char	 buf[8];
	size_t	 n, old = f->len;

	if ((is_func && key == KEY_BACKSPACE) ||
	    (!is_func && (key == 0x7f || key == '\b'))) {
		while (f->len > 0 &&
		    ((unsigned char)f->buf[f->len - 1] & 0xc0) == 0x80)
			f->len--;
		if (f->len > 0)
			f->len--;
		/* What was deleted may be part of a password. */
		explicit_bzero(f->buf + f->len, old - f->len + 1);
		return 1;
	}
	if (!is_func && key == 0x15) {		/* ^U */
		wz_field_wipe(f);
		return 1;
	}
	if (is_func || key < 0x20 || key == 0x7f || key > 0x10ffff)
		return 0;
	n = utf8_encode((uint32_t)key, buf);
	if (f->len + n + 1 > sizeof f->buf)
		return 1;
	memcpy(f->buf + f->len, buf, n);
	f->len += n;
	f->buf[f->len] = '\0';
	explicit_bzero(buf, sizeof buf);
	return 1;
}

/* Text at (y, x), cut at the right edge; returns the columns used. */
int
wz_text(int y, int x, struct ui_style st, const char *s)
{
	if (y < 0 || y >= LINES - 1 || x >= COLS)
		return 0;
	return ui_draw_text(y, x, COLS - x, s, strlen(s), st);
}

/* Word-wrapped text from row y, indented by x; returns rows used. */
int
wz_para(int y, int x, struct ui_style st, const char *s)
{
	int	 width = COLS - x - 1, rows = 0;
	size_t	 len, fit, cut;

	if (width < 10)
		width = 10;
	while (*s != '\0' && y + rows < LINES - 2) {
		len = strlen(s);
		fit = ui_text_fit(s, len, width);
		cut = fit;
		if (fit < len) {
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = fit;
		}
		ui_draw_text(y + rows, x, width, s, cut, st);
		s += cut;
		while (*s == ' ')
			s++;
		rows++;
	}
	return rows;
}

/* A field: label, then the text (or nothing for a secret) and a cursor. */
static void
wz_draw_field(int y, const char *label, const struct wz_field *f,
    int secret, int active)
{
	int	 x;

	x = wz_text(y, 2, wz_normal, label);
	x += wz_text(y, 2 + x, wz_normal, ": ");
	if (secret)
		x += wz_text(y, 2 + x, wz_normal, _("(hidden as you type)"));
	else
		x += ui_draw_text(y, 2 + x, COLS - 3 - x, f->buf, f->len,
		    active ? wz_bold : wz_normal);
	if (active && 2 + x < COLS)
		ui_draw_text(y, 2 + x, 1, " ", 1, wz_reverse);
}

static const char *
wz_title(enum wz_screen s)
{
	static const char *const titles[WZ_NSCREENS] = {
		[WZ_NAME] = N_("Your name"),
		[WZ_ADDRESS] = N_("Your email address"),
		[WZ_PASSWORD] = N_("Your password"),
		[WZ_PROTOCOL] = N_("Provider and protocol"),
		[WZ_MANUAL] = N_("Servers by hand"),
		[WZ_PROBE] = N_("Trying the servers"),
		[WZ_SUMMARY] = N_("Summary"),
		[WZ_CERT] = N_("Certificate not trusted"),
		[WZ_STORE] = N_("Where to keep the password"),
		[WZ_KEY] = N_("OpenPGP key"),
		[WZ_COMMAND] = N_("Password command"),
		[WZ_SAVE] = N_("Save"),
		[WZ_DONE] = N_("Check"),
	};

	return _(titles[s]);
}

static const char *
wz_help(const struct wz *wz)
{
	switch (wz->screen) {
	case WZ_PROTOCOL:
	case WZ_STORE:
	case WZ_KEY:
		return _("Up/Down:Choose  Enter:Next  Esc:Back");
	case WZ_MANUAL:
		return _("Up/Down/Tab:Field  Space:Change  Enter:Try  Esc:Back");
	case WZ_PROBE:
		return wz->running ? _("Esc:Stop and go back") :
		    _("Enter:Summary  Esc:Back");
	case WZ_SUMMARY:
		return _("Enter:Next  m:Servers by hand  t:Trust certificate  "
		    "Esc:Back");
	case WZ_SAVE:
		return _("Enter:Save  Esc:Back");
	case WZ_DONE:
		return _("Enter:Open the INBOX");
	default:
		return _("Enter:Next  Esc:Back  ^U:Clear");
	}
}

static void
wz_draw_frame(struct wz *wz)
{
	char	 title[256];

	snprintf(title, sizeof title, _("Postern set-up: %s"),
	    wz_title(wz->screen));
	ui_draw_fill(0, 0, COLS, wz_reverse);
	wz_text(0, 1, wz_reverse, title);
	ui_draw_fill(LINES - 1, 0, COLS, wz_reverse);
	if (wz->message[0] != '\0')
		ui_draw_text(LINES - 1, 0, COLS, wz->message,
		    strlen(wz->message), wz->message_is_error ? wz_bold :
		    wz_reverse);
	else
		ui_draw_text(LINES - 1, 0, COLS, wz_help(wz),
		    strlen(wz_help(wz)), wz_reverse);
}

/* "imap localhost:993 (tls)" */
static void
wz_cand_text(char *buf, size_t size, enum wizard_service s,
    const struct wizard_candidate *c)
{
	int	 v6 = strchr(c->host, ':') != NULL;

	snprintf(buf, size, "%s %s%s%s:%u (%s)", wizard_service_name(s),
	    v6 ? "[" : "", c->host, v6 ? "]" : "", c->port,
	    config_security_name(c->security));
}

static void
wz_line_text(char *buf, size_t size, const struct wizard_attempt *at)
{
	char	 cand[300];

	wz_cand_text(cand, sizeof cand, at->service, &at->cand);
	switch (at->result) {
	case WIZARD_OK:
		snprintf(buf, size, _("%s: works"), cand);
		break;
	case WIZARD_FAILED:
		snprintf(buf, size, _("%s: failed: %s"), cand, at->reason);
		break;
	case WIZARD_SKIPPED:
		snprintf(buf, size, _("%s: not tried: %s"), cand, at->reason);
		break;
	case WIZARD_RETRY_TLS:
		snprintf(buf, size, "%s: %s", cand, at->reason);
		break;
	case WIZARD_TRYING:
		snprintf(buf, size, _("%s: trying..."), cand);
		break;
	}
}

void
wz_draw_menu(int y, const char *const *items, size_t n, int cur)
{
	size_t	 i;
	int	 rows;

	for (i = 0; i < n; i++) {
		wz_text(y, 2, (int)i == cur ? wz_reverse : wz_normal,
		    (int)i == cur ? ">" : " ");
		rows = wz_para(y, 4, (int)i == cur ? wz_bold : wz_normal,
		    items[i]);
		y += rows + 1;
	}
}

/* The candidates of every service that came from origin. */
static size_t
wz_count_origin(const struct wizard_provider *pr, enum wizard_origin origin)
{
	size_t	 i, j, n = 0;

	for (i = 0; i < WIZARD_NSERVICES; i++)
		for (j = 0; j < pr->ncand[i]; j++)
			n += pr->cand[i][j].origin == origin;
	return n;
}

static void
wz_draw_protocol(struct wz *wz)
{
	const char	*items[3];
	char		 buf[512];
	int		 y = 2;

	if (wz->prov_known)
		snprintf(buf, sizeof buf, _("Provider: %s (recognised from "
		    "%s)"), wz->prov->name, wz->domain);
	else
		snprintf(buf, sizeof buf, _("%s is not in the provider data: "
		    "Postern will try %zu servers from DNS (SRV), then %zu "
		    "from its autoconfig data, then the usual server names."),
		    wz->domain, wz_count_origin(wz->prov, WIZARD_FROM_SRV),
		    wz_count_origin(wz->prov, WIZARD_FROM_AUTOCONFIG));
	y += wz_para(y, 2, wz_bold, buf);
	if (wz->prov->note != NULL)
		y += wz_para(y, 2, wz_normal, wz->prov->note);
	y++;
	items[0] = _("IMAP (recommended): your mail stays on the server, the "
	    "same on every device.");
	items[1] = _("POP3: downloads your mail to this machine; a copy "
	    "stays on the server by default.");
	items[2] = _("Enter the servers by hand.");
	wz_draw_menu(y, items, 3, wz->menu_cur);
}

static void
wz_draw_manual(struct wz *wz)
{
	int	 i;

	wz_para(2, 2, wz_normal, _("Security is tls (TLS from the first "
	    "byte) or starttls; there is no plaintext. Leave the sending "
	    "server empty to send no mail."));
	for (i = 0; i < WZ_NMANUAL; i++)
		wz_draw_field(5 + 2 * i, _(wz_manual_labels[i]),
		    &wz->manual[i], 0, i == wz->manual_cur);
}

static void
wz_draw_probe(struct wz *wz)
{
	char	 buf[1024];
	size_t	 i, first = 0;
	int	 y = 2, room = LINES - 4;

	wz_text(y++, 2, wz_bold, wz->running ? _("Trying each server in "
	    "turn; the password is only sent over a verified connection.") :
	    _("Done."));
	y++;
	if (wz->nlines > (size_t)room)
		first = wz->nlines - (size_t)room;
	for (i = first; i < wz->nlines && y < LINES - 1; i++) {
		wz_line_text(buf, sizeof buf, &wz->lines[i].at);
		wz_text(y++, 2, wz->lines[i].at.result == WIZARD_OK ?
		    wz_bold : wz_normal, buf);
	}
}

/* Rows of s word-wrapped to width, appended to *rows (each owned). */
static void
wz_wrap(const char *s, int width, char ***rows, size_t *nrows)
{
	size_t	 len, fit, cut;

	if (width < 10)
		width = 10;
	while (*s != '\0') {
		len = strlen(s);
		fit = ui_text_fit(s, len, width);
		cut = fit;
		if (fit < len) {
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = fit;
		}
		if (cut == 0)
			cut = 1;	/* never stuck on a wide character */
		*rows = xreallocarray(*rows, *nrows + 1, sizeof **rows);
		(*rows)[(*nrows)++] = xstrndup(s, cut);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

/*
 * The summary: what was picked, then each other attempt and why, in a
 * region that scrolls (Up, Down, PgUp, PgDn) when it is longer than the
 * screen, with a line that says where it is.
 */
static void
wz_draw_summary(struct wz *wz)
{
	char	 buf[1024], cand[300];
	char	**rows = NULL;
	size_t	 i, nrows = 0, room, top;
	int	 y = 2, bottom = LINES - 2;

	if (wz->done == NULL)
		return;
	if (wz->done->in_ok) {
		wz_cand_text(cand, sizeof cand, wz->backend == BACKEND_POP3 ?
		    WIZARD_POP3 : WIZARD_IMAP, &wz->done->in);
		snprintf(buf, sizeof buf, _("Picked %s: the first in order "
		    "that worked."), cand);
	} else
		snprintf(buf, sizeof buf, _("No incoming server works: %s"),
		    wz->done->error);
	y += wz_para(y, 2, wz_bold, buf);
	if (wz->done->smtp_ok) {
		wz_cand_text(cand, sizeof cand, WIZARD_SMTP, &wz->done->smtp);
		snprintf(buf, sizeof buf, _("Sending: %s"), cand);
	} else
		snprintf(buf, sizeof buf, _("No sending server works (%s): "
		    "reading works, sending does not."),
		    wz->done->smtp_error[0] != '\0' ? wz->done->smtp_error :
		    _("none known"));
	y += wz_para(y, 2, wz_bold, buf);
	y++;
	wz_text(y++, 2, wz_normal, _("The others, and why:"));
	for (i = 0; i < wz->nlines; i++) {
		if (wz->lines[i].at.result == WIZARD_OK ||
		    wz->lines[i].at.result == WIZARD_TRYING)
			continue;
		wz_line_text(buf, sizeof buf, &wz->lines[i].at);
		/* Where the candidate came from. */
		snprintf(cand, sizeof cand, " [%s]",
		    wizard_origin_name(wz->lines[i].at.cand.origin));
		if (strlen(buf) + strlen(cand) < sizeof buf)
			strcat(buf, cand);
		wz_wrap(buf, COLS - 4 - 1, &rows, &nrows);
	}
	room = y < bottom ? (size_t)(bottom - y) : 0;
	wz->summary_page = room > 1 ? room - 1 : 1;
	top = nrows > room ? nrows - room : 0;
	if (wz->summary_top > top)
		wz->summary_top = top;
	top = wz->summary_top;
	for (i = top; i < nrows && i < top + room; i++)
		wz_text(y + (int)(i - top), 4, wz_normal, rows[i]);
	if (nrows > room && room > 0) {
		snprintf(buf, sizeof buf, _("-- lines %zu-%zu of %zu%s%s; "
		    "Up/Down/PgUp/PgDn scroll --"), top + 1, top + room,
		    nrows, top > 0 ? _(", more above") : "",
		    top + room < nrows ? _(", more below") : "");
		wz_text(bottom, 2, wz_bold, buf);
	}
	for (i = 0; i < nrows; i++)
		free(rows[i]);
	free(rows);
}

static void
wz_draw_cert(struct wz *wz)
{
	const struct wizard_attempt	*at = &wz->lines[wz->cert_line].at;
	char				 buf[1024];
	size_t				 half, len;
	int				 y = 2, indent;

	snprintf(buf, sizeof buf, _("Host: %s (port %u)"), at->cand.host,
	    at->cand.port);
	wz_text(y++, 2, wz_bold, buf);
	y += wz_para(y, 2, wz_normal, at->reason);
	snprintf(buf, sizeof buf, _("Subject:  %s"), at->cert.subject);
	y += wz_para(y, 2, wz_normal, buf);
	snprintf(buf, sizeof buf, _("Issuer:   %s"), at->cert.issuer);
	y += wz_para(y, 2, wz_normal, buf);
	snprintf(buf, sizeof buf, _("Valid:    %s to %s"),
	    at->cert.not_before, at->cert.not_after);
	wz_text(y++, 2, wz_normal, buf);
	/* 95 columns: two lines of 16 bytes. */
	snprintf(buf, sizeof buf, _("SHA-256:  %.47s"), at->cert.sha256);
	wz_text(y++, 2, wz_normal, buf);
	/* The second half under the first, however wide the label's
	 * translation is. */
	half = strnlen(at->cert.sha256, 47);
	len = strlen(buf);
	indent = len >= half ? ui_text_width(buf, len - half) : 10;
	snprintf(buf, sizeof buf, "%*s%s", indent, "", at->cert.sha256 + 48);
	wz_text(y++, 2, wz_normal, buf);
	y++;
	snprintf(buf, sizeof buf, _("Compare the fingerprint with one your "
	    "provider gave you. Pinning trusts exactly this certificate for "
	    "%s, and no other certificate for it."), at->cand.host);
	y += wz_para(y, 2, wz_normal, buf) + 1;
	wz_draw_field(y, _("Type yes to pin it"), &wz->confirm, 0, 1);
}

static void
wz_draw_store(struct wz *wz)
{
	const char	*items[WZ_NSTORES];
	char		*texts[WZ_NSTORES];
	size_t		 i;

	wz_para(2, 2, wz_normal, _("The password is never written into the "
	    "configuration file."));
	for (i = 0; i < wz->nstores; i++) {
		switch (wz->stores[i]) {
		case WZ_STORE_PASS:
			texts[i] = xasprintf(_("In pass, as postern/%s"),
			    wz->email.buf);
			break;
		case WZ_STORE_GPG:
			texts[i] = xstrdup(_("In a file encrypted to one of "
			    "your OpenPGP keys"));
			break;
		case WZ_STORE_COMMAND:
			texts[i] = xstrdup(_("A command that prints it (you "
			    "type the command)"));
			break;
		default:
			texts[i] = xstrdup(_("Nowhere: ask for it at each "
			    "start"));
			break;
		}
		items[i] = texts[i];
	}
	wz_draw_menu(4, items, wz->nstores, wz->menu_cur);
	for (i = 0; i < wz->nstores; i++)
		free(texts[i]);
}

static void
wz_draw_key(struct wz *wz)
{
	const char	*items[CRYPTO_MAX_KEYS] = { NULL };
	char		*texts[CRYPTO_MAX_KEYS];
	size_t		 i, n = wz->nkeys;

	if (n > (size_t)(LINES - 5) / 2)
		n = (size_t)(LINES - 5) / 2;
	for (i = 0; i < n; i++) {
		texts[i] = xasprintf("%s  %s", wz->keys[i].uid,
		    wz->keys[i].fpr);
		items[i] = texts[i];
	}
	wz_draw_menu(2, items, n, wz->menu_cur);
	for (i = 0; i < n; i++)
		free(texts[i]);
}

void
wz_draw(struct wz *wz)
{
	erase();
	wz_draw_frame(wz);
	switch (wz->screen) {
	case WZ_NAME:
		wz_para(2, 2, wz_normal, _("Welcome. Postern needs your name, "
		    "address and password, then finds your provider's servers "
		    "and tries them."));
		wz_draw_field(5, _("Name"), &wz->name, 0, 1);
		break;
	case WZ_ADDRESS:
		wz_draw_field(2, _("Email address"), &wz->email, 0, 1);
		break;
	case WZ_PASSWORD:
		wz_para(2, 2, wz_normal, _("The password is not shown, and is "
		    "only sent to a server whose certificate checks out."));
		wz_draw_field(5, _("Password"), &wz->pass, 1, 1);
		break;
	case WZ_PROTOCOL:
		wz_draw_protocol(wz);
		break;
	case WZ_MANUAL:
		wz_draw_manual(wz);
		break;
	case WZ_PROBE:
		wz_draw_probe(wz);
		break;
	case WZ_SUMMARY:
		wz_draw_summary(wz);
		break;
	case WZ_CERT:
		wz_draw_cert(wz);
		break;
	case WZ_STORE:
		wz_draw_store(wz);
		break;
	case WZ_KEY:
		wz_draw_key(wz);
		break;
	case WZ_COMMAND:
		wz_para(2, 2, wz_normal, _("A command that prints the password "
		    "on its first line, run by /bin/sh at each start."));
		wz_draw_field(5, _("Command"), &wz->command, 0, 1);
		break;
	case WZ_SAVE:
	case WZ_DONE:
		wz_draw_save(wz);
		break;
	case WZ_NSCREENS:
		break;
	}
	attr_set(A_NORMAL, 0, NULL);
	refresh();
	wz->dirty = 0;
}

/* Forward to screen s; Esc comes back here. */
void
wz_go(struct wz *wz, enum wz_screen s)
{
	if (wz->nback < sizeof wz->back / sizeof wz->back[0])
		wz->back[wz->nback++] = wz->screen;
	wz->screen = s;
	wz->menu_cur = 0;
	wz->message[0] = '\0';
	wz->dirty = 1;
}

static void
wz_back(struct wz *wz)
{
	wz->message[0] = '\0';
	wz->dirty = 1;
	if (wz->nback == 0) {
		wz->quit = 1;
		return;
	}
	wz->screen = wz->back[--wz->nback];
	wz->menu_cur = 0;
}

/* ------------------------------------------------------------ probe */

static void	wz_probe_start(struct wz *);

static void
wz_attempt_cb(const struct wizard_attempt *at, void *arg)
{
	struct wz		*wz = arg;
	struct wz_event		*ev;

	ev = xcalloc(1, sizeof *ev);
	ev->at = xmalloc(sizeof *ev->at);
	*ev->at = *at;
	ev->at->cand.host = xstrdup(at->cand.host);
	chan_push(wz->events, ev);
}

static void
wz_event_free(void *p)
{
	struct wz_event	*ev = p;

	if (ev->at != NULL)
		free((char *)ev->at->cand.host);
	free(ev->at);
	if (ev->done != NULL) {
		free(ev->done->in.host);
		free(ev->done->smtp.host);
	}
	free(ev->done);
	free(ev);
}

/* The probe for the thread; its strings are the wizard's. */
static struct wizard_probe *
wz_probe_new(struct wz *wz)
{
	struct wizard_probe_params	 params;

	memset(&params, 0, sizeof params);
	params.address = wz->email.buf;
	params.username = wz->manual[7].len > 0 ? wz->manual[7].buf :
	    wz->email.buf;
	params.password = wz->pass.buf;
	params.ca_file = wz->params->ca_file;
	params.cb = wz_attempt_cb;
	params.progress = 1;
	params.arg = wz;
	params.pins = wz->pins;
	params.npins = wz->npins;
	params.cancel = &wz->cancel;
	return wizard_probe_new(&params);
}

static void *
wz_probe_main(void *arg)
{
	struct wz			*wz = arg;
	struct wizard_probe		*probe = wz->probe;
	struct wz_event			*ev;
	struct wz_done			*d;
	struct error			 e = { 0 };
	enum wizard_service		 svc;

	svc = wz->backend == BACKEND_POP3 ? WIZARD_POP3 : WIZARD_IMAP;
	d = xcalloc(1, sizeof *d);
	if (wizard_probe_run(probe, wz->prov, svc, &d->in, &e) == 0) {
		d->in_ok = 1;
		d->in.host = xstrdup(d->in.host);
	} else
		snprintf(d->error, sizeof d->error, "%s", e.msg);
	if (d->in_ok && wz->prov->ncand[WIZARD_SMTP] > 0) {
		if (wizard_probe_run(probe, wz->prov, WIZARD_SMTP, &d->smtp,
		    &e) == 0) {
			d->smtp_ok = 1;
			d->smtp.host = xstrdup(d->smtp.host);
		} else
			snprintf(d->smtp_error, sizeof d->smtp_error, "%s",
			    e.msg);
	}
	if (!d->in_ok)
		d->in.host = NULL;
	if (!d->smtp_ok)
		d->smtp.host = NULL;
	ev = xcalloc(1, sizeof *ev);
	ev->done = d;
	chan_push(wz->events, ev);
	return NULL;
}

static void
wz_lines_clear(struct wz *wz)
{
	size_t	 i;

	for (i = 0; i < wz->nlines; i++)
		free((char *)wz->lines[i].at.cand.host);
	free(wz->lines);
	wz->lines = NULL;
	wz->nlines = 0;
}

static void
wz_done_free(struct wz_done *d)
{
	if (d == NULL)
		return;
	free(d->in.host);
	free(d->smtp.host);
	free(d);
}

/* Starts the probe of wz->prov on its thread, on the probe screen. */
static void
wz_probe_start(struct wz *wz)
{
	wz_lines_clear(wz);
	wz_done_free(wz->done);
	wz->done = NULL;
	wz->summary_top = 0;
	atomic_store(&wz->cancel, 0);
	wz->back_pending = 0;
	wz->probe = wz_probe_new(wz);
	if (pthread_create(&wz->thread, NULL, wz_probe_main, wz) != 0) {
		wizard_probe_free(wz->probe);
		wz->probe = NULL;
		wz_message(wz, 1, "%s", _("cannot start the probe"));
		return;
	}
	wz->running = 1;
	wz_go(wz, WZ_PROBE);
}

/* One attempt: a new line, or the line that said "trying" updated. */
static void
wz_probe_line(struct wz *wz, struct wizard_attempt *at)
{
	struct wz_line	*last;

	last = wz->nlines > 0 ? &wz->lines[wz->nlines - 1] : NULL;
	if (last != NULL && last->at.result == WIZARD_TRYING &&
	    last->at.service == at->service && last->at.cand.port ==
	    at->cand.port && strcmp(last->at.cand.host, at->cand.host) == 0) {
		free((char *)last->at.cand.host);
		last->at = *at;
		return;
	}
	if (wz->nlines == WZ_MAX_LINES) {
		free((char *)at->cand.host);
		return;
	}
	wz->lines = xreallocarray(wz->lines, wz->nlines + 1,
	    sizeof *wz->lines);
	wz->lines[wz->nlines++].at = *at;
}

static void
wz_probe_event(struct wz *wz, struct wz_event *ev)
{
	wz->dirty = 1;
	if (ev->at != NULL) {
		wz_probe_line(wz, ev->at);	/* takes the host */
		ev->at->cand.host = NULL;
		return;
	}
	pthread_join(wz->thread, NULL);
	wizard_probe_free(wz->probe);	/* wipes what it held */
	wz->probe = NULL;
	wz->running = 0;
	wz->done = ev->done;
	ev->done = NULL;
	if (wz->back_pending) {
		wz_back(wz);
		return;
	}
	wz->screen = WZ_SUMMARY;	/* Esc there goes back past the probe */
}

/* ----------------------------------------------------------- input */

static void
wz_manual_defaults(struct wz *wz)
{
	const struct wizard_candidate	*c;
	enum wizard_service		 svc;
	char				 port[8];

	svc = wz->backend == BACKEND_POP3 ? WIZARD_POP3 : WIZARD_IMAP;
	wz_field_set(&wz->manual[0], svc == WIZARD_POP3 ? "pop3" : "imap");
	if (wz->prov->ncand[svc] > 0 && wz->manual[1].len == 0) {
		c = &wz->prov->cand[svc][0];
		wz_field_set(&wz->manual[1], c->host);
		snprintf(port, sizeof port, "%u", c->port);
		wz_field_set(&wz->manual[2], port);
		wz_field_set(&wz->manual[3], config_security_name(
		    c->security));
	}
	if (wz->prov->ncand[WIZARD_SMTP] > 0 && wz->manual[4].len == 0) {
		c = &wz->prov->cand[WIZARD_SMTP][0];
		wz_field_set(&wz->manual[4], c->host);
		snprintf(port, sizeof port, "%u", c->port);
		wz_field_set(&wz->manual[5], port);
		wz_field_set(&wz->manual[6], config_security_name(
		    c->security));
	}
	if (wz->manual[3].len == 0)
		wz_field_set(&wz->manual[3], "tls");
	if (wz->manual[6].len == 0)
		wz_field_set(&wz->manual[6], "tls");
	if (wz->manual[7].len == 0)
		wz_field_set(&wz->manual[7], wz->email.buf);
	wz->manual_cur = 1;
}

/* Turns the manual fields into a provider of one candidate each. */
static int
wz_manual_provider(struct wz *wz)
{
	struct wizard_provider	*pr;
	struct error		 e = { 0 };
	uint16_t		 in_port, out_port = 0;

	if (wz->manual[1].len == 0) {
		wz_message(wz, 1, "%s", _("the incoming server is missing"));
		return -1;
	}
	if (config_parse_port(wz->manual[2].buf, &in_port, &e) == -1 ||
	    (wz->manual[4].len > 0 && config_parse_port(wz->manual[5].buf,
	    &out_port, &e) == -1)) {
		wz_message(wz, 1, "%s", e.msg);
		return -1;
	}
	wz->backend = strcmp(wz->manual[0].buf, "pop3") == 0 ? BACKEND_POP3 :
	    BACKEND_IMAP;
	pr = wizard_provider_new(_("your servers"));
	wizard_provider_add(pr, wz->backend == BACKEND_POP3 ? WIZARD_POP3 :
	    WIZARD_IMAP, wz->manual[1].buf, in_port,
	    strcmp(wz->manual[3].buf, "starttls") == 0 ? SECURITY_STARTTLS :
	    SECURITY_TLS);
	if (wz->manual[4].len > 0)
		wizard_provider_add(pr, WIZARD_SMTP, wz->manual[4].buf,
		    out_port, strcmp(wz->manual[6].buf, "starttls") == 0 ?
		    SECURITY_STARTTLS : SECURITY_TLS);
	wizard_provider_free(wz->prov);
	wz->prov = pr;
	wz->prov_known = 0;
	return 0;
}

static void
wz_manual_toggle(struct wz *wz)
{
	struct wz_field	*f = &wz->manual[wz->manual_cur];

	switch (wz->manual_cur) {
	case 0:
		wz_field_set(f, strcmp(f->buf, "imap") == 0 ? "pop3" : "imap");
		break;
	case 3:
	case 6:
		wz_field_set(f, strcmp(f->buf, "tls") == 0 ? "starttls" :
		    "tls");
		break;
	}
}

static void
wz_key_manual(struct wz *wz, int key, int is_func)
{
	int	 toggle = wz->manual_cur == 0 || wz->manual_cur == 3 ||
		    wz->manual_cur == 6;

	if ((is_func && key == KEY_DOWN) || (!is_func && key == '\t'))
		wz->manual_cur = (wz->manual_cur + 1) % WZ_NMANUAL;
	else if ((is_func && (key == KEY_UP || key == KEY_BTAB)))
		wz->manual_cur = (wz->manual_cur + WZ_NMANUAL - 1) %
		    WZ_NMANUAL;
	else if (toggle && !is_func && key == ' ')
		wz_manual_toggle(wz);
	else if ((!is_func && (key == '\r' || key == '\n')) ||
	    (is_func && key == KEY_ENTER)) {
		if (wz_manual_provider(wz) == 0)
			wz_probe_start(wz);
	} else if (!toggle) {
		if (wz->manual_cur == 7)
			wz->user_auto = 0;	/* typed: the user's own */
		wz_field_key(&wz->manual[wz->manual_cur], key, is_func);
	}
}

/*
 * Looks the address up: the provider in the data, else SRV records, an
 * autoconfig file and guesses (wizard_discover, bounded in time).
 */
static int
wz_find_provider(struct wz *wz)
{
	struct wizard_provider	*pr;
	struct error		 e = { 0 };
	struct sbuf		 report;
	char			*domain, *line, *nl;
	int			 known = 0;

	if ((domain = wizard_address_domain(wz->email.buf, &e)) == NULL) {
		wz_message(wz, 1, "%s", e.msg);
		return -1;
	}
	/* DNS may take a few seconds: say so first. */
	wz_message(wz, 0, _("Looking up the servers of %s..."), domain);
	wz_draw(wz);
	wz->message[0] = '\0';
	wz->dirty = 1;
	sbuf_init(&report);
	pr = wizard_discover(wz->email.buf, &known, &report, &e);
	for (line = report.buf; line != NULL && *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		log_info("%s", line);
	}
	sbuf_release(&report);
	if (pr == NULL) {
		free(domain);
		wz_message(wz, 1, "%s", e.msg);
		return -1;
	}
	free(wz->domain);
	wz->domain = domain;
	wizard_provider_free(wz->prov);
	wz->prov = pr;
	wz->prov_known = known;
	/* Autoconfig's user name, until the user types another. */
	if (pr->username != NULL) {
		wz_field_set(&wz->manual[7], pr->username);
		wz->user_auto = 1;
	} else if (wz->user_auto) {
		wz_field_set(&wz->manual[7], "");
		wz->user_auto = 0;
	}
	return 0;
}

int
wz_is_enter(int key, int is_func)
{
	return (!is_func && (key == '\r' || key == '\n')) ||
	    (is_func && key == KEY_ENTER);
}

/* Up and Down over n items. */
void
wz_menu_key(struct wz *wz, int key, int is_func, size_t n)
{
	if (is_func && key == KEY_DOWN && (size_t)wz->menu_cur + 1 < n)
		wz->menu_cur++;
	else if (is_func && key == KEY_UP && wz->menu_cur > 0)
		wz->menu_cur--;
	else if (!is_func && key >= '1' && (size_t)(key - '1') < n)
		wz->menu_cur = key - '1';
}

static void
wz_protocol_next(struct wz *wz)
{
	switch (wz->menu_cur) {
	case 0:
	case 1:
		wz->backend = wz->menu_cur == 1 ? BACKEND_POP3 : BACKEND_IMAP;
		if (wz->prov->ncand[wz->menu_cur == 1 ? WIZARD_POP3 :
		    WIZARD_IMAP] == 0) {
			wz_message(wz, 1, _("%s lists no such server; enter "
			    "it by hand"), wz->prov->name);
			return;
		}
		wz_probe_start(wz);
		break;
	default:
		wz_manual_defaults(wz);
		wz_go(wz, WZ_MANUAL);
		break;
	}
}

/* The first line whose certificate was not trusted, or -1. */
static int
wz_cert_failure(struct wz *wz)
{
	size_t	 i;

	for (i = 0; i < wz->nlines; i++) {
		if (wz->lines[i].at.result == WIZARD_FAILED &&
		    wz->lines[i].at.cert.valid)
			return (int)i;
	}
	return -1;
}

static void
wz_key_summary(struct wz *wz, int key, int is_func)
{
	int	 i;

	if (is_func && (key == KEY_DOWN || key == KEY_UP || key ==
	    KEY_NPAGE || key == KEY_PPAGE)) {
		/* The drawing keeps the top in range. */
		if (key == KEY_DOWN)
			wz->summary_top++;
		else if (key == KEY_NPAGE)
			wz->summary_top += wz->summary_page;
		else if (key == KEY_UP && wz->summary_top > 0)
			wz->summary_top--;
		else if (key == KEY_PPAGE)
			wz->summary_top = wz->summary_top > wz->summary_page ?
			    wz->summary_top - wz->summary_page : 0;
	} else if (wz_is_enter(key, is_func)) {
		if (wz->done == NULL || !wz->done->in_ok) {
			wz_message(wz, 1, "%s", _("no server works yet: "
			    "m enters them by hand, t trusts a certificate"));
			return;
		}
		wz_store_menu(wz);
		wz_go(wz, WZ_STORE);
	} else if (!is_func && key == 'm') {
		wz_manual_defaults(wz);
		wz_go(wz, WZ_MANUAL);
	} else if (!is_func && key == 't') {
		if ((i = wz_cert_failure(wz)) == -1) {
			wz_message(wz, 1, "%s", _("no server showed an "
			    "untrusted certificate"));
			return;
		}
		wz->cert_line = (size_t)i;
		wz_field_wipe(&wz->confirm);
		wz_go(wz, WZ_CERT);
	}
}

/* The user typed yes: pin the certificate, probe again. */
static void
wz_key_cert(struct wz *wz, int key, int is_func)
{
	const struct wizard_attempt	*at = &wz->lines[wz->cert_line].at;
	size_t				 i;

	if (!wz_is_enter(key, is_func)) {
		wz_field_key(&wz->confirm, key, is_func);
		return;
	}
	if (strcmp(wz->confirm.buf, "yes") != 0 &&
	    strcmp(wz->confirm.buf, _("yes")) != 0) {
		wz_message(wz, 1, "%s", _("not pinned: type yes to pin it, "
		    "or Esc to go back"));
		return;
	}
	for (i = 0; i < wz->npins; i++) {
		if (strncmp(wz->pins[i], at->cand.host,
		    strlen(at->cand.host)) == 0 &&
		    wz->pins[i][strlen(at->cand.host)] == ' ')
			break;
	}
	if (i == wz->npins) {
		wz->pins = xreallocarray(wz->pins, wz->npins + 1,
		    sizeof *wz->pins);
		wz->npins++;
	} else
		free(wz->pins[i]);
	wz->pins[i] = xasprintf("%s %s", at->cand.host, at->cert.sha256);
	log_info("pinned %s for %s", at->cert.sha256, at->cand.host);
	/* Back to the screen before the summary, then the probe again. */
	wz->nback = wz->nback >= 1 ? wz->nback - 1 : 0;
	wz->screen = wz->nback > 0 ? wz->back[--wz->nback] : WZ_PROTOCOL;
	wz_probe_start(wz);
}

/* Enter on a text screen. */
static void
wz_text_next(struct wz *wz)
{
	switch (wz->screen) {
	case WZ_NAME:
		wz_go(wz, WZ_ADDRESS);
		break;
	case WZ_ADDRESS:
		if (wz_find_provider(wz) == 0)
			wz_go(wz, WZ_PASSWORD);
		break;
	case WZ_PASSWORD:
		if (wz->pass.len == 0) {
			wz_message(wz, 1, "%s", _("the password is empty"));
			break;
		}
		wz_go(wz, WZ_PROTOCOL);
		break;
	case WZ_COMMAND:
		if (wz->command.len == 0) {
			wz_message(wz, 1, "%s", _("the command is empty"));
			break;
		}
		wz->store = WZ_STORE_COMMAND;
		wz_go(wz, WZ_SAVE);
		break;
	default:
		break;
	}
}

static void
wz_key(struct wz *wz, int key, int is_func)
{
	struct wz_field	*f = NULL;

	wz->dirty = 1;
	if (wz->screen != WZ_DONE && !is_func && key == 033) {
		if (wz->running) {
			atomic_store(&wz->cancel, 1);
			wizard_probe_cancel(wz->probe);
			wz->back_pending = 1;
			wz_message(wz, 0, "%s", _("Stopping after this "
			    "server..."));
			return;
		}
		wz_back(wz);
		return;
	}
	wz->message[0] = '\0';
	switch (wz->screen) {
	case WZ_NAME:
		f = &wz->name;
		break;
	case WZ_ADDRESS:
		f = &wz->email;
		break;
	case WZ_PASSWORD:
		f = &wz->pass;
		break;
	case WZ_COMMAND:
		f = &wz->command;
		break;
	case WZ_PROTOCOL:
		if (wz_is_enter(key, is_func))
			wz_protocol_next(wz);
		else
			wz_menu_key(wz, key, is_func, 3);
		return;
	case WZ_MANUAL:
		wz_key_manual(wz, key, is_func);
		return;
	case WZ_PROBE:
		if (!wz->running && wz_is_enter(key, is_func))
			wz->screen = WZ_SUMMARY;
		return;
	case WZ_SUMMARY:
		wz_key_summary(wz, key, is_func);
		return;
	case WZ_CERT:
		wz_key_cert(wz, key, is_func);
		return;
	case WZ_STORE:
	case WZ_KEY:
		wz_key_store(wz, key, is_func);
		return;
	case WZ_SAVE:
	case WZ_DONE:
		wz_key_save(wz, key, is_func);
		return;
	case WZ_NSCREENS:
		return;
	}
	if (wz_is_enter(key, is_func))
		wz_text_next(wz);
	else
		wz_field_key(f, key, is_func);
}

static void
wz_handle_keys(struct wz *wz)
{
	wint_t	 wch;
	int	 rc, n = 0;

	while (n++ < 256 && !wz->quit && (rc = get_wch(&wch)) != ERR) {
		if (rc == KEY_CODE_YES && wch == KEY_RESIZE) {
			wz->dirty = 1;
			continue;
		}
		wz_key(wz, (int)wch, rc == KEY_CODE_YES);
	}
	wch = 0;
}

static void
wz_loop(struct wz *wz)
{
	struct pollfd	 pfd[2];
	struct wz_event	*ev;

	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = chan_fd(wz->events);
	pfd[1].events = POLLIN;
	wz->dirty = 1;
	while (!wz->quit) {
		if (wz->dirty)
			wz_draw(wz);
		if (poll(pfd, 2, WZ_TICK_MS) == -1 && errno != EINTR)
			break;
		while ((ev = chan_pop(wz->events)) != NULL) {
			wz_probe_event(wz, ev);
			wz_event_free(ev);
		}
		wz_handle_keys(wz);
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
	}
}

static void
wz_free(struct wz *wz)
{
	size_t	 i;
	int	 k;

	if (wz->running) {
		atomic_store(&wz->cancel, 1);
		wizard_probe_cancel(wz->probe);
		pthread_join(wz->thread, NULL);
		wizard_probe_free(wz->probe);
	}
	chan_free(wz->events, wz_event_free);
	wz_field_wipe(&wz->pass);
	wz_field_wipe(&wz->confirm);
	for (k = 0; k < WZ_NMANUAL; k++)
		wz_field_wipe(&wz->manual[k]);
	wz_lines_clear(wz);
	wz_done_free(wz->done);
	for (i = 0; i < wz->npins; i++)
		free(wz->pins[i]);
	free(wz->pins);
	crypto_keys_free(wz->keys, wz->nkeys);
	wizard_provider_free(wz->prov);
	free(wz->domain);
	free(wz->check_text);
}

int
ui_wizard_run(const struct ui_wizard_params *params, char **account_idp,
    struct error *err)
{
	struct wz	*wz;
	int		 ret;

	*account_idp = NULL;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return error_set(err, ERROR_INPUT, _("the set-up wizard needs "
		    "a terminal"));
	wz = xcalloc(1, sizeof *wz);
	wz->params = params;
	wz->events = chan_new();
	wz->screen = WZ_NAME;
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	wz_loop(wz);
	erase();
	refresh();
	endwin();
	ret = wz->quit == 2 ? 0 : 1;
	if (ret == 0) {
		*account_idp = wz->account_id;
		wz->account_id = NULL;
	}
	free(wz->account_id);
	wz_free(wz);
	free(wz);
	return ret;
}
