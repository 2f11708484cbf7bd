/*
 * console_auth.c - the web console's users, sign-in and sessions. A
 * password is kept only as libsodium's crypto_pwhash_str (Argon2id); a
 * session is a random token in the browser's cookie and only its BLAKE2b
 * hash in the database, with an expiry; each session has its own random
 * CSRF token. Sign-in is throttled per login and per address from the
 * failures recorded in the database (so a restart does not reset them).
 */
#include "actions/console_int.h"
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert(crypto_pwhash_STRBYTES <= sizeof(((struct console_user *)0)->pwhash),
    "a password hash fits its column's buffer");

struct console *
console_new(struct store *s, const struct parser *p, const struct actions_conf *conf)
{
	struct console *c = xcalloc(1, sizeof *c);

	if (sodium_init() < 0) {
		free(c);
		return NULL;
	}
	c->s = s;
	c->act = actions_new(s, p, conf);
	return c;
}

void
console_free(struct console *c)
{
	if (c == NULL)
		return;
	actions_free(c->act);
	free(c);
}

void
console_set_clock(struct console *c, long long (*clock)(void))
{
	c->clock = clock;
	actions_set_clock(c->act, clock);
}

long long
console_now(const struct console *c)
{
	return c->clock ? c->clock() : (long long)time(NULL);
}

int
console_queued(struct console *c)
{
	int n = c->queued;

	c->queued = 0;
	return n;
}

/* ---- users ---- */

static bool
login_ok(const char *login)
{
	size_t n = strlen(login);

	if (n == 0 || n >= sizeof(((struct console_user *)0)->login))
		return false;
	for (const char *p = login; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		    *p == '_' || *p == '-'))
			return false;
	return true;
}

int
console_user_add(struct store *s, const char *login, const char *password, const char *role,
    const char *commune, char *err, size_t errlen)
{
	struct console_user u;
	int rc;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return -1;
	}
	if (!login_ok(login)) {
		snprintf(err, errlen, "login must be 1-63 characters of a-z 0-9 . _ -");
		return -1;
	}
	if (strcmp(role, "admin") != 0 && strcmp(role, "commune") != 0 && strcmp(role, "viewer") != 0) {
		snprintf(err, errlen, "role must be admin, commune or viewer");
		return -1;
	}
	if ((strcmp(role, "commune") == 0) != (commune != NULL && commune[0] != '\0')) {
		snprintf(err, errlen, "--commune NAME is required for role commune, and only for it");
		return -1;
	}
	if (strlen(password) < 8) {
		snprintf(err, errlen, "the password must have at least 8 characters");
		return -1;
	}
	memset(&u, 0, sizeof u);
	str_copy(u.login, sizeof u.login, login);
	str_copy(u.role, sizeof u.role, role);
	str_copy(u.commune, sizeof u.commune, commune ? commune : "");
	/* INTERACTIVE limits: ~0.1 s and 64 MiB a sign-in on this hardware */
	if (crypto_pwhash_str(u.pwhash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		snprintf(err, errlen, "out of memory hashing the password");
		return -1;
	}
	rc = store_console_user_add(s, &u, (long long)time(NULL));
	if (rc == STORE_EXISTS)
		snprintf(err, errlen, "user %s exists already (langso user del first)", login);
	else if (rc == STORE_NONE)
		snprintf(err, errlen, "no commune named \"%s\" (import the villages first)", commune);
	else if (rc != STORE_OK)
		snprintf(err, errlen, "%s", store_errmsg(s));
	return rc == STORE_OK ? 0 : -1;
}

static int
list_one(const struct console_user *u, void *arg)
{
	FILE *out = arg;
	char last[32] = "never";

	if (u->last_login > 0) {
		time_t t = (time_t)u->last_login;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(last, sizeof last, "%Y-%m-%dT%H:%MZ", &tm);
	}
	/* the commune last: a padded column would count its bytes, not letters */
	fprintf(out, "%-20s %-8s %-18s %s\n", u->login, u->role, last, u->commune[0] ? u->commune : "-");
	return 0;
}

int
console_user_list(struct store *s, FILE *out)
{
	fprintf(out, "%-20s %-8s %-18s %s\n", "login", "role", "last login", "commune");
	return store_console_user_each(s, list_one, out) == STORE_OK ? 0 : -1;
}

int
console_user_del(struct store *s, const char *login, char *err, size_t errlen)
{
	int rc = store_console_user_del(s, login);

	if (rc == STORE_NONE)
		snprintf(err, errlen, "no user %s", login);
	else if (rc != STORE_OK)
		snprintf(err, errlen, "%s", store_errmsg(s));
	return rc == STORE_OK ? 0 : -1;
}

/* ---- tokens ---- */

static void
random_hex(char out[CONSOLE_TOKEN_LEN + 1])
{
	unsigned char raw[CONSOLE_TOKEN_LEN / 2];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, CONSOLE_TOKEN_LEN + 1, raw, sizeof raw);
}

/* token_hash: what the database keeps of a token (hex BLAKE2b-256). A
 * token that is not 64 hex digits gets "" (never found). */
static void
token_hash(const char *token, char out[CONSOLE_TOKEN_LEN + 1])
{
	unsigned char h[32];

	out[0] = '\0';
	if (token == NULL || strlen(token) != CONSOLE_TOKEN_LEN ||
	    strspn(token, "0123456789abcdef") != CONSOLE_TOKEN_LEN)
		return;
	crypto_generichash(h, sizeof h, (const unsigned char *)token, CONSOLE_TOKEN_LEN, NULL, 0);
	sodium_bin2hex(out, CONSOLE_TOKEN_LEN + 1, h, sizeof h);
}

