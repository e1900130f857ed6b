#!/bin/bash
# The IMAP summary cache against Dovecot: a cold open fills it, a warm
# open is served from it (no summary FETCH), changes made by a second
# session between two runs (new, flagged, expunged) show after a warm
# open, a new UIDVALIDITY drops a folder's cache, a connection cut in the
# middle of the fill leaves a cache that the next run completes with no
# duplicate and no missing message, and --sync fills every folder.
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v sqlite3 > /dev/null 2>&1 || t_skip "sqlite3 (the command) is not installed"
command -v python3 > /dev/null 2>&1 || t_skip "python3 is not installed"
t_start_servers
N=3000
t_fill alice INBOX "$N" || t_fail "fill INBOX"
t_fill alice Lists 40 || t_fail "fill Lists"

CONF="$T_CONFIG_HOME/postern/config"
t_write_config "$CONF"
DB="$T_CACHE_HOME/postern/test.db"
LOG="$T_STATE_HOME/postern/log"
CTL="$TOP_SRCDIR/tests/integration/imapctl.py"
PROXY="$TOP_SRCDIR/tests/integration/dropproxy.py"
ctl() { timeout 60 python3 "$CTL" "$IMAPS_PORT" "$CA_FILE" alice alice-pw-1 "$@"; }
q() { sqlite3 "$DB" "$1"; }
inbox_q() { q "SELECT $1 FROM msg WHERE folder = (SELECT id FROM folder WHERE name = 'INBOX')"; }

uid_a="$(ctl append INBOX "cm-first message")"
uid_b="$(ctl append INBOX "cm-flagme message")"
t_check '[ -n "$uid_a" ] && [ -n "$uid_b" ]' "a second session appends two messages"

# ------------------------------------------------------------- cold open
rm -f "$LOG"
t_tmux_start 120 40 "$POSTERN" -d debug
t_check 't_tmux_wait_for "cm-flagme message" 30' "cold open shows the newest message"
t_check 't_tmux_wait_for " $((N + 2)) of $((N + 2)) " 60' "cold open loads every summary"
size_b="$(ctl size INBOX "$uid_b")"
t_check 't_tmux_wait_for "cm-flagme message +$size_b *\$" 10' \
    "the newest message's size shows in the index ($size_b)"
# log_wait REGEX: waits until the log has a line matching REGEX.
log_wait() {
	for _ in $(seq 200); do
		grep -q -- "$1" "$LOG" 2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}
t_check 'log_wait "INBOX: synced"' "the cold fill ends"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null
t_is "$(inbox_q 'count(*)')" "$((N + 2))" "the cold open filled the cache"
t_is "$(inbox_q 'count(DISTINCT uid)')" "$((N + 2))" "one row per UID"
t_is "$(q "SELECT complete FROM folder WHERE name = 'INBOX'")" 1 "the folder is marked complete"
t_check 'grep -q "sync_fill: localhost: summaries" "$LOG"' "the cold open fetched summaries"
# line_of REGEX: the number of the first log line matching REGEX (or 0).
line_of() { grep -n -m 1 -E -- "$1" "$LOG" | cut -d: -f1 | grep . || echo 0; }
first_chunk="$(line_of 'sync_fill: localhost: summaries')"
list_at="$(line_of 'imapc_list_folders: localhost: [0-9]+ folders')"
synced_at="$(line_of 'INBOX: synced')"
t_check '[ "$first_chunk" -gt 0 ] && [ "$list_at" -gt "$first_chunk" ]' \
    "cold open: the first screenful is fetched before the folder list"
t_check '[ "$list_at" -gt 0 ] && [ "$synced_at" -gt "$list_at" ]' \
    "the folder list is answered during the fill, not after it"
t_is "$(grep -c 'sync_fill: localhost: summaries' "$LOG")" 4 \
    "the folder list does not cut the fill (80 + 1000 + 1000 + 922 summaries)"
t_check '! grep -q "comparing" "$LOG"' "no resumed fill compared the UIDs"
# The first screenful comes without sizes (the first size lookup of a
# session can cost the server more than the whole screenful); they are
# asked for right after it, before the next chunk.
sizes_at="$(line_of 'sync_sizes: localhost: INBOX: sizes of 80 summaries: 80')"
second_chunk="$(grep -n -E 'sync_fill: localhost: summaries' "$LOG" | sed -n 2p | cut -d: -f1)"
t_check 'grep -m 1 "sync_fill: localhost: summaries" "$LOG" | grep -q "sizes after"' \
    "the first screenful is fetched without sizes"
