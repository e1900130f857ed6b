/* src/config/password.c: passwords from the user's password command. */
#include <config.h>	/* autoconf's, not this folder's */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"

#define PASSWORD_MAX		4096	/* bytes read from the command */
#define PASSWORD_TIMEOUT	120	/* seconds: pinentry may ask the user */

/* Wipes and frees what the buffer held. */
static void
password_wipe(struct sbuf *b)
{
	if (b->alloc != 0)
		explicit_bzero(b->buf, b->alloc);
	sbuf_release(b);
}

void
config_password_free(char *pass)
{
	if (pass == NULL)
		return;
	explicit_bzero(pass, strlen(pass));
	free(pass);
}

/* Passwords typed for password-ask accounts, by account id. */
struct password_typed {
	char	*id;
	char	*pass;
};

static config_decrypt_cb	 password_decrypt;
static struct password_typed	*password_typed;
static size_t			 password_ntyped;
static pthread_mutex_t		 password_lock = PTHREAD_MUTEX_INITIALIZER;

void
config_password_set_decrypt(config_decrypt_cb cb)
{
	password_decrypt = cb;
}

void
config_password_set_asked(const char *id, const char *pass)
{
	size_t	 i;

	pthread_mutex_lock(&password_lock);
	for (i = 0; i < password_ntyped; i++) {
		if (strcmp(password_typed[i].id, id) == 0)
			break;
	}
	if (i == password_ntyped) {
		password_typed = xreallocarray(password_typed,
		    password_ntyped + 1, sizeof *password_typed);
		password_typed[i].id = xstrdup(id);
		password_ntyped++;
	} else
		config_password_free(password_typed[i].pass);
	password_typed[i].pass = xstrdup(pass);
	pthread_mutex_unlock(&password_lock);
}

void
config_password_forget(void)
{
	size_t	 i;

	pthread_mutex_lock(&password_lock);
	for (i = 0; i < password_ntyped; i++) {
		free(password_typed[i].id);
		config_password_free(password_typed[i].pass);
	}
	free(password_typed);
	password_typed = NULL;
	password_ntyped = 0;
	pthread_mutex_unlock(&password_lock);
}

static int
password_asked(const struct account *a, char **passp, struct error *err)
{
	size_t	 i;

	pthread_mutex_lock(&password_lock);
	for (i = 0; i < password_ntyped; i++) {
		if (strcmp(password_typed[i].id, a->id) == 0) {
			*passp = xstrdup(password_typed[i].pass);
			break;
		}
	}
	pthread_mutex_unlock(&password_lock);
	if (*passp == NULL)
		return error_set(err, ERROR_AUTH, _("account '%s' asks for "
		    "its password at start, and none was typed"), a->id);
	return 0;
}

