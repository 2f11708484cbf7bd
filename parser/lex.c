/*
 * lex.c - the folded message as words: phone numbers found and cut out,
 * numbers with their units and price markers read (commands.md §3 "Numbers",
 * "Quantities", "Prices"), words compared with Telex/VNI tolerance, and the
 * sender's original characters sliced back out for text, note and place.
 */
#include "parser/parser_int.h"

#include <string.h>
#include <utf8proc.h>

#include "common/common.h"

/* Units and markers of §3, each glued or apart after a number (units.def,
 * the table the USSD menus read too). */
static const struct unit_def units[] = {
#define U(word, kind, factor, count, menu, menu_kind) {word, UK_##kind, factor, count},
#include "parser/units.def"
#undef U
};

const struct unit_def *
unit_find(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 5)
		return NULL;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (units[i].word[0] == s[0] && strncmp(units[i].word, s, n) == 0 &&
		    units[i].word[n] == '\0')
			return &units[i];
	return NULL;
}

const char *
w_str(const struct msg *m, int i)
{
	return m->fold + m->w[i].fs;
}

size_t
w_len(const struct msg *m, int i)
{
	return (size_t)(m->w[i].fe - m->w[i].fs);
}

bool
w_is(const struct msg *m, int i, const char *s)
{
	const char *w;
	size_t n, k;

	if (i >= m->nw)
		return false;
	w = w_str(m, i);
	n = w_len(m, i);
	for (k = 0; k < n; k++)		/* no strlen: most words differ at once */
		if (w[k] != s[k])
			return false;
	return s[n] == '\0';
}

/*
 * tone_eq: s is kw, or kw with one Telex tone letter after it (BANS) or one
 * VNI tone digit inside or after it (BA1N, GIA1) - §1.3.
 */
bool
tone_eq(const char *s, size_t n, const char *kw, size_t kwl)
{
	size_t k;

	if (n == kwl)
		return memcmp(s, kw, n) == 0;
	if (n != kwl + 1)
		return false;
	if (strchr("SFRXJ", s[kwl]) != NULL && memcmp(s, kw, kwl) == 0)
		return true;
	for (k = 1; k < n; k++) {
		if (s[k] < '1' || s[k] > '5')
			continue;
		return memcmp(s, kw, k) == 0 && memcmp(s + k + 1, kw + k, kwl - k) == 0;
	}
	return false;
}

bool
w_is_tone(const struct msg *m, int i, const char *s)
{
	return i < m->nw && tone_eq(w_str(m, i), w_len(m, i), s, strlen(s));
}

/* w_phrase: words i.. spell phrase ("SO LUONG")? Returns how many, or 0. */
int
w_phrase(const struct msg *m, int i, const char *phrase)
{
	int k = 0;

	while (*phrase) {
		const char *sp = strchr(phrase, ' ');
		size_t n = sp != NULL ? (size_t)(sp - phrase) : strlen(phrase);

		if (i + k >= m->nw || w_len(m, i + k) != n || memcmp(w_str(m, i + k), phrase, n) != 0)
			return 0;
		k++;
		phrase += n;
		if (*phrase == ' ')
			phrase++;
	}
	return k;
}

/* gap_has_dash: a '-' (or en/em dash) stands between words a and b: 30-35K. */
bool
gap_has_dash(const struct msg *m, int a, int b)
{
	size_t i;

	for (i = m->w[a].oe; i < m->w[b].os && i < m->olen; i++) {
		if (m->orig[i] == '-')
			return true;
		if (i + 2 < m->olen && memcmp(m->orig + i, "\xE2\x80", 2) == 0 &&
		    ((unsigned char)m->orig[i + 2] == 0x93 || (unsigned char)m->orig[i + 2] == 0x94))
			return true;
	}
	return false;
}

/* ---- words ---- */

static bool
in_phone(const struct msg *m, size_t fpos)
{
	int k;

	for (k = 0; k < m->ncut; k++)
		if (fpos >= m->cutf[k].os && fpos < m->cutf[k].oe)
			return true;
	return false;
}

void
msg_words(struct msg *m)
{
	size_t i = 0;

	m->nw = 0;
	while (i < m->flen && m->nw < WORDS_MAX) {
		size_t s;

		if (m->fold[i] == ' ' || in_phone(m, i)) {
			i++;
			continue;
		}
		s = i;
		while (i < m->flen && m->fold[i] != ' ' && !in_phone(m, i))
			i++;
		m->w[m->nw].fs = (uint16_t)s;
		m->w[m->nw].fe = (uint16_t)i;
		m->w[m->nw].os = m->fos[s];
		m->w[m->nw].oe = m->foe[i - 1];
		m->nw++;
	}
}

