/*
 * listing.c - a household's listings: BAN (list produce for sale, echoing
 * everything understood and how to undo it), HUY <listing> (withdraw it)
 * and HET <listing> (sold out). Only a registered household may list, and
 * only the seller may close a listing. Orders waiting on a closed listing
 * are closed too and their buyers told (order.c).
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* unit_price: the price per kg (weights) or per piece (counts) the
 * statistics and orders work with; a lot's price is divided out. */
static long long
unit_price(const struct command *c)
{
	long long amount = c->qty.amount;

	if (!c->has_price || c->price.vnd <= 0)
		return 0;
	if (strcmp(c->price.per, "lot") != 0 || amount <= 0)
		return c->price.vnd;
	/* the parser bounds vnd (parser.h), so × 1000 cannot overflow */
	if (strcmp(c->qty.unit, "g") == 0)
		return (mk_mul(c->price.vnd, 1000) + amount / 2) / amount;
	return (c->price.vnd + amount / 2) / amount;
}

static void
fill_listing(struct actions *a, const struct market_who *w, const struct command *c,
    struct listing *l)
{
	memset(l, 0, sizeof *l);
	l->seller_id = w->person_id;
	l->village_id = w->village_id;
	l->commune_id = w->commune_id;
	str_copy(l->product, sizeof l->product, c->product);
	str_copy(l->variety, sizeof l->variety, c->variety);
	l->grade = c->grade;
	str_copy(l->unit, sizeof l->unit, c->qty.unit);
	l->qty = l->qty_left = c->qty.amount;
	l->pieces = c->pieces;
	if (c->has_price) {
		l->price_vnd = c->price.vnd;
		str_copy(l->price_per, sizeof l->price_per, c->price.per);
	}
	l->unit_price = unit_price(c);
	l->price_check = strcmp(c->check, "price") == 0;
	str_copy(l->note, sizeof l->note, c->note);
	str_copy(l->contact, sizeof l->contact, c->contact);
	l->created_at = act_now(a);
}

/* describe writes "Na dai loại 1 50kg (2 x 25kg), 30.000đ/kg (tổng
 * 1.500.000đ)[, ghi chú: ...][, LH 0912345678]"; level 0 is all of it,
 * then the note, the contact and the total go, so a reply fits one SMS. */
static void
describe(const struct actions *a, const struct listing *l, int level, char *out, size_t len)
{
	char prod[300], qty[48], each[48] = "", price[64], money[48], total[80] = "";
	char extra[MARKET_NOTE_MAX + 64] = "", phone[24], note[MARKET_NOTE_MAX];
	long long t = mk_total(l, l->qty);

	mk_product(a, l, prod, sizeof prod);
	mk_qty(l->qty, l->unit, qty, sizeof qty);
	if (l->pieces > 1 && strcmp(l->unit, "g") == 0 && l->qty % l->pieces == 0) {
		char one[32];

		rpl_list_each(each, sizeof each, l->pieces, mk_qty(l->qty / l->pieces, "g", one, sizeof one));
	}
	mk_price(l, price, sizeof price);
	if (level < 3 && t > 0 && t != l->unit_price)
		rpl_list_total(total, sizeof total, mk_money(t, money, sizeof money));
	if (level < 1 && mk_note(l, note, sizeof note)[0])
		rpl_list_note(extra, sizeof extra, note);
	if (level < 2 && l->contact[0]) {
		phone_national(l->contact, phone, sizeof phone);
		rpl_list_contact(extra + strlen(extra), sizeof extra - strlen(extra), phone);
	}
	snprintf(out, len, "%s %s%s, %s%s%s", prod, qty, each, price, total, extra);
}

/* high_or_low says which way an implausible price is off, judged against
 * the median of the last two weeks when there is one. */
static const char *
high_or_low(struct actions *a, const struct listing *l)
{
	struct price_stats ps[2];
	int n = 0;

	if (store_price_stats(a->s, l->product, mk_day(act_now(a)) - MK_PRICE_DAYS + 1, 2, ps,
	    &n) != STORE_OK)
		return "";
	for (int i = 0; i < n; i++)
		if (strcmp(ps[i].basis, mk_per(l)) == 0 && ps[i].median > 0)
			return l->unit_price > ps[i].median ? "cao " : "thấp ";
	return "";
}

#define LIST_LEVELS 4

/* lot_question: "ban ga 5 con 1tr" may mean 1 triệu for the five: ask,
 * with the command that would say so (the parser's "check":"lot"). */
static void
lot_question(const struct listing *l, char *out, size_t len)
{
	char money[48], qty[48], up[48], key[128], var[128];

	mk_money(l->price_vnd, money, sizeof money);
	mk_qty(l->qty, l->unit, qty, sizeof qty);
	mk_keyword(l->product, key, sizeof key);
	mk_keyword(l->variety, var, sizeof var);
	rpl_list_warn_lot(out, len, money, qty, l->id, key, var[0] ? " " : "", var,
	    mk_keyword(qty, up, sizeof up), l->price_vnd);
}

