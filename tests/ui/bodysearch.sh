# tests/ui/bodysearch.sh: body: in queries (l, / and T) for an IMAP account
# (the server's UID SEARCH BODY) and a POP3 account (the local body index
# after a check): only the messages whose decoded body holds the word, one
# of them quoted-printable and one base64 (a grep of the raw files finds
# neither), combined with from: and not.
. "$TOP_SRCDIR/tests/lib.sh"

t_start_servers
CONF="$T_CONFIG_HOME/postern/config"

# put NAME DAY FROM SUBJECT: appends a message (headers after these from
# stdin) to alice's INBOX, over verified TLS.
put() {
	{
		printf 'From: %s <%s@example.test>\n' "$3" "$3"
		printf 'To: Alice <alice@example.test>\n'
		printf 'Subject: %s\n' "$4"
		printf 'Date: %s Mar 2024 10:00:00 +0000\n' "$2"
		printf 'Message-ID: <%s@example.test>\n' "$1"
		printf 'MIME-Version: 1.0\n'
		cat
	} | sed 's/$/\r/' > "$T_TMPDIR/$1.eml"
	timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
	    -T "$T_TMPDIR/$1.eml" "imaps://localhost:$IMAPS_PORT/INBOX" ||
	    t_fail "append $1"
}
put m1 01 alice "Plain note" <<'X'
Content-Type: text/plain; charset=us-ascii

Nothing to see here.
X
put m2 02 alice "QP note" <<'X'
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

We fly to Zan=
zi=62ar on Monday. Gr=C3=BC=C3=9Fe
X
put m3 03 bob "B64 note" <<'X'
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

SGVsbG8gQm9iLAp0aGUgdHJpcCB0byBaYW56aWJhciBpcyBib29rZWQuCkdyw7zDn2UK
X
put m4 04 carl "Zanzibar in the subject only" <<'X'
Content-Type: text/plain; charset=us-ascii

No word of it down here.
X
put m5 05 bob "Bob again" <<'X'
Content-Type: text/plain; charset=us-ascii

Lunch on Friday?
X
t_check '[ -s "$T_TMPDIR/m3.eml" ] && ! grep -qi zanzibar "$T_TMPDIR/m2.eml" "$T_TMPDIR/m3.eml"' \
    "a grep of the raw files finds the word in neither encoded body"

rows() { t_tmux_screen | sed -n '2,27p' | grep -c '20[0-9][0-9]-\|Mar [0-9]'; }

# limit KEYS QUERY: types QUERY at the limit prompt.
limit() {
	t_tmux_keys l C-u
	t_tmux_keys -l "$1"
	t_tmux_keys Enter
}

# both NAME: the checks shared by the two accounts.
both() {
	limit 'body:zanzibar'
	t_check 't_tmux_wait_for "limit:body:zanzibar \(2 shown\)" 30' \
	    "$1: l body:zanzibar shows exactly 2 messages"
	t_check 't_tmux_screen | grep -q "QP note"' \
	    "$1: the quoted-printable one"
	t_check 't_tmux_screen | grep -q "B64 note"' "$1: and the base64 one"
	t_check_not 't_tmux_screen | grep -q "subject only"' \
	    "$1: not the one with the word in its subject only"
	t_is "$(rows)" 2 "$1: two rows"

	limit 'from:bob and body:ZANZIBAR'
	t_check 't_tmux_wait_for "\(1 shown\)" 30' \
	    "$1: from:bob and body:ZANZIBAR shows one message"
	t_check 't_tmux_screen | grep -q "B64 note"' "$1: bob's base64 one"

	limit 'from:alice and body:zanzibar or not body:zanzibar'
	t_check 't_tmux_wait_for "\(4 shown\)" 30' \
	    "$1: and, or and not combine body: terms"
	t_check_not 't_tmux_screen | grep -q "B64 note"' \
	    "$1: only bob's body match is left out"

	limit 'body:"fly to zanzibar"'
	t_check 't_tmux_wait_for "\(1 shown\)" 30' "$1: a quoted phrase"
	t_check 't_tmux_screen | grep -q "QP note"' "$1: across the soft line break"

	limit 'body:GRÜßE'
	t_check 't_tmux_wait_for "\(2 shown\)" 30' \
	    "$1: non-ASCII text, case-insensitively"

	limit 'all'
	t_check 't_tmux_wait_for "5 of 5  (5 messages|5 new messages fetched\.)  sort:reverse-date *$" 10' \
	    "$1: l all shows all 5 (the status line as before)"

	t_tmux_keys T
	t_tmux_keys -l 'body:zanzibar'
	t_tmux_keys Enter
	t_check 't_tmux_wait_for "2 tagged\." 30' "$1: T body:zanzibar tags 2"

	t_tmux_keys /
	t_tmux_keys -l 'body:booked'
	t_tmux_keys Enter
	t_tmux_keys Enter
	t_check 't_tmux_wait_for "Subject: B64 note" 30' \
	    "$1: / body:booked moves to the base64 message"
	t_tmux_keys q
}

