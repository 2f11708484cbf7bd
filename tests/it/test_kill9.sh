#!/usr/bin/env bash
# langso is killed with SIGKILL while it is sending 3000 queued messages, then restarted.
# Every message must reach fakesmsc; a message may arrive twice only if its sendsms request
# was in flight at the kill (contract.md, "Outgoing messages"), so duplicates are counted,
# printed, and held to a small bound. The database must pass PRAGMA integrity_check.
. "$(dirname "$0")/lib.sh"
it_need_kannel
N=${KILL9_N:-3000}
it_setup KL_RATE=300
it_start_all

got() { grep -ac 'Got message' "$T/log/fakesmsc.log"; }
got_at_least() { [ "$(got)" -ge "$1" ]; }

out=$(for i in $(seq 1 $N); do printf '+8491300%04d\tTin kiem tra so %d\n' $((i % 200)) "$i"; done | "$LANGSO" send -c "$CONF" 2>&1)
check_eq "langso send queues $N messages" "$out" "queued $N"

check "sending is under way" kl_wait 60 got_at_least $((N / 5))
kl_kill9 langso
at_kill=$(got)
inflight=$(q "select count(*) from outbox where status = 'sending'")
note "killed langso with SIGKILL after $at_kill of $N reached fakesmsc; $inflight rows in 'sending'"
if [ "$at_kill" -lt "$N" ]; then ok "the kill came in the middle of sending"; else fail "the kill came in the middle of sending (all $N were out already)"; fi
check_eq "integrity_check right after the kill" "$(q 'PRAGMA integrity_check')" ok

it_start_langso
# smsbox itself may have died of the kill (kl_smsbox_revive): the messages must still all go
reached() { kl_smsbox_revive && got_at_least "$1"; }
check "every message reaches fakesmsc after the restart" kl_wait 180 reached $N
done_sending() { [ "$(q "select count(*) from outbox where status = 'accepted'")" -ge $N ]; }
check "every outbox row ends up accepted" kl_wait 60 done_sending
sleep 2   # a window for a late duplicate
mts=$(kl_py all "$T/log/fakesmsc.log")
uniq_n=$(printf '%s\n' "$mts" | sort -u | grep -c .)
total=$(printf '%s\n' "$mts" | grep -c .)
dups=$((total - uniq_n))
echo "# duplicates after kill -9: $dups (messages in flight at the kill: $inflight)"
check_eq "all $N distinct messages arrived" "$uniq_n" "$N"
check_eq "each went to its own phone" "$(printf '%s\n' "$mts" | sort -u | awk -F'\t' '{ n = substr($2, 17) + 0; if ($1 == sprintf("+8491300%04d", n % 200)) k++ } END { print k + 0 }')" "$N"
check "only messages in flight at the kill went twice ($dups <= $inflight)" [ "$dups" -le "$inflight" ]
check_eq "integrity_check after the restart" "$(q 'PRAGMA integrity_check')" ok
exit 0
