#!/usr/bin/env bash
# Village broadcasts through real Kannel and fakesmsc, as a head, an official and
# households see them: a head's TB reaches all 300 households of the village and nobody
# else; a phone that sent NGUNG gets nothing; a stranger's TB is refused; a commune
# official reaches every village of the commune; BC's counts match the DLRs fakesmsc made.
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup KL_RATE=3000
it_import_demo || exit 1

HEAD=+84911100000
OFFICIAL=+84911199999
{
	echo "phone,name,village_code,role"
	echo "$HEAD,Hoàng Văn Châu,LD02,head"
	echo "$OFFICIAL,Lương Thị Mai,LD02,official"
	for i in $(seq 1 300); do printf '+849111%05d,Hộ %d,LD02,household\n' "$i" "$i"; done
	for i in $(seq 1 5); do printf '+849112%05d,Hộ Quán Thanh %d,CL01,household\n' "$i" "$i"; done
	for i in $(seq 1 4); do printf '+849113%05d,Hộ Lũng Cút %d,CL02,household\n' "$i" "$i"; done
	for i in $(seq 1 3); do printf '+849114%05d,Hộ Bảo Lâm %d,CLC01,household\n' "$i" "$i"; done
} >"$T/people.csv"
check "import 315 people" "$LANGSO" import people -c "$CONF" "$T/people.csv"
it_start_all

# one household opts out first
OUT=+84911100300
mo "$OUT" "NGUNG"
check_match "NGUNG is confirmed" "$(reply "$OUT" 1 15)" "Da ngung*"

mo "$HEAD" "TB Sang mai 7h hop thon tai nha van hoa"
r=$(reply "$HEAD" 1 15)
check_match "the head is told how many households it goes to, and how many NGUNG left out" "$r" \
	"Da gui TB #1 toi 300 ho thon Lang Don (1 ho da NGUNG)*"

# everyone but the sender and the opted-out phone: 299 households + the official
all_received() { [ "$(kl_py all "$T/log/fakesmsc.log" | grep -c $'\t\[TB Lang Don\] Sang mai 7h')" -ge 300 ]; }
kl_wait 60 all_received
got=$(kl_py all "$T/log/fakesmsc.log" | grep $'\t\[TB Lang Don\] Sang mai 7h' | cut -f1 | sort)
check_eq "300 phones of Lang Don received the notice" "$(echo "$got" | wc -l)" 300
check_eq "each exactly once" "$(echo "$got" | uniq -d | wc -l)" 0
check_eq "the opted-out phone got nothing" "$(echo "$got" | grep -c -- "$OUT")" 0
check_eq "the head did not get their own notice" "$(echo "$got" | grep -c -- "$HEAD")" 0
check_eq "no phone of another village got it" "$(echo "$got" | grep -c -e '+849112' -e '+849113' -e '+849114')" 0
check_eq "the text arrives with its prefix" "$(kl_mts +84911100001 | head -1)" \
	"[TB Lang Don] Sang mai 7h hop thon tai nha van hoa"

# BC counts match the DLRs fakesmsc produced (type 8 then 1 for each)
delivered_all() { [ "$(q "select count(*) from outbox where broadcast_id = 1 and dlr_type = 1")" -ge 300 ]; }
kl_wait 30 delivered_all
mo "$HEAD" "BC 1"
check_eq "BC 1 reports what the DLRs said" "$(reply "$HEAD" 2 15)" \
	"TB #1 (300 ho): da gui 300, da nhan 300, dang cho 0, loi 0"

# a stranger and a plain household are refused, nothing is queued
before=$(q "select count(*) from outbox")
mo +84999000111 "TB Moi nguoi den nha toi"
check_match "a stranger's TB is refused" "$(reply +84999000111 1 15)" "Xin loi, chi truong thon va can bo xa*"
mo +84911100005 "TB Hop thon"
r=$(reply +84911100005 2 15)
check_match "a household's TB is refused" "$r" "Xin loi, chi truong thon va can bo xa*"
check_eq "a refused TB queues nothing" "$(q "select count(*) from outbox")" "$before"

# the commune official reaches the three villages of Chi Lang that have households
mo "$OFFICIAL" "TB Lich tiem phong gia suc thu bay"
r=$(reply "$OFFICIAL" 2 15)
check_match "the official's TB goes to the commune" "$r" "Da gui TB #2 toi 309 ho xa Chi Lang*"
commune_received() { [ "$(kl_py all "$T/log/fakesmsc.log" | grep -c $'\t\[TB xa Chi Lang\]')" -ge 309 ]; }
kl_wait 60 commune_received
got=$(kl_py all "$T/log/fakesmsc.log" | grep $'\t\[TB xa Chi Lang\]' | cut -f1 | sort)
check_eq "Quan Thanh, Lung Cut and Lang Don households received it" \
	"$(echo "$got" | grep -c -e '+849112' -e '+849113' -e '+849111')" 309
check_eq "Bao Lam (Cao Loc) did not" "$(echo "$got" | grep -c '+849114')" 0

# an urgent notice from the official to one village: marked, from the commune, and it
# reaches the phone that sent NGUNG too (commands.md §7)
mo +84911200001 "NGUNG"
reply +84911200001 2 15 >/dev/null
mo "$OFFICIAL" "TB KHAN CL01 Sat lo tren duong lien thon"
check_match "the official's urgent TB goes to the 5 households of Quan Thanh" "$(reply "$OFFICIAL" 3 15)" \
	"Da gui TB #3 toi 5 ho thon Quan Thanh*"
urgent_received() { [ "$(kl_py all "$T/log/fakesmsc.log" | grep -c $'\t\[KHAN\]\[TB xa Chi Lang > Quan Thanh\] Sat lo')" -ge 5 ]; }
kl_wait 30 urgent_received
check_eq "the urgent notice arrives marked, naming commune and village, also after NGUNG" \
	"$(kl_mts +84911200001 | grep -c '^\[KHAN\]\[TB xa Chi Lang > Quan Thanh\] Sat lo tren duong lien thon$')" 1
exit 0
