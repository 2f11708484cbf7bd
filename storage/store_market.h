/*
 * store_market.h - the marketplace (issue 4): listings, orders, follows,
 * what a phone was last shown, alert counts, price statistics and the
 * province's figures. Included by store.h; implemented in storage/market.c.
 * Same conventions as store.h (STORE_OK / STORE_ERR / STORE_NONE). Times are
 * unix seconds; quantities are grams (unit "g") or pieces (a count unit).
 */
#ifndef LANGSO_STORE_MARKET_H
#define LANGSO_STORE_MARKET_H

/* Who a phone is, for the market: a household has a village. */
struct market_who {
	long long person_id;		/* 0: not in people */
	long long village_id;		/* 0: no village (not a registered household) */
	long long commune_id;
	bool opted_out;
	char name[128];
	char village[128];		/* village name */
	char commune[128];
};

/* store_market_who fills *w for phone, or STORE_NONE when the phone is
 * unknown (then *w is zeroed). */
int store_market_who(struct store *s, const char *phone, struct market_who *w);

#define MARKET_NOTE_MAX 320	/* notes are shown in replies of at most a few SMS */

struct listing {
	long long id;			/* the number sellers and buyers type */
	long long seller_id, village_id, commune_id;
	char seller_phone[20];
	char seller_name[128];
	char village[128], commune[128];
	char product[128];		/* lexicon key or folded words */
	char variety[128];
	int grade;
	char unit[16];			/* "g" or a count unit */
	long long qty;			/* as listed */
	long long qty_left;		/* what is still for sale */
	int pieces;
	long long price_vnd;		/* as typed; 0: negotiable */
	char price_per[8];		/* "kg", "unit", "lot"; "" when negotiable */
	long long unit_price;		/* per kg (unit "g") or per piece; 0: negotiable */
	bool price_check;		/* outside the lexicon's plausible range */
	char note[MARKET_NOTE_MAX];
	char contact[20];
	char status[12];		/* "open", "sold_out", "cancelled" */
	long long created_at;
};

/*
 * store_listing_add inserts l (id, status, seller/village names ignored) and
 * counts it in the price statistics under day (days since the epoch, local);
 * sets l->id. In the caller's transaction or its own.
 */
int store_listing_add(struct store *s, struct listing *l, long long day);

/* store_listing_get fills *out (names included) or STORE_NONE. */
int store_listing_get(struct store *s, long long id, struct listing *out);

/*
 * store_listing_close moves an open listing to status ("sold_out" or
 * "cancelled"); a cancelled listing leaves the price statistics (it was a
 * mistake or withdrawn). STORE_NONE when it was not open.
 */
int store_listing_close(struct store *s, long long id, const char *status, long long now);

/*
 * store_listing_reserve takes qty off an open listing if at least that much
 * is left (one conditional UPDATE: of two orders racing for the last 20 kg
 * only one can pass); a listing left with nothing becomes "sold_out".
 * *left is what remains. STORE_NONE when there was not enough (or it was
 * not open): then nothing changed.
 */
int store_listing_reserve(struct store *s, long long id, long long qty, long long now,
    long long *left);

/* A search: open listings of product, nearest to (village_id, commune_id)
 * first (same village, same commune, the province), newest first within
 * each. min_qty > 0 keeps listings with at least that much of unit left. */
struct market_query {
	const char *product;
	long long village_id, commune_id;	/* 0: no anchor */
	long long min_qty;
	const char *unit;
	bool brief;			/* only id, product, unit, qty_left, unit_price
					 * and village are read (a USSD list) */
};

/* store_listing_search copies up to max listings starting at offset into
 * out; *n is how many. Every query is driven by a partial index on open
 * listings, so cost grows with offset + max, not with the table. */
int store_listing_search(struct store *s, const struct market_query *q, int offset,
    int max, struct listing *out, int *n);

/* store_listing_mine: the seller's open listings, newest first. */
int store_listing_mine(struct store *s, long long seller_id, int max,
    struct listing *out, int *n);

struct order {
	long long id;
	long long listing_id;
	char buyer_phone[20];
	long long qty;			/* in the listing's unit */
	long long offer_vnd;		/* 0: none */
	char offer_per[8];
	char note[MARKET_NOTE_MAX];
	char status[12];		/* pending, accepted, declined, cancelled, expired */
	long long created_at, expires_at;
	long long value;		/* accepted: what the buyer pays, đ */
	struct listing l;		/* the listing, as it is now (filled by get) */
};

/* store_order_add inserts o (listing_id, buyer_phone, qty, offer, note,
 * created_at, expires_at) as pending; sets o->id. */
int store_order_add(struct store *s, struct order *o);

/* store_order_get fills *out with the order and its listing, or STORE_NONE. */
int store_order_get(struct store *s, long long id, struct order *out);

/*
 * store_order_decide moves a pending order to status ("accepted" with qty
 * and value, or "declined", "cancelled", "expired"). STORE_NONE when it was
 * no longer pending (someone else decided first): nothing changed.
 */
