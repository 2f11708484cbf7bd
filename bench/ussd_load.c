/*
 * ussd_load.c - load generator for bench/ussd.sh: N keep-alive connections
 * to POST /ussd, each playing one USSD session after another the way an
 * aggregator would (text = the *-joined history, the next step sent only
 * after the previous answer). One thread, epoll. Prints one RESULT line:
 * steps, steps/s, answers that were not "CON "/"END " with 200, and the
 * latency percentiles from a 10-microsecond histogram.
 *
 * Every connection is opened, then the server is given a second to accept
 * them all before the first step is sent: Node accepts one connection per
 * turn of its event loop, so under load it takes tens of seconds to accept
 * 1,000 (idle, a few milliseconds). Counting starts after the warm-up and
 * once every connection has had an answer (or 60 s later), else a server
 * would be measured with fewer sessions than asked, and its latency would
 * look shorter than it is. RESULT says when that was (ramp_s, from the
 * first step) and how many connections had no answer at all while
 * counting (stalled).
 *
 *   ussd_load PORT CONNECTIONS SECONDS [WARMUP_SECONDS [mix|nav]]
 *
 * Sessions cycle through three flows: sell (7 steps, ends in LIST), search
 * (6 steps: the product's open listings, home, goodbye) and price (3 steps,
 * ends in PRICE), each session on another product of the lexicon's first
 * page. Phone numbers are +8491300NNNN, one per connection (the bench
 * registers them as households spread over the demo villages); session ids
 * are b<connection>-<n>, n counting up from the start time in ms.
 *
 * JOURNAL=path (tests/it/test_ussd_kill9.sh) writes what a client saw, for
 * a test to hold a killed daemon to after its restart: one line
 *   LISTED <phone> <listing#>        for every sell answered END "...#N"
 *   NOTLISTED <phone> <sessionId>    for a sell's END without a listing #
 * as it comes (line-buffered), and a connection closed or reset by the
 * server (a kill) is then no error: the generator stops at the first one,
 * reads the answers already sent on the others (without sending more),
 * and writes each connection's last state, "-" standing for the empty
 * history and "none" for no step answered yet in that session:
 *   MIDWAY <phone> <sessionId> <last answered hist>   (last answer CON)
 *   INFLIGHT <phone> <sessionId> <hist in flight> <last answered hist>
 *   ENDED <phone> <sessionId>                         (last answer END)
 * and last "STOP closed=<connections closed> open=<still open>". Then
 * the RESULT line as always, exit 0.
 *
 * THINK_MS=n: after each answer a connection waits a random 0..n ms before
 * its next step, as a user reads the screen (so that at a kill some
 * sessions are idle mid-way, not all of them waiting for an answer).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HIST_US 10			/* histogram bucket width */
#define HIST_N 200000			/* up to 2 s */
#define BUF 8192

/* P is replaced by a product number (1..8, the first page of the lexicon),
 * a different one for each session */
static const char *const mix[][8] = {
	{"", "1", "1*P", "1*P*1", "1*P*1*50", "1*P*1*50*30000", "1*P*1*50*30000*1", NULL},
	{"", "3", "3*1", "3*1*P", "3*1*P*00", "3*1*P*00*0", NULL},
	{"", "2", "2*P", NULL},
};
/* "nav": menus only (lexicon lists, paging, home, goodbye), no market query:
 * what the USSD layer itself costs */
static const char *const nav[][8] = {
	{"", "2", "2*9", "2*9*0", "2*9*0*00", "2*9*0*00*0", NULL},
	{"", "1", "1*P", "1*P*1", "1*P*1*0", "1*P*1*0*00", "1*P*1*0*00*0", NULL},
	{"", "7", "7*0", "7*0*0", NULL},
};
#define NFLOWS 3
static const char *const (*flows)[8] = mix;

struct conn {
	int fd;
	int flow, step;
	long long session;
	char in[BUF];
	size_t inlen;
	double sent_at;
	bool answered;			/* any answer yet */
	long long counted;		/* answers while counting */
	/* for the journal: the history (product put in) of the step sent
	 * last, the last one answered in this session, and the state */
	char sent[128], last[128];
	bool inflight, has_last, ended, closed;
	double due;			/* THINK_MS: when the next step goes, 0 none */
};

/* every counted step; and the sells' last steps alone (answered after a
 * commit, so their share of the tail is what the committer adds) */
