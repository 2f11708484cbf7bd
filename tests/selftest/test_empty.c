/*
 * test_empty.c - not a test of langso: a unit binary whose table is empty, so
 * it exits 0 having checked nothing; the runner's self-test
 * (tests/it/test_runner.sh) expects the runner to count it as a failure.
 */
#include "tests/t.h"

static const struct t_case cases[] = {
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return t_main(argc, argv, cases);
}
