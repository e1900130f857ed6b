/* src/ui/keys.c: actions and their default keys. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "addr/addr.h"
#include "core/i18n.h"
#include "core/xmalloc.h"
#include "mime/mime.h"
#include "ui/internal.h"

static void
ui_move(struct ui *ui, long delta)
{
	size_t	*cur, n;

	if (ui->focus == FOCUS_FOLDERS) {
		ui_side_move(ui, delta);
		return;
	}
	cur = &ui->msg_cur;
	n = ui->nrows;
	if (n == 0)
		return;
	if (delta < 0 && (size_t)-delta > *cur)
		*cur = 0;
	else if (delta > 0 && *cur + (size_t)delta >= n)
		*cur = n - 1;
	else
		*cur += delta;
	ui->dirty = 1;
}

static void act_next(struct ui *ui) { ui_move(ui, 1); }
static void act_prev(struct ui *ui) { ui_move(ui, -1); }
static void act_first(struct ui *ui) { ui_move(ui, -(long)UI_MAX_MESSAGES); }
static void act_last(struct ui *ui) { ui_move(ui, (long)UI_MAX_MESSAGES); }

static void
act_next_page(struct ui *ui)
{
	ui_move(ui, ui_index_height(ui) > 1 ? ui_index_height(ui) - 1 : 1);
}

static void
act_prev_page(struct ui *ui)
{
	ui_move(ui, -(ui_index_height(ui) > 1 ? ui_index_height(ui) - 1 : 1));
}

static void
act_open(struct ui *ui)
{
	if (ui->focus == FOCUS_FOLDERS && ui_ops_pick_done(ui, 0))
		return;
	if (ui->focus == FOCUS_FOLDERS)
		ui_side_open(ui);
	else
		ui_open_message(ui);
	ui->dirty = 1;
}

static void
act_change_folder(struct ui *ui)
{
	ui->focus = FOCUS_FOLDERS;
	ui->view = VIEW_INDEX;
	ui->dirty = 1;
}

static void
act_toggle_focus(struct ui *ui)
{
	ui->focus = ui->focus == FOCUS_FOLDERS ? FOCUS_INDEX : FOCUS_FOLDERS;
	ui->dirty = 1;
}

static void
act_quit(struct ui *ui)
{
	if (ui->focus == FOCUS_FOLDERS && ui_ops_pick_done(ui, 1))
		return;
	if (ui->focus == FOCUS_FOLDERS && ui->folder_open != NULL) {
		ui->focus = FOCUS_INDEX;	/* back to the index */
		ui->dirty = 1;
		return;
	}
	ui->quit = 1;
}

static void
act_redraw(struct ui *ui)
{
	clearok(curscr, TRUE);
	ui->dirty = 1;
}

static void
act_help(struct ui *ui)
{
	if (ui->view == VIEW_HELP)
		return;
	ui->help_from = ui->view;
	ui->view = VIEW_HELP;
	ui->help_top = 0;
	ui->dirty = 1;
}

static void
act_help_close(struct ui *ui)
{
	ui->view = ui->help_from;
	ui->dirty = 1;
}

static void
ui_pager_scroll(struct ui *ui, long delta)
{
	size_t	 n = ui->npager_lines, h = (size_t)ui_pager_height(ui);
	size_t	 max = n > h ? n - h : 0;

	if (delta < 0 && (size_t)-delta > ui->pager_top)
		ui->pager_top = 0;
	else if (delta > 0 && ui->pager_top + (size_t)delta > max)
		ui->pager_top = max;
	else
		ui->pager_top += delta;
	ui->dirty = 1;
}

static void act_line_down(struct ui *ui) { ui_pager_scroll(ui, 1); }
static void act_line_up(struct ui *ui) { ui_pager_scroll(ui, -1); }
static void act_page_down(struct ui *ui)
{
	ui_pager_scroll(ui, ui_pager_height(ui) - 1);
}
static void act_page_up(struct ui *ui)
{
	ui_pager_scroll(ui, -(ui_pager_height(ui) - 1));
}
static void act_top(struct ui *ui) { ui_pager_scroll(ui, -(long)UI_MAX_PAGER_LINES); }
static void act_bottom(struct ui *ui) { ui_pager_scroll(ui, (long)UI_MAX_PAGER_LINES); }

static void
act_exit_pager(struct ui *ui)
{
	if (ui_pager_back(ui))
		return;		/* from the source or a viewer's output */
	ui->view = ui->preview && ui->compose != NULL ? VIEW_COMPOSE :
	    VIEW_INDEX;
	if (ui->preview)
		ui_pager_clear(ui);
	ui->preview = 0;
	ui->dirty = 1;
}

static void
act_toggle_headers(struct ui *ui)
{
	ui->pager_all_headers = !ui->pager_all_headers;
	ui->pager_top = 0;
	ui_pager_rerender(ui);
}

