/*
 * actions.c - one MO, one transaction: look the Kannel id up (a retry gets
 * the first reply and changes nothing), parse, run the action, store the
 * message with its reply, commit. The action table maps each parsed action
 * to the function that carries it out.
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The dispatch, from parser/commands.def: a row whose action function is
 * missing does not link, so no command is ever answered "not yet". */
static const act_fn table[CMD__COUNT] = {
#define CMD(id, json, reader, action, ...) [CMD_##id] = action,
#include "parser/commands.def"
#undef CMD
};

struct actions *
actions_new(struct store *s, const struct parser *p, const struct actions_conf *conf)
{
	struct actions *a = xcalloc(1, sizeof *a);

	a->s = s;
	a->p = p;
	a->conf = *conf;
	if (a->conf.max_segments < 1)
		a->conf.max_segments = 1;
	act_context_add(a);
	return a;
}

void
actions_free(struct actions *a)
{
	if (a == NULL)
		return;
	act_context_remove(a);
	free(a);
}

void
act_reply_finish(const struct actions *a, struct act_reply *r)
{
	enum sms_coding coding;

	if (!a->conf.reply_diacritics) {
		char plain[ACT_REPLY_MAX];

		if (text_strip_diacritics(r->text, plain, sizeof plain) == 0)
			memcpy(r->text, plain, strlen(plain) + 1);
	}
	coding = sms_coding_of(r->text);
	text_fit(r->text, sizeof r->text, sms_max_length(a->conf.max_segments, coding), coding);
	r->coding = (int)coding;
}

static act_fn
action_fn(const struct command *c)
{
	if (c->error[0] != '\0')
		return NULL;	/* answered with the syntax */
	if ((int)c->action < 0 || c->action >= CMD__COUNT)
		return act_unknown;
	return table[c->action];
}

/* handle_one runs one message inside the caller's transaction. */
static int
handle_one(struct actions *a, const struct mo *m, struct act_reply *r)
{
	struct inbox_msg in;
	act_fn fn;
	int rc;

	memset(r, 0, sizeof *r);
	rc = store_inbox_reply(a->s, m->kannel_id, m->phone, r->text, sizeof r->text, &r->coding, &r->ussd_end);
	if (rc == STORE_OK) {
		r->duplicate = true;
		snprintf(r->action, sizeof r->action, "duplicate");
		return 0;
	}
	if (rc != STORE_NONE)
		return -1;
	if (m->ussd_done != NULL) {
		if (act_ussd_done(a, m, r) < 0)
			return -1;
	} else if (m->channel != MO_SMS) {
		snprintf(r->action, sizeof r->action, "USSD");
		if (act_ussd(a, m, r) < 0)
			return -1;
	} else {
		parser_parse(a->p, m->text, m->text_len, &a->cmd);
		snprintf(r->action, sizeof r->action, "%s", cmd_action_name(a->cmd.action));
		fn = action_fn(&a->cmd);
		if (fn == NULL)
			act_syntax_reply(&a->cmd, r);
		else if (a->cmd.for_phone[0] != '\0' ? act_for(a, m, &a->cmd, r) < 0 :
		    fn(a, m, &a->cmd, r) < 0)
			return -1;
		act_reply_finish(a, r);
	}

	memset(&in, 0, sizeof in);
	snprintf(in.kannel_id, sizeof in.kannel_id, "%s", m->kannel_id);
	snprintf(in.phone, sizeof in.phone, "%s", m->phone);
	snprintf(in.to, sizeof in.to, "%s", m->to ? m->to : "");
	snprintf(in.smsc, sizeof in.smsc, "%s", m->smsc ? m->smsc : "");
	in.raw = m->raw;
	in.raw_len = m->raw_len;
	in.text = m->text;
	in.coding = m->coding;
	in.action = r->action;
	in.reply = r->text;
	in.reply_coding = r->coding;
	in.ussd_end = r->ussd_end;
	return store_inbox_add(a->s, &in) == STORE_OK ? 0 : -1;
}

static int
handle_batch(struct actions *a, const struct mo *const *m, struct act_reply *const *r, int n)
{
	if (store_begin(a->s) != STORE_OK)
		return -1;
	for (int i = 0; i < n; i++)
		if (handle_one(a, m[i], r[i]) < 0) {
			store_rollback(a->s);
			return -1;
		}
	if (store_commit(a->s) != STORE_OK) {
		store_rollback(a->s);
		return -1;
	}
	return 0;
}

int
actions_handle_batch(struct actions *a, const struct mo *const *m, struct act_reply *const *r, int n)
{
	int rc;

	actions_lexicon_hold();
	rc = handle_batch(a, m, r, n);
	actions_lexicon_release();
	return rc;
}

int
actions_handle_mo(struct actions *a, const struct mo *m, struct act_reply *r)
{
	return actions_handle_batch(a, &m, &r, 1);
}

/*
 * act_run_command runs a command that did not come from the parser (a
 * finished USSD menu) through the same action table as an SMS. The reply is
 * left as the action wrote it (with diacritics); the caller fits it. 0, or
 * -1 on a database error.
 */
int
act_run_command(struct actions *a, const struct mo *m, const struct command *c,
    struct act_reply *r)
{
	act_fn fn = action_fn(c);

	if (fn == NULL) {
		act_syntax_reply(c, r);
		return 0;
	}
	/* a menu's "Giup ho khac", or HO's own run (then actor is set) */
	if (c->for_phone[0] != '\0' && a->actor[0] == '\0')
		return act_for(a, m, c, r);
	return fn(a, m, c, r);
}
