/*
 * console_api.c - the console's reading endpoints: who is signed in, the
 * figures of `langso stats --json` (limited to a commune user's commune),
 * the overview's indicators and series, villages, the audit trail. Each
 * answers JSON built with jansson; commune scoping is decided here.
 */
#include "actions/console_int.h"
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* the overview's plots cover this many days, today included */
#define SERIES_DAYS 90
#define TOP_PRODUCTS 4

void
console_answer_json(struct console_answer *ans, int status, json_t *doc)
{
	ans->status = status;
	ans->body = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ans->len = ans->body ? strlen(ans->body) : 0;
	snprintf(ans->type, sizeof ans->type, "application/json; charset=utf-8");
	json_decref(doc);
	if (ans->body == NULL) {
		ans->status = 500;
		ans->body = xstrdup("{\"error\":\"out of memory\"}");
		ans->len = strlen(ans->body);
	}
}

void
console_answer_error(struct console_answer *ans, int status, const char *message)
{
	console_answer_json(ans, status, json_pack("{ss}", "error", message));
}

int
console_scope(struct console *c, const struct console_who *who, const struct console_req *req,
    long long *commune_id, struct console_answer *ans)
{
	const char *name = req->arg(req, "commune");
	int rc;

	if (strcmp(who->role, "commune") == 0) {
		if (name != NULL && name[0] != '\0' && strcmp(name, who->commune) != 0) {
			console_answer_error(ans, 403, "Bạn chỉ xem được số liệu của xã mình");
			return -1;
		}
		*commune_id = who->commune_id;
		return 0;
	}
	*commune_id = 0;
	if (name == NULL || name[0] == '\0')
		return 0;
	rc = store_console_commune_id(c->s, name, commune_id);
	if (rc == STORE_OK)
		return 0;
	console_answer_error(ans, rc == STORE_NONE ? 404 : 500,
	    rc == STORE_NONE ? "Không có xã này" : "Lỗi cơ sở dữ liệu");
	return -1;
}

void
console_api_me(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_answer *ans)
{
	(void)c;
	(void)req;	/* unused: the table's signature */
	console_answer_json(ans, 200, json_pack("{ss ss ss ss}", "login", who->login, "role",
	    who->role, "commune", who->commune, "csrf", who->csrf));
}

/* ---- /api/stats: the JSON of `langso stats --json` ---- */

/* commune_only keeps the one commune of a stats document and makes its
 * sums the "province" (what the user's scope adds up to). */
static json_t *
commune_only(json_t *doc, const char *commune)
{
	json_t *communes = json_object_get(doc, "communes"), *keep = json_array(), *one;
	json_t *out = json_object(), *sums = json_object();
	static const char *const keys[] = {"households", "households_listing", "listings", "orders",
	    "accepted", "value"};
	size_t i;

	json_array_foreach(communes, i, one) {
		const char *name = json_string_value(json_object_get(one, "commune"));

		if (name != NULL && strcmp(name, commune) == 0)
			json_array_append(keep, one);
	}
	one = json_array_get(keep, 0);
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		json_object_set_new(sums, keys[k], json_integer(one ?
		    json_integer_value(json_object_get(one, keys[k])) : 0));
	json_object_set_new(out, "communes", keep);
	json_object_set_new(out, "province", sums);
	return out;
}

void
console_api_stats(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_answer *ans)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	(void)req;	/* the scope is the user's: stats take no arguments */
	rc = actions_stats(c->s, true, f);
	fclose(f);
	if (rc < 0) {
		free(text);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	if (strcmp(who->role, "commune") == 0) {
		json_t *doc = json_loadb(text, len, 0, NULL);

		free(text);
		if (doc == NULL) {
			console_answer_error(ans, 500, "stats: not JSON");
			return;
		}
		console_answer_json(ans, 200, commune_only(doc, who->commune));
		json_decref(doc);
		return;
	}
	/* byte for byte what the command line prints */
	ans->status = 200;
	ans->body = text;
	ans->len = len;
	snprintf(ans->type, sizeof ans->type, "application/json; charset=utf-8");
}

