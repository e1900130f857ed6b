# tests/integration/imap.sh: the IMAP backend against Dovecot, and against
# a fake server that breaks the rules (stalls, lies, odd responses).
# POSTERN_VALGRIND=1 runs every driver call under valgrind.
. "$TOP_SRCDIR/tests/lib.sh"

t_use_driver
drive() {
	if [ "${POSTERN_VALGRIND:-0}" = 1 ]; then
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		    --error-exitcode=99 "$DRIVER" "$@"
	else
		"$DRIVER" "$@"
	fi
}

# expect_error KIND REGEX ARG...: the driver fails cleanly (status 1)
# saying "error KIND: ...REGEX".
expect_error() {
	local kind="$1" re="$2" out rc
	shift 2
	out="$(drive "$@")"
	rc=$?
	printf '%s\n' "$out"
	[ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q -- "^error $kind: .*$re"
}

t_start_servers
t_fill alice INBOX 1200 || t_fail "fill INBOX"
t_fill alice "Überblick" 3 || t_fail "fill Überblick"
CONFIG="$T_TMPDIR/config"
t_write_config "$CONFIG"
OUT="$T_TMPDIR/out"

# ------------------------------------------------------------ Dovecot
t_check 'drive "$CONFIG" login > "$OUT.login" && grep -qx "logged in" "$OUT.login"' \
    "login to Dovecot"

t_check 'drive "$CONFIG" folders > "$OUT.folders"' "list folders"
t_is "$(head -n 1 "$OUT.folders" | cut -f 1,2,4,5)" "INBOX	INBOX	1	1200" \
    "INBOX first, with 1200 messages"
t_is "$(cut -f 1 "$OUT.folders" | sed 1d | tr '\n' ' ')" \
    "Archive Drafts Junk Sent Trash Überblick " \
    "the other folders sorted by name"
t_check 'grep -qx "Überblick	&ANw-berblick	/	1	3	[0-9]*" "$OUT.folders"' \
    "modified UTF-7 name decoded, wire name kept, STATUS counted"

t_check 'drive "$CONFIG" summaries INBOX > "$OUT.sum" 2> "$OUT.stats"' \
    "fetch 1200 summaries (count, strictly falling UIDs, first chunk <= 500)"
t_log "$(cat "$OUT.stats")"
t_is "$(wc -l < "$OUT.sum")" 1200 "1200 summaries"
t_is "$(head -n 1 "$OUT.sum" | cut -f 1)" 1200 "newest first"
t_check 'grep -q "first_chunk=200 " "$OUT.stats"' "first chunk is small"
t_check 'cut -f 6 "$OUT.sum" | grep -q "Überblick über das Projekt"' \
    "encoded subjects decoded to UTF-8"
t_check 'cut -f 5 "$OUT.sum" | grep -q "Müller"' \
    "encoded sender names decoded to UTF-8"
t_check_not 'cut -f 5,6 "$OUT.sum" | grep -q "=?"' \
    "no encoded word left in subjects and senders"
t_check_not 'cut -f 4 "$OUT.sum" | grep -qx 0' "every message has a date"
t_check 'awk -F "\t" "int(\$2 / 32) % 2 == 1" "$OUT.sum" | grep -q .' \
    "some messages flagged with attachments"

# Dovecot stores LF and serves CRLF: compare with the Maildir file.
same_as_maildir() {
	local uid="$1" mid file
	drive "$CONFIG" body INBOX "$uid" "$OUT.body" > /dev/null || return 1
	mid="$(grep -m 1 -i '^Message-ID:' "$OUT.body" | tr -d '\r' |
	    sed 's/^[^:]*: *//')"
	[ -n "$mid" ] || return 1
	file="$(grep -l -F -- "$mid" "$TESTENV_DIR"/home/alice/Maildir/cur/* \
	    "$TESTENV_DIR"/home/alice/Maildir/new/* 2> /dev/null | head -n 1)"
	[ -n "$file" ] || return 1
	sed 's/$/\r/' "$file" | cmp -s - "$OUT.body"
}
t_check 'same_as_maildir 1' "oldest body byte for byte as in the Maildir"
t_check 'same_as_maildir 1200' "newest body byte for byte as in the Maildir"
t_check 'expect_error server "no longer on the server" "$CONFIG" body INBOX 99999 "$OUT.none"' \
    "a missing message is a server error"

t_check 'expect_error auth "Authentication failed" -p wrong-password "$CONFIG" login' \
    "wrong password: an auth error with the server's text"
t_check 'expect_error input "line break" -p "$(printf "a\r\nb")" "$CONFIG" login' \
    "a password with CR LF is refused before anything is sent"
