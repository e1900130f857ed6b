#!/bin/sh
# tests/integration/tls.sh: postern --check against the test servers and
# their hostile fakes. TLS is verified (CA, host name, expiry), STARTTLS is
# required when configured, and no credential ever leaves without TLS.
. "$TOP_SRCDIR/tests/lib.sh"

# Under --enable-sanitizers a finding must not pass for "check failed"
# (status 1): postern's stderr goes to its log, the status is all we see.
export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

t_start_servers
CONF="$T_TMPDIR/config"
: > "$CONF"

# acct ID BACKEND PROTO PORT SECURITY [CAFILE [USERNAME]]: appends an
# account for alice whose PROTO server is localhost:PORT. An SMTP-only
# check still needs a mailbox server: it gets the good IMAPS one.
acct() {
	{
		printf '[account "%s"]\n' "$1"
		printf 'email = alice@example.test\nbackend = %s\n' "$2"
		printf 'username = %s\n' "${7:-alice}"
		printf 'password-command = printf %%s %s\n' "${PASS:-alice-pw-1}"
		printf '%s.host = localhost\n%s.port = %s\n' "$3" "$3" "$4"
		printf '%s.security = %s\n' "$3" "$5"
		[ "$3" = smtp ] && printf 'imap.host = localhost\nimap.port = %s\n' \
		    "$IMAPS_PORT"
		[ -n "${6:-}" ] && printf 'tls.ca-file = %s\n' "$6"
		printf 'timeout = 10\n'
	} >> "$CONF"
}

# run_check ACCOUNT: postern --check ACCOUNT; output in OUT, status in RC.
run_check() {
	OUT="$(t_run 60 -- "$POSTERN" -F "$CONF" --check "$1" 2>&1)"
	RC=$?
}

# expect_status WANT DESC: ok when RC is WANT.
expect_status() {
	t_is "$RC" "$1" "$2"
}

acct imaps imap imap "$IMAPS_PORT" tls "$CA_FILE"
acct imap imap imap "$IMAP_PORT" starttls "$CA_FILE"
acct pop3s pop3 pop3 "$POP3S_PORT" tls "$CA_FILE"
acct pop3 pop3 pop3 "$POP3_PORT" starttls "$CA_FILE"
acct smtps imap smtp "$SMTPS_PORT" tls "$CA_FILE"
acct smtp imap smtp "$SMTP_PORT" starttls "$CA_FILE"
acct noca imap imap "$IMAPS_PORT" tls
acct badhost-imap imap imap "$FAKE_IMAPS_BADHOST_PORT" tls "$CA_FILE"
acct badhost-pop3 pop3 pop3 "$FAKE_POP3S_BADHOST_PORT" tls "$CA_FILE"
acct badhost-smtp imap smtp "$FAKE_SMTPS_BADHOST_PORT" tls "$CA_FILE"
acct selfsigned-imap imap imap "$FAKE_IMAPS_SELFSIGNED_PORT" tls "$CA_FILE"
acct selfsigned-smtp imap smtp "$FAKE_SMTPS_SELFSIGNED_PORT" tls "$CA_FILE"
acct expired imap imap "$FAKE_IMAPS_EXPIRED_PORT" tls "$CA_FILE"
for p in imap pop3 smtp; do
	b=imap
	[ "$p" = pop3 ] && b=pop3
	u=$(echo "$p" | tr a-z A-Z)
	eval "acct nostarttls-$p $b $p \"\$FAKE_${u}_NOSTARTTLS_PORT\" starttls \"\$CA_FILE\""
	eval "acct starttlsfail-$p $b $p \"\$FAKE_${u}_STARTTLSFAIL_PORT\" starttls \"\$CA_FILE\""
	eval "acct inject-$p $b $p \"\$FAKE_${u}_INJECT_PORT\" starttls \"\$CA_FILE\""
done
PASS=wrong-password acct wrongpw-imap imap imap "$IMAPS_PORT" tls "$CA_FILE"
PASS=wrong-password acct wrongpw-pop3 pop3 pop3 "$POP3_PORT" starttls "$CA_FILE"
PASS=wrongpw acct wrongpw-smtp imap smtp "$SMTP_PORT" starttls "$CA_FILE"
acct crlf imap imap "$IMAPS_PORT" tls "$CA_FILE" '"alice\nx LOGOUT"'

# --- the good servers, both ways in
for a in imaps imap pop3s pop3 smtps smtp; do
	run_check "$a"
	case "$a" in
	imaps) want="imap localhost:$IMAPS_PORT \\(tls\\)" ;;
	imap) want="imap localhost:$IMAP_PORT \\(starttls\\)" ;;
	pop3s) want="pop3 localhost:$POP3S_PORT \\(tls\\)" ;;
	pop3) want="pop3 localhost:$POP3_PORT \\(starttls\\)" ;;
	smtps) want="smtp localhost:$SMTPS_PORT \\(tls\\)" ;;
	smtp) want="smtp localhost:$SMTP_PORT \\(starttls\\)" ;;
	esac
	t_match "^$a $want: OK\$" "$a: verified and logged in"
	expect_status 0 "$a: exit status 0"
