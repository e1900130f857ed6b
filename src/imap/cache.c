/* src/imap/cache.c: the per-account summary cache (SQLite, WAL). */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "imap/internal.h"
#include "model/model.h"
#include "model/thread.h"

#define CACHE_SCHEMA_VERSION	2
#define CACHE_SCHEMA_VERSION_TEXT	"2"
#define CACHE_BUSY_MS		5000	/* another process writing */

/*
 * One row per folder and one per message. The FTS5 table indexes the
 * header fields of msg (external content: the text is stored once) and
 * is kept in step by triggers; a flags update does not touch it. A
 * folder in fts_off is being filled: its rows are not indexed one by one
 * (that costs more than the fill itself) but all at once at its end.
 */
static const char cache_schema[] =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS folder ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " uidvalidity INTEGER NOT NULL,"
    " highestmodseq INTEGER NOT NULL DEFAULT 0,"
    " uidnext INTEGER NOT NULL DEFAULT 0,"
    " complete INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS msg ("
    " id INTEGER PRIMARY KEY,"
    " folder INTEGER NOT NULL REFERENCES folder(id) ON DELETE CASCADE,"
    " uid INTEGER NOT NULL,"
    " flags INTEGER NOT NULL,"
    " size INTEGER NOT NULL,"
    " date INTEGER NOT NULL,"
    " internaldate INTEGER NOT NULL,"
    " sender TEXT NOT NULL,"
    " subject TEXT NOT NULL,"
    " recipients TEXT,"
    " cc TEXT,"
    " message_id TEXT,"
    " in_reply_to TEXT,"
    " refs TEXT,"
    " UNIQUE (folder, uid));"
    /* The few summaries stored before their size came (SUMMARY_SIZE_UNKNOWN). */
    "CREATE INDEX IF NOT EXISTS msg_unsized ON msg (folder, uid)"
    " WHERE size = 4294967295;"
    "CREATE VIRTUAL TABLE IF NOT EXISTS msg_fts USING fts5("
    " sender, subject, recipients, cc, message_id,"
    " content='msg', content_rowid='id');"
    "CREATE TABLE IF NOT EXISTS fts_off (folder INTEGER PRIMARY KEY);"
    "CREATE TRIGGER IF NOT EXISTS msg_ai AFTER INSERT ON msg"
    " WHEN NOT EXISTS (SELECT 1 FROM fts_off WHERE folder = new.folder)"
    " BEGIN"
    " INSERT INTO msg_fts(rowid, sender, subject, recipients, cc, message_id)"
    " VALUES (new.id, new.sender, new.subject, new.recipients, new.cc,"
    " new.message_id); END;"
    "CREATE TRIGGER IF NOT EXISTS msg_ad AFTER DELETE ON msg"
    " WHEN NOT EXISTS (SELECT 1 FROM fts_off WHERE folder = old.folder)"
    " BEGIN"
    " INSERT INTO msg_fts(msg_fts, rowid, sender, subject, recipients, cc,"
    " message_id) VALUES ('delete', old.id, old.sender, old.subject,"
    " old.recipients, old.cc, old.message_id); END;"
    "CREATE TRIGGER IF NOT EXISTS msg_au AFTER UPDATE OF sender, subject,"
    " recipients, cc, message_id ON msg"
    " WHEN NOT EXISTS (SELECT 1 FROM fts_off WHERE folder = old.folder)"
    " BEGIN"
    " INSERT INTO msg_fts(msg_fts, rowid, sender, subject, recipients, cc,"
    " message_id) VALUES ('delete', old.id, old.sender, old.subject,"
    " old.recipients, old.cc, old.message_id);"
    " INSERT INTO msg_fts(rowid, sender, subject, recipients, cc, message_id)"
    " VALUES (new.id, new.sender, new.subject, new.recipients, new.cc,"
    " new.message_id); END;";

/*
 * The body cache: raw messages (or, with partial set, a message whose big
 * parts were left out) by folder and UID, with their size and when they
 * were last used. A folder dropped (UIDVALIDITY) takes its bodies along;
 * a summary removed (expunge) takes its body by the trigger.
 */
static const char cache_body_schema[] =
    "CREATE TABLE IF NOT EXISTS body ("
    " folder INTEGER NOT NULL REFERENCES folder(id) ON DELETE CASCADE,"
    " uid INTEGER NOT NULL,"
    " size INTEGER NOT NULL,"
    " used INTEGER NOT NULL,"
    " partial INTEGER NOT NULL DEFAULT 0,"
    " data BLOB NOT NULL,"
    " PRIMARY KEY (folder, uid));"
    "CREATE INDEX IF NOT EXISTS body_used ON body (used);"
    "CREATE TRIGGER IF NOT EXISTS body_msg_ad AFTER DELETE ON msg BEGIN"
    " DELETE FROM body WHERE folder = old.folder AND uid = old.uid; END;";

/*
 * The server's folder list as last seen (LIST and STATUS), in its order:
 * the folder pane at start before the server answers, and while it is
 * unreachable.
 */
