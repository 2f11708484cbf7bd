/*
 * order.c - orders between a buyer and a seller: MUA (place one, on a
 * listing number or on the listing the phone was last shown), OK / KO (the
 * seller accepts or declines), HUY DON (the buyer cancels), the expiry of
 * unanswered orders, and TT (my open listings and orders). Phone numbers
 * are shown in full to both sides only once the seller has accepted; the
 * quantity is reserved in the same transaction that accepts.
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MUA <qty> orders from the listing shown within this many seconds. */
#define SHOWN_TTL (24 * 3600)
/* Orders expired per tick; the rest wait for the next tick (5 s later). */
#define EXPIRE_BATCH 64
#define CLOSE_BATCH 64

/* order_qty reads the buyer's quantity in the listing's unit: a bare
 * number arrives as kg, and on a listing sold by the piece it means pieces
 * (the reply echoes "20 con", so a misreading is seen at once). */
static int
order_qty(const struct listing *l, const struct cmd_amount *q, long long *out)
{
	bool listing_g = strcmp(l->unit, "g") == 0, order_g = strcmp(q->unit, "g") == 0;

	if (listing_g && order_g)
		*out = q->amount;
	else if (!listing_g && !order_g)
		*out = q->amount;
	else if (!listing_g && q->amount % 1000 == 0)
		*out = q->amount / 1000;
	else
		return -1;
	return *out > 0 ? 0 : -1;
}

/* status_words: an order's status in words; out holds 64 bytes */
#define STATUS_WORDS 64
static const char *
status_words(const char *status, char *out, size_t len)
{
	static const struct {
		const char *status;
		char *(*words)(char *, size_t);
	} w[] = {
		{"pending", rpl_order_pending}, {"accepted", rpl_order_accepted},
		{"declined", rpl_order_declined}, {"cancelled", rpl_order_cancelled},
		{"expired", rpl_order_expired},
	};

	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (strcmp(w[i].status, status) == 0)
			return w[i].words(out, len);
	return status;
}

/* what writes "20kg Na (tin #123)"; what_in "20kg Na, tin #123", for
 * inside parentheses: "Đơn #45 (20kg Na, tin #123)". */
static char *
what_as(const struct actions *a, const struct order *o, bool nested, char *out, size_t len)
{
	char prod[300], qty[48];

	mk_qty(o->qty, o->l.unit, qty, sizeof qty);
	mk_product(a, &o->l, prod, sizeof prod);
	return nested ? rpl_what_in(out, len, qty, prod, o->l.id) : rpl_what(out, len, qty, prod, o->l.id);
}

static char *
what(const struct actions *a, const struct order *o, char *out, size_t len)
{
	return what_as(a, o, false, out, len);
}

static char *
what_in(const struct actions *a, const struct order *o, char *out, size_t len)
{
	return what_as(a, o, true, out, len);
}

/* notify: order news goes before alerts and broadcasts, at once. */
static int
notify(struct actions *a, struct act_reply *r, const char *phone, const char *text)
{
	return act_notify(a, r, phone, text, OUTBOX_PRIO_NOTIFY, 0);
}

/* ---- MUA ---- */

/* pick_listing finds the listing an ORDER is about: its number, or the
 * one this phone was last shown within 24 hours. 1 when it replied why not. */
static int
pick_listing(struct actions *a, const struct mo *m, const struct command *c, long long *id,
    struct act_reply *r)
{
	long long shown = 0, at = 0;
	int rc;

	if (c->listing > 0) {
		*id = c->listing;
		return 0;
	}
	rc = store_shown_get(a->s, m->phone, &shown, &at);
	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_OK && shown > 0 && act_now(a) - at <= SHOWN_TTL) {
		*id = shown;
		return 0;
	}
	if (rc == STORE_OK && shown == 0 && act_now(a) - at <= SHOWN_TTL)
		rpl_order_which_many(RPL_TO(r));
	else
		rpl_order_which(RPL_TO(r));
	return 1;
}

/* bare_number: the message was only MUA <n> (or DAT <n>, MUA<n>), with no
 * #, SO or TIN that marks n as a listing number beyond doubt. */
