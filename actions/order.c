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

static const char *
status_words(const char *status)
{
	static const struct { const char *status, *words; } w[] = {
		{"pending", "đang chờ người bán trả lời"},
		{"accepted", "đã được người bán nhận"},
		{"declined", "đã bị từ chối"},
		{"cancelled", "đã bị hủy"},
		{"expired", "đã hết hạn"},
	};

	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (strcmp(w[i].status, status) == 0)
			return w[i].words;
	return status;
}

/* what writes "20kg Na (tin #123)"; what_in "20kg Na, tin #123", for
 * inside parentheses: "Đơn #45 (20kg Na, tin #123)". */
static char *
what_as(const struct actions *a, const struct order *o, bool nested, char *out, size_t len)
{
	char prod[300], qty[48];

	snprintf(out, len, nested ? "%s %s, tin #%lld" : "%s %s (tin #%lld)",
	    mk_qty(o->qty, o->l.unit, qty, sizeof qty), mk_product(a, &o->l, prod, sizeof prod),
	    o->l.id);
	return out;
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
	reply_set(r, "Chưa rõ bạn mua tin nào%s. Nhắn MUA <số tin> <số lượng>, ví dụ MUA 123 20KG. "
	    "Xem số tin: TIM NA.", rc == STORE_OK && shown == 0 && act_now(a) - at <= SHOWN_TTL ?
	    " (bạn vừa xem nhiều tin)" : "");
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
		reply_set(r, "Ý bạn là MUA %lld %s (%s %s của tin #%lld vừa báo)? Nhắn lại như vậy để "
		    "mua. Mua tin #%lld: MUA %lld <số lượng>.", l->id, mk_keyword(qty, up, sizeof up),
		    qty, mk_product(a, l, prod, sizeof prod), l->id, c->listing, c->listing);
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
		reply_set(r, "Tin #%lld đã %s. Tìm tin khác: TIM %s.", l->id,
		    strcmp(l->status, "sold_out") == 0 ? "hết hàng" : "bị hủy",
		    mk_keyword(l->product, key, sizeof key));
		return 1;
	}
	if (strcmp(l->seller_phone, m->phone) == 0) {
		reply_set(r, "Tin #%lld là tin của chính bạn, không đặt mua được.", l->id);
		return 1;
	}
	mk_qty(l->qty_left, l->unit, left, sizeof left);
	if (!c->has_qty)
		*qty = l->qty_left;
	else if (order_qty(l, &c->qty, qty) < 0) {
		reply_set(r, "Tin #%lld bán theo %s. Nhắn MUA %lld <số %s>, ví dụ MUA %lld %s.", l->id,
		    mk_per(l), l->id, mk_per(l), l->id, left);
		return 1;
	}
	if (*qty > l->qty_left) {
		reply_set(r, "Không đủ hàng: tin #%lld chỉ còn %s. Nhắn MUA %lld %s để mua hết.",
		    l->id, left, l->id, left);
		return 1;
	}
	return 0;
}

static void
offer_text(const struct order *o, char *out, size_t len)
{
	char money[48];

	out[0] = '\0';
	if (o->offer_vnd > 0)
		snprintf(out, len, ", khách trả giá %s%s%s", mk_money(o->offer_vnd, money, sizeof money),
		    strcmp(o->offer_per, "lot") == 0 ? " cả lô" : "/",
		    strcmp(o->offer_per, "lot") == 0 ? "" : mk_per(&o->l));
}

#define ORDER_LEVELS 3

