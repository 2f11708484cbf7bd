#!/usr/bin/env bash
# bench/market.sh [SECONDS] [CONNECTIONS] - the marketplace under load, straight at langso.
#
# bench/market_seed fills a fresh database with 100,000 listings (60 days of a province: 3,000
# households in 60 villages, 20 products, accepted orders, followers); langso serves it and
# wrk (bench/market.lua) drives GET /kannel/mo with the mix of issue 4: 70% searches and
# prices (TIM, TIM page 2, GIA <product>, GIA board), 30% listings and orders (BAN, MUA).
# Prints MO/s and latency percentiles; asserts nothing. Target: >= 3000 MO/s, p99 < 50 ms.
# Env: LANGSO (binary, default build/langso), SEED (seeder, default next to LANGSO:
# $(dirname LANGSO)/bench/market_seed, or build/release/bench/market_seed), LISTINGS (100000),
# WRK_THREADS (1), KEEP=1 keeps the temp dir.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
. scripts/kannel-lib.sh
SECS=${1:-10}
CONNS=${2:-32}
LANGSO=${LANGSO:-$ROOT/build/langso}
LISTINGS=${LISTINGS:-100000}
SEED=${SEED:-$(dirname "$LANGSO")/bench/market_seed}
[ -x "$SEED" ] || SEED=$ROOT/build/release/bench/market_seed
command -v wrk >/dev/null || { echo "bench/market.sh: wrk is not installed (make deps)" >&2; exit 77; }
[ -x "$LANGSO" ] || { echo "bench/market.sh: no langso binary at $LANGSO" >&2; exit 1; }
[ -x "$SEED" ] || { echo "bench/market.sh: no seeder at $SEED (make build-tests)" >&2; exit 1; }

kl_bench_dir bench

kl_render_langso "$KL_DIR/langso.conf"
t0=$(date +%s.%N)
"$SEED" "$KL_DB" "$LISTINGS" 3000 60 || exit 1
printf 'seeded in %.1f s: %s listings (%s open), %s orders\n' "$(echo "$(date +%s.%N) - $t0" | bc)" \
	"$(sqlite3 "$KL_DB" 'select count(*) from listings')" \
	"$(sqlite3 "$KL_DB" "select count(*) from listings where status = 'open'")" \
	"$(sqlite3 "$KL_DB" 'select count(*) from orders')"
kl_start_langso || { tail "$KL_DIR/log/langso.log"; exit 1; }

echo "bench/market.sh: wrk -t${WRK_THREADS:-1} -c$CONNS -d${SECS}s against langso on 127.0.0.1:$KL_HTTP, $(nproc) CPUs"
MO_RUN=$$ LISTINGS=$LISTINGS wrk -t"${WRK_THREADS:-1}" -c"$CONNS" -d"${SECS}s" --latency \
	-s bench/market.lua "http://127.0.0.1:$KL_HTTP/kannel/mo" >"$KL_DIR/wrk.out" 2>&1
rc=$?
kl_wrk_report "$KL_DIR/wrk.out" MO/s ">= 3000 MO/s, p99 < 50 ms" $rc
kl_stop langso
echo "what was answered, by action:"
sqlite3 "$KL_DB" "select '  '||action||' '||count(*) from inbox where kannel_id like 'mk-$$-%' group by action order by count(*) desc"
