/*
 * console.h - what the operators' web console does (issue 11), without
 * HTTP: users and sign-in, sessions, and one function per documented
 * /api/ endpoint, each answering a status and a body. The gateway
 * (gateway/console.c) maps requests onto these through its route table,
 * after checking the session and the role the route needs; commune
 * scoping (403) is decided here, where the data is.
 */
#ifndef LANGSO_CONSOLE_H
#define LANGSO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct store;
struct parser;
struct actions_conf;
struct console;

/* How long a session lasts from sign-in, and the throttle: more than
 * CONSOLE_FAILS_LOGIN failed sign-ins for one login, or
 * CONSOLE_FAILS_ADDR from one address, within CONSOLE_FAIL_WINDOW
 * seconds, and the next attempt is refused (429) without checking. */
#define CONSOLE_SESSION_SECONDS (8 * 3600)
#define CONSOLE_FAILS_LOGIN 5
#define CONSOLE_FAILS_ADDR 20
#define CONSOLE_FAIL_WINDOW (15 * 60)
/* a session token and a CSRF token: 32 random bytes in hex */
#define CONSOLE_TOKEN_LEN 64
/* the largest CSV the console takes (a province is a few MB) */
#define CONSOLE_UPLOAD_MAX (8u << 20)

/* console_new: the console's context over its own connection s (the
 * console thread's), borrowed like the parser. */
struct console *console_new(struct store *s, const struct parser *p,
    const struct actions_conf *conf);
void console_free(struct console *c);
/* console_set_clock replaces time(NULL) (tests); also the actions' clock. */
void console_set_clock(struct console *c, long long (*clock)(void));

/* ---- users (langso user add|list|del) ---- */
/* console_user_add hashes password with Argon2id (crypto_pwhash_str) and
 * stores the user. role is admin, commune (then commune names an imported
 * commune) or viewer. 0, or -1 with err filled. */
int console_user_add(struct store *s, const char *login, const char *password,
    const char *role, const char *commune, char *err, size_t errlen);
/* console_user_list writes "login role commune last-login" lines. */
int console_user_list(struct store *s, FILE *out);
int console_user_del(struct store *s, const char *login, char *err, size_t errlen);

/* ---- sign-in and sessions ---- */
struct console_who {
	long long user_id;
	char login[64];
	char role[12];			/* admin, commune, viewer */
	long long commune_id;		/* role commune: its commune */
	char commune[128];
	char csrf[CONSOLE_TOKEN_LEN + 8];
};

enum console_signin {
	CONSOLE_SIGNIN_OK,
	CONSOLE_SIGNIN_BAD,		/* unknown login or wrong password: 401 */
	CONSOLE_SIGNIN_THROTTLED,	/* too many failures: 429 */
	CONSOLE_SIGNIN_ERR,		/* database: 500 */
};
/* console_sign_in checks the password (after the throttle) and on success
 * starts a session: token gets its random token (the cookie's value; only
 * its hash is stored). addr is the client's address. */
enum console_signin console_sign_in(struct console *c, const char *login, const char *password,
    const char *addr, char token[CONSOLE_TOKEN_LEN + 1]);
/* console_session finds the unexpired session of token: 0 with *who
 * filled, 1 when there is none, -1 on a database error. */
int console_session(struct console *c, const char *token, struct console_who *who);
int console_sign_out(struct console *c, const char *token);

/* ---- the API ---- */
/* One request as the actions see it: arg() reads a query-string
 * argument (NULL when absent); body is the request body (JSON or CSV). */
struct console_req {
	const char *(*arg)(const struct console_req *r, const char *name);
	const void *ctx;		/* the gateway's, for arg() */
	const char *body;
	size_t body_len;
	const char *content_type;	/* "" when none */
};

/* What an endpoint answers: status, body (malloc'd, caller frees),
 * content type, and for a download its file name. */
struct console_answer {
	int status;
	char *body;
	size_t len;
	char type[64];
	char filename[64];
};

typedef void (*console_api_fn)(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans);

/* Each documented in the README's /api/ list. */
void console_api_me(struct console *, const struct console_who *, const struct console_req *,
    struct console_answer *);
void console_api_stats(struct console *, const struct console_who *, const struct console_req *,
    struct console_answer *);
void console_api_overview(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_villages(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_people(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_people_csv(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_person_save(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_import_villages(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_import_people(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_notices(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_notice(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_notice_preview(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_notice_send(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_audit(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);

void console_api_listings(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_orders(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_sheet(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_messages(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);
void console_api_health(struct console *, const struct console_who *,
    const struct console_req *, struct console_answer *);

/* console_answer_error fills ans with {"error": message} and status. */
void console_answer_error(struct console_answer *ans, int status, const char *message);

/* console_queued: messages the last API call queued (the gateway wakes
 * the outbox worker when it is not 0), then reset. */
int console_queued(struct console *c);

#endif
