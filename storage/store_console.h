/*
 * store_console.h - the operators' web console (issue 11): its users,
 * sessions, sign-in throttling, audit trail, and the read-only queries its
 * pages show (figures per commune and village, series, people, notices).
 * Included by store.h; implemented in storage/console.c and
 * storage/console_read.c.
 */
#ifndef LANGSO_STORE_CONSOLE_H
#define LANGSO_STORE_CONSOLE_H

/* ---- users ---- */
struct console_user {
	long long id;
	char login[64];
	char pwhash[128];		/* crypto_pwhash_str (Argon2id), NUL-terminated */
	char role[12];			/* "admin", "commune", "viewer" */
	long long commune_id;		/* role commune: its commune; else 0 */
	char commune[128];		/* its name; "" when none */
	long long created_at, last_login;	/* unix seconds; last_login 0: never */
};

/* store_console_user_add adds u (id, created_at and last_login ignored):
 * STORE_EXISTS when the login is taken, STORE_NONE when u->commune is set
 * and no such commune was imported. */
int store_console_user_add(struct store *s, const struct console_user *u, long long now);
int store_console_user_get(struct store *s, const char *login, struct console_user *out);
int store_console_user_by_id(struct store *s, long long id, struct console_user *out);
/* store_console_user_each calls fn for every user ordered by login; stops
 * and returns fn's value when it is not 0. */
int store_console_user_each(struct store *s,
    int (*fn)(const struct console_user *u, void *arg), void *arg);
/* store_console_user_del deletes the user and its sessions (its audit
 * rows keep its login). STORE_NONE for an unknown login. */
int store_console_user_del(struct store *s, const char *login);
int store_console_user_seen(struct store *s, long long id, long long now);

/* ---- sessions: the cookie's token is random; only its hash is kept ---- */
struct console_session {
	long long user_id;
	char csrf[72];			/* the session's CSRF token (hex) */
	long long expires_at;
};
int store_console_session_add(struct store *s, const char *token_hash,
    const struct console_session *cs, long long now);
/* store_console_session_get: STORE_NONE when unknown or expired at now. */
int store_console_session_get(struct store *s, const char *token_hash, long long now,
    struct console_session *out);
int store_console_session_del(struct store *s, const char *token_hash);

/* ---- sign-in throttling: failures per key ("login:x", "addr:y") ---- */
/* store_console_failures: failures recorded for key since `since`. */
int store_console_failures(struct store *s, const char *key, long long since, long long *n);
/* store_console_fail records one at now (and drops those older than since). */
int store_console_fail(struct store *s, const char *key, long long now, long long since);
int store_console_fail_clear(struct store *s, const char *key);

/* ---- audit: every change made in the console ---- */
struct console_audit {
	long long id, at;
	char login[64];
	char action[32];
	char detail[512];
};
int store_console_audit_add(struct store *s, long long user_id, const char *login,
    const char *action, const char *detail, long long now);
/* newest first, at most limit rows */
int store_console_audit_each(struct store *s, int limit,
    int (*fn)(const struct console_audit *a, void *arg), void *arg);

/* ---- what the pages read (console_read.c) ---- */

/* One village's indicators (issue 11's overview). commune_id 0 in a
 * query means every commune. */
struct console_village_fig {
	long long village_id, commune_id;
	char code[8], village[128], commune[128];
	long long households;		/* registered people */
	long long listed_ever;		/* households that ever listed */
	long long listing_now;		/* households with an open listing */
	long long listings, orders, accepted, value;
};
int store_console_village_figs(struct store *s, long long commune_id,
    int (*fn)(const struct console_village_fig *f, void *arg), void *arg);

/* Notices per commune: broadcasts made and their messages' outcomes. */
struct console_notice_fig {
	long long commune_id;
	long long notices, messages, delivered, failed, waiting;
};
int store_console_notice_figs(struct store *s, long long commune_id,
    int (*fn)(const struct console_notice_fig *f, void *arg), void *arg);

