/*
 * The web console's storage (schema version 6): a database of version 5
 * with notices, messages and MOs keeps them and starts its counters from
 * them; the counters the triggers keep (notices per commune, MOs per hour)
 * stay equal to what counting the rows says as messages are sent, reported
 * and received; users and sessions.
 */
#include "tests/t.h"

#include <sqlite3.h>
#include <time.h>

#include "storage/store.h"
#include "storage/store_int.h"

static void
exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	T_ASSERTF(sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql,
	    msg ? msg : "");
}

static long long
one(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	T_ASSERTF(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK, "%s", sql);
	T_ASSERT(sqlite3_step(st) == SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* what the notice counters should say, counted from the rows (BC's rules) */
static void
counted(struct store *s, long long commune_id, struct console_notice_fig *want)
{
	char sql[600];

	snprintf(sql, sizeof sql, "SELECT count(DISTINCT b.id) FROM broadcasts b JOIN outbox o"
	    " ON o.broadcast_id = b.id WHERE b.commune_id = %lld", commune_id);
	want->notices = one(s, sql);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox o JOIN broadcasts b ON b.id ="
	    " o.broadcast_id WHERE b.commune_id = %lld", commune_id);
	want->messages = one(s, sql);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox o JOIN broadcasts b ON b.id ="
	    " o.broadcast_id WHERE b.commune_id = %lld AND o.dlr_type IS 1", commune_id);
	want->delivered = one(s, sql);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox o JOIN broadcasts b ON b.id ="
	    " o.broadcast_id WHERE b.commune_id = %lld AND (o.status = 'failed' OR"
	    " coalesce(o.dlr_type, 0) IN (2, 16))", commune_id);
	want->failed = one(s, sql);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox o JOIN broadcasts b ON b.id ="
	    " o.broadcast_id WHERE b.commune_id = %lld AND o.status IN ('queued', 'sending')",
	    commune_id);
	want->waiting = one(s, sql);
}

static int
keep_fig(const struct console_notice_fig *f, void *arg)
{
	*(struct console_notice_fig *)arg = *f;
	return 0;
}

static void
figs_match(struct store *s, long long commune_id)
{
	struct console_notice_fig got = {0}, want = {0};

	T_ASSERT(store_console_notice_figs(s, commune_id, keep_fig, &got) == STORE_OK);
	counted(s, commune_id, &want);
	T_ASSERTF(got.notices == want.notices && got.messages == want.messages &&
	    got.delivered == want.delivered && got.failed == want.failed &&
	    got.waiting == want.waiting,
	    "kept %lld %lld %lld %lld %lld, counted %lld %lld %lld %lld %lld", got.notices,
	    got.messages, got.delivered, got.failed, got.waiting, want.notices, want.messages,
	    want.delivered, want.failed, want.waiting);
}

static long long mo_days[3];

static int
keep_day(long long day, long long n, void *arg)
{
	long long first = *(long long *)arg;

	if (day >= first && day < first + 3)
		mo_days[day - first] = n;
	return 0;
}

