/*
 * src/wizard/wizard.h: account set-up: provider data, the live probe of
 * candidate servers, postern --setup and postern --check.
 */
#ifndef POSTERN_WIZARD_WIZARD_H
#define POSTERN_WIZARD_WIZARD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "core/error.h"
#include "core/sbuf.h"
#include "net/net.h"

/*
 * Checks the account called account_id (every account when NULL): for
 * each configured service (IMAP or POP3 as its backend says, and SMTP
 * when it names a server) connects, verifies TLS and logs in without
 * sending or changing any mail, and prints one line per service to out:
 * "ACCOUNT imap HOST:PORT (tls): OK" or "...: FAILED: reason". Runs the
 * password command once per account, when a login first needs it.
 * Returns 0 if all passed, 1 if any failed, -1 and err if there is no
 * such account (or no account at all).
 */
int	 wizard_check(const struct config *, const char *account_id,
	    FILE *out, struct error *);

/* Bounds on the provider data (a small text file we ship, or a test's). */
#define WIZARD_PROVIDERS_MAX_SIZE	(1024 * 1024)
#define WIZARD_MAX_PROVIDERS		1000
#define WIZARD_MAX_DOMAINS		1000	/* per provider */
#define WIZARD_MAX_CANDIDATES		32	/* per provider and service */
#define WIZARD_MAX_BAD			50	/* bad-line messages kept */

enum wizard_service {
	WIZARD_IMAP = 0,
	WIZARD_POP3,
	WIZARD_SMTP,
};
#define WIZARD_NSERVICES	3

/* Where a candidate came from, in the order they are tried. */
enum wizard_origin {
	WIZARD_FROM_DATA = 0,	/* data/providers */
	WIZARD_FROM_SRV,	/* DNS SRV records (RFC 6186, RFC 8314) */
	WIZARD_FROM_AUTOCONFIG,	/* data/autoconfig/DOMAIN.xml */
	WIZARD_FROM_GUESS,	/* imap.DOMAIN and the like */
	WIZARD_FROM_MANUAL,	/* typed in by the user */
};

/* One server to try. There is no plaintext security: tls or starttls. */
struct wizard_candidate {
	char			*host;
	uint16_t		 port;
	enum security		 security;
	enum wizard_origin	 origin;
};

/* A provider of the data file, or the guesses for a domain. */
struct wizard_provider {
	char			*id;
	char			*name;
	char			*note;		/* a sentence to show; may be NULL */
	char			**domains;	/* lower case */
	size_t			 ndomains;
	struct wizard_candidate	*cand[WIZARD_NSERVICES];	/* in order */
	size_t			 ncand[WIZARD_NSERVICES];
	int			 line;		/* of "provider", 0 for guesses */
	/* The user name the autoconfig file gives (placeholders replaced);
	   NULL: the address. */
	char			*username;
};

/* The parsed data file; everything is owned by it. */
struct wizard_providers {
	char			*path;
	struct wizard_provider	*providers;
	size_t			 nproviders;
	char			**bad;		/* "file:line: what", the first
						   WIZARD_MAX_BAD */
	size_t			 nbad;		/* every bad line */
};

/* "imap", "pop3" or "smtp". */
const char	*wizard_service_name(enum wizard_service);

/*
 * The provider data file: $POSTERN_PROVIDERS when set and not empty, else
 * fs_datadir()/data/providers. The caller frees it.
 */
char		*wizard_providers_path(void);
/*
 * Parses the provider data format (see data/providers) as if read from
 * name. Never fails: a bad line is skipped (a bad "provider" line skips
 * its whole block) and recorded in bad as "name:line: what".
 */
struct wizard_providers *wizard_providers_parse(const char *name,
		    const char *text, size_t len);
/* Reads and parses path (NULL: wizard_providers_path()); NULL and err. */
struct wizard_providers *wizard_providers_load(const char *path,
		    struct error *);
void		 wizard_providers_free(struct wizard_providers *);
/*
 * The domain of an address ("Jane@Charter.NET" -> "charter.net"), lower
 * case, checked to be a host name; NULL and err if it is not. The caller
 * frees it.
 */
char		*wizard_address_domain(const char *address, struct error *);
/*
 * The provider serving domain (lower case, as wizard_address_domain gives
 * it); exact match, so subdomains are listed one by one. NULL if none.
 */
const struct wizard_provider *wizard_providers_find(
		    const struct wizard_providers *, const char *domain);
/*
 * Guesses for a domain not in the data: imap.D and mail.D on 993 (tls),
 * pop3.D and pop.D on 995 (tls), smtp.D and mail.D on 465 (tls) and 587
 * (starttls). Never plaintext. Free with wizard_provider_free.
 */
struct wizard_provider *wizard_provider_guess(const char *domain);
void		 wizard_provider_free(struct wizard_provider *);
/* An empty provider called name (manual entry); free as above. */
struct wizard_provider *wizard_provider_new(const char *name);
/*
 * Appends a candidate (a copy of host) unless the service is full; its
 * origin is WIZARD_FROM_MANUAL.
 */
