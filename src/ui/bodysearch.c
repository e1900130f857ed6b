/* src/ui/bodysearch.c: queries with body: terms, answered by the worker. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "model/model.h"
#include "model/search.h"
#include "ui/internal.h"

static void
ui_body_status(struct ui *ui, const char *text)
{
	free(ui->status);
	ui->status = text != NULL ? xstrdup(text) : NULL;
	ui->dirty = 1;
}

static int
ui_body_searching(const struct ui *ui)
{
	return ui->status != NULL &&
	    strcmp(ui->status, _("Searching message bodies...")) == 0;
}

/* The status line from before the search, unless another came since. */
static void
ui_body_status_back(struct ui *ui)
{
	if (ui_body_searching(ui))
		ui_body_status(ui, ui->body_status);
}

void
ui_body_cancel(struct ui *ui)
{
	search_free(ui->body_search);
	ui->body_search = NULL;
	free(ui->body_query);
	ui->body_query = NULL;
	free(ui->body_status);
	ui->body_status = NULL;
	ui->body_serial = 0;
}

int
ui_body_start(struct ui *ui, struct search *s, enum ui_body_use use,
    const char *query)
{
	const char	**texts;
	char		 *prev;
	size_t		  n;

	if ((n = search_body_terms(s, &texts)) == 0)
		return 0;
	/*
	 * A newer query replaces one still waiting for its answer; the
	 * status line to come back to is the one from before that.
	 */
	if (ui->body_serial != 0 || ui_body_searching(ui)) {
		prev = ui->body_status;
		ui->body_status = NULL;
	} else
		prev = ui->status != NULL ? xstrdup(ui->status) : NULL;
	ui_body_cancel(ui);
	if (ui->outbox_open || ui->folder_open == NULL || ui->worker == NULL) {
		if (ui_body_searching(ui))
			ui_body_status(ui, prev);
		free(prev);
		free(texts);
		search_free(s);
		ui_set_message(ui, 1, "%s", _("body: needs an open folder "
		    "of an account"));
		return 1;
	}
	ui->body_search = s;
	ui->body_use = use;
	ui->body_query = xstrdup(query);
	ui->body_folder_serial = ui->folder_serial;
	ui->body_serial = ++ui->serial;
	worker_search_body(ui->worker, ui->folder_open, texts, n,
	    ui->body_serial);
	free(texts);
	ui->body_status = prev;
	ui_body_status(ui, _("Searching message bodies..."));
	return 1;
}

/* Every body: term has its answer: does what the query was typed for. */
static void
ui_body_apply(struct ui *ui)
{
	struct search	*s = ui->body_search;
	char		*query = ui->body_query;

	ui->body_search = NULL;
	ui->body_query = NULL;
	ui_body_status_back(ui);
	ui_body_cancel(ui);
	switch (ui->body_use) {
	case UI_BODY_LIMIT:
		ui_index_limit_apply(ui, s, query);
		break;
	case UI_BODY_FIND:
		search_free(ui->find);
		ui->find = s;
		if (ui_index_find_next(ui) == -1)
			ui_set_message(ui, 0, "%s", _("No message matches."));
		break;
	case UI_BODY_TAG:
	case UI_BODY_UNTAG:
		ui_ops_tag_apply(ui, s, ui->body_use == UI_BODY_TAG);
		search_free(s);
		break;
	}
	free(query);
}

int
ui_body_event(struct ui *ui, struct event *ev)
{
	if (ev->kind != EVENT_BODY_MATCHES && (ev->kind != EVENT_ERROR ||
	    ev->serial == 0 || ev->serial != ui->body_serial))
		return 0;
	/* An older query, or one for a folder left since: dropped. */
	if (ev->serial != ui->body_serial || ui->body_search == NULL)
		return 1;
	if (ui->body_folder_serial != ui->folder_serial) {
		ui_body_status_back(ui);
		ui_body_cancel(ui);
		return 1;
	}
	if (ev->kind == EVENT_ERROR) {
		ui_body_status_back(ui);
		ui_body_cancel(ui);
		ui_set_message(ui, 1, "%s", ev->err.msg);
		return 1;
	}
	search_set_body_uids(ui->body_search, ev->text != NULL ? ev->text :
	    "", ev->uids, ev->nuids);
	if (search_body_ready(ui->body_search))
		ui_body_apply(ui);
	ui->dirty = 1;
	return 1;
}

/* A search that names bodies: its answers belong to one folder. */
static int
ui_body_has_terms(const struct search *s)
{
	const char	**texts;
	size_t		  n;

	if (s == NULL)
		return 0;
	n = search_body_terms(s, &texts);
	free(texts);
	return n > 0;
}

void
ui_body_folder_opened(struct ui *ui)
{
	struct search	*s, *again;
	struct error	 err = { 0 };

	if (ui_body_has_terms(ui->find)) {
		search_free(ui->find);
		ui->find = NULL;
	}
	if (ui->limit == NULL || !ui_body_has_terms(ui->limit_search))
		return;
	/* Shown empty of body matches until this folder's answers come. */
	s = search_parse(ui->limit, &err);
	again = search_parse(ui->limit, &err);
	if (s == NULL || again == NULL) {
		search_free(s);
		search_free(again);
		return;
	}
	search_free(ui->limit_search);
	ui->limit_search = s;
	(void)ui_body_start(ui, again, UI_BODY_LIMIT, ui->limit);
}
