/*
 * console_read.c - what the web console's pages read: indicators per
 * village (the same counts as store_market_stats, plus households that ever
 * listed), notices per commune, daily series, price points, people, villages
 * and notices. Read-only; every query takes a commune id, 0 for all.
 * The indicators are four GROUP BY scans over covering indexes merged here,
 * not one correlated subquery per village: 200,000 households and 100,000
 * listings are read once each.
 */
#include "storage/store_int.h"

#include "common/common.h"

#include <stdlib.h>
#include <string.h>

enum {
	CR_VILLAGES_FIG,
	CR_PEOPLE_PER_VILLAGE,
	CR_LISTINGS_PER_VILLAGE,
	CR_ORDERS_PER_VILLAGE,
	CR_PEOPLE_PER_VILLAGE_C,	/* the same three for one commune ?1 */
	CR_LISTINGS_PER_VILLAGE_C,
	CR_ORDERS_PER_VILLAGE_C,
	CR_NOTICE_FIGS,
	CR_DAILY_MO,
	CR_DAILY_MO_COMMUNE,
	CR_DAILY_LISTINGS,
	CR_DAILY_ACCEPTED,
	CR_TOP_PRODUCTS,
	CR_PRICES,
	CR_PEOPLE,
	CR_PEOPLE_COUNT,
	CR_VILLAGES,
	CR_COMMUNE_ID,
	CR_VILLAGE_COMMUNE,
	CR_NOTICES,
	CR_NOTICE,
	CR_LISTINGS,
	CR_ORDERS,
	CR_SHEET,
	CR_INBOX_OF,
	CR_OUTBOX_OF,
	CR__COUNT
};

#define NOTICE_COLS \
	"SELECT b.id, coalesce(b.sender_id, 0), b.recipients, b.send_at, b.text," \
	" coalesce(sum(o.status = 'accepted'), 0), coalesce(sum(o.dlr_type = 1), 0)," \
	" coalesce(sum(o.status IN ('queued', 'sending')), 0)," \
	" coalesce(sum(o.status = 'failed' OR o.dlr_type IN (2, 16)), 0)," \
	" b.commune_id, CASE WHEN b.village_id IS NULL THEN 'xã ' || c.name" \
	"   ELSE 'thôn ' || v.name || ', xã ' || c.name END," \
	" CASE WHEN b.sender_id IS NULL THEN coalesce(b.sender_login, '') || ' (bảng điều khiển)'" \
	"   ELSE coalesce(nullif(p.name, ''), p.phone) END," \
	" b.urgent, b.created_at" \
	" FROM broadcasts b JOIN communes c ON c.id = b.commune_id" \
	" LEFT JOIN villages v ON v.id = b.village_id" \
	" LEFT JOIN people p ON p.id = b.sender_id" \
	" LEFT JOIN outbox o ON o.broadcast_id = b.id"

/* the columns row_listing reads (market.c's LCOLS and LFROM) */
#define LISTING_COLS \
	"l.id, l.seller_id, l.village_id, l.commune_id, p.phone, p.name, v.name, c.name," \
	" l.product, coalesce(l.variety, ''), coalesce(l.grade, 0), l.unit, l.qty, l.qty_left," \
	" coalesce(l.pieces, 0), coalesce(l.price_vnd, 0), coalesce(l.price_per, '')," \
	" coalesce(l.unit_price, 0), l.price_check, coalesce(l.note, ''), coalesce(l.contact, '')," \
	" l.status, l.created_at"
#define LISTING_FROM \
	" FROM listings l JOIN people p ON p.id = l.seller_id" \
	" JOIN villages v ON v.id = l.village_id JOIN communes c ON c.id = l.commune_id"
#define ORDER_COLS \
	"o.id, o.buyer_phone, o.qty, o.value, o.created_at, coalesce(o.decided_at, 0), o.status, "
#define ORDER_NCOLS 7

