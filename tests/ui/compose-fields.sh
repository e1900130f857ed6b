#!/bin/sh
# tests/ui/compose-fields.sh: the compose screen edits To, Cc, Bcc,
# Subject, Reply-To and From at a prompt (t c b s r f), the address
# fields completing with Tab from the address book and the query
# command; each identity may have its own signature file
# (identity-signature), and changing the identity (F, or f) swaps the
# old signature for the new one while the text still ends with it.
. "$TOP_SRCDIR/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
DATA="$TOP_SRCDIR/tests/ui/data"

t_start_servers
t_fill alice INBOX 3
CONF="$T_CONFIG_HOME/postern/config"
printf 'Alice at home\n' > "$T_TMPDIR/sig-home"
printf 'Alice at work\nWidgets Ltd\n' > "$T_TMPDIR/sig-work"
t_write_config "$CONF" test "signature = $T_TMPDIR/sig-home" \
    "alternates = Alice Work <alice.work@example.test>, alice.bare@example.test" \
    "identity-signature = Alice.Work@example.test $T_TMPDIR/sig-work" \
    "identity-signature = alice.bare@example.test none"
QUERY="$T_TMPDIR/query"
cat > "$QUERY" <<'EOS'
#!/bin/sh
echo "Searching..."
printf 'jake@q.example\tJake Query\tfrom the query\n' | grep -i -- "$2"
printf 'quinn@q.example\tQuinn\t\n' | grep -i -- "$2"
exit 0
EOS
chmod +x "$QUERY"
printf '[ui]\nquery-command = %s --mutt-query %%s\n' "$QUERY" >> "$CONF"
CTL="$T_TMPDIR/ed.json"
ed_ctl() { printf '%s\n' "$1" > "$CTL"; }
last_eml() { ls "$SMTP_OUT"/*.eml 2> /dev/null | sort | tail -n 1; }
stored() { ls "$SMTP_OUT" 2> /dev/null | grep -c '\.eml$'; }
# preview: p, then the built message is on screen; q back.
# A message sent to the work address: the reply is from that identity.
{
	printf 'From: Bob <bob@example.test>\r\n'
	printf 'To: Alice Work <alice.work@example.test>\r\nSubject: For work\r\n'
	printf 'Date: Mon, 01 Jan 2035 10:00:00 +0000\r\n'
	printf 'Message-ID: <w1@example.test>\r\n\r\nAt work?\r\n'
} > "$T_TMPDIR/w1.eml"
timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
    -T "$T_TMPDIR/w1.eml" "imaps://localhost:$IMAPS_PORT/INBOX" ||
    t_fail "append the message"
t_tmux_start 120 40 env EDITOR="$PY $DATA/editor.py" ED_CTL="$CTL" \
    VISUAL= "$POSTERN" -F "$CONF"
t_check 't_tmux_wait_for "4 of 4" 20' "INBOX opens"

ed_ctl '{"set": {"Subject": "Fields test"}, "body": "Body text.\n"}'
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Fields test" 10' "the compose screen opens"
t_check 'grep -q "^Alice at home\$" "$CTL.in"' \
    "the account's identity starts with the account's signature"

# --- t: To, with Tab completion from the query command
t_tmux_keys t
t_check 't_tmux_wait_for "^To:" 5' "t asks for To"
t_tmux_keys -l 'ja'
t_tmux_keys Tab
t_check 't_tmux_wait_for "^To: Jake Query <jake@q.example>" 10' \
    "Tab completes the address at the To prompt"
t_tmux_keys -l ', qui'
t_tmux_keys Tab
t_check 't_tmux_wait_for "^To: Jake Query <jake@q.example>, Quinn <quinn@q.example>" 10' \
    "Tab completes the second address of the list"
t_tmux_keys Enter
t_check 't_tmux_wait_for " To: Jake Query <jake@q.example>, Quinn <quinn@q.example>" 5' \
    "the compose screen shows the new To"

# --- c, b, r: the other address fields complete too
t_tmux_keys c
t_check 't_tmux_wait_for "^Cc:" 5' "c asks for Cc"
t_tmux_keys -l 'qui'
t_tmux_keys Tab
t_check 't_tmux_wait_for "^Cc: Quinn <quinn@q.example>" 10' "Tab completes at the Cc prompt"
t_tmux_keys Enter
t_check 't_tmux_wait_for " Cc: Quinn <quinn@q.example>" 5' "Cc is set"
t_tmux_keys c C-u
t_tmux_keys -l 'not an <address'
t_tmux_keys Enter
t_check 't_tmux_wait_for "not changed" 5' "a bad address list is refused"
t_check 't_tmux_screen | grep -q " Cc: Quinn <quinn@q.example>"' "and Cc stays"
t_tmux_keys c C-u Enter
t_check 'for i in $(seq 30); do t_tmux_screen | grep -q " Cc: Quinn" || exit 0; sleep 0.1; done; exit 1' \
    "an empty Cc clears it"
t_tmux_keys b
t_tmux_keys -l 'jak'
t_tmux_keys Tab
t_check 't_tmux_wait_for "^Bcc: Jake Query <jake@q.example>" 10' "Tab completes at the Bcc prompt"
t_tmux_keys Enter
t_check 't_tmux_wait_for " Bcc: Jake Query <jake@q.example>" 5' "Bcc is set"
t_tmux_keys r
t_tmux_keys -l 'reply@example.test'
t_tmux_keys Enter
t_check 't_tmux_wait_for " Reply-To: reply@example.test" 5' "r sets Reply-To"

# --- s: Subject, starting from its value
t_tmux_keys s
t_check 't_tmux_wait_for "^Subject: Fields test" 5' "s asks for the Subject, holding its value"
t_tmux_keys -l ' two'
t_tmux_keys Enter
t_check 't_tmux_wait_for " Subject: Fields test two" 5' "the Subject is changed"

# --- F: the work identity brings its own signature
t_tmux_keys F
t_check 't_tmux_wait_for "From: Alice Work <alice.work@example.test>" 5' "F picks the work identity"
t_tmux_keys p
t_check 't_tmux_wait_for "Alice at work" 10' "the preview shows the work signature"
t_check '! t_tmux_screen | grep -q "Alice at home"' "and not the home one"
t_tmux_keys q
t_check 't_tmux_wait_for "y:Send" 5' "back on the compose screen"
t_tmux_keys F
t_check 't_tmux_wait_for "From: alice.bare@example.test|From: Alice Example <alice.bare" 5' \
    "F picks the identity without a signature"
t_tmux_keys p
t_check 't_tmux_wait_for "Body text\\." 10' "the preview opens"
t_check '! t_tmux_screen | grep -q "Alice at work" && ! t_tmux_screen | grep -q "Alice at home"' \
    "an identity with signature none has none"
t_tmux_keys q
t_tmux_keys F
t_check 't_tmux_wait_for "From: Alice Example <alice@example.test>" 5' "F comes back to the account's address"
t_tmux_keys p
t_check 't_tmux_wait_for "Alice at home" 10' "the home signature is back"
t_tmux_keys q
# f: From typed, the signature follows the identity
t_tmux_keys f
t_check 't_tmux_wait_for "^From: Alice Example <alice@example.test>" 5' "f asks for From, holding it"
t_tmux_keys C-u
t_tmux_keys -l 'Alice W <alice.work@example.test>'
t_tmux_keys Enter
t_check 't_tmux_wait_for " From: Alice W <alice.work@example.test>" 5' "f sets From"
n0="$(stored)"
t_tmux_keys y
t_check 't_tmux_wait_for "Message sent\\." 30' "y sends"
t_is "$(( $(stored) - n0 ))" 1 "the SMTP server got it"
EML="$(last_eml)"
t_check 'grep -q "^Subject: Fields test two" "$EML"' "the sent Subject is the edited one"
t_check 'grep -q "^To: Jake Query <jake@q.example>, Quinn <quinn@q.example>" "$EML"' \
    "the sent To is the completed one"
t_check 'grep -q "^Reply-To: reply@example.test" "$EML"' "the sent Reply-To"
t_check '! grep -q "^Bcc:" "$EML" && ! grep -q "^Cc:" "$EML"' "no Bcc written, no Cc"
t_check 'grep -q "^Alice at work" "$EML" && grep -q "^Widgets Ltd" "$EML"' \
    "the sent text ends with the work signature"
t_check '! grep -q "Alice at home" "$EML"' "the home signature is gone"
t_is "$(grep -c '^-- ' "$EML")" 1 "one signature separator"
t_check 'grep -q "^Body text\\." "$EML"' "the text written stays"

# --- a reply to the work address: the work identity and its signature
ed_ctl '{"body": "Yes.\n"}'
t_tmux_keys =
t_tmux_keys r
t_check 't_tmux_wait_for "Subject: Re: For work" 10' "r replies to the message for work"
t_check 'grep -q "^From: Alice Work <alice.work@example.test>\$" "$CTL.in"' \
    "the reply is from the work identity"
t_check 'grep -q "^Alice at work\$" "$CTL.in" && ! grep -q "Alice at home" "$CTL.in"' \
    "with the work signature"
t_tmux_keys q
t_check 't_tmux_wait_for "Abandon this message" 5' "q asks before abandoning"
t_tmux_keys y Enter
t_check 't_tmux_wait_for "Message abandoned" 5' "the reply is abandoned"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"
t_done
