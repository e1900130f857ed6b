/*
 * src/mime/idn.c: internationalized domain names for servers without
 * SMTPUTF8: Punycode (RFC 3492) and the "xn--" labels of IDNA (RFC
 * 5890). Labels are taken as typed: no Unicode case mapping or
 * normalisation (UTS 46) is done, so a domain should be typed in lower
 * case, as it is registered.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "mime/mime.h"

/* RFC 3492 section 5: the parameters for IDNA. */
#define PUNY_BASE		36
#define PUNY_TMIN		1
#define PUNY_TMAX		26
#define PUNY_SKEW		38
#define PUNY_DAMP		700
#define PUNY_INITIAL_BIAS	72
#define PUNY_INITIAL_N		0x80

#define IDN_MAX_LABEL		63	/* RFC 1035 2.3.4 */
#define IDN_MAX_DOMAIN		253
#define IDN_MAX_CODEPOINTS	256	/* in one label, before encoding */

/* RFC 3492 6.1: the bias after a code point. */
static uint32_t
puny_adapt(uint32_t delta, uint32_t npoints, int first)
{
	uint32_t	 k = 0;

	delta = first ? delta / PUNY_DAMP : delta / 2;
	delta += delta / npoints;
	while (delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2) {
		delta /= PUNY_BASE - PUNY_TMIN;
		k += PUNY_BASE;
	}
	return k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW);
}

static char
puny_digit(uint32_t d)
{
	return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

/* Appends delta as a generalized variable-length integer (RFC 3492 3.3). */
static void
puny_put_delta(uint32_t q, uint32_t bias, struct sbuf *out)
{
	uint32_t	 k, t;

	for (k = PUNY_BASE;; k += PUNY_BASE) {
		if (k <= bias)
			t = PUNY_TMIN;
		else if (k >= bias + PUNY_TMAX)
			t = PUNY_TMAX;
		else
			t = k - bias;
		if (q < t)
			break;
		sbuf_addch(out, puny_digit(t + (q - t) % (PUNY_BASE - t)));
		q = (q - t) / (PUNY_BASE - t);
	}
	sbuf_addch(out, puny_digit(q));
}

int
mime_punycode_encode(const uint32_t *cp, size_t n, struct sbuf *out)
{
	uint32_t	 code = PUNY_INITIAL_N, delta = 0, bias = PUNY_INITIAL_BIAS;
	uint32_t	 m, h, b;
	size_t		 i;

	if (n > UINT32_MAX / 2)
		return -1;
	for (i = 0, b = 0; i < n; i++) {
		if (cp[i] < 0x80) {
			sbuf_addch(out, (char)cp[i]);
			b++;
		} else if (cp[i] > 0x10ffff)
			return -1;
	}
	if (b > 0)
		sbuf_addch(out, '-');
	for (h = b; h < n; code++, delta++) {
		/* The smallest code point not yet handled. */
		for (m = UINT32_MAX, i = 0; i < n; i++) {
			if (cp[i] >= code && cp[i] < m)
				m = cp[i];
		}
		if (m - code > (UINT32_MAX - delta) / (h + 1))
			return -1;	/* overflow (RFC 3492 6.4) */
		delta += (m - code) * (h + 1);
		code = m;
		for (i = 0; i < n; i++) {
			if (cp[i] < code && ++delta == 0)
				return -1;
			if (cp[i] != code)
				continue;
			puny_put_delta(delta, bias, out);
			bias = puny_adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
	}
	return 0;
}

/* Appends one label (len bytes of UTF-8) in ASCII to out. */
static int
idn_label(const char *s, size_t len, struct sbuf *out, struct error *err)
{
	uint32_t	 cp[IDN_MAX_CODEPOINTS];
	size_t		 n = 0, i, k, start = out->len;
	int		 ascii = 1;

	if (len == 0)
		return error_set(err, ERROR_INPUT, _("empty label in domain"));
	for (i = 0; i < len; i += k) {
		if (n == IDN_MAX_CODEPOINTS)
			return error_set(err, ERROR_INPUT, _("domain label "
			    "too long"));
		if ((k = utf8_decode(s + i, len - i, &cp[n])) == 0)
			return error_set(err, ERROR_INPUT, _("domain is not "
			    "valid UTF-8"));
		if (cp[n] >= 0x80)
			ascii = 0;
		else if (cp[n] >= 'A' && cp[n] <= 'Z')
			cp[n] += 'a' - 'A';
		n++;
	}
	if (ascii) {
		sbuf_add(out, s, len);
	} else {
		sbuf_addstr(out, "xn--");
		if (mime_punycode_encode(cp, n, out) == -1)
			return error_set(err, ERROR_INPUT, _("domain label "
			    "cannot be encoded"));
	}
	if (out->len - start > IDN_MAX_LABEL)
		return error_set(err, ERROR_INPUT, _("domain label longer "
		    "than %d bytes"), IDN_MAX_LABEL);
	return 0;
}

int
mime_has_8bit(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	}
	return 0;
}

char *
mime_idn_to_ascii(const char *domain, struct error *err)
{
	struct sbuf	 out;
	const char	*p, *dot;

	if (!mime_has_8bit(domain, strlen(domain)) || *domain == '[')
		return xstrdup(domain);
	sbuf_init(&out);
	for (p = domain;; p = dot + 1) {
		if ((dot = strchr(p, '.')) == NULL)
			dot = p + strlen(p);
		if (idn_label(p, (size_t)(dot - p), &out, err) == -1)
			goto bad;
		if (*dot == '\0')
			break;
		sbuf_addch(&out, '.');
	}
	if (out.len > IDN_MAX_DOMAIN) {
		error_set(err, ERROR_INPUT, _("domain longer than %d bytes"),
		    IDN_MAX_DOMAIN);
		goto bad;
	}
	return sbuf_detach(&out, NULL);
bad:
	sbuf_release(&out);
	return NULL;
}

char *
mime_address_to_ascii(const char *addr, struct error *err)
{
	const char	*at = strrchr(addr, '@');
	char		*dom, *ret;

	if (at == NULL)
		return xstrdup(addr);
	if (mime_has_8bit(addr, (size_t)(at - addr))) {
		error_set(err, ERROR_INPUT, _("the address '%s' has a "
		    "non-ASCII local part: only a server with SMTPUTF8 takes "
		    "it, and this one does not offer it"), addr);
		return NULL;
	}
	if ((dom = mime_idn_to_ascii(at + 1, err)) == NULL)
		return NULL;
	ret = xasprintf("%.*s@%s", (int)(at - addr), addr, dom);
	free(dom);
	return ret;
}