static void
list_reply(struct actions *a, const struct listing *l, bool lot_doubt, struct act_reply *r)
{
	char (*cand)[ACT_REPLY_MAX] = xmalloc(LIST_LEVELS * sizeof *cand);
	/* desc: a product, a note and a few numbers, well under 1280 bytes */
	char desc[1280], price[64], warn[512] = "";
	int level, pick = -1;

	if (l->price_check)
		rpl_list_warn_price(warn, sizeof warn, mk_price(l, price, sizeof price), high_or_low(a, l),
		    l->id);
	else if (lot_doubt)
		lot_question(l, warn, sizeof warn);
	/* drop the note, the contact, then the total rather than cut the undo
	 * hint: one SMS when it can be (the first level that fits one is
	 * mk_pick's choice too, so the shorter ones are written only when
	 * needed: a sale's reply is on the committer's path) */
	for (level = 0; level < LIST_LEVELS && pick < 0; level++) {
		describe(a, l, level, desc, sizeof desc);
		if (warn[0])
			rpl_list_done_warn(cand[level], sizeof cand[level], l->id, desc, warn);
		else
			rpl_list_done(cand[level], sizeof cand[level], l->id, desc);
		if (mk_fits_one(a, cand[level]))
			pick = level;
	}
	str_copy(r->text, sizeof r->text, cand[pick >= 0 ? pick : mk_pick(a, cand, LIST_LEVELS)]);
	free(cand);
}

int
act_list(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct market_who w;
	struct listing *l;
	int rc;

	rc = store_market_who(a->s, m->phone, &w);
	if (rc == STORE_ERR)
		return -1;
	if (w.village_id == 0) {
		rpl_list_not_registered(RPL_TO(r));
		return 0;
	}
	if (!c->has_qty || c->qty.amount <= 0) {
		act_syntax_reply(c, r);
		return 0;
	}
	if (mk_limit_reply(c, r))
		return 0;
	l = xmalloc(sizeof *l);
	fill_listing(a, &w, c, l);
	rc = store_listing_add(a->s, l, mk_day(l->created_at)) == STORE_OK ? 0 : -1;
	/* who made it (HO, §7) and its history from the start */
	if (rc == 0 && a->actor[0] != '\0')
		rc = store_team_listing_actor(a->s, l->id, a->actor) == STORE_OK ? 0 : -1;
	if (rc == 0)
		rc = store_team_listing_log(a->s, l->id, "open", a->actor, l->created_at) ==
		    STORE_OK ? 0 : -1;
	if (rc == 0) {
		/* names for the alert, as a search would show them */
		str_copy(l->seller_phone, sizeof l->seller_phone, m->phone);
		str_copy(l->village, sizeof l->village, w.village);
		str_copy(l->commune, sizeof l->commune, w.commune);
		rc = mk_alert_followers(a, r, l);
	}
	if (rc == 0)
		list_reply(a, l, strcmp(c->check, "lot") == 0, r);
	free(l);
	return rc;
}

/* own_listing loads listing c->listing for its seller; when it is not
 * there, not theirs or not open, sets the reply saying why and returns 1. */
static int
own_listing(struct actions *a, const struct mo *m, const struct command *c, struct listing *l,
    struct act_reply *r)
{
	int rc = store_listing_get(a->s, c->listing, l);

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE) {
		rpl_listing_none(RPL_TO(r), c->listing);
		return 1;
	}
	if (strcmp(l->seller_phone, m->phone) != 0) {
		rpl_listing_not_yours(RPL_TO(r), l->id);
		return 1;
	}
	if (strcmp(l->status, "open") != 0) {
		if (strcmp(l->status, "sold_out") == 0)
			rpl_listing_was_sold_out(RPL_TO(r), l->id);
		else
			rpl_listing_was_cancelled(RPL_TO(r), l->id);
		return 1;
	}
	return 0;
}

/* close_listing is HUY and HET: close it, then the orders waiting on it. */
static int
close_listing(struct actions *a, const struct mo *m, const struct command *c,
    struct act_reply *r, bool sold_out)
{
	struct listing *l = xmalloc(sizeof *l);
	char prod[300], qty[48], key[128], told[64] = "";
	int rc = own_listing(a, m, c, l, r), n = 0;

