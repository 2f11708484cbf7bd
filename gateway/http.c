/*
 * http.c - the endpoints of contract.md on libmicrohttpd. Request state is
 * created in the URI-log callback (so the raw query string, with UTF-16BE
 * bytes MHD's own parser would cut at %00, is kept) and freed in the
 * completion callback. Every handler answers; none exits the process.
 */
#include "gateway/http.h"
#include "gateway/committer.h"
#include "gateway/conf.h"
#include "gateway/kannel.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/request.h"
#include "actions/actions.h"
#include "actions/ussd_front.h"
#include "storage/store.h"
#include "common/common.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One accepted connection, from MHD's connect notice to its close notice:
 * while it is receiving a request (from its accept or the previous answer
 * until the request is whole), the watchdog cuts it after request_timeout
 * seconds however slowly the bytes trickle in. */
struct tracked {
	int fd;
	bool receiving;
	bool cut;
	struct timespec since;
	struct tracked *prev, *next;
};

struct http {
	struct MHD_Daemon *d;
	struct committer *committer;	/* runs every MO and DLR (committer.h) */
	struct ussd_front *front;	/* POST /ussd on this thread; NULL: all by the committer */
	struct act_reply ussd_reply;	/* scratch of a step the front answers */
	const struct conf *conf;
	struct metrics *metrics;
	/* requests handed to the committer and not yet completed: http_stop
	 * waits for them to be answered before it stops MHD */
	atomic_int pending;
	/* the watchdog (see struct tracked); track_mu guards the list and
	 * wd_stop */
	pthread_mutex_t track_mu;
	pthread_cond_t wd_cv;
	struct tracked *tracked;
	pthread_t watchdog;
	bool wd_stop;
};

struct req {
	struct job *job;		/* set while the request is with the committer */
	char *uri;			/* path and raw query string */
	char *body;
	size_t body_len, body_cap;
	int started;
	int too_big;
	bool uri_too_long;
	struct timespec t0;
};

/* Request limits. MHD answers on its own (with an HTML page) only what
 * does not fit its per-connection pool (CONN_MEMORY); below that langso
 * answers 414/431 itself with one line of text. smsbox's longest GET (10
 * UCS-2 parts, every byte %XX-escaped, meta-data) is under 5 KiB. MHD
 * 0.9.75 zeroes the whole pool for every request: 32 KiB of it cost about
 * 2 us a step (bench/http_libs.sh), so it is no bigger than the limits
 * need. */
#define CONN_MEMORY (8 * 1024)
#define URI_MAX (6 * 1024)
#define HEADERS_MAX (2 * 1024)

static double
elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* from_kannel: smsbox (MO and DLR callbacks) names itself Kannel/<version>.
 * Kannel 1.4.5's HTTP client spends about three times the CPU on a reused
 * connection as on a fresh one (measured: bench/kannel.sh, 1,340 -> 2,030
 * MO/s end to end), so by default its connections are closed after each
 * answer; [http] kannel_keepalive = true keeps them. */
static bool
from_kannel(struct MHD_Connection *c)
{
	const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");

	return ua != NULL && strncmp(ua, "Kannel/", 7) == 0;
}

static enum MHD_Result
respond(struct MHD_Connection *c, struct http *h, const char *endpoint, unsigned status,
    const char *body, const char *coding, const char *meta)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=UTF-8");
	if (!h->conf->kannel_keepalive && from_kannel(c))
		MHD_add_response_header(r, "Connection", "close");
	if (coding)
		MHD_add_response_header(r, "X-Kannel-Coding", coding);
	if (meta)
		MHD_add_response_header(r, "X-Kannel-Meta-Data", meta);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	metrics_http(h->metrics, endpoint, (int)status);
	return ret;
}

/* ipv4_text is inet_ntop for AF_INET without its sprintf: every request's
 * address is written out to be checked against the allow lists. */
static void
ipv4_text(const struct in_addr *in, char *out, size_t len)
{
	const unsigned char *b = (const unsigned char *)&in->s_addr;
	char buf[INET_ADDRSTRLEN], *p = buf;

	for (int i = 0; i < 4; i++) {
		if (i > 0)
			*p++ = '.';
		if (b[i] >= 100)
			*p++ = (char)('0' + b[i] / 100);
		if (b[i] >= 10)
			*p++ = (char)('0' + b[i] / 10 % 10);
		*p++ = (char)('0' + b[i] % 10);
	}
	*p = '\0';
	str_copy(out, len, buf);
}

