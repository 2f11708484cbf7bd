/*
 * conf.c - reads langso.conf. The table below is the single list of keys:
 * parsing, defaults, validation and the printed sample all come from it.
 * Errors are collected as "file:line: message", never fatal here; the
 * caller decides (serve and check exit 1 if there were any).
 */
#include "gateway/conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum conf_type { CT_STR, CT_INT, CT_BOOL, CT_ADDR, CT_ALLOW, CT_HOURS, CT_URL, CT_TZ, CT_SYNC,
	CT_MODE, CT_CONSOLE };

struct conf_key {
	const char *section, *key;
	enum conf_type type;
	size_t off, size;		/* field and its size (strings) */
	const char *def;
	long min, max;			/* CT_INT bounds */
	const char *help;
};

#define S(f) offsetof(struct conf, f), sizeof(((struct conf *)0)->f)

static const struct conf_key keys[] = {
	{"http", "listen", CT_ADDR, S(listen), "127.0.0.1:8080", 0, 0, "address:port for every endpoint"},
	{"http", "allow", CT_ALLOW, S(allow), "127.0.0.1", 0, 0, "comma list of client addresses that may connect (every endpoint); others are refused at connect"},
	{"http", "metrics_allow", CT_ALLOW, S(metrics_allow), "", 0, 0, "more addresses that may connect for /healthz and /metrics only"},
	{"http", "token", CT_STR, S(token), "", 0, 0, "if set, /kannel/* requests must carry token=<value>"},
	{"http", "max_connections", CT_INT, S(max_connections), "1024", 16, 65536, "simultaneous HTTP connections"},
	{"http", "max_connections_per_client", CT_INT, S(max_connections_per_client), "512", 1, 65536, "simultaneous connections from one client address"},
	{"http", "request_timeout", CT_INT, S(request_timeout), "10", 1, 300, "seconds a client has to send a whole request (headers and body)"},
	{"http", "max_body", CT_INT, S(max_body), "65536", 1024, 16777216, "largest request body in bytes (413 above)"},
	{"http", "kannel_keepalive", CT_BOOL, S(kannel_keepalive), "false", 0, 0, "keep smsbox's connections open between requests"},
	{"storage", "path", CT_STR, S(db_path), "var/langso.db", 0, 0, "SQLite database file"},
	{"storage", "synchronous", CT_SYNC, S(synchronous), "full", 0, 0, "full: a committed MO survives power loss; normal: survives a crash of langso only"},
	{"kannel", "mode", CT_MODE, S(mode), "box", 0, 0, "box: langso is a box of bearerbox (MOs acked after commit, no smsbox); http: smsbox's sms-service, sending through sendsms"},
	{"kannel", "bearerbox", CT_ADDR, S(bearerbox), "127.0.0.1:13001", 0, 0, "box mode: bearerbox's smsbox-port"},
	{"kannel", "box_id", CT_STR, S(box_id), "langso", 0, 0, "box mode: the id langso identifies with (bearerbox's smsbox-route smsbox-id)"},
	{"kannel", "box_window", CT_INT, S(box_window), "1000", 1, 10000, "box mode: MTs sent to bearerbox and not yet acknowledged, at most"},
	{"kannel", "sendsms_url", CT_URL, S(sendsms_url), "http://127.0.0.1:13013/cgi-bin/sendsms", 0, 0, "Kannel smsbox sendsms interface"},
	{"kannel", "username", CT_STR, S(username), "langso", 0, 0, "sendsms-user username"},
	{"kannel", "password", CT_STR, S(password), "secret", 0, 0, "sendsms-user password"},
	{"kannel", "sender", CT_STR, S(sender), "8055", 0, 0, "the service number messages come from"},
	{"kannel", "dlr_url", CT_URL, S(dlr_url), "http://127.0.0.1:8080/kannel/dlr", 0, 0, "delivery reports; langso appends its message id"},
	{"kannel", "inflight", CT_INT, S(inflight), "128", 1, 512, "http mode: sendsms requests in flight at once"},
	{"sms", "reply_diacritics", CT_BOOL, S(reply_diacritics), "false", 0, 0, "replies with diacritics (UCS-2, 70 chars a part)"},
	{"sms", "max_segments", CT_INT, S(max_segments), "3", 1, 10, "longest reply in SMS parts"},
	{"sms", "lexicon", CT_STR, S(lexicon), "conf/lexicon.conf", 0, 0, "products, aliases and price ranges"},
	{"broadcast", "rate", CT_INT, S(rate), "50", 1, 100000, "messages per second towards Kannel, all sends together"},
	{"broadcast", "hours", CT_HOURS, S(hours), "07:00-21:00", 0, 0, "when non-urgent broadcasts may go out"},
	{"broadcast", "timezone", CT_TZ, S(timezone), "Asia/Ho_Chi_Minh", 0, 0, "time zone of hours"},
	{"orders", "expire_hours", CT_INT, S(expire_hours), "48", 1, 8760, "unanswered orders expire after"},
	{"ussd", "session_timeout", CT_INT, S(session_timeout), "120", 10, 3600, "seconds of silence that end a session"},
	{"ussd", "menus", CT_STR, S(menus), "conf/menus.conf", 0, 0, "USSD screens and flows"},
	{"ussd", "max_sessions", CT_INT, S(max_sessions), "10000", 16, 1000000, "POST /ussd sessions kept in memory at once (ended and silent ones make room)"},
	{"ussd", "sessions_file", CT_STR, S(sessions_file), "", 0, 0, "file the in-memory sessions are mapped to, so a restart resumes them; empty: the database's path + \"-ussd\""},
	{"console", "listen", CT_CONSOLE, S(console_listen), "", 0, 0, "address:port of the operators' web console; empty: none (never [http] listen)"},
	{"console", "assets", CT_STR, S(console_assets), "console", 0, 0, "folder of the console's pages, scripts and styles"},
	{"console", "chartjs", CT_STR, S(console_chartjs), "/usr/share/javascript/chart.js/chart.min.js", 0, 0, "Chart.js 3 (Debian libjs-chart.js), served as /static/chart.js"},
	{"console", "tls_proxy", CT_BOOL, S(console_tls_proxy), "false", 0, 0, "behind a TLS reverse proxy on this host: Secure cookies, client address from X-Real-IP"},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
parse_hhmm(const char *s, int *min)
{
	int h, m;
	char extra;

	if (sscanf(s, "%2d:%2d%c", &h, &m, &extra) != 2 || h < 0 || h > 24 || m < 0 || m > 59 ||
	    (h == 24 && m != 0))
		return -1;
	*min = h * 60 + m;
	return 0;
}

/* parse_allow fills list (allow or metrics_allow) from a comma list. */
static int
parse_allow(char list[][48], int *n, const char *v, char *why, size_t whylen)
{
	char buf[512], *save = NULL, *tok;
	struct in6_addr a6;
	struct in_addr a4;

	snprintf(buf, sizeof buf, "%s", v);
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (*tok == '\0')
			continue;
		if (inet_pton(AF_INET, tok, &a4) != 1 && inet_pton(AF_INET6, tok, &a6) != 1) {
			snprintf(why, whylen, "not an IP address: \"%s\"", tok);
			return -1;
		}
		if (*n == CONF_ALLOW_MAX) {
			snprintf(why, whylen, "at most %d addresses", CONF_ALLOW_MAX);
			return -1;
		}
		snprintf(list[(*n)++], sizeof list[0], "%s", tok);
	}
	return 0;
}

