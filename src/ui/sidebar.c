/* src/ui/sidebar.c: the folder pane of every account, and the mouse. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

#define UI_SIDE_INDENT	2	/* columns per level */
#define UI_WHEEL_STEP	3	/* rows per wheel notch */

/* For qsort: the account being sorted (qsort has no argument). */
static const struct ui_account	*ui_side_sorting;

/* INBOX first, then by name with the hierarchy delimiter before all else. */
static int
ui_side_cmp(const void *pa, const void *pb)
{
	const struct folder_info	*a, *b;
	const unsigned char		*x, *y;
	int				 cx, cy;

	a = &ui_side_sorting->folders[*(const size_t *)pa];
	b = &ui_side_sorting->folders[*(const size_t *)pb];
	cx = strcmp(a->wire_name, "INBOX") == 0;
	cy = strcmp(b->wire_name, "INBOX") == 0;
	if (cx != cy)
		return cy - cx;
	/* The outbox (outbox.c, a name starting with DEL) goes last. */
	cx = a->wire_name[0] == '\177';
	cy = b->wire_name[0] == '\177';
	if (cx != cy)
		return cx - cy;
	x = (const unsigned char *)a->name;
	y = (const unsigned char *)b->name;
	for (; *x != '\0' && *x == *y; x++, y++)
		;
	cx = *x == (unsigned char)a->delimiter && *x != '\0' ? 1 : *x + 1;
	cy = *y == (unsigned char)b->delimiter && *y != '\0' ? 1 : *y + 1;
	if (*x == '\0')
		cx = 0;
	if (*y == '\0')
		cy = 0;
	return cx - cy;
}

static char *
ui_side_key(size_t acct, const char *name)
{
	return xasprintf("%zu/%s", acct, name);
}

static int
ui_side_is_folded(struct ui *ui, size_t acct, const char *name, size_t len)
{
	char	*key;
	size_t	 i;
	int	 hit = 0;

	if (len == SIZE_MAX)
		len = strlen(name);
	key = xasprintf("%zu/%.*s", acct, (int)len, name);
	for (i = 0; i < ui->nside_folded && !hit; i++)
		hit = strcmp(ui->side_folded[i], key) == 0;
	free(key);
	return hit;
}

/* Is a folder above f (by name) folded? */
static int
ui_side_hidden(struct ui *ui, size_t acct, const struct folder_info *f)
{
	const char	*p;

	if (f->delimiter == '\0')
		return 0;
	for (p = f->name; (p = strchr(p, f->delimiter)) != NULL; p++) {
		if (ui_side_is_folded(ui, acct, f->name,
		    (size_t)(p - f->name)))
			return 1;
	}
	return 0;
}

static int
ui_side_depth(const struct folder_info *f)
{
	const char	*p;
	int		 d = 0;

	if (f->delimiter == '\0')
		return 0;
	for (p = f->name; *p != '\0'; p++)
		d += *p == f->delimiter;
	return d;
}

/* Does the folder after f in the sorted order sit below it? */
static int
ui_side_has_children(const struct folder_info *f,
    const struct folder_info *next)
{
	size_t	 n = strlen(f->name);

	return next != NULL && f->delimiter != '\0' &&
	    strncmp(next->name, f->name, n) == 0 &&
	    next->name[n] == f->delimiter;
}

static void
ui_side_add(struct ui *ui, size_t *alloc, size_t acct, size_t folder,
    int depth, int parent)
{
	struct ui_side_row	*r;

	if (ui->nside == *alloc) {
		*alloc = *alloc == 0 ? 32 : *alloc * 2;
		ui->side = xreallocarray(ui->side, *alloc, sizeof *ui->side);
	}
	r = &ui->side[ui->nside++];
	r->acct = acct;
	r->folder = folder;
	r->depth = depth;
	r->parent = parent;
}

static void
ui_side_add_account(struct ui *ui, size_t *alloc, size_t acct)
{
	struct ui_account	*a = &ui->accts[acct];
	struct folder_info	*f, *next;
	size_t			*order, i;
	int			 base = ui->naccts > 1;

	if (base)
		ui_side_add(ui, alloc, acct, SIZE_MAX, 0, 1);
	if (a->collapsed || a->nfolders == 0)
		return;
	order = xreallocarray(NULL, a->nfolders, sizeof *order);
	for (i = 0; i < a->nfolders; i++)
		order[i] = i;
	ui_side_sorting = a;
	qsort(order, a->nfolders, sizeof *order, ui_side_cmp);
	for (i = 0; i < a->nfolders; i++) {
		f = &a->folders[order[i]];
		next = i + 1 < a->nfolders ? &a->folders[order[i + 1]] : NULL;
		if (ui_side_hidden(ui, acct, f))
			continue;
		ui_side_add(ui, alloc, acct, order[i], base + ui_side_depth(f),
		    ui_side_has_children(f, next));
	}
	free(order);
}

