/*
 * metrics.h - counters for /metrics (Prometheus text format) and the
 * figures /healthz reads. Updated from the HTTP, committer and outbox
 * threads; a mutex keeps them consistent.
 */
#ifndef LANGSO_METRICS_H
#define LANGSO_METRICS_H

#include <stdbool.h>
#include <stdio.h>

struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* metrics_mo counts one MO by outcome ("REGISTER", "UNKNOWN", "duplicate",
 * "bad_request", "error") and its handling time. */
void metrics_mo(struct metrics *m, const char *outcome, double seconds);
/* metrics_http counts a response by endpoint and status. */
void metrics_http(struct metrics *m, const char *endpoint, int status);
/* metrics_out counts a sendsms outcome ("accepted", "failed", "retry"). */
void metrics_out(struct metrics *m, const char *outcome);
void metrics_dlr(struct metrics *m, int type);

/* Figures /healthz and /metrics answer from, so the HTTP thread never runs
 * SQL: the committer reports every commit, the outbox thread probes the
 * database and counts the outbox every second or so. */
struct outbox_counts;
void metrics_set_db(struct metrics *m, bool writable);
void metrics_set_outbox(struct metrics *m, const struct outbox_counts *c);
/* metrics_db: 1 when the last database write (commit or probe) succeeded,
 * 0 when it failed, -1 when there was none for max_age seconds. */
int metrics_db(struct metrics *m, double max_age);

/* Box mode (boxlink.c): whether the bearerbox connection is up, for
 * /healthz (metrics_box: 1 up, 0 down, -1 not in box mode), and a writer
 * that appends the box's own figures to /metrics. */
void metrics_set_box(struct metrics *m, bool up);
int metrics_box(struct metrics *m);
void metrics_set_writer(struct metrics *m, void (*fn)(void *arg, FILE *out), void *arg);

/* metrics_sendsms: how many sends had that outcome ("accepted", "failed",
 * "retry") since start (the console's health page). */
unsigned long long metrics_sendsms(struct metrics *m, const char *outcome);

/* metrics_write appends everything counted so far to out (a memstream). */
void metrics_write(struct metrics *m, FILE *out);

#endif
