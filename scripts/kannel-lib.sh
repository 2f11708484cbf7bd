# scripts/kannel-lib.sh - a loopback Kannel (bearerbox + smsbox + fakesmsc) wired to langso.
# Sourced (never run) by tests/it/lib.sh, scripts/demo, scripts/sms and bench/*.sh.
# It renders kannel.conf and langso.conf, starts processes in the background with their
# output in $KL_DIR/log/NAME.log and their PID in $KL_DIR/run/NAME.pid, polls each one for
# readiness (never a fixed sleep), stops them by saved PID only, and talks to an
# interactive fakesmsc through a FIFO. It is not a supervisor: nothing is restarted.
#
# Settings (shell variables; set before kl_render_*, defaults in kl_defaults):
#   KL_DIR                   work dir: run/ log/ store/ and the rendered configs
#   KL_ADMIN KL_BOX KL_SMSC KL_SENDSMS KL_HTTP   bearerbox admin, smsbox link, fake SMSC,
#                            sendsms and langso ports (all on 127.0.0.1)
#   KL_MODE=http|box         how langso talks to Kannel: http (smsbox's sms-service, sendsms;
#                            the default here, what the older tests exercise) or box (langso is
#                            a box of bearerbox: no smsbox is started; kannel.md §9)
#   KL_MAX_PENDING           box mode: bearerbox's smsbox-max-pending (MOs a box has unacked)
#   KL_SERVICE=get|post      how smsbox hands MOs to langso (get-url or post-url)
#   KL_MO_RECODE=0|1         smsbox mo-recode (UCS-2 MOs arrive as UTF-8 instead of UTF-16BE)
#   KL_HTTP_RETRY KL_HTTP_DELAY KL_HTTP_TIMEOUT   smsbox http-request-retry/-queue-delay/-timeout
#   KL_LOG_LEVEL             Kannel log level (0 debug .. 2 warning)
#   KL_EXTRA_SERVICES        text appended to kannel.conf (more sms-service groups)
#   KL_TOKEN                 langso [http] token (appended to the get-url when set)
#   KL_RATE                  langso [broadcast] rate
#   KL_DB                    langso database path
#   LANGSO                   langso binary
KL_BEARERBOX=${KL_BEARERBOX:-/usr/sbin/bearerbox}
KL_SMSBOX=${KL_SMSBOX:-/usr/sbin/smsbox}
KL_FAKESMSC=${KL_FAKESMSC:-/usr/lib/kannel/test/fakesmsc}
KL_STATUS_PW=${KL_STATUS_PW:-status-$$}
KL_ADMIN_PW=${KL_ADMIN_PW:-admin-$$}
KL_SEND_USER=${KL_SEND_USER:-langso}
KL_SEND_PW=${KL_SEND_PW:-sendpw-$$}
KL_SHORTCODE=${KL_SHORTCODE:-8055}

# Python helpers for what bash does badly: free ports, UTF-16BE url-encoding, and reading
# fakesmsc's log back into whole messages (concatenated parts joined, UCS-2 decoded).
KL_PY=$(cat <<'PY'
import random, re, socket, sys
from urllib.parse import unquote_to_bytes

def ports(n):
    # below the kernel's ephemeral range: a port the kernel hands out (bind to 0) can be
    # taken a moment later as the source port of an outgoing connection (smsbox's many
    # short ones to langso), and then bearerbox or smsbox fails with "address in use"
    lo, hi = 20000, 32000
    try:
        hi = min(hi, int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0]) - 1)
    except (OSError, ValueError):
        pass
    rnd, picked = random.SystemRandom(), []
    while len(picked) < int(n):
        p = rnd.randint(lo, hi)
        if p in picked:
            continue
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            continue
        finally:
            s.close()
        picked.append(p)
    print(" ".join(str(p) for p in picked))

def ucs2(text):
    print("".join("%%%02X" % b for b in text.encode("utf-16-be")))

# fakesmsc prints every MT as "Got message N: <from to type [udh] data>"; text data is
# printed raw (it may span lines), ucs-2/data/udh payloads are url-encoded bytes.
MSG = re.compile(r"Got message \d+: <(\S+) (\S+) (\S+) (.*?)>\n(?=\d{4}-\d\d-\d\d |\Z)", re.S)

