/*
 * json.c - command_to_json: the one-line JSON of commands.md §4 through
 * jansson, keys in the fixed order documented in parser.h (insertion order
 * is kept), absent keys left out.
 */
#include "parser/parser_int.h"

#include <jansson.h>
#include <string.h>

static void
set_str(json_t *o, const char *k, const char *v)
{
	if (v[0] != '\0')
		json_object_set_new(o, k, json_string(v));
}

static void
set_num(json_t *o, const char *k, long long v)
{
	if (v != 0)
		json_object_set_new(o, k, json_integer(v));
}

static json_t *
amount(const char *num_key, long long n, const char *str_key, const char *s)
{
	json_t *o = json_object();

	json_object_set_new(o, num_key, json_integer(n));
	json_object_set_new(o, str_key, json_string(s));
	return o;
}

int
command_to_json(const struct command *c, char *buf, size_t buflen)
{
	json_t *o;
	size_t n;

	if (buf == NULL || buflen == 0)
		return -1;
	buf[0] = '\0';
	o = json_object();
	json_object_set_new(o, "action", json_string(cmd_action_name(c->action)));
	set_str(o, "for", c->for_phone);
	set_str(o, "error", c->error);
	set_num(o, "listing", c->listing);
	set_num(o, "order", c->order);
	set_num(o, "broadcast", c->broadcast);
	if (c->urgent)
		json_object_set_new(o, "urgent", json_true());
	if (c->confirm)
		json_object_set_new(o, "confirm", json_true());
	set_str(o, "village", c->village);
	set_str(o, "name", c->name);
	set_str(o, "product", c->product);
	set_str(o, "variety", c->variety);
	set_num(o, "grade", c->grade);
	if (c->has_qty)
		json_object_set_new(o, "qty", amount("amount", c->qty.amount, "unit", c->qty.unit));
	set_num(o, "pieces", c->pieces);
	if (c->has_price)
		json_object_set_new(o, "price", amount("vnd", c->price.vnd, "per", c->price.per));
	if (c->has_offer)
		json_object_set_new(o, "offer", amount("vnd", c->offer.vnd, "per", c->offer.per));
	set_str(o, "check", c->check);
	set_str(o, "place", c->place);
	set_str(o, "text", c->text);
	set_str(o, "topic", c->topic);
	set_num(o, "page", c->page);
	set_str(o, "note", c->note);
	set_str(o, "contact", c->contact);
	set_str(o, "suggest", c->suggest);
	n = json_dumpb(o, buf, buflen - 1, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (n == 0 || n >= buflen) {
		buf[0] = '\0';
		return -1;
	}
	buf[n] = '\0';
	return 0;
}
