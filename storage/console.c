/*
 * console.c - the web console's own tables: users (Argon2id hashes made by
 * the caller), sessions (only a hash of the cookie's token is stored, with
 * an expiry), sign-in failures for throttling, and the audit trail. The
 * console's reading queries are in console_read.c.
 */
#include "storage/store_int.h"

#include <string.h>

/*
 * Version 6. broadcasts is rebuilt (schema.c rule 2) so that a notice
 * composed in the console has a console user as its sender instead of a
 * phone: sender_id becomes nullable and console_user_id names the user;
 * exactly one of them is set. The indexes serve the console's series
 * (listings and accepted orders per day).
 *
 * The overview must answer in under 100 ms with 200,000 households: two
 * figures are kept up to date by triggers instead of being counted from
 * the big tables at every request (bench/console.sh).
 *  - MOs per UTC hour, for the province and per commune of the sender's
 *    village at the time (mo_hourly*): an hour is a whole part of any local
 *    day, so the series is summed into local days when read. It costs an MO
 *    ~3 µs more to store (measured: 100,000 inbox rows in 0.19 s without
 *    the trigger, 0.51 s with it), instead of 40-150 ms a request counting
 *    200,000 inbox rows.
 *  - Notices per commune and their messages' outcomes (notice_figs), with
 *    the same definitions as BC (storage/broadcast.c BC_REPORT): counted
 *    when the broadcast gets its recipients (BC_SET_COUNT), moved by every
 *    change of an outbox row's status or delivery report.
 * Both start from what the tables hold when migrating.
 */
