/*
 * request.c - the decoding and checking of request.h: pure functions over
 * bytes, so that tests/fuzz/fuzz_http.c can reach every one of them.
 */
#include "gateway/request.h"
#include "common/common.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* small_int reads a decimal coding ("0", "2"); anything else is -1, never
 * undefined (atoi on "99999999999" is). */
static int
small_int(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX)
		return -1;
	return (int)v;
}

void
request_mo_get_fields(const struct kv *kvs, int n, struct mo_fields *f)
{
	const struct kv *t;

	memset(f, 0, sizeof *f);
#define V(name) (kv_get(kvs, n, name) ? kv_get(kvs, n, name)->val : NULL)
	f->from = V("from");
	f->to = V("to");
	f->id = V("id");
	f->charset = V("charset");
	f->smsc = V("smsc");
	f->meta = V("meta");
	f->coding = small_int(V("coding"));
#undef V
	if ((t = kv_get(kvs, n, "text")) != NULL) {
		f->has_text = true;
		f->text = t->val;
		f->text_len = t->vlen;
	}
	/* Kannel passes charset; without it coding 2 means UTF-16BE. */
	if ((f->charset == NULL || f->charset[0] == '\0') && f->coding == 2)
		f->charset = "UTF-16BE";
}

void
request_mo_post_fields(const struct kv *kvs, int n, const struct mo_post_headers *hd,
    const char *body, size_t body_len, char *charset, size_t charsetlen, struct mo_fields *f)
{
	const struct kv *id = kv_get(kvs, n, "id");
	const char *cs;

	memset(f, 0, sizeof *f);
	f->id = id ? id->val : hd->id;
	f->from = hd->from;
	f->to = hd->to;
	f->smsc = hd->smsc;
	f->meta = hd->meta;
	f->coding = small_int(hd->coding);
	charset[0] = '\0';
	if (hd->content_type && (cs = strstr(hd->content_type, "charset=")) != NULL) {
		snprintf(charset, charsetlen, "%s", cs + 8);
		charset[strcspn(charset, ";")] = '\0';
	} else if (f->coding == 2) {
		snprintf(charset, charsetlen, "UTF-16BE");
	}
	f->charset = charset;
	f->has_text = true;
	f->text = body ? body : "";
	f->text_len = body ? body_len : 0;
}

int
request_mo(const struct mo_fields *f, struct mo_req *out, char *why, size_t whylen)
{
	const char *bad = NULL;

	memset(out, 0, sizeof *out);
	if (f->from == NULL || f->from[0] == '\0')
		snprintf(why, whylen, "missing from (the sender's number)");
	else if (f->id == NULL || f->id[0] == '\0')
		snprintf(why, whylen, "missing id (Kannel's %%I)");
	else if (strlen(f->id) >= sizeof out->id)
		snprintf(why, whylen, "id longer than %zu bytes", sizeof out->id - 1);
	else if (!f->has_text)
		snprintf(why, whylen, "missing text");
	else if (f->text_len == 0)
		snprintf(why, whylen, "empty text");
	else if (phone_to_e164(f->from, out->phone, sizeof out->phone) < 0)
		snprintf(why, whylen, "from is not a phone number in a known form");
	else if ((out->text = kannel_decode_text(f->text, f->text_len, f->charset, &out->text_len,
	    &bad)) == NULL)
		snprintf(why, whylen, "text: %s", bad);
	else if (out->text_len == 0) {
		/* a UTF-16 byte-order mark alone (found by fuzz_http) */
		snprintf(why, whylen, "empty text");
		free(out->text);
		out->text = NULL;
	}
	if (out->text == NULL)
		return 400;
	snprintf(out->id, sizeof out->id, "%s", f->id);
	str_copy(out->to, sizeof out->to, f->to ? f->to : "");
	str_copy(out->smsc, sizeof out->smsc, f->smsc ? f->smsc : "");
	if (f->meta && kannel_ussd_meta(f->meta, &out->ussd_op, out->its_session, sizeof out->its_session)) {
		out->ussd = true;
		snprintf(out->session, sizeof out->session, "%s/%s", out->phone, out->its_session);
	}
	return 0;
}