def unplus(s):
    return unquote_to_bytes(s.replace("+", " "))

def payload(kind, data):
    """(udh, body bytes, coding) of one printed MT. Observed forms:
    "text <raw text>", "ucs-2 <url-encoded UTF-16BE>", "data <url-encoded>",
    "udh <url-encoded UDH> data|ucs-2 <url-encoded>" (one part of a concatenated SMS);
    url-encoding uses '+' for a space."""
    if kind == "text":
        return None, data.encode("utf-8", "surrogateescape"), "text"
    if kind in ("ucs-2", "data"):
        return None, unplus(data), kind
    udh, _, rest = data.partition(" ")
    sub, _, body = rest.partition(" ")
    if sub == "text":
        return unplus(udh), body.encode("utf-8", "surrogateescape"), "text"
    return unplus(udh), unplus(body), sub

def decode(body, sub):
    # fakesmsc prints a UCS-2 part of a concatenated SMS as "data" too: UTF-16BE is told
    # apart by its NUL high bytes (Vietnamese and ASCII letters are U+0000..U+1EFF)
    if sub == "data" and len(body) % 2 == 0 and body and body[0::2].count(0) * 2 >= len(body) // 2:
        sub = "ucs-2"
    if sub == "ucs-2":
        return body.decode("utf-16-be", "replace"), sub
    return body.decode("utf-8", "replace"), "text"

def messages(log, phone=None):
    """Whole MTs in arrival order as (to, text, coding). Concatenated parts (UDH IEI 0 or 8)
    are joined, and the message counts as arrived when its last part is in."""
    try:
        raw = open(log, encoding="utf-8", errors="surrogateescape").read()
    except FileNotFoundError:
        return []
    out, parts = [], {}
    for m in MSG.finditer(raw):
        frm, to, kind, data = m.groups()
        if phone and to != phone:
            continue
        udh, body, sub = payload(kind, data)
        ref = total = seq = None
        if udh and len(udh) >= 6 and udh[1] == 0:
            ref, total, seq = udh[3], udh[4], udh[5]
        elif udh and len(udh) >= 7 and udh[1] == 8:
            ref, total, seq = udh[3] * 256 + udh[4], udh[5], udh[6]
        if ref is None:
            out.append((to,) + decode(body, sub))
            continue
        key = (to, ref, total)
        parts.setdefault(key, {})[seq] = (body, sub)
        if len(parts[key]) == total:
            p = parts.pop(key)
            out.append((to,) + decode(b"".join(p[i][0] for i in sorted(p)), p[1][1]))
    return out

def esc(t):
    return t.replace("\\", "\\\\").replace("\n", "\\n")

cmd = sys.argv[1]
if cmd == "ports":
    ports(sys.argv[2])
elif cmd == "ucs2":
    ucs2(sys.argv[2])
elif cmd == "mts":          # LOG PHONE: one line per whole MT to PHONE ("\n" escaped)
    for to, text, sub in messages(sys.argv[2], sys.argv[3]):
        print(esc(text))
elif cmd == "mts-coding":   # LOG PHONE: "text|ucs-2<TAB>message" per MT
    for to, text, sub in messages(sys.argv[2], sys.argv[3]):
        print(sub + "\t" + esc(text))
elif cmd == "all":          # LOG: "to<TAB>text" per whole MT
    for to, text, sub in messages(sys.argv[2]):
        print(to + "\t" + esc(text))
elif cmd == "isascii":
    sys.exit(0 if sys.argv[2].isascii() else 1)
PY
)
# the distribution's python3 (make deps installs it) starts faster than a pyenv shim
if [ -x /usr/bin/python3 ]; then KL_PYTHON=${KL_PYTHON:-/usr/bin/python3}; else KL_PYTHON=${KL_PYTHON:-python3}; fi
kl_py() { "$KL_PYTHON" -c "$KL_PY" "$@"; }
kl_isascii() { local LC_ALL=C; case $1 in *[![:ascii:]]*) return 1 ;; esac; return 0; }

