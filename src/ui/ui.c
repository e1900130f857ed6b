/* src/ui/ui.c: the main loop, the model's events, and the frame. */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "addr/addr.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "ui/internal.h"
#include "ui/ui.h"

#define UI_TICK_MS		1000	/* poll time-out: nothing else */
#define UI_MAX_EVENTS_TURN	64	/* then draw, so keys stay fast */
#define UI_MESSAGE_ROWS_MAX	3	/* rows a long message may take */

static int	ui_message_rows(struct ui *);
static int	ui_run_full(const struct config *, const char *, const char *,
		    struct error *);

void
ui_set_message(struct ui *ui, int is_error, const char *fmt, ...)
{
	struct sbuf	 b;
	va_list		 ap;

	sbuf_init(&b);
	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(ui->message);
	ui->message = sbuf_detach(&b, NULL);
	ui->message_is_error = is_error;
	ui->dirty = 1;
}

static void
ui_set_status(struct ui *ui, const char *text)
{
	free(ui->status);
	ui->status = text != NULL ? xstrdup(text) : NULL;
	ui->dirty = 1;
}

/* Rows left for the panes: minus the top bar, status line and messages. */
int
ui_index_height(struct ui *ui)
{
	int	 h = ui->rows - 2 - ui_message_rows(ui);

	return h > 1 ? h : 1;
}

/*
 * A message takes as many rows as it needs, up to UI_MESSAGE_ROWS_MAX, so
 * that a long error (a certificate fingerprint) is read in full.
 */
static int
ui_message_rows(struct ui *ui)
{
	int	 w, n;

	if (ui->message == NULL || ui->cols <= 0)
		return 1;
	w = ui_text_width(ui->message, strlen(ui->message));
	n = (w + ui->cols - 1) / ui->cols;
	if (n < 1)
		n = 1;
	if (n > UI_MESSAGE_ROWS_MAX)
		n = UI_MESSAGE_ROWS_MAX;
	if (n > ui->rows / 4)
		n = ui->rows / 4 > 0 ? ui->rows / 4 : 1;
	/* An open prompt takes a row of its own below the message. */
	return ui->prompt_open ? n + 1 : n;
}

/* Index rows above the pager in split view (pager-split); 0 if none. */
int
ui_split_rows(struct ui *ui)
{
	int	 h = ui_index_height(ui), s = ui->pager_split;

	if (ui->view != VIEW_PAGER || s <= 0)
		return 0;
	if (s > h - 3)
		s = h - 3;
	return s > 0 ? s : 0;
}

/* Makes acct the current one: ui->account, ui->worker, ui->folders. */
static void
ui_set_account(struct ui *ui, size_t acct)
{
	ui->acct_open = acct;
	ui->account = ui->accts[acct].account;
	ui->worker = ui->accts[acct].worker;
	ui->folders = ui->accts[acct].folders;
	ui->nfolders = ui->accts[acct].nfolders;
}

void
ui_open_folder_of(struct ui *ui, size_t acct, size_t index)
{
	struct folder_info	*f;

	if (acct >= ui->naccts || index >= ui->accts[acct].nfolders)
		return;
	ui_ops_leave_folder(ui);
	if (acct == ui->acct_open && ui_outbox_is(ui, index)) {
		ui_outbox_open(ui);
		return;
	}
	ui->outbox_open = 0;
	f = &ui->accts[acct].folders[index];
	if (!f->selectable) {
		ui_set_message(ui, 1, _("'%s' holds no messages (it is only a "
		    "parent folder)"), f->name);
		return;
	}
	ui_index_clear(ui);
	ui_set_account(ui, acct);
	ui->folder_cur = index;
	free(ui->folder_open);
	ui->folder_open = xstrdup(f->wire_name);
	ui->folder_serial = ++ui->serial;
	ui->loading = 1;
	ui->folder_failed = 0;
	worker_open_folder(ui->worker, f->wire_name, ui->folder_serial);
	ui_set_status(ui, _("Opening folder..."));
}

