/*
 * src/crypto/gpg.c: the password file of password-file: OpenPGP through
 * GPGME, encrypted to a key the user has, decrypted at start (gpg-agent
 * asks for the key's passphrase when it has one).
 */
#include <config.h>	/* autoconf's */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gpgme.h>

#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "crypto/crypto.h"

/* A context for OpenPGP, or NULL and err. */
static gpgme_ctx_t
gpg_context(struct error *err)
{
	gpgme_ctx_t	 ctx;
	gpgme_error_t	 e;

	gpgme_check_version(NULL);
	gpgme_set_locale(NULL, LC_CTYPE, setlocale(LC_CTYPE, NULL));
	if ((e = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (e = gpgme_new(&ctx)) != 0) {
		error_set(err, ERROR_SYS, _("cannot use GnuPG: %s"),
		    gpgme_strerror(e));
		return NULL;
	}
	gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
	return ctx;
}

int
crypto_list_keys(struct crypto_key **keysp, size_t *np, struct error *err)
{
	gpgme_ctx_t	 ctx;
	gpgme_key_t	 key;
	size_t		 n = 0;

	*keysp = NULL;
	*np = 0;
	if ((ctx = gpg_context(err)) == NULL)
		return -1;
	if (gpgme_op_keylist_start(ctx, NULL, 1) != 0) {
		gpgme_release(ctx);
		return error_set(err, ERROR_SYS, _("cannot list the OpenPGP "
		    "keys"));
	}
	while (n < CRYPTO_MAX_KEYS && gpgme_op_keylist_next(ctx, &key) == 0) {
		if (key->can_encrypt && !key->revoked && !key->expired &&
		    !key->disabled && key->fpr != NULL) {
			*keysp = xreallocarray(*keysp, n + 1, sizeof **keysp);
			(*keysp)[n].fpr = xstrdup(key->fpr);
			(*keysp)[n].uid = xstrdup(key->uids != NULL &&
			    key->uids->uid != NULL ? key->uids->uid : "");
			n++;
		}
		gpgme_key_unref(key);
	}
	gpgme_op_keylist_end(ctx);
	gpgme_release(ctx);
	*np = n;
	return 0;
}

void
crypto_keys_free(struct crypto_key *keys, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(keys[i].fpr);
		free(keys[i].uid);
	}
	free(keys);
}

/* Writes len bytes to path through a temporary file and a rename. */
static int
gpg_write_file(const char *path, const char *data, size_t len,
    struct error *err)
{
	char	*tmp;
	ssize_t	 w;
	size_t	 off = 0;
	int	 fd, ret = -1;

