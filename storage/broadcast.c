/*
 * broadcast.c - village broadcasts: the broadcasts table, the fan-out into
 * the outbox in one statement, and the figures BC reports from the outbox
 * rows and their delivery reports.
 */
#include "storage/store_int.h"

#include <string.h>
#include <time.h>

/* Version 3: broadcasts. Recipients are the outbox rows that carry the
 * broadcast's id (outbox.broadcast_id, indexed since version 1). */
int
migrate_v3_broadcast(struct store *s)
{
	return schema_run_script(s,
	    "CREATE TABLE broadcasts ("
	    "  id INTEGER PRIMARY KEY,"		/* the number BC takes */
	    "  sender_id INTEGER NOT NULL REFERENCES people(id),"
	    "  village_id INTEGER REFERENCES villages(id),"	/* NULL: whole commune */
	    "  commune_id INTEGER NOT NULL REFERENCES communes(id),"
	    "  text TEXT NOT NULL,"
	    "  urgent INTEGER NOT NULL DEFAULT 0,"
	    "  recipients INTEGER NOT NULL DEFAULT 0,"
	    "  send_at INTEGER NOT NULL,"
	    "  created_at INTEGER NOT NULL);"
	    "CREATE INDEX broadcasts_village ON broadcasts(village_id, id);"
	    "CREATE INDEX broadcasts_commune ON broadcasts(commune_id, id);");
}

enum {
	BC_ADD,
	BC_FANOUT_VILLAGE,
	BC_FANOUT_COMMUNE,
	BC_SET_COUNT,
	BC_DELETE,
	BC_REPORT,
	BC_RECENT,
	BC_LAST,
	BC_UNREACHED,
	BC_OPTED_OUT,
	BC__COUNT
};

static const char *const sql[BC__COUNT] = {
	[BC_ADD] =
	    "INSERT INTO broadcasts(sender_id, village_id, commune_id, text, urgent, send_at, created_at,"
	    " console_user_id, sender_login)"
	    " SELECT ?1, CASE WHEN ?2 IS NULL THEN NULL ELSE v.id END, v.commune_id, ?4, ?5, ?6, ?7,"
	    " ?8, ?9"
	    " FROM villages v WHERE v.code = coalesce(?2, ?3)",
	/* one row per household of the village (an unregistered phone has
	 * none); NGUNG holds back all but urgent notices (commands.md §7);
	 * priority 10 keeps replies and order news first */
	[BC_FANOUT_VILLAGE] =
	    "INSERT INTO outbox(phone, text, coding, priority, status, next_at, created_at, broadcast_id)"
	    " SELECT p.phone, ?2, ?3, 10, 'queued', ?4, ?5, ?1 FROM people p"
	    " JOIN villages v ON v.id = p.village_id"
	    " WHERE v.code = ?6 AND (p.opted_out = 0 OR ?8) AND p.id <> ?7",
	[BC_FANOUT_COMMUNE] =
	    "INSERT INTO outbox(phone, text, coding, priority, status, next_at, created_at, broadcast_id)"
	    " SELECT p.phone, ?2, ?3, 10, 'queued', ?4, ?5, ?1 FROM people p"
	    " JOIN villages v ON v.id = p.village_id"
	    " WHERE v.commune_id = (SELECT commune_id FROM villages WHERE code = ?6)"
	    " AND (p.opted_out = 0 OR ?8) AND p.id <> ?7",
	[BC_SET_COUNT] = "UPDATE broadcasts SET recipients = ?2 WHERE id = ?1",
	[BC_DELETE] = "DELETE FROM broadcasts WHERE id = ?1",
	[BC_REPORT] =
	    "SELECT b.id, b.sender_id, b.recipients, b.send_at, b.text,"
	    " coalesce(sum(o.status = 'accepted'), 0),"
	    " coalesce(sum(o.dlr_type = 1), 0),"
	    " coalesce(sum(o.status IN ('queued', 'sending')), 0),"
	    " coalesce(sum(o.status = 'failed' OR o.dlr_type IN (2, 16)), 0)"
	    " FROM broadcasts b LEFT JOIN outbox o ON o.broadcast_id = b.id"
	    " WHERE b.id = ?1 GROUP BY b.id",
	[BC_RECENT] =
	    "SELECT b.id, b.text, b.send_at FROM broadcasts b, villages v"
	    " WHERE v.code = ?1 AND (b.village_id = v.id"
	    "   OR (b.village_id IS NULL AND b.commune_id = v.commune_id))"
	    " ORDER BY b.id DESC LIMIT ?2",
	[BC_LAST] = "SELECT max(id) FROM broadcasts WHERE sender_id = ?1",
	/* through outbox_broadcast; a name is the recipient's as it is now */
	[BC_UNREACHED] =
	    "SELECT o.phone, coalesce(p.name, '') FROM outbox o"
	    " LEFT JOIN people p ON p.phone = o.phone"
	    " WHERE o.broadcast_id = ?1 AND coalesce(o.dlr_type, 0) <> 1"
	    " ORDER BY o.id LIMIT ?2",
	/* who a notice to the village ?1, or to the commune of village ?2,
	 * leaves out because of NGUNG */
	[BC_OPTED_OUT] =
	    "SELECT count(*) FROM people p JOIN villages v ON v.id = p.village_id"
	    " WHERE p.opted_out AND p.id <> ?3 AND (v.code = ?1"
	    "   OR (?1 IS NULL AND v.commune_id = (SELECT commune_id FROM villages WHERE code = ?2)))",
};

