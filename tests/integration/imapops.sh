# tests/integration/imapops.sh: live updates (IDLE, then NOOP polling with
# IDLE and MOVE taken out of Dovecot's capabilities), message operations
# from the UI checked on the server, tagging with one UID-set command,
# and an operation made offline replayed once after the reconnect.
. "$TOP_SRCDIR/tests/lib.sh"

PY=/usr/bin/python3
CTL="$TOP_SRCDIR/tests/integration/imapops.py"
LOG="$T_STATE_HOME/postern/log"

t_start_servers
ctl() { timeout 30 "$PY" "$CTL" "$IMAPS_PORT" "$CA_FILE" "$@"; }

for s in "Alpha one" "Bravo two" "Charlie three" "Delta four" \
    "Echo five" "Foxtrot six"; do
	ctl append INBOX "$s" > /dev/null || t_fail "append $s"
done
# All read at first: N then shows the unread mark set by Postern.
ctl store INBOX "" '+FLAGS (\Seen)' 2> /dev/null
t_write_config "$T_CONFIG_HOME/postern/config" test \
    "delete-to-trash = no" "status-interval = 4"

# flags_of FOLDER SUBJECT: the server's flags of the message.
flags_of() { ctl flags "$1" "$2"; }
# wait_server CMD... : until CMD succeeds (5 s).
wait_server() {
	local i
	for i in $(seq 50); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}
# goto SUBJECT: the cursor to the message, with the index search.
goto() {
	t_tmux_keys /
	t_tmux_keys -l "subject:\"$1\""
	t_tmux_keys Enter
	sleep 0.3
}
# row SUBJECT: the index row of the message, from its flag column on
# (right of the folder pane's border).
row() { t_tmux_screen | grep -F "$1" | head -n 1 | sed 's/^[^│]*│//'; }

t_tmux_start 140 30 "$POSTERN" -d debug
t_check 't_tmux_wait_for "6 of 6" 20' "INBOX opens with 6 messages"
sleep 1

# --- IDLE: another client's changes show with no key pressed.
ctl append INBOX "Golf live" > /dev/null
t_check 't_tmux_wait_for "Golf live" 3' \
    "a message appended by another session appears (IDLE)"
ctl store INBOX "Golf live" '+FLAGS (\Flagged)'
t_check 'wait_server "row \"Golf live\" | grep -q \"^N! \""' \
    "a flag set by another session shows (IDLE)"
ctl expunge INBOX "Golf live"
t_check 'wait_server "! t_tmux_screen | grep -q \"Golf live\""' \
    "a message expunged by another session disappears (IDLE)"
t_check 'grep -q "capabilities" "$LOG"' "the debug log is written"

# --- operations on the cursor's message, checked on the server.
goto "Alpha one"
t_tmux_keys N
t_check 'wait_server "flags_of INBOX \"Alpha one\" | grep -vq Seen"' \
    "N marks the message unread on the server"
goto "Alpha one"
t_tmux_keys N
t_check 'wait_server "flags_of INBOX \"Alpha one\" | grep -q Seen"' \
    "N again marks it read"
goto "Bravo two"
t_tmux_keys F
t_check 'wait_server "flags_of INBOX \"Bravo two\" | grep -q Flagged"' \
    "F flags the message on the server"
goto "Charlie three"
t_tmux_keys d
t_check 'wait_server "flags_of INBOX \"Charlie three\" | grep -q Deleted"' \
    "d marks it \\Deleted (delete-to-trash = no)"
goto "Charlie three"
t_tmux_keys u
t_check 'wait_server "flags_of INBOX \"Charlie three\" | grep -vq Deleted"' \
    "u removes \\Deleted"
goto "Charlie three"
t_tmux_keys d
sleep 0.5
t_tmux_keys '$'
t_check 'wait_server "[ \"\$(ctl count INBOX \"Charlie three\")\" = 0 ]"' \
    "\$ expunges the deleted message"
