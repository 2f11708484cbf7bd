/*
 * main.c - langso's command line: serve, check, parse, import, send. Reads
 * like a table of contents; each subcommand is a short function.
 */
#include "gateway/boxlink.h"
#include "gateway/conf.h"
#include "gateway/console.h"
#include "gateway/dbopen.h"
#include "gateway/http.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/outbox.h"
#include "actions/actions.h"
#include "actions/console.h"
#include "actions/ussd_front.h"
#include "menus/menu.h"
#include "parser/parser.h"
#include "storage/store.h"
#include "storage/ussd_mem.h"
#include "common/common.h"

#include <errno.h>
#include <sodium.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Exit codes: 0 ok, 1 bad config or input, 2 usage, 3 database, 4 network. */
enum { EX_OK = 0, EX_BAD = 1, EX_USAGE = 2, EX_DB = 3, EX_NET = 4 };

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t reload_flag;	/* SIGHUP */
static int wake_fd = -1;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: langso serve  -c FILE [-v]       run the daemon\n"
	    "       langso check  -c FILE            validate config, database, patterns\n"
	    "       langso parse  [-l LEXICON] [TEXT] parse TEXT, or each line of stdin, to JSON\n"
	    "       langso import villages -c FILE CSV   columns code,name,commune[,old_district]\n"
	    "       langso import people   -c FILE CSV   columns phone,name,village_code,role\n"
	    "       langso send   -c FILE [PHONE TEXT]   queue one SMS, or PHONE<TAB>TEXT lines from stdin\n"
	    "       langso stats  -c FILE [--json]       market figures per commune and village\n"
	    "       langso backup -c FILE DEST           online copy of the database to a new file DEST\n"
	    "       langso user add -c FILE LOGIN --role admin|commune|viewer [--commune NAME]\n"
	    "                                            console user; the password is read from stdin\n"
	    "       langso user list -c FILE | user del -c FILE LOGIN\n"
	    "       langso orders -c FILE [--commune NAME] [--csv]  accepted orders not yet handed over\n"
	    "\ndefaults (langso.conf):\n");
	conf_print_defaults(stderr);
	exit(EX_USAGE);
}

struct opts {
	const char *conf_path;
	const char *lexicon;
	int verbose;
	int json;		/* stats --json */
	const char *role;	/* user add --role */
	const char *commune;	/* user add --commune, orders --commune NAME */
	int csv;		/* orders --csv */
	int argc;		/* what is left after the options */
	char **argv;
};

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
		{"role", required_argument, NULL, 'r'}, {"commune", required_argument, NULL, 'm'},
		{"csv", no_argument, NULL, 'C'}, {NULL, 0, NULL, 0}};
	int ch;

	memset(o, 0, sizeof *o);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:l:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j': o->json = 1; break;
		case 'r': o->role = optarg; break;
		case 'm': o->commune = optarg; break;
		case 'C': o->csv = 1; break;
		case 'c': o->conf_path = optarg; break;
		case 'l': o->lexicon = optarg; break;
		case 'v': o->verbose++; break;
		default: usage();
		}
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
}

/* load_conf reads the config or exits 1 after printing every error. */
static void
load_conf(const struct opts *o, struct conf *c)
{
	if (o->conf_path == NULL) {
		fprintf(stderr, "langso: -c FILE is required\n");
		usage();
	}
	if (conf_load(c, o->conf_path, stderr) > 0)
		exit(EX_BAD);
}

static struct store *
open_store(const struct conf *c, const char *role)
{
	char err[512];
	struct store *s = db_open(c, role, err, sizeof err);

	if (s == NULL)
		fatalx(EX_DB, "database %s: %s", c->db_path, err);
	return s;
}

static struct parser *
open_parser(const char *lexicon)
{
	char err[512];
	struct parser *p = parser_new(lexicon, err, sizeof err);

	if (p == NULL)
		fatalx(EX_BAD, "%s", err);
	return p;
}

