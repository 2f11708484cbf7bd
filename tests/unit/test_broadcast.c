/*
 * TB and BC as village heads, officials and households meet them: who is
 * reached, who is refused, quiet hours, length, and the delivery figures.
 */
#include "tests/t.h"
#include "tests/fixture.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define S (FX.s)
#define A (FX.a)

/* local_time: today's hh:mm in Asia/Ho_Chi_Minh */
static long long
local_time(int hh, int mm)
{
	return fx_local(2026, 11, 22, hh, mm);
}

static void
person(const char *phone, const char *code, const char *role)
{
	char name[32];

	snprintf(name, sizeof name, "Nguoi %s", phone + 8);
	fx_person(phone, name, code, role);
}

static void
setup_with(bool diacritics)
{
	struct actions_conf ac = {.max_segments = 3, .reply_diacritics = diacritics,
	    .broadcast_start_min = 7 * 60, .broadcast_end_min = 21 * 60};

	fx_open(&ac);
	FX.now = local_time(9, 0);
	fx_village("LD02", "Lăng Đồn", "Chi Lăng");
	fx_village("QT01", "Quán Thanh", "Chi Lăng");
	fx_village("LC01", "Lũng Cút", "Chi Lăng");
	fx_village("BL01", "Bảo Lâm", "Cao Lộc");
	person("+84911000001", "LD02", "head");
	for (int i = 0; i < 5; i++) {
		char phone[32];

		snprintf(phone, sizeof phone, "+8491200000%d", i);
		person(phone, "LD02", "household");
	}
	T_ASSERT(store_person_set_opted_out(S, "+84912000004", true) == STORE_OK);
	person("+84913000001", "QT01", "household");
	person("+84913000002", "QT01", "household");
	person("+84914000001", "LC01", "household");
	person("+84915000001", "BL01", "household");
	person("+84915000002", "BL01", "head");
	person("+84911000009", "LD02", "official");
}

static void
setup(void)
{
	setup_with(false);
}

static void
claim_all(struct outbox_msg *out, int max, int *n)
{
	T_ASSERT(store_outbox_claim(S, FX.now + 100000, max, out, n) == STORE_OK);
}

static bool
has_phone(const struct outbox_msg *m, int n, const char *phone)
{
	for (int i = 0; i < n; i++)
		if (strcmp(m[i].phone, phone) == 0)
			return true;
	return false;
}

static void
head_reaches_own_village_only(void)
{
	struct outbox_msg out[32];
	const char *r;
	int n;

	setup();
	r = fx_sms("+84911000001", "TB Sáng mai 7h họp thôn tại nhà văn hóa");
	T_ASSERTF(strncmp(r, "Da gui TB #1 toi 5 ho thon Lang Don", 35) == 0, "%s", r);
	claim_all(out, 32, &n);
	/* 5 households, one opted out, and the official who lives there; not the head */
	T_ASSERT(n == 5);
	T_ASSERT(has_phone(out, n, "+84911000009"));
	for (int i = 0; i < 4; i++) {
		char phone[32];

		snprintf(phone, sizeof phone, "+8491200000%d", i);
		T_ASSERTF(has_phone(out, n, phone), "%s missing", phone);
	}
	T_ASSERT(!has_phone(out, n, "+84912000004"));	/* NGUNG */
	T_ASSERT(!has_phone(out, n, "+84913000001"));	/* another village */
	T_STREQ(out[0].text, "[TB Lang Don] Sang mai 7h hop thon tai nha van hoa");
	T_ASSERT(out[0].coding == 0);
	T_ASSERT(out[0].broadcast_id == 1);
	T_ASSERT(out[0].priority == OUTBOX_PRIO_BROADCAST);
}

static void
others_are_refused(void)
{
	struct outbox_msg out[8];
	const char *r;
	int n;

	setup();
	r = fx_sms("+84912000001", "TB Mai hop thon");		/* a household */
	T_ASSERTF(strstr(r, "chi truong thon va can bo xa") != NULL, "%s", r);
	r = fx_sms("+84999999999", "TB Mai hop thon");		/* a stranger */
	T_ASSERTF(strstr(r, "chi truong thon va can bo xa") != NULL, "%s", r);
	r = fx_sms("+84911000001", "TB QT01 Mai hop thon");	/* a head, another village */
	T_ASSERTF(strstr(r, "chi gui duoc thong bao cho thon Lang Don") != NULL, "%s", r);
	claim_all(out, 8, &n);
	T_ASSERT(n == 0);
}