/* parse_addr reads "IPv4:port" into host[48] and *port. */
static int
parse_addr(const struct conf_key *k, const char *v, char *host_out, int *port_out, char *why,
    size_t whylen)
{
	const char *colon = strrchr(v, ':');
	char host[48];
	long port;
	char *end;
	struct in_addr a4;

	if (colon == NULL || (size_t)(colon - v) >= sizeof host) {
		snprintf(why, whylen, "%s must be address:port", k->key);
		return -1;
	}
	memcpy(host, v, (size_t)(colon - v));
	host[colon - v] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port < 0 || port > 65535 ||
	    inet_pton(AF_INET, host, &a4) != 1) {
		snprintf(why, whylen, "%s must be IPv4-address:port, got \"%s\"", k->key, v);
		return -1;
	}
	snprintf(host_out, 48, "%s", host);
	*port_out = (int)port;
	return 0;
}

/* set_value validates v for key k and stores it; why explains a refusal. */
static int
set_value(struct conf *c, const struct conf_key *k, const char *v, char *why, size_t whylen)
{
	char *field = (char *)c + k->off;

	switch (k->type) {
	case CT_INT: {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end != '\0') {
			snprintf(why, whylen, "%s must be a whole number", k->key);
			return -1;
		}
		if (n < k->min || n > k->max) {
			snprintf(why, whylen, "%s must be between %ld and %ld", k->key, k->min, k->max);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	}
	case CT_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "1") == 0)
			*(bool *)field = true;
		else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "0") == 0)
			*(bool *)field = false;
		else {
			snprintf(why, whylen, "%s must be true or false", k->key);
			return -1;
		}
		return 0;
	case CT_ADDR:
		/* two keys are address:port: [http] listen and [kannel] bearerbox */
		if (k->off == offsetof(struct conf, bearerbox) ?
		    parse_addr(k, v, c->bearerbox_host, &c->bearerbox_port, why, whylen) < 0 :
		    parse_addr(k, v, c->listen_host, &c->listen_port, why, whylen) < 0)
			return -1;
		break;
	case CT_CONSOLE:
		c->console_host[0] = '\0';
		c->console_port = 0;
		if (*v != '\0' && parse_addr(k, v, c->console_host, &c->console_port, why, whylen) < 0)
			return -1;
		break;
	case CT_ALLOW:
		if (k->off == offsetof(struct conf, allow) ?
		    parse_allow(c->allow_list, &c->allow_n, v, why, whylen) < 0 :
		    parse_allow(c->metrics_allow_list, &c->metrics_allow_n, v, why, whylen) < 0)
			return -1;
		break;
	case CT_HOURS: {
		char a[8], b[8];

		if (sscanf(v, "%7[0-9:]-%7[0-9:]", a, b) != 2 ||
		    parse_hhmm(a, &c->hours_start_min) < 0 || parse_hhmm(b, &c->hours_end_min) < 0) {
			snprintf(why, whylen, "%s must be HH:MM-HH:MM", k->key);
			return -1;
		}
		break;
	}
	case CT_URL:
		if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) {
			snprintf(why, whylen, "%s must be an http:// URL", k->key);
			return -1;
		}
		break;
	case CT_MODE:
		if (strcmp(v, "box") != 0 && strcmp(v, "http") != 0) {
			snprintf(why, whylen, "mode must be box or http, not \"%s\"", v);
			return -1;
		}
		c->box_mode = strcmp(v, "box") == 0;
		break;
	case CT_SYNC:
		if (strcmp(v, "full") != 0 && strcmp(v, "normal") != 0) {
			snprintf(why, whylen, "synchronous must be full or normal, not \"%s\"", v);
			return -1;
		}
		break;
	case CT_TZ: {
		char path[256];
		struct stat st;

		snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", v);
		if (strstr(v, "..") != NULL || stat(path, &st) != 0) {
			snprintf(why, whylen, "unknown time zone \"%s\"", v);
			return -1;
		}
		break;
	}
	case CT_STR:
		break;
	}
	if (strlen(v) >= k->size) {
		snprintf(why, whylen, "%s is too long (at most %zu bytes)", k->key, k->size - 1);
		return -1;
	}
	memcpy(field, v, strlen(v) + 1);
	return 0;
}