/* The cursor's folder: the open one while the pane has no focus. */
char *
ui_side_cursor(struct ui *ui, size_t *acctp)
{
	struct ui_side_row	*r;

	*acctp = SIZE_MAX;
	/* Outside the pane, its cursor follows the open folder. */
	if (ui->side_cur < ui->nside && (ui->focus == FOCUS_FOLDERS ||
	    ui->folder_open == NULL)) {
		r = &ui->side[ui->side_cur];
		*acctp = r->acct;
		if (r->folder == SIZE_MAX ||
		    r->folder >= ui->accts[r->acct].nfolders)
			return NULL;
		return xstrdup(ui->accts[r->acct].folders[r->folder].wire_name);
	}
	if (ui->folder_open == NULL)
		return NULL;
	*acctp = ui->acct_open;
	return xstrdup(ui->folder_open);
}

void
ui_side_rebuild_at(struct ui *ui, size_t acct, const char *name)
{
	struct ui_side_row	*r;
	size_t			 alloc = ui->nside, i;

	ui->nside = 0;
	for (i = 0; i < ui->naccts; i++)
		ui_side_add_account(ui, &alloc, i);
	ui->side_cur = 0;
	for (i = 0; i < ui->nside; i++) {
		r = &ui->side[i];
		if (r->acct != acct)
			continue;
		if (name == NULL ? r->folder == SIZE_MAX : r->folder !=
		    SIZE_MAX && strcmp(name,
		    ui->accts[acct].folders[r->folder].wire_name) == 0) {
			ui->side_cur = i;
			break;
		}
	}
	ui->dirty = 1;
}

void
ui_side_rebuild(struct ui *ui)
{
	size_t	 acct;
	char	*name;

	name = ui_side_cursor(ui, &acct);
	ui_side_rebuild_at(ui, acct, name);
	free(name);
}

void
ui_side_move(struct ui *ui, long delta)
{
	if (ui->nside == 0)
		return;
	if (delta < 0 && (size_t)-delta > ui->side_cur)
		ui->side_cur = 0;
	else if (delta > 0 && ui->side_cur + (size_t)delta >= ui->nside)
		ui->side_cur = ui->nside - 1;
	else
		ui->side_cur += delta;
	if (ui->side[ui->side_cur].acct == ui->acct_open &&
	    ui->side[ui->side_cur].folder != SIZE_MAX)
		ui->folder_cur = ui->side[ui->side_cur].folder;
	ui->dirty = 1;
}

static void
ui_side_toggle_fold(struct ui *ui, size_t acct, const char *name)
{
	char	*key = ui_side_key(acct, name);
	size_t	 i;

	for (i = 0; i < ui->nside_folded; i++) {
		if (strcmp(ui->side_folded[i], key) == 0) {
			free(ui->side_folded[i]);
			free(key);
			ui->side_folded[i] = ui->side_folded[--ui->nside_folded];
			return;
		}
	}
	ui->side_folded = xreallocarray(ui->side_folded, ui->nside_folded + 1,
	    sizeof *ui->side_folded);
	ui->side_folded[ui->nside_folded++] = key;
}

void
ui_side_collapse(struct ui *ui)
{
	struct ui_side_row	*r;
	size_t			 i;

	if (ui->side_cur >= ui->nside)
		return;
	r = &ui->side[ui->side_cur];
	if (r->folder == SIZE_MAX) {
		ui->accts[r->acct].collapsed = !ui->accts[r->acct].collapsed;
		ui_side_rebuild(ui);
		return;
	}
	if (!r->parent) {
		/* A leaf folds its parent, and the cursor goes there. */
		for (i = ui->side_cur; i-- > 0;) {
			if (ui->side[i].acct == r->acct && ui->side[i].depth <
			    r->depth && ui->side[i].folder != SIZE_MAX) {
				ui->side_cur = i;
				r = &ui->side[i];
				break;
			}
		}
		if (!r->parent) {
			ui_set_message(ui, 0, "%s",
			    _("This folder has no subfolders."));
			return;
		}
	}
	ui_side_toggle_fold(ui, r->acct,
	    ui->accts[r->acct].folders[r->folder].name);
	ui_side_rebuild(ui);
}

