/*
 * ussd.c - USSD sessions (issue 6): the ussd_sessions table (schema v4) and
 * its statements. A row is the menu state of one session between steps; it
 * is written in the same transaction as the step's inbox row, so a step is
 * either wholly taken or not at all.
 */
#include "storage/store_int.h"

/* Version 4: USSD sessions. */
int
migrate_v4_ussd(struct store *s)
{
	return schema_run_script(s,
	    "CREATE TABLE ussd_sessions ("
	    "  id TEXT PRIMARY KEY,"		/* phone/its_session_info, or sessionId */
	    "  phone TEXT NOT NULL,"
	    "  state TEXT NOT NULL,"		/* menus/ encoded session */
	    "  hist TEXT NOT NULL DEFAULT '',"	/* HTTP: inputs the state stands for */
	    "  ended INTEGER NOT NULL DEFAULT 0,"
	    "  updated_at INTEGER NOT NULL);"
	    "CREATE INDEX ussd_sessions_phone ON ussd_sessions(phone, updated_at);");
}

enum { US_GET, US_PUT, US_DROPPED, US_FORGET, US__COUNT };

static const char *const sql[US__COUNT] = {
	[US_GET] = "SELECT id, phone, state, hist, ended, updated_at FROM ussd_sessions WHERE id = ?1",
	[US_PUT] =
	    "INSERT OR REPLACE INTO ussd_sessions(id, phone, state, hist, ended, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[US_DROPPED] =
	    "SELECT id, phone, state, hist, ended, updated_at FROM ussd_sessions"
	    " WHERE phone = ?1 AND id <> ?2 AND ended = 0 AND updated_at >= ?3"
	    " ORDER BY updated_at DESC LIMIT 1",
	[US_FORGET] = "DELETE FROM ussd_sessions WHERE phone = ?1 AND id <> ?2",
};

const struct store_domain_sql ussd_sql = {sql, US__COUNT};

#define ST(i) (s->dom[DOM_USSD][i])

static void
row(sqlite3_stmt *st, struct ussd_session *u)
{
	store_col_copy(st, 0, u->id, sizeof u->id);
	store_col_copy(st, 1, u->phone, sizeof u->phone);
	store_col_copy(st, 2, u->state, sizeof u->state);
	store_col_copy(st, 3, u->hist, sizeof u->hist);
	u->ended = sqlite3_column_int(st, 4) != 0;
	u->updated_at = sqlite3_column_int64(st, 5);
}

int
store_ussd_get(struct store *s, const char *id, struct ussd_session *out)
{
	sqlite3_stmt *st = ST(US_GET);
	int rc;

	store_bind_text(st, 1, id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	row(st, out);
	store_done(st);
	return STORE_OK;
}

int
store_ussd_put(struct store *s, const struct ussd_session *u)
{
	sqlite3_stmt *st = ST(US_PUT);

	store_bind_text(st, 1, u->id);
	store_bind_text(st, 2, u->phone);
	store_bind_text(st, 3, u->state);
	store_bind_text(st, 4, u->hist);
	sqlite3_bind_int(st, 5, u->ended);
	sqlite3_bind_int64(st, 6, u->updated_at);
	return store_run(s, st);
}

int
store_ussd_dropped(struct store *s, const char *phone, const char *except_id, long long since,
    struct ussd_session *out)
{
	sqlite3_stmt *st = ST(US_DROPPED);
	int rc;

	store_bind_text(st, 1, phone);
	store_bind_text(st, 2, except_id);
	sqlite3_bind_int64(st, 3, since);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	row(st, out);
	store_done(st);
	return STORE_OK;
}

int
store_ussd_forget(struct store *s, const char *phone, const char *keep_id)
{
	sqlite3_stmt *st = ST(US_FORGET);

	store_bind_text(st, 1, phone);
	store_bind_text(st, 2, keep_id);
	return store_run(s, st);
}
