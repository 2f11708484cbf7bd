/*
 * http.c - the endpoints of contract.md on libmicrohttpd. Request state is
 * created in the URI-log callback (so the raw query string, with UTF-16BE
 * bytes MHD's own parser would cut at %00, is kept) and freed in the
 * completion callback. Every handler answers; none exits the process.
 */
#include "gateway/http.h"
#include "gateway/conf.h"
#include "gateway/kannel.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "actions/actions.h"
#include "storage/store.h"
#include "common/common.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct http {
	struct MHD_Daemon *d;
	const struct conf *conf;
	struct actions *act;
	struct store *store;
	struct metrics *metrics;
	int wake_fd;
	int test_delay_ms;		/* LANGSO_TEST_MO_DELAY_MS */
};

struct req {
	char *uri;			/* path and raw query string */
	char *body;
	size_t body_len, body_cap;
	int started;
	int too_big;
	struct timespec t0;
};

static double
elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
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
	if (coding)
		MHD_add_response_header(r, "X-Kannel-Coding", coding);
	if (meta)
		MHD_add_response_header(r, "X-Kannel-Meta-Data", meta);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	metrics_http(h->metrics, endpoint, (int)status);
	return ret;
}

static bool
client_allowed(struct MHD_Connection *c, const struct conf *conf)
{
	const union MHD_ConnectionInfo *ci;
	char addr[INET6_ADDRSTRLEN] = "";
	const struct sockaddr *sa;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return false;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, sizeof addr);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, sizeof addr);
	for (int i = 0; i < conf->allow_n; i++)
		if (strcmp(conf->allow_list[i], addr) == 0)
			return true;
	return false;
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

/* One MO, from either GET parameters or a POST body with X-Kannel headers. */
struct mo_in {
	const char *from, *to, *id, *charset, *smsc, *meta;
	const char *text;
	size_t text_len;
	bool has_text;
	int coding;
};

static enum MHD_Result
handle_mo(struct http *h, struct MHD_Connection *c, struct req *r, const struct mo_in *in)
{
	struct mo m;
	struct act_reply *reply;
	char phone[20], *text;
	const char *why = NULL;
	size_t text_len = 0;
	enum MHD_Result ret;
	char coding[4];

	if (in->from == NULL || in->from[0] == '\0')
		return respond(c, h, "mo", 400, "missing from (the sender's number)\n", NULL, NULL);
	if (in->id == NULL || in->id[0] == '\0')
		return respond(c, h, "mo", 400, "missing id (Kannel's %I)\n", NULL, NULL);
	if (strlen(in->id) >= 64)
		return respond(c, h, "mo", 400, "id longer than 63 bytes\n", NULL, NULL);
	if (!in->has_text)
		return respond(c, h, "mo", 400, "missing text\n", NULL, NULL);
	if (in->text_len == 0)
		return respond(c, h, "mo", 400, "empty text\n", NULL, NULL);
	if (phone_to_e164(in->from, phone, sizeof phone) < 0)
		return respond(c, h, "mo", 400, "from is not a phone number in a known form\n", NULL, NULL);
	text = kannel_decode_text(in->text, in->text_len, in->charset, &text_len, &why);
	if (text == NULL) {
		char msg[128];

		snprintf(msg, sizeof msg, "text: %s\n", why);
		metrics_mo(h->metrics, "bad_request", elapsed(&r->t0));
		return respond(c, h, "mo", 400, msg, NULL, NULL);
	}
	memset(&m, 0, sizeof m);
	m.kannel_id = in->id;
	m.phone = phone;
	m.to = in->to ? in->to : "";
	m.text = text;
	m.text_len = text_len;
	m.raw = in->text;
	m.raw_len = in->text_len;
	m.coding = in->coding;
	m.smsc = in->smsc ? in->smsc : "";
	reply = xmalloc(sizeof *reply);
	if (actions_handle_mo(h->act, &m, reply) < 0) {
		metrics_mo(h->metrics, "error", elapsed(&r->t0));
		ret = respond(c, h, "mo", 503, "database unavailable, retry later\n", NULL, NULL);
		goto out;
	}
	if (h->wake_fd >= 0) {
		uint64_t one = 1;

		if (write(h->wake_fd, &one, sizeof one) < 0)
			log_debug("http: wake outbox: write failed");
	}
	if (h->test_delay_ms > 0)
		usleep((useconds_t)h->test_delay_ms * 1000);
	metrics_mo(h->metrics, reply->duplicate ? "duplicate" : reply->action, elapsed(&r->t0));
	snprintf(coding, sizeof coding, "%d", reply->coding);
	/* USSD over SMPP: the menus come with the USSD issue; until then end the
	 * session politely (17 = PSSR response, which releases it). */
	ret = respond(c, h, "mo", 200, reply->text, coding,
	    in->meta && strstr(in->meta, "ussd_service_op") ? "?smpp?ussd_service_op=17&" : NULL);
out:
	free(reply);
	free(text);
	return ret;
}

