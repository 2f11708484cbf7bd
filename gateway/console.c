/*
 * console.c - the web console's HTTP side: a second libmicrohttpd daemon.
 * Requests are dispatched by one table of (method, path, role needed,
 * handler); the handlers are actions/console.h's. This file owns what is
 * HTTP: cookies, the CSRF header, form and query decoding, upload limits,
 * security headers, static files and redirects. It runs no SQL itself.
 */
#include "gateway/console.h"
#include "gateway/conf.h"
#include "gateway/kannel.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "actions/actions.h"
#include "actions/console.h"
#include "common/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define COOKIE "langso_session"
/* request bodies: a form or a JSON object; an upload is a CSV file */
#define BODY_MAX (64 * 1024)

/* Pages may load scripts, styles and images from langso only; no inline
 * script or style, no frames, forms post back to langso. */
#define CSP "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'"

struct asset {
	const char *url;		/* served at */
	const char *file;		/* in [console] assets, or NULL: chartjs */
	const char *type;
	char *data;
	size_t len;
};

static const struct asset asset_list[] = {
	{"/static/app.js", "app.js", "text/javascript; charset=utf-8", NULL, 0},
	{"/static/style.css", "style.css", "text/css; charset=utf-8", NULL, 0},
	{"/static/chart.js", NULL, "text/javascript; charset=utf-8", NULL, 0},
	{"login.html", "login.html", "text/html; charset=utf-8", NULL, 0},
	{"app.html", "app.html", "text/html; charset=utf-8", NULL, 0},
};
#define NASSETS (sizeof asset_list / sizeof asset_list[0])

struct console_http {
	struct MHD_Daemon *d;
	struct console *c;
	const struct conf *conf;
	struct metrics *metrics;	/* the daemon's, for /api/health; may be NULL */
	int wake_fd;
	struct asset assets[NASSETS];
};

/* per request: created at its first callback, freed when it completes */
struct creq {
	char *body;
	size_t len, cap, max;
	bool too_big;
	char *query;			/* the raw query string, decoded on demand */
	struct kv kvs[KV_MAX];
	int nkv;
	bool parsed;
	bool started;
};

/* Who may call a route: anyone, any signed-in user, a user who may
 * change data (admin, commune), an admin. */
enum need { NEED_NONE, NEED_USER, NEED_WRITER, NEED_ADMIN };

static const struct route {
	const char *method, *path;
	enum need need;
	console_api_fn fn;
	bool upload;			/* body up to CONSOLE_UPLOAD_MAX */
} routes[] = {
	{"GET", "/api/me", NEED_USER, console_api_me, false},
	{"GET", "/api/stats", NEED_USER, console_api_stats, false},
	{"GET", "/api/overview", NEED_USER, console_api_overview, false},
	{"GET", "/api/villages", NEED_USER, console_api_villages, false},
	{"GET", "/api/people", NEED_USER, console_api_people, false},
	{"GET", "/api/people.csv", NEED_USER, console_api_people_csv, false},
	{"POST", "/api/people", NEED_WRITER, console_api_person_save, false},
	{"POST", "/api/import/villages", NEED_ADMIN, console_api_import_villages, true},
	/* a commune user's people must all be of its commune (import.c) */
	{"POST", "/api/import/people", NEED_WRITER, console_api_import_people, true},
	{"GET", "/api/notices", NEED_USER, console_api_notices, false},
	{"GET", "/api/notice", NEED_USER, console_api_notice, false},
	{"POST", "/api/notices/preview", NEED_WRITER, console_api_notice_preview, false},
	{"POST", "/api/notices", NEED_WRITER, console_api_notice_send, false},
	{"GET", "/api/audit", NEED_ADMIN, console_api_audit, false},
	{"GET", "/api/market/listings", NEED_USER, console_api_listings, false},
	{"GET", "/api/market/orders", NEED_USER, console_api_orders, false},
	{"GET", "/api/market/sheet", NEED_USER, console_api_sheet, false},
	{"GET", "/api/messages", NEED_ADMIN, console_api_messages, false},
	/* the outbox from the database, then the gateway adds Kannel's side */
	{"GET", "/api/health", NEED_USER, console_api_health, false},
};

/* the pages of the application (app.html; app.js draws each) */
static const char *const pages[] = {"/overview", "/people", "/market", "/notices", "/messages",
	"/audit"};

/* ---- answers ---- */

static void
security_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Cache-Control", "no-store");
}