static int
order_messages(struct actions *a, const struct order *o, struct act_reply *r)
{
	char (*cand)[ACT_REPLY_MAX] = xmalloc((ORDER_LEVELS + 1) * sizeof *cand);
	char w[400], price[80], money[48], total[80] = "", offer[96], buyer[24];
	long long t = mk_total(&o->l, o->qty);
	int hours = a->conf.expire_hours > 0 ? a->conf.expire_hours : 48, rc = 0;

	what(a, o, w, sizeof w);
	mk_price_words(&o->l, price, sizeof price);	/* never "giá giá thỏa thuận" */
	if (t > 0)
		snprintf(total, sizeof total, ", tạm tính %s", mk_money(t, money, sizeof money));
	offer_text(o, offer, sizeof offer);
	phone_mask(o->buyer_phone, buyer, sizeof buyer);
	/* to the seller: the note, then the long answer, go before a 2nd SMS */
	snprintf(cand[0], sizeof cand[0], "Đơn #%lld: khách %s muốn mua %s, %s%s%s. Nhắn OK %lld để "
	    "nhận, KO %lld để từ chối. Tự hủy sau %d giờ.%s%s", o->id, buyer, w, price, total, offer,
	    o->id, o->id, hours, o->note[0] ? " Ghi chú: " : "", o->note);
	snprintf(cand[1], sizeof cand[1], "Đơn #%lld: khách %s muốn mua %s, %s%s%s. Nhắn OK %lld để "
	    "nhận, KO %lld để từ chối. Tự hủy sau %d giờ.", o->id, buyer, w, price, total, offer,
	    o->id, o->id, hours);
	snprintf(cand[2], sizeof cand[2], "Đơn #%lld: khách %s mua %s, %s%s%s. Nhắn OK %lld hoặc "
	    "KO %lld. Tự hủy sau %d giờ.", o->id, buyer, w, price, total, offer, o->id, o->id, hours);
	/* the total without the price it came from */
	snprintf(cand[3], sizeof cand[3], "Đơn #%lld: khách %s mua %s, %s%s. Nhắn OK %lld hoặc "
	    "KO %lld. Tự hủy sau %d giờ.", o->id, buyer, w, t > 0 ? total + 2 : price, offer, o->id,
	    o->id, hours);
	if (notify(a, r, o->l.seller_phone, cand[mk_pick(a, cand, ORDER_LEVELS + 1)]) < 0)
		rc = -1;
	/* to the buyer, in one SMS: the phone sentence is the part to go */
	snprintf(cand[0], sizeof cand[0], "Đã gửi đơn #%lld tới người bán: %s, %s%s%s. Số điện thoại "
	    "hai bên sẽ được báo khi người bán nhận đơn. Hủy: HUY DON %lld.", o->id, w, price, total,
	    o->offer_vnd > 0 ? " (giá người bán)" : "", o->id);
	snprintf(cand[1], sizeof cand[1], "Đã gửi đơn #%lld: %s, %s%s%s. Có số người bán khi họ "
	    "nhận đơn. Hủy: HUY DON %lld.", o->id, w, price, total,
	    o->offer_vnd > 0 ? " (giá người bán)" : "", o->id);
	snprintf(cand[2], sizeof cand[2], "Đã gửi đơn #%lld: %s, %s%s%s. Hủy: HUY DON %lld.", o->id,
	    w, price, total, o->offer_vnd > 0 ? " (giá người bán)" : "", o->id);
	if (rc == 0)
		reply_set(r, "%s", cand[mk_pick(a, cand, ORDER_LEVELS)]);
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
			reply_set(r, "Không có tin #%lld. Xem các tin đang bán: TIM NA.", id);
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
		reply_set(r, "Không có đơn #%lld. Nhắn TT để xem các đơn của bạn.", c->order);
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
	char w[400];
	int rc = load_order(a, c, o, r);

	if (rc != 0)
		return rc;
	if (strcmp(o->l.seller_phone, m->phone) != 0) {
		reply_set(r, "Đơn #%lld không phải đơn cho tin của bạn: chỉ người bán mới nhận hoặc "
		    "từ chối được.", o->id);
		return 1;
	}
	if (strcmp(o->status, "pending") != 0) {
		reply_set(r, "Đơn #%lld (%s) %s.", o->id, what_in(a, o, w, sizeof w), status_words(o->status));
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
		reply_set(r, "Đơn #%lld đặt %s; nhắn OK %lld để bán đủ, hoặc OK %lld <số lượng nhỏ hơn>.",
		    o->id, mk_qty(o->qty, o->l.unit, ordered, sizeof ordered), o->id, o->id);
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
	char item[160], q[48], lq[48], try[ACT_REPLY_MAX];
	int n = 0, shown = 0, rc = 0;

	out[0] = '\0';
	if (store_order_pending_ids(a->s, l->id, -1, CLOSE_BATCH, ids, &n) != STORE_OK)
		rc = -1;
	mk_qty(left, l->unit, lq, sizeof lq);
	for (int i = 0; rc == 0 && i < n; i++) {
		if (store_order_get(a->s, ids[i], o) != STORE_OK) {
			rc = -1;
			break;
		}
		mk_qty(o->qty, l->unit, q, sizeof q);
		if (left <= 0)
			snprintf(item, sizeof item, "%s #%lld %s (KO %lld)", shown ? "," : " Đơn chờ:",
			    o->id, q, o->id);
		else if (o->qty > left)
			snprintf(item, sizeof item, "%s #%lld %s (OK %lld %s/KO %lld)",
			    shown ? "," : " Đơn chờ:", o->id, q, o->id, lq, o->id);
		else
			snprintf(item, sizeof item, "%s #%lld %s (OK %lld/KO %lld)",
			    shown ? "," : " Đơn chờ:", o->id, q, o->id, o->id);
		if (snprintf(try, sizeof try, "%s%s%s.", base, out, item) >= (int)sizeof try ||
		    !mk_fits_one(a, try))
			break;
		str_copy(out + strlen(out), len - strlen(out), item);
		shown++;
	}
	if (rc == 0 && shown > 0)
		str_copy(out + strlen(out), len - strlen(out), shown < n ? ", xem thêm: TT." : ".");
	else if (rc == 0 && n > 0) {
		snprintf(out, len, " Còn %d đơn chờ: nhắn TT để xem.", n);
		if (snprintf(try, sizeof try, "%s%s", base, out) >= (int)sizeof try ||
		    !mk_fits_one(a, try))
			snprintf(out, len, " Còn %d đơn chờ: TT.", n);
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
		snprintf(alt, sizeof alt, " hoặc %s", c2);
	}
	/* accepted in part: the buyer is told how much of what he asked */
	if (o->qty < ordered)
		snprintf(part, sizeof part, " (bạn đặt %s)", mk_qty(ordered, o->l.unit, q, sizeof q));
	snprintf(text, sizeof text, "Người bán đã nhận đơn #%lld: %s%s%s%s. Gọi người bán %s %s%s "
	    "(thôn %s, xã %s) để hẹn giao hàng.", o->id, w, part, o->value ? ", tổng " : "",
	    o->value ? money : "", o->l.seller_name, seller, alt, o->l.village, o->l.commune);
	if (notify(a, r, o->buyer_phone, text) < 0)
		return -1;
	if (left > 0)
		snprintf(rest, sizeof rest, " Tin #%lld còn %s.", o->l.id, mk_qty(left, o->l.unit, q, sizeof q));
	else
		snprintf(rest, sizeof rest, " Tin #%lld đã hết hàng.", o->l.id);
	/* the listing's number follows in rest: "20kg Na", not "(tin #1)" twice */
	snprintf(base, sizeof base, "Đã nhận đơn #%lld: %s %s%s%s. Gọi khách %s để hẹn giao hàng.%s",
	    o->id, mk_qty(o->qty, o->l.unit, q, sizeof q), mk_product(a, &o->l, prod, sizeof prod),
	    o->value ? ", " : "", o->value ? money : "", buyer, rest);
	if (pending_hint(a, &o->l, left, base, hint, sizeof hint) < 0)
		return -1;
	reply_set(r, "%s%s", base, hint);
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
			reply_set(r, "Tin #%lld đã hết hàng, không nhận thêm được đơn #%lld. Nhắn KO %lld "
			    "để báo khách.", o->l.id, o->id, o->id);
			rc = 1;
		} else if (rc == STORE_NONE) {
			mk_qty(o->l.qty_left, o->l.unit, have, sizeof have);
			reply_set(r, "Không đủ hàng cho đơn #%lld: tin #%lld chỉ còn %s. Nhắn OK %lld %s "
			    "để bán phần còn lại, hoặc KO %lld.", o->id, o->l.id, have, o->id, have, o->id);
			rc = 1;
		} else if (rc == STORE_ERR)
			rc = -1;
	}
	if (rc == 0) {
		ordered = o->qty;
		o->qty = qty;
		o->value = mk_total(&o->l, qty);
		rc = store_order_decide(a->s, o->id, "accepted", qty, o->value, now) == STORE_OK &&
		    store_order_count_price(a->s, &o->l, mk_day(now)) == STORE_OK ? 0 : -1;
	}
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
		rc = store_order_decide(a->s, o->id, "declined", 0, 0, act_now(a)) == STORE_OK ? 0 : -1;
	if (rc == 0) {
		what_in(a, o, w, sizeof w);
		snprintf(text, sizeof text, "Người bán đã từ chối đơn #%lld (%s).%s%s Tìm hàng khác: TIM %s.",
		    o->id, w, why[0] ? " Lý do: " : "", why, mk_keyword(o->l.product, key, sizeof key));
		if (!mk_fits(a, text))
			snprintf(text, sizeof text, "Người bán đã từ chối đơn #%lld (%s). Tìm hàng khác: TIM %s.",
			    o->id, w, key);
		rc = notify(a, r, o->buyer_phone, text);
	}
	if (rc == 0)
		reply_set(r, "Đã từ chối đơn #%lld (%s). Đã báo người mua.", o->id, w);
	free(o);
	return rc < 0 ? -1 : 0;
}

