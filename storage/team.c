/*
 * team.c - who acted for whom (commands.md §7) and what follows from it:
 * schema v9 (the helper role, acted_by columns, order prices and times,
 * the listing history), listing edits, handing orders over, the order
 * sheet and the team's figures. Not the orders themselves (market.c).
 */
#include "storage/store_int.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Version 9. people.role gains 'helper'. SQLite cannot change a CHECK, and
 * people cannot be rebuilt in a migration: listings and orders reference
 * it, and dropping it inside the transaction (foreign keys cannot be turned
 * off there) fails. A CHECK that only widens does not change what is on
 * disk, so the table's SQL text is edited in place, the documented way
 * (sqlite.org/lang_altertable.html, "other kinds of changes"), and the
 * schema cookie bumped so every connection re-reads it.
 */
static int
widen_role_check(struct store *s)
{
	sqlite3_stmt *st = NULL;
	char bump[64];
	int cookie = 0, rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA schema_version", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, NULL);
	rc = store_step(s, st);
	if (rc == SQLITE_ROW)
		cookie = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, NULL);
	snprintf(bump, sizeof bump, "PRAGMA schema_version = %d", cookie + 1);
	if (schema_run_script(s,
	    "PRAGMA writable_schema = ON;"
	    "UPDATE sqlite_schema SET sql = replace(sql,"
	    "  'CHECK(role IN (''household'',''head'',''official''))',"
	    "  'CHECK(role IN (''household'',''head'',''official'',''helper''))')"
	    " WHERE type = 'table' AND name = 'people';") != STORE_OK)
		return STORE_ERR;
	if (schema_run_script(s, bump) != STORE_OK ||
	    schema_run_script(s, "PRAGMA writable_schema = OFF;") != STORE_OK)
		return STORE_ERR;
	return STORE_OK;
}

int
migrate_v9_team(struct store *s)
{
	if (widen_role_check(s) != STORE_OK)
		return STORE_ERR;
	return schema_run_script(s,
	    /* who acted for the household (a helper, head or official), NULL
	     * when it did itself */
	    "ALTER TABLE people ADD COLUMN registered_by TEXT;"
	    "ALTER TABLE listings ADD COLUMN acted_by TEXT;"
	    "ALTER TABLE orders ADD COLUMN acted_by TEXT;"
	    /* the price the order was placed at (a later SUA does not change
	     * it); price_set 0 for orders older than v9: the listing's */
	    "ALTER TABLE orders ADD COLUMN price_set INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE orders ADD COLUMN price_vnd INTEGER;"
	    "ALTER TABLE orders ADD COLUMN price_per TEXT;"
	    "ALTER TABLE orders ADD COLUMN unit_price INTEGER;"
	    "ALTER TABLE orders ADD COLUMN accepted_at INTEGER;"
	    "ALTER TABLE orders ADD COLUMN delivered_at INTEGER;"
	    "ALTER TABLE orders ADD COLUMN delivered_by TEXT;"
	    "UPDATE orders SET accepted_at = decided_at WHERE status = 'accepted';"
	    /* the order sheet: accepted, not handed over */
	    "CREATE INDEX orders_to_deliver ON orders(listing_id)"
	    "  WHERE status = 'accepted' AND delivered_at IS NULL;"
	    "CREATE TABLE listing_changes ("
	    "  id INTEGER PRIMARY KEY,"
	    "  listing_id INTEGER NOT NULL REFERENCES listings(id) ON UPDATE CASCADE,"
	    "  at INTEGER NOT NULL,"
	    "  what TEXT NOT NULL CHECK(what IN ('open','edit','sold_out','cancelled')),"
	    "  status TEXT NOT NULL,"
	    "  price_vnd INTEGER,"
	    "  price_per TEXT,"
	    "  qty_left INTEGER NOT NULL,"
	    "  acted_by TEXT);"
	    "CREATE INDEX listing_changes_listing ON listing_changes(listing_id, id);");
}

enum {
	TM_L_ACTOR,
	TM_L_ACTOR_GET,
	TM_L_LOG,
	TM_L_EDIT,
	TM_O_ACTOR,
	TM_O_DELIVER,
	TM_O_DELIVERED_AT,
	TM_P_REGISTERED_BY,
	TM_SHEET,
	TM_STATS,
	TM__COUNT
};

