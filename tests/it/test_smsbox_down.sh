#!/usr/bin/env bash
# smsbox is down for ~10 s while 50 messages are queued in langso's outbox: sendsms is
# refused, langso retries with back-off, and once smsbox is back every message reaches its
# phone exactly once.
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup
it_start_all
N=50

kl_stop smsbox
t0=$(date +%s)
out=$(for i in $(seq -w 1 $N); do printf '+849120004%s\tThong bao so %s\n' "$i" "$i"; done | "$LANGSO" send -c "$CONF" 2>&1)
check_eq "langso send reads $N lines from stdin" "$out" "queued $N"
tried() { [ "$(q "select count(*) from outbox where attempts >= 1")" -ge $N ]; }
check "every message was tried while smsbox was down" kl_wait 15 tried
check_eq "no message is counted as accepted while smsbox is down" "$(q "select count(*) from outbox where status = 'accepted'")" 0
left=$((10 - ($(date +%s) - t0)))
[ "$left" -gt 0 ] && sleep "$left"   # the outage lasts ~10 s: that is the scenario, not a readiness wait
check_eq "nothing reached the phones during the outage" "$(grep -ac 'Got message' "$T/log/fakesmsc.log")" 0
note "outbox after the outage: $(q "select group_concat(status||'='||n, ' ') from (select status, count(*) n from outbox group by status)"), max attempts $(q "select max(attempts) from outbox")"

kl_start_smsbox || fail "smsbox comes back"
t1=$(date +%s)
all_sent() { [ "$(q "select count(*) from outbox where status = 'accepted'")" -ge $N ] && [ "$(grep -ac 'Got message' "$T/log/fakesmsc.log")" -ge $N ]; }
check "all $N delivered after smsbox is back" kl_wait 120 all_sent
note "delivered $(($(date +%s) - t1)) s after smsbox came back"
sleep 2   # a window for a duplicate to show up
mts=$(kl_py all "$T/log/fakesmsc.log")
check_eq "each phone got its own message" "$(printf '%s\n' "$mts" | awk -F'\t' '{ sub(/^\+849120004/, "", $1); sub(/^Thong bao so /, "", $2); if ($1 == $2) n++ } END { print n + 0 }')" $N
check_eq "no message arrived twice" "$(printf '%s\n' "$mts" | sort | uniq -d | wc -l)" 0
check_eq "fakesmsc got exactly $N messages" "$(printf '%s\n' "$mts" | grep -c .)" $N
exit 0
