/*
 * market.c - the marketplace (issue 4): listings, orders, follows, alert
 * counts, what a phone was last shown, and the price statistics, kept as
 * small per-day aggregates updated in the same transaction as the listings
 * and orders they count, so GIA never scans the listings themselves. No
 * rules live here (who may do what is in actions/); only rows and numbers.
 */
#include "storage/store_int.h"

#include "common/common.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Version 2. The numbers people type are INTEGER PRIMARY KEYs: listings and
 * orders are numbered separately from 1. Searches read partial indexes on
 * open listings (a closed listing leaves them), so their size is what is
 * for sale, not the history. price_hist/price_commune are the
 * aggregates GIA reads: one row per product, day, basis and price (or
 * commune), a few hundred rows for two weeks of a product however many
 * listings there were. GIA reads the *_window tables instead: the same
 * sums over the days since market_meta.window_start (the first day of the
 * 14), kept up to date with every write and rebuilt from the per-day rows
 * when the window moves (once a day), so a GIA reads one row per price.
 */
int
migrate_v2_market(struct store *s)
{
	return schema_run_script(s,
	    "CREATE TABLE listings ("
	    "  id INTEGER PRIMARY KEY,"
	    "  seller_id INTEGER NOT NULL REFERENCES people(id),"
	    "  village_id INTEGER NOT NULL REFERENCES villages(id),"
	    "  commune_id INTEGER NOT NULL REFERENCES communes(id),"
	    "  product TEXT NOT NULL,"		/* lexicon key or folded words */
	    "  variety TEXT,"
	    "  grade INTEGER,"
	    "  unit TEXT NOT NULL,"		/* 'g' or a count unit */
	    "  qty INTEGER NOT NULL,"
	    "  qty_left INTEGER NOT NULL,"
	    "  pieces INTEGER,"
	    "  price_vnd INTEGER,"		/* NULL: negotiable */
	    "  price_per TEXT,"			/* kg, unit, lot */
	    "  unit_price INTEGER,"		/* per kg or per piece */
	    "  price_check INTEGER NOT NULL DEFAULT 0,"
	    "  note TEXT,"
	    "  contact TEXT,"
	    "  status TEXT NOT NULL DEFAULT 'open'"
	    "    CHECK(status IN ('open','sold_out','cancelled')),"
	    "  day INTEGER NOT NULL,"		/* local day counted in the statistics */
	    "  created_at INTEGER NOT NULL,"
	    "  closed_at INTEGER);"
	    "CREATE INDEX listings_open ON listings(product, id) WHERE status = 'open';"
	    "CREATE INDEX listings_open_village ON listings(product, village_id, id)"
	    "  WHERE status = 'open';"
	    "CREATE INDEX listings_open_commune ON listings(product, commune_id, id)"
	    "  WHERE status = 'open';"
	    "CREATE INDEX listings_seller ON listings(seller_id, status, id);"
	    "CREATE INDEX listings_village ON listings(village_id, status, seller_id);"
	    "CREATE TABLE orders ("
	    "  id INTEGER PRIMARY KEY,"
	    "  listing_id INTEGER NOT NULL REFERENCES listings(id),"
	    "  buyer_phone TEXT NOT NULL,"	/* E.164; buyers need not be registered */
	    "  qty INTEGER NOT NULL,"		/* in the listing's unit */
	    "  offer_vnd INTEGER,"
	    "  offer_per TEXT,"
	    "  note TEXT,"
	    "  status TEXT NOT NULL DEFAULT 'pending' CHECK(status IN"
	    "    ('pending','accepted','declined','cancelled','expired')),"
	    "  value INTEGER NOT NULL DEFAULT 0,"	/* đ, once accepted */
	    "  created_at INTEGER NOT NULL,"
	    "  expires_at INTEGER NOT NULL,"
	    "  decided_at INTEGER);"
	    "CREATE INDEX orders_listing ON orders(listing_id, status);"
	    "CREATE INDEX orders_buyer ON orders(buyer_phone, id);"
	    "CREATE INDEX orders_due ON orders(expires_at) WHERE status = 'pending';"
	    "CREATE TABLE follows ("
	    "  product TEXT NOT NULL,"
	    "  phone TEXT NOT NULL,"
	    "  created_at INTEGER NOT NULL,"
	    "  PRIMARY KEY(product, phone)) WITHOUT ROWID;"
	    /* per phone: the listing last shown (for MUA <qty>) and the alerts
	     * of the latest delivery day (for the cap of 3 a day) */
	    "CREATE TABLE market_phones ("
	    "  phone TEXT PRIMARY KEY,"
	    "  shown_listing INTEGER,"		/* NULL: a list of several */
	    "  shown_at INTEGER,"
	    "  alert_day INTEGER,"		/* local day of delivery */
	    "  alerts INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	    "CREATE TABLE price_hist ("
	    "  product TEXT NOT NULL, day INTEGER NOT NULL, basis TEXT NOT NULL,"
	    "  unit_price INTEGER NOT NULL,"
	    "  listings INTEGER NOT NULL DEFAULT 0, deals INTEGER NOT NULL DEFAULT 0,"
	    "  PRIMARY KEY(product, day, basis, unit_price)) WITHOUT ROWID;"
	    "CREATE TABLE price_commune ("
	    "  product TEXT NOT NULL, day INTEGER NOT NULL, basis TEXT NOT NULL,"
	    "  commune_id INTEGER NOT NULL,"
	    "  n INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,"
	    "  PRIMARY KEY(product, day, basis, commune_id)) WITHOUT ROWID;"
	    /* the same sums over the days since market_meta.window_start */
	    "CREATE TABLE price_window ("
	    "  product TEXT NOT NULL, basis TEXT NOT NULL, unit_price INTEGER NOT NULL,"
	    "  listings INTEGER NOT NULL DEFAULT 0, deals INTEGER NOT NULL DEFAULT 0,"
	    "  PRIMARY KEY(product, basis, unit_price)) WITHOUT ROWID;"
	    "CREATE TABLE commune_window ("
	    "  product TEXT NOT NULL, basis TEXT NOT NULL, commune_id INTEGER NOT NULL,"
	    "  n INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,"
	    "  PRIMARY KEY(product, basis, commune_id)) WITHOUT ROWID;"
	    "CREATE TABLE market_meta ("
	    "  key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;");
}

/*
 * Version 5: the daily digest of follow alerts (issue 9). An alert past a
 * phone's cap of the day is not dropped: its listing waits here under the
 * phone, the product and the local day, and one digest SMS a day carries
 * them all (actions/follow.c). Rows are deleted once their digest is
 * queued, so the table holds one day of overflow at most.
 */
int
migrate_v6_market_digest(struct store *s)
{
	return schema_run_script(s,
	    "CREATE TABLE market_digests ("
	    "  phone TEXT NOT NULL,"
	    "  product TEXT NOT NULL,"
	    "  day INTEGER NOT NULL,"		/* local day of the alerts it replaces */
	    "  listing_id INTEGER NOT NULL REFERENCES listings(id),"
	    "  PRIMARY KEY(phone, product, day, listing_id)) WITHOUT ROWID;"
	    "CREATE INDEX market_digests_day ON market_digests(day);");
}

enum {
	MK_WHO,
	MK_L_ADD,
	MK_L_GET,
	MK_L_CLOSE,
	MK_L_RESERVE,
	MK_L_COUNT_VILLAGE,
	MK_L_COUNT_COMMUNE,
	MK_L_IN_VILLAGE,
	MK_L_IN_COMMUNE,
	MK_L_IN_PROVINCE,
	MK_L_IN_VILLAGE_B,		/* the same three, brief (market_query.brief) */
	MK_L_IN_COMMUNE_B,
	MK_L_IN_PROVINCE_B,
	MK_L_MINE,
	MK_O_ADD,
	MK_O_GET,
	MK_O_DECIDE,
	MK_O_PENDING,
	MK_O_DUE,
	MK_O_MINE,
	MK_F_ADD,
	MK_F_DEL,
	MK_F_TARGETS,
	MK_A_BUMP,
	MK_SHOWN_SET,
	MK_SHOWN_GET,
	MK_PH_ADD,
	MK_PC_ADD,
	MK_P_HIST,
	MK_P_COMMUNE,
	MK_COMMUNE_NAME,
	MK_PW_ADD,
	MK_CW_ADD,
	MK_W_START,
	MK_W_SET,
	MK_W_CLEAR_P,
	MK_W_CLEAR_C,
	MK_W_FILL_P,
	MK_W_FILL_C,
	MK_P_BOARD,
	MK_ANCHOR,
	MK_STATS,
	MK_D_ADD,
	MK_D_NEXT,
	MK_D_IDS,
	MK_D_DEL,
	MK__COUNT
};
/* read_tier finds a tier's brief statement at the same distance */
_Static_assert(MK_L_IN_COMMUNE_B - MK_L_IN_VILLAGE_B == MK_L_IN_COMMUNE - MK_L_IN_VILLAGE &&
    MK_L_IN_PROVINCE_B - MK_L_IN_VILLAGE_B == MK_L_IN_PROVINCE - MK_L_IN_VILLAGE,
    "the brief tiers follow the order of the tiers");

/* The columns of a listing as row_listing reads them, from offset 0. */
#define LCOLS \
	"l.id, l.seller_id, l.village_id, l.commune_id, p.phone, p.name, v.name, c.name," \
	" l.product, coalesce(l.variety, ''), coalesce(l.grade, 0), l.unit, l.qty, l.qty_left," \
	" coalesce(l.pieces, 0), coalesce(l.price_vnd, 0), coalesce(l.price_per, '')," \
	" coalesce(l.unit_price, 0), l.price_check, coalesce(l.note, ''), coalesce(l.contact, '')," \
	" l.status, l.created_at"
#define LNCOLS 23
#define LFROM \
	" FROM listings l JOIN people p ON p.id = l.seller_id" \
	" JOIN villages v ON v.id = l.village_id JOIN communes c ON c.id = l.commune_id"
/* a listing as a USSD list shows it: what row_brief reads */
#define LBRIEF "l.id, l.product, l.unit, l.qty_left, coalesce(l.unit_price, 0), v.name"
#define LBFROM " FROM listings l JOIN villages v ON v.id = l.village_id"
/* ?3 min qty (0: any), ?4 its unit; ?5 limit, ?6 offset */
#define LQTY " AND (?3 = 0 OR (l.unit = ?4 AND l.qty_left >= ?3))"
#define OCOLS \
	"o.id, o.listing_id, o.buyer_phone, o.qty, coalesce(o.offer_vnd, 0)," \
	" coalesce(o.offer_per, ''), coalesce(o.note, ''), o.status, o.created_at," \
	" o.expires_at, o.value, "
#define ONCOLS 11
/* after the listing: the price the order was placed at (schema v8) */
#define OPRICE ", o.price_set, coalesce(o.price_vnd, 0), coalesce(o.price_per, '')," \
	" coalesce(o.unit_price, 0)"

static const char *const sql[MK__COUNT] = {
	[MK_WHO] =
	    "SELECT p.id, coalesce(v.id, 0), coalesce(v.commune_id, 0), p.opted_out, p.name,"
	    " coalesce(v.name, ''), coalesce(c.name, '')"
	    " FROM people p LEFT JOIN villages v ON v.id = p.village_id"
	    " LEFT JOIN communes c ON c.id = v.commune_id WHERE p.phone = ?1",
	[MK_L_ADD] =
	    "INSERT INTO listings(seller_id, village_id, commune_id, product, variety, grade,"
	    " unit, qty, qty_left, pieces, price_vnd, price_per, unit_price, price_check,"
	    " note, contact, day, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	[MK_L_GET] = "SELECT " LCOLS ", l.day" LFROM " WHERE l.id = ?1",
	[MK_L_CLOSE] =
	    "UPDATE listings SET status = ?2, closed_at = ?3 WHERE id = ?1 AND status = 'open'",
	[MK_L_RESERVE] =
	    "UPDATE listings SET qty_left = qty_left - ?2,"
	    " status = CASE WHEN qty_left = ?2 THEN 'sold_out' ELSE status END,"
	    " closed_at = CASE WHEN qty_left = ?2 THEN ?3 ELSE closed_at END"
	    " WHERE id = ?1 AND status = 'open' AND qty_left >= ?2 RETURNING qty_left",
	[MK_L_COUNT_VILLAGE] =
	    "SELECT count(*) FROM listings l WHERE l.product = ?1 AND l.status = 'open'"
	    " AND l.village_id = ?2" LQTY,
	[MK_L_COUNT_COMMUNE] =
	    "SELECT count(*) FROM listings l WHERE l.product = ?1 AND l.status = 'open'"
	    " AND l.commune_id = ?2 AND l.village_id <> ?7" LQTY,
	[MK_L_IN_VILLAGE] =
	    "SELECT " LCOLS LFROM " WHERE l.product = ?1 AND l.status = 'open'"
	    " AND l.village_id = ?2" LQTY " ORDER BY l.id DESC LIMIT ?5 OFFSET ?6",
	[MK_L_IN_COMMUNE] =
	    "SELECT " LCOLS LFROM " WHERE l.product = ?1 AND l.status = 'open'"
	    " AND l.commune_id = ?2 AND l.village_id <> ?7" LQTY
	    " ORDER BY l.id DESC LIMIT ?5 OFFSET ?6",
	/* every other commune: the open-listing index in id order, filtered */
	[MK_L_IN_PROVINCE] =
	    "SELECT " LCOLS " FROM listings l INDEXED BY listings_open"
	    " JOIN people p ON p.id = l.seller_id JOIN villages v ON v.id = l.village_id"
	    " JOIN communes c ON c.id = l.commune_id WHERE l.product = ?1 AND l.status = 'open'"
	    " AND l.commune_id <> ?2" LQTY " ORDER BY l.id DESC LIMIT ?5 OFFSET ?6",
	[MK_L_IN_VILLAGE_B] =
	    "SELECT " LBRIEF LBFROM " WHERE l.product = ?1 AND l.status = 'open'"
	    " AND l.village_id = ?2" LQTY " ORDER BY l.id DESC LIMIT ?5 OFFSET ?6",
	[MK_L_IN_COMMUNE_B] =
	    "SELECT " LBRIEF LBFROM " WHERE l.product = ?1 AND l.status = 'open'"
	    " AND l.commune_id = ?2 AND l.village_id <> ?7" LQTY
	    " ORDER BY l.id DESC LIMIT ?5 OFFSET ?6",
	[MK_L_IN_PROVINCE_B] =
	    "SELECT " LBRIEF " FROM listings l INDEXED BY listings_open"
	    " JOIN villages v ON v.id = l.village_id WHERE l.product = ?1 AND l.status = 'open'"
	    " AND l.commune_id <> ?2" LQTY " ORDER BY l.id DESC LIMIT ?5 OFFSET ?6",
	[MK_L_MINE] =
	    "SELECT " LCOLS LFROM " WHERE l.seller_id = ?1 AND l.status = 'open'"
	    " ORDER BY l.id DESC LIMIT ?2",
	/* the order keeps the listing's price of this moment (SUA, §7) */
	[MK_O_ADD] =
	    "INSERT INTO orders(listing_id, buyer_phone, qty, offer_vnd, offer_per, note,"
	    " created_at, expires_at, price_set, price_vnd, price_per, unit_price)"
	    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, l.price_vnd, l.price_per, l.unit_price"
	    " FROM listings l WHERE l.id = ?1",
	[MK_O_GET] =
	    "SELECT " OCOLS LCOLS OPRICE " FROM orders o JOIN listings l ON l.id = o.listing_id"
	    " JOIN people p ON p.id = l.seller_id JOIN villages v ON v.id = l.village_id"
	    " JOIN communes c ON c.id = l.commune_id WHERE o.id = ?1",
	[MK_O_DECIDE] =
	    "UPDATE orders SET status = ?2, qty = CASE WHEN ?3 > 0 THEN ?3 ELSE qty END,"
	    " value = ?4, decided_at = ?5,"
	    " accepted_at = CASE WHEN ?2 = 'accepted' THEN ?5 END"
	    " WHERE id = ?1 AND status = 'pending'",
	[MK_O_PENDING] =
	    "SELECT id FROM orders WHERE listing_id = ?1 AND status = 'pending'"
	    " AND qty > ?2 ORDER BY id LIMIT ?3",
	[MK_O_DUE] =
	    "SELECT id FROM orders WHERE status = 'pending' AND expires_at <= ?1"
	    " ORDER BY expires_at LIMIT ?2",
	/* my orders (pending, or accepted lately), then orders waiting on my listings */
	[MK_O_MINE] =
	    "SELECT " OCOLS LCOLS OPRICE " FROM orders o JOIN listings l ON l.id = o.listing_id"
	    " JOIN people p ON p.id = l.seller_id JOIN villages v ON v.id = l.village_id"
	    " JOIN communes c ON c.id = l.commune_id"
	    " WHERE o.id IN (SELECT id FROM orders WHERE buyer_phone = ?1"
	    "   AND (status = 'pending' OR (status = 'accepted' AND decided_at >= ?3))"
	    "  UNION ALL SELECT o2.id FROM listings l2 JOIN orders o2 ON o2.listing_id = l2.id"
	    "   WHERE l2.seller_id = ?2 AND l2.status = 'open' AND o2.status = 'pending')"
	    " ORDER BY o.id DESC LIMIT ?4",
	[MK_F_ADD] =
	    "INSERT INTO follows(product, phone, created_at) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT DO NOTHING",
	[MK_F_DEL] = "DELETE FROM follows WHERE product = ?1 AND phone = ?2",
	/* the opt-out check is a lookup by people.phone (UNIQUE) per follower */
	[MK_F_TARGETS] =
	    "SELECT f.phone FROM follows f WHERE f.product = ?1 AND f.phone <> ?2"
	    " AND NOT EXISTS (SELECT 1 FROM people p WHERE p.phone = f.phone AND p.opted_out)"
	    " AND coalesce((SELECT m.alerts FROM market_phones m WHERE m.phone = f.phone"
	    "   AND m.alert_day = ?3), 0) < ?4 ORDER BY f.created_at LIMIT ?5",
	/* delivery days only move forward, so one day's count per phone is enough */
	[MK_A_BUMP] =
	    "INSERT INTO market_phones(phone, alert_day, alerts) VALUES (?1, ?2, 1)"
	    " ON CONFLICT(phone) DO UPDATE SET"
	    " alerts = CASE WHEN alert_day = ?2 THEN alerts + 1 ELSE 1 END, alert_day = ?2",
	[MK_SHOWN_SET] =
	    "INSERT INTO market_phones(phone, shown_listing, shown_at) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT(phone) DO UPDATE SET shown_listing = ?2, shown_at = ?3",
	[MK_SHOWN_GET] =
	    "SELECT coalesce(shown_listing, 0), shown_at FROM market_phones"
	    " WHERE phone = ?1 AND shown_at IS NOT NULL",
	/* ?5 listings, ?6 deals: +1 or -1 */
	[MK_PH_ADD] =
	    "INSERT INTO price_hist(product, day, basis, unit_price, listings, deals)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(product, day, basis, unit_price)"
	    " DO UPDATE SET listings = listings + ?5, deals = deals + ?6",
	[MK_PC_ADD] =
	    "INSERT INTO price_commune(product, day, basis, commune_id, n, total)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(product, day, basis, commune_id)"
	    " DO UPDATE SET n = n + ?5, total = total + ?6",
	[MK_P_HIST] =
	    "SELECT basis, unit_price, listings + deals, listings, deals FROM price_window"
	    " WHERE product = ?1",
	[MK_P_COMMUNE] = "SELECT basis, commune_id, n, total FROM commune_window WHERE product = ?1",
	[MK_COMMUNE_NAME] = "SELECT name FROM communes WHERE id = ?1",
	/* priced offers only: the board shows prices */
	[MK_P_BOARD] =
	    "SELECT product, sum(listings) FROM price_window GROUP BY product"
	    " HAVING sum(listings) > 0 ORDER BY 2 DESC, product LIMIT ?1",
	[MK_PW_ADD] =
	    "INSERT INTO price_window(product, basis, unit_price, listings, deals)"
	    " VALUES (?1, ?3, ?4, ?5, ?6) ON CONFLICT(product, basis, unit_price)"
	    " DO UPDATE SET listings = listings + ?5, deals = deals + ?6",
	[MK_CW_ADD] =
	    "INSERT INTO commune_window(product, basis, commune_id, n, total)"
	    " VALUES (?1, ?3, ?4, ?5, ?6) ON CONFLICT(product, basis, commune_id)"
	    " DO UPDATE SET n = n + ?5, total = total + ?6",
	[MK_W_START] = "SELECT value FROM market_meta WHERE key = 'window_start'",
	[MK_W_SET] =
	    "INSERT INTO market_meta(key, value) VALUES ('window_start', ?1)"
	    " ON CONFLICT(key) DO UPDATE SET value = ?1",
	[MK_W_CLEAR_P] = "DELETE FROM price_window",
	[MK_W_CLEAR_C] = "DELETE FROM commune_window",
	[MK_W_FILL_P] =
	    "INSERT INTO price_window(product, basis, unit_price, listings, deals)"
	    " SELECT product, basis, unit_price, sum(listings), sum(deals) FROM price_hist"
	    " WHERE day >= ?1 GROUP BY product, basis, unit_price HAVING sum(listings + deals) > 0",
	[MK_W_FILL_C] =
	    "INSERT INTO commune_window(product, basis, commune_id, n, total)"
	    /* total(), not sum(): sum() raises "integer overflow" and would fail
	     * every GIA until the bad day left the window; CAST saturates */
	    " SELECT product, basis, commune_id, sum(n), CAST(total(total) AS INTEGER)"
	    " FROM price_commune"
	    " WHERE day >= ?1 GROUP BY product, basis, commune_id HAVING sum(n) > 0",
	[MK_ANCHOR] = "SELECT id, commune_id FROM villages WHERE code = ?1",
	[MK_STATS] =
	    "SELECT c.name, v.code, v.name,"
	    " (SELECT count(*) FROM people p WHERE p.village_id = v.id),"
	    " (SELECT count(DISTINCT l.seller_id) FROM listings l"
	    "   WHERE l.village_id = v.id AND l.status = 'open'),"
	    " (SELECT count(*) FROM listings l WHERE l.village_id = v.id),"
	    " (SELECT count(*) FROM listings l JOIN orders o ON o.listing_id = l.id"
	    "   WHERE l.village_id = v.id),"
	    " (SELECT count(*) FROM listings l JOIN orders o ON o.listing_id = l.id"
	    "   WHERE l.village_id = v.id AND o.status = 'accepted'),"
	    /* total(): exact to 2^53 đ, saturated past 2^63, never an error */
	    " (SELECT CAST(total(o.value) AS INTEGER) FROM listings l JOIN orders o"
	    "   ON o.listing_id = l.id WHERE l.village_id = v.id AND o.status = 'accepted')"
	    " FROM villages v JOIN communes c ON c.id = v.commune_id ORDER BY c.name, v.code",
	/* the followers of ?1 (not ?2, not opted out) whose alerts of day ?3
	 * reached the cap ?4: listing ?5 goes into their digest of day ?6 */
	[MK_D_ADD] =
	    "INSERT OR IGNORE INTO market_digests(phone, product, day, listing_id)"
	    " SELECT f.phone, ?1, ?6, ?5 FROM follows f JOIN market_phones m ON m.phone = f.phone"
	    " WHERE f.product = ?1 AND f.phone <> ?2 AND m.alert_day = ?3 AND m.alerts >= ?4"
	    " AND NOT EXISTS (SELECT 1 FROM people p WHERE p.phone = f.phone AND p.opted_out)",
	[MK_D_NEXT] =
	    "SELECT phone, product, day FROM market_digests WHERE day <= ?1 ORDER BY day LIMIT 1",
	/* open listings only, and only while the phone still follows and
	 * takes alerts (BO THEO, NGUNG since) */
	[MK_D_IDS] =
	    "SELECT d.listing_id FROM market_digests d JOIN listings l ON l.id = d.listing_id"
	    " WHERE d.phone = ?1 AND d.product = ?2 AND d.day = ?3 AND l.status = 'open'"
	    " AND EXISTS (SELECT 1 FROM follows f WHERE f.product = d.product AND f.phone = d.phone)"
	    " AND NOT EXISTS (SELECT 1 FROM people p WHERE p.phone = d.phone AND p.opted_out)"
	    " ORDER BY d.listing_id",
	[MK_D_DEL] = "DELETE FROM market_digests WHERE phone = ?1 AND product = ?2 AND day = ?3",
};

const struct store_domain_sql market_sql = {sql, MK__COUNT};

#define ST(i) (s->dom[DOM_MARKET][i])

/* ---- who ---- */

int
store_market_who(struct store *s, const char *phone, struct market_who *w)
{
	sqlite3_stmt *st = ST(MK_WHO);
	int rc;

	memset(w, 0, sizeof *w);
	store_bind_text(st, 1, phone);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	w->person_id = sqlite3_column_int64(st, 0);
	w->village_id = sqlite3_column_int64(st, 1);
	w->commune_id = sqlite3_column_int64(st, 2);
	w->opted_out = sqlite3_column_int(st, 3) != 0;
	store_col_copy(st, 4, w->name, sizeof w->name);
	store_col_copy(st, 5, w->village, sizeof w->village);
	store_col_copy(st, 6, w->commune, sizeof w->commune);
	store_done(st);
	return STORE_OK;
}

/* ---- listings ---- */

void
row_listing(sqlite3_stmt *st, int c, struct listing *l)
{
	memset(l, 0, sizeof *l);
	l->id = sqlite3_column_int64(st, c + 0);
	l->seller_id = sqlite3_column_int64(st, c + 1);
	l->village_id = sqlite3_column_int64(st, c + 2);
	l->commune_id = sqlite3_column_int64(st, c + 3);
	store_col_copy(st, c + 4, l->seller_phone, sizeof l->seller_phone);
	store_col_copy(st, c + 5, l->seller_name, sizeof l->seller_name);
	store_col_copy(st, c + 6, l->village, sizeof l->village);
	store_col_copy(st, c + 7, l->commune, sizeof l->commune);
	store_col_copy(st, c + 8, l->product, sizeof l->product);
	store_col_copy(st, c + 9, l->variety, sizeof l->variety);
	l->grade = sqlite3_column_int(st, c + 10);
	store_col_copy(st, c + 11, l->unit, sizeof l->unit);
	l->qty = sqlite3_column_int64(st, c + 12);
	l->qty_left = sqlite3_column_int64(st, c + 13);
	l->pieces = sqlite3_column_int(st, c + 14);
	l->price_vnd = sqlite3_column_int64(st, c + 15);
	store_col_copy(st, c + 16, l->price_per, sizeof l->price_per);
	l->unit_price = sqlite3_column_int64(st, c + 17);
	l->price_check = sqlite3_column_int(st, c + 18) != 0;
	store_col_copy(st, c + 19, l->note, sizeof l->note);
	store_col_copy(st, c + 20, l->contact, sizeof l->contact);
	store_col_copy(st, c + 21, l->status, sizeof l->status);
	l->created_at = sqlite3_column_int64(st, c + 22);
}

/* row_brief reads LBRIEF: only these fields of l are set (a USSD list
 * reads 24 listings a step; the whole row, and the memset of 1.5 KB each,
 * were half its cost). */
static void
row_brief(sqlite3_stmt *st, struct listing *l)
{
	l->id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, l->product, sizeof l->product);
	store_col_copy(st, 2, l->unit, sizeof l->unit);
	l->qty_left = sqlite3_column_int64(st, 3);
	l->unit_price = sqlite3_column_int64(st, 4);
	store_col_copy(st, 5, l->village, sizeof l->village);
}

