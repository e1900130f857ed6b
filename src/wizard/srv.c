/*
 * src/wizard/srv.c: DNS SRV records for mail servers (RFC 6186, and
 * RFC 8314 for _submissions). The system's resolver (libresolv), a short
 * timeout and one try: an answer that does not come quickly is no
 * answer, and the wizard goes on with the other sources. An answer is
 * untrusted input: bounded, parsed by ns_initparse, each target checked
 * to be a plain host name; the probe then verifies the server's
 * certificate against that target.
 */
#include <config.h>	/* autoconf's */

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "wizard/internal.h"
#include "wizard/wizard.h"

#define SRV_MAX_NAMESERVERS	2	/* asked in turn, each once */

struct wizard_dns {
	struct __res_state	 st;
};

/* The services, in the order asked; tls first on equal priority. */
static const struct {
	const char		*label;
	enum wizard_service	 service;
	enum security		 security;
} srv_services[] = {
	{ "_imaps._tcp", WIZARD_IMAP, SECURITY_TLS },
	{ "_imap._tcp", WIZARD_IMAP, SECURITY_STARTTLS },
	{ "_pop3s._tcp", WIZARD_POP3, SECURITY_TLS },
	{ "_pop3._tcp", WIZARD_POP3, SECURITY_STARTTLS },
	{ "_submissions._tcp", WIZARD_SMTP, SECURITY_TLS },
	{ "_submission._tcp", WIZARD_SMTP, SECURITY_STARTTLS },
};
#define SRV_NSERVICES	(sizeof srv_services / sizeof srv_services[0])

