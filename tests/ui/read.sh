# tests/ui/read.sh: open INBOX, move, open a message, see it decoded; a
# hostile subject stays visible and harmless; resizing redraws.
. "$TOP_SRCDIR/tests/lib.sh"

DATA="$TOP_SRCDIR/tests/ui/data"

# t_append FOLDER FILE: IMAP APPEND of FILE as alice, over verified TLS.
t_append() {
	timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
	    -T "$2" "imaps://localhost:$IMAPS_PORT/$1"
}

t_start_servers
t_fill alice INBOX 25
t_fill alice "Überblick" 7
t_append INBOX "$DATA/utf8.eml" || t_fail "append utf8.eml"
t_append INBOX "$DATA/hostile.eml" || t_fail "append hostile.eml"
t_write_config "$T_CONFIG_HOME/postern/config"

t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "27 of 27" 20' "INBOX opens with 27 messages"
screen="$(t_tmux_still_screen)"
t_check 'printf "%s\n" "$screen" | grep -q "INBOX"' "the folder pane lists INBOX"
t_check 'printf "%s\n" "$screen" | grep -q "Sent"' "the folder pane lists Sent"
t_check 'printf "%s\n" "$screen" | grep -q "Hostile ^\[\[2J subject ^\[\]52;c;SGVsbG8=^G end"' \
    "escape sequences in a subject are shown visibly"
t_check 'printf "%s\n" "$screen" | head -n 1 | grep -q "q:Quit"' \
    "the top line survived the hostile subject"
t_check 'printf "%s\n" "$screen" | grep -q "Grüße aus Köln — 日本語"' \
    "an RFC 2047 UTF-8 subject is decoded in the index"
t_check 'printf "%s\n" "$screen" | grep -q "Jürgen Müller"' \
    "an RFC 2047 sender name is decoded"
t_check 'printf "%s\n" "$screen" | /usr/bin/python3 "$TOP_SRCDIR/tests/ui/widths.py"' \
    "rows with wide (CJK) and combining characters line up with the others"
t_is "$(printf '%s\n' "$screen" | sed -n 29p | cut -c1-10)" "-- Postern" \
    "the status line is on the second-to-last row"

# The two appended messages are the newest: hostile first, then utf8.
t_tmux_keys j
t_tmux_keys Enter
t_check 't_tmux_wait_for "die Straße ist gesperrt" 10' \
    "the quoted-printable UTF-8 body is decoded in the pager"
screen="$(t_tmux_still_screen)"
t_check 'printf "%s\n" "$screen" | grep -q "Subject: Grüße aus Köln — 日本語"' \
    "the pager shows the decoded subject"
t_check 'printf "%s\n" "$screen" | grep -q "日本語のテキスト and $(printf "e\314\201") combining"' \
    "wide and combining characters are shown"
t_check 'printf "%s\n" "$screen" | grep -q "From: Jürgen Müller <juergen@example.test>"' \
    "the pager shows the decoded sender"

t_tmux_keys q
t_check 't_tmux_wait_for "q:Quit" 5' "q goes back to the index"
t_tmux_keys k Enter
t_check 't_tmux_wait_for "Body with \^\[\[31mred\^\[\[0m" 10' \
    "escape sequences in a body are shown visibly"
t_check 't_tmux_screen | grep -q "title ^\[\]0;pwned^G here"' \
    "an OSC title sequence in a body is shown visibly"
t_tmux_keys q

t_tmux_resize 60 15
t_check 't_tmux_wait_for "^-- Postern" 5' "after a resize the status line is redrawn"
screen="$(t_tmux_still_screen)"
t_is "$(printf '%s\n' "$screen" | sed -n 14p | cut -c1-10)" "-- Postern" \
    "the status line moved to the new second-to-last row"
t_check 'printf "%s\n" "$screen" | head -n 1 | grep -q "q:Quit"' \
    "the top line is redrawn after the resize"
t_tmux_resize 120 40
# The status line on row 39 of 40 shows that the redraw happened.
t_check 'for i in $(seq 50); do
	[ "$(t_tmux_screen | sed -n 39p | cut -c1-10)" = "-- Postern" ] && exit 0
	sleep 0.1
done; exit 1' "the status line follows the larger size"
t_check 't_tmux_screen | sed -n 2,38p | grep -q "Grüße aus Köln"' \
    "growing the terminal redraws the index"

# c moves to the folder pane; * is the last folder, Enter opens it.
t_tmux_keys c '*' Enter
t_check 't_tmux_wait_for "\\[Überblick\\]  7 of 7" 10' \
    "c, * and Enter open the last folder, its modified UTF-7 name decoded"
t_tmux_keys c '=' Enter
t_check 't_tmux_wait_for "\\[INBOX\\]  27 of 27" 10' "and back to INBOX"

t_tmux_keys '?'
t_check 't_tmux_wait_for "Key bindings: index" 5' "? shows the help"
t_check 't_tmux_screen | grep -q "change-folder"' "the help lists change-folder"
t_tmux_keys q
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q in the index quits with status 0" ||
    t_tmux_screen | sed 's/^/#   |/'
t_done