/* ---- sign-in ---- */

static int
throttled(struct console *c, const char *lkey, const char *akey, long long since, bool *yes)
{
	long long nl = 0, na = 0;

	if (store_console_failures(c->s, lkey, since, &nl) != STORE_OK ||
	    store_console_failures(c->s, akey, since, &na) != STORE_OK)
		return -1;
	*yes = nl >= CONSOLE_FAILS_LOGIN || na >= CONSOLE_FAILS_ADDR;
	return 0;
}

static enum console_signin
start_session(struct console *c, const struct console_user *u, long long now,
    char token[CONSOLE_TOKEN_LEN + 1])
{
	struct console_session cs;
	char h[CONSOLE_TOKEN_LEN + 1];

	memset(&cs, 0, sizeof cs);
	cs.user_id = u->id;
	cs.expires_at = now + CONSOLE_SESSION_SECONDS;
	random_hex(cs.csrf);
	random_hex(token);
	token_hash(token, h);
	if (store_console_session_add(c->s, h, &cs, now) != STORE_OK ||
	    store_console_user_seen(c->s, u->id, now) != STORE_OK)
		return CONSOLE_SIGNIN_ERR;
	return CONSOLE_SIGNIN_OK;
}

enum console_signin
console_sign_in(struct console *c, const char *login, const char *password, const char *addr,
    char token[CONSOLE_TOKEN_LEN + 1])
{
	struct console_user u;
	char lkey[96], akey[80];
	long long now = console_now(c), since = now - CONSOLE_FAIL_WINDOW;
	enum console_signin out;
	bool limit = false;
	int rc;

	snprintf(lkey, sizeof lkey, "login:%.63s", login);
	snprintf(akey, sizeof akey, "addr:%.63s", addr);
	if (store_begin(c->s) != STORE_OK)
		return CONSOLE_SIGNIN_ERR;
	if (throttled(c, lkey, akey, since, &limit) < 0)
		goto fail;
	if (limit) {
		store_rollback(c->s);
		return CONSOLE_SIGNIN_THROTTLED;
	}
	rc = store_console_user_get(c->s, login, &u);
	if (rc == STORE_ERR)
		goto fail;
	if (rc == STORE_OK && crypto_pwhash_str_verify(u.pwhash, password, strlen(password)) == 0) {
		out = start_session(c, &u, now, token);
		if (out == CONSOLE_SIGNIN_OK && store_console_fail_clear(c->s, lkey) != STORE_OK)
			out = CONSOLE_SIGNIN_ERR;
		if (out == CONSOLE_SIGNIN_OK && console_audit_user(c, &u, "sign-in", "from %s", addr) < 0)
			out = CONSOLE_SIGNIN_ERR;
	} else {
		/* an unknown login counts like a wrong password: both keys */
		out = CONSOLE_SIGNIN_BAD;
		if (store_console_fail(c->s, lkey, now, since) != STORE_OK ||
		    store_console_fail(c->s, akey, now, since) != STORE_OK)
			out = CONSOLE_SIGNIN_ERR;
	}
	if (out == CONSOLE_SIGNIN_ERR)
		goto fail;
	if (store_commit(c->s) != STORE_OK)
		goto fail;
	return out;
fail:
	store_rollback(c->s);
	return CONSOLE_SIGNIN_ERR;
}

int
console_session(struct console *c, const char *token, struct console_who *who)
{
	struct console_session cs;
	struct console_user u;
	char h[CONSOLE_TOKEN_LEN + 1];
	int rc;

	token_hash(token, h);
	if (h[0] == '\0')
		return 1;
	rc = store_console_session_get(c->s, h, console_now(c), &cs);
	if (rc == STORE_OK)
		rc = store_console_user_by_id(c->s, cs.user_id, &u);
	if (rc == STORE_NONE)
		return 1;
	if (rc != STORE_OK)
		return -1;
	memset(who, 0, sizeof *who);
	who->user_id = u.id;
	str_copy(who->login, sizeof who->login, u.login);
	str_copy(who->role, sizeof who->role, u.role);
	who->commune_id = u.commune_id;
	str_copy(who->commune, sizeof who->commune, u.commune);
	str_copy(who->csrf, sizeof who->csrf, cs.csrf);
	return 0;
}

int
console_sign_out(struct console *c, const char *token)
{
	char h[CONSOLE_TOKEN_LEN + 1];

	token_hash(token, h);
	if (h[0] == '\0')
		return 0;
	return store_console_session_del(c->s, h) == STORE_OK ? 0 : -1;
}

/* ---- audit ---- */

static int
vaudit(struct console *c, long long user_id, const char *login, const char *action,
    const char *fmt, va_list ap)
{
	char detail[512];

	vsnprintf(detail, sizeof detail, fmt, ap);
	/* a detail cut by vsnprintf may end inside a character */
	detail[utf8_cut_len(detail, strlen(detail))] = '\0';
	return store_console_audit_add(c->s, user_id, login, action, detail, console_now(c)) ==
	    STORE_OK ? 0 : -1;
}

int
console_audit(struct console *c, const struct console_who *who, const char *action,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vaudit(c, who->user_id, who->login, action, fmt, ap);
	va_end(ap);
	return rc;
}

int
console_audit_user(struct console *c, const struct console_user *u, const char *action,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vaudit(c, u->id, u->login, action, fmt, ap);
	va_end(ap);
	return rc;
}
