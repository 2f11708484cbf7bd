/*
 * committer.c - the committer thread: a queue under one mutex, batches of
 * up to BATCH_MAX jobs, one transaction for the MOs of a batch and one for
 * its DLRs.
 */
#include "gateway/committer.h"
#include "actions/ussd_front.h"
#include "gateway/kannel.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "storage/store.h"
#include "common/common.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A batch is at most what smsbox has in flight (max-pending-requests 512
 * by default); 256 keeps a transaction short when a burst arrives. */
#define BATCH_MAX 256

struct committer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail;
	bool stopping;			/* no new jobs; the thread ends once the queue is empty */
	bool joined;
	struct actions *act;
	struct store *store;
	struct metrics *metrics;	/* told whether each batch could be written */
	int wake_fd;
	int delay_ms;
	void (*suspend)(void *conn);
	void (*resume)(void *conn);
};

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->text);
	free(j->raw);
	ussd_done_free(j->ussd_done);
	free(j);
}

/* the decoded request is copied into the job field by field */
_Static_assert(sizeof ((struct job *)0)->id == sizeof ((struct mo_req *)0)->id, "id");
_Static_assert(sizeof ((struct job *)0)->phone == sizeof ((struct mo_req *)0)->phone, "phone");
_Static_assert(sizeof ((struct job *)0)->to == sizeof ((struct mo_req *)0)->to, "to");
_Static_assert(sizeof ((struct job *)0)->smsc == sizeof ((struct mo_req *)0)->smsc, "smsc");
_Static_assert(sizeof ((struct job *)0)->session == sizeof ((struct mo_req *)0)->session, "session");
_Static_assert(sizeof ((struct job *)0)->its_session == sizeof ((struct mo_req *)0)->its_session,
    "its_session");

struct job *
job_new_mo(const struct mo_fields *f, char *why, size_t whylen)
{
	struct mo_req mo;
	struct job *j;

	if (request_mo(f, &mo, why, whylen) != 0)
		return NULL;
	j = xcalloc(1, sizeof *j);
	memcpy(j->id, mo.id, sizeof j->id);
	memcpy(j->phone, mo.phone, sizeof j->phone);
	memcpy(j->to, mo.to, sizeof j->to);
	memcpy(j->smsc, mo.smsc, sizeof j->smsc);
	j->text = mo.text;
	j->raw = xmalloc(f->text_len + 1);
	memcpy(j->raw, f->text, f->text_len);
	if (mo.ussd) {
		j->m.channel = MO_USSD_KANNEL;
		j->m.ussd_op = mo.ussd_op;
		memcpy(j->its_session, mo.its_session, sizeof j->its_session);
		memcpy(j->session, mo.session, sizeof j->session);
	}
	j->m.session = j->session;
	j->m.kannel_id = j->id;
	j->m.phone = j->phone;
	j->m.to = j->to;
	j->m.text = j->text;
	j->m.text_len = mo.text_len;
	j->m.raw = j->raw;
	j->m.raw_len = f->text_len;
	j->m.coding = f->coding;
	j->m.smsc = j->smsc;
	return j;
}

void
job_reply_meta(const struct job *j, char *out, size_t outlen)
{
	if (j->kind == JOB_MO && j->m.channel == MO_USSD_KANNEL)
		snprintf(out, outlen, "?smpp?ussd_service_op=%d&its_session_info=%s&",
		    j->reply.ussd_end ? 17 : 2, j->its_session);
	else if (outlen > 0)
		out[0] = '\0';
}

/* dlr_txn records n delivery reports in one transaction; false (rolled
 * back, each rc STORE_ERR) when any of them meets a database error. */
static bool
dlr_txn(struct committer *c, struct job **jobs, int n)
{
	int failed = store_begin(c->store) != STORE_OK;

	for (int i = 0; i < n && !failed; i++) {
		jobs[i]->rc = store_outbox_dlr(c->store, jobs[i]->dlr_id, jobs[i]->dlr_type,
		    jobs[i]->dlr_reply, jobs[i]->dlr_smscid);
		failed = jobs[i]->rc == STORE_ERR;
	}
	if (!failed && store_commit(c->store) != STORE_OK)
		failed = 1;
	if (failed) {
		store_rollback(c->store);
		for (int i = 0; i < n; i++)
			jobs[i]->rc = STORE_ERR;
	}
	return !failed;
}

/* commit_dlrs records the delivery reports of a batch in one transaction,
 * or, when that fails, each in its own: only a report that fails alone is
 * answered 503. */
static void
commit_dlrs(struct committer *c, struct job **jobs, int n)
{
	if (dlr_txn(c, jobs, n))
		return;
	if (n > 1)
		log_warnx("committer: a batch of %d DLRs failed (%s); recording each alone", n,
		    store_errmsg(c->store));
	for (int i = 0; i < n; i++)
		if (n == 1 || !dlr_txn(c, &jobs[i], 1))
			log_warnx("committer: DLR for message %lld not stored (answered: retry "
			    "later): %s", jobs[i]->dlr_id, store_errmsg(c->store));
}

static void
log_mo_failed(struct committer *c, const struct job *j)
{
	log_warnx("committer: MO %s from %s not stored (answered: retry later): %s", j->id, j->phone,
	    store_errmsg(c->store));
}

