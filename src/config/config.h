/* src/config/config.h: the configuration file and its accounts. */
#ifndef POSTERN_CONFIG_CONFIG_H
#define POSTERN_CONFIG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct sbuf;

#define CONFIG_MAX_SIZE		(1024 * 1024)	/* a config is small text */
#define CONFIG_MAX_ACCOUNTS	64
#define CONFIG_MAX_VALUE	4096
#define CONFIG_MAX_DAYS		36500		/* pop3.delete-after-days */
#define CONFIG_MAX_MESSAGE_SIZE	(256U * 1024 * 1024) /* pop3.max-message-size */

enum security {
	SECURITY_TLS = 0,	/* TLS from the first byte, on any port */
	SECURITY_STARTTLS,	/* plaintext greeting, then STARTTLS/STLS */
};

/* pop3.auth: how a POP3 account logs in. */
enum pop3_auth {
	POP3_AUTH_AUTO = 0,	/* APOP if offered, else SASL PLAIN, else USER */
	POP3_AUTH_APOP,		/* APOP only (needs the greeting's timestamp) */
	POP3_AUTH_SASL,		/* AUTH PLAIN only (CAPA SASL must offer it) */
	POP3_AUTH_USER,		/* USER/PASS only */
};

#define CONFIG_BODY_CACHE_SIZE	(50U * 1024 * 1024) /* its default */
#define CONFIG_MAX_CHECK_INTERVAL	(7 * 86400)	/* seconds */

enum backend_kind {
	BACKEND_IMAP = 0,
	BACKEND_POP3,
};

/* One server of an account; host NULL when the account names none. */
struct endpoint {
	char		*host;
	uint16_t	 port;
	enum security	 security;
};

/* All strings are owned by the config and freed with it. */
struct account {
	char			*id;		/* the [account "id"] name */
	char			*name;		/* display name, may be NULL */
	char			*email;
	enum backend_kind	 backend;
	char			*username;
	char			*password_command;
	char			*ca_file;	/* extra trusted CA, may be NULL */
	struct endpoint		 imap;
	struct endpoint		 pop3;
	struct endpoint		 smtp;
	int			 timeout;	/* seconds for connect and reads */
	/* POP3 policy: see postern.conf(5). */
	int			 pop3_leave_on_server;	/* default 1 */
	int			 pop3_delete_after_days; /* -1: never */
	int			 pop3_delete_when_deleted_locally;
	uint32_t		 pop3_max_message_size;	/* bytes; 0: none */
	enum pop3_auth		 pop3_auth;
	int			 pop3_check_interval;	/* seconds; 0: none */
	/* Live updates and operations: see postern.conf(5). */
	int			 delete_to_trash;	/* default 1 */
	int			 expunge_on_leave;	/* default 1 */
	int			 imap_idle;		/* default 1 */
	int			 poll_interval;		/* seconds, default 3 */
	int			 status_interval;	/* seconds, default 60 */
	/* Where the password comes from besides password_command. */
	char			*password_file;	/* OpenPGP-encrypted */
	int			 password_ask;	/* typed at each start */
	/* tls.pin-sha256: "HOST AB:CD:..." each, host in lower case. */
	char			**tls_pins;
	size_t			 ntls_pins;
	/* Composing: see postern.conf(5). May be NULL. */
	char			*signature;	/* file appended to new text */
	char			*alternates;	/* other From addresses */
	char			*drafts;	/* IMAP folder for drafts */
	int			 forward_attach; /* forward as message/rfc822 */
	int			 format_flowed;	/* send format=flowed */
	/* imap.body-cache-size: bytes of messages kept; 0: none. */
	uint32_t		 imap_body_cache_size;
	/* identity-signature: "ADDRESS FILE" each, address in lower case. */
	char			**identity_signatures;
	size_t			 nidentity_signatures;
	const char		*file;		/* where it was defined */
	int			 line;
};

/* The index order ([ui] sort); ascending unless reversed. */
enum config_sort {
	CONFIG_SORT_DATE,	/* Date: header, oldest first */
	CONFIG_SORT_ARRIVAL,	/* UID */
	CONFIG_SORT_FROM,
	CONFIG_SORT_SUBJECT,	/* without Re:, Fwd: ... */
	CONFIG_SORT_SIZE,
	CONFIG_SORT_THREAD,	/* threads by their newest message */
	CONFIG_SORT_COUNT
};

/* A bind, unbind or macro line, kept for the UI to run. */
struct config_command {
	char		*text;		/* the line, trimmed */
	int		 line;
};

#define CONFIG_MAX_COMMANDS	4096
#define CONFIG_MAX_SIDEBAR_WIDTH 200	/* columns */
#define CONFIG_MAX_PAGER_SPLIT	200	/* rows */

