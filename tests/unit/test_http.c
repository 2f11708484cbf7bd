/*
 * The HTTP endpoints in-process, as smsbox and an operator call them: the
 * server runs on 127.0.0.1 with a free port and a database in the case's
 * temporary directory; requests are raw bytes on a socket, so malformed
 * ones can be sent too.
 */
#include "tests/t.h"
#include "gateway/conf.h"
#include "gateway/http.h"
#include "gateway/metrics.h"
#include "actions/actions.h"
#include "parser/parser.h"
#include "storage/store.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct env {
	struct conf conf;
	struct store *s;
	struct parser *p;
	struct actions *a;
	struct metrics *m;
	struct http *h;
	int port;
};

static struct env E;

static void
setup_with(const char *allow, const char *token)
{
	char err[256];
	struct actions_conf ac = {.max_segments = 3};
	struct village v = {.code = "LD02", .name = "Lăng Đồn", .commune = "Chi Lăng"};
	bool changed;

	conf_defaults(&E.conf);
	snprintf(E.conf.listen_host, sizeof E.conf.listen_host, "127.0.0.1");
	E.conf.listen_port = 0;
	snprintf(E.conf.allow_list[0], sizeof E.conf.allow_list[0], "%s", allow);
	E.conf.allow_n = 1;
	snprintf(E.conf.token, sizeof E.conf.token, "%s", token);
	E.conf.max_body = 4096;
	snprintf(E.conf.db_path, sizeof E.conf.db_path, "%s/langso.db", t_tmpdir());
	E.s = store_open(E.conf.db_path, err, sizeof err);
	T_ASSERTF(E.s != NULL, "%s", err);
	T_ASSERT(store_village_upsert(E.s, &v, &changed) == STORE_OK);
	E.p = parser_new("conf/lexicon.conf", err, sizeof err);
	T_ASSERTF(E.p != NULL, "%s", err);
	E.a = actions_new(E.s, E.p, &ac);
	E.m = metrics_new();
	E.h = http_start(&E.conf, E.a, E.s, E.m, -1, err, sizeof err);
	T_ASSERTF(E.h != NULL, "%s", err);
	E.port = http_port(E.h);
	T_ASSERT(E.port > 0);
}

static void
setup(void)
{
	setup_with("127.0.0.1", "");
}

/* request sends raw bytes and reads the whole answer (Connection: close);
 * returns the status code and leaves the body in body. */
