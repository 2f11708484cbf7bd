/*
 * The SQLite store: schema and migrations, villages and people upserts, the
 * inbox idempotency key, the outbox life cycle, and fault injection through
 * store_step_hook (a failed step leaves the data exactly as before).
 */
#include "tests/t.h"
#include "tests/fixture.h"

#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "storage/store.h"
#include "storage/store_int.h"

static struct store *
open_db(const char *name)
{
	char path[512], err[256] = "";
	struct store *s;

	if (strcmp(name, ":memory:") == 0)
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%s/%s", t_tmpdir(), name);
	s = store_open(path, err, sizeof err);
	T_ASSERTF(s != NULL, "store_open(%s): %s", path, err);
	return s;
}

/* dump writes every row of every table as text: the "data as before"
 * check of the fault tests compares two dumps. */
static void
dump(struct store *s, char *out, size_t outlen)
{
	static const char *const tables[] = {
		"SELECT * FROM communes ORDER BY id",
		"SELECT * FROM villages ORDER BY id",
		"SELECT * FROM people ORDER BY id",
		"SELECT * FROM inbox ORDER BY id",
		"SELECT * FROM outbox ORDER BY id",
	};
	size_t used = 0;

	out[0] = '\0';
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		sqlite3_stmt *st;

		T_ASSERT(sqlite3_prepare_v2(s->db, tables[t], -1, &st, NULL) == SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(st); i++) {
				const unsigned char *v = sqlite3_column_text(st, i);
				int n = snprintf(out + used, outlen - used, "%s|",
				    v ? (const char *)v : "NULL");

				T_ASSERT(n >= 0 && (size_t)n < outlen - used);
				used += (size_t)n;
			}
			T_ASSERT(used + 2 < outlen);
			out[used++] = '\n';
			out[used] = '\0';
		}
		sqlite3_finalize(st);
		T_ASSERT(used + 2 < outlen);
		out[used++] = '#';
		out[used] = '\0';
	}
}

static void
add_village(struct store *s, const char *code, const char *name,
    const char *commune)
{
	struct village v;
	bool ch;

	memset(&v, 0, sizeof v);
	snprintf(v.code, sizeof v.code, "%s", code);
	snprintf(v.name, sizeof v.name, "%s", name);
	snprintf(v.commune, sizeof v.commune, "%s", commune);
	T_ASSERTF(store_village_upsert(s, &v, &ch) == STORE_OK, "%s", store_errmsg(s));
}

static long long
add_out(struct store *s, const char *phone, const char *text, int prio,
    long long not_before)
{
	struct outbox_new m;
	long long id = 0;

	memset(&m, 0, sizeof m);
	snprintf(m.phone, sizeof m.phone, "%s", phone);
	m.text = text;
	m.priority = prio;
	m.not_before = not_before;
	T_ASSERTF(store_outbox_add(s, &m, &id) == STORE_OK, "%s", store_errmsg(s));
	T_ASSERT(id > 0);
	return id;
}

/* ---- schema ---- */

static void
opens_memory_and_file(void)
{
	struct store *s = open_db(":memory:");
	char mode[16];
	sqlite3_stmt *st;

	T_ASSERT(store_schema_version(s) == STORE_SCHEMA_LATEST);
	T_ASSERT(store_check_writable(s) == STORE_OK);
	store_close(s);

	s = open_db("a.db");
	T_ASSERT(store_schema_version(s) == STORE_SCHEMA_LATEST);
	T_ASSERT(sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK);
	T_ASSERT(sqlite3_step(st) == SQLITE_ROW);
	snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	T_STREQ(mode, "wal");
	T_ASSERT(fx_query_int(s, "PRAGMA foreign_keys") == 1);
	T_ASSERT(fx_query_int(s, "PRAGMA synchronous") == 2);	/* FULL: survives power loss */
	T_ASSERT(fx_query_int(s, "PRAGMA busy_timeout") == 5000);
	T_ASSERT(store_check_writable(s) == STORE_OK);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM communes") == 0);
	store_close(s);
}

/* The names the integration tests query with the sqlite3 CLI. */
static void
schema_names(void)
{
	static const char *const cols[] = {
		"communes.id", "communes.name",
		"villages.id", "villages.code", "villages.name", "villages.commune_id",
		"villages.old_district",
		"people.id", "people.phone", "people.name", "people.village_id",
		"people.role", "people.opted_out", "people.created_at", "people.updated_at",
		"inbox.id", "inbox.kannel_id", "inbox.phone", "inbox.to_addr", "inbox.raw",
		"inbox.text", "inbox.coding", "inbox.smsc", "inbox.action", "inbox.reply",
		"inbox.reply_coding", "inbox.received_at",
		"outbox.id", "outbox.phone", "outbox.text", "outbox.coding",
		"outbox.priority", "outbox.status", "outbox.attempts", "outbox.next_at",
		"outbox.created_at", "outbox.broadcast_id", "outbox.answer",
		"outbox.dlr_type", "outbox.dlr_reply", "outbox.dlr_smscid", "outbox.dlr_at",
	};
	struct store *s = open_db(":memory:");

	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		char sql[200], table[32];
		const char *dot = strchr(cols[i], '.');

		snprintf(table, sizeof table, "%.*s", (int)(dot - cols[i]), cols[i]);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s')"
		    " WHERE name = '%s'", table, dot + 1);
		T_ASSERTF(fx_query_int(s, sql) == 1, "no column %s", cols[i]);
	}
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM pragma_index_info('outbox_claim')") == 3);
	store_close(s);
}