void
ui_side_open(struct ui *ui)
{
	struct ui_side_row	*r;

	if (ui->side_cur >= ui->nside)
		return;
	r = &ui->side[ui->side_cur];
	if (r->folder == SIZE_MAX) {
		ui_side_collapse(ui);
		return;
	}
	ui_open_folder_of(ui, r->acct, r->folder);	/* or says why not */
	if (ui->accts[r->acct].folders[r->folder].selectable)
		ui->focus = FOCUS_INDEX;
}

int
ui_side_width(struct ui *ui)
{
	int	 w;

	if (!ui->sidebar || ui->cols < UI_FOLDER_PANE_MIN_COLS)
		return ui->focus == FOCUS_FOLDERS && ui->view == VIEW_INDEX ?
		    ui->cols : 0;
	if (ui->sidebar_width > 0)
		w = ui->sidebar_width;
	else {
		w = ui->cols / 4;
		if (w > UI_FOLDER_PANE_MAX)
			w = UI_FOLDER_PANE_MAX;
	}
	if (w > ui->cols - 20)
		w = ui->cols - 20;
	return w > 4 ? w : 0;
}

/* "unread/total", or what is known of it. */
static void
ui_side_count(const struct folder_info *f, char *buf, size_t size)
{
	buf[0] = '\0';
	if (f->total != FOLDER_COUNT_UNKNOWN && f->unseen !=
	    FOLDER_COUNT_UNKNOWN)
		snprintf(buf, size, " %u/%u", f->unseen, f->total);
	else if (f->total != FOLDER_COUNT_UNKNOWN)
		snprintf(buf, size, " %u", f->total);
}

static void
ui_side_draw_row(struct ui *ui, int y, int width, size_t i)
{
	struct ui_side_row	*r = &ui->side[i];
	struct ui_account	*a = &ui->accts[r->acct];
	struct folder_info	*f = NULL;
	struct ui_style		 st = ui_style(ui, THEME_SIDEBAR);
	const char		*label, *p;
	char			 count[32], *text;
	int			 cw, folded;

	count[0] = '\0';
	if (r->folder == SIZE_MAX) {
		label = a->account->id;
		folded = a->collapsed;
		st.attr |= A_BOLD;
	} else {
		f = &a->folders[r->folder];
		label = f->name;
		if (f->delimiter != '\0' && (p = strrchr(f->name,
		    f->delimiter)) != NULL && p[1] != '\0')
			label = p + 1;
		folded = r->parent && ui_side_is_folded(ui, r->acct, f->name,
		    SIZE_MAX);
		ui_side_count(f, count, sizeof count);
		if (f->unseen != FOLDER_COUNT_UNKNOWN && f->unseen > 0)
			st = ui_style(ui, THEME_SIDEBAR_UNREAD);
		if (r->acct == ui->acct_open && ui->folder_open != NULL &&
		    strcmp(f->wire_name, ui->folder_open) == 0)
			st.attr |= A_BOLD;
		if (!f->selectable)
			st.attr |= A_DIM;
	}
	if (i == ui->side_cur && ui->focus == FOCUS_FOLDERS)
		st = ui_style(ui, THEME_CURSOR);
	text = xasprintf("%*s%s%s", r->depth * UI_SIDE_INDENT, "",
	    folded ? "+" : "", label);
	cw = (int)strlen(count);
	if (cw > width - 4)
		cw = 0;
	ui_draw_text(y, 0, width - 1 - cw, text, strlen(text), st);
	if (cw > 0)
		ui_draw_text(y, width - 1 - cw, cw, count, (size_t)cw, st);
	free(text);
}

