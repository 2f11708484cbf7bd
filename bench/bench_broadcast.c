/*
 * bench_broadcast - how long a village head's TB takes to enqueue for N
 * households (default 100,000): the whole MO transaction, parse to commit,
 * on a database file like the daemon's. Prints the figure; asserts nothing.
 * usage: bench_broadcast [N] [DIR]
 */
#include "actions/actions.h"
#include "parser/parser.h"
#include "storage/store.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
die(const char *what, struct store *s)
{
	fprintf(stderr, "bench_broadcast: %s: %s\n", what, s ? store_errmsg(s) : "");
	return 1;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	char path[512], err[256];
	struct village v = {.code = "LD02", .name = "Lăng Đồn", .commune = "Chi Lăng"};
	struct person p = {.village_code = "LD02", .role = "household"};
	struct actions_conf ac = {.max_segments = 3, .broadcast_start_min = 0, .broadcast_end_min = 24 * 60};
	struct mo m = {.kannel_id = "bench-tb", .phone = "+84910000001", .to = "8055", .smsc = "bench"};
	struct act_reply r;
	struct store *s;
	struct parser *parser;
	struct actions *a;
	bool changed;
	double t0, t1;
	const char *text = "TB Sang mai 7h hop thon tai nha van hoa, moi ho cu mot nguoi di du";

	snprintf(path, sizeof path, "%s/bench_broadcast.%d.db", dir, (int)getpid());
	if ((s = store_open(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "bench_broadcast: %s\n", err);
		return 1;
	}
	if ((parser = parser_new("conf/lexicon.conf", err, sizeof err)) == NULL) {
		fprintf(stderr, "bench_broadcast: %s\n", err);
		return 1;
	}
	if (store_begin(s) != STORE_OK || store_village_upsert(s, &v, &changed) != STORE_OK)
		return die("village", s);
	for (long i = 0; i <= n; i++) {
		snprintf(p.phone, sizeof p.phone, "+8491%07d", (int)((i + 1) % 10000000));
		snprintf(p.name, sizeof p.name, "Ho %ld", i);
		snprintf(p.role, sizeof p.role, "%s", i == 0 ? "head" : "household");
		if (store_person_upsert(s, &p, &changed) != STORE_OK)
			return die("people", s);
	}
	if (store_commit(s) != STORE_OK)
		return die("commit", s);
	a = actions_new(s, parser, &ac);
	m.text = text;
	m.text_len = strlen(text);
	m.raw = text;
	m.raw_len = m.text_len;
	t0 = now_s();
	if (actions_handle_mo(a, &m, &r) < 0)
		return die("TB", s);
	t1 = now_s();
	printf("broadcast enqueue: %ld households in %.0f ms (%.0f rows/s), one transaction\n",
	    n, (t1 - t0) * 1000, (double)n / (t1 - t0));
	printf("  reply: %s\n", r.text);
	actions_free(a);
	parser_free(parser);
	store_close(s);
	unlink(path);
	snprintf(path + strlen(path), sizeof path - strlen(path), "-wal");
	unlink(path);
	return 0;
}