void
ui_open_folder(struct ui *ui, size_t index)
{
	ui_open_folder_of(ui, ui->acct_open, index);
}

static void
ui_open_inbox(struct ui *ui)
{
	ui_index_clear(ui);
	ui->folder_open = xstrdup("INBOX");
	ui->folder_serial = ++ui->serial;
	ui->loading = 1;
	worker_open_folder(ui->worker, "INBOX", ui->folder_serial);
}

void
ui_open_message(struct ui *ui)
{
	struct summary	*m = ui_index_current(ui);

	if (m == NULL)
		return;
	if (ui->outbox_open) {
		ui_outbox_show(ui);
		return;
	}
	ui->pager_serial = ++ui->serial;
	worker_read_body(ui->worker, m->uid, ui->pager_serial);
	ui_ops_mark_seen(ui, m);
	ui_set_status(ui, _("Fetching the message..."));
	/* The next one in the index, into the body cache meanwhile. */
	if (ui->account->backend == BACKEND_IMAP &&
	    ui->msg_cur + 1 < ui->nrows)
		worker_prefetch_body(ui->worker,
		    ui->msgs[ui->idx_rows[ui->msg_cur + 1].msg].uid);
}

static const char *
ui_folder_display_name(struct ui *ui)
{
	size_t	 i;

	if (ui->folder_open == NULL)
		return "";
	for (i = 0; i < ui->nfolders; i++) {
		if (strcmp(ui->folders[i].wire_name, ui->folder_open) == 0)
			return ui->folders[i].name;
	}
	return ui->folder_open;
}

static void
ui_event_summaries(struct ui *ui, struct event *ev)
{
	char	 text[128];

	/* New mail after the load (IDLE): the count grows with it. */
	if (!ui->loading && ui->msgs_total != FOLDER_COUNT_UNKNOWN)
		ui->msgs_total += (uint32_t)ev->nsummaries;
	ui_index_add(ui, ev);
	if (ev->total == FOLDER_COUNT_UNKNOWN)
		return;		/* the first screenful of a cache */
	if (ui->msgs_total == FOLDER_COUNT_UNKNOWN ||
	    (!ui->loading && ev->total > ui->msgs_total))
		ui->msgs_total = ev->total;	/* new mail, after the load */
	if (ev->total > 0 && ev->done < ev->total) {
		snprintf(text, sizeof text, _("Loading %u of %u messages..."),
		    ev->done, ev->total);
		ui_set_status(ui, text);
	}
}

static void
ui_event_loaded(struct ui *ui)
{
	char	 text[128];

	ui->loading = 0;
	snprintf(text, sizeof text, P_("%zu message", "%zu messages",
	    ui->nmsgs), ui->nmsgs);
	ui_set_status(ui, text);
}

