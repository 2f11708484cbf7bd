/*
 * t.c - runner for tests/t.h: one fork per case, one mkdtemp per case.
 */
#include "tests/t.h"

#include <dirent.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

static char tmpdir[256];

const char *
t_tmpdir(void)
{
	return tmpdir;
}

void
t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(1);
}

static int
selected(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

static int
run_case(const struct t_case *c)
{
	pid_t pid;
	int status;
	char cmd[300];

	snprintf(tmpdir, sizeof tmpdir, "/tmp/langso-t.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(99);
	}
	if (pid == 0) {
		c->fn();
		fflush(NULL);
#ifdef __SANITIZE_ADDRESS__
		/* _exit skips LeakSanitizer's check at exit: a case that leaks
		 * fails here, under the ASan build */
		if (__lsan_do_recoverable_leak_check() != 0)
			_exit(1);
#endif
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", tmpdir);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		fprintf(stderr, "%s: killed by signal %d\n", c->name, WTERMSIG(status));
	return -1;
}

int
t_main(int argc, char **argv, const struct t_case *cases)
{
	int pass = 0, fail = 0;

	for (const struct t_case *c = cases; c->name != NULL; c++) {
		if (!selected(argc, argv, c->name))
			continue;
		if (run_case(c) == 0) {
			printf("ok %s\n", c->name);
			pass++;
		} else {
			printf("FAIL %s\n", c->name);
			fail++;
		}
		fflush(stdout);
	}
	return fail ? 1 : 0;
}

int
t_replay_dir(const char *dir, void (*each)(const unsigned char *, size_t, void *), void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	T_ASSERTF(d != NULL, "cannot open %s (run from the repository root)", dir);
	while ((e = readdir(d)) != NULL) {
		char path[512];
		unsigned char *buf;
		long len;
		FILE *fp;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		fp = fopen(path, "rb");
		T_ASSERTF(fp != NULL, "cannot open %s", path);
		fseek(fp, 0, SEEK_END);
		len = ftell(fp);
		rewind(fp);
		T_ASSERTF(len >= 0 && (buf = malloc((size_t)len + 1)) != NULL, "cannot read %s", path);
		T_ASSERT(fread(buf, 1, (size_t)len, fp) == (size_t)len);
		fclose(fp);
		each(buf, (size_t)len, arg);
		free(buf);
		n++;
	}
	closedir(d);
	printf("# %d corpus files of %s replayed\n", n, dir);
	return n;
}