static struct menu_def *
open_menus(const char *path)
{
	char err[512];
	struct menu_def *d = menu_load(path, err, sizeof err);

	if (d == NULL)
		fatalx(EX_BAD, "%s", err);
	return d;
}

static void
on_signal(int sig)
{
	uint64_t one = 1;

	(void)sig;
	stop_flag = 1;
	if (wake_fd >= 0 && write(wake_fd, &one, sizeof one) < 0) {
		/* nothing safe to do in a handler; the loop polls the flag too */
	}
}

static void
on_hup(int sig)
{
	uint64_t one = 1;

	(void)sig;
	reload_flag = 1;
	if (wake_fd >= 0 && write(wake_fd, &one, sizeof one) < 0) {
		/* the outbox loop sees the flag at its next turn anyway */
	}
}

/* What SIGHUP reloads: the lexicon and the menus, from the paths of the
 * configuration read at start. */
struct lexicon {
	const char *lexicon_path, *menus_path;
	struct parser *p;
	struct menu_def *menus;
};

/* reload runs on the main thread (the outbox loop) after a SIGHUP. Both
 * files are read and checked whole before anything changes: a bad one
 * keeps the old lexicon and menus and logs its FILE:LINE. No connection
 * is closed and no message waits longer than the batch being run. */
static void
reload(void *arg)
{
	struct lexicon *lx = arg;
	struct parser *p;
	struct menu_def *menus;
	char err[512];

	if ((p = parser_new(lx->lexicon_path, err, sizeof err)) == NULL) {
		log_warnx("reload: %s; the old lexicon and menus stay", err);
		return;
	}
	if ((menus = menu_load(lx->menus_path, err, sizeof err)) == NULL) {
		log_warnx("reload: %s; the old lexicon and menus stay", err);
		parser_free(p);
		return;
	}
	actions_reload(p, menus);
	parser_free(lx->p);
	menu_free(lx->menus);
	lx->p = p;
	lx->menus = menus;
	log_info("reload: lexicon %s (%d products) and menus %s in use", lx->lexicon_path,
	    parser_product_count(p), lx->menus_path);
}

/* Test seam: LANGSO_TEST_CLOCK_OFFSET=<seconds> shifts the clock the
 * actions read (order expiry, alert hours) so tests/it/test_market.sh can
 * let an order expire without waiting hours. Never set in production:
 * serve logs a warning when it is. */
static long long clock_offset;

static long long
offset_clock(void)
{
	return (long long)time(NULL) + clock_offset;
}

static void
test_clock_seam(struct actions *act, struct actions *ticker)
{
	const char *off = getenv("LANGSO_TEST_CLOCK_OFFSET");

	if (off == NULL || *off == '\0')
		return;
	clock_offset = strtoll(off, NULL, 10);
	actions_set_clock(act, offset_clock);
	actions_set_clock(ticker, offset_clock);
	log_warnx("langso: LANGSO_TEST_CLOCK_OFFSET=%lld: the actions' clock is shifted (tests only)",
	    clock_offset);
}

/* ussd_front_start: POST /ussd's sessions in memory, mapped to [ussd]
 * sessions_file, and the front that answers steps on the HTTP thread with
 * a connection of its own that only reads. */
static struct ussd_front *
ussd_front_start(const struct conf *c, const struct parser *p, const struct actions_conf *ac,
    struct store **store, struct actions **act, struct ussd_mem **t)
{
	char path[600], err[700];

	if (c->sessions_file[0] != '\0')
		snprintf(path, sizeof path, "%s", c->sessions_file);
	else
		snprintf(path, sizeof path, "%s-ussd", c->db_path);
	if ((*t = ussd_mem_open(path, c->max_sessions, err, sizeof err)) == NULL)
		fatalx(EX_DB, "%s", err);
	*store = open_store(c, "ussd");
	if (store_set_query_only(*store) != STORE_OK ||
	    store_set_mmap(*store, 256LL << 20) != STORE_OK)
		fatalx(EX_DB, "%s", store_errmsg(*store));
	*act = actions_new(*store, p, ac);
	if (clock_offset != 0)
		actions_set_clock(*act, offset_clock);
	log_info("ussd: %d session(s) of POST /ussd in %s", ussd_mem_count(*t), path);
	return ussd_front_new(*act, *t);
}

