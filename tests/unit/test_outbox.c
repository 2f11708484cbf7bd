/*
 * The outbox worker against a stub sendsms (libmicrohttpd in the test) that
 * answers as Kannel does: accepted, refused for good, or down for a while.
 * Checks what an operator would: every message reaches "Kannel" once, in
 * priority order, 4xx is not retried, outages are ridden over.
 */
#include "tests/t.h"
#include "gateway/conf.h"
#include "gateway/metrics.h"
#include "gateway/outbox.h"
#include "storage/store.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char seen[64][256];		/* "to|text|coding" of each request */
static int nseen;
static int refuse_first;		/* answer 503 to this many requests */
static char dlr_seen[512];

static enum MHD_Result
stub(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
	const char *to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
	const char *text = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "text");
	const char *coding = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "coding");
	const char *user = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "username");
	const char *dlr = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dlr-url");
	const char *answer = "0: Accepted for delivery";
	unsigned status = 202;
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls; (void)url; (void)method; (void)version; (void)upload; (void)upload_size; (void)req_cls;
	pthread_mutex_lock(&mu);
	if (refuse_first > 0) {
		refuse_first--;
		status = 503;
		answer = "down";
	} else if (user == NULL || strcmp(user, "langso") != 0) {
		status = 403;
		answer = "Authorization failed for sendsms";
	} else if (to && strcmp(to, "+84900000403") == 0) {
		status = 400;
		answer = "Missing receiver number, rejected";
	} else if (nseen < 64) {
		snprintf(seen[nseen++], sizeof seen[0], "%s|%s|%s", to ? to : "", text ? text : "",
		    coding ? coding : "");
		snprintf(dlr_seen, sizeof dlr_seen, "%s", dlr ? dlr : "");
	}
	pthread_mutex_unlock(&mu);
	r = MHD_create_response_from_buffer(strlen(answer), (void *)(uintptr_t)answer, MHD_RESPMEM_MUST_COPY);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * The worker thread owns s; the test reads and adds through its own
 * connection, db, as the daemon's threads each have theirs (connections are
 * opened SQLITE_OPEN_NOMUTEX: one shared by two threads is a data race, seen
 * as "database is locked" when the test's read overlapped the worker's
 * commit).
 */
struct worker {
	struct conf conf;
	struct store *s;
	struct store *db;
	struct metrics *m;
	struct outbox *o;
	volatile sig_atomic_t stop;
	pthread_t th;
};

static void *
run(void *arg)
{
	struct worker *w = arg;

	outbox_run(w->o, &w->stop);
	return NULL;
}

static struct MHD_Daemon *
start_stub(int *port)
{
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
	    0, NULL, NULL, stub, NULL, MHD_OPTION_END);

	T_ASSERT(d != NULL);
	*port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
	return d;
}

static void
start_worker(struct worker *w, int port)
{
	char err[256];

	conf_defaults(&w->conf);
	snprintf(w->conf.sendsms_url, sizeof w->conf.sendsms_url, "http://127.0.0.1:%d/cgi-bin/sendsms", port);
	snprintf(w->conf.db_path, sizeof w->conf.db_path, "%s/langso.db", t_tmpdir());
	w->conf.rate = 1000;
	w->s = store_open(w->conf.db_path, err, sizeof err);
	T_ASSERTF(w->s != NULL, "%s", err);
	w->db = store_open(w->conf.db_path, err, sizeof err);
	T_ASSERTF(w->db != NULL, "%s", err);
	w->m = metrics_new();
	w->o = outbox_new(&w->conf, w->s, w->m, NULL, NULL, err, sizeof err);
	T_ASSERTF(w->o != NULL, "%s", err);
}

static void
go(struct worker *w)
{
	w->stop = 0;
	T_ASSERT(pthread_create(&w->th, NULL, run, w) == 0);
}

static void
halt(struct worker *w)
{
	uint64_t one = 1;

	w->stop = 1;
	T_ASSERT(write(outbox_wake_fd(w->o), &one, sizeof one) == sizeof one);
	pthread_join(w->th, NULL);
}

static void
finish(struct worker *w)
{
	outbox_free(w->o);
	metrics_free(w->m);
	store_close(w->s);
	store_close(w->db);
}

