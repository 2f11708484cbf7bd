/*
 * phone.c - Vietnamese phone numbers: every written form to E.164.
 * Facts: 10-digit national mobiles 0[3,5,7,8,9]x, 11-digit landlines 02xx
 * (since 2017), and the 2018 conversion of 11-digit mobiles 01xx -> 0xx.
 */
#include "common/common.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The 2018 table: old 4-digit prefix (after the 0) -> new 2-digit prefix. */
static const struct {
	const char *old, *new_;
} converted[] = {
	{"162", "32"}, {"163", "33"}, {"164", "34"}, {"165", "35"},
	{"166", "36"}, {"167", "37"}, {"168", "38"}, {"169", "39"},
	{"123", "83"}, {"124", "84"}, {"125", "85"}, {"127", "81"},
	{"129", "82"}, {"120", "70"}, {"121", "79"}, {"122", "77"},
	{"126", "76"}, {"128", "78"}, {"186", "56"}, {"188", "58"},
	{"199", "59"},
};

/* national_to_e164: digits after the trunk 0 or the country code 84. */
static int
national_to_e164(const char *d, char *out, size_t outlen)
{
	size_t n = strlen(d);
	char buf[16];

	if (n == 9 && strchr("35789", d[0]) != NULL) {
		snprintf(buf, sizeof buf, "+84%s", d);
	} else if (n == 10 && d[0] == '2') {
		snprintf(buf, sizeof buf, "+84%s", d);		/* landline */
	} else if (n == 10 && d[0] == '1') {
		size_t i;

		for (i = 0; i < sizeof converted / sizeof converted[0]; i++)
			if (strncmp(d, converted[i].old, 3) == 0)
				break;
		if (i == sizeof converted / sizeof converted[0])
			return -1;
		snprintf(buf, sizeof buf, "+84%s%s", converted[i].new_, d + 3);
	} else {
		return -1;
	}
	if (strlen(buf) + 1 > outlen)
		return -1;
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

int
phone_to_e164(const char *in, char *out, size_t outlen)
{
	char d[24];
	size_t n = 0;
	bool plus = false;
	const char *p = in;

	while (*p == ' ' || *p == '(')
		p++;
	if (*p == '+') {
		plus = true;
		p++;
	}
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof d)
				return -1;
			d[n++] = *p;
		} else if (*p != ' ' && *p != '.' && *p != '-' && *p != '(' && *p != ')') {
			return -1;
		}
	}
	d[n] = '\0';
	if (plus || (n > 4 && memcmp(d, "0084", 4) == 0)) {
		const char *cc = plus ? d : d + 2;

		if (strlen(cc) < 2 || memcmp(cc, "84", 2) != 0)
			return -1;
		return national_to_e164(cc + 2, out, outlen);
	}
	if (n == 0)
		return -1;
	if (d[0] == '0')
		return national_to_e164(d + 1, out, outlen);
	if (d[0] == '8' && d[1] == '4' && (n == 11 || n == 12))
		return national_to_e164(d + 2, out, outlen);
	return -1;
}

void
phone_national(const char *e164, char *out, size_t outlen)
{
	if (strncmp(e164, "+84", 3) == 0)
		snprintf(out, outlen, "0%s", e164 + 3);
	else
		snprintf(out, outlen, "%s", e164);
}

void
phone_mask(const char *e164, char *out, size_t outlen)
{
	char nat[24];
	size_t n;

	phone_national(e164, nat, sizeof nat);
	n = strlen(nat);
	if (n < 8) {
		snprintf(out, outlen, "***");
		return;
	}
	snprintf(out, outlen, "%.4s***%s", nat, nat + n - 3);
}