static void
ui_handle_event(struct ui *ui, struct event *ev)
{
	int	 current = ev->serial == ui->folder_serial;
	int	 mine = ev->account == ui->acct_open;

	if (ui_outbox_event(ui, ev) || ui_compose_event(ui, ev) ||
	    ui_body_event(ui, ev) || ui_attach_event(ui, ev))
		return;
	switch (ev->kind) {
	case EVENT_STATUS:
		if (mine) {	/* another account's progress would flicker */
			ui_set_status(ui, ev->text);
			ui->status_serial = ev->serial;
		}
		break;
	case EVENT_ERROR:
		if (!mine && ev->account < ui->naccts)
			ui_set_message(ui, 1, "%s: %s",
			    ui->accts[ev->account].account->id, ev->err.msg);
		else
			ui_set_message(ui, 1, "%s", ev->err.msg);
		if (current) {
			ui->loading = 0;
			ui->folder_failed = ui->nmsgs == 0;
		}
		/* The progress of what failed ("Connecting...") goes too. */
		if (current || ev->serial == ui->pager_serial ||
		    ev->serial == ui->accts[ui->acct_open].check_serial ||
		    (mine && ev->serial == ui->status_serial))
			ui_set_status(ui, NULL);
		break;
	case EVENT_CONNECTED:
		if (mine) {
			ui_set_status(ui, NULL);
			free(ui->banner);
			ui->banner = NULL;
		}
		break;
	case EVENT_OFFLINE:
		if (!mine)
			break;
		free(ui->banner);
		ui->banner = xstrdup(ev->text != NULL ? ev->text : "OFFLINE");
		break;
	case EVENT_FOLDERS:
		ui_folders_set(ui, ev);
		ui_outbox_refresh(ui);
		break;
	case EVENT_FOLDER_OPENED:
		if (current)
			ui->msgs_total = ev->total;
		if (current)
			ui_body_folder_opened(ui);
		break;
	case EVENT_SUMMARIES:
		if (current)
			ui_event_summaries(ui, ev);
		break;
	case EVENT_FOLDER_LOADED:
		if (current)
			ui_event_loaded(ui);
		break;
	case EVENT_BODY:
		if (ev->serial == ui->pager_serial) {
			ui_set_status(ui, NULL);
			ui_pager_show(ui, ev);
			/* Its senders go to the address book. */
			addrbook_note_message(ui->pager_raw,
			    ui->pager_raw_len, NULL, 0, ADDR_USE_READ);
			if (ev->serial == ui->attach_serial) {
				ui->attach_serial = 0;
				ui_attach_open(ui);
			}
		}
		break;
	case EVENT_FLAGS:
		if (current)
			ui_index_set_flags(ui, ev);
		break;
	case EVENT_SIZES:
		if (current)
			ui_index_set_sizes(ui, ev);
		break;
	case EVENT_VANISHED:
		if (current)
			ui_index_remove(ui, ev);
		break;
	case EVENT_NOTICE:	/* another account's says whose it is */
		if (!mine && ev->account < ui->naccts)
			ui_set_message(ui, 0, "%s: %s",
			    ui->accts[ev->account].account->id, ev->text);
		else
			ui_set_message(ui, 0, "%s", ev->text);
		break;
	case EVENT_BODY_MATCHES:	/* ui_body_event took it */
	case EVENT_PART:	/* one no longer waited for */
		break;
	}
	ui->dirty = 1;
}

/* The message, wrapped over rows lines from row y. */
static void
ui_draw_message(struct ui *ui, int y, int rows)
{
	struct ui_style	 st;
	const char	*m = ui->message;
	size_t		 len, fit;
	int		 i;

	st = ui_style(ui, ui->message_is_error ? THEME_ERROR : THEME_NORMAL);
	len = m != NULL ? strlen(m) : 0;
	for (i = 0; i < rows; i++) {
		fit = i == rows - 1 ? len : ui_text_fit(m, len, ui->cols);
		if (m == NULL || len == 0)
			ui_draw_fill(y + i, 0, ui->cols,
			    ui_style(ui, THEME_NORMAL));
		else
			ui_draw_text(y + i, 0, ui->cols, m, fit, st);
		if (m != NULL) {
			m += fit;
			len -= fit;
		}
	}
}

