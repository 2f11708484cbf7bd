/*
 * menu.c - the USSD state machine: one input moves a session from screen to
 * screen (every move goes through menu_enter_state, which reports it), sets
 * the values the user chose or typed, and at the end of a flow builds the
 * struct command an SMS would have given. Pure: data comes through
 * menu_io.fetch, nothing is stored or sent here.
 */
#include "menus/menu_int.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How many target hops one input may cause (a list with nothing to choose
 * sends on to its empty target): a guard against a file that loops. */
#define MENU_HOPS_MAX 8

static const char *const default_hint[] = {
	[MI_QTY] = "So luong chua dung. ",
	[MI_PRICE] = "Gia chua dung (so, hoac TT: thoa thuan). ",
	[MI_LISTING] = "So tin chua dung. ",
	[MI_ORDER] = "So don chua dung. ",
	[MI_VILLAGE] = "Ma thon chua dung. ",
	[MI_NAME] = "Ten chua dung. ",
	[MI_PHONE] = "So dien thoai chua dung. ",
	[MI_TEXT] = "Noi dung chua dung. ",
};
#define CHOICE_HINT "Chon lai. "

/*
 * menu_enter_state is the one place a session changes screen: it keeps the
 * way back (push), starts lists at their first page, and tells the caller's
 * trace hook "from -> to" (the daemon logs it as menu: sess=... A -> B).
 */
static void
menu_enter_state(const struct menu_def *d, struct menu_sess *s, const struct menu_io *io,
    int to, bool push)
{
	if (push) {
		if (s->depth == MENU_DEPTH) {	/* forget the oldest step back */
			memmove(&s->stack[0], &s->stack[1], sizeof s->stack[0] * (MENU_DEPTH - 1));
			s->depth--;
		}
		s->stack[s->depth].screen = s->screen;
		s->stack[s->depth].page = s->page;
		s->depth++;
	}
	if (io != NULL && io->trace != NULL)
		io->trace(io->arg, menu_strstate(d, s->screen), menu_strstate(d, to));
	s->screen = to;
	s->page = 0;
	/* every flow starts at home and sets what it needs: what an earlier
	 * one chose goes, above all the household of "Giup ho khac" (a helper
	 * back home sells for themself, not for the household last helped) */
	if (to == 0)
		memset(&s->v, 0, sizeof s->v);
}

static bool
has(const char *s)
{
	return s[0] != '\0';
}

/* build_command fills *c for a finished flow from the values; -1 when a
 * value the command needs was never set (a menu file that skips a step). */