static void
ui_pager_step(struct ui *ui, long delta)
{
	size_t	 before = ui->msg_cur;

	ui->focus = FOCUS_INDEX;
	ui_move(ui, delta);
	if (ui->msg_cur == before) {
		ui_set_message(ui, 0, "%s", delta > 0 ?
		    _("This is the last message.") :
		    _("This is the first message."));
		return;
	}
	ui_open_message(ui);
}

static void act_pager_next(struct ui *ui) { ui_pager_step(ui, 1); }
static void act_pager_prev(struct ui *ui) { ui_pager_step(ui, -1); }

static void
act_help_down(struct ui *ui)
{
	if (ui->help_top + 1 < ui_help_lines(ui))
		ui->help_top++;
	ui->dirty = 1;
}

static void
act_help_up(struct ui *ui)
{
	if (ui->help_top > 0)
		ui->help_top--;
	ui->dirty = 1;
}

/* The row of the first message of the cursor's thread. */
static size_t
ui_thread_start(struct ui *ui)
{
	size_t	 i = ui->msg_cur;

	while (i > 0 && ui->idx_rows[i].depth > 0)
		i--;
	return i;
}

static int
ui_need_threads(struct ui *ui)
{
	if (ui->sort == CONFIG_SORT_THREAD && ui->nrows > 0)
		return 1;
	ui_set_message(ui, 0, "%s", _("Threads are shown when sorted by "
	    "thread (press o until it says so)."));
	return 0;
}

static void
act_collapse_thread(struct ui *ui)
{
	size_t	 msg;

	if (!ui_need_threads(ui))
		return;
	msg = ui->idx_rows[ui_thread_start(ui)].msg;
	ui->collapsed[msg] = !ui->collapsed[msg];
	ui_index_rebuild(ui);
}

static void
act_collapse_all(struct ui *ui)
{
	size_t	 i;
	int	 all = 1;

	if (!ui_need_threads(ui))
		return;
	for (i = 0; i < ui->nrows; i++) {
		if (ui->idx_rows[i].depth == 0 && ui->idx_rows[i].size > 1 &&
		    !ui->collapsed[ui->idx_rows[i].msg])
			all = 0;
	}
	for (i = 0; i < ui->nrows; i++) {
		if (ui->idx_rows[i].depth == 0)
			ui->collapsed[ui->idx_rows[i].msg] = !all;
	}
	ui_index_rebuild(ui);
}

static void
act_sort_next(struct ui *ui)
{
	ui->sort = (enum config_sort)((ui->sort + 1) % CONFIG_SORT_COUNT);
	ui_index_rebuild(ui);
	ui_set_message(ui, 0, _("Sorted by %s%s."), ui->sort_reverse ?
	    "reverse-" : "", config_sort_name(ui->sort));
}

static void
act_sort_reverse(struct ui *ui)
{
	ui->sort_reverse = !ui->sort_reverse;
	ui_index_rebuild(ui);
	ui_set_message(ui, 0, _("Sorted by %s%s."), ui->sort_reverse ?
	    "reverse-" : "", config_sort_name(ui->sort));
}

static void
ui_limit_done(struct ui *ui, const char *text)
{
	ui_index_limit(ui, text);
}

static void
act_limit(struct ui *ui)
{
	ui_prompt_start(ui, _("Limit to (a query; empty or all: every "
	    "message): "), ui_limit_done);
	if (ui->limit != NULL)
		sbuf_addstr(&ui->prompt_text, ui->limit);
}

static void
act_find_next(struct ui *ui)
{
	if (ui->find == NULL)
		ui_set_message(ui, 0, "%s", _("No search yet: press /."));
	else if (ui_index_find_next(ui) == -1)
		ui_set_message(ui, 0, "%s", _("No message matches."));
}

static void
ui_find_done(struct ui *ui, const char *text)
{
	struct search	*s;
	struct error	 err = { 0 };

	if (*text == '\0')
		return;
	if ((s = search_parse(text, &err)) == NULL) {
		ui_set_message(ui, 1, "%s", err.msg);
		return;
	}
	if (ui_body_start(ui, s, UI_BODY_FIND, text))
		return;
	search_free(ui->find);
	ui->find = s;
	act_find_next(ui);
}

static void
act_find(struct ui *ui)
{
	ui_prompt_start(ui, _("Search for: "), ui_find_done);
}

static void
ui_pager_find_done(struct ui *ui, const char *text)
{
	if (*text == '\0')
		return;
	free(ui->pager_find);
	ui->pager_find = xstrdup(text);
	if (ui_pager_find_next(ui) == -1)
		ui_set_message(ui, 0, _("Not found below: %s"), text);
}

static void
act_pager_find(struct ui *ui)
{
	ui_prompt_start(ui, _("Find in the message: "), ui_pager_find_done);
}

