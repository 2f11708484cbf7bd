/*
 * store.h - langso's SQLite database: the only place with SQL. Owns the
 * schema and its migrations (PRAGMA user_version), and exposes one function
 * per thing the actions and the gateway need. A struct store is one
 * connection: use one per thread. Every function returns STORE_OK (0) or
 * STORE_ERR (-1, logged with the SQLite message in store_errmsg()); lookups
 * return STORE_NONE (1) when there is no such row, leaving *out untouched.
 */
#ifndef LANGSO_STORE_H
#define LANGSO_STORE_H

#include <stdbool.h>
#include <stddef.h>

#define STORE_OK	0
#define STORE_ERR	(-1)
#define STORE_NONE	1

struct store;

/* store_open opens (creating if needed) the database at path (":memory:"
 * works), sets WAL, foreign keys and a busy timeout, and migrates the schema
 * to the latest version. NULL with err filled on failure. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *s);
const char *store_errmsg(const struct store *s);
/* How a COMMIT reaches the disk (PRAGMA synchronous), per connection.
 * FULL, store_open's default: a committed transaction survives power loss.
 * NORMAL: it survives a crash of the process, not of the machine. */
enum store_sync { STORE_SYNC_FULL, STORE_SYNC_NORMAL };
int store_set_synchronous(struct store *s, enum store_sync sync);
/* store_synchronous reads the connection's setting back from SQLite. */
int store_synchronous(struct store *s, enum store_sync *out);
int store_schema_version(struct store *s);	/* PRAGMA user_version */
#define STORE_SCHEMA_LATEST 9

/* Transactions: store_begin is BEGIN IMMEDIATE (the writer lock is taken at
 * once, so a transaction never fails half-way on a lock). */
int store_begin(struct store *s);
/* store_begin_read: a transaction that only reads (one snapshot for
 * several statements; no write lock taken); end it with store_commit. */
int store_begin_read(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);

/* WAL checkpoints copy the log back into the database and fsync: done in
 * a commit they stall that commit. store_set_autocheckpoint(s, 0) takes
 * them off a latency-sensitive connection; another thread then calls
 * store_checkpoint (PASSIVE: never waits for, nor blocks, writers). */
int store_set_autocheckpoint(struct store *s, int pages);
/* store_set_query_only: from now on this connection only reads; a write
 * fails (the HTTP thread's USSD front, which must never write). */
int store_set_query_only(struct store *s);
/* store_set_mmap: read the database file through a memory map of up to
 * bytes (a reader whose cache each commit of another connection empties
 * reads its pages again without a system call each). */
int store_set_mmap(struct store *s, long long bytes);
/* store_set_cache: the connection's page cache, in KiB (SQLite's default
 * is 2 MiB: the committer's batches dirty more than that, and a cache that
 * spills writes pages to the WAL in the middle of the transaction). */
int store_set_cache(struct store *s, long long kib);
int store_checkpoint(struct store *s);

/* store_changes: rows inserted, updated or deleted on this connection
 * since it opened (sqlite3_total_changes): did an action change anything */
long long store_changes(struct store *s);

/* store_check_writable is for /healthz: a write in a rolled-back
 * transaction. STORE_OK when the database can be written. */
int store_check_writable(struct store *s);

/* store_backup copies s's database, while other connections keep writing,
 * to a new file dest through SQLite's online backup API: one read
 * transaction, so dest is the database as of one commit (every transaction
 * committed before the call is in it). dest is built under a temporary name
 * next to it, checked (PRAGMA quick_check), synced, then linked to dest, so
 * dest is either absent or complete. An existing dest is never replaced:
 * STORE_EXISTS. *pages (may be NULL) gets the pages copied. STORE_OK, or
 * STORE_ERR/STORE_EXISTS with err filled. */
#define STORE_EXISTS	2
int store_backup(struct store *s, const char *dest, long long *pages, char *err, size_t errlen);

