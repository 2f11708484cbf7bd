#!/usr/bin/env bash
# bench/console.sh [REQUESTS] - the console's overview API on a province's worth of data.
#
# bench/market_seed fills a fresh database through the storage functions: 100,000
# listings (60 days, 20 products, accepted orders on a tenth) by 99,999 households in 999
# villages (communes of 6); then plain SQL adds 100,001 more households (200,000 in all),
# 200,000 MOs over the last 90 days and 200 notices of 500 messages each with their
# delivery reports. langso serves it with the console on; one signed-in admin asks
# GET /api/overview (the province: indicators per village, 3 daily series, price
# medians) REQUESTS times in a row, and GET /api/overview?commune=... as a commune would.
# Prints the answer times; asserts nothing. Target: under 100 ms.
# Env: LANGSO (binary, default build/langso), SEED (as bench/market.sh), KEEP=1.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
. scripts/kannel-lib.sh
N=${1:-20}
LANGSO=${LANGSO:-$ROOT/build/langso}
SEED=${SEED:-$(dirname "$LANGSO")/bench/market_seed}
[ -x "$SEED" ] || SEED=$ROOT/build/release/bench/market_seed
[ -x "$LANGSO" ] || { echo "bench/console.sh: no langso binary at $LANGSO" >&2; exit 1; }
[ -x "$SEED" ] || { echo "bench/console.sh: no seeder at $SEED (make build-tests)" >&2; exit 1; }

kl_bench_dir console
CPORT=$(kl_py ports 1) || exit 1
kl_render_langso "$KL_DIR/langso.conf"
printf '\n[console]\nlisten = 127.0.0.1:%s\n' "$CPORT" >>"$KL_DIR/langso.conf"
t0=$(date +%s.%N)
"$SEED" "$KL_DB" 100000 99999 999 >/dev/null || exit 1
now=$(date +%s)
sqlite3 "$KL_DB" "
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO people(phone, name, village_id, role, created_at, updated_at)
  SELECT printf('+84901%06d', i), 'Hộ thêm ' || i, 1 + i % 999, 'household', $now, $now FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
INSERT INTO inbox(kannel_id, phone, text, action, reply, received_at)
  SELECT 'b-' || i, printf('+849000%05d', i % 99999), 'GIA NA', 'PRICE', 'ok', $now - (i * 38) % (90 * 86400) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO broadcasts(sender_id, village_id, commune_id, text, urgent, recipients, send_at, created_at)
  SELECT p.id, v.id, v.commune_id, 'Họp thôn ' || n.i, 0, 0, $now - n.i * 3600, $now - n.i * 3600
  FROM n JOIN villages v ON v.id = 1 + n.i % 999 JOIN people p ON p.id = n.i;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO outbox(phone, text, status, next_at, created_at, broadcast_id)
  SELECT printf('+84901%06d', i), 'Họp thôn', 'queued', $now, $now, 1 + i / 500 FROM n;
-- as the daemon does it: the recipients counted, then each message sent and reported
UPDATE broadcasts SET recipients = 500;
UPDATE outbox SET status = 'accepted', dlr_type = CASE WHEN id % 10 THEN 1 ELSE 2 END
  WHERE broadcast_id IS NOT NULL;
COMMIT;" || exit 1
printf 'seeded in %.1f s: %s households, %s listings, %s orders, %s MOs, %s notices (%s messages)\n' \
	"$(echo "$(date +%s.%N) - $t0" | bc)" \
	"$(sqlite3 "$KL_DB" 'select count(*) from people')" "$(sqlite3 "$KL_DB" 'select count(*) from listings')" \
	"$(sqlite3 "$KL_DB" 'select count(*) from orders')" "$(sqlite3 "$KL_DB" 'select count(*) from inbox')" \
	"$(sqlite3 "$KL_DB" 'select count(*) from broadcasts')" "$(sqlite3 "$KL_DB" 'select count(*) from outbox')"
echo 'bench-password' | "$LANGSO" user add -c "$KL_DIR/langso.conf" bench --role admin >/dev/null || exit 1
kl_start_langso || { tail "$KL_DIR/log/langso.log"; exit 1; }
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$CPORT") 2>/dev/null && break; sleep 0.1; done
U=http://127.0.0.1:$CPORT
curl -s -o /dev/null -c "$KL_DIR/jar" -d 'login=bench&password=bench-password' "$U/login"
size=$(curl -s -b "$KL_DIR/jar" -o "$KL_DIR/overview.json" -w '%{size_download}' "$U/api/overview")
echo "GET /api/overview: $size bytes, $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["communes"]), "communes,", sum(len(c["villages"]) for c in d["communes"]), "villages,", d["province"]["households"], "households")' "$KL_DIR/overview.json")"
# times URL: N answer times in ms, then min / median / max
times() {
	for _ in $(seq "$N"); do curl -s -b "$KL_DIR/jar" -o /dev/null -w '%{time_total}\n' "$1"; done |
		sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "min %.1f ms, median %.1f ms, max %.1f ms (%d requests)\n", t[1], t[int((NR + 1) / 2)], t[NR], NR }'
}
echo "province:      $(times "$U/api/overview")"
echo "one commune:   $(times "$U/api/overview?commune=X%C3%A3%2042")"
echo "/api/stats:    $(times "$U/api/stats")"
echo "target: the overview under 100 ms"
