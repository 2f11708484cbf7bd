/*
 * DK, HD, NGUNG, TIEP and UNKNOWN as a farmer meets them: registration by
 * village code or by the village's name, the replies' words and lengths.
 */
#include "tests/t.h"
#include "tests/fixture.h"
#include "common/common.h"

#include <stdio.h>

#define S (FX.s)

static void
setup_with(bool diacritics, int segments)
{
	struct actions_conf ac = {.max_segments = segments, .reply_diacritics = diacritics};

	fx_open(&ac);
	fx_village("LD02", "Lăng Đồn", "Chi Lăng");
	fx_village("CL01", "Quán Thanh", "Chi Lăng");
	fx_village("CL04", "Đồng Bành", "Chi Lăng");
	fx_village("VQ07", "Đồng Bành", "Văn Quan");	/* the same name in another commune */
}

static void
setup(void)
{
	setup_with(false, 3);
}

/* sms: every reply of these commands fits 3 parts */
static const char *
sms(const char *phone, const char *text)
{
	const char *r = fx_sms(phone, text);

	T_ASSERTF(sms_segments(r) <= 3, "%d parts: %s", sms_segments(r), r);
	return r;
}

static struct person
who(const char *phone)
{
	struct person p = {0};

	T_ASSERTF(store_person_by_phone(S, phone, &p) == STORE_OK, "%s not registered", phone);
	return p;
}

static void
register_by_code(void)
{
	struct person p;

	setup();
	T_STREQ(sms("+84912000001", "DK LD02 Hoàng Văn Châu"),
	    "Da dang ky Hoang Van Chau, thon Lang Don, xa Chi Lang. Nhan HD de xem huong dan");
	p = who("+84912000001");
	T_STREQ(p.name, "Hoàng Văn Châu");
	T_STREQ(p.village_code, "LD02");
	T_STREQ(p.role, "household");
	/* the same registration again is answered as done */
	T_STREQ(sms("+84912000001", "dk ld02 Hoàng Văn Châu"),
	    "Da dang ky Hoang Van Chau, thon Lang Don, xa Chi Lang. Nhan HD de xem huong dan");
	T_STREQ(who("+84912000001").village_code, "LD02");
}

/* issue 9 "DK from a registered phone silently renames or moves the
 * household": a change is only asked, and made by DK OK */
static void
dk_change_waits_for_dk_ok(void)
{
	const char *r;

	setup();
	sms("+84912000030", "DK LD02 Hoàng Văn Châu");
	r = sms("+84912000030", "dk cl01 Hoàng Văn Châu");
	T_STREQ(r, "Dang dang ky: Hoang Van Chau, thon Lang Don. Doi thanh Hoang Van Chau, "
	    "thon Quan Thanh? Nhan DK OK trong 24 gio de doi, khong thi giu nhu cu");
	T_STREQ(who("+84912000030").village_code, "LD02");
	/* another name, by the village's name: the newer DK is what waits */
	r = sms("+84912000030", "DK Hoàng Văn Chầu thôn Lăng Đồn");
	T_ASSERTF(strstr(r, "Doi thanh Hoang Van Chau, thon Lang Don? Nhan DK OK") != NULL, "%s", r);
	T_STREQ(who("+84912000030").name, "Hoàng Văn Châu");
	r = sms("+84912000030", "DK OK");
	T_STREQ(r, "Da doi dang ky: Hoang Van Chau, thon Lang Don, xa Chi Lang. Nhan HD de xem huong dan");
	T_STREQ(who("+84912000030").name, "Hoàng Văn Chầu");
	T_STREQ(who("+84912000030").village_code, "LD02");
	/* nothing waits any more */
	r = sms("+84912000030", "DK OK");
	T_ASSERTF(strncmp(r, "Khong co thay doi dang ky nao cho xac nhan", 42) == 0, "%s", r);
	T_STREQ(who("+84912000030").name, "Hoàng Văn Chầu");
	/* a phone that never registered has nothing to confirm either */
	r = sms("+84912000031", "DK OK");
	T_ASSERTF(strncmp(r, "Khong co thay doi dang ky nao cho xac nhan", 42) == 0, "%s", r);
	/* moving, confirmed */
	sms("+84912000030", "DK CL01 Hoàng Văn Chầu");
	sms("+84912000030", "dang ky ok");
	T_STREQ(who("+84912000030").village_code, "CL01");
}

