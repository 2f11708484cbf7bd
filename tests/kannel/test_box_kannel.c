/*
 * Conformance of langso's box codec with Kannel's own: every message type
 * langso speaks is encoded by gateway/boxmsg.c and read by Kannel 1.4.5's
 * msg_unpack (libgw.a from kannel-dev), packed again by Kannel's msg_pack
 * and read back by boxmsg_decode, field by field and byte for byte. Built
 * only where kannel-dev is installed (elsewhere the runner skips it, 77).
 */
#include "gwlib/gwlib.h"
#include "gw/msg.h"

#include "tests/t.h"
#include "gateway/boxmsg.h"

#include <stdint.h>

static const char *const uuid_a = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

/* fill: every field of m set to a value of its own, so a field read into
 * its neighbour shows: integers count up from a negative start, strings
 * carry their field's name, binary bytes included. */
#define FILL_I(name) f->name = k; k += 1000003;
#define FILL_S(name) f->name = boxmsg_str_of("\x01" #name "\0tail" + (k++ & 1));
#define FILL_U(name) f->name = boxmsg_str_of(uuid_a);

#define CMP_I(name) T_ASSERTF((int32_t)km->name == f->name, #name ": Kannel read %ld, sent %d", \
	km->name, (int)f->name);
#define CMP_S(name) cmp_str(km->name, f->name, #name);
#define CMP_U(name) cmp_uuid(km->name, f->name, #name);

static void
cmp_str(Octstr *k, struct boxmsg_str mine, const char *name)
{
	if (mine.len < 0) {
		T_ASSERTF(k == NULL, "%s: Kannel read a string, sent NULL", name);
		return;
	}
	T_ASSERTF(k != NULL, "%s: Kannel read NULL", name);
	T_ASSERTF(octstr_len(k) == mine.len && memcmp(octstr_get_cstr(k), mine.p,
	    (size_t)mine.len) == 0, "%s: Kannel read \"%s\"", name, octstr_get_cstr(k));
}

static void
cmp_uuid(uuid_t k, struct boxmsg_str mine, const char *name)
{
	char text[UUID_STR_LEN + 1];

	uuid_unparse(k, text);
	T_ASSERTF(mine.len == 36 && memcmp(text, mine.p, 36) == 0, "%s: Kannel read %s", name, text);
}

/* round_trip: mine -> Kannel's unpack -> Kannel's pack -> mine, with the
 * bytes Kannel packs identical to what langso sent. */
static Msg *
round_trip(const struct boxmsg *m, struct boxmsg *back, unsigned char *buf, size_t cap)
{
	size_t n = boxmsg_encode(m, buf, cap);
	Octstr *os, *again;
	Msg *km;

	T_ASSERT(n > BOXMSG_HEADER && n <= cap);
	os = octstr_create_from_data((char *)buf + BOXMSG_HEADER, (long)(n - BOXMSG_HEADER));
	km = msg_unpack(os);
	T_ASSERTF(km != NULL, "Kannel's msg_unpack refused langso's %s", boxmsg_type_name(m->type));
	T_ASSERT((int)msg_type(km) == (int)m->type);
	again = msg_pack(km);
	T_ASSERTF(octstr_len(again) == (long)(n - BOXMSG_HEADER) &&
	    memcmp(octstr_get_cstr(again), buf + BOXMSG_HEADER, n - BOXMSG_HEADER) == 0,
	    "Kannel packs %s differently (%ld bytes, langso %zu)", boxmsg_type_name(m->type),
	    octstr_len(again), n - BOXMSG_HEADER);
	/* decode Kannel's own bytes (they equal buf's, but read them from Kannel) */
	memcpy(buf + BOXMSG_HEADER, octstr_get_cstr(again), n - BOXMSG_HEADER);
	T_ASSERT(boxmsg_decode(buf + BOXMSG_HEADER, n - BOXMSG_HEADER, back) == 0);
	octstr_destroy(os);
	octstr_destroy(again);
	return km;
}

static unsigned char buf[BOXMSG_MAX + BOXMSG_HEADER];

static void
sms_conforms(void)
{
	struct boxmsg m, d;
	struct boxmsg_sms *f = &m.u.sms;
	int32_t k = -5;
	Msg *kmsg;

	boxmsg_init(&m, BOXMSG_SMS);
	BOXMSG_SMS_FIELDS(FILL_S, FILL_I, FILL_U)
	f->msgdata = boxmsg_str_of("Sáng mai 7h họp thôn");
	kmsg = round_trip(&m, &d, buf, sizeof buf);
	{
		struct sms *km = &kmsg->sms;

		BOXMSG_SMS_FIELDS(CMP_S, CMP_I, CMP_U)
	}
	f = &d.u.sms;
	{
		struct sms *km = &kmsg->sms;

		BOXMSG_SMS_FIELDS(CMP_S, CMP_I, CMP_U)
	}
	msg_destroy(kmsg);
}

/* sms_unset_fields_conform: the MO as bearerbox really sends it, most
 * fields unset (-1, NULL), made by Kannel's msg_create and read by langso. */
