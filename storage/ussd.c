/*
 * ussd.c - USSD sessions (issue 6): its schema migration and statements.
 */
#include "storage/store_int.h"

/* Version 4. */
int
migrate_v4_ussd(struct store *s)
{
	(void)s;
	return STORE_OK;
}

static const char *const sql[] = {
	NULL,
};

const struct store_domain_sql ussd_sql = {sql, 0};
