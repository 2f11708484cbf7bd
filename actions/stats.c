/*
 * stats.c - the figures the province tracks (langso stats): per commune and
 * village, registered households, households with an open listing,
 * listings, orders placed and accepted (successful transactions) and the
 * value of the accepted ones; the community tech team's work (households it
 * registered, listings it made, accepted orders of those) and orders handed
 * over (commands.md §7); as text columns or as JSON (jansson).
 */
#include "actions/actions.h"
#include "storage/store.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"

struct sums {
	long long households, listing, listings, orders, accepted, value;
	long long team_households, team_listings, team_orders, delivered;
};

/* the team's figures of every village, by code (store_team_stats order) */
struct team_table {
	struct team_village_stats *v;
	size_t n, cap;
};

static int
on_team(const struct team_village_stats *v, void *arg)
{
	struct team_table *t = arg;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = *v;
	return 0;
}

static int
by_code(const void *k, const void *e)
{
	return strcmp(k, ((const struct team_village_stats *)e)->code);
}

struct stats_ctx {
	FILE *out;
	json_t *communes;		/* JSON: the array being built, else NULL */
	json_t *commune, *villages;	/* JSON: the commune being filled */
	char name[128];			/* the commune being summed */
	struct sums commune_sum, all;
	struct team_table team;
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

static void
add_team(struct sums *t, const struct team_village_stats *v)
{
	if (v == NULL)
		return;
	t->team_households += v->households;
	t->team_listings += v->listings;
	t->team_orders += v->orders;
	t->delivered += v->delivered;
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
	json_object_set_new(o, "delivered", json_integer(t->delivered));
	json_object_set_new(o, "team_households", json_integer(t->team_households));
	json_object_set_new(o, "team_listings", json_integer(t->team_listings));
	json_object_set_new(o, "team_accepted", json_integer(t->team_orders));
}

static void
print_row(FILE *out, const struct sums *t, const char *label)
{
	/* numbers first: names with diacritics would break a padded column */
	fprintf(out, "%8lld %8lld %8lld %8lld %8lld %14lld %9lld %8lld %8lld %8lld  %s\n",
	    t->households, t->listing, t->listings, t->orders, t->accepted, t->value, t->delivered,
	    t->team_households, t->team_listings, t->team_orders, label);
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
	const struct team_village_stats *tv = bsearch(v->code, x->team.v, x->team.n,
	    sizeof *x->team.v, by_code);

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
			fprintf(x->out, "%95s  xã %s\n", "", v->commune);
		}
	}
	add(&one, v);
	add(&x->commune_sum, v);
	add(&x->all, v);
	add_team(&one, tv);
	add_team(&x->commune_sum, tv);
	add_team(&x->all, tv);
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
		fprintf(out, "%8s %8s %8s %8s %8s %14s %9s %8s %8s %8s  %s\n", "hholds", "selling",
		    "listings", "orders", "accepted", "value (VND)", "delivered", "team_reg",
		    "team_lst", "team_ok", "commune / village");
	rc = store_team_stats(s, on_team, &x.team);
	if (rc == STORE_OK)
		rc = store_market_stats(s, on_village, &x);
	free(x.team.v);
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

/* ---- the order sheet (langso orders, commands.md §7) ---- */

struct sheet_ctx {
	FILE *out;
	bool csv;
	char commune[128];
	long long n;
};

/* csv_field writes s as one CSV field, quoted when it must be */
static void
csv_field(FILE *out, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
	} else {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	}
	fputc(last ? '\n' : ',', out);
}

static void
qty_text(const struct team_sheet_row *row, char *out, size_t len)
{
	if (strcmp(row->unit, "g") == 0)
		snprintf(out, len, "%lld.%03lld kg", row->qty / 1000, row->qty % 1000);
	else
		snprintf(out, len, "%lld %s", row->qty, row->unit);
}

static int
on_sheet_row(const struct team_sheet_row *row, void *arg)
{
	struct sheet_ctx *x = arg;
	char qty[48], num[32], when[32], product[260];
	time_t t = (time_t)row->accepted_at;
	struct tm tm;

	qty_text(row, qty, sizeof qty);
	snprintf(product, sizeof product, "%s%s%s", row->product, row->variety[0] ? " " : "",
	    row->variety);
	if (localtime_r(&t, &tm) == NULL || strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(when, sizeof when, "%lld", row->accepted_at);
	x->n++;
	if (x->csv) {
		snprintf(num, sizeof num, "%lld", row->order_id);
		csv_field(x->out, row->commune, false);
		csv_field(x->out, row->code, false);
		csv_field(x->out, row->village, false);
		csv_field(x->out, num, false);
		csv_field(x->out, when, false);
		csv_field(x->out, product, false);
		csv_field(x->out, qty, false);
		snprintf(num, sizeof num, "%lld", row->value);
		csv_field(x->out, num, false);
		csv_field(x->out, row->seller_name, false);
		csv_field(x->out, row->seller_phone, false);
		csv_field(x->out, row->buyer_phone, true);
		return 0;
	}
	if (strcmp(x->commune, row->commune) != 0) {
		snprintf(x->commune, sizeof x->commune, "%s", row->commune);
		fprintf(x->out, "xã %s\n", row->commune);
	}
	fprintf(x->out, "  #%-6lld %s  %-6s %s: %s %s, %lld VND; %s %s -> %s\n", row->order_id, when,
	    row->code, row->village, product, qty, row->value, row->seller_name, row->seller_phone,
	    row->buyer_phone);
	return 0;
}

int
actions_order_sheet(struct store *s, const char *commune, bool csv, FILE *out)
{
	struct sheet_ctx x;

	memset(&x, 0, sizeof x);
	x.out = out;
	x.csv = csv;
	if (csv)
		fputs("commune,village_code,village,order,accepted_at,product,qty,value_vnd,"
		    "seller,seller_phone,buyer_phone\n", out);
	if (store_team_sheet(s, commune, on_sheet_row, &x) != STORE_OK)
		return -1;
	if (!csv)
		fprintf(out, "%lld đơn chờ giao (orders to hand over)\n", x.n);
	return 0;
}