static const char cache_list_schema[] =
    "CREATE TABLE IF NOT EXISTS folder_list ("
    " pos INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " wire_name TEXT NOT NULL,"
    " delimiter INTEGER NOT NULL,"
    " selectable INTEGER NOT NULL,"
    " total INTEGER NOT NULL,"
    " unseen INTEGER NOT NULL);";

enum cache_stmt {
	STMT_FOLDER_GET,
	STMT_FOLDER_ID,
	STMT_FOLDER_PUT,
	STMT_FOLDER_DEL,
	STMT_MSG_PUT,
	STMT_MSG_FLAGS,
	STMT_MSG_SIZE,
	STMT_MSG_DEL,
	STMT_MSG_LOAD,
	STMT_MSG_UIDS,
	STMT_MSG_UNSIZED,
	STMT_FTS_OFF,
	STMT_FTS_IS_OFF,
	STMT_FTS_FILL,
	STMT_FTS_ON,
	STMT_FTS_STALE,
	STMT_FTS_WHOLE,
	STMT_FTS_REBUILD,
	STMT_COUNT
};

static const char *const cache_sql[STMT_COUNT] = {
	[STMT_FOLDER_GET] = "SELECT uidvalidity, highestmodseq, uidnext,"
	    " complete, (SELECT count(*) FROM msg WHERE folder = folder.id),"
	    " (SELECT max(uid) FROM msg WHERE folder = folder.id)"
	    " FROM folder WHERE name = ?1",
	[STMT_FOLDER_ID] = "SELECT id FROM folder WHERE name = ?1",
	[STMT_FOLDER_PUT] = "INSERT INTO folder (name, uidvalidity,"
	    " highestmodseq, uidnext, complete) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (name) DO UPDATE SET uidvalidity = ?2,"
	    " highestmodseq = ?3, uidnext = ?4, complete = ?5",
	[STMT_FOLDER_DEL] = "DELETE FROM folder WHERE name = ?1",
	[STMT_MSG_PUT] = "INSERT INTO msg (folder, uid, flags, size, date,"
	    " internaldate, sender, subject, recipients, cc, message_id,"
	    " in_reply_to, refs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " ?10, ?11, ?12, ?13) ON CONFLICT (folder, uid) DO UPDATE SET"
	    " flags = ?3, size = ?4, date = ?5, internaldate = ?6,"
	    " sender = ?7, subject = ?8, recipients = ?9, cc = ?10,"
	    " message_id = ?11, in_reply_to = ?12, refs = ?13",
	[STMT_MSG_FLAGS] = "UPDATE msg SET flags = ?3 WHERE folder = ?1"
	    " AND uid = ?2",
	[STMT_MSG_SIZE] = "UPDATE msg SET size = ?3 WHERE folder = ?1"
	    " AND uid = ?2",
	[STMT_MSG_DEL] = "DELETE FROM msg WHERE folder = ?1 AND uid = ?2",
	[STMT_MSG_LOAD] = "SELECT uid, flags, size, date, sender, subject,"
	    " recipients, cc, message_id, in_reply_to, refs FROM msg"
	    " WHERE folder = ?1 ORDER BY uid DESC",
	[STMT_MSG_UIDS] = "SELECT uid, flags FROM msg WHERE folder = ?1"
	    " ORDER BY uid",
	[STMT_MSG_UNSIZED] = "SELECT uid, flags FROM msg WHERE folder = ?1"
	    " AND size = 4294967295 ORDER BY uid",
	[STMT_FTS_OFF] = "INSERT OR IGNORE INTO fts_off (folder) SELECT id"
	    " FROM folder WHERE name = ?1 AND NOT EXISTS (SELECT 1 FROM msg"
	    " WHERE msg.folder = folder.id)",
	[STMT_FTS_IS_OFF] = "SELECT folder FROM fts_off WHERE folder ="
	    " (SELECT id FROM folder WHERE name = ?1)",
	[STMT_FTS_FILL] = "INSERT INTO msg_fts (rowid, sender, subject,"
	    " recipients, cc, message_id) SELECT id, sender, subject,"
	    " recipients, cc, message_id FROM msg WHERE folder = ?1",
	[STMT_FTS_ON] = "DELETE FROM fts_off WHERE folder = ?1",
	[STMT_FTS_STALE] = "DELETE FROM fts_off WHERE folder NOT IN"
	    " (SELECT id FROM folder)",
	[STMT_FTS_WHOLE] = "SELECT (SELECT count(*) FROM fts_off) = 1 AND"
	    " (SELECT count(*) FROM msg WHERE folder = ?1) * 2 >="
	    " (SELECT count(*) FROM msg)",
	[STMT_FTS_REBUILD] = "INSERT INTO msg_fts (msg_fts) VALUES ('rebuild')",
};

struct imapc_cache {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*stmt[STMT_COUNT];
	int		 in_tx;
};

