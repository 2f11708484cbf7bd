/*
 * CSV import of villages and people: the accepted CSV dialect (BOM, CRLF,
 * quotes, blank lines), all-or-nothing with "CSV:LINE: reason" for every bad
 * row, idempotent re-import, and the demo files under conf/demo/.
 */
#include "tests/t.h"
#include "common/common.h"
#include "tests/fixture.h"

#include <sqlite3.h>

#include "actions/actions.h"
#include "storage/store.h"
#include "storage/store_int.h"

static char path_buf[512];

/* csv writes content to NAME in the case's temporary directory and returns
 * its path (valid until the next call). */
static const char *
csv(const char *name, const char *content)
{
	FILE *f;

	snprintf(path_buf, sizeof path_buf, "%s/%s", t_tmpdir(), name);
	f = fopen(path_buf, "wb");
	T_ASSERT(f != NULL);
	fputs(content, f);
	fclose(f);
	return path_buf;
}

static struct store *
open_db(void)
{
	char path[512], err[256];
	struct store *s;

	snprintf(path, sizeof path, "%s/import.db", t_tmpdir());
	s = store_open(path, err, sizeof err);
	T_ASSERTF(s != NULL, "%s", err);
	return s;
}

/* expect_errs checks the exact error text, with the path put in for %s. */
static void
expect_errs(const char *errs, const char *path, const char *fmt)
{
	char want[2048], tmp[2048];
	const char *p = fmt;
	size_t used = 0;

	/* every %s in fmt is the path */
	want[0] = '\0';
	while (*p != '\0') {
		const char *q = strstr(p, "%s");
		size_t n = q ? (size_t)(q - p) : strlen(p);

		T_ASSERT(used + n + strlen(path) + 1 < sizeof want);
		memcpy(want + used, p, n);
		used += n;
		want[used] = '\0';
		if (q == NULL)
			break;
		snprintf(tmp, sizeof tmp, "%s", path);
		memcpy(want + used, tmp, strlen(tmp) + 1);
		used += strlen(tmp);
		p = q + 2;
	}
	T_STREQ(errs, want);
}

static const char villages[] =
    "code,name,commune,old_district\n"
    "LD02,Lăng Đồn,Chi Lăng,Chi Lăng\n"
    "CL01,Quán Thanh,Chi Lăng,Chi Lăng\n"
    "vq01,Yên Phúc,Văn Quan,\n";

static void
villages_good(void)
{
	struct store *s = open_db();
	struct village v;
	char errs[1024] = "x";
	int changed = -1;
	long long n;

	T_ASSERT(actions_import_villages(s, csv("v.csv", villages), errs,
	    sizeof errs, &changed) == 0);
	T_STREQ(errs, "");
	T_ASSERT(changed == 3);
	T_ASSERT(store_village_count(s, &n) == STORE_OK && n == 3);
	T_ASSERT(store_village_by_code(s, "VQ01", &v) == STORE_OK);
	T_STREQ(v.code, "VQ01");
	T_STREQ(v.name, "Yên Phúc");
	T_STREQ(v.commune, "Văn Quan");
	T_STREQ(v.old_district, "");
	T_ASSERT(store_village_by_code(s, "LD02", &v) == STORE_OK);
	T_STREQ(v.old_district, "Chi Lăng");
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM communes") == 2);

	/* the old_district column is optional */
	T_ASSERT(actions_import_villages(s, csv("v3.csv",
	    "code,name,commune\nLB01,Vân Mộng,Lộc Bình\n"), errs, sizeof errs,
	    &changed) == 0);
	T_ASSERT(changed == 1);
	store_close(s);
}

