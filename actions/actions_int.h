/*
 * actions_int.h - what the action files share inside actions/: the context
 * and the reply helpers. Not for use outside actions/.
 */
#ifndef LANGSO_ACTIONS_INT_H
#define LANGSO_ACTIONS_INT_H

#include "actions/actions.h"
#include "actions/replies.h"
#include "parser/parser.h"

struct actions {
	struct store *s;
	const struct parser *p;
	struct actions_conf conf;
	struct command cmd;		/* scratch: one message at a time */
	long long (*clock)(void);	/* NULL: time(NULL) */
	char actor[20];			/* HO: who acts for m->phone (E.164), "" itself */
	/* the USSD front's context: a step's reads share one read transaction,
	 * begun at the first (act_read_begin) and ended by the front */
	bool read_txn, in_read;
};

/* act_read_begin: on a context with read_txn, begins the step's read
 * transaction if none is open. 0, or -1 on a database error. */
int act_read_begin(struct actions *a);

/* reload.c: every context is listed (actions_new, actions_free) so that
 * actions_reload reaches it; the generation changes at each reload. */
void act_context_add(struct actions *a);
void act_context_remove(struct actions *a);
unsigned long act_lexicon_generation(void);

/* Replies are written with rpl_<name>(RPL_TO(r), ...) from the catalogue
 * (replies.def), in Vietnamese with diacritics; act_reply_finish later
 * strips them unless configured and fits it to max_segments. */
void act_reply_finish(const struct actions *a, struct act_reply *r);

/*
 * act_notify queues an SMS to phone through the outbox, in the current
 * transaction: text is written with diacritics and stripped unless
 * configured, fitted to max_segments, coded GSM-7 or UCS-2. priority is an
 * OUTBOX_PRIO_* value; not_before 0 means now. Counts it in r->queued (so
 * the outbox worker is woken) when r is not NULL. 0, or -1 on a database
 * error.
 */
int act_notify(struct actions *a, struct act_reply *r, const char *phone,
    const char *text, int priority, long long not_before);

/* act_now is the clock every action reads (tests replace it through
 * actions_set_clock). */
long long act_now(const struct actions *a);

/* act_next_allowed: when a message may go out, given a daily window of
 * minutes after local midnight [start, end): now if inside, else the next
 * start. Local time is the process's TZ, which serve sets from
 * [broadcast] timezone. */
long long act_next_allowed(const struct actions *a, int start_min, int end_min);

/* One action: returns 0 (the reply is set) or -1 on a database error. */
typedef int (*act_fn)(struct actions *a, const struct mo *m, const struct command *c,
    struct act_reply *r);

/* The action of every command (the action column of parser/commands.def):
 * register.c (DK, NGUNG, TIEP, HUY DK), help.c (HD, UNKNOWN), broadcast.c
 * (TB, BC), listing.c (BAN, HUY, HET), price.c (GIA, TIM), order.c (MUA,
 * OK, KO, HUY DON, TT), follow.c (THEO, BO THEO). */
#define CMD(id, json, reader, action, ...) \
	int action(struct actions *a, const struct mo *m, const struct command *c, \
	    struct act_reply *r);
#include "parser/commands.def"
#undef CMD

/* act_ussd answers one USSD step (m->channel is not MO_SMS): sets r->text
 * to the screen and r->ussd_end (actions/ussd.c). */
int act_ussd(struct actions *a, const struct mo *m, struct act_reply *r);

/* act_ussd_step runs one step of m against the phone's latest session
 * *row (when have_row) and leaves in *row the session as it must be kept.
 * 0: the screen is in r (r->ussd_end for an END); 1: the step finished a
 * menu, whose command is in *cmd, not run yet (act_ussd_finish runs it);
 * -1: a database read failed. Shared by the stored sessions of Kannel's
 * USSD (act_ussd) and the in-memory ones of POST /ussd (ussd_front.c). */
struct ussd_session;
int act_ussd_step(struct actions *a, const struct mo *m, struct ussd_session *row, bool have_row,
    struct act_reply *r, struct command *cmd);
/* act_ussd_finish runs a finished menu's command and fits its reply on
 * the last screen (r->ussd_end). 0, or -1 on a database error. */
int act_ussd_finish(struct actions *a, const struct mo *m, struct command *c,
    struct act_reply *r);
/* act_ussd_timeout: [ussd] session_timeout, seconds of silence that end a
 * session (its default when unset). */
long long act_ussd_timeout(const struct actions *a);
/* act_ussd_reads_only: c only reads (the ussd column of commands.def is
 * 2), so the HTTP thread may answer it without a transaction. */
bool act_ussd_reads_only(const struct command *c);
/* act_ussd_done runs, in the committer's transaction, the command of a
 * step the HTTP thread's front took to its end (m->ussd_done). */
int act_ussd_done(struct actions *a, const struct mo *m, struct act_reply *r);
/* act_run_command runs an already built command (a finished USSD menu)
 * through the SMS action table; the reply is not fitted (actions.c). */
