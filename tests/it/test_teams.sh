#!/usr/bin/env bash
# Community tech teams (commands.md §7) through real Kannel, played as the phones would: a
# helper of Lăng Đồn lists for a household that never types; the household is told who listed
# and undoes one listing; a buyer orders; the household and the helper are told; the helper
# accepts for the household and both sides get the numbers; a helper of another village is
# refused; the helper registers a new phone, which is told and refuses with HUY DK; SUA
# changes the price buyers see in TIM while a pending order keeps its price; GIAO tells the
# buyer and takes the order off `langso orders`; TIM NA 2 shows the second page; `langso
# stats` counts the team's work.
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup
it_import_demo people || exit 1
cat >"$T/team.csv" <<'CSV'
phone,name,village_code,role
0912000101,Nông Văn Tuấn,LD02,helper
0912000102,Vi Văn Hùng,CL01,helper
CSV
"$LANGSO" import people -c "$CONF" "$T/team.csv" >>"$T/log/import.log" 2>&1 || { fail "import the helpers"; cat "$T/log/import.log"; exit 1; }
ten_am=$(TZ=Asia/Ho_Chi_Minh date -d 'today 10:00' +%s)
it_start_all LANGSO_TEST_CLOCK_OFFSET=$((ten_am - $(date +%s)))

HELPER=+84912000101	# tổ công nghệ số of Lăng Đồn (LD02)
HELPER_QT=+84912000102	# tổ công nghệ số of Quán Thanh (CL01)
HH=+84975118203		# Lường Văn Tâm, household of LD02 (conf/demo/people.csv): never types
SELLER=+84983214567	# Nông Thị Hoa, LD02, lists for herself
BUYER=+84912000301
BUYER2=+84912000302
NEW=+84912000777
NEW2=+84912000778

matches() { kl_mts "$1" | while IFS= read -r l; do [[ $l == $2 ]] && { printf '%s\n' "$l"; break; }; done | grep -q .; }
said() {
	kl_wait "${3:-15}" matches "$1" "$2" || { echo ""; return 1; }
	kl_mts "$1" | while IFS= read -r l; do [[ $l == $2 ]] && { printf '%s\n' "$l"; break; }; done
}
expect() {
	local r
	if r=$(said "$2" "$3") && [ -n "$r" ]; then ok "$1"; else fail "$1"; echo "#   want: $3"; kl_mts "$2" | sed 's/^/#   got:  /'; fi
}

mo "$HELPER" "HO 0975 118 203 BAN NA 50KG 30K"
expect "HO ... BAN: the helper gets the echo" "$HELPER" \
	"Giup ho 0975***203: Da dang tin #1: Na 50kg, 30.000d/kg*"
expect "the household is told who listed for it and how to undo" "$HH" \
	"To cong nghe so 0912***101 dang giup ban: Da dang tin #1: Na 50kg*Sai? Nhan HUY 1."
check_eq "listing #1 is the household's, made by the helper" \
	"$(q "select p.phone||' '||l.acted_by from listings l join people p on p.id = l.seller_id where l.id = 1")" \
	"$HH $HELPER"

mo "$HELPER" "hộ 0975118203 bán hồng 20kg 25k"
expect "a second listing for the household" "$HH" "*dang giup ban: Da dang tin #2: Hong 20kg*"
mo "$HH" "HUY 2"
expect "the household undoes it itself" "$HH" "Da huy tin #2 (Hong 20kg)*"
check_eq "listing #2 is cancelled, its history says by whom" \
	"$(q "select status from listings where id = 2")/$(q "select group_concat(what||':'||coalesce(acted_by,'-'), ' ') from listing_changes where listing_id = 2")" \
	"cancelled/open:$HELPER cancelled:-"

mo "$HELPER_QT" "HO 0975118203 BAN NA 10KG 30K"
expect "a helper of another village is refused, with why" "$HELPER_QT" \
	"So 0975***203 thuoc thon Lang Don, khong phai thon Quan Thanh cua ban*"
mo "$SELLER" "HO 0975118203 BAN NA 10KG 30K"
expect "a household cannot act for another" "$SELLER" "Chi to cong nghe so, truong thon, can bo xa lam giup ho duoc*"
check_eq "nothing was listed by them" "$(q "select count(*) from listings")" "2"

mo "$BUYER" "MUA 1 20KG"
expect "MUA: the buyer's order is sent" "$BUYER" "Da gui don #1 toi nguoi ban: 20kg Na (tin #1)*"
expect "the household gets the order" "$HH" "Don #1: khach 0912***301*OK 1*"
expect "the helper gets a copy and how to answer for the household" "$HELPER" \
	"Ban sao cho to (ho 0975***203): Don #1: khach 0912***301*Tra loi giup: HO 0975118203 OK 1"

mo "$HELPER" "HO 0975118203 OK 1"
expect "HO ... OK: the helper gets the buyer's number" "$HELPER" "Giup ho 0975***203: Da nhan don #1: 20kg Na, 600.000d. Goi khach 0912000301*"
expect "the household gets the buyer's number too" "$HH" "*dang giup ban: Da nhan don #1*0912000301*"
expect "the buyer gets the household's number" "$BUYER" "Nguoi ban da nhan don #1*Luong Van Tam 0975118203*"
check_eq "order #1 accepted, by the helper" "$(q "select status||' '||acted_by from orders where id = 1")" "accepted $HELPER"