static int
cache_db_error(struct imapc_cache *c, const char *what, struct error *err)
{
	log_error("%s: %s: %s", c->path, what, sqlite3_errmsg(c->db));
	return error_set(err, ERROR_SYS, _("message cache: %s failed: %s"),
	    what, sqlite3_errmsg(c->db));
}

static int
cache_exec(struct imapc_cache *c, const char *sql, struct error *err)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return cache_db_error(c, sql, err);
	return 0;
}

/* The prepared statement k, reset and unbound. */
static sqlite3_stmt *
cache_stmt(struct imapc_cache *c, enum cache_stmt k, struct error *err)
{
	if (c->stmt[k] == NULL && sqlite3_prepare_v3(c->db, cache_sql[k], -1,
	    SQLITE_PREPARE_PERSISTENT, &c->stmt[k], NULL) != SQLITE_OK) {
		cache_db_error(c, "prepare", err);
		return NULL;
	}
	sqlite3_reset(c->stmt[k]);
	sqlite3_clear_bindings(c->stmt[k]);
	return c->stmt[k];
}

static void
cache_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

char *
imapc_cache_path(const char *account_id)
{
	char	*sub, *path;

	sub = xasprintf("postern/%s.db", account_id);
	path = fs_xdg_path("XDG_CACHE_HOME", ".cache", sub);
	free(sub);
	return path;
}

void
imapc_cache_close(struct imapc_cache *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	if (c->in_tx)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	sqlite3_close(c->db);
	free(c->path);
	free(c);
}

/* A cache of another schema is dropped: it holds nothing we cannot refetch. */
static int
cache_check_version(struct imapc_cache *c, struct error *err)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if (sqlite3_prepare_v2(c->db, "SELECT version FROM schema_version",
	    -1, &st, NULL) != SQLITE_OK)
		return cache_db_error(c, "schema", err);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v == CACHE_SCHEMA_VERSION)
		return 0;
	if (v != -1) {
		log_warn("%s: schema %d, starting afresh", c->path, v);
		if (cache_exec(c, "DROP TABLE IF EXISTS msg_fts;"
		    "DROP TABLE IF EXISTS msg; DROP TABLE IF EXISTS folder;"
		    "DROP TABLE IF EXISTS fts_off;"
		    "DROP TABLE IF EXISTS folder_list;"
		    "DELETE FROM schema_version;", err) == -1 ||
		    cache_exec(c, cache_schema, err) == -1)
			return -1;
	}
	return cache_exec(c, "INSERT INTO schema_version VALUES (" 
	    CACHE_SCHEMA_VERSION_TEXT ")", err);
}

/*
 * Opens the cache at path, made if need be; *codep: SQLite's error code
 * when it fails. A new file is made with no fsync at all (a crash while
 * it is made leaves a file that the next open throws away); after that,
 * losing the last transactions on a crash costs only a refetch.
 */
static struct imapc_cache *
cache_try_open(const char *path, int *codep, struct error *err)
{
	struct imapc_cache	*c;
	struct stat		 sb;
	int			 fresh;

	*codep = SQLITE_OK;
	fresh = stat(path, &sb) == -1 || sb.st_size == 0;
	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*codep = c->db != NULL ? sqlite3_errcode(c->db) & 0xff :
		    SQLITE_NOMEM;
		error_set(err, ERROR_SYS, _("cannot open the message cache "
		    "'%s': %s"), path, c->db != NULL ? sqlite3_errmsg(c->db) :
		    _("out of memory"));
		imapc_cache_close(c);
		return NULL;
	}
	sqlite3_busy_timeout(c->db, CACHE_BUSY_MS);
	if ((fresh && cache_exec(c, "PRAGMA synchronous = OFF", err) == -1) ||
	    cache_exec(c, "PRAGMA journal_mode = WAL;"
	    "PRAGMA foreign_keys = ON; PRAGMA cache_size = -2048;", err) ==
	    -1 ||
	    cache_exec(c, cache_schema, err) == -1 ||
	    cache_check_version(c, err) == -1 ||
	    cache_exec(c, cache_body_schema, err) == -1 ||
	    cache_exec(c, cache_list_schema, err) == -1 ||
	    cache_exec(c, "PRAGMA synchronous = NORMAL", err) == -1) {
		*codep = sqlite3_errcode(c->db) & 0xff;
		imapc_cache_close(c);
		return NULL;
	}
	return c;
}

struct imapc_cache *
imapc_cache_open(const char *path, struct error *err)
{
	static const char *const side[] = { "", "-wal", "-shm", "-journal" };
	struct imapc_cache	*c;
	char			*name;
	size_t			 i;
	int			 code;

	if (fs_mkdir_parents(path, 0700, err) == -1)
		return NULL;
	if ((c = cache_try_open(path, &code, err)) != NULL ||
	    (code != SQLITE_NOTADB && code != SQLITE_CORRUPT))
		return c;
	/* Not a cache any more: it held nothing the server does not. */
	log_warn("%s: %s: starting afresh", path, sqlite3_errstr(code));
	for (i = 0; i < sizeof side / sizeof side[0]; i++) {
		name = xasprintf("%s%s", path, side[i]);
		if (unlink(name) == -1 && errno != ENOENT)
			log_warn("%s: %s", name, strerror(errno));
		free(name);
	}
	if (err != NULL)
		error_clear(err);
	return cache_try_open(path, &code, err);
}

