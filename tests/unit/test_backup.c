/*
 * store_backup (`langso backup`): the copy holds everything committed before
 * it and nothing uncommitted, opens as a langso database, never replaces an
 * existing file, and leaves no partial file behind when it fails.
 */
#include "tests/t.h"
#include "common/common.h"
#include "tests/fixture.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/store.h"

static char dbpath[512], destpath[512];

static struct store *
open_at(const char *path)
{
	char err[256];
	struct store *s = store_open(path, err, sizeof err);

	T_ASSERTF(s != NULL, "%s", err);
	return s;
}

/* villages: n villages LD001.. (i < 1000) in commune "Chi Lăng", each its own commit */
static void
villages(struct store *s, int from, int n)
{
	for (int i = from; i < from + n; i++) {
		struct village v;
		bool ch;

		memset(&v, 0, sizeof v);
		snprintf(v.code, sizeof v.code, "LD%03d", i % 1000);
		snprintf(v.name, sizeof v.name, "Thôn %d", i);
		snprintf(v.commune, sizeof v.commune, "Chi Lăng");
		T_ASSERT(store_village_upsert(s, &v, &ch) == STORE_OK);
	}
}

static int
files_in_tmpdir(void)
{
	DIR *d = opendir(t_tmpdir());
	struct dirent *e;
	int n = 0;

	T_ASSERT(d != NULL);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
setup(void)
{
	snprintf(dbpath, sizeof dbpath, "%s/live.db", t_tmpdir());
	snprintf(destpath, sizeof destpath, "%s/copy.db", t_tmpdir());
}

/* backup_has_committed_not_open: rows committed before the call are in the
 * copy; rows of a transaction still open on another connection are not;
 * the copy opens as a langso database at the same schema version. */
static void
backup_has_committed_not_open(void)
{
	struct store *s, *w, *c;
	char err[512];
	long long pages = 0, n;

	setup();
	s = open_at(dbpath);
	w = open_at(dbpath);
	villages(s, 1, 50);
	T_ASSERT(store_begin(w) == STORE_OK);
	villages(w, 100, 5);	/* not committed during the backup */
	T_ASSERTF(store_backup(s, destpath, &pages, err, sizeof err) == STORE_OK, "%s", err);
	T_ASSERT(pages > 1);
	T_ASSERT(store_commit(w) == STORE_OK);
	c = open_at(destpath);
	T_ASSERT(store_village_count(c, &n) == STORE_OK);
	T_ASSERTF(n == 50, "%lld villages in the copy", n);
	T_ASSERT(store_schema_version(c) == store_schema_version(s));
	T_ASSERT(store_village_count(s, &n) == STORE_OK && n == 55);
	store_close(c);
	store_close(w);
	store_close(s);
}

/* backup_refuses_existing_dest: an existing DEST (a file, even empty) is
 * not touched and the answer says so; nothing else is left in the folder. */
static void
backup_refuses_existing_dest(void)
{
	struct store *s;
	struct stat st;
	char err[512] = "";
	FILE *f;

	setup();
	s = open_at(dbpath);
	villages(s, 1, 3);
	f = fopen(destpath, "w");
	T_ASSERT(f != NULL);
	fputs("yesterday's backup", f);
	fclose(f);
	int before = files_in_tmpdir();
	T_ASSERT(store_backup(s, destpath, NULL, err, sizeof err) == STORE_EXISTS);
	T_ASSERTF(strstr(err, "exists: not overwritten") != NULL, "%s", err);
	T_ASSERT(stat(destpath, &st) == 0 && st.st_size == 18);
	T_ASSERT(files_in_tmpdir() == before);
	store_close(s);
}

/* backup_failure_leaves_nothing: a DEST in a folder that does not exist
 * fails with a reason and creates no file. */
static void
backup_failure_leaves_nothing(void)
{
	struct store *s;
	char err[512] = "";

	setup();
	s = open_at(dbpath);
	int before = files_in_tmpdir();
	snprintf(destpath, sizeof destpath, "%s/no/such/dir/copy.db", t_tmpdir());
	T_ASSERT(store_backup(s, destpath, NULL, err, sizeof err) == STORE_ERR);
	T_ASSERTF(strstr(err, "No such file or directory") != NULL, "%s", err);
	T_ASSERT(files_in_tmpdir() == before);
	store_close(s);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"backup_has_committed_not_open", backup_has_committed_not_open},
		{"backup_refuses_existing_dest", backup_refuses_existing_dest},
		{"backup_failure_leaves_nothing", backup_failure_leaves_nothing},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
