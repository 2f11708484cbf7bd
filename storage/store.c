/*
 * store.c - one SQLite connection and every statement langso runs on it.
 * Statements are prepared once in store_open and finalized in store_close;
 * values are always bound, never pasted into SQL. Functions that touch more
 * than one row run in a transaction of their own, or in a savepoint when the
 * caller already opened one (store_begin), so each is all-or-nothing either
 * way. The schema itself and its migrations are in schema.c.
 */
#include "storage/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"

int (*store_step_hook)(unsigned long n);
int (*store_step_sql_hook)(const char *sql);

/* Indexed by enum store_stmt (store_int.h). */
static const char *const sql_text[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN DEFERRED",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT store_op",
	[ST_RELEASE] = "RELEASE store_op",
	[ST_ROLLBACK_TO] = "ROLLBACK TO store_op",
	[ST_VERSION] = "PRAGMA user_version",

	[ST_COMMUNE_ADD] =
	    "INSERT INTO communes(name) VALUES (?1) ON CONFLICT(name) DO NOTHING",
	[ST_COMMUNE_ID] = "SELECT id FROM communes WHERE name = ?1",
	[ST_VILLAGE_GET] =
	    "SELECT v.id, v.code, v.name, c.name, coalesce(v.old_district, '')"
	    " FROM villages v JOIN communes c ON c.id = v.commune_id"
	    " WHERE v.code = upper(?1)",
	[ST_VILLAGE_ADD] =
	    "INSERT INTO villages(code, name, commune_id, old_district)"
	    " VALUES (upper(?1), ?2, ?3, ?4)",
	[ST_VILLAGE_SET] =
	    "UPDATE villages SET name = ?2, commune_id = ?3, old_district = ?4"
	    " WHERE code = upper(?1)",
	[ST_VILLAGE_EACH] =
	    "SELECT v.id, v.code, v.name, c.name, coalesce(v.old_district, '')"
	    " FROM villages v JOIN communes c ON c.id = v.commune_id"
	    " ORDER BY v.code",
	[ST_VILLAGE_COUNT] = "SELECT count(*) FROM villages",
	[ST_PERSON_GET] =
	    "SELECT p.id, p.phone, p.name, coalesce(v.code, ''), p.role, p.opted_out"
	    " FROM people p LEFT JOIN villages v ON v.id = p.village_id"
	    " WHERE p.phone = ?1",
	[ST_PERSON_ADD] =
	    "INSERT INTO people(phone, name, village_id, role, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
	[ST_PERSON_SET] =
	    "UPDATE people SET name = ?2, village_id = ?3, role = ?4, updated_at = ?5"
	    " WHERE phone = ?1",
	[ST_PERSON_OPT] =
	    "INSERT INTO people(phone, opted_out, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?3)"
	    " ON CONFLICT(phone) DO UPDATE SET opted_out = excluded.opted_out,"
	    " updated_at = excluded.updated_at"
	    " WHERE opted_out <> excluded.opted_out",
	[ST_PERSON_COUNT] = "SELECT count(*) FROM people",
	/* HUY DK: out of its village (so no notice reaches it), role kept as
	 * the operator set it (actions refuse HUY DK from other roles) */
	[ST_PERSON_UNREGISTER] =
	    "UPDATE people SET village_id = NULL, updated_at = ?2 WHERE phone = ?1",
	[ST_PERSON_UNFOLLOW] = "DELETE FROM follows WHERE phone = ?1",
	[ST_PENDING_SET] =
	    "INSERT INTO pending_registrations(person_id, village_id, name, created_at)"
	    " SELECT p.id, v.id, ?3, ?4 FROM people p, villages v"
	    " WHERE p.phone = ?1 AND v.code = upper(?2)"
	    " ON CONFLICT(person_id) DO UPDATE SET village_id = excluded.village_id,"
	    " name = excluded.name, created_at = excluded.created_at",
	[ST_PENDING_GET] =
	    "SELECT v.code, r.name, r.created_at FROM pending_registrations r"
	    " JOIN people p ON p.id = r.person_id JOIN villages v ON v.id = r.village_id"
	    " WHERE p.phone = ?1",
	[ST_PENDING_DEL] =
	    "DELETE FROM pending_registrations"
	    " WHERE person_id = (SELECT id FROM people WHERE phone = ?1)",
	[ST_INBOX_REPLY] =
	    "SELECT coalesce(reply, ''), coalesce(reply_coding, 0), ussd_end FROM inbox"
	    " WHERE kannel_id = ?1 AND phone = ?2",
	[ST_INBOX_ADD] =
	    "INSERT INTO inbox(kannel_id, phone, to_addr, raw, text, coding, smsc,"
	    " action, reply, reply_coding, received_at, ussd_end)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[ST_INBOX_COUNT] = "SELECT count(*) FROM inbox",
	[ST_OUTBOX_ADD] =
	    "INSERT INTO outbox(phone, text, coding, priority, status, attempts,"
	    " next_at, created_at, broadcast_id)"
	    " VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?6, ?7)",
	/* id breaks ties within a priority: ids grow with created_at, and a
	 * retried message keeps its place among its equals */
	[ST_OUTBOX_DUE] =
	    "SELECT id, phone, text, coding, priority, attempts,"
	    " coalesce(broadcast_id, 0) FROM outbox"
	    " WHERE status = 'queued' AND next_at <= ?1"
	    " ORDER BY priority, id LIMIT ?2",
	/* next_at of a row being sent is when it was claimed: the lease that
	 * store_outbox_requeue_stale reads */
	[ST_OUTBOX_CLAIM] =
	    "UPDATE outbox SET status = 'sending', next_at = ?2 WHERE id = ?1 AND status = 'queued'",
	[ST_OUTBOX_DONE] =
	    "UPDATE outbox SET status = ?2, attempts = attempts + 1, answer = ?3"
	    " WHERE id = ?1",
	[ST_OUTBOX_RETRY] =
	    "UPDATE outbox SET status = 'queued', next_at = ?2,"
	    " attempts = attempts + 1, answer = ?3 WHERE id = ?1",
	/* A final report (1 delivered, 2 undelivered, 16 rejected) is not
	 * overwritten by a later intermediate one (4 buffered, 8 smsc ack):
	 * SMSCs do send them out of order. */
	[ST_OUTBOX_DLR] =
	    "UPDATE outbox SET"
	    " dlr_type = CASE WHEN dlr_type IN (1, 2, 16) AND ?2 NOT IN (1, 2, 16)"
	    "   THEN dlr_type ELSE ?2 END,"
	    " dlr_reply = CASE WHEN dlr_type IN (1, 2, 16) AND ?2 NOT IN (1, 2, 16)"
	    "   THEN dlr_reply ELSE ?3 END,"
	    " dlr_smscid = coalesce(?4, dlr_smscid),"
	    " dlr_at = ?5 WHERE id = ?1",
	[ST_OUTBOX_REQUEUE] =
	    "UPDATE outbox SET status = 'queued', next_at = ?1 WHERE status = 'sending'",
	[ST_OUTBOX_REQUEUE_STALE] =
	    "UPDATE outbox SET status = 'queued', next_at = ?1"
	    " WHERE status = 'sending' AND next_at < ?2",
	[ST_OUTBOX_NEXT] = "SELECT min(next_at) FROM outbox WHERE status = 'queued'",
	[ST_OUTBOX_COUNTS] =
	    "SELECT coalesce(sum(status = 'queued'), 0),"
	    " coalesce(sum(status = 'sending'), 0),"
	    " coalesce(sum(status = 'accepted'), 0),"
	    " coalesce(sum(status = 'failed'), 0),"
	    " coalesce(sum(dlr_type = 1), 0),"
	    " coalesce(sum(dlr_type IN (2, 16)), 0) FROM outbox",
	/* a real write, always rolled back; random so it cannot collide */
	[ST_HEALTH] = "INSERT INTO communes(name) VALUES (hex(randomblob(16)))",
};

