/* src/model/search.c: the query language of limit and search. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "model/model.h"
#include "model/search.h"

enum search_kind {
	SEARCH_AND,
	SEARCH_OR,
	SEARCH_NOT,
	SEARCH_TEXT,		/* field contains text */
	SEARCH_FLAG,		/* (flags & mask) == want */
	SEARCH_DATE,		/* lo <= date < hi */
	SEARCH_SIZE,		/* lo <= size <= hi */
};

enum search_field {
	FIELD_WORD,		/* from or subject */
	FIELD_FROM,
	FIELD_SUBJECT,
	FIELD_TO,
	FIELD_CC,
	FIELD_BODY,
};

struct search_node {
	enum search_kind	 kind;
	int			 a, b;		/* children */
	enum search_field	 field;
	char			*text;
	uint32_t		 mask, want;
	int64_t			 lo, hi;
	/* FIELD_BODY: the UIDs whose body holds text, ascending. */
	uint32_t		*uids;
	size_t			 nuids;
	int			 answered;
};

struct search {
	struct search_node	 nodes[SEARCH_MAX_NODES];
	int			 n;
	int			 root;
};

enum search_token {
	TOK_END,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_AND,
	TOK_OR,
	TOK_NOT,
	TOK_TERM,
};

struct search_parser {
	struct search	*s;
	const char	*q;
	size_t		 pos;		/* of the next token */
	size_t		 tpos;		/* of the current token */
	enum search_token tok;
	struct sbuf	 name;		/* TOK_TERM: "from", or "" */
	struct sbuf	 value;
	int		 quoted;
	int		 depth;
	struct error	*err;
	int		 failed;
};

static const struct {
	const char		*name;
	enum search_field	 field;
} search_fields[] = {
	{ "from", FIELD_FROM }, { "subject", FIELD_SUBJECT },
	{ "to", FIELD_TO }, { "cc", FIELD_CC }, { "body", FIELD_BODY },
};

static const struct {
	const char	*name;
	uint32_t	 mask;
	uint32_t	 want;
} search_flags[] = {
	{ "is:unread", SUMMARY_SEEN, 0 },
	{ "is:new", SUMMARY_SEEN, 0 },
	{ "is:read", SUMMARY_SEEN, SUMMARY_SEEN },
	{ "is:flagged", SUMMARY_FLAGGED, SUMMARY_FLAGGED },
	{ "is:replied", SUMMARY_ANSWERED, SUMMARY_ANSWERED },
	{ "is:deleted", SUMMARY_DELETED, SUMMARY_DELETED },
	{ "is:draft", SUMMARY_DRAFT, SUMMARY_DRAFT },
	{ "has:attachment", SUMMARY_ATTACHMENT, SUMMARY_ATTACHMENT },
	{ "is:encrypted", SUMMARY_ENCRYPTED, SUMMARY_ENCRYPTED },
	{ "is:signed", SUMMARY_SIGNED, SUMMARY_SIGNED },
};

/* Fails the parse at column pos (from 1), once. */
static int
search_fail(struct search_parser *p, size_t pos, const char *what)
{
	if (!p->failed)
		error_set(p->err, ERROR_INPUT, _("bad query at column %zu: %s"),
		    pos + 1, what);
	p->failed = 1;
	return -1;
}

static int
search_is_sep(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '(' || c == ')';
}

/* Reads "..." at q[*posp] (the quote) into out; -1 if unterminated. */
static int
search_quoted(struct search_parser *p, size_t *posp, struct sbuf *out)
{
	size_t	 i = *posp + 1;

	for (; p->q[i] != '"'; i++) {
		if (p->q[i] == '\0')
			return search_fail(p, *posp,
			    _("missing closing quote"));
		if (p->q[i] == '\\' && p->q[i + 1] != '\0')
			i++;
		sbuf_addch(out, p->q[i]);
	}
	*posp = i + 1;
	return 0;
}

static int
search_next(struct search_parser *p)
{
	const char	*q = p->q;
	size_t		 i, start;

	while (q[p->pos] == ' ' || q[p->pos] == '\t')
		p->pos++;
	p->tpos = i = p->pos;
	sbuf_reset(&p->name);
	sbuf_reset(&p->value);
	p->quoted = 0;
	if (q[i] == '\0')
		return p->tok = TOK_END, 0;
	if (q[i] == '(' || q[i] == ')') {
		p->pos++;
		p->tok = q[i] == '(' ? TOK_LPAREN : TOK_RPAREN;
		return 0;
	}
	p->tok = TOK_TERM;
	if (q[i] == '"') {
		p->quoted = 1;
		if (search_quoted(p, &i, &p->value) == -1)
			return -1;
		p->pos = i;
		return 0;
	}
	for (start = i; !search_is_sep(q[i]) && q[i] != '"' && q[i] != ':';)
		i++;
	if (q[i] == ':') {
		sbuf_add(&p->name, q + start, i - start);
		i++;
		if (q[i] == '"') {
			p->quoted = 1;
			if (search_quoted(p, &i, &p->value) == -1)
				return -1;
			p->pos = i;
			return 0;
		}
		start = i;
	}
	while (!search_is_sep(q[i]) && q[i] != '"')
		i++;
	sbuf_add(&p->value, q + start, i - start);
	p->pos = i;
	if (p->name.len == 0 && strcasecmp(p->value.buf, "and") == 0)
		p->tok = TOK_AND;
	else if (p->name.len == 0 && strcasecmp(p->value.buf, "or") == 0)
		p->tok = TOK_OR;
	else if (p->name.len == 0 && strcasecmp(p->value.buf, "not") == 0)
		p->tok = TOK_NOT;
	return 0;
}

