/*
 * http.h - langso's HTTP endpoints on libmicrohttpd: /kannel/mo (Kannel's
 * sms-service), /kannel/dlr (delivery reports), /ussd, /healthz and
 * /metrics. One internal polling thread runs every handler and writes
 * nothing: MOs and DLRs go to the committer thread (committer.h), which
 * uses the store and actions context given to http_start (owned by the
 * caller); a USSD step of POST /ussd is answered by the front on this
 * thread unless it finishes a command that writes (actions/ussd_front.h:
 * front, borrowed, may be NULL); /healthz and /metrics answer from the
 * figures in struct metrics.
 */
#ifndef LANGSO_HTTP_H
#define LANGSO_HTTP_H

#include <stddef.h>

struct conf;
struct actions;
struct store;
struct metrics;
struct http;

/* http_start binds and starts serving; NULL with err filled on failure.
 * The outbox worker is woken through wake_fd (an eventfd, -1 for none)
 * whenever an MO may have queued outgoing messages. */
struct ussd_front;
struct http *http_start(const struct conf *conf, struct actions *act,
    struct store *store, struct ussd_front *front, struct metrics *metrics, int wake_fd,
    char *err, size_t errlen);
/* http_port: the bound port (useful with listen port 0). */
int http_port(const struct http *h);
/* http_committer: the committer thread http_start started (it runs box
 * mode's MOs and DLRs too); valid until http_stop. */
struct committer;
struct committer *http_committer(struct http *h);
/* http_stop stops accepting, lets the committer finish every queued job
 * and the answers go out (at most 2 s), then stops MHD and only then frees
 * the committer, and h. */
void http_stop(struct http *h);

#endif