static bool
bare_number(const struct mo *m, const struct command *c)
{
	char f[64], num[24];
	size_t fl, nl;
	int words = 1;

	if (c->listing <= 0 || c->has_qty || c->has_offer || c->note[0] || m->text_len >= 60)
		return false;
	fl = parser_fold(m->text, m->text_len, f, sizeof f);
	nl = (size_t)snprintf(num, sizeof num, "%lld", c->listing);
	if (fl <= nl || strcmp(f + fl - nl, num) != 0 || strchr(f, '#') != NULL ||
	    (f[fl - nl - 1] != ' ' && (f[fl - nl - 1] < 'A' || f[fl - nl - 1] > 'Z')))
		return false;
	for (size_t i = 0; i < fl; i++)
		words += f[i] == ' ';
	/* MUA 20, DAT MUA 20, DAT HANG 20: the keyword and the number only */
	return words <= 3 && strstr(f, " SO ") == NULL && strstr(f, " LO ") == NULL &&
	    strstr(f, "TIN") == NULL;
}

/*
 * after_alert: MUA 20 is always listing #20 (§6), but right after an
 * alert of #14 it may mean 20 kg of #14 (MUA 20KG): then it asks (issue 9)
 * and orders nothing. 1 when it asked.
 */
static int
after_alert(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct listing *l;
	long long shown = 0, at = 0, want;
	char qty[48], up[48], prod[300];
	int rc;

	if (!bare_number(m, c))
		return 0;
	rc = store_shown_get(a->s, m->phone, &shown, &at);
	if (rc == STORE_ERR)
		return -1;
	if (rc != STORE_OK || shown <= 0 || shown == c->listing || act_now(a) - at > SHOWN_TTL)
		return 0;
	l = xmalloc(sizeof *l);
	rc = store_listing_get(a->s, shown, l);
	want = strcmp(l->unit, "g") == 0 ? mk_mul(c->listing, 1000) : c->listing;
	if (rc == STORE_OK && strcmp(l->status, "open") == 0 && want > 0 && want <= l->qty_left) {
		mk_qty(want, l->unit, qty, sizeof qty);
		rpl_order_meant(RPL_TO(r), l->id, mk_keyword(qty, up, sizeof up), qty,
		    mk_product(a, l, prod, sizeof prod), c->listing);
		rc = 1;
	} else {
		rc = rc == STORE_ERR ? -1 : 0;
	}
	free(l);
	return rc;
}

/* order_refusal sets *qty, or replies why this buyer cannot order from l
 * and returns 1. */
static int
order_refusal(const struct mo *m, const struct command *c, const struct listing *l,
    long long *qty, struct act_reply *r)
{
	char left[48], key[128];

	if (strcmp(l->status, "open") != 0) {
		mk_keyword(l->product, key, sizeof key);
		if (strcmp(l->status, "sold_out") == 0)
			rpl_order_listing_sold_out(RPL_TO(r), l->id, key);
		else
			rpl_order_listing_cancelled(RPL_TO(r), l->id, key);
		return 1;
	}
	if (strcmp(l->seller_phone, m->phone) == 0) {
		rpl_order_own(RPL_TO(r), l->id);
		return 1;
	}
	mk_qty(l->qty_left, l->unit, left, sizeof left);
	if (!c->has_qty)
		*qty = l->qty_left;
	else if (order_qty(l, &c->qty, qty) < 0) {
		rpl_order_unit(RPL_TO(r), l->id, mk_per(l), left);
		return 1;
	}
	if (*qty > l->qty_left) {
		rpl_order_short(RPL_TO(r), l->id, left);
		return 1;
	}
	return 0;
}

static void
offer_text(const struct order *o, char *out, size_t len)
{
	char money[48];

	out[0] = '\0';
	if (o->offer_vnd > 0 && strcmp(o->offer_per, "lot") == 0)
		rpl_order_offer_lot(out, len, mk_money(o->offer_vnd, money, sizeof money));
	else if (o->offer_vnd > 0)
		rpl_order_offer_per(out, len, mk_money(o->offer_vnd, money, sizeof money), mk_per(&o->l));
}

#define ORDER_LEVELS 3

/* helper_copy sends the helper who made o's listing (HO, §7) the order as
 * the household got it in its shortest form, with how to answer for it. */