/* basis_of: what a unit price is per: "kg" for weights, else the count unit. */
static const char *
basis_of(const struct listing *l)
{
	/* a price "/KG" on pieces (a pig sold live by weight) is still per kg */
	return strcmp(l->unit, "g") == 0 || strcmp(l->price_per, "kg") == 0 ? "kg" : l->unit;
}

/* window_start reads the first day the *_window tables sum (STORE_NONE
 * before the first GIA builds them). */
static int
window_start(struct store *s, long long *start)
{
	sqlite3_stmt *st = ST(MK_W_START);
	int rc = store_get_one(s, st);

	if (rc != STORE_OK)
		return rc;
	*start = sqlite3_column_int64(st, 0);
	store_done(st);
	return STORE_OK;
}

/* add_to runs one of the upserts; they share their parameters: ?1 product,
 * ?2 day, ?3 basis, ?4 unit price or commune, ?5 and ?6 the amounts. */
static int
add_to(struct store *s, int which, const struct listing *l, long long day, long long k,
    long long a, long long b)
{
	sqlite3_stmt *st = ST(which);

	store_bind_text(st, 1, l->product);
	sqlite3_bind_int64(st, 2, day);
	store_bind_text(st, 3, basis_of(l));
	sqlite3_bind_int64(st, 4, k);
	sqlite3_bind_int64(st, 5, a);
	sqlite3_bind_int64(st, 6, b);
	return store_run(s, st);
}