/* answer queues body (copied) with status and type; extra headers come
 * as name/value pairs, NULL-terminated. */
static enum MHD_Result
answer(struct MHD_Connection *conn, unsigned status, const char *type, const char *body, size_t len,
    ...)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;
	const char *name;
	va_list ap;

	if (r == NULL)
		return MHD_NO;
	security_headers(r);
	MHD_add_response_header(r, "Content-Type", type);
	va_start(ap, len);
	while ((name = va_arg(ap, const char *)) != NULL)
		MHD_add_response_header(r, name, va_arg(ap, const char *));
	va_end(ap);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
answer_error(struct MHD_Connection *conn, unsigned status, const char *message)
{
	struct console_answer a = {0};
	enum MHD_Result ret;

	console_answer_error(&a, (int)status, message);
	ret = answer(conn, status, a.type, a.body, a.len, NULL);
	free(a.body);
	return ret;
}

static enum MHD_Result
redirect(struct MHD_Connection *conn, const char *to, const char *cookie)
{
	static const char body[] = "see other\n";

	if (cookie != NULL)
		return answer(conn, 303, "text/plain; charset=utf-8", body, sizeof body - 1,
		    "Location", to, "Set-Cookie", cookie, NULL);
	return answer(conn, 303, "text/plain; charset=utf-8", body, sizeof body - 1, "Location", to,
	    NULL);
}

static const struct asset *
asset(const struct console_http *h, const char *url)
{
	for (size_t i = 0; i < NASSETS; i++)
		if (strcmp(h->assets[i].url, url) == 0)
			return &h->assets[i];
	return NULL;
}

/* login_page: the sign-in page with an optional message (a fixed text of
 * ours, never anything the client sent) where it has <!--MSG-->. */
static enum MHD_Result
login_page(struct console_http *h, struct MHD_Connection *conn, unsigned status, const char *msg)
{
	const struct asset *a = asset(h, "login.html");
	const char *mark = strstr(a->data, "<!--MSG-->");
	char *page;
	enum MHD_Result ret;
	size_t n;

	if (msg == NULL || mark == NULL)
		return answer(conn, status, a->type, a->data, a->len, NULL);
	n = a->len + strlen(msg) + 64;
	page = xmalloc(n);
	snprintf(page, n, "%.*s<p class=\"msg\" role=\"alert\">%s</p>%s", (int)(mark - a->data), a->data,
	    msg, mark + strlen("<!--MSG-->"));
	ret = answer(conn, status, a->type, page, strlen(page), NULL);
	free(page);
	return ret;
}

/* ---- requests ---- */

static const char *
req_arg(const struct console_req *r, const char *name)
{
	const struct creq *q = r->ctx;
	const struct kv *kv = kv_get(q->kvs, q->nkv, name);

	/* text arguments only: a value with NUL or invalid UTF-8 is absent */
	if (kv == NULL || strlen(kv->val) != kv->vlen || !utf8_is_valid(kv->val, kv->vlen))
		return NULL;
	return kv->val;
}

static void
parse_query(struct creq *q, char *s)
{
	if (q->parsed)
		return;
	q->parsed = true;
	q->nkv = s ? kv_parse(s, q->kvs, KV_MAX) : 0;
}

/* client_addr: the peer, or behind the TLS proxy the X-Real-IP it sets */
static void
client_addr(struct console_http *h, struct MHD_Connection *conn, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *real = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Real-IP");
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	out[0] = '\0';
	if (h->conf->console_tls_proxy && real != NULL && strlen(real) < outlen) {
		str_copy(out, outlen, real);
		return;
	}
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		    (socklen_t)outlen);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
		    (socklen_t)outlen);
}

/* session: 0 with *who for a valid session cookie, 1 without, -1 on a
 * database error */
static int
session(struct console_http *h, struct MHD_Connection *conn, struct console_who *who)
{
	const char *tok = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE);

	if (tok == NULL)
		return 1;
	return console_session(h->c, tok, who);
}

static bool
csrf_ok(struct MHD_Connection *conn, const struct console_who *who)
{
	const char *t = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");

	return t != NULL && strlen(t) == strlen(who->csrf) && who->csrf[0] != '\0' &&
	    sodium_memcmp(t, who->csrf, strlen(t)) == 0;
}

static bool
allowed(enum need need, const struct console_who *who)
{
	if (need == NEED_ADMIN)
		return strcmp(who->role, "admin") == 0;
	if (need == NEED_WRITER)
		return strcmp(who->role, "admin") == 0 || strcmp(who->role, "commune") == 0;
	return true;
}

