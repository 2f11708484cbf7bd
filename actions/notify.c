/*
 * notify.c - messages langso originates (order news, alerts, broadcasts)
 * go into the outbox from here, shaped like replies; and the clock and
 * daily windows (quiet hours) every action reads.
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

long long
act_now(const struct actions *a)
{
	return a->clock ? a->clock() : (long long)time(NULL);
}

void
actions_set_clock(struct actions *a, long long (*clock)(void))
{
	a->clock = clock;
}

long long
act_next_allowed(const struct actions *a, int start_min, int end_min)
{
	long long now = act_now(a);
	time_t t = (time_t)now;
	struct tm tm;
	int min, wait;

	localtime_r(&t, &tm);
	min = tm.tm_hour * 60 + tm.tm_min;
	/* a window may run over midnight (22:00-06:00) */
	if (start_min <= end_min ? (min >= start_min && min < end_min)
	    : (min >= start_min || min < end_min))
		return now;
	wait = start_min - min;
	if (wait <= 0)
		wait += 24 * 60;
	return now + (long long)wait * 60 - tm.tm_sec;
}

int
act_notify(struct actions *a, struct act_reply *r, const char *phone, const char *text,
    int priority, long long not_before)
{
	struct act_reply *msg = xmalloc(sizeof *msg);
	struct outbox_new m;
	long long id;
	int rc;

	memset(&m, 0, sizeof m);
	str_copy(msg->text, sizeof msg->text, text);
	act_reply_finish(a, msg);
	snprintf(m.phone, sizeof m.phone, "%s", phone);
	m.text = msg->text;
	m.coding = msg->coding;
	m.priority = priority;
	m.not_before = not_before;
	rc = store_outbox_add(a->s, &m, &id) == STORE_OK ? 0 : -1;
	free(msg);
	if (rc == 0 && r != NULL)
		r->queued++;
	return rc;
}

static int
tick(struct actions *a)
{
	int queued, digests = 0;

	if (store_begin(a->s) != STORE_OK)
		return -1;
	/* duties are added here by the features that need time to pass */
	if ((queued = mk_expire_orders(a)) < 0 || (digests = mk_send_digests(a)) < 0) {
		store_rollback(a->s);
		return -1;
	}
	queued += digests;
	if (store_commit(a->s) != STORE_OK) {
		store_rollback(a->s);
		return -1;
	}
	return queued;
}

int
actions_tick(struct actions *a)
{
	int rc;

	actions_lexicon_hold();
	rc = tick(a);
	actions_lexicon_release();
	return rc;
}
