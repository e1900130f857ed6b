# tests/ui/errors.sh: failures reach the screen as one clear line (and the
# log), never as raw library output; the UI stays usable.
. "$TOP_SRCDIR/tests/lib.sh"

t_start_servers
cfg="$T_CONFIG_HOME/postern/config"
log="$T_STATE_HOME/postern/log"

# wait_joined REGEX: waits until the screen, its lines joined (a long
# message wraps), matches.
wait_joined() {
	local i
	for i in $(seq 100); do
		t_tmux_screen | tr -d '\n' | grep -Eq -- "$1" && return 0
		sleep 0.2
	done
	t_tmux_screen | sed 's/^/#   |/'
	return 1
}

# expect_error PORT SECURITY CAFILE REGEX DESC
expect_error() {
	t_write_config "$cfg"
	sed -i "s/^imap.port = .*/imap.port = $1/; s/^imap.security = .*/imap.security = $2/" "$cfg"
	[ "$3" = yes ] || sed -i '/^tls.ca-file/d' "$cfg"
	mkdir -p "$(dirname "$log")" && : > "$log"
	t_tmux_start 120 24 "$POSTERN"
	t_check "wait_joined '$4'" "$5: shown on the screen"
	t_check 't_tmux_wait_for "could not be opened" 5' \
	    "$5: the index says the folder could not be opened"
	t_check_not 't_tmux_screen | grep -qi "gnutls"' \
	    "$5: no TLS library text on the screen"
	t_check "grep -q '$4' '$log'" "$5: written to the log"
	t_tmux_keys '?'
	t_check 't_tmux_wait_for "Key bindings" 5' "$5: the UI still answers keys"
	t_tmux_keys q q
	t_is "$(t_tmux_wait_exit 10)" 0 "$5: q quits"
}

# TLS from the first byte to a plaintext port: GnuTLS complains on stderr.
expect_error "$IMAP_PORT" tls yes "TLS handshake with localhost:$IMAP_PORT failed" \
    "TLS to a plaintext port"
expect_error "$IMAPS_PORT" tls no "not trusted.*SHA-256 fingerprint $SERVER_CERT_SHA256" \
    "an untrusted certificate"
expect_error "$FAKE_IMAPS_BADHOST_PORT" tls yes "not trusted: .*hostname mismatch" \
    "a certificate for another host"
expect_error "$FAKE_IMAP_NOSTARTTLS_PORT" starttls yes "offers no STARTTLS" \
    "a server without STARTTLS"
t_is "$(cat "$TESTENV_DIR"/log/fake-*.log 2> /dev/null | grep -c CREDENTIALS-SEEN)" 0 \
    "no credentials reached the fake servers"
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
expect_error "$port" tls yes "cannot connect to localhost:$port" "a closed port"

# A wrong password.
t_write_config "$cfg"
sed -i 's/^password-command = .*/password-command = printf %s wrong-password/' "$cfg"
t_tmux_start 120 24 "$POSTERN"
t_check 't_tmux_wait_for "login failed|[Aa]uthentication failed" 20' \
    "a wrong password is reported as such"
sleep 1
t_check '! t_tmux_screen | grep -q "Connecting to"' \
    "the status line no longer says it is connecting"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits after a login failure"
t_done