/* ... and a DK OK after 24 hours changes nothing */
static void
dk_ok_after_24_hours_changes_nothing(void)
{
	const char *r;

	setup();
	sms("+84912000032", "DK LD02 Be Van Lam");
	sms("+84912000032", "DK CL01 Be Van Lam");
	FX.now += 24 * 3600 + 1;
	r = sms("+84912000032", "DK OK");
	T_ASSERTF(strncmp(r, "Yeu cau doi dang ky da qua 24 gio", 33) == 0, "%s", r);
	T_STREQ(who("+84912000032").village_code, "LD02");
	r = sms("+84912000032", "DK OK");
	T_ASSERTF(strncmp(r, "Khong co thay doi dang ky nao", 29) == 0, "%s", r);
	T_STREQ(who("+84912000032").village_code, "LD02");
	/* within 24 hours it goes through */
	sms("+84912000032", "DK CL01 Be Van Lam");
	FX.now += 24 * 3600 - 60;
	sms("+84912000032", "DK OK");
	T_STREQ(who("+84912000032").village_code, "CL01");
}

static void
register_unknown_village(void)
{
	long long n;

	setup();
	T_ASSERT(strncmp(sms("+84912000002", "DK XY99 Nong Van A"), "Khong tim thay thon XY99", 24) == 0);
	T_ASSERT(store_person_count(S, &n) == STORE_OK && n == 0);
}

static void
register_by_village_name(void)
{
	struct person p;

	setup();
	T_STREQ(sms("+84912000003", "dk Mã Văn Lét, thôn Quán Thanh, xã Chi Lăng"),
	    "Da dang ky Ma Van Let, thon Quan Thanh, xa Chi Lang. Nhan HD de xem huong dan");
	p = who("+84912000003");
	T_STREQ(p.name, "Mã Văn Lét");
	T_STREQ(p.village_code, "CL01");
	/* without diacritics, name after the place, NONG DAN and TEN dropped */
	sms("+84912000004", "DANG KY thon Lang Don nong dan ten Be Thi Hoa");
	p = who("+84912000004");
	T_STREQ(p.name, "Be Thi Hoa");
	T_STREQ(p.village_code, "LD02");
}

static void
register_ambiguous_name_asks(void)
{
	long long n;
	const char *r;

	setup();
	r = sms("+84912000005", "DK Vi Van Tam thon Dong Banh");
	T_ASSERTF(strstr(r, "Co 2 thon ten Dong Banh") != NULL, "%s", r);
	T_ASSERTF(strstr(r, "CL04 (xa Chi Lang)") != NULL && strstr(r, "VQ07 (xa Van Quan)") != NULL, "%s", r);
	T_ASSERT(store_person_count(S, &n) == STORE_OK && n == 0);
	/* naming the commune settles it */
	sms("+84912000005", "DK Vi Van Tam thon Dong Banh xa Van Quan");
	T_STREQ(who("+84912000005").village_code, "VQ07");
	T_STREQ(who("+84912000005").name, "Vi Van Tam");
}

static void
register_without_village_or_name(void)
{
	const char *r;

	setup();
	r = sms("+84912000006", "DK");
	T_ASSERTF(strncmp(r, "Thieu ma thon. Cu phap: DK <ma thon> <ho ten>", 44) == 0, "%s", r);
	r = sms("+84912000006", "DK LD02");
	T_ASSERTF(strncmp(r, "Thieu ho ten.", 13) == 0, "%s", r);
	r = sms("+84912000006", "DK toi o xom moi");
	T_ASSERTF(strncmp(r, "Khong tim thay thon trong tin nhan", 34) == 0, "%s", r);
}

static void
stop_and_resume(void)
{
	setup();
	sms("+84912000007", "DK LD02 Nong Van Ba");
	T_ASSERT(strncmp(sms("+84912000007", "NGUNG"), "Da ngung", 8) == 0);
	T_ASSERT(who("+84912000007").opted_out);
	T_ASSERT(strncmp(sms("+84912000007", "TIEP"), "Da nhan lai", 11) == 0);
	T_ASSERT(!who("+84912000007").opted_out);
	/* a stranger's STOP is kept too */
	sms("+84912000008", "STOP");
	T_ASSERT(who("+84912000008").opted_out);
}

static void
help_and_unknown(void)
{
	const char *r;

	setup();
	r = sms("+84912000009", "HD");
	T_ASSERTF(strstr(r, "DK LD02") != NULL && strstr(r, "BAN NA 50KG 30000") != NULL, "%s", r);
	T_ASSERTF(strlen(r) <= 160, "HD does not fit one SMS: %zu", strlen(r));
	T_STREQ(sms("+84912000009", "HD BAN"), "BAN: dang tin ban nong san, nguoi mua trong tinh tim thay "
	    "va dat mua. Cu phap: BAN <san pham> <so luong> [gia]. Vi du: BAN NA 50KG 30000");
	T_STREQ(sms("+84912000009", "BNA NA 50KG"), "Khong hieu tin nhan. Co phai BAN? Nhan HD de xem huong dan");
	T_STREQ(sms("+84912000009", "xin chao"), "Khong hieu tin nhan. Nhan HD de xem huong dan");
}

