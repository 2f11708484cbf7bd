# tests/it/lib.sh - sourced by every tests/it/test_*.sh.
# Each test gets its own mktemp -d, free loopback ports, a rendered kannel.conf and
# langso.conf, and its own bearerbox, smsbox, fakesmsc and `langso serve` (the Kannel
# plumbing is scripts/kannel-lib.sh). Checks print "ok NAME" or "FAIL NAME" (tests/run.sh
# counts them). On exit, whatever way it comes, everything the test started is stopped by
# PID, the logs are scanned for sanitizer reports, and on failure the logs are dumped to
# stderr. Exit status: 0 all passed, 1 something failed, 77 Kannel is not installed.
#
# Env: LANGSO (langso binary, default build/langso), KEEP=1 keeps the temp dir.
set -u
IT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$IT_ROOT" || exit 99
. "$IT_ROOT/scripts/kannel-lib.sh"

LANGSO=${LANGSO:-$IT_ROOT/build/langso}
case $LANGSO in /*) ;; *) LANGSO=$IT_ROOT/$LANGSO ;; esac
IT_NAME=$(basename "$0" .sh)
IT_FAILS=0
IT_CHECKS=0

it_need_kannel() {
	if [ ! -x "$KL_BEARERBOX" ] || [ ! -x "$KL_SMSBOX" ] || [ ! -x "$KL_FAKESMSC" ]; then
		echo "SKIP $IT_NAME: Kannel (bearerbox, smsbox, fakesmsc) is not installed" >&2
		exit 77
	fi
}
for _t in sqlite3 curl python3; do
	command -v "$_t" >/dev/null || { echo "SKIP $IT_NAME: $_t missing" >&2; exit 77; }
done
[ -x "$LANGSO" ] || { echo "FAIL $IT_NAME: no langso binary at $LANGSO"; exit 1; }

KL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/langso-it-$IT_NAME.XXXXXX") || exit 99
T=$KL_DIR
CONF=$T/langso.conf
DB=$T/langso.db
KL_DB=$DB

ok() { IT_CHECKS=$((IT_CHECKS + 1)); echo "ok $*"; }
fail() { IT_CHECKS=$((IT_CHECKS + 1)); IT_FAILS=$((IT_FAILS + 1)); echo "FAIL $*"; }
note() { echo "# $*"; }
# check NAME CMD...: ok if CMD succeeds
check() { local n=$1; shift; if "$@"; then ok "$n"; else fail "$n"; fi; }
# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; echo "#   got:  $2" ; echo "#   want: $3"; fi
}
# check_match NAME GOT GLOB   (bash pattern)
check_match() {
	# shellcheck disable=SC2053
	if [[ $2 == $3 ]]; then ok "$1"; else fail "$1"; echo "#   got:  $2"; echo "#   want: $3"; fi
}

# q SQL: query the test's database (read-only use; langso may be writing)
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$@"; }
row_counts() { q "select (select count(*) from villages)||' '||(select count(*) from people)||' '||(select count(*) from inbox)||' '||(select count(*) from outbox)"; }

# setup [key=value...]: render configs (settings are KL_* variables, see kannel-lib.sh);
# pick ports once per test
it_setup() {
	local kv
	for kv in "$@"; do eval "$kv"; done
	[ -n "${KL_HTTP:-}" ] || kl_pick_ports || exit 99
	kl_defaults
	kl_render_kannel "$T/kannel.conf"
	kl_render_langso "$CONF"
}

# import the demo villages (and people with IT_PEOPLE=1) into the test DB
it_import_demo() {
	"$LANGSO" import villages -c "$CONF" conf/demo/villages.csv >>"$T/log/import.log" 2>&1 || { fail "import demo villages"; cat "$T/log/import.log"; return 1; }
	if [ "${1:-}" = people ]; then
		"$LANGSO" import people -c "$CONF" conf/demo/people.csv >>"$T/log/import.log" 2>&1 || { fail "import demo people"; cat "$T/log/import.log"; return 1; }
	fi
}

# it_start_all: bearerbox, smsbox, fakesmsc and langso; a failure is a FAIL and ends the test
it_start_langso() { kl_start_langso "$@" || { fail "langso serve starts and answers /healthz"; exit 1; }; }
it_start_kannel() { kl_start_kannel || { fail "Kannel (bearerbox, smsbox, fakesmsc) starts"; exit 1; }; }
it_start_all() { it_start_langso "$@"; it_start_kannel; }

# mo PHONE TEXT [text|ucs2]
mo() { kl_mo "$@" || fail "MO from $1 reaches bearerbox"; }
# reply PHONE N [SECONDS]: print the N-th whole MT to PHONE (empty on timeout)
reply() { kl_mt_wait "$@"; }

it_dump_logs() {
	local f
	echo "----- logs of $IT_NAME ($T) -----" >&2
	for f in "$T"/log/*.log; do
		[ -s "$f" ] || continue
		echo "----- $(basename "$f") (last 60 lines) -----" >&2
		tail -n 60 "$f" | cut -c1-400 >&2
	done
}

it_finish() {
	local rc=$? f
	trap - EXIT INT TERM
	kl_stop_all
	for f in "$T"/log/*.log; do
		[ -f "$f" ] || continue
		if grep -aq -e 'AddressSanitizer' -e 'runtime error:' -e 'LeakSanitizer' "$f"; then
			fail "no sanitizer report in $(basename "$f")"
			grep -a -A30 -e 'AddressSanitizer' -e 'runtime error:' -e 'LeakSanitizer' "$f" | head -60 >&2
		fi
	done
	[ "$rc" -ne 0 ] && [ "$IT_FAILS" -eq 0 ] && fail "$IT_NAME ended early (exit $rc)"
	if [ "$IT_FAILS" -ne 0 ]; then
		it_dump_logs
		echo "# $IT_NAME: $IT_FAILS of $IT_CHECKS checks failed; files in $T" >&2
		exit 1
	fi
	[ "${KEEP:-0}" = 1 ] && echo "# kept $T" >&2 || rm -rf "$T"
	exit 0
}
trap it_finish EXIT
trap 'echo "# $IT_NAME: interrupted" >&2; exit 143' INT TERM