static int
helper_copy(struct actions *a, const struct order *o, const char *text, struct act_reply *r)
{
	char by[20] = "", who[24], phone[24], copy[ACT_REPLY_MAX];
	int rc = store_team_listing_actor_get(a->s, o->l.id, by, sizeof by);

	if (rc == STORE_ERR)
		return -1;
	if (by[0] == '\0')
		return 0;
	phone_mask(o->l.seller_phone, who, sizeof who);
	phone_national(o->l.seller_phone, phone, sizeof phone);
	rpl_team_order_copy(copy, sizeof copy, who, text, phone, o->id);
	return notify(a, r, by, copy);
}

static int
order_messages(struct actions *a, const struct order *o, struct act_reply *r)
{
	char (*cand)[ACT_REPLY_MAX] = xmalloc((ORDER_LEVELS + 2) * sizeof *cand);
	char w[400], price[80], money[48], total[80] = "", offer[96], buyer[24], mine[48] = "";
	char qty[48], prod[300];
	long long t = mk_total(&o->l, o->qty);
	int hours = a->conf.expire_hours > 0 ? a->conf.expire_hours : 48, rc = 0;

	what(a, o, w, sizeof w);
	mk_price_words(&o->l, price, sizeof price);	/* never "giá giá thỏa thuận" */
	if (t > 0)
		rpl_order_total(total, sizeof total, mk_money(t, money, sizeof money));
	offer_text(o, offer, sizeof offer);
	if (o->offer_vnd > 0)
		rpl_order_seller_price(mine, sizeof mine);
	phone_mask(o->buyer_phone, buyer, sizeof buyer);
	/* to the seller: the note, then the long answer, go before a 2nd SMS */
	if (o->note[0])
		rpl_order_seller_note(cand[0], sizeof cand[0], o->id, buyer, w, price, total, offer, hours,
		    o->note);
	else
		rpl_order_seller(cand[0], sizeof cand[0], o->id, buyer, w, price, total, offer, hours);
	rpl_order_seller(cand[1], sizeof cand[1], o->id, buyer, w, price, total, offer, hours);
	rpl_order_seller_short(cand[2], sizeof cand[2], o->id, buyer, w, price, total, offer, hours);
	/* the total without the price it came from */
	rpl_order_seller_shortest(cand[3], sizeof cand[3], o->id, buyer, w, t > 0 ? total + 2 : price,
	    offer, hours);
	/* no listing number, and the buyer's offer rather than the total */
	rpl_order_seller_min(cand[4], sizeof cand[4], o->id, buyer,
	    mk_qty(o->qty, o->l.unit, qty, sizeof qty), mk_product(a, &o->l, prod, sizeof prod),
	    offer[0] ? offer + 2 : t > 0 ? total + 2 : price, hours);
	if (notify(a, r, o->l.seller_phone, cand[mk_pick(a, cand, ORDER_LEVELS + 2)]) < 0)
		rc = -1;
	/* a helper made the listing: a copy goes to the helper (§7) */
	if (rc == 0 && helper_copy(a, o, cand[4], r) < 0)
		rc = -1;
	/* to the buyer, in one SMS: the phone sentence is the part to go */
	rpl_order_sent(cand[0], sizeof cand[0], o->id, w, price, total, mine);
	rpl_order_sent_short(cand[1], sizeof cand[1], o->id, w, price, total, mine);
	rpl_order_sent_shortest(cand[2], sizeof cand[2], o->id, w, price, total, mine);
	if (rc == 0)
		str_copy(r->text, sizeof r->text, cand[mk_pick(a, cand, ORDER_LEVELS)]);
	free(cand);
	return rc;
}

int
act_order(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct order *o = xcalloc(1, sizeof *o);
	long long id = 0, qty = 0, now = act_now(a);
	int hours = a->conf.expire_hours > 0 ? a->conf.expire_hours : 48;
	int rc = mk_limit_reply(c, r) ? 1 : after_alert(a, m, c, r);

	if (rc == 0)
		rc = pick_listing(a, m, c, &id, r);

	if (rc == 0) {
		rc = store_listing_get(a->s, id, &o->l);
		if (rc == STORE_NONE) {
			rpl_order_no_listing(RPL_TO(r), id);
			rc = 1;
		} else if (rc == STORE_ERR)
			rc = -1;
	}
	if (rc == 0)
		rc = order_refusal(m, c, &o->l, &qty, r);
	if (rc == 0) {
		o->listing_id = id;
		str_copy(o->buyer_phone, sizeof o->buyer_phone, m->phone);
		o->qty = qty;
		if (c->has_offer) {
			o->offer_vnd = c->offer.vnd;
			str_copy(o->offer_per, sizeof o->offer_per, c->offer.per);
		}
		str_copy(o->note, sizeof o->note, c->note);
		o->created_at = now;
		o->expires_at = now + (long long)hours * 3600;
		rc = store_order_add(a->s, o) == STORE_OK ? 0 : -1;
	}
	if (rc == 0)
		rc = order_messages(a, o, r);
	free(o);
	return rc < 0 ? -1 : 0;
}