kl_defaults() {
	: "${KL_SERVICE:=get}" "${KL_MO_RECODE:=0}" "${KL_HTTP_RETRY:=10}" "${KL_HTTP_DELAY:=2}"
	: "${KL_HTTP_TIMEOUT:=10}" "${KL_LOG_LEVEL:=1}" "${KL_EXTRA_SERVICES:=}" "${KL_TOKEN:=}"
	: "${KL_RATE:=500}" "${KL_DB:=$KL_DIR/langso.db}" "${LANGSO:=build/langso}"
	: "${KL_MODE:=http}" "${KL_MAX_PENDING:=500}"
	mkdir -p "$KL_DIR/run" "$KL_DIR/log" "$KL_DIR/store"
}

# kl_pick_ports: five free loopback ports for admin, box, fake SMSC, sendsms and langso.
kl_pick_ports() {
	local p
	p=$(kl_py ports 5) || return 1
	read -r KL_ADMIN KL_BOX KL_SMSC KL_SENDSMS KL_HTTP <<<"$p"
}

kl_mo_url() {
	if [ "$KL_SERVICE" = post ]; then
		printf 'http://127.0.0.1:%s/kannel/mo?id=%%I' "$KL_HTTP"
	else
		printf 'http://127.0.0.1:%s/kannel/mo?from=%%p&to=%%P&text=%%a&id=%%I&coding=%%c&charset=%%C&smsc=%%i&meta=%%D&ts=%%T' "$KL_HTTP"
	fi
	[ -n "$KL_TOKEN" ] && printf '&token=%s' "$KL_TOKEN"
	return 0
}

# kl_render_kannel FILE
kl_render_kannel() {
	kl_defaults
	local recode="" svc route="" pending=""
	[ "$KL_MO_RECODE" = 1 ] && recode="mo-recode = true"
	# box mode: the service number's MOs go to langso's box id; an smsbox, if one is also
	# connected, gets every other MO (and none of these: they wait for langso)
	if [ "$KL_MODE" = box ]; then
		route="
group = smsbox-route
smsbox-id = langso
shortcode = \"$KL_SHORTCODE;${KL_USSD_CODE:-*868#}\"
"
		pending="smsbox-max-pending = $KL_MAX_PENDING"
	fi
	if [ "$KL_SERVICE" = post ]; then
		svc="post-url = \"$(kl_mo_url)\"
send-sender = true"
	else
		svc="get-url = \"$(kl_mo_url)\""
	fi
	cat >"$1" <<EOF
# rendered by scripts/kannel-lib.sh for $KL_DIR
group = core
admin-port = $KL_ADMIN
admin-interface = 127.0.0.1
admin-password = $KL_ADMIN_PW
status-password = $KL_STATUS_PW
admin-allow-ip = "127.0.0.1"
smsbox-port = $KL_BOX
smsbox-interface = 127.0.0.1
box-deny-ip = "*.*.*.*"
box-allow-ip = "127.0.0.1"
log-level = $KL_LOG_LEVEL
store-type = file
store-location = "$KL_DIR/store/kannel.store"
store-dump-freq = 5
dlr-storage = internal
$pending
$route
group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $KL_BOX
sendsms-port = $KL_SENDSMS
sendsms-interface = 127.0.0.1
log-level = $KL_LOG_LEVEL
http-request-retry = $KL_HTTP_RETRY
http-queue-delay = $KL_HTTP_DELAY
http-timeout = $KL_HTTP_TIMEOUT
reply-couldnotfetch = ""
$recode

group = smsc
smsc = fake
smsc-id = FAKE
host = 127.0.0.1
port = $KL_SMSC
connect-allow-ip = 127.0.0.1

group = sendsms-user
username = $KL_SEND_USER
password = $KL_SEND_PW
user-allow-ip = "127.0.0.1"
concatenation = true
max-messages = 10

group = sms-service
name = langso
keyword = default
catch-all = true
$svc
accept-x-kannel-headers = true
omit-empty = true
max-messages = 3
concatenation = true
$KL_EXTRA_SERVICES
EOF
}

