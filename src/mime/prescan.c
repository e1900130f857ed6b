/* src/mime/prescan.c: making a message safe for libetpan's parser. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/internal.h"
#include "mime/mime.h"

/*
 * libetpan's mailmime_parse() recurses once or twice per nested part and
 * once per nested comment "(((...)))" in a header, with no limit: 100,000
 * nested multiparts or a million '(' crash it on an 8 MB stack. And
 * mailmime_extract_boundary() writes out of bounds when a boundary value
 * is a lone '"' (boundary="\""). None of this can be caught afterwards,
 * so we hand libetpan a copy of the message in which these cannot happen.
 * The copy keeps every offset (bytes are only replaced), so the
 * renderer can read the original bytes where libetpan points into the
 * copy.
 *
 * 1. Comments: in each header-like line (a line and the lines folded
 *    under it), a '(' deeper than PRESCAN_MAX_COMMENT depth becomes '['.
 *    We count every '(' and only unescaped ')', so our count is never
 *    below libetpan's.
 * 2. Content-Type fields: every nested multipart or message needs its
 *    own Content-Type field (a digest's parts default to message/rfc822,
 *    hence two levels per field). The Content-Type fields after the first
 *    MIME_MAX_PARTS are disabled (renamed "Xontent-Type": the part becomes
 *    text/plain), which bounds libetpan's recursion whatever the
 *    structure: at most 2 * MIME_MAX_PARTS + 2 levels, some 150 bytes of
 *    stack each.
 * 3. Depth: we follow the nesting as libetpan will (a stack of open
 *    multiparts, left when a parent's delimiter line comes) and disable
 *    the Content-Type of a part nested deeper than PRESCAN_MAX_DEPTH. The
 *    renderer stops at MIME_MAX_DEPTH anyway; this keeps the parse fast,
 *    since libetpan scans a part's bytes once per level around it.
 * 4. Quotes: in Content-Type fields, backslashes become '_' and encoded
 *    words lose their "=?" (libetpan decodes RFC 2047 there before it
 *    parses), so no boundary can be a lone '"'. The renderer reads names
 *    and charsets from the original bytes, so nothing is lost.
 * 5. Parts: libetpan keeps some 400 bytes per part, and a 7 MB message of
 *    empty parts has 700,000 of them. Each part starts at a line that
 *    begins with "--", so once a multipart has been declared, such lines
 *    after the first PRESCAN_MAX_DELIMITERS become "_-" (whatever the
 *    boundary: libetpan's reading of it is not ours to guess). The parts
 *    after that are not listed anyway (MIME_MAX_PARTS).
 */
#define PRESCAN_MAX_COMMENT	100
#define PRESCAN_MAX_DEPTH	(2 * MIME_MAX_DEPTH + 8)
#define PRESCAN_MAX_BOUNDARY	200	/* RFC 2046 says 70 */
#define PRESCAN_MAX_DELIMITERS	(4 * MIME_MAX_PARTS)

#define PRESCAN_CT		"content-type"
#define PRESCAN_CT_LEN		(sizeof PRESCAN_CT - 1)

/* An open multipart (or message) around the current line. */
struct prescan_level {
	char	*boundary;	/* NULL: ends only with a parent */
	int	 weight;	/* levels of recursion it may cost */
};

struct prescan {
	char			*buf;		/* the copy */
	size_t			 len;
	struct prescan_level	 stack[PRESCAN_MAX_DEPTH];
	size_t			 n;
	int			 depth;		/* sum of weights */
	size_t			 ctypes;	/* Content-Types seen */
	size_t			 dashes;	/* "--" lines after one */
	int			 multipart;	/* a multipart was seen */
	int			 disabled;	/* some of them */
};

static int
prescan_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Step 1: comment depth per unfolded line. */
static void
prescan_comments(struct prescan *ps)
{
	char	*s = ps->buf;
	size_t	 i;
	int	 depth = 0;

	for (i = 0; i < ps->len; i++) {
		switch (s[i]) {
		case '\n':
			if (i + 1 < ps->len && prescan_blank(s[i + 1]))
				break;
			depth = 0;
			break;
		case '\\':
			/* A quoted pair; an escaped '(' still counts. */
			if (i + 1 < ps->len && s[++i] != '(')
				break;
			/* FALLTHROUGH */
		case '(':
			if (depth >= PRESCAN_MAX_COMMENT)
				s[i] = '[';
			else
				depth++;
			break;
		case ')':
			if (depth > 0)
				depth--;
			break;
		}
	}
}

static void
prescan_pop_to(struct prescan *ps, size_t n)
{
	while (ps->n > n) {
		ps->n--;
		ps->depth -= ps->stack[ps->n].weight;
		free(ps->stack[ps->n].boundary);
	}
}

/*
 * A delimiter line "--boundary" + blanks + line end ends the part of that
 * multipart, and so every part opened inside it (libetpan compares the
 * boundary as a prefix and then wants only blanks before the line end).
 * A close delimiter "--boundary--" is not used: libetpan looks for a
 * further delimiter first.
 */