/* count_price adds sign (+1/-1) listings or deals at l's unit price to the
 * aggregates of day, and to the window when day is in it. Negotiable and
 * implausible prices are not counted: a typo of 300.000 would otherwise be
 * the province's highest price. */
static int
count_price(struct store *s, const struct listing *l, long long day, int listings, int deals)
{
	long long start = 0;
	int sign = listings + deals, rc;

	if (l->unit_price <= 0 || l->price_check)
		return STORE_OK;
	if (add_to(s, MK_PH_ADD, l, day, l->unit_price, listings, deals) != STORE_OK ||
	    add_to(s, MK_PC_ADD, l, day, l->commune_id, sign, sign * l->unit_price) != STORE_OK)
		return STORE_ERR;
	if ((rc = window_start(s, &start)) != STORE_OK || day < start)
		return rc == STORE_ERR ? STORE_ERR : STORE_OK;
	if (add_to(s, MK_PW_ADD, l, day, l->unit_price, listings, deals) != STORE_OK)
		return STORE_ERR;
	return add_to(s, MK_CW_ADD, l, day, l->commune_id, sign, sign * l->unit_price);
}

static int
count_listing(struct store *s, const struct listing *l, long long day, int sign)
{
	return count_price(s, l, day, sign, 0);
}

int
market_count_listing(struct store *s, const struct listing *l, long long day, int sign)
{
	return count_listing(s, l, day, sign);
}

