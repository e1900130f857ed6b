/* src/ui/attach.c: the parts of a message: listed, saved, viewed, piped. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/mime.h"
#include "ui/internal.h"

#define UI_TMP_NAME_MAX		64	/* bytes of a temporary file's name */
#define UI_ATTACH_NAME_COL	34	/* where the parts list shows names */
#define UI_ATTACH_NAME_WIDTH	32
#define UI_SECTION_MAX		64	/* "1.2.3" of a part left out */

/*
 * A part left out of a message read in part (ui->pager_partial), being
 * fetched for an action: what to do with it once it is here.
 */
enum ui_part_action {
	UI_PART_SAVE,		/* arg: the path */
	UI_PART_SAVE_ALL,	/* arg: the folder */
	UI_PART_VIEW,
	UI_PART_PIPE,		/* arg: the command */
};

struct ui_part_wait {
	enum ui_part_action	 action;
	uint64_t		 serial;
	uint32_t		 uid;
	size_t			 part;
	char			 section[UI_SECTION_MAX];
	char			*arg;
	int			 overwrite;
};

static void	ui_attach_save_all_done(struct ui *, const char *);
static void	ui_attach_write_report(struct ui *, size_t, const char *,
		    int);
static void	ui_attach_pipe_done(struct ui *, const char *);

static void
ui_part_wait_free(struct ui_part_wait *pw)
{
	if (pw == NULL)
		return;
	free(pw->arg);
	free(pw);
}

void
ui_attach_clear(struct ui *ui)
{
	mime_part_list_release(&ui->parts);
	ui->part_cur = ui->part_top = 0;
	free(ui->save_path);
	ui->save_path = NULL;
	ui_part_wait_free(ui->part_wait);
	ui->part_wait = NULL;
}

/*
 * Whether part i was left out of the message (read in part): its
 * section ("2.1") and its size on the server in octets, still encoded.
 * The marker counts only in a message the worker built so.
 */
static int
ui_attach_omitted(struct ui *ui, size_t i, char section[UI_SECTION_MAX],
    size_t *sizep)
{
	const struct mime_part	*p;
	const char		*s, *end;
	size_t			 mlen = strlen(MODEL_OMITTED), n = 0;

	if (!ui->pager_partial || i >= ui->parts.n)
		return 0;
	p = &ui->parts.v[i];
	if (p->multipart || p->body_off > ui->pager_raw_len ||
	    p->body_len < mlen || p->body_len > ui->pager_raw_len -
	    p->body_off)
		return 0;
	s = ui->pager_raw + p->body_off;
	end = s + p->body_len;
	if (memcmp(s, MODEL_OMITTED, mlen) != 0)
		return 0;
	for (s += mlen; s < end && n + 1 < UI_SECTION_MAX &&
	    ((*s >= '0' && *s <= '9') || *s == '.'); s++)
		section[n++] = *s;
	section[n] = '\0';
	if (n == 0 || s == end || *s != ' ')
		return 0;
	for (*sizep = 0, s++; s < end && *s >= '0' && *s <= '9' &&
	    *sizep < SIZE_MAX / 10 - 10; s++)
		*sizep = *sizep * 10 + (size_t)(*s - '0');
	return 1;
}

/* The decoded size of a part left out, from its size on the server. */
static size_t
ui_attach_omitted_size(const struct mime_part *p, size_t size)
{
	/* Lines of 76 base64 characters and CRLF carry 57 bytes. */
	if (p->enc == MIME_ENC_BASE64)
		return size / 78 * 57 + size % 78 * 3 / 4;
	return size;
}

/*
 * Asks the worker for part i, left out of the message, for action (arg
 * copied); 1 if it was asked for, 0 if the part is here already.
 */
