/* What smsbox sends and what sendsms answers, decoded as Kannel does it. */
#include "tests/t.h"
#include "gateway/kannel.h"

#include <stdlib.h>
#include <string.h>

static void
query_with_raw_bytes(void)
{
	char qs[] = "from=%2B84901234567&to=8055&text=%00B%00%E1%00n&id=abc&empty=&flag";
	struct kv kvs[KV_MAX];
	int n = kv_parse(qs, kvs, KV_MAX);
	const struct kv *t;

	T_ASSERT(n == 6);
	T_STREQ(kv_get(kvs, n, "from")->val, "+84901234567");
	t = kv_get(kvs, n, "text");
	T_ASSERT(t->vlen == 6);
	T_ASSERT(memcmp(t->val, "\0B\0\xE1\0n", 6) == 0);
	T_ASSERT(kv_get(kvs, n, "empty")->vlen == 0);
	T_ASSERT(kv_get(kvs, n, "flag") != NULL);
	T_ASSERT(kv_get(kvs, n, "nosuch") == NULL);
}

static void
plus_is_space(void)
{
	char qs[] = "text=BAN+NA+50KG+30.000%C4%91";
	struct kv kvs[4];
	int n = kv_parse(qs, kvs, 4);

	T_STREQ(kv_get(kvs, n, "text")->val, "BAN NA 50KG 30.000đ");
}

static void
decode_charsets(void)
{
	const char *why = NULL;
	size_t len;
	char *s;
	/* "Bán na 30.000đ" as UTF-16BE, as smsbox passes UCS-2 without mo-recode */
	static const char u16[] = "\0B\0\xe1\0n\0 \0n\0a\0 \x01\x11";

	s = kannel_decode_text(u16, sizeof u16 - 1, "UTF-16BE", &len, &why);
	T_ASSERT(s != NULL);
	T_STREQ(s, "Bán na đ");
	free(s);
	s = kannel_decode_text("B\xc3\xa1n", 4, "\"UTF-8\"", &len, &why);
	T_STREQ(s, "Bán");
	free(s);
	s = kannel_decode_text("B\xe1n", 3, "ISO-8859-1", &len, &why);
	T_STREQ(s, "Bán");
	free(s);
	/* an emoji as a surrogate pair */
	s = kannel_decode_text("\xd8\x3c\xdf\x4e", 4, "UTF-16BE", &len, &why);
	T_STREQ(s, "\xf0\x9f\x8d\x8e");
	free(s);
}

static void
decode_rejects(void)
{
	const char *why = NULL;
	size_t len;

	T_ASSERT(kannel_decode_text("B\xe1n", 3, "UTF-8", &len, &why) == NULL);
	T_STREQ(why, "text is not valid UTF-8");
	T_ASSERT(kannel_decode_text("\0B\0", 3, "UTF-16BE", &len, &why) == NULL);
	T_STREQ(why, "UTF-16 text with an odd number of bytes");
	T_ASSERT(kannel_decode_text("\xdc\x00\0a", 4, "UTF-16BE", &len, &why) == NULL);
	T_ASSERT(kannel_decode_text("abc", 3, "KOI8-R", &len, &why) == NULL);
	T_STREQ(why, "unknown charset");
	T_ASSERT(kannel_decode_text("a\0b", 3, "UTF-8", &len, &why) == NULL);
}

/* box mode sends UCS-2 itself (no smsbox converts it): UTF-16BE, with a
 * surrogate pair above the BMP; invalid UTF-8 or no room is refused */
static void
utf16be_encoding(void)
{
	unsigned char out[16];

	T_ASSERT(kannel_utf16be("B\xc3\xa1n \xc4\x91", 7, out, sizeof out) == 10);
	T_ASSERT(memcmp(out, "\0B\0\xe1\0n\0 \x01\x11", 10) == 0);
	T_ASSERT(kannel_utf16be("\xf0\x9f\x98\x80", 4, out, sizeof out) == 4);
	T_ASSERT(memcmp(out, "\xd8\x3d\xde\x00", 4) == 0);
	T_ASSERT(kannel_utf16be("B\xe1n", 3, out, sizeof out) == -1);
	T_ASSERT(kannel_utf16be("abcdefghi", 9, out, sizeof out) == -1);
}

/* meta-data as %D, X-Kannel-Meta-Data and a box message carry it */
static void
ussd_meta(void)
{
	char sess[16];
	int op = 0;

	T_ASSERT(kannel_ussd_meta("?smpp?ussd_service_op=%01&its_session_info=%04%00&", &op, sess,
	    sizeof sess));
	T_ASSERT(op == 1);
	T_STREQ(sess, "%04%00");
	T_ASSERT(kannel_ussd_meta("?smpp?ussd_service_op=18&", &op, sess, sizeof sess));
	T_ASSERT(op == 18);
	T_STREQ(sess, "");
	T_ASSERT(!kannel_ussd_meta("?smpp?x_ussd_service_op=1&", &op, sess, sizeof sess));
	T_ASSERT(!kannel_ussd_meta("?orig_msg?dlr_mask=31&", &op, sess, sizeof sess));
}

static void
sendsms_answers(void)
{
	T_ASSERT(kannel_classify(202, "0: Accepted for delivery") == KANNEL_ACCEPTED);
	T_ASSERT(kannel_classify(202, "3: Queued for later delivery") == KANNEL_ACCEPTED);
	T_ASSERT(kannel_classify(403, "Authorization failed for sendsms") == KANNEL_FAILED);
	T_ASSERT(kannel_classify(400, "Missing receiver number, rejected") == KANNEL_FAILED);
	T_ASSERT(kannel_classify(0, "") == KANNEL_RETRY);	/* connection refused */
	T_ASSERT(kannel_classify(503, "") == KANNEL_RETRY);
	T_ASSERT(kannel_classify(202, "garbage") == KANNEL_RETRY);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"query_with_raw_bytes", query_with_raw_bytes},
		{"plus_is_space", plus_is_space},
		{"decode_charsets", decode_charsets},
		{"decode_rejects", decode_rejects},
		{"utf16be_encoding", utf16be_encoding},
		{"ussd_meta", ussd_meta},
		{"sendsms_answers", sendsms_answers},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
