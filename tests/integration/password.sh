# tests/integration/password.sh: the password command runs while the
# connection and the TLS handshake are made, not before them (the IMAP
# backend's open through the driver, postern --sync, postern --fetch for
# POP3), and its failures still read as before.
#
# The proof does not time anything: the server sits behind a proxy that
# holds back what the server says until the password command lets it
# through, and the password command only does so once the proxy saw the
# connection arrive. Run one after the other, the two wait for each other
# and the password command gives up (status 7).
# POSTERN_VALGRIND=1 runs every driver call under valgrind.
. "$TOP_SRCDIR/tests/lib.sh"

t_use_driver
drive() {
	if [ "${POSTERN_VALGRIND:-0}" = 1 ]; then
		t_run 60 -- valgrind -q --leak-check=full \
		    --errors-for-leak-kinds=definite --error-exitcode=99 \
		    "$DRIVER" "$@"
	else
		t_run 60 -- "$DRIVER" "$@"
	fi
}

t_start_servers

# --- IMAP: the backend's open.
t_gate_proxy "$IMAPS_PORT"
IMAP_PORT_GATED="$T_GATE_PORT"
CONF="$T_TMPDIR/imap.conf"
t_write_config "$CONF" test "imap.port = $IMAP_PORT_GATED"
sed -i "s|^password-command = .*|password-command = sh $T_GATE_PW|" "$CONF"
t_gate_close
out="$(drive "$CONF" login)"
t_is "$out" "logged in" \
    "IMAP: the password command ran while the TLS handshake waited for it"
t_check '[ -e "$T_GATE_MARK" ] && [ ! -e "$T_GATE" ]' \
    "IMAP: the connection was made before the password command ended"

# postern --sync the same way (its connection, then the password).
t_gate_close
t_run 60 -- "$POSTERN" -F "$CONF" --sync test > "$T_TMPDIR/sync.out" \
    2> "$T_TMPDIR/sync.err"
t_is "$?" 0 "IMAP --sync: the password command ran while the handshake waited"
t_check 'grep -q "^INBOX: " "$T_TMPDIR/sync.out"' "IMAP --sync: INBOX was synced"
t_check '[ -e "$T_GATE_MARK" ] && [ ! -e "$T_GATE" ]' \
    "IMAP --sync: the connection was made before the password command ended"

# A failing password command with the server reachable: the error of
# before, and nothing logged in.
t_write_config "$CONF" test "password-command = exit 3"
sed -i '0,/^password-command = printf/{//d}' "$CONF"
out="$(drive "$CONF" login)"
rc=$?
t_is "$rc" 1 "IMAP: a failing password command fails the login"
t_is "$out" "error auth: the password command of account 'test' failed (status 3)" \
    "IMAP: the password command's failure is the error"

# A server that cannot be reached, a slow password command: the
# connection's error once the command is done (no child left behind).
CLOSED_PORT="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
t_write_config "$CONF" test "imap.port = $CLOSED_PORT"
sed -i 's|^password-command = .*|password-command = sleep 1; printf %s alice-pw-1|' \
    "$CONF"
start=$(date +%s)
OUT="$(drive "$CONF" login)"
rc=$?
end=$(date +%s)
t_is "$rc" 1 "IMAP: an unreachable server fails the login"
t_match "^error net: cannot connect to localhost:$CLOSED_PORT: Connection refused\$" \
    "IMAP: the connection's error is the error"
t_is "$((end - start < 20))" 1 "IMAP: no hang ($((end - start)) s)"

# --- POP3: postern --fetch.
t_gate_proxy "$POP3S_PORT"
CONF="$T_TMPDIR/pop.conf"
t_write_config "$CONF" pop "backend = pop3" "pop3.port = $T_GATE_PORT"
sed -i "s|^password-command = .*|password-command = sh $T_GATE_PW|" "$CONF"
t_gate_close
t_run 60 -- "$POSTERN" -d debug -F "$CONF" --fetch pop > "$T_TMPDIR/out" \
    2> "$T_TMPDIR/err"
rc=$?
cat "$T_TMPDIR/out" "$T_TMPDIR/err"
t_is "$rc" 0 "POP3: the password command ran while the TLS handshake waited for it"
t_check 'grep -qx "[0-9]* new, 0 skipped, 0 deleted on the server" "$T_TMPDIR/out"' \
    "POP3: the fetch went through"
LOG="$T_STATE_HOME/postern/log"
# in_order FILE REGEX...: each regex matches a line after the previous's.
in_order() {
	local file="$1"
	shift
	awk -v n="$#" 'BEGIN { for (i = 1; i < ARGC; i++) re[i] = ARGV[i]
	    ARGC = 2; ARGV[1] = "'"$file"'"; k = 1 }
	    k <= n && $0 ~ re[k] { k++ } END { exit k <= n }' "$@"
}
t_check "in_order '$LOG' \"password of 'pop': started\" \
    'connecting to localhost:$T_GATE_PORT' \"password command of 'pop': ok\" \
    'connected, waiting for the password' 'APOP|USER|AUTH'" \
    "POP3: the log: password started, connecting, password ok, log in"
t_is "$(grep -c alice-pw-1 "$LOG")" 0 "the password is not in the log"

t_write_config "$CONF" pop "backend = pop3" "password-command = exit 3"
sed -i '0,/^password-command = printf/{//d}' "$CONF"
t_run 60 -- "$POSTERN" -F "$CONF" --fetch pop > "$T_TMPDIR/out" \
    2> "$T_TMPDIR/err"
rc=$?
t_is "$rc" 1 "POP3: a failing password command fails the fetch"
t_is "$(cat "$T_TMPDIR/err")" \
    "postern: the password command of account 'pop' failed (status 3)" \
    "POP3: the password command's failure is the error"

sed -i -e "s|^pop3.port = .*|pop3.port = $CLOSED_PORT|" \
    -e 's|^password-command = .*|password-command = sleep 1; printf %s alice-pw-1|' \
    "$CONF"
start=$(date +%s)
t_run 60 -- "$POSTERN" -F "$CONF" --fetch pop > "$T_TMPDIR/out" \
    2> "$T_TMPDIR/err"
rc=$?
end=$(date +%s)
t_is "$rc" 1 "POP3: an unreachable server fails the fetch"
OUT="$(cat "$T_TMPDIR/err")"
t_match "^postern: cannot connect to localhost:$CLOSED_PORT: Connection refused\$" \
    "POP3: the connection's error is the error"
t_is "$((end - start < 20))" 1 "POP3: no hang ($((end - start)) s)"

t_done
