/* src/net/tls.c: certificate checks (libetpan's GnuTLS build checks none). */
#include <config.h>	/* autoconf's */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>

#include "core/i18n.h"
#include "core/log.h"
#include "net/internal.h"

int
net_is_ip_literal(const char *host)
{
	unsigned char	 buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

void
net_tls_sni(struct mailstream_ssl_context *ctx, void *data)
{
	if (data != NULL)
		mailstream_ssl_set_server_name(ctx, data);
}

/* "AB:CD:..." of the certificate's SHA-256 digest. */
static void
net_tls_fingerprint(X509 *cert, char out[NET_FINGERPRINT_LEN])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;

	out[0] = '\0';
	if (X509_digest(cert, EVP_sha256(), md, &mdlen) != 1 || mdlen != 32)
		return;
	for (i = 0; i < mdlen; i++) {
		snprintf(out + 3 * i, 3, "%02X", md[i]);
		out[3 * i + 2] = i + 1 < mdlen ? ':' : '\0';
	}
}

static X509 *
net_tls_parse(const struct net_der *d)
{
	const unsigned char	*p = d->data;

	if (d->len == 0 || d->len > NET_MAX_CERT)
		return NULL;
	return d2i_X509(NULL, &p, (long)d->len);
}

/*
 * The trust store: the system's plus ca_file. Quick (bundle 0): the
 * system's hashed directory, read one certificate at a time as the
 * check asks; full (bundle 1): OpenSSL's default file as well, a bundle
 * of some 150 certificates parsed whole (tens of milliseconds).
 */
static X509_STORE *
net_tls_store(const char *ca_file, int bundle, struct error *err)
{
	X509_STORE	*store;
	const char	*dir;

	if ((store = X509_STORE_new()) == NULL) {
		error_set(err, ERROR_SYS, "X509_STORE_new");
		return NULL;
	}
	if (bundle) {
		if (X509_STORE_set_default_paths(store) != 1)
			log_warn("cannot load the system trust store");
	} else {
		if ((dir = getenv(X509_get_default_cert_dir_env())) == NULL)
			dir = X509_get_default_cert_dir();
		if (X509_STORE_load_path(store, dir) != 1)
			log_debug("cannot use the trust directory %s", dir);
	}
	if (ca_file != NULL && X509_STORE_load_file(store, ca_file) != 1) {
		error_set(err, ERROR_TLS, _("cannot load CA file '%s': %s"),
		    ca_file, ERR_reason_error_string(ERR_peek_last_error()));
		ERR_clear_error();
		X509_STORE_free(store);
		return NULL;
	}
	ERR_clear_error();
	return store;
}

/* Expects host as name or IP literal; no partial wildcards ("f*.x.org"). */
static int
net_tls_expect_host(X509_STORE_CTX *ctx, const char *host)
{
	X509_VERIFY_PARAM	*param;

	param = X509_STORE_CTX_get0_param(ctx);
	if (X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER) != 1)
		return -1;
	if (net_is_ip_literal(host))
		return X509_VERIFY_PARAM_set1_ip_asc(param, host) == 1 ? 0 : -1;
	X509_VERIFY_PARAM_set_hostflags(param,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	return X509_VERIFY_PARAM_set1_host(param, host, 0) == 1 ? 0 : -1;
}

/*
 * Runs the check against one store; returns 0 or the OpenSSL verify
 * error (-1: no context).
 */
static int
net_tls_check_with(X509 *leaf, STACK_OF(X509) *chain, const char *host,
    const char *ca_file, int bundle, struct error *err)
{
	X509_STORE	*store;
	X509_STORE_CTX	*ctx;
	int		 ret = -1;

	if ((store = net_tls_store(ca_file, bundle, err)) == NULL)
		return -1;
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, store, leaf, chain) != 1 ||
	    net_tls_expect_host(ctx, host) == -1) {
		error_set(err, ERROR_SYS, "X509_STORE_CTX_init");
		goto out;
	}
	if (X509_verify_cert(ctx) == 1)
		ret = 0;
	else {
		ret = X509_STORE_CTX_get_error(ctx);
		if (ret == X509_V_OK)
			ret = X509_V_ERR_UNSPECIFIED;
	}
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return ret;
}

/*
 * The check: first with the hashed directory, then, if no issuer was
 * found there (no directory, or a system that keeps only the bundle),
 * with the whole bundle too.
 */
