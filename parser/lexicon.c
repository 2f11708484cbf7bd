/*
 * lexicon.c - conf/lexicon.conf: products, their aliases, display names and
 * plausible price ranges (the format is documented at the top of that file).
 * Loaded once by parser_new; every error names FILE:LINE, and the first one
 * makes parser_new fail, because a half-loaded lexicon would misread
 * listings silently.
 */
#include "parser/parser_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

#define LINE_MAX_LEN 1024

struct lex_load {
	struct lexicon *lx;
	const char *path;
	int line;
	char *err;
	size_t errlen;
	int cap_prod, cap_alias;
};

static int
lex_error(struct lex_load *L, const char *msg, const char *what)
{
	snprintf(L->err, L->errlen, "%s:%d: %s%s%s", L->path, L->line, msg,
	    what != NULL ? ": " : "", what != NULL ? what : "");
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* A key or variety: lower-case ASCII words, one space apart. */
static bool
key_is_valid(const char *k)
{
	const char *p;

	if (*k == '\0' || strlen(k) >= CMD_WORD_MAX)
		return false;
	for (p = k; *p; p++) {
		if (*p == ' ') {
			if (p == k || p[1] == ' ' || p[1] == '\0')
				return false;
		} else if (*p < 'a' || *p > 'z') {
			return false;
		}
	}
	return true;
}

static int
parse_money(const char *s, long long *v)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || end == s || x <= 0 || x > 1000000000LL)
		return -1;
	if (*end == 'k' || *end == 'K') {
		x *= 1000;
		end++;
	}
	if (*trim(end) != '\0')
		return -1;
	*v = x;
	return 0;
}

static int
parse_range(struct lex_load *L, char *s, struct lex_range *r)
{
	char *dash = strchr(s, '-');

	if (dash == NULL)
		return lex_error(L, "range must be LO-HI", s);
	*dash = '\0';
	if (parse_money(trim(s), &r->lo) < 0 || parse_money(trim(dash + 1), &r->hi) < 0)
		return lex_error(L, "bad price in range", NULL);
	if (r->lo > r->hi)
		return lex_error(L, "range LO is above HI", NULL);
	return 0;
}

static int
add_alias(struct lex_load *L, const char *text, int product)
{
	struct lexicon *lx = L->lx;
	char orig[LINE_MAX_LEN];
	char folded[FOLD_MAX + 1];
	size_t olen;
	struct lex_alias *a;
	int i;

	olen = fold_sanitize(text, strlen(text), orig, sizeof orig);
	fold_text(orig, olen, folded, NULL, NULL, sizeof folded);
	if (folded[0] == '\0' || strlen(folded) >= CMD_WORD_MAX)
		return lex_error(L, "empty or too long alias", text);
	for (i = 0; i < lx->nalias; i++) {
		if (strcmp(lx->alias[i].words, folded) != 0)
			continue;
		if (lx->alias[i].product == product)
			return 0;
		return lex_error(L, "alias already names another product", folded);
	}
	if (lx->nalias == L->cap_alias) {
		L->cap_alias = L->cap_alias ? 2 * L->cap_alias : 64;
		lx->alias = xrealloc(lx->alias, (size_t)L->cap_alias * sizeof *lx->alias);
	}
	a = &lx->alias[lx->nalias++];
	memset(a, 0, sizeof *a);
	str_copy(a->words, sizeof a->words, folded);
	a->len = strlen(a->words);
	a->nwords = 1;
	for (i = 0; a->words[i]; i++)
		if (a->words[i] == ' ')
			a->nwords++;
	a->product = product;
	return 0;
}

static int
product_index(const struct lexicon *lx, const char *key)
{
	int i;

	for (i = 0; i < lx->nprod; i++)
		if (strcmp(lx->prod[i].key, key) == 0)
			return i;
	return -1;
}

/* fields applies "alias ...", "kg LO-HI", "piece LO-HI", "by_piece". */
static int
fields(struct lex_load *L, char *rest, int product, struct lex_range *kg,
    struct lex_range *piece, bool *by_piece)
{
	char *f, *save = NULL;

	for (f = strtok_r(rest, ";", &save); f != NULL; f = strtok_r(NULL, ";", &save)) {
		f = trim(f);
		if (*f == '\0')
			continue;
		if (strncmp(f, "alias ", 6) == 0) {
			char *a, *s2 = NULL;

			if (product < 0)
				return lex_error(L, "a variety has no aliases", NULL);
			for (a = strtok_r(f + 6, ",", &s2); a != NULL; a = strtok_r(NULL, ",", &s2))
				if (add_alias(L, trim(a), product) < 0)
					return -1;
		} else if (strncmp(f, "kg ", 3) == 0) {
			if (parse_range(L, f + 3, kg) < 0)
				return -1;
		} else if (strncmp(f, "piece ", 6) == 0) {
			if (parse_range(L, f + 6, piece) < 0)
				return -1;
		} else if (strcmp(f, "by_piece") == 0) {
			if (by_piece == NULL)
				return lex_error(L, "by_piece belongs on the product line", NULL);
			*by_piece = true;
		} else {
			return lex_error(L, "unknown field", f);
		}
	}
	return 0;
}

