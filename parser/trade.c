/*
 * trade.c - the commands about produce (BAN, TIM, MUA, GIA, THEO, BO THEO):
 * commands.md §3. The words after the keyword become atoms (a quantity, a
 * price, a bare number, a grade, a word, or a dropped filler); then the
 * atoms are assigned as §3 "Which number is what" says, the product is the
 * first run of words, the note the words after the last number, and a
 * listing's price is checked against the lexicon's plausible ranges.
 */
#include "parser/parser_int.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "common/common.h"

/*
 * Atoms: one per word or group of words. ATOMS_MAX bounds the work; words
 * past it are never numbers of the item, only part of the note.
 */
#define TRADE_ATOMS 160

enum atom_kind { A_WORD, A_QTY, A_PRICE, A_NUM, A_GRADE, A_SKIP };

struct atom {
	enum atom_kind kind;
	int w0, w1;			/* words [w0, w1) */
	long long milli;		/* A_NUM: value × 1000 */
	bool ref;			/* A_NUM: #123, SO 123 */
	bool priced;			/* A_NUM after GIA/DG */
	bool lot;			/* A_NUM/A_PRICE after TONG, CA LO, TAT CA */
	bool mult;			/* A_PRICE had K/TR...: never read as thousands */
	long long amount;		/* A_QTY: grams or pieces; A_PRICE: đ */
	const char *unit;		/* A_QTY: "g" or the count unit */
	int pieces;			/* A_QTY: n pieces of a weight */
	long long each_g;		/* A_QTY: 25KG/BAO, waiting for the count */
	const struct unit_def *per;	/* /KG, /CON, MOI CON, 1 KG after a price */
	int grade;
};

struct trade {
	struct msg *m;
	unsigned ctx;
	struct atom a[TRADE_ATOMS];
	int na;
	bool negotiable;		/* GIA THOA THUAN */
	bool pend_price, pend_lot;	/* GIA/DG, TONG seen: for the next number */
	const struct unit_def *pend_each;	/* MOI CON before a price: per piece */
	bool range;			/* 30-35K */
	int place0, place1;		/* O <words> */
};

/* What a parsed item holds before it goes into struct command. */
struct item {
	bool has_qty;
	long long qty;
	const char *unit;
	int pieces;
	long long each_g;
	bool has_price, price_lot, price_explicit;
	long long vnd;
	const char *per;
	int grade;
	long long listing;
	int prod0, prod1;		/* product run words, prod1 == prod0: none */
	int note0;			/* first note word, -1 none */
	bool multiple;
};

#define TC_PLACE 32u

static bool
is_numeric(const struct atom *a)
{
	return a->kind == A_QTY || a->kind == A_PRICE || a->kind == A_NUM || a->kind == A_GRADE;
}

static struct atom *
last_atom(struct trade *t)
{
	int k;

	for (k = t->na - 1; k >= 0; k--)
		if (t->a[k].kind != A_SKIP)
			return &t->a[k];
	return NULL;
}

static struct atom *
add_atom(struct trade *t, enum atom_kind kind, int w0, int w1)
{
	struct atom *a = &t->a[t->na++];

	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->w0 = w0;
	a->w1 = w1;
	return a;
}

static bool
starts_digit(const struct msg *m, int i)
{
	return i < m->nw && w_str(m, i)[0] >= '0' && w_str(m, i)[0] <= '9';
}

static const struct unit_def *
unit_word(const struct msg *m, int i)
{
	return i < m->nw ? unit_find(w_str(m, i), w_len(m, i)) : NULL;
}

/* ---- fillers ---- */

enum filler { F_NONE, F_DROP, F_NEGOTIABLE, F_PRICE, F_LOT };

struct filler_row {
	const char *words;
	enum filler effect;
	unsigned ctx;			/* 0: everywhere */
};

static const struct filler_row fillers[] = {
	{"GIA THOA THUAN", F_NEGOTIABLE, 0},
	{"THOA THUAN", F_NEGOTIABLE, 0},
	{"SO LUONG", F_DROP, 0},
	{"SL", F_DROP, 0},
	{"CAN BAN", F_DROP, TC_LIST},
	{"TRA GIA", F_DROP, TC_SEARCH},
	{"GIUP", F_DROP, TC_SEARCH},
	{"TOI", F_DROP, TC_SEARCH},
	{"HOM NAY", F_DROP, TC_SEARCH},
	{"HNAY", F_DROP, TC_SEARCH},
	{"BN", F_DROP, TC_SEARCH},
	{"BAO NHIEU", F_DROP, TC_SEARCH},
	{"THE NAO", F_DROP, TC_SEARCH},
	{"VAY", F_DROP, TC_SEARCH},
	{"NHI", F_DROP, TC_SEARCH},
	{"GIA CA", F_DROP, TC_SEARCH},
	{"MOI KG", F_DROP, TC_QUESTION},
	{"1 KG", F_DROP, TC_QUESTION},
	{"1 CAN", F_DROP, TC_QUESTION},
	{"1KG", F_DROP, TC_QUESTION},
	{"TONG", F_LOT, 0},
	{"CA LO", F_LOT, 0},
	{"TAT CA", F_LOT, 0},
	{"DG", F_PRICE, 0},
};

