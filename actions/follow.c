/*
 * follow.c - THEO / BO THEO and the alerts of new listings to followers.
 * Alerts are advertising (Decree 91/2020): only to phones that asked with
 * THEO, never to opted-out ones, only 07:00-22:00 (queued until then), at
 * most MK_ALERTS_PER_DAY a phone a day, each ending with how to stop.
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ALERT_START (7 * 60)
#define ALERT_END (22 * 60)
/* The alerts past the cap of a day go in one digest at 21:30, inside the
 * window; past it, the next day's digest takes them. */
#define DIGEST_AT (21 * 60 + 30)
/* Digests queued per tick (every 5 s): the rest wait for the next tick. */
#define DIGEST_BATCH 64
/* Followers alerted per listing: a product followed by more phones than
 * this alerts the longest-standing followers. */
#define ALERT_FANOUT 1000

int
act_follow(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct market_who w;
	char name[128], key[128];
	bool changed = false;

	if (store_follow_set(a->s, m->phone, c->product, true, act_now(a), &changed) != STORE_OK ||
	    store_market_who(a->s, m->phone, &w) == STORE_ERR)
		return -1;
	mk_product_key(a, c->product, name, sizeof name);
	mk_keyword(c->product, key, sizeof key);
	if (changed && w.opted_out)
		rpl_follow_done_stopped(RPL_TO(r), name, MK_ALERTS_PER_DAY, key);
	else if (changed)
		rpl_follow_done(RPL_TO(r), name, MK_ALERTS_PER_DAY, key);
	else if (w.opted_out)
		rpl_follow_again_stopped(RPL_TO(r), name, MK_ALERTS_PER_DAY, key);
	else
		rpl_follow_again(RPL_TO(r), name, MK_ALERTS_PER_DAY, key);
	return 0;
}

int
act_unfollow(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	char name[128], key[128];
	bool changed = false;

	if (store_follow_set(a->s, m->phone, c->product, false, act_now(a), &changed) != STORE_OK)
		return -1;
	mk_product_key(a, c->product, name, sizeof name);
	mk_keyword(c->product, key, sizeof key);
	if (changed)
		rpl_unfollow_done(RPL_TO(r), name, key);
	else
		rpl_unfollow_none(RPL_TO(r), name, key);
	return 0;
}

/* alert_text writes the alert, leaving out the note and then the village
 * if needed so that the order and stop instructions always arrive. */
static void
alert_text(const struct actions *a, const struct listing *l, char *out, size_t len)
{
	char prod[300], qty[48], price[64], phone[24], key[128], where[300] = "", note[400] = "";
	char clean[MARKET_NOTE_MAX];

	mk_product(a, l, prod, sizeof prod);
	mk_qty(l->qty_left, l->unit, qty, sizeof qty);
	mk_price(l, price, sizeof price);
	phone_mask(l->seller_phone, phone, sizeof phone);
	mk_keyword(l->product, key, sizeof key);
	for (int level = 0; level < 3; level++) {
		where[0] = note[0] = '\0';
		if (level < 2)
			rpl_alert_where(where, sizeof where, l->village, l->commune);
		if (level < 1 && mk_note(l, clean, sizeof clean)[0])
			rpl_alert_note(note, sizeof note, clean);
		rpl_alert(out, len, l->id, prod, qty, price, where, phone, note, mk_per(l), key);
		if (mk_fits(a, out))
			return;
	}
}

static int
minute_of_day(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_hour * 60 + tm.tm_min;
}

/* digest_day: the day whose digest takes an alert delivered at `at`: its
 * own, unless that digest went already (at 21:30-22:00). */
static long long
digest_day(long long at)
{
	return mk_day(at) + (minute_of_day(at) >= DIGEST_AT);
}

int
mk_alert_followers(struct actions *a, struct act_reply *r, const struct listing *l)
{
	char (*phones)[20] = xcalloc(ALERT_FANOUT, sizeof *phones), text[ACT_REPLY_MAX];
	long long at = act_next_allowed(a, ALERT_START, ALERT_END), day = mk_day(at);
	int n = 0, rc = 0;

	/* the daily cap counts the day the alert is delivered on; the phones
	 * already at the cap get the listing in that day's digest instead
	 * (before the bumps below, which bring others to the cap) */
	if (store_follow_targets(a->s, l->product, l->seller_phone, day, MK_ALERTS_PER_DAY,
	    ALERT_FANOUT, phones, &n) != STORE_OK ||
	    store_digest_add(a->s, l->product, l->seller_phone, day, MK_ALERTS_PER_DAY, l->id,
	    digest_day(at)) != STORE_OK)
		rc = -1;
	if (rc == 0 && n > 0)
		alert_text(a, l, text, sizeof text);
	for (int i = 0; rc == 0 && i < n; i++) {
		if (act_notify(a, r, phones[i], text, OUTBOX_PRIO_ALERT, at == act_now(a) ? 0 : at) < 0 ||
		    store_alert_count_bump(a->s, phones[i], day) != STORE_OK ||
		    store_shown_set(a->s, phones[i], l->id, at) != STORE_OK)
			rc = -1;
	}
	free(phones);
	return rc;
}

/* digest_text: "5 tin mới Na hôm nay: #12, #15, #18, #20, #21. Nhắn TIM NA
 * để xem... Dừng: BO THEO NA", naming as many listings as fit one SMS. */
static void
digest_text(const struct actions *a, const struct market_digest *d, char *out, size_t len)
{
	char name[128], key[128], ids[400] = "", one[32], tail[400];
	int shown = 0;

	mk_product_key(a, d->product, name, sizeof name);
	mk_keyword(d->product, key, sizeof key);
	rpl_digest_tail(tail, sizeof tail, key);
	for (int i = 0; i < d->n; i++) {
		char try[ACT_REPLY_MAX], upto[sizeof ids + sizeof one];

		rpl_digest_id(one, sizeof one, i ? ", " : "", d->ids[i]);
		snprintf(upto, sizeof upto, "%s%s", ids, one);
		rpl_digest(try, sizeof try, d->total, name, upto, ", ...", tail);
		if (shown > 0 && !mk_fits_one(a, try))
			break;
		str_copy(ids + strlen(ids), sizeof ids - strlen(ids), one);
		shown++;
	}
	rpl_digest(out, len, d->total, name, ids, shown < d->total ? ", ..." : ".", tail);
}

int
mk_send_digests(struct actions *a)
{
	struct market_digest *d = xmalloc(sizeof *d);
	char text[ACT_REPLY_MAX];
	long long now = act_now(a), at = act_next_allowed(a, ALERT_START, ALERT_END);
	/* today's digest from 21:30; an older one (langso was down) at once,
	 * or at 07:00 when it is night now */
	long long until = mk_day(now) - (minute_of_day(now) < DIGEST_AT);
	int queued = 0, rc = STORE_OK;

	for (int i = 0; i < DIGEST_BATCH; i++) {
		if ((rc = store_digest_next(a->s, until, d, MARKET_DIGEST_MAX)) != STORE_OK)
			break;
		if (d->n > 0) {
			digest_text(a, d, text, sizeof text);
			if (act_notify(a, NULL, d->phone, text, OUTBOX_PRIO_ALERT,
			    at == now ? 0 : at) < 0) {
				rc = STORE_ERR;
				break;
			}
			queued++;
		}
		if ((rc = store_digest_done(a->s, d)) != STORE_OK)
			break;
	}
	free(d);
	return rc == STORE_ERR ? -1 : queued;
}
