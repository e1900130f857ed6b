/* src/core/base64.h: base64 digits, for MIME and IMAP's modified UTF-7. */
#ifndef POSTERN_CORE_BASE64_H
#define POSTERN_CORE_BASE64_H

/*
 * The value (0-63) of base64 digit c, or -1. digit63 is the character
 * for 63: '/' in MIME (RFC 2045), ',' in IMAP mailbox names (RFC 3501).
 */
static inline int
base64_digit(unsigned char c, unsigned char digit63)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == digit63)
		return 63;
	return -1;
}

#endif
