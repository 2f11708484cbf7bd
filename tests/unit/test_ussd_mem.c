/*
 * The in-memory USSD session table over its file (storage/ussd_mem.c):
 * what one run wrote, the next run reads back; a write cut half-way (a
 * kill in the middle of it) leaves the state before; a full table makes
 * room only from ended or silent sessions; a file that is not one, or is
 * one of another size, is started again instead of being trusted; the
 * longest session there can be fits its slot.
 */
#include "tests/t.h"
#include "storage/ussd_mem.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
path(void)
{
	static char p[512];

	snprintf(p, sizeof p, "%s/sessions", t_tmpdir());
	return p;
}

static struct ussd_mem *
open_table(int capacity)
{
	char err[256];
	struct ussd_mem *t = ussd_mem_open(path(), capacity, err, sizeof err);

	T_ASSERTF(t != NULL, "%s", err);
	return t;
}

static struct ussd_entry
entry(const char *phone, const char *session, const char *hist, bool ended, long long at)
{
	struct ussd_entry e;

	memset(&e, 0, sizeof e);
	snprintf(e.row.phone, sizeof e.row.phone, "%s", phone);
	snprintf(e.row.session, sizeof e.row.session, "%s", session);
	snprintf(e.row.hist, sizeof e.row.hist, "%s", hist);
	snprintf(e.row.state, sizeof e.row.state, "v1;s=sell_qty;n=0:0:0:0:0:0:0:0;k=home:0;");
	snprintf(e.screen, sizeof e.screen, "Ban bao nhieu kg Na? (%s)", hist);
	e.row.ended = ended;
	e.row.updated_at = at;
	return e;
}

static void
test_what_one_run_wrote_the_next_reads(void)
{
	struct ussd_mem *t = open_table(64);
	struct ussd_entry e = entry("+84912000001", "S1", "1*1", false, 1000), got;

	T_ASSERT(ussd_mem_put(t, &e, 1000, 120) == STORE_OK);
	e = entry("+84912000002", "S2", "3", false, 1001);
	snprintf(e.pending, sizeof e.pending, "ussd:abc");
	T_ASSERT(ussd_mem_put(t, &e, 1001, 120) == STORE_OK);
	e = entry("+84912000001", "S1", "1*1*1", false, 1002);	/* the same phone again */
	T_ASSERT(ussd_mem_put(t, &e, 1002, 120) == STORE_OK);
	T_ASSERT(ussd_mem_count(t) == 2);
	ussd_mem_close(t);	/* no msync, no flush: what a kill leaves */

	t = open_table(64);
	T_ASSERT(ussd_mem_count(t) == 2);
	T_ASSERT(ussd_mem_get(t, "+84912000001", &got) == STORE_OK);
	T_STREQ(got.row.session, "S1");
	T_STREQ(got.row.hist, "1*1*1");
	T_STREQ(got.screen, "Ban bao nhieu kg Na? (1*1*1)");
	T_ASSERT(got.row.updated_at == 1002 && !got.row.ended);
	T_ASSERT(ussd_mem_get(t, "+84912000002", &got) == STORE_OK);
	T_STREQ(got.pending, "ussd:abc");
	T_STREQ(got.row.state, "v1;s=sell_qty;n=0:0:0:0:0:0:0:0;k=home:0;");
	T_ASSERT(ussd_mem_get(t, "+84912000003", &got) == STORE_NONE);
	ussd_mem_close(t);
}

/* flip one byte of the file's first copy that holds needle */
static void
corrupt_copy_holding(const char *needle)
{
	int fd = open(path(), O_RDWR);
	struct stat sb;
	char *buf, *at;

	T_ASSERT(fd >= 0 && fstat(fd, &sb) == 0);
	buf = malloc((size_t)sb.st_size);
	T_ASSERT(buf != NULL && pread(fd, buf, (size_t)sb.st_size, 0) == sb.st_size);
	at = memmem(buf, (size_t)sb.st_size, needle, strlen(needle) + 1);
	T_ASSERTF(at != NULL, "no copy holds %s", needle);
	at[0] ^= 0x20;
	T_ASSERT(pwrite(fd, at, 1, at - buf) == 1);
	free(buf);
	close(fd);
}

static void
test_a_write_cut_halfway_leaves_the_step_before(void)
{
	struct ussd_mem *t = open_table(64);
	struct ussd_entry e = entry("+84912000001", "S1", "1*1", false, 1000), got;

	T_ASSERT(ussd_mem_put(t, &e, 1000, 120) == STORE_OK);
	e = entry("+84912000001", "S1", "1*1*7", false, 1001);
	T_ASSERT(ussd_mem_put(t, &e, 1001, 120) == STORE_OK);
	ussd_mem_close(t);
	/* the newer copy damaged as a kill in the middle of its write would */
	corrupt_copy_holding("1*1*7");
	t = open_table(64);
	T_ASSERT(ussd_mem_get(t, "+84912000001", &got) == STORE_OK);
	T_STREQ(got.row.hist, "1*1");
	/* and the next write goes over the damaged copy, not the good one */
	e = entry("+84912000001", "S1", "1*1*8", false, 1002);
	T_ASSERT(ussd_mem_put(t, &e, 1002, 120) == STORE_OK);
	ussd_mem_close(t);
	t = open_table(64);
	T_ASSERT(ussd_mem_get(t, "+84912000001", &got) == STORE_OK);
	T_STREQ(got.row.hist, "1*1*8");
	ussd_mem_close(t);
}

