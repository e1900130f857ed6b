/*
 * src/wizard/autoconfig.c: cached autoconfig files, data/autoconfig/
 * DOMAIN.xml, in the subset of Mozilla's clientConfig format (version
 * 1.1) that names servers. The parser is ours and small: elements,
 * attributes, text, the five predefined entities and character
 * references, comments, processing instructions and CDATA; no DOCTYPE
 * (so no entity of the file's own), bounded in size, depth and nodes.
 * Anything else is an error, and the file is not used.
 */
#include <config.h>	/* autoconf's */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "wizard/internal.h"
#include "wizard/wizard.h"

#define AC_MAX_NAME	64	/* bytes of an element or attribute name */
#define AC_MAX_TEXT	4096	/* bytes of an element's text */

/* An element: its name, its type attribute, its text, its children. */
struct ac_node {
	char		*name;
	char		*type;		/* the "type" attribute, or NULL */
	struct sbuf	 text;
	struct ac_node	*child;		/* first */
	struct ac_node	*last;
	struct ac_node	*next;
};

struct ac_parser {
	const char	*start;
	const char	*p;
	const char	*end;
	const char	*name;		/* the file's, for messages */
	size_t		 nodes;
	struct error	*err;
};

static void
ac_node_free(struct ac_node *n)
{
	struct ac_node	*c, *next;

	if (n == NULL)
		return;
	for (c = n->child; c != NULL; c = next) {
		next = c->next;
		ac_node_free(c);
	}
	free(n->name);
	free(n->type);
	sbuf_release(&n->text);
	free(n);
}

static int
ac_fail(struct ac_parser *ps, const char *what)
{
	const char	*s;
	int		 line = 1;

	/* The line, counted only on failure. */
	for (s = ps->start; s < ps->p && s < ps->end; s++)
		if (*s == '\n')
			line++;
	return error_set(ps->err, ERROR_INPUT, _("%s:%d: not a usable "
	    "autoconfig file: %s"), ps->name, line, what);
}

static int
ac_starts(const struct ac_parser *ps, const char *s)
{
	size_t	 n = strlen(s);

	return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, s, n) == 0;
}

static void
ac_skip_space(struct ac_parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	    *ps->p == '\r' || *ps->p == '\n'))
		ps->p++;
}

/* Skips past the next occurrence of s; -1 if there is none. */
static int
ac_skip_past(struct ac_parser *ps, const char *s)
{
	size_t	 n = strlen(s);

	while ((size_t)(ps->end - ps->p) >= n) {
		if (memcmp(ps->p, s, n) == 0) {
			ps->p += n;
			return 0;
		}
		ps->p++;
	}
	ps->p = ps->end;
	return -1;
}

static int
ac_name_char(int c, int first)
{
	if (isalpha(c) || c == '_' || c == ':')
		return 1;
	return !first && (isdigit(c) || c == '-' || c == '.');
}

/* A name (ASCII only: the format's names are) into buf. */
static int
ac_name(struct ac_parser *ps, char *buf, size_t size)
{
	size_t	 n = 0;

	if (ps->p == ps->end || !ac_name_char((unsigned char)*ps->p, 1))
		return ac_fail(ps, _("a name was expected"));
	while (ps->p < ps->end && ac_name_char((unsigned char)*ps->p, 0)) {
		if (n + 1 >= size)
			return ac_fail(ps, _("a name is too long"));
		buf[n++] = *ps->p++;
	}
	buf[n] = '\0';
	return 0;
}

