#!/usr/bin/env bash
# The operators' web console in headless Chromium (issue 11), through real Kannel: sign in
# through the form, the overview shows `langso stats --json`'s figures, a CSV with a bad
# row shows CSV:LINE and changes nothing, a notice composed in the console reaches every
# phone of the village through Kannel and its delivered count appears, a commune user
# cannot reach another commune, and <img src=x onerror=alert(1)> (from an SMS and from a
# CSV) is shown as text on every page. Screenshots of each page go to build/console/.
# Skipped (77) without chromium, chromium-driver or python3-selenium (make deps installs them).
. "$(dirname "$0")/lib.sh"
it_need_kannel
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] ||
	! /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
	echo "SKIP $IT_NAME: chromium, chromium-driver or python3-selenium is not installed" >&2
	exit 77
fi
it_setup
it_import_demo people || exit 1
CPORT=$(kl_py ports 1) || exit 99
printf '\n[console]\nlisten = 127.0.0.1:%s\n' "$CPORT" >>"$CONF"
XSS='<img src=x onerror=alert(1)>'
# a village and a household whose names came from a CSV
printf 'code,name,commune\nLD09,%s,Chi Lăng\n' "$XSS" >"$T/xss-villages.csv"
printf 'phone,name,village_code,role\n0912000901,%s,LD09,household\n' "$XSS" >"$T/xss-people.csv"
"$LANGSO" import villages -c "$CONF" "$T/xss-villages.csv" >/dev/null &&
	"$LANGSO" import people -c "$CONF" "$T/xss-people.csv" >/dev/null || fail "import the CSV with HTML in names"
PW='mật khẩu thử 2026'
echo "$PW" | "$LANGSO" user add -c "$CONF" tinh --role admin >/dev/null
echo "$PW" | "$LANGSO" user add -c "$CONF" chilang --role commune --commune "Chi Lăng" >/dev/null
it_start_all
U=http://127.0.0.1:$CPORT
SHOTS=$IT_ROOT/build/console
mkdir -p "$SHOTS"

# the market through Kannel, and a head's notice whose text is HTML (from an SMS)
HEAD=+84912345678      # Hoàng Văn Châu, head of LD02 (demo)
mo "$HEAD" "BAN NA 50KG 30000"
reply "$HEAD" 1 >/dev/null || fail "the listing is answered"
mo +84987000222 "MUA 1 10KG"
reply +84987000222 1 >/dev/null || fail "the order is answered"
mo "$HEAD" "OK 1"
reply "$HEAD" 2 >/dev/null || fail "the acceptance is answered"
mo +84912000901 "BAN GA 5 CON 100000"     # the household whose name is HTML sells
reply +84912000901 1 >/dev/null || fail "its listing is answered"
mo "$HEAD" "TB $XSS"
reply "$HEAD" 3 >/dev/null || fail "the head's TB is answered"
"$LANGSO" stats -c "$CONF" --json >"$T/stats.json"

/usr/bin/python3 tests/it/console_browser.py main "$U" "$DB" "$T/stats.json" "$SHOTS" "$PW" >"$T/browser.out" 2>"$T/log/browser.log"
rc=$?
grep -E '^(ok|FAIL|#)' "$T/browser.out"
[ $rc -eq 0 ] || fail "the browser checks (main) pass"
NOTICE=$(sed -n 's/^# notice //p' "$T/browser.out")

# the console's notice (urgent: every household, NGUNG or not) reaches every phone of LD02
# through Kannel
has_notice() { kl_mts "$1" | grep -q 'TB xa Chi Lang > Lang Don.*Sang mai 8h hop thon'; }
phones=$(q "select p.phone from people p join villages v on v.id = p.village_id where v.code = 'LD02'")
n=0; got=0
for p in $phones; do
	n=$((n + 1))
	kl_wait 30 has_notice "$p" && got=$((got + 1))
done
check_eq "the console's notice reached every LD02 phone through Kannel ($n)" "$got" "$n"
check_eq "... recorded as broadcast #$NOTICE from the console user" \
	"$(q "select sender_login||'|'||recipients from broadcasts where id = ${NOTICE:-0}")" "tinh|$n"
NPHONES=$n   # (check's own local n would shadow it inside delivered)
delivered() { [ "$(q "select count(*) from outbox where broadcast_id = ${NOTICE:-0} and dlr_type = 1")" -ge "$NPHONES" ]; }
check "... and its delivery reports came back" kl_wait 30 delivered
/usr/bin/python3 tests/it/console_browser.py counts "$U" "$DB" "${NOTICE:-0}" "$SHOTS" "$PW" >"$T/browser2.out" 2>>"$T/log/browser.log"
rc=$?
grep -E '^(ok|FAIL|#)' "$T/browser2.out"
[ $rc -eq 0 ] || fail "the browser checks (counts) pass"
note "screenshots in $SHOTS"