static const char *const status_name[] = {
	[OUTBOX_QUEUED] = "queued",
	[OUTBOX_SENDING] = "sending",
	[OUTBOX_ACCEPTED] = "accepted",
	[OUTBOX_FAILED] = "failed",
};

int
store_fail(struct store *s, const char *msg)
{
	snprintf(s->errmsg, sizeof s->errmsg, "%s",
	    msg != NULL ? msg : sqlite3_errmsg(s->db));
	return STORE_ERR;
}

int
store_step(struct store *s, sqlite3_stmt *st)
{
	int rc;

	s->nsteps++;
	if (store_step_hook != NULL && (rc = store_step_hook(s->nsteps)) != 0) {
		snprintf(s->errmsg, sizeof s->errmsg, "injected fault at step %lu: %s",
		    s->nsteps, sqlite3_errstr(rc));
		return rc;
	}
	if (store_step_sql_hook != NULL) {
		char *sql = sqlite3_expanded_sql(st);

		rc = store_step_sql_hook(sql != NULL ? sql : sqlite3_sql(st));
		sqlite3_free(sql);
		if (rc != 0) {
			snprintf(s->errmsg, sizeof s->errmsg, "injected fault: %s", sqlite3_errstr(rc));
			return rc;
		}
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fail(s, NULL);
	return rc;
}

/* done resets a statement after use: a SELECT left un-reset would keep its
 * read snapshot open (and block WAL checkpoints) until the next use. */
void
store_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* run steps a statement that returns no rows. */
int
store_run(struct store *s, sqlite3_stmt *st)
{
	int rc = store_step(s, st);

	store_done(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_ERR;
}

/* get_one steps a statement expected to return at most one row; the caller
 * reads the columns and then calls store_done(). */
int
store_get_one(struct store *s, sqlite3_stmt *st)
{
	int rc = store_step(s, st);

	if (rc == SQLITE_ROW)
		return STORE_OK;
	store_done(st);
	return rc == SQLITE_DONE ? STORE_NONE : STORE_ERR;
}

static int
count_rows(struct store *s, enum store_stmt which, long long *n)
{
	sqlite3_stmt *st = s->st[which];
	int rc = store_get_one(s, st);

	if (rc == STORE_NONE)
		return store_fail(s, "count returned no row");
	if (rc != STORE_OK)
		return rc;
	*n = sqlite3_column_int64(st, 0);
	store_done(st);
	return STORE_OK;
}

/* Bound values are copied (SQLITE_TRANSIENT): our strings may be on a
 * caller's stack that is gone before the statement is reset. NULL and, for
 * bind_opt, "" become SQL NULL. */
void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

void
store_bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	store_bind_text(st, i, v != NULL && v[0] != '\0' ? v : NULL);
}

void
store_bind_id(sqlite3_stmt *st, int i, long long v)
{
	if (v == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

/* col_copy copies a text column out before the statement moves on (the
 * pointer sqlite3_column_text returns dies with the next step or reset). */
void
store_col_copy(sqlite3_stmt *st, int i, char *dst, size_t dstlen)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	str_copy(dst, dstlen, v != NULL ? v : "");
}

/* ---- transactions ---- */

int
store_begin(struct store *s)
{
	return store_run(s, s->st[ST_BEGIN]);
}

int
store_begin_read(struct store *s)
{
	return store_run(s, s->st[ST_BEGIN_READ]);
}

int
store_rollback(struct store *s)
{
	sqlite3_stmt *st = s->st[ST_ROLLBACK];
	int rc;

	/* SQLite rolls back by itself on some errors (SQLITE_FULL, IOERR):
	 * then there is nothing left to undo. */
	if (sqlite3_get_autocommit(s->db))
		return STORE_OK;
	/* Not through store_step: an injected fault is for the work, the undo
	 * must happen or the connection stays inside a broken transaction. */
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(s, NULL);
}

/* store_commit rolls back when COMMIT fails, so the caller never keeps a
 * half-open transaction; calling store_rollback afterwards is harmless. */
int
store_commit(struct store *s)
{
	char why[sizeof s->errmsg];

	if (store_run(s, s->st[ST_COMMIT]) == STORE_OK)
		return STORE_OK;
	memcpy(why, s->errmsg, sizeof why);
	store_rollback(s);
	memcpy(s->errmsg, why, sizeof why);
	return STORE_ERR;
}

/*
 * op_begin/op_end wrap a function that writes more than one row: its own
 * BEGIN IMMEDIATE .. COMMIT when the caller has no transaction open, else a
 * savepoint inside the caller's, so a failed call leaves the caller's
 * earlier work intact and its own undone.
 */
int
store_op_begin(struct store *s, bool *own)
{
	*own = sqlite3_get_autocommit(s->db) != 0;
	return *own ? store_begin(s) : store_run(s, s->st[ST_SAVEPOINT]);
}

void
store_op_undo(struct store *s, bool own)
{
	char why[sizeof s->errmsg];

	memcpy(why, s->errmsg, sizeof why);
	if (own)
		store_rollback(s);
	else if (!sqlite3_get_autocommit(s->db)) {
		/* raw steps, as in store_rollback */
		sqlite3_step(s->st[ST_ROLLBACK_TO]);
		sqlite3_reset(s->st[ST_ROLLBACK_TO]);
		sqlite3_step(s->st[ST_RELEASE]);
		sqlite3_reset(s->st[ST_RELEASE]);
	}
	memcpy(s->errmsg, why, sizeof why);
}

int
store_op_end(struct store *s, bool own, int rc)
{
	if (rc != STORE_ERR) {
		if (own)
			return store_commit(s) == STORE_OK ? rc : STORE_ERR;
		if (store_run(s, s->st[ST_RELEASE]) == STORE_OK)
			return rc;
	}
	store_op_undo(s, own);
	return STORE_ERR;
}

/* ---- connection ---- */

static int
prepare(struct store *s, int from, int to)
{
	for (int i = from; i < to; i++) {
		if (sqlite3_prepare_v3(s->db, sql_text[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
			snprintf(s->errmsg, sizeof s->errmsg, "%s (in: %.80s)",
			    sqlite3_errmsg(s->db), sql_text[i]);
			return STORE_ERR;
		}
	}
	return STORE_OK;
}

static int
journal_mode_cb(void *arg, int ncol, char **val, char **name)
{
	(void)name;	/* unused: sqlite3_exec callback signature */
	if (ncol > 0 && val[0] != NULL)
		snprintf((char *)arg, 16, "%s", val[0]);
	return 0;
}

/* fold(text) in SQL is text_fold: the console's people search finds
 * "Hoàng Văn Châu" when "hoang" or "chau" is typed */
static void
sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *in = (const char *)sqlite3_value_text(argv[0]);
	char out[512];

	(void)argc;
	if (in == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (text_fold(in, out, sizeof out) < 0)
		sqlite3_result_text(ctx, in, -1, SQLITE_TRANSIENT);	/* not UTF-8: as it is */
	else
		sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/*
 * Connection settings, per connection:
 * - WAL: the HTTP thread writes the inbox while the outbox worker claims on
 *   its own connection; readers never block the writer.
 * - synchronous=FULL unless store_set_synchronous says otherwise: every
 *   COMMIT fsyncs the WAL, so a committed MO (one Kannel was told about)
 *   survives an OS crash or a power cut. With the group commit that is one
 *   fsync per batch, not per MO: bench/mo_direct.sh measured ~29,500 MO/s
 *   with NORMAL and 19,500-25,100 with FULL, above anything Kannel brings.
 *   NORMAL survives kill -9 of langso (the WAL is written at COMMIT) but an
 *   OS crash can roll back the last commits (never corrupt the database).
 * - foreign_keys: off by default in SQLite, per connection.
 * - busy_timeout: the other connection's write transactions are short;
 *   5 s is far beyond any of them, and below Kannel's HTTP timeout.
 */
static int
configure(struct store *s)
{
	char mode[16] = "";

	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_create_function(s->db, "fold", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_fold, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(s, NULL);
	if (sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", journal_mode_cb,
	    mode, NULL) != SQLITE_OK)
		return store_fail(s, NULL);
	/* ":memory:" answers "memory": there is no file to share anyway */
	if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0) {
		snprintf(s->errmsg, sizeof s->errmsg,
		    "cannot use WAL journal mode (got \"%s\")", mode);
		return STORE_ERR;
	}
	/* temp_store: the statement journals of the savepoints every action
	 * takes stay in memory instead of a temporary file written page by
	 * page (a third of the committer's time on a batch of sales) */
	if (sqlite3_exec(s->db, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, NULL);
	return STORE_OK;
}

int
store_set_synchronous(struct store *s, enum store_sync sync)
{
	const char *sql = sync == STORE_SYNC_NORMAL ? "PRAGMA synchronous = NORMAL"
	    : "PRAGMA synchronous = FULL";

	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, NULL);
	return STORE_OK;
}

static int
synchronous_cb(void *arg, int ncol, char **val, char **name)
{
	(void)name;	/* unused: sqlite3_exec callback signature */
	if (ncol > 0 && val[0] != NULL)
		*(int *)arg = atoi(val[0]);
	return 0;
}

int
store_synchronous(struct store *s, enum store_sync *out)
{
	int level = -1;

	if (sqlite3_exec(s->db, "PRAGMA synchronous", synchronous_cb, &level, NULL) != SQLITE_OK)
		return store_fail(s, NULL);
	/* SQLite: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA; langso sets only 1 or 2 */
	if (level != 1 && level != 2) {
		snprintf(s->errmsg, sizeof s->errmsg, "PRAGMA synchronous reads %d", level);
		return STORE_ERR;
	}
	*out = level == 1 ? STORE_SYNC_NORMAL : STORE_SYNC_FULL;
	return STORE_OK;
}

struct store *
store_open_version(const char *path, int target, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof *s);

	/* NOMUTEX: a struct store is one thread's connection (store.h), so
	 * SQLite's per-call connection mutex would only cost time */
	if (sqlite3_open_v2(path, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return NULL;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if (configure(s) != STORE_OK || prepare(s, 0, ST__TX_COUNT) != STORE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->errmsg);
		store_close(s);
		return NULL;
	}
	s->nsteps = 0;
	if (schema_migrate(s, target) != 0) {
		snprintf(err, errlen, "%s: %s", path, s->errmsg);
		store_close(s);
		return NULL;
	}
	return s;
}

static const struct store_domain_sql *const domains[DOM__COUNT] = {
	[DOM_MARKET] = &market_sql,
	[DOM_BROADCAST] = &broadcast_sql,
	[DOM_USSD] = &ussd_sql,
	[DOM_CONSOLE] = &console_sql,
	[DOM_CONSOLE_READ] = &console_read_sql,
	[DOM_TEAM] = &team_sql,
};

static int
prepare_domains(struct store *s)
{
	for (int d = 0; d < DOM__COUNT; d++) {
		s->dom[d] = xcalloc((size_t)domains[d]->n + 1, sizeof *s->dom[d]);
		for (int i = 0; i < domains[d]->n; i++)
			if (sqlite3_prepare_v3(s->db, domains[d]->sql[i], -1,
			    SQLITE_PREPARE_PERSISTENT, &s->dom[d][i], NULL) != SQLITE_OK) {
				snprintf(s->errmsg, sizeof s->errmsg, "%s (in: %.80s)",
				    sqlite3_errmsg(s->db), domains[d]->sql[i]);
				return STORE_ERR;
			}
	}
	return STORE_OK;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = store_open_version(path, STORE_SCHEMA_LATEST, err, errlen);

	if (s == NULL)
		return NULL;
	if (prepare(s, ST__TX_COUNT, ST__COUNT) != STORE_OK || prepare_domains(s) != STORE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->errmsg);
		store_close(s);
		return NULL;
	}
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);	/* NULL is a no-op */
	for (int d = 0; d < DOM__COUNT; d++) {
		for (int i = 0; s->dom[d] != NULL && i < domains[d]->n; i++)
			sqlite3_finalize(s->dom[d][i]);
		free(s->dom[d]);
	}
	/* rolls back any open transaction; in WAL mode the last connection
	 * to close checkpoints and removes the -wal file */
	sqlite3_close(s->db);
	free(s);
}

int
store_set_autocheckpoint(struct store *s, int pages)
{
	return sqlite3_wal_autocheckpoint(s->db, pages) == SQLITE_OK ? STORE_OK : store_fail(s, NULL);
}

/* pragma runs one PRAGMA on s's connection. */
static int
pragma(struct store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? STORE_OK :
	    store_fail(s, NULL);
}

int
store_set_cache(struct store *s, long long kib)
{
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld", kib);
	return pragma(s, sql);
}

int
store_set_mmap(struct store *s, long long bytes)
{
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA mmap_size = %lld", bytes);
	return pragma(s, sql);
}

int
store_set_query_only(struct store *s)
{
	return pragma(s, "PRAGMA query_only = ON");
}

int
store_checkpoint(struct store *s)
{
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	return rc == SQLITE_OK || rc == SQLITE_BUSY ? STORE_OK : store_fail(s, NULL);
}

const char *
store_errmsg(const struct store *s)
{
	return s->errmsg;
}

int
store_schema_version(struct store *s)
{
	sqlite3_stmt *st = s->st[ST_VERSION];
	int v;

	if (store_get_one(s, st) != STORE_OK)
		return -1;
	v = sqlite3_column_int(st, 0);
	store_done(st);
	return v;
}

int
store_check_writable(struct store *s)
{
	bool own;
	int rc;

	if (store_op_begin(s, &own) != STORE_OK)
		return STORE_ERR;
	rc = store_run(s, s->st[ST_HEALTH]);
	store_op_undo(s, own);
	return rc;
}

/* ---- communes and villages ---- */

static void
row_village(sqlite3_stmt *st, struct village *v)
{
	v->id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, v->code, sizeof v->code);
	store_col_copy(st, 2, v->name, sizeof v->name);
	store_col_copy(st, 3, v->commune, sizeof v->commune);
	store_col_copy(st, 4, v->old_district, sizeof v->old_district);
}

int
store_village_by_code(struct store *s, const char *code, struct village *out)
{
	sqlite3_stmt *st = s->st[ST_VILLAGE_GET];
	int rc;

	store_bind_text(st, 1, code);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	row_village(st, out);
	store_done(st);
	return STORE_OK;
}

/* commune_id finds or creates the commune by its exact name. */
static int
commune_id(struct store *s, const char *name, long long *id)
{
	sqlite3_stmt *st = s->st[ST_COMMUNE_ADD];
	int rc;

	store_bind_text(st, 1, name);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	st = s->st[ST_COMMUNE_ID];
	store_bind_text(st, 1, name);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc == STORE_NONE ? store_fail(s, "commune vanished after insert") : rc;
	*id = sqlite3_column_int64(st, 0);
	store_done(st);
	return STORE_OK;
}

int
store_village_upsert(struct store *s, const struct village *v, bool *changed)
{
	struct village cur;
	sqlite3_stmt *st;
	long long cid = 0;
	bool own, ch = false;
	int rc;

	if (v->code[0] == '\0' || v->name[0] == '\0' || v->commune[0] == '\0')
		return store_fail(s, "village code, name and commune are required");
	if (store_op_begin(s, &own) != STORE_OK)
		return STORE_ERR;
	rc = store_village_by_code(s, v->code, &cur);
	if (rc == STORE_ERR)
		goto out;
	if (rc == STORE_OK && strcmp(cur.name, v->name) == 0 &&
	    strcmp(cur.commune, v->commune) == 0 &&
	    strcmp(cur.old_district, v->old_district) == 0) {
		rc = STORE_OK;	/* nothing to write: a re-import stays read-only */
		goto out;
	}
	st = s->st[rc == STORE_NONE ? ST_VILLAGE_ADD : ST_VILLAGE_SET];
	if ((rc = commune_id(s, v->commune, &cid)) != STORE_OK)
		goto out;
	store_bind_text(st, 1, v->code);
	store_bind_text(st, 2, v->name);
	sqlite3_bind_int64(st, 3, cid);
	store_bind_opt(st, 4, v->old_district);
	rc = store_run(s, st);
	ch = true;
out:
	rc = store_op_end(s, own, rc);
	if (rc == STORE_OK && changed != NULL)
		*changed = ch;
	return rc;
}

int
store_village_each(struct store *s,
    int (*fn)(const struct village *v, void *arg), void *arg)
{
	sqlite3_stmt *st = s->st[ST_VILLAGE_EACH];
	struct village v;
	int rc;

	/* fn gets a copy: it may call other store functions, just not this
	 * one (the statement is busy until the loop ends) */
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		int r;

		row_village(st, &v);
		if ((r = fn(&v, arg)) != 0) {
			store_done(st);
			return r;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_village_count(struct store *s, long long *n)
{
	return count_rows(s, ST_VILLAGE_COUNT, n);
}

/* ---- people ---- */

static void
row_person(sqlite3_stmt *st, struct person *p)
{
	p->id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, p->phone, sizeof p->phone);
	store_col_copy(st, 2, p->name, sizeof p->name);
	store_col_copy(st, 3, p->village_code, sizeof p->village_code);
	store_col_copy(st, 4, p->role, sizeof p->role);
	p->opted_out = sqlite3_column_int(st, 5) != 0;
}

int
store_person_by_phone(struct store *s, const char *phone, struct person *out)
{
	sqlite3_stmt *st = s->st[ST_PERSON_GET];
	int rc;

	store_bind_text(st, 1, phone);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	row_person(st, out);
	store_done(st);
	return STORE_OK;
}

int
store_person_upsert(struct store *s, const struct person *p, bool *changed)
{
	struct village vil = {0};
	struct person cur;
	sqlite3_stmt *st;
	const char *role = p->role[0] != '\0' ? p->role : "household";
	bool own, ch = false;
	int rc;

	if (p->phone[0] == '\0')
		return store_fail(s, "person without a phone number");
	if (store_op_begin(s, &own) != STORE_OK)
		return STORE_ERR;
	if (p->village_code[0] != '\0') {
		rc = store_village_by_code(s, p->village_code, &vil);
		if (rc == STORE_NONE) {
			snprintf(s->errmsg, sizeof s->errmsg,
			    "no village with code %s", p->village_code);
			rc = STORE_ERR;
		}
		if (rc != STORE_OK)
			goto out;
	}
	rc = store_person_by_phone(s, p->phone, &cur);
	if (rc == STORE_ERR)
		goto out;
	if (rc == STORE_OK && strcmp(cur.name, p->name) == 0 &&
	    strcmp(cur.village_code, vil.code) == 0 &&
	    strcmp(cur.role, role) == 0) {
		rc = STORE_OK;
		goto out;
	}
	st = s->st[rc == STORE_NONE ? ST_PERSON_ADD : ST_PERSON_SET];
	store_bind_text(st, 1, p->phone);
	store_bind_text(st, 2, p->name);
	store_bind_id(st, 3, vil.id);
	store_bind_text(st, 4, role);
	sqlite3_bind_int64(st, 5, (long long)time(NULL));
	rc = store_run(s, st);
	ch = true;
out:
	rc = store_op_end(s, own, rc);
	if (rc == STORE_OK && changed != NULL)
		*changed = ch;
	return rc;
}

int
store_person_set_opted_out(struct store *s, const char *phone, bool opted_out)
{
	sqlite3_stmt *st = s->st[ST_PERSON_OPT];

	store_bind_text(st, 1, phone);
	sqlite3_bind_int(st, 2, opted_out ? 1 : 0);
	sqlite3_bind_int64(st, 3, (long long)time(NULL));
	return store_run(s, st);
}

int
store_person_unregister(struct store *s, const char *phone, long long now)
{
	sqlite3_stmt *st = s->st[ST_PERSON_UNREGISTER];
	bool own;
	int rc;

	if (store_op_begin(s, &own) != STORE_OK)
		return STORE_ERR;
	store_bind_text(st, 1, phone);
	sqlite3_bind_int64(st, 2, now);
	rc = store_run(s, st);
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = STORE_NONE;
	if (rc == STORE_OK) {
		st = s->st[ST_PERSON_UNFOLLOW];
		store_bind_text(st, 1, phone);
		rc = store_run(s, st);
	}
	if (rc == STORE_OK)
		rc = store_pending_reg_delete(s, phone);
	return store_op_end(s, own, rc);
}

int
store_pending_reg_set(struct store *s, const char *phone, const struct pending_reg *r)
{
	sqlite3_stmt *st = s->st[ST_PENDING_SET];
	int rc;

	store_bind_text(st, 1, phone);
	store_bind_text(st, 2, r->village_code);
	store_bind_text(st, 3, r->name);
	sqlite3_bind_int64(st, 4, r->created_at);
	rc = store_run(s, st);
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		return store_fail(s, "pending registration: no such phone or village");
	return rc;
}

int
store_pending_reg_get(struct store *s, const char *phone, struct pending_reg *out)
{
	sqlite3_stmt *st = s->st[ST_PENDING_GET];
	int rc;

	store_bind_text(st, 1, phone);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	store_col_copy(st, 0, out->village_code, sizeof out->village_code);
	store_col_copy(st, 1, out->name, sizeof out->name);
	out->created_at = sqlite3_column_int64(st, 2);
	store_done(st);
	return STORE_OK;
}

int
store_pending_reg_delete(struct store *s, const char *phone)
{
	sqlite3_stmt *st = s->st[ST_PENDING_DEL];

	store_bind_text(st, 1, phone);
	return store_run(s, st);
}

int
store_person_count(struct store *s, long long *n)
{
	return count_rows(s, ST_PERSON_COUNT, n);
}

/* ---- inbox ---- */

int
store_inbox_reply(struct store *s, const char *kannel_id, const char *phone, char *reply,
    size_t replylen, int *coding, bool *ussd_end)
{
	sqlite3_stmt *st = s->st[ST_INBOX_REPLY];
	int rc;

	store_bind_text(st, 1, kannel_id);
	store_bind_text(st, 2, phone);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	store_col_copy(st, 0, reply, replylen);
	if (coding != NULL)
		*coding = sqlite3_column_int(st, 1);
	if (ussd_end != NULL)
		*ussd_end = sqlite3_column_int(st, 2) != 0;
	store_done(st);
	return STORE_OK;
}

int
store_inbox_add(struct store *s, const struct inbox_msg *m)
{
	sqlite3_stmt *st = s->st[ST_INBOX_ADD];

	store_bind_text(st, 1, m->kannel_id);
	store_bind_text(st, 2, m->phone);
	store_bind_opt(st, 3, m->to);
	if (m->raw != NULL)
		sqlite3_bind_blob64(st, 4, m->raw, m->raw_len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 4);
	store_bind_text(st, 5, m->text);
	sqlite3_bind_int(st, 6, m->coding);
	store_bind_opt(st, 7, m->smsc);
	store_bind_text(st, 8, m->action);
	store_bind_text(st, 9, m->reply);
	sqlite3_bind_int(st, 10, m->reply_coding);
	sqlite3_bind_int64(st, 11, (long long)time(NULL));
	sqlite3_bind_int(st, 12, m->ussd_end);
	return store_run(s, st);
}

int
store_inbox_count(struct store *s, long long *n)
{
	return count_rows(s, ST_INBOX_COUNT, n);
}

/* ---- outbox ---- */

int
store_outbox_add(struct store *s, const struct outbox_new *m, long long *id)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_ADD];
	long long now = (long long)time(NULL);

	/* the worker copies text into a fixed OUTBOX_TEXT_MAX buffer: refuse
	 * here rather than send a cut message later */
	if (m->text == NULL || strlen(m->text) >= OUTBOX_TEXT_MAX)
		return store_fail(s, "outbox text missing or longer than OUTBOX_TEXT_MAX");
	store_bind_text(st, 1, m->phone);
	store_bind_text(st, 2, m->text);
	sqlite3_bind_int(st, 3, m->coding);
	sqlite3_bind_int(st, 4, m->priority);
	sqlite3_bind_int64(st, 5, m->not_before != 0 ? m->not_before : now);
	sqlite3_bind_int64(st, 6, now);
	store_bind_id(st, 7, m->broadcast_id);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return STORE_OK;
}

