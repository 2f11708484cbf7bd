/*
 * ussd.c - one USSD step: the session's stored state and the user's input go
 * through the menus engine; the screen comes back as the reply (ussd_end for
 * an END), and a finished menu becomes the same struct command an SMS gives
 * and runs the same action, its reply shown as the last screen. Sessions
 * live in storage (ussd_sessions), written in the step's own transaction.
 * Not here: the transports (gateway/http.c reads Kannel's meta-data and
 * POST /ussd) and the menus themselves (conf/menus.conf, menus/).
 */
#include "actions/actions_int.h"
#include "menus/menu.h"
#include "storage/store.h"
#include "common/common.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_TIMEOUT 120	/* [ussd] session_timeout default, seconds */

struct step_ctx {
	struct actions *a;
	const struct mo *m;
};

/* kinds_of: the units a product is offered in, from how the lexicon says
 * it is sold (livestock by the head: "con"; other counted goods: "qua",
 * "bo", ...). */
static unsigned
kinds_of(unsigned sold_by)
{
	unsigned k = 0;

	if (sold_by & PARSER_BY_WEIGHT)
		k |= MENU_KIND_WEIGHT;
	if (sold_by & PARSER_BY_PIECE)
		k |= (sold_by & PARSER_BY_HEAD) ? MENU_KIND_HEAD : MENU_KIND_PIECE;
	return k;
}

/* The lexicon's products as choices, made once per thread and lexicon
 * (a reload changes the generation, even if the new parser sits at the old
 * one's address). */
static _Thread_local const struct parser *products_of;
static _Thread_local unsigned long products_gen;
static _Thread_local struct menu_item products[MENU_ITEMS_MAX];
static _Thread_local int nproducts;

static int
fetch_products(const struct parser *p, struct menu_item *out, int max, int *n)
{
	if (products_of != p || products_gen != act_lexicon_generation()) {
		int count = parser_product_count(p);

		nproducts = 0;
		for (int i = 0; i < count && nproducts < MENU_ITEMS_MAX; i++) {
			const char *key, *display;
			struct menu_item *it = &products[nproducts];

			if (parser_product_at(p, i, &key, &display) < 0)
				break;
			memset(it, 0, sizeof *it);
			str_copy(it->key, sizeof it->key, key);
			menu_gsm_clean(display, it->label, sizeof it->label);
			it->kinds = kinds_of(parser_product_sold_by(p, key));
			nproducts++;
		}
		products_of = p;
		products_gen = act_lexicon_generation();
	}
	*n = nproducts < max ? nproducts : max;
	memcpy(out, products, sizeof *out * (size_t)*n);
	return 0;
}

/* fetch_broadcasts: the last three notices of the phone's village, each
 * with the day it was sent. Their whole text stays in notices[] for the
 * step (menu_item.text points there). */
static _Thread_local char notices[3][OUTBOX_TEXT_MAX];

static int
fetch_broadcasts(struct actions *a, const char *phone, struct menu_item *out, int max, int *n)
{
	static _Thread_local struct broadcast_report b[3];
	struct person who;
	int rc, got = 0;

	rc = store_person_by_phone(a->s, phone, &who);
	if (rc == STORE_NONE || (rc == STORE_OK && who.village_code[0] == '\0'))
		return 0;
	if (rc != STORE_OK ||
	    store_broadcast_recent(a->s, who.village_code, max < 3 ? max : 3, b, &got) != STORE_OK)
		return -1;
	for (int i = 0; i < got; i++) {
		struct menu_item *it = &out[(*n)++];
		char *text = notices[i], start[25], line[64];
		const char *label;
		time_t at = (time_t)b[i].send_at;
		struct tm tm;

		memset(it, 0, sizeof *it);
		it->id = b[i].id;
		if (at > 0 && localtime_r(&at, &tm) != NULL)
			strftime(it->when, sizeof it->when, "%d/%m", &tm);
		menu_gsm_clean(b[i].text, text, sizeof notices[i]);
		/* a notice may be a whole SMS: the list shows its start, without
		 * the "[TB village]" prefix every notice of the village has */
		label = text;
		if (label[0] == '[' && strchr(label, ']') != NULL)
			label = strchr(label, ']') + 1;
		while (*label == ' ')
			label++;
		/* the day and the first 24 bytes (three notices fit a page),
		 * cut on a character boundary (GSM-7 has a few two-byte
		 * characters: £, ¥, è, ...) */
		str_copy(start, sizeof start, label);
		for (size_t k = strlen(start); k > 0 && start[k - 1] == ' '; k--)
			start[k - 1] = '\0';
		snprintf(line, sizeof line, "%s%s%s", it->when, it->when[0] ? " " : "", start);
		str_copy(it->label, sizeof it->label, line);
		it->text = text;	/* render.c pages through it */
	}
	return 0;
}

