/*
 * parser_int.h - internals shared by the parser's files: the compiled parser,
 * the per-message work area, the lexicon and the token helpers. Nothing here
 * is visible outside parser/.
 */
#ifndef LANGSO_PARSER_INT_H
#define LANGSO_PARSER_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "parser/parser.h"

/*
 * Work-area sizes. The longest message is 10 UCS-2 parts, 2010 UTF-8 bytes
 * (parser.h); we read up to MSG_MAX bytes and ignore the rest, so offsets fit
 * in 16 bits. Folding can only grow a character by NFKC expansion (a ligature
 * or "㎏" becomes 2-3 letters), and what does not fit FOLD_MAX is dropped:
 * matching never needs more than the first words. A word is at least one byte
 * plus a space, but WORDS_MAX words are plenty for any command; words past it
 * only end up in text/note, which are cut from the original.
 */
#define MSG_MAX		4000
#define FOLD_MAX	4096
#define WORDS_MAX	600
#define PHONES_MAX	8
#define ATOMS_MAX	WORDS_MAX

/* ---- lexicon (lexicon.c) ---- */

struct lex_range {
	long long lo, hi;		/* đ; hi == 0: no range */
};

struct lex_variety {
	char name[CMD_WORD_MAX];	/* folded lower case: "kho" */
	struct lex_range kg, piece;
};

struct lex_product {
	char key[CMD_WORD_MAX];		/* "hong khong hat" */
	char display[CMD_WORD_MAX];	/* "Hồng không hạt" */
	bool by_piece;			/* poultry/pigs: the per-kg fallback */
	struct lex_range kg, piece;
	struct lex_variety *var;
	int nvar;
};

struct lex_alias {
	char words[CMD_WORD_MAX];	/* folded upper case, one space apart */
	size_t len;
	int nwords;
	int product;
};

struct lexicon {
	struct lex_product *prod;
	int nprod;
	struct lex_alias *alias;	/* longest first */
	int nalias;
	int *byfirst;			/* alias indexes grouped by first byte, */
	int first_at[257];		/* longest first within a group */
};

int lex_load(struct lexicon *lx, const char *path, char *err, size_t errlen);
void lex_free(struct lexicon *lx);
const struct lex_product *lex_find(const struct lexicon *lx, const char *key);

/* ---- the compiled parser ---- */

struct kw_form {
	const char *w[3];		/* the keyword's words */
	size_t wl[3];
	int nw;
	char glued[24];			/* "HUYDON": the words without spaces */
	size_t gl;
};

struct parser {
	struct lexicon lx;
	pcre2_code *re_num;		/* one word: a number with its suffixes */
	pcre2_code *re_phone;		/* a digit run that may be a phone */
	pcre2_code *re_village;		/* LD02 */
	pcre2_match_context *mctx;	/* match and depth limits */
	struct kw_row *rows;		/* every alias of commands.def, flattened */
	struct kw_form *kw;		/* the same rows split into words */
	int nkw;
};

/* ---- the message being read ---- */

struct word {
	uint16_t fs, fe;		/* folded bytes [fs, fe) */
	uint16_t os, oe;		/* original bytes [os, oe) */
};

struct span {
	uint16_t os, oe;
};

struct msg {
	const struct parser *p;
	pcre2_match_data *md;
	char orig[MSG_MAX + 8];		/* the input, invalid UTF-8 replaced */
	size_t olen;
	char fold[FOLD_MAX + 1];
	uint16_t fos[FOLD_MAX + 1];	/* original start of each folded byte */
	uint16_t foe[FOLD_MAX + 1];	/* original end of each folded byte */
	size_t flen;
	struct word w[WORDS_MAX];
	int nw;
	struct span cut[PHONES_MAX];	/* phone numbers, cut out of text */
	struct span cutf[PHONES_MAX];	/* the same in folded bytes */
	int ncut;
	char cut_e164[PHONES_MAX][20];	/* each phone of cut[] in E.164 */
	int arg;			/* first word after the keyword */
	int kwrow;			/* the matched keyword row, -1 none */
};

/* fold_vi.c */
size_t fold_sanitize(const char *in, size_t len, char *out, size_t outcap);
size_t fold_text(const char *orig, size_t olen, char *out, uint16_t *fos,
    uint16_t *foe, size_t outcap);