static void
row_outbox(sqlite3_stmt *st, struct outbox_msg *m)
{
	m->id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, m->phone, sizeof m->phone);
	store_col_copy(st, 2, m->text, sizeof m->text);
	m->coding = sqlite3_column_int(st, 3);
	m->priority = sqlite3_column_int(st, 4);
	m->attempts = sqlite3_column_int(st, 5);
	m->broadcast_id = sqlite3_column_int64(st, 6);
}

/*
 * The select and the updates are one BEGIN IMMEDIATE transaction: holding
 * the write lock from the start means no other connection can claim (or
 * change) the same rows between our SELECT and our UPDATE. Rows are read
 * into a scratch array first, so out[] is untouched when anything fails,
 * and the SELECT is finished before the table is updated.
 */
int
store_outbox_claim(struct store *s, long long now, int max,
    struct outbox_msg *out, int *n)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_DUE];
	struct outbox_msg *got;
	bool own;
	int k = 0, rc = SQLITE_DONE;

	if (max <= 0) {
		*n = 0;
		return STORE_OK;
	}
	if (store_op_begin(s, &own) != STORE_OK)
		return STORE_ERR;
	got = xcalloc((size_t)max, sizeof *got);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	while (k < max && (rc = store_step(s, st)) == SQLITE_ROW)
		row_outbox(st, &got[k++]);
	store_done(st);
	rc = (k == max || rc == SQLITE_DONE) ? STORE_OK : STORE_ERR;
	for (int i = 0; rc == STORE_OK && i < k; i++) {
		st = s->st[ST_OUTBOX_CLAIM];
		sqlite3_bind_int64(st, 1, got[i].id);
		sqlite3_bind_int64(st, 2, now);
		rc = store_run(s, st);
	}
	rc = store_op_end(s, own, rc);
	if (rc == STORE_OK) {
		memcpy(out, got, (size_t)k * sizeof *got);
		*n = k;
	}
	free(got);
	return rc;
}