/* amount writes a quantity as people say it: "50kg", "1.5kg", "20 con". */
static void
amount(long long qty, const char *unit, char *out, size_t outlen)
{
	if (strcmp(unit, "g") != 0)
		snprintf(out, outlen, "%lld %s", qty, unit);
	else if (qty % 1000 == 0)
		snprintf(out, outlen, "%lldkg", qty / 1000);
	else
		snprintf(out, outlen, "%lld.%lldkg", qty / 1000, (qty % 1000) / 100);
}

/* price_short: "30k" per kg or piece, "TT" (thoa thuan) when negotiable. */
static void
price_short(long long unit_price, char *out, size_t outlen)
{
	if (unit_price <= 0)
		snprintf(out, outlen, "TT");
	else if (unit_price % 1000 == 0)
		snprintf(out, outlen, "%lldk", unit_price / 1000);
	else
		snprintf(out, outlen, "%lld", unit_price);
}

/* gsm_name: a village or product name as a label, 16 bytes at most, from a
 * few names remembered per thread (a list cleans 24 of them a step, and a
 * province has few names; cleaning strips diacritics with utf8proc). */
static const char *
gsm_name(const char *name)
{
	static _Thread_local struct { char raw[64], clean[17]; } memo[32];
	static _Thread_local unsigned next;
	unsigned i;

	for (i = 0; i < 32; i++)
		if (strcmp(memo[i].raw, name) == 0 && memo[i].raw[0] != '\0')
			return memo[i].clean;
	if (strlen(name) >= sizeof memo[0].raw) {
		static _Thread_local char once[17];

		menu_gsm_clean(name, once, sizeof once);
		return once;
	}
	i = next++ % 32;
	str_copy(memo[i].raw, sizeof memo[i].raw, name);
	menu_gsm_clean(name, memo[i].clean, sizeof memo[i].clean);
	return memo[i].clean;
}

/* listing_item: one listing as a choice; with_product for "my listings"
 * (a search list is of one product already), else the village. */
static void
listing_item(const struct parser *p, const struct listing *l, bool with_product,
    struct menu_item *it)
{
	const char *disp = parser_product_display(p, l->product);
	char qty[32], price[24], label[160];
	const char *what;

	memset(it, 0, sizeof *it);
	it->id = l->id;
	str_copy(it->unit, sizeof it->unit, strcmp(l->unit, "g") == 0 ? "kg" : l->unit);
	it->price = l->unit_price;
	it->left = l->qty_left;
	amount(l->qty_left, l->unit, qty, sizeof qty);
	price_short(l->unit_price, price, sizeof price);
	/* 16 bytes of the name at most, cut on a character boundary */
	what = gsm_name(with_product ? (disp ? disp : l->product) : l->village);
	snprintf(label, sizeof label, "#%lld %s %s %s", l->id, qty, price, what);
	str_copy(it->label, sizeof it->label, label);
}

/* The market lists are read into per-thread buffers: a listing is about
 * 1.5 KB, too much for the stack of a step that may hold 24 of them. */
#define MARKET_MAX 24
static _Thread_local struct listing mk_listings[MARKET_MAX];
static _Thread_local struct order mk_orders[MARKET_MAX];

static int
fetch_listings(struct actions *a, const char *phone, const struct menu_vals *v, bool mine,
    struct menu_item *out, int max, int *n)
{
	struct market_who who;
	struct market_query q = {0};
	int rc, got = 0;