/* wait_for polls the worker's database until fn says done (bounded). */
static void
wait_counts(struct store *s, long long accepted, long long failed)
{
	struct outbox_counts c = {0};

	for (int i = 0; i < 300; i++) {
		T_ASSERT(store_outbox_counts(s, &c) == STORE_OK);
		if (c.accepted == accepted && c.failed == failed)
			return;
		usleep(50000);
	}
	T_ASSERTF(0, "accepted %lld failed %lld, expected %lld and %lld", c.accepted, c.failed,
	    accepted, failed);
}

static long long
add(struct store *s, const char *phone, const char *text, int coding, int prio)
{
	struct outbox_new m = {.text = text, .coding = coding, .priority = prio};
	long long id;

	snprintf(m.phone, sizeof m.phone, "%s", phone);
	T_ASSERT(store_outbox_add(s, &m, &id) == STORE_OK);
	return id;
}

static void
sends_each_once_with_coding_and_dlr_url(void)
{
	struct worker w;
	int port;
	struct MHD_Daemon *d = start_stub(&port);
	char want[256];
	long long id;

	start_worker(&w, port);
	id = add(w.db, "+84912345678", "Gia na hom nay 30.000d", 0, OUTBOX_PRIO_NOTIFY);
	add(w.db, "+84912345679", "Giá na hôm nay 30.000đ", 2, OUTBOX_PRIO_NOTIFY);
	go(&w);
	wait_counts(w.db, 2, 0);
	halt(&w);
	finish(&w);
	T_ASSERT(nseen == 2);
	T_STREQ(seen[0], "+84912345678|Gia na hom nay 30.000d|0");
	T_STREQ(seen[1], "+84912345679|Giá na hôm nay 30.000đ|2");
	/* the last request's dlr-url names its own message */
	snprintf(want, sizeof want, "http://127.0.0.1:8080/kannel/dlr?id=%lld&type=%%d&reply=%%A&smscid=%%F", id + 1);
	T_STREQ(dlr_seen, want);
	MHD_stop_daemon(d);
}

static void
refused_for_good_is_not_retried(void)
{
	struct worker w;
	int port;
	struct MHD_Daemon *d = start_stub(&port);

	start_worker(&w, port);
	add(w.db, "+84900000403", "x", 0, OUTBOX_PRIO_NOTIFY);
	add(w.db, "+84912345678", "y", 0, OUTBOX_PRIO_NOTIFY);
	go(&w);
	wait_counts(w.db, 1, 1);
	halt(&w);
	finish(&w);
	T_ASSERT(nseen == 1);
	MHD_stop_daemon(d);
}

static void
outage_is_ridden_over(void)
{
	struct worker w;
	int port;
	struct MHD_Daemon *d = start_stub(&port);

	refuse_first = 3;		/* 503 three times, then up */
	start_worker(&w, port);
	add(w.db, "+84912345678", "one", 0, OUTBOX_PRIO_NOTIFY);
	add(w.db, "+84912345679", "two", 0, OUTBOX_PRIO_NOTIFY);
	go(&w);
	wait_counts(w.db, 2, 0);
	halt(&w);
	finish(&w);
	T_ASSERT(nseen == 2);
	MHD_stop_daemon(d);
}

static void
kannel_down_then_up(void)
{
	struct worker w;
	int port;
	struct MHD_Daemon *d = start_stub(&port);

	MHD_stop_daemon(d);		/* the port is closed: connection refused */
	start_worker(&w, port);
	add(w.db, "+84912345678", "queued while down", 0, OUTBOX_PRIO_NOTIFY);
	go(&w);
	usleep(1500000);
	T_ASSERT(nseen == 0);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)port, NULL, NULL,
	    stub, NULL, MHD_OPTION_END);
	T_ASSERT(d != NULL);
	wait_counts(w.db, 1, 0);
	halt(&w);
	finish(&w);
	T_ASSERT(nseen == 1);
	MHD_stop_daemon(d);
}