static pid_t
password_spawn(const char *command, int *fdp, struct error *err)
{
	int	 fds[2], devnull;
	pid_t	 pid;

	if (pipe(fds) == -1)
		return error_set_errno(err, ERROR_SYS, "pipe");
	switch (pid = fork()) {
	case -1:
		close(fds[0]);
		close(fds[1]);
		return error_set_errno(err, ERROR_SYS, "fork");
	case 0:
		/* Only async-signal-safe calls between fork and exec. */
		devnull = open("/dev/null", O_RDONLY);
		if (devnull != -1)
			dup2(devnull, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	*fdp = fds[0];
	return pid;
}

/* Reads the command's output until EOF, the size limit or the deadline. */
static int
password_read(int fd, struct sbuf *out, struct error *err)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	char		 buf[512];
	time_t		 deadline = time(NULL) + PASSWORD_TIMEOUT;
	ssize_t		 n;
	int		 ret = 0;

	for (;;) {
		if (time(NULL) >= deadline) {
			ret = error_set(err, ERROR_AUTH,
			    _("the password command did not finish in %d "
			    "seconds"), PASSWORD_TIMEOUT);
			break;
		}
		if (poll(&pfd, 1, 1000) == -1 && errno != EINTR) {
			ret = error_set_errno(err, ERROR_SYS, "poll");
			break;
		}
		if ((pfd.revents & (POLLIN | POLLHUP)) == 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n > PASSWORD_MAX) {
			ret = error_set(err, ERROR_AUTH,
			    _("the password command printed too much"));
			break;
		}
		sbuf_add(out, buf, (size_t)n);
	}
	explicit_bzero(buf, sizeof buf);
	return ret;
}

int
config_password(const struct account *a, char **passp, struct error *err)
{
	struct sbuf	 out;
	char		*nl;
	pid_t		 pid;
	int		 fd = -1, status, ret;

	*passp = NULL;
	if (a->password_ask)
		return password_asked(a, passp, err);
	if (a->password_file != NULL) {
		if (password_decrypt == NULL)
			return error_set(err, ERROR_SYS, _("cannot decrypt "
			    "password files in this program"));
		return password_decrypt(a->password_file, passp, err);
	}
	if (a->password_command == NULL)
		return error_set(err, ERROR_AUTH,
		    _("account '%s' has no password-command"), a->id);
	sbuf_init(&out);
	if ((pid = password_spawn(a->password_command, &fd, err)) == -1)
		return -1;
	ret = password_read(fd, &out, err);
	close(fd);
	if (ret == -1)
		kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (ret == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		ret = error_set(err, ERROR_AUTH,
		    _("the password command of account '%s' failed (status "
		    "%d)"), a->id, WIFEXITED(status) ? WEXITSTATUS(status) :
		    -1);
	if (ret == 0) {
		/* The first line is the password (as pass prints it). */
		if ((nl = memchr(out.buf, '\n', out.len)) != NULL)
			sbuf_setlen(&out, (size_t)(nl - out.buf));
		if (out.len > 0 && out.buf[out.len - 1] == '\r')
			sbuf_setlen(&out, out.len - 1);
		if (out.len == 0)
			ret = error_set(err, ERROR_AUTH,
			    _("the password command of account '%s' printed "
			    "nothing"), a->id);
		else if (memchr(out.buf, '\0', out.len) != NULL ||
		    strchr(out.buf, '\r') != NULL)
			ret = error_set(err, ERROR_AUTH,
			    _("the password of account '%s' holds a control "
			    "character"), a->id);
	}
	if (ret == 0)
		*passp = xstrdup(out.buf);
	log_debug("password command of '%s': %s", a->id, ret == 0 ? "ok" :
	    "failed");
	password_wipe(&out);
	return ret;
}

/*
 * A password being obtained on a thread of its own while the caller
 * connects. The account is borrowed until config_password_pending_free,
 * which joins the thread, so the thread never outlives it.
 */
struct config_password_pending {
	const struct account	*account;
	pthread_t		 thread;
	int			 started;	/* thread runs or ran */
	int			 done;		/* result below is final */
	int			 ret;
	char			*pass;
	struct error		 err;
};

static void *
password_pending_run(void *arg)
{
	struct config_password_pending	*p = arg;

	p->ret = config_password(p->account, &p->pass, &p->err);
	return NULL;
}

struct config_password_pending *
config_password_start(const struct account *a)
{
	struct config_password_pending	*p;
	sigset_t			 all, old;
	int				 r;

	p = xcalloc(1, sizeof *p);
	p->account = a;
	/* A typed password is at hand: no thread for a copy. */
	if (a->password_ask || (a->password_file == NULL &&
	    a->password_command == NULL)) {
		p->ret = config_password(a, &p->pass, &p->err);
		p->done = 1;
		return p;
	}
	/* Signals stay with the threads that expect them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&p->thread, NULL, password_pending_run, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r == 0) {
		p->started = 1;
		log_debug("password of '%s': started", a->id);
	} else
		log_warn("password of '%s': no thread (%s), getting it at "
		    "once", a->id, strerror(r));
	return p;
}

struct config_password_pending *
config_password_known(const char *pass)
{
	struct config_password_pending	*p;

	p = xcalloc(1, sizeof *p);
	p->pass = xstrdup(pass);
	p->done = 1;
	return p;
}

int
config_password_wait(struct config_password_pending *p, const char **passp,
    struct error *err)
{
	*passp = NULL;
	if (!p->done) {
		if (p->started)
			pthread_join(p->thread, NULL);
		else
			p->ret = config_password(p->account, &p->pass,
			    &p->err);
		p->started = 0;
		p->done = 1;
	}
	if (p->ret == -1) {
		if (err != NULL)
			*err = p->err;
		return -1;
	}
	*passp = p->pass;
	return 0;
}

void
config_password_pending_free(struct config_password_pending *p)
{
	const char	*pass;

	if (p == NULL)
		return;
	/* Joins a thread nobody waited for: no zombie, nothing unwiped. */
	(void)config_password_wait(p, &pass, NULL);
	config_password_free(p->pass);
	free(p);
}
