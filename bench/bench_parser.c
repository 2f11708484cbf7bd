/*
 * bench_parser.c - parses every input of tests/parser/cases.txt over and
 * over on one core and prints messages per second (target: >= 200,000).
 *   bench_parser [ITERATIONS]    default: as many rounds as fit in ~2 s
 * With ITERATIONS given it runs exactly that many rounds (for callgrind,
 * see bench/parser.sh) and prints the message count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"
#include "parser/parser.h"

#define MAX_MSGS 4096

struct corpus {
	char *msg[MAX_MSGS];
	size_t len[MAX_MSGS];
	int n;
};

/* load takes the input column, with the \n \t \\ \xNN escapes undone. */
static int
load(struct corpus *c, const char *path)
{
	static char line[16384];
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return -1;
	while (c->n < MAX_MSGS && fgets(line, sizeof line, fp) != NULL) {
		char *tab = strchr(line, '\t'), *out;
		size_t i, o = 0, n;

		if (line[0] == '#' || tab == NULL)
			continue;
		n = (size_t)(tab - line);
		out = xmalloc(n + 1);
		for (i = 0; i < n; i++) {
			if (line[i] == '\\' && i + 1 < n) {
				char e = line[++i];

				if (e == 'n')
					out[o++] = '\n';
				else if (e == 't')
					out[o++] = '\t';
				else if (e == 'r')
					out[o++] = '\r';
				else if (e == 'x' && i + 2 < n) {
					out[o++] = (char)strtol((char[]){line[i + 1], line[i + 2], 0}, NULL, 16);
					i += 2;
				} else
					out[o++] = e;
			} else {
				out[o++] = line[i];
			}
		}
		c->msg[c->n] = out;
		c->len[c->n++] = o;
	}
	fclose(fp);
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static struct corpus c;
	static struct command cmd;
	char err[512];
	struct parser *p = parser_new("conf/lexicon.conf", err, sizeof err);
	long rounds = argc > 1 ? atol(argv[1]) : 0, r;
	double t0, dt;
	long long msgs = 0;
	int i;

	if (p == NULL) {
		fprintf(stderr, "bench_parser: %s\n", err);
		return 1;
	}
	if (load(&c, "tests/parser/cases.txt") < 0 || c.n == 0) {
		fprintf(stderr, "bench_parser: cannot read tests/parser/cases.txt\n");
		return 1;
	}
	t0 = now();
	for (r = 0; rounds > 0 ? r < rounds : now() - t0 < 2.0; r++) {
		for (i = 0; i < c.n; i++)
			parser_parse(p, c.msg[i], c.len[i], &cmd);
		msgs += c.n;
	}
	dt = now() - t0;
	if (rounds > 0)
		printf("%lld messages parsed\n", msgs);
	else
		printf("%d distinct messages, %lld parsed in %.2f s: %.0f messages/s on one core\n",
		    c.n, msgs, dt, (double)msgs / dt);
	for (i = 0; i < c.n; i++)
		free(c.msg[i]);
	parser_free(p);
	return 0;
}
