#!/usr/bin/env bash
# The operators' web console's API (issue 11) with curl against a real `langso serve`:
# sign-in (303 with an HttpOnly SameSite=Strict cookie), wrong password 401, throttling
# 429, no session 401 (API) / 303 (pages), no CSRF token 403 with nothing changed, roles
# and commune scoping (403), /api/stats byte for byte `langso stats --json`, imports with a
# bad row, wrong columns, binary data or 50 MB refused with nothing changed, the notice
# path (queued like a TB, audited), sessions stored hashed and expiring, logout, and the
# config refusing the console on Kannel's address. No Kannel needed.
. "$(dirname "$0")/lib.sh"
it_setup
it_import_demo people || exit 1
CPORT=$(kl_py ports 1) || exit 99
printf '\n[console]\nlisten = 127.0.0.1:%s\n' "$CPORT" >>"$CONF"
it_start_langso
U=http://127.0.0.1:$CPORT
B=http://127.0.0.1:$KL_HTTP
OKQ="to=8055&coding=0&charset=UTF-8&smsc=FAKE&meta=&ts=1795331914"
PW='mật-khẩu-dài 2026'

# hmo PHONE TEXT: one MO straight to /kannel/mo (as smsbox would send it)
N=0
hmo() {
	N=$((N + 1))
	curl -s -o /dev/null --get --data-urlencode "from=$1" --data-urlencode "text=$2" \
		--data "id=console-$N&$OKQ" "$B/kannel/mo"
}
# status METHOD URL [curl args...]: the HTTP status only
status() { local m=$1 u=$2; shift 2; curl -s -o /dev/null -w '%{http_code}' -X "$m" "$@" "$U$u"; }
# signin LOGIN PASSWORD JAR: the status of POST /login (the cookie goes to JAR)
signin() { curl -s -o /dev/null -w '%{http_code}' -c "$3" --data-urlencode "login=$1" \
	--data-urlencode "password=$2" "$U/login"; }
