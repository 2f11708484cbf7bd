#!/usr/bin/env bash
# bench/mo_direct.sh [SECONDS] [CONNECTIONS] - GET /kannel/mo straight at langso with wrk.
#
# No Kannel: wrk plays smsbox with CONNECTIONS (default 64) keep-alive connections for
# SECONDS (default 10); bench/mo_direct.lua gives every request a unique id and varies the
# sender. Prints requests/s and latency percentiles (p50/p90/p99), then checks that every MO
# langso acknowledged with 200 is in the inbox (a durability check: exit 1 if any is missing).
# It runs twice in one go, with [storage] synchronous = full (the default: an fsync per group
# commit, a committed MO survives power loss) and = normal (survives a crash of langso only),
# each on a fresh database, and prints both. SYNC="full" (or "normal") runs one of them.
# Timings are printed, never asserted. Targets: >= 5000 MO/s, p99 < 20 ms.
# Env: LANGSO (binary, default build/langso), MO_TEXT (url-encoded MO text), WRK_THREADS (2),
# KEEP=1 keeps the temp dir. langso gets a fresh database with the demo villages.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
. scripts/kannel-lib.sh
SECS=${1:-10}
CONNS=${2:-64}
LANGSO=${LANGSO:-$ROOT/build/langso}
command -v wrk >/dev/null || { echo "bench/mo_direct.sh: wrk is not installed (make deps)" >&2; exit 77; }
[ -x "$LANGSO" ] || { echo "bench/mo_direct.sh: no langso binary at $LANGSO" >&2; exit 1; }

kl_bench_dir bench

# run_one SYNC: a fresh database, langso with that setting, wrk, the durability check
run_one() {
	rm -f "$KL_DB" "$KL_DB"-wal "$KL_DB"-shm
	kl_render_langso "$KL_DIR/langso.conf"
	sed -i "s|^path = $KL_DB\$|&\nsynchronous = $1|" "$KL_DIR/langso.conf"
	"$LANGSO" import villages -c "$KL_DIR/langso.conf" conf/demo/villages.csv >"$KL_DIR/log/import.log" 2>&1 \
		|| { cat "$KL_DIR/log/import.log"; exit 1; }
	kl_start_langso || { tail "$KL_DIR/log/langso.log"; exit 1; }

	echo "-- synchronous = $1: wrk -t${WRK_THREADS:-2} -c$CONNS -d${SECS}s against langso on 127.0.0.1:$KL_HTTP, $(nproc) CPUs"
	MO_RUN=$$ wrk -t"${WRK_THREADS:-2}" -c"$CONNS" -d"${SECS}s" --latency -s bench/mo_direct.lua \
		"http://127.0.0.1:$KL_HTTP/kannel/mo" >"$KL_DIR/wrk.out" 2>&1
	rc=$?
	kl_wrk_report "$KL_DIR/wrk.out" req/s ">= 5000 req/s, p99 < 20 ms" $rc
	# requests still in flight when wrk stopped may have been committed without wrk seeing the
	# 200, so the inbox may hold a few more than were acknowledged, never fewer
	kl_stop langso
	inbox=$(sqlite3 "$KL_DB" "select count(*) from inbox where kannel_id like 'bench-$$-%'")
	acked=$(kl_wrk_val acked)
	if [ "$inbox" -ge "$acked" ]; then
		echo "durability: $acked MOs acknowledged with 200, $inbox in the inbox: OK"
	else
		echo "durability: $acked MOs acknowledged with 200 but only $inbox in the inbox: $((acked - inbox)) MISSING"
		exit 1
	fi
	SUMMARY="${SUMMARY:-}synchronous = $1: $(kl_wrk_val rps) MO/s, p99 $(kl_wrk_val p99_ms) ms
"
}

for sync in ${SYNC:-full normal}; do
	run_one "$sync"
done
printf 'summary (%s s, %s connections):\n%s' "$SECS" "$CONNS" "$SUMMARY"
