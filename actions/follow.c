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

#define ALERT_START (7 * 60)
#define ALERT_END (22 * 60)
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
	reply_set(r, "%s %s: sẽ nhắn khi có tin bán mới, từ 7h đến 22h, tối đa %d tin mỗi ngày.%s "
	    "Dừng: BO THEO %s", changed ? "Đã theo dõi" : "Bạn đã theo dõi", name, MK_ALERTS_PER_DAY,
	    w.opted_out ? " Bạn đang NGUNG nhận tin: nhắn TIEP để nhận." : "", key);
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
		reply_set(r, "Đã thôi theo dõi %s, sẽ không nhắn tin bán %s nữa. Theo lại: THEO %s",
		    name, name, key);
	else
		reply_set(r, "Bạn không theo dõi %s. Theo dõi: THEO %s", name, key);
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
			snprintf(where, sizeof where, ", thôn %s, xã %s", l->village, l->commune);
		if (level < 1 && mk_note(l, clean, sizeof clean)[0])
			snprintf(note, sizeof note, " %s.", clean);
		snprintf(out, len, "Tin mới #%lld: %s %s, %s%s, %s.%s Nhắn MUA %lld <số %s> để mua. "
		    "Dừng: BO THEO %s", l->id, prod, qty, price, where, phone, note, l->id, mk_per(l), key);
		if (mk_fits(a, out))
			return;
	}
}

int
mk_alert_followers(struct actions *a, struct act_reply *r, const struct listing *l)
{
	char (*phones)[20] = xcalloc(ALERT_FANOUT, sizeof *phones), text[ACT_REPLY_MAX];
	long long at = act_next_allowed(a, ALERT_START, ALERT_END), day = mk_day(at);
	int n = 0, rc = 0;

	/* the daily cap counts the day the alert is delivered on */
	if (store_follow_targets(a->s, l->product, l->seller_phone, day, MK_ALERTS_PER_DAY,
	    ALERT_FANOUT, phones, &n) != STORE_OK)
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
