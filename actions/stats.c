/*
 * stats.c - the figures the province tracks (langso stats): per commune and
 * village, registered households, households with an open listing,
 * listings, orders placed and accepted (successful transactions) and the
 * value of the accepted ones; as text columns or as JSON (jansson).
 */
#include "actions/actions.h"
#include "storage/store.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

struct sums {
	long long households, listing, listings, orders, accepted, value;
};

struct stats_ctx {
	FILE *out;
	json_t *communes;		/* JSON: the array being built, else NULL */
	json_t *commune, *villages;	/* JSON: the commune being filled */
	char name[128];			/* the commune being summed */
	struct sums commune_sum, all;
};

/* sum_value: the province's value saturates rather than wraps (issue 9) */
static long long
sum_value(long long a, long long b)
{
	long long r;

	return __builtin_add_overflow(a, b, &r) ? LLONG_MAX : r;
}

static void
add(struct sums *t, const struct market_village_stats *v)
{
	t->households += v->households;
	t->listing += v->households_listing;
	t->listings += v->listings;
	t->orders += v->orders;
	t->accepted += v->accepted;
	t->value = sum_value(t->value, v->value);
}

/* set_sums puts the six figures into a JSON object. */
static void
set_sums(json_t *o, const struct sums *t)
{
	json_object_set_new(o, "households", json_integer(t->households));
	json_object_set_new(o, "households_listing", json_integer(t->listing));
	json_object_set_new(o, "listings", json_integer(t->listings));
	json_object_set_new(o, "orders", json_integer(t->orders));
	json_object_set_new(o, "accepted", json_integer(t->accepted));
	json_object_set_new(o, "value", json_integer(t->value));
}

static void
print_row(FILE *out, const struct sums *t, const char *label)
{
	/* numbers first: names with diacritics would break a padded column */
	fprintf(out, "%8lld %8lld %8lld %8lld %8lld %14lld  %s\n", t->households, t->listing,
	    t->listings, t->orders, t->accepted, t->value, label);
}

static void
close_commune(struct stats_ctx *x)
{
	char label[160];

	if (x->name[0] == '\0')
		return;
	if (x->communes != NULL) {
		set_sums(x->commune, &x->commune_sum);
		return;
	}
	snprintf(label, sizeof label, "  = xã %s", x->name);
	print_row(x->out, &x->commune_sum, label);
}

static int
on_village(const struct market_village_stats *v, void *arg)
{
	struct stats_ctx *x = arg;
	struct sums one = {0};
	char label[160];

	if (strcmp(x->name, v->commune) != 0) {
		close_commune(x);
		snprintf(x->name, sizeof x->name, "%s", v->commune);
		memset(&x->commune_sum, 0, sizeof x->commune_sum);
		if (x->communes != NULL) {
			x->commune = json_object();
			x->villages = json_array();
			json_object_set_new(x->commune, "commune", json_string(v->commune));
			json_object_set_new(x->commune, "villages", x->villages);
			json_array_append_new(x->communes, x->commune);
		} else {
			fprintf(x->out, "%59s  xã %s\n", "", v->commune);
		}
	}
	add(&one, v);
	add(&x->commune_sum, v);
	add(&x->all, v);
	if (x->communes != NULL) {
		json_t *o = json_object();

		json_object_set_new(o, "code", json_string(v->code));
		json_object_set_new(o, "village", json_string(v->village));
		set_sums(o, &one);
		json_array_append_new(x->villages, o);
	} else {
		snprintf(label, sizeof label, "  %-6s %s", v->code, v->village);
		print_row(x->out, &one, label);
	}
	return 0;
}

int
actions_stats(struct store *s, bool as_json, FILE *out)
{
	struct stats_ctx x;
	json_t *doc = NULL, *province;
	int rc;

	memset(&x, 0, sizeof x);
	x.out = out;
	if (as_json)
		x.communes = json_array();
	else
		fprintf(out, "%8s %8s %8s %8s %8s %14s  %s\n", "hholds", "selling", "listings",
		    "orders", "accepted", "value (VND)", "commune / village");
	rc = store_market_stats(s, on_village, &x);
	if (rc != STORE_OK) {
		json_decref(x.communes);
		return -1;
	}
	close_commune(&x);
	if (!as_json) {
		print_row(out, &x.all, "= tỉnh (province)");
		return 0;
	}
	doc = json_object();
	province = json_object();
	set_sums(province, &x.all);
	json_object_set_new(doc, "communes", x.communes);
	json_object_set_new(doc, "province", province);
	rc = json_dumpf(doc, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(doc);
	return rc == 0 ? 0 : -1;
}
