/*
 * actions.h - what langso does with a message: executes a parsed command in
 * one transaction and produces the reply and any outgoing messages (outbox
 * rows). No HTTP, no patterns, no SQL text here: it sits between the gateway
 * and {parser, menus, storage}.
 */
#ifndef LANGSO_ACTIONS_H
#define LANGSO_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct store;
struct parser;
struct menu_def;
struct actions;
struct ussd_done;

struct actions_conf {
	bool reply_diacritics;
	int max_segments;
	char sender[32];
	int broadcast_start_min, broadcast_end_min;	/* minutes after local midnight */
	char timezone[64];
	int expire_hours;
	int session_timeout;
	const struct menu_def *menus;	/* borrowed (menu_load); NULL: no USSD menus */
	bool trace_menus;		/* log every menu transition to stderr */		/* [ussd]: seconds of silence ending a session */
};

/* Where a message came from: an SMS, or one step of a USSD session, from
 * Kannel over SMPP (ussd_service_op in meta-data) or from an HTTP USSD
 * aggregator (POST /ussd, Africa's Talking style). */
enum mo_channel { MO_SMS = 0, MO_USSD_KANNEL, MO_USSD_HTTP };

/* A mobile-originated SMS or USSD step, already decoded to UTF-8 by the
 * gateway. */
struct mo {
	enum mo_channel channel;
	const char *session;		/* USSD: session id ("" for SMS) */
	int ussd_op;			/* Kannel USSD: 1 dialled, 18 a reply */
	const char *kannel_id;
	const char *phone;		/* E.164 */
	const char *to;
	const char *text;		/* UTF-8, valid */
	size_t text_len;
	const void *raw;		/* bytes as received */
	size_t raw_len;
	int coding;
	const char *smsc;
	/* POST /ussd: a step the HTTP thread took to a finished menu; its
	 * command runs in the committer's transaction (ussd_front.h) */
	const struct ussd_done *ussd_done;
};

/* ACT_REPLY_MAX: max_segments is at most 10; 10 UCS-2 parts of 67 units at
 * 3 UTF-8 bytes each is 2010 bytes. */
#define ACT_REPLY_MAX 2048

struct act_reply {
	char text[ACT_REPLY_MAX];
	int coding;			/* 0 GSM-7, 2 UCS-2 */
	bool duplicate;			/* the same Kannel id was answered before */
	char action[24];		/* parse outcome, for metrics */
	int queued;			/* outbox rows this message added */
	bool ussd_end;			/* USSD: last screen (END / op 17) */
};

/* actions_new: the context holds borrowed pointers (caller keeps store and
 * parser alive and frees them after actions_free). */
struct actions *actions_new(struct store *s, const struct parser *p,
    const struct actions_conf *conf);
void actions_free(struct actions *a);

/*
 * actions_reload gives every actions context the lexicon p and the menus
 * (SIGHUP), at once: it waits for the message batch, tick or console
 * request using the old ones, and when it returns nothing uses them any
 * more, so the caller frees them. The caller checked p and menus first.
 * Work on a context outside actions_handle_* and actions_tick (the
 * console's API) runs between actions_lexicon_hold and _release; never
 * nested on one thread.
 */
void actions_reload(const struct parser *p, const struct menu_def *menus);
void actions_lexicon_hold(void);
void actions_lexicon_release(void);

/*
 * actions_handle_mo stores the message (once per kannel_id), executes it and
 * commits, all in one transaction, then fills *r. A repeated kannel_id gets
 * the reply given the first time and changes nothing. Returns 0, or -1 when
 * the database failed (nothing was committed; the caller answers 5xx so
 * Kannel retries).
 */
int actions_handle_mo(struct actions *a, const struct mo *m, struct act_reply *r);

/*
 * actions_handle_batch does what actions_handle_mo does for n messages in
 * one transaction (group commit: one WAL write for many MOs). A Kannel id
 * repeated inside the batch is a duplicate of its first occurrence. Returns
 * 0, or -1 when the database failed: then nothing of the batch was
 * committed and every message must be answered with a retryable error.
 */
int actions_handle_batch(struct actions *a, const struct mo *const *m,
    struct act_reply *const *r, int n);

/*
 * actions_tick runs the periodic duties (orders that expire, and anything
 * else time moves forward) in one transaction. The daemon calls it every
 * few seconds from the outbox thread with that thread's own context.
 * Returns how many messages it queued (>= 0), or -1 on a database error.
 */
int actions_tick(struct actions *a);

/* actions_set_clock replaces the clock (unix seconds) the actions read:
 * for tests of quiet hours and expiry. NULL restores time(NULL). */
void actions_set_clock(struct actions *a, long long (*clock)(void));

/*
 * actions_stats writes the figures the province tracks, per commune and
 * village (households, households with an open listing, listings, orders
 * placed and accepted, their value) to out: text columns, or one JSON
 * object when as_json. 0, or -1 on a database error (store_errmsg).
 */
int actions_stats(struct store *s, bool as_json, FILE *out);

/*
 * actions_order_sheet writes the order sheet (commands.md §7, langso
 * orders): accepted orders not yet handed over, per commune and village
 * (only commune's when not NULL), as text or CSV with a header. 0, or -1
 * on a database error.
 */
int actions_order_sheet(struct store *s, const char *commune, bool csv, FILE *out);

/*
 * CSV import (contract.md): all-or-nothing. Returns 0 when the file was
 * applied; -1 with one "CSV:LINE: reason" line per bad row written to errs
 * (cut to errlen). *changed counts rows inserted or updated.
 */
int actions_import_villages(struct store *s, const char *csv_path,
    char *errs, size_t errlen, int *changed);
int actions_import_people(struct store *s, const char *csv_path,
    char *errs, size_t errlen, int *changed);
/* actions_import_csv is the same import of the len bytes at buf (need not
 * end in NUL), villages or people, with name in place of the file's path
 * in the errors. For the fuzzer and for callers that hold the file already. */
int actions_import_csv(struct store *s, bool people, const char *name,
    const char *buf, size_t len, char *errs, size_t errlen, int *changed);

/* actions_import_people_in: the same for a commune's official (the web
 * console): a row whose village is in another commune, or whose phone is
 * registered in one, is one more "CSV:LINE: reason". */
int actions_import_people_in(struct store *s, const char *csv_path, const char *commune,
    char *errs, size_t errlen, int *changed);

#endif
