#!/usr/bin/env bash
# bench/ussd.sh [SECONDS] [SESSIONS] - POST /ussd steps per second, langso on one core.
#
# langso serve runs pinned to CPU 0 (taskset -c 0, every thread of it: HTTP, committer,
# outbox) on a fresh database with the demo villages and SESSIONS (default 1000) registered
# households spread over them; bench/ussd_load.c (pinned to the other CPU when there is one) keeps SESSIONS
# keep-alive connections, each playing USSD sessions back to back, one step in flight per
# connection: sell (7 steps, ends in a listing), search (6 steps, reads the open listings)
# and price (3 steps, price statistics), each session on one of 8 products. Every step is
# real work, as in production (issue 14): the session read and written in memory (mapped to
# its file), the menus and the lexicon; a step that shows listings or prices reads the
# database on the front's connection; a sale commits its listing and its inbox row through
# the committer (synchronous = full) and is answered after the commit. Prints steps/s and
# latency p50/p90/p99 (measured after a warm-up), then the listings, the inbox rows (one
# per finished command) and the sessions langso held in memory. Timings are printed, never
# asserted.
# Target: >= 40000 steps/s with p99 < 20 ms.
#
# Then, in the same run, the peer anchor of issue 14: bench/anchor/server.js, the same menus
# on the npm library ussd-builder (in memory: no database, nothing durable) behind Node's
# http module, pinned to the same CPU, under the same load generator, sessions, flows and
# seconds; and bare Node http answering a fixed screen (a reference: the ceiling of Node's
# HTTP layer, no menu). Prints both, and langso / ussd-builder for steps/s and p99.
# Target: langso >= 2x ussd-builder's steps/s on the market mix, p99 no higher than its.
# ROUNDS (default 3) rounds each measure langso then ussd-builder, back to back; every
# round's ratio is printed, then their median.
# The anchor's packages are installed by `npm ci` from bench/anchor/package-lock.json into
# the build dir (next to the load generator: bench/anchor/); without node or npm, or when
# npm ci fails, the anchor is skipped with the reason and langso's figures still stand.
#
# Env: FLOWS=nav plays menus only (no listing, search or price: what the USSD layer itself
# costs); LANGSO (binary, default build/langso), LOAD (the load generator, default next to
# LANGSO's build dir: build/release/bench/ussd_load), WARMUP (seconds, 3), KEEP=1;
# ANCHOR=0 skips the Node servers (one langso measurement), BARE=0 only the bare one.
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
# room for every session's connection, all from 127.0.0.1 (the defaults: max_connections
# 1024, max_connections_per_client 512)
sed -i "s/^listen = .*/&\nmax_connections = $((SESSIONS + 64))\nmax_connections_per_client = $((SESSIONS + 64))/" \
	"$KL_DIR/langso.conf"
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

# measure NAME PORT: the load generator on the server at PORT; its RESULT line in res, the
# first bad answers it saw printed. 1 when it failed (its output is printed).
measure() {
	local rc
	taskset -c "$client_cpu" "$LOAD" "$2" "$SESSIONS" "$SECS" "${WARMUP:-3}" "${FLOWS:-mix}" \
		>"$KL_DIR/load-$1.out" 2>&1
	rc=$?
	grep '^ussd_load: bad answer' "$KL_DIR/load-$1.out" | sed "s/^/$1: /"
	res=$(grep -o 'RESULT.*' "$KL_DIR/load-$1.out") ||
		{ cat "$KL_DIR/load-$1.out"; echo "$1: load generator failed (exit $rc)"; return 1; }
}
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" ${res#RESULT}"; }
# report [LABEL]: the steps and latency lines of res
report() {
	printf '%ssteps: %s in %s s = %s steps/s (%s sessions finished, %s answers not 200 CON/END)\n' \
		"${1:+$1: }" "$(val steps)" "$(val duration_s)" "$(val steps_per_s)" "$(val sessions)" "$(val bad)"
	printf '%slatency: p50 %s ms, p90 %s ms, p99 %s ms (counted once all %s connections had an answer, %s s in; %s without one since)\n' \
		"${1:+$1: }" "$(val p50_ms)" "$(val p90_ms)" "$(val p99_ms)" "$SESSIONS" "$(val ramp_s)" "$(val stalled)"
	[ "${FLOWS:-mix}" = nav ] ||
		printf '%ssells'"'"' last step%s: p50 %s ms, p99 %s ms\n' "${1:+$1: }" \
			"$([ -n "${1:-}" ] || echo " (answered after its commit)")" "$(val sold_p50_ms)" "$(val sold_p99_ms)"
}

