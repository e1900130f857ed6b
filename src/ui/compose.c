/*
 * src/ui/compose.c: writing a message: the editor with the headers on
 * top, the compose screen (attachments, identity, preview), and the
 * ways out: send (through the durable outbox), postpone (to Drafts),
 * abandon. The editor's file stays until the message is safe in the
 * outbox or in Drafts.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#ifdef HAVE_MAGIC_H
#include <magic.h>
#endif

#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "smtp/smtp.h"
#include "ui/internal.h"

#define UI_SIGNATURE_MAX	(64 * 1024)	/* bytes of a signature file */
#define UI_IDENTITIES_MAX	32

/* ------------------------------------------------------- identities */

/* The account's addresses: its email first, then its alternates. */
static void
ui_identities(const struct ui *ui, struct mime_address_list *l)
{
	const struct account	*a = ui->account;
	struct mime_address	 me;
	size_t			 i;

	l->v = xcalloc(1, sizeof *l->v);
	l->n = 1;
	l->v[0].name = a->name != NULL ? xstrdup(a->name) : NULL;
	l->v[0].addr = xstrdup(a->email);
	if (a->alternates != NULL)
		(void)mime_address_parse(a->alternates, l, NULL);
	for (i = 1; i < l->n && i < UI_IDENTITIES_MAX; i++) {
		me = l->v[i];
		if (me.name == NULL && a->name != NULL)
			l->v[i].name = xstrdup(a->name);
	}
}

/* The identity i of the account, formatted for From. */
static char *
ui_identity_from(const struct ui *ui, size_t i)
{
	struct mime_address_list	 l = { NULL, 0 };
	struct sbuf			 b;

	ui_identities(ui, &l);
	if (i >= l.n)
		i = 0;
	sbuf_init(&b);
	mime_address_format(&b, &l.v[i]);
	mime_address_list_release(&l);
	return sbuf_detach(&b, NULL);
}

/* ------------------------------------------------------------ files */

/* A new file for the editor: 0600, under $XDG_STATE_HOME/postern. */
static char *
ui_compose_file(struct error *err)
{
	char		*dir, *path = NULL, *probe;
	unsigned	 n;
	int		 fd;

	dir = fs_xdg_path("XDG_STATE_HOME", ".local/state", "postern/compose");
	probe = xasprintf("%s/x", dir);
	if (fs_mkdir_parents(probe, 0700, err) == -1)
		goto out;
	for (n = 0; n < 100; n++) {
		path = xasprintf("%s/msg-%lld-%ld-%u.txt", dir,
		    (long long)time(NULL), (long)getpid(), n);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd != -1) {
			close(fd);
			goto out;
		}
		free(path);
		path = NULL;
		if (errno != EEXIST)
			break;
	}
	error_set_errno(err, ERROR_SYS, _("cannot create a file in '%s'"),
	    dir);
out:
	free(probe);
	free(dir);
	return path;
}

static int
ui_write_file(const char *path, const char *s, size_t len, struct error *err)
{
	FILE	*f;
	int	 ret = 0;

	if ((f = fopen(path, "w")) == NULL)
		return error_set_errno(err, ERROR_SYS, _("cannot write '%s'"),
		    path);
	if ((len > 0 && fwrite(s, 1, len, f) != len) || fflush(f) != 0 ||
	    fsync(fileno(f)) == -1)
		ret = error_set_errno(err, ERROR_SYS, _("cannot write '%s'"),
		    path);
	if (fclose(f) != 0 && ret == 0)
		ret = error_set_errno(err, ERROR_SYS, _("cannot write '%s'"),
		    path);
	return ret;
}

