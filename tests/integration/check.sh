#!/bin/sh
# tests/integration/check.sh: postern --check, its output and exit status.
. "$TOP_SRCDIR/tests/lib.sh"

# Under --enable-sanitizers a finding must not pass for "check failed"
# (status 1): postern's stderr goes to its log, the status is all we see.
export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

t_start_servers
GOOD="$T_TMPDIR/good.conf"
MIXED="$T_TMPDIR/mixed.conf"

# One account on all the good servers (IMAP, SMTP; POP3 in a second).
t_write_config "$GOOD" home
t_write_config "$T_TMPDIR/pop.conf" pop "backend = pop3" \
    "pop3.security = starttls" "pop3.port = $POP3_PORT"
sed -n '/^\[account/,$p' "$T_TMPDIR/pop.conf" >> "$GOOD"

# A good account and three broken ones.
cp "$GOOD" "$MIXED"
t_write_config "$T_TMPDIR/b1.conf" badpass \
    "password-command = printf %s not-the-password"
t_write_config "$T_TMPDIR/b2.conf" nopass "password-command = exit 3"
t_write_config "$T_TMPDIR/b3.conf" closed "imap.port = $(
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
for f in b1 b2 b3; do
	cat "$T_TMPDIR/$f.conf" >> "$MIXED"
done

# run CONF [ARGS...]: postern -F CONF --check ARGS; stdout in OUT, stderr
# in ERR, status in RC.
run() {
	local conf="$1"
	shift
	t_run 60 -- "$POSTERN" -F "$conf" --check "$@" > "$T_TMPDIR/out" \
	    2> "$T_TMPDIR/err"
	RC=$?
	OUT="$(cat "$T_TMPDIR/out")"
	ERR="$(cat "$T_TMPDIR/err")"
}

run "$GOOD"
t_is "$RC" 0 "all services OK: exit status 0"
t_match "^home imap localhost:$IMAPS_PORT \\(tls\\): OK\$" "IMAP line"
t_match "^home smtp localhost:$SMTPS_PORT \\(tls\\): OK\$" "SMTP line"
t_match "^pop pop3 localhost:$POP3_PORT \\(starttls\\): OK\$" "POP3 line"
t_is "$(printf '%s\n' "$OUT" | wc -l)" 4 "one line per service"
t_is "$(printf '%s\n' "$OUT" | grep -c '^pop imap')" 0 \
    "the POP3 account's IMAP server is not checked"

# The log tells what was done, never the password.
t_run 60 -- "$POSTERN" -d debug -F "$GOOD" --check > /dev/null 2>&1
LOG="$T_STATE_HOME/postern/log"
t_check "grep -q 'SMTP AUTH PLAIN' '$LOG'" "the log says what was done"
t_is "$(grep -c alice-pw-1 "$LOG")" 0 "the password is not in the log"

run "$GOOD" pop
t_is "$RC" 0 "one account: exit status 0"
t_is "$(printf '%s\n' "$OUT" | wc -l)" 2 "one account: only its services"

run "$MIXED"
t_is "$RC" 1 "some service failed: exit status 1"
t_match "^home imap .*: OK\$" "the good account still passes"
t_match "^badpass imap .*: FAILED: authentication failed: " \
    "wrong password reported"
t_match "^badpass smtp .*: FAILED: authentication failed: 535 " \
    "wrong SMTP password reported"
t_match "^nopass imap .*: FAILED: cannot get the password: " \
    "failing password command reported"
t_match "^closed imap localhost:[0-9]+ \\(tls\\): FAILED: cannot connect to localhost:[0-9]+: Connection refused\$" \
    "closed port reported with host and port"

run "$MIXED" home
t_is "$RC" 0 "only the good account asked for: exit status 0"

run "$GOOD" nosuch
t_check_not "[ $RC = 0 ]" "unknown account: non-zero exit status"
t_is "$OUT" "" "unknown account: nothing on stdout"
if printf '%s\n' "$ERR" | grep -q "no account named 'nosuch'"; then
	t_ok "unknown account: named on stderr"
else
	t_fail "unknown account: named on stderr"
	printf '%s\n' "$ERR" | sed 's/^/#   | /'
fi

# Without cyrus-sasl's PLAIN and LOGIN modules SMTP AUTH cannot work; that
# must not read as a wrong password.
mkdir -p "$T_TMPDIR/no-sasl-modules"
SASL_PATH="$T_TMPDIR/no-sasl-modules" run "$GOOD" home
t_match "^home smtp .*: FAILED: SASL module for PLAIN missing: install libsasl2-modules\$" \
    "missing SASL modules reported as such"
t_is "$(printf '%s\n' "$OUT" | grep -c 'authentication failed')" 0 \
    "missing SASL modules not reported as a wrong password"
t_is "$RC" 1 "missing SASL modules: exit status 1"

t_done
