/* src/ui/panes.c: the folder pane and the index pane. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

/* A new folder list of one account (ev->account). */
void
ui_folders_set(struct ui *ui, struct event *ev)
{
	struct ui_account	*a;
	size_t			 i, acct;
	char			*cur;

	if (ev->account >= ui->naccts)
		return;
	cur = ui_side_cursor(ui, &acct);	/* before the list changes */
	a = &ui->accts[ev->account];
	for (i = 0; i < a->nfolders; i++)
		folder_info_clear(&a->folders[i]);
	free(a->folders);
	a->folders = ev->folders;	/* taken from the event */
	a->nfolders = ev->nfolders;
	ev->folders = NULL;
	ev->nfolders = 0;
	if (ev->account == ui->acct_open) {
		ui->folders = a->folders;
		ui->nfolders = a->nfolders;
		ui->folder_cur = 0;
		for (i = 0; i < ui->nfolders; i++) {
			if (ui->folder_open != NULL &&
			    strcmp(ui->folders[i].wire_name,
			    ui->folder_open) == 0)
				ui->folder_cur = i;
		}
	}
	ui_side_rebuild_at(ui, acct, cur);
	free(cur);
}

/* Keeps *top so that cur is inside a window of height rows. */
static void
ui_scroll_to(size_t cur, size_t *top, int height)
{
	if (height <= 0)
		return;
	if (cur < *top)
		*top = cur;
	else if (cur >= *top + (size_t)height)
		*top = cur - (size_t)height + 1;
}

void
ui_index_clear(struct ui *ui)
{
	size_t	 i;

	for (i = 0; i < ui->nmsgs; i++)
		summary_clear(&ui->msgs[i]);
	summary_pool_free(ui->pool);
	ui->pool = NULL;
	free(ui->msgs);
	free(ui->collapsed);
	free(ui->idx_rows);
	ui->msgs = NULL;
	ui->collapsed = NULL;
	ui->idx_rows = NULL;
	ui->nmsgs = ui->msgs_alloc = ui->nrows = 0;
	ui->msg_cur = ui->msg_top = 0;
	ui->msgs_total = 0;
	ui->index_stale = 0;
	ui->dirty = 1;
}

/* Appends a chunk of summaries (they arrive newest first). */
void
ui_index_add(struct ui *ui, struct event *ev)
{
	size_t	 n = ev->nsummaries, i, total;

	if (ui->nmsgs + n > UI_MAX_MESSAGES)
		n = UI_MAX_MESSAGES - ui->nmsgs;
	if (ui->nmsgs + n > ui->msgs_alloc) {
		/* The folder's size when known: no room for twice that. */
		total = ui->msgs_total != FOLDER_COUNT_UNKNOWN ?
		    ui->msgs_total : 0;
		if (ev->total > total)
			total = ev->total;
		if (total >= ui->nmsgs + n && total <= UI_MAX_MESSAGES)
			ui->msgs_alloc = total + 64;
		else
			ui->msgs_alloc = (ui->nmsgs + n) * 3 / 2 + 64;
		ui->msgs = xreallocarray(ui->msgs, ui->msgs_alloc,
		    sizeof *ui->msgs);
		ui->collapsed = xreallocarray(ui->collapsed, ui->msgs_alloc,
		    sizeof *ui->collapsed);
	}
	memcpy(ui->msgs + ui->nmsgs, ev->summaries, n * sizeof *ui->msgs);
	memset(ui->collapsed + ui->nmsgs, 0, n);
	/* Keys for the threads, one copy of each string. */
	if (ui->pool == NULL)
		ui->pool = summary_pool_new();
	for (i = 0; i < n; i++)
		summary_compact(&ui->msgs[ui->nmsgs + i], ui->pool);
	for (i = n; i < ev->nsummaries; i++)
		summary_clear(&ev->summaries[i]);
	ui->nmsgs += n;
	free(ev->summaries);	/* the strings now belong to ui->msgs */
	ev->summaries = NULL;
	ev->nsummaries = 0;
	/* A batch of chunks is sorted once, at its end. */
	if (ui->index_defer)
		ui->index_stale = 1;
	else
		ui_index_rebuild(ui);
}

void
ui_index_fresh(struct ui *ui)
{
	if (!ui->index_stale)
		return;
	ui->index_stale = 0;
	ui_index_rebuild(ui);
}

static void	 ui_index_rebuild_at(struct ui *, uint32_t);