static void
replies_with_diacritics_when_configured(void)
{
	const char *r;

	setup_with(true, 2);
	r = sms("+84912000010", "DK LD02 Hoàng Văn Châu");
	T_STREQ(r, "Đã đăng ký Hoàng Văn Châu, thôn Lăng Đồn, xã Chi Lăng. Nhắn HD để xem hướng dẫn");
	/* two UCS-2 parts hold 134 characters: the help is cut, visibly */
	r = sms("+84912000010", "HD");
	T_ASSERTF(sms_length(r, SMS_UCS2) <= 134, "%s", r);
	T_ASSERTF(strstr(r, "...") != NULL, "%s", r);
}

static void
long_name_is_cut_to_the_reply_limit(void)
{
	char text[1100] = "DK LD02 ";
	const char *r;

	setup_with(false, 1);
	while (strlen(text) < 1000)
		strcat(text, "Nguyen ");
	r = sms("+84912000011", text);
	T_ASSERTF(strlen(r) <= 160, "%zu", strlen(r));
	T_ASSERT(strncmp(r, "Da dang ky Nguyen Nguyen", 24) == 0);
}

/* issue 9 "NGUNG and HUY DK as §7 says": HUY DK takes the household out of
 * its village and closes its listings; it then receives nothing */
static void
huy_dk_unregisters_and_closes_listings(void)
{
	const char *r;

	setup();
	fx_person("+84911000001", "Truong Thon", "LD02", "head");
	sms("+84912000020", "DK LD02 Nong Van Ba");
	sms("+84912000021", "DK LD02 Be Thi Tu");
	sms("+84912000020", "BAN NA 50KG 30000");
	sms("+84912000020", "THEO HONG");
	sms("+84913000099", "MUA 1 20KG");		/* a buyer's order waits on it */
	r = sms("+84912000020", "HUY DK");
	T_ASSERTF(strncmp(r, "Da huy dang ky: so nay khong con thuoc thon Lang Don, 1 tin ban da dong", 71) == 0,
	    "%s", r);
	T_STREQ(who("+84912000020").village_code, "");
	T_ASSERT(fx_query_int(S, "SELECT count(*) FROM listings WHERE status = 'open'") == 0);
	T_ASSERT(fx_query_int(S, "SELECT count(*) FROM orders WHERE status = 'pending'") == 0);
	T_ASSERT(fx_query_int(S, "SELECT count(*) FROM outbox WHERE phone = '+84913000099'") >= 1);
	T_ASSERT(fx_query_int(S, "SELECT count(*) FROM follows WHERE phone = '+84912000020'") == 0);
	/* not even an urgent notice reaches it now; the other household is reached */
	r = sms("+84911000001", "TB KHAN Lu quet");
	T_ASSERTF(strncmp(r, "Da gui TB #1 toi 1 ho", 21) == 0, "%s", r);
	T_ASSERT(fx_query_int(S, "SELECT count(*) FROM outbox WHERE phone = '+84912000020'"
	    " AND broadcast_id IS NOT NULL") == 0);
	/* HUY DANG KY, glued or not, is the same; a second one says it is not registered */
	r = sms("+84912000020", "huydangky");
	T_ASSERTF(strncmp(r, "So nay chua dang ky thon nao", 28) == 0, "%s", r);
	/* it may register again */
	r = sms("+84912000020", "DK LD02 Nong Van Ba");
	T_ASSERTF(strncmp(r, "Da dang ky Nong Van Ba", 22) == 0, "%s", r);
}

/* a head's role and village are the operator's: HUY DK cannot drop them */
static void
huy_dk_refused_for_a_head(void)
{
	const char *r;

	setup();
	fx_person("+84911000001", "Truong Thon", "LD02", "head");
	r = sms("+84911000001", "HUY DK");
	T_ASSERTF(strstr(r, "lien he can bo xa") != NULL, "%s", r);
	T_STREQ(who("+84911000001").village_code, "LD02");
	T_STREQ(who("+84911000001").role, "head");
}

/* NGUNG's reply tells what still arrives: urgent notices */
static void
ngung_reply_says_urgent_notices_still_arrive(void)
{
	const char *r;

	setup();
	sms("+84912000022", "DK LD02 Nong Van Ba");
	r = sms("+84912000022", "NGUNG");
	T_ASSERTF(strstr(r, "Thong bao khan (TB KHAN)") != NULL && strstr(r, "van den") != NULL, "%s", r);
	T_ASSERT(who("+84912000022").opted_out);
	T_STREQ(who("+84912000022").village_code, "LD02");	/* still registered */
	T_ASSERTF(strlen(r) <= 160, "%zu: %s", strlen(r), r);
}

