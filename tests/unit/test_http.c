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
#include "actions/ussd_front.h"
#include "menus/menu.h"
#include "parser/parser.h"
#include "storage/store.h"
#include "storage/ussd_mem.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct env {
	struct conf conf;
	struct store *s;		/* the committer's: its thread's alone */
	struct store *db;		/* the test thread's own connection */
	struct parser *p;
	struct actions *a;
	struct metrics *m;
	struct menu_def *menus;
	struct http *h;
	struct store *fs;		/* the USSD front's read-only connection */
	struct actions *fa;
	struct ussd_mem *sessions;
	struct ussd_front *front;
	int port;
	const char *src;		/* client source address; NULL: 127.0.0.1 */
};

static struct env E;

static void
setup_with(const char *allow, const char *token)
{
	char err[256], path[512];
	struct actions_conf ac = {.max_segments = 3, .session_timeout = 120};
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
	E.db = store_open(E.conf.db_path, err, sizeof err);
	T_ASSERTF(E.db != NULL, "%s", err);
	E.p = parser_new("conf/lexicon.conf", err, sizeof err);
	T_ASSERTF(E.p != NULL, "%s", err);
	E.menus = menu_load("conf/menus.conf", err, sizeof err);
	T_ASSERTF(E.menus != NULL, "%s", err);
	ac.menus = E.menus;
	E.a = actions_new(E.s, E.p, &ac);
	E.m = metrics_new();
	/* POST /ussd as langso serve answers it (gateway/main.c) */
	snprintf(path, sizeof path, "%s/langso.db-ussd", t_tmpdir());
	E.sessions = ussd_mem_open(path, 64, err, sizeof err);
	T_ASSERTF(E.sessions != NULL, "%s", err);
	E.fs = store_open(E.conf.db_path, err, sizeof err);
	T_ASSERTF(E.fs != NULL && store_set_query_only(E.fs) == STORE_OK, "%s", err);
	E.fa = actions_new(E.fs, E.p, &ac);
	E.front = ussd_front_new(E.fa, E.sessions);
	E.h = http_start(&E.conf, E.a, E.s, E.front, E.m, -1, err, sizeof err);
	T_ASSERTF(E.h != NULL, "%s", err);
	E.port = http_port(E.h);
	T_ASSERT(E.port > 0);
}

static void
setup(void)
{
	setup_with("127.0.0.1", "");
}

