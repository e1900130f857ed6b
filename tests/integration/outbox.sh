#!/bin/sh
# tests/integration/outbox.sh: nothing is lost when sending fails. A
# hostile SMTP server (badsmtp.py: 5xx after DATA, 4xx at RCPT, a drop
# after the message) and a closed port each leave the message in the
# outbox, intact, with the error beside it; --flush-outbox against the
# real server then delivers exactly one copy and empties the outbox.
. "$TOP_SRCDIR/tests/lib.sh"

export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

t_start_servers
BAD="$(t_tmpdir bad)"
# Not a child of this shell (setsid -f): a background child here has
# been seen to make a later t_check's "wait -n" miss its command.
setsid -f "$PY" "$TOP_SRCDIR/tests/integration/badsmtp.py" \
    "$TESTENV_DIR/tls/server-chain.pem" "$TESTENV_DIR/tls/server.key" \
    "$BAD" 300 < /dev/null > /dev/null 2> "$T_TMPDIR/badsmtp.err"
t_at_exit '[ -s "$BAD/pid" ] && kill "$(cat "$BAD/pid")"'
for i in $(seq 100); do
	[ -s "$BAD/port" ] && break
	sleep 0.1
done
[ -s "$BAD/port" ] || { t_fail "badsmtp.py started"; t_done; }
BADPORT="$(cat "$BAD/port")"
DOWNPORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

GOOD="$T_TMPDIR/good.conf"
HOSTILE="$T_TMPDIR/hostile.conf"
DOWN="$T_TMPDIR/down.conf"
t_write_config "$GOOD" test
t_write_config "$HOSTILE" test "smtp.port = $BADPORT"
t_write_config "$DOWN" test "smtp.port = $DOWNPORT"
OUTBOX="$T_DATA_HOME/postern/test/outbox"
BODY="$T_TMPDIR/body"
printf 'Nothing is lost.\nÄußerst wichtig.\n.\nFrom the outbox\n' > "$BODY"

# run CONF ARGS...: postern -F CONF ARGS < $BODY; RC, OUT, ERR.
run() {
	local conf="$1"
	shift
	env XDG_CONFIG_HOME="$T_CONFIG_HOME" XDG_STATE_HOME="$T_STATE_HOME" \
	    XDG_CACHE_HOME="$T_CACHE_HOME" XDG_DATA_HOME="$T_DATA_HOME" \
	    LANG=C.UTF-8 timeout -k 5 60 "$POSTERN" -F "$conf" "$@" \
	    < "$BODY" > "$T_TMPDIR/out" 2> "$T_TMPDIR/err"
	RC=$?
	OUT="$(cat "$T_TMPDIR/out")"
	ERR="$(cat "$T_TMPDIR/err")"
}

# t_nonzero DESC: ok when the last run failed (not timed out).
t_nonzero() {
	if [ "$RC" != 0 ] && [ "$RC" != 124 ]; then t_ok "$1"; else t_fail "$1 (status $RC)"; fi
}

queued() { ls "$OUTBOX" 2> /dev/null | grep -c '\.eml$'; }
stored() { ls "$SMTP_OUT" 2> /dev/null | grep -c '\.eml$'; }
entry() { ls "$OUTBOX"/*.eml | sort | head -n 1; }

# still_intact MODE: the one entry is the message first built.
still_intact() {
	t_is "$(queued)" 1 "$1: the message is still in the outbox"
	t_check 'cmp -s "$(entry)" "$T_TMPDIR/built.eml"' \
	    "$1: byte-identical to what was built"
	t_check '[ -s "${E%.eml}.err" ]' "$1: the error is recorded beside it"
}

# --- 5xx after DATA: the first attempt, from batch mode
echo data5xx > "$BAD/mode"
run "$HOSTILE" -s "Outbox test" -b hidden@example.test bob@example.test
t_nonzero "5xx after DATA: exit status non-zero"
t_check 'printf "%s\n" "$ERR" | grep -q "554"' "5xx after DATA: the reply is reported"
t_is "$(queued)" 1 "5xx after DATA: the message is in the outbox"
E="$(entry)"
cp "$E" "$T_TMPDIR/built.eml"
t_check 'cmp -s "$E" "$BAD/received-1.eml"' \
    "5xx after DATA: the outbox copy is byte-identical to what was sent"
t_check 'grep -q "554" "${E%.eml}.err"' "5xx after DATA: the error is recorded"
t_check 'grep -q "^rcpt hidden@example.test$" "${E%.eml}.env"' \
    "the Bcc recipient is kept in the envelope, not the message"

# --- 4xx at RCPT
echo rcpt4xx > "$BAD/mode"
run "$HOSTILE" --flush-outbox
t_is "$RC" 1 "4xx at RCPT: flush reports a failure"
t_check 'printf "%s\n" "$OUT" | grep -q "FAILED.*refused"' "4xx at RCPT: reported"
t_check 'printf "%s\n" "$OUT" | grep -q "bob@example.test: 451"' \
    "4xx at RCPT: each refused recipient named"
still_intact "4xx at RCPT"
t_check 'grep -q "451" "${E%.eml}.err"' "4xx at RCPT: the error is the 451"

# --- the link drops after the message, before the answer
echo dropdata > "$BAD/mode"
run "$HOSTILE" --flush-outbox
t_log "$OUT"
t_is "$RC" 1 "drop after DATA: flush reports a failure"
t_check '[ -s "$BAD/received-2.eml" ] && cmp -s "$BAD/received-2.eml" "$T_TMPDIR/built.eml"' \
    "drop after DATA: the whole message went out"
still_intact "drop after DATA"
t_check 'grep -q "^uncertain" "${E%.eml}.err"' \
    "drop after DATA: marked uncertain (the server may have it)"

# --- server down
run "$DOWN" --flush-outbox
t_is "$RC" 1 "server down: flush reports a failure"
still_intact "server down"
run "$DOWN" -s "Second while down" bob@example.test
t_nonzero "server down: a new send fails"
t_check 'printf "%s\n" "$ERR" | grep -q "kept in the outbox"' \
    "server down: the user is told where the message is"
t_is "$(queued)" 2 "server down: the new message is in the outbox too"

# --- the real server: exactly one copy of each, outbox empty
before="$(stored)"
run "$GOOD" --flush-outbox
t_is "$RC" 0 "flush against the real server: exit status 0"
t_is "$(printf '%s\n' "$OUT" | grep -c ': sent$')" 2 "flush: two sent"
t_is "$(stored)" "$((before + 2))" "flush: exactly one copy of each delivered"
t_is "$(queued)" 0 "flush: the outbox is empty"
t_is "$(ls "$OUTBOX" | grep -vc '^tmp$')" 0 "flush: no .env or .err left"
t_check 'cmp -s "$T_TMPDIR/built.eml" "$(grep -l "^Subject: Outbox test" "$SMTP_OUT"/*.eml)"' \
    "flush: the delivered message is byte-identical to the one built"
t_check 'grep -l "hidden@example.test" "$SMTP_OUT"/*.json | grep -q .' \
    "flush: the Bcc recipient got it"
run "$GOOD" --flush-outbox
t_is "$RC" 0 "a second flush: nothing to do"
t_is "$(stored)" "$((before + 2))" "a second flush: no duplicate"

t_done
