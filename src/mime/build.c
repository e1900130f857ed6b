/* src/mime/build.c: outgoing messages: headers, text, attachments. */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/i18n.h"
#include "core/xmalloc.h"
#include "mime/internal.h"
#include "mime/mime.h"

#define BUILD_MAX_LINE		998	/* RFC 5322 2.1.1, for 7bit */
#define BUILD_MAX_TOTAL		(64 * 1024 * 1024) /* the whole message */
#define BUILD_PARAM_LINE	60	/* RFC 2231 continuation piece */
#define BUILD_FLOWED_WIDTH	72	/* format=flowed lines, RFC 3676 4.2 */

/* File name extensions and their types; the rest is octet-stream. */
static const struct {
	const char	*ext;
	const char	*type;
} build_types[] = {
	{ "7z", "application/x-7z-compressed" },
	{ "bz2", "application/x-bzip2" },
	{ "c", "text/plain" },
	{ "csv", "text/csv" },
	{ "diff", "text/x-diff" },
	{ "doc", "application/msword" },
	{ "docx", "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document" },
	{ "eml", "message/rfc822" },
	{ "gif", "image/gif" },
	{ "gz", "application/gzip" },
	{ "h", "text/plain" },
	{ "htm", "text/html" },
	{ "html", "text/html" },
	{ "ics", "text/calendar" },
	{ "jpeg", "image/jpeg" },
	{ "jpg", "image/jpeg" },
	{ "json", "application/json" },
	{ "md", "text/markdown" },
	{ "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },
	{ "odp", "application/vnd.oasis.opendocument.presentation" },
	{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
	{ "odt", "application/vnd.oasis.opendocument.text" },
	{ "ogg", "audio/ogg" },
	{ "patch", "text/x-diff" },
	{ "pdf", "application/pdf" },
	{ "png", "image/png" },
	{ "ppt", "application/vnd.ms-powerpoint" },
	{ "pptx", "application/vnd.openxmlformats-officedocument."
	    "presentationml.presentation" },
	{ "svg", "image/svg+xml" },
	{ "tar", "application/x-tar" },
	{ "tgz", "application/gzip" },
	{ "tif", "image/tiff" },
	{ "tiff", "image/tiff" },
	{ "txt", "text/plain" },
	{ "vcf", "text/vcard" },
	{ "wav", "audio/wav" },
	{ "webp", "image/webp" },
	{ "xls", "application/vnd.ms-excel" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet" },
	{ "xml", "application/xml" },
	{ "xz", "application/x-xz" },
	{ "zip", "application/zip" },
};

static const char	*build_days[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char	*build_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec"
};

const char *
mime_type_for_name(const char *name)
{
	const char	*dot;
	size_t		 i;

	if ((dot = strrchr(name, '.')) == NULL || dot[1] == '\0')
		return "application/octet-stream";
	for (i = 0; i < sizeof build_types / sizeof build_types[0]; i++) {
		if (strcasecmp(dot + 1, build_types[i].ext) == 0)
			return build_types[i].type;
	}
	return "application/octet-stream";
}

/* n random bytes as hex into out (2n + 1 bytes). */
static void
build_random_hex(char *out, size_t n)
{
	unsigned char	 r[32];
	size_t		 i, got = 0;
	ssize_t		 k;

	if (n > sizeof r)
		n = sizeof r;
	while (got < n) {
		k = getrandom(r + got, n - got, 0);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			abort();	/* no entropy: never guess ids */
		got += (size_t)k;
	}
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

static void
build_date(struct sbuf *out, time_t t)
{
	struct tm	 tm;
	long		 off;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	sbuf_addf(out, "Date: %s, %d %s %d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    build_days[tm.tm_wday], tm.tm_mday, build_months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/* "<random@domain of from>": nothing about this host. */
static void
build_message_id(struct sbuf *out, const char *from)
{
	char		 hex[33], *dom = NULL;
	const char	*at;

	build_random_hex(hex, 16);
	at = strrchr(from, '@');
	/* An id is ASCII: an internationalized domain in its A-labels. */
	if (at != NULL && (dom = mime_idn_to_ascii(at + 1, NULL)) == NULL)
		at = NULL;
	sbuf_addf(out, "Message-ID: <%.16s.%s@%s>\r\n", hex, hex + 16,
	    dom != NULL ? dom : "postern.invalid");
	free(dom);
}

/* Parses one address field into l; what names the field in errors. */
static int
build_parse(const char *what, const char *s, struct mime_address_list *l,
    struct error *err)
{
	if (s == NULL || *s == '\0')
		return 0;
	if (mime_address_parse(s, l, err) == -1) {
		error_prefix(err, "%s: ", what);
		return -1;
	}
	return 0;
}

/* Adds the addresses of l to env, each once (case folded). */
static void
build_add_rcpts(struct mime_envelope *env, const struct mime_address_list *l)
{
	size_t	 i, j;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].addr == NULL)
			continue;
		for (j = 0; j < env->nrcpts; j++) {
			if (strcasecmp(env->rcpts[j], l->v[i].addr) == 0)
				break;
		}
		if (j < env->nrcpts)
			continue;
		env->rcpts = xreallocarray(env->rcpts, env->nrcpts + 1,
		    sizeof *env->rcpts);
		env->rcpts[env->nrcpts++] = xstrdup(l->v[i].addr);
	}
}

/* Whether text can go as 7bit: ASCII, no NUL or bare CR, short lines. */
static int
build_is_7bit(const char *s, size_t len)
{
	size_t	 i, col = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n') {
			col = 0;
			continue;
		}
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0' ||
		    (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')) ||
		    ++col > BUILD_MAX_LINE)
			return 0;
	}
	return 1;
}

/* Appends s with every line end made CRLF and a final line end. */
static void
build_crlf(const char *s, size_t len, struct sbuf *out)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			sbuf_addch(out, '\r');
		sbuf_addch(out, s[i]);
	}
	if (len > 0 && s[len - 1] != '\n')
		sbuf_addstr(out, "\r\n");
}

