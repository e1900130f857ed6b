#!/bin/bash
# postern --fetch against the real Dovecot POP3: 1,000 messages downloaded
# byte-identical, a second check downloads nothing, and the policies
# (leave-on-server, delete-after-days, delete-when-deleted-locally,
# max-message-size) each do what postern.conf(5) says.
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v sqlite3 > /dev/null 2>&1 || t_skip "sqlite3 (the command) is not installed"
t_start_servers
t_fill alice INBOX 1000 || t_fail "fill alice's INBOX"

MD="$TESTENV_DIR/home/alice/Maildir"
STORE="$T_DATA_HOME/postern/test"
DB="$STORE/store.db"
CONF="$T_CONFIG_HOME/postern/config"

# Messages that test the edges of POP3's framing: dot-stuffed lines and a
# lone dot, a bare CR; and two that POP3 cannot carry exactly (stored with
# CRLF, or without a final line end: both arrive with LF line ends).
put() {
	printf "$2" > "$MD/new/$1" && chown --reference="$MD" "$MD/new/$1"
}
put 9001.dots.test 'From: dots@example.test\nSubject: dots\n\n.\n..\n.lead\n...three\nbare\rcr\nend.\n'
put 9002.nonl.test 'From: nofinal@example.test\nSubject: no final line end\n\nlast line'
put 9003.crlf.test 'From: crlf@example.test\r\nSubject: crlf\r\n\r\nbody\r\n'

# pop3_stat: the number of messages on the server (python poplib, TLS).
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

# compare_store: every server message has exactly one local copy with
# the same bytes (LF line ends, a final LF: what POP3 can carry), and the
# local store holds nothing else. Prints "N identical of K" (N local
# copies byte for byte a server file; K server files already in that
# form, so that they must be) and "M local".
compare_store() {
	python3 - "$MD" "$STORE" "$@" <<'EOF'
import hashlib, os, sys
def files(top, subs):
    for s in subs:
        d = os.path.join(top, s)
        for f in os.listdir(d):
            yield open(os.path.join(d, f), "rb").read()
def pop3_form(b):
    b = b.replace(b"\r\n", b"\n")
    return b if b.endswith(b"\n") else b + b"\n"
server = [pop3_form(b) for b in files(sys.argv[1], ("cur", "new"))]
raw = set(hashlib.sha256(b).hexdigest() for b in files(sys.argv[1], ("cur", "new")))
local = [hashlib.sha256(b).hexdigest() for b in files(sys.argv[2], ("cur", "new"))]
want = sorted(hashlib.sha256(b).hexdigest() for b in server)
extra = [h for h in sys.argv[3:]]
if sorted(local) != sorted(want + extra):
    print("local copies differ: %d local, %d on the server" % (len(local), len(want)))
    sys.exit(1)
exact = sum(1 for b in files(sys.argv[1], ("cur", "new")) if pop3_form(b) == b)
print("%d identical of %d" % (sum(1 for h in local if h in raw), exact))
print("%d local" % len(local))
EOF
}

fetch() {
	t_run -- "$POSTERN" --fetch test > "$T_TMPDIR/fetch.out" 2>&1
	local rc=$?
	cat "$T_TMPDIR/fetch.out"
	return $rc
}

sql() {
	sqlite3 "$DB" "$1"
}

t_write_config "$CONF" test "backend = pop3" "pop3.port = $POP3S_PORT"

# --- the first check downloads all 1,003 messages.
t_check 'fetch | grep -qx "1003 new, 0 skipped, 0 deleted on the server"' \
    "the first check downloads 1003 messages"
t_check 'compare_store > "$T_TMPDIR/cmp.out"' \
    "one local copy of each message, the bytes POP3 carries"
t_check 'grep -Eq "^([0-9]+) identical of \1$" "$T_TMPDIR/cmp.out" && grep -qx "1003 local" "$T_TMPDIR/cmp.out"' \
    "each server file with LF line ends and a final LF has a byte-identical copy"
t_check 'grep -Eq "^(99[0-9]|100[0-3]) identical" "$T_TMPDIR/cmp.out"' \
    "that is nearly all of them (only CRLF or unterminated files differ, as documented)"
t_is "$(ls "$STORE/tmp" | wc -l)" 0 "nothing left in tmp/"
t_is "$(sql 'SELECT COUNT(*) FROM messages')" 1003 "1003 rows in the store"
t_is "$(sql 'SELECT COUNT(*) FROM pop3_uidl WHERE message IS NOT NULL')" 1003 \
    "1003 UIDLs recorded, each with its message"