/* addr_text writes a client address as conf's allow lists spell it. */
static void
addr_text(const struct sockaddr *sa, char *addr, size_t len)
{
	addr[0] = '\0';
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		ipv4_text(&((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, (socklen_t)len);
}

static bool
in_list(const char list[][48], int n, const char *addr)
{
	for (int i = 0; i < n; i++)
		if (addr[0] != '\0' && strcmp(list[i], addr) == 0)
			return true;
	return false;
}

/* client_allowed: the connection's client is in [http] allow (or, when
 * monitoring, in metrics_allow too). */
static bool
client_allowed(struct MHD_Connection *c, const struct conf *conf, bool monitoring)
{
	const union MHD_ConnectionInfo *ci;
	char addr[INET6_ADDRSTRLEN];

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL)
		return false;
	addr_text(ci->client_addr, addr, sizeof addr);
	return in_list(conf->allow_list, conf->allow_n, addr) ||
	    (monitoring && in_list(conf->metrics_allow_list, conf->metrics_allow_n, addr));
}

/* on_accept: MHD's accept policy. A client in neither allow list is
 * closed at once, before it can hold a connection slot. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
	const struct http *h = cls;
	char addr[INET6_ADDRSTRLEN];

	(void)len;	/* unused: MHD callback signature */
	addr_text(sa, addr, sizeof addr);
	if (in_list(h->conf->allow_list, h->conf->allow_n, addr) ||
	    in_list(h->conf->metrics_allow_list, h->conf->metrics_allow_n, addr))
		return MHD_YES;
	log_debug("http: connection from %s refused (not in allow)", addr);
	return MHD_NO;
}

/* on_connection tracks every connection for the watchdog. */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct http *h = cls;
	struct tracked *t;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);

		t = xcalloc(1, sizeof *t);
		t->fd = ci ? ci->connect_fd : -1;
		t->receiving = true;
		clock_gettime(CLOCK_MONOTONIC, &t->since);
		pthread_mutex_lock(&h->track_mu);
		t->next = h->tracked;
		if (h->tracked)
			h->tracked->prev = t;
		h->tracked = t;
		pthread_mutex_unlock(&h->track_mu);
		*socket_context = t;
		return;
	}
	/* closed: MHD closes the socket only after this notice, so the
	 * watchdog never touches a descriptor reused by someone else */
	if ((t = *socket_context) == NULL)
		return;
	pthread_mutex_lock(&h->track_mu);
	if (t->prev)
		t->prev->next = t->next;
	else
		h->tracked = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&h->track_mu);
	free(t);
	*socket_context = NULL;
}

/* set_receiving: the connection's request is whole (false), or it now
 * waits for the next one (true; the clock starts again). */
static void
set_receiving(struct http *h, struct MHD_Connection *c, bool receiving)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct tracked *t;

	if (ci == NULL || (t = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&h->track_mu);
	t->receiving = receiving;
	if (receiving)
		clock_gettime(CLOCK_MONOTONIC, &t->since);
	pthread_mutex_unlock(&h->track_mu);
}

/* watchdog: every 250 ms, shuts down the sockets of connections that have
 * been receiving one request for longer than request_timeout; MHD then
 * sees the end of the stream and closes them. MHD's own timeout only
 * counts silence, so one byte now and then would keep a slot forever. */
static void *
watchdog(void *arg)
{
	struct http *h = arg;

	pthread_mutex_lock(&h->track_mu);
	while (!h->wd_stop) {
		struct timespec now, wake;

		clock_gettime(CLOCK_MONOTONIC, &now);
		for (struct tracked *t = h->tracked; t != NULL; t = t->next) {
			double age = (double)(now.tv_sec - t->since.tv_sec) +
			    (double)(now.tv_nsec - t->since.tv_nsec) / 1e9;

			if (t->receiving && !t->cut && t->fd >= 0 && age >= h->conf->request_timeout) {
				shutdown(t->fd, SHUT_RDWR);
				t->cut = true;
				log_debug("http: connection cut after %.1f s without a whole request", age);
			}
		}
		wake = now;
		wake.tv_nsec += 250 * 1000 * 1000;
		if (wake.tv_nsec >= 1000 * 1000 * 1000) {
			wake.tv_sec++;
			wake.tv_nsec -= 1000 * 1000 * 1000;
		}
		pthread_cond_timedwait(&h->wd_cv, &h->track_mu, &wake);
	}
	pthread_mutex_unlock(&h->track_mu);
	return NULL;
}