/*
 * Appends one line as format=flowed (RFC 3676 4.2): space-stuffed, and
 * when longer than BUILD_FLOWED_WIDTH broken after blanks, each piece
 * but the last ending in a blank (a soft line break).
 */
static void
build_flowed_line(const char *s, size_t len, struct sbuf *out)
{
	size_t	 cut, i;

	/* Trailing blanks would make a hard break soft; "-- " stays. */
	if (!(len == 3 && memcmp(s, "-- ", 3) == 0)) {
		while (len > 0 && s[len - 1] == ' ')
			len--;
	}
	for (;;) {
		/* A '>' starts a quote, which flowed text keeps as is. */
		if (len > 0 && (*s == ' ' ||
		    (len >= 5 && memcmp(s, "From ", 5) == 0)))
			sbuf_addch(out, ' ');
		if (len <= BUILD_FLOWED_WIDTH || *s == '>')
			break;
		cut = 0;
		for (i = 1; i < len && i <= BUILD_FLOWED_WIDTH; i++) {
			if (s[i - 1] == ' ' && s[i] != ' ')
				cut = i;
		}
		if (cut == 0)
			break;		/* one long word */
		sbuf_add(out, s, cut);
		sbuf_addch(out, '\n');
		s += cut;
		len -= cut;
	}
	sbuf_add(out, s, len);
	sbuf_addch(out, '\n');
}

static void
build_flowed(const char *s, size_t len, struct sbuf *out)
{
	const char	*end = s + len, *nl;
	size_t		 l;

	while (s < end) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		l = (size_t)(nl - s);
		if (l > 0 && s[l - 1] == '\r')
			l--;
		build_flowed_line(s, l, out);
		s = nl + 1;
	}
}

/* The text part's headers (after Content-Type's name) and body. */
static void
build_text(const struct mime_draft *d, struct sbuf *out)
{
	struct sbuf	 u, f;
	const char	*body = d->body != NULL ? d->body : "";
	size_t		 len = d->body != NULL ? d->body_len : 0;

	sbuf_init(&u);
	sbuf_init(&f);
	if (!mime_utf8_valid(body, len)) {
		mime_charset_to_utf8("windows-1252", body, len, &u);
		body = u.buf;
		len = u.len;
	}
	if (d->flowed) {
		build_flowed(body, len, &f);
		body = f.buf != NULL ? f.buf : "";
		len = f.len;
	}
	sbuf_addf(out, "Content-Type: text/plain; charset=utf-8%s\r\n",
	    d->flowed ? "; format=flowed" : "");
	if (build_is_7bit(body, len)) {
		sbuf_addstr(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		build_crlf(body, len, out);
	} else {
		sbuf_addstr(out, "Content-Transfer-Encoding: "
		    "quoted-printable\r\n\r\n");
		mime_qp_encode(body, len, out);
	}
	sbuf_release(&f);
	sbuf_release(&u);
}

/* RFC 2231 attribute-char: what a parameter value may carry as is. */
static int
build_attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL;
}