static void
migrates_from_every_version(void)
{
	char path[512], err[256];

	/* an empty file is a database at version 0 */
	snprintf(path, sizeof path, "%s/empty.db", t_tmpdir());
	fclose(fopen(path, "w"));
	struct store *s = open_db("empty.db");
	T_ASSERT(store_schema_version(s) == STORE_SCHEMA_LATEST);
	store_close(s);

	for (int v = 0; v < STORE_SCHEMA_LATEST; v++) {
		snprintf(path, sizeof path, "%s/v%d.db", t_tmpdir(), v);
		s = store_open_version(path, v, err, sizeof err);
		T_ASSERTF(s != NULL, "v%d: %s", v, err);
		T_ASSERT(store_schema_version(s) == v);
		store_close(s);
		s = store_open(path, err, sizeof err);
		T_ASSERTF(s != NULL, "from v%d: %s", v, err);
		T_ASSERT(store_schema_version(s) == STORE_SCHEMA_LATEST);
		store_close(s);
	}

	/* re-opening the latest changes nothing and keeps the data */
	s = open_db("latest.db");
	add_village(s, "LD02", "Lăng Đồn", "Chi Lăng");
	store_close(s);
	s = open_db("latest.db");
	T_ASSERT(store_schema_version(s) == STORE_SCHEMA_LATEST);
	long long n = 0;
	T_ASSERT(store_village_count(s, &n) == STORE_OK && n == 1);
	store_close(s);
}