static int
ui_attach_fetch(struct ui *ui, size_t i, enum ui_part_action action,
    const char *arg, int overwrite)
{
	struct ui_part_wait	*pw;
	char			 section[UI_SECTION_MAX];
	size_t			 size;

	if (!ui_attach_omitted(ui, i, section, &size))
		return 0;
	ui_part_wait_free(ui->part_wait);
	pw = xcalloc(1, sizeof *pw);
	pw->action = action;
	pw->serial = ++ui->serial;
	pw->uid = ui->pager_uid;
	pw->part = i;
	memcpy(pw->section, section, sizeof section);
	pw->arg = arg != NULL ? xstrdup(arg) : NULL;
	pw->overwrite = overwrite;
	ui->part_wait = pw;
	worker_fetch_part(ui->worker, pw->uid, section, pw->serial);
	ui_set_message(ui, 0, _("Fetching the part from the server (%zu "
	    "bytes)..."), size);
	return 1;
}

/*
 * Puts the fetched body of part i (data, still encoded) where its
 * marker was, and lists the parts again.
 */
static int
ui_attach_splice(struct ui *ui, size_t i, const char *data, size_t len)
{
	const struct mime_part	*p = &ui->parts.v[i];
	struct mime_part_list	 l;
	struct error		 err = { 0 };
	struct sbuf		 b;
	const char		*line, *nl;
	size_t			 cut, cur = ui->part_cur, top = ui->part_top;

	line = ui->pager_raw + p->body_off;
	nl = memchr(line, '\n', p->body_len);
	cut = nl != NULL ? (size_t)(nl - line) + 1 : p->body_len;
	sbuf_init(&b);
	sbuf_add(&b, ui->pager_raw, p->body_off);
	sbuf_add(&b, data, len);
	sbuf_add(&b, line + cut, ui->pager_raw_len - p->body_off - cut);
	if (mime_parts(b.buf, b.len, &l, &err) == -1 || l.n <= i) {
		mime_part_list_release(&l);
		sbuf_release(&b);
		ui_set_message(ui, 1, "%s", err.msg[0] != '\0' ? err.msg :
		    _("The part does not fit the message."));
		return -1;
	}
	free(ui->pager_raw);
	ui->pager_raw = sbuf_detach(&b, &ui->pager_raw_len);
	mime_part_list_release(&ui->parts);
	ui->parts = l;
	ui->part_cur = cur;
	ui->part_top = top;
	ui_pager_rerender(ui);
	return 0;
}

int
ui_attach_event(struct ui *ui, struct event *ev)
{
	struct ui_part_wait	*pw = ui->part_wait;
	char			 section[UI_SECTION_MAX];
	size_t			 size;

	if (pw == NULL || ev->serial != pw->serial ||
	    (ev->kind != EVENT_PART && ev->kind != EVENT_ERROR))
		return 0;
	ui->part_wait = NULL;
	ui->dirty = 1;
	if (ev->kind == EVENT_ERROR)
		ui_set_message(ui, 1, "%s", ev->err.msg);
	else if (pw->uid != ui->pager_uid || ui->pager_raw == NULL ||
	    !ui_attach_omitted(ui, pw->part, section, &size) ||
	    strcmp(section, pw->section) != 0 || ev->text == NULL ||
	    strcmp(ev->text, pw->section) != 0)
		log_debug("part %s of message %u: no longer waited for",
		    pw->section, (unsigned)pw->uid);
	else if (ui_attach_splice(ui, pw->part, ev->body != NULL ? ev->body :
	    "", ev->body_len) == 0) {
		switch (pw->action) {
		case UI_PART_SAVE:
			ui_attach_write_report(ui, pw->part, pw->arg,
			    pw->overwrite);
			break;
		case UI_PART_SAVE_ALL:
			ui_attach_save_all_done(ui, pw->arg);
			break;
		case UI_PART_VIEW:
			if (ui->view == VIEW_ATTACH && ui->part_cur == pw->part)
				ui_attach_view(ui);
			break;
		case UI_PART_PIPE:
			ui->save_part = pw->part;
			ui_attach_pipe_done(ui, pw->arg);
			break;
		}
	}
	ui_part_wait_free(pw);
	return 1;
}