csrf_of() { curl -s -b "$1" "$U/api/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'; }
jpost() { curl -s -b "$1" -H "X-CSRF-Token: $2" -H 'Content-Type: application/json' -d "$4" "$U$3"; }
jpost_status() { curl -s -o /dev/null -w '%{http_code}' -b "$1" -H "X-CSRF-Token: $2" \
	-H 'Content-Type: application/json' -d "$4" "$U$3"; }

# ---- users ----
echo "$PW" | "$LANGSO" user add -c "$CONF" tinh --role admin >/dev/null
echo "$PW" | "$LANGSO" user add -c "$CONF" chilang --role commune --commune "Chi Lăng" >/dev/null
echo "$PW" | "$LANGSO" user add -c "$CONF" xem --role viewer >/dev/null
echo "$PW" | "$LANGSO" user add -c "$CONF" nam --role admin >/dev/null
check_match "langso user list shows the users and their roles" "$("$LANGSO" user list -c "$CONF")" \
	"*chilang*commune*Chi Lăng*tinh*admin*xem*viewer*"
out=$(echo "$PW" | "$LANGSO" user add -c "$CONF" ghost --role commune --commune "Không Có" 2>&1)
check_match "user add for an unknown commune is refused" "$out" "*no commune named*"
out=$(echo short | "$LANGSO" user add -c "$CONF" shorty --role viewer 2>&1)
check_match "user add with a short password is refused" "$out" "*at least 8*"
check_match "the password is stored as an Argon2id hash, not as typed" \
	"$(q "select pwhash from console_users where login = 'tinh'")" '$argon2id$*'

# ---- market activity, so the figures are not all zero ----
SELLER=+84912345678   # Hoàng Văn Châu, LD02 (demo)
BUYER=+84987000111
hmo "$SELLER" "Bán na 50kg 30.000đ"
hmo "$BUYER" "MUA 1 20KG"
hmo "$SELLER" "OK 1"
hmo +84983214567 "BAN GA 10 CON 150000"
hmo "$BUYER" "MUA 2 2 CON"
check_eq "the market MOs are in (1 order accepted)" "$(q "select count(*) from orders where status = 'accepted'")" 1

# ---- no session ----
check_eq "GET / without a session: the sign-in page (200)" "$(status GET /)" 200
check_match "... in Vietnamese" "$(curl -s "$U/")" "*Đăng nhập*"
check_eq "GET /overview without a session: 303" "$(status GET /overview)" 303
check_match "... to the sign-in page" "$(curl -s -o /dev/null -w '%{redirect_url}' "$U/overview")" "$U/"
check_eq "GET /api/stats without a session: 401" "$(status GET /api/stats)" 401
check_eq "GET /api/stats with a made-up cookie: 401" \
	"$(status GET /api/stats -b "langso_session=$(printf '%064d' 7)")" 401

# ---- sign-in ----
check_eq "wrong password: 401" "$(signin tinh 'wrong password' "$T/j0")" 401
check_eq "unknown login: 401" "$(signin nobody "$PW" "$T/j0")" 401
hdr=$(curl -s -D - -o /dev/null --data-urlencode login=tinh --data-urlencode "password=$PW" "$U/login")
check_match "sign-in answers 303 to /overview" "$hdr" "HTTP/1.1 303*Location: /overview*"
check_match "the cookie is HttpOnly and SameSite=Strict" "$hdr" "*Set-Cookie: langso_session=*; HttpOnly; SameSite=Strict*"
check_match "pages carry a CSP without inline script" "$(curl -s -D - -o /dev/null "$U/")" \
	"*Content-Security-Policy: default-src 'none'; script-src 'self';*"
check_eq "sign-in through the form" "$(signin tinh "$PW" "$T/admin")" 303
tok=$(awk '$6 == "langso_session" {print $7}' "$T/admin")
check_eq "the session token is stored hashed, never as sent" \
	"$(q "select count(*) from console_sessions where token_hash = '$tok'")" 0
check_eq "GET /overview with the session: 200" "$(status GET /overview -b "$T/admin")" 200

# ---- throttling ----
for i in 1 2 3 4 5; do signin nam "bad $i" "$T/j0" >/dev/null; done
check_eq "after 5 failures for one login: 429, even with the right password" \
	"$(signin nam "$PW" "$T/j0")" 429
check_eq "... other logins are not locked" "$(signin xem "$PW" "$T/viewer")" 303

# ---- /api/stats equals langso stats --json ----
"$LANGSO" stats -c "$CONF" --json >"$T/cli.json"
curl -s -b "$T/admin" "$U/api/stats" >"$T/api.json"
check "/api/stats is byte for byte langso stats --json" cmp -s "$T/cli.json" "$T/api.json"
check_match "... and has the accepted order's value" "$(cat "$T/api.json")" '*"province":{"households":30,"households_listing":2,"listings":2,"orders":2,"accepted":1,"value":600000,"delivered":0,*'
check_eq "signed in as commune Chi Lăng" "$(signin chilang "$PW" "$T/commune")" 303
python3 - "$T/cli.json" "$T/commune.json" <<'EOF' >"$T/want.json"
import json, sys
d = json.load(open(sys.argv[1]))
c = [x for x in d["communes"] if x["commune"] == "Chi Lăng"]
keys = ["households", "households_listing", "listings", "orders", "accepted", "value"]
print(json.dumps({"communes": c, "province": {k: c[0][k] for k in keys}}, ensure_ascii=False, separators=(",", ":")))
EOF
curl -s -b "$T/commune" "$U/api/stats" >"$T/commune.json"
check_eq "/api/stats for role commune: langso stats --json limited to Chi Lăng" \
	"$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), ensure_ascii=False, separators=(",", ":")))' "$T/commune.json")" \
	"$(cat "$T/want.json")"
ov=$(curl -s -b "$T/admin" "$U/api/overview")
check_match "/api/overview: the province's figures and 90 days of series" \
	"$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); p=d["province"]; print(p["households"], p["listed_ever"], p["listings"], p["accepted"], p["value"], len(d["days"]), len(d["series"]["mo"]), sum(d["series"]["mo"]))' "$ov")" \
	"30 2 2 1 600000 90 90 5"

check_eq "a commune user's overview is the province overview's entry for its commune" \
	"$(curl -s -b "$T/commune" "$U/api/overview" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["scope"], json.dumps(d["communes"], sort_keys=True))')" \
	"$(curl -s -b "$T/admin" "$U/api/overview" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("Chi Lăng", json.dumps([c for c in d["communes"] if c["commune"] == "Chi Lăng"], sort_keys=True))')"

# ---- market, order sheet, messages ----
check_eq "/api/market/listings: both listings, newest first" \
	"$(curl -s -b "$T/admin" "$U/api/market/listings" | python3 -c 'import json,sys; print([(l["id"], l["product"], l["status"]) for l in json.load(sys.stdin)["listings"]])')" \
	"[(2, 'Gà', 'open'), (1, 'Na', 'open')]"
check_eq "... filtered by product" \
	"$(curl -s -b "$T/admin" "$U/api/market/listings?product=na" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["listings"]))')" 1
check_eq "/api/market/orders?status=accepted: the accepted order" \
	"$(curl -s -b "$T/admin" "$U/api/market/orders?status=accepted" | python3 -c 'import json,sys; print([(o["id"], o["qty"], o["value"]) for o in json.load(sys.stdin)["orders"]])')" \
	"[(1, '20kg', 600000)]"
check_match "the order sheet as CSV (BOM; seller, village, product, quantity, buyer's phone)" \
	"$(curl -s -b "$T/admin" "$U/api/market/sheet?format=csv")" \
	$'\xEF\xBB\xBF*\r\n"Chi Lăng","Lăng Đồn","1","Hoàng Văn Châu","+84912345678","Na","20kg","+84987000111"*'
hmo +84912345678 "GIAO 1"
check_eq "an order handed over (GIAO) leaves the sheet" \
	"$(curl -s -b "$T/admin" "$U/api/market/sheet?format=csv" | grep -c '"Na","20kg"')" 0
check_eq "commune user asking for another commune's order sheet: 403" \
	"$(status GET '/api/market/sheet?commune=L%E1%BB%99c%20B%C3%ACnh' -b "$T/commune")" 403
check_match "/api/health: the outbox, the sendsms answers since start and the database" \
	"$(curl -s -b "$T/viewer" "$U/api/health")" '{"outbox":{"queued":*},"delivered_pct":*,"kannel":{"sendsms_accepted":0,"sendsms_failed":0,"sendsms_retried":*,"bearerbox":"http"},"database_writable":true}'
check_eq "commune user reading a phone's messages: 403 (admins only)" \
	"$(status GET '/api/messages?phone=0912345678' -b "$T/commune")" 403
check_eq "an admin reads the seller's messages: what it sent and the replies" \
	"$(curl -s -b "$T/admin" "$U/api/messages?phone=0912345678" | python3 -c 'import json,sys; print([m["text"] for m in json.load(sys.stdin)["messages"] if m["dir"] == "in"])')" \
	"['GIAO 1', 'OK 1', 'Bán na 50kg 30.000đ']"

# ---- CSRF ----
ADM=$(csrf_of "$T/admin")
before=$(row_counts)
check_eq "POST /api/notices without the CSRF token: 403" \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$T/admin" -H 'Content-Type: application/json' \
	-d '{"village_code":"LD02","text":"họp"}' "$U/api/notices")" 403
check_eq "POST /api/people with a wrong CSRF token: 403" \
	"$(jpost_status "$T/admin" "$(printf '%064d' 1)" /api/people '{"phone":"0912999000","name":"X","village_code":"LD02","role":"household"}')" 403
check_eq "a sign-in posted from another site (Origin): 403" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'Origin: http://evil.example' --data-urlencode login=tinh --data-urlencode "password=$PW" "$U/login")" 403
check_eq "a change posted from another site, with the CSRF token: 403" \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$T/admin" -H "X-CSRF-Token: $ADM" -H 'Origin: http://evil.example' -H 'Content-Type: application/json' -d '{"village_code":"LD02","text":"họp"}' "$U/api/notices")" 403
check_eq "POST /logout without the CSRF token: 403" "$(status POST /logout -b "$T/admin")" 403
check_eq "... and nothing changed" "$(row_counts) $(q 'select count(*) from broadcasts')" "$before 0"