static enum MHD_Result
handle_mo_get(struct http *h, struct MHD_Connection *c, struct req *r, const struct kv *kvs, int n)
{
	struct mo_in in;
	const struct kv *t, *cod;

	memset(&in, 0, sizeof in);
#define V(name) (kv_get(kvs, n, name) ? kv_get(kvs, n, name)->val : NULL)
	in.from = V("from");
	in.to = V("to");
	in.id = V("id");
	in.charset = V("charset");
	in.smsc = V("smsc");
	in.meta = V("meta");
#undef V
	if ((t = kv_get(kvs, n, "text")) != NULL) {
		in.has_text = true;
		in.text = t->val;
		in.text_len = t->vlen;
	}
	cod = kv_get(kvs, n, "coding");
	in.coding = cod ? atoi(cod->val) : 0;
	/* Kannel passes charset; without it coding 2 means UTF-16BE. */
	if ((in.charset == NULL || in.charset[0] == '\0') && in.coding == 2)
		in.charset = "UTF-16BE";
	return handle_mo(h, c, r, &in);
}

static enum MHD_Result
handle_mo_post(struct http *h, struct MHD_Connection *c, struct req *r, const struct kv *kvs, int n)
{
	struct mo_in in;
	const char *ct, *cs, *cod;
	const struct kv *id = kv_get(kvs, n, "id");
	char charset[32] = "";

	memset(&in, 0, sizeof in);
	in.id = id ? id->val : MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Kannel-ID");
	in.from = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Kannel-From");
	in.to = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Kannel-To");
	in.smsc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Kannel-SMSC");
	in.meta = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Kannel-Meta-Data");
	cod = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Kannel-Coding");
	in.coding = cod ? atoi(cod) : 0;
	ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	if (ct && (cs = strstr(ct, "charset=")) != NULL) {
		snprintf(charset, sizeof charset, "%s", cs + 8);
		charset[strcspn(charset, ";")] = '\0';
	} else if (in.coding == 2) {
		snprintf(charset, sizeof charset, "UTF-16BE");
	}
	in.charset = charset;
	in.has_text = true;
	in.text = r->body ? r->body : "";
	in.text_len = r->body_len;
	return handle_mo(h, c, r, &in);
}

static enum MHD_Result
handle_dlr(struct http *h, struct MHD_Connection *c, const struct kv *kvs, int n)
{
	const struct kv *id = kv_get(kvs, n, "id"), *type = kv_get(kvs, n, "type");
	const struct kv *reply = kv_get(kvs, n, "reply"), *smscid = kv_get(kvs, n, "smscid");
	char *end;
	long long msg;
	long t;
	int rc;

	if (id == NULL || type == NULL)
		return respond(c, h, "dlr", 400, "missing id or type\n", NULL, NULL);
	msg = strtoll(id->val, &end, 10);
	if (*end != '\0' || msg <= 0)
		return respond(c, h, "dlr", 400, "id must be a message number\n", NULL, NULL);
	t = strtol(type->val, &end, 10);
	if (*end != '\0' || t < 0 || t > 255)
		return respond(c, h, "dlr", 400, "type must be Kannel's %d\n", NULL, NULL);
	rc = store_outbox_dlr(h->store, msg, (int)t, reply ? reply->val : "",
	    smscid ? smscid->val : "");
	if (rc == STORE_NONE)
		return respond(c, h, "dlr", 404, "no such message\n", NULL, NULL);
	if (rc != STORE_OK)
		return respond(c, h, "dlr", 503, "database unavailable, retry later\n", NULL, NULL);
	metrics_dlr(h->metrics, (int)t);
	return respond(c, h, "dlr", 200, "ok\n", NULL, NULL);
}

