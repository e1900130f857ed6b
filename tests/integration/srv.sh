#!/bin/sh
# tests/integration/srv.sh: postern --setup for domains not in the
# provider data: DNS SRV records (RFC 6186, RFC 8314) from a test DNS
# server on loopback (POSTERN_DNS), then cached autoconfig files
# (POSTERN_AUTOCONFIG_DIR), then guesses; "." means not offered,
# priority and weight order, a DNS timeout costs a bounded time, the
# certificate is checked against the SRV target.
. "$TOP_SRCDIR/tests/lib.sh"

export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

t_start_servers
CONF="$T_CONFIG_HOME/postern/config"
PWFILE="$T_TMPDIR/pw"
printf '%s\n' 'c"ar\ol pass' > "$PWFILE"
CLOSED="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

# No test domain is in this provider data.
PROV="$T_TMPDIR/providers"
printf 'provider other\ndomain other.invalid\nimap localhost 1 tls\n' > "$PROV"
export POSTERN_PROVIDERS="$PROV"
ACDIR="$(t_tmpdir autoconfig)"
export POSTERN_AUTOCONFIG_DIR="$ACDIR"

# The test certificate names localhost (and 127.0.0.1): the SRV targets
# are localhost, never the address's domain.
DNSLOG="$T_TMPDIR/dns.log"
PORTFILE="$T_TMPDIR/dns.port"
/usr/bin/python3 "$TOP_SRCDIR/tests/integration/dnsserver.py" "$PORTFILE" \
    300 "$DNSLOG" \
    "_imaps._tcp.example.test=10:0:$IMAPS_PORT:localhost." \
    "_submissions._tcp.example.test=0:0:$SMTPS_PORT:localhost" \
    "_imaps._tcp.prio.test=20:0:$IMAPS_PORT:localhost,10:0:$CLOSED:localhost,10:5:$FAKE_IMAPS_BADHOST_PORT:localhost" \
    "_imap._tcp.prio.test=15:0:$IMAP_PORT:localhost" \
    "_imaps._tcp.dot.test=0:0:0:." \
    "_imaps._tcp.slow.test=timeout" \
    "_imaps._tcp.bad.test=malformed" \
    "_imap._tcp.bad.test=loop" \
    "_pop3s._tcp.bad.test=badname" \
    "_imaps._tcp.both.test=0:0:$CLOSED:localhost" \
    > "$T_TMPDIR/dns.out" 2>&1 &