/* ---- /api/overview ---- */

struct sums {
	long long households, listed_ever, listing_now, listings, orders, accepted, value;
	long long notices, messages, delivered, failed, waiting;
};

static long long
sat_add(long long a, long long b)
{
	long long r;

	return __builtin_add_overflow(a, b, &r) ? LLONG_MAX : r;
}

static void
add_fig(struct sums *t, const struct console_village_fig *v)
{
	t->households += v->households;
	t->listed_ever += v->listed_ever;
	t->listing_now += v->listing_now;
	t->listings += v->listings;
	t->orders += v->orders;
	t->accepted += v->accepted;
	t->value = sat_add(t->value, v->value);
}

static json_t *
sums_json(const struct sums *t, bool notices)
{
	json_t *o = json_pack("{sI sI sI sI sI sI sI}", "households", (json_int_t)t->households,
	    "listed_ever", (json_int_t)t->listed_ever, "listing_now", (json_int_t)t->listing_now,
	    "listings", (json_int_t)t->listings, "orders", (json_int_t)t->orders,
	    "accepted", (json_int_t)t->accepted, "value", (json_int_t)t->value);

	if (notices) {
		json_object_set_new(o, "notices", json_integer(t->notices));
		json_object_set_new(o, "messages", json_integer(t->messages));
		json_object_set_new(o, "delivered", json_integer(t->delivered));
		json_object_set_new(o, "failed", json_integer(t->failed));
		json_object_set_new(o, "waiting", json_integer(t->waiting));
		/* a percentage with one decimal, null when nothing was sent */
		json_object_set_new(o, "delivered_pct", t->messages ?
		    json_real((double)(t->delivered * 1000 / t->messages) / 10.0) : json_null());
	}
	return o;
}

struct overview {
	json_t *communes;		/* array being built */
	json_t *villages;		/* the current commune's */
	long long commune_id;		/* the current commune's */
	struct sums commune, all;
	struct sums *notice_of;		/* per commune id, filled first */
	long long max_commune;
	char commune_name[128];
};

static void
close_commune(struct overview *o)
{
	json_t *cj;

	if (o->villages == NULL)
		return;
	if (o->commune_id <= o->max_commune && o->notice_of != NULL) {
		const struct sums *n = &o->notice_of[o->commune_id];

		o->commune.notices = n->notices;
		o->commune.messages = n->messages;
		o->commune.delivered = n->delivered;
		o->commune.failed = n->failed;
		o->commune.waiting = n->waiting;
	}
	cj = sums_json(&o->commune, true);
	json_object_set_new(cj, "commune", json_string(o->commune_name));
	json_object_set_new(cj, "villages", o->villages);
	json_array_append_new(o->communes, cj);
	o->villages = NULL;
}

static int
on_fig(const struct console_village_fig *v, void *arg)
{
	struct overview *o = arg;
	struct sums one = {0};
	json_t *vj;

	if (o->villages == NULL || v->commune_id != o->commune_id) {
		close_commune(o);
		o->villages = json_array();
		o->commune_id = v->commune_id;
		memset(&o->commune, 0, sizeof o->commune);
		str_copy(o->commune_name, sizeof o->commune_name, v->commune);
	}
	add_fig(&one, v);
	add_fig(&o->commune, v);
	add_fig(&o->all, v);
	vj = sums_json(&one, false);
	json_object_set_new(vj, "code", json_string(v->code));
	json_object_set_new(vj, "village", json_string(v->village));
	json_array_append_new(o->villages, vj);
	return 0;
}

struct notice_scan {
	struct sums *by_id;
	long long max;
	struct sums *all;
};

static int
on_notice_fig(const struct console_notice_fig *f, void *arg)
{
	struct notice_scan *ns = arg;

	if (f->commune_id > 0 && f->commune_id <= ns->max) {
		struct sums *t = &ns->by_id[f->commune_id];

		t->notices = f->notices;
		t->messages = f->messages;
		t->delivered = f->delivered;
		t->failed = f->failed;
		t->waiting = f->waiting;
	}
	ns->all->notices += f->notices;
	ns->all->messages += f->messages;
	ns->all->delivered += f->delivered;
	ns->all->failed += f->failed;
	ns->all->waiting += f->waiting;
	return 0;
}

