/*
 * tests/unit/test_net.c: wire string checks, certificate verification
 * (against certificates made here with OpenSSL), the watchdog, and
 * net_*_open against tiny servers on loopback threads.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "unit.h"

#include "net/internal.h"
#include "net/net.h"

/* ------------------------------------------------------------ wire */

static void
test_net_check_wire_string_accepts_plain(void **state)
{
	struct error	 err = { 0 };

	(void)state;
	assert_int_equal(net_check_wire_string("password",
	    "c\"ar\\ol pass", &err), 0);
	assert_int_equal(net_check_wire_string("user name", "alice", &err),
	    0);
	assert_int_equal(net_check_wire_string("user name", "", &err), 0);
}

static void
test_net_check_wire_string_rejects_crlf(void **state)
{
	static const char	*bad[] = { "a\r\nb LOGOUT", "a\nb", "a\r",
				    "\n", "x\r\n" };
	struct error		 err = { 0 };
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(net_check_wire_string("user name", bad[i],
		    &err), -1);
		assert_int_equal(err.kind, ERROR_INPUT);
		assert_non_null(strstr(err.msg, "user name"));
		/* The value never appears in the message. */
		assert_null(strstr(err.msg, "LOGOUT"));
	}
}

static void
test_net_check_wire_string_rejects_null_and_long(void **state)
{
	struct error	 err = { 0 };
	char		 big[NET_WIRE_MAX + 2];

	(void)state;
	assert_int_equal(net_check_wire_string("password", NULL, &err), -1);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(net_check_wire_string("password", big, &err), -1);
	assert_int_equal(err.kind, ERROR_INPUT);
	big[NET_WIRE_MAX] = '\0';
	assert_int_equal(net_check_wire_string("password", big, &err), 0);
}

static void
test_net_target_from_copies(void **state)
{
	struct account		 a;
	struct net_target	 t;

	(void)state;
	memset(&a, 0, sizeof a);
	a.imap.host = "imap.example.org";
	a.imap.port = 143;
	a.imap.security = SECURITY_STARTTLS;
	a.ca_file = "/x/ca.pem";
	a.timeout = 7;
	net_target_from(&t, &a, &a.imap);
	assert_string_equal(t.host, "imap.example.org");
	assert_int_equal(t.port, 143);
	assert_int_equal(t.security, SECURITY_STARTTLS);
	assert_string_equal(t.ca_file, "/x/ca.pem");
	assert_int_equal(t.timeout, 7);
}

static void
test_net_is_ip_literal(void **state)
{
	(void)state;
	assert_true(net_is_ip_literal("127.0.0.1"));
	assert_true(net_is_ip_literal("::1"));
	assert_false(net_is_ip_literal("localhost"));
	assert_false(net_is_ip_literal("1.2.3.4.example"));
}

/* ------------------------------------------------------ certificates */

/* A certificate made here, with its DER and key. */
struct cert {
	X509		*x509;
	EVP_PKEY	*key;
	unsigned char	*der;
	int		 len;
};

enum cert_flags {
	CERT_CA = (1 << 0),
	CERT_EXPIRED = (1 << 1),
	CERT_CLIENT_ONLY = (1 << 2),	/* extendedKeyUsage clientAuth */
};

static EVP_PKEY *
cert_key(void)
{
	EVP_PKEY	*key;

	key = EVP_EC_gen("P-256");
	assert_non_null(key);
	return key;
}

static void
cert_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/*
 * Makes a certificate for cn with subjectAltName san (may be NULL),
 * signed by issuer (NULL: self-signed).
 */
