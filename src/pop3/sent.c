/* src/pop3/sent.c: the local Sent folder of a POP3 account. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "pop3/pop3.h"
#include "store/store.h"

/* CRLF (as sent) to LF (as a Maildir holds it). */
static void
pop3_sent_lf(const char *msg, size_t len, struct sbuf *out)
{
	pop3_to_maildir(msg, len, out);
}

/* 1 if the store lists folder, 0 if not, -1 on error. */
static int
pop3_sent_exists(struct store *st, const char *folder, struct error *err)
{
	struct store_folder	*v;
	size_t			 n, i;
	int			 found = 0;

	if (store_folder_list(st, &v, &n, err) == -1)
		return -1;
	for (i = 0; i < n; i++)
		found |= strcmp(v[i].name, folder) == 0;
	store_folders_free(v, n);
	return found;
}

int
pop3_save_sent(const struct account *a, const char *password,
    const char *msg, size_t len, struct error *err)
{
	struct store	*st;
	struct error	 e = { 0 };
	struct sbuf	 lf;
	char		*dir;
	int		 r, ret = -1;

	(void)password;
	sbuf_init(&lf);
	pop3_sent_lf(msg, len, &lf);
	dir = store_account_dir(a->id);
	if ((st = store_open(dir, &e)) == NULL) {
		/* Held by a running Postern: its next open indexes the file. */
		log_info("account %s: store busy (%s); Sent copy as a file",
		    a->id, e.msg);
		ret = store_deliver_file(dir, POP3_SENT, lf.buf, lf.len,
		    STORE_SEEN, err);
		goto out;
	}
	if ((r = pop3_sent_exists(st, POP3_SENT, err)) != -1 &&
	    (r == 1 || store_folder_create(st, POP3_SENT, err) == 0))
		ret = store_deliver(st, POP3_SENT, lf.buf, lf.len, STORE_SEEN,
		    NULL, err);
	store_close(st);
out:
	if (ret == 0)
		log_info("account %s: copy saved in the local Sent", a->id);
	free(dir);
	sbuf_release(&lf);
	return ret;
}