t_check '[ "$sizes_at" -gt "$first_chunk" ] && [ "$sizes_at" -lt "${second_chunk:-0}" ]' \
    "its sizes are fetched right after it, before the next chunk"
t_check_not 'grep "sync_fill: localhost: summaries" "$LOG" | sed 1d | grep -q "sizes after"' \
    "the other chunks come with their sizes"
t_is "$(q "SELECT count(*) FROM msg WHERE size = 4294967295")" 0 "no summary is left without its size"
size_b="$(ctl size INBOX "$uid_b")"
t_is "$(q "SELECT size FROM msg WHERE uid = $uid_b AND folder = (SELECT id FROM folder WHERE name = 'INBOX')")" "$size_b" \
    "the newest message's cached size is the server's ($size_b)"
t_check '[ "$(q "PRAGMA journal_mode")" = wal ]' "the cache is in WAL mode"
t_is "$(q "SELECT count(*) FROM msg_fts WHERE msg_fts MATCH 'subject:flagme'")" 1 \
    "the FTS5 index finds a subject word"

# ------------------------------------------------------------- warm open
rm -f "$LOG"
t_tmux_start 120 40 "$POSTERN" -d debug
t_check 't_tmux_wait_for "cm-flagme message" 30' "warm open shows the newest message"
t_check 't_tmux_wait_for " $((N + 2)) of $((N + 2)) " 30' "warm open shows every message"
t_check 'log_wait "INBOX: unchanged"' "the warm open found nothing changed on the server"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null
t_check_not 'grep -q "summaries [0-9]*-[0-9]*:" "$LOG"' "the warm open fetched no summary"

# --------------------------------------- changes by a second session
ctl expunge INBOX "$uid_a" || t_fail "expunge $uid_a"
ctl flag INBOX "$uid_b" '\Flagged' || t_fail "flag $uid_b"
uid_c="$(ctl append INBOX "cm-new arrival")"
rm -f "$LOG"
t_tmux_start 120 40 "$POSTERN" -d debug
t_check 't_tmux_wait_for "cm-new arrival" 30' "warm open shows the new message"
t_check 't_tmux_wait_for "!.*cm-flagme message" 30' "warm open shows the new flag"
t_check_not 't_tmux_screen | grep -q "cm-first message"' "the expunged message is gone from the index"
log_wait "INBOX: synced"
# Live changes while Postern is idle after a warm open: the baseline the
# server is compared with comes from the cache and the resync.
ctl flag INBOX "$uid_c" '\Flagged' || t_fail "flag $uid_c"
uid_d="$(ctl append INBOX "cm-live arrival")"
t_check 't_tmux_wait_for "cm-live arrival" 15' \
    "after a warm open, a message appended by another session appears"
t_check 't_tmux_wait_for "!.*cm-new arrival" 15' \
    "after a warm open, a flag set by another session shows"
ctl expunge INBOX "$uid_d" || t_fail "expunge $uid_d"
gone=0
for _ in $(seq 1 30); do
	t_tmux_screen | grep -q "cm-live arrival" || { gone=1; break; }
	sleep 0.5
done
t_is "$gone" 1 "after a warm open, a message expunged by another session goes"
t_tmux_keys q
t_tmux_wait_exit 10 > /dev/null
# The folder list asked for meanwhile may cut the resync once; it goes
# on after the list and finds what is left (the new message's flags then
# count as a change too).
t_check 'grep -Eq "INBOX: synced: $((N + 2)) messages, [01] new, [12] changed, [01] gone" "$LOG" || grep "INBOX: synced" "$LOG"' \
    "the resync ends with the flag change applied"
t_is "$(inbox_q 'count(*)')" "$((N + 2))" "the cache has the same count as the server"
t_is "$(inbox_q "count(*)" | head -n 1; q "SELECT count(*) FROM msg WHERE uid = $uid_a")" "$((N + 2))
0" "the expunged message left the cache"
t_is "$(q "SELECT flags & 4 FROM msg WHERE uid = $uid_b")" 4 "the cache has the new flag"
t_is "$(q "SELECT subject FROM msg WHERE uid = $uid_c")" "cm-new arrival" "the cache has the new message"
t_check_not 'grep "summaries [0-9]*-[0-9]*:" "$LOG" | grep -vq "summaries $uid_d-$uid_d:"' "no full fetch after the changes"

# ------------------------------------------------------------- --sync
t_check 't_run 120 -- "$POSTERN" -d debug --sync test > "$T_TMPDIR/sync.out" 2>&1' "--sync succeeds"
t_check 'grep -q "^INBOX: $((N + 2)) messages cached" "$T_TMPDIR/sync.out"' "--sync reports INBOX"
t_check 'grep -q "^Lists: 40 messages cached" "$T_TMPDIR/sync.out"' "--sync fills another folder"
t_is "$(q "SELECT count(*) FROM msg WHERE folder = (SELECT id FROM folder WHERE name = 'Lists')")" 40 \
    "Lists is in the cache"