sed 's/^username = .*/username = carol@example.test/' "$CONFIG" > "$CONFIG.carol"
t_check 'drive -p "c\"ar\\ol pass" "$CONFIG.carol" login > "$OUT.carol" &&
    grep -qx "logged in" "$OUT.carol"' \
    "a password with quote, backslash and space"
sed -e "s/^imap.port = .*/imap.port = $IMAP_PORT/" \
    -e 's/^imap.security = .*/imap.security = starttls/' "$CONFIG" > "$CONFIG.stls"
t_check 'drive "$CONFIG.stls" select INBOX > "$OUT.stls" &&
    grep -qx "exists=1200" "$OUT.stls"' "login and EXAMINE over STARTTLS"
t_check 'expect_error server "NoSuchFolder" "$CONFIG" select NoSuchFolder' \
    "a missing folder is a server error"
t_check 'drive "$CONFIG" cancel INBOX' \
    "the callback cancels; the session still works afterwards"

# -------------------------------------------------------- fake server
cat > "$T_TMPDIR/fake_imap.py" <<'EOF'
import socket, ssl, sys, threading, time

tls_dir, port_file = sys.argv[1], sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(tls_dir + "/server-chain.pem", tls_dir + "/server.key")

def env(subject):
    return b'(NIL ' + subject + b' NIL NIL NIL NIL NIL NIL NIL NIL)'

ODD = [
    b'* 3 FETCH (UID 30 FLAGS (\\Seen \\Flagged) RFC822.SIZE 10 '
    b'INTERNALDATE "01-Jan-2020 00:00:00 +0000" ENVELOPE '
    b'("Wed, 1 Jan 2020 10:00:00 +0100" "=?UTF-8?B?w5xiZXJibGljaw==?=" '
    b'(("Ann" NIL "ann" "example.org")) NIL NIL NIL NIL NIL NIL NIL) '
    b'BODY[HEADER.FIELDS (CONTENT-TYPE)] {33}\r\n'
    b'Content-Type: multipart/mixed\r\n\r\n)\r\n',
    b'* 9 FETCH (UID 90 FLAGS () ENVELOPE ' + env(b'"out of range"') + b')\r\n',
    b'* 2 FETCH (FLAGS (\\Seen))\r\n',
    b'* 2 FETCH (UID 20 FLAGS () RFC822.SIZE 5 ENVELOPE ' +
    env(b'{100000}\r\n' + b'a' * 100000) + b')\r\n',
    b'* 1 FETCH (UID 40 FLAGS () ENVELOPE ' + env(b'"order"') + b')\r\n',
    b'* 3 FETCH (UID 31 FLAGS () ENVELOPE ' + env(b'"duplicate"') + b')\r\n',
]

LIST = [
    b'* LIST (\\HasNoChildren) "/" "inbox"',
    b'* LIST (\\Noselect) "/" "A&-B"',
    b'* LIST () "/" "&Jjo-!"',
    b'* LIST () "/" "Bad&AN!-"',
    b'* LIST (\\NonExistent) "." "Gone"',
    b'* LIST () NIL "Flat"',
    b'* LIST () "/" {3}\r\nA\nB',
]

def serve(c):
    f = c.makefile('rb')
    c.sendall(b'* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n')
    folder = b''
    while True:
        line = f.readline()
        if not line:
            return
        tag, _, rest = line.rstrip(b'\r\n').partition(b' ')
        cmd = rest.split(b' ')[0].upper()
        ok = tag + b' OK done\r\n'
        if cmd == b'CAPABILITY':
            c.sendall(b'* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n' + ok)
        elif cmd == b'LOGIN':
            c.sendall(tag + b' OK [CAPABILITY IMAP4rev1] logged in\r\n')
        elif cmd == b'LIST':
            c.sendall(b'\r\n'.join(LIST) + b'\r\n' + ok)
        elif cmd == b'STATUS':
            name = rest.split(b' ')[1]
            if name == b'Flat':
                c.sendall(tag + b' NO no status for you\r\n')
            else:
                c.sendall(b'* STATUS ' + name +
                    b' (MESSAGES 5 UNSEEN 1)\r\n' + ok)
        elif cmd in (b'EXAMINE', b'SELECT'):
            folder = rest.split(b' ')[1].strip(b'"')
            if folder == b'Trickle':
                c.sendall(b'* 1 EXISTS\r\n')
                for ch in b'* OK [UIDVALIDITY 1] slow' * 10:
                    c.sendall(bytes([ch]))
                    time.sleep(0.5)
                return
            c.sendall(b'* 3 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n' +
                tag + b' OK [READ-ONLY] done\r\n')
        elif cmd == b'FETCH' and folder == b'Odd':
            c.sendall(b''.join(ODD) + ok)
        elif cmd == b'UID' and b'RFC822.SIZE' in rest:
            uid = rest.split(b' ')[2]
            c.sendall(b'* 1 FETCH (UID ' + uid + b' RFC822.SIZE 100)\r\n' + ok)
        elif cmd == b'UID' and b'BODY.PEEK[]' in rest:
            # Lie about the size, then trickle the literal: no read
            # ever times out, only the watchdog ends it.
            uid = rest.split(b' ')[2]
            c.sendall(b'* 1 FETCH (UID ' + uid + b' BODY[] {50000000}\r\n')
            for i in range(120):
                c.sendall(b'x')
                time.sleep(0.5)
            return
        elif cmd == b'LOGOUT':
            c.sendall(b'* BYE bye\r\n' + ok)
            return
        else:
            c.sendall(tag + b' BAD unknown\r\n')