int act_run_command(struct actions *a, const struct mo *m, const struct command *c,
    struct act_reply *r);

/* act_syntax_reply answers a known command with an error (missing_*,
 * multiple_items, price_range) with the right syntax and an example. */
void act_syntax_reply(const struct command *c, struct act_reply *r);

/* ---- the marketplace (issue 4): listing.c, price.c, order.c, follow.c ---- */


/* mk_expire_orders expires pending orders past their time and tells each
 * buyer (order.c; run by actions_tick). Returns messages queued, or -1. */
int mk_expire_orders(struct actions *a);

/* mk_close_orders closes every pending order on listing l (HUY, HET)
 * with status ("declined", "cancelled") and tells each buyer why
 * (order.c); *n counts them. Accepting an order closes none (issue 9).
 * 0 or -1. */
struct listing;
int mk_close_orders(struct actions *a, struct act_reply *r, const struct listing *l,
    const char *status, int *n);

/* mk_alert_followers queues the alert of a new listing to its followers
 * (follow.c): 07:00-22:00 only, never to opted-out phones, at most
 * MK_ALERTS_PER_DAY a phone a day. 0 or -1. */
#define MK_ALERTS_PER_DAY 3
int mk_alert_followers(struct actions *a, struct act_reply *r, const struct listing *l);

/* mk_send_digests queues the daily digests of the alerts past the cap
 * (follow.c; run by actions_tick): one SMS a phone, product and day, from
 * 21:30 local, never to phones that stopped following or opted out.
 * Returns messages queued, or -1. */
int mk_send_digests(struct actions *a);

/* Formatting shared by the market replies (market_fmt.c). Every writer
 * fills out (cut to len) and returns it. */
char *mk_money(long long vnd, char *out, size_t len);		/* "1.500.000đ" */
char *mk_qty(long long amount, const char *unit, char *out, size_t len);	/* "2,5kg", "20 con" */
const char *mk_per(const struct listing *l);			/* "kg" or "con" */
char *mk_price(const struct listing *l, char *out, size_t len);	/* "30.000đ/kg" or "giá thỏa thuận" */
char *mk_price_words(const struct listing *l, char *out, size_t len);	/* "giá 30.000đ/kg", "giá thỏa thuận" */
/* mk_note: the listing's note without the words that announced the phone
 * the parser cut out of it ("na to lh" -> "na to"), and trailing commas */
char *mk_note(const struct listing *l, char *out, size_t len);
/* mk_pick: the first of n candidate texts (best first) that fits one SMS,
 * else the first that fits max_segments, else the last */
int mk_pick(const struct actions *a, char (*cand)[ACT_REPLY_MAX], int n);
char *mk_product(const struct actions *a, const struct listing *l, char *out, size_t len);
char *mk_product_key(const struct actions *a, const char *key, char *out, size_t len);
char *mk_keyword(const char *key, char *out, size_t len);	/* "na" -> "NA" */
/* mk_total: what qty of l costs at its price, 0 when it cannot be told
 * (negotiable, pieces at a price per kg, or too large to compute) */
long long mk_total(const struct listing *l, long long qty);
/* mk_mul: a × b for a, b >= 0, or -1 when it overflows; mk_add: a + b,
 * saturated at LLONG_MAX/LLONG_MIN. Every sum or product of money goes
 * through them. */
long long mk_mul(long long a, long long b);
long long mk_add(long long a, long long b);
/* mk_limit_reply answers qty_too_large / price_too_large, or a command
 * without error whose quantity, price or offer is past parser.h's bounds
 * (one built by a USSD menu), with the bound and an example; false when
 * none of these. */
bool mk_limit_reply(const struct command *c, struct act_reply *r);
/* mk_fits: text, as act_reply_finish will send it, fits max_segments */
bool mk_fits(const struct actions *a, const char *text);
/* mk_fits_one: text fits max_segments and, without diacritics, one GSM-7
 * SMS of 160 characters: what the common replies (BAN, MUA, OK, KO) aim at */
bool mk_fits_one(const struct actions *a, const char *text);
/* mk_budget: characters in max_segments of the coding replies use */
size_t mk_budget(const struct actions *a);
/* mk_day: the local day number (days since 1970-01-01 local) of t */
long long mk_day(long long t);
/* mk_price_window: the first day GIA counts (14 days with today) */
#define MK_PRICE_DAYS 14

/* act_for runs a command given as HO <phone> <command> (team.c): checks
 * that the sender may act for that household, runs it as the household's,
 * tells the household what was done and by whom, echoes it to the sender. */
int act_for(struct actions *a, const struct mo *m, const struct command *c,
    struct act_reply *r);
/* act_team_check: may phone act for for_phone (USSD "check team", team.c) */
int act_team_check(struct actions *a, const char *phone, const char *for_phone, char *why,
    size_t n);
/* act_name_case: a name as names are written (register.c) */
void act_name_case(const char *in, char *out, size_t outlen);

/* act_keyword: the main keyword of an action ("BAN" for CMD_LIST). */
const char *act_keyword(enum cmd_action a);

#endif