/* ---- OK, KO, HUY DON ---- */

/* load_order fetches c->order; 1 when it replied (no such order). */
static int
load_order(struct actions *a, const struct command *c, struct order *o, struct act_reply *r)
{
	int rc = store_order_get(a->s, c->order, o);

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE) {
		rpl_order_none(RPL_TO(r), c->order);
		return 1;
	}
	return 0;
}

/* seller_order: the order exists, belongs to this seller's listing and is
 * still pending; else the reply says which of these failed. */
static int
seller_order(struct actions *a, const struct mo *m, const struct command *c, struct order *o,
    struct act_reply *r)
{
	char w[400], st[STATUS_WORDS];
	int rc = load_order(a, c, o, r);

	if (rc != 0)
		return rc;
	if (strcmp(o->l.seller_phone, m->phone) != 0) {
		rpl_order_not_seller(RPL_TO(r), o->id);
		return 1;
	}
	if (strcmp(o->status, "pending") != 0) {
		rpl_order_status(RPL_TO(r), o->id, what_in(a, o, w, sizeof w),
		    status_words(o->status, st, sizeof st));
		return 1;
	}
	return 0;
}

/* accept_qty: the quantity the seller accepts (all, or less with OK n qty). */
static int
accept_qty(const struct command *c, const struct order *o, long long *qty, struct act_reply *r)
{
	char ordered[48];

	*qty = o->qty;
	if (!c->has_qty)
		return 0;
	if (mk_limit_reply(c, r))
		return 1;
	if (order_qty(&o->l, &c->qty, qty) < 0 || *qty > o->qty) {
		rpl_accept_qty_bad(RPL_TO(r), o->id, mk_qty(o->qty, o->l.unit, ordered, sizeof ordered));
		return 1;
	}
	return 0;
}

/* pending_hint writes what the seller may still answer after an OK: the
 * orders of listing l still pending (none is closed by accepting another,
 * issue 9), each with the answer that fits what is left, as many as fit
 * one SMS after base; the rest are pointed to TT. */
static int
pending_hint(struct actions *a, const struct listing *l, long long left, const char *base,
    char *out, size_t len)
{
	struct order *o = xmalloc(sizeof *o);
	long long ids[CLOSE_BATCH];
	char item[160], q[48], lq[48], try[ACT_REPLY_MAX], first[32];
	int n = 0, shown = 0, rc = 0;

	out[0] = '\0';
	if (store_order_pending_ids(a->s, l->id, -1, CLOSE_BATCH, ids, &n) != STORE_OK)
		rc = -1;
	mk_qty(left, l->unit, lq, sizeof lq);
	rpl_pend_first(first, sizeof first);
	for (int i = 0; rc == 0 && i < n; i++) {
		if (store_order_get(a->s, ids[i], o) != STORE_OK) {
			rc = -1;
			break;
		}
		mk_qty(o->qty, l->unit, q, sizeof q);
		if (left <= 0)
			rpl_pend_ko(item, sizeof item, shown ? "," : first, o->id, q);
		else if (o->qty > left)
			rpl_pend_ok_part(item, sizeof item, shown ? "," : first, o->id, q, lq);
		else
			rpl_pend_ok(item, sizeof item, shown ? "," : first, o->id, q);
		if (snprintf(try, sizeof try, "%s%s%s.", base, out, item) >= (int)sizeof try ||
		    !mk_fits_one(a, try))
			break;
		str_copy(out + strlen(out), len - strlen(out), item);
		shown++;
	}
	if (rc == 0 && shown > 0 && shown < n)
		rpl_pend_more(out + strlen(out), len - strlen(out));
	else if (rc == 0 && shown > 0)
		str_copy(out + strlen(out), len - strlen(out), ".");
	else if (rc == 0 && n > 0) {
		rpl_pend_count(out, len, n);
		if (snprintf(try, sizeof try, "%s%s", base, out) >= (int)sizeof try ||
		    !mk_fits_one(a, try))
			rpl_pend_count_short(out, len, n);
	}
	free(o);
	return rc;
}

