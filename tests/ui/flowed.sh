# tests/ui/flowed.sh: a format=flowed message (RFC 3676) is rewrapped to
# the pager's width, at 60 and at 120 columns, quote prefix kept.
. "$TOP_SRCDIR/tests/lib.sh"

t_append() {
	timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
	    -T "$2" "imaps://localhost:$IMAPS_PORT/$1"
}

# words PREFIX FROM TO PERLINE: flowed lines of numbered words.
words() {
	local i line=""
	for i in $(seq -w "$2" "$3"); do
		line="$line$1$i "
		if [ $((10#$i % $4)) = 0 ]; then
			printf '%s%s\r\n' "$5" "$line"
			line=""
		fi
	done
	# The last line of the paragraph is fixed: no trailing blank.
	printf '%s%s\r\n' "$5" "${line% }"
}

{
	printf 'From: Fred <fred@example.test>\r\nTo: alice@example.test\r\n'
	printf 'Subject: Flowed text\r\nDate: 01 Mar 2024 10:00:00 +0000\r\n'
	printf 'Content-Type: text/plain; charset=us-ascii; format=flowed\r\n\r\n'
	words w 01 59 17 ""
	printf '\r\n'
	words q 01 39 17 "> "
	printf '\r\n-- \r\nFred\r\n'
} > "$T_TMPDIR/flowed.eml"

t_start_servers
t_append INBOX "$T_TMPDIR/flowed.eml" || t_fail "append flowed.eml"
t_write_config "$T_CONFIG_HOME/postern/config"

t_tmux_start 60 40 "$POSTERN"
t_check 't_tmux_wait_for "1 of 1" 20' "INBOX opens at 60 columns"
t_tmux_keys Enter
t_check 't_tmux_wait_for "w01 w02" 10' "the message opens"
screen="$(t_tmux_still_screen)"
# 60 columns: 15 words of 4 columns a line; quoted: "> " and 14.
t_check 'printf "%s\n" "$screen" | grep -q "^w01 .* w15 *$"' \
    "at 60 columns the first line holds w01 to w15"
t_check 'printf "%s\n" "$screen" | grep -q "^w16 w17 w18 .* w30 *$"' \
    "the next line goes on across the sender's soft break"
t_check_not 'printf "%s\n" "$screen" | grep -q "^w18"' \
    "no line starts where the sender broke it"
t_check 'printf "%s\n" "$screen" | grep -q "^w46 .* w59$"' \
    "the paragraph ends with its last word"
t_check 'printf "%s\n" "$screen" | grep -q "^> q15 q16 .* q28 *$"' \
    "a quoted paragraph is rewrapped with its prefix on every line"
t_check '[ "$(printf "%s\n" "$screen" | awk "{ if (length(\$0) > 60) n++ } END { print n + 0 }")" = 0 ]' \
    "no line is longer than the pane"
t_check 'printf "%s\n" "$screen" | grep -q "^-- *$"' "the signature stays apart"

t_tmux_resize 120 40
# The folder pane takes 30 columns: 90 are left, 22 words a line.
t_check 't_tmux_wait_for "│w01 .* w22 *$" 5' \
    "at 120 columns the first line holds w01 to w22"
screen="$(t_tmux_still_screen)"
t_check 'printf "%s\n" "$screen" | grep -q "│w23 w24 .* w44 *$"' \
    "and the next w23 to w44"
t_check 'printf "%s\n" "$screen" | grep -q "│> q23 q24 .* q39$"' \
    "the quoted paragraph too, prefix kept"
t_check_not 'printf "%s\n" "$screen" | grep -q "│w18"' \
    "no line starts where the sender broke it"

t_tmux_keys q q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_done
