/* src/pop3/fetch.c: one POP3 check: download new mail, apply the policy. */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libetpan/libetpan.h>
#include <openssl/evp.h>

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
#define POP3_MAX_HEADER		(256 * 1024)	/* bytes of a header we parse */
/*
 * Downloads are made durable in batches (one file system sync and one
 * commit each, not two fsyncs and a commit a message): at most this many
 * messages, bytes or milliseconds of downloading in one.
 */
#define POP3_BATCH_MESSAGES	200
#define POP3_BATCH_BYTES	(16 * 1024 * 1024)
#define POP3_BATCH_MS		2000

struct pop3_session {
	const struct account	*acct;
	mailpop3		*f;
	struct net_watchdog	*wd;		/* borrowed */
	struct store		*st;		/* borrowed */
	const char		*host;
	int			 timeout;
	int64_t			 now;
	pop3_note_cb		 note;
	pop3_progress_cb	 progress;
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

/*
 * libetpan's private session states (mailpop3.c): after a login of our
 * own, the session must say TRANSACTION for LIST, RETR and DELE to work.
 */
#define POP3_LIBETPAN_STATE_AUTHORIZATION	1
#define POP3_LIBETPAN_STATE_TRANSACTION		2
#define POP3_MAX_COMMAND	1024	/* bytes of one command we send */

/*
 * Sends one command line (without CRLF) and reads the one-line answer:
 * 0 for +OK, 1 for a "+ " continuation, -1 with err otherwise. The
 * server's line goes to resp (resplen bytes, cut).
 */
static int
pop3_command(struct pop3_session *s, const char *cmd, const char *what,
    char *resp, size_t resplen, struct error *err)
{
	MMAPString	*line;
	const char	*text = NULL;
	size_t		 len = strlen(cmd);
	int		 ret;

	if (len > POP3_MAX_COMMAND)
		return error_set(err, ERROR_INPUT, _("%s: %s command too "
		    "long"), s->host, what);
	if ((line = mmap_string_new("")) == NULL)
		return error_set(err, ERROR_SYS, "mmap_string_new");
	pop3_arm(s, s->timeout);
	if (mailstream_write(s->f->pop3_stream, cmd, len) == (ssize_t)len &&
	    mailstream_write(s->f->pop3_stream, "\r\n", 2) == 2 &&
	    mailstream_flush(s->f->pop3_stream) == 0)
		text = mailstream_read_line_remove_eol(s->f->pop3_stream,
		    line);
	if (net_watchdog_disarm(s->wd)) {
		mmap_string_free(line);
		return error_set(err, ERROR_NET, _("%s: %s timed out"),
		    s->host, what);
	}
	if (text == NULL) {
		mmap_string_free(line);
		return error_set(err, ERROR_NET, _("%s: connection lost "
		    "during %s"), s->host, what);
	}
	snprintf(resp, resplen, "%s", text);
	if (strncmp(text, "+OK", 3) == 0)
		ret = 0;
	else if (text[0] == '+' && (text[1] == ' ' || text[1] == '\0'))
		ret = 1;
	else {
		/* "-ERR [AUTH] Authentication failed." */
		text += strncmp(text, "-ERR", 4) == 0 ? 4 : 0;
		text += strspn(text, " ");
		ret = error_set(err, ERROR_AUTH, _("%s: %s login failed: "
		    "%.*s"), s->host, what, POP3_SERVER_TEXT, *text != '\0' ?
		    text : _("no reason given"));
	}
	mmap_string_free(line);
	return ret;
}

/*
 * RFC 1939 APOP: the MD5 of the greeting's timestamp followed by the
 * password, as 32 lower-case hex digits into hex. libetpan's own MD5 is
 * wrong on 64-bit machines, so OpenSSL computes it.
 */
int
pop3_apop_digest(const char *timestamp, const char *password,
    char hex[POP3_APOP_HEX])
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	EVP_MD_CTX		*ctx;
	int			 ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, timestamp, strlen(timestamp)) == 1 &&
	    EVP_DigestUpdate(ctx, password, strlen(password)) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[2 * mdlen] = '\0';
	return 0;
}

static int
pop3_login_apop(struct pop3_session *s, const char *password,
    struct error *err)
{
	char	 hex[POP3_APOP_HEX], resp[POP3_SERVER_TEXT + 1], *cmd;
	int	 r;