static const char *const sql[TM__COUNT] = {
	[TM_L_ACTOR] = "UPDATE listings SET acted_by = ?2 WHERE id = ?1",
	[TM_L_ACTOR_GET] = "SELECT coalesce(acted_by, '') FROM listings WHERE id = ?1",
	[TM_L_LOG] =
	    "INSERT INTO listing_changes(listing_id, at, what, status, price_vnd, price_per,"
	    " qty_left, acted_by)"
	    " SELECT id, ?3, ?2, status, price_vnd, price_per, qty_left, ?4 FROM listings"
	    " WHERE id = ?1",
	/* ?2 has_price, ?3 price_vnd (NULL negotiable), ?4 per, ?5 unit price,
	 * ?6 check, ?7 has_qty, ?8 qty_left */
	[TM_L_EDIT] =
	    "UPDATE listings SET"
	    " price_vnd = CASE WHEN ?2 THEN ?3 ELSE price_vnd END,"
	    " price_per = CASE WHEN ?2 THEN ?4 ELSE price_per END,"
	    " unit_price = CASE WHEN ?2 THEN ?5 ELSE unit_price END,"
	    " price_check = CASE WHEN ?2 THEN ?6 ELSE price_check END,"
	    " qty = CASE WHEN ?7 AND ?8 > qty THEN ?8 ELSE qty END,"
	    " qty_left = CASE WHEN ?7 THEN ?8 ELSE qty_left END"
	    " WHERE id = ?1 AND status = 'open'",
	[TM_O_ACTOR] = "UPDATE orders SET acted_by = ?2 WHERE id = ?1",
	[TM_O_DELIVER] =
	    "UPDATE orders SET delivered_at = ?3, delivered_by = ?2"
	    " WHERE id = ?1 AND status = 'accepted' AND delivered_at IS NULL",
	[TM_O_DELIVERED_AT] = "SELECT coalesce(delivered_at, 0) FROM orders WHERE id = ?1",
	[TM_P_REGISTERED_BY] = "UPDATE people SET registered_by = ?2 WHERE phone = ?1",
	[TM_SHEET] =
	    "SELECT c.name, v.name, v.code, o.id, l.id, coalesce(o.accepted_at, o.decided_at, 0),"
	    " l.product, coalesce(l.variety, ''), l.unit, o.qty, o.value, p.name, p.phone,"
	    " o.buyer_phone"
	    " FROM orders o INDEXED BY orders_to_deliver JOIN listings l ON l.id = o.listing_id"
	    " JOIN people p ON p.id = l.seller_id JOIN villages v ON v.id = l.village_id"
	    " JOIN communes c ON c.id = l.commune_id"
	    " WHERE o.status = 'accepted' AND o.delivered_at IS NULL"
	    " AND (?1 = '' OR c.name = ?1)"
	    " ORDER BY c.name, v.code, o.id",
	[TM_STATS] =
	    "SELECT v.code,"
	    " (SELECT count(*) FROM people p WHERE p.village_id = v.id"
	    "   AND p.registered_by IS NOT NULL),"
	    " (SELECT count(*) FROM listings l WHERE l.village_id = v.id"
	    "   AND l.acted_by IS NOT NULL),"
	    " (SELECT count(*) FROM listings l JOIN orders o ON o.listing_id = l.id"
	    "   WHERE l.village_id = v.id AND l.acted_by IS NOT NULL AND o.status = 'accepted'),"
	    " (SELECT count(*) FROM listings l JOIN orders o ON o.listing_id = l.id"
	    "   WHERE l.village_id = v.id AND o.delivered_at IS NOT NULL)"
	    " FROM villages v ORDER BY v.code",
};

const struct store_domain_sql team_sql = {sql, TM__COUNT};

#define ST(i) (s->dom[DOM_TEAM][i])

int
store_team_listing_actor(struct store *s, long long id, const char *by)
{
	sqlite3_stmt *st = ST(TM_L_ACTOR);

	sqlite3_bind_int64(st, 1, id);
	store_bind_opt(st, 2, by);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_NONE;
}

int
store_team_listing_actor_get(struct store *s, long long id, char *by, size_t len)
{
	sqlite3_stmt *st = ST(TM_L_ACTOR_GET);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	store_col_copy(st, 0, by, len);
	store_done(st);
	return STORE_OK;
}

int
store_team_listing_log(struct store *s, long long id, const char *what, const char *by,
    long long now)
{
	sqlite3_stmt *st = ST(TM_L_LOG);

	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, what);
	sqlite3_bind_int64(st, 3, now);
	store_bind_opt(st, 4, by);
	return store_run(s, st);
}

static int
listing_edit(struct store *s, long long id, const struct team_edit *e)
{
	sqlite3_stmt *st = ST(TM_L_EDIT);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, e->has_price);
	store_bind_id(st, 3, e->price_vnd);
	store_bind_opt(st, 4, e->price_vnd ? e->price_per : "");
	store_bind_id(st, 5, e->unit_price);
	sqlite3_bind_int(st, 6, e->price_check);
	sqlite3_bind_int(st, 7, e->has_qty);
	sqlite3_bind_int64(st, 8, e->qty_left);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_NONE;
}

