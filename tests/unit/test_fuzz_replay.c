/*
 * Replays every file of tests/fuzz/corpus/ through tests/fuzz/fuzz_parser.c's own function, so make check runs
 * the corpus (and every crasher ever kept) under the normal build and
 * ASan+UBSan, without clang or libFuzzer.
 */
#include "tests/t.h"
#include "tests/fuzz/fuzz_parser.c"

static void
one(const unsigned char *data, size_t len, void *arg)
{
	(void)arg;	/* unused: t_replay_dir callback */
	LLVMFuzzerTestOneInput(data, len);
}

static void
replay(void)
{
	int n;
	LLVMFuzzerInitialize(NULL, NULL);
	n = t_replay_dir("tests/fuzz/corpus", one, NULL);
	T_ASSERTF(n >= 24, "only %d corpus files", n);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"replay", replay},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