# --- IMAP: the server's UID SEARCH BODY.
t_write_config "$CONF"
t_tmux_start 200 30 "$POSTERN"
t_check 't_tmux_wait_for "5 of 5" 30' "IMAP: INBOX opens"
both IMAP
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "IMAP: q quits"

# --- While the server is slow to answer: the status line says so, the
# keys work, and of two queries only the newer one is applied.
GATE="$T_TMPDIR/gate"
/usr/bin/python3 "$TOP_SRCDIR/tests/ui/gateproxy.py" "$IMAPS_PORT" "$GATE" \
    300 > "$T_TMPDIR/proxy.port" &
proxy=$!
t_at_exit "kill $proxy 2> /dev/null"
for i in $(seq 50); do
	[ -s "$T_TMPDIR/proxy.port" ] && break
	sleep 0.1
done
port="$(cat "$T_TMPDIR/proxy.port")"
t_check '[ -n "$port" ]' "the gate proxy is up"
t_write_config "$CONF" test "imap.port = $port" "imap.idle = false"
t_tmux_start 200 30 "$POSTERN"
t_check 't_tmux_wait_for "5 of 5" 30' "IMAP: INBOX opens through the proxy"
sleep 2		# the resync after the cached index, through the proxy
: > "$GATE"
limit 'body:zanzibar'
t_check 't_tmux_wait_for "Searching message bodies\.\.\." 10' \
    "the status line says the bodies are being searched"
t_tmux_keys '?'
t_check 't_tmux_wait_for "Key bindings: index" 5' \
    "the keys still work meanwhile (? shows the help)"
t_tmux_keys q
t_check 't_tmux_wait_for "Bob again" 5' "q goes back to the index"
t_is "$(rows)" 5 "the index is as it was"
limit 'body:booked'
t_check 't_tmux_wait_for "Searching message bodies\.\.\." 10' \
    "a second query replaces the first"
rm -f "$GATE"
t_check 't_tmux_wait_for "limit:body:booked \(1 shown\)" 30' \
    "only the newer answer is applied"
t_check 't_tmux_screen | grep -q "B64 note"' "the message holding booked"
t_check_not 't_tmux_screen | grep -q "Searching message bodies"' \
    "the status line no longer says searching"
limit 'all'
t_check 't_tmux_wait_for "5 of 5 .*sort:reverse-date *$" 10' "l all again"
# An answer for a folder left meanwhile is dropped.
: > "$GATE"
limit 'body:zanzibar'
t_check 't_tmux_wait_for "Searching message bodies\.\.\." 10' \
    "a third search waits"
t_tmux_keys Tab j Enter
rm -f "$GATE"
t_check 't_tmux_wait_for "\[Archive\]  0 of 0" 30' "another folder opens"
sleep 2
t_check_not 't_tmux_screen | grep -q "limit:"' \
    "the answer for INBOX is not applied to it"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"

# --- POP3: downloaded into the local store, searched in its body index.
t_write_config "$CONF" test "backend = pop3"
t_tmux_start 200 30 "$POSTERN"
t_check 't_tmux_wait_for "5 of 5" 60' "POP3: the check downloads the 5 messages"
both POP3
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "POP3: q quits"
t_check 'sqlite3 "$T_DATA_HOME/postern/test/store.db" "SELECT count(*) FROM body_words" | grep -qx 5' \
    "POP3: the 5 messages are in the body index (FTS5)"
t_done