static void
cookie_value(const struct console_http *h, const char *token, long max_age, char *out, size_t outlen)
{
	snprintf(out, outlen, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s", token,
	    max_age, h->conf->console_tls_proxy ? "; Secure" : "");
}

static enum MHD_Result
do_login(struct console_http *h, struct MHD_Connection *conn, struct creq *q)
{
	struct kv kvs[8];
	const struct kv *l, *p;
	char token[CONSOLE_TOKEN_LEN + 1], cookie[256], addr[INET6_ADDRSTRLEN];
	int n = q->body ? kv_parse(q->body, kvs, 8) : 0;

	l = kv_get(kvs, n, "login");
	p = kv_get(kvs, n, "password");
	if (l == NULL || p == NULL || strlen(l->val) != l->vlen || strlen(p->val) != p->vlen)
		return login_page(h, conn, 400, "Nhập tên đăng nhập và mật khẩu.");
	client_addr(h, conn, addr, sizeof addr);
	switch (console_sign_in(h->c, l->val, p->val, addr, token)) {
	case CONSOLE_SIGNIN_OK:
		cookie_value(h, token, CONSOLE_SESSION_SECONDS, cookie, sizeof cookie);
		log_info("console: %s signed in from %s", l->val, addr);
		return redirect(conn, "/overview", cookie);
	case CONSOLE_SIGNIN_BAD:
		log_info("console: failed sign-in for \"%.64s\" from %s", l->val, addr);
		return login_page(h, conn, 401, "Sai tên đăng nhập hoặc mật khẩu.");
	case CONSOLE_SIGNIN_THROTTLED:
		return login_page(h, conn, 429, "Đăng nhập sai quá nhiều lần. Xin thử lại sau 15 phút.");
	case CONSOLE_SIGNIN_ERR:
		break;
	}
	return login_page(h, conn, 500, "Lỗi máy chủ. Xin thử lại sau.");
}

static enum MHD_Result
do_logout(struct console_http *h, struct MHD_Connection *conn)
{
	struct console_who who;
	char cookie[256];
	int rc = session(h, conn, &who);

	if (rc < 0)
		return answer_error(conn, 500, "Lỗi cơ sở dữ liệu");
	if (rc == 0 && !csrf_ok(conn, &who))
		return answer_error(conn, 403, "Thiếu mã chống giả mạo (CSRF)");
	if (rc == 0 && console_sign_out(h->c,
	    MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE)) < 0)
		return answer_error(conn, 500, "Lỗi cơ sở dữ liệu");
	cookie_value(h, "", 0, cookie, sizeof cookie);
	return redirect(conn, "/", cookie);
}

/* add_gateway_health completes /api/health with what only the daemon
 * knows: sendsms answers since start (Kannel's smsbox reachable and
 * accepting) and whether the database took the last write. */
static void
add_gateway_health(struct console_http *h, struct console_answer *a)
{
	json_t *doc = json_loadb(a->body, a->len, 0, NULL);
	char *body;
	int box;

	if (doc == NULL || h->metrics == NULL) {
		json_decref(doc);
		return;
	}
	box = metrics_box(h->metrics);
	json_object_set_new(doc, "kannel", json_pack("{sI sI sI ss}",
	    "sendsms_accepted", (json_int_t)metrics_sendsms(h->metrics, "accepted"),
	    "sendsms_failed", (json_int_t)metrics_sendsms(h->metrics, "failed"),
	    "sendsms_retried", (json_int_t)metrics_sendsms(h->metrics, "retry"),
	    /* box mode: langso's connection to bearerbox; http mode has none */
	    "bearerbox", box < 0 ? "http" : box ? "up" : "down"));
	json_object_set_new(doc, "database_writable", json_boolean(metrics_db(h->metrics, 10) == 1));
	body = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (body == NULL)
		return;
	free(a->body);
	a->body = body;
	a->len = strlen(body);
}

