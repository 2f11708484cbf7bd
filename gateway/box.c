/*
 * box.c - the box connection's thread: connect, identify, heartbeat, read
 * frames, write what box_send queued, and start over when anything fails.
 *
 * One thread owns the socket; box_send only appends encoded frames to an
 * output buffer under the mutex and wakes the thread through an eventfd.
 * A connection has a number, so that a frame meant for a connection that
 * is gone (an ack for an MO bearerbox will hand out again) is dropped
 * rather than sent on the next one.
 */
#include "gateway/box.h"
#include "gateway/log.h"
#include "common/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* OUT_MAX: frames waiting to be written. bearerbox reads as fast as the
 * loopback; 8 MiB is some 30,000 MTs, far more than the outbox keeps in
 * flight, so reaching it means bearerbox stopped reading. */
#define OUT_MAX (8u << 20)
#define CONNECT_TIMEOUT_MS 5000
#define READ_AHEAD 65536
/* reads in one go before the thread writes what is queued (the acks of
 * what it read) and polls again */
#define READS_MAX 16

struct box {
	struct box_conf conf;
	struct box_ops ops;
	void *arg;
	pthread_t thread;
	int wake_fd;

	pthread_mutex_t mu;		/* guards everything below */
	bool stopping;
	uint64_t conn;			/* current connection's number, 0 before the first */
	bool up;
	long long pause_until;		/* box_pause: no reading before (monotonic ms) */
	unsigned char *out;		/* frames for conn, not yet written */
	size_t out_len, out_cap, out_off;
	struct box_figures fig;

