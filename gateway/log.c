/*
 * log.c - stderr logging, one line per event; errno is preserved so a
 * caller can log and then still report errno. On a terminal or in a file a
 * line is "TIMESTAMP level message"; under systemd (JOURNAL_STREAM set:
 * stderr goes to journald, which stamps the time itself) it is
 * "<N>level message", the level first as a syslog priority journald reads.
 * A message never spans lines: control characters become spaces.
 */
#include "gateway/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int cur_level = LOG_LVL_INFO;

void
log_init(int level)
{
	cur_level = level;
}

int
log_level(void)
{
	return cur_level;
}

/* syslog_prio: the <N> prefix journald maps to a priority (sd-daemon.h) */
static int
syslog_prio(const char *tag)
{
	if (strcmp(tag, "fatal") == 0)
		return 2;
	if (strcmp(tag, "warn") == 0)
		return 4;
	return strcmp(tag, "debug") == 0 ? 7 : 6;
}

static void
vlog(const char *tag, const char *fmt, va_list ap, int err)
{
	char msg[1024], line[1200], ts[32];
	struct timespec now;
	struct tm tm;
	int saved = errno, n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	for (char *p = msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (getenv("JOURNAL_STREAM") != NULL)
		n = snprintf(line, sizeof line, "<%d>%s %s%s%s\n", syslog_prio(tag), tag, msg,
		    err ? ": " : "", err ? strerror(err) : "");
	else {
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
		n = snprintf(line, sizeof line, "%s.%03ldZ %s %s%s%s\n", ts, now.tv_nsec / 1000000,
		    tag, msg, err ? ": " : "", err ? strerror(err) : "");
	}
	if (n >= (int)sizeof line) {	/* cut: still one whole line */
		n = (int)sizeof line - 1;
		line[n - 1] = '\n';
	}
	/* one write: lines of two threads never interleave */
	if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere left to report it */
	}
	errno = saved;
}

#define LOG_BODY(lvl, tag, err) do { \
	va_list ap; \
	if (cur_level < (lvl)) return; \
	va_start(ap, fmt); \
	vlog(tag, fmt, ap, err); \
	va_end(ap); \
} while (0)

void log_warn(const char *fmt, ...) { LOG_BODY(LOG_LVL_WARN, "warn", errno); }
void log_warnx(const char *fmt, ...) { LOG_BODY(LOG_LVL_WARN, "warn", 0); }
void log_info(const char *fmt, ...) { LOG_BODY(LOG_LVL_INFO, "info", 0); }
void log_debug(const char *fmt, ...) { LOG_BODY(LOG_LVL_DEBUG, "debug", 0); }

void
fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("fatal", fmt, ap, errno);
	va_end(ap);
	exit(code);
}

void
fatalx(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("fatal", fmt, ap, 0);
	va_end(ap);
	exit(code);
}

void
log_mhd(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	if (log_level() < LOG_LVL_DEBUG)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("%s: %s", (const char *)cls, msg);
}