static void
bom_crlf_quotes_blanks(void)
{
	struct store *s = open_db();
	struct village v;
	char errs[1024];
	int changed = 0;

	T_ASSERT(actions_import_villages(s, csv("q.csv",
	    "\xEF\xBB\xBF" "code,name,commune,old_district\r\n"
	    "\r\n"
	    "LD02,\"Lăng Đồn, thôn \"\"cũ\"\"\",  Chi Lăng  ,\"Chi Lăng\"\r\n"
	    "   \r\n"
	    "CL01 , \"Quán Thanh\" ,Chi Lăng,\r\n"
	    "\n"
	    "CL02,Lũng Cút,Chi Lăng,Chi Lăng"), errs, sizeof errs, &changed) == 0);
	T_STREQ(errs, "");
	T_ASSERT(changed == 3);
	T_ASSERT(store_village_by_code(s, "LD02", &v) == STORE_OK);
	T_STREQ(v.name, "Lăng Đồn, thôn \"cũ\"");
	T_STREQ(v.commune, "Chi Lăng");
	T_STREQ(v.old_district, "Chi Lăng");
	T_ASSERT(store_village_by_code(s, "CL01", &v) == STORE_OK);
	T_STREQ(v.name, "Quán Thanh");
	T_STREQ(v.old_district, "");
	T_ASSERT(store_village_by_code(s, "CL02", &v) == STORE_OK);
	store_close(s);
}

/* One bad row among good ones: nothing applied, the line is the file's
 * physical line (blank lines and multi-line quoted fields counted). */
static void
bad_row_applies_nothing(void)
{
	struct store *s = open_db();
	char errs[1024];
	int changed = 99;
	long long n;
	const char *p = csv("bad.csv",
	    "code,name,commune\n"
	    "LD02,Lăng Đồn,Chi Lăng\n"
	    "\n"
	    "CL001X,Quán Thanh,Chi Lăng\n"
	    "CL02,Lũng Cút,Chi Lăng\n");

	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, p, "%s:4: bad village code \"CL001X\" (1-4 letters and "
	    "1-3 digits, like LD02)\n");
	T_ASSERT(changed == 99);
	T_ASSERT(store_village_count(s, &n) == STORE_OK && n == 0);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM communes") == 0);
	store_close(s);
}

static void
every_bad_row_reported(void)
{
	struct store *s = open_db();
	char errs[2048];
	int changed = 0;
	const char *p = csv("many.csv",
	    "code,name,commune\n"
	    "LD02,Lăng Đồn,Chi Lăng\n"			/* 2 */
	    "12AB,x,y\n"				/* 3 */
	    "CL01,,Chi Lăng\n"				/* 4 */
	    "CL02,\"Lũng\nCút\",Chi Lăng\n"		/* 5-6 */
	    "CL03,Lũng Thần\n"				/* 7 */
	    "ld02,Lăng Đồn 2,Chi Lăng\n"		/* 8 */
	    "CL04,\"Đồng Bành\"x,Chi Lăng\n"		/* 9 */
	    "CL05,Tằm Viền,\xC3\n"			/* 10 */
	    "CL06,\"Phố Sặt,Chi Lăng\n");		/* 11: never closed */

	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, p,
	    "%s:3: bad village code \"12AB\" (1-4 letters and 1-3 digits, like LD02)\n"
	    "%s:4: name is empty\n"
	    "%s:5: name contains a line break or control character\n"
	    "%s:7: 2 fields, the header has 3\n"
	    "%s:8: duplicate code LD02 (first on line 2)\n"
	    "%s:9: text after a closing quote\n"
	    "%s:10: commune is not valid UTF-8\n"
	    "%s:11: quoted field not closed\n");
	store_close(s);
}