	if (rc == 0)
		rc = store_listing_close(a->s, l->id, sold_out ? "sold_out" : "cancelled",
		    act_now(a)) == STORE_ERR ? -1 : 0;
	if (rc == 0)
		rc = store_team_listing_log(a->s, l->id, sold_out ? "sold_out" : "cancelled", a->actor,
		    act_now(a)) == STORE_OK ? 0 : -1;
	if (rc == 0)
		rc = mk_close_orders(a, r, l, sold_out ? "declined" : "cancelled", &n);
	if (rc == 0) {
		mk_product(a, l, prod, sizeof prod);
		mk_qty(l->qty_left, l->unit, qty, sizeof qty);
		if (n)
			rpl_close_told(told, sizeof told);
		if (sold_out)
			rpl_sold_out_done(RPL_TO(r), l->id, prod, told);
		else
			rpl_listing_cancel_done(RPL_TO(r), l->id, prod, qty, told,
			    mk_keyword(l->product, key, sizeof key));
	}
	free(l);
	return rc < 0 ? -1 : 0;
}

int
act_cancel_listing(struct actions *a, const struct mo *m, const struct command *c,
    struct act_reply *r)
{
	return close_listing(a, m, c, r, false);
}

int
act_sold_out(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	return close_listing(a, m, c, r, true);
}

/* ---- SUA (commands.md §7) ---- */

/* edit_of: the change c asks for, in the listing's terms; the price check
 * of §3 against the lexicon, per kg or per piece as the listing sells */
static void
edit_of(struct actions *a, const struct listing *l, const struct command *c, struct team_edit *e)
{
	bool weight = strcmp(l->unit, "g") == 0;
	long long left = c->has_qty ? c->qty.amount : l->qty_left;

	memset(e, 0, sizeof *e);
	if (c->has_qty && c->qty.amount > 0 && strcmp(c->qty.unit, l->unit) == 0) {
		e->has_qty = true;
		e->qty_left = c->qty.amount;
	}
	if (!c->has_price)
		return;
	e->has_price = true;
	e->price_vnd = c->price.vnd;
	/* a bare price is per kg to the parser: per piece on a count listing */
	str_copy(e->price_per, sizeof e->price_per,
	    !weight && strcmp(c->price.per, "kg") == 0 ? "unit" : c->price.per);
	e->unit_price = e->price_vnd;
	if (strcmp(e->price_per, "lot") == 0 && left > 0)
		e->unit_price = weight ? (mk_mul(e->price_vnd, 1000) + left / 2) / left :
		    (e->price_vnd + left / 2) / left;
	e->price_check = parser_price_check(a->p, l->product, l->variety, e->unit_price,
	    weight) != 0;
}

static void
edit_reply(struct actions *a, const struct listing *l, struct act_reply *r)
{
	char (*cand)[ACT_REPLY_MAX] = xmalloc(LIST_LEVELS * sizeof *cand);
	char desc[1280], price[64], warn[256] = "";
	struct listing *now = xmalloc(sizeof *now);

	/* as it is now: what is left for sale, not what was first listed */
	*now = *l;
	if (now->qty != now->qty_left) {
		now->qty = now->qty_left;
		now->pieces = 0;
	}
	l = now;
	if (l->price_check)
		rpl_edit_warn_price(warn, sizeof warn, mk_price(l, price, sizeof price), l->id);
	for (int level = 0; level < LIST_LEVELS; level++) {
		describe(a, l, level, desc, sizeof desc);
		rpl_edit_done(cand[level], sizeof cand[level], l->id, desc, warn);
	}
	str_copy(r->text, sizeof r->text, cand[mk_pick(a, cand, LIST_LEVELS)]);
	free(cand);
	free(now);
}

int
act_edit(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct listing *l = xmalloc(sizeof *l);
	struct team_edit e;
	int rc;

	if (mk_limit_reply(c, r)) {
		free(l);
		return 0;
	}
	rc = store_listing_get(a->s, c->listing, l);
	if (rc == STORE_OK && strcmp(l->seller_phone, m->phone) != 0) {
		rpl_edit_not_yours(RPL_TO(r), l->id);
		rc = 1;
	} else if (rc == STORE_OK || rc == STORE_NONE) {
		rc = own_listing(a, m, c, l, r);	/* none, or closed: says which */
	} else if (rc == STORE_ERR) {
		rc = -1;
	}
	if (rc == 0) {
		edit_of(a, l, c, &e);
		if (!e.has_qty && !e.has_price) {	/* 20 CON on a listing in kg */
			act_syntax_reply(c, r);
			rc = 1;
		}
	}
	if (rc == 0)
		rc = store_team_listing_edit(a->s, l->id, &e) == STORE_OK &&
		    store_team_listing_log(a->s, l->id, "edit", a->actor, act_now(a)) == STORE_OK &&
		    store_listing_get(a->s, l->id, l) == STORE_OK ? 0 : -1;
	if (rc == 0)
		edit_reply(a, l, r);
	free(l);
	return rc < 0 ? -1 : 0;
}