void
ui_attach_open(struct ui *ui)
{
	struct error	 err = { 0 };
	size_t		 i;

	if (ui->pager_raw == NULL) {
		ui_set_message(ui, 0, "%s", _("No message is open."));
		return;
	}
	ui_attach_clear(ui);
	if (mime_parts(ui->pager_raw, ui->pager_raw_len, &ui->parts,
	    &err) == -1 || ui->parts.n == 0) {
		ui_set_message(ui, 1, "%s", err.msg[0] != '\0' ? err.msg :
		    _("The message has no parts."));
		mime_part_list_release(&ui->parts);
		return;
	}
	/* Start on the first file, else on the first part with a body. */
	for (i = 0; i < ui->parts.n; i++) {
		if (ui->parts.v[i].attachment || ui->parts.v[i].name != NULL)
			break;
	}
	if (i == ui->parts.n) {
		for (i = 0; i < ui->parts.n && ui->parts.v[i].multipart; i++)
			continue;
		if (i == ui->parts.n)
			i = 0;
	}
	ui->part_cur = i;
	ui->view = VIEW_ATTACH;
	ui->dirty = 1;
}

static void
ui_attach_size(size_t n, char *buf, size_t size)
{
	if (n < 1024)
		snprintf(buf, size, "%zu", n);
	else if (n < 1024 * 1024)
		snprintf(buf, size, "%.1fK", n / 1024.0);
	else
		snprintf(buf, size, "%.1fM", n / (1024.0 * 1024.0));
}

void
ui_draw_attach(struct ui *ui, int top, int height, int width)
{
	struct mime_part	*p;
	struct sbuf		 b;
	struct ui_style		 st;
	const char		*title, *name;
	char			 size[32], section[UI_SECTION_MAX];
	size_t			 i, osize;
	int			 x, y;

	title = _("Parts of the message (s: save, S: save all, Enter: view, "
	    "|: pipe, q: back)");
	ui_draw_text(top, 0, width, title, strlen(title),
	    ui_style(ui, THEME_HEADER));
	height--;
	top++;
	if (height < 1)
		return;
	if (ui->part_cur < ui->part_top)
		ui->part_top = ui->part_cur;
	if (ui->part_cur >= ui->part_top + (size_t)height)
		ui->part_top = ui->part_cur - (size_t)height + 1;
	sbuf_init(&b);
	for (y = 0; y < height; y++) {
		i = ui->part_top + (size_t)y;
		if (i >= ui->parts.n) {
			ui_draw_fill(top + y, 0, width,
			    ui_style(ui, THEME_NORMAL));
			continue;
		}
		p = &ui->parts.v[i];
		st = ui_style(ui, i == ui->part_cur ? THEME_CURSOR :
		    THEME_NORMAL);
		ui_draw_fill(top + y, 0, width, st);
		sbuf_reset(&b);
		sbuf_addf(&b, "%3zu %*s", i + 1, p->depth * 2, "");
		if (p->multipart)
			sbuf_addf(&b, "<%s>", p->type);
		else
			sbuf_addstr(&b, p->type);
		/* Columns: number and type, name, size, encoding. */
		x = ui_draw_text(top + y, 0, width, b.buf, b.len, st);
		if (p->multipart)
			continue;
		x = x + 1 > UI_ATTACH_NAME_COL ? x + 1 : UI_ATTACH_NAME_COL;
		name = p->name != NULL ? p->name : "-";
		if (x < width)
			x += ui_draw_text(top + y, x, width - x <
			    UI_ATTACH_NAME_WIDTH ? width - x :
			    UI_ATTACH_NAME_WIDTH, name, strlen(name), st);
		x = x + 1 > UI_ATTACH_NAME_COL + UI_ATTACH_NAME_WIDTH + 1 ?
		    x + 1 : UI_ATTACH_NAME_COL + UI_ATTACH_NAME_WIDTH + 1;
		sbuf_reset(&b);
		if (ui_attach_omitted(ui, i, section, &osize)) {
			ui_attach_size(ui_attach_omitted_size(p, osize), size,
			    sizeof size);
			sbuf_addf(&b, "%7s %s %s", size, p->encoding,
			    _("(on the server)"));
		} else {
			ui_attach_size(p->size, size, sizeof size);
			sbuf_addf(&b, "%7s %s", size, p->encoding);
		}
		if (x < width)
			ui_draw_text(top + y, x, width - x, b.buf, b.len, st);
	}
	sbuf_release(&b);
}

