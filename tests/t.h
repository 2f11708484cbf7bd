/*
 * t.h - the whole unit-test framework: assertions, a table of cases, and a
 * runner that forks each case into its own temporary directory so a crash or
 * a global in one case cannot touch another. Output per case: "ok NAME" or
 * "FAIL NAME"; tests/run.sh counts them. Exit: 0 pass, 1 fail, 99 harness.
 */
#ifndef LANGSO_T_H
#define LANGSO_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct t_case {
	const char *name;
	void (*fn)(void);
};

void t_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define T_ASSERT(x) do { \
	if (!(x)) t_fail(__FILE__, __LINE__, "%s", #x); \
} while (0)

#define T_ASSERTF(x, ...) do { \
	if (!(x)) t_fail(__FILE__, __LINE__, __VA_ARGS__); \
} while (0)

#define T_STREQ(a, b) do { \
	const char *t_a_ = (a), *t_b_ = (b); \
	if (t_a_ == NULL || t_b_ == NULL || strcmp(t_a_, t_b_) != 0) \
		t_fail(__FILE__, __LINE__, "%s == %s\n  got:      \"%s\"\n  expected: \"%s\"", \
		    #a, #b, t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)"); \
} while (0)

/* t_tmpdir returns the case's own temporary directory (removed afterwards). */
const char *t_tmpdir(void);

/* t_replay_dir gives the bytes of every file of dir (a fuzz corpus,
 * relative to the repository root) to each(data, len, arg) and returns how
 * many files there were; the case fails when dir cannot be read. The
 * corpus replays of make check (tests/unit/test_fuzz_*replay.c) use it to
 * run every input the fuzzers kept under the normal sanitized build. */
int t_replay_dir(const char *dir, void (*each)(const unsigned char *data, size_t len, void *arg),
    void *arg);

/* t_main runs every case of the NULL-terminated table, or only those named on
 * the command line. */
int t_main(int argc, char **argv, const struct t_case *cases);

#endif
