/* src/store/internal.h: shared by the store's files only. */
#ifndef POSTERN_STORE_INTERNAL_H
#define POSTERN_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/sbuf.h"

#define STORE_P3_PREFIX		"p3-"	/* file names of POP3 deliveries */

/* Creates dir with cur/, new/ and tmp/ (dir itself too if missing). */
int	 store_maildir_make(const char *dir, struct error *);
/* fsyncs a directory, so that a rename in it is durable. */
int	 store_maildir_sync_dir(const char *dir, struct error *);
/*
 * Writes len bytes to dir/tmp/base, fsyncs it, renames it to
 * dir/new/base (or dir/cur/base:2,INFO when flags are set) and fsyncs
 * that directory; with sync 0 neither is fsynced (the caller syncs the
 * file system before anything counts on the file). A failure leaves
 * nothing behind in tmp/.
 */
int	 store_maildir_write(const char *dir, const char *base,
	    uint32_t flags, const char *msg, size_t len, int sync,
	    struct error *);
/* The path of a message file; the caller frees it. */
char	*store_maildir_path(const char *dir, const char *base, int cur,
	    uint32_t flags);
/* Removes every file in dir/tmp/; returns how many. */
int	 store_maildir_clean_tmp(const char *dir);
/* A new unique base name (time, counter, pid, host); caller frees. */
char	*store_maildir_unique(void);
/* "p3-HEX(uidl)-SHA16": the base name of a POP3 delivery; caller frees. */
char	*store_maildir_pop3_name(const char *uidl, const char *sha256hex);
/* The UIDL back from such a name into out (STORE_MAX_UIDL + 1); 0 or -1. */
int	 store_maildir_pop3_uidl(const char *base, char *out, size_t outlen);
/* SHA-256 of msg as 64 lower-case hex digits. */
void	 store_sha256_hex(const char *msg, size_t len,
	    char out[STORE_SHA256_HEX]);

/* The store's SQLite handle, for the body index (bodyidx.c). */
struct sqlite3;
struct store;
struct sqlite3	*store_sqlite(struct store *);

#endif
