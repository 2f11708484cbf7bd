/*
 * fuzz_http.c - libFuzzer target for HTTP request decoding (make fuzz-http):
 * gateway/request.c and gateway/kannel.c, as http.c calls them. The first
 * byte of an input picks what the rest is:
 *   0  the query string of GET /kannel/mo
 *   1  POST /kannel/mo: query, Content-Type, X-Kannel-Coding, X-Kannel-From,
 *      X-Kannel-Meta-Data, each ended by a NUL byte, then the body (any bytes)
 *   2  a POST /ussd form body
 *   3  the query string of GET /kannel/dlr
 *   4  a charset name, a NUL byte, then MO text bytes in that charset
 * Whatever the bytes, nothing may crash, and what is accepted must hold:
 * valid UTF-8 text, E.164 phones, ids that fit, the same USSD step id for
 * the same input. tests/unit/test_fuzz_http_replay.c includes this file to
 * replay tests/fuzz/corpus_http/ in make check.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "gateway/kannel.h"
#include "gateway/request.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;	/* unused: libFuzzer signature */
	(void)argv;
	if (sodium_init() < 0) {
		fprintf(stderr, "fuzz_http: libsodium cannot start\n");
		abort();
	}
	return 0;
}

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_http: invariant broken: %s\n", what);
		abort();
	}
}

/* cstr copies n bytes to a new NUL-terminated string (what MHD hands over
 * for a URI or a header: a C string, cut at the first NUL). */
static char *
cstr(const uint8_t *p, size_t n)
{
	char *s = xmalloc(n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void
check_e164(const char *phone)
{
	check(phone[0] == '+' && strlen(phone) >= 8 && strlen(phone) < 20, "phone is E.164");
	for (const char *p = phone + 1; *p; p++)
		check(*p >= '0' && *p <= '9', "phone is digits");
}

static void
check_mo(const struct mo_fields *f)
{
	struct mo_req mo;
	char why[128];
	int rc = request_mo(f, &mo, why, sizeof why);

	if (rc != 0) {
		check(rc == 400 && why[0] != '\0', "a refusal says why");
		check(mo.text == NULL, "nothing allocated on a refusal");
		return;
	}
	check(mo.text != NULL && utf8_is_valid(mo.text, mo.text_len), "text is UTF-8");
	check(mo.text_len > 0, "text not empty");
	check_e164(mo.phone);
	check(mo.id[0] != '\0' && strlen(mo.id) < sizeof mo.id, "id fits");
	check(utf8_is_valid(mo.to, strlen(mo.to)) || f->to == NULL || !utf8_is_valid(f->to, strlen(f->to)),
	    "to cut on a character");
	check(!mo.ussd || strncmp(mo.session, mo.phone, strlen(mo.phone)) == 0, "session keyed by phone");
	free(mo.text);
}

static void
fuzz_get(const uint8_t *data, size_t size)
{
	struct kv kvs[KV_MAX];
	struct mo_fields f;
	char *q = cstr(data, size);
	int n = kv_parse(q, kvs, KV_MAX);

	check(n >= 0 && n <= KV_MAX, "pair count");
	for (int i = 0; i < n; i++)
		check(kvs[i].vlen <= size, "value inside the query");
	request_mo_get_fields(kvs, n, &f);
	check_mo(&f);
	free(q);
}

static void
fuzz_post(const uint8_t *data, size_t size)
{
	struct kv kvs[KV_MAX];
	struct mo_post_headers hd;
	struct mo_fields f;
	char *field[5], charset[32];
	size_t at = 0;
	int n;

	for (int i = 0; i < 5; i++) {
		const uint8_t *nul = at < size ? memchr(data + at, 0, size - at) : NULL;
		size_t len = nul ? (size_t)(nul - (data + at)) : size - at;

		field[i] = cstr(data + at, len);
		at += len + (nul != NULL);
	}
	n = kv_parse(field[0], kvs, KV_MAX);
	memset(&hd, 0, sizeof hd);
	hd.content_type = field[1][0] ? field[1] : NULL;
	hd.coding = field[2][0] ? field[2] : NULL;
	hd.from = field[3];
	hd.meta = field[4][0] ? field[4] : NULL;
	hd.id = "post-id";
	request_mo_post_fields(kvs, n, &hd, (const char *)data + at, size - at, charset, sizeof charset, &f);
	check(strlen(charset) < sizeof charset, "charset fits");
	check_mo(&f);
	for (int i = 0; i < 5; i++)
		free(field[i]);
}

static void
fuzz_ussd(const uint8_t *data, size_t size)
{
	struct ussd_req a, b;
	char why[128];
	char *form = cstr(data, size), *again = cstr(data, size);
	int rc = request_ussd(form, &a, why, sizeof why);

	check(request_ussd(again, &b, why, sizeof why) == rc, "same answer twice");
	if (rc == 0) {
		check_e164(a.phone);
		check(a.text != NULL && utf8_is_valid(a.text, a.text_len), "history is UTF-8");
		check(strlen(a.id) == 5 + 48 && strncmp(a.id, "ussd:", 5) == 0, "step id is a digest");
		check(strcmp(a.id, b.id) == 0, "same step, same id");
		check(a.session[0] != '\0', "session set");
		free(a.text);
		free(b.text);
	} else {
		check(rc == 400 && strncmp(why, "END ", 4) == 0, "refusal is an END screen");
	}
	free(form);
	free(again);
}

static void
fuzz_dlr(const uint8_t *data, size_t size)
{
	struct kv kvs[KV_MAX];
	struct dlr_req d;
	char why[128];
	char *q = cstr(data, size);
	int n = kv_parse(q, kvs, KV_MAX);

	if (request_dlr(kvs, n, &d, why, sizeof why) == 0) {
		check(d.id > 0 && d.type >= 0 && d.type <= 255, "id and type in range");
		check(utf8_is_valid(d.reply, strlen(d.reply)) && utf8_is_valid(d.smscid, strlen(d.smscid)),
		    "reply and smscid are UTF-8");
	} else {
		check(why[0] != '\0', "a refusal says why");
	}
	free(q);
}

static void
fuzz_charset(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t clen = nul ? (size_t)(nul - data) : size, tlen, olen = 0;
	char *cs = cstr(data, clen), *out;
	const char *why = NULL;

	tlen = nul ? size - clen - 1 : 0;
	out = kannel_decode_text((const char *)data + size - tlen, tlen, cs, &olen, &why);
	if (out != NULL) {
		check(utf8_is_valid(out, olen) && out[olen] == '\0', "decoded text is UTF-8");
		check(olen <= 3 * tlen, "decoded length bounded");
		free(out);
	} else {
		check(why != NULL && why[0] != '\0', "a refusal says why");
	}
	free(cs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 5) {
	case 0: fuzz_get(data + 1, size - 1); break;
	case 1: fuzz_post(data + 1, size - 1); break;
	case 2: fuzz_ussd(data + 1, size - 1); break;
	case 3: fuzz_dlr(data + 1, size - 1); break;
	default: fuzz_charset(data + 1, size - 1); break;
	}
	return 0;
}
