/* src/config/config.c: the configuration file and its accounts. */
#include <config.h>	/* autoconf's, not this folder's */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"

/* Where a value goes, by key; the table drives the parser. */
enum config_type {
	CONFIG_STRING,
	CONFIG_PORT,
	CONFIG_SECURITY,
	CONFIG_BACKEND,
	CONFIG_SECONDS,
	CONFIG_BOOL,
	CONFIG_DAYS,
	CONFIG_SIZE,
	CONFIG_POP3_AUTH,
	CONFIG_INTERVAL,
	CONFIG_PIN,
	CONFIG_IDENTITY_SIGNATURE,
};

struct config_key {
	const char		*name;
	enum config_type	 type;
	size_t			 offset;	/* into struct account */
};

#define ACCT(f)	offsetof(struct account, f)
static const struct config_key config_account_keys[] = {
	{ "name", CONFIG_STRING, ACCT(name) },
	{ "email", CONFIG_STRING, ACCT(email) },
	{ "backend", CONFIG_BACKEND, ACCT(backend) },
	{ "username", CONFIG_STRING, ACCT(username) },
	{ "password-command", CONFIG_STRING, ACCT(password_command) },
	{ "password-file", CONFIG_STRING, ACCT(password_file) },
	{ "password-ask", CONFIG_BOOL, ACCT(password_ask) },
	{ "tls.ca-file", CONFIG_STRING, ACCT(ca_file) },
	{ "tls.pin-sha256", CONFIG_PIN, ACCT(tls_pins) },
	{ "timeout", CONFIG_SECONDS, ACCT(timeout) },
	{ "imap.host", CONFIG_STRING, ACCT(imap.host) },
	{ "imap.port", CONFIG_PORT, ACCT(imap.port) },
	{ "imap.security", CONFIG_SECURITY, ACCT(imap.security) },
	{ "pop3.host", CONFIG_STRING, ACCT(pop3.host) },
	{ "pop3.port", CONFIG_PORT, ACCT(pop3.port) },
	{ "pop3.security", CONFIG_SECURITY, ACCT(pop3.security) },
	{ "pop3.leave-on-server", CONFIG_BOOL, ACCT(pop3_leave_on_server) },
	{ "pop3.delete-after-days", CONFIG_DAYS,
	    ACCT(pop3_delete_after_days) },
	{ "pop3.delete-when-deleted-locally", CONFIG_BOOL,
	    ACCT(pop3_delete_when_deleted_locally) },
	{ "pop3.max-message-size", CONFIG_SIZE, ACCT(pop3_max_message_size) },
	{ "pop3.auth", CONFIG_POP3_AUTH, ACCT(pop3_auth) },
	{ "pop3.check-interval", CONFIG_INTERVAL, ACCT(pop3_check_interval) },
	{ "smtp.host", CONFIG_STRING, ACCT(smtp.host) },
	{ "smtp.port", CONFIG_PORT, ACCT(smtp.port) },
	{ "smtp.security", CONFIG_SECURITY, ACCT(smtp.security) },
	{ "delete-to-trash", CONFIG_BOOL, ACCT(delete_to_trash) },
	{ "expunge-on-leave", CONFIG_BOOL, ACCT(expunge_on_leave) },
	{ "imap.idle", CONFIG_BOOL, ACCT(imap_idle) },
	{ "poll-interval", CONFIG_SECONDS, ACCT(poll_interval) },
	{ "status-interval", CONFIG_SECONDS, ACCT(status_interval) },
	{ "signature", CONFIG_STRING, ACCT(signature) },
	{ "alternates", CONFIG_STRING, ACCT(alternates) },
	{ "drafts", CONFIG_STRING, ACCT(drafts) },
	{ "forward-attach", CONFIG_BOOL, ACCT(forward_attach) },
	{ "format-flowed", CONFIG_BOOL, ACCT(format_flowed) },
	{ "imap.body-cache-size", CONFIG_SIZE, ACCT(imap_body_cache_size) },
	{ "identity-signature", CONFIG_IDENTITY_SIGNATURE,
	    ACCT(identity_signatures) },
};
#undef ACCT

