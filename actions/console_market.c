/*
 * console_market.c - the console's market and messages: listings and orders
 * with filters (product, commune, status), the order sheet for the post
 * office (accepted orders per commune: seller, village, product, quantity,
 * buyer's phone) as JSON or CSV, and one phone's inbox and outbox. Texts
 * are formatted as the SMS replies format them (market_fmt.c).
 */
#include "actions/console_int.h"
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARKET_PAGE 50
#define MESSAGES_MAX 100

static long
page_of(const struct console_req *req)
{
	const char *v = req->arg(req, "page");
	char *end;
	long n;

	if (v == NULL)
		return 1;
	errno = 0;
	n = strtol(v, &end, 10);
	return errno || *end != '\0' || n < 1 || n > 100000 ? 1 : n;
}

static void
shown_phone(const struct console_who *who, const char *phone, char *out, size_t len)
{
	if (strcmp(who->role, "viewer") == 0)
		phone_mask(phone, out, len);
	else
		str_copy(out, len, phone);
}

/* market_query: the filters and the scope; -1 with ans filled */
static int
market_query(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_market_q *q, struct console_answer *ans)
{
	static const char *const statuses[] = {"open", "sold_out", "cancelled", "pending", "accepted",
	    "declined", "expired"};
	const char *st = req->arg(req, "status");
	long page = page_of(req);

	memset(q, 0, sizeof *q);
	if (console_scope(c, who, req, &q->commune_id, ans) < 0)
		return -1;
	q->product = req->arg(req, "product");
	if (st != NULL && st[0] != '\0') {
		q->status = NULL;
		for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
			if (strcmp(st, statuses[i]) == 0)
				q->status = statuses[i];
		if (q->status == NULL) {
			console_answer_error(ans, 400, "Trạng thái không hợp lệ");
			return -1;
		}
	}
	q->limit = MARKET_PAGE;
	q->offset = (int)((page - 1) * MARKET_PAGE);
	return 0;
}

struct market_out {
	struct console *c;
	const struct console_who *who;
	json_t *a;
	FILE *csv;
};

static json_t *
listing_json(struct console *c, const struct console_who *who, const struct listing *l)
{
	char product[300], qty[64], left[64], price[64], phone[24], note[MARKET_NOTE_MAX];

	mk_product(c->act, l, product, sizeof product);
	mk_qty(l->qty, l->unit, qty, sizeof qty);
	mk_qty(l->qty_left, l->unit, left, sizeof left);
	mk_price(l, price, sizeof price);
	mk_note(l, note, sizeof note);
	shown_phone(who, l->seller_phone, phone, sizeof phone);
	return json_pack("{sI ss ss ss ss ss ss ss ss ss ss ss sI}", "id", (json_int_t)l->id,
	    "product", product, "product_key", l->product, "qty", qty, "qty_left", left, "price", price,
	    "seller", l->seller_name, "seller_phone", phone, "village", l->village, "commune",
	    l->commune, "note", note, "status", l->status, "created_at", (json_int_t)l->created_at);
}

static int
on_listing(const struct listing *l, void *arg)
{
	struct market_out *o = arg;

	json_array_append_new(o->a, listing_json(o->c, o->who, l));
	return 0;
}