/* ensure_window makes the *_window tables sum the days since since_day:
 * when the day moved (or on the first GIA), they are rebuilt from the
 * per-day rows, in the caller's transaction or their own. */
static int
ensure_window(struct store *s, long long since_day)
{
	static const int steps[] = {MK_W_CLEAR_P, MK_W_CLEAR_C, MK_W_FILL_P, MK_W_FILL_C, MK_W_SET};
	long long start = 0;
	bool own;
	int rc = window_start(s, &start);

	if (rc == STORE_ERR || (rc == STORE_OK && start == since_day))
		return rc;
	if (store_op_begin(s, &own) != STORE_OK)
		return STORE_ERR;
	rc = STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < sizeof steps / sizeof steps[0]; i++) {
		if (steps[i] >= MK_W_FILL_P || steps[i] == MK_W_SET)
			sqlite3_bind_int64(ST(steps[i]), 1, since_day);
		rc = store_run(s, ST(steps[i]));
	}
	return store_op_end(s, own, rc);
}

static int
insert_listing(struct store *s, const struct listing *l, long long day)
{
	sqlite3_stmt *st = ST(MK_L_ADD);

	sqlite3_bind_int64(st, 1, l->seller_id);
	sqlite3_bind_int64(st, 2, l->village_id);
	sqlite3_bind_int64(st, 3, l->commune_id);
	store_bind_text(st, 4, l->product);
	store_bind_opt(st, 5, l->variety);
	store_bind_id(st, 6, l->grade);
	store_bind_text(st, 7, l->unit);
	sqlite3_bind_int64(st, 8, l->qty);
	store_bind_id(st, 9, l->pieces);
	store_bind_id(st, 10, l->price_vnd);
	store_bind_opt(st, 11, l->price_vnd ? l->price_per : "");
	store_bind_id(st, 12, l->unit_price);
	sqlite3_bind_int(st, 13, l->price_check);
	store_bind_opt(st, 14, l->note);
	store_bind_opt(st, 15, l->contact);
	sqlite3_bind_int64(st, 16, day);
	sqlite3_bind_int64(st, 17, l->created_at);
	return store_run(s, st);
}

