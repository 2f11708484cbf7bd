/*
 * metrics.c - labelled counters, one latency histogram and the figures
 * /healthz reads. Every label takes its value from a fixed list (actions,
 * endpoints, statuses, sendsms outcomes, Kannel's DLR types); anything else,
 * a client's DLR type 77 or a future endpoint, counts as "other". The
 * counters are arrays sized from those lists, so nothing is ever dropped
 * and nothing is allocated after start.
 */
#include "gateway/metrics.h"
#include "parser/parser.h"
#include "storage/store.h"
#include "common/common.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

/* MO outcomes: every parser action, the same as a finished USSD flow
 * ("USSD_<action>"), and the gateway's own. */
#define N_OUTCOME (2 * CMD__COUNT + 4)
static const char *const outcome_extra[] = {"USSD", "duplicate", "bad_request", "error"};

static const char *const endpoints[] = {"mo", "dlr", "ussd", "kannel", "healthz", "metrics", "other"};
#define N_ENDPOINT (sizeof endpoints / sizeof endpoints[0])
static const int statuses[] = {200, 400, 403, 404, 405, 413, 414, 431, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0])
static const char *const sendsms[] = {"accepted", "failed", "retry"};
#define N_SENDSMS (sizeof sendsms / sizeof sendsms[0])
/* Kannel's DLR types (%d): delivered, undelivered, queued on the SMSC,
 * delivered to the SMSC, refused by the SMSC */
static const int dlr_types[] = {1, 2, 4, 8, 16};
#define N_DLR (sizeof dlr_types / sizeof dlr_types[0])

/* MO handling time buckets, seconds: from sub-millisecond SQLite commits to
 * the 10 s smsbox http-timeout. */
static const double buckets[] = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1, 10};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

/* Each array has one more slot than its list: the last one is "other". */
struct metrics {
	pthread_mutex_t mu;
	char outcome_name[N_OUTCOME][32];
	unsigned long long mo[N_OUTCOME + 1];
	unsigned long long http[N_ENDPOINT + 1][N_STATUS + 1];
	unsigned long long out[N_SENDSMS + 1];
	unsigned long long dlr[N_DLR + 1];
	unsigned long long hist[NBUCKETS + 1];
	double sum;
	unsigned long long count;
	/* figures (metrics_set_db, metrics_set_outbox) */
	bool db_known, db_writable;
	struct timespec db_at;
	bool outbox_known;
	struct outbox_counts outbox;
	int box;			/* metrics_box */
	void (*writer)(void *arg, FILE *out);
	void *writer_arg;
};

struct metrics *
metrics_new(void)
{
	struct metrics *m = xcalloc(1, sizeof *m);
	int k = 0;

	pthread_mutex_init(&m->mu, NULL);
	for (int a = 0; a < CMD__COUNT; a++) {
		snprintf(m->outcome_name[k++], sizeof m->outcome_name[0], "%s", cmd_action_name(a));
		snprintf(m->outcome_name[k++], sizeof m->outcome_name[0], "USSD_%s", cmd_action_name(a));
	}
	for (size_t i = 0; i < sizeof outcome_extra / sizeof outcome_extra[0]; i++)
		snprintf(m->outcome_name[k++], sizeof m->outcome_name[0], "%s", outcome_extra[i]);
	m->box = -1;
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

/* str_index: where s is in list, or n ("other"). */
static size_t
str_index(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return n;
}

static size_t
int_index(const int *list, size_t n, int v)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return i;
	return n;
}

void
metrics_mo(struct metrics *m, const char *outcome, double seconds)
{
	size_t b = 0, o = N_OUTCOME;

	for (size_t i = 0; i < N_OUTCOME; i++)
		if (strcmp(m->outcome_name[i], outcome) == 0) {
			o = i;
			break;
		}
	while (b < NBUCKETS && seconds > buckets[b])
		b++;
	pthread_mutex_lock(&m->mu);
	m->mo[o]++;
	m->hist[b]++;
	m->sum += seconds;
	m->count++;
	pthread_mutex_unlock(&m->mu);
}

void
metrics_http(struct metrics *m, const char *endpoint, int status)
{
	size_t e = str_index(endpoints, N_ENDPOINT, endpoint), st = int_index(statuses, N_STATUS, status);

	pthread_mutex_lock(&m->mu);
	m->http[e][st]++;
	pthread_mutex_unlock(&m->mu);
}

