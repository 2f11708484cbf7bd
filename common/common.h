/*
 * common.h - the few helpers every layer needs: fatal-on-OOM allocation,
 * Vietnamese phone numbers to E.164, and SMS text facts (GSM 03.38 or UCS-2,
 * segments, stripping diacritics). Pure functions, no I/O.
 */
#ifndef LANGSO_COMMON_H
#define LANGSO_COMMON_H

#include <stdbool.h>
#include <stddef.h>

/* x* allocate or abort with a message: a daemon that cannot allocate 100
 * bytes cannot do anything useful, and the supervisor restarts it. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* strlcpy-like: copies at most dstlen-1 bytes, always terminates, never
 * splits a UTF-8 sequence. Returns 0, or -1 if src was cut. Every cut of
 * text in langso goes through utf8_cut_len, here or in text_fit. */
int str_copy(char *dst, size_t dstlen, const char *src);

/* utf8_cut_len: the length of the longest prefix of s (n <= strlen(s))
 * that ends on a character boundary. Bytes that are not UTF-8 count as
 * characters of their own, so invalid input is never made worse. */
size_t utf8_cut_len(const char *s, size_t n);

/*
 * phone_to_e164 reads a Vietnamese number in any usual form (0912345678,
 * 84912345678, +84912345678, 0084..., spaces/dots/dashes/parentheses inside,
 * pre-2018 11-digit mobiles 01xx converted to today's prefix) and writes
 * "+84..." into out. Returns 0, or -1 (out untouched) for any other form.
 */
int phone_to_e164(const char *in, char *out, size_t outlen);

/* phone_mask writes +84912345678 as 0912***678, for showing to others. */
void phone_mask(const char *e164, char *out, size_t outlen);

/* phone_national writes +84912345678 as 0912345678. */
void phone_national(const char *e164, char *out, size_t outlen);

enum sms_coding { SMS_GSM7 = 0, SMS_UCS2 = 2 };

/* sms_coding_of tells whether UTF-8 text fits GSM 03.38 (basic + extension
 * tables) or needs UCS-2. Invalid UTF-8 needs UCS-2 (it is never sent). */
enum sms_coding sms_coding_of(const char *utf8);

/* sms_length counts the text in its coding's units: septets for GSM-7
 * (extension characters count 2), UTF-16 units for UCS-2. */
size_t sms_length(const char *utf8, enum sms_coding coding);

/* sms_segments: how many SMS parts the text takes (1 for empty). */
int sms_segments(const char *utf8);

/* sms_max_length: how many units fit in n segments of that coding. */
size_t sms_max_length(int segments, enum sms_coding coding);

/*
 * text_fit cuts text, held in a buffer of size bytes, so that it takes at
 * most max units of coding (septets or UTF-16 units) and ends in "..." to
 * show it was cut: at the last space when that keeps at least half of what
 * fits, else inside the word, always on a character boundary. Text that
 * already fits is left alone. Returns 1 when it cut, 0 otherwise. The one
 * fitter for SMS replies and USSD screens.
 */
int text_fit(char *text, size_t size, size_t max, enum sms_coding coding);

/*
 * text_strip_diacritics writes utf8 without Vietnamese marks (đ->d, Đ->D,
 * case kept) into out, cut at a character boundary to outlen-1 bytes.
 * Returns 0, or -1 if the input was not valid UTF-8 (out then holds "").
 */
int text_strip_diacritics(const char *utf8, char *out, size_t outlen);
/* text_fold: text_strip_diacritics, then ASCII lowercase: what a search
 * compares ("Hoàng", "HOANG" and "hoang" fold alike). 0, or -1 as it. */
int text_fold(const char *utf8, char *out, size_t outlen);

/* utf8_is_valid: the bytes are well-formed UTF-8 without NUL. */
bool utf8_is_valid(const char *s, size_t len);

#endif