static void
prescan_delimiter(struct prescan *ps, const char *line, size_t len)
{
	size_t	 k, n, i;

	for (k = ps->n; k > 0; k--) {
		if (ps->stack[k - 1].boundary == NULL)
			continue;
		n = strlen(ps->stack[k - 1].boundary);
		if (len < 2 + n || memcmp(line + 2, ps->stack[k - 1].boundary,
		    n) != 0)
			continue;
		for (i = 2 + n; i < len && prescan_blank(line[i]); i++)
			;
		if (i < len && line[i] == '\r')
			i++;
		if (i < len && line[i] == '\n') {
			prescan_pop_to(ps, k);
			return;
		}
	}
}

/* Step 4: no encoded words, no quoted pairs in a Content-Type field. */
static void
prescan_defuse(struct prescan *ps, size_t start, size_t end)
{
	char	*s = ps->buf;
	size_t	 i, j;

	for (i = start; i < end; i++) {
		if (s[i] == '\\')
			s[i] = '_';
		if (s[i] != '=' || i + 1 >= end || s[i + 1] != '?')
			continue;
		for (j = i + 2; j + 1 < end; j++) {
			if (s[j] == '?' && s[j + 1] == '=')
				break;
		}
		if (j + 1 < end)
			s[i + 1] = '_';
	}
}

/* The boundary as libetpan will use it, or NULL if we cannot be sure. */
static char *
prescan_boundary(const struct mime_params *p)
{
	const struct mime_param	*b;
	size_t			 i;

	if ((b = mime_params_get(p, "boundary")) == NULL ||
	    b->value_len == 0 || b->value_len > PRESCAN_MAX_BOUNDARY)
		return NULL;
	for (i = 0; i < b->value_len; i++) {
		if (b->value[i] <= ' ' || b->value[i] >= 0x7f)
			return NULL;
	}
	return xstrdup(b->value);
}

/* Steps 2 and 3 for the Content-Type field at start..end. */
static void
prescan_content_type(struct prescan *ps, size_t start, size_t end)
{
	struct mime_params	 p;
	const char		*v;
	size_t			 i;
	int			 weight;
	char			*boundary = NULL;

	prescan_defuse(ps, start, end);
	for (i = start + PRESCAN_CT_LEN; i < end && ps->buf[i] != ':'; i++)
		;
	mime_params_parse(ps->buf + i + (i < end), end - i - (i < end), 1,
	    &p);
	v = p.value;
	if (strncmp(v, "multipart", 9) == 0) {
		weight = 2;
		boundary = prescan_boundary(&p);
	} else if (strncmp(v, "message", 7) == 0)
		weight = 1;
	else if ((*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9'))
		weight = 0;		/* a discrete type: a leaf */
	else
		weight = 2;		/* cannot tell: assume the worst */
	mime_params_release(&p);

	if (++ps->ctypes > MIME_MAX_PARTS ||
	    ps->depth + weight > PRESCAN_MAX_DEPTH) {
		ps->buf[start] = 'X';
		ps->disabled = 1;
		free(boundary);
		return;
	}
	if (weight == 0)
		return;
	ps->multipart = ps->multipart || weight == 2;
	ps->stack[ps->n].boundary = boundary;
	ps->stack[ps->n].weight = weight;
	ps->n++;
	ps->depth += weight;
}

/* Where the field starting on the line at start ends (folded lines). */
static size_t
prescan_field_end(const struct prescan *ps, size_t start)
{
	const char	*nl;
	size_t		 i = start;

	while ((nl = memchr(ps->buf + i, '\n', ps->len - i)) != NULL) {
		i = nl - ps->buf + 1;
		if (i >= ps->len || !prescan_blank(ps->buf[i]))
			return i;
	}
	return ps->len;
}

int
mime_prescan(const char *msg, size_t len, struct sbuf *out)
{
	struct prescan	 ps;
	const char	*nl;
	size_t		 i, j, next;

	memset(&ps, 0, sizeof ps);
	sbuf_add(out, msg, len);
	ps.buf = out->buf + out->len - len;
	ps.len = len;
	prescan_comments(&ps);

	/* The top level is a message holding a part: two levels. */
	ps.depth = 2;
	for (i = 0; i < len; i = next) {
		nl = memchr(ps.buf + i, '\n', len - i);
		next = nl == NULL ? len : (size_t)(nl - ps.buf) + 1;
		if (next - i >= 2 && ps.buf[i] == '-' && ps.buf[i + 1] == '-' &&
		    ps.multipart && ++ps.dashes > PRESCAN_MAX_DELIMITERS) {
			ps.buf[i] = '_';	/* step 5 */
			ps.disabled = 1;
		} else if (next - i >= 2 && ps.buf[i] == '-' &&
		    ps.buf[i + 1] == '-')
			prescan_delimiter(&ps, ps.buf + i, next - i);
		for (j = i; j < next && prescan_blank(ps.buf[j]); j++)
			;
		if (next - j > PRESCAN_CT_LEN &&
		    strncasecmp(ps.buf + j, PRESCAN_CT, PRESCAN_CT_LEN) == 0)
			prescan_content_type(&ps, j, prescan_field_end(&ps, j));
	}
	prescan_pop_to(&ps, 0);
	return ps.disabled;
}
