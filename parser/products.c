/*
 * products.c - the lexicon's products one by one, for callers that offer
 * them as numbered choices (USSD menus). Read-only over the loaded lexicon.
 */
#include "parser/parser_int.h"

int
parser_product_count(const struct parser *p)
{
	return p != NULL ? p->lx.nprod : 0;
}

int
parser_product_at(const struct parser *p, int i, const char **key, const char **display)
{
	if (p == NULL || i < 0 || i >= p->lx.nprod)
		return -1;
	*key = p->lx.prod[i].key;
	*display = p->lx.prod[i].display;
	return 0;
}

unsigned
parser_product_sold_by(const struct parser *p, const char *key)
{
	const struct lex_product *pr = p != NULL ? lex_find(&p->lx, key) : NULL;
	unsigned by = 0;

	if (pr == NULL)
		return 0;
	for (int k = -1; k < pr->nvar; k++) {
		const struct lex_range *kg = k < 0 ? &pr->kg : &pr->var[k].kg;
		const struct lex_range *piece = k < 0 ? &pr->piece : &pr->var[k].piece;

		if (kg->hi > 0)
			by |= PARSER_BY_WEIGHT;
		if (piece->hi > 0)
			by |= PARSER_BY_PIECE;
	}
	if (pr->by_piece && (by & PARSER_BY_PIECE))
		by |= PARSER_BY_HEAD;
	return by;
}
