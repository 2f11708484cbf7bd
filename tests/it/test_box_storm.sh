#!/usr/bin/env bash
# Box mode (issue 10): langso is killed with SIGKILL in the middle of a storm of N MOs (3000;
# BOX_STORM_N under ASan), then restarted. Each MO is a farmer's listing (BAN NA ...), so an
# MO executed twice or never shows in the listings table. bearerbox keeps every MO langso had
# not acked and gives it again: the inbox holds exactly the N, each listing exists once, and
# the replies lost at the kill are sent on the redelivery (those already out may go twice:
# counted and printed, at most bearerbox's smsbox-max-pending). integrity_check after.
. "$(dirname "$0")/lib.sh"
it_need_kannel
N=${BOX_STORM_N:-3000}
it_setup KL_MODE=box
it_import_demo || exit 1
{
	echo "phone,name,village_code,role"
	for i in $(seq 1 200); do printf '+849125%05d,Ho %d,LD02,household\n' "$i" "$i"; done
} >"$T/people.csv"
check "import 200 households" "$LANGSO" import people -c "$CONF" "$T/people.csv"
it_start_langso
kl_start_bearerbox || { fail "bearerbox starts"; exit 1; }
check "langso's box is on-line" kl_wait 20 kl_box_online

args=()
for i in $(seq 1 200); do args+=("+849125$(printf %05d "$i") $KL_SHORTCODE text BAN NA 50KG 30000"); done
kl_start fakesmsc_storm "$KL_FAKESMSC" -H 127.0.0.1 -r "$KL_SMSC" -i 0 -m "$N" "${args[@]}"
inbox() { q "select count(*) from inbox"; }
inbox_at_least() { [ "$(inbox)" -ge "$1" ]; }
check "the storm is under way" kl_wait 60 inbox_at_least $((N / 4))
kl_kill9 langso
at_kill=$(inbox)
note "killed langso with SIGKILL with $at_kill of $N MOs in the inbox; bearerbox received $(kl_received)"
if [ "$at_kill" -lt "$N" ]; then ok "the kill came in the middle of the storm"; else fail "the kill came in the middle of the storm (all $N were in)"; fi
check_eq "integrity_check right after the kill" "$(q 'PRAGMA integrity_check')" ok

it_start_langso
store_empty() { kl_status_has 'store size 0'; }
all_in() { [ "$(kl_received)" -ge "$N" ] && inbox_at_least "$N" && store_empty; }
check "every MO is stored after the restart and bearerbox's store is empty" kl_wait 180 all_in
replies() { grep -ac 'Got message' "$T/log/fakesmsc_storm.log"; }
replied() { [ "$(replies)" -ge "$N" ]; }
check "every MO is answered" kl_wait 60 replied
sleep 2   # a window for late duplicates
check_eq "the inbox holds exactly the $N MOs" "$(inbox)" "$N"
check_eq "each with its own Kannel id" "$(q "select count(distinct kannel_id) from inbox")" "$N"
check_eq "each listing exists once" "$(q "select count(*) from listings")" "$N"
dups=$(($(replies) - N))
echo "# replies sent twice after kill -9: $dups (bearerbox redelivers what was not acked; smsbox-max-pending $KL_MAX_PENDING)"
check "duplicate replies at most the MOs unacked at the kill ($dups <= $KL_MAX_PENDING)" [ "$dups" -le "$KL_MAX_PENDING" ]
check_eq "integrity_check after the restart" "$(q 'PRAGMA integrity_check')" ok
exit 0