static void
ui_draw_bars(struct ui *ui)
{
	struct sbuf	 b;
	struct ui_style	 bar = ui_style(ui, THEME_STATUS);
	const char	*hint;
	char		 keys[64];
	int		 mrows;

	hint = ui->view == VIEW_COMPOSE ? _("y:Send  e:Edit  t/c/b/s:To/Cc/"
	    "Bcc/Subject  a:Attach  D:Remove  N:Name  F:From  p:Preview  "
	    "P:Postpone  q:Abandon") :
	    ui->view == VIEW_DRAFTS ? _("Enter:Recall  j/k:Move  q:Back") :
	    ui->view == VIEW_PAGER ?
	    _("q:Back  j/k:Line  Space/-:Page  n/p:Next/Prev  h:Headers  "
	    "v:Parts  ?:Help") :
	    ui->view == VIEW_ATTACH ? _("q:Back  j/k:Move  s:Save  S:Save all  "
	    "Enter:View  |:Pipe") :
	    ui->view == VIEW_URLS ? _("q:Back  j/k:Move  Enter:Open  y:Copy") :
	    ui->view == VIEW_HELP ? _("q:Close  j/k:Scroll") :
	    _("q:Quit  j/k:Move  Enter:Open  c:Folders  Tab:Pane  ?:Help");
	if (ui->banner != NULL)	/* offline: said where it is seen first */
		ui_draw_text(0, 0, ui->cols, ui->banner, strlen(ui->banner),
		    ui_style(ui, THEME_ERROR));
	else
		ui_draw_text(0, 0, ui->cols, hint, strlen(hint), bar);

	sbuf_init(&b);
	if (ui->naccts > 1)
		sbuf_addf(&b, "-- Postern: %s: %s  [%s]", ui->account->id,
		    ui->account->email, ui_folder_display_name(ui));
	else
		sbuf_addf(&b, "-- Postern: %s  [%s]", ui->account->email,
		    ui_folder_display_name(ui));
	if (ui->folder_open != NULL && ui->msgs_total == FOLDER_COUNT_UNKNOWN)
		sbuf_addf(&b, "  %zu", ui->nmsgs);
	else if (ui->folder_open != NULL)
		sbuf_addf(&b, _("  %zu of %u"), ui->nmsgs, ui->msgs_total);
	if (ui->status != NULL)
		sbuf_addf(&b, "  %s", ui->status);
	sbuf_addf(&b, _("  sort:%s%s"), ui->sort_reverse ? "reverse-" : "",
	    config_sort_name(ui->sort));
	if (ui->limit != NULL)
		sbuf_addf(&b, _("  limit:%s (%zu shown)"), ui->limit,
		    ui->nrows);
	if (ui->npending > 0) {
		ui_pending_text(ui, keys, sizeof keys);
		sbuf_addf(&b, _("  keys:%s-"), keys);
	}
	mrows = ui_message_rows(ui);
	ui_draw_text(ui->rows - 1 - mrows, 0, ui->cols, b.buf, b.len, bar);
	sbuf_release(&b);
	ui_draw_message(ui, ui->rows - mrows, ui->prompt_open &&
	    ui->message != NULL ? mrows - 1 : mrows);
	if (ui->prompt_open)
		ui_draw_prompt(ui, ui->rows - 1);	/* over the last row */
}

/* The folder pane, then the index or the pager, or both (pager-split). */
static void
ui_draw_panes(struct ui *ui, int h)
{
	int	 fw, w, s;

	fw = ui_side_width(ui);
	if (fw > 0)
		ui_draw_folders(ui, 1, h, fw);
	if ((w = ui->cols - fw) <= 0)
		return;
	if (ui->view != VIEW_PAGER) {
		ui_draw_index(ui, 1, h, fw, w);
		return;
	}
	if ((s = ui_split_rows(ui)) > 0)
		ui_draw_index(ui, 1, s, fw, w);
	ui_draw_pager(ui, 1 + s, h - s, fw, w);
}

static void
ui_draw(struct ui *ui)
{
	int	 h;

	getmaxyx(stdscr, ui->rows, ui->cols);
	if (ui->rows < 4 || ui->cols < 10) {
		erase();
		mvaddstr(0, 0, _("too small"));
		refresh();
		return;
	}
	h = ui_index_height(ui);
	if (ui->view == VIEW_HELP)
		ui_draw_help(ui, 1, h, ui->cols);
	else if (ui->view == VIEW_ATTACH)
		ui_draw_attach(ui, 1, h, ui->cols);
	else if (ui->view == VIEW_URLS)
		ui_draw_urls(ui, 1, h, ui->cols);
	else if (ui->view == VIEW_COMPOSE)
		ui_draw_compose(ui, 1, h, ui->cols);
	else if (ui->view == VIEW_DRAFTS)
		ui_draw_drafts(ui, 1, h, ui->cols);
	else
		ui_draw_panes(ui, h);
	ui_draw_bars(ui);
	attr_set(A_NORMAL, 0, NULL);
	refresh();
	ui->dirty = 0;
}

