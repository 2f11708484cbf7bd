/*
 * team.c - community tech teams (commands.md §7): HO <phone> <command>, a
 * helper, village head or commune official acting for a household of the
 * villages their role covers. The command runs as the household's own (it
 * is the seller, its phone gets the confirmation saying who acted and can
 * undo it); the helper gets the echo; storage records who acted. Not the
 * commands themselves: SUA is in listing.c, GIAO in order.c.
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

/* role_words: a role as the household reads it ("Tổ công nghệ số") */
static const char *
role_words(const char *role, bool capital, char *out, size_t len)
{
	if (strcmp(role, "head") == 0)
		rpl_role_head(out, len);
	else if (strcmp(role, "official") == 0)
		rpl_role_official(out, len);
	else
		rpl_role_helper(out, len);
	/* it starts the notice: a capital first letter (all are ASCII there) */
	if (capital && out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return out;
}

static bool
is_team_role(const char *role)
{
	return strcmp(role, "helper") == 0 || strcmp(role, "head") == 0 ||
	    strcmp(role, "official") == 0;
}

/* Who acts and for whom, as act_for checks them. */
struct team_ctx {
	struct person actor, target;
	struct market_who actor_at, target_at;
	bool target_known;
	char who[24];			/* the household, masked */
	char phone[24];			/* the household, national */
	char role[64];			/* the actor's role in words */
	enum { T_OK, T_NOT_ALLOWED, T_SELF, T_TARGET_ROLE, T_NOT_REGISTERED, T_OTHER_PLACE } why;
};

/*
 * covers: the actor's role reaches village (village_id, commune_id): a
 * helper or head their own village, an official their commune.
 */
static bool
covers(const struct team_ctx *t, long long village_id, long long commune_id)
{
	if (strcmp(t->actor.role, "official") == 0)
		return t->actor_at.commune_id != 0 && commune_id == t->actor_at.commune_id;
	return t->actor_at.village_id != 0 && village_id == t->actor_at.village_id;
}

/* load_ctx: 0 when the sender may act for c->for_phone; 1 when the reply
 * says why not; -1 on a database error. */
static int
load_ctx(struct actions *a, const struct mo *m, const struct command *c, struct team_ctx *t,
    struct act_reply *r)
{
	int rc = store_person_by_phone(a->s, m->phone, &t->actor);

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE || !is_team_role(t->actor.role)) {
		t->why = T_NOT_ALLOWED;
		rpl_team_not_allowed(RPL_TO(r));
		return 1;
	}
	role_words(t->actor.role, true, t->role, sizeof t->role);
	if (store_market_who(a->s, m->phone, &t->actor_at) == STORE_ERR)
		return -1;
	if (t->actor_at.village_id == 0 && strcmp(t->actor.role, "official") != 0) {
		char role[64];

		t->why = T_NOT_ALLOWED;
		rpl_team_no_village(RPL_TO(r), role_words(t->actor.role, false, role, sizeof role));
		return 1;
	}
	if (strcmp(c->for_phone, m->phone) == 0) {
		t->why = T_SELF;
		rpl_team_self(RPL_TO(r));
		return 1;
	}
	phone_mask(c->for_phone, t->who, sizeof t->who);
	phone_national(c->for_phone, t->phone, sizeof t->phone);
	rc = store_person_by_phone(a->s, c->for_phone, &t->target);
	if (rc == STORE_ERR)
		return -1;
	t->target_known = rc == STORE_OK;
	if (t->target_known && store_market_who(a->s, c->for_phone, &t->target_at) == STORE_ERR)
		return -1;
	return 0;
}

/* target_ok: the household is registered in a village the actor covers */
static int
target_ok(struct team_ctx *t, struct act_reply *r)
{
	char role[64];

	if (t->target_known && is_team_role(t->target.role)) {
		t->why = T_TARGET_ROLE;
		rpl_team_target_role(RPL_TO(r), t->who, role_words(t->target.role, false, role, sizeof role));
		return 1;
	}
	if (!t->target_known || t->target_at.village_id == 0) {
		t->why = T_NOT_REGISTERED;
		rpl_team_not_registered(RPL_TO(r), t->who, t->phone);
		return 1;
	}
	if (covers(t, t->target_at.village_id, t->target_at.commune_id))
		return 0;
	t->why = T_OTHER_PLACE;
	if (strcmp(t->actor.role, "official") == 0)
		rpl_team_other_commune(RPL_TO(r), t->who, t->target_at.commune, t->actor_at.commune);
	else
		rpl_team_other_village(RPL_TO(r), t->who, t->target_at.village, t->actor_at.village);
	return 1;
}

/* ---- HO <phone> DK <name> ---- */

