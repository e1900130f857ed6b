#!/bin/sh
# tests/ui/outbox.sh: the outbox as a folder. Messages that could not be
# sent are listed as "Outbox (N)" in the folder pane and open in the
# index and the pager with the reason; Postern retries them at start-up
# in the background and on ^O; once the server works, exactly one copy
# of each is delivered and the outbox folder goes away.
. "$TOP_SRCDIR/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

t_start_servers
GOOD="$T_TMPDIR/good.conf"
DOWN="$T_TMPDIR/down.conf"
DOWNPORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
t_write_config "$GOOD" test
t_write_config "$DOWN" test "smtp.port = $DOWNPORT"
OUTBOX="$T_DATA_HOME/postern/test/outbox"
queued() { ls "$OUTBOX" 2> /dev/null | grep -c '\.eml$'; }
stored() { ls "$SMTP_OUT" 2> /dev/null | grep -c '\.eml$'; }

for s in "Queued one" "Queued two"; do
	printf 'Text of %s.\n' "$s" > "$T_TMPDIR/body"
	env XDG_CONFIG_HOME="$T_CONFIG_HOME" XDG_DATA_HOME="$T_DATA_HOME" \
	    XDG_STATE_HOME="$T_STATE_HOME" XDG_CACHE_HOME="$T_CACHE_HOME" \
	    LANG=C.UTF-8 timeout 60 "$POSTERN" -F "$DOWN" -s "$s" \
	    "Bob <bob@example.test>" < "$T_TMPDIR/body" > /dev/null 2>&1
done
t_is "$(queued)" 2 "two messages wait in the outbox (server down)"
before="$(stored)"

# --- the server still down: listed, opened, retried and failing
t_tmux_start 120 30 "$POSTERN" -F "$DOWN"
t_check 't_tmux_wait_for "Outbox \\(2\\)" 20' "the folder pane lists Outbox (2)"
t_check 't_tmux_wait_for "Outbox: 0 sent, 2 not sent: .*$DOWNPORT" 30' \
    "the start-up retry fails and says why"
t_tmux_keys j
t_tmux_keys C-o
t_check 't_tmux_wait_for "Outbox: 0 sent, 2 not sent" 30' "^O retries the outbox"
t_tmux_keys c '*' Enter
t_check 't_tmux_wait_for "\\[Outbox \\(2\\)\\]" 10' "the outbox opens as a folder"
t_check 't_tmux_screen | grep -q "To Bob .*Queued one"' "the index lists the first message"
t_check 't_tmux_screen | grep -q "To Bob .*Queued two"' "and the second"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Text of Queued " 10' "a queued message opens in the pager"
t_check 't_tmux_wait_for "Not sent yet: .*$DOWNPORT" 5' "the pager says why it was not sent"
t_tmux_keys q q
t_is "$(t_tmux_wait_exit 15)" 0 "quits cleanly"
t_is "$(stored)" "$before" "nothing delivered while the server is down"

# --- the server works: the start-up retry delivers each exactly once
t_tmux_start 120 30 "$POSTERN" -F "$GOOD"
t_check 't_tmux_wait_for "Outbox: 2 sent\\." 40' "the start-up retry sends both"
t_check_not 't_tmux_screen | grep -q "Outbox ("' "the outbox folder is gone"
t_is "$(queued)" 0 "the outbox is empty"
t_is "$(stored)" "$((before + 2))" "exactly one copy of each delivered"
t_is "$(grep -l '^Subject: Queued one' "$SMTP_OUT"/*.eml | wc -l)" 1 "one copy of the first"
t_is "$(grep -l '^Subject: Queued two' "$SMTP_OUT"/*.eml | wc -l)" 1 "one copy of the second"
t_tmux_keys C-o
t_check 't_tmux_wait_for "The outbox is empty" 5' "^O with nothing queued says so"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 15)" 0 "quits cleanly"
t_is "$(stored)" "$((before + 2))" "no duplicate afterwards"
t_done
