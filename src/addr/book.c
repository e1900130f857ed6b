/* src/addr/book.c: the address book in SQLite, and completion. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sqlite3.h>

#include "addr/addr.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/mime.h"

#define ADDR_BUSY_MS	2000	/* another Postern writing the book */

struct addrbook {
	sqlite3		*db;
};

static const char addr_schema[] =
    "CREATE TABLE IF NOT EXISTS addresses ("
    " addr TEXT PRIMARY KEY COLLATE NOCASE,"
    " name TEXT,"
    " nsent INTEGER NOT NULL DEFAULT 0,"
    " nread INTEGER NOT NULL DEFAULT 0,"
    " last_used INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS addresses_last ON addresses(last_used);";

char *
addrbook_path(void)
{
	return fs_xdg_path("XDG_DATA_HOME", ".local/share",
	    "postern/addressbook.sqlite");
}

static int
addr_db_error(struct addrbook *ab, const char *what, struct error *err)
{
	return error_set(err, ERROR_SYS, _("address book: %s: %s"), what,
	    sqlite3_errmsg(ab->db));
}

struct addrbook *
addrbook_open(const char *path, struct error *err)
{
	struct addrbook	*ab;

	if (fs_mkdir_parents(path, 0700, err) == -1)
		return NULL;
	ab = xcalloc(1, sizeof *ab);
	if (sqlite3_open_v2(path, &ab->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK ||
	    (sqlite3_busy_timeout(ab->db, ADDR_BUSY_MS),
	    sqlite3_exec(ab->db, addr_schema, NULL, NULL, NULL)) !=
	    SQLITE_OK) {
		error_set(err, ERROR_SYS, _("cannot open the address book "
		    "'%s': %s"), path, ab->db != NULL ?
		    sqlite3_errmsg(ab->db) : "?");
		addrbook_close(ab);
		return NULL;
	}
	return ab;
}

void
addrbook_close(struct addrbook *ab)
{
	if (ab == NULL)
		return;
	sqlite3_close(ab->db);
	free(ab);
}

/* A copy of s without control characters, at most max bytes; or NULL. */
static char *
addr_clean(const char *s, size_t max)
{
	char	*c;
	size_t	 i, n;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	if (n > max) {
		n = max;
		/* Not in the middle of a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return NULL;
	c = xstrndup(s, n);
	for (i = 0; i < n; i++) {
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			c[i] = ' ';
	}
	return c;
}

/* Keeps the book within ADDR_MAX_ENTRIES: the least recent go. */
static void
addr_prune(struct addrbook *ab)
{
	char	*sql;

	sql = xasprintf("DELETE FROM addresses WHERE rowid IN (SELECT rowid "
	    "FROM addresses ORDER BY last_used LIMIT max(0, (SELECT count(*) "
	    "FROM addresses) - %d))", ADDR_MAX_ENTRIES);
	if (sqlite3_exec(ab->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		log_warn("address book: prune: %s", sqlite3_errmsg(ab->db));
	free(sql);
}

int
addrbook_note(struct addrbook *ab, const char *name, const char *addr,
    enum addr_use use, time_t when, struct error *err)
{
	static const char	 sql[] =
	    "INSERT INTO addresses (addr, name, nsent, nread, last_used) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (addr) DO UPDATE SET "
	    "name = coalesce(excluded.name, name), "
	    "nsent = nsent + excluded.nsent, nread = nread + excluded.nread, "
	    "last_used = max(last_used, excluded.last_used)";
	sqlite3_stmt		*st = NULL;
	char			*n;
	int			 ret = -1;

	if (addr == NULL || strchr(addr, '@') == NULL || strlen(addr) > 254)
		return error_set(err, ERROR_INPUT, _("not an address: '%s'"),
		    addr != NULL ? addr : "");
	n = addr_clean(name, ADDR_MAX_NAME);
	if (sqlite3_prepare_v2(ab->db, sql, -1, &st, NULL) != SQLITE_OK) {
		addr_db_error(ab, "prepare", err);
		goto out;
	}
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_TRANSIENT);
	if (n != NULL)
		sqlite3_bind_text(st, 2, n, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int(st, 3, use == ADDR_USE_SENT);
	sqlite3_bind_int(st, 4, use == ADDR_USE_READ);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)when);
	if (sqlite3_step(st) != SQLITE_DONE) {
		addr_db_error(ab, "insert", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	free(n);
	return ret;
}

/* prefix for LIKE: '%', '_' and '\' escaped. */
static char *
addr_like(const char *prefix)
{
	struct sbuf	 b;

	sbuf_init(&b);
	for (; *prefix != '\0'; prefix++) {
		if (*prefix == '%' || *prefix == '_' || *prefix == '\\')
			sbuf_addch(&b, '\\');
		sbuf_addch(&b, *prefix);
	}
	sbuf_addch(&b, '%');
	return sbuf_detach(&b, NULL);
}

static void
addr_push(struct addr_candidates *out, const char *name, const char *addr,
    enum addr_source source)
{
	struct addr_candidate	*c;

	out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
	c = &out->v[out->n++];
	memset(c, 0, sizeof *c);
	c->name = addr_clean(name, ADDR_MAX_NAME);
	c->addr = addr_clean(addr, 254);
	c->source = source;
}

int
addrbook_lookup(struct addrbook *ab, const char *prefix, size_t max,
    struct addr_candidates *out, struct error *err)
{
	static const char	 sql[] =
	    "SELECT addr, name, nsent, nread, last_used FROM addresses "
	    "WHERE addr LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' "
	    "OR name LIKE '% ' || ?1 ESCAPE '\\' "
	    "ORDER BY nsent > 0 DESC, nsent * 3 + nread DESC, "
	    "last_used DESC, addr LIMIT ?2";
	sqlite3_stmt		*st = NULL;
	struct addr_candidate	*c;
	char			*like;
	int			 r, ret = 0;

	if (max > ADDR_MAX_CANDIDATES)
		max = ADDR_MAX_CANDIDATES;
	like = addr_like(prefix);
	if (sqlite3_prepare_v2(ab->db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(like);
		return addr_db_error(ab, "prepare", err);
	}
	sqlite3_bind_text(st, 1, like, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, (int)max);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		addr_push(out, (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 0), ADDR_SOURCE_BOOK);
		c = &out->v[out->n - 1];
		c->nsent = (unsigned)sqlite3_column_int(st, 2);
		c->nread = (unsigned)sqlite3_column_int(st, 3);
		c->last = (time_t)sqlite3_column_int64(st, 4);
		if (c->addr == NULL) {
			free(c->name);
			out->n--;
		}
	}
	if (r != SQLITE_DONE)
		ret = addr_db_error(ab, "lookup", err);
	sqlite3_finalize(st);
	free(like);
	return ret;
}

void
addr_candidates_release(struct addr_candidates *cs)
{
	size_t	 i;

	for (i = 0; i < cs->n; i++) {
		free(cs->v[i].name);
		free(cs->v[i].addr);
	}
	free(cs->v);
	cs->v = NULL;
	cs->n = 0;
}

/* Whether name can stand as an RFC 5322 phrase without quotes. */
static int
addr_name_is_atoms(const char *name)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p >= 0x80 || *p == ' ' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			continue;
		if (strchr("!#$%&'*+-/=?^_`{|}~", *p) == NULL)
			return 0;
	}
	return 1;
}

char *
addr_candidate_format(const struct addr_candidate *c)
{
	struct sbuf	 b;
	const char	*p;

	if (c->name == NULL || *c->name == '\0')
		return xstrdup(c->addr);
	sbuf_init(&b);
	if (addr_name_is_atoms(c->name))
		sbuf_addstr(&b, c->name);
	else {
		sbuf_addch(&b, '"');
		for (p = c->name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_addch(&b, '\\');
			sbuf_addch(&b, *p);
		}
		sbuf_addch(&b, '"');
	}
	sbuf_addf(&b, " <%s>", c->addr);
	return sbuf_detach(&b, NULL);
}

static int
addr_known(const struct addr_candidates *cs, size_t from, const char *addr)
{
	size_t	 i;

	for (i = from; i < cs->n; i++) {
		if (strcasecmp(cs->v[i].addr, addr) == 0)
			return 1;
	}
	return 0;
}

int
addrbook_complete(const char *query_command, const char *prefix,
    size_t max, struct addr_candidates *out, struct error *err)
{
	struct addr_candidates	 q = { NULL, 0 };
	struct addrbook		*ab;
	struct error		 e = { 0 };
	char			*path;
	size_t			 start = out->n, i;
	int			 asked = 0;

	if (max > ADDR_MAX_CANDIDATES)
		max = ADDR_MAX_CANDIDATES;
	path = addrbook_path();
	if ((ab = addrbook_open(path, &e)) == NULL)
		log_warn("%s", e.msg);
	else if (addrbook_lookup(ab, prefix, max, out, &e) == -1)
		log_warn("%s", e.msg);
	else
		asked = 1;
	addrbook_close(ab);
	free(path);
	if (query_command != NULL && *query_command != '\0' && *prefix !=
	    '\0' && out->n - start < max) {
		if (addr_query_run(query_command, prefix, max, &q, &e) == -1)
			log_warn("%s", e.msg);
		else
			asked = 1;
		for (i = 0; i < q.n && out->n - start < max; i++) {
			if (addr_known(out, start, q.v[i].addr))
				continue;
			addr_push(out, q.v[i].name, q.v[i].addr,
			    ADDR_SOURCE_QUERY);
		}
		addr_candidates_release(&q);
	}
	if (!asked)
		return error_set(err, e.kind, "%s", e.msg);
	return 0;
}

/* Notes every address of l (not in skip) as used. */
static void
addr_note_list(struct addrbook *ab, const struct mime_address_list *l,
    enum addr_use use, time_t now)
{
	struct error	 e = { 0 };
	size_t		 i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].addr == NULL)
			continue;
		if (addrbook_note(ab, l->v[i].name, l->v[i].addr, use, now,
		    &e) == -1)
			log_warn("%s", e.msg);
	}
}