void
metrics_out(struct metrics *m, const char *outcome)
{
	size_t o = str_index(sendsms, N_SENDSMS, outcome);

	pthread_mutex_lock(&m->mu);
	m->out[o]++;
	pthread_mutex_unlock(&m->mu);
}

void
metrics_dlr(struct metrics *m, int type)
{
	size_t t = int_index(dlr_types, N_DLR, type);

	pthread_mutex_lock(&m->mu);
	m->dlr[t]++;
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

/* counter_family prints one family's non-zero samples after its TYPE line
 * (a family that never counted anything is left out). */
static void
counter_family(FILE *out, const char *name, const char *label, const unsigned long long *v,
    size_t n, const char *(*value)(const struct metrics *, size_t, char *, size_t),
    const struct metrics *m)
{
	bool any = false;
	char buf[32];

	for (size_t i = 0; i <= n && !any; i++)
		any = v[i] != 0;
	if (!any)
		return;
	fprintf(out, "# TYPE %s counter\n", name);
	for (size_t i = 0; i <= n; i++)
		if (v[i] != 0)
			fprintf(out, "%s{%s=\"%s\"} %llu\n", name, label,
			    i == n ? "other" : value(m, i, buf, sizeof buf), v[i]);
}

static const char *
outcome_value(const struct metrics *m, size_t i, char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return m->outcome_name[i];
}

static const char *
sendsms_value(const struct metrics *m, size_t i, char *buf, size_t len)
{
	(void)m;
	(void)buf;
	(void)len;
	return sendsms[i];
}

static const char *
dlr_value(const struct metrics *m, size_t i, char *buf, size_t len)
{
	(void)m;
	snprintf(buf, len, "%d", dlr_types[i]);
	return buf;
}

void
metrics_set_box(struct metrics *m, bool up)
{
	pthread_mutex_lock(&m->mu);
	m->box = up ? 1 : 0;
	pthread_mutex_unlock(&m->mu);
}

int
metrics_box(struct metrics *m)
{
	int rc;

	pthread_mutex_lock(&m->mu);
	rc = m->box;
	pthread_mutex_unlock(&m->mu);
	return rc;
}

void
metrics_set_writer(struct metrics *m, void (*fn)(void *arg, FILE *out), void *arg)
{
	pthread_mutex_lock(&m->mu);
	m->writer = fn;
	m->writer_arg = arg;
	pthread_mutex_unlock(&m->mu);
}

void
metrics_write(struct metrics *m, FILE *out)
{
	void (*writer)(void *, FILE *);
	void *writer_arg;

	unsigned long long cum = 0;
	bool any = false;

	pthread_mutex_lock(&m->mu);
	counter_family(out, "langso_mo_total", "outcome", m->mo, N_OUTCOME, outcome_value, m);
	for (size_t e = 0; e <= N_ENDPOINT; e++)
		for (size_t st = 0; st <= N_STATUS; st++) {
			char status[16];

			if (m->http[e][st] == 0)
				continue;
			if (!any)
				fprintf(out, "# TYPE langso_http_responses_total counter\n");
			any = true;
			if (st == N_STATUS)
				snprintf(status, sizeof status, "other");
			else
				snprintf(status, sizeof status, "%d", statuses[st]);
			fprintf(out, "langso_http_responses_total{endpoint=\"%s\",status=\"%s\"} %llu\n",
			    e == N_ENDPOINT ? "other" : endpoints[e], status, m->http[e][st]);
		}
	counter_family(out, "langso_sendsms_total", "outcome", m->out, N_SENDSMS, sendsms_value, m);
	counter_family(out, "langso_dlr_total", "type", m->dlr, N_DLR, dlr_value, m);
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
	writer = m->writer;
	writer_arg = m->writer_arg;
	pthread_mutex_unlock(&m->mu);
	/* outside the mutex: the writer takes its own */
	if (writer != NULL)
		writer(writer_arg, out);
}

unsigned long long
metrics_sendsms(struct metrics *m, const char *outcome)
{
	unsigned long long n;

	pthread_mutex_lock(&m->mu);
	n = m->out[str_index(sendsms, N_SENDSMS, outcome)];
	pthread_mutex_unlock(&m->mu);
	return n;
}
