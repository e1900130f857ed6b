/* src/core/sbuf.h: a growable byte buffer, always NUL-terminated. */
#ifndef POSTERN_CORE_SBUF_H
#define POSTERN_CORE_SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sbuf {
	char	*buf;		/* never NULL after sbuf_init; NUL at buf[len] */
	size_t	 len;
	size_t	 alloc;
};

#define SBUF_INIT { NULL, 0, 0 }

void	 sbuf_init(struct sbuf *);
/* Frees the storage; the sbuf may be used again after sbuf_init. */
void	 sbuf_release(struct sbuf *);
/* Empties the buffer but keeps the storage. */
void	 sbuf_reset(struct sbuf *);
/* Returns the string and leaves the sbuf empty; you now own the storage. */
char	*sbuf_detach(struct sbuf *, size_t *lenp);
void	 sbuf_grow(struct sbuf *, size_t extra);
void	 sbuf_add(struct sbuf *, const void *, size_t);
void	 sbuf_addstr(struct sbuf *, const char *);
void	 sbuf_addch(struct sbuf *, int);
void	 sbuf_addf(struct sbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 sbuf_vaddf(struct sbuf *, const char *, va_list);
/* Cuts the buffer to len bytes (len <= current length). */
void	 sbuf_setlen(struct sbuf *, size_t len);

#endif
