# tests/ui/wizard.sh: the set-up wizard at 80x24, from an empty
# $XDG_CONFIG_HOME: plain postern walks through it to an IMAP INBOX, then
# postern --setup adds a POP3 account, its password in a file encrypted
# with GPGME to a key of a temporary GNUPGHOME. Esc goes back, the
# password is never on the screen, the config has mode 0600 and no
# password, the certificate screen offers a pin only on "yes".
. "$TOP_SRCDIR/tests/lib.sh"

command -v gpg > /dev/null 2>&1 || t_skip "gpg is not installed (tools/install-deps)"

USERS="$T_TMPDIR/users"
printf '%s\n' 'carol@example.test:c"ar\ol pass' 'dave@example.test:dave-pw-2' \
    > "$USERS"
export TESTENV_USERS_FILE="$USERS"
t_start_servers
t_fill carol@example.test INBOX 7
t_fill dave@example.test INBOX 4
CONF="$T_CONFIG_HOME/postern/config"
rmdir "$T_CONFIG_HOME/postern"
PWFILE="$T_TMPDIR/carol-pw"
printf '%s\n' 'c"ar\ol pass' > "$PWFILE"
CLOSED="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

# A provider whose candidates fail in three ways before one works.
PROV="$T_TMPDIR/providers"
cat > "$PROV" <<EOF
provider test
name Test Mail
domain example.test
imap localhost $CLOSED tls
imap localhost $FAKE_IMAPS_BADHOST_PORT tls
imap localhost $FAKE_IMAP_NOSTARTTLS_PORT starttls
imap localhost $IMAPS_PORT tls
pop3 localhost $FAKE_POP3S_BADHOST_PORT tls
pop3 localhost $POP3S_PORT tls
smtp localhost $SMTPS_PORT tls
note Test Mail wants app passwords.
EOF

# A key with no passphrase, in a GNUPGHOME short enough for its sockets.
GNUPGHOME="$(mktemp -d /tmp/pgwz.XXXXXX)"
export GNUPGHOME
t_at_exit 'gpgconf --kill gpg-agent > /dev/null 2>&1; rm -rf "$GNUPGHOME"'
timeout 60 gpg --batch --passphrase '' --quick-gen-key \
    'Postern Test <dave@example.test>' future-default default never \
    > /dev/null 2>&1 || t_fail "make an OpenPGP key"
FPR="$(gpg --batch --with-colons --list-secret-keys 2> /dev/null |
    awk -F: '/^fpr/ { print $10; exit }')"

# The test CA is trusted through OpenSSL's SSL_CERT_FILE, as a system CA.
RUN=(env SSL_CERT_FILE="$CA_FILE" POSTERN_PROVIDERS="$PROV"
    GNUPGHOME="$GNUPGHOME" PATH="/usr/bin:/bin")
no_password_on_screen() {
	! t_tmux_screen | grep -Fq 'ar\ol'
}
# The store menu: pass first when it is installed.
if PATH=/usr/bin:/bin command -v pass > /dev/null 2>&1; then
	N_GPG=2 N_CMD=3
else
	N_GPG=1 N_CMD=2
fi

# ---------------------------------------------------------------- IMAP
t_tmux_start 80 24 "${RUN[@]}" "$POSTERN"
t_check 't_tmux_wait_for "Postern set-up: Your name" 10' \
    "postern with no config starts the wizard"
t_tmux_keys -l 'Carol Example'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Email address: *$" 5' "the address screen"
t_tmux_keys -l 'carol@example.test'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Password: \\(hidden as you type\\)" 5' \
    "the password screen"
t_tmux_keys -l 'c"ar\ol pass'
t_check 'no_password_on_screen' "the typed password is not on the screen"
t_tmux_keys Escape
t_check 't_tmux_wait_for "Email address: carol@example.test" 5' \
    "Esc goes back to the address, which is kept"
