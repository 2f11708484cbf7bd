/*
 * fixture.h - what the action tests share: a database, the lexicon, the
 * menus and an actions context in the case's temporary directory, a clock
 * the test sets, and phones that text it.
 */
#ifndef LANGSO_FIXTURE_H
#define LANGSO_FIXTURE_H

#include "actions/actions.h"
#include "menus/menu.h"
#include "parser/parser.h"
#include "storage/store.h"

struct fx {
	struct store *s;
	struct parser *p;
	struct menu_def *menus;
	struct actions *a;
	long long now;			/* what the actions' clock reads */
	int msg_no;
};

extern struct fx FX;

/* fx_open opens everything with ac (its menus are set to the loaded ones);
 * local time is Asia/Ho_Chi_Minh. Each call uses a new database file. */
void fx_open(struct actions_conf *ac);
/* fx_close frees what fx_open opened (a case that opens twice) */
void fx_close(void);

/* fx_local: unix seconds of that local date and time */
long long fx_local(int year, int month, int day, int hh, int mm);

void fx_village(const char *code, const char *name, const char *commune);
void fx_person(const char *phone, const char *name, const char *code, const char *role);

/* fx_mo runs one message (its kannel_id numbered when NULL) and returns the
 * reply, valid until the next call; the action must succeed. */
const struct act_reply *fx_mo(struct mo *m);

/* fx_query_int runs one SELECT on s's connection and returns the first
 * column of its first row (-1 when there is none). */
long long fx_query_int(struct store *s, const char *sql);

/* fx_sms: an SMS from phone; the reply's text. */
const char *fx_sms(const char *phone, const char *text);

#endif