static const char *const sql[CR__COUNT] = {
	[CR_VILLAGES_FIG] =
	    "SELECT v.id, v.commune_id, v.code, v.name, c.name FROM villages v"
	    " JOIN communes c ON c.id = v.commune_id WHERE ?1 = 0 OR v.commune_id = ?1"
	    " ORDER BY c.name, v.code",
	/* each over a covering index (people_village, listings_village) */
	[CR_PEOPLE_PER_VILLAGE] =
	    "SELECT village_id, count(*) FROM people WHERE village_id IS NOT NULL"
	    " GROUP BY village_id",
	[CR_LISTINGS_PER_VILLAGE] =
	    "SELECT village_id, count(*), count(DISTINCT seller_id),"
	    " count(DISTINCT CASE WHEN status = 'open' THEN seller_id END)"
	    " FROM listings GROUP BY village_id",
	/* total(): exact to 2^53 đ, saturated past 2^63 (as MK_STATS) */
	/* CROSS JOIN: orders outside, each finding its listing by key (the
	 * planner would scan every listing for its orders: twice as slow) */
	[CR_ORDERS_PER_VILLAGE] =
	    "SELECT l.village_id, count(*), sum(o.status = 'accepted'),"
	    " CAST(total(CASE WHEN o.status = 'accepted' THEN o.value END) AS INTEGER)"
	    " FROM orders o CROSS JOIN listings l ON l.id = o.listing_id GROUP BY l.village_id",
	/* one commune: its villages first, then their rows by index */
	[CR_PEOPLE_PER_VILLAGE_C] =
	    "SELECT p.village_id, count(*) FROM villages v JOIN people p ON p.village_id = v.id"
	    " WHERE v.commune_id = ?1 GROUP BY p.village_id",
	[CR_LISTINGS_PER_VILLAGE_C] =
	    "SELECT l.village_id, count(*), count(DISTINCT l.seller_id),"
	    " count(DISTINCT CASE WHEN l.status = 'open' THEN l.seller_id END)"
	    " FROM villages v JOIN listings l ON l.village_id = v.id WHERE v.commune_id = ?1"
	    " GROUP BY l.village_id",
	[CR_ORDERS_PER_VILLAGE_C] =
	    "SELECT l.village_id, count(*), sum(o.status = 'accepted'),"
	    " CAST(total(CASE WHEN o.status = 'accepted' THEN o.value END) AS INTEGER)"
	    " FROM villages v JOIN listings l ON l.village_id = v.id JOIN orders o ON o.listing_id = l.id"
	    " WHERE v.commune_id = ?1 GROUP BY l.village_id",
	/* kept by triggers (console.c, version 6) */
	[CR_NOTICE_FIGS] =
	    "SELECT commune_id, notices, messages, delivered, failed, waiting FROM notice_figs"
	    " WHERE ?1 = 0 OR commune_id = ?1",
	/* ?1 first second counted (a local midnight: a whole hour), ?2
	 * seconds east of UTC; from the hourly counts the triggers keep */
	[CR_DAILY_MO] =
	    "SELECT (hour * 3600 + ?2) / 86400 AS d, sum(n) FROM mo_hourly"
	    " WHERE hour >= ?1 / 3600 GROUP BY d ORDER BY d",
	[CR_DAILY_MO_COMMUNE] =
	    "SELECT (hour * 3600 + ?2) / 86400 AS d, sum(n) FROM mo_hourly_commune"
	    " WHERE commune_id = ?3 AND hour >= ?1 / 3600 GROUP BY d ORDER BY d",
	[CR_DAILY_LISTINGS] =
	    "SELECT day, count(*) FROM listings WHERE day >= ?1 AND (?3 = 0 OR commune_id = ?3)"
	    " GROUP BY day ORDER BY day",
	[CR_DAILY_ACCEPTED] =
	    "SELECT (o.decided_at + ?2) / 86400 AS d, count(*) FROM orders o"
	    " CROSS JOIN listings l ON l.id = o.listing_id"
	    " WHERE o.status = 'accepted' AND o.decided_at >= ?1 AND (?3 = 0 OR l.commune_id = ?3)"
	    " GROUP BY d ORDER BY d",
	[CR_TOP_PRODUCTS] =
	    "SELECT product, sum(listings) AS n FROM price_hist WHERE day >= ?1 AND basis = 'kg'"
	    " GROUP BY product ORDER BY n DESC, product LIMIT ?2",
	[CR_PRICES] =
	    "SELECT day, unit_price, listings + deals FROM price_hist"
	    " WHERE product = ?1 AND day >= ?2 AND basis = 'kg' ORDER BY day",
	[CR_PEOPLE] =
	    "SELECT p.id, p.phone, p.name, coalesce(v.code, ''), coalesce(v.name, ''),"
	    " coalesce(c.name, ''), p.role, coalesce(v.commune_id, 0), p.opted_out"
	    " FROM people p LEFT JOIN villages v ON v.id = p.village_id"
	    " LEFT JOIN communes c ON c.id = v.commune_id"
	    " WHERE (?1 = 0 OR v.commune_id = ?1) AND (?2 IS NULL OR v.code = ?2)"
	    " AND (?3 IS NULL OR fold(p.name) LIKE ?3 ESCAPE '\\' OR p.phone LIKE ?3 ESCAPE '\\')"
	    " ORDER BY p.id LIMIT ?4 OFFSET ?5",
	[CR_PEOPLE_COUNT] =
	    "SELECT count(*) FROM people p LEFT JOIN villages v ON v.id = p.village_id"
	    " WHERE (?1 = 0 OR v.commune_id = ?1) AND (?2 IS NULL OR v.code = ?2)"
	    " AND (?3 IS NULL OR fold(p.name) LIKE ?3 ESCAPE '\\' OR p.phone LIKE ?3 ESCAPE '\\')",
	[CR_VILLAGES] =
	    "SELECT v.id, v.code, v.name, c.name, coalesce(v.old_district, ''), v.commune_id"
	    " FROM villages v JOIN communes c ON c.id = v.commune_id"
	    " WHERE ?1 = 0 OR v.commune_id = ?1 ORDER BY c.name, v.code",
	[CR_COMMUNE_ID] = "SELECT id FROM communes WHERE name = ?1",
	[CR_VILLAGE_COMMUNE] = "SELECT commune_id FROM villages WHERE code = ?1",
	[CR_NOTICES] =
	    NOTICE_COLS " WHERE ?1 = 0 OR b.commune_id = ?1 GROUP BY b.id ORDER BY b.id DESC LIMIT ?2",
	[CR_NOTICE] = NOTICE_COLS " WHERE b.id = ?1 GROUP BY b.id",
	[CR_LISTINGS] =
	    "SELECT " LISTING_COLS LISTING_FROM
	    " WHERE (?1 = 0 OR l.commune_id = ?1) AND (?2 IS NULL OR l.product = ?2)"
	    " AND (?3 IS NULL OR l.status = ?3) ORDER BY l.id DESC LIMIT ?4 OFFSET ?5",
	[CR_ORDERS] =
	    "SELECT " ORDER_COLS LISTING_COLS " FROM orders o JOIN listings l ON l.id = o.listing_id"
	    " JOIN people p ON p.id = l.seller_id JOIN villages v ON v.id = l.village_id"
	    " JOIN communes c ON c.id = l.commune_id"
	    " WHERE (?1 = 0 OR l.commune_id = ?1) AND (?2 IS NULL OR l.product = ?2)"
	    " AND (?3 IS NULL OR o.status = ?3) ORDER BY o.id DESC LIMIT ?4 OFFSET ?5",
	/* the post office's sheet (commands.md §7): accepted orders not yet
	 * handed over (GIAO) */
	[CR_SHEET] =
	    "SELECT " ORDER_COLS LISTING_COLS " FROM orders o JOIN listings l ON l.id = o.listing_id"
	    " JOIN people p ON p.id = l.seller_id JOIN villages v ON v.id = l.village_id"
	    " JOIN communes c ON c.id = l.commune_id"
	    " WHERE o.status = 'accepted' AND o.delivered_at IS NULL AND (?1 = 0 OR l.commune_id = ?1)"
	    " ORDER BY c.name, v.name, p.name, o.id",
	/* no index on phone: a rare look-up by an operator reads the table */
	[CR_INBOX_OF] =
	    "SELECT id, received_at, coalesce(text, ''), coalesce(action, ''), coalesce(reply, '')"
	    " FROM inbox WHERE phone = ?1 ORDER BY id DESC LIMIT ?2",
	[CR_OUTBOX_OF] =
	    "SELECT id, created_at, text, status, coalesce(dlr_type, 0), coalesce(broadcast_id, 0)"
	    " FROM outbox WHERE phone = ?1 ORDER BY id DESC LIMIT ?2",
};