static int
search_node_new(struct search_parser *p, enum search_kind kind, int a, int b)
{
	struct search_node	*n;

	if (p->s->n == SEARCH_MAX_NODES)
		return search_fail(p, p->tpos, _("query too long"));
	n = &p->s->nodes[p->s->n];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->a = a;
	n->b = b;
	return p->s->n++;
}

/* "2024", "2024-06" or "2024-06-30": the start and end of that period. */
static int
search_date(const char *s, size_t len, int64_t *startp, int64_t *endp)
{
	struct tm	 tm;
	char		 buf[16];
	int		 y, m = 0, d = 0, n, parts;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	parts = sscanf(buf, "%4d-%2d-%2d%n", &y, &m, &d, &n);
	if (parts == 3 && (size_t)n == len && m >= 1 && m <= 12 && d >= 1 &&
	    d <= 31)
		;
	else if ((parts = sscanf(buf, "%4d-%2d%n", &y, &m, &n)) == 2 &&
	    (size_t)n == len && m >= 1 && m <= 12)
		d = 0;
	else if (sscanf(buf, "%4d%n", &y, &n) == 1 && (size_t)n == len &&
	    len == 4)
		m = d = 0;
	else
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_isdst = -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m > 0 ? m - 1 : 0;
	tm.tm_mday = d > 0 ? d : 1;
	*startp = (int64_t)mktime(&tm);
	if (d > 0)
		tm.tm_mday++;
	else if (m > 0)
		tm.tm_mon++;
	else
		tm.tm_year++;
	tm.tm_isdst = -1;
	*endp = (int64_t)mktime(&tm);
	return 0;
}

static int
search_term_date(struct search_parser *p, struct search_node *n)
{
	const char	*v = p->value.buf, *dots = strstr(v, "..");
	int64_t		 s, e;

	n->kind = SEARCH_DATE;
	n->lo = INT64_MIN;
	n->hi = INT64_MAX;
	if (dots == NULL) {
		if (search_date(v, strlen(v), &n->lo, &n->hi) == -1)
			goto bad;
		return 0;
	}
	if (dots > v && search_date(v, (size_t)(dots - v), &n->lo, &e) == -1)
		goto bad;
	if (dots[2] != '\0' && search_date(dots + 2, strlen(dots + 2), &s,
	    &n->hi) == -1)
		goto bad;
	if (dots == v && dots[2] == '\0')
		goto bad;
	return 0;
bad:
	return search_fail(p, p->tpos, _("bad date (use YYYY, YYYY-MM or "
	    "YYYY-MM-DD, or a range FROM..TO)"));
}