/* token_ok compares in constant time, so the token cannot be guessed byte
 * by byte from response times. */
static bool
token_ok(const struct conf *conf, const struct kv *kvs, int n)
{
	const struct kv *t;
	size_t len = strlen(conf->token);
	unsigned char diff = 0;

	if (len == 0)
		return true;
	t = kv_get(kvs, n, "token");
	if (t == NULL || t->vlen != len)
		return false;
	for (size_t i = 0; i < len; i++)
		diff |= (unsigned char)(t->val[i] ^ conf->token[i]);
	return diff == 0;
}

static enum MHD_Result enqueue(struct http *h, struct MHD_Connection *c, struct req *r,
    struct job *j);

/* answer_bad sends a 400 with why (and a newline) as its body. */
static enum MHD_Result
answer_bad(struct http *h, struct MHD_Connection *c, const char *endpoint, const char *why)
{
	char msg[160];

	snprintf(msg, sizeof msg, "%s\n", why);
	return respond(c, h, endpoint, 400, msg, NULL, NULL);
}

/* handle_mo checks and decodes the MO (request.c) and hands it to the
 * committer. */
static enum MHD_Result
handle_mo(struct http *h, struct MHD_Connection *c, struct req *r, const struct mo_fields *f)
{
	struct job *j;
	char why[128];

	if ((j = job_new_mo(f, why, sizeof why)) == NULL) {
		metrics_mo(h->metrics, "bad_request", elapsed(&r->t0));
		return answer_bad(h, c, "mo", why);
	}
	return enqueue(h, c, r, j);
}

/* enqueue hands the job to the committer, which suspends the connection
 * until the job is done. */
static enum MHD_Result
enqueue(struct http *h, struct MHD_Connection *c, struct req *r, struct job *j)
{
	j->conn = c;
	if (committer_submit(h->committer, j) < 0) {
		job_free(j);
		return respond(c, h, "mo", 503, "shutting down, retry later\n", NULL, NULL);
	}
	atomic_fetch_add(&h->pending, 1);
	r->job = j;
	return MHD_YES;
}

/* answer_screen sends a USSD screen to the aggregator: "CON text" (wait
 * for input) or "END text". */
static enum MHD_Result
answer_screen(struct http *h, struct MHD_Connection *c, const struct act_reply *r)
{
	char screen[4 + sizeof r->text];

	memcpy(screen, r->ussd_end ? "END " : "CON ", 4);
	str_copy(screen + 4, sizeof screen - 4, r->text);
	return respond(c, h, "ussd", 200, screen, NULL, NULL);
}

/* answer_mo sends the committer's result for a resumed connection. */
static enum MHD_Result
answer_mo(struct http *h, struct MHD_Connection *c, struct req *r)
{
	struct job *j = r->job;
	char coding[4];

	if (j->kind == JOB_DLR) {
		if (j->rc == STORE_NONE)
			return respond(c, h, "dlr", 404, "no such message\n", NULL, NULL);
		if (j->rc != STORE_OK)
			return respond(c, h, "dlr", 503, "database unavailable, retry later\n", NULL, NULL);
		metrics_dlr(h->metrics, j->dlr_type);
		return respond(c, h, "dlr", 200, "ok\n", NULL, NULL);
	}
	if (j->m.ussd_done != NULL)
		ussd_front_committed(h->front, &j->m, &j->reply, j->rc);
	if (j->rc < 0) {
		metrics_mo(h->metrics, "error", elapsed(&r->t0));
		return respond(c, h, "mo", 503, "database unavailable, retry later\n", NULL, NULL);
	}
	metrics_mo(h->metrics, j->reply.duplicate ? "duplicate" : j->reply.action, elapsed(&r->t0));
	if (j->m.channel == MO_USSD_HTTP)
		return answer_screen(h, c, &j->reply);
	snprintf(coding, sizeof coding, "%d", j->reply.coding);
	if (j->m.channel == MO_USSD_KANNEL) {
		char meta[128];

		job_reply_meta(j, meta, sizeof meta);
		return respond(c, h, "mo", 200, j->reply.text, coding, meta);
	}
	return respond(c, h, "mo", 200, j->reply.text, coding, NULL);
}

