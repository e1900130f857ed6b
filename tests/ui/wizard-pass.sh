# tests/ui/wizard-pass.sh: the wizard keeps the password in pass(1) (in a
# temporary store and GNUPGHOME): pass insert, then the config says
# password-command = pass show postern/ADDR, and the account logs in.
. "$TOP_SRCDIR/tests/lib.sh"

command -v pass > /dev/null 2>&1 || t_skip "pass is not installed (tools/install-deps)"
command -v gpg > /dev/null 2>&1 || t_skip "gpg is not installed (tools/install-deps)"

t_start_servers
t_fill carol@example.test INBOX 3
CONF="$T_TMPDIR/pass.conf"
PROV="$T_TMPDIR/providers"
cat > "$PROV" <<EOF
provider test
name Test Mail
domain example.test
imap localhost $IMAPS_PORT tls
smtp localhost $SMTPS_PORT tls
EOF
GNUPGHOME="$(mktemp -d /tmp/pgwp.XXXXXX)"
export GNUPGHOME
export PASSWORD_STORE_DIR="$T_TMPDIR/store"
t_at_exit 'gpgconf --kill gpg-agent > /dev/null 2>&1; rm -rf "$GNUPGHOME"'
timeout 60 gpg --batch --passphrase '' --quick-gen-key \
    'Postern Pass <carol@example.test>' future-default default never \
    > /dev/null 2>&1 || t_fail "make an OpenPGP key"
FPR="$(gpg --batch --with-colons --list-secret-keys 2> /dev/null |
    awk -F: '/^fpr/ { print $10; exit }')"
timeout 30 pass init "$FPR" > /dev/null 2>&1 || t_fail "pass init"
RUN=(env SSL_CERT_FILE="$CA_FILE" POSTERN_PROVIDERS="$PROV"
    GNUPGHOME="$GNUPGHOME" PASSWORD_STORE_DIR="$PASSWORD_STORE_DIR")

t_tmux_start 80 24 "${RUN[@]}" "$POSTERN" -F "$CONF" --setup
t_check 't_tmux_wait_for "Postern set-up: Your name" 10' "the wizard starts"
t_tmux_keys -l 'Carol'
t_tmux_keys Enter
t_tmux_keys -l 'carol@example.test'
t_tmux_keys Enter
t_tmux_keys -l 'c"ar\ol pass'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Provider: Test Mail" 5' "the provider screen"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Picked imap localhost:$IMAPS_PORT" 60' "the probe works"
t_tmux_keys Enter
t_check 't_tmux_wait_for "In pass, as postern/carol@example.test" 5' \
    "pass is offered first when it is installed"
t_tmux_keys 1
t_tmux_keys Enter
t_check 't_tmux_wait_for "password-command = pass show postern/carol@example.test" 5' \
    "the Save screen shows the pass command"
t_tmux_keys Enter
t_check 't_tmux_wait_for "imap localhost:$IMAPS_PORT \\(tls\\): OK" 30' \
    "the check logs in with the password from pass"
t_tmux_keys Enter
t_check 't_tmux_wait_for "3 of 3" 30' "the INBOX opens"
t_tmux_keys q
t_is "$(t_tmux_wait_exit 10)" 0 "q quits"
t_check 'grep -qx "password-command = pass show postern/carol@example.test" "$CONF"' \
    "the config runs pass show"
t_check '! grep -Fq "ar\\ol" "$CONF"' "the config holds no password"
t_check '[ -f "$PASSWORD_STORE_DIR/postern/carol@example.test.gpg" ]' \
    "pass holds the entry"
t_check 'timeout 30 pass show postern/carol@example.test | head -n 1 | grep -qxF "c\"ar\\ol pass"' \
    "it decrypts to the password"
t_done