/* console_start starts the web console on [console] listen, with its own
 * database connection and context; nothing when listen is empty. */
static struct console *
console_start(const struct conf *c, const struct parser *p, const struct actions_conf *ac,
    struct metrics *m, struct store **store, struct console_http **ch)
{
	struct console *con;
	char err[512];

	*store = NULL;
	*ch = NULL;
	if (c->console_listen[0] == '\0')
		return NULL;
	*store = open_store(c, "console");
	if ((con = console_new(*store, p, ac)) == NULL)
		fatalx(EX_BAD, "console: libsodium cannot start");
	if ((*ch = console_http_start(c, con, m, wake_fd, err, sizeof err)) == NULL)
		fatalx(EX_NET, "%s", err);
	log_info("langso: console on http://%s:%d/", c->console_host, console_http_port(*ch));
	return con;
}

static int
cmd_serve(const struct opts *o)
{
	struct conf c;
	struct store *web_store, *out_store;
	struct menu_def *menus;
	struct parser *p;
	struct actions *act, *ticker;
	struct actions_conf ac;
	struct metrics *m;
	struct outbox *ob;
	struct boxlink *bl = NULL;
	struct http *h;
	struct sigaction sa;
	struct console *con;
	struct console_http *ch;
	struct store *con_store;
	struct lexicon lx;
	struct ussd_front *front;
	struct actions *front_act;
	struct store *front_store;
	struct ussd_mem *sessions;
	char err[512];

	load_conf(o, &c);
	log_init(o->verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	/* quiet hours are local time in [broadcast] timezone; logs stay UTC */
	setenv("TZ", c.timezone, 1);
	tzset();
	web_store = open_store(&c, "committer");
	out_store = open_store(&c, "outbox");
	/* MO commits stay short: the outbox thread checkpoints the WAL; the
	 * committer's batches keep their pages in its cache until the commit */
	if (store_set_autocheckpoint(web_store, 0) != STORE_OK ||
	    store_set_cache(web_store, 64 * 1024) != STORE_OK)
		fatalx(EX_DB, "%s", store_errmsg(web_store));
	p = open_parser(c.lexicon);
	memset(&ac, 0, sizeof ac);
	ac.reply_diacritics = c.reply_diacritics;
	ac.max_segments = c.max_segments;
	snprintf(ac.sender, sizeof ac.sender, "%s", c.sender);
	ac.broadcast_start_min = c.hours_start_min;
	ac.broadcast_end_min = c.hours_end_min;
	snprintf(ac.timezone, sizeof ac.timezone, "%s", c.timezone);
	ac.expire_hours = c.expire_hours;
	ac.session_timeout = c.session_timeout;
	menus = open_menus(c.menus);
	ac.menus = menus;
	ac.trace_menus = o->verbose > 0;
	act = actions_new(web_store, p, &ac);
	ticker = actions_new(out_store, p, &ac);
	test_clock_seam(act, ticker);
	m = metrics_new();
	/* box mode: the outbox sends through the bearerbox connection, which
	 * it then owns (outbox_free frees it) */
	if (c.box_mode && (bl = boxlink_new(&c, m)) == NULL)
		fatalx(EX_NET, "cannot set up the bearerbox connection");
	if ((ob = outbox_new(&c, out_store, m, bl ? boxlink_backend() : NULL, bl, err,
	    sizeof err)) == NULL)
		fatalx(EX_NET, "%s", err);
	outbox_set_ticker(ob, ticker);
	lx = (struct lexicon){c.lexicon, c.menus, p, menus};
	outbox_set_reload(ob, &reload_flag, reload, &lx);
	wake_fd = outbox_wake_fd(ob);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* http_start starts the committer (every MO and DLR, HTTP or box) and
	 * the listener; the box connects right after, so the first MO
	 * bearerbox hands over finds everything running */
	front = ussd_front_start(&c, p, &ac, &front_store, &front_act, &sessions);
	if ((h = http_start(&c, act, web_store, front, m, wake_fd, err, sizeof err)) == NULL)
		fatalx(EX_NET, "%s", err);
	if (bl != NULL && boxlink_start(bl, http_committer(h), wake_fd) < 0)
		fatalx(EX_NET, "cannot start the bearerbox connection's thread");
	if (bl != NULL)
		log_info("langso: box mode: bearerbox %s:%d as \"%s\"; HTTP on %s:%d, database %s",
		    c.bearerbox_host, c.bearerbox_port, c.box_id, c.listen_host, http_port(h), c.db_path);
	else
		log_info("langso: listening on %s:%d, database %s, sending to %s", c.listen_host,
		    http_port(h), c.db_path, c.sendsms_url);
	con = console_start(&c, p, &ac, m, &con_store, &ch);
	outbox_run(ob, &stop_flag);
	log_info("langso: stopping");
	/* 0. the console first: what it queues goes through the outbox, which
	 * has finished by now (a notice composed this instant is sent at the
	 * next start) */
	console_http_stop(ch);
	console_free(con);
	store_close(con_store);
	/* 1. no more MOs taken from bearerbox (those not acked come again at
	 * the next start); 2. the committer finishes what it has, HTTP and
	 * box jobs, whose acks are queued on the box; 3. the box writes them
	 * and closes; 4. the outbox (it finished its sends in outbox_run) */
	if (bl != NULL)
		boxlink_quiesce(bl);
	http_stop(h);
	ussd_front_free(front);
	actions_free(front_act);
	ussd_mem_close(sessions);
	store_close(front_store);
	boxlink_stop(bl);
	wake_fd = -1;
	outbox_free(ob);
	metrics_free(m);
	actions_free(ticker);
	actions_free(act);
	menu_free(lx.menus);
	parser_free(lx.p);
	store_close(out_store);
	store_close(web_store);
	return EX_OK;
}

static int
cmd_check(const struct opts *o)
{
	struct conf c;
	struct store *s;
	struct parser *p;

	load_conf(o, &c);
	s = open_store(&c, "check");
	p = open_parser(o->lexicon ? o->lexicon : c.lexicon);
	menu_free(open_menus(c.menus));
	if (c.console_listen[0] != '\0') {
		char err[1200];

		if (console_http_check(&c, err, sizeof err) < 0)
			fatalx(EX_BAD, "%s", err);
	}
	parser_free(p);
	store_close(s);
	printf("configuration OK\n");
	return EX_OK;
}

static int
parse_one(const struct parser *p, const char *text, size_t len, struct command *cmd)
{
	char json[8192];

	parser_parse(p, text, len, cmd);
	if (command_to_json(cmd, json, sizeof json) < 0) {
		fprintf(stderr, "langso: JSON too long\n");
		return -1;
	}
	puts(json);
	return 0;
}

static int
cmd_parse(const struct opts *o)
{
	struct parser *p = open_parser(o->lexicon ? o->lexicon : "conf/lexicon.conf");
	struct command *cmd = xmalloc(sizeof *cmd);
	int rc = EX_OK;

	if (o->argc > 0) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		for (int i = 0; i < o->argc; i++)
			fprintf(f, "%s%s", i ? " " : "", o->argv[i]);
		fclose(f);
		if (parse_one(p, text, len, cmd) < 0)
			rc = EX_BAD;
		free(text);
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		while ((n = getline(&line, &cap, stdin)) >= 0) {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (parse_one(p, line, (size_t)n, cmd) < 0)
				rc = EX_BAD;
			fflush(stdout);
		}
		free(line);
	}
	free(cmd);
	parser_free(p);
	return rc;
}