/* commit_mos runs the MOs of a batch in one transaction; returns how many
 * outbox rows they queued. When the batch fails, every MO of it is run
 * again alone, each in its own transaction: one message whose action fails
 * (or any fault that only one of them meets) is answered 503 by itself,
 * and the others are committed and answered. */
static int
commit_mos(struct committer *c, struct job **jobs, int n)
{
	const struct mo *m[BATCH_MAX];
	struct act_reply *r[BATCH_MAX];
	int rc, queued = 0, failed = 0;
	bool fresh = false;

	for (int i = 0; i < n; i++) {
		m[i] = &jobs[i]->m;
		r[i] = &jobs[i]->reply;
	}
	rc = actions_handle_batch(c->act, m, r, n);
	for (int i = 0; i < n; i++)
		jobs[i]->rc = rc;
	if (rc < 0 && n > 1) {
		log_warnx("committer: a batch of %d MOs failed (%s); running each alone", n,
		    store_errmsg(c->store));
		for (int i = 0; i < n; i++)
			if ((jobs[i]->rc = actions_handle_mo(c->act, m[i], r[i])) < 0)
				log_mo_failed(c, jobs[i]);
	} else if (rc < 0) {
		log_mo_failed(c, jobs[0]);
	}
	for (int i = 0; i < n; i++) {
		if (jobs[i]->rc < 0) {
			failed++;
			continue;
		}
		queued += jobs[i]->reply.queued;
		fresh = fresh || !jobs[i]->reply.duplicate;
	}
	if (failed == n)
		return 0;
	/* the test seam delays answers to newly stored MOs only, so a retry
	 * of the same id shows the stored reply coming back at once */
	if (c->delay_ms > 0 && fresh)
		usleep((useconds_t)c->delay_ms * 1000);
	return queued;
}

static void
commit_batch(struct committer *c, struct job **jobs, int n)
{
	struct job *mos[BATCH_MAX], *dlrs[BATCH_MAX];
	int nmo = 0, ndlr = 0;
	bool wrote = false;

	for (int i = 0; i < n; i++) {
		if (jobs[i]->kind == JOB_DLR)
			dlrs[ndlr++] = jobs[i];
		else
			mos[nmo++] = jobs[i];
	}
	if (ndlr > 0)
		commit_dlrs(c, dlrs, ndlr);
	if (nmo > 0 && commit_mos(c, mos, nmo) > 0 && c->wake_fd >= 0) {
		uint64_t one = 1;

		if (write(c->wake_fd, &one, sizeof one) < 0)
			log_debug("committer: wake outbox: write failed");
	}
	/* /healthz answers from this (and the outbox thread's probe): the
	 * database took a write if any message of the batch was committed */
	for (int i = 0; i < n && !wrote; i++)
		wrote = jobs[i]->kind == JOB_DLR ? jobs[i]->rc != STORE_ERR : jobs[i]->rc == 0;
	metrics_set_db(c->metrics, wrote);
	for (int i = 0; i < n; i++) {
		if (jobs[i]->done != NULL)
			jobs[i]->done(jobs[i]);
		else
			c->resume(jobs[i]->conn);
	}
}

static void *
run(void *arg)
{
	struct committer *c = arg;
	struct job *jobs[BATCH_MAX];

	for (;;) {
		int n = 0;

		pthread_mutex_lock(&c->mu);
		while (c->head == NULL && !c->stopping)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->head == NULL && c->stopping) {
			pthread_mutex_unlock(&c->mu);
			return NULL;
		}
		while (c->head != NULL && n < BATCH_MAX) {
			jobs[n++] = c->head;
			c->head = c->head->next;
		}
		if (c->head == NULL)
			c->tail = NULL;
		pthread_mutex_unlock(&c->mu);
		commit_batch(c, jobs, n);
	}
}

struct committer *
committer_start(struct actions *act, struct store *store, struct metrics *m, int wake_fd,
    int delay_ms, void (*suspend)(void *conn), void (*resume)(void *conn))
{
	struct committer *c = xcalloc(1, sizeof *c);

	c->act = act;
	c->store = store;
	c->metrics = m;
	c->wake_fd = wake_fd;
	c->delay_ms = delay_ms;
	c->suspend = suspend;
	c->resume = resume;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->thread, NULL, run, c) != 0) {
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		free(c);
		return NULL;
	}
	return c;
}

int
committer_submit(struct committer *c, struct job *j)
{
	pthread_mutex_lock(&c->mu);
	if (c->stopping) {
		pthread_mutex_unlock(&c->mu);
		return -1;
	}
	/* suspended before the committer can see the job: it resumes it */
	if (j->done == NULL)
		c->suspend(j->conn);
	j->next = NULL;
	if (c->tail)
		c->tail->next = j;
	else
		c->head = j;
	c->tail = j;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

void
committer_drain(struct committer *c)
{
	if (c == NULL || c->joined)
		return;
	pthread_mutex_lock(&c->mu);
	c->stopping = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	c->joined = true;
}

void
committer_stop(struct committer *c)
{
	if (c == NULL)
		return;
	committer_drain(c);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}