static int
accepted_messages(struct actions *a, const struct order *o, long long ordered, long long left,
    struct act_reply *r)
{
	char text[ACT_REPLY_MAX], w[400], money[48], seller[24], buyer[24], alt[48] = "", rest[96];
	char base[ACT_REPLY_MAX], hint[ACT_REPLY_MAX], q[48], part[96] = "", prod[300];

	what(a, o, w, sizeof w);
	mk_money(o->value, money, sizeof money);
	phone_national(o->l.seller_phone, seller, sizeof seller);
	phone_national(o->buyer_phone, buyer, sizeof buyer);
	if (o->l.contact[0] && strcmp(o->l.contact, o->l.seller_phone) != 0) {
		char c2[24];

		phone_national(o->l.contact, c2, sizeof c2);
		rpl_accept_alt(alt, sizeof alt, c2);
	}
	/* accepted in part: the buyer is told how much of what he asked */
	if (o->qty < ordered)
		rpl_accept_part(part, sizeof part, mk_qty(ordered, o->l.unit, q, sizeof q));
	if (o->value)
		rpl_accepted_buyer(text, sizeof text, o->id, w, part, money, o->l.seller_name, seller, alt,
		    o->l.village, o->l.commune);
	else
		rpl_accepted_buyer_free(text, sizeof text, o->id, w, part, o->l.seller_name, seller, alt,
		    o->l.village, o->l.commune);
	if (notify(a, r, o->buyer_phone, text) < 0)
		return -1;
	if (left > 0)
		rpl_accept_left(rest, sizeof rest, o->l.id, mk_qty(left, o->l.unit, q, sizeof q));
	else
		rpl_accept_listing_sold_out(rest, sizeof rest, o->l.id);
	/* the listing's number follows in rest: "20kg Na", not "(tin #1)" twice */
	mk_qty(o->qty, o->l.unit, q, sizeof q);
	mk_product(a, &o->l, prod, sizeof prod);
	if (o->value)
		rpl_accepted(base, sizeof base, o->id, q, prod, money, buyer, rest);
	else
		rpl_accepted_free(base, sizeof base, o->id, q, prod, buyer, rest);
	if (pending_hint(a, &o->l, left, base, hint, sizeof hint) < 0)
		return -1;
	str_copy(r->text, sizeof r->text, base);
	str_copy(r->text + strlen(r->text), sizeof r->text - strlen(r->text), hint);
	return 0;
}

int
act_accept(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct order *o = xmalloc(sizeof *o);
	long long qty = 0, left = 0, ordered = 0, now = act_now(a);
	char have[48];
	int rc = seller_order(a, m, c, o, r);

	if (rc == 0)
		rc = accept_qty(c, o, &qty, r);
	if (rc == 0) {
		/* the reservation and the acceptance are one transaction: of two
		 * orders for the last 20 kg, the second finds too little here */
		rc = store_listing_reserve(a->s, o->l.id, qty, now, &left);
		if (rc == STORE_NONE && (o->l.qty_left <= 0 || strcmp(o->l.status, "open") != 0)) {
			rpl_accept_sold_out(RPL_TO(r), o->l.id, o->id);
			rc = 1;
		} else if (rc == STORE_NONE) {
			mk_qty(o->l.qty_left, o->l.unit, have, sizeof have);
			rpl_accept_short(RPL_TO(r), o->id, o->l.id, have);
			rc = 1;
		} else if (rc == STORE_ERR)
			rc = -1;
	}
	if (rc == 0) {
		ordered = o->qty;
		o->qty = qty;
		o->value = mk_total(&o->l, qty);
		rc = store_order_decide(a->s, o->id, "accepted", qty, o->value, now) == STORE_OK &&
		    store_team_order_actor(a->s, o->id, a->actor) == STORE_OK &&
		    store_order_count_price(a->s, &o->l, mk_day(now)) == STORE_OK ? 0 : -1;
	}
	/* an order that takes what was left sells the listing out: its
	 * history says so, as it does for HET (issue 12) */
	if (rc == 0 && left == 0 &&
	    store_team_listing_log(a->s, o->l.id, "sold_out", a->actor, now) != STORE_OK)
		rc = -1;
	/* the other pending orders stay pending: the seller decides each one
	 * (OK n <what is left>, or KO n), and is told how below */
	if (rc == 0) {
		o->l.qty_left = left;
		rc = accepted_messages(a, o, ordered, left, r);
	}
	free(o);
	return rc < 0 ? -1 : 0;
}

