/*
 * menu.h - USSD menus as a pure state machine. The menus themselves are data
 * (conf/menus.conf: screens, numbered options, input steps, which command a
 * finished flow gives), loaded and checked once at start. A step takes a
 * session state and the user's input and gives the next screen and the new
 * state, or a finished struct command that the caller runs like an SMS.
 * No I/O, no SQL: numbered choices that come from data (products, listings,
 * orders, broadcasts) are asked of the caller through menu_io.fetch.
 */
#ifndef LANGSO_MENU_H
#define LANGSO_MENU_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/parser.h"

/* MENU_SCREEN_MAX: a USSD string is 160 octets = 182 GSM-7 characters, but
 * many handsets cut earlier; vietnamese.md §4.1 says keep screens <= 160. */
#define MENU_SCREEN_MAX 160
#define MENU_DEPTH 12			/* screens on the back stack */
#define MENU_ITEMS_MAX 64		/* choices one list may offer */
#define MENU_STATE_MAX 1024		/* an encoded session state, NUL included */

struct menu_def;

/* Where a list screen's choices come from (the caller fetches them). */
enum menu_src {
	MENU_SRC_PRODUCTS = 0,		/* the lexicon */
	MENU_SRC_LISTINGS,		/* open listings of vals.product */
	MENU_SRC_MY_LISTINGS,		/* the phone's own open listings */
	MENU_SRC_MY_ORDERS,		/* orders waiting for the phone's answer */
	MENU_SRC_BROADCASTS,		/* the phone's village's latest notices */
	MENU_SRC__COUNT
};

/* Kinds of quantity unit (menu_item.kinds, menu_vals.kinds): a product
 * is offered only the units of the kinds it is sold in. */
#define MENU_KIND_WEIGHT 1u		/* kg, yen, ta, tan */
#define MENU_KIND_HEAD 2u		/* con: livestock and poultry */
#define MENU_KIND_PIECE 4u		/* qua, bo, buong, ...: other counted goods */

/* One choice of a data list. Text is GSM-7, no diacritics (the caller
 * strips them). */
struct menu_item {
	long long id;			/* listing, order or broadcast number */
	char key[48];			/* product key ("na") */
	char label[64];			/* as listed: "Na", "#12 Na 50kg 30k" */
	char unit[12];			/* listings: "kg" or a count unit */
	unsigned kinds;			/* products: MENU_KIND_*; 0 unknown (all) */
	long long price;		/* listings: đ per kg or per piece; 0 negotiable */
	long long left;			/* listings: what is left, grams or pieces */
	char when[12];			/* broadcasts: the day sent, "12/03" */
	const char *text;		/* broadcasts: the whole notice, GSM-7; the
					 * caller's, valid until the step returns
					 * (the show screen pages through it) */
};

/* What the user has chosen or typed so far in this session. */
struct menu_vals {
	char product[48];		/* lexicon key */
	char product_label[48];
	char unit[12];			/* "kg", "yen", "ta", "con", ... */
	unsigned kinds;			/* the product's MENU_KIND_*; 0 unknown */
	long long qty;			/* in unit, as typed */
	long long price;		/* đ per kg (weights) or per piece;
					 * MENU_PRICE_NEGOTIABLE: "TT" typed */
	long long listing, order, item;
	long long left;			/* the listing's stock: grams ("kg") or pieces */
	int price_check;		/* the price against the lexicon's range: 1 high,
					 * -1 low, 0 plausible (the caller's check) */
	char village[8];		/* "LD02" */
	char name[64];			/* as typed */
	char for_phone[20];		/* "Giup ho khac": the household, E.164 */
	char text[161];			/* a head's notice, as typed (one USSD answer) */
};

/* What a price screen takes for "thoa thuan" (negotiable: no price), as the
 * listings' labels say it ("#12 Na 50kg TT"). */
#define MENU_PRICE_NEGOTIABLE (-1LL)

/* A session: where it is, how it got there, and the values. Plain data the
 * caller keeps between steps (menu_sess_encode/decode for storage). */
struct menu_sess {
	int screen;
	int page;			/* list screens: page shown */
	int depth;
	struct { int screen, page; } stack[MENU_DEPTH];
	bool resume_offer;		/* asking "continue where you were?" */
	bool ended;			/* an END screen or a command was given */
	struct menu_vals v;
};

enum menu_result {
	MENU_CONTINUE = 0,		/* show screen, wait for input (CON / op 2) */
	MENU_END,			/* show screen, close (END / op 17) */
	MENU_COMMAND,			/* run cmd; its reply is the END screen */
};

struct menu_out {
	enum menu_result result;
	char screen[MENU_SCREEN_MAX + 1];	/* GSM-7 */
	bool cut;			/* the screen had to be cut to fit */
	struct command cmd;		/* MENU_COMMAND only */
};

