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