static enum MHD_Result
do_api(struct console_http *h, struct MHD_Connection *conn, const struct route *rt, struct creq *q)
{
	struct console_who who;
	struct console_req req;
	struct console_answer a = {0};
	enum MHD_Result ret;
	const char *ctype;
	char disp[128];
	int rc = session(h, conn, &who);

	if (rc < 0)
		return answer_error(conn, 500, "Lỗi cơ sở dữ liệu");
	if (rc > 0)
		return answer_error(conn, 401, "Chưa đăng nhập");
	/* every change carries the session's CSRF token, checked first */
	if (strcmp(rt->method, "GET") != 0 && !csrf_ok(conn, &who))
		return answer_error(conn, 403, "Thiếu mã chống giả mạo (CSRF)");
	if (!allowed(rt->need, &who))
		return answer_error(conn, 403, "Tài khoản của bạn không được làm việc này");
	if (q->too_big)
		return answer_error(conn, 413, rt->upload ? "Tệp quá lớn: tối đa 8 MB" :
		    "Yêu cầu quá lớn");
	ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	req = (struct console_req){req_arg, q, q->body, q->len, ctype ? ctype : ""};
	/* the lexicon and menus stay put while the request reads them (SIGHUP) */
	actions_lexicon_hold();
	rt->fn(h->c, &who, &req, &a);
	actions_lexicon_release();
	if (rt->fn == console_api_health && a.status == 200)
		add_gateway_health(h, &a);
	if (console_queued(h->c) > 0 && h->wake_fd >= 0) {
		uint64_t one = 1;

		if (write(h->wake_fd, &one, sizeof one) < 0)
			log_warn("console: waking the outbox");
	}
	if (a.filename[0] != '\0') {
		snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", a.filename);
		ret = answer(conn, (unsigned)a.status, a.type, a.body ? a.body : "", a.len,
		    "Content-Disposition", disp, NULL);
	} else {
		ret = answer(conn, (unsigned)a.status, a.type, a.body ? a.body : "", a.len, NULL);
	}
	free(a.body);
	return ret;
}

static bool
is_page(const char *url)
{
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
		if (strcmp(url, pages[i]) == 0)
			return true;
	return false;
}

static enum MHD_Result
do_page(struct console_http *h, struct MHD_Connection *conn, const char *url)
{
	struct console_who who;
	int rc = session(h, conn, &who);
	const struct asset *a;

	if (rc < 0)
		return answer_error(conn, 500, "Lỗi cơ sở dữ liệu");
	if (strcmp(url, "/") == 0)
		return rc == 0 ? redirect(conn, "/overview", NULL) : login_page(h, conn, 200, NULL);
	if (rc > 0)
		return redirect(conn, "/", NULL);
	a = asset(h, "app.html");
	return answer(conn, 200, a->type, a->data, a->len, NULL);
}

/* same_origin: a browser's POST names the page it came from in Origin;
 * one from another site (a forged sign-in or change) is refused before
 * anything else. Scripts (curl) send none. */
static bool
same_origin(struct MHD_Connection *conn)
{
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	const char *sep;

	if (origin == NULL)
		return true;
	if (host == NULL || (sep = strstr(origin, "://")) == NULL)
		return false;
	return strcmp(sep + 3, host) == 0;
}

static enum MHD_Result
route(struct console_http *h, struct MHD_Connection *conn, const char *url, const char *method,
    struct creq *q)
{
	const struct asset *a;
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	if (!get && !same_origin(conn))
		return answer_error(conn, 403, "Yêu cầu từ một trang khác");

	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(url, routes[i].path) == 0 && (strcmp(method, routes[i].method) == 0 ||
		    (get && strcmp(routes[i].method, "GET") == 0)))
			return do_api(h, conn, &routes[i], q);
	if (strcmp(url, "/login") == 0 && strcmp(method, "POST") == 0)
		return do_login(h, conn, q);
	if (strcmp(url, "/logout") == 0 && strcmp(method, "POST") == 0)
		return do_logout(h, conn);
	if (!get)
		return answer_error(conn, strncmp(url, "/api/", 5) == 0 ? 405 : 404, "Không có trang này");
	if (strcmp(url, "/") == 0 || is_page(url))
		return do_page(h, conn, url);
	if ((a = asset(h, url)) != NULL && strncmp(url, "/static/", 8) == 0)
		return answer(conn, 200, a->type, a->data, a->len, NULL);
	return answer_error(conn, 404, "Không có trang này");
}