static enum MHD_Result
handle_metrics(struct http *h, struct MHD_Connection *c)
{
	struct outbox_counts oc;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	enum MHD_Result ret;

	if (f == NULL)
		return respond(c, h, "metrics", 500, "out of memory\n", NULL, NULL);
	metrics_write(h->metrics, f);
	if (store_outbox_counts(h->store, &oc) == STORE_OK) {
		fprintf(f, "# TYPE langso_outbox_messages gauge\n");
		fprintf(f, "langso_outbox_messages{status=\"queued\"} %lld\n", oc.queued);
		fprintf(f, "langso_outbox_messages{status=\"sending\"} %lld\n", oc.sending);
		fprintf(f, "langso_outbox_messages{status=\"accepted\"} %lld\n", oc.accepted);
		fprintf(f, "langso_outbox_messages{status=\"failed\"} %lld\n", oc.failed);
		fprintf(f, "langso_outbox_messages{status=\"delivered\"} %lld\n", oc.delivered);
		fprintf(f, "langso_outbox_messages{status=\"undelivered\"} %lld\n", oc.undelivered);
	}
	fclose(f);
	ret = respond(c, h, "metrics", 200, buf, NULL, NULL);
	free(buf);
	return ret;
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
	if (strcmp(url, "/healthz") == 0) {
		if (store_check_writable(h->store) == STORE_OK)
			return respond(c, h, "healthz", 200, "ok\n", NULL, NULL);
		return respond(c, h, "healthz", 503, "database not writable\n", NULL, NULL);
	}
	if (strcmp(url, "/metrics") == 0)
		return handle_metrics(h, c);
	if (strncmp(url, "/kannel/", 8) != 0)
		return respond(c, h, "other", 404, "not found\n", NULL, NULL);
	if (!client_allowed(c, h->conf) || !token_ok(h->conf, kvs, n))
		return respond(c, h, "kannel", 403, "forbidden\n", NULL, NULL);
	if (r->too_big)
		return respond(c, h, "kannel", 413, "request body too large\n", NULL, NULL);
	if (strcmp(url, "/kannel/mo") == 0 && get)
		return handle_mo_get(h, c, r, kvs, n);
	if (strcmp(url, "/kannel/mo") == 0 && post)
		return handle_mo_post(h, c, r, kvs, n);
	if (strcmp(url, "/kannel/dlr") == 0 && get)
		return handle_dlr(h, c, kvs, n);
	if (strcmp(url, "/kannel/mo") == 0 || strcmp(url, "/kannel/dlr") == 0)
		return respond(c, h, "kannel", 405, "method not allowed\n", NULL, NULL);
	return respond(c, h, "other", 404, "not found\n", NULL, NULL);
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
		r->started = 1;
		return MHD_YES;
	}
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
	return route(h, c, r, url, method);
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = xcalloc(1, sizeof *r);

	(void)cls;
	(void)c;	/* unused: MHD callback signature */
	r->uri = xstrdup(uri);
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	return r;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	struct req *r = *req_cls;

	(void)cls;
	(void)c;
	(void)toe;	/* unused: MHD callback signature */
	if (r == NULL)
		return;
	free(r->uri);
	free(r->body);
	free(r);
	*req_cls = NULL;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("http: %s", msg);
}

struct http *
http_start(const struct conf *conf, struct actions *act, struct store *store,
    struct metrics *metrics, int wake_fd, char *err, size_t errlen)
{
	struct http *h = xcalloc(1, sizeof *h);
	struct sockaddr_in sa;
	const char *delay = getenv("LANGSO_TEST_MO_DELAY_MS");

	h->conf = conf;
	h->act = act;
	h->store = store;
	h->metrics = metrics;
	h->wake_fd = wake_fd;
	h->test_delay_ms = delay ? atoi(delay) : 0;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)conf->listen_port);
	if (inet_pton(AF_INET, conf->listen_host, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "bad listen address %s", conf->listen_host);
		free(h);
		return NULL;
	}
	/* smsbox opens hundreds of connections at once: a short listen backlog
	 * collapses throughput (kannel.md §5), so it is at least 1024. */
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)conf->max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%d (in use, or not an address of this host)",
		    conf->listen_host, conf->listen_port);
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

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}
