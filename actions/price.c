/*
 * price.c - what buyers and sellers ask: GIA <product> (lowest, median and
 * highest price of the last 14 days from listings and accepted orders, the
 * number of offers, the cheapest commune), GIA alone (the board of the
 * most listed products), and TIM / MUA <product> (open offers nearest
 * first, masked phones, paged: TIM NA 2).
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOARD_MAX 8
#define PAGE_MAX 8

static long long
window_start(const struct actions *a)
{
	return mk_day(act_now(a)) - MK_PRICE_DAYS + 1;
}

/* ---- GIA ---- */

/* stats_line: one basis of GIA; out is at least STATS_LINE bytes */
#define STATS_LINE 600
static void
stats_line(const struct price_stats *ps, char *out, size_t len)
{
	char lo[32], mid[32], hi[32], where[160] = "", deals[48] = "";

	if (ps->cheapest_commune[0])
		rpl_stats_where(where, sizeof where, ps->cheapest_commune);
	if (ps->deals > 0)
		rpl_stats_deals(deals, sizeof deals, ps->deals);
	/* a commune name of 100+ characters: cut (at a character boundary) */
	rpl_stats_line(out, len, mk_money(ps->lo, lo, sizeof lo), mk_money(ps->median, mid, sizeof mid),
	    mk_money(ps->hi, hi, sizeof hi), ps->basis, ps->offers, deals, where);
}

static int
price_of(struct actions *a, const struct command *c, struct act_reply *r)
{
	struct price_stats ps[2];
	char name[128], key[128], line[2][STATS_LINE];
	int n = 0;

	if (store_price_stats(a->s, c->product, window_start(a), 2, ps, &n) != STORE_OK)
		return -1;
	mk_product_key(a, c->product, name, sizeof name);
	mk_keyword(c->product, key, sizeof key);
	if (n == 0) {
		rpl_price_none(RPL_TO(r), name, MK_PRICE_DAYS, key);
		return 0;
	}
	for (int i = 0; i < n; i++)
		stats_line(&ps[i], line[i], sizeof line[i]);
	if (n > 1)
		rpl_price_two(RPL_TO(r), name, MK_PRICE_DAYS, line[0], line[1], key);
	if (n == 1 || !mk_fits(a, r->text))	/* the second basis is the one to go */
		rpl_price_one(RPL_TO(r), name, MK_PRICE_DAYS, line[0], key);
	return 0;
}

static int
price_board(struct actions *a, struct act_reply *r)
{
	char (*prod)[128] = xcalloc(BOARD_MAX, sizeof *prod), item[300], name[128], mid[32];
	char try[ACT_REPLY_MAX], tail[64];
	long long counts[BOARD_MAX];
	struct price_stats ps;
	int n = 0, k, rc = 0;

	rpl_board_tail(tail, sizeof tail);
	if (store_price_board(a->s, window_start(a), BOARD_MAX, prod, counts, &n) != STORE_OK)
		rc = -1;
	if (rc == 0 && n == 0)
		rpl_board_none(RPL_TO(r), MK_PRICE_DAYS);
	else if (rc == 0)
		rpl_board_head(RPL_TO(r), MK_PRICE_DAYS);
	for (int i = 0; rc == 0 && i < n; i++) {
		if (store_price_main(a->s, prod[i], window_start(a), &ps, &k) != STORE_OK) {
			rc = -1;
			break;
		}
		mk_product_key(a, prod[i], name, sizeof name);
		if (k > 0)
			rpl_board_item(item, sizeof item, name, mk_money(ps.median, mid, sizeof mid), ps.basis,
			    counts[i]);
		else
			rpl_board_item_free(item, sizeof item, name, counts[i]);
		if (snprintf(try, sizeof try, "%s%s%s", r->text, item, tail) >= (int)sizeof try ||
		    !mk_fits(a, try))
			break;
		str_copy(r->text + strlen(r->text), sizeof r->text - strlen(r->text), item);
	}
	if (rc == 0 && n > 0)
		str_copy(r->text + strlen(r->text), sizeof r->text - strlen(r->text), tail);
	free(prod);
	return rc;
}

int
act_price(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	(void)m;
	return c->product[0] ? price_of(a, c, r) : price_board(a, r);
}

/* ---- TIM ---- */

/* page_size: how many offers a page holds in max_segments; an offer takes
 * about 50 characters, the header and the hints about 110. */
static int
page_size(const struct actions *a)
{
	long long n = ((long long)mk_budget(a) - 110) / 50;

	return n < 1 ? 1 : n > PAGE_MAX ? PAGE_MAX : (int)n;
}

/* offer writes one listing of a result page; level 0 is the full form,
 * 1 drops the variety, 2 the village too. */