struct max_commune {
	long long max;
};

static int
on_village_max(const struct village *v, long long commune_id, void *arg)
{
	struct max_commune *m = arg;

	(void)v;
	if (commune_id > m->max)
		m->max = commune_id;
	return 0;
}

/* ---- series ---- */

struct series {
	long long first_day;
	long long *n;			/* SERIES_DAYS counts */
};

static int
on_day(long long day, long long n, void *arg)
{
	struct series *s = arg;

	if (day >= s->first_day && day < s->first_day + SERIES_DAYS)
		s->n[day - s->first_day] = n;
	return 0;
}

static json_t *
series_json(struct console *c, enum console_series what, long long commune_id, long long first_day,
    long long utc_offset, int *rc)
{
	long long n[SERIES_DAYS] = {0};
	struct series s = {first_day, n};
	json_t *a = json_array();

	if (store_console_daily(c->s, what, commune_id, first_day, utc_offset, on_day, &s) != STORE_OK)
		*rc = -1;
	for (int i = 0; i < SERIES_DAYS; i++)
		json_array_append_new(a, json_integer(n[i]));
	return a;
}

struct price_pt {
	long long day, price, n;
};

struct prices {
	struct price_pt *p;
	int n, cap;
};

static int
on_price(long long day, long long price, long long n, void *arg)
{
	struct prices *ps = arg;

	if (n <= 0)
		return 0;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 256;
		ps->p = xrealloc(ps->p, (size_t)ps->cap * sizeof *ps->p);
	}
	ps->p[ps->n++] = (struct price_pt){day, price, n};
	return 0;
}

static int
by_price(const void *a, const void *b)
{
	const struct price_pt *x = a, *y = b;

	return (x->price > y->price) - (x->price < y->price);
}

/* median_14: the median price per kg of the offers in the 14 days that end
 * on day (each price counted as often as it was offered), or -1 when
 * there were none. ps is sorted by price. */
static long long
median_14(const struct prices *ps, long long day)
{
	long long total = 0, seen = 0;

	for (int i = 0; i < ps->n; i++)
		if (ps->p[i].day <= day && ps->p[i].day > day - MK_PRICE_DAYS)
			total += ps->p[i].n;
	if (total == 0)
		return -1;
	for (int i = 0; i < ps->n; i++) {
		if (ps->p[i].day > day || ps->p[i].day <= day - MK_PRICE_DAYS)
			continue;
		seen += ps->p[i].n;
		if (seen * 2 >= total)
			return ps->p[i].price;
	}
	return -1;
}

static json_t *
prices_json(struct console *c, long long first_day, int *rc)
{
	char keys[TOP_PRODUCTS][64];
	int n = 0;
	json_t *out = json_array();

	if (store_console_top_products(c->s, first_day - MK_PRICE_DAYS, TOP_PRODUCTS, keys, &n) !=
	    STORE_OK) {
		*rc = -1;
		return out;
	}
	for (int k = 0; k < n; k++) {
		struct prices ps = {0};
		json_t *med = json_array();
		char label[128];

		if (store_console_prices(c->s, keys[k], first_day - MK_PRICE_DAYS, on_price, &ps) !=
		    STORE_OK)
			*rc = -1;
		qsort(ps.p, (size_t)ps.n, sizeof *ps.p, by_price);
		for (int d = 0; d < SERIES_DAYS; d++) {
			long long m = median_14(&ps, first_day + d);

			json_array_append_new(med, m < 0 ? json_null() : json_integer(m));
		}
		free(ps.p);
		mk_product_key(c->act, keys[k], label, sizeof label);
		json_array_append_new(out, json_pack("{ss ss so}", "product", keys[k], "label", label,
		    "median_per_kg", med));
	}
	return out;
}