/* issue 9 "HD NGUNG -> NGUNG: NGUNG. Vi du: NGUNG": every command's help
 * says what it does, in words, before any syntax, in one SMS */
static void
help_says_what_each_command_does(void)
{
	static const char *const kw[] = {"DK", "BAN", "GIA", "TIM", "MUA", "OK", "KO", "HUY",
	    "HUY DON", "HET", "TB", "BC", "THEO", "BO THEO", "NGUNG", "HUY DK", "TIEP", "TT", "HD"};
	char text[32], head[32];
	const char *r;

	setup();
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
		snprintf(text, sizeof text, "HD %s", kw[i]);
		snprintf(head, sizeof head, "%s: ", kw[i]);
		r = sms("+84912000040", text);
		T_ASSERTF(strncmp(r, head, strlen(head)) == 0, "%s: %s", text, r);
		/* words first: a lower-case letter, not the keyword or its syntax */
		T_ASSERTF(r[strlen(head)] >= 'a' && r[strlen(head)] <= 'z', "%s: %s", text, r);
		T_ASSERTF(strchr(r + strlen(head), '.') - (r + strlen(head)) > 15, "%s: %s", text, r);
		T_ASSERTF(strlen(r) <= 160, "%s: %zu: %s", text, strlen(r), r);
	}
	T_STREQ(sms("+84912000040", "HD NGUNG"), "NGUNG: ngung nhan thong bao va tin rao; thong bao khan "
	    "(TB KHAN) van den. Nhan lai: TIEP. Nhan: NGUNG");
}

/* issue 9 "names kept lower case": registered names are title-cased,
 * Vietnamese letters included */
static void
dk_title_cases_names(void)
{
	const char *r;

	setup();
	r = sms("+84912000041", "DK LD02 be van lam");
	T_ASSERTF(strncmp(r, "Da dang ky Be Van Lam, thon Lang Don", 36) == 0, "%s", r);
	T_STREQ(who("+84912000041").name, "Be Van Lam");
	sms("+84912000042", "dk ld02 đỗ THỊ hoa");
	T_STREQ(who("+84912000042").name, "Đỗ Thị Hoa");
	sms("+84912000043", "dk nông  ưng ánh thon quan thanh");
	T_STREQ(who("+84912000043").name, "Nông Ưng Ánh");
	/* the same name typed in another case is the same registration */
	r = sms("+84912000041", "DK LD02 BE VAN LAM");
	T_ASSERTF(strncmp(r, "Da dang ky Be Van Lam", 21) == 0, "%s", r);
}

/* issue 9 "names cut at 95 bytes in split_words end in half a character":
 * a word longer than a word's buffer is cut at a character boundary */
static void
dk_long_word_is_cut_at_a_character_boundary(void)
{
	char text[400] = "DK thôn Lăng Đồn Nông xy";
	const char *r;
	struct person p;

	setup();
	for (int i = 0; i < 60; i++)
		strcat(text, "ă");	/* 2 bytes each: byte 95 of the word is a lead byte */
	r = sms("+84912000050", text);
	T_ASSERTF(strncmp(r, "Da dang ky Nong Xy", 18) == 0, "%s", r);
	T_ASSERTF(utf8_is_valid(r, strlen(r)), "reply: %s", r);
	p = who("+84912000050");
	T_ASSERTF(utf8_is_valid(p.name, strlen(p.name)), "stored: %s", p.name);
	T_ASSERTF(strlen(p.name) == strlen("Nông ") + 94, "%zu: %s", strlen(p.name), p.name);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"register_by_code", register_by_code},
		{"register_unknown_village", register_unknown_village},
		{"register_by_village_name", register_by_village_name},
		{"register_ambiguous_name_asks", register_ambiguous_name_asks},
		{"register_without_village_or_name", register_without_village_or_name},
		{"stop_and_resume", stop_and_resume},
		{"help_and_unknown", help_and_unknown},
		{"replies_with_diacritics_when_configured", replies_with_diacritics_when_configured},
		{"long_name_is_cut_to_the_reply_limit", long_name_is_cut_to_the_reply_limit},
		{"dk_change_waits_for_dk_ok", dk_change_waits_for_dk_ok},
		{"dk_ok_after_24_hours_changes_nothing", dk_ok_after_24_hours_changes_nothing},
		{"help_says_what_each_command_does", help_says_what_each_command_does},
		{"dk_title_cases_names", dk_title_cases_names},
		{"dk_long_word_is_cut_at_a_character_boundary", dk_long_word_is_cut_at_a_character_boundary},
		{"huy_dk_unregisters_and_closes_listings", huy_dk_unregisters_and_closes_listings},
		{"huy_dk_refused_for_a_head", huy_dk_refused_for_a_head},
		{"ngung_reply_says_urgent_notices_still_arrive", ngung_reply_says_urgent_notices_still_arrive},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
