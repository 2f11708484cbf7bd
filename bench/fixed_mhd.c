/*
 * fixed_mhd.c - bench/http_libs.sh's libmicrohttpd server: POST /ussd, the
 * form body read, always the same fixed home screen (200 text/plain). It is
 * the HTTP layer of langso alone, with no langso code linked in, so that
 * it can be set against another HTTP library (bench/fixed_h2o.c) under the
 * same client.
 *
 *   fixed_mhd PORT MAX_CONNECTIONS [VARIANT]
 *
 * VARIANT is a comma-separated list of changes to the "langso" default,
 * which starts the daemon with gateway/http.c's flags and options and does
 * per request what http.c does around its handler (request state from the
 * URI callback, a strdup of the URI, the header sizes summed, the body
 * copied into a growing heap buffer, the watchdog's mutex and clock on the
 * connection, a response made with MUST_COPY, a header added, destroyed
 * after queueing, the state freed in NOTIFY_COMPLETED):
 *   bare        none of langso's per-request work: a static marker in
 *               *req_cls, the body counted and dropped, no URI, completion
 *               or connection callbacks
 *   persistent  MHD_RESPMEM_PERSISTENT (the screen is not copied)
 *   reuse       one response made at start, queued for every request
 *   noturbo     without MHD_USE_TURBO
 *   poll        MHD_USE_POLL instead of MHD_USE_EPOLL
 *   nosuspend   without MHD_ALLOW_SUSPEND_RESUME
 *   mem=N       MHD_OPTION_CONNECTION_MEMORY_LIMIT N bytes (langso: 8192 since issue 14; 32768 before)
 *   inc=N       MHD_OPTION_CONNECTION_MEMORY_INCREMENT N bytes (MHD: 1024)
 *
 * On SIGTERM or SIGINT it stops the daemon and prints one line:
 *   SERVED requests=N calls=M cpu_s=S   (M: access handler calls)
 */
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

/* langso's home screen (conf/menus.conf) as menus/ renders it */
static const char screen[] = "CON Lang So - cho nong san\n1.Ban hang\n2.Xem gia\n3.Tim va mua\n"
    "4.Tin ban cua toi\n5.Don mua gui toi\n6.Thong bao thon\n7.Dang ky ho\n8.Khac";

#define BODY_MAX (64 * 1024)		/* [http] max_body's default */
#define HEADERS_MAX (8 * 1024)		/* gateway/http.c */

static struct {
	bool bare, persistent, reuse, noturbo, poll, nosuspend;
	size_t mem, inc;
} v = { .mem = 8 * 1024 };	/* gateway/http.c CONN_MEMORY */

static struct MHD_Response *shared;	/* reuse: made once, never destroyed before exit */
static atomic_ulong requests, calls;

/* per-request state of the "langso" variant, as gateway/http.c's struct req */
struct req {
	char *uri;
	char *body;
	size_t body_len, body_cap;
	int started;
	struct timespec t0;
};

/* per-connection state: gateway/http.c's watchdog entry */
struct tracked {
	bool receiving;
	struct timespec since;
};
static pthread_mutex_t track_mu = PTHREAD_MUTEX_INITIALIZER;

static void *
xmalloc_or_die(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "fixed_mhd: out of memory\n");
		abort();
	}
	return p;
}

