/*
 * market_fmt.c - how the marketplace writes numbers and goods in replies:
 * money with thousands dots ("1.500.000đ"), quantities in kg or pieces,
 * prices per kg or per piece, product names with diacritics, and the
 * length check that keeps a reply inside max_segments. No storage here.
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

char *
mk_money(long long vnd, char *out, size_t len)
{
	char digits[32], buf[48];
	size_t n, o = 0;

	snprintf(digits, sizeof digits, "%lld", vnd < 0 ? 0 : vnd);
	n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = '.';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	snprintf(out, len, "%sđ", buf);
	return out;
}

/* grouped writes n with thousands dots and no currency. */
static void
grouped(long long n, char *out, size_t len)
{
	char tmp[48];

	mk_money(n, tmp, sizeof tmp);
	tmp[strlen(tmp) - strlen("đ")] = '\0';
	snprintf(out, len, "%s", tmp);
}

char *
mk_qty(long long amount, const char *unit, char *out, size_t len)
{
	char n[48];

	if (strcmp(unit, "g") != 0) {
		grouped(amount, n, sizeof n);
		snprintf(out, len, "%s %s", n, unit);
	} else if (amount < 1000) {
		snprintf(out, len, "%lldg", amount);
	} else if (amount % 1000 == 0) {
		grouped(amount / 1000, n, sizeof n);
		snprintf(out, len, "%skg", n);
	} else {
		/* decimal comma, as Vietnamese write it: 2,5kg; 1,25kg */
		long long frac = amount % 1000;
		int digits = 3;

		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		grouped(amount / 1000, n, sizeof n);
		snprintf(out, len, "%s,%0*lldkg", n, digits, frac);
	}
	return out;
}

const char *
mk_per(const struct listing *l)
{
	return strcmp(l->unit, "g") == 0 || strcmp(l->price_per, "kg") == 0 ? "kg" : l->unit;
}

char *
mk_price(const struct listing *l, char *out, size_t len)
{
	char money[48];

	if (l->unit_price <= 0)
		rpl_price_free(out, len);
	else
		rpl_price_per(out, len, mk_money(l->unit_price, money, sizeof money), mk_per(l));
	return out;
}

char *
mk_price_words(const struct listing *l, char *out, size_t len)
{
	char price[64];

	if (l->unit_price <= 0)
		rpl_price_free(out, len);
	else
		rpl_price_words(out, len, mk_price(l, price, sizeof price));
	return out;
}

/* Words that announce a phone number: once the parser cut the number out
 * of the note into the contact, they are left dangling at its end ("lh"). */
static const char *const contact_words[] = {
	"LH", "LIENHE", "SDT", "SODT", "DT", "DTHOAI", "DIENTHOAI", "GOI", "ALO", "ZALO", "CALL",
	"SO", "NR",
};

/* is_contact_word: w (n bytes: one word, or two such as "liên hệ") folds
 * to one of contact_words once its spaces are gone. */
static bool
is_contact_word(const char *w, size_t n)
{
	char f[64];
	size_t o = 0;

	if (n >= sizeof f)
		return false;
	parser_fold(w, n, f, sizeof f);
	for (size_t i = 0; f[i] != '\0'; i++)	/* "LIEN HE" -> "LIENHE" */
		if (f[i] != ' ')
			f[o++] = f[i];
	f[o] = '\0';
	for (size_t i = 0; i < sizeof contact_words / sizeof contact_words[0]; i++)
		if (strcmp(f, contact_words[i]) == 0)
			return true;
	return false;
}

static bool
is_trail(char ch)
{
	return ch == ' ' || ch == ',' || ch == '.' || ch == ':' || ch == ';' || ch == '-' ||
	    ch == '(' || ch == '/';
}

char *
mk_note(const struct listing *l, char *out, size_t len)
{
	size_t n;

	str_copy(out, len, l->note);
	n = strlen(out);
	/* only where a number was cut out: "na to lh" with contact 0912... */
	while (l->contact[0] != '\0' && n > 0) {
		size_t ws, prev;

		while (n > 0 && is_trail(out[n - 1]))
			n--;
		ws = n;
		while (ws > 0 && !is_trail(out[ws - 1]))
			ws--;
		prev = ws;			/* one word, or "lien he", "dien thoai" */
		while (prev > 0 && out[prev - 1] == ' ')
			prev--;
		while (prev > 0 && !is_trail(out[prev - 1]))
			prev--;
		if (ws > 0 && prev < ws && is_contact_word(out + prev, n - prev))
			n = prev;
		else if (ws < n && is_contact_word(out + ws, n - ws))
			n = ws;
		else
			break;
	}
	while (n > 0 && is_trail(out[n - 1]))
		n--;
	out[n] = '\0';
	return out;
}

int
mk_pick(const struct actions *a, char (*cand)[ACT_REPLY_MAX], int n)
{
	for (int i = 0; i < n; i++)
		if (mk_fits_one(a, cand[i]))
			return i;
	for (int i = 0; i < n; i++)
		if (mk_fits(a, cand[i]))
			return i;
	return n - 1;
}