static int
build_command(const struct menu_vals *v, enum cmd_action a, struct command *c)
{
	int u = menu_unit_find(v->unit);
	/* no unit is kg; a unit the menus do not offer is a listing's own
	 * count unit ("trai"), never a weight */
	long long grams = v->unit[0] == '\0' ? 1000 : u >= 0 ? menu_units[u].grams : 0;

	memset(c, 0, sizeof *c);
	c->action = a;
	switch (a) {
	case CMD_LIST:
	case CMD_PRICE:
	case CMD_SEARCH:
	case CMD_FOLLOW:
	case CMD_UNFOLLOW:
		if (!has(v->product))
			return -1;
		str_copy(c->product, sizeof c->product, v->product);
		break;
	case CMD_ORDER:
	case CMD_SOLD_OUT:
	case CMD_CANCEL_LISTING:
		if (v->listing <= 0)
			return -1;
		c->listing = v->listing;
		break;
	case CMD_ACCEPT:
	case CMD_DECLINE:
	case CMD_CANCEL_ORDER:
	case CMD_DELIVERED:
		if (v->order <= 0)
			return -1;
		c->order = v->order;
		break;
	case CMD_REGISTER:
		if (!has(v->village) || !has(v->name))
			return -1;
		str_copy(c->village, sizeof c->village, v->village);
		str_copy(c->name, sizeof c->name, v->name);
		break;
	case CMD_BROADCAST:		/* a head's notice to the village */
		if (!has(v->text))
			return -1;
		str_copy(c->text, sizeof c->text, v->text);
		break;
	case CMD_EDIT:			/* a new price or a new quantity left */
		if (v->listing <= 0 || (v->price == 0 && v->qty <= 0))
			return -1;
		c->listing = v->listing;
		break;
	default:
		break;
	}
	/* a chosen listing brings its price along, never a quantity: a
	 * quantity was typed at "Sua so luong", so it is the change */
	if (a == CMD_EDIT && v->qty <= 0) {
		c->has_price = true;		/* 0 đ: now negotiable */
		c->price.vnd = v->price > 0 ? v->price : 0;
		str_copy(c->price.per, sizeof c->price.per, grams > 0 ? "kg" : "unit");
	}
	if (a == CMD_EDIT && v->qty > 0) {
		c->has_qty = true;
		c->qty.amount = grams > 0 ? v->qty * grams : v->qty;
		str_copy(c->qty.unit, sizeof c->qty.unit, grams > 0 ? "g" : v->unit);
	}
	/* "Giup ho khac": the flow was for that household (HO, §7) */
	str_copy(c->for_phone, sizeof c->for_phone, v->for_phone);
	if (a == CMD_LIST) {
		if (v->qty <= 0 || v->price == 0)
			return -1;
		/* negotiable: a BAN without a price */
		c->has_price = v->price > 0;
		c->price.vnd = v->price > 0 ? v->price : 0;
		if (c->has_price)
			str_copy(c->price.per, sizeof c->price.per, grams > 0 ? "kg" : "unit");
	}
	if ((a == CMD_LIST || a == CMD_ORDER) && v->qty > 0) {
		c->has_qty = true;
		c->qty.amount = grams > 0 ? v->qty * grams : v->qty;
		str_copy(c->qty.unit, sizeof c->qty.unit, grams > 0 ? "g" : v->unit);
	}
	return 0;
}

/* ask runs one check through the caller: 0 fine, 1 refused (why set), -1
 * the data could not be read. No check hook: everything is fine. */
static int
ask(const struct menu_io *io, enum menu_check what, struct menu_vals *v, char *why,
    size_t whylen)
{
	int rc;

	why[0] = '\0';
	if (io == NULL || io->check == NULL)
		return 0;
	rc = io->check(io->arg, what, v, why, whylen);
	if (rc > 0 && why[0] == '\0')
		str_copy(why, whylen, "Khong duoc.");
	return rc < 0 ? -1 : rc > 0;
}

static void
end_screen(struct menu_sess *s, struct menu_out *out, const char *text)
{
	s->ended = true;
	out->result = MENU_END;
	out->cut = false;
	str_copy(out->screen, sizeof out->screen, text);
}

/* go follows a target: finish with a command, or enter the screen (a list
 * with nothing to choose goes on to its empty target) and render it. */
static int
go(const struct menu_def *d, struct menu_sess *s, const struct menu_io *io,
    const struct menu_target *t, struct menu_out *out)
{
	for (int hop = 0; hop < MENU_HOPS_MAX; hop++) {
		const struct menu_screen *sc;
		struct menu_item items[MENU_ITEMS_MAX];
		int n;

		if (t->action != CMD_UNKNOWN) {
			if (build_command(&s->v, t->action, &out->cmd) < 0) {
				end_screen(s, out, "Thieu thong tin. Xin quay so lai de lam lai.");
				return 0;
			}
			out->cmd.urgent = t->urgent;
			s->ended = true;
			out->result = MENU_COMMAND;
			out->screen[0] = '\0';
			return 0;
		}
		sc = &d->scr[t->screen];
		if (sc->has_enter) {	/* e.g. selling needs a registered household */
			char why[MENU_WHY_MAX];
			int rc = ask(io, sc->enter, &s->v, why, sizeof why);

			if (rc < 0)
				return -1;
			if (rc > 0) {
				t = &sc->enter_to;
				continue;
			}
		}
		if (sc->kind == MK_LIST && sc->has_empty) {
			if (menu_fetch(io, sc->src, &s->v, 0, items, &n) < 0)
				return -1;
			if (n == 0) {
				t = &sc->empty;
				continue;
			}
		}
		menu_enter_state(d, s, io, t->screen, true);
		if (menu_render_screen(d, s, io, NULL, out) < 0)
			return -1;
		/* an END screen, or a notice that fits one screen, closes the
		 * session; a longer notice goes on for its pages */
		if (out->result == MENU_END)
			s->ended = true;
		return 0;
	}
	end_screen(s, out, "Loi menu. Xin quay so lai.");
	return 0;
}

