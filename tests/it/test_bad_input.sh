#!/usr/bin/env bash
# Bad input, against langso directly with curl (no Kannel): malformed MO requests get 400
# (oversize 413), foreign clients and wrong tokens 403, unknown DLR ids 404, and none of
# them changes a row. Hostile text in a name is stored verbatim. A config typo and a bad
# CSV row are reported with FILE:LINE / CSV:LINE and change nothing.
. "$(dirname "$0")/lib.sh"
it_setup
it_import_demo || exit 1
it_start_langso
B=http://127.0.0.1:$KL_HTTP

# code URL [curl args...]: HTTP status; the body goes to $T/body
code() { local u=$1; shift; curl -s --max-time 10 -o "$T/body" -w '%{http_code}' "$@" "$u"; }
mo_get() { code "$B/kannel/mo?$1" "${@:2}"; }
OKQ="to=8055&coding=0&charset=UTF-8&smsc=FAKE&meta=&ts=1795331914"

# a well-formed request works (so the 400s below are about the input)
c=$(mo_get "from=%2B84912000501&text=HD&id=bad-good-1&$OKQ")
check_eq "well-formed GET /kannel/mo answers 200" "$c" 200
check_match "... with the help text" "$(cat "$T/body")" "*DK*"
base=$(row_counts)

# bad NAME WANT QUERY [curl args]: status WANT (a glob), a reason in the body, counts unchanged
bad() {
	local name=$1 want=$2 c; shift 2
	c=$(mo_get "$@")
	# shellcheck disable=SC2053
	if [[ $c == $want ]] && [ -s "$T/body" ]; then ok "$name -> $c"; else fail "$name -> $c (want $want with a reason), body: $(head -c 200 "$T/body")"; fi
	check_eq "$name: row counts unchanged" "$(row_counts)" "$base"
}
bad "missing from" 400 "text=HD&id=bad-1&$OKQ"
bad "empty from" 400 "from=&text=HD&id=bad-2&$OKQ"
bad "missing text" 400 "from=%2B84912000501&id=bad-3&$OKQ"
bad "empty text" 400 "from=%2B84912000501&text=&id=bad-4&$OKQ"
bad "missing id" 400 "from=%2B84912000501&text=HD&$OKQ"
bad "empty id" 400 "from=%2B84912000501&text=HD&id=&$OKQ"
bad "charset=UTF-8 with byte FF" 400 "from=%2B84912000501&text=HD%FF&id=bad-5&to=8055&coding=0&charset=UTF-8"
bad "charset=UTF-8, overlong encoding of /" 400 "from=%2B84912000501&text=HD%C0%AF&id=bad-6&to=8055&coding=0&charset=UTF-8"
bad "UTF-16BE of odd length" 400 "from=%2B84912000501&text=%00H%00D%00&id=bad-7&to=8055&coding=2&charset=UTF-16BE"
bad "UTF-16BE lone surrogate" 400 "from=%2B84912000501&text=%D8%00%00D&id=bad-8&to=8055&coding=2&charset=UTF-16BE"
bad "phone 'abc'" 400 "from=abc&text=HD&id=bad-9&$OKQ"
bad "phone '12'" 400 "from=12&text=HD&id=bad-10&$OKQ"
bad "phone with 20 digits" 400 "from=%2B84912345678901234567&text=HD&id=bad-11&$OKQ"
head -c 1048576 /dev/zero | tr '\0' a >"$T/big"
c=$(code "$B/kannel/mo?id=bad-big" -X POST -H 'Content-Type: text/plain; charset="UTF-8"' \
	-H 'X-Kannel-From: +84912000501' -H 'X-Kannel-To: 8055' -H 'X-Kannel-Coding: 0' --data-binary @"$T/big")
check_match "1 MB POST body -> 413 or 400 (got $c)" "$c" "4[01][03]"
check_eq "1 MB POST body: row counts unchanged" "$(row_counts)" "$base"
kl_langso_ready || fail "langso still healthy after the bad requests"
c=$(code "$B/kannel/dlr?id=987654321&type=1")
check_eq "DLR for an unknown message id -> 404" "$c" 404
check_eq "unknown DLR: row counts unchanged" "$(row_counts)" "$base"

