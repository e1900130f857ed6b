#!/bin/bash
# tests/integration/pop3-auth.sh: the ways a POP3 account logs in against
# the real Dovecot (APOP with our own digest, SASL PLAIN, USER/PASS, and
# pop3.auth = auto), seen on the wire in Dovecot's log; a wrong APOP
# password fails clearly; a message over pop3.max-message-size is named
# by its sender and subject (TOP); a message sent from a POP3 account is
# kept in the local Sent folder, and Sent and Drafts exist.
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v sqlite3 > /dev/null 2>&1 || t_skip "sqlite3 (the command) is not installed"
t_start_servers
t_fill alice INBOX 3 || t_fail "fill alice's INBOX"

MD="$TESTENV_DIR/home/alice/Maildir"
STORE="$T_DATA_HOME/postern/test"
DB="$STORE/store.db"
CONF="$T_CONFIG_HOME/postern/config"
DLOG="$TESTENV_DIR/log/dovecot.log"

fetch() {
	t_run -- "$POSTERN" -d debug --fetch test > "$T_TMPDIR/fetch.out" 2>&1
	local rc=$?
	cat "$T_TMPDIR/fetch.out"
	return $rc
}

# logins: the number of successful POP3 logins with method $1 so far.
logins() {
	grep -c "pop3-login: Info: Login: user=<alice>, method=$1," "$DLOG"
}

# --- the server's greeting carries an APOP timestamp (Dovecot with apop).
t_check 'timeout 20 openssl s_client -quiet -connect "localhost:$POP3S_PORT" -CAfile "$CA_FILE" < /dev/null 2> /dev/null | head -n 1 | grep -Eq "^\+OK .*<[^>]+>"' \
    "the test Dovecot greets with an APOP timestamp"

# --- APOP, asked for: Dovecot logs method=APOP, and the check works.
before="$(logins APOP)"
t_write_config "$CONF" test "backend = pop3" "pop3.auth = apop"
t_check 'fetch | grep -qx "3 new, 0 skipped, 0 deleted on the server"' \
    "pop3.auth = apop logs in and downloads"
t_is "$(logins APOP)" "$((before + 1))" "Dovecot logged an APOP login"
t_check 'grep -q "APOP as the configured user" "$T_STATE_HOME/postern/log"' \
    "Postern's log says it used APOP"

# --- a wrong password with APOP fails clearly, and sends no PASS.
t_write_config "$CONF" test "backend = pop3" "pop3.auth = apop" \
    "password-command = printf %s wrong-pw"
before_fail="$(grep -c "auth failed.*method=APOP" "$DLOG")"
t_check_not 'fetch' "a wrong APOP password makes --fetch fail"
t_check 'grep -q "APOP login failed: .*Authentication failed" "$T_TMPDIR/fetch.out"' \
    "and says APOP login failed with the server's reason"
# (Dovecot logs it when the connection has closed: give it a moment.)
t_check 'for i in $(seq 50); do [ "$(grep -c "auth failed.*method=APOP" "$DLOG")" -gt "$before_fail" ] && exit 0; sleep 0.1; done; exit 1' \
    "Dovecot logged the failed APOP attempt"

# --- SASL PLAIN, asked for.
before="$(logins PLAIN)"
t_write_config "$CONF" test "backend = pop3" "pop3.auth = sasl"
t_check 'fetch | grep -qx "0 new, 0 skipped, 0 deleted on the server"' \
    "pop3.auth = sasl logs in"
t_is "$(logins PLAIN)" "$((before + 1))" "Dovecot logged a PLAIN login"
t_check 'grep -q "AUTH PLAIN as the configured user" "$T_STATE_HOME/postern/log"' \
    "Postern's log says it used AUTH PLAIN"

# --- USER/PASS, asked for.
t_write_config "$CONF" test "backend = pop3" "pop3.auth = user"
t_check 'fetch | grep -qx "0 new, 0 skipped, 0 deleted on the server"' \
    "pop3.auth = user logs in"
t_check 'grep -q "USER/PASS as the configured user" "$T_STATE_HOME/postern/log"' \
    "Postern's log says it used USER/PASS"

# --- auto (the default): the greeting has a timestamp, so APOP.
before="$(logins APOP)"
t_write_config "$CONF" test "backend = pop3"
t_check 'fetch | grep -qx "0 new, 0 skipped, 0 deleted on the server"' \
    "pop3.auth = auto logs in"
t_is "$(logins APOP)" "$((before + 1))" "auto chose APOP, the greeting having a timestamp"

# --- a bad pop3.auth value is refused when the config is read.
t_write_config "$CONF" test "backend = pop3" "pop3.auth = kerberos"
t_check_not 'fetch' "an unknown pop3.auth is refused"
t_check 'grep -q "bad pop3.auth" "$T_TMPDIR/fetch.out"' "with a clear message"

# --- TOP: a message over the size limit is named by sender and subject.
python3 -c 'print("From: Big Sender <big@example.test>\nSubject: the holiday photos\n\n" + ("x" * 75 + "\n") * 3000, end="")' > "$MD/new/9100.big.test"
chown --reference="$MD" "$MD/new/9100.big.test"
t_write_config "$CONF" test "backend = pop3" "pop3.max-message-size = 100K"
t_check 'fetch | grep -q "skipped a message from Big Sender, \"the holiday photos\" (.* over the limit"' \
    "the skipped-message note names the sender and subject (from TOP)"
t_check 'grep -qx "0 new, 1 skipped, 0 deleted on the server" "$T_TMPDIR/fetch.out"' \
    "and the message is skipped"

# --- Sent and Drafts exist for a POP3 account (the interface opens the
# store with them); a batch send keeps a copy in the local Sent.
printf 'Hello Bob,\nfrom a POP3 account.\n' > "$T_TMPDIR/body"
t_write_config "$CONF" test "backend = pop3"
t_check 't_run -- "$POSTERN" -s "kept in Sent" bob@example.test < "$T_TMPDIR/body"' \
    "a POP3 account sends through SMTP"
t_is "$(ls "$SMTP_OUT" | grep -c '\.eml$')" 1 "the SMTP server got it"
t_is "$(sqlite3 "$DB" "SELECT COUNT(*) FROM messages m JOIN folders f ON f.id = m.folder WHERE f.name = 'Sent' AND m.subject = 'kept in Sent'")" 1 \
    "a copy is in the local Sent folder"
t_is "$(ls "$STORE/.Sent/cur" | grep -c ':2,S$')" 1 "as a seen message in .Sent/cur"
t_done