static void
cert_make(struct cert *c, const char *cn, const char *san,
    const struct cert *issuer, int flags)
{
	static long	 serial = 1;
	X509_NAME	*name;
	X509		*signer;
	EVP_PKEY	*signkey;

	memset(c, 0, sizeof *c);
	c->key = cert_key();
	c->x509 = X509_new();
	X509_set_version(c->x509, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c->x509), serial++);
	if (flags & CERT_EXPIRED) {
		X509_gmtime_adj(X509_getm_notBefore(c->x509),
		    -3L * 365 * 86400);
		X509_gmtime_adj(X509_getm_notAfter(c->x509), -365L * 86400);
	} else {
		X509_gmtime_adj(X509_getm_notBefore(c->x509), -3600);
		X509_gmtime_adj(X509_getm_notAfter(c->x509), 365L * 86400);
	}
	X509_set_pubkey(c->x509, c->key);
	name = X509_get_subject_name(c->x509);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	signer = issuer != NULL ? issuer->x509 : c->x509;
	signkey = issuer != NULL ? issuer->key : c->key;
	X509_set_issuer_name(c->x509, X509_get_subject_name(signer));
	if (flags & CERT_CA) {
		cert_ext(c->x509, signer, NID_basic_constraints,
		    "critical,CA:TRUE");
		cert_ext(c->x509, signer, NID_key_usage,
		    "critical,keyCertSign,cRLSign");
	} else {
		cert_ext(c->x509, signer, NID_basic_constraints, "CA:FALSE");
		cert_ext(c->x509, signer, NID_ext_key_usage,
		    (flags & CERT_CLIENT_ONLY) ? "clientAuth" : "serverAuth");
	}
	cert_ext(c->x509, signer, NID_subject_key_identifier, "hash");
	if (issuer != NULL)
		cert_ext(c->x509, signer, NID_authority_key_identifier,
		    "keyid");
	if (san != NULL)
		cert_ext(c->x509, signer, NID_subject_alt_name, san);
	assert_true(X509_sign(c->x509, signkey, EVP_sha256()) > 0);
	c->len = i2d_X509(c->x509, &c->der);
	assert_true(c->len > 0);
}

static void
cert_free(struct cert *c)
{
	X509_free(c->x509);
	EVP_PKEY_free(c->key);
	OPENSSL_free(c->der);
}

/* What every certificate test uses. */
struct pki {
	struct cert	 root, inter, leaf, leaf_ip, badhost, expired;
	struct cert	 selfsigned, wild, partial, client;
	char		 ca_file[64];
	char		 other_ca_file[64];
};

