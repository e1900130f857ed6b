/*
 * src/mime/address.c: address lists as people type them and as headers
 * carry them (RFC 5322 section 3.4: display names with quotes and
 * commas, comments, groups, angle addresses), for the envelope and for
 * writing the headers again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/xmalloc.h"
#include "mime/internal.h"
#include "mime/mime.h"

#define ADDR_MAX_COMMENT_DEPTH	16	/* nested (comments) we follow */
#define ADDR_MAX_LOCAL		64	/* RFC 5321 4.5.3.1.1 */
#define ADDR_MAX_ADDR		254	/* RFC 5321 path, less the <> */

struct addr_parser {
	const char	*s;
	size_t		 len;
	size_t		 pos;
	struct error	*err;
};

/* RFC 5322 atext, plus bytes >= 0x80 (UTF-8 names typed as they are). */
static int
addr_is_atext(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
addr_peek(const struct addr_parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* Skips a comment at pos ("(" already seen); -1 if unterminated. */
static int
addr_skip_comment(struct addr_parser *p)
{
	int	 depth = 0, c;

	while ((c = addr_peek(p)) != -1) {
		p->pos++;
		if (c == '\\') {
			if (p->pos < p->len)
				p->pos++;
		} else if (c == '(') {
			if (++depth > ADDR_MAX_COMMENT_DEPTH)
				return error_set(p->err, ERROR_INPUT,
				    _("comments nested too deep in address"));
		} else if (c == ')') {
			if (--depth == 0)
				return 0;
		}
	}
	return error_set(p->err, ERROR_INPUT, _("unterminated comment in "
	    "address"));
}

/* Skips folding white space and comments. */
static int
addr_skip_cfws(struct addr_parser *p)
{
	int	 c;

	while ((c = addr_peek(p)) != -1) {
		if (MIME_ISSPACE(c))
			p->pos++;
		else if (c == '(') {
			if (addr_skip_comment(p) == -1)
				return -1;
		} else
			break;
	}
	return 0;
}

/*
 * Reads a quoted string at pos (at the quote). Appends its content
 * (unescaped) to text and its wire form to wire (either may be NULL).
 */
static int
addr_quoted(struct addr_parser *p, struct sbuf *text, struct sbuf *wire)
{
	int	 c;

	p->pos++;
	if (wire != NULL)
		sbuf_addch(wire, '"');
	while ((c = addr_peek(p)) != -1) {
		p->pos++;
		if (c == '"') {
			if (wire != NULL)
				sbuf_addch(wire, '"');
			return 0;
		}
		if (c == '\\' && p->pos < p->len) {
			if (wire != NULL)
				sbuf_addch(wire, c);
			c = (unsigned char)p->s[p->pos++];
		}
		if (c == '\r' || c == '\n')
			continue;	/* folding inside the quotes */
		if (text != NULL)
			sbuf_addch(text, c);
		if (wire != NULL)
			sbuf_addch(wire, c);
	}
	return error_set(p->err, ERROR_INPUT, _("unterminated quote in "
	    "address"));
}

/*
 * Reads words up to a special ('<', ':', '@', ',', ';', '>') or the end.
 * phrase gets them as a display name (words joined by one space), local
 * their wire form as a local part (atoms, dots, quoted strings); *dotted
 * stays 1 while that form is a valid local part.
 */
static int
addr_words(struct addr_parser *p, struct sbuf *phrase, struct sbuf *local,
    int *dotted)
{
	int	 c, want_word = 1, nwords = 0;

	*dotted = 1;
	for (;;) {
		if (addr_skip_cfws(p) == -1)
			return -1;
		c = addr_peek(p);
		if (c == -1 || strchr("<:@,;>", c) != NULL)
			break;
		if (c == '.') {
			/* obs-phrase allows dots in names ("J. Doe"). */
			p->pos++;
			sbuf_addch(phrase, '.');
			sbuf_addch(local, '.');
			if (want_word)
				*dotted = 0;
			want_word = 1;
			continue;
		}
		if (!want_word)
			*dotted = 0;
		if (phrase->len > 0 && phrase->buf[phrase->len - 1] != '.')
			sbuf_addch(phrase, ' ');
		if (c == '"') {
			if (addr_quoted(p, phrase, local) == -1)
				return -1;
		} else if (addr_is_atext((unsigned char)c)) {
			while ((c = addr_peek(p)) != -1 &&
			    addr_is_atext((unsigned char)c)) {
				sbuf_addch(phrase, c);
				sbuf_addch(local, c);
				p->pos++;
			}
		} else
			return error_set(p->err, ERROR_INPUT,
			    _("unexpected '%c' in address"), c);
		want_word = 0;
		nwords++;
	}
	if (want_word && nwords > 0)
		*dotted = 0;	/* ends with a dot */
	return 0;
}

/* Reads the domain after '@': a dot-atom of ASCII, or [a literal]. */
static int
addr_domain(struct addr_parser *p, struct sbuf *out)
{
	int	 c, want = 1;

	if (addr_skip_cfws(p) == -1)
		return -1;
	if (addr_peek(p) == '[') {
		sbuf_addch(out, '[');
		p->pos++;
		while ((c = addr_peek(p)) != -1 && c != ']') {
			if (c == '\\' || c == '[' || c < 0x21 || c > 0x7e)
				return error_set(p->err, ERROR_INPUT,
				    _("bad domain literal in address"));
			sbuf_addch(out, c);
			p->pos++;
		}
		if (c != ']')
			return error_set(p->err, ERROR_INPUT,
			    _("bad domain literal in address"));
		sbuf_addch(out, ']');
		p->pos++;
		return addr_skip_cfws(p);
	}
	for (;;) {
		c = addr_peek(p);
		/* UTF-8 labels (RFC 6531); checked in addr_make. */
		if (c != -1 && addr_is_atext((unsigned char)c)) {
			sbuf_addch(out, c);
			p->pos++;
			want = 0;
		} else if (c == '.' && !want) {
			sbuf_addch(out, c);
			p->pos++;
			want = 1;
		} else
			break;
	}
	if (want)
		return error_set(p->err, ERROR_INPUT, _("missing or bad "
		    "domain in address"));
	return addr_skip_cfws(p);
}

/* Checks local (wire form) and joins it with domain into *addrp. */
static int
addr_make(struct addr_parser *p, const struct sbuf *local, int dotted,
    const struct sbuf *domain, char **addrp)
{
	char	*ace;

	if (local->len == 0 || !dotted)
		return error_set(p->err, ERROR_INPUT, _("bad local part in "
		    "address '%s'"), local->buf);
	if (!mime_utf8_valid(local->buf, local->len) ||
	    !mime_utf8_valid(domain->buf, domain->len))
		return error_set(p->err, ERROR_INPUT, _("address is not valid "
		    "UTF-8"));
	/* A domain that has no ASCII form (a label too long) is no domain. */
	if ((ace = mime_idn_to_ascii(domain->buf, p->err)) == NULL)
		return -1;
	free(ace);
	if (local->len > ADDR_MAX_LOCAL ||
	    local->len + 1 + domain->len > ADDR_MAX_ADDR)
		return error_set(p->err, ERROR_INPUT, _("address too long"));
	*addrp = xasprintf("%s@%s", local->buf, domain->buf);
	return 0;
}

/* Reads "<local@domain>" (pos at '<'); an obsolete route is dropped. */
static int
addr_angle(struct addr_parser *p, char **addrp)
{
	struct sbuf	 junk, local, domain;
	int		 dotted, ret = -1;

	sbuf_init(&junk);
	sbuf_init(&local);
	sbuf_init(&domain);
	p->pos++;
	if (addr_skip_cfws(p) == -1)
		goto out;
	if (addr_peek(p) == '@') {
		/* obs-route: "<@a,@b:user@host>" */
		while (p->pos < p->len && p->s[p->pos] != ':' &&
		    p->s[p->pos] != '>')
			p->pos++;
		if (addr_peek(p) == ':')
			p->pos++;
	}
	if (addr_words(p, &junk, &local, &dotted) == -1)
		goto out;
	if (addr_peek(p) != '@') {
		error_set(p->err, ERROR_INPUT, _("missing '@' in address "
		    "'%s'"), local.buf);
		goto out;
	}
	p->pos++;
	if (addr_domain(p, &domain) == -1)
		goto out;
	if (addr_peek(p) != '>') {
		error_set(p->err, ERROR_INPUT, _("missing '>' in address"));
		goto out;
	}
	p->pos++;
	ret = addr_make(p, &local, dotted, &domain, addrp);
out:
	sbuf_release(&junk);
	sbuf_release(&local);
	sbuf_release(&domain);
	return ret;
}

static void
addr_push(struct mime_address_list *l, char *name, char *addr,
    const char *group)
{
	struct mime_address	*a;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	a = &l->v[l->n++];
	a->name = name;
	a->addr = addr;
	a->group = group != NULL ? xstrdup(group) : NULL;
}

/* A display name as given, RFC 2047 words decoded; NULL if empty. */
static char *
addr_name(const struct sbuf *phrase)
{
	if (phrase->len == 0)
		return NULL;
	if (strstr(phrase->buf, "=?") != NULL)
		return mime_decode_header(phrase->buf, phrase->len);
	return xstrdup(phrase->buf);
}

/*
 * Reads one mailbox or (when group is NULL) a group into l; *groupp
 * gets a started group's name (the caller reads its members).
 */
static int
addr_one(struct addr_parser *p, struct mime_address_list *l,
    const char *group, char **groupp)
{
	struct sbuf	 phrase, local, domain;
	char		*addr = NULL;
	int		 dotted, c, ret = -1;

	sbuf_init(&phrase);
	sbuf_init(&local);
	sbuf_init(&domain);
	if (addr_words(p, &phrase, &local, &dotted) == -1)
		goto out;
	c = addr_peek(p);
	if (c == '<') {
		if (addr_angle(p, &addr) == -1)
			goto out;
		addr_push(l, addr_name(&phrase), addr, group);
		ret = addr_skip_cfws(p);
	} else if (c == '@') {
		p->pos++;
		if (addr_domain(p, &domain) == -1 ||
		    addr_make(p, &local, dotted, &domain, &addr) == -1)
			goto out;
		addr_push(l, NULL, addr, group);
		ret = 0;
	} else if (c == ':' && group == NULL && phrase.len > 0) {
		p->pos++;
		*groupp = addr_name(&phrase);
		ret = 0;
	} else if (c == ':')
		error_set(p->err, ERROR_INPUT, group != NULL ?
		    _("group inside a group in address list") :
		    _("group without a name in address list"));
	else if (phrase.len > 0)
		error_set(p->err, ERROR_INPUT, _("missing '@' in address "
		    "'%s'"), phrase.buf);
	else
		error_set(p->err, ERROR_INPUT, _("unexpected '%c' in address "
		    "list"), c == -1 ? '?' : c);
out:
	sbuf_release(&phrase);
	sbuf_release(&local);
	sbuf_release(&domain);
	return ret;
}

/* Reads a group's members up to ';' (the name was read). */
static int
addr_group(struct addr_parser *p, struct mime_address_list *l,
    const char *group)
{
	size_t	 before = l->n;
	char	*none = NULL;
	int	 c;

	for (;;) {
		if (addr_skip_cfws(p) == -1)
			return -1;
		c = addr_peek(p);
		if (c == ';') {
			p->pos++;
			break;
		}
		if (c == ',') {
			p->pos++;
			continue;
		}
		if (c == -1)
			return error_set(p->err, ERROR_INPUT, _("group "
			    "'%s' not closed with ';'"), group);
		if (addr_one(p, l, group, &none) == -1)
			return -1;
		c = addr_peek(p);
		if (c != ',' && c != ';' && c != -1)
			return error_set(p->err, ERROR_INPUT, _("unexpected "
			    "'%c' after an address"), c);
	}
	if (l->n == before)
		addr_push(l, NULL, NULL, group);	/* empty group */
	return 0;
}

int
mime_address_parse(const char *s, struct mime_address_list *l,
    struct error *err)
{
	struct addr_parser	 p;
	size_t			 before = l->n;
	char			*group;
	int			 c, ret = 0;

	p.s = s;
	p.len = strlen(s);
	p.pos = 0;
	p.err = err;
	if (p.len > MIME_MAX_ADDRESS_TEXT)
		return error_set(err, ERROR_INPUT, _("address list too long"));
	while (ret == 0) {
		if ((ret = addr_skip_cfws(&p)) == -1)
			break;
		if ((c = addr_peek(&p)) == -1)
			break;
		if (c == ',' || c == ';') {
			p.pos++;
			continue;
		}
		group = NULL;
		if ((ret = addr_one(&p, l, NULL, &group)) == -1)
			break;
		if (group != NULL) {
			ret = addr_group(&p, l, group);
			free(group);
			if (ret == -1)
				break;
			if ((ret = addr_skip_cfws(&p)) == -1)
				break;
		}
		c = addr_peek(&p);
		if (c != ',' && c != ';' && c != -1)
			ret = error_set(err, ERROR_INPUT, _("unexpected '%c' "
			    "after an address"), c);
		else if (l->n > MIME_MAX_ADDRESSES)
			ret = error_set(err, ERROR_INPUT, _("more than %d "
			    "addresses"), MIME_MAX_ADDRESSES);
	}
	if (ret == -1) {
		while (l->n > before) {
			l->n--;
			free(l->v[l->n].name);
			free(l->v[l->n].addr);
			free(l->v[l->n].group);
		}
		if (l->n == 0) {
			free(l->v);
			l->v = NULL;
		}
	}
	return ret;
}

void
mime_address_list_release(struct mime_address_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].addr);
		free(l->v[i].group);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
mime_header_address_list(const char *msg, size_t len, const char *name,
    struct mime_address_list *l, struct error *err)
{
	struct mime_field	 f;
	size_t			 pos = 0;
	char			*v;
	int			 ret;

	while (mime_field_next(msg, len, &pos, &f)) {
		if (f.name_len != strlen(name) ||
		    strncasecmp(f.name, name, f.name_len) != 0)
			continue;
		if (f.value_len > MIME_MAX_ADDRESS_TEXT)
			return error_set(err, ERROR_INPUT, _("%s header too "
			    "long"), name);
		v = xstrndup(f.value, f.value_len);
		ret = mime_address_parse(v, l, err);
		free(v);
		if (ret == -1)
			return -1;
	}
	return 0;
}