static void
sms_unset_fields_conform(void)
{
	Msg *km = msg_create(sms);
	Octstr *os;
	struct boxmsg d;
	char id[UUID_STR_LEN + 1];

	km->sms.sender = octstr_create("+84912345678");
	km->sms.receiver = octstr_create("8055");
	km->sms.msgdata = octstr_create("DK LD02 Hoàng Văn Châu");
	km->sms.sms_type = mo;
	km->sms.coding = 1;	/* DC_8BIT */
	os = msg_pack(km);
	T_ASSERT(boxmsg_decode((const unsigned char *)octstr_get_cstr(os), (size_t)octstr_len(os),
	    &d) == 0);
	T_ASSERT(d.type == BOXMSG_SMS && d.u.sms.sms_type == BOX_SMS_MO);
	T_ASSERT(boxmsg_str_eq(d.u.sms.msgdata, "DK LD02 Hoàng Văn Châu"));
	T_ASSERT(d.u.sms.udhdata.len == -1 && d.u.sms.meta_data.len == -1);
	T_ASSERT(d.u.sms.coding == 1 && d.u.sms.dlr_mask == (int32_t)km->sms.dlr_mask);
	uuid_unparse(km->sms.id, id);
	T_ASSERT(d.u.sms.id.len == 36 && memcmp(d.u.sms.id.p, id, 36) == 0);
	/* and langso writes the same bytes back */
	T_ASSERT(boxmsg_encode(&d, buf, sizeof buf) == (size_t)octstr_len(os) + BOXMSG_HEADER);
	T_ASSERT(memcmp(buf + BOXMSG_HEADER, octstr_get_cstr(os), (size_t)octstr_len(os)) == 0);
	octstr_destroy(os);
	msg_destroy(km);
}

static void
admin_heartbeat_ack_wdp_conform(void)
{
	struct boxmsg m, d;
	Msg *kmsg;
	int32_t k = -3;

	boxmsg_init(&m, BOXMSG_ADMIN);
	{
		struct boxmsg_admin *f = &m.u.admin;

		BOXMSG_ADMIN_FIELDS(FILL_S, FILL_I, FILL_U)
		f->command = BOX_CMD_IDENTIFY;
		kmsg = round_trip(&m, &d, buf, sizeof buf);
		struct admin *km = &kmsg->admin;

		T_ASSERT(km->command == cmd_identify);
		BOXMSG_ADMIN_FIELDS(CMP_S, CMP_I, CMP_U)
		msg_destroy(kmsg);
	}
	boxmsg_init(&m, BOXMSG_HEARTBEAT);
	{
		struct boxmsg_heartbeat *f = &m.u.heartbeat;

		BOXMSG_HEARTBEAT_FIELDS(FILL_S, FILL_I, FILL_U)
		kmsg = round_trip(&m, &d, buf, sizeof buf);
		struct heartbeat *km = &kmsg->heartbeat;

		BOXMSG_HEARTBEAT_FIELDS(CMP_S, CMP_I, CMP_U)
		msg_destroy(kmsg);
	}
	boxmsg_init(&m, BOXMSG_ACK);
	{
		struct boxmsg_ack *f = &m.u.ack;

		BOXMSG_ACK_FIELDS(FILL_S, FILL_I, FILL_U)
		f->nack = BOX_ACK_FAILED_TMP;
		kmsg = round_trip(&m, &d, buf, sizeof buf);
		struct ack *km = &kmsg->ack;

		T_ASSERT(km->nack == ack_failed_tmp);
		BOXMSG_ACK_FIELDS(CMP_S, CMP_I, CMP_U)
		msg_destroy(kmsg);
	}
	boxmsg_init(&m, BOXMSG_WDP);
	{
		struct boxmsg_wdp *f = &m.u.wdp;

		BOXMSG_WDP_FIELDS(FILL_S, FILL_I, FILL_U)
		kmsg = round_trip(&m, &d, buf, sizeof buf);
		struct wdp_datagram *km = &kmsg->wdp_datagram;

		BOXMSG_WDP_FIELDS(CMP_S, CMP_I, CMP_U)
		msg_destroy(kmsg);
	}
	/* the enums langso names agree with Kannel's */
	T_ASSERT((int)BOX_SMS_MT_REPLY == (int)mt_reply && (int)BOX_SMS_MT_PUSH == (int)mt_push);
	T_ASSERT((int)BOX_SMS_REPORT_MO == (int)report_mo && (int)BOX_ACK_BUFFERED == (int)ack_buffered);
	T_ASSERT((int)BOXMSG_WDP == (int)wdp_datagram && BOXMSG_NTYPES == (int)msg_type_count);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"sms_conforms", sms_conforms},
		{"sms_unset_fields_conform", sms_unset_fields_conform},
		{"admin_heartbeat_ack_wdp_conform", admin_heartbeat_ack_wdp_conform},
		{NULL, NULL},
	};
	int rc;

	gwlib_init();
	log_set_output_level(GW_WARNING);
	rc = t_main(argc, argv, cases);
	gwlib_shutdown();
	return rc;
}
