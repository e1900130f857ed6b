/* src/ui/bind.c: live key bindings, key sequences, macros, and the help. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

#define UI_MACRO_MAX		1024	/* keys in one macro */
#define UI_MAX_BINDS		4096	/* live bindings and macros */
#define UI_MAX_EXPANSIONS	64	/* macros run for one typed key */

/* One live binding: a key sequence in one context, an action or a macro. */
struct ui_kbind {
	int			 ctx;		/* one CONTEXT_* bit */
	int			 seq[UI_SEQ_MAX];
	size_t			 nseq;
	const struct ui_action	*action;	/* NULL for a macro */
	int			*macro;
	size_t			 nmacro;
	char			*text;		/* the macro as written */
};

struct ui_keymap {
	struct ui_kbind		*v;
	size_t			 n;
};

/* Key names, as Mutt writes them inside < >. */
static const struct {
	const char	*name;
	int		 key;
} ui_key_names[] = {
	{ "enter", '\r' },
	{ "return", '\n' },
	{ "space", ' ' },
	{ "tab", '\t' },
	{ "esc", 033 },
	{ "backspace", KEY_BACKSPACE | UI_KEY_FUNC },
	{ "delete", KEY_DC | UI_KEY_FUNC },
	{ "insert", KEY_IC | UI_KEY_FUNC },
	{ "up", KEY_UP | UI_KEY_FUNC },
	{ "down", KEY_DOWN | UI_KEY_FUNC },
	{ "left", KEY_LEFT | UI_KEY_FUNC },
	{ "right", KEY_RIGHT | UI_KEY_FUNC },
	{ "pageup", KEY_PPAGE | UI_KEY_FUNC },
	{ "pagedown", KEY_NPAGE | UI_KEY_FUNC },
	{ "home", KEY_HOME | UI_KEY_FUNC },
	{ "end", KEY_END | UI_KEY_FUNC },
	{ "backtab", KEY_BTAB | UI_KEY_FUNC },
	{ "keypadenter", KEY_ENTER | UI_KEY_FUNC },
};
#define UI_NKEY_NAMES	(sizeof ui_key_names / sizeof ui_key_names[0])

/* Mutt's names for actions that Postern calls otherwise. */
static const struct {
	const char	*mutt;
	const char	*ours;
} ui_action_aliases[] = {
	{ "display-message", "open" },
	{ "select-entry", "open" },
	{ "redraw-screen", "redraw" },
	{ "sort-mailbox", "sort-next" },
};

/* The contexts by name; the first name of a single bit titles its help. */
static const struct {
	const char	*name;
	int		 mask;
} ui_context_names[] = {
	{ "index", CONTEXT_INDEX },
	{ "pager", CONTEXT_PAGER },
	{ "folders", CONTEXT_FOLDERS },
	{ "browser", CONTEXT_FOLDERS },
	{ "sidebar", CONTEXT_FOLDERS },
	{ "help", CONTEXT_HELP },
	{ "attach", CONTEXT_ATTACH },
	{ "urls", CONTEXT_URLS },
	{ "compose", CONTEXT_COMPOSE },
	{ "postpone", CONTEXT_DRAFTS },
	{ "drafts", CONTEXT_DRAFTS },
	{ "generic", CONTEXT_INDEX | CONTEXT_FOLDERS },
};

int
ui_context(const struct ui *ui, enum ui_view view)
{
	if (view == VIEW_HELP)
		return CONTEXT_HELP;
	if (view == VIEW_PAGER)
		return CONTEXT_PAGER;
	if (view == VIEW_ATTACH)
		return CONTEXT_ATTACH;
	if (view == VIEW_URLS)
		return CONTEXT_URLS;
	if (view == VIEW_COMPOSE)
		return CONTEXT_COMPOSE;
	if (view == VIEW_DRAFTS)
		return CONTEXT_DRAFTS;
	return ui->focus == FOCUS_FOLDERS ? CONTEXT_FOLDERS : CONTEXT_INDEX;
}

static const char *
ui_context_name(int ctx)
{
	size_t	 i;

	for (i = 0; i < sizeof ui_context_names / sizeof ui_context_names[0];
	    i++) {
		if (ui_context_names[i].mask == ctx)
			return ui_context_names[i].name;
	}
	return "?";
}

