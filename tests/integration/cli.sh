# tests/integration/cli.sh: the command line, config errors, and the log.
. "$TOP_SRCDIR/tests/lib.sh"

out="$T_TMPDIR/out"
cfg="$T_TMPDIR/bad.conf"

printf '[account "a"]\nemail = a@example.test\nimap.port = 99999\n' > "$cfg"
t_check_not 't_run -- "$POSTERN" -F "$cfg" > "$out" 2>&1' \
    "a bad config stops postern"
t_check 'grep -q "bad.conf:3: bad port .99999." "$out"' \
    "the error names the file, the line and what is wrong"

printf '[account "a"]\nemail = a@example.test\npassword-command = true\n' > "$cfg"
t_check_not 't_run -- "$POSTERN" -F "$cfg" > "$out" 2>&1' \
    "an account without a server stops postern"
t_check 'grep -q "bad.conf:1: account .a. has no .imap.host." "$out"' \
    "the error names the account and the missing key"

t_check_not 't_run -- "$POSTERN" > "$out" 2>&1' \
    "no config file: postern stops"
t_check 'grep -q "no configuration file .*postern/config" "$out"' \
    "and says where it looked"

t_check_not 't_run -- "$POSTERN" -F /nonexistent/x.conf > "$out" 2>&1' \
    "a config named with -F that does not exist is an error"
t_check 'grep -q "/nonexistent/x.conf" "$out"' "the error names the file"

t_check_not 't_run -- "$POSTERN" -d loud > "$out" 2>&1' "a bad -d level is refused"
t_check 'grep -q "bad log level" "$out"' "with a message"
t_check 't_run -- "$POSTERN" --version | grep -q "^postern [0-9]"' "--version"
t_check 't_run -- "$POSTERN" --help | grep -q -- "--check"' "--help lists --check"

t_start_servers
t_write_config "$T_CONFIG_HOME/postern/config"

# A recipient with the terminal as standard input: no silent wait for EOF.
t_tmux_start 100 24 "$POSTERN" someone@example.test
t_is "$(t_tmux_wait_exit 10)" 1 "batch mode on a terminal stops at once"
t_check 't__tmux capture-pane -p -S -50 -t t | tr -d "\n" |
    grep -q "pipe the message body"' \
    "and says how to use it" || t_tmux_screen | sed "s/^/#   |/"

t_check 't_run -- "$POSTERN" -d debug --check > "$out" 2>&1' \
    "--check with the default config passes"
log="$T_STATE_HOME/postern/log"
t_check '[ -s "$log" ]' "-d debug writes the log under XDG_STATE_HOME"
t_check 'grep -q " debug " "$log"' "the log has debug lines"
t_check_not 'grep -q "alice-pw-1" "$log" "$out"' \
    "the password appears neither in the log nor on the terminal"
t_is "$(stat -c %a "$log")" 600 "the log is private (0600)"
t_done
