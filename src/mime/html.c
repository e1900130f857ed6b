/* src/mime/html.c: HTML mail reduced to plain text for the pager. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sanitize.h"
#include "core/sbuf.h"
#include "mime/internal.h"
#include "mime/mime.h"

#define HTML_MAX_TAG_NAME	16	/* longer names are no tag we know */
#define HTML_MAX_ENTITY		32

/* What a tag does to the text around it. */
enum html_tag_kind {
	HTML_TAG_BREAK,		/* <br>: always a new line */
	HTML_TAG_BLOCK,		/* <p>, <div>...: starts its own line */
	HTML_TAG_SKIP,		/* <script>, <style>: content dropped */
	HTML_TAG_PRE,		/* <pre>: blanks kept */
};

static const struct html_tag {
	const char		*name;
	enum html_tag_kind	 kind;
} html_tags[] = {
	{ "br", HTML_TAG_BREAK },
	{ "p", HTML_TAG_BLOCK },
	{ "div", HTML_TAG_BLOCK },
	{ "li", HTML_TAG_BLOCK },
	{ "ul", HTML_TAG_BLOCK },
	{ "ol", HTML_TAG_BLOCK },
	{ "tr", HTML_TAG_BLOCK },
	{ "table", HTML_TAG_BLOCK },
	{ "blockquote", HTML_TAG_BLOCK },
	{ "h1", HTML_TAG_BLOCK },
	{ "h2", HTML_TAG_BLOCK },
	{ "h3", HTML_TAG_BLOCK },
	{ "h4", HTML_TAG_BLOCK },
	{ "h5", HTML_TAG_BLOCK },
	{ "h6", HTML_TAG_BLOCK },
	{ "hr", HTML_TAG_BLOCK },
	{ "dt", HTML_TAG_BLOCK },
	{ "dd", HTML_TAG_BLOCK },
	{ "title", HTML_TAG_SKIP },
	{ "script", HTML_TAG_SKIP },
	{ "style", HTML_TAG_SKIP },
	{ "head", HTML_TAG_SKIP },
	{ "pre", HTML_TAG_PRE },
};

/* The named entities mail uses most; the rest is left as written. */
static const struct html_entity {
	const char	*name;
	uint32_t	 cp;
} html_entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "copy", 0xa9 },
	{ "reg", 0xae }, { "trade", 0x2122 }, { "hellip", 0x2026 },
	{ "mdash", 0x2014 }, { "ndash", 0x2013 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
	{ "laquo", 0xab }, { "raquo", 0xbb }, { "bull", 0x2022 },
	{ "middot", 0xb7 }, { "euro", 0x20ac }, { "pound", 0xa3 },
	{ "yen", 0xa5 }, { "cent", 0xa2 }, { "deg", 0xb0 },
	{ "times", 0xd7 }, { "shy", 0xad }, { "zwnj", 0x200c },
	{ "zwj", 0x200d }, { "auml", 0xe4 }, { "ouml", 0xf6 },
	{ "uuml", 0xfc }, { "Auml", 0xc4 }, { "Ouml", 0xd6 },
	{ "Uuml", 0xdc }, { "szlig", 0xdf }, { "eacute", 0xe9 },
	{ "egrave", 0xe8 }, { "agrave", 0xe0 }, { "ccedil", 0xe7 },
};

struct html {
	struct sbuf	*out;
	size_t		 start;		/* where our text starts in out */
	int		 pre;		/* inside <pre> */
	int		 space;		/* a blank is pending */
};

static int
html_at_line_start(const struct html *h)
{
	return h->out->len == h->start || h->out->buf[h->out->len - 1] == '\n';
}

static void
html_newline(struct html *h, int force)
{
	h->space = 0;
	if (force || !html_at_line_start(h))
		sbuf_addch(h->out, '\n');
}

/* Appends text, collapsing blanks and line ends as a browser does. */
static void
html_text(struct html *h, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (h->pre) {
			if (s[i] != '\r')
				sbuf_addch(h->out, s[i]);
			continue;
		}
		if (MIME_ISSPACE((unsigned char)s[i])) {
			h->space = 1;
			continue;
		}
		if (h->space && !html_at_line_start(h))
			sbuf_addch(h->out, ' ');
		h->space = 0;
		sbuf_addch(h->out, s[i]);
	}
}

static void
html_codepoint(struct html *h, uint32_t cp)
{
	char	 buf[4];

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp == ' ' || cp == '\n' || cp == '\t') {
		html_text(h, " ", 1);
		return;
	}
	html_text(h, buf, utf8_encode(cp, buf));
}