/* "~/x" as $HOME/x; a new string. */
static char *
ui_expand_home(const char *path)
{
	const char	*home = getenv("HOME");

	if (path[0] == '~' && path[1] == '/' && home != NULL)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

/* The address of a From value (the first one), a new string or NULL. */
static char *
ui_from_addr(const char *from)
{
	struct mime_address_list	 l = { NULL, 0 };
	char				*addr = NULL;

	if (from != NULL && mime_address_parse(from, &l, NULL) == 0 &&
	    l.n > 0 && l.v[0].addr != NULL)
		addr = xstrdup(l.v[0].addr);
	mime_address_list_release(&l);
	return addr;
}

/*
 * The signature block of the identity from (NULL: the account's own
 * address) into out: "-- ", the file, a last newline. 0 when there is
 * none (out stays empty); -1 when it cannot be read (said on screen).
 */
static int
ui_signature_block(struct ui *ui, const char *from, struct sbuf *out)
{
	struct sbuf	 sig;
	struct error	 err = { 0 };
	const char	*file;
	char		*path, *addr;
	int		 ret = 0;

	addr = ui_from_addr(from);
	file = config_identity_signature(ui->account, addr != NULL ? addr :
	    ui->account->email);
	free(addr);
	if (file == NULL)
		return 0;
	path = ui_expand_home(file);
	sbuf_init(&sig);
	if (fs_read_file(path, UI_SIGNATURE_MAX, &sig, &err) == -1) {
		ui_set_message(ui, 1, _("no signature: %s"), err.msg);
		ret = -1;
	} else if (sig.len > 0) {
		sbuf_addstr(out, "-- \n");
		sbuf_add(out, sig.buf, sig.len);
		if (sig.buf[sig.len - 1] != '\n')
			sbuf_addch(out, '\n');
	}
	sbuf_release(&sig);
	free(path);
	return ret;
}

/* Appends a blank line and the signature of the identity from to body. */
static void
ui_add_signature(struct ui *ui, struct sbuf *body, const char *from)
{
	struct sbuf	 block;

	sbuf_init(&block);
	if (ui_signature_block(ui, from, &block) == 0 && block.len > 0) {
		if (body->len > 0 && body->buf[body->len - 1] != '\n')
			sbuf_addch(body, '\n');
		sbuf_addch(body, '\n');
		sbuf_add(body, block.buf, block.len);
	}
	sbuf_release(&block);
}

/*
 * The identity changed from old to new From: when the text still ends
 * with the old identity's signature, the new one takes its place.
 */
static void
ui_swap_signature(struct ui *ui, const char *old, const char *new)
{
	struct sbuf	*body = &ui->compose->msg.body;
	struct sbuf	 block;
	size_t		 cut;

	sbuf_init(&block);
	if (ui_signature_block(ui, old, &block) == -1)
		goto out;
	if (block.len > 0) {
		if (body->len < block.len || memcmp(body->buf + body->len -
		    block.len, block.buf, block.len) != 0)
			goto out;	/* edited: the text is the user's */
		cut = body->len - block.len;
		if (cut > 0 && body->buf[cut - 1] != '\n')
			goto out;	/* "-- " not at the start of a line */
		if (cut > 0)
			cut--;		/* and the blank line before it */
		sbuf_setlen(body, cut);
	}
	ui_add_signature(ui, body, new);
out:
	sbuf_release(&block);
}

/* ----------------------------------------------------------- editor */

/*
 * Runs $VISUAL, $EDITOR or vi on path with the terminal handed over;
 * -1 and err if it could not run or failed.
 */
static int
ui_run_editor(const char *path, struct error *err)
{
	const char	*ed;
	char		*cmd;
	pid_t		 pid;
	int		 status, ret = 0;

	if ((ed = getenv("VISUAL")) == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	cmd = xasprintf("%s \"$1\"", ed);
	def_prog_mode();
	endwin();
	if ((pid = fork()) == -1)
		ret = error_set_errno(err, ERROR_SYS, _("cannot start '%s'"),
		    ed);
	else if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	} else {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ret = error_set(err, ERROR_INPUT, _("the editor '%s' "
			    "failed"), ed);
	}
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	free(cmd);
	return ret;
}

/* Writes the template, runs the editor, reads the headers back. */
static int
ui_compose_edit_file(struct ui *ui, struct error *err)
{
	struct ui_compose	*c = ui->compose;
	struct sbuf		 t;
	int			 ret = -1;

	sbuf_init(&t);
	mime_template_format(&c->msg, &t);
	if (ui_write_file(c->file, t.buf, t.len, err) == -1)
		goto out;
	if (ui_run_editor(c->file, err) == -1)
		goto out;
	sbuf_reset(&t);
	if (fs_read_file(c->file, MIME_MAX_BODY, &t, err) == -1)
		goto out;
	ret = mime_template_parse(t.buf != NULL ? t.buf : "", t.len, &c->msg,
	    err);
out:
	sbuf_release(&t);
	return ret;
}

void
ui_compose_edit(struct ui *ui)
{
	struct error	 err = { 0 };

	if (ui->compose == NULL)
		return;
	if (ui_compose_edit_file(ui, &err) == -1)
		ui_set_message(ui, 1, "%s", err.msg);
	ui->view = VIEW_COMPOSE;
	ui->dirty = 1;
}

/* ------------------------------------------------------ start, stop */

static void
ui_attachment_clear(struct ui_attachment *a)
{
	free(a->path);
	free(a->name);
	free(a->type);
}

/* Frees the message; its files go when remove is set. */
static void
ui_compose_close(struct ui *ui, int remove)
{
	struct ui_compose	*c = ui->compose;
	size_t			 i;

	if (c == NULL)
		return;
	if (remove && c->file != NULL)
		unlink(c->file);
	for (i = 0; i < c->natt; i++) {
		if (remove && c->att[i].temporary)
			unlink(c->att[i].path);
		ui_attachment_clear(&c->att[i]);
	}
	free(c->att);
	free(c->file);
	mime_compose_release(&c->msg);
	/* Back to the pager when it still shows the message. */
	ui->view = c->back == VIEW_PAGER && ui->pager_raw != NULL &&
	    !ui->preview ? VIEW_PAGER : VIEW_INDEX;
	free(c);
	ui->compose = NULL;
	ui->dirty = 1;
}

void
ui_compose_free(struct ui *ui)
{
	ui_compose_close(ui, 0);	/* an open message stays on disk */
	ui_drafts_close(ui);
}

/* Opens the compose state on c, without the editor. */
static int
ui_compose_open(struct ui *ui, struct mime_compose *c)
{
	struct error	 err = { 0 };
	char		*file;

	if (ui->compose != NULL) {
		ui_set_message(ui, 1, "%s", _("a message is being written "
		    "already: send, postpone or abandon it first"));
		ui->view = VIEW_COMPOSE;
		return -1;
	}
	if ((file = ui_compose_file(&err)) == NULL) {
		ui_set_message(ui, 1, "%s", err.msg);
		return -1;
	}
	ui->compose = xcalloc(1, sizeof *ui->compose);
	ui->compose->msg = *c;
	mime_compose_init(c);
	ui->compose->file = file;
	ui->compose->back = ui->view;
	ui->compose->flowed = ui->account->format_flowed;
	if (ui->compose->msg.from == NULL)
		ui->compose->msg.from = ui_identity_from(ui, 0);
	return 0;
}

void
ui_compose_start(struct ui *ui, struct mime_compose *c, int signature)
{
	if (signature)
		ui_add_signature(ui, &c->body, c->from);
	if (ui_compose_open(ui, c) == -1) {
		mime_compose_release(c);
		return;
	}
	ui_compose_edit(ui);
}

void
ui_compose_new(struct ui *ui)
{
	struct mime_compose	 c;

	mime_compose_init(&c);
	ui_compose_start(ui, &c, 1);
}

/* --------------------------------------------------- reply, forward */

/* Keeps the original as a file, attached as message/rfc822. */
static void
ui_compose_attach_original(struct ui *ui, const char *raw, size_t len)
{
	struct ui_compose	*c = ui->compose;
	struct ui_attachment	*a;
	struct error		 err = { 0 };
	char			*path;

	path = xasprintf("%s.eml", c->file);
	if (ui_write_file(path, raw, len, &err) == -1) {
		ui_set_message(ui, 1, "%s", err.msg);
		free(path);
		return;
	}
	c->att = xreallocarray(c->att, c->natt + 1, sizeof *c->att);
	a = &c->att[c->natt++];
	a->path = path;
	a->name = xstrdup("forwarded-message.eml");
	a->type = xstrdup("message/rfc822");
	a->temporary = 1;
}

static void
ui_compose_reply_raw(struct ui *ui, enum ui_reply kind, const char *raw,
    size_t len)
{
	struct mime_address_list	 own = { NULL, 0 };
	struct mime_compose		 c;
	struct error			 err = { 0 };
	int				 r, attach = ui->account->forward_attach;

	mime_compose_init(&c);
	if (kind == UI_FORWARD)
		r = mime_forward_init(raw, len, attach, &c, &err);
	else {
		ui_identities(ui, &own);
		r = mime_reply_init(raw, len, kind == UI_REPLY_GROUP ?
		    MIME_REPLY_GROUP : kind == UI_REPLY_LIST ?
		    MIME_REPLY_LIST : MIME_REPLY_SENDER, &own, &c, &err);
		mime_address_list_release(&own);
	}
	if (r == -1) {
		ui_set_message(ui, 1, "%s", err.msg);
		mime_compose_release(&c);
		return;
	}
	ui_add_signature(ui, &c.body, c.from);
	if (ui_compose_open(ui, &c) == -1) {
		mime_compose_release(&c);
		return;
	}
	if (kind == UI_FORWARD && attach)
		ui_compose_attach_original(ui, raw, len);
	ui_compose_edit(ui);
}

void
ui_compose_reply(struct ui *ui, enum ui_reply kind)
{
	struct summary	*m;

	if (ui->view == VIEW_PAGER && ui->pager_raw != NULL && !ui->preview) {
		ui_compose_reply_raw(ui, kind, ui->pager_raw,
		    ui->pager_raw_len);
		return;
	}
	if ((m = ui_index_current(ui)) == NULL) {
		ui_set_message(ui, 1, "%s", _("no message to reply to"));
		return;
	}
	/* The index has no body yet: fetch it, then go on. */
	ui->reply_serial = ++ui->serial;
	ui->reply_kind = (int)kind;
	worker_fetch_body(ui->worker, m->uid, ui->reply_serial);
	free(ui->status);
	ui->status = xstrdup(_("Fetching the message..."));
	ui->dirty = 1;
}

/* ------------------------------------------------------ attachments */

/* The MIME type of a file: libmagic when built with it, else by name. */
static char *
ui_file_type(const char *path, const char *name)
{
#ifdef HAVE_MAGIC_H
	magic_t		 m;
	const char	*t;
	char		*type = NULL;

	if ((m = magic_open(MAGIC_MIME_TYPE)) != NULL) {
		if (magic_load(m, NULL) == 0 && (t = magic_file(m, path)) !=
		    NULL && strchr(t, '/') != NULL &&
		    strcmp(t, "application/octet-stream") != 0 &&
		    strcmp(t, "text/plain") != 0)
			type = xstrdup(t);
		magic_close(m);
	}
	if (type != NULL)
		return type;
#else
	(void)path;
#endif
	return xstrdup(mime_type_for_name(name));
}

static void
ui_attach_done(struct ui *ui, const char *text)
{
	struct ui_compose	*c = ui->compose;
	struct ui_attachment	*a;
	struct stat		 st;
	const char		*base;
	char			*path;

	if (c == NULL || *text == '\0')
		return;
	path = ui_expand_home(text);
	errno = 0;
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
	    access(path, R_OK) == -1) {
		ui_set_message(ui, 1, _("cannot attach '%s': %s"), path,
		    errno != 0 ? strerror(errno) : _("not a file"));
		free(path);
		return;
	}
	if (st.st_size > MIME_MAX_ATTACHMENT || c->natt >=
	    MIME_MAX_ATTACHMENTS) {
		ui_set_message(ui, 1, _("cannot attach '%s': too large, or "
		    "too many files"), path);
		free(path);
		return;
	}
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	c->att = xreallocarray(c->att, c->natt + 1, sizeof *c->att);
	a = &c->att[c->natt];
	a->path = path;
	a->name = xstrdup(*base != '\0' ? base : "attachment");
	a->type = ui_file_type(path, a->name);
	a->temporary = 0;
	c->cur = c->natt++;
	ui->dirty = 1;
}