# hostile text in a name is data, not code or markup
P1=+84912000511; P2=+84912000512
c=$(mo_get "from=%2B${P1#+}&text=DK+LD02+Robert%27%29%3B+DROP+TABLE+people%3B--&id=sql-1&$OKQ")
check_eq "SQL-looking name: 200" "$c" 200
# (verbatim but for DK's title case of names)
check_eq "SQL-looking name stored verbatim" "$(q "select name from people where phone = '$P1'")" "Robert'); Drop Table People;--"
# (a name starts at its first letter or digit, commands.md §4: so a name, not a tag, leads)
c=$(mo_get "from=%2B${P2#+}&text=DK+LD02+B%C3%A9+%3Cscript%3Ealert%281%29%3C%2Fscript%3E&id=xss-1&$OKQ")
check_eq "<script> name: 200" "$c" 200
check_eq "<script> name stored verbatim" "$(q "select name from people where phone = '$P2'")" "Bé <script>alert(1)</script>"
check_eq "<script> message stored verbatim in the inbox" "$(q "select text from inbox where kannel_id = 'xss-1'")" "DK LD02 Bé <script>alert(1)</script>"
read -r v0 p0 i0 o0 <<<"$base"
check_eq "tables intact: villages same, 2 more people, 2 more inbox rows" "$(row_counts)" "$v0 $((p0 + 2)) $((i0 + 2)) $o0"
check_eq "integrity_check" "$(q 'PRAGMA integrity_check')" ok
base=$(row_counts)

# allow = 127.0.0.2: a request from 127.0.0.1 (in metrics_allow only, so /healthz still
# answers it) is refused, one from 127.0.0.2 is served
kl_stop langso
sed -i 's/^allow = .*/allow = 127.0.0.2\nmetrics_allow = 127.0.0.1/' "$CONF"
it_start_langso
c=$(mo_get "from=%2B84912000521&text=HD&id=allow-1&$OKQ")
check_eq "client 127.0.0.1 in metrics_allow only, not in allow = 127.0.0.2 -> 403" "$c" 403
check_eq "403 (allow): row counts unchanged" "$(row_counts)" "$base"
c=$(mo_get "from=%2B84912000521&text=HD&id=allow-2&$OKQ" --interface 127.0.0.2)
check_eq "client 127.0.0.2 in allow -> 200" "$c" 200
base=$(row_counts)

# token
kl_stop langso
sed -i -e 's/^allow = .*/allow = 127.0.0.1/' -e 's/^token = .*/token = s3cret-tok/' "$CONF"
it_start_langso
c=$(mo_get "from=%2B84912000531&text=HD&id=tok-1&$OKQ")
check_eq "token configured, none given -> 403" "$c" 403
c=$(mo_get "from=%2B84912000531&text=HD&id=tok-2&$OKQ&token=wrong")
check_eq "wrong token -> 403" "$c" 403
check_eq "403 (token): row counts unchanged" "$(row_counts)" "$base"
c=$(mo_get "from=%2B84912000531&text=HD&id=tok-3&$OKQ&token=s3cret-tok")
check_eq "right token -> 200" "$c" 200
kl_stop langso

# a config typo
printf '[http]\nlisen = 127.0.0.1:8080\n' >"$T/typo.conf"
out=$("$LANGSO" check -c "$T/typo.conf" 2>&1); rc=$?
check_eq "langso check on a typo exits 1" "$rc" 1
check_match "langso check names FILE:LINE" "$out" "*$T/typo.conf:2:*"
out=$("$LANGSO" check -c "$CONF" 2>&1); rc=$?
check_eq "langso check on the good config: 'configuration OK', exit 0" "$rc $out" "0 configuration OK"

# a broken menu file stops check and serve with its FILE:LINE
{ cat "$CONF"; printf '\n[ussd]\nmenus = %s\n' "$T/menus.conf"; } >"$T/menus-bad.conf"
printf 'screen home\n' >"$T/menus.conf"
out=$("$LANGSO" check -c "$T/menus-bad.conf" 2>&1); rc=$?
check_eq "langso check on a broken menu file exits 1" "$rc" 1
check_match "langso check names the menu file's FILE:LINE" "$out" "*$T/menus.conf:1:*"
out=$(timeout 10 "$LANGSO" serve -c "$T/menus-bad.conf" 2>&1); rc=$?
check_eq "langso serve refuses to start with a broken menu file" "$rc" 1

# people CSV with one bad row among good ones: all-or-nothing
base=$(row_counts)
cat >"$T/people.csv" <<'EOF'
phone,name,village_code,role
0912000541,Ha Van Mot,LD02,household
0912000542,Ha Van Hai,LD02,household
not-a-phone,Ha Van Ba,LD02,household
0912000544,Ha Van Bon,LD02,household
EOF
out=$("$LANGSO" import people -c "$CONF" "$T/people.csv" 2>&1); rc=$?
check_eq "CSV with a bad row: import exits 1" "$rc" 1
check_match "CSV with a bad row: error names CSV:LINE" "$out" "*$T/people.csv:4:*"
check_eq "CSV with a bad row: nothing imported" "$(row_counts)" "$base"
exit 0