/* ---- communes and villages ---- */
struct village {
	long long id;
	char code[8];			/* "LD02", upper case */
	char name[128];			/* original, with diacritics */
	char commune[128];		/* commune (xã/phường) name */
	char old_district[128];		/* "" when not given */
};

/* store_village_upsert inserts or updates the village by code (and its
 * commune by name). *changed is set to true when a row was inserted or a
 * value differed. */
int store_village_upsert(struct store *s, const struct village *v, bool *changed);
int store_village_by_code(struct store *s, const char *code, struct village *out);
/* store_village_each calls fn for every village, ordered by code; stops and
 * returns fn's value when fn returns non-zero. */
int store_village_each(struct store *s,
    int (*fn)(const struct village *v, void *arg), void *arg);
int store_village_count(struct store *s, long long *n);

/* ---- people (households, village heads, commune officials) ---- */
struct person {
	long long id;
	char phone[20];			/* E.164 */
	char name[128];
	char village_code[8];		/* "" when not attached to a village */
	char role[12];			/* "household", "head", "official", "helper" */
	bool opted_out;
};

/* store_person_upsert inserts or updates by phone (name, village, role; the
 * opted_out flag is kept as it is). *changed as for villages. */
int store_person_upsert(struct store *s, const struct person *p, bool *changed);
int store_person_by_phone(struct store *s, const char *phone, struct person *out);
/* store_person_set_opted_out sets the flag for a phone, creating a row with
 * no village and role "household" when the phone is unknown (so a stranger's
 * NGUNG is kept too). */
int store_person_set_opted_out(struct store *s, const char *phone, bool opted_out);
int store_person_count(struct store *s, long long *n);
/* store_person_unregister is HUY DK (commands.md §7): the phone leaves its
 * village and its follows are dropped, so no notice and no alert reaches it
 * any more. The row stays: its listings and orders keep their seller.
 * Closing its open listings is the caller's. STORE_NONE for an unknown
 * phone. In the caller's transaction or its own. */
int store_person_unregister(struct store *s, const char *phone, long long now);

/* A registration change waiting for its DK OK (commands.md §7): one per
 * registered phone; a newer DK replaces it, HUY DK drops it. */
struct pending_reg {
	char village_code[8];
	char name[128];
	long long created_at;		/* unix seconds: when the DK asked */
};
/* set: STORE_ERR also when the phone is not in people or the village is
 * unknown (the caller checked both). get: STORE_NONE when none waits. */
int store_pending_reg_set(struct store *s, const char *phone, const struct pending_reg *r);
int store_pending_reg_get(struct store *s, const char *phone, struct pending_reg *out);
int store_pending_reg_delete(struct store *s, const char *phone);

/* ---- inbox: every MO, once per Kannel id ---- */
struct inbox_msg {
	char kannel_id[64];		/* smsbox %I; the idempotency key */
	char phone[20];			/* E.164 sender */
	char to[32];			/* our short code */
	const void *raw;		/* bytes as received (any charset) */
	size_t raw_len;
	const char *text;		/* decoded UTF-8 */
	int coding;			/* Kannel's %c */
	char smsc[32];
	const char *action;		/* "REGISTER", "UNKNOWN", ... */
	const char *reply;		/* the reply SMS, UTF-8 */
	int reply_coding;		/* 0 GSM-7, 2 UCS-2 */
	bool ussd_end;			/* a USSD step's last screen */
};

/* store_inbox_reply finds the reply already given to kannel_id from phone
 * (never another phone's, whatever id a client sends): copies it into
 * reply (cut to replylen-1), its coding into *coding and, for a USSD step,
 * whether it ended the session into *ussd_end (either may be NULL); or
 * STORE_NONE. */
int store_inbox_reply(struct store *s, const char *kannel_id, const char *phone, char *reply,
    size_t replylen, int *coding, bool *ussd_end);
int store_inbox_add(struct store *s, const struct inbox_msg *m);
int store_inbox_count(struct store *s, long long *n);