static void
official_reaches_the_commune_or_one_village(void)
{
	struct outbox_msg out[32];
	const char *r;
	int n;

	setup();
	r = fx_sms("+84911000009", "TB Lich tiem phong cho gia suc thu bay");
	T_ASSERTF(strncmp(r, "Da gui TB #1 toi 8 ho xa Chi Lang", 33) == 0, "%s", r);
	claim_all(out, 32, &n);
	T_ASSERT(n == 8);	/* head + 4 in LD02, 2 in QT01, 1 in LC01; not Cao Loc */
	T_ASSERT(has_phone(out, n, "+84911000001"));
	T_ASSERT(has_phone(out, n, "+84913000002"));
	T_ASSERT(has_phone(out, n, "+84914000001"));
	T_ASSERT(!has_phone(out, n, "+84915000001"));
	T_ASSERT(!has_phone(out, n, "+84911000009"));	/* not the sender */
	T_STREQ(out[0].text, "[TB xa Chi Lang] Lich tiem phong cho gia suc thu bay");
	r = fx_sms("+84911000009", "TB QT01 Sua duong lien thon");
	T_ASSERTF(strncmp(r, "Da gui TB #2 toi 2 ho thon Quan Thanh", 37) == 0, "%s", r);
	r = fx_sms("+84911000009", "TB BL01 Sua duong");
	T_ASSERTF(strstr(r, "thuoc xa Cao Loc, khong thuoc xa Chi Lang") != NULL, "%s", r);
}

static void
quiet_hours_hold_unless_urgent(void)
{
	struct outbox_msg out[16];
	const char *r;
	int n;

	setup();
	FX.now = local_time(22, 30);
	r = fx_sms("+84911000001", "TB Mai hop thon");
	T_ASSERTF(strstr(r, "se gui luc 07:00") != NULL && strstr(r, "Gui ngay: TB KHAN") != NULL, "%s", r);
	T_ASSERT(store_outbox_claim(S, FX.now, 16, out, &n) == STORE_OK);
	T_ASSERT(n == 0);				/* held */
	r = fx_sms("+84911000001", "BC 1");
	T_ASSERTF(strstr(r, "chua toi gio gui, se gui luc 07:00") != NULL, "%s", r);
	r = fx_sms("+84911000001", "TB KHAN Nuoc lu len, di doi gia suc len cao");
	/* urgent: the household that sent NGUNG too (commands.md §7) */
	T_ASSERTF(strncmp(r, "Da gui TB #2 toi 6 ho", 21) == 0, "%s", r);
	T_ASSERT(store_outbox_claim(S, FX.now, 16, out, &n) == STORE_OK);
	T_ASSERT(n == 6);
	T_ASSERT(store_outbox_claim(S, local_time(7, 0) + 86400, 16, out, &n) == STORE_OK);
	T_ASSERT(n == 5);				/* the held one, next morning */
}

static void
too_long_is_refused_with_the_limit(void)
{
	char text[700];
	struct outbox_msg out[8];
	const char *r;
	int n;

	setup();
	strcpy(text, "TB ");
	for (int i = 0; i < 60; i++)
		strcat(text, "hop thon ");	/* 540 characters */
	r = fx_sms("+84911000001", text);
	/* 3 parts of 153 = 459, less "[TB Lang Don] ": 16, as [ and ] take
	 * two septets each in GSM 03.38 */
	T_ASSERTF(strstr(r, "Thong bao dai qua: toi da 443 ky tu, tin cua ban 539") != NULL, "%s", r);
	claim_all(out, 8, &n);
	T_ASSERT(n == 0);
}

static void
diacritics_kept_when_configured(void)
{
	struct outbox_msg out[8];
	const char *r;
	int n;

	setup_with(true);
	r = fx_sms("+84911000001", "TB Sáng mai họp thôn");
	T_ASSERTF(strncmp(r, "Đã gửi TB #1", strlen("Đã gửi TB #1")) == 0, "%s", r);
	claim_all(out, 8, &n);
	T_ASSERT(n == 5);
	T_STREQ(out[0].text, "[TB Lăng Đồn] Sáng mai họp thôn");
	T_ASSERT(out[0].coding == 2);
}

