/*
 * ussd_mem.h - the USSD sessions of POST /ussd, in memory (issue 14): a
 * bounded table keyed by phone (one session per phone, as in
 * ussd_sessions), read and written on the HTTP thread without a
 * transaction. The table is a shared mapping of a file, so whatever was
 * written to it outlives the process: after a crash or kill -9 the next
 * start finds every session as its last answered step left it, and a
 * dropped one is offered to resume. The kernel writes the pages behind;
 * nothing on a step's path waits for a disk. A power cut may lose the
 * last seconds of it (sessions, never commands: those are committed).
 *
 * Each slot holds two copies of its session; a write goes to the older
 * one, checksummed, so a write cut by a kill leaves the previous state
 * readable. One thread uses a table at a time (the HTTP thread).
 */
#ifndef LANGSO_USSD_MEM_H
#define LANGSO_USSD_MEM_H

#include "storage/store.h"

#include <stdbool.h>
#include <stddef.h>

/* one session as the front keeps it: the stored row of ussd_sessions and
 * what makes a retried step cheap and a finished command safe */
/* a screen of 160 characters, some of them two bytes in UTF-8 */
#define USSD_SCREEN_MAX 384

struct ussd_entry {
	struct ussd_session row;	/* phone, session, state, hist, ended, updated_at */
	char screen[USSD_SCREEN_MAX];	/* the answer given to row.hist ("" none) */
	char pending[64];		/* the step id of a command sent to be
					 * committed, "" none: after a restart the
					 * inbox says whether it was */
};

struct ussd_mem;

/* ussd_mem_open maps path (created, or grown to capacity slots) and reads
 * back every session it holds. NULL with the reason in err. */
struct ussd_mem *ussd_mem_open(const char *path, int capacity, char *err, size_t errlen);
void ussd_mem_close(struct ussd_mem *t);

/* ussd_mem_get copies phone's session into *out: STORE_OK, or STORE_NONE. */
int ussd_mem_get(struct ussd_mem *t, const char *phone, struct ussd_entry *out);

/* ussd_mem_put writes e (keyed by e->row.phone), in place of the phone's
 * session or in a free slot; when every slot is taken, in the slot of an
 * ended session or of one silent for longer than timeout seconds at now.
 * STORE_OK, or STORE_ERR when the table is full of live sessions (or e
 * does not fit a slot): the caller keeps the session elsewhere. */
int ussd_mem_put(struct ussd_mem *t, const struct ussd_entry *e, long long now,
    long long timeout);

/* ussd_mem_count: sessions in the table. */
int ussd_mem_count(const struct ussd_mem *t);

#endif
