/* Phone numbers and SMS text facts, as users and Kannel meet them. */
#include "tests/t.h"
#include "common/common.h"

static void
phone_forms(void)
{
	static const struct { const char *in, *want; } rows[] = {
		{"0912345678", "+84912345678"},
		{"84912345678", "+84912345678"},
		{"+84912345678", "+84912345678"},
		{"0084912345678", "+84912345678"},
		{"0912.345.678", "+84912345678"},
		{"(+84) 912 345 678", "+84912345678"},
		{"0169 888 1234", "+84398881234"},	/* Viettel 0169 -> 039 */
		{"01238881234", "+84838881234"},	/* VinaPhone 0123 -> 083 */
		{"02053123456", "+842053123456"},	/* Lang Son landline */
	};
	char out[20];

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		T_ASSERTF(phone_to_e164(rows[i].in, out, sizeof out) == 0, "%s rejected", rows[i].in);
		T_STREQ(out, rows[i].want);
	}
}

static void
phone_rejects(void)
{
	static const char *bad[] = {
		"", "12345", "091234567", "09123456789", "+1 415 555 1234",
		"0912345678'; DROP TABLE people;--", "01112345678", "abc", "+84",
	};
	char out[20] = "untouched";

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		T_ASSERTF(phone_to_e164(bad[i], out, sizeof out) == -1, "%s accepted", bad[i]);
		T_STREQ(out, "untouched");
	}
}

static void
phone_masking(void)
{
	char out[20];

	phone_mask("+84912345678", out, sizeof out);
	T_STREQ(out, "0912***678");
	phone_national("+84912345678", out, sizeof out);
	T_STREQ(out, "0912345678");
}

static void
coding_and_segments(void)
{
	char buf[400];

	T_ASSERT(sms_coding_of("Da dang ky: Hoang Van Chau, thon Lang Don") == SMS_GSM7);
	T_ASSERT(sms_coding_of("Đã đăng ký") == SMS_UCS2);
	T_ASSERT(sms_coding_of("gia 30.000d @ cho") == SMS_GSM7);
	T_ASSERT(sms_coding_of("back`tick") == SMS_UCS2);
	T_ASSERT(sms_length("a{b", SMS_GSM7) == 4);	/* { is an escape pair */
	memset(buf, 'a', 160);
	buf[160] = '\0';
	T_ASSERT(sms_segments(buf) == 1);
	buf[160] = 'a';
	buf[161] = '\0';
	T_ASSERT(sms_segments(buf) == 2);
	T_ASSERT(sms_segments("Đã") == 1);
	T_ASSERT(sms_max_length(3, SMS_UCS2) == 201);
}

static void
strip_diacritics(void)
{
	char out[100];

	T_ASSERT(text_strip_diacritics("Đã đăng ký: Hoàng Văn Châu, thôn Lũng Cút", out, sizeof out) == 0);
	T_STREQ(out, "Da dang ky: Hoang Van Chau, thon Lung Cut");
	T_ASSERT(text_strip_diacritics("Bán na 50kg, 30.000đ", out, 8) == 0);
	T_STREQ(out, "Ban na ");
	/* decomposed input (NFD, as some phones send): the marks go too */
	T_ASSERT(text_strip_diacritics("Ba\xcc\x81n Đo\xcc\x82\xcc\x80ng", out, sizeof out) == 0);
	T_STREQ(out, "Ban Dong");
	/* beyond Vietnamese: kept as it is */
	T_ASSERT(text_strip_diacritics("€ 😀", out, sizeof out) == 0);
	T_STREQ(out, "€ 😀");
	T_ASSERT(text_strip_diacritics("B\xe1n", out, sizeof out) == -1);
}

static void
utf8_validity(void)
{
	T_ASSERT(utf8_is_valid("Bán", 4));
	T_ASSERT(!utf8_is_valid("B\xe1n", 3));
	T_ASSERT(!utf8_is_valid("a\0b", 3));
	T_ASSERT(!utf8_is_valid("\xed\xa0\x80", 3));	/* a lone surrogate */
}

/* fit_appends_dots_only_to_cut_text: a word longer than the room is cut
 * inside it; the old fit left it whole and appended "..." to it. */