void
ui_attach_move(struct ui *ui, long delta)
{
	size_t	 n = ui->parts.n;

	if (n == 0)
		return;
	if (delta < 0 && (size_t)-delta > ui->part_cur)
		ui->part_cur = 0;
	else if (delta > 0 && ui->part_cur + (size_t)delta >= n)
		ui->part_cur = n - 1;
	else
		ui->part_cur += delta;
	ui->dirty = 1;
}

/* The part under the cursor, or NULL (and a message) for a container. */
static struct mime_part *
ui_attach_current(struct ui *ui)
{
	struct mime_part	*p;

	if (ui->part_cur >= ui->parts.n)
		return NULL;
	p = &ui->parts.v[ui->part_cur];
	if (p->multipart) {
		ui_set_message(ui, 0, "%s", _("This is a container of parts: "
		    "choose one of its parts."));
		return NULL;
	}
	return p;
}

/* The name to save part i as: its sanitized name, else "part-N". */
static char *
ui_attach_file_name(struct ui *ui, size_t i)
{
	char	*safe;

	if (ui->parts.v[i].name != NULL &&
	    (safe = mime_safe_filename(ui->parts.v[i].name)) != NULL)
		return safe;
	return xasprintf("part-%zu", i + 1);
}

/* "~/x" with $HOME; a new string. */
static char *
ui_expand_home(const char *s)
{
	const char	*home = getenv("HOME");

	while (*s == ' ')
		s++;
	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0') && home != NULL)
		return xasprintf("%s%s", home, s + 1);
	return xstrdup(s);
}

/*
 * Writes part i to path: a new file, or (overwrite) over an existing
 * one. Symbolic links are never followed.
 */
static int
ui_attach_write(struct ui *ui, size_t i, const char *path, int overwrite,
    struct error *err)
{
	struct sbuf	 data;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, flags;

	flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    (overwrite ? O_TRUNC : O_EXCL);
	if ((fd = open(path, flags, 0666)) == -1)
		return error_set_errno(err, ERROR_SYS, "%s", path);
	sbuf_init(&data);
	mime_part_decode(ui->pager_raw, ui->pager_raw_len, &ui->parts.v[i],
	    &data);
	while (off < data.len) {
		if ((n = write(fd, data.buf + off, data.len - off)) == -1) {
			if (errno == EINTR)
				continue;
			error_set_errno(err, ERROR_SYS, "%s", path);
			close(fd);
			sbuf_release(&data);
			return -1;
		}
		off += (size_t)n;
	}
	sbuf_release(&data);
	if (close(fd) == -1)
		return error_set_errno(err, ERROR_SYS, "%s", path);
	return 0;
}

static void
ui_attach_write_report(struct ui *ui, size_t i, const char *path,
    int overwrite)
{
	struct error	 err = { 0 };

	if (ui_attach_fetch(ui, i, UI_PART_SAVE, path, overwrite))
		return;		/* written once it is here */
	if (ui_attach_write(ui, i, path, overwrite, &err) == -1)
		ui_set_message(ui, 1, "%s", err.msg);
	else
		ui_set_message(ui, 0, _("Saved %s (%zu bytes)."), path,
		    ui->parts.v[i].size);
}

