/* src/imap/append.c: a copy of a sent message in the Sent folder. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "imap/internal.h"
#include "net/net.h"

/*
 * The folder marked \Sent (RFC 6154), else one named "Sent"; a new
 * string, or NULL and err.
 */
static char *
imapc_find_sent(struct backend *b, struct error *err)
{
	struct mailimap_mailbox_list	*mb;
	clist				*list = NULL;
	clistiter			*it;
	char				*special = NULL, *named = NULL;
	int				 r;

	imapc_arm(b, imapc_deadline(b, (size_t)IMAP_MAX_FOLDERS * 128));
	r = mailimap_list(imapc_session(b), "", "*", &list);
	if (imapc_done(b, r, "LIST", err) == -1)
		goto out;
	for (it = list != NULL ? clist_begin(list) : NULL; it != NULL &&
	    special == NULL; it = clist_next(it)) {
		mb = clist_content(it);
		if (mb == NULL || mb->mb_name == NULL ||
		    strnlen(mb->mb_name, IMAP_MAX_NAME + 1) > IMAP_MAX_NAME ||
		    strpbrk(mb->mb_name, "\r\n") != NULL)
			continue;
		if (imapc_list_has_attr(mb, "Sent"))
			special = xstrdup(mb->mb_name);
		else if (named == NULL && strcasecmp(mb->mb_name, "Sent") == 0)
			named = xstrdup(mb->mb_name);
	}
	if (special == NULL && named == NULL)
		error_set(err, ERROR_SERVER, _("no Sent folder (none marked "
		    "\\Sent, none named Sent)"));
out:
	if (list != NULL)
		mailimap_list_result_free(list);
	if (special != NULL) {
		free(named);
		return special;
	}
	return named;
}

int
imapc_append_sent(const struct account *a, const char *password,
    const char *msg, size_t len, struct error *err)
{
	struct mailimap_flag_list	*fl;
	struct net_watchdog		*wd;
	struct backend			*b;
	char				*sent = NULL;
	int				 r, ret = -1;

	if (a->backend != BACKEND_IMAP || a->imap.host == NULL)
		return error_set(err, ERROR_INPUT, _("account '%s' has no "
		    "IMAP server to keep a copy in Sent"), a->id);
	if (len > IMAP_MAX_MESSAGE)
		return error_set(err, ERROR_INPUT, _("message too large for "
		    "Sent (%zu bytes)"), len);
	wd = net_watchdog_new();
	if ((b = imapc_open(a, password, wd, err)) == NULL)
		goto out;
	if ((sent = imapc_find_sent(b, err)) == NULL)
		goto out;
	fl = mailimap_flag_list_new_empty();
	if (fl == NULL || mailimap_flag_list_add(fl,
	    mailimap_flag_new_seen()) != MAILIMAP_NO_ERROR) {
		error_set(err, ERROR_SYS, "mailimap_flag_list_add");
		if (fl != NULL)
			mailimap_flag_list_free(fl);
		goto out;
	}
	imapc_arm(b, imapc_deadline(b, len));
	r = mailimap_append(imapc_session(b), sent, fl, NULL, msg, len);
	mailimap_flag_list_free(fl);
	if (imapc_done(b, r, "APPEND", err) == -1)
		goto out;
	log_info("%s: copy of %zu bytes in %s", a->id, len, sent);
	ret = 0;
out:
	free(sent);
	imapc_close(b);
	net_watchdog_free(wd);
	return ret;
}
