#!/usr/bin/env bash
# A 5,000-household broadcast survives faults. (1) langso is killed with SIGKILL in the
# middle of sending and started again: every household receives the notice; a phone gets
# it twice only if its request was in flight at the kill (counted and printed). (2) smsbox
# is stopped for 30 s in the middle: everything is delivered after it returns, once. The
# database passes PRAGMA integrity_check after each.
. "$(dirname "$0")/lib.sh"
it_need_kannel
N=${BROADCAST_N:-5000}
it_setup KL_RATE=400
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
# smsbox itself may have died of the kill (kl_smsbox_revive): TB #1 must still reach everyone
reached() { kl_smsbox_revive && got_at_least "$@"; }
check "every household receives TB #1 after the restart" kl_wait 180 reached "[TB Lang Don] Mot:" "$N"
sleep 2
phones=$(kl_py all "$T/log/fakesmsc.log" | grep $'\t\[TB Lang Don\] Mot:' | cut -f1 | sort)
dups=$(echo "$phones" | uniq -d | wc -l)
echo "# TB #1: $dups household(s) got it twice; $inflight request(s) were in flight at the kill"
check_eq "all $N households got TB #1" "$(echo "$phones" | sort -u | wc -l)" "$N"
check "only requests in flight at the kill were sent twice ($dups <= $inflight)" [ "$dups" -le "$inflight" ]
check_eq "integrity_check after the restart" "$(q 'PRAGMA integrity_check')" ok

# ---- 2. smsbox down for 30 s in the middle ----
mo "$HEAD" "TB Hai: nop thue dat truoc thu sau"
check_match "TB #2 goes to $N households" "$(reply "$HEAD" 2 20)" "Da gui TB #2 toi $N ho*"
check "TB #2 sending is under way" kl_wait 60 got_at_least "[TB Lang Don] Hai:" $((N / 10))
kl_stop smsbox
at_stop=$(got "[TB Lang Don] Hai:")
note "smsbox stopped after $at_stop of $N"
sleep 30   # the outage itself is the scenario
kl_start_smsbox || fail "smsbox comes back"
check "every household receives TB #2 after smsbox returns" kl_wait 240 got_at_least "[TB Lang Don] Hai:" "$N"
sleep 2
phones=$(kl_py all "$T/log/fakesmsc.log" | grep $'\t\[TB Lang Don\] Hai:' | cut -f1 | sort)
check_eq "all $N households got TB #2" "$(echo "$phones" | sort -u | wc -l)" "$N"
dups=$(echo "$phones" | uniq -d | wc -l)
# a sendsms request cut off by the stop may have reached bearerbox without its answer
# reaching langso: only those (at most [kannel] inflight = 128) may go twice
echo "# TB #2: $dups household(s) got it twice (requests cut off when smsbox stopped)"
check "only requests cut off by the stop were sent twice ($dups <= 128)" [ "$dups" -le 128 ]
check_eq "integrity_check after the outage" "$(q 'PRAGMA integrity_check')" ok
exit 0