/* number reads 1..max digits (nothing else) into *v. */
static bool
number(const char *in, long long max, long long *v)
{
	long long x = 0;

	if (*in == '\0' || strlen(in) > 10)
		return false;
	for (const char *p = in; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		x = x * 10 + (*p - '0');
	}
	if (x < 1 || x > max)
		return false;
	*v = x;
	return true;
}

static bool
village_code(const char *in, char *out, size_t outlen)
{
	size_t letters = 0, digits = 0, i = 0;

	while (((in[i] | 0x20) >= 'a' && (in[i] | 0x20) <= 'z'))
		letters++, i++;
	while (in[i] >= '0' && in[i] <= '9')
		digits++, i++;
	if (in[i] != '\0' || letters < 1 || letters > 4 || digits < 1 || digits > 3 ||
	    outlen <= i)
		return false;
	for (size_t j = 0; j <= i; j++)
		out[j] = (in[j] >= 'a' && in[j] <= 'z') ? (char)(in[j] - 32) : in[j];
	return true;
}

/* person_name_like: in is a line of UTF-8 text with a letter and no
 * control characters, that fits outlen (a name, a notice) */
static bool
person_name_like(const char *in, char *out, size_t outlen)
{
	size_t n = strlen(in);
	bool letter = false;

	if (n >= outlen || !utf8_is_valid(in, n))
		return false;
	for (const char *p = in; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			letter = true;
	}
	if (!letter)
		return false;
	memcpy(out, in, n + 1);
	return true;
}

/* a name: 2..60 bytes of UTF-8, no control characters, at least one
 * letter (a row of digits is a mistyped menu choice, not a name). */
static bool
person_name(const char *in, char *out, size_t outlen)
{
	size_t n = strlen(in);

	return n >= 2 && n <= 60 && person_name_like(in, out, outlen);
}

/* take_input checks a typed value against the screen's type and stores it. */
static bool
take_input(enum menu_input type, const char *in, struct menu_vals *v)
{
	long long x;

	switch (type) {
	case MI_QTY:
		return number(in, 1000000, &v->qty);
	case MI_PRICE:
		/* TT: negotiable, as BAN without a price (commands.md §3) */
		if (strcasecmp(in, "TT") == 0 || strcasecmp(in, "thoa thuan") == 0) {
			v->price = MENU_PRICE_NEGOTIABLE;
			return true;
		}
		/* as in an SMS: under 1 000 with no multiplier means thousands */
		if (!number(in, 1000000000, &x))
			return false;
		v->price = x < 1000 ? x * 1000 : x;
		return true;
	case MI_LISTING:
		return number(in, 999999999, &v->listing);
	case MI_ORDER:
		return number(in, 999999999, &v->order);
	case MI_VILLAGE:
		return village_code(in, v->village, sizeof v->village);
	case MI_NAME:
		return person_name(in, v->name, sizeof v->name);
	case MI_TEXT:			/* a notice: at least a word, not a choice */
		return strlen(in) >= 3 && person_name_like(in, v->text, sizeof v->text);
	case MI_PHONE:			/* 0912345678, 84912345678 */
		return strlen(in) >= 9 && strspn(in, "0123456789") == strlen(in) &&
		    phone_to_e164(in, v->for_phone, sizeof v->for_phone) == 0;
	}
	return false;
}

static void
choose(enum menu_slot slot, const struct menu_item *it, struct menu_vals *v)
{
	switch (slot) {
	case SLOT_PRODUCT:
		str_copy(v->product, sizeof v->product, it->key);
		/* a label may be longer than the value kept: whole characters */
		str_copy(v->product_label, sizeof v->product_label, it->label);
		v->kinds = it->kinds;
		break;
	case SLOT_LISTING:
		v->listing = it->id;
		if (it->unit[0] != '\0')	/* order in the listing's own unit */
			str_copy(v->unit, sizeof v->unit, it->unit);
		v->price = it->price;
		v->left = it->left;
		break;
	case SLOT_ORDER:
		v->order = it->id;
		break;
	case SLOT_ITEM:
		v->item = it->id;
		break;
	}
}