void
conf_defaults(struct conf *c)
{
	char why[128];

	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < NKEYS; i++)
		if (set_value(c, &keys[i], keys[i].def, why, sizeof why) < 0) {
			/* only a wrong default in the table above gets here */
			fprintf(stderr, "conf: bad default for %s: %s\n", keys[i].key, why);
			abort();
		}
}

static const struct conf_key *
find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

static bool
section_exists(const char *section)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0)
			return true;
	return false;
}

/* strip_comment cuts a "#" or ";" comment that starts a line or follows a
 * space (so "token = a;b" keeps its value). */
static void
strip_comment(char *s)
{
	for (char *p = s; *p; p++)
		if ((*p == '#' || *p == ';') && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
}

int
conf_load(struct conf *c, const char *path, FILE *errs)
{
	FILE *f;
	char line[2048], section[64] = "";
	int lineno = 0, nerr = 0;

#define CONF_ERR(...) do { \
	fprintf(errs, "%s:%d: ", path, lineno); \
	fprintf(errs, __VA_ARGS__); \
	fputc('\n', errs); \
	nerr++; \
} while (0)

	conf_defaults(c);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(errs, "%s:0: cannot open: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *s, *eq, *k, *v, why[256];
		const struct conf_key *key;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			CONF_ERR("line too long");
			while (fgets(line, sizeof line, f) != NULL && strchr(line, '\n') == NULL)
				;
			continue;
		}
		strip_comment(line);
		s = trim(line);
		if (*s == '\0')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (end == NULL || end[1] != '\0') {
				CONF_ERR("malformed section header");
				section[0] = '\0';
				continue;
			}
			*end = '\0';
			snprintf(section, sizeof section, "%s", trim(s + 1));
			if (!section_exists(section))
				CONF_ERR("unknown section [%s]", section);
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			CONF_ERR("expected key = value");
			continue;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (section[0] == '\0') {
			CONF_ERR("key \"%s\" outside a [section]", k);
			continue;
		}
		if (!section_exists(section))
			continue;	/* already reported */
		if ((key = find_key(section, k)) == NULL) {
			CONF_ERR("unknown key \"%s\" in [%s]", k, section);
			continue;
		}
		if (set_value(c, key, v, why, sizeof why) < 0)
			CONF_ERR("%s", why);
	}
	fclose(f);
	/* the console never shares the address Kannel calls (port 0 asks
	 * for any free port, so two of them never collide) */
	if (c->console_listen[0] != '\0' && c->console_port != 0 &&
	    c->console_port == c->listen_port && (strcmp(c->console_host, c->listen_host) == 0 ||
	    strcmp(c->console_host, "0.0.0.0") == 0 || strcmp(c->listen_host, "0.0.0.0") == 0)) {
		fprintf(errs, "%s: [console] listen %s is [http] listen: the console needs an address "
		    "of its own (the [http] one faces Kannel only)\n", path, c->console_listen);
		nerr++;
	}
	return nerr;
#undef CONF_ERR
}

void
conf_print_defaults(FILE *out)
{
	const char *section = "";

	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(section, keys[i].section) != 0) {
			section = keys[i].section;
			fprintf(out, "%s[%s]\n", i ? "\n" : "", section);
		}
		fprintf(out, "%-17s = %-40s ; %s\n", keys[i].key, keys[i].def, keys[i].help);
	}
}