/* handle_ussd_http: POST /ussd from an aggregator (Africa's Talking style):
 * form fields sessionId, serviceCode, phoneNumber, text (the *-joined
 * history). The step is named by phone, session and history (request.c),
 * so a retried callback gets the same screen and changes nothing, and no
 * other phone's step is ever taken for it. */
/* ussd_mo: the step as struct mo, pointing into u (or into a job's copy
 * of it: ussd_job). */
static void
ussd_mo(struct mo *m, const char *phone, const char *session, const char *id, const char *text,
    size_t text_len)
{
	memset(m, 0, sizeof *m);
	m->channel = MO_USSD_HTTP;
	m->session = session;
	m->kannel_id = id;
	m->phone = phone;
	m->to = "";
	m->text = text;
	m->text_len = text_len;
	m->raw = text;
	m->raw_len = text_len;
	m->smsc = "ussd-http";
}

/* ussd_job: the committer's job for the step (it takes u's text), with
 * the front's finished command when there is one. Only a step that goes
 * to the committer is copied: the front answers the others from u. */
static struct job *
ussd_job(struct ussd_req *u, struct ussd_done *done)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->text = u->text;
	j->raw = xstrdup(u->text);
	memcpy(j->phone, u->phone, sizeof j->phone);
	memcpy(j->session, u->session, sizeof j->session);
	memcpy(j->id, u->id, sizeof j->id);
	ussd_mo(&j->m, j->phone, j->session, j->id, j->text, u->text_len);
	j->m.raw = j->raw;
	j->ussd_done = done;
	j->m.ussd_done = done;
	return j;
}

static enum MHD_Result
handle_ussd_http(struct http *h, struct MHD_Connection *c, struct req *r)
{
	struct ussd_req u;
	struct ussd_done *done;
	struct mo m;
	char why[128];

	if (request_ussd(r->body, &u, why, sizeof why) != 0)
		return answer_bad(h, c, "ussd", why);
	if (h->front == NULL)
		return enqueue(h, c, r, ussd_job(&u, NULL));
	/* the front answers what needs no commit here, on this thread */
	ussd_mo(&m, u.phone, u.session, u.id, u.text, u.text_len);
	switch (ussd_front_step(h->front, &m, &h->ussd_reply, &done)) {
	case USSD_FRONT_COMMIT:
		return enqueue(h, c, r, ussd_job(&u, done));
	case USSD_FRONT_ANSWERED:
		free(u.text);
		metrics_mo(h->metrics, h->ussd_reply.action, elapsed(&r->t0));
		return answer_screen(h, c, &h->ussd_reply);
	case USSD_FRONT_ERROR:
		break;
	}
	log_warnx("http: USSD step from %s not answered (retry later): %s", u.phone,
	    ussd_front_errmsg(h->front));
	ussd_done_free(done);
	free(u.text);
	metrics_mo(h->metrics, "error", elapsed(&r->t0));
	return respond(c, h, "ussd", 503, "END database unavailable, retry later\n", NULL, NULL);
}

static enum MHD_Result
handle_mo_get(struct http *h, struct MHD_Connection *c, struct req *r, const struct kv *kvs, int n)
{
	struct mo_fields f;

	request_mo_get_fields(kvs, n, &f);
	return handle_mo(h, c, r, &f);
}

static enum MHD_Result
handle_mo_post(struct http *h, struct MHD_Connection *c, struct req *r, const struct kv *kvs, int n)
{
	struct mo_post_headers hd;
	struct mo_fields f;
	char charset[32];

#define H(name) MHD_lookup_connection_value(c, MHD_HEADER_KIND, name)
	hd.id = H("X-Kannel-ID");
	hd.from = H("X-Kannel-From");
	hd.to = H("X-Kannel-To");
	hd.smsc = H("X-Kannel-SMSC");
	hd.meta = H("X-Kannel-Meta-Data");
	hd.coding = H("X-Kannel-Coding");
	hd.content_type = H("Content-Type");
#undef H
	request_mo_post_fields(kvs, n, &hd, r->body, r->body_len, charset, sizeof charset, &f);
	return handle_mo(h, c, r, &f);
}

