/*
 * outbox.c - the outbox worker. Its loop has beanstalkd's shape: work out
 * the next deadline (a due message, a rate token, a request finishing),
 * wait for it or for a wake-up, do what is due. Kannel's sendsms with a DLR
 * requested takes ~9 ms a request (kannel.md §5), so throughput comes from
 * many requests in flight, not from a faster single request.
 */
#include "gateway/outbox.h"
#include "gateway/conf.h"
#include "gateway/kannel.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "actions/actions.h"
#include "storage/store.h"
#include "common/common.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* A sendsms answer is one status line ("0: Accepted for delivery"); keep
 * enough of it to show the operator, drop the rest. */
#define ANSWER_MAX 256
#define BACKOFF_MAX_S 60
#define ANSWERS_MAX 256

/* ---- the sendsms backend: libcurl multi, keep-alive connections ---- */

struct sendsms_req {
	struct outbox_msg msg;
	CURL *easy;
	char *url;
	char answer[ANSWER_MAX];
	size_t answer_len;
	struct sendsms_req *prev, *next;	/* on sendsms.reqs while in flight */
};

struct sendsms {
	const struct conf *conf;
	CURLM *multi;
	int active;
	struct sendsms_req *reqs;	/* in flight: freed with the backend if
					 * smsbox has not answered by the stop */
};

struct outbox {
	const struct conf *conf;
	struct store *s;
	struct metrics *m;
	const struct outbox_backend *be;
	void *t;			/* the backend's state */
	int window;			/* claimed at most at once */
	int wake_fd;
	double tokens;			/* rate limiter: sends allowed now */
	struct timespec last_refill;
	struct outbox_msg *claimed;	/* scratch for store_outbox_claim */
	struct outbox_answer *answers;	/* scratch for be->answers */
	struct actions *ticker;		/* periodic duties, or NULL */
	volatile sig_atomic_t *reload;	/* set by SIGHUP: call reload_fn */
	void (*reload_fn)(void *);
	void *reload_arg;
	double next_tick;
	double next_count;		/* next outbox count for /metrics */
};

/* Order expiry and other time-driven duties need no finer clock. */
#define TICK_SECONDS 1
#define STALE_SENDING_S 120
/* The outbox depth /metrics shows is counted this often (a scan of the
 * table: cheap, but not for every tick). */
#define COUNT_SECONDS 2

static double
mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* sendsms backend */
static void sendsms_free(void *t);

static int
sendsms_capacity(void *t)
{
	struct sendsms *ss = t;

	return ss->conf->inflight - ss->active;
}

static int
sendsms_in_flight(void *t)
{
	return ((struct sendsms *)t)->active;
}

static int sendsms_send(void *t, const struct outbox_msg *m, char *why, size_t whylen);
static void sendsms_wait(void *t, int wake_fd, int ms);
static int sendsms_answers(void *t, struct outbox_answer *out, int max);

static const struct outbox_backend sendsms_backend = {
	.name = "sendsms",
	.capacity = sendsms_capacity,
	.in_flight = sendsms_in_flight,
	.send = sendsms_send,
	.wait = sendsms_wait,
	.answers = sendsms_answers,
	.free = sendsms_free,
};

static struct sendsms *
sendsms_new(const struct conf *conf, char *err, size_t errlen)
{
	struct sendsms *ss;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl initialisation failed");
		return NULL;
	}
	ss = xcalloc(1, sizeof *ss);
	ss->conf = conf;
	if ((ss->multi = curl_multi_init()) == NULL) {
		snprintf(err, errlen, "cannot create the sendsms client");
		free(ss);
		curl_global_cleanup();
		return NULL;
	}
	curl_multi_setopt(ss->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)conf->inflight);
	curl_multi_setopt(ss->multi, CURLMOPT_MAXCONNECTS, (long)conf->inflight);
	return ss;
}

static void sendsms_req_free(struct sendsms *ss, struct sendsms_req *j);

static void
sendsms_free(void *t)
{
	struct sendsms *ss = t;

	if (ss == NULL)
		return;
	/* requests smsbox did not answer before the stop: their rows stay
	 * 'sending' and are queued again at the next start */
	while (ss->reqs != NULL)
		sendsms_req_free(ss, ss->reqs);
	curl_multi_cleanup(ss->multi);
	free(ss);
	curl_global_cleanup();
}

