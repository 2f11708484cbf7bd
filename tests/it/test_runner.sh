#!/usr/bin/env bash
# The runner's self-test (issue 13): tests/run.sh on a made-up suite of a unit
# binary that deadlocks (tests/selftest/test_hang.c), one that checks nothing
# (test_empty.c), a skip, a passing one, and two scripts, one of which checks
# nothing. The runner must name the deadlocked binary within its time limit
# (UNIT_TIMEOUT=2 here), kill it, fail the silent ones, and still finish.
. "$(dirname "$0")/lib.sh"

SELF=$(cd "$TESTBIN/../selftest" 2>/dev/null && pwd)
[ -x "$SELF/test_hang" ] && [ -x "$SELF/test_empty" ] || { fail "self-test binaries are built in $TESTBIN/../selftest"; exit 1; }
mkdir -p "$T/bin" "$T/it"
cp "$SELF/test_hang" "$SELF/test_empty" "$T/bin/"
printf '#!/bin/sh\necho "ok fine"\n' >"$T/bin/test_fine"
printf '#!/bin/sh\necho "# nothing to test here"\nexit 77\n' >"$T/bin/test_skipme"
chmod +x "$T/bin/test_fine" "$T/bin/test_skipme"
printf 'echo "ok talks"\n' >"$T/it/test_talks.sh"
printf 'echo "# says something but checks nothing"\n' >"$T/it/test_quiet.sh"

start=$(date +%s)
# the outer timeout only keeps a broken runner from hanging this test
env -u TESTS -u UNIT_ONLY HANG_PIDFILE=$T/hang.pid UNIT_TIMEOUT=2 IT_DIR=$T/it TESTBIN=$T/bin \
	timeout 60 bash tests/run.sh >"$T/out" 2>&1; rc=$?
elapsed=$(( $(date +%s) - start ))
sed 's/^/# /' "$T/out"

check_eq "the runner fails a suite with a deadlocked binary" "$rc" 1
check "the deadlocked binary is named as killed at the limit" \
	grep -q '^FAIL test_hang (still running after the 2s limit: killed)$' "$T/out"
check "the runner finishes within the limit plus the kill grace ($elapsed s)" test "$elapsed" -le 15
pid=$(cat "$T/hang.pid" 2>/dev/null)
check "the deadlocked case did run (pid $pid)" test -n "$pid"
# gone, or a zombie nobody reaped (where PID 1 is not a real init, as in some containers)
gone() { [ -n "$1" ] && { [ ! -d "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }; }
check "no deadlocked process is left running" gone "$pid"
check "a unit binary that ran zero checks fails" grep -q '^FAIL test_empty (ran zero checks)$' "$T/out"
check "a script that ran zero checks fails" grep -q '^FAIL test_quiet (ran zero checks)$' "$T/out"
check "exit 77 is a skip, not a failure" grep -q '^SKIP test_skipme$' "$T/out"
check_eq "the summary counts them" "$(tail -n 1 "$T/out")" "${VARIANT:-release}: 3 passed, 3 failed, 1 skipped"