static int
filler_at(const struct trade *t, int i, enum filler *effect)
{
	const struct msg *m = t->m;
	size_t k;
	int n;

	if (i >= m->nw)
		return 0;
	for (k = 0; k < sizeof fillers / sizeof fillers[0]; k++) {
		if (fillers[k].words[0] != w_str(m, i)[0])
			continue;
		if (fillers[k].ctx != 0 && !(fillers[k].ctx & t->ctx))
			continue;
		if ((n = w_phrase(m, i, fillers[k].words)) > 0) {
			*effect = fillers[k].effect;
			return n;
		}
	}
	if (w_is_tone(m, i, "GIA")) {		/* GIAS, GIA1 too (§1.3) */
		*effect = F_PRICE;
		return 1;
	}
	/* "about": TAM 2KG, KHOANG 50KG */
	if ((w_is(m, i, "TAM") || w_is(m, i, "KHOANG")) && starts_digit(m, i + 1)) {
		*effect = F_DROP;
		return 1;
	}
	return 0;
}

static int
skip_filler(struct trade *t, int i)
{
	enum filler effect = F_NONE;
	int n = filler_at(t, i, &effect);
	const struct atom *prev = last_atom(t);

	/* MOI CON between a count and its weight: 20 CON MOI CON 2KG */
	if (n == 0 && w_is(t->m, i, "MOI") && prev != NULL && prev->kind == A_QTY &&
	    prev->each_g == 0 && strcmp(prev->unit, "g") != 0 && unit_word(t->m, i + 1) != NULL &&
	    starts_digit(t->m, i + 2)) {
		n = 2;
		effect = F_DROP;
		t->pend_each = unit_word(t->m, i + 1);	/* used only if a price follows */
	}
	if (n == 0)
		return 0;
	if (effect == F_NEGOTIABLE)
		t->negotiable = true;
	else if (effect == F_PRICE)
		t->pend_price = true;
	else if (effect == F_LOT)
		t->pend_lot = true;
	add_atom(t, A_SKIP, i, i + n);
	return n;
}

/* O <words>: the place, up to the next filler or number (GIA/TIM/THEO). */
static int
place_at(struct trade *t, int i)
{
	const struct msg *m = t->m;
	enum filler effect;
	int k = i + 1;

	if (!(t->ctx & TC_PLACE) || !w_is(m, i, "O") || i + 1 >= m->nw || t->place1 > 0)
		return 0;
	while (k < m->nw && !starts_digit(m, k) && filler_at(t, k, &effect) == 0)
		k++;
	if (k == i + 1)
		return 0;
	t->place0 = i + 1;
	t->place1 = k;
	add_atom(t, A_SKIP, i, k);		/* ends the product run */
	return k - i;
}

/* LOAI 1, LOAI1: the grade. */
static int
grade_at(struct trade *t, int i)
{
	const struct msg *m = t->m;
	const char *s = w_str(m, i);
	size_t n = w_len(m, i), k;
	long long g = 0;
	int used = 1;
	struct num num;

	if (n > 4 && memcmp(s, "LOAI", 4) == 0) {
		for (k = 4; k < n && k < 7; k++) {
			if (s[k] < '0' || s[k] > '9')
				return 0;
			g = g * 10 + (s[k] - '0');
		}
		if (k < n)
			return 0;
	} else if (w_is(m, i, "LOAI") && i + 1 < m->nw && num_lex(m, i + 1, &num) == 0 &&
	    num.unit == NULL && !num.ref && !num.slash && num.milli % 1000 == 0 &&
	    num.milli <= 999000) {
		g = num.milli / 1000;
		used = 2;
	} else {
		return 0;
	}
	add_atom(t, A_GRADE, i, i + used)->grade = (int)g;
	return used;
}

/* ---- numbers ---- */

/* mul_sat: a × b, or LLONG_MAX when it overflows (both are >= 0): an
 * amount that large fails the bounds of parser.h, so it is never used. */
static long long
mul_sat(long long a, long long b)
{
	long long r;

	return __builtin_mul_overflow(a, b, &r) ? LLONG_MAX : r;
}

/* scale: value × factor / 1000 without overflow, or -1. */
static long long
scale(long long milli, long long factor)
{
	if (milli < 0 || (factor > 0 && milli > LLONG_MAX / factor))
		return -1;
	return milli * factor / 1000;
}

/* merge_pieces: 3 THUNG 10KG, 20 CON TONG 50KG, 2 BAO 25KG/BAO. */
static bool
merge_pieces(struct trade *t, struct atom *w)
{
	struct atom *c = NULL;
	long long each = w->each_g ? w->each_g : w->amount;
	int k;

	/* the atom before w; only skipped fillers (MOI CON, TAM, TONG) between */
	for (k = t->na - 2; k >= 0 && c == NULL; k--)
		if (t->a[k].kind != A_SKIP)
			c = &t->a[k];
	if (c == NULL || c->kind != A_QTY || strcmp(c->unit, "g") == 0 || c->pieces != 0 ||
	    c->amount <= 0 || c->amount > 1000000 || each > LLONG_MAX / c->amount)
		return false;
	c->pieces = (int)c->amount;
	c->amount = t->pend_lot ? each : c->amount * each;
	c->unit = "g";
	c->each_g = 0;
	c->w1 = w->w1;
	t->pend_lot = false;
	return true;
}

