/* src/store/headers.c: the summary fields of a message, from its headers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "mime/mime.h"
#include "store/store.h"

#define STORE_MAX_HEADERS	(256 * 1024)	/* bytes of header we read */
#define STORE_MAX_FIELD		(16 * 1024)	/* bytes of one value we keep */

enum store_field {
	FIELD_FROM,
	FIELD_SUBJECT,
	FIELD_DATE,
	FIELD_MESSAGE_ID,
	FIELD_IN_REPLY_TO,
	FIELD_REFERENCES,
	FIELD_CONTENT_TYPE,
	FIELD_COUNT,
};

static const char *const store_field_names[FIELD_COUNT] = {
	"From", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
	"Content-Type",
};

/* Top-level types of a message that is one file. */
static const char *const store_file_types[] = {
	"application/", "image/", "audio/", "video/", "model/",
};

/* The content bits (STORE_CONTENT_*) a top Content-Type value gives. */
static uint32_t
store_content_flags(const char *v)
{
	char	 type[64];
	size_t	 n = 0, i, k;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v != '\0' && strchr(" \t;(", *v) == NULL &&
	    n + 1 < sizeof type; v++)
		type[n++] = *v >= 'A' && *v <= 'Z' ? *v - 'A' + 'a' : *v;
	type[n] = '\0';
	if (strcmp(type, "multipart/encrypted") == 0 ||
	    strcmp(type, "application/pkcs7-mime") == 0 ||
	    strcmp(type, "application/x-pkcs7-mime") == 0)
		return STORE_CONTENT_ENCRYPTED;
	if (strcmp(type, "multipart/signed") == 0)
		return STORE_CONTENT_SIGNED;
	if (strcmp(type, "multipart/mixed") == 0)
		return STORE_CONTENT_ATTACHMENT;
	for (i = 0; i < sizeof store_file_types / sizeof store_file_types[0];
	    i++) {
		k = strlen(store_file_types[i]);
		if (strncmp(type, store_file_types[i], k) == 0 &&
		    type[k] != '\0')
			return STORE_CONTENT_ATTACHMENT;
	}
	return 0;
}

/* The length of the line at p (without its end), *nextp after it. */
static size_t
store_line(const char *p, const char *end, const char **nextp)
{
	const char	*nl;
	size_t		 len;

	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
		*nextp = end;
		return (size_t)(end - p);
	}
	*nextp = nl + 1;
	len = (size_t)(nl - p);
	if (len > 0 && p[len - 1] == '\r')
		len--;
	return len;
}

/* Collects the raw (unfolded) values of the fields we want. */
static void
store_collect(const char *msg, size_t len, struct sbuf *vals)
{
	const char	*p = msg, *end, *next, *colon;
	size_t		 n, i;
	int		 cur = -1;

	end = msg + (len > STORE_MAX_HEADERS ? STORE_MAX_HEADERS : len);
	while (p < end) {
		n = store_line(p, end, &next);
		if (n == 0)
			break;		/* the blank line ends the header */
		if (*p == ' ' || *p == '\t') {
			if (cur >= 0 && vals[cur].len < STORE_MAX_FIELD)
				sbuf_add(&vals[cur], p, n);
			p = next;
			continue;
		}
		cur = -1;
		if ((colon = memchr(p, ':', n)) != NULL) {
			for (i = 0; i < FIELD_COUNT; i++) {
				if ((size_t)(colon - p) ==
				    strlen(store_field_names[i]) &&
				    strncasecmp(p, store_field_names[i],
				    (size_t)(colon - p)) == 0 &&
				    vals[i].len == 0) {
					cur = (int)i;
					sbuf_add(&vals[i], colon + 1,
					    n - (size_t)(colon + 1 - p));
				}
			}
		}
		p = next;
	}
}

static char *
store_trimmed(const struct sbuf *v)
{
	size_t	 a = 0, b = v->len;

	while (a < b && (v->buf[a] == ' ' || v->buf[a] == '\t'))
		a++;
	while (b > a && (v->buf[b - 1] == ' ' || v->buf[b - 1] == '\t'))
		b--;
	if (a == b)
		return NULL;
	return xstrndup(v->buf + a, b - a);
}

/* "Name <a@b>" gives Name, "a@b" or "<a@b>" the address. */
static char *
store_from_display(const char *raw)
{
	const char	*lt, *gt;
	char		*name, *dec;
	size_t		 len;

	if ((lt = strchr(raw, '<')) != NULL && lt > raw) {
		len = (size_t)(lt - raw);
		while (len > 0 && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
			len--;
		if (len >= 2 && raw[0] == '"' && raw[len - 1] == '"') {
			raw++;
			len -= 2;
		}
		if (len > 0) {
			name = xstrndup(raw, len);
			dec = mime_decode_header(name, len);
			free(name);
			return dec;
		}
	}
	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		return xstrndup(lt + 1, (size_t)(gt - lt - 1));
	return mime_decode_header(raw, strlen(raw));
}

static int64_t
store_parse_date(const char *raw)
{
	struct mailimf_date_time	*dt = NULL;
	struct tm			 tm;
	size_t				 idx = 0;
	int64_t				 t, zone;

	if (mailimf_date_time_parse(raw, strlen(raw), &idx, &dt) !=
	    MAILIMF_NO_ERROR || dt == NULL)
		return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	/* dt_zone is +-hhmm as a number. */
	zone = (dt->dt_zone / 100) * 3600 + (dt->dt_zone % 100) * 60;
	mailimf_date_time_free(dt);
	if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return 0;
	t = (int64_t)timegm(&tm);
	return t == -1 ? 0 : t - zone;
}

void
store_parse_headers(const char *msg, size_t len, struct store_msg *m)
{
	struct sbuf	 vals[FIELD_COUNT];
	char		*raw;
	size_t		 i;

	for (i = 0; i < FIELD_COUNT; i++)
		sbuf_init(&vals[i]);
	store_collect(msg, len, vals);
	if ((raw = store_trimmed(&vals[FIELD_FROM])) != NULL) {
		m->from = store_from_display(raw);
		free(raw);
	}
	if ((raw = store_trimmed(&vals[FIELD_SUBJECT])) != NULL) {
		m->subject = mime_decode_header(raw, strlen(raw));
		free(raw);
	}
	if ((raw = store_trimmed(&vals[FIELD_DATE])) != NULL) {
		m->date = store_parse_date(raw);
		free(raw);
	}
	m->message_id = store_trimmed(&vals[FIELD_MESSAGE_ID]);
	m->in_reply_to = store_trimmed(&vals[FIELD_IN_REPLY_TO]);
	m->references = store_trimmed(&vals[FIELD_REFERENCES]);
	if ((raw = store_trimmed(&vals[FIELD_CONTENT_TYPE])) != NULL) {
		m->flags |= store_content_flags(raw);
		free(raw);
	}
	for (i = 0; i < FIELD_COUNT; i++)
		sbuf_release(&vals[i]);
}
