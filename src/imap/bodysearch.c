/* src/imap/bodysearch.c: body: queries answered by the server's SEARCH. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "imap/internal.h"
#include "model/backend.h"

/* The time a search may take: as long as moving this many bytes. */
#define IMAPB_SEARCH_BYTES	(64UL * 1024 * 1024)

/* Control characters cannot be sent in an IMAP string. */
static int
imapb_text_ok(const char *text, int *asciip)
{
	const unsigned char	*p;

	*asciip = 1;
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p >= 0x80)
			*asciip = 0;
	}
	return 1;
}

/*
 * UID SEARCH [CHARSET UTF-8] BODY text: the matching UIDs into a new
 * array. libetpan sends the text as a quoted string or a literal.
 */
static int
imapb_search_one(struct backend *b, const char *charset, const char *text,
    uint32_t **uidsp, size_t *np, struct error *err)
{
	struct mailimap_search_key	*key;
	clist				*result = NULL;
	clistiter			*it;
	uint32_t			*v, *uid;
	size_t				 n = 0;
	int				 r;

	key = mailimap_search_key_new_body(xstrdup(text));
	if (key == NULL)
		return error_set(err, ERROR_SYS, "%s", _("out of memory"));
	imapc_arm(b, imapc_deadline(b, IMAPB_SEARCH_BYTES));
	r = mailimap_uid_search(imapc_session(b), charset, key, &result);
	mailimap_search_key_free(key);
	if (imapc_done(b, r, "UID SEARCH", err) == -1) {
		if (result != NULL)
			mailimap_search_result_free(result);
		return -1;
	}
	v = xreallocarray(NULL, result != NULL && clist_count(result) > 0 ?
	    (size_t)clist_count(result) : 1, sizeof *v);
	if (result != NULL) {
		for (it = clist_begin(result); it != NULL;
		    it = clist_next(it)) {
			if ((uid = clist_content(it)) != NULL && *uid != 0)
				v[n++] = *uid;
		}
		mailimap_search_result_free(result);
	}
	*uidsp = v;
	*np = n;
	return 0;
}

int
imapc_search_body(struct backend *b, const char *wire_name,
    const char *const *texts, size_t n, uint32_t **uids, size_t *nuids,
    struct error *err)
{
	struct error	 e = { 0 };
	size_t		 i;
	int		 ascii;

	(void)wire_name;	/* the worker selected it */
	for (i = 0; i < n; i++) {
		if (!imapb_text_ok(texts[i], &ascii))
			return error_set(err, ERROR_INPUT, _("body: cannot "
			    "search for control characters"));
		error_clear(&e);
		if (imapb_search_one(b, "UTF-8", texts[i], &uids[i],
		    &nuids[i], &e) == 0)
			continue;
		if (e.kind != ERROR_SERVER) {
			if (err != NULL)
				*err = e;
			return -1;
		}
		/* A server without CHARSET UTF-8 still takes US-ASCII. */
		if (!ascii)
			return error_set(err, ERROR_INPUT, _("%s cannot "
			    "search for non-ASCII text (no CHARSET UTF-8): "
			    "%s"), imapc_host(b), e.msg);
		log_info("%s: UID SEARCH CHARSET UTF-8 refused, trying "
		    "without", imapc_host(b));
		if (imapb_search_one(b, NULL, texts[i], &uids[i], &nuids[i],
		    err) == -1)
			return -1;
	}
	return 0;
}
