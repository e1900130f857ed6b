/* src/ui/mailops.c: checking for mail, and the folder operations. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/i18n.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

/*
 * Asks the account's worker for a check; the status line shows the
 * progress of the open account's, the folder pane the new counts of any.
 */
void
ui_check_mail(struct ui *ui, size_t acct)
{
	struct ui_account	*a = &ui->accts[acct];

	a->check_serial = ++ui->serial;
	worker_check_mail(a->worker, a->check_serial);
	if (a->account->pop3_check_interval > 0)
		a->next_check = time(NULL) + a->account->pop3_check_interval;
}

/*
 * Called every turn of the main loop: the periodic checks of every POP3
 * account (each downloads into its own local store, open or not).
 */
void
ui_check_tick(struct ui *ui)
{
	struct ui_account	*a;
	time_t			 now = time(NULL);
	size_t			 i;

	for (i = 0; i < ui->naccts; i++) {
		a = &ui->accts[i];
		if (a->account->backend == BACKEND_POP3 &&
		    a->account->pop3_check_interval > 0 &&
		    a->next_check != 0 && now >= a->next_check)
			ui_check_mail(ui, i);
	}
}

void
ui_act_check_mail(struct ui *ui)
{
	ui_check_mail(ui, ui->acct_open);
	ui_set_message(ui, 0, "%s", _("Checking for new mail..."));
}

/* The folder under the cursor of the folder pane, or NULL. */
static struct folder_info *
ui_folder_current(struct ui *ui)
{
	struct folder_info	*f = NULL;
	char			*name;
	size_t			 acct, i;

	if (ui->focus != FOCUS_FOLDERS ||
	    (name = ui_side_cursor(ui, &acct)) == NULL) {
		ui_set_message(ui, 1, "%s", _("Choose a folder first (c or "
		    "Tab, then move to it)."));
		return NULL;
	}
	if (acct != ui->acct_open) {
		/* The operations go through the open account's worker. */
		ui_set_message(ui, 1, "%s", _("Open a folder of that account "
		    "first."));
		free(name);
		return NULL;
	}
	for (i = 0; i < ui->nfolders && f == NULL; i++)
		if (strcmp(ui->folders[i].wire_name, name) == 0)
			f = &ui->folders[i];
	free(name);
	return f;
}

/* Remembers the folder a prompt is about. */
static void
ui_folder_op_set(struct ui *ui, const struct folder_info *f)
{
	free(ui->folder_op);
	ui->folder_op = f != NULL ? xstrdup(f->wire_name) : NULL;
	free(ui->folder_op_name);
	ui->folder_op_name = f != NULL ? xstrdup(f->name) : NULL;
}

/*
 * Before the open folder is renamed or deleted, INBOX is opened instead:
 * no session keeps a folder open while it goes away.
 */
static void
ui_leave_folder(struct ui *ui, const char *wire_name)
{
	size_t	 i;

	if (ui->folder_open == NULL || strcmp(ui->folder_open, wire_name) != 0)
		return;
	for (i = 0; i < ui->nfolders; i++) {
		if (strcasecmp(ui->folders[i].wire_name, "INBOX") == 0 &&
		    strcmp(ui->folders[i].wire_name, wire_name) != 0) {
			ui_open_folder(ui, i);
			ui->focus = FOCUS_FOLDERS;
			return;
		}
	}
}

static void
ui_create_done(struct ui *ui, const char *text)
{
	if (*text == '\0')
		return;
	worker_create_folder(ui->worker, text, ++ui->serial);
}

void
ui_act_folder_create(struct ui *ui)
{
	ui_prompt_start(ui, _("Create folder: "), ui_create_done);
}

static void
ui_rename_done(struct ui *ui, const char *text)
{
	if (*text == '\0' || ui->folder_op == NULL)
		return;
	ui_leave_folder(ui, ui->folder_op);
	worker_rename_folder(ui->worker, ui->folder_op, text, ++ui->serial);
}

void
ui_act_folder_rename(struct ui *ui)
{
	struct folder_info	*f;
	char			*label;

	if ((f = ui_folder_current(ui)) == NULL)
		return;
	ui_folder_op_set(ui, f);
	label = xasprintf(_("Rename folder '%s' to: "), f->name);
	ui_prompt_start(ui, label, ui_rename_done);
	free(label);
	sbuf_addstr(&ui->prompt_text, f->name);
}

static void
ui_delete_done(struct ui *ui, const char *text)
{
	if (ui->folder_op == NULL)
		return;
	if (!i18n_yes_word(text)) {
		ui_set_message(ui, 0, "%s", _("Not deleted."));
		return;
	}
	ui_leave_folder(ui, ui->folder_op);
	worker_delete_folder(ui->worker, ui->folder_op, ++ui->serial);
}

void
ui_act_folder_delete(struct ui *ui)
{
	struct folder_info	*f;
	char			*label;

	if ((f = ui_folder_current(ui)) == NULL)
		return;
	ui_folder_op_set(ui, f);
	if (f->total != FOLDER_COUNT_UNKNOWN)
		label = xasprintf(P_("Delete folder '%s' and its %u message? "
		    "(yes/no): ", "Delete folder '%s' and its %u messages? "
		    "(yes/no): ", f->total), f->name, (unsigned)f->total);
	else
		label = xasprintf(_("Delete folder '%s' and all its messages? "
		    "(yes/no): "), f->name);
	ui_prompt_start(ui, label, ui_delete_done);
	free(label);
}

static void
ui_subscribe(struct ui *ui, int on)
{
	struct folder_info	*f;

	if ((f = ui_folder_current(ui)) == NULL)
		return;
	worker_subscribe_folder(ui->worker, f->wire_name, on, ++ui->serial);
}

void
ui_act_folder_subscribe(struct ui *ui)
{
	ui_subscribe(ui, 1);
}

void
ui_act_folder_unsubscribe(struct ui *ui)
{
	ui_subscribe(ui, 0);
}