void
ui_compose_attach(struct ui *ui)
{
	ui_prompt_start(ui, _("Attach file: "), ui_attach_done);
}

void
ui_compose_detach(struct ui *ui)
{
	struct ui_compose	*c = ui->compose;

	if (c == NULL || c->natt == 0) {
		ui_set_message(ui, 0, "%s", _("No attachment to remove."));
		return;
	}
	if (c->att[c->cur].temporary)
		unlink(c->att[c->cur].path);
	ui_attachment_clear(&c->att[c->cur]);
	memmove(&c->att[c->cur], &c->att[c->cur + 1],
	    (c->natt - c->cur - 1) * sizeof *c->att);
	c->natt--;
	if (c->cur > 0 && c->cur >= c->natt)
		c->cur--;
	ui->dirty = 1;
}

static void
ui_rename_done(struct ui *ui, const char *text)
{
	struct ui_compose	*c = ui->compose;

	if (c == NULL || c->natt == 0 || *text == '\0')
		return;
	if (strchr(text, '/') != NULL) {
		ui_set_message(ui, 1, "%s", _("a name may not hold '/'"));
		return;
	}
	free(c->att[c->cur].name);
	c->att[c->cur].name = xstrdup(text);
	ui->dirty = 1;
}

void
ui_compose_rename(struct ui *ui)
{
	struct ui_compose	*c = ui->compose;

	if (c == NULL || c->natt == 0) {
		ui_set_message(ui, 0, "%s", _("No attachment to rename."));
		return;
	}
	ui_prompt_start(ui, _("Name the attachment: "), ui_rename_done);
	sbuf_addstr(&ui->prompt_text, c->att[c->cur].name);
}

