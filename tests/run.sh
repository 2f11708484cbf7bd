#!/usr/bin/env bash
# Runs every unit test binary in $TESTBIN and every integration script in
# tests/it/*.sh, counts "ok NAME" / "FAIL NAME" lines and ends with the plain
# "N passed, N failed" line. Exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.." || exit 99
: "${TESTBIN:?}" "${LANGSO:?}"
export LANGSO TESTBIN
pass=0; fail=0; skipped=0
log=$(mktemp -d /tmp/langso-run.XXXXXX)
count() {  # name, output file, exit code
  local p f
  p=$(grep -c '^ok ' "$2"); f=$(grep -c '^FAIL ' "$2")
  if [ "$3" -eq 77 ]; then skipped=$((skipped + 1)); echo "SKIP $1"; return; fi
  if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL $1 (exit $3)"; fi
  pass=$((pass + p)); fail=$((fail + f))
}
only=${TESTS:-}
for t in "$TESTBIN"/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  [ -n "$only" ] && [[ " $only " != *" $name "* ]] && continue
  "$t" >"$log/$name.out" 2>"$log/$name.err"; rc=$?
  sed 's/^/  /' "$log/$name.out" | grep -v '^  ok ' ; grep -q . "$log/$name.err" && sed 's/^/  | /' "$log/$name.err" | head -40
  count "$name" "$log/$name.out" $rc
  echo "$name: $(grep -c '^ok ' "$log/$name.out") ok"
done
if [ -z "${UNIT_ONLY:-}" ]; then
  for t in tests/it/test_*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    [ -n "$only" ] && [[ " $only " != *" $name "* ]] && continue
    timeout 600 bash "$t" >"$log/$name.out" 2>"$log/$name.err"; rc=$?
    grep -v '^ok ' "$log/$name.out" | sed 's/^/  /'
    if [ $rc -ne 0 ]; then sed 's/^/  | /' "$log/$name.err" | tail -60; fi
    count "$name" "$log/$name.out" $rc
    echo "$name: $(grep -c '^ok ' "$log/$name.out") ok"
  done
fi
rm -rf "$log"
echo "${VARIANT:-release}: $pass passed, $fail failed${skipped:+, $skipped skipped}"
[ "$fail" -eq 0 ]
