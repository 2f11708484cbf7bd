#!/usr/bin/env bash
# bench/http_libs.sh [SECONDS] [SESSIONS] - the HTTP layer alone: libmicrohttpd against h2o.
#
# Issue 14 asks to measure the HTTP layer before changing it: the same fixed screen (langso's
# home screen, 133 bytes) for POST /ussd, served by bench/fixed_mhd.c (libmicrohttpd 0.9.75
# with gateway/http.c's flags, options and per-request work) and by bench/fixed_h2o.c
# (libh2o-evloop, one thread), each pinned to CPU 0, under the same load generator
# (bench/ussd_load.c: SESSIONS keep-alive connections, default 1000, one step in flight on
# each, every answer checked for 200 CON/END) pinned to CPU 1, for SECONDS (default 8) after
# a warm-up. No langso code and no database: only HTTP.
#
# Besides langso's way of using MHD, it measures what libmicrohttpd offers to tune
# (fixed_mhd.c's VARIANT list): bare (none of langso's per-request work), noturbo, poll,
# nosuspend, persistent (no copy of the answer), reuse (one response queued for every
# request), mem=N (connection memory limit), inc=N (memory increment), and combinations.
#
# Per server it prints steps/s, latency p50/p99, the server's CPU time per step (getrusage at
# its exit over the requests it served, warm-up included: the figure that the machine's other
# load disturbs least), how much of CPU 0 it used, and MHD's access handler calls per step;
# then h2o ÷ MHD (langso's flags). Timings are printed, never asserted.
# Env: B (build dir, default build/release), WARMUP (seconds, 2), VARIANTS (the MHD variants,
# space-separated), KEEP=1.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
. scripts/kannel-lib.sh
SECS=${1:-8}
SESSIONS=${2:-1000}
B=${B:-build/release}
WARMUP=${WARMUP:-2}
VARIANTS=${VARIANTS:-bare persistent reuse bare,reuse noturbo poll nosuspend inc=4096 mem=4096 mem=16384 mem=32768 mem=131072 bare,reuse,mem=4096}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
MHD=$B/bench/fixed_mhd H2O=$B/bench/fixed_h2o LOAD=$B/bench/ussd_load
for f in "$MHD" "$LOAD"; do
	[ -x "$f" ] || { echo "bench/http_libs.sh: no $f (make B=$B build-tests)" >&2; exit 1; }
done
[ -x "$H2O" ] || { echo "bench/http_libs.sh: no $H2O (libh2o-evloop-dev; make B=$B bench)" >&2; exit 77; }
command -v taskset >/dev/null || { echo "bench/http_libs.sh: taskset missing (util-linux)" >&2; exit 77; }

kl_bench_dir http-libs
cpus=$(nproc)
client_cpu=$((cpus > 1 ? 1 : 0))
ulimit -n $((SESSIONS + 256)) 2>/dev/null
echo "bench/http_libs.sh: fixed screen for POST /ussd, $SESSIONS keep-alive sessions, ${SECS}s (+${WARMUP}s warm-up);" \
	"server on CPU 0, load generator on CPU $client_cpu, $cpus CPUs"
printf '%-24s %9s %8s %8s %13s %6s %11s %8s\n' server steps/s p50_ms p99_ms "cpu_us/step" "cpu0%" "calls/step" \
	"client%"
TIMER=()
[ -x /usr/bin/time ] && TIMER=(/usr/bin/time -f "%U %S" -o "$KL_DIR/client.time")

# run NAME CMD...: one server on a free port (PORT in CMD is replaced by it), the load, the
# server stopped; prints its line and sets STEPS and CPU_US
answers() { curl -s -o /dev/null --max-time 1 -d x "http://127.0.0.1:$1/ussd"; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
run() {
	local name=$1 port res served pid k0 k1 t0 t1 steps; shift
	port=$(kl_py ports 1) || return 1
	STEPS= CPU_US=
	kl_start server taskset -c 0 "${@//PORT/$port}"
	if ! kl_wait 10 answers "$port"; then
		echo "$name: server did not start"; cat "$KL_DIR/log/server.log"; kl_stop server; return 1
	fi
	pid=$(kl_pid server)
	k0=$(ticks "$pid") t0=$(date +%s%N)
	# the client's CPU share too: when it is near 100 %, the client is the limit
	"${TIMER[@]}" taskset -c "$client_cpu" "$LOAD" "$port" "$SESSIONS" "$SECS" "$WARMUP" >"$KL_DIR/load.out" 2>&1
	k1=$(ticks "$pid") t1=$(date +%s%N)
	client=-
	[ -s "$KL_DIR/client.time" ] && client=$(awk -v w="$((t1 - t0))" '{ printf "%.0f", ($1 + $2) / (w / 1e9) * 100 }' \
		"$KL_DIR/client.time")
	kl_stop server
	res=$(grep '^RESULT' "$KL_DIR/load.out") || { echo "$name: load generator failed:"; cat "$KL_DIR/load.out"; return 1; }
	res=${res#RESULT}
	served=$(grep '^SERVED' "$KL_DIR/log/server.log" | tail -1)
	: >"$KL_DIR/log/server.log"
	val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
	steps=$(val steps_per_s "$res")
	[ "$(val bad "$res")" = 0 ] || echo "$name: $(val bad "$res") answers were not 200 CON/END"
	# CPU time per request over the server's whole life (getrusage); its share of CPU 0
	# while the load ran (/proc ticks)
	read -r CPU_US cpu0 calls <<<"$(awk -v r="$(val requests "$served")" -v c="$(val calls "$served")" \
		-v s="$(val cpu_s "$served")" -v k="$((k1 - k0))" -v hz="$(getconf CLK_TCK)" -v w="$((t1 - t0))" \
		'BEGIN { if (r > 0) printf "%.2f %.0f %.2f\n", s * 1e6 / r, k / hz / (w / 1e9) * 100, c / r;
			else print "- - -" }')"
	STEPS=$steps
	printf '%-24s %9s %8s %8s %13s %6s %11s %8s\n' "$name" "$steps" "$(val p50_ms "$res")" \
		"$(val p99_ms "$res")" "$CPU_US" "$cpu0" "$calls" "$client"
}

# langso's MHD first and h2o right after it, so that the pair is measured in the same minute
run "mhd langso" "$MHD" PORT $((SESSIONS + 64)) langso || exit 1
mhd_steps=$STEPS mhd_us=$CPU_US
run "h2o" "$H2O" PORT || exit 1
h2o_steps=$STEPS h2o_us=$CPU_US
awk -v a="$h2o_steps" -v b="$mhd_steps" -v x="$h2o_us" -v y="$mhd_us" \
	'BEGIN { printf "h2o / mhd langso: %.2fx steps/s, %.2fx CPU per step\n", a / b, x / y }'
for v in $VARIANTS; do
	[ "$v" = langso ] && continue
	run "mhd $v" "$MHD" PORT $((SESSIONS + 64)) "$v"
done
# the first line again: how far the machine's other load moved the figures meanwhile
run "mhd langso (again)" "$MHD" PORT $((SESSIONS + 64)) langso
