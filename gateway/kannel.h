/*
 * kannel.h - what langso knows of Kannel's HTTP formats: the sms-service
 * request (get-url escapes or post-url headers) turned into UTF-8, and the
 * sendsms request and its answers. No sockets here; http.c and outbox.c do
 * the talking.
 */
#ifndef LANGSO_KANNEL_H
#define LANGSO_KANNEL_H

#include <stddef.h>

/* One decoded query-string or form parameter. Values may hold NUL bytes
 * (UTF-16BE text), so they carry their length. */
struct kv {
	char *key;
	char *val;
	size_t vlen;
};

#define KV_MAX 64

/* kv_parse url-decodes a query string ("a=1&b=%00x") into kvs, pointing into
 * buf, which it modifies. Returns how many pairs, at most max. */
int kv_parse(char *buf, struct kv *kvs, int max);
/* kv_get returns the pair named key, or NULL. */
const struct kv *kv_get(const struct kv *kvs, int n, const char *key);

/*
 * kannel_decode_text turns MO text bytes into UTF-8 following Kannel's
 * charset (%C / Content-Type charset): UTF-8 (also when empty or coding 0),
 * UTF-16BE (UCS-2 without mo-recode), UTF-16 with a BOM, ISO-8859-1 and
 * WINDOWS-1252 (8-bit). Returns a new NUL-terminated string (caller frees)
 * and its length, or NULL when the bytes are not valid in that charset or
 * the charset is unknown; *why then says which.
 */
char *kannel_decode_text(const char *bytes, size_t len, const char *charset,
    size_t *outlen, const char **why);

/* kannel_meta_value finds key in Kannel meta-data ("?smpp?k=v&k2=v2&",
 * values %-encoded, as %D, X-Kannel-Meta-Data and a box message's
 * meta_data carry it) and copies its still-encoded value; false when absent
 * or longer than outlen - 1. */
#include <stdbool.h>
bool kannel_meta_value(const char *meta, const char *key, char *out, size_t outlen);

/* kannel_ussd_meta: a USSD MO over SMPP carries ussd_service_op as a raw
 * byte ("%01", kannel.md §6) and its_session_info to echo back (still
 * %-encoded; "" when absent). false: not a USSD message. */
bool kannel_ussd_meta(const char *meta, int *op, char *session, size_t sessionlen);

/* kannel_utf16be writes UTF-8 text as UTF-16BE (what a UCS-2 message
 * carries on a box connection, where no smsbox converts it): its length,
 * or -1 for invalid UTF-8 or an out shorter than needed. */
long kannel_utf16be(const char *utf8, size_t len, unsigned char *out, size_t cap);

/* What a sendsms answer means for the message. */
enum kannel_verdict { KANNEL_ACCEPTED, KANNEL_FAILED, KANNEL_RETRY };

/* kannel_classify: 202 with "0:" or "3:" is accepted, 4xx failed for good,
 * anything else (connection error = status 0, 5xx, odd answers) retried. */
enum kannel_verdict kannel_classify(long status, const char *body);

#endif