static int
step_list(const struct menu_def *d, struct menu_sess *s, const char *in,
    const struct menu_io *io, struct menu_out *out)
{
	const struct menu_screen *sc = &d->scr[s->screen];
	struct menu_item items[MENU_ITEMS_MAX];
	char header[MENU_SCREEN_MAX + 1];
	int n, from, to;
	long long k;
	bool more;

	if (menu_fetch(io, sc->src, &s->v, s->page, items, &n) < 0)
		return -1;
	menu_subst(&s->v, sc->text, header, sizeof header);
	menu_page_bounds(header, items, n, s->page, &from, &to, &more);
	if (strcmp(in, "9") == 0 && more) {
		s->page++;
		return menu_render_screen(d, s, io, NULL, out);
	}
	if (number(in, to - from, &k)) {
		struct menu_vals keep = s->v;
		char why[MENU_WHY_MAX];
		int rc = 0;

		choose(sc->slot, &items[from + k - 1], &s->v);
		if (sc->has_check && (rc = ask(io, sc->check, &s->v, why, sizeof why)) != 0) {
			if (rc < 0)
				return -1;
			s->v = keep;
			return menu_render_refusal(d, s, io, why, out);
		}
		return go(d, s, io, &sc->next, out);
	}
	return menu_render_screen(d, s, io, sc->hint[0] ? sc->hint : CHOICE_HINT, out);
}

static int
step_menu(const struct menu_def *d, struct menu_sess *s, const char *in,
    const struct menu_io *io, struct menu_out *out)
{
	const struct menu_screen *sc = &d->scr[s->screen];

	for (int i = 0; i < sc->nopt; i++) {
		char buf[4];
		const char *key = menu_opt_key(sc, &s->v, i, buf);

		if (key != NULL && strcmp(key, in) == 0) {
			if (sc->opt[i].unit >= 0)
				snprintf(s->v.unit, sizeof s->v.unit, "%s",
				    menu_units[sc->opt[i].unit].name);
			return go(d, s, io, &sc->opt[i].to, out);
		}
	}
	return menu_render_screen(d, s, io, sc->hint[0] ? sc->hint : CHOICE_HINT, out);
}

/* back: a list goes to its previous page first; at home, 0 closes. */
static int
back(const struct menu_def *d, struct menu_sess *s, const struct menu_io *io,
    struct menu_out *out)
{
	int to;

	if (s->page > 0) {
		s->page--;
		return menu_render_screen(d, s, io, NULL, out);
	}
	if (s->depth == 0) {
		end_screen(s, out, "Tam biet. Quay so lai khi can.");
		return 0;
	}
	/* leaving "Giup ho nao?" backwards: no household is helped any more */
	if (d->scr[s->screen].kind == MK_INPUT && d->scr[s->screen].input == MI_PHONE)
		s->v.for_phone[0] = '\0';
	s->depth--;
	to = s->stack[s->depth].screen;
	menu_enter_state(d, s, io, to, false);
	s->page = s->stack[s->depth].page;
	return menu_render_screen(d, s, io, NULL, out);
}

static void
go_home(const struct menu_def *d, struct menu_sess *s, const struct menu_io *io)
{
	menu_enter_state(d, s, io, 0, false);
	s->depth = 0;
}

int
menu_start(const struct menu_def *d, struct menu_sess *s, const struct menu_io *io,
    struct menu_out *out)
{
	memset(s, 0, sizeof *s);
	return menu_render_screen(d, s, io, NULL, out);
}

int
menu_offer_resume(const struct menu_def *d, struct menu_sess *s, const struct menu_io *io,
    struct menu_out *out)
{
	s->resume_offer = true;
	s->ended = false;
	return menu_render_screen(d, s, io, NULL, out);
}