#define CONFIG_MAX_TIMEOUT	3600

/* The parser's state: which section the lines belong to. */
enum config_section {
	SECTION_NONE,
	SECTION_ACCOUNT,
	SECTION_UI,
};

struct config_parser {
	struct config		*config;
	const char		*name;
	int			 line;
	enum config_section	 section;
	struct account		*account;
	struct error		*err;
};

static int
config_error(struct config_parser *p, const char *what)
{
	return error_set(p->err, ERROR_INPUT, "%s:%d: %s", p->name, p->line,
	    what);
}

char *
config_default_path(void)
{
	return fs_xdg_path("XDG_CONFIG_HOME", ".config", "postern/config");
}

int
config_parse_port(const char *s, uint16_t *portp, struct error *err)
{
	unsigned long	 n;
	char		*end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (*s == '\0' || !isdigit((unsigned char)*s) || *end != '\0' ||
	    errno != 0 || n == 0 || n > 65535)
		return error_set(err, ERROR_INPUT, _("bad port '%s'"), s);
	*portp = (uint16_t)n;
	return 0;
}

static const char *const config_sort_names[CONFIG_SORT_COUNT] = {
	[CONFIG_SORT_DATE] = "date",
	[CONFIG_SORT_ARRIVAL] = "arrival",
	[CONFIG_SORT_FROM] = "from",
	[CONFIG_SORT_SUBJECT] = "subject",
	[CONFIG_SORT_SIZE] = "size",
	[CONFIG_SORT_THREAD] = "thread",
};

int
config_parse_sort(const char *s, enum config_sort *sortp, int *reversep,
    struct error *err)
{
	const char	*name = s;
	int		 i, reverse = 0;

	if (strncmp(name, "reverse-", 8) == 0) {
		reverse = 1;
		name += 8;
	}
	for (i = 0; i < CONFIG_SORT_COUNT; i++) {
		if (strcmp(name, config_sort_names[i]) == 0) {
			*sortp = (enum config_sort)i;
			*reversep = reverse;
			return 0;
		}
	}
	return error_set(err, ERROR_INPUT, _("bad sort order '%s' (date, "
	    "arrival, from, subject, size or thread, optionally with "
	    "reverse-)"), s);
}

const char *
config_sort_name(enum config_sort sort)
{
	return (unsigned)sort < CONFIG_SORT_COUNT ? config_sort_names[sort] :
	    "?";
}

int
config_parse_fingerprint(const char *s, char out[CONFIG_FINGERPRINT_LEN],
    struct error *err)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const char		*p;
	size_t			 n = 0;
	int			 v;

	for (p = s; *p != '\0' && n < 64; p++) {
		if (*p == ':')
			continue;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			break;
		/* Two digits, then a colon, per byte. */
		out[n / 2 * 3 + n % 2] = hex[v];
		n++;
	}
	if (*p != '\0' || n != 64)
		return error_set(err, ERROR_INPUT, _("bad SHA-256 fingerprint "
		    "'%s' (64 hexadecimal digits)"), s);
	for (n = 0; n < 31; n++)
		out[n * 3 + 2] = ':';
	out[95] = '\0';
	return 0;
}

const char *
config_pin_find(const struct account *a, const char *host)
{
	size_t	 i, len = strlen(host);

	for (i = 0; i < a->ntls_pins; i++) {
		if (strncasecmp(a->tls_pins[i], host, len) == 0 &&
		    a->tls_pins[i][len] == ' ')
			return a->tls_pins[i] + len + 1;
	}
	return NULL;
}

