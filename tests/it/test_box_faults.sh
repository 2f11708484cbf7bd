#!/usr/bin/env bash
# Box mode (issue 10) under faults, with no smsbox between bearerbox and langso:
# (a) langso killed after committing an MO and before acking it: bearerbox gives the MO again
#     at the next connection; it is answered from the inbox, registered once, replied to once.
# (b) langso stopped while 300 MOs arrive, started 15 s later: all 300 answered exactly once
#     (bearerbox kept them; in HTTP mode smsbox lost all 300, issue 10).
# (c) bearerbox killed with SIGKILL while MOs are being handled and MTs are queued, then
#     restarted: langso reconnects by itself; nothing is lost, nothing done twice.
# (d) an smsbox also connected while langso is down: the service number's MOs wait in
#     bearerbox for langso (smsbox-route), other numbers' MOs go to smsbox.
# (e) a fake bearerbox sends an oversize frame, then a malformed one: langso closes the
#     connection, logs why, and connects again.
# (f) the database refuses writes for a while (another process holds its write lock past
#     langso's 5 s busy timeout): the MO is answered ack_failed_tmp, bearerbox gives it
#     again, and once the lock is gone it is stored and answered once.
# PRAGMA integrity_check after each fault.
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup KL_MODE=box
it_import_demo || exit 1
it_start_all

