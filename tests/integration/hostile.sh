#!/bin/sh
# tests/integration/hostile.sh: servers that trickle, stall, announce a huge
# literal and close, or talk garbage (tests/integration/hostile.py). Every
# postern --check ends within a bounded time with a clear FAILED line.
. "$TOP_SRCDIR/tests/lib.sh"

# Under --enable-sanitizers a finding must not pass for "check failed"
# (status 1): postern's stderr goes to its log, the status is all we see.
export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

HOSTILE="$TOP_SRCDIR/tests/integration/hostile.py"
PY="$(command -v python3)" || t_skip "python3 is not installed"
CONF="$T_TMPDIR/config"
TIMEOUT=3	# seconds, the accounts' timeout
BOUND=15	# seconds a whole check may take
# Under AddressSanitizer libetpan's 4 GB reservation for a huge literal is
# slow to poison and release: the bound is about a hang, not speed.
if nm "$POSTERN" 2> /dev/null | grep -q __asan_init; then
	BOUND=60
fi

# start MODE: starts hostile.py MODE; its port in PORT_<MODE>.
start() {
	local pid i
	"$PY" "$HOSTILE" "$1" "$T_TMPDIR/port.$1" > "$T_TMPDIR/hostile.$1.log" 2>&1 &
	pid=$!
	t_at_exit "kill $pid"
	for i in $(seq 100); do
		[ -s "$T_TMPDIR/port.$1" ] && break
		sleep 0.1
	done
	if [ ! -s "$T_TMPDIR/port.$1" ]; then
		t_fail "start hostile.py $1"
		t_done
	fi
	eval "PORT_$1=$(cat "$T_TMPDIR/port.$1")"
}

for m in trickle literal garbage silent; do
	start "$m"
done

# acct ID BACKEND PROTO PORT SECURITY: an account with one server
# 127.0.0.1:PORT (SMTP accounts get the silent server as their mailbox).
acct() {
	{
		printf '[account "%s"]\n' "$1"
		printf 'email = alice@example.test\nbackend = %s\n' "$2"
		printf 'username = alice\npassword-command = printf %%s pw\n'
		printf '%s.host = 127.0.0.1\n%s.port = %s\n' "$3" "$3" "$4"
		printf '%s.security = %s\n' "$3" "$5"
		[ "$3" = smtp ] && printf 'imap.host = 127.0.0.1\nimap.port = %s\n' \
		    "$PORT_silent"
		printf 'timeout = %s\n' "$TIMEOUT"
	} >> "$CONF"
}

acct trickle-imap imap imap "$PORT_trickle" starttls
acct trickle-imaps imap imap "$PORT_trickle" tls
acct trickle-pop3 pop3 pop3 "$PORT_trickle" starttls
acct trickle-smtp imap smtp "$PORT_trickle" starttls
acct silent-imaps imap imap "$PORT_silent" tls
acct literal imap imap "$PORT_literal" starttls
acct garbage-imap imap imap "$PORT_garbage" starttls
acct garbage-imaps imap imap "$PORT_garbage" tls
acct garbage-pop3 pop3 pop3 "$PORT_garbage" starttls
acct garbage-smtp imap smtp "$PORT_garbage" starttls

# run_check ACCOUNT: output in OUT, status in RC, seconds taken in SECS.
run_check() {
	local t0 t1
	t0=$(date +%s%N)
	OUT="$(t_run 60 -- "$POSTERN" -F "$CONF" --check "$1" 2>&1)"
	RC=$?
	t1=$(date +%s%N)
	SECS=$(( (t1 - t0) / 1000000000 ))
}

bounded() {
	if [ "$RC" = 124 ] || [ "$SECS" -ge "$BOUND" ]; then
		t_fail "$1: ends within $BOUND s (took $SECS s, status $RC)"
	else
		t_ok "$1: ends within $BOUND s (took $SECS s)"
	fi
	t_is "$RC" 1 "$1: exit status 1"
}

for a in trickle-imap trickle-imaps trickle-pop3 trickle-smtp silent-imaps; do
	proto="${a#*-}"
	proto="${proto%s}"
	run_check "$a"
	bounded "$a"
	t_match "^$a $proto 127\\.0\\.0\\.1:[0-9]+ \\((tls|starttls)\\): FAILED: .*timed out after $TIMEOUT s" \
	    "$a: reported as a time-out"
done

# {4000000000} and EOF: libetpan would spin at EOF forever.
run_check literal
bounded literal
t_match "^literal imap 127\\.0\\.0\\.1:$PORT_literal \\(starttls\\): FAILED: .*timed out" \
    "huge literal then EOF: reported as a time-out"

run_check garbage-imap
bounded garbage-imap
t_match "FAILED: 127\\.0\\.0\\.1:$PORT_garbage did not greet as an IMAP server" \
    "IMAP garbage: not an IMAP server"
run_check garbage-pop3
t_match "FAILED: 127\\.0\\.0\\.1:$PORT_garbage did not greet as a POP3 server" \
    "POP3 garbage: not a POP3 server"
run_check garbage-smtp
t_match "^garbage-smtp smtp .*FAILED: 127\\.0\\.0\\.1:$PORT_garbage did not greet as an SMTP server" \
    "SMTP garbage: not an SMTP server"
run_check garbage-imaps
t_match "FAILED: TLS handshake with 127\\.0\\.0\\.1:$PORT_garbage failed" \
    "garbage instead of TLS: handshake failure"

t_done