/* "HOST FINGERPRINT" into the account's pins, one per host. */
static int
config_add_pin(struct account *a, const char *value, struct error *err)
{
	char	 fp[CONFIG_FINGERPRINT_LEN], *host;
	size_t	 i, len;

	len = strcspn(value, " \t");
	if (len == 0 || value[len] == '\0')
		return error_set(err, ERROR_INPUT, _("expected 'HOST "
		    "SHA256-FINGERPRINT'"));
	if (config_parse_fingerprint(value + len + strspn(value + len, " \t"),
	    fp, err) == -1)
		return -1;
	host = xstrndup(value, len);
	for (i = 0; i < len; i++)
		host[i] = (char)tolower((unsigned char)host[i]);
	if (config_pin_find(a, host) != NULL) {
		free(host);
		return error_set(err, ERROR_INPUT, _("a second pin for the "
		    "same host"));
	}
	if (a->ntls_pins == CONFIG_MAX_PINS) {
		free(host);
		return error_set(err, ERROR_INPUT, _("too many pins"));
	}
	a->tls_pins = xreallocarray(a->tls_pins, a->ntls_pins + 1,
	    sizeof *a->tls_pins);
	a->tls_pins[a->ntls_pins++] = xasprintf("%s %s", host, fp);
	free(host);
	return 0;
}

/* The identity-signature line of addr, from its file on, or NULL. */
static const char *
config_identity_find(const struct account *a, const char *addr)
{
	size_t	 i, len = strlen(addr);

	for (i = 0; i < a->nidentity_signatures; i++) {
		if (strncasecmp(a->identity_signatures[i], addr, len) == 0 &&
		    a->identity_signatures[i][len] == ' ')
			return a->identity_signatures[i] + len + 1;
	}
	return NULL;
}

const char *
config_identity_signature(const struct account *a, const char *addr)
{
	const char	*file;

	if (addr == NULL || (file = config_identity_find(a, addr)) == NULL)
		return a->signature;
	return strcmp(file, "none") == 0 ? NULL : file;
}

/* "ADDRESS FILE" into the account's identity signatures. */
static int
config_add_identity_signature(struct account *a, const char *value,
    struct error *err)
{
	const char	*file;
	char		*addr;
	size_t		 i, len;

	len = strcspn(value, " \t");
	file = value + len + strspn(value + len, " \t");
	if (len == 0 || *file == '\0' || memchr(value, '@', len) == NULL)
		return error_set(err, ERROR_INPUT, _("expected 'ADDRESS "
		    "FILE' (an identity's address, its signature file or "
		    "none)"));
	addr = xstrndup(value, len);
	for (i = 0; i < len; i++)
		addr[i] = (char)tolower((unsigned char)addr[i]);
	if (config_identity_find(a, addr) != NULL) {
		free(addr);
		return error_set(err, ERROR_INPUT, _("a second signature for "
		    "the same address"));
	}
	if (a->nidentity_signatures == CONFIG_MAX_IDENTITY_SIGNATURES) {
		free(addr);
		return error_set(err, ERROR_INPUT, _("too many identity "
		    "signatures"));
	}
	a->identity_signatures = xreallocarray(a->identity_signatures,
	    a->nidentity_signatures + 1, sizeof *a->identity_signatures);
	a->identity_signatures[a->nidentity_signatures++] =
	    xasprintf("%s %s", addr, file);
	free(addr);
	return 0;
}

const char *
config_security_name(enum security sec)
{
	return sec == SECURITY_STARTTLS ? "starttls" : "tls";
}

