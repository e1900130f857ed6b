# tests/ui/folders.sh: creating, renaming and deleting folders from the
# folder pane (C, r, d; d asks first), for an IMAP account (checked on the
# Dovecot server, with subscribe s and unsubscribe u) and for a POP3
# account (checked in the local store).
. "$TOP_SRCDIR/tests/lib.sh"

t_start_servers
t_fill alice INBOX 5
CONF="$T_CONFIG_HOME/postern/config"
PY=/usr/bin/python3

# imap_list [LSUB]: the folder names on the server, one a line.
imap_list() {
	timeout 60 "$PY" - "$IMAPS_PORT" "$CA_FILE" "${1:-LIST}" <<'EOF2'
import imaplib, ssl, sys, re
ctx = ssl.create_default_context(cafile=sys.argv[2])
m = imaplib.IMAP4_SSL("localhost", int(sys.argv[1]), ssl_context=ctx)
m.login("alice", "alice-pw-1")
typ, data = m.lsub() if sys.argv[3] == "LSUB" else m.list()
for d in data:
    if d:
        print(re.sub(r'^\(.*?\) (NIL|"[^"]*") ', "", d.decode()).strip('"'))
m.logout()
EOF2
}

# pane: the folder pane's names, one a line, top first.
pane() {
	t_tmux_screen | sed -n '2,$p' | awk -F'│' 'NF > 1 {print $1}' |
	    sed -E 's/ +[0-9]+(\/[0-9]+)? *$//; s/ +$//; s/^ +//; s/^\+//'
}

# goto NAME: moves the folder pane's cursor to NAME.
goto() {
	local n
	n="$(pane | grep -nx -- "$1" | cut -d: -f1)"
	[ -n "$n" ] || return 1
	t_tmux_keys =
	while [ "$n" -gt 1 ]; do
		t_tmux_keys j
		n=$((n - 1))
	done
	sleep 0.3
}

# answer TEXT: types TEXT at the prompt and Enter.
answer() {
	t_tmux_keys -l "$1"
	t_tmux_keys Enter
}

# ---------------------------------------------------------------- IMAP
t_write_config "$CONF" test
t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "5 of 5" 30' "IMAP: INBOX opens"
t_check 't_tmux_wait_for "Archive" 10' "IMAP: the folder pane lists the server's folders"
t_tmux_keys c
t_tmux_keys C
t_check 't_tmux_wait_for "Create folder:" 5' "IMAP: C asks for a name"
answer "Projekte Köln"
t_check 't_tmux_wait_for "Folder .Projekte Köln. created" 20' "IMAP: it says the folder was created"
t_check 't_tmux_wait_for "Projekte Köln" 10' "IMAP: the folder pane shows it"
t_check 'imap_list | grep -qx "Projekte K&APY-ln"' "IMAP: the server has it (modified UTF-7)"
t_check 'imap_list LSUB | grep -qx "Projekte K&APY-ln"' "IMAP: and it is subscribed"

t_check 'goto "Projekte Köln"' "IMAP: move to the new folder"
t_tmux_keys r
t_check 't_tmux_wait_for "Rename folder .Projekte Köln. to: Projekte Köln" 5' \
    "IMAP: r asks for the new name, the old one filled in"
for i in $(seq 13); do t_tmux_keys BSpace; done
answer "Work"
t_check 't_tmux_wait_for "Folder renamed to .Work." 20' "IMAP: it says the folder was renamed"
t_check 'imap_list | grep -qx Work && ! imap_list | grep -q Projekte' "IMAP: the server has Work, not the old name"
t_check 'imap_list LSUB | grep -qx Work' "IMAP: the subscription follows the name"

t_check 'goto Work' "IMAP: move to Work"
t_tmux_keys d
t_check 't_tmux_wait_for "Delete folder .Work. and its 0 messages\? \(yes/no\)" 5' "IMAP: d asks first"
answer no
t_check 't_tmux_wait_for "Not deleted" 5' "IMAP: no keeps it"
t_check 'imap_list | grep -qx Work' "IMAP: Work is still on the server"
t_check 'goto Work' "IMAP: move to Work again"
t_tmux_keys d
t_check 't_tmux_wait_for "Delete folder .Work." 5' "IMAP: d asks again"
answer yes
t_check 't_tmux_wait_for "Folder .Work. deleted" 20' "IMAP: it says the folder was deleted"
t_check '! imap_list | grep -qx Work' "IMAP: the server no longer has Work"
t_check '! pane | grep -qx Work' "IMAP: nor the folder pane"

