/* src/core/sbuf.c: a growable byte buffer, always NUL-terminated. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "core/xmalloc.h"

static char	sbuf_empty[1];

void
sbuf_init(struct sbuf *b)
{
	b->buf = sbuf_empty;
	b->len = 0;
	b->alloc = 0;
}

void
sbuf_release(struct sbuf *b)
{
	if (b->alloc != 0)
		free(b->buf);
	sbuf_init(b);
}

void
sbuf_reset(struct sbuf *b)
{
	if (b->buf == NULL)
		sbuf_init(b);
	b->len = 0;
	if (b->alloc != 0)
		b->buf[0] = '\0';
}

char *
sbuf_detach(struct sbuf *b, size_t *lenp)
{
	char	*s;

	if (b->alloc == 0)
		sbuf_grow(b, 0);
	s = b->buf;
	if (lenp != NULL)
		*lenp = b->len;
	sbuf_init(b);
	return s;
}

void
sbuf_grow(struct sbuf *b, size_t extra)
{
	size_t	 want;

	if (b->buf == NULL)
		sbuf_init(b);
	if (extra > (size_t)-1 / 2 - b->len)
		want = (size_t)-1;	/* xreallocarray dies on this */
	else
		want = b->len + extra + 1;
	if (want <= b->alloc)
		return;
	if (want < b->alloc * 2)
		want = b->alloc * 2;
	if (want < 64)
		want = 64;
	if (b->alloc == 0) {
		b->buf = xmalloc(want);
		b->buf[0] = '\0';
	} else
		b->buf = xreallocarray(b->buf, want, 1);
	b->alloc = want;
}

void
sbuf_add(struct sbuf *b, const void *data, size_t len)
{
	sbuf_grow(b, len);
	if (len != 0)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void
sbuf_addstr(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_addch(struct sbuf *b, int c)
{
	sbuf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void
sbuf_vaddf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sbuf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	sbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
sbuf_setlen(struct sbuf *b, size_t len)
{
	if (len > b->len)
		return;
	b->len = len;
	if (b->alloc != 0)
		b->buf[len] = '\0';
}