def conn(raw):
    try:
        c = ctx.wrap_socket(raw, server_side=True)
        serve(c)
    except Exception:
        pass
    finally:
        try:
            raw.close()
        except Exception:
            pass

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(port_file + ".tmp", "w") as pf:
    pf.write(str(s.getsockname()[1]))
import os
os.rename(port_file + ".tmp", port_file)
while True:
    raw, _ = s.accept()
    threading.Thread(target=conn, args=(raw,), daemon=True).start()
EOF
python3 "$T_TMPDIR/fake_imap.py" "$TESTENV_DIR/tls" "$T_TMPDIR/fake.port" \
    > "$T_TMPDIR/fake.log" 2>&1 &
FAKE_PID=$!
t_at_exit "kill $FAKE_PID"
for i in $(seq 50); do
	[ -s "$T_TMPDIR/fake.port" ] && break
	sleep 0.1
done
FAKE_PORT="$(cat "$T_TMPDIR/fake.port" 2> /dev/null)"
[ -n "$FAKE_PORT" ] || t_fail "start the fake IMAP server"
# A short timeout makes the stalls quick; valgrind needs more to connect.
FAKE_TIMEOUT=2
[ "${POSTERN_VALGRIND:-0}" = 1 ] && FAKE_TIMEOUT=15
FAKE="$T_TMPDIR/config.fake"
cat > "$FAKE" <<EOF
[account "fake"]
email = alice@example.test
backend = imap
username = alice
password-command = printf %s pw
imap.host = localhost
imap.port = $FAKE_PORT
imap.security = tls
tls.ca-file = $CA_FILE
timeout = $FAKE_TIMEOUT
EOF

t_check 'drive "$FAKE" folders > "$OUT.ff"' "fake: list odd folders"
t_is "$(cut -f 1-6 "$OUT.ff" | tr '\t\n' ',;')" \
"inbox,inbox,/,1,5,1;A&B,A&-B,/,0,-1,-1;Bad&AN!-,Bad&AN!-,/,1,5,1;\
Flat,Flat,-,1,-1,-1;Gone,Gone,.,0,-1,-1;☺!,&Jjo-!,/,1,5,1;" \
    "fake: inbox first, bad UTF-7 kept raw, no-select, no STATUS on NO, CR LF name dropped"

t_check 'drive -c "$FAKE" summaries Odd > "$OUT.odd"' \
    "fake: odd FETCH responses survive"
t_is "$(cut -f 1-5 "$OUT.odd" | tr '\t\n' ',;')" \
    "30,37,10,1577869200,Ann;20,0,5,0,;" \
    "fake: out of range, UID-less, duplicate and out-of-order responses dropped"
t_is "$(sed -n 1p "$OUT.odd" | cut -f 6)" "Überblick" "fake: subject decoded"
t_is "$(sed -n 2p "$OUT.odd" | cut -f 6 | tr -d '\n' | wc -c)" 1024 \
    "fake: a 100000-byte subject cut to 1 KiB"

SECONDS=0
t_check 'expect_error net "timed out" "$FAKE" select Trickle' \
    "fake: a server trickling bytes times out (watchdog)"
t_check '[ "$SECONDS" -lt $((FAKE_TIMEOUT + 13)) ]' \
    "fake: ... within seconds ($SECONDS s)"
SECONDS=0
t_check 'expect_error net "timed out" "$FAKE" body Odd 7 "$OUT.spin"' \
    "fake: a lied-about size with a trickled literal times out (watchdog)"
t_check '[ "$SECONDS" -lt $((FAKE_TIMEOUT + 13)) ]' \
    "fake: ... within seconds ($SECONDS s)"

t_done