t_tmux_keys Escape
t_check 't_tmux_wait_for "Name: Carol Example" 5' "Esc again: the name screen"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Email address: carol@example.test" 5' \
    "Enter: the address again"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Password: \\(hidden" 5' "and the password screen"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Provider: Test Mail \\(recognised from example.test\\)" 5' \
    "the provider is recognised from the domain"
screen="$(t_tmux_still_screen)"
t_check 'printf "%s\n" "$screen" | grep -q "IMAP (recommended): your mail stays on the server"' \
    "IMAP is offered as recommended, with its sentence"
t_check 'printf "%s\n" "$screen" | grep -q "POP3: downloads your mail to this machine; a copy"' \
    "POP3 is offered with its sentence"
t_check 'printf "%s\n" "$screen" | grep -q "Enter the servers by hand"' \
    "manual entry is offered"
t_check 'printf "%s\n" "$screen" | grep -q "Test Mail wants app passwords"' \
    "the provider's note is shown"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Picked imap localhost:$IMAPS_PORT \\(tls\\)" 90' \
    "the probe picks the working candidate"
# The summary wraps long reasons: read it as one line.
screen="$(t_tmux_screen | tr '\n' ' ' | tr -s ' ')"
t_check 'printf "%s\n" "$screen" | grep -q "imap localhost:$CLOSED (tls): failed: .*refused"' \
    "summary: why the refusing candidate failed"
t_check 'printf "%s\n" "$screen" | grep -q "imap localhost:$FAKE_IMAPS_BADHOST_PORT (tls): failed: .*not"' \
    "summary: why the wrong-host candidate failed"
t_check 'printf "%s\n" "$screen" | grep -q "imap localhost:$FAKE_IMAP_NOSTARTTLS_PORT (starttls): failed: .*STARTTLS"' \
    "summary: why the no-STARTTLS candidate failed"
t_check 'printf "%s\n" "$screen" | grep -q "Sending: smtp localhost:$SMTPS_PORT (tls)"' \
    "summary: the SMTP server"
t_is "$(cat "$TESTENV_DIR"/log/fake-*.log 2> /dev/null | grep -c CREDENTIALS-SEEN)" 0 \
    "the password went to none of the failing servers"
# The certificate screen: details, and nothing pinned without "yes".
t_tmux_keys t
t_check 't_tmux_wait_for "SHA-256: +[0-9A-F]{2}:" 5' \
    "t shows the untrusted certificate's fingerprint"
screen="$(t_tmux_still_screen)"
t_check 'printf "%s\n" "$screen" | grep -q "Host: localhost (port $FAKE_IMAPS_BADHOST_PORT)"' \
    "with its host"
t_check 'printf "%s\n" "$screen" | grep -q "Issuer: .*"' "its issuer"
t_check 'printf "%s\n" "$screen" | grep -Eq "Valid: +[0-9]{4}-[0-9]{2}-[0-9]{2} .* to [0-9]{4}"' \
    "its validity"
t_tmux_keys -l no
t_tmux_keys Enter
t_check 't_tmux_wait_for "not pinned: type yes" 5' "anything but yes pins nothing"
t_tmux_keys Escape
t_check 't_tmux_wait_for "Picked imap localhost:$IMAPS_PORT" 5' \
    "Esc goes back to the summary"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Where to keep the password" 5' "the password storage screen"
t_check 't_tmux_wait_for "Nowhere: ask for it at each start" 2' \
    "asking at each start is offered"
t_check 't_tmux_wait_for "encrypted to one of your OpenPGP keys" 2' \
    "an OpenPGP-encrypted file is offered"
t_tmux_keys "$N_CMD"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Command: *$" 5' "the command screen"
t_tmux_keys -l "cat '$PWFILE'"
t_tmux_keys Enter
t_check 't_tmux_wait_for "password-command = cat .*carol-pw" 5' \
    "the Save screen shows the account section"
t_check 'no_password_on_screen' "still no password on the screen"
t_tmux_keys Enter
t_check 't_tmux_wait_for "imap localhost:$IMAPS_PORT \\(tls\\): OK" 30' \
    "after Save, the check of postern --check passes"