static void
refuses_newer_schema_and_garbage(void)
{
	char path[512], err[256] = "";
	sqlite3 *db;
	FILE *f;

	snprintf(path, sizeof path, "%s/new.db", t_tmpdir());
	T_ASSERT(sqlite3_open(path, &db) == SQLITE_OK);
	T_ASSERT(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	T_ASSERT(store_open(path, err, sizeof err) == NULL);
	T_ASSERTF(strstr(err, "newer") != NULL, "%s", err);

	snprintf(path, sizeof path, "%s/text.db", t_tmpdir());
	f = fopen(path, "w");
	fputs("this is not a database, just a long enough text file to be read.\n", f);
	fclose(f);
	T_ASSERT(store_open(path, err, sizeof err) == NULL);
	T_ASSERT(err[0] != '\0');
}

static unsigned long fail_at, fail_until;
static int fail_code = SQLITE_BUSY;

/* fails steps fail_at .. fail_until (inclusive; ULONG_MAX = all later) */
static int
hook(unsigned long n)
{
	return n >= fail_at && n <= fail_until ? fail_code : 0;
}

/* A migration that fails part-way leaves a version-0 database, and the
 * next open migrates it fully. */
/* more than opening and migrating a new database takes, with room for
 * migrations to come */
#define MIGRATION_STEPS_MAX 400

static void
migration_is_one_transaction(void)
{
	char path[512], err[256];

	snprintf(path, sizeof path, "%s/m.db", t_tmpdir());
	store_step_hook = hook;
	fail_code = SQLITE_FULL;
	/* every step of opening a new database, through all migrations */
	for (fail_at = 1; fail_at < MIGRATION_STEPS_MAX; fail_at++) {
		fail_until = fail_at;
		struct store *s = store_open(path, err, sizeof err);
		if (s != NULL) {	/* past the last step of the migration */
			store_close(s);
			break;
		}
		sqlite3 *db;
		sqlite3_stmt *st;
		T_ASSERT(sqlite3_open(path, &db) == SQLITE_OK);
		T_ASSERT(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master",
		    -1, &st, NULL) == SQLITE_OK);
		T_ASSERT(sqlite3_step(st) == SQLITE_ROW);
		T_ASSERTF(sqlite3_column_int(st, 0) == 0, "step %lu left tables", fail_at);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	T_ASSERT(fail_at > 3 && fail_at < MIGRATION_STEPS_MAX);
	store_step_hook = NULL;
	struct store *s = store_open(path, err, sizeof err);
	T_ASSERT(s != NULL && store_schema_version(s) == STORE_SCHEMA_LATEST);
	store_close(s);
}

/* ---- villages and people ---- */

static int
collect_codes(const struct village *v, void *arg)
{
	strcat(arg, v->code);
	strcat(arg, ",");
	return strcmp(v->code, "LD02") == 0 ? 7 : 0;
}

static void
villages_upsert(void)
{
	struct store *s = open_db("v.db");
	struct village v, got;
	char codes[64] = "";
	long long n;
	bool ch = false;

	memset(&v, 0, sizeof v);
	strcpy(v.code, "ld02");
	strcpy(v.name, "Lăng Đồn");
	strcpy(v.commune, "Chi Lăng");
	T_ASSERT(store_village_upsert(s, &v, &ch) == STORE_OK && ch);
	T_ASSERT(store_village_upsert(s, &v, &ch) == STORE_OK && !ch);
	T_ASSERT(store_village_by_code(s, "LD02", &got) == STORE_OK);
	T_STREQ(got.code, "LD02");
	T_STREQ(got.name, "Lăng Đồn");
	T_STREQ(got.commune, "Chi Lăng");
	T_STREQ(got.old_district, "");
	T_ASSERT(store_village_by_code(s, "ld02", &got) == STORE_OK);

	strcpy(v.old_district, "Chi Lăng");
	T_ASSERT(store_village_upsert(s, &v, &ch) == STORE_OK && ch);
	T_ASSERT(store_village_by_code(s, "LD02", &got) == STORE_OK);
	T_STREQ(got.old_district, "Chi Lăng");
	T_ASSERT(store_village_upsert(s, &v, &ch) == STORE_OK && !ch);
	strcpy(v.commune, "Cao Lộc");
	T_ASSERT(store_village_upsert(s, &v, &ch) == STORE_OK && ch);
	T_ASSERT(store_village_by_code(s, "LD02", &got) == STORE_OK);
	T_STREQ(got.commune, "Cao Lộc");
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM communes") == 2);

	add_village(s, "CL01", "Quán Thanh", "Chi Lăng");
	add_village(s, "VQ01", "Yên Phúc", "Văn Quan");
	T_ASSERT(store_village_count(s, &n) == STORE_OK && n == 3);
	T_ASSERT(store_village_each(s, collect_codes, codes) == 7);
	T_STREQ(codes, "CL01,LD02,");

	memset(&got, 0x5a, sizeof got);
	struct village before = got;
	T_ASSERT(store_village_by_code(s, "XX99", &got) == STORE_NONE);
	T_ASSERT(memcmp(&got, &before, sizeof got) == 0);

	strcpy(v.name, "");
	T_ASSERT(store_village_upsert(s, &v, &ch) == STORE_ERR);
	store_close(s);
}

static void
people_upsert(void)
{
	struct store *s = open_db("p.db");
	struct person p, got;
	long long n;
	bool ch = false;

	add_village(s, "LD02", "Lăng Đồn", "Chi Lăng");
	add_village(s, "CL01", "Quán Thanh", "Chi Lăng");
	memset(&p, 0, sizeof p);
	strcpy(p.phone, "+84912345678");
	strcpy(p.name, "Hoàng Văn Châu");
	strcpy(p.village_code, "LD02");
	strcpy(p.role, "head");
	T_ASSERT(store_person_upsert(s, &p, &ch) == STORE_OK && ch);
	T_ASSERT(store_person_upsert(s, &p, &ch) == STORE_OK && !ch);
	T_ASSERT(store_person_by_phone(s, "+84912345678", &got) == STORE_OK);
	T_STREQ(got.name, "Hoàng Văn Châu");
	T_STREQ(got.village_code, "LD02");
	T_STREQ(got.role, "head");
	T_ASSERT(!got.opted_out);

	/* opted_out survives an upsert */
	T_ASSERT(store_person_set_opted_out(s, "+84912345678", true) == STORE_OK);
	strcpy(p.village_code, "CL01");
	T_ASSERT(store_person_upsert(s, &p, &ch) == STORE_OK && ch);
	T_ASSERT(store_person_by_phone(s, "+84912345678", &got) == STORE_OK);
	T_ASSERT(got.opted_out);
	T_STREQ(got.village_code, "CL01");

	strcpy(p.role, "boss");
	T_ASSERT(store_person_upsert(s, &p, &ch) == STORE_ERR);
	strcpy(p.role, "head");
	strcpy(p.village_code, "XX99");
	T_ASSERT(store_person_upsert(s, &p, &ch) == STORE_ERR);
	T_ASSERT(store_person_by_phone(s, "+84912345678", &got) == STORE_OK);
	T_STREQ(got.village_code, "CL01");

	/* a stranger's NGUNG is kept: a row with no village, household */
	T_ASSERT(store_person_set_opted_out(s, "+84388001122", true) == STORE_OK);
	T_ASSERT(store_person_by_phone(s, "+84388001122", &got) == STORE_OK);
	T_ASSERT(got.opted_out);
	T_STREQ(got.village_code, "");
	T_STREQ(got.role, "household");
	T_STREQ(got.name, "");
	T_ASSERT(store_person_set_opted_out(s, "+84388001122", false) == STORE_OK);
	T_ASSERT(store_person_by_phone(s, "+84388001122", &got) == STORE_OK);
	T_ASSERT(!got.opted_out);
	T_ASSERT(store_person_count(s, &n) == STORE_OK && n == 2);
	T_ASSERT(store_person_by_phone(s, "+84900000000", &got) == STORE_NONE);
	store_close(s);
}

/* ---- inbox ---- */

static void
inbox_dedup(void)
{
	struct store *s = open_db("i.db");
	struct inbox_msg m;
	char reply[64] = "untouched";
	int coding = 42;
	long long n;

	memset(&m, 0, sizeof m);
	strcpy(m.kannel_id, "k-1");
	strcpy(m.phone, "+84912345678");
	strcpy(m.to, "8055");
	m.raw = "\x00\x44\x00\x4b";	/* UTF-16BE "DK" */
	m.raw_len = 4;
	m.text = "DK";
	m.coding = 2;
	strcpy(m.smsc, "fake");
	m.action = "REGISTER";
	m.reply = "Đã đăng ký: Hoàng Văn Châu";
	m.reply_coding = 2;
	T_ASSERT(store_inbox_reply(s, "k-1", "+84912345678", reply, sizeof reply, &coding, NULL) == STORE_NONE);
	T_STREQ(reply, "untouched");
	T_ASSERT(coding == 42);
	T_ASSERT(store_inbox_add(s, &m) == STORE_OK);

	m.reply = "a different reply";
	m.reply_coding = 0;
	T_ASSERT(store_inbox_add(s, &m) == STORE_ERR);
	T_ASSERTF(strstr(store_errmsg(s), "UNIQUE") != NULL, "%s", store_errmsg(s));
	T_ASSERT(store_inbox_reply(s, "k-1", "+84912345678", reply, sizeof reply, &coding, NULL) == STORE_OK);
	T_STREQ(reply, "Đã đăng ký: Hoàng Văn Châu");
	T_ASSERT(coding == 2);
	/* the same id from another phone is not this phone's message */
	T_ASSERT(store_inbox_reply(s, "k-1", "+84987654321", reply, sizeof reply, &coding, NULL) == STORE_NONE);
	T_ASSERT(store_inbox_count(s, &n) == STORE_OK && n == 1);
	T_ASSERT(fx_query_int(s, "SELECT length(raw) FROM inbox") == 4);

	/* cut at replylen-1, never inside a character ("Đ" is 2 bytes) */
	T_ASSERT(store_inbox_reply(s, "k-1", "+84912345678", reply, 3, &coding, NULL) == STORE_OK);
	T_STREQ(reply, "Đ");
	T_ASSERT(store_inbox_reply(s, "k-1", "+84912345678", reply, 2, &coding, NULL) == STORE_OK);
	T_STREQ(reply, "");
	store_close(s);
}

/* SQL-looking and HTML text goes in and comes out byte for byte. */
static void
text_verbatim(void)
{
	static const char evil[] = "Robert'); DROP TABLE people;-- <script>alert(\"x\")"
	    "</script> &amp; %s %n \\ ? ?1 :a";
	struct store *s = open_db("t.db");
	struct person p, got;
	struct inbox_msg m;
	struct outbox_msg out[1];
	char reply[256];
	int n, coding;
	bool ch;

	add_village(s, "LD02", "Lăng Đồn", "Chi Lăng");
	memset(&p, 0, sizeof p);
	strcpy(p.phone, "+84912345678");
	snprintf(p.name, sizeof p.name, "%s", evil);
	strcpy(p.village_code, "LD02");
	T_ASSERT(store_person_upsert(s, &p, &ch) == STORE_OK);
	T_ASSERT(store_person_by_phone(s, "+84912345678", &got) == STORE_OK);
	T_STREQ(got.name, evil);
	T_STREQ(got.role, "household");	/* "" means the default */

	memset(&m, 0, sizeof m);
	snprintf(m.kannel_id, sizeof m.kannel_id, "' OR 1=1 --");
	strcpy(m.phone, "+84912345678");
	m.text = evil;
	m.reply = evil;
	T_ASSERT(store_inbox_add(s, &m) == STORE_OK);
	T_ASSERT(store_inbox_reply(s, "' OR 1=1 --", "+84912345678", reply, sizeof reply, &coding, NULL) == STORE_OK);
	T_STREQ(reply, evil);
	T_ASSERT(store_inbox_reply(s, "k-1", "+84912345678", reply, sizeof reply, &coding, NULL) == STORE_NONE);

	add_out(s, "+84912345678", evil, OUTBOX_PRIO_NOTIFY, 0);
	T_ASSERT(store_outbox_claim(s, time(NULL), 1, out, &n) == STORE_OK && n == 1);
	T_STREQ(out[0].text, evil);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM people") == 1);
	store_close(s);
}

/* ---- outbox ---- */

static void
outbox_claim_order(void)
{
	struct store *s = open_db("o.db");
	struct outbox_msg out[10];
	long long now, ids[5];
	int n = -1;

	ids[0] = add_out(s, "+84912000001", "broadcast 1", OUTBOX_PRIO_BROADCAST, 0);
	ids[1] = add_out(s, "+84912000002", "notify 1", OUTBOX_PRIO_NOTIFY, 0);
	ids[2] = add_out(s, "+84912000003", "alert", OUTBOX_PRIO_ALERT, 0);
	ids[3] = add_out(s, "+84912000004", "notify 2", OUTBOX_PRIO_NOTIFY, 0);
	ids[4] = add_out(s, "+84912000005", "broadcast 2", OUTBOX_PRIO_BROADCAST, 0);
	/* read after the adds: each is due from the second it was added, and a
	 * clock read before could be a second early (failed once under load) */
	now = time(NULL);

	T_ASSERT(store_outbox_claim(s, now, 3, out, &n) == STORE_OK);
	T_ASSERT(n == 3);
	T_ASSERT(out[0].id == ids[1] && out[1].id == ids[3] && out[2].id == ids[2]);
	T_STREQ(out[0].text, "notify 1");
	T_STREQ(out[0].phone, "+84912000002");
	T_ASSERT(out[0].attempts == 0 && out[0].priority == OUTBOX_PRIO_NOTIFY);
	/* claimed rows are not claimed again */
	T_ASSERT(store_outbox_claim(s, now, 10, out, &n) == STORE_OK);
	T_ASSERT(n == 2 && out[0].id == ids[0] && out[1].id == ids[4]);
	T_ASSERT(store_outbox_claim(s, now, 10, out, &n) == STORE_OK && n == 0);
	T_ASSERT(store_outbox_claim(s, now, 0, out, &n) == STORE_OK && n == 0);
	store_close(s);
}

static void
outbox_due_times(void)
{
	struct store *s = open_db("d.db");
	struct outbox_msg out[4];
	long long now = time(NULL), when = 0, a;
	int n;

	T_ASSERT(store_outbox_next_due(s, &when) == STORE_NONE && when == 0);
	a = add_out(s, "+84912000001", "later", OUTBOX_PRIO_NOTIFY, now + 100);
	add_out(s, "+84912000002", "much later", OUTBOX_PRIO_NOTIFY, now + 500);
	T_ASSERT(store_outbox_next_due(s, &when) == STORE_OK && when == now + 100);
	T_ASSERT(store_outbox_claim(s, now, 4, out, &n) == STORE_OK && n == 0);
	T_ASSERT(store_outbox_claim(s, now + 100, 4, out, &n) == STORE_OK && n == 1);
	T_ASSERT(out[0].id == a);
	T_ASSERT(store_outbox_next_due(s, &when) == STORE_OK && when == now + 500);

	/* broadcast_id and coding round-trip */
	struct outbox_new m;
	memset(&m, 0, sizeof m);
	strcpy(m.phone, "+84912000003");
	m.text = "Họp thôn 8h";
	m.coding = 2;
	m.priority = OUTBOX_PRIO_BROADCAST;
	m.broadcast_id = 77;
	T_ASSERT(store_outbox_add(s, &m, NULL) == STORE_OK);
	/* due from the second it was added, which may be after now */
	T_ASSERT(store_outbox_claim(s, time(NULL), 4, out, &n) == STORE_OK && n == 1);
	T_ASSERT(out[0].broadcast_id == 77 && out[0].coding == 2);

	/* too long for OUTBOX_TEXT_MAX is refused, not cut */
	static char big[OUTBOX_TEXT_MAX + 1];
	memset(big, 'a', OUTBOX_TEXT_MAX);
	m.text = big;
	T_ASSERT(store_outbox_add(s, &m, NULL) == STORE_ERR);
	store_close(s);
}

static void
outbox_lifecycle(void)
{
	struct store *s = open_db("l.db");
	struct outbox_msg out[4];
	struct outbox_counts c;
	long long now, a, b, d;
	int n;

	a = add_out(s, "+84912000001", "a", OUTBOX_PRIO_NOTIFY, 0);
	b = add_out(s, "+84912000002", "b", OUTBOX_PRIO_NOTIFY, 0);
	d = add_out(s, "+84912000003", "c", OUTBOX_PRIO_NOTIFY, 0);
	/* read after the adds: a second may tick between them, and a row is
	 * due from the second it was added */
	now = time(NULL);
	T_ASSERT(store_outbox_claim(s, now, 4, out, &n) == STORE_OK && n == 3);
	T_ASSERT(store_outbox_counts(s, &c) == STORE_OK);
	T_ASSERT(c.queued == 0 && c.sending == 3);

	T_ASSERT(store_outbox_accepted(s, a, "0: Accepted for delivery") == STORE_OK);
	T_ASSERT(store_outbox_failed(s, b, "403 Forbidden") == STORE_OK);
	T_ASSERT(store_outbox_retry(s, d, now + 30, "connection refused") == STORE_OK);
	T_ASSERT(store_outbox_accepted(s, 9999, "x") == STORE_NONE);
	T_ASSERT(store_outbox_failed(s, 9999, "x") == STORE_NONE);
	T_ASSERT(store_outbox_retry(s, 9999, now, "x") == STORE_NONE);
	T_ASSERT(store_outbox_counts(s, &c) == STORE_OK);
	T_ASSERT(c.queued == 1 && c.sending == 0 && c.accepted == 1 && c.failed == 1);

	T_ASSERT(store_outbox_claim(s, now + 29, 4, out, &n) == STORE_OK && n == 0);
	T_ASSERT(store_outbox_claim(s, now + 30, 4, out, &n) == STORE_OK && n == 1);
	T_ASSERT(out[0].id == d && out[0].attempts == 1);
	T_ASSERT(store_outbox_retry(s, d, now + 60, "HTTP 503") == STORE_OK);
	T_ASSERT(store_outbox_claim(s, now + 60, 4, out, &n) == STORE_OK && n == 1);
	T_ASSERT(out[0].attempts == 2);
	T_ASSERT(store_outbox_accepted(s, d, "3: Queued for later delivery") == STORE_OK);
	T_ASSERT(fx_query_int(s, "SELECT attempts FROM outbox WHERE id = 3") == 3);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM outbox WHERE answer = '403 Forbidden'"
	    " AND status = 'failed'") == 1);
	store_close(s);
}