/* What the caller is asked to check (menus.conf "check" and "enter"), so a
 * user hears of a problem at the step where it is known, not at the end. */
enum menu_check {
	MENU_CHECK_REGISTERED = 0,	/* the phone is a registered household */
	MENU_CHECK_LISTING,		/* vals.listing can be ordered from; the caller
					 * fills unit, price, left, product */
	MENU_CHECK_MY_LISTING,		/* vals.listing is the phone's own open one */
	MENU_CHECK_MY_ORDER,		/* vals.order waits for the phone's answer */
	MENU_CHECK_STOCK,		/* vals.qty (in vals.unit) is at most what is
					 * left of vals.listing */
	MENU_CHECK_PRICE,		/* never refuses: sets vals.price_check for
					 * vals.price of vals.product */
	MENU_CHECK_TEAM,		/* the phone may act for vals.for_phone (HO) */
	MENU_CHECK__COUNT
};

/* the longest reason a check may give, NUL included */
#define MENU_WHY_MAX 64

/*
 * The caller's side: fetch fills out[0..max) with the choices of src (given
 * the values so far, e.g. vals->product for listings) and sets *n; returns 0,
 * or -1 when the data cannot be read (the step then fails with -1). trace,
 * when not NULL, is told every transition (menu_enter_state). check, when
 * not NULL, answers one menu_check: 0 fine (it may fill vals as said
 * above), 1 refused with a short GSM-7 sentence in why (shown before the
 * screen again), -1 the data cannot be read. Without check, all is fine.
 */
struct menu_io {
	int (*fetch)(void *arg, enum menu_src src, const struct menu_vals *vals,
	    struct menu_item *out, int max, int *n);
	void (*trace)(void *arg, const char *from, const char *to);
	void *arg;
	int (*check)(void *arg, enum menu_check what, struct menu_vals *vals, char *why,
	    size_t whylen);
};

/*
 * menu_load reads and checks a menu file. Returns a new definition (free with
 * menu_free), or NULL with "FILE:LINE: reason" in err.
 */
struct menu_def *menu_load(const char *path, char *err, size_t errlen);
void menu_free(struct menu_def *d);

/* menu_start puts *s at the home screen (values cleared) and renders it.
 * 0, or -1 when io.fetch failed. */
int menu_start(const struct menu_def *d, struct menu_sess *s, const struct menu_io *io,
    struct menu_out *out);

/* menu_offer_resume takes an unfinished session state *s (from a dropped
 * session) and asks whether to continue it: 1 continues at its screen, 2
 * starts at home. 0, or -1 as menu_start. */
int menu_offer_resume(const struct menu_def *d, struct menu_sess *s,
    const struct menu_io *io, struct menu_out *out);

/*
 * menu_step applies one input (the keys typed, UTF-8) to *s and renders the
 * result into *out: the next screen, the same screen with a short hint for
 * wrong input, an END screen, or a finished command. "0" goes back (a page
 * or a screen; at home it ends), "00" goes home, "9" pages a long list.
 * Returns 0, or -1 when io.fetch failed (*s is then unchanged).
 */
int menu_step(const struct menu_def *d, struct menu_sess *s, const char *input,
    const struct menu_io *io, struct menu_out *out);

/* menu_render renders the current screen of *s again (no hint). */
int menu_render(const struct menu_def *d, const struct menu_sess *s,
    const struct menu_io *io, struct menu_out *out);

/* menu_sess_encode writes *s as text (screen names, not numbers, so a menu
 * file change cannot land a stored session on the wrong screen). Returns 0,
 * or -1 if buf is too small. menu_sess_decode reads it back: -1 (and *s
 * untouched) for anything it does not recognise. */
int menu_sess_encode(const struct menu_def *d, const struct menu_sess *s, char *buf,
    size_t buflen);
int menu_sess_decode(const struct menu_def *d, const char *text, struct menu_sess *s);

/* menu_gsm_clean writes text as a screen can show it: without diacritics,
 * any other character GSM-7 lacks as '?' (invalid UTF-8 gives ""), cut on
 * a character boundary to outlen-1 bytes. Callers clean the data they
 * hand over with it; the engine cleans what the user typed. */
void menu_gsm_clean(const char *text, char *out, size_t outlen);

/* menu_unit_is_weight: unit (as in menu_vals.unit) is kg, yen, ta or tan,
 * so a price is per kg; "" counts as kg. Else it is a count unit. */
bool menu_unit_is_weight(const char *unit);

/* For tests and the walk: how many screens, and each one's name. */
int menu_screen_count(const struct menu_def *d);
const char *menu_strstate(const struct menu_def *d, int screen);
int menu_screen_by_name(const struct menu_def *d, const char *name);

#endif
