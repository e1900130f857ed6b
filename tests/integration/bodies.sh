#!/bin/bash
# Message bodies over IMAP against Dovecot, through the real binary in
# tmux: a message opened twice is fetched once (the body cache), the next
# message in the index is prefetched, a 2 MB message with a 1.9 MB
# attachment shows its text after fetching only the text part and saves
# the attachment byte for byte after fetching that part, the cache stays
# within imap.body-cache-size, and once the server is unreachable (its
# proxy killed) a cached message still opens while one not cached says so.
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v sqlite3 > /dev/null 2>&1 || t_skip "sqlite3 (the command) is not installed"
command -v python3 > /dev/null 2>&1 || t_skip "python3 is not installed"
t_start_servers

W="$(mktemp -d /tmp/pb.XXXXXX)" || { t_fail "mktemp"; t_done; }
t_at_exit "rm -rf '$W'"
M="$W/m"
mkdir -p "$M"

# The messages, newest first in the index: three small ones, the big
# one, five of 200 KB (whole: under the parts threshold), an old one.
python3 - "$M" <<'EOF' || t_fail "make the messages"
import base64, os, random, sys
d = sys.argv[1]
def msg(name, day, subject, body, extra=""):
    with open(os.path.join(d, name), "wb") as f:
        f.write(("From: Bob <bob@example.test>\r\nTo: alice@example.test\r\n"
                 "Subject: %s\r\nDate: %02d Jan 2026 10:00:00 +0000\r\n"
                 "Message-ID: <%s@example.test>\r\n%s\r\n" % (
                     subject, day, name, extra)).encode() + body)
msg("01", 28, "bd-one", b"body of one\r\n")
msg("02", 27, "bd-two", b"body of two\r\n")
msg("03", 26, "bd-three", b"body of three\r\n")
blob = random.Random(7).randbytes(1900 * 1024)
open(os.path.join(d, "big.bin"), "wb").write(blob)
b64 = base64.encodebytes(blob).replace(b"\n", b"\r\n")
big = (b"--=b=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
       b"Text of the big message: see the attachment.\r\n"
       b"--=b=\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\n"
       b"Content-Disposition: attachment; filename=\"big.bin\"\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 +
       b"--=b=--\r\n")
msg("04", 25, "bd-big", big, "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"=b=\"\r\n")
for i in range(5):
    msg("1%d" % i, 20 - i, "bd-fat %d" % i,
        (("fat %d line of text\r\n" % i) * 11000).encode())
msg("20", 1, "bd-old", b"body of old\r\n")
EOF
# Appends each file of $M (not big.bin) and prints "NAME UID".
python3 - "$IMAPS_PORT" "$CA_FILE" "$M" > "$W/uids" <<'EOF' || t_fail "append the messages"
import imaplib, os, ssl, sys
port, ca, d = sys.argv[1:4]
m = imaplib.IMAP4_SSL("localhost", int(port),
                      ssl_context=ssl.create_default_context(cafile=ca))
m.login("alice", "alice-pw-1")
for name in sorted(os.listdir(d)):
    if name.endswith(".bin"):
        continue
    typ, _ = m.append("INBOX", None, None, open(os.path.join(d, name), "rb").read())
    code = m.response("APPENDUID")[1][0]
    print(name, code.split()[1].decode())
m.logout()
EOF
uid() { awk -v n="$1" '$1 == n { print $2 }' "$W/uids"; }
U1="$(uid 01)" U2="$(uid 02)" U3="$(uid 03)" UB="$(uid 04)" UO="$(uid 20)"
t_check '[ -n "$U1" ] && [ -n "$UB" ] && [ -n "$UO" ]' "the messages are on the server"

# Through a proxy that can be killed to make the server unreachable.
pf="$W/proxy.port"
timeout 600 python3 "$TOP_SRCDIR/tests/integration/dropproxy.py" "$pf" "$IMAPS_PORT" 1000000000 590 \
    > "$W/proxy.out" 2>&1 &
ppid=$!
t_at_exit "kill $ppid 2> /dev/null"
for _ in $(seq 100); do
	[ -s "$pf" ] && break
	sleep 0.1
done
LIMIT=614400	# 600K
CONF="$T_CONFIG_HOME/postern/config"
t_write_config "$CONF" test "imap.port = $(cat "$pf")" "imap.body-cache-size = 600K"
DB="$T_CACHE_HOME/postern/test.db"
LOG="$T_STATE_HOME/postern/log"
q() { sqlite3 "$DB" "$1"; }
# nfetch UID [SECTION]: how many times the log shows BODY.PEEK[SECTION] of UID.
nfetch() { grep -c "UID FETCH $1 (BODY.PEEK\[$2\])" "$LOG"; }
log_wait() {
	for _ in $(seq 200); do
		grep -q -- "$1" "$LOG" 2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}
bound_ok() {
	local total
	total="$(q "SELECT total(size) FROM body")"
	[ "${total%.*}" -le "$LIMIT" ]
}

