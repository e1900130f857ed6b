# tests/ui/search.sh: l limits the index to a query, / and n search the
# index, / finds text in the pager; bad queries say where they are wrong.
. "$TOP_SRCDIR/tests/lib.sh"

# t_append FOLDER FILE: IMAP APPEND of FILE as alice, over verified TLS.
t_append() {
	timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
	    -T "$2" "imaps://localhost:$IMAPS_PORT/$1"
}

# mk ID FROM SUBJECT [BODY-LINES]: appends a message to INBOX.
mk() {
	{
		printf 'From: %s <%s@example.test>\r\n' "$2" "$2"
		printf 'To: Alice <alice@example.test>\r\n'
		printf 'Subject: %s\r\n' "$3"
		printf 'Date: 0%s Mar 2024 10:00:00 +0000\r\n' "${1#m}"
		printf 'Message-ID: <%s@example.test>\r\n' "$1"
		printf 'Content-Type: text/plain; charset=us-ascii\r\n\r\n'
		printf 'Body of %s.\r\n' "$1"
		for i in $(seq "${4:-0}"); do printf 'filler line %s\r\n' "$i"; done
		[ -n "${4:-}" ] && printf 'here is the needle\r\n'
	} > "$T_TMPDIR/$1.eml"
	t_append INBOX "$T_TMPDIR/$1.eml" || t_fail "append $1"
}

t_start_servers
mk m1 alice "Budget 2024"
mk m2 alice "Holiday"
mk m3 bob "Budget review" 60
mk m4 carl "Lunch"
# curl appends them read; all but the first become unread.
timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
    "imaps://localhost:$IMAPS_PORT/INBOX" -X 'STORE 2:4 -FLAGS (\Seen)' \
    > /dev/null || t_fail "mark m2-m4 unread"
t_write_config "$T_CONFIG_HOME/postern/config"

rows() { t_tmux_screen | sed -n '2,27p' | grep -c '20[0-9][0-9]-\|Mar [0-9]'; }

t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "4 of 4" 20' "INBOX opens"
t_check 't_tmux_screen | grep -q "N .*Holiday"' "Holiday is unread"
t_check 't_tmux_screen | grep -q "^[^N]*Budget 2024"' "Budget 2024 is read"
t_tmux_keys l
t_check 't_tmux_wait_for "^Limit to" 5' "l opens a prompt on the bottom line"
t_tmux_keys -l 'from:alice is:unread'
t_tmux_keys Enter
t_check 't_tmux_wait_for "limit:from:alice is:unread \(1 shown\)" 5' \
    "the status line shows the limit"
t_is "$(rows)" 1 "from:alice is:unread leaves exactly one message"
t_check 't_tmux_screen | grep -q Holiday' "the unread one from alice"

t_tmux_keys l C-u
t_tmux_keys -l 'from:alice or from:carl'
t_tmux_keys Enter
t_check 't_tmux_wait_for "\(3 shown\)" 5' "or widens the limit"
t_check_not 't_tmux_screen | grep -q "Budget review"' "bob's message is hidden"

t_tmux_keys l C-u
t_tmux_keys -l 'frm:alice'
t_tmux_keys Enter
t_check 't_tmux_wait_for "bad query at column 1: unknown field" 5' \
    "a bad query names the column"
t_check 't_tmux_screen | grep -q "(3 shown)"' "and keeps the limit"
t_tmux_keys l C-u
t_tmux_keys -l 'body:'
t_tmux_keys Enter
t_check 't_tmux_wait_for "a field needs a value" 5' \
    "body: without a word says it needs one"
t_tmux_keys l C-u
t_tmux_keys -l 'from:nobody'
t_tmux_keys Escape
t_check 't_tmux_wait_for "\(3 shown\)" 5' "Esc cancels the prompt"
t_tmux_keys l C-u
t_tmux_keys -l 'all'
t_tmux_keys Enter
t_check 't_tmux_wait_for "4 of 4  4 messages  sort:reverse-date *$" 5' \
    "l all shows everything again"
t_is "$(rows)" 4 "four rows"

# Search: / then n (wrapping).
t_tmux_keys / 
t_tmux_keys -l 'subject:lunch'
t_tmux_keys Enter
t_tmux_keys Enter
t_check 't_tmux_wait_for "Subject: Lunch" 10' "/ moves to the matching message"
t_tmux_keys q / 
t_tmux_keys -l 'budget'
t_tmux_keys Enter n Enter
t_check 't_tmux_wait_for "Subject: Budget 2024" 10' "n goes to the next match"
t_tmux_keys q n
t_check 't_tmux_wait_for "Search wrapped to the top" 5' "n wraps to the top"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Subject: Budget review" 10' "and finds the first again"

# Pager search: the line with the text comes to the top, highlighted.
t_tmux_keys /
t_tmux_keys -l 'NEEDLE'
t_tmux_keys Enter
t_check 't_tmux_wait_for "^.{32}here is the needle" 5' \
    "/ in the pager scrolls to the line holding the text"

t_check 't__tmux capture-pane -p -e -t t | grep -q "the $(printf "\033")\[.*needle"' \
    "the match is drawn in another style"
t_tmux_keys q q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_done
