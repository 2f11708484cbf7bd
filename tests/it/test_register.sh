#!/usr/bin/env bash
# A farmer texts langso through real Kannel (fakesmsc -> bearerbox -> smsbox -> langso ->
# reply -> fakesmsc): HD, unknown text, DK in plain text and in UCS-2 (Vietnamese with
# diacritics), DK for an unknown village, NGUNG. The UCS-2 registration is checked on all
# three ways smsbox can hand it over: GET with charset UTF-16BE, GET after mo-recode (UTF-8),
# and the POST service (body in UTF-16BE).
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup
it_import_demo || exit 1
it_start_all

# person PHONE: "name|village code|opted_out" as stored
person() { q "select p.name||'|'||coalesce(v.code,'')||'|'||p.opted_out from people p left join villages v on v.id = p.village_id where p.phone = '$1'"; }

P=+84912000101
mo "$P" "HD"
r=$(reply "$P" 1)
check_match "HD: help reply reaches the phone and explains DK" "$r" "*DK*"

mo "$P" "xin chao ban"
r=$(reply "$P" 2)
check_match "unknown text: reply says 'Nhan HD de xem huong dan'" "$r" "*Nhan HD de xem huong dan*"

mo "$P" "DK LD02 Nguyen Van An"
r=$(reply "$P" 3)
check_match "DK LD02 (text): reply starts 'Da dang ky'" "$r" "Da dang ky*"
check_match "DK LD02 (text): reply names the person and the village" "$r" "*Nguyen Van An*Lang Don*"
check_eq "DK LD02 (text): person stored in LD02" "$(person "$P")" "Nguyen Van An|LD02|0"
# every reply so far is plain GSM text, not UCS-2 (the farmer's phone shows no '?')
check_eq "replies without diacritics travel as 7-bit text" \
	"$(kl_py mts-coding "$T/log/fakesmsc.log" "$P" | cut -f1 | sort -u)" "text"

mo "$P" "DK XX99 Nguyen Van Binh"
r=$(reply "$P" 4)
check_match "DK XX99 (unknown village): reply 'Khong tim thay thon'" "$r" "Khong tim thay thon*"
check_eq "DK XX99: the registration in LD02 is kept" "$(person "$P")" "Nguyen Van An|LD02|0"

P2=+84912000102
mo "$P2" "DK XX99 Tran Thi Mai"
reply "$P2" 1 >/dev/null
check_eq "DK XX99 from a new phone: nobody registered" "$(q "select count(*) from people where phone = '$P2'")" 0

mo "$P" "NGUNG"
reply "$P" 5 >/dev/null || fail "NGUNG: a reply comes back"
check_eq "NGUNG: person opted out" "$(person "$P")" "Nguyen Van An|LD02|1"
check_match "NGUNG: the reply says urgent notices still arrive" "$(reply "$P" 5)" "*TB KHAN*van den*"
mo "$P" "HUY DK"
check_match "HUY DK: the reply says the phone left Lang Don" "$(reply "$P" 6)" "Da huy dang ky*Lang Don*"
check_eq "HUY DK: person in no village any more" "$(person "$P")" "Nguyen Van An||1"

# ucs2_register PHONE LABEL: the farmer types Vietnamese, the phone sends UCS-2
ucs2_register() {
	local phone=$1 label=$2 r
	mo "$phone" "DK LD02 Hoàng Văn Châu" ucs2
	r=$(reply "$phone" 1)
	check_match "UCS-2 DK ($label): reply 'Da dang ky ... Hoang Van Chau ... Lang Don'" "$r" "Da dang ky*Hoang Van Chau*Lang Don*"
	check_eq "UCS-2 DK ($label): name stored with diacritics" "$(person "$phone")" "Hoàng Văn Châu|LD02|0"
	check_eq "UCS-2 DK ($label): inbox text decoded" "$(q "select text from inbox where phone = '$phone'")" "DK LD02 Hoàng Văn Châu"
}
ucs2_register +84912000103 "GET, charset UTF-16BE"

# smsbox alone is restarted on a re-rendered config; bearerbox keeps running
kl_stop smsbox
it_setup KL_MO_RECODE=1
kl_start_smsbox || fail "smsbox restarts with mo-recode"
ucs2_register +84912000104 "GET, mo-recode"

kl_stop smsbox
it_setup KL_MO_RECODE=0 KL_SERVICE=post
kl_start_smsbox || fail "smsbox restarts with the POST service"
ucs2_register +84912000105 "POST, UTF-16BE body"
P6=+84912000106
mo "$P6" "DK LD02 Be Van Dung"
r=$(reply "$P6" 1)
check_match "POST: text DK registers" "$r" "Da dang ky*Be Van Dung*"

check_eq "every MO bearerbox received has exactly one inbox row" "$(q "select count(*) from inbox")" "$(kl_received)"
exit 0