void		 wizard_provider_add(struct wizard_provider *,
		    enum wizard_service, const char *host, uint16_t port,
		    enum security);
/*
 * The same with an origin; a candidate equal (host, port, security) to
 * one already listed is not added again.
 */
void		 wizard_provider_add_from(struct wizard_provider *,
		    enum wizard_service, const char *host, uint16_t port,
		    enum security, enum wizard_origin);
/* "data", "SRV", "autoconfig", "guess" or "manual". */
const char	*wizard_origin_name(enum wizard_origin);
/* A deep copy, so that the data file's parse can go. */
struct wizard_provider *wizard_provider_dup(const struct wizard_provider *);

/*
 * DNS SRV records (RFC 2782) for mail servers (RFC 6186, RFC 8314).
 * The resolver is the system's (res_ninit), with a short timeout
 * (WIZARD_SRV_TIMEOUT seconds, one try, at most two name servers);
 * $POSTERN_DNS=ADDR:PORT (IPv4, UDP) asks that server alone instead,
 * $POSTERN_DNS=off asks nothing.
 */
#define WIZARD_SRV_TIMEOUT	2	/* seconds */
#define WIZARD_SRV_MAX		16	/* records kept per answer */
#define WIZARD_SRV_ANSWER_MAX	4096	/* bytes of one answer */

struct wizard_srv {
	char		 target[254];	/* lower case, no final dot */
	uint16_t	 priority;
	uint16_t	 weight;
	uint16_t	 port;
};

/*
 * Parses msg, the answer to an SRV query for name: the records of
 * class IN, type SRV and owner name, at most max into out, sorted by
 * priority (lowest first), then weight (highest first). A record whose
 * target is "." (the service is not offered), whose target is not a
 * plain host name or whose port is 0 is left out; *not_offered is set
 * when a "." was seen. Returns the number of records kept, or -1 and err
 * when msg is not a well-formed DNS message.
 */
int		 wizard_srv_parse(const unsigned char *msg, size_t len,
		    const char *name, struct wizard_srv *out, size_t max,
		    int *not_offered, struct error *);

/* One DNS session (the resolver's state), for several queries. */
struct wizard_dns;

/* NULL when DNS is off ($POSTERN_DNS=off) or not usable, with err. */
struct wizard_dns *wizard_dns_new(struct error *);
/*
 * Asks for the SRV records of name: as wizard_srv_parse, 0 records when
 * there are none (no such name, no data); -1 and err (ERROR_NET) when
 * no answer came in time, or the answer was malformed (ERROR_PROTO).
 */
int		 wizard_dns_srv(struct wizard_dns *, const char *name,
		    struct wizard_srv *out, size_t max, int *not_offered,
		    struct error *);
void		 wizard_dns_free(struct wizard_dns *);

/*
 * Adds the candidates the SRV records of domain give: _imaps._tcp,
 * _pop3s._tcp and _submissions._tcp as tls, _imap._tcp, _pop3._tcp and
 * _submission._tcp as starttls, each service's in priority and weight
 * order (tls first on a tie). What was asked and found goes to report,
 * a line each. Stops asking after a query without answer.
 */
void		 wizard_discover_srv(struct wizard_provider *,
		    const char *domain, struct sbuf *report);

/*
 * Cached autoconfig files: Mozilla's clientConfig XML (version 1.1), a
 * subset: emailProvider's incomingServer (type imap or pop3) and
 * outgoingServer (type smtp) with hostname, port, socketType (SSL or
 * STARTTLS; plain is refused) and username (%EMAILADDRESS%,
 * %EMAILLOCALPART%, %EMAILDOMAIN%). See data/autoconfig/README.
 */
#define WIZARD_AUTOCONFIG_MAX_SIZE	(64 * 1024)
#define WIZARD_AUTOCONFIG_MAX_DEPTH	8
#define WIZARD_AUTOCONFIG_MAX_NODES	512

/*
 * $POSTERN_AUTOCONFIG_DIR/DOMAIN.xml when the variable is set and not
 * empty, else fs_datadir()/data/autoconfig/DOMAIN.xml. Caller frees.
 */
char		*wizard_autoconfig_path(const char *domain);
/*
 * Parses text (read from name) and adds its candidates to pr, the user
 * name to pr->username (when not set yet), for address. What was
 * skipped and why goes to report (may be NULL). Returns the number of
 * candidates added, or -1 and err if text is not well-formed XML of the
 * subset (nothing is added then).
 */
int		 wizard_autoconfig_parse(struct wizard_provider *pr,
		    const char *name, const char *text, size_t len,
		    const char *address, struct sbuf *report, struct error *);

/*
 * The servers to try for address: its provider in the data (*known set
 * to 1; known may be NULL), else (*known 0) the candidates of the SRV
 * records, of the domain's autoconfig file and the guesses, in that
 * order. What was found, the provider's name and note, goes to report,
 * a line each.
 * NULL and err if address is not a mail address.
 */