static int
variety_line(struct lex_load *L, char *head, char *rest)
{
	struct lexicon *lx = L->lx;
	char *slash = strchr(head, '/');
	struct lex_product *pr;
	struct lex_variety *v;
	int pi, i;

	*slash = '\0';
	head = trim(head);
	if ((pi = product_index(lx, head)) < 0)
		return lex_error(L, "variety of an unknown product", head);
	if (!key_is_valid(trim(slash + 1)))
		return lex_error(L, "bad variety (lower-case ASCII words)", slash + 1);
	pr = &lx->prod[pi];
	for (i = 0; i < pr->nvar; i++)
		if (strcmp(pr->var[i].name, trim(slash + 1)) == 0)
			return lex_error(L, "duplicate variety", slash + 1);
	pr->var = xrealloc(pr->var, (size_t)(pr->nvar + 1) * sizeof *pr->var);
	v = &pr->var[pr->nvar++];
	memset(v, 0, sizeof *v);
	str_copy(v->name, sizeof v->name, trim(slash + 1));
	if (fields(L, rest, -1, &v->kg, &v->piece, NULL) < 0)
		return -1;
	if (v->kg.hi == 0 && v->piece.hi == 0)
		return lex_error(L, "variety without a range", v->name);
	return 0;
}

static int
product_line(struct lex_load *L, char *head, char *rest)
{
	struct lexicon *lx = L->lx;
	char *eq = strchr(head, '=');
	struct lex_product *pr;
	char *key, *disp;

	if (eq == NULL)
		return lex_error(L, "expected KEY = Display name", NULL);
	*eq = '\0';
	key = trim(head);
	disp = trim(eq + 1);
	if (!key_is_valid(key))
		return lex_error(L, "bad key (lower-case ASCII words)", key);
	if (*disp == '\0' || strlen(disp) >= CMD_WORD_MAX || !utf8_is_valid(disp, strlen(disp)))
		return lex_error(L, "missing or bad display name", NULL);
	if (product_index(lx, key) >= 0)
		return lex_error(L, "duplicate product", key);
	if (lx->nprod == L->cap_prod) {
		L->cap_prod = L->cap_prod ? 2 * L->cap_prod : 32;
		lx->prod = xrealloc(lx->prod, (size_t)L->cap_prod * sizeof *lx->prod);
	}
	pr = &lx->prod[lx->nprod++];
	memset(pr, 0, sizeof *pr);
	str_copy(pr->key, sizeof pr->key, key);
	str_copy(pr->display, sizeof pr->display, disp);
	if (add_alias(L, key, lx->nprod - 1) < 0)
		return -1;
	return fields(L, rest, lx->nprod - 1, &pr->kg, &pr->piece, &pr->by_piece);
}

static int
one_line(struct lex_load *L, char *line)
{
	char *hash = strchr(line, '#');
	char *semi, *head, *rest;

	if (hash != NULL)
		*hash = '\0';
	line = trim(line);
	if (*line == '\0')
		return 0;
	semi = strchr(line, ';');
	rest = semi != NULL ? semi + 1 : line + strlen(line);
	if (semi != NULL)
		*semi = '\0';
	head = line;
	if (strchr(head, '/') != NULL && strchr(head, '=') == NULL)
		return variety_line(L, head, rest);
	return product_line(L, head, rest);
}

/* Longest alias first, so the first hit at a word is the longest match. */
static int
alias_cmp(const void *a, const void *b)
{
	const struct lex_alias *x = a, *y = b;

	if (x->nwords != y->nwords)
		return y->nwords - x->nwords;
	if (x->len != y->len)
		return x->len < y->len ? 1 : -1;
	return strcmp(x->words, y->words);
}

/* index_aliases groups aliases by first byte (a stable counting sort). */
static void
index_aliases(struct lexicon *lx)
{
	int count[257] = {0}, a, c;

	lx->byfirst = xcalloc((size_t)lx->nalias + 1, sizeof *lx->byfirst);
	for (a = 0; a < lx->nalias; a++)
		count[(unsigned char)lx->alias[a].words[0] + 1]++;
	lx->first_at[0] = 0;
	for (c = 1; c < 257; c++)
		lx->first_at[c] = lx->first_at[c - 1] + count[c];
	memset(count, 0, sizeof count);
	for (a = 0; a < lx->nalias; a++) {
		unsigned char f = (unsigned char)lx->alias[a].words[0];

		lx->byfirst[lx->first_at[f] + count[f]++] = a;
	}
}

int
lex_load(struct lexicon *lx, const char *path, char *err, size_t errlen)
{
	struct lex_load L = {lx, path, 0, err, errlen, 0, 0};
	char line[LINE_MAX_LEN];
	FILE *fp;
	int rc = 0;

	memset(lx, 0, sizeof *lx);
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
		L.line++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			rc = lex_error(&L, "line too long", NULL);
			break;
		}
		rc = one_line(&L, line);
	}
	fclose(fp);
	if (rc == 0 && lx->nprod == 0) {
		L.line = 0;
		rc = lex_error(&L, "no products", NULL);
	}
	if (rc < 0) {
		lex_free(lx);
		return -1;
	}
	qsort(lx->alias, (size_t)lx->nalias, sizeof *lx->alias, alias_cmp);
	index_aliases(lx);
	return 0;
}

void
lex_free(struct lexicon *lx)
{
	int i;

	for (i = 0; i < lx->nprod; i++)
		free(lx->prod[i].var);
	free(lx->prod);
	free(lx->alias);
	free(lx->byfirst);
	memset(lx, 0, sizeof *lx);
}

const struct lex_product *
lex_find(const struct lexicon *lx, const char *key)
{
	int i = product_index(lx, key);

	return i < 0 ? NULL : &lx->prod[i];
}