static enum MHD_Result
handle_dlr(struct http *h, struct MHD_Connection *c, struct req *r, const struct kv *kvs, int n)
{
	struct dlr_req d;
	struct job *j;
	char why[128];

	if (request_dlr(kvs, n, &d, why, sizeof why) != 0)
		return answer_bad(h, c, "dlr", why);
	j = xcalloc(1, sizeof *j);
	j->kind = JOB_DLR;
	j->dlr_id = d.id;
	j->dlr_type = d.type;
	memcpy(j->dlr_reply, d.reply, sizeof j->dlr_reply);
	memcpy(j->dlr_smscid, d.smscid, sizeof j->dlr_smscid);
	return enqueue(h, c, r, j);
}

/* handle_metrics and handle_healthz answer from figures (metrics.h) the
 * committer and the outbox thread keep: the HTTP thread runs no SQL, so a
 * flood of them cannot slow the MOs down. */
static enum MHD_Result
handle_metrics(struct http *h, struct MHD_Connection *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	enum MHD_Result ret;

	if (f == NULL)
		return respond(c, h, "metrics", 500, "out of memory\n", NULL, NULL);
	metrics_write(h->metrics, f);
	/* the front's table belongs to this thread */
	if (h->front != NULL)
		fprintf(f, "# TYPE langso_ussd_sessions gauge\nlangso_ussd_sessions %d\n",
		    ussd_front_sessions(h->front));
	fclose(f);
	ret = respond(c, h, "metrics", 200, buf, NULL, NULL);
	free(buf);
	return ret;
}

/* A figure older than this means neither the committer nor the outbox
 * thread (which probes every second) has touched the database lately. */
#define HEALTH_MAX_AGE 30.0

static enum MHD_Result
handle_healthz(struct http *h, struct MHD_Connection *c)
{
	switch (metrics_db(h->metrics, HEALTH_MAX_AGE)) {
	case 1:
		/* box mode: MOs and MTs travel only on the bearerbox connection */
		if (metrics_box(h->metrics) == 0)
			return respond(c, h, "healthz", 503, "bearerbox connection down\n", NULL, NULL);
		return respond(c, h, "healthz", 200, "ok\n", NULL, NULL);
	case 0:
		return respond(c, h, "healthz", 503, "database not writable\n", NULL, NULL);
	default:
		return respond(c, h, "healthz", 503, "no database write for 30 s\n", NULL, NULL);
	}
}

static enum MHD_Result
route(struct http *h, struct MHD_Connection *c, struct req *r, const char *url, const char *method)
{
	struct kv kvs[KV_MAX];
	char *q = strchr(r->uri, '?');
	int n = 0;
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;

	if (q)
		n = kv_parse(q + 1, kvs, KV_MAX);
	/* every client is in allow or metrics_allow (on_accept); only those
	 * in allow reach the Kannel endpoints and /ussd */
	if (strcmp(url, "/healthz") == 0 || strcmp(url, "/metrics") == 0) {
		if (!client_allowed(c, h->conf, true))
			return respond(c, h, url[1] == 'h' ? "healthz" : "metrics", 403, "forbidden\n",
			    NULL, NULL);
		return url[1] == 'h' ? handle_healthz(h, c) : handle_metrics(h, c);
	}
	if (strcmp(url, "/ussd") == 0) {
		if (!client_allowed(c, h->conf, false) || !token_ok(h->conf, kvs, n))
			return respond(c, h, "ussd", 403, "END forbidden\n", NULL, NULL);
		if (r->too_big)
			return respond(c, h, "ussd", 413, "END request body too large\n", NULL, NULL);
		if (!post)
			return respond(c, h, "ussd", 405, "END method not allowed\n", NULL, NULL);
		return handle_ussd_http(h, c, r);
	}
	if (strncmp(url, "/kannel/", 8) != 0)
		return respond(c, h, "other", 404, "not found\n", NULL, NULL);
	if (!client_allowed(c, h->conf, false) || !token_ok(h->conf, kvs, n))
		return respond(c, h, "kannel", 403, "forbidden\n", NULL, NULL);
	if (r->too_big)
		return respond(c, h, "kannel", 413, "request body too large\n", NULL, NULL);
	if (strcmp(url, "/kannel/mo") == 0 && get)
		return handle_mo_get(h, c, r, kvs, n);
	if (strcmp(url, "/kannel/mo") == 0 && post)
		return handle_mo_post(h, c, r, kvs, n);
	if (strcmp(url, "/kannel/dlr") == 0 && get)
		return handle_dlr(h, c, r, kvs, n);
	if (strcmp(url, "/kannel/mo") == 0 || strcmp(url, "/kannel/dlr") == 0)
		return respond(c, h, "kannel", 405, "method not allowed\n", NULL, NULL);
	return respond(c, h, "other", 404, "not found\n", NULL, NULL);
}