static int
addr_in_list(const struct mime_address_list *l, const char *addr)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].addr != NULL && strcasecmp(l->v[i].addr, addr) == 0)
			return 1;
	}
	return 0;
}

void
addrbook_note_message(const char *msg, size_t len, char *const *rcpts,
    size_t n, enum addr_use use)
{
	static const char *const sent[] = { "To", "Cc", "Bcc", NULL };
	static const char *const read[] = { "From", "Reply-To", NULL };
	struct mime_address_list l = { NULL, 0 };
	const char *const	*f;
	struct addrbook		*ab;
	struct error		 e = { 0 };
	char			*path;
	time_t			 now = time(NULL);
	size_t			 i;

	for (f = use == ADDR_USE_SENT ? sent : read; *f != NULL; f++) {
		if (mime_header_address_list(msg, len, *f, &l, &e) == -1)
			log_debug("%s: %s", *f, e.msg);
	}
	path = addrbook_path();
	if ((ab = addrbook_open(path, &e)) == NULL) {
		log_warn("%s", e.msg);
		goto out;
	}
	if (sqlite3_exec(ab->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		log_warn("address book: %s", sqlite3_errmsg(ab->db));
	addr_note_list(ab, &l, use, now);
	for (i = 0; i < n; i++) {
		if (!addr_in_list(&l, rcpts[i]) &&
		    addrbook_note(ab, NULL, rcpts[i], use, now, &e) == -1)
			log_warn("%s", e.msg);
	}
	addr_prune(ab);
	if (sqlite3_exec(ab->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		log_warn("address book: %s", sqlite3_errmsg(ab->db));
	log_debug("%zu addresses noted", l.n + n);
out:
	addrbook_close(ab);
	free(path);
	mime_address_list_release(&l);
}