struct wizard_provider *wizard_discover(const char *address, int *known,
		    struct sbuf *report, struct error *);

/* What became of one candidate. */
enum wizard_result {
	WIZARD_OK = 0,		/* connected, verified, logged in */
	WIZARD_FAILED,		/* reason says why */
	WIZARD_SKIPPED,		/* not tried; reason says why */
	WIZARD_RETRY_TLS,	/* a starttls candidate that sent no greeting:
				   it is tried again as tls */
	WIZARD_TRYING,		/* about to connect (only with progress) */
};

/* One line of the probe's report. The host is borrowed from the provider. */
struct wizard_attempt {
	enum wizard_service	 service;
	struct wizard_candidate	 cand;
	enum wizard_result	 result;
	enum error_kind		 kind;		/* for WIZARD_FAILED */
	char			 reason[ERROR_MSG_MAX];
	/* When the certificate was not trusted (cert.valid): what it says. */
	struct net_cert_info	 cert;
};

typedef void	(*wizard_attempt_cb)(const struct wizard_attempt *, void *);

/* What the probe logs in with; strings are borrowed for the probe's life. */
struct wizard_probe_params {
	const char		*address;	/* for the log */
	const char		*username;
	const char		*password_command;
	const char		*ca_file;	/* extra trusted CA, may be NULL */
	int			 timeout;	/* seconds per candidate; 0:
						   WIZARD_PROBE_TIMEOUT */
	int			 sniff_ms;	/* 0: WIZARD_SNIFF_MS */
	wizard_attempt_cb	 cb;		/* called per attempt, may be NULL */
	void			*arg;
	/* The password itself, instead of password_command (may be NULL). */
	const char		*password;
	/* Pinned certificates, "HOST AB:CD:..." as tls.pin-sha256 has them. */
	char			**pins;
	size_t			 npins;
	/* 1: also call cb with WIZARD_TRYING before each connection. */
	int			 progress;
	/* Set (by another thread) to stop before the next candidate. */
	atomic_int		*cancel;	/* may be NULL */
};

#define WIZARD_PROBE_TIMEOUT	15	/* seconds */
/*
 * How long a starttls candidate may stay silent before we take it for a
 * server that speaks TLS from the first byte (as mobile.charter.net does
 * on 587): IMAP, POP3 and SMTP servers greet first, TLS servers wait for
 * the client.
 */
#define WIZARD_SNIFF_MS		3000
/*
 * The password goes to at most this many hosts that reject it, while no
 * login has succeeded yet: a wrong password is not sprayed over every
 * candidate (nor locks the account), but a bare rr.com address, which
 * can live on mail.twc.com or mail.brighthouse.com, still works.
 */
#define WIZARD_MAX_REJECTS	2

struct wizard_probe;

/* The probe keeps the password (run once, on first need) until freed. */
struct wizard_probe *wizard_probe_new(const struct wizard_probe_params *);
/*
 * Tries the provider's candidates for service in order, live: connects
 * (net_*_open: TLS verified, STARTTLS enforced; the password is only
 * asked for and sent after that), logs in, and stops at the first that
 * works, whose settings go to *chosen (host borrowed from the provider;
 * security may differ from the data when a starttls candidate turned out
 * to speak TLS from the first byte). Calls the callback once per
 * attempt. A rejected login stops the probe (of this and later services)
 * once WIZARD_MAX_REJECTS hosts rejected the password before any login
 * succeeded; a host that rejected it is not asked again. Returns 0, or
 * -1 and err when no candidate worked.
 */
int		 wizard_probe_run(struct wizard_probe *,
		    const struct wizard_provider *, enum wizard_service,
		    struct wizard_candidate *chosen, struct error *);
/*
 * Thread-safe, for a probe running on another thread: ends the
 * connection in progress now; with params.cancel set, no other
 * candidate is tried.
 */
void		 wizard_probe_cancel(struct wizard_probe *);
/* 1 once a login succeeded (the password is right). */
int		 wizard_probe_proven(const struct wizard_probe *);
void		 wizard_probe_free(struct wizard_probe *);

/* postern --setup --email ...: what the command line gave. */
struct wizard_setup {
	const char		*config_path;	/* where to write */
	const char		*email;
	const char		*name;		/* may be NULL */
	const char		*username;	/* NULL: the address */
	const char		*password_command;
	const char		*ca_file;	/* may be NULL */
	const char		*account_id;	/* NULL: the address */
	enum backend_kind	 backend;
	/* Asks "save?" (NULL: save without asking); 1 yes, 0 no. */
	int			 (*confirm)(void *);
	void			*arg;
};

/*
 * Looks the address up in the provider data, probes the incoming service
 * (IMAP or POP3) and SMTP, prints one line per attempt to out, then the
 * account section, asks, and writes it into the config file. Returns 0
 * when everything worked and the account was saved, 1 when a service
 * failed or the user said no (the account is saved without SMTP when
 * only SMTP failed), -1 and err for an error before probing.
 */
int		 wizard_setup_run(const struct wizard_setup *, FILE *out,
		    struct error *);

#endif
