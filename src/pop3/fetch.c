/* src/pop3/fetch.c: one POP3 check: download new mail, apply the policy. */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "net/net.h"
#include "pop3/pop3.h"
#include "store/store.h"

#define POP3_MIN_RATE		(16 * 1024)	/* bytes/s; slower is stalled */
#define POP3_SERVER_TEXT	200	/* bytes of server text we quote */
#define POP3_DAY		86400

struct pop3_session {
	const struct account	*acct;
	mailpop3		*f;
	struct net_watchdog	*wd;		/* borrowed */
	struct store		*st;		/* borrowed */
	const char		*host;
	int			 timeout;
	int64_t			 now;
	pop3_note_cb		 note;
	void			*arg;
	struct pop3_result	*res;
};

/* One message of the listing; uidl points into libetpan's table. */
struct pop3_entry {
	unsigned	 index;
	uint32_t	 size;
	const char	*uidl;
	int		 repeated;	/* the UIDL is listed more than once */
};

static const struct {
	int		 code;
	enum error_kind	 kind;
} pop3_error_kinds[] = {
	{ MAILPOP3_ERROR_STREAM, ERROR_NET },
	{ MAILPOP3_ERROR_CONNECTION_REFUSED, ERROR_NET },
	{ MAILPOP3_ERROR_BAD_USER, ERROR_AUTH },
	{ MAILPOP3_ERROR_BAD_PASSWORD, ERROR_AUTH },
	{ MAILPOP3_ERROR_DENIED, ERROR_AUTH },
	{ MAILPOP3_ERROR_UNAUTHORIZED, ERROR_AUTH },
	{ MAILPOP3_ERROR_BAD_STATE, ERROR_PROTO },
	{ MAILPOP3_ERROR_MEMORY, ERROR_SYS },
	{ MAILPOP3_ERROR_SSL, ERROR_TLS },
};

static int
pop3_deadline(const struct pop3_session *s, size_t bytes)
{
	size_t	 extra = bytes / POP3_MIN_RATE;

	if (extra > (size_t)(INT_MAX - s->timeout))
		return INT_MAX;
	return s->timeout + (int)extra;
}

static void
pop3_arm(struct pop3_session *s, int seconds)
{
	net_watchdog_arm(s->wd, s->f->pop3_stream, seconds);
}

/* Disarms the watchdog and turns libetpan's result r into an error. */
static int
pop3_done(struct pop3_session *s, int r, const char *what,
    struct error *err)
{
	enum error_kind	 kind = ERROR_SERVER;
	const char	*text;
	size_t		 i;

	if (net_watchdog_disarm(s->wd)) {
		log_warn("%s: %s timed out", s->host, what);
		return error_set(err, ERROR_NET, _("%s: %s timed out"),
		    s->host, what);
	}
	if (r == MAILPOP3_NO_ERROR)
		return 0;
	for (i = 0; i < sizeof pop3_error_kinds / sizeof pop3_error_kinds[0];
	    i++) {
		if (pop3_error_kinds[i].code == r)
			kind = pop3_error_kinds[i].kind;
	}
	text = s->f->pop3_response;
	if (text == NULL || *text == '\0')
		text = _("no reason given");
	log_warn("%s: %s failed: libetpan error %d (%s)", s->host, what, r,
	    error_kind_name(kind));
	switch (kind) {
	case ERROR_NET:
		return error_set(err, kind, _("%s: connection lost during %s"),
		    s->host, what);
	case ERROR_AUTH:
		return error_set(err, kind, _("%s: login failed: %.*s"),
		    s->host, POP3_SERVER_TEXT, text);
	default:
		return error_set(err, kind, _("%s: %s failed: %.*s"), s->host,
		    what, POP3_SERVER_TEXT, text);
	}
}

void
pop3_to_maildir(const char *msg, size_t len, struct sbuf *out)
{
	size_t	 i, start = 0;

	sbuf_reset(out);
	sbuf_grow(out, len);
	for (i = 0; i + 1 < len; i++) {
		if (msg[i] == '\r' && msg[i + 1] == '\n') {
			sbuf_add(out, msg + start, i - start);
			start = i + 1;		/* keeps the '\n' */
		}
	}
	sbuf_add(out, msg + start, len - start);
}

