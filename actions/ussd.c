/*
 * ussd.c - one USSD step: the session's state in, a screen out, through the
 * menus engine; a finished menu becomes the same struct command an SMS
 * gives and runs the same action. (Until the menus land: a polite end.)
 */
#include "actions/actions_int.h"

int
act_ussd(struct actions *a, const struct mo *m, struct act_reply *r)
{
	(void)a;
	(void)m;
	reply_set(r, "Làng số: menu USSD sắp mở. Nhắn HD tới 8055 để xem hướng dẫn");
	act_reply_finish(a, r);
	r->ussd_end = true;
	return 0;
}
