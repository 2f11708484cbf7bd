#!/usr/bin/env bash
# bench/kannel.sh [N] - end-to-end MO -> reply throughput through real Kannel, three ways
# in one run on the same bearerbox:
#   static      Kannel's own static `text =` service in smsbox (keyword "static", no HTTP):
#               the baseline, Kannel alone
#   langso http langso in [kannel] mode = http: smsbox hands each MO to langso (GET
#               /kannel/mo), the reply goes back in the HTTP answer
#   langso box  langso in mode = box: bearerbox hands each MO to langso's box connection
#               (smsbox-route for 8055), the reply goes back as an mt_reply; no smsbox on
#               the way (smsbox stays connected, idle)
# fakesmsc (command-line mode, -i 0: as fast as it can) sends N MOs (default 20000); the
# first two go to 9055 (smsbox's services), the box run to 8055 (langso's route). The rate is
# measured as in the Kannel notes: N / (time from starting fakesmsc until bearerbox's status
# page counts every reply as sent), polled every 0.2 s. Prints the rates and the ratios
# langso/static; asserts no timing.
#
# Kannel runs with log-level 2; langso gets a fresh database with the demo villages.
# Env: LANGSO (binary, default build/langso), BENCH_TEXT (MO text for langso, default
# "DK LD02 Nong Van Hai"), BENCH_PHONES (distinct senders, default 50), KEEP=1 keeps the
# temp dir. Every process started here is stopped on exit.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
. scripts/kannel-lib.sh
N=${1:-20000}
TEXT=${BENCH_TEXT:-DK LD02 Nong Van Hai}
PHONES=${BENCH_PHONES:-50}
LANGSO=${LANGSO:-$ROOT/build/langso}
[ -x "$KL_BEARERBOX" ] || { echo "bench/kannel.sh: Kannel is not installed" >&2; exit 77; }
[ -x "$LANGSO" ] || { echo "bench/kannel.sh: no langso binary at $LANGSO" >&2; exit 1; }

KL_LOG_LEVEL=2
KL_EXTRA_SERVICES='
group = sms-service
name = static
keyword = static
text = "Cam on"
catch-all = true
max-messages = 1'
kl_bench_dir bench

# Kannel with langso's smsbox-route (box mode), langso first in http mode
KL_MODE=box kl_render_kannel "$KL_DIR/kannel.conf"
KL_MODE=http
kl_render_langso "$KL_DIR/langso.conf"
"$LANGSO" import villages -c "$KL_DIR/langso.conf" conf/demo/villages.csv >"$KL_DIR/log/import.log" 2>&1 \
	|| { cat "$KL_DIR/log/import.log"; exit 1; }
kl_start_langso || { tail "$KL_DIR/log/langso.log"; exit 1; }
kl_start_bearerbox && kl_start_smsbox || exit 1

now() { date +%s.%N; }
# fakesmsc picks one of its message arguments at random for every MO: one per sender,
# each a valid Vietnamese mobile number (its -z option would append random digits)
mo_args() {
	local i
	for i in $(seq 1 "$PHONES"); do printf '+8491200%04d %s text %s\n' "$i" "$TO" "$1"; done
}
# fsmsc COUNT TEXT: start a command-line fakesmsc in the background (FPID)
fsmsc() {
	local args=()
	mapfile -t args < <(mo_args "$2")
	"$KL_FAKESMSC" -H 127.0.0.1 -r "$KL_SMSC" -i 0 -m "$1" "${args[@]}" >"$KL_DIR/log/fakesmsc-$3.log" 2>&1 &
	FPID=$!
}
fsmsc_stop() {
	kill -INT "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null; FPID=
	# the next fakesmsc may connect once bearerbox has noticed this one is gone
	kl_wait 20 bash -c "! curl -fsS --max-time 1 'http://127.0.0.1:$KL_ADMIN/status.txt?password=$KL_STATUS_PW' | grep -q 'FAKE:$KL_SMSC (online'"
}