static json_t *
days_json(long long first_day)
{
	json_t *a = json_array();

	for (int i = 0; i < SERIES_DAYS; i++) {
		time_t t = (time_t)((first_day + i) * 86400);
		struct tm tm;
		char d[16];

		gmtime_r(&t, &tm);	/* a local day number is a date at UTC midnight */
		strftime(d, sizeof d, "%Y-%m-%d", &tm);
		json_array_append_new(a, json_string(d));
	}
	return a;
}

/* local_offset: seconds east of UTC at t in the process's TZ (serve sets
 * it from [broadcast] timezone; Vietnam has no summer time) */
static long long
local_offset(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

void
console_api_overview(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	struct overview o;
	struct max_commune mc = {0};
	struct notice_scan ns;
	long long commune_id, now = console_now(c), today = mk_day(now), first_day, utc_offset;
	json_t *doc, *series;
	int rc = 0;

	if (console_scope(c, who, req, &commune_id, ans) < 0)
		return;
	memset(&o, 0, sizeof o);
	utc_offset = local_offset(now);
	first_day = today - SERIES_DAYS + 1;
	if (store_console_villages(c->s, commune_id, on_village_max, &mc) != STORE_OK)
		rc = -1;
	o.max_commune = mc.max;
	o.notice_of = xcalloc((size_t)mc.max + 1, sizeof *o.notice_of);
	ns = (struct notice_scan){o.notice_of, mc.max, &o.all};
	o.communes = json_array();
	if (rc == 0 && store_console_notice_figs(c->s, commune_id, on_notice_fig, &ns) != STORE_OK)
		rc = -1;
	if (rc == 0 && store_console_village_figs(c->s, commune_id, on_fig, &o) != STORE_OK)
		rc = -1;
	close_commune(&o);
	free(o.notice_of);
	series = json_object();
	json_object_set_new(series, "mo", series_json(c, CS_MO, commune_id, first_day, utc_offset, &rc));
	json_object_set_new(series, "listings", series_json(c, CS_LISTINGS, commune_id, first_day,
	    utc_offset, &rc));
	json_object_set_new(series, "accepted", series_json(c, CS_ACCEPTED, commune_id, first_day,
	    utc_offset, &rc));
	doc = json_object();
	json_object_set_new(doc, "scope", json_string(commune_id ? o.commune_name : ""));
	json_object_set_new(doc, "province", sums_json(&o.all, true));
	json_object_set_new(doc, "communes", o.communes);
	json_object_set_new(doc, "days", days_json(first_day));
	json_object_set_new(doc, "series", series);
	json_object_set_new(doc, "prices", prices_json(c, first_day, &rc));
	if (rc < 0) {
		json_decref(doc);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	console_answer_json(ans, 200, doc);
}

/* ---- /api/villages ---- */

static int
on_village_json(const struct village *v, long long commune_id, void *arg)
{
	(void)commune_id;
	json_array_append_new(arg, json_pack("{ss ss ss ss}", "code", v->code, "name", v->name,
	    "commune", v->commune, "old_district", v->old_district));
	return 0;
}

void
console_api_villages(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	long long commune_id;
	json_t *a;

	if (console_scope(c, who, req, &commune_id, ans) < 0)
		return;
	a = json_array();
	if (store_console_villages(c->s, commune_id, on_village_json, a) != STORE_OK) {
		json_decref(a);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	console_answer_json(ans, 200, json_pack("{so}", "villages", a));
}

/* ---- /api/audit ---- */

static int
on_audit(const struct console_audit *a, void *arg)
{
	json_array_append_new(arg, json_pack("{sI sI ss ss ss}", "id", (json_int_t)a->id, "at",
	    (json_int_t)a->at, "login", a->login, "action", a->action, "detail", a->detail));
	return 0;
}

void
console_api_audit(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_answer *ans)
{
	json_t *a = json_array();

	(void)who;
	(void)req;	/* admins only (the route table), the latest 500 */
	if (store_console_audit_each(c->s, 500, on_audit, a) != STORE_OK) {
		json_decref(a);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	console_answer_json(ans, 200, json_pack("{so}", "audit", a));
}
