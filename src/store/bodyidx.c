/* src/store/bodyidx.c: the full-text index of local message bodies. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/mime.h"
#include "store/store.h"
#include "store/internal.h"

/*
 * body_words holds the decoded text of each message (rowid: the message
 * id, which is never reused), trigram-tokenized so that a query is a
 * case-insensitive substring match. A message deleted since leaves a
 * row that no search can reach (it is purged at the next indexing).
 */
static const char bodyidx_schema[] =
    /* body_text, of before: HTML indexed with its entities; reindexed. */
    "DROP TABLE IF EXISTS body_text;"
    "CREATE VIRTUAL TABLE IF NOT EXISTS body_words USING "
    "fts5(body, tokenize = 'trigram')";

static int
bodyidx_db_error(sqlite3 *db, const char *what, struct error *err)
{
	log_error("body index: %s: %s", what, sqlite3_errmsg(db));
	return error_set(err, ERROR_SYS, _("local store: %s failed: %s"),
	    what, sqlite3_errmsg(db));
}

static int
bodyidx_exec(sqlite3 *db, const char *sql, struct error *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return bodyidx_db_error(db, sql, err);
	return 0;
}

void
store_body_text(const char *msg, size_t len, struct sbuf *out)
{
	struct mime_part_list	 l = { NULL, 0 };
	struct mime_part	*p;
	struct sbuf		 raw, utf8;
	size_t			 i;

	sbuf_init(&raw);
	sbuf_init(&utf8);
	if (mime_parts(msg, len, &l, NULL) == -1) {
		mime_part_list_release(&l);
		return;
	}
	for (i = 0; i < l.n; i++) {
		p = &l.v[i];
		if (p->multipart || p->type == NULL ||
		    strncmp(p->type, "text/", 5) != 0 ||
		    p->body_len > STORE_BODY_PART_MAX)
			continue;
		sbuf_reset(&raw);
		sbuf_reset(&utf8);
		mime_part_decode(msg, len, p, &raw);
		mime_charset_to_utf8(p->charset, raw.buf != NULL ? raw.buf :
		    "", raw.len, &utf8);
		if (out->len > 0)
			sbuf_addch(out, '\n');
		/* As the pager shows it: entities decoded, no script. */
		if (strcmp(p->type, "text/html") == 0)
			mime_html_to_text(utf8.buf != NULL ? utf8.buf : "",
			    utf8.len, out);
		else if (utf8.len > 0)
			sbuf_add(out, utf8.buf, utf8.len);
	}
	sbuf_release(&raw);
	sbuf_release(&utf8);
	mime_part_list_release(&l);
}

/* The ids of folder's messages not in the index yet; a new array. */
static int
bodyidx_missing(sqlite3 *db, const char *folder, int64_t **idsp,
    size_t *np, struct error *err)
{
	sqlite3_stmt	*stmt = NULL;
	int64_t		*v = NULL;
	size_t		 n = 0, alloc = 0;
	int		 r;

	if (sqlite3_prepare_v2(db, "SELECT id FROM messages WHERE folder = "
	    "(SELECT id FROM folders WHERE name = ?1) AND id NOT IN "
	    "(SELECT rowid FROM body_words)", -1, &stmt, NULL) != SQLITE_OK)
		return bodyidx_db_error(db, "prepare", err);
	sqlite3_bind_text(stmt, 1, folder, -1, SQLITE_TRANSIENT);
	while ((r = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc > 0 ? alloc * 2 : 64;
			v = xreallocarray(v, alloc, sizeof *v);
		}
		v[n++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (r != SQLITE_DONE) {
		free(v);
		return bodyidx_db_error(db, "listing unindexed messages", err);
	}
	*idsp = v;
	*np = n;
	return 0;
}

int
store_body_index(struct store *st, const char *folder, struct error *err)
{
	sqlite3		*db = store_sqlite(st);
	sqlite3_stmt	*ins = NULL;
	struct sbuf	 msg, text;
	struct error	 e;
	int64_t		*ids = NULL;
	size_t		 n = 0, i;
	int		 ret = -1;

	if (bodyidx_exec(db, bodyidx_schema, err) == -1 ||
	    bodyidx_missing(db, folder, &ids, &n, err) == -1)
		return -1;
	if (n == 0)
		return 0;
	if (bodyidx_exec(db, "BEGIN IMMEDIATE", err) == -1) {
		free(ids);
		return -1;
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO body_words (rowid, body) "
	    "VALUES (?1, ?2)", -1, &ins, NULL) != SQLITE_OK) {
		bodyidx_db_error(db, "prepare", err);
		goto out;
	}
	sbuf_init(&msg);
	sbuf_init(&text);
	for (i = 0; i < n; i++) {
		sbuf_reset(&msg);
		sbuf_reset(&text);
		memset(&e, 0, sizeof e);
		/* An unreadable file is indexed empty, not retried forever. */
		if (store_msg_read(st, ids[i], &msg, &e) == -1)
			log_warn("body index: message %lld: %s",
			    (long long)ids[i], e.msg);
		else
			store_body_text(msg.buf != NULL ? msg.buf : "",
			    msg.len, &text);
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, ids[i]);
		sqlite3_bind_text(ins, 2, text.buf != NULL ? text.buf : "",
		    (int)text.len, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			bodyidx_db_error(db, "indexing a message", err);
			sbuf_release(&msg);
			sbuf_release(&text);
			goto out;
		}
	}
	sbuf_release(&msg);
	sbuf_release(&text);
	if (bodyidx_exec(db, "DELETE FROM body_words WHERE rowid NOT IN "
	    "(SELECT id FROM messages)", err) == -1)
		goto out;
	ret = bodyidx_exec(db, "COMMIT", err);
	log_info("body index: %zu message(s) of %s indexed", n, folder);
out:
	sqlite3_finalize(ins);
	if (ret == -1)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	free(ids);
	return ret;
}