static bool
is_upload(const char *url)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (routes[i].upload && strcmp(url, routes[i].path) == 0)
			return true;
	return false;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
	struct console_http *h = cls;
	struct creq *q = *req_cls;

	(void)version;	/* unused: MHD callback signature */
	if (q == NULL)
		return MHD_NO;
	if (!q->started) {
		q->started = true;
		q->max = is_upload(url) ? CONSOLE_UPLOAD_MAX : BODY_MAX;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* past the limit the rest is read and dropped, then answered 413
		 * (closing early would leave the browser with a reset, not a
		 * message) */
		if (!q->too_big && q->len + *upload_size > q->max) {
			q->too_big = true;
			free(q->body);
			q->body = NULL;
			q->len = 0;
		}
		if (!q->too_big) {
			if (q->len + *upload_size + 1 > q->cap) {
				q->cap = (q->len + *upload_size + 1) * 2;
				if (q->cap > q->max + 1)
					q->cap = q->max + 1;
				q->body = xrealloc(q->body, q->cap);
			}
			memcpy(q->body + q->len, upload, *upload_size);
			q->len += *upload_size;
			q->body[q->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	parse_query(q, q->query);
	return route(h, conn, url, method, q);
}

/* on_uri keeps the raw query string for kv_parse (MHD's own parser
 * would keep every argument in the connection's pool) */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct creq *q = xcalloc(1, sizeof *q);
	char *mark = strchr(uri, '?');

	(void)cls;
	(void)conn;	/* unused: MHD callback signature */
	q->max = BODY_MAX;
	q->query = mark ? xstrdup(mark + 1) : NULL;
	/* as in http.c: MHD's own argument parser sees an empty query */
	if (mark != NULL)
		mark[1] = '\0';
	return q;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct creq *q = *req_cls;

	(void)cls;
	(void)conn;
	(void)toe;	/* unused: MHD callback signature */
	if (q == NULL)
		return;
	free(q->body);
	free(q->query);
	free(q);
	*req_cls = NULL;
}

/* ---- start and stop ---- */

static int
load_file(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL) {
		snprintf(err, errlen, "console: %s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > (16L << 20) ||
	    fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "console: %s: cannot read (or larger than 16 MB)", path);
		fclose(f);
		return -1;
	}
	*data = xmalloc((size_t)n + 1);
	if (fread(*data, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "console: %s: read error", path);
		free(*data);
		*data = NULL;
		fclose(f);
		return -1;
	}
	(*data)[n] = '\0';
	*len = (size_t)n;
	fclose(f);
	return 0;
}

static void
free_assets(struct console_http *h)
{
	for (size_t i = 0; i < NASSETS; i++)
		free(h->assets[i].data);
}

static int
load_assets(struct console_http *h, char *err, size_t errlen)
{
	for (size_t i = 0; i < NASSETS; i++) {
		char path[1100];

		h->assets[i] = asset_list[i];
		if (asset_list[i].file == NULL)
			snprintf(path, sizeof path, "%s", h->conf->console_chartjs);
		else
			snprintf(path, sizeof path, "%s/%s", h->conf->console_assets, asset_list[i].file);
		if (load_file(path, &h->assets[i].data, &h->assets[i].len, err, errlen) < 0) {
			if (asset_list[i].file == NULL)
				snprintf(err + strlen(err), errlen - strlen(err),
				    " (Debian: apt-get install libjs-chart.js; [console] chartjs)");
			return -1;
		}
	}
	return 0;
}

int
console_http_check(const struct conf *conf, char *err, size_t errlen)
{
	struct console_http h;
	int rc;

	memset(&h, 0, sizeof h);
	h.conf = conf;
	rc = load_assets(&h, err, errlen);
	free_assets(&h);
	return rc;
}

struct console_http *
console_http_start(const struct conf *conf, struct console *c, struct metrics *metrics,
    int wake_fd, char *err, size_t errlen)
{
	struct console_http *h = xcalloc(1, sizeof *h);
	struct sockaddr_in sa;

	h->conf = conf;
	h->metrics = metrics;
	h->c = c;
	h->wake_fd = wake_fd;
	if (load_assets(h, err, errlen) < 0)
		goto fail;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)conf->console_port);
	if (inet_pton(AF_INET, conf->console_host, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "console: bad listen address %s", conf->console_host);
		goto fail;
	}
	/* one thread: the console's store is that thread's connection */
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, on_request, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_EXTERNAL_LOGGER, log_mhd, (void *)"console",
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "console: cannot listen on %s:%d (in use, or not an address of "
		    "this host)", conf->console_host, conf->console_port);
		goto fail;
	}
	return h;
fail:
	free_assets(h);
	free(h);
	return NULL;
}

int
console_http_port(const struct console_http *h)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);

	return di ? di->port : -1;
}

void
console_http_stop(struct console_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	free_assets(h);
	free(h);
}