static int
request(const char *raw, size_t len, char *resp, size_t resplen, char **body)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)E.port)};
	struct timeval tv = {.tv_sec = 5};
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;
	size_t got = 0;
	ssize_t n;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	T_ASSERT(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	while (len > 0) {
		n = send(fd, raw, len, MSG_NOSIGNAL);
		if (n <= 0)
			break;	/* the server may close early on a huge body */
		raw += n;
		len -= (size_t)n;
	}
	while (got + 1 < resplen && (n = recv(fd, resp + got, resplen - 1 - got, 0)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	close(fd);
	sscanf(resp, "HTTP/1.%*d %d", &status);
	*body = strstr(resp, "\r\n\r\n");
	*body = *body ? *body + 4 : resp + got;
	return status;
}

static int
get(const char *path, char *resp, size_t resplen, char **body)
{
	char raw[4096];
	int n = snprintf(raw, sizeof raw, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);

	return request(raw, (size_t)n, resp, resplen, body);
}

static long long
count(int (*fn)(struct store *, long long *))
{
	long long n = -1;

	T_ASSERT(fn(E.s, &n) == STORE_OK);
	return n;
}

static void
mo_registers_and_replies(void)
{
	char resp[4096], *body;
	struct person p;

	setup();
	T_ASSERT(get("/kannel/mo?from=%2B84912345678&to=8055&text=DK+LD02+Ho%C3%A0ng+V%C4%83n+Ch%C3%A2u"
	    "&id=a1&coding=0&charset=UTF-8&smsc=FAKE", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strncmp(body, "Da dang ky Hoang Van Chau, thon Lang Don, xa Chi Lang", 52) == 0, "%s", body);
	T_ASSERTF(strstr(resp, "X-Kannel-Coding: 0\r\n") != NULL, "%s", resp);
	T_ASSERTF(strstr(resp, "charset=UTF-8") != NULL, "%s", resp);
	T_ASSERT(store_person_by_phone(E.s, "+84912345678", &p) == STORE_OK);
	T_STREQ(p.name, "Hoàng Văn Châu");
	T_STREQ(p.village_code, "LD02");
}

static void
same_id_twice_changes_nothing(void)
{
	char resp[4096], resp2[4096], *body, *body2;

	setup();
	T_ASSERT(get("/kannel/mo?from=0912345678&text=DK+LD02+Nong+Van+A&id=same", resp, sizeof resp, &body) == 200);
	/* a retry after a timeout: same id, even if smsbox sent other text */
	T_ASSERT(get("/kannel/mo?from=0912345678&text=NGUNG&id=same", resp2, sizeof resp2, &body2) == 200);
	T_STREQ(body2, body);
	T_ASSERT(count(store_inbox_count) == 1);
	T_ASSERT(count(store_person_count) == 1);
}

static void
ucs2_text_is_understood(void)
{
	char resp[4096], *body;
	struct person p;

	setup();
	/* "DK LD02 Hà" as smsbox passes UCS-2 without mo-recode */
	T_ASSERT(get("/kannel/mo?from=84987654321&text=%00D%00K%00+%00L%00D%000%002%00+%00H%00%E0"
	    "&id=u1&coding=2&charset=UTF-16BE", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strncmp(body, "Da dang ky Ha,", 14) == 0, "%s", body);
	T_ASSERT(store_person_by_phone(E.s, "+84987654321", &p) == STORE_OK);
	T_STREQ(p.name, "Hà");
}

static void
post_form_of_kannel(void)
{
	char resp[4096], *body;
	static const char raw[] =
	    "POST /kannel/mo?id=p1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Content-Type: text/plain; charset=\"UTF-16BE\"\r\nX-Kannel-From: +84912000111\r\n"
	    "X-Kannel-To: 8055\r\nX-Kannel-Coding: 2\r\nContent-Length: 4\r\n\r\n\0H\0D";

	setup();
	T_ASSERT(request(raw, sizeof raw - 1, resp, sizeof resp, &body) == 200);
	T_ASSERTF(strstr(body, "DK LD02") != NULL, "help expected: %s", body);
}

static void
bad_requests_change_nothing(void)
{
	static const struct { const char *path, *reason; } rows[] = {
		{"/kannel/mo?to=8055&text=HD&id=b1", "missing from"},
		{"/kannel/mo?from=&text=HD&id=b2", "missing from"},
		{"/kannel/mo?from=0912345678&text=HD", "missing id"},
		{"/kannel/mo?from=0912345678&text=HD&id=", "missing id"},
		{"/kannel/mo?from=0912345678&id=b3", "missing text"},
		{"/kannel/mo?from=0912345678&text=&id=b4", "empty text"},
		{"/kannel/mo?from=0912345678&text=B%E1n&id=b5&charset=UTF-8", "text: text is not valid UTF-8"},
		{"/kannel/mo?from=0912345678&text=%00B%00&id=b6&charset=UTF-16BE", "text: UTF-16 text with an odd"},
		{"/kannel/mo?from=12345&text=HD&id=b7", "from is not a phone number"},
		{"/kannel/mo?from=0912345678';DROP+TABLE+people;--&text=HD&id=b8", "from is not a phone number"},
		{"/kannel/dlr?id=999&type=1", "no such message"},
		{"/kannel/dlr?id=abc&type=1", "id must be"},
		{"/kannel/nosuch", "not found"},
	};
	char resp[4096], *body;

	setup();
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int st = get(rows[i].path, resp, sizeof resp, &body);

		T_ASSERTF(st >= 400 && st < 500, "%s: %d", rows[i].path, st);
		T_ASSERTF(strstr(body, rows[i].reason) != NULL, "%s: %s", rows[i].path, body);
	}
	T_ASSERT(count(store_inbox_count) == 0);
	T_ASSERT(count(store_person_count) == 0);
}

static void
oversize_body_and_junk(void)
{
	size_t big = 1 << 20;
	char *raw = malloc(big + 512), resp[4096], *body;
	int n = sprintf(raw, "POST /kannel/mo?id=big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "X-Kannel-From: 0912345678\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n", big);

	setup();
	memset(raw + n, 'A', big);
	T_ASSERT(request(raw, (size_t)n + big, resp, sizeof resp, &body) == 413);
	free(raw);
	static const char bad_header[] = "GET / HTTP/1.1\r\nBad header line\r\n\r\n";
	static const char bad_version[] = "GET /kannel/mo HTTP/9.9\r\nHost: x\r\n\r\n";
	static const char garbage[] = "GARBAGE\r\n\r\n";

	T_ASSERT(request(bad_header, sizeof bad_header - 1, resp, sizeof resp, &body) == 400);
	T_ASSERT(request(bad_version, sizeof bad_version - 1, resp, sizeof resp, &body) == 505);
	/* a request line MHD cannot read at all: the connection is closed */
	T_ASSERT(request(garbage, sizeof garbage - 1, resp, sizeof resp, &body) == -1);
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == 200);	/* still serving */
	T_ASSERT(count(store_inbox_count) == 0);
}

static void
sql_and_html_stored_verbatim(void)
{
	char resp[4096], *body;
	struct person p;

	setup();
	T_ASSERT(get("/kannel/mo?from=0912345678&text=DK+LD02+Robert%27%29%3B+DROP+TABLE+people%3B--"
	    "&id=s1", resp, sizeof resp, &body) == 200);
	T_ASSERT(get("/kannel/mo?from=0912345679&text=DK+LD02+Nguyen+%3Cscript%3Ealert(1)%3C%2Fscript%3E"
	    "&id=s2", resp, sizeof resp, &body) == 200);
	T_ASSERT(store_person_by_phone(E.s, "+84912345678", &p) == STORE_OK);
	T_STREQ(p.name, "Robert'); Drop Table People;--");	/* DK title-cases names */
	T_ASSERT(store_person_by_phone(E.s, "+84912345679", &p) == STORE_OK);
	T_STREQ(p.name, "Nguyen <script>alert(1)</script>");
	T_ASSERT(count(store_person_count) == 2);
}

static void
allow_list_and_token(void)
{
	char resp[4096], *body;

	setup_with("127.0.0.2", "");
	T_ASSERT(get("/kannel/mo?from=0912345678&text=HD&id=f1", resp, sizeof resp, &body) == 403);
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == 200);	/* not under /kannel */
	http_stop(E.h);
	store_close(E.s);
	setup_with("127.0.0.1", "t0k3n");
	T_ASSERT(get("/kannel/mo?from=0912345678&text=HD&id=f2", resp, sizeof resp, &body) == 403);
	T_ASSERT(get("/kannel/mo?from=0912345678&text=HD&id=f3&token=wrong", resp, sizeof resp, &body) == 403);
	T_ASSERT(get("/kannel/mo?from=0912345678&text=HD&id=f4&token=t0k3n", resp, sizeof resp, &body) == 200);
	T_ASSERT(count(store_inbox_count) == 1);
}

static void
dlr_updates_the_message(void)
{
	char resp[4096], *body, path[128];
	struct outbox_new m = {.phone = "+84912345678", .text = "Gia na 30.000d"};
	struct outbox_counts c;
	long long id;

	setup();
	T_ASSERT(store_outbox_add(E.s, &m, &id) == STORE_OK);
	snprintf(path, sizeof path, "/kannel/dlr?id=%lld&type=8&reply=ACK%%2F&smscid=", id);
	T_ASSERT(get(path, resp, sizeof resp, &body) == 200);
	snprintf(path, sizeof path, "/kannel/dlr?id=%lld&type=1&reply=&smscid=FAKE", id);
	T_ASSERT(get(path, resp, sizeof resp, &body) == 200);
	T_ASSERT(store_outbox_counts(E.s, &c) == STORE_OK);
	T_ASSERT(c.delivered == 1);
}

static void
health_and_metrics(void)
{
	char resp[8192], *body;

	setup();
	T_ASSERT(get("/kannel/mo?from=0912345678&text=xyz+abc&id=m1", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strstr(body, "Nhan HD de xem huong dan") != NULL, "%s", body);
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == 200);
	T_STREQ(body, "ok\n");
	T_ASSERT(get("/metrics", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strstr(body, "langso_mo_total{outcome=\"UNKNOWN\"} 1") != NULL, "%s", body);
	T_ASSERTF(strstr(body, "langso_mo_seconds_count 1") != NULL, "%s", body);
	T_ASSERTF(strstr(body, "langso_outbox_messages{status=\"queued\"} 0") != NULL, "%s", body);
}

static unsigned long fail_from;
static int
fail_steps(unsigned long n)
{
	return n >= fail_from ? 13 /* SQLITE_FULL */ : 0;
}

static void
database_failure_is_503_and_retryable(void)
{
	char resp[4096], *body;

	setup();
	fail_from = 0;
	store_step_hook = fail_steps;
	T_ASSERT(get("/kannel/mo?from=0912345678&text=DK+LD02+Nong+Van+B&id=d1", resp, sizeof resp, &body) == 503);
	store_step_hook = NULL;
	/* smsbox retries the same id once the database is back */
	T_ASSERT(get("/kannel/mo?from=0912345678&text=DK+LD02+Nong+Van+B&id=d1", resp, sizeof resp, &body) == 200);
	T_ASSERT(count(store_person_count) == 1);
	T_ASSERT(count(store_inbox_count) == 1);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"mo_registers_and_replies", mo_registers_and_replies},
		{"same_id_twice_changes_nothing", same_id_twice_changes_nothing},
		{"ucs2_text_is_understood", ucs2_text_is_understood},
		{"post_form_of_kannel", post_form_of_kannel},
		{"bad_requests_change_nothing", bad_requests_change_nothing},
		{"oversize_body_and_junk", oversize_body_and_junk},
		{"sql_and_html_stored_verbatim", sql_and_html_stored_verbatim},
		{"allow_list_and_token", allow_list_and_token},
		{"dlr_updates_the_message", dlr_updates_the_message},
		{"health_and_metrics", health_and_metrics},
		{"database_failure_is_503_and_retryable", database_failure_is_503_and_retryable},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