/* Characters (not bytes) of UTF-8 s. */
static size_t
bodyidx_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * One text: three characters or more go through the trigram index as a
 * phrase; shorter ones are a LIKE scan of the indexed text.
 */
static int
bodyidx_query(sqlite3 *db, const char *folder, const char *text,
    uint32_t **idsp, size_t *np, struct error *err)
{
	sqlite3_stmt	*stmt = NULL;
	struct sbuf	 pat;
	const char	*p;
	uint32_t	*v = NULL;
	size_t		 n = 0, alloc = 0;
	int		 r, like = bodyidx_chars(text) < 3;

	sbuf_init(&pat);
	if (like) {
		sbuf_addch(&pat, '%');
		for (p = text; *p != '\0'; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				sbuf_addch(&pat, '\\');
			sbuf_addch(&pat, *p);
		}
		sbuf_addch(&pat, '%');
	} else {
		sbuf_addch(&pat, '"');
		for (p = text; *p != '\0'; p++) {
			if (*p == '"')
				sbuf_addch(&pat, '"');
			sbuf_addch(&pat, *p);
		}
		sbuf_addch(&pat, '"');
	}
	r = sqlite3_prepare_v2(db, like ?
	    "SELECT rowid FROM body_words WHERE body LIKE ?2 ESCAPE '\\' AND "
	    "rowid IN (SELECT id FROM messages WHERE folder = "
	    "(SELECT id FROM folders WHERE name = ?1))" :
	    "SELECT rowid FROM body_words WHERE body_words MATCH ?2 AND "
	    "rowid IN (SELECT id FROM messages WHERE folder = "
	    "(SELECT id FROM folders WHERE name = ?1))", -1, &stmt, NULL);
	if (r != SQLITE_OK) {
		sbuf_release(&pat);
		return bodyidx_db_error(db, "prepare", err);
	}
	sqlite3_bind_text(stmt, 1, folder, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, pat.buf, (int)pat.len, SQLITE_TRANSIENT);
	sbuf_release(&pat);
	while ((r = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc > 0 ? alloc * 2 : 64;
			v = xreallocarray(v, alloc, sizeof *v);
		}
		v[n++] = (uint32_t)sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (r != SQLITE_DONE) {
		free(v);
		return bodyidx_db_error(db, "body search", err);
	}
	*idsp = v != NULL ? v : xcalloc(1, sizeof *v);
	*np = n;
	return 0;
}

int
store_body_search(struct store *st, const char *folder,
    const char *const *texts, size_t n, uint32_t **ids, size_t *nids,
    struct error *err)
{
	size_t	 i;

	if (store_body_index(st, folder, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (bodyidx_query(store_sqlite(st), folder, texts[i], &ids[i],
		    &nids[i], err) == -1)
			return -1;
	}
	return 0;
}