# kl_render_langso FILE
kl_render_langso() {
	kl_defaults
	cat >"$1" <<EOF
# rendered by scripts/kannel-lib.sh for $KL_DIR
[http]
listen = 127.0.0.1:$KL_HTTP
allow = 127.0.0.1
token = $KL_TOKEN

[storage]
path = $KL_DB

[kannel]
mode = $KL_MODE
bearerbox = 127.0.0.1:$KL_BOX
box_id = langso
sendsms_url = http://127.0.0.1:$KL_SENDSMS/cgi-bin/sendsms
username = $KL_SEND_USER
password = $KL_SEND_PW
sender = $KL_SHORTCODE
dlr_url = http://127.0.0.1:$KL_HTTP/kannel/dlr

[broadcast]
rate = $KL_RATE
hours = 00:00-24:00
timezone = Asia/Ho_Chi_Minh
EOF
}

# ---- processes --------------------------------------------------------------------------
kl_pid() { cat "$KL_DIR/run/$1.pid" 2>/dev/null; }
kl_alive() { local p; p=$(kl_pid "$1") && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# kl_start NAME CMD...: runs CMD in the background (stdout+stderr appended to log/NAME.log)
kl_start() {
	local name=$1; shift
	"$@" >>"$KL_DIR/log/$name.log" 2>&1 </dev/null &
	echo $! >"$KL_DIR/run/$name.pid"
}

# kl_stop NAME [SIGNAL]: signal (TERM by default), wait up to 10 s, then KILL.
kl_stop() {
	local name=$1 sig=${2:-TERM} pid i
	pid=$(kl_pid "$name") || return 0
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -"$sig" "$pid" 2>/dev/null
		for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$pid" 2>/dev/null; then
			echo "$name (pid $pid) still running 10 s after SIG$sig, killing" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	fi
	rm -f "$KL_DIR/run/$name.pid"
}

kl_kill9() {
	local pid; pid=$(kl_pid "$1") || return 0
	kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	rm -f "$KL_DIR/run/$1.pid"
}

# kl_stop_all: everything started through kl_start, in dependency order, plus any leftover
# Kannel process whose command line names this KL_DIR (smsbox re-executes itself under a
# new PID after losing bearerbox, so its PID file can be stale). Each is stopped by PID.
# kl_bench_dir NAME: for a benchmark, a temp dir (KL_DIR) with free loopback ports; on exit
# everything started is stopped (a command-line fakesmsc in FPID too) and the dir removed
# unless KEEP=1. Set KL_* settings before calling it.
kl_bench_dir() {
	KL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/langso-$1.XXXXXX") || exit 1
	kl_pick_ports && kl_defaults || exit 1
	trap kl_bench_finish EXIT
	trap 'exit 130' INT TERM
}
kl_bench_finish() {
	trap - EXIT INT TERM
	[ -n "${FPID:-}" ] && kill -INT "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	kl_stop_all
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $KL_DIR"; else rm -rf "$KL_DIR"; fi
}

# kl_wrk_report OUT UNIT TARGET RC: print wrk's latency table and the RESULT line of
# bench/wrk_report.lua from OUT as requests and latency lines; exit if wrk failed. Keeps the
# RESULT for kl_wrk_val KEY (requests, acked, non200, errors, rps, p50_ms, p99_ms, ...).
kl_wrk_report() {
	sed -n '/Latency Distribution/,/Transfer/p' "$1" | grep -v '^RESULT'
	KL_WRK_RES=$(grep '^RESULT' "$1") || { cat "$1"; echo "wrk failed (exit $4)"; exit 1; }
	printf 'requests: %s in %s s = %s %s (200: %s, other status: %s, socket errors: %s)\n' \
		"$(kl_wrk_val requests)" "$(kl_wrk_val duration_s)" "$(kl_wrk_val rps)" "$2" \
		"$(kl_wrk_val acked)" "$(kl_wrk_val non200)" "$(kl_wrk_val errors)"
	printf 'latency: p50 %s ms, p90 %s ms, p99 %s ms, max %s ms   (target: %s)\n' \
		"$(kl_wrk_val p50_ms)" "$(kl_wrk_val p90_ms)" "$(kl_wrk_val p99_ms)" "$(kl_wrk_val max_ms)" "$3"
}
kl_wrk_val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" ${KL_WRK_RES#RESULT}"; }