	if (max > MARKET_MAX)
		max = MARKET_MAX;
	rc = store_market_who(a->s, phone, &who);
	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE)
		memset(&who, 0, sizeof who);
	if (mine) {
		if (who.person_id == 0)
			return 0;
		rc = store_listing_mine(a->s, who.person_id, max, mk_listings, &got);
	} else {
		q.product = v->product;
		q.village_id = who.village_id;
		q.commune_id = who.commune_id;
		q.brief = true;		/* listing_item reads no more */
		rc = store_listing_search(a->s, &q, 0, max, mk_listings, &got);
	}
	if (rc != STORE_OK)
		return -1;
	for (int i = 0; i < got; i++)
		listing_item(a->p, &mk_listings[i], mine, &out[(*n)++]);
	return 0;
}

/* fetch_orders: pending orders on the phone's own listings (to accept or
 * decline), newest first. Every order the phone is in is read, not just
 * what a page shows: only the pending ones on its own listings are kept. */
static int
fetch_orders(struct actions *a, const char *phone, struct menu_item *out, int *n)
{
	struct market_who who;
	int rc, got = 0;

	rc = store_market_who(a->s, phone, &who);
	if (rc == STORE_NONE || (rc == STORE_OK && who.person_id == 0))
		return 0;
	if (rc != STORE_OK || store_order_mine(a->s, phone, who.person_id, 0, MARKET_MAX, mk_orders,
	    &got) != STORE_OK)
		return -1;
	for (int i = 0; i < got; i++) {
		const struct order *o = &mk_orders[i];
		const char *disp = parser_product_display(a->p, o->l.product);
		struct menu_item *it;
		char qty[32], what[48], buyer[24], label[160];

		if (o->l.seller_id != who.person_id || strcmp(o->status, "pending") != 0)
			continue;
		it = &out[(*n)++];
		memset(it, 0, sizeof *it);
		it->id = o->id;
		amount(o->qty, o->l.unit, qty, sizeof qty);
		menu_gsm_clean(disp ? disp : o->l.product, what, 15);	/* 14 bytes at most */
		phone_mask(o->buyer_phone, buyer, sizeof buyer);
		snprintf(label, sizeof label, "#%lld %s %s %s", o->id, what, qty, buyer);
		str_copy(it->label, sizeof it->label, label);
	}
	return 0;
}

int
act_read_begin(struct actions *a)
{
	if (!a->read_txn || a->in_read)
		return 0;
	if (store_begin_read(a->s) != STORE_OK)
		return -1;
	a->in_read = true;
	return 0;
}

/* own_phone: whose listings and orders "mine" means: the household of "Giup ho
 * khac" once its phone was taken (checked then: MENU_CHECK_TEAM), else the
 * caller's own */
static const char *
own_phone(const struct step_ctx *x, const struct menu_vals *v)
{
	return v->for_phone[0] != '\0' ? v->for_phone : x->m->phone;
}

static int
fetch_now(void *arg, enum menu_src src, const struct menu_vals *v, struct menu_item *out,
    int max, int *n)
{
	struct step_ctx *x = arg;

	*n = 0;
	if (src != MENU_SRC_PRODUCTS && act_read_begin(x->a) < 0)
		return -1;
	switch (src) {
	case MENU_SRC_PRODUCTS:
		return fetch_products(x->a->p, out, max, n);
	case MENU_SRC_BROADCASTS:
		return fetch_broadcasts(x->a, x->m->phone, out, max, n);
	case MENU_SRC_LISTINGS:
		return fetch_listings(x->a, x->m->phone, v, false, out, max, n);
	case MENU_SRC_MY_LISTINGS:
		return fetch_listings(x->a, own_phone(x, v), v, true, out, max, n);
	case MENU_SRC_MY_ORDERS:
		return fetch_orders(x->a, own_phone(x, v), out, n);
	case MENU_SRC__COUNT:
		break;
	}
	return 0;
}

/* One step asks for the same list up to three times (is it empty? draw it;
 * which item was chosen?): the answers are kept for the step, keyed by
 * source and product, with how many were asked for (a step that pages on
 * asks for more). Data cannot change inside the step's transaction except
 * by the command that ends it, which asks for nothing after. */
static _Thread_local struct fetch_cache {
	bool valid;
	char product[48];
	char for_phone[20];		/* "mine" is this household's (own_phone) */
	int asked, n;
	struct menu_item items[MENU_ITEMS_MAX];
} cache[MENU_SRC__COUNT];