/*
 * Appends "; param=value" for a file name: a quoted string when it is
 * short printable ASCII, else RFC 2231 (UTF-8, percent-encoded, in
 * continuations that keep the lines short).
 */
static void
build_name_param(struct sbuf *out, const char *param, const char *name)
{
	const unsigned char	*p;
	size_t			 start, n = 0;
	int			 plain = strlen(name) <= BUILD_PARAM_LINE;

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			plain = 0;
	}
	if (plain) {
		sbuf_addf(out, ";\r\n\t%s=\"", param);
		for (p = (const unsigned char *)name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_addch(out, '\\');
			sbuf_addch(out, *p);
		}
		sbuf_addch(out, '"');
		return;
	}
	p = (const unsigned char *)name;
	while (*p != '\0') {
		sbuf_addf(out, ";\r\n\t%s*%zu*=%s", param, n,
		    n == 0 ? "UTF-8''" : "");
		start = out->len;
		for (; *p != '\0' && out->len - start < BUILD_PARAM_LINE;
		    p++) {
			if (build_attr_char(*p))
				sbuf_addch(out, *p);
			else
				sbuf_addf(out, "%%%02X", *p);
		}
		n++;
	}
}

/* The last part of a path; "attachment" when there is none. */
static const char *
build_basename(const char *path)
{
	const char	*b = strrchr(path, '/');

	b = b != NULL ? b + 1 : path;
	return *b != '\0' ? b : "attachment";
}

/* A message/ part as it is, CRLF lines: 7bit when ASCII, else 8bit. */
static void
build_message_part(const struct sbuf *data, struct sbuf *out)
{
	size_t	 i;
	int	 ascii = 1;

	for (i = 0; i < data->len; i++) {
		if ((unsigned char)data->buf[i] >= 0x80)
			ascii = 0;
	}
	sbuf_addf(out, "\r\nContent-Transfer-Encoding: %s\r\n\r\n",
	    ascii ? "7bit" : "8bit");
	build_crlf(data->buf, data->len, out);
}

static int
build_attachment(const struct mime_draft *d, size_t i, const char *boundary,
    struct sbuf *out, struct error *err)
{
	struct sbuf	 data;
	const char	*path = d->attachments[i], *name, *type = NULL;
	int		 ret = -1;

	name = build_basename(path);
	if (d->attachment_names != NULL && d->attachment_names[i] != NULL &&
	    *d->attachment_names[i] != '\0')
		name = d->attachment_names[i];
	if (d->attachment_types != NULL)
		type = d->attachment_types[i];
	if (type == NULL || *type == '\0' || strchr(type, '/') == NULL ||
	    strpbrk(type, "\r\n;\"") != NULL)
		type = mime_type_for_name(name);
	sbuf_init(&data);
	if (fs_read_file(path, MIME_MAX_ATTACHMENT, &data, err) == -1)
		goto out;
	sbuf_addf(out, "\r\n--%s\r\n", boundary);
	sbuf_addf(out, "Content-Type: %s", type);
	if (strncasecmp(type, "message/", 8) == 0) {
		sbuf_addstr(out, "\r\nContent-Disposition: inline");
		build_name_param(out, "filename", name);
		build_message_part(&data, out);
		ret = 0;
		goto out;
	}
	build_name_param(out, "name", name);
	sbuf_addstr(out, "\r\nContent-Disposition: attachment");
	build_name_param(out, "filename", name);
	sbuf_addstr(out, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	mime_b64_encode(data.buf, data.len, out);
	ret = 0;
out:
	sbuf_release(&data);
	return ret;
}

/* The headers every message has, in the usual order. */
static int
build_headers(const struct mime_draft *d, struct sbuf *out,
    struct mime_envelope *env, struct error *err)
{
	struct mime_address_list	 from = { NULL, 0 }, to = { NULL, 0 },
					 cc = { NULL, 0 }, bcc = { NULL, 0 },
					 rt = { NULL, 0 };
	int				 ret = -1;