int
migrate_v8_console(struct store *s)
{
	/* two scripts: one C string literal stays under C99's 4095 bytes */
	if (schema_run_script(s,
	    "CREATE TABLE console_users ("
	    "  id INTEGER PRIMARY KEY,"
	    "  login TEXT UNIQUE NOT NULL,"
	    "  pwhash TEXT NOT NULL,"		/* crypto_pwhash_str: Argon2id */
	    "  role TEXT NOT NULL CHECK(role IN ('admin','commune','viewer')),"
	    "  commune_id INTEGER REFERENCES communes(id),"
	    "  created_at INTEGER NOT NULL,"
	    "  last_login INTEGER,"
	    "  CHECK((role = 'commune') = (commune_id IS NOT NULL)));"
	    "CREATE TABLE console_sessions ("
	    "  token_hash TEXT PRIMARY KEY,"	/* BLAKE2b of the cookie's token */
	    "  user_id INTEGER NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,"
	    "  csrf TEXT NOT NULL,"
	    "  created_at INTEGER NOT NULL,"
	    "  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE INDEX console_sessions_user ON console_sessions(user_id);"
	    "CREATE TABLE console_failures ("
	    "  key TEXT NOT NULL,"		/* 'login:<login>' or 'addr:<ip>' */
	    "  at INTEGER NOT NULL);"
	    "CREATE INDEX console_failures_key ON console_failures(key, at);"
	    "CREATE TABLE console_audit ("
	    "  id INTEGER PRIMARY KEY,"
	    "  at INTEGER NOT NULL,"
	    "  user_id INTEGER,"		/* no foreign key: rows outlive users */
	    "  login TEXT NOT NULL,"
	    "  action TEXT NOT NULL,"
	    "  detail TEXT NOT NULL);"
	    "CREATE TABLE broadcasts_v6 ("
	    "  id INTEGER PRIMARY KEY,"
	    "  sender_id INTEGER REFERENCES people(id),"
	    "  console_user_id INTEGER REFERENCES console_users(id) ON DELETE SET NULL,"
	    "  village_id INTEGER REFERENCES villages(id),"
	    "  commune_id INTEGER NOT NULL REFERENCES communes(id),"
	    "  text TEXT NOT NULL,"
	    "  urgent INTEGER NOT NULL DEFAULT 0,"
	    "  recipients INTEGER NOT NULL DEFAULT 0,"
	    "  send_at INTEGER NOT NULL,"
	    "  created_at INTEGER NOT NULL,"
	    "  sender_login TEXT);"		/* the console user's login, kept after a user del */
	    "INSERT INTO broadcasts_v6(id, sender_id, village_id, commune_id, text, urgent,"
	    "  recipients, send_at, created_at)"
	    "  SELECT id, sender_id, village_id, commune_id, text, urgent, recipients, send_at,"
	    "  created_at FROM broadcasts;"
	    "DROP TABLE broadcasts;"
	    "ALTER TABLE broadcasts_v6 RENAME TO broadcasts;"
	    "CREATE INDEX broadcasts_village ON broadcasts(village_id, id);"
	    "CREATE INDEX broadcasts_commune ON broadcasts(commune_id, id);"
	    "CREATE INDEX broadcasts_sender ON broadcasts(sender_id, id);"
	    "CREATE INDEX listings_day ON listings(day, commune_id);"
	    "CREATE INDEX orders_decided ON orders(decided_at) WHERE status = 'accepted';") != STORE_OK)
		return STORE_ERR;
	return schema_run_script(s,
	    "CREATE TABLE mo_hourly ("
	    "  hour INTEGER PRIMARY KEY,"		/* received_at / 3600 */
	    "  n INTEGER NOT NULL);"
	    "CREATE TABLE mo_hourly_commune ("
	    "  commune_id INTEGER NOT NULL, hour INTEGER NOT NULL, n INTEGER NOT NULL,"
	    "  PRIMARY KEY(commune_id, hour)) WITHOUT ROWID;"
	    "INSERT INTO mo_hourly SELECT received_at / 3600, count(*) FROM inbox GROUP BY 1;"
	    "INSERT INTO mo_hourly_commune SELECT v.commune_id, i.received_at / 3600, count(*)"
	    "  FROM inbox i JOIN people p ON p.phone = i.phone JOIN villages v ON v.id = p.village_id"
	    "  GROUP BY 1, 2;"
	    "CREATE TRIGGER inbox_hourly AFTER INSERT ON inbox BEGIN"
	    "  INSERT INTO mo_hourly(hour, n) VALUES (NEW.received_at / 3600, 1)"
	    "    ON CONFLICT(hour) DO UPDATE SET n = n + 1;"
	    "  INSERT INTO mo_hourly_commune(commune_id, hour, n)"
	    "    SELECT v.commune_id, NEW.received_at / 3600, 1 FROM people p"
	    "    JOIN villages v ON v.id = p.village_id WHERE p.phone = NEW.phone"
	    "    ON CONFLICT(commune_id, hour) DO UPDATE SET n = n + 1;"
	    "END;"
	    "CREATE TABLE notice_figs ("
	    "  commune_id INTEGER PRIMARY KEY,"
	    "  notices INTEGER NOT NULL DEFAULT 0,"	/* broadcasts with recipients */
	    "  messages INTEGER NOT NULL DEFAULT 0,"	/* their outbox rows */
	    "  delivered INTEGER NOT NULL DEFAULT 0,"	/* DLR type 1 */
	    "  failed INTEGER NOT NULL DEFAULT 0,"	/* refused, or DLR 2 or 16 */
	    "  waiting INTEGER NOT NULL DEFAULT 0);"	/* queued or being sent */
	    "INSERT INTO notice_figs SELECT b.commune_id, count(DISTINCT b.id), count(o.id),"
	    "  coalesce(sum(o.dlr_type IS 1), 0),"
	    "  coalesce(sum(o.status = 'failed' OR coalesce(o.dlr_type, 0) IN (2, 16)), 0),"
	    "  coalesce(sum(o.status IN ('queued', 'sending')), 0)"
	    "  FROM broadcasts b JOIN outbox o ON o.broadcast_id = b.id GROUP BY b.commune_id;"
	    /* a broadcast is counted when store_broadcast_create sets its
	     * recipients: every row is then queued */
	    "CREATE TRIGGER broadcast_counted AFTER UPDATE OF recipients ON broadcasts BEGIN"
	    "  INSERT INTO notice_figs(commune_id, notices, messages, waiting)"
	    "    VALUES (NEW.commune_id, 1, NEW.recipients - OLD.recipients,"
	    "      NEW.recipients - OLD.recipients)"
	    "    ON CONFLICT(commune_id) DO UPDATE SET notices = notices + (OLD.recipients = 0),"
	    "      messages = messages + excluded.messages, waiting = waiting + excluded.waiting;"
	    "END;"
	    "CREATE TRIGGER outbox_notice_figs AFTER UPDATE OF status, dlr_type ON outbox"
	    "  WHEN NEW.broadcast_id IS NOT NULL BEGIN"
	    "  UPDATE notice_figs SET"
	    "    delivered = delivered + (NEW.dlr_type IS 1) - (OLD.dlr_type IS 1),"
	    "    failed = failed"
	    "      + (NEW.status = 'failed' OR coalesce(NEW.dlr_type, 0) IN (2, 16))"
	    "      - (OLD.status = 'failed' OR coalesce(OLD.dlr_type, 0) IN (2, 16)),"
	    "    waiting = waiting + (NEW.status IN ('queued', 'sending'))"
	    "      - (OLD.status IN ('queued', 'sending'))"
	    "  WHERE commune_id = (SELECT commune_id FROM broadcasts WHERE id = NEW.broadcast_id);"
	    "END;");
}

