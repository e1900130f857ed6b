#!/bin/bash
# The test harness's own check: the test servers start, every port answers,
# TLS verifies against the test CA, IMAP/POP3 logins work over TLS and are
# refused in plaintext, SMTP submission stores what it accepts, the hostile
# fakes record credentials, and stopping leaves no process behind.
# Does not use the postern binary.
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v curl > /dev/null 2>&1 || t_skip "curl is not installed"
t_start_servers
t_ok "servers started in $TESTENV_DIR"

# every port accepts a connection
for v in IMAP_PORT IMAPS_PORT POP3_PORT POP3S_PORT SMTP_PORT SMTPS_PORT \
    $(compgen -v | grep '^FAKE_.*_PORT$'); do
	t_check "timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${!v}'" \
	    "$v (${!v}) accepts connections"
done

C="curl -sS --max-time 20 --cacert '$CA_FILE'"
U="-u alice:alice-pw-1"

t_check "$C $U imaps://localhost:$IMAPS_PORT/" "IMAPS login and LIST"
t_check "$C $U --login-options AUTH=PLAIN imaps://localhost:$IMAPS_PORT/" \
    "IMAPS AUTHENTICATE PLAIN"
t_check "$C $U --ssl-reqd imap://localhost:$IMAP_PORT/" "IMAP STARTTLS and login"
t_check "$C $U pop3s://localhost:$POP3S_PORT/ -X UIDL" "POP3S login and UIDL"
t_check "$C $U --ssl-reqd pop3://localhost:$POP3_PORT/ -X UIDL" "POP3 STLS and login"
t_check_not "curl -sS --max-time 20 $U imaps://localhost:$IMAPS_PORT/" \
    "IMAPS refused without the test CA"
t_check_not "$C -u alice:wrong imaps://localhost:$IMAPS_PORT/" "IMAPS wrong password refused"

# plaintext login on the STARTTLS port is refused
plain_login() {
	exec 3<> "/dev/tcp/127.0.0.1/$IMAP_PORT" || return 1
	local greeting reply
	IFS= read -r -t 5 greeting <&3 || return 1
	printf 'a LOGIN alice alice-pw-1\r\n' >&3
	IFS= read -r -t 5 reply <&3 || return 1
	exec 3<&-
	case "$reply" in "a NO"*) return 0 ;; esac
	echo "reply: $reply"
	return 1
}
t_check plain_login "IMAP LOGIN without TLS refused"

# the certificate
fp="$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$IMAPS_PORT" \
    -CAfile "$CA_FILE" -verify_return_error 2> /dev/null |
    openssl x509 -noout -fingerprint -sha256 2> /dev/null | cut -d= -f2)"
t_is "$fp" "$SERVER_CERT_SHA256" "SERVER_CERT_SHA256 is the served certificate"
t_check "echo a LOGOUT | timeout 10 openssl s_client -quiet -connect 127.0.0.1:$IMAP_PORT -starttls imap -CAfile '$CA_FILE' -verify_hostname localhost -verify_return_error" \
    "STARTTLS chain verifies for localhost"

# generated mail
t_check "t_fill alice INBOX 30" "fill-mailbox 30 into INBOX"
t_check "t_fill alice Lists/dev 5" "fill-mailbox 5 into Lists/dev"
out="$(eval "$C $U -X 'STATUS INBOX (MESSAGES)' imaps://localhost:$IMAPS_PORT/" 2>&1)"
t_check "grep -q 'MESSAGES 30' <<< '$out'" "INBOX has 30 messages"
out="$(eval "$C $U -X 'LSUB \"\" \"*\"' imaps://localhost:$IMAPS_PORT/" 2>&1)"
t_check "grep -q 'Lists/dev' <<< '$out'" "Lists/dev is subscribed"
t_check "$C $U 'imaps://localhost:$IMAPS_PORT/INBOX;UID=3' | grep -q '^Message-ID: '" \
    "fetch a message"

# SMTP submission
msg="$T_TMPDIR/m.eml"
printf 'From: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: harness\r\nMessage-ID: <harness-1@example.test>\r\n\r\nbody\r\n.dot line\r\n' > "$msg"
SEND="--mail-from alice@example.test --mail-rcpt bob@example.test -T '$msg'"
t_check "$C $U --ssl-reqd smtp://localhost:$SMTP_PORT $SEND" "SMTP STARTTLS, AUTH PLAIN, send"
t_check "test -f '$SMTP_OUT/000001.eml' && cmp '$msg' '$SMTP_OUT/000001.eml'" \
    "the message landed in SMTP_OUT unchanged"
t_check "grep -q '\"auth_user\": \"alice\"' '$SMTP_OUT/000001.json'" "envelope records the user"
t_check "$C $U --login-options AUTH=LOGIN smtps://localhost:$SMTPS_PORT $SEND" \
    "SMTPS, AUTH LOGIN, send"
t_check "test -f '$SMTP_OUT/000002.eml'" "second message stored"
t_check_not "$C smtp://localhost:$SMTP_PORT $SEND" "SMTP without STARTTLS refused"
t_check_not "$C -u alice:wrong smtps://localhost:$SMTPS_PORT $SEND" "SMTP wrong password refused"
t_check_not "$C $U smtps://localhost:$SMTPS_PORT --mail-from alice@example.test --mail-rcpt reject-1@example.test -T '$msg'" \
    "reject-* recipient refused"

# hostile fakes
t_check_not "$C $U imaps://localhost:$FAKE_IMAPS_BADHOST_PORT/" "wrong host name rejected"
t_check_not "$C $U imaps://localhost:$FAKE_IMAPS_SELFSIGNED_PORT/" "self-signed rejected"
t_check_not "$C $U imaps://localhost:$FAKE_IMAPS_EXPIRED_PORT/" "expired rejected"
t_check_not "grep -q CREDENTIALS-SEEN '$TESTENV_DIR'/log/fake-*.log" "fakes saw no credentials"
t_check_not "$C -k $U imaps://localhost:$FAKE_IMAPS_BADHOST_PORT/" "fake refuses a login"
t_check "grep -q CREDENTIALS-SEEN '$TESTENV_DIR/log/fake-imaps_badhost.log'" \
    "fake records credentials sent to it"

# the config helper
cfg="$T_CONFIG_HOME/postern/config"
t_write_config "$cfg" home "timeout = 5"
t_check "grep -qx 'imap.port = $IMAPS_PORT' '$cfg' && grep -qx 'tls.ca-file = $CA_FILE' '$cfg' && grep -qx '\[account \"home\"\]' '$cfg' && tail -n 1 '$cfg' | grep -qx 'timeout = 5'" \
    "t_write_config writes the account"
t_is "$(bash -c "$(sed -n 's/^password-command = //p' "$cfg")")" alice-pw-1 \
    "the password command prints alice's password"

# stop: nothing left
. "$T_SERVERS/lib/common.sh"
pids="$(cat "$TESTENV_DIR/run/dovecot/master.pid" "$TESTENV_DIR/run/smtpd.pid" \
    "$TESTENV_DIR/run/fakeservers.pid")"
kids="$(for p in $pids; do children_of "$p"; done)"
t_check t_stop_servers "stop-servers"
t_check_not "running $pids $kids" "no server process left"
t_check_not "timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$IMAPS_PORT'" "IMAPS port closed"
t_check_not "timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$SMTPS_PORT'" "SMTPS port closed"

t_done