static void
report_counts_from_delivery_reports(void)
{
	struct outbox_msg out[8];
	const char *r;
	int n;

	setup();
	fx_sms("+84911000001", "TB Mai hop thon");
	T_ASSERT(store_outbox_claim(S, FX.now, 3, out, &n) == STORE_OK && n == 3);
	T_ASSERT(store_outbox_accepted(S, out[0].id, "202 0: Accepted") == STORE_OK);
	T_ASSERT(store_outbox_accepted(S, out[1].id, "202 0: Accepted") == STORE_OK);
	T_ASSERT(store_outbox_failed(S, out[2].id, "400 rejected") == STORE_OK);
	T_ASSERT(store_outbox_dlr(S, out[0].id, 8, "ACK/", "") == STORE_OK);
	T_ASSERT(store_outbox_dlr(S, out[0].id, 1, "", "") == STORE_OK);
	r = fx_sms("+84911000001", "BC 1");
	T_ASSERTF(strncmp(r, "TB #1 (5 ho): da gui 2, da nhan 1, dang cho 2, loi 1. Chua nhan: ", 65) == 0,
	    "%s", r);
	r = fx_sms("+84912000001", "BC 1");		/* not the sender */
	T_ASSERTF(strncmp(r, "Khong co TB #1 do so nay gui", 28) == 0, "%s", r);
	r = fx_sms("+84911000001", "BC 99");
	T_ASSERTF(strncmp(r, "Khong co TB #99", 15) == 0, "%s", r);
}

static struct person
who(const char *phone)
{
	struct person p = {0};

	T_ASSERTF(store_person_by_phone(S, phone, &p) == STORE_OK, "%s not registered", phone);
	return p;
}

/* issue 9 "Roles follow DK": a head who re-registers elsewhere by SMS must
 * not then reach that village with TB */
static void
roles_follow_dk_head_cannot_move_to_another_village(void)
{
	struct outbox_msg out[32];
	const char *r;
	int n;

	setup();
	r = fx_sms("+84911000001", "DK QT01 Nguoi 001");
	T_ASSERTF(strstr(r, "lien he can bo xa") != NULL, "%s", r);
	r = fx_sms("+84911000001", "DK Nguoi 001 thon Quan Thanh xa Chi Lang");	/* by name */
	T_ASSERTF(strstr(r, "lien he can bo xa") != NULL, "%s", r);
	T_STREQ(who("+84911000001").village_code, "LD02");
	T_STREQ(who("+84911000001").role, "head");
	r = fx_sms("+84911000001", "TB Mai hop thon");
	T_ASSERTF(strncmp(r, "Da gui TB #1 toi 5 ho thon Lang Don", 35) == 0, "%s", r);
	claim_all(out, 32, &n);
	T_ASSERT(n == 5);
	T_ASSERT(!has_phone(out, n, "+84913000001") && !has_phone(out, n, "+84913000002"));
}

/* ... and an official who re-registers in another commune must not reach
 * that commune's villages */
static void
roles_follow_dk_official_cannot_move_to_another_commune(void)
{
	struct outbox_msg out[32];
	const char *r;
	int n;

	setup();
	r = fx_sms("+84911000009", "DK BL01 Nguoi 009");
	T_ASSERTF(strstr(r, "lien he can bo xa") != NULL, "%s", r);
	T_STREQ(who("+84911000009").village_code, "LD02");
	T_STREQ(who("+84911000009").role, "official");
	r = fx_sms("+84911000009", "TB BL01 Hop xa");
	T_ASSERTF(strstr(r, "thuoc xa Cao Loc, khong thuoc xa Chi Lang") != NULL, "%s", r);
	r = fx_sms("+84911000009", "TB Hop xa");
	T_ASSERTF(strncmp(r, "Da gui TB #1 toi 8 ho xa Chi Lang", 33) == 0, "%s", r);
	claim_all(out, 32, &n);
	T_ASSERT(n == 8);
	T_ASSERT(!has_phone(out, n, "+84915000001") && !has_phone(out, n, "+84915000002"));
}

