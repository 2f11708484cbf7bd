/* Log lines as journald and an operator's terminal receive them. */
#include "tests/t.h"
#include "gateway/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* capture: stderr into a file while fn logs, then the file's text */
static const char *
capture(void (*fn)(void))
{
	static char buf[4096];
	char path[512];
	int fd, saved;
	ssize_t n;

	snprintf(path, sizeof path, "%s/log", t_tmpdir());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	T_ASSERT(fd >= 0);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void
log_some(void)
{
	log_init(LOG_LVL_INFO);
	log_warnx("box: connection %d closed: %s", 3, "bearerbox closed it");
	log_info("sms text: %s", "TB Sang mai\nhop thon\r");
	log_debug("not shown at info");
	errno = ECONNREFUSED;
	log_warn("connect");
}

/* journald_lines_are_level_first: under systemd each line starts with the
 * syslog priority journald reads, then the level; no timestamp of ours. */
static void
journald_lines_are_level_first(void)
{
	const char *out;

	setenv("JOURNAL_STREAM", "8:12345", 1);
	out = capture(log_some);
	T_STREQ(out, "<4>warn box: connection 3 closed: bearerbox closed it\n"
	    "<6>info sms text: TB Sang mai hop thon \n"
	    "<4>warn connect: Connection refused\n");
}

/* terminal_lines_have_a_timestamp_and_stay_one_line: elsewhere a UTC
 * timestamp comes first, and a message with line breaks stays one line. */
static void
terminal_lines_have_a_timestamp_and_stay_one_line(void)
{
	const char *out, *p;
	int lines = 0;

	unsetenv("JOURNAL_STREAM");
	out = capture(log_some);
	for (p = out; *p; p++)
		lines += *p == '\n';
	T_ASSERTF(lines == 3, "%d lines: %s", lines, out);
	T_ASSERTF(strncmp(out, "20", 2) == 0 && strstr(out, "Z warn box: connection 3") != NULL, "%s", out);
	T_ASSERT(strstr(out, "Z info sms text: TB Sang mai hop thon \n") != NULL);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"journald_lines_are_level_first", journald_lines_are_level_first},
		{"terminal_lines_have_a_timestamp_and_stay_one_line",
		    terminal_lines_have_a_timestamp_and_stay_one_line},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
