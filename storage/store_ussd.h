/*
 * store_ussd.h - USSD sessions (issue 6): one row per phone (a phone runs
 * one USSD session at a time) with the menu state its next step continues
 * from, so a new session of the same phone also finds the one it dropped.
 * Included by store.h; implemented in storage/ussd.c. Same conventions as
 * store.h (STORE_OK/ERR/NONE).
 */
#ifndef LANGSO_STORE_USSD_H
#define LANGSO_STORE_USSD_H

/* USSD_STATE_MAX holds an encoded menus/ session (MENU_STATE_MAX); the HTTP
 * history is what the aggregator sent as text, capped like a step's text. */
#define USSD_STATE_MAX 1024
#define USSD_HIST_MAX 512

struct ussd_session {
	char phone[20];			/* E.164; the key */
	char session[96];		/* Kannel: phone/its_session_info; HTTP: sessionId */
	char state[USSD_STATE_MAX];	/* menu_sess_encode() text */
	char hist[USSD_HIST_MAX];	/* HTTP: the *-joined inputs state stands for */
	bool ended;			/* an END screen was sent */
	long long updated_at;		/* unix seconds of the last step */
};

/* store_ussd_get copies phone's latest session into *out, or STORE_NONE. */
int store_ussd_get(struct store *s, const char *phone, struct ussd_session *out);

/* store_ussd_put inserts or replaces phone's session (one statement, in the
 * caller's transaction: the step's inbox row and its state go together). */
int store_ussd_put(struct store *s, const struct ussd_session *u);

#endif
