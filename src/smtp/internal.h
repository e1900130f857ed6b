/* src/smtp/internal.h: shared inside src/smtp/ only (and its tests). */
#ifndef POSTERN_SMTP_INTERNAL_H
#define POSTERN_SMTP_INTERNAL_H

#include <stddef.h>

#include "core/error.h"
#include "mime/mime.h"
#include "smtp/smtp.h"

/*
 * Writes dir/tmp/name, fsyncs it and renames it to dir/name. With
 * lockfd the file is flocked first and stays open (and locked) there.
 */
int	 outbox_write_file(const char *dir, const char *name, const char *s,
	    size_t len, int *lockfd, struct error *);
/* Reads the envelope of entry id (the caller releases env). */
int	 outbox_read_env(const char *dir, const char *id,
	    struct mime_envelope *env, struct error *);
/* Removes entry id (message first) and fsyncs dir. */
int	 outbox_remove(const char *dir, const char *id, struct error *);
/* Writes why entry id was not sent to ID.err (failures only logged). */
void	 outbox_record_error(const char *dir, const char *id,
	    const struct error *, const struct sender_report *);
/* The ids of the entries in dir, oldest first (the caller frees all). */
int	 outbox_list(const char *dir, char ***idsp, size_t *np,
	    struct error *);
/*
 * Opens and flocks ID.eml without waiting: the descriptor, -1 if the
 * entry is gone, -2 if another process holds it.
 */
int	 outbox_lock(const char *dir, const char *id);

#endif