static void
ui_attach_overwrite_done(struct ui *ui, const char *answer)
{
	char	*path = ui->save_path;

	ui->save_path = NULL;
	if (path == NULL || ui->save_part >= ui->parts.n)
		return;
	if (strcmp(answer, "y") == 0)
		ui_attach_write_report(ui, ui->save_part, path, 1);
	else
		ui_set_message(ui, 0, _("Not saved: %s exists."), path);
	free(path);
}

static void
ui_attach_save_done(struct ui *ui, const char *text)
{
	struct stat	 sb;
	char		*path, *name, *full;

	if (*text == '\0' || ui->save_part >= ui->parts.n)
		return;
	path = ui_expand_home(text);
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		name = ui_attach_file_name(ui, ui->save_part);
		full = xasprintf("%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", name);
		free(name);
		free(path);
		path = full;
	}
	if (lstat(path, &sb) == 0) {
		free(ui->save_path);
		ui->save_path = path;
		ui_prompt_start(ui, _("The file exists. Overwrite it? (y/n) "),
		    ui_attach_overwrite_done);
		ui->prompt_yesno = 1;
		return;
	}
	ui_attach_write_report(ui, ui->save_part, path, 0);
	free(path);
}

void
ui_attach_save(struct ui *ui)
{
	char	*name;

	if (ui_attach_current(ui) == NULL)
		return;
	ui->save_part = ui->part_cur;
	name = ui_attach_file_name(ui, ui->part_cur);
	ui_prompt_start(ui, _("Save to (a folder or a file; Tab completes): "),
	    ui_attach_save_done);
	ui->prompt_paths = 1;
	sbuf_addstr(&ui->prompt_text, name);
	free(name);
}

static void
ui_attach_save_all_done(struct ui *ui, const char *text)
{
	struct error	 err = { 0 };
	struct stat	 sb;
	char		*dir, *name, *path;
	size_t		 i, saved = 0, skipped = 0, failed = 0;

	if (*text == '\0')
		return;
	dir = ui_expand_home(text);
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		ui_set_message(ui, 1, _("%s is not a folder."), dir);
		free(dir);
		return;
	}
	/* Parts left out come first, one at a time; then all is saved. */
	for (i = 0; i < ui->parts.n; i++) {
		if (ui->parts.v[i].multipart || (!ui->parts.v[i].attachment &&
		    ui->parts.v[i].name == NULL))
			continue;
		if (ui_attach_fetch(ui, i, UI_PART_SAVE_ALL, dir, 0)) {
			free(dir);
			return;
		}
	}
	for (i = 0; i < ui->parts.n; i++) {
		if (ui->parts.v[i].multipart || (!ui->parts.v[i].attachment &&
		    ui->parts.v[i].name == NULL))
			continue;
		name = ui_attach_file_name(ui, i);
		path = xasprintf("%s%s%s", dir,
		    dir[strlen(dir) - 1] == '/' ? "" : "/", name);
		free(name);
		if (lstat(path, &sb) == 0)
			skipped++;
		else if (ui_attach_write(ui, i, path, 0, &err) == -1) {
			failed++;
			log_warn("%s", err.msg);
		} else
			saved++;
		free(path);
	}
	if (failed > 0)
		ui_set_message(ui, 1, P_("Saved %zu file to %s; %zu failed: "
		    "%s", "Saved %zu files to %s; %zu failed: %s", saved),
		    saved, dir, failed, err.msg);
	else if (skipped > 0)
		ui_set_message(ui, 0, P_("Saved %zu file to %s; %zu skipped "
		    "(a file of that name exists).", "Saved %zu files to %s; "
		    "%zu skipped (a file of that name exists).", saved),
		    saved, dir, skipped);
	else
		ui_set_message(ui, 0, P_("Saved %zu file to %s.",
		    "Saved %zu files to %s.", saved), saved, dir);
	free(dir);
}