int
act_decline(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct order *o = xmalloc(sizeof *o);
	char text[ACT_REPLY_MAX], w[400], key[128], why[MARKET_NOTE_MAX];
	int rc = seller_order(a, m, c, o, r);

	str_copy(why, sizeof why, c->note);
	/* the reason is the seller's words: end it as a sentence ("Lý do: vì
	 * hết hàng. Tìm hàng khác...", not "vì hết hàng Tìm hàng khác") */
	if (why[0] != '\0' && strchr(".!?", why[strlen(why) - 1]) == NULL)
		str_copy(why + strlen(why), sizeof why - strlen(why), ".");
	if (rc == 0)
		rc = store_order_decide(a->s, o->id, "declined", 0, 0, act_now(a)) == STORE_OK &&
		    store_team_order_actor(a->s, o->id, a->actor) == STORE_OK ? 0 : -1;
	if (rc == 0) {
		what_in(a, o, w, sizeof w);
		mk_keyword(o->l.product, key, sizeof key);
		if (why[0])
			rpl_declined_buyer_why(text, sizeof text, o->id, w, why, key);
		if (!why[0] || !mk_fits(a, text))
			rpl_declined_buyer(text, sizeof text, o->id, w, key);
		rc = notify(a, r, o->buyer_phone, text);
	}
	if (rc == 0)
		rpl_decline_done(RPL_TO(r), o->id, w);
	free(o);
	return rc < 0 ? -1 : 0;
}

int
act_cancel_order(struct actions *a, const struct mo *m, const struct command *c,
    struct act_reply *r)
{
	struct order *o = xmalloc(sizeof *o);
	char text[ACT_REPLY_MAX], w[400], seller[24], st[STATUS_WORDS];
	int rc = load_order(a, c, o, r);

	if (rc == 0 && strcmp(o->buyer_phone, m->phone) != 0) {
		rpl_cancel_not_yours(RPL_TO(r), o->id);
		rc = 1;
	}
	if (rc == 0 && strcmp(o->status, "accepted") == 0) {
		phone_national(o->l.seller_phone, seller, sizeof seller);
		rpl_cancel_accepted(RPL_TO(r), o->id, seller);
		rc = 1;
	} else if (rc == 0 && strcmp(o->status, "pending") != 0) {
		rpl_cancel_status(RPL_TO(r), o->id, status_words(o->status, st, sizeof st));
		rc = 1;
	}
	if (rc == 0)
		rc = store_order_decide(a->s, o->id, "cancelled", 0, 0, act_now(a)) == STORE_OK ? 0 : -1;
	if (rc == 0) {
		what_in(a, o, w, sizeof w);
		rpl_cancelled_seller(text, sizeof text, o->id, w);
		rc = notify(a, r, o->l.seller_phone, text);
	}
	if (rc == 0)
		rpl_order_cancel_done(RPL_TO(r), o->id, w);
	free(o);
	return rc < 0 ? -1 : 0;
}

/* ---- closing and expiring orders ---- */

