# tests/ui/themes.sh: every shipped theme loads without complaint; a bad
# theme line is named by file:line on the message line and skipped;
# NO_COLOR=1 gives a screen without colour escapes.
. "$TOP_SRCDIR/tests/lib.sh"

export POSTERN_DATADIR="${POSTERN_DATADIR:-$TOP_SRCDIR}"

# colours: prints how many SGR colour parameters (not the defaults 39/49)
# the screen holds, with escapes.
colours() {
	t__tmux capture-pane -p -e -t t | python3 -c '
import re, sys
n = 0
for seq in re.findall(r"\x1b\[([0-9;:]*)m", sys.stdin.read()):
    ps = [p for p in re.split("[;:]", seq) if p != ""]
    for p in ps:
        v = int(p)
        if 30 <= v <= 38 or 40 <= v <= 48 or 90 <= v <= 97 or 100 <= v <= 107:
            n += 1
print(n)'
}

t_start_servers
t_fill alice INBOX 3
conf="$T_CONFIG_HOME/postern/config"

for theme in default light solarized-dark mono; do
	t_write_config "$conf"
	printf '[ui]\ntheme = %s\n' "$theme" >> "$conf"
	t_tmux_start 100 20 "$POSTERN"
	t_check 't_tmux_wait_for "3 of 3" 20' "$theme: the index opens"
	t_is "$(t_tmux_screen | sed -n 20p | tr -d ' ')" "" \
	    "$theme: loads without an error line"
	if [ "$theme" != mono ]; then
		t_check '[ "$(colours)" -gt 0 ]' "$theme: the screen has colours"
	fi
	t_tmux_keys q
	t_tmux_wait_exit 10 > /dev/null
done

mkdir -p "$T_CONFIG_HOME/postern/themes"
cat > "$T_CONFIG_HOME/postern/themes/broken" <<'EOT'
# a theme with one bad line
status   black  green
nosuch   red    default
cursor   black  green
EOT
t_write_config "$conf"
printf '[ui]\ntheme = broken\n' >> "$conf"
t_tmux_start 100 20 "$POSTERN"
t_check 't_tmux_wait_for "3 of 3" 20' "broken: the index opens"
t_check 't_tmux_wait_for "themes/broken:3: unknown element .nosuch." 5' \
    "a bad theme line is named by file and line"
t_check 't__tmux capture-pane -p -e -t t | head -n 1 | grep -q "\[42m\|\[48;5;2m"' \
    "the good lines around it still apply (green status bar)"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null

t_write_config "$conf"
printf '[ui]\ntheme = default\n' >> "$conf"
t_tmux_start 100 20 env NO_COLOR=1 "$POSTERN"
t_check 't_tmux_wait_for "3 of 3" 20' "NO_COLOR: the index opens"
t_is "$(colours)" 0 "NO_COLOR=1 gives no colour escapes"
t_check 't_tmux_screen | head -n 1 | grep -q "q:Quit"' "the screen is still drawn"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_done