static void
migrates_v5_data_and_keeps_counters(void)
{
	char path[512], err[256];
	struct store *s;
	struct broadcast_report r;
	long long now = (long long)time(NULL), day = now / 86400, id = 0, n = 0;

	snprintf(path, sizeof path, "%s/v5.db", t_tmpdir());
	s = store_open_version(path, 5, err, sizeof err);
	T_ASSERTF(s != NULL, "%s", err);
	/* a version 5 database as langso left it: a notice of 3 messages, one
	 * delivered, one failed, one waiting; MOs today and yesterday */
	exec(s, "INSERT INTO communes(id, name) VALUES (1, 'Chi Lăng');"
	    "INSERT INTO villages(id, code, name, commune_id) VALUES (1, 'LD02', 'Lăng Đồn', 1);"
	    "INSERT INTO people(id, phone, name, village_id, role, created_at, updated_at) VALUES"
	    " (1, '+84912345678', 'Châu', 1, 'head', 1, 1), (2, '+84912000001', 'A', 1, 'household', 1, 1),"
	    " (3, '+84912000002', 'B', 1, 'household', 1, 1), (4, '+84912000003', 'C', 1, 'household', 1, 1);"
	    "INSERT INTO broadcasts(id, sender_id, village_id, commune_id, text, recipients, send_at,"
	    " created_at) VALUES (1, 1, 1, 1, '[TB Lang Don] hop', 3, 1, 1);"
	    "INSERT INTO outbox(phone, text, status, next_at, created_at, broadcast_id, dlr_type) VALUES"
	    " ('+84912000001', 'x', 'accepted', 1, 1, 1, 1), ('+84912000002', 'x', 'failed', 1, 1, 1, NULL),"
	    " ('+84912000003', 'x', 'queued', 1, 1, 1, NULL);");
	{
		char sql[512];

		snprintf(sql, sizeof sql, "INSERT INTO inbox(kannel_id, phone, received_at) VALUES"
		    " ('a', '+84912000001', %lld), ('b', '+84912000002', %lld), ('c', '+84999999999', %lld)",
		    now, now, now - 86400);
		exec(s, sql);
	}
	store_close(s);
	s = store_open(path, err, sizeof err);
	T_ASSERTF(s != NULL, "from v5: %s", err);
	T_ASSERT(store_broadcast_report(s, 1, &r) == STORE_OK);
	T_ASSERT(r.sender_id == 1 && r.recipients == 3 && r.delivered == 1 && r.failed == 1 &&
	    r.waiting == 1);
	T_STREQ(r.text, "[TB Lang Don] hop");
	figs_match(s, 1);

	/* the daily MOs from the hourly counts: two today, one yesterday
	 * (UTC days here), and only the two of the commune's phones for it */
	{
		long long first = day - 2;

		memset(mo_days, 0, sizeof mo_days);
		T_ASSERT(store_console_daily(s, CS_MO, 0, first, 0, keep_day, &first) == STORE_OK);
		T_ASSERTF(mo_days[1] == 1 && mo_days[2] == 2, "%lld %lld", mo_days[1], mo_days[2]);
		memset(mo_days, 0, sizeof mo_days);
		T_ASSERT(store_console_daily(s, CS_MO, 1, first, 0, keep_day, &first) == STORE_OK);
		T_ASSERTF(mo_days[1] == 0 && mo_days[2] == 2, "%lld %lld", mo_days[1], mo_days[2]);
	}
	{
		struct inbox_msg m = {0};

		snprintf(m.kannel_id, sizeof m.kannel_id, "d");
		snprintf(m.phone, sizeof m.phone, "+84912000003");
		m.text = "HD";
		m.action = "HELP";
		m.reply = "ok";
		T_ASSERT(store_inbox_add(s, &m) == STORE_OK);
		long long first = day - 2;

		memset(mo_days, 0, sizeof mo_days);
		T_ASSERT(store_console_daily(s, CS_MO, 1, first, 0, keep_day, &first) == STORE_OK);
		T_ASSERTF(mo_days[2] == 3, "a new MO is counted: %lld", mo_days[2]);
	}

	/* a new notice from the console (no phone as sender), then its rows
	 * sent, reported, retried and failed: the counters follow */
	{
		struct broadcast_new b = {0};
		struct outbox_msg out[8];
		int k = 0;

		b.console_user_id = 0;
		b.sender_login = "tinh";
		snprintf(b.village_code, sizeof b.village_code, "LD02");
		b.text = "[TB xa Chi Lang > Lang Don] hop";
		b.send_at = now;
		T_ASSERT(store_broadcast_create(s, &b, &id, &n) == STORE_OK);
		T_ASSERT(id == 2 && n == 4);	/* the head too: the sender is nobody's phone */
		figs_match(s, 1);
		T_ASSERT(store_outbox_claim(s, now, 8, out, &k) == STORE_OK && k == 5);
		figs_match(s, 1);
		T_ASSERT(store_outbox_accepted(s, out[0].id, "0: Accepted") == STORE_OK);
		T_ASSERT(store_outbox_accepted(s, out[1].id, "0: Accepted") == STORE_OK);
		T_ASSERT(store_outbox_dlr(s, out[0].id, 8, "ack", "x") == STORE_OK);
		T_ASSERT(store_outbox_dlr(s, out[0].id, 1, "ok", "x") == STORE_OK);
		T_ASSERT(store_outbox_dlr(s, out[1].id, 2, "no", "x") == STORE_OK);
		T_ASSERT(store_outbox_failed(s, out[2].id, "403") == STORE_OK);
		T_ASSERT(store_outbox_retry(s, out[3].id, now + 5, "refused") == STORE_OK);
		figs_match(s, 1);
		T_ASSERT(one(s, "SELECT sender_id IS NULL AND sender_login = 'tinh' FROM broadcasts"
		    " WHERE id = 2") == 1);
	}
	store_close(s);
}