/* lex.c: words, numbers and phones */
void msg_words(struct msg *m);
void msg_phones(struct msg *m, struct command *c);
int msg_split_word(struct msg *m, int i, size_t at);
const char *w_str(const struct msg *m, int i);
size_t w_len(const struct msg *m, int i);
bool w_is(const struct msg *m, int i, const char *s);
bool tone_eq(const char *s, size_t n, const char *kw, size_t kwl);
bool w_is_tone(const struct msg *m, int i, const char *s);
int w_phrase(const struct msg *m, int i, const char *phrase);
bool gap_has_dash(const struct msg *m, int a, int b);
void msg_text(const struct msg *m, int from, int to, char *out, size_t outlen);
void w_lower(const struct msg *m, int from, int to, char *out, size_t outlen);
bool village_is(const struct msg *m, int i);
int lex_alias_at(const struct msg *m, int i, int *product);
bool lex_product_among(const struct msg *m, int from, int to);

enum unit_kind { UK_NONE = 0, UK_WEIGHT, UK_COUNT, UK_MONEY, UK_ABSORB };

struct unit_def {
	const char *word;
	enum unit_kind kind;
	long long factor;		/* grams, pieces or đ */
	const char *name;		/* count unit as printed */
};

const struct unit_def *unit_find(const char *s, size_t n);

struct num {
	bool ref;			/* had #, N, SO or LO */
	long long milli;		/* value × 1000 */
	const struct unit_def *unit;	/* glued suffix, NULL bare */
	const struct unit_def *absorb;	/* "30KD" */
	bool slash;			/* "/KG" followed */
	bool slash_one;			/* "/1KG" */
	const struct unit_def *per;	/* the unit after the slash */
};

int num_lex(const struct msg *m, int i, struct num *n);
int ref_at(const struct msg *m, int i, long long *val);

/* trade.c */
enum trade_ctx {
	TC_LIST = 1,			/* CAN BAN filler */
	TC_QUESTION = 2,		/* GIA/TIM/THEO: 1 KG, MOI KG fillers */
	TC_SEARCH = 4,			/* TRA GIA, GIUP, TOI, question words, O place */
	TC_ORDER = 8,
	TC_PRICE = 16,
};
int read_list(struct msg *m, struct command *c);
int read_search(struct msg *m, struct command *c);
int read_price(struct msg *m, struct command *c);
int read_follow(struct msg *m, struct command *c);
int read_order(struct msg *m, struct command *c);
int read_edit(struct msg *m, struct command *c);
int qty_at(struct msg *m, int i, struct command *c);
/* trade_unglue writes the message with its glued words split (BANNA 50KG
 * -> BAN NA 50KG, NA50KG30K -> NA 50KG 30K), folded upper case. 0, or -1
 * when nothing was glued (or it does not fit outlen). */
int trade_unglue(const struct msg *m, char *out, size_t outlen);

/* commands.c */
typedef int (*kw_reader)(struct msg *, struct command *);

/* one alias of a command (the keywords column of commands.def) */
struct kw_alias {
	const char *kw;			/* folded keyword words; NULL ends the list */
	unsigned flags;
	kw_reader read;			/* NULL: the command's reader */
};

/* what the parser keeps of a row of commands.def */
struct cmd_parse {
	const char *topic;		/* its main keyword */
	kw_reader read;
	const struct kw_alias *alias;
};
extern const struct cmd_parse cmd_parse[CMD__COUNT];

/* one keyword row for matching: an alias with its command's columns,
 * built by parser_new from cmd_parse */
struct kw_row {
	const char *kw;
	enum cmd_action action;
	const char *topic;
	kw_reader read;
	unsigned flags;
};
#define KW_NUM		1u		/* takes a number: MUA123 */
#define KW_EVERYDAY	2u		/* CO, NHAN, KHONG, DONG Y */
#define KW_MAIN		4u		/* a main keyword: may be suggested */

int kw_match(struct msg *m, int at, bool glue_numbers, int *nwords);
void kw_suggest(const struct msg *m, struct command *c);
void cmd_clear_error_fields(struct command *c);
void cmd_reset(struct command *c);
void cmd_set_error(struct command *c, const char *e);
int page_at(const struct msg *m, int i);

#endif
