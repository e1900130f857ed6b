/* src/ui/command.c: the command language of the config and the : line. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "ui/internal.h"

#define UI_CMD_MAX_ARGS	8

enum ui_option_type {
	UI_OPT_BOOL,
	UI_OPT_COUNT,
	UI_OPT_SORT,
};

/* The options :set changes; the config's [ui] keys of the same names. */
static const struct ui_option {
	const char		*name;
	enum ui_option_type	 type;
	size_t			 offset;	/* an int in struct ui */
	int			 max;
} ui_options[] = {
	{ "sort", UI_OPT_SORT, 0, 0 },
	{ "sidebar", UI_OPT_BOOL, offsetof(struct ui, sidebar), 1 },
	{ "sidebar-width", UI_OPT_COUNT, offsetof(struct ui, sidebar_width),
	    CONFIG_MAX_SIDEBAR_WIDTH },
	{ "pager-split", UI_OPT_COUNT, offsetof(struct ui, pager_split),
	    CONFIG_MAX_PAGER_SPLIT },
	{ "mouse", UI_OPT_BOOL, offsetof(struct ui, mouse), 1 },
};
#define UI_NOPTIONS	(sizeof ui_options / sizeof ui_options[0])

struct ui_cmd {
	const char	*name;
	int		 min, max;	/* arguments after the name */
	int		 (*run)(struct ui *, int, char **, struct error *);
};

/*
 * Splits line into words: "..." (where \" is a quote) and '...' group, a
 * word starting with # ends the line. Other backslashes stay for the key
 * parser (\e, \n). Returns the number of words, -1 on an open quote.
 */
static int
ui_cmd_split(char *s, char **argv, int max, struct error *err)
{
	char	*out, q;
	int	 argc = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			break;
		if (argc == max)
			return error_set(err, ERROR_INPUT, "%s",
			    _("too many words"));
		argv[argc++] = out = s;
		while (*s != '\0' && *s != ' ' && *s != '\t') {
			if (*s != '"' && *s != '\'') {
				*out++ = *s++;
				continue;
			}
			q = *s++;
			while (*s != q) {
				if (*s == '\0')
					return error_set(err, ERROR_INPUT,
					    "%s", _("unterminated quote"));
				if (q == '"' && *s == '\\' && s[1] == '"')
					s++;
				*out++ = *s++;
			}
			s++;
		}
		if (*s != '\0')
			s++;
		*out = '\0';
	}
	return argc;
}

static int
ui_cmd_bind(struct ui *ui, int argc, char **argv, struct error *err)
{
	int	 mask;

	(void)argc;
	if (ui_context_parse(argv[1], &mask, err) == -1)
		return -1;
	return ui_keymap_bind(ui, mask, argv[2], argv[3], err);
}

static int
ui_cmd_unbind(struct ui *ui, int argc, char **argv, struct error *err)
{
	int	 mask;

	(void)argc;
	if (ui_context_parse(argv[1], &mask, err) == -1)
		return -1;
	return ui_keymap_unbind(ui, mask, argv[2], err);
}

static int
ui_cmd_macro(struct ui *ui, int argc, char **argv, struct error *err)
{
	int	 mask;

	if (ui_context_parse(argv[1], &mask, err) == -1)
		return -1;
	return ui_keymap_macro(ui, mask, argv[2], argv[3],
	    argc > 4 ? argv[4] : NULL, err);
}

static int
ui_cmd_push(struct ui *ui, int argc, char **argv, struct error *err)
{
	(void)argc;
	return ui_feed_keys(ui, argv[1], err);
}

static int
ui_cmd_exec(struct ui *ui, int argc, char **argv, struct error *err)
{
	const struct ui_action	*a;
	int			 i, ctx;

	for (i = 1; i < argc; i++) {
		ctx = ui_context(ui, ui->view);
		if ((a = ui_action_find(ctx, argv[i])) == NULL)
			return error_set(err, ERROR_INPUT, _("no action '%s' "
			    "here (? lists them)"), argv[i]);
		a->run(ui);
	}
	return 0;
}

static const struct ui_option *
ui_option_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < UI_NOPTIONS; i++) {
		if (strcmp(ui_options[i].name, name) == 0)
			return &ui_options[i];
	}
	return NULL;
}

static void
ui_option_show(struct ui *ui, const struct ui_option *o)
{
	int	 v;

	if (o->type == UI_OPT_SORT) {
		ui_set_message(ui, 0, "sort=%s%s", ui->sort_reverse ?
		    "reverse-" : "", config_sort_name(ui->sort));
		return;
	}
	v = *(int *)((char *)ui + o->offset);
	if (o->type == UI_OPT_BOOL)
		ui_set_message(ui, 0, "%s=%s", o->name, v ? "yes" : "no");
	else
		ui_set_message(ui, 0, "%s=%d", o->name, v);
}

/* Sets o from value; NULL value: a boolean is switched on. */
static int
ui_option_set(struct ui *ui, const struct ui_option *o, const char *value,
    struct error *err)
{
	int		*slot = (int *)((char *)ui + o->offset);
	unsigned long	 n;
	char		*end;