/* outbox_done updates one row by id; STORE_NONE when there is none. */
static int
outbox_done(struct store *s, long long id, enum outbox_status status,
    const char *answer)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_DONE];

	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, status_name[status]);
	store_bind_text(st, 3, answer);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	return sqlite3_changes(s->db) > 0 ? STORE_OK : STORE_NONE;
}

int
store_outbox_accepted(struct store *s, long long id, const char *answer)
{
	return outbox_done(s, id, OUTBOX_ACCEPTED, answer);
}

int
store_outbox_failed(struct store *s, long long id, const char *answer)
{
	return outbox_done(s, id, OUTBOX_FAILED, answer);
}

int
store_outbox_retry(struct store *s, long long id, long long next_at,
    const char *answer)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_RETRY];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, next_at);
	store_bind_text(st, 3, answer);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	return sqlite3_changes(s->db) > 0 ? STORE_OK : STORE_NONE;
}

int
store_outbox_dlr(struct store *s, long long id, int type, const char *reply,
    const char *smscid)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_DLR];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, type);
	store_bind_text(st, 3, reply);
	store_bind_opt(st, 4, smscid);
	sqlite3_bind_int64(st, 5, (long long)time(NULL));
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	return sqlite3_changes(s->db) > 0 ? STORE_OK : STORE_NONE;
}

