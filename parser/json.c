/*
 * json.c - command_to_json: the one-line JSON of commands.md §4, keys in
 * the fixed order documented in parser.h, absent keys left out.
 */
#include "parser/parser_int.h"

#include <stdio.h>
#include <string.h>

struct jbuf {
	char *s;
	size_t n, cap;
	bool full;
};

static void
put(struct jbuf *j, const char *s, size_t n)
{
	if (j->full || j->n + n + 1 > j->cap) {
		j->full = true;
		return;
	}
	memcpy(j->s + j->n, s, n);
	j->n += n;
	j->s[j->n] = '\0';
}

static void
puts_(struct jbuf *j, const char *s)
{
	put(j, s, strlen(s));
}

/* putn writes prefix, the number, nothing else. */
static void
putn(struct jbuf *j, const char *prefix, long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%lld", v);

	puts_(j, prefix);
	put(j, tmp, (size_t)n);
}

/* put_str writes a JSON string: UTF-8 as is, quotes, backslashes and
 * control characters escaped. */
static void
put_str(struct jbuf *j, const char *s)
{
	const char *run = s;

	put(j, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F)
			continue;
		put(j, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"': put(j, "\\\"", 2); break;
		case '\\': put(j, "\\\\", 2); break;
		case '\n': put(j, "\\n", 2); break;
		case '\r': put(j, "\\r", 2); break;
		case '\t': put(j, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			put(j, esc, 6);
		}
	}
	put(j, run, (size_t)(s - run));
	put(j, "\"", 1);
}

static void
key(struct jbuf *j, const char *k)
{
	put(j, ",\"", 2);
	puts_(j, k);
	put(j, "\":", 2);
}

static void
str_key(struct jbuf *j, const char *k, const char *v)
{
	if (v[0] == '\0')
		return;
	key(j, k);
	put_str(j, v);
}

static void
num_key(struct jbuf *j, const char *k, long long v)
{
	if (v == 0)
		return;
	key(j, k);
	putn(j, "", v);
}

static void
price_key(struct jbuf *j, const char *k, const struct cmd_price *p)
{
	key(j, k);
	putn(j, "{\"vnd\":", p->vnd);
	puts_(j, ",\"per\":");
	put_str(j, p->per);
	put(j, "}", 1);
}

int
command_to_json(const struct command *c, char *buf, size_t buflen)
{
	struct jbuf j = {buf, 0, buflen, false};

	if (buf == NULL || buflen == 0)
		return -1;
	buf[0] = '\0';
	puts_(&j, "{\"action\":");
	put_str(&j, cmd_action_name(c->action));
	str_key(&j, "error", c->error);
	num_key(&j, "listing", c->listing);
	num_key(&j, "order", c->order);
	num_key(&j, "broadcast", c->broadcast);
	if (c->urgent) {
		key(&j, "urgent");
		puts_(&j, "true");
	}
	str_key(&j, "village", c->village);
	str_key(&j, "name", c->name);
	str_key(&j, "product", c->product);
	str_key(&j, "variety", c->variety);
	num_key(&j, "grade", c->grade);
	if (c->has_qty) {
		key(&j, "qty");
		putn(&j, "{\"amount\":", c->qty.amount);
		puts_(&j, ",\"unit\":");
		put_str(&j, c->qty.unit);
		put(&j, "}", 1);
	}
	num_key(&j, "pieces", c->pieces);
	if (c->has_price)
		price_key(&j, "price", &c->price);
	if (c->has_offer)
		price_key(&j, "offer", &c->offer);
	str_key(&j, "check", c->check);
	str_key(&j, "place", c->place);
	str_key(&j, "text", c->text);
	str_key(&j, "topic", c->topic);
	str_key(&j, "note", c->note);
	str_key(&j, "contact", c->contact);
	str_key(&j, "suggest", c->suggest);
	put(&j, "}", 1);
	if (j.full) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}
