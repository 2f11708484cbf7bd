#!/usr/bin/env bash
# The marketplace through real Kannel (fakesmsc -> bearerbox -> smsbox -> langso -> replies and
# outbox messages back through sendsms -> fakesmsc), played as the phones would: a follower
# asks for alerts, a farmer lists custard apples, the follower gets the alert, a buyer asks
# the price, searches and orders; a stranger cannot accept the order; the seller accepts and
# both get each other's number; a second buyer is refused for lack of quantity, orders less
# and is left unanswered until the order expires; the listing sold out leaves the search;
# `langso stats` counts it all.
#
# Time: langso runs with LANGSO_TEST_CLOCK_OFFSET (gateway/main.c) putting the actions' clock
# at 10:00 local today, so the alert goes out at once whatever the hour of the run; for the
# expiry it is restarted 2 hours later with [orders] expire_hours = 1.
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup
printf '\n[orders]\nexpire_hours = 1\n' >>"$CONF"
it_import_demo people || exit 1
ten_am=$(TZ=Asia/Ho_Chi_Minh date -d 'today 10:00' +%s)
OFFSET=$((ten_am - $(date +%s)))
it_start_langso LANGSO_TEST_CLOCK_OFFSET=$OFFSET
it_start_kannel

SELLER=+84983214567	# Nông Thị Hoa, household of Lăng Đồn (LD02), from conf/demo/people.csv
FOLLOWER=+84912000201
BUYER=+84912000301
BUYER2=+84912000302
STRANGER=+84912000309

# said PHONE GLOB [SECONDS]: wait until an MT to PHONE matches GLOB and print it (replies and
# outbox messages may arrive in either order, so they are matched, not counted)
matches() { kl_mts "$1" | while IFS= read -r l; do [[ $l == $2 ]] && { printf '%s\n' "$l"; break; }; done | grep -q .; }
said() {
	kl_wait "${3:-15}" matches "$1" "$2" || { echo ""; return 1; }
	kl_mts "$1" | while IFS= read -r l; do [[ $l == $2 ]] && { printf '%s\n' "$l"; break; }; done
}
# expect NAME PHONE GLOB: ok when PHONE received a message matching GLOB
expect() {
	local r
	if r=$(said "$2" "$3") && [ -n "$r" ]; then ok "$1"; else fail "$1"; echo "#   want: $3"; kl_mts "$2" | sed 's/^/#   got:  /'; fi
}

mo "$FOLLOWER" "THEO NA"
expect "THEO NA: the follower is told how to stop" "$FOLLOWER" "Da theo doi Na*BO THEO NA"

mo "$SELLER" "Bán na 50kg 30.000đ"
expect "BAN: the listing is echoed with how to undo" "$SELLER" \
	"Da dang tin #1: Na 50kg, 30.000d/kg (tong 1.500.000d). Sai? Nhan HUY 1."
check_eq "BAN: listing #1 stored open with 50 kg" "$(q "select product||' '||qty_left||' '||status from listings where id = 1")" "na 50000 open"
expect "the follower gets the alert, masked, with how to order and stop" "$FOLLOWER" \
	"Tin moi #1: Na 50kg, 30.000d/kg, thon Lang Don, xa Chi Lang, 0983***567.*MUA 1 <so kg>*Dung: BO THEO NA"

mo "$BUYER" "gia na hom nay bn"
expect "GIA NA: lowest, median, highest and the cheapest commune" "$BUYER" \
	"Gia Na 14 ngay qua: thap 30.000d, giua 30.000d, cao 30.000d /kg (1 tin ban). Re nhat o xa Chi Lang.*"

mo "$BUYER" "TIM NA"
expect "TIM NA: the offer with a masked number" "$BUYER" "Na: #1 50kg 30.000d/kg Lang Don 0983***567;*"
check_eq "before an order is accepted, the buyer never sees the seller's full number" \
	"$(kl_mts "$BUYER" | grep -c 0983214567)" 0

mo "$BUYER" "MUA 1 30KG"
expect "MUA 1 30KG: order #1 sent to the seller" "$BUYER" "Da gui don #1 toi nguoi ban: 30kg Na (tin #1)*"
expect "the seller is notified with OK/KO instructions" "$SELLER" \
	"Don #1: khach 0912***301 muon mua 30kg Na (tin #1)*Nhan OK 1 de nhan, KO 1 de tu choi*"

mo "$STRANGER" "OK 1"
expect "a stranger cannot accept someone else's order" "$STRANGER" "Don #1 khong phai don cho tin cua ban*"
check_eq "the order is still pending" "$(q "select status from orders where id = 1")" "pending"

mo "$SELLER" "OK 1"
expect "OK 1: the seller gets the buyer's full number" "$SELLER" \
	"Da nhan don #1: 30kg Na, 900.000d. Goi khach 0912000301*Tin #1 con 20kg."
expect "the buyer gets the seller's full number" "$BUYER" \
	"Nguoi ban da nhan don #1: 30kg Na (tin #1), tong 900.000d. Goi nguoi ban Nong Thi Hoa 0983214567*"
check_eq "20 kg are left on the listing" "$(q "select qty_left from listings where id = 1")" "20000"

mo "$BUYER2" "MUA 1 30KG"
expect "a second buyer is refused for lack of quantity" "$BUYER2" "Khong du hang: tin #1 chi con 20kg*"
mo "$BUYER2" "MUA 1 10KG"
expect "the second buyer orders 10 kg" "$BUYER2" "Da gui don #2 toi nguoi ban: 10kg Na (tin #1)*"
expect "the seller is told of order #2" "$SELLER" "Don #2: khach 0912***302*"

# nobody answers order #2: two hours later (expire_hours = 1) it expires
kl_stop langso
it_start_langso LANGSO_TEST_CLOCK_OFFSET=$((OFFSET + 7200))
expect "the unanswered order expires and the buyer is told" "$BUYER2" \
	"Don #2 (10kg Na, tin #1) da het han: nguoi ban chua tra loi sau 1 gio*"
check_eq "order #2 is expired" "$(q "select status from orders where id = 2")" "expired"

mo "$SELLER" "HET 1"
expect "HET 1: the listing is closed as sold out" "$SELLER" "Da dong tin #1 (Na): het hang*"
mo "$BUYER" "TIM NA"
expect "a sold-out listing disappears from search" "$BUYER" "Chua co tin ban Na*"

# issue 9, overflow_from_one_sms: once an abort under UBSan and a wrapped total in release
mo "$SELLER" "BAN QUAXYZ 1000000 TAN 4000000 TRIEU"
expect "an absurd amount is refused with the limit, the daemon lives on" "$SELLER" \
	"So luong qua lon: moi tin toi da 100.000kg (100 tan)*"
check_eq "nothing is listed from it" "$(q "select count(*) from listings where product = 'quaxyz'")" "0"

st=$("$LANGSO" stats -c "$CONF" --json)
check_eq "langso stats: Lang Don has 1 listing, 2 orders, 1 accepted worth 900.000d" \
	"$(python3 -c 'import json,sys; d=json.load(sys.stdin); v=[v for c in d["communes"] for v in c["villages"] if v["code"]=="LD02"][0]; print(v["listings"], v["orders"], v["accepted"], v["value"], v["households_listing"])' <<<"$st")" \
	"1 2 1 900000 0"
check_match "langso stats (text): a line per village" "$("$LANGSO" stats -c "$CONF")" "*LD02*Lăng Đồn*"
check_eq "every MO has exactly one inbox row" "$(q "select count(*) from inbox")" "$(kl_received)"
exit 0
