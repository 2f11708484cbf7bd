/* [storage] synchronous, read back from SQLite on every writing connection. */
#include "tests/t.h"
#include "gateway/conf.h"
#include "gateway/dbopen.h"
#include "storage/store.h"

#include <stdio.h>

static void
conf_with(struct conf *c, const char *sync)
{
	conf_defaults(c);
	snprintf(c->db_path, sizeof c->db_path, "%s/langso.db", t_tmpdir());
	if (sync != NULL)
		snprintf(c->synchronous, sizeof c->synchronous, "%s", sync);
}

/* store_open_defaults_to_full: a connection opened by anyone is on FULL
 * unless told otherwise (it was NORMAL: an OS crash could roll back MOs
 * already answered). */
static void
store_open_defaults_to_full(void)
{
	char path[512], err[256];
	struct store *s;
	enum store_sync got = STORE_SYNC_NORMAL;

	snprintf(path, sizeof path, "%s/x.db", t_tmpdir());
	T_ASSERTF((s = store_open(path, err, sizeof err)) != NULL, "%s", err);
	T_ASSERT(store_synchronous(s, &got) == STORE_OK);
	T_ASSERT(got == STORE_SYNC_FULL);
	store_close(s);
}

/* every_writing_connection_reads_back_its_setting: the daemon's committer
 * and outbox connections and the CLI's import, send, check and stats all
 * open through db_open; with each setting, each of them (open at once, as
 * in the daemon) reads back what was configured. */
static void
every_writing_connection_reads_back_its_setting(void)
{
	static const char *const roles[] = {"committer", "outbox", "import", "send", "check", "stats"};
	static const char *const settings[] = {NULL, "full", "normal"};
	enum { NR = sizeof roles / sizeof roles[0] };

	for (size_t k = 0; k < sizeof settings / sizeof settings[0]; k++) {
		struct conf c;
		struct store *s[NR];
		char err[512];
		enum store_sync want = settings[k] != NULL && settings[k][0] == 'n'
		    ? STORE_SYNC_NORMAL : STORE_SYNC_FULL;

		conf_with(&c, settings[k]);
		for (size_t i = 0; i < NR; i++)
			T_ASSERTF((s[i] = db_open(&c, roles[i], err, sizeof err)) != NULL, "%s", err);
		for (size_t i = 0; i < NR; i++) {
			enum store_sync got;

			T_ASSERT(store_synchronous(s[i], &got) == STORE_OK);
			T_ASSERTF(got == want, "%s connection with synchronous=%s reads %s", roles[i],
			    settings[k] ? settings[k] : "(default)", got == STORE_SYNC_FULL ? "full" : "normal");
			store_close(s[i]);
		}
	}
}

static void
bad_setting_is_a_config_error(void)
{
	char path[512];
	struct conf c;
	FILE *f, *errs;
	char buf[512] = "";

	snprintf(path, sizeof path, "%s/langso.conf", t_tmpdir());
	f = fopen(path, "w");
	T_ASSERT(f != NULL);
	fputs("[storage]\nsynchronous = off\n", f);
	fclose(f);
	errs = fmemopen(buf, sizeof buf, "w");
	T_ASSERT(conf_load(&c, path, errs) == 1);
	fclose(errs);
	T_ASSERTF(strstr(buf, "langso.conf:2:") != NULL && strstr(buf, "full or normal") != NULL,
	    "%s", buf);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"store_open_defaults_to_full", store_open_defaults_to_full},
		{"every_writing_connection_reads_back_its_setting",
		    every_writing_connection_reads_back_its_setting},
		{"bad_setting_is_a_config_error", bad_setting_is_a_config_error},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
