/*
 * src/wizard/providers.c: the provider data (data/providers): which
 * servers to try, in which order, for an address domain. The format is
 * described at the head of the data file; a bad line is skipped and
 * reported, never fatal, so one typo does not cost the user every other
 * provider.
 */
#include <config.h>	/* autoconf's */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "core/i18n.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "wizard/internal.h"
#include "wizard/wizard.h"

#define PROVIDERS_MAX_LINE	1000	/* bytes of one line */
#define PROVIDERS_MAX_HOST	253	/* RFC 1035 */
#define PROVIDERS_MAX_TEXT	500	/* bytes of a name or note */

/* The parser's state. */
struct providers_parser {
	struct wizard_providers	*pp;
	struct wizard_provider	*cur;		/* NULL outside a block */
	int			 skipping;	/* in a block whose head was bad */
	int			 line;
};

static const char *const providers_service_names[WIZARD_NSERVICES] = {
	"imap", "pop3", "smtp"
};

const char *
wizard_service_name(enum wizard_service s)
{
	return (unsigned)s < WIZARD_NSERVICES ? providers_service_names[s] :
	    "?";
}

static void
providers_bad(struct providers_parser *p, const char *fmt, ...)
{
	struct wizard_providers	*pp = p->pp;
	char			 msg[ERROR_MSG_MAX];
	va_list			 ap;

	pp->nbad++;
	if (pp->nbad > WIZARD_MAX_BAD)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pp->bad = xreallocarray(pp->bad, pp->nbad, sizeof *pp->bad);
	pp->bad[pp->nbad - 1] = xasprintf("%s:%d: %s", pp->path, p->line, msg);
}

