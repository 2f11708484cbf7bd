/*
 * replies.h - the catalogue of replies (actions/replies.def) as functions:
 * rpl_<name>(out, len, ...) writes one reply or piece with its typed
 * arguments and returns out. The format stays a literal at each one, so
 * -Wformat=2 checks it; diacritics are stripped later, once
 * (act_reply_finish, act_notify). Not for use outside actions/ and tests.
 */
#ifndef LANGSO_REPLIES_H
#define LANGSO_REPLIES_H

#include <stddef.h>

/* rpl_format: vsnprintf into out (cut to len at a UTF-8 boundary); returns out */
char *rpl_format(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define RPL_FIRST_(fmt, ...) fmt
#define RPL_FIRST(...) RPL_FIRST_(__VA_ARGS__, 0)

enum rpl_id {
#define R(name, ...) RPL_##name,
#include "actions/replies.def"
#undef R
	RPL__COUNT
};

#define R(name, parts, params, sample, ...) \
	static inline char *rpl_##name params { return rpl_format(out, len, __VA_ARGS__); }
#include "actions/replies.def"
#undef R

/* the catalogue as data, for the test that renders every entry */
struct rpl_entry {
	const char *name;
	int parts;			/* budget in SMS parts, 0 for a piece */
	const char *format;
};
extern const struct rpl_entry rpl_table[RPL__COUNT];

/* RPL_TO(r): the arguments that make rpl_<name> write r's reply */
#define RPL_TO(r) (r)->text, sizeof (r)->text

#endif
