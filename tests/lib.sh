# tests/lib.sh: sourced by every shell test (tests/integration/*.sh,
# tests/ui/*.sh). Bash only; a script started by another shell is re-run
# with bash. Typical use:
#
#	. "$TOP_SRCDIR/tests/lib.sh"
#	t_start_servers
#	t_fill alice INBOX 20
#	t_write_config "$T_CONFIG_HOME/postern/config"
#	t_check '"$POSTERN" --check' "account check passes"
#	t_done
#
# Results: each check prints "ok - DESC" or "not ok - DESC"; t_done prints
# "# N passed, N failed" and exits 0 only when nothing failed. Exit 77 is
# automake's SKIP. Everything started here (servers, tmux, temp dirs,
# watchdogs) is stopped at exit, also on INT/TERM. Nothing can hang: every
# check and helper is bounded in time, and a watchdog ends the whole script
# after T_TEST_TIMEOUT seconds (default 600).
#
# Environment: POSTERN (binary), TOP_SRCDIR, TOP_BUILDDIR (set by make
# check; defaults derived from this file's location), POSTERN_KEEP_TEST_DIRS=1
# keeps the temp dir, T_TEST_TIMEOUT, T_CHECK_TIMEOUT (default 120).

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

# ---------------------------------------------------------------- paths
T_LIBDIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOP_SRCDIR="${TOP_SRCDIR:-$(cd "$T_LIBDIR/.." && pwd)}"
TOP_BUILDDIR="${TOP_BUILDDIR:-$TOP_SRCDIR}"
POSTERN="${POSTERN:-$TOP_BUILDDIR/src/postern}"
T_SERVERS="$TOP_SRCDIR/tests/servers"
T_NAME="$(basename "$0" .sh)"
export POSTERN TOP_SRCDIR TOP_BUILDDIR
: "${T_TEST_TIMEOUT:=600}"
: "${T_CHECK_TIMEOUT:=120}"
case "$T_CHECK_TIMEOUT" in
''|*[!0-9]*)
	echo "not ok - T_CHECK_TIMEOUT must be whole seconds, not '$T_CHECK_TIMEOUT'"
	exit 1 ;;
esac

T_PASS=0
T_FAIL=0
T__DONE=0

# -------------------------------------------------------------- results
# t_ok DESC / t_fail DESC: record a passed / failed check.
t_ok() {
	T_PASS=$((T_PASS + 1))
	printf 'ok - %s\n' "$*"
}

t_fail() {
	T_FAIL=$((T_FAIL + 1))
	printf 'not ok - %s\n' "$*"
}

# t_log MSG...: a comment line in the test's log.
t_log() {
	printf '# %s\n' "$*"
}

# t_check "CMD" DESC: runs the shell command string CMD (eval'd in a
# subshell, so it sees the script's variables and functions), bounded by
# T_CHECK_TIMEOUT seconds; ok when it exits 0. On failure its output is
# shown as comment lines.
t_check() {
	local cmd="$1" desc="${2:-$1}" rc
	t__run "$cmd"
	rc=$?
	if [ "$rc" = 0 ]; then
		t_ok "$desc"
	else
		t_fail "$desc"
		t__show_output "exit status $rc: $cmd"
	fi
	return "$rc"
}

# t_check_not "CMD" DESC: like t_check, ok when CMD exits non-zero (but
# not when it was stopped for taking too long).
t_check_not() {
	local cmd="$1" desc="${2:-$1}" rc
	t__run "$cmd"
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 124 ]; then
		t_ok "$desc"
		return 0
	fi
	t_fail "$desc"
	t__show_output "exit status $rc (expected a failure): $cmd"
	return 1
}

# t_is GOT WANT DESC: ok when the two strings are equal.
t_is() {
	if [ "$1" = "$2" ]; then
		t_ok "$3"
		return 0
	fi
	t_fail "$3"
	printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	return 1
}

