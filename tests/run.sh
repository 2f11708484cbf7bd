#!/usr/bin/env bash
# Runs every unit test binary in $TESTBIN and every integration script in
# $IT_DIR/test_*.sh (default tests/it), counts "ok NAME" / "FAIL NAME" lines and
# ends with the plain "N passed, N failed" line. Exit 1 if anything failed.
# Every unit binary runs under a time limit (UNIT_TIMEOUT seconds, default 120;
# IT_TIMEOUT, default 600, for the scripts), so a deadlock fails with its name
# instead of hanging make check. A binary or script that exits 0 without a
# single "ok"/"FAIL" line has tested nothing and counts as a failure; exit 77
# is a skip. The runner's own test is tests/it/test_runner.sh.
set -u
cd "$(dirname "$0")/.." || exit 99
: "${TESTBIN:?}" "${LANGSO:?}"
export LANGSO TESTBIN
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
IT_TIMEOUT=${IT_TIMEOUT:-600}
IT_DIR=${IT_DIR:-tests/it}
pass=0; fail=0; skipped=0
log=$(mktemp -d /tmp/langso-run.XXXXXX)
count() {  # name, output file, exit code, time limit
  local p f
  p=$(grep -c '^ok ' "$2"); f=$(grep -c '^FAIL ' "$2")
  if [ "$3" -eq 77 ]; then skipped=$((skipped + 1)); echo "SKIP $1"; return; fi
  # timeout(1) answers 124 after TERM, 137 when it had to KILL
  if [ "$3" -eq 124 ] || [ "$3" -eq 137 ]; then
    f=$((f + 1)); echo "FAIL $1 (still running after the ${4}s limit: killed)"
  elif [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1; echo "FAIL $1 (exit $3)"
  elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    f=1; echo "FAIL $1 (ran zero checks)"
  fi
  pass=$((pass + p)); fail=$((fail + f))
}
only=${TESTS:-}
for t in "$TESTBIN"/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  [ -n "$only" ] && [[ " $only " != *" $name "* ]] && continue
  t0=$SECONDS
  timeout -k 5 "$UNIT_TIMEOUT" "$t" >"$log/$name.out" 2>"$log/$name.err"; rc=$?
  sed 's/^/  /' "$log/$name.out" | grep -v '^  ok ' ; grep -q . "$log/$name.err" && sed 's/^/  | /' "$log/$name.err" | head -40
  count "$name" "$log/$name.out" $rc "$UNIT_TIMEOUT"
  echo "$name: $(grep -c '^ok ' "$log/$name.out") ok ($((SECONDS - t0)) s)"
done
if [ -z "${UNIT_ONLY:-}" ]; then
  for t in "$IT_DIR"/test_*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    [ -n "$only" ] && [[ " $only " != *" $name "* ]] && continue
    t0=$SECONDS
    timeout -k 5 "$IT_TIMEOUT" bash "$t" >"$log/$name.out" 2>"$log/$name.err"; rc=$?
    grep -v '^ok ' "$log/$name.out" | sed 's/^/  /'
    if [ $rc -ne 0 ]; then sed 's/^/  | /' "$log/$name.err" | tail -60; fi
    count "$name" "$log/$name.out" $rc "$IT_TIMEOUT"
    echo "$name: $(grep -c '^ok ' "$log/$name.out") ok ($((SECONDS - t0)) s)"
  done
fi
rm -rf "$log"
echo "# ${VARIANT:-release}: the run took $SECONDS s"
echo "${VARIANT:-release}: $pass passed, $fail failed${skipped:+, $skipped skipped}"
[ "$fail" -eq 0 ]