/* msg_split_word cuts word i at folded offset at (MUA|123). */
int
msg_split_word(struct msg *m, int i, size_t at)
{
	struct word *w = &m->w[i];

	if (m->nw >= WORDS_MAX || at <= w->fs || at >= w->fe)
		return -1;
	memmove(&m->w[i + 2], &m->w[i + 1], (size_t)(m->nw - i - 1) * sizeof *w);
	m->nw++;
	m->w[i + 1].fs = (uint16_t)at;
	m->w[i + 1].fe = w->fe;
	m->w[i + 1].os = m->fos[at];
	m->w[i + 1].oe = w->oe;
	w->fe = (uint16_t)at;
	w->oe = m->foe[at - 1];
	return 0;
}

/* ---- phone numbers ---- */

/*
 * try_phone: the longest prefix of folded [s, e) ending at a group boundary
 * that phone_to_e164 accepts (a quantity may follow: 0912345678 50KG).
 */
static size_t
try_phone(const struct msg *m, size_t s, size_t e, char *e164, size_t elen)
{
	char buf[64];
	size_t end = e;

	while (end > s) {
		size_t n = end - s, digits = 0, k;

		if (n < sizeof buf) {
			memcpy(buf, m->fold + s, n);
			buf[n] = '\0';
			for (k = 0; k < n; k++)
				digits += buf[k] >= '0' && buf[k] <= '9';
			if (digits >= 9 && phone_to_e164(buf, e164, elen) == 0)
				return end;
		}
		/* back off to the previous separator */
		while (end > s && m->fold[end - 1] != ' ' && m->fold[end - 1] != '.')
			end--;
		while (end > s && (m->fold[end - 1] == ' ' || m->fold[end - 1] == '.'))
			end--;
	}
	return 0;
}

void
msg_phones(struct msg *m, struct command *c)
{
	PCRE2_SIZE start = 0, *ov;
	char e164[20];

	m->ncut = 0;
	while (start < m->flen && m->ncut < PHONES_MAX) {
		size_t s, e, end;
		int rc = pcre2_match(m->p->re_phone, (PCRE2_SPTR)m->fold, m->flen, start, 0,
		    m->md, m->p->mctx);

		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(m->md);
		s = ov[0];
		e = ov[1];
		end = try_phone(m, s, e, e164, sizeof e164);
		if (end == 0) {
			start = s + 1;
			continue;
		}
		if (c->contact[0] == '\0')
			str_copy(c->contact, sizeof c->contact, e164);
		str_copy(m->cut_e164[m->ncut], sizeof m->cut_e164[m->ncut], e164);
		m->cutf[m->ncut].os = (uint16_t)s;
		m->cutf[m->ncut].oe = (uint16_t)end;
		m->cut[m->ncut].os = m->fos[s];
		m->cut[m->ncut].oe = m->foe[end - 1];
		m->ncut++;
		start = end;
	}
}

/* ---- numbers ---- */

/*
 * read_value turns "1.500.000", "2,5", "3OOOO" into thousandths: a '.' or ','
 * before exactly three digits separates thousands, else it is the decimal
 * mark; a letter O is a zero typed on the wrong key.
 */
static int
read_value(const char *s, size_t n, long long *milli)
{
	long long ip = 0, frac = 0, scale = 1000;
	bool decimal = false;
	size_t i = 0;

	while (i < n) {
		char ch = s[i];

		if (ch == '.' || ch == ',') {
			size_t k = i + 1;

			while (k < n && s[k] != '.' && s[k] != ',')
				k++;
			if (k - i - 1 == 3 && !decimal) {
				i++;
				continue;
			}
			if (decimal)
				return -1;
			decimal = true;
			i++;
			continue;
		}
		if (decimal) {
			if (scale > 1) {
				scale /= 10;
				frac += (ch == 'O' ? 0 : ch - '0') * scale;
			}
		} else {
			if (ip > 1000000000000LL)
				return -1;
			ip = ip * 10 + (ch == 'O' ? 0 : ch - '0');
		}
		i++;
	}
	*milli = ip * 1000 + frac;
	return 0;
}