int
imapc_cache_open_account(const char *account_id, struct imapc_cache **cp,
    struct error *err)
{
	char	*path;

	*cp = NULL;
	path = imapc_cache_path(account_id);
	if (access(path, F_OK) == -1) {
		free(path);
		return 0;
	}
	*cp = imapc_cache_open(path, err);
	free(path);
	return *cp != NULL ? 1 : -1;
}

int
imapc_cache_begin(struct imapc_cache *c, struct error *err)
{
	if (c->in_tx)
		return 0;
	if (cache_exec(c, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	c->in_tx = 1;
	return 0;
}

int
imapc_cache_commit(struct imapc_cache *c, struct error *err)
{
	if (!c->in_tx)
		return 0;
	c->in_tx = 0;
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		cache_db_error(c, "COMMIT", err);
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void
imapc_cache_rollback(struct imapc_cache *c)
{
	if (!c->in_tx)
		return;
	c->in_tx = 0;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

int
imapc_cache_folder_get(struct imapc_cache *c, const char *name,
    struct imapc_cache_folder *f, struct error *err)
{
	sqlite3_stmt	*st;
	int		 r;

	memset(f, 0, sizeof *f);
	if ((st = cache_stmt(c, STMT_FOLDER_GET, err)) == NULL)
		return -1;
	cache_bind_text(st, 1, name);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		sqlite3_reset(st);
		return 1;
	}
	if (r != SQLITE_ROW)
		return cache_db_error(c, "read folder", err);
	f->uidvalidity = (uint32_t)sqlite3_column_int64(st, 0);
	f->highestmodseq = (uint64_t)sqlite3_column_int64(st, 1);
	f->uidnext = (uint32_t)sqlite3_column_int64(st, 2);
	f->complete = sqlite3_column_int(st, 3);
	f->count = (uint32_t)sqlite3_column_int64(st, 4);
	f->maxuid = (uint32_t)sqlite3_column_int64(st, 5);
	sqlite3_reset(st);
	return 0;
}

int
imapc_cache_list_put(struct imapc_cache *c, const struct folder_info *v,
    size_t n, struct error *err)
{
	sqlite3_stmt	*st = NULL;
	size_t		 i;
	int		 own = !c->in_tx;

	if (imapc_cache_begin(c, err) == -1)
		return -1;
	if (cache_exec(c, "DELETE FROM folder_list", err) == -1)
		goto fail;
	if (sqlite3_prepare_v2(c->db, "INSERT INTO folder_list (pos, name,"
	    " wire_name, delimiter, selectable, total, unseen)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &st, NULL) !=
	    SQLITE_OK) {
		cache_db_error(c, "write the folder list", err);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		cache_bind_text(st, 2, v[i].name);
		cache_bind_text(st, 3, v[i].wire_name);
		sqlite3_bind_int(st, 4, (unsigned char)v[i].delimiter);
		sqlite3_bind_int(st, 5, v[i].selectable);
		sqlite3_bind_int64(st, 6, v[i].total);
		sqlite3_bind_int64(st, 7, v[i].unseen);
		if (sqlite3_step(st) != SQLITE_DONE) {
			cache_db_error(c, "write the folder list", err);
			goto fail;
		}
	}
	sqlite3_finalize(st);
	return own ? imapc_cache_commit(c, err) : 0;
fail:
	sqlite3_finalize(st);
	if (own)
		imapc_cache_rollback(c);
	return -1;
}

int
imapc_cache_list_get(struct imapc_cache *c, struct folder_info **vp,
    size_t *np, struct error *err)
{
	struct folder_info	*v = NULL, *f;
	sqlite3_stmt		*st;
	size_t			 n = 0, alloc = 0;
	int			 r;

	*vp = NULL;
	*np = 0;
	if (sqlite3_prepare_v2(c->db, "SELECT name, wire_name, delimiter,"
	    " selectable, total, unseen FROM folder_list ORDER BY pos", -1,
	    &st, NULL) != SQLITE_OK)
		return cache_db_error(c, "read the folder list", err);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_TEXT ||
		    sqlite3_column_type(st, 1) != SQLITE_TEXT)
			continue;
		if (n == alloc) {
			alloc = alloc > 0 ? alloc * 2 : 16;
			v = xreallocarray(v, alloc, sizeof *v);
		}
		f = &v[n++];
		f->name = xstrdup((const char *)sqlite3_column_text(st, 0));
		f->wire_name = xstrdup((const char *)sqlite3_column_text(st,
		    1));
		f->delimiter = (char)(unsigned char)sqlite3_column_int(st, 2);
		f->selectable = sqlite3_column_int(st, 3) != 0;
		f->total = (uint32_t)sqlite3_column_int64(st, 4);
		f->unseen = (uint32_t)sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		while (n > 0)
			folder_info_clear(&v[--n]);
		free(v);
		return cache_db_error(c, "read the folder list", err);
	}
	*vp = v;
	*np = n;
	return 0;
}

int
imapc_cache_folder_set(struct imapc_cache *c, const char *name,
    const struct imapc_cache_folder *f, struct error *err)
{
	sqlite3_stmt	*st;

	if ((st = cache_stmt(c, STMT_FOLDER_PUT, err)) == NULL)
		return -1;
	cache_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, f->uidvalidity);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)f->highestmodseq);
	sqlite3_bind_int64(st, 4, f->uidnext);
	sqlite3_bind_int(st, 5, f->complete);
	if (sqlite3_step(st) != SQLITE_DONE)
		return cache_db_error(c, "write folder", err);
	sqlite3_reset(st);
	return 0;
}