static char *
config_trim(char *s)
{
	char	*end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/*
 * Unquotes a value in place: "..." with \" \\ \t \n escapes, or a bare
 * value that ends at a '#' or ';' following white space.
 */
static int
config_unquote(struct config_parser *p, char *s, char **valuep)
{
	char	*in, *out;

	s = config_trim(s);
	if (*s != '"') {
		for (in = s; *in != '\0'; in++) {
			if ((*in == '#' || *in == ';') && in > s &&
			    (in[-1] == ' ' || in[-1] == '\t')) {
				*in = '\0';
				break;
			}
		}
		*valuep = config_trim(s);
		return 0;
	}
	for (in = out = s + 1; *in != '"'; in++) {
		if (*in == '\0')
			return config_error(p, _("unterminated quoted value"));
		if (*in == '\\') {
			in++;
			switch (*in) {
			case '"': case '\\': *out++ = *in; break;
			case 't': *out++ = '\t'; break;
			case 'n': *out++ = '\n'; break;
			default:
				return config_error(p,
				    _("bad escape in quoted value"));
			}
		} else
			*out++ = *in;
	}
	in = config_trim(in + 1);
	if (*in != '\0' && *in != '#' && *in != ';')
		return config_error(p, _("text after the closing quote"));
	*out = '\0';
	*valuep = s + 1;
	return 0;
}

/* "yes"/"no" (also true/false, on/off, 1/0) into *valp. */
static int
config_parse_bool(const char *s, int *valp)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t	 i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*valp = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*valp = 0;
			return 0;
		}
	}
	return -1;
}

/* A byte count with an optional K, M or G (powers of 1024), up to max. */
static int
config_parse_size(const char *s, uint32_t max, uint32_t *valp)
{
	unsigned long long	 n, mult = 1;
	char			*end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': mult = 1024; end++; break;
	case 'm': case 'M': mult = 1024 * 1024; end++; break;
	case 'g': case 'G': mult = 1024 * 1024 * 1024; end++; break;
	}
	if (*end != '\0' || n > max / mult)
		return -1;
	*valp = (uint32_t)(n * mult);
	return 0;
}

/* pop3.auth: auto, apop, sasl or user. */
static int
config_set_pop3_auth(struct config_parser *p, enum pop3_auth *where,
    const char *value)
{
	static const struct {
		const char	*name;
		enum pop3_auth	 auth;
	} names[] = {
		{ "auto", POP3_AUTH_AUTO },
		{ "apop", POP3_AUTH_APOP },
		{ "sasl", POP3_AUTH_SASL },
		{ "user", POP3_AUTH_USER },
	};
	char	 msg[ERROR_MSG_MAX];
	size_t	 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(value, names[i].name) == 0) {
			*where = names[i].auth;
			return 0;
		}
	}
	snprintf(msg, sizeof msg, _("bad pop3.auth '%s' (auto, apop, sasl or "
	    "user)"), value);
	return config_error(p, msg);
}

/* Minutes, or seconds with an "s" suffix; 0 turns it off. */
static int
config_set_interval(struct config_parser *p, int *where, const char *value)
{
	unsigned long	 n;
	char		*end, msg[ERROR_MSG_MAX];

	errno = 0;
	n = strtoul(value, &end, 10);
	if (isdigit((unsigned char)*value) && errno == 0 &&
	    n <= CONFIG_MAX_CHECK_INTERVAL) {
		if (*end == '\0' && n <= CONFIG_MAX_CHECK_INTERVAL / 60) {
			*where = (int)(n * 60);
			return 0;
		}
		if (strcmp(end, "s") == 0) {
			*where = (int)n;
			return 0;
		}
	}
	snprintf(msg, sizeof msg, _("bad interval '%s' (minutes, or seconds "
	    "with an s: 10 or 30s; 0 for never)"), value);
	return config_error(p, msg);
}

