/*
 * POST /ussd through the front (actions/ussd_front.c), as the HTTP thread
 * runs it: its own read-only connection and the in-memory sessions, with
 * the committer's part (a finished command that writes) run by
 * actions_handle_mo on the fixture's context, as gateway/committer.c does.
 * A restart is the table closed and opened again on its file.
 */
#include "tests/t.h"
#include "tests/fixture.h"
#include "actions/ussd_front.h"
#include "storage/ussd_mem.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct store *front_store;
static struct actions *front_act;
static struct ussd_mem *table;
static struct ussd_front *front;

static long long
clock_now(void)
{
	return FX.now;
}

/* start_front: the front as langso serve makes it (a restart when called
 * again: the table is read back from its file) */
static void
start_front(int capacity)
{
	char p[512], err[256];
	struct actions_conf ac = {.max_segments = 3, .session_timeout = 120, .sender = "8055",
	    .broadcast_end_min = 24 * 60, .menus = FX.menus};

	if (front != NULL) {
		ussd_front_free(front);
		actions_free(front_act);
		ussd_mem_close(table);
		store_close(front_store);
	}
	snprintf(p, sizeof p, "%s/sessions", t_tmpdir());
	table = ussd_mem_open(p, capacity, err, sizeof err);
	T_ASSERTF(table != NULL, "%s", err);
	/* fx_open's database (each case runs in a process of its own) */
	snprintf(p, sizeof p, "%s/langso1.db", t_tmpdir());
	front_store = store_open(p, err, sizeof err);
	T_ASSERTF(front_store != NULL, "%s", err);
	T_ASSERT(store_set_query_only(front_store) == STORE_OK);
	front_act = actions_new(front_store, FX.p, &ac);
	actions_set_clock(front_act, clock_now);
	front = ussd_front_new(front_act, table);
}

static void
setup(int capacity)
{
	struct actions_conf ac = {.max_segments = 3, .broadcast_start_min = 0,
	    .broadcast_end_min = 24 * 60, .session_timeout = 120, .sender = "8055"};

	FX.now = 1800000000;
	fx_open(&ac);
	fx_village("LD02", "Lăng Đồn", "Chi Lăng");
	fx_person("+84912000001", "Hoàng Văn Châu", "LD02", "household");
	fx_person("+84912000002", "Nông Thị Hoa", "LD02", "household");
	start_front(capacity);
}

/* the last step's answer, and how it was answered */
static struct act_reply R;
static enum ussd_front_rc RC;
static int commits;

/* step: one POST /ussd step; a step the front hands over is committed at
 * once (unless kill is set: the daemon dies before the commit) */
static const char *
step_ex(const char *phone, const char *sid, const char *text, bool commit, bool tell)
{
	static char id[160];
	struct ussd_done *done = NULL;
	struct mo m = {0};

	snprintf(id, sizeof id, "ussd:%s:%s:%s", phone, sid, text);
	m.channel = MO_USSD_HTTP;
	m.session = sid;
	m.kannel_id = id;
	m.phone = phone;
	m.to = "";
	m.text = text;
	m.text_len = strlen(text);
	m.raw = text;
	m.raw_len = strlen(text);
	m.smsc = "ussd-http";
	RC = ussd_front_step(front, &m, &R, &done);
	T_ASSERTF(RC != USSD_FRONT_ERROR, "front failed: %s", ussd_front_errmsg(front));
	if (RC == USSD_FRONT_COMMIT) {
		T_ASSERT(done != NULL);
		m.ussd_done = done;
		if (commit) {
			T_ASSERT(actions_handle_mo(FX.a, &m, &R) == 0);
			commits++;
			if (tell)
				ussd_front_committed(front, &m, &R, 0);
		}
		ussd_done_free(done);
	}
	T_ASSERTF(strlen(R.text) <= 160, "screen: %s", R.text);
	return R.text;
}

static const char *
step(const char *phone, const char *sid, const char *text)
{
	return step_ex(phone, sid, text, true, true);
}

#define PH "+84912000001"
#define SELL "1*1*1*50*30000*1"	/* Na, kg, 50, 30000 d, confirm */

static long long
count(const char *sql)
{
	return fx_query_int(FX.s, sql);
}

/* to_confirm: session S1 of PH through the sell menus to the confirm
 * screen of 50 kg of Na at 30.000d (its answer in R) */
