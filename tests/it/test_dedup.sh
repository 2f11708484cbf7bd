#!/usr/bin/env bash
# The same MO delivered twice registers once.
# (a) langso answers slower than smsbox's http-timeout (LANGSO_TEST_MO_DELAY_MS), so smsbox
#     gives up on the first request and retries with the same %I: one inbox row, one person,
#     and the phone never gets two replies.
# (b) langso is down when the MO comes in; smsbox keeps retrying (http-request-retry x
#     http-queue-delay); langso is restarted inside that window: processed exactly once and
#     the reply reaches the phone.
. "$(dirname "$0")/lib.sh"
it_need_kannel

# (a) http-timeout 2 s, langso takes 3 s after committing
it_setup KL_HTTP_TIMEOUT=2 KL_HTTP_RETRY=3 KL_HTTP_DELAY=1
it_import_demo || exit 1
it_start_langso LANGSO_TEST_MO_DELAY_MS=3000
it_start_kannel

P=+84912000201
mo "$P" "DK LD02 Nong Van Hai"
# Every attempt times out at 2 s and the next comes 1 s later. The run is over when a reply
# arrives or smsbox has given up (1 + http-request-retry failed attempts).
kid=
attempts() { if [ -n "$kid" ]; then grep -c "Couldn't fetch.*id=$kid" "$T/log/smsbox.log"; else echo 0; fi; }
settled() {
	[ -n "$kid" ] || kid=$(q "select kannel_id from inbox where phone = '$P'")
	[ -n "$kid" ] && { kl_mt_has "$P" 1 || [ "$(attempts)" -ge 4 ]; }
}
kl_wait 30 settled
tries=$(attempts)
if [ -n "$kid" ] && [ "$tries" -ge 1 ]; then
	ok "slow answer: smsbox timed out and retried the same id ($tries timed-out attempts)"
else
	fail "slow answer: smsbox timed out and retried the same id (id '$kid', $tries timed-out attempts)"
fi
sleep 2   # a window for a late duplicate reply
check_eq "slow answer: one inbox row for the retried MO" "$(q "select count(*) from inbox where phone = '$P'")" 1
check_eq "slow answer: one person registered" "$(q "select count(*)||'|'||coalesce(max(name),'') from people where phone = '$P'")" "1|Nong Van Hai"
n=$(kl_mt_count "$P")
# The test seam delays every answer, retries included, so when every attempt times out the
# phone gets nothing (reply-couldnotfetch = ""); what must never happen is two replies.
check "slow answer: the phone gets at most one reply (got $n)" [ "$n" -le 1 ]
[ "$n" -ge 1 ] && check_match "slow answer: the reply is the registration" "$(kl_mts "$P" | head -1)" "Da dang ky*"

# (b) langso down while the MO arrives; smsbox retries every 2 s, 10 times
kl_stop langso
kl_stop smsbox
it_setup KL_HTTP_TIMEOUT=5 KL_HTTP_RETRY=10 KL_HTTP_DELAY=2
kl_start_smsbox || fail "smsbox restarts with a 20 s retry window"
P2=+84912000202
mo "$P2" "DK LD02 Lo Thi Nga"
refused() { [ "$(grep -c "Couldn't fetch.*from=%2B${P2#+}" "$T/log/smsbox.log")" -ge 1 ]; }
check "langso down: smsbox's first attempt fails" kl_wait 15 refused
it_start_langso
r=$(reply "$P2" 1 30)
check_match "langso restarted inside the retry window: the reply reaches the phone" "$r" "Da dang ky*Lo Thi Nga*"
sleep 2   # a window for a duplicate reply to show up
check_eq "langso restarted: one inbox row" "$(q "select count(*) from inbox where phone = '$P2'")" 1
check_eq "langso restarted: one person registered" "$(q "select count(*)||'|'||coalesce(max(name),'') from people where phone = '$P2'")" "1|Lo Thi Nga"
check_eq "langso restarted: exactly one reply" "$(kl_mt_count "$P2")" 1
exit 0
