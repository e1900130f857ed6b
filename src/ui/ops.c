/* src/ui/ops.c: message operations, tagging, and the offline banner. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/xmalloc.h"
#include "model/search.h"
#include "ui/internal.h"

/*
 * The messages the next operation applies to: every tagged one after
 * ';', else the one under the cursor. Returns a new array of indexes
 * into ui->msgs (NULL and 0 if none).
 */
static size_t *
ui_ops_targets(struct ui *ui, size_t *np)
{
	struct summary	*cur;
	size_t		*v, i, n = 0;
	int		 tagged = ui->tag_prefix;

	ui->tag_prefix = 0;
	*np = 0;
	if (tagged) {
		v = xreallocarray(NULL, ui->nmsgs > 0 ? ui->nmsgs : 1,
		    sizeof *v);
		for (i = 0; i < ui->nmsgs; i++) {
			if (ui->msgs[i].flags & SUMMARY_TAGGED)
				v[n++] = i;
		}
		if (n == 0) {
			ui_set_message(ui, 0, "%s", _("No message is tagged."));
			free(v);
			return NULL;
		}
		*np = n;
		return v;
	}
	if ((cur = ui_index_current(ui)) == NULL) {
		ui_set_message(ui, 0, "%s", _("No message here."));
		return NULL;
	}
	v = xmalloc(sizeof *v);
	v[0] = (size_t)(cur - ui->msgs);
	*np = 1;
	return v;
}

static uint32_t *
ui_ops_uids(struct ui *ui, const size_t *idx, size_t n)
{
	uint32_t	*uids;
	size_t		 i;

	uids = xreallocarray(NULL, n > 0 ? n : 1, sizeof *uids);
	for (i = 0; i < n; i++)
		uids[i] = ui->msgs[idx[i]].uid;
	return uids;
}

static int
ui_ops_ready(struct ui *ui)
{
	if (ui->outbox_open) {
		ui_set_message(ui, 0, "%s", _("Messages in the outbox are not "
		    "on the server yet."));
		ui->tag_prefix = 0;
		return 0;
	}
	if (ui->folder_open == NULL || ui->loading) {
		ui_set_message(ui, 0, "%s", ui->folder_open == NULL ?
		    _("No folder is open.") :
		    _("Wait until the folder has loaded."));
		ui->tag_prefix = 0;
		return 0;
	}
	return 1;
}

