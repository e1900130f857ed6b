# tests/ui/password.sh: the worker's connect runs the password command
# while the connection and the TLS handshake are made (see
# tests/integration/password.sh for the trick: the proxy holds the
# handshake until the password command lets it through, and the command
# waits for the connection), and its failures still reach the screen.
. "$TOP_SRCDIR/tests/lib.sh"

t_start_servers
t_fill alice INBOX 3 || t_fail "fill INBOX"
cfg="$T_CONFIG_HOME/postern/config"
log="$T_STATE_HOME/postern/log"

t_gate_close
t_gate_proxy "$IMAPS_PORT"
port="$T_GATE_PORT"

# wait_joined REGEX: waits until the screen, its lines joined, matches.
wait_joined() {
	local i
	for _ in $(seq 100); do
		t_tmux_screen | tr -d '\n' | grep -Eq -- "$1" && return 0
		sleep 0.2
	done
	t_tmux_screen | sed 's/^/#   |/'
	return 1
}

t_write_config "$cfg" test "imap.port = $port" "imap.idle = false"
sed -i "s|^password-command = .*|password-command = sh $T_GATE_PW|" "$cfg"
t_tmux_start 120 24 "$POSTERN" -d debug
t_check 't_tmux_wait_for "3 of 3" 30' \
    "the password command ran while the TLS handshake waited for it"
t_check '[ -e "$T_GATE_MARK" ] && [ ! -e "$T_GATE" ]' \
    "the connection was made before the password command ended"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_check "grep -q \"password of 'test': started\" '$log'" \
    "the log says the password command started"

# A failing password command, the server reachable: the error of before.
t_write_config "$cfg"
sed -i 's|^password-command = .*|password-command = exit 3|' "$cfg"
t_tmux_start 120 24 "$POSTERN"
t_check "wait_joined \"password command of account 'test' failed \\\\(status 3\\\\)\"" \
    "a failing password command is reported as such"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits after it"

# A server that cannot be reached, a slow password command: the
# connection's error, and the UI still answers.
closed="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
t_write_config "$cfg" test "imap.port = $closed"
sed -i 's|^password-command = .*|password-command = sleep 1; printf %s alice-pw-1|' "$cfg"
t_tmux_start 120 24 "$POSTERN"
t_check "wait_joined 'cannot connect to localhost:$closed'" \
    "an unreachable server is reported as such"
t_tmux_keys '?'
t_check 't_tmux_wait_for "Key bindings" 5' "the UI still answers keys"
t_tmux_keys q q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits after it"
t_done