int
menu_render(const struct menu_def *d, const struct menu_sess *s, const struct menu_io *io,
    struct menu_out *out)
{
	return menu_render_screen(d, s, io, NULL, out);
}

static int
step_resume(const struct menu_def *d, struct menu_sess *s, const char *in,
    const struct menu_io *io, struct menu_out *out)
{
	if (strcmp(in, "1") == 0) {
		s->resume_offer = false;
		return menu_render_screen(d, s, io, NULL, out);
	}
	if (strcmp(in, "2") == 0 || strcmp(in, "0") == 0 || strcmp(in, "00") == 0) {
		s->resume_offer = false;
		go_home(d, s, io);
		memset(&s->v, 0, sizeof s->v);
		return menu_render_screen(d, s, io, NULL, out);
	}
	return menu_render_screen(d, s, io, CHOICE_HINT, out);
}

/* step_show: 9 turns a long notice's page (0 and 00 are handled before). */
static int
step_show(const struct menu_def *d, struct menu_sess *s, const char *in,
    const struct menu_io *io, struct menu_out *out)
{
	int pages;

	if (menu_show_pages(s, io, &pages) < 0)
		return -1;
	if (strcmp(in, "9") == 0 && s->page + 1 < pages) {
		s->page++;
		return menu_render_screen(d, s, io, NULL, out);
	}
	return menu_render_screen(d, s, io, CHOICE_HINT, out);
}

/* step_input takes a typed value, checked by the caller when the screen
 * says so (a listing that exists, a quantity in stock). */
static int
step_input(const struct menu_def *d, struct menu_sess *s, const char *in,
    const struct menu_io *io, struct menu_out *out)
{
	const struct menu_screen *sc = &d->scr[s->screen];
	struct menu_vals keep = s->v;
	char why[MENU_WHY_MAX];
	int rc = 0;

	if (!take_input(sc->input, in, &s->v))
		return menu_render_screen(d, s, io,
		    sc->hint[0] ? sc->hint : default_hint[sc->input], out);
	if (sc->has_check && (rc = ask(io, sc->check, &s->v, why, sizeof why)) != 0) {
		if (rc < 0)
			return -1;
		s->v = keep;
		return menu_render_refusal(d, s, io, why, out);
	}
	return go(d, s, io, &sc->next, out);
}

static int
step_in(const struct menu_def *d, struct menu_sess *s, const char *in,
    const struct menu_io *io, struct menu_out *out)
{
	const struct menu_screen *sc = &d->scr[s->screen];

	if (s->ended) {
		end_screen(s, out, "Phien da ket thuc. Xin quay so lai.");
		return 0;
	}
	if (s->resume_offer)
		return step_resume(d, s, in, io, out);
	if (strcmp(in, "00") == 0) {
		go_home(d, s, io);
		return menu_render_screen(d, s, io, NULL, out);
	}
	if (strcmp(in, "0") == 0)
		return back(d, s, io, out);
	switch (sc->kind) {
	case MK_MENU:
		return step_menu(d, s, in, io, out);
	case MK_LIST:
		return step_list(d, s, in, io, out);
	case MK_INPUT:
		return step_input(d, s, in, io, out);
	case MK_SHOW:
		return step_show(d, s, in, io, out);
	case MK_END:
		break;
	}
	end_screen(s, out, "Phien da ket thuc. Xin quay so lai.");
	return 0;
}

int
menu_step(const struct menu_def *d, struct menu_sess *s, const char *input,
    const struct menu_io *io, struct menu_out *out)
{
	struct menu_sess saved = *s;
	char in[128];
	size_t a = 0, n;

	/* keys only: surrounding spaces and a trailing '#' (some handsets send
	 * the SEND key) are not part of the answer */
	while (input[a] == ' ')
		a++;
	str_copy(in, sizeof in, input + a);
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '#' || in[n - 1] == '\r' ||
	    in[n - 1] == '\n'))
		in[--n] = '\0';
	if (s->screen < 0 || s->screen >= d->nscr)
		s->screen = 0;
	out->result = MENU_CONTINUE;
	out->screen[0] = '\0';
	out->cut = false;
	if (step_in(d, s, in, io, out) < 0) {
		*s = saved;
		return -1;
	}
	return 0;
}