	if (build_parse("From", d->from, &from, err) == -1 ||
	    build_parse("To", d->to, &to, err) == -1 ||
	    build_parse("Cc", d->cc, &cc, err) == -1 ||
	    build_parse("Bcc", d->bcc, &bcc, err) == -1 ||
	    build_parse("Reply-To", d->reply_to, &rt, err) == -1)
		goto out;
	if (from.n != 1 || from.v[0].addr == NULL || from.v[0].group != NULL) {
		error_set(err, ERROR_INPUT, _("From must be one address"));
		goto out;
	}
	build_date(out, d->date != 0 ? d->date : time(NULL));
	mime_header_addresses(out, "From", &from);
	if (to.n > 0)
		mime_header_addresses(out, "To", &to);
	if (cc.n > 0)
		mime_header_addresses(out, "Cc", &cc);
	if (bcc.n > 0 && d->keep_bcc)
		mime_header_addresses(out, "Bcc", &bcc);
	if (d->subject != NULL && *d->subject != '\0')
		mime_header_text(out, "Subject", d->subject);
	if (rt.n > 0)
		mime_header_addresses(out, "Reply-To", &rt);
	build_message_id(out, from.v[0].addr);
	if (d->in_reply_to != NULL)
		mime_header_ids(out, "In-Reply-To", d->in_reply_to);
	if (d->references != NULL)
		mime_header_ids(out, "References", d->references);
	sbuf_addf(out, "User-Agent: Postern/%s\r\nMIME-Version: 1.0\r\n",
	    PACKAGE_VERSION);
	env->from = xstrdup(from.v[0].addr);
	build_add_rcpts(env, &to);
	build_add_rcpts(env, &cc);
	build_add_rcpts(env, &bcc);
	ret = 0;
out:
	mime_address_list_release(&from);
	mime_address_list_release(&to);
	mime_address_list_release(&cc);
	mime_address_list_release(&bcc);
	mime_address_list_release(&rt);
	return ret;
}

int
mime_build(const struct mime_draft *d, struct sbuf *msg,
    struct mime_envelope *env, struct error *err)
{
	struct sbuf	 out;
	char		 boundary[64], hex[25];
	size_t		 i;
	int		 ret = -1;

	memset(env, 0, sizeof *env);
	if (d->body_len > MIME_MAX_BODY)
		return error_set(err, ERROR_INPUT, _("message text larger "
		    "than %d bytes"), MIME_MAX_BODY);
	if (d->nattachments > MIME_MAX_ATTACHMENTS)
		return error_set(err, ERROR_INPUT, _("more than %d "
		    "attachments"), MIME_MAX_ATTACHMENTS);
	sbuf_init(&out);
	if (build_headers(d, &out, env, err) == -1)
		goto out;
	if (d->nattachments == 0)
		build_text(d, &out);
	else {
		/* Random: a 7bit text holds it by chance only; QP never. */
		build_random_hex(hex, 12);
		snprintf(boundary, sizeof boundary, "=_postern_%s", hex);
		sbuf_addf(&out, "Content-Type: multipart/mixed;\r\n"
		    "\tboundary=\"%s\"\r\n\r\n"
		    "This is a message in MIME format.\r\n"
		    "\r\n--%s\r\n", boundary, boundary);
		build_text(d, &out);
		for (i = 0; i < d->nattachments; i++) {
			if (build_attachment(d, i, boundary, &out, err) == -1)
				goto out;
			if (out.len > BUILD_MAX_TOTAL) {
				error_set(err, ERROR_INPUT, _("message larger "
				    "than %d bytes"), BUILD_MAX_TOTAL);
				goto out;
			}
		}
		sbuf_addf(&out, "\r\n--%s--\r\n", boundary);
	}
	sbuf_add(msg, out.buf, out.len);
	ret = 0;
out:
	sbuf_release(&out);
	if (ret == -1)
		mime_envelope_release(env);
	return ret;
}

void
mime_envelope_release(struct mime_envelope *env)
{
	size_t	 i;

	free(env->from);
	for (i = 0; i < env->nrcpts; i++)
		free(env->rcpts[i]);
	free(env->rcpts);
	memset(env, 0, sizeof *env);
}