int
mk_close_orders(struct actions *a, struct act_reply *r, const struct listing *l,
    const char *status, int *n)
{
	struct order *o = xmalloc(sizeof *o);
	long long ids[CLOSE_BATCH];
	char text[ACT_REPLY_MAX], w[400], key[128];
	int got = 0, rc = 0;

	*n = 0;
	mk_keyword(l->product, key, sizeof key);
	/* each pass closes what it read, so the next pass reads the rest */
	do {
		if (store_order_pending_ids(a->s, l->id, -1, CLOSE_BATCH, ids, &got) != STORE_OK)
			rc = -1;
		for (int i = 0; rc == 0 && i < got; i++) {
			if (store_order_get(a->s, ids[i], o) != STORE_OK ||
			    store_order_decide(a->s, ids[i], status, 0, 0, act_now(a)) != STORE_OK) {
				rc = -1;
				break;
			}
			what_in(a, o, w, sizeof w);
			if (strcmp(status, "cancelled") == 0)
				rpl_closed_buyer_cancelled(text, sizeof text, o->id, w, key);
			else
				rpl_closed_buyer_sold_out(text, sizeof text, o->id, w, key);
			rc = notify(a, r, o->buyer_phone, text);
			(*n)++;
		}
	} while (rc == 0 && got == CLOSE_BATCH);
	free(o);
	return rc;
}

int
mk_expire_orders(struct actions *a)
{
	struct order *o = xmalloc(sizeof *o);
	long long ids[EXPIRE_BATCH], now = act_now(a);
	char text[ACT_REPLY_MAX], w[400], key[128];
	int got = 0, queued = 0, hours = a->conf.expire_hours > 0 ? a->conf.expire_hours : 48;

	if (store_order_due_ids(a->s, now, EXPIRE_BATCH, ids, &got) != STORE_OK)
		goto fail;
	for (int i = 0; i < got; i++) {
		if (store_order_get(a->s, ids[i], o) != STORE_OK ||
		    store_order_decide(a->s, ids[i], "expired", 0, 0, now) != STORE_OK)
			goto fail;
		what_in(a, o, w, sizeof w);
		rpl_expired_buyer(text, sizeof text, o->id, w, hours,
		    mk_keyword(o->l.product, key, sizeof key));
		if (notify(a, NULL, o->buyer_phone, text) < 0)
			goto fail;
		queued++;
	}
	free(o);
	return queued;
fail:
	free(o);
	return -1;
}

/* ---- TT ---- */

#define MINE_MAX 10

/* TT is one reply of sentences: "Tin đang bán (còn lại): #1 Na 50kg,
 * 30.000đ/kg; #3 Gà 5 con, 120.000đ/con. Đơn #4 chờ bạn: ..." and " ..."
 * when the rest does not fit. */
struct tt {
	const struct actions *a;
	struct act_reply *r;
	bool cut;
	int index;			/* items seen, shown or skipped */
	int skip;			/* items of the earlier pages (TT 2, §7) */
	int cut_at;			/* the first item that did not fit */
	bool listed;			/* a listing is on this page */
};

/* tt_add appends sep and item if the reply still fits with room for the
 * " ..." that would say something was left out; else marks the cut. */
static bool
tt_add(struct tt *t, const char *sep, const char *item)
{
	char try[ACT_REPLY_MAX], more[64];

	if (t->cut)
		return false;
	if (t->index++ < t->skip)
		return true;		/* shown on an earlier page */
	rpl_tt_next(more, sizeof more, 9);	/* room for the longest hint */
	if (snprintf(try, sizeof try, "%s%s%s%s", t->r->text, sep, item, more) >= (int)sizeof try ||
	    !mk_fits(t->a, try)) {
		t->cut = true;
		t->cut_at = t->index - 1;
		return false;
	}
	try[strlen(try) - strlen(more)] = '\0';
	str_copy(t->r->text, sizeof t->r->text, try);
	return true;
}

static void
status_listings(struct tt *t, const struct listing *l, int n)
{
	char item[600], prod[300], qty[48], price[64], head[64];
	int shown = 0;

	rpl_tt_listings(head, sizeof head);

	for (int i = 0; i < n; i++) {
		bool skipped = t->index < t->skip;

		/* what is left, under a header that says so: never "Gà còn 5 con" */
		rpl_tt_listing(item, sizeof item, l[i].id, mk_product(t->a, &l[i], prod, sizeof prod),
		    mk_qty(l[i].qty_left, l[i].unit, qty, sizeof qty), mk_price(&l[i], price, sizeof price));
		if (!tt_add(t, t->listed ? "; " : head, item))
			break;
		if (!skipped) {
			t->listed = true;
			shown++;
		}
	}
	if (shown > 0 && !t->cut)
		str_copy(t->r->text + strlen(t->r->text), sizeof t->r->text - strlen(t->r->text), ".");
}