static int
net_tls_check(X509 *leaf, STACK_OF(X509) *chain, const char *host,
    const char *ca_file, struct error *err)
{
	int	 ret;

	ret = net_tls_check_with(leaf, chain, host, ca_file, 0, err);
	if (ret == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    ret == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	    ret == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	    ret == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
		ret = net_tls_check_with(leaf, chain, host, ca_file, 1, err);
	return ret;
}

/* One line of a certificate name, made printable. */
static void
net_tls_name(X509_NAME *name, char *out, size_t size)
{
	char	*s;
	size_t	 i;

	out[0] = '\0';
	if (name == NULL || (s = X509_NAME_oneline(name, NULL, 0)) == NULL)
		return;
	snprintf(out, size, "%s", s);
	OPENSSL_free(s);
	for (i = 0; out[i] != '\0'; i++) {
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	}
}

static void
net_tls_time(const ASN1_TIME *t, char *out, size_t size)
{
	struct tm	 tm;

	out[0] = '\0';
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return;
	strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* Fills info with what the leaf says. */
static void
net_tls_info(X509 *leaf, const char *fp, struct net_cert_info *info)
{
	if (info == NULL)
		return;
	memset(info, 0, sizeof *info);
	net_tls_name(X509_get_subject_name(leaf), info->subject,
	    sizeof info->subject);
	net_tls_name(X509_get_issuer_name(leaf), info->issuer,
	    sizeof info->issuer);
	net_tls_time(X509_get0_notBefore(leaf), info->not_before,
	    sizeof info->not_before);
	net_tls_time(X509_get0_notAfter(leaf), info->not_after,
	    sizeof info->not_after);
	snprintf(info->sha256, sizeof info->sha256, "%s", fp);
	info->valid = 1;
}

/*
 * A pinned host: its leaf must be the pinned certificate. The chain, the
 * CA and the host name do not matter any more (the user looked at this
 * very certificate and said yes), and nothing else is accepted.
 */
static int
net_tls_check_pin(const char *fp, const char *host, const char *pin,
    struct error *err)
{
	if (*fp != '\0' && strcmp(fp, pin) == 0) {
		log_info("certificate of %s matches its pin, SHA-256 %s",
		    host, fp);
		return 0;
	}
	log_warn("certificate of %s does not match its pin: SHA-256 %s",
	    host, fp);
	return error_set(err, ERROR_TLS, _("TLS certificate of '%s' is not "
	    "the pinned one: SHA-256 fingerprint %s, pinned %s"), host, fp,
	    pin);
}

int
net_tls_verify_der(const struct net_der *certs, size_t n, const char *host,
    const char *ca_file, struct error *err)
{
	return net_tls_verify_pin(certs, n, host, ca_file, NULL, NULL, err);
}

int
net_tls_verify_pin(const struct net_der *certs, size_t n, const char *host,
    const char *ca_file, const char *pin, struct net_cert_info *info,
    struct error *err)
{
	X509		*leaf, *x;
	STACK_OF(X509)	*chain;
	char		 fp[NET_FINGERPRINT_LEN];
	size_t		 i;
	int		 code;

	if (n == 0)
		return error_set(err, ERROR_TLS,
		    _("server '%s' sent no certificate"), host);
	if ((leaf = net_tls_parse(&certs[0])) == NULL)
		return error_set(err, ERROR_TLS,
		    _("server '%s' sent an unreadable certificate"), host);
	net_tls_fingerprint(leaf, fp);
	if (pin != NULL) {
		code = net_tls_check_pin(fp, host, pin, err);
		if (code != 0)
			net_tls_info(leaf, fp, info);
		X509_free(leaf);
		return code;
	}
	if ((chain = sk_X509_new_null()) == NULL) {
		X509_free(leaf);
		return error_set(err, ERROR_SYS, "sk_X509_new_null");
	}
	for (i = 1; i < n && i < NET_MAX_CHAIN; i++) {
		/* An unreadable intermediate only makes the chain shorter. */
		if ((x = net_tls_parse(&certs[i])) != NULL &&
		    sk_X509_push(chain, x) == 0)
			X509_free(x);
	}
	code = net_tls_check(leaf, chain, host, ca_file, err);
	if (code > 0) {
		log_warn("certificate of %s rejected: %s (%d), SHA-256 %s",
		    host, X509_verify_cert_error_string(code), code, fp);
		error_set(err, ERROR_TLS, _("TLS certificate of '%s' not "
		    "trusted: %s; SHA-256 fingerprint %s"), host,
		    X509_verify_cert_error_string(code), fp);
		net_tls_info(leaf, fp, info);
	} else if (code == 0)
		log_debug("certificate of %s trusted, SHA-256 %s", host, fp);
	sk_X509_pop_free(chain, X509_free);
	X509_free(leaf);
	ERR_clear_error();
	return code == 0 ? 0 : -1;
}

/* The stream's chain as DER, then the check; info and pin may be NULL. */
static int
net_tls_verify_stream(mailstream *s, const char *host, const char *ca_file,
    const char *pin, struct net_cert_info *info, struct error *err)
{
	struct net_der	 der[NET_MAX_CHAIN];
	carray		*chain;
	MMAPString	*str;
	size_t		 i, n;
	int		 ret;

	if ((chain = mailstream_get_certificate_chain(s)) == NULL)
		return error_set(err, ERROR_TLS,
		    _("server '%s' sent no certificate"), host);
	n = carray_count(chain);
	if (n > NET_MAX_CHAIN)
		n = NET_MAX_CHAIN;
	for (i = 0; i < n; i++) {
		str = carray_get(chain, i);
		der[i].data = (const unsigned char *)str->str;
		der[i].len = str->len;
	}
	ret = net_tls_verify_pin(der, n, host, ca_file, pin, info, err);
	mailstream_certificate_chain_free(chain);
	return ret;
}

int
net_tls_verify_conn(mailstream *s, const struct net_conn *c,
    struct error *err)
{
	return net_tls_verify_stream(s, c->host, c->ca_file, c->pin, c->cert,
	    err);
}

int
net_tls_verify(mailstream *s, const char *host, const char *ca_file,
    struct error *err)
{
	return net_tls_verify_stream(s, host, ca_file, NULL, NULL, err);
}