/* store_console_daily counts, per local day >= from_day (days since
 * 1970-01-01 at utc_offset seconds east), what `what` names: MOs received,
 * listings made, orders accepted. fn gets (day, count). */
enum console_series { CS_MO, CS_LISTINGS, CS_ACCEPTED };
int store_console_daily(struct store *s, enum console_series what, long long commune_id,
    long long from_day, long long utc_offset,
    int (*fn)(long long day, long long n, void *arg), void *arg);

/* The products with the most listings in the price statistics since
 * from_day, best first: up to max keys into out[][64]; *n how many. */
int store_console_top_products(struct store *s, long long from_day, int max,
    char (*out)[64], int *n);
/* The per-kg prices of product since from_day: fn gets (day, unit_price,
 * listings at that price), ordered by day. */
int store_console_prices(struct store *s, const char *product, long long from_day,
    int (*fn)(long long day, long long price, long long n, void *arg), void *arg);

/* People, searched and paged. */
struct console_person {
	long long id;
	char phone[20], name[128], village_code[8], village[128], commune[128], role[12];
	long long commune_id;
	bool opted_out;
};
struct console_people_q {
	long long commune_id;		/* 0: every commune */
	const char *village_code;	/* NULL/"": every village */
	const char *text;		/* NULL/"": anyone; else part of name or phone */
	int offset, limit;
};
int store_console_people(struct store *s, const struct console_people_q *q, long long *total,
    int (*fn)(const struct console_person *p, void *arg), void *arg);

/* Villages (for forms and scoping), ordered by commune and code. */
int store_console_villages(struct store *s, long long commune_id,
    int (*fn)(const struct village *v, long long commune_id, void *arg), void *arg);
/* store_console_commune_id: the id of a commune by name, or STORE_NONE. */
int store_console_commune_id(struct store *s, const char *name, long long *id);
/* store_console_village_commune: the commune id of a village code. */
int store_console_village_commune(struct store *s, const char *code, long long *commune_id);

/* Notices, newest first, with their figures (struct broadcast_report) and
 * who sent them: a phone's name, or a console user's login. */
struct console_notice {
	struct broadcast_report r;
	long long commune_id;
	char target[300];		/* "thôn X" / "xã Y" */
	char sender[160];
	bool urgent;
	long long created_at;
};
int store_console_notices(struct store *s, long long commune_id, int limit,
    int (*fn)(const struct console_notice *n, void *arg), void *arg);
/* store_console_notice: one, or STORE_NONE. */
int store_console_notice(struct store *s, long long id, struct console_notice *out);

/* Listings and orders, newest first, filtered; the order sheet. */
struct console_market_q {
	long long commune_id;		/* 0: every commune */
	const char *product;		/* NULL/"": any (a lexicon key) */
	const char *status;		/* NULL/"": any */
	int offset, limit;		/* limit -1: all */
};
int store_console_listings(struct store *s, const struct console_market_q *q,
    int (*fn)(const struct listing *l, void *arg), void *arg);
struct console_order {
	long long id;
	char buyer_phone[20];
	long long qty, value, created_at, decided_at;
	char status[12];
	struct listing l;
};
int store_console_orders(struct store *s, const struct console_market_q *q,
    int (*fn)(const struct console_order *o, void *arg), void *arg);
/* store_console_sheet: accepted orders by commune, village, seller. */
int store_console_sheet(struct store *s, long long commune_id,
    int (*fn)(const struct console_order *o, void *arg), void *arg);

/* One phone's messages: what it sent (with the reply) and what langso
 * sent it, newest first, at most limit of each. */
struct console_msg {
	bool from_phone;		/* inbox (true) or outbox */
	long long id, at;
	char text[OUTBOX_TEXT_MAX];
	char reply[OUTBOX_TEXT_MAX];	/* inbox: the reply given */
	char action[24];		/* inbox */
	char status[12];		/* outbox */
	int dlr_type;			/* outbox: latest DLR type, 0 none */
	long long broadcast_id;		/* outbox */
};
int store_console_messages(struct store *s, const char *phone, int limit,
    int (*fn)(const struct console_msg *m, void *arg), void *arg);

#endif
