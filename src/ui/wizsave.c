/*
 * src/ui/wizsave.c: the end of the set-up wizard: where the password is
 * kept (pass, a file encrypted with GPGME, a command, or asked at each
 * start; never the config), Save, and the same check as postern --check.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curses.h>

#include "config/config.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "crypto/crypto.h"
#include "ui/internal.h"
#include "ui/wizard.h"

static const struct ui_style	ws_normal = { A_NORMAL, 0 };
static const struct ui_style	ws_bold = { A_BOLD, 0 };

/* 1 if name is an executable in $PATH. */
static int
ws_in_path(const char *name)
{
	const char	*path = getenv("PATH"), *p, *end;
	char		*file;
	int		 found = 0;

	if (path == NULL)
		return 0;
	for (p = path; !found && *p != '\0'; p = *end != '\0' ? end + 1 :
	    end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		file = xasprintf("%.*s/%s", (int)(end - p), p, name);
		found = access(file, X_OK) == 0;
		free(file);
	}
	return found;
}

void
wz_store_menu(struct wz *wz)
{
	struct error	 e = { 0 };

	wz->nstores = 0;
	wz->has_pass = ws_in_path("pass");
	if (wz->has_pass)
		wz->stores[wz->nstores++] = WZ_STORE_PASS;
	if (wz->keys == NULL && crypto_list_keys(&wz->keys, &wz->nkeys,
	    &e) == -1)
		log_warn("%s", e.msg);
	if (wz->nkeys > 0)
		wz->stores[wz->nstores++] = WZ_STORE_GPG;
	wz->stores[wz->nstores++] = WZ_STORE_COMMAND;
	wz->stores[wz->nstores++] = WZ_STORE_ASK;
}

void
wz_key_store(struct wz *wz, int key, int is_func)
{
	if (wz->screen == WZ_KEY) {
		if (!wz_is_enter(key, is_func)) {
			wz_menu_key(wz, key, is_func, wz->nkeys);
			return;
		}
		wz->key_cur = (size_t)wz->menu_cur;
		wz->store = WZ_STORE_GPG;
		wz_go(wz, WZ_SAVE);
		return;
	}
	if (!wz_is_enter(key, is_func)) {
		wz_menu_key(wz, key, is_func, wz->nstores);
		return;
	}
	wz->store = wz->stores[wz->menu_cur];
	switch (wz->store) {
	case WZ_STORE_GPG:
		wz->key_cur = 0;
		wz_go(wz, wz->nkeys > 1 ? WZ_KEY : WZ_SAVE);
		break;
	case WZ_STORE_COMMAND:
		wz_go(wz, WZ_COMMAND);
		break;
	default:
		wz_go(wz, WZ_SAVE);
		break;
	}
}

/* s for /bin/sh: as it is when that is safe, else in single quotes. */
static char *
ws_shell_quote(const char *s)
{
	struct sbuf	 b;

	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._+-/") == strlen(s))
		return xstrdup(s);
	sbuf_init(&b);
	sbuf_addch(&b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			sbuf_addstr(&b, "'\\''");
		else
			sbuf_addch(&b, *s);
	}
	sbuf_addch(&b, '\'');
	return sbuf_detach(&b, NULL);
}

/* Where an encrypted password file goes; the caller frees it. */
static char *
ws_gpg_path(const struct wz *wz)
{
	char	*sub, *path;

	sub = xasprintf("postern/%s.pass.gpg", wz->email.buf);
	path = fs_xdg_path("XDG_DATA_HOME", ".local/share", sub);
	free(sub);
	return path;
}

/* The account the screens describe; free with ws_account_clear. */
static void
ws_account(struct wz *wz, struct account *a)
{
	char	*q;

	memset(a, 0, sizeof *a);
	a->id = xstrdup(wz->email.buf);
	a->name = wz->name.len > 0 ? xstrdup(wz->name.buf) : NULL;
	a->email = xstrdup(wz->email.buf);
	a->backend = wz->backend;
	a->username = xstrdup(wz->manual[7].len > 0 ? wz->manual[7].buf :
	    wz->email.buf);
	a->ca_file = wz->params->ca_file != NULL ?
	    xstrdup(wz->params->ca_file) : NULL;
	switch (wz->store) {
	case WZ_STORE_PASS:
		q = ws_shell_quote(wz->email.buf);
		a->password_command = xasprintf("pass show postern/%s", q);
		free(q);
		break;
	case WZ_STORE_GPG:
		a->password_file = ws_gpg_path(wz);
		break;
	case WZ_STORE_COMMAND:
		a->password_command = xstrdup(wz->command.buf);
		break;
	default:
		a->password_ask = 1;
		break;
	}
	if (wz->done != NULL && wz->done->in_ok) {
		if (wz->backend == BACKEND_POP3) {
			a->pop3.host = xstrdup(wz->done->in.host);
			a->pop3.port = wz->done->in.port;
			a->pop3.security = wz->done->in.security;
		} else {
			a->imap.host = xstrdup(wz->done->in.host);
			a->imap.port = wz->done->in.port;
			a->imap.security = wz->done->in.security;
		}
	}
	if (wz->done != NULL && wz->done->smtp_ok) {
		a->smtp.host = xstrdup(wz->done->smtp.host);
		a->smtp.port = wz->done->smtp.port;
		a->smtp.security = wz->done->smtp.security;
	}
	a->tls_pins = wz->pins;
	a->ntls_pins = wz->npins;
}

static void
ws_account_clear(struct account *a)
{
	free(a->id);
	free(a->name);
	free(a->email);
	free(a->username);
	free(a->ca_file);
	free(a->password_command);
	free(a->password_file);
	free(a->imap.host);
	free(a->pop3.host);
	free(a->smtp.host);
	/* The pins are the wizard's. */
}

