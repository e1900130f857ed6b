#!/bin/sh
# tests/ui/pop3-send.sh: a POP3 account sends from the compose screen
# through SMTP and keeps Sent and Drafts as local folders, through its
# worker (which holds the local store): the sent message shows in the
# local Sent (folder pane, index, pager) and reached the SMTP server
# once; P postpones into the local Drafts, R recalls it, and once it is
# sent the draft is gone from Drafts.
. "$TOP_SRCDIR/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
DATA="$TOP_SRCDIR/tests/ui/data"

t_start_servers
t_fill alice INBOX 3
CONF="$T_CONFIG_HOME/postern/config"
t_write_config "$CONF" test "backend = pop3"
CTL="$T_TMPDIR/ed.json"
COMPOSE_DIR="$T_STATE_HOME/postern/compose"
ed_ctl() { printf '%s\n' "$1" > "$CTL"; }
# with SUBJECT: how many messages the SMTP server holds with it.
with() { grep -l "^Subject: $1" "$SMTP_OUT"/*.eml 2> /dev/null | wc -l; }
# open_folder NAME: opens the folder NAME from the folder pane.
open_folder() {
	local n i
	for n in 0 1 2 3 4 5 6 7; do
		t_tmux_keys c =
		for i in $(seq "$n"); do t_tmux_keys j; done
		t_tmux_keys Enter
		t_tmux_wait_for "\\[$1\\]" 2 2> /dev/null && return 0
	done
	return 1
}

t_tmux_start 120 40 env EDITOR="$PY $DATA/editor.py" ED_CTL="$CTL" \
    VISUAL= "$POSTERN" -F "$CONF"
t_check 't_tmux_wait_for "3 of 3" 30' "the POP3 account opens its INBOX"
t_check 't_tmux_wait_for "No new mail|new messages fetched" 30' \
    "the check at start is done"

# --- send: the copy lands in the local Sent
ed_ctl '{"set": {"To": "Bob <bob@example.test>", "Subject": "Pop sent one"}, "body": "Sent from a POP3 account.\n"}'
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Pop sent one" 10' "m composes on the POP3 account"
t_tmux_keys y
t_check 't_tmux_wait_for "Message sent\\." 30' "y sends: Message sent."
t_is "$(with "Pop sent one")" 1 "the SMTP server got it once"
t_check 'open_folder Sent' "the local Sent folder opens"
t_check 't_tmux_wait_for "Pop sent one" 10 && t_tmux_wait_for "\\[Sent\\]  1 of 1" 5' \
    "the sent message is listed in Sent, alone"
t_tmux_keys Enter
t_check 't_tmux_wait_for "To: Bob <bob@example.test>" 10 &&
    t_tmux_wait_for "Sent from a POP3 account\\." 5' \
    "it opens in the pager with its text"
t_tmux_keys q
t_is "$(ls "$COMPOSE_DIR" | wc -l)" 0 "the editor's file is gone once sent"

# --- postpone into the local Drafts, recall, send
ed_ctl '{"set": {"To": "carol@example.test", "Subject": "Pop draft one"}, "body": "Postponed on POP3.\n"}'
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Pop draft one" 10' "a second message"
t_tmux_keys P
t_check 't_tmux_wait_for "Message postponed\\." 20' "P postpones it"
t_is "$(ls "$COMPOSE_DIR" | wc -l)" 0 "the editor's file is gone once it is in Drafts"
t_check 'open_folder Drafts' "the local Drafts folder opens"
t_check 't_tmux_wait_for "Pop draft one" 10 && t_tmux_wait_for "\\[Drafts\\]  1 of 1" 5' \
    "the draft is listed in Drafts"
t_is "$(with "Pop draft one")" 0 "nothing was sent"
t_tmux_keys R
t_check 't_tmux_wait_for "Postponed message recalled\\." 20' "R recalls it"
t_check 't_tmux_screen | grep -q "Subject: Pop draft one" &&
    t_tmux_screen | grep -q "To: carol@example.test"' \
    "the compose screen shows the recalled headers"
t_tmux_keys y
t_check 't_tmux_wait_for "Message sent\\." 30' "the recalled draft is sent"
t_is "$(with "Pop draft one")" 1 "the SMTP server got it once"
t_check 'grep -l "^Subject: Pop draft one" "$SMTP_OUT"/*.eml | xargs grep -q "^Postponed on POP3\\."' \
    "with the text written before postponing"
t_check 't_tmux_wait_for "\\[Drafts\\]  0 of 0" 10' "Drafts is empty again"
t_check '! t_tmux_screen | grep -q "Pop draft one"' "the open Drafts no longer lists it"
t_check 'open_folder Sent' "Sent opens again"
t_check 't_tmux_wait_for "Pop draft one" 10' "the recalled message's copy is in Sent"
t_tmux_keys R
t_check 't_tmux_wait_for "No postponed messages\\." 20' "R finds no draft left"

# --- a draft that cannot be saved: the error names the file that keeps it
STORE="$T_DATA_HOME/postern/test"
t_check '[ -d "$STORE/.Drafts" ]' "the local Drafts is a Maildir++ folder"
mv "$STORE/.Drafts" "$STORE/.Drafts.away" && : > "$STORE/.Drafts"
ed_ctl '{"set": {"To": "dave@example.test", "Subject": "Pop draft lost?"}, "body": "Never lost.\n"}'
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Pop draft lost\\?" 10' "a third message"
t_tmux_keys P
t_check 't_tmux_wait_for "draft not saved: " 20 &&
    t_tmux_screen | tr -d "\\n" | grep -q "the text is kept in .*/compose/msg-"' \
    "a failed postpone says so and where the text is"
t_is "$(ls "$COMPOSE_DIR" | wc -l)" 1 "the editor's file is kept"
t_check 'grep -q "^Never lost\\." "$COMPOSE_DIR"/*' "with the text"
rm -f "$STORE/.Drafts" && mv "$STORE/.Drafts.away" "$STORE/.Drafts"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"

# --- the outbox sent at start-up: its copy goes to the local Sent too
rm -f "$COMPOSE_DIR"/*
t_write_config "$T_TMPDIR/down.conf" test "backend = pop3" "smtp.port = 1"
printf 'Queued while down.\n' > "$T_TMPDIR/body"
t_check_not 't_run 60 -- "$POSTERN" -F "$T_TMPDIR/down.conf" -s "Pop queued one" bob@example.test < "$T_TMPDIR/body"' \
    "a batch send with the SMTP server down fails"
t_is "$(ls "$STORE/outbox" 2> /dev/null | grep -c '\.eml$')" 1 "the message waits in the outbox"
t_tmux_start 120 40 env EDITOR="$PY $DATA/editor.py" ED_CTL="$CTL" \
    VISUAL= "$POSTERN" -F "$CONF"
t_check 't_tmux_wait_for "Outbox: 1 sent\\." 60' "the outbox is sent at start-up"
t_is "$(with "Pop queued one")" 1 "the SMTP server got it once"
t_check 'open_folder Sent' "Sent opens"
t_check 't_tmux_wait_for "Pop queued one" 10 && t_tmux_wait_for "\\[Sent\\]  3 of 3" 5' \
    "the outbox message's copy is in the local Sent"
ed_ctl '{"set": {"To": "erin@example.test", "Subject": "Pop sent live"}, "body": "Live.\n"}'
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Pop sent live" 10' "a message written with Sent open"
t_tmux_keys y
t_check 't_tmux_wait_for "Message sent\\." 30' "it is sent"
t_check 't_tmux_wait_for "\\[Sent\\]  4 of 4" 10 && t_tmux_wait_for "Pop sent live" 5' \
    "the open Sent shows its copy at once, without a reload"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"
t_done
