/* src/core/error.c: what went wrong, for the top to show. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/sanitize.h"
#include "core/sbuf.h"

static void
error_store(struct error *err, const char *text)
{
	struct sbuf	 b;
	size_t		 n;

	sbuf_init(&b);
	sanitize_append(&b, text, strlen(text), 0);
	n = b.len;
	if (n >= sizeof err->msg) {
		/* Cut on a UTF-8 boundary. */
		n = sizeof err->msg - 1;
		while (n > 0 && ((unsigned char)b.buf[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(err->msg, b.buf, n);
	err->msg[n] = '\0';
	sbuf_release(&b);
}

static int
error_vset(struct error *err, enum error_kind kind, int with_errno,
    const char *fmt, va_list ap)
{
	struct sbuf	 b;
	int		 saved = errno;

	if (err == NULL)
		return -1;
	sbuf_init(&b);
	sbuf_vaddf(&b, fmt, ap);
	if (with_errno)
		sbuf_addf(&b, ": %s", strerror(saved));
	err->kind = kind;
	err->sys_errno = with_errno ? saved : 0;
	error_store(err, b.buf);
	sbuf_release(&b);
	errno = saved;
	return -1;
}

int
error_set(struct error *err, enum error_kind kind, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	error_vset(err, kind, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
error_set_errno(struct error *err, enum error_kind kind, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	error_vset(err, kind, 1, fmt, ap);
	va_end(ap);
	return -1;
}

void
error_prefix(struct error *err, const char *fmt, ...)
{
	struct sbuf	 b;
	va_list		 ap;

	if (err == NULL)
		return;
	sbuf_init(&b);
	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	sbuf_addf(&b, ": %s", err->msg);
	error_store(err, b.buf);
	sbuf_release(&b);
}

void
error_clear(struct error *err)
{
	if (err == NULL)
		return;
	err->kind = ERROR_NONE;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

const char *
error_kind_name(enum error_kind kind)
{
	static const char *const names[] = {
		[ERROR_NONE] = "none", [ERROR_INPUT] = "input",
		[ERROR_NET] = "net", [ERROR_TLS] = "tls",
		[ERROR_AUTH] = "auth", [ERROR_SERVER] = "server",
		[ERROR_PROTO] = "proto", [ERROR_SYS] = "sys",
		[ERROR_CANCELLED] = "cancelled",
	};

	if ((unsigned)kind >= sizeof names / sizeof names[0])
		return "?";
	return names[kind];
}
