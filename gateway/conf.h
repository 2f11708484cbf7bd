/*
 * conf.h - langso.conf: INI sections and keys (contract.md), read through one
 * table of {section, key, type, field, default, bounds}. Every key has a
 * default, so an empty file is a valid config.
 */
#ifndef LANGSO_CONF_H
#define LANGSO_CONF_H

#include <stdbool.h>
#include <stdio.h>

#define CONF_ALLOW_MAX 16

struct conf {
	/* [http] */
	char listen[64];
	char listen_host[48];
	int listen_port;
	char allow[512];
	char allow_list[CONF_ALLOW_MAX][48];	/* parsed from allow */
	int allow_n;
	char metrics_allow[512];
	char metrics_allow_list[CONF_ALLOW_MAX][48];	/* parsed from metrics_allow */
	int metrics_allow_n;
	char token[128];
	int max_connections;
	int max_connections_per_client;
	int request_timeout;		/* seconds to receive a whole request */
	int max_body;
	bool kannel_keepalive;
	/* [storage] */
	char db_path[512];
	char synchronous[8];		/* "full" or "normal" */
	/* [kannel] */
	char mode[8];			/* "box" or "http" */
	bool box_mode;			/* mode = box */
	char bearerbox[64];
	char bearerbox_host[48];
	int bearerbox_port;
	char box_id[64];
	int box_window;			/* box mode: MTs in flight */
	char sendsms_url[512];
	char username[64];
	char password[128];
	char sender[32];
	char dlr_url[512];
	int inflight;
	/* [sms] */
	bool reply_diacritics;
	int max_segments;
	char lexicon[512];
	/* [broadcast] */
	int rate;
	char hours[16];
	int hours_start_min, hours_end_min;
	char timezone[64];
	/* [orders] */
	int expire_hours;
	/* [ussd] */
	int session_timeout;
	char menus[512];
	int max_sessions;
	char sessions_file[512];	/* "" : the database's path + "-ussd" */
	/* [console] */
	char console_listen[64];	/* "" : no console */
	char console_host[48];
	int console_port;
	char console_assets[512];
	char console_chartjs[512];
	bool console_tls_proxy;
};

/* conf_defaults fills every field with its default. */
void conf_defaults(struct conf *c);

/* conf_load reads path over the defaults. Each error is written to errs as
 * "path:line: message"; returns the number of errors (0: usable). */
int conf_load(struct conf *c, const char *path, FILE *errs);

/* conf_print_defaults writes the sample config with every default. */
void conf_print_defaults(FILE *out);

#endif
