/*
 * boxmsg.c - the box protocol's codec: one table of fields per message
 * type, expanded from the lists in boxmsg.h, walked by one reader and one
 * writer, so the layout is written down once.
 */
#include "gateway/boxmsg.h"

#include <string.h>

enum field_kind { FIELD_INT, FIELD_STR };

struct field {
	enum field_kind kind;
	size_t off;		/* within the type's struct (the union member) */
};

#define F_S(name) {FIELD_STR, offsetof(FIELDS_OF, name)},
#define F_I(name) {FIELD_INT, offsetof(FIELDS_OF, name)},

#define FIELDS_OF struct boxmsg_heartbeat
static const struct field heartbeat_fields[] = {BOXMSG_HEARTBEAT_FIELDS(F_S, F_I, F_S)};
#undef FIELDS_OF
#define FIELDS_OF struct boxmsg_admin
static const struct field admin_fields[] = {BOXMSG_ADMIN_FIELDS(F_S, F_I, F_S)};
#undef FIELDS_OF
#define FIELDS_OF struct boxmsg_sms
static const struct field sms_fields[] = {BOXMSG_SMS_FIELDS(F_S, F_I, F_S)};
#undef FIELDS_OF
#define FIELDS_OF struct boxmsg_ack
static const struct field ack_fields[] = {BOXMSG_ACK_FIELDS(F_S, F_I, F_S)};
#undef FIELDS_OF
#define FIELDS_OF struct boxmsg_wdp
static const struct field wdp_fields[] = {BOXMSG_WDP_FIELDS(F_S, F_I, F_S)};
#undef FIELDS_OF

#define N(a) (sizeof (a) / sizeof (a)[0])

static const struct layout {
	const char *name;
	const struct field *fields;
	size_t n;
} layouts[BOXMSG_NTYPES] = {
	[BOXMSG_HEARTBEAT] = {"heartbeat", heartbeat_fields, N(heartbeat_fields)},
	[BOXMSG_ADMIN] = {"admin", admin_fields, N(admin_fields)},
	[BOXMSG_SMS] = {"sms", sms_fields, N(sms_fields)},
	[BOXMSG_ACK] = {"ack", ack_fields, N(ack_fields)},
	[BOXMSG_WDP] = {"wdp_datagram", wdp_fields, N(wdp_fields)},
};

const char *
boxmsg_type_name(int type)
{
	return type >= 0 && type < BOXMSG_NTYPES ? layouts[type].name : "unknown";
}

void
boxmsg_init(struct boxmsg *m, enum boxmsg_type type)
{
	const struct layout *l = &layouts[type];
	char *base = (char *)&m->u;

	memset(m, 0, sizeof *m);
	m->type = type;
	for (size_t i = 0; i < l->n; i++) {
		if (l->fields[i].kind == FIELD_INT)
			*(int32_t *)(void *)(base + l->fields[i].off) = -1;
		else
			((struct boxmsg_str *)(void *)(base + l->fields[i].off))->len = -1;
	}
}

struct boxmsg_str
boxmsg_str_of(const char *s)
{
	struct boxmsg_str f = {s, -1};
	size_t n;

	if (s == NULL)
		return f;
	n = strlen(s);
	f.len = n > BOXMSG_MAX ? BOXMSG_MAX + 1 : (int32_t)n;	/* encode refuses it */
	return f;
}

bool
boxmsg_str_eq(struct boxmsg_str f, const char *s)
{
	if (f.len < 0 || s == NULL)
		return f.len < 0 && s == NULL;
	return strlen(s) == (size_t)f.len && memcmp(f.p, s, (size_t)f.len) == 0;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* as_int32: the two's-complement reading of 4 wire bytes, without relying
 * on an implementation-defined conversion. */
static int32_t
as_int32(uint32_t v)
{
	return v <= INT32_MAX ? (int32_t)v : -(int32_t)(~v) - 1;
}

int
boxmsg_frame_len(const unsigned char hdr[BOXMSG_HEADER], size_t *len)
{
	int32_t n = as_int32(get32(hdr));

	if (n <= 0 || n > BOXMSG_MAX)
		return -1;
	*len = (size_t)n;
	return 0;
}

int
boxmsg_decode(const unsigned char *payload, size_t len, struct boxmsg *out)
{
	struct boxmsg m;
	const struct layout *l;
	size_t pos = 4;
	int32_t type;
	char *base;

	if (len < 4 || len > BOXMSG_MAX)
		return -1;
	type = as_int32(get32(payload));
	if (type < 0 || type >= BOXMSG_NTYPES)
		return -1;
	memset(&m, 0, sizeof m);
	m.type = (enum boxmsg_type)type;
	l = &layouts[type];
	base = (char *)&m.u;
	for (size_t i = 0; i < l->n; i++) {
		int32_t v;

		if (len - pos < 4)
			return -1;
		v = as_int32(get32(payload + pos));
		pos += 4;
		if (l->fields[i].kind == FIELD_INT) {
			*(int32_t *)(void *)(base + l->fields[i].off) = v;
			continue;
		}
		if (v < -1 || (v > 0 && (size_t)v > len - pos))
			return -1;
		struct boxmsg_str *f = (struct boxmsg_str *)(void *)(base + l->fields[i].off);

		f->len = v;
		f->p = v >= 0 ? (const char *)payload + pos : NULL;
		if (v > 0)
			pos += (size_t)v;
	}
	if (pos != len)
		return -1;
	*out = m;
	return 0;
}

size_t
boxmsg_encode(const struct boxmsg *m, unsigned char *buf, size_t cap)
{
	const struct layout *l;
	const char *base = (const char *)&m->u;
	size_t need = BOXMSG_HEADER + 4;

	if ((int)m->type < 0 || m->type >= BOXMSG_NTYPES)
		return 0;
	l = &layouts[m->type];
	for (size_t i = 0; i < l->n; i++) {
		need += 4;
		if (l->fields[i].kind == FIELD_STR) {
			const struct boxmsg_str *f = (const void *)(base + l->fields[i].off);

			if (f->len > BOXMSG_MAX)
				return 0;
			if (f->len > 0)
				need += (size_t)f->len;
		}
	}
	if (need - BOXMSG_HEADER > BOXMSG_MAX)
		return 0;
	if (need > cap)
		return need;
	put32(buf, (uint32_t)(need - BOXMSG_HEADER));
	put32(buf + 4, (uint32_t)m->type);
	unsigned char *p = buf + 8;

	for (size_t i = 0; i < l->n; i++) {
		if (l->fields[i].kind == FIELD_INT) {
			put32(p, (uint32_t)*(const int32_t *)(const void *)(base + l->fields[i].off));
			p += 4;
			continue;
		}
		const struct boxmsg_str *f = (const void *)(base + l->fields[i].off);
		int32_t n = f->len < 0 ? -1 : f->len;

		put32(p, (uint32_t)n);
		p += 4;
		if (n > 0) {
			memcpy(p, f->p, (size_t)n);
			p += n;
		}
	}
	return need;
}