/* qty_extras: RUOI, a tenth digit after TA/YEN/TAN, 25KG/BAO. */
static int
qty_extras(struct trade *t, struct atom *a, const struct unit_def *u, int i,
    const struct num *n, bool glued_tail)
{
	const struct msg *m = t->m;
	int used = 0;

	if (u->kind != UK_WEIGHT)
		return 0;
	if (w_is(m, i, "RUOI")) {
		a->amount += u->factor / 2;
		used = 1;
	} else if (!glued_tail && u->factor >= 10000 && i < m->nw && w_len(m, i) == 1 &&
	    starts_digit(m, i) && w_str(m, i)[0] != '0') {
		const struct unit_def *after = unit_word(m, i + 1);

		if (after == NULL) {		/* 1 TA 2 = 120 kg, not 1 TA 2K */
			a->amount += (w_str(m, i)[0] - '0') * u->factor / 10;
			used = 1;
		}
	}
	if (n->slash && n->per != NULL && n->per->kind == UK_COUNT)
		a->each_g = a->amount;
	return used;
}

/* money_extras: the đ marker after a price (30 NGHIN DONG), the per unit. */
static int
money_extras(struct trade *t, struct atom *a, int i, const struct num *n)
{
	const struct unit_def *u = unit_word(t->m, i);
	int used = 0;

	if (u != NULL && u->kind == UK_ABSORB)
		used = 1;
	if (n->slash && n->per != NULL)
		a->per = n->per;
	return used;
}

/* after_number: GIA/TONG before it, a dash before it (30-35K). */
static void
after_number(struct trade *t, struct atom *a, struct atom *prev)
{
	if (prev != NULL && is_numeric(prev) && prev->w1 == a->w0 &&
	    gap_has_dash(t->m, prev->w1 - 1, a->w0))
		t->range = true;
	if (t->pend_price && a->kind == A_NUM)
		a->priced = true;
	if (t->pend_lot && (a->kind == A_NUM || a->kind == A_PRICE))
		a->lot = true;
	if (t->pend_each != NULL && a->kind == A_PRICE && a->per == NULL)
		a->per = t->pend_each;		/* MOI CON 1TR: 1 triệu each */
	t->pend_price = false;
	t->pend_lot = false;
	t->pend_each = NULL;
}

static int
number_at(struct trade *t, int i)
{
	struct msg *m = t->m;
	struct num n;
	const struct unit_def *u;
	struct atom *prev = last_atom(t), *a;
	int used = 1;
	long long v;

	if ((w_is(m, i, "#") || w_is(m, i, "SO") || w_is(m, i, "LO") || w_is(m, i, "N")) &&
	    ref_at(m, i, &v) == 2) {
		a = add_atom(t, A_NUM, i, i + 2);
		a->ref = true;
		a->milli = v * 1000;
		after_number(t, a, prev);
		return 2;
	}
	if (num_lex(m, i, &n) < 0)
		return 0;
	u = n.unit;
	if (u == NULL && !n.slash && !n.ref && (u = unit_word(m, i + 1)) != NULL)
		used = 2;			/* apart: 50 KG, 30 NGHIN */
	if (u == NULL || n.ref) {
		a = add_atom(t, A_NUM, i, i + 1);
		a->milli = n.milli;
		a->ref = n.ref;
		if (n.slash)
			a->per = n.per;
		after_number(t, a, prev);
		return 1;
	}
	if (u->kind == UK_WEIGHT || u->kind == UK_COUNT) {
		if ((v = scale(n.milli, u->factor)) < 0)
			return 0;
		a = add_atom(t, A_QTY, i, i + used);
		a->amount = v;
		a->unit = u->kind == UK_WEIGHT ? "g" : u->name;
		/* glued tail: 1TA2 already has its tenth */
		used += qty_extras(t, a, u, i + used, &n, n.unit != NULL &&
		    w_str(m, i)[w_len(m, i) - 1] >= '0' && w_str(m, i)[w_len(m, i) - 1] <= '9');
		a->w1 = i + used;
		if (a->unit[0] == 'g' && a->unit[1] == '\0' && merge_pieces(t, a)) {
			t->na--;		/* folded into the count before it */
			t->pend_price = t->pend_lot = false;
			t->pend_each = NULL;	/* MOI CON 2KG: it was the weight's */
			return used;
		}
		after_number(t, a, prev);
		return used;
	}
	/* money: K, TR, NGHIN..., or only a đ marker (30000D) */
	if ((v = scale(n.milli, u->factor)) < 0)
		return 0;
	a = add_atom(t, A_PRICE, i, i + used);
	a->amount = v;
	a->mult = u->kind == UK_MONEY;
	if (!a->mult && n.milli < 1000 * 1000)
		a->amount = n.milli;		/* 30D: thousands (§3 Prices) */
	used += money_extras(t, a, i + used, &n);
	a->w1 = i + used;
	after_number(t, a, prev);
	return used;
}

/* NUA TA: half a weight unit. */
static int
half_at(struct trade *t, int i)
{
	const struct unit_def *u;
	struct atom *a, *prev = last_atom(t);

	if (!w_is(t->m, i, "NUA") || (u = unit_word(t->m, i + 1)) == NULL || u->kind != UK_WEIGHT)
		return 0;
	a = add_atom(t, A_QTY, i, i + 2);
	a->amount = u->factor / 2;
	a->unit = "g";
	after_number(t, a, prev);
	return 2;
}