person() { q "select p.name||'|'||coalesce(v.code,'')||'|'||p.opted_out from people p left join villages v on v.id = p.village_id where p.phone = '$1'"; }
store_size() { kl_status | sed -n 's/.*store size \(-\?[0-9]*\).*/\1/p' | head -1; }
store_empty() { [ "$(store_size)" = 0 ]; }
metric() { curl -fsS --max-time 2 "http://127.0.0.1:$KL_HTTP/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }
inbox_has() { [ "$(q "select count(*) from inbox where phone = '$1'")" -ge "${2:-1}" ]; }

# ---- (a) committed, not acked, langso killed: redelivered and answered from the inbox ----
kl_stop langso
it_start_langso LANGSO_TEST_MO_DELAY_MS=4000
P=+84912000201
mo "$P" "DK LD02 Nong Van Hai"
check "(a) the MO is committed" kl_wait 10 inbox_has "$P"
kl_kill9 langso
check_eq "(a) no reply went out before the kill" "$(kl_mt_count "$P")" 0
check "(a) bearerbox still holds the unacked MO" [ "$(store_size)" -ge 1 ]
it_start_langso
check_match "(a) after the restart the farmer gets the reply" "$(reply "$P" 1 15)" "Da dang ky*Nong Van Hai*"
check "(a) bearerbox's store is empty (the redelivered MO was acked)" kl_wait 10 store_empty
sleep 1   # a window for a second reply
check_eq "(a) exactly one reply" "$(kl_mt_count "$P")" 1
check_eq "(a) one inbox row" "$(q "select count(*) from inbox where phone = '$P'")" 1
check_eq "(a) registered once" "$(person "$P")" "Nong Van Hai|LD02|0"
check_eq "(a) the redelivery was a duplicate, answered from the inbox" "$(metric 'langso_mo_total{outcome="duplicate"}')" 1
check_eq "(a) integrity_check" "$(q 'PRAGMA integrity_check')" ok

# ---- (b) langso down for 15 s while 300 MOs arrive ----
N=${BOX_DOWN_N:-300}
kl_stop fakesmsc INT
kl_wait 20 bash -c "! curl -fsS --max-time 1 'http://127.0.0.1:$KL_ADMIN/status.txt?password=$KL_STATUS_PW' | grep -q 'FAKE:$KL_SMSC (online'"
kl_stop langso
t0=$(date +%s)
before=$(kl_received)
inbox0=$(q "select count(*) from inbox")
args=()
for i in $(seq 1 50); do args+=("+8491230$(printf %04d "$i") $KL_SHORTCODE text HD"); done
kl_start fakesmsc_storm "$KL_FAKESMSC" -H 127.0.0.1 -r "$KL_SMSC" -i 0 -m "$N" "${args[@]}"
arrived() { [ "$(kl_received)" -ge $((before + N)) ]; }
check "(b) bearerbox received the $N MOs while langso is down" kl_wait 30 arrived
note "(b) bearerbox store size with langso down: $(store_size)"
left=$((15 - ($(date +%s) - t0)))
[ "$left" -gt 0 ] && sleep "$left"   # the outage lasts 15 s: that is the scenario
it_start_langso
storm_mts() { grep -ac 'Got message' "$T/log/fakesmsc_storm.log"; }
answered() { [ "$(storm_mts)" -ge "$N" ]; }
check "(b) all $N answered after langso is back" kl_wait 60 answered
sleep 2   # a window for duplicates
check_eq "(b) exactly $N replies" "$(storm_mts)" "$N"
check_eq "(b) exactly $N new inbox rows" "$(($(q "select count(*) from inbox") - inbox0))" "$N"
check_eq "(b) each phone got as many replies as it sent MOs" \
	"$(kl_py all "$T/log/fakesmsc_storm.log" | cut -f1 | sort | uniq -c | awk '{ print $2, $1 }' | sort)" \
	"$(q "select phone||' '||count(*) from inbox where phone like '+8491230%' group by phone order by 1")"
check "(b) bearerbox's store is empty" kl_wait 10 store_empty
check_eq "(b) integrity_check" "$(q 'PRAGMA integrity_check')" ok
kl_stop fakesmsc_storm INT
kl_wait 20 bash -c "! curl -fsS --max-time 1 'http://127.0.0.1:$KL_ADMIN/status.txt?password=$KL_STATUS_PW' | grep -q 'FAKE:$KL_SMSC (online'"
kl_start_fakesmsc || fail "fakesmsc reconnects"

# ---- (c) bearerbox kill -9 with MOs in hand and MTs queued ----
kl_stop langso
it_start_langso LANGSO_TEST_MO_DELAY_MS=6000
C=(+84912000301 +84912000302 +84912000303)
for p in "${C[@]}"; do mo "$p" "DK LD02 Ho Ba"; done
# the committer holds the answer to each fresh batch 6 s after its commit (the test seam):
# the kill comes while the first MO is committed and the other two wait behind it
check "(c) the first MO is committed" kl_wait 5 inbox_has "${C[0]}"
check_eq "(c) no reply yet" "$(kl_mt_count "${C[0]}")" 0
kl_kill9 bearerbox
kl_fakesmsc_drain
check_eq "(c) /healthz says the bearerbox connection is down" \
	"$(curl -sS --max-time 2 "http://127.0.0.1:$KL_HTTP/healthz")" "bearerbox connection down"
out=$(for i in $(seq -w 1 20); do printf '+849124000%s\tThong bao so %s\n' "$i" "$i"; done | "$LANGSO" send -c "$CONF" 2>&1)
check_eq "(c) 20 MTs queued while bearerbox is down" "$out" "queued 20"
sleep 1
kl_start_bearerbox || fail "(c) bearerbox restarts"
check "(c) langso reconnects by itself" kl_wait 30 kl_box_online
kl_start_fakesmsc || fail "(c) fakesmsc reconnects"
for p in "${C[@]}"; do
	check_match "(c) $p gets its reply after the restart" "$(reply "$p" 1 30)" "Da dang ky*"
done
mts_sent() { [ "$(kl_py all "$T/log/fakesmsc.log" | grep -c '^+849124000')" -ge 20 ]; }
check "(c) the 20 MTs reach the phones" kl_wait 30 mts_sent
accepted() { [ "$(q "select count(*) from outbox where phone like '+849124000%' and status = 'accepted'")" = 20 ]; }
check "(c) every MT is accepted in the outbox" kl_wait 20 accepted
sleep 1
check_eq "(c) each MT arrived once" "$(kl_py all "$T/log/fakesmsc.log" | grep '^+849124000' | sort | uniq -d | wc -l)" 0
check_eq "(c) the 3 MOs have one inbox row each" "$(q "select count(*) from inbox where phone in ('${C[0]}','${C[1]}','${C[2]}')")" 3
sleep 1   # a window for a second reply
check_eq "(c) one reply each" "$(for p in "${C[@]}"; do printf '%s ' "$(kl_mt_count "$p")"; done)" "1 1 1 "
check "(c) bearerbox's store is empty" kl_wait 15 store_empty
check_eq "(c) integrity_check" "$(q 'PRAGMA integrity_check')" ok
check "(c) langso counted a reconnect" [ "$(metric langso_box_reconnects_total)" -ge 1 ]

# ---- (d) langso down, an smsbox connected: the service number's MOs wait for langso ----
kl_stop langso
kl_start_smsbox || fail "(d) smsbox starts next to langso's box"
D=+84912000401
mo "$D" "DK LD02 Cho Langso"
printf '%s\n' "+84912000402 9999 text for another service" >"$T/run/fakesmsc.fifo"
fetched() { grep -q "Couldn't fetch" "$T/log/smsbox.log"; }
check "(d) an MO to another number goes to smsbox (its service is down: Couldn't fetch)" kl_wait 15 fetched
check "(d) the MO to $KL_SHORTCODE was not given to smsbox" bash -c "! grep -q 'Cho' '$T/log/smsbox.log'"
check "(d) it waits in bearerbox" [ "$(store_size)" -ge 1 ]
it_start_langso
check_match "(d) langso answers it once its box is back" "$(reply "$D" 1 20)" "Da dang ky*Cho Langso*"
check_eq "(d) it came through the box (no HTTP MO)" "$(metric 'langso_http_responses_total{endpoint="mo",status="200"}')" ""
kl_stop smsbox

# ---- (f) the database locked for 9 s ----
F=+84912000501
tmp0=$(metric 'langso_box_acks_total{direction="out",of="mo",status="failed_tmp"}')
kl_start dblock bash -c 'printf "%s\n" "BEGIN IMMEDIATE;" "INSERT INTO communes(name) VALUES (\"lock holder\");" \
	"SELECT \"locked\";" ".shell sleep 9" "ROLLBACK;" | sqlite3 "$1"' _ "$DB"
locked() { grep -q '^locked' "$T/log/dblock.log"; }
kl_wait 5 locked || fail "(f) the database is locked by another process"
mo "$F" "DK LD02 Khoa Van Ba"
check_match "(f) the MO is answered once the lock is gone" "$(reply "$F" 1 30)" "Da dang ky*Khoa Van Ba*"
tmp1=$(metric 'langso_box_acks_total{direction="out",of="mo",status="failed_tmp"}')
note "(f) ack_failed_tmp sent while the database was locked: $((tmp1 - tmp0))"
check "(f) it was answered ack_failed_tmp while the database refused it" [ $((tmp1 - tmp0)) -ge 1 ]
check "(f) the failure is logged" grep -q "not stored: answered failed_tmp" "$T/log/langso.log"
sleep 1
check_eq "(f) one reply, one inbox row" "$(kl_mt_count "$F") $(q "select count(*) from inbox where phone = '$F'")" "1 1"
check "(f) bearerbox's store is empty" kl_wait 10 store_empty
check_eq "(f) integrity_check" "$(q 'PRAGMA integrity_check')" ok
kl_stop dblock

# ---- (e) a hostile bearerbox ----
FAKE_PORT=$(kl_py ports 2)
read -r FAKE_PORT FAKE_HTTP <<<"$FAKE_PORT"
kl_start fakebb "$KL_PYTHON" -c '
import socket, struct, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
frames = [struct.pack(">I", 0x7FFFFFFF), struct.pack(">Ii", 8, 99) + b"xxxx"]
for i in range(3):
    c, _ = s.accept()
    print("connection", i + 1, flush=True)
    c.recv(4096)
    if i < 2:
        c.sendall(frames[i])
        c.settimeout(5)
        try:
            print("closed by langso" if c.recv(4096) == b"" else "data", flush=True)
        except OSError as e:
            print("closed by langso" if "reset" in str(e) else "timeout", flush=True)
    c.close()
' "$FAKE_PORT"
sed -e "s/^listen = .*/listen = 127.0.0.1:$FAKE_HTTP/" -e "s/^bearerbox = .*/bearerbox = 127.0.0.1:$FAKE_PORT/" \
	-e "s|^path = .*|path = $T/hostile.db|" "$CONF" >"$T/hostile.conf"
kl_start langso_hostile "$LANGSO" serve -c "$T/hostile.conf"
three() { [ "$(grep -c '^connection' "$T/log/fakebb.log")" -ge 3 ]; }
check "(e) langso connects again after each hostile frame" kl_wait 20 three
check_eq "(e) langso closed both hostile connections" "$(grep -c 'closed by langso' "$T/log/fakebb.log")" 2
check "(e) the oversize frame is logged" grep -q 'closed: a frame length of 2147483647 bytes' "$T/log/langso_hostile.log"
check "(e) the malformed frame is logged" grep -q 'closed: a 8-byte frame that is not a box message' "$T/log/langso_hostile.log"
check "(e) langso is still running" kl_alive langso_hostile
kl_stop langso_hostile
kl_stop fakebb
exit 0