	switch (o->type) {
	case UI_OPT_SORT:
		if (value == NULL || config_parse_sort(value, &ui->sort,
		    &ui->sort_reverse, err) == -1)
			return value == NULL ? error_set(err, ERROR_INPUT,
			    "%s", _("sort needs a value")) : -1;
		ui_index_rebuild(ui);
		break;
	case UI_OPT_BOOL:
		if (value == NULL || strcmp(value, "yes") == 0 ||
		    strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
			*slot = 1;
		else if (strcmp(value, "no") == 0 || strcmp(value, "off") ==
		    0 || strcmp(value, "0") == 0)
			*slot = 0;
		else
			return error_set(err, ERROR_INPUT, _("bad value '%s' "
			    "for '%s' (yes or no)"), value, o->name);
		break;
	case UI_OPT_COUNT:
		errno = 0;
		n = value != NULL ? strtoul(value, &end, 10) : 0;
		if (value == NULL || !isdigit((unsigned char)*value) ||
		    *end != '\0' || errno != 0 || n > (unsigned long)o->max)
			return error_set(err, ERROR_INPUT, _("bad value '%s' "
			    "for '%s' (0 to %d)"), value != NULL ? value : "",
			    o->name, o->max);
		*slot = (int)n;
		break;
	}
	if (o->offset == offsetof(struct ui, mouse))
		ui_mouse_apply(ui);
	ui->pager_width = 0;	/* lay out again */
	ui->dirty = 1;
	return 0;
}

/* set NAME=VALUE, set NAME VALUE, set NAME, set noNAME, set invNAME, set NAME? */
static int
ui_cmd_set(struct ui *ui, int argc, char **argv, struct error *err)
{
	const struct ui_option	*o;
	char			*name = argv[1], *value = NULL, *eq;
	size_t			 len;
	int			 neg = 0, inv = 0;

	if ((eq = strchr(name, '=')) != NULL) {
		*eq = '\0';
		value = eq + 1;
	} else if (argc > 2)
		value = argv[2];
	len = strlen(name);
	if (value == NULL && len > 1 && name[len - 1] == '?') {
		name[len - 1] = '\0';
		if ((o = ui_option_find(name)) == NULL)
			goto unknown;
		ui_option_show(ui, o);
		return 0;
	}
	if ((o = ui_option_find(name)) == NULL && value == NULL) {
		if (strncmp(name, "no", 2) == 0)
			neg = 1;
		else if (strncmp(name, "inv", 3) == 0)
			inv = 1;
		name += neg ? 2 : inv ? 3 : 0;
		o = ui_option_find(name);
		if (o != NULL && o->type != UI_OPT_BOOL)
			return error_set(err, ERROR_INPUT, _("'%s' is not a "
			    "yes or no option"), name);
	}
	if (o == NULL)
		goto unknown;
	if (neg || inv)
		value = neg || *(int *)((char *)ui + o->offset) ? "no" : "yes";
	return ui_option_set(ui, o, value, err);
unknown:
	return error_set(err, ERROR_INPUT, _("unknown option '%s' (sort, "
	    "sidebar, sidebar-width, pager-split, mouse)"), name);
}

static const struct ui_cmd ui_cmds[] = {
	{ "bind", 3, 3, ui_cmd_bind },
	{ "unbind", 2, 2, ui_cmd_unbind },
	{ "macro", 3, 4, ui_cmd_macro },
	{ "set", 1, 2, ui_cmd_set },
	{ "push", 1, 1, ui_cmd_push },
	{ "exec", 1, UI_CMD_MAX_ARGS - 1, ui_cmd_exec },
};

int
ui_command_run(struct ui *ui, const char *line, struct error *err)
{
	char	*copy, *argv[UI_CMD_MAX_ARGS];
	size_t	 i;
	int	 argc, rc = -1;

	copy = xstrdup(line);
	if ((argc = ui_cmd_split(copy, argv, UI_CMD_MAX_ARGS, err)) <= 0) {
		rc = argc;	/* an empty line does nothing */
		goto out;
	}
	for (i = 0; i < sizeof ui_cmds / sizeof ui_cmds[0]; i++) {
		if (strcmp(argv[0], ui_cmds[i].name) != 0)
			continue;
		if (argc - 1 < ui_cmds[i].min || argc - 1 > ui_cmds[i].max) {
			error_set(err, ERROR_INPUT, _("wrong number of "
			    "arguments for '%s'"), argv[0]);
			goto out;
		}
		rc = ui_cmds[i].run(ui, argc, argv, err);
		goto out;
	}
	error_set(err, ERROR_INPUT, _("unknown command '%s' (bind, unbind, "
	    "macro, set, push, exec)"), argv[0]);
out:
	free(copy);
	return rc;
}

void
ui_commands_from_config(struct ui *ui)
{
	const struct config	*c = ui->config;
	struct error		 err = { 0 };
	size_t			 i, bad = 0;
	char			*first = NULL;

	for (i = 0; i < c->ncommands; i++) {
		error_clear(&err);
		if (ui_command_run(ui, c->commands[i].text, &err) == 0)
			continue;
		log_warn("%s:%d: %s", c->path, c->commands[i].line, err.msg);
		if (bad++ == 0)
			first = xasprintf("%s:%d: %s", c->path,
			    c->commands[i].line, err.msg);
	}
	if (bad == 1)
		ui_set_message(ui, 1, "%s", first);
	else if (bad > 1)
		ui_set_message(ui, 1, _("%s (and %zu more bad lines)"), first,
		    bad - 1);
	free(first);
}

static void
ui_command_done(struct ui *ui, const char *text)
{
	struct error	 err = { 0 };

	if (ui_command_run(ui, text, &err) == -1)
		ui_set_message(ui, 1, "%s", err.msg);
}

void
ui_command_prompt(struct ui *ui)
{
	ui_prompt_start(ui, ":", ui_command_done);
}
