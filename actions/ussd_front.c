/*
 * ussd_front.c - one POST /ussd step on the HTTP thread (ussd_front.h).
 * The step itself is act_ussd_step (ussd.c), the same engine Kannel's USSD
 * runs in the committer; here its session comes from and goes back to the
 * in-memory table, and its reads go to the front's own connection.
 *
 * A finished command that writes is marked pending in the session (with
 * the step's id) before it is handed over, and the session is ended only
 * once the committer says it was committed. A restart that finds a mark
 * asks the inbox: committed, the session is over; not, it stays where it
 * was, to be resumed. So a sell answered END is a listing, and a session
 * is never offered to resume a command that already ran.
 */
#include "actions/ussd_front.h"
#include "actions/actions_int.h"
#include "storage/store.h"
#include "storage/ussd_mem.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ussd_done {
	struct command cmd;
	struct ussd_session row;	/* the session once the command ran */
};

struct ussd_front {
	struct actions *a;
	struct ussd_mem *t;
	struct ussd_entry e;		/* scratch: the step's session */
	struct command cmd;
	long long full_warned;		/* when "table full" was last logged */
};

struct ussd_front *
ussd_front_new(struct actions *a, struct ussd_mem *t)
{
	struct ussd_front *f = xcalloc(1, sizeof *f);

	f->a = a;
	f->t = t;
	a->read_txn = true;
	return f;
}

void
ussd_front_free(struct ussd_front *f)
{
	free(f);
}

void
ussd_done_free(struct ussd_done *d)
{
	free(d);
}

const char *
ussd_front_errmsg(const struct ussd_front *f)
{
	return store_errmsg(f->a->s);
}

int
ussd_front_sessions(const struct ussd_front *f)
{
	return ussd_mem_count(f->t);
}

/* keep writes the session back; a table full of live sessions only costs
 * this phone its resume offer and its retries from memory (the next step
 * replays the aggregator's history), so it is logged, not refused. */
static void
keep(struct ussd_front *f, const struct ussd_entry *e)
{
	long long now = act_now(f->a);

	/* no session to keep: the USSD menus are off (the step said so) */
	if (e->row.phone[0] == '\0')
		return;
	if (ussd_mem_put(f->t, e, now, act_ussd_timeout(f->a)) == STORE_OK)
		return;
	if (now - f->full_warned >= 60) {
		f->full_warned = now;
		fprintf(stderr, "ussd: session table full ([ussd] max_sessions): sessions "
		    "not kept in memory cannot be resumed\n");
	}
}

/* settle: a command marked pending by an earlier run of the daemon (or
 * still in the committer) was committed if the inbox has its step. */
static int
settle(struct ussd_front *f, struct ussd_entry *e)
{
	static _Thread_local char text[ACT_REPLY_MAX];
	int coding, rc;
	bool end;

	rc = store_inbox_reply(f->a->s, e->pending, e->row.phone, text, sizeof text, &coding, &end);
	if (rc == STORE_ERR)
		return -1;
	/* committed: the session is over (a retry of that step is answered
	 * from the inbox, through the committer); the screen kept is the
	 * step before's, no longer the last answer */
	if (rc == STORE_OK)
		e->row.ended = true;
	e->screen[0] = '\0';
	e->pending[0] = '\0';
	keep(f, e);
	return 0;
}

static enum ussd_front_rc
step(struct ussd_front *f, const struct mo *m, struct act_reply *r, struct ussd_done **done)
{
	struct ussd_entry *e = &f->e;
	bool have;
	int rc;

	rc = ussd_mem_get(f->t, m->phone, e);
	have = rc == STORE_OK;
	if (!have)
		memset(e, 0, sizeof *e);
	if (have && e->pending[0] != '\0' && settle(f, e) < 0)
		return USSD_FRONT_ERROR;
	/* a retried step: the answer it had (the aggregator resends when our
	 * answer was late or lost) */
	if (have && e->screen[0] != '\0' && strcmp(e->row.session, m->session) == 0 &&
	    strcmp(e->row.hist, m->text) == 0) {
		str_copy(r->text, sizeof r->text, e->screen);
		r->ussd_end = e->row.ended;
		str_copy(r->action, sizeof r->action, "USSD");
		return USSD_FRONT_ANSWERED;
	}
	str_copy(r->action, sizeof r->action, "USSD");
	{
		struct ussd_session row = e->row;

		rc = act_ussd_step(f->a, m, &row, have, r, &f->cmd);
		if (rc < 0)
			return USSD_FRONT_ERROR;
		/* a command that only reads is run here; should it need a write
		 * after all (GIA rebuilds its price window on a new day), the
		 * committer runs it */
		if (rc == 1 && act_ussd_reads_only(&f->cmd)) {
			struct command c = f->cmd;

			if (act_ussd_finish(f->a, m, &c, r) == 0)
				rc = 2;
			else
				memset(r, 0, sizeof *r);
		}
		if (rc == 1) {
			struct ussd_done *d = xcalloc(1, sizeof *d);

			d->cmd = f->cmd;
			d->row = row;
			/* the session stays where it was until the commit */
			if (!have) {
				str_copy(e->row.phone, sizeof e->row.phone, m->phone);
				str_copy(e->row.session, sizeof e->row.session, m->session);
				e->row.updated_at = row.updated_at;
				str_copy(e->row.state, sizeof e->row.state, "");
			}
			str_copy(e->pending, sizeof e->pending, m->kannel_id);
			keep(f, e);
			*done = d;
			return USSD_FRONT_COMMIT;
		}
		e->row = row;
	}
	str_copy(e->screen, sizeof e->screen, r->text);
	e->pending[0] = '\0';
	keep(f, e);
	return USSD_FRONT_ANSWERED;
}

enum ussd_front_rc
ussd_front_step(struct ussd_front *f, const struct mo *m, struct act_reply *r,
    struct ussd_done **done)
{
	enum ussd_front_rc rc;

	/* what the step may leave unset (not the 2 KB text: a step writes it) */
	r->text[0] = '\0';
	r->coding = 0;
	r->duplicate = false;
	r->action[0] = '\0';
	r->queued = 0;
	r->ussd_end = false;
	*done = NULL;
	actions_lexicon_hold();
	rc = step(f, m, r, done);
	/* the step's reads saw one snapshot; nothing to keep */
	if (f->a->in_read) {
		f->a->in_read = false;
		if (store_commit(f->a->s) != STORE_OK && rc != USSD_FRONT_ERROR)
			rc = USSD_FRONT_ERROR;
	}
	actions_lexicon_release();
	return rc;
}

void
ussd_front_committed(struct ussd_front *f, const struct mo *m, const struct act_reply *r, int rc)
{
	struct ussd_entry *e = &f->e;

	if (m->ussd_done == NULL || ussd_mem_get(f->t, m->phone, e) != STORE_OK ||
	    strcmp(e->row.session, m->session) != 0 || strcmp(e->pending, m->kannel_id) != 0)
		return;
	if (rc == 0) {
		e->row = m->ussd_done->row;
		str_copy(e->screen, sizeof e->screen, r->text);
	}
	e->pending[0] = '\0';
	keep(f, e);
}

int
act_ussd_done(struct actions *a, const struct mo *m, struct act_reply *r)
{
	struct command c = m->ussd_done->cmd;

	return act_ussd_finish(a, m, &c, r);
}
