/*
 * import.c - `langso import villages|people`: reads an operator's CSV file
 * (as a spreadsheet saves it), checks every row, and applies the whole file
 * in one transaction or nothing of it. Every bad row is reported as
 * "CSV:LINE: reason", all of them in one run, so an operator fixes the file
 * once. No SQL here: rows go through store_*_upsert.
 *
 * CSV as accepted: UTF-8 with an optional BOM, a header row, commas, fields
 * optionally in double quotes ("" is a quote inside; a quoted field may span
 * lines), CRLF or LF line ends, blank lines skipped, spaces around unquoted
 * fields trimmed. LINE is the physical line where the record starts.
 * The CSV itself is libcsv's (strict mode); this file feeds it one physical
 * line at a time, which is how it knows where each record starts.
 */
#include "actions/actions.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <csv.h>
#include <utf8proc.h>

#include "common/common.h"
#include "storage/store.h"

/* A whole province is ~1,650 villages and some tens of thousands of people:
 * a few MB at most. The cap only stops a wrong file (a database, a video). */
#define IMPORT_FILE_MAX (64u << 20)
#define CSV_FIELDS_MAX 16	/* more than any header we accept */

struct csv_row {
	int line;		/* where the record starts */
	int nf;			/* fields seen, may exceed CSV_FIELDS_MAX */
	char *f[CSV_FIELDS_MAX];
	const char *bad;	/* syntax error in this record, or NULL */
};

struct import_err {
	int line, seq;
	char *msg;
};

struct import {
	const char *path;
	struct import_err *errs;
	int nerr, cap;
	const char *only_commune;	/* people: every row's village in it (console), or NULL */
};

