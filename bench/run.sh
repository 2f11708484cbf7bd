#!/usr/bin/env bash
# Runs every benchmark and prints its figures (make bench). Benchmarks never
# assert timings; they print what they measured on this machine.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build/release}
echo "== broadcast enqueue (bench_broadcast)"
"$B/bench/bench_broadcast" 100000 "${TMPDIR:-/tmp}" || echo "bench_broadcast failed"
for b in bench/*.sh; do
  [ "$(basename "$b")" = run.sh ] && continue
  echo "== $(basename "$b" .sh)"
  bash "$b" || echo "$(basename "$b") failed"
done