static int
cmd_import(const struct opts *o)
{
	struct conf c;
	struct store *s;
	char errs[16384];
	int changed = 0, rc;

	load_conf(o, &c);
	if (o->argc != 2 || (strcmp(o->argv[0], "villages") != 0 && strcmp(o->argv[0], "people") != 0))
		usage();
	s = open_store(&c, "import");
	if (strcmp(o->argv[0], "villages") == 0)
		rc = actions_import_villages(s, o->argv[1], errs, sizeof errs, &changed);
	else
		rc = actions_import_people(s, o->argv[1], errs, sizeof errs, &changed);
	store_close(s);
	if (rc < 0) {
		fputs(errs, stderr);
		fprintf(stderr, "%s: nothing imported\n", o->argv[1]);
		return EX_BAD;
	}
	printf("%s: %d %s added or changed\n", o->argv[1], changed, o->argv[0]);
	return EX_OK;
}

/* queue_one validates and queues one message inside the open transaction. */
static int
queue_one(struct store *s, const char *phone_in, const char *text, long long *id)
{
	struct outbox_new m;

	memset(&m, 0, sizeof m);
	if (phone_to_e164(phone_in, m.phone, sizeof m.phone) < 0) {
		fprintf(stderr, "langso: %s: not a phone number in a known form\n", phone_in);
		return -1;
	}
	if (!utf8_is_valid(text, strlen(text)) || text[0] == '\0' || strlen(text) >= OUTBOX_TEXT_MAX) {
		fprintf(stderr, "langso: text must be non-empty UTF-8 under %d bytes\n", OUTBOX_TEXT_MAX);
		return -1;
	}
	m.text = text;
	m.coding = (int)sms_coding_of(text);
	m.priority = OUTBOX_PRIO_NOTIFY;
	if (store_outbox_add(s, &m, id) != STORE_OK) {
		fprintf(stderr, "langso: %s\n", store_errmsg(s));
		return -1;
	}
	return 0;
}