	if (fs_mkdir_parents(path, 0700, err) == -1)
		return -1;
	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		error_set_errno(err, ERROR_SYS, "%s", tmp);
		free(tmp);
		return -1;
	}
	fchmod(fd, 0600);
	while (off < len) {
		if ((w = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			error_set_errno(err, ERROR_SYS, "%s", tmp);
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1) {
		error_set_errno(err, ERROR_SYS, "%s", tmp);
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		error_set_errno(err, ERROR_SYS, "%s", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		error_set_errno(err, ERROR_SYS, "%s", path);
		goto out;
	}
	ret = 0;
out:
	if (fd != -1)
		close(fd);
	if (ret == -1)
		unlink(tmp);
	free(tmp);
	return ret;
}

int
crypto_encrypt_password(const char *path, const char *fpr, const char *pass,
    struct error *err)
{
	gpgme_ctx_t	 ctx;
	gpgme_key_t	 keys[2] = { NULL, NULL };
	gpgme_data_t	 in = NULL, out = NULL;
	gpgme_error_t	 e;
	char		*line, *cipher = NULL;
	size_t		 len = 0;
	int		 ret = -1;

	if ((ctx = gpg_context(err)) == NULL)
		return -1;
	line = xasprintf("%s\n", pass);
	gpgme_set_armor(ctx, 1);
	if ((e = gpgme_get_key(ctx, fpr, &keys[0], 0)) != 0) {
		error_set(err, ERROR_INPUT, _("no OpenPGP key '%s': %s"), fpr,
		    gpgme_strerror(e));
		goto out;
	}
	if ((e = gpgme_data_new_from_mem(&in, line, strlen(line), 0)) != 0 ||
	    (e = gpgme_data_new(&out)) != 0 ||
	    (e = gpgme_op_encrypt(ctx, keys, GPGME_ENCRYPT_ALWAYS_TRUST, in,
	    out)) != 0) {
		error_set(err, ERROR_SYS, _("cannot encrypt to '%s': %s"), fpr,
		    gpgme_strerror(e));
		goto out;
	}
	cipher = gpgme_data_release_and_get_mem(out, &len);
	out = NULL;
	if (cipher == NULL) {
		error_set(err, ERROR_SYS, _("cannot encrypt to '%s'"), fpr);
		goto out;
	}
	ret = gpg_write_file(path, cipher, len, err);
	log_info("password encrypted to %s into %s: %s", fpr, path,
	    ret == 0 ? "ok" : "failed");
out:
	gpgme_free(cipher);
	gpgme_data_release(in);
	gpgme_data_release(out);
	gpgme_key_unref(keys[0]);
	gpgme_release(ctx);
	explicit_bzero(line, strlen(line));
	free(line);
	return ret;
}

/* The first line of the clear text, checked as a password command's. */
static int
gpg_first_line(const char *path, const char *plain, size_t len,
    char **passp, struct error *err)
{
	size_t	 n;

	for (n = 0; n < len && plain[n] != '\n'; n++) {
		if (plain[n] == '\0')
			break;
	}
	if (n > 0 && plain[n - 1] == '\r')
		n--;
	if (n == 0)
		return error_set(err, ERROR_AUTH, _("the password file '%s' "
		    "holds no password"), path);
	if (memchr(plain, '\0', n) != NULL || memchr(plain, '\r', n) != NULL)
		return error_set(err, ERROR_AUTH, _("the password in '%s' "
		    "holds a control character"), path);
	*passp = xstrndup(plain, n);
	return 0;
}

int
crypto_decrypt_password(const char *path, char **passp, struct error *err)
{
	gpgme_ctx_t	 ctx;
	gpgme_data_t	 in = NULL, out = NULL;
	gpgme_error_t	 e;
	struct sbuf	 cipher;
	char		*plain = NULL;
	size_t		 len = 0;
	int		 ret = -1;

	*passp = NULL;
	sbuf_init(&cipher);
	if (fs_read_file(path, CRYPTO_MAX_FILE, &cipher, err) == -1) {
		sbuf_release(&cipher);
		return -1;
	}
	if ((ctx = gpg_context(err)) == NULL) {
		sbuf_release(&cipher);
		return -1;
	}
	if ((e = gpgme_data_new_from_mem(&in, cipher.buf, cipher.len, 0)) !=
	    0 || (e = gpgme_data_new(&out)) != 0 ||
	    (e = gpgme_op_decrypt(ctx, in, out)) != 0) {
		error_set(err, ERROR_AUTH, _("cannot decrypt '%s': %s"), path,
		    gpgme_strerror(e));
		goto out;
	}
	plain = gpgme_data_release_and_get_mem(out, &len);
	out = NULL;
	if (plain == NULL) {
		error_set(err, ERROR_AUTH, _("cannot decrypt '%s'"), path);
		goto out;
	}
	ret = gpg_first_line(path, plain, len, passp, err);
	explicit_bzero(plain, len);
	log_debug("password file %s: %s", path, ret == 0 ? "ok" : "failed");
out:
	gpgme_free(plain);
	gpgme_data_release(in);
	gpgme_data_release(out);
	gpgme_release(ctx);
	sbuf_release(&cipher);
	return ret;
}