static void
headers(void)
{
	static const char *const bad[] = {
		"name,code,commune\nLD02,Lăng Đồn,Chi Lăng\n",
		"code,name\nLD02,Lăng Đồn\n",
		"code,name,commune,old_district,notes\nLD02,Lăng Đồn,Chi Lăng,,\n",
		"LD02,Lăng Đồn,Chi Lăng\n",
	};
	struct store *s = open_db();
	char errs[1024];
	int changed = 0;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *p = csv("h.csv", bad[i]);

		T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
		expect_errs(errs, p, "%s:1: header must be code,name,commune[,old_district]\n");
	}
	const char *p = csv("e.csv", "\xEF\xBB\xBF\r\n\n");
	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, p, "%s:1: empty file: expected a header row\n");

	p = csv("hp.csv", "phone,name,village_code\n0912345678,A,LD02\n");
	T_ASSERT(actions_import_people(s, p, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, p, "%s:1: header must be phone,name,village_code,role\n");

	/* header case and spaces do not matter */
	p = csv("ok.csv", "Code, Name ,COMMUNE\nLD02,Lăng Đồn,Chi Lăng\n");
	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == 0);

	snprintf(path_buf, sizeof path_buf, "%s/missing.csv", t_tmpdir());
	T_ASSERT(actions_import_villages(s, path_buf, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, path_buf, "%s: cannot open: No such file or directory\n");
	store_close(s);
}

static void
reimport_is_idempotent(void)
{
	struct store *s = open_db();
	struct village v;
	char errs[1024];
	int changed = -1;

	T_ASSERT(actions_import_villages(s, csv("v.csv", villages), errs, sizeof errs,
	    &changed) == 0 && changed == 3);
	T_ASSERT(actions_import_villages(s, csv("v.csv", villages), errs, sizeof errs,
	    &changed) == 0);
	T_ASSERT(changed == 0);

	/* one changed row updates that record only */
	T_ASSERT(actions_import_villages(s, csv("v2.csv",
	    "code,name,commune,old_district\n"
	    "LD02,Lăng Đồn,Chi Lăng,Chi Lăng\n"
	    "CL01,Quán Thanh (mới),Chi Lăng,Chi Lăng\n"), errs, sizeof errs,
	    &changed) == 0);
	T_ASSERT(changed == 1);
	T_ASSERT(store_village_by_code(s, "CL01", &v) == STORE_OK);
	T_STREQ(v.name, "Quán Thanh (mới)");

	/* the same name typed with combining marks (NFD) is the same commune */
	T_ASSERT(actions_import_villages(s, csv("nfd.csv",
	    "code,name,commune\nCL09,Nà Vặc,Chi La\xCC\x86ng\n"), errs, sizeof errs,
	    &changed) == 0);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM communes") == 2);
	T_ASSERT(store_village_by_code(s, "CL09", &v) == STORE_OK);
	T_STREQ(v.commune, "Chi Lăng");
	store_close(s);
}