/* Shows the addresses of the list text, as a To field would take them. */
static int
ui_query_show_list(struct ui *ui, const char *text)
{
	struct mime_address_list	 l = { NULL, 0 };
	struct addr_candidate		 c;
	struct sbuf			 b;
	char				*s;
	size_t				 i;

	if (strchr(text, '@') == NULL ||
	    mime_address_parse(text, &l, NULL) == -1 || l.n == 0)
		return -1;
	sbuf_init(&b);
	sbuf_addf(&b, P_("%zu address:", "%zu addresses:", l.n), l.n);
	for (i = 0; i < l.n; i++) {
		if (l.v[i].addr == NULL)
			continue;
		memset(&c, 0, sizeof c);
		c.name = l.v[i].name;
		c.addr = l.v[i].addr;
		s = addr_candidate_format(&c);
		sbuf_addf(&b, "%s %s", i > 0 ? "," : "", s);
		free(s);
	}
	ui_set_message(ui, 0, "%s", b.buf);
	sbuf_release(&b);
	mime_address_list_release(&l);
	return 0;
}

/*
 * The query (Q): a list of addresses (completed with Tab) is shown as
 * parsed; other text is looked up, the matches on the message line.
 */
static void
ui_query_done(struct ui *ui, const char *text)
{
	struct addr_candidates	 c = { NULL, 0 };
	struct error		 err = { 0 };
	struct sbuf		 b;
	char			*s;
	size_t			 i;

	if (ui_query_show_list(ui, text) == 0)
		return;
	if (addrbook_complete(ui->config->query_command, text, 20, &c,
	    &err) == -1) {
		ui_set_message(ui, 1, "%s", err.msg);
		return;
	}
	sbuf_init(&b);
	sbuf_addf(&b, P_("%zu match for '%s':", "%zu matches for '%s':",
	    c.n), c.n, text);
	for (i = 0; i < c.n; i++) {
		s = addr_candidate_format(&c.v[i]);
		sbuf_addf(&b, "%s %s", i > 0 ? "," : "", s);
		free(s);
	}
	ui_set_message(ui, 0, "%s", b.buf);
	sbuf_release(&b);
	addr_candidates_release(&c);
}

static void
act_query(struct ui *ui)
{
	ui_prompt_start_complete(ui, _("Query addresses (Tab completes): "),
	    ui_query_done, ui_complete_address);
}

static void
act_flush_outbox(struct ui *ui)
{
	ui_outbox_flush(ui);
}

static const struct ui_action
    a_flush_outbox = { "flush-outbox", N_("send the messages waiting in "
	"the outbox"), act_flush_outbox };

static const struct ui_action
    a_query = { "query", N_("look up addresses in the address book and "
	"the query command"), act_query };
static void act_command(struct ui *ui) { ui_command_prompt(ui); }
static void act_noop(struct ui *ui) { (void)ui; }

static void
act_sidebar_toggle(struct ui *ui)
{
	ui->sidebar = !ui->sidebar;
	if (!ui->sidebar && ui->focus == FOCUS_FOLDERS && ui->folder_open)
		ui->focus = FOCUS_INDEX;
	ui->dirty = 1;
}

static void act_side_collapse(struct ui *ui) { ui_side_collapse(ui); }
static void act_side_next(struct ui *ui) { ui_side_move(ui, 1); }
static void act_side_prev(struct ui *ui) { ui_side_move(ui, -1); }

static void
act_side_open(struct ui *ui)
{
	ui_side_open(ui);
	ui->view = VIEW_INDEX;
}

static const struct ui_action
    a_command = { "enter-command", N_("type a command (bind, macro, set, "
	"push, exec)"), act_command },
    a_noop = { "noop", N_("do nothing (unbinds a key)"), act_noop },
    a_sidebar = { "sidebar-toggle-visible", N_("show or hide the folder "
	"pane"), act_sidebar_toggle },
    a_side_fold = { "sidebar-toggle-collapse", N_("fold or unfold the "
	"subfolders of this folder"), act_side_collapse },
    a_side_next = { "sidebar-next", N_("move to the next folder in the "
	"folder pane"), act_side_next },
    a_side_prev = { "sidebar-prev", N_("move to the previous folder in "
	"the folder pane"), act_side_prev },
    a_side_open = { "sidebar-open", N_("open the folder under the folder "
	"pane's cursor"), act_side_open };

static void
act_attach(struct ui *ui)
{
	ui->attach_back = VIEW_PAGER;
	ui_attach_open(ui);
}

/* v in the index: the message is fetched, then its parts are listed. */
static void
act_index_attach(struct ui *ui)
{
	if (ui_index_current(ui) == NULL || ui->outbox_open)
		return;
	ui_open_message(ui);
	ui->attach_serial = ui->pager_serial;
	ui->attach_back = VIEW_INDEX;
}