static void
fit_appends_dots_only_to_cut_text(void)
{
	char buf[512];

	memset(buf, 'a', 200);
	buf[200] = '\0';
	T_ASSERT(text_fit(buf, sizeof buf, 160, SMS_GSM7) == 1);
	T_ASSERTF(sms_length(buf, SMS_GSM7) == 160, "%zu units", sms_length(buf, SMS_GSM7));
	T_ASSERT(strcmp(buf + 157, "...") == 0);
	/* text that fits is never touched */
	strcpy(buf, "Da dang tin #12");
	T_ASSERT(text_fit(buf, sizeof buf, 15, SMS_GSM7) == 0);
	T_STREQ(buf, "Da dang tin #12");
	/* at a word boundary when that keeps most of it */
	strcpy(buf, "Nhan TIM NA 2 de xem tiep");
	T_ASSERT(text_fit(buf, sizeof buf, 16, SMS_GSM7) == 1);
	T_STREQ(buf, "Nhan TIM NA...");
}

/* fit_full_buffer_stays_in_bounds: a buffer filled to its last byte with
 * one long word; the old fit wrote "..." past its end. */
static void
fit_full_buffer_stays_in_bounds(void)
{
	char *buf = malloc(64);	/* heap: ASan sees one byte past it */

	T_ASSERT(buf != NULL);
	memset(buf, 'x', 63);
	buf[63] = '\0';
	T_ASSERT(text_fit(buf, 64, 40, SMS_GSM7) == 1);
	T_ASSERT(strlen(buf) == 40);
	memset(buf, 'x', 63);
	buf[63] = '\0';
	/* the room in units is larger than the buffer: the bytes bound it */
	T_ASSERT(text_fit(buf, 32, 160, SMS_GSM7) == 1);
	T_ASSERT(strlen(buf) == 31 && strcmp(buf + 28, "...") == 0);
	free(buf);
}

/* cuts_land_on_char_boundary: every cut of Vietnamese text, by bytes
 * (str_copy, utf8_cut_len) or by units (text_fit, both codings), leaves
 * valid UTF-8 within its bounds. */
static void
cuts_land_on_char_boundary(void)
{
	static const char vi[] = "Hoàng Văn Châu, thôn Quán Thanh, xã Chi Lăng 😀 Lạng Sơn đặc sản";
	char buf[sizeof vi + 8], small[sizeof vi];

	for (size_t n = 0; n <= strlen(vi); n++) {
		size_t k = utf8_cut_len(vi, n);

		T_ASSERTF(k <= n && n - k < 4, "cut %zu -> %zu", n, k);
		T_ASSERTF(utf8_is_valid(vi, k), "utf8_cut_len(%zu) = %zu splits a character", n, k);
		str_copy(small, n + 1, vi);
		T_ASSERTF(utf8_is_valid(small, strlen(small)), "str_copy to %zu bytes", n + 1);
	}
	for (int coding = 0; coding < 2; coding++) {
		enum sms_coding c = coding ? SMS_UCS2 : SMS_GSM7;

		for (size_t max = 0; max <= 70; max++) {
			strcpy(buf, vi);
			text_fit(buf, sizeof buf, max, c);
			T_ASSERTF(utf8_is_valid(buf, strlen(buf)), "fit to %zu: \"%s\"", max, buf);
			T_ASSERTF(sms_length(buf, c) <= max || strcmp(buf, vi) == 0,
			    "fit to %zu units took %zu", max, sms_length(buf, c));
		}
		for (size_t size = 1; size <= sizeof vi; size++) {
			strcpy(buf, vi);
			text_fit(buf, size, 500, c);
			T_ASSERTF(strlen(buf) < size && utf8_is_valid(buf, strlen(buf)),
			    "fit to %zu bytes: \"%s\"", size, buf);
		}
	}
	/* invalid input stays no worse: stray bytes are characters of their own */
	T_ASSERT(utf8_cut_len("ab\x80\x80\x80\x80", 5) == 5);
	T_ASSERT(utf8_cut_len("a\xe1\xba\xa1" "b", 3) == 1);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"phone_forms", phone_forms},
		{"phone_rejects", phone_rejects},
		{"phone_masking", phone_masking},
		{"coding_and_segments", coding_and_segments},
		{"strip_diacritics", strip_diacritics},
		{"utf8_validity", utf8_validity},
		{"fit_appends_dots_only_to_cut_text", fit_appends_dots_only_to_cut_text},
		{"fit_full_buffer_stays_in_bounds", fit_full_buffer_stays_in_bounds},
		{"cuts_land_on_char_boundary", cuts_land_on_char_boundary},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
