/*
 * dbopen.h - every connection langso writes through is opened here, so the
 * daemon's committer and outbox and the CLI's imports and sends all get
 * [storage] synchronous, read back from SQLite rather than assumed.
 */
#ifndef LANGSO_DBOPEN_H
#define LANGSO_DBOPEN_H

#include <stddef.h>

struct conf;
struct store;

/* db_open opens c's database for the named role ("committer", "outbox",
 * "import", ...), applies [storage] synchronous and checks that SQLite
 * reports it back. NULL with err filled on any failure. Caller closes it
 * with store_close. */
struct store *db_open(const struct conf *c, const char *role, char *err, size_t errlen);

#endif