static void
people_forms_and_errors(void)
{
	struct store *s = open_db();
	struct person p;
	char errs[2048];
	int changed = -1;
	long long n;

	T_ASSERT(actions_import_villages(s, csv("v.csv", villages), errs, sizeof errs,
	    &changed) == 0);
	const char *good = csv("p.csv",
	    "phone,name,village_code,role\n"
	    "0912345678,Hoàng Văn Châu,LD02,head\n"
	    "+84983214567,Nông Thị Hoa,ld02,\n"
	    "84975118203,Lường Văn Tâm,CL01,Household\n"
	    "01699881234,Chu Thị Mai,CL01,household\n"
	    "\"0388 402 117\",Vi Thị Lan,VQ01,official\n");
	T_ASSERT(actions_import_people(s, good, errs, sizeof errs, &changed) == 0);
	T_STREQ(errs, "");
	T_ASSERT(changed == 5);
	T_ASSERT(store_person_by_phone(s, "+84912345678", &p) == STORE_OK);
	T_STREQ(p.name, "Hoàng Văn Châu");
	T_STREQ(p.role, "head");
	T_STREQ(p.village_code, "LD02");
	T_ASSERT(store_person_by_phone(s, "+84983214567", &p) == STORE_OK);
	T_STREQ(p.role, "household");
	T_STREQ(p.village_code, "LD02");
	T_ASSERT(store_person_by_phone(s, "+84975118203", &p) == STORE_OK);
	T_STREQ(p.role, "household");
	T_ASSERT(store_person_by_phone(s, "+84399881234", &p) == STORE_OK);
	T_ASSERT(store_person_by_phone(s, "+84388402117", &p) == STORE_OK);
	T_STREQ(p.role, "official");

	/* idempotent, and an opted-out person stays opted out */
	T_ASSERT(store_person_set_opted_out(s, "+84912345678", true) == STORE_OK);
	T_ASSERT(actions_import_people(s, good, errs, sizeof errs, &changed) == 0);
	T_ASSERT(changed == 0);
	T_ASSERT(store_person_by_phone(s, "+84912345678", &p) == STORE_OK && p.opted_out);

	const char *bad = csv("pb.csv",
	    "phone,name,village_code,role\n"
	    "0912345678,Hoàng Văn Châu,CL01,head\n"		/* a change: fine */
	    "12345,Ai Đó,LD02,household\n"
	    "0913529077,Nông Thị Xuân,XX99,household\n"
	    "0913529078,Nông Thị Thu,LD02,chief\n"
	    "84912345678,Hoàng Văn Châu,LD02,head\n"
	    "0913529079,,LD02,\n");
	T_ASSERT(actions_import_people(s, bad, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, bad,
	    "%s:3: bad phone number \"12345\"\n"
	    "%s:4: unknown village XX99\n"
	    "%s:5: bad role \"chief\" (household, head, official or helper)\n"
	    "%s:6: duplicate phone +84912345678 (first on line 2)\n"
	    "%s:7: name is empty\n");
	T_ASSERT(store_person_by_phone(s, "+84912345678", &p) == STORE_OK);
	T_STREQ(p.village_code, "LD02");	/* line 2 was not applied */
	T_ASSERT(store_person_count(s, &n) == STORE_OK && n == 5);

	/* an unknown village alone is reported too (checked in the database) */
	bad = csv("pu.csv", "phone,name,village_code,role\n0913529077,Nông Thị Xuân,LB01,\n");
	T_ASSERT(actions_import_people(s, bad, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, bad, "%s:2: unknown village LB01\n");

	/* a changed row updates the record */
	T_ASSERT(actions_import_people(s, csv("pc.csv",
	    "phone,name,village_code,role\n0912 345 678,Hoàng Văn Châu,CL01,head\n"),
	    errs, sizeof errs, &changed) == 0);
	T_ASSERT(changed == 1);
	T_ASSERT(store_person_by_phone(s, "+84912345678", &p) == STORE_OK);
	T_STREQ(p.village_code, "CL01");
	T_ASSERT(p.opted_out);
	store_close(s);
}

/* A short errs buffer gets whole lines and a count of the rest. */
static void
errors_cut_to_buffer(void)
{
	struct store *s = open_db();
	char big[4096] = "code,name,commune\n", errs[120];
	int changed;

	for (int i = 0; i < 20; i++)
		strcat(big, "bad!,x,y\n");
	const char *p = csv("cut.csv", big);
	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
	T_ASSERT(strlen(errs) < sizeof errs);
	T_ASSERTF(strstr(errs, "more\n") != NULL, "%s", errs);
	T_ASSERT(strncmp(errs, p, strlen(p)) == 0 || strncmp(errs, "...", 3) == 0);
	store_close(s);
}

/* The demo files (conf/demo) load cleanly, and again with no change. */
static void
demo_files(void)
{
	struct store *s = open_db();
	struct person p;
	struct village v;
	char errs[4096];
	int changed = -1;
	long long n;

	T_ASSERT(actions_import_villages(s, "conf/demo/villages.csv", errs,
	    sizeof errs, &changed) == 0 || (fprintf(stderr, "%s", errs), 0));
	T_ASSERT(changed >= 10);
	T_ASSERT(actions_import_people(s, "conf/demo/people.csv", errs,
	    sizeof errs, &changed) == 0 || (fprintf(stderr, "%s", errs), 0));
	T_ASSERT(changed >= 25);
	T_ASSERT(store_village_by_code(s, "LD02", &v) == STORE_OK);
	T_STREQ(v.name, "Lăng Đồn");
	T_STREQ(v.commune, "Chi Lăng");
	T_ASSERT(store_person_by_phone(s, "+84912345678", &p) == STORE_OK);
	T_STREQ(p.village_code, "LD02");
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM communes") == 4);
	/* one head per village, one official */
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM villages WHERE id NOT IN "
	    "(SELECT village_id FROM people WHERE role = 'head')") == 0);
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM people WHERE role = 'head'") ==
	    fx_query_int(s, "SELECT count(*) FROM villages"));
	T_ASSERT(fx_query_int(s, "SELECT count(*) FROM people WHERE role = 'official'") == 1);

	T_ASSERT(actions_import_villages(s, "conf/demo/villages.csv", errs,
	    sizeof errs, &changed) == 0 && changed == 0);
	T_ASSERT(actions_import_people(s, "conf/demo/people.csv", errs,
	    sizeof errs, &changed) == 0 && changed == 0);
	T_ASSERT(store_person_count(s, &n) == STORE_OK && n >= 25);
	store_close(s);
}