int
act_cancel_order(struct actions *a, const struct mo *m, const struct command *c,
    struct act_reply *r)
{
	struct order *o = xmalloc(sizeof *o);
	char text[ACT_REPLY_MAX], w[400], seller[24];
	int rc = load_order(a, c, o, r);

	if (rc == 0 && strcmp(o->buyer_phone, m->phone) != 0) {
		reply_set(r, "Đơn #%lld không phải đơn của bạn: chỉ người đặt mới hủy được.", o->id);
		rc = 1;
	}
	if (rc == 0 && strcmp(o->status, "accepted") == 0) {
		phone_national(o->l.seller_phone, seller, sizeof seller);
		reply_set(r, "Đơn #%lld đã được người bán nhận; muốn hủy, hãy gọi người bán %s.", o->id,
		    seller);
		rc = 1;
	} else if (rc == 0 && strcmp(o->status, "pending") != 0) {
		reply_set(r, "Đơn #%lld %s.", o->id, status_words(o->status));
		rc = 1;
	}
	if (rc == 0)
		rc = store_order_decide(a->s, o->id, "cancelled", 0, 0, act_now(a)) == STORE_OK ? 0 : -1;
	if (rc == 0) {
		what_in(a, o, w, sizeof w);
		snprintf(text, sizeof text, "Khách đã hủy đơn #%lld (%s).", o->id, w);
		rc = notify(a, r, o->l.seller_phone, text);
	}
	if (rc == 0)
		reply_set(r, "Đã hủy đơn #%lld (%s). Đã báo người bán.", o->id, w);
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
			snprintf(text, sizeof text, "Đơn #%lld (%s) không thực hiện được: tin đã %s. "
			    "Tìm hàng khác: TIM %s.", o->id, w, strcmp(status, "cancelled") == 0 ?
			    "bị người bán hủy" : "hết hàng", key);
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
		snprintf(text, sizeof text, "Đơn #%lld (%s) đã hết hạn: người bán chưa trả lời sau %d giờ. "
		    "Tìm hàng khác: TIM %s.", o->id, w, hours, mk_keyword(o->l.product, key, sizeof key));
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
};

