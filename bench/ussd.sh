#!/usr/bin/env bash
# bench/ussd.sh [SECONDS] [SESSIONS] - POST /ussd steps per second, langso on one core.
#
# langso serve runs pinned to CPU 0 (taskset -c 0, every thread of it: HTTP, committer,
# outbox) on a fresh database with the demo villages and SESSIONS (default 1000) registered
# households spread over them; bench/ussd_load.c (pinned to the other CPU when there is one) keeps SESSIONS
# keep-alive connections, each playing USSD sessions back to back, one step in flight per
# connection: sell (7 steps, ends in a listing), search (6 steps, reads the open listings)
# and price (3 steps, price statistics), each session on one of 8 products. Every step is real work: the inbox row, the
# session's state read and written, the lexicon, the listings, in group-committed
# transactions. Prints steps/s and latency p50/p90/p99 (measured after a warm-up), then
# checks that the inbox holds every step answered. Timings are printed, never asserted.
# Target: >= 40000 steps/s with p99 < 20 ms.
# Env: FLOWS=nav plays menus only (no listing, search or price: what the USSD layer itself
# costs); LANGSO (binary, default build/langso), LOAD (the load generator, default next to
# LANGSO's build dir: build/release/bench/ussd_load), WARMUP (seconds, 3), KEEP=1.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
. scripts/kannel-lib.sh
SECS=${1:-10}
SESSIONS=${2:-1000}
LANGSO=${LANGSO:-$ROOT/build/langso}
if [ -z "${LOAD:-}" ]; then
	case $LANGSO in
	*/build/langso) LOAD=$ROOT/build/release/bench/ussd_load ;;
	*) LOAD=$(dirname "$LANGSO")/bench/ussd_load ;;
	esac
fi
[ -x "$LANGSO" ] || { echo "bench/ussd.sh: no langso binary at $LANGSO" >&2; exit 1; }
[ -x "$LOAD" ] || { echo "bench/ussd.sh: no load generator at $LOAD (make build-tests)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "bench/ussd.sh: taskset missing (util-linux)" >&2; exit 77; }

kl_bench_dir bench-ussd

kl_render_langso "$KL_DIR/langso.conf"
# room for every session's connection (the default max_connections is 1024)
sed -i "s/^listen = .*/&\nmax_connections = $((SESSIONS + 64))/" "$KL_DIR/langso.conf"
# the households are spread over the demo villages, as a province's would be
villages=($(tail -n +2 conf/demo/villages.csv | cut -d, -f1))
{
	echo "phone,name,village_code,role"
	for i in $(seq 0 $((SESSIONS - 1))); do
		printf '+8491300%04d,Ho %d,%s,household\n' $((i % 10000)) "$i" "${villages[i % ${#villages[@]}]}"
	done
} >"$KL_DIR/people.csv"
"$LANGSO" import villages -c "$KL_DIR/langso.conf" conf/demo/villages.csv >"$KL_DIR/log/import.log" 2>&1 &&
	"$LANGSO" import people -c "$KL_DIR/langso.conf" "$KL_DIR/people.csv" >>"$KL_DIR/log/import.log" 2>&1 ||
	{ cat "$KL_DIR/log/import.log"; exit 1; }
# no Kannel here: the outbox has nowhere to send (listing alerts would only queue)
kl_start_langso taskset -c 0 || { tail "$KL_DIR/log/langso.log"; exit 1; }
# kl_start_langso runs "env VARS... CMD": taskset is the command, langso its argument
cpus=$(nproc)
client_cpu=$((cpus > 1 ? 1 : 0))
echo "bench/ussd.sh: $SESSIONS sessions (${FLOWS:-mix} flows) on keep-alive connections for ${SECS}s (+${WARMUP:-3}s warm-up);" \
	"langso on CPU 0, load generator on CPU $client_cpu, $cpus CPUs"
ulimit -n $((SESSIONS + 256)) 2>/dev/null
taskset -c "$client_cpu" "$LOAD" "$KL_HTTP" "$SESSIONS" "$SECS" "${WARMUP:-3}" "${FLOWS:-mix}" >"$KL_DIR/load.out" 2>&1
rc=$?
res=$(grep '^RESULT' "$KL_DIR/load.out") || { cat "$KL_DIR/load.out"; echo "load generator failed (exit $rc)"; exit 1; }
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" ${res#RESULT}"; }
printf 'steps: %s in %s s = %s steps/s (%s sessions finished, %s answers not 200 CON/END)\n' \
	"$(val steps)" "$(val duration_s)" "$(val steps_per_s)" "$(val sessions)" "$(val bad)"
printf 'latency: p50 %s ms, p90 %s ms, p99 %s ms   (target: >= 40000 steps/s, p99 < 20 ms)\n' \
	"$(val p50_ms)" "$(val p90_ms)" "$(val p99_ms)"
kl_stop langso
db=$KL_DIR/langso.db
printf 'database: %s inbox rows (USSD steps), %s sessions, %s listings\n' \
	"$(sqlite3 "$db" "select count(*) from inbox where smsc = 'ussd-http'")" \
	"$(sqlite3 "$db" "select count(*) from ussd_sessions")" \
	"$(sqlite3 "$db" "select count(*) from listings")"