/* ---- encoding a session for storage ---- */

/* An encoded state is written by appending to a buffer that remembers
 * whether it overflowed (a state is written on every USSD step: no printf). */
struct out {
	char *buf;
	size_t len, cap;
	bool over;
};

static void
put(struct out *o, const char *p, size_t n)
{
	if (o->over || n >= o->cap - o->len) {
		o->over = true;
		return;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void
put_s(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
put_ll(struct out *o, long long v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	put(o, p, (size_t)(tmp + sizeof tmp - p));
}

/* esc writes key=value; with the separators and control bytes of value
 * %XX-escaped. */
static void
esc(struct out *o, const char *key, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";

	put_s(o, key);
	put(o, "=", 1);
	for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++) {
		bool plain = *p >= 0x20 && *p != ';' && *p != '=' && *p != '%' && *p != ',' &&
		    *p != ':';
		char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};

		if (plain)
			put(o, (const char *)p, 1);
		else
			put(o, e, 3);
	}
	put(o, ";", 1);
}

/* hex_digit: the value of a hex digit, -1 for any other byte */
static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* unesc reads an escaped value back; -1 when it is not text (a state we
 * did not write: its values are shown on screens). */
static int
unesc(const char *v, size_t n, char *out, size_t outlen)
{
	size_t j = 0;

	for (size_t i = 0; i < n && j + 1 < outlen; i++) {
		int hi = v[i] == '%' && i + 2 < n ? hex_digit(v[i + 1]) : -1;
		int lo = hi >= 0 ? hex_digit(v[i + 2]) : -1;

		if (lo >= 0) {
			out[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[j++] = v[i];
	}
	out[j] = '\0';
	return utf8_is_valid(out, j) ? 0 : -1;
}

int
menu_sess_encode(const struct menu_def *d, const struct menu_sess *s, char *buf, size_t buflen)
{
	struct out o = {buf, 0, buflen, buflen == 0};
	const struct menu_vals *v = &s->v;
	const long long n[8] = {s->page, s->resume_offer, s->ended, v->qty, v->price, v->listing,
	    v->order, v->item};

	if (buflen > 0)
		buf[0] = '\0';
	put_s(&o, "v1;");
	esc(&o, "s", menu_strstate(d, s->screen));
	put_s(&o, "n=");
	for (int i = 0; i < 8; i++) {
		if (i > 0)
			put(&o, ":", 1);
		put_ll(&o, n[i]);
	}
	put_s(&o, ";k=");
	for (int i = 0; i < s->depth; i++) {
		if (i > 0)
			put(&o, ",", 1);
		put_s(&o, menu_strstate(d, s->stack[i].screen));
		put(&o, ":", 1);
		put_ll(&o, s->stack[i].page);
	}
	put(&o, ";", 1);
	/* added after v1 came out: a key of its own, so older states still
	 * decode (without it) */
	put_s(&o, "x=");
	put_ll(&o, v->left);
	put(&o, ":", 1);
	put_ll(&o, v->price_check);
	put(&o, ":", 1);
	put_ll(&o, (long long)v->kinds);
	put(&o, ";", 1);
	esc(&o, "p", v->product);
	esc(&o, "pl", v->product_label);
	esc(&o, "u", v->unit);
	esc(&o, "vc", v->village);
	esc(&o, "nm", v->name);
	esc(&o, "fp", v->for_phone);
	esc(&o, "tx", v->text);
	return o.over ? -1 : 0;
}

/* ints reads exactly n integers separated by ':' from the vl bytes at v
 * (what menu_sess_encode wrote); -1 for anything else. */
static int
ints(const char *v, size_t vl, long long *out, int n)
{
	const char *p = v, *end = v + vl;

	for (int i = 0; i < n; i++) {
		unsigned long long x = 0;
		bool neg = p < end && *p == '-';
		int digits = 0;

		p += neg;
		for (; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
			if (x > (9223372036854775807ULL - (unsigned)(*p - '0')) / 10)
				return -1;
			x = x * 10 + (unsigned)(*p - '0');
		}
		if (digits == 0)
			return -1;
		out[i] = neg ? -(long long)x : (long long)x;
		if (i + 1 < n && (p >= end || *p++ != ':'))
			return -1;
	}
	return p == end ? 0 : -1;
}

/* in_int: v fits an int */
static bool
in_int(long long v)
{
	return v >= -2147483647LL - 1 && v <= 2147483647LL;
}

static int
decode_stack(const struct menu_def *d, const char *v, size_t n, struct menu_sess *s)
{
	char tmp[MENU_DEPTH * 40], *save = NULL, *tok;

	s->depth = 0;
	if (n == 0)
		return 0;
	if (n >= sizeof tmp)
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	for (tok = strtok_r(tmp, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');

		if (colon == NULL || s->depth == MENU_DEPTH)
			return -1;
		*colon = '\0';
		if ((s->stack[s->depth].screen = menu_screen_by_name(d, tok)) < 0)
			return -1;
		{
			long long pg;

			if (ints(colon + 1, strlen(colon + 1), &pg, 1) < 0 || !in_int(pg))
				return -1;
			s->stack[s->depth++].page = (int)pg;
		}
	}
	return 0;
}

static int
decode_field(const struct menu_def *d, const char *k, size_t kl, const char *v, size_t vl,
    struct menu_sess *s)
{
	char name[64];
	long long n[8];

#define K(x) (kl == sizeof(x) - 1 && memcmp(k, x, kl) == 0)
	if (K("s")) {
		if (unesc(v, vl, name, sizeof name) < 0)
			return -1;
		return (s->screen = menu_screen_by_name(d, name)) < 0 ? -1 : 0;
	}
	if (K("n")) {
		if (ints(v, vl, n, 8) < 0 || !in_int(n[0]))
			return -1;
		s->page = (int)n[0];
		s->resume_offer = n[1] != 0;
		s->ended = n[2] != 0;
		s->v.qty = n[3];
		s->v.price = n[4];
		s->v.listing = n[5];
		s->v.order = n[6];
		s->v.item = n[7];
		return 0;
	}
	if (K("k"))
		return decode_stack(d, v, vl, s);
	if (K("x")) {
		if (ints(v, vl, n, 3) < 0 || !in_int(n[1]) || n[2] < 0 || n[2] > 0xffffffffLL)
			return -1;
		s->v.left = n[0];
		s->v.price_check = (int)n[1];
		s->v.kinds = (unsigned)n[2];
		return 0;
	}
	if (K("p"))
		return unesc(v, vl, s->v.product, sizeof s->v.product);
	if (K("tx"))
		return unesc(v, vl, s->v.text, sizeof s->v.text);
	if (K("fp"))
		return unesc(v, vl, s->v.for_phone, sizeof s->v.for_phone);
	if (K("pl"))
		return unesc(v, vl, s->v.product_label, sizeof s->v.product_label);
	if (K("u"))
		return unesc(v, vl, s->v.unit, sizeof s->v.unit);
	if (K("vc"))
		return unesc(v, vl, s->v.village, sizeof s->v.village);
	if (K("nm"))
		return unesc(v, vl, s->v.name, sizeof s->v.name);
#undef K
	return 0;
}

int
menu_sess_decode(const struct menu_def *d, const char *text, struct menu_sess *out)
{
	struct menu_sess s;
	const char *p;

	if (strncmp(text, "v1;", 3) != 0)
		return -1;
	memset(&s, 0, sizeof s);
	s.screen = -1;
	for (p = text + 3; *p != '\0';) {
		const char *eq = strchr(p, '='), *end = strchr(p, ';');

		if (eq == NULL || end == NULL || eq > end)
			return -1;
		if (decode_field(d, p, (size_t)(eq - p), eq + 1, (size_t)(end - eq - 1), &s) < 0)
			return -1;
		p = end + 1;
	}
	if (s.screen < 0 || s.page < 0 || s.page > MENU_ITEMS_MAX)
		return -1;
	*out = s;
	return 0;
}
