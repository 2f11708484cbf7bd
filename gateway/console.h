/*
 * console.h - the operators' web console on its own libmicrohttpd daemon,
 * at [console] listen (never the address Kannel calls): the sign-in page,
 * the pages and their static files, and the JSON API under /api/ that
 * actions/console.h answers. One internal thread runs every request with
 * the console's own database connection.
 */
#ifndef LANGSO_GW_CONSOLE_H
#define LANGSO_GW_CONSOLE_H

#include <stddef.h>

struct conf;
struct console;
struct console_http;
struct metrics;

/* console_http_start loads the static files and binds [console] listen.
 * c (and its store) is used by the daemon's thread only, until
 * console_http_stop; wake_fd (an eventfd, or -1) is written when a request
 * queued messages; metrics (the daemon's, may be NULL) completes /api/health. NULL with err filled on failure. */
struct console_http *console_http_start(const struct conf *conf, struct console *c,
    struct metrics *metrics, int wake_fd, char *err, size_t errlen);
/* console_http_check: the files the console serves are there and readable
 * (langso check). 0, or -1 with err filled. */
int console_http_check(const struct conf *conf, char *err, size_t errlen);
/* console_http_port: the bound port (with listen port 0). */
int console_http_port(const struct console_http *h);
/* console_http_stop answers the request in progress, closes every
 * connection and frees h (not c). NULL is a no-op. */
void console_http_stop(struct console_http *h);

#endif