/* per_at: /KG, /1KG, /CON, MOI KG, 1 KG, 1 CAN after a price. */
static int
per_at(struct trade *t, int i)
{
	const struct msg *m = t->m;
	struct atom *prev = last_atom(t);
	const char *s = w_str(m, i);
	size_t n = w_len(m, i);
	const struct unit_def *u;
	int used = 1;
	bool priceish;

	if (prev == NULL)
		return 0;
	priceish = prev->kind == A_PRICE || (prev->kind == A_NUM && prev->priced);
	if (s[0] == '/' && n > 1) {
		size_t k = s[1] == '1' ? 2 : 1;

		u = unit_find(s + k, n - k);
		if (u == NULL || (u->kind != UK_WEIGHT && u->kind != UK_COUNT))
			return 0;
		if (prev->kind == A_QTY && strcmp(prev->unit, "g") == 0 && u->kind == UK_COUNT) {
			prev->each_g = prev->amount;	/* 25KG /BAO */
			prev->w1 = i + 1;
			return 1;
		}
		if (!priceish)
			return 0;
		prev->per = u;
	} else if (!priceish) {
		return 0;
	} else if (w_is(m, i, "MOI")) {		/* MOI: each; MOI KG, MOI CON */
		u = unit_word(m, i + 1);
		if (u != NULL && (u->kind == UK_WEIGHT || u->kind == UK_COUNT)) {
			prev->per = u;
			used = 2;
		}
	} else if (w_is(m, i, "1") && (u = unit_word(m, i + 1)) != NULL &&
	    u->kind == UK_WEIGHT && u->factor == 1000) {
		prev->per = u;
		used = 2;
	} else if (w_is(m, i, "1KG") || w_is(m, i, "1CAN")) {
		prev->per = unit_find("KG", 2);
	} else {
		return 0;
	}
	prev->w1 = i + used;
	return used;
}

static void
atomize(struct trade *t, int from)
{
	struct msg *m = t->m;
	int i = from;

	while (i < m->nw && t->na < TRADE_ATOMS - 2) {
		int n;

		if ((n = skip_filler(t, i)) > 0 || (n = place_at(t, i)) > 0 ||
		    (n = grade_at(t, i)) > 0 || (n = half_at(t, i)) > 0 ||
		    (n = per_at(t, i)) > 0 || (n = number_at(t, i)) > 0) {
			i += n;
			continue;
		}
		add_atom(t, A_WORD, i, i + 1);
		i++;
	}
}

static void
trade_init(struct trade *t, struct msg *m, unsigned ctx)
{
	t->m = m;
	t->ctx = ctx;
	t->na = 0;
	t->negotiable = t->pend_price = t->pend_lot = t->range = false;
	t->pend_each = NULL;
	t->place0 = t->place1 = 0;
}

/* ---- assignment (§3 "Which number is what") ---- */

static void
set_qty(struct item *it, const struct atom *a)
{
	if (it->has_qty) {
		/* 2 BAO ... 25KG/BAO, either order */
		if (a->each_g > 0 && strcmp(it->unit, "g") != 0 && it->pieces == 0) {
			it->pieces = it->qty > CMD_PIECES_MAX ? INT_MAX : (int)it->qty;
			it->qty = mul_sat(it->qty, a->each_g);
			it->unit = "g";
			return;
		}
		if (it->each_g > 0 && strcmp(a->unit, "g") != 0 && a->pieces == 0) {
			it->pieces = a->amount > CMD_PIECES_MAX ? INT_MAX : (int)a->amount;
			it->qty = mul_sat(a->amount, it->each_g);
			it->each_g = 0;
			return;
		}
		it->multiple = true;
		return;
	}
	it->has_qty = true;
	it->qty = a->amount;
	it->unit = a->unit;
	it->pieces = a->pieces;
	it->each_g = a->each_g;
}

static void
set_price(struct item *it, long long vnd, const struct atom *a)
{
	if (it->has_price) {
		it->multiple = true;
		return;
	}
	it->has_price = true;
	it->vnd = vnd;
	it->price_lot = a->lot;
	it->per = NULL;
	it->price_explicit = false;
	if (a->per != NULL) {
		it->price_explicit = true;
		if (a->per->kind == UK_WEIGHT) {
			it->per = "kg";
			it->vnd = mul_sat(vnd, 1000) / a->per->factor;
		} else {
			it->per = "unit";
		}
	}
}

/* bare_vnd: a price with no multiplier below 1 000 is thousands. */
static long long
bare_vnd(long long milli)
{
	return milli < 1000 * 1000 ? milli : milli / 1000;
}

static void
assign(const struct trade *t, struct item *it, bool order)
{
	int k, first_num = -1, last_num = -1, ps, pe;

	memset(it, 0, sizeof *it);
	it->note0 = -1;
	for (k = 0; k < t->na; k++) {
		const struct atom *a = &t->a[k];

		if (!is_numeric(a))
			continue;
		if (first_num < 0)
			first_num = k;
		if (a->kind != A_NUM || a->priced || a->lot)
			last_num = k;
		switch (a->kind) {
		case A_QTY:
			set_qty(it, a);
			break;
		case A_PRICE:
			set_price(it, a->amount, a);
			break;
		case A_GRADE:
			if (it->grade != 0)
				it->multiple = true;
			it->grade = a->grade;
			break;
		case A_NUM:
			if (a->priced || a->lot)
				set_price(it, bare_vnd(a->milli), a);
			break;
		default:
			break;
		}
	}
	/* then bare numbers: listing (ORDER), quantity in kg, price */
	for (k = 0; k < t->na; k++) {
		const struct atom *a = &t->a[k];

		if (a->kind != A_NUM || a->priced || a->lot)
			continue;
		if (order && it->listing == 0 && (a->ref || k == first_num) &&
		    a->milli % 1000 == 0 && a->milli >= 1000) {
			it->listing = a->milli / 1000;
		} else if (a->ref && order) {
			it->multiple = true;
		} else if (!it->has_qty && a->per == NULL) {
			it->has_qty = true;
			it->qty = a->milli;		/* kg -> g */
			it->unit = "g";
		} else if (!it->has_price) {
			set_price(it, bare_vnd(a->milli), a);
		} else if (k > 0 && t->a[k - 1].kind == A_WORD && k > last_num) {
			continue;	/* a number inside the note: GIAO TRONG 2 NGAY */
		} else {
			it->multiple = true;
		}
		if (k > last_num)
			last_num = k;
	}
	if (it->has_qty && it->each_g > 0)
		it->each_g = 0;		/* 25KG/BAO alone: 25 kg */
	if (it->has_price && it->per == NULL)
		it->per = it->price_lot ? "lot" :
		    (!it->has_qty || strcmp(it->unit, "g") == 0) ? "kg" : "unit";
	/* the product: the first run of words; the note: words after the
	 * last number that are not that run */
	it->prod0 = it->prod1 = -1;
	ps = pe = -1;
	for (k = 0; k < t->na && !order; k++) {
		if (t->a[k].kind != A_WORD)
			continue;
		ps = pe = k;
		while (pe + 1 < t->na && t->a[pe + 1].kind == A_WORD)
			pe++;
		it->prod0 = t->a[ps].w0;
		it->prod1 = t->a[pe].w1;
		break;
	}
	for (k = last_num + 1; last_num >= 0 && k < t->na; k++) {
		if (t->a[k].kind == A_WORD && (k < ps || k > pe)) {
			it->note0 = t->a[k].w0;
			break;
		}
	}
}