kl_stop_all() {
	local n p pid exe
	kl_stop fakesmsc INT
	for n in "$KL_DIR"/run/*.pid; do
		[ -e "$n" ] || continue
		n=$(basename "$n" .pid)
		case $n in bearerbox|smsbox) ;; *) kl_stop "$n" ;; esac
	done
	kl_stop smsbox; kl_stop bearerbox
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case $exe in "$KL_BEARERBOX"|"$KL_SMSBOX"|"$KL_FAKESMSC") ;; *) continue ;; esac
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$KL_DIR/" || continue
		echo "stopping leftover $exe (pid $pid)" >&2
		kill -TERM "$pid" 2>/dev/null
		for n in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	done
	return 0
}

# kl_wait SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 on timeout.
kl_wait() {
	local t=$1 end; shift
	end=$(($(date +%s%N) + t * 1000000000))
	while :; do
		"$@" && return 0
		[ "$(date +%s%N)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

kl_status() { curl -fsS --max-time 2 "http://127.0.0.1:$KL_ADMIN/status.txt?password=$KL_STATUS_PW" 2>/dev/null; }
# a wrong password answers "Denied" with 200, so readiness looks at the body
kl_status_has() { kl_status | grep -q -- "$1"; }
kl_port_answers() { curl -sS -o /dev/null --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null; }

# "SMS: received N (...), sent M (...)": the counts of MOs taken in and MTs handed to the SMSC
kl_sms_counts() { kl_status | sed -n 's/^SMS: received \([0-9]*\) .*sent \([0-9]*\) .*/\1 \2/p' | head -1; }
kl_received() { local c; c=$(kl_sms_counts); echo "${c%% *}"; }
kl_sent() { local c; c=$(kl_sms_counts); echo "${c##* }"; }

kl_start_bearerbox() {
	kl_start bearerbox "$KL_BEARERBOX" -v "$KL_LOG_LEVEL" "$KL_DIR/kannel.conf"
	kl_wait 20 kl_status_has '^Status: running' || { echo "bearerbox not ready" >&2; return 1; }
}

kl_smsbox_ready() {
	kl_alive smsbox && kl_status_has 'smsbox:.*(on-line' && kl_port_answers "$KL_SENDSMS"
}
# smsbox 1.4.5 can PANIC while it starts (gwlib/conn.c lock_out: conn != NULL) when a sendsms
# request reaches it before its bearerbox connection is up, as langso's outbox does when smsbox
# comes back in the middle of a broadcast. In production it runs under a supervisor
# (dist/kannel-smsbox.service, Restart=always); here it is started again the same way.
kl_start_smsbox() {
	local try
	for try in 1 2 3; do
		kl_start smsbox "$KL_SMSBOX" -v "$KL_LOG_LEVEL" "$KL_DIR/kannel.conf"
		kl_wait 20 kl_smsbox_ready && return 0
		kl_alive smsbox && break
		echo "smsbox died while starting (attempt $try): started again, as its supervisor would" >&2
	done
	echo "smsbox not ready" >&2
	return 1
}
# kl_smsbox_revive: smsbox 1.4.5 can also PANIC (gwlib/conn.c conn_unregister: conn != NULL)
# when langso is killed while smsbox is posting it a delivery report: the cut connection is
# unregistered twice. Its supervisor starts it again (Restart=always), and so does this,
# saying so once on stdout. 0 when smsbox is up (or not used: box mode).
kl_smsbox_revive() {
	[ "$KL_MODE" = box ] && return 0
	kl_alive smsbox && return 0
	echo "# smsbox died ($(grep -a -m1 -o 'PANIC: [^ ]*: [^.]*' "$KL_DIR/log/smsbox.log" || echo 'no PANIC logged')):" \
		"started again, as its supervisor would"
	kl_start_smsbox
}

# Interactive fakesmsc, fed one line at a time through a FIFO opened read-write ('<>'),
# so it never sees EOF. Its log collects the MTs ("Got message N: <...>").
kl_start_fakesmsc() {
	local fifo=$KL_DIR/run/fakesmsc.fifo
	[ -p "$fifo" ] || mkfifo "$fifo"
	"$KL_FAKESMSC" -H 127.0.0.1 -r "$KL_SMSC" <>"$fifo" >>"$KL_DIR/log/fakesmsc.log" 2>&1 &
	echo $! >"$KL_DIR/run/fakesmsc.pid"
	kl_wait 20 kl_status_has "FAKE:$KL_SMSC (online" || { echo "fakesmsc not online" >&2; return 1; }
}

kl_healthz() { [ "$(curl -fsS --max-time 1 "http://127.0.0.1:$KL_HTTP/healthz" 2>/dev/null)" = ok ]; }
# box mode: langso is healthy once its box is connected; while bearerbox is not running
# (started after langso) it is ready once /healthz says only that
kl_healthz_box_down() {
	[ "$KL_MODE" = box ] && ! kl_alive bearerbox &&
		[ "$(curl -sS --max-time 1 "http://127.0.0.1:$KL_HTTP/healthz" 2>/dev/null)" = "bearerbox connection down" ]
}
kl_langso_ready() { kl_alive langso && { kl_healthz || kl_healthz_box_down; }; }
# kl_start_langso [ENV=VALUE...]: langso serve on $KL_DIR/langso.conf, ready at /healthz
kl_start_langso() {
	kl_start langso env "$@" "$LANGSO" serve -c "$KL_DIR/langso.conf"
	kl_wait 20 kl_langso_ready || { echo "langso not ready (see $KL_DIR/log/langso.log)" >&2; return 1; }
}

# kl_start_kannel: bearerbox, smsbox (http mode only) and the interactive fakesmsc
kl_start_kannel() {
	if [ "$KL_MODE" = box ]; then
		kl_start_bearerbox || return 1
		if kl_alive langso; then
			kl_wait 20 kl_box_online || { echo "langso's box not on-line in bearerbox" >&2; return 1; }
		fi
		kl_start_fakesmsc
	else
		kl_start_bearerbox && kl_start_smsbox && kl_start_fakesmsc
	fi
}
# box mode: bearerbox's status lists langso's box once it has identified
kl_box_online() { kl_status_has 'smsbox:langso.*(on-line'; }

# kl_fakesmsc_drain [NAME]: after bearerbox died, let fakesmsc read and log what bearerbox had
# already written to its socket (bearerbox counts those as sent), then stop it: until its
# count of MTs stays the same for a second, at most 20 s
kl_fakesmsc_drain() {
	local name=${1:-fakesmsc} n prev=-1 i
	for i in $(seq 40); do
		n=$(grep -ac 'Got message' "$KL_DIR/log/$name.log" 2>/dev/null)
		[ "$n" = "$prev" ] && break
		prev=$n; sleep 0.5
	done
	kl_stop "$name" INT
}

# ---- MO / MT ------------------------------------------------------------------------------
# kl_mo PHONE TEXT [text|ucs2]: one MO from PHONE to the short code. Without a type, ASCII
# goes as text and anything else as ucs2 (url-encoded UTF-16BE bytes). fakesmsc's
# interactive mode takes at most 255 bytes a line and gets stuck when lines arrive together,
# so this waits until bearerbox has counted the MO before returning.
kl_mo() {
	local phone=$1 text=$2 type=${3:-} data before line
	if [ -z "$type" ]; then
		if kl_isascii "$text"; then type=text; else type=ucs2; fi
	fi
	if [ "$type" = ucs2 ]; then data=$(kl_py ucs2 "$text"); else data=$text; fi
	line="$phone $KL_SHORTCODE $type $data"
	[ ${#line} -le 250 ] || { echo "kl_mo: line too long for interactive fakesmsc (${#line} bytes)" >&2; return 1; }
	before=$(kl_received)
	printf '%s\n' "$line" >"$KL_DIR/run/fakesmsc.fifo"
	kl_wait 10 kl_received_above "${before:-0}" || { echo "kl_mo: bearerbox did not receive the MO" >&2; return 1; }
}
kl_received_above() { local r; r=$(kl_received); [ -n "$r" ] && [ "$r" -gt "$1" ]; }

# kl_mts PHONE: every whole MT to PHONE so far, one a line (newlines as \n)
kl_mts() { kl_py mts "$KL_DIR/log/fakesmsc.log" "$1"; }
kl_mt_count() { kl_mts "$1" | wc -l; }
kl_mt_has() { [ "$(kl_mt_count "$1")" -ge "$2" ]; }
# kl_mt_wait PHONE N [SECONDS]: wait for the N-th MT to PHONE and print it; 1 on timeout
kl_mt_wait() {
	kl_wait "${3:-10}" kl_mt_has "$1" "$2" || return 1
	kl_mts "$1" | sed -n "${2}p"
}