void
ui_attach_save_all(struct ui *ui)
{
	ui_prompt_start(ui, _("Save all files to the folder (Tab completes): "),
	    ui_attach_save_all_done);
	ui->prompt_paths = 1;
}

/* A temporary file name for a command: only [A-Za-z0-9._-]. */
static char *
ui_attach_tmp_name(const struct mime_mailcap *e, const char *safe)
{
	struct sbuf	 b;
	const char	*s;

	sbuf_init(&b);
	if (e != NULL && e->nametemplate != NULL &&
	    (s = strstr(e->nametemplate, "%s")) != NULL) {
		sbuf_add(&b, e->nametemplate, (size_t)(s - e->nametemplate));
		sbuf_addstr(&b, "part");
		sbuf_addstr(&b, s + 2);
	} else
		sbuf_addstr(&b, safe);
	for (s = b.buf; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		    *s == '-'))
			b.buf[s - b.buf] = '_';
	}
	while (b.len > 0 && (b.buf[0] == '.' || b.buf[0] == '-'))
		b.buf[0] = '_';
	if (b.len == 0 || b.len > UI_TMP_NAME_MAX) {
		sbuf_reset(&b);
		sbuf_addstr(&b, "part");
	}
	return sbuf_detach(&b, NULL);
}

/* Shows text (a command's output) in the pager; back goes to from. */
static void
ui_attach_show_output(struct ui *ui, const struct sbuf *text,
    enum ui_view from)
{
	sbuf_reset(&ui->pager_output);
	mime_charset_to_utf8(NULL, text->buf != NULL ? text->buf : "",
	    text->len, &ui->pager_output);
	ui->pager_mode = PAGER_OUTPUT;
	ui->pager_from = from;
	ui->pager_top = 0;
	ui_pager_rerender(ui);
	ui->view = VIEW_PAGER;
	ui->dirty = 1;
}

void
ui_attach_view(struct ui *ui)
{
	struct mime_mailcap	 e;
	struct mime_part	*p;
	struct error		 err = { 0 };
	struct sbuf		 data, out;
	const char		*argv[4];
	char			*mc, *safe, *tmpname, *file = NULL, *cmd;
	int			 use_stdin, st;

	if ((p = ui_attach_current(ui)) == NULL ||
	    ui_attach_fetch(ui, ui->part_cur, UI_PART_VIEW, NULL, 0))
		return;
	mc = mime_mailcap_path();
	if (mime_mailcap_find(mc, p->type, 0, &e) == -1) {
		ui_set_message(ui, 0, _("No mailcap entry for %s (looked in "
		    "%s); press s to save it."), p->type, mc);
		free(mc);
		return;
	}
	free(mc);
	sbuf_init(&data);
	mime_part_decode(ui->pager_raw, ui->pager_raw_len, p, &data);
	safe = ui_attach_file_name(ui, ui->part_cur);
	tmpname = ui_attach_tmp_name(&e, safe);
	free(safe);
	if (ui_run_tmp_write(tmpname, data.buf != NULL ? data.buf : "",
	    data.len, &file, &err) == -1) {
		ui_set_message(ui, 1, "%s", err.msg);
		goto out;
	}
	cmd = mime_mailcap_expand(&e, file, p->type, p->charset, &use_stdin);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = NULL;
	if (e.copiousoutput) {
		sbuf_init(&out);
		st = ui_run_capture(argv, use_stdin ? file : NULL,
		    MIME_MAX_BODY, &out, &err);
		if (st == -1)
			ui_set_message(ui, 1, "%s", err.msg);
		else {
			ui_attach_show_output(ui, &out, VIEW_ATTACH);
			if (st != 0)
				ui_set_message(ui, 1, _("The viewer exited "
				    "with status %d."), st);
		}
		sbuf_release(&out);
	} else {
		st = ui_run_terminal(argv, use_stdin ? file : NULL, &err);
		if (st == -1)
			ui_set_message(ui, 1, "%s", err.msg);
		else if (st != 0)
			ui_set_message(ui, 1, _("The viewer exited with status "
			    "%d."), st);
	}
	free(cmd);
out:
	ui_run_tmp_remove(file);
	free(tmpname);
	sbuf_release(&data);
	mime_mailcap_release(&e);
	ui->dirty = 1;
}

