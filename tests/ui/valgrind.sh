# tests/ui/valgrind.sh: the real binary under valgrind (memcheck) reads a
# folder and a message in tmux, then quits: no memory error, no leak.
. "$TOP_SRCDIR/tests/lib.sh"

command -v valgrind > /dev/null 2>&1 || t_skip "valgrind is not installed"
if nm "$POSTERN" 2> /dev/null | grep -q __asan_init; then
	t_skip "built with AddressSanitizer; valgrind cannot run it"
fi

t_start_servers
t_fill alice INBOX 40
t_write_config "$T_CONFIG_HOME/postern/config"
vlog="$T_TMPDIR/valgrind.log"

t_tmux_start 120 30 valgrind --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --track-fds=no \
    --log-file="$vlog" "$POSTERN"
t_check 't_tmux_wait_for "40 of 40" 60' "INBOX loads under valgrind"
t_tmux_keys Enter
t_check 't_tmux_wait_for "q:Back" 30' "a message opens under valgrind"
t_tmux_keys h
sleep 1
t_tmux_keys q c j Enter
t_check 't_tmux_wait_for "\\[Archive\\]" 30' "another folder opens"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 60)" 0 "valgrind finds no error or leak (exit status)"
t_check 'grep -q "ERROR SUMMARY: 0 errors" "$vlog"' "valgrind's summary says 0 errors" ||
    sed -n '/ERROR SUMMARY/,$p;/Invalid\|uninitialised\|definitely lost/,+12p' "$vlog" |
    head -n 60 | sed 's/^/#   |/'
t_done