int
store_outbox_requeue_sending(struct store *s, int *n)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_REQUEUE];

	sqlite3_bind_int64(st, 1, (long long)time(NULL));
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	if (n != NULL)
		*n = sqlite3_changes(s->db);
	return STORE_OK;
}

int
store_outbox_requeue_stale(struct store *s, long long now, long long older_than, int *n)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_REQUEUE_STALE];

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now - older_than);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	if (n != NULL)
		*n = sqlite3_changes(s->db);
	return STORE_OK;
}

int
store_outbox_next_due(struct store *s, long long *when)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_NEXT];
	int rc;

	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	rc = STORE_NONE;	/* min() of no rows is one NULL row */
	if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*when = sqlite3_column_int64(st, 0);
		rc = STORE_OK;
	}
	store_done(st);
	return rc;
}

int
store_outbox_counts(struct store *s, struct outbox_counts *c)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_COUNTS];

	int rc = store_get_one(s, st);

	if (rc == STORE_NONE)
		return store_fail(s, "counts returned no row");
	if (rc != STORE_OK)
		return rc;
	c->queued = sqlite3_column_int64(st, 0);
	c->sending = sqlite3_column_int64(st, 1);
	c->accepted = sqlite3_column_int64(st, 2);
	c->failed = sqlite3_column_int64(st, 3);
	c->delivered = sqlite3_column_int64(st, 4);
	c->undelivered = sqlite3_column_int64(st, 5);
	store_done(st);
	return STORE_OK;
}

long long
store_changes(struct store *s)
{
	return sqlite3_total_changes64(s->db);
}