/* import_errors_quote_whole_characters: a bad field is quoted at most 30
 * bytes long; the old "%.30s" cut "Sơn" inside its "ơ" and the operator's
 * error message was not UTF-8. */
static void
import_errors_quote_whole_characters(void)
{
	struct store *s = open_db();
	char errs[1024];
	int changed = 0;
	/* byte 30 of the phone field falls inside the "ơ" of "Sơn" */
	const char *p = csv("p.csv", "phone,name,village_code,role\n"
	    "số điện thoại Lạng Sơn,Hoàng Văn Châu,LD02,household\n");

	T_ASSERT(actions_import_people(s, p, errs, sizeof errs, &changed) == -1);
	T_ASSERTF(utf8_is_valid(errs, strlen(errs)), "not UTF-8: %s", errs);
	T_ASSERTF(strstr(errs, "bad phone number \"số điện thoại Lạng S\"") != NULL, "%s", errs);
	store_close(s);
}

/* import_errors_quote_valid_utf8: a bad field that is not UTF-8 itself, or
 * holds a line break, is quoted with '?' for each such byte: the error stays
 * valid UTF-8 and one line per row (found by fuzz_csv: a role "househol\xFF"
 * was quoted byte for byte). */
static void
import_errors_quote_valid_utf8(void)
{
	struct store *s = open_db();
	char errs[1024];
	int changed = 0;
	const char *p;

	T_ASSERT(actions_import_villages(s, csv("v.csv", villages), errs, sizeof errs,
	    &changed) == 0);
	p = csv("p.csv", "phone,name,village_code,role\n"
	    "0912345678,Hoàng Văn Châu,LD02,househol\xFF\n"
	    "\"09\n12\",Nông Thị Hoa,L\xC3\x28,head\n");
	T_ASSERT(actions_import_people(s, p, errs, sizeof errs, &changed) == -1);
	T_ASSERTF(utf8_is_valid(errs, strlen(errs)), "not UTF-8: %s", errs);
	expect_errs(errs, p,
	    "%s:2: bad role \"househol?\" (household, head, official or helper)\n"
	    "%s:3: bad phone number \"09?12\"\n"
	    "%s:3: bad village code \"L?(\" (1-4 letters and 1-3 digits, like LD02)\n");
	store_close(s);
}

/* ---- the CSV dialect, one feature a case (the reader is libcsv's) ---- */

/* csv_bom: a spreadsheet's byte order mark is not part of the header's
 * first column, with LF or CRLF after it. */