# ---- roles and commune scoping ----
COM=$(csrf_of "$T/commune")
VIEW=$(csrf_of "$T/viewer")
check_eq "commune user asking for another commune's overview: 403" \
	"$(status GET '/api/overview?commune=L%E1%BB%99c%20B%C3%ACnh' -b "$T/commune")" 403
check_eq "commune user asking for another commune's people (village LB01): 403" \
	"$(status GET '/api/people?village=LB01' -b "$T/commune")" 403
check_eq "commune user's people are only Chi Lăng's" \
	"$(curl -s -b "$T/commune" "$U/api/people?per=200" | python3 -c 'import json,sys; print(sorted({p["commune"] for p in json.load(sys.stdin)["people"]}))')" "['Chi Lăng']"
check_eq "commune user's notice to another commune's village: 403" \
	"$(jpost_status "$T/commune" "$COM" /api/notices '{"village_code":"LB01","text":"họp"}')" 403
check_eq "commune user editing a household of another commune: 403" \
	"$(jpost_status "$T/commune" "$COM" /api/people '{"phone":"0912000111","name":"X","village_code":"LB01","role":"household"}')" 403
check_eq "viewer changing a person: 403" \
	"$(jpost_status "$T/viewer" "$VIEW" /api/people '{"phone":"0912999000","name":"X","village_code":"LD02","role":"household"}')" 403