struct hist {
	unsigned long long n[HIST_N];
};
static struct hist all, sold;
static long long steps, bad, sessions;
static int port, nanswered;
static FILE *journal;		/* JOURNAL: NULL when not set */
static double think;		/* THINK_MS, in seconds: 0 none */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
conn_open(void)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* urlenc_star writes s with '*' as %2A (the only character of a history
 * that needs it) and P as the session's product digit. */
static void
urlenc_star(const char *s, char product, char *out, size_t outlen)
{
	size_t j = 0;

	for (; *s != '\0' && j + 4 < outlen; s++) {
		if (*s == '*') {
			memcpy(out + j, "%2A", 3);
			j += 3;
		} else
			out[j++] = *s == 'P' ? product : *s;
	}
	out[j] = '\0';
}

static void
put_product(const char *s, char product, char *out, size_t outlen)
{
	size_t j = 0;

	for (; *s != '\0' && j + 1 < outlen; s++)
		out[j++] = *s == 'P' ? product : *s;
	out[j] = '\0';
}

static int
send_step(struct conn *c, int idx)
{
	char body[512], req[1024], text[256];
	char product = (char)('1' + (c->session + idx) % 8);
	int bl, rl;
	ssize_t w;

	urlenc_star(flows[c->flow][c->step], product, text, sizeof text);
	put_product(flows[c->flow][c->step], product, c->sent, sizeof c->sent);
	bl = snprintf(body, sizeof body,
	    "sessionId=b%d-%lld&serviceCode=%%2A868%%23&phoneNumber=%%2B8491300%04d&text=%s", idx,
	    c->session, idx % 10000, text);
	rl = snprintf(req, sizeof req,
	    "POST /ussd HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: %d\r\n\r\n%s", bl, body);
	c->sent_at = now_s();
	w = write(c->fd, req, (size_t)rl);
	/* a write that failed delivered no whole request: none is in flight */
	c->inflight = w == rl;
	return w == rl ? 0 : -1;
}

/* answer: a whole response in c->in? Returns its length, 0 if incomplete. */
static size_t
answer_len(const struct conn *c, int *status, const char **body)
{
	const char *end = memmem(c->in, c->inlen, "\r\n\r\n", 4), *cl;
	size_t hdr, len;

	if (end == NULL)
		return 0;
	hdr = (size_t)(end - c->in) + 4;
	cl = memmem(c->in, hdr, "Content-Length:", 15);
	if (cl == NULL)
		cl = memmem(c->in, hdr, "content-length:", 15);
	len = cl ? strtoul(cl + 15, NULL, 10) : 0;
	if (c->inlen < hdr + len)
		return 0;
	*status = atoi(c->in + 9);
	*body = c->in + hdr;
	return hdr + len;
}

static void
record(struct hist *h, double secs)
{
	long b = (long)(secs * 1e6 / HIST_US);

	if (b >= HIST_N)
		b = HIST_N - 1;
	h->n[b]++;
}

static double
percentile(const struct hist *h, double p)
{
	unsigned long long total = 0, acc = 0;

	for (long i = 0; i < HIST_N; i++)
		total += h->n[i];
	for (long i = 0; i < HIST_N; i++) {
		acc += h->n[i];
		if (total > 0 && (double)acc >= p / 100.0 * (double)total)
			return (double)(i + 1) * HIST_US / 1000.0;
	}
	return 0;
}

/* listed: a sell answered END goes to the journal with its listing # */
static void
listed(const struct conn *c, int idx, const char *body, size_t len)
{
	const char *h = memchr(body, '#', len);
	long long id = h ? strtoll(h + 1, NULL, 10) : 0;

	if (id > 0)
		fprintf(journal, "LISTED +8491300%04d %lld\n", idx % 10000, id);
	else
		fprintf(journal, "NOTLISTED +8491300%04d b%d-%lld\n", idx % 10000, idx, c->session);
}

static const char *
hist_or_dash(const char *h)
{
	return h[0] != '\0' ? h : "-";
}

