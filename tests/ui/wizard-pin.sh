# tests/ui/wizard-pin.sh: the wizard with servers entered by hand whose
# certificate is not trusted: the certificate screen, "yes" pins it, the
# probe runs again and works; the password is asked at each start
# (password-ask), without echo, by the interface and by --check.
. "$TOP_SRCDIR/tests/lib.sh"

t_start_servers
t_fill carol@example.test INBOX 5
CONF="$T_TMPDIR/pin.conf"
PROV="$T_TMPDIR/providers"
cat > "$PROV" <<EOF
provider pin
name Pin Mail
domain pin.example.test
imap localhost $IMAPS_PORT tls
smtp localhost $SMTPS_PORT tls
EOF
# No CA: the test servers' certificate is not trusted.
RUN=(env POSTERN_PROVIDERS="$PROV" PATH="/usr/bin:/bin" GNUPGHOME="$T_TMPDIR/nognupg")
no_password_on_screen() {
	! t_tmux_screen | grep -Fq 'ar\ol'
}

t_tmux_start 80 24 "${RUN[@]}" "$POSTERN" -F "$CONF" --setup
t_check 't_tmux_wait_for "Postern set-up: Your name" 10' "the wizard starts"
t_tmux_keys Enter
t_tmux_keys -l 'carol@pin.example.test'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Password: \\(hidden" 5' "the password screen"
t_tmux_keys -l 'c"ar\ol pass'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Provider: Pin Mail" 5' "the provider screen"
t_tmux_keys 3
t_tmux_keys Enter
t_check 't_tmux_wait_for "Incoming server: localhost" 5' \
    "manual entry, filled in from the provider"
t_check 't_tmux_wait_for "Incoming port: $IMAPS_PORT" 1' "with its port"
t_tmux_keys Up Up C-u
t_tmux_keys -l 'carol@example.test'
t_check 't_tmux_wait_for "User name: carol@example.test" 5' "the user name is edited"
t_tmux_keys Enter
t_check 't_tmux_wait_for "No incoming server works" 60' \
    "the untrusted certificate fails the probe"
t_check 'no_password_on_screen' "the password is not on the screen"
t_tmux_keys t
t_check 't_tmux_wait_for "Host: localhost \\(port $IMAPS_PORT\\)" 5' \
    "t: the certificate screen names the host"
FP1="$(printf '%s' "$SERVER_CERT_SHA256" | cut -c1-47)"
FP2="$(printf '%s' "$SERVER_CERT_SHA256" | cut -c49-)"
t_check 't_tmux_screen | grep -q "SHA-256: *$FP1" && t_tmux_screen | grep -q "^ *$FP2"' \
    "and the certificate's SHA-256 fingerprint, on two lines"
t_check 't_tmux_screen | grep -q "Issuer: .*"' "its issuer"
t_check 't_tmux_screen | grep -Eq "Valid: +[0-9]{4}-"' "its validity"
t_tmux_keys -l yes
t_tmux_keys Enter
t_check 't_tmux_wait_for "Picked imap localhost:$IMAPS_PORT \\(tls\\)" 60' \
    "yes pins it and the probe works"
t_check 't_tmux_wait_for "Sending: smtp localhost:$SMTPS_PORT" 1' \
    "the pin covers SMTP on the same host"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Nowhere: ask for it at each start" 5' "the storage screen"
t_tmux_keys Up Up Up Down Down Down
t_tmux_keys Enter
# The fingerprint wraps at 80 columns.
t_check 't_tmux_wait_for "tls.pin-sha256 = localhost" 5 &&
    t_tmux_screen | tr -d " \n" | grep -Fq "tls.pin-sha256=localhost$SERVER_CERT_SHA256"' \
    "the Save screen shows the pin"
t_check 't_tmux_screen | grep -q "password-ask = yes"' "and password-ask"
t_tmux_keys Enter
t_check 't_tmux_wait_for "imap localhost:$IMAPS_PORT \\(tls\\): OK" 30' \
    "the check passes with the pin"
t_tmux_keys Enter
t_check 't_tmux_wait_for "5 of 5" 30' "the INBOX opens with its 5 messages"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_is "$(stat -c %a "$CONF" 2> /dev/null)" 600 "the config has mode 0600"
t_check '! grep -Fq "ar\\ol" "$CONF"' "the config holds no password"
t_check 'grep -qx "tls.pin-sha256 = localhost $SERVER_CERT_SHA256" "$CONF"' \
    "the config holds the pin"
t_check '! grep -q "tls.ca-file" "$CONF"' "and trusts no CA"

# password-ask: the interface asks before connecting, without echo.
t_tmux_start 80 24 "${RUN[@]}" "$POSTERN" -F "$CONF"
t_check 't_tmux_wait_for "Password for carol@pin.example.test \\(account .carol@pin.example.test.\\): *$" 10' \
    "postern asks for the password at start"
t_tmux_keys -l 'c"ar\ol pass'
t_check 'no_password_on_screen' "what is typed is not echoed"
t_tmux_keys Enter
t_check 't_tmux_wait_for "5 of 5" 30' "then the INBOX opens"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"

t_tmux_start 80 24 "${RUN[@]}" "$POSTERN" -F "$CONF" --check
t_check 't_tmux_wait_for "Password for carol@pin.example.test" 10' \
    "postern --check on a terminal asks too"
t_tmux_keys -l 'c"ar\ol pass'
t_tmux_keys Enter
t_check 't_tmux_wait_for "imap localhost:$IMAPS_PORT \\(tls\\): OK" 30' \
    "and the check logs in"
t_check 'no_password_on_screen' "the password never showed"
t_is "$(t_tmux_wait_exit 30)" 0 "--check exits 0"

t_tmux_start 80 24 "${RUN[@]}" "$POSTERN" -F "$CONF" --check
t_check 't_tmux_wait_for "Password for" 10' "asked again"
t_tmux_keys -l 'wrong'
t_tmux_keys Enter
t_check 't_tmux_wait_for "FAILED: authentication failed" 30' \
    "a wrong typed password fails the login"

# Esc during the probe stops it at once and goes back, without waiting
# for a server that never answers (the probe would wait 15 s for it).
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(300)' > "$T_TMPDIR/silent.port" &
SILENT_PID=$!
t_at_exit 'kill "$SILENT_PID" 2> /dev/null'
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -s "$T_TMPDIR/silent.port" ] && break
	sleep 0.2
