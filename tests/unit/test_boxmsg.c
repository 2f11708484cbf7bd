/* The box protocol's codec, as bearerbox's bytes and a hostile peer's meet it. */
#include "tests/t.h"
#include "gateway/boxmsg.h"

#include <stdint.h>

/* an MO as bearerbox hands it to a box: sender, receiver, text, UUID */
static void
make_mo(struct boxmsg *m)
{
	boxmsg_init(m, BOXMSG_SMS);
	m->u.sms.sender = boxmsg_str_of("+84912345678");
	m->u.sms.receiver = boxmsg_str_of("8055");
	m->u.sms.msgdata = boxmsg_str_of("BAN NA 50KG 30000");
	m->u.sms.id = boxmsg_str_of("db5b005a-93f1-4f83-a020-ed01930aab28");
	m->u.sms.sms_type = BOX_SMS_MO;
	m->u.sms.coding = 0;
	m->u.sms.time = 1764576000;
	m->u.sms.smsc_id = boxmsg_str_of("");
	m->u.sms.meta_data = boxmsg_str_of("?smpp?ussd_service_op=%01&");
}

static size_t
encode(const struct boxmsg *m, unsigned char *buf, size_t cap)
{
	size_t n = boxmsg_encode(m, buf, cap);

	T_ASSERTF(n > 0 && n <= cap, "encode: %zu", n);
	return n;
}

static void
sms_round_trip(void)
{
	struct boxmsg m, d;
	unsigned char buf[1024];
	size_t n, len;

	make_mo(&m);
	n = encode(&m, buf, sizeof buf);
	T_ASSERT(boxmsg_frame_len(buf, &len) == 0 && len == n - BOXMSG_HEADER);
	T_ASSERT(boxmsg_decode(buf + 4, len, &d) == 0);
	T_ASSERT(d.type == BOXMSG_SMS);
	T_ASSERT(boxmsg_str_eq(d.u.sms.sender, "+84912345678"));
	T_ASSERT(boxmsg_str_eq(d.u.sms.msgdata, "BAN NA 50KG 30000"));
	T_ASSERT(boxmsg_str_eq(d.u.sms.id, "db5b005a-93f1-4f83-a020-ed01930aab28"));
	T_ASSERT(boxmsg_str_eq(d.u.sms.smsc_id, ""));	/* empty is not unset */
	T_ASSERT(d.u.sms.udhdata.len == -1 && d.u.sms.udhdata.p == NULL);
	T_ASSERT(d.u.sms.time == 1764576000 && d.u.sms.sms_type == 0);
	T_ASSERT(d.u.sms.mclass == -1 && d.u.sms.resend_time == -1);
	/* the layout Kannel 1.4.5 sends: type 2, then sender's length and bytes */
	T_ASSERT(memcmp(buf + 4, "\0\0\0\2\0\0\0\x0c+84912345678", 20) == 0);
}

static void
every_type_round_trips(void)
{
	struct boxmsg m, d;
	unsigned char buf[256];
	size_t n;

	boxmsg_init(&m, BOXMSG_ADMIN);
	m.u.admin.command = BOX_CMD_IDENTIFY;
	m.u.admin.boxc_id = boxmsg_str_of("langso");
	n = encode(&m, buf, sizeof buf);
	T_ASSERT(n == 4 + 4 + 4 + 4 + 6);
	T_ASSERT(boxmsg_decode(buf + 4, n - 4, &d) == 0 && d.type == BOXMSG_ADMIN);
	T_ASSERT(d.u.admin.command == 3 && boxmsg_str_eq(d.u.admin.boxc_id, "langso"));

	boxmsg_init(&m, BOXMSG_HEARTBEAT);
	m.u.heartbeat.load = 0;
	n = encode(&m, buf, sizeof buf);
	T_ASSERT(n == 12 && boxmsg_decode(buf + 4, n - 4, &d) == 0 && d.u.heartbeat.load == 0);

	boxmsg_init(&m, BOXMSG_ACK);
	m.u.ack.nack = BOX_ACK_FAILED_TMP;
	m.u.ack.time = INT32_MIN;
	m.u.ack.id = boxmsg_str_of("00000000-0000-0000-0000-000000000001");
	n = encode(&m, buf, sizeof buf);
	T_ASSERT(boxmsg_decode(buf + 4, n - 4, &d) == 0 && d.type == BOXMSG_ACK);
	T_ASSERT(d.u.ack.nack == 2 && d.u.ack.time == INT32_MIN);
	T_ASSERT(boxmsg_str_eq(d.u.ack.id, "00000000-0000-0000-0000-000000000001"));

	boxmsg_init(&m, BOXMSG_WDP);
	m.u.wdp.source_port = INT32_MAX;
	m.u.wdp.user_data = (struct boxmsg_str){"a\0b", 3};
	n = encode(&m, buf, sizeof buf);
	T_ASSERT(boxmsg_decode(buf + 4, n - 4, &d) == 0 && d.type == BOXMSG_WDP);
	T_ASSERT(d.u.wdp.source_port == INT32_MAX && d.u.wdp.user_data.len == 3);
	T_ASSERT(memcmp(d.u.wdp.user_data.p, "a\0b", 3) == 0);
}