static void
fetch_cache_clear(void)
{
	for (int i = 0; i < MENU_SRC__COUNT; i++)
		cache[i].valid = false;
}

static int
fetch(void *arg, enum menu_src src, const struct menu_vals *v, struct menu_item *out, int max,
    int *n)
{
	struct fetch_cache *c = &cache[src];

	/* what was read answers when it is all there is, or enough */
	if (!c->valid || strcmp(c->product, v->product) != 0 ||
	    strcmp(c->for_phone, v->for_phone) != 0 || (c->n == c->asked && c->asked < max)) {
		if (fetch_now(arg, src, v, c->items, max, &c->n) < 0)
			return -1;
		str_copy(c->product, sizeof c->product, v->product);
		str_copy(c->for_phone, sizeof c->for_phone, v->for_phone);
		c->asked = max;
		c->valid = true;
	}
	*n = c->n < max ? c->n : max;
	memcpy(out, c->items, sizeof *out * (size_t)*n);
	return 0;
}

/* ---- checks: the user hears of a problem at the step where it is known ---- */

static _Thread_local struct listing chk_listing;
static _Thread_local struct order chk_order;

/* closed: why listing l cannot be used any more */
static void
closed(const struct listing *l, char *why, size_t n)
{
	if (strcmp(l->status, "sold_out") == 0)
		rpl_ussd_listing_sold_out(why, n, l->id);
	else
		rpl_ussd_listing_cancelled(why, n, l->id);
}

/* check_listing: listing v->listing can be ordered by phone; its unit,
 * price, stock and product become the order's. */
static int
check_listing(struct actions *a, const char *phone, struct menu_vals *v, char *why, size_t n)
{
	const struct listing *l = &chk_listing;
	const char *disp;
	int rc = store_listing_get(a->s, v->listing, &chk_listing);

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE)
		rpl_ussd_no_listing(why, n, v->listing);
	else if (strcmp(l->status, "open") != 0)
		closed(l, why, n);
	else if (strcmp(l->seller_phone, phone) == 0)
		rpl_ussd_own_listing(why, n, l->id);
	else {
		str_copy(v->unit, sizeof v->unit, strcmp(l->unit, "g") == 0 ? "kg" : l->unit);
		v->price = l->unit_price;
		v->left = l->qty_left;
		str_copy(v->product, sizeof v->product, l->product);
		disp = parser_product_display(a->p, l->product);
		menu_gsm_clean(disp ? disp : l->product, v->product_label, sizeof v->product_label);
		return 0;
	}
	return 1;
}

static int
check_my_listing(struct actions *a, const char *phone, struct menu_vals *v, char *why,
    size_t n)
{
	const struct listing *l = &chk_listing;
	int rc = store_listing_get(a->s, v->listing, &chk_listing);

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE)
		rpl_ussd_no_listing(why, n, v->listing);
	else if (strcmp(l->seller_phone, phone) != 0)
		rpl_ussd_not_my_listing(why, n, l->id);
	else if (strcmp(l->status, "open") != 0)
		closed(l, why, n);
	else {
		/* SUA asks the new price per its unit and the quantity in it */
		str_copy(v->unit, sizeof v->unit, strcmp(l->unit, "g") == 0 ? "kg" : l->unit);
		v->left = l->qty_left;
		str_copy(v->product, sizeof v->product, l->product);
		return 0;
	}
	return 1;
}

static int
check_my_order(struct actions *a, const char *phone, struct menu_vals *v, char *why, size_t n)
{
	const struct order *o = &chk_order;
	int rc = store_order_get(a->s, v->order, &chk_order);

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE)
		rpl_ussd_no_order(why, n, v->order);
	else if (strcmp(o->l.seller_phone, phone) != 0)
		rpl_ussd_not_my_order(why, n, o->id);
	else if (strcmp(o->status, "accepted") == 0)
		rpl_ussd_order_accepted(why, n, o->id);
	else if (strcmp(o->status, "declined") == 0)
		rpl_ussd_order_declined(why, n, o->id);
	else if (strcmp(o->status, "expired") == 0)
		rpl_ussd_order_expired(why, n, o->id);
	else if (strcmp(o->status, "pending") != 0)
		rpl_ussd_order_cancelled(why, n, o->id);
	else
		return 0;
	return 1;
}