static int
register_for(struct actions *a, const struct mo *m, const struct command *c,
    struct team_ctx *t, struct act_reply *r)
{
	struct village v;
	struct person p;
	const char *code = c->village[0] ? c->village : t->actor.village_code;
	const char *typed = c->village[0] ? c->name : c->text;
	char text[ACT_REPLY_MAX], me[24];
	long long village_id = 0, commune_id = 0;
	bool changed = false;
	int rc;
	if (t->target_known && is_team_role(t->target.role)) {
		char role[64];

		rpl_team_target_role(RPL_TO(r), t->who, role_words(t->target.role, false, role, sizeof role));
		return 0;
	}
	if (t->target_known && t->target_at.village_id != 0) {
		rpl_team_reg_taken(RPL_TO(r), t->who, t->target_at.village, t->target_at.commune);
		return 0;
	}
	if (code[0] == '\0') {			/* an official names the village */
		rpl_team_reg_need_village(RPL_TO(r), t->phone);
		return 0;
	}
	rc = store_village_by_code(a->s, code, &v);
	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE) {
		rpl_reg_no_village(RPL_TO(r), code);
		return 0;
	}
	if (store_market_anchor(a->s, v.code, &village_id, &commune_id) == STORE_ERR)
		return -1;
	if (!covers(t, village_id, commune_id)) {
		rpl_team_reg_village_other(RPL_TO(r), v.code);
		return 0;
	}
	if (typed[0] == '\0') {
		rpl_reg_missing_name(RPL_TO(r), v.code);
		return 0;
	}
	memset(&p, 0, sizeof p);
	str_copy(p.phone, sizeof p.phone, c->for_phone);
	act_name_case(typed, p.name, sizeof p.name);
	str_copy(p.village_code, sizeof p.village_code, v.code);
	str_copy(p.role, sizeof p.role, "household");
	if (store_person_upsert(a->s, &p, &changed) != STORE_OK ||
	    store_team_registered_by(a->s, p.phone, m->phone) != STORE_OK)
		return -1;
	phone_mask(m->phone, me, sizeof me);
	rpl_team_reg_told(text, sizeof text, t->role, me, p.name, v.name, v.commune);
	if (act_notify(a, r, p.phone, text, OUTBOX_PRIO_NOTIFY, 0) < 0)
		return -1;
	rpl_team_reg_done(RPL_TO(r), t->who, p.name, v.name, v.commune);
	return 0;
}

/* ---- everything else: the household's own command ---- */

static int
run_for(struct actions *a, const struct mo *m, const struct command *c, struct team_ctx *t,
    struct act_reply *r)
{
	struct act_reply *hr = xcalloc(1, sizeof *hr);
	struct mo as = *m;
	char me[24], *text = xmalloc(ACT_REPLY_MAX);
	long long before = store_changes(a->s);
	int rc;

	as.phone = c->for_phone;
	str_copy(a->actor, sizeof a->actor, m->phone);
	rc = act_run_command(a, &as, c, hr);
	a->actor[0] = '\0';
	r->queued += hr->queued;
	/* the household hears of what changed for it; a refusal or TT changed
	 * nothing and is only the helper's */
	if (rc == 0 && store_changes(a->s) != before && c->action != CMD_STATUS) {
		phone_mask(m->phone, me, sizeof me);
		rpl_team_told(text, ACT_REPLY_MAX, t->role, me, hr->text);
		rc = act_notify(a, r, c->for_phone, text, OUTBOX_PRIO_NOTIFY, 0);
	}
	if (rc == 0)
		rpl_team_echo(RPL_TO(r), t->who, hr->text);
	free(text);
	free(hr);
	return rc;
}

int
act_for(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct team_ctx *t = xcalloc(1, sizeof *t);
	int rc = load_ctx(a, m, c, t, r);

	if (rc == 0 && c->action == CMD_REGISTER)
		rc = register_for(a, m, c, t, r);
	else if (rc == 0 && (rc = target_ok(t, r)) == 0)
		rc = run_for(a, m, c, t, r);
	free(t);
	return rc < 0 ? -1 : 0;
}

/*
 * act_team_check answers the USSD menus' "check team": 0 when phone may act
 * for for_phone, 1 with a short GSM-7 reason in why (a screen's hint), -1
 * on a database error. The same rules as HO by SMS; a phone not yet
 * registered is refused here too (the menus register no one for others).
 */
int
act_team_check(struct actions *a, const char *phone, const char *for_phone, char *why,
    size_t n)
{
	struct team_ctx *t = xcalloc(1, sizeof *t);
	struct act_reply *scratch = xcalloc(1, sizeof *scratch);
	struct command *c = xcalloc(1, sizeof *c);
	struct mo m = {.phone = phone, .text = "", .kannel_id = ""};
	int rc;

	str_copy(c->for_phone, sizeof c->for_phone, for_phone);
	rc = load_ctx(a, &m, c, t, scratch);
	if (rc == 0)
		rc = target_ok(t, scratch);
	if (rc == 1 && t->why == T_NOT_ALLOWED)
		rpl_ussd_team_not_allowed(why, n);
	else if (rc == 1 && t->why == T_SELF)
		rpl_ussd_team_self(why, n);
	else if (rc == 1 && t->why == T_NOT_REGISTERED)
		rpl_ussd_team_not_registered(why, n, t->who);
	else if (rc == 1)
		rpl_ussd_team_not_yours(why, n, t->who);
	free(c);
	free(scratch);
	free(t);
	return rc;
}