static void
pki_write_ca(const struct cert *ca, char *path)
{
	FILE	*f;
	int	 fd;

	strcpy(path, "/tmp/test_net-ca.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd != -1);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, ca->x509), 1);
	fclose(f);
}

static int
pki_setup(void **state)
{
	struct pki	*p;
	struct cert	 other;

	p = calloc(1, sizeof *p);
	cert_make(&p->root, "Test Root", NULL, NULL, CERT_CA);
	cert_make(&p->inter, "Test Intermediate", NULL, &p->root, CERT_CA);
	cert_make(&p->leaf, "localhost", "DNS:localhost,IP:127.0.0.1",
	    &p->inter, 0);
	cert_make(&p->leaf_ip, "ip", "IP:127.0.0.1,IP:::1", &p->inter, 0);
	cert_make(&p->badhost, "wrong", "DNS:wrong.host.invalid", &p->inter,
	    0);
	cert_make(&p->expired, "localhost", "DNS:localhost", &p->inter,
	    CERT_EXPIRED);
	cert_make(&p->selfsigned, "localhost", "DNS:localhost", NULL, 0);
	cert_make(&p->wild, "wild", "DNS:*.example.org", &p->inter, 0);
	cert_make(&p->partial, "partial", "DNS:f*.example.org", &p->inter, 0);
	cert_make(&p->client, "localhost", "DNS:localhost", &p->inter,
	    CERT_CLIENT_ONLY);
	pki_write_ca(&p->root, p->ca_file);
	cert_make(&other, "Other Root", NULL, NULL, CERT_CA);
	pki_write_ca(&other, p->other_ca_file);
	cert_free(&other);
	*state = p;
	return 0;
}

static int
pki_teardown(void **state)
{
	struct pki	*p = *state;

	unlink(p->ca_file);
	unlink(p->other_ca_file);
	cert_free(&p->root);
	cert_free(&p->inter);
	cert_free(&p->leaf);
	cert_free(&p->leaf_ip);
	cert_free(&p->badhost);
	cert_free(&p->expired);
	cert_free(&p->selfsigned);
	cert_free(&p->wild);
	cert_free(&p->partial);
	cert_free(&p->client);
	free(p);
	return 0;
}

/* Verifies leaf (+ inter when with_inter) for host against ca_file. */
static int
pki_verify(const struct pki *p, const struct cert *leaf, int with_inter,
    const char *host, const char *ca_file, struct error *err)
{
	struct net_der	 der[2];

	memset(err, 0, sizeof *err);
	der[0].data = leaf->der;
	der[0].len = leaf->len;
	der[1].data = p->inter.der;
	der[1].len = p->inter.len;
	return net_tls_verify_der(der, with_inter ? 2 : 1, host, ca_file,
	    err);
}

/* The "AB:CD:..." fingerprint, as openssl x509 -fingerprint prints it. */
static void
pki_fingerprint(const struct cert *c, char *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n, i;

	assert_int_equal(X509_digest(c->x509, EVP_sha256(), md, &n), 1);
	for (i = 0; i < n; i++)
		sprintf(out + 3 * i, i + 1 < n ? "%02X:" : "%02X", md[i]);
}

/* Asserts a rejection naming host, the reason and the fingerprint. */
static void
pki_assert_rejected(const struct pki *p, const struct cert *leaf,
    int with_inter, const char *host, const char *ca_file,
    const char *reason)
{
	struct error	 err;
	char		 fp[NET_FINGERPRINT_LEN], want[160];

	assert_int_equal(pki_verify(p, leaf, with_inter, host, ca_file, &err),
	    -1);
	assert_int_equal(err.kind, ERROR_TLS);
	assert_non_null(strstr(err.msg, host));
	if (strstr(err.msg, reason) == NULL)
		fail_msg("'%s' not in '%s'", reason, err.msg);
	pki_fingerprint(leaf, fp);
	snprintf(want, sizeof want, "SHA-256 fingerprint %s", fp);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s' not in '%s'", want, err.msg);
}

static void
test_net_tls_verify_der_trusted(void **state)
{
	struct pki	*p = *state;
	struct error	 err;

	assert_int_equal(pki_verify(p, &p->leaf, 1, "localhost", p->ca_file,
	    &err), 0);
	assert_int_equal(pki_verify(p, &p->leaf, 1, "127.0.0.1", p->ca_file,
	    &err), 0);
	assert_int_equal(pki_verify(p, &p->leaf_ip, 1, "::1", p->ca_file,
	    &err), 0);
	assert_int_equal(pki_verify(p, &p->wild, 1, "mail.example.org",
	    p->ca_file, &err), 0);
}

static void
test_net_tls_verify_der_untrusted_ca(void **state)
{
	struct pki	*p = *state;

	pki_assert_rejected(p, &p->leaf, 1, "localhost", NULL,
	    "unable to get local issuer certificate");
	pki_assert_rejected(p, &p->leaf, 1, "localhost", p->other_ca_file,
	    "unable to get local issuer certificate");
}

static void
test_net_tls_verify_der_missing_intermediate(void **state)
{
	struct pki	*p = *state;

	pki_assert_rejected(p, &p->leaf, 0, "localhost", p->ca_file,
	    "unable to get local issuer certificate");
}

static void
test_net_tls_verify_der_host_mismatch(void **state)
{
	struct pki	*p = *state;

	pki_assert_rejected(p, &p->badhost, 1, "localhost", p->ca_file,
	    "hostname mismatch");
	pki_assert_rejected(p, &p->leaf, 1, "mail.example.com", p->ca_file,
	    "hostname mismatch");
	/* With DNS names in subjectAltName the CN does not count. */
	pki_assert_rejected(p, &p->badhost, 1, "wrong", p->ca_file,
	    "hostname mismatch");
	pki_assert_rejected(p, &p->leaf, 1, "127.0.0.2", p->ca_file,
	    "IP address mismatch");
	/* An IP literal is not matched against DNS names. */
	pki_assert_rejected(p, &p->badhost, 1, "127.0.0.1", p->ca_file,
	    "IP address mismatch");
}

static void
test_net_tls_verify_der_wildcards(void **state)
{
	struct pki	*p = *state;

	pki_assert_rejected(p, &p->partial, 1, "foo.example.org", p->ca_file,
	    "hostname mismatch");
	pki_assert_rejected(p, &p->wild, 1, "a.b.example.org", p->ca_file,
	    "hostname mismatch");
	pki_assert_rejected(p, &p->wild, 1, "example.org", p->ca_file,
	    "hostname mismatch");
}

static void
test_net_tls_verify_der_expired(void **state)
{
	struct pki	*p = *state;

	pki_assert_rejected(p, &p->expired, 1, "localhost", p->ca_file,
	    "certificate has expired");
}

static void
test_net_tls_verify_der_self_signed(void **state)
{
	struct pki	*p = *state;

	pki_assert_rejected(p, &p->selfsigned, 0, "localhost", p->ca_file,
	    "self-signed certificate");
}

static void
test_net_tls_verify_der_purpose(void **state)
{
	struct pki	*p = *state;

	pki_assert_rejected(p, &p->client, 1, "localhost", p->ca_file,
	    "unsuitable certificate purpose");
}

static void
test_net_tls_verify_der_garbage(void **state)
{
	struct pki	*p = *state;
	struct net_der	 der;
	struct error	 err = { 0 };
	unsigned char	 junk[] = "\x30\x82\xff\xff not a certificate";

	(void)p;
	der.data = junk;
	der.len = sizeof junk;
	assert_int_equal(net_tls_verify_der(&der, 1, "localhost", NULL,
	    &err), -1);
	assert_int_equal(err.kind, ERROR_TLS);
	assert_int_equal(net_tls_verify_der(&der, 0, "localhost", NULL,
	    &err), -1);
	assert_non_null(strstr(err.msg, "no certificate"));
}

static void
test_net_tls_verify_der_bad_ca_file(void **state)
{
	struct pki	*p = *state;
	struct error	 err;

	assert_int_equal(pki_verify(p, &p->leaf, 1, "localhost",
	    "/nonexistent/ca.pem", &err), -1);
	assert_int_equal(err.kind, ERROR_TLS);
	assert_non_null(strstr(err.msg, "/nonexistent/ca.pem"));
}

/* A pinned self-signed leaf: accepted for that host, with no CA. */
static void
test_net_tls_verify_pin_accepts_pinned(void **state)
{
	struct pki		*p = *state;
	struct net_der		 der;
	struct net_cert_info	 info;
	struct error		 err = { 0 };
	char			 fp[NET_FINGERPRINT_LEN];

	pki_fingerprint(&p->selfsigned, fp);
	der.data = p->selfsigned.der;
	der.len = p->selfsigned.len;
	memset(&info, 0, sizeof info);
	assert_int_equal(net_tls_verify_pin(&der, 1, "localhost", NULL, fp,
	    &info, &err), 0);
	assert_int_equal(info.valid, 0);	/* filled on failure only */
	/* Even when its names do not match: the user pinned this one. */
	assert_int_equal(net_tls_verify_pin(&der, 1, "other.example", NULL,
	    fp, NULL, &err), 0);
}

/* Any other certificate for a pinned host is refused, CA-signed too. */
static void
test_net_tls_verify_pin_refuses_other(void **state)
{
	struct pki		*p = *state;
	struct net_der		 der[2];
	struct net_cert_info	 info;
	struct error		 err = { 0 };
	char			 fp[NET_FINGERPRINT_LEN], leaf_fp[96];

	pki_fingerprint(&p->selfsigned, fp);
	pki_fingerprint(&p->leaf, leaf_fp);
	der[0].data = p->leaf.der;
	der[0].len = p->leaf.len;
	der[1].data = p->inter.der;
	der[1].len = p->inter.len;
	memset(&info, 0, sizeof info);
	assert_int_equal(net_tls_verify_pin(der, 2, "localhost", p->ca_file,
	    fp, &info, &err), -1);
	assert_int_equal(err.kind, ERROR_TLS);
	assert_non_null(strstr(err.msg, "not the pinned one"));
	assert_non_null(strstr(err.msg, leaf_fp));
	assert_int_equal(info.valid, 1);
	assert_string_equal(info.sha256, leaf_fp);
}

/* A failed check describes the certificate for the user. */
static void
test_net_tls_verify_pin_info_on_failure(void **state)
{
	struct pki		*p = *state;
	struct net_der		 der;
	struct net_cert_info	 info;
	struct error		 err = { 0 };
	char			 fp[NET_FINGERPRINT_LEN];

	pki_fingerprint(&p->selfsigned, fp);
	der.data = p->selfsigned.der;
	der.len = p->selfsigned.len;
	memset(&info, 0, sizeof info);
	assert_int_equal(net_tls_verify_pin(&der, 1, "localhost", NULL, NULL,
	    &info, &err), -1);
	assert_int_equal(info.valid, 1);
	assert_string_equal(info.sha256, fp);
	assert_true(info.issuer[0] != '\0');
	assert_true(info.subject[0] != '\0');
	assert_true(strlen(info.not_before) >= 10);
	assert_true(strlen(info.not_after) >= 10);
}

/* --------------------------------------------------------- watchdog */

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The far end of a socket pair trickles a byte every 100 ms. */
struct trickle {
	int		 fd;
	volatile int	 stop;
};

static void *
trickle_run(void *arg)
{
	struct trickle	*t = arg;

	while (!t->stop) {
		if (write(t->fd, "x", 1) != 1)
			break;
		usleep(100 * 1000);
	}
	return NULL;
}

static void
test_net_watchdog_cancels_trickle(void **state)
{
	struct net_watchdog	*wd;
	struct trickle		 t;
	pthread_t		 th;
	mailstream		*s;
	MMAPString		*line;
	int			 sv[2];
	double			 start;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	t.fd = sv[1];
	t.stop = 0;
	pthread_create(&th, NULL, trickle_run, &t);
	s = mailstream_socket_open_timeout(sv[0], 5);
	assert_non_null(s);
	line = mmap_string_new("");
	wd = net_watchdog_new();
	start = now_s();
	net_watchdog_arm(wd, s, 1);
	/* Never a newline: without the watchdog this reads forever. */
	(void)mailstream_read_line(s, line);
	assert_int_equal(net_watchdog_disarm(wd), 1);
	assert_true(now_s() - start < 3.0);
	assert_true(now_s() - start > 0.9);
	t.stop = 1;
	pthread_join(th, NULL);
	net_watchdog_free(wd);
	mmap_string_free(line);
	mailstream_close(s);
	close(sv[1]);
}

static void
test_net_watchdog_disarm_in_time(void **state)
{
	struct net_watchdog	*wd;
	mailstream		*s;
	char			 buf[4];
	int			 sv[2], i;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s = mailstream_socket_open_timeout(sv[0], 5);
	wd = net_watchdog_new();
	assert_int_equal(write(sv[1], "ok\n", 3), 3);
	net_watchdog_arm(wd, s, 2);
	assert_int_equal(mailstream_read(s, buf, 3), 3);
	assert_int_equal(net_watchdog_disarm(wd), 0);
	/* Armed and disarmed again and again: cheap, never fires. */
	for (i = 0; i < 1000; i++) {
		net_watchdog_arm(wd, s, 1);
		assert_int_equal(net_watchdog_disarm(wd), 0);
	}
	net_watchdog_free(wd);
	mailstream_close(s);
	close(sv[1]);
}

/* ------------------------------------------------ servers on threads */

/* A one-connection server: sends script (byte by byte with delay_ms
 * between bytes when delay_ms > 0), then records what the client sends
 * until EOF. */
struct fake {
	int		 listen_fd;
	uint16_t	 port;
	const char	*script;
	int		 delay_ms;
	char		 got[4096];
	size_t		 gotlen;
	pthread_t	 thread;
};

static void *
fake_run(void *arg)
{
	struct fake	*f = arg;
	const char	*p;
	ssize_t		 n;
	int		 fd;

	if ((fd = accept(f->listen_fd, NULL, NULL)) == -1)
		return NULL;
	if (f->delay_ms > 0) {
		for (p = f->script; *p != '\0'; p++) {
			if (write(fd, p, 1) != 1)
				break;
			usleep(f->delay_ms * 1000);
		}
	} else if (write(fd, f->script, strlen(f->script)) < 0)
		goto out;
	while (f->gotlen < sizeof f->got - 1 && (n = read(fd,
	    f->got + f->gotlen, sizeof f->got - 1 - f->gotlen)) > 0)
		f->gotlen += n;
out:
	close(fd);
	return NULL;
}

static void
fake_start(struct fake *f, const char *script, int delay_ms)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;

	memset(f, 0, sizeof *f);
	f->script = script;
	f->delay_ms = delay_ms;
	f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(f->listen_fd != -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f->listen_fd, (struct sockaddr *)&sin,
	    sizeof sin), 0);
	assert_int_equal(listen(f->listen_fd, 1), 0);
	assert_int_equal(getsockname(f->listen_fd, (struct sockaddr *)&sin,
	    &len), 0);
	f->port = ntohs(sin.sin_port);
	pthread_create(&f->thread, NULL, fake_run, f);
}