/* Runs statement k to its end, with folder as ?1 unless it is 0. */
static int
cache_run(struct imapc_cache *c, enum cache_stmt k, int64_t folder,
    const char *what, struct error *err)
{
	sqlite3_stmt	*st;
	int		 r;

	if ((st = cache_stmt(c, k, err)) == NULL)
		return -1;
	if (folder != 0)
		sqlite3_bind_int64(st, 1, folder);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : cache_db_error(c, what, err);
}

int
imapc_cache_folder_drop(struct imapc_cache *c, const char *name,
    struct error *err)
{
	sqlite3_stmt	*st;

	if ((st = cache_stmt(c, STMT_FOLDER_DEL, err)) == NULL)
		return -1;
	cache_bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_DONE)
		return cache_db_error(c, "drop folder", err);
	sqlite3_reset(st);
	/* Its mark goes after its rows: their triggers read it. */
	if (cache_run(c, STMT_FTS_STALE, 0, "drop folder", err) == -1)
		return -1;
	log_info("%s: cache of '%s' dropped", c->path, name);
	return 0;
}

int
imapc_cache_fts_defer(struct imapc_cache *c, const char *name,
    struct error *err)
{
	sqlite3_stmt	*st;

	if ((st = cache_stmt(c, STMT_FTS_OFF, err)) == NULL)
		return -1;
	cache_bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_DONE)
		return cache_db_error(c, "defer the index", err);
	sqlite3_reset(st);
	return 0;
}

int
imapc_cache_fts_catch_up(struct imapc_cache *c, const char *name,
    struct error *err)
{
	sqlite3_stmt	*st;
	int64_t		 folder;
	int		 r, whole;

	if ((st = cache_stmt(c, STMT_FTS_IS_OFF, err)) == NULL)
		return -1;
	cache_bind_text(st, 1, name);
	r = sqlite3_step(st);
	folder = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return cache_db_error(c, "read the index state", err);
	if (r == SQLITE_DONE)
		return 0;
	if (imapc_cache_begin(c, err) == -1)
		return -1;
	/*
	 * The only folder left out, and most of the rows: FTS5 rebuilds
	 * the whole index faster than it takes them one by one.
	 */
	if ((st = cache_stmt(c, STMT_FTS_WHOLE, err)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, folder);
	r = sqlite3_step(st);
	whole = r == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_reset(st);
	if (r != SQLITE_ROW) {
		cache_db_error(c, "index the folder", err);
		goto fail;
	}
	if (cache_run(c, whole ? STMT_FTS_REBUILD : STMT_FTS_FILL, whole ? 0 :
	    folder, "index the folder", err) == -1 ||
	    cache_run(c, STMT_FTS_ON, folder, "index the folder", err) == -1)
		goto fail;
	return imapc_cache_commit(c, err);
fail:
	imapc_cache_rollback(c);
	return -1;
}

/* The folder's row id; 0 if it has none (folder_set makes one). */
static int64_t
cache_folder_id(struct imapc_cache *c, const char *name, struct error *err)
{
	sqlite3_stmt	*st;
	int64_t		 id = 0;
	int		 r;

	if ((st = cache_stmt(c, STMT_FOLDER_ID, err)) == NULL)
		return -1;
	cache_bind_text(st, 1, name);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (r != SQLITE_DONE)
		id = cache_db_error(c, "read folder", err);
	sqlite3_reset(st);
	if (id == 0)
		return error_set(err, ERROR_SYS,
		    _("message cache: no folder '%s'"), name);
	return id;
}

int
imapc_cache_put(struct imapc_cache *c, const char *name,
    const struct summary *v, const int64_t *internal, size_t n,
    struct error *err)
{
	sqlite3_stmt	*st;
	int64_t		 folder;
	size_t		 i;