check_eq "viewer reading the audit trail: 403" "$(status GET /api/audit -b "$T/viewer")" 403
check_match "viewers see masked phone numbers" \
	"$(curl -s -b "$T/viewer" "$U/api/people?per=1")" '*"phone":"0912\*\*\*678"*'
check_eq "commune user importing villages: 403 (admins only)" \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$T/commune" -H "X-CSRF-Token: $COM" -H 'Content-Type: text/csv' --data-binary @conf/demo/villages.csv "$U/api/import/villages")" 403
printf 'phone,name,village_code,role\n0912000777,Người Mới,CL01,household\n0912000778,Người Khác,LB01,household\n0364205981,Hoàng Thị Liên,CL02,household\n' >"$T/other.csv"
before=$(row_counts)
r=$(curl -s -w ' %{http_code}' -b "$T/commune" -H "X-CSRF-Token: $COM" -H 'Content-Type: text/csv' --data-binary @"$T/other.csv" "$U/api/import/people?name=other.csv")
check_match "commune user importing people of another commune: 422 naming the rows" "$r" \
	'*"other.csv:3: village LB01 is in commune Lộc Bình, not Chi Lăng","other.csv:4: +84364205981 is registered in commune Văn Quan, not Chi Lăng"* 422'
check_eq "... and nothing was imported" "$(row_counts)" "$before"
check_eq "... and nothing changed" "$(row_counts) $(q 'select count(*) from broadcasts')" "$before 0"
printf 'phone,name,village_code,role\n0912000777,Người Mới,CL01,household\n' >"$T/own.csv"
check_eq "commune user importing its own commune's people: applied" \
	"$(curl -s -w ' %{http_code}' -b "$T/commune" -H "X-CSRF-Token: $COM" -H 'Content-Type: text/csv' --data-binary @"$T/own.csv" "$U/api/import/people?name=own.csv")" '{"changed":1} 200'

# ---- people ----
check_eq "admin adds a household" "$(jpost_status "$T/admin" "$ADM" /api/people '{"phone":"0912999000","name":"Lường Thị Mến","village_code":"LD02","role":"household","opted_out":false}')" 201
check_eq "... stored in E.164 in LD02" "$(q "select p.name||'|'||v.code from people p join villages v on v.id = p.village_id where p.phone = '+84912999000'")" "Lường Thị Mến|LD02"
check_eq "commune user edits one of its households (opted out)" "$(jpost_status "$T/commune" "$COM" /api/people '{"phone":"+84912999000","name":"Lường Thị Mến","village_code":"CL01","role":"household","opted_out":true}')" 200
check_eq "... moved to CL01 and opted out" "$(q "select v.code||'|'||p.opted_out from people p join villages v on v.id = p.village_id where p.phone = '+84912999000'")" "CL01|1"
check_eq "a bad phone number: 422" "$(jpost_status "$T/admin" "$ADM" /api/people '{"phone":"12","name":"X","village_code":"LD02","role":"household"}')" 422
csv=$(curl -s -b "$T/admin" "$U/api/people.csv?village=LD02")
check_match "the people export is CSV with a UTF-8 BOM and the import's columns" "$csv" $'\xEF\xBB\xBFphone,name,village_code,role\r\n"+84912345678","Hoàng Văn Châu","LD02","head"\r\n*'
printf '%s' "$csv" >"$T/export.csv"
check_match "the export imports back unchanged (libcsv writes what it reads)" \
	"$("$LANGSO" import people -c "$CONF" "$T/export.csv" 2>&1)" "*: 0 people added or changed*"