# ---- the peer anchor: the same menus on ussd-builder (Node), same CPU, same load ----
# set up before the rounds, so that each round measures both servers back to back
anchor=0
anchor_skip() { echo "ussd-builder anchor: skipped: $*"; }
# start_node NAME PORT ARGS...: node on CPU 0 (every thread of it), ready when it says so
start_node() {
	local name=$1 port=$2
	shift 2
	kl_start "$name" taskset -c 0 node "$ANCHOR_DIR/server.js" "$port" "$@"
	kl_wait 10 grep -q '^listening' "$KL_DIR/log/$name.log" ||
		{ tail -n 5 "$KL_DIR/log/$name.log"; echo "$name: not listening"; kl_stop "$name"; return 1; }
}
# anchor_setup: the anchor's packages (npm ci from the committed lock file into the build
# dir, again only when it changed) and ussd-builder started; 1, with the reason said, if not
anchor_setup() {
	command -v node >/dev/null || { anchor_skip "node is not installed (apt-get install nodejs npm)"; return 1; }
	command -v npm >/dev/null || { anchor_skip "npm is not installed (apt-get install npm)"; return 1; }
	ANCHOR_DIR=$(dirname "$LOAD")/anchor
	mkdir -p "$ANCHOR_DIR" || { anchor_skip "cannot make $ANCHOR_DIR"; return 1; }
	cp bench/anchor/server.js "$ANCHOR_DIR/" || { anchor_skip "cannot copy bench/anchor/server.js"; return 1; }
	if ! cmp -s bench/anchor/package-lock.json "$ANCHOR_DIR/package-lock.json" ||
		[ ! -d "$ANCHOR_DIR/node_modules/ussd-builder" ]; then
		cp bench/anchor/package.json bench/anchor/package-lock.json "$ANCHOR_DIR/" &&
			(cd "$ANCHOR_DIR" && npm ci --no-audit --no-fund) >"$KL_DIR/log/npm.log" 2>&1 ||
			{ tail -n 5 "$KL_DIR/log/npm.log"; rm -f "$ANCHOR_DIR/package-lock.json"
			  anchor_skip "npm ci failed in $ANCHOR_DIR"; return 1; }
	fi
	read -r anchor_port bare_port <<<"$(kl_py ports 2)"
	start_node ussd-builder "$anchor_port" --people "$KL_DIR/people.csv" --lexicon conf/lexicon.conf \
		--villages conf/demo/villages.csv || return 1
	echo "ussd-builder anchor: $(sed -n 's/^listening [^ ]* (\(.*\))/\1/p' "$KL_DIR/log/ussd-builder.log")," \
		"ussd-builder $(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$ANCHOR_DIR/node_modules/ussd-builder/package.json")," \
		"same menus in memory, on CPU 0, same load"
}
[ "${ANCHOR:-1}" != 0 ] && anchor_setup && anchor=1

# ---- the rounds: langso, then ussd-builder, ROUNDS times ----
# The host's speed drifts by more than the difference between two builds over a minute:
# each round's ratio is of two measurements taken back to back, and the summary gives
# every round, so that one lucky or unlucky period cannot decide it.
rounds=${ROUNDS:-3}
[ "$anchor" = 1 ] || rounds=1
summary=()
for r in $(seq "$rounds"); do
	[ "$rounds" = 1 ] || echo "-- round $r of $rounds"
	measure langso "$KL_HTTP" || exit 1
	report
	[ "$r" = 1 ] && echo "target: >= 40000 steps/s, p99 < 20 ms"
	l_rate=$(val steps_per_s) l_p99=$(val p99_ms) l_bad=$(val bad)
	[ "$anchor" = 1 ] || break
	measure ussd-builder "$anchor_port" || { anchor=0; break; }
	report ussd-builder
	a_rate=$(val steps_per_s) a_p99=$(val p99_ms) a_bad=$(val bad)
	summary+=("$l_rate $a_rate $l_p99 $a_p99")
	[ "$l_bad" = 0 ] && [ "$a_bad" = 0 ] || echo "note: answers not 200 CON/END: langso $l_bad, ussd-builder $a_bad"
done
in_memory=$(curl -s "http://127.0.0.1:$KL_HTTP/metrics" | sed -n 's/^langso_ussd_sessions //p')
kl_stop langso
db=$KL_DIR/langso.db
printf 'database: %s listings, %s inbox rows (finished commands); %s sessions in memory\n' \
	"$(sqlite3 "$db" "select count(*) from listings")" \
	"$(sqlite3 "$db" "select count(*) from inbox where smsc = 'ussd-http'")" \
	"${in_memory:-?}"
[ "$anchor" = 1 ] || [ "${#summary[@]}" -gt 0 ] || exit 0
kl_stop ussd-builder
sed -n 's/^in memory: /ussd-builder: in memory at the end: /p' "$KL_DIR/log/ussd-builder.log"

if [ "${BARE:-1}" != 0 ] && start_node bare-node "$bare_port" --bare; then
	if measure bare-node "$bare_port"; then
		printf 'reference, bare Node http (a fixed screen, no menu, no session): %s steps/s; p50 %s ms, p99 %s ms\n' \
			"$(val steps_per_s)" "$(val p50_ms)" "$(val p99_ms)"
	fi
	kl_stop bare-node
fi

# langso / ussd-builder, round by round, against issue 14's target
printf '%s\n' "${summary[@]}" | awk -v flows="${FLOWS:-mix}" '{
	n++; ratio[n] = $2 > 0 ? $1 / $2 : 0; fast += ratio[n] >= 2; low += $3 <= $4
	printf "round %d: langso / ussd-builder (%s): %.2fx steps/s (%d vs %d); p99 %.1f vs %.1f ms\n",
		n, flows, ratio[n], $1, $2, $3, $4
} END {
	for (i = 1; i <= n; i++)		# the median of the ratios (insertion sort)
		for (j = i; j > 1 && ratio[j] < ratio[j - 1]; j--) { t = ratio[j]; ratio[j] = ratio[j - 1]; ratio[j - 1] = t }
	med = n % 2 ? ratio[(n + 1) / 2] : (ratio[n / 2] + ratio[n / 2 + 1]) / 2
	printf "langso / ussd-builder (%s), median of %d rounds: %.2fx steps/s   target >= 2x: met in %d of %d\n",
		flows, n, med, fast, n
	printf "p99: langso no higher than ussd-builder in %d of %d rounds\n", low, n
}'
exit 0