	if ((folder = cache_folder_id(c, name, err)) == -1)
		return -1;
	if ((st = cache_stmt(c, STMT_MSG_PUT, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, folder);
		sqlite3_bind_int64(st, 2, v[i].uid);
		sqlite3_bind_int64(st, 3, v[i].flags);
		sqlite3_bind_int64(st, 4, v[i].size);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)v[i].date);
		sqlite3_bind_int64(st, 6, internal != NULL ? internal[i] :
		    (sqlite3_int64)v[i].date);
		cache_bind_text(st, 7, v[i].from != NULL ? v[i].from : "");
		cache_bind_text(st, 8, v[i].subject != NULL ? v[i].subject :
		    "");
		cache_bind_text(st, 9, v[i].to);
		cache_bind_text(st, 10, v[i].cc);
		cache_bind_text(st, 11, v[i].message_id);
		cache_bind_text(st, 12, v[i].in_reply_to);
		cache_bind_text(st, 13, v[i].references);
		if (sqlite3_step(st) != SQLITE_DONE)
			return cache_db_error(c, "write summary", err);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return 0;
}

/* Sets one column (which: STMT_MSG_FLAGS or STMT_MSG_SIZE) of v's rows. */
static int
cache_set_column(struct imapc_cache *c, const char *name,
    enum cache_stmt which, const struct summary *v, size_t n,
    struct error *err)
{
	sqlite3_stmt	*st;
	int64_t		 folder;
	size_t		 i;