static void
fake_stop(struct fake *f)
{
	shutdown(f->listen_fd, SHUT_RDWR);
	pthread_join(f->thread, NULL);
	close(f->listen_fd);
	f->got[f->gotlen] = '\0';
}

static void
target_local(struct net_target *t, uint16_t port, enum security sec,
    int timeout)
{
	memset(t, 0, sizeof *t);
	t->host = "127.0.0.1";
	t->port = port;
	t->security = sec;
	t->timeout = timeout;
}

static void
test_net_imap_open_refuses_without_starttls(void **state)
{
	struct net_target	 t;
	struct error		 err = { 0 };
	struct fake		 f;

	(void)state;
	fake_start(&f, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n", 0);
	target_local(&t, f.port, SECURITY_STARTTLS, 5);
	assert_null(net_imap_open(&t, &err));
	fake_stop(&f);
	assert_int_equal(err.kind, ERROR_TLS);
	assert_non_null(strstr(err.msg, "offers no STARTTLS"));
	/* Capabilities came with the greeting: not one byte was sent. */
	assert_int_equal(f.gotlen, 0);
}

static void
test_net_imap_open_refuses_preauth(void **state)
{
	struct net_target	 t;
	struct error		 err = { 0 };
	struct fake		 f;

	(void)state;
	fake_start(&f, "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n",
	    0);
	target_local(&t, f.port, SECURITY_STARTTLS, 5);
	assert_null(net_imap_open(&t, &err));
	fake_stop(&f);
	assert_int_equal(err.kind, ERROR_TLS);
	assert_int_equal(f.gotlen, 0);
}

static void
test_net_pop3_open_refuses_without_stls(void **state)
{
	struct net_target	 t;
	struct error		 err = { 0 };
	struct fake		 f;

	(void)state;
	fake_start(&f, "+OK hi\r\n+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n", 0);
	target_local(&t, f.port, SECURITY_STARTTLS, 5);
	assert_null(net_pop3_open(&t, &err));
	fake_stop(&f);
	assert_int_equal(err.kind, ERROR_TLS);
	assert_non_null(strstr(err.msg, "offers no STLS"));
	/* CAPA and nothing else: no QUIT, no USER. */
	assert_string_equal(f.got, "CAPA\r\n");
}

static void
test_net_smtp_open_refuses_without_starttls(void **state)
{
	struct net_target	 t;
	struct error		 err = { 0 };
	struct fake		 f;

	(void)state;
	fake_start(&f, "220 hi ESMTP\r\n250-hi\r\n250 AUTH PLAIN LOGIN\r\n",
	    0);
	target_local(&t, f.port, SECURITY_STARTTLS, 5);
	assert_null(net_smtp_open(&t, &err));
	fake_stop(&f);
	assert_int_equal(err.kind, ERROR_TLS);
	assert_non_null(strstr(err.msg, "offers no STARTTLS"));
	assert_non_null(strstr(f.got, "EHLO "));
	assert_null(strstr(f.got, "QUIT"));
	assert_null(strstr(f.got, "AUTH"));
}

static void
test_net_imap_open_trickle_times_out(void **state)
{
	struct net_target	 t;
	struct error		 err = { 0 };
	struct fake		 f;
	double			 start;

	(void)state;
	/* 300 ms a byte: no read ever waits a whole second. */
	fake_start(&f, "* OK a greeting that takes a long time to arrive\r\n",
	    300);
	target_local(&t, f.port, SECURITY_STARTTLS, 1);
	start = now_s();
	assert_null(net_imap_open(&t, &err));
	assert_true(now_s() - start < 3.0);
	fake_stop(&f);
	assert_int_equal(err.kind, ERROR_NET);
	assert_non_null(strstr(err.msg, "timed out"));
}

static void
test_net_imap_open_tls_to_plaintext_fails(void **state)
{
	struct net_target	 t;
	struct error		 err = { 0 };
	struct fake		 f;

	(void)state;
	fake_start(&f, "* OK plaintext\r\n", 0);
	target_local(&t, f.port, SECURITY_TLS, 2);
	assert_null(net_imap_open(&t, &err));
	fake_stop(&f);
	assert_int_equal(err.kind, ERROR_TLS);
	assert_non_null(strstr(err.msg, "TLS handshake"));
}

static void
test_net_imap_open_refused_port(void **state)
{
	struct net_target	 t;
	struct error		 err = { 0 };
	struct fake		 f;
	uint16_t		 port;

	(void)state;
	/* A port that was just free: nothing listens there any more. */
	fake_start(&f, "", 0);
	port = f.port;
	fake_stop(&f);
	target_local(&t, port, SECURITY_TLS, 2);
	assert_null(net_imap_open(&t, &err));
	assert_int_equal(err.kind, ERROR_NET);
	assert_non_null(strstr(err.msg, "127.0.0.1:"));
	assert_non_null(strstr(err.msg, "refused"));
}

static void
test_net_imap_open_unknown_host(void **state)
{
	struct net_target	 t;
	struct error		 err = { 0 };

	(void)state;
	target_local(&t, 993, SECURITY_TLS, 2);
	t.host = "host.invalid";
	assert_null(net_imap_open(&t, &err));
	assert_int_equal(err.kind, ERROR_NET);
	assert_non_null(strstr(err.msg, "host.invalid"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_check_wire_string_accepts_plain),
		cmocka_unit_test(test_net_check_wire_string_rejects_crlf),
		cmocka_unit_test(
		    test_net_check_wire_string_rejects_null_and_long),
		cmocka_unit_test(test_net_target_from_copies),
		cmocka_unit_test(test_net_is_ip_literal),
		cmocka_unit_test(test_net_watchdog_cancels_trickle),
		cmocka_unit_test(test_net_watchdog_disarm_in_time),
		cmocka_unit_test(test_net_imap_open_refuses_without_starttls),
		cmocka_unit_test(test_net_imap_open_refuses_preauth),
		cmocka_unit_test(test_net_pop3_open_refuses_without_stls),
		cmocka_unit_test(test_net_smtp_open_refuses_without_starttls),
		cmocka_unit_test(test_net_imap_open_trickle_times_out),
		cmocka_unit_test(test_net_imap_open_tls_to_plaintext_fails),
		cmocka_unit_test(test_net_imap_open_refused_port),
		cmocka_unit_test(test_net_imap_open_unknown_host),
	};
	const struct CMUnitTest tls_tests[] = {
		cmocka_unit_test(test_net_tls_verify_der_trusted),
		cmocka_unit_test(test_net_tls_verify_der_untrusted_ca),
		cmocka_unit_test(test_net_tls_verify_der_missing_intermediate),
		cmocka_unit_test(test_net_tls_verify_der_host_mismatch),
		cmocka_unit_test(test_net_tls_verify_der_wildcards),
		cmocka_unit_test(test_net_tls_verify_der_expired),
		cmocka_unit_test(test_net_tls_verify_der_self_signed),
		cmocka_unit_test(test_net_tls_verify_der_purpose),
		cmocka_unit_test(test_net_tls_verify_der_garbage),
		cmocka_unit_test(test_net_tls_verify_der_bad_ca_file),
		cmocka_unit_test(test_net_tls_verify_pin_accepts_pinned),
		cmocka_unit_test(test_net_tls_verify_pin_refuses_other),
		cmocka_unit_test(test_net_tls_verify_pin_info_on_failure),
	};
	int	 failed;

	/* As main() does: libetpan writes without MSG_NOSIGNAL. */
	signal(SIGPIPE, SIG_IGN);
	failed = cmocka_run_group_tests_name("net", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("net_tls", tls_tests, pki_setup,
	    pki_teardown);
	return failed != 0;
}
