/*
 * team.c - community tech teams and the second-wave seller commands
 * (commands.md §7): HO <phone> <command> acting for a household, SUA
 * (edit a listing) and GIAO (an order handed over).
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <string.h>

int
act_edit(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	(void)a;
	(void)m;
	act_syntax_reply(c, r);
	return 0;
}

int
act_delivered(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	(void)a;
	(void)m;
	act_syntax_reply(c, r);
	return 0;
}