/* Runs cmd through /bin/sh with data on its standard input. */
static void
ui_pipe_run(struct ui *ui, const char *cmd, const char *data, size_t len)
{
	struct error	 err = { 0 };
	const char	*argv[4];
	char		*file = NULL;
	int		 st;

	if (*cmd == '\0')
		return;
	if (ui_run_tmp_write("input", data, len, &file, &err) == -1) {
		ui_set_message(ui, 1, "%s", err.msg);
		return;
	}
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = NULL;
	st = ui_run_terminal(argv, file, &err);
	ui_run_tmp_remove(file);
	if (st == -1)
		ui_set_message(ui, 1, "%s", err.msg);
	else
		ui_set_message(ui, st != 0, _("The command exited with status "
		    "%d."), st);
	ui->dirty = 1;
}

static void
ui_attach_pipe_done(struct ui *ui, const char *cmd)
{
	struct sbuf	 data;

	if (ui->save_part >= ui->parts.n ||
	    ui_attach_fetch(ui, ui->save_part, UI_PART_PIPE, cmd, 0))
		return;
	sbuf_init(&data);
	mime_part_decode(ui->pager_raw, ui->pager_raw_len,
	    &ui->parts.v[ui->save_part], &data);
	ui_pipe_run(ui, cmd, data.buf != NULL ? data.buf : "", data.len);
	sbuf_release(&data);
}

void
ui_attach_pipe(struct ui *ui)
{
	if (ui_attach_current(ui) == NULL)
		return;
	ui->save_part = ui->part_cur;
	ui_prompt_start(ui, _("Pipe the part to the command: "),
	    ui_attach_pipe_done);
}

static void
ui_pager_pipe_done(struct ui *ui, const char *cmd)
{
	if (ui->pager_raw == NULL)
		return;
	ui_pipe_run(ui, cmd, ui->pager_raw, ui->pager_raw_len);
}

void
ui_pager_pipe(struct ui *ui)
{
	if (ui->pager_raw == NULL)
		return;
	ui_prompt_start(ui, _("Pipe the message to the command: "),
	    ui_pager_pipe_done);
}

int
ui_html_mailcap(const char *html, size_t len, struct sbuf *out, void *arg)
{
	struct mime_mailcap	 e;
	struct error		 err = { 0 };
	struct sbuf		 text;
	const char		*argv[4];
	char			*mc, *file = NULL, *cmd, *name;
	int			 use_stdin, st;

	(void)arg;
	mc = mime_mailcap_path();
	st = mime_mailcap_find(mc, "text/html", 1, &e);
	free(mc);
	if (st == -1)
		return -1;	/* the built-in converter */
	name = ui_attach_tmp_name(&e, "message.html");
	if (ui_run_tmp_write(name, html, len, &file, &err) == -1) {
		log_warn("%s", err.msg);
		free(name);
		mime_mailcap_release(&e);
		return -1;
	}
	free(name);
	cmd = mime_mailcap_expand(&e, file, "text/html", "utf-8", &use_stdin);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = NULL;
	sbuf_init(&text);
	st = ui_run_capture(argv, use_stdin ? file : NULL, MIME_MAX_BODY,
	    &text, &err);
	ui_run_tmp_remove(file);
	free(cmd);
	mime_mailcap_release(&e);
	if (st == -1 || (st != 0 && text.len == 0)) {
		log_warn("text/html viewer failed (%d): %s", st, err.msg);
		sbuf_release(&text);
		return -1;
	}
	mime_charset_to_utf8(NULL, text.buf != NULL ? text.buf : "", text.len,
	    out);
	sbuf_release(&text);
	return 0;
}