static void
import_err(struct import *im, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
import_err(struct import *im, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (im->nerr == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 16;
		im->errs = xrealloc(im->errs, (size_t)im->cap * sizeof *im->errs);
	}
	im->errs[im->nerr] = (struct import_err){line, im->nerr, xstrdup(msg)};
	im->nerr++;
}

static int
err_cmp(const void *a, const void *b)
{
	const struct import_err *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* import_report writes the errors in line order, whole lines only; when
 * errs is too small the last line that fits says how many were left out. */
static void
import_report(struct import *im, char *errs, size_t errlen)
{
	size_t used = 0;

	if (errs == NULL || errlen == 0)
		return;
	errs[0] = '\0';
	if (im->nerr == 0)
		return;
	qsort(im->errs, (size_t)im->nerr, sizeof *im->errs, err_cmp);
	for (int i = 0; i < im->nerr; i++) {
		char line[700], more[64];
		int n;

		if (im->errs[i].line > 0)
			n = snprintf(line, sizeof line, "%s:%d: %s\n", im->path,
			    im->errs[i].line, im->errs[i].msg);
		else
			n = snprintf(line, sizeof line, "%s: %s\n", im->path,
			    im->errs[i].msg);
		snprintf(more, sizeof more, "... and %d more\n", im->nerr - i);
		if (n < 0 || (size_t)n >= sizeof line ||
		    used + (size_t)n + (i + 1 < im->nerr ? strlen(more) : 0) >= errlen) {
			if (used + strlen(more) < errlen)
				memcpy(errs + used, more, strlen(more) + 1);
			return;
		}
		memcpy(errs + used, line, (size_t)n + 1);
		used += (size_t)n;
	}
}

static void
import_free(struct import *im)
{
	for (int i = 0; i < im->nerr; i++)
		free(im->errs[i].msg);
	free(im->errs);
}

/* ---- reading CSV ---- */

static int
read_file(struct import *im, char **out, size_t *outlen)
{
	FILE *f = fopen(im->path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		import_err(im, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 64 * 1024;
			buf = xrealloc(buf, cap + 1);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0 && len <= IMPORT_FILE_MAX);
	if (ferror(f) || len > IMPORT_FILE_MAX) {
		import_err(im, 0, ferror(f) ? "read error" : "file larger than %u MB",
		    IMPORT_FILE_MAX >> 20);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

static void
row_free(struct csv_row *r)
{
	for (int i = 0; i < r->nf && i < CSV_FIELDS_MAX; i++)
		free(r->f[i]);
	memset(r, 0, sizeof *r);
}

/*
 * The reader around libcsv. Only LF ends a record (a lone CR is data, and
 * the CR of CRLF is a trailing space), so a record can only end at the end of
 * a physical line; the reader hands libcsv one physical line at a time and
 * knows on which line each record began: the first line fed while no record
 * was open that is not blank.
 */
struct csv_reader {
	struct csv_parser p;
	const char *buf;
	size_t len, pos;
	int line;		/* physical line starting at pos, from 1 */
	bool open;		/* a record began on an earlier line, not ended */
	bool ended;		/* the whole buffer went through csv_fini */
	struct csv_row *r;	/* the record being filled */
	bool done;		/* libcsv ended r */
};

static int
csv_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
csv_is_term(unsigned char c)
{
	return c == '\n';
}

/* on_field: libcsv's field callback; s is not NUL-terminated (and may be
 * NULL for an empty field before libcsv has allocated its buffer). */
static void
on_field(void *s, size_t len, void *data)
{
	struct csv_reader *rd = data;
	struct csv_row *r = rd->r;

	if (r->nf < CSV_FIELDS_MAX) {
		char *f = xmalloc(len + 1);

		if (len > 0)
			memcpy(f, s, len);
		f[len] = '\0';
		r->f[r->nf] = f;
	}
	r->nf++;
}

static void
on_record(int c, void *data)
{
	(void)c;	/* unused: LF, or -1 from csv_fini */
	((struct csv_reader *)data)->done = true;
}

static void
reader_parser_init(struct csv_reader *rd)
{
	/* CSV_STRICT: a quote inside an unquoted field or text after a closing
	 * quote is an error, not a guess; CSV_STRICT_FINI: so is a quoted
	 * field still open at the end of the file */
	if (csv_init(&rd->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		abort();	/* it fails only for a NULL parser */
	csv_set_space_func(&rd->p, csv_is_space);
	csv_set_term_func(&rd->p, csv_is_term);
	csv_set_realloc_func(&rd->p, xrealloc);
	csv_set_free_func(&rd->p, free);
}

static void
reader_init(struct csv_reader *rd, const char *buf, size_t len)
{
	memset(rd, 0, sizeof *rd);
	rd->buf = buf;
	rd->len = len;
	rd->line = 1;
	reader_parser_init(rd);
}

static void
reader_free(struct csv_reader *rd)
{
	csv_free(&rd->p);
}

/* blank: only spaces, tabs, CR and LF (libcsv skips such a line). */
static bool
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!csv_is_space((unsigned char)s[i]) && s[i] != '\n')
			return false;
	return true;
}

/* reader_syntax: libcsv stopped at byte at of the record: say why, start a
 * new parser and go on after this physical line. */
static void
reader_syntax(struct csv_reader *rd, char at)
{
	int e = csv_error(&rd->p);

	/* in strict mode libcsv stops at a quote inside an unquoted field, or
	 * at anything but a comma, space or line end after a closing quote */
	if (e != CSV_EPARSE)
		rd->r->bad = csv_strerror(e);
	else
		rd->r->bad = at == '"' ? "quote inside an unquoted field" :
		    "text after a closing quote";
	csv_free(&rd->p);
	reader_parser_init(rd);
	rd->open = false;
}

/* reader_next reads one record into r. 1 for a record (r->bad set when it is
 * malformed), 0 at the end of the file. */
static int
reader_next(struct csv_reader *rd, struct csv_row *r)
{
	memset(r, 0, sizeof *r);
	rd->r = r;
	rd->done = false;
	while (!rd->done) {
		const char *s = rd->buf + rd->pos, *lf;
		size_t n, used;

		if (rd->pos >= rd->len) {
			if (rd->ended)
				return 0;
			/* r->line is set: a record still open began in this call */
			rd->ended = true;
			if (csv_fini(&rd->p, on_field, on_record, rd) != 0) {
				r->bad = "quoted field not closed";
				return 1;
			}
			return rd->done ? 1 : 0;
		}
		lf = memchr(s, '\n', rd->len - rd->pos);
		n = lf != NULL ? (size_t)(lf - s) + 1 : rd->len - rd->pos;
		if (!rd->open)
			r->line = rd->line;
		used = csv_parse(&rd->p, s, n, on_field, on_record, rd);
		rd->pos += n;
		rd->line += lf != NULL;
		if (used < n) {
			reader_syntax(rd, s[used]);
			return 1;
		}
		rd->open = !rd->done && (rd->open || !blank(s, n));
	}
	return 1;
}

/* ---- checking fields ---- */

/* header_ok: the row names the columns of want[] in order, the first min of
 * them required, case and spaces ignored. */
static bool
header_ok(const struct csv_row *r, const char *const *want, int min, int max)
{
	if (r->bad != NULL || r->nf < min || r->nf > max)
		return false;
	for (int i = 0; i < r->nf; i++)
		if (strcasecmp(r->f[i], want[i]) != 0)
			return false;
	return true;
}

/* village_code_norm: 1-4 ASCII letters then 1-3 digits ("LD02"), written
 * upper case into out[8]. */
static bool
village_code_norm(const char *in, char *out)
{
	size_t letters = 0, digits = 0, i = 0;
	char buf[8];

	while (isalpha((unsigned char)in[i]) && (unsigned char)in[i] < 0x80 && letters < 5)
		buf[i] = (char)toupper((unsigned char)in[i]), letters++, i++;
	while (isdigit((unsigned char)in[i]) && digits < 4 && letters + digits < 7)
		buf[i] = in[i], digits++, i++;
	if (in[i] != '\0' || letters < 1 || letters > 4 || digits < 1 || digits > 3)
		return false;
	buf[i] = '\0';
	memcpy(out, buf, i + 1);
	return true;
}

/* text_field checks a free-text field and copies its NFC form into out:
 * the same Vietnamese name typed with combining marks (some phones and Mac
 * exports) or precomposed must be the same commune. 0, or -1 after
 * reporting. */
static int
text_field(struct import *im, int line, const char *what, const char *in,
    bool required, char *out, size_t outlen)
{
	utf8proc_uint8_t *nfc;

	if (!utf8_is_valid(in, strlen(in))) {
		import_err(im, line, "%s is not valid UTF-8", what);
		return -1;
	}
	for (const char *q = in; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f) {
			import_err(im, line, "%s contains a line break or control "
			    "character", what);
			return -1;
		}
	if (required && in[0] == '\0') {
		import_err(im, line, "%s is empty", what);
		return -1;
	}
	nfc = utf8proc_NFC((const utf8proc_uint8_t *)in);
	if (nfc == NULL) {
		import_err(im, line, "%s is not valid UTF-8", what);
		return -1;
	}
	if (strlen((char *)nfc) >= outlen) {
		import_err(im, line, "%s is longer than %zu bytes", what, outlen - 1);
		free(nfc);
		return -1;
	}
	memcpy(out, nfc, strlen((char *)nfc) + 1);
	free(nfc);
	return 0;
}

/* A key (village code, phone) and where it was first seen, to find the same
 * key twice in one file: the second row would silently win otherwise. */
struct seen {
	char key[24];
	int line;
};

static int
seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

static void
report_duplicates(struct import *im, struct seen *keys, int n, const char *what)
{
	qsort(keys, (size_t)n, sizeof *keys, seen_cmp);
	for (int i = 1, first = 0; i < n; i++) {
		if (strcmp(keys[i].key, keys[first].key) != 0) {
			first = i;
			continue;
		}
		import_err(im, keys[i].line, "duplicate %s %s (first on line %d)",
		    what, keys[i].key, keys[first].line);
	}
}

/* ---- the two imports ---- */

enum kind { IMPORT_VILLAGES, IMPORT_PEOPLE };

struct rows {
	struct village *v;
	struct person *p;
	int *line;
	int n, cap;
};

static void
rows_grow(struct rows *rs, enum kind k)
{
	if (rs->n < rs->cap)
		return;
	rs->cap = rs->cap ? rs->cap * 2 : 64;
	rs->line = xrealloc(rs->line, (size_t)rs->cap * sizeof *rs->line);
	if (k == IMPORT_VILLAGES)
		rs->v = xrealloc(rs->v, (size_t)rs->cap * sizeof *rs->v);
	else
		rs->p = xrealloc(rs->p, (size_t)rs->cap * sizeof *rs->p);
}

/* utf8_char_len: the length of the well-formed UTF-8 character at s (at
 * most n bytes there), or 0 when the byte at s does not start one. */
static size_t
utf8_char_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 :
	    c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;

	return len > 0 && len <= n && utf8_is_valid(s, len) ? len : 0;
}

/* shown: a field as an error message quotes it: at most 30 bytes, cut on a
 * character boundary, with '?' for each byte that is not part of a UTF-8
 * character or is a control character (a quoted field may hold a line
 * break), so the error is valid UTF-8 on one line. Returns buf. */
static const char *
shown(const char *field, char buf[static 31])
{
	size_t used = 0, n = strlen(field);

	for (size_t i = 0; i < n;) {
		size_t len = utf8_char_len(field + i, n - i);
		bool bad = len == 0 || (len == 1 && ((unsigned char)field[i] < 0x20 ||
		    field[i] == 0x7f));

		if (used + (bad ? 1 : len) > 30)
			break;
		if (bad)
			buf[used++] = '?';
		else
			memcpy(buf + used, field + i, len), used += len;
		i += bad ? 1 : len;
	}
	buf[used] = '\0';
	return buf;
}

static void
parse_village(struct import *im, const struct csv_row *r, struct rows *rs)
{
	struct village v;
	char buf[31];
	int bad = 0;

	memset(&v, 0, sizeof v);
	if (!village_code_norm(r->f[0], v.code)) {
		import_err(im, r->line, "bad village code \"%s\" (1-4 letters "
		    "and 1-3 digits, like LD02)", shown(r->f[0], buf));
		bad = -1;
	}
	bad |= text_field(im, r->line, "name", r->f[1], true, v.name, sizeof v.name);
	bad |= text_field(im, r->line, "commune", r->f[2], true, v.commune,
	    sizeof v.commune);
	if (r->nf > 3)
		bad |= text_field(im, r->line, "old_district", r->f[3], false,
		    v.old_district, sizeof v.old_district);
	if (bad)
		return;
	rows_grow(rs, IMPORT_VILLAGES);
	rs->v[rs->n] = v;
	rs->line[rs->n++] = r->line;
}

static void
parse_person(struct import *im, const struct csv_row *r, struct rows *rs)
{
	static const char *const roles[] = {"household", "head", "official", "helper"};
	struct person p;
	char buf[31];
	int bad = 0;

	memset(&p, 0, sizeof p);
	if (phone_to_e164(r->f[0], p.phone, sizeof p.phone) != 0) {
		import_err(im, r->line, "bad phone number \"%s\"", shown(r->f[0], buf));
		bad = -1;
	}
	bad |= text_field(im, r->line, "name", r->f[1], true, p.name, sizeof p.name);
	if (!village_code_norm(r->f[2], p.village_code)) {
		import_err(im, r->line, "bad village code \"%s\" (1-4 letters "
		    "and 1-3 digits, like LD02)", shown(r->f[2], buf));
		bad = -1;
	}
	if (r->f[3][0] == '\0')
		strcpy(p.role, "household");
	for (size_t i = 0; p.role[0] == '\0' && i < sizeof roles / sizeof roles[0]; i++)
		if (strcasecmp(r->f[3], roles[i]) == 0)
			strcpy(p.role, roles[i]);
	if (p.role[0] == '\0') {
		import_err(im, r->line, "bad role \"%s\" (household, head, "
		    "official or helper)", shown(r->f[3], buf));
		bad = -1;
	}
	if (bad)
		return;
	rows_grow(rs, IMPORT_PEOPLE);
	rs->p[rs->n] = p;
	rs->line[rs->n++] = r->line;
}

/* parse_records reads the header and every record of c into rs. */
static void
parse_records(struct import *im, enum kind k, struct csv_reader *c,
    struct rows *rs)
{
	static const char *const vcols[] = {"code", "name", "commune", "old_district"};
	static const char *const pcols[] = {"phone", "name", "village_code", "role"};
	struct csv_row r;
	int want_nf;

	if (reader_next(c, &r) == 0) {
		import_err(im, 1, "empty file: expected a header row");
		return;
	}
	if (k == IMPORT_VILLAGES ? !header_ok(&r, vcols, 3, 4) :
	    !header_ok(&r, pcols, 4, 4)) {
		import_err(im, r.line, "header must be %s", k == IMPORT_VILLAGES ?
		    "code,name,commune[,old_district]" : "phone,name,village_code,role");
		row_free(&r);
		return;
	}
	want_nf = r.nf;
	row_free(&r);
	while (reader_next(c, &r) == 1) {
		if (r.bad != NULL)
			import_err(im, r.line, "%s", r.bad);
		else if (r.nf != want_nf)
			import_err(im, r.line, "%d fields, the header has %d", r.nf, want_nf);
		else if (k == IMPORT_VILLAGES)
			parse_village(im, &r, rs);
		else
			parse_person(im, &r, rs);
		row_free(&r);
	}
}

static void
parse_file(struct import *im, enum kind k, const char *buf, size_t len,
    struct rows *rs)
{
	const char *z = memchr(buf, '\0', len);
	struct csv_reader c;

	if (z != NULL) {
		int line = 1;

		for (const char *q = buf; q < z; q++)
			line += *q == '\n';
		import_err(im, line, "NUL byte: not a UTF-8 text file");
		return;
	}
	reader_init(&c, buf, len);
	/* spreadsheet programs put a byte order mark before the header */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		c.pos = 3;
	parse_records(im, k, &c, rs);
	reader_free(&c);
}

static void
check_duplicates(struct import *im, enum kind k, const struct rows *rs)
{
	struct seen *keys;

	if (rs->n < 2)
		return;
	keys = xcalloc((size_t)rs->n, sizeof *keys);
	for (int i = 0; i < rs->n; i++) {
		str_copy(keys[i].key, sizeof keys[i].key,
		    k == IMPORT_VILLAGES ? rs->v[i].code : rs->p[i].phone);
		keys[i].line = rs->line[i];
	}
	report_duplicates(im, keys, rs->n, k == IMPORT_VILLAGES ? "code" : "phone");
	free(keys);
}

/* outside reports a phone that is registered in a village of another
 * commune than im->only_commune (an import there may not move it); -1 on a
 * database error. */
static int
outside(struct store *s, struct import *im, const struct person *p, int line)
{
	struct person old;
	struct village v;
	int rc = store_person_by_phone(s, p->phone, &old);

	if (rc == STORE_OK && old.village_code[0] != '\0')
		rc = store_village_by_code(s, old.village_code, &v);
	else if (rc == STORE_OK)
		return 0;
	if (rc == STORE_NONE)
		return 0;
	if (rc != STORE_OK) {
		import_err(im, line, "database: %s", store_errmsg(s));
		return -1;
	}
	if (strcmp(v.commune, im->only_commune) != 0)
		import_err(im, line, "%s is registered in commune %s, not %s", p->phone, v.commune,
		    im->only_commune);
	return 0;
}

/* apply runs inside the caller's transaction: people are checked against
 * the villages first (inside it, so none can vanish in between), then every
 * row is written. -1 on any error (reported). */
static int
apply(struct store *s, struct import *im, enum kind k, const struct rows *rs,
    int *changed)
{
	int n = 0;

	for (int i = 0; k == IMPORT_PEOPLE && i < rs->n; i++) {
		struct village v;
		int rc = store_village_by_code(s, rs->p[i].village_code, &v);

		if (rc == STORE_NONE)
			import_err(im, rs->line[i], "unknown village %s",
			    rs->p[i].village_code);
		else if (rc != STORE_OK) {
			import_err(im, rs->line[i], "database: %s", store_errmsg(s));
			return -1;
		} else if (im->only_commune != NULL && strcmp(v.commune, im->only_commune) != 0)
			import_err(im, rs->line[i], "village %s is in commune %s, not %s",
			    v.code, v.commune, im->only_commune);
		else if (im->only_commune != NULL && outside(s, im, &rs->p[i], rs->line[i]) < 0)
			return -1;
	}
	if (im->nerr > 0)
		return -1;
	for (int i = 0; i < rs->n; i++) {
		bool ch = false;
		int rc = k == IMPORT_VILLAGES ? store_village_upsert(s, &rs->v[i], &ch) :
		    store_person_upsert(s, &rs->p[i], &ch);

		if (rc != STORE_OK) {
			import_err(im, rs->line[i], "database: %s", store_errmsg(s));
			return -1;
		}
		n += ch;
	}
	*changed = n;
	return 0;
}

/* import_buf checks buf (named im->path in errors) and applies it in one
 * transaction, or nothing of it. 0, or -1 with the reasons in im. */
static int
import_buf(struct store *s, enum kind k, struct import *im, const char *buf,
    size_t len, int *changed)
{
	struct rows rs;
	int rc = -1, n = 0;

	memset(&rs, 0, sizeof rs);
	parse_file(im, k, buf, len, &rs);
	check_duplicates(im, k, &rs);
	/* people with bad rows still get their villages checked, so the
	 * operator sees every problem of the file in one run */
	if (im->nerr > 0 && k == IMPORT_VILLAGES)
		goto out;
	if (store_begin(s) != STORE_OK) {
		import_err(im, 0, "database: %s", store_errmsg(s));
		goto out;
	}
	if (apply(s, im, k, &rs, &n) != 0) {
		store_rollback(s);
		goto out;
	}
	if (store_commit(s) != STORE_OK) {
		import_err(im, 0, "database: %s", store_errmsg(s));
		goto out;
	}
	if (changed != NULL)
		*changed = n;
	rc = 0;
out:
	free(rs.v);
	free(rs.p);
	free(rs.line);
	return rc;
}

static int
import_file(struct store *s, enum kind k, const char *csv_path, const char *only_commune,
    char *errs, size_t errlen, int *changed)
{
	struct import im = {csv_path, NULL, 0, 0, only_commune};
	char *buf = NULL;
	size_t len;
	int rc = -1;

	if (errs != NULL && errlen > 0)
		errs[0] = '\0';
	if (read_file(&im, &buf, &len) == 0)
		rc = import_buf(s, k, &im, buf, len, changed);
	import_report(&im, errs, errlen);
	import_free(&im);
	free(buf);
	return rc;
}

int
actions_import_csv(struct store *s, bool people, const char *name,
    const char *buf, size_t len, char *errs, size_t errlen, int *changed)
{
	struct import im = {name, NULL, 0, 0, NULL};
	int rc;

	if (errs != NULL && errlen > 0)
		errs[0] = '\0';
	if (len > IMPORT_FILE_MAX) {
		import_err(&im, 0, "file larger than %u MB", IMPORT_FILE_MAX >> 20);
		rc = -1;
	} else
		rc = import_buf(s, people ? IMPORT_PEOPLE : IMPORT_VILLAGES, &im, buf,
		    len, changed);
	import_report(&im, errs, errlen);
	import_free(&im);
	return rc;
}

int
actions_import_villages(struct store *s, const char *csv_path, char *errs,
    size_t errlen, int *changed)
{
	return import_file(s, IMPORT_VILLAGES, csv_path, NULL, errs, errlen, changed);
}

int
actions_import_people(struct store *s, const char *csv_path, char *errs,
    size_t errlen, int *changed)
{
	return import_file(s, IMPORT_PEOPLE, csv_path, NULL, errs, errlen, changed);
}

int
actions_import_people_in(struct store *s, const char *csv_path, const char *commune, char *errs,
    size_t errlen, int *changed)
{
	return import_file(s, IMPORT_PEOPLE, csv_path, commune, errs, errlen, changed);
}