int
store_listing_add(struct store *s, struct listing *l, long long day)
{
	bool own;
	long long id = 0;
	int rc;

	if (store_op_begin(s, &own) != STORE_OK)
		return STORE_ERR;
	rc = insert_listing(s, l, day);
	if (rc == STORE_OK) {
		id = sqlite3_last_insert_rowid(s->db);
		rc = count_listing(s, l, day, 1);
	}
	rc = store_op_end(s, own, rc);
	if (rc == STORE_OK) {
		l->id = id;
		snprintf(l->status, sizeof l->status, "open");
	}
	return rc;
}

/* get_listing also returns the day the listing was counted under. */
static int
get_listing(struct store *s, long long id, struct listing *out, long long *day)
{
	sqlite3_stmt *st = ST(MK_L_GET);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	row_listing(st, 0, out);
	if (day != NULL)
		*day = sqlite3_column_int64(st, LNCOLS);
	store_done(st);
	return STORE_OK;
}

int
store_listing_get(struct store *s, long long id, struct listing *out)
{
	return get_listing(s, id, out, NULL);
}

int
market_listing_day(struct store *s, long long id, struct listing *out, long long *day)
{
	return get_listing(s, id, out, day);
}

int
store_listing_close(struct store *s, long long id, const char *status, long long now)
{
	struct listing l;
	long long day = 0;
	sqlite3_stmt *st = ST(MK_L_CLOSE);
	bool own;
	int rc;

	if ((rc = get_listing(s, id, &l, &day)) != STORE_OK)
		return rc;
	if (store_op_begin(s, &own) != STORE_OK)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, status);
	sqlite3_bind_int64(st, 3, now);
	rc = store_run(s, st);
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = STORE_NONE;
	if (rc == STORE_OK && strcmp(status, "cancelled") == 0)
		rc = count_listing(s, &l, day, -1);
	return store_op_end(s, own, rc);
}