static int
ui_uid_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
ui_summary_uid_cmp(const void *a, const void *b)
{
	const struct summary	*x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/*
 * New flags for some messages of the open folder: one pass over the index
 * with a binary search in the (sorted) changes, so a resync of a large
 * folder costs n log m, not n * m.
 */
/*
 * EVENT_FLAGS (sizes 0) or EVENT_SIZES (sizes 1) on the messages it
 * names; the index is rebuilt when one changed (a limit or the sort may
 * depend on it).
 */
static void
ui_index_update(struct ui *ui, struct event *ev, int sizes)
{
	const uint32_t	 local = SUMMARY_ATTACHMENT | SUMMARY_ENCRYPTED |
			    SUMMARY_SIGNED | SUMMARY_TAGGED;
	struct summary	*hit, *m;
	size_t		 i;
	int		 changed = 0;

	if (ev->nsummaries == 0)
		return;
	ui_index_fresh(ui);
	qsort(ev->summaries, ev->nsummaries, sizeof *ev->summaries,
	    ui_summary_uid_cmp);
	for (i = 0; i < ui->nmsgs; i++) {
		m = &ui->msgs[i];
		hit = bsearch(m, ev->summaries, ev->nsummaries,
		    sizeof *ev->summaries, ui_summary_uid_cmp);
		if (hit == NULL)
			continue;
		if (sizes) {
			if (hit->size == m->size)
				continue;
			m->size = hit->size;
		} else {
			if (hit->flags == (m->flags & ~local))
				continue;
			/* Keep what the server does not know of. */
			m->flags = (hit->flags & ~SUMMARY_TAGGED) |
			    (m->flags & local);
		}
		changed = 1;
	}
	if (changed)
		ui_index_rebuild(ui);
}

void
ui_index_set_flags(struct ui *ui, struct event *ev)
{
	ui_index_update(ui, ev, 0);
}

void
ui_index_set_sizes(struct ui *ui, struct event *ev)
{
	ui_index_update(ui, ev, 1);
}

/* Drops expunged messages, keeping the cursor on its message if it stays. */
void
ui_index_remove(struct ui *ui, struct event *ev)
{
	size_t	 i, j, row;
	uint32_t keep = 0;

	if (ev->nuids == 0 || ui->nmsgs == 0)
		return;
	ui_index_fresh(ui);
	qsort(ev->uids, ev->nuids, sizeof *ev->uids, ui_uid_cmp);
	/* The cursor's message, or the first one after it that stays. */
	for (row = ui->msg_cur; row < ui->nrows; row++) {
		keep = ui->msgs[ui->idx_rows[row].msg].uid;
		if (bsearch(&keep, ev->uids, ev->nuids, sizeof *ev->uids,
		    ui_uid_cmp) == NULL)
			break;
		keep = 0;
	}
	for (i = j = 0; i < ui->nmsgs; i++) {
		if (bsearch(&ui->msgs[i].uid, ev->uids, ev->nuids,
		    sizeof *ev->uids, ui_uid_cmp) != NULL) {
			summary_clear(&ui->msgs[i]);
			continue;
		}
		if (i != j) {
			ui->msgs[j] = ui->msgs[i];
			ui->collapsed[j] = ui->collapsed[i];
		}
		j++;
	}
	if (j == ui->nmsgs)
		return;
	ui->nmsgs = j;
	if (ui->msgs_total != FOLDER_COUNT_UNKNOWN &&
	    ui->msgs_total >= ev->nuids)
		ui->msgs_total -= ev->nuids;
	ui_index_rebuild_at(ui, keep);
}

struct summary *
ui_index_current(struct ui *ui)
{
	ui_index_fresh(ui);
	if (ui->msg_cur >= ui->nrows)
		return NULL;
	return &ui->msgs[ui->idx_rows[ui->msg_cur].msg];
}

/* Sorts the messages that pass the limit into ui->idx_rows; the count. */
static size_t
ui_index_sort(struct ui *ui)
{
	struct summary	*sub;
	size_t		*map, i, n = 0, one = ui->nmsgs > 0 ? ui->nmsgs : 1;

	if (ui->limit_search == NULL) {
		sort_rows(ui->msgs, ui->nmsgs, ui->sort, ui->sort_reverse,
		    ui->idx_rows);
		return ui->nmsgs;
	}
	/* Shallow copies: threads are made of the matches only. */
	sub = xreallocarray(NULL, one, sizeof *sub);
	map = xreallocarray(NULL, one, sizeof *map);
	for (i = 0; i < ui->nmsgs; i++) {
		if (search_match(ui->limit_search, &ui->msgs[i])) {
			sub[n] = ui->msgs[i];
			map[n++] = i;
		}
	}
	sort_rows(sub, n, ui->sort, ui->sort_reverse, ui->idx_rows);
	for (i = 0; i < n; i++)
		ui->idx_rows[i].msg = map[ui->idx_rows[i].msg];
	free(sub);
	free(map);
	return n;
}

void
ui_index_rebuild(struct ui *ui)
{
	struct summary	*cur = ui_index_current(ui);

	ui_index_rebuild_at(ui, cur != NULL ? cur->uid : 0);
}

/* As ui_index_rebuild, with the cursor on uid when it is shown. */
static void
ui_index_rebuild_at(struct ui *ui, uint32_t uid)
{
	size_t		 i, n = 0, newcur = 0, total;
	int		 folded = 0;

	ui->idx_rows = xreallocarray(ui->idx_rows, ui->nmsgs > 0 ? ui->nmsgs :
	    1, sizeof *ui->idx_rows);
	total = ui_index_sort(ui);
	/* Fold in place; a hidden cursor moves to its thread's first row. */
	for (i = 0; i < total; i++) {
		if (ui->idx_rows[i].depth == 0)
			folded = ui->sort == CONFIG_SORT_THREAD &&
			    ui->collapsed[ui->idx_rows[i].msg];
		if (ui->idx_rows[i].depth == 0 || !folded)
			ui->idx_rows[n++] = ui->idx_rows[i];
		if (uid != 0 && ui->msgs[ui->idx_rows[i].msg].uid == uid)
			newcur = n - 1;
	}
	ui->nrows = n;
	ui->msg_cur = newcur;
	ui->dirty = 1;
}

void
ui_index_limit(struct ui *ui, const char *query)
{
	struct search	*s = NULL;
	struct error	 err = { 0 };

	query += strspn(query, " \t");
	if (*query != '\0' && strcmp(query, "all") != 0 &&
	    (s = search_parse(query, &err)) == NULL) {
		ui_set_message(ui, 1, "%s", err.msg);
		return;
	}
	if (s != NULL && ui_body_start(ui, s, UI_BODY_LIMIT, query))
		return;
	ui_index_limit_apply(ui, s, query);
}

void
ui_index_limit_apply(struct ui *ui, struct search *s, const char *query)
{
	search_free(ui->limit_search);
	free(ui->limit);
	ui->limit_search = s;
	ui->limit = s != NULL ? xstrdup(query) : NULL;
	ui_index_rebuild(ui);
	if (s != NULL && ui->nrows == 0)
		ui_set_message(ui, 0, "%s", _("No message matches the limit "
		    "(l all shows everything)."));
}

int
ui_index_find_next(struct ui *ui)
{
	size_t	 i, row;

	if (ui->find == NULL || ui->nrows == 0)
		return -1;
	for (i = 1; i <= ui->nrows; i++) {
		row = (ui->msg_cur + i) % ui->nrows;
		if (!search_match(ui->find, &ui->msgs[ui->idx_rows[row].msg]))
			continue;
		if (row <= ui->msg_cur)
			ui_set_message(ui, 0, "%s",
			    _("Search wrapped to the top."));
		ui->msg_cur = row;
		ui->dirty = 1;
		return 0;
	}
	return -1;
}

/* "13:45" today, "Nov 24" this year, "2023-05-01" before. */
static void
ui_format_date(time_t t, char *buf, size_t size)
{
	struct tm	 tm, now_tm;
	time_t		 now = time(NULL);

	if (t == 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "%s", "?");
		return;
	}
	localtime_r(&now, &now_tm);
	if (tm.tm_year == now_tm.tm_year && tm.tm_yday == now_tm.tm_yday)
		strftime(buf, size, "%H:%M", &tm);
	else if (tm.tm_year == now_tm.tm_year)
		strftime(buf, size, "%b %d", &tm);
	else
		strftime(buf, size, "%Y-%m-%d", &tm);
}