static bool
has_numeric(const struct trade *t)
{
	int k;

	for (k = 0; k < t->na; k++)
		if (is_numeric(&t->a[k]))
			return true;
	return false;
}

/* product_of: the lexicon key and variety of the run, or its own words. */
static void
product_of(struct msg *m, struct item *it, struct command *c)
{
	int prod, k, j;
	const struct lexicon *lx = &m->p->lx;

	if (it->prod0 < 0)
		return;
	for (j = it->prod0; j + 1 < it->prod1; j++)	/* NA VA HONG: two items */
		if ((w_is(m, j, "VA") || w_is(m, j, "VOI")) && lex_alias_at(m, j + 1, &prod) > 0 &&
		    j > it->prod0)
			it->multiple = true;
	k = lex_alias_at(m, it->prod0, &prod);
	if (k > 0 && it->prod0 + k <= it->prod1) {
		str_copy(c->product, sizeof c->product, lx->prod[prod].key);
		w_lower(m, it->prod0 + k, it->prod1, c->variety, sizeof c->variety);
	} else {
		w_lower(m, it->prod0, it->prod1, c->product, sizeof c->product);
	}
}

static void
put_qty(const struct item *it, struct command *c)
{
	if (!it->has_qty)
		return;
	c->has_qty = true;
	c->qty.amount = it->qty;
	str_copy(c->qty.unit, sizeof c->qty.unit, it->unit);
	c->pieces = it->pieces;
}

static void
put_price(const struct item *it, struct cmd_price *p, bool *has)
{
	if (!it->has_price)
		return;
	*has = true;
	p->vnd = it->vnd;
	str_copy(p->per, sizeof p->per, it->per);
}

static void
put_note_place(struct msg *m, const struct trade *t, const struct item *it, struct command *c)
{
	if (it->note0 >= 0)
		msg_text(m, it->note0, m->nw, c->note, sizeof c->note);
	if (t->place1 > t->place0)
		msg_text(m, t->place0, t->place1, c->place, sizeof c->place);
}

/* item_errors: price_range and multiple_items leave action, error, contact. */
static bool
item_errors(const struct trade *t, const struct item *it, struct command *c)
{
	if (t->range)
		cmd_set_error(c, "price_range");
	else if (it->multiple)
		cmd_set_error(c, "multiple_items");
	else
		return false;
	cmd_clear_error_fields(c);
	return true;
}

/*
 * too_large: a quantity or price past parser.h's bounds is an error that
 * keeps only action, error and contact, like multiple_items: no listing,
 * order or search is ever made of it (issue 9).
 */
static bool
too_large(const struct item *it, bool price, struct command *c)
{
	long long max = it->has_qty && strcmp(it->unit, "g") != 0 ? CMD_PIECES_MAX : CMD_QTY_MAX_G;

	if (it->has_qty && (it->qty > max || it->pieces > CMD_PIECES_MAX))
		cmd_set_error(c, "qty_too_large");
	else if (price && it->has_price && it->vnd > CMD_VND_MAX)
		cmd_set_error(c, "price_too_large");
	else
		return false;
	cmd_clear_error_fields(c);
	return true;
}

/* ---- plausibility (§3 Products) ---- */

static bool
in_range(const struct lex_range *r, long long v)
{
	return r->hi > 0 && v >= r->lo && v <= r->hi;
}

static const struct lex_range *
range_of(const struct lex_product *pr, const char *variety, bool kg)
{
	int k;

	for (k = 0; k < pr->nvar; k++) {
		const struct lex_range *r = kg ? &pr->var[k].kg : &pr->var[k].piece;

		if (strcmp(pr->var[k].name, variety) == 0 && r->hi > 0)
			return r;
	}
	return (kg ? pr->kg.hi : pr->piece.hi) > 0 ? (kg ? &pr->kg : &pr->piece) : NULL;
}

/* off_mid: how far v is from the middle of r, as a ratio >= 1 to the
 * geometric mean of its ends (prices spread by ratios, not by đ). */
static double
off_mid(const struct lex_range *r, long long v)
{
	double mid = sqrt((double)r->lo * (double)r->hi);

	return v > mid ? (double)v / mid : mid / (double)v;
}

