/*
 * parser.c - parser_new/parser_free and the one entry point parser_parse:
 * repair and fold the message, find phone numbers, split words, look the
 * keyword up in the table and hand the rest to that row's reader. A message
 * no row takes is UNKNOWN, with a suggestion when one is certain enough.
 */
#include "parser/parser_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

/*
 * The patterns. re_num reads one folded word: an optional number-reference
 * prefix, digits with separators and typed-O zeros, a letter suffix (unit or
 * marker), up to two tail digits (1TR25, 1TA2) and an optional /[1]unit.
 * re_phone finds a run of 9+ digits starting 0 or 84 (spaces, dots inside;
 * dashes were folded to spaces); its bounded repeat keeps matching linear.
 */
static const char re_num_src[] =
    "^(#|N|SO|LO)?([0-9][0-9O]*(?:[.,][0-9][0-9O]*)*)([A-Z]*)([0-9]{0,2})"
    "(?:/(1?)([A-Z]+))?$";
static const char re_phone_src[] =
    "(?<![0-9])(?<![0-9][.,])(?:84|0)(?:[ .]?[0-9]){8,16}";
static const char re_village_src[] = "^[A-Z]{1,4}[0-9]{1,3}$";

/* Enough for any SMS: the patterns are anchored or bounded. */
#define MATCH_LIMIT 100000
#define DEPTH_LIMIT 1000

static pcre2_code *
compile(const char *src, char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, 0,
	    &code, &off, NULL);

	if (re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(err, errlen, "parser: pattern %s at %zu: %s", src, (size_t)off,
		    (const char *)msg);
		return NULL;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);	/* interpreter if no JIT */
	return re;
}

/* build_forms flattens the aliases of every command into rows and splits
 * each into words once, for matching. */
/* split_form: a keyword's words (at most 3) and its glued form. */
static void
split_form(struct kw_form *f, const char *s)
{
	while (*s && f->nw < 3) {
		const char *sp = strchr(s, ' ');
		size_t n = sp != NULL ? (size_t)(sp - s) : strlen(s);

		f->w[f->nw] = s;
		f->wl[f->nw] = n;
		if (f->gl + n < sizeof f->glued) {
			memcpy(f->glued + f->gl, s, n);
			f->gl += n;
		}
		f->nw++;
		s += n;
		if (*s == ' ')
			s++;
	}
	f->glued[f->gl] = '\0';
}

static void
build_forms(struct parser *p)
{
	int n = 0, r = 0;

	for (int a = 0; a < CMD__COUNT; a++)
		for (const struct kw_alias *k = cmd_parse[a].alias; k->kw != NULL; k++)
			n++;
	p->nkw = n;
	p->rows = xcalloc((size_t)n, sizeof *p->rows);
	p->kw = xcalloc((size_t)n, sizeof *p->kw);
	for (int a = 0; a < CMD__COUNT; a++)
		for (const struct kw_alias *k = cmd_parse[a].alias; k->kw != NULL; k++, r++) {
			struct kw_row *row = &p->rows[r];

			row->kw = k->kw;
			row->action = (enum cmd_action)a;
			row->topic = cmd_parse[a].topic;
			row->read = k->read != NULL ? k->read : cmd_parse[a].read;
			row->flags = k->flags;
			split_form(&p->kw[r], k->kw);
		}
}

/* table_check: every command but UNKNOWN has a keyword and a reader for
 * each of them (commands.def), so none parses to a command it cannot read. */
static int
table_check(char *err, size_t errlen)
{
	for (int a = CMD_UNKNOWN + 1; a < CMD__COUNT; a++) {
		const struct kw_alias *k = cmd_parse[a].alias;

		if (k->kw == NULL) {
			snprintf(err, errlen, "parser: commands.def: %s has no keyword",
			    cmd_action_name((enum cmd_action)a));
			return -1;
		}
		for (; k->kw != NULL; k++)
			if (k->read == NULL && cmd_parse[a].read == NULL) {
				snprintf(err, errlen, "parser: commands.def: %s has no reader for %s",
				    cmd_action_name((enum cmd_action)a), k->kw);
				return -1;
			}
	}
	return 0;
}