static void
csv_bom(void)
{
	struct store *s = open_db();
	char errs[1024];
	int changed = 0;

	T_ASSERT(actions_import_villages(s, csv("b.csv", "\xEF\xBB\xBF"
	    "code,name,commune\nLD02,Lăng Đồn,Chi Lăng\n"), errs, sizeof errs,
	    &changed) == 0);
	T_STREQ(errs, "");
	T_ASSERT(actions_import_people(s, csv("bp.csv", "\xEF\xBB\xBF"
	    "phone,name,village_code,role\r\n0912345678,Hoàng Văn Châu,LD02,head\r\n"),
	    errs, sizeof errs, &changed) == 0);
	T_ASSERT(changed == 1);
	/* a BOM anywhere else is text, and the header then does not match */
	const char *p = csv("b2.csv", "\n\xEF\xBB\xBF" "code,name,commune\n");
	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, p, "%s:2: header must be code,name,commune[,old_district]\n");
	store_close(s);
}

/* csv_quoted_comma: a comma inside quotes is part of the field. */
static void
csv_quoted_comma(void)
{
	struct store *s = open_db();
	struct village v;
	char errs[1024];
	int changed = 0;

	T_ASSERT(actions_import_villages(s, csv("c.csv", "code,name,commune\n"
	    "LD02,\"Lăng Đồn, thôn 1\",\"Chi Lăng\"\n"
	    "LD03,\",\",Chi Lăng\n"), errs, sizeof errs, &changed) == 0);
	T_STREQ(errs, "");
	T_ASSERT(changed == 2);
	T_ASSERT(store_village_by_code(s, "LD02", &v) == STORE_OK);
	T_STREQ(v.name, "Lăng Đồn, thôn 1");
	T_STREQ(v.commune, "Chi Lăng");
	T_ASSERT(store_village_by_code(s, "LD03", &v) == STORE_OK);
	T_STREQ(v.name, ",");
	store_close(s);
}

/* csv_quoted_newline_lines: a quoted field may span physical lines (names
 * cannot hold a line break, so that record is refused); every record after
 * it is reported with its own physical line, CRLF or LF. */
static void
csv_quoted_newline_lines(void)
{
	struct store *s = open_db();
	char errs[2048];
	int changed = 0;
	const char *p = csv("n.csv",
	    "code,name,commune\n"			/* 1 */
	    "LD02,\"Lăng\nĐồn\",Chi Lăng\n"		/* 2-3 */
	    "9bad,x,y\n"				/* 4 */
	    "LD03,Nà Vặc,\"Chi\r\n\r\nLăng\"\r\n"	/* 5-7 */
	    "\n"					/* 8 */
	    "8bad,x,y\r\n"				/* 9 */
	    "LD04,x,\"one\ntwo\nthree\"\n"		/* 10-12 */
	    "LD05,x\n");				/* 13 */

	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, p,
	    "%s:2: name contains a line break or control character\n"
	    "%s:4: bad village code \"9bad\" (1-4 letters and 1-3 digits, like LD02)\n"
	    "%s:5: commune contains a line break or control character\n"
	    "%s:9: bad village code \"8bad\" (1-4 letters and 1-3 digits, like LD02)\n"
	    "%s:10: commune contains a line break or control character\n"
	    "%s:13: 2 fields, the header has 3\n");
	store_close(s);
}

/* csv_doubled_quotes: "" inside a quoted field is one quote; "" alone is an
 * empty field. */
static void
csv_doubled_quotes(void)
{
	struct store *s = open_db();
	struct village v;
	char errs[1024];
	int changed = 0;

	T_ASSERT(actions_import_villages(s, csv("q.csv", "code,name,commune,old_district\n"
	    "LD02,\"thôn \"\"cũ\"\"\",\"\"\"\",\"\"\n"), errs, sizeof errs,
	    &changed) == 0);
	T_STREQ(errs, "");
	T_ASSERT(store_village_by_code(s, "LD02", &v) == STORE_OK);
	T_STREQ(v.name, "thôn \"cũ\"");
	T_STREQ(v.commune, "\"");
	T_STREQ(v.old_district, "");
	const char *p = csv("qe.csv", "code,name,commune\nLD03,\"\",Chi Lăng\n");
	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, p, "%s:2: name is empty\n");
	store_close(s);
}

/* csv_crlf: CRLF line ends (Excel on Windows) leave no CR in the last
 * field, quoted or not, mixed with LF lines; a lone CR is not a line end
 * but a control character in the field. */