struct config {
	char		*path;
	struct account	*accounts;
	size_t		 naccounts;
	char		*theme;		/* theme name, may be NULL */
	enum config_sort sort;		/* default: date, reversed */
	int		 sort_reverse;
	char		*query_command;	/* [ui] query-command, may be NULL */
	int		 pager_wrap;	/* [ui] wrap: 1 wraps long lines */
	char		*url_command;	/* [ui] url-command, may be NULL */
	int		 osc52;		/* [ui] osc52: copy URLs with OSC 52 */
	/* Key bindings: checked and run by the UI, which names bad ones. */
	struct config_command *commands;
	size_t		 ncommands;
	/* [ui] layout */
	int		 sidebar;	/* default 1 */
	int		 sidebar_width;	/* columns; 0: a quarter, at most 32 */
	int		 pager_split;	/* index rows above the pager; 0: none */
	int		 mouse;		/* default 0 */
};

/* The default config path: $XDG_CONFIG_HOME/postern/config; caller frees. */
char		*config_default_path(void);
/*
 * Reads and checks the file at path. On failure returns NULL and err says
 * "file:line: what is wrong".
 */
struct config	*config_load(const char *path, struct error *);
/* Parses text as if read from name (for tests); as config_load. */
struct config	*config_parse(const char *name, const char *text, size_t len,
		    struct error *);
void		 config_free(struct config *);
/* The account called id, the first one when id is NULL; NULL if none. */
const struct account *config_find_account(const struct config *,
		    const char *id);
/* Parses a port number 1-65535. */
int		 config_parse_port(const char *, uint16_t *, struct error *);
/*
 * Parses a sort order: date, arrival, from, subject, size or thread,
 * optionally prefixed "reverse-".
 */
int		 config_parse_sort(const char *, enum config_sort *,
		    int *reversep, struct error *);
/* The sort order's name without "reverse-", e.g. "thread". */
const char	*config_sort_name(enum config_sort);
/* "AB:CD:..." of a SHA-256 digest, with the NUL. */
#define CONFIG_FINGERPRINT_LEN	96
#define CONFIG_MAX_PINS		16	/* tls.pin-sha256 lines per account */
#define CONFIG_MAX_IDENTITY_SIGNATURES	32	/* as many as identities */
/*
 * Normalises a SHA-256 fingerprint (64 hexadecimal digits, colons
 * allowed) to "AB:CD:..." in out; -1 and err if it is not one.
 */
int		 config_parse_fingerprint(const char *,
		    char out[CONFIG_FINGERPRINT_LEN], struct error *);
/* The fingerprint pinned for host (any case) in the account, or NULL. */
const char	*config_pin_find(const struct account *, const char *host);
/*
 * The signature file of the account's identity addr (any case): its
 * identity-signature, else the account's signature (NULL if none).
 * "none" as an identity-signature file means no signature: NULL.
 */
const char	*config_identity_signature(const struct account *,
		    const char *addr);
/* Returns "tls" or "starttls". */
const char	*config_security_name(enum security);

/*
 * Runs the account's password command through /bin/sh and returns its
 * first output line in *passp (the caller frees it with
 * config_password_free, which wipes it). Fails if the command fails,
 * prints nothing, or the password holds CR, LF or NUL.
 */
int		 config_password(const struct account *, char **passp,
		    struct error *);
void		 config_password_free(char *);
/*
 * A password obtained while the caller does something else (connects):
 * config_password_start begins config_password for the account on a
 * thread of its own (a typed password is copied at once); the account is
 * borrowed until config_password_pending_free. config_password_wait
 * waits for it and gives config_password's result: 0 and the password in
 * *passp (borrowed from p until it is freed), or -1 and err. It may be
 * called again, with the same result. config_password_pending_free
 * waits too if nobody did (the command is never left behind), then
 * wipes the password. Never NULL; the free takes NULL.
 */
struct config_password_pending;
struct config_password_pending *config_password_start(const struct account *);
/* One whose password is known already (a copy of pass): for tests. */
struct config_password_pending *config_password_known(const char *pass);
int		 config_password_wait(struct config_password_pending *,
		    const char **passp, struct error *);
void		 config_password_pending_free(struct config_password_pending *);
/*
 * password-file: decrypts the file and returns its first line, as
 * config_password does for a command. Set once at start-up by main (the
 * OpenPGP code lives in a later layer); NULL makes password-file fail.
 */
typedef int	(*config_decrypt_cb)(const char *path, char **passp,
		    struct error *);
void		 config_password_set_decrypt(config_decrypt_cb);
/*
 * password-ask: remembers what the user typed for the account called id
 * (a copy, wiped at config_password_forget); config_password returns a
 * copy of it. Before that, config_password fails for such an account.
 */
void		 config_password_set_asked(const char *id, const char *pass);
/* Wipes every remembered password. */
void		 config_password_forget(void);

/*
 * Appends the account as an [account "ID"] section to sb, in a form that
 * config_parse reads back; a value that needs it is quoted. A config has
 * no password to write, only password-command. -1 and err (sb unchanged)
 * for an ID or a value that cannot be written (control characters).
 */
int		 config_format_account(struct sbuf *, const struct account *,
		    struct error *);
/*
 * Writes the account into the config file at path: replaces its section
 * (*replacedp = 1) or appends one (0), keeping every other line. The
 * new text must parse, or nothing is written. The file is replaced
 * atomically, with mode 0600 (a symbolic link is written through);
 * missing parent directories are made with mode 0700.
 */
int		 config_write_account(const char *path, const struct account *,
		    int *replacedp, struct error *);

#endif
