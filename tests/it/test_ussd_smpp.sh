#!/usr/bin/env bash
# USSD through real Kannel over SMPP: tests/it/smpp_smsc.pl plays the operator's SMSC,
# bearerbox binds to it with the ussd_service_op (0x0501) and its_session_info (0x1383) TLVs
# configured, smsbox hands each step to langso with meta-data, and langso's screen goes back
# as a submit_sm with op 2 (continue) or 17 (end) and the session echoed. A registered
# household dials *868#, sells 50 kg of na through the menus; the listing is in the
# database, and a buyer's plain SMS "TIM NA" through the same SMSC finds it; a dial of
# *868*4# opens the seller's listings at once, and the price is edited by menu (issue 12).
. "$(dirname "$0")/lib.sh"
it_need_kannel
perl -MNet::SMPP -e1 2>/dev/null || { echo "SKIP $IT_NAME: Net::SMPP (libnet-smpp-perl) missing" >&2; exit 77; }
it_setup
it_smpp_setup
it_import_demo people || exit 1
it_smpp_start

SELLER=+84983214567	# Nông Thị Hoa, LD02 (conf/demo/people.csv)
BUYER=+84912000301
SESS=1025		# its_session_info 0x0401
n=0

# step OP TEXT: one USSD step of the seller; r is "op<TAB>session<TAB>screen" of the answer
step() {
	smpp_mo "$SELLER" "$1" "$SESS" "$2"
	n=$((n + 1))
	r=$(smpp_mt_wait "$SELLER" "$n" 15) || { fail "USSD step $n ($2) is answered"; exit 1; }
}

step 1 '*868#'
check_match "dial: home menu comes back" "$r" $'02\t0401\tLang So - cho nong san|1.Ban hang*'
check_eq "dial: answer is a USSR request (op 2) echoing its_session_info" "$(cut -f1,2 <<<"$r")" $'02\t0401'
step 18 1
check_match "1: which product, the lexicon listed" "$r" $'02\t0401\tBan mat hang nao?|1.Na|*'
step 18 1
check_match "1 (Na): which unit" "$r" $'02\t*\tNa: ban theo don vi nao?|1.kg*'
step 18 1
check_match "1 (kg): how many" "$r" $'02\t*\tBan bao nhieu kg Na?*'
step 18 50
check_match "50: the price" "$r" $'02\t*\tGia 1 kg (dong)?*'
step 18 30
check_match "30: confirm 50 kg at 30.000d/kg" "$r" $'02\t*\tDang tin ban Na 50 kg, gia 30.000d/kg?*'
step 18 1
check_eq "confirm: the last screen ends the session (op 17) with the session echoed" "$(cut -f1,2 <<<"$r")" $'11\t0401'
note "LIST reply: $(cut -f3 <<<"$r")"
check "the reply is one GSM-7 screen of at most 160 characters" \
	test "$(cut -f3 <<<"$r" | wc -m)" -le 161

check_eq "the session is stored as ended" "$(q "select ended from ussd_sessions where phone = '$SELLER'")" 1
listing=$(q "select l.id||'|'||l.product||'|'||l.qty||'|'||l.price_vnd from listings l join people p on p.id = l.seller_id where p.phone = '$SELLER'" 2>&1)
check_match "the listing exists: na, 50 000 g, 30 000 d" "$listing" "*|na|50000|30000"
id=${listing%%|*}

# the buyer's SMS through the same SMSC (a deliver_sm without USSD TLVs)
smpp_mo "$BUYER" - - "TIM NA"
r=$(smpp_mt_wait "$BUYER" 1 15)
check_match "TIM NA by SMS: a plain submit_sm (no USSD TLVs)" "$r" $'-\t-\t*'
check_match "TIM NA by SMS finds listing #$id" "$r" "*#$id*"

# a step of an unknown or finished session gets an end
smpp_mo "$SELLER" 18 "$SESS" 1
n=$((n + 1))
r=$(smpp_mt_wait "$SELLER" "$n" 15)
check_match "an answer after the end: ended again (op 17)" "$r" $'11\t0401\tPhien da ket thuc*'

# issue 12: a dial shortcut (*868*4#: my listings) and the edit of a price by menu
SESS=1026		# 0x0402
step 1 '*868*4#'
check_match "*868*4#: straight to my listings" "$r" $'02\t0402\tTin ban cua ban:|1.#'"$id"'*'
step 18 1
check_match "1: what to do with it, edit included" "$r" $'02\t0402\tTin #'"$id"':*3.Sua gia*'
step 18 3
step 18 28
check_match "28: confirm the new price" "$r" $'02\t0402\tSua tin #'"$id"': gia moi 28.000d/kg?*'
step 18 1
check_match "confirm: the listing as it is now, the session ends" "$r" $'11\t0402\tDa sua tin #'"$id"', nay con: Na 50kg, 28.000d/kg*'
check_eq "the price is 28 000 d" "$(q "select price_vnd from listings where id = $id")" 28000

check_eq "every MO bearerbox received has one inbox row" "$(q "select count(*) from inbox")" "$(kl_received)"
exit 0
