/*
 * ussd_front.h - POST /ussd answered on the HTTP thread (issue 14). The
 * sessions live in memory (storage/ussd_mem.h); a step that only moves
 * through the menus is answered from there without a transaction, a step
 * that shows data (listings, prices, orders) reads the database on the
 * front's own read-only connection, and only a step that finishes a
 * command that writes (sell, order, accept, register, ...) goes to the
 * committer, to be answered after its commit, as an SMS is.
 */
#ifndef LANGSO_USSD_FRONT_H
#define LANGSO_USSD_FRONT_H

#include "actions/actions.h"

struct ussd_front;
struct ussd_mem;

/* ussd_front_new: a is a context of the front's own, on a connection
 * that only reads (store_set_query_only), t the session table; both
 * borrowed, both used only by the thread that calls ussd_front_step and
 * ussd_front_committed. */
struct ussd_front *ussd_front_new(struct actions *a, struct ussd_mem *t);
void ussd_front_free(struct ussd_front *f);

enum ussd_front_rc {
	USSD_FRONT_ERROR = -1,		/* a database read failed: 503, retry */
	USSD_FRONT_ANSWERED = 0,	/* *r is the screen (r->ussd_end: END) */
	USSD_FRONT_COMMIT,		/* *done is set: hand m, with m->ussd_done
					 * = *done, to the committer */
};

/* ussd_front_step answers one step of POST /ussd (m->channel is
 * MO_USSD_HTTP, m->kannel_id the step's id). A step repeated (same phone,
 * session and history) is answered as it was the first time. */
enum ussd_front_rc ussd_front_step(struct ussd_front *f, const struct mo *m,
    struct act_reply *r, struct ussd_done **done);

/* ussd_front_committed tells the front how the committer ran m (rc 0:
 * committed, r its answer; else not), so that the session is ended or
 * left where it was. */
void ussd_front_committed(struct ussd_front *f, const struct mo *m, const struct act_reply *r,
    int rc);

void ussd_done_free(struct ussd_done *d);

/* ussd_front_errmsg: why the last USSD_FRONT_ERROR happened. */
const char *ussd_front_errmsg(const struct ussd_front *f);

/* ussd_front_sessions: sessions held in memory (for /metrics). */
int ussd_front_sessions(const struct ussd_front *f);

#endif