void
ui_compose_move(struct ui *ui, long delta)
{
	struct ui_compose	*c = ui->compose;

	if (c == NULL || c->natt == 0)
		return;
	if (delta < 0 && c->cur > 0)
		c->cur--;
	else if (delta > 0 && c->cur + 1 < c->natt)
		c->cur++;
	ui->dirty = 1;
}

/* The next identity of the account becomes From. */
void
ui_compose_identity(struct ui *ui)
{
	struct mime_address_list	 l = { NULL, 0 }, cur = { NULL, 0 };
	struct ui_compose		*c = ui->compose;
	char				*old;
	size_t				 i, next = 0;

	if (c == NULL)
		return;
	ui_identities(ui, &l);
	if (c->msg.from != NULL &&
	    mime_address_parse(c->msg.from, &cur, NULL) == 0 && cur.n > 0) {
		for (i = 0; i < l.n; i++) {
			if (cur.v[0].addr != NULL &&
			    strcasecmp(l.v[i].addr, cur.v[0].addr) == 0)
				next = (i + 1) % l.n;
		}
	}
	mime_address_list_release(&cur);
	mime_address_list_release(&l);
	old = c->msg.from;
	c->msg.from = ui_identity_from(ui, next);
	ui_swap_signature(ui, old, c->msg.from);
	free(old);
	ui_set_message(ui, 0, _("From: %s"), c->msg.from);
	ui->dirty = 1;
}