static void
status_orders(struct tt *t, const char *phone, const struct order *o, int n)
{
	char item[600], w[400], ph[24];

	for (int i = 0; i < n; i++) {
		what(t->a, &o[i], w, sizeof w);
		if (strcmp(o[i].buyer_phone, phone) != 0) {
			phone_mask(o[i].buyer_phone, ph, sizeof ph);
			rpl_tt_order_wait(item, sizeof item, o[i].id, ph, w);
		} else if (strcmp(o[i].status, "accepted") == 0) {
			phone_national(o[i].l.seller_phone, ph, sizeof ph);
			rpl_tt_order_accepted(item, sizeof item, o[i].id, w, ph);
		} else {
			rpl_tt_order_pending(item, sizeof item, o[i].id, w);
		}
		if (!tt_add(t, t->r->text[0] ? " " : "", item))
			break;
	}
}

/* tt_page fills r with page page (1: the first) of the listings and
 * orders; false when there is no such page. Pages end where a reply is
 * full, so page n starts where page n-1 was cut. */
static bool
tt_page(const struct actions *a, struct act_reply *r, const char *phone, const struct listing *l,
    int nl, const struct order *o, int no, int page)
{
	struct tt t = {a, r, false, 0, 0, 0, false};

	for (int p = 1; p <= page; p++) {
		int from = t.cut_at;

		if (p > 1 && !t.cut)
			return false;
		memset(&t, 0, sizeof t);
		t.a = a;
		t.r = r;
		t.skip = from;
		r->text[0] = '\0';
		status_listings(&t, l, nl);
		status_orders(&t, phone, o, no);
	}
	if (t.cut)
		rpl_tt_next(r->text + strlen(r->text), sizeof r->text - strlen(r->text), page + 1);
	return true;
}

int
act_status(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	int page = c->page > 1 ? c->page : 1, max = MINE_MAX * page;	/* TT 2 reads further */
	struct listing *l = xcalloc((size_t)max, sizeof *l);
	struct order *o = xcalloc((size_t)max, sizeof *o);
	struct market_who w;
	int nl = 0, no = 0, rc;

	rc = store_market_who(a->s, m->phone, &w) == STORE_ERR ? -1 : 0;
	if (rc == 0 && w.person_id != 0)
		rc = store_listing_mine(a->s, w.person_id, max, l, &nl) == STORE_OK ? 0 : -1;
	if (rc == 0)
		rc = store_order_mine(a->s, m->phone, w.person_id, act_now(a) - 7 * 86400, max, o,
		    &no) == STORE_OK ? 0 : -1;
	if (rc == 0) {
		if (nl == 0 && no == 0)
			rpl_tt_none(RPL_TO(r));
		else if (!tt_page(a, r, m->phone, l, nl, o, no, page))
			rpl_tt_no_page(RPL_TO(r), c->page);
	}
	free(l);
	free(o);
	return rc;
}

/* ---- GIAO (commands.md §7) ---- */

int
act_delivered(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct order *o = xmalloc(sizeof *o);
	char text[ACT_REPLY_MAX], w[400], st[STATUS_WORDS], seller[24];
	int rc = load_order(a, c, o, r);

	if (rc == 0 && strcmp(o->l.seller_phone, m->phone) != 0) {
		rpl_deliver_not_seller(RPL_TO(r), o->id);
		rc = 1;
	} else if (rc == 0 && strcmp(o->status, "accepted") != 0) {
		rpl_deliver_not_accepted(RPL_TO(r), o->id, status_words(o->status, st, sizeof st));
		rc = 1;
	}
	if (rc == 0) {
		rc = store_team_order_deliver(a->s, o->id, a->actor, act_now(a));
		if (rc == STORE_NONE)
			rpl_deliver_again(RPL_TO(r), o->id);
		else if (rc == STORE_ERR)
			rc = -1;
	}
	if (rc == 0) {
		what_in(a, o, w, sizeof w);
		phone_national(o->l.seller_phone, seller, sizeof seller);
		rpl_deliver_buyer(text, sizeof text, o->id, w, seller);
		rc = notify(a, r, o->buyer_phone, text);
	}
	if (rc == 0)
		rpl_deliver_done(RPL_TO(r), o->id, w);
	free(o);
	return rc < 0 ? -1 : 0;
}
