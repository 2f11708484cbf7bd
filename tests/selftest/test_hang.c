/*
 * test_hang.c - not a test of langso: a unit binary that deadlocks on purpose,
 * for the runner's self-test (tests/it/test_runner.sh). Its first case passes,
 * its second locks a plain mutex twice and never returns. Never in the suite.
 */
#include "tests/t.h"

#include <pthread.h>
#include <unistd.h>

static void
t_returns(void)
{
	T_ASSERT(1 + 1 == 2);
}

static void
t_deadlocks(void)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t m;
	const char *pidfile = getenv("HANG_PIDFILE");

	/* tell the self-test who is stuck, so it can see that process is gone */
	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");
		T_ASSERT(f != NULL);
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	/* a NORMAL mutex locked twice by its owner deadlocks (POSIX) */
	T_ASSERT(pthread_mutexattr_init(&attr) == 0);
	T_ASSERT(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_NORMAL) == 0);
	T_ASSERT(pthread_mutex_init(&m, &attr) == 0);
	pthread_mutex_lock(&m);
	pthread_mutex_lock(&m);
	T_ASSERT(!"a deadlocked mutex was locked twice");
}

static const struct t_case cases[] = {
	{ "returns", t_returns },
	{ "deadlocks", t_deadlocks },
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return t_main(argc, argv, cases);
}