# parts NAME TEXT: one MO; PARTS = how many SMS its reply takes (bearerbox 'sent' delta)
parts() {
	local s0 s1 prev
	s0=$(kl_sent)
	fsmsc 1 "$2" "$1-warmup"
	kl_wait 20 kl_sent_above "$s0" || { echo "$1: no reply to a single MO; see $KL_DIR/log" >&2; return 1; }
	# parts of one concatenated reply are sent back to back: wait until the count settles
	prev=-1; s1=$(kl_sent)
	while [ "$s1" != "$prev" ]; do prev=$s1; sleep 0.5; s1=$(kl_sent); done
	fsmsc_stop
	PARTS=$((s1 - s0))
}
kl_sent_above() { local s; s=$(kl_sent); [ -n "$s" ] && [ "$s" -gt "$1" ]; }

# cpu NAME: CPU seconds (user + system) the process has used so far
cpu() { local pid; pid=$(kl_pid "$1") && awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat" 2>/dev/null || echo 0; }
cpus() { echo "$(cpu bearerbox) $(cpu smsbox) $(cpu langso)"; }

# run NAME TEXT: RATE = end-to-end msg/s
run() {
	local name=$1 text=$2 p s0 want t0 t1 s secs
	parts "$name" "$text" || return 1
	p=$PARTS
	s0=$(kl_sent); want=$((s0 + N * p))
	local c0; c0=$(cpus)
	t0=$(now)
	fsmsc "$N" "$text" "$name"
	while :; do
		s=$(kl_sent)
		[ -n "$s" ] && [ "$s" -ge "$want" ] && break
		if [ "$(echo "$(now) - $t0 > 600" | bc)" = 1 ]; then
			echo "$name: TIMEOUT after 600 s: $((s - s0)) of $((N * p)) replies sent" >&2; fsmsc_stop; return 1
		fi
		sleep 0.2
	done
	t1=$(now)
	sleep 1   # let fakesmsc read the last replies before it prints its statistics
	fsmsc_stop
	secs=$(echo "$t1 - $t0" | bc)
	printf '%s: %d MOs, %d reply SMS each, all %d replies sent after %.2f s = %.0f msg/s end-to-end\n' \
		"$name" "$N" "$p" "$((N * p))" "$secs" "$(echo "$N / $secs" | bc -l)"
	grep -a -E 'messages sent and|first to last received' "$KL_DIR/log/fakesmsc-$name.log" | sed 's/.*INFO: /    /'
	# shellcheck disable=SC2046
	printf '    CPU seconds during the run: bearerbox %.2f, smsbox %.2f, langso %.2f (of %.2f wall x %d CPUs)\n' \
		$(paste -d- <(tr ' ' '\n' <<<"$(cpus)") <(tr ' ' '\n' <<<"$c0") | bc) "$secs" "$(nproc)"
	RATE=$(echo "$N / $secs" | bc -l)
}

echo "bench/kannel.sh: N=$N, langso text \"$TEXT\" from $PHONES phones, Kannel log-level 2, $(nproc) CPUs"
TO=9055
run static "static gia lua" || exit 1; r_static=$RATE
run langso-http "$TEXT" || exit 1; r_http=$RATE
# langso again, now as a box of bearerbox (same database: the MO ids are new)
kl_stop langso
KL_MODE=box
kl_render_langso "$KL_DIR/langso.conf"
kl_start_langso || { tail "$KL_DIR/log/langso.log"; exit 1; }
kl_wait 20 kl_box_online || { echo "langso's box did not connect" >&2; exit 1; }
TO=8055
run langso-box "$TEXT" || exit 1; r_box=$RATE
inbox=$(sqlite3 "$KL_DB" 'select count(*) from inbox' 2>&1)
printf 'static text service      : %8.0f msg/s\n' "$r_static"
printf 'langso http (get-url)    : %8.0f msg/s\n' "$r_http"
printf 'langso box               : %8.0f msg/s\n' "$r_box"
printf 'ratio langso http/static : %8.2f   (target >= 0.50)\n' "$(echo "$r_http / $r_static" | bc -l)"
printf 'ratio langso box/static  : %8.2f   (target >= 0.90)\n' "$(echo "$r_box / $r_static" | bc -l)"
echo "langso inbox rows: $inbox (expected $((2 * N + 2)))"
kl_status | grep -E '^SMS: (received|inbound)'
