/*
 * broadcast.c - TB and BC: a village head reaches every household of the
 * village, a commune official every village of the commune (or one), in one
 * transaction that puts one outbox row per recipient; quiet hours hold a
 * non-urgent notice until morning; BC reports what the DLRs said.
 */
#include "actions/actions_int.h"
#include "actions/notice_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct target {
	char village_code[8];		/* one village, or */
	char commune_of[8];		/* every village of this one's commune */
	char label[200];		/* "thôn Lăng Đồn" / "xã Chi Lăng" */
	char prefix_name[300];		/* what goes in [TB ...]: two names of < 128 bytes */
};

/* choose_target applies the roles: returns 1 with *t filled, 0 when the
 * reply already explains a refusal, -1 on a database error. */
static int
choose_target(struct actions *a, const struct person *p, const struct command *c,
    struct target *t, struct act_reply *r)
{
	struct village own, tv;
	int rc = store_village_by_code(a->s, p->village_code, &own);

	if (rc != STORE_OK)
		return rc == STORE_ERR ? -1 : (rpl_tb_no_village(RPL_TO(r)), 0);
	memset(t, 0, sizeof *t);
	if (strcmp(p->role, "head") == 0) {
		if (c->village[0] != '\0' && strcmp(c->village, own.code) != 0) {
			rpl_tb_head_other(RPL_TO(r), own.name, own.code);
			return 0;
		}
		tv = own;
	} else if (c->village[0] != '\0') {
		rc = store_village_by_code(a->s, c->village, &tv);
		if (rc == STORE_ERR)
			return -1;
		if (rc == STORE_NONE) {
			rpl_tb_unknown_village(RPL_TO(r), c->village);
			return 0;
		}
		if (strcmp(tv.commune, own.commune) != 0) {
			rpl_tb_other_commune(RPL_TO(r), tv.code, tv.commune, own.commune);
			return 0;
		}
	} else {
		snprintf(t->commune_of, sizeof t->commune_of, "%s", own.code);
		rpl_tb_label_commune(t->label, sizeof t->label, own.commune);
		rpl_tb_label_commune(t->prefix_name, sizeof t->prefix_name, own.commune);
		return 1;
	}
	snprintf(t->village_code, sizeof t->village_code, "%s", tv.code);
	rpl_tb_label_village(t->label, sizeof t->label, tv.name);
	/* an official's notice to one village says it comes from the commune,
	 * not from the village's own head */
	if (strcmp(p->role, "head") == 0)
		snprintf(t->prefix_name, sizeof t->prefix_name, "%s", tv.name);
	else
		rpl_tb_from_commune(t->prefix_name, sizeof t->prefix_name, own.commune, tv.name);
	return 1;
}

/* compose writes "[TB <name>] <text>" as the phones will get it, with
 * "[KHAN]" in front of an urgent notice (it may wake people at night: they
 * must see at once why). Returns the prefix's length in units of the final
 * coding through *prefix_units. */
static void
compose(const struct actions *a, const struct target *t, bool urgent, const char *text,
    char *out, size_t outlen, size_t *prefix_units)
{
	char prefix[sizeof t->prefix_name + 16];

	if (urgent)
		rpl_tb_prefix_urgent(prefix, sizeof prefix, t->prefix_name);
	else
		rpl_tb_prefix(prefix, sizeof prefix, t->prefix_name);
	snprintf(out, outlen, "%s%s", prefix, text);
	if (!a->conf.reply_diacritics) {
		/* like replies: plain letters keep a notice in GSM-7, 160 a part */
		char *plain = xmalloc(outlen);

		if (text_strip_diacritics(out, plain, outlen) == 0)
			snprintf(out, outlen, "%s", plain);
		if (text_strip_diacritics(prefix, plain, sizeof prefix) == 0)
			snprintf(prefix, sizeof prefix, "%s", plain);
		free(plain);
	}
	*prefix_units = sms_length(prefix, sms_coding_of(out));
}