/* ---------------------------------------------------- header fields */

/* The field f of the message. */
static char **
ui_field_ptr(struct ui_compose *c, enum ui_compose_field f)
{
	switch (f) {
	case UI_FIELD_TO:
		return &c->msg.to;
	case UI_FIELD_CC:
		return &c->msg.cc;
	case UI_FIELD_BCC:
		return &c->msg.bcc;
	case UI_FIELD_SUBJECT:
		return &c->msg.subject;
	case UI_FIELD_REPLY_TO:
		return &c->msg.reply_to;
	case UI_FIELD_FROM:
		break;
	}
	return &c->msg.from;
}

/* The new value of a field, as typed; an address list must parse. */
static void
ui_field_set(struct ui *ui, enum ui_compose_field f, const char *text)
{
	struct mime_address_list	 l = { NULL, 0 };
	struct ui_compose		*c = ui->compose;
	struct error			 err = { 0 };
	char				**p, *old;

	if (c == NULL)
		return;
	text += strspn(text, " \t");
	if (f != UI_FIELD_SUBJECT && *text != '\0') {
		if (mime_address_parse(text, &l, &err) == -1) {
			ui_set_message(ui, 1, _("not changed: %s"), err.msg);
			return;
		}
		mime_address_list_release(&l);
	}
	if (f == UI_FIELD_FROM && *text == '\0') {
		ui_set_message(ui, 1, "%s", _("not changed: From may not be "
		    "empty"));
		return;
	}
	p = ui_field_ptr(c, f);
	old = *p;
	*p = *text != '\0' || f == UI_FIELD_SUBJECT ? xstrdup(text) : NULL;
	if (f == UI_FIELD_FROM)
		ui_swap_signature(ui, old, *p);
	free(old);
	ui->dirty = 1;
}

static void
ui_to_done(struct ui *ui, const char *text)
{
	ui_field_set(ui, UI_FIELD_TO, text);
}

static void
ui_cc_done(struct ui *ui, const char *text)
{
	ui_field_set(ui, UI_FIELD_CC, text);
}

static void
ui_bcc_done(struct ui *ui, const char *text)
{
	ui_field_set(ui, UI_FIELD_BCC, text);
}

static void
ui_subject_done(struct ui *ui, const char *text)
{
	ui_field_set(ui, UI_FIELD_SUBJECT, text);
}

static void
ui_reply_to_done(struct ui *ui, const char *text)
{
	ui_field_set(ui, UI_FIELD_REPLY_TO, text);
}

static void
ui_from_done(struct ui *ui, const char *text)
{
	ui_field_set(ui, UI_FIELD_FROM, text);
}

/*
 * Edits a header field at a prompt holding its value; the address
 * fields complete with Tab from the address book and the query
 * command, as the other address prompts do.
 */
void
ui_compose_field(struct ui *ui, enum ui_compose_field f)
{
	static const struct {
		const char	*label;
		void		 (*done)(struct ui *, const char *);
		int		 complete;
	} t[] = {
		[UI_FIELD_TO] = { N_("To: "), ui_to_done, 1 },
		[UI_FIELD_CC] = { N_("Cc: "), ui_cc_done, 1 },
		[UI_FIELD_BCC] = { N_("Bcc: "), ui_bcc_done, 1 },
		[UI_FIELD_SUBJECT] = { N_("Subject: "), ui_subject_done, 0 },
		[UI_FIELD_REPLY_TO] = { N_("Reply-To: "), ui_reply_to_done,
		    1 },
		[UI_FIELD_FROM] = { N_("From: "), ui_from_done, 0 },
	};
	const char	*value;

	if (ui->compose == NULL || (size_t)f >= sizeof t / sizeof t[0])
		return;
	value = *ui_field_ptr(ui->compose, f);
	if (t[f].complete)
		ui_prompt_start_complete(ui, _(t[f].label), t[f].done,
		    ui_complete_address);
	else
		ui_prompt_start(ui, _(t[f].label), t[f].done);
	if (value != NULL)
		sbuf_addstr(&ui->prompt_text, value);
}

/* ------------------------------------------------------- the message */

/* Builds the message; draft keeps Bcc. */
static int
ui_compose_build(struct ui *ui, int draft, struct sbuf *out,
    struct mime_envelope *env, struct error *err)
{
	struct ui_compose	*c = ui->compose;
	struct mime_draft	 d;
	const char		**paths, **names, **types;
	size_t			 i;
	int			 ret;