void
console_api_listings(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	struct console_market_q q;
	struct market_out o = {c, who, NULL, NULL};

	if (market_query(c, who, req, &q, ans) < 0)
		return;
	o.a = json_array();
	if (store_console_listings(c->s, &q, on_listing, &o) != STORE_OK) {
		json_decref(o.a);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	console_answer_json(ans, 200, json_pack("{sI so}", "page", (json_int_t)page_of(req),
	    "listings", o.a));
}

static json_t *
order_json(struct console *c, const struct console_who *who, const struct console_order *o)
{
	char qty[64], buyer[24];
	json_t *j = json_pack("{sI ss ss sI sI sI}", "id", (json_int_t)o->id, "status", o->status,
	    "qty", mk_qty(o->qty, o->l.unit, qty, sizeof qty), "value", (json_int_t)o->value,
	    "created_at", (json_int_t)o->created_at, "decided_at", (json_int_t)o->decided_at);

	shown_phone(who, o->buyer_phone, buyer, sizeof buyer);
	json_object_set_new(j, "buyer_phone", json_string(buyer));
	json_object_set_new(j, "listing", listing_json(c, who, &o->l));
	return j;
}

static int
on_order(const struct console_order *ord, void *arg)
{
	struct market_out *o = arg;

	json_array_append_new(o->a, order_json(o->c, o->who, ord));
	return 0;
}

void
console_api_orders(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	struct console_market_q q;
	struct market_out o = {c, who, NULL, NULL};

	if (market_query(c, who, req, &q, ans) < 0)
		return;
	o.a = json_array();
	if (store_console_orders(c->s, &q, on_order, &o) != STORE_OK) {
		json_decref(o.a);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	console_answer_json(ans, 200, json_pack("{sI so}", "page", (json_int_t)page_of(req),
	    "orders", o.a));
}

/* csv_cell: one field of a row, then a comma or the row's end */
static void
csv_cell(FILE *f, const char *v, bool free_text, bool last)
{
	console_csv_field(f, v, free_text);
	fputs(last ? "\r\n" : ",", f);
}

static int
on_sheet_csv(const struct console_order *ord, void *arg)
{
	struct market_out *o = arg;
	char product[300], qty[64], buyer[24], id[24], seller_phone[24];

	mk_product(o->c->act, &ord->l, product, sizeof product);
	mk_qty(ord->qty, ord->l.unit, qty, sizeof qty);
	shown_phone(o->who, ord->buyer_phone, buyer, sizeof buyer);
	shown_phone(o->who, ord->l.seller_phone, seller_phone, sizeof seller_phone);
	snprintf(id, sizeof id, "%lld", ord->id);
	csv_cell(o->csv, ord->l.commune, true, false);
	csv_cell(o->csv, ord->l.village, true, false);
	csv_cell(o->csv, id, false, false);
	csv_cell(o->csv, ord->l.seller_name, true, false);
	csv_cell(o->csv, seller_phone, false, false);
	csv_cell(o->csv, product, true, false);
	csv_cell(o->csv, qty, false, false);
	csv_cell(o->csv, buyer, false, true);
	return 0;
}

void
console_api_sheet(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_answer *ans)
{
	struct market_out o = {c, who, NULL, NULL};
	const char *format = req->arg(req, "format");
	long long commune_id;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (console_scope(c, who, req, &commune_id, ans) < 0)
		return;
	if (format == NULL || strcmp(format, "csv") != 0) {
		o.a = json_array();
		if (store_console_sheet(c->s, commune_id, on_order, &o) != STORE_OK) {
			json_decref(o.a);
			console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
			return;
		}
		console_answer_json(ans, 200, json_pack("{so}", "orders", o.a));
		return;
	}
	o.csv = open_memstream(&text, &len);
	fputs("\xEF\xBB\xBF\"xã\",\"thôn\",\"đơn\",\"người bán\",\"số người bán\",\"sản phẩm\","
	    "\"số lượng\",\"số người mua\"\r\n", o.csv);
	rc = store_console_sheet(c->s, commune_id, on_sheet_csv, &o);
	fclose(o.csv);
	if (rc != STORE_OK) {
		free(text);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	ans->status = 200;
	ans->body = text;
	ans->len = len;
	snprintf(ans->type, sizeof ans->type, "text/csv; charset=utf-8");
	snprintf(ans->filename, sizeof ans->filename, "phieu-giao-hang.csv");
}

/* ---- one phone's messages (admins) ---- */

static int
on_msg(const struct console_msg *m, void *arg)
{
	json_t *j;

	if (m->from_phone)
		j = json_pack("{ss sI sI ss ss ss}", "dir", "in", "id", (json_int_t)m->id, "at",
		    (json_int_t)m->at, "text", m->text, "action", m->action, "reply", m->reply);
	else
		j = json_pack("{ss sI sI ss ss si sI}", "dir", "out", "id", (json_int_t)m->id, "at",
		    (json_int_t)m->at, "text", m->text, "status", m->status, "dlr_type", m->dlr_type,
		    "broadcast_id", (json_int_t)m->broadcast_id);
	json_array_append_new(arg, j);
	return 0;
}

void
console_api_messages(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	const char *in = req->arg(req, "phone");
	char phone[20];
	json_t *a;

	(void)who;	/* admins only: the route table */
	if (in == NULL || phone_to_e164(in, phone, sizeof phone) != 0) {
		console_answer_error(ans, 400, "Nhập một số điện thoại");
		return;
	}
	a = json_array();
	if (store_console_messages(c->s, phone, MESSAGES_MAX, on_msg, a) != STORE_OK) {
		json_decref(a);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	console_answer_json(ans, 200, json_pack("{ss so}", "phone", phone, "messages", a));
}

/* ---- health: the outbox's depth and the delivery reports ---- */

void
console_api_health(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	struct outbox_counts oc;
	long long reported;

	(void)who;
	(void)req;
	if (store_outbox_counts(c->s, &oc) != STORE_OK) {
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	reported = oc.delivered + oc.undelivered;
	console_answer_json(ans, 200, json_pack("{s{sI sI sI sI sI sI} so}", "outbox",
	    "queued", (json_int_t)oc.queued, "sending", (json_int_t)oc.sending,
	    "accepted", (json_int_t)oc.accepted, "failed", (json_int_t)oc.failed,
	    "delivered", (json_int_t)oc.delivered, "undelivered", (json_int_t)oc.undelivered,
	    "delivered_pct", reported ? json_real((double)(oc.delivered * 1000 / reported) / 10.0) :
	    json_null()));
}
