/*
 * store_broadcast.h - village broadcasts (TB) and their delivery figures
 * (BC). Included by store.h; implemented in storage/broadcast.c.
 */
#ifndef LANGSO_STORE_BROADCAST_H
#define LANGSO_STORE_BROADCAST_H

struct broadcast_new {
	long long sender_id;		/* people.id of the head or official, or 0 ... */
	long long console_user_id;	/* ... for a notice composed in the web console */
	const char *sender_login;	/* that console user's login (kept after user del) */
	char village_code[8];		/* the village, or ... */
	char commune_of[8];		/* ... every village of this village's commune */
	const char *text;		/* as the phones get it, prefix included */
	int coding;
	bool urgent;
	long long send_at;		/* unix seconds: now, or when quiet hours end */
};

/*
 * store_broadcast_create records the broadcast and puts one outbox row per
 * recipient (every person of the target villages, the sender excluded;
 * phones that sent NGUNG only when the notice is urgent), all in one transaction (the caller's, if open), so a
 * crash never leaves it half-enqueued. *id is the broadcast number,
 * *recipients how many rows were queued (0: nothing was recorded).
 */
int store_broadcast_create(struct store *s, const struct broadcast_new *b,
    long long *id, long long *recipients);

struct broadcast_report {
	long long id;
	long long sender_id;
	long long recipients;
	long long sent;			/* accepted by Kannel */
	long long delivered;		/* DLR type 1 */
	long long waiting;		/* queued or being sent */
	long long failed;		/* refused by Kannel, or DLR undelivered */
	long long send_at;
	char text[OUTBOX_TEXT_MAX];
};

/* store_broadcast_report fills r for broadcast id, or STORE_NONE. */
int store_broadcast_report(struct store *s, long long id, struct broadcast_report *r);

/* store_broadcast_recent copies up to max of the latest broadcasts that
 * reached village_code (its own or its commune's), newest first, into out
 * (text and id set; counts not filled); *n is how many. */
int store_broadcast_recent(struct store *s, const char *village_code, int max,
    struct broadcast_report *out, int *n);

/* store_broadcast_last: the newest broadcast sender_id made, or STORE_NONE. */
int store_broadcast_last(struct store *s, long long sender_id, long long *id);

/* A recipient a broadcast has not reached yet (no delivery report saying
 * delivered): queued, being sent, sent without a report, or failed. */
struct broadcast_recipient {
	char phone[20];
	char name[128];			/* "" when the person has none */
};

/* store_broadcast_unreached copies up to max of them, in the order they
 * were queued, into out; *n is how many. */
int store_broadcast_unreached(struct store *s, long long id, int max,
    struct broadcast_recipient *out, int *n);

/* store_broadcast_opted_out counts the people of b's target (sender
 * excluded) who sent NGUNG: those an ordinary notice leaves out. */
int store_broadcast_opted_out(struct store *s, const struct broadcast_new *b, long long *n);

#endif