	memset(&d, 0, sizeof d);
	paths = xcalloc(c->natt + 1, sizeof *paths);
	names = xcalloc(c->natt + 1, sizeof *names);
	types = xcalloc(c->natt + 1, sizeof *types);
	for (i = 0; i < c->natt; i++) {
		paths[i] = c->att[i].path;
		names[i] = c->att[i].name;
		types[i] = c->att[i].type;
	}
	d.from = c->msg.from;
	d.to = c->msg.to;
	d.cc = c->msg.cc;
	d.bcc = c->msg.bcc;
	d.reply_to = c->msg.reply_to;
	d.subject = c->msg.subject;
	d.in_reply_to = c->msg.in_reply_to;
	d.references = c->msg.references;
	d.body = c->msg.body.buf;
	d.body_len = c->msg.body.len;
	d.attachments = paths;
	d.attachment_names = names;
	d.attachment_types = types;
	d.nattachments = c->natt;
	d.flowed = c->flowed;
	d.keep_bcc = draft;
	ret = mime_build(&d, out, env, err);
	free(paths);
	free(names);
	free(types);
	return ret;
}

void
ui_compose_preview(struct ui *ui)
{
	struct mime_envelope	 env;
	struct event		 ev;
	struct sbuf		 msg;
	struct error		 err = { 0 };

	if (ui->compose == NULL)
		return;
	sbuf_init(&msg);
	if (ui_compose_build(ui, 0, &msg, &env, &err) == -1) {
		ui_set_message(ui, 1, "%s", err.msg);
		sbuf_release(&msg);
		return;
	}
	mime_envelope_release(&env);
	memset(&ev, 0, sizeof ev);
	ev.kind = EVENT_BODY;
	ev.body = sbuf_detach(&msg, &ev.body_len);
	ui_pager_show(ui, &ev);
	ui->pager_serial = 0;
	ui->preview = 1;
}

void
ui_compose_send(struct ui *ui)
{
	struct ui_compose	*c = ui->compose;
	struct mime_envelope	 env;
	struct ui_job		*j;
	struct sbuf		 msg;
	struct error		 err = { 0 };
	char			*id = NULL;
	int			 lockfd = -1;

	if (c == NULL)
		return;
	sbuf_init(&msg);
	if (ui_compose_build(ui, 0, &msg, &env, &err) == -1)
		goto fail;
	if (env.nrcpts == 0) {
		mime_envelope_release(&env);
		error_set(&err, ERROR_INPUT, _("no recipients: fill in To, Cc "
		    "or Bcc (e edits the message)"));
		goto fail;
	}
	/* Safe on disk before the send starts. */
	if (outbox_put(ui->account, &env, msg.buf, msg.len, &id, &lockfd,
	    &err) == -1) {
		mime_envelope_release(&env);
		goto fail;
	}
	mime_envelope_release(&env);
	j = ui_job_new(ui, UI_JOB_SEND);
	/* The message itself, for a POP3 account's local Sent. */
	sbuf_release(&j->msg);
	j->msg = msg;
	sbuf_init(&msg);
	j->id = id;
	j->lockfd = lockfd;
	j->uid = c->draft_uid;
	ui_compose_close(ui, 1);
	ui_job_start(ui, j);
	free(ui->status);
	ui->status = xstrdup(_("Sending..."));
	sbuf_release(&msg);
	return;
fail:
	ui_set_message(ui, 1, "%s", err.msg);
	sbuf_release(&msg);
}

void
ui_compose_postpone(struct ui *ui)
{
	struct ui_compose	*c = ui->compose;
	struct mime_envelope	 env;
	struct ui_job		*j;
	struct error		 err = { 0 };
	size_t			 i;

	if (c == NULL)
		return;
	j = ui_job_new(ui, UI_JOB_POSTPONE);
	if (ui_compose_build(ui, 1, &j->msg, &env, &err) == -1) {
		ui_set_message(ui, 1, "%s", err.msg);
		sbuf_release(&j->msg);
		free(j);
		return;
	}
	mime_envelope_release(&env);
	/* The text file first: the error names it if the save fails. */
	ui_job_add_unlink(j, c->file);
	for (i = 0; i < c->natt; i++) {
		if (c->att[i].temporary)
			ui_job_add_unlink(j, c->att[i].path);
	}
	j->uid = c->draft_uid;
	ui_compose_close(ui, 0);
	ui_job_start(ui, j);
	free(ui->status);
	ui->status = xstrdup(_("Saving the draft..."));
}

static void
ui_abandon_done(struct ui *ui, const char *text)
{
	if (ui->compose == NULL)
		return;
	if (i18n_yes_word(text)) {
		ui_compose_close(ui, 1);
		ui_set_message(ui, 0, "%s", _("Message abandoned."));
	} else
		ui_set_message(ui, 0, "%s", _("Not abandoned."));
}

void
ui_compose_abandon(struct ui *ui)
{
	ui_prompt_start(ui, _("Abandon this message? (y/n): "),
	    ui_abandon_done);
}

/* ------------------------------------------------------------ recall */