/* pass insert -m postern/ADDR, the password on its standard input. */
static int
ws_pass_insert(struct wz *wz, struct error *err)
{
	char	*entry;
	pid_t	 pid;
	int	 fds[2], devnull, status;
	size_t	 off = 0;
	ssize_t	 w;

	if (pipe(fds) == -1)
		return error_set_errno(err, ERROR_SYS, "pipe");
	entry = xasprintf("postern/%s", wz->email.buf);
	switch (pid = fork()) {
	case -1:
		close(fds[0]);
		close(fds[1]);
		free(entry);
		return error_set_errno(err, ERROR_SYS, "fork");
	case 0:
		devnull = open("/dev/null", O_WRONLY);
		dup2(fds[0], STDIN_FILENO);
		if (devnull != -1) {
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		close(fds[0]);
		close(fds[1]);
		execlp("pass", "pass", "insert", "-m", "-f", entry,
		    (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	while (off < wz->pass.len) {
		w = write(fds[1], wz->pass.buf + off, wz->pass.len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off == wz->pass.len)
		(void)!write(fds[1], "\n", 1);
	close(fds[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	free(entry);
	if (off != wz->pass.len || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return error_set(err, ERROR_SYS, _("pass insert failed "
		    "(status %d)"), WIFEXITED(status) ? WEXITSTATUS(status) :
		    -1);
	return 0;
}

/* Puts the password where the user chose; then it is wiped. */
static int
ws_store_password(struct wz *wz, const struct account *a, struct error *err)
{
	int	 ret = 0;

	switch (wz->store) {
	case WZ_STORE_PASS:
		ret = ws_pass_insert(wz, err);
		break;
	case WZ_STORE_GPG:
		ret = crypto_encrypt_password(a->password_file,
		    wz->keys[wz->key_cur].fpr, wz->pass.buf, err);
		break;
	case WZ_STORE_ASK:
		/* For this run (the check, the INBOX) only. */
		config_password_set_asked(a->id, wz->pass.buf);
		break;
	default:
		break;
	}
	return ret;
}

/* postern --check on the saved account, its lines into check_text. */
static void
ws_check(struct wz *wz, const char *path)
{
	struct config	*config;
	struct error	 e = { 0 };
	char		*text = NULL;
	size_t		 len = 0;
	FILE		*f;
	int		 r;

	if ((config = config_load(path, &e)) == NULL) {
		wz->check_text = xstrdup(e.msg);
		return;
	}
	if ((f = open_memstream(&text, &len)) == NULL) {
		wz->check_text = xstrdup(strerror(errno));
		config_free(config);
		return;
	}
	r = wizard_check(config, wz->account_id, f, &e);
	if (r == -1)
		fprintf(f, "%s\n", e.msg);
	fclose(f);
	wz->check_text = text;
	wz->check_ok = r == 0;
	config_free(config);
}

/* Save: password, config file, check. */
static void
ws_save(struct wz *wz)
{
	struct account	 a;
	struct error	 e = { 0 };
	int		 replaced = 0;

	ws_account(wz, &a);
	if (ws_store_password(wz, &a, &e) == -1 ||
	    config_write_account(wz->params->config_path, &a, &replaced,
	    &e) == -1) {
		wz_message(wz, 1, _("not saved: %s"), e.msg);
		ws_account_clear(&a);
		return;
	}
	log_info("account %s saved in %s", a.id, wz->params->config_path);
	free(wz->account_id);
	wz->account_id = xstrdup(a.id);
	ws_account_clear(&a);
	/* Kept where the user chose (or for this run): not here. */
	wz_field_wipe(&wz->pass);
	wz_go(wz, WZ_DONE);
	wz->nback = 0;		/* saved: no way back */
	wz_message(wz, 0, "%s", _("Saved. Checking the account..."));
	wz_draw(wz);
	ws_check(wz, wz->params->config_path);
	wz->message[0] = '\0';
	wz->dirty = 1;
}

void
wz_key_save(struct wz *wz, int key, int is_func)
{
	if (!wz_is_enter(key, is_func))
		return;
	if (wz->screen == WZ_SAVE)
		ws_save(wz);
	else
		wz->quit = 2;
}

static void
ws_draw_lines(int y, const char *text)
{
	const char	*nl;
	char		*line;

	while (*text != '\0' && y < LINES - 2) {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		line = xstrndup(text, (size_t)(nl - text));
		y += wz_para(y, 4, ws_normal, line);
		free(line);
		text = *nl != '\0' ? nl + 1 : nl;
	}
}

void
wz_draw_save(struct wz *wz)
{
	struct account	 a;
	struct sbuf	 sb;
	struct error	 e = { 0 };
	char		*msg;
	int		 y = 2;

	if (wz->screen == WZ_DONE) {
		msg = xasprintf(_("Saved in %s. The same check as postern "
		    "--check:"), wz->params->config_path);
		y += wz_para(y, 2, ws_bold, msg);
		free(msg);
		if (wz->check_text != NULL)
			ws_draw_lines(y + 1, wz->check_text);
		return;
	}
	msg = xasprintf(_("Postern will add this to %s (mode 0600; no "
	    "password in it):"), wz->params->config_path);
	y += wz_para(y, 2, ws_bold, msg) + 1;
	free(msg);
	ws_account(wz, &a);
	sbuf_init(&sb);
	if (config_format_account(&sb, &a, &e) == 0)
		ws_draw_lines(y, sb.buf);
	else
		wz_para(y, 2, ws_normal, e.msg);
	sbuf_release(&sb);
	ws_account_clear(&a);
}
