/* src/config/theme.c: colour themes, one colour per UI element. */
#include <config.h>	/* autoconf's, not this folder's */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/theme.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"

static const char *const theme_elements[THEME_COUNT] = {
	[THEME_NORMAL] = "normal",
	[THEME_STATUS] = "status",
	[THEME_CURSOR] = "cursor",
	[THEME_ERROR] = "error",
	[THEME_INDEX_UNREAD] = "index-unread",
	[THEME_INDEX_FLAGGED] = "index-flagged",
	[THEME_INDEX_DELETED] = "index-deleted",
	[THEME_HEADER] = "header",
	[THEME_QUOTE1] = "quote1",
	[THEME_QUOTE2] = "quote2",
	[THEME_QUOTE3] = "quote3",
	[THEME_SIGNATURE] = "signature",
	[THEME_SIDEBAR] = "sidebar",
	[THEME_SIDEBAR_UNREAD] = "sidebar-unread",
	[THEME_MARKER] = "marker",
	[THEME_TREE] = "tree",
};

static const char *const theme_colors[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char	*name;
	int		 attr;
} theme_attrs[] = {
	{ "bold", THEME_BOLD }, { "dim", THEME_DIM },
	{ "underline", THEME_UNDERLINE }, { "reverse", THEME_REVERSE },
	{ "italic", THEME_ITALIC },
};

const char *
theme_element_name(enum theme_element e)
{
	return (unsigned)e < THEME_COUNT ? theme_elements[e] : "?";
}

void
theme_init(struct theme *t)
{
	static const struct theme_style builtin[THEME_COUNT] = {
		[THEME_NORMAL] = { THEME_DEFAULT, THEME_DEFAULT, 0 },
		[THEME_STATUS] = { 0, 6, 0 },
		[THEME_CURSOR] = { 0, 6, 0 },
		[THEME_ERROR] = { 1, THEME_DEFAULT, THEME_BOLD },
		[THEME_INDEX_UNREAD] = { 3, THEME_DEFAULT, THEME_BOLD },
		[THEME_INDEX_FLAGGED] = { 1, THEME_DEFAULT, 0 },
		[THEME_INDEX_DELETED] = { THEME_DEFAULT, THEME_DEFAULT,
		    THEME_DIM },
		[THEME_HEADER] = { 2, THEME_DEFAULT, 0 },
		[THEME_QUOTE1] = { 6, THEME_DEFAULT, 0 },
		[THEME_QUOTE2] = { 3, THEME_DEFAULT, 0 },
		[THEME_QUOTE3] = { 5, THEME_DEFAULT, 0 },
		[THEME_SIGNATURE] = { THEME_DEFAULT, THEME_DEFAULT, THEME_DIM },
		[THEME_SIDEBAR] = { THEME_DEFAULT, THEME_DEFAULT, 0 },
		[THEME_SIDEBAR_UNREAD] = { THEME_DEFAULT, THEME_DEFAULT,
		    THEME_BOLD },
		[THEME_MARKER] = { 5, THEME_DEFAULT, 0 },
		[THEME_TREE] = { 5, THEME_DEFAULT, 0 },
	};

	memcpy(t->style, builtin, sizeof builtin);
}

static int
theme_parse_color(const char *s, int *colorp)
{
	unsigned long	 n;
	char		*end;
	size_t		 i;
	int		 bright = 0;

	if (strcmp(s, "default") == 0) {
		*colorp = THEME_DEFAULT;
		return 0;
	}
	if (s[0] == '#' && strlen(s) == 7 &&
	    strspn(s + 1, "0123456789abcdefABCDEF") == 6) {
		*colorp = THEME_RGB | (int)strtoul(s + 1, NULL, 16);
		return 0;
	}
	if (strncmp(s, "color", 5) == 0 && s[5] >= '0' && s[5] <= '9') {
		n = strtoul(s + 5, &end, 10);
		if (*end != '\0' || n > 255)
			return -1;
		*colorp = (int)n;
		return 0;
	}
	if (strncmp(s, "bright", 6) == 0) {
		bright = 8;
		s += 6;
	}
	for (i = 0; i < sizeof theme_colors / sizeof theme_colors[0]; i++) {
		if (strcmp(s, theme_colors[i]) == 0) {
			*colorp = (int)i + bright;
			return 0;
		}
	}
	return -1;
}

static int
theme_parse_attr(const char *s, int *attrsp)
{
	size_t	 i;

	for (i = 0; i < sizeof theme_attrs / sizeof theme_attrs[0]; i++) {
		if (strcmp(s, theme_attrs[i].name) == 0) {
			*attrsp |= theme_attrs[i].attr;
			return 0;
		}
	}
	return -1;
}

/* Parses one line's words into a style; NULL or what is wrong. */
static const char *
theme_parse_words(char **w, int n, enum theme_element *ep,
    struct theme_style *st)
{
	int	 i;

