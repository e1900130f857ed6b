# tests/ui/pop3-check.sh: a POP3 account checks for mail at start, on a
# key (G, fetch-mail) and every pop3.check-interval while running, on the
# worker: the status line shows "Fetching N of M...", and new messages
# appear in the open INBOX without a reload or a key press. A second POP3
# account, not open, checks at start and every interval as well.
. "$TOP_SRCDIR/tests/lib.sh"

MD=""
PY=/usr/bin/python3

t_start_servers
t_fill alice INBOX 40
MD="$TESTENV_DIR/home/alice/Maildir"
CONF="$T_CONFIG_HOME/postern/config"

# put NAME SUBJECT: a new message on the server.
put() {
	printf 'From: Check Test <check@example.test>\nSubject: %s\nDate: Mon, 1 Jan 2035 10:00:00 +0000\n\nnew\n' "$2" \
	    > "$MD/new/$1" && chown --reference="$MD" "$MD/new/$1"
}

# --- progress: through a proxy letting 20 KB/s through, 40 messages
# take seconds to download; the status line counts them.
"$PY" "$TOP_SRCDIR/tests/ui/slowproxy.py" "$POP3S_PORT" 20000 300 \
    > "$T_TMPDIR/proxy.port" &
proxy=$!
t_at_exit "kill $proxy 2> /dev/null"
for i in $(seq 50); do
	[ -s "$T_TMPDIR/proxy.port" ] && break
	sleep 0.1
done
port="$(cat "$T_TMPDIR/proxy.port")"
t_check '[ -n "$port" ]' "the throttling proxy is up"
t_write_config "$CONF" test "backend = pop3" "pop3.port = $port"

t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "Fetching [0-9]+ of 40\.\.\." 30' \
    "the check at start shows its progress in the status line"
t_tmux_keys '?'
t_check 't_tmux_wait_for "Key bindings: index" 5' \
    "keys are answered while it downloads"
t_tmux_keys j j j j j j j j j j j j j j j j j j j j
t_check 't_tmux_wait_for "G +fetch-mail" 5' "the help lists G, fetch-mail"
t_tmux_keys q
t_check 't_tmux_wait_for "40 of 40" 60' "the 40 messages appear in the open INBOX"
t_check 't_tmux_wait_for "40 new messages fetched" 10' "and the status line says so"

# --- the key: G checks now; the new message shows without a reload.
put 9001.key.test "arrived before the key"
sleep 1
t_check '! t_tmux_screen | grep -q "arrived before the key"' \
    "a message on the server is not shown before a check"
t_tmux_keys G
t_check 't_tmux_wait_for "arrived before the key" 30' \
    "G (fetch-mail) downloads it into the open INBOX"
t_check 't_tmux_wait_for "41 of 41" 5' "the count follows"
t_check 't_tmux_wait_for "1 new message fetched" 5' "the status line says what the check did"
t_tmux_keys G
t_check 't_tmux_wait_for "No new mail" 30' "a second G finds nothing new"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"

# --- every pop3.check-interval: a message arrives, nobody presses a key.
t_write_config "$CONF" test "backend = pop3" "pop3.check-interval = 3s"
t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "41 of 41" 30' "INBOX opens with the local mail"
t_check 't_tmux_wait_for "No new mail" 30' "the check at start finds nothing new"
put 9002.periodic.test "arrived while idle"
t_check 't_tmux_wait_for "arrived while idle" 30' \
    "the periodic check shows the new message in the open INBOX without a key"
t_check 't_tmux_wait_for "42 of 42" 5' "the count follows"
t_check 't_tmux_wait_for "INBOX +42" 5' "and the folder pane's count"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"
t_is "$(ls "$T_DATA_HOME/postern/test/new" | wc -l)" 42 "42 messages in the local Maildir, each once"

# --- two accounts: a POP3 account that is not the one open checks as
# well, at start and every interval, into its own local store.
t_fill bob INBOX 3
BMD="$TESTENV_DIR/home/bob/Maildir"
BSTORE="$T_DATA_HOME/postern/bob"
t_write_config "$CONF" test
t_add_bob "$CONF" bob "backend = pop3" "pop3.check-interval = 3s"
# bcount: the messages in bob's local store.
bcount() { find "$BSTORE/new" "$BSTORE/cur" -type f 2> /dev/null | wc -l; }
t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "alice@example.test" 30' "the first account (IMAP) opens"
t_check 'for i in $(seq 150); do [ "$(bcount)" = 3 ] && exit 0; sleep 0.2; done; exit 1' \
    "the other account's POP3 mail is downloaded at start, that account not open"
t_check 't_tmux_wait_for "INBOX +3/3│" 10' "the folder pane shows its count"
printf 'From: Check Test <check@example.test>\nSubject: for bob\nDate: Mon, 1 Jan 2035 10:00:00 +0000\n\nnew\n' \
    > "$BMD/new/9003.bob.test" && chown --reference="$BMD" "$BMD/new/9003.bob.test"
t_check 'for i in $(seq 150); do [ "$(bcount)" = 4 ] && exit 0; sleep 0.2; done; exit 1' \
    "its periodic check downloads a new message while another account is open"
t_check 't_tmux_wait_for "INBOX +4/4│" 10' "and the folder pane's count follows"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"
t_done
