#!/bin/sh
# tests/ui/compose.sh: m opens $EDITOR on a template with the headers,
# the compose screen attaches, renames and sends through the outbox; the
# message reaches the SMTP server with its attachment byte-identical and
# shows in Sent; abandon asks first; a failing server leaves the message
# in the outbox with the error on screen; postern mailto:... fills in.
. "$TOP_SRCDIR/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
DATA="$TOP_SRCDIR/tests/ui/data"

t_start_servers
t_fill alice INBOX 3
CONF="$T_CONFIG_HOME/postern/config"
printf 'Alice\nhttps://alice.example.test/\n' > "$T_TMPDIR/sig"
t_write_config "$CONF" test "signature = $T_TMPDIR/sig" \
    "alternates = Alice Work <alice.work@example.test>"
CTL="$T_TMPDIR/ed.json"
COMPOSE_DIR="$T_STATE_HOME/postern/compose"
OUTBOX="$T_DATA_HOME/postern/test/outbox"
ed_ctl() { printf '%s\n' "$1" > "$CTL"; }
stored() { ls "$SMTP_OUT" 2> /dev/null | grep -c '\.eml$'; }
last_eml() { ls "$SMTP_OUT"/*.eml | sort | tail -n 1; }
# pyget EML EXPR: EXPR on the parsed message m (email module).
pyget() {
	"$PY" - "$1" "$2" <<'PYEOF'
import email, email.policy, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
v = eval(sys.argv[2])
sys.stdout.write(v if isinstance(v, str) else repr(v))
PYEOF
}
start() {
	t_tmux_start 120 40 env EDITOR="$PY $DATA/editor.py" ED_CTL="$CTL" \
	    VISUAL= "$POSTERN" "$@"
}

# Fixed bytes (seeded) that libmagic types as data: random ones can look
# like a file format now and then (an "MZ" start is a DOS executable).
python3 -c "import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(3000)))" > "$T_TMPDIR/data.bin"

# --- compose, attach, rename, send
ed_ctl '{"set": {"To": "Bob <bob@example.test>", "Subject": "Compose test one"}, "body": "Hello Bob,\nthis came from the editor.\n"}'
start -F "$CONF"
t_check 't_tmux_wait_for "3 of 3" 20' "INBOX opens"
t_tmux_keys m
t_check 't_tmux_wait_for "y:Send" 10' "m runs the editor, then shows the compose screen"
t_check 'grep -q "^To: \$" "$CTL.in" && grep -q "^Subject: \$" "$CTL.in" &&
    grep -q "^From: Alice Example <alice@example.test>\$" "$CTL.in" &&
    grep -q "^Bcc: \$" "$CTL.in" && grep -q "^Reply-To: \$" "$CTL.in"' \
    "the editor's template has the editable headers, From filled in"
t_check 'grep -q "^-- \$" "$CTL.in" && grep -q "^https://alice.example.test/\$" "$CTL.in"' \
    "the template carries the signature"
t_check 't_tmux_screen | grep -q "To: Bob <bob@example.test>"' \
    "the compose screen shows the To the editor wrote"
t_check 't_tmux_screen | grep -q "Subject: Compose test one"' \
    "the compose screen shows the Subject the editor wrote"
t_is "$(stat -c %a "$COMPOSE_DIR"/*.txt 2> /dev/null)" 600 \
    "the editor's file is private (0600)"
t_tmux_keys a
t_check 't_tmux_wait_for "Attach file:" 5' "a asks for a file"
t_tmux_keys -l "$T_TMPDIR/data.bin"
t_tmux_keys Enter
t_check 't_tmux_wait_for "data.bin \[application/octet-stream\]" 5' \
    "the attachment is listed with its type"
t_tmux_keys a
t_tmux_keys -l "$T_TMPDIR/no-such-file"
t_tmux_keys Enter
t_check 't_tmux_wait_for "cannot attach" 5' "a missing file is refused clearly"
# libmagic (when configure found it) types a file by its content.
if grep -q "define HAVE_MAGIC_H 1" "$TOP_BUILDDIR/config.h" 2> /dev/null; then
	printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211' > "$T_TMPDIR/picture.dat"
	t_tmux_keys a
	t_tmux_keys -l "$T_TMPDIR/picture.dat"
	t_tmux_keys Enter
	t_check 't_tmux_wait_for "picture.dat \\[image/png\\]" 5' \
	    "libmagic types a PNG without a .png name as image/png"
	t_tmux_keys D
	t_check 'for i in $(seq 30); do t_tmux_screen | grep -q "picture.dat" || exit 0; sleep 0.1; done; exit 1' \
	    "D removes the selected attachment"
	t_check 't_tmux_screen | grep -q "data.bin"' "the other attachment stays"
fi
t_tmux_keys N C-u
t_tmux_keys -l "report.bin"
t_tmux_keys Enter
t_check 't_tmux_wait_for "report.bin \[application/octet-stream\]" 5' \
    "N renames the attachment"
t_tmux_keys F
t_check 't_tmux_wait_for "From: Alice Work <alice.work@example.test>" 5' \
    "F changes the identity to the alternate address"
t_tmux_keys F
t_check 't_tmux_wait_for "From: Alice Example <alice@example.test>" 5' \
    "F again comes back to the account's address"
t_tmux_keys p
t_check 't_tmux_wait_for "Attachment #2: report.bin" 5' \
    "p previews the built message in the pager"
t_tmux_keys q
t_check 't_tmux_wait_for "y:Send" 5' "q leaves the preview for the compose screen"
t_tmux_keys y
t_check 't_tmux_wait_for "Message sent\\." 30' "y sends: Message sent."
t_is "$(stored)" 1 "the SMTP server got one message"
EML="$(last_eml)"
t_is "$(pyget "$EML" 'm["subject"]')" "Compose test one" "its Subject"
t_is "$(pyget "$EML" 'm["to"]')" "Bob <bob@example.test>" "its To"
t_check 'pyget "$EML" "m.get_body().get_content()" | grep -q "^this came from the editor\\.\$"' \
    "its text is what the editor wrote"
t_is "$(pyget "$EML" '[p.get_filename() for p in m.iter_attachments()][0]')" \
    "report.bin" "the attachment goes by its new name"
pyget "$EML" '[p for p in m.iter_attachments()][0].get_content().hex()' > "$T_TMPDIR/got.hex"
t_is "$(cat "$T_TMPDIR/got.hex")" "$(od -An -v -tx1 "$T_TMPDIR/data.bin" | tr -d ' \n')" \
    "the attachment decodes byte-identical"
t_is "$(ls "$COMPOSE_DIR" | wc -l)" 0 "the editor's file is gone once the message is sent"
t_is "$(ls "$OUTBOX" 2> /dev/null | grep -c '\.eml$')" 0 "the outbox is empty again"

# The copy in Sent, seen in the UI.
found=0
for n in 0 1 2 3 4 5 6 7; do
	t_tmux_keys c =
	for i in $(seq "$n"); do t_tmux_keys j; done
	t_tmux_keys Enter
	if t_tmux_wait_for "\\[Sent\\]" 2 2> /dev/null; then
		found=1
		break
	fi
done
t_is "$found" 1 "the Sent folder opens"
t_check 't_tmux_wait_for "Compose test one" 10' "the sent message is in Sent"

# --- abandon asks first
ed_ctl '{"set": {"Subject": "To be abandoned"}, "body": "x\n"}'
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: To be abandoned" 10' "a second message opens"
t_tmux_keys q
t_check 't_tmux_wait_for "Abandon this message\\? \\(y/n\\)" 5' "q asks before abandoning"
t_tmux_keys n Enter
t_check 't_tmux_wait_for "Not abandoned" 5 && t_tmux_screen | grep -q "Subject: To be abandoned"' \
    "n keeps the message"
t_tmux_keys q y Enter
t_check 't_tmux_wait_for "Message abandoned" 5' "y abandons it"
t_is "$(ls "$COMPOSE_DIR" | wc -l)" 0 "the abandoned message's file is gone"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null

# --- a failing server: the message stays in the outbox, the error shows
BAD="$(t_tmpdir bad)"
setsid -f "$PY" "$TOP_SRCDIR/tests/integration/badsmtp.py" \
    "$TESTENV_DIR/tls/server-chain.pem" "$TESTENV_DIR/tls/server.key" \
    "$BAD" 300 < /dev/null > /dev/null 2> "$T_TMPDIR/badsmtp.err"
t_at_exit '[ -s "$BAD/pid" ] && kill "$(cat "$BAD/pid")"'
for i in $(seq 100); do
	[ -s "$BAD/port" ] && break
	sleep 0.1
done
echo data5xx > "$BAD/mode"
t_write_config "$T_TMPDIR/bad.conf" test "smtp.port = $(cat "$BAD/port")"
ed_ctl '{"set": {"To": "bob@example.test", "Subject": "Refused one"}, "body": "Kept safe.\n"}'
start -F "$T_TMPDIR/bad.conf"
t_check 't_tmux_wait_for "3 of 3" 20' "INBOX opens with the failing server configured"
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Refused one" 10' "the message is written"
t_tmux_keys y
t_check 't_tmux_wait_for "not sent: .*554" 30' "the server's refusal is shown"
t_check 't_tmux_screen | grep -q "stays in the outbox"' "the screen says the message stays in the outbox"
t_is "$(ls "$OUTBOX" 2> /dev/null | grep -c '\.eml$')" 1 "the message is in the outbox"
t_check 'grep -q "^Kept safe\\." "$OUTBOX"/*.eml' "the outbox copy holds the text"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null

# --- postern mailto:...
ed_ctl '{}'
start -F "$CONF" 'mailto:henry@example.test?subject=Hi%20there&cc=ivy@example.test&body=Line%201%0D%0ALine%202&X-Evil=1&bcc=jack@example.test'
t_check 't_tmux_wait_for "y:Send" 20' "mailto: opens the editor, then the compose screen"
t_check 't_tmux_screen | grep -q "To: henry@example.test"' "mailto: fills in To"
t_check 't_tmux_screen | grep -q "Cc: ivy@example.test"' "mailto: fills in Cc"
t_check 't_tmux_screen | grep -q "Bcc: jack@example.test"' "mailto: fills in Bcc"
t_check 't_tmux_screen | grep -q "Subject: Hi there"' "mailto: percent-decodes the Subject"
t_check 'grep -q "^Line 1\$" "$CTL.in" && grep -q "^Line 2\$" "$CTL.in"' \
    "mailto: puts the body in the editor, line ends decoded"
n0="$(stored)"
t_tmux_keys y
t_check 't_tmux_wait_for "Message sent\\." 30' "the mailto: message is sent"
EML="$(last_eml)"
t_is "$(pyget "$EML" 'str(m["x-evil"])')" "None" "an unsafe mailto: field is not taken"
t_is "$(pyget "$EML" 'm["subject"]')" "Hi there" "the sent Subject"
t_is "$(pyget "$EML" 'str(m["bcc"])')" "None" "Bcc is not written into the sent message"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null

# --- a POP3 account postpones into its local Drafts (tests/ui/pop3-send.sh
# follows it further): nothing is lost, the message can be sent
t_write_config "$T_TMPDIR/pop3.conf" test "backend = pop3"
ed_ctl '{"set": {"To": "bob@example.test", "Subject": "Local one"}, "body": "Kept here.\n"}'
start -F "$T_TMPDIR/pop3.conf"
t_check 't_tmux_wait_for "3 of 3" 30' "the POP3 account opens"
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Local one" 10' "a message on the POP3 account"
t_tmux_keys P
t_check 't_tmux_wait_for "Message postponed" 10' "P on a POP3 account postpones to its local Drafts"
t_is "$(ls "$COMPOSE_DIR" | wc -l)" 0 "its file goes once the draft is saved"
t_tmux_keys R
t_check 't_tmux_wait_for "Subject: Local one" 10' "R recalls it"
n0="$(stored)"
t_tmux_keys y
t_check 't_tmux_wait_for "Message sent\\." 30' "it can still be sent"
t_is "$(( $(stored) - n0 ))" 1 "it was delivered once"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0 (a sanitizer would make it fail)"
t_done
