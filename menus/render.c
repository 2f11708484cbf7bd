/*
 * render.c - draws one screen: the template with the session's values filled
 * in, numbered options or one page of data choices, and the "0.Lui 00.Dau"
 * line. Screens never exceed MENU_SCREEN_MAX; a list page takes only as
 * many choices as fit with room for a hint.
 */
#include "menus/menu_int.h"
#include "common/common.h"

#include <stdio.h>
#include <string.h>

#define FOOTER "\n0.Lui 00.Dau"
#define MORE "\n9.Tiep"

static bool
opt_fits(const struct menu_opt *o, const struct menu_vals *v)
{
	return o->unit < 0 || (menu_units[o->unit].kind & v->kinds) != 0;
}

const char *
menu_opt_key(const struct menu_screen *sc, const struct menu_vals *v, int i, char buf[4])
{
	int fitting = 0, hidden = 0, before = 0;

	if (v->kinds == 0)
		return sc->opt[i].key;
	for (int j = 0; j < sc->nopt; j++) {
		bool fits = opt_fits(&sc->opt[j], v);

		if (sc->opt[j].unit >= 0)
			fitting += fits;
		hidden += !fits;
		before += j < i && fits;
	}
	/* nothing hidden, or no unit fits at all (then offer them all) */
	if (hidden == 0 || fitting == 0)
		return sc->opt[i].key;
	if (!opt_fits(&sc->opt[i], v))
		return NULL;
	buf[0] = (char)('1' + before);		/* before < MENU_OPTS_MAX */
	buf[1] = '\0';
	return buf;
}

/* menu_gsm_clean: menu.h. Texts are at most an SMS of 10 parts (2048
 * bytes); a longer one is cut first. */