/* One key, typed or fed by a macro: to the prompt or to a binding. */
static void
ui_handle_key(struct ui *ui, int key, int is_func)
{
	if (is_func && key == KEY_RESIZE) {
		ui->pager_width = 0;	/* wrap again */
		ui->dirty = 1;
		return;
	}
	if (is_func && key == KEY_MOUSE) {
		if (ui->mouse && !ui->prompt_open)
			ui_mouse_event(ui);
		return;
	}
	if (ui->prompt_open) {
		ui_prompt_key(ui, key, is_func);
		return;
	}
	if (ui->message != NULL) {
		free(ui->message);
		ui->message = NULL;
		ui->dirty = 1;
	}
	if (ui_key_dispatch(ui, key, is_func) == -1)
		ui_set_message(ui, 0, "%s",
		    _("Key is not bound. Press '?' for help."));
}

/* Keys queued by macros first, then what was typed. */
static void
ui_handle_keys(struct ui *ui)
{
	wint_t	 wch;
	int	 rc, key, is_func, n = 0;

	while (n++ < UI_FEED_MAX && !ui->quit) {
		if (ui_feed_next(ui, &key, &is_func))
			ui_handle_key(ui, key, is_func);
		else if ((rc = get_wch(&wch)) != ERR) {
			ui->feed_expansions = 0;
			ui_handle_key(ui, (int)wch, rc == KEY_CODE_YES);
		} else
			break;
	}
}

static void
ui_loop(struct ui *ui)
{
	struct pollfd	 pfd[2];
	struct event	*ev;
	int		 n, empty;

	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = chan_fd(ui->events);
	pfd[1].events = POLLIN;
	ui->dirty = 1;
	while (!ui->quit) {
		if (ui->dirty)
			ui_draw(ui);
		if (poll(pfd, 2, UI_TICK_MS) == -1 && errno != EINTR)
			break;
		/* Chunks of summaries in a row are sorted once. */
		ui->index_defer = 1;
		for (n = 0; n < UI_MAX_EVENTS_TURN &&
		    (ev = chan_pop(ui->events)) != NULL; n++) {
			empty = ui->nmsgs == 0;
			ui_handle_event(ui, ev);
			event_free(ev);
			if (empty && ui->nmsgs > 0)
				break;	/* the first screenful, drawn now */
		}
		ui->index_defer = 0;
		ui_index_fresh(ui);
		ui_handle_keys(ui);
		ui_check_tick(ui);
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			log_warn("terminal went away");
			break;
		}
	}
}

static void
ui_free(struct ui *ui)
{
	size_t	 i, j;

	ui_jobs_join(ui);
	ui_compose_free(ui);
	ui_index_clear(ui);
	ui_pager_clear(ui);
	for (j = 0; j < ui->naccts; j++) {
		for (i = 0; i < ui->accts[j].nfolders; i++)
			folder_info_clear(&ui->accts[j].folders[i]);
		free(ui->accts[j].folders);
	}
	free(ui->accts);
	free(ui->side);
	for (i = 0; i < ui->nside_folded; i++)
		free(ui->side_folded[i]);
	free(ui->side_folded);
	ui_keymap_free(ui);
	free(ui->folder_open);
	free(ui->status);
	free(ui->message);
	free(ui->limit);
	search_free(ui->limit_search);
	search_free(ui->find);
	ui_body_cancel(ui);
	free(ui->pager_find);
	free(ui->banner);
	free(ui->pick_uids);
	free(ui->prompt_label);
	sbuf_release(&ui->prompt_text);
	for (i = 0; i < ui->prompt_ncands; i++)
		free(ui->prompt_cands[i]);
	free(ui->prompt_cands);
	free(ui->folder_op);
	free(ui->folder_op_name);
}

/* The compose flow for a mailto: link given on the command line. */
static void
ui_start_mailto(struct ui *ui, const char *mailto)
{
	struct mime_compose	 c;
	struct error		 err = { 0 };

	mime_compose_init(&c);
	if (mime_mailto_parse(mailto, &c, &err) == -1) {
		ui_set_message(ui, 1, "%s", err.msg);
		mime_compose_release(&c);
		return;
	}
	ui_compose_start(ui, &c, 1);
}

