/*
 * backup.c - `langso backup`: an online copy of the database through
 * SQLite's backup API, made while the daemon keeps committing MOs. Not a
 * restore: restoring is copying the file back while langso is stopped
 * (README, "Backup and restore").
 */
#include "storage/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"

/* A busy source (a checkpoint in progress) or a locked destination is
 * retried every 50 ms for up to 30 s: far longer than any langso
 * transaction (busy_timeout is 5 s). */
#define BACKUP_RETRY_MS 50
#define BACKUP_RETRIES 600

static void
nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* copy_all copies every page of src into dst in one step: a single read
 * transaction on src, so the copy is one snapshot. (Stepping a few pages at
 * a time would let each commit of the daemon restart the copy, which under
 * steady MO traffic may never finish.) */
static int
copy_all(sqlite3 *dst, sqlite3 *src, long long *pages, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc, tries = 0;

	if (b == NULL) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(dst));
		return -1;
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries > BACKUP_RETRIES)
			break;
		nap_ms(BACKUP_RETRY_MS);
	}
	if (pages != NULL)
		*pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "copying: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* quick_check: "ok", or the first problem SQLite names. */
static int
quick_check(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "checking the copy: %s", sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		snprintf(err, errlen, "the copy fails its check: %s", rc == SQLITE_ROW ?
		    (const char *)sqlite3_column_text(st, 0) : sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* write_copy fills the (empty) file tmp with s's database and checks it. */
static int
write_copy(struct store *s, const char *tmp, long long *pages, char *err, size_t errlen)
{
	sqlite3 *dst = NULL;
	int rc = -1;

	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp, dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	/* the copy's own writes: one rollback journal, synced when done */
	if (sqlite3_exec(dst, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	if (copy_all(dst, s->db, pages, err, errlen) != 0 ||
	    quick_check(dst, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	if (sqlite3_close(dst) != SQLITE_OK && rc == 0) {
		snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(dst));
		rc = -1;
	}
	return rc;
}

/* sync_dir makes the new name in dest's directory durable. */
static int
sync_dir(const char *dest, char *err, size_t errlen)
{
	char *copy = xstrdup(dest);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY), rc = 0;

	if (fd < 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: syncing its directory: %s", dest, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

int
store_backup(struct store *s, const char *dest, long long *pages, char *err, size_t errlen)
{
	struct stat sb;
	char *tmp;
	int fd, rc = STORE_ERR;

	/* the early, readable answer; link() below is the race-free one */
	if (lstat(dest, &sb) == 0) {
		snprintf(err, errlen, "%s exists: not overwritten (remove it or choose "
		    "another name)", dest);
		return STORE_EXISTS;
	}
	tmp = xmalloc(strlen(dest) + 8);
	sprintf(tmp, "%s.XXXXXX", dest);
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, errlen, "%s: %s", dest, strerror(errno));
		free(tmp);
		return STORE_ERR;
	}
	close(fd);
	if (write_copy(s, tmp, pages, err, errlen) != 0)
		goto out;
	if (link(tmp, dest) != 0) {
		if (errno == EEXIST) {
			snprintf(err, errlen, "%s exists: not overwritten (remove it or "
			    "choose another name)", dest);
			rc = STORE_EXISTS;
		} else
			snprintf(err, errlen, "%s: %s", dest, strerror(errno));
		goto out;
	}
	rc = sync_dir(dest, err, errlen) == 0 ? STORE_OK : STORE_ERR;
out:
	unlink(tmp);
	free(tmp);
	return rc;
}
