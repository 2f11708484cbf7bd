/*
 * parser.h - the SMS command language (docs: commands.md) as a pure function:
 * UTF-8 text in, struct command out. No I/O after parser_new(), no globals
 * beyond the patterns and lexicon compiled there; safe to share one parser
 * between threads (each call uses its own match data).
 */
#ifndef LANGSO_PARSER_H
#define LANGSO_PARSER_H

#include <stdbool.h>
#include <stddef.h>

struct parser;

/* CMD_<id> for each row of parser/commands.def, in its order (CMD_UNKNOWN 0) */
enum cmd_action {
#define CMD(id, ...) CMD_##id,
#include "parser/commands.def"
#undef CMD
	CMD__COUNT
};

/*
 * Sizes: an SMS concatenated from up to 10 UCS-2 parts is 670 UTF-16 units,
 * at most 3 UTF-8 bytes each: 2010 bytes; text/note/name are cut out of such a
 * message, so 2048 holds any of them. Product/variety/place are words of the
 * same message but are used as keys, so 128 is plenty and longer is cut.
 */
#define CMD_TEXT_MAX 2048
#define CMD_WORD_MAX 128

/*
 * Bounds on what one message may carry (issue 9). A quantity or price past
 * them is never an item: LIST, SEARCH, ORDER and ACCEPT then carry only
 * "error":"qty_too_large" or "price_too_large" (and contact), and the reply
 * names the bound. Why these numbers (docs: vietnamese.md §2.4, §6.4):
 * - 100 tấn: a household's lot is tens to hundreds of kg, a truck carries
 *   up to ~30 t, a cooperative's lot of dried anise a few tens of tonnes
 *   (the whole province makes 7,500-16,000 t a year); more is a typo.
 * - 100.000 pieces (con, quả, bó...): a large poultry farm's flock; also
 *   the count of pieces in "2.000 BAO 25KG".
 * - 10 tỷ đ for any price, per kg, per piece or for the lot: the dearest
 *   produce is ~500.000đ/kg (honey, export anise), so a lot of 10 tỷ is
 *   20 t of it. A price per kg above 10 tỷ cannot be a typo of a real one.
 * With these, every total langso computes (price × quantity, sums of a
 * few million such) stays far below 2^63 ≈ 9,2 × 10^18: 10^10 đ × 10^8 g
 * / 1000 = 10^15 đ; the actions still check every product and sum.
 */
#define CMD_QTY_MAX_G 100000000LL	/* 100 tấn, in grams */
#define CMD_PIECES_MAX 100000LL
#define CMD_VND_MAX 10000000000LL	/* 10 tỷ đồng */

struct cmd_amount {
	long long amount;		/* grams when unit is "g", else pieces */
	char unit[16];			/* "g" or a folded lower-case count unit: "con", "qua" */
};

struct cmd_price {
	long long vnd;
	char per[8];			/* "kg", "unit" (per piece of the count unit), "lot" */
};

struct command {
	enum cmd_action action;
	char error[24];			/* "" or "missing_product", "multiple_items", ... */
	char product[CMD_WORD_MAX];	/* lexicon key, or folded lower-case words */
	char variety[CMD_WORD_MAX];
	int grade;			/* 0 when absent */
	bool has_qty;
	struct cmd_amount qty;
	int pieces;			/* 0 when absent */
	bool has_price;
	struct cmd_price price;
	bool has_offer;
	struct cmd_price offer;
	long long listing;		/* 0 when absent: numbers start at 1 */
	long long order;
	long long broadcast;
	bool urgent;
	bool confirm;			/* REGISTER: DK OK confirms a pending change */
	char for_phone[20];		/* HO <phone> ...: the household acted for, E.164 */
	int page;			/* SEARCH, STATUS: TIM NA 2, TT 2 (0: the first) */
	char village[8];		/* "LD02": 1-4 letters + 1-3 digits, upper case */
	char name[CMD_TEXT_MAX];	/* original characters */
	char text[CMD_TEXT_MAX];	/* original characters */
	char note[CMD_TEXT_MAX];	/* original characters */
	char place[CMD_WORD_MAX];	/* original characters */
	char contact[20];		/* E.164 */
	char topic[16];			/* HELP topic: a main keyword, e.g. "BAN" */
	char suggest[CMD_TEXT_MAX];	/* UNKNOWN: folded upper-case suggestion */
	char check[8];			/* "price" when outside the plausible range;
					 * "lot" when a price per piece may be the
					 * lot's total (BAN GA 5 CON 1TR) */
};