/* journal_state writes where connection c was left at the stop. */
static void
journal_state(const struct conn *c, int idx)
{
	char phone[24];

	snprintf(phone, sizeof phone, "+8491300%04d", idx % 10000);
	if (c->inflight)
		fprintf(journal, "INFLIGHT %s b%d-%lld %s %s\n", phone, idx, c->session,
		    hist_or_dash(c->sent), c->has_last ? hist_or_dash(c->last) : "none");
	else if (c->ended)	/* the next session has not begun: END was the last */
		fprintf(journal, "ENDED %s b%d-%lld\n", phone, idx, c->session - 1);
	else if (c->has_last)
		fprintf(journal, "MIDWAY %s b%d-%lld %s\n", phone, idx, c->session,
		    hist_or_dash(c->last));
	else	/* nothing sent or answered in this session */
		fprintf(journal, "IDLE %s b%d-%lld\n", phone, idx, c->session);
}

/* on_answer moves the session on; a finished flow starts the next one,
 * unless sending is off (the journal's stop: the answers still coming). */
static int
on_answer(struct conn *c, int idx, bool counting, bool sending)
{
	int status = 0;
	const char *body = NULL;
	size_t n;

	while ((n = answer_len(c, &status, &body)) > 0) {
		bool end = strncmp(body, "END ", 4) == 0;

		if (!c->answered) {
			c->answered = true;
			nanswered++;
		}
		if (journal != NULL) {
			if (end && flows == mix && c->flow == 0)
				listed(c, idx, body, n - (size_t)(body - c->in));
			c->inflight = false;
			c->has_last = true;
			c->ended = end;
			snprintf(c->last, sizeof c->last, "%s", c->sent);
		}

		if (counting) {
			c->counted++;
			steps++;
			record(&all, now_s() - c->sent_at);
			if (end && flows == mix && c->flow == 0)
				record(&sold, now_s() - c->sent_at);
			if (status != 200 || (!end && strncmp(body, "CON ", 4) != 0)) {
				/* the first few, to say what was wrong */
				if (bad++ < 3)
					fprintf(stderr, "ussd_load: bad answer (status %d) to text=%s: %.*s\n",
					    status, flows[c->flow][c->step], (int)(n - (size_t)(body - c->in) < 80 ?
					    n - (size_t)(body - c->in) : 80), body);
			}
		}
		memmove(c->in, c->in + n, c->inlen - n);
		c->inlen -= n;
		c->step++;
		if (end || flows[c->flow][c->step] == NULL) {
			c->flow = (c->flow + 1) % NFLOWS;
			c->step = 0;
			c->session++;
			c->has_last = false;
			if (counting)
				sessions++;
		}
		if (sending && think > 0)
			c->due = now_s() + think * (double)random() / (double)RAND_MAX;
		else if (sending && send_step(c, idx) < 0)
			return -1;
	}
	return 0;
}

/* closed: the server closed or reset c (read 0, or an error) */
static void
closed(struct conn *c, int ep)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->closed = true;
}

/* drain (journal): after the first close, the answers the server sent
 * before it died are read on every connection, nothing more sent, until
 * each is closed or a second has passed. Returns the connections left open. */
static int
drain(struct conn *cs, int nconn, int ep)
{
	struct epoll_event evs[256];
	double until = now_s() + 1.0;
	int open = 0;

	for (int i = 0; i < nconn; i++)
		open += !cs[i].closed;
	while (open > 0 && now_s() < until) {
		int n = epoll_wait(ep, evs, 256, 100);

		for (int k = 0; k < n; k++) {
			struct conn *c = &cs[evs[k].data.u32];
			ssize_t r = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen - 1);

			if (r <= 0) {
				closed(c, ep);
				open--;
				continue;
			}
			c->inlen += (size_t)r;
			on_answer(c, (int)evs[k].data.u32, false, false);
		}
	}
	return open;
}

/* server_gone: the next step of connection i could not be sent. With a
 * journal that is the end of the run (the server was killed): true; else
 * false, and the generator fails. */
static bool
server_gone(int i)
{
	if (journal == NULL)
		return false;
	fprintf(stderr, "ussd_load: connection %d: the next step could not be sent\n", i);
	return true;
}