static void
outbox_requeue_sending(void)
{
	struct store *s = open_db("r.db");
	struct outbox_msg out[4];
	long long now = time(NULL);
	int n, k = -1;

	add_out(s, "+84912000001", "a", OUTBOX_PRIO_NOTIFY, 0);
	add_out(s, "+84912000002", "b", OUTBOX_PRIO_NOTIFY, 0);
	add_out(s, "+84912000003", "c", OUTBOX_PRIO_NOTIFY, now + 1000);
	now = time(NULL);	/* the adds may have crossed a second */
	T_ASSERT(store_outbox_claim(s, now, 4, out, &n) == STORE_OK && n == 2);
	store_close(s);

	/* as after a kill -9: the rows are still 'sending' on disk */
	s = open_db("r.db");
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM outbox WHERE status = 'sending'") == 2);
	T_ASSERT(store_outbox_requeue_sending(s, &k) == STORE_OK && k == 2);
	T_ASSERT(store_outbox_claim(s, time(NULL), 4, out, &n) == STORE_OK && n == 2);
	T_ASSERT(out[0].attempts == 0);
	T_ASSERT(store_outbox_requeue_sending(s, &k) == STORE_OK && k == 2);
	T_ASSERT(store_outbox_requeue_sending(s, &k) == STORE_OK && k == 0);
	store_close(s);
}

