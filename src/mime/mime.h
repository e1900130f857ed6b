/* src/mime/mime.h: reading messages: header decoding, body rendering. */
#ifndef POSTERN_MIME_MIME_H
#define POSTERN_MIME_MIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/error.h"
#include "core/sbuf.h"

#define MIME_MAX_DEPTH		32		/* multipart nesting we follow */
#define MIME_MAX_PARTS		1000		/* parts we list */
#define MIME_MAX_HEADER		(256 * 1024)	/* one decoded header value */
#define MIME_MAX_ADDRESSES	1000		/* in one address list */
#define MIME_MAX_ADDRESS_TEXT	(64 * 1024)	/* an address list as typed */
#define MIME_MAX_ATTACHMENTS	100		/* files in one message */
#define MIME_MAX_ATTACHMENT	(25 * 1024 * 1024) /* bytes of one file */
#define MIME_MAX_BODY		(16 * 1024 * 1024) /* bytes of the text */

enum mime_render_flags {
	MIME_RENDER_ALL_HEADERS = (1 << 0),	/* every header, as sent */
	/*
	 * text/plain; format=flowed as paragraphs to rewrap: one line
	 * each, '\r' marking the sender's soft line breaks, quoted ones
	 * starting with '>' per level and a blank (RFC 3676). Without
	 * this flag no '\r' is ever put out.
	 */
	MIME_RENDER_FLOWED = (1 << 1),
	/*
	 * A message read with parts left out: a part whose body is the
	 * line MIME_OMITTED "SECTION SIZE" is shown with that size, as on
	 * the server (the model's MODEL_OMITTED).
	 */
	MIME_RENDER_OMITTED = (1 << 2),
};
#define MIME_OMITTED		"X-Postern-Omitted: "

/*
 * Decodes a header value: RFC 2047 encoded words (adjacent ones joined),
 * unfolding, and raw 8-bit bytes (taken as UTF-8 when valid, else as
 * windows-1252). Returns newly allocated UTF-8, never NULL; the caller
 * frees it. Control characters are kept: sanitize before display.
 */
char	*mime_decode_header(const char *raw, size_t len);

/*
 * Converts len bytes in charset to UTF-8 and appends them to out. An
 * unknown charset is taken as windows-1252 (latin-1 superset) when the
 * bytes are not valid UTF-8; invalid input bytes become U+FFFD.
 */
void	 mime_charset_to_utf8(const char *charset, const char *s, size_t len,
	    struct sbuf *out);

/*
 * Renders a raw message (RFC 5322, CRLF or LF) for the pager as UTF-8
 * text with '\n' line ends: the chosen headers (Date, From, To, Cc,
 * Reply-To, Subject; all with MIME_RENDER_ALL_HEADERS) decoded, a blank
 * line, then the text body: the text/plain part (text/html reduced to
 * plain text when there is no text/plain), transfer encoding and charset
 * decoded, and one line per other part ("[-- Attachment #2: name,
 * type, size --]"). Hostile nesting and sizes are bounded. Control
 * characters are kept: the pager sanitizes when it draws.
 */
int	 mime_render(const char *msg, size_t len, int flags, struct sbuf *out,
	    struct error *);

/*
 * One address of a list. addr is "local@domain" as on the wire (UTF-8
 * only for an internationalized address, RFC 6531);
 * name the display name in UTF-8, or NULL; group the name of the group
 * it belongs to, or NULL. An empty group ("undisclosed-recipients:;")
 * is one entry with addr NULL. The list owns the strings.
 */
struct mime_address {
	char	*name;
	char	*addr;
	char	*group;
};

struct mime_address_list {
	struct mime_address	*v;
	size_t			 n;
};

/*
 * Parses an RFC 5322 address list (display names quoted or not, with
 * commas in quotes, comments, groups, angle addresses, RFC 2047 words in
 * names; UTF-8 names typed as they are) and appends its addresses to l
 * (start from { NULL, 0 }). On error (ERROR_INPUT naming the problem)
 * returns -1 and l is as it was. Addresses may hold UTF-8 (valid only)
 * in the local part and the domain (RFC 6531); see mime_address_to_ascii.
 */
int	 mime_address_parse(const char *s, struct mime_address_list *l,
	    struct error *);