/* Decodes the entity at s ('&'); returns the bytes used, 0 if none. */
static size_t
html_entity(struct html *h, const char *s, size_t len)
{
	char		 name[HTML_MAX_ENTITY];
	unsigned long	 cp = 0;
	size_t		 i, n;
	int		 hex, digits = 0;

	if (len > 1 && s[1] == '#') {
		hex = len > 2 && (s[2] == 'x' || s[2] == 'X');
		for (i = hex ? 3 : 2; i < len; i++, digits++) {
			if (hex && isxdigit((unsigned char)s[i]))
				cp = cp * 16 + (isdigit((unsigned char)s[i]) ?
				    s[i] - '0' : tolower((unsigned char)s[i]) -
				    'a' + 10);
			else if (!hex && isdigit((unsigned char)s[i]))
				cp = cp * 10 + (s[i] - '0');
			else
				break;
			if (cp > 0x10ffff)
				cp = 0x110000;	/* too big; no overflow */
		}
		if (digits == 0)
			return 0;
		if (i < len && s[i] == ';')
			i++;
		html_codepoint(h, cp > 0x10ffff ? 0xfffd : (uint32_t)cp);
		return i;
	}
	for (n = 0; n + 1 < len && n < sizeof name - 1 &&
	    isalnum((unsigned char)s[n + 1]); n++)
		name[n] = s[n + 1];
	name[n] = '\0';
	if (n == 0 || n + 1 >= len || s[n + 1] != ';')
		return 0;
	for (i = 0; i < sizeof html_entities / sizeof html_entities[0]; i++) {
		if (strcmp(html_entities[i].name, name) == 0) {
			html_codepoint(h, html_entities[i].cp);
			return n + 2;
		}
	}
	return 0;
}

static const struct html_tag *
html_tag_lookup(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof html_tags / sizeof html_tags[0]; i++) {
		if (strcasecmp(html_tags[i].name, name) == 0)
			return &html_tags[i];
	}
	return NULL;
}

/* Returns where the tag starting at s ('<') ends, after its '>'. */
static size_t
html_tag_end(const char *s, size_t len)
{
	size_t	 i;
	char	 quote = 0;

	if (len >= 4 && memcmp(s, "<!--", 4) == 0) {
		for (i = 4; i + 2 < len; i++) {
			if (memcmp(s + i, "-->", 3) == 0)
				return i + 3;
		}
		return len;
	}
	for (i = 1; i < len; i++) {
		if (quote != 0) {
			if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'')
			quote = s[i];
		else if (s[i] == '>')
			return i + 1;
	}
	return len;
}

/* Skips to after "</name ...>" (any case); the end of s if missing. */
static size_t
html_skip_element(const char *s, size_t len, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i + 2 + n <= len; i++) {
		if (s[i] == '<' && s[i + 1] == '/' &&
		    strncasecmp(s + i + 2, name, n) == 0 &&
		    (i + 2 + n == len || !isalnum((unsigned char)s[i + 2 + n])))
			return i + html_tag_end(s + i, len - i);
	}
	return len;
}

/* Handles the tag at s; returns the bytes used. */
static size_t
html_tag(struct html *h, const char *s, size_t len)
{
	const struct html_tag	*t;
	char			 name[HTML_MAX_TAG_NAME];
	size_t			 i, n, end;
	int			 closing;

	end = html_tag_end(s, len);
	closing = len > 1 && s[1] == '/';
	i = closing ? 2 : 1;
	for (n = 0; i < end && n < sizeof name - 1 &&
	    isalnum((unsigned char)s[i]); i++, n++)
		name[n] = s[i];
	name[n] = '\0';
	if (n == 0 || (t = html_tag_lookup(name)) == NULL)
		return end;
	switch (t->kind) {
	case HTML_TAG_BREAK:
		html_newline(h, 1);
		break;
	case HTML_TAG_BLOCK:
		html_newline(h, 0);
		break;
	case HTML_TAG_PRE:
		html_newline(h, 0);
		h->pre = !closing;
		break;
	case HTML_TAG_SKIP:
		if (!closing && s[end - 1] == '>' && s[end - 2] != '/')
			end += html_skip_element(s + end, len - end, t->name);
		break;
	}
	return end;
}

/* Drops blank lines at both ends and keeps at most one in a row. */
static void
html_tidy(struct sbuf *out, size_t start)
{
	size_t	 i, j, nl;
	char	*s = out->buf;

	for (i = j = start, nl = 2; i < out->len; i++) {
		if (s[i] == '\n') {
			if (++nl > 2)
				continue;
		} else
			nl = 0;
		s[j++] = s[i];
	}
	while (j > start && s[j - 1] == '\n')
		j--;
	sbuf_setlen(out, j);
	if (j > start)
		sbuf_addch(out, '\n');
}

void
mime_html_to_text(const char *s, size_t len, struct sbuf *out)
{
	struct html	 h;
	size_t		 i, n;

	memset(&h, 0, sizeof h);
	h.out = out;
	h.start = out->len;
	for (i = 0; i < len; i += n) {
		if (s[i] == '<' && i + 1 < len &&
		    (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/' ||
		    s[i + 1] == '!' || s[i + 1] == '?'))
			n = html_tag(&h, s + i, len - i);
		else if (s[i] == '&' && (n = html_entity(&h, s + i,
		    len - i)) != 0)
			;
		else {
			for (n = 1; i + n < len && s[i + n] != '<' &&
			    s[i + n] != '&'; n++)
				;
			html_text(&h, s + i, n);
		}
	}
	html_tidy(out, h.start);
}