/* encode_sizes_like_snprintf: a short buffer gets the length needed and
 * is not written past. */
static void
encode_sizes_like_snprintf(void)
{
	struct boxmsg m;
	unsigned char buf[1024];
	size_t need;

	make_mo(&m);
	memset(buf, 0xAA, sizeof buf);
	need = boxmsg_encode(&m, buf, 10);
	T_ASSERT(need > 10);
	for (size_t i = 0; i < sizeof buf; i++)
		T_ASSERT(buf[i] == 0xAA);
	T_ASSERT(boxmsg_encode(&m, buf, need) == need);
}

/* hostile_frames_are_refused: every cut of a valid payload, lengths that
 * point past the end or below -1, an unknown type, bytes left over and
 * frame headers out of bounds: -1, and the output untouched. */
static void
hostile_frames_are_refused(void)
{
	struct boxmsg m, d, before;
	unsigned char buf[1024], bad[1024];
	size_t n, len;

	make_mo(&m);
	n = encode(&m, buf, sizeof buf);
	memset(&d, 0x5A, sizeof d);
	before = d;
	for (size_t cut = 0; cut < n - 4; cut++)
		T_ASSERTF(boxmsg_decode(buf + 4, cut, &d) == -1, "cut at %zu accepted", cut);
	T_ASSERT(memcmp(&d, &before, sizeof d) == 0);
	/* bytes left over */
	memcpy(bad, buf, n);
	bad[n] = 0;
	T_ASSERT(boxmsg_decode(bad + 4, n - 4 + 1, &d) == -1);
	/* the sender's length: past the end, huge, negative */
	static const unsigned char lens[][4] = {
		{0, 0, 4, 0}, {0x7f, 0xff, 0xff, 0xff}, {0xff, 0xff, 0xff, 0xfe}, {0x80, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		memcpy(bad, buf, n);
		memcpy(bad + 8, lens[i], 4);
		T_ASSERTF(boxmsg_decode(bad + 4, n - 4, &d) == -1, "length %zu accepted", i);
	}
	/* unknown types */
	memcpy(bad, buf, n);
	bad[7] = 5;
	T_ASSERT(boxmsg_decode(bad + 4, n - 4, &d) == -1);
	bad[4] = 0xff;
	T_ASSERT(boxmsg_decode(bad + 4, n - 4, &d) == -1);
	T_ASSERT(memcmp(&d, &before, sizeof d) == 0);
	/* frame headers */
	len = 7;
	T_ASSERT(boxmsg_frame_len((const unsigned char *)"\0\0\0\0", &len) == -1 && len == 7);
	T_ASSERT(boxmsg_frame_len((const unsigned char *)"\xff\xff\xff\xff", &len) == -1);
	T_ASSERT(boxmsg_frame_len((const unsigned char *)"\0\1\0\1", &len) == -1);	/* 65537 */
	T_ASSERT(boxmsg_frame_len((const unsigned char *)"\0\1\0\0", &len) == 0 && len == 65536);
	/* a string too long to send is refused, not truncated */
	static char big[BOXMSG_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	m.u.sms.msgdata = boxmsg_str_of(big);
	T_ASSERT(boxmsg_encode(&m, buf, sizeof buf) == 0);
	m.u.sms.msgdata = (struct boxmsg_str){big, BOXMSG_MAX - 100};
	T_ASSERT(boxmsg_encode(&m, buf, sizeof buf) == 0);	/* the frame is over */
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"sms_round_trip", sms_round_trip},
		{"every_type_round_trips", every_type_round_trips},
		{"encode_sizes_like_snprintf", encode_sizes_like_snprintf},
		{"hostile_frames_are_refused", hostile_frames_are_refused},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
