#!/bin/sh
# tests/integration/send.sh: batch sending (postern -s ... ADDR < body)
# against the test SMTP server: what it stored (.eml and .json), the copy
# in Sent, failures that leave the message in the outbox.
. "$TOP_SRCDIR/tests/lib.sh"

# A sanitizer finding must not pass for "send failed" (status 1).
export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

t_start_servers
CONF="$T_TMPDIR/good.conf"
t_write_config "$CONF" test
OUTBOX="$T_DATA_HOME/postern/test/outbox"
BODY="$T_TMPDIR/body"

# send CONF ARGS...: postern -F CONF ARGS < $BODY; status in RC, stderr
# in ERR, stdout in OUT.
send() {
	local conf="$1"
	shift
	env XDG_CONFIG_HOME="$T_CONFIG_HOME" XDG_STATE_HOME="$T_STATE_HOME" \
	    XDG_CACHE_HOME="$T_CACHE_HOME" XDG_DATA_HOME="$T_DATA_HOME" \
	    LANG=C.UTF-8 timeout -k 5 60 "$POSTERN" -F "$conf" "$@" \
	    < "$BODY" > "$T_TMPDIR/out" 2> "$T_TMPDIR/err"
	RC=$?
	OUT="$(cat "$T_TMPDIR/out")"
	ERR="$(cat "$T_TMPDIR/err")"
}

