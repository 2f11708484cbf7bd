#!/usr/bin/env bash
# Start-up race and shutdown use-after-free (issue 9): langso is started and stopped
# (SIGTERM) STARTS times in a row while a load generator keeps sending MOs, before the port
# opens, during start, and through the stop. Each run must start, answer, exit 0 with no
# sanitizer report (lib.sh scans the log), and every MO answered 200 must be in the inbox.
# Before the fix an MO arriving while MHD started called committer_submit(NULL) (segfault),
# and an MO arriving at SIGTERM used the freed committer (heap-use-after-free under ASan).
. "$(dirname "$0")/lib.sh"
STARTS=${STARTS:-20}
it_setup
it_import_demo || exit 1

# load.py PORT OUT STOPFILE THREADS: each thread sends GET /kannel/mo with fresh ids, one
# connection a request, as fast as answers come; "id status" lines for every answer to OUT.
# Refused connections (langso not listening yet, or stopped) are retried at once.
cat >"$T/load.py" <<'PY'
import socket, sys, threading, os
port, out, stop, nthreads = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
lock = threading.Lock()
f = open(out, "a", buffering=1)
def worker(k):
    n = 0
    while not os.path.exists(stop):
        n += 1
        mid = "ss-%d-%d-%d" % (os.getpid(), k, n)
        req = ("GET /kannel/mo?from=%%2B8491%07d&text=HD&id=%s HTTP/1.1\r\nHost: x\r\n"
               "Connection: close\r\n\r\n" % (k * 1000 + n % 1000, mid)).encode()
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(req)
            data = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
            s.close()
        except OSError:
            continue
        if data.startswith(b"HTTP/1."):
            with lock:
                f.write("%s %s\n" % (mid, data.split()[1].decode()))
ts = [threading.Thread(target=worker, args=(k,)) for k in range(nthreads)]
for t in ts: t.start()
for t in ts: t.join()
PY

answered() { local n; n=$(grep -c ' 200$' "$T/answers" 2>/dev/null); echo "${n:-0}"; }
answered_above() { [ "$(answered)" -gt "$1" ]; }

bad_exit=0 not_serving=0
: >"$T/all_answers"
for i in $(seq "$STARTS"); do
	rm -f "$T/stop" "$T/answers"
	: >"$T/answers"
	# the generator is already knocking when langso starts, and still sending when it stops
	kl_start "load$i" "$KL_PYTHON" "$T/load.py" "$KL_HTTP" "$T/answers" "$T/stop" 6
	sleep 0.05
	kl_start langso "$LANGSO" serve -c "$CONF"
	pid=$(kl_pid langso)
	before=$(answered)
	if ! kl_wait 10 answered_above $((before + 20)); then
		not_serving=$((not_serving + 1))
		note "run $i: langso answered no MO within 10 s"
	fi
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"; rc=$?
	rm -f "$KL_DIR/run/langso.pid"
	touch "$T/stop"
	wait "$(kl_pid "load$i")" 2>/dev/null
	rm -f "$KL_DIR/run/load$i.pid"
	if [ "$rc" -ne 0 ]; then
		bad_exit=$((bad_exit + 1))
		note "run $i: langso exited $rc"
	fi
	cat "$T/answers" >>"$T/all_answers"
done

check_eq "$STARTS starts: each one serves MOs" "$not_serving" 0
check_eq "$STARTS stops under load: each exits 0" "$bad_exit" 0
grep ' 200$' "$T/all_answers" | cut -d' ' -f1 | sort -u >"$T/ok_ids"
q "select kannel_id from inbox" | sort -u >"$T/inbox_ids"
n_ok=$(wc -l <"$T/ok_ids")
missing=$(comm -23 "$T/ok_ids" "$T/inbox_ids" | wc -l)
note "$n_ok MOs answered 200 over $STARTS runs; $(grep -vc ' 200$' "$T/all_answers") other answers"
check "MOs were answered 200 ($n_ok)" [ "$n_ok" -ge $((STARTS * 20)) ]
check_eq "every MO answered 200 is in the inbox" "$missing" 0
exit 0