int
main(int argc, char **argv)
{
	int nconn, ep;
	double secs, warm, t0, tend, tcount, ramp = -1;
	int stalled = 0;
	struct conn *cs;
	struct epoll_event ev, evs[256];
	bool counting = false, stop = false;

	if (argc < 4) {
		fprintf(stderr, "usage: ussd_load PORT CONNECTIONS SECONDS [WARMUP]\n");
		return 2;
	}
	port = atoi(argv[1]);
	nconn = atoi(argv[2]);
	secs = atof(argv[3]);
	warm = argc > 4 ? atof(argv[4]) : 2;
	if (argc > 5 && strcmp(argv[5], "nav") == 0)
		flows = nav;
	if (getenv("JOURNAL") != NULL && getenv("JOURNAL")[0] != '\0') {
		journal = fopen(getenv("JOURNAL"), "w");
		if (journal == NULL) {
			fprintf(stderr, "ussd_load: %s: %s\n", getenv("JOURNAL"), strerror(errno));
			return 1;
		}
		/* a test reads it while the load runs */
		setvbuf(journal, NULL, _IOLBF, 0);
		/* a kill of the server is expected: a write to it is an error
		 * returned, not a signal */
		signal(SIGPIPE, SIG_IGN);
	}
	if (getenv("THINK_MS") != NULL)
		think = atof(getenv("THINK_MS")) / 1000.0;
	cs = calloc((size_t)nconn, sizeof *cs);
	ep = epoll_create1(0);
	if (cs == NULL || ep < 0)
		return 99;
	for (int i = 0; i < nconn; i++) {
		if ((cs[i].fd = conn_open()) < 0) {
			fprintf(stderr, "ussd_load: connect %d: %s\n", i, strerror(errno));
			return 1;
		}
		cs[i].flow = i % NFLOWS;
		cs[i].session = (long long)time(NULL) * 1000;
		ev.events = EPOLLIN;
		ev.data.u32 = (unsigned)i;
		epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
	}
	sleep(1);
	t0 = now_s();
	tcount = t0 + warm;
	tend = 0;			/* set when counting starts */
	for (int i = 0; i < nconn; i++)
		if (send_step(&cs[i], i) < 0)
			return 1;
	for (;;) {
		double t = now_s();
		int n;

		if (ramp < 0 && nanswered == nconn)
			ramp = t - t0;
		/* every connection answered, or given up waiting after 60 s */
		if (!counting && t >= tcount && (ramp >= 0 || t >= t0 + warm + 60)) {
			counting = true;
			tcount = t;
			tend = t + secs;
		}
		if (counting && t >= tend)
			break;
		for (int i = 0; think > 0 && i < nconn; i++) {
			if (cs[i].due == 0 || cs[i].due > t)
				continue;
			cs[i].due = 0;
			if (send_step(&cs[i], i) < 0) {
				if (!server_gone(i))
					return 1;
				stop = true;
				break;
			}
		}
		if (stop)
			break;
		n = epoll_wait(ep, evs, 256, think > 0 ? 1 : 100);
		for (int k = 0; k < n; k++) {
			int i = (int)evs[k].data.u32;
			struct conn *c = &cs[i];
			ssize_t r = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen - 1);

			if (r <= 0) {
				fprintf(stderr, "ussd_load: connection %d closed by the server\n", i);
				if (journal == NULL)
					return 1;
				closed(c, ep);
				stop = true;
				break;
			}
			c->inlen += (size_t)r;
			if (on_answer(c, i, counting, true) < 0) {
				/* the server is gone: what it had sent is still read */
				if (!server_gone(i))
					return 1;
				stop = true;
				break;
			}
		}
		if (stop)
			break;
	}
	secs = now_s() - tcount;
	if (journal != NULL) {
		int open = stop ? drain(cs, nconn, ep) : nconn;

		for (int i = 0; i < nconn; i++)
			journal_state(&cs[i], i);
		fprintf(journal, "STOP closed=%d open=%d\n", nconn - open, open);
		if (fclose(journal) != 0) {
			fprintf(stderr, "ussd_load: journal: %s\n", strerror(errno));
			return 1;
		}
	}
	for (int i = 0; i < nconn; i++)
		stalled += cs[i].counted == 0;
	printf("RESULT steps=%lld sessions=%lld bad=%lld duration_s=%.2f steps_per_s=%.0f "
	    "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f sold_p50_ms=%.2f sold_p99_ms=%.2f ramp_s=%.2f "
	    "stalled=%d\n", steps, sessions, bad, secs, (double)steps / secs, percentile(&all, 50),
	    percentile(&all, 90), percentile(&all, 99), percentile(&sold, 50), percentile(&sold, 99),
	    ramp, stalled);
	for (int i = 0; i < nconn; i++)
		if (cs[i].fd >= 0)
			close(cs[i].fd);
	close(ep);
	free(cs);
	return 0;
}