/* a row whose answer could not be recorded goes back to the queue after
 * its lease, and only then */
static void
outbox_requeue_stale(void)
{
	struct store *s = open_db("stale.db");
	struct outbox_msg out[4];
	long long now;
	int n, k = -1;

	add_out(s, "+84912000001", "a", OUTBOX_PRIO_NOTIFY, 0);
	add_out(s, "+84912000002", "b", OUTBOX_PRIO_NOTIFY, 0);
	now = time(NULL);	/* after the adds: they may have crossed a second */
	T_ASSERT(store_outbox_claim(s, now, 1, out, &n) == STORE_OK && n == 1);
	T_ASSERT(store_outbox_claim(s, now + 100, 1, out, &n) == STORE_OK && n == 1);
	T_ASSERT(store_outbox_requeue_stale(s, now + 119, 120, &k) == STORE_OK && k == 0);
	T_ASSERT(store_outbox_requeue_stale(s, now + 121, 120, &k) == STORE_OK && k == 1);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM outbox WHERE status = 'sending'") == 1);
	T_ASSERT(store_outbox_claim(s, now + 121, 4, out, &n) == STORE_OK && n == 1);
	T_STREQ(out[0].phone, "+84912000001");
	store_close(s);
}

static void
outbox_dlr(void)
{
	struct store *s = open_db("dlr.db");
	struct outbox_counts c;
	long long a, b, d;

	a = add_out(s, "+84912000001", "a", OUTBOX_PRIO_NOTIFY, 0);
	b = add_out(s, "+84912000002", "b", OUTBOX_PRIO_NOTIFY, 0);
	d = add_out(s, "+84912000003", "c", OUTBOX_PRIO_NOTIFY, 0);
	T_ASSERT(store_outbox_dlr(s, 4242, 1, "id:1 stat:DELIVRD", "x") == STORE_NONE);

	T_ASSERT(store_outbox_dlr(s, a, 8, "ACK", "smsc-1") == STORE_OK);
	T_ASSERT(store_outbox_dlr(s, a, 1, "id:1 stat:DELIVRD", NULL) == STORE_OK);
	T_ASSERT(fx_query_int(s, "SELECT dlr_type FROM outbox WHERE id = 1") == 1);
	T_ASSERT(fx_query_int(s, "SELECT dlr_smscid = 'smsc-1' FROM outbox WHERE id = 1") == 1);

	/* a late intermediate report does not undo a final one */
	T_ASSERT(store_outbox_dlr(s, b, 2, "stat:UNDELIV", "smsc-2") == STORE_OK);
	T_ASSERT(store_outbox_dlr(s, b, 4, "buffered", "smsc-2") == STORE_OK);
	T_ASSERT(fx_query_int(s, "SELECT dlr_type FROM outbox WHERE id = 2") == 2);
	T_ASSERT(fx_query_int(s, "SELECT dlr_reply = 'stat:UNDELIV' FROM outbox WHERE id = 2") == 1);
	T_ASSERT(store_outbox_dlr(s, d, 16, "rejected", "") == STORE_OK);

	T_ASSERT(store_outbox_counts(s, &c) == STORE_OK);
	T_ASSERT(c.delivered == 1 && c.undelivered == 2 && c.queued == 3);
	store_close(s);
}