int store_order_decide(struct store *s, long long id, const char *status,
    long long qty, long long value, long long now);

/* store_order_count_accepted_price adds an accepted order to the price
 * statistics (product, basis, unit price, commune, day). */
int store_order_count_price(struct store *s, const struct listing *l, long long day);

/* store_order_pending_ids: up to max pending orders of a listing whose qty
 * exceeds above (-1: all of them), oldest first. */
int store_order_pending_ids(struct store *s, long long listing_id, long long above,
    int max, long long *ids, int *n);

/* store_order_due_ids: up to max pending orders with expires_at <= now. */
int store_order_due_ids(struct store *s, long long now, int max, long long *ids, int *n);

/* store_order_mine: orders the phone placed that are pending or accepted
 * within the last since seconds, and pending orders on its listings. */
int store_order_mine(struct store *s, const char *phone, long long seller_id,
    long long since, int max, struct order *out, int *n);

/* ---- follows, alerts, what a phone was last shown ---- */

/* store_follow_set adds (on) or removes a follow; *changed says whether it
 * was not already so. */
int store_follow_set(struct store *s, const char *phone, const char *product, bool on,
    long long now, bool *changed);

/*
 * store_follow_targets copies up to max phones that follow product, are
 * not opted out, are not except, and have had fewer than cap alerts on
 * day (a local day number), longest-standing follows first.
 */
int store_follow_targets(struct store *s, const char *product, const char *except,
    long long day, int cap, int max, char (*phones)[20], int *n);

/* store_alert_count_bump counts one more alert to phone on day. */
int store_alert_count_bump(struct store *s, const char *phone, long long day);

/* store_shown_set records that phone was shown listing_id (0: several, so
 * none in particular) at time at; store_shown_get reads it (STORE_NONE if
 * never). */
int store_shown_set(struct store *s, const char *phone, long long listing_id, long long at);
int store_shown_get(struct store *s, const char *phone, long long *listing_id, long long *at);

/* ---- the daily digest of alerts past the cap (issue 9) ---- */

/* store_digest_add puts listing_id into the digest of digest_day for
 * every follower of product (but except, and opted-out phones) whose
 * alerts of day already reached cap. */
int store_digest_add(struct store *s, const char *product, const char *except, long long day,
    int cap, long long listing_id, long long digest_day);

#define MARKET_DIGEST_MAX 32	/* listings a digest names at most */

struct market_digest {
	char phone[20];
	char product[128];
	long long day;
	long long ids[MARKET_DIGEST_MAX];	/* still open, oldest first */
	int n;				/* 0: nothing left to tell (closed, BO THEO, NGUNG) */
	int total;			/* all of them, n of which are in ids */
};

/* store_digest_next fills *d with one waiting digest of a day <= until_day
 * (at most max ids), or STORE_NONE when none waits; store_digest_done
 * deletes it once it is queued (or not worth sending). */
int store_digest_next(struct store *s, long long until_day, struct market_digest *d, int max);
int store_digest_done(struct store *s, const struct market_digest *d);

/* ---- prices ---- */

struct price_stats {
	char basis[16];			/* "kg" or a count unit */
	long long lo, median, hi;	/* đ per kg or per piece */
	long long offers;		/* listings in the window */
	long long deals;		/* accepted orders in the window */
	char cheapest_commune[128];	/* lowest average price; "" if none */
};

/* store_price_stats fills up to max bases (most offered first) for product
 * over the days since since_day (inclusive); *n is how many. Reads only the
 * aggregates kept by listing_add/close and order_count_price (moving their
 * window to since_day first if the day changed, which writes). */
int store_price_stats(struct store *s, const char *product, long long since_day,
    int max, struct price_stats *out, int *n);

/* store_price_main: the most offered basis only, without the cheapest
 * commune (for the board); *n is 0 or 1. */
int store_price_main(struct store *s, const char *product, long long since_day,
    struct price_stats *out, int *n);

/* store_price_board copies the max products with the most priced listings
 * since since_day (keys into products[], listing counts into counts[]). */
int store_price_board(struct store *s, long long since_day, int max,
    char (*products)[128], long long *counts, int *n);

/* store_market_anchor: the ids of village code and of its commune (for a
 * search "O <place>"), or STORE_NONE. */
int store_market_anchor(struct store *s, const char *code, long long *village_id,
    long long *commune_id);

/* ---- figures for the province (langso stats) ---- */

struct market_village_stats {
	char commune[128];
	char code[8];
	char village[128];
	long long households;		/* people registered in the village */
	long long households_listing;	/* of them, with an open listing */
	long long listings;		/* every listing ever made there */
	long long orders;		/* orders placed on them */
	long long accepted;		/* orders accepted: transactions */
	long long value;		/* đ of the accepted orders */
};

/* store_market_stats calls fn for every village ordered by commune and
 * code; stops and returns fn's value when fn returns non-zero. */
int store_market_stats(struct store *s,
    int (*fn)(const struct market_village_stats *v, void *arg), void *arg);

#endif