mo "$HELPER" "HO 0912 000 777 DK Bế Văn Lâm"
expect "HO ... DK: the helper registers a new phone" "$HELPER" "Da dang ky giup 0912***777: Be Van Lam, thon Lang Don, xa Chi Lang*"
expect "the new phone is told who registered it and how to refuse" "$NEW" \
	"To cong nghe so 0912***101 da dang ky so nay cho Be Van Lam, thon Lang Don*HUY DK de xoa, NGUNG*"
mo "$NEW" "HUY DK"
expect "the new phone refuses with HUY DK" "$NEW" "Da huy dang ky*"
check_eq "it is out of the village" "$(q "select coalesce(village_id, 'none') from people where phone = '$NEW'")" "none"
mo "$HELPER" "HO 0869145502 DK Ha Thi Thu"
expect "registering a phone registered elsewhere is refused with the reason" "$HELPER" \
	"So 0869***502 da dang ky thon Quan Thanh, xa Chi Lang*"
mo "$HELPER" "HO 0912000778 DK Nong Thi Mo"
expect "a second registration by the team" "$NEW2" "*da dang ky so nay cho Nong Thi Mo*"

mo "$BUYER2" "MUA 1 10KG"
expect "a second order, pending at 30.000d/kg" "$BUYER2" "Da gui don #2 toi nguoi ban: 10kg Na (tin #1), gia 30.000d/kg*"
mo "$HELPER" "HO 0975118203 SUA 1 GIA 28K"
expect "SUA: the listing as it is now" "$HELPER" "Giup ho 0975***203: Da sua tin #1, nay con: Na 30kg, 28.000d/kg*Don dang cho giu gia cu*"
mo "$BUYER" "TIM NA"
expect "TIM shows the new price" "$BUYER" "Na: #1 30kg 28.000d/kg Lang Don*"
mo "$HELPER" "HO 0975118203 OK 2"
expect "the pending order keeps the price it was placed at" "$HELPER" "Giup ho 0975***203: Da nhan don #2: 10kg Na, 300.000d*"
mo "$SELLER" "SUA 1 GIA 20K"
expect "SUA on someone else's listing is refused" "$SELLER" "Tin #1 khong phai tin cua ban: chi nguoi dang moi sua duoc*"
mo "$HH" "SUA 2 GIA 20K"
expect "SUA on a closed listing is refused" "$HH" "Tin #2 da bi huy tu truoc*"
check_eq "the price stays 28.000d" "$(q "select price_vnd from listings where id = 1")" "28000"

sheet=$("$LANGSO" orders -c "$CONF" --csv)
check_match "langso orders: order #1 is on the sheet of Chi Lăng" "$sheet" "*Chi Lăng,LD02,Lăng Đồn,1,*"
mo "$BUYER2" "GIAO 2"
expect "GIAO by someone else than the seller is refused" "$BUYER2" "Don #2 khong phai don cho tin cua ban: chi nguoi ban moi bao giao duoc*"
mo "$HELPER" "HO 0975118203 GIAO 1"
expect "GIAO: the helper marks order #1 handed over" "$HELPER" "Giup ho 0975***203: Da ghi don #1*da giao*"
expect "the buyer is told" "$BUYER" "Nguoi ban da giao don #1*"
sheet=$("$LANGSO" orders -c "$CONF" --commune "Chi Lăng")
check "langso orders: order #1 is off the sheet, order #2 still on it" \
	bash -c '[[ $1 != *"#1 "* && $1 == *"#2 "* && $1 == *"1 đơn chờ giao"* ]]' _ "$sheet"

for i in 1 2 3 4 5 6 7 8 9 10 11 12; do mo "$SELLER" "BAN NA 10KG 3${i}000"; done
kl_wait 30 bash -c "[ \$(sqlite3 -cmd '.timeout 5000' '$DB' 'select count(*) from listings') -ge 14 ]" || fail "12 listings made"
mo "$BUYER" "TIM NA"
expect "TIM NA: the first page says how to see the next" "$BUYER" "Na: #14 *Nhan TIM NA 2 de xem tiep*"
mo "$BUYER" "TIM NA 2"
expect "TIM NA 2 shows the second page" "$BUYER" "Na, trang 2: *"

st=$("$LANGSO" stats -c "$CONF" --json)
check_eq "langso stats: Lăng Đồn's team registered 1 household, made 2 listings, 2 accepted orders, 1 delivered" \
	"$(python3 -c 'import json,sys; d=json.load(sys.stdin); v=[v for c in d["communes"] for v in c["villages"] if v["code"]=="LD02"][0]; print(v["team_households"], v["team_listings"], v["team_accepted"], v["delivered"])' <<<"$st")" \
	"1 2 2 1"
check_eq "every MO has exactly one inbox row" "$(q "select count(*) from inbox")" "$(kl_received)"
exit 0
