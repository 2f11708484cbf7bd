/*
 * market.c - the marketplace - listings, orders, follows (issue 4): its schema migration and statements.
 */
#include "storage/store_int.h"

/* Version 2. */
int
migrate_v2_market(struct store *s)
{
	(void)s;
	return STORE_OK;
}

static const char *const sql[] = {
	NULL,
};

const struct store_domain_sql market_sql = {sql, 0};