static void act_source(struct ui *ui) { ui_pager_toggle_source(ui); }
static void act_pipe(struct ui *ui) { ui_pager_pipe(ui); }
static void act_urls(struct ui *ui) { ui_urls_open(ui); }
static void act_attach_down(struct ui *ui) { ui_attach_move(ui, 1); }
static void act_attach_up(struct ui *ui) { ui_attach_move(ui, -1); }
static void act_attach_save(struct ui *ui) { ui_attach_save(ui); }
static void act_attach_save_all(struct ui *ui) { ui_attach_save_all(ui); }
static void act_attach_view(struct ui *ui) { ui_attach_view(ui); }
static void act_attach_pipe(struct ui *ui) { ui_attach_pipe(ui); }
static void act_urls_down(struct ui *ui) { ui_urls_move(ui, 1); }
static void act_urls_up(struct ui *ui) { ui_urls_move(ui, -1); }
static void act_urls_open(struct ui *ui) { ui_urls_launch(ui); }
static void act_urls_copy(struct ui *ui) { ui_urls_copy(ui); }

static void
act_list_back(struct ui *ui)
{
	ui->view = ui->view == VIEW_ATTACH && ui->attach_back == VIEW_INDEX ?
	    VIEW_INDEX : VIEW_PAGER;
	ui->dirty = 1;
}

static const struct ui_action
    a_attach = { "view-attachments", N_("list the parts of the message"),
	act_attach },
    a_index_attach = { "view-attachments", N_("list the parts of the "
	"message"), act_index_attach },
    a_source = { "view-raw-message", N_("show the message as sent, or "
	"as read"), act_source },
    a_pipe = { "pipe-message", N_("pipe the message to a command"),
	act_pipe },
    a_urls = { "view-urls", N_("list the URLs of the message"), act_urls },
    a_att_down = { "next-entry", N_("move to the next part"),
	act_attach_down },
    a_att_up = { "previous-entry", N_("move to the previous part"),
	act_attach_up },
    a_att_save = { "save-entry", N_("save the part to a file"),
	act_attach_save },
    a_att_save_all = { "save-all", N_("save every file to a folder"),
	act_attach_save_all },
    a_att_view = { "view-mailcap", N_("show the part with its mailcap "
	"command"), act_attach_view },
    a_att_pipe = { "pipe-entry", N_("pipe the part to a command"),
	act_attach_pipe },
    a_url_down = { "next-entry", N_("move to the next URL"),
	act_urls_down },
    a_url_up = { "previous-entry", N_("move to the previous URL"),
	act_urls_up },
    a_url_open = { "open-url", N_("open the URL with url-command"),
	act_urls_open },
    a_url_copy = { "copy-url", N_("copy the URL with OSC 52"),
	act_urls_copy },
    a_list_back = { "exit", N_("go back to the message"), act_list_back };

static const struct ui_action
    a_limit = { "limit", N_("show only messages matching a query"),
	act_limit },
    a_find = { "search", N_("go to the next message matching a query"),
	act_find },
    a_find_next = { "search-next", N_("repeat the last search"),
	act_find_next },
    a_pfind = { "search", N_("go to the next line holding a text"),
	act_pager_find };

static const struct ui_action
    a_collapse = { "collapse-thread", N_("fold or unfold this thread"),
	act_collapse_thread },
    a_collapse_all = { "collapse-all", N_("fold or unfold all threads"),
	act_collapse_all },
    a_sort = { "sort-next", N_("sort by the next key (date, arrival, "
	"from, subject, size, thread)"), act_sort_next },
    a_sort_rev = { "sort-reverse", N_("reverse the sort order"),
	act_sort_reverse };

static const struct ui_action
    a_next = { "next-entry", N_("move to the next entry"), act_next },
    a_prev = { "previous-entry", N_("move to the previous entry"), act_prev },
    a_first = { "first-entry", N_("move to the first entry"), act_first },
    a_last = { "last-entry", N_("move to the last entry"), act_last },
    a_npage = { "next-page", N_("move down one page"), act_next_page },
    a_ppage = { "previous-page", N_("move up one page"), act_prev_page },
    a_open = { "open", N_("open the message or folder"), act_open },
    a_change = { "change-folder", N_("choose another folder"),
	act_change_folder },
    a_focus = { "toggle-focus", N_("switch between folders and index"),
	act_toggle_focus },
    a_quit = { "quit", N_("go back, or quit Postern"), act_quit },
    a_redraw = { "redraw", N_("redraw the screen"), act_redraw },
    a_help = { "help", N_("show the key bindings"), act_help },
    a_help_close = { "exit", N_("close the help"), act_help_close },
    a_ldown = { "next-line", N_("scroll down one line"), act_line_down },
    a_lup = { "previous-line", N_("scroll up one line"), act_line_up },
    a_pdown = { "next-page", N_("scroll down one page"), act_page_down },
    a_pup = { "previous-page", N_("scroll up one page"), act_page_up },
    a_top = { "top", N_("go to the top of the message"), act_top },
    a_bottom = { "bottom", N_("go to the end of the message"), act_bottom },
    a_exit_pager = { "exit", N_("go back to the index"), act_exit_pager },
    a_headers = { "display-toggle-weed",
	N_("show or hide the full headers"), act_toggle_headers },
    a_pnext = { "next-message", N_("show the next message"),
	act_pager_next },
    a_pprev = { "previous-message", N_("show the previous message"),
	act_pager_prev },
    a_hdown = { "next-line", N_("scroll down"), act_help_down },
    a_hup = { "previous-line", N_("scroll up"), act_help_up };

