#!/bin/sh
# tests/integration/setup.sh: postern --setup --email ...: the live probe
# of a provider's candidates (refused, wrong certificate host, no
# STARTTLS, then a good one), TLS-first detection, the config it writes.
. "$TOP_SRCDIR/tests/lib.sh"

export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

t_start_servers
CONF="$T_CONFIG_HOME/postern/config"
PROV="$T_TMPDIR/providers"
# carol's password has a quote, a backslash and a space; the command
# that prints it does not contain it.
PWFILE="$T_TMPDIR/pw"
printf '%s\n' 'c"ar\ol pass' > "$PWFILE"
BADPW="$T_TMPDIR/badpw"
printf '%s\n' 'not-the-password' > "$BADPW"
CLOSED="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

# The hosts must be localhost (or 127.0.0.1): the test certificate's.
cat > "$PROV" <<EOF
# A test provider: what fails first, what works last.
provider test
name Test Mail
domain example.test
imap localhost $CLOSED tls
imap localhost $FAKE_IMAPS_BADHOST_PORT tls
imap localhost $FAKE_IMAP_NOSTARTTLS_PORT starttls
imap localhost $IMAPS_PORT tls
pop3 localhost $FAKE_POP3S_BADHOST_PORT tls
pop3 localhost $FAKE_POP3_NOSTARTTLS_PORT starttls
pop3 localhost $POP3S_PORT tls
smtp localhost $SMTPS_PORT starttls
note Test Mail wants app passwords.

provider direct
domain direct.example.test
imap localhost $IMAP_PORT starttls
smtp localhost $SMTPS_PORT tls
smtp localhost $SMTP_PORT starttls

provider plain
domain plain.example.test
imap localhost $IMAPS_PORT tls
smtp localhost $SMTP_PORT starttls

provider wrongpw
domain wrongpw.example.test
imap localhost $IMAPS_PORT tls
imap localhost $IMAP_PORT starttls
imap 127.0.0.1 $IMAPS_PORT tls
imap localhost $FAKE_IMAP_NOSTARTTLS_PORT starttls
smtp localhost $SMTPS_PORT tls
EOF
export POSTERN_PROVIDERS="$PROV"

# setup ARGS...: postern --setup ARGS; output in OUT, status in RC.
setup() {
	t_run 120 -- "$POSTERN" -F "$CONF" --setup "$@" > "$T_TMPDIR/out" \
	    2>&1
	RC=$?
	OUT="$(cat "$T_TMPDIR/out")"
}

credentials_seen() {
	cat "$TESTENV_DIR"/log/fake-*.log | grep -c CREDENTIALS-SEEN
}

# --------------------------------------------------------------- IMAP
setup --email carol@example.test --password-command "cat '$PWFILE'" \
    --name "Carol Example" --ca-file "$CA_FILE" --account carol --yes
t_is "$RC" 0 "setup: exit status 0"
t_match "^Provider: Test Mail\$" "the provider is recognised"
t_match "^Note: Test Mail wants app passwords\\.\$" "its note is shown"
t_match "^imap localhost:$CLOSED \\(tls\\): FAILED: .*refused" \
    "refused candidate: reason"
t_match "^imap localhost:$FAKE_IMAPS_BADHOST_PORT \\(tls\\): FAILED: .*hostname mismatch.*SHA-256 fingerprint [0-9A-F:]{95}\$" \
    "wrong certificate host: reason with fingerprint"
t_match "^imap localhost:$FAKE_IMAP_NOSTARTTLS_PORT \\(starttls\\): FAILED: .*offers no STARTTLS" \
    "no STARTTLS: reason"
t_match "^imap localhost:$IMAPS_PORT \\(tls\\): OK\$" "the working one is picked"
t_is "$(printf '%s\n' "$OUT" | grep -c '^imap ')" 4 \
    "one line per IMAP candidate"
t_is "$(credentials_seen)" 0 \
    "the fake servers never saw credentials (CREDENTIALS-SEEN)"
t_check "grep -q . '$TESTENV_DIR/log/fake-imap_nostarttls.log'" \
    "the no-STARTTLS fake was contacted"
t_check "grep -q ' connect ' '$TESTENV_DIR/log/fake-imaps_badhost.log' &&
    ! grep -q ' C: ' '$TESTENV_DIR/log/fake-imaps_badhost.log'" \
    "the bad-host fake was contacted and was sent no command at all"
t_match "^smtp localhost:$SMTPS_PORT \\(starttls\\): no greeting .*TLS from the first byte; trying tls\$" \
    "SMTP listed as starttls but speaking TLS first: detected"
t_match "^smtp localhost:$SMTPS_PORT \\(tls\\): OK\$" "... and tried as tls"
t_match "^Added account 'carol' to " "the account is added"

t_is "$(stat -c %a "$CONF")" 600 "the config has mode 0600"
t_is "$(grep -c 'ar\\\\ol' "$CONF")" 0 "the config holds no password"
t_is "$(grep -c 'c\"ar' "$CONF")" 0 "the config holds no password (quoted)"
t_check "grep -qx 'imap.port = $IMAPS_PORT' '$CONF' &&
    grep -qx 'imap.security = tls' '$CONF'" "IMAP settings saved"
t_check "grep -qx 'smtp.port = $SMTPS_PORT' '$CONF' &&
    grep -qx 'smtp.security = tls' '$CONF'" \
    "the TLS-first SMTP port is saved as tls, not starttls"
t_check "grep -qx 'name = Carol Example' '$CONF' &&
    grep -qx 'backend = imap' '$CONF'" "name and backend saved"
