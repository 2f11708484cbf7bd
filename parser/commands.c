/*
 * commands.c - the keyword table of commands.md §2 as rows, the matching of
 * a message's first words against it (aliases, glued forms, Telex/VNI
 * leftovers, a number glued on), the readers of the commands that are not
 * about produce, and the "Co phai BAN?" suggestion of §1.5.
 */
#include "parser/parser_int.h"

#include <stdio.h>
#include <string.h>

#include "common/common.h"

static int read_register(struct msg *m, struct command *c);
static int read_accept(struct msg *m, struct command *c);
static int read_tu_choi(struct msg *m, struct command *c);
static int read_numbered(struct msg *m, struct command *c);
static int read_broadcast(struct msg *m, struct command *c);
static int read_plain(struct msg *m, struct command *c);
static int read_help(struct msg *m, struct command *c);
static int read_status(struct msg *m, struct command *c);

/*
 * The table, from commands.def: each command's aliases (a NULL keyword ends
 * them), then the command's topic, reader and aliases by its enum value.
 */
#define PARSER_UNPAREN(...) __VA_ARGS__
#define K(kw, flags) {kw, flags, NULL},
#define KR(kw, flags, reader) {kw, flags, reader},
#define CMD(id, json, reader, action, ussd, topic, keywords, ...) \
	static const struct kw_alias alias_##id[] = { PARSER_UNPAREN keywords {NULL, 0, NULL} };
#include "parser/commands.def"
#undef CMD
#undef K
#undef KR

const struct cmd_parse cmd_parse[CMD__COUNT] = {
#define CMD(id, json, reader, action, ussd, topic, ...) [CMD_##id] = {topic, reader, alias_##id},
#include "parser/commands.def"
#undef CMD
};

/* every command but UNKNOWN has a main keyword (HD <topic>, suggestions);
 * a missing reader or keyword is refused by parser_new (table_check) */