/* teardown stops the server and frees what setup_with made, in reverse */
static void
teardown(void)
{
	http_stop(E.h);
	ussd_front_free(E.front);
	actions_free(E.fa);
	store_close(E.fs);
	ussd_mem_close(E.sessions);
	metrics_free(E.m);
	actions_free(E.a);
	menu_free(E.menus);
	parser_free(E.p);
	store_close(E.db);
	store_close(E.s);
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
	if (E.src != NULL) {
		struct sockaddr_in me = {.sin_family = AF_INET};

		inet_pton(AF_INET, E.src, &me.sin_addr);
		T_ASSERT(bind(fd, (struct sockaddr *)&me, sizeof me) == 0);
	}
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

/* send_only opens a connection and sends a GET without reading the answer
 * (see read_answer), so several requests can wait at once. */
static int
send_only(const char *path)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)E.port)};
	struct timeval tv = {.tv_sec = 10};
	char raw[2048];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int n = snprintf(raw, sizeof raw, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	T_ASSERT(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	T_ASSERT(send(fd, raw, (size_t)n, MSG_NOSIGNAL) == n);
	return fd;
}

/* read_answer reads the whole answer on fd, closes it; the status code. */
static int
read_answer(int fd, char *resp, size_t resplen, char **body)
{
	size_t got = 0;
	ssize_t n;
	int status = -1;

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

/* ussd posts one POST /ussd step (Africa's Talking form) and leaves the
 * screen in body. */
static int
ussd(const char *sid, const char *phone, const char *text, char *resp, size_t resplen, char **body)
{
	char form[512], raw[1024];
	int n;

	snprintf(form, sizeof form, "sessionId=%s&serviceCode=%%2A868%%23&phoneNumber=%s&text=%s",
	    sid, phone, text);
	n = snprintf(raw, sizeof raw, "POST /ussd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
	    strlen(form), form);
	return request(raw, (size_t)n, resp, resplen, body);
}

static long long
count(int (*fn)(struct store *, long long *))
{
	long long n = -1;

	T_ASSERT(fn(E.db, &n) == STORE_OK);
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
	T_ASSERT(store_person_by_phone(E.db, "+84912345678", &p) == STORE_OK);
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
	T_ASSERT(store_person_by_phone(E.db, "+84987654321", &p) == STORE_OK);
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
		/* a byte-order mark and nothing else (found by fuzz_http) */
		{"/kannel/mo?from=0912345678&text=%FF%FE&id=b61&charset=UTF-16", "empty text"},
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
	T_ASSERT(store_person_by_phone(E.db, "+84912345678", &p) == STORE_OK);
	T_STREQ(p.name, "Robert'); Drop Table People;--");	/* DK title-cases names */
	T_ASSERT(store_person_by_phone(E.db, "+84912345679", &p) == STORE_OK);
	T_STREQ(p.name, "Nguyen <script>alert(1)</script>");
	T_ASSERT(count(store_person_count) == 2);
}

static void
allow_list_and_token(void)
{
	char resp[4096], *body;

	setup_with("127.0.0.2", "");
	/* outside allow: refused when connecting, before any request is read,
	 * whatever the endpoint (no status line at all) */
	T_ASSERT(get("/kannel/mo?from=0912345678&text=HD&id=f1", resp, sizeof resp, &body) == -1);
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == -1);
	T_ASSERT(get("/metrics", resp, sizeof resp, &body) == -1);
	teardown();
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
	T_ASSERT(store_outbox_add(E.db, &m, &id) == STORE_OK);
	snprintf(path, sizeof path, "/kannel/dlr?id=%lld&type=8&reply=ACK%%2F&smscid=", id);
	T_ASSERT(get(path, resp, sizeof resp, &body) == 200);
	snprintf(path, sizeof path, "/kannel/dlr?id=%lld&type=1&reply=&smscid=FAKE", id);
	T_ASSERT(get(path, resp, sizeof resp, &body) == 200);
	T_ASSERT(store_outbox_counts(E.db, &c) == STORE_OK);
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

/* issue 9, "USSD step ids collide across phones": the step was named by a
 * hash of sessionId and text only, so another phone sending the same pair
 * got the first phone's screen (and nothing happened for it), and swapped
 * pairs collided too. */
static void
ussd_step_ids_are_per_phone(void)
{
	char resp[4096], *body;
	struct person p;

	setup();
	/* phone A registers through the menus in session S1 */
	T_ASSERT(ussd("S1", "0912000301", "", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strncmp(body, "CON Lang So", 11) == 0, "%s", body);
	T_ASSERT(ussd("S1", "0912000301", "7", resp, sizeof resp, &body) == 200);
	T_ASSERT(ussd("S1", "0912000301", "7*ld02", resp, sizeof resp, &body) == 200);
	T_ASSERT(ussd("S1", "0912000301", "7*ld02*Nong+Van+A", resp, sizeof resp, &body) == 200);
	T_ASSERT(ussd("S1", "0912000301", "7*ld02*Nong+Van+A*1", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strncmp(body, "END Da dang ky", 14) == 0, "%s", body);
	T_ASSERT(store_person_by_phone(E.db, "+84912000301", &p) == STORE_OK);
	/* phone B sends the same sessionId and history: its own step, so it is
	 * registered too (its history replayed), not shown A's screen */
	T_ASSERT(ussd("S1", "0912000302", "7*ld02*Nong+Van+A*1", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strncmp(body, "END Da dang ky", 14) == 0, "%s", body);
	T_ASSERT(store_person_by_phone(E.db, "+84912000302", &p) == STORE_OK);
	T_STREQ(p.village_code, "LD02");
	/* swapped pairs: (sessionId 7, text 8) then (sessionId 8, text 7) */
	T_ASSERT(ussd("7", "0912000303", "8", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strncmp(body, "CON Nhan thong bao", 18) == 0, "%s", body);
	T_ASSERT(ussd("8", "0912000303", "7", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strncmp(body, "CON Nhap ma thon", 16) == 0, "%s", body);
	/* a retried step is still the same step: same screen, nothing new */
	T_ASSERT(ussd("8", "0912000303", "7", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strncmp(body, "CON Nhap ma thon", 16) == 0, "%s", body);
	/* the two registrations: moving through the menus writes nothing
	 * (issue 14) */
	T_ASSERT(count(store_inbox_count) == 2);
	/* three phones' sessions in memory */
	T_ASSERT(get("/metrics", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strstr(body, "\nlangso_ussd_sessions 3\n") != NULL, "%s", body);
}

/* the same Kannel id from another phone is that phone's message, never
 * answered with the first phone's reply */
static void
kannel_id_dedup_is_per_phone(void)
{
	char resp[4096], *body;
	struct person p;

	setup();
	T_ASSERT(get("/kannel/mo?from=0912000311&text=DK+LD02+Nong+Van+C&id=k1", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strstr(body, "Nong Van C") != NULL, "%s", body);
	/* the same id from another phone is that phone's own MO: run, answered
	 * (it was 503 on every retry while the id alone was unique) */
	T_ASSERTF(get("/kannel/mo?from=0912000312&text=DK+LD02+Be+Van+F&id=k1", resp, sizeof resp,
	    &body) == 200, "%s", resp);
	T_ASSERTF(strstr(body, "Nong Van C") == NULL, "another phone got A's reply: %s", body);
	T_ASSERTF(strstr(body, "Be Van F") != NULL, "%s", body);
	T_ASSERT(store_person_by_phone(E.db, "+84912000312", &p) == STORE_OK);
	/* and each phone's retry is still answered from its own inbox row */
	T_ASSERT(get("/kannel/mo?from=0912000312&text=DK+LD02+Be+Van+F&id=k1", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strstr(body, "Be Van F") != NULL, "%s", body);
	T_ASSERT(count(store_inbox_count) == 2);
}

/* fail_inbox_of_0340: the write of one phone's inbox row fails, every time
 * (its disk sector, its constraint: the other MOs' writes go through). */
static int
fail_inbox_of_0340(const char *sql)
{
	return strncmp(sql, "INSERT INTO inbox", 17) == 0 && strstr(sql, "+84912000340") != NULL
	    ? 19 /* SQLITE_CONSTRAINT */ : 0;
}

/* issue 9, "one bad message fails its batch": an MO whose action fails
 * (here its inbox row cannot be written, store_step_sql_hook) made
 * the whole committer batch answer 503. Now the batch is retried one MO at
 * a time: the innocent MOs of the same batch are committed and answered. */
static void
one_bad_mo_does_not_fail_its_batch(void)
{
	char resp[4096], *body, path[256];
	int first, fds[6], innocent = 5;
	struct person p;

	/* the committer holds each fresh batch 400 ms (test seam): the six MOs
	 * below arrive while it holds the first one, so they form one batch */
	setenv("LANGSO_TEST_MO_DELAY_MS", "400", 1);
	setup();
	store_step_sql_hook = fail_inbox_of_0340;
	first = send_only("/kannel/mo?from=0912000321&text=DK+LD02+Nong+Van+D&id=first");
	usleep(150 * 1000);
	for (int i = 0; i < innocent; i++) {
		snprintf(path, sizeof path, "/kannel/mo?from=091200033%d&text=DK+LD02+Be+Van+%c&id=in%d",
		    i, 'A' + i, i);
		fds[i] = send_only(path);
	}
	fds[innocent] = send_only("/kannel/mo?from=0912000340&text=DK+LD02+Ma+Van+E&id=bad");
	T_ASSERT(read_answer(first, resp, sizeof resp, &body) == 200);
	for (int i = 0; i < innocent; i++) {
		char phone[32];

		T_ASSERTF(read_answer(fds[i], resp, sizeof resp, &body) == 200, "innocent %d: %s", i, resp);
		T_ASSERTF(strstr(body, "Da dang ky Be Van") != NULL, "%s", body);
		snprintf(phone, sizeof phone, "+8491200033%d", i);
		T_ASSERT(store_person_by_phone(E.db, phone, &p) == STORE_OK);
	}
	T_ASSERT(read_answer(fds[innocent], resp, sizeof resp, &body) == 503);
	T_ASSERT(store_person_by_phone(E.db, "+84912000340", &p) == STORE_NONE);
	T_ASSERT(count(store_inbox_count) == 1 + innocent);
}

static int
fail_all(unsigned long n)
{
	(void)n;
	return 13;	/* SQLITE_FULL */
}

/* restart stops the server and starts it again on the same database (its
 * figures are taken at start). */
static void
restart(void)
{
	char err[256];

	http_stop(E.h);
	E.h = http_start(&E.conf, E.a, E.s, E.front, E.m, -1, err, sizeof err);
	T_ASSERTF(E.h != NULL, "%s", err);
	E.port = http_port(E.h);
}

/* issue 9: /healthz and /metrics ran SQLite on the HTTP thread (a flood of
 * them slowed every MO) and were open to any client. They answer from the
 * figures the committer and the outbox thread keep, and only to allow and
 * metrics_allow. */
static void
health_and_metrics_answer_from_figures(void)
{
	char resp[8192], *body;
	struct outbox_new m = {.phone = "+84912345678", .text = "Gia na 30.000d"};
	long long id;

	setup();
	T_ASSERT(store_outbox_add(E.db, &m, &id) == STORE_OK);
	T_ASSERT(store_outbox_add(E.db, &m, &id) == STORE_OK);
	restart();
	/* every SQL statement fails from now on: the HTTP thread must not
	 * need one */
	store_step_hook = fail_all;
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == 200);
	T_STREQ(body, "ok\n");
	T_ASSERT(get("/metrics", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strstr(body, "langso_outbox_messages{status=\"queued\"} 2\n") != NULL, "%s", body);
	T_ASSERTF(strstr(body, "langso_db_writable 1\n") != NULL, "%s", body);
	/* the committer's failed commit is the next figure */
	T_ASSERT(get("/kannel/mo?from=0912345678&text=HD&id=h1", resp, sizeof resp, &body) == 503);
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == 503);
	T_STREQ(body, "database not writable\n");
	T_ASSERT(get("/metrics", resp, sizeof resp, &body) == 200);
	T_ASSERTF(strstr(body, "langso_db_writable 0\n") != NULL, "%s", body);
	store_step_hook = NULL;
	T_ASSERT(get("/kannel/mo?from=0912345678&text=HD&id=h1", resp, sizeof resp, &body) == 200);
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == 200);

	/* a monitoring host in metrics_allow only: /healthz and /metrics,
	 * nothing else; any other address is refused when it connects */
	snprintf(E.conf.metrics_allow_list[0], sizeof E.conf.metrics_allow_list[0], "127.0.0.2");
	E.conf.metrics_allow_n = 1;
	restart();
	E.src = "127.0.0.2";
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == 200);
	T_ASSERT(get("/metrics", resp, sizeof resp, &body) == 200);
	T_ASSERT(get("/kannel/mo?from=0912345678&text=HD&id=h2", resp, sizeof resp, &body) == 403);
	T_ASSERT(ussd("S9", "0912345678", "", resp, sizeof resp, &body) == 403);
	E.src = "127.0.0.3";
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == -1);
	T_ASSERT(get("/metrics", resp, sizeof resp, &body) == -1);
	E.src = NULL;
	T_ASSERT(count(store_inbox_count) == 1);
}

/* big_request sends a GET of path (with the query q, repeated to qlen
 * bytes) and one header line of hlen bytes (none when 0); the status. */
static int
big_request(const char *path, const char *q, size_t qlen, size_t hlen, char *resp, size_t resplen,
    char **body)
{
	size_t cap = strlen(path) + qlen + hlen + 256, n = 0, ql = strlen(q);
	char *raw = malloc(cap);
	int st;

	T_ASSERT(raw != NULL);
	n += (size_t)sprintf(raw, "GET %s", path);
	for (size_t i = 0; i < qlen; i++)
		raw[n++] = q[i % ql];
	n += (size_t)sprintf(raw + n, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
	if (hlen > 0) {
		n += (size_t)sprintf(raw + n, "X-Big: ");
		memset(raw + n, 'b', hlen);
		n += hlen;
		n += (size_t)sprintf(raw + n, "\r\n");
	}
	n += (size_t)sprintf(raw + n, "\r\n");
	st = request(raw, n, resp, resplen, body);
	free(raw);
	return st;
}

/* issue 9: "URLs over ~9 KB get the connection closed without an answer".
 * Every oversize request gets a status line through a real socket: 414
 * for the URI, 431 for the headers, with one line of text below MHD's pool
 * limit; and a URL of many short arguments, which exhausted MHD's pool and
 * left the connection unanswered, is served. */
static void
long_url_and_huge_headers_are_answered(void)
{
	char resp[8192], *body;

	setup();
	T_ASSERT(big_request("/kannel/mo?from=0912345678&text=HD&id=u1&x=", "a", 7000, 0,
	    resp, sizeof resp, &body) == 414);
	T_STREQ(body, "URI too long (at most 6144 bytes)\n");
	T_ASSERT(big_request("/kannel/mo?from=0912345678&text=HD&id=u2&x=", "a", 100000, 0,
	    resp, sizeof resp, &body) == 414);
	T_ASSERT(big_request("/kannel/mo?from=0912345678&text=HD&id=u3", "", 0, 3000,
	    resp, sizeof resp, &body) == 431);
	T_STREQ(body, "request headers too large (at most 2048 bytes)\n");
	T_ASSERT(big_request("/kannel/mo?from=0912345678&text=HD&id=u4", "", 0, 100000,
	    resp, sizeof resp, &body) == 431);
	/* smsbox's longest MO: 10 UCS-2 parts (670 characters), every byte
	 * %XX-escaped, as get-url sends it: served */
	T_ASSERT(big_request("/kannel/mo?from=0912345678&id=u7&coding=2&charset=UTF-16BE"
	    "&meta=%3Fsmpp%3F&text=", "%00%61", 670 * 6, 600, resp, sizeof resp, &body) == 200);
	/* 1,600 arguments in 5 KB: served, the first ones read */
	T_ASSERT(big_request("/kannel/mo?from=0912345678&text=HD&id=u5", "&a=", 5000, 0,
	    resp, sizeof resp, &body) == 200);
	T_ASSERTF(strstr(body, "DK") != NULL, "help expected: %s", body);
	T_ASSERT(count(store_inbox_count) == 2);
	T_ASSERT(get("/healthz", resp, sizeof resp, &body) == 200);
}

/* issue 9: /metrics held one table of 96 series and silently dropped the
 * rest, and the DLR type label came from the client (0-255). Labels now
 * take known values only (others count as "other") and nothing is dropped:
 * after 256 DLR types and 100 unknown paths, the series of a later MO are
 * there. */
static void
metrics_labels_are_bounded(void)
{
	static const char *want[] = {
		"langso_dlr_total{type=\"1\"} 1\n",
		"langso_dlr_total{type=\"16\"} 1\n",
		"langso_dlr_total{type=\"other\"} 251\n",
		"langso_http_responses_total{endpoint=\"dlr\",status=\"200\"} 256\n",
		"langso_http_responses_total{endpoint=\"other\",status=\"404\"} 100\n",
		"langso_mo_total{outcome=\"HELP\"} 1\n",
		"langso_http_responses_total{endpoint=\"mo\",status=\"200\"} 1\n",
	};
	char resp[16384], *body, path[128];
	struct outbox_new m = {.phone = "+84912345678", .text = "Gia na 30.000d"};
	long long id;

	setup();
	T_ASSERT(store_outbox_add(E.db, &m, &id) == STORE_OK);
	for (int t = 0; t <= 255; t++) {
		snprintf(path, sizeof path, "/kannel/dlr?id=%lld&type=%d", id, t);
		T_ASSERT(get(path, resp, sizeof resp, &body) == 200);
	}
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof path, i % 2 ? "/kannel/bogus%d" : "/x%d", i);
		T_ASSERT(get(path, resp, sizeof resp, &body) == 404);
	}
	T_ASSERT(get("/kannel/mo?from=0912345678&text=HD&id=late", resp, sizeof resp, &body) == 200);
	T_ASSERT(get("/metrics", resp, sizeof resp, &body) == 200);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		T_ASSERTF(strstr(body, want[i]) != NULL, "%s missing from:\n%s", want[i], body);
	T_ASSERTF(strstr(body, "type=\"77\"") == NULL, "%s", body);
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
		{"ussd_step_ids_are_per_phone", ussd_step_ids_are_per_phone},
		{"kannel_id_dedup_is_per_phone", kannel_id_dedup_is_per_phone},
		{"one_bad_mo_does_not_fail_its_batch", one_bad_mo_does_not_fail_its_batch},
		{"health_and_metrics_answer_from_figures", health_and_metrics_answer_from_figures},
		{"long_url_and_huge_headers_are_answered", long_url_and_huge_headers_are_answered},
		{"metrics_labels_are_bounded", metrics_labels_are_bounded},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