/* hash_field feeds one length-prefixed field, so no two different
 * (phone, sessionId, text) triples give the same input bytes. */
static void
hash_field(crypto_generichash_state *st, const char *s, size_t n)
{
	unsigned char len[8];

	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)((unsigned long long)n >> (8 * i));
	crypto_generichash_update(st, len, sizeof len);
	crypto_generichash_update(st, (const unsigned char *)s, n);
}

/* ussd_step_id names a POST /ussd step by the phone, the aggregator's
 * sessionId and the history: BLAKE2b (192 bits) of the three, length
 * prefixed. The same step retried gets the same id (and the stored
 * screen); another phone, or any other session or history, gets its own. */
static void
ussd_step_id(const char *phone, const char *sid, size_t sid_len, const char *text,
    size_t text_len, char *out, size_t outlen)
{
	crypto_generichash_state st;
	unsigned char h[24];
	char hex[2 * sizeof h + 1];

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	hash_field(&st, phone, strlen(phone));
	hash_field(&st, sid, sid_len);
	hash_field(&st, text, text_len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	/* every step: no printf */
	str_copy(out, outlen, "ussd:");
	str_copy(out + strlen(out), outlen - strlen(out), hex);
}

int
request_ussd(char *form, struct ussd_req *out, char *why, size_t whylen)
{
	struct kv kvs[KV_MAX];
	const struct kv *sid, *phone, *text;
	int n = form ? kv_parse(form, kvs, KV_MAX) : 0;

	memset(out, 0, sizeof *out);
	sid = kv_get(kvs, n, "sessionId");
	phone = kv_get(kvs, n, "phoneNumber");
	text = kv_get(kvs, n, "text");
	/* a NUL inside a field would make the stored text differ from the
	 * hashed one: such a field is not text */
	if (sid == NULL || sid->vlen == 0 || sid->vlen >= 64 || strlen(sid->val) != sid->vlen ||
	    phone == NULL) {
		snprintf(why, whylen, "END missing sessionId or phoneNumber");
		return 400;
	}
	if (phone_to_e164(phone->val, out->phone, sizeof out->phone) < 0) {
		snprintf(why, whylen, "END phoneNumber is not a phone number in a known form");
		return 400;
	}
	if (text != NULL && (!utf8_is_valid(text->val, text->vlen) || strlen(text->val) != text->vlen)) {
		snprintf(why, whylen, "END text is not valid UTF-8");
		return 400;
	}
	str_copy(out->session, sizeof out->session, sid->val);
	out->text = xstrdup(text ? text->val : "");
	out->text_len = strlen(out->text);
	ussd_step_id(out->phone, sid->val, sid->vlen, out->text, out->text_len, out->id, sizeof out->id);
	return 0;
}

int
request_dlr(const struct kv *kvs, int n, struct dlr_req *out, char *why, size_t whylen)
{
	const struct kv *id = kv_get(kvs, n, "id"), *type = kv_get(kvs, n, "type");
	const struct kv *reply = kv_get(kvs, n, "reply"), *smscid = kv_get(kvs, n, "smscid");
	char *end;
	long long msg;
	long t;

	memset(out, 0, sizeof *out);
	if (id == NULL || type == NULL) {
		snprintf(why, whylen, "missing id or type");
		return 400;
	}
	errno = 0;
	msg = strtoll(id->val, &end, 10);
	if (errno != 0 || end == id->val || *end != '\0' || msg <= 0) {
		snprintf(why, whylen, "id must be a message number");
		return 400;
	}
	errno = 0;
	t = strtol(type->val, &end, 10);
	if (errno != 0 || end == type->val || *end != '\0' || t < 0 || t > 255) {
		snprintf(why, whylen, "type must be Kannel's %%d");
		return 400;
	}
	if ((reply && !utf8_is_valid(reply->val, reply->vlen)) ||
	    (smscid && !utf8_is_valid(smscid->val, smscid->vlen))) {
		snprintf(why, whylen, "reply and smscid must be UTF-8 text");
		return 400;
	}
	out->id = msg;
	out->type = (int)t;
	str_copy(out->reply, sizeof out->reply, reply ? reply->val : "");
	str_copy(out->smscid, sizeof out->smscid, smscid ? smscid->val : "");
	return 0;
}
