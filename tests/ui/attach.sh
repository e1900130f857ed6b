# tests/ui/attach.sh: the pager's MIME side, driven in tmux on a real
# Dovecot: an HTML-only message as text (built in, and through a mailcap
# copiousoutput entry), the raw source (e), piping the message (|), the
# parts list (v) with saving (byte-identical, hostile names made safe,
# no overwrite without a yes, Tab completion), save all, a mailcap viewer
# shown in the pager, piping a part, the URL list (U) with url-command and
# OSC 52, wrap = no, and the encrypted/signed flags of the index.
. "$TOP_SRCDIR/tests/lib.sh"

command -v python3 > /dev/null 2>&1 || t_skip "python3 is not installed"

t_append() {
	timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
	    -T "$2" "imaps://localhost:$IMAPS_PORT/$1"
}

# A short dir for what is saved: the prompt shows the whole path.
W="$(mktemp -d /tmp/pa.XXXXXX)" || { t_fail "mktemp"; t_done; }
t_at_exit "rm -rf '$W'"
M="$W/m"
mkdir -p "$M" "$W/w/x/out" "$W/all"
python3 "$TOP_SRCDIR/tests/ui/mkmail.py" "$M" || t_fail "make the messages"
cp "$TOP_SRCDIR/tests/data/mime/dovecot/thirdparty-006.eml" "$M/corpus.eml"

# The url-command: its arguments, one a line.
cat > "$W/argv.sh" <<'EOF'
for a in "$@"; do printf '%s\n' "$a"; done > "$(dirname "$0")/argv.out"
EOF
# A copiousoutput viewer and an HTML converter.
cat > "$W/view.sh" <<'EOF'
printf 'VIEWED: '; cat "$1"
EOF
cat > "$W/html.sh" <<'EOF'
printf 'MAILCAP-HTML '; sed 's/<[^>]*>//g' "$1"
EOF
cat > "$W/mailcap" <<EOF
# a comment
text/html; sh $W/html.sh %s; copiousoutput
application/x-postern-test; sh $W/view.sh %s; \\
	copiousoutput
EOF
cat > "$W/mailcap-noview" <<EOF
application/x-postern-test; sh $W/view.sh %s; copiousoutput
text/plain; sh $W/term.sh %s
EOF
# A viewer that needs the terminal: says whether it has one.
cat > "$W/term.sh" <<'EOF'
{ [ -t 0 ] && echo tty; cat "$1"; } > "$(dirname "$0")/term.out"
EOF

t_start_servers
for m in html files encrypted signed corpus; do
	t_append INBOX "$M/$m.eml" || t_fail "append $m.eml"
done
t_write_config "$T_CONFIG_HOME/postern/config"
printf '[ui]\nurl-command = sh %s/argv.sh\nosc52 = yes\n' "$W" \
    >> "$T_CONFIG_HOME/postern/config"

scr() { t_tmux_screen; }

# ---------------------------------------------------------------- index
t_tmux_start 120 40 env MAILCAPS="$W/mailcap-noview" "$POSTERN"
t__tmux set -g set-clipboard on
t_check 't_tmux_wait_for "5 of 5" 30' "INBOX opens"
t_check 'scr | grep -Eq "[N ][ r!][ +]P [^│]*Encrypted note"' \
    "an encrypted message has the P flag"
t_check 'scr | grep -Eq "[N ][ r!][ +]s [^│]*Signed note"' \
    "a signed message has the s flag"
t_check 'scr | grep -Eq "[N ][ r!][ +] [^│]*HTML only"' \
    "a plain message has neither"
t_tmux_keys l
t_tmux_keys -l "is:signed or is:encrypted"
t_tmux_keys Enter
t_check 't_tmux_wait_for "limit:is:signed or is:encrypted \\(2 shown" 5' \
    "is:signed or is:encrypted limits to two"
t_check 'scr | grep -q "Signed note" && scr | grep -q "Encrypted note" && ! scr | grep -q "HTML only"' \
    "the signed and the encrypted message"
t_tmux_keys l C-u Enter =
t_check 't_tmux_wait_for "HTML only" 5' "the limit is lifted"
t_check_not 'scr | grep -q "limit:"' "no limit in the status line"

# Order (date, newest first): corpus (no Date), HTML, Files, Encrypted, Signed.
t_tmux_keys j Enter
t_check 't_tmux_wait_for "Hello from HTML mail" 10' \
    "an HTML-only message shows as text (built-in converter)"
t_check_not 'scr | grep -Eq "<p>|color: red|MAILCAP-HTML"' \
    "no tags, no style, no command without a mailcap entry"

t_tmux_keys e
t_check 't_tmux_wait_for "Content-Type: text/html; charset=utf-8" 5' \
    "e shows the raw source"
t_check 'scr | grep -q "<p>Hello from <b>HTML</b> mail.</p>"' \
    "the source keeps the tags"
t_tmux_keys e
t_check 't_tmux_wait_for "Hello from HTML mail" 5' "e again: the message"