/* One worker per account; -1 if one cannot start (the others stop). */
static int
ui_start_workers(struct ui *ui, struct error *err)
{
	const struct config	*c = ui->config;
	size_t			 i;

	ui->naccts = c->naccounts;
	ui->accts = xcalloc(ui->naccts, sizeof *ui->accts);
	for (i = 0; i < ui->naccts; i++) {
		ui->accts[i].account = &c->accounts[i];
		ui->accts[i].worker = worker_start(&c->accounts[i],
		    (unsigned)i, ui->events, err);
		if (ui->accts[i].worker == NULL) {
			while (i-- > 0)
				worker_stop(ui->accts[i].worker);
			return -1;
		}
	}
	for (i = 0; i < ui->naccts; i++)
		worker_list_folders(ui->accts[i].worker, ++ui->serial);
	ui_set_account(ui, 0);
	return 0;
}

static void
ui_options_init(struct ui *ui)
{
	const struct config	*c = ui->config;

	ui->sort = c->sort;
	ui->sort_reverse = c->sort_reverse;
	ui->sidebar = c->sidebar;
	ui->sidebar_width = c->sidebar_width;
	ui->pager_split = c->pager_split;
	ui->mouse = c->mouse;
}

int
ui_run(const struct config *config, struct error *err)
{
	return ui_run_full(config, NULL, NULL, err);
}

int
ui_run_account(const struct config *config, const char *account_id,
    struct error *err)
{
	return ui_run_full(config, account_id, NULL, err);
}

int
ui_run_mailto(const struct config *config, const char *mailto,
    struct error *err)
{
	return ui_run_full(config, NULL, mailto, err);
}

/* The UI on account_id (NULL: the first), composing to mailto if set. */
static int
ui_run_full(const struct config *config, const char *account_id,
    const char *mailto,
    struct error *err)
{
	struct ui		 ui;
	const struct account	*a = NULL;
	size_t			 i;

	memset(&ui, 0, sizeof ui);
	ui.config = config;
	ui_options_init(&ui);
	if (config->naccounts == 0)
		return error_set(err, ERROR_INPUT,
		    _("'%s' defines no account; see postern.conf(5)"),
		    config->path);
	if (account_id != NULL &&
	    (a = config_find_account(config, account_id)) == NULL)
		return error_set(err, ERROR_INPUT, _("no account '%s' in '%s'"),
		    account_id, config->path);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return error_set(err, ERROR_INPUT,
		    _("standard input and output must be a terminal"));
	ui.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	ui.events = chan_new();
	if (ui_start_workers(&ui, err) == -1) {
		chan_free(ui.events, event_free_cb);
		free(ui.accts);
		return -1;
	}
	if (a != NULL)		/* the account asked for opens first */
		ui_set_account(&ui, (size_t)(a - config->accounts));
	ui_open_inbox(&ui);
	/* Every POP3 account checks at start, then every interval. */
	for (i = 0; i < ui.naccts; i++) {
		if (ui.accts[i].account->backend == BACKEND_POP3)
			ui_check_mail(&ui, i);
	}
	sbuf_init(&ui.pager_text);
	sbuf_init(&ui.prompt_text);
	ui_keymap_init(&ui);
	ui_commands_from_config(&ui);
	/* What a past session could not send goes now, in the background. */
	ui_outbox_refresh(&ui);
	if (ui.noutbox > 0)
		ui_outbox_flush(&ui);
	sbuf_init(&ui.pager_output);

	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	ui_colors_init(&ui);
	ui_mouse_apply(&ui);
	if (mailto != NULL)
		ui_start_mailto(&ui, mailto);
	ui_loop(&ui);
	endwin();

	ui_jobs_join(&ui);
	ui_outbox_stop(&ui);	/* a flush may need the worker (POP3 Sent) */
	for (i = 0; i < ui.naccts; i++)
		worker_stop(ui.accts[i].worker);
	chan_free(ui.events, event_free_cb);
	ui_free(&ui);
	return 0;
}