t_check 'wait_server "! t_tmux_screen | grep -q \"Charlie three\""' \
    "the expunged message leaves the index"

# s: the folder pane to choose from (INBOX, Archive, Drafts, ...).
goto "Delta four"
t_tmux_keys s
t_check 't_tmux_wait_for "Move 1 to which folder" 5' "s asks for the folder"
t_tmux_keys j Enter
t_check 'wait_server "[ \"\$(ctl count Archive \"Delta four\")\" = 1 ] &&
    [ \"\$(ctl count INBOX \"Delta four\")\" = 0 ]"' \
    "s moves the message to the chosen folder"
t_check 'grep -q "UID MOVE" "$LOG"' "the server's MOVE was used"
goto "Echo five"
t_tmux_keys C j j Enter
t_check 'wait_server "[ \"\$(ctl count Drafts \"Echo five\")\" = 1 ] &&
    [ \"\$(ctl count INBOX \"Echo five\")\" = 1 ]"' \
    "C copies the message"

# Opening a message marks it seen, on the server and in the index.
ctl store INBOX "Foxtrot six" '-FLAGS (\Seen)'
t_check 'wait_server "row \"Foxtrot six\" | grep -q \"^N\""' \
    "the unread mark shows (IDLE)"
goto "Foxtrot six"
t_tmux_keys Enter
t_check 't_tmux_wait_for "body of Foxtrot six" 5' "the message opens"
t_check 'wait_server "flags_of INBOX \"Foxtrot six\" | grep -q Seen"' \
    "opening the message marks it seen on the server"
t_tmux_keys q

# --- tagging: t, T by query, ^T, and ; F in one UID STORE.
: > "$LOG.mark"
goto "Alpha one"
t_tmux_keys t
t_check 'wait_server "row \"Alpha one\" | cut -c5 | grep -q \"[*]\""' \
    "t tags the message (a * in the index)"
t_tmux_keys C-t
t_tmux_keys -l "subject:alpha"
t_tmux_keys Enter
t_check 'wait_server "row \"Alpha one\" | cut -c5 | grep -q \" \""' \
    "^T untags by query"
t_tmux_keys T
t_tmux_keys -l "subject:alpha or subject:bravo or subject:echo"
t_tmux_keys Enter
t_check 't_tmux_wait_for "3 tagged" 5' "T tags the 3 messages matching"
n_store_before="$(grep -c "UID STORE" "$LOG")"
t_tmux_keys '\;' F
t_check 'wait_server "flags_of INBOX \"Alpha one\" | grep -q Flagged &&
    flags_of INBOX \"Echo five\" | grep -q Flagged"' \
    "; F flags the tagged messages on the server"
sleep 0.5
t_is "$(( $(grep -c "UID STORE" "$LOG") - n_store_before ))" 1 \
    "the three were flagged with one UID STORE"
t_check 'grep "UID STORE" "$LOG" | tail -n 1 | grep -Eq "STORE [0-9:,]+ [+-]FLAGS"' \
    "the command names a UID set"
t_check 'grep -q "IDLE" "$LOG" && ! grep -q "NOOP poll" "$LOG"' \
    "the worker used IDLE, not polling"

# --- Without IDLE and MOVE (Dovecot told not to offer them): NOOP
# polling, and COPY + STORE + UID EXPUNGE for a move.
caps="$(ctl caps - IDLE MOVE)"
t_check '[ -n "$caps" ] && ! printf "%s\n" "$caps" | grep -qw IDLE' \
    "the capabilities without IDLE and MOVE"
sed -i "s|^protocol imap {|protocol imap {\n  imap_capability = $caps|" \
    "$T_SERVERS_DIR/etc/dovecot.conf"
kill -HUP "$(cat "$T_SERVERS_DIR/run/dovecot/master.pid")"
sleep 2
t_check '! ctl caps - | grep -qw IDLE' "Dovecot no longer offers IDLE"
t_write_config "$T_CONFIG_HOME/postern/config" test "poll-interval = 1"
: > "$LOG"
t_tmux_start 140 30 "$POSTERN" -d debug
t_check 't_tmux_wait_for "Foxtrot six" 20' "INBOX opens again"
sleep 1
ctl append INBOX "Hotel poll" > /dev/null
t_check 't_tmux_wait_for "Hotel poll" 4' \
    "a message appended by another session appears (NOOP polling)"
ctl store INBOX "Hotel poll" '+FLAGS (\Flagged)'
t_check 'wait_server "row \"Hotel poll\" | grep -q \"^N! \""' \
    "a flag set by another session shows (NOOP polling)"
ctl expunge INBOX "Hotel poll"
t_check 'wait_server "! t_tmux_screen | grep -q \"Hotel poll\""' \
    "an expunge by another session shows (NOOP polling)"
t_check 'grep -q "NOOP poll" "$LOG" && ! grep -q "IDLE" "$LOG"' \
    "the worker polled with NOOP"
goto "Bravo two"
t_tmux_keys s j Enter
t_check 'wait_server "[ \"\$(ctl count Archive \"Bravo two\")\" = 1 ] &&
    [ \"\$(ctl count INBOX \"Bravo two\")\" = 0 ]"' \
    "s moves the message without MOVE"
t_check 'grep -q "UID COPY" "$LOG" && grep -q "UID EXPUNGE" "$LOG" &&
    ! grep -q "UID MOVE" "$LOG"' "by UID COPY, STORE and UID EXPUNGE"
t_check 'wait_server "! t_tmux_screen | grep -q \"Bravo two\""' \
    "the moved message leaves the index"
# The folder pane's counts follow (STATUS every status-interval).
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null

# --- Offline: the link is cut, a flag and a copy are kept on disk and
# replayed once when it is back.
PROXY_PORT_FILE="$(t_tmpdir)/proxy.port"
DOWN="$(t_tmpdir)/proxy.down"
"$PY" "$TOP_SRCDIR/tests/integration/flakyproxy.py" "$PROXY_PORT_FILE" \
    "$IMAPS_PORT" "$DOWN" 200 2> "$(t_tmpdir)/proxy.err" &
PROXY=$!
t_at_exit 'kill "$PROXY" 2> /dev/null'
t_check 'wait_server "[ -s \"$PROXY_PORT_FILE\" ]"' "the proxy is up"
t_write_config "$T_CONFIG_HOME/postern/config" test "poll-interval = 1"
sed -i "s|^imap.port = .*|imap.port = $(cat "$PROXY_PORT_FILE")|" \
    "$T_CONFIG_HOME/postern/config"
: > "$LOG"
t_tmux_start 140 30 "$POSTERN" -d debug
t_check 't_tmux_wait_for "Foxtrot six" 20' "INBOX opens through the proxy"
# The index may come from the cache first: wait for the session itself.
t_check 'wait_server "grep -q \"INBOX: \(synced\|unchanged\)\" \"$LOG\""' \
    "the session through the proxy is up"
touch "$DOWN"
t_check 't_tmux_wait_for "OFFLINE" 6' "a cut link shows the offline banner"
goto "Foxtrot six"
t_tmux_keys F
goto "Foxtrot six"
t_tmux_keys C j j Enter
PENDING="$T_DATA_HOME/postern/test/pending"
t_check 'wait_server "[ \"\$(grep -c \"^op \" \"$PENDING\")\" = 2 ]"' \
    "the two operations are kept in the offline queue"
t_check 'flags_of INBOX "Foxtrot six" | grep -vq Flagged' \
    "the server has not seen the flag yet"
rm -f "$DOWN"
t_check 't_tmux_wait_for "q:Quit" 15' "the banner goes once the link is back"
t_check 'wait_server "flags_of INBOX \"Foxtrot six\" | grep -q Flagged"' \
    "the offline flag change reached the server"
t_check 'wait_server "[ \"\$(ctl count Drafts \"Foxtrot six\")\" = 1 ]"' \
    "the offline copy reached the server"
t_check 'wait_server "[ ! -s \"$PENDING\" ]"' "the queue is empty afterwards"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null
t_tmux_start 140 30 "$POSTERN" -d debug
t_check 't_tmux_wait_for "Foxtrot six" 20' "Postern starts again"
sleep 2
t_is "$(ctl count Drafts "Foxtrot six")" 1 "the copy was made exactly once"
# Archive opened once, so that its index is in the cache.
t_tmux_keys c j Enter
t_check 't_tmux_wait_for "Delta four" 10' "Archive opens"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null
# Starting while the server is unreachable: the cached index, offline.
touch "$DOWN"
: > "$LOG"
t_tmux_start 140 30 "$POSTERN" -d debug
t_check 't_tmux_wait_for "Foxtrot six" 20' "unreachable at start: the index from the cache"
t_check 't_tmux_wait_for "OFFLINE" 10' "unreachable at start: the offline banner"
t_check 't_tmux_screen | grep -q "^ *Archive.*│" &&
    t_tmux_screen | grep -q "^ *Drafts.*│"' \
    "unreachable at start: the folder pane lists the cached folders"
t_check 'grep -q "folders from the cache" "$LOG"' \
    "the log says where the folder list came from"
t_tmux_keys c j Enter
t_check 't_tmux_wait_for "Delta four" 10' \
    "unreachable at start: another folder opens from the cache"
t_tmux_keys c k Enter
t_check 't_tmux_wait_for "Foxtrot six" 10' "and INBOX again"
goto "Foxtrot six"
t_tmux_keys N
t_check 'wait_server "[ \"\$(grep -c \"^op \" \"$PENDING\")\" = 1 ]"' \
    "unreachable at start: a flag change is kept in the offline queue"
# Meanwhile another client files a message in Archive (2 so far).
ctl append Archive "Hotel eight" > /dev/null
rm -f "$DOWN"
t_check 't_tmux_wait_for "q:Quit" 20' "unreachable at start: the banner goes once it is back"
t_check 't_tmux_wait_for "Archive +[0-9]+/3│" 10' \
    "the folder counts are asked again at once after the reconnect"
ctl append INBOX "India nine" > /dev/null
t_check 't_tmux_wait_for "India nine" 10' \
    "started offline, once back the open folder is watched: new mail shows"
t_check 'wait_server "flags_of INBOX \"Foxtrot six\" | grep -vq Seen"' \
    "and reaches the server once it is back"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null

# --- leaving a folder with messages marked deleted (expunge-on-leave).
t_write_config "$T_CONFIG_HOME/postern/config" test \
    "delete-to-trash = no" "expunge-on-leave = no"
t_tmux_start 140 30 "$POSTERN" -d debug
t_check 't_tmux_wait_for "Foxtrot six" 20' "expunge-on-leave = no: INBOX opens"
sleep 1
goto "Foxtrot six"
t_tmux_keys d
t_check 'wait_server "flags_of INBOX \"Foxtrot six\" | grep -q Deleted"' \
    "d marks the message \\Deleted"
t_tmux_keys c j Enter
t_check 't_tmux_wait_for "Delta four" 10' "another folder opens"
sleep 2
t_is "$(ctl count INBOX "Foxtrot six")" 1 \
    "expunge-on-leave = no: the marked message stays on the server"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null
t_write_config "$T_CONFIG_HOME/postern/config" test "delete-to-trash = no"
t_tmux_start 140 30 "$POSTERN" -d debug
t_check 't_tmux_wait_for "Foxtrot six" 20' "INBOX opens, the message still marked"
sleep 1
t_tmux_keys c j Enter
t_check 't_tmux_wait_for "Delta four" 10' "another folder opens"
t_check 'wait_server "[ \"\$(ctl count INBOX \"Foxtrot six\")\" = 0 ]"' \
    "by default leaving the folder expunges the marked message"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null

t_done
