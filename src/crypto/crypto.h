/*
 * src/crypto/crypto.h: OpenPGP through GPGME: a password kept in a file
 * encrypted to one of the user's keys.
 */
#ifndef POSTERN_CRYPTO_CRYPTO_H
#define POSTERN_CRYPTO_CRYPTO_H

#include <stddef.h>

#include "core/error.h"

#define CRYPTO_MAX_FILE		(64 * 1024)	/* an encrypted password */
#define CRYPTO_MAX_KEYS		64		/* keys offered */

/* One key the user can decrypt with: a secret key that can encrypt. */
struct crypto_key {
	char	*fpr;		/* fingerprint, hex */
	char	*uid;		/* first user id, may be "" */
};

/*
 * The user's secret keys that can encrypt (in $GNUPGHOME), at most
 * CRYPTO_MAX_KEYS, in *keysp (free with crypto_keys_free); 0 or -1 and
 * err when GnuPG cannot be used.
 */
int	 crypto_list_keys(struct crypto_key **keysp, size_t *np,
	    struct error *);
void	 crypto_keys_free(struct crypto_key *, size_t);
/*
 * Encrypts pass (a line) to the key fpr into path, which is replaced
 * atomically with mode 0600. Nothing in clear touches the disk.
 */
int	 crypto_encrypt_password(const char *path, const char *fpr,
	    const char *pass, struct error *);
/*
 * Decrypts path and returns its first line in *passp (the caller frees it
 * with config_password_free). The config_decrypt_cb for password-file.
 */
int	 crypto_decrypt_password(const char *path, char **passp,
	    struct error *);

#endif
