/*
 * console_int.h - what the web console's action files share inside
 * actions/ (console_auth.c, console_api.c, console_data.c).
 */
#ifndef LANGSO_CONSOLE_INT_H
#define LANGSO_CONSOLE_INT_H

#include "actions/console.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

struct actions;

struct console {
	struct store *s;
	struct actions *act;		/* for notices: the same path as TB */
	long long (*clock)(void);	/* NULL: time(NULL) */
	int queued;			/* outbox rows the last call added */
};

long long console_now(const struct console *c);

/* console_csv_field writes v as one CSV field through libcsv (quoted,
 * quotes doubled, as the import reads it); a free text (a name, a product)
 * starting with = + - @ gets a ' in front so a spreadsheet never runs it
 * as a formula. For the console's CSV exports. */
void console_csv_field(FILE *f, const char *v, bool free_text);

/* console_answer_json fills ans with doc (consumed) and status. */
void console_answer_json(struct console_answer *ans, int status, json_t *doc);

/* console_audit records a change the user made, in the caller's
 * transaction: -1 on a database error. */
int console_audit(struct console *c, const struct console_who *who, const char *action,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* console_scope decides which commune a request reads: a commune user's
 * own (another one named: 403), else the `commune` argument's (unknown:
 * 404), else 0 for the province. -1 when ans was filled with the refusal. */
int console_scope(struct console *c, const struct console_who *who,
    const struct console_req *req, long long *commune_id, struct console_answer *ans);

struct console_user;
int console_audit_user(struct console *c, const struct console_user *u, const char *action,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