/* check_stock: v->qty of v->unit is at most what listing v->listing has
 * left now (read again: another buyer may have taken some meanwhile). */
static int
check_stock(struct actions *a, struct menu_vals *v, char *why, size_t n)
{
	const struct listing *l = &chk_listing;
	int rc = store_listing_get(a->s, v->listing, &chk_listing);
	bool weight = rc == STORE_OK && strcmp(l->unit, "g") == 0;
	long long want = v->qty;
	char left[32];

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE || strcmp(l->status, "open") != 0) {
		rpl_ussd_not_for_sale(why, n, v->listing);
		return 1;
	}
	v->left = l->qty_left;
	if (weight && __builtin_mul_overflow(v->qty, 1000LL, &want))
		want = LLONG_MAX;
	if (want <= l->qty_left)
		return 0;
	amount(l->qty_left, l->unit, left, sizeof left);
	rpl_ussd_only_left(why, n, l->id, left);
	return 1;
}

/* price_check: the SMS listing's plausibility test (parser/trade.c) for
 * a price the menu asked per kg or per piece. */
static int
price_check(const struct actions *a, const char *product, long long price, bool per_kg)
{
	return parser_price_check(a->p, product, "", price, per_kg);
}

static int
check(void *arg, enum menu_check what, struct menu_vals *v, char *why, size_t n)
{
	struct step_ctx *x = arg;
	struct market_who who;
	int rc;

	if (what != MENU_CHECK_PRICE && act_read_begin(x->a) < 0)
		return -1;
	switch (what) {
	case MENU_CHECK_REGISTERED:
		rc = store_market_who(x->a->s, x->m->phone, &who);
		if (rc == STORE_ERR)
			return -1;
		return rc == STORE_OK && who.village_id != 0 ? 0 : 1;
	case MENU_CHECK_LISTING:
		return check_listing(x->a, x->m->phone, v, why, n);
	case MENU_CHECK_MY_LISTING:
		return check_my_listing(x->a, own_phone(x, v), v, why, n);
	case MENU_CHECK_MY_ORDER:
		return check_my_order(x->a, own_phone(x, v), v, why, n);
	case MENU_CHECK_STOCK:
		return check_stock(x->a, v, why, n);
	case MENU_CHECK_PRICE:
		v->price_check = price_check(x->a, v->product, v->price,
		    menu_unit_is_weight(v->unit));
		return 0;
	case MENU_CHECK_TEAM:
		return act_team_check(x->a, x->m->phone, v->for_phone, why, n);
	case MENU_CHECK__COUNT:
		break;
	}
	return 0;
}

/* trace logs transitions when the daemon runs with -v (style.md §6), the
 * phone masked. */
static void
trace(void *arg, const char *from, const char *to)
{
	struct step_ctx *x = arg;
	const char *sub = strchr(x->m->session, '/');
	char masked[24];

	if (!x->a->conf.trace_menus)
		return;
	phone_mask(x->m->phone, masked, sizeof masked);
	/* Kannel ids are phone/its_session_info: print the phone masked */
	if (x->m->channel == MO_USSD_KANNEL)
		fprintf(stderr, "menu: sess=%s%s %s -> %s\n", masked, sub ? sub : "", from, to);
	else
		fprintf(stderr, "menu: sess=%s %s -> %s\n", x->m->session, from, to);
}

/* ---- one step ---- */

struct step {
	const struct menu_def *d;	/* the menus (actions_conf.menus) */
	struct ussd_session row;	/* the phone's latest session; then as stored */
	struct menu_sess sess;
	struct menu_out out;
	bool have_row;			/* the phone had a session before */
	bool same;			/* ... and it is this one */
};

long long
act_ussd_timeout(const struct actions *a)
{
	return a->conf.session_timeout > 0 ? a->conf.session_timeout : DEFAULT_TIMEOUT;
}

/* silent: the stored session has seen no step for longer than the timeout
 * (the network has dropped it by then; it is over for us too). */
