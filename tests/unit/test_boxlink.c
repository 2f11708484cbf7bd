/*
 * Box mode's MT backend (boxlink.c) against a bearerbox played by the test:
 * each outbox message goes out as an mt_push asking for DLRs, at most
 * box_window unacked; bearerbox's acks are matched by the MT's UUID
 * (success: accepted, failed: failed, failed_tmp: retry; an unknown or
 * repeated UUID changes nothing); when the connection goes, everything
 * without an ack is retried and nothing more is taken until it is back.
 */
#include "tests/t.h"
#include "gateway/boxlink.h"
#include "gateway/boxmsg.h"
#include "gateway/conf.h"
#include "gateway/metrics.h"
#include "gateway/outbox.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct conf conf;
static struct metrics *metrics;
static struct boxlink *bl;
static const struct outbox_backend *be;
static int lfd, wake_fd;

static int
listen_any(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	T_ASSERT(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	T_ASSERT(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	T_ASSERT(listen(fd, 4) == 0);
	T_ASSERT(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	conf.bearerbox_port = ntohs(sa.sin_port);
	return fd;
}

static int
accept_within(int ms)
{
	struct pollfd p = {.fd = lfd, .events = POLLIN};

	T_ASSERTF(poll(&p, 1, ms) == 1, "langso did not connect within %d ms", ms);
	return accept(lfd, NULL, NULL);
}

static int
read_full(int fd, unsigned char *buf, size_t n, int ms)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (poll(&p, 1, ms) != 1 || (r = read(fd, buf + got, n - got)) <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* next_sms: the next sms frame langso wrote (heartbeats and the identify
 * are skipped), strings pointing into buf */
static void
next_sms(int fd, unsigned char *buf, struct boxmsg *m)
{
	for (;;) {
		size_t len;

		T_ASSERT(read_full(fd, buf, 4, 3000) == 0);
		T_ASSERT(boxmsg_frame_len(buf, &len) == 0);
		T_ASSERT(read_full(fd, buf + 4, len, 3000) == 0);
		T_ASSERT(boxmsg_decode(buf + 4, len, m) == 0);
		if (m->type == BOXMSG_SMS)
			return;
	}
}

static void
send_ack(int fd, const char *id, int nack)
{
	struct boxmsg m;
	unsigned char buf[256];
	size_t n;

	boxmsg_init(&m, BOXMSG_ACK);
	m.u.ack.nack = nack;
	m.u.ack.time = 0;
	m.u.ack.id = boxmsg_str_of(id);
	n = boxmsg_encode(&m, buf, sizeof buf);
	T_ASSERT(n > 0 && write(fd, buf, n) == (ssize_t)n);
}

static bool
wait_capacity(int want, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (be->capacity(bl) == want)
			return true;
		usleep(10000);
	}
	return be->capacity(bl) == want;
}

/* collect: answers until n have come, at most 3 s */
static int
collect(struct outbox_answer *out, int n)
{
	int got = 0;

	for (int i = 0; i < 300 && got < n; i++) {
		uint64_t v;

		got += be->answers(bl, out + got, n - got);
		if (got < n)
			be->wait(bl, wake_fd, 10);
		/* as the worker's loop does: a wake is consumed */
		if (read(wake_fd, &v, sizeof v) < 0) {
			/* EAGAIN: nobody woke us */
		}
	}
	return got;
}

static struct outbox_answer *
answer_for(struct outbox_answer *a, int n, long long id)
{
	for (int i = 0; i < n; i++)
		if (a[i].msg.id == id)
			return &a[i];
	return NULL;
}

static int
start(int window)
{
	int fd;

	conf_defaults(&conf);
	conf.box_window = window;
	lfd = listen_any();
	metrics = metrics_new();
	T_ASSERT((bl = boxlink_new(&conf, metrics)) != NULL);
	be = boxlink_backend();
	T_ASSERT((wake_fd = eventfd(0, EFD_NONBLOCK)) >= 0);
	T_ASSERT(be->capacity(bl) == 0);	/* nothing before the connection is up */
	T_ASSERT(boxlink_start(bl, NULL, wake_fd) == 0);
	fd = accept_within(3000);
	T_ASSERTF(wait_capacity(window, 3000), "capacity %d, want %d", be->capacity(bl), window);
	return fd;
}

static void
finish(int fd)
{
	close(fd);
	boxlink_stop(bl);
	be->free(bl);
	metrics_free(metrics);
	close(lfd);
	close(wake_fd);
}

static struct outbox_msg
msg(long long id, const char *phone, const char *text, int coding)
{
	struct outbox_msg m;

	memset(&m, 0, sizeof m);
	m.id = id;
	snprintf(m.phone, sizeof m.phone, "%s", phone);
	snprintf(m.text, sizeof m.text, "%s", text);
	m.coding = coding;
	m.attempts = 2;
	return m;
}

static void
mt_push_matched_by_uuid(void)
{
	static unsigned char buf[3][BOXMSG_HEADER + BOXMSG_MAX];
	struct boxmsg m[3];
	struct outbox_msg out[3] = {msg(11, "+84912000001", "Hop thon 8h", 0),
	    msg(12, "+84912000002", "H\xe1\xbb\x8dp th\xc3\xb4n", 2), msg(13, "+84912000003", "Mot", 0)};
	struct outbox_answer a[8];
	char why[128], id[3][40];
	int fd = start(4), n;

	for (int i = 0; i < 3; i++)
		T_ASSERT(be->send(bl, &out[i], why, sizeof why) == 0);
	T_ASSERT(be->capacity(bl) == 1 && be->in_flight(bl) == 3);
	for (int i = 0; i < 3; i++) {
		struct boxmsg_sms *s = &m[i].u.sms;

		next_sms(fd, buf[i], &m[i]);
		T_ASSERT(s->sms_type == BOX_SMS_MT_PUSH);
		T_ASSERT(s->dlr_mask == 31);
		T_ASSERT(boxmsg_str_eq(s->sender, "8055"));
		T_ASSERT(boxmsg_str_eq(s->boxc_id, "langso"));
		T_ASSERT(s->id.len == 36);
		snprintf(id[i], sizeof id[i], "%.*s", (int)s->id.len, s->id.p);
	}
	T_ASSERT(boxmsg_str_eq(m[0].u.sms.dlr_url, "11") && boxmsg_str_eq(m[0].u.sms.receiver, "+84912000001"));
	T_ASSERT(m[0].u.sms.coding == 0 && boxmsg_str_eq(m[0].u.sms.msgdata, "Hop thon 8h"));
	/* coding 2 travels as UTF-16BE: no smsbox converts it */
	T_ASSERT(m[1].u.sms.coding == 2 && m[1].u.sms.msgdata.len == 16);
	T_ASSERT(memcmp(m[1].u.sms.msgdata.p, "\0H\x1e\xcd\0p\0 \0t\0h\0\xf4\0n", 16) == 0);
	T_ASSERT(strcmp(id[0], id[1]) != 0 && strcmp(id[1], id[2]) != 0);
	/* an ack for nobody, then the three answers */
	send_ack(fd, "6f1c2a3b-0000-4000-8000-00000000ffff", BOX_ACK_SUCCESS);
	send_ack(fd, id[0], BOX_ACK_SUCCESS);
	send_ack(fd, id[1], BOX_ACK_FAILED);
	send_ack(fd, id[2], BOX_ACK_FAILED_TMP);
	n = collect(a, 3);
	T_ASSERTF(n == 3, "%d answers", n);
	T_ASSERT(answer_for(a, n, 11)->verdict == SENT_ACCEPTED);
	T_ASSERT(answer_for(a, n, 12)->verdict == SENT_FAILED);
	T_ASSERT(answer_for(a, n, 13)->verdict == SENT_RETRY);
	T_ASSERT(answer_for(a, n, 13)->msg.attempts == 2);	/* the back-off counts on */
	T_ASSERT(be->capacity(bl) == 4 && be->in_flight(bl) == 0);
	/* the same ack again changes nothing */
	send_ack(fd, id[0], BOX_ACK_FAILED);
	usleep(200000);
	T_ASSERT(be->answers(bl, a, 8) == 0);
	finish(fd);
}

static void
window_is_a_limit(void)
{
	struct outbox_msg out = msg(21, "+84912000001", "x", 0);
	char why[128];
	int fd = start(2);

	T_ASSERT(be->send(bl, &out, why, sizeof why) == 0);
	out.id = 22;
	T_ASSERT(be->send(bl, &out, why, sizeof why) == 0);
	T_ASSERT(be->capacity(bl) == 0);
	out.id = 23;
	T_ASSERT(be->send(bl, &out, why, sizeof why) == -1);
	T_STREQ(why, "box window full");
	finish(fd);
}

static void
unacked_are_retried_when_the_connection_goes(void)
{
	struct outbox_msg out = msg(31, "+84912000001", "x", 0);
	struct outbox_answer a[4];
	char why[128];
	int fd = start(8), n;

	T_ASSERT(be->send(bl, &out, why, sizeof why) == 0);
	out.id = 32;
	T_ASSERT(be->send(bl, &out, why, sizeof why) == 0);
	close(fd);		/* bearerbox goes away */
	n = collect(a, 2);
	T_ASSERTF(n == 2, "%d answers", n);
	T_ASSERT(a[0].verdict == SENT_RETRY && a[1].verdict == SENT_RETRY);
	T_STREQ(a[0].text, "bearerbox connection lost before its ack");
	T_ASSERT(be->capacity(bl) == 0);
	T_ASSERT(be->send(bl, &out, why, sizeof why) == -1);
	T_STREQ(why, "bearerbox not connected");
	T_ASSERT(metrics_box(metrics) == 0);
	fd = accept_within(5000);	/* it connects again by itself */
	T_ASSERT(wait_capacity(8, 3000));
	T_ASSERT(metrics_box(metrics) == 1);
	finish(fd);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"mt_push_matched_by_uuid", mt_push_matched_by_uuid},
		{"window_is_a_limit", window_is_a_limit},
		{"unacked_are_retried_when_the_connection_goes", unacked_are_retried_when_the_connection_goes},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