t_check "t_run 60 -- '$POSTERN' -F '$CONF' --check carol" \
    "postern --check passes with the written config"

# Again: the account is replaced, not added twice.
setup --email carol@example.test --password-command "cat '$PWFILE'" \
    --ca-file "$CA_FILE" --account carol --yes
t_is "$RC" 0 "setup again: exit status 0"
t_match "^Replaced account 'carol' in " "the account is replaced"
t_is "$(grep -c '^\[account "carol"\]' "$CONF")" 1 "one section for it"

# --------------------------------------------------------------- SMTP
# Listed as tls first: works directly, no retry.
setup --email dave@direct.example.test --username carol@example.test \
    --password-command "cat '$PWFILE'" --ca-file "$CA_FILE" \
    --account direct --yes
t_is "$RC" 0 "tls listed first: exit status 0"
t_match "^smtp localhost:$SMTPS_PORT \\(tls\\): OK\$" "SMTP tls used directly"
t_is "$(printf '%s\n' "$OUT" | grep -c 'trying tls')" 0 "no retry needed"
t_match "^imap localhost:$IMAP_PORT \\(starttls\\): OK\$" \
    "a real STARTTLS server is not taken for a TLS one"
t_check "sed -n '/^\\[account \"direct\"\\]/,\$p' '$CONF' |
    grep -qx 'imap.security = starttls'" "IMAP STARTTLS saved as starttls"

# A real STARTTLS submission server stays starttls.
setup --email erin@plain.example.test --username carol@example.test \
    --password-command "cat '$PWFILE'" --ca-file "$CA_FILE" \
    --account plain --yes
t_is "$RC" 0 "SMTP STARTTLS: exit status 0"
t_match "^smtp localhost:$SMTP_PORT \\(starttls\\): OK\$" "SMTP STARTTLS works"
t_check "sed -n '/^\\[account \"plain\"\\]/,\$p' '$CONF' |
    grep -qx 'smtp.security = starttls'" "SMTP STARTTLS saved as starttls"

# --------------------------------------------------------------- POP3
setup --email carol@example.test --password-command "cat '$PWFILE'" \
    --ca-file "$CA_FILE" --account pop --backend pop3 --yes
t_is "$RC" 0 "POP3: exit status 0"
t_match "^pop3 localhost:$FAKE_POP3S_BADHOST_PORT \\(tls\\): FAILED: .*hostname mismatch" \
    "POP3 wrong certificate host: reason"
t_match "^pop3 localhost:$FAKE_POP3_NOSTARTTLS_PORT \\(starttls\\): FAILED: .*offers no STLS" \
    "POP3 no STLS: reason"
t_match "^pop3 localhost:$POP3S_PORT \\(tls\\): OK\$" "POP3S picked"
t_is "$(printf '%s\n' "$OUT" | grep -c '^imap ')" 0 "no IMAP probed for POP3"
t_check "sed -n '/^\\[account \"pop\"\\]/,\$p' '$CONF' |
    grep -qx 'backend = pop3' && sed -n '/^\\[account \"pop\"\\]/,\$p' '$CONF' |
    grep -qx 'pop3.port = $POP3S_PORT'" "POP3 settings saved"
t_is "$(credentials_seen)" 0 "still no credentials at the fakes"
t_check "t_run 60 -- '$POSTERN' -F '$CONF' --check" \
    "postern --check passes for every written account"
t_is "$(stat -c %a "$CONF")" 600 "still mode 0600"

# ---------------------------------------------------------- refusals
cp "$CONF" "$T_TMPDIR/conf.before"
setup --email carol@wrongpw.example.test --username carol@example.test \
    --password-command "cat '$BADPW'" --ca-file "$CA_FILE" --yes
t_is "$RC" 1 "wrong password: exit status 1"
t_match "^imap localhost:$IMAPS_PORT \\(tls\\): FAILED: authentication failed" \
    "the rejection is reported"
t_match "^imap localhost:$IMAP_PORT \\(starttls\\): not tried: localhost already rejected" \
    "a host that rejected the password is not asked again"
t_match "^imap 127.0.0.1:$IMAPS_PORT \\(tls\\): FAILED: authentication failed" \
    "a second host may try (rr.com lives on two)"
t_match "^imap localhost:$FAKE_IMAP_NOSTARTTLS_PORT \\(starttls\\): not tried: the login was rejected by 2 servers" \
    "then the probe stops: the password is not sprayed"
t_is "$(printf '%s\n' "$OUT" | grep -c '^smtp ')" 0 "no SMTP after a rejection"
t_check "cmp -s '$CONF' '$T_TMPDIR/conf.before'" "nothing saved"

setup --email carol@example.test --password-command "cat '$PWFILE'" \
    --ca-file "$CA_FILE" --account notty
t_is "$RC" 1 "no terminal and no --yes: refused"
t_match "no terminal to ask on; add --yes" "the refusal says why"
t_is "$(grep -c notty "$CONF")" 0 "nothing saved without confirmation"

setup
t_is "$RC" 1 "--setup without --email: exit status 1"
t_match "the set-up wizard needs a terminal" \
    "without a terminal the wizard cannot run, and says so"
t_match "postern --setup --email" "the scripted form is shown"

setup --email carol@example.test
t_is "$RC" 2 "--email without --password-command: usage error"
t_run 10 -- "$POSTERN" --email a@b.example > /dev/null 2>&1
t_is "$?" 2 "--email without --setup: usage error"

t_done