	/* the thread's own: frames are read in bulk (many MOs or acks a
	 * read), so the buffer holds the largest frame and room to read ahead */
	int fd;
	unsigned char in[BOXMSG_HEADER + BOXMSG_MAX + READ_AHEAD];
	size_t in_len;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
wake(struct box *b)
{
	uint64_t one = 1;

	if (write(b->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_warn("box: wake");
}

static void
drain_wake(struct box *b)
{
	uint64_t n;

	if (read(b->wake_fd, &n, sizeof n) < 0 && errno != EAGAIN)
		log_warn("box: wake read");
}

/* queue_locked appends m's frame for the current connection. */
static int
queue_locked(struct box *b, const struct boxmsg *m)
{
	size_t need = boxmsg_encode(m, NULL, 0);

	if (need == 0)
		return -1;
	if (b->out_len - b->out_off + need > OUT_MAX)
		return -1;
	if (b->out_off > 0 && b->out_len + need > b->out_cap) {
		memmove(b->out, b->out + b->out_off, b->out_len - b->out_off);
		b->out_len -= b->out_off;
		b->out_off = 0;
	}
	if (b->out_len + need > b->out_cap) {
		size_t cap = b->out_cap ? b->out_cap : 4096;

		while (cap < b->out_len + need)
			cap *= 2;
		b->out = xrealloc(b->out, cap);
		b->out_cap = cap;
	}
	boxmsg_encode(m, b->out + b->out_len, b->out_cap - b->out_len);
	b->out_len += need;
	b->fig.frames_out++;
	b->fig.out_bytes_queued = b->out_len - b->out_off;
	return 0;
}

int
box_send(struct box *b, uint64_t conn, const struct boxmsg *m)
{
	int rc = -1;
	bool was_empty = false;

	pthread_mutex_lock(&b->mu);
	if (b->up && conn == b->conn && !b->stopping) {
		was_empty = b->out_off == b->out_len;
		rc = queue_locked(b, m);
	}
	pthread_mutex_unlock(&b->mu);
	/* only the first frame of a burst wakes the thread: write_out empties
	 * the buffer under the mutex, so a frame queued to a non-empty buffer
	 * is written with the ones before it (one wake, one send, for the acks
	 * and replies of a whole committed batch) */
	if (rc == 0 && was_empty)
		wake(b);
	return rc;
}

void
box_pause(struct box *b, int ms)
{
	pthread_mutex_lock(&b->mu);
	b->pause_until = now_ms() + ms;
	pthread_mutex_unlock(&b->mu);
	wake(b);
}

void
box_figures(struct box *b, struct box_figures *out)
{
	pthread_mutex_lock(&b->mu);
	*out = b->fig;
	out->up = b->up;
	out->conn = b->conn;
	pthread_mutex_unlock(&b->mu);
}

/* connect_once: a TCP connection to bearerbox, or -1 with errno's reason
 * in why. Waits at most CONNECT_TIMEOUT_MS, and returns early on a wake. */
static int
connect_once(struct box *b, char *why, size_t whylen)
{
	struct sockaddr_in sa;
	int fd, one = 1, err = 0;
	socklen_t len = sizeof err;
	struct pollfd p[2];

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)b->conf.port);
	if (inet_pton(AF_INET, b->conf.host, &sa.sin_addr) != 1) {
		snprintf(why, whylen, "\"%s\" is not an IPv4 address", b->conf.host);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		if (errno != EINPROGRESS) {
			snprintf(why, whylen, "%s", strerror(errno));
			close(fd);
			return -1;
		}
		p[0] = (struct pollfd){.fd = fd, .events = POLLOUT};
		p[1] = (struct pollfd){.fd = b->wake_fd, .events = POLLIN};
		if (poll(p, 2, CONNECT_TIMEOUT_MS) <= 0 || !(p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
			snprintf(why, whylen, "no answer within %d ms", CONNECT_TIMEOUT_MS);
			close(fd);
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
			snprintf(why, whylen, "%s", strerror(err ? err : errno));
			close(fd);
			return -1;
		}
	}
	/* frames are small and each one waits for an answer: no Nagle delay */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static void
queue_identify(struct box *b)
{
	struct boxmsg m;

	boxmsg_init(&m, BOXMSG_ADMIN);
	m.u.admin.command = BOX_CMD_IDENTIFY;
	m.u.admin.boxc_id = boxmsg_str_of(b->conf.id);
	queue_locked(b, &m);
}

static void
queue_heartbeat(struct box *b)
{
	struct boxmsg m;

	boxmsg_init(&m, BOXMSG_HEARTBEAT);
	m.u.heartbeat.load = 0;
	queue_locked(b, &m);
}

/* went_up: a new connection, identified before anything else is queued. */
static uint64_t
went_up(struct box *b, int fd)
{
	uint64_t conn;

	pthread_mutex_lock(&b->mu);
	b->fd = fd;
	b->in_len = 0;
	b->out_len = b->out_off = 0;
	conn = ++b->conn;
	b->up = true;
	if (conn > 1)
		b->fig.reconnects++;
	queue_identify(b);
	queue_heartbeat(b);
	pthread_mutex_unlock(&b->mu);
	log_info("box: connected to bearerbox %s:%d as \"%s\" (connection %llu)", b->conf.host,
	    b->conf.port, b->conf.id, (unsigned long long)conn);
	if (b->ops.up)
		b->ops.up(b->arg, conn);
	return conn;
}

static bool
stopping(struct box *b)
{
	bool s;

	pthread_mutex_lock(&b->mu);
	s = b->stopping;
	pthread_mutex_unlock(&b->mu);
	return s;
}

static void
went_down(struct box *b, const char *why)
{
	uint64_t conn;

	pthread_mutex_lock(&b->mu);
	conn = b->conn;
	b->up = false;
	b->out_len = b->out_off = 0;
	b->fig.out_bytes_queued = 0;
	pthread_mutex_unlock(&b->mu);
	close(b->fd);
	b->fd = -1;
	if (stopping(b))
		log_info("box: connection %llu to bearerbox %s:%d closed: %s",
		    (unsigned long long)conn, b->conf.host, b->conf.port, why);
	else
		log_warnx("box: connection %llu to bearerbox %s:%d closed: %s",
		    (unsigned long long)conn, b->conf.host, b->conf.port, why);
	if (b->ops.down)
		b->ops.down(b->arg, conn);
}

/* dispatch: one decoded frame to the owner. Heartbeats and admin commands
 * from bearerbox (shutdown, suspend, restart) need no answer from a box
 * that only relays: they are logged. */
static void
dispatch(struct box *b, uint64_t conn, const struct boxmsg *m)
{
	switch (m->type) {
	case BOXMSG_SMS:
		if (b->ops.sms)
			b->ops.sms(b->arg, conn, &m->u.sms);
		break;
	case BOXMSG_ACK:
		if (b->ops.ack)
			b->ops.ack(b->arg, conn, &m->u.ack);
		break;
	case BOXMSG_ADMIN:
		log_info("box: bearerbox sent admin command %d", (int)m->u.admin.command);
		break;
	case BOXMSG_HEARTBEAT:
	case BOXMSG_WDP:
		break;
	}
}

/* read_frames reads what the socket has, in bulk, and dispatches every
 * whole frame. 0, or -1 with the reason (the connection is then closed). */
static int
read_frames(struct box *b, uint64_t conn, char *why, size_t whylen)
{
	for (int reads = 0; reads < READS_MAX; reads++) {
		size_t off = 0;
		ssize_t n = read(b->fd, b->in + b->in_len, sizeof b->in - b->in_len);

		if (n == 0) {
			snprintf(why, whylen, "bearerbox closed it");
			return -1;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			snprintf(why, whylen, "read: %s", strerror(errno));
			return -1;
		}
		b->in_len += (size_t)n;
		while (b->in_len - off >= BOXMSG_HEADER) {
			const unsigned char *f = b->in + off;
			struct boxmsg m;
			size_t len = 0;

			if (boxmsg_frame_len(f, &len) != 0) {
				snprintf(why, whylen, "a frame length of %u bytes (at most %d)",
				    (unsigned)((uint32_t)f[0] << 24 | (uint32_t)f[1] << 16 |
				    (uint32_t)f[2] << 8 | f[3]), BOXMSG_MAX);
				return -1;
			}
			if (b->in_len - off < BOXMSG_HEADER + len)
				break;		/* the rest of it is still on its way */
			if (boxmsg_decode(f + BOXMSG_HEADER, len, &m) != 0) {
				pthread_mutex_lock(&b->mu);
				b->fig.bad_frames++;
				pthread_mutex_unlock(&b->mu);
				snprintf(why, whylen, "a %zu-byte frame that is not a box message", len);
				return -1;
			}
			pthread_mutex_lock(&b->mu);
			b->fig.frames_in++;
			pthread_mutex_unlock(&b->mu);
			dispatch(b, conn, &m);
			off += BOXMSG_HEADER + len;
		}
		/* what is left is less than one frame (at most BOXMSG_HEADER +
		 * BOXMSG_MAX), so READ_AHEAD bytes are always free for the next read */
		memmove(b->in, b->in + off, b->in_len - off);
		b->in_len -= off;
	}
	return 0;
}

/* write_out writes what is queued. 0, or -1 with the reason. */
static int
write_out(struct box *b, char *why, size_t whylen)
{
	pthread_mutex_lock(&b->mu);
	while (b->out_off < b->out_len) {
		ssize_t n = send(b->fd, b->out + b->out_off, b->out_len - b->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			int e = errno;

			pthread_mutex_unlock(&b->mu);
			if (e == EAGAIN || e == EINTR)
				return 0;
			snprintf(why, whylen, "write: %s", strerror(e));
			return -1;
		}
		b->out_off += (size_t)n;
	}
	b->out_off = b->out_len = 0;
	b->fig.out_bytes_queued = 0;
	pthread_mutex_unlock(&b->mu);
	return 0;
}

static void *
run(void *arg)
{
	struct box *b = arg;
	int backoff_s = 1;
	long long next_try = 0, next_beat = 0;
	bool failing = false;
	uint64_t conn = 0;
	char why[160];

	while (!stopping(b)) {
		long long now = now_ms();
		struct pollfd p[2];
		int timeout, fd;
		bool paused;

		if (b->fd < 0) {
			if (now < next_try) {
				p[0] = (struct pollfd){.fd = b->wake_fd, .events = POLLIN};
				if (poll(p, 1, (int)(next_try - now)) > 0)
					drain_wake(b);
				continue;
			}
			if ((fd = connect_once(b, why, sizeof why)) < 0) {
				if (!failing)
					log_warnx("box: cannot connect to bearerbox %s:%d: %s; trying again "
					    "with back-off up to %d s", b->conf.host, b->conf.port, why,
					    b->conf.backoff_max_s);
				else
					log_debug("box: connect to %s:%d: %s; next try in %d s",
					    b->conf.host, b->conf.port, why, backoff_s);
				failing = true;
				next_try = now_ms() + backoff_s * 1000LL;
				backoff_s = backoff_s * 2 > b->conf.backoff_max_s ? b->conf.backoff_max_s
				    : backoff_s * 2;
				continue;
			}
			failing = false;
			backoff_s = 1;
			conn = went_up(b, fd);
			next_beat = now_ms() + b->conf.heartbeat_s * 1000LL;
		}
		if (now >= next_beat) {
			pthread_mutex_lock(&b->mu);
			queue_heartbeat(b);
			pthread_mutex_unlock(&b->mu);
			next_beat = now + b->conf.heartbeat_s * 1000LL;
		}
		pthread_mutex_lock(&b->mu);
		paused = now < b->pause_until;
		p[0] = (struct pollfd){.fd = b->fd,
		    .events = (short)((paused ? 0 : POLLIN) | (b->out_off < b->out_len ? POLLOUT : 0))};
		timeout = (int)(next_beat - now);
		if (paused && b->pause_until - now < timeout)
			timeout = (int)(b->pause_until - now);
		pthread_mutex_unlock(&b->mu);
		p[1] = (struct pollfd){.fd = b->wake_fd, .events = POLLIN};
		if (poll(p, 2, timeout < 0 ? 0 : timeout) < 0 && errno != EINTR) {
			log_warn("box: poll");
			continue;
		}
		if (p[1].revents & POLLIN)
			drain_wake(b);
		/* a hang-up is read at once, paused or not (poll reports it
		 * whatever the events asked) */
		if (((p[0].revents & (POLLHUP | POLLERR)) || (!paused && (p[0].revents & POLLIN))) &&
		    read_frames(b, conn, why, sizeof why) != 0) {
			went_down(b, why);
			next_try = now_ms() + 1000;	/* bearerbox restarting: not at once */
			continue;
		}
		if (write_out(b, why, sizeof why) != 0) {
			went_down(b, why);
			next_try = now_ms() + 1000;
		}
	}
	if (b->fd >= 0) {
		write_out(b, why, sizeof why);	/* the last acks, if the socket takes them */
		went_down(b, "langso is stopping");
	}
	return NULL;
}

struct box *
box_start(const struct box_conf *conf, const struct box_ops *ops, void *arg)
{
	struct box *b = xcalloc(1, sizeof *b);

	b->conf = *conf;
	if (b->conf.heartbeat_s <= 0)
		b->conf.heartbeat_s = 30;
	if (b->conf.backoff_max_s <= 0)
		b->conf.backoff_max_s = 30;
	b->ops = *ops;
	b->arg = arg;
	b->fd = -1;
	if ((b->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		log_warn("box: eventfd");
		free(b);
		return NULL;
	}
	pthread_mutex_init(&b->mu, NULL);
	if (pthread_create(&b->thread, NULL, run, b) != 0) {
		log_warnx("box: cannot start its thread");
		close(b->wake_fd);
		pthread_mutex_destroy(&b->mu);
		free(b);
		return NULL;
	}
	return b;
}

void
box_stop(struct box *b)
{
	if (b == NULL)
		return;
	pthread_mutex_lock(&b->mu);
	b->stopping = true;
	pthread_mutex_unlock(&b->mu);
	wake(b);
	pthread_join(b->thread, NULL);
	close(b->wake_fd);
	pthread_mutex_destroy(&b->mu);
	free(b->out);
	free(b);
}
