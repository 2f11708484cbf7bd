#!/usr/bin/env bash
# USSD through POST /ussd (Africa's Talking style: form fields sessionId, serviceCode,
# phoneNumber, text = the *-joined history; answers "CON <screen>" / "END <screen>"), with
# real Kannel behind langso for the SMS that the menus' commands send. A seller lists na by
# menu; a buyer searches, picks the listing and orders 20 kg; the seller gets the order by
# SMS (outbox row, delivered through Kannel to fakesmsc); the seller accepts by menu and the
# buyer gets the seller's number. Also: a retried step, a history with no stored state,
# back/home, a bad request.
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup
it_import_demo people || exit 1
ten_am=$(TZ=Asia/Ho_Chi_Minh date -d 'today 10:00' +%s)
it_start_langso LANGSO_TEST_CLOCK_OFFSET=$((ten_am - $(date +%s)))
it_start_kannel

SELLER=+84983214567	# Nông Thị Hoa, LD02 (conf/demo/people.csv)
BUYER=+84912000301

# u NAME SESSION PHONE TEXT GLOB: one step, checked against GLOB
u() {
	local r
	r=$(ussd_post "$2" "$3" "$4")
	check_match "$1" "$r" "$5"
}
nl=$'\n'

u "seller dials: CON home menu" s1 "$SELLER" "" "CON Lang So - cho nong san${nl}1.Ban hang*"
u "1: products from the lexicon" s1 "$SELLER" "1" "CON Ban mat hang nao?${nl}1.Na${nl}*9.Tiep*"
u "1*1: which unit" s1 "$SELLER" "1*1" "CON Na: ban theo don vi nao?*"
u "1*1*2: how many yen" s1 "$SELLER" "1*1*2" "CON Ban bao nhieu yen Na?*"
u "wrong quantity: the screen again with a hint" s1 "$SELLER" "1*1*2*x" "CON So luong chua dung. Ban bao nhieu yen Na?*"
u "1*1*2*5: the price per kg" s1 "$SELLER" "1*1*2*5" "CON Gia 1 kg (dong)?*"
u "price 30: confirm 5 yen at 30.000d/kg" s1 "$SELLER" "1*1*2*5*30" "CON Dang tin ban Na 5 yen, gia 30.000d/kg?*"
u "confirm: END with the listing's reply" s1 "$SELLER" "1*1*2*5*30*1" "END Da dang tin #1: Na 50kg, 30.000d/kg*"
check_eq "listing #1: na, 50 kg open" "$(q "select product||' '||qty_left||' '||status from listings where id = 1")" "na 50000 open"
r=$(ussd_post s1 "$SELLER" "1*1*2*5*30*1")
check_eq "a retried last step changes nothing" "$(q "select count(*) from listings")" 1
check_match "a retried last step is answered END with the same screen" "$r" "END Da dang tin #1: Na 50kg, 30.000d/kg*"

u "buyer dials" b1 "$BUYER" "" "CON Lang So*"
u "3: search and buy" b1 "$BUYER" "3" "CON Tim va mua${nl}1.Tim theo mat hang*"
u "3*1: which product" b1 "$BUYER" "3*1" "CON Tim mua mat hang nao?*"
u "3*1*1: the open listings of na" b1 "$BUYER" "3*1*1" "CON Na dang ban:${nl}1.#1 50kg 30k Lang Don*"
u "3*1*1*1: how much (in kg, the listing's unit)" b1 "$BUYER" "3*1*1*1" "CON Mua bao nhieu kg (tin #1)?*"
u "00 goes home, history kept by the aggregator" b1 "$BUYER" "3*1*1*1*00" "CON Lang So*"
# the aggregator's history is authoritative: a new sessionId with a whole history is replayed
u "a history without stored state is replayed" b2 "$BUYER" "3*1*1*1*20" "CON Dat mua 20 kg Na tu tin #1, gia 30.000d/kg, tong 600.000d?*"
u "confirm: END, order sent to the seller" b2 "$BUYER" "3*1*1*1*20*1" "END Da gui don #1 toi nguoi ban: 20kg Na (tin #1)*"
check_eq "order #1 pending for 20 kg" "$(q "select listing_id||' '||qty||' '||status from orders where id = 1")" "1 20000 pending"
check_eq "an outbox row tells the seller" "$(q "select count(*) from outbox where phone = '$SELLER' and text like 'Don #1:%'")" 1
r=$(kl_wait 15 kl_mt_has "$SELLER" 1 && kl_mts "$SELLER" | grep 'Don #1:')
check_match "the seller gets the order by SMS through Kannel, with OK/KO" "$r" "Don #1: khach 0912***301 muon mua 20kg Na (tin #1)*OK 1*"

u "seller dials again" s2 "$SELLER" "" "CON Lang So*"
u "5: orders waiting for an answer" s2 "$SELLER" "5" "CON Don mua cho ban tra loi:${nl}1.#1 Na 20kg 0912***301*"
u "5*1: accept or decline" s2 "$SELLER" "5*1" "CON Don #1:${nl}1.Nhan don${nl}2.Tu choi*"
u "5*1*1: accepted, the buyer's number shown" s2 "$SELLER" "5*1*1" "END Da nhan don #1*0912000301*"
check_eq "order #1 accepted" "$(q "select status from orders where id = 1")" "accepted"
r=$(kl_wait 15 kl_mt_has "$BUYER" 1 && kl_mts "$BUYER" | grep 'Nguoi ban da nhan don #1')
check_match "the buyer gets the seller's number by SMS" "$r" "Nguoi ban da nhan don #1*0983214567*"

u "0 at home ends the session" s3 "$SELLER" "0" "END Tam biet*"
u "an answer after the end" s3 "$SELLER" "0*1" "END Phien da ket thuc*"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$KL_HTTP/ussd" --data 'phoneNumber=%2B84912000301&text=')
check_eq "missing sessionId: 400" "$code" 400
check_eq "every USSD step is in the inbox once" "$(q "select count(*) from inbox where smsc = 'ussd-http'")" \
	"$(q "select count(distinct kannel_id) from inbox where smsc = 'ussd-http'")"
exit 0