static const struct ui_action
    a_check_mail = { "fetch-mail", N_("check for new mail now (POP3: "
	"download it)"), ui_act_check_mail },
    a_folder_create = { "create-mailbox", N_("create a folder"),
	ui_act_folder_create },
    a_folder_rename = { "rename-mailbox", N_("rename this folder"),
	ui_act_folder_rename },
    a_folder_delete = { "delete-mailbox", N_("delete this folder and its "
	"messages (asks first)"), ui_act_folder_delete },
    a_folder_sub = { "subscribe", N_("subscribe to this folder (IMAP)"),
	ui_act_folder_subscribe },
    a_folder_unsub = { "unsubscribe", N_("unsubscribe from this folder "
	"(IMAP)"), ui_act_folder_unsubscribe },
    a_toggle_new = { "toggle-new", N_("mark read or unread"),
	ui_act_toggle_new },
    a_flag = { "flag-message", N_("flag or unflag"), ui_act_toggle_flag },
    a_delete = { "delete-message", N_("delete (to the Trash, or mark)"),
	ui_act_delete },
    a_undelete = { "undelete-message", N_("remove the deleted mark"),
	ui_act_undelete },
    a_expunge = { "sync-mailbox", N_("remove the messages marked deleted"),
	ui_act_expunge },
    a_move = { "save-message", N_("move to a folder"), ui_act_move },
    a_copy = { "copy-message", N_("copy to a folder"), ui_act_copy },
    a_tag = { "tag-entry", N_("tag or untag this message"), ui_act_tag },
    a_tag_pattern = { "tag-pattern", N_("tag messages matching a query"),
	ui_act_tag_pattern },
    a_untag_pattern = { "untag-pattern",
	N_("untag messages matching a query"), ui_act_untag_pattern },
    a_tag_prefix = { "tag-prefix",
	N_("apply the next command to the tagged messages"),
	ui_act_tag_prefix };
static void act_compose(struct ui *ui) { ui_compose_new(ui); }
static void act_reply(struct ui *ui) { ui_compose_reply(ui, UI_REPLY_SENDER); }
static void act_group_reply(struct ui *ui)
{
	ui_compose_reply(ui, UI_REPLY_GROUP);
}
static void act_list_reply(struct ui *ui) { ui_compose_reply(ui, UI_REPLY_LIST); }
static void act_forward(struct ui *ui) { ui_compose_reply(ui, UI_FORWARD); }
static void act_recall(struct ui *ui) { ui_compose_recall(ui); }
static void act_c_edit(struct ui *ui) { ui_compose_edit(ui); }
static void act_c_attach(struct ui *ui) { ui_compose_attach(ui); }
static void act_c_detach(struct ui *ui) { ui_compose_detach(ui); }
static void act_c_rename(struct ui *ui) { ui_compose_rename(ui); }
static void act_c_identity(struct ui *ui) { ui_compose_identity(ui); }
static void act_c_preview(struct ui *ui) { ui_compose_preview(ui); }
static void act_c_postpone(struct ui *ui) { ui_compose_postpone(ui); }
static void act_c_send(struct ui *ui) { ui_compose_send(ui); }
static void act_c_abandon(struct ui *ui) { ui_compose_abandon(ui); }
static void act_c_down(struct ui *ui) { ui_compose_move(ui, 1); }
static void act_c_up(struct ui *ui) { ui_compose_move(ui, -1); }
static void act_d_down(struct ui *ui) { ui_drafts_move(ui, 1); }
static void act_d_up(struct ui *ui) { ui_drafts_move(ui, -1); }
static void act_d_choose(struct ui *ui) { ui_drafts_choose(ui); }
static void act_d_close(struct ui *ui) { ui_drafts_close(ui); }
static void act_c_to(struct ui *ui) { ui_compose_field(ui, UI_FIELD_TO); }
static void act_c_cc(struct ui *ui) { ui_compose_field(ui, UI_FIELD_CC); }
static void act_c_bcc(struct ui *ui) { ui_compose_field(ui, UI_FIELD_BCC); }
static void
act_c_subject(struct ui *ui)
{
	ui_compose_field(ui, UI_FIELD_SUBJECT);
}
static void
act_c_reply_to(struct ui *ui)
{
	ui_compose_field(ui, UI_FIELD_REPLY_TO);
}
static void act_c_from(struct ui *ui) { ui_compose_field(ui, UI_FIELD_FROM); }