const struct store_domain_sql console_read_sql = {sql, CR__COUNT};

_Static_assert(CR_LISTINGS_PER_VILLAGE_C - CR_LISTINGS_PER_VILLAGE ==
    CR_PEOPLE_PER_VILLAGE_C - CR_PEOPLE_PER_VILLAGE && CR_ORDERS_PER_VILLAGE_C -
    CR_ORDERS_PER_VILLAGE == CR_PEOPLE_PER_VILLAGE_C - CR_PEOPLE_PER_VILLAGE,
    "each per-village count has its one-commune statement at the same distance");

#define ST(i) (s->dom[DOM_CONSOLE_READ][i])

/* ---- indicators per village ---- */

struct figs {
	struct console_village_fig *v;
	int n;
	int *by_id;			/* village id -> index in v, -1 */
	long long max_id;
};

static struct console_village_fig *
fig_of(struct figs *f, long long village_id)
{
	if (village_id <= 0 || village_id > f->max_id || f->by_id[village_id] < 0)
		return NULL;
	return &f->v[f->by_id[village_id]];
}

static int
load_villages(struct store *s, long long commune_id, struct figs *f)
{
	sqlite3_stmt *st = ST(CR_VILLAGES_FIG);
	int rc, cap = 0;

	sqlite3_bind_int64(st, 1, commune_id);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		struct console_village_fig *v;

		if (f->n == cap) {
			cap = cap ? cap * 2 : 256;
			f->v = xrealloc(f->v, (size_t)cap * sizeof *f->v);
		}
		v = &f->v[f->n++];
		memset(v, 0, sizeof *v);
		v->village_id = sqlite3_column_int64(st, 0);
		v->commune_id = sqlite3_column_int64(st, 1);
		store_col_copy(st, 2, v->code, sizeof v->code);
		store_col_copy(st, 3, v->village, sizeof v->village);
		store_col_copy(st, 4, v->commune, sizeof v->commune);
		if (v->village_id > f->max_id)
			f->max_id = v->village_id;
	}
	store_done(st);
	if (rc != SQLITE_DONE)
		return STORE_ERR;
	f->by_id = xmalloc((size_t)(f->max_id + 1) * sizeof *f->by_id);
	for (long long i = 0; i <= f->max_id; i++)
		f->by_id[i] = -1;
	for (int i = 0; i < f->n; i++)
		f->by_id[f->v[i].village_id] = i;
	return STORE_OK;
}

