# tests/integration/pop3ops.sh: the message operations of a POP3 account
# work on its local store: flag, read/unread, delete (no Trash folder:
# marked, then removed by $), undelete, tagging with ;, seen on open.
. "$TOP_SRCDIR/tests/lib.sh"

PY=/usr/bin/python3
CTL="$TOP_SRCDIR/tests/integration/imapops.py"
STORE="$T_DATA_HOME/postern/test"

t_start_servers
ctl() { timeout 30 "$PY" "$CTL" "$IMAPS_PORT" "$CA_FILE" "$@"; }
for s in "Kilo one" "Lima two" "Mike three"; do
	ctl append INBOX "$s" > /dev/null || t_fail "append $s"
done
t_write_config "$T_CONFIG_HOME/postern/config" test "backend = pop3"

# info SUBJECT: the Maildir info flags of the stored message ("" if none).
info() {
	local f
	f="$(grep -rlF "Subject: $1" "$STORE" --include='*' 2> /dev/null |
	    grep -E '/(cur|new)/' | head -n 1)"
	[ -n "$f" ] || { echo gone; return; }
	case "$f" in *:2,*) echo "${f##*:2,}" ;; *) echo "" ;; esac
}
wait_for() {
	local i
	for i in $(seq 50); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}
goto() {
	t_tmux_keys /
	t_tmux_keys -l "subject:\"$1\""
	t_tmux_keys Enter
	sleep 0.3
}

t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "Mike three" 30' "the POP3 account shows the mail"
goto "Kilo one"
t_tmux_keys F
t_check 'wait_for "info \"Kilo one\" | grep -q F"' "F flags the stored message"
goto "Kilo one"
t_tmux_keys N
t_check 'wait_for "info \"Kilo one\" | grep -q S"' "N marks it read"
goto "Lima two"
t_tmux_keys d
t_check 'wait_for "info \"Lima two\" | grep -q T"' \
    "d marks it deleted (no Trash folder)"
goto "Lima two"
t_tmux_keys u
t_check 'wait_for "info \"Lima two\" | grep -vq T"' "u undeletes it"
goto "Lima two"
t_tmux_keys d '$'
t_check 'wait_for "[ \"\$(info \"Lima two\")\" = gone ]"' "\$ removes it"
t_check 'wait_for "! t_tmux_screen | grep -q \"Lima two\""' \
    "it leaves the index"
t_tmux_keys T
t_tmux_keys -l "subject:kilo or subject:mike"
t_tmux_keys Enter
t_tmux_keys '\;' F
t_check 'wait_for "info \"Mike three\" | grep -q F && info \"Kilo one\" | grep -q F"' \
    "; F flags both tagged messages"
goto "Mike three"
t_tmux_keys Enter
t_check 't_tmux_wait_for "body of Mike three" 5' "the message opens"
t_check 'wait_for "info \"Mike three\" | grep -q S"' \
    "opening it marks it seen in the store"
t_tmux_keys q q
t_tmux_wait_exit 10 > /dev/null
t_done
