/*
 * fuzz_csv.c - libFuzzer target for the CSV import (make fuzz-csv): the
 * first byte picks villages (even) or people (odd), the rest is the file.
 * Each input runs against an in-memory database that holds two villages and
 * one person and nothing else (emptied and seeded again before every input;
 * opening a new one each time would cost 20 times more), and must keep the import's promises: it applies
 * every row or none (on failure the tables are exactly as before; on success
 * the errors are empty and the rows changed are the rows that differ), and
 * every error is whole lines of valid UTF-8 naming the file. Any broken
 * promise aborts. tests/unit/test_fuzz_csv_replay.c includes this file to
 * replay the corpus under the normal sanitized build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/actions.h"
#include "common/common.h"
#include "storage/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NAME "fuzz.csv"

static void
must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_csv: %s\n", what);
		abort();
	}
}

/* dump: every row of the tables an import writes, in a fixed order; a new
 * string the caller frees. */
static char *
dump(struct store *s)
{
	static const char sql[] =
	    "SELECT 'c' || id || '|' || name FROM communes"
	    " UNION ALL SELECT 'v' || code || '|' || name || '|' || commune_id || '|'"
	    "   || coalesce(old_district, '') FROM villages"
	    " UNION ALL SELECT 'p' || phone || '|' || coalesce(name, '') || '|'"
	    "   || coalesce(village_id, '') || '|' || role || '|' || opted_out FROM people"
	    " ORDER BY 1";
	sqlite3_stmt *st;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	must(f != NULL, "open_memstream");
	must(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK, sqlite3_errmsg(s->db));
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(f, "%s\n", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	fclose(f);
	return out;
}

/* rows_differ: lines of b that a does not have (both sorted dumps) */
static int
rows_differ(const char *a, const char *b)
{
	int n = 0;

	for (const char *line = b; *line != '\0';) {
		const char *end = strchr(line, '\n');
		size_t l = (size_t)(end - line) + 1;
		const char *q = a;
		int found = 0;

		while (*q != '\0' && !found) {
			const char *qe = strchr(q, '\n');

			found = (size_t)(qe - q) + 1 == l && memcmp(q, line, l) == 0;
			q = qe + 1;
		}
		n += !found && line[0] != 'c';	/* communes come with villages */
		line = end + 1;
	}
	return n;
}

/* errors_well_formed: valid UTF-8, whole lines, each naming the file or
 * saying how many more there were. */
static void
errors_well_formed(const char *errs, size_t cap)
{
	size_t n = strnlen(errs, cap);

	must(n < cap, "errors not NUL-terminated within the buffer");
	must(utf8_is_valid(errs, n), "errors are not valid UTF-8");
	must(n == 0 || errs[n - 1] == '\n', "errors do not end in a whole line");
	for (const char *line = errs; *line != '\0'; line = strchr(line, '\n') + 1)
		must(strncmp(line, FUZZ_NAME ":", strlen(FUZZ_NAME ":")) == 0 ||
		    strncmp(line, "... and ", 8) == 0, "an error line names no file");
}

/* seeded_store: the one in-memory database, emptied and given two villages
 * and one person. */
static struct store *
seeded_store(void)
{
	static const struct village v[] = {
		{.code = "LD02", .name = "Lăng Đồn", .commune = "Chi Lăng"},
		{.code = "CL01", .name = "Quán Thanh", .commune = "Chi Lăng",
		    .old_district = "Chi Lăng"},
	};
	static struct store *s;
	struct person p = {.phone = "+84912345678", .name = "Hoàng Văn Châu",
	    .village_code = "LD02", .role = "head"};
	char err[256];
	bool ch;

	if (s == NULL) {
		s = store_open(":memory:", err, sizeof err);
		must(s != NULL, err);
	}
	must(sqlite3_exec(s->db, "DELETE FROM people; DELETE FROM villages;"
	    " DELETE FROM communes", NULL, NULL, NULL) == SQLITE_OK, sqlite3_errmsg(s->db));
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		must(store_village_upsert(s, &v[i], &ch) == STORE_OK, store_errmsg(s));
	must(store_person_upsert(s, &p, &ch) == STORE_OK, store_errmsg(s));
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char errs[4096];
	struct store *s;
	char *before, *after;
	int changed = -1, rc;
	bool people;

	if (size < 1)
		return 0;
	people = data[0] & 1;
	s = seeded_store();
	before = dump(s);
	memset(errs, 'x', sizeof errs);
	rc = actions_import_csv(s, people, FUZZ_NAME, (const char *)data + 1, size - 1,
	    errs, sizeof errs, &changed);
	errors_well_formed(errs, sizeof errs);
	after = dump(s);
	if (rc != 0) {
		must(rc == -1, "import returned neither 0 nor -1");
		must(errs[0] != '\0', "a failed import gave no reason");
		must(changed == -1, "a failed import set *changed");
		must(strcmp(before, after) == 0, "a failed import changed the database");
	} else {
		must(errs[0] == '\0', "an import that succeeded reported errors");
		must(changed == rows_differ(before, after),
		    "*changed is not the number of rows the import changed");
	}
	free(before);
	free(after);
	return 0;
}