/* add_header_size sums the size of the request's headers. */
static enum MHD_Result
add_header_size(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *total = cls;

	(void)kind;	/* unused: MHD callback signature */
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
	struct http *h = cls;
	struct req *r = *req_cls;

	(void)version;	/* unused: MHD callback signature */
	if (r == NULL)
		return MHD_NO;
	if (!r->started) {
		size_t headers = 0;

		r->started = 1;
		/* the headers are in: a request too large is answered at once,
		 * before any body is read */
		if (r->uri_too_long)
			return respond(c, h, "other", 414, "URI too long (at most 6144 bytes)\n", NULL, NULL);
		MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_size, &headers);
		if (headers > HEADERS_MAX)
			return respond(c, h, "other", 431, "request headers too large (at most 2048 bytes)\n",
			    NULL, NULL);
		return MHD_YES;
	}
	if (r->job != NULL)
		return answer_mo(h, c, r);	/* resumed by the committer */
	if (*upload_size > 0) {
		size_t max = (size_t)h->conf->max_body;

		if (!r->too_big && r->body_len + *upload_size > max) {
			r->too_big = 1;
			free(r->body);
			r->body = NULL;
			r->body_len = 0;
		}
		if (!r->too_big) {
			if (r->body_len + *upload_size + 1 > r->body_cap) {
				r->body_cap = r->body_len + *upload_size + 1;
				r->body = xrealloc(r->body, r->body_cap);
			}
			memcpy(r->body + r->body_len, upload, *upload_size);
			r->body_len += *upload_size;
			r->body[r->body_len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	set_receiving(h, c, false);
	return route(h, c, r, url, method);
}

/* on_uri keeps the raw request target: langso reads the query string
 * itself (kv_parse), because MHD's parser cuts UTF-16BE text at %00. It
 * then empties the query string MHD is about to parse: MHD 0.9.75 stores
 * every argument in the connection's pool, and when a few hundred short
 * ones ("a&a&a...") exhaust it, it neither answers nor closes the
 * connection. uri points into MHD's own (writable) read buffer; nothing
 * but its argument parser reads past the '?'. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = xcalloc(1, sizeof *r);
	char *q;

	(void)cls;
	(void)c;	/* unused: MHD callback signature */
	r->uri = xstrdup(uri);
	r->uri_too_long = strlen(uri) > URI_MAX;
	if ((q = strchr(uri, '?')) != NULL)
		q[1] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	return r;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	struct http *h = cls;
	struct req *r = *req_cls;

	(void)toe;	/* unused: MHD callback signature */
	if (r == NULL)
		return;
	if (r->job != NULL)
		atomic_fetch_sub(&h->pending, 1);
	/* a kept-alive connection has request_timeout for its next request */
	set_receiving(h, c, true);
	job_free(r->job);
	free(r->uri);
	free(r->body);
	free(r);
	*req_cls = NULL;
}

static void
suspend_conn(void *conn)
{
	MHD_suspend_connection(conn);
}

static void
resume_conn(void *conn)
{
	MHD_resume_connection(conn);
}

static int
watchdog_start(struct http *h)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&h->track_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->wd_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&h->watchdog, NULL, watchdog, h) != 0) {
		pthread_cond_destroy(&h->wd_cv);
		pthread_mutex_destroy(&h->track_mu);
		return -1;
	}
	return 0;
}