static void
hhmm(long long when, char *out, size_t outlen)
{
	time_t t = (time_t)when;
	struct tm tm;

	localtime_r(&t, &tm);
	snprintf(out, outlen, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/*
 * queue_notice is a notice's one path to the phones, for a TB by SMS and
 * for one composed in the web console alike: the text as the phones get it
 * (prefix, diacritics as configured), its length against max_segments,
 * quiet hours unless urgent, one outbox row per recipient. With dry_run it
 * only fills *o (text, coding, parts, lengths, send_at).
 */
static int
queue_notice(struct actions *a, const struct target *t, const struct broadcast_new *from,
    bool urgent, const char *text, bool dry_run, struct act_notice *o)
{
	struct broadcast_new b;
	size_t prefix_units, len, max;
	long long now = act_now(a);
	enum sms_coding coding;
	int rc;

	memset(o, 0, sizeof *o);
	compose(a, t, urgent, text, o->text, sizeof o->text, &prefix_units);
	coding = sms_coding_of(o->text);
	len = sms_length(o->text, coding);
	max = sms_max_length(a->conf.max_segments, coding);
	o->coding = (int)coding;
	o->parts = sms_segments(o->text);
	o->chars = len - prefix_units;
	o->max_chars = max - prefix_units;
	o->too_long = len > max;
	o->send_at = urgent ? now : act_next_allowed(a, a->conf.broadcast_start_min,
	    a->conf.broadcast_end_min);
	snprintf(o->label, sizeof o->label, "%s", t->label);
	if (o->too_long || dry_run)
		return 0;
	b = *from;
	snprintf(b.village_code, sizeof b.village_code, "%s", t->village_code);
	snprintf(b.commune_of, sizeof b.commune_of, "%s", t->commune_of);
	b.text = o->text;
	b.coding = (int)coding;
	b.urgent = urgent;
	b.send_at = o->send_at;
	rc = store_broadcast_create(a->s, &b, &o->id, &o->recipients);
	/* an urgent notice leaves nobody out; an ordinary one, NGUNG phones */
	if (rc == STORE_OK && !b.urgent)
		rc = store_broadcast_opted_out(a->s, &b, &o->opted_out);
	return rc == STORE_OK ? 0 : -1;
}

int
act_broadcast(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct person p;
	struct target t;
	struct broadcast_new from;
	struct act_notice *o;
	long long now = act_now(a);
	int rc = store_person_by_phone(a->s, m->phone, &p);
	char out_note[48] = "";

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE || strcmp(p.role, "household") == 0) {
		rpl_tb_not_allowed(RPL_TO(r));
		return 0;
	}
	if ((rc = choose_target(a, &p, c, &t, r)) <= 0)
		return rc;
	memset(&from, 0, sizeof from);
	from.sender_id = p.id;
	o = xmalloc(sizeof *o);
	if (queue_notice(a, &t, &from, c->urgent, c->text, false, o) < 0) {
		free(o);
		return -1;
	}
	if (o->too_long) {
		if (o->coding == SMS_UCS2)
			rpl_tb_too_long_ucs2(RPL_TO(r), o->max_chars, o->chars);
		else
			rpl_tb_too_long(RPL_TO(r), o->max_chars, o->chars);
		free(o);
		return 0;
	}
	if (o->opted_out > 0)
		rpl_tb_opted_out_note(out_note, sizeof out_note, o->opted_out);
	if (o->recipients == 0) {
		if (o->opted_out > 0)
			rpl_tb_nobody_opted_out(RPL_TO(r), t.label, o->opted_out);
		else
			rpl_tb_nobody(RPL_TO(r), t.label);
	} else if (o->send_at > now) {
		char at[8];

		r->queued += (int)o->recipients;
		hhmm(o->send_at, at, sizeof at);
		rpl_tb_later(RPL_TO(r), o->id, o->recipients, t.label, out_note, at);
	} else {
		r->queued += (int)o->recipients;
		rpl_tb_sent(RPL_TO(r), o->id, o->recipients, t.label, out_note);
	}
	free(o);
	return 0;
}

/*
 * act_console_notice: a notice composed in the web console by a console
 * user, to one village (village_code) or to a whole commune (commune_id,
 * village_code ""), through queue_notice like a TB from an official of
 * that commune. The caller checked the user may write to that commune and
 * holds the transaction.
 */
int
act_console_notice(struct actions *a, const struct act_console_notice_req *q,
    struct act_notice *o)
{
	struct target t;
	struct village v;
	struct broadcast_new from;
	int rc = store_village_by_code(a->s, q->village_code, &v);

	if (rc != STORE_OK)
		return rc == STORE_ERR ? -1 : 1;
	memset(&t, 0, sizeof t);
	if (q->whole_commune) {
		snprintf(t.commune_of, sizeof t.commune_of, "%s", v.code);
		snprintf(t.label, sizeof t.label, "xã %s", v.commune);
		snprintf(t.prefix_name, sizeof t.prefix_name, "xã %s", v.commune);
	} else {
		snprintf(t.village_code, sizeof t.village_code, "%s", v.code);
		snprintf(t.label, sizeof t.label, "thôn %s", v.name);
		snprintf(t.prefix_name, sizeof t.prefix_name, "xã %s > %s", v.commune, v.name);
	}
	memset(&from, 0, sizeof from);
	from.console_user_id = q->user_id;
	from.sender_login = q->login;
	return queue_notice(a, &t, &from, q->urgent, q->text, q->dry_run, o);
}

/* How many not-yet-reached recipients BC looks up to name: more than any
 * reply of max_segments (at most 10 parts) can list at ~12 characters each
 * would be wasted; the rest is counted. */
#define UNREACHED_MAX 128

/* name_unreached appends to r " Chưa nhận: A, B và N hộ khác" with as many
 * names as fit in the reply (names, else masked numbers). */
static int
name_unreached(struct actions *a, const struct broadcast_report *b, struct act_reply *r)
{
	struct broadcast_recipient *who;
	long long left = b->recipients - b->delivered;
	char *text;
	size_t base = strlen(r->text), len;
	int n = 0, named = 0, rc = 0;

	if (left <= 0)
		return 0;
	who = xmalloc(UNREACHED_MAX * sizeof *who);
	text = xmalloc(ACT_REPLY_MAX);
	if (store_broadcast_unreached(a->s, b->id, UNREACHED_MAX, who, &n) != STORE_OK) {
		rc = -1;
		goto out;
	}
	memcpy(text, r->text, base + 1);
	len = base;
	for (int i = 0; i < n; i++) {
		char masked[24], item[200], rest[48] = "", try[ACT_REPLY_MAX];
		const char *name = who[i].name;
		int w;

		if (name[0] == '\0') {
			phone_mask(who[i].phone, masked, sizeof masked);
			name = masked;
		}
		if (i)
			rpl_bc_unreached_next(item, sizeof item, name);
		else
			rpl_bc_unreached_first(item, sizeof item, name);
		if (left - i - 1 > 0)
			rpl_bc_unreached_rest(rest, sizeof rest, left - i - 1);
		/* the reply with this name and the count of the rest must fit */
		w = snprintf(try, sizeof try, "%s%s%s", text, item, rest);
		if (w < 0 || (size_t)w >= sizeof try || !mk_fits(a, try))
			break;
		len += (size_t)snprintf(text + len, ACT_REPLY_MAX - len, "%s", item);
		named++;
	}
	if (named == 0)
		rpl_bc_unreached_count(text + len, ACT_REPLY_MAX - len, left);
	else if (left > named)
		rpl_bc_unreached_rest(text + len, ACT_REPLY_MAX - len, left - named);
	/* every step above was checked to fit, so nothing is cut here */
	str_copy(r->text, sizeof r->text, text);
out:
	free(text);
	free(who);
	return rc;
}

int
act_report(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct broadcast_report *b;
	struct person p;
	long long id = c->broadcast;
	int rc = store_person_by_phone(a->s, m->phone, &p);

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE)
		p.id = 0;
	if (id == 0) {			/* BC alone: the sender's last notice */
		rc = p.id ? store_broadcast_last(a->s, p.id, &id) : STORE_NONE;
		if (rc == STORE_ERR)
			return -1;
		if (rc == STORE_NONE) {
			rpl_bc_none_sent(RPL_TO(r));
			return 0;
		}
	}
	b = xmalloc(sizeof *b);
	rc = store_broadcast_report(a->s, id, b);
	if (rc == STORE_ERR) {
		free(b);
		return -1;
	}
	if (rc == STORE_NONE || p.id == 0 || b->sender_id != p.id) {
		/* the same answer whether it exists or not: numbers are short and
		 * guessable, and a notice's figures are its sender's */
		rpl_bc_not_yours(RPL_TO(r), id);
	} else if (b->send_at > act_now(a)) {
		char at[8];

		hhmm(b->send_at, at, sizeof at);
		rpl_bc_waiting(RPL_TO(r), b->id, b->recipients, at);
	} else {
		rpl_bc_report(RPL_TO(r), b->id, b->recipients, b->sent, b->delivered, b->waiting,
		    b->failed);
		rc = name_unreached(a, b, r);
	}
	free(b);
	return rc < 0 ? -1 : 0;
}