/* issue 9 "NGUNG and HUY DK": NGUNG stops ordinary notices, an urgent one
 * still reaches every registered household; an unregistered phone never */
static void
ngung_urgent_notice_still_reaches_opted_out(void)
{
	struct outbox_msg out[32];
	const char *r;
	int n;

	setup();
	fx_sms("+84912000003", "HUY DK");
	T_STREQ(who("+84912000003").village_code, "");
	r = fx_sms("+84911000001", "TB Mai hop thon");
	T_ASSERTF(strncmp(r, "Da gui TB #1 toi 4 ho", 21) == 0, "%s", r);
	claim_all(out, 32, &n);
	T_ASSERT(n == 4 && !has_phone(out, n, "+84912000004") && !has_phone(out, n, "+84912000003"));
	r = fx_sms("+84911000001", "TB KHAN Nuoc lu len");
	T_ASSERTF(strncmp(r, "Da gui TB #2 toi 5 ho", 21) == 0, "%s", r);
	claim_all(out, 32, &n);
	T_ASSERT(n == 5);
	T_ASSERT(has_phone(out, n, "+84912000004"));	/* NGUNG: urgent still arrives */
	T_ASSERT(!has_phone(out, n, "+84912000003"));	/* HUY DK: nothing */
	/* the official's urgent notice to the commune too */
	r = fx_sms("+84911000009", "TB KHAN Bao lon");
	T_ASSERTF(strncmp(r, "Da gui TB #3 toi 8 ho xa Chi Lang", 33) == 0, "%s", r);
	claim_all(out, 32, &n);
	T_ASSERT(n == 8 && has_phone(out, n, "+84912000004") && !has_phone(out, n, "+84912000003"));
}

/* issue 9 "Urgent notices look like any other": they carry [KHAN] */
static void
urgent_notice_is_marked_khan(void)
{
	struct outbox_msg out[32];
	char text[700];
	const char *r;
	int n;

	setup();
	fx_sms("+84911000001", "TB KHAN Nuoc lu len, di doi gia suc len cao");
	claim_all(out, 32, &n);
	T_ASSERT(n == 6);
	for (int i = 0; i < n; i++)
		T_STREQ(out[i].text, "[KHAN][TB Lang Don] Nuoc lu len, di doi gia suc len cao");
	fx_sms("+84911000009", "TB KHAN QT01 Sat lo dat");
	claim_all(out, 32, &n);
	T_ASSERT(n == 2);
	T_STREQ(out[0].text, "[KHAN][TB xa Chi Lang > Quan Thanh] Sat lo dat");
	/* the mark counts against the length the sender may type */
	strcpy(text, "TB KHAN ");
	for (int i = 0; i < 60; i++)
		strcat(text, "hop thon ");
	r = fx_sms("+84911000001", text);
	/* 443 less the 8 septets of "[KHAN]" ([ and ] take two each) */
	T_ASSERTF(strstr(r, "toi da 435 ky tu") != NULL, "%s", r);
}

/* ... and an official's notice to one village says it is the commune's */
static void
official_notice_to_one_village_names_the_commune(void)
{
	struct outbox_msg out[32];
	int n;

	setup();
	fx_sms("+84911000009", "TB QT01 Sua duong lien thon");
	claim_all(out, 32, &n);
	T_ASSERT(n == 2);
	T_STREQ(out[0].text, "[TB xa Chi Lang > Quan Thanh] Sua duong lien thon");
	T_STREQ(out[1].text, "[TB xa Chi Lang > Quan Thanh] Sua duong lien thon");
	/* a head's own notice keeps the village alone */
	fx_sms("+84911000001", "TB Mai hop thon");
	claim_all(out, 32, &n);
	T_ASSERT(n == 5);
	T_STREQ(out[0].text, "[TB Lang Don] Mai hop thon");
}