/*
 * parser_new compiles the patterns and loads the lexicon at lexicon_path
 * (conf/lexicon.conf format). Returns NULL and fills err ("FILE:LINE: msg"
 * for a bad lexicon) on failure. Free with parser_free().
 */
struct parser *parser_new(const char *lexicon_path, char *err, size_t errlen);
void parser_free(struct parser *p);

/*
 * parser_parse reads one message of len bytes (need not be NUL-terminated,
 * may be invalid UTF-8) into *out. Always fills *out (UNKNOWN at worst) and
 * returns 0; -1 only if p is NULL.
 */
int parser_parse(const struct parser *p, const char *utf8, size_t len,
    struct command *out);

/*
 * command_to_json writes the one-line JSON of commands.md §4 (keys in the
 * order of that document, absent keys left out) into buf. Returns 0, or -1
 * if buf is too small. The fixed key order, which extends the examples:
 *   action, for, error, listing, order, broadcast, urgent, confirm, village,
 *   name, product, variety, grade, qty, pieces, price, offer, check, place,
 *   text, topic, page, note, contact, suggest
 * Numbers that are 0 and strings that are "" are absent; qty is
 * {"amount":N,"unit":U}, price and offer are {"vnd":N,"per":"kg|unit|lot"}.
 */
int command_to_json(const struct command *c, char *buf, size_t buflen);

/* cmd_action_name returns "LIST", "UNKNOWN", ... */
const char *cmd_action_name(enum cmd_action a);

/*
 * parser_fold folds text for matching as commands.md §1.2 says (NFKC, đ->d,
 * marks dropped, upper case, punctuation to spaces, spaces collapsed). Writes
 * a NUL-terminated string, cut to outlen-1 bytes. Returns its length.
 */
size_t parser_fold(const char *utf8, size_t len, char *out, size_t outlen);

/*
 * parser_product_display looks a product key up in the lexicon and returns
 * its display name with diacritics ("Na", "Hồi"), or NULL if unknown.
 */
const char *parser_product_display(const struct parser *p, const char *key);

/*
 * parser_price_check judges a price given explicitly per kg (per_kg) or per
 * piece against the lexicon's plausible range for product (and variety, ""
 * for none), as an SMS listing's "check":"price" is set: 1 above the range,
 * -1 below it, 0 inside or when no range is known.
 */
int parser_price_check(const struct parser *p, const char *product, const char *variety,
    long long vnd, bool per_kg);

/*
 * parser_product_sold_by: how product key is sold, from its lexicon ranges
 * (its varieties' too): PARSER_BY_WEIGHT with a kg range, PARSER_BY_PIECE
 * with a piece range, PARSER_BY_HEAD too for livestock (by_piece). 0 for an
 * unknown key.
 */
#define PARSER_BY_WEIGHT 1u
#define PARSER_BY_PIECE 2u
#define PARSER_BY_HEAD 4u
unsigned parser_product_sold_by(const struct parser *p, const char *key);

/*
 * parser_product_count and parser_product_at walk the lexicon's products in
 * file order (for USSD menus): at returns 0 and points *key ("na") and
 * *display ("Na", with diacritics) into the lexicon, or -1 when i is out of
 * range. The pointers live as long as p.
 */
int parser_product_count(const struct parser *p);
int parser_product_at(const struct parser *p, int i, const char **key, const char **display);

#endif
