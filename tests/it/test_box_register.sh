#!/usr/bin/env bash
# Box mode (issue 10): langso is a box of bearerbox, no smsbox. A farmer's HD, DK in plain
# text and in UCS-2 (Vietnamese with diacritics), unknown text and NGUNG go fakesmsc ->
# bearerbox -> langso's box connection -> reply (mt_reply) -> fakesmsc; every MO is acked
# only after its commit, so bearerbox's store is empty once the replies are in.
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup KL_MODE=box
it_import_demo || exit 1
it_start_all

person() { q "select p.name||'|'||coalesce(v.code,'')||'|'||p.opted_out from people p left join villages v on v.id = p.village_id where p.phone = '$1'"; }

check "no smsbox runs in box mode" test ! -e "$T/run/smsbox.pid"
P=+84912000101
mo "$P" "HD"
check_match "HD: help reply reaches the phone through the box" "$(reply "$P" 1)" "*DK*"
mo "$P" "xin chao ban"
check_match "unknown text: 'Nhan HD de xem huong dan'" "$(reply "$P" 2)" "*Nhan HD de xem huong dan*"
mo "$P" "DK LD02 Nguyen Van An"
r=$(reply "$P" 3)
check_match "DK LD02 (text): reply names the person and the village" "$r" "Da dang ky*Nguyen Van An*Lang Don*"
check_eq "DK LD02 (text): person stored in LD02" "$(person "$P")" "Nguyen Van An|LD02|0"
check_eq "replies without diacritics travel as 7-bit text" \
	"$(kl_py mts-coding "$T/log/fakesmsc.log" "$P" | cut -f1 | sort -u)" "text"

P3=+84912000103
mo "$P3" "DK LD02 Hoàng Văn Châu" ucs2
check_match "UCS-2 DK: reply 'Da dang ky ... Hoang Van Chau ... Lang Don'" "$(reply "$P3" 1)" "Da dang ky*Hoang Van Chau*Lang Don*"
check_eq "UCS-2 DK: name stored with diacritics" "$(person "$P3")" "Hoàng Văn Châu|LD02|0"
check_eq "UCS-2 DK: inbox text decoded from UTF-16BE" "$(q "select text from inbox where phone = '$P3'")" "DK LD02 Hoàng Văn Châu"

mo "$P" "NGUNG"
check_match "NGUNG: the reply says urgent notices still arrive" "$(reply "$P" 4)" "*TB KHAN*van den*"
check_eq "NGUNG: person opted out" "$(person "$P")" "Nguyen Van An|LD02|1"

# replies with diacritics: langso itself encodes the mt_reply as UCS-2 (coding 2, UTF-16BE),
# since no smsbox converts it on the way
kl_stop langso
printf '\n[sms]\nreply_diacritics = true\n' >>"$CONF"
it_start_langso
P4=+84912000104
mo "$P4" "DK LD02 Hoàng Thị Lan" ucs2
r=$(reply "$P4" 1)
check_match "UCS-2 reply: the registration is confirmed with diacritics" "$r" "Đã đăng ký*Hoàng Thị Lan*Lăng Đồn*"
check_eq "UCS-2 reply: it travels as ucs-2" "$(kl_py mts-coding "$T/log/fakesmsc.log" "$P4" | cut -f1)" "ucs-2"

check_eq "every MO bearerbox received has exactly one inbox row" "$(q "select count(*) from inbox")" "$(kl_received)"
kl_wait 10 kl_status_has 'store size 0' || true
check "every MO acked: bearerbox's store is empty" kl_status_has 'store size 0'
m=$(curl -fsS "http://127.0.0.1:$KL_HTTP/metrics")
check_match "/metrics: the box is up and counts frames" "$m" "*langso_box_up 1*langso_box_frames_total{direction=\"in\"} [1-9]*"
check_match "/metrics: MO acks sent" "$m" "*langso_box_acks_total{direction=\"out\",of=\"mo\",status=\"success\"} [1-9]*"
exit 0
