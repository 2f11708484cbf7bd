/*
 * log.h - the whole logging API (after OpenSMTPD's log.h): stderr, one line
 * per event, the level checked before any formatting.
 */
#ifndef LANGSO_LOG_H
#define LANGSO_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_WARN = 0, LOG_LVL_INFO = 1, LOG_LVL_DEBUG = 2 };

void log_init(int level);
int log_level(void);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));	/* + strerror(errno) */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* fatal/fatalx: start-up errors only; exit with the given code. */
void fatal(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void fatalx(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* log_mhd is libmicrohttpd's MHD_OPTION_EXTERNAL_LOGGER: its messages at
 * debug level, one line each, after the server's name (cls, a string). */
void log_mhd(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