long long
mk_mul(long long a, long long b)
{
	long long r;

	return __builtin_mul_overflow(a, b, &r) ? -1 : r;
}

long long
mk_add(long long a, long long b)
{
	long long r;

	if (!__builtin_add_overflow(a, b, &r))
		return r;
	return a > 0 ? LLONG_MAX : LLONG_MIN;
}

long long
mk_total(const struct listing *l, long long qty)
{
	long long t;

	if (l->unit_price <= 0 || qty <= 0)
		return 0;
	if (strcmp(l->unit, "g") != 0 && strcmp(l->price_per, "kg") == 0)
		return 0;	/* pieces at a price per kg: weighed on delivery */
	/* parser.h's bounds keep this far from overflowing; a row that got
	 * past them some other way gets no total rather than a wrapped one */
	if ((t = mk_mul(l->unit_price, qty)) < 0)
		return 0;
	return strcmp(l->unit, "g") == 0 ? t / 1000 + (t % 1000 >= 500) : t;
}

bool
mk_limit_reply(const struct command *c, struct act_reply *r)
{
	static const struct { enum cmd_action action; const char *example; } ex[] = {
		{CMD_LIST, "BAN NA 50KG 30000"}, {CMD_SEARCH, "TIM NA 100KG"},
		{CMD_ORDER, "MUA 123 20KG"}, {CMD_ACCEPT, "OK 45 20KG"},
	};
	const char *example = "BAN NA 50KG 30000";
	char a[48], b[48];

	bool qty_big = c->has_qty && c->qty.amount > (strcmp(c->qty.unit, "g") == 0 ?
	    CMD_QTY_MAX_G : CMD_PIECES_MAX);
	bool price_big = (c->has_price && c->price.vnd > CMD_VND_MAX) ||
	    (c->has_offer && c->offer.vnd > CMD_VND_MAX);

	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++)
		if (ex[i].action == c->action)
			example = ex[i].example;
	/* a command built elsewhere (a USSD menu) meets the same bounds */
	if (strcmp(c->error, "qty_too_large") == 0 || (c->error[0] == '\0' && qty_big))
		rpl_limit_qty(RPL_TO(r), mk_qty(CMD_QTY_MAX_G, "g", a, sizeof a), CMD_QTY_MAX_G / 1000000,
		    mk_qty(CMD_PIECES_MAX, "con", b, sizeof b), example);
	else if (strcmp(c->error, "price_too_large") == 0 || (c->error[0] == '\0' && price_big))
		rpl_limit_price(RPL_TO(r), mk_money(CMD_VND_MAX, a, sizeof a), example);
	else
		return false;
	return true;
}

char *
mk_product_key(const struct actions *a, const char *key, char *out, size_t len)
{
	const char *d = parser_product_display(a->p, key);

	if (d != NULL) {
		snprintf(out, len, "%s", d);
	} else {
		/* an unknown product is shown as typed, folded: capitalise it */
		snprintf(out, len, "%s", key);
		if (out[0] != '\0')
			out[0] = (char)toupper((unsigned char)out[0]);
	}
	return out;
}

char *
mk_product(const struct actions *a, const struct listing *l, char *out, size_t len)
{
	char name[128];
	int n;

	mk_product_key(a, l->product, name, sizeof name);
	n = snprintf(out, len, "%s%s%s", name, l->variety[0] ? " " : "", l->variety);
	if (l->grade > 0 && n >= 0 && (size_t)n < len)
		rpl_grade(out + n, len - (size_t)n, l->grade);
	return out;
}

char *
mk_keyword(const char *key, char *out, size_t len)
{
	size_t i;

	for (i = 0; key[i] != '\0' && i + 1 < len; i++)
		out[i] = (char)toupper((unsigned char)key[i]);
	out[i] = '\0';
	return out;
}

bool
mk_fits(const struct actions *a, const char *text)
{
	char plain[ACT_REPLY_MAX];
	const char *t = text;
	enum sms_coding coding;

	if (strlen(text) >= ACT_REPLY_MAX)
		return false;
	if (!a->conf.reply_diacritics && text_strip_diacritics(text, plain, sizeof plain) == 0)
		t = plain;
	coding = sms_coding_of(t);
	return sms_length(t, coding) <= sms_max_length(a->conf.max_segments, coding);
}

bool
mk_fits_one(const struct actions *a, const char *text)
{
	char plain[ACT_REPLY_MAX];

	/* the measure is the default reply: one GSM-7 SMS without diacritics
	 * (with diacritics on, the same words take 2-3 UCS-2 parts) */
	if (!mk_fits(a, text) || text_strip_diacritics(text, plain, sizeof plain) != 0 ||
	    sms_coding_of(plain) != SMS_GSM7)
		return false;
	return sms_length(plain, SMS_GSM7) <= sms_max_length(1, SMS_GSM7);
}

size_t
mk_budget(const struct actions *a)
{
	return sms_max_length(a->conf.max_segments, a->conf.reply_diacritics ? SMS_UCS2 : SMS_GSM7);
}

long long
mk_day(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	long long local;

	localtime_r(&tt, &tm);
	local = t + tm.tm_gmtoff;
	/* floor division: days before 1970 never occur, but stay exact */
	return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
}