/* Same name, ignoring case and a final dot. */
static int
srv_same_name(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

static int
srv_compare(const void *va, const void *vb)
{
	const struct wizard_srv	*a = va, *b = vb;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return 0;
}

/* Insertion sort: stable, and n is at most WIZARD_SRV_MAX. */
static void
srv_sort(struct wizard_srv *r, size_t n)
{
	struct wizard_srv	 t;
	size_t			 i, j;

	for (i = 1; i < n; i++) {
		t = r[i];
		for (j = i; j > 0 && srv_compare(&r[j - 1], &t) > 0; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
}

int
wizard_srv_parse(const unsigned char *msg, size_t len, const char *name,
    struct wizard_srv *out, size_t max, int *not_offered, struct error *err)
{
	ns_msg			 h;
	ns_rr			 rr;
	const unsigned char	*rd;
	char			 target[NS_MAXDNAME];
	size_t			 n = 0, tlen;
	int			 i, count, used;

	*not_offered = 0;
	if (len > WIZARD_SRV_ANSWER_MAX || ns_initparse(msg, (int)len,
	    &h) == -1)
		return error_set(err, ERROR_PROTO, _("malformed DNS answer "
		    "for %s"), name);
	count = ns_msg_count(h, ns_s_an);
	for (i = 0; i < count; i++) {
		if (ns_parserr(&h, ns_s_an, i, &rr) == -1)
			return error_set(err, ERROR_PROTO, _("malformed DNS "
			    "answer for %s (record %d)"), name, i + 1);
		if (ns_rr_type(rr) != ns_t_srv || ns_rr_class(rr) != ns_c_in ||
		    !srv_same_name(ns_rr_name(rr), name))
			continue;	/* a CNAME, or not what we asked */
		if (ns_rr_rdlen(rr) < 7)
			return error_set(err, ERROR_PROTO, _("malformed SRV "
			    "record for %s"), name);
		rd = ns_rr_rdata(rr);
		used = dn_expand(ns_msg_base(h), ns_msg_end(h), rd + 6, target,
		    sizeof target);
		if (used < 1 || used > ns_rr_rdlen(rr) - 6)
			return error_set(err, ERROR_PROTO, _("malformed SRV "
			    "target for %s"), name);
		if (target[0] == '\0' || strcmp(target, ".") == 0) {
			*not_offered = 1;
			continue;
		}
		tlen = strlen(target);
		if (target[tlen - 1] == '.')
			target[--tlen] = '\0';
		for (used = 0; target[used] != '\0'; used++)
			target[used] = (char)tolower((unsigned char)target[used]);
		if (!wizard_host_valid(target) || tlen >= sizeof out->target) {
			log_warn("%s: SRV target is not a host name", name);
			continue;
		}
		if (ns_get16(rd + 4) == 0 || n == max)
			continue;
		memcpy(out[n].target, target, tlen + 1);
		out[n].priority = (uint16_t)ns_get16(rd);
		out[n].weight = (uint16_t)ns_get16(rd + 2);
		out[n].port = (uint16_t)ns_get16(rd + 4);
		n++;
	}
	srv_sort(out, n);
	return (int)n;
}

/* "IPV4:PORT" into sin; -1 if it is not. */
static int
srv_parse_server(const char *s, struct sockaddr_in *sin)
{
	char	 addr[64], *colon, *end;
	long	 port;

	if (strlen(s) >= sizeof addr)
		return -1;
	strcpy(addr, s);
	if ((colon = strrchr(addr, ':')) == NULL)
		return -1;
	*colon = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port < 1 ||
	    port > 65535)
		return -1;
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		return -1;
	return 0;
}

struct wizard_dns *
wizard_dns_new(struct error *err)
{
	struct wizard_dns	*d;
	struct sockaddr_in	 sin;
	const char		*env = getenv("POSTERN_DNS");

	if (env != NULL && strcmp(env, "off") == 0) {
		error_set(err, ERROR_INPUT, "%s", _("DNS look-ups are off "
		    "(POSTERN_DNS=off)"));
		return NULL;
	}
	if (env != NULL && *env != '\0' && srv_parse_server(env, &sin) == -1) {
		error_set(err, ERROR_INPUT, _("POSTERN_DNS is not "
		    "ADDRESS:PORT (IPv4) nor off: '%s'"), env);
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	if (res_ninit(&d->st) == -1) {
		free(d);
		error_set(err, ERROR_SYS, "%s", _("the resolver cannot start"));
		return NULL;
	}
	d->st.retrans = WIZARD_SRV_TIMEOUT;
	d->st.retry = 1;
	d->st.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
	/* No retry over TCP, which has no timeout: a cut answer is used
	   as it is, or fails to parse. */
	d->st.options |= RES_IGNTC;
	if (env != NULL && *env != '\0') {
		/* An IPv4 entry is used before the resolver's own list. */
		d->st.nsaddr_list[0] = sin;
		d->st.nscount = 1;
	} else if (d->st.nscount > SRV_MAX_NAMESERVERS)
		d->st.nscount = SRV_MAX_NAMESERVERS;
	return d;
}

int
wizard_dns_srv(struct wizard_dns *d, const char *name, struct wizard_srv *out,
    size_t max, int *not_offered, struct error *err)
{
	unsigned char	*ans;
	int		 n, ret;

	*not_offered = 0;
	ans = xmalloc(WIZARD_SRV_ANSWER_MAX);
	errno = 0;
	n = res_nquery(&d->st, name, ns_c_in, ns_t_srv, ans,
	    WIZARD_SRV_ANSWER_MAX);
	if (n < 0) {
		switch (d->st.res_h_errno) {
		case HOST_NOT_FOUND:
		case NO_DATA:
			ret = 0;
			break;
		case TRY_AGAIN:
			if (errno == ETIMEDOUT)
				ret = error_set(err, ERROR_NET, _("no answer "
				    "from DNS in %d s for %s"),
				    WIZARD_SRV_TIMEOUT, name);
			else
				ret = error_set(err, ERROR_NET, _("DNS failed "
				    "for %s (server failure)"), name);
			break;
		default:
			ret = error_set(err, ERROR_NET, _("DNS failed for %s"),
			    name);
			break;
		}
		free(ans);
		return ret;
	}
	/* A longer answer did not fit: it is cut, and fails to parse. */
	if (n > WIZARD_SRV_ANSWER_MAX)
		n = WIZARD_SRV_ANSWER_MAX;
	ret = wizard_srv_parse(ans, (size_t)n, name, out, max, not_offered,
	    err);
	free(ans);
	return ret;
}

void
wizard_dns_free(struct wizard_dns *d)
{
	if (d == NULL)
		return;
	res_nclose(&d->st);
	free(d);
}

/* One SRV record, with its service's security, for the merge. */
struct srv_found {
	struct wizard_srv	 srv;
	enum security		 security;
	size_t			 order;		/* as found */
};

static int
srv_found_compare(const void *va, const void *vb)
{
	const struct srv_found	*a = va, *b = vb;
	int			 c;

	if ((c = srv_compare(&a->srv, &b->srv)) != 0)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

void
wizard_discover_srv(struct wizard_provider *pr, const char *domain,
    struct sbuf *report)
{
	struct wizard_dns	*d;
	struct wizard_srv	 r[WIZARD_SRV_MAX];
	struct srv_found	 found[WIZARD_NSERVICES][2 * WIZARD_SRV_MAX];
	struct srv_found	*f;
	size_t			 nfound[WIZARD_NSERVICES] = { 0 };
	struct error		 e = { 0 };
	char			*name;
	size_t			 i, k;
	int			 n, none;

	if ((d = wizard_dns_new(&e)) == NULL) {
		sbuf_addf(report, _("SRV: not asked: %s\n"), e.msg);
		return;
	}
	for (i = 0; i < SRV_NSERVICES; i++) {
		name = xasprintf("%s.%s", srv_services[i].label, domain);
		n = wizard_dns_srv(d, name, r, WIZARD_SRV_MAX, &none, &e);
		if (n == -1) {
			sbuf_addf(report, "SRV %s: %s\n", name, e.msg);
			free(name);
			if (e.kind == ERROR_NET) {
				sbuf_addf(report, "%s\n", _("SRV: no more DNS "
				    "questions"));
				break;
			}
			continue;
		}
		if (n == 0)
			sbuf_addf(report, "SRV %s: %s\n", name, none ?
			    _("not offered (\".\")") : _("none"));
		for (k = 0; k < (size_t)n; k++) {
			sbuf_addf(report, _("SRV %s: %s:%u (priority %u, "
			    "weight %u)\n"), name, r[k].target, r[k].port,
			    r[k].priority, r[k].weight);
			f = &found[srv_services[i].service]
			    [nfound[srv_services[i].service]++];
			f->srv = r[k];
			f->security = srv_services[i].security;
			f->order = i * WIZARD_SRV_MAX + k;
		}
		free(name);
	}
	wizard_dns_free(d);
	for (i = 0; i < WIZARD_NSERVICES; i++) {
		qsort(found[i], nfound[i], sizeof found[i][0],
		    srv_found_compare);
		for (k = 0; k < nfound[i]; k++)
			wizard_provider_add_from(pr, (enum wizard_service)i,
			    found[i][k].srv.target, found[i][k].srv.port,
			    found[i][k].security, WIZARD_FROM_SRV);
	}
}
