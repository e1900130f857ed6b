/* src/core/xmalloc.h: allocation that never returns NULL. */
#ifndef POSTERN_CORE_XMALLOC_H
#define POSTERN_CORE_XMALLOC_H

#include <stddef.h>

/* Each exits the program with a message on exhaustion; none returns NULL. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Returns a newly allocated formatted string; the caller frees it. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
