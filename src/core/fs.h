/* src/core/fs.h: paths and durable files. */
#ifndef POSTERN_CORE_FS_H
#define POSTERN_CORE_FS_H

#include <stddef.h>

#include "core/error.h"
#include "core/sbuf.h"

/*
 * Returns $name/sub, or $HOME/fallback/sub when $name is unset or not
 * absolute (the XDG base directory rule); the caller frees it.
 */
char	*fs_xdg_path(const char *name, const char *fallback, const char *sub);
/*
 * Where the installed data (themes, providers) is: $POSTERN_DATADIR when
 * set (for running from the build tree), else the configured one.
 */
const char	*fs_datadir(void);
/* Creates every missing directory above path (not path itself). */
int	 fs_mkdir_parents(const char *path, int mode, struct error *);
/* Reads at most max bytes of path into out; more is an error. */
int	 fs_read_file(const char *path, size_t max, struct sbuf *out,
	    struct error *);

#endif
