#!/usr/bin/env bash
# bench/broadcast_drain.sh [N] - how fast a broadcast drains through real Kannel.
#
# A head's TB to N households (default 20000) is sent straight to langso's /kannel/mo;
# langso's outbox worker pushes the N messages to Kannel with a DLR requested (dlr-mask 31),
# bearerbox delivers them to a fakesmsc sink, whose DLRs (type 8, then 1) come back to
# langso. MODE=box (the default): langso is a box of bearerbox, the MTs go as mt_push on
# that connection with up to WINDOW (default 1000) unacked, the DLRs come back on it; no
# smsbox. MODE=http: through smsbox's sendsms with INFLIGHT (default 128) requests at once,
# DLRs to /kannel/dlr. [broadcast] rate is set high so that langso, not the limiter, is
# measured. Prints accepted/s (Kannel's ack or sendsms's 202), delivered/s (DLR type 1
# recorded) and what fakesmsc received. Env: LANGSO, MODE, WINDOW, INFLIGHT, KEEP=1.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
. scripts/kannel-lib.sh
N=${1:-20000}
INFLIGHT=${INFLIGHT:-128}
WINDOW=${WINDOW:-1000}
KL_MODE=${MODE:-box}
LANGSO=${LANGSO:-$ROOT/build/langso}
[ -x "$KL_BEARERBOX" ] || { echo "bench/broadcast_drain.sh: Kannel is not installed" >&2; exit 77; }
[ -x "$LANGSO" ] || { echo "bench/broadcast_drain.sh: no langso binary at $LANGSO" >&2; exit 1; }

KL_LOG_LEVEL=2
KL_RATE=100000
kl_bench_dir drain

C=$KL_DIR/langso.conf
kl_render_kannel "$KL_DIR/kannel.conf"
kl_render_langso "$C"
sed -i "s/^\[kannel\]\$/[kannel]\ninflight = $INFLIGHT\nbox_window = $WINDOW/" "$C"
"$LANGSO" import villages -c "$C" conf/demo/villages.csv >"$KL_DIR/log/import.log" 2>&1 || exit 1
{
	echo "phone,name,village_code,role"
	echo "+84931000000,Truong thon,LD02,head"
	for i in $(seq 1 "$N"); do printf '+8493%07d,Ho %d,LD02,household\n' "$i" "$i"; done
} >"$KL_DIR/people.csv"
"$LANGSO" import people -c "$C" "$KL_DIR/people.csv" >>"$KL_DIR/log/import.log" 2>&1 || { cat "$KL_DIR/log/import.log"; exit 1; }
kl_start_langso && kl_start_kannel || exit 1

now() { date +%s.%N; }
count() { sqlite3 -cmd '.timeout 5000' "$KL_DB" "$1"; }
t0=$(now)
reply=$(curl -fsS "http://127.0.0.1:$KL_HTTP/kannel/mo?from=%2B84931000000&to=8055&text=TB+Hop+thon+luc+8h+sang+mai&id=bench-tb-1")
t_enq=$(now)
if [ "$KL_MODE" = box ]; then how="box mode, window $WINDOW"; else how="http mode (sendsms), inflight $INFLIGHT"; fi
echo "bench/broadcast_drain.sh: N=$N households, $how, $(nproc) CPUs"
echo "  TB reply after $(printf '%.0f' "$(echo "($t_enq - $t0) * 1000" | bc)") ms: $reply"
acc_t=""; del_t=""
while :; do
	a=$(count "select count(*) from outbox where broadcast_id = 1 and status = 'accepted'")
	d=$(count "select count(*) from outbox where broadcast_id = 1 and dlr_type = 1")
	[ -z "$acc_t" ] && [ "$a" -ge "$N" ] && acc_t=$(now)
	[ -z "$del_t" ] && [ "$d" -ge "$N" ] && del_t=$(now) && break
	if [ "$(echo "$(now) - $t0 > 600" | bc)" = 1 ]; then echo "  TIMEOUT: $a accepted, $d delivered" >&2; break; fi
	sleep 0.2
done
[ -n "$acc_t" ] && printf '  accepted by Kannel  : %6.0f msg/s (%d in %.2f s)\n' "$(echo "$N / ($acc_t - $t0)" | bc -l)" "$N" "$(echo "$acc_t - $t0" | bc)"
[ -n "$del_t" ] && printf '  delivered (DLR 1)   : %6.0f msg/s (%d in %.2f s)\n' "$(echo "$N / ($del_t - $t0)" | bc -l)" "$N" "$(echo "$del_t - $t0" | bc)"
echo "  fakesmsc received: $(grep -ac 'Got message' "$KL_DIR/log/fakesmsc.log") messages"
# CPU seconds (user + system) each process used, for where the time goes
for n in langso bearerbox smsbox fakesmsc; do
	pid=$(kl_pid "$n") || continue
	[ -n "$pid" ] && printf '  CPU %-9s: %.2f s\n' "$n" "$(awk -v t="$(getconf CLK_TCK)" '{ print ($14 + $15) / t }' "/proc/$pid/stat")"
done