/* ---- fault injection ---- */

struct fault_op {
	const char *name;
	int (*fn)(struct store *);
};

static int
op_village_new(struct store *s)
{
	struct village v = {0, "CL01", "Quán Thanh", "Xã Mới", ""};
	bool ch;

	return store_village_upsert(s, &v, &ch);
}

static int
op_village_change(struct store *s)
{
	struct village v = {0, "LD02", "Lăng Đồn mới", "Chi Lăng", "Chi Lăng"};
	bool ch;

	return store_village_upsert(s, &v, &ch);
}

static int
op_person_new(struct store *s)
{
	struct person p = {0, "+84912000009", "Vi Thị Lan", "LD02", "household", false};
	bool ch;

	return store_person_upsert(s, &p, &ch);
}

static int
op_person_change(struct store *s)
{
	struct person p = {0, "+84912345678", "Hoàng Văn Châu", "LD02", "official", false};
	bool ch;

	return store_person_upsert(s, &p, &ch);
}

static int
op_opt_out(struct store *s)
{
	return store_person_set_opted_out(s, "+84912345678", true);
}

static int
op_inbox(struct store *s)
{
	struct inbox_msg m;

	memset(&m, 0, sizeof m);
	strcpy(m.kannel_id, "k-2");
	strcpy(m.phone, "+84912345678");
	m.text = m.reply = "x";
	return store_inbox_add(s, &m);
}

static int
op_outbox_add(struct store *s)
{
	struct outbox_new m = {"+84912000001", "x", 0, 0, 0, 0};

	return store_outbox_add(s, &m, NULL);
}

static int
op_claim(struct store *s)
{
	struct outbox_msg out[3];
	int n = -7;
	int rc = store_outbox_claim(s, time(NULL), 3, out, &n);

	T_ASSERT(rc == STORE_OK ? n == 2 : n == -7);
	return rc;
}

static int
op_accepted(struct store *s)
{
	return store_outbox_accepted(s, 1, "0: Accepted");
}