/*
 * lot_doubt: a price per piece inside the range whose reading as the lot's
 * total is inside it too and nearer its middle (BAN GA 5 CON 1TR: 1 triệu
 * a hen is the top of the range, 200.000đ is typical). §3's lot rule only
 * converts a price above the range; here both readings are possible, so
 * the listing is made as typed and the reply asks ("check":"lot").
 */
static bool
lot_doubt(const struct lex_range *r, const struct item *it, const struct command *c)
{
	long long each;

	if (it->price_explicit || strcmp(c->price.per, "unit") != 0 || c->qty.amount < 2 ||
	    r->lo <= 0)
		return false;
	each = c->price.vnd / c->qty.amount;
	return in_range(r, each) && off_mid(r, each) < off_mid(r, c->price.vnd);
}

static void
plausible(const struct msg *m, const struct item *it, struct command *c)
{
	const struct lex_product *pr = lex_find(&m->p->lx, c->product);
	bool kg = strcmp(c->price.per, "kg") == 0;
	bool weight = strcmp(c->qty.unit, "g") == 0;
	const struct lex_range *r, *rk;
	long long v = c->price.vnd, each;

	if (pr == NULL || strcmp(c->price.per, "lot") == 0)
		return;
	r = range_of(pr, c->variety, kg);
	if (r != NULL && in_range(r, v)) {
		if (!weight && lot_doubt(r, it, c))
			str_copy(c->check, sizeof c->check, "lot");
		return;
	}
	/* above the range per unit, inside it as the lot's total: 50KG 1TR5 */
	if (r != NULL && !it->price_explicit && v > r->hi) {
		each = -1;
		if (kg && weight && c->qty.amount >= 1000)
			each = v * 1000 / c->qty.amount;
		else if (!kg && !weight && c->qty.amount > 0)
			each = v / c->qty.amount;
		if (each >= 0 && in_range(r, each)) {
			str_copy(c->price.per, sizeof c->price.per, "lot");
			return;
		}
	}
	/* poultry and pigs by the piece, at a per-kg price */
	if (pr->by_piece && !kg && !it->price_explicit &&
	    (rk = range_of(pr, c->variety, true)) != NULL && in_range(rk, v)) {
		str_copy(c->price.per, sizeof c->price.per, "kg");
		return;
	}
	if (r != NULL)
		str_copy(c->check, sizeof c->check, "price");
}

/* parser_price_check: the range test plausible() applies, for a price
 * given explicitly per kg or per piece (a USSD menu asks it so). */
int
parser_price_check(const struct parser *p, const char *product, const char *variety,
    long long vnd, bool per_kg)
{
	const struct lex_product *pr = p != NULL ? lex_find(&p->lx, product) : NULL;
	const struct lex_range *r;

	if (pr == NULL || vnd <= 0)
		return 0;
	r = range_of(pr, variety != NULL ? variety : "", per_kg);
	if (r == NULL || in_range(r, vnd))
		return 0;
	return vnd > r->hi ? 1 : -1;
}

/* ---- readers ---- */

int
read_list(struct msg *m, struct command *c)
{
	struct trade t;
	struct item it;

	if (m->arg >= m->nw) {
		cmd_set_error(c, "missing_product");
		return 0;
	}
	trade_init(&t, m, TC_LIST);
	atomize(&t, m->arg);
	/* BAN is also "you": a listing only with a number or a product (§1.4) */
	if (!has_numeric(&t) && !lex_product_among(m, m->arg, m->nw)) {
		cmd_reset(c);
		return 0;
	}
	assign(&t, &it, false);
	product_of(m, &it, c);
	if (item_errors(&t, &it, c) || too_large(&it, !t.negotiable, c))
		return 0;
	c->grade = it.grade;
	put_qty(&it, c);
	if (it.has_qty && !t.negotiable)
		put_price(&it, &c->price, &c->has_price);
	put_note_place(m, &t, &it, c);
	if (c->product[0] == '\0')
		cmd_set_error(c, "missing_product");
	else if (!it.has_qty || it.qty <= 0) {
		cmd_set_error(c, "missing_quantity");	/* and no price (§3) */
		c->has_qty = c->has_price = false;
		c->pieces = 0;
	}
	else if (c->has_price)
		plausible(m, &it, c);
	return 0;
}

/*
 * search_page: TIM NA 2 asks for page 2 (§7): a bare 2-9 standing last
 * that is not the tenth of a TA, YEN or TAN before it (1 TA 2 = 120 kg).
 */
static int
search_page(const struct msg *m)
{
	int last = m->nw - 1;

	if (last < m->arg || (last > 0 && (w_is(m, last - 1, "TA") || w_is(m, last - 1, "YEN") ||
	    w_is(m, last - 1, "TAN"))))
		return 0;
	return page_at(m, last);
}

static int
read_searchlike(struct msg *m, struct command *c, unsigned ctx, bool want_qty, bool need_product)
{
	struct trade t;
	struct item it;
	int nw = m->nw;

	/* only TIM/XEM pages: MUA <product> is unchanged (§7) */
	if (want_qty && (ctx & TC_QUESTION) && (c->page = search_page(m)) != 0)
		m->nw--;		/* the page is no quantity and no note */
	trade_init(&t, m, ctx | TC_SEARCH | TC_PLACE);
	atomize(&t, m->arg);
	assign(&t, &it, false);
	product_of(m, &it, c);
	if (c->page != 0)
		m->nw = nw;
	if (item_errors(&t, &it, c) || (want_qty && too_large(&it, true, c)))
		return 0;
	c->grade = it.grade;
	if (want_qty) {
		put_qty(&it, c);
		put_price(&it, &c->offer, &c->has_offer);
	}
	put_note_place(m, &t, &it, c);
	if (need_product && c->product[0] == '\0')
		cmd_set_error(c, "missing_product");
	return 0;
}