static int
cmd_send(const struct opts *o)
{
	struct conf c;
	struct store *s;
	long long id = 0, n = 0;
	int rc = 0;

	load_conf(o, &c);
	if (o->argc != 0 && o->argc != 2)
		usage();
	s = open_store(&c, "send");
	if (store_begin(s) != STORE_OK)
		fatalx(EX_DB, "%s", store_errmsg(s));
	if (o->argc == 2) {
		rc = queue_one(s, o->argv[0], o->argv[1], &id);
		n = 1;
	} else {
		char *line = NULL, *tab;
		size_t cap = 0;
		ssize_t len;

		while (rc == 0 && (len = getline(&line, &cap, stdin)) >= 0) {
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				line[--len] = '\0';
			if (len == 0)
				continue;
			if ((tab = strchr(line, '\t')) == NULL) {
				fprintf(stderr, "langso: line %lld: expected PHONE<TAB>TEXT\n", n + 1);
				rc = -1;
				break;
			}
			*tab = '\0';
			rc = queue_one(s, line, tab + 1, &id);
			n++;
		}
		free(line);
	}
	if (rc < 0 || store_commit(s) != STORE_OK) {
		store_rollback(s);
		store_close(s);
		fprintf(stderr, "langso: nothing queued\n");
		return EX_BAD;
	}
	store_close(s);
	if (o->argc == 2)
		printf("queued #%lld\n", id);
	else
		printf("queued %lld\n", n);
	return EX_OK;
}

/* stats: the province's figures (actions/stats.c), text or --json. */
static int
cmd_stats(const struct opts *o)
{
	struct conf c;
	struct store *s;
	int rc;

	load_conf(o, &c);
	s = open_store(&c, "stats");
	rc = actions_stats(s, o->json, stdout);
	if (rc < 0)
		fprintf(stderr, "langso: %s\n", store_errmsg(s));
	store_close(s);
	return rc == 0 ? EX_OK : EX_DB;
}

/* orders: the order sheet for the post office (actions/stats.c), times
 * in [broadcast] timezone. */
static int
cmd_orders(const struct opts *o)
{
	struct conf c;
	struct store *s;
	int rc;

	load_conf(o, &c);
	if (o->argc != 0)
		usage();
	setenv("TZ", c.timezone, 1);
	tzset();
	s = open_store(&c, "orders");
	rc = actions_order_sheet(s, o->commune, o->csv, stdout);
	if (rc < 0)
		fprintf(stderr, "langso: %s\n", store_errmsg(s));
	store_close(s);
	return rc == 0 ? EX_OK : EX_DB;
}

