#!/usr/bin/env bash
# Box mode (issue 10): langso is stopped (SIGTERM) and started again STARTS times while
# fakesmsc sends N MOs at a steady pace. Each stop takes no more MOs from bearerbox, lets the
# committer finish, writes the acks of what it committed and closes the connection, so
# bearerbox gives what was not acked to the next langso: every MO ends in the inbox exactly
# once, every one is answered, bearerbox's store ends empty, each langso exits 0 with no
# sanitizer report (lib.sh scans the log).
. "$(dirname "$0")/lib.sh"
it_need_kannel
STARTS=${STARTS:-6}
N=${BOX_RESTART_N:-2000}
it_setup KL_MODE=box
it_import_demo || exit 1
it_start_langso
kl_start_bearerbox || { fail "bearerbox starts"; exit 1; }
check "langso's box is on-line" kl_wait 20 kl_box_online

args=()
for i in $(seq 1 100); do args+=("+849126$(printf %05d "$i") $KL_SHORTCODE text HD"); done
# ~400 MOs a second: the storm lasts through every restart
kl_start fakesmsc_storm "$KL_FAKESMSC" -H 127.0.0.1 -r "$KL_SMSC" -i 0.0025 -m "$N" "${args[@]}"
inbox() { q "select count(*) from inbox"; }
inbox_above() { [ "$(inbox)" -gt "$1" ]; }
exits=""
for i in $(seq 1 "$STARTS"); do
	before=$(inbox)
	kl_wait 10 inbox_above "$before" || true
	pid=$(kl_pid langso)
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	exits="$exits$? "
	rm -f "$T/run/langso.pid"
	it_start_langso
done
check_eq "every langso exited 0 on SIGTERM" "$exits" "$(printf '0 %.0s' $(seq 1 "$STARTS"))"
note "inbox after $STARTS restarts: $(inbox) of $N; bearerbox received $(kl_received)"
store_empty() { kl_status_has 'store size 0'; }
all_in() { [ "$(kl_received)" -ge "$N" ] && [ "$(inbox)" -ge "$N" ] && store_empty; }
check "every MO is stored and acked" kl_wait 60 all_in
replies() { grep -ac 'Got message' "$T/log/fakesmsc_storm.log"; }
replied() { [ "$(replies)" -ge "$N" ]; }
check "every MO is answered" kl_wait 30 replied
sleep 1
check_eq "the inbox holds exactly the $N MOs" "$(inbox)" "$N"
echo "# replies sent twice across $STARTS restarts: $(($(replies) - N))"
check "the stops logged their order" grep -q 'box: connection .* closed: langso is stopping' "$T/log/langso.log"
check_eq "integrity_check" "$(q 'PRAGMA integrity_check')" ok
exit 0
