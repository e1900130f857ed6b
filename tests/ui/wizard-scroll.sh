#!/bin/sh
# tests/ui/wizard-scroll.sh: the wizard at 80x24 for a domain not in the
# provider data: its SRV records (from the tests' DNS server) give many
# candidates that fail, its autoconfig file the one that works. The
# summary's report of the failures is longer than the screen: it
# scrolls with Down, Up, PgDn and PgUp and says where it is.
. "$TOP_SRCDIR/tests/lib.sh"

USERS="$T_TMPDIR/users"
printf '%s\n' 'carol@example.test:carol-pw-3' > "$USERS"
export TESTENV_USERS_FILE="$USERS"
t_start_servers
t_fill carol@example.test INBOX 3

# Fourteen ports where nothing listens.
CLOSED="$(/usr/bin/python3 -c '
import socket
socks = []
for i in range(14):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
set -- $CLOSED
FIRST=$1
LAST=${14}
RECORDS=""
prio=1
for port in $CLOSED; do
	RECORDS="$RECORDS${RECORDS:+,}$prio:0:$port:localhost"
	prio=$((prio + 1))
done

PROV="$T_TMPDIR/providers"
printf 'provider other\ndomain other.invalid\nimap localhost 1 tls\n' > "$PROV"
ACDIR="$(t_tmpdir autoconfig)"
cat > "$ACDIR/scroll.test.xml" <<EOF
<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="scroll.test">
<incomingServer type="imap"><hostname>localhost</hostname>
<port>$IMAPS_PORT</port><socketType>SSL</socketType>
<username>%EMAILLOCALPART%@example.test</username></incomingServer>
<outgoingServer type="smtp"><hostname>localhost</hostname>
<port>$SMTPS_PORT</port><socketType>SSL</socketType></outgoingServer>
</emailProvider></clientConfig>
EOF

PORTFILE="$T_TMPDIR/dns.port"
/usr/bin/python3 "$TOP_SRCDIR/tests/integration/dnsserver.py" "$PORTFILE" \
    300 "$T_TMPDIR/dns.log" "_imaps._tcp.scroll.test=$RECORDS" \
    > /dev/null 2>&1 &
DNSPID=$!
t_at_exit "kill $DNSPID"
i=0
while [ ! -s "$PORTFILE" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done

RUN=(env SSL_CERT_FILE="$CA_FILE" POSTERN_PROVIDERS="$PROV"
    POSTERN_AUTOCONFIG_DIR="$ACDIR" POSTERN_DNS="127.0.0.1:$(cat "$PORTFILE")"
    PATH="/usr/bin:/bin")

t_tmux_start 80 24 "${RUN[@]}" "$POSTERN"
t_check 't_tmux_wait_for "Postern set-up: Your name" 10' "the wizard starts"
t_tmux_keys -l 'Carol Example'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Email address: *$" 5' "the address screen"
t_tmux_keys -l 'carol@scroll.test'
t_tmux_keys Enter
t_check 't_tmux_wait_for "Password: \\(hidden" 10' "the password screen"
t_tmux_keys -l 'carol-pw-3'
t_tmux_keys Enter
t_check 't_tmux_wait_for "scroll.test is not in the provider data" 5' \
    "the domain is not in the data"
screen="$(t_tmux_screen | tr '\n' ' ' | tr -s ' ')"
t_check 'printf "%s\n" "$screen" | grep -q "try 14 servers from DNS (SRV), then 2 from its autoconfig data"' \
    "the protocol screen counts the SRV and autoconfig servers"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Picked imap localhost:$IMAPS_PORT \\(tls\\)" 90' \
    "the autoconfig server is picked after the SRV ones failed"
screen="$(t_tmux_still_screen)"
t_check 'printf "%s\n" "$screen" | grep -Eq "^ *-- lines 1-[0-9]+ of [0-9]+, more below; Up/Down/PgUp/PgDn scroll --"' \
    "the report is longer than the screen: an indicator says so"
t_check 'printf "%s\n" "$screen" | grep -q "imap localhost:$FIRST (tls): failed"' \
    "the first failure is shown"
t_check 'printf "%s\n" "$screen" | tr "\n" " " | grep -q "Connection refused \[SRV\]"' \
    "with where it came from"
t_check '! printf "%s\n" "$screen" | grep -q "localhost:$LAST (tls)"' \
    "the last is not, yet"
t_is "$(printf '%s\n' "$screen" | wc -l)" 24 "the screen has 24 rows"
t_tmux_keys Down
t_check 't_tmux_wait_for "-- lines 2-[0-9]+ of [0-9]+, more above, more below" 5' \
    "Down scrolls one line"
t_tmux_keys Up
t_check 't_tmux_wait_for "-- lines 1-[0-9]+ of [0-9]+, more below" 5' \
    "Up scrolls back"
for i in 1 2 3 4; do
	t_tmux_keys NPage
done
t_check 't_tmux_wait_for "imap localhost:$LAST \\(tls\\): failed" 5' \
    "PgDn reaches the last failure"
screen="$(t_tmux_still_screen)"
t_check 'printf "%s\n" "$screen" | grep -Eq -- "-- lines [0-9]+-([0-9]+) of \\1, more above;"' \
    "the indicator says the end is reached"
t_check '! printf "%s\n" "$screen" | grep -q "localhost:$FIRST (tls)"' \
    "the first failure has scrolled away"
t_check 'printf "%s\n" "$screen" | grep -q "Picked imap localhost:$IMAPS_PORT"' \
    "what was picked stays in view"
for i in 1 2 3 4; do
	t_tmux_keys PPage
done
t_check 't_tmux_wait_for "imap localhost:$FIRST \\(tls\\): failed" 5' \
    "PgUp goes back to the top"
t_tmux_keys Enter
t_check 't_tmux_wait_for "Where to keep the password" 5' \
    "Enter still goes on to the password storage"
t_done