struct outbox *
outbox_new(const struct conf *conf, struct store *s, struct metrics *m,
    const struct outbox_backend *be, void *t, char *err, size_t errlen)
{
	struct outbox *o;

	if (be == NULL) {
		if ((t = sendsms_new(conf, err, errlen)) == NULL)
			return NULL;
		be = &sendsms_backend;
	}
	o = xcalloc(1, sizeof *o);
	o->conf = conf;
	o->s = s;
	o->m = m;
	o->be = be;
	o->t = t;
	/* the most any backend takes at once: scratch for claims */
	o->window = conf->inflight > conf->box_window ? conf->inflight : conf->box_window;
	o->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (o->wake_fd < 0) {
		snprintf(err, errlen, "cannot create the outbox worker's event handles");
		outbox_free(o);
		return NULL;
	}
	o->claimed = xcalloc((size_t)o->window, sizeof *o->claimed);
	o->answers = xcalloc(ANSWERS_MAX, sizeof *o->answers);
	o->tokens = 1;
	clock_gettime(CLOCK_MONOTONIC, &o->last_refill);
	return o;
}

void
outbox_free(struct outbox *o)
{
	if (o == NULL)
		return;
	o->be->free(o->t);
	if (o->wake_fd >= 0)
		close(o->wake_fd);
	free(o->claimed);
	free(o->answers);
	free(o);
}

void
outbox_set_reload(struct outbox *o, volatile sig_atomic_t *flag, void (*fn)(void *), void *arg)
{
	o->reload = flag;
	o->reload_fn = fn;
	o->reload_arg = arg;
}

void
outbox_set_ticker(struct outbox *o, struct actions *act)
{
	o->ticker = act;
}

static void
tick(struct outbox *o)
{
	double now = mono_now();
	int n = 0;

	if (now < o->next_tick)
		return;
	o->next_tick = now + TICK_SECONDS;
	/* the MO committer does not checkpoint (main.c): it is done here */
	if (store_checkpoint(o->s) != STORE_OK)
		log_warnx("outbox: WAL checkpoint failed: %s", store_errmsg(o->s));
	/* a request lasts at most CURLOPT_TIMEOUT (20 s): a row still marked
	 * sending long after is one whose answer could not be recorded */
	if (store_outbox_requeue_stale(o->s, (long long)time(NULL), STALE_SENDING_S, &n) != STORE_OK)
		log_warnx("outbox: cannot requeue stale rows: %s", store_errmsg(o->s));
	else if (n > 0)
		log_warnx("outbox: %d message(s) stuck in sending for %ds: queued again", n, STALE_SENDING_S);
	if (o->ticker != NULL && actions_tick(o->ticker) < 0)
		log_warnx("outbox: periodic duties failed: %s", store_errmsg(o->s));
	/* the figures /healthz and /metrics answer from (the HTTP thread runs
	 * no SQL): is the database writable, and the outbox by status */
	metrics_set_db(o->m, store_check_writable(o->s) == STORE_OK);
	if (now >= o->next_count) {
		struct outbox_counts oc;

		o->next_count = now + COUNT_SECONDS;
		if (store_outbox_counts(o->s, &oc) == STORE_OK)
			metrics_set_outbox(o->m, &oc);
		else
			log_warnx("outbox: cannot count the outbox: %s", store_errmsg(o->s));
	}
}

int
outbox_wake_fd(const struct outbox *o)
{
	return o->wake_fd;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct sendsms_req *j = arg;
	size_t len = size * n, room = sizeof j->answer - 1 - j->answer_len;

	if (len > room)
		len = room;
	memcpy(j->answer + j->answer_len, data, len);
	j->answer_len += len;
	j->answer[j->answer_len] = '\0';
	return size * n;
}

/* sendsms_url builds the GET request of contract.md "Outgoing messages";
 * every value is escaped once, so the %d/%A/%F of the dlr-url reach Kannel
 * as its escape codes. Returns a new string (caller frees). */
static char *
sendsms_url(const struct conf *c, CURL *e, const struct outbox_msg *m)
{
	char dlr[700], *url = NULL;
	char *user = curl_easy_escape(e, c->username, 0);
	char *pass = curl_easy_escape(e, c->password, 0);
	char *from = curl_easy_escape(e, c->sender, 0);
	char *to = curl_easy_escape(e, m->phone, 0);
	char *text = curl_easy_escape(e, m->text, 0);
	char *dlr_esc;

	snprintf(dlr, sizeof dlr, "%s%cid=%lld&type=%%d&reply=%%A&smscid=%%F",
	    c->dlr_url, strchr(c->dlr_url, '?') ? '&' : '?', m->id);
	dlr_esc = curl_easy_escape(e, dlr, 0);
	if (asprintf(&url, "%s%cusername=%s&password=%s&from=%s&to=%s&text=%s"
	    "&coding=%d&charset=UTF-8&dlr-mask=31&dlr-url=%s",
	    c->sendsms_url, strchr(c->sendsms_url, '?') ? '&' : '?',
	    user, pass, from, to, text, m->coding, dlr_esc) < 0)
		url = NULL;
	curl_free(user);
	curl_free(pass);
	curl_free(from);
	curl_free(to);
	curl_free(text);
	curl_free(dlr_esc);
	return url;
}

