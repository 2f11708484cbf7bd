#!/usr/bin/env bash
# bench/parser.sh - parser throughput and cost per message.
#   1. builds bench_parser (release, B=build/bench-parser unless B is set),
#   2. runs it pinned to one core for ~2 s: messages per second
#      (target >= 200,000),
#   3. runs a fixed number of rounds over tests/parser/cases.txt under
#      valgrind --tool=callgrind and divides the instructions spent in
#      parser_parse (inclusive) by the messages parsed (target < 20,000).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build/bench-parser}
ROUNDS=${ROUNDS:-20}
make -s B="$B" VARIANT=release "$B/bench/bench_parser" >/dev/null
bin="$B/bench/bench_parser"
if command -v taskset >/dev/null; then taskset -c 0 "$bin"; else "$bin"; fi
if ! command -v valgrind >/dev/null; then
	echo "valgrind not installed: no instruction count" >&2
	exit 0
fi
out=$(mktemp /tmp/callgrind.parser.XXXXXX)
msgs=$(valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$ROUNDS" 2>/dev/null |
	awk '/messages parsed/ {print $1}')
ir=$(callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
	awk '/:parser_parse / && !done {gsub(",", "", $1); print $1; done = 1}')
total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
rm -f "$out"
echo "callgrind: $msgs messages, parser_parse $ir instructions inclusive:" \
	"$((ir / msgs)) instructions/message (whole program incl. setup: $((total / msgs)))"