# t_match REGEXP DESC: ok when a line of $OUT (a command's captured
# output) matches the extended regular expression; shows $OUT otherwise.
t_match() {
	if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then
		t_ok "$2"
		return 0
	fi
	t_fail "$2"
	printf '#   want: %s\n' "$1"
	printf '%s\n' "$OUT" | sed 's/^/#   | /'
	return 1
}

# t_skip REASON: the whole script is skipped (automake SKIP, exit 77).
t_skip() {
	printf '# SKIP %s\n' "$*"
	T__DONE=1
	exit 77
}

# t_done: prints "# N passed, N failed" and exits 0 when nothing failed.
t_done() {
	T__DONE=1
	printf '# %d passed, %d failed\n' "$T_PASS" "$T_FAIL"
	if [ "$T_FAIL" = 0 ] && [ "$T_PASS" -gt 0 ]; then
		exit 0
	fi
	[ "$T_PASS" -gt 0 ] || [ "$T_FAIL" -gt 0 ] || printf '# no check ran\n'
	exit 1
}

# t_exit [STATUS]: ends a script that is not a test (a benchmark) without
# the check summary; cleanup still runs.
t_exit() {
	T__DONE=1
	exit "${1:-0}"
}

# ------------------------------------------------------- process helpers
# t__descendants PID: every process below PID (children, grandchildren...).
t__descendants() {
	local f stat rest pid ppid
	local -a kids_of=()
	local -a queue out
	for f in /proc/[0-9]*/stat; do
		read -r stat 2>/dev/null < "$f" || continue
		pid="${stat%% *}"
		rest="${stat##*) }"
		ppid="${rest#* }"
		ppid="${ppid%% *}"
		kids_of[ppid]+="$pid "
	done
	queue=("$1")
	out=()
	while [ "${#queue[@]}" -gt 0 ]; do
		pid="${queue[0]}"
		queue=("${queue[@]:1}")
		for f in ${kids_of[pid]:-}; do
			out+=("$f")
			queue+=("$f")
		done
	done
	[ "${#out[@]}" -gt 0 ] && printf '%s\n' "${out[@]}"
	return 0
}

# t_kill_tree PID [SIGNAL]: signals PID and everything below it (default
# TERM), then KILLs what is left after 2 s.
t_kill_tree() {
	local pid="$1" sig="${2:-TERM}" p all i
	all="$pid $(t__descendants "$pid")"
	for p in $all; do kill -s "$sig" "$p" 2>/dev/null; done
	for i in $(seq 20); do
		t__running $all || return 0
		sleep 0.1
	done
	for p in $all; do kill -s KILL "$p" 2>/dev/null; done
	return 0
}

# t_reap PID [TIMEOUT_S]: waits (default 10 s) until PID has ended; 1 if
# it still runs then. Not "wait", which can stay blocked (see t__run).
t_reap() {
	local now limit
	now="${EPOCHREALTIME/./}"
	limit=$((now + ${2:-10} * 1000000))
	while t__running "$1"; do
		now="${EPOCHREALTIME/./}"
		[ "$now" -lt "$limit" ] || return 1
		sleep 0.05
	done
	return 0
}

# t__running PID...: one of them runs (zombies count as gone).
t__running() {
	local p stat rest
	for p in "$@"; do
		read -r stat 2>/dev/null < "/proc/$p/stat" || continue
		rest="${stat##*) }"
		case "$rest" in Z*|X*) continue ;; esac
		return 0
	done
	return 1
}

