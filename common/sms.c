/*
 * sms.c - facts about SMS text: does it fit the GSM 03.38 alphabet, how many
 * units and parts it takes, and Vietnamese without diacritics for replies.
 * Segment arithmetic: 140 octets per SMS = 160 septets or 70 UTF-16 units;
 * a concatenated part loses 6 octets to the UDH: 153 septets or 67 units.
 */
#include "common/common.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

/* GSM 03.38 default alphabet, non-ASCII members, and the ASCII it lacks. */
static const char gsm_basic_nonascii[] =
    "£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà";
static const char ascii_not_gsm[] = "`";
static const char gsm_extension[] = "^{}\\[~]|\f€";

static bool
contains_cp(const char *set, int32_t cp)
{
	const uint8_t *s = (const uint8_t *)set;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	while (*s) {
		n = utf8proc_iterate(s, -1, &c);
		if (n <= 0)
			return false;
		if (c == cp)
			return true;
		s += n;
	}
	return false;
}

/* ascii_septets_of: the ASCII half as a table, since every reply and
 * notice is measured character by character. */
static int
ascii_septets_of(int32_t cp)
{
	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp == '\f')
		return 2;
	if (cp < 0x20 || cp == 0x7f || strchr(ascii_not_gsm, (int)cp))
		return 0;
	return strchr(gsm_extension, (int)cp) ? 2 : 1;
}

static signed char ascii_septets[128];
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;

static void
ascii_table_init(void)
{
	for (int32_t c = 0; c < 128; c++)
		ascii_septets[c] = (signed char)ascii_septets_of(c);
}

/* gsm_septets: 1 or 2 for a GSM character, 0 if not in the alphabet. */
static int
gsm_septets(int32_t cp)
{
	if (cp < 0x80) {
		pthread_once(&ascii_once, ascii_table_init);
		return ascii_septets[cp];
	}
	if (contains_cp(gsm_basic_nonascii, cp))
		return 1;
	if (cp == 0x20AC)	/* € */
		return 2;
	return 0;
}