static int
op_dlr(struct store *s)
{
	return store_outbox_dlr(s, 1, 1, "DELIVRD", "smsc");
}

static int
op_requeue(struct store *s)
{
	int n;

	return store_outbox_requeue_sending(s, &n);
}

/* a caller's transaction: the whole of it goes, or none */
static int
op_tx(struct store *s)
{
	if (store_begin(s) != STORE_OK)
		return STORE_ERR;
	if (op_village_new(s) != STORE_OK || op_person_new(s) != STORE_OK ||
	    op_inbox(s) != STORE_OK || op_claim(s) != STORE_OK) {
		store_rollback(s);
		return STORE_ERR;
	}
	return store_commit(s);
}

static void
seed(struct store *s)
{
	struct person p = {0, "+84912345678", "Hoàng Văn Châu", "LD02", "head", false};
	struct outbox_msg out[1];
	int n;
	bool ch;

	add_village(s, "LD02", "Lăng Đồn", "Chi Lăng");
	T_ASSERT(store_person_upsert(s, &p, &ch) == STORE_OK);
	add_out(s, "+84912345678", "claimed", OUTBOX_PRIO_NOTIFY, 0);
	T_ASSERT(store_outbox_claim(s, time(NULL), 1, out, &n) == STORE_OK && n == 1);
	add_out(s, "+84912000001", "queued 1", OUTBOX_PRIO_NOTIFY, 0);
	add_out(s, "+84912000002", "queued 2", OUTBOX_PRIO_BROADCAST, 0);
}

/*
 * For every operation, fail its 1st, 2nd, ... step (only that one, then
 * that one and every later one, as SQLite's FAULTSIM does) until the
 * operation gets through: each failure must return STORE_ERR, leave every
 * table as it was, and leave the connection out of any transaction.
 */
static void
step_faults(void)
{
	static const struct fault_op ops[] = {
		{"village_new", op_village_new}, {"village_change", op_village_change},
		{"person_new", op_person_new}, {"person_change", op_person_change},
		{"opt_out", op_opt_out}, {"inbox", op_inbox},
		{"outbox_add", op_outbox_add}, {"claim", op_claim},
		{"accepted", op_accepted}, {"dlr", op_dlr}, {"requeue", op_requeue},
		{"tx", op_tx},
	};
	static const int codes[] = {SQLITE_BUSY, SQLITE_FULL};
	static char before[16384], after[16384];

	for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
	for (int persistent = 0; persistent < 2; persistent++)
	for (size_t c = 0; c < 2; c++) {
		struct store *s = open_db(":memory:");
		unsigned long k;

		seed(s);
		dump(s, before, sizeof before);
		fail_code = codes[c];
		store_step_hook = hook;
		for (k = 1; k < 100; k++) {
			fail_at = s->nsteps + k;
			fail_until = persistent ? (unsigned long)-1 : fail_at;
			int rc = ops[o].fn(s);
			store_step_hook = NULL;
			if (rc == STORE_OK)
				break;
			T_ASSERTF(rc == STORE_ERR, "%s step %lu: rc %d", ops[o].name, k, rc);
			T_ASSERTF(sqlite3_get_autocommit(s->db), "%s step %lu: left in a "
			    "transaction", ops[o].name, k);
			dump(s, after, sizeof after);
			T_ASSERTF(strcmp(before, after) == 0, "%s step %lu (%s): data "
			    "changed:\n%s\n---\n%s", ops[o].name, k, store_errmsg(s),
			    before, after);
			T_ASSERTF(strstr(store_errmsg(s), "injected") != NULL, "%s: %s",
			    ops[o].name, store_errmsg(s));
			store_step_hook = hook;
		}
		T_ASSERTF(k > 1 && k < 100, "%s: k=%lu", ops[o].name, k);
		dump(s, after, sizeof after);
		T_ASSERTF(strcmp(before, after) != 0, "%s changed nothing", ops[o].name);
		store_close(s);
	}
}

/* Inside a caller's transaction a failed call undoes only itself. */
static void
savepoint_keeps_earlier_work(void)
{
	struct store *s = open_db("sp.db");
	struct village v;

	T_ASSERT(store_begin(s) == STORE_OK);
	add_village(s, "LD02", "Lăng Đồn", "Chi Lăng");
	fail_code = SQLITE_FULL;
	fail_at = s->nsteps + 3;	/* savepoint, lookup, then the commune */
	fail_until = fail_at;
	store_step_hook = hook;
	T_ASSERT(op_village_new(s) == STORE_ERR);
	store_step_hook = NULL;
	T_ASSERT(!sqlite3_get_autocommit(s->db));
	T_ASSERT(store_commit(s) == STORE_OK);
	T_ASSERT(store_village_by_code(s, "LD02", &v) == STORE_OK);
	T_ASSERT(store_village_by_code(s, "CL01", &v) == STORE_NONE);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM communes") == 1);

	T_ASSERT(store_begin(s) == STORE_OK);
	T_ASSERT(op_village_new(s) == STORE_OK);
	T_ASSERT(store_check_writable(s) == STORE_OK);
	T_ASSERT(store_rollback(s) == STORE_OK);
	T_ASSERT(store_village_by_code(s, "CL01", &v) == STORE_NONE);
	store_close(s);
}

/* ---- two connections ---- */

struct claimer {
	const char *path;
	int n;
	long long ids[600];
};