stored() { ls "$SMTP_OUT" 2> /dev/null | grep -c '\.eml$'; }
last_eml() { ls "$SMTP_OUT"/*.eml | sort | tail -n 1; }
queued() { ls "$OUTBOX" 2> /dev/null | grep -c '\.eml$'; }

# pyget EML EXPR: evaluates EXPR on the parsed message m (email module).
pyget() {
	"$PY" - "$1" "$2" <<'EOF'
import email, email.policy, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
v = eval(sys.argv[2])
sys.stdout.write(v if isinstance(v, str) else repr(v))
EOF
}

# rcpts N: the rcpt_tos of the stored message N (its .json).
rcpts() {
	"$PY" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["rcpt_tos"]))' \
	    "${1%.eml}.json"
}

# --- plain text over implicit TLS
printf 'Hello Bob,\nthis is plain.\n' > "$BODY"
send "$CONF" -s "Plain hello" bob@example.test
t_is "$RC" 0 "plain text: exit status 0"
t_is "$(stored)" 1 "plain text: the server has one message"
EML="$(last_eml)"
t_is "$(pyget "$EML" 'm["subject"]')" "Plain hello" "plain text: subject"
t_is "$(pyget "$EML" 'm.get_content()')" "$(printf 'Hello Bob,\nthis is plain.\n')" \
    "plain text: body"
t_is "$(pyget "$EML" 'm["from"]')" "Alice Example <alice@example.test>" \
    "plain text: From from the account"
t_is "$(rcpts "$EML")" "bob@example.test" "plain text: envelope recipient"
t_is "$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["port"])' "${EML%.eml}.json")" \
    "$SMTPS_PORT" "implicit TLS port used"
t_is "$(queued)" 0 "plain text: the outbox is empty after the send"
t_check 'grep -q "^Message-ID: <[0-9a-f.]*@example.test>" "$EML"' \
    "Message-ID at the sender's domain, no host name"

# --- a copy in Sent
t_check 'grep -l "^Subject: Plain hello" "$TESTENV_DIR"/home/alice/Maildir/.Sent/cur/* "$TESTENV_DIR"/home/alice/Maildir/.Sent/new/* 2>/dev/null | grep -q .' \
    "a copy in Sent on the IMAP server"

# --- UTF-8 subject and body
printf 'Grüße aus Köln ✓\nZweite Zeile: äöü ß\n' > "$BODY"
send "$CONF" -s "Grüße – ünïcödé ✓" bob@example.test
t_is "$RC" 0 "UTF-8: exit status 0"
EML="$(last_eml)"
t_is "$(pyget "$EML" 'm["subject"]')" "Grüße – ünïcödé ✓" "UTF-8: subject decodes"
t_is "$(pyget "$EML" 'm.get_content()')" "$(cat "$BODY")" "UTF-8: body decodes"
t_check '! LC_ALL=C grep -q "[^ -~[:space:]]" "$EML"' \
    "UTF-8: the message is 7-bit (RFC 2047, quoted-printable)"
t_check '[ "$(awk "{ if (length(\$0) > 79) n++ } END { print n + 0 }" "$EML")" = 0 ]' \
    "UTF-8: no line over 78 columns"

# --- an attachment with a non-ASCII name, decoded byte-identical
ATT="$T_TMPDIR/Übersicht März.bin"
head -c 70000 /dev/urandom > "$ATT"
printf 'see attached\n' > "$BODY"
send "$CONF" -s "with a file" -a "$ATT" -- bob@example.test
t_is "$RC" 0 "attachment: exit status 0"
EML="$(last_eml)"
t_is "$(pyget "$EML" '[p.get_filename() for p in m.iter_attachments()][0]')" \
    "Übersicht März.bin" "attachment: file name (RFC 2231)"
t_is "$(pyget "$EML" '__import__("hashlib").sha256(list(m.iter_attachments())[0].get_content()).hexdigest()')" \
    "$(sha256sum < "$ATT" | cut -d' ' -f1)" "attachment: decoded byte-identical"
t_is "$(pyget "$EML" 'm.get_body(("plain",)).get_content().strip()')" \
    "see attached" "attachment: text part"

# --- Cc and Bcc: Bcc gets it, no Bcc header
printf 'for three\n' > "$BODY"
send "$CONF" -s "copies" -c '"Doe, Jane" <jane@example.test>' \
    -b hidden@example.test carol@example.test
t_is "$RC" 0 "Bcc: exit status 0"
EML="$(last_eml)"
t_is "$(rcpts "$EML")" "carol@example.test jane@example.test hidden@example.test" \
    "Bcc: every recipient in the envelope"
t_check '! grep -qi "hidden@\|^Bcc:" "$EML"' "Bcc: not in the stored message"
t_is "$(pyget "$EML" 'm["cc"]')" '"Doe, Jane" <jane@example.test>' \
    "Cc: display name with a comma"

# --- STARTTLS port
STARTTLS="$T_TMPDIR/starttls.conf"
t_write_config "$STARTTLS" test "smtp.port = $SMTP_PORT" "smtp.security = starttls"
printf 'over starttls\n' > "$BODY"
send "$STARTTLS" -s "starttls" bob@example.test
t_is "$RC" 0 "STARTTLS: exit status 0"
EML="$(last_eml)"
t_is "$("$PY" -c 'import json, sys; j = json.load(open(sys.argv[1])); print(j["port"], j["tls"])' "${EML%.eml}.json")" \
    "$SMTP_PORT True" "STARTTLS: sent on the STARTTLS port, over TLS"

# --- wrong password: reported, message kept
BADPASS="$T_TMPDIR/badpass.conf"
t_write_config "$BADPASS" test "password-command = printf %s not-the-password"
before="$(stored)"
printf 'kept safe\n' > "$BODY"
send "$BADPASS" -s "wrong password" bob@example.test
t_check_not '[ "$RC" = 0 ]' "wrong password: exit status non-zero"
t_check 'printf "%s\n" "$ERR" | grep -q "authentication failed"' \
    "wrong password: reported as such"
t_is "$(stored)" "$before" "wrong password: nothing delivered"
t_is "$(queued)" 1 "wrong password: the message is in the outbox"
t_check 'grep -q "authentication failed" "$OUTBOX"/*.err' \
    "wrong password: the error is recorded beside it"
t_check 'grep -q "^Subject: wrong password" "$OUTBOX"/*.eml' \
    "wrong password: the queued message is the one written"

# --- a refused recipient, named
printf 'to a bad address\n' > "$BODY"
send "$CONF" -s "refused" bob@example.test reject-x@example.test
t_check_not '[ "$RC" = 0 ]' "refused recipient: exit status non-zero"
t_check 'printf "%s\n" "$ERR" | grep -q "reject-x@example.test.*550"' \
    "refused recipient: reported by address and code"
t_is "$(stored)" "$before" "refused recipient: nothing delivered"
t_is "$(queued)" 2 "refused recipient: the message is in the outbox"

# --- bad input: no recipient, a bad address
send "$CONF" -s "nobody"
t_check_not '[ "$RC" = 0 ]' "no recipient: refused"
send "$CONF" -s "bad" 'not an address'
t_check_not '[ "$RC" = 0 ]' "a bad address: refused"
t_check 'printf "%s\n" "$ERR" | grep -q "To:"' "a bad address: the field is named"

# --- --flush-outbox: the first now goes, the refused one stays
send "$CONF" --flush-outbox
t_is "$RC" 1 "flush: exit status 1 (one message still refused)"
t_is "$(printf '%s\n' "$OUT" | grep -c ': sent$')" 1 "flush: one sent"
t_is "$(printf '%s\n' "$OUT" | grep -c ': FAILED: ')" 1 "flush: one failed"
t_is "$(stored)" "$((before + 1))" "flush: one more message on the server"
t_is "$(queued)" 1 "flush: the refused one is still queued"
t_check 'grep -q "^Subject: wrong password" "$(last_eml)"' \
    "flush: the queued message was delivered"

t_done
