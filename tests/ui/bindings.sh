# tests/ui/bindings.sh: key bindings from the config (a rebinding takes
# effect and the old key no longer does), a multi-key sequence with its
# pending state in the status line, a macro, the : command line, ? listing
# the live bindings, and a bad bind line named by file:line and skipped.
. "$TOP_SRCDIR/tests/lib.sh"

t_start_servers
t_fill alice INBOX 6
conf="$T_CONFIG_HOME/postern/config"
t_write_config "$conf"
cat >> "$conf" <<'EOC'
bind index J next-entry
bind index j noop
bind index gg first-entry
bind index x frobnicate
macro index X "lsubject:Holiday<enter>" "limit to the holidays"
EOC

# row N: the subject column of index row N (screen row N + 1).
row() {
	t_tmux_screen | sed -n "$(($1 + 1))p" | sed 's/.*│//; s/   *\([^ ]\)/\t\1/g' |
	    awk -F '\t' '{ print $(NF - 1) }'
}

# opened SUBJECT: the pager shows SUBJECT; then back to the index.
opened() {
	t_tmux_keys Enter
	t_tmux_wait_for "Subject: $1" 10 || return 1
	t_tmux_keys q
	t_tmux_wait_for "q:Quit" 5
}

badline="$(grep -n frobnicate "$conf" | cut -d: -f1)"

t_tmux_start 140 60 "$POSTERN"
t_check 't_tmux_wait_for "6 of 6" 20' "INBOX opens"
t_check 't_tmux_wait_for "config:$badline: no action .frobnicate. in the index" 5' \
    "a bad bind line is named by file:line"
t_check 't_tmux_screen | grep -q "^-- Postern"' "the UI still starts"
r1="$(row 1)" r2="$(row 2)" r3="$(row 3)"
t_log "rows: $r1 / $r2 / $r3"
# j is unbound, J moves down.
t_tmux_keys j
t_check 't_tmux_wait_for "Key is not bound" 5' "the old key j no longer moves"
t_check 'opened "$r1"' "j left the cursor on the first row"
t_tmux_keys J J
t_check 'opened "$r3"' "the rebound key J moves down (twice: third row)"

# gg: a sequence; after the first g the status line shows it pending.
t_tmux_keys g
t_check 't_tmux_wait_for "keys:g-" 5' "the pending g is shown in the status line"
t_tmux_keys g
t_check 't_tmux_wait_for "sort:reverse-date *$" 5' "the pending state clears"
t_check 'opened "$r1"' "gg goes to the first entry"

# The macro feeds l, a query and Enter.
t_tmux_keys X
t_check 't_tmux_wait_for "limit:subject:Holiday \([0-9]+ shown\)" 5' \
    "the macro X limits the index"
t_check '! t_tmux_screen | sed -n "2,50p" | sed "s/.*│//" | grep -v "^ *$" | grep -v Holiday' \
    "only matching messages are left"
t_tmux_keys l C-u Enter
t_check 't_tmux_wait_for "6 of 6  sort" 5' "the limit is lifted"

# The : command line runs the same commands.
t_tmux_keys :
t_check 't_tmux_wait_for "^:" 5' "the : prompt opens"
t_tmux_keys -l "set sort=subject"
t_tmux_keys Enter
t_check 't_tmux_wait_for "sort:subject" 5' ":set sort=subject sorts"
t_tmux_keys : ; t_tmux_keys -l "bind index K last-entry" ; t_tmux_keys Enter
t_tmux_keys K
last="$(row 6)"
t_check 'opened "$last"' ":bind adds a binding that works at once"
t_tmux_keys : ; t_tmux_keys -l "macro index Y \"=J\"" ; t_tmux_keys Enter
t_tmux_keys Y
t_check 'opened "$(row 2)"' ":macro adds a macro"
t_tmux_keys : ; t_tmux_keys -l "push =" ; t_tmux_keys Enter
t_check 'opened "$(row 1)"' ":push feeds keys"
t_tmux_keys : ; t_tmux_keys -l "macro index Q <first-entry><next-entry><next-entry>" ; t_tmux_keys Enter
t_tmux_keys Q
t_check 'opened "$(row 3)"' "a macro runs actions by <name>"
t_tmux_keys : ; t_tmux_keys -l "bind index <first-entry> open" ; t_tmux_keys Enter
t_check 't_tmux_wait_for "unknown key name .<first-entry>." 5' \
    "an action's name is not a key to bind"
t_tmux_keys : ; t_tmux_keys -l "exec last-entry" ; t_tmux_keys Enter
t_check 'opened "$last"' ":exec runs an action by name"
t_tmux_keys : ; t_tmux_keys -l "frob now" ; t_tmux_keys Enter
t_check 't_tmux_wait_for "unknown command .frob." 5' \
    "an unknown command is a clear error"
t_tmux_keys : ; t_tmux_keys -l "set nosuch=1" ; t_tmux_keys Enter
t_check 't_tmux_wait_for "unknown option .nosuch." 5' \
    "an unknown option is a clear error"

# ? lists the live bindings of the index, with the rebinds and macros.
t_tmux_keys '?'
t_check 't_tmux_wait_for "Key bindings: index" 5' "? opens the help"
OUT="$(t_tmux_screen)"
t_match '^J +next-entry ' "the help shows the rebound J"
t_match '^gg +first-entry ' "the help shows the sequence gg"
t_match '^K +last-entry ' "the help shows a binding made with :bind"
t_match '^X +macro +limit to the holidays' "the help shows the macro"
t_check '! printf "%s\n" "$OUT" | grep -q "^j "' "the help no longer lists j"
t_tmux_keys q
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_done
