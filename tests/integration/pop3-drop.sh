#!/bin/bash
# A connection cut in the middle of RETR (a proxy that drops after N bytes)
# leaves no partial message in the store and deletes nothing on the server,
# even with pop3.leave-on-server = no (the DELEs sent before the cut are
# never committed: no QUIT); the next check downloads each remaining
# message, and afterwards there is exactly one copy of each.
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v sqlite3 > /dev/null 2>&1 || t_skip "sqlite3 (the command) is not installed"
t_start_servers
t_fill alice INBOX 300 || t_fail "fill alice's INBOX"

MD="$TESTENV_DIR/home/alice/Maildir"
STORE="$T_DATA_HOME/postern/test"
DB="$STORE/store.db"
CONF="$T_CONFIG_HOME/postern/config"
PROXY="$TOP_SRCDIR/tests/integration/dropproxy.py"

pop3_stat() {
	timeout 60 python3 - "$POP3S_PORT" "$CA_FILE" <<'EOF'
import poplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
p = poplib.POP3_SSL("localhost", int(sys.argv[1]), context=ctx, timeout=30)
p.user("alice")
p.pass_("alice-pw-1")
print(p.stat()[0])
p.quit()
EOF
}

# The SHA-256 of every server message in the form POP3 carries (LF line
# ends, final LF), one a line, taken before anything is deleted.
python3 - "$MD" > "$T_TMPDIR/server.sha" <<'EOF'
import hashlib, os, sys
for s in ("cur", "new"):
    d = os.path.join(sys.argv[1], s)
    for f in os.listdir(d):
        b = open(os.path.join(d, f), "rb").read().replace(b"\r\n", b"\n")
        if not b.endswith(b"\n"):
            b += b"\n"
        print(hashlib.sha256(b).hexdigest())
EOF

# local_check: every local file is a whole server message (no partial
# one), none twice, and files, rows and UIDL records agree in number.
# Prints the number of local messages.
local_check() {
	python3 - "$STORE" "$T_TMPDIR/server.sha" <<'EOF' || return 1
import hashlib, os, sys
want = set(open(sys.argv[2]).read().split())
got = []
for s in ("cur", "new"):
    d = os.path.join(sys.argv[1], s)
    for f in os.listdir(d):
        got.append(hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest())
bad = [h for h in got if h not in want]
if bad or len(set(got)) != len(got):
    print("%d partial or unknown, %d twice" % (len(bad), len(got) - len(set(got))))
    sys.exit(1)
print(len(got))
EOF
	[ "$(ls "$STORE/tmp" | wc -l)" = 0 ] || { echo "tmp/ not empty"; return 1; }
	local files rows uidls
	files="$(cat "$STORE"/new/* "$STORE"/cur/* 2>/dev/null | wc -c)"
	rows="$(sqlite3 "$DB" 'SELECT COUNT(*) FROM messages')"
	uidls="$(sqlite3 "$DB" 'SELECT COUNT(*) FROM pop3_uidl WHERE message IS NOT NULL')"
	[ "$(ls "$STORE/new" "$STORE/cur" | grep -c '^p3-')" = "$rows" ] ||
	    { echo "files and rows differ"; return 1; }
	[ "$rows" = "$uidls" ] || { echo "rows $rows, UIDLs $uidls"; return 1; }
	: "$files"
}

# fetch_cut N: one check through a proxy that cuts after N bytes.
fetch_cut() {
	local pf="$T_TMPDIR/proxy.port.$1"
	timeout 120 python3 "$PROXY" "$pf" "$POP3S_PORT" "$1" 110 > "$T_TMPDIR/proxy.out" 2>&1 &
	local ppid=$!
	t_at_exit "kill $ppid"
	for _ in $(seq 100); do
		[ -s "$pf" ] && break
		sleep 0.1
	done
	t_write_config "$CONF" test "backend = pop3" "pop3.port = $(cat "$pf")" \
	    "pop3.leave-on-server = no"
	t_run -- "$POSTERN" --fetch test > "$T_TMPDIR/fetch.out" 2>&1
	local rc=$?
	t_reap "$ppid" 30
	cat "$T_TMPDIR/fetch.out" "$T_TMPDIR/proxy.out"
	return $rc
}

n0=0
for cut in 1000000 2100001; do
	t_check_not 'fetch_cut '"$cut"' > "$T_TMPDIR/cut.out"' \
	    "a check cut after $cut bytes fails"
	t_check 'grep -q "cut after '"$cut"' bytes" "$T_TMPDIR/cut.out" && grep -q "connection lost during RETR\|RETR timed out" "$T_TMPDIR/cut.out"' \
	    "the cut came in the middle of a RETR"
	t_check 'local_check > "$T_TMPDIR/local.out"' \
	    "no partial message in the store, tmp/ is empty, files, rows and UIDLs agree"
	n="$(head -n 1 "$T_TMPDIR/local.out")"
	t_check '[ "$n" -gt "$n0" ] && [ "$n" -lt 300 ]' \
	    "some messages were stored before the cut ($n)"
	n0="$n"
	t_is "$(pop3_stat)" 300 "nothing was deleted on the server (leave-on-server = no, no QUIT)"
done

t_write_config "$CONF" test "backend = pop3" "pop3.port = $POP3S_PORT" \
    "pop3.leave-on-server = no"
t_run -- "$POSTERN" --fetch test > "$T_TMPDIR/fetch.out" 2>&1
t_is "$(cat "$T_TMPDIR/fetch.out")" "$((300 - n0)) new, 0 skipped, 300 deleted on the server" \
    "the next check downloads the rest and deletes all 300"
t_check 'local_check > "$T_TMPDIR/local.out"' "the store is consistent"
t_is "$(head -n 1 "$T_TMPDIR/local.out")" 300 "exactly one copy of each of the 300 messages"
t_is "$(sort "$T_TMPDIR/server.sha" | uniq | wc -l)" 300 "(the 300 are distinct)"
t_is "$(pop3_stat)" 0 "the server is empty"
t_done
