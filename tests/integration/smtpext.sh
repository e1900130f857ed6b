#!/bin/sh
# tests/integration/smtpext.sh: SMTP extensions and addresses on the wire.
# SMTPUTF8 and BODY=8BITMIME in MAIL FROM when offered and needed (the
# real server offers both), internationalized domains in A-labels for a
# server without SMTPUTF8 and a UTF-8 local part refused there, SIZE
# checked before MAIL, every refused recipient named, CRAM-MD5 when
# offered, and a missing SASL module reported as such.
. "$TOP_SRCDIR/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

t_start_servers
BAD="$(t_tmpdir bad)"
setsid -f "$PY" "$TOP_SRCDIR/tests/integration/badsmtp.py" \
    "$TESTENV_DIR/tls/server-chain.pem" "$TESTENV_DIR/tls/server.key" \
    "$BAD" 300 < /dev/null > /dev/null 2> "$T_TMPDIR/badsmtp.err"
t_at_exit '[ -s "$BAD/pid" ] && kill "$(cat "$BAD/pid")"'
for i in $(seq 100); do
	[ -s "$BAD/port" ] && break
	sleep 0.1
done
[ -s "$BAD/port" ] || { t_fail "badsmtp.py started"; t_done; }

GOOD="$T_TMPDIR/good.conf"
FAKE="$T_TMPDIR/fake.conf"
t_write_config "$GOOD" test
t_write_config "$FAKE" test "smtp.port = $(cat "$BAD/port")"
OUTBOX="$T_DATA_HOME/postern/test/outbox"
BODY="$T_TMPDIR/body"
printf 'Hello.\n' > "$BODY"