/* tt_add appends sep and item if the reply still fits with room for the
 * " ..." that would say something was left out; else marks the cut. */
static bool
tt_add(struct tt *t, const char *sep, const char *item)
{
	char try[ACT_REPLY_MAX];

	if (t->cut)
		return false;
	if (snprintf(try, sizeof try, "%s%s%s ...", t->r->text, sep, item) >= (int)sizeof try ||
	    !mk_fits(t->a, try)) {
		t->cut = true;
		return false;
	}
	try[strlen(try) - strlen(" ...")] = '\0';
	str_copy(t->r->text, sizeof t->r->text, try);
	return true;
}

static void
status_listings(struct tt *t, const struct listing *l, int n)
{
	char item[600], prod[300], qty[48], price[64];
	int shown = 0;

	for (int i = 0; i < n; i++) {
		/* what is left, under a header that says so: never "Gà còn 5 con" */
		snprintf(item, sizeof item, "#%lld %s %s, %s", l[i].id,
		    mk_product(t->a, &l[i], prod, sizeof prod), mk_qty(l[i].qty_left, l[i].unit, qty,
		    sizeof qty), mk_price(&l[i], price, sizeof price));
		if (!tt_add(t, shown ? "; " : "Tin đang bán (còn lại): ", item))
			break;
		shown++;
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
			snprintf(item, sizeof item, "Đơn #%lld chờ bạn: khách %s mua %s, nhắn OK %lld/KO %lld.",
			    o[i].id, ph, w, o[i].id, o[i].id);
		} else if (strcmp(o[i].status, "accepted") == 0) {
			phone_national(o[i].l.seller_phone, ph, sizeof ph);
			snprintf(item, sizeof item, "Đơn #%lld mua %s đã nhận, người bán %s.", o[i].id, w, ph);
		} else {
			snprintf(item, sizeof item, "Đơn #%lld mua %s chờ người bán.", o[i].id, w);
		}
		if (!tt_add(t, t->r->text[0] ? " " : "", item))
			break;
	}
}

int
act_status(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct listing *l = xcalloc(MINE_MAX, sizeof *l);
	struct order *o = xcalloc(MINE_MAX, sizeof *o);
	struct market_who w;
	int nl = 0, no = 0, rc;

	(void)c;
	rc = store_market_who(a->s, m->phone, &w) == STORE_ERR ? -1 : 0;
	if (rc == 0 && w.person_id != 0)
		rc = store_listing_mine(a->s, w.person_id, MINE_MAX, l, &nl) == STORE_OK ? 0 : -1;
	if (rc == 0)
		rc = store_order_mine(a->s, m->phone, w.person_id, act_now(a) - 7 * 86400, MINE_MAX, o,
		    &no) == STORE_OK ? 0 : -1;
	if (rc == 0) {
		r->text[0] = '\0';
		if (nl == 0 && no == 0)
			reply_set(r, "Bạn chưa có tin bán hay đơn mua nào đang mở. Bán: BAN NA 50KG 30000. "
			    "Tìm: TIM NA.");
		struct tt t = {a, r, false};

		status_listings(&t, l, nl);
		status_orders(&t, m->phone, o, no);
		if (t.cut)
			str_copy(r->text + strlen(r->text), sizeof r->text - strlen(r->text), " ...");
	}
	free(l);
	free(o);
	return rc;
}