static const struct ui_action
    a_compose = { "mail", N_("write a new message"), act_compose },
    a_reply = { "reply", N_("reply to the sender"), act_reply },
    a_group_reply = { "group-reply", N_("reply to everyone"),
	act_group_reply },
    a_list_reply = { "list-reply", N_("reply to the mailing list"),
	act_list_reply },
    a_forward = { "forward-message", N_("forward the message"),
	act_forward },
    a_recall = { "recall-message", N_("recall a postponed message"),
	act_recall },
    a_c_edit = { "edit-message", N_("edit the message and its headers"),
	act_c_edit },
    a_c_attach = { "attach-file", N_("attach a file"), act_c_attach },
    a_c_detach = { "detach-file", N_("remove the selected attachment"),
	act_c_detach },
    a_c_rename = { "rename-attachment",
	N_("change the name the recipient sees"), act_c_rename },
    a_c_identity = { "edit-from", N_("send from the next identity"),
	act_c_identity },
    a_c_preview = { "view-message", N_("preview the message as built"),
	act_c_preview },
    a_c_postpone = { "postpone-message", N_("save the message to Drafts"),
	act_c_postpone },
    a_c_send = { "send-message", N_("send the message"), act_c_send },
    a_c_abandon = { "exit", N_("abandon the message (asks first)"),
	act_c_abandon },
    a_c_down = { "next-entry", N_("select the next attachment"),
	act_c_down },
    a_c_up = { "previous-entry", N_("select the previous attachment"),
	act_c_up },
    a_d_down = { "next-entry", N_("move to the next draft"), act_d_down },
    a_d_up = { "previous-entry", N_("move to the previous draft"),
	act_d_up },
    a_d_choose = { "select-entry", N_("recall this draft"), act_d_choose },
    a_d_close = { "exit", N_("recall nothing"), act_d_close },
    a_c_to = { "edit-to", N_("edit To (Tab completes addresses)"),
	act_c_to },
    a_c_cc = { "edit-cc", N_("edit Cc (Tab completes addresses)"),
	act_c_cc },
    a_c_bcc = { "edit-bcc", N_("edit Bcc (Tab completes addresses)"),
	act_c_bcc },
    a_c_subject = { "edit-subject", N_("edit the Subject"),
	act_c_subject },
    a_c_reply_to = { "edit-reply-to",
	N_("edit Reply-To (Tab completes addresses)"), act_c_reply_to },
    a_c_from = { "edit-from-address",
	N_("edit From as text (the signature follows the identity)"),
	act_c_from };

#define LIST	(CONTEXT_INDEX | CONTEXT_FOLDERS)
#define ALL	(LIST | CONTEXT_PAGER)