t_tmux_start 120 40 "$POSTERN" -d debug
t_check 't_tmux_wait_for "bd-old" 30' "the folder opens"
t_check 't_tmux_wait_for "10 of 10" 30' "every message is listed"

# ------------------------------------------------ opened twice, fetched once
t_tmux_keys Enter
t_check 't_tmux_wait_for "body of one" 15' "the first message opens"
t_is "$(nfetch "$U1")" 1 "it was fetched whole, once"
t_check 'log_wait "prefetching message $U2"' "the next message in the index is prefetched"
t_check 'log_wait "message $U2 kept in the body cache"' "the prefetch keeps it in the body cache"
t_tmux_keys q
t_tmux_keys Enter
t_check 't_tmux_wait_for "body of one" 15' "the first message opens again"
t_is "$(nfetch "$U1")" 1 "the second open sent no FETCH of its body"
t_check 'log_wait "message $U1 from the body cache"' "it came from the body cache"

# ------------------------------------------------ the prefetched one
t_tmux_keys n
t_check 't_tmux_wait_for "body of two" 15' "n shows the next message"
t_is "$(nfetch "$U2")" 1 "the next message was fetched once, by the prefetch"
t_check 'log_wait "message $U2 from the body cache"' "n showed it from the body cache"

# ------------------------------------------------ a big message, in parts
t_tmux_keys n
t_check 't_tmux_wait_for "body of three" 15' "the third message"
t_tmux_keys n
t_check 't_tmux_wait_for "Text of the big message" 30' "the big message shows its text"
t_check 'grep -q "UID FETCH $UB (RFC822.SIZE BODYSTRUCTURE)" "$LOG"' "BODYSTRUCTURE was asked first"
t_check 'grep "UID FETCH $UB (BODY.PEEK\[HEADER\]" "$LOG" | grep -q "BODY.PEEK\[1\]"' \
    "then the header and the text part (BODY.PEEK[1])"
t_check_not 'grep "UID FETCH $UB (" "$LOG" | grep -q "BODY.PEEK\[2\]"' "not the attachment (BODY.PEEK[2])"
t_is "$(nfetch "$UB")" 0 "not the whole message"
t_is "$(q "SELECT partial FROM body WHERE uid = $UB")" 1 "kept in the body cache in part"
t_check '[ "$(q "SELECT size FROM body WHERE uid = $UB")" -lt 65536 ]' "without the attachment"
t_check 't_tmux_screen | grep -q "Attachment #2: big.bin, application/octet-stream, 1.9 MB, on the server"' \
    "the pager lists the attachment left out with its size"
t_tmux_keys v
t_check 't_tmux_wait_for "big.bin +1\.[89]M base64 \(on the server\)" 10' \
    "v lists the attachment left out, with its name, type and size"
t_check 't_tmux_screen | grep -q "application/octet-stream.*big.bin"' "and its type"
t_tmux_keys s
t_check 't_tmux_wait_for "Save to .*big.bin" 5' "s offers the file name"
t_tmux_keys C-u
t_tmux_keys -l "$W/saved.bin"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Saved $W/saved.bin" 60' "the attachment is saved once fetched"
t_check 'cmp -s "$W/saved.bin" "$M/big.bin"' "byte for byte"
t_is "$(nfetch "$UB" 2)" 1 "the attachment part alone was fetched (BODY.PEEK[2])"
t_is "$(nfetch "$UB")" 0 "still not the whole message"
t_tmux_keys q q

# ------------------------------------------------ the bound
for i in 0 1 2 3 4; do
	t_tmux_keys j Enter
	t_check "t_tmux_wait_for 'fat $i line of text' 15" "fat message $i opens"
	t_tmux_keys q
	t_check 'bound_ok' "the body cache stays within its bound after fat message $i"
done
t_is "$(for n in 11 12 13 14; do nfetch "$(uid "$n")"; done | sort -u)" 1 \
    "j and Enter in the index found each next one prefetched (fetched once)"
t_check 'grep -q "message $(uid 14) from the body cache" "$LOG"' "and showed it from the body cache"
t_check 'log_wait "bodies evicted"' "the least recently used bodies were evicted"
t_check '[ "$(q "SELECT count(*) FROM body WHERE uid = $U1")" = 0 ]' "the first message, least recently used, was evicted"
t_check 'bound_ok' "the sum of the sizes is at most 600K"

# ------------------------------------------------ offline
t_tmux_keys =
kill "$ppid" 2> /dev/null
t_reap "$ppid"
t_check 't_tmux_wait_for "OFFLINE" 30' "the proxy killed, the server is unreachable"
t_tmux_keys '*' k Enter
t_check 't_tmux_wait_for "fat 4 line of text" 15' "a cached message still opens offline"
t_tmux_keys q =
t_tmux_keys Enter
t_check 't_tmux_wait_for "not in the body cache" 15' "one not cached (evicted) says so"
t_check_not 't_tmux_screen | grep -q "body of one"' "and is not shown"
t_tmux_keys q q
t_tmux_wait_exit 10 > /dev/null
t_done