# ---- imports ----
before=$(row_counts)
printf 'phone,name,village_code,role\n0912000111,Người Mới,LD02,household\nbad,Hỏng,LD02,household\n' >"$T/bad.csv"
r=$(curl -s -w ' %{http_code}' -b "$T/admin" -H "X-CSRF-Token: $ADM" -H 'Content-Type: text/csv' \
	--data-binary @"$T/bad.csv" "$U/api/import/people?name=bad.csv")
check_match "an upload with a bad row: 422 with CSV:LINE: reason" "$r" '*"errors":\["bad.csv:3: bad phone number \\"bad\\""\]* 422'
check_eq "... and nothing was imported" "$(row_counts)" "$before"
printf 'code,name\nLD09,Thôn Mới\n' >"$T/cols.csv"
r=$(curl -s -w ' %{http_code}' -b "$T/admin" -H "X-CSRF-Token: $ADM" -H 'Content-Type: text/csv' \
	--data-binary @"$T/cols.csv" "$U/api/import/villages?name=cols.csv")
check_match "wrong columns: 422 saying which header" "$r" '*cols.csv:1: header must be code,name,commune*422'
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >"$T/x.png"
check_eq "a PNG sent as text/csv: 415" "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/admin" -H "X-CSRF-Token: $ADM" -H 'Content-Type: text/csv' --data-binary @"$T/x.png" "$U/api/import/people")" 415
check_eq "a file sent as image/png: 415" "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/admin" -H "X-CSRF-Token: $ADM" -H 'Content-Type: image/png' --data-binary @"$T/x.png" "$U/api/import/people")" 415
head -c 52428800 /dev/zero | tr '\0' 'a' >"$T/big.csv"
r=$(curl -s -w ' %{http_code}' -b "$T/admin" -H "X-CSRF-Token: $ADM" -H 'Content-Type: text/csv' --data-binary @"$T/big.csv" "$U/api/import/people")
check_match "a 50 MB upload: 413 with a clear message" "$r" '*Tệp quá lớn: tối đa 8 MB* 413'
rm -f "$T/big.csv"
check_eq "... and nothing changed" "$(row_counts)" "$before"
printf 'phone,name,village_code,role\n0912000111,Người Mới,LD02,household\n' >"$T/good.csv"
r=$(curl -s -w ' %{http_code}' -b "$T/admin" -H "X-CSRF-Token: $ADM" -H 'Content-Type: text/csv' --data-binary @"$T/good.csv" "$U/api/import/people?name=good.csv")
check_eq "a good upload is applied" "$r" '{"changed":1} 200'

# ---- notices ----
r=$(jpost "$T/commune" "$COM" /api/notices/preview '{"village_code":"LD02","text":"Sáng mai 7h họp thôn","urgent":false}')
check_match "the preview shows the SMS as the phones get it, its parts and coding" "$r" \
	'*"text":"\[TB xa Chi Lang > Lang Don\] Sang mai 7h hop thon","coding":"GSM-7","parts":1*'
check_eq "... and records nothing" "$(q 'select count(*) from broadcasts')" 0
r=$(jpost "$T/commune" "$COM" /api/notices '{"commune":"Chi Lăng","text":"Sáng mai 7h họp xã","urgent":false}')
check_match "commune user sends a notice to the whole commune: queued" "$r" '*"id":1,"recipients":*'
check_eq "... one outbox row per household of Chi Lăng, as a TB would" \
	"$(q "select count(*) from outbox where broadcast_id = 1")" \
	"$(q "select count(*) from people p join villages v on v.id = p.village_id join communes c on c.id = v.commune_id where c.name = 'Chi Lăng' and p.opted_out = 0")"
