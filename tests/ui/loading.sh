# tests/ui/loading.sh: the UI never waits on the network. Through a proxy
# that lets 150 KB/s through, a 4,000-message folder takes many seconds to
# load; meanwhile the status line shows progress and the keys keep working.
. "$TOP_SRCDIR/tests/lib.sh"

t_start_servers
t_fill alice INBOX 4000

PY=/usr/bin/python3
"$PY" "$TOP_SRCDIR/tests/ui/slowproxy.py" "$IMAPS_PORT" 150000 300 \
    > "$T_TMPDIR/proxy.port" &
proxy=$!
t_at_exit "kill $proxy 2> /dev/null"
for i in $(seq 50); do
	[ -s "$T_TMPDIR/proxy.port" ] && break
	sleep 0.1
done
port="$(cat "$T_TMPDIR/proxy.port")"
t_check '[ -n "$port" ]' "the throttling proxy is up"
t_write_config "$T_CONFIG_HOME/postern/config" test
sed -i "s/^imap.port = .*/imap.port = $port/" "$T_CONFIG_HOME/postern/config"

t_tmux_start 100 30 "$POSTERN"
t_check 't_tmux_wait_for "Loading [0-9]+ of 4000 messages" 30' \
    "the status line shows loading progress"
t_tmux_keys '?'
t_check 't_tmux_wait_for "Key bindings: index" 3' \
    "a key is answered while the folder loads"
t_tmux_keys q
t_tmux_keys j j
t_check 't_tmux_wait_for "Loading [0-9]+ of 4000" 3' \
    "the folder is still loading after the keys were handled"
t_check 't_tmux_wait_for "4000 of 4000" 120' "the whole folder arrives"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0" || {
	t_tmux_screen | sed 's/^/#   |/'
	tail -n 5 "$T_STATE_HOME/postern/log" | sed 's/^/#   log |/'
}

# Quitting in the middle of a load does not wait for the network (without
# the message cache of the first run, which would show the folder at once).
rm -rf "$T_CACHE_HOME/postern"
t_tmux_start 100 30 "$POSTERN"
t_check 't_tmux_wait_for "Loading [0-9]+ of 4000 messages" 30' "loading again"
start=$SECONDS
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q during a load quits with status 0"
t_check '[ $((SECONDS - start)) -le 4 ]' "and within 4 seconds"
t_done