	if (pop3_apop_digest(s->f->pop3_timestamp, password, hex) == -1)
		return error_set(err, ERROR_SYS, _("MD5 is not available"));
	log_info("%s: APOP as the configured user", s->host);
	cmd = xasprintf("APOP %s %s", s->acct->username, hex);
	r = pop3_command(s, cmd, "APOP", resp, sizeof resp, err);
	explicit_bzero(hex, sizeof hex);
	free(cmd);
	return r == 0 ? 0 : r == 1 ? error_set(err, ERROR_PROTO,
	    _("%s: unexpected answer to APOP"), s->host) : -1;
}

/* RFC 5034 AUTH PLAIN with the initial response. */
static int
pop3_login_plain(struct pop3_session *s, const char *password,
    struct error *err)
{
	struct sbuf	 raw, cmd;
	char		 resp[POP3_SERVER_TEXT + 1];
	size_t		 enclen;
	int		 r;

	sbuf_init(&raw);
	sbuf_init(&cmd);
	sbuf_addch(&raw, '\0');
	sbuf_addstr(&raw, s->acct->username);
	sbuf_addch(&raw, '\0');
	sbuf_addstr(&raw, password);
	enclen = 4 * ((raw.len + 2) / 3);
	sbuf_addstr(&cmd, "AUTH PLAIN ");
	sbuf_grow(&cmd, enclen + 1);
	EVP_EncodeBlock((unsigned char *)cmd.buf + cmd.len,
	    (const unsigned char *)raw.buf, (int)raw.len);
	sbuf_setlen(&cmd, cmd.len + enclen);
	log_info("%s: AUTH PLAIN as the configured user", s->host);
	r = pop3_command(s, cmd.buf, "AUTH PLAIN", resp, sizeof resp, err);
	if (r == 1) {
		/* A challenge after an initial response: cancel it. */
		r = pop3_command(s, "*", "AUTH PLAIN", resp, sizeof resp,
		    err);
		if (r != -1)
			r = error_set(err, ERROR_PROTO, _("%s: unexpected "
			    "answer to AUTH PLAIN"), s->host);
	}
	explicit_bzero(raw.buf, raw.len);
	explicit_bzero(cmd.buf, cmd.len);
	sbuf_release(&raw);
	sbuf_release(&cmd);
	return r;
}

static int
pop3_login_user(struct pop3_session *s, const char *password,
    struct error *err)
{
	int	 r;

	log_info("%s: USER/PASS as the configured user", s->host);
	pop3_arm(s, s->timeout);
	r = mailpop3_user(s->f, s->acct->username);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(s->f, password);
	return pop3_done(s, r, "USER/PASS", err);
}

/* 1 if CAPA lists SASL with PLAIN, 0 if not, -1 on a dead stream. */
static int
pop3_offers_plain(struct pop3_session *s, struct error *err)
{
	struct mailpop3_capa	*capa;
	clist			*list = NULL;
	clistiter		*it, *p;
	const char		*mech;
	int			 r, found = 0;

	pop3_arm(s, s->timeout);
	r = mailpop3_capa(s->f, &list);
	if (net_watchdog_disarm(s->wd) || r == MAILPOP3_ERROR_STREAM) {
		if (list != NULL)
			mailpop3_capa_resp_free(list);
		return error_set(err, ERROR_NET, _("%s: connection lost "
		    "during CAPA"), s->host);
	}
	if (r != MAILPOP3_NO_ERROR || list == NULL)
		return 0;
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		capa = clist_content(it);
		if (capa->cap_name == NULL ||
		    strcasecmp(capa->cap_name, "SASL") != 0 ||
		    capa->cap_param == NULL)
			continue;
		for (p = clist_begin(capa->cap_param); p != NULL;
		    p = clist_next(p)) {
			mech = clist_content(p);
			if (mech != NULL && strcasecmp(mech, "PLAIN") == 0)
				found = 1;
		}
	}
	mailpop3_capa_resp_free(list);
	return found;
}

/*
 * Logs in as pop3.auth says. auto: APOP when the greeting has a
 * timestamp (the password never crosses the wire), else AUTH PLAIN when
 * CAPA offers it, else USER/PASS; a refused APOP falls back to those.
 * Every way runs over the verified TLS session only.
 */