int
read_search(struct msg *m, struct command *c)
{
	return read_searchlike(m, c, TC_QUESTION, true, true);
}

int
read_price(struct msg *m, struct command *c)
{
	return read_searchlike(m, c, TC_QUESTION | TC_PRICE, false, false);
}

int
read_follow(struct msg *m, struct command *c)
{
	return read_searchlike(m, c, TC_QUESTION, false, true);
}

/* MUA <product> is a SEARCH (§3): decide from the first argument. */
static bool
order_is_search(const struct trade *t)
{
	const struct msg *m = t->m;
	int k, prod;
	const struct atom *first = NULL;

	for (k = 0; k < t->na && first == NULL; k++)
		if (t->a[k].kind != A_SKIP)
			first = &t->a[k];
	if (first == NULL || first->kind == A_NUM || first->kind == A_PRICE)
		return false;
	for (k = 0; k < t->na; k++) {
		if (t->a[k].kind == A_WORD && lex_alias_at(m, t->a[k].w0, &prod) > 0)
			return true;
		if (first->kind == A_WORD && t->a[k].kind == A_NUM)
			return false;		/* MUA TIN 123: fillers, then a number */
	}
	return first->kind == A_WORD;
}

int
read_order(struct msg *m, struct command *c)
{
	struct trade t;
	struct item it;

	trade_init(&t, m, TC_ORDER);
	atomize(&t, m->arg);
	if (order_is_search(&t)) {
		c->action = CMD_SEARCH;
		return read_searchlike(m, c, 0, true, true);
	}
	assign(&t, &it, true);
	if (item_errors(&t, &it, c) || too_large(&it, true, c))
		return 0;
	c->listing = it.listing;
	put_qty(&it, c);
	put_price(&it, &c->offer, &c->has_offer);
	put_note_place(m, &t, &it, c);
	if (c->listing == 0 && !c->has_qty) {
		/* words where the number should be are no note */
		cmd_set_error(c, "missing_number");
		cmd_clear_error_fields(c);
	}
	return 0;
}

/*
 * read_edit: SUA <listing-no> <changes> (§7). A number with a unit is the
 * quantity left, one with a price marker, after GIA or bare is the price
 * (bare below 1 000: thousands). Words are no change and are dropped.
 */
int
read_edit(struct msg *m, struct command *c)
{
	struct trade t;
	struct item it;
	int i = m->arg, n = 0;
	long long v = 0;

	while (i < m->nw && (n = ref_at(m, i, &v)) == 0)
		i++;
	if (n == 0) {
		cmd_set_error(c, "missing_number");
		return 0;
	}
	c->listing = v;
	trade_init(&t, m, TC_LIST);
	atomize(&t, i + n);
	memset(&it, 0, sizeof it);
	for (int k = 0; k < t.na; k++) {
		const struct atom *a = &t.a[k];

		if (a->kind == A_QTY)
			set_qty(&it, a);
		else if (a->kind == A_PRICE)
			set_price(&it, a->amount, a);
		else if (a->kind == A_NUM && a->ref)
			it.multiple = true;		/* SUA 12 13 */
		else if (a->kind == A_NUM)
			set_price(&it, bare_vnd(a->milli), a);
		else if (a->kind == A_GRADE)
			it.multiple = true;
	}
	if (it.has_price && it.per == NULL)
		it.per = it.price_lot ? "lot" :
		    (it.has_qty && strcmp(it.unit, "g") != 0) ? "unit" : "kg";
	if (item_errors(&t, &it, c) || too_large(&it, true, c))
		return 0;
	put_qty(&it, c);
	put_price(&it, &c->price, &c->has_price);
	if ((!c->has_qty || c->qty.amount <= 0) && !c->has_price) {
		c->has_qty = false;
		cmd_set_error(c, "missing_change");
	}
	return 0;
}

/* qty_at: an ACCEPT's quantity at word i (50KG, 2 TA, a bare 20 in kg). */
int
qty_at(struct msg *m, int i, struct command *c)
{
	struct trade t;
	const struct atom *a;
	int used;

	trade_init(&t, m, 0);
	if (i >= m->nw || (used = number_at(&t, i)) == 0)
		return 0;
	a = &t.a[0];
	if ((a->kind == A_QTY && a->amount > (strcmp(a->unit, "g") == 0 ? CMD_QTY_MAX_G :
	    CMD_PIECES_MAX)) || (a->kind == A_NUM && !a->ref && a->milli > CMD_QTY_MAX_G)) {
		cmd_set_error(c, "qty_too_large");	/* OK 45 500 TAN */
		cmd_clear_error_fields(c);
		return m->nw - i;			/* and no note after it */
	}
	if (a->kind == A_QTY) {
		c->has_qty = true;
		c->qty.amount = a->amount;
		str_copy(c->qty.unit, sizeof c->qty.unit, a->unit);
		c->pieces = a->pieces;
		return used;
	}
	if (a->kind == A_NUM && !a->ref && a->per == NULL) {
		c->has_qty = true;
		c->qty.amount = a->milli;
		str_copy(c->qty.unit, sizeof c->qty.unit, "g");
		return used;
	}
	return 0;
}