static int
sendsms_send(void *t, const struct outbox_msg *m, char *why, size_t whylen)
{
	struct sendsms *ss = t;
	struct sendsms_req *j = xcalloc(1, sizeof *j);

	j->msg = *m;
	j->easy = curl_easy_init();
	if (j->easy == NULL || (j->url = sendsms_url(ss->conf, j->easy, m)) == NULL) {
		snprintf(why, whylen, "internal: request not built");
		if (j->easy)
			curl_easy_cleanup(j->easy);
		free(j);
		return -1;
	}
	curl_easy_setopt(j->easy, CURLOPT_URL, j->url);
	curl_easy_setopt(j->easy, CURLOPT_PRIVATE, j);
	curl_easy_setopt(j->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(j->easy, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(j->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(j->easy, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(j->easy, CURLOPT_TIMEOUT_MS, 20000L);
	curl_easy_setopt(j->easy, CURLOPT_TCP_NODELAY, 1L);
	curl_multi_add_handle(ss->multi, j->easy);
	j->next = ss->reqs;
	if (ss->reqs != NULL)
		ss->reqs->prev = j;
	ss->reqs = j;
	ss->active++;
	return 0;
}

/* sendsms_req_free takes a request off the multi handle and the list. */
static void
sendsms_req_free(struct sendsms *ss, struct sendsms_req *j)
{
	if (j->prev != NULL)
		j->prev->next = j->next;
	else
		ss->reqs = j->next;
	if (j->next != NULL)
		j->next->prev = j->prev;
	curl_multi_remove_handle(ss->multi, j->easy);
	curl_easy_cleanup(j->easy);
	free(j->url);
	free(j);
	ss->active--;
}

/* sendsms_answer turns a finished request into its answer and frees it. */
static void
sendsms_answer(struct sendsms *ss, struct sendsms_req *j, CURLcode cc, struct outbox_answer *a)
{
	long status = 0;

	if (cc == CURLE_OK)
		curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	j->answer[strcspn(j->answer, "\r\n")] = '\0';
	if (cc == CURLE_OK)
		snprintf(a->text, sizeof a->text, "%ld %.200s", status, j->answer);
	else
		snprintf(a->text, sizeof a->text, "error: %s", curl_easy_strerror(cc));
	switch (kannel_classify(status, j->answer)) {
	case KANNEL_ACCEPTED: a->verdict = SENT_ACCEPTED; break;
	case KANNEL_FAILED: a->verdict = SENT_FAILED; break;
	case KANNEL_RETRY: a->verdict = SENT_RETRY; break;
	}
	a->msg = j->msg;
	sendsms_req_free(ss, j);
}

static int
sendsms_answers(void *t, struct outbox_answer *out, int max)
{
	struct sendsms *ss = t;
	CURLMsg *msg;
	int left, running, n = 0;

	curl_multi_perform(ss->multi, &running);
	while (n < max && (msg = curl_multi_info_read(ss->multi, &left)) != NULL) {
		struct sendsms_req *j = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		sendsms_answer(ss, j, msg->data.result, &out[n++]);
	}
	return n;
}

static void
sendsms_wait(void *t, int wake_fd, int ms)
{
	struct sendsms *ss = t;
	struct curl_waitfd wfd = {.fd = wake_fd, .events = CURL_WAIT_POLLIN};
	int running;

	curl_multi_perform(ss->multi, &running);
	curl_multi_poll(ss->multi, &wfd, 1, ms, NULL);
}

/* record keeps one answer in the outbox table: accepted, failed for good,
 * or retried with back-off. */
static void
record(struct outbox *o, const struct outbox_answer *a)
{
	int rc;

	if (a->verdict == SENT_ACCEPTED) {
		rc = store_outbox_accepted(o->s, a->msg.id, a->text);
		metrics_out(o->m, "accepted");
	} else if (a->verdict == SENT_FAILED) {
		rc = store_outbox_failed(o->s, a->msg.id, a->text);
		metrics_out(o->m, "failed");
		log_warnx("outbox: #%lld refused for good: %s", a->msg.id, a->text);
	} else {
		int shift = a->msg.attempts < 6 ? a->msg.attempts : 6;
		long long delay = 1LL << shift;

		if (delay > BACKOFF_MAX_S)
			delay = BACKOFF_MAX_S;
		rc = store_outbox_retry(o->s, a->msg.id, (long long)time(NULL) + delay, a->text);
		metrics_out(o->m, "retry");
		log_debug("outbox: #%lld retry in %llds: %s", a->msg.id, delay, a->text);
	}
	if (rc != STORE_OK)
		log_warnx("outbox: cannot record the answer for #%lld: %s", a->msg.id,
		    store_errmsg(o->s));
}

/* reap records every answer that arrived, in one transaction: at the box's
 * thousands of acks a second, a commit each would be the bottleneck. */
static void
reap(struct outbox *o)
{
	int n;

	while ((n = o->be->answers(o->t, o->answers, ANSWERS_MAX)) > 0) {
		bool txn = n > 1 && store_begin(o->s) == STORE_OK;

		for (int i = 0; i < n; i++)
			record(o, &o->answers[i]);
		if (txn && store_commit(o->s) != STORE_OK) {
			log_warnx("outbox: cannot commit %d answers: %s (the rows stay sending and "
			    "are sent again)", n, store_errmsg(o->s));
			store_rollback(o->s);
		}
		if (n < ANSWERS_MAX)
			break;
	}
}

static void
refill(struct outbox *o)
{
	struct timespec now;
	double dt, cap = o->conf->rate > 1 ? o->conf->rate : 1;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - o->last_refill.tv_sec) +
	    (double)(now.tv_nsec - o->last_refill.tv_nsec) / 1e9;
	o->last_refill = now;
	o->tokens += dt * o->conf->rate;
	/* a one-second burst at most, so the rate holds over any second */
	if (o->tokens > cap)
		o->tokens = cap;
}

/* claim_due hands as many due messages to the backend as it has room for
 * and tokens allow. Returns how many it claimed. */
static int
claim_due(struct outbox *o)
{
	int want = o->be->capacity(o->t), n = 0;
	long long due;

	if (want > o->window)
		want = o->window;
	if ((double)want > o->tokens)
		want = (int)o->tokens;
	if (want <= 0)
		return 0;
	/* a read first: claiming takes the write lock, which would make the MO
	 * handler wait on every wake-up when nothing is due */
	if (store_outbox_next_due(o->s, &due) != STORE_OK || due > (long long)time(NULL))
		return 0;
	if (store_outbox_claim(o->s, (long long)time(NULL), want, o->claimed, &n) != STORE_OK) {
		log_warnx("outbox: claim failed: %s", store_errmsg(o->s));
		return 0;
	}
	for (int i = 0; i < n; i++) {
		char why[128];

		if (o->be->send(o->t, &o->claimed[i], why, sizeof why) != 0) {
			log_warnx("outbox: #%lld not sent: %s", o->claimed[i].id, why);
			store_outbox_retry(o->s, o->claimed[i].id, time(NULL) + 1, why);
		}
	}
	o->tokens -= n;
	return n;
}

/* next_wait_ms: how long the loop may sleep before something is due. */
static int
next_wait_ms(struct outbox *o, int started)
{
	long long due;
	long long now = (long long)time(NULL);

	if (o->be->capacity(o->t) <= 0)
		return 1000;			/* an answer (or the box coming up) wakes us */
	if (o->tokens < 1)
		return (int)((1 - o->tokens) * 1000 / o->conf->rate) + 1;
	if (started > 0)
		return 0;			/* there may be more due now */
	if (store_outbox_next_due(o->s, &due) == STORE_OK) {
		if (due <= now)
			return 0;
		return due - now > 1 ? 1000 : (int)(due - now) * 1000;
	}
	/* other processes (langso send) may add rows without waking us */
	return 500;
}

void
outbox_run(struct outbox *o, volatile sig_atomic_t *stop)
{
	int n = 0;
	double stop_deadline = 0;

	if (store_outbox_requeue_sending(o->s, &n) != STORE_OK)
		log_warnx("outbox: cannot requeue messages: %s", store_errmsg(o->s));
	else if (n > 0)
		log_info("outbox: %d message(s) were in flight at the last stop; sending again", n);
	for (;;) {
		int started = 0, wait;
		uint64_t v;

		if (*stop) {
			if (stop_deadline == 0)
				stop_deadline = mono_now() + 5;
			if (o->be->in_flight(o->t) == 0 || mono_now() > stop_deadline)
				break;
		} else {
			if (o->reload != NULL && *o->reload) {
				*o->reload = 0;
				o->reload_fn(o->reload_arg);
			}
			tick(o);
			refill(o);
			started = claim_due(o);
		}
		reap(o);
		wait = *stop ? 100 : next_wait_ms(o, started);
		if (wait > 0)
			o->be->wait(o->t, o->wake_fd, wait);
		if (read(o->wake_fd, &v, sizeof v) < 0) {
			/* EAGAIN: nobody woke us */
		}
		reap(o);
	}
	if ((n = o->be->in_flight(o->t)) > 0)
		log_warnx("outbox: %d message(s) still in flight at stop (%s); they are sent again at "
		    "the next start", n, o->be->name);
}
