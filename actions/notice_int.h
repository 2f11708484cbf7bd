/*
 * notice_int.h - a notice's path to the phones (actions/broadcast.c), shared
 * by TB over SMS and the web console's compose page (actions/console_*.c).
 * Not for use outside actions/.
 */
#ifndef LANGSO_NOTICE_INT_H
#define LANGSO_NOTICE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/parser.h"

struct actions;

/* A notice's whole text: the prefix (under 320 bytes: "[KHAN][TB xã <commune>
 * > <village>] ", names under 128 bytes) plus what the sender typed, which is
 * at most one concatenated SMS (see CMD_TEXT_MAX): nothing is ever cut. */
#define ACT_NOTICE_MAX (CMD_TEXT_MAX + 512)

/* What a notice is (or would be): as the phones get it, and its fate. */
struct act_notice {
	char text[ACT_NOTICE_MAX];	/* prefix included, as sent */
	char label[200];		/* "thôn Lăng Đồn" / "xã Chi Lăng" */
	int coding;			/* 0 GSM-7, 2 UCS-2 */
	int parts;			/* SMS parts */
	size_t chars, max_chars;	/* the sender's text, and its room */
	bool too_long;			/* nothing was queued */
	long long send_at;		/* now, or when quiet hours end */
	long long id;			/* the broadcast (0: none recorded) */
	long long recipients;		/* outbox rows queued */
	long long opted_out;		/* households left out for NGUNG */
};

struct act_console_notice_req {
	const char *village_code;	/* the village, or a village of the commune ... */
	bool whole_commune;		/* ... when the notice goes to all of it */
	const char *text;		/* what the user typed, UTF-8 */
	bool urgent;
	bool dry_run;			/* preview: nothing recorded */
	long long user_id;		/* the console user, recorded as the sender */
	const char *login;
};

/* act_console_notice composes (and unless dry_run queues) a console
 * notice. 0 with *o filled, 1 for an unknown village, -1 on a database
 * error. The caller holds the transaction and checked the user's rights. */
int act_console_notice(struct actions *a, const struct act_console_notice_req *q,
    struct act_notice *o);

#endif