check_eq "... recorded with the console user as sender" \
	"$(q "select coalesce(sender_id, 'null')||'|'||sender_login from broadcasts where id = 1")" "null|chilang"
# the overview's notice figures (kept by triggers) are BC's, counted from the outbox rows
q "update outbox set status = 'accepted', dlr_type = 1 where id = (select min(id) from outbox where broadcast_id = 1)"
q "update outbox set status = 'failed' where id = (select max(id) from outbox where broadcast_id = 1)"
check_eq "the overview's notice figures for Chi Lăng are the outbox's" \
	"$(curl -s -b "$T/admin" "$U/api/overview" | python3 -c 'import json,sys; c=[c for c in json.load(sys.stdin)["communes"] if c["commune"] == "Chi Lăng"][0]; print(c["notices"], c["messages"], c["delivered"], c["failed"], c["waiting"])')" \
	"$(q "select count(distinct b.id)||' '||count(o.id)||' '||sum(o.dlr_type is 1)||' '||sum(o.status = 'failed' or coalesce(o.dlr_type, 0) in (2, 16))||' '||sum(o.status in ('queued', 'sending')) from broadcasts b join outbox o on o.broadcast_id = b.id")"
check_match "the notices list shows it with its counts" "$(curl -s -b "$T/admin" "$U/api/notices")" \
	'*"id":1,*"sender":"chilang (bảng điều khiển)",*"waiting":*'
check_eq "a commune user cannot read another commune's notice figures" \
	"$(echo "$PW" | "$LANGSO" user add -c "$CONF" locbinh --role commune --commune "Lộc Bình" >/dev/null; signin locbinh "$PW" "$T/lb"; status GET '/api/notice?id=1' -b "$T/lb")" "303403"
check_match "the audit trail has the changes, who and what" "$(curl -s -b "$T/admin" "$U/api/audit")" \
	'*"login":"chilang","action":"notice","detail":"TB #1 to xã Chi Lăng*"login":"tinh","action":"import-people","detail":"good.csv: 1 rows*"login":"chilang","action":"person-edit"*'

# ---- sessions end ----
check_eq "logout with the CSRF token: 303" "$(status POST /logout -b "$T/viewer" -H "X-CSRF-Token: $VIEW")" 303
check_eq "... and the session is gone" "$(status GET /api/me -b "$T/viewer")" 401
q "update console_sessions set expires_at = 1 where user_id = (select id from console_users where login = 'chilang')"
check_eq "an expired session: 401" "$(status GET /api/me -b "$T/commune")" 401
"$LANGSO" user del -c "$CONF" tinh >/dev/null
check_eq "a deleted user's session: 401" "$(status GET /api/me -b "$T/admin")" 401

# ---- langso check ----
check_match "langso check reads the console's files" "$("$LANGSO" check -c "$CONF" 2>&1)" "configuration OK"
printf '[storage]\npath = %s\n[console]\nlisten = 127.0.0.1:0\nchartjs = %s/none.js\n' "$T/c.db" "$T" >"$T/nochart.conf"
out=$("$LANGSO" check -c "$T/nochart.conf" 2>&1); rc=$?
check_eq "langso check without Chart.js: exit 1" "$rc" 1
check_match "... saying where to get it" "$out" "*none.js: No such file or directory (Debian: apt-get install libjs-chart.js*"

# ---- the console never shares Kannel's address ----
printf '[http]\nlisten = 127.0.0.1:%s\n[console]\nlisten = 127.0.0.1:%s\n' "$KL_HTTP" "$KL_HTTP" >"$T/same.conf"
out=$("$LANGSO" check -c "$T/same.conf" 2>&1); rc=$?
check_eq "[console] listen = [http] listen: langso check exits 1" "$rc" 1
check_match "... saying why" "$out" "*the console needs an address of its own*"