enum {
	CU_ADD,
	CU_GET,
	CU_BY_ID,
	CU_EACH,
	CU_DEL,
	CU_SEEN,
	CS_ADD,
	CS_GET,
	CS_DEL,
	CS_PURGE,
	CF_COUNT,
	CF_ADD,
	CF_PURGE,
	CF_CLEAR,
	CA_ADD,
	CA_EACH,
	CO__COUNT
};

#define USER_COLS "u.id, u.login, u.pwhash, u.role, coalesce(u.commune_id, 0)," \
	" coalesce(c.name, ''), u.created_at, coalesce(u.last_login, 0)" \
	" FROM console_users u LEFT JOIN communes c ON c.id = u.commune_id"

static const char *const sql[CO__COUNT] = {
	[CU_ADD] =
	    "INSERT INTO console_users(login, pwhash, role, commune_id, created_at)"
	    " VALUES (?1, ?2, ?3, (SELECT id FROM communes WHERE name = ?4), ?5)",
	[CU_GET] = "SELECT " USER_COLS " WHERE u.login = ?1",
	[CU_BY_ID] = "SELECT " USER_COLS " WHERE u.id = ?1",
	[CU_EACH] = "SELECT " USER_COLS " ORDER BY u.login",
	[CU_DEL] = "DELETE FROM console_users WHERE login = ?1",
	[CU_SEEN] = "UPDATE console_users SET last_login = ?2 WHERE id = ?1",
	[CS_ADD] =
	    "INSERT INTO console_sessions(token_hash, user_id, csrf, created_at, expires_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[CS_GET] =
	    "SELECT user_id, csrf, expires_at FROM console_sessions"
	    " WHERE token_hash = ?1 AND expires_at > ?2",
	[CS_DEL] = "DELETE FROM console_sessions WHERE token_hash = ?1",
	[CS_PURGE] = "DELETE FROM console_sessions WHERE expires_at <= ?1",
	[CF_COUNT] = "SELECT count(*) FROM console_failures WHERE key = ?1 AND at >= ?2",
	[CF_ADD] = "INSERT INTO console_failures(key, at) VALUES (?1, ?2)",
	/* every old failure, not only this key's: made-up logins do not pile up */
	[CF_PURGE] = "DELETE FROM console_failures WHERE at < ?2 AND ?1 = ?1",
	[CF_CLEAR] = "DELETE FROM console_failures WHERE key = ?1",
	[CA_ADD] =
	    "INSERT INTO console_audit(at, user_id, login, action, detail)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[CA_EACH] =
	    "SELECT id, at, login, action, detail FROM console_audit ORDER BY id DESC LIMIT ?1",
};

const struct store_domain_sql console_sql = {sql, CO__COUNT};

#define ST(i) (s->dom[DOM_CONSOLE][i])

/* ---- users ---- */

int
store_console_user_add(struct store *s, const struct console_user *u, long long now)
{
	sqlite3_stmt *st = ST(CU_ADD);
	int rc;

	if (u->commune[0] != '\0') {
		long long cid;

		rc = store_console_commune_id(s, u->commune, &cid);
		if (rc != STORE_OK)
			return rc;
	}
	store_bind_text(st, 1, u->login);
	store_bind_text(st, 2, u->pwhash);
	store_bind_text(st, 3, u->role);
	store_bind_opt(st, 4, u->commune);
	sqlite3_bind_int64(st, 5, now);
	rc = store_step(s, st);
	store_done(st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return STORE_EXISTS;
	return STORE_ERR;
}

static void
user_row(sqlite3_stmt *st, struct console_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, u->login, sizeof u->login);
	store_col_copy(st, 2, u->pwhash, sizeof u->pwhash);
	store_col_copy(st, 3, u->role, sizeof u->role);
	u->commune_id = sqlite3_column_int64(st, 4);
	store_col_copy(st, 5, u->commune, sizeof u->commune);
	u->created_at = sqlite3_column_int64(st, 6);
	u->last_login = sqlite3_column_int64(st, 7);
}