# t__run CMD: eval CMD in a background subshell with output in
# $T_TMPDIR/check.out; kills it (and its children) after T_CHECK_TIMEOUT
# seconds and returns 124 then.
#
# No "wait" at all: bash 5.2 was seen to stay in "wait -n" and, rarely, in
# "wait PID" for a check that had long ended (a stall of T_CHECK_TIMEOUT
# seconds, after which the test's proxies and servers had gone). The
# subshell writes its status to a file when it exits; this shell looks
# every few milliseconds (read -t on a FIFO of its own: a pause with no
# process started) until it is there or the process is gone, and kills
# the check itself when its time is up.
t__run() {
	local pid rc="" now limit rcf="$T_TMPDIR/check.rc" pause=0.001
	rm -f "$rcf"
	# The check in a subshell of its own, so that an exec or an EXIT
	# trap of its own cannot skip the status, and a TERM or HUP that
	# kills it is a failure, not the status of its last command.
	(
		trap 'printf "%s\n" "$?" > "$rcf"' EXIT
		trap 'exit 143' TERM
		trap 'exit 129' HUP
		trap 'exit 130' INT
		( eval "$1" )
	) > "$T_TMPDIR/check.out" 2>&1 < /dev/null 9>&- &
	pid=$!
	now="${EPOCHREALTIME/./}"
	limit=$((now + T_CHECK_TIMEOUT * 1000000))
	while [ ! -s "$rcf" ] && t__running "$pid"; do
		now="${EPOCHREALTIME/./}"
		if [ "$now" -ge "$limit" ]; then
			t_kill_tree "$pid"
			printf 'timed out after %s s\n' "$T_CHECK_TIMEOUT" \
			    >> "$T_TMPDIR/check.out"
			return 124
		fi
		if [ -n "$T__TICK" ]; then
			read -r -t "$pause" -u 9 _
		else
			sleep "$pause"
		fi
		# Most checks take milliseconds: look again soon at first.
		case "$pause" in
		0.001) pause=0.002 ;;
		0.002) pause=0.005 ;;
		*) pause=0.01 ;;
		esac
	done
	[ -s "$rcf" ] && read -r rc < "$rcf"
	# Gone without a status: killed by a signal.
	case "$rc" in ''|*[!0-9]*) rc=1 ;; esac
	return "$rc"
}

t__show_output() {
	printf '#   %s\n' "$1"
	if [ -s "$T_TMPDIR/check.out" ]; then
		head -n 40 "$T_TMPDIR/check.out" | sed 's/^/#   | /'
	fi
}

# ------------------------------------------------------- cleanup at exit
# t_at_exit "CMD": runs CMD (eval'd) at exit, also on INT/TERM; the last
# registered runs first. Use this instead of trap.
T__CLEANUPS=()
t_at_exit() {
	T__CLEANUPS+=("$1")
}

# The sanitizer build's leak report leaves out glibc's own (tests/lsan.supp).
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$TOP_SRCDIR/tests/lsan.supp"