/* ---- glued commands (issue 9): BANNA 50KG 30K, BAN NA50KG30K ---- */

/* Keywords of the trade commands that are typed glued to the product. */
static const char *const glue_kw[] = {"BAN", "MUA", "TIM", "XEM", "GIA", "THEO", "DAT"};

struct unglue {
	char *out;
	size_t len, n;
	bool cut;
};

static void
ug_put(struct unglue *u, const char *s, size_t n, bool space)
{
	if (space && u->n > 0)
		ug_put(u, " ", 1, false);
	if (u->n + n + 1 > u->len) {
		u->cut = true;
		return;
	}
	memcpy(u->out + u->n, s, n);
	u->n += n;
	u->out[u->n] = '\0';
}

static bool
is_upper(char ch)
{
	return ch >= 'A' && ch <= 'Z';
}

/* digit_run: digits with '.' ',' and an O typed for a zero (§3), from i. */
static size_t
digit_run(const char *s, size_t n, size_t i)
{
	size_t k = i;

	while (k < n && ((s[k] >= '0' && s[k] <= '9') ||
	    ((s[k] == '.' || s[k] == ',' || s[k] == 'O') && k > i)))
		k++;
	while (k > i && (s[k - 1] == '.' || s[k - 1] == ','))
		k--;
	return k;
}

static size_t
letter_run(const char *s, size_t n, size_t i)
{
	while (i < n && is_upper(s[i]))
		i++;
	return i;
}

/* alias_glued: the longest alias of the lexicon that the letters start
 * with once its spaces are gone ("MANGCAU"); its index or -1. */
static int
alias_glued(const struct lexicon *lx, const char *s, size_t n, size_t *used)
{
	for (int a = 0; a < lx->nalias; a++) {
		const char *w = lx->alias[a].words;
		size_t k = 0, j;

		for (j = 0; w[j] != '\0' && k < n; j++) {
			if (w[j] == ' ')
				continue;
			if (w[j] != s[k])
				break;
			k++;
		}
		if (w[j] == '\0' && k >= 2) {
			*used = k;
			return a;
		}
	}
	return -1;
}

/* ug_letters writes a run of letters: a product alias and what follows it
 * as words ("HOIKHO" -> "HOI KHO"), else the run as it is. */
static void
ug_letters(struct unglue *u, const struct lexicon *lx, const char *s, size_t n)
{
	size_t used = 0;
	int a = alias_glued(lx, s, n, &used);

	if (a < 0) {
		ug_put(u, s, n, true);
		return;
	}
	ug_put(u, lx->alias[a].words, strlen(lx->alias[a].words), true);
	if (used < n)
		ug_put(u, s + used, n - used, true);
}

/* ug_word splits one folded word at its glue points: letters from the
 * number after them (NA50KG), and a unit from the number after it
 * (50KG30K), but not a marker's tail (1TR5) or a tenth (1TA2). */
static void
ug_word(struct unglue *u, const struct lexicon *lx, const char *s, size_t n, bool first)
{
	size_t i = 0;
	bool glue = false;		/* the next run sticks to the one before */

	if (first) {
		for (size_t k = 0; k < sizeof glue_kw / sizeof glue_kw[0]; k++) {
			size_t kl = strlen(glue_kw[k]), used;

			if (n > kl && memcmp(s, glue_kw[k], kl) == 0 && (alias_glued(lx, s + kl,
			    letter_run(s, n, kl) - kl, &used) >= 0)) {
				ug_put(u, s, kl, true);
				i = kl;
				break;
			}
		}
	}
	while (i < n) {
		size_t e;

		if (is_upper(s[i]) && !glue) {
			e = letter_run(s, n, i);
			ug_letters(u, lx, s + i, e - i);
		} else if (is_upper(s[i])) {
			const struct unit_def *un;
			size_t d;

			e = letter_run(s, n, i);
			un = unit_find(s + i, e - i);
			ug_put(u, s + i, e - i, false);
			glue = false;
			d = digit_run(s, n, e);
			/* 1TR5, 1TA2: a tail of one or two digits ending the word */
			if (un != NULL && d > e && d == n && d - e <= 2 && (un->kind == UK_MONEY ||
			    (un->factor >= 10000 && un->kind == UK_WEIGHT && d - e == 1))) {
				ug_put(u, s + e, d - e, false);
				e = d;
			}
		} else if ((e = digit_run(s, n, i)) > i) {
			size_t l = letter_run(s, n, e);

			/* a unit or marker stays on its number: 50KG, 30K; other
			 * letters glued to digits make a word, never a number
			 * (§3: 50KH), and are not guessed apart */
			glue = l > e && unit_find(s + e, l - e) != NULL;
			ug_put(u, s + i, (glue || l == e ? e : l) - i, true);
			if (!glue)
				e = l;
		} else {
			e = i + 1;		/* '#', '/': as typed */
			ug_put(u, s + i, 1, false);
		}
		i = e;
	}
}

int
trade_unglue(const struct msg *m, char *out, size_t outlen)
{
	struct unglue u = {out, outlen, 0, false};

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	/* the folded text, phone numbers included: a suggestion keeps them */
	for (size_t i = 0, e; i < m->flen; i = e + 1) {
		for (e = i; e < m->flen && m->fold[e] != ' '; e++)
			;
		if (e > i)
			ug_word(&u, &m->p->lx, m->fold + i, e - i, i == 0);
	}
	if (u.cut || u.n == 0 || (u.n == m->flen && memcmp(out, m->fold, u.n) == 0))
		return -1;
	return 0;
}