static void
csv_crlf(void)
{
	struct store *s = open_db();
	struct village v;
	char errs[1024];
	int changed = 0;

	T_ASSERT(actions_import_villages(s, csv("r.csv",
	    "code,name,commune,old_district\r\n"
	    "LD02,Lăng Đồn,Chi Lăng,Chi Lăng\r\n"
	    "LD03,Nà Vặc,Chi Lăng,\"Chi Lăng\"\r\n"
	    "LD04,Bản Lài,Chi Lăng,\n"
	    "LD05,Nà Làng,Chi Lăng,\r\n"), errs, sizeof errs, &changed) == 0);
	T_STREQ(errs, "");
	T_ASSERT(changed == 4);
	T_ASSERT(store_village_by_code(s, "LD02", &v) == STORE_OK);
	T_STREQ(v.old_district, "Chi Lăng");
	T_ASSERT(store_village_by_code(s, "LD03", &v) == STORE_OK);
	T_STREQ(v.old_district, "Chi Lăng");
	T_ASSERT(store_village_by_code(s, "LD05", &v) == STORE_OK);
	T_STREQ(v.old_district, "");
	const char *p = csv("cr.csv", "code,name,commune\nLD06,Nà\rVặc,Chi Lăng\n");
	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, p, "%s:2: name contains a line break or control character\n");
	store_close(s);
}

/* csv_malformed_quote_line: a quote in the middle of an unquoted field, text
 * after a closing quote, and a quote never closed are each reported with the
 * physical line where their record starts, and the reader goes on with the
 * next line (nothing applied). */
static void
csv_malformed_quote_line(void)
{
	struct store *s = open_db();
	char errs[2048];
	int changed = 0;
	long long n;
	const char *p = csv("m.csv",
	    "code,name,commune\n"			/* 1 */
	    "LD02,\"Lăng\nĐồn\"x,Chi Lăng\n"		/* 2-3 */
	    "LD03,Nà Vặc,Chi Lăng\n"			/* 4: fine */
	    "LD04,Bản \"Lài\",Chi Lăng\n"		/* 5 */
	    "\r\n"					/* 6 */
	    "LD05,\"Nà Làng\" ,Chi Lăng\n"		/* 7: fine */
	    "bad!,x,y\n"				/* 8 */
	    "LD06,x,\"Chi\nLăng\n");			/* 9-10: never closed */

	T_ASSERT(actions_import_villages(s, p, errs, sizeof errs, &changed) == -1);
	expect_errs(errs, p,
	    "%s:2: text after a closing quote\n"
	    "%s:5: quote inside an unquoted field\n"
	    "%s:8: bad village code \"bad!\" (1-4 letters and 1-3 digits, like LD02)\n"
	    "%s:9: quoted field not closed\n");
	T_ASSERT(store_village_count(s, &n) == STORE_OK && n == 0);
	store_close(s);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"villages_good", villages_good},
		{"bom_crlf_quotes_blanks", bom_crlf_quotes_blanks},
		{"bad_row_applies_nothing", bad_row_applies_nothing},
		{"every_bad_row_reported", every_bad_row_reported},
		{"headers", headers},
		{"reimport_is_idempotent", reimport_is_idempotent},
		{"people_forms_and_errors", people_forms_and_errors},
		{"errors_cut_to_buffer", errors_cut_to_buffer},
		{"demo_files", demo_files},
		{"import_errors_quote_whole_characters", import_errors_quote_whole_characters},
		{"import_errors_quote_valid_utf8", import_errors_quote_valid_utf8},
		{"csv_bom", csv_bom},
		{"csv_quoted_comma", csv_quoted_comma},
		{"csv_quoted_newline_lines", csv_quoted_newline_lines},
		{"csv_doubled_quotes", csv_doubled_quotes},
		{"csv_crlf", csv_crlf},
		{"csv_malformed_quote_line", csv_malformed_quote_line},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
