/*
 * dbopen.c - opening a writing connection with the configured durability.
 */
#include "gateway/dbopen.h"
#include "gateway/conf.h"
#include "gateway/log.h"
#include "storage/store.h"

#include <stdio.h>
#include <string.h>

struct store *
db_open(const struct conf *c, const char *role, char *err, size_t errlen)
{
	enum store_sync want = strcmp(c->synchronous, "normal") == 0 ? STORE_SYNC_NORMAL
	    : STORE_SYNC_FULL, got;
	struct store *s = store_open(c->db_path, err, errlen);

	if (s == NULL)
		return NULL;
	if (store_set_synchronous(s, want) != STORE_OK || store_synchronous(s, &got) != STORE_OK) {
		snprintf(err, errlen, "%s: %s", c->db_path, store_errmsg(s));
		store_close(s);
		return NULL;
	}
	if (got != want) {
		snprintf(err, errlen, "%s: synchronous = %s was asked, SQLite reads back %s",
		    c->db_path, c->synchronous, got == STORE_SYNC_FULL ? "full" : "normal");
		store_close(s);
		return NULL;
	}
	log_info("storage: %s connection, synchronous = %s (read back)", role,
	    got == STORE_SYNC_FULL ? "full" : "normal");
	return s;
}
