/*
 * console_data.c - the console's people and notices: search and page
 * through people, export them as CSV (UTF-8 with a BOM, for Excel), add or
 * edit one, import an uploaded CSV through the same all-or-nothing import
 * as `langso import`, list notices with their figures, and compose one
 * through the same path as an SMS TB. Every change is audited.
 */
#include "actions/console_int.h"
#include "actions/actions_int.h"
#include "actions/notice_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE_DEFAULT 50
#define PAGE_MAX 200
#define NOTICES_MAX 200
#define UNREACHED_SHOWN 200

static bool
is_viewer(const struct console_who *who)
{
	return strcmp(who->role, "viewer") == 0;
}

/* phone_shown: viewers see masked numbers (8491***4567) */
static void
phone_shown(const struct console_who *who, const char *phone, char *out, size_t outlen)
{
	if (is_viewer(who))
		phone_mask(phone, out, outlen);
	else
		str_copy(out, outlen, phone);
}

static long
arg_long(const struct console_req *req, const char *name, long def, long min, long max)
{
	const char *v = req->arg(req, name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end != '\0' || n < min)
		return def;
	return n > max ? max : n;
}

/* village_scope: 0 when the user may read (write: change) village code's
 * data, else -1 with ans filled (404 unknown, 403 another commune). */
static int
village_scope(struct console *c, const struct console_who *who, const char *code, bool write,
    long long *commune_id, struct console_answer *ans)
{
	int rc = store_console_village_commune(c->s, code, commune_id);

	if (rc != STORE_OK) {
		console_answer_error(ans, rc == STORE_NONE ? 404 : 500,
		    rc == STORE_NONE ? "Không có thôn này" : "Lỗi cơ sở dữ liệu");
		return -1;
	}
	if (strcmp(who->role, "commune") == 0 && *commune_id != who->commune_id) {
		console_answer_error(ans, 403, "Thôn này không thuộc xã của bạn");
		return -1;
	}
	if (write && is_viewer(who)) {
		console_answer_error(ans, 403, "Tài khoản chỉ xem không được thay đổi");
		return -1;
	}
	return 0;
}

/* ---- people ---- */

struct people_out {
	const struct console_who *who;
	json_t *a;
	FILE *csv;
};

static int
on_person(const struct console_person *p, void *arg)
{
	struct people_out *o = arg;
	char phone[24];

	phone_shown(o->who, p->phone, phone, sizeof phone);
	json_array_append_new(o->a, json_pack("{sI ss ss ss ss ss ss sb}", "id", (json_int_t)p->id,
	    "phone", phone, "name", p->name, "village_code", p->village_code, "village", p->village,
	    "commune", p->commune, "role", p->role, "opted_out", p->opted_out));
	return 0;
}

/* people_query reads the filter arguments (and checks their scope). */
static int
people_query(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_people_q *q, struct console_answer *ans)
{
	long long vc;

	memset(q, 0, sizeof *q);
	if (console_scope(c, who, req, &q->commune_id, ans) < 0)
		return -1;
	q->village_code = req->arg(req, "village");
	q->text = req->arg(req, "q");
	if (q->village_code != NULL && q->village_code[0] != '\0' &&
	    village_scope(c, who, q->village_code, false, &vc, ans) < 0)
		return -1;
	return 0;
}

