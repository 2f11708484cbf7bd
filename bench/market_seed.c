/*
 * market_seed - fills a langso database with a province's worth of market
 * history for bench/market.sh: V villages in communes of 6, H registered
 * households (phones +849000HHHHH), N listings (default 100,000) of 20
 * products spread over the last 60 days (the older ones mostly sold out,
 * the recent ones mostly open), accepted orders on a tenth of them, and
 * followers. Written through the storage functions in one transaction,
 * so the aggregates GIA reads are exactly what the daemon would keep.
 * usage: market_seed DB [N] [HOUSEHOLDS] [VILLAGES]
 */
#include "storage/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *key;
	long long lo, hi;	/* đ per kg, or per piece for the count units */
	const char *unit;	/* "g" or a count unit */
} products[] = {
	{"na", 20000, 40000, "g"}, {"hong", 15000, 30000, "g"}, {"hong khong hat", 30000, 60000, "g"},
	{"man", 15000, 35000, "g"}, {"hoi", 40000, 90000, "g"}, {"que", 30000, 60000, "g"},
	{"thach den", 20000, 45000, "g"}, {"khoai lang", 8000, 20000, "g"},
	{"khoai mon", 15000, 35000, "g"}, {"gao", 14000, 30000, "g"}, {"ngo", 6000, 12000, "g"},
	{"lon", 60000, 90000, "g"}, {"ga", 100000, 250000, "con"}, {"vit", 80000, 180000, "con"},
	{"mang", 10000, 30000, "g"}, {"che", 80000, 300000, "g"}, {"mat ong", 200000, 400000, "g"},
	{"hat de", 60000, 120000, "g"}, {"ca chua", 10000, 20000, "g"}, {"cam", 15000, 35000, "g"},
};
#define NPRODUCTS (sizeof products / sizeof products[0])

static unsigned long long rng = 88172645463325252ULL;

static long long
rnd(long long n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (long long)(rng % (unsigned long long)n);
}

static int
die(struct store *s, const char *what)
{
	fprintf(stderr, "market_seed: %s: %s\n", what, s ? store_errmsg(s) : "");
	return 1;
}

static int
seed_people(struct store *s, int villages, int households)
{
	bool changed;

	for (int i = 0; i < villages; i++) {
		struct village v = {0};

		snprintf(v.code, sizeof v.code, "BV%03d", i % 1000);
		snprintf(v.name, sizeof v.name, "Thôn %d", i);
		snprintf(v.commune, sizeof v.commune, "Xã %d", i / 6);
		if (store_village_upsert(s, &v, &changed) != STORE_OK)
			return -1;
	}
	for (int i = 0; i < households; i++) {
		struct person p = {0};

		snprintf(p.phone, sizeof p.phone, "+849000%05d", i);
		snprintf(p.name, sizeof p.name, "Hộ %d", i);
		snprintf(p.village_code, sizeof p.village_code, "BV%03d", i % villages % 1000);
		snprintf(p.role, sizeof p.role, "household");
		if (store_person_upsert(s, &p, &changed) != STORE_OK)
			return -1;
	}
	return 0;
}

/* one listing, with an accepted order on one in ten */
static int
seed_listing(struct store *s, const struct market_who *w, long long now)
{
	size_t k = (size_t)rnd(NPRODUCTS);
	long long age = rnd(60 * 86400), at = now - age, left = 0;
	struct listing l;
	struct order o;

	memset(&l, 0, sizeof l);
	l.seller_id = w->person_id;
	l.village_id = w->village_id;
	l.commune_id = w->commune_id;
	snprintf(l.product, sizeof l.product, "%s", products[k].key);
	snprintf(l.unit, sizeof l.unit, "%s", products[k].unit);
	l.qty = l.qty_left = strcmp(l.unit, "g") == 0 ? (10 + rnd(300)) * 1000 : 5 + rnd(50);
	/* prices in steps of 1.000đ, as farmers type them */
	l.unit_price = l.price_vnd = (products[k].lo + rnd(products[k].hi - products[k].lo + 1)) / 1000 * 1000;
	snprintf(l.price_per, sizeof l.price_per, "%s", strcmp(l.unit, "g") == 0 ? "kg" : "unit");
	l.created_at = at;
	if (store_listing_add(s, &l, (at + 7 * 3600) / 86400) != STORE_OK)
		return -1;
	if (rnd(10) == 0) {
		memset(&o, 0, sizeof o);
		o.listing_id = l.id;
		snprintf(o.buyer_phone, sizeof o.buyer_phone, "+84988%06lld", rnd(1000000));
		o.qty = l.qty / 2 > 0 ? l.qty / 2 : 1;
		o.created_at = at + 600;
		o.expires_at = at + 48 * 3600;
		if (store_order_add(s, &o) != STORE_OK ||
		    store_listing_reserve(s, l.id, o.qty, at + 1200, &left) != STORE_OK ||
		    store_order_decide(s, o.id, "accepted", o.qty, o.qty * l.unit_price /
		    (strcmp(l.unit, "g") == 0 ? 1000 : 1), at + 1200) != STORE_OK ||
		    store_order_count_price(s, &l, (at + 1200 + 7 * 3600) / 86400) != STORE_OK)
			return -1;
	}
	/* what is older than two weeks is mostly gone; recent offers mostly open */
	if (rnd(100) < (age > 14 * 86400 ? 90 : 30) &&
	    store_listing_close(s, l.id, rnd(4) ? "sold_out" : "cancelled", at + 86400) == STORE_ERR)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "market.db";
	long n = argc > 2 ? atol(argv[2]) : 100000;
	int households = argc > 3 ? atoi(argv[3]) : 3000, villages = argc > 4 ? atoi(argv[4]) : 60;
	struct market_who *who;
	long long now = (long long)time(NULL);
	char err[256], phone[20];
	struct store *s;
	bool changed;

	if (villages < 1 || villages > 999 || households < 1 || households > 99999) {
		fprintf(stderr, "market_seed: 1-99999 households in 1-999 villages\n");
		return 2;
	}
	who = calloc((size_t)households, sizeof *who);
	s = store_open(path, err, sizeof err);
	if (s == NULL || who == NULL) {
		fprintf(stderr, "market_seed: %s: %s\n", path, s ? "out of memory" : err);
		return 1;
	}
	if (store_begin(s) != STORE_OK || seed_people(s, villages, households) < 0)
		return die(s, "people");
	for (int i = 0; i < households; i++) {
		snprintf(phone, sizeof phone, "+849000%05d", i);
		if (store_market_who(s, phone, &who[i]) != STORE_OK)
			return die(s, "who");
	}
	for (long i = 0; i < n; i++)
		if (seed_listing(s, &who[rnd(households)], now) < 0)
			return die(s, "listing");
	/* followers: 25 buyers a product */
	for (size_t k = 0; k < NPRODUCTS; k++)
		for (int i = 0; i < 25; i++) {
			snprintf(phone, sizeof phone, "+84977%06lld", rnd(1000000));
			if (store_follow_set(s, phone, products[k].key, true, now, &changed) != STORE_OK)
				return die(s, "follow");
		}
	if (store_commit(s) != STORE_OK)
		return die(s, "commit");
	store_close(s);
	free(who);
	printf("market_seed: %ld listings, %d households in %d villages, into %s\n", n, households,
	    villages, path);
	return 0;
}