int
store_listing_reserve(struct store *s, long long id, long long qty, long long now,
    long long *left)
{
	sqlite3_stmt *st = ST(MK_L_RESERVE);
	int rc;

	if (qty <= 0)
		return STORE_NONE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, qty);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	*left = sqlite3_column_int64(st, 0);
	/* RETURNING: the update is complete only once stepped to the end */
	rc = store_step(s, st);
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

static void
bind_query(sqlite3_stmt *st, const struct market_query *q)
{
	store_bind_text(st, 1, q->product);
	sqlite3_bind_int64(st, 2, q->commune_id);
	sqlite3_bind_int64(st, 3, q->min_qty);
	store_bind_text(st, 4, q->unit ? q->unit : "g");
	sqlite3_bind_int64(st, 7, q->village_id);
}

static int
count_tier(struct store *s, int which, const struct market_query *q, long long *n)
{
	sqlite3_stmt *st = ST(which);
	int rc;

	*n = 0;
	bind_query(st, q);
	if (which == MK_L_COUNT_VILLAGE)
		sqlite3_bind_int64(st, 2, q->village_id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc == STORE_NONE ? STORE_OK : rc;
	*n = sqlite3_column_int64(st, 0);
	store_done(st);
	return STORE_OK;
}

/* read_tier appends up to max rows of one tier, skipping offset of them. */
static int
read_tier(struct store *s, int which, const struct market_query *q, long long offset,
    int max, struct listing *out, int *n)
{
	sqlite3_stmt *st;
	int rc;

	if (max <= 0)
		return STORE_OK;
	st = ST(q->brief ? which - MK_L_IN_VILLAGE + MK_L_IN_VILLAGE_B : which);
	bind_query(st, q);
	if (which == MK_L_IN_VILLAGE)
		sqlite3_bind_int64(st, 2, q->village_id);
	sqlite3_bind_int(st, 5, max);
	sqlite3_bind_int64(st, 6, offset);
	while ((rc = store_step(s, st)) == SQLITE_ROW && max > 0) {
		if (q->brief)
			row_brief(st, &out[(*n)++]);
		else
			row_listing(st, 0, &out[(*n)++]);
		max--;
	}
	store_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_listing_search(struct store *s, const struct market_query *q, int offset, int max,
    struct listing *out, int *n)
{
	/* the buyer's village, the other villages of its commune, the rest of
	 * the province; a tier without its anchor (no village, no commune)
	 * is left out */
	static const struct { int count, read; } tiers[] = {
		{MK_L_COUNT_VILLAGE, MK_L_IN_VILLAGE},
		{MK_L_COUNT_COMMUNE, MK_L_IN_COMMUNE},
		{-1, MK_L_IN_PROVINCE},
	};
	const long long anchor[] = {q->village_id, q->commune_id, 1};
	long long off = offset;
	int got = 0;

	for (size_t t = 0; t < sizeof tiers / sizeof tiers[0]; t++) {
		long long c;

		if (anchor[t] == 0)
			continue;
		/* a page that starts past a nearer tier skips it; only then is
		 * the tier counted (a count reads every open listing of the
		 * tier's product), the province is read with OFFSET */
		if (off > 0 && tiers[t].count >= 0) {
			if (count_tier(s, tiers[t].count, q, &c) != STORE_OK)
				return STORE_ERR;
			if (off >= c) {
				off -= c;
				continue;
			}
		}
		if (read_tier(s, tiers[t].read, q, off, max - got, out, &got) != STORE_OK)
			return STORE_ERR;
		off = 0;
	}
	*n = got;
	return STORE_OK;
}

int
store_listing_mine(struct store *s, long long seller_id, int max, struct listing *out, int *n)
{
	sqlite3_stmt *st = ST(MK_L_MINE);
	int rc, got = 0;

	sqlite3_bind_int64(st, 1, seller_id);
	sqlite3_bind_int(st, 2, max);
	while ((rc = store_step(s, st)) == SQLITE_ROW && got < max)
		row_listing(st, 0, &out[got++]);
	store_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return STORE_ERR;
	*n = got;
	return STORE_OK;
}

/* ---- orders ---- */

int
store_order_add(struct store *s, struct order *o)
{
	sqlite3_stmt *st = ST(MK_O_ADD);

	sqlite3_bind_int64(st, 1, o->listing_id);
	store_bind_text(st, 2, o->buyer_phone);
	sqlite3_bind_int64(st, 3, o->qty);
	store_bind_id(st, 4, o->offer_vnd);
	store_bind_opt(st, 5, o->offer_vnd ? o->offer_per : "");
	store_bind_opt(st, 6, o->note);
	sqlite3_bind_int64(st, 7, o->created_at);
	sqlite3_bind_int64(st, 8, o->expires_at);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	if (sqlite3_changes(s->db) != 1)	/* INSERT ... SELECT from its listing */
		return store_fail(s, "order: no such listing");
	o->id = sqlite3_last_insert_rowid(s->db);
	snprintf(o->status, sizeof o->status, "pending");
	return STORE_OK;
}

static void
row_order(sqlite3_stmt *st, struct order *o)
{
	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	o->listing_id = sqlite3_column_int64(st, 1);
	store_col_copy(st, 2, o->buyer_phone, sizeof o->buyer_phone);
	o->qty = sqlite3_column_int64(st, 3);
	o->offer_vnd = sqlite3_column_int64(st, 4);
	store_col_copy(st, 5, o->offer_per, sizeof o->offer_per);
	store_col_copy(st, 6, o->note, sizeof o->note);
	store_col_copy(st, 7, o->status, sizeof o->status);
	o->created_at = sqlite3_column_int64(st, 8);
	o->expires_at = sqlite3_column_int64(st, 9);
	o->value = sqlite3_column_int64(st, 10);
	row_listing(st, ONCOLS, &o->l);
	/* SUA changed the listing's price since: the order keeps its own */
	if (sqlite3_column_int(st, ONCOLS + LNCOLS) != 0) {
		o->l.price_vnd = sqlite3_column_int64(st, ONCOLS + LNCOLS + 1);
		store_col_copy(st, ONCOLS + LNCOLS + 2, o->l.price_per, sizeof o->l.price_per);
		o->l.unit_price = sqlite3_column_int64(st, ONCOLS + LNCOLS + 3);
	}
}

int
store_order_get(struct store *s, long long id, struct order *out)
{
	sqlite3_stmt *st = ST(MK_O_GET);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	row_order(st, out);
	store_done(st);
	return STORE_OK;
}

int
store_order_decide(struct store *s, long long id, const char *status, long long qty,
    long long value, long long now)
{
	sqlite3_stmt *st = ST(MK_O_DECIDE);

	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, status);
	sqlite3_bind_int64(st, 3, qty);
	sqlite3_bind_int64(st, 4, value);
	sqlite3_bind_int64(st, 5, now);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_NONE;
}

int
store_order_count_price(struct store *s, const struct listing *l, long long day)
{
	return count_price(s, l, day, 0, 1);
}

static int
read_ids(struct store *s, sqlite3_stmt *st, int max, long long *ids, int *n)
{
	int rc, got = 0;

	while ((rc = store_step(s, st)) == SQLITE_ROW && got < max)
		ids[got++] = sqlite3_column_int64(st, 0);
	store_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return STORE_ERR;
	*n = got;
	return STORE_OK;
}

int
store_order_pending_ids(struct store *s, long long listing_id, long long above, int max,
    long long *ids, int *n)
{
	sqlite3_stmt *st = ST(MK_O_PENDING);

	sqlite3_bind_int64(st, 1, listing_id);
	sqlite3_bind_int64(st, 2, above);
	sqlite3_bind_int(st, 3, max);
	return read_ids(s, st, max, ids, n);
}

int
store_order_due_ids(struct store *s, long long now, int max, long long *ids, int *n)
{
	sqlite3_stmt *st = ST(MK_O_DUE);

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	return read_ids(s, st, max, ids, n);
}

int
store_order_mine(struct store *s, const char *phone, long long seller_id, long long since,
    int max, struct order *out, int *n)
{
	sqlite3_stmt *st = ST(MK_O_MINE);
	int rc, got = 0;

	store_bind_text(st, 1, phone);
	sqlite3_bind_int64(st, 2, seller_id);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int(st, 4, max);
	while ((rc = store_step(s, st)) == SQLITE_ROW && got < max)
		row_order(st, &out[got++]);
	store_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return STORE_ERR;
	*n = got;
	return STORE_OK;
}

/* ---- follows, alerts, shown ---- */

int
store_follow_set(struct store *s, const char *phone, const char *product, bool on,
    long long now, bool *changed)
{
	sqlite3_stmt *st = ST(on ? MK_F_ADD : MK_F_DEL);

	store_bind_text(st, 1, product);
	store_bind_text(st, 2, phone);
	if (on)
		sqlite3_bind_int64(st, 3, now);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	*changed = sqlite3_changes(s->db) > 0;
	return STORE_OK;
}

int
store_follow_targets(struct store *s, const char *product, const char *except, long long day,
    int cap, int max, char (*phones)[20], int *n)
{
	sqlite3_stmt *st = ST(MK_F_TARGETS);
	int rc, got = 0;

	store_bind_text(st, 1, product);
	store_bind_text(st, 2, except);
	sqlite3_bind_int64(st, 3, day);
	sqlite3_bind_int(st, 4, cap);
	sqlite3_bind_int(st, 5, max);
	while ((rc = store_step(s, st)) == SQLITE_ROW && got < max)
		store_col_copy(st, 0, phones[got++], sizeof phones[0]);
	store_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return STORE_ERR;
	*n = got;
	return STORE_OK;
}

int
store_alert_count_bump(struct store *s, const char *phone, long long day)
{
	sqlite3_stmt *st = ST(MK_A_BUMP);

	store_bind_text(st, 1, phone);
	sqlite3_bind_int64(st, 2, day);
	return store_run(s, st);
}

int
store_shown_set(struct store *s, const char *phone, long long listing_id, long long at)
{
	sqlite3_stmt *st = ST(MK_SHOWN_SET);

	store_bind_text(st, 1, phone);
	store_bind_id(st, 2, listing_id);
	sqlite3_bind_int64(st, 3, at);
	return store_run(s, st);
}

int
store_shown_get(struct store *s, const char *phone, long long *listing_id, long long *at)
{
	sqlite3_stmt *st = ST(MK_SHOWN_GET);
	int rc;

	store_bind_text(st, 1, phone);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	*listing_id = sqlite3_column_int64(st, 0);
	*at = sqlite3_column_int64(st, 1);
	store_done(st);
	return STORE_OK;
}

/* ---- prices ---- */

/* The distinct prices of a product in the window: a few hundred at most
 * in practice; HIST_MAX bounds the work for a pathological one. */
#define HIST_MAX 4096
#define BASES_MAX 8

/* add_sat: a + b saturated, for sums read back from the aggregates (a
 * REAL left by an overflowing upsert reads as LLONG_MAX). */
static long long
add_sat(long long a, long long b)
{
	long long r;

	if (!__builtin_add_overflow(a, b, &r))
		return r;
	return a > 0 ? LLONG_MAX : LLONG_MIN;
}

struct point {
	int b;				/* index of the basis */
	long long price, count;
};

struct hist {
	int nb;
	struct price_stats b[BASES_MAX];
	long long total[BASES_MAX];		/* price points of each basis */
	int n;
	struct point p[HIST_MAX];
};

static int
basis_index(struct hist *h, const char *basis)
{
	for (int i = 0; i < h->nb; i++)
		if (strcmp(h->b[i].basis, basis) == 0)
			return i;
	if (h->nb == BASES_MAX)
		return -1;
	memset(&h->b[h->nb], 0, sizeof h->b[0]);
	h->total[h->nb] = 0;
	str_copy(h->b[h->nb].basis, sizeof h->b[0].basis, basis);
	return h->nb++;
}

static int
by_basis_price(const void *x, const void *y)
{
	const struct point *a = x, *b = y;

	if (a->b != b->b)
		return a->b - b->b;
	return a->price < b->price ? -1 : a->price > b->price;
}

/* hist_read sums the window's rows by basis and keeps each price point. */
static int
hist_read(struct store *s, const char *product, long long since, struct hist *h)
{
	sqlite3_stmt *st = ST(MK_P_HIST);
	int rc, b;

	(void)since;
	store_bind_text(st, 1, product);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		long long count = sqlite3_column_int64(st, 2);

		if (count <= 0 || h->n == HIST_MAX ||
		    (b = basis_index(h, (const char *)sqlite3_column_text(st, 0))) < 0)
			continue;
		h->b[b].offers = add_sat(h->b[b].offers, sqlite3_column_int64(st, 3));
		h->b[b].deals = add_sat(h->b[b].deals, sqlite3_column_int64(st, 4));
		h->total[b] = add_sat(h->total[b], count);
		h->p[h->n].b = b;
		h->p[h->n].price = sqlite3_column_int64(st, 1);
		h->p[h->n++].count = count;
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

/* hist_figures sets lo, median (the lower one: a price someone actually
 * asked) and hi of every basis from the sorted price points. */
static void
hist_figures(struct hist *h)
{
	long long seen[BASES_MAX] = {0};

	qsort(h->p, (size_t)h->n, sizeof h->p[0], by_basis_price);
	for (int i = 0; i < h->n; i++) {
		struct price_stats *ps = &h->b[h->p[i].b];
		long long half = (h->total[h->p[i].b] + 1) / 2;

		if (seen[h->p[i].b] == 0)
			ps->lo = h->p[i].price;
		ps->hi = h->p[i].price;
		if (seen[h->p[i].b] < half && seen[h->p[i].b] + h->p[i].count >= half)
			ps->median = h->p[i].price;
		seen[h->p[i].b] += h->p[i].count;
	}
}

/* cheapest_communes names, for every basis, the commune with the lowest
 * average price in the window. */
static int
cheapest_communes(struct store *s, const char *product, long long since, struct hist *h)
{
	sqlite3_stmt *st = ST(MK_P_COMMUNE);
	struct { long long id, n, total; } c[BASES_MAX][64];
	int nc[BASES_MAX] = {0}, rc, b;

	(void)since;
	store_bind_text(st, 1, product);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 1);
		int k;

		if ((b = basis_index(h, (const char *)sqlite3_column_text(st, 0))) < 0)
			continue;
		for (k = 0; k < nc[b] && c[b][k].id != id; k++)
			;
		if (k == nc[b]) {
			if (k == 64)
				continue;	/* a province has fewer communes with offers */
			c[b][k].id = id;
			c[b][k].n = c[b][k].total = 0;
			nc[b]++;
		}
		c[b][k].n = add_sat(c[b][k].n, sqlite3_column_int64(st, 2));
		c[b][k].total = add_sat(c[b][k].total, sqlite3_column_int64(st, 3));
	}
	store_done(st);
	if (rc != SQLITE_DONE)
		return STORE_ERR;
	for (b = 0; b < h->nb; b++) {
		int best = -1;

		/* compare averages as cross products: no rounding */
		for (int k = 0; k < nc[b]; k++)
			if (c[b][k].n > 0 && (best < 0 ||
			    (double)c[b][k].total * (double)c[b][best].n <
			    (double)c[b][best].total * (double)c[b][k].n))
				best = k;
		if (best >= 0) {
			st = ST(MK_COMMUNE_NAME);
			sqlite3_bind_int64(st, 1, c[b][best].id);
			if ((rc = store_get_one(s, st)) == STORE_ERR)
				return STORE_ERR;
			if (rc == STORE_OK) {
				store_col_copy(st, 0, h->b[b].cheapest_commune, sizeof h->b[b].cheapest_commune);
				store_done(st);
			}
		}
	}
	return STORE_OK;
}

