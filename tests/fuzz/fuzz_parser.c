/*
 * fuzz_parser.c - libFuzzer target for the parser (make fuzz): any bytes
 * in, and the parser must return a command whose JSON is well-formed UTF-8,
 * whose fields hold their invariants, and the same answer twice (it keeps no
 * state). tests/unit/test_fuzz_replay.c includes this file to replay the
 * corpus under the normal sanitized build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "parser/parser.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct parser *fuzz_parser;

static void
fuzz_free(void)
{
	parser_free(fuzz_parser);
	fuzz_parser = NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];

	(void)argc;	/* unused: libFuzzer signature */
	(void)argv;
	fuzz_parser = parser_new("conf/lexicon.conf", err, sizeof err);
	if (fuzz_parser == NULL) {
		fprintf(stderr, "fuzz_parser: %s (run from the repository root)\n", err);
		abort();
	}
	atexit(fuzz_free);
	return 0;
}

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_parser: invariant broken: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct command a, b;
	static char ja[16384], jb[16384], folded[4200];

	if (fuzz_parser == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	check(parser_parse(fuzz_parser, (const char *)data, size, &a) == 0, "parse returns 0");
	check(a.action >= CMD_UNKNOWN && a.action < CMD__COUNT, "action in range");
	check(command_to_json(&a, ja, sizeof ja) == 0, "json fits");
	check(utf8_is_valid(ja, strlen(ja)), "json is valid UTF-8");
	check(ja[0] == '{' && ja[strlen(ja) - 1] == '}', "json is an object");
	check(strchr(ja, '\n') == NULL, "json is one line");
	check(a.action != CMD_UNKNOWN || a.contact[0] == '\0', "UNKNOWN has no contact");
	check(a.suggest[0] == '\0' || a.action == CMD_UNKNOWN, "only UNKNOWN suggests");
	check(!a.has_price || a.price.vnd >= 0, "price not negative");
	check(!a.has_qty || a.qty.amount >= 0, "qty not negative");
	check(a.listing >= 0 && a.order >= 0 && a.broadcast >= 0, "numbers not negative");
	check(a.contact[0] == '\0' || strncmp(a.contact, "+84", 3) == 0, "contact is E.164");
	check(parser_parse(fuzz_parser, (const char *)data, size, &b) == 0, "parse again");
	check(command_to_json(&b, jb, sizeof jb) == 0 && strcmp(ja, jb) == 0, "deterministic");
	parser_fold((const char *)data, size, folded, sizeof folded);
	check(utf8_is_valid(folded, strlen(folded)) || folded[0] == '\0', "fold is valid UTF-8");
	return 0;
}