/* watchdog_stop: after MHD_stop_daemon (every connection closed). */
static void
watchdog_stop(struct http *h)
{
	pthread_mutex_lock(&h->track_mu);
	h->wd_stop = true;
	pthread_cond_signal(&h->wd_cv);
	pthread_mutex_unlock(&h->track_mu);
	pthread_join(h->watchdog, NULL);
	pthread_cond_destroy(&h->wd_cv);
	pthread_mutex_destroy(&h->track_mu);
}

struct http *
http_start(const struct conf *conf, struct actions *act, struct store *store,
    struct ussd_front *front, struct metrics *metrics, int wake_fd, char *err, size_t errlen)
{
	struct http *h = xcalloc(1, sizeof *h);
	struct outbox_counts oc;
	struct sockaddr_in sa;
	const char *delay = getenv("LANGSO_TEST_MO_DELAY_MS");

	/* USSD step ids are BLAKE2b digests (ussd_step_id) */
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		free(h);
		return NULL;
	}
	h->conf = conf;
	h->metrics = metrics;
	h->front = front;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)conf->listen_port);
	if (inet_pton(AF_INET, conf->listen_host, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "bad listen address %s", conf->listen_host);
		free(h);
		return NULL;
	}
	/* the figures /healthz and /metrics answer from exist before the
	 * first request (store is still this thread's: the committer is not
	 * running yet) */
	metrics_set_db(metrics, store_check_writable(store) == STORE_OK);
	if (store_outbox_counts(store, &oc) == STORE_OK)
		metrics_set_outbox(metrics, &oc);
	/* everything a handler uses exists before the first connection is
	 * accepted: smsbox resends its retries the moment the port opens */
	h->committer = committer_start(act, store, metrics, wake_fd, delay ? atoi(delay) : 0,
	    suspend_conn, resume_conn);
	if (h->committer == NULL) {
		snprintf(err, errlen, "cannot start the committer thread");
		free(h);
		return NULL;
	}
	if (watchdog_start(h) < 0) {
		snprintf(err, errlen, "cannot start the connection watchdog thread");
		committer_stop(h->committer);
		free(h);
		return NULL;
	}
	/* smsbox opens hundreds of connections at once: a short listen backlog
	 * collapses throughput (kannel.md §5), so it is at least 1024. */
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO |
	    MHD_USE_SUPPRESS_DATE_NO_CLOCK, 0, on_accept, h, on_request, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)conf->max_connections,
	    /* one client (allowed, but misbehaving or flooding) cannot take
	     * every slot: smsbox needs its max-pending-requests */
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)conf->max_connections_per_client,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    /* per-connection pool, reset (and cleared) for every request: it
	     * holds a request of URI_MAX and HEADERS_MAX (see above) */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_EXTERNAL_LOGGER, log_mhd, (void *)"http",
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%d (in use, or not an address of this host)",
		    conf->listen_host, conf->listen_port);
		watchdog_stop(h);
		committer_stop(h->committer);
		free(h);
		return NULL;
	}
	return h;
}

int
http_port(const struct http *h)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);

	return di ? di->port : -1;
}

struct committer *
http_committer(struct http *h)
{
	return h->committer;
}

void
http_stop(struct http *h)
{
	MHD_socket lfd;

	if (h == NULL)
		return;
	/* 1. no new connections (requests on open ones still arrive: from now
	 * on they are answered 503 by a refusing committer) */
	lfd = MHD_quiesce_daemon(h->d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	/* 2. every job queued so far is run and its connection resumed */
	committer_drain(h->committer);
	/* 3. the MHD thread sends those answers; a client that stopped reading
	 * cannot hold the shutdown for more than 2 s */
	for (int i = 0; i < 2000 && atomic_load(&h->pending) > 0; i++)
		usleep(1000);
	if (atomic_load(&h->pending) > 0)
		log_warnx("http: %d answer(s) not sent at shutdown (smsbox retries them)",
		    atomic_load(&h->pending));
	/* 4. MHD stops: nothing calls into the committer any more, so only now
	 * is it freed */
	MHD_stop_daemon(h->d);
	watchdog_stop(h);
	committer_stop(h->committer);
	free(h);
}
