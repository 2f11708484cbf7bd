/*
 * Replays every file of tests/fuzz/corpus_http/ through the HTTP decoding
 * fuzz target's own function (tests/fuzz/fuzz_http.c), so the normal build
 * and its ASan/UBSan variant in make check run the corpus and every crasher
 * ever found, without clang or libFuzzer. Every one of the target's five
 * input modes must have corpus files.
 */
#include "tests/t.h"
#include "tests/fuzz/fuzz_http.c"

static void
one(const unsigned char *data, size_t len, void *arg)
{
	int *modes = arg;

	LLVMFuzzerTestOneInput(data, len);
	if (len > 0)
		modes[data[0] % 5]++;
}

static void
replay(void)
{
	int n, modes[5] = {0};

	LLVMFuzzerInitialize(NULL, NULL);
	n = t_replay_dir("tests/fuzz/corpus_http", one, modes);
	T_ASSERTF(n >= 20, "only %d corpus files", n);
	for (int m = 0; m < 5; m++)
		T_ASSERTF(modes[m] > 0, "no corpus file for mode %d", m);
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