/* issue 9 "BC alone answers for the sender's last notice" */
static void
bc_alone_reports_the_senders_last_notice(void)
{
	const char *r;

	setup();
	fx_sms("+84911000001", "TB Mot");
	fx_sms("+84911000009", "TB Hai");
	fx_sms("+84911000001", "TB KHAN Ba");
	r = fx_sms("+84911000001", "BC");
	T_ASSERTF(strncmp(r, "TB #3 (6 ho): da gui 0, da nhan 0, dang cho 6, loi 0", 52) == 0, "%s", r);
	r = fx_sms("+84911000009", "bao cao");
	T_ASSERTF(strncmp(r, "TB #2 (8 ho):", 13) == 0, "%s", r);
	r = fx_sms("+84912000001", "BC");		/* sent none */
	T_STREQ(r, "So nay chua gui thong bao nao. Gui: TB <noi dung>");
	r = fx_sms("+84999999999", "BC");		/* a stranger */
	T_STREQ(r, "So nay chua gui thong bao nao. Gui: TB <noi dung>");
}

/* ... BC n names the households not reached yet */
static void
bc_names_households_not_reached_yet(void)
{
	struct outbox_msg out[8];
	const char *r;
	int n;

	setup();
	fx_sms("+84911000001", "TB Mai hop thon");
	claim_all(out, 8, &n);
	T_ASSERT(n == 5);
	for (int i = 0; i < n; i++)
		T_ASSERT(store_outbox_accepted(S, out[i].id, "202 0: Accepted") == STORE_OK);
	for (int i = 0; i < n; i++)	/* all but +84912000002 and the official */
		if (strcmp(out[i].phone, "+84912000002") != 0 && strcmp(out[i].phone, "+84911000009") != 0)
			T_ASSERT(store_outbox_dlr(S, out[i].id, 1, "", "") == STORE_OK);
	r = fx_sms("+84911000001", "BC 1");
	T_ASSERTF(strncmp(r, "TB #1 (5 ho): da gui 5, da nhan 3, dang cho 0, loi 0. Chua nhan: ", 65) == 0, "%s", r);
	T_ASSERTF(strstr(r, "Nguoi 0002") != NULL && strstr(r, "Nguoi 0009") != NULL, "%s", r);
	T_ASSERTF(strstr(r, "Nguoi 0001") == NULL && strstr(r, "khac") == NULL, "%s", r);
}

/* ... up to what fits in the reply, counting the rest */
static void
bc_names_as_many_as_fit_and_counts_the_rest(void)
{
	const char *r, *list;
	int named = 1, rest = -1;

	setup();
	for (int i = 0; i < 80; i++) {
		char phone[32], name[32];

		snprintf(phone, sizeof phone, "+849160000%02d", i);
		snprintf(name, sizeof name, "Hoàng Văn Hộ %d", i);
		fx_person(phone, name, "QT01", "household");
	}
	r = fx_sms("+84911000009", "TB QT01 Sua duong");
	T_ASSERTF(strncmp(r, "Da gui TB #1 toi 82 ho", 22) == 0, "%s", r);
	r = fx_sms("+84911000009", "BC 1");
	T_ASSERTF(sms_segments(r) <= 3, "%d parts: %s", sms_segments(r), r);
	T_ASSERTF(strstr(r, "...") == NULL, "cut: %s", r);
	list = strstr(r, "Chua nhan: ");
	T_ASSERTF(list != NULL && strstr(list, "Nguoi 0001, Nguoi 0002, Hoang Van Ho 0") != NULL, "%s", r);
	for (const char *p = list; (p = strstr(p, ", ")) != NULL; p += 2)
		named++;
	T_ASSERTF(sscanf(strstr(list, " va ") + 4, "%d ho khac", &rest) == 1, "%s", r);
	T_ASSERTF(named + rest == 82 && named > 20, "%d named + %d: %s", named, rest, r);
}

