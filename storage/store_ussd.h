/*
 * store_ussd.h - USSD sessions (issue 6): one row per session with the
 * menu state the next step continues from. Included by store.h;
 * implemented in storage/ussd.c. Same conventions as store.h
 * (STORE_OK/ERR/NONE).
 */
#ifndef LANGSO_STORE_USSD_H
#define LANGSO_STORE_USSD_H

/* USSD_STATE_MAX holds an encoded menus/ session (MENU_STATE_MAX); the HTTP
 * history is what the aggregator sent as text, capped like a step's text. */
#define USSD_STATE_MAX 1024
#define USSD_HIST_MAX 512

struct ussd_session {
	char id[96];			/* Kannel: phone/its_session_info; HTTP: sessionId */
	char phone[20];			/* E.164 */
	char state[USSD_STATE_MAX];	/* menu_sess_encode() text */
	char hist[USSD_HIST_MAX];	/* HTTP: the *-joined inputs state stands for */
	bool ended;			/* an END screen was sent */
	long long updated_at;		/* unix seconds of the last step */
};

/* store_ussd_get copies session id into *out, or STORE_NONE. */
int store_ussd_get(struct store *s, const char *id, struct ussd_session *out);

/* store_ussd_put inserts or replaces the session by id. */
int store_ussd_put(struct store *s, const struct ussd_session *u);

/* store_ussd_dropped finds phone's latest session other than except_id that
 * was not ended and had a step at or after since (a dropped session still
 * worth continuing), or STORE_NONE. */
int store_ussd_dropped(struct store *s, const char *phone, const char *except_id,
    long long since, struct ussd_session *out);

/* store_ussd_forget deletes phone's sessions other than keep_id (called
 * when a new session starts, so the table holds about one row a phone). */
int store_ussd_forget(struct store *s, const char *phone, const char *keep_id);

#endif
