/* src/model/backend.h: what IMAP and POP3 implement for the model. */
#ifndef POSTERN_MODEL_BACKEND_H
#define POSTERN_MODEL_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/error.h"
#include "core/sbuf.h"
#include "model/model.h"
#include "net/net.h"

struct backend;

/*
 * Called with a chunk of summaries, newest first; the callee copies what
 * it keeps (or takes the strings and zeroes the pointers). done and total
 * give the progress. Returning -1 cancels the fetch.
 */
typedef int	(*summary_cb)(struct summary *, size_t n, uint32_t done,
		    uint32_t total, void *arg);

/*
 * Every function is called only on the account's worker thread. All
 * memory belongs to the caller unless stated otherwise. Errors are graded
 * by err->kind: NET and PROTO mean the connection is gone (the worker
 * reconnects), SERVER and INPUT fail this request only.
 */
struct backend_ops {
	const char	*name;
	/*
	 * Connects and logs in; password is borrowed for the call. The
	 * watchdog (borrowed, outlives the backend) guards every blocking
	 * call.
	 */
	struct backend	*(*open)(const struct account *, const char *password,
			    struct net_watchdog *, struct error *);
	/* Returns a new array in *foldersp; the caller frees it. */
	int		 (*list_folders)(struct backend *,
			    struct folder_info **foldersp, size_t *np,
			    struct error *);
	/* Selects a folder; *existsp is its message count. */
	int		 (*select)(struct backend *, const char *wire_name,
			    uint32_t *existsp, struct error *);
	/* Every summary of the selected folder, newest first, in chunks. */
	int		 (*fetch_summaries)(struct backend *, summary_cb,
			    void *arg, struct error *);
	/* Appends the raw message uid of the selected folder to out. */
	int		 (*fetch_body)(struct backend *, uint32_t uid,
			    struct sbuf *out, struct error *);
	/* Logs out (politely when the connection is healthy) and frees. */
	void		 (*close)(struct backend *);
};

extern const struct backend_ops imap_backend_ops;
extern const struct backend_ops pop3_backend_ops;

#endif
