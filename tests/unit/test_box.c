/*
 * The box connection against a bearerbox played by the test: a listening
 * socket on 127.0.0.1 that reads and writes frames as bearerbox would.
 */
#include "tests/t.h"
#include "gateway/box.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *const mo_id = "db5b005a-93f1-4f83-a020-ed01930aab28";

/* ---- what the box told us, from its thread ---- */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int n_sms, n_up, n_down, n_ack;
static uint64_t last_conn;
static char last_text[256];
static struct box *the_box;

static void
on_sms(void *arg, uint64_t conn, const struct boxmsg_sms *m)
{
	struct boxmsg ack;
	char id[64];

	(void)arg;
	pthread_mutex_lock(&mu);
	n_sms++;
	snprintf(last_text, sizeof last_text, "%.*s", (int)m->msgdata.len, m->msgdata.p);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	/* answer as the gateway does once the MO is committed */
	snprintf(id, sizeof id, "%.*s", (int)m->id.len, m->id.p);
	boxmsg_init(&ack, BOXMSG_ACK);
	ack.u.ack.nack = BOX_ACK_SUCCESS;
	ack.u.ack.time = 0;
	ack.u.ack.id = boxmsg_str_of(id);
	box_send(the_box, conn, &ack);
}

static void
on_ack(void *arg, uint64_t conn, const struct boxmsg_ack *a)
{
	(void)arg, (void)conn, (void)a;
	pthread_mutex_lock(&mu);
	n_ack++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void
on_up(void *arg, uint64_t conn)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	n_up++;
	last_conn = conn;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void
on_down(void *arg, uint64_t conn)
{
	(void)arg, (void)conn;
	pthread_mutex_lock(&mu);
	n_down++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/* wait_for: until *counter reaches n, at most ms */
static int
wait_for(int *counter, int n, int ms)
{
	struct timespec ts;
	int ok;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&mu);
	while (*counter < n && pthread_cond_timedwait(&cv, &mu, &ts) == 0)
		;
	ok = *counter >= n;
	pthread_mutex_unlock(&mu);
	return ok;
}

/* ---- the pretend bearerbox ---- */
static int
listen_on(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	T_ASSERT(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	T_ASSERT(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	T_ASSERT(listen(fd, 4) == 0);
	return fd;
}

static int
port_of(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;

	T_ASSERT(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	return ntohs(sa.sin_port);
}

static int
accept_within(int lfd, int ms)
{
	struct pollfd p = {.fd = lfd, .events = POLLIN};

	T_ASSERTF(poll(&p, 1, ms) == 1, "the box did not connect within %d ms", ms);
	return accept(lfd, NULL, NULL);
}

static int
read_full(int fd, unsigned char *buf, size_t n, int ms)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (poll(&p, 1, ms) != 1)
			return -1;
		if ((r = read(fd, buf + got, n - got)) <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* read_msg: the next frame the box wrote, decoded into m (strings in buf) */
static void
read_msg(int fd, unsigned char *buf, struct boxmsg *m)
{
	size_t len;

	T_ASSERT(read_full(fd, buf, 4, 3000) == 0);
	T_ASSERT(boxmsg_frame_len(buf, &len) == 0);
	T_ASSERT(read_full(fd, buf + 4, len, 3000) == 0);
	T_ASSERT(boxmsg_decode(buf + 4, len, m) == 0);
}

/* expect_hello: the box's first frames are identify (with its id), then a
 * heartbeat. */
static void
expect_hello(int fd)
{
	static unsigned char buf[BOXMSG_HEADER + BOXMSG_MAX];
	struct boxmsg m;

	read_msg(fd, buf, &m);
	T_ASSERT(m.type == BOXMSG_ADMIN && m.u.admin.command == BOX_CMD_IDENTIFY);
	T_ASSERT(boxmsg_str_eq(m.u.admin.boxc_id, "langso"));
	read_msg(fd, buf, &m);
	T_ASSERT(m.type == BOXMSG_HEARTBEAT);
}

static void
send_mo(int fd, const char *text)
{
	struct boxmsg m;
	unsigned char buf[1024];
	size_t n;

	boxmsg_init(&m, BOXMSG_SMS);
	m.u.sms.sender = boxmsg_str_of("+84912345678");
	m.u.sms.receiver = boxmsg_str_of("8055");
	m.u.sms.msgdata = boxmsg_str_of(text);
	m.u.sms.id = boxmsg_str_of(mo_id);
	m.u.sms.sms_type = BOX_SMS_MO;
	n = boxmsg_encode(&m, buf, sizeof buf);
	T_ASSERT(n > 0 && write(fd, buf, n) == (ssize_t)n);
}

/* expect_ack: the box acked the MO by its id */
static void
expect_ack(int fd)
{
	static unsigned char buf[BOXMSG_HEADER + BOXMSG_MAX];
	struct boxmsg m;

	do
		read_msg(fd, buf, &m);
	while (m.type == BOXMSG_HEARTBEAT);
	T_ASSERT(m.type == BOXMSG_ACK && m.u.ack.nack == BOX_ACK_SUCCESS);
	T_ASSERT(boxmsg_str_eq(m.u.ack.id, mo_id));
}

static struct box *
start_box(int port)
{
	struct box_conf c = {.host = "127.0.0.1", .port = port, .id = "langso", .heartbeat_s = 30,
	    .backoff_max_s = 2};
	static const struct box_ops ops = {on_sms, on_ack, on_up, on_down};

	the_box = box_start(&c, &ops, NULL);
	T_ASSERT(the_box != NULL);
	return the_box;
}

static void
identifies_and_relays(void)
{
	int lfd = listen_on(0), fd;
	struct box *b = start_box(port_of(lfd));
	struct box_figures f;

	fd = accept_within(lfd, 3000);
	expect_hello(fd);
	T_ASSERT(wait_for(&n_up, 1, 3000) && last_conn == 1);
	send_mo(fd, "BAN NA 50KG 30000");
	T_ASSERT(wait_for(&n_sms, 1, 3000));
	T_STREQ(last_text, "BAN NA 50KG 30000");
	expect_ack(fd);
	box_figures(b, &f);
	T_ASSERT(f.up && f.conn == 1 && f.frames_in == 1 && f.reconnects == 0);
	box_stop(b);
	close(fd);
	close(lfd);
}

/* reconnects_after_bearerbox_goes: the connection closed under it, the box
 * comes back by itself on a new connection, and a send meant for the old
 * one is refused rather than delivered on the new. */
static void
reconnects_after_bearerbox_goes(void)
{
	int lfd = listen_on(0), fd;
	struct box *b = start_box(port_of(lfd));
	struct boxmsg ack;

	fd = accept_within(lfd, 3000);
	expect_hello(fd);
	close(fd);
	T_ASSERT(wait_for(&n_down, 1, 3000));
	fd = accept_within(lfd, 4000);
	expect_hello(fd);
	T_ASSERT(wait_for(&n_up, 2, 3000) && last_conn == 2);
	boxmsg_init(&ack, BOXMSG_ACK);
	ack.u.ack.id = boxmsg_str_of(mo_id);
	T_ASSERT(box_send(b, 1, &ack) == -1);
	send_mo(fd, "GIA NA");
	expect_ack(fd);
	box_stop(b);
	close(fd);
	close(lfd);
}

/* hostile_frames_close_the_connection: a length past BOXMSG_MAX, then a
 * frame that does not decode: each closes that connection (nothing is
 * handed on, nothing acked) and the box connects again. */
static void
hostile_frames_close_the_connection(void)
{
	int lfd = listen_on(0), fd;
	struct box *b = start_box(port_of(lfd));
	unsigned char buf[64];
	struct box_figures f;

	fd = accept_within(lfd, 3000);
	expect_hello(fd);
	T_ASSERT(write(fd, "\xff\xff\xff\xff", 4) == 4);
	T_ASSERTF(read_full(fd, buf, 1, 3000) == -1, "the box kept the connection");
	close(fd);
	fd = accept_within(lfd, 4000);
	expect_hello(fd);
	/* a 12-byte frame: type sms, then a string length far past the end */
	T_ASSERT(write(fd, "\0\0\0\x0c\0\0\0\2\0\0\0\x40" "abcd", 16) == 16);
	T_ASSERT(read_full(fd, buf, 1, 3000) == -1);
	close(fd);
	fd = accept_within(lfd, 4000);
	expect_hello(fd);
	box_figures(b, &f);
	T_ASSERT(f.bad_frames == 1 && f.reconnects == 2);
	T_ASSERT(n_sms == 0);
	send_mo(fd, "TT");
	expect_ack(fd);
	box_stop(b);
	close(fd);
	close(lfd);
}

/* keeps_trying_while_bearerbox_is_away: nothing listens at first; once
 * bearerbox is there, the box is connected within its back-off. */
static void
keeps_trying_while_bearerbox_is_away(void)
{
	int lfd = listen_on(0), port = port_of(lfd), fd;
	struct box *b;

	close(lfd);
	b = start_box(port);
	usleep(2500 * 1000);
	T_ASSERT(n_up == 0);
	lfd = listen_on(port);
	fd = accept_within(lfd, 4000);
	expect_hello(fd);
	T_ASSERT(wait_for(&n_up, 1, 3000));
	box_stop(b);
	close(fd);
	close(lfd);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"identifies_and_relays", identifies_and_relays},
		{"reconnects_after_bearerbox_goes", reconnects_after_bearerbox_goes},
		{"hostile_frames_close_the_connection", hostile_frames_close_the_connection},
		{"keeps_trying_while_bearerbox_is_away", keeps_trying_while_bearerbox_is_away},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