static int
by_points(const void *x, const void *y)
{
	const struct price_stats *a = x, *b = y;
	long long pa = a->offers + a->deals, pb = b->offers + b->deals;

	return pa > pb ? -1 : pa < pb;
}

/* price_stats is store_price_stats; the board leaves out the communes. */
static int
price_stats(struct store *s, const char *product, long long since_day, int max,
    struct price_stats *out, int *n, bool communes)
{
	struct hist *h;
	int rc, got = 0;

	if (ensure_window(s, since_day) == STORE_ERR)
		return STORE_ERR;
	/* about 100 KB, most of it the price points: only the counts are
	 * cleared (basis_index clears a basis as it is first seen) */
	h = xmalloc(sizeof *h);
	h->nb = h->n = 0;
	rc = hist_read(s, product, since_day, h);

	if (rc == STORE_OK && communes)
		rc = cheapest_communes(s, product, since_day, h);
	if (rc == STORE_OK) {
		hist_figures(h);
		qsort(h->b, (size_t)h->nb, sizeof h->b[0], by_points);
		for (int i = 0; i < h->nb && got < max; i++)
			if (h->b[i].offers + h->b[i].deals > 0)
				out[got++] = h->b[i];
		*n = got;
	}
	free(h);
	return rc;
}

int
store_price_stats(struct store *s, const char *product, long long since_day, int max,
    struct price_stats *out, int *n)
{
	return price_stats(s, product, since_day, max, out, n, true);
}

