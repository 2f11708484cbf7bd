/*
 * boxmsg.h - the messages of Kannel's box protocol, between bearerbox and
 * its boxes (smsbox, sqlbox, and langso in box mode), as Kannel 1.4.5 lays
 * them out (gw/msg-decl.h; kannel.md §9).
 *
 * A frame is a 4-byte big-endian length, then the payload: the message type
 * as an INTEGER, then that type's fields in declaration order. INTEGER: 4
 * bytes big-endian, -1 when unset. OCTSTR: a 4-byte length, then the bytes;
 * length -1 for NULL. UUID: an OCTSTR holding the 36-character text form.
 * VOID fields (sms.split_parts) do not travel.
 *
 * Pure: no I/O, no allocation. Decoded strings point into the caller's
 * buffer, so a decoded message lives as long as the bytes it came from.
 */
#ifndef LANGSO_BOXMSG_H
#define LANGSO_BOXMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum boxmsg_type {
	BOXMSG_HEARTBEAT = 0,
	BOXMSG_ADMIN = 1,
	BOXMSG_SMS = 2,
	BOXMSG_ACK = 3,
	BOXMSG_WDP = 4,
};
#define BOXMSG_NTYPES 5

/* sms.sms_type */
enum { BOX_SMS_MO = 0, BOX_SMS_MT_REPLY = 1, BOX_SMS_MT_PUSH = 2, BOX_SMS_REPORT_MO = 3,
	BOX_SMS_REPORT_MT = 4 };
/* ack.nack */
enum { BOX_ACK_SUCCESS = 0, BOX_ACK_FAILED = 1, BOX_ACK_FAILED_TMP = 2, BOX_ACK_BUFFERED = 3 };
/* admin.command */
enum { BOX_CMD_SHUTDOWN = 0, BOX_CMD_SUSPEND = 1, BOX_CMD_RESUME = 2, BOX_CMD_IDENTIFY = 3,
	BOX_CMD_RESTART = 4 };

/* BOXMSG_MAX: the largest payload accepted from the wire. An MO is at most a
 * concatenated SMS (255 parts of 140 octets is the protocol's ceiling, 35.7
 * KB) plus its addresses, ids and meta-data; 64 KiB holds that with room,
 * and anything larger is a broken or hostile peer. */
#define BOXMSG_MAX 65536
#define BOXMSG_HEADER 4

/* A string field: len -1 is unset (Kannel's NULL), else p holds len bytes
 * (not terminated; may contain NUL). */
struct boxmsg_str {
	const char *p;
	int32_t len;
};

/*
 * The fields of each type in wire order: S an OCTSTR, I an INTEGER, U a
 * UUID (an OCTSTR on the wire). The codec, its tests and the conformance
 * test against Kannel's own msg_pack/msg_unpack all expand these lists.
 */
#define BOXMSG_HEARTBEAT_FIELDS(S, I, U) I(load)
#define BOXMSG_ADMIN_FIELDS(S, I, U) I(command) S(boxc_id)
#define BOXMSG_SMS_FIELDS(S, I, U) \
	S(sender) S(receiver) S(udhdata) S(msgdata) I(time) S(smsc_id) S(smsc_number) \
	S(foreign_id) S(service) S(account) U(id) I(sms_type) I(mclass) I(mwi) I(coding) \
	I(compress) I(validity) I(deferred) I(dlr_mask) S(dlr_url) I(pid) I(alt_dcs) I(rpi) \
	S(charset) S(boxc_id) S(binfo) I(msg_left) I(priority) I(resend_try) I(resend_time) \
	S(meta_data)
#define BOXMSG_ACK_FIELDS(S, I, U) I(nack) I(time) U(id)
#define BOXMSG_WDP_FIELDS(S, I, U) \
	S(source_address) I(source_port) S(destination_address) I(destination_port) S(user_data)

#define BOXMSG_DECL_S(name) struct boxmsg_str name;
#define BOXMSG_DECL_I(name) int32_t name;
struct boxmsg_heartbeat { BOXMSG_HEARTBEAT_FIELDS(BOXMSG_DECL_S, BOXMSG_DECL_I, BOXMSG_DECL_S) };
struct boxmsg_admin { BOXMSG_ADMIN_FIELDS(BOXMSG_DECL_S, BOXMSG_DECL_I, BOXMSG_DECL_S) };
struct boxmsg_sms { BOXMSG_SMS_FIELDS(BOXMSG_DECL_S, BOXMSG_DECL_I, BOXMSG_DECL_S) };
struct boxmsg_ack { BOXMSG_ACK_FIELDS(BOXMSG_DECL_S, BOXMSG_DECL_I, BOXMSG_DECL_S) };
struct boxmsg_wdp { BOXMSG_WDP_FIELDS(BOXMSG_DECL_S, BOXMSG_DECL_I, BOXMSG_DECL_S) };

struct boxmsg {
	enum boxmsg_type type;
	union {
		struct boxmsg_heartbeat heartbeat;
		struct boxmsg_admin admin;
		struct boxmsg_sms sms;
		struct boxmsg_ack ack;
		struct boxmsg_wdp wdp;
	} u;
};

/* boxmsg_init: a message of that type with every integer -1 and every
 * string unset, as Kannel's msg_create leaves them. */
void boxmsg_init(struct boxmsg *m, enum boxmsg_type type);

/* boxmsg_str_of: a C string as a field (NULL: unset). */
struct boxmsg_str boxmsg_str_of(const char *s);

/* boxmsg_str_eq: the field holds exactly the C string s. */
bool boxmsg_str_eq(struct boxmsg_str f, const char *s);

/* boxmsg_frame_len reads a frame's 4-byte header: 0 with the payload's
 * length in *len, or -1 (*len untouched) when the length is zero, negative
 * or over BOXMSG_MAX: the peer is then not to be trusted any further. */
int boxmsg_frame_len(const unsigned char hdr[BOXMSG_HEADER], size_t *len);

/* boxmsg_decode reads one payload (without its header). 0 and *out filled,
 * strings pointing into payload; -1 (*out untouched) for an unknown type, a
 * field cut short, a string length below -1 or past the end, or bytes left
 * over. Every length is checked against what is there before it is used. */
int boxmsg_decode(const unsigned char *payload, size_t len, struct boxmsg *out);

/* boxmsg_encode writes m as one frame, header included, into buf and
 * returns the frame's length. When that is more than cap, only the
 * length is computed (snprintf's rule): grow buf and call again. A string
 * longer than BOXMSG_MAX or a frame over it returns 0: nothing to send. */
size_t boxmsg_encode(const struct boxmsg *m, unsigned char *buf, size_t cap);

/* boxmsg_type_name: "heartbeat", "admin", "sms", "ack", "wdp_datagram" or
 * "unknown", for logs and metrics. */
const char *boxmsg_type_name(int type);

#endif
