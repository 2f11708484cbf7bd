/*
 * outbox.h - the worker that drains the outbox table into Kannel's sendsms:
 * claims due messages, keeps up to [kannel] inflight requests going at once
 * on keep-alive connections (libcurl multi), honours [broadcast] rate, and
 * records each answer (accepted, failed for good, or retried with back-off).
 */
#ifndef LANGSO_OUTBOX_H
#define LANGSO_OUTBOX_H

#include <signal.h>
#include <stddef.h>

struct conf;
struct store;
struct metrics;
struct outbox;

/* outbox_new: s is the worker's own connection (owned by the caller). */
struct outbox *outbox_new(const struct conf *conf, struct store *s,
    struct metrics *m, char *err, size_t errlen);
void outbox_free(struct outbox *o);

/* outbox_wake_fd: an eventfd; writing 8 bytes wakes the worker at once
 * (the HTTP thread does after an MO; signal handlers may too). */
int outbox_wake_fd(const struct outbox *o);

/* outbox_set_ticker: act (a context on the worker's own store) gets
 * actions_tick() every few seconds from the worker's loop. */
struct actions;
void outbox_set_ticker(struct outbox *o, struct actions *act);

/* outbox_run blocks, sending, until *stop becomes non-zero; then it stops
 * claiming, lets requests in flight finish (at most a few seconds) and
 * returns. Messages still marked sending are requeued at the next start. */
void outbox_run(struct outbox *o, volatile sig_atomic_t *stop);

#endif