	if ((folder = cache_folder_id(c, name, err)) == -1)
		return -1;
	if ((st = cache_stmt(c, which, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, folder);
		sqlite3_bind_int64(st, 2, v[i].uid);
		sqlite3_bind_int64(st, 3, which == STMT_MSG_SIZE ? v[i].size :
		    v[i].flags);
		if (sqlite3_step(st) != SQLITE_DONE)
			return cache_db_error(c, which == STMT_MSG_SIZE ?
			    "write sizes" : "write flags", err);
	}
	sqlite3_reset(st);
	return 0;
}

int
imapc_cache_set_flags(struct imapc_cache *c, const char *name,
    const struct summary *v, size_t n, struct error *err)
{
	return cache_set_column(c, name, STMT_MSG_FLAGS, v, n, err);
}

int
imapc_cache_set_sizes(struct imapc_cache *c, const char *name,
    const struct summary *v, size_t n, struct error *err)
{
	return cache_set_column(c, name, STMT_MSG_SIZE, v, n, err);
}

int
imapc_cache_remove(struct imapc_cache *c, const char *name,
    const uint32_t *uids, size_t n, struct error *err)
{
	sqlite3_stmt	*st;
	int64_t		 folder;
	size_t		 i;

	if ((folder = cache_folder_id(c, name, err)) == -1)
		return -1;
	if ((st = cache_stmt(c, STMT_MSG_DEL, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, folder);
		sqlite3_bind_int64(st, 2, uids[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			return cache_db_error(c, "remove summary", err);
	}
	sqlite3_reset(st);
	return 0;
}

/*
 * One summary from a row, compacted as summary_compact does: the thread
 * keys and the four strings the index shows in one allocation.
 */
static void
cache_row_summary(sqlite3_stmt *st, struct summary *s)
{
	char		**f[] = { &s->from, &s->subject, &s->to, &s->cc };
	const unsigned char *text[sizeof f / sizeof f[0]];
	uint64_t	  refs[THREAD_MAX_REFS];
	size_t		  len[sizeof f / sizeof f[0]], total, nrefs, i;
	char		 *p;

	memset(s, 0, sizeof *s);
	s->uid = (uint32_t)sqlite3_column_int64(st, 0);
	s->flags = (uint32_t)sqlite3_column_int64(st, 1);
	s->size = (uint32_t)sqlite3_column_int64(st, 2);
	s->date = (time_t)sqlite3_column_int64(st, 3);
	if (sqlite3_column_type(st, 9) != SQLITE_NULL ||
	    sqlite3_column_type(st, 10) != SQLITE_NULL)
		s->thread |= SUMMARY_THREAD_LINKED;
	nrefs = thread_keys_parse((const char *)sqlite3_column_text(st, 8),
	    (const char *)sqlite3_column_text(st, 9),
	    (const char *)sqlite3_column_text(st, 10), &s->id_key, refs);
	total = nrefs * sizeof *refs;
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		text[i] = sqlite3_column_text(st, 4 + (int)i);
		len[i] = text[i] != NULL ?
		    (size_t)sqlite3_column_bytes(st, 4 + (int)i) + 1 : 0;
		total += len[i];
	}
	s->block = xmalloc(total > 0 ? total : 1);
	memcpy(s->block, refs, nrefs * sizeof *refs);
	s->nrefs = (uint16_t)nrefs;
	p = s->block + nrefs * sizeof *refs;
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (text[i] == NULL)
			continue;
		memcpy(p, text[i], len[i]);
		*f[i] = p;
		p += len[i];
	}
}

int
imapc_cache_load(struct imapc_cache *c, const char *name, size_t first,
    size_t chunk, summary_cb cb, void *arg, struct error *err)
{
	sqlite3_stmt	*st;
	struct summary	*v;
	int64_t		 folder = 0;
	size_t		 n = 0, want = first, done = 0, cap;
	uint32_t	 total = FOLDER_COUNT_UNKNOWN;
	int		 r, ret = -1;
	struct imapc_cache_folder f;

	if ((st = cache_stmt(c, STMT_FOLDER_ID, err)) == NULL)
		return -1;
	cache_bind_text(st, 1, name);
	if ((r = sqlite3_step(st)) == SQLITE_ROW)
		folder = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return cache_db_error(c, "read folder", err);
	if (folder == 0)
		return 0;		/* nothing cached */
	if ((st = cache_stmt(c, STMT_MSG_LOAD, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, folder);
	cap = first > chunk ? first : chunk;
	v = xcalloc(cap > 0 ? cap : 1, sizeof *v);
	for (;;) {
		r = sqlite3_step(st);
		if (r == SQLITE_ROW) {
			cache_row_summary(st, &v[n++]);
			if (n < want)
				continue;
		} else if (r != SQLITE_DONE) {
			cache_db_error(c, "read summaries", err);
			break;
		}
		if (n > 0) {
			done += n;
			if (r == SQLITE_DONE && total == FOLDER_COUNT_UNKNOWN)
				total = (uint32_t)done;
			if (cb(v, n, (uint32_t)done, total, arg) == -1) {
				imapc_summaries_release(v, n);
				error_set(err, ERROR_CANCELLED,
				    _("cancelled"));
				break;
			}
			imapc_summaries_release(v, n);
			memset(v, 0, n * sizeof *v);
			n = 0;
		}
		/*
		 * The count reads the folder's whole index: only once the
		 * first screenful is out.
		 */
		if (want == first && r == SQLITE_ROW && total ==
		    FOLDER_COUNT_UNKNOWN && imapc_cache_folder_get(c, name,
		    &f, err) == 0)
			total = f.count;
		want = chunk;
		if (r == SQLITE_DONE) {
			ret = 0;
			break;
		}
	}
	sqlite3_reset(st);
	free(v);
	return ret;
}

/* The UIDs and flags a statement (folder as ?1) reads: new arrays. */
static int
cache_read_uids(struct imapc_cache *c, const char *name,
    enum cache_stmt which, uint32_t **uidsp, uint32_t **flagsp, size_t *np,
    struct error *err)
{
	sqlite3_stmt	*st;
	int64_t		 folder;
	uint32_t	*uids = NULL, *flags = NULL;
	size_t		 n = 0, alloc = 0;
	int		 r;

	*uidsp = *flagsp = NULL;
	*np = 0;
	if ((folder = cache_folder_id(c, name, err)) == -1)
		return -1;
	if ((st = cache_stmt(c, which, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, folder);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc > 0 ? alloc * 2 : 1024;
			uids = xreallocarray(uids, alloc, sizeof *uids);
			flags = xreallocarray(flags, alloc, sizeof *flags);
		}
		uids[n] = (uint32_t)sqlite3_column_int64(st, 0);
		flags[n++] = (uint32_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE) {
		free(uids);
		free(flags);
		return cache_db_error(c, "read UIDs", err);
	}
	*uidsp = uids;
	*flagsp = flags;
	*np = n;
	return 0;
}

int
imapc_cache_uids(struct imapc_cache *c, const char *name,
    uint32_t **uidsp, uint32_t **flagsp, size_t *np, struct error *err)
{
	return cache_read_uids(c, name, STMT_MSG_UIDS, uidsp, flagsp, np,
	    err);
}

int
imapc_cache_unsized(struct imapc_cache *c, const char *name,
    uint32_t **uidsp, size_t *np, struct error *err)
{
	uint32_t	*flags;

	if (cache_read_uids(c, name, STMT_MSG_UNSIZED, uidsp, &flags, np,
	    err) == -1)
		return -1;
	free(flags);
	return 0;
}

int
imapc_cache_search(struct imapc_cache *c, const char *name,
    const char *query, uint32_t **uidsp, size_t *np, struct error *err)
{
	sqlite3_stmt	*st;
	int64_t		 folder;
	uint32_t	*uids = NULL;
	size_t		 n = 0, alloc = 0;
	int		 r;

	*uidsp = NULL;
	*np = 0;
	if ((folder = cache_folder_id(c, name, err)) == -1)
		return -1;
	if (sqlite3_prepare_v2(c->db, "SELECT msg.uid FROM msg_fts JOIN msg"
	    " ON msg.id = msg_fts.rowid WHERE msg_fts MATCH ?1 AND"
	    " msg.folder = ?2 ORDER BY msg.uid DESC", -1, &st, NULL) !=
	    SQLITE_OK)
		return cache_db_error(c, "search", err);
	cache_bind_text(st, 1, query);
	sqlite3_bind_int64(st, 2, folder);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc > 0 ? alloc * 2 : 64;
			uids = xreallocarray(uids, alloc, sizeof *uids);
		}
		uids[n++] = (uint32_t)sqlite3_column_int64(st, 0);
	}
	if (r != SQLITE_DONE) {
		error_set(err, ERROR_INPUT, _("bad search '%s': %s"), query,
		    sqlite3_errmsg(c->db));
		sqlite3_finalize(st);
		free(uids);
		return -1;
	}
	sqlite3_finalize(st);
	*uidsp = uids;
	*np = n;
	return 0;
}

/*
 * The body cache. Its statements are prepared per call: a message is
 * opened far less often than summaries are written.
 */
static sqlite3_stmt *
cache_body_prepare(struct imapc_cache *c, const char *sql, struct error *err)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		cache_db_error(c, "prepare", err);
		return NULL;
	}
	return st;
}

/* A last-used stamp: milliseconds, strictly after every one stored. */
static int64_t
cache_body_stamp(struct imapc_cache *c)
{
	sqlite3_stmt	*st;
	struct timespec	 ts;
	int64_t		 now, max = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (sqlite3_prepare_v2(c->db, "SELECT max(used) FROM body", -1, &st,
	    NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			max = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return now > max ? now : max + 1;
}

int
imapc_cache_body_get(struct imapc_cache *c, const char *name, uint32_t uid,
    struct sbuf *out, int *partialp, struct error *err)
{
	sqlite3_stmt	*st;
	const void	*data;
	int64_t		 folder = 0;
	int		 r, ret = 1;

	if ((st = cache_body_prepare(c, "SELECT body.folder, body.partial,"
	    " body.data FROM body JOIN folder ON folder.id = body.folder"
	    " WHERE folder.name = ?1 AND body.uid = ?2", err)) == NULL)
		return -1;
	cache_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, uid);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		folder = sqlite3_column_int64(st, 0);
		if (partialp != NULL)
			*partialp = sqlite3_column_int(st, 1);
		data = sqlite3_column_blob(st, 2);
		sbuf_add(out, data != NULL ? data : "",
		    (size_t)sqlite3_column_bytes(st, 2));
		ret = 0;
	} else if (r != SQLITE_DONE)
		ret = cache_db_error(c, "read body", err);
	sqlite3_finalize(st);
	if (ret != 0)
		return ret;
	/* Used now: the last to be evicted. */
	if ((st = cache_body_prepare(c, "UPDATE body SET used = ?3"
	    " WHERE folder = ?1 AND uid = ?2", err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, folder);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_int64(st, 3, cache_body_stamp(c));
	if (sqlite3_step(st) != SQLITE_DONE)
		log_warn("%s: %s", c->path, sqlite3_errmsg(c->db));
	sqlite3_finalize(st);
	return 0;
}

int
imapc_cache_body_evict(struct imapc_cache *c, uint64_t limit,
    struct error *err)
{
	sqlite3_stmt	*st;
	int		 r;

	/* Newest used first; the rows past the limit go. */
	if ((st = cache_body_prepare(c, "DELETE FROM body WHERE rowid IN"
	    " (SELECT rowid FROM (SELECT rowid, sum(size) OVER (ORDER BY"
	    " used DESC, rowid DESC) AS run FROM body) WHERE run > ?1)",
	    err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, limit > INT64_MAX ? INT64_MAX :
	    (sqlite3_int64)limit);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return cache_db_error(c, "evict bodies", err);
	if (sqlite3_changes(c->db) > 0)
		log_debug("%s: %d bodies evicted (limit %llu)", c->path,
		    sqlite3_changes(c->db), (unsigned long long)limit);
	return 0;
}

int
imapc_cache_body_put(struct imapc_cache *c, const char *name, uint32_t uid,
    const char *data, size_t len, int partial, uint64_t limit,
    struct error *err)
{
	sqlite3_stmt	*st;
	int		 r, own = !c->in_tx;	/* else the caller's */

	if (len > limit || len > INT32_MAX)
		return 0;	/* never fits: not kept */
	if (own && imapc_cache_begin(c, err) == -1)
		return -1;
	if ((st = cache_body_prepare(c, "INSERT OR REPLACE INTO body (folder,"
	    " uid, size, used, partial, data) SELECT id, ?2, ?3, ?4, ?5, ?6"
	    " FROM folder WHERE name = ?1", err)) == NULL)
		goto fail;
	cache_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)len);
	sqlite3_bind_int64(st, 4, cache_body_stamp(c));
	sqlite3_bind_int(st, 5, partial != 0);
	sqlite3_bind_blob(st, 6, data != NULL ? data : "", (int)len,
	    SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		cache_db_error(c, "write body", err);
		goto fail;
	}
	if (imapc_cache_body_evict(c, limit, err) == -1)
		goto fail;
	return own ? imapc_cache_commit(c, err) : 0;
fail:
	if (own)
		imapc_cache_rollback(c);
	return -1;
}

int64_t
imapc_cache_body_total(struct imapc_cache *c, struct error *err)
{
	sqlite3_stmt	*st;
	int64_t		 n = -1;

	if ((st = cache_body_prepare(c, "SELECT total(size) FROM body",
	    err)) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (int64_t)sqlite3_column_double(st, 0);
	else
		cache_db_error(c, "read body sizes", err);
	sqlite3_finalize(st);
	return n;
}