void
console_api_people(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_answer *ans)
{
	struct console_people_q q;
	struct people_out o = {who, NULL, NULL};
	long long total = 0;
	long page, per;

	if (people_query(c, who, req, &q, ans) < 0)
		return;
	page = arg_long(req, "page", 1, 1, 1000000);
	per = arg_long(req, "per", PAGE_DEFAULT, 1, PAGE_MAX);
	q.limit = (int)per;
	q.offset = (int)((page - 1) * per);
	o.a = json_array();
	if (store_console_people(c->s, &q, &total, on_person, &o) != STORE_OK) {
		json_decref(o.a);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	console_answer_json(ans, 200, json_pack("{sI sI sI so}", "total", (json_int_t)total, "page",
	    (json_int_t)page, "per", (json_int_t)per, "people", o.a));
}

/* console_csv_field writes v as one CSV field through libcsv, which quotes it and
 * doubles its quotes (RFC 4180), the same library the import reads with.
 * A free text (a name) starting with = + - @ gets a ' in front, so a
 * spreadsheet never runs it as a formula; phones, codes and roles are
 * langso's own checked values and stay as they are (re-importable). */
void
console_csv_field(FILE *f, const char *v, bool free_text)
{
	if (free_text && v[0] != '\0' && strchr("=+-@", v[0]) != NULL) {
		char *guarded;

		if (asprintf(&guarded, "'%s", v) < 0)
			return;
		csv_fwrite(f, guarded, strlen(guarded));
		free(guarded);
		return;
	}
	csv_fwrite(f, v, strlen(v));
}

static int
on_person_csv(const struct console_person *p, void *arg)
{
	struct people_out *o = arg;
	char phone[24];

	phone_shown(o->who, p->phone, phone, sizeof phone);
	console_csv_field(o->csv, phone, false);
	fputc(',', o->csv);
	console_csv_field(o->csv, p->name, true);
	fputc(',', o->csv);
	console_csv_field(o->csv, p->village_code, false);
	fputc(',', o->csv);
	console_csv_field(o->csv, p->role, false);
	fputs("\r\n", o->csv);
	return 0;
}

void
console_api_people_csv(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	struct console_people_q q;
	struct people_out o = {who, NULL, NULL};
	long long total = 0;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (people_query(c, who, req, &q, ans) < 0)
		return;
	q.limit = -1;		/* every row: SQLite's LIMIT -1 */
	o.csv = open_memstream(&text, &len);
	/* the BOM makes Excel read UTF-8; the columns are the import's */
	fputs("\xEF\xBB\xBFphone,name,village_code,role\r\n", o.csv);
	rc = store_console_people(c->s, &q, &total, on_person_csv, &o);
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
	snprintf(ans->filename, sizeof ans->filename, "people.csv");
}

static json_t *
body_object(const struct console_req *req, struct console_answer *ans)
{
	json_t *doc = json_loadb(req->body ? req->body : "", req->body_len, 0, NULL);

	if (doc == NULL || !json_is_object(doc)) {
		json_decref(doc);
		console_answer_error(ans, 400, "Yêu cầu phải là một đối tượng JSON");
		return NULL;
	}
	return doc;
}

static const char *
str_of(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* text_ok: non-empty, valid UTF-8 (jansson checked), shorter than max
 * bytes, no control characters */
static bool
text_ok(const char *v, size_t max)
{
	if (v[0] == '\0' || strlen(v) >= max)
		return false;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* person_check validates the body into p; -1 with ans filled */
static int
person_check(json_t *doc, struct person *p, struct console_answer *ans)
{
	static const char *const roles[] = {"household", "head", "official"};
	const char *role = str_of(doc, "role");

	memset(p, 0, sizeof *p);
	if (phone_to_e164(str_of(doc, "phone"), p->phone, sizeof p->phone) != 0) {
		console_answer_error(ans, 422, "Số điện thoại không hợp lệ");
		return -1;
	}
	if (!text_ok(str_of(doc, "name"), sizeof p->name)) {
		console_answer_error(ans, 422, "Tên phải có, dưới 128 byte, không có ký tự điều khiển");
		return -1;
	}
	str_copy(p->name, sizeof p->name, str_of(doc, "name"));
	str_copy(p->village_code, sizeof p->village_code, str_of(doc, "village_code"));
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(role, roles[i]) == 0)
			str_copy(p->role, sizeof p->role, roles[i]);
	if (p->role[0] == '\0') {
		console_answer_error(ans, 422, "Vai trò phải là household, head hoặc official");
		return -1;
	}
	p->opted_out = json_is_true(json_object_get(doc, "opted_out"));
	return 0;
}

void
console_api_person_save(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	json_t *doc = body_object(req, ans);
	struct person p, old;
	long long cid;
	bool changed = false;
	int rc;

	if (doc == NULL)
		return;
	rc = person_check(doc, &p, ans);
	json_decref(doc);
	if (rc < 0 || village_scope(c, who, p.village_code, true, &cid, ans) < 0)
		return;
	if (store_begin(c->s) != STORE_OK)
		goto fail;
	rc = store_person_by_phone(c->s, p.phone, &old);
	if (rc == STORE_ERR)
		goto fail_tx;
	/* a commune user may not take a household from another commune */
	if (rc == STORE_OK && old.village_code[0] != '\0' &&
	    village_scope(c, who, old.village_code, true, &cid, ans) < 0) {
		store_rollback(c->s);
		return;
	}
	if (store_person_upsert(c->s, &p, &changed) != STORE_OK ||
	    store_person_set_opted_out(c->s, p.phone, p.opted_out) != STORE_OK ||
	    console_audit(c, who, rc == STORE_OK ? "person-edit" : "person-add",
	    "%s %s, %s, %s%s", p.phone, p.name, p.village_code, p.role,
	    p.opted_out ? ", NGUNG" : "") < 0)
		goto fail_tx;
	if (store_commit(c->s) != STORE_OK)
		goto fail_tx;
	console_answer_json(ans, rc == STORE_OK ? 200 : 201, json_pack("{ss ss ss ss sb}", "phone",
	    p.phone, "name", p.name, "village_code", p.village_code, "role", p.role, "opted_out",
	    p.opted_out));
	return;
fail_tx:
	store_rollback(c->s);
fail:
	console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
}

/* ---- import ---- */

/* shown_name: the upload's file name as the errors cite it (its last path
 * component, printable, at most 60 bytes), "CSV" without one */
static void
shown_name(const struct console_req *req, char *out, size_t outlen)
{
	const char *n = req->arg(req, "name"), *slash;
	size_t j = 0;

	if (n == NULL || n[0] == '\0')
		n = "CSV";
	if ((slash = strrchr(n, '/')) != NULL || (slash = strrchr(n, '\\')) != NULL)
		n = slash + 1;
	for (const unsigned char *p = (const unsigned char *)n; *p && j + 1 < outlen && j < 60; p++)
		if (*p >= 0x20 && *p != 0x7f)
			out[j++] = (char)*p;
	out[utf8_cut_len(out, j)] = '\0';
	if (out[0] == '\0')
		str_copy(out, outlen, "CSV");
}

/* errors_json turns "PATH:LINE: reason" lines into an array of
 * "NAME:LINE: reason" (the temporary file's path is nobody's business). */
static json_t *
errors_json(const char *errs, const char *path, const char *name)
{
	json_t *a = json_array();
	size_t plen = strlen(path);

	for (const char *line = errs; *line; ) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char *one = xmalloc(n + strlen(name) + 1);

		if (n >= plen && strncmp(line, path, plen) == 0)
			snprintf(one, n + strlen(name) + 1, "%s%.*s", name, (int)(n - plen), line + plen);
		else
			snprintf(one, n + strlen(name) + 1, "%.*s", (int)n, line);
		json_array_append_new(a, json_string(one));
		free(one);
		line += n + (end ? 1 : 0);
	}
	return a;
}

static bool
content_is_csv(const char *type)
{
	return strncmp(type, "text/csv", 8) == 0 || strncmp(type, "text/plain", 10) == 0;
}

static void
import_upload(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_answer *ans, bool villages)
{
	char path[] = "/tmp/langso-upload-XXXXXX", name[64], *errs;
	int fd, rc, changed = 0;
	bool wrote;

	if (!content_is_csv(req->content_type)) {
		console_answer_error(ans, 415, "Tệp phải là CSV (Content-Type: text/csv)");
		return;
	}
	if (memchr(req->body, '\0', req->body_len) != NULL) {
		console_answer_error(ans, 415, "Đây không phải tệp CSV: tệp có dữ liệu nhị phân");
		return;
	}
	shown_name(req, name, sizeof name);
	if ((fd = mkstemp(path)) < 0) {
		console_answer_error(ans, 500, "Không tạo được tệp tạm");
		return;
	}
	wrote = write(fd, req->body, req->body_len) == (ssize_t)req->body_len;
	close(fd);
	if (!wrote) {
		unlink(path);
		console_answer_error(ans, 500, "Không ghi được tệp tạm");
		return;
	}
	errs = xmalloc(65536);
	if (villages)
		rc = actions_import_villages(c->s, path, errs, 65536, &changed);
	else if (strcmp(who->role, "commune") == 0)
		rc = actions_import_people_in(c->s, path, who->commune, errs, 65536, &changed);
	else
		rc = actions_import_people(c->s, path, errs, 65536, &changed);
	unlink(path);
	if (rc < 0) {
		console_answer_json(ans, 422, json_pack("{ss so}", "error",
		    "Tệp có lỗi, chưa nhập gì. Sửa các dòng sau rồi tải lên lại",
		    "errors", errors_json(errs, path, name)));
		free(errs);
		return;
	}
	free(errs);
	/* the import committed on its own; the audit row follows it */
	if (console_audit(c, who, villages ? "import-villages" : "import-people",
	    "%s: %d rows added or changed", name, changed) < 0) {
		console_answer_error(ans, 500, "Đã nhập, nhưng không ghi được nhật ký");
		return;
	}
	console_answer_json(ans, 200, json_pack("{sI}", "changed", (json_int_t)changed));
}

void
console_api_import_villages(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	import_upload(c, who, req, ans, true);
}

void
console_api_import_people(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	import_upload(c, who, req, ans, false);
}

/* ---- notices ---- */

static json_t *
notice_json(const struct console_notice *n)
{
	return json_pack("{sI sI sI ss ss sb ss sI sI sI sI sI}", "id", (json_int_t)n->r.id,
	    "created_at", (json_int_t)n->created_at, "send_at", (json_int_t)n->r.send_at,
	    "target", n->target, "sender", n->sender, "urgent", n->urgent, "text", n->r.text,
	    "recipients", (json_int_t)n->r.recipients, "sent", (json_int_t)n->r.sent,
	    "delivered", (json_int_t)n->r.delivered, "waiting", (json_int_t)n->r.waiting,
	    "failed", (json_int_t)n->r.failed);
}

static int
on_notice(const struct console_notice *n, void *arg)
{
	json_array_append_new(arg, notice_json(n));
	return 0;
}

void
console_api_notices(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	long long commune_id;
	json_t *a;

	if (console_scope(c, who, req, &commune_id, ans) < 0)
		return;
	a = json_array();
	if (store_console_notices(c->s, commune_id, NOTICES_MAX, on_notice, a) != STORE_OK) {
		json_decref(a);
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		return;
	}
	console_answer_json(ans, 200, json_pack("{so}", "notices", a));
}

void
console_api_notice(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_answer *ans)
{
	struct console_notice *n = xmalloc(sizeof *n);
	struct broadcast_recipient *who_not = NULL;
	long id = arg_long(req, "id", 0, 1, 0x7fffffffL);
	int rc = id ? store_console_notice(c->s, id, n) : STORE_NONE, k = 0;
	json_t *doc, *un;

	if (rc == STORE_OK && strcmp(who->role, "commune") == 0 && n->commune_id != who->commune_id) {
		console_answer_error(ans, 403, "Thông báo này không thuộc xã của bạn");
		goto out;
	}
	if (rc != STORE_OK) {
		console_answer_error(ans, rc == STORE_NONE ? 404 : 500,
		    rc == STORE_NONE ? "Không có thông báo này" : "Lỗi cơ sở dữ liệu");
		goto out;
	}
	who_not = xmalloc(UNREACHED_SHOWN * sizeof *who_not);
	if (store_broadcast_unreached(c->s, id, UNREACHED_SHOWN, who_not, &k) != STORE_OK) {
		console_answer_error(ans, 500, "Lỗi cơ sở dữ liệu");
		goto out;
	}
	doc = notice_json(n);
	un = json_array();
	for (int i = 0; i < k; i++) {
		char phone[24];

		phone_shown(who, who_not[i].phone, phone, sizeof phone);
		json_array_append_new(un, json_pack("{ss ss}", "phone", phone, "name", who_not[i].name));
	}
	json_object_set_new(doc, "unreached", un);
	console_answer_json(ans, 200, doc);
out:
	free(who_not);
	free(n);
}

static int
first_code(const struct village *v, long long commune_id, void *arg)
{
	(void)commune_id;
	str_copy(arg, 8, v->code);
	return 1;		/* the first is enough */
}

/* notice_req reads a compose body and checks the user may send there. */
static int
notice_req(struct console *c, const struct console_who *who, json_t *doc,
    struct act_console_notice_req *q, char *code, struct console_answer *ans)
{
	const char *village = str_of(doc, "village_code"), *commune = str_of(doc, "commune");
	long long cid;
	int rc;

	memset(q, 0, sizeof *q);
	q->text = str_of(doc, "text");
	q->urgent = json_is_true(json_object_get(doc, "urgent"));
	q->user_id = who->user_id;
	q->login = who->login;
	if (q->text[0] == '\0' || strlen(q->text) >= CMD_TEXT_MAX) {
		console_answer_error(ans, 422, "Nội dung thông báo phải có và ngắn hơn 2048 byte");
		return -1;
	}
	if (village[0] != '\0') {
		if (village_scope(c, who, village, true, &cid, ans) < 0)
			return -1;
		str_copy(code, 8, village);
		return 0;
	}
	/* a whole commune: the user's own, or (admin) the one named */
	if (strcmp(who->role, "commune") == 0 && commune[0] != '\0' && strcmp(commune, who->commune) != 0) {
		console_answer_error(ans, 403, "Bạn chỉ gửi được thông báo trong xã của mình");
		return -1;
	}
	if (strcmp(who->role, "commune") == 0)
		commune = who->commune;
	q->whole_commune = true;
	rc = store_console_commune_id(c->s, commune, &cid);
	if (rc == STORE_OK) {
		code[0] = '\0';
		rc = store_console_villages(c->s, cid, first_code, code);
		rc = rc == STORE_ERR ? STORE_ERR : code[0] != '\0' ? STORE_OK : STORE_NONE;
	}
	if (rc != STORE_OK) {
		console_answer_error(ans, rc == STORE_NONE ? 404 : 500, rc == STORE_NONE ?
		    "Chọn một thôn hoặc một xã có trong danh sách" : "Lỗi cơ sở dữ liệu");
		return -1;
	}
	return 0;
}

static const char *
coding_name(int coding)
{
	return coding == 2 ? "UCS-2" : "GSM-7";
}

static json_t *
notice_out_json(const struct console *c, const struct act_notice *o)
{
	return json_pack("{ss ss ss si sI sI sb sI sb}", "label", o->label, "text", o->text,
	    "coding", coding_name(o->coding), "parts", o->parts, "chars", (json_int_t)o->chars,
	    "max_chars", (json_int_t)o->max_chars, "too_long", o->too_long,
	    "send_at", (json_int_t)o->send_at, "quiet_hours", o->send_at > console_now(c));
}

/* compose runs a preview (dry_run) or a send; the caller answers */
static void
compose(struct console *c, const struct console_who *who, const struct console_req *req,
    struct console_answer *ans, bool send)
{
	json_t *doc = body_object(req, ans), *out;
	struct act_console_notice_req q;
	struct act_notice *o;
	char code[8];
	int rc;

	if (doc == NULL)
		return;
	if (notice_req(c, who, doc, &q, code, ans) < 0) {
		json_decref(doc);
		return;
	}
	q.village_code = code;
	q.dry_run = !send;
	o = xmalloc(sizeof *o);
	if (store_begin(c->s) != STORE_OK) {
		rc = -1;
	} else {
		rc = act_console_notice(c->act, &q, o);
		if (rc == 0 && send && !o->too_long && o->recipients > 0 &&
		    console_audit(c, who, "notice", "TB #%lld to %s (%lld households)%s: %s", o->id,
		    o->label, o->recipients, q.urgent ? " urgent" : "", q.text) < 0)
			rc = -1;
		/* a preview, a refusal or an empty target records nothing */
		if (rc == 0 && send && !o->too_long && o->recipients > 0) {
			if (store_commit(c->s) != STORE_OK) {
				store_rollback(c->s);
				rc = -1;
			}
		} else {
			store_rollback(c->s);
		}
	}
	json_decref(doc);
	if (rc != 0) {
		console_answer_error(ans, rc > 0 ? 404 : 500, rc > 0 ? "Không có thôn này" :
		    "Lỗi cơ sở dữ liệu");
		free(o);
		return;
	}
	out = notice_out_json(c, o);
	if (!send) {
		console_answer_json(ans, 200, out);
	} else if (o->too_long) {
		json_object_set_new(out, "error", json_string("Thông báo dài quá, chưa gửi"));
		console_answer_json(ans, 422, out);
	} else if (o->recipients == 0) {
		json_object_set_new(out, "error", json_string(o->opted_out > 0 ?
		    "Mọi hộ ở đây đã NGUNG nhận tin, chưa gửi" : "Chưa có hộ nào đăng ký ở đây, chưa gửi"));
		console_answer_json(ans, 422, out);
	} else {
		c->queued += (int)o->recipients;
		json_object_set_new(out, "id", json_integer(o->id));
		json_object_set_new(out, "recipients", json_integer(o->recipients));
		json_object_set_new(out, "opted_out", json_integer(o->opted_out));
		console_answer_json(ans, 201, out);
	}
	free(o);
}

void
console_api_notice_preview(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	compose(c, who, req, ans, false);
}

void
console_api_notice_send(struct console *c, const struct console_who *who,
    const struct console_req *req, struct console_answer *ans)
{
	compose(c, who, req, ans, true);
}