/* Toggles flag: set on all if any lacks it, else cleared on all. */
static void
ui_ops_toggle(struct ui *ui, uint32_t flag, const char *on, const char *off)
{
	size_t		*idx, n, i;
	uint32_t	*uids;
	int		 add = 0;

	if (!ui_ops_ready(ui) || (idx = ui_ops_targets(ui, &n)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (!(ui->msgs[idx[i]].flags & flag))
			add = 1;
	}
	for (i = 0; i < n; i++) {
		if (add)
			ui->msgs[idx[i]].flags |= flag;
		else
			ui->msgs[idx[i]].flags &= ~flag;
	}
	uids = ui_ops_uids(ui, idx, n);
	worker_set_flags(ui->worker, uids, n, add ? flag : 0, add ? 0 : flag,
	    ++ui->serial);
	ui_set_message(ui, 0, add ? on : off, n);
	free(uids);
	free(idx);
	ui_index_rebuild(ui);
}

void
ui_act_toggle_new(struct ui *ui)
{
	/* The flag is "seen": marking it read sets it. */
	ui_ops_toggle(ui, SUMMARY_SEEN, _("%zu marked read."),
	    _("%zu marked unread."));
}

void
ui_act_toggle_flag(struct ui *ui)
{
	ui_ops_toggle(ui, SUMMARY_FLAGGED, _("%zu flagged."),
	    _("%zu unflagged."));
}

/* After an operation on the cursor's message, the next one. */
static void
ui_ops_step(struct ui *ui, size_t n)
{
	if (n == 1 && ui->msg_cur + 1 < ui->nrows)
		ui->msg_cur++;
	ui->dirty = 1;
}

void
ui_act_delete(struct ui *ui)
{
	size_t		*idx, n, i;
	uint32_t	*uids;

	if (!ui_ops_ready(ui) || (idx = ui_ops_targets(ui, &n)) == NULL)
		return;
	for (i = 0; i < n; i++)
		ui->msgs[idx[i]].flags |= SUMMARY_DELETED;
	uids = ui_ops_uids(ui, idx, n);
	worker_delete(ui->worker, uids, n, ++ui->serial);
	ui_set_message(ui, 0, _("%zu deleted."), n);
	free(uids);
	free(idx);
	ui_index_rebuild(ui);
	ui_ops_step(ui, n);
}

void
ui_act_undelete(struct ui *ui)
{
	size_t		*idx, n, i;
	uint32_t	*uids;

	if (!ui_ops_ready(ui) || (idx = ui_ops_targets(ui, &n)) == NULL)
		return;
	for (i = 0; i < n; i++)
		ui->msgs[idx[i]].flags &= ~SUMMARY_DELETED;
	uids = ui_ops_uids(ui, idx, n);
	worker_set_flags(ui->worker, uids, n, 0, SUMMARY_DELETED,
	    ++ui->serial);
	ui_set_message(ui, 0, _("%zu undeleted."), n);
	free(uids);
	free(idx);
	ui_index_rebuild(ui);
	ui_ops_step(ui, n);
}

void
ui_act_expunge(struct ui *ui)
{
	if (!ui_ops_ready(ui))
		return;
	worker_expunge(ui->worker, ++ui->serial);
	ui_set_message(ui, 0, "%s", _("Removing the deleted messages..."));
}

/*
 * Move and copy: the folder pane lists the folders; Enter there picks
 * the destination, q gives up.
 */
static void
ui_ops_pick_start(struct ui *ui, int move)
{
	size_t	*idx, n;

	if (!ui_ops_ready(ui) || (idx = ui_ops_targets(ui, &n)) == NULL)
		return;
	if (ui->nfolders == 0) {
		ui_set_message(ui, 1, "%s", _("The folder list is not known "
		    "yet."));
		free(idx);
		return;
	}
	free(ui->pick_uids);
	ui->pick_uids = ui_ops_uids(ui, idx, n);
	ui->pick_n = n;
	ui->pick = move ? UI_PICK_MOVE : UI_PICK_COPY;
	free(idx);
	ui->view = VIEW_INDEX;
	ui->focus = FOCUS_FOLDERS;
	ui_side_rebuild_at(ui, ui->acct_open, ui->folder_open);
	ui_set_message(ui, 0, move ?
	    _("Move %zu to which folder? Choose it and press Enter (q: "
	    "cancel).") :
	    _("Copy %zu to which folder? Choose it and press Enter (q: "
	    "cancel)."), n);
}

void
ui_act_move(struct ui *ui)
{
	ui_ops_pick_start(ui, 1);
}

void
ui_act_copy(struct ui *ui)
{
	ui_ops_pick_start(ui, 0);
}

/* Enter in the folder pane while picking: 1 if it was handled. */
int
ui_ops_pick_done(struct ui *ui, int cancel)
{
	struct folder_info	*f = NULL;
	char			*name;
	size_t			 i, j, acct, cur = 0;

	if (ui->pick == UI_PICK_NONE)
		return 0;
	name = ui_side_cursor(ui, &acct);	/* while the pane has focus */
	ui->focus = FOCUS_INDEX;
	ui->dirty = 1;
	if (!cancel && name != NULL && acct != ui->acct_open) {
		ui_set_message(ui, 1, "%s", _("Choose a folder of the same "
		    "account: messages move and copy within one server."));
		free(name);
		goto out;
	}
	for (i = 0; name != NULL && i < ui->nfolders; i++) {
		if (strcmp(ui->folders[i].wire_name, name) == 0) {
			f = &ui->folders[i];
			cur = i;
		}
	}
	free(name);
	if (cancel || f == NULL) {
		ui_set_message(ui, 0, "%s", _("Nothing moved or copied."));
		goto out;
	}
	if (!f->selectable || ui_outbox_is(ui, cur) ||
	    (ui->folder_open != NULL &&
	    strcmp(f->wire_name, ui->folder_open) == 0)) {
		ui_set_message(ui, 1, _("Choose another folder than '%s'."),
		    f->name);
		goto out;
	}
	worker_copy(ui->worker, ui->pick_uids, ui->pick_n, f->wire_name,
	    ui->pick == UI_PICK_MOVE, ++ui->serial);
	if (ui->pick == UI_PICK_MOVE) {
		/* Shown as deleted until the server says they are gone. */
		for (i = 0; i < ui->nmsgs; i++) {
			for (j = 0; j < ui->pick_n; j++) {
				if (ui->msgs[i].uid == ui->pick_uids[j])
					ui->msgs[i].flags |= SUMMARY_DELETED;
			}
		}
		ui_index_rebuild(ui);
	}
	ui_set_message(ui, 0, ui->pick == UI_PICK_MOVE ?
	    _("%zu moved to %s.") : _("%zu copied to %s."), ui->pick_n,
	    f->name);
out:
	ui->pick = UI_PICK_NONE;
	free(ui->pick_uids);
	ui->pick_uids = NULL;
	ui->pick_n = 0;
	return 1;
}

void
ui_act_tag(struct ui *ui)
{
	struct summary	*m;

	if ((m = ui_index_current(ui)) == NULL)
		return;
	m->flags ^= SUMMARY_TAGGED;
	if (ui->msg_cur + 1 < ui->nrows)
		ui->msg_cur++;
	ui->dirty = 1;
}

/* Tags (or untags) every message of the folder matching the query. */
static void
ui_ops_tag_query(struct ui *ui, const char *text, int tag)
{
	struct search	*s;
	struct error	 err = { 0 };

	text += strspn(text, " \t");
	if (*text == '\0')
		return;
	if ((s = search_parse(text, &err)) == NULL) {
		ui_set_message(ui, 1, "%s", err.msg);
		return;
	}
	if (ui_body_start(ui, s, tag ? UI_BODY_TAG : UI_BODY_UNTAG, text))
		return;
	ui_ops_tag_apply(ui, s, tag);
	search_free(s);
}

void
ui_ops_tag_apply(struct ui *ui, const struct search *s, int tag)
{
	size_t	 i, n = 0;

	for (i = 0; i < ui->nmsgs; i++) {
		if (!search_match(s, &ui->msgs[i]))
			continue;
		if (tag)
			ui->msgs[i].flags |= SUMMARY_TAGGED;
		else
			ui->msgs[i].flags &= ~SUMMARY_TAGGED;
		n++;
	}
	ui_set_message(ui, 0, tag ? _("%zu tagged.") : _("%zu untagged."), n);
}

static void
ui_tag_query_done(struct ui *ui, const char *text)
{
	ui_ops_tag_query(ui, text, 1);
}

static void
ui_untag_query_done(struct ui *ui, const char *text)
{
	ui_ops_tag_query(ui, text, 0);
}

void
ui_act_tag_pattern(struct ui *ui)
{
	ui_prompt_start(ui, _("Tag messages matching: "), ui_tag_query_done);
}

void
ui_act_untag_pattern(struct ui *ui)
{
	ui_prompt_start(ui, _("Untag messages matching: "),
	    ui_untag_query_done);
}

void
ui_act_tag_prefix(struct ui *ui)
{
	size_t	 i, n = 0;

	for (i = 0; i < ui->nmsgs; i++)
		n += (ui->msgs[i].flags & SUMMARY_TAGGED) != 0;
	if (n == 0) {
		ui_set_message(ui, 0, "%s", _("No message is tagged."));
		return;
	}
	ui->tag_prefix = 1;
	ui_set_message(ui, 0, _("Next command applies to the %zu tagged "
	    "messages."), n);
}

/* Opening a message reads it: the index and the server say so. */
void
ui_ops_mark_seen(struct ui *ui, struct summary *m)
{
	if ((m->flags & SUMMARY_SEEN) || ui->outbox_open)
		return;
	m->flags |= SUMMARY_SEEN;
	worker_set_flags(ui->worker, &m->uid, 1, SUMMARY_SEEN, 0,
	    ++ui->serial);
	ui->dirty = 1;
}

/* Leaving a folder removes what was marked deleted in it. */
void
ui_ops_leave_folder(struct ui *ui)
{
	size_t	 i;

	if (ui->folder_open == NULL || ui->loading || ui->outbox_open ||
	    !ui->account->expunge_on_leave)
		return;
	for (i = 0; i < ui->nmsgs; i++) {
		if (ui->msgs[i].flags & SUMMARY_DELETED) {
			worker_expunge(ui->worker, ++ui->serial);
			return;
		}
	}
}