#define CMD(id, json, reader, action, ussd, topic, keywords, ...) \
	_Static_assert(CMD_##id == CMD_UNKNOWN || sizeof(topic) > 1, \
	    "commands.def: " #id " has no topic");
#include "parser/commands.def"
#undef CMD

/* glued_number: word = kw, then digits (or #digits): MUA123, OK45. */
static bool
glued_number(const char *s, size_t n, const char *kw, size_t kwl)
{
	size_t k = kwl;

	if (n <= kwl || memcmp(s, kw, kwl) != 0)
		return false;
	if (s[k] == '#')
		k++;
	if (k == n)
		return false;
	for (; k < n; k++)
		if (s[k] < '0' || s[k] > '9')
			return false;
	return true;
}

/*
 * row_match: how many message words row r takes at word at (0: no match);
 * *glue is set to the folded offset where a glued number starts.
 */
static int
row_match(const struct msg *m, const struct kw_form *f, unsigned flags, int at,
    bool glue_numbers, size_t *glue)
{
	const char *s;
	size_t n;
	int j;

	*glue = 0;
	if (at >= m->nw)
		return 0;
	s = w_str(m, at);
	n = w_len(m, at);
	if (f->nw > 1) {			/* glued: DANGKY, HUYDON45 */
		if (tone_eq(s, n, f->glued, f->gl))
			return 1;
		if (glue_numbers && (flags & KW_NUM) && glued_number(s, n, f->glued, f->gl)) {
			*glue = m->w[at].fs + f->gl;
			return 1;
		}
	}
	for (j = 0; j < f->nw; j++) {
		if (at + j >= m->nw)
			return 0;
		s = w_str(m, at + j);
		n = w_len(m, at + j);
		if (tone_eq(s, n, f->w[j], f->wl[j]))
			continue;
		if (j == f->nw - 1 && glue_numbers && (flags & KW_NUM) &&
		    glued_number(s, n, f->w[j], f->wl[j])) {
			*glue = m->w[at + j].fs + f->wl[j];
			continue;
		}
		return 0;
	}
	return f->nw;
}

int
kw_match(struct msg *m, int at, bool glue_numbers, int *nwords)
{
	int r, best = -1, best_kw = 0, best_used = 0;
	size_t best_glue = 0;

	if (at >= m->nw)
		return -1;
	for (r = 0; r < m->p->nkw; r++) {
		const struct kw_form *f = &m->p->kw[r];
		size_t glue;
		int used;

		if (f->w[0][0] != m->fold[m->w[at].fs])
			continue;		/* every form starts with its first letter */
		used = row_match(m, f, m->p->rows[r].flags, at, glue_numbers, &glue);

		if (used > 0 && f->nw > best_kw) {
			best = r;
			best_kw = f->nw;
			best_used = used;
			best_glue = glue;
		}
	}
	if (best < 0 || at >= m->nw)
		return -1;
	if (best_glue != 0)
		msg_split_word(m, at + best_used - 1, best_glue);
	*nwords = best_used;
	return best;
}

/*
 * cmd_reset empties a command field by field: the strings only need their
 * first byte, and clearing 9 KB per message would be most of the work.
 */
void
cmd_reset(struct command *c)
{
	c->action = CMD_UNKNOWN;
	c->error[0] = c->product[0] = c->variety[0] = c->village[0] = '\0';
	c->name[0] = c->text[0] = c->note[0] = c->place[0] = c->contact[0] = '\0';
	c->topic[0] = c->suggest[0] = c->check[0] = c->for_phone[0] = '\0';
	c->grade = c->pieces = c->page = 0;
	c->has_qty = c->has_price = c->has_offer = c->urgent = c->confirm = false;
	c->qty.amount = 0;
	c->qty.unit[0] = '\0';
	c->price.vnd = c->offer.vnd = 0;
	c->price.per[0] = c->offer.per[0] = '\0';
	c->listing = c->order = c->broadcast = 0;
}

void
cmd_set_error(struct command *c, const char *e)
{
	if (c->error[0] == '\0')
		str_copy(c->error, sizeof c->error, e);
}

/* §2: multiple_items and price_range keep only action, error and contact. */
void
cmd_clear_error_fields(struct command *c)
{
	enum cmd_action a = c->action;
	char err[sizeof c->error], contact[sizeof c->contact];

	memcpy(err, c->error, sizeof err);
	memcpy(contact, c->contact, sizeof contact);
	cmd_reset(c);
	c->action = a;
	memcpy(c->error, err, sizeof err);
	memcpy(c->contact, contact, sizeof contact);
}

static int
to_unknown(struct command *c)
{
	cmd_reset(c);
	return 0;
}

static void
note_from(struct msg *m, struct command *c, int i)
{
	if (i < m->nw)
		msg_text(m, i, m->nw, c->note, sizeof c->note);
}

/* ---- REGISTER, BROADCAST ---- */

/* village_copy: village_is() said it is 2-7 ASCII bytes */
static void
village_copy(const struct msg *m, int i, struct command *c)
{
	memcpy(c->village, w_str(m, i), w_len(m, i));
	c->village[w_len(m, i)] = '\0';
}

/* only_fillers: words from i on are all "được rồi" fillers (or none). */
static bool
only_fillers(const struct msg *m, int i)
{
	static const char *const fillers[] = {"ROI", "NHE", "NHA", "A"};
	bool only = true;

	for (; i < m->nw && only; i++) {
		only = false;
		for (size_t k = 0; k < sizeof fillers / sizeof fillers[0]; k++)
			only = only || w_is(m, i, fillers[k]);
	}
	return only;
}

static int
read_register(struct msg *m, struct command *c)
{
	if (m->arg >= m->nw) {
		cmd_set_error(c, "missing_village");
		return 0;
	}
	if (only_fillers(m, m->arg))		/* "dk roi nhe": được rồi */
		return to_unknown(c);
	if (w_is(m, m->arg, "OK") && only_fillers(m, m->arg + 1)) {
		c->confirm = true;		/* DK OK: confirms a change (§7) */
		return 0;
	}
	if (village_is(m, m->arg)) {
		village_copy(m, m->arg, c);
		if (m->arg + 1 >= m->nw)
			cmd_set_error(c, "missing_name");
		else
			msg_text(m, m->arg + 1, m->nw, c->name, sizeof c->name);
		return 0;
	}
	msg_text(m, m->arg, m->nw, c->text, sizeof c->text);
	return 0;
}

static int
read_broadcast(struct msg *m, struct command *c)
{
	int i = m->arg;

	if (w_is(m, i, "KHAN")) {
		c->urgent = true;
		i++;
	}
	if (village_is(m, i)) {
		village_copy(m, i, c);
		i++;
	}
	if (!c->urgent && w_is(m, i, "KHAN")) {
		c->urgent = true;
		i++;
	}
	if (i >= m->nw)
		cmd_set_error(c, "missing_text");
	else
		msg_text(m, i, m->nw, c->text, sizeof c->text);
	return 0;
}

/* ---- numbered commands ---- */

static long long *
number_field(struct command *c)
{
	switch (c->action) {
	case CMD_CANCEL_LISTING:
	case CMD_SOLD_OUT:
		return &c->listing;
	case CMD_REPORT:
		return &c->broadcast;
	default:
		return &c->order;
	}
}

/* another_number: a second number right after the first: HUY 123 124. */
static bool
another_number(const struct msg *m, int i)
{
	long long v;

	if (ref_at(m, i, &v) > 0)
		return true;
	return (w_is(m, i, "VA") || w_is(m, i, "VOI")) && ref_at(m, i + 1, &v) > 0;
}

/*
 * read_numbered: filler words may stand before the number (§3 "Details"),
 * words after it are the note; without a number the words are no note.
 */
static int
read_numbered(struct msg *m, struct command *c)
{
	int i = m->arg, n = 0;
	long long v = 0;

	while (i < m->nw && (n = ref_at(m, i, &v)) == 0)
		i++;
	if (n == 0 && c->action == CMD_REPORT)
		return 0;		/* BC alone: the sender's last notice */
	if (n == 0) {
		cmd_set_error(c, "missing_number");
		return 0;
	}
	*number_field(c) = v;
	i += n;
	if (c->action == CMD_ACCEPT)
		i += qty_at(m, i, c);
	if (another_number(m, i)) {
		cmd_set_error(c, "multiple_items");
		cmd_clear_error_fields(c);
		return 0;
	}
	note_from(m, c, i);
	return 0;
}

/* CO, NHAN, KHONG, DONG Y are everyday words: a command only with a number. */
static int
read_accept(struct msg *m, struct command *c)
{
	long long v;

	if ((m->p->rows[m->kwrow].flags & KW_EVERYDAY) && ref_at(m, m->arg, &v) == 0)
		return to_unknown(c);
	return read_numbered(m, c);
}

/* TU CHOI: with a number it declines, alone it is STOP, else UNKNOWN. */
static int
read_tu_choi(struct msg *m, struct command *c)
{
	long long v;

	if (m->arg >= m->nw) {
		c->action = CMD_STOP;
		return 0;
	}
	if (ref_at(m, m->arg, &v) == 0)
		return to_unknown(c);
	return read_numbered(m, c);
}

static int
read_plain(struct msg *m, struct command *c)
{
	note_from(m, c, m->arg);
	return 0;
}

/*
 * page_at: word i is the last word and a bare number from 2 to 9, the page
 * of a list (§7 paging: TIM NA 2, TT 2); 0 when not.
 */
int
page_at(const struct msg *m, int i)
{
	struct num n;

	if (i != m->nw - 1 || num_lex(m, i, &n) < 0 || n.ref || n.unit != NULL ||
	    n.absorb != NULL || n.slash || n.milli % 1000 != 0)
		return 0;
	return n.milli >= 2000 && n.milli <= 9000 ? (int)(n.milli / 1000) : 0;
}

/* TT [page] */
static int
read_status(struct msg *m, struct command *c)
{
	if ((c->page = page_at(m, m->arg)) != 0)
		return 0;
	note_from(m, c, m->arg);
	return 0;
}

static int
read_help(struct msg *m, struct command *c)
{
	int i = m->arg, n = 0, r;

	if (i < m->nw && (r = kw_match(m, i, false, &n)) >= 0) {
		str_copy(c->topic, sizeof c->topic, m->p->rows[r].topic);
		i += n;
	} else if (w_is_tone(m, i, "HO")) {	/* HD HO: the prefix of §7 */
		str_copy(c->topic, sizeof c->topic, "HO");
		i++;
	}
	note_from(m, c, i);
	return 0;
}

/* ---- suggestions (§1.5) ---- */

/* one_edit: a and b differ by exactly one Damerau edit. */
static bool
one_edit(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0;

	if (na == nb) {
		while (i < na && a[i] == b[i])
			i++;
		if (i == na)
			return false;
		if (memcmp(a + i + 1, b + i + 1, na - i - 1) == 0)
			return true;		/* substitution */
		return i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    memcmp(a + i + 2, b + i + 2, na - i - 2) == 0;	/* swap */
	}
	if (na + 1 == nb)
		return one_edit(b, nb, a, na);
	if (na != nb + 1)
		return false;
	while (i < nb && a[i] == b[i])
		i++;
	return memcmp(a + i + 1, b + i, nb - i) == 0;		/* one extra */
}

/* listing_shape: a lexicon product directly followed by a quantity. */
static bool
listing_shape(const struct msg *m)
{
	int prod, k = lex_alias_at(m, 0, &prod);
	struct num n;

	if (k == 0 || k >= m->nw || num_lex(m, k, &n) < 0 || n.ref)
		return false;
	return n.unit == NULL || n.unit->kind == UK_WEIGHT || n.unit->kind == UK_COUNT;
}

void
kw_suggest(const struct msg *m, struct command *c)
{
	const char *s;
	size_t n, k;
	int r, found = -1, count = 0;

	if (m->nw == 0)
		return;
	if (listing_shape(m)) {
		size_t end = m->flen;

		if (m->nw > 1 && w_is(m, m->nw - 1, "BAN"))
			end = m->w[m->nw - 2].fe;
		snprintf(c->suggest, sizeof c->suggest, "BAN %.*s", (int)end, m->fold);
		return;
	}
	s = w_str(m, 0);
	n = w_len(m, 0);
	if (n < 3 || m->nw - 1 > 3)
		return;
	for (k = 0; k < n; k++)
		if (s[k] < 'A' || s[k] > 'Z')
			return;
	for (r = 0; r < m->p->nkw; r++) {
		const struct kw_form *f = &m->p->kw[r];
		const char *form = f->nw > 1 ? f->glued : f->w[0];
		size_t fl = f->nw > 1 ? f->gl : f->wl[0];

		if (!(m->p->rows[r].flags & KW_MAIN))
			continue;
		if (one_edit(s, n, form, fl)) {
			found = r;
			count++;
		}
	}
	if (count == 1)
		str_copy(c->suggest, sizeof c->suggest, m->p->rows[found].kw);
}