static void
to_confirm(void)
{
	static const char *const steps[] = {"", "1", "1*1", "1*1*1", "1*1*1*50",
	    "1*1*1*50*30000"};

	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		step(PH, "S1", steps[i]);
	T_ASSERTF(strstr(R.text, "Dang tin ban Na 50 kg") != NULL, "%s", R.text);
}

static void
test_navigation_writes_nothing(void)
{
	setup(64);
	T_ASSERT(strstr(step(PH, "S1", ""), "Lang So") != NULL);
	T_ASSERT(RC == USSD_FRONT_ANSWERED && !R.ussd_end);
	T_ASSERT(strstr(step(PH, "S1", "1"), "Ban mat hang nao?") != NULL);
	T_ASSERT(strstr(step(PH, "S1", "1*1"), "ban theo don vi nao?") != NULL);
	T_ASSERT(strstr(step(PH, "S1", "1*1*0"), "Ban mat hang nao?") != NULL);	/* back */
	T_ASSERT(strstr(step(PH, "S1", "1*1*0*0"), "Lang So") != NULL);
	T_ASSERT(strstr(step(PH, "S1", "1*1*0*0*0"), "Tam biet") != NULL && R.ussd_end);
	T_ASSERT(commits == 0);
	T_ASSERT(count("select count(*) from inbox") == 0);
	T_ASSERT(count("select count(*) from ussd_sessions") == 0);
	T_ASSERT(ussd_front_sessions(front) == 1);
}

static void
test_a_retried_step_gets_the_same_answer(void)
{
	char first[400];

	setup(64);
	step(PH, "S1", "");
	step(PH, "S1", "1");
	snprintf(first, sizeof first, "%s", step(PH, "S1", "1*1"));
	T_STREQ(step(PH, "S1", "1*1"), first);
	T_ASSERT(RC == USSD_FRONT_ANSWERED);
	/* and the session goes on from there, not one step further */
	T_ASSERT(strstr(step(PH, "S1", "1*1*1"), "Ban bao nhieu kg Na?") != NULL);
}

static void
test_a_sell_is_committed_once_and_its_retry_answered_the_same(void)
{
	char end[400];

	setup(64);
	to_confirm();
	T_ASSERT(count("select count(*) from listings") == 0);
	snprintf(end, sizeof end, "%s", step(PH, "S1", SELL));
	T_ASSERT(RC == USSD_FRONT_COMMIT && R.ussd_end);
	T_ASSERTF(strncmp(end, "Da dang tin #1", 14) == 0, "%s", end);
	T_ASSERT(count("select count(*) from listings") == 1);
	/* the aggregator's retry: from memory, nothing run again */
	T_STREQ(step(PH, "S1", SELL), end);
	T_ASSERT(RC == USSD_FRONT_ANSWERED && R.ussd_end);
	T_ASSERT(commits == 1);
	T_ASSERT(count("select count(*) from listings") == 1);
	T_ASSERT(count("select count(*) from inbox") == 1);
	/* the session is over: a new one starts at home */
	T_ASSERT(strstr(step(PH, "S2", ""), "Lang So") != NULL);
}

/* the committer committed the sell, then langso was killed before the
 * HTTP thread heard of it: after the restart the session is over, and
 * the aggregator's retry is answered from the inbox */
static void
test_a_sell_committed_before_a_kill_is_not_offered_again(void)
{
	char end[400];

	setup(64);
	to_confirm();
	snprintf(end, sizeof end, "%s", step_ex(PH, "S1", SELL, true, false));
	T_ASSERTF(strncmp(end, "Da dang tin #1", 14) == 0, "%s", end);
	start_front(64);	/* kill -9, restart */
	T_ASSERT(strstr(step(PH, "S2", ""), "Lang So") != NULL);
	T_ASSERT(strstr(R.text, "Tiep tuc?") == NULL);
	T_STREQ(step(PH, "S1", SELL), end);
	T_ASSERT(RC == USSD_FRONT_COMMIT);	/* to the committer: the inbox has it */
	T_ASSERT(count("select count(*) from listings") == 1);
}

/* killed before the commit: no listing, and the dropped session is
 * offered to resume at its confirm screen */
static void
test_a_sell_not_committed_before_a_kill_is_offered_to_resume(void)
{
	setup(64);
	to_confirm();
	step_ex(PH, "S1", SELL, false, false);
	T_ASSERT(RC == USSD_FRONT_COMMIT);
	start_front(64);
	T_ASSERT(count("select count(*) from listings") == 0);
	T_ASSERT(strstr(step(PH, "S2", ""), "Tiep tuc?") != NULL);
	T_ASSERT(strstr(step(PH, "S2", "1"), "Dang tin ban Na 50 kg") != NULL);
	T_ASSERT(strncmp(step(PH, "S2", "1*1"), "Da dang tin #1", 14) == 0);
	T_ASSERT(count("select count(*) from listings") == 1);
}