t_check_not 't_run 30 -- "$POSTERN" --sync nosuch 2> "$T_TMPDIR/sync.err"' "--sync of an unknown account fails"
t_check 'grep -q "no account .nosuch." "$T_TMPDIR/sync.err"' "and says why"

# ---------------------------------------------------------- UIDVALIDITY
old_uv="$(q "SELECT uidvalidity FROM folder WHERE name = 'Lists'")"
ctl recreate Lists 3 || t_fail "recreate Lists"
new_uv="$(ctl uidvalidity Lists)"
t_check '[ "$old_uv" != "$new_uv" ]' "the recreated folder has a new UIDVALIDITY"
t_check 't_run 120 -- "$POSTERN" -d debug --sync test > "$T_TMPDIR/sync2.out" 2>&1' "--sync after the change"
t_is "$(q "SELECT uidvalidity FROM folder WHERE name = 'Lists'")" "$new_uv" "the cache took the new UIDVALIDITY"
t_is "$(q "SELECT group_concat(subject, ',') FROM (SELECT subject FROM msg WHERE folder = (SELECT id FROM folder WHERE name = 'Lists') ORDER BY uid)")" \
    "recreated 0,recreated 1,recreated 2" "the old summaries were dropped, the new ones cached"
t_check 'grep -q "Lists: UIDVALIDITY .* dropping the cache" "$LOG"' "the log says the cache was dropped"

# ------------------------------------------------ connection cut mid-fill
ctl uids INBOX > "$T_TMPDIR/server.uids"
rm -f "$DB" "$DB-wal" "$DB-shm"
pf="$T_TMPDIR/proxy.port"
timeout 120 python3 "$PROXY" "$pf" "$IMAPS_PORT" 800000 110 > "$T_TMPDIR/proxy.out" 2>&1 &
ppid=$!
t_at_exit "kill $ppid 2> /dev/null"
for _ in $(seq 100); do
	[ -s "$pf" ] && break
	sleep 0.1
done
t_write_config "$CONF" test "imap.port = $(cat "$pf")"
t_check_not 't_run 60 -- "$POSTERN" --sync test > "$T_TMPDIR/cut.out" 2> "$T_TMPDIR/cut.err"' \
    "--sync cut after 800,000 bytes fails"
t_check 'grep -q "connection lost\|timed out" "$T_TMPDIR/cut.err"' "and says the connection was lost"
kill "$ppid" 2> /dev/null; t_reap "$ppid"
got="$(inbox_q 'count(*)')"
t_check '[ "$got" -gt 0 ] && [ "$got" -lt "$((N + 2))" ]' "the cut left a partial cache ($got rows)"
t_is "$(q "SELECT complete FROM folder WHERE name = 'INBOX'")" 0 "marked incomplete"
# As if the cut had come between the first screenful and its sizes.
q "UPDATE msg SET size = 4294967295 WHERE id IN (SELECT id FROM msg ORDER BY uid DESC LIMIT 5)"
t_write_config "$CONF"
rm -f "$LOG"
t_check 't_run 120 -- "$POSTERN" -d debug --sync test > "$T_TMPDIR/resume.out" 2>&1' "the next --sync succeeds"
t_check 'grep -q "INBOX: sizes of 5 summaries: 5" "$LOG"' "the resume asks for the 5 sizes the cut left out"
t_is "$(q "SELECT count(*) FROM msg WHERE size = 4294967295")" 0 "and stores them"
t_is "$(inbox_q 'count(*)')" "$((N + 2))" "the cache is complete after the resume"
t_is "$(inbox_q 'count(DISTINCT uid)')" "$((N + 2))" "no duplicate summary"
t_check 'diff "$T_TMPDIR/server.uids" <(q "SELECT uid FROM msg WHERE folder = (SELECT id FROM folder WHERE name = '"'INBOX'"') ORDER BY uid")' \
    "the cached UIDs are exactly the server's"
t_check 'grep -q "INBOX: compared $got cached" "$LOG"' "the resume compared UIDs and fetched only the rest"

# ----------------------------------------------- deleting the cache is safe
rm -f "$DB" "$DB-wal" "$DB-shm"
t_check 't_run 120 -- "$POSTERN" --sync test > /dev/null 2>&1' "--sync after the cache was deleted"
t_is "$(inbox_q 'count(*)')" "$((N + 2))" "the cache is rebuilt"
t_done