int
store_console_user_get(struct store *s, const char *login, struct console_user *out)
{
	sqlite3_stmt *st = ST(CU_GET);
	int rc;

	store_bind_text(st, 1, login);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	user_row(st, out);
	store_done(st);
	return STORE_OK;
}

int
store_console_user_by_id(struct store *s, long long id, struct console_user *out)
{
	sqlite3_stmt *st = ST(CU_BY_ID);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	user_row(st, out);
	store_done(st);
	return STORE_OK;
}

int
store_console_user_each(struct store *s, int (*fn)(const struct console_user *u, void *arg),
    void *arg)
{
	sqlite3_stmt *st = ST(CU_EACH);
	struct console_user u;
	int rc;

	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		int stop;

		user_row(st, &u);
		if ((stop = fn(&u, arg)) != 0) {
			store_done(st);
			return stop;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

int
store_console_user_del(struct store *s, const char *login)
{
	sqlite3_stmt *st = ST(CU_DEL);

	store_bind_text(st, 1, login);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	return sqlite3_changes(s->db) > 0 ? STORE_OK : STORE_NONE;
}

int
store_console_user_seen(struct store *s, long long id, long long now)
{
	sqlite3_stmt *st = ST(CU_SEEN);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return store_run(s, st);
}

/* ---- sessions ---- */

int
store_console_session_add(struct store *s, const char *token_hash,
    const struct console_session *cs, long long now)
{
	sqlite3_stmt *st = ST(CS_PURGE);

	/* expired sessions go as new ones come: the table stays small */
	sqlite3_bind_int64(st, 1, now);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	st = ST(CS_ADD);
	store_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, cs->user_id);
	store_bind_text(st, 3, cs->csrf);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, cs->expires_at);
	return store_run(s, st);
}

int
store_console_session_get(struct store *s, const char *token_hash, long long now,
    struct console_session *out)
{
	sqlite3_stmt *st = ST(CS_GET);
	int rc;

	store_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	out->user_id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, out->csrf, sizeof out->csrf);
	out->expires_at = sqlite3_column_int64(st, 2);
	store_done(st);
	return STORE_OK;
}

int
store_console_session_del(struct store *s, const char *token_hash)
{
	sqlite3_stmt *st = ST(CS_DEL);

	store_bind_text(st, 1, token_hash);
	return store_run(s, st);
}

/* ---- throttling ---- */

int
store_console_failures(struct store *s, const char *key, long long since, long long *n)
{
	sqlite3_stmt *st = ST(CF_COUNT);
	int rc;

	store_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, since);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc == STORE_NONE ? store_fail(s, "count returned no row") : rc;
	*n = sqlite3_column_int64(st, 0);
	store_done(st);
	return STORE_OK;
}

int
store_console_fail(struct store *s, const char *key, long long now, long long since)
{
	sqlite3_stmt *st = ST(CF_PURGE);

	store_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, since);
	if (store_run(s, st) != STORE_OK)
		return STORE_ERR;
	st = ST(CF_ADD);
	store_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, now);
	return store_run(s, st);
}

int
store_console_fail_clear(struct store *s, const char *key)
{
	sqlite3_stmt *st = ST(CF_CLEAR);

	store_bind_text(st, 1, key);
	return store_run(s, st);
}

/* ---- audit ---- */

int
store_console_audit_add(struct store *s, long long user_id, const char *login,
    const char *action, const char *detail, long long now)
{
	sqlite3_stmt *st = ST(CA_ADD);

	sqlite3_bind_int64(st, 1, now);
	store_bind_id(st, 2, user_id);
	store_bind_text(st, 3, login);
	store_bind_text(st, 4, action);
	store_bind_text(st, 5, detail);
	return store_run(s, st);
}

int
store_console_audit_each(struct store *s, int limit,
    int (*fn)(const struct console_audit *a, void *arg), void *arg)
{
	sqlite3_stmt *st = ST(CA_EACH);
	struct console_audit a;
	int rc;

	sqlite3_bind_int(st, 1, limit);
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		int stop;

		memset(&a, 0, sizeof a);
		a.id = sqlite3_column_int64(st, 0);
		a.at = sqlite3_column_int64(st, 1);
		store_col_copy(st, 2, a.login, sizeof a.login);
		store_col_copy(st, 3, a.action, sizeof a.action);
		store_col_copy(st, 4, a.detail, sizeof a.detail);
		if ((stop = fn(&a, arg)) != 0) {
			store_done(st);
			return stop;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}
