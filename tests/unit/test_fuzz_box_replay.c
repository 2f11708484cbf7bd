/*
 * Replays every file of tests/fuzz/corpus_box/ through tests/fuzz/fuzz_box.c's own function, so make check runs
 * the corpus (and every crasher ever kept) under the normal build and
 * ASan+UBSan, without clang or libFuzzer.
 */
#include "tests/t.h"
#include "tests/fuzz/fuzz_box.c"

static void
one(const unsigned char *data, size_t len, void *arg)
{
	(void)arg;	/* unused: t_replay_dir callback */
	LLVMFuzzerTestOneInput(data, len);
}

static void
replay_box_corpus(void)
{
	int n;

	n = t_replay_dir("tests/fuzz/corpus_box", one, NULL);
	T_ASSERTF(n >= 8, "only %d corpus files", n);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"replay_box_corpus", replay_box_corpus},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