static void
ui_format_size(uint32_t size, char *buf, size_t len)
{
	if (size == SUMMARY_SIZE_UNKNOWN)
		snprintf(buf, len, "%s", "");
	else if (size < 1000)
		snprintf(buf, len, "%u", size);
	else if (size < 1000 * 1000)
		snprintf(buf, len, "%.1fK", size / 1024.0);
	else
		snprintf(buf, len, "%.1fM", size / (1024.0 * 1024.0));
}

/*
 * The flag columns: N new, r replied, ! flagged, D deleted, + attachment,
 * P encrypted, s signed, * tagged.
 */
static void
ui_format_flags(uint32_t flags, char *buf)
{
	buf[0] = (flags & SUMMARY_DELETED) ? 'D' :
	    !(flags & SUMMARY_SEEN) ? 'N' : ' ';
	buf[1] = (flags & SUMMARY_FLAGGED) ? '!' :
	    (flags & SUMMARY_ANSWERED) ? 'r' : ' ';
	buf[2] = (flags & SUMMARY_ATTACHMENT) ? '+' : ' ';
	buf[3] = (flags & SUMMARY_ENCRYPTED) ? 'P' :
	    (flags & SUMMARY_SIGNED) ? 's' : ' ';
	buf[4] = (flags & SUMMARY_TAGGED) ? '*' : ' ';
	buf[5] = '\0';
}

