# tests/it/lib.sh - sourced by every tests/it/test_*.sh.
# Each test gets its own mktemp -d, free loopback ports, a rendered kannel.conf and
# langso.conf, and its own bearerbox, smsbox, fakesmsc and `langso serve` (the Kannel
# plumbing is scripts/kannel-lib.sh). Checks print "ok NAME" or "FAIL NAME" (tests/run.sh
# counts them). On exit, whatever way it comes, everything the test started is stopped by
# PID, the logs are scanned for sanitizer reports, and on failure the logs are dumped to
# stderr. Exit status: 0 all passed, 1 something failed, 77 Kannel is not installed.
#
# Env: LANGSO (langso binary, default build/langso), KEEP=1 keeps the temp dir.
#
# Helpers (see also kl_* in scripts/kannel-lib.sh):
#   it_need_kannel                 exit 77 unless bearerbox, smsbox and fakesmsc are installed
#   it_setup [KL_X=v ...]          pick ports (once), render $T/kannel.conf and $CONF (langso);
#                                  KL_MODE=box: langso as a box of bearerbox, no smsbox
#   it_import_demo [people]        conf/demo villages (and people) into $DB
#   it_start_all [ENV=v ...]       langso (with ENV, e.g. LANGSO_TEST_MO_DELAY_MS=3000) + Kannel
#   kl_stop NAME / kl_kill9 NAME / kl_start_smsbox / it_start_langso   one process by saved PID
#   mo PHONE TEXT [text|ucs2]      an MO through fakesmsc (non-ASCII goes as UCS-2)
#   reply PHONE N [SECONDS]        print the N-th whole MT to PHONE (UCS-2 and parts decoded)
#   kl_mts PHONE, kl_mt_count PHONE, kl_py all|mts-coding LOG ...   every MT so far
#   q SQL, row_counts              sqlite3 on the test's database
#   ok/fail/check/check_eq/check_match NAME ...                     one "ok"/"FAIL" line each
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
			# on stdout: the runner shows all of it, but only the tail of stderr
			# (where the logs are dumped), so the report itself was cut off in CI
			grep -a -A30 -e 'AddressSanitizer' -e 'runtime error:' -e 'LeakSanitizer' "$f" |
				head -40 | cut -c1-200 | sed 's/^/#   /'
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

# ---- USSD over SMPP (issue 6): bearerbox binds to tests/it/smpp_smsc.pl instead of fakesmsc ---
# it_smpp_setup: pick a port for the SMSC simulator and render kannel.conf with an SMPP smsc
# group and the USSD TLVs (kannel.md §6); call after it_setup.
it_smpp_setup() {
	IT_SMPP_PORT=$(kl_py ports 1) || exit 99
	IT_SMPP_FIFO=$T/run/smpp.fifo
	IT_SMPP_LOG=$T/log/smpp_smsc.jsonl
	local tmp=$T/kannel.conf.fake
	mv "$T/kannel.conf" "$tmp"
	# the fake smsc group is replaced, everything else (core, smsbox, service) is kept
	awk -v port="$IT_SMPP_PORT" '
		/^group = smsc$/ { skip = 1
			print "group = smsc"; print "smsc = smpp"; print "smsc-id = SMPP"
			print "host = 127.0.0.1"; print "port = " port; print "transceiver-mode = true"
			print "smsc-username = kannel"; print "smsc-password = secret"
			print "system-type = \"\""; print "enquire-link-interval = 30"
			print "reconnect-delay = 1"; print ""
			print "group = smpp-tlv"; print "name = ussd_service_op"; print "tag = 0x0501"
			print "type = integer"; print "length = 1"; print ""
			print "group = smpp-tlv"; print "name = its_session_info"; print "tag = 0x1383"
			print "type = octetstring"; print "length = 2"; next }
		skip && /^$/ { skip = 0 }
		!skip { print }' "$tmp" >"$T/kannel.conf"
}

it_smpp_ready() { grep -q '"ev":"listening"' "$IT_SMPP_LOG" 2>/dev/null; }
# it_smpp_start: the simulator, langso, bearerbox (bound over SMPP) and smsbox (http mode)
it_smpp_start() {
	kl_start smpp_smsc perl "$IT_ROOT/tests/it/smpp_smsc.pl" "$IT_SMPP_PORT" "$IT_SMPP_FIFO" "$IT_SMPP_LOG"
	kl_wait 20 it_smpp_ready || { fail "SMPP simulator listens"; exit 1; }
	it_start_langso "$@"
	kl_start_bearerbox || { fail "bearerbox starts"; exit 1; }
	kl_wait 20 kl_status_has 'SMPP:.*(online' || { fail "bearerbox binds to the SMPP simulator"; exit 1; }
	if [ "${KL_MODE:-http}" = box ]; then
		kl_wait 20 kl_box_online || { fail "langso's box is on-line in bearerbox"; exit 1; }
	else
		kl_start_smsbox || { fail "smsbox starts"; exit 1; }
	fi
}

# smpp_mo FROM OP SESSION TEXT: an MO from the operator; OP '-' is a plain SMS, 1 a USSD
# dial, 18 a USSD answer; SESSION is its_session_info (decimal) or '-'
smpp_mo() { printf 'MO %s %s %s %s %s\n' "$1" "${IT_USSD_CODE:-*868#}" "$2" "$3" "$4" >"$IT_SMPP_FIFO"; }

# smpp_mts PHONE: every submit_sm to PHONE so far, one a line: "op<TAB>session<TAB>text"
# (op and session as hex from the TLVs, "-" when absent; newlines in text as |)
smpp_mts() {
	"${KL_PYTHON:-python3}" - "$IT_SMPP_LOG" "${1#+}" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    if e.get("ev") != "submit_sm" or e.get("to", "").lstrip("+") != sys.argv[2]:
        continue
    t = e.get("tlv", {})
    print("%s\t%s\t%s" % (t.get("0x0501", "-"), t.get("0x1383", "-"), e.get("text", "").replace("\n", "|")))
PY
}
smpp_mt_has() { [ "$(smpp_mts "$1" | wc -l)" -ge "$2" ]; }
# smpp_mt_wait PHONE N [SECONDS]: the N-th submit_sm to PHONE (see smpp_mts); 1 on timeout
smpp_mt_wait() {
	kl_wait "${3:-10}" smpp_mt_has "$1" "$2" || return 1
	smpp_mts "$1" | sed -n "${2}p"
}

# ussd_post SESSION PHONE TEXT: one POST /ussd step (Africa's Talking form); prints the body
ussd_post() {
	curl -sS --max-time 10 -X POST "http://127.0.0.1:$KL_HTTP/ussd" \
		--data-urlencode "sessionId=$1" --data-urlencode "serviceCode=${IT_USSD_CODE:-*868#}" \
		--data-urlencode "phoneNumber=$2" --data-urlencode "text=$3"
}