int
ui_context_parse(const char *s, int *maskp, struct error *err)
{
	const char	*end;
	size_t		 i, len;
	int		 mask = 0, found;

	for (; *s != '\0'; s = *end == ',' ? end + 1 : end) {
		end = s + strcspn(s, ",");
		len = (size_t)(end - s);
		found = 0;
		for (i = 0; i < sizeof ui_context_names /
		    sizeof ui_context_names[0]; i++) {
			if (strlen(ui_context_names[i].name) == len &&
			    strncmp(ui_context_names[i].name, s, len) == 0) {
				mask |= ui_context_names[i].mask;
				found = 1;
			}
		}
		if (!found)
			return error_set(err, ERROR_INPUT, _("unknown context "
			    "'%.*s' (index, pager, folders, help, attach, urls, "
			    "compose, postpone or generic)"),
			    (int)len, s);
	}
	if (mask == 0)
		return error_set(err, ERROR_INPUT, "%s", _("no context"));
	*maskp = mask;
	return 0;
}

const struct ui_action *
ui_action_find(int ctx, const char *name)
{
	const struct ui_binding	*b;
	size_t			 i, n;

	for (i = 0; i < sizeof ui_action_aliases / sizeof ui_action_aliases[0];
	    i++) {
		if (strcmp(name, ui_action_aliases[i].mutt) == 0)
			name = ui_action_aliases[i].ours;
	}
	b = ui_default_bindings(&n);
	for (i = 0; i < n; i++) {
		if ((b[i].contexts & ctx) && strcmp(b[i].action->name,
		    name) == 0)
			return b[i].action;
	}
	return NULL;
}

/*
 * The entry of the default table naming an action called name (len
 * bytes), for <name> in a macro: the action is looked up in the context
 * where the macro runs. SIZE_MAX if no action has that name.
 */
