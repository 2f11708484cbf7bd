/*
 * metrics.c - a handful of labelled counters and one latency histogram.
 * Labels are few and known (actions, endpoints, statuses), so a small fixed
 * table with linear search is enough and never allocates after start.
 */
#include "gateway/metrics.h"
#include "storage/store.h"
#include "common/common.h"

#include <pthread.h>
#include <time.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#define MAX_SERIES 96

struct series {
	char name[32];			/* metric name */
	char labels[96];		/* label text inside {} */
	unsigned long long value;
};

/* MO handling time buckets, seconds: from sub-millisecond SQLite commits to
 * the 10 s smsbox http-timeout. */
static const double buckets[] = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1, 10};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

struct metrics {
	pthread_mutex_t mu;
	struct series s[MAX_SERIES];
	int n;
	unsigned long long hist[NBUCKETS + 1];
	double sum;
	unsigned long long count;
	/* figures (metrics_set_db, metrics_set_outbox) */
	bool db_known, db_writable;
	struct timespec db_at;
	bool outbox_known;
	struct outbox_counts outbox;
};

struct metrics *
metrics_new(void)
{
	struct metrics *m = xcalloc(1, sizeof *m);

	pthread_mutex_init(&m->mu, NULL);
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* bump adds 1 to the series; called with the mutex held. Series beyond the
 * table are dropped rather than allocated: labels come from fixed sets. */
static void
bump(struct metrics *m, const char *name, const char *labels)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->s[i].name, name) == 0 && strcmp(m->s[i].labels, labels) == 0) {
			m->s[i].value++;
			return;
		}
	if (m->n == MAX_SERIES)
		return;
	snprintf(m->s[m->n].name, sizeof m->s[0].name, "%s", name);
	snprintf(m->s[m->n].labels, sizeof m->s[0].labels, "%s", labels);
	m->s[m->n++].value = 1;
}

void
metrics_mo(struct metrics *m, const char *outcome, double seconds)
{
	char labels[96];
	size_t b = 0;

	snprintf(labels, sizeof labels, "outcome=\"%s\"", outcome);
	while (b < NBUCKETS && seconds > buckets[b])
		b++;
	pthread_mutex_lock(&m->mu);
	bump(m, "langso_mo_total", labels);
	m->hist[b]++;
	m->sum += seconds;
	m->count++;
	pthread_mutex_unlock(&m->mu);
}

void
metrics_http(struct metrics *m, const char *endpoint, int status)
{
	char labels[96];

	snprintf(labels, sizeof labels, "endpoint=\"%s\",status=\"%d\"", endpoint, status);
	pthread_mutex_lock(&m->mu);
	bump(m, "langso_http_responses_total", labels);
	pthread_mutex_unlock(&m->mu);
}

void
metrics_out(struct metrics *m, const char *outcome)
{
	char labels[96];

	snprintf(labels, sizeof labels, "outcome=\"%s\"", outcome);
	pthread_mutex_lock(&m->mu);
	bump(m, "langso_sendsms_total", labels);
	pthread_mutex_unlock(&m->mu);
}

void
metrics_dlr(struct metrics *m, int type)
{
	char labels[96];

	snprintf(labels, sizeof labels, "type=\"%d\"", type);
	pthread_mutex_lock(&m->mu);
	bump(m, "langso_dlr_total", labels);
	pthread_mutex_unlock(&m->mu);
}

void
metrics_set_db(struct metrics *m, bool writable)
{
	pthread_mutex_lock(&m->mu);
	m->db_known = true;
	m->db_writable = writable;
	clock_gettime(CLOCK_MONOTONIC, &m->db_at);
	pthread_mutex_unlock(&m->mu);
}

void
metrics_set_outbox(struct metrics *m, const struct outbox_counts *c)
{
	pthread_mutex_lock(&m->mu);
	m->outbox_known = true;
	m->outbox = *c;
	pthread_mutex_unlock(&m->mu);
}

int
metrics_db(struct metrics *m, double max_age)
{
	struct timespec now;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&m->mu);
	if (!m->db_known || (double)(now.tv_sec - m->db_at.tv_sec) +
	    (double)(now.tv_nsec - m->db_at.tv_nsec) / 1e9 > max_age)
		rc = -1;
	else
		rc = m->db_writable;
	pthread_mutex_unlock(&m->mu);
	return rc;
}

void
metrics_write(struct metrics *m, FILE *out)
{
	unsigned long long cum = 0;

	pthread_mutex_lock(&m->mu);
	/* a family's samples must stand together after its TYPE line */
	for (int i = 0; i < m->n; i++) {
		bool seen = false;

		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(m->s[j].name, m->s[i].name) == 0;
		if (seen)
			continue;
		fprintf(out, "# TYPE %s counter\n", m->s[i].name);
		for (int j = i; j < m->n; j++)
			if (strcmp(m->s[j].name, m->s[i].name) == 0)
				fprintf(out, "%s{%s} %llu\n", m->s[j].name, m->s[j].labels, m->s[j].value);
	}
	fprintf(out, "# TYPE langso_mo_seconds histogram\n");
	for (size_t b = 0; b < NBUCKETS; b++) {
		cum += m->hist[b];
		fprintf(out, "langso_mo_seconds_bucket{le=\"%g\"} %llu\n", buckets[b], cum);
	}
	cum += m->hist[NBUCKETS];
	fprintf(out, "langso_mo_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	fprintf(out, "langso_mo_seconds_sum %.6f\nlangso_mo_seconds_count %llu\n", m->sum, m->count);
	if (m->db_known) {
		fprintf(out, "# TYPE langso_db_writable gauge\n");
		fprintf(out, "langso_db_writable %d\n", m->db_writable ? 1 : 0);
	}
	if (m->outbox_known) {
		const struct outbox_counts *oc = &m->outbox;

		fprintf(out, "# TYPE langso_outbox_messages gauge\n");
		fprintf(out, "langso_outbox_messages{status=\"queued\"} %lld\n", oc->queued);
		fprintf(out, "langso_outbox_messages{status=\"sending\"} %lld\n", oc->sending);
		fprintf(out, "langso_outbox_messages{status=\"accepted\"} %lld\n", oc->accepted);
		fprintf(out, "langso_outbox_messages{status=\"failed\"} %lld\n", oc->failed);
		fprintf(out, "langso_outbox_messages{status=\"delivered\"} %lld\n", oc->delivered);
		fprintf(out, "langso_outbox_messages{status=\"undelivered\"} %lld\n", oc->undelivered);
	}
	pthread_mutex_unlock(&m->mu);
}

unsigned long long
metrics_count(struct metrics *m, const char *name, const char *labels)
{
	unsigned long long n = 0;

	pthread_mutex_lock(&m->mu);
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->s[i].name, name) == 0 && strcmp(m->s[i].labels, labels) == 0)
			n = m->s[i].value;
	pthread_mutex_unlock(&m->mu);
	return n;
}
