/*
 * broadcast.c - TB and BC: a village head reaches every household of the
 * village, a commune official every village of the commune (or one), in one
 * transaction that puts one outbox row per recipient; quiet hours hold a
 * non-urgent notice until morning; BC reports what the DLRs said.
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A notice's whole text: the prefix (under 320 bytes: "[KHAN][TB xã <commune>
 * > <village>] ", names under 128 bytes) plus what the sender typed, which is
 * at most one concatenated SMS (see CMD_TEXT_MAX): nothing is ever cut. */
#define NOTICE_MAX (CMD_TEXT_MAX + 512)

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

int
act_broadcast(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct person p;
	struct target t;
	struct broadcast_new b;
	char *notice;
	size_t prefix_units, len, max;
	long long id = 0, n = 0, opted_out = 0, now = act_now(a);
	int rc = store_person_by_phone(a->s, m->phone, &p);
	enum sms_coding coding;
	char out_note[48] = "";

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE || strcmp(p.role, "household") == 0) {
		rpl_tb_not_allowed(RPL_TO(r));
		return 0;
	}
	if ((rc = choose_target(a, &p, c, &t, r)) <= 0)
		return rc;
	notice = xmalloc(NOTICE_MAX);
	compose(a, &t, c->urgent, c->text, notice, NOTICE_MAX, &prefix_units);
	coding = sms_coding_of(notice);
	len = sms_length(notice, coding);
	max = sms_max_length(a->conf.max_segments, coding);
	if (len > max) {
		if (coding == SMS_UCS2)
			rpl_tb_too_long_ucs2(RPL_TO(r), max - prefix_units, len - prefix_units);
		else
			rpl_tb_too_long(RPL_TO(r), max - prefix_units, len - prefix_units);
		free(notice);
		return 0;
	}
	memset(&b, 0, sizeof b);
	b.sender_id = p.id;
	snprintf(b.village_code, sizeof b.village_code, "%s", t.village_code);
	snprintf(b.commune_of, sizeof b.commune_of, "%s", t.commune_of);
	b.text = notice;
	b.coding = (int)coding;
	b.urgent = c->urgent;
	b.send_at = c->urgent ? now : act_next_allowed(a, a->conf.broadcast_start_min,
	    a->conf.broadcast_end_min);
	rc = store_broadcast_create(a->s, &b, &id, &n);
	free(notice);
	/* an urgent notice leaves nobody out; an ordinary one, NGUNG phones */
	if (rc == STORE_OK && !b.urgent)
		rc = store_broadcast_opted_out(a->s, &b, &opted_out);
	if (rc != STORE_OK)
		return -1;
	if (opted_out > 0)
		rpl_tb_opted_out_note(out_note, sizeof out_note, opted_out);
	if (n == 0) {
		if (opted_out > 0)
			rpl_tb_nobody_opted_out(RPL_TO(r), t.label, opted_out);
		else
			rpl_tb_nobody(RPL_TO(r), t.label);
		return 0;
	}
	r->queued += (int)n;
	if (b.send_at > now) {
		char at[8];

		hhmm(b.send_at, at, sizeof at);
		rpl_tb_later(RPL_TO(r), id, n, t.label, out_note, at);
	} else {
		rpl_tb_sent(RPL_TO(r), id, n, t.label, out_note);
	}
	return 0;
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
