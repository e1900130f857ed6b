/* src/config/theme.h: colour themes, one colour per UI element. */
#ifndef POSTERN_CONFIG_THEME_H
#define POSTERN_CONFIG_THEME_H

#include <stddef.h>

#include "core/error.h"

#define THEME_MAX_SIZE	(64 * 1024)
#define THEME_DEFAULT	(-1)		/* the terminal's own colour */
#define THEME_RGB	0x1000000	/* flag: the value is 0xRRGGBB */

enum theme_element {
	THEME_NORMAL,
	THEME_STATUS,		/* the top and bottom bars */
	THEME_CURSOR,		/* the selected row */
	THEME_ERROR,
	THEME_INDEX_UNREAD,
	THEME_INDEX_FLAGGED,
	THEME_INDEX_DELETED,
	THEME_HEADER,		/* pager header block */
	THEME_QUOTE1,
	THEME_QUOTE2,
	THEME_QUOTE3,
	THEME_SIGNATURE,
	THEME_SIDEBAR,		/* the folder pane */
	THEME_SIDEBAR_UNREAD,
	THEME_MARKER,		/* "~" past the end, wrap marks */
	THEME_TREE,		/* thread tree lines in the index */
	THEME_COUNT
};

enum theme_attr {
	THEME_BOLD = (1 << 0),
	THEME_DIM = (1 << 1),
	THEME_UNDERLINE = (1 << 2),
	THEME_REVERSE = (1 << 3),
	THEME_ITALIC = (1 << 4),
};

/* A colour is THEME_DEFAULT, 0-255, or THEME_RGB | 0xRRGGBB. */
struct theme_style {
	int	 fg;
	int	 bg;
	int	 attrs;		/* enum theme_attr */
};

struct theme {
	struct theme_style	 style[THEME_COUNT];
};

/* Called for each bad line ("file:line: what"); the line is skipped. */
typedef void	(*theme_warn_cb)(const char *msg, void *arg);

/* The built-in theme, used before and under any theme file. */
void	 theme_init(struct theme *);
/*
 * Applies the lines of text (from a file called name) on top of t. Each
 * line is "ELEMENT FOREGROUND BACKGROUND [ATTRIBUTE...]"; colours are
 * default, black, red, green, yellow, blue, magenta, cyan, white,
 * brightCOLOUR, colorN (0-255) or #rrggbb; attributes bold, dim,
 * underline, reverse, italic. A line starting with '#' is a comment.
 * Returns the number of bad lines.
 */
int	 theme_parse(struct theme *, const char *name, const char *text,
	    size_t len, theme_warn_cb, void *arg);
/*
 * Loads theme name (a path when it holds a '/', else looked up in
 * $XDG_CONFIG_HOME/postern/themes, then the installed themes) on top of
 * the built-in one; -1 and err when no such theme can be read.
 */
int	 theme_load(struct theme *, const char *name, theme_warn_cb, void *arg,
	    struct error *);
/* Maps a colour to the nearest of ncolors (8, 16 or 256) palette entries. */
int	 theme_color_reduce(int color, int ncolors);
/* The element's config name, e.g. "index-unread". */
const char	*theme_element_name(enum theme_element);

#endif