/* Frees the addresses and empties l. */
void	 mime_address_list_release(struct mime_address_list *l);

/*
 * A message to build. Strings are UTF-8 and borrowed for the call; NULL
 * (or "") leaves a header out. Address fields are lists for
 * mime_address_parse; from must hold exactly one mailbox.
 */
struct mime_draft {
	const char		 *from;
	const char		 *to;
	const char		 *cc;
	const char		 *bcc;		/* envelope only, never written */
	const char		 *reply_to;
	const char		 *subject;
	const char		 *in_reply_to;	/* "<id>" */
	const char		 *references;	/* "<id> <id> ..." */
	const char		 *body;		/* text, '\n' or CRLF lines */
	size_t			  body_len;
	const char *const	 *attachments;	/* file paths */
	size_t			  nattachments;
	time_t			  date;		/* 0: now */
	/*
	 * Optional, per attachment (NULL, or NULL entries: from the path):
	 * the name the recipient sees and the MIME type. A message/ type
	 * is sent as it is (7bit or 8bit), never base64 (RFC 2046 5.2.1).
	 */
	const char *const	 *attachment_names;
	const char *const	 *attachment_types;
	int			  flowed;	/* text as format=flowed */
	int			  keep_bcc;	/* write Bcc (drafts only) */
};

/* Who a built message goes to; owned by the caller (mime_envelope_release). */
struct mime_envelope {
	char	 *from;		/* the From address */
	char	**rcpts;	/* To, Cc and Bcc, each once */
	size_t	  nrcpts;
};

/*
 * Builds the message for draft into msg (appended, CRLF line ends): Date,
 * From, To, Cc, Subject, Reply-To, Message-ID (random, at From's
 * domain), In-Reply-To, References, MIME-Version, User-Agent; non-ASCII
 * text as RFC 2047 words, lines folded under 78 columns. The body is
 * text/plain; charset=utf-8 in 7bit when it is ASCII with lines of at
 * most 998 bytes, else quoted-printable (invalid UTF-8 is read as
 * windows-1252). Attachments become base64 parts of a multipart/mixed,
 * typed by file name extension, named with RFC 2231 when not ASCII.
 * Fills env (the caller releases it). ERROR_INPUT for bad addresses or
 * too many or too large parts, ERROR_SYS for an unreadable file.
 */
int	 mime_build(const struct mime_draft *, struct sbuf *msg,
	    struct mime_envelope *env, struct error *);
void	 mime_envelope_release(struct mime_envelope *);

/*
 * The addresses of the header field name (every field of that name) of
 * the raw message msg, appended to l as mime_address_parse does. 0 when
 * there is none; -1 and err when one does not parse.
 */
int	 mime_header_address_list(const char *msg, size_t len,
	    const char *name, struct mime_address_list *l, struct error *);

/*
 * Internationalized domains (src/mime/idn.c). mime_punycode_encode
 * appends the Punycode (RFC 3492) of the n code points cp to out; -1 on
 * overflow or a code point past U+10FFFF. mime_idn_to_ascii returns
 * the domain (UTF-8) with each non-ASCII label as "xn--" + Punycode
 * (labels taken as typed, ASCII letters lowered; no UTS 46 mapping);
 * mime_address_to_ascii does that to the domain of "local@domain" and
 * refuses a non-ASCII local part. Both return a string the caller
 * frees, or NULL and ERROR_INPUT. mime_has_8bit: a byte >= 0x80 in s.
 */
int	 mime_punycode_encode(const uint32_t *cp, size_t n, struct sbuf *out);
char	*mime_idn_to_ascii(const char *domain, struct error *);
char	*mime_address_to_ascii(const char *addr, struct error *);
int	 mime_has_8bit(const char *s, size_t len);

/* The MIME type for a file name's extension; application/octet-stream. */
const char	*mime_type_for_name(const char *name);

/* How a part's body is encoded for transfer. */
enum mime_encoding {
	MIME_ENC_RAW,		/* 7bit, 8bit, binary, unknown */
	MIME_ENC_QP,
	MIME_ENC_BASE64,
};

/*
 * One node of a message's MIME tree, depth first. Strings are owned by
 * the list; type, encoding and charset hold printable ASCII only (lower
 * case as sent), name is the decoded file name (RFC 2231 / RFC 2047) in
 * UTF-8, unsanitized, or NULL.
 */
