#!/usr/bin/env bash
# Messages langso originates (`langso send`) go out through the outbox and Kannel's
# sendsms, reach the phone (fakesmsc), and the fake SMSC's delivery reports (type 8, then 1)
# come back to /kannel/dlr and update the outbox row. Vietnamese text goes out as UCS-2 and
# reads the same on the phone.
. "$(dirname "$0")/lib.sh"
it_need_kannel
it_setup
it_start_all

# row ID: "status|dlr_type" of one outbox row
row() { q "select status||'|'||coalesce(dlr_type,'') from outbox where id = $1"; }
delivered() { [ "$(row "$1")" = "accepted|1" ]; }

P=+84912000301
out=$("$LANGSO" send -c "$CONF" "$P" "Hop thon luc 8h sang mai" 2>&1)
check_match "langso send prints 'queued #ID'" "$out" "queued #[0-9]*"
id=${out#queued #}
r=$(reply "$P" 1 15)
check_eq "the SMS reaches the phone with its text" "$r" "Hop thon luc 8h sang mai"
check_eq "ASCII text goes out as 7-bit text" "$(kl_py mts-coding "$T/log/fakesmsc.log" "$P" | cut -f1)" "text"
kl_wait 15 delivered "$id"
check_eq "DLR: outbox row accepted, dlr_type 1 (delivered)" "$(row "$id")" "accepted|1"

VI="Giá na hôm nay 30.000đ"
out=$("$LANGSO" send -c "$CONF" "$P" "$VI" 2>&1)
check_match "langso send (Vietnamese) prints 'queued #ID'" "$out" "queued #[0-9]*"
id2=${out#queued #}
reply "$P" 2 15 >/dev/null
check_eq "Vietnamese text arrives as ucs-2 and decodes to the same text" \
	"$(kl_py mts-coding "$T/log/fakesmsc.log" "$P" | sed -n 2p)" "ucs-2	$VI"
kl_wait 15 delivered "$id2"
check_eq "DLR for the UCS-2 message: accepted, dlr_type 1" "$(row "$id2")" "accepted|1"

# a local number form is sent to the E.164 number
out=$("$LANGSO" send -c "$CONF" 0912000302 "So dien thoai dang 09" 2>&1)
check_match "langso send 09xxxxxxxx prints 'queued #ID'" "$out" "queued #[0-9]*"
check_eq "09xxxxxxxx is delivered to +849xxxxxxxx" "$(reply +84912000302 1 15)" "So dien thoai dang 09"

# a long Vietnamese notice is split by Kannel and arrives whole
LONG="Thông báo: tiêm phòng lở mồm long móng cho trâu bò tại nhà văn hoá thôn Lăng Đồn từ 7 giờ sáng thứ Bảy. Bà con mang theo sổ theo dõi."
out=$("$LANGSO" send -c "$CONF" "$P" "$LONG" 2>&1)
check_match "langso send (2-part UCS-2) prints 'queued #ID'" "$out" "queued #[0-9]*"
reply "$P" 3 15 >/dev/null
check_eq "a 2-part UCS-2 notice arrives whole" "$(kl_mts "$P" | sed -n 3p)" "$LONG"

check_eq "nothing was sent twice" "$(kl_py all "$T/log/fakesmsc.log" | sort | uniq -d | wc -l)" 0
exit 0