t_check 't_tmux_wait_for "smtp localhost:$SMTPS_PORT \\(tls\\): OK" 5' \
    "for SMTP too"
t_tmux_keys Enter
t_check 't_tmux_wait_for "7 of 7" 30' "Enter opens the INBOX with its 7 messages"
t_check 't_tmux_screen | grep -q INBOX' "the INBOX is shown"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"
t_is "$(stat -c %a "$CONF" 2> /dev/null)" 600 "the config has mode 0600"
t_check '! grep -Fq "ar\\ol" "$CONF"' "the config holds no password"
t_check 'grep -q "^imap.port = $IMAPS_PORT\$" "$CONF"' "the config names the picked server"

# --------------------------------------------------- POP3, GPGME file
t_tmux_start 80 24 "${RUN[@]}" "$POSTERN" --setup
t_check 't_tmux_wait_for "Postern set-up: Your name" 10' \
    "postern --setup on a terminal starts the wizard"
t_tmux_keys -l 'Dave Example'
t_tmux_keys Enter
t_tmux_keys -l 'dave@example.test'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Password: \\(hidden" 5' "the password screen"
t_tmux_keys -l 'dave-pw-2'
t_check '! t_tmux_screen | grep -q "dave-pw-2"' "dave's password is not on the screen"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Provider: Test Mail" 5' "the provider screen"
t_tmux_keys Down
t_tmux_keys Enter
t_check 't_tmux_wait_for "Picked pop3 localhost:$POP3S_PORT \\(tls\\)" 90' \
    "the probe picks the working POP3 server"
t_tmux_keys Escape
t_check 't_tmux_wait_for "Provider: Test Mail" 5' "Esc on the summary goes back to the protocol"
t_tmux_keys Down
t_tmux_keys Enter
t_check 't_tmux_wait_for "Picked pop3 localhost:$POP3S_PORT \\(tls\\)" 90' \
    "and POP3 again finds the same server"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Where to keep the password" 5' "the storage screen"
t_tmux_keys "$N_GPG"
t_tmux_keys Enter
t_check 't_tmux_wait_for "dave@example.test.pass.gpg" 5 &&
    t_tmux_screen | grep -q "password-file ="' \
    "the Save screen names the encrypted password file"
t_tmux_keys Enter
t_check 't_tmux_wait_for "pop3 localhost:$POP3S_PORT \\(tls\\): OK" 30' \
    "the check decrypts the password with GPGME and logs in"
t_tmux_keys Enter
t_check 't_tmux_wait_for "4 of 4" 30' "Enter opens the POP3 INBOX with its 4 messages"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"
GPGFILE="$T_DATA_HOME/postern/dave@example.test.pass.gpg"
t_check 'grep -q "BEGIN PGP MESSAGE" "$GPGFILE"' "the password file is OpenPGP"
t_check '! grep -q "dave-pw-2" "$GPGFILE" "$CONF"' \
    "neither it nor the config holds the password in clear"
t_is "$(stat -c %a "$GPGFILE" 2> /dev/null)" 600 "the password file has mode 0600"
t_is "$(stat -c %a "$CONF" 2> /dev/null)" 600 "the config still has mode 0600"
t_check 'grep -q "^\\[account \"carol@example.test\"\\]" "$CONF" &&
    grep -q "^\\[account \"dave@example.test\"\\]" "$CONF"' \
    "the config holds both accounts"
t_check 'gpg --batch -q -d "$GPGFILE" 2> /dev/null | grep -qx "dave-pw-2"' \
    "gpg decrypts it to the password"
t_run 60 -- "${RUN[@]}" "$POSTERN" --check dave@example.test \
    > "$T_TMPDIR/dave-check.out" 2>&1
t_log "$(cat "$T_TMPDIR/dave-check.out")"
t_check 'grep -q "pop3 localhost:$POP3S_PORT (tls): OK" "$T_TMPDIR/dave-check.out"' \
    "postern --check logs in with password-file"
t_done