int
store_price_main(struct store *s, const char *product, long long since_day,
    struct price_stats *out, int *n)
{
	return price_stats(s, product, since_day, 1, out, n, false);
}

int
store_price_board(struct store *s, long long since_day, int max, char (*products)[128],
    long long *counts, int *n)
{
	sqlite3_stmt *st = ST(MK_P_BOARD);
	int rc, got = 0;

	if (ensure_window(s, since_day) == STORE_ERR)
		return STORE_ERR;
	sqlite3_bind_int(st, 1, max);
	while ((rc = store_step(s, st)) == SQLITE_ROW && got < max) {
		store_col_copy(st, 0, products[got], sizeof products[0]);
		counts[got++] = sqlite3_column_int64(st, 1);
	}
	store_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return STORE_ERR;
	*n = got;
	return STORE_OK;
}

int
store_market_anchor(struct store *s, const char *code, long long *village_id,
    long long *commune_id)
{
	sqlite3_stmt *st = ST(MK_ANCHOR);
	int rc;

	store_bind_text(st, 1, code);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	*village_id = sqlite3_column_int64(st, 0);
	*commune_id = sqlite3_column_int64(st, 1);
	store_done(st);
	return STORE_OK;
}

/* ---- figures ---- */

int
store_market_stats(struct store *s, int (*fn)(const struct market_village_stats *v, void *arg),
    void *arg)
{
	sqlite3_stmt *st = ST(MK_STATS);
	struct market_village_stats v;
	int rc, stop = 0;

	while (stop == 0 && (rc = store_step(s, st)) == SQLITE_ROW) {
		memset(&v, 0, sizeof v);
		store_col_copy(st, 0, v.commune, sizeof v.commune);
		store_col_copy(st, 1, v.code, sizeof v.code);
		store_col_copy(st, 2, v.village, sizeof v.village);
		v.households = sqlite3_column_int64(st, 3);
		v.households_listing = sqlite3_column_int64(st, 4);
		v.listings = sqlite3_column_int64(st, 5);
		v.orders = sqlite3_column_int64(st, 6);
		v.accepted = sqlite3_column_int64(st, 7);
		v.value = sqlite3_column_int64(st, 8);
		stop = fn(&v, arg);
	}
	store_done(st);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

/* ---- the daily digest of alerts past the cap ---- */

int
store_digest_add(struct store *s, const char *product, const char *except, long long day,
    int cap, long long listing_id, long long digest_day)
{
	sqlite3_stmt *st = ST(MK_D_ADD);

	store_bind_text(st, 1, product);
	store_bind_text(st, 2, except);
	sqlite3_bind_int64(st, 3, day);
	sqlite3_bind_int(st, 4, cap);
	sqlite3_bind_int64(st, 5, listing_id);
	sqlite3_bind_int64(st, 6, digest_day);
	return store_run(s, st);
}

int
store_digest_next(struct store *s, long long until_day, struct market_digest *d, int max)
{
	sqlite3_stmt *st = ST(MK_D_NEXT);
	int rc;

	d->n = 0;
	d->total = 0;
	sqlite3_bind_int64(st, 1, until_day);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	store_col_copy(st, 0, d->phone, sizeof d->phone);
	store_col_copy(st, 1, d->product, sizeof d->product);
	d->day = sqlite3_column_int64(st, 2);
	store_done(st);
	st = ST(MK_D_IDS);
	store_bind_text(st, 1, d->phone);
	store_bind_text(st, 2, d->product);
	sqlite3_bind_int64(st, 3, d->day);
	d->total = 0;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		if (d->n < max && d->n < MARKET_DIGEST_MAX)
			d->ids[d->n++] = sqlite3_column_int64(st, 0);
		d->total++;
	}
	store_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_digest_done(struct store *s, const struct market_digest *d)
{
	sqlite3_stmt *st = ST(MK_D_DEL);

	store_bind_text(st, 1, d->phone);
	store_bind_text(st, 2, d->product);
	sqlite3_bind_int64(st, 3, d->day);
	return store_run(s, st);
}