void
ui_compose_recall(struct ui *ui)
{
	struct ui_job	*j;

	if (ui->compose != NULL) {
		ui->view = VIEW_COMPOSE;
		ui_set_message(ui, 1, "%s", _("a message is being written "
		    "already: send, postpone or abandon it first"));
		return;
	}
	j = ui_job_new(ui, UI_JOB_DRAFTS);
	ui_job_start(ui, j);
	free(ui->status);
	ui->status = xstrdup(_("Looking for postponed messages..."));
	ui->dirty = 1;
}

static void
ui_draft_fetch(struct ui *ui, uint32_t uid)
{
	struct ui_job	*j;

	j = ui_job_new(ui, UI_JOB_DRAFT_FETCH);
	j->uid = uid;
	ui_job_start(ui, j);
}

void
ui_drafts_close(struct ui *ui)
{
	size_t	 i;

	for (i = 0; i < ui->ndrafts; i++)
		summary_clear(&ui->drafts[i]);
	free(ui->drafts);
	ui->drafts = NULL;
	ui->ndrafts = 0;
	ui->draft_cur = 0;
	if (ui->view == VIEW_DRAFTS)
		ui->view = VIEW_INDEX;
	ui->dirty = 1;
}

void
ui_drafts_move(struct ui *ui, long delta)
{
	if (delta < 0 && ui->draft_cur > 0)
		ui->draft_cur--;
	else if (delta > 0 && ui->draft_cur + 1 < ui->ndrafts)
		ui->draft_cur++;
	ui->dirty = 1;
}

void
ui_drafts_choose(struct ui *ui)
{
	if (ui->draft_cur >= ui->ndrafts)
		return;
	ui_draft_fetch(ui, ui->drafts[ui->draft_cur].uid);
	ui_drafts_close(ui);
}

struct ui_draft_split {
	struct ui	*ui;
	int		 text;		/* the text was taken */
};

/* One part of a recalled draft: the text, or a file to attach again. */
static void
ui_draft_part(const char *type, const char *name, const char *data,
    size_t len, void *arg)
{
	struct ui_draft_split	*sp = arg;
	struct ui_compose	*c = sp->ui->compose;
	struct ui_attachment	*a;
	struct error		 err = { 0 };
	char			*path;

	if (!sp->text && name == NULL && strcmp(type, "text/plain") == 0) {
		sbuf_add(&c->msg.body, data, len);
		sp->text = 1;
		return;
	}
	if (c->natt >= MIME_MAX_ATTACHMENTS)
		return;
	path = xasprintf("%s.%zu", c->file, c->natt + 1);
	if (ui_write_file(path, data, len, &err) == -1) {
		ui_set_message(sp->ui, 1, "%s", err.msg);
		free(path);
		return;
	}
	c->att = xreallocarray(c->att, c->natt + 1, sizeof *c->att);
	a = &c->att[c->natt++];
	a->path = path;
	a->name = xstrdup(name != NULL && *name != '\0' &&
	    strchr(name, '/') == NULL ? name : "attachment");
	a->type = xstrdup(type);
	a->temporary = 1;
}

/* A postponed message back on the compose screen, files and all. */
static void
ui_compose_from_draft(struct ui *ui, struct event *ev)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} f[] = {
		{ "From", offsetof(struct mime_compose, from) },
		{ "To", offsetof(struct mime_compose, to) },
		{ "Cc", offsetof(struct mime_compose, cc) },
		{ "Bcc", offsetof(struct mime_compose, bcc) },
		{ "Subject", offsetof(struct mime_compose, subject) },
		{ "Reply-To", offsetof(struct mime_compose, reply_to) },
		{ "In-Reply-To", offsetof(struct mime_compose, in_reply_to) },
		{ "References", offsetof(struct mime_compose, references) },
	};
	struct ui_draft_split	 sp = { ui, 0 };
	struct mime_compose	 c;
	size_t			 i;

	mime_compose_init(&c);
	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		*(char **)((char *)&c + f[i].off) = mime_header_get(ev->body,
		    ev->body_len, f[i].name);
	if (ui_compose_open(ui, &c) == -1) {
		mime_compose_release(&c);
		return;
	}
	mime_split_parts(ev->body, ev->body_len, ui_draft_part, &sp);
	ui->compose->draft_uid = ev->uid;
	ui->view = VIEW_COMPOSE;
	ui_set_message(ui, 0, "%s", _("Postponed message recalled."));
}

static void
ui_compose_drafts_listed(struct ui *ui, struct event *ev)
{
	ui_drafts_close(ui);
	if (ev->nsummaries == 0) {
		ui_set_message(ui, 0, "%s", _("No postponed messages."));
		return;
	}
	if (ev->nsummaries == 1) {
		ui_draft_fetch(ui, ev->summaries[0].uid);
		return;
	}
	ui->drafts = ev->summaries;
	ui->ndrafts = ev->nsummaries;
	ev->summaries = NULL;
	ev->nsummaries = 0;
	ui->draft_cur = 0;
	ui->view = VIEW_DRAFTS;
}

