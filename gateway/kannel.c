/*
 * kannel.c - Kannel's request formats (docs: kannel.md §2, §4): query
 * strings with raw bytes, the charsets smsbox passes, sendsms answers.
 */
#include "gateway/kannel.h"
#include "common/common.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* url_decode decodes s in place and returns the decoded length. */
static size_t
url_decode(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		int hi, lo;

		if (*r == '+') {
			*w++ = ' ';
		} else if (*r == '%' && (hi = hexval((unsigned char)r[1])) >= 0 &&
		    (lo = hexval((unsigned char)r[2])) >= 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

int
kv_parse(char *buf, struct kv *kvs, int max)
{
	int n = 0;
	char *p = buf;

	while (p && *p && n < max) {
		char *amp = strchr(p, '&'), *eq;

		if (amp)
			*amp = '\0';
		if (*p) {
			eq = strchr(p, '=');
			if (eq)
				*eq = '\0';
			kvs[n].key = p;
			url_decode(p);
			kvs[n].val = eq ? eq + 1 : p + strlen(p);
			kvs[n].vlen = eq ? url_decode(eq + 1) : 0;
			n++;
		}
		p = amp ? amp + 1 : NULL;
	}
	return n;
}

const struct kv *
kv_get(const struct kv *kvs, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(kvs[i].key, key) == 0)
			return &kvs[i];
	return NULL;
}

/* append_cp encodes one code point; out has room for len*3+4 bytes. */
static size_t
append_cp(char *out, size_t o, int32_t cp)
{
	return o + (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + o);
}

static char *
from_utf16(const unsigned char *b, size_t len, bool big_endian, size_t *outlen, const char **why)
{
	/* each 2-byte unit becomes at most 3 UTF-8 bytes; a 4-byte pair 4 */
	char *out = xmalloc(len * 2 + 4);
	size_t o = 0;

	if (len % 2 != 0) {
		*why = "UTF-16 text with an odd number of bytes";
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < len; i += 2) {
		uint32_t u = big_endian ? (uint32_t)(b[i] << 8 | b[i + 1]) : (uint32_t)(b[i + 1] << 8 | b[i]);

		if (u >= 0xD800 && u <= 0xDBFF) {
			uint32_t lo;

			if (i + 3 >= len)
				goto bad;
			lo = big_endian ? (uint32_t)(b[i + 2] << 8 | b[i + 3]) : (uint32_t)(b[i + 3] << 8 | b[i + 2]);
			if (lo < 0xDC00 || lo > 0xDFFF)
				goto bad;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			i += 2;
		} else if ((u >= 0xDC00 && u <= 0xDFFF) || u == 0) {
			goto bad;
		}
		o = append_cp(out, o, (int32_t)u);
	}
	out[o] = '\0';
	*outlen = o;
	return out;
bad:
	*why = "UTF-16 text with a broken surrogate or NUL";
	free(out);
	return NULL;
}

/* Windows-1252 0x80-0x9F; 0 where the code page has a hole. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static char *
from_8bit(const unsigned char *b, size_t len, bool cp1252, size_t *outlen, const char **why)
{
	char *out = xmalloc(len * 3 + 4);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int32_t cp = b[i];

		if (cp == 0)
			goto bad;
		if (cp1252 && cp >= 0x80 && cp < 0xA0 && (cp = cp1252_high[cp - 0x80]) == 0)
			goto bad;
		o = append_cp(out, o, cp);
	}
	out[o] = '\0';
	*outlen = o;
	return out;
bad:
	*why = "byte not valid in that charset";
	free(out);
	return NULL;
}

char *
kannel_decode_text(const char *bytes, size_t len, const char *charset,
    size_t *outlen, const char **why)
{
	const unsigned char *b = (const unsigned char *)bytes;
	char cs[32];
	size_t n = 0;
	char *out;

	/* Content-Type gives it quoted: charset="UTF-16BE" */
	for (const char *p = charset ? charset : ""; *p && n + 1 < sizeof cs; p++)
		if (*p != '"' && *p != '\'' && *p != ' ')
			cs[n++] = *p;
	cs[n] = '\0';
	if (n == 0 || strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0) {
		if (!utf8_is_valid(bytes, len)) {
			*why = "text is not valid UTF-8";
			return NULL;
		}
		out = xmalloc(len + 1);
		memcpy(out, bytes, len);
		out[len] = '\0';
		*outlen = len;
		return out;
	}
	if (strcasecmp(cs, "UTF-16BE") == 0 || strcasecmp(cs, "UCS-2") == 0 ||
	    strcasecmp(cs, "UCS-2BE") == 0)
		return from_utf16(b, len, true, outlen, why);
	if (strcasecmp(cs, "UTF-16") == 0) {
		if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE)
			return from_utf16(b + 2, len - 2, false, outlen, why);
		if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF)
			return from_utf16(b + 2, len - 2, true, outlen, why);
		return from_utf16(b, len, true, outlen, why);
	}
	if (strcasecmp(cs, "UTF-16LE") == 0)
		return from_utf16(b, len, false, outlen, why);
	if (strcasecmp(cs, "ISO-8859-1") == 0 || strcasecmp(cs, "LATIN1") == 0)
		return from_8bit(b, len, false, outlen, why);
	if (strcasecmp(cs, "WINDOWS-1252") == 0 || strcasecmp(cs, "CP1252") == 0)
		return from_8bit(b, len, true, outlen, why);
	*why = "unknown charset";
	return NULL;
}