/* backup: an online copy while serve runs (storage/backup.c). An existing
 * DEST is bad input (1), anything else a database error (3). */
static int
cmd_backup(const struct opts *o)
{
	struct conf c;
	struct store *s;
	char err[1024];
	long long pages = 0;
	int rc;

	load_conf(o, &c);
	if (o->argc != 1)
		usage();
	s = open_store(&c, "backup");
	rc = store_backup(s, o->argv[0], &pages, err, sizeof err);
	store_close(s);
	if (rc != STORE_OK) {
		fprintf(stderr, "langso: backup: %s\n", err);
		return rc == STORE_EXISTS ? EX_BAD : EX_DB;
	}
	printf("%s: %lld pages copied from %s\n", o->argv[0], pages, c.db_path);
	return EX_OK;
}

/* read_password: one line of standard input, without its line end */
static int
read_password(char *out, size_t outlen)
{
	size_t n;

	if (fgets(out, (int)outlen, stdin) == NULL)
		return -1;
	n = strcspn(out, "\r\n");
	if (out[n] == '\0' && !feof(stdin))
		return -1;	/* longer than the buffer */
	out[n] = '\0';
	return 0;
}

/* user: the web console's users (actions/console_auth.c) */
static int
cmd_user(const struct opts *o)
{
	struct conf c;
	struct store *s;
	char err[512], pw[1024];
	int rc;

	load_conf(o, &c);
	if (o->argc < 1 || (strcmp(o->argv[0], "list") == 0 ? o->argc != 1 : o->argc != 2))
		usage();
	if (strcmp(o->argv[0], "add") != 0 && strcmp(o->argv[0], "del") != 0 &&
	    strcmp(o->argv[0], "list") != 0)
		usage();
	if (strcmp(o->argv[0], "add") == 0 && (o->role == NULL || read_password(pw, sizeof pw) < 0)) {
		fprintf(stderr, "langso: user add needs --role and the password on standard input\n");
		return EX_USAGE;
	}
	s = open_store(&c, "user");
	if (strcmp(o->argv[0], "list") == 0)
		rc = console_user_list(s, stdout);
	else if (strcmp(o->argv[0], "add") == 0)
		rc = console_user_add(s, o->argv[1], pw, o->role, o->commune, err, sizeof err);
	else
		rc = console_user_del(s, o->argv[1], err, sizeof err);
	sodium_memzero(pw, sizeof pw);
	store_close(s);
	if (rc < 0 && strcmp(o->argv[0], "list") == 0) {
		fprintf(stderr, "langso: database error\n");
		return EX_DB;
	}
	if (rc < 0) {
		fprintf(stderr, "langso: user %s: %s\n", o->argv[0], err);
		return EX_BAD;
	}
	if (strcmp(o->argv[0], "add") == 0)
		printf("user %s added (%s%s%s)\n", o->argv[1], o->role, o->commune ? ", " : "",
		    o->commune ? o->commune : "");
	else if (strcmp(o->argv[0], "del") == 0)
		printf("user %s deleted\n", o->argv[1]);
	return EX_OK;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const struct opts *);
	} cmds[] = {
		{"serve", cmd_serve}, {"check", cmd_check}, {"parse", cmd_parse},
		{"import", cmd_import}, {"send", cmd_send}, {"stats", cmd_stats},
		{"backup", cmd_backup}, {"user", cmd_user}, {"orders", cmd_orders},
	};
	struct opts o;

	if (argc < 2)
		usage();
	parse_opts(argc - 1, argv + 1, &o);
	/* the CLI commands print their results, not the daemon's info lines
	 * (-v shows those too); serve sets its own level */
	log_init(o.verbose ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(&o);
	fprintf(stderr, "langso: unknown command \"%s\"\n", argv[1]);
	usage();
}