void
ui_draw_folders(struct ui *ui, int top, int height, int width)
{
	struct ui_style	 normal = ui_style(ui, THEME_SIDEBAR);
	size_t		 i;
	int		 y;

	if (height <= 0)
		return;
	if (ui->side_cur < ui->side_top)
		ui->side_top = ui->side_cur;
	else if (ui->side_cur >= ui->side_top + (size_t)height)
		ui->side_top = ui->side_cur - (size_t)height + 1;
	for (y = 0; y < height; y++) {
		i = ui->side_top + (size_t)y;
		if (i < ui->nside)
			ui_side_draw_row(ui, top + y, width, i);
		else
			ui_draw_fill(top + y, 0, width - 1, normal);
	}
	/*
	 * A box-drawing character, not ACS_VLINE: the alternate character set
	 * is switched by escape sequences that some terminals and
	 * multiplexers get wrong, leaving letters instead of lines.
	 */
	for (y = 0; y < height; y++)
		ui_draw_text(top + y, width - 1, 1, ui->utf8 ? "\u2502" : "|",
		    ui->utf8 ? 3 : 1, normal);
}

void
ui_mouse_apply(struct ui *ui)
{
	if (ui->mouse) {
		/*
		 * Releases too: ncurses, given an event its mask leaves out,
		 * waits for the next input even in nodelay mode, which froze
		 * the screen after a click until the next key. They are
		 * taken here and ignored in ui_mouse_event.
		 */
		mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED |
		    BUTTON4_PRESSED | BUTTON5_PRESSED | BUTTON2_RELEASED |
		    BUTTON3_RELEASED, NULL);
		mouseinterval(0);	/* a press is a click: no waiting */
	} else
		mousemask(0, NULL);
}

static void
ui_mouse_index(struct ui *ui, mmask_t b, int row, int in_pager)
{
	size_t	 i;

	if (b & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		i = ui->msg_cur;
		if (b & BUTTON4_PRESSED)
			ui->msg_cur = i > UI_WHEEL_STEP ? i - UI_WHEEL_STEP : 0;
		else if (ui->nrows > 0)
			ui->msg_cur = i + UI_WHEEL_STEP < ui->nrows ?
			    i + UI_WHEEL_STEP : ui->nrows - 1;
		ui->dirty = 1;
		return;
	}
	i = ui->msg_top + (size_t)row;
	if (i >= ui->nrows)
		return;
	ui->focus = FOCUS_INDEX;
	if (i == ui->msg_cur && !in_pager)
		ui_open_message(ui);	/* a second click opens */
	ui->msg_cur = i;
	if (in_pager)
		ui_open_message(ui);
	ui->dirty = 1;
}

static void
ui_mouse_pager(struct ui *ui, mmask_t b)
{
	size_t	 h = (size_t)ui_pager_height(ui), max;

	max = ui->npager_lines > h ? ui->npager_lines - h : 0;
	if (b & BUTTON4_PRESSED)
		ui->pager_top = ui->pager_top > UI_WHEEL_STEP ?
		    ui->pager_top - UI_WHEEL_STEP : 0;
	else if (b & BUTTON5_PRESSED)
		ui->pager_top = ui->pager_top + UI_WHEEL_STEP < max ?
		    ui->pager_top + UI_WHEEL_STEP : max;
	ui->dirty = 1;
}

/* The pointer's pane: the folders, the index or the pager. */
void
ui_mouse_event(struct ui *ui)
{
	MEVENT	 me;
	int	 fw, h, split, y;

	if (getmouse(&me) != OK || ui->view == VIEW_HELP ||
	    !(me.bstate & (BUTTON1_PRESSED | BUTTON4_PRESSED |
	    BUTTON5_PRESSED)))
		return;		/* a release: the press did it */
	h = ui_index_height(ui);
	y = me.y - 1;
	if (y < 0 || y >= h)
		return;
	fw = ui_side_width(ui);
	if (me.x < fw) {
		if (me.bstate & BUTTON4_PRESSED)
			ui_side_move(ui, -UI_WHEEL_STEP);
		else if (me.bstate & BUTTON5_PRESSED)
			ui_side_move(ui, UI_WHEEL_STEP);
		else if (ui->side_top + (size_t)y < ui->nside) {
			ui->side_cur = ui->side_top + (size_t)y;
			ui->focus = FOCUS_FOLDERS;
			ui_side_open(ui);
		}
		ui->dirty = 1;
		return;
	}
	split = ui_split_rows(ui);
	if (ui->view == VIEW_INDEX)
		ui_mouse_index(ui, me.bstate, y, 0);
	else if (y < split)
		ui_mouse_index(ui, me.bstate, y, 1);
	else
		ui_mouse_pager(ui, me.bstate);
}
