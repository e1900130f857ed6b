# tests/ui/sidebar.sh: the folder pane of two accounts (unread/total
# counts, the hierarchy indented, folding, shown and hidden, its width),
# a folder of the second account opened, the split view with index and
# pager together, and the mouse (click selects, the wheel scrolls).
. "$TOP_SRCDIR/tests/lib.sh"

t_start_servers
t_fill alice INBOX 5
t_fill alice "Archive/2024" 3
t_fill alice "Archive/2025" 2
t_fill bob INBOX 4
t_fill bob Projects 2
conf="$T_CONFIG_HOME/postern/config"
t_write_config "$conf" test
t_add_bob "$conf" second
cat >> "$conf" <<EOC
[ui]
sidebar-width = 30
mouse = yes
EOC

# col N [ROW]: the character in column N (1-based) of screen row ROW.
col() {
	t_tmux_screen | sed -n "${2:-2}p" | python3 -c '
import sys
line = sys.stdin.read().rstrip("\n")
n = int(sys.argv[1])
print(line[n - 1] if len(line) >= n else "")' "$1"
}

# line TEXT: the screen row (1-based) of the first line matching TEXT.
line() {
	t_tmux_screen | grep -n -m 1 -E -- "$1" | cut -d: -f1
}

# click X Y [BUTTON]: an SGR mouse press and release at column X, row Y.
click() {
	t_tmux_keys -l $'\e'"[<${3:-0};$1;$2M"
	t_tmux_keys -l $'\e'"[<${3:-0};$1;$2m"
}

# row N: the subject in index row N.
row() {
	t_tmux_screen | sed -n "$(($1 + 1))p" | sed 's/.*│//; s/   *\([^ ]\)/\t\1/g' |
	    awk -F '\t' '{ print $(NF - 1) }'
}

t_tmux_start 120 30 "$POSTERN" -d debug
t_check 't_tmux_wait_for "5 of 5" 20' "INBOX of the first account opens"
t_check 't_tmux_wait_for "^second +│" 20' "the second account is listed"
# Its row comes before its folder list: wait for that too.
t_tmux_wait_for "^  Projects +[0-9]+/2 *│" 20 > /dev/null
OUT="$(t_tmux_screen)"
t_match '^test +│' "the first account is listed"
t_match '^  INBOX +[0-9]+/5 *│' "INBOX shows unread/total under its account"
t_match '^    2024 +0/3 *│' "Archive/2024 is indented below Archive, with counts"
t_match '^    2025 +0/2 *│' "Archive/2025 too"
t_match '^  Projects +[0-9]+/2 *│' "the second account's folder is listed with counts"
t_is "$(col 30)" "│" "the pane is 30 columns wide (sidebar-width)"

# Fold Archive: its subfolders go, a + marks it; unfold again.
t_tmux_keys c
a="$(line '^  Archive ')"
i="$(line '^  INBOX ')"
for _ in $(seq $((a - i))); do t_tmux_keys j; done
t_tmux_keys Space
t_check 't_tmux_wait_for "^  \+Archive " 5' "space folds Archive (+ shown)"
t_check '! t_tmux_screen | grep -q "^    2024 "' "its subfolders are hidden"
t_tmux_keys Space
t_check 't_tmux_wait_for "^    2024 " 5' "space unfolds it again"
# Fold the whole first account from its own row.
t_tmux_keys =
t_tmux_keys Enter
t_check 't_tmux_wait_for "^\+test " 5' "an account's row folds its folders"
t_tmux_keys Enter
t_check 't_tmux_wait_for "^  INBOX " 5' "and unfolds them"
t_tmux_keys Tab

# Hide and show the pane; change its width with :set.
t_tmux_keys B
t_check 't_tmux_wait_for "^.{6}[0-9]{4}-[0-9]{2}-[0-9]{2} " 5' "B hides the folder pane"
t_check '! t_tmux_screen | grep -q "│"' "no pane border while hidden"
t_tmux_keys B
t_check 't_tmux_wait_for "^test +│" 5' "B shows it again"
t_tmux_keys : ; t_tmux_keys -l "set sidebar-width=40" ; t_tmux_keys Enter
t_check 't_tmux_wait_for "^test {35}│" 5' ":set sidebar-width=40 widens it"
t_is "$(col 40)" "│" "the border is in column 40"
t_tmux_keys : ; t_tmux_keys -l "set sidebar-width=30" ; t_tmux_keys Enter

# The mouse: a click on an index row selects it; Enter opens it.
t_check 't_tmux_wait_for "^test {25}│" 5' "back to 30 columns"
r3="$(row 3)"
click 60 4
t_tmux_keys Enter
t_check 't_tmux_wait_for "Subject: $r3" 10' "a click selects the third index row"
t_check 't_tmux_screen | sed -n 2p | grep -q "│Date: "' "the pager starts with Date:"
click 60 15 65
t_check 't_tmux_wait_for "^test +│.*[a-z]" 5 && ! t_tmux_screen | sed -n 2p | grep -q "│Date: "' \
    "the wheel scrolls the pager down"
click 60 15 64
t_check 't_tmux_wait_for "^test +│Date: " 5' "and back up"
t_tmux_keys q

# Split view: index rows above the pager.
t_tmux_keys : ; t_tmux_keys -l "set pager-split=4" ; t_tmux_keys Enter
r1="$(row 1)"
t_tmux_keys =
t_tmux_keys Enter
t_check 't_tmux_wait_for "Subject: $r1" 10' "the message opens"
OUT="$(t_tmux_screen)"
t_check 'printf "%s\n" "$OUT" | sed -n 2p | grep -qF -- "$r1"' \
    "the index's first row stays at the top"
t_check 'printf "%s\n" "$OUT" | sed -n 6p | grep -q "│Date: "' \
    "the pager starts below 4 index rows"
r2="$(row 2)"
click 60 3
t_check 't_tmux_wait_for "Subject: $r2" 10' \
    "a click on an index row of the split view shows that message"
t_tmux_keys q

# A folder of the second account, opened by a click in the pane.
p="$(line '^  Projects ')"
click 5 "$p"
t_check 't_tmux_wait_for "2 of 2" 20' "a click opens the second account's Projects"
t_check 't_tmux_wait_for "Postern: second: bob@example.test +\[Projects\]" 5' \
    "the status line names the second account and its folder"
t_tmux_keys c
t_tmux_keys =
t_tmux_keys j
t_tmux_keys Enter
t_check 't_tmux_wait_for "Postern: test: alice@example.test +\[INBOX\]  5 of 5" 20' \
    "the first account's INBOX opens again from the keyboard"
# After a click (press and release) the screen keeps following the server
# with no key pressed: a new message shows.
click 60 3
sleep 0.5
t_fill alice INBOX 1
t_check 't_tmux_wait_for "6 of 6" 15' \
    "after a click, new mail shows without a key (the release does not block)"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_done