done

# --- certificates that must be refused
run_check noca
t_match "^noca imap localhost:$IMAPS_PORT \\(tls\\): FAILED: .*unable to get local issuer certificate" \
    "no CA file: the kit's CA is not trusted"
t_match "SHA-256 fingerprint $SERVER_CERT_SHA256\$" \
    "no CA file: the message gives the server's fingerprint"
expect_status 1 "no CA file: exit status 1"

for a in badhost-imap badhost-pop3 badhost-smtp; do
	run_check "$a"
	t_match "^$a (imap|pop3|smtp) localhost:[0-9]+ \\(tls\\): FAILED: .*'localhost'.*hostname mismatch; SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}\$" \
	    "$a: wrong host name refused"
	expect_status 1 "$a: exit status 1"
done
for a in selfsigned-imap selfsigned-smtp; do
	run_check "$a"
	t_match "^$a (imap|smtp) .*: FAILED: .*self-signed certificate" \
	    "$a: self-signed certificate refused"
done
run_check expired
t_match "^expired imap .*: FAILED: .*certificate has expired" \
    "expired certificate refused"

# --- downgrades: no STARTTLS, STARTTLS refused, bytes injected before TLS
for p in imap pop3 smtp; do
	run_check "nostarttls-$p"
	t_match "^nostarttls-$p $p localhost:[0-9]+ \\(starttls\\): FAILED: server localhost:[0-9]+ offers no (STARTTLS|STLS); refusing to send credentials" \
	    "$p without STARTTLS refused"
	expect_status 1 "$p without STARTTLS: exit status 1"
	run_check "starttlsfail-$p"
	t_match "^starttlsfail-$p $p .*: FAILED: .*refused (STARTTLS|STLS)" \
	    "$p with failing STARTTLS refused"
	run_check "inject-$p"
	t_match "^inject-$p $p .*: FAILED: .*sent data after accepting STARTTLS, before the TLS handshake" \
	    "$p STARTTLS response injection refused"
done
n=$(cat "$TESTENV_DIR"/log/fake-*.log | grep -c CREDENTIALS-SEEN)
t_is "$n" 0 "no fake server saw a credential"
for f in "$TESTENV_DIR"/log/fake-*_nostarttls.log "$TESTENV_DIR"/log/fake-*_starttlsfail.log; do
	n=$(grep -Ec 'C: .*(LOGIN|LOGOUT|USER|PASS|AUTH|QUIT|MAIL)' "$f")
	t_is "$n" 0 "nothing but capabilities and STARTTLS sent to $(basename "$f" .log)"
done

# --- authentication
for a in wrongpw-imap wrongpw-pop3 wrongpw-smtp; do
	run_check "$a"
	t_match "^$a (imap|pop3|smtp) .*: FAILED: authentication failed: " \
	    "$a: reported as an authentication failure"
	expect_status 1 "$a: exit status 1"
done

# --- a user name that would smuggle a command is never sent
logins="$(grep -c 'Login: ' "$TESTENV_DIR/log/dovecot.log")"
run_check crlf
t_match "^crlf imap localhost:$IMAPS_PORT \\(tls\\): FAILED: user name holds a line break; refusing to send it\$" \
    "user name with a line break refused"
expect_status 1 "user name with a line break: exit status 1"
t_is "$(grep -c 'Login: ' "$TESTENV_DIR/log/dovecot.log")" "$logins" \
    "no login reached Dovecot"
t_is "$(grep -c 'x LOGOUT' "$TESTENV_DIR/log/dovecot.log")" 0 \
    "the smuggled command never reached Dovecot"


# --- where the system's trust comes from (no tls.ca-file): the hashed
# directory, read one certificate at a time, and the bundle file only
# when the directory has no issuer for the chain.
if command -v openssl > /dev/null 2>&1; then
	CERTDIR="$(t_tmpdir certdir)"
	EMPTYDIR="$(t_tmpdir emptydir)"
	cp "$CA_FILE" "$CERTDIR/$(openssl x509 -hash -noout -in "$CA_FILE").0"
	# check_trust DIR FILE: --check noca with SSL_CERT_DIR and SSL_CERT_FILE.
	check_trust() {
		OUT="$(export SSL_CERT_DIR="$1" SSL_CERT_FILE="$2"
		    t_run 60 -- "$POSTERN" -F "$CONF" --check noca 2>&1)"
		RC=$?
	}
	check_trust "$CERTDIR" /nonexistent
	t_match "^noca imap localhost:$IMAPS_PORT \\(tls\\): OK$" \
	    "the kit's CA in the hashed trust directory is trusted"
	expect_status 0 "trust directory: exit status 0"
	check_trust "$EMPTYDIR" "$CA_FILE"
	t_match "^noca imap localhost:$IMAPS_PORT \\(tls\\): OK$" \
	    "the kit's CA only in the bundle file is still trusted"
	expect_status 0 "bundle file: exit status 0"
	check_trust "$EMPTYDIR" /nonexistent
	t_match "unable to get local issuer certificate" \
	    "in neither: not trusted"
	expect_status 1 "in neither: exit status 1"
fi

t_done