/* After '&': one reference, appended to out. */
static int
ac_reference(struct ac_parser *ps, struct sbuf *out)
{
	static const struct {
		const char	*name;
		char		 c;
	} ents[] = {
		{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	char		 buf[8];
	unsigned long	 v = 0;
	size_t		 i, digits = 0, len;
	int		 hex = 0;

	for (i = 0; i < sizeof ents / sizeof ents[0]; i++) {
		if (ac_starts(ps, ents[i].name)) {
			ps->p += strlen(ents[i].name);
			sbuf_addch(out, ents[i].c);
			return 0;
		}
	}
	if (!ac_starts(ps, "#"))
		return ac_fail(ps, _("unknown entity"));
	ps->p++;
	if (ps->p < ps->end && *ps->p == 'x') {
		hex = 1;
		ps->p++;
	}
	while (ps->p < ps->end && *ps->p != ';') {
		if (hex ? !isxdigit((unsigned char)*ps->p) :
		    !isdigit((unsigned char)*ps->p))
			return ac_fail(ps, _("bad character reference"));
		if (++digits > 6)
			return ac_fail(ps, _("bad character reference"));
		v = v * (hex ? 16 : 10) + (unsigned long)(isdigit(
		    (unsigned char)*ps->p) ? *ps->p - '0' :
		    tolower((unsigned char)*ps->p) - 'a' + 10);
		ps->p++;
	}
	if (ps->p == ps->end || digits == 0)
		return ac_fail(ps, _("bad character reference"));
	ps->p++;
	/* No control characters, surrogates or beyond Unicode. */
	if (v < 0x20 || v == 0x7f || (v >= 0x80 && v < 0xa0) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return ac_fail(ps, _("bad character reference"));
	if ((len = utf8_encode((uint32_t)v, buf)) == 0)
		return ac_fail(ps, _("bad character reference"));
	sbuf_add(out, buf, len);
	return 0;
}

/* A quoted attribute value into out. */
static int
ac_value(struct ac_parser *ps, struct sbuf *out)
{
	char	 q;

	if (ps->p == ps->end || (*ps->p != '"' && *ps->p != '\''))
		return ac_fail(ps, _("an attribute value must be quoted"));
	q = *ps->p++;
	while (ps->p < ps->end && *ps->p != q) {
		if (*ps->p == '<')
			return ac_fail(ps, _("'<' in an attribute value"));
		if (out->len >= AC_MAX_TEXT)
			return ac_fail(ps, _("an attribute value is too long"));
		if (*ps->p == '&') {
			ps->p++;
			if (ac_reference(ps, out) == -1)
				return -1;
		} else
			sbuf_addch(out, *ps->p++);
	}
	if (ps->p == ps->end)
		return ac_fail(ps, _("the file ends in an attribute value"));
	ps->p++;
	return 0;
}

static int	ac_element(struct ac_parser *, int depth, struct ac_node **);

/* Content up to the end tag of n. */
static int
ac_content(struct ac_parser *ps, int depth, struct ac_node *n)
{
	struct ac_node	*c;
	char		 name[AC_MAX_NAME];
	const char	*start;

	for (;;) {
		if (ps->p == ps->end)
			return ac_fail(ps, _("the file ends inside an "
			    "element"));
		if (ac_starts(ps, "</")) {
			ps->p += 2;
			if (ac_name(ps, name, sizeof name) == -1)
				return -1;
			if (strcmp(name, n->name) != 0)
				return ac_fail(ps, _("an end tag does not "
				    "match its start tag"));
			ac_skip_space(ps);
			if (!ac_starts(ps, ">"))
				return ac_fail(ps, _("'>' expected"));
			ps->p++;
			return 0;
		}
		if (ac_starts(ps, "<!--")) {
			if (ac_skip_past(ps, "-->") == -1)
				return ac_fail(ps, _("unterminated comment"));
			continue;
		}
		if (ac_starts(ps, "<![CDATA[")) {
			ps->p += 9;
			start = ps->p;
			if (ac_skip_past(ps, "]]>") == -1)
				return ac_fail(ps, _("unterminated CDATA"));
			if (n->text.len + (size_t)(ps->p - 3 - start) >
			    AC_MAX_TEXT)
				return ac_fail(ps, _("a text is too long"));
			sbuf_add(&n->text, start, (size_t)(ps->p - 3 - start));
			continue;
		}
		if (ac_starts(ps, "<?")) {
			if (ac_skip_past(ps, "?>") == -1)
				return ac_fail(ps, _("unterminated processing "
				    "instruction"));
			continue;
		}
		if (ac_starts(ps, "<!"))
			return ac_fail(ps, _("declarations are not allowed"));
		if (*ps->p == '<') {
			if (ac_element(ps, depth + 1, &c) == -1)
				return -1;
			if (n->last != NULL)
				n->last->next = c;
			else
				n->child = c;
			n->last = c;
			continue;
		}
		if (n->text.len >= AC_MAX_TEXT) {
			/* Indentation between elements is not text. */
			if (isspace((unsigned char)*ps->p)) {
				ps->p++;
				continue;
			}
			return ac_fail(ps, _("a text is too long"));
		}
		if (*ps->p == '&') {
			ps->p++;
			if (ac_reference(ps, &n->text) == -1)
				return -1;
		} else
			sbuf_addch(&n->text, *ps->p++);
	}
}

/* At '<': an element and everything in it, into *np. */
static int
ac_element(struct ac_parser *ps, int depth, struct ac_node **np)
{
	struct ac_node	*n;
	struct sbuf	 value;
	char		 name[AC_MAX_NAME];

	*np = NULL;
	if (depth > WIZARD_AUTOCONFIG_MAX_DEPTH)
		return ac_fail(ps, _("elements are nested too deep"));
	if (++ps->nodes > WIZARD_AUTOCONFIG_MAX_NODES)
		return ac_fail(ps, _("too many elements"));
	ps->p++;
	if (ac_name(ps, name, sizeof name) == -1)
		return -1;
	n = xcalloc(1, sizeof *n);
	n->name = xstrdup(name);
	sbuf_init(&n->text);
	sbuf_init(&value);
	for (;;) {
		ac_skip_space(ps);
		if (ps->p == ps->end) {
			ac_fail(ps, _("the file ends in a tag"));
			goto fail;
		}
		if (ac_starts(ps, "/>")) {
			ps->p += 2;
			break;
		}
		if (*ps->p == '>') {
			ps->p++;
			if (ac_content(ps, depth, n) == -1)
				goto fail;
			break;
		}
		if (ac_name(ps, name, sizeof name) == -1)
			goto fail;
		ac_skip_space(ps);
		if (!ac_starts(ps, "=")) {
			ac_fail(ps, _("'=' expected after an attribute name"));
			goto fail;
		}
		ps->p++;
		ac_skip_space(ps);
		sbuf_reset(&value);
		if (ac_value(ps, &value) == -1)
			goto fail;
		if (strcmp(name, "type") == 0) {
			if (n->type != NULL) {
				ac_fail(ps, _("a repeated attribute"));
				goto fail;
			}
			n->type = xstrndup(value.len > 0 ? value.buf : "",
			    value.len);
		}
	}
	sbuf_release(&value);
	*np = n;
	return 0;
fail:
	sbuf_release(&value);
	ac_node_free(n);
	return -1;
}

/* The whole document: its root element into *root. */
static int
ac_document(struct ac_parser *ps, struct ac_node **root)
{
	struct ac_node	*n = NULL;
	int		 ret = -1;

	*root = NULL;
	if (ac_starts(ps, "\xef\xbb\xbf"))	/* a UTF-8 byte order mark */
		ps->p += 3;
	for (;;) {
		ac_skip_space(ps);
		if (ps->p == ps->end)
			break;
		if (ac_starts(ps, "<?")) {
			if (ac_skip_past(ps, "?>") == -1) {
				ac_fail(ps, _("unterminated processing "
				    "instruction"));
				goto out;
			}
		} else if (ac_starts(ps, "<!--")) {
			if (ac_skip_past(ps, "-->") == -1) {
				ac_fail(ps, _("unterminated comment"));
				goto out;
			}
		} else if (ac_starts(ps, "<!")) {
			ac_fail(ps, _("declarations are not allowed"));
			goto out;
		} else if (*ps->p == '<' && n == NULL) {
			if (ac_element(ps, 1, &n) == -1)
				goto out;
		} else {
			ac_fail(ps, n == NULL ? _("no root element") :
			    _("text after the root element"));
			goto out;
		}
	}
	if (n == NULL) {
		ac_fail(ps, _("no root element"));
		goto out;
	}
	*root = n;
	n = NULL;
	ret = 0;
out:
	ac_node_free(n);
	return ret;
}

/* The text of n's child called name, spaces trimmed; NULL if none. */
static char *
ac_child_text(const struct ac_node *n, const char *name)
{
	const struct ac_node	*c;
	const char		*s, *e;

	for (c = n->child; c != NULL; c = c->next) {
		if (strcmp(c->name, name) != 0)
			continue;
		s = c->text.len > 0 ? c->text.buf : "";
		e = s + c->text.len;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		return xstrndup(s, (size_t)(e - s));
	}
	return NULL;
}

/* s with the placeholders replaced; NULL if a '%' is left unknown. */
static char *
ac_expand(const char *s, const char *address)
{
	static const char *const ph[] = {
		"%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%"
	};
	const char	*at = strrchr(address, '@');
	struct sbuf	 out;
	size_t		 i, n;

	sbuf_init(&out);
	while (*s != '\0') {
		if (*s != '%') {
			sbuf_addch(&out, *s++);
			continue;
		}
		for (i = 0; i < sizeof ph / sizeof ph[0]; i++) {
			n = strlen(ph[i]);
			if (strncmp(s, ph[i], n) == 0)
				break;
		}
		if (i == sizeof ph / sizeof ph[0]) {
			sbuf_release(&out);
			return NULL;
		}
		if (i == 0)
			sbuf_addstr(&out, address);
		else if (i == 1)
			sbuf_add(&out, address, at != NULL ? (size_t)(at -
			    address) : strlen(address));
		else
			sbuf_addstr(&out, at != NULL ? at + 1 : "");
		s += n;
	}
	return sbuf_detach(&out, NULL);
}

/* Appends "what" for a skipped server to report. */
static void
ac_skip(struct sbuf *report, const char *name, const char *server,
    const char *why)
{
	if (report == NULL)
		return;
	sbuf_addf(report, _("autoconfig %s: %s skipped: "), name, server);
	sanitize_append(report, why, strlen(why), 0);
	sbuf_addch(report, '\n');
}

/* One incomingServer or outgoingServer. 1 if added, 0 if skipped. */
static int
ac_server(struct wizard_provider *pr, const struct ac_node *n,
    const char *name, const char *address, struct sbuf *report)
{
	enum wizard_service	 s;
	enum security		 sec;
	char			*host = NULL, *port = NULL, *st = NULL;
	char			*user = NULL, *h = NULL, *end;
	long			 p;
	int			 added = 0;

	if (n->type == NULL) {
		ac_skip(report, name, n->name, _("no type"));
		return 0;
	}
	if (strcmp(n->name, "incomingServer") == 0 &&
	    strcmp(n->type, "imap") == 0)
		s = WIZARD_IMAP;
	else if (strcmp(n->name, "incomingServer") == 0 &&
	    strcmp(n->type, "pop3") == 0)
		s = WIZARD_POP3;
	else if (strcmp(n->name, "outgoingServer") == 0 &&
	    strcmp(n->type, "smtp") == 0)
		s = WIZARD_SMTP;
	else {
		ac_skip(report, name, n->name, _("not imap, pop3 or smtp"));
		return 0;
	}
	host = ac_child_text(n, "hostname");
	port = ac_child_text(n, "port");
	st = ac_child_text(n, "socketType");
	user = ac_child_text(n, "username");
	if (host == NULL || (h = ac_expand(host, address)) == NULL ||
	    !wizard_host_valid(h)) {
		ac_skip(report, name, n->type, _("no valid hostname"));
		goto out;
	}
	p = port != NULL && *port != '\0' ? strtol(port, &end, 10) : 0;
	if (port == NULL || *port == '\0' || *end != '\0' || p < 1 ||
	    p > 65535 || strlen(port) > 5) {
		ac_skip(report, name, n->type, _("no valid port"));
		goto out;
	}
	if (st != NULL && strcmp(st, "SSL") == 0)
		sec = SECURITY_TLS;
	else if (st != NULL && strcmp(st, "STARTTLS") == 0)
		sec = SECURITY_STARTTLS;
	else {
		ac_skip(report, name, n->type, st != NULL && strcmp(st,
		    "plain") == 0 ? _("plaintext is refused") :
		    _("no valid socketType"));
		goto out;
	}
	wizard_provider_add_from(pr, s, h, (uint16_t)p, sec,
	    WIZARD_FROM_AUTOCONFIG);
	added = 1;
	if (s != WIZARD_SMTP && pr->username == NULL && user != NULL &&
	    *user != '\0') {
		pr->username = ac_expand(user, address);
		if (pr->username != NULL && (strlen(pr->username) > 255 ||
		    strpbrk(pr->username, "\r\n\t") != NULL)) {
			free(pr->username);
			pr->username = NULL;
		}
	}
out:
	free(host);
	free(h);
	free(port);
	free(st);
	free(user);
	return added;
}

int
wizard_autoconfig_parse(struct wizard_provider *pr, const char *name,
    const char *text, size_t len, const char *address, struct sbuf *report,
    struct error *err)
{
	struct ac_parser	 ps;
	struct ac_node		*root = NULL, *ep, *c;
	struct wizard_provider	*tmp;
	size_t			 i, j;
	int			 added = 0;

	if (len > WIZARD_AUTOCONFIG_MAX_SIZE)
		return error_set(err, ERROR_INPUT, _("%s: more than %d "
		    "bytes"), name, WIZARD_AUTOCONFIG_MAX_SIZE);
	if (memchr(text, '\0', len) != NULL)
		return error_set(err, ERROR_INPUT, _("%s: not a usable "
		    "autoconfig file: %s"), name, _("a NUL byte"));
	memset(&ps, 0, sizeof ps);
	ps.start = ps.p = text;
	ps.end = text + len;
	ps.name = name;
	ps.err = err;
	if (ac_document(&ps, &root) == -1)
		return -1;
	if (strcmp(root->name, "clientConfig") != 0) {
		ac_node_free(root);
		return error_set(err, ERROR_INPUT, _("%s: not a usable "
		    "autoconfig file: %s"), name, _("the root is not "
		    "clientConfig"));
	}
	for (ep = root->child; ep != NULL; ep = ep->next)
		if (strcmp(ep->name, "emailProvider") == 0)
			break;
	if (ep == NULL) {
		ac_node_free(root);
		return error_set(err, ERROR_INPUT, _("%s: not a usable "
		    "autoconfig file: %s"), name, _("no emailProvider"));
	}
	/* Into a scratch provider first, so that pr's order holds. */
	tmp = wizard_provider_new(pr->name);
	for (c = ep->child; c != NULL; c = c->next) {
		if (strcmp(c->name, "incomingServer") == 0 ||
		    strcmp(c->name, "outgoingServer") == 0)
			added += ac_server(tmp, c, name, address, report);
	}
	for (i = 0; i < WIZARD_NSERVICES; i++)
		for (j = 0; j < tmp->ncand[i]; j++)
			wizard_provider_add_from(pr, (enum wizard_service)i,
			    tmp->cand[i][j].host, tmp->cand[i][j].port,
			    tmp->cand[i][j].security, WIZARD_FROM_AUTOCONFIG);
	if (pr->username == NULL && tmp->username != NULL)
		pr->username = xstrdup(tmp->username);
	wizard_provider_free(tmp);
	ac_node_free(root);
	return added;
}

char *
wizard_autoconfig_path(const char *domain)
{
	const char	*dir = getenv("POSTERN_AUTOCONFIG_DIR");

	if (dir != NULL && *dir != '\0')
		return xasprintf("%s/%s.xml", dir, domain);
	return xasprintf("%s/data/autoconfig/%s.xml", fs_datadir(), domain);
}
