#!/usr/bin/env bash
# Connection exhaustion (issue 9): about 1,030 slow connections (a byte now and then) used to
# lock every other client, smsbox included, out of langso indefinitely. Now
#  (a) clients outside [http] allow are refused when they connect: with 1,100 slow
#      connections open from 127.0.0.2, an MO from an allowed address is answered within 1 s;
#  (b) one allowed address holds at most max_connections_per_client connections (the rest
#      are closed at once) and the others are still served;
#  (c) a request must be whole within request_timeout seconds, however slowly it trickles
#      in (MHD's own timeout only counts silence).
. "$(dirname "$0")/lib.sh"
SLOW=${SLOW:-1100}
PER_CLIENT=50
REQ_TIMEOUT=3
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
it_setup
sed -i "s/^allow = .*/allow = 127.0.0.1, 127.0.0.3\nmax_connections_per_client = $PER_CLIENT\nrequest_timeout = $REQ_TIMEOUT/" "$CONF"
it_import_demo || exit 1
it_start_langso

# field VALUE-FILE KEY: one figure of slow_clients.py's report
field() { sed -n "s/.*$2=\([0-9]*\).*/\1/p" "$1" 2>/dev/null; }
reported_at_least() { local v; v=$(field "$1" "$2"); [ -n "$v" ] && [ "$v" -ge "$3" ]; }
# timed_mo ID: an MO from 127.0.0.1; prints "STATUS SECONDS"
timed_mo() {
	curl -sS -o /dev/null --max-time 3 -w '%{http_code} %{time_total}' \
		"http://127.0.0.1:$KL_HTTP/kannel/mo?from=0912000401&text=HD&id=$1" 2>/dev/null
}
within_1s() { [ "${1%% *}" = 200 ] && awk -v t="${1#* }" 'BEGIN { exit !(t < 1.0) }'; }

# (a) 1,100 slow connections from an address outside allow
kl_start slow_outside "$KL_PYTHON" "$IT_ROOT/tests/it/slow_clients.py" 127.0.0.2 "$KL_HTTP" "$SLOW" \
	"$T/outside" "$T/stop_outside"
kl_wait 60 reported_at_least "$T/outside" connected "$SLOW" || note "outside: $(cat "$T/outside" 2>/dev/null)"
sleep 1
r=$(timed_mo ex-a)
note "MO with $SLOW slow connections from 127.0.0.2 open: status and seconds: $r; clients: $(cat "$T/outside")"
check "an allowed MO is answered 200 within 1 s while $SLOW slow clients outside allow are connected" within_1s "$r"
check "every connection from outside allow is closed by langso" kl_wait 5 reported_at_least "$T/outside" closed "$SLOW"
touch "$T/stop_outside"; kl_stop slow_outside

# (b) an allowed address holds at most PER_CLIENT connections
kl_start slow_inside "$KL_PYTHON" "$IT_ROOT/tests/it/slow_clients.py" 127.0.0.3 "$KL_HTTP" $((PER_CLIENT + 10)) \
	"$T/inside" "$T/stop_inside"
kl_wait 20 reported_at_least "$T/inside" connected $((PER_CLIENT + 10))
sleep 1
note "allowed slow client 127.0.0.3, 1 s later: $(cat "$T/inside")"
check_eq "one allowed address keeps $PER_CLIENT connections, the 10 over are closed" \
	"$(field "$T/inside" open)/$(field "$T/inside" closed)" "$PER_CLIENT/10"
r=$(timed_mo ex-b)
check "another allowed address is still answered within 1 s ($r)" within_1s "$r"

# (c) the trickling requests are cut request_timeout after they started
check "trickled requests are cut after request_timeout ($REQ_TIMEOUT s)" \
	kl_wait $((REQ_TIMEOUT + 2)) reported_at_least "$T/inside" closed $((PER_CLIENT + 10))
touch "$T/stop_inside"; kl_stop slow_inside
check_eq "both MOs are in the inbox" "$(q "select count(*) from inbox where kannel_id like 'ex-%'")" 2
exit 0