static int
config_set_account_key(struct config_parser *p, const char *key,
    const char *value)
{
	const struct config_key	*k = NULL;
	struct error		 e;
	char			*where, msg[ERROR_MSG_MAX];
	size_t			 i;
	unsigned long		 n;
	char			*end;

	for (i = 0; i < sizeof config_account_keys /
	    sizeof config_account_keys[0]; i++) {
		if (strcmp(config_account_keys[i].name, key) == 0)
			k = &config_account_keys[i];
	}
	if (k == NULL) {
		snprintf(msg, sizeof msg, _("unknown key '%s'"), key);
		return config_error(p, msg);
	}
	where = (char *)p->account + k->offset;
	switch (k->type) {
	case CONFIG_STRING:
		if (*value == '\0') {
			snprintf(msg, sizeof msg, _("empty value for '%s'"),
			    key);
			return config_error(p, msg);
		}
		free(*(char **)where);
		*(char **)where = xstrdup(value);
		return 0;
	case CONFIG_PORT:
		if (config_parse_port(value, (uint16_t *)where, &e) == -1)
			return config_error(p, e.msg);
		return 0;
	case CONFIG_SECURITY:
		if (strcmp(value, "tls") == 0)
			*(enum security *)where = SECURITY_TLS;
		else if (strcmp(value, "starttls") == 0)
			*(enum security *)where = SECURITY_STARTTLS;
		else {
			snprintf(msg, sizeof msg,
			    _("bad security '%s' (tls or starttls)"), value);
			return config_error(p, msg);
		}
		return 0;
	case CONFIG_BACKEND:
		if (strcmp(value, "imap") == 0)
			*(enum backend_kind *)where = BACKEND_IMAP;
		else if (strcmp(value, "pop3") == 0)
			*(enum backend_kind *)where = BACKEND_POP3;
		else {
			snprintf(msg, sizeof msg,
			    _("bad backend '%s' (imap or pop3)"), value);
			return config_error(p, msg);
		}
		return 0;
	case CONFIG_SECONDS:
		errno = 0;
		n = strtoul(value, &end, 10);
		if (!isdigit((unsigned char)*value) || *end != '\0' ||
		    errno != 0 || n == 0 || n > CONFIG_MAX_TIMEOUT) {
			snprintf(msg, sizeof msg,
			    _("bad number of seconds '%s' (1 to %d)"), value,
			    CONFIG_MAX_TIMEOUT);
			return config_error(p, msg);
		}
		*(int *)where = (int)n;
		return 0;
	case CONFIG_BOOL:
		if (config_parse_bool(value, (int *)where) == -1) {
			snprintf(msg, sizeof msg,
			    _("bad value '%s' for '%s' (yes or no)"), value,
			    key);
			return config_error(p, msg);
		}
		return 0;
	case CONFIG_DAYS:
		errno = 0;
		n = strtoul(value, &end, 10);
		if (!isdigit((unsigned char)*value) || *end != '\0' ||
		    errno != 0 || n > CONFIG_MAX_DAYS) {
			snprintf(msg, sizeof msg,
			    _("bad number of days '%s' (0 to %d)"), value,
			    CONFIG_MAX_DAYS);
			return config_error(p, msg);
		}
		*(int *)where = (int)n;
		return 0;
	case CONFIG_PIN:
		if (config_add_pin(p->account, value, &e) == -1)
			return config_error(p, e.msg);
		return 0;
	case CONFIG_IDENTITY_SIGNATURE:
		if (config_add_identity_signature(p->account, value,
		    &e) == -1)
			return config_error(p, e.msg);
		return 0;
	case CONFIG_SIZE:
		if (config_parse_size(value, CONFIG_MAX_MESSAGE_SIZE,
		    (uint32_t *)where) == -1) {
			snprintf(msg, sizeof msg,
			    _("bad size '%s' (bytes, or a number with K or M; "
			    "at most 256M)"), value);
			return config_error(p, msg);
		}
		return 0;
	case CONFIG_POP3_AUTH:
		return config_set_pop3_auth(p, (enum pop3_auth *)where, value);
	case CONFIG_INTERVAL:
		return config_set_interval(p, (int *)where, value);
	}
	return config_error(p, "bad key type");
}

/* A number from 0 to max into *valp; -1 otherwise. */
static int
config_parse_count(const char *s, int max, int *valp)
{
	unsigned long	 n;
	char		*end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end != '\0' || errno != 0 ||
	    n > (unsigned long)max)
		return -1;
	*valp = (int)n;
	return 0;
}