t_check 'goto Archive' "IMAP: move to Archive"
t_tmux_keys u
t_check 't_tmux_wait_for "Unsubscribed from .Archive." 20' "IMAP: u unsubscribes"
t_check '! imap_list LSUB | grep -qx Archive' "IMAP: the server's LSUB no longer has Archive"
t_check 'goto Archive' "IMAP: move to Archive again"
t_tmux_keys s
t_check 't_tmux_wait_for "Subscribed to .Archive." 20' "IMAP: s subscribes"
t_check 'imap_list LSUB | grep -qx Archive' "IMAP: LSUB has Archive again"
# The open folder deleted: INBOX opens instead, and the server deletes it.
t_tmux_keys C
answer "Temp"
t_check 't_tmux_wait_for "Folder .Temp. created" 20' "IMAP: Temp created"
t_check 'goto Temp' "IMAP: move to Temp"
t_tmux_keys Enter
t_check 't_tmux_wait_for "\[Temp\]" 10' "IMAP: Temp is open"
t_tmux_keys c
t_check 'goto Temp' "IMAP: back in the folder pane, on Temp"
t_tmux_keys d
answer yes
t_check 't_tmux_wait_for "Folder .Temp. deleted" 20' "IMAP: the open folder is deleted"
t_check 't_tmux_wait_for "\[INBOX\] +5 of 5" 10' "IMAP: INBOX is open instead"
t_check '! imap_list | grep -qx Temp' "IMAP: the server no longer has Temp"
t_tmux_keys q q
t_is "$(t_tmux_wait_exit 10)" 0 "IMAP: q quits with status 0"

# ---------------------------------------------------------------- POP3
STORE="$T_DATA_HOME/postern/pop"
t_write_config "$CONF" pop "backend = pop3"
t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "5 of 5" 30' "POP3: INBOX opens with the downloaded mail"
t_check 'pane | grep -qx Sent && pane | grep -qx Drafts' "POP3: the folder pane has Sent and Drafts"
t_check '[ -d "$STORE/.Sent/cur" ] && [ -d "$STORE/.Drafts/cur" ]' "POP3: both are local Maildir++ folders"
t_tmux_keys c
t_tmux_keys C
answer "Projects"
t_check 't_tmux_wait_for "Folder .Projects. created" 20' "POP3: C creates a folder"
t_check '[ -d "$STORE/.Projects/cur" ]' "POP3: the store has .Projects"
t_check 'goto Projects' "POP3: move to Projects"
t_tmux_keys r
for i in $(seq 8); do t_tmux_keys BSpace; done
answer "Archive"
t_check 't_tmux_wait_for "Folder renamed to .Archive." 20' "POP3: r renames it"
t_check '[ -d "$STORE/.Archive/cur" ] && [ ! -e "$STORE/.Projects" ]' "POP3: the store has .Archive, not .Projects"
t_check 'goto Archive' "POP3: move to Archive"
t_tmux_keys d
t_check 't_tmux_wait_for "Delete folder .Archive. and its 0 messages" 5' "POP3: d asks first"
answer yes
t_check 't_tmux_wait_for "Folder .Archive. deleted" 20' "POP3: it deletes the folder"
t_check '[ ! -e "$STORE/.Archive" ]' "POP3: the store no longer has it"
t_check 'goto INBOX' "POP3: move to INBOX"
t_tmux_keys d
answer yes
t_check 't_tmux_wait_for "INBOX cannot be deleted" 20' "POP3: INBOX cannot be deleted"
t_tmux_keys s
t_check 't_tmux_wait_for "do not support that" 20' "POP3: no subscriptions"
t_tmux_keys q q
t_is "$(t_tmux_wait_exit 10)" 0 "POP3: q quits with status 0"
t_done