static enum MHD_Result
respond(struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	atomic_fetch_add_explicit(&requests, 1, memory_order_relaxed);
	if (v.reuse)
		return MHD_queue_response(c, MHD_HTTP_OK, shared);
	r = MHD_create_response_from_buffer(sizeof screen - 1, (void *)(uintptr_t)screen,
	    v.persistent ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=UTF-8");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
add_header_size(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *total = cls;

	(void)kind;	/* unused: MHD callback signature */
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static void
set_receiving(struct MHD_Connection *c, bool receiving)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct tracked *t;

	if (ci == NULL || (t = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&track_mu);
	t->receiving = receiving;
	if (receiving)
		clock_gettime(CLOCK_MONOTONIC, &t->since);
	pthread_mutex_unlock(&track_mu);
}

/* on_request_bare: the least an MHD handler can do for a POST */
static enum MHD_Result
on_request_bare(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
	static int marker;

	(void)cls; (void)url; (void)method; (void)version;
	(void)upload;	/* unused: MHD callback signature; the body is dropped */
	atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
	if (*req_cls == NULL) {
		*req_cls = &marker;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	return respond(c);
}

/* on_request: gateway/http.c's on_request, a fixed screen for its route */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
	struct req *r = *req_cls;

	(void)cls; (void)version;	/* unused: MHD callback signature */
	atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
	if (r == NULL)
		return MHD_NO;
	if (!r->started) {
		size_t headers = 0;

		r->started = 1;
		MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_size, &headers);
		if (headers > HEADERS_MAX)
			return MHD_NO;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (r->body_len + *upload_size > BODY_MAX)
			return MHD_NO;
		if (r->body_len + *upload_size + 1 > r->body_cap) {
			r->body_cap = r->body_len + *upload_size + 1;
			r->body = xmalloc_or_die(realloc(r->body, r->body_cap));
		}
		memcpy(r->body + r->body_len, upload, *upload_size);
		r->body_len += *upload_size;
		r->body[r->body_len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	set_receiving(c, false);
	/* http.c's route: the path, the method, the client's User-Agent */
	if (strcmp(url, "/ussd") != 0 || strcmp(method, "POST") != 0 || r->body == NULL)
		return MHD_NO;
	(void)MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
	return respond(c);
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = xmalloc_or_die(calloc(1, sizeof *r));

	(void)cls; (void)c;	/* unused: MHD callback signature */
	r->uri = xmalloc_or_die(strdup(uri));
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	return r;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	struct req *r = *req_cls;

	(void)cls; (void)toe;	/* unused: MHD callback signature */
	if (r == NULL)
		return;
	set_receiving(c, true);
	free(r->uri);
	free(r->body);
	free(r);
	*req_cls = NULL;
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct tracked *t;

	(void)cls; (void)c;	/* unused: MHD callback signature */
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		t = xmalloc_or_die(calloc(1, sizeof *t));
		t->receiving = true;
		clock_gettime(CLOCK_MONOTONIC, &t->since);
		*socket_context = t;
		return;
	}
	free(*socket_context);
	*socket_context = NULL;
}

static int
parse_variant(char *s)
{
	for (char *tok = strtok(s, ","); tok != NULL; tok = strtok(NULL, ",")) {
		if (strcmp(tok, "langso") == 0)
			continue;
		else if (strcmp(tok, "bare") == 0)
			v.bare = true;
		else if (strcmp(tok, "persistent") == 0)
			v.persistent = true;
		else if (strcmp(tok, "reuse") == 0)
			v.reuse = true;
		else if (strcmp(tok, "noturbo") == 0)
			v.noturbo = true;
		else if (strcmp(tok, "poll") == 0)
			v.poll = true;
		else if (strcmp(tok, "nosuspend") == 0)
			v.nosuspend = true;
		else if (strncmp(tok, "mem=", 4) == 0)
			v.mem = strtoul(tok + 4, NULL, 10);
		else if (strncmp(tok, "inc=", 4) == 0)
			v.inc = strtoul(tok + 4, NULL, 10);
		else {
			fprintf(stderr, "fixed_mhd: unknown variant %s\n", tok);
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	struct rusage ru;
	unsigned int flags, maxconn;
	sigset_t sigs;
	int sig;

	if (argc < 3 || (argc > 3 && parse_variant(argv[3]) < 0)) {
		fprintf(stderr, "usage: fixed_mhd PORT MAX_CONNECTIONS [VARIANT,...]\n");
		return 2;
	}
	maxconn = (unsigned int)atoi(argv[2]);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* MHD's thread inherits the mask: only main's sigwait takes them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (v.reuse) {
		shared = MHD_create_response_from_buffer(sizeof screen - 1,
		    (void *)(uintptr_t)screen, MHD_RESPMEM_PERSISTENT);
		if (shared == NULL)
			return 1;
		MHD_add_response_header(shared, "Content-Type", "text/plain; charset=UTF-8");
	}
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_SUPPRESS_DATE_NO_CLOCK;
	flags |= v.poll ? MHD_USE_POLL : MHD_USE_EPOLL;
	if (!v.noturbo)
		flags |= MHD_USE_TURBO;
	if (!v.nosuspend)
		flags |= MHD_ALLOW_SUSPEND_RESUME;
	/* every option is given (MHD_OPTION_ARRAY): the variant drops some */
	struct MHD_OptionItem opts[16];
	int n = 0;
#define OPT(o, val, ptr) (opts[n++] = (struct MHD_OptionItem){ (o), (intptr_t)(val), (ptr) })
	OPT(MHD_OPTION_SOCK_ADDR, 0, &sa);
	OPT(MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, maxconn, NULL);
	OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, maxconn, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, v.mem, NULL);
	if (v.inc > 0)
		OPT(MHD_OPTION_CONNECTION_MEMORY_INCREMENT, v.inc, NULL);
	if (!v.bare) {
		OPT(MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, NULL);
		OPT(MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, NULL);
		OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL);
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	d = MHD_start_daemon(flags, 0, NULL, NULL, v.bare ? on_request_bare : on_request, NULL,
	    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "fixed_mhd: cannot listen on 127.0.0.1:%s\n", argv[1]);
		return 1;
	}
	sigwait(&sigs, &sig);
	MHD_stop_daemon(d);
	if (shared)
		MHD_destroy_response(shared);
	getrusage(RUSAGE_SELF, &ru);
	printf("SERVED requests=%lu calls=%lu cpu_s=%.3f\n", atomic_load(&requests),
	    atomic_load(&calls), (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return 0;
}