static void
test_a_dropped_session_survives_a_restart_until_its_timeout(void)
{
	setup(64);
	step(PH, "S1", "");
	step(PH, "S1", "1");
	step(PH, "S1", "1*1");
	start_front(64);
	T_ASSERT(ussd_front_sessions(front) == 1);
	T_ASSERT(strstr(step(PH, "S2", ""), "Tiep tuc?") != NULL);
	T_ASSERT(strstr(step(PH, "S2", "1"), "ban theo don vi nao?") != NULL);
	/* dropped again; 121 s later it is over */
	FX.now += 121;
	T_ASSERT(strstr(step(PH, "S3", ""), "Lang So") != NULL);
	T_ASSERT(strstr(R.text, "Tiep tuc?") == NULL);
}

static void
test_prices_are_read_on_the_front(void)
{
	setup(64);
	T_ASSERT(strncmp(fx_sms("+84912000002", "BAN NA 50KG 30000"), "Da dang tin", 11) == 0);
	step(PH, "S1", "");
	step(PH, "S1", "2");
	T_ASSERT(strstr(step(PH, "S1", "2*1"), "Gia Na") != NULL);
	T_ASSERT(R.ussd_end);
	/* answered there after the window was built by the first GIA, or
	 * handed over when it had to be built: either way one answer */
	step(PH, "S2", "");
	step(PH, "S2", "2");
	T_ASSERT(strstr(step(PH, "S2", "2*1"), "Gia Na") != NULL);
	T_ASSERT(RC == USSD_FRONT_ANSWERED);
	T_ASSERT(count("select count(*) from inbox where smsc = 'ussd-http'") <= 1);
}

/* listings are read on the front: the buyer sees the seller's listing */
static void
test_search_shows_listings_from_the_front(void)
{
	setup(64);
	T_ASSERT(strncmp(fx_sms("+84912000002", "BAN NA 50KG 30000"), "Da dang tin", 11) == 0);
	step(PH, "S1", "");
	step(PH, "S1", "3");
	step(PH, "S1", "3*1");
	T_ASSERT(strstr(step(PH, "S1", "3*1*1"), "#1 50kg 30k") != NULL);
	T_ASSERT(RC == USSD_FRONT_ANSWERED);
	T_ASSERT(count("select count(*) from inbox where smsc = 'ussd-http'") == 0);
}

/* more live sessions than the table holds: the others are still served
 * (from the aggregator's history), only not kept */
static void
test_a_full_table_still_answers(void)
{
	setup(1);
	step(PH, "S1", "");
	step(PH, "S1", "1");
	T_ASSERT(strstr(step("+84912000002", "T1", ""), "Lang So") != NULL);
	T_ASSERT(strstr(step("+84912000002", "T1", "1"), "Ban mat hang nao?") != NULL);
	T_ASSERT(strstr(step("+84912000002", "T1", "1*1"), "ban theo don vi nao?") != NULL);
	T_ASSERT(ussd_front_sessions(front) == 1);
	T_ASSERT(strstr(step(PH, "S1", "1*1"), "ban theo don vi nao?") != NULL);
}

static const struct t_case cases[] = {
	{"navigation_writes_nothing", test_navigation_writes_nothing},
	{"a_retried_step_gets_the_same_answer", test_a_retried_step_gets_the_same_answer},
	{"a_sell_is_committed_once_and_its_retry_answered_the_same",
	    test_a_sell_is_committed_once_and_its_retry_answered_the_same},
	{"a_sell_committed_before_a_kill_is_not_offered_again",
	    test_a_sell_committed_before_a_kill_is_not_offered_again},
	{"a_sell_not_committed_before_a_kill_is_offered_to_resume",
	    test_a_sell_not_committed_before_a_kill_is_offered_to_resume},
	{"a_dropped_session_survives_a_restart_until_its_timeout",
	    test_a_dropped_session_survives_a_restart_until_its_timeout},
	{"prices_are_read_on_the_front", test_prices_are_read_on_the_front},
	{"search_shows_listings_from_the_front", test_search_shows_listings_from_the_front},
	{"a_full_table_still_answers", test_a_full_table_still_answers},
	{NULL, NULL},
};

int
main(int argc, char **argv)
{
	return t_main(argc, argv, cases);
}