static void
notifications_before_broadcasts(void)
{
	struct worker w;
	int port;
	struct MHD_Daemon *d = start_stub(&port);

	start_worker(&w, port);
	w.conf.inflight = 1;		/* one at a time, so the order shows */
	outbox_free(w.o);
	{
		char err[128];

		w.o = outbox_new(&w.conf, w.s, w.m, NULL, NULL, err, sizeof err);
	}
	for (int i = 0; i < 5; i++)
		add(w.db, "+84912345678", "broadcast", 0, OUTBOX_PRIO_BROADCAST);
	add(w.db, "+84912345679", "order", 0, OUTBOX_PRIO_NOTIFY);
	go(&w);
	wait_counts(w.db, 6, 0);
	halt(&w);
	finish(&w);
	T_STREQ(seen[0], "+84912345679|order|0");
	MHD_stop_daemon(d);
}

/*
 * smsbox that takes the request and never answers (seen in CI: stopped
 * fakesmsc, smsbox waiting on bearerbox). The stop waits 5 s, then leaves
 * the request: its row stays 'sending', and the next start sends it again.
 * The ASan build also checks that the abandoned request is freed (a leak
 * report failed test_broadcast_faults before).
 */
static void
stop_while_smsbox_hangs(void)
{
	struct worker w;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct outbox_counts c = {0};
	int port;
	struct MHD_Daemon *d;

	/* listening, never accepting: the kernel completes the handshake and
	 * the request waits unanswered */
	T_ASSERT(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(fd, 8) == 0);
	T_ASSERT(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	start_worker(&w, ntohs(sa.sin_port));
	add(w.db, "+84912345678", "treo", 0, OUTBOX_PRIO_NOTIFY);
	go(&w);
	for (int i = 0; i < 100 && c.sending == 0; i++) {
		usleep(20000);
		T_ASSERT(store_outbox_counts(w.db, &c) == STORE_OK);
	}
	T_ASSERTF(c.sending == 1, "the message is in flight (sending=%lld)", c.sending);
	halt(&w);
	finish(&w);
	close(fd);
	/* the next start, with smsbox answering, sends it */
	d = start_stub(&port);
	start_worker(&w, port);
	go(&w);
	wait_counts(w.db, 1, 0);
	halt(&w);
	finish(&w);
	T_ASSERT(nseen >= 1 && strcmp(seen[nseen - 1], "+84912345678|treo|0") == 0);
	MHD_stop_daemon(d);
}

/* metrics_text: what /metrics would show now (the worker's figures). */
static char *
metrics_text(struct metrics *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	T_ASSERT(f != NULL);
	metrics_write(m, f);
	fclose(f);
	return buf;
}

/* issue 9: /healthz and /metrics answer from figures the outbox thread
 * keeps (the HTTP thread runs no SQL); they follow what was sent. */
static void
outbox_keeps_the_figures(void)
{
	static const char *want[] = {
		"langso_outbox_messages{status=\"queued\"} 0\n",
		"langso_outbox_messages{status=\"accepted\"} 2\n",
		"langso_outbox_messages{status=\"failed\"} 1\n",
		"langso_db_writable 1\n",
	};
	struct worker w;
	int port, found = 0;
	struct MHD_Daemon *d = start_stub(&port);
	char *text = NULL;

	start_worker(&w, port);
	add(w.db, "+84912345678", "mot", 0, OUTBOX_PRIO_NOTIFY);
	add(w.db, "+84912345679", "hai", 0, OUTBOX_PRIO_NOTIFY);
	add(w.db, "+84900000403", "ba", 0, OUTBOX_PRIO_NOTIFY);	/* refused for good */
	go(&w);
	wait_counts(w.db, 2, 1);
	/* counted every 2 s: within 4 s the figures show it */
	for (int i = 0; i < 80 && found < 4; i++) {
		free(text);
		text = metrics_text(w.m);
		found = 0;
		for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
			found += strstr(text, want[k]) != NULL;
		usleep(50000);
	}
	T_ASSERTF(found == 4, "%s", text);
	free(text);
	halt(&w);
	finish(&w);
	MHD_stop_daemon(d);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"sends_each_once_with_coding_and_dlr_url", sends_each_once_with_coding_and_dlr_url},
		{"refused_for_good_is_not_retried", refused_for_good_is_not_retried},
		{"outage_is_ridden_over", outage_is_ridden_over},
		{"kannel_down_then_up", kannel_down_then_up},
		{"notifications_before_broadcasts", notifications_before_broadcasts},
		{"outbox_keeps_the_figures", outbox_keeps_the_figures},
		{"stop_while_smsbox_hangs", stop_while_smsbox_hangs},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
