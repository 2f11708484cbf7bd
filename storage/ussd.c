/*
 * ussd.c - USSD sessions (issue 6): the ussd_sessions table (schema v4) and
 * its two statements. A row is the menu state of a phone's latest session;
 * it is written in the same transaction as the step's inbox row, so a step
 * is either wholly taken or not at all. Keyed by phone: a step costs one
 * primary-key read and one write, and the table holds one row a phone.
 */
#include "storage/store_int.h"

/* Version 4: USSD sessions. */
int
migrate_v4_ussd(struct store *s)
{
	return schema_run_script(s,
	    "CREATE TABLE ussd_sessions ("
	    "  phone TEXT PRIMARY KEY,"		/* E.164 */
	    "  session TEXT NOT NULL,"		/* phone/its_session_info, or sessionId */
	    "  state TEXT NOT NULL,"		/* menus/ encoded session */
	    "  hist TEXT NOT NULL DEFAULT '',"	/* HTTP: inputs the state stands for */
	    "  ended INTEGER NOT NULL DEFAULT 0,"
	    "  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	    /* a retried USSD step must end the session again if it did */
	    "ALTER TABLE inbox ADD COLUMN ussd_end INTEGER NOT NULL DEFAULT 0;");
}

enum { US_GET, US_PUT, US__COUNT };

static const char *const sql[US__COUNT] = {
	[US_GET] = "SELECT phone, session, state, hist, ended, updated_at FROM ussd_sessions"
	    " WHERE phone = ?1",
	[US_PUT] =
	    "INSERT INTO ussd_sessions(phone, session, state, hist, ended, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(phone) DO UPDATE SET"
	    " session = excluded.session, state = excluded.state, hist = excluded.hist,"
	    " ended = excluded.ended, updated_at = excluded.updated_at",
};

const struct store_domain_sql ussd_sql = {sql, US__COUNT};

#define ST(i) (s->dom[DOM_USSD][i])

int
store_ussd_get(struct store *s, const char *phone, struct ussd_session *out)
{
	sqlite3_stmt *st = ST(US_GET);
	int rc;

	store_bind_text(st, 1, phone);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	store_col_copy(st, 0, out->phone, sizeof out->phone);
	store_col_copy(st, 1, out->session, sizeof out->session);
	store_col_copy(st, 2, out->state, sizeof out->state);
	store_col_copy(st, 3, out->hist, sizeof out->hist);
	out->ended = sqlite3_column_int(st, 4) != 0;
	out->updated_at = sqlite3_column_int64(st, 5);
	store_done(st);
	return STORE_OK;
}

int
store_ussd_put(struct store *s, const struct ussd_session *u)
{
	sqlite3_stmt *st = ST(US_PUT);

	store_bind_text(st, 1, u->phone);
	store_bind_text(st, 2, u->session);
	store_bind_text(st, 3, u->state);
	store_bind_text(st, 4, u->hist);
	sqlite3_bind_int(st, 5, u->ended);
	sqlite3_bind_int64(st, 6, u->updated_at);
	return store_run(s, st);
}