bool
utf8_is_valid(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	utf8proc_int32_t c;

	while (len > 0) {
		utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &c);

		if (n <= 0 || c == 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

enum sms_coding
sms_coding_of(const char *utf8)
{
	const uint8_t *p = (const uint8_t *)utf8;
	utf8proc_int32_t c;

	pthread_once(&ascii_once, ascii_table_init);
	while (*p) {
		utf8proc_ssize_t n;

		/* ASCII, most of every screen and reply: the table alone */
		if (*p < 0x80) {
			if (ascii_septets[*p++] == 0)
				return SMS_UCS2;
			continue;
		}
		n = utf8proc_iterate(p, -1, &c);
		if (n <= 0 || gsm_septets(c) == 0)
			return SMS_UCS2;
		p += n;
	}
	return SMS_GSM7;
}

size_t
sms_length(const char *utf8, enum sms_coding coding)
{
	const uint8_t *p = (const uint8_t *)utf8;
	utf8proc_int32_t c;
	size_t units = 0;

	pthread_once(&ascii_once, ascii_table_init);
	while (*p) {
		utf8proc_ssize_t n;

		if (*p < 0x80) {
			units += coding == SMS_GSM7 ? (size_t)ascii_septets[*p] : 1;
			p++;
			continue;
		}
		n = utf8proc_iterate(p, -1, &c);
		if (n <= 0) {
			p++;
			units++;
			continue;
		}
		if (coding == SMS_GSM7)
			units += (size_t)gsm_septets(c);
		else
			units += c > 0xFFFF ? 2 : 1;	/* surrogate pair */
		p += n;
	}
	return units;
}

size_t
sms_max_length(int segments, enum sms_coding coding)
{
	size_t single = coding == SMS_GSM7 ? 160 : 70;
	size_t part = coding == SMS_GSM7 ? 153 : 67;

	if (segments <= 1)
		return single;
	return part * (size_t)segments;
}

/* units_of: what one code point costs in the coding (sms_length's rule). */
static size_t
units_of(int32_t cp, enum sms_coding coding)
{
	if (coding == SMS_GSM7)
		return (size_t)gsm_septets(cp);
	return cp > 0xFFFF ? 2 : 1;
}

int
text_fit(char *text, size_t size, size_t max, enum sms_coding coding)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t len = strlen(text), units = 0, i = 0, space = 0, room;
	bool dots = max >= 3 && size >= 4;

	if (len < size && sms_length(text, coding) <= max)
		return 0;
	/* what the text may keep: max units and size bytes, less the dots */
	room = dots ? max - 3 : max;
	while (i < len) {
		utf8proc_int32_t c = 0;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
		size_t u = 1;

		if (n <= 0)
			n = 1;	/* a stray byte: one character of its own */
		else
			u = units_of(c, coding);
		if (units + u > room || i + (size_t)n + (dots ? 3 : 0) + 1 > size)
			break;
		if (c == ' ' && n == 1)
			space = i;
		units += u;
		i += (size_t)n;
	}
	if (space > 0 && space * 2 >= i)
		i = space;
	while (i > 0 && text[i - 1] == ' ')
		i--;
	if (dots) {
		memcpy(text + i, "...", 3);
		i += 3;
	}
	text[i] = '\0';
	return 1;
}

int
sms_segments(const char *utf8)
{
	enum sms_coding coding = sms_coding_of(utf8);
	size_t len = sms_length(utf8, coding);
	size_t part = coding == SMS_GSM7 ? 153 : 67;

	if (len <= sms_max_length(1, coding))
		return 1;
	return (int)((len + part - 1) / part);
}

/*
 * Stripping is on every reply, so it goes through a table of what each code
 * point below STRIP_TABLE_END becomes, filled once by asking utf8proc
 * (decompose, drop the marks; 0 when nothing is left, as for a lone
 * combining mark); đ and ð have no decomposition and become d. Vietnamese
 * letters all live below U+1F00 (Latin-1, Latin Extended-A/B and Latin
 * Extended Additional); anything above is copied as it is.
 */
#define STRIP_TABLE_END 0x1F00
static int32_t strip_table[STRIP_TABLE_END];
static pthread_once_t strip_once = PTHREAD_ONCE_INIT;

static void
strip_table_init(void)
{
	for (int32_t cp = 0; cp < STRIP_TABLE_END; cp++) {
		utf8proc_int32_t dec[8];
		int last = 0;
		utf8proc_ssize_t n = utf8proc_decompose_char(cp, dec, 8,
		    UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, &last);

		strip_table[cp] = n == 1 ? dec[0] : n == 0 ? 0 : cp;
	}
	strip_table[0x0111] = strip_table[0x00F0] = 'd';	/* đ ð */
	strip_table[0x0110] = strip_table[0x00D0] = 'D';	/* Đ Ð */
}

int
text_strip_diacritics(const char *utf8, char *out, size_t outlen)
{
	const uint8_t *p = (const uint8_t *)utf8;
	size_t o = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	pthread_once(&strip_once, strip_table_init);
	while (*p) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &c);
		uint8_t enc[4];
		utf8proc_ssize_t w;

		if (k <= 0) {
			out[0] = '\0';
			return -1;
		}
		p += k;
		if (c < STRIP_TABLE_END && (c = strip_table[c]) == 0)
			continue;
		w = utf8proc_encode_char(c, enc);
		if (o + (size_t)w + 1 > outlen)
			break;
		memcpy(out + o, enc, (size_t)w);
		o += (size_t)w;
	}
	out[o] = '\0';
	return 0;
}

int
text_fold(const char *utf8, char *out, size_t outlen)
{
	if (text_strip_diacritics(utf8, out, outlen) < 0)
		return -1;
	for (char *p = out; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return 0;
}
