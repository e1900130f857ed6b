#!/bin/sh
# tests/integration/pin.sh: tls.pin-sha256. A pinned self-signed server is
# accepted (the login is reached), and no other certificate is for that
# host: not another self-signed one, not even one a trusted CA signed.
. "$TOP_SRCDIR/tests/lib.sh"

export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

t_start_servers
CONF="$T_TMPDIR/config"

# fingerprint PORT: the SHA-256 of the leaf certificate served there.
fingerprint() {
	timeout 20 openssl s_client -connect "127.0.0.1:$1" -servername localhost \
	    < /dev/null 2> /dev/null | openssl x509 -noout -fingerprint -sha256 |
	    sed 's/^.*=//'
}
SELF_FP="$(fingerprint "$FAKE_IMAPS_SELFSIGNED_PORT")"
t_check '[ "${#SELF_FP}" = 95 ]' "the self-signed fake's fingerprint is known"
t_check '[ "$SELF_FP" != "$SERVER_CERT_SHA256" ]' "and differs from the real servers'"
# The same fingerprint as the config may have it: lower case, no colons.
SELF_FP_LOWER="$(printf '%s' "$SELF_FP" | tr -d : | tr 'A-F' 'a-f')"

# config PORT [LINE...]: an IMAP-only account on localhost:PORT.
config() {
	local port="$1"
	shift
	{
		printf '[account "p"]\nemail = alice@example.test\n'
		printf 'username = alice\npassword-command = printf %%s alice-pw-1\n'
		printf 'imap.host = localhost\nimap.port = %s\nimap.security = tls\n' "$port"
		printf 'timeout = 10\n'
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	} > "$CONF"
}
check() {
	t_run 60 -- "$POSTERN" -F "$CONF" --check > "$T_TMPDIR/out" 2>&1
	RC=$?
	OUT="$(cat "$T_TMPDIR/out")"
}
logins() {
	grep -c 'CREDENTIALS-SEEN' "$TESTENV_DIR/log/fake-imaps_selfsigned.log" 2> /dev/null
}

# Without a pin the self-signed server is refused before any login.
config "$FAKE_IMAPS_SELFSIGNED_PORT"
check
t_is "$RC" 1 "unpinned self-signed server: the check fails"
t_match "not trusted" "... because the certificate is not trusted"
t_is "$(logins)" 0 "... and no password was sent"

# Pinned: the certificate is accepted, the login is reached (the fake
# rejects every login: that is what proves TLS was accepted).
config "$FAKE_IMAPS_SELFSIGNED_PORT" "tls.pin-sha256 = LocalHost $SELF_FP_LOWER"
check
t_check 'printf "%s\n" "$OUT" | grep -q "authentication failed\|LOGIN failed\|login"' \
    "pinned self-signed server: TLS accepted, the login is tried"
t_check '! printf "%s\n" "$OUT" | grep -q "not trusted\|not the pinned"' \
    "... with no certificate error"
t_check '[ "$(logins)" -ge 1 ]' "... and the server saw the login"

# Another certificate on the pinned host: refused, even one signed by a
# CA the account trusts.
config "$IMAPS_PORT" "tls.pin-sha256 = localhost $SELF_FP" "tls.ca-file = $CA_FILE"
check
t_is "$RC" 1 "a different certificate on the pinned host: refused"
t_match "is not the pinned one: SHA-256 fingerprint $SERVER_CERT_SHA256, pinned $SELF_FP" \
    "... naming both fingerprints"
config "$FAKE_IMAPS_SELFSIGNED_PORT" "tls.pin-sha256 = localhost $SERVER_CERT_SHA256"
before="$(logins)"
check
t_is "$RC" 1 "the self-signed server when another certificate is pinned: refused"
t_match "is not the pinned one" "... as not the pinned one"
t_is "$(logins)" "$before" "... and no password was sent"

# A pin only covers its host: 127.0.0.1 is not localhost.
config "$FAKE_IMAPS_SELFSIGNED_PORT" "tls.pin-sha256 = 127.0.0.1 $SELF_FP"
check
t_match "not trusted" "a pin for another host does not apply"

# The real server, pinned and with no CA file: logs in.
config "$IMAPS_PORT" "tls.pin-sha256 = localhost $SERVER_CERT_SHA256"
check
t_is "$RC" 0 "the pinned real server logs in without its CA"
t_match "imap localhost:$IMAPS_PORT \\(tls\\): OK" "... OK"

# Bad pins are named by file and line.
config "$IMAPS_PORT" "tls.pin-sha256 = localhost 12:34"
check
t_match "config:9: bad SHA-256 fingerprint" "a short fingerprint is refused"
config "$IMAPS_PORT" "tls.pin-sha256 = localhost"
check
t_match "config:9: expected 'HOST SHA256-FINGERPRINT'" "a pin without a fingerprint is refused"
t_done