static bool
silent(const struct actions *a, const struct step *st)
{
	return act_now(a) - st->row.updated_at > act_ussd_timeout(a);
}

/* start: a new session. The phone's previous one, if it was dropped (not
 * ended, not silent for longer than the timeout) away from home, is
 * offered to be continued. */
static int
start(struct actions *a, const struct menu_io *io, struct step *st)
{
	const struct menu_def *d = st->d;

	if (st->have_row && !st->row.ended && !silent(a, st) &&
	    menu_sess_decode(d, st->row.state, &st->sess) == 0 && !st->sess.ended &&
	    (st->sess.screen != 0 || st->sess.depth > 0))
		return menu_offer_resume(d, &st->sess, io, &st->out);
	return menu_start(d, &st->sess, io, &st->out);
}

/* replay: the HTTP history is authoritative; without a stored state that
 * matches it, run every input again from home. */
static int
replay(const struct menu_io *io, const char *hist, struct step *st)
{
	char buf[USSD_HIST_MAX], *save = NULL, *in;

	if (menu_start(st->d, &st->sess, io, &st->out) < 0)
		return -1;
	str_copy(buf, sizeof buf, hist);
	for (in = strtok_r(buf, "*", &save); in != NULL; in = strtok_r(NULL, "*", &save))
		if (menu_step(st->d, &st->sess, in, io, &st->out) < 0)
			return -1;
	return 0;
}

static void
gone(struct step *st, const char *why)
{
	st->sess.ended = true;
	st->out.result = MENU_END;
	str_copy(st->out.screen, sizeof st->out.screen, why);
}

#define EXPIRED "Phien da het thoi gian. Xin quay so lai de bat dau."

/*
 * dial_shortcut: a dial of *868*1# (or *868*3*1#) is home and then each
 * choice after the service code, as if typed one by one; a fresh session,
 * never the offer to resume. 1 when code had choices, 0 when it had none,
 * -1 when io.fetch failed.
 */
static int
dial_shortcut(const struct menu_io *io, const char *code, struct step *st)
{
	char buf[USSD_HIST_MAX], *save = NULL, *in, *end;
	const char *p = strchr(code[0] == '*' ? code + 1 : code, '*');

	if (p == NULL || p[1] == '\0' || p[1] == '#')
		return 0;
	str_copy(buf, sizeof buf, p + 1);
	if ((end = strchr(buf, '#')) != NULL)
		*end = '\0';
	if (menu_start(st->d, &st->sess, io, &st->out) < 0)
		return -1;
	for (in = strtok_r(buf, "*", &save); in != NULL && st->out.result == MENU_CONTINUE;
	    in = strtok_r(NULL, "*", &save))
		if (menu_step(st->d, &st->sess, in, io, &st->out) < 0)
			return -1;
	return 1;
}

/* step_kannel: op 1 is a dial (text is the service code), anything else the
 * user's answer to our last screen. */
static int
step_kannel(struct actions *a, const struct mo *m, const struct menu_io *io, struct step *st)
{
	int rc;

	if (m->ussd_op == 1 && (rc = dial_shortcut(io, m->text, st)) != 0)
		return rc < 0 ? -1 : 0;
	if (m->ussd_op == 1)
		return start(a, io, st);
	if (!st->same || silent(a, st) || menu_sess_decode(st->d, st->row.state, &st->sess) < 0) {
		gone(st, EXPIRED);
		return 0;
	}
	return menu_step(st->d, &st->sess, m->text, io, &st->out);
}

/* step_http: text "" is a new session; else text is every input so far,
 * '*'-joined, and the last one is this step's. */
static int
step_http(struct actions *a, const struct mo *m, const struct menu_io *io, struct step *st)
{
	const char *last = strrchr(m->text, '*');
	size_t prefix = last ? (size_t)(last - m->text) : 0;

	if (m->text[0] == '\0')
		return start(a, io, st);
	if (st->same && silent(a, st)) {
		gone(st, EXPIRED);
		return 0;
	}
	if (st->same && strlen(st->row.hist) == prefix &&
	    strncmp(st->row.hist, m->text, prefix) == 0 &&
	    menu_sess_decode(st->d, st->row.state, &st->sess) == 0)
		return menu_step(st->d, &st->sess, last ? last + 1 : m->text, io, &st->out);
	return replay(io, m->text, st);
}

