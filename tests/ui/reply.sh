#!/bin/sh
# tests/ui/reply.sh: r, g, L and f on a message, what the SMTP server
# receives (recipients, In-Reply-To, References, quoting, attribution,
# the identity the original went to), forward as an attachment, and
# postpone to the IMAP Drafts folder, R to recall, send once.
. "$TOP_SRCDIR/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
DATA="$TOP_SRCDIR/tests/ui/data"

t_append() {
	timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
	    -T "$2" "imaps://localhost:$IMAPS_PORT/$1"
}
# imap_search FOLDER CRITERIA: the server's "* SEARCH ..." line.
imap_search() {
	timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
	    "imaps://localhost:$IMAPS_PORT/$1" -X "SEARCH $2" | tr -d '\r'
}

t_start_servers
t_fill alice INBOX 2
t_append INBOX "$DATA/work.eml" || t_fail "append work.eml"
t_append INBOX "$DATA/plans.eml" || t_fail "append plans.eml"
CONF="$T_CONFIG_HOME/postern/config"
t_write_config "$CONF" test \
    "alternates = Alice Work <alice.work@example.test>"
CTL="$T_TMPDIR/ed.json"
COMPOSE_DIR="$T_STATE_HOME/postern/compose"
ed_ctl() { printf '%s\n' "$1" > "$CTL"; }
stored() { ls "$SMTP_OUT" 2> /dev/null | grep -c '\.eml$'; }
last_eml() { ls "$SMTP_OUT"/*.eml | sort | tail -n 1; }
pyget() {
	"$PY" - "$1" "$2" <<'PYEOF'
import email, email.policy, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
v = eval(sys.argv[2])
sys.stdout.write(v if isinstance(v, str) else repr(v))
PYEOF
}
rcpts() {
	"$PY" -c 'import json, sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["rcpt_tos"])))' \
	    "${1%.eml}.json"
}
start() {
	t_tmux_start 120 40 env EDITOR="$PY $DATA/editor.py" ED_CTL="$CTL" \
	    VISUAL= "$POSTERN" "$@"
}
# send_and_wait DESC: y on the compose screen, then one more message.
send_and_wait() {
	local n="$(stored)"
	t_tmux_keys y
	t_check 't_tmux_wait_for "Message sent\\." 30 && [ "$(stored)" -gt '"$n"' ]' "$1"
	# The next check looks for a new "Message sent.".
	t_tmux_keys j k
	EML="$(last_eml)"
}

start -F "$CONF"
t_check 't_tmux_wait_for "4 of 4" 20' "INBOX opens"

# --- r from the index (the body is fetched first)
ed_ctl '{"body": "My answer.\n\n"}'
t_tmux_keys =
t_tmux_keys r
t_check 't_tmux_wait_for "y:Send" 15' "r opens the reply on the compose screen"
t_check 't_tmux_screen | grep -q "  To: Carol <carol@example.test>"' "r replies to the sender"
t_check 't_tmux_screen | grep -q "Subject: Re: Plans\$"' "Re: does not stack"
t_check 'grep -q "^On Mon, 1 Jan 2035 10:00:00 +0000, Carol wrote:\$" "$CTL.in"' \
    "the attribution line is in the editor"
t_check 'grep -q "^> Line one\$" "$CTL.in" && grep -q "^> Line two\$" "$CTL.in"' \
    "the original text is quoted with '> '"
send_and_wait "the reply is sent"
t_is "$(pyget "$EML" 'm["in-reply-to"]')" "<orig-1@example.test>" "In-Reply-To is the original's Message-ID"
t_is "$(pyget "$EML" 'm["references"]')" "<root-0@example.test> <orig-1@example.test>" \
    "References carries the thread and the original"
t_check 'pyget "$EML" "m.get_body().get_content()" | grep -q "^> Line one\$"' \
    "the server received the quoted text"
t_check 'pyget "$EML" "m.get_body().get_content()" | grep -q "^On Mon, 1 Jan 2035 10:00:00 +0000, Carol wrote:\$"' \
    "the server received the attribution line"
t_is "$(rcpts "$EML")" "carol@example.test" "a reply goes to the sender only"
t_is "$(pyget "$EML" 'm["from"]')" "Alice Example <alice@example.test>" \
    "the reply is from the address the original went to"

# --- g from the pager
ed_ctl '{"body": "To all.\n\n"}'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Line two" 10' "the original opens in the pager"
t_tmux_keys g
t_check 't_tmux_wait_for "y:Send" 15' "g opens a group reply"
send_and_wait "the group reply is sent"
t_is "$(rcpts "$EML")" "carol@example.test dave@example.test eve@example.test" \
    "a group reply goes to everyone but the user's own addresses"
t_is "$(pyget "$EML" 'm["to"]')" "Carol <carol@example.test>" "the sender is in To"
t_check '! grep -qi "alice@example.test" <<< "$(pyget "$EML" "str(m[\"cc\"])")"' \
    "the user's own address (in any case) is left out of Cc"

# --- L: List-Post
ed_ctl '{"body": "To the list.\n\n"}'
t_tmux_keys q =
t_tmux_keys L
t_check 't_tmux_wait_for "y:Send" 15' "L opens a list reply"
t_check 't_tmux_screen | grep -q "  To: list@example.test"' "L replies to the List-Post address"
send_and_wait "the list reply is sent"
t_is "$(rcpts "$EML")" "list@example.test" "the list reply goes to the list only"
t_tmux_keys = j
t_tmux_keys L
t_check 't_tmux_wait_for "no List-Post header" 15' "L without List-Post says so"

# --- r to a message sent to the alternate address
ed_ctl '{"body": "Work answer.\n\n"}'
t_tmux_keys r
t_check 't_tmux_wait_for "y:Send" 15' "r on the work message"
t_check 't_tmux_screen | grep -q "From: Alice Work <alice.work@example.test>"' \
    "the reply's From is the identity the original was addressed to"
send_and_wait "the work reply is sent"
t_is "$(pyget "$EML" 'm["from"]')" "Alice Work <alice.work@example.test>" \
    "the server got it from the alternate address"

# --- f: forward inline
ed_ctl '{"set": {"To": "frank@example.test"}, "body": "FYI.\n\n"}'
t_tmux_keys =
t_tmux_keys f
t_check 't_tmux_wait_for "y:Send" 15' "f opens the forward"
t_check 't_tmux_screen | grep -q "Subject: Fwd: Re: Plans"' "the forward's subject is Fwd:"
send_and_wait "the forward is sent"
BODY="$(pyget "$EML" 'm.get_body().get_content()')"
t_check 'grep -q "^----- Forwarded message -----" <<< "$BODY" &&
    grep -q "^From: Carol <carol@example.test>" <<< "$BODY" &&
    grep -q "^Subject: Re: Plans" <<< "$BODY" && grep -q "^Line one" <<< "$BODY"' \
    "the inline forward carries the original's headers and text"
t_is "$(rcpts "$EML")" "frank@example.test" "the forward goes where the editor said"

# --- postpone, recall, send once
ed_ctl '{"set": {"To": "grace@example.test", "Bcc": "kate@example.test", "Subject": "Postponed one"}, "body": "Draft body.\n"}'
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Postponed one" 15' "a new message to postpone"
head -c 2000 /dev/urandom > "$T_TMPDIR/draft.bin"
t_tmux_keys a
t_tmux_keys -l "$T_TMPDIR/draft.bin"
t_tmux_keys Enter
t_check 't_tmux_wait_for "draft.bin \\[" 5' "a file is attached to the draft"
# The type libmagic gives random bytes varies; the recall must keep it.
draft_type="$(t_tmux_screen | grep -o "draft.bin \[[^]]*\]" | head -n 1)"
t_tmux_keys P
t_check 't_tmux_wait_for "Message postponed\\." 30' "P postpones it"
t_is "$(imap_search Drafts DRAFT)" "* SEARCH 1" "the draft is in the IMAP Drafts folder, flagged \\Draft"
t_is "$(ls "$COMPOSE_DIR" | wc -l)" 0 "the editor's file is gone once the draft is saved"
n="$(stored)"
t_tmux_keys R
t_check 't_tmux_wait_for "Postponed message recalled" 20' "R recalls the draft"
t_check 't_tmux_screen | grep -q "Subject: Postponed one" &&
    t_tmux_screen | grep -q "Bcc: kate@example.test"' "the recalled draft has its headers, Bcc too"
t_check '[ -n "$draft_type" ] && t_tmux_screen | grep -qF "$draft_type"' \
    "the recalled draft has its attachment"
send_and_wait "the recalled draft is sent"
t_is "$(( $(stored) - n ))" 1 "it was delivered once"
t_is "$(pyget "$EML" 'm["subject"]')" "Postponed one" "the delivered message is the draft"
t_check 'pyget "$EML" "m.get_body().get_content()" | grep -q "^Draft body\\.\$"' "with the draft's text"
t_is "$(rcpts "$EML")" "grace@example.test kate@example.test" "Bcc survived the draft"
t_is "$(pyget "$EML" '[p for p in m.iter_attachments()][0].get_content().hex()')" \
    "$(od -An -v -tx1 "$T_TMPDIR/draft.bin" | tr -d ' \n')" \
    "the draft's attachment is sent byte-identical"
t_check '! pyget "$EML" "m.get_body().get_content()" | grep -q "Attachment"' \
    "the text does not gain attachment lines"
t_is "$(pyget "$EML" 'str(m["bcc"])')" "None" "but is not written in the sent message"
t_check 'for i in $(seq 50); do [ "$(imap_search Drafts ALL)" = "* SEARCH" ] && exit 0; sleep 0.2; done; exit 1' \
    "the draft is gone from Drafts after the send"

# --- two drafts: a list to choose from
ed_ctl '{"set": {"To": "grace@example.test", "Subject": "Draft A"}, "body": "A\n"}'
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Draft A" 15' "draft A written"
t_tmux_keys P
t_check 't_tmux_wait_for "Message postponed\\." 30' "draft A postponed"
ed_ctl '{"set": {"To": "grace@example.test", "Subject": "Draft B"}, "body": "B\n"}'
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Draft B" 15' "draft B written"
t_tmux_keys P
t_check 't_tmux_wait_for "Message postponed\\." 30' "draft B postponed"
t_tmux_keys R
t_check 't_tmux_wait_for "Postponed messages" 20 && t_tmux_screen | grep -q "Draft A" &&
    t_tmux_screen | grep -q "Draft B"' "with several drafts R lists them"
t_tmux_keys q
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null

# --- forward as an attachment (forward-attach = yes)
printf 'forward-attach = yes\n' >> "$CONF"
ed_ctl '{"set": {"To": "frank@example.test"}, "body": "Attached.\n"}'
start -F "$CONF"
t_check 't_tmux_wait_for "4 of 4" 20' "INBOX opens again"
t_tmux_keys =
t_tmux_keys f
t_check 't_tmux_wait_for "forwarded-message.eml \\[message/rfc822\\]" 15' \
    "with forward-attach the original is attached as message/rfc822"
send_and_wait "the forward as attachment is sent"
t_is "$(pyget "$EML" '[p.get_content_type() for p in m.iter_attachments()][0]')" \
    "message/rfc822" "the server got a message/rfc822 part"
t_is "$(pyget "$EML" '[p for p in m.iter_attachments()][0].get_content()["message-id"]')" \
    "<orig-1@example.test>" "the attached message is the original"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0 (a sanitizer would make it fail)"
t_done
