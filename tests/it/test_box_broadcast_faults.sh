#!/usr/bin/env bash
# Box mode (issue 10): a 5,000-household broadcast through the bearerbox connection survives
# faults. (1) langso is killed with SIGKILL in the middle of sending and started again:
# every household receives the notice; a phone gets it twice only if its MT was in the box
# window (sent, not yet acked) at the kill: counted and printed. (2) bearerbox is killed
# with SIGKILL in the middle and restarted: langso reconnects, sends again what had no ack,
# and everyone is reached; duplicates at most the window. integrity_check after each.
. "$(dirname "$0")/lib.sh"
it_need_kannel
N=${BROADCAST_N:-5000}
# the drain takes ~5 s whatever N (ASan runs 1000), so the kills land in the middle
it_setup KL_MODE=box KL_RATE=$((N / 5))
it_import_demo || exit 1
HEAD=+84921000000
{
	echo "phone,name,village_code,role"
	echo "$HEAD,Hoàng Văn Châu,LD02,head"
	for i in $(seq 1 "$N"); do printf '+8492%07d,Hộ %d,LD02,household\n' "$i" "$i"; done
} >"$T/people.csv"
check "import $N households" "$LANGSO" import people -c "$CONF" "$T/people.csv"
it_start_all

# got PREFIX: households with a whole MT whose text starts with PREFIX (a phone that got it
# twice counts once: the waits below counted MTs, and ended while a few households still
# waited for a retry, which failed "all households got TB #2" in CI with 992 of 1000)
got() { kl_py all "$T/log/fakesmsc.log" | grep -F $'\t'"$1" | cut -f1 | sort -u | wc -l; }
got_at_least() { [ "$(got "$1")" -ge "$2" ]; }

# ---- 1. kill -9 in the middle ----
mo "$HEAD" "TB Mot: hop thon sang mai"
check_match "TB #1 goes to $N households" "$(reply "$HEAD" 1 20)" "Da gui TB #1 toi $N ho*"
check "sending is under way" kl_wait 60 got_at_least "[TB Lang Don] Mot:" $((N / 5))
kl_kill9 langso
at_kill=$(got "[TB Lang Don] Mot:")
inflight=$(q "select count(*) from outbox where broadcast_id = 1 and status = 'sending'")
note "killed langso after $at_kill of $N; $inflight requests were in flight"
if [ "$at_kill" -lt "$N" ]; then ok "the kill came in the middle of the broadcast"; else fail "the kill came in the middle of the broadcast"; fi
check_eq "integrity_check after the kill" "$(q 'PRAGMA integrity_check')" ok
it_start_langso
check "every household receives TB #1 after the restart" kl_wait 180 got_at_least "[TB Lang Don] Mot:" "$N"
sleep 2
phones=$(kl_py all "$T/log/fakesmsc.log" | grep $'\t\[TB Lang Don\] Mot:' | cut -f1 | sort)
dups=$(echo "$phones" | uniq -d | wc -l)
echo "# TB #1: $dups household(s) got it twice; $inflight request(s) were in flight at the kill"
check_eq "all $N households got TB #1" "$(echo "$phones" | sort -u | wc -l)" "$N"
check "only requests in flight at the kill were sent twice ($dups <= $inflight)" [ "$dups" -le "$inflight" ]
check_eq "integrity_check after the restart" "$(q 'PRAGMA integrity_check')" ok

# ---- 2. bearerbox kill -9 in the middle ----
mo "$HEAD" "TB Hai: nop thue dat truoc thu sau"
check_match "TB #2 goes to $N households" "$(reply "$HEAD" 2 20)" "Da gui TB #2 toi $N ho*"
check "TB #2 sending is under way" kl_wait 60 got_at_least "[TB Lang Don] Hai:" $((N / 5))
kl_kill9 bearerbox
kl_fakesmsc_drain
at_stop=$(got "[TB Lang Don] Hai:")
unacked=$(curl -fsS --max-time 2 "http://127.0.0.1:$KL_HTTP/metrics" | awk '$1 == "langso_box_mt_unacked" { print $2 }')
note "bearerbox killed after $at_stop of $N reached fakesmsc"
check_eq "integrity_check after bearerbox's kill" "$(q 'PRAGMA integrity_check')" ok
kl_start_bearerbox || fail "bearerbox restarts"
check "langso reconnects by itself" kl_wait 30 kl_box_online
kl_start_fakesmsc || fail "fakesmsc reconnects"
# fakesmsc drops what bearerbox had already written to its socket when bearerbox dies
# (bearerbox counts those as sent to the SMSC, and the fake SMSC reports them: DLR 8, then
# 1, the 1 itself lost when bearerbox is killed before handing it over): a household is
# reached when fakesmsc logged the notice, or, for those, when a DLR says the SMSC took it
# (8) or delivered it (1). They are counted and printed.
tb2() { kl_py all "$T/log/fakesmsc.log" | grep $'\t\[TB Lang Don\] Hai:' | cut -f1 | sort; }
reached() {
	{ tb2 | sort -u; q "select phone from outbox where broadcast_id = 2 and dlr_type in (1, 8)"; } | sort -u | wc -l
}
# langso's part ends when bearerbox acks an MT (it is then in bearerbox's store). What bearerbox
# had written to fakesmsc's socket at its kill is dropped by fakesmsc, and the SMSC-accepted DLR
# of such a message can die with bearerbox too: such a row is accepted with no other trace.
handed() { q "select count(*) from outbox where broadcast_id = 2 and status = 'accepted'"; }
reached_all() { [ "$(reached)" -ge "$N" ] || [ "$(handed)" -ge "$N" ]; }
check "every household is reached after bearerbox returns (or handed to Kannel)" kl_wait 240 reached_all
sleep 2
phones=$(tb2)
seen=$(echo "$phones" | sort -u | wc -l)
echo "# TB #2: fakesmsc logged $seen of $N; $((N - seen)) were written to fakesmsc's socket just before bearerbox's kill (their DLRs say so) and dropped by fakesmsc"
traceless=$((N - $(reached)))
echo "# TB #2: $traceless accepted by bearerbox with neither fakesmsc's log nor a DLR (on the SMSC link at the kill, the DLR lost with bearerbox)"
check_eq "all $N households handed to Kannel and acked by bearerbox" "$(handed)" "$N"
check "those without a trace are few: on the SMSC link at the kill (at most 20)" [ "$traceless" -le 20 ]
check "fakesmsc missed only what was on the SMSC link at the kill (at most 1000)" [ $((N - seen)) -le 1000 ]
dups=$(echo "$phones" | uniq -d | wc -l)
retried=$(curl -fsS --max-time 2 "http://127.0.0.1:$KL_HTTP/metrics" | awk '$1 == "langso_box_mt_retried_total{reason=\"disconnect\"}" { print $2 }')
echo "# TB #2: $dups household(s) got it twice; $retried MT(s) were without an ack when bearerbox went (sent again)"
window=$(sed -n 's/^box_window *= *//p' "$CONF"); window=${window:-1000}
check "only MTs of the window were sent twice ($dups <= ${retried:-0} <= $window)" [ "$dups" -le "${retried:-0}" -a "${retried:-0}" -le "$window" ]
accepted() { [ "$(q "select count(*) from outbox where broadcast_id = 2 and status = 'accepted'")" = "$N" ]; }
check "every TB #2 row ends accepted" kl_wait 30 accepted
check_eq "integrity_check after bearerbox's restart" "$(q 'PRAGMA integrity_check')" ok
exit 0