static void
users_and_sessions(void)
{
	char path[512], err[256];
	struct store *s;
	struct console_user u = {0}, got;
	struct console_session cs = {0}, sess;

	snprintf(path, sizeof path, "%s/u.db", t_tmpdir());
	s = store_open(path, err, sizeof err);
	T_ASSERTF(s != NULL, "%s", err);
	snprintf(u.login, sizeof u.login, "xa");
	snprintf(u.pwhash, sizeof u.pwhash, "$argon2id$v=19$m=65536,t=2,p=1$x$y");
	snprintf(u.role, sizeof u.role, "commune");
	snprintf(u.commune, sizeof u.commune, "Chi Lăng");
	T_ASSERT(store_console_user_add(s, &u, 1) == STORE_NONE);	/* no such commune yet */
	exec(s, "INSERT INTO communes(id, name) VALUES (7, 'Chi Lăng')");
	T_ASSERT(store_console_user_add(s, &u, 1) == STORE_OK);
	T_ASSERT(store_console_user_add(s, &u, 1) == STORE_EXISTS);
	T_ASSERT(store_console_user_get(s, "xa", &got) == STORE_OK);
	T_ASSERT(got.commune_id == 7 && strcmp(got.commune, "Chi Lăng") == 0 && got.last_login == 0);
	cs.user_id = got.id;
	cs.expires_at = 100;
	snprintf(cs.csrf, sizeof cs.csrf, "c5f");
	T_ASSERT(store_console_session_add(s, "h1", &cs, 50) == STORE_OK);
	T_ASSERT(store_console_session_get(s, "h1", 99, &sess) == STORE_OK);
	T_STREQ(sess.csrf, "c5f");
	T_ASSERT(store_console_session_get(s, "h1", 100, &sess) == STORE_NONE);	/* expired */
	T_ASSERT(store_console_session_get(s, "h2", 50, &sess) == STORE_NONE);
	T_ASSERT(store_console_user_del(s, "xa") == STORE_OK);
	T_ASSERT(store_console_session_get(s, "h1", 60, &sess) == STORE_NONE);	/* gone with it */
	T_ASSERT(store_console_user_del(s, "xa") == STORE_NONE);
	store_close(s);
}

static int
count_person(const struct console_person *p, void *arg)
{
	(void)p;
	(*(int *)arg)++;
	return 0;
}

/* found(s, text): how many people the console's search finds for text */
static long long
found(struct store *s, const char *text)
{
	struct console_people_q q = {.text = text, .limit = 50};
	long long total = -1;
	int rows = 0;

	T_ASSERT(store_console_people(s, &q, &total, count_person, &rows) == STORE_OK);
	T_ASSERTF(total == rows, "total %lld, %d rows", total, rows);
	return total;
}

/* the people search matched bytes: "hoang" did not find "Hoàng Văn Châu",
 * though officials type without diacritics as often as with */
static void
people_search_ignores_diacritics_and_case(void)
{
	static const char *const names[] = {"Hoàng Văn Châu", "Nông Thị Hoa", "Đinh Văn Hoàng"};
	static const char *const phones[] = {"+84912000700", "+84912000701", "+84912000702"};
	char path[512], err[256];
	struct village v = {.code = "LD02", .name = "Lăng Đồn", .commune = "Chi Lăng"};
	struct store *s;
	bool changed;

	snprintf(path, sizeof path, "%s/p.db", t_tmpdir());
	s = store_open(path, err, sizeof err);
	T_ASSERTF(s != NULL, "%s", err);
	T_ASSERT(store_village_upsert(s, &v, &changed) == STORE_OK);
	for (int i = 0; i < 3; i++) {
		struct person p = {0};

		snprintf(p.phone, sizeof p.phone, "%s", phones[i]);
		snprintf(p.name, sizeof p.name, "%s", names[i]);
		snprintf(p.village_code, sizeof p.village_code, "LD02");
		snprintf(p.role, sizeof p.role, "household");
		T_ASSERT(store_person_upsert(s, &p, &changed) == STORE_OK);
	}
	T_ASSERT(found(s, "hoang") == 2);
	T_ASSERT(found(s, "HOÀNG") == 2);
	T_ASSERT(found(s, "chau") == 1);
	T_ASSERT(found(s, "Châu") == 1);
	T_ASSERT(found(s, "dinh") == 1);	/* Đ folds to d */
	T_ASSERT(found(s, "van") == 2);
	T_ASSERT(found(s, "912000701") == 1);	/* part of the phone, as before */
	T_ASSERT(found(s, "%") == 0);		/* a LIKE wildcard is a character */
	T_ASSERT(found(s, "") == 3);
	store_close(s);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"migrates_v5_data_and_keeps_counters", migrates_v5_data_and_keeps_counters},
		{"users_and_sessions", users_and_sessions},
		{"people_search_ignores_diacritics_and_case", people_search_ignores_diacritics_and_case},
		{NULL, NULL},
	};

	return t_main(argc, argv, cases);
}
