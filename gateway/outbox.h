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

#include "storage/store.h"

struct conf;
struct metrics;
struct outbox;

/*
 * How the worker hands messages to Kannel, in OpenSMTPD's queue_backend
 * shape: the worker claims rows, paces them ([broadcast] rate) and records
 * every answer in the outbox table; a backend only talks to Kannel. Two
 * exist: sendsms over HTTP (outbox.c, mode = http) and the bearerbox
 * connection (boxlink.c, mode = box). All run on the worker's thread.
 */
enum outbox_verdict { SENT_ACCEPTED, SENT_FAILED, SENT_RETRY };

struct outbox_answer {
	struct outbox_msg msg;		/* as claimed */
	enum outbox_verdict verdict;
	char text[256];			/* for the operator: Kannel's answer or the error */
};

struct outbox_backend {
	const char *name;
	/* capacity: messages it may take now (its window less those in
	 * flight; 0 while it cannot send at all) */
	int (*capacity)(void *t);
	int (*in_flight)(void *t);
	/* send takes m: 0 in flight (its answer comes through answers), -1
	 * not sent (why says so; the worker retries it) */
	int (*send)(void *t, const struct outbox_msg *m, char *why, size_t whylen);
	/* wait blocks up to ms for an answer or a write to wake_fd */
	void (*wait)(void *t, int wake_fd, int ms);
	/* answers: up to max answers that arrived since the last call */
	int (*answers)(void *t, struct outbox_answer *out, int max);
	void (*free)(void *t);
};

/* outbox_new: s is the worker's own connection (owned by the caller). be
 * NULL: sendsms ([kannel] sendsms_url, inflight); otherwise be with its
 * state t, which the worker frees (be->free) in outbox_free. */
struct outbox *outbox_new(const struct conf *conf, struct store *s,
    struct metrics *m, const struct outbox_backend *be, void *t, char *err, size_t errlen);
void outbox_free(struct outbox *o);

/* outbox_wake_fd: an eventfd; writing 8 bytes wakes the worker at once
 * (the HTTP thread does after an MO; signal handlers may too). */
int outbox_wake_fd(const struct outbox *o);

/* outbox_set_ticker: act (a context on the worker's own store) gets
 * actions_tick() every few seconds from the worker's loop. */
struct actions;
void outbox_set_ticker(struct outbox *o, struct actions *act);

/* outbox_set_reload: whenever *flag is found set (a SIGHUP handler sets it
 * and wakes the worker), the worker clears it and calls fn(arg) from its
 * loop: the daemon's reload runs on the main thread, between sends. */
void outbox_set_reload(struct outbox *o, volatile sig_atomic_t *flag, void (*fn)(void *), void *arg);

/* outbox_run blocks, sending, until *stop becomes non-zero; then it stops
 * claiming, lets requests in flight finish (at most a few seconds) and
 * returns. Messages still marked sending are requeued at the next start. */
void outbox_run(struct outbox *o, volatile sig_atomic_t *stop);

#endif