/* "10", "1.5M", "20k": bytes, or -1. */
static int64_t
search_bytes(const char *s, size_t len)
{
	char		 buf[32], *end;
	double		 v;
	int64_t		 unit = 1;

	if (len == 0 || len >= sizeof buf || !isdigit((unsigned char)s[0]))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (errno != 0 || v < 0 || v > 1e15)
		return -1;
	switch (*end) {
	case 'k': case 'K': unit = 1024; end++; break;
	case 'm': case 'M': unit = 1024 * 1024; end++; break;
	case 'g': case 'G': unit = 1024 * 1024 * 1024; end++; break;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0')
		return -1;
	return (int64_t)(v * (double)unit);
}

static int
search_term_size(struct search_parser *p, struct search_node *n)
{
	const char	*v = p->value.buf, *dots = strstr(v, "..");
	int64_t		 x;

	n->kind = SEARCH_SIZE;
	n->lo = 0;
	n->hi = INT64_MAX;
	if (dots != NULL) {
		if ((n->lo = search_bytes(v, (size_t)(dots - v))) == -1 ||
		    (n->hi = search_bytes(dots + 2, strlen(dots + 2))) == -1)
			goto bad;
		return 0;
	}
	if (v[0] != '<' && v[0] != '>')
		goto bad;
	x = search_bytes(v + 1 + (v[1] == '='), strlen(v + 1 + (v[1] == '=')));
	if (x == -1)
		goto bad;
	if (v[0] == '>')
		n->lo = v[1] == '=' ? x : x + 1;
	else
		n->hi = v[1] == '=' ? x : x - 1;
	return 0;
bad:
	return search_fail(p, p->tpos, _("bad size (use >N, <N, >=N, <=N or "
	    "N..M, N with K, M or G)"));
}

static int
search_term(struct search_parser *p)
{
	struct search_node	*n;
	char			 both[64];
	size_t			 i;
	int			 id;

	if ((id = search_node_new(p, SEARCH_TEXT, -1, -1)) == -1)
		return -1;
	n = &p->s->nodes[id];
	if (p->name.len == 0) {
		n->field = FIELD_WORD;
		goto text;
	}
	snprintf(both, sizeof both, "%s:%s", p->name.buf, p->value.buf);
	for (i = 0; i < sizeof search_flags / sizeof search_flags[0]; i++) {
		if (strcasecmp(both, search_flags[i].name) == 0) {
			n->kind = SEARCH_FLAG;
			n->mask = search_flags[i].mask;
			n->want = search_flags[i].want;
			return id;
		}
	}
	if (strcasecmp(p->name.buf, "is") == 0 ||
	    strcasecmp(p->name.buf, "has") == 0)
		return search_fail(p, p->tpos, _("unknown state (is:unread, "
		    "is:read, is:flagged, is:replied, is:deleted, is:draft, "
		    "has:attachment)"));
	if (strcasecmp(p->name.buf, "date") == 0)
		return search_term_date(p, n) == -1 ? -1 : id;
	if (strcasecmp(p->name.buf, "size") == 0)
		return search_term_size(p, n) == -1 ? -1 : id;
	for (i = 0; i < sizeof search_fields / sizeof search_fields[0]; i++) {
		if (strcasecmp(p->name.buf, search_fields[i].name) == 0)
			break;
	}
	if (i == sizeof search_fields / sizeof search_fields[0])
		return search_fail(p, p->tpos, _("unknown field (from, "
		    "subject, to, cc, body, is, has, date, size)"));
	n->field = search_fields[i].field;
text:
	if (p->value.len == 0 && !p->quoted)
		return search_fail(p, p->tpos, _("a field needs a value"));
	n->text = xstrdup(p->value.buf);
	return id;
}

static int	search_or(struct search_parser *);

static int
search_unary(struct search_parser *p)
{
	size_t	 at = p->tpos;
	int	 a, id;

	if (++p->depth > SEARCH_MAX_DEPTH)
		return search_fail(p, at, _("nested too deeply"));
	switch (p->tok) {
	case TOK_NOT:
		if (search_next(p) == -1 || (a = search_unary(p)) == -1)
			return -1;
		id = search_node_new(p, SEARCH_NOT, a, -1);
		break;
	case TOK_LPAREN:
		if (search_next(p) == -1 || (a = search_or(p)) == -1)
			return -1;
		if (p->tok != TOK_RPAREN)
			return search_fail(p, at, _("'(' without ')'"));
		id = search_next(p) == -1 ? -1 : a;
		break;
	case TOK_TERM:
		if ((id = search_term(p)) != -1 && search_next(p) == -1)
			id = -1;
		break;
	case TOK_RPAREN:
		return search_fail(p, at, _("')' without '('"));
	case TOK_END:
		return search_fail(p, at, _("a term is missing at the end"));
	default:
		return search_fail(p, at,
		    _("expected a term, not an operator"));
	}
	p->depth--;
	return id;
}

static int
search_and(struct search_parser *p)
{
	int	 a, b;

	if ((a = search_unary(p)) == -1)
		return -1;
	for (;;) {
		if (p->tok == TOK_AND) {
			if (search_next(p) == -1)
				return -1;
		} else if (p->tok != TOK_TERM && p->tok != TOK_NOT &&
		    p->tok != TOK_LPAREN)
			return a;
		if ((b = search_unary(p)) == -1 ||
		    (a = search_node_new(p, SEARCH_AND, a, b)) == -1)
			return -1;
	}
}

static int
search_or(struct search_parser *p)
{
	int	 a, b;

	if ((a = search_and(p)) == -1)
		return -1;
	while (p->tok == TOK_OR) {
		if (search_next(p) == -1 || (b = search_and(p)) == -1 ||
		    (a = search_node_new(p, SEARCH_OR, a, b)) == -1)
			return -1;
	}
	return a;
}

struct search *
search_parse(const char *query, struct error *err)
{
	struct search_parser	 p;
	struct search		*s;

	if (strlen(query) > SEARCH_MAX_QUERY) {
		error_set(err, ERROR_INPUT, _("bad query: longer than %d "
		    "bytes"), SEARCH_MAX_QUERY);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	memset(&p, 0, sizeof p);
	p.s = s;
	p.q = query;
	p.err = err;
	sbuf_init(&p.name);
	sbuf_init(&p.value);
	if (search_next(&p) == 0 && (s->root = search_or(&p)) != -1 &&
	    p.tok != TOK_END)
		search_fail(&p, p.tpos, p.tok == TOK_RPAREN ?
		    _("')' without '('") : _("unexpected text"));
	sbuf_release(&p.name);
	sbuf_release(&p.value);
	if (p.failed) {
		search_free(s);
		return NULL;
	}
	return s;
}

void
search_free(struct search *s)
{
	int	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->nodes[i].text);
		free(s->nodes[i].uids);
	}
	free(s);
}

