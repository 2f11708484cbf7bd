/*
 * log.c - stderr logging with a timestamp and a level; errno is preserved so
 * a caller can log and then still report errno.
 */
#include "gateway/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void
vlog(const char *tag, const char *fmt, va_list ap, int err)
{
	char msg[1024], ts[32];
	struct timespec now;
	struct tm tm;
	int saved = errno;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (err)
		fprintf(stderr, "%s.%03ldZ %s %s: %s\n", ts, now.tv_nsec / 1000000, tag, msg, strerror(err));
	else
		fprintf(stderr, "%s.%03ldZ %s %s\n", ts, now.tv_nsec / 1000000, tag, msg);
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