struct mime_part {
	int			 depth;		/* 0: the message's body */
	char			*type;		/* "text/plain" */
	char			*name;
	char			*encoding;	/* "base64", "7bit" ... */
	char			*charset;	/* or NULL */
	size_t			 size;		/* decoded bytes */
	int			 multipart;	/* a container: no body */
	int			 attachment;	/* disposition attachment */
	enum mime_encoding	 enc;
	size_t			 body_off;	/* the encoded body in the */
	size_t			 body_len;	/* message */
};

struct mime_part_list {
	struct mime_part	*v;
	size_t			 n;
};

/*
 * Lists the MIME tree of the raw message msg (multiparts, their parts,
 * nested messages and their parts) into l, at most MIME_MAX_PARTS nodes.
 * ERROR_INPUT if the message cannot be parsed. Release l with
 * mime_part_list_release, also after an error.
 */
int	 mime_parts(const char *msg, size_t len, struct mime_part_list *l,
	    struct error *);
void	 mime_part_list_release(struct mime_part_list *l);
/* Appends the body of part p of msg, transfer encoding undone, to out. */
void	 mime_part_decode(const char *msg, size_t len,
	    const struct mime_part *p, struct sbuf *out);

#define MIME_MAX_FILENAME	128	/* bytes of a file name we write */

/*
 * Returns a file name safe to create in a directory the user chose, made
 * from name as a message gives it (decoded UTF-8): only what follows the
 * last '/' or '\', control characters, invalid UTF-8 and bidirectional
 * controls replaced with '_', leading dots, dashes and blanks and
 * trailing dots and blanks removed, cut to MIME_MAX_FILENAME bytes
 * keeping a short extension. NULL if nothing is left ("..", ""); the
 * caller frees the result.
 */
char	*mime_safe_filename(const char *name);

/*
 * Appends the HTML text s (UTF-8) reduced to plain text: tags removed,
 * script and style dropped, common entities decoded, block elements
 * turned into line breaks.
 */
void	 mime_html_to_text(const char *s, size_t len, struct sbuf *out);

/*
 * Calls html (when not NULL) to turn a text/html body into text instead
 * of the built-in converter; html gets UTF-8 and appends UTF-8 to out,
 * returning -1 to fall back to the built-in one.
 */
typedef int	(*mime_html_cb)(const char *html, size_t len, struct sbuf *out,
		    void *arg);
/* mime_render with an HTML converter. */
int	 mime_render_html(const char *msg, size_t len, int flags,
	    mime_html_cb html, void *arg, struct sbuf *out, struct error *);

/* One mailcap entry (RFC 1524); strings owned by it. */
struct mime_mailcap {
	char	*type;		/* "text/html", "image/ *" or "text" */
	char	*command;	/* the view command */
	char	*test;		/* test=, or NULL */
	char	*nametemplate;	/* nametemplate=, or NULL */
	int	 copiousoutput;
	int	 needsterminal;
};

#define MIME_MAILCAP_MAX_LINE	(16 * 1024)	/* one entry, joined */
#define MIME_MAILCAP_MAX_FILE	(1024 * 1024)

/*
 * Parses one mailcap entry (continuation lines already joined, comment
 * and blank lines excluded) into e; -1 if it is no entry. Release e with
 * mime_mailcap_release.
 */
int	 mime_mailcap_parse(const char *line, struct mime_mailcap *e);
void	 mime_mailcap_release(struct mime_mailcap *e);
/*
 * The mailcap search path: $MAILCAPS when set (':' separated), else
 * ~/.mailcap:/etc/mailcap. Returns a new string.
 */
char	*mime_mailcap_path(void);
/*
 * Finds the first entry for type (lower case) in the files of path whose
 * test command (run through /bin/sh) succeeds; with copious set only
 * entries marked copiousoutput count. 0 and *e filled, or -1.
 */
int	 mime_mailcap_find(const char *path, const char *type, int copious,
	    struct mime_mailcap *e);
/*
 * Expands the command of e for a shell: %s becomes file (quoted for
 * sh), %t the type, %{charset} the charset (reduced to letters, digits
 * and "-_.:" ), %% a '%'; other parameters expand to nothing. *stdinp
 * is set when there is no %s (the data goes to standard input). Returns
 * a new string.
 */