t_tmux_keys '|'
t_check 't_tmux_wait_for "Pipe the message to" 5' "| asks for a command"
t_tmux_keys -l "cat > $W/piped.eml"
t_tmux_keys Enter
t_check 't_tmux_wait_for "exited with status 0" 10' "the command ran"
t_check 'cmp "$W/piped.eml" "$M/html.eml"' \
    "the raw message went to the command byte for byte"

# ------------------------------------------------------------------ URLs
t_tmux_keys U
t_check 't_tmux_wait_for "https://example.org/html-link\\?x=1&y=2" 5' \
    "U lists the URL of the HTML link"
t_tmux_keys y
t_check 't_tmux_wait_for "Copied" 5' "y copies with OSC 52"
t_check '[ "$(t__tmux show-buffer)" = "https://example.org/html-link?x=1&y=2" ]' \
    "tmux received the URL through OSC 52"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Opened" 10' "Enter runs the url-command"
t_check '[ "$(cat "$W/argv.out")" = "https://example.org/html-link?x=1&y=2" ]' \
    "the url-command got the URL as one argument"
t_tmux_keys q q

# ---------------------------------------------------------- attachments
t_tmux_keys j Enter
t_check 't_tmux_wait_for "The files are attached" 10' "the message with files opens"
t_check 'scr | grep -q "LONGEND"' "a long line is wrapped (wrap = yes)"
t_tmux_keys ^B
t_check 't_tmux_wait_for "https://example.com/path\\?a=1&b=2" 5' \
    "^B lists the URLs of the text"
t_tmux_keys j Enter
t_check 't_tmux_wait_for "Opened" 10' "the second URL is opened"
t_check '[ "$(cat "$W/argv.out")" = "http://bad.example/x;touch\$IFS$M/pwned;x" ]' \
    "a URL with shell syntax is one argument"
t_check '[ ! -e "$M/pwned" ]' "and no shell ran it"
t_tmux_keys q

t_tmux_keys v
t_check 't_tmux_wait_for "Parts of the message" 5' "v lists the parts"
screen="$(scr)"
t_check 'printf "%s\n" "$screen" | grep -q "<multipart/mixed>"' "the tree shows the multipart"
t_check 'printf "%s\n" "$screen" | grep -Eq "application/octet-stream +report.bin +525 base64"' \
    "a part shows type, name, size and encoding"
t_check 'printf "%s\n" "$screen" | grep -q "naïve résumé.txt"' \
    "an RFC 2231 name is decoded"
t_check 'printf "%s\n" "$screen" | grep -q "evil^\[\[31mname^G.txt"' \
    "control characters in a name are shown as marks"

# The cursor starts on report.bin. Save it with Tab completion.
t_tmux_keys s
t_check 't_tmux_wait_for "Save to .*report.bin" 5' "s offers the file name"
t_tmux_keys C-u
t_tmux_keys -l "$W/w/x/o"
t_tmux_keys Tab
t_check 't_tmux_wait_for "w/x/out/$" 5' "Tab completes the folder"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Saved $W/w/x/out/report.bin" 5' "the file is saved"
t_check 'cmp "$W/w/x/out/report.bin" "$M/report.bin"' \
    "the saved file is byte-identical"

printf 'sentinel\n' > "$W/w/x/out/report.bin"
t_tmux_keys s C-u
t_tmux_keys -l "$W/w/x/out"
t_tmux_keys Enter
t_check 't_tmux_wait_for "exists. Overwrite it\\? \\(y/n\\)" 5' \
    "saving over a file asks first"
t_tmux_keys n
t_check 't_tmux_wait_for "Not saved" 5' "n keeps the file"
t_check '[ "$(cat "$W/w/x/out/report.bin")" = sentinel ]' "the file is unchanged"
t_tmux_keys s C-u
t_tmux_keys -l "$W/w/x/out"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Overwrite it" 5' "asked again"
t_tmux_keys y
t_check 't_tmux_wait_for "Saved" 5' "y overwrites"
t_check 'cmp "$W/w/x/out/report.bin" "$M/report.bin"' "with the right bytes"

# ../../etc/passwd lands in the folder as passwd.
t_tmux_keys j s
t_check 't_tmux_wait_for "Save to .*: passwd" 5' "../../etc/passwd is offered as passwd"
t_tmux_keys C-u
t_tmux_keys -l "$W/w/x/out"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Saved $W/w/x/out/passwd" 5' "saved inside the folder"
t_check 'cmp "$W/w/x/out/passwd" <(printf "root:x:0:0:not really:/root:/bin/sh\n")' \
    "with its bytes"
t_check '[ ! -e "$W/w/etc/passwd" ] && [ ! -e "$W/etc/passwd" ]' \
    "nothing written outside the folder"

# Pipe a part.
t_tmux_keys k '|'
t_check 't_tmux_wait_for "Pipe the part" 5' "| asks for a command"
t_tmux_keys -l "cat > $W/part.bin"
t_tmux_keys Enter
t_check 't_tmux_wait_for "exited with status 0" 10' "the command ran"
t_check 'cmp "$W/part.bin" "$M/report.bin"' "the decoded part went to the command"

