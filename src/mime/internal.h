/* src/mime/internal.h: helpers shared inside the mime module only. */
#ifndef POSTERN_MIME_INTERNAL_H
#define POSTERN_MIME_INTERNAL_H

#include <stddef.h>

#include "core/sbuf.h"

/* Longest charset name we pass to iconv; longer ones count as unknown. */
#define MIME_MAX_CHARSET	64

/* isspace() for bytes of mail: ASCII only, whatever the locale. */
#define MIME_ISSPACE(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || \
			    (c) == '\r' || (c) == '\f' || (c) == '\v')

/* Nonzero if the len bytes at s are valid UTF-8 (NUL counts as valid). */
int	 mime_utf8_valid(const char *s, size_t len);

/*
 * Appends the base64 text s (len bytes) decoded to out. A '=' ends a
 * group (what is left of it is dropped); whitespace and other bytes
 * outside the alphabet are skipped. Returns 0, or -1 if a byte other
 * than whitespace or '=' was skipped.
 */
int	 mime_b64_decode(const char *s, size_t len, struct sbuf *out);

/*
 * Appends the quoted-printable body text s decoded to out (RFC 2045 6.7:
 * soft line breaks removed, trailing blanks before a line end dropped, a
 * malformed '=' kept as is).
 */
void	 mime_qp_decode(const char *s, size_t len, struct sbuf *out);

/*
 * Appends the text/plain; format=flowed body s (UTF-8, any line ends) to
 * out as paragraphs (RFC 3676): one line each ending in '\n', with '\r'
 * where the sender broke it (a soft line break, the space before it
 * kept, or dropped with delsp); quoted paragraphs start with their depth
 * in '>' and a blank; space-stuffing is undone. Fixed lines stay lines.
 */
void	 mime_flowed_decode(const char *s, size_t len, int delsp,
	    struct sbuf *out);

/* One header field: name and raw value (folded, as sent). */
struct mime_field {
	const char	*name;
	size_t		 name_len;
	const char	*value;
	size_t		 value_len;
};

/*
 * Steps through the header block s (len bytes) from *pos, which starts
 * at 0; returns 1 and the next field, or 0 at the end of the block or at
 * a blank line. Lines that are no field are skipped.
 */
int	 mime_field_next(const char *s, size_t len, size_t *pos,
	    struct mime_field *);
/* Finds the first field called name (any case); 0 if there is none. */
int	 mime_field_find(const char *s, size_t len, const char *name,
	    struct mime_field *);

#define MIME_MAX_PARAMS		64	/* parameters read per field */

struct mime_param {
	char	*name;		/* lower case: "filename*0*" */
	char	*value;		/* unquoted, otherwise as sent */
	size_t	 value_len;
	int	 quoted;
};

/* A Content-Type or Content-Disposition value. */
struct mime_params {
	char			*value;	/* "text/plain": lower case */
	struct mime_param	 v[MIME_MAX_PARAMS];
	size_t			 n;
	int			 broken; /* stopped at junk */
};

/*
 * Parses "value *(; name=value)". With strict, unquoted values are
 * tokens as libetpan reads them (no '=', '/', '?', 8-bit ...).
 * Release with mime_params_release.
 */
void	 mime_params_parse(const char *s, size_t len, int strict,
	    struct mime_params *);
void	 mime_params_release(struct mime_params *);
/* Returns the parameter called name (lower case), or NULL. */
const struct mime_param	*mime_params_get(const struct mime_params *,
	    const char *name);
/*
 * Returns the value of parameter name as newly allocated UTF-8, decoded
 * from RFC 2231 (name*, name*0*, ...) or RFC 2047; NULL if it is absent.
 */
char	*mime_params_decode(const struct mime_params *, const char *name);

/*
 * Copies the message into out (same length, same offsets)
 * with what would make libetpan's parser crash or recurse without bound
 * made harmless; see prescan.c. Returns nonzero if nesting was flattened
 * or Content-Type fields were disabled.
 */
int	 mime_prescan(const char *msg, size_t len, struct sbuf *out);

/* Appends base64 of len bytes at s in lines of 76 characters + CRLF. */
void	 mime_b64_encode(const void *s, size_t len, struct sbuf *out);
/*
 * Appends s quoted-printable (RFC 2045 6.7) with CRLF line ends: '\n'
 * and CRLF in s end lines, lines stay within 76 columns (soft breaks),
 * blanks before a line end, '=', control and 8-bit bytes are encoded,
 * and so are "From " and "." at the start of a line.
 */
void	 mime_qp_encode(const char *s, size_t len, struct sbuf *out);

struct mime_address_list;

/*
 * Appends the header "name: value" + CRLF for unstructured UTF-8 text
 * (Subject): runs of words that are not printable ASCII become RFC 2047
 * words (Q or B, whichever is shorter), lines are folded under 78
 * columns, CR and LF become spaces, invalid UTF-8 is read as
 * windows-1252.
 */
void	 mime_header_text(struct sbuf *out, const char *name,
	    const char *value);
/* Appends an address header for l (names encoded as needed), folded. */
void	 mime_header_addresses(struct sbuf *out, const char *name,
	    const struct mime_address_list *l);
/*
 * Appends a header of message ids (In-Reply-To, References) taken from
 * ids ("<a@b> <c@d>"); what is not an id is dropped, and so is the
 * header when nothing is left.
 */
void	 mime_header_ids(struct sbuf *out, const char *name,
	    const char *ids);

#endif