done
SILENT="$(cat "$T_TMPDIR/silent.port")"
cat >> "$PROV" <<EOF

provider slow
name Slow Mail
domain slow.example.test
imap localhost $SILENT tls
imap localhost $IMAPS_PORT tls
EOF
t_tmux_start 80 24 "${RUN[@]}" "$POSTERN" -F "$T_TMPDIR/slow.conf" --setup
t_check 't_tmux_wait_for "Postern set-up: Your name" 10' "the wizard starts"
t_tmux_keys Enter
t_tmux_keys -l 'carol@slow.example.test'
t_tmux_keys Enter
t_tmux_keys -l 'whatever'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Provider: Slow Mail" 5' "the provider screen"
t_tmux_keys Enter
t_check 't_tmux_wait_for "imap localhost:$SILENT \\(tls\\): trying\\.\\.\\." 5' \
    "the probe shows the candidate it is trying"
start=$SECONDS
t_tmux_keys Escape
t_check 't_tmux_wait_for "Provider: Slow Mail" 5' \
    "Esc during the probe goes back to the provider screen"
t_check '[ $((SECONDS - start)) -lt 8 ]' "at once, not after the 15 s time-out"
t_tmux_keys Escape Escape Escape Escape
t_is "$(t_tmux_wait_exit 10)" 1 "Esc back to the start leaves the wizard"
t_check '[ ! -e "$T_TMPDIR/slow.conf" ]' "having written nothing"

# Esc on the first screen leaves the wizard; nothing is written.
# (Its standard error goes to a file: tmux may not show the last line of
# a program that exits.)
ERRF="$T_TMPDIR/none.err"
t_tmux_start 80 24 bash -c '"$@" 2> "$0"' "$ERRF" \
    "${RUN[@]}" "$POSTERN" -F "$T_TMPDIR/none.conf" --setup
t_check 't_tmux_wait_for "Postern set-up: Your name" 10' "the wizard starts again"
t_tmux_keys Escape
t_is "$(t_tmux_wait_exit 10)" 1 "Esc on the first screen leaves with status 1"
t_check 'grep -q "set-up left; nothing saved" "$ERRF"' "saying nothing was saved"
t_check '[ ! -e "$T_TMPDIR/none.conf" ]' "and writing no file"

t_run 30 -- "$POSTERN" -F "$CONF" --check > "$T_TMPDIR/out" 2>&1
t_is "$?" 1 "without a terminal, --check fails"
t_check 'grep -q "no terminal" "$T_TMPDIR/out"' "saying there is no terminal to ask on"
t_done
