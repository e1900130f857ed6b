/* src/store/store.c: the SQLite index of the local Maildir++ tree. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "store/internal.h"

#define STORE_SCHEMA_VERSION	1
#define STORE_BUSY_MS		5000

struct store {
	sqlite3		*db;
	char		*dir;
	int		 lockfd;
	int		 batch;		/* POP3 deliveries in one transaction */
};

/*
 * Version 1. messages.id is the local UID (AUTOINCREMENT: never reused).
 * cur says whether the file is in cur/ (with ":2,INFO") or new/.
 * pop3_uidl has one row per (UIDL, content) the server showed us: a
 * server that repeats a UIDL gets one row per distinct message.
 */
static const char store_schema[] =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "CREATE TABLE folders ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " folder INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,"
    " file TEXT NOT NULL,"
    " cur INTEGER NOT NULL DEFAULT 0,"
    " flags INTEGER NOT NULL DEFAULT 0,"
    " size INTEGER NOT NULL,"
    " date INTEGER NOT NULL,"
    " sender TEXT, subject TEXT, message_id TEXT, in_reply_to TEXT,"
    " refs TEXT,"
    " sha256 TEXT NOT NULL,"
    " UNIQUE (folder, file));"
    "CREATE INDEX messages_by_date ON messages(folder, date);"
    "CREATE INDEX messages_by_sha ON messages(sha256);"
    "CREATE TABLE pop3_uidl ("
    " uidl TEXT NOT NULL,"
    " sha256 TEXT NOT NULL,"
    " message INTEGER REFERENCES messages(id) ON DELETE SET NULL,"
    " first_seen INTEGER NOT NULL,"
    " deleted_on_server INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (uidl, sha256));"
    "CREATE INDEX pop3_uidl_by_message ON pop3_uidl(message);"
    "CREATE INDEX pop3_uidl_by_sha ON pop3_uidl(sha256);"
    "INSERT INTO schema_version VALUES (1);";

static int
store_db_error(struct store *st, const char *what, struct error *err)
{
	log_error("%s: %s: %s", st->dir, what, sqlite3_errmsg(st->db));
	return error_set(err, ERROR_SYS, _("local store: %s failed: %s"),
	    what, sqlite3_errmsg(st->db));
}

static int
store_exec(struct store *st, const char *sql, struct error *err)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(st, sql, err);
	return 0;
}

static sqlite3_stmt *
store_prepare(struct store *st, const char *sql, struct error *err)
{
	sqlite3_stmt	*stmt = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_db_error(st, "prepare", err);
		return NULL;
	}
	return stmt;
}

/* Runs a statement that returns no rows, and finalizes it. */
static int
store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what,
    struct error *err)
{
	int	 r;

	r = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (r != SQLITE_DONE)
		return store_db_error(st, what, err);
	return 0;
}

static void
store_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
}

static char *
store_column_dup(sqlite3_stmt *stmt, int i)
{
	const unsigned char	*s = sqlite3_column_text(stmt, i);

	return s == NULL ? NULL : xstrdup((const char *)s);
}

static void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
store_account_dir(const char *account_id)
{
	char	*sub, *dir;

	sub = xasprintf("postern/%s", account_id);
	dir = fs_xdg_path("XDG_DATA_HOME", ".local/share", sub);
	free(sub);
	return dir;
}

static int
store_is_inbox(const char *name)
{
	return strcasecmp(name, STORE_INBOX) == 0;
}

/* A name that maps to one Maildir++ directory and nothing else. */
static int
store_check_folder_name(const char *name, struct error *err)
{
	const unsigned char	*p;
	size_t			 len = strlen(name);

	if (len == 0 || len > STORE_MAX_FOLDER_NAME || name[0] == '.' ||
	    name[len - 1] == '.' || strstr(name, "..") != NULL)
		return error_set(err, ERROR_INPUT, _("bad folder name '%s'"),
		    name);
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '/')
			return error_set(err, ERROR_INPUT,
			    _("bad folder name '%s'"), name);
	}
	return 0;
}

/* The Maildir of a folder: the top one for INBOX, else .name. */
static char *
store_folder_dir(const struct store *st, const char *name)
{
	if (store_is_inbox(name))
		return xstrdup(st->dir);
	return xasprintf("%s/.%s", st->dir, name);
}

/* Looks the folder up: 0 and *idp, or -1 (ERROR_INPUT if unknown). */
static int
store_folder_id(struct store *st, const char *name, int64_t *idp,
    struct error *err)
{
	sqlite3_stmt	*stmt;
	int		 r;

	if (store_is_inbox(name))
		name = STORE_INBOX;
	if ((stmt = store_prepare(st, "SELECT id FROM folders WHERE name = ?",
	    err)) == NULL)
		return -1;
	store_bind_text(stmt, 1, name);
	r = sqlite3_step(stmt);
	if (r == SQLITE_ROW)
		*idp = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (r == SQLITE_ROW)
		return 0;
	if (r == SQLITE_DONE)
		return error_set(err, ERROR_INPUT, _("no folder '%s'"), name);
	return store_db_error(st, "folder lookup", err);
}