/* A host name of letters, digits, '-' and '.', labels of 1 to 63 bytes. */
static int
providers_valid_host(const char *s)
{
	size_t	 len = strlen(s), label = 0;

	if (len == 0 || len > PROVIDERS_MAX_HOST)
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

static void
providers_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Splits s in place at blanks; returns the number of words (<= max). */
static size_t
providers_split(char *s, char **words, size_t max)
{
	size_t	 n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return n;
		if (n == max)
			return max + 1;
		words[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static const struct wizard_provider *
providers_owner(const struct wizard_providers *pp, const char *domain)
{
	size_t	 i, j;

	for (i = 0; i < pp->nproviders; i++) {
		for (j = 0; j < pp->providers[i].ndomains; j++) {
			if (strcmp(pp->providers[i].domains[j], domain) == 0)
				return &pp->providers[i];
		}
	}
	return NULL;
}

static void
providers_start(struct providers_parser *p, char **w, size_t n)
{
	struct wizard_providers	*pp = p->pp;
	struct wizard_provider	*pr;
	size_t			 i;

	p->cur = NULL;
	p->skipping = 1;
	if (n != 1) {
		providers_bad(p, _("expected 'provider ID'"));
		return;
	}
	for (i = 0; i < pp->nproviders; i++) {
		if (strcmp(pp->providers[i].id, w[0]) == 0) {
			providers_bad(p, _("provider '%s' is listed twice"),
			    w[0]);
			return;
		}
	}
	if (pp->nproviders == WIZARD_MAX_PROVIDERS) {
		providers_bad(p, _("too many providers"));
		return;
	}
	pp->providers = xreallocarray(pp->providers, pp->nproviders + 1,
	    sizeof *pp->providers);
	pr = &pp->providers[pp->nproviders++];
	memset(pr, 0, sizeof *pr);
	pr->id = xstrdup(w[0]);
	pr->line = p->line;
	p->cur = pr;
	p->skipping = 0;
}

static void
providers_domains(struct providers_parser *p, char **w, size_t n)
{
	struct wizard_provider		*pr = p->cur;
	const struct wizard_provider	*owner;
	size_t				 i;

	if (n == 0) {
		providers_bad(p, _("expected 'domain DOMAIN...'"));
		return;
	}
	for (i = 0; i < n; i++) {
		providers_lower(w[i]);
		if (!providers_valid_host(w[i])) {
			providers_bad(p, _("bad domain '%s'"), w[i]);
			continue;
		}
		if ((owner = providers_owner(p->pp, w[i])) != NULL) {
			providers_bad(p, _("domain '%s' is already listed for "
			    "'%s'"), w[i], owner->id);
			continue;
		}
		if (pr->ndomains == WIZARD_MAX_DOMAINS) {
			providers_bad(p, _("too many domains"));
			return;
		}
		pr->domains = xreallocarray(pr->domains, pr->ndomains + 1,
		    sizeof *pr->domains);
		pr->domains[pr->ndomains++] = xstrdup(w[i]);
	}
}

static void
providers_add(struct wizard_provider *pr, enum wizard_service s,
    const char *host, uint16_t port, enum security sec,
    enum wizard_origin origin)
{
	struct wizard_candidate	*c;

	pr->cand[s] = xreallocarray(pr->cand[s], pr->ncand[s] + 1,
	    sizeof *pr->cand[s]);
	c = &pr->cand[s][pr->ncand[s]++];
	c->host = xstrdup(host);
	c->port = port;
	c->security = sec;
	c->origin = origin;
}

static void
providers_candidate(struct providers_parser *p, enum wizard_service s,
    char **w, size_t n)
{
	struct error	 e;
	enum security	 sec;
	uint16_t	 port;

	if (n != 3) {
		providers_bad(p, _("expected '%s HOST PORT tls|starttls'"),
		    wizard_service_name(s));
		return;
	}
	providers_lower(w[0]);
	if (!providers_valid_host(w[0])) {
		providers_bad(p, _("bad host name '%s'"), w[0]);
		return;
	}
	if (config_parse_port(w[1], &port, &e) == -1) {
		providers_bad(p, "%s", e.msg);
		return;
	}
	if (strcmp(w[2], "tls") == 0)
		sec = SECURITY_TLS;
	else if (strcmp(w[2], "starttls") == 0)
		sec = SECURITY_STARTTLS;
	else {
		providers_bad(p, _("bad security '%s' (tls or starttls; "
		    "never plaintext)"), w[2]);
		return;
	}
	if (p->cur->ncand[s] == WIZARD_MAX_CANDIDATES) {
		providers_bad(p, _("too many %s servers"),
		    wizard_service_name(s));
		return;
	}
	providers_add(p->cur, s, w[0], port, sec, WIZARD_FROM_DATA);
}

/* "name TEXT" and "note TEXT": the rest of the line. */
static void
providers_text(struct providers_parser *p, const char *key, char *rest,
    char **slot)
{
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest == '\0') {
		providers_bad(p, _("expected '%s TEXT'"), key);
		return;
	}
	if (strlen(rest) > PROVIDERS_MAX_TEXT) {
		providers_bad(p, _("'%s' text too long"), key);
		return;
	}
	if (*slot != NULL) {
		providers_bad(p, _("'%s' given twice"), key);
		return;
	}
	*slot = xstrdup(rest);
}

static void
providers_line(struct providers_parser *p, char *line)
{
	char	*w[PROVIDERS_MAX_LINE / 2], *key, *rest;
	size_t	 n, i;

	while (*line == ' ' || *line == '\t')
		line++;
	n = strlen(line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
	    line[n - 1] == '\r'))
		line[--n] = '\0';
	if (*line == '\0' || *line == '#')
		return;
	for (i = 0; i < n; i++) {
		if (iscntrl((unsigned char)line[i]) && line[i] != '\t') {
			providers_bad(p, _("control character in line"));
			return;
		}
	}
	if (n > PROVIDERS_MAX_LINE) {
		providers_bad(p, _("line too long"));
		return;
	}
	key = line;
	rest = line + strcspn(line, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	if (strcmp(key, "provider") == 0) {
		n = providers_split(rest, w, 1);
		providers_start(p, w, n);
		return;
	}
	if (p->skipping)
		return;		/* the block's head was reported */
	if (p->cur == NULL) {
		providers_bad(p, _("'%s' outside a provider block"), key);
		return;
	}
	if (strcmp(key, "name") == 0)
		providers_text(p, key, rest, &p->cur->name);
	else if (strcmp(key, "note") == 0)
		providers_text(p, key, rest, &p->cur->note);
	else if (strcmp(key, "domain") == 0) {
		n = providers_split(rest, w, sizeof w / sizeof w[0]);
		providers_domains(p, w, n);
	} else {
		for (i = 0; i < WIZARD_NSERVICES; i++) {
			if (strcmp(key, providers_service_names[i]) == 0)
				break;
		}
		if (i == WIZARD_NSERVICES) {
			providers_bad(p, _("unknown keyword '%s'"), key);
			return;
		}
		n = providers_split(rest, w, 3);
		providers_candidate(p, (enum wizard_service)i, w, n);
	}
}

/* A block must say what it serves and where. */
static void
providers_check(struct providers_parser *p)
{
	struct wizard_provider	*pr;
	size_t			 i;

	for (i = 0; i < p->pp->nproviders; i++) {
		pr = &p->pp->providers[i];
		p->line = pr->line;
		if (pr->ndomains == 0)
			providers_bad(p, _("provider '%s' lists no domain"),
			    pr->id);
		if (pr->ncand[WIZARD_IMAP] == 0 && pr->ncand[WIZARD_POP3] == 0)
			providers_bad(p, _("provider '%s' lists no IMAP or POP3 "
			    "server"), pr->id);
		if (pr->name == NULL)
			pr->name = xstrdup(pr->id);
	}
}

struct wizard_providers *
wizard_providers_parse(const char *name, const char *text, size_t len)
{
	struct providers_parser	 p;
	char			*copy, *line, *next;

	memset(&p, 0, sizeof p);
	p.pp = xcalloc(1, sizeof *p.pp);
	p.pp->path = xstrdup(name);
	if (memchr(text, '\0', len) != NULL) {
		providers_bad(&p, _("holds a NUL byte"));
		return p.pp;
	}
	copy = xstrndup(text, len);
	for (line = copy; line != NULL; line = next) {
		p.line++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		providers_line(&p, line);
	}
	free(copy);
	providers_check(&p);
	return p.pp;
}

char *
wizard_providers_path(void)
{
	const char	*env = getenv("POSTERN_PROVIDERS");

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	return xasprintf("%s/data/providers", fs_datadir());
}

struct wizard_providers *
wizard_providers_load(const char *path, struct error *err)
{
	struct wizard_providers	*pp = NULL;
	struct sbuf		 text;
	char			*p;

	p = path != NULL ? xstrdup(path) : wizard_providers_path();
	sbuf_init(&text);
	if (fs_read_file(p, WIZARD_PROVIDERS_MAX_SIZE, &text, err) == 0)
		pp = wizard_providers_parse(p, text.buf != NULL ? text.buf :
		    "", text.len);
	sbuf_release(&text);
	free(p);
	return pp;
}

static void
providers_clear(struct wizard_provider *pr)
{
	size_t	 i, j;

	free(pr->id);
	free(pr->name);
	free(pr->note);
	free(pr->username);
	for (i = 0; i < pr->ndomains; i++)
		free(pr->domains[i]);
	free(pr->domains);
	for (i = 0; i < WIZARD_NSERVICES; i++) {
		for (j = 0; j < pr->ncand[i]; j++)
			free(pr->cand[i][j].host);
		free(pr->cand[i]);
	}
}

void
wizard_providers_free(struct wizard_providers *pp)
{
	size_t	 i;

	if (pp == NULL)
		return;
	for (i = 0; i < pp->nproviders; i++)
		providers_clear(&pp->providers[i]);
	free(pp->providers);
	for (i = 0; i < pp->nbad && i < WIZARD_MAX_BAD; i++)
		free(pp->bad[i]);
	free(pp->bad);
	free(pp->path);
	free(pp);
}

char *
wizard_address_domain(const char *address, struct error *err)
{
	const char	*at;
	char		*d;
	size_t		 len;

	if ((at = strrchr(address, '@')) == NULL || at == address)
		goto bad;
	d = xstrdup(at + 1);
	len = strlen(d);
	if (len > 0 && d[len - 1] == '.')	/* the root's dot */
		d[len - 1] = '\0';
	providers_lower(d);
	if (providers_valid_host(d) && strchr(d, '.') != NULL)
		return d;
	free(d);
bad:
	error_set(err, ERROR_INPUT, _("'%s' is not a mail address "
	    "(user@domain)"), address);
	return NULL;
}

const struct wizard_provider *
wizard_providers_find(const struct wizard_providers *pp, const char *domain)
{
	return providers_owner(pp, domain);
}

struct wizard_provider *
wizard_provider_guess(const char *domain)
{
	/* Per service: host prefixes, then port and security per prefix. */
	static const struct {
		enum wizard_service	 s;
		const char		*prefix;
		uint16_t		 port;
		enum security		 sec;
	} g[] = {
		{ WIZARD_IMAP, "imap", 993, SECURITY_TLS },
		{ WIZARD_IMAP, "mail", 993, SECURITY_TLS },
		{ WIZARD_POP3, "pop3", 995, SECURITY_TLS },
		{ WIZARD_POP3, "pop", 995, SECURITY_TLS },
		{ WIZARD_SMTP, "smtp", 465, SECURITY_TLS },
		{ WIZARD_SMTP, "smtp", 587, SECURITY_STARTTLS },
		{ WIZARD_SMTP, "mail", 465, SECURITY_TLS },
		{ WIZARD_SMTP, "mail", 587, SECURITY_STARTTLS },
	};
	struct wizard_provider	*pr;
	char			*host;
	size_t			 i;

	pr = xcalloc(1, sizeof *pr);
	pr->id = xstrdup("guess");
	pr->name = xstrdup(domain);
	pr->domains = xcalloc(1, sizeof *pr->domains);
	pr->domains[0] = xstrdup(domain);
	pr->ndomains = 1;
	for (i = 0; i < sizeof g / sizeof g[0]; i++) {
		host = xasprintf("%s.%s", g[i].prefix, domain);
		providers_add(pr, g[i].s, host, g[i].port, g[i].sec,
		    WIZARD_FROM_GUESS);
		free(host);
	}
	return pr;
}

void
wizard_provider_free(struct wizard_provider *pr)
{
	if (pr == NULL)
		return;
	providers_clear(pr);
	free(pr);
}

struct wizard_provider *
wizard_provider_new(const char *name)
{
	struct wizard_provider	*pr;

	pr = xcalloc(1, sizeof *pr);
	pr->id = xstrdup("manual");
	pr->name = xstrdup(name);
	return pr;
}

void
wizard_provider_add(struct wizard_provider *pr, enum wizard_service s,
    const char *host, uint16_t port, enum security sec)
{
	if (pr->ncand[s] < WIZARD_MAX_CANDIDATES)
		providers_add(pr, s, host, port, sec, WIZARD_FROM_MANUAL);
}

void
wizard_provider_add_from(struct wizard_provider *pr, enum wizard_service s,
    const char *host, uint16_t port, enum security sec,
    enum wizard_origin origin)
{
	size_t	 i;

	for (i = 0; i < pr->ncand[s]; i++) {
		if (pr->cand[s][i].port == port &&
		    pr->cand[s][i].security == sec &&
		    strcmp(pr->cand[s][i].host, host) == 0)
			return;
	}
	if (pr->ncand[s] < WIZARD_MAX_CANDIDATES)
		providers_add(pr, s, host, port, sec, origin);
}

const char *
wizard_origin_name(enum wizard_origin o)
{
	switch (o) {
	case WIZARD_FROM_DATA:
		return _("data");
	case WIZARD_FROM_SRV:
		return "SRV";
	case WIZARD_FROM_AUTOCONFIG:
		return "autoconfig";
	case WIZARD_FROM_GUESS:
		return _("guess");
	case WIZARD_FROM_MANUAL:
		return _("manual");
	}
	return "?";
}

int
wizard_host_valid(const char *s)
{
	return providers_valid_host(s);
}

struct wizard_provider *
wizard_provider_dup(const struct wizard_provider *from)
{
	struct wizard_provider	*pr;
	size_t			 i, j;

	pr = wizard_provider_new(from->name);
	free(pr->id);
	pr->id = xstrdup(from->id);
	pr->note = from->note != NULL ? xstrdup(from->note) : NULL;
	pr->line = from->line;
	pr->username = from->username != NULL ? xstrdup(from->username) :
	    NULL;
	pr->domains = xcalloc(from->ndomains + 1, sizeof *pr->domains);
	for (i = 0; i < from->ndomains; i++)
		pr->domains[i] = xstrdup(from->domains[i]);
	pr->ndomains = from->ndomains;
	for (i = 0; i < WIZARD_NSERVICES; i++) {
		for (j = 0; j < from->ncand[i]; j++)
			providers_add(pr, (enum wizard_service)i,
			    from->cand[i][j].host, from->cand[i][j].port,
			    from->cand[i][j].security,
			    from->cand[i][j].origin);
	}
	return pr;
}
