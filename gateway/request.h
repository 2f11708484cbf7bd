/*
 * request.h - what an HTTP request to langso says, decoded and checked
 * without any socket, MHD or database: the MO of a /kannel/mo GET (query
 * parameters) or POST (X-Kannel-* headers and body, in Kannel's charsets),
 * a POST /ussd form, a /kannel/dlr report. http.c turns the results into
 * committer jobs; tests/fuzz/fuzz_http.c fuzzes every function here.
 */
#ifndef LANGSO_REQUEST_H
#define LANGSO_REQUEST_H

#include "gateway/kannel.h"

#include <stdbool.h>
#include <stddef.h>

/* The fields of one MO as Kannel sent them (borrowed pointers; NULL when
 * absent). text may hold NUL bytes (UTF-16BE), hence text_len. */
struct mo_fields {
	const char *from, *to, *id, *charset, *smsc, *meta;
	const char *text;
	size_t text_len;
	bool has_text;
	int coding;
};

/* The X-Kannel-* headers of a post-url request (NULL when absent). */
struct mo_post_headers {
	const char *id, *from, *to, *smsc, *meta, *coding, *content_type;
};

/* One MO, checked and decoded. text is allocated (the caller frees it) and
 * valid UTF-8 of text_len bytes. */
struct mo_req {
	char id[64], phone[20], to[32], smsc[32];
	char *text;
	size_t text_len;
	bool ussd;			/* a USSD step over SMPP (meta-data) */
	int ussd_op;			/* its ussd_service_op */
	char its_session[48];		/* its_session_info as received, %-encoded */
	char session[96];		/* phone/its_session_info */
};

/* request_mo_get_fields reads the MO of a get-url request from its parsed
 * query string. */
void request_mo_get_fields(const struct kv *kvs, int n, struct mo_fields *f);

/* request_mo_post_fields reads the MO of a post-url request: id from the
 * query (or X-Kannel-ID), text from the body, the charset from
 * Content-Type (copied into charset, which f points to). */
void request_mo_post_fields(const struct kv *kvs, int n, const struct mo_post_headers *hd,
    const char *body, size_t body_len, char *charset, size_t charsetlen, struct mo_fields *f);

/* request_mo checks and decodes f into *out: 0, or 400 with a one-line
 * reason in why (nothing allocated then). */
int request_mo(const struct mo_fields *f, struct mo_req *out, char *why, size_t whylen);

/* One POST /ussd step. text (the *-joined history) is allocated. id names
 * the step: the same phone, sessionId and history always give the same id,
 * anything else another one. */
struct ussd_req {
	char phone[20];
	char session[96];
	char id[64];
	char *text;
	size_t text_len;
};

/* request_ussd parses and checks a POST /ussd form body (modified in
 * place): 0, or 400 with the reason (an "END ..." screen) in why. Call
 * sodium_init() once before (the step id is a BLAKE2b digest). */
int request_ussd(char *form, struct ussd_req *out, char *why, size_t whylen);

/* One delivery report. */
struct dlr_req {
	long long id;
	int type;
	char reply[256], smscid[64];
};

/* request_dlr checks the query of GET /kannel/dlr: 0, or 400 with the
 * reason in why. */
int request_dlr(const struct kv *kvs, int n, struct dlr_req *out, char *why, size_t whylen);

#endif