static const struct unit_def *
suffix_unit(const char *s, size_t n, const struct unit_def **absorb)
{
	const struct unit_def *u = unit_find(s, n);
	static const char *tails[] = {"VND", "DONG", "D"};
	size_t t;

	*absorb = NULL;
	if (u != NULL)
		return u;
	/* a money marker with a đ marker glued after it: 30KD, 1TRVND */
	for (t = 0; t < 3; t++) {
		size_t tl = strlen(tails[t]);

		if (n > tl && memcmp(s + n - tl, tails[t], tl) == 0) {
			u = unit_find(s, n - tl);
			if (u != NULL && u->kind == UK_MONEY) {
				*absorb = unit_find(tails[t], tl);
				return u;
			}
		}
	}
	return NULL;
}

/*
 * num_lex reads word i as a number: [#|N|SO|LO] digits [unit|marker]
 * [tail digits] [/[1]unit]. Returns 0, or -1 if the word is not one
 * (digits glued to other letters form a word: 50KH, 10H).
 */
int
num_lex(const struct msg *m, int i, struct num *n)
{
	const char *s = w_str(m, i);
	size_t len = w_len(m, i);
	PCRE2_SIZE *ov;
	const struct unit_def *u = NULL, *absorb = NULL;
	long long milli;
	size_t tail_len;

	if (!((s[0] >= '0' && s[0] <= '9') ||
	    ((s[0] == '#' || s[0] == 'N') && len > 1 && s[1] >= '0' && s[1] <= '9') ||
	    ((s[0] == 'S' || s[0] == 'L') && len > 2 && s[1] == 'O' && s[2] >= '0' && s[2] <= '9')))
		return -1;
	if (pcre2_match(m->p->re_num, (PCRE2_SPTR)s, len, 0, 0, m->md, m->p->mctx) < 0)
		return -1;
	ov = pcre2_get_ovector_pointer(m->md);
	if (read_value(s + ov[4], ov[5] - ov[4], &milli) < 0)
		return -1;
	if (ov[7] > ov[6] && (u = suffix_unit(s + ov[6], ov[7] - ov[6], &absorb)) == NULL)
		return -1;
	tail_len = ov[9] - ov[8];
	if (tail_len > 0) {
		long long tail = 0, div = tail_len == 1 ? 10 : 100;
		size_t k;
		bool tenths = u != NULL && (strcmp(u->word, "TA") == 0 ||
		    strcmp(u->word, "YEN") == 0 || strcmp(u->word, "TAN") == 0);

		/* 1TR2, 1TR25, 1K2; 1TA2 is 1.2 ta */
		if (u == NULL || !(u->kind == UK_MONEY || (tenths && tail_len == 1)) || absorb != NULL)
			return -1;
		for (k = ov[8]; k < ov[9]; k++)
			tail = tail * 10 + (s[k] - '0');
		if (milli % 1000 != 0)
			return -1;
		milli += tail * 1000 / div;
	}
	memset(n, 0, sizeof *n);
	n->ref = ov[3] > ov[2];
	if (n->ref && (u != NULL || tail_len > 0 || ov[10] != PCRE2_UNSET))
		return -1;
	n->milli = milli;
	n->unit = u;
	n->absorb = absorb;
	if (ov[10] != PCRE2_UNSET && ov[12] != PCRE2_UNSET) {
		n->slash = true;
		n->slash_one = ov[11] > ov[10];
		n->per = unit_find(s + ov[12], ov[13] - ov[12]);
		if (n->per == NULL || (n->per->kind != UK_WEIGHT && n->per->kind != UK_COUNT))
			return -1;
	}
	return 0;
}

/*
 * ref_at: a listing/order/broadcast number at word i: 123, #123, N123,
 * SO 123, LO 123 (§2). Returns the words used, or 0.
 */
int
ref_at(const struct msg *m, int i, long long *val)
{
	struct num n;
	int used = 1;

	if (i >= m->nw)
		return 0;
	if ((w_is(m, i, "#") || w_is(m, i, "N") || w_is(m, i, "SO") || w_is(m, i, "LO")) &&
	    i + 1 < m->nw) {
		i++;
		used = 2;
	}
	if (num_lex(m, i, &n) < 0 || n.unit != NULL || n.slash || n.milli % 1000 != 0 ||
	    n.milli < 1000)
		return 0;
	if (used == 2 && n.ref)
		return 0;
	*val = n.milli / 1000;
	return used;
}

/* ---- text out ---- */

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

/*
 * msg_text copies the original characters of words [from, to) (to == nw:
 * through the end of the message) with phone numbers cut out, trimmed.
 */