static void
test_a_full_table_makes_room_from_ended_or_silent_sessions_only(void)
{
	struct ussd_mem *t = open_table(2);
	struct ussd_entry live = entry("+84912000001", "S1", "1", false, 1000);
	struct ussd_entry ended = entry("+84912000002", "S2", "2*1", true, 1000);
	struct ussd_entry third = entry("+84912000003", "S3", "3", false, 1010);
	struct ussd_entry fourth = entry("+84912000004", "S4", "4", false, 1020), got;

	T_ASSERT(ussd_mem_put(t, &live, 1000, 120) == STORE_OK);
	T_ASSERT(ussd_mem_put(t, &ended, 1000, 120) == STORE_OK);
	T_ASSERT(ussd_mem_put(t, &third, 1010, 120) == STORE_OK);	/* takes the ended one's */
	T_ASSERT(ussd_mem_get(t, "+84912000002", &got) == STORE_NONE);
	T_ASSERT(ussd_mem_get(t, "+84912000001", &got) == STORE_OK);
	T_ASSERT(ussd_mem_get(t, "+84912000003", &got) == STORE_OK);
	/* two live sessions, neither silent for 120 s: no room */
	T_ASSERT(ussd_mem_put(t, &fourth, 1020, 120) == STORE_ERR);
	T_ASSERT(ussd_mem_get(t, "+84912000001", &got) == STORE_OK);
	/* 121 s after the first one's last step, it has gone silent */
	fourth.row.updated_at = 1121;
	T_ASSERT(ussd_mem_put(t, &fourth, 1121, 120) == STORE_OK);
	T_ASSERT(ussd_mem_get(t, "+84912000001", &got) == STORE_NONE);
	T_ASSERT(ussd_mem_get(t, "+84912000003", &got) == STORE_OK);
	T_ASSERT(ussd_mem_count(t) == 2);
	ussd_mem_close(t);
}

static void
test_a_file_of_another_size_or_not_one_is_started_again(void)
{
	struct ussd_mem *t = open_table(8);
	struct ussd_entry e = entry("+84912000001", "S1", "1", false, 1000);
	char junk[8192], err[256];
	int fd;

	T_ASSERT(ussd_mem_put(t, &e, 1000, 120) == STORE_OK);
	ussd_mem_close(t);
	t = open_table(16);	/* [ussd] max_sessions changed */
	T_ASSERT(ussd_mem_count(t) == 0);
	T_ASSERT(ussd_mem_put(t, &e, 1000, 120) == STORE_OK);
	ussd_mem_close(t);
	/* garbage where the sessions were: nothing read from it */
	memset(junk, 0x5a, sizeof junk);
	fd = open(path(), O_WRONLY);
	T_ASSERT(fd >= 0 && pwrite(fd, junk, sizeof junk, 4096) == (ssize_t)sizeof junk);
	close(fd);
	t = open_table(16);
	T_ASSERT(ussd_mem_count(t) == 0);
	ussd_mem_close(t);
	T_ASSERT(ussd_mem_open("/nonexistent-dir/sessions", 16, err, sizeof err) == NULL);
	T_ASSERTF(strstr(err, "/nonexistent-dir/sessions") != NULL, "%s", err);
}

static void
test_the_longest_session_fits_a_slot(void)
{
	struct ussd_mem *t = open_table(4);
	struct ussd_entry e = entry("+84912000001", "S1", "", false, 1000), got;

	memset(e.row.session, 's', sizeof e.row.session - 1);
	memset(e.row.hist, '1', sizeof e.row.hist - 1);
	memset(e.row.state, 'x', sizeof e.row.state - 1);
	memset(e.screen, 'y', sizeof e.screen - 1);
	memset(e.pending, 'z', sizeof e.pending - 1);
	T_ASSERT(ussd_mem_put(t, &e, 1000, 120) == STORE_OK);
	ussd_mem_close(t);
	t = open_table(4);
	T_ASSERT(ussd_mem_get(t, "+84912000001", &got) == STORE_OK);
	T_STREQ(got.row.session, e.row.session);
	T_STREQ(got.row.hist, e.row.hist);
	T_STREQ(got.row.state, e.row.state);
	T_STREQ(got.screen, e.screen);
	T_STREQ(got.pending, e.pending);
	ussd_mem_close(t);
}

static const struct t_case cases[] = {
	{"what_one_run_wrote_the_next_reads", test_what_one_run_wrote_the_next_reads},
	{"a_write_cut_halfway_leaves_the_step_before", test_a_write_cut_halfway_leaves_the_step_before},
	{"a_full_table_makes_room_from_ended_or_silent_sessions_only",
	    test_a_full_table_makes_room_from_ended_or_silent_sessions_only},
	{"a_file_of_another_size_or_not_one_is_started_again",
	    test_a_file_of_another_size_or_not_one_is_started_again},
	{"the_longest_session_fits_a_slot", test_the_longest_session_fits_a_slot},
	{NULL, NULL},
};

int
main(int argc, char **argv)
{
	return t_main(argc, argv, cases);
}