static size_t
ui_action_index(const char *name, size_t len)
{
	const struct ui_binding	*b;
	size_t			 i, n;

	for (i = 0; i < sizeof ui_action_aliases / sizeof ui_action_aliases[0];
	    i++) {
		if (strlen(ui_action_aliases[i].mutt) == len &&
		    strncmp(ui_action_aliases[i].mutt, name, len) == 0) {
			name = ui_action_aliases[i].ours;
			len = strlen(name);
		}
	}
	b = ui_default_bindings(&n);
	for (i = 0; i < n && i < UI_KEY_ACTION; i++) {
		if (strlen(b[i].action->name) == len &&
		    strncmp(b[i].action->name, name, len) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* One key name at *sp: <name>, ^X, \e \n \r \t \\, or a character. */
static int
ui_key_parse_one(const char **sp, int *keyp, struct error *err)
{
	const char	*s = *sp, *end;
	uint32_t	 cp;
	size_t		 i, n;
	int		 f;

	if (*s == '<' && (end = strchr(s, '>')) != NULL && end > s + 1) {
		n = (size_t)(end - s - 1);
		for (i = 0; i < UI_NKEY_NAMES; i++) {
			if (strlen(ui_key_names[i].name) == n &&
			    strncasecmp(s + 1, ui_key_names[i].name, n) == 0) {
				*keyp = ui_key_names[i].key;
				*sp = end + 1;
				return 0;
			}
		}
		if ((s[1] == 'f' || s[1] == 'F') && n >= 2 && n <= 3 &&
		    isdigit((unsigned char)s[2]) && (n == 2 ||
		    isdigit((unsigned char)s[3]))) {
			f = atoi(s + 2);
			if (f >= 1 && f <= 24) {
				*keyp = KEY_F(f) | UI_KEY_FUNC;
				*sp = end + 1;
				return 0;
			}
		}
		if ((i = ui_action_index(s + 1, n)) != SIZE_MAX) {
			*keyp = (int)i | UI_KEY_ACTION;
			*sp = end + 1;
			return 0;
		}
		return error_set(err, ERROR_INPUT, _("unknown key name "
		    "'%.*s'"), (int)(n + 2), s);
	}
	if (*s == '^' && s[1] != '\0') {
		if (s[1] == '?')
			*keyp = 0x7f;
		else if (isalpha((unsigned char)s[1]) || strchr("@[\\]^_",
		    s[1]) != NULL)
			*keyp = toupper((unsigned char)s[1]) & 0x1f;
		else
			return error_set(err, ERROR_INPUT, _("bad control key "
			    "'%.2s'"), s);
		*sp = s + 2;
		return 0;
	}
	if (*s == '\\' && s[1] != '\0' && strchr("enrt\\", s[1]) != NULL) {
		*keyp = s[1] == 'e' ? 033 : s[1] == 'n' ? '\n' :
		    s[1] == 'r' ? '\r' : s[1] == 't' ? '\t' : '\\';
		*sp = s + 2;
		return 0;
	}
	if ((n = utf8_decode(s, strlen(s), &cp)) == 0)
		return error_set(err, ERROR_INPUT, "%s",
		    _("a key is not valid UTF-8"));
	*keyp = (int)cp;
	*sp = s + n;
	return 0;
}

/* Parses key names into seq (at most max keys); actions only in macros. */
static int
ui_keys_parse(const char *s, int *seq, size_t max, size_t *np,
    int actions, struct error *err)
{
	const char	*at;
	size_t		 n = 0;
	int		 key = 0;

	if (*s == '\0')
		return error_set(err, ERROR_INPUT, "%s", _("no key given"));
	while (*s != '\0') {
		at = s;
		if (ui_key_parse_one(&s, &key, err) == -1)
			return -1;
		if ((key & UI_KEY_ACTION) && !actions)
			return error_set(err, ERROR_INPUT, _("unknown key "
			    "name '%.*s' (an action's name is for macros)"),
			    (int)(s - at), at);
		if (n == max)
			return error_set(err, ERROR_INPUT, _("too many keys "
			    "(at most %zu)"), max);
		seq[n++] = key;
	}
	*np = n;
	return 0;
}

/* Appends the name of one key, as ui_keys_parse reads it back. */
static void
ui_key_format(struct sbuf *b, int key)
{
	const struct ui_binding	*d;
	char			 buf[8];
	size_t			 i, n;

	for (i = 0; i < UI_NKEY_NAMES; i++) {
		if (ui_key_names[i].key == key) {
			sbuf_addf(b, "<%s>", ui_key_names[i].name);
			return;
		}
	}
	if (key & UI_KEY_ACTION) {
		d = ui_default_bindings(&n);
		if ((size_t)(key & ~UI_KEY_ACTION) < n)
			sbuf_addf(b, "<%s>", d[key & ~UI_KEY_ACTION].action->name);
	} else if (key & UI_KEY_FUNC) {
		key &= ~UI_KEY_FUNC;
		if (key >= KEY_F(1) && key <= KEY_F(24))
			sbuf_addf(b, "<f%d>", key - KEY_F0);
		else
			sbuf_addf(b, "<key%d>", key);
	} else if (key == 0x7f)
		sbuf_addstr(b, "^?");
	else if (key < 0x20)
		sbuf_addf(b, "^%c", key | 0x40);
	else if (key <= 0x10ffff) {
		i = utf8_encode((uint32_t)key, buf);
		sbuf_add(b, buf, i);
	}
}

static void
ui_seq_format(struct sbuf *b, const int *seq, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		ui_key_format(b, seq[i]);
}

static struct ui_kbind *
ui_keymap_find(struct ui_keymap *km, int ctx, const int *seq, size_t n)
{
	size_t	 i;

	for (i = 0; i < km->n; i++) {
		if (km->v[i].ctx == ctx && km->v[i].nseq == n &&
		    memcmp(km->v[i].seq, seq, n * sizeof *seq) == 0)
			return &km->v[i];
	}
	return NULL;
}

static void
ui_kbind_clear(struct ui_kbind *b)
{
	free(b->macro);
	free(b->text);
	b->macro = NULL;
	b->text = NULL;
	b->nmacro = 0;
}

/* The binding of seq in ctx, replaced or made; NULL when the map is full. */
static struct ui_kbind *
ui_keymap_slot(struct ui_keymap *km, int ctx, const int *seq, size_t n)
{
	struct ui_kbind	*b;

	if ((b = ui_keymap_find(km, ctx, seq, n)) != NULL) {
		ui_kbind_clear(b);
		return b;
	}
	if (km->n == UI_MAX_BINDS)
		return NULL;
	km->v = xreallocarray(km->v, km->n + 1, sizeof *km->v);
	b = &km->v[km->n++];
	memset(b, 0, sizeof *b);
	b->ctx = ctx;
	memcpy(b->seq, seq, n * sizeof *seq);
	b->nseq = n;
	return b;
}

void
ui_keymap_init(struct ui *ui)
{
	const struct ui_binding	*d;
	struct ui_kbind		*b;
	size_t			 i, n;
	int			 ctx, seq[2], nseq;

	ui->keymap = xcalloc(1, sizeof *ui->keymap);
	d = ui_default_bindings(&n);
	for (i = 0; i < n; i++) {
		if (d[i].key == 0)
			continue;	/* named, no key */
		nseq = 0;
		if (d[i].key & UI_KEY_META)
			seq[nseq++] = 033;
		seq[nseq++] = (d[i].key & ~UI_KEY_META) |
		    (d[i].is_func ? UI_KEY_FUNC : 0);
		for (ctx = 1; ctx < UI_CONTEXT_END; ctx <<= 1) {
			if ((d[i].contexts & ctx) == 0 ||
			    ui_keymap_find(ui->keymap, ctx, seq, nseq) != NULL)
				continue;
			b = ui_keymap_slot(ui->keymap, ctx, seq, (size_t)nseq);
			if (b != NULL)
				b->action = d[i].action;
		}
	}
}

void
ui_keymap_free(struct ui *ui)
{
	size_t	 i;

	if (ui->keymap == NULL)
		return;
	for (i = 0; i < ui->keymap->n; i++)
		ui_kbind_clear(&ui->keymap->v[i]);
	free(ui->keymap->v);
	free(ui->keymap);
	ui->keymap = NULL;
	free(ui->feed);
	ui->feed = NULL;
	ui->nfeed = ui->feed_off = 0;
}

static void
ui_keymap_remove(struct ui_keymap *km, struct ui_kbind *b)
{
	size_t	 i = (size_t)(b - km->v);

	ui_kbind_clear(b);
	memmove(&km->v[i], &km->v[i + 1], (km->n - i - 1) * sizeof *km->v);
	km->n--;
}

int
ui_keymap_unbind(struct ui *ui, int mask, const char *keys,
    struct error *err)
{
	struct ui_kbind	*b;
	int		 seq[UI_SEQ_MAX], ctx;
	size_t		 n;

	if (ui_keys_parse(keys, seq, UI_SEQ_MAX, &n, 0, err) == -1)
		return -1;
	for (ctx = 1; ctx < UI_CONTEXT_END; ctx <<= 1) {
		if ((mask & ctx) &&
		    (b = ui_keymap_find(ui->keymap, ctx, seq, n)) != NULL)
			ui_keymap_remove(ui->keymap, b);
	}
	return 0;
}

int
ui_keymap_bind(struct ui *ui, int mask, const char *keys, const char *name,
    struct error *err)
{
	const struct ui_action	*a[16];
	struct ui_kbind		*b;
	int			 seq[UI_SEQ_MAX], ctx;
	size_t			 n, i;

	if (ui_keys_parse(keys, seq, UI_SEQ_MAX, &n, 0, err) == -1)
		return -1;
	for (i = 0, ctx = 1; ctx < UI_CONTEXT_END; i++, ctx <<= 1) {
		if ((mask & ctx) && (a[i] = ui_action_find(ctx, name)) ==
		    NULL)
			return error_set(err, ERROR_INPUT, _("no action '%s' "
			    "in the %s (? there lists them)"), name,
			    ui_context_name(ctx));
	}
	if (strcmp(name, "noop") == 0)
		return ui_keymap_unbind(ui, mask, keys, err);
	for (i = 0, ctx = 1; ctx < UI_CONTEXT_END; i++, ctx <<= 1) {
		if ((mask & ctx) == 0)
			continue;
		if ((b = ui_keymap_slot(ui->keymap, ctx, seq, n)) == NULL)
			return error_set(err, ERROR_INPUT, "%s",
			    _("too many key bindings"));
		b->action = a[i];
	}
	return 0;
}

int
ui_keymap_macro(struct ui *ui, int mask, const char *keys, const char *text,
    const char *help, struct error *err)
{
	struct ui_kbind	*b;
	int		 seq[UI_SEQ_MAX], *macro, ctx;
	size_t		 n, nmacro;

	if (ui_keys_parse(keys, seq, UI_SEQ_MAX, &n, 0, err) == -1)
		return -1;
	macro = xreallocarray(NULL, UI_MACRO_MAX, sizeof *macro);
	if (ui_keys_parse(text, macro, UI_MACRO_MAX, &nmacro, 1, err) == -1) {
		free(macro);
		return -1;
	}
	for (ctx = 1; ctx < UI_CONTEXT_END; ctx <<= 1) {
		if ((mask & ctx) == 0)
			continue;
		if ((b = ui_keymap_slot(ui->keymap, ctx, seq, n)) == NULL) {
			free(macro);
			return error_set(err, ERROR_INPUT, "%s",
			    _("too many key bindings"));
		}
		b->action = NULL;
		b->macro = xreallocarray(NULL, nmacro, sizeof *macro);
		memcpy(b->macro, macro, nmacro * sizeof *macro);
		b->nmacro = nmacro;
		b->text = xstrdup(help != NULL && *help != '\0' ? help : text);
	}
	free(macro);
	return 0;
}

/* Puts keys in front of the queue: a macro runs before what follows. */
static int
ui_feed_push(struct ui *ui, const int *keys, size_t n, struct error *err)
{
	size_t	 left = ui->nfeed - ui->feed_off;
	int	*v;

	if (++ui->feed_expansions > UI_MAX_EXPANSIONS || left + n >
	    UI_FEED_MAX) {
		free(ui->feed);
		ui->feed = NULL;
		ui->nfeed = ui->feed_off = 0;
		return error_set(err, ERROR_INPUT, "%s", _("macros run too "
		    "deep (does a macro call itself?); stopped"));
	}
	v = xreallocarray(NULL, left + n + 1, sizeof *v);
	memcpy(v, keys, n * sizeof *v);
	if (left > 0)
		memcpy(v + n, ui->feed + ui->feed_off, left * sizeof *v);
	free(ui->feed);
	ui->feed = v;
	ui->nfeed = left + n;
	ui->feed_off = 0;
	return 0;
}

int
ui_feed_keys(struct ui *ui, const char *text, struct error *err)
{
	int	*keys;
	size_t	 n;
	int	 rc;

	keys = xreallocarray(NULL, UI_MACRO_MAX, sizeof *keys);
	rc = ui_keys_parse(text, keys, UI_MACRO_MAX, &n, 1, err);
	if (rc == 0)
		rc = ui_feed_push(ui, keys, n, err);
	free(keys);
	return rc;
}

int
ui_feed_next(struct ui *ui, int *keyp, int *is_funcp)
{
	int	 k;

	if (ui->feed_off >= ui->nfeed)
		return 0;
	k = ui->feed[ui->feed_off++];
	if (ui->feed_off == ui->nfeed) {
		free(ui->feed);
		ui->feed = NULL;
		ui->nfeed = ui->feed_off = 0;
	}
	*is_funcp = (k & UI_KEY_FUNC) != 0;
	*keyp = k & ~UI_KEY_FUNC;	/* UI_KEY_ACTION stays */
	return 1;
}

void
ui_pending_text(const struct ui *ui, char *buf, size_t size)
{
	struct sbuf	 b;

	sbuf_init(&b);
	ui_seq_format(&b, ui->pending, ui->npending);
	snprintf(buf, size, "%s", b.buf != NULL ? b.buf : "");
	sbuf_release(&b);
}

/* Is the pending sequence the start of a longer binding in ctx? */
static int
ui_keymap_prefix(struct ui *ui, int ctx)
{
	struct ui_keymap	*km = ui->keymap;
	size_t			 i, n = ui->npending;

	for (i = 0; i < km->n; i++) {
		if (km->v[i].ctx == ctx && km->v[i].nseq > n &&
		    memcmp(km->v[i].seq, ui->pending, n * sizeof (int)) == 0)
			return 1;
	}
	return 0;
}

static void
ui_kbind_run(struct ui *ui, const struct ui_kbind *b)
{
	struct error	 err = { 0 };

	if (b->action != NULL) {
		b->action->run(ui);
		return;
	}
	if (ui_feed_push(ui, b->macro, b->nmacro, &err) == -1)
		ui_set_message(ui, 1, "%s", err.msg);
}

/* <name> from a macro: the action of that name where the macro runs. */
static int
ui_run_named(struct ui *ui, int ctx, int index)
{
	const struct ui_binding	*d;
	const struct ui_action	*a;
	size_t			 n;

	ui->npending = 0;
	d = ui_default_bindings(&n);
	if ((size_t)index >= n)
		return 0;
	if ((a = ui_action_find(ctx, d[index].action->name)) == NULL) {
		ui_set_message(ui, 1, _("no action '%s' in the %s"),
		    d[index].action->name, ui_context_name(ctx));
		return 0;
	}
	a->run(ui);
	return 0;
}

/*
 * Runs the binding of the keys typed so far. A sequence that is the start
 * of a longer binding waits for the next key (shown in the status line);
 * when that key continues no binding, the shorter one runs (if bound) and
 * the key is handled again on its own.
 */
int
ui_key_dispatch(struct ui *ui, int key, int is_func)
{
	struct ui_kbind	*b, copy;
	int		 ctx = ui_context(ui, ui->view), k;
	size_t		 n;

	if (key & UI_KEY_ACTION)
		return ui_run_named(ui, ctx, key & ~UI_KEY_ACTION);
	k = key | (is_func ? UI_KEY_FUNC : 0);
	if (ui->npending == UI_SEQ_MAX)
		ui->npending = 0;
	ui->pending[ui->npending++] = k;
	ui->dirty = 1;
	if (ui_keymap_prefix(ui, ctx))
		return 0;
	n = ui->npending;
	ui->npending = 0;
	if ((b = ui_keymap_find(ui->keymap, ctx, ui->pending, n)) != NULL) {
		copy = *b;	/* the action may rebind it */
		ui_kbind_run(ui, &copy);
		return 0;
	}
	if (n > 1 && (b = ui_keymap_find(ui->keymap, ctx, ui->pending,
	    n - 1)) != NULL) {
		copy = *b;
		ui_kbind_run(ui, &copy);
		return ui_key_dispatch(ui, key, is_func);
	}
	if (k == 033 || (n > 1 && ui->pending[0] == 033))
		return 0;	/* Esc cancels */
	return -1;
}

/* The live bindings of ctx, then the actions that have no key there. */
static size_t
ui_help_walk(struct ui *ui, int ctx, int y0, int top, int height,
    int width)
{
	const struct ui_binding	*d;
	struct ui_keymap	*km = ui->keymap;
	struct sbuf		 keys, line;
	size_t			 i, j, nd, n = 0;
	int			 y = y0, bound;

	sbuf_init(&keys);
	sbuf_init(&line);
	for (i = 0; i < km->n; i++) {
		if (km->v[i].ctx != ctx)
			continue;
		if (n++ < ui->help_top || y >= height)
			continue;
		sbuf_reset(&keys);
		ui_seq_format(&keys, km->v[i].seq, km->v[i].nseq);
		sbuf_reset(&line);
		sbuf_addf(&line, "%-14s %-24s %s", keys.buf,
		    km->v[i].action != NULL ? km->v[i].action->name : "macro",
		    km->v[i].action != NULL ? _(km->v[i].action->help) :
		    km->v[i].text);
		if (width > 0)
			ui_draw_text(top + y++, 0, width, line.buf, line.len,
			    ui_style(ui, THEME_NORMAL));
	}
	d = ui_default_bindings(&nd);
	for (i = 0; i < nd; i++) {
		if ((d[i].contexts & ctx) == 0)
			continue;
		bound = 0;
		for (j = 0; j < km->n && !bound; j++)
			bound = km->v[j].ctx == ctx && km->v[j].action ==
			    d[i].action;
		for (j = 0; j < i && !bound; j++)
			bound = (d[j].contexts & ctx) && d[j].action ==
			    d[i].action;
		if (bound)
			continue;
		if (n++ < ui->help_top || y >= height)
			continue;
		sbuf_reset(&line);
		sbuf_addf(&line, "%-14s %-24s %s", _("(no key)"),
		    d[i].action->name, _(d[i].action->help));
		if (width > 0)
			ui_draw_text(top + y++, 0, width, line.buf, line.len,
			    ui_style(ui, THEME_NORMAL));
	}
	sbuf_release(&keys);
	sbuf_release(&line);
	return n;
}

size_t
ui_help_lines(struct ui *ui)
{
	size_t	 top = ui->help_top, n;

	ui->help_top = 0;
	n = ui_help_walk(ui, ui_context(ui, ui->help_from), 0, 0, 0, 0);
	ui->help_top = top;
	return n;
}

void
ui_draw_help(struct ui *ui, int top, int height, int width)
{
	int		 ctx = ui_context(ui, ui->help_from), y;
	char		*title;

	title = xasprintf(_("Key bindings: %s"), ui_context_name(ctx));
	ui_draw_text(top, 0, width, title, strlen(title),
	    ui_style(ui, THEME_HEADER));
	free(title);
	for (y = 1; y < height; y++)
		ui_draw_fill(top + y, 0, width, ui_style(ui, THEME_NORMAL));
	ui_help_walk(ui, ctx, 1, top, height, width);
}