/* The [ui] layout keys: 0 when set, -1 on a bad value, 1 if not one. */
static int
config_set_layout_key(struct config_parser *p, const char *key,
    const char *value)
{
	struct config	*c = p->config;
	char		 msg[ERROR_MSG_MAX];
	int		 max = 0, *slot;

	if (strcmp(key, "sidebar") == 0 || strcmp(key, "mouse") == 0) {
		slot = key[0] == 's' ? &c->sidebar : &c->mouse;
		if (config_parse_bool(value, slot) == -1) {
			snprintf(msg, sizeof msg, _("bad value '%s' for '%s' "
			    "(yes or no)"), value, key);
			return config_error(p, msg);
		}
		return 0;
	}
	if (strcmp(key, "sidebar-width") == 0) {
		slot = &c->sidebar_width;
		max = CONFIG_MAX_SIDEBAR_WIDTH;
	} else if (strcmp(key, "pager-split") == 0) {
		slot = &c->pager_split;
		max = CONFIG_MAX_PAGER_SPLIT;
	} else
		return 1;
	if (config_parse_count(value, max, slot) == -1) {
		snprintf(msg, sizeof msg, _("bad value '%s' for '%s' (0 to "
		    "%d)"), value, key, max);
		return config_error(p, msg);
	}
	return 0;
}

static int
config_set_ui_key(struct config_parser *p, const char *key,
    const char *value)
{
	struct error	 e;
	char		 msg[ERROR_MSG_MAX];
	char		**slot;
	int		 rc;

	if (strcmp(key, "sort") == 0) {
		if (config_parse_sort(value, &p->config->sort,
		    &p->config->sort_reverse, &e) == -1)
			return config_error(p, e.msg);
		return 0;
	}
	if (strcmp(key, "wrap") == 0 || strcmp(key, "osc52") == 0) {
		if (config_parse_bool(value, strcmp(key, "wrap") == 0 ?
		    &p->config->pager_wrap : &p->config->osc52) == -1) {
			snprintf(msg, sizeof msg,
			    _("bad value '%s' for '%s' (yes or no)"), value,
			    key);
			return config_error(p, msg);
		}
		return 0;
	}
	if ((rc = config_set_layout_key(p, key, value)) != 1)
		return rc;
	if (strcmp(key, "theme") == 0)
		slot = &p->config->theme;
	else if (strcmp(key, "query-command") == 0)
		slot = &p->config->query_command;
	else if (strcmp(key, "url-command") == 0)
		slot = &p->config->url_command;
	else {
		snprintf(msg, sizeof msg, _("unknown key '%s'"), key);
		return config_error(p, msg);
	}
	free(*slot);
	*slot = xstrdup(value);
	return 0;
}

static int
config_valid_id(const char *id)
{
	if (*id == '\0')
		return 0;
	for (; *id != '\0'; id++) {
		if (!isalnum((unsigned char)*id) && strchr("-_.@+", *id) ==
		    NULL)
			return 0;
	}
	return 1;
}

static int
config_start_account(struct config_parser *p, const char *id)
{
	struct config	*c = p->config;
	struct account	*a;
	char		 msg[ERROR_MSG_MAX];
	size_t		 i;

	if (!config_valid_id(id))
		return config_error(p, _("bad account name (use letters, "
		    "digits and - _ . @ +)"));
	for (i = 0; i < c->naccounts; i++) {
		if (strcmp(c->accounts[i].id, id) == 0) {
			snprintf(msg, sizeof msg,
			    _("account '%s' is defined twice"), id);
			return config_error(p, msg);
		}
	}
	if (c->naccounts == CONFIG_MAX_ACCOUNTS)
		return config_error(p, _("too many accounts"));
	c->accounts = xreallocarray(c->accounts, c->naccounts + 1,
	    sizeof *c->accounts);
	a = &c->accounts[c->naccounts++];
	memset(a, 0, sizeof *a);
	a->id = xstrdup(id);
	a->file = c->path;
	a->line = p->line;
	a->imap.port = a->pop3.port = a->smtp.port = 0;
	a->pop3_leave_on_server = 1;
	a->pop3_delete_after_days = -1;
	a->delete_to_trash = 1;
	a->expunge_on_leave = 1;
	a->imap_idle = 1;
	a->poll_interval = 3;
	a->status_interval = 60;
	a->imap_body_cache_size = CONFIG_BODY_CACHE_SIZE;
	p->account = a;
	p->section = SECTION_ACCOUNT;
	return 0;
}