/* RFC 1939: a UIDL is 1 to 70 characters 0x21 to 0x7E. */
static int
pop3_valid_uidl(const char *u)
{
	size_t	 n;

	if (u == NULL)
		return 0;
	for (n = 0; u[n] != '\0'; n++) {
		if (n >= STORE_MAX_UIDL || (unsigned char)u[n] < 0x21 ||
		    (unsigned char)u[n] > 0x7e)
			return 0;
	}
	return n > 0;
}

static int
pop3_entry_cmp(const void *a, const void *b)
{
	const struct pop3_entry	*const *x = a, *const *y = b;

	return strcmp((*x)->uidl, (*y)->uidl);
}

/* Marks the entries whose UIDL appears more than once. */
static void
pop3_mark_repeats(struct pop3_entry *v, size_t n)
{
	struct pop3_entry	**p;
	size_t			 i;

	if (n < 2)
		return;
	p = xreallocarray(NULL, n, sizeof *p);
	for (i = 0; i < n; i++)
		p[i] = &v[i];
	qsort(p, n, sizeof *p, pop3_entry_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(p[i - 1]->uidl, p[i]->uidl) == 0)
			p[i - 1]->repeated = p[i]->repeated = 1;
	}
	free(p);
}

static void
pop3_note(struct pop3_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pop3_note(struct pop3_session *s, const char *fmt, ...)
{
	struct sbuf	 b;
	va_list		 ap;

	sbuf_init(&b);
	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	log_info("%s: %s", s->host, b.buf);
	if (s->note != NULL)
		s->note(b.buf, s->arg);
	sbuf_release(&b);
}

static int
pop3_login(struct pop3_session *s, const char *password, struct error *err)
{
	int	 r;

	log_info("%s: USER/PASS as the configured user", s->host);
	pop3_arm(s, s->timeout);
	r = mailpop3_user(s->f, s->acct->username);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(s->f, password);
	return pop3_done(s, r, "USER/PASS", err);
}

/* LIST and UIDL; *vp gets the usable entries. */
static int
pop3_listing(struct pop3_session *s, struct pop3_entry **vp, size_t *np,
    struct error *err)
{
	struct mailpop3_msg_info	*info;
	struct pop3_entry		*v;
	carray				*tab = NULL;
	unsigned			 i, count, nouidl = 0;
	size_t				 n = 0;
	int				 r;

	pop3_arm(s, pop3_deadline(s, (size_t)POP3_MAX_MESSAGES * 16));
	r = mailpop3_list(s->f, &tab);
	if (pop3_done(s, r, "LIST/UIDL", err) == -1)
		return -1;
	count = tab == NULL ? 0 : carray_count(tab);
	if (count > POP3_MAX_MESSAGES)
		return error_set(err, ERROR_SERVER, _("%s: too many messages "
		    "on the server (%u)"), s->host, count);
	v = xcalloc(count > 0 ? count : 1, sizeof *v);
	for (i = 0; i < count; i++) {
		if ((info = carray_get(tab, i)) == NULL || info->msg_deleted)
			continue;
		if (!pop3_valid_uidl(info->msg_uidl)) {
			nouidl++;
			continue;
		}
		v[n].index = info->msg_index;
		v[n].size = info->msg_size;
		v[n].uidl = info->msg_uidl;
		n++;
	}
	if (nouidl > 0 && n == 0) {
		free(v);
		return error_set(err, ERROR_SERVER, _("%s: the server gives no "
		    "UIDL; without one Postern cannot tell new mail from old"),
		    s->host);
	}
	if (nouidl > 0)
		pop3_note(s, _("%u messages without a usable UIDL were left "
		    "on the server"), nouidl);
	pop3_mark_repeats(v, n);
	s->res->listed = (unsigned)n;
	*vp = v;
	*np = n;
	return 0;
}

/* Whether the policy wants a recorded message off the server now. */
static int
pop3_policy_deletes(const struct account *a, const struct store_uidl *u,
    int64_t now)
{
	if (!a->pop3_leave_on_server)
		return 1;
	if (a->pop3_delete_after_days >= 0 &&
	    now - u->first_seen >= (int64_t)a->pop3_delete_after_days *
	    POP3_DAY)
		return 1;
	if (a->pop3_delete_when_deleted_locally && u->message == 0)
		return 1;
	return 0;
}

static int
pop3_dele(struct pop3_session *s, const struct pop3_entry *e,
    const char ***delp, size_t *ndelp, struct error *err)
{
	int	 r;

	pop3_arm(s, s->timeout);
	r = mailpop3_dele(s->f, e->index);
	if (pop3_done(s, r, "DELE", err) == -1)
		return -1;
	*delp = xreallocarray(*delp, *ndelp + 1, sizeof **delp);
	(*delp)[(*ndelp)++] = e->uidl;
	return 0;
}

/* RETR into out as Maildir bytes. */
static int
pop3_retr(struct pop3_session *s, const struct pop3_entry *e,
    struct sbuf *out, struct error *err)
{
	char	*msg = NULL;
	size_t	 len = 0;
	int	 r;

	pop3_arm(s, pop3_deadline(s, e->size));
	r = mailpop3_retr(s->f, e->index, &msg, &len);
	if (pop3_done(s, r, "RETR", err) == -1) {
		if (msg != NULL)
			mailpop3_retr_free(msg);
		return -1;
	}
	if (len > STORE_MAX_MESSAGE) {
		mailpop3_retr_free(msg);
		return error_set(err, ERROR_PROTO, _("%s: message %u larger "
		    "than announced (%zu bytes)"), s->host, e->index, len);
	}
	pop3_to_maildir(msg, len, out);
	mailpop3_retr_free(msg);
	return 0;
}

/* Downloads one message not recorded yet, and DELEs it if the policy says. */
static int
pop3_fetch_one(struct pop3_session *s, const struct pop3_entry *e,
    struct sbuf *buf, const char ***delp, size_t *ndelp, struct error *err)
{
	const struct account	*a = s->acct;
	struct store_uidl	 u;
	int			 stored, r;

	if (e->size > STORE_MAX_MESSAGE || (a->pop3_max_message_size > 0 &&
	    e->size > a->pop3_max_message_size)) {
		s->res->skipped++;
		pop3_note(s, _("skipped message %s (%u bytes, over the limit "
		    "of %u); it stays on the server"), e->uidl,
		    (unsigned)e->size, a->pop3_max_message_size > 0 ?
		    (unsigned)a->pop3_max_message_size :
		    (unsigned)STORE_MAX_MESSAGE);
		return 0;
	}
	if (pop3_retr(s, e, buf, err) == -1)
		return -1;
	if (e->repeated) {
		/* Only the content tells messages with one UIDL apart. */
		if ((r = store_pop3_known_content(s->st, e->uidl, buf->buf,
		    buf->len, err)) == -1)
			return -1;
		if (r == 1)
			return 0;
	}
	if (store_pop3_deliver(s->st, e->uidl, buf->buf, buf->len, s->now,
	    &stored, err) == -1)
		return -1;
	s->res->fetched += stored;
	if (e->repeated)
		return 0;	/* never deleted: the index may mean either */
	u.first_seen = s->now;
	u.message = 1;
	if (pop3_policy_deletes(a, &u, s->now))
		return pop3_dele(s, e, delp, ndelp, err);
	return 0;
}

/* The main loop over the listing. */
static int
pop3_run(struct pop3_session *s, struct pop3_entry *v, size_t n,
    const char ***delp, size_t *ndelp, struct error *err)
{
	struct store_uidl	 u;
	struct sbuf		 buf;
	size_t			 i;
	int			 r, ret = -1;

	sbuf_init(&buf);
	for (i = 0; i < n; i++) {
		r = v[i].repeated ? 1 : store_pop3_get(s->st, v[i].uidl, &u,
		    err);
		if (r == -1)
			goto out;
		if (r == 1) {
			if (pop3_fetch_one(s, &v[i], &buf, delp, ndelp,
			    err) == -1)
				goto out;
			continue;
		}
		if (pop3_policy_deletes(s->acct, &u, s->now) &&
		    pop3_dele(s, &v[i], delp, ndelp, err) == -1)
			goto out;
	}
	ret = 0;
out:
	sbuf_release(&buf);
	return ret;
}

/*
 * Says QUIT and reads the answer ourselves: mailpop3_quit would free the
 * stream under the watchdog, and the answer tells whether the DELEs were
 * committed.
 */
static int
pop3_quit(struct pop3_session *s, struct error *err)
{
	MMAPString	*line;
	const char	*text;
	int		 ok = 0;

	if ((line = mmap_string_new("")) == NULL)
		return error_set(err, ERROR_SYS, "mmap_string_new");
	pop3_arm(s, s->timeout);
	if (mailstream_write(s->f->pop3_stream, "QUIT\r\n", 6) == 6 &&
	    mailstream_flush(s->f->pop3_stream) == 0 &&
	    (text = mailstream_read_line_remove_eol(s->f->pop3_stream,
	    line)) != NULL)
		ok = strncmp(text, "+OK", 3) == 0;
	if (net_watchdog_disarm(s->wd))
		ok = 0;
	mmap_string_free(line);
	if (!ok)
		return error_set(err, ERROR_SERVER, _("%s: QUIT failed; the "
		    "server may not have deleted the messages"), s->host);
	return 0;
}

static int
pop3_open(struct pop3_session *s, struct error *err)
{
	struct net_target	 t;

	net_target_from(&t, s->acct, &s->acct->pop3);
	t.watchdog = s->wd;
	s->host = s->acct->pop3.host;
	s->timeout = t.timeout > 0 ? t.timeout : NET_DEFAULT_TIMEOUT;
	if ((s->f = net_pop3_open(&t, err)) == NULL)
		return -1;
	return 0;
}

/* Notes which recorded UIDLs the server still holds. */
static int
pop3_sync(struct pop3_session *s, struct pop3_entry *v, size_t n,
    const char **del, size_t ndel, struct error *err)
{
	const char	**listed;
	size_t		  i;
	int		  ret;

	listed = xreallocarray(NULL, n > 0 ? n : 1, sizeof *listed);
	for (i = 0; i < n; i++)
		listed[i] = v[i].uidl;
	ret = store_pop3_sync(s->st, listed, n, del, ndel, s->now, err);
	free(listed);
	return ret;
}

int
pop3_fetch(const struct account *a, const char *password, struct store *st,
    struct net_watchdog *wd, int64_t now, pop3_note_cb note, void *arg,
    struct pop3_result *res, struct error *err)
{
	struct pop3_session	 s;
	struct pop3_entry	*v = NULL;
	const char		**del = NULL;
	size_t			 n = 0, ndel = 0;
	int			 ret = -1, quit_ok;

	memset(res, 0, sizeof *res);
	if (a->pop3.host == NULL)
		return error_set(err, ERROR_INPUT,
		    _("account '%s' names no POP3 server"), a->id);
	if (net_check_wire_string(_("user name"), a->username, err) == -1 ||
	    net_check_wire_string(_("password"), password, err) == -1)
		return -1;
	memset(&s, 0, sizeof s);
	s.acct = a;
	s.wd = wd;
	s.st = st;
	s.now = now;
	s.note = note;
	s.arg = arg;
	s.res = res;
	if (pop3_open(&s, err) == -1)
		return -1;
	if (pop3_login(&s, password, err) == -1 ||
	    pop3_listing(&s, &v, &n, err) == -1 ||
	    pop3_run(&s, v, n, &del, &ndel, err) == -1)
		goto out;
	quit_ok = pop3_quit(&s, err) == 0;
	if (pop3_sync(&s, v, n, del, quit_ok ? ndel : 0, err) == -1)
		goto out;
	if (quit_ok) {
		res->deleted = (unsigned)ndel;
		ret = 0;
	}
out:
	/* After QUIT, or instead of it: nothing more goes to the server. */
	net_pop3_close(s.f, 0);
	log_info("%s: %u new, %u skipped, %u deleted, %u listed%s", s.host,
	    res->fetched, res->skipped, res->deleted, res->listed,
	    ret == 0 ? "" : " (failed)");
	free(del);
	free(v);
	return ret;
}