/* Mutt-compatible defaults. */
static const struct ui_binding ui_bindings[] = {
	{ LIST, 'j', 0, "j", &a_next },
	{ LIST, KEY_DOWN, 1, "<down>", &a_next },
	{ LIST, 'k', 0, "k", &a_prev },
	{ LIST, KEY_UP, 1, "<up>", &a_prev },
	{ LIST, '=', 0, "=", &a_first },
	{ LIST, KEY_HOME, 1, "<home>", &a_first },
	{ LIST, '*', 0, "*", &a_last },
	{ LIST, KEY_END, 1, "<end>", &a_last },
	{ LIST, KEY_NPAGE, 1, "<pagedown>", &a_npage },
	{ LIST, KEY_PPAGE, 1, "<pageup>", &a_ppage },
	{ LIST, '\r', 0, "<enter>", &a_open },
	{ LIST, '\n', 0, "<return>", &a_open },
	{ LIST, KEY_ENTER, 1, "<keypadenter>", &a_open },
	{ LIST, 'c', 0, "c", &a_change },
	{ LIST, '\t', 0, "<tab>", &a_focus },
	{ LIST, 'q', 0, "q", &a_quit },
	{ CONTEXT_INDEX, 'v' | UI_KEY_META, 0, "<esc>v", &a_collapse },
	{ CONTEXT_INDEX, 'z', 0, "z", &a_collapse },
	{ CONTEXT_INDEX, 'V' | UI_KEY_META, 0, "<esc>V", &a_collapse_all },
	{ CONTEXT_INDEX, 'Z', 0, "Z", &a_collapse_all },
	{ CONTEXT_INDEX, 'l', 0, "l", &a_limit },
	{ CONTEXT_INDEX, '/', 0, "/", &a_find },
	{ CONTEXT_INDEX, 'n', 0, "n", &a_find_next },
	{ CONTEXT_PAGER, '/', 0, "/", &a_pfind },
	{ CONTEXT_INDEX, 'o', 0, "o", &a_sort },
	{ CONTEXT_INDEX, 'O', 0, "O", &a_sort_rev },
	{ LIST, 'Q', 0, "Q", &a_query },
	{ ALL, 0x0f, 0, "^O", &a_flush_outbox },
	{ ALL, '\f', 0, "^L", &a_redraw },
	{ ALL, '?', 0, "?", &a_help },
	{ CONTEXT_PAGER, 'j', 0, "j", &a_ldown },
	{ CONTEXT_PAGER, KEY_DOWN, 1, "<down>", &a_ldown },
	{ CONTEXT_PAGER, '\r', 0, "<enter>", &a_ldown },
	{ CONTEXT_PAGER, 'k', 0, "k", &a_lup },
	{ CONTEXT_PAGER, KEY_UP, 1, "<up>", &a_lup },
	{ CONTEXT_PAGER, ' ', 0, "<space>", &a_pdown },
	{ CONTEXT_PAGER, KEY_NPAGE, 1, "<pagedown>", &a_pdown },
	{ CONTEXT_PAGER, '-', 0, "-", &a_pup },
	{ CONTEXT_PAGER, KEY_PPAGE, 1, "<pageup>", &a_pup },
	{ CONTEXT_PAGER, '^', 0, "^", &a_top },
	{ CONTEXT_PAGER, KEY_HOME, 1, "<home>", &a_top },
	{ CONTEXT_PAGER, 'G', 0, "G", &a_bottom },
	{ CONTEXT_PAGER, KEY_END, 1, "<end>", &a_bottom },
	{ CONTEXT_PAGER, 'n', 0, "n", &a_pnext },
	{ CONTEXT_PAGER, 'p', 0, "p", &a_pprev },
	{ CONTEXT_PAGER, 'h', 0, "h", &a_headers },
	{ CONTEXT_PAGER, 'q', 0, "q", &a_exit_pager },
	{ CONTEXT_PAGER, 'i', 0, "i", &a_exit_pager },
	{ CONTEXT_HELP, 'j', 0, "j", &a_hdown },
	{ CONTEXT_HELP, KEY_DOWN, 1, "<down>", &a_hdown },
	{ CONTEXT_HELP, 'k', 0, "k", &a_hup },
	{ CONTEXT_HELP, KEY_UP, 1, "<up>", &a_hup },
	{ CONTEXT_HELP, 'q', 0, "q", &a_help_close },
	{ CONTEXT_HELP, '?', 0, "?", &a_help_close },
	{ CONTEXT_HELP, 033, 0, "<esc>", &a_help_close },
	{ LIST, 'G', 0, "G", &a_check_mail },
	{ CONTEXT_FOLDERS, 'C', 0, "C", &a_folder_create },
	{ CONTEXT_FOLDERS, 'r', 0, "r", &a_folder_rename },
	{ CONTEXT_FOLDERS, 'd', 0, "d", &a_folder_delete },
	{ CONTEXT_FOLDERS, 's', 0, "s", &a_folder_sub },
	{ CONTEXT_FOLDERS, 'u', 0, "u", &a_folder_unsub },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 'N', 0, "N", &a_toggle_new },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 'F', 0, "F", &a_flag },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 'd', 0, "d", &a_delete },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 'u', 0, "u", &a_undelete },
	{ CONTEXT_INDEX, '$', 0, "$", &a_expunge },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 's', 0, "s", &a_move },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 'C', 0, "C", &a_copy },
	{ CONTEXT_INDEX, 't', 0, "t", &a_tag },
	{ CONTEXT_INDEX, 'T', 0, "T", &a_tag_pattern },
	{ CONTEXT_INDEX, 0x14, 0, "^T", &a_untag_pattern },
	{ CONTEXT_INDEX, ';', 0, ";", &a_tag_prefix },
	{ CONTEXT_PAGER, 'v', 0, "v", &a_attach },
	{ CONTEXT_INDEX, 'v', 0, "v", &a_index_attach },
	{ CONTEXT_PAGER, 'e', 0, "e", &a_source },
	{ CONTEXT_PAGER, '|', 0, "|", &a_pipe },
	{ CONTEXT_PAGER, 'U', 0, "U", &a_urls },
	{ CONTEXT_PAGER, 0x02, 0, "^B", &a_urls },
	{ CONTEXT_ATTACH, 'j', 0, "j", &a_att_down },
	{ CONTEXT_ATTACH, KEY_DOWN, 1, "<down>", &a_att_down },
	{ CONTEXT_ATTACH, 'k', 0, "k", &a_att_up },
	{ CONTEXT_ATTACH, KEY_UP, 1, "<up>", &a_att_up },
	{ CONTEXT_ATTACH, 's', 0, "s", &a_att_save },
	{ CONTEXT_ATTACH, 'S', 0, "S", &a_att_save_all },
	{ CONTEXT_ATTACH, '\r', 0, "<enter>", &a_att_view },
	{ CONTEXT_ATTACH, '\n', 0, "<return>", &a_att_view },
	{ CONTEXT_ATTACH, KEY_ENTER, 1, "<keypadenter>", &a_att_view },
	{ CONTEXT_ATTACH, 'm', 0, "m", &a_att_view },
	{ CONTEXT_ATTACH, '|', 0, "|", &a_att_pipe },
	{ CONTEXT_ATTACH, 'q', 0, "q", &a_list_back },
	{ CONTEXT_ATTACH, 'v', 0, "v", &a_list_back },
	{ CONTEXT_ATTACH, 'i', 0, "i", &a_list_back },
	{ CONTEXT_URLS, 'j', 0, "j", &a_url_down },
	{ CONTEXT_URLS, KEY_DOWN, 1, "<down>", &a_url_down },
	{ CONTEXT_URLS, 'k', 0, "k", &a_url_up },
	{ CONTEXT_URLS, KEY_UP, 1, "<up>", &a_url_up },
	{ CONTEXT_URLS, '\r', 0, "<enter>", &a_url_open },
	{ CONTEXT_URLS, '\n', 0, "<return>", &a_url_open },
	{ CONTEXT_URLS, KEY_ENTER, 1, "<keypadenter>", &a_url_open },
	{ CONTEXT_URLS, 'y', 0, "y", &a_url_copy },
	{ CONTEXT_URLS, 'q', 0, "q", &a_list_back },
	{ CONTEXT_URLS, 'i', 0, "i", &a_list_back },
	{ CONTEXT_ATTACH | CONTEXT_URLS, '\f', 0, "^L", &a_redraw },
	{ CONTEXT_ATTACH | CONTEXT_URLS, '?', 0, "?", &a_help },
	{ LIST, 'm', 0, "m", &a_compose },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 'r', 0, "r", &a_reply },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 'g', 0, "g", &a_group_reply },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 'L', 0, "L", &a_list_reply },
	{ CONTEXT_INDEX | CONTEXT_PAGER, 'f', 0, "f", &a_forward },
	{ LIST | CONTEXT_PAGER, 'R', 0, "R", &a_recall },
	{ CONTEXT_COMPOSE, 'y', 0, "y", &a_c_send },
	{ CONTEXT_COMPOSE, 'e', 0, "e", &a_c_edit },
	{ CONTEXT_COMPOSE, 'a', 0, "a", &a_c_attach },
	{ CONTEXT_COMPOSE, 'D', 0, "D", &a_c_detach },
	{ CONTEXT_COMPOSE, 'N', 0, "N", &a_c_rename },
	{ CONTEXT_COMPOSE, 'F', 0, "F", &a_c_identity },
	{ CONTEXT_COMPOSE, 'p', 0, "p", &a_c_preview },
	{ CONTEXT_COMPOSE, 'P', 0, "P", &a_c_postpone },
	{ CONTEXT_COMPOSE, 'q', 0, "q", &a_c_abandon },
	{ CONTEXT_COMPOSE, 'j', 0, "j", &a_c_down },
	{ CONTEXT_COMPOSE, KEY_DOWN, 1, "<down>", &a_c_down },
	{ CONTEXT_COMPOSE, 'k', 0, "k", &a_c_up },
	{ CONTEXT_COMPOSE, KEY_UP, 1, "<up>", &a_c_up },
	{ CONTEXT_COMPOSE, '?', 0, "?", &a_help },
	{ CONTEXT_COMPOSE, '\f', 0, "^L", &a_redraw },
	{ CONTEXT_COMPOSE, 't', 0, "t", &a_c_to },
	{ CONTEXT_COMPOSE, 'c', 0, "c", &a_c_cc },
	{ CONTEXT_COMPOSE, 'b', 0, "b", &a_c_bcc },
	{ CONTEXT_COMPOSE, 's', 0, "s", &a_c_subject },
	{ CONTEXT_COMPOSE, 'r', 0, "r", &a_c_reply_to },
	{ CONTEXT_COMPOSE, 'f', 0, "f", &a_c_from },
	{ CONTEXT_DRAFTS, 'j', 0, "j", &a_d_down },
	{ CONTEXT_DRAFTS, KEY_DOWN, 1, "<down>", &a_d_down },
	{ CONTEXT_DRAFTS, 'k', 0, "k", &a_d_up },
	{ CONTEXT_DRAFTS, KEY_UP, 1, "<up>", &a_d_up },
	{ CONTEXT_DRAFTS, '\r', 0, "<enter>", &a_d_choose },
	{ CONTEXT_DRAFTS, '\n', 0, "<return>", &a_d_choose },
	{ CONTEXT_DRAFTS, 'q', 0, "q", &a_d_close },
	{ ALL, ':', 0, ":", &a_command },
	{ ALL | CONTEXT_HELP | CONTEXT_ATTACH | CONTEXT_URLS | CONTEXT_COMPOSE |
	    CONTEXT_DRAFTS, 0, 0, NULL, &a_noop },
	{ ALL, 'B', 0, "B", &a_sidebar },
	{ CONTEXT_FOLDERS, ' ', 0, "<space>", &a_side_fold },
	{ CONTEXT_FOLDERS, 'z', 0, "z", &a_side_fold },
	{ CONTEXT_INDEX, 0, 0, NULL, &a_side_next },
	{ CONTEXT_INDEX, 0, 0, NULL, &a_side_prev },
	{ CONTEXT_INDEX, 0, 0, NULL, &a_side_open },
};
#define UI_NBINDINGS	(sizeof ui_bindings / sizeof ui_bindings[0])

/*
 * The defaults, read once by bind.c into the live key map; a config's bind
 * and macro lines then change that map, never this table.
 */
const struct ui_binding *
ui_default_bindings(size_t *np)
{
	*np = UI_NBINDINGS;
	return ui_bindings;
}