char	*mime_mailcap_expand(const struct mime_mailcap *e, const char *file,
	    const char *type, const char *charset, int *stdinp);
/* Appends s to out quoted for /bin/sh ('...'). */
void	 mime_shell_quote(struct sbuf *out, const char *s);
/*
 * The value of the first header field called name (any case) of msg,
 * unfolded and decoded (as mime_decode_header); NULL if there is none.
 * The caller frees it.
 */
char	*mime_header_get(const char *msg, size_t len, const char *name);

/* Appends one address as "Name <a@b>" (the name quoted when needed). */
void	 mime_address_format(struct sbuf *, const struct mime_address *);

/*
 * A message being written, as the user edits it. Every string is owned
 * (free or replace it), NULL when empty.
 */
struct mime_compose {
	char		*from;
	char		*to;
	char		*cc;
	char		*bcc;
	char		*subject;
	char		*reply_to;
	char		*in_reply_to;	/* "<id>" */
	char		*references;	/* "<id> <id> ..." */
	struct sbuf	 body;		/* UTF-8 text, '\n' lines */
};

#define MIME_MAX_REFERENCES	50	/* ids kept in References */

void	 mime_compose_init(struct mime_compose *);
void	 mime_compose_release(struct mime_compose *);

/*
 * The text for the editor: From, To, Cc, Bcc, Subject and Reply-To
 * lines, a blank line, the body; appended to out.
 */
void	 mime_template_format(const struct mime_compose *, struct sbuf *out);
/*
 * Reads the editor's text back into c: the header lines up to the first
 * blank line (folded lines joined; a line that is no header starts the
 * body), then the body. In-Reply-To and References of c are kept.
 * ERROR_INPUT (c unchanged) for an unknown header or too long a text.
 */
int	 mime_template_parse(const char *s, size_t len, struct mime_compose *c,
	    struct error *);

/*
 * subject with "prefix: " in front, unless it already starts with it
 * (or "Re:", "Fwd:", "Fw:" of the same kind, any case); a new string.
 */
char	*mime_subject_prefixed(const char *subject, const char *prefix);

/*
 * Parses a mailto: URI (RFC 6068) into c: the addresses before '?' and
 * the to, cc, bcc, subject, body and in-reply-to fields, percent-decoded;
 * other fields are ignored (they are not safe to take from a link).
 * ERROR_INPUT for a malformed URI.
 */
int	 mime_mailto_parse(const char *uri, struct mime_compose *c,
	    struct error *);

enum mime_reply_kind {
	MIME_REPLY_SENDER,	/* Reply-To, else From */
	MIME_REPLY_GROUP,	/* and everyone in To and Cc but own */
	MIME_REPLY_LIST,	/* the List-Post address */
};

/*
 * Fills c (To, Cc, Subject "Re: ...", In-Reply-To, References, the
 * body: an attribution line and the text quoted with "> ") for a reply
 * to the raw message msg. own lists the user's addresses: they are
 * left out of a group reply, and the one the original was addressed to
 * becomes c->from (else from stays NULL). ERROR_INPUT when a list reply
 * finds no List-Post address.
 */
int	 mime_reply_init(const char *msg, size_t len, enum mime_reply_kind,
	    const struct mime_address_list *own, struct mime_compose *c,
	    struct error *);
/*
 * Fills c for forwarding msg: Subject "Fwd: ...", and unless attach is
 * set, the original's headers and text in the body.
 */
int	 mime_forward_init(const char *msg, size_t len, int attach,
	    struct mime_compose *c, struct error *);

/*
 * Called by mime_split_parts per part: type is "type/subtype" in lower
 * case, name the file name (UTF-8) or NULL, data the decoded bytes
 * (a text part without a name converted to UTF-8 with '\n' lines).
 * Everything is borrowed for the call.
 */
typedef void	(*mime_part_cb)(const char *type, const char *name,
		    const char *data, size_t len, void *arg);
/*
 * Splits a message as mime_build makes it (a text, or a multipart/mixed
 * of a text and files, one level) into its parts, in order, for cb.
 * Nested multiparts come as one part each. Used to recall a draft.
 */
void	 mime_split_parts(const char *msg, size_t len, mime_part_cb cb,
	    void *arg);

#endif