int
ui_compose_event(struct ui *ui, struct event *ev)
{
	if (ev->serial == ui->reply_serial && ev->serial != 0) {
		ui->reply_serial = 0;
		free(ui->status);
		ui->status = NULL;
		if (ev->kind == EVENT_ERROR)
			ui_set_message(ui, 1, "%s", ev->err.msg);
		else if (ev->kind == EVENT_BODY)
			ui_compose_reply_raw(ui, (enum ui_reply)ui->reply_kind,
			    ev->body, ev->body_len);
		return 1;
	}
	if (!(ev->serial & UI_JOB_SERIAL))
		return 0;
	free(ui->status);
	ui->status = NULL;
	switch (ev->kind) {
	case EVENT_ERROR:
		ui_set_message(ui, 1, "%s", ev->err.msg);
		break;
	case EVENT_STATUS:
		ui_set_message(ui, 0, "%s", ev->text);
		break;
	case EVENT_SUMMARIES:
		ui_compose_drafts_listed(ui, ev);
		break;
	case EVENT_BODY:
		ui_compose_from_draft(ui, ev);
		break;
	default:
		break;
	}
	ui->dirty = 1;
	return 1;
}

/* ---------------------------------------------------------- drawing */

static void
ui_compose_line(struct ui *ui, int y, int width, const char *label,
    const char *value, enum theme_element el)
{
	struct sbuf	 b;

	sbuf_init(&b);
	sbuf_addf(&b, "%10s: %s", label, value != NULL ? value : "");
	ui_draw_text(y, 0, width, b.buf, b.len, ui_style(ui, el));
	sbuf_release(&b);
}

void
ui_draw_compose(struct ui *ui, int top, int height, int width)
{
	struct ui_compose	*c = ui->compose;
	struct sbuf		 b;
	int			 y;
	size_t			 i;

	for (y = 0; y < height; y++)
		ui_draw_fill(top + y, 0, width, ui_style(ui, THEME_NORMAL));
	if (c == NULL)
		return;
	y = top;
	ui_compose_line(ui, y++, width, _("From"), c->msg.from, THEME_NORMAL);
	ui_compose_line(ui, y++, width, _("To"), c->msg.to, THEME_NORMAL);
	ui_compose_line(ui, y++, width, _("Cc"), c->msg.cc, THEME_NORMAL);
	ui_compose_line(ui, y++, width, _("Bcc"), c->msg.bcc, THEME_NORMAL);
	ui_compose_line(ui, y++, width, _("Subject"), c->msg.subject,
	    THEME_NORMAL);
	ui_compose_line(ui, y++, width, _("Reply-To"), c->msg.reply_to,
	    THEME_NORMAL);
	sbuf_init(&b);
	sbuf_addf(&b, _("%10s: %zu bytes of text%s"), _("Text"),
	    c->msg.body.len, c->flowed ? ", format=flowed" : "");
	ui_draw_text(y++, 0, width, b.buf, b.len, ui_style(ui, THEME_NORMAL));
	y++;
	sbuf_reset(&b);
	sbuf_addf(&b, _("-- Attachments (%zu)"), c->natt);
	ui_draw_text(y++, 0, width, b.buf, b.len, ui_style(ui, THEME_HEADER));
	for (i = 0; i < c->natt && y < top + height; i++) {
		sbuf_reset(&b);
		sbuf_addf(&b, "%c %2zu %s [%s] %s", i == c->cur ? '>' : ' ',
		    i + 1, c->att[i].name, c->att[i].type, c->att[i].path);
		ui_draw_text(y++, 0, width, b.buf, b.len, ui_style(ui,
		    i == c->cur ? THEME_CURSOR : THEME_NORMAL));
	}
	sbuf_release(&b);
}

void
ui_draw_drafts(struct ui *ui, int top, int height, int width)
{
	struct sbuf	 b;
	char		 when[32];
	struct tm	 tm;
	int		 y;
	size_t		 i;

	for (y = 0; y < height; y++)
		ui_draw_fill(top + y, 0, width, ui_style(ui, THEME_NORMAL));
	ui_draw_text(top, 0, width, _("Postponed messages"),
	    strlen(_("Postponed messages")), ui_style(ui, THEME_HEADER));
	sbuf_init(&b);
	for (i = 0, y = 1; i < ui->ndrafts && y < height; i++, y++) {
		localtime_r(&ui->drafts[i].date, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		sbuf_reset(&b);
		sbuf_addf(&b, "%3zu %s  %s", i + 1, when,
		    ui->drafts[i].subject != NULL ? ui->drafts[i].subject :
		    "");
		ui_draw_text(top + y, 0, width, b.buf, b.len, ui_style(ui,
		    i == ui->draft_cur ? THEME_CURSOR : THEME_NORMAL));
	}
	sbuf_release(&b);
}