/* A new price moves the listing's price point in GIA's figures: out at the
 * old price, in at the new one, on the day it was counted under (either
 * is left out by the figures' own rules: negotiable, or failing the price
 * check). Orders already accepted keep the price they were counted at. */
int
store_team_listing_edit(struct store *s, long long id, const struct team_edit *e)
{
	struct listing *was, *now;
	long long day = 0;
	bool own;
	int rc;

	if (!e->has_price)
		return listing_edit(s, id, e);
	was = xmalloc(sizeof *was);
	now = xmalloc(sizeof *now);
	if ((rc = market_listing_day(s, id, was, &day)) == STORE_OK &&
	    (rc = store_op_begin(s, &own)) == STORE_OK) {
		rc = listing_edit(s, id, e);
		if (rc == STORE_OK)
			rc = market_listing_day(s, id, now, NULL);
		if (rc == STORE_OK)
			rc = market_count_listing(s, was, day, -1);
		if (rc == STORE_OK)
			rc = market_count_listing(s, now, day, 1);
		rc = store_op_end(s, own, rc);
	}
	free(was);
	free(now);
	return rc;
}

int
store_team_order_actor(struct store *s, long long id, const char *by)
{
	sqlite3_stmt *st = ST(TM_O_ACTOR);

	sqlite3_bind_int64(st, 1, id);
	store_bind_opt(st, 2, by);
	return store_run(s, st);
}

int
store_team_order_deliver(struct store *s, long long id, const char *by, long long now)
{
	sqlite3_stmt *st = ST(TM_O_DELIVER);

	sqlite3_bind_int64(st, 1, id);
	store_bind_opt(st, 2, by);
	sqlite3_bind_int64(st, 3, now);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_NONE;
}

int
store_team_order_delivered_at(struct store *s, long long id, long long *at)
{
	sqlite3_stmt *st = ST(TM_O_DELIVERED_AT);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	*at = sqlite3_column_int64(st, 0);
	store_done(st);
	return STORE_OK;
}

int
store_team_registered_by(struct store *s, const char *phone, const char *by)
{
	sqlite3_stmt *st = ST(TM_P_REGISTERED_BY);

	store_bind_text(st, 1, phone);
	store_bind_opt(st, 2, by);
	return store_run(s, st);
}

int
store_team_sheet(struct store *s, const char *commune,
    int (*fn)(const struct team_sheet_row *row, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(TM_SHEET);
	struct team_sheet_row row;
	int rc, stop = 0;

	store_bind_text(st, 1, commune != NULL ? commune : "");
	while (stop == 0 && (rc = store_step(s, st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		store_col_copy(st, 0, row.commune, sizeof row.commune);
		store_col_copy(st, 1, row.village, sizeof row.village);
		store_col_copy(st, 2, row.code, sizeof row.code);
		row.order_id = sqlite3_column_int64(st, 3);
		row.listing_id = sqlite3_column_int64(st, 4);
		row.accepted_at = sqlite3_column_int64(st, 5);
		store_col_copy(st, 6, row.product, sizeof row.product);
		store_col_copy(st, 7, row.variety, sizeof row.variety);
		store_col_copy(st, 8, row.unit, sizeof row.unit);
		row.qty = sqlite3_column_int64(st, 9);
		row.value = sqlite3_column_int64(st, 10);
		store_col_copy(st, 11, row.seller_name, sizeof row.seller_name);
		store_col_copy(st, 12, row.seller_phone, sizeof row.seller_phone);
		store_col_copy(st, 13, row.buyer_phone, sizeof row.buyer_phone);
		stop = fn(&row, arg);
	}
	store_done(st);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;	/* store_step kept why */
}

int
store_team_stats(struct store *s,
    int (*fn)(const struct team_village_stats *v, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(TM_STATS);
	struct team_village_stats v;
	int rc, stop = 0;

	while (stop == 0 && (rc = store_step(s, st)) == SQLITE_ROW) {
		memset(&v, 0, sizeof v);
		store_col_copy(st, 0, v.code, sizeof v.code);
		v.households = sqlite3_column_int64(st, 1);
		v.listings = sqlite3_column_int64(st, 2);
		v.orders = sqlite3_column_int64(st, 3);
		v.delivered = sqlite3_column_int64(st, 4);
		stop = fn(&v, arg);
	}
	store_done(st);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}