/* Parses "[account "id"]" or "[ui]". */
static int
config_parse_section(struct config_parser *p, char *s)
{
	char	*end, *q, *id;

	if ((end = strchr(s, ']')) == NULL || *config_trim(end + 1) != '\0')
		return config_error(p, _("bad section header"));
	*end = '\0';
	s = config_trim(s + 1);
	if (strcmp(s, "ui") == 0) {
		p->section = SECTION_UI;
		p->account = NULL;
		return 0;
	}
	if (strncmp(s, "account", 7) != 0 || (s[7] != ' ' && s[7] != '\t'))
		return config_error(p, _("unknown section (expected "
		    "[account \"NAME\"] or [ui])"));
	q = config_trim(s + 7);
	if (*q != '"' || (end = strrchr(q + 1, '"')) == NULL || end[1] != '\0')
		return config_error(p, _("the account name must be quoted"));
	*end = '\0';
	id = q + 1;
	return config_start_account(p, id);
}

/* bind, unbind and macro lines (any section) are kept for the UI. */
static int
config_is_command(const char *s)
{
	static const char *const words[] = { "bind", "unbind", "macro" };
	size_t	 i, n;

	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		n = strlen(words[i]);
		if (strncmp(s, words[i], n) == 0 && (s[n] == ' ' ||
		    s[n] == '\t'))
			return 1;
	}
	return 0;
}

static int
config_add_command(struct config_parser *p, const char *s)
{
	struct config	*c = p->config;

	if (strlen(s) > CONFIG_MAX_VALUE)
		return config_error(p, _("line too long"));
	if (c->ncommands == CONFIG_MAX_COMMANDS)
		return config_error(p, _("too many bind and macro lines"));
	c->commands = xreallocarray(c->commands, c->ncommands + 1,
	    sizeof *c->commands);
	c->commands[c->ncommands].text = xstrdup(s);
	c->commands[c->ncommands].line = p->line;
	c->ncommands++;
	return 0;
}

static int
config_parse_line(struct config_parser *p, char *line)
{
	char	*s, *eq, *key, *value = NULL;

	s = config_trim(line);
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return config_parse_section(p, s);
	if (config_is_command(s))
		return config_add_command(p, s);
	if ((eq = strchr(s, '=')) == NULL)
		return config_error(p, _("expected 'key = value'"));
	*eq = '\0';
	key = config_trim(s);
	if (config_unquote(p, eq + 1, &value) == -1)
		return -1;
	if (*key == '\0')
		return config_error(p, _("missing key before '='"));
	if (strlen(value) > CONFIG_MAX_VALUE)
		return config_error(p, _("value too long"));
	switch (p->section) {
	case SECTION_ACCOUNT:
		return config_set_account_key(p, key, value);
	case SECTION_UI:
		return config_set_ui_key(p, key, value);
	case SECTION_NONE:
		break;
	}
	return config_error(p, _("key outside a section"));
}

static void
config_default_port(struct endpoint *ep, uint16_t tls, uint16_t starttls)
{
	if (ep->port == 0)
		ep->port = ep->security == SECURITY_TLS ? tls : starttls;
}

