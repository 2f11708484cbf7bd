/*
 * Replays every file of tests/fuzz/corpus_http/ through the HTTP decoding
 * fuzz target's own function (tests/fuzz/fuzz_http.c), so the normal build
 * and its ASan/UBSan variant in make check run the corpus and every crasher
 * ever found, without clang or libFuzzer.
 */
#include "tests/t.h"
#include "tests/fuzz/fuzz_http.c"

#include <dirent.h>

#define CORPUS "tests/fuzz/corpus_http"

static void
replay(void)
{
	DIR *d = opendir(CORPUS);
	struct dirent *e;
	static uint8_t buf[1 << 16];
	int n = 0, modes[5] = {0};

	T_ASSERTF(d != NULL, "cannot open %s (run from the repository root)", CORPUS);
	LLVMFuzzerInitialize(NULL, NULL);
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
		if (len > 0)
			modes[buf[0] % 5]++;
		n++;
	}
	closedir(d);
	printf("# %d corpus files replayed\n", n);
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