t_is "$(sql "SELECT subject FROM messages WHERE sender = 'dots@example.test'")" dots \
    "summaries are indexed"

# --- a second check downloads nothing; leave-on-server (the default) kept all.
t_check 'fetch | grep -qx "0 new, 0 skipped, 0 deleted on the server"' \
    "a second check downloads nothing"
t_is "$(pop3_stat)" 1003 "leave-on-server: all 1003 are still on the server"

# --- delete-after-days: only messages first seen long enough ago go.
sql "UPDATE pop3_uidl SET first_seen = first_seen - 10 * 86400 WHERE rowid IN (SELECT rowid FROM pop3_uidl ORDER BY rowid LIMIT 100)"
t_write_config "$CONF" test "backend = pop3" "pop3.port = $POP3S_PORT" \
    "pop3.delete-after-days = 7"
t_check 'fetch | grep -qx "0 new, 0 skipped, 100 deleted on the server"' \
    "delete-after-days = 7 deletes the 100 messages first seen 10 days ago"
t_is "$(pop3_stat)" 903 "903 left on the server"
t_is "$(sql 'SELECT COUNT(*) FROM pop3_uidl WHERE deleted_on_server <> 0')" 100 \
    "the store knows which 100 are gone from the server"
t_is "$(sql 'SELECT COUNT(*) FROM messages')" 1003 "all 1003 are still here"

# --- a local delete (files removed, as another program would) ...
for f in $(sql "SELECT file FROM messages m JOIN pop3_uidl u ON u.message = m.id WHERE u.deleted_on_server = 0 LIMIT 5"); do
	rm -f "$STORE/new/$f" "$STORE/cur/$f":*
done
t_write_config "$CONF" test "backend = pop3" "pop3.port = $POP3S_PORT"
t_check 'fetch | grep -qx "0 new, 0 skipped, 0 deleted on the server"' \
    "a local delete alone deletes nothing on the server, downloads nothing again"
t_is "$(sql 'SELECT COUNT(*) FROM messages')" 998 "the store noticed the 5 local deletes"
t_is "$(pop3_stat)" 903 "still 903 on the server"
t_write_config "$CONF" test "backend = pop3" "pop3.port = $POP3S_PORT" \
    "pop3.delete-when-deleted-locally = yes"
t_check 'fetch | grep -qx "0 new, 0 skipped, 5 deleted on the server"' \
    "delete-when-deleted-locally deletes the 5 on the server"
t_is "$(pop3_stat)" 898 "898 left on the server"

# --- max-message-size: a large message is skipped with a note, and stays.
python3 -c 'print("From: big@example.test\nSubject: big\n\n" + ("x" * 75 + "\n") * 3000, end="")' > "$MD/new/9100.big.test"
chown --reference="$MD" "$MD/new/9100.big.test"
t_write_config "$CONF" test "backend = pop3" "pop3.port = $POP3S_PORT" \
    "pop3.max-message-size = 100K"
t_check 'fetch | grep -q "skipped a message from big@example.test, \"big\" (.*over the limit" && grep -qx "0 new, 1 skipped, 0 deleted on the server" "$T_TMPDIR/fetch.out"' \
    "max-message-size skips a 228 KB message with a note"
t_is "$(pop3_stat)" 899 "the skipped message stays on the server"

# --- leave-on-server = no: everything goes once it is safe here.
t_write_config "$CONF" test "backend = pop3" "pop3.port = $POP3S_PORT" \
    "pop3.leave-on-server = no"
t_check 'fetch | grep -qx "1 new, 0 skipped, 899 deleted on the server"' \
    "leave-on-server = no downloads the rest and deletes all 899"
t_is "$(pop3_stat)" 0 "the server is empty"
t_fill alice INBOX 10
t_check 'fetch | grep -qx "10 new, 0 skipped, 10 deleted on the server"' \
    "new mail is downloaded and deleted in one check"
t_is "$(pop3_stat)" 0 "the server is empty again"
t_is "$(sql 'SELECT COUNT(*) FROM messages')" 1009 "998 + 1 + 10 messages here"
t_is "$(sql 'SELECT COUNT(*) FROM (SELECT sha256 FROM messages GROUP BY sha256 HAVING COUNT(*) > 1)')" 0 \
    "no message is stored twice"

# --- failures: a wrong password fails with the reason and exits non-zero.
t_write_config "$CONF" test "backend = pop3" "pop3.port = $POP3S_PORT" \
    "password-command = printf %s wrong"
t_check_not 'fetch' "a wrong password makes --fetch fail"
t_check 'grep -q "login failed" "$T_TMPDIR/fetch.out"' "and says why"
t_done