bool
kannel_meta_value(const char *meta, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);

	for (const char *p = meta; (p = strstr(p, key)) != NULL; p += klen) {
		size_t n;

		if ((p != meta && p[-1] != '?' && p[-1] != '&') || p[klen] != '=')
			continue;
		p += klen + 1;
		n = strcspn(p, "&");
		if (n >= outlen)
			return false;
		memcpy(out, p, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

bool
kannel_ussd_meta(const char *meta, int *op, char *session, size_t sessionlen)
{
	char v[16];
	unsigned hi, lo;

	if (!kannel_meta_value(meta, "ussd_service_op", v, sizeof v))
		return false;
	if (v[0] == '%' && sscanf(v + 1, "%1x%1x", &hi, &lo) == 2)
		*op = (int)(hi * 16 + lo);
	else {
		char *end;
		long n = strtol(v, &end, 10);	/* never atoi: "99999999999" is undefined */

		*op = *end == '\0' && n >= 0 && n <= 255 ? (int)n : -1;
	}
	if (!kannel_meta_value(meta, "its_session_info", session, sessionlen))
		session[0] = '\0';
	return true;
}

long
kannel_utf16be(const char *utf8, size_t len, unsigned char *out, size_t cap)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)utf8;
	size_t o = 0;

	while (len > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		if (cp >= 0x10000) {
			uint32_t v = (uint32_t)cp - 0x10000;

			if (o + 4 > cap)
				return -1;
			out[o++] = (unsigned char)(0xD8 | (v >> 18));
			out[o++] = (unsigned char)(v >> 10);
			out[o++] = (unsigned char)(0xDC | ((v >> 8) & 0x03));
			out[o++] = (unsigned char)v;
		} else {
			if (o + 2 > cap)
				return -1;
			out[o++] = (unsigned char)(cp >> 8);
			out[o++] = (unsigned char)cp;
		}
	}
	return (long)o;
}

enum kannel_verdict
kannel_classify(long status, const char *body)
{
	if (status == 202 && body != NULL &&
	    (strncmp(body, "0:", 2) == 0 || strncmp(body, "3:", 2) == 0))
		return KANNEL_ACCEPTED;
	if (status >= 400 && status < 500)
		return KANNEL_FAILED;
	return KANNEL_RETRY;
}