/* Inserts a message row; the summary comes from the message itself. */
static int
store_insert_msg(struct store *st, int64_t folder, const char *base,
    int cur, uint32_t flags, const char *msg, size_t len, const char *sha,
    int64_t *idp, struct error *err)
{
	struct store_msg	 m;
	sqlite3_stmt		*stmt;
	int			 ret;

	memset(&m, 0, sizeof m);
	store_parse_headers(msg, len, &m);
	if (m.date == 0)
		m.date = (int64_t)time(NULL);
	stmt = store_prepare(st, "INSERT INTO messages (folder, file, cur, "
	    "flags, size, date, sender, subject, message_id, in_reply_to, "
	    "refs, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (stmt == NULL) {
		store_msg_clear(&m);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, folder);
	store_bind_text(stmt, 2, base);
	sqlite3_bind_int(stmt, 3, cur);
	sqlite3_bind_int64(stmt, 4, flags | (m.flags & STORE_CONTENT_MASK));
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)len);
	sqlite3_bind_int64(stmt, 6, m.date);
	store_bind_text(stmt, 7, m.from);
	store_bind_text(stmt, 8, m.subject);
	store_bind_text(stmt, 9, m.message_id);
	store_bind_text(stmt, 10, m.in_reply_to);
	store_bind_text(stmt, 11, m.references);
	store_bind_text(stmt, 12, sha);
	ret = store_step_done(st, stmt, "insert message", err);
	if (ret == 0 && idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	store_msg_clear(&m);
	return ret;
}

/* Records (uidl, sha) for message (0: none) unless it is known. */
static int
store_insert_uidl(struct store *st, const char *uidl, const char *sha,
    int64_t message, int64_t now, struct error *err)
{
	sqlite3_stmt	*stmt;

	stmt = store_prepare(st, "INSERT INTO pop3_uidl (uidl, sha256, "
	    "message, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE "
	    "SET message = COALESCE(excluded.message, message)", err);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, uidl);
	store_bind_text(stmt, 2, sha);
	if (message > 0)
		sqlite3_bind_int64(stmt, 3, message);
	else
		sqlite3_bind_null(stmt, 3);
	sqlite3_bind_int64(stmt, 4, now);
	return store_step_done(st, stmt, "record UIDL", err);
}

/* ------------------------------------------------------------ recovery */

struct store_row {
	int64_t		 id;
	char		*file;
	uint32_t	 flags;
	int		 cur;
	int		 seen;
};

static int
store_row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct store_row *)a)->file,
	    ((const struct store_row *)b)->file);
}