/* The thread tree in front of a reply: "│ ├─>", or ASCII. */
static void
ui_format_tree(const struct ui *ui, const struct thread_row *r, char *buf,
    size_t size)
{
	unsigned	 k, shown = r->depth > 8 ? 8 : r->depth;
	size_t		 len = 0;
	const char	*piece;

	buf[0] = '\0';
	if (ui->sort != CONFIG_SORT_THREAD)
		return;
	if (r->depth == 0) {
		if (ui->collapsed[r->msg] && r->size > 1)
			snprintf(buf, size, "(+%zu) ", (size_t)r->size - 1);
		return;
	}
	for (k = 1; k < shown; k++) {
		piece = (r->more & (1U << (k - 1))) ?
		    (ui->utf8 ? "\u2502 " : "| ") : "  ";
		len += snprintf(buf + len, size - len, "%s", piece);
	}
	piece = r->last ? (ui->utf8 ? "\u2514\u2500>" : "`->") :
	    (ui->utf8 ? "\u251c\u2500>" : "|->");
	snprintf(buf + len, size - len, "%s", piece);
}

static void
ui_draw_index_row(struct ui *ui, int y, int x, int width, size_t row)
{
	struct thread_row *r = &ui->idx_rows[row];
	size_t		 i = r->msg;
	struct summary	*m = &ui->msgs[i];
	char		 tree[128];
	int		 treew;
	char		 flags[6], date[32], size[16];
	const char	*from = m->from != NULL ? m->from : "";
	const char	*subj = m->subject != NULL ? m->subject : "";
	struct ui_style	 st;
	int		 col = x, fromw, sizew, subjw;

	if (row == ui->msg_cur && ui->focus == FOCUS_INDEX)
		st = ui_style(ui, THEME_CURSOR);
	else if (m->flags & SUMMARY_DELETED)
		st = ui_style(ui, THEME_INDEX_DELETED);
	else if (m->flags & SUMMARY_FLAGGED)
		st = ui_style(ui, THEME_INDEX_FLAGGED);
	else if (!(m->flags & SUMMARY_SEEN))
		st = ui_style(ui, THEME_INDEX_UNREAD);
	else
		st = ui_style(ui, THEME_NORMAL);
	ui_format_flags(m->flags, flags);
	ui_format_date(m->date, date, sizeof date);
	ui_format_size(m->size, size, sizeof size);
	fromw = width >= 60 ? 20 : width / 4;
	sizew = 7;
	col += ui_draw_text(y, col, 5, flags, 5, st);	/* the last: blank or * */
	col += ui_draw_text(y, col, 1, " ", 1, st);
	ui_draw_text(y, col, 11, date, strlen(date), st);
	col += 11;
	ui_draw_text(y, col, fromw, from, strlen(from), st);
	col += fromw;
	ui_draw_text(y, col, 1, " ", 1, st);
	col += 1;
	subjw = x + width - col - sizew - 1;
	ui_format_tree(ui, r, tree, sizeof tree);
	if (tree[0] != '\0' && subjw > 0) {
		treew = ui_draw_text(y, col, subjw, tree, strlen(tree),
		    row == ui->msg_cur && ui->focus == FOCUS_INDEX ? st :
		    ui_style(ui, THEME_TREE));
		col += treew;
		subjw -= treew;
	}
	ui_draw_text(y, col, subjw, subj, strlen(subj), st);
	col += subjw > 0 ? subjw : 0;
	ui_draw_fill(y, col, x + width - col, st);
	ui_draw_text(y, x + width - (int)strlen(size) - 1, (int)strlen(size),
	    size, strlen(size), st);
}

void
ui_draw_index(struct ui *ui, int top, int height, int x, int width)
{
	size_t	 i;
	int	 y;

	if (ui->msg_cur >= ui->nrows && ui->nrows > 0)
		ui->msg_cur = ui->nrows - 1;
	ui_scroll_to(ui->msg_cur, &ui->msg_top, height);
	for (y = 0; y < height; y++) {
		i = ui->msg_top + (size_t)y;
		if (i < ui->nrows)
			ui_draw_index_row(ui, top + y, x, width, i);
		else
			ui_draw_fill(top + y, x, width,
			    ui_style(ui, THEME_NORMAL));
	}
	if (ui->nrows == 0 && height > 2) {
		const char	*msg = ui->folder_open == NULL ?
		    _("No folder open.") : ui->loading ? _("Loading...") :
		    ui->folder_failed ? _("The folder could not be opened "
		    "(the reason is below).") :
		    _("No messages in this folder.");

		ui_draw_text(top + 1, x + 2, width - 2, msg, strlen(msg),
		    ui_style(ui, THEME_MARKER));
	}
}
