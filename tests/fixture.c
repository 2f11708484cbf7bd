/*
 * fixture.c - see fixture.h.
 */
#include "tests/fixture.h"
#include "tests/t.h"
#include "storage/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct fx FX;

static long long
fx_clock(void)
{
	return FX.now;
}

void
fx_open(struct actions_conf *ac)
{
	static int dbs;
	char err[256], path[512];

	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	snprintf(path, sizeof path, "%s/langso%d.db", t_tmpdir(), ++dbs);
	FX.s = store_open(path, err, sizeof err);
	T_ASSERTF(FX.s != NULL, "%s", err);
	FX.p = parser_new("conf/lexicon.conf", err, sizeof err);
	T_ASSERTF(FX.p != NULL, "%s", err);
	FX.menus = menu_load("conf/menus.conf", err, sizeof err);
	T_ASSERTF(FX.menus != NULL, "%s", err);
	ac->menus = FX.menus;
	FX.a = actions_new(FX.s, FX.p, ac);
	if (FX.now == 0)
		FX.now = (long long)time(NULL);
	actions_set_clock(FX.a, fx_clock);
}

void
fx_close(void)
{
	actions_free(FX.a);
	menu_free(FX.menus);
	parser_free(FX.p);
	store_close(FX.s);
	FX.a = NULL;
	FX.menus = NULL;
	FX.p = NULL;
	FX.s = NULL;
}

long long
fx_local(int year, int month, int day, int hh, int mm)
{
	struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
	    .tm_hour = hh, .tm_min = mm, .tm_isdst = -1};

	return (long long)mktime(&tm);
}

void
fx_village(const char *code, const char *name, const char *commune)
{
	struct village v = {0};
	bool changed;

	snprintf(v.code, sizeof v.code, "%s", code);
	snprintf(v.name, sizeof v.name, "%s", name);
	snprintf(v.commune, sizeof v.commune, "%s", commune);
	T_ASSERT(store_village_upsert(FX.s, &v, &changed) == STORE_OK);
}

void
fx_person(const char *phone, const char *name, const char *code, const char *role)
{
	struct person p = {0};
	bool changed;

	snprintf(p.phone, sizeof p.phone, "%s", phone);
	snprintf(p.name, sizeof p.name, "%s", name);
	snprintf(p.village_code, sizeof p.village_code, "%s", code);
	snprintf(p.role, sizeof p.role, "%s", role);
	T_ASSERT(store_person_upsert(FX.s, &p, &changed) == STORE_OK);
}

const struct act_reply *
fx_mo(struct mo *m)
{
	static struct act_reply r;
	static char id[32];

	if (m->kannel_id == NULL) {
		snprintf(id, sizeof id, "fx%d", ++FX.msg_no);
		m->kannel_id = id;
	}
	if (m->raw == NULL) {
		m->raw = m->text;
		m->raw_len = m->text_len;
	}
	T_ASSERTF(actions_handle_mo(FX.a, m, &r) == 0, "%s: %s", m->text, store_errmsg(FX.s));
	return &r;
}

const char *
fx_sms(const char *phone, const char *text)
{
	struct mo m = {.phone = phone, .to = "8055", .text = text, .text_len = strlen(text),
	    .smsc = "test"};

	return fx_mo(&m)->text;
}

long long
fx_query_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	T_ASSERTF(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK, "%s", sql);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
