/*
 * store_int.h - what storage/store.c and storage/schema.c share, and what the
 * storage tests may reach into. Not for other folders: they see store.h only.
 */
#ifndef LANGSO_STORE_INT_H
#define LANGSO_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "storage/store.h"

/*
 * Every statement the store runs is prepared once, in store_open, and kept
 * here until store_close. The first group needs no tables (transactions);
 * it is prepared before the migrations, which use it. The rest is prepared
 * after them, so a statement that no longer matches the schema fails at open
 * instead of at the first SMS.
 */
enum store_stmt {
	ST_BEGIN,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_VERSION,
	ST__TX_COUNT,		/* end of the group prepared before migrating */

	ST_COMMUNE_ADD = ST__TX_COUNT,
	ST_COMMUNE_ID,
	ST_VILLAGE_GET,
	ST_VILLAGE_ADD,
	ST_VILLAGE_SET,
	ST_VILLAGE_EACH,
	ST_VILLAGE_COUNT,
	ST_PERSON_GET,
	ST_PERSON_ADD,
	ST_PERSON_SET,
	ST_PERSON_OPT,
	ST_PERSON_COUNT,
	ST_PERSON_UNREGISTER,
	ST_PERSON_UNFOLLOW,
	ST_PENDING_SET,
	ST_PENDING_GET,
	ST_PENDING_DEL,
	ST_INBOX_REPLY,
	ST_INBOX_ADD,
	ST_INBOX_COUNT,
	ST_OUTBOX_ADD,
	ST_OUTBOX_DUE,
	ST_OUTBOX_CLAIM,
	ST_OUTBOX_DONE,
	ST_OUTBOX_RETRY,
	ST_OUTBOX_DLR,
	ST_OUTBOX_REQUEUE,
	ST_OUTBOX_REQUEUE_STALE,
	ST_OUTBOX_NEXT,
	ST_OUTBOX_COUNTS,
	ST_HEALTH,
	ST__COUNT
};

/*
 * Domains: the marketplace, broadcasts and USSD sessions each keep their
 * statements in their own file (storage/market.c, broadcast.c, ussd.c) as
 * an array of SQL texts indexed by the file's own enum. store_open prepares
 * every domain's statements after migrating, like the core ones above;
 * use them as s->dom[DOM_MARKET][MK_...].
 */
enum store_domain { DOM_MARKET, DOM_BROADCAST, DOM_USSD, DOM_CONSOLE, DOM_CONSOLE_READ, DOM_TEAM,
	DOM__COUNT };

struct store_domain_sql {
	const char *const *sql;
	int n;
};
extern const struct store_domain_sql market_sql, broadcast_sql, ussd_sql, console_sql,
    console_read_sql, team_sql;

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[ST__COUNT];
	sqlite3_stmt **dom[DOM__COUNT];
	unsigned long nsteps;		/* for store_step_hook */
	char errmsg[256];
};

/* store_step is sqlite3_step behind the test seam; every step the store
 * makes goes through it, except the rollbacks that undo a failure. */
int store_step(struct store *s, sqlite3_stmt *st);

/* store_fail records the connection's error (or msg when not NULL) in
 * errmsg and returns STORE_ERR. */
int store_fail(struct store *s, const char *msg);

/* Helpers every storage file uses (see store.c for their contracts):
 * stepping through the test seam, resetting, binding, copying out, and
 * running one operation in the caller's transaction or its own. */
void store_done(sqlite3_stmt *st);
int store_run(struct store *s, sqlite3_stmt *st);
int store_get_one(struct store *s, sqlite3_stmt *st);
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
void store_bind_opt(sqlite3_stmt *st, int i, const char *v);
void store_bind_id(sqlite3_stmt *st, int i, long long v);
void store_col_copy(sqlite3_stmt *st, int i, char *dst, size_t dstlen);
int store_op_begin(struct store *s, bool *own);
void store_op_undo(struct store *s, bool own);
int store_op_end(struct store *s, bool own, int rc);

/* Migrations of the domains (schema.c lists them in order); each takes the
 * database from the previous version. */
int schema_run_script(struct store *s, const char *sql);
int migrate_v2_market(struct store *s);
int migrate_v3_broadcast(struct store *s);
int migrate_v4_ussd(struct store *s);
int migrate_v6_market_digest(struct store *s);
int migrate_v8_console(struct store *s);
int migrate_v9_team(struct store *s);

/* row_listing reads a listing from column c on, in the order of market.c's
 * LCOLS (console_read.c selects the same columns). */
struct listing;
void row_listing(sqlite3_stmt *st, int c, struct listing *l);
/* market_listing_day reads listing id and the day its price was counted
 * under; market_count_listing adds sign (+1/-1) of its price point to the
 * price figures of that day (market.c). team.c's SUA moves the point. */
int market_listing_day(struct store *s, long long id, struct listing *out, long long *day);
int market_count_listing(struct store *s, const struct listing *l, long long day, int sign);

/* schema_migrate brings the database to version target (at most
 * STORE_SCHEMA_LATEST) in one transaction. 0, or -1 with the reason in
 * s->errmsg and the database as it was. */
int schema_migrate(struct store *s, int target);

/* store_open_version is store_open stopping at schema version target, with
 * none of the data statements prepared: only store_close and
 * store_schema_version may be called on it. For the migration tests, which
 * build a database as an older langso left it. */
struct store *store_open_version(const char *path, int target, char *err,
    size_t errlen);

#endif
