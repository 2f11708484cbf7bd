/*
 * Replays every file of tests/fuzz/corpus_csv/ through the CSV import's
 * fuzz target, so make check runs the corpus (and every crasher ever kept)
 * under ASan+UBSan without clang or libFuzzer.
 */
#include "tests/t.h"
#include "tests/fuzz/fuzz_csv.c"

#include <dirent.h>

#define CORPUS "tests/fuzz/corpus_csv"

static void
replay_csv_corpus(void)
{
	DIR *d = opendir(CORPUS);
	struct dirent *e;
	static uint8_t buf[1 << 16];
	int n = 0;

	T_ASSERTF(d != NULL, "cannot open %s (run from the repository root)", CORPUS);
	while ((e = readdir(d)) != NULL) {
		char path[512];
		FILE *fp;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", CORPUS, e->d_name);
		fp = fopen(path, "rb");
		T_ASSERTF(fp != NULL, "cannot open %s", path);
		len = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, len);
		n++;
	}
	closedir(d);
	printf("# %d corpus files replayed\n", n);
	T_ASSERTF(n >= 10, "only %d corpus files", n);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"replay_csv_corpus", replay_csv_corpus},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
