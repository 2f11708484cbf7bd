#!/usr/bin/env bash
# issue 14: a kill -9 in the middle of the USSD benchmark loses no finished command and every
# session that was mid-way is offered to resume. bench/ussd_load.c plays N keep-alive POST
# /ussd sessions (sell, search, price) for N registered households, each user thinking up to
# 20 ms between steps, with JOURNAL set: every END answered for a sell ("Da dang tin #N") is
# logged as it comes, and at the kill each connection's last state (mid-way at a screen, a
# step in flight, ended). langso is killed with SIGKILL about 3 s in, then restarted on the
# same database and sessions file (<db>-ussd); tests/it/ussd_kill9_check.py then holds it to
# the journal:
#  - every sell answered END is a listing of that phone, each its own; a listing no END named
#    is a sell confirm in flight at the kill, one at most per phone;
#  - of the sell confirms in flight at the kill, half are retried with the same session and
#    text (as an aggregator does): END with the listing committed before the kill, or a new
#    one if none was, and a second retry gets the same answer; half are redialled (a new
#    session, as a user does): not offered to resume when the sell was committed, else offered
#    and 1 continues at the confirm screen, whose confirm is then a new listing;
#  - a new session of every phone that was mid-way is offered to resume, and 1 continues at the
#    screen the session was at (the one its history shows when replayed; for a step in flight,
#    the screen before it or after it); a phone whose session ended (or was at home) is not;
#  - the listings are exactly those: none lost, none twice;
#  - PRAGMA integrity_check, right after the kill and at the end.
# No Kannel: POST /ussd only. Env: USSD_KILL9_N (households and connections, default 300).
. "$(dirname "$0")/lib.sh"
N=${USSD_KILL9_N:-300}
case $LANGSO in
*/build/langso) LOAD=$IT_ROOT/build/release/bench/ussd_load ;;
*) LOAD=$(dirname "$LANGSO")/bench/ussd_load ;;
esac
[ -x "$LOAD" ] || { fail "the load generator is built ($LOAD: make build-tests)"; exit 1; }
it_setup
# N households for the load, one more (the control phone) it never uses
villages=($(tail -n +2 conf/demo/villages.csv | cut -d, -f1))
{
	echo "phone,name,village_code,role"
	for i in $(seq 0 "$N"); do
		printf '+8491300%04d,Ho %d,%s,household\n' "$i" "$i" "${villages[i % ${#villages[@]}]}"
	done
} >"$T/people.csv"
CONTROL=$(printf '+8491300%04d' "$N")
it_import_demo || exit 1
"$LANGSO" import people -c "$CONF" "$T/people.csv" >>"$T/log/import.log" 2>&1 || { fail "import $N households"; exit 1; }
ulimit -n $((N + 256)) 2>/dev/null
# the committer holds its answers 50 ms after each commit (a test seam): the window between
# a sell's commit and its END, which the kill must not lose, is then open most of the time
it_start_langso LANGSO_TEST_MO_DELAY_MS=50
check "the sessions are mapped to <db>-ussd" [ -f "$DB-ussd" ]

J=$T/journal
kl_start ussd_load env JOURNAL="$J" THINK_MS=20 "$LOAD" "$KL_HTTP" "$N" 20 0
load_pid=$(kl_pid ussd_load)
t0=$(date +%s%N)
listed_at_least() { local n; n=$(grep -c '^LISTED ' "$J" 2>/dev/null); [ "${n:-0}" -ge "$1" ]; }
check "sells are answered END under the load" kl_wait 30 listed_at_least 10
# about 3 s into the load, whatever the start took (the load, set for 20 s, stops at the kill)
sleep "$(awk -v d=$(( ($(date +%s%N) - t0) / 1000000 )) 'BEGIN { s = (3000 - d) / 1000; print (s > 0 ? s : 0) }')"
check "the load is still running at the kill" kl_alive ussd_load
# the load is held while the kernel takes langso down (its memory first, then its sockets:
# long under ASan), so that a step it sends is not counted as in flight to a dead daemon
kill -STOP "$load_pid"
before=$(grep -c '^LISTED ' "$J")
kl_kill9 langso
kill -CONT "$load_pid"
note "killed langso with SIGKILL $(( ($(date +%s%N) - t0) / 1000000 )) ms into the load, $before sells answered END read by then"
wait "$load_pid"
check_eq "the load generator stops at the kill and exits 0" "$?" 0
rm -f "$T/run/ussd_load.pid"
check "the load generator prints its RESULT line" grep -q '^RESULT ' "$T/log/ussd_load.log"
check_eq "every connection was closed by the kill" "$(grep '^STOP ' "$J")" "STOP closed=$N open=0"
check_eq "integrity_check right after the kill" "$(q 'PRAGMA integrity_check')" ok

it_start_langso
while IFS= read -r line; do
	case $line in
	"ok "*) ok "${line#ok }" ;;
	"FAIL "*) fail "${line#FAIL }" ;;
	COUNTS*) note "after the kill: ${line#COUNTS }" ;;
	*) echo "$line" ;;
	esac
done < <("${KL_PYTHON:-python3}" "$IT_ROOT/tests/it/ussd_kill9_check.py" "$J" "$KL_HTTP" "$DB" "$CONTROL" 2>&1 ||
	echo "FAIL ussd_kill9_check.py ran to its end (exit $?)")
note "load: $(grep '^RESULT ' "$T/log/ussd_load.log")"
check_eq "integrity_check after the restart" "$(q 'PRAGMA integrity_check')" ok
exit 0