struct parser *
parser_new(const char *lexicon_path, char *err, size_t errlen)
{
	struct parser *p;

	if (table_check(err, errlen) < 0)
		return NULL;
	p = xcalloc(1, sizeof *p);
	if (lex_load(&p->lx, lexicon_path, err, errlen) < 0) {
		free(p);
		return NULL;
	}
	p->re_num = compile(re_num_src, err, errlen);
	p->re_phone = compile(re_phone_src, err, errlen);
	p->re_village = compile(re_village_src, err, errlen);
	p->mctx = pcre2_match_context_create(NULL);
	if (p->re_num == NULL || p->re_phone == NULL || p->re_village == NULL ||
	    p->mctx == NULL) {
		parser_free(p);
		return NULL;
	}
	pcre2_set_match_limit(p->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(p->mctx, DEPTH_LIMIT);
	build_forms(p);
	return p;
}

void
parser_free(struct parser *p)
{
	if (p == NULL)
		return;
	lex_free(&p->lx);
	pcre2_code_free(p->re_num);
	pcre2_code_free(p->re_phone);
	pcre2_code_free(p->re_village);
	pcre2_match_context_free(p->mctx);
	free(p->kw);
	free(p->rows);
	free(p);
}

const char *
parser_product_display(const struct parser *p, const char *key)
{
	const struct lex_product *pr;

	if (p == NULL || key == NULL)
		return NULL;
	pr = lex_find(&p->lx, key);
	return pr != NULL ? pr->display : NULL;
}

/*
 * suggest_unglued: a message that reads as a trade command once its glued
 * words are split (ban na50kg30k, banna 50kg 30k) becomes an UNKNOWN that
 * suggests that command (issue 9): when it was UNKNOWN, or a listing that
 * found no quantity only because the quantity was glued to a word (ban
 * na50kg 30k). The split text parses as itself, so this recurses once.
 */
static void
suggest_unglued(struct msg *m, struct command *c)
{
	char *text;
	struct command *t;

	if (c->suggest[0] != '\0' || (c->action != CMD_UNKNOWN &&
	    strcmp(c->error, "missing_quantity") != 0))
		return;
	text = xmalloc(CMD_TEXT_MAX);
	t = xmalloc(sizeof *t);
	if (trade_unglue(m, text, CMD_TEXT_MAX) == 0 &&
	    parser_parse(m->p, text, strlen(text), t) == 0 && t->error[0] == '\0' &&
	    (t->action == CMD_LIST || t->action == CMD_SEARCH || t->action == CMD_ORDER ||
	    t->action == CMD_PRICE || t->action == CMD_FOLLOW)) {
		cmd_reset(c);
		str_copy(c->suggest, sizeof c->suggest, text);
	}
	free(t);
	free(text);
}

/* the commands a helper may give for a household (§7) */
static bool
on_behalf_allowed(enum cmd_action a)
{
	switch (a) {
	case CMD_REGISTER:
	case CMD_LIST:
	case CMD_EDIT:
	case CMD_CANCEL_LISTING:
	case CMD_SOLD_OUT:
	case CMD_ACCEPT:
	case CMD_DECLINE:
	case CMD_DELIVERED:
	case CMD_STATUS:
		return true;
	default:
		return false;
	}
}

static bool
starts_with_digit(const struct msg *m, int i)
{
	return i < m->nw && w_str(m, i)[0] >= '0' && w_str(m, i)[0] <= '9';
}

/*
 * on_behalf reads HO <phone> <command> (§7): false when the message is not
 * that form (HO, Hồ and hộ are everyday words: without a phone right after
 * it, the message is read as any other). The phone after HO is the "for",
 * never the contact; a missing, nested or not allowed command is HD HO.
 * HO followed by digits that are no phone is UNKNOWN suggesting HO, so the
 * reply can say the number is wrong.
 */
static bool
on_behalf(struct msg *m, struct command *c)
{
	int n = 0, r;

	if (m->nw == 0 || !w_is_tone(m, 0, "HO"))
		return false;
	if (m->ncut == 0 || m->cutf[0].os < m->w[0].fe ||
	    (m->nw > 1 && m->cutf[0].oe > m->w[1].fs)) {
		if (m->ncut > 0 || !starts_with_digit(m, 1))
			return false;
		cmd_reset(c);
		str_copy(c->suggest, sizeof c->suggest, "HO");
		return true;
	}
	r = kw_match(m, 1, true, &n);
	if (r >= 0 && !w_is_tone(m, 1, "HO")) {
		m->kwrow = r;
		m->arg = 1 + n;
		c->action = m->p->rows[r].action;
		m->p->rows[r].read(m, c);
	}
	if (r < 0 || w_is_tone(m, 1, "HO") || !on_behalf_allowed(c->action)) {
		cmd_reset(c);
		c->action = CMD_HELP;
		str_copy(c->topic, sizeof c->topic, "HO");
		return true;
	}
	str_copy(c->for_phone, sizeof c->for_phone, m->cut_e164[0]);
	str_copy(c->contact, sizeof c->contact, m->ncut > 1 ? m->cut_e164[1] : "");
	return true;
}

static void
dispatch(struct msg *m, struct command *c)
{
	int n = 0, r;

	if (on_behalf(m, c))
		return;
	r = kw_match(m, 0, true, &n);
	if (r < 0) {
		kw_suggest(m, c);
		suggest_unglued(m, c);
		return;
	}
	m->kwrow = r;
	m->arg = n;
	c->action = m->p->rows[r].action;
	m->p->rows[r].read(m, c);
	suggest_unglued(m, c);
}

int
parser_parse(const struct parser *p, const char *utf8, size_t len, struct command *out)
{
	struct msg *m;

	if (out != NULL)
		cmd_reset(out);
	if (p == NULL || out == NULL)
		return -1;
	/* ~40 KB: on the heap, so a small thread stack is never a worry */
	m = xmalloc(sizeof *m);
	m->p = p;
	m->kwrow = -1;
	m->arg = 0;
	m->md = pcre2_match_data_create(8, NULL);
	if (m->md == NULL) {
		free(m);
		return 0;
	}
	m->olen = fold_sanitize(utf8 != NULL ? utf8 : "", utf8 != NULL ? len : 0,
	    m->orig, sizeof m->orig);
	m->flen = fold_text(m->orig, m->olen, m->fold, m->fos, m->foe, sizeof m->fold);
	m->ncut = 0;
	m->nw = 0;
	msg_phones(m, out);
	msg_words(m);
	dispatch(m, out);
	/* §3: an UNKNOWN carries no contact; readers that turn a message
	 * UNKNOWN reset the rest, and only the suggestion is ever added */
	if (out->action == CMD_UNKNOWN)
		out->contact[0] = '\0';
	pcre2_match_data_free(m->md);
	free(m);
	return 0;
}

const char *
cmd_action_name(enum cmd_action a)
{
	static const char *const names[CMD__COUNT] = {
#define CMD(id, json, ...) [CMD_##id] = json,
#include "parser/commands.def"
#undef CMD
	};

	if ((int)a < 0 || a >= CMD__COUNT)
		return "UNKNOWN";
	return names[a];
}