T__MAIN_PID=$BASHPID
t__on_exit() {
	local rc=$? i
	# A forked child (a check's subshell, a background sleep not yet
	# exec'd) can get here with the inherited traps: only the script's
	# own process cleans up.
	[ "$BASHPID" = "$T__MAIN_PID" ] || exit "$rc"
	trap - EXIT INT TERM HUP
	if [ "$T__DONE" = 0 ] && [ "$rc" != 77 ]; then
		T_FAIL=$((T_FAIL + 1))
		printf 'not ok - %s ended before t_done (exit status %s)\n' "$T_NAME" "$rc"
		printf '# %d passed, %d failed\n' "$T_PASS" "$T_FAIL"
		rc=1
	fi
	# A failed check: the end of Postern's own logs, for the test's log.
	if [ "$T_FAIL" -gt 0 ] && [ -n "${T_TMPDIR:-}" ]; then
		find "$T_TMPDIR" -path '*/postern/log' 2> /dev/null |
		while read -r f; do
			echo "# --- the last lines of $f:"
			tail -n 60 "$f" | sed 's/^/# /'
		done
	fi
	for ((i = ${#T__CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${T__CLEANUPS[i]}" > /dev/null 2>&1 < /dev/null
	done
	exit "$rc"
}
trap t__on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------- temp dirs
# A private temp dir under /tmp, made when this file is sourced and removed
# at exit (kept with POSTERN_KEEP_TEST_DIRS=1). It is searchable (0711)
# when running as root so that the test servers, which then run as nobody,
# can reach their own dir inside it.
T_TMPDIR="$(mktemp -d "/tmp/postern-$T_NAME.XXXXXX")" || {
	echo "not ok - cannot create a temp dir"
	exit 1
}
[ "$(id -u)" = 0 ] && chmod 0711 "$T_TMPDIR"
# t__run's pause: read -t on a FIFO that this shell holds open both ways
# (fd 9) waits the full time (no data ever comes) without starting a
# process. Long-lived children (the servers, tmux) are started with 9>&-.
T__TICK=""
if mkfifo "$T_TMPDIR/tick" 2> /dev/null && exec 9<> "$T_TMPDIR/tick"; then
	T__TICK=9
fi
t__rm_tmpdir() {
	if [ "${POSTERN_KEEP_TEST_DIRS:-0}" = 1 ]; then
		echo "# kept $T_TMPDIR" >&2
	else
		rm -rf "$T_TMPDIR"
	fi
}
t_at_exit t__rm_tmpdir

# t_tmpdir [NAME]: prints the private temp dir, or makes and prints its
# subdirectory NAME.
t_tmpdir() {
	if [ -n "${1:-}" ]; then
		mkdir -p "$T_TMPDIR/$1" && printf '%s\n' "$T_TMPDIR/$1"
	else
		printf '%s\n' "$T_TMPDIR"
	fi
}

# XDG dirs for the program under test (t_tmux_start and t_run use them).
T_CONFIG_HOME="$T_TMPDIR/xdg/config"
T_STATE_HOME="$T_TMPDIR/xdg/state"
T_CACHE_HOME="$T_TMPDIR/xdg/cache"
T_DATA_HOME="$T_TMPDIR/xdg/data"
mkdir -p "$T_CONFIG_HOME/postern" "$T_STATE_HOME" "$T_CACHE_HOME" "$T_DATA_HOME"

# The whole-script watchdog: after T_TEST_TIMEOUT seconds it kills what the
# script runs and then the script (whose exit trap then cleans up).
(
	sleep "$T_TEST_TIMEOUT"
	printf 'not ok - %s timed out after %s s\n' "$T_NAME" "$T_TEST_TIMEOUT"
	for p in $(t__descendants $$); do
		[ "$p" = "$BASHPID" ] || kill -TERM "$p" 2>/dev/null
	done
	kill -TERM $$ 2>/dev/null
) &
T__WATCHDOG=$!
t_at_exit 't_kill_tree "$T__WATCHDOG"'

# --------------------------------------------------------- test servers
# t_start_servers: starts tests/servers/start-servers in a new dir under
# T_TMPDIR and imports its variables (IMAPS_PORT, CA_FILE, SMTP_OUT,
# TESTENV_DIR, ...); they are stopped at exit. Skips the test (77) when
# the server packages are missing; a failed start is a failed test.
t_start_servers() {
	local dir out
	if ! command -v dovecot > /dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
		t_skip "dovecot is not installed (tools/install-deps)"
	fi
	if ! /usr/bin/python3 -c 'import aiosmtpd' > /dev/null 2>&1 &&
	    ! python3 -c 'import aiosmtpd' > /dev/null 2>&1; then
		t_skip "python3-aiosmtpd is not installed (tools/install-deps)"
	fi
	dir="$(mktemp -d "$T_TMPDIR/servers.XXXXXX")" || {
		t_fail "make a dir for the test servers"
		t_done
	}
	t_at_exit "timeout -k 5 30 '$T_SERVERS/stop-servers' '$dir'"
	if ! out="$(timeout -k 5 120 "$T_SERVERS/start-servers" "$dir" 2> "$dir.err" 9>&-)"; then
		t_fail "start the test servers"
		sed 's/^/#   | /' "$dir.err"
		tail -n 20 "$dir"/log/*.log 2> /dev/null | sed 's/^/#   | /'
		t_done
	fi
	eval "$out"
	T_SERVERS_DIR="$dir"
}

# t_stop_servers: stops them before exit (for tests that check the stop).
t_stop_servers() {
	timeout -k 5 30 "$T_SERVERS/stop-servers" "$T_SERVERS_DIR"
}

# t_fill USER FOLDER N: puts N generated messages into USER's FOLDER.
t_fill() {
	timeout -k 5 600 "$T_SERVERS/fill-mailbox" "$TESTENV_DIR" "$1" "$2" "$3" 2> /dev/null
}

# t__account ID NAME EMAIL USER PASSWORD [LINE...]: prints an account
# section on the started servers (IMAP, SMTP and POP3 all over implicit
# TLS, trusting the servers' CA), the LINEs at its end.
t__account() {
	local line
	cat <<EOF
[account "$1"]
name = $2
email = $3
backend = imap
username = $4
password-command = printf %s '$5'
imap.host = localhost
imap.port = $IMAPS_PORT
imap.security = tls
smtp.host = localhost
smtp.port = $SMTPS_PORT
smtp.security = tls
pop3.host = localhost
pop3.port = $POP3S_PORT
pop3.security = tls
tls.ca-file = $CA_FILE
timeout = 10
EOF
	shift 5
	for line in "$@"; do
		printf '%s\n' "$line"
	done
}

# t_write_config FILE [ACCOUNT_ID [LINE...]]: writes a Postern config for
# alice (t__account). Extra LINEs are appended inside the account section;
# callers may also append to FILE themselves.
t_write_config() {
	local file="$1" id="${2:-test}"
	mkdir -p "$(dirname "$file")" || return 1
	shift
	[ $# -gt 0 ] && shift
	(
		umask 077
		t__account "$id" "Alice Example" alice@example.test alice \
		    alice-pw-1 "$@" > "$file"
	)
}

# t_add_bob FILE ACCOUNT_ID [LINE...]: appends an account for bob
# (t__account); LINEs go inside its section.
t_add_bob() {
	local file="$1" id="$2"
	shift 2
	t__account "$id" "Bob Example" bob@example.test bob "b0b secret" \
	    "$@" >> "$file"
}

# t_run [TIMEOUT_S] -- CMD...: runs CMD with the test's XDG dirs, bounded
# in time (default T_CHECK_TIMEOUT); its status is returned (124 on time
# out).
t_run() {
	local secs="$T_CHECK_TIMEOUT"
	if [ "${1:-}" != "--" ] && [ $# -gt 1 ] && [ "${2:-}" = "--" ]; then
		secs="$1"
		shift
	fi
	[ "${1:-}" = "--" ] && shift
	env XDG_CONFIG_HOME="$T_CONFIG_HOME" XDG_STATE_HOME="$T_STATE_HOME" \
	    XDG_CACHE_HOME="$T_CACHE_HOME" XDG_DATA_HOME="$T_DATA_HOME" \
	    LANG=C.UTF-8 timeout -k 5 "$secs" "$@" < /dev/null
}

# ------------------------------------------------------------------ tmux
# One tmux server per test on a private socket, killed at exit; one session
# ("t") at a time. The pane stays after the program exits (remain-on-exit)
# so its last screen can still be read.
T_TMUX_SOCK="$T_TMPDIR/tmux.sock"
T__TMUX_STARTED=0
T__TMUX_N=0

t__tmux() {
	timeout -k 2 10 tmux -S "$T_TMUX_SOCK" -f "$T_TMPDIR/tmux.conf" "$@" 9>&-
}

# t_tmux_prepare CMD...: the tmux server's config (first call) and a
# script that runs CMD with TERM=xterm-256color, LANG=C.UTF-8 and the
# test's XDG dirs, its exit status to $T_TMUX_STATUS; its path in
# T_TMUX_SCRIPT. Kills the session "t" of an earlier start.
t_tmux_prepare() {
	command -v tmux > /dev/null 2>&1 || t_skip "tmux is not installed"
	if [ "$T__TMUX_STARTED" = 0 ]; then
		cat > "$T_TMPDIR/tmux.conf" <<'EOF'
set -g status off
set -g remain-on-exit on
set -g escape-time 0
set -g history-limit 2000
set -g default-terminal xterm-256color
EOF
		t_at_exit 't__tmux kill-server'
		T__TMUX_STARTED=1
	else
		t__tmux kill-session -t t > /dev/null 2>&1
	fi
	T__TMUX_N=$((T__TMUX_N + 1))
	T_TMUX_SCRIPT="$T_TMPDIR/tmux-cmd.$T__TMUX_N"
	T_TMUX_STATUS="$T_TMPDIR/tmux-status.$T__TMUX_N"
	{
		echo '#!/bin/bash'
		printf 'cd %q || exit 1\n' "$PWD"
		printf 'unset LC_ALL LC_CTYPE LC_MESSAGES LANGUAGE\n'
		printf 'export TERM=xterm-256color LANG=C.UTF-8\n'
		printf 'export XDG_CONFIG_HOME=%q XDG_STATE_HOME=%q XDG_CACHE_HOME=%q XDG_DATA_HOME=%q\n' \
		    "$T_CONFIG_HOME" "$T_STATE_HOME" "$T_CACHE_HOME" "$T_DATA_HOME"
		# Not exec: the shell writes the exit status to a file, which
		# is more reliable than asking tmux about a dead pane.
		printf '%q' "$1"
		shift
		[ $# -eq 0 ] || printf ' %q' "$@"
		printf '\nst=$?\nprintf "%%s\\n" "$st" > %q.tmp && mv %q.tmp %q\n' \
		    "$T_TMUX_STATUS" "$T_TMUX_STATUS" "$T_TMUX_STATUS"
	} > "$T_TMUX_SCRIPT"
	chmod +x "$T_TMUX_SCRIPT"
}

# t_tmux_start WIDTH HEIGHT CMD...: starts CMD in a detached WIDTHxHEIGHT
# session (as t_tmux_prepare says).
t_tmux_start() {
	local w="$1" h="$2"
	shift 2
	t_tmux_prepare "$@"
	t__tmux new-session -d -s t -x "$w" -y "$h" "$T_TMUX_SCRIPT"
}

# t_tmux_keys KEYS...: tmux send-keys (key names like Enter, Escape, C-c,
# or text; use -l first for literal text).
t_tmux_keys() {
	t__tmux send-keys -t t "$@"
}

# t_tmux_screen: prints the visible screen.
t_tmux_screen() {
	t__tmux capture-pane -p -t t
}

# t_tmux_still_screen [TIMEOUT_S]: prints the screen once it has stayed the
# same for 0.3 s (at most TIMEOUT_S, default 5, then as it is). A screen
# read right after t_tmux_wait_for matched can be half-drawn: the terminal
# gets a redraw in pieces, and the line matched may come before the rest.
t_tmux_still_screen() {
	local secs="${1:-5}" now deadline last cur same=0
	now="${EPOCHREALTIME/./}"
	deadline=$((now + secs * 1000000))
	last="$(t_tmux_screen 2> /dev/null)"
	while [ "$same" -lt 3 ]; do
		now="${EPOCHREALTIME/./}"
		[ "$now" -lt "$deadline" ] || break
		sleep 0.1
		cur="$(t_tmux_screen 2> /dev/null)"
		if [ "$cur" = "$last" ]; then
			same=$((same + 1))
		else
			same=0
			last="$cur"
		fi
	done
	printf '%s\n' "$last"
}

# t_tmux_wait_for REGEX [TIMEOUT_S]: waits (default 10 s) until the screen
# matches the extended regular expression; on time out prints the screen
# to stderr and returns 1. After a match it gives the redraw under way a
# moment to end (the same screen twice 30 ms apart, at most 150 ms), so
# that what the caller reads next is not half of it.
t_tmux_wait_for() {
	local re="$1" secs="${2:-10}" now deadline cur next i
	now="${EPOCHREALTIME/./}"
	deadline=$((now + secs * 1000000))
	while :; do
		cur="$(t_tmux_screen 2> /dev/null)"
		if printf '%s\n' "$cur" | grep -Eq -- "$re"; then
			for i in 1 2 3 4 5; do
				sleep 0.03
				next="$(t_tmux_screen 2> /dev/null)"
				[ "$next" != "$cur" ] || break
				cur="$next"
			done
			return 0
		fi
		now="${EPOCHREALTIME/./}"
		[ "$now" -lt "$deadline" ] || break
		sleep 0.1
	done
	{
		printf '# timed out after %s s waiting for /%s/; screen:\n' "$secs" "$re"
		t_tmux_screen 2>&1 | sed 's/^/#   |/'
	} >&2
	return 1
}

# t_tmux_resize WIDTH HEIGHT: resizes the session's window.
t_tmux_resize() {
	t__tmux resize-window -t t -x "$1" -y "$2"
}

# t_tmux_wait_exit [TIMEOUT_S]: waits (default 10 s) until the program in
# the session has exited and prints its exit status; returns 1 on time out.
t_tmux_wait_exit() {
	local secs="${1:-10}" now deadline
	now="${EPOCHREALTIME/./}"
	deadline=$((now + secs * 1000000))
	while :; do
		if [ -s "$T_TMUX_STATUS" ]; then
			cat "$T_TMUX_STATUS"
			return 0
		fi
		now="${EPOCHREALTIME/./}"
		[ "$now" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# ----------------------------------------------------------- gate proxy
# The password command's overlap with the connection, shown without
# timing anything. t_gate_proxy PORT starts tests/ui/gateproxy.py in front
# of 127.0.0.1:PORT (its own port in T_GATE_PORT): it holds back what the
# server says while $T_GATE exists and makes $T_GATE_MARK when a client
# connects. "sh $T_GATE_PW" is a password command that waits (5 s at
# most) for that connection, opens the gate and prints alice's password;
# with no connection it exits 7. Run one after the other, the two would
# wait for each other. t_gate_close shuts the gate and forgets the mark.
T_GATE="$T_TMPDIR/gate"
T_GATE_MARK="$T_TMPDIR/connected"
T_GATE_PW="$T_TMPDIR/gate-pw.sh"
t_gate_proxy() {
	cat > "$T_GATE_PW" <<EOF
i=0
while [ ! -e '$T_GATE_MARK' ] && [ \$i -lt 100 ]; do
	sleep 0.05
	i=\$((i + 1))
done
[ -e '$T_GATE_MARK' ] || exit 7
rm -f '$T_GATE'
printf %s alice-pw-1
EOF
	rm -f "$T_TMPDIR/proxy.port"
	/usr/bin/python3 "$TOP_SRCDIR/tests/ui/gateproxy.py" "$1" "$T_GATE" 120 \
	    "$T_GATE_MARK" > "$T_TMPDIR/proxy.port" 2> "$T_TMPDIR/proxy.$1.err" &
	t_at_exit "kill $! 2> /dev/null"
	for _ in $(seq 50); do
		[ -s "$T_TMPDIR/proxy.port" ] && break
		sleep 0.1
	done
	T_GATE_PORT="$(cat "$T_TMPDIR/proxy.port")"
	t_check '[ -n "$T_GATE_PORT" ]' "the gate proxy to port $1 is up"
}
t_gate_close() {
	rm -f "$T_GATE_MARK"
	: > "$T_GATE"
}

# ------------------------------------------------------ the IMAP driver
# t_use_driver: DRIVER is tests/integration/imap_driver (the test is
# skipped when it is not built, or without python3), messages in English
# (LC_ALL=C, bytes compared as bytes), and memory errors and leaks exit 99
# under the sanitizers, never 1 (the driver's "error" status).
t_use_driver() {
	DRIVER="$TOP_BUILDDIR/tests/integration/imap_driver"
	[ -x "$DRIVER" ] || t_skip "no $DRIVER (make check builds it)"
	command -v python3 > /dev/null 2>&1 || t_skip "python3 is not installed"
	export LC_ALL=C
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=99"
	export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}exitcode=99"
}
