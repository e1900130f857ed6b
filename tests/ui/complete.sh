#!/bin/sh
# tests/ui/complete.sh: the address book. A batch send records its
# recipients, opening a message records its sender, and the [ui]
# query-command (a script printing mutt-format lines) adds more;
# postern --query prints them ranked, and Tab at the query prompt (Q)
# completes and cycles through them, the candidates on the message line.
. "$TOP_SRCDIR/tests/lib.sh"

t_start_servers
CONF="$T_CONFIG_HOME/postern/config"
t_write_config "$CONF"
QUERY="$T_TMPDIR/query"
cat > "$QUERY" <<'EOS'
#!/bin/sh
# A mutt query command: a header line, then addr<TAB>name<TAB>other.
printf '%s\n' "$*" >> "$0.args"
echo "Searching... 2 entries"
printf 'jake@q.example\tJake Query\tfrom the query\n' | grep -i -- "$2"
printf 'quinn@q.example\tQuinn\t\n' | grep -i -- "$2"
exit 0
EOS
chmod +x "$QUERY"
printf '[ui]\nquery-command = %s --mutt-query %%s\n' "$QUERY" >> "$CONF"

{
	printf 'From: "Carol, Reader" <carol@example.test>\r\n'
	printf 'To: Alice <alice@example.test>\r\nSubject: Read me\r\n'
	printf 'Date: Mon, 04 Mar 2024 10:00:00 +0000\r\n'
	printf 'Message-ID: <c1@example.test>\r\n\r\nHello.\r\n'
} > "$T_TMPDIR/c1.eml"
timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
    -T "$T_TMPDIR/c1.eml" "imaps://localhost:$IMAPS_PORT/INBOX" ||
    t_fail "append the message"

# A send records its recipients (Bcc included) with their names.
printf 'Hi.\n' > "$T_TMPDIR/body"
env XDG_CONFIG_HOME="$T_CONFIG_HOME" XDG_DATA_HOME="$T_DATA_HOME" \
    XDG_STATE_HOME="$T_STATE_HOME" XDG_CACHE_HOME="$T_CACHE_HOME" \
    LANG=C.UTF-8 timeout 60 "$POSTERN" -s "Hello" -b hidden@example.test \
    '"Doe, Jane" <jane@example.test>' < "$T_TMPDIR/body" \
    > "$T_TMPDIR/send.out" 2>&1
t_is "$?" 0 "batch send to Jane"

OUT="$(t_run -- "$POSTERN" --query ja)"
t_match '^jane@example.test	Doe, Jane	sent 1, read 0$' \
    "--query: the recipient of the send, with its name"
t_match '^jake@q.example	Jake Query	query$' "--query: the query command's match"
t_is "$(printf '%s\n' "$OUT" | head -n 1 | cut -f 1)" jane@example.test \
    "--query: the address book comes first"
t_is "$(printf '%s\n' "$OUT" | grep -c quinn)" 0 "--query: non-matching lines left out"
t_check 'grep -qx -- "--mutt-query ja" "$QUERY.args"' \
    "the query is one argument of the command"
OUT="$(t_run -- "$POSTERN" --query hidden)"
t_match '^hidden@example.test		sent 1' "--query: the Bcc recipient is known too"
t_check_not 't_run -- "$POSTERN" --query nobody-at-all' \
    "--query: no match exits non-zero"

t_tmux_start 120 30 "$POSTERN"
t_check 't_tmux_wait_for "1 of 1" 20' "INBOX opens"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Hello\\." 10' "the message opens"
t_tmux_keys q
OUT="$(t_run -- "$POSTERN" --query car)"
t_match '^carol@example.test	Carol, Reader	sent 0, read 1$' \
    "opening a message records its sender"

t_tmux_keys Q
t_check 't_tmux_wait_for "^Query addresses" 5' "Q opens a prompt that completes"
t_tmux_keys -l 'ja'
t_tmux_keys Tab
t_check 't_tmux_wait_for "Tab 1/2: +\\[\"Doe, Jane\" <jane@example.test>\\] +Jake Query <jake@q.example>" 10' \
    "Tab lists the candidates on the message line, best first"
t_check 't_tmux_wait_for "^Query addresses.*: \"Doe, Jane\" <jane@example.test>" 5' \
    "the first candidate replaces the typed prefix"
t_tmux_keys Tab
t_check 't_tmux_wait_for "^Query addresses.*: Jake Query <jake@q.example>" 5' \
    "Tab again cycles to the next candidate"
t_check 't_tmux_wait_for "Tab 2/2" 5' "the message line shows which one"
t_tmux_keys -l ', car'
t_tmux_keys Tab
t_check 't_tmux_wait_for "Jake Query <jake@q.example>, \"Carol, Reader\" <carol@example.test>" 5' \
    "a single match completes the next address in place"
t_tmux_keys Enter
t_check 't_tmux_wait_for "2 addresses: Jake Query <jake@q.example>, \"Carol, Reader\" <carol@example.test>" 5' \
    "the completed list parses as two addresses"
t_tmux_keys Q
t_tmux_keys -l 'zzz'
t_tmux_keys Tab
t_check 't_tmux_wait_for "No match" 5' "no candidate says so"
t_tmux_keys Escape q
t_is "$(t_tmux_wait_exit 10)" 0 "quits cleanly"
t_done