static int
store_load_rows(struct store *st, int64_t folder, struct store_row **rowsp,
    size_t *np, struct error *err)
{
	struct store_row	*rows = NULL;
	sqlite3_stmt		*stmt;
	size_t			 n = 0, alloc = 0;
	int			 r;

	if ((stmt = store_prepare(st, "SELECT id, file, flags, cur FROM "
	    "messages WHERE folder = ?", err)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, folder);
	while ((r = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc == 0 ? 64 : alloc * 2;
			rows = xreallocarray(rows, alloc, sizeof *rows);
		}
		rows[n].id = sqlite3_column_int64(stmt, 0);
		rows[n].file = store_column_dup(stmt, 1);
		rows[n].flags = (uint32_t)sqlite3_column_int64(stmt, 2) &
		    STORE_FLAGS_MASK;
		rows[n].cur = sqlite3_column_int(stmt, 3);
		rows[n].seen = 0;
		if (rows[n].file == NULL)
			rows[n].file = xstrdup("");
		n++;
	}
	sqlite3_finalize(stmt);
	if (r != SQLITE_DONE) {
		while (n > 0)
			free(rows[--n].file);
		free(rows);
		return store_db_error(st, "load messages", err);
	}
	if (n > 0)
		qsort(rows, n, sizeof *rows, store_row_cmp);
	*rowsp = rows;
	*np = n;
	return 0;
}

/* Indexes a file found without a row (a crash after its rename). */
static int
store_index_orphan(struct store *st, int64_t folder, const char *path,
    const char *base, int cur, uint32_t flags, struct error *err)
{
	struct sbuf	 msg;
	char		 sha[STORE_SHA256_HEX], uidl[STORE_MAX_UIDL + 1];
	char		*want;
	int64_t		 id;
	int		 ret = -1, pop3;

	sbuf_init(&msg);
	if (fs_read_file(path, STORE_MAX_MESSAGE, &msg, err) == -1)
		goto out;
	store_sha256_hex(msg.buf, msg.len, sha);
	/*
	 * A POP3 download names its file after its content's SHA-256: a
	 * file whose content no longer matches was cut by a system crash
	 * before its batch was synced. It goes, and its UIDL stays
	 * unrecorded: the next check downloads the message again.
	 */
	pop3 = store_maildir_pop3_uidl(base, uidl, sizeof uidl) == 0;
	if (pop3) {
		want = store_maildir_pop3_name(uidl, sha);
		if (strcmp(want, base) != 0) {
			log_warn("%s: %s is not the message it was named "
			    "after (cut by a crash); it will be downloaded "
			    "again", st->dir, path);
			if (unlink(path) == -1)
				log_warn("%s: %s", path, strerror(errno));
			free(want);
			ret = 0;
			goto out;
		}
		free(want);
	}
	if (store_insert_msg(st, folder, base, cur, flags, msg.buf, msg.len,
	    sha, &id, err) == -1)
		goto out;
	/* A POP3 delivery: its UIDL record was in the lost transaction. */
	if (pop3 && store_insert_uidl(st, uidl, sha, id, (int64_t)time(NULL),
	    err) == -1)
		goto out;
	log_info("%s: indexed %s, found without a row", st->dir, path);
	ret = 0;
out:
	sbuf_release(&msg);
	return ret;
}

static int
store_update_row(struct store *st, int64_t id, int cur, uint32_t flags,
    struct error *err)
{
	sqlite3_stmt	*stmt;

	/* Content bits (STORE_CONTENT_MASK) come from the message: kept. */
	if ((stmt = store_prepare(st, "UPDATE messages SET cur = ?, "
	    "flags = (flags & ?) | ? WHERE id = ?", err)) == NULL)
		return -1;
	sqlite3_bind_int(stmt, 1, cur);
	sqlite3_bind_int64(stmt, 2, STORE_CONTENT_MASK);
	sqlite3_bind_int64(stmt, 3, flags & STORE_FLAGS_MASK);
	sqlite3_bind_int64(stmt, 4, id);
	return store_step_done(st, stmt, "update message", err);
}

static int
store_delete_row(struct store *st, int64_t id, struct error *err)
{
	sqlite3_stmt	*stmt;

	if ((stmt = store_prepare(st, "DELETE FROM messages WHERE id = ?",
	    err)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	return store_step_done(st, stmt, "delete message", err);
}

/* Matches the files of dir/sub against rows; the files win. */
static int
store_scan_sub(struct store *st, int64_t folder, const char *dir, int cur,
    struct store_row *rows, size_t n, struct error *err)
{
	struct store_row	 key, *row;
	struct dirent		*de;
	DIR			*d;
	char			*sub, *path, *base, *colon;
	uint32_t		 flags;
	int			 ret = 0;

	sub = xasprintf("%s/%s", dir, cur ? "cur" : "new");
	if ((d = opendir(sub)) == NULL) {
		free(sub);
		return 0;
	}
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		base = xstrdup(de->d_name);
		if ((colon = strchr(base, ':')) != NULL)
			*colon = '\0';
		flags = store_maildir_parse_info(de->d_name);
		key.file = base;
		row = n > 0 ? bsearch(&key, rows, n, sizeof *rows,
		    store_row_cmp) : NULL;
		if (row != NULL) {
			row->seen = 1;
			if (row->flags != flags || row->cur != cur)
				ret = store_update_row(st, row->id, cur, flags,
				    err);
		} else {
			path = xasprintf("%s/%s", sub, de->d_name);
			ret = store_index_orphan(st, folder, path, base, cur,
			    flags, err);
			free(path);
		}
		free(base);
	}
	closedir(d);
	free(sub);
	return ret;
}

static int
store_recover_folder(struct store *st, int64_t folder, const char *name,
    struct error *err)
{
	struct store_row	*rows = NULL;
	size_t			 n = 0, i;
	char			*dir;
	int			 ret = -1;

	dir = store_folder_dir(st, name);
	if (store_maildir_make(dir, err) == -1)
		goto out;
	store_maildir_clean_tmp(dir);
	if (store_load_rows(st, folder, &rows, &n, err) == -1)
		goto out;
	if (store_scan_sub(st, folder, dir, 0, rows, n, err) == -1 ||
	    store_scan_sub(st, folder, dir, 1, rows, n, err) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (rows[i].seen)
			continue;
		log_info("%s: %s: message %lld has no file, dropped", st->dir,
		    name, (long long)rows[i].id);
		if (store_delete_row(st, rows[i].id, err) == -1)
			goto out;
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(rows[i].file);
	free(rows);
	free(dir);
	return ret;
}

/* Adds a folder row for every .Name Maildir without one. */
static int
store_import_dirs(struct store *st, struct error *err)
{
	struct dirent	*de;
	sqlite3_stmt	*stmt;
	struct stat	 sb;
	DIR		*d;
	char		*cur;
	int		 ret = 0;

	if ((d = opendir(st->dir)) == NULL)
		return error_set_errno(err, ERROR_SYS, _("cannot open '%s'"),
		    st->dir);
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.' || store_check_folder_name(
		    de->d_name + 1, NULL) == -1 || store_is_inbox(de->d_name + 1))
			continue;
		cur = xasprintf("%s/%s/cur", st->dir, de->d_name);
		if (stat(cur, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if ((stmt = store_prepare(st, "INSERT OR IGNORE INTO "
			    "folders (name) VALUES (?)", err)) == NULL)
				ret = -1;
			else {
				store_bind_text(stmt, 1, de->d_name + 1);
				ret = store_step_done(st, stmt, "add folder",
				    err);
			}
		}
		free(cur);
	}
	closedir(d);
	return ret;
}

static int
store_recover(struct store *st, struct error *err)
{
	struct store_folder	*v = NULL;
	sqlite3_stmt		*stmt;
	size_t			 n = 0, i;
	int64_t			 id;
	int			 ret = -1;

	if (store_exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	if ((stmt = store_prepare(st, "INSERT OR IGNORE INTO folders (name) "
	    "VALUES ('" STORE_INBOX "')", err)) == NULL ||
	    store_step_done(st, stmt, "add INBOX", err) == -1 ||
	    store_import_dirs(st, err) == -1 ||
	    store_folder_list(st, &v, &n, err) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (store_folder_id(st, v[i].name, &id, err) == -1 ||
		    store_recover_folder(st, id, v[i].name, err) == -1)
			goto out;
	}
	ret = store_exec(st, "COMMIT", err);
out:
	if (ret == -1)
		store_rollback(st);
	store_folders_free(v, n);
	return ret;
}

/* ------------------------------------------------------------ open */

static int
store_schema_setup(struct store *st, struct error *err)
{
	sqlite3_stmt	*stmt;
	int		 r, version = 0;

	stmt = store_prepare(st, "SELECT name FROM sqlite_master WHERE "
	    "type = 'table' AND name = 'schema_version'", err);
	if (stmt == NULL)
		return -1;
	r = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (r == SQLITE_DONE) {
		if (store_exec(st, "BEGIN IMMEDIATE", err) == -1)
			return -1;
		if (store_exec(st, store_schema, err) == -1 ||
		    store_exec(st, "COMMIT", err) == -1) {
			store_rollback(st);
			return -1;
		}
		return 0;
	}
	if ((stmt = store_prepare(st, "SELECT MAX(version) FROM "
	    "schema_version", err)) == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (version != STORE_SCHEMA_VERSION)
		return error_set(err, ERROR_SYS, _("local store '%s' has "
		    "schema version %d; this Postern knows %d"), st->dir,
		    version, STORE_SCHEMA_VERSION);
	return 0;
}

static int
store_lock(struct store *st, struct error *err)
{
	char	*path;

	path = xasprintf("%s/lock", st->dir);
	st->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lockfd == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot open '%s'"), path);
		free(path);
		return -1;
	}
	free(path);
	if (flock(st->lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			return error_set(err, ERROR_SYS, _("the local store "
			    "'%s' is in use by another Postern"), st->dir);
		return error_set_errno(err, ERROR_SYS, _("cannot lock '%s'"),
		    st->dir);
	}
	return 0;
}

struct store *
store_open(const char *dir, struct error *err)
{
	struct store	*st;
	char		*path;
	int		 r;

	st = xcalloc(1, sizeof *st);
	st->dir = xstrdup(dir);
	st->lockfd = -1;
	path = xasprintf("%s/store.db", dir);
	if (fs_mkdir_parents(path, 0700, err) == -1 ||
	    store_maildir_make(dir, err) == -1 || store_lock(st, err) == -1) {
		free(path);
		store_close(st);
		return NULL;
	}
	r = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	free(path);
	if (r != SQLITE_OK) {
		error_set(err, ERROR_SYS, _("cannot open the local store in "
		    "'%s': %s"), dir, st->db != NULL ? sqlite3_errmsg(st->db) :
		    sqlite3_errstr(r));
		store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	/* synchronous=FULL: a commit is durable before a DELE follows it. */
	if (store_exec(st, "PRAGMA journal_mode = WAL", err) == -1 ||
	    store_exec(st, "PRAGMA synchronous = FULL", err) == -1 ||
	    store_exec(st, "PRAGMA foreign_keys = ON", err) == -1 ||
	    store_schema_setup(st, err) == -1 || store_recover(st, err) == -1) {
		store_close(st);
		return NULL;
	}
	return st;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->db != NULL)
		sqlite3_close(st->db);
	if (st->lockfd != -1)
		close(st->lockfd);
	free(st->dir);
	free(st);
}

/* ------------------------------------------------------------ folders */

int
store_folder_list(struct store *st, struct store_folder **vp, size_t *np,
    struct error *err)
{
	struct store_folder	*v = NULL;
	sqlite3_stmt		*stmt;
	size_t			 n = 0, alloc = 0;
	int			 r;

	stmt = store_prepare(st, "SELECT f.name, COUNT(m.id), "
	    "COALESCE(SUM((m.flags & 1) = 0), 0) FROM folders f LEFT JOIN "
	    "messages m ON m.folder = f.id GROUP BY f.id "
	    "ORDER BY f.name <> 'INBOX', f.name", err);
	if (stmt == NULL)
		return -1;
	while ((r = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc == 0 ? 8 : alloc * 2;
			v = xreallocarray(v, alloc, sizeof *v);
		}
		v[n].name = store_column_dup(stmt, 0);
		if (v[n].name == NULL)
			v[n].name = xstrdup("");
		v[n].total = (uint32_t)sqlite3_column_int64(stmt, 1);
		v[n].unseen = (uint32_t)sqlite3_column_int64(stmt, 2);
		n++;
	}
	sqlite3_finalize(stmt);
	if (r != SQLITE_DONE) {
		store_folders_free(v, n);
		return store_db_error(st, "list folders", err);
	}
	*vp = v;
	*np = n;
	return 0;
}

void
store_folders_free(struct store_folder *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int
store_folder_create(struct store *st, const char *name, struct error *err)
{
	sqlite3_stmt	*stmt;
	char		*dir, *marker;
	int64_t		 id;
	int		 fd, ret = -1;

	if (store_check_folder_name(name, err) == -1)
		return -1;
	if (store_is_inbox(name) || store_folder_id(st, name, &id, NULL) == 0)
		return error_set(err, ERROR_INPUT,
		    _("folder '%s' exists already"), name);
	dir = store_folder_dir(st, name);
	marker = xasprintf("%s/maildirfolder", dir);
	if (store_maildir_make(dir, err) == -1)
		goto out;
	/* Maildir++ marks a subfolder with this empty file. */
	if ((fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) != -1)
		close(fd);
	if (store_maildir_sync_dir(st->dir, err) == -1)
		goto out;
	if ((stmt = store_prepare(st, "INSERT INTO folders (name) VALUES (?)",
	    err)) == NULL)
		goto out;
	store_bind_text(stmt, 1, name);
	ret = store_step_done(st, stmt, "create folder", err);
out:
	free(marker);
	free(dir);
	return ret;
}

int
store_folder_rename(struct store *st, const char *from, const char *to,
    struct error *err)
{
	sqlite3_stmt	*stmt;
	char		*dfrom = NULL, *dto = NULL;
	int64_t		 id;
	int		 ret = -1;

	if (store_is_inbox(from) || store_is_inbox(to))
		return error_set(err, ERROR_INPUT,
		    _("INBOX cannot be renamed"));
	if (store_check_folder_name(to, err) == -1 ||
	    store_folder_id(st, from, &id, err) == -1)
		return -1;
	if (store_folder_id(st, to, &id, NULL) == 0)
		return error_set(err, ERROR_INPUT,
		    _("folder '%s' exists already"), to);
	if (store_exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	if ((stmt = store_prepare(st, "UPDATE folders SET name = ? WHERE "
	    "name = ?", err)) == NULL)
		goto out;
	store_bind_text(stmt, 1, to);
	store_bind_text(stmt, 2, from);
	if (store_step_done(st, stmt, "rename folder", err) == -1)
		goto out;
	dfrom = store_folder_dir(st, from);
	dto = store_folder_dir(st, to);
	if (rename(dfrom, dto) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot rename '%s'"),
		    dfrom);
		goto out;
	}
	if (store_maildir_sync_dir(st->dir, err) == -1)
		goto out;
	ret = store_exec(st, "COMMIT", err);
out:
	if (ret == -1)
		store_rollback(st);
	free(dfrom);
	free(dto);
	return ret;
}

/* Removes the files of dir/sub, then sub itself. */
static void
store_remove_sub(const char *dir, const char *sub)
{
	struct dirent	*de;
	DIR		*d;
	char		*path, *file;

	path = xasprintf("%s/%s", dir, sub);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			file = xasprintf("%s/%s", path, de->d_name);
			unlink(file);
			free(file);
		}
		closedir(d);
	}
	rmdir(path);
	free(path);
}

int
store_folder_delete(struct store *st, const char *name, struct error *err)
{
	sqlite3_stmt	*stmt;
	char		*dir, *marker;
	int64_t		 id;

	if (store_is_inbox(name))
		return error_set(err, ERROR_INPUT,
		    _("INBOX cannot be deleted"));
	if (store_folder_id(st, name, &id, err) == -1)
		return -1;
	/* Files first: a crash leaves a folder row, never lost files. */
	dir = store_folder_dir(st, name);
	store_remove_sub(dir, "tmp");
	store_remove_sub(dir, "new");
	store_remove_sub(dir, "cur");
	marker = xasprintf("%s/maildirfolder", dir);
	unlink(marker);
	free(marker);
	if (rmdir(dir) == -1 && errno != ENOENT) {
		error_set_errno(err, ERROR_SYS, _("cannot remove '%s'"), dir);
		free(dir);
		return -1;
	}
	free(dir);
	if ((stmt = store_prepare(st, "DELETE FROM folders WHERE id = ?",
	    err)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	return store_step_done(st, stmt, "delete folder", err);
}

/* ------------------------------------------------------------ delivery */

int
store_deliver_file(const char *dir, const char *folder, const char *msg,
    size_t len, uint32_t flags, struct error *err)
{
	char	*fdir, *base, *marker;
	int	 fd, ret = -1;

	if (store_check_folder_name(folder, err) == -1)
		return -1;
	if (len > STORE_MAX_MESSAGE)
		return error_set(err, ERROR_INPUT, _("message too large"));
	fdir = store_is_inbox(folder) ? xstrdup(dir) :
	    xasprintf("%s/.%s", dir, folder);
	base = store_maildir_unique();
	if (store_maildir_make(fdir, err) == -1)
		goto out;
	if (!store_is_inbox(folder)) {
		marker = xasprintf("%s/maildirfolder", fdir);
		if ((fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC,
		    0600)) != -1)
			close(fd);
		free(marker);
	}
	ret = store_maildir_write(fdir, base, flags & STORE_FLAGS_MASK, msg,
	    len, 1, err);
out:
	free(base);
	free(fdir);
	return ret;
}

int
store_deliver(struct store *st, const char *folder, const char *msg,
    size_t len, uint32_t flags, int64_t *idp, struct error *err)
{
	char	 sha[STORE_SHA256_HEX];
	char	*dir, *base, *path;
	int64_t	 fid;
	int	 ret = -1;

	if (len > STORE_MAX_MESSAGE)
		return error_set(err, ERROR_INPUT,
		    _("message too large (%zu bytes)"), len);
	if (store_folder_id(st, folder, &fid, err) == -1)
		return -1;
	flags &= STORE_FLAGS_MASK;
	dir = store_folder_dir(st, folder);
	base = store_maildir_unique();
	store_sha256_hex(msg, len, sha);
	if (store_maildir_write(dir, base, flags, msg, len, 1, err) == -1)
		goto out;
	if (store_insert_msg(st, fid, base, flags != 0, flags, msg, len, sha,
	    idp, err) == -1) {
		path = store_maildir_path(dir, base, flags != 0, flags);
		unlink(path);
		free(path);
		goto out;
	}
	ret = 0;
out:
	free(base);
	free(dir);
	return ret;
}

/* The message holding content sha, from any earlier UIDL: 1 if known. */
static int
store_pop3_find_sha(struct store *st, const char *sha, int64_t *msgp,
    struct error *err)
{
	sqlite3_stmt	*stmt;
	int		 r;

	*msgp = 0;
	stmt = store_prepare(st, "SELECT COALESCE(MAX(message), 0), COUNT(*) "
	    "FROM pop3_uidl WHERE sha256 = ?", err);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, sha);
	r = sqlite3_step(stmt);
	if (r == SQLITE_ROW) {
		*msgp = sqlite3_column_int64(stmt, 0);
		r = sqlite3_column_int64(stmt, 1) > 0;
	} else
		r = store_db_error(st, "find content", err);
	sqlite3_finalize(stmt);
	return r;
}

int
store_pop3_deliver(struct store *st, const char *uidl, const char *msg,
    size_t len, int64_t now, int *storedp, struct error *err)
{
	char	 sha[STORE_SHA256_HEX];
	char	*base = NULL, *path;
	int64_t	 inbox, id;
	int	 known, ret = -1;

	*storedp = 0;
	if (len > STORE_MAX_MESSAGE)
		return error_set(err, ERROR_INPUT,
		    _("message too large (%zu bytes)"), len);
	if (store_folder_id(st, STORE_INBOX, &inbox, err) == -1)
		return -1;
	store_sha256_hex(msg, len, sha);
	/* In a batch: a savepoint, so that a failure undoes this one only. */
	if (store_exec(st, st->batch ? "SAVEPOINT deliver" :
	    "BEGIN IMMEDIATE", err) == -1)
		return -1;
	if ((known = store_pop3_find_sha(st, sha, &id, err)) == -1)
		goto out;
	if (known) {
		/* Seen under another UIDL: record this one, store nothing. */
		log_info("%s: UIDL %s holds a message we have", st->dir, uidl);
		if (store_insert_uidl(st, uidl, sha, id, now, err) == -1)
			goto out;
		ret = store_exec(st, st->batch ? "RELEASE deliver" : "COMMIT",
		    err);
		goto out;
	}
	/*
	 * The file first: a crash before COMMIT leaves a file that the
	 * next download of the message replaces (the same name). A batch
	 * syncs its files all at once before its COMMIT.
	 */
	base = store_maildir_pop3_name(uidl, sha);
	if (store_maildir_write(st->dir, base, 0, msg, len, !st->batch,
	    err) == -1)
		goto out;
	if (store_insert_msg(st, inbox, base, 0, 0, msg, len, sha, &id,
	    err) == -1 || store_insert_uidl(st, uidl, sha, id, now, err) == -1 ||
	    store_exec(st, st->batch ? "RELEASE deliver" : "COMMIT",
	    err) == -1) {
		path = store_maildir_path(st->dir, base, 0, 0);
		unlink(path);
		free(path);
		goto out;
	}
	*storedp = 1;
	ret = 0;
out:
	if (ret == -1 && st->batch) {
		sqlite3_exec(st->db, "ROLLBACK TO deliver", NULL, NULL, NULL);
		sqlite3_exec(st->db, "RELEASE deliver", NULL, NULL, NULL);
	} else if (ret == -1)
		store_rollback(st);
	free(base);
	return ret;
}

int
store_pop3_batch_begin(struct store *st, struct error *err)
{
	if (st->batch)
		return 0;
	if (store_exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	st->batch = 1;
	return 0;
}

int
store_pop3_batch_end(struct store *st, struct error *err)
{
	int	 fd, r;

	if (!st->batch)
		return 0;
	st->batch = 0;
	/*
	 * The batch's files and their renames reach the disk first (one
	 * syncfs instead of two fsyncs a message), then the rows that
	 * record them: a UIDL is never recorded for a file a crash could
	 * still take away.
	 */
	if ((fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot open '%s'"), st->dir);
		store_rollback(st);
		return -1;
	}
	r = syncfs(fd);
	close(fd);
	if (r == -1) {
		error_set_errno(err, ERROR_SYS, _("cannot sync '%s'"), st->dir);
		store_rollback(st);
		return -1;
	}
	if (store_exec(st, "COMMIT", err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
store_pop3_known(struct store *st, const char *uidl, struct error *err)
{
	struct store_uidl	 u;
	int			 r;

	if ((r = store_pop3_get(st, uidl, &u, err)) == -1)
		return -1;
	return r == 0;
}

int
store_pop3_known_content(struct store *st, const char *uidl,
    const char *msg, size_t len, struct error *err)
{
	sqlite3_stmt	*stmt;
	char		 sha[STORE_SHA256_HEX];
	int		 r;

	store_sha256_hex(msg, len, sha);
	if ((stmt = store_prepare(st, "SELECT 1 FROM pop3_uidl WHERE "
	    "uidl = ? AND sha256 = ?", err)) == NULL)
		return -1;
	store_bind_text(stmt, 1, uidl);
	store_bind_text(stmt, 2, sha);
	r = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (r == SQLITE_ROW)
		return 1;
	if (r == SQLITE_DONE)
		return 0;
	return store_db_error(st, "find UIDL", err);
}

int
store_pop3_get(struct store *st, const char *uidl, struct store_uidl *u,
    struct error *err)
{
	sqlite3_stmt	*stmt;
	int		 r, ret;

	stmt = store_prepare(st, "SELECT COUNT(*), MIN(first_seen), "
	    "COALESCE(MAX(message), 0), MIN(deleted_on_server) FROM pop3_uidl "
	    "WHERE uidl = ?", err);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, uidl);
	r = sqlite3_step(stmt);
	if (r != SQLITE_ROW)
		ret = store_db_error(st, "find UIDL", err);
	else if (sqlite3_column_int64(stmt, 0) == 0)
		ret = 1;
	else {
		u->uidl = uidl;
		u->first_seen = sqlite3_column_int64(stmt, 1);
		u->message = sqlite3_column_int64(stmt, 2);
		u->deleted_on_server = sqlite3_column_int64(stmt, 3);
		ret = 0;
	}
	sqlite3_finalize(stmt);
	return ret;
}

static int
store_listed_add(struct store *st, const char *sql, const char *const *v,
    size_t n, struct error *err)
{
	sqlite3_stmt	*stmt;
	size_t		 i;

	if ((stmt = store_prepare(st, sql, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		store_bind_text(stmt, 1, v[i]);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			sqlite3_finalize(stmt);
			return store_db_error(st, "note UIDLs", err);
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return 0;
}

int
store_pop3_sync(struct store *st, const char *const *listed, size_t n,
    const char *const *deleted, size_t ndeleted, int64_t now,
    struct error *err)
{
	sqlite3_stmt	*stmt;
	int		 ret = -1;

	if (store_exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	if (store_exec(st, "CREATE TEMP TABLE IF NOT EXISTS pop3_listed "
	    "(uidl TEXT PRIMARY KEY); DELETE FROM pop3_listed", err) == -1 ||
	    store_listed_add(st, "INSERT OR IGNORE INTO pop3_listed VALUES (?)",
	    listed, n, err) == -1 ||
	    store_listed_add(st, "DELETE FROM pop3_listed WHERE uidl = ?",
	    deleted, ndeleted, err) == -1 ||
	    store_exec(st, "UPDATE pop3_uidl SET deleted_on_server = 0 WHERE "
	    "deleted_on_server <> 0 AND uidl IN (SELECT uidl FROM "
	    "pop3_listed)", err) == -1)
		goto out;
	if ((stmt = store_prepare(st, "UPDATE pop3_uidl SET "
	    "deleted_on_server = ? WHERE deleted_on_server = 0 AND uidl NOT IN "
	    "(SELECT uidl FROM pop3_listed)", err)) == NULL)
		goto out;
	sqlite3_bind_int64(stmt, 1, now > 0 ? now : 1);
	if (store_step_done(st, stmt, "mark UIDLs", err) == -1)
		goto out;
	ret = store_exec(st, "COMMIT", err);
out:
	if (ret == -1)
		store_rollback(st);
	return ret;
}

int
store_pop3_set_first_seen(struct store *st, const char *uidl, int64_t when,
    struct error *err)
{
	sqlite3_stmt	*stmt;

	if ((stmt = store_prepare(st, "UPDATE pop3_uidl SET first_seen = ? "
	    "WHERE uidl = ?", err)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, when);
	store_bind_text(stmt, 2, uidl);
	return store_step_done(st, stmt, "set first seen", err);
}

/* ------------------------------------------------------------ messages */

#define STORE_MSG_COLUMNS "m.id, f.name, m.file, m.flags, m.size, m.date, " \
	"m.sender, m.subject, m.message_id, m.in_reply_to, m.refs, m.cur"

static void
store_msg_from_row(sqlite3_stmt *stmt, struct store_msg *m)
{
	m->id = sqlite3_column_int64(stmt, 0);
	m->folder = store_column_dup(stmt, 1);
	m->file = store_column_dup(stmt, 2);
	m->flags = (uint32_t)sqlite3_column_int64(stmt, 3);
	m->size = (uint32_t)sqlite3_column_int64(stmt, 4);
	m->date = sqlite3_column_int64(stmt, 5);
	m->from = store_column_dup(stmt, 6);
	m->subject = store_column_dup(stmt, 7);
	m->message_id = store_column_dup(stmt, 8);
	m->in_reply_to = store_column_dup(stmt, 9);
	m->references = store_column_dup(stmt, 10);
}

int
store_msg_list(struct store *st, const char *folder, struct store_msg **vp,
    size_t *np, struct error *err)
{
	struct store_msg	*v = NULL;
	sqlite3_stmt		*stmt;
	size_t			 n = 0, alloc = 0;
	int64_t			 fid;
	int			 r;

	if (store_folder_id(st, folder, &fid, err) == -1)
		return -1;
	stmt = store_prepare(st, "SELECT " STORE_MSG_COLUMNS " FROM messages "
	    "m JOIN folders f ON f.id = m.folder WHERE m.folder = ? "
	    "ORDER BY m.date DESC, m.id DESC", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, fid);
	while ((r = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc == 0 ? 64 : alloc * 2;
			v = xreallocarray(v, alloc, sizeof *v);
		}
		store_msg_from_row(stmt, &v[n++]);
	}
	sqlite3_finalize(stmt);
	if (r != SQLITE_DONE) {
		store_msgs_free(v, n);
		return store_db_error(st, "list messages", err);
	}
	*vp = v;
	*np = n;
	return 0;
}

/* The row of id with its cur column in *curp. */
static int
store_msg_load(struct store *st, int64_t id, struct store_msg *m, int *curp,
    struct error *err)
{
	sqlite3_stmt	*stmt;
	int		 r;

	memset(m, 0, sizeof *m);
	stmt = store_prepare(st, "SELECT " STORE_MSG_COLUMNS " FROM messages "
	    "m JOIN folders f ON f.id = m.folder WHERE m.id = ?", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	r = sqlite3_step(stmt);
	if (r == SQLITE_ROW) {
		store_msg_from_row(stmt, m);
		if (curp != NULL)
			*curp = sqlite3_column_int(stmt, 11);
	}
	sqlite3_finalize(stmt);
	if (r == SQLITE_ROW)
		return 0;
	if (r == SQLITE_DONE)
		return error_set(err, ERROR_INPUT, _("no message %lld"),
		    (long long)id);
	return store_db_error(st, "load message", err);
}

int
store_msg_get(struct store *st, int64_t id, struct store_msg *m,
    struct error *err)
{
	return store_msg_load(st, id, m, NULL, err);
}

void
store_msg_clear(struct store_msg *m)
{
	free(m->folder);
	free(m->file);
	free(m->from);
	free(m->subject);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->references);
	memset(m, 0, sizeof *m);
}

void
store_msgs_free(struct store_msg *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		store_msg_clear(&v[i]);
	free(v);
}

char *
store_msg_path(struct store *st, int64_t id, struct error *err)
{
	struct store_msg	 m;
	char			*dir, *path;
	int			 cur;

	if (store_msg_load(st, id, &m, &cur, err) == -1)
		return NULL;
	dir = store_folder_dir(st, m.folder);
	path = store_maildir_path(dir, m.file, cur, m.flags);
	free(dir);
	store_msg_clear(&m);
	return path;
}

int
store_msg_read(struct store *st, int64_t id, struct sbuf *out,
    struct error *err)
{
	char	*path;
	int	 ret;

	if ((path = store_msg_path(st, id, err)) == NULL)
		return -1;
	ret = fs_read_file(path, STORE_MAX_MESSAGE, out, err);
	free(path);
	return ret;
}

/* Renames a message file, then makes the rename durable. */
static int
store_rename_file(const char *from, const char *to, const char *todir,
    struct error *err)
{
	if (rename(from, to) == -1)
		return error_set_errno(err, ERROR_SYS,
		    _("cannot rename '%s'"), from);
	return store_maildir_sync_dir(todir, err);
}

int
store_msg_set_flags(struct store *st, int64_t id, uint32_t flags,
    struct error *err)
{
	struct store_msg	 m;
	char			*dir = NULL, *from = NULL, *to = NULL, *sub;
	int			 cur, ret = -1;

	flags &= STORE_FLAGS_MASK;
	if (store_msg_load(st, id, &m, &cur, err) == -1)
		return -1;
	if (cur && (m.flags & STORE_FLAGS_MASK) == flags) {
		ret = 0;
		goto out;
	}
	dir = store_folder_dir(st, m.folder);
	from = store_maildir_path(dir, m.file, cur, m.flags);
	to = store_maildir_path(dir, m.file, 1, flags);
	sub = xasprintf("%s/cur", dir);
	ret = store_rename_file(from, to, sub, err);
	free(sub);
	if (ret == 0)
		ret = store_update_row(st, id, 1, flags, err);
out:
	free(dir);
	free(from);
	free(to);
	store_msg_clear(&m);
	return ret;
}

int
store_msg_move(struct store *st, int64_t id, const char *folder,
    struct error *err)
{
	struct store_msg	 m;
	sqlite3_stmt		*stmt;
	struct stat		 sb;
	char			*sdir = NULL, *ddir = NULL, *from = NULL;
	char			*to = NULL, *sub = NULL;
	int64_t			 fid;
	int			 cur, ret = -1;

	if (store_folder_id(st, folder, &fid, err) == -1 ||
	    store_msg_load(st, id, &m, &cur, err) == -1)
		return -1;
	sdir = store_folder_dir(st, m.folder);
	ddir = store_folder_dir(st, folder);
	if (strcmp(sdir, ddir) == 0) {
		ret = 0;
		goto out;
	}
	from = store_maildir_path(sdir, m.file, cur, m.flags);
	to = store_maildir_path(ddir, m.file, cur, m.flags);
	sub = xasprintf("%s/%s", ddir, cur ? "cur" : "new");
	if (stat(to, &sb) == 0) {
		error_set(err, ERROR_SYS, _("'%s' exists already"), to);
		goto out;
	}
	/* The file first: recovery then finds it in its new folder. */
	if (store_rename_file(from, to, sub, err) == -1)
		goto out;
	if ((stmt = store_prepare(st, "UPDATE messages SET folder = ? WHERE "
	    "id = ?", err)) == NULL)
		goto out;
	sqlite3_bind_int64(stmt, 1, fid);
	sqlite3_bind_int64(stmt, 2, id);
	ret = store_step_done(st, stmt, "move message", err);
out:
	free(sdir);
	free(ddir);
	free(from);
	free(to);
	free(sub);
	store_msg_clear(&m);
	return ret;
}

int
store_msg_copy(struct store *st, int64_t id, const char *folder,
    int64_t *idp, struct error *err)
{
	struct store_msg	 m;
	struct sbuf		 body;
	int			 ret = -1;

	sbuf_init(&body);
	if (store_msg_load(st, id, &m, NULL, err) == -1)
		return -1;
	if (store_msg_read(st, id, &body, err) == 0)
		ret = store_deliver(st, folder, body.buf, body.len, m.flags,
		    idp, err);
	sbuf_release(&body);
	store_msg_clear(&m);
	return ret;
}

int
store_msg_delete(struct store *st, int64_t id, struct error *err)
{
	char	*path;

	if ((path = store_msg_path(st, id, err)) == NULL)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT) {
		error_set_errno(err, ERROR_SYS, _("cannot remove '%s'"), path);
		free(path);
		return -1;
	}
	free(path);
	return store_delete_row(st, id, err);
}

struct sqlite3 *
store_sqlite(struct store *st)
{
	return st->db;
}