void
menu_gsm_clean(const char *text, char *out, size_t outlen)
{
	char plain[2048];
	size_t j = 0, ascii = 0;

	if (outlen == 0)
		return;
	/* most labels are plain ASCII, all of it GSM-7 but the backtick: kept
	 * as they are (a list of 24 listings cleans 48 labels a step) */
	while (text[ascii] != '\0' && (((unsigned char)text[ascii] >= 0x20 &&
	    (unsigned char)text[ascii] < 0x7f && text[ascii] != '`') || text[ascii] == '\n' ||
	    text[ascii] == '\r'))
		ascii++;
	if (text[ascii] == '\0') {
		if (ascii > outlen - 1)
			ascii = outlen - 1;
		memcpy(out, text, ascii);
		out[ascii] = '\0';
		return;
	}
	if (text_strip_diacritics(text, plain, sizeof plain) < 0)
		plain[0] = '\0';
	for (const char *p = plain; *p != '\0' && j + 1 < outlen;) {
		char one[8] = "";
		size_t n = 1;

		while (n < 4 && ((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
		memcpy(one, p, n);
		if (sms_coding_of(one) == SMS_GSM7 && j + n < outlen) {
			memcpy(out + j, one, n);
			j += n;
		} else
			out[j++] = '?';
		p += n;
	}
	out[j] = '\0';
}

/* vnd writes 1500000 as "1.500.000" (the way prices are written in VN). */
static void
vnd(long long v, char *out, size_t outlen)
{
	char digits[32], buf[48];
	int n, j = 0;

	n = snprintf(digits, sizeof digits, "%lld", v < 0 ? 0 : v);
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[j++] = '.';
		buf[j++] = digits[i];
	}
	buf[j] = '\0';
	str_copy(out, outlen, buf);
}

/* total: what qty of unit costs at price (per kg for weights, per piece
 * for counts); 0 when negotiable or too large to be told. */
static long long
total(const struct menu_vals *v)
{
	int u = menu_unit_find(v->unit[0] ? v->unit : "kg");
	long long kg = u >= 0 && menu_units[u].grams > 0 ? menu_units[u].grams / 1000 : 1;
	long long t;

	if (v->price <= 0 || v->qty <= 0 || kg <= 0 ||
	    __builtin_mul_overflow(v->qty, kg, &t) || __builtin_mul_overflow(t, v->price, &t))
		return 0;
	return t;
}

/* value_of: the text of one {placeholder}, "" for an unknown one (load.c
 * does not check placeholders, so a typo shows as nothing, never garbage). */
static void
value_of(const struct menu_vals *v, const char *name, size_t nlen, char *out, size_t outlen)
{
	const char *unit = v->unit[0] ? v->unit : "kg";
	const char *per = menu_unit_is_weight(v->unit) ? "kg" : unit;
	char money[48];

#define IS(s) (nlen == sizeof(s) - 1 && memcmp(name, s, nlen) == 0)
	out[0] = '\0';
	if (IS("product"))
		str_copy(out, outlen, v->product_label[0] ? v->product_label : v->product);
	else if (IS("unit"))
		str_copy(out, outlen, unit);
	else if (IS("per"))
		str_copy(out, outlen, per);
	else if (IS("qty"))
		snprintf(out, outlen, "%lld %s", v->qty, unit);
	else if (IS("price")) {
		vnd(v->price, money, sizeof money);
		if (v->price > 0)
			snprintf(out, outlen, "%sd/%s", money, per);
		else
			snprintf(out, outlen, "thoa thuan");
	} else if (IS("total")) {
		long long t = total(v);

		if (t > 0) {
			vnd(t, money, sizeof money);
			snprintf(out, outlen, ", tong %sd", money);
		}
	} else if (IS("warn")) {
		if (v->price_check != 0)	/* as the SMS reply warns */
			snprintf(out, outlen, "\nLuu y: gia %s bat thuong.",
			    v->price_check > 0 ? "cao" : "thap");
	} else if (IS("listing"))
		snprintf(out, outlen, "#%lld", v->listing);
	else if (IS("order"))
		snprintf(out, outlen, "#%lld", v->order);
	else if (IS("village"))
		str_copy(out, outlen, v->village);
	else if (IS("name"))	/* as typed: maybe with diacritics */
		menu_gsm_clean(v->name, out, outlen);
#undef IS
}

void
menu_subst(const struct menu_vals *v, const char *tpl, char *out, size_t outlen)
{
	size_t j = 0;

	for (const char *p = tpl; *p != '\0' && j + 1 < outlen; p++) {
		const char *end;
		char val[96];
		size_t n;

		if (*p != '{' || (end = strchr(p, '}')) == NULL) {
			out[j++] = *p;
			continue;
		}
		value_of(v, p + 1, (size_t)(end - p - 1), val, sizeof val);
		/* values are data (a product key, a typed name, a stored
		 * state): only what a screen can show, whole characters */
		menu_gsm_clean(val, out + j, outlen - j);
		n = strlen(out + j);
		j += n;
		p = end;
	}
	out[j] = '\0';
}

int
menu_fetch(const struct menu_io *io, enum menu_src src, const struct menu_vals *v, int page,
    struct menu_item *items, int *n)
{
	int max = MENU_ITEMS_MAX;

	if (page >= 0 && page < MENU_ITEMS_MAX / MENU_PAGE_ITEMS)
		max = (page + 1) * MENU_PAGE_ITEMS + 1;
	*n = 0;
	if (io == NULL || io->fetch == NULL)
		return 0;
	if (io->fetch(io->arg, src, v, items, max, n) < 0)
		return -1;
	if (*n < 0)
		*n = 0;
	if (*n > max)
		*n = max;
	return 0;
}

/* item_len: "\nN.label" as it will be drawn (labels are cut to fit a page). */
static size_t
item_len(const struct menu_item *it, size_t room)
{
	size_t n = 3 + strlen(it->label);

	return n < room ? n : room;
}

void
menu_page_bounds(const char *header, const struct menu_item *items, int n, int page,
    int *from, int *to, bool *more)
{
	/* every page keeps room for the hint, "9.Tiep" and the footer */
	size_t budget = MENU_SCREEN_MAX - MENU_HINT_ROOM - strlen(header) - strlen(MORE) -
	    strlen(FOOTER);
	int start = 0, end = 0;

	for (int p = 0; p <= page && start < n; p++) {
		size_t used = 0;

		end = start;
		while (end < n && end - start < MENU_PAGE_ITEMS) {
			size_t l = item_len(&items[end], budget);

			if (end > start && used + l > budget)
				break;
			used += l;
			end++;
		}
		if (p == page)
			break;
		start = end;
	}
	if (start >= n)
		start = end = n;
	*from = start;
	*to = end;
	*more = end < n;
}

/* put appends s to out (cut at MENU_SCREEN_MAX bytes on a character
 * boundary, noting the cut). */
static void
put(struct menu_out *out, size_t *len, const char *s)
{
	if (str_copy(out->screen + *len, MENU_SCREEN_MAX + 1 - *len, s) < 0)
		out->cut = true;
	*len += strlen(out->screen + *len);
}

static int
render_list(const struct menu_screen *sc, const struct menu_sess *s, const struct menu_io *io,
    const char *header, struct menu_out *out, size_t *len)
{
	struct menu_item items[MENU_ITEMS_MAX];
	char line[MENU_SCREEN_MAX + 8];
	/* the most one item's line may take of a page */
	size_t room = MENU_SCREEN_MAX - MENU_HINT_ROOM - strlen(header) - strlen(MORE) -
	    strlen(FOOTER);
	int n, from, to;
	bool more;

	if (menu_fetch(io, sc->src, &s->v, s->page, items, &n) < 0)
		return -1;
	menu_page_bounds(header, items, n, s->page, &from, &to, &more);
	if (n == 0)
		put(out, len, "\n(chua co)");
	for (int i = from; i < to; i++) {
		int no = i - from + 1;
		size_t k = 0;

		/* "\n<n>.<label>", written by hand: this runs for every item of
		 * every list screen (no printf on a step's path) */
		line[k++] = '\n';
		if (no >= 10)
			line[k++] = (char)('0' + no / 10 % 10);
		line[k++] = (char)('0' + no % 10);
		line[k++] = '.';
		str_copy(line + k, sizeof line - k, items[i].label);
		if (strlen(line) > room) {	/* one label longer than a page: cut it */
			char cut[sizeof line];

			str_copy(cut, room + 1, line);
			put(out, len, cut);
		} else
			put(out, len, line);
	}
	if (more)
		put(out, len, MORE);
	return 0;
}

/* ---- the show screen: one notice, with its date, a page at a time ---- */

#define SHOW_PAGES_MAX 40
#define SHOW_TAIL "\n9.Tiep 0.Lui 00.Dau"	/* the longest line under a page */

/* char_cost: the length of the character at p, and the room it takes on a
 * screen: its GSM-7 septets, or its bytes when more (the screen buffer
 * holds MENU_SCREEN_MAX bytes; '£' is one septet in two bytes). */
static size_t
char_cost(const char *p, size_t *len)
{
	char one[8];
	size_t n = 1, sep;

	while (n < 4 && ((unsigned char)p[n] & 0xC0) == 0x80)
		n++;
	memcpy(one, p, n);
	one[n] = '\0';
	*len = n;
	sep = sms_length(one, SMS_GSM7);
	return sep > n ? sep : n;
}

/* split_pages cuts text into pages of at most room septets, after a space
 * where one is near, never inside a character: page i is text[at[i],
 * at[i] + len[i]). Returns how many (at most max; the rest is dropped). */
static int
split_pages(const char *text, size_t room, size_t *at, size_t *len, int max)
{
	size_t pos = 0, n = strlen(text);
	int np = 0;

	while (pos < n && np < max) {
		size_t end = pos, used = 0, space = 0, cl;

		while (end < n) {
			size_t sep = char_cost(text + end, &cl);

			if (used + sep > room && end > pos)
				break;
			used += sep;
			end += cl;
			if (text[end - 1] == ' ')
				space = end;
		}
		if (end < n && space > pos + room / 2)	/* a word is not cut in two */
			end = space;
		at[np] = pos;
		len[np] = end - pos;
		while (len[np] > 0 && text[pos + len[np] - 1] == ' ')
			len[np]--;
		np++;
		for (pos = end; pos < n && text[pos] == ' '; pos++)
			;
	}
	return np;
}

/* show_item: the notice chosen (vals.item) among the fetched ones, or NULL */
static const struct menu_item *
show_item(const struct menu_sess *s, const struct menu_item *items, int n)
{
	for (int i = 0; i < n; i++)
		if (items[i].id == s->v.item)
			return &items[i];
	return NULL;
}

/* show_layout: the head "12/03: " of a notice that fits one screen (room
 * left after the hint room), or the pages when it does not. */
static int
show_layout(const struct menu_item *it, size_t *at, size_t *len)
{
	size_t head = strlen(it->when) + 2;
	const char *text = it->text != NULL ? it->text : "";
	size_t cost = sms_length(text, SMS_GSM7);

	if (strlen(text) > cost)
		cost = strlen(text);
	if (cost + head + MENU_HINT_ROOM <= MENU_SCREEN_MAX) {
		at[0] = 0;
		len[0] = strlen(text);
		return 1;
	}
	/* "12/03 (10/12): " at its widest */
	head = strlen(it->when) + strlen(" (99/99): ");
	return split_pages(text, MENU_SCREEN_MAX - MENU_HINT_ROOM - head - strlen(SHOW_TAIL),
	    at, len, SHOW_PAGES_MAX);
}

int
menu_show_pages(const struct menu_sess *s, const struct menu_io *io, int *pages)
{
	struct menu_item items[MENU_ITEMS_MAX];
	size_t at[SHOW_PAGES_MAX], len[SHOW_PAGES_MAX];
	const struct menu_item *it;
	int n;

	*pages = 1;
	if (menu_fetch(io, MENU_SRC_BROADCASTS, &s->v, -1, items, &n) < 0)
		return -1;
	if ((it = show_item(s, items, n)) != NULL)
		*pages = show_layout(it, at, len);
	if (*pages < 1)
		*pages = 1;
	return 0;
}

static int
render_show(const struct menu_sess *s, const struct menu_io *io, struct menu_out *out,
    size_t *len)
{
	struct menu_item items[MENU_ITEMS_MAX];
	size_t at[SHOW_PAGES_MAX], plen[SHOW_PAGES_MAX];
	char page[MENU_SCREEN_MAX * 4 + 1], head[48];
	const struct menu_item *it;
	int n, np, p;

	if (menu_fetch(io, MENU_SRC_BROADCASTS, &s->v, -1, items, &n) < 0)
		return -1;
	if ((it = show_item(s, items, n)) == NULL) {
		put(out, len, "Thong bao nay khong con.");
		return 0;
	}
	np = show_layout(it, at, plen);
	p = s->page < np ? s->page : np - 1;
	if (np <= 1)
		snprintf(head, sizeof head, "%s%s", it->when, it->when[0] ? ": " : "");
	else
		snprintf(head, sizeof head, "%s%s(%d/%d): ", it->when, it->when[0] ? " " : "",
		    p + 1, np);
	put(out, len, head);
	if (np >= 1) {
		snprintf(page, sizeof page, "%.*s", (int)plen[p], it->text + at[p]);
		put(out, len, page);
	}
	if (np > 1) {		/* a long notice: the session goes on for its pages */
		out->result = MENU_CONTINUE;
		put(out, len, p + 1 < np ? SHOW_TAIL : FOOTER);
	}
	return 0;
}

/* render draws the screen; a list's header is replaced by lead when it is
 * not NULL (a refusal's reason). */
static int
render(const struct menu_def *d, const struct menu_sess *s, const struct menu_io *io,
    const char *hint, const char *lead, struct menu_out *out)
{
	const struct menu_screen *sc = &d->scr[s->screen];
	char header[MENU_SCREEN_MAX + 1];
	size_t len = 0;

	out->screen[0] = '\0';
	out->cut = false;
	out->result = (sc->kind == MK_SHOW || sc->kind == MK_END) ? MENU_END : MENU_CONTINUE;
	if (hint != NULL && hint[0] != '\0')
		put(out, &len, hint);
	if (s->resume_offer) {
		put(out, &len, "Ban dang dung giua chung. Tiep tuc?\n1.Tiep tuc\n2.Bat dau lai");
		out->result = MENU_CONTINUE;
		return 0;
	}
	if (sc->kind == MK_SHOW)
		return render_show(s, io, out, &len);
	menu_subst(&s->v, sc->text, header, sizeof header);
	if (lead != NULL && sc->kind == MK_LIST) {
		/* the page's choices were counted with the header and the hint
		 * room: the reason gets as much, so they still fit */
		char why[MENU_SCREEN_MAX + 1];

		str_copy(why, strlen(header) + MENU_HINT_ROOM < sizeof why ?
		    strlen(header) + MENU_HINT_ROOM : sizeof why, lead);
		put(out, &len, why);
	} else
		put(out, &len, header);
	if (sc->kind == MK_END)
		return 0;
	if (sc->kind == MK_MENU)
		for (int i = 0; i < sc->nopt; i++) {
			char buf[4];
			const char *key = menu_opt_key(sc, &s->v, i, buf);

			if (key == NULL)
				continue;
			put(out, &len, "\n");
			put(out, &len, key);
			put(out, &len, ".");
			put(out, &len, sc->opt[i].label);
		}
	if (sc->kind == MK_LIST && render_list(sc, s, io, header, out, &len) < 0)
		return -1;
	if (s->screen != 0)
		put(out, &len, FOOTER);
	/* data may hold GSM-7 extension characters ([ ] ~ ...), two septets
	 * each: the byte count above can then be short of the septet count
	 * (never by more than double, so short screens need no count) */
	while (len > MENU_SCREEN_MAX / 2 && sms_length(out->screen, SMS_GSM7) > MENU_SCREEN_MAX) {
		len = utf8_cut_len(out->screen, len - 1);	/* a whole character at a time */
		out->screen[len] = '\0';
		out->cut = true;
	}
	return 0;
}

int
menu_render_screen(const struct menu_def *d, const struct menu_sess *s,
    const struct menu_io *io, const char *hint, struct menu_out *out)
{
	return render(d, s, io, hint, NULL, out);
}

int
menu_render_refusal(const struct menu_def *d, const struct menu_sess *s,
    const struct menu_io *io, const char *why, struct menu_out *out)
{
	char hint[MENU_WHY_MAX + 2];

	if (d->scr[s->screen].kind == MK_LIST)
		return render(d, s, io, NULL, why, out);
	snprintf(hint, sizeof hint, "%s ", why);
	return render(d, s, io, hint, NULL, out);
}
