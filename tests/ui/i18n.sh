# tests/ui/i18n.sh: Postern in German (the catalogue built from po/de.po, a
# de_DE.UTF-8 locale built into the test's own directory): the screen's
# texts are German, and the yes/no questions take the German answers, a j
# key and the word ja, as well as y.
. "$TOP_SRCDIR/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
DATA="$TOP_SRCDIR/tests/ui/data"
grep -q '^#define ENABLE_NLS 1' "$TOP_BUILDDIR/config.h" 2> /dev/null ||
    t_skip "built without NLS (--disable-nls)"
command -v localedef > /dev/null 2>&1 ||
    t_skip "localedef is not installed (tools/install-deps: locales)"
command -v msgfmt > /dev/null 2>&1 || t_skip "msgfmt is not installed (gettext)"

LOC="$T_TMPDIR/locale"
MO="$T_TMPDIR/mo"
mkdir -p "$LOC" "$MO/de/LC_MESSAGES"
# localedef exits 1 for warnings about the locale sources; what counts is
# the locale it wrote.
localedef -i de_DE -f UTF-8 "$LOC/de_DE.UTF-8" > "$T_TMPDIR/localedef.out" 2>&1
t_check '[ -e "$LOC/de_DE.UTF-8/LC_MESSAGES" ] ||
    [ -e "$LOC/de_DE.UTF-8/LC_MESSAGES/SYS_LC_MESSAGES" ]' \
    "a German locale is built in the test's directory"
t_check 'msgfmt -c -o "$MO/de/LC_MESSAGES/postern.mo" "$TOP_SRCDIR/po/de.po"' \
    "po/de.po compiles (msgfmt -c)"

# A short dir for what is saved: the prompt shows the whole path.
W="$(mktemp -d /tmp/pi.XXXXXX)" || { t_fail "mktemp"; t_done; }
t_at_exit "rm -rf '$W'"
mkdir -p "$W/m" "$W/out"
"$PY" "$TOP_SRCDIR/tests/ui/mkmail.py" "$W/m" || t_fail "make the messages"

t_start_servers
timeout 30 curl -s --cacert "$CA_FILE" -u "alice:alice-pw-1" \
    -T "$W/m/files.eml" "imaps://localhost:$IMAPS_PORT/INBOX" ||
    t_fail "append files.eml"
t_write_config "$T_CONFIG_HOME/postern/config"
CTL="$T_TMPDIR/ed.json"
printf '%s\n' '{"set": {"To": "bob@example.test", "Subject": "Entwurf"}, "body": "x\n"}' > "$CTL"

t_tmux_start 120 40 env LOCPATH="$LOC" LANG=de_DE.UTF-8 \
    POSTERN_LOCALEDIR="$MO" EDITOR="$PY $DATA/editor.py" ED_CTL="$CTL" \
    VISUAL= "$POSTERN"
t_check 't_tmux_wait_for "1 von 1" 20' "the status line counts in German"
t_check 't_tmux_wait_for "q:Ende  j/k:Bewegen" 5' "the key hints are German"
t_check 't_tmux_wait_for "1 von 1  1 Nachricht  " 5' \
    "one message is counted in the singular (ngettext)"

# A yes/no key: saving over a file.
t_tmux_keys Enter
t_check 't_tmux_wait_for "The files are attached" 10' "the message opens"
t_tmux_keys v
t_check 't_tmux_wait_for "Teile der Nachricht" 5' "the parts list is titled in German"
printf 'sentinel\n' > "$W/out/report.bin"
t_tmux_keys s C-u
t_tmux_keys -l "$W/out/"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Überschreiben\\? \\(j/n\\)" 5' \
    "saving over a file asks in German"
t_tmux_keys n
t_check 't_tmux_wait_for "Nicht gespeichert" 5' "n keeps the file"
t_check '[ "$(cat "$W/out/report.bin")" = sentinel ]' "the file is unchanged"
t_tmux_keys s C-u
t_tmux_keys -l "$W/out/"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Überschreiben" 5' "asked again"
t_tmux_keys j
t_check 't_tmux_wait_for "report.bin gespeichert" 5' "j (ja) overwrites"
t_check '! grep -q sentinel "$W/out/report.bin"' "the file is replaced"
t_tmux_keys q q
t_check 't_tmux_wait_for "q:Ende" 5' "back in the index"

# A typed answer: abandoning a message.
t_tmux_keys m
t_check 't_tmux_wait_for "Subject: Entwurf" 10' "m composes (the editor ran)"
t_tmux_keys q
t_check 't_tmux_wait_for "verwerfen\\? \\(j/n\\)" 5' "abandoning asks in German"
t_tmux_keys n e i n Enter
t_check 't_tmux_wait_for "Nicht verworfen" 5' "nein keeps the message"
t_tmux_keys q j a Enter
t_check 't_tmux_wait_for "Nachricht verworfen" 5' "ja abandons it"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits with status 0"

# The terminal set-up's question: [j/N] takes j.
cat > "$T_TMPDIR/providers" <<EOF
provider plain
domain plain.example.test
imap localhost $IMAPS_PORT tls
smtp localhost $SMTPS_PORT tls
EOF
NEWCONF="$T_TMPDIR/new.conf"
t_tmux_start 120 40 env LOCPATH="$LOC" LANG=de_DE.UTF-8 \
    POSTERN_LOCALEDIR="$MO" POSTERN_PROVIDERS="$T_TMPDIR/providers" \
    "$POSTERN" -F "$NEWCONF" --setup --email alice@plain.example.test \
    --username alice --password-command "printf %s alice-pw-1" \
    --ca-file "$CA_FILE" --account de
t_check 't_tmux_wait_for "Dieses Konto speichern\? \[j/N\]" 60' \
    "postern --setup asks in German"
t_tmux_keys j Enter
t_is "$(t_tmux_wait_exit 20)" 0 "j saves: exit status 0"
t_check 'grep -q "^\[account \"de\"\]" "$NEWCONF"' "the account is in the new config"
t_done