static void *
claim_all(void *arg)
{
	struct claimer *c = arg;
	char err[256];
	struct store *s = store_open(c->path, err, sizeof err);
	struct outbox_msg out[7];
	int n;

	if (s == NULL)
		return NULL;
	do {
		if (store_outbox_claim(s, time(NULL), 7, out, &n) != STORE_OK)
			break;
		for (int i = 0; i < n && c->n < 600; i++)
			c->ids[c->n++] = out[i].id;
	} while (n > 0);
	store_close(s);
	return NULL;
}

static void
claims_are_atomic(void)
{
	static struct claimer cl[3];
	char path[512];
	static char seen[501];
	struct store *s = open_db("c.db");
	pthread_t th[3];
	int total = 0;

	T_ASSERT(store_begin(s) == STORE_OK);
	for (int i = 0; i < 500; i++)
		add_out(s, "+84912000001", "x", i % 3 * 5, 0);
	T_ASSERT(store_commit(s) == STORE_OK);
	snprintf(path, sizeof path, "%s/c.db", t_tmpdir());
	for (int i = 0; i < 3; i++) {
		cl[i].path = path;
		T_ASSERT(pthread_create(&th[i], NULL, claim_all, &cl[i]) == 0);
	}
	/* meanwhile this connection writes, as the HTTP thread does */
	for (int i = 0; i < 50; i++) {
		struct inbox_msg m;

		memset(&m, 0, sizeof m);
		snprintf(m.kannel_id, sizeof m.kannel_id, "k-%d", i);
		strcpy(m.phone, "+84912345678");
		m.text = "x";
		T_ASSERTF(store_inbox_add(s, &m) == STORE_OK, "%s", store_errmsg(s));
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		for (int j = 0; j < cl[i].n; j++) {
			long long id = cl[i].ids[j];

			T_ASSERT(id >= 1 && id <= 500);
			T_ASSERTF(!seen[id], "id %lld claimed twice", id);
			seen[id] = 1;
			total++;
		}
	}
	T_ASSERT(total == 500);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM outbox WHERE status = 'sending'") == 500);
	store_close(s);
}

/* issue 9 (DK OK, HUY DK): one pending change per person, a newer one
 * replaces it, HUY DK drops it with the village and the follows */
static void
pending_registration_and_unregister(void)
{
	struct store *s = open_db("pending.db");
	struct pending_reg pr = {.village_code = "cl01", .name = "Bế Văn Lâm", .created_at = 100}, got;
	struct person p = {.phone = "+84912000001", .name = "Be Van Lam", .village_code = "LD02"};
	bool ch, changed;

	add_village(s, "LD02", "Lăng Đồn", "Chi Lăng");
	add_village(s, "CL01", "Quán Thanh", "Chi Lăng");
	T_ASSERT(store_pending_reg_set(s, p.phone, &pr) == STORE_ERR);	/* no such person */
	T_ASSERT(store_person_upsert(s, &p, &ch) == STORE_OK);
	T_ASSERT(store_pending_reg_get(s, p.phone, &got) == STORE_NONE);
	T_ASSERT(store_pending_reg_set(s, p.phone, &pr) == STORE_OK);
	snprintf(pr.name, sizeof pr.name, "%s", "Bế Văn Lắm");
	pr.created_at = 200;
	T_ASSERT(store_pending_reg_set(s, p.phone, &pr) == STORE_OK);
	T_ASSERT(store_pending_reg_get(s, p.phone, &got) == STORE_OK);
	T_STREQ(got.village_code, "CL01");
	T_STREQ(got.name, "Bế Văn Lắm");
	T_ASSERT(got.created_at == 200);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM pending_registrations") == 1);
	snprintf(pr.village_code, sizeof pr.village_code, "%s", "XX99");	/* unknown village */
	T_ASSERT(store_pending_reg_set(s, p.phone, &pr) == STORE_ERR);
	T_ASSERT(store_follow_set(s, p.phone, "na", true, 1, &changed) == STORE_OK);
	T_ASSERT(store_person_unregister(s, p.phone, 300) == STORE_OK);
	T_ASSERT(store_person_by_phone(s, p.phone, &p) == STORE_OK);
	T_STREQ(p.village_code, "");
	T_ASSERT(store_pending_reg_get(s, p.phone, &got) == STORE_NONE);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM follows") == 0);
	T_ASSERT(store_person_unregister(s, "+84999999999", 300) == STORE_NONE);
	store_close(s);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"opens_memory_and_file", opens_memory_and_file},
		{"schema_names", schema_names},
		{"migrates_from_every_version", migrates_from_every_version},
		{"pending_registration_and_unregister", pending_registration_and_unregister},
		{"refuses_newer_schema_and_garbage", refuses_newer_schema_and_garbage},
		{"migration_is_one_transaction", migration_is_one_transaction},
		{"villages_upsert", villages_upsert},
		{"people_upsert", people_upsert},
		{"inbox_dedup", inbox_dedup},
		{"text_verbatim", text_verbatim},
		{"outbox_claim_order", outbox_claim_order},
		{"outbox_due_times", outbox_due_times},
		{"outbox_lifecycle", outbox_lifecycle},
		{"outbox_requeue_sending", outbox_requeue_sending},
		{"outbox_requeue_stale", outbox_requeue_stale},
		{"outbox_dlr", outbox_dlr},
		{"step_faults", step_faults},
		{"savepoint_keeps_earlier_work", savepoint_keeps_earlier_work},
		{"claims_are_atomic", claims_are_atomic},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