static int
pop3_login(struct pop3_session *s, const char *password, struct error *err)
{
	enum pop3_auth	 auth = s->acct->pop3_auth;
	const char	*ts = s->f->pop3_timestamp;
	int		 r, plain;

	if (auth == POP3_AUTH_APOP || (auth == POP3_AUTH_AUTO && ts != NULL &&
	    *ts != '\0')) {
		if (ts == NULL || *ts == '\0')
			return error_set(err, ERROR_AUTH, _("%s: pop3.auth is "
			    "apop, but the server's greeting has no APOP "
			    "timestamp"), s->host);
		r = pop3_login_apop(s, password, err);
		if (r == 0 || auth == POP3_AUTH_APOP || err->kind != ERROR_AUTH)
			goto done;
		log_info("%s: APOP refused, trying the other ways", s->host);
		error_clear(err);
	}
	if (auth == POP3_AUTH_USER)
		plain = 0;
	else if ((plain = pop3_offers_plain(s, err)) == -1)
		return -1;
	if (auth == POP3_AUTH_SASL && !plain)
		return error_set(err, ERROR_AUTH, _("%s: pop3.auth is sasl, "
		    "but the server offers no SASL PLAIN"), s->host);
	r = plain ? pop3_login_plain(s, password, err) :
	    pop3_login_user(s, password, err);
done:
	if (r == 0)
		s->f->pop3_state = POP3_LIBETPAN_STATE_TRANSACTION;
	return r;
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
		pop3_note(s, P_("%u message without a usable UIDL was left "
		    "on the server", "%u messages without a usable UIDL were "
		    "left on the server", nouidl), nouidl);
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

/*
 * A message over the size limit stays on the server; TOP 0 gives its
 * header, so that the note names its sender and subject.
 */
static int
pop3_skip(struct pop3_session *s, const struct pop3_entry *e,
    struct error *err)
{
	const struct account	*a = s->acct;
	struct store_msg	 m;
	char			*msg = NULL;
	size_t			 len = 0;
	unsigned		 limit;
	int			 r;

	limit = a->pop3_max_message_size > 0 &&
	    a->pop3_max_message_size < STORE_MAX_MESSAGE ?
	    (unsigned)a->pop3_max_message_size : (unsigned)STORE_MAX_MESSAGE;
	memset(&m, 0, sizeof m);
	pop3_arm(s, pop3_deadline(s, POP3_MAX_HEADER));
	r = mailpop3_top(s->f, e->index, 0, &msg, &len);
	if (pop3_done(s, r, "TOP", err) == -1) {
		if (msg != NULL)
			mailpop3_top_free(msg);
		if (err->kind == ERROR_NET || err->kind == ERROR_PROTO)
			return -1;
		error_clear(err);	/* TOP is optional (RFC 1939) */
		msg = NULL;
	}
	if (msg != NULL) {
		store_parse_headers(msg, len > POP3_MAX_HEADER ?
		    POP3_MAX_HEADER : len, &m);
		mailpop3_top_free(msg);
	}
	pop3_note(s, _("skipped a message from %s, \"%s\" (%u bytes, over "
	    "the limit of %u; UIDL %s); it stays on the server"),
	    m.from != NULL && *m.from != '\0' ? m.from : _("(unknown sender)"),
	    m.subject != NULL ? m.subject : "", (unsigned)e->size, limit,
	    e->uidl);
	store_msg_clear(&m);
	return 0;
}

/*
 * Downloads one message not recorded yet into the open batch; *delp is
 * set when the policy deletes it from the server, which waits until the
 * batch is durable.
 */
static int
pop3_fetch_one(struct pop3_session *s, const struct pop3_entry *e,
    struct sbuf *buf, int *delp, struct error *err)
{
	const struct account	*a = s->acct;
	struct store_uidl	 u;
	int			 stored, r;

	if (e->size > STORE_MAX_MESSAGE || (a->pop3_max_message_size > 0 &&
	    e->size > a->pop3_max_message_size)) {
		s->res->skipped++;
		return pop3_skip(s, e, err);
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
	*delp = pop3_policy_deletes(a, &u, s->now);
	return 0;
}

/* The milliseconds of CLOCK_MONOTONIC. */
static int64_t
pop3_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Makes the open batch durable, then sends the DELEs that waited for it
 * (v[later[0..*nlaterp]]); with again, opens the next batch.
 */
static int
pop3_batch_flush(struct pop3_session *s, const struct pop3_entry *v,
    size_t *later, size_t *nlaterp, int again, const char ***delp,
    size_t *ndelp, struct error *err)
{
	size_t	 i, n = *nlaterp;

	*nlaterp = 0;
	if (store_pop3_batch_end(s->st, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (pop3_dele(s, &v[later[i]], delp, ndelp, err) == -1)
			return -1;
	}
	return again ? store_pop3_batch_begin(s->st, err) : 0;
}

/* The main loop over the listing. */
static int
pop3_run(struct pop3_session *s, struct pop3_entry *v, size_t n,
    const char ***delp, size_t *ndelp, struct error *err)
{
	struct store_uidl	 u;
	struct sbuf		 buf;
	struct error		 e2 = { 0 };
	unsigned char		*fresh;
	size_t			*later, nlater = 0, i, nbatch = 0, bytes = 0;
	uint32_t		 total = 0, done = 0;
	int64_t			 started = 0;
	int			 r, ret = -1, del;

	/* First which are new, so that the progress knows the total. */
	fresh = xcalloc(n > 0 ? n : 1, 1);
	for (i = 0; i < n; i++) {
		r = v[i].repeated ? 1 : store_pop3_get(s->st, v[i].uidl, &u,
		    err);
		if (r == -1) {
			free(fresh);
			return -1;
		}
		fresh[i] = r == 1;
		total += r == 1;
	}
	later = xreallocarray(NULL, n > 0 ? n : 1, sizeof *later);
	sbuf_init(&buf);
	if (store_pop3_batch_begin(s->st, err) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (fresh[i]) {
			if (s->progress != NULL)
				s->progress(++done, total, s->arg);
			if (nbatch == 0)
				started = pop3_ms();
			del = 0;
			if (pop3_fetch_one(s, &v[i], &buf, &del, err) == -1)
				goto out;
			if (del)
				later[nlater++] = i;
			nbatch++;
			bytes += buf.len;
			if ((nbatch >= POP3_BATCH_MESSAGES ||
			    bytes >= POP3_BATCH_BYTES ||
			    pop3_ms() - started >= POP3_BATCH_MS)) {
				if (pop3_batch_flush(s, v, later, &nlater, 1,
				    delp, ndelp, err) == -1)
					goto out;
				nbatch = bytes = 0;
			}
			continue;
		}
		if ((r = store_pop3_get(s->st, v[i].uidl, &u, err)) == -1)
			goto out;
		if (r == 0 && pop3_policy_deletes(s->acct, &u, s->now) &&
		    pop3_dele(s, &v[i], delp, ndelp, err) == -1)
			goto out;
	}
	ret = pop3_batch_flush(s, v, later, &nlater, 0, delp, ndelp, err);
out:
	/*
	 * Cut short: what came whole is kept (its DELEs wait for the next
	 * check, which finds the messages recorded).
	 */
	if (ret == -1 && store_pop3_batch_end(s->st, &e2) == -1)
		log_warn("%s: %s", s->host, e2.msg);
	sbuf_release(&buf);
	free(later);
	free(fresh);
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
pop3_fetch(const struct account *a, struct config_password_pending *pending,
    struct store *st, struct net_watchdog *wd, int64_t now,
    pop3_note_cb note, void *arg, struct pop3_result *res,
    struct error *err)
{
	return pop3_fetch_progress(a, pending, st, wd, now, note, NULL, arg,
	    res, err);
}

int
pop3_fetch_progress(const struct account *a,
    struct config_password_pending *pending, struct store *st,
    struct net_watchdog *wd, int64_t now, pop3_note_cb note,
    pop3_progress_cb progress, void *arg, struct pop3_result *res,
    struct error *err)
{
	struct pop3_session	 s;
	struct pop3_entry	*v = NULL;
	const char		**del = NULL, *password;
	size_t			 n = 0, ndel = 0;
	int			 ret = -1, quit_ok;

	memset(res, 0, sizeof *res);
	if (a->pop3.host == NULL)
		return error_set(err, ERROR_INPUT,
		    _("account '%s' names no POP3 server"), a->id);
	if (net_check_wire_string(_("user name"), a->username, err) == -1)
		return -1;
	memset(&s, 0, sizeof s);
	s.acct = a;
	s.wd = wd;
	s.st = st;
	s.now = now;
	s.note = note;
	s.progress = progress;
	s.arg = arg;
	s.res = res;
	if (pop3_open(&s, err) == -1)
		return -1;
	/* The password command ran while the connection was made. */
	log_debug("%s: connected, waiting for the password", s.host);
	if (config_password_wait(pending, &password, err) == -1 ||
	    net_check_wire_string(_("password"), password, err) == -1 ||
	    pop3_login(&s, password, err) == -1 ||
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