static void
offer(const struct actions *a, const struct listing *l, int level, char *out, size_t len)
{
	char qty[48], price[64], phone[24], var[160] = "", place[160] = "";

	if (level < 1 && (l->variety[0] || l->grade))
		rpl_offer_variety(var, sizeof var, l->variety, l->grade ? " L" : "", l->grade);
	if (level < 2)
		snprintf(place, sizeof place, " %s", l->village);
	phone_mask(l->seller_phone, phone, sizeof phone);
	rpl_offer(out, len, l->id, var, mk_qty(l->qty_left, l->unit, qty, sizeof qty),
	    mk_price(l, price, sizeof price), place, phone);
	(void)a;
}

static void
search_page(const struct actions *a, const struct command *c, const struct listing *l, int n,
    bool more, int page, struct act_reply *r)
{
	char name[128], key[128], tail[200], items[ACT_REPLY_MAX], one[600];

	mk_product_key(a, c->product, name, sizeof name);
	mk_keyword(c->product, key, sizeof key);
	if (more)
		rpl_search_tail_more(tail, sizeof tail, mk_per(&l[0]), key, page + 1);
	else
		rpl_search_tail(tail, sizeof tail, mk_per(&l[0]));
	/* shorter offers rather than a cut page: the hint must arrive */
	for (int level = 0; level < 3; level++) {
		items[0] = '\0';
		for (int i = 0; i < n; i++) {
			offer(a, &l[i], level, one, sizeof one);
			str_copy(items + strlen(items), sizeof items - strlen(items), one);
		}
		if (page > 1)
			rpl_search_page(RPL_TO(r), name, page, items, tail);
		else
			rpl_search_first(RPL_TO(r), name, items, tail);
		if (mk_fits(a, r->text))
			return;
	}
}

/* anchor: where "nearest" is measured from: the place named (O <place>),
 * else the buyer's own village. */
struct anchor_ctx {
	char want[CMD_WORD_MAX * 2];
	char code[8];
	bool commune_only;
};

static int
match_place(const struct village *v, void *arg)
{
	struct anchor_ctx *x = arg;
	char f[256];

	parser_fold(v->name, strlen(v->name), f, sizeof f);
	if (strcmp(f, x->want) == 0) {
		snprintf(x->code, sizeof x->code, "%s", v->code);
		x->commune_only = false;
		return 1;
	}
	parser_fold(v->commune, strlen(v->commune), f, sizeof f);
	if (strcmp(f, x->want) == 0 && x->code[0] == '\0') {
		snprintf(x->code, sizeof x->code, "%s", v->code);
		x->commune_only = true;
	}
	return 0;
}

static int
anchor(struct actions *a, const struct mo *m, const struct command *c, struct market_query *q)
{
	struct market_who w;
	struct anchor_ctx x;

	if (c->place[0]) {
		memset(&x, 0, sizeof x);
		parser_fold(c->place, strlen(c->place), x.want, sizeof x.want);
		if (strncmp(x.want, "XA ", 3) == 0 || strncmp(x.want, "THON ", 5) == 0)
			memmove(x.want, strchr(x.want, ' ') + 1, strlen(strchr(x.want, ' ')));
		if (store_village_each(a->s, match_place, &x) == STORE_ERR)
			return -1;
		if (x.code[0]) {
			if (store_market_anchor(a->s, x.code, &q->village_id, &q->commune_id) == STORE_ERR)
				return -1;
			if (x.commune_only)
				q->village_id = 0;
			return 0;
		}
	}
	if (store_market_who(a->s, m->phone, &w) == STORE_ERR)
		return -1;
	q->village_id = w.village_id;
	q->commune_id = w.commune_id;
	return 0;
}

int
act_search(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct market_query q;
	int size = page_size(a), page = 1, n = 0, rc = 0;
	struct listing *l = xcalloc((size_t)size + 1, sizeof *l);
	char name[128], key[128];

	memset(&q, 0, sizeof q);
	q.product = c->product;
	page = c->page > 1 ? c->page : 1;	/* TIM NA 2 (§7: the parser reads it) */
	if (c->has_qty) {
		q.min_qty = c->qty.amount;
		q.unit = c->qty.unit;
	}
	if (anchor(a, m, c, &q) < 0 ||
	    store_listing_search(a->s, &q, (page - 1) * size, size + 1, l, &n) != STORE_OK)
		rc = -1;
	if (rc == 0 && n == 0) {
		mk_product_key(a, c->product, name, sizeof name);
		mk_keyword(c->product, key, sizeof key);
		if (page > 1)
			rpl_search_empty_page(RPL_TO(r), name, page, key);
		else if (q.min_qty)
			rpl_search_none_qty(RPL_TO(r), name, key);
		else
			rpl_search_none(RPL_TO(r), name, key);
	} else if (rc == 0) {
		search_page(a, c, l, n > size ? size : n, n > size, page, r);
	}
	/* MUA <qty> then means the one listing shown, or asks which of several */
	if (rc == 0 && store_shown_set(a->s, m->phone, n == 1 ? l[0].id : 0, act_now(a)) != STORE_OK)
		rc = -1;
	free(l);
	return rc;
}
