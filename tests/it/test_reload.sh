#!/usr/bin/env bash
# SIGHUP reloads the lexicon and the USSD menus while langso serves (issue 13): a new
# product and a new home screen are in use at once, a USSD session begun before the
# reload goes on after it, every MO sent meanwhile is answered 200 and stored, and a
# broken menus file keeps the old lexicon and menus and logs its FILE:LINE. Same PID
# throughout: nothing restarts.
. "$(dirname "$0")/lib.sh"

it_setup
cp conf/lexicon.conf "$T/lexicon.conf"
cp conf/menus.conf "$T/menus.conf"
printf '\n[sms]\nlexicon = %s\n\n[ussd]\nmenus = %s\n' "$T/lexicon.conf" "$T/menus.conf" >>"$CONF"
it_import_demo people || exit 1
it_start_langso
pid=$(kl_pid langso)
SELLER=+84983214567	# Nông Thị Hoa, LD02 (conf/demo/people.csv)
nl=$'\n'

check_match "before: the home screen of conf/menus.conf" "$(ussd_post s0 "$SELLER" "")" \
	"CON Lang So - cho nong san${nl}*"

# MOs keep arriving through the reload: two loops of GET /kannel/mo
load() {
	local i
	for i in $(seq 1 150); do
		curl -s --max-time 10 -o /dev/null -w '%{http_code}\n' \
			"http://127.0.0.1:$KL_HTTP/kannel/mo?from=%2B84912$1$(printf %04d "$i")&text=HD&id=rl-$1-$i&to=8055&coding=0&charset=UTF-8"
	done >"$T/load-$1.codes"
}
load 10 & l1=$!
load 11 & l2=$!

# a product first in the lexicon, a new home screen text
sed -i '0,/^na = Na /s//qua thu = Quả Thử ; alias QUA THU ; kg 10k-50k\n&/' "$T/lexicon.conf"
sed -i 's/^text Lang So - cho nong san$/text Lang So moi - cho nong san/' "$T/menus.conf"
kill -HUP "$pid"
check "the reload is logged" kl_wait 10 grep -q 'reload: lexicon .* in use' "$T/log/langso.log"
check_match "after: a new session sees the new home screen" "$(ussd_post s1 "$SELLER" "")" \
	"CON Lang So moi - cho nong san${nl}*"
check_match "after: the new product is offered first" "$(ussd_post s1 "$SELLER" "1")" \
	"CON Ban mat hang nao?${nl}1.Qua Thu${nl}2.Na*"
check_match "a session begun before the reload goes on" "$(ussd_post s0 "$SELLER" "1")" \
	"CON Ban mat hang nao?${nl}1.Qua Thu*"
check_match "the new product is read by SMS too" \
	"$(curl -s "http://127.0.0.1:$KL_HTTP/kannel/mo?from=%2B84983214567&text=BAN+QUA+THU+50KG+20000&id=rl-ban&to=8055&coding=0&charset=UTF-8")" \
	"*Qua Thu*"
wait "$l1" "$l2"
codes=$(cat "$T"/load-*.codes | sort | uniq -c | tr -s ' ' | sed 's/^ //')
check_eq "every MO sent during the reload is answered 200" "$codes" "300 200"
check_eq "and stored" "$(q "select count(*) from inbox where kannel_id like 'rl-1%'")" 300

# a broken menus file: refused, the old (reloaded) ones stay
printf 'screen broken kind_that_does_not_exist\n' >>"$T/menus.conf"
kill -HUP "$pid"
check "a bad menus file is logged with its FILE:LINE" \
	kl_wait 10 grep -q "menus.conf:[0-9]*: .*the old lexicon and menus stay" "$T/log/langso.log"
check_match "the menus in use are unchanged" "$(ussd_post s2 +84912000301 "")" "CON Lang So moi - cho nong san*"
check_eq "the same langso process throughout" "$(kl_pid langso)" "$pid"
check "it still answers /healthz" kl_healthz
exit 0