void
msg_text(const struct msg *m, int from, int to, char *out, size_t outlen)
{
	size_t s, e, i, o = 0;
	bool tail_cut = false;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (from >= m->nw || from >= to)
		return;
	s = m->w[from].os;
	e = to >= m->nw ? m->olen : m->w[to - 1].oe;
	for (i = s; i < e && o + 1 < outlen; i++) {
		int k;
		bool cut = false;

		for (k = 0; k < m->ncut; k++) {
			if (i >= m->cut[k].os && i < m->cut[k].oe) {
				i = m->cut[k].oe - 1u;
				cut = true;
				break;
			}
		}
		if (cut) {
			tail_cut = true;
			/* join the two sides with one space */
			while (o > 0 && is_space(out[o - 1]))
				o--;
			if (o > 0)
				out[o++] = ' ';
			while (i + 1 < e && is_space(m->orig[i + 1]))
				i++;
			continue;
		}
		if (!is_space(m->orig[i]))
			tail_cut = false;
		out[o++] = m->orig[i];
	}
	/* a phone cut at the very end takes its lead-in punctuation along:
	 * "Hoang Van Chau, 0912345678" names Hoang Van Chau */
	if (tail_cut) {
		while (o > 0 && (is_space(out[o - 1]) || strchr(",;:-(", out[o - 1]) != NULL))
			o--;
	}
	/* cut by outlen: never end inside a multi-byte character */
	if (i < e)
		while (o > 0 && ((unsigned char)m->orig[i] & 0xC0) == 0x80) {
			o--;
			i--;
		}
	while (o > 0 && is_space(out[o - 1]))
		o--;
	out[o] = '\0';
}

/* w_lower writes the folded words [from, to) in lower case, one space apart. */
void
w_lower(const struct msg *m, int from, int to, char *out, size_t outlen)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = from; i < to && i < m->nw; i++) {
		const char *s = w_str(m, i);
		size_t n = w_len(m, i), k = 0;

		if (i > from && o + 1 < outlen)
			out[o++] = ' ';
		while (k < n) {
			unsigned char b = (unsigned char)s[k];

			if (b < 0x80) {
				if (o + 1 >= outlen)
					goto done;
				out[o++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
				k++;
			} else {
				utf8proc_int32_t cp;
				utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + k,
				    (utf8proc_ssize_t)(n - k), &cp);
				utf8proc_uint8_t enc[4];
				utf8proc_ssize_t el;

				if (l <= 0)
					goto done;
				el = utf8proc_encode_char(utf8proc_tolower(cp), enc);
				if (o + (size_t)el + 1 > outlen)
					goto done;
				memcpy(out + o, enc, (size_t)el);
				o += (size_t)el;
				k += (size_t)l;
			}
		}
	}
done:
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

bool
village_is(const struct msg *m, int i)
{
	if (i >= m->nw || w_len(m, i) > 7)
		return false;
	return pcre2_match(m->p->re_village, (PCRE2_SPTR)w_str(m, i), w_len(m, i), 0,
	    0, m->md, m->p->mctx) >= 0;
}

/* ---- products ---- */

/*
 * lex_alias_at: the longest lexicon alias that words i.. spell. Returns
 * how many words it takes (and the product), or 0.
 */
int
lex_alias_at(const struct msg *m, int i, int *product)
{
	const struct lexicon *lx = &m->p->lx;
	const char *first;
	size_t flen;
	int x, end;

	if (i >= m->nw)
		return 0;
	first = w_str(m, i);
	flen = w_len(m, i);
	end = (unsigned char)first[0] == 255 ? lx->nalias : lx->first_at[(unsigned char)first[0] + 1];
	for (x = lx->first_at[(unsigned char)first[0]]; x < end; x++) {
		const struct lex_alias *al = &lx->alias[lx->byfirst[x]];
		const char *p = al->words;
		int k = 0;

		if (al->words[0] != first[0] || i + al->nwords > m->nw ||
		    (al->nwords == 1 && al->len != flen))
			continue;
		for (k = 0; k < al->nwords; k++) {
			size_t n = w_len(m, i + k);

			if (n > al->len - (size_t)(p - al->words) || memcmp(p, w_str(m, i + k), n) != 0 || (p[n] != ' ' && p[n] != '\0'))
				break;
			p += n + (p[n] == ' ');
		}
		if (k == al->nwords) {
			*product = al->product;
			return k;
		}
	}
	return 0;
}

bool
lex_product_among(const struct msg *m, int from, int to)
{
	int i, prod;

	for (i = from; i < to && i < m->nw; i++)
		if (lex_alias_at(m, i, &prod) > 0)
			return true;
	return false;
}