/* Case-insensitive (ASCII) substring. */
static int
search_contains(const char *hay, const char *needle)
{
	size_t	 n = strlen(needle), i;

	if (hay == NULL)
		return n == 0;
	for (i = 0; hay[i] != '\0'; i++) {
		if (strncasecmp(hay + i, needle, n) == 0)
			return 1;
	}
	return n == 0;
}

static int
search_uid_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
search_match_node(const struct search *s, int id, const struct summary *m)
{
	const struct search_node	*n = &s->nodes[id];

	switch (n->kind) {
	case SEARCH_AND:
		return search_match_node(s, n->a, m) &&
		    search_match_node(s, n->b, m);
	case SEARCH_OR:
		return search_match_node(s, n->a, m) ||
		    search_match_node(s, n->b, m);
	case SEARCH_NOT:
		return !search_match_node(s, n->a, m);
	case SEARCH_FLAG:
		return (m->flags & n->mask) == n->want;
	case SEARCH_DATE:
		return (int64_t)m->date >= n->lo && (int64_t)m->date < n->hi;
	case SEARCH_SIZE:
		return m->size != SUMMARY_SIZE_UNKNOWN &&
		    (int64_t)m->size >= n->lo && (int64_t)m->size <= n->hi;
	case SEARCH_TEXT:
		break;
	}
	switch (n->field) {
	case FIELD_WORD:
		return search_contains(m->from, n->text) ||
		    search_contains(m->subject, n->text);
	case FIELD_FROM:
		return search_contains(m->from, n->text);
	case FIELD_SUBJECT:
		return search_contains(m->subject, n->text);
	case FIELD_TO:
		return search_contains(m->to, n->text);
	case FIELD_CC:
		return search_contains(m->cc, n->text);
	case FIELD_BODY:
		return n->answered && bsearch(&m->uid, n->uids, n->nuids,
		    sizeof *n->uids, search_uid_cmp) != NULL;
	}
	return 0;
}

int
search_match(const struct search *s, const struct summary *m)
{
	return search_match_node(s, s->root, m);
}

/* The body nodes are those of FIELD_BODY that were parsed (kind TEXT). */
static int
search_is_body(const struct search_node *n)
{
	return n->kind == SEARCH_TEXT && n->field == FIELD_BODY;
}

size_t
search_body_terms(const struct search *s, const char ***textsp)
{
	const char	**v;
	size_t		  n = 0, j;
	int		  i;

	v = xreallocarray(NULL, s->n > 0 ? (size_t)s->n : 1, sizeof *v);
	for (i = 0; i < s->n; i++) {
		if (!search_is_body(&s->nodes[i]))
			continue;
		for (j = 0; j < n; j++) {
			if (strcmp(v[j], s->nodes[i].text) == 0)
				break;
		}
		if (j == n)
			v[n++] = s->nodes[i].text;
	}
	if (n == 0) {
		free(v);
		v = NULL;
	}
	*textsp = v;
	return n;
}

void
search_set_body_uids(struct search *s, const char *text,
    const uint32_t *uids, size_t n)
{
	struct search_node	*node;
	size_t			 k, out;
	int			 i;

	for (i = 0; i < s->n; i++) {
		node = &s->nodes[i];
		if (!search_is_body(node) || strcmp(node->text, text) != 0)
			continue;
		free(node->uids);
		node->uids = xreallocarray(NULL, n > 0 ? n : 1,
		    sizeof *node->uids);
		if (n > 0)
			memcpy(node->uids, uids, n * sizeof *uids);
		qsort(node->uids, n, sizeof *node->uids, search_uid_cmp);
		for (k = out = 0; k < n; k++) {
			if (out == 0 || node->uids[out - 1] != node->uids[k])
				node->uids[out++] = node->uids[k];
		}
		node->nuids = out;
		node->answered = 1;
	}
}

int
search_body_ready(const struct search *s)
{
	int	 i;

	for (i = 0; i < s->n; i++) {
		if (search_is_body(&s->nodes[i]) && !s->nodes[i].answered)
			return 0;
	}
	return 1;
}
