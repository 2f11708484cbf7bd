/*
 * store_int.h - what storage/store.c and storage/schema.c share, and what the
 * storage tests may reach into. Not for other folders: they see store.h only.
 */
#ifndef LANGSO_STORE_INT_H
#define LANGSO_STORE_INT_H

#include <sqlite3.h>

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
	ST_OUTBOX_NEXT,
	ST_OUTBOX_COUNTS,
	ST_HEALTH,
	ST__COUNT
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[ST__COUNT];
	unsigned long nsteps;		/* for store_step_hook */
	char errmsg[256];
};

/* store_step is sqlite3_step behind the test seam; every step the store
 * makes goes through it, except the rollbacks that undo a failure. */
int store_step(struct store *s, sqlite3_stmt *st);

/* store_fail records the connection's error (or msg when not NULL) in
 * errmsg and returns STORE_ERR. */
int store_fail(struct store *s, const char *msg);

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