/* Fills defaults and checks that the account can work. */
static int
config_check_account(struct config_parser *p, struct account *a)
{
	const char	*missing = NULL;
	char		 msg[ERROR_MSG_MAX];
	int		 nsources;

	p->line = a->line;
	nsources = (a->password_command != NULL) +
	    (a->password_file != NULL) + (a->password_ask != 0);
	if (nsources > 1) {
		snprintf(msg, sizeof msg, _("account '%s' has more than one "
		    "of 'password-command', 'password-file' and "
		    "'password-ask'"), a->id);
		return config_error(p, msg);
	}
	if (a->email == NULL)
		missing = "email";
	else if (nsources == 0)
		missing = "password-command";
	else if (a->backend == BACKEND_IMAP && a->imap.host == NULL)
		missing = "imap.host";
	else if (a->backend == BACKEND_POP3 && a->pop3.host == NULL)
		missing = "pop3.host";
	if (missing != NULL) {
		snprintf(msg, sizeof msg, _("account '%s' has no '%s'"), a->id,
		    missing);
		return config_error(p, msg);
	}
	if (a->username == NULL)
		a->username = xstrdup(a->email);
	if (a->timeout == 0)
		a->timeout = 30;
	config_default_port(&a->imap, 993, 143);
	config_default_port(&a->pop3, 995, 110);
	config_default_port(&a->smtp, 465, 587);
	return 0;
}

struct config *
config_parse(const char *name, const char *text, size_t len,
    struct error *err)
{
	struct config_parser	 p;
	struct config		*c;
	char			*copy, *line, *next;
	size_t			 i;

	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(name);
	c->sort = CONFIG_SORT_DATE;	/* newest first */
	c->sort_reverse = 1;
	c->pager_wrap = 1;
	c->sidebar = 1;
	memset(&p, 0, sizeof p);
	p.config = c;
	p.name = c->path;
	p.err = err;
	if (memchr(text, '\0', len) != NULL) {
		error_set(err, ERROR_INPUT, _("%s: holds a NUL byte"), name);
		config_free(c);
		return NULL;
	}
	copy = xstrndup(text, len);
	for (line = copy; line != NULL; line = next) {
		p.line++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (config_parse_line(&p, line) == -1)
			goto fail;
	}
	for (i = 0; i < c->naccounts; i++) {
		if (config_check_account(&p, &c->accounts[i]) == -1)
			goto fail;
	}
	free(copy);
	return c;
fail:
	free(copy);
	config_free(c);
	return NULL;
}

struct config *
config_load(const char *path, struct error *err)
{
	struct sbuf	 text;
	struct config	*c;

	sbuf_init(&text);
	if (fs_read_file(path, CONFIG_MAX_SIZE, &text, err) == -1) {
		sbuf_release(&text);
		return NULL;
	}
	c = config_parse(path, text.buf, text.len, err);
	sbuf_release(&text);
	return c;
}

static void
config_account_clear(struct account *a)
{
	size_t	 i;

	free(a->id);
	free(a->name);
	free(a->email);
	free(a->username);
	free(a->password_command);
	free(a->ca_file);
	free(a->password_file);
	for (i = 0; i < a->ntls_pins; i++)
		free(a->tls_pins[i]);
	free(a->tls_pins);
	free(a->imap.host);
	free(a->pop3.host);
	free(a->smtp.host);
	free(a->signature);
	free(a->alternates);
	free(a->drafts);
	for (i = 0; i < a->nidentity_signatures; i++)
		free(a->identity_signatures[i]);
	free(a->identity_signatures);
}

void
config_free(struct config *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->naccounts; i++)
		config_account_clear(&c->accounts[i]);
	free(c->accounts);
	for (i = 0; i < c->ncommands; i++)
		free(c->commands[i].text);
	free(c->commands);
	free(c->theme);
	free(c->query_command);
	free(c->url_command);
	free(c->path);
	free(c);
}

const struct account *
config_find_account(const struct config *c, const char *id)
{
	size_t	 i;

	if (c->naccounts == 0)
		return NULL;
	if (id == NULL)
		return &c->accounts[0];
	for (i = 0; i < c->naccounts; i++) {
		if (strcmp(c->accounts[i].id, id) == 0)
			return &c->accounts[i];
	}
	return NULL;
}