	for (i = 0; i < THEME_COUNT; i++) {
		if (strcmp(w[0], theme_elements[i]) == 0)
			break;
	}
	if (i == THEME_COUNT)
		return _("unknown element");
	*ep = (enum theme_element)i;
	if (n < 3)
		return _("expected ELEMENT FOREGROUND BACKGROUND [ATTRIBUTE...]");
	if (theme_parse_color(w[1], &st->fg) == -1)
		return _("bad foreground colour");
	if (theme_parse_color(w[2], &st->bg) == -1)
		return _("bad background colour");
	st->attrs = 0;
	for (i = 3; i < n; i++) {
		if (theme_parse_attr(w[i], &st->attrs) == -1)
			return _("unknown attribute");
	}
	return NULL;
}

#define THEME_MAX_WORDS	12

int
theme_parse(struct theme *t, const char *name, const char *text, size_t len,
    theme_warn_cb warn, void *arg)
{
	struct theme_style	 st;
	enum theme_element	 e = THEME_NORMAL;
	const char		*why;
	char			*copy, *line, *next, *w[THEME_MAX_WORDS], *msg;
	int			 lineno = 0, bad = 0, n;

	copy = xstrndup(text, len);
	for (line = copy; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		/* A comment is a line whose first word starts with '#'. */
		if (line[strspn(line, " \t")] == '#')
			continue;
		n = 0;
		for (w[n] = strtok(line, " \t\r"); w[n] != NULL &&
		    n < THEME_MAX_WORDS - 1; w[n] = strtok(NULL, " \t\r"))
			n++;
		if (n == 0)
			continue;
		if ((why = theme_parse_words(w, n, &e, &st)) == NULL) {
			t->style[e] = st;
			continue;
		}
		bad++;
		if (warn != NULL) {
			msg = xasprintf("%s:%d: %s '%s'", name, lineno, why,
			    w[0]);
			warn(msg, arg);
			free(msg);
		}
	}
	free(copy);
	return bad;
}

int
theme_load(struct theme *t, const char *name, theme_warn_cb warn, void *arg,
    struct error *err)
{
	struct sbuf	 text;
	char		*paths[2], *dir;
	int		 i, ret = -1;

	theme_init(t);
	if (strchr(name, '/') != NULL) {
		paths[0] = xstrdup(name);
		paths[1] = NULL;
	} else {
		dir = fs_xdg_path("XDG_CONFIG_HOME", ".config",
		    "postern/themes");
		paths[0] = xasprintf("%s/%s", dir, name);
		paths[1] = xasprintf("%s/themes/%s", fs_datadir(), name);
		free(dir);
	}
	sbuf_init(&text);
	for (i = 0; i < 2 && paths[i] != NULL && ret == -1; i++) {
		if (access(paths[i], R_OK) == -1)
			continue;
		sbuf_reset(&text);
		if (fs_read_file(paths[i], THEME_MAX_SIZE, &text, err) == -1)
			break;
		theme_parse(t, paths[i], text.buf, text.len, warn, arg);
		ret = 0;
	}
	if (ret == -1 && (err == NULL || err->kind == ERROR_NONE))
		error_set(err, ERROR_INPUT, _("no theme called '%s'"), name);
	for (i = 0; i < 2; i++)
		free(paths[i]);
	sbuf_release(&text);
	return ret;
}

/* The RGB value of palette entry i of the xterm 256-colour palette. */
static void
theme_palette_rgb(int i, int *r, int *g, int *b)
{
	static const int	 base[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 },
		{ 229, 229, 229 }, { 127, 127, 127 }, { 255, 0, 0 },
		{ 0, 255, 0 }, { 255, 255, 0 }, { 92, 92, 255 },
		{ 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int	 level[6] = { 0, 95, 135, 175, 215, 255 };

	if (i < 16) {
		*r = base[i][0]; *g = base[i][1]; *b = base[i][2];
	} else if (i < 232) {
		i -= 16;
		*r = level[i / 36]; *g = level[(i / 6) % 6]; *b = level[i % 6];
	} else
		*r = *g = *b = 8 + (i - 232) * 10;
}

int
theme_color_reduce(int color, int ncolors)
{
	int	 r, g, b, pr, pg, pb, best = 0, i, d, bestd = -1;

	if (color == THEME_DEFAULT)
		return color;
	if (color & THEME_RGB) {
		r = (color >> 16) & 0xff;
		g = (color >> 8) & 0xff;
		b = color & 0xff;
	} else if (color < ncolors)
		return color;
	else
		theme_palette_rgb(color, &r, &g, &b);
	if (ncolors > 256)
		ncolors = 256;
	for (i = 0; i < ncolors; i++) {
		theme_palette_rgb(i, &pr, &pg, &pb);
		d = (r - pr) * (r - pr) + (g - pg) * (g - pg) +
		    (b - pb) * (b - pb);
		if (bestd == -1 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}