const struct store_domain_sql broadcast_sql = {sql, BC__COUNT};

#define ST(i) (s->dom[DOM_BROADCAST][i])

int
store_broadcast_create(struct store *s, const struct broadcast_new *b, long long *id,
    long long *recipients)
{
	bool own;
	sqlite3_stmt *st;
	long long bid, n = 0, now = (long long)time(NULL);
	int rc;

	if (store_op_begin(s, &own) != STORE_OK)
		return STORE_ERR;
	st = ST(BC_ADD);
	store_bind_opt(st, 2, b->village_code);
	store_bind_opt(st, 3, b->commune_of);
	store_bind_id(st, 1, b->sender_id);	/* 0: from the console (NULL) */
	store_bind_id(st, 8, b->console_user_id);
	store_bind_opt(st, 9, b->sender_login);
	store_bind_text(st, 4, b->text);
	sqlite3_bind_int(st, 5, b->urgent);
	sqlite3_bind_int64(st, 6, b->send_at);
	sqlite3_bind_int64(st, 7, now);
	rc = store_run(s, st);
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = store_fail(s, "no such village");
	bid = sqlite3_last_insert_rowid(s->db);
	if (rc == STORE_OK) {
		st = ST(b->village_code[0] ? BC_FANOUT_VILLAGE : BC_FANOUT_COMMUNE);
		sqlite3_bind_int64(st, 1, bid);
		store_bind_text(st, 2, b->text);
		sqlite3_bind_int(st, 3, b->coding);
		sqlite3_bind_int64(st, 4, b->send_at);
		sqlite3_bind_int64(st, 5, now);
		store_bind_text(st, 6, b->village_code[0] ? b->village_code : b->commune_of);
		sqlite3_bind_int64(st, 7, b->sender_id);
		sqlite3_bind_int(st, 8, b->urgent);
		rc = store_run(s, st);
		n = sqlite3_changes(s->db);
	}
	if (rc == STORE_OK) {
		st = ST(n > 0 ? BC_SET_COUNT : BC_DELETE);
		sqlite3_bind_int64(st, 1, bid);
		if (n > 0)
			sqlite3_bind_int64(st, 2, n);
		rc = store_run(s, st);
	}
	rc = store_op_end(s, own, rc);
	if (rc == STORE_OK) {
		*id = n > 0 ? bid : 0;
		*recipients = n;
	}
	return rc;
}

int
store_broadcast_report(struct store *s, long long id, struct broadcast_report *r)
{
	sqlite3_stmt *st = ST(BC_REPORT);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	r->id = sqlite3_column_int64(st, 0);
	r->sender_id = sqlite3_column_int64(st, 1);
	r->recipients = sqlite3_column_int64(st, 2);
	r->send_at = sqlite3_column_int64(st, 3);
	store_col_copy(st, 4, r->text, sizeof r->text);
	r->sent = sqlite3_column_int64(st, 5);
	r->delivered = sqlite3_column_int64(st, 6);
	r->waiting = sqlite3_column_int64(st, 7);
	r->failed = sqlite3_column_int64(st, 8);
	store_done(st);
	return STORE_OK;
}

int
store_broadcast_recent(struct store *s, const char *village_code, int max,
    struct broadcast_report *out, int *n)
{
	sqlite3_stmt *st = ST(BC_RECENT);
	int rc, got = 0;

	store_bind_text(st, 1, village_code);
	sqlite3_bind_int(st, 2, max);
	while ((rc = store_step(s, st)) == SQLITE_ROW && got < max) {
		memset(&out[got], 0, sizeof out[got]);
		out[got].id = sqlite3_column_int64(st, 0);
		store_col_copy(st, 1, out[got].text, sizeof out[got].text);
		out[got].send_at = sqlite3_column_int64(st, 2);
		got++;
	}
	store_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return STORE_ERR;
	*n = got;
	return STORE_OK;
}

int
store_broadcast_last(struct store *s, long long sender_id, long long *id)
{
	sqlite3_stmt *st = ST(BC_LAST);
	int rc;

	sqlite3_bind_int64(st, 1, sender_id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc;
	rc = sqlite3_column_type(st, 0) == SQLITE_NULL ? STORE_NONE : STORE_OK;
	if (rc == STORE_OK)
		*id = sqlite3_column_int64(st, 0);
	store_done(st);
	return rc;
}

int
store_broadcast_unreached(struct store *s, long long id, int max, struct broadcast_recipient *out,
    int *n)
{
	sqlite3_stmt *st = ST(BC_UNREACHED);
	int rc, got = 0;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, max);
	while ((rc = store_step(s, st)) == SQLITE_ROW && got < max) {
		store_col_copy(st, 0, out[got].phone, sizeof out[got].phone);
		store_col_copy(st, 1, out[got].name, sizeof out[got].name);
		got++;
	}
	store_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return STORE_ERR;
	*n = got;
	return STORE_OK;
}

int
store_broadcast_opted_out(struct store *s, const struct broadcast_new *b, long long *n)
{
	sqlite3_stmt *st = ST(BC_OPTED_OUT);
	int rc;

	store_bind_opt(st, 1, b->village_code);
	store_bind_opt(st, 2, b->commune_of);
	sqlite3_bind_int64(st, 3, b->sender_id);
	if ((rc = store_get_one(s, st)) != STORE_OK)
		return rc == STORE_NONE ? store_fail(s, "count returned no row") : rc;
	*n = sqlite3_column_int64(st, 0);
	store_done(st);
	return STORE_OK;
}
