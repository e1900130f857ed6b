/* src/imap/folders.c: creating, renaming, deleting and subscribing folders. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "imap/imap.h"
#include "imap/internal.h"
#include "net/net.h"

static const char	imapc_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* Ends a run of 16-bit units: the bits left, then '-'. */
static void
imapc_utf7_flush(struct sbuf *out, uint32_t *bits, int *nbits)
{
	if (*nbits > 0)
		sbuf_addch(out, imapc_b64[(*bits << (6 - *nbits)) & 0x3f]);
	sbuf_addch(out, '-');
	*bits = 0;
	*nbits = 0;
}

static void
imapc_utf7_unit(struct sbuf *out, uint32_t unit, uint32_t *bits, int *nbits)
{
	*bits = (*bits << 16) | unit;
	*nbits += 16;
	while (*nbits >= 6) {
		*nbits -= 6;
		sbuf_addch(out, imapc_b64[(*bits >> *nbits) & 0x3f]);
	}
	*bits &= (1U << *nbits) - 1;
}

char *
imapc_utf7_encode(const char *s)
{
	struct sbuf	 out;
	uint32_t	 cp, bits = 0;
	size_t		 len = strlen(s), i = 0, n;
	int		 nbits = 0, in_run = 0;

	sbuf_init(&out);
	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0) {
			sbuf_release(&out);
			return NULL;
		}
		i += n;
		if (cp >= 0x20 && cp <= 0x7e) {
			if (in_run) {
				imapc_utf7_flush(&out, &bits, &nbits);
				in_run = 0;
			}
			if (cp == '&')
				sbuf_addstr(&out, "&-");
			else
				sbuf_addch(&out, (char)cp);
			continue;
		}
		if (!in_run) {
			sbuf_addch(&out, '&');
			in_run = 1;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			imapc_utf7_unit(&out, 0xd800 | (cp >> 10), &bits,
			    &nbits);
			imapc_utf7_unit(&out, 0xdc00 | (cp & 0x3ff), &bits,
			    &nbits);
		} else
			imapc_utf7_unit(&out, cp, &bits, &nbits);
	}
	if (in_run)
		imapc_utf7_flush(&out, &bits, &nbits);
	return sbuf_detach(&out, NULL);
}

/* The wire form of a name the user typed; NULL and err if unusable. */
static char *
imapc_wire_name(const char *name, struct error *err)
{
	char	*wire;

	if (*name == '\0') {
		error_set(err, ERROR_INPUT, _("a folder needs a name"));
		return NULL;
	}
	if (net_check_wire_string(_("folder name"), name, err) == -1)
		return NULL;
	if ((wire = imapc_utf7_encode(name)) == NULL ||
	    strlen(wire) > IMAP_MAX_NAME) {
		free(wire);
		error_set(err, ERROR_INPUT, _("bad folder name '%s'"), name);
		return NULL;
	}
	return wire;
}

int
imapc_create_folder(struct backend *b, const char *name, struct error *err)
{
	char	*wire;
	int	 r;

	if ((wire = imapc_wire_name(name, err)) == NULL)
		return -1;
	imapc_arm(b, imapc_deadline(b, 0));
	r = mailimap_create(imapc_session(b), wire);
	r = imapc_done(b, r, "CREATE", err);
	if (r == 0) {
		/* A folder one made is one wants to see: subscribe it. */
		imapc_arm(b, imapc_deadline(b, 0));
		if (imapc_done(b, mailimap_subscribe(imapc_session(b), wire),
		    "SUBSCRIBE", NULL) == -1)
			log_warn("folder created but not subscribed");
	}
	free(wire);
	return r;
}

int
imapc_rename_folder(struct backend *b, const char *wire_name,
    const char *name, struct error *err)
{
	char	*wire;
	int	 r;

	if (net_check_wire_string(_("folder name"), wire_name, err) == -1 ||
	    (wire = imapc_wire_name(name, err)) == NULL)
		return -1;
	imapc_arm(b, imapc_deadline(b, 0));
	r = mailimap_rename(imapc_session(b), wire_name, wire);
	r = imapc_done(b, r, "RENAME", err);
	if (r == 0) {
		/* Subscriptions follow names, not folders (RFC 3501). */
		imapc_arm(b, imapc_deadline(b, 0));
		(void)imapc_done(b, mailimap_unsubscribe(imapc_session(b),
		    wire_name), "UNSUBSCRIBE", NULL);
		imapc_arm(b, imapc_deadline(b, 0));
		(void)imapc_done(b, mailimap_subscribe(imapc_session(b), wire),
		    "SUBSCRIBE", NULL);
	}
	free(wire);
	return r;
}

int
imapc_delete_folder(struct backend *b, const char *wire_name,
    struct error *err)
{
	int	 r;

	if (net_check_wire_string(_("folder name"), wire_name, err) == -1)
		return -1;
	imapc_arm(b, imapc_deadline(b, 0));
	r = mailimap_delete(imapc_session(b), wire_name);
	if ((r = imapc_done(b, r, "DELETE", err)) == 0) {
		imapc_arm(b, imapc_deadline(b, 0));
		(void)imapc_done(b, mailimap_unsubscribe(imapc_session(b),
		    wire_name), "UNSUBSCRIBE", NULL);
	}
	return r;
}

int
imapc_subscribe_folder(struct backend *b, const char *wire_name,
    int subscribe, struct error *err)
{
	int	 r;

	if (net_check_wire_string(_("folder name"), wire_name, err) == -1)
		return -1;
	imapc_arm(b, imapc_deadline(b, 0));
	r = subscribe ? mailimap_subscribe(imapc_session(b), wire_name) :
	    mailimap_unsubscribe(imapc_session(b), wire_name);
	return imapc_done(b, r, subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE", err);
}
