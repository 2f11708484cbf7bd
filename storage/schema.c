/*
 * schema.c - the database schema and its migrations. The version lives in
 * PRAGMA user_version; every version has one function below that takes a
 * database from the previous version to it. store_open runs the missing ones
 * in a single transaction, so a database is always at one exact version.
 *
 * How to change the schema (read before touching anything here):
 *
 *  1. Never edit a migration that has been released: databases in the field
 *     have already run it. Add a new one instead, even to fix a mistake.
 *  2. Write static int migrate_vN(struct store *) that takes a database at
 *     version N-1 to version N, and add {N, migrate_vN, "PRAGMA user_version
 *     = N"} at the end of migrations[]. Plain DDL goes through schema_run_script().
 *     Keep data: prefer ALTER TABLE ADD COLUMN; when a table must be rebuilt,
 *     create the new one, copy with INSERT ... SELECT, drop, rename (foreign
 *     keys are checked at COMMIT, so do it in that order).
 *  3. Bump STORE_SCHEMA_LATEST in store.h to N.
 *  4. Table and column names are read by the integration tests and by
 *     operators with the sqlite3 CLI: renaming one is a contract change
 *     (docs, tests/it) and not just a migration.
 *  5. Update the statements in store.c; store_open prepares all of them after
 *     migrating, so a statement that does not match the schema fails there.
 *  6. tests/unit/test_store.c "migrates_from_every_version" builds a database
 *     at every older version and opens it; give it rows for the new tables
 *     if the migration moves data.
 *
 * A database whose version is newer than STORE_SCHEMA_LATEST was written by
 * a newer langso; opening it is an error, never a downgrade.
 */
#include "storage/store_int.h"

#include <stdio.h>
#include <string.h>

/* schema_run_script steps every statement of a constant SQL text (no parameters:
 * DDL only). Through store_step, so the fault tests reach migrations too. */
int
schema_run_script(struct store *s, const char *sql)
{
	const char *tail = sql;

	while (*tail != '\0') {
		sqlite3_stmt *st = NULL;
		int rc;

		if (sqlite3_prepare_v2(s->db, tail, -1, &st, &tail) != SQLITE_OK)
			return store_fail(s, NULL);
		if (st == NULL)		/* trailing whitespace or comment */
			break;
		while ((rc = store_step(s, st)) == SQLITE_ROW)
			;
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return STORE_ERR;	/* store_step kept the message */
	}
	return STORE_OK;
}

/* Version 1: villages grouped by post-2025 commune, the people who text us,
 * every MO once (kannel_id), and the outbox the worker drains. Times are
 * unix seconds. */
static int
migrate_v1(struct store *s)
{
	return schema_run_script(s,
	    "CREATE TABLE communes ("
	    "  id INTEGER PRIMARY KEY,"
	    "  name TEXT UNIQUE NOT NULL);"
	    "CREATE TABLE villages ("
	    "  id INTEGER PRIMARY KEY,"
	    "  code TEXT UNIQUE NOT NULL,"
	    "  name TEXT NOT NULL,"
	    "  commune_id INTEGER NOT NULL REFERENCES communes(id),"
	    "  old_district TEXT);"		/* pre-2025 huyện, NULL if unknown */
	    "CREATE INDEX villages_commune ON villages(commune_id);"
	    "CREATE TABLE people ("
	    "  id INTEGER PRIMARY KEY,"
	    "  phone TEXT UNIQUE NOT NULL,"	/* E.164 */
	    "  name TEXT NOT NULL DEFAULT '',"
	    "  village_id INTEGER NULL REFERENCES villages(id),"
	    "  role TEXT NOT NULL DEFAULT 'household'"
	    "    CHECK(role IN ('household','head','official')),"
	    "  opted_out INTEGER NOT NULL DEFAULT 0,"
	    "  created_at INTEGER NOT NULL,"
	    "  updated_at INTEGER NOT NULL);"
	    "CREATE INDEX people_village ON people(village_id);"
	    "CREATE TABLE inbox ("
	    "  id INTEGER PRIMARY KEY,"
	    "  kannel_id TEXT UNIQUE NOT NULL,"	/* smsbox %I: Kannel retries */
	    "  phone TEXT NOT NULL,"
	    "  to_addr TEXT,"
	    "  raw BLOB,"
	    "  text TEXT,"
	    "  coding INTEGER,"
	    "  smsc TEXT,"
	    "  action TEXT,"
	    "  reply TEXT,"
	    "  reply_coding INTEGER,"
	    "  received_at INTEGER NOT NULL);"
	    "CREATE TABLE outbox ("
	    "  id INTEGER PRIMARY KEY,"
	    "  phone TEXT NOT NULL,"
	    "  text TEXT NOT NULL,"
	    "  coding INTEGER NOT NULL DEFAULT 0,"
	    "  priority INTEGER NOT NULL DEFAULT 10,"
	    "  status TEXT NOT NULL DEFAULT 'queued'"
	    "    CHECK(status IN ('queued','sending','accepted','failed')),"
	    "  attempts INTEGER NOT NULL DEFAULT 0,"
	    "  next_at INTEGER NOT NULL,"
	    "  created_at INTEGER NOT NULL,"
	    "  broadcast_id INTEGER,"
	    "  answer TEXT,"			/* Kannel's answer or the error */
	    "  dlr_type INTEGER,"		/* most final DLR type seen */
	    "  dlr_reply TEXT,"
	    "  dlr_smscid TEXT,"
	    "  dlr_at INTEGER);"
	    /* claiming: status = 'queued' ORDER BY priority, then due time */
	    "CREATE INDEX outbox_claim ON outbox(status, priority, next_at);"
	    /* the worker's next wake-up: min(next_at) of queued rows */
	    "CREATE INDEX outbox_due ON outbox(status, next_at);"
	    "CREATE INDEX outbox_broadcast ON outbox(broadcast_id)"
	    "  WHERE broadcast_id IS NOT NULL;");
}

