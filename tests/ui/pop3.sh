# tests/ui/pop3.sh: a POP3 account checks mail at start (downloading into
# the local store) and reads a message from it, as an IMAP account does.
. "$TOP_SRCDIR/tests/lib.sh"

DATA="$TOP_SRCDIR/tests/ui/data"
MD=""

t_start_servers
t_fill alice INBOX 12
MD="$TESTENV_DIR/home/alice/Maildir"
cp "$DATA/utf8.eml" "$MD/new/9001.utf8.test" &&
    chown --reference="$MD" "$MD/new/9001.utf8.test" || t_fail "add utf8.eml"
t_write_config "$T_CONFIG_HOME/postern/config" test "backend = pop3"

t_tmux_start 140 30 "$POSTERN"
t_check 't_tmux_wait_for "13 of 13" 30' "INBOX opens with the 13 downloaded messages"
screen="$(t_tmux_still_screen)"
t_check 'printf "%s\n" "$screen" | grep -q "INBOX"' "the folder pane lists the local INBOX"
t_check 't_tmux_wait_for "Grüße aus Köln — 日本語" 5' \
    "the newest message's subject is decoded in the index"
t_tmux_keys Enter
t_check 't_tmux_wait_for "die Straße ist gesperrt" 10' \
    "the message is read from the local Maildir and decoded in the pager"
t_tmux_keys q
t_check 't_tmux_wait_for "q:Quit" 5' "q goes back to the index"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"
# The one read moved to cur/ (opening a message marks it seen).
t_is "$(find "$T_DATA_HOME/postern/test/new" "$T_DATA_HOME/postern/test/cur" \
    -type f | wc -l)" 13 "13 messages in the local Maildir"
t_is "$(timeout 60 python3 - "$POP3S_PORT" "$CA_FILE" <<'PY'
import poplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
p = poplib.POP3_SSL("localhost", int(sys.argv[1]), context=ctx, timeout=30)
p.user("alice"); p.pass_("alice-pw-1"); print(p.stat()[0]); p.quit()
PY
)" 13 "and all 13 still on the server (leave-on-server)"
t_done
