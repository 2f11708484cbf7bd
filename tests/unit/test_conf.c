/* langso.conf as an operator writes it: defaults, every error with FILE:LINE. */
#include "tests/t.h"
#include "gateway/conf.h"

#include <stdio.h>

static const char *
write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", t_tmpdir(), name);
	f = fopen(path, "w");
	T_ASSERT(f != NULL);
	fputs(text, f);
	fclose(f);
	return path;
}

static int
load(const char *text, struct conf *c, char *errs, size_t errlen)
{
	const char *path = write_file("langso.conf", text);
	FILE *e = fmemopen(errs, errlen, "w");
	int n = conf_load(c, path, e);

	fclose(e);
	return n;
}

static void
empty_file_is_all_defaults(void)
{
	struct conf c;
	char errs[1024] = "";

	T_ASSERT(load("", &c, errs, sizeof errs) == 0);
	T_STREQ(c.listen_host, "127.0.0.1");
	T_ASSERT(c.listen_port == 8080);
	T_ASSERT(c.allow_n == 1);
	T_STREQ(c.allow_list[0], "127.0.0.1");
	T_STREQ(c.db_path, "var/langso.db");
	T_STREQ(c.sender, "8055");
	T_ASSERT(c.max_segments == 3);
	T_ASSERT(!c.reply_diacritics);
	T_ASSERT(c.rate == 50);
	T_ASSERT(c.hours_start_min == 7 * 60 && c.hours_end_min == 21 * 60);
	T_STREQ(c.timezone, "Asia/Ho_Chi_Minh");
	T_ASSERT(c.expire_hours == 48);
	T_ASSERT(c.session_timeout == 120);
}

static void
values_and_comments(void)
{
	struct conf c;
	char errs[1024] = "";

	T_ASSERT(load("# langso\n[http]\nlisten = 0.0.0.0:9090 ; all interfaces\n"
	    "allow = 127.0.0.1, 10.0.0.5\ntoken = s3cr3t;x\n"
	    "[sms]\nreply_diacritics = true\nmax_segments = 5\n"
	    "[broadcast]\nhours = 06:30-22:00\n", &c, errs, sizeof errs) == 0);
	T_ASSERT(c.listen_port == 9090);
	T_ASSERT(c.allow_n == 2);
	T_STREQ(c.allow_list[1], "10.0.0.5");
	T_STREQ(c.token, "s3cr3t;x");	/* ; inside a value is not a comment */
	T_ASSERT(c.reply_diacritics);
	T_ASSERT(c.max_segments == 5);
	T_ASSERT(c.hours_start_min == 6 * 60 + 30);
}

static void
every_error_with_line(void)
{
	struct conf c;
	char errs[2048] = "";
	int n = load("[http]\nlisen = 127.0.0.1:8080\n[sms]\nmax_segments = 30\n"
	    "reply_diacritics = maybe\n[nosuch]\nx = 1\n[broadcast]\nhours = 7h-21h\n"
	    "timezone = Mars/Olympus\njunk line\n", &c, errs, sizeof errs);

	T_ASSERTF(n == 7, "%d errors:\n%s", n, errs);
	T_ASSERTF(strstr(errs, "langso.conf:2: unknown key \"lisen\" in [http]") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, "langso.conf:4: max_segments must be between 1 and 10") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, "langso.conf:5: reply_diacritics must be true or false") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, "langso.conf:6: unknown section [nosuch]") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, "langso.conf:9: hours must be HH:MM-HH:MM") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, "langso.conf:10: unknown time zone") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, "langso.conf:11: expected key = value") != NULL, "%s", errs);
}

static void
bad_addresses(void)
{
	struct conf c;
	char errs[1024] = "";

	T_ASSERT(load("[http]\nlisten = localhost\nallow = 127.0.0.1, evil.example\n"
	    "[kannel]\nsendsms_url = ftp://x\n", &c, errs, sizeof errs) == 3);
	T_ASSERTF(strstr(errs, ":2: listen must be") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, ":3: not an IP address: \"evil.example\"") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, ":5: sendsms_url must be an http:// URL") != NULL, "%s", errs);
}

/* [kannel] mode: box by default (issue 10), http on request, nothing else;
 * bearerbox is an address:port of its own, not [http] listen's */
static void
box_mode_keys(void)
{
	struct conf c;
	char errs[1024] = "";

	T_ASSERT(load("", &c, errs, sizeof errs) == 0);
	T_ASSERT(c.box_mode);
	T_STREQ(c.bearerbox_host, "127.0.0.1");
	T_ASSERT(c.bearerbox_port == 13001);
	T_STREQ(c.box_id, "langso");
	T_ASSERT(c.box_window == 1000);
	T_ASSERT(load("[kannel]\nmode = http\nbearerbox = 10.0.0.5:14001\nbox_id = ls2\n", &c, errs,
	    sizeof errs) == 0);
	T_ASSERT(!c.box_mode);
	T_STREQ(c.bearerbox_host, "10.0.0.5");
	T_ASSERT(c.bearerbox_port == 14001);
	T_STREQ(c.listen_host, "127.0.0.1");
	T_ASSERT(c.listen_port == 8080);
	T_STREQ(c.box_id, "ls2");
	T_ASSERT(load("[kannel]\nmode = smsbox\nbearerbox = bearer:13001\nbox_window = 0\n", &c, errs,
	    sizeof errs) == 3);
	T_ASSERTF(strstr(errs, ":2: mode must be box or http, not \"smsbox\"") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, ":3: bearerbox must be IPv4-address:port") != NULL, "%s", errs);
	T_ASSERTF(strstr(errs, ":4: box_window must be between 1 and 10000") != NULL, "%s", errs);
}

static void
missing_file(void)
{
	struct conf c;
	char errs[512] = "";
	FILE *e = fmemopen(errs, sizeof errs, "w");

	T_ASSERT(conf_load(&c, "/nonexistent/langso.conf", e) == 1);
	fclose(e);
	T_ASSERTF(strstr(errs, "/nonexistent/langso.conf:0: cannot open") != NULL, "%s", errs);
}

/* ussd_service_code_is_gone: [ussd] service_code was read by nothing (the
 * code a phone dials is the operator's business, and /ussd answers any), so
 * it is no longer a key: a config still setting it is told so. */
static void
ussd_service_code_is_gone(void)
{
	struct conf c;
	char errs[512] = "";

	T_ASSERT(load("[ussd]\nservice_code = *868#\n", &c, errs, sizeof errs) == 1);
	T_ASSERTF(strstr(errs, "langso.conf:2: unknown key \"service_code\" in [ussd]") != NULL,
	    "%s", errs);
}

/* sample_config_loads: conf/langso.conf, which documents every key, is a
 * valid config with no key the table does not know. */
static void
sample_config_loads(void)
{
	struct conf c;
	char errs[2048] = "";
	FILE *e = fmemopen(errs, sizeof errs, "w");
	int n = conf_load(&c, "conf/langso.conf", e);

	fclose(e);
	T_ASSERTF(n == 0, "%d errors:\n%s", n, errs);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"empty_file_is_all_defaults", empty_file_is_all_defaults},
		{"values_and_comments", values_and_comments},
		{"every_error_with_line", every_error_with_line},
		{"bad_addresses", bad_addresses},
		{"box_mode_keys", box_mode_keys},
		{"missing_file", missing_file},
		{"ussd_service_code_is_gone", ussd_service_code_is_gone},
		{"sample_config_loads", sample_config_loads},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