# Save all into another folder.
t_tmux_keys S
t_check 't_tmux_wait_for "Save all files to" 5' "S asks for a folder"
t_tmux_keys -l "$W/all"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Saved 5 files" 5' "five files saved"
t_check '[ "$(cd "$W/all" && ls | LC_ALL=C sort | tr "\n" "|")" = "data.pt|evil_[31mname_.txt|naïve résumé.txt|passwd|report.bin|" ]' \
    "with safe names (no path, no control characters, RFC 2231 decoded)"
t_check '[ "$(cat "$W/all/evil_[31mname_.txt")" = "quoted=printable text" ]' \
    "quoted-printable decoded"
t_check '[ -z "$(find "$W" -name "*[[:cntrl:]]*")" ]' "no control characters in any name"
t_tmux_keys S
t_tmux_keys -l "$W/all"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Saved 0 files .* 5 skipped" 5' \
    "save all never overwrites"

# A mailcap copiousoutput viewer shown in the pager.
t_tmux_keys j j j j
t_tmux_keys Enter
t_check 't_tmux_wait_for "VIEWED: payload-for-the-viewer" 10' \
    "a copiousoutput entry is shown in the pager"
t_tmux_keys q
t_check 't_tmux_wait_for "Parts of the message" 5' "q goes back to the parts"
# Any other entry gets the terminal.
t_tmux_keys k Enter
for i in $(seq 100); do [ -s "$W/term.out" ] && break; sleep 0.1; done
t_check 't_tmux_wait_for "Parts of the message" 10' "the list is back after the viewer"
t_check '[ "$(cat "$W/term.out" 2> /dev/null)" = "$(printf "tty\nresume")" ] || { cat "$W/term.out"; false; }' \
    "a viewer without copiousoutput runs with the terminal, on the part"
t_tmux_keys q q

# The corpus message: nested parts in the tree.
t_tmux_keys k k Enter
t_check 't_tmux_wait_for "Hide and seek" 10' "the corpus message opens"
t_tmux_keys v
t_check 't_tmux_wait_for "<multipart/signed>" 5' "the tree shows multipart/signed"
t_check 'scr | grep -Eq "^ +[0-9]+ +<multipart/alternative>"' \
    "nested, indented"
t_tmux_keys q q q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"

# ---------------------------- HTML through mailcap, and wrap = no
printf 'wrap = no\n' >> "$T_CONFIG_HOME/postern/config"
t_tmux_start 120 40 env MAILCAPS="$W/mailcap" "$POSTERN"
t_check 't_tmux_wait_for "5 of 5" 30' "INBOX opens again"
t_tmux_keys j Enter
t_check 't_tmux_wait_for "MAILCAP-HTML" 10' \
    "with a mailcap entry, HTML goes through its command"
t_check 'scr | grep -q "Hello from HTML mail"' "and reads as text"
t_tmux_keys q j Enter
t_check 't_tmux_wait_for "LONGSTART" 10' "the long line is there"
t_check_not 'scr | grep -q "LONGEND"' "wrap = no truncates it"
t_tmux_keys q q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"

# ------------------------- POP3: the flags come from the local store
t_write_config "$T_CONFIG_HOME/postern/config" test "backend = pop3"
t_tmux_start 120 40 env -u DISPLAY -u WAYLAND_DISPLAY \
    MAILCAPS="$W/mailcap-noview" "$POSTERN"
t_check 't_tmux_wait_for "5 of 5" 30' "the POP3 account downloads the 5 messages"
t_check 'scr | grep -Eq "[N ][ r!][ +]P [^│]*Encrypted note"' \
    "POP3: an encrypted message has the P flag"
t_check 'scr | grep -Eq "[N ][ r!][ +]s [^│]*Signed note"' \
    "POP3: a signed message has the s flag"
t_check 'scr | grep -Eq "[N ][ r!]\+  [^│]*Files attached"' \
    "POP3: multipart/mixed has the attachment flag"
t_tmux_keys j Enter
t_check 't_tmux_wait_for "Hello from HTML mail" 10' "the HTML message opens"
t_tmux_keys U Enter
t_check 't_tmux_wait_for "No display and no url-command" 5' \
    "without url-command or a display, Enter says what to set"
t_tmux_keys y
t_check 't_tmux_wait_for "Copying is off" 5' "without osc52 = yes nothing is copied"
t_tmux_keys q q
# v in the index: the parts of the message under the cursor, and q back.
t_check 't_tmux_wait_for "Files attached" 5' "back in the index"
t_tmux_keys j v
t_check 't_tmux_wait_for "Parts of the message" 10' "v in the index lists the parts"
t_check 'scr | grep -Eq "application/octet-stream +report.bin +525 base64"' \
    "of the message under the cursor"
t_tmux_keys q
t_check 't_tmux_wait_for "Encrypted note" 5 && ! scr | grep -q "Parts of the message" &&
    ! scr | grep -q "The files are attached"' "q goes back to the index, not the pager"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_done