/* act_ussd_finish runs the command a finished menu built and fits its
 * reply on the last screen. */
int
act_ussd_finish(struct actions *a, const struct mo *m, struct command *c, struct act_reply *r)
{
	char clean[ACT_REPLY_MAX];

	/* a listing by menu is judged as one by SMS, whatever the menus file
	 * checks on the way (an implausible price stays out of GIA) */
	if (c->action == CMD_LIST && c->has_price &&
	    price_check(a, c->product, c->price.vnd, strcmp(c->price.per, "kg") == 0) != 0)
		str_copy(c->check, sizeof c->check, "price");
	snprintf(r->action, sizeof r->action, "USSD_%s", cmd_action_name(c->action));
	if (act_run_command(a, m, c, r) < 0)
		return -1;
	menu_gsm_clean(r->text, clean, sizeof clean);
	/* the reply of the finished command, on one screen */
	text_fit(clean, sizeof clean, MENU_SCREEN_MAX, SMS_GSM7);
	str_copy(r->text, sizeof r->text, clean);
	r->coding = 0;
	r->ussd_end = true;
	return 0;
}

int
act_ussd_step(struct actions *a, const struct mo *m, struct ussd_session *row, bool have_row,
    struct act_reply *r, struct command *cmd)
{
	static _Thread_local struct step st;
	struct step_ctx x = {a, m};
	struct menu_io io = {fetch, trace, &x, check};
	int rc;

	st.d = a->conf.menus;
	if (st.d == NULL) {
		rpl_ussd_off(RPL_TO(r), a->conf.sender);
		r->ussd_end = true;
		return 0;
	}
	fetch_cache_clear();
	if (have_row)
		st.row = *row;
	else
		memset(&st.row, 0, sizeof st.row);
	st.out.screen[0] = '\0';
	st.out.cut = false;
	st.have_row = have_row;
	st.same = st.have_row && strcmp(st.row.session, m->session) == 0;
	str_copy(st.row.session, sizeof st.row.session, m->session);
	str_copy(st.row.phone, sizeof st.row.phone, m->phone);
	st.out.result = MENU_CONTINUE;
	if (m->channel == MO_USSD_HTTP)
		rc = step_http(a, m, &io, &st);
	else
		rc = step_kannel(a, m, &io, &st);
	if (rc < 0)
		return -1;
	str_copy(st.row.hist, sizeof st.row.hist, m->channel == MO_USSD_HTTP ? m->text : "");
	st.row.ended = st.out.result != MENU_CONTINUE;
	st.row.updated_at = act_now(a);
	if (menu_sess_encode(st.d, &st.sess, st.row.state, sizeof st.row.state) < 0)
		return -1;
	*row = st.row;
	if (st.out.result == MENU_COMMAND) {
		*cmd = st.out.cmd;
		return 1;
	}
	str_copy(r->text, sizeof r->text, st.out.screen);
	r->coding = 0;
	r->ussd_end = st.out.result != MENU_CONTINUE;
	return 0;
}

bool
act_ussd_reads_only(const struct command *c)
{
	static const unsigned char reads[CMD__COUNT] = {
#define CMD(id, json, reader, action, ussd, ...) [CMD_##id] = (ussd) == 2,
#include "parser/commands.def"
#undef CMD
	};

	return (int)c->action >= 0 && c->action < CMD__COUNT && reads[c->action];
}

int
act_ussd(struct actions *a, const struct mo *m, struct act_reply *r)
{
	static _Thread_local struct ussd_session row;
	static _Thread_local struct command cmd;
	bool have;
	int rc;

	if (a->conf.menus == NULL)
		return act_ussd_step(a, m, &row, false, r, &cmd);
	rc = store_ussd_get(a->s, m->phone, &row);
	if (rc == STORE_ERR)
		return -1;
	have = rc == STORE_OK;
	if ((rc = act_ussd_step(a, m, &row, have, r, &cmd)) < 0)
		return -1;
	if (rc == 1 && act_ussd_finish(a, m, &cmd, r) < 0)
		return -1;
	return store_ussd_put(a->s, &row) == STORE_OK ? 0 : -1;
}
