# tests/ui/thread.sh: a thread of 5 drawn as a tree, folded and unfolded
# (z, Esc v, Esc V, Z); o and O switch the sort and keep the cursor's
# message; [ui] sort picks the first order.
. "$TOP_SRCDIR/tests/lib.sh"

# t_append FOLDER FILE: IMAP APPEND of FILE as alice, over verified TLS.
t_append() {
	timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
	    -T "$2" "imaps://localhost:$IMAPS_PORT/$1"
}

# mk ID 'DD Mon' FROM SUBJECT [REFS]: writes a message to $T_TMPDIR/ID.eml.
mk() {
	{
		printf 'From: %s <%s@example.test>\r\n' "$3" "$3"
		printf 'To: Alice <alice@example.test>\r\n'
		printf 'Subject: %s\r\n' "$4"
		printf 'Date: %s 2024 10:00:00 +0000\r\n' "$2"
		printf 'Message-ID: <%s@example.test>\r\n' "$1"
		if [ -n "${5:-}" ]; then
			printf 'In-Reply-To: %s\r\n' "${5##* }"
			printf 'References: %s\r\n' "$5"
		fi
		printf 'Content-Type: text/plain; charset=us-ascii\r\n\r\n'
		printf 'Body of %s.\r\n' "$1"
	} > "$T_TMPDIR/$1.eml"
	t_append INBOX "$T_TMPDIR/$1.eml" || t_fail "append $1"
}

t_start_servers
mk t1 '01 Mar' ann "Plan"
mk t2 '02 Mar' bob "Re: Plan two" "<t1@example.test>"
mk t3 '03 Mar' carl "Re: Plan three" "<t1@example.test> <t2@example.test>"
mk t4 '04 Mar' dora "Re: Plan four" "<t1@example.test>"
mk t5 '05 Mar' emil "Re: Plan five" \
    "<t1@example.test> <t2@example.test> <t3@example.test>"
mk o1 '06 Mar' fred "Lunch"
mk o2 '01 Feb' gina "Zebra report"
t_write_config "$T_CONFIG_HOME/postern/config"
printf '[ui]\nsort = reverse-thread\n' >> "$T_CONFIG_HOME/postern/config"

row() { t_tmux_screen | sed -n "$(($1 + 1))p"; }

t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "7 of 7  7 messages  sort:reverse-thread" 20' \
    "[ui] sort = reverse-thread is the first order"
t_check 'row 1 | grep -q "Lunch"' "the thread with the newest message is first"
t_check 'row 2 | grep -q " Plan "' "then the thread's first message"
t_check 'row 3 | grep -q "├─>Re: Plan two"' "a reply is drawn under it"
t_check 'row 4 | grep -q "│ └─>Re: Plan three"' "a reply to the reply, with the line going on"
t_check 'row 5 | grep -q "│   └─>Re: Plan five"' "the fourth level"
t_check 'row 6 | grep -q "└─>Re: Plan four"' "the last reply closes the tree"
t_check 'row 7 | grep -q "Zebra report"' "the oldest thread is last"

t_tmux_keys j z
t_check 't_tmux_wait_for "\(\+4\) Plan" 5' "z folds the thread and shows how many are hidden"
t_check_not 't_tmux_screen | grep -q "Re: Plan two"' "the replies are hidden"
t_check 'row 3 | grep -q "Zebra report"' "the next thread moves up"
t_tmux_keys z
t_check 't_tmux_wait_for "Re: Plan two" 5' "z again unfolds it"

t_tmux_keys j j j Escape v
t_check 't_tmux_wait_for "\(\+4\) Plan" 5' "Esc v on a reply folds its thread"
t_tmux_keys Escape V
t_check 't_tmux_wait_for "Re: Plan five" 5' "Esc V unfolds all when all are folded"
t_tmux_keys Z
t_check 't_tmux_wait_for "\(\+4\) Plan" 5' "Z folds all threads"
t_tmux_keys Z

# The cursor stays on its message when the order changes.
t_tmux_keys = j j
t_tmux_keys o
t_check 't_tmux_wait_for "sort:reverse-date" 5' "o switches to the next order (date)"
t_check 'row 1 | grep -q "Lunch" && row 2 | grep -q "Re: Plan five"' \
    "sorted by date, newest first, flat"
t_check_not 't_tmux_screen | grep -q "─>"' "no tree outside thread order"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Subject: Re: Plan two" 10' "the cursor stayed on its message"
t_tmux_keys q O
t_check 't_tmux_wait_for "sort:date" 5' "O reverses the order"
t_check 'row 1 | grep -q "Zebra report"' "oldest first"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Subject: Re: Plan two" 10' "the cursor still on its message"
t_tmux_keys q o o
t_check 't_tmux_wait_for "sort:from" 5' "o cycles: arrival, then from"
t_check 'row 1 | grep -q "ann@\|ann "' "by sender: ann first"
t_tmux_keys z
t_check 't_tmux_wait_for "Threads are shown when sorted by thread" 5' \
    "z outside thread order says why it does nothing"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_done