/* Version 5: a registered household's DK that names another village or
 * another name waits here for its DK OK (commands.md §7), one per person;
 * created_at is when it was asked (it lapses after 24 hours). */
static int
migrate_v5(struct store *s)
{
	return schema_run_script(s,
	    "CREATE TABLE pending_registrations ("
	    "  person_id INTEGER PRIMARY KEY REFERENCES people(id),"
	    "  village_id INTEGER NOT NULL REFERENCES villages(id),"
	    "  name TEXT NOT NULL,"
	    "  created_at INTEGER NOT NULL);");
}

/* Version 7: a Kannel id is unique per phone, not alone. Dedup already
 * matches (kannel_id, phone) (store_inbox_reply); with the id alone unique,
 * the same id from a second phone (a buggy SMSC, a USSD aggregator reusing
 * ids) failed its insert and was answered 503 on every retry, for ever.
 * SQLite cannot drop a UNIQUE constraint: the table is rebuilt, rows and
 * their ids kept. */
static int
migrate_v7_inbox_per_phone(struct store *s)
{
	return schema_run_script(s,
	    "CREATE TABLE inbox_v7 ("
	    "  id INTEGER PRIMARY KEY,"
	    "  kannel_id TEXT NOT NULL,"
	    "  phone TEXT NOT NULL,"
	    "  to_addr TEXT,"
	    "  raw BLOB,"
	    "  text TEXT,"
	    "  coding INTEGER,"
	    "  smsc TEXT,"
	    "  action TEXT,"
	    "  reply TEXT,"
	    "  reply_coding INTEGER,"
	    "  received_at INTEGER NOT NULL,"
	    "  ussd_end INTEGER NOT NULL DEFAULT 0,"
	    "  UNIQUE(kannel_id, phone));"
	    "INSERT INTO inbox_v7(id, kannel_id, phone, to_addr, raw, text, coding, smsc, action,"
	    "  reply, reply_coding, received_at, ussd_end)"
	    " SELECT id, kannel_id, phone, to_addr, raw, text, coding, smsc, action,"
	    "  reply, reply_coding, received_at, ussd_end FROM inbox;"
	    "DROP TABLE inbox;"
	    "ALTER TABLE inbox_v7 RENAME TO inbox;");
}

/* PRAGMA takes no bound parameters, so each row carries its own constant
 * statement to record the version, rather than formatting one. */
static const struct migration {
	int version;
	int (*fn)(struct store *);
	const char *set_version;
} migrations[] = {
	{1, migrate_v1, "PRAGMA user_version = 1"},
	{2, migrate_v2_market, "PRAGMA user_version = 2"},
	{3, migrate_v3_broadcast, "PRAGMA user_version = 3"},
	{4, migrate_v4_ussd, "PRAGMA user_version = 4"},
	{5, migrate_v5, "PRAGMA user_version = 5"},
	{6, migrate_v6_market_digest, "PRAGMA user_version = 6"},
	{7, migrate_v7_inbox_per_phone, "PRAGMA user_version = 7"},
	{8, migrate_v8_console, "PRAGMA user_version = 8"},
	{9, migrate_v9_team, "PRAGMA user_version = 9"},
};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_LATEST,
    "one migration per schema version");

static int
read_version(struct store *s, int *version)
{
	sqlite3_stmt *st = s->st[ST_VERSION];
	int rc = store_step(s, st);

	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERR;
}

int
schema_migrate(struct store *s, int target)
{
	int version = 0;

	if (store_begin(s) != STORE_OK)
		return -1;
	if (read_version(s, &version) != STORE_OK)
		goto fail_tx;
	if (version > STORE_SCHEMA_LATEST) {
		snprintf(s->errmsg, sizeof s->errmsg, "database schema version %d "
		    "is newer than this langso knows (%d)", version,
		    STORE_SCHEMA_LATEST);
		goto fail_tx;
	}
	for (size_t i = 0; i < sizeof migrations / sizeof migrations[0]; i++) {
		const struct migration *m = &migrations[i];

		if (m->version <= version || m->version > target)
			continue;
		if (m->fn(s) != STORE_OK || schema_run_script(s, m->set_version) != STORE_OK) {
			char why[sizeof s->errmsg];

			snprintf(why, sizeof why, "%s", s->errmsg);
			snprintf(s->errmsg, sizeof s->errmsg,
			    "migration to version %d: %.200s", m->version, why);
			goto fail_tx;
		}
	}
	if (store_commit(s) != STORE_OK)
		return -1;
	return 0;
fail_tx:
	store_rollback(s);
	return -1;
}