/* ---- outbox: every message langso originates ---- */
enum outbox_status {
	OUTBOX_QUEUED = 0,	/* waiting for next_at */
	OUTBOX_SENDING,		/* claimed by the worker, request in flight */
	OUTBOX_ACCEPTED,	/* Kannel answered 202 */
	OUTBOX_FAILED,		/* Kannel answered 4xx: never retried */
};

/* Priorities: lower is sent first, so a reply or order notification is not
 * stuck behind a 10,000-message broadcast. */
#define OUTBOX_PRIO_NOTIFY	0
#define OUTBOX_PRIO_ALERT	5
#define OUTBOX_PRIO_BROADCAST	10

struct outbox_new {
	char phone[20];
	const char *text;		/* UTF-8 */
	int coding;			/* 0 or 2 */
	int priority;
	long long not_before;		/* unix seconds; 0 = now */
	long long broadcast_id;		/* 0 when not part of a broadcast */
};

/* OUTBOX_TEXT_MAX: 10 UCS-2 parts of 67 units, 3 UTF-8 bytes each, + NUL. */
#define OUTBOX_TEXT_MAX 2048

struct outbox_msg {
	long long id;
	char phone[20];
	char text[OUTBOX_TEXT_MAX];
	int coding;
	int priority;
	int attempts;			/* attempts made before this one */
	long long broadcast_id;
};

int store_outbox_add(struct store *s, const struct outbox_new *m, long long *id);

/* store_outbox_claim marks up to max due messages (next_at <= now, status
 * QUEUED) as SENDING, lowest priority value first, then oldest, and copies
 * them into out[]; *n is how many. One short transaction of its own. */
int store_outbox_claim(struct store *s, long long now, int max,
    struct outbox_msg *out, int *n);

/* After the request: accepted (202), failed for good (4xx), or retry at
 * next_at (connection error, 5xx). answer is Kannel's status line or the
 * error text, kept for the operator. Each increments attempts. */
int store_outbox_accepted(struct store *s, long long id, const char *answer);
int store_outbox_failed(struct store *s, long long id, const char *answer);
int store_outbox_retry(struct store *s, long long id, long long next_at,
    const char *answer);

/* store_outbox_dlr records a delivery report (Kannel %d type: 1 delivered,
 * 2 failed, 4 buffered, 8 smsc ack, 16 smsc reject) with its %A text.
 * STORE_NONE for an unknown id. */
int store_outbox_dlr(struct store *s, long long id, int type, const char *reply,
    const char *smscid);

/* store_outbox_requeue_sending puts back every SENDING row (left by a crash:
 * its request may or may not have reached Kannel) as QUEUED, due now. */
int store_outbox_requeue_sending(struct store *s, int *n);

/* store_outbox_requeue_stale puts back the SENDING rows claimed more than
 * older_than seconds before now: rows whose answer could not be recorded
 * (a failed update) in a daemon that is still running. */
int store_outbox_requeue_stale(struct store *s, long long now, long long older_than, int *n);

/* store_outbox_next_due: the earliest next_at of a QUEUED row, or STORE_NONE. */
int store_outbox_next_due(struct store *s, long long *when);

struct outbox_counts {
	long long queued, sending, accepted, failed, delivered, undelivered;
};
int store_outbox_counts(struct store *s, struct outbox_counts *c);

/* Test seam: when set, called before every sqlite3_step with the step's
 * ordinal number since store_open; a non-zero return (an SQLite error code
 * such as SQLITE_BUSY or SQLITE_FULL) is used instead of stepping. */
extern int (*store_step_hook)(unsigned long n);
/* Test seam: when set, called before every sqlite3_step with the step's
 * SQL, its parameters filled in; a non-zero return fails that step alone
 * (one message's write failing, the others of its batch not). */
extern int (*store_step_sql_hook)(const char *sql);

/* The domains, each in its own header and file. */
#include "storage/store_market.h"
#include "storage/store_broadcast.h"
#include "storage/store_ussd.h"
#include "storage/store_console.h"
#include "storage/store_team.h"

#endif