DNSPID=$!
t_at_exit "kill $DNSPID"
i=0
while [ ! -s "$PORTFILE" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
t_check "test -s '$PORTFILE'" "the test DNS server is up"
export POSTERN_DNS="127.0.0.1:$(cat "$PORTFILE")"

# setup ARGS...: postern --setup ARGS; output in OUT, status in RC, the
# seconds it took in SECS.
setup() {
	local start
	start=$(date +%s)
	t_run 120 -- "$POSTERN" -F "$CONF" --setup "$@" > "$T_TMPDIR/out" \
	    2>&1
	RC=$?
	SECS=$(($(date +%s) - start))
	OUT="$(cat "$T_TMPDIR/out")"
}

# The line number in OUT of the first line matching a regexp (0: none).
line_of() {
	printf '%s\n' "$OUT" | grep -nE -- "$1" | head -n 1 | cut -d: -f1 |
	    grep . || echo 0
}

# ---------------------------------------------------- SRV picked
setup --email carol@example.test --username carol@example.test \
    --password-command "cat '$PWFILE'" --ca-file "$CA_FILE" --account srv \
    --yes
t_is "$RC" 0 "SRV: setup exits 0"
t_match "^SRV _imaps\\._tcp\\.example\\.test: localhost:$IMAPS_PORT \\(priority 10, weight 0\\)\$" \
    "the _imaps._tcp record is reported"
t_match "^  imap localhost:$IMAPS_PORT \\(tls\\) from SRV\$" \
    "the candidate is listed as from SRV"
t_check "[ $(line_of "^  imap localhost:$IMAPS_PORT \\(tls\\) from SRV") -lt $(line_of '^  imap imap\.example\.test:993 \(tls\) from guess') ]" \
    "before the guesses, which are kept"
t_match "^imap localhost:$IMAPS_PORT \\(tls\\): OK\$" \
    "the SRV target's server is picked (certificate checked against localhost)"
t_match "^  smtp localhost:$SMTPS_PORT \\(tls\\) from SRV\$" \
    "_submissions._tcp gives an SMTP candidate with tls"
t_match "^smtp localhost:$SMTPS_PORT \\(tls\\): OK\$" "and it is picked"
t_check "grep -qx 'imap.host = localhost' '$CONF' &&
    grep -qx 'imap.port = $IMAPS_PORT' '$CONF' &&
    grep -qx 'smtp.port = $SMTPS_PORT' '$CONF'" \
    "the config names the SRV targets"
t_check "grep -qx '_imaps._tcp.example.test 33' '$DNSLOG' &&
    grep -qx '_submission._tcp.example.test 33' '$DNSLOG'" \
    "the six services were asked for"

# ------------------------------------------- priority, then weight
setup --email carol@prio.test --username carol@example.test \
    --password-command "cat '$PWFILE'" --ca-file "$CA_FILE" --account prio \
    --yes
b=$(line_of "^imap localhost:$FAKE_IMAPS_BADHOST_PORT \\(tls\\): FAILED")
c=$(line_of "^imap localhost:$CLOSED \\(tls\\): FAILED")
s=$(line_of "^imap localhost:$IMAP_PORT \\(starttls\\): OK")
t_check "[ $b -gt 0 ] && [ $c -gt $b ] && [ $s -gt $c ]" \
    "priority 10 weight 5, priority 10 weight 0, then priority 15 (_imap, starttls)"
t_match "^imap localhost:$FAKE_IMAPS_BADHOST_PORT \\(tls\\): FAILED: .*hostname mismatch" \
    "a target whose certificate does not name it fails"
t_check "! printf '%s\n' \"\$OUT\" | grep -q '^imap localhost:$IMAPS_PORT '" \
    "priority 20 is not tried once priority 15 worked"
t_check "grep -qx 'imap.security = starttls' '$CONF'" \
    "_imap._tcp is saved as starttls"

# ------------------------------------------------ "." not offered
setup --email carol@dot.test --password-command "cat '$PWFILE'" \
    --ca-file "$CA_FILE" --account dot --yes
t_match '^SRV _imaps\._tcp\.dot\.test: not offered \("\."\)$' \
    "a \".\" target is reported as not offered"
t_check "! printf '%s\n' \"\$OUT\" | grep -q 'from SRV'" \
    "... and gives no candidate"
t_match '^  imap imap\.dot\.test:993 \(tls\) from guess$' "the guesses remain"

# -------------------------------------------------- DNS timeout
setup --email carol@slow.test --password-command "cat '$PWFILE'" \
    --ca-file "$CA_FILE" --account slow --yes
t_match '^SRV _imaps\._tcp\.slow\.test: no answer from DNS in 2 s' \
    "a DNS timeout is reported"
t_match '^SRV: no more DNS questions$' "and no more questions are asked"
t_is "$(grep -c 'slow\.test' "$DNSLOG")" 1 "the DNS server got one question"
t_match '^imap imap\.slow\.test:993 \(tls\): ' "the guesses are tried"
t_check "[ $SECS -le 20 ]" "within a bounded time ($SECS s)"

# ----------------------------------- malformed and hostile answers
setup --email carol@bad.test --password-command "cat '$PWFILE'" \
    --ca-file "$CA_FILE" --account bad --yes
t_match '^SRV _imaps\._tcp\.bad\.test: malformed DNS answer' \
    "a truncated answer is refused"
t_match '^SRV _imap\._tcp\.bad\.test: malformed SRV target' \
    "a compression loop is refused"
t_match '^SRV _pop3s\._tcp\.bad\.test: none$' \
    "a target that is not a host name is left out"
t_match '^SRV _submission\._tcp\.bad\.test: none$' \
    "the questions go on after a malformed answer"
t_check "! printf '%s\n' \"\$OUT\" | grep -q 'from SRV'" "no SRV candidate"

# --------------------------------------------- autoconfig, no SRV
cat > "$ACDIR/auto.test.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Cached autoconfig of a test domain. -->
<clientConfig version="1.1">
  <emailProvider id="auto.test">
    <domain>auto.test</domain>
    <displayName>Auto &amp; Test</displayName>
    <incomingServer type="imap">
      <hostname>localhost</hostname>
      <port>$IMAP_PORT</port>
      <socketType>plain</socketType>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>localhost</hostname>
      <port>$IMAPS_PORT</port>
      <socketType>SSL</socketType>
      <username>%EMAILLOCALPART%@example.test</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>localhost</hostname>
      <port>$SMTPS_PORT</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
EOF
setup --email carol@auto.test --password-command "cat '$PWFILE'" \
    --ca-file "$CA_FILE" --account auto --yes
t_is "$RC" 0 "autoconfig: setup exits 0"
t_match '^SRV _imaps\._tcp\.auto\.test: none$' "SRV was asked first"
t_match "skipped: plaintext is refused" "the plain server is refused"
t_check "! printf '%s\n' \"\$OUT\" | grep -q '^  imap localhost:$IMAP_PORT '" \
    "... and is not a candidate"
t_match "^  imap localhost:$IMAPS_PORT \\(tls\\) from autoconfig\$" \
    "the SSL server is a candidate from autoconfig"
t_match "^imap localhost:$IMAPS_PORT \\(tls\\): OK\$" "and is picked"
t_check "grep -qx 'username = carol@example.test' '$CONF'" \
    "the user name placeholder %EMAILLOCALPART% is replaced"

# ----------------------------- SRV, then autoconfig, then guesses
cat > "$ACDIR/both.test.xml" <<EOF
<clientConfig version="1.1"><emailProvider id="both.test">
<incomingServer type="imap"><hostname>localhost</hostname>
<port>$IMAPS_PORT</port><socketType>SSL</socketType>
<username>carol@example.test</username></incomingServer>
</emailProvider></clientConfig>
EOF
setup --email carol@both.test --password-command "cat '$PWFILE'" \
    --ca-file "$CA_FILE" --account both --yes
a=$(line_of "^  imap localhost:$CLOSED \\(tls\\) from SRV\$")
b=$(line_of "^  imap localhost:$IMAPS_PORT \\(tls\\) from autoconfig\$")
c=$(line_of '^  imap imap\.both\.test:993 \(tls\) from guess$')
t_check "[ $a -gt 0 ] && [ $b -gt $a ] && [ $c -gt $b ]" \
    "the order is SRV, autoconfig, guesses"
t_match "^imap localhost:$IMAPS_PORT \\(tls\\): OK\$" \
    "the autoconfig server is picked after the SRV one failed"

# A broken autoconfig file is reported and not used.
printf '<clientConfig><emailProvider><incomingServer type="imap">' \
    > "$ACDIR/dot.test.xml"
setup --email carol@dot.test --password-command "cat '$PWFILE'" \
    --ca-file "$CA_FILE" --account dot --yes
t_match '^autoconfig: .*dot\.test\.xml:1: not a usable autoconfig file' \
    "a truncated autoconfig file is reported"
t_check "! printf '%s\n' \"\$OUT\" | grep -q 'from autoconfig'" \
    "... and gives no candidate"

# POSTERN_DNS=off asks nothing.
: > "$DNSLOG"
POSTERN_DNS=off setup --email carol@auto.test \
    --password-command "cat '$PWFILE'" --ca-file "$CA_FILE" --account auto \
    --yes
t_match '^SRV: not asked: DNS look-ups are off' "POSTERN_DNS=off: not asked"
t_is "$(wc -l < "$DNSLOG")" 0 "... and the DNS server got no question"

t_done