# send CONF ARGS...: postern -F CONF ARGS < $BODY; RC, OUT (stdout+stderr).
send() {
	local conf="$1"
	shift
	env XDG_CONFIG_HOME="$T_CONFIG_HOME" XDG_STATE_HOME="$T_STATE_HOME" \
	    XDG_CACHE_HOME="$T_CACHE_HOME" XDG_DATA_HOME="$T_DATA_HOME" \
	    LANG=C.UTF-8 timeout -k 5 60 "$POSTERN" -F "$conf" "$@" \
	    < "$BODY" > "$T_TMPDIR/out" 2>&1
	RC=$?
	OUT="$(cat "$T_TMPDIR/out")"
}
queued() { ls "$OUTBOX" 2> /dev/null | grep -c '\.eml$'; }
last_eml() { ls "$SMTP_OUT"/*.eml | sort | tail -n 1; }
json() { "$PY" -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "${1%.eml}.json" "$2"; }
mode() { echo "$1" > "$BAD/mode"; : > "$BAD/commands.log"; }
mails() { grep -a '^MAIL FROM' "$BAD/commands.log"; }

# --- the real server offers SMTPUTF8 and 8BITMIME
send "$GOOD" -s "utf8 local" 'Jorg <jörg@example.test>' 'Bue <bob@bücher.example>'
t_is "$RC" 0 "SMTPUTF8 server: a UTF-8 address is sent"
EML="$(last_eml)"
t_is "$(json "$EML" '" ".join(sorted(o for o in j["mail_options"] if not o.startswith("SIZE=")))')" "BODY=8BITMIME SMTPUTF8" \
    "SMTPUTF8 server: MAIL FROM carries SMTPUTF8 and BODY=8BITMIME"
t_is "$(json "$EML" '" ".join(j["rcpt_tos"])')" "jörg@example.test bob@bücher.example" \
    "SMTPUTF8 server: the envelope in UTF-8"
t_check 'grep -aq "^To: Jorg <jörg@example.test>, Bue <bob@xn--bcher-kva.example>" "$EML"' \
    "the header: UTF-8 local part as is, domain in A-labels"
send "$GOOD" -s "ascii" bob@example.test
EML="$(last_eml)"
t_is "$(json "$EML" '" ".join(o for o in j["mail_options"] if not o.startswith("SIZE="))')" "" \
    "an ASCII message: neither SMTPUTF8 nor BODY=8BITMIME"

# --- a server without SMTPUTF8
mode accept
send "$FAKE" -s "idn" 'Bü <bob@bücher.example>'
t_is "$RC" 0 "no SMTPUTF8: an IDN domain is sent"
t_check 'grep -aqx "RCPT TO:<bob@xn--bcher-kva.example>" "$BAD/commands.log"' \
    "no SMTPUTF8: the domain goes as Punycode"
t_check 'mails | grep -aq "^MAIL FROM:<alice@example.test> SIZE=[0-9]*$"' \
    "no SMTPUTF8: MAIL FROM without SMTPUTF8 or BODY="
mode accept
send "$FAKE" -s "utf8 local" 'jörg@example.test'
t_check_not '[ "$RC" = 0 ]' "no SMTPUTF8: a UTF-8 local part is refused"
t_check 'printf "%s\n" "$OUT" | grep -q "jörg@example.test.*non-ASCII local part.*SMTPUTF8"' \
    "no SMTPUTF8: the error names the address and the reason"
t_is "$(mails | wc -l)" 0 "no SMTPUTF8: no MAIL FROM was sent"
t_is "$(queued)" 1 "no SMTPUTF8: the message stays in the outbox"
rm -rf "$OUTBOX"

# --- SIZE: checked before MAIL, the message kept
mode size
head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 70 > "$BODY"
send "$FAKE" -s "too big" bob@example.test
t_check_not '[ "$RC" = 0 ]' "SIZE: a message over the limit fails"
t_check 'printf "%s\n" "$OUT" | grep -q "the message is [0-9]* bytes, the server takes at most 2000"' \
    "SIZE: the error says why"
t_is "$(mails | wc -l)" 0 "SIZE: refused before MAIL FROM"
t_is "$(queued)" 1 "SIZE: the message stays in the outbox"
printf 'small\n' > "$BODY"
mode size
send "$FAKE" -s "small" bob@example.test
t_is "$RC" 0 "SIZE: a message under the limit goes"
t_check 'mails | grep -aq "SIZE=[0-9]"' "SIZE: declared in MAIL FROM"
rm -rf "$OUTBOX"

# --- every refused recipient named (the real server: reject*, tempfail*)
before="$(ls "$SMTP_OUT" | grep -c '\.eml$')"
send "$GOOD" -s "some refused" ok@example.test reject1@example.test \
    tempfail@example.test reject2@example.test
t_check_not '[ "$RC" = 0 ]' "refused recipients: the send fails"
t_check 'printf "%s\n" "$OUT" | grep -q "refused the recipients reject1@example.test (550), tempfail@example.test (451), reject2@example.test (550)"' \
    "refused recipients: each named with its code in the error"
for a in reject1 tempfail reject2; do
	t_check "printf '%s\n' \"\$OUT\" | grep -q 'recipient refused: $a@example.test: [45]5[01]'" \
	    "refused recipients: $a listed with the server's reply"
done
t_check_not 'printf "%s\n" "$OUT" | grep -q "refused: ok@"' \
    "refused recipients: the accepted one is not listed"
t_is "$(ls "$SMTP_OUT" | grep -c '\.eml$')" "$before" "refused recipients: nothing delivered"
t_is "$(queued)" 1 "refused recipients: the message stays in the outbox"
rm -rf "$OUTBOX"

# --- CRAM-MD5 when that is what is offered
mode cram
send "$FAKE" -s "cram" bob@example.test
t_is "$RC" 0 "CRAM-MD5: sent" || t_log "$OUT"
t_check 'grep -aqx "AUTH CRAM-MD5 ok" "$BAD/commands.log"' \
    "CRAM-MD5: the server checked the digest of the right password"
# --- SCRAM-SHA-256 first when offered beside CRAM-MD5 and PLAIN
mode scram
send "$FAKE" -s "scram" bob@example.test
t_is "$RC" 0 "SCRAM-SHA-256: sent" || t_log "$OUT"
t_check 'grep -aqx "AUTH SCRAM-SHA-256 ok" "$BAD/commands.log"' \
    "SCRAM-SHA-256: chosen over CRAM-MD5 and PLAIN, the proof checked"
mode cram
mkdir -p "$T_TMPDIR/no-sasl"
SASL_PATH="$T_TMPDIR/no-sasl" send "$FAKE" -s "no module" bob@example.test
t_check_not '[ "$RC" = 0 ]' "no SASL module: the send fails"
t_check 'printf "%s\n" "$OUT" | grep -q "SASL module for CRAM-MD5 missing: install libsasl2-modules"' \
    "no SASL module: reported as a missing module"
t_check_not 'printf "%s\n" "$OUT" | grep -qi "authentication failed\|password"' \
    "no SASL module: not reported as a wrong password"
t_check_not 'grep -aq "^AUTH" "$BAD/commands.log"' "no SASL module: no AUTH sent"
t_done