/* ... and the TB reply says how many households are left out by NGUNG */
static void
tb_reply_counts_households_opted_out(void)
{
	const char *r;

	setup();
	r = fx_sms("+84911000001", "TB Mai hop thon");
	T_STREQ(r, "Da gui TB #1 toi 5 ho thon Lang Don (1 ho da NGUNG). Xem ket qua: BC 1");
	r = fx_sms("+84911000009", "TB Lich tiem phong");
	T_STREQ(r, "Da gui TB #2 toi 8 ho xa Chi Lang (1 ho da NGUNG). Xem ket qua: BC 2");
	r = fx_sms("+84911000001", "TB KHAN Lu quet");	/* urgent: nobody is left out */
	T_STREQ(r, "Da gui TB #3 toi 6 ho thon Lang Don. Xem ket qua: BC 3");
	FX.now = local_time(22, 0);
	r = fx_sms("+84911000001", "TB Mai hop thon");
	T_ASSERTF(strncmp(r, "TB #4 toi 5 ho thon Lang Don (1 ho da NGUNG) se gui luc 07:00", 61) == 0, "%s", r);
	/* a village whose every household sent NGUNG */
	T_ASSERT(store_person_set_opted_out(S, "+84914000001", true) == STORE_OK);
	r = fx_sms("+84911000009", "TB KHAN LC01 Sat lo");
	T_ASSERTF(strncmp(r, "Da gui TB #5 toi 1 ho", 21) == 0, "%s", r);
	r = fx_sms("+84911000009", "TB LC01 Hop");
	T_STREQ(r, "Chua co ho nao cua thon Lung Cut nhan duoc tin: 1 ho da NGUNG, khong con ho nao "
	    "khac dang ky. Chua gui");
}

static unsigned long calls, fail_at;
static int
fail_nth(unsigned long n)
{
	(void)n;
	return ++calls == fail_at ? 13 /* SQLITE_FULL */ : 0;
}

static void
crash_mid_fanout_leaves_nothing(void)
{
	struct outbox_msg out[8];
	struct act_reply r;
	struct mo m = {.kannel_id = "crash", .phone = "+84911000001", .to = "8055",
	    .text = "TB Mai hop thon", .text_len = 15, .raw = "TB Mai hop thon", .raw_len = 15, .smsc = ""};
	long long inbox;
	int n, rc = -1;

	setup();
	/* fail each step of the MO's transaction in turn: the broadcast is
	 * either all queued or not at all, and the MO is then not stored either
	 * (smsbox retries it) */
	for (fail_at = 1; fail_at < 200 && rc < 0; fail_at++) {
		calls = 0;
		store_step_hook = fail_nth;
		rc = actions_handle_mo(A, &m, &r);
		store_step_hook = NULL;
		T_ASSERT(store_inbox_count(S, &inbox) == STORE_OK);
		T_ASSERT(store_outbox_claim(S, FX.now, 8, out, &n) == STORE_OK);
		if (rc < 0) {
			T_ASSERTF(n == 0 && inbox == 0, "step %lu: %d rows, %lld inbox", fail_at, n, inbox);
		} else {
			T_ASSERTF(n == 5 && inbox == 1, "after success: %d rows, %lld inbox", n, inbox);
		}
	}
	T_ASSERTF(rc == 0 && fail_at > 5, "succeeded after %lu injected faults", fail_at - 1);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"head_reaches_own_village_only", head_reaches_own_village_only},
		{"others_are_refused", others_are_refused},
		{"official_reaches_the_commune_or_one_village", official_reaches_the_commune_or_one_village},
		{"quiet_hours_hold_unless_urgent", quiet_hours_hold_unless_urgent},
		{"too_long_is_refused_with_the_limit", too_long_is_refused_with_the_limit},
		{"diacritics_kept_when_configured", diacritics_kept_when_configured},
		{"report_counts_from_delivery_reports", report_counts_from_delivery_reports},
		{"crash_mid_fanout_leaves_nothing", crash_mid_fanout_leaves_nothing},
		{"urgent_notice_is_marked_khan", urgent_notice_is_marked_khan},
		{"official_notice_to_one_village_names_the_commune",
		    official_notice_to_one_village_names_the_commune},
		{"bc_alone_reports_the_senders_last_notice", bc_alone_reports_the_senders_last_notice},
		{"bc_names_households_not_reached_yet", bc_names_households_not_reached_yet},
		{"bc_names_as_many_as_fit_and_counts_the_rest", bc_names_as_many_as_fit_and_counts_the_rest},
		{"tb_reply_counts_households_opted_out", tb_reply_counts_households_opted_out},
		{"ngung_urgent_notice_still_reaches_opted_out", ngung_urgent_notice_still_reaches_opted_out},
		{"roles_follow_dk_head_cannot_move_to_another_village",
		    roles_follow_dk_head_cannot_move_to_another_village},
		{"roles_follow_dk_official_cannot_move_to_another_commune",
		    roles_follow_dk_official_cannot_move_to_another_commune},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