/* add_counts runs one per-village GROUP BY (over the province, or over
 * commune_id's villages with the _C statement that follows it in the enum)
 * and adds its columns to the village it names. */
static int
add_counts(struct store *s, int which, long long commune_id, struct figs *f)
{
	sqlite3_stmt *st = ST(commune_id ? which + (CR_PEOPLE_PER_VILLAGE_C - CR_PEOPLE_PER_VILLAGE) :
	    which);
	int rc;

	if (commune_id)
		sqlite3_bind_int64(st, 1, commune_id);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		struct console_village_fig *v = fig_of(f, sqlite3_column_int64(st, 0));

		if (v == NULL)
			continue;
		if (which == CR_PEOPLE_PER_VILLAGE) {
			v->households = sqlite3_column_int64(st, 1);
		} else if (which == CR_LISTINGS_PER_VILLAGE) {
			v->listings = sqlite3_column_int64(st, 1);
			v->listed_ever = sqlite3_column_int64(st, 2);
			v->listing_now = sqlite3_column_int64(st, 3);
		} else {
			v->orders = sqlite3_column_int64(st, 1);
			v->accepted = sqlite3_column_int64(st, 2);
			v->value = sqlite3_column_int64(st, 3);
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_console_village_figs(struct store *s, long long commune_id,
    int (*fn)(const struct console_village_fig *f, void *arg), void *arg)
{
	struct figs f = {0};
	int rc;

	rc = load_villages(s, commune_id, &f);
	if (rc == STORE_OK)
		rc = add_counts(s, CR_PEOPLE_PER_VILLAGE, commune_id, &f);
	if (rc == STORE_OK)
		rc = add_counts(s, CR_LISTINGS_PER_VILLAGE, commune_id, &f);
	if (rc == STORE_OK)
		rc = add_counts(s, CR_ORDERS_PER_VILLAGE, commune_id, &f);
	for (int i = 0; rc == STORE_OK && i < f.n; i++)
		rc = fn(&f.v[i], arg);
	free(f.v);
	free(f.by_id);
	return rc;
}

int
store_console_notice_figs(struct store *s, long long commune_id,
    int (*fn)(const struct console_notice_fig *f, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(CR_NOTICE_FIGS);
	int rc;

	sqlite3_bind_int64(st, 1, commune_id);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		struct console_notice_fig f;
		int stop;

		f.commune_id = sqlite3_column_int64(st, 0);
		f.notices = sqlite3_column_int64(st, 1);
		f.messages = sqlite3_column_int64(st, 2);
		f.delivered = sqlite3_column_int64(st, 3);
		f.failed = sqlite3_column_int64(st, 4);
		f.waiting = sqlite3_column_int64(st, 5);
		if ((stop = fn(&f, arg)) != 0) {
			store_done(st);
			return stop;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

/* ---- series ---- */

int
store_console_daily(struct store *s, enum console_series what, long long commune_id,
    long long from_day, long long utc_offset,
    int (*fn)(long long day, long long n, void *arg), void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if (what == CS_MO)
		st = ST(commune_id ? CR_DAILY_MO_COMMUNE : CR_DAILY_MO);
	else
		st = ST(what == CS_LISTINGS ? CR_DAILY_LISTINGS : CR_DAILY_ACCEPTED);
	/* listings carry their local day; the others a unix time */
	sqlite3_bind_int64(st, 1, what == CS_LISTINGS ? from_day : from_day * 86400 - utc_offset);
	sqlite3_bind_int64(st, 2, utc_offset);
	if (what != CS_MO || commune_id)
		sqlite3_bind_int64(st, 3, commune_id);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		int stop = fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), arg);

		if (stop != 0) {
			store_done(st);
			return stop;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_console_top_products(struct store *s, long long from_day, int max, char (*out)[64], int *n)
{
	sqlite3_stmt *st = ST(CR_TOP_PRODUCTS);
	int rc;

	*n = 0;
	sqlite3_bind_int64(st, 1, from_day);
	sqlite3_bind_int(st, 2, max);
	while ((rc = store_step(s, st)) == SQLITE_ROW && *n < max)
		store_col_copy(st, 0, out[(*n)++], 64);
	store_done(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_ERR;
}

int
store_console_prices(struct store *s, const char *product, long long from_day,
    int (*fn)(long long day, long long price, long long n, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(CR_PRICES);
	int rc;

	store_bind_text(st, 1, product);
	sqlite3_bind_int64(st, 2, from_day);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		int stop = fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), arg);

		if (stop != 0) {
			store_done(st);
			return stop;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

/* ---- people ---- */

/* bind_people_q binds the filter; like is a buffer for the LIKE pattern
 * (the text folded as names are, fold(), with % _ and \ escaped, between
 * two %). */
static void
bind_people_q(sqlite3_stmt *st, const struct console_people_q *q, char *like, size_t likelen)
{
	char folded[256];
	const char *text = q->text;
	size_t j = 0;

	sqlite3_bind_int64(st, 1, q->commune_id);
	store_bind_opt(st, 2, q->village_code);
	if (text == NULL || text[0] == '\0') {
		sqlite3_bind_null(st, 3);
		return;
	}
	if (text_fold(text, folded, sizeof folded) == 0)
		text = folded;
	like[j++] = '%';
	for (const char *p = text; *p != '\0' && j + 3 < likelen; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			like[j++] = '\\';
		like[j++] = *p;
	}
	like[j++] = '%';
	like[j] = '\0';
	store_bind_text(st, 3, like);
}

int
store_console_people(struct store *s, const struct console_people_q *q, long long *total,
    int (*fn)(const struct console_person *p, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(CR_PEOPLE_COUNT);
	char like[400];
	int rc;

	bind_people_q(st, q, like, sizeof like);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc == STORE_NONE ? store_fail(s, "count returned no row") : rc;
	*total = sqlite3_column_int64(st, 0);
	store_done(st);
	st = ST(CR_PEOPLE);
	bind_people_q(st, q, like, sizeof like);
	sqlite3_bind_int(st, 4, q->limit);
	sqlite3_bind_int(st, 5, q->offset);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		struct console_person p;
		int stop;

		memset(&p, 0, sizeof p);
		p.id = sqlite3_column_int64(st, 0);
		store_col_copy(st, 1, p.phone, sizeof p.phone);
		store_col_copy(st, 2, p.name, sizeof p.name);
		store_col_copy(st, 3, p.village_code, sizeof p.village_code);
		store_col_copy(st, 4, p.village, sizeof p.village);
		store_col_copy(st, 5, p.commune, sizeof p.commune);
		store_col_copy(st, 6, p.role, sizeof p.role);
		p.commune_id = sqlite3_column_int64(st, 7);
		p.opted_out = sqlite3_column_int(st, 8) != 0;
		if ((stop = fn(&p, arg)) != 0) {
			store_done(st);
			return stop;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_console_villages(struct store *s, long long commune_id,
    int (*fn)(const struct village *v, long long commune_id, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(CR_VILLAGES);
	int rc;

	sqlite3_bind_int64(st, 1, commune_id);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		struct village v;
		int stop;

		memset(&v, 0, sizeof v);
		v.id = sqlite3_column_int64(st, 0);
		store_col_copy(st, 1, v.code, sizeof v.code);
		store_col_copy(st, 2, v.name, sizeof v.name);
		store_col_copy(st, 3, v.commune, sizeof v.commune);
		store_col_copy(st, 4, v.old_district, sizeof v.old_district);
		if ((stop = fn(&v, sqlite3_column_int64(st, 5), arg)) != 0) {
			store_done(st);
			return stop;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

static int
one_id(struct store *s, sqlite3_stmt *st, const char *key, long long *id)
{
	int rc;

	store_bind_text(st, 1, key);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	*id = sqlite3_column_int64(st, 0);
	store_done(st);
	return STORE_OK;
}

int
store_console_commune_id(struct store *s, const char *name, long long *id)
{
	return one_id(s, ST(CR_COMMUNE_ID), name, id);
}

int
store_console_village_commune(struct store *s, const char *code, long long *commune_id)
{
	return one_id(s, ST(CR_VILLAGE_COMMUNE), code, commune_id);
}

/* ---- notices ---- */

static void
notice_row(sqlite3_stmt *st, struct console_notice *n)
{
	memset(n, 0, sizeof *n);
	n->r.id = sqlite3_column_int64(st, 0);
	n->r.sender_id = sqlite3_column_int64(st, 1);
	n->r.recipients = sqlite3_column_int64(st, 2);
	n->r.send_at = sqlite3_column_int64(st, 3);
	store_col_copy(st, 4, n->r.text, sizeof n->r.text);
	n->r.sent = sqlite3_column_int64(st, 5);
	n->r.delivered = sqlite3_column_int64(st, 6);
	n->r.waiting = sqlite3_column_int64(st, 7);
	n->r.failed = sqlite3_column_int64(st, 8);
	n->commune_id = sqlite3_column_int64(st, 9);
	store_col_copy(st, 10, n->target, sizeof n->target);
	store_col_copy(st, 11, n->sender, sizeof n->sender);
	n->urgent = sqlite3_column_int(st, 12) != 0;
	n->created_at = sqlite3_column_int64(st, 13);
}

int
store_console_notices(struct store *s, long long commune_id, int limit,
    int (*fn)(const struct console_notice *n, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(CR_NOTICES);
	struct console_notice *n = xmalloc(sizeof *n);
	int rc;

	sqlite3_bind_int64(st, 1, commune_id);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		int stop;

		notice_row(st, n);
		if ((stop = fn(n, arg)) != 0) {
			store_done(st);
			free(n);
			return stop;
		}
	}
	store_done(st);
	free(n);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_console_notice(struct store *s, long long id, struct console_notice *out)
{
	sqlite3_stmt *st = ST(CR_NOTICE);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	notice_row(st, out);
	store_done(st);
	return STORE_OK;
}

/* ---- the market ---- */

static void
bind_market_q(sqlite3_stmt *st, const struct console_market_q *q)
{
	sqlite3_bind_int64(st, 1, q->commune_id);
	store_bind_opt(st, 2, q->product);
	store_bind_opt(st, 3, q->status);
	sqlite3_bind_int(st, 4, q->limit);
	sqlite3_bind_int(st, 5, q->offset);
}

int
store_console_listings(struct store *s, const struct console_market_q *q,
    int (*fn)(const struct listing *l, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(CR_LISTINGS);
	struct listing *l = xmalloc(sizeof *l);
	int rc, stop = 0;

	bind_market_q(st, q);
	while (stop == 0 && (rc = store_step(s, st)) == SQLITE_ROW) {
		row_listing(st, 0, l);
		stop = fn(l, arg);
	}
	store_done(st);
	free(l);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

static int
each_order(struct store *s, sqlite3_stmt *st, int (*fn)(const struct console_order *o, void *arg),
    void *arg)
{
	struct console_order *o = xmalloc(sizeof *o);
	int rc, stop = 0;

	while (stop == 0 && (rc = store_step(s, st)) == SQLITE_ROW) {
		memset(o, 0, sizeof *o);
		o->id = sqlite3_column_int64(st, 0);
		store_col_copy(st, 1, o->buyer_phone, sizeof o->buyer_phone);
		o->qty = sqlite3_column_int64(st, 2);
		o->value = sqlite3_column_int64(st, 3);
		o->created_at = sqlite3_column_int64(st, 4);
		o->decided_at = sqlite3_column_int64(st, 5);
		store_col_copy(st, 6, o->status, sizeof o->status);
		row_listing(st, ORDER_NCOLS, &o->l);
		stop = fn(o, arg);
	}
	store_done(st);
	free(o);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_console_orders(struct store *s, const struct console_market_q *q,
    int (*fn)(const struct console_order *o, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(CR_ORDERS);

	bind_market_q(st, q);
	return each_order(s, st, fn, arg);
}

int
store_console_sheet(struct store *s, long long commune_id,
    int (*fn)(const struct console_order *o, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(CR_SHEET);

	sqlite3_bind_int64(st, 1, commune_id);
	return each_order(s, st, fn, arg);
}

/* ---- one phone's messages ---- */

static int
each_msg(struct store *s, sqlite3_stmt *st, bool in, struct console_msg *m,
    int (*fn)(const struct console_msg *m, void *arg), void *arg)
{
	int rc, stop = 0;

	while (stop == 0 && (rc = store_step(s, st)) == SQLITE_ROW) {
		memset(m, 0, sizeof *m);
		m->from_phone = in;
		m->id = sqlite3_column_int64(st, 0);
		m->at = sqlite3_column_int64(st, 1);
		store_col_copy(st, 2, m->text, sizeof m->text);
		if (in) {
			store_col_copy(st, 3, m->action, sizeof m->action);
			store_col_copy(st, 4, m->reply, sizeof m->reply);
		} else {
			store_col_copy(st, 3, m->status, sizeof m->status);
			m->dlr_type = sqlite3_column_int(st, 4);
			m->broadcast_id = sqlite3_column_int64(st, 5);
		}
		stop = fn(m, arg);
	}
	store_done(st);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_console_messages(struct store *s, const char *phone, int limit,
    int (*fn)(const struct console_msg *m, void *arg), void *arg)
{
	struct console_msg *m = xmalloc(sizeof *m);
	int rc;

	store_bind_text(ST(CR_INBOX_OF), 1, phone);
	sqlite3_bind_int(ST(CR_INBOX_OF), 2, limit);
	rc = each_msg(s, ST(CR_INBOX_OF), true, m, fn, arg);
	if (rc == STORE_OK) {
		store_bind_text(ST(CR_OUTBOX_OF), 1, phone);
		sqlite3_bind_int(ST(CR_OUTBOX_OF), 2, limit);
		rc = each_msg(s, ST(CR_OUTBOX_OF), false, m, fn, arg);
	}
	free(m);
	return rc;
}
