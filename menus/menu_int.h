/*
 * menu_int.h - the loaded menu definition and what the menus/ files share:
 * load.c reads conf/menus.conf into it, menu.c steps through it, render.c
 * draws screens. Not for use outside menus/.
 */
#ifndef LANGSO_MENU_INT_H
#define LANGSO_MENU_INT_H

#include "menus/menu.h"

enum menu_kind { MK_MENU = 0, MK_LIST, MK_INPUT, MK_SHOW, MK_END };

enum menu_input { MI_QTY = 0, MI_PRICE, MI_LISTING, MI_ORDER, MI_VILLAGE, MI_NAME, MI_PHONE,
	MI_TEXT };

/* What a list choice sets in menu_vals. */
enum menu_slot { SLOT_PRODUCT = 0, SLOT_LISTING, SLOT_ORDER, SLOT_ITEM };

/* Where an option, a choice or a value leads: another screen, or the end of
 * the flow with a command (action != CMD_UNKNOWN). */
struct menu_target {
	int screen;			/* -1 when action is set */
	enum cmd_action action;
	bool urgent;			/* opt ... > !BROADCAST urgent: TB KHAN */
	int line;			/* for "unknown screen" errors after loading */
	char name[32];
};

#define MENU_OPTS_MAX 8			/* keys 1..8: 9 pages, 0 goes back */
#define MENU_LABEL_MAX 40

struct menu_opt {
	char key[4];
	char label[MENU_LABEL_MAX];
	struct menu_target to;
	int unit;			/* index into menu_units, -1 none */
};

struct menu_screen {
	char name[32];
	int line;
	enum menu_kind kind;
	char text[MENU_SCREEN_MAX + 1];	/* template, lines joined by \n */
	char hint[48];
	struct menu_opt opt[MENU_OPTS_MAX];
	int nopt;
	enum menu_src src;		/* MK_LIST */
	enum menu_slot slot;		/* MK_LIST */
	enum menu_input input;		/* MK_INPUT */
	struct menu_target next;	/* MK_LIST, MK_INPUT */
	struct menu_target empty;	/* MK_LIST */
	bool has_next, has_empty;
	bool has_check, has_enter;
	enum menu_check check;		/* MK_LIST, MK_INPUT: each value taken */
	enum menu_check enter;		/* before the screen is entered ... */
	struct menu_target enter_to;	/* ... and where a refusal leads */
};

struct menu_def {
	struct menu_screen *scr;
	int nscr;
};

/* Quantity units a menu may offer: how the typed number becomes the
 * command's amount (grams for weights, pieces for counts). */
struct menu_unit {
	const char *name;		/* as shown and as in unit=; NULL: not for menus */
	long long grams;		/* per unit; 0: a count unit */
	unsigned kind;			/* MENU_KIND_* */
};
#define MENU_KIND_NONE 0u		/* a unit of parser/units.def no menu offers */
extern const struct menu_unit menu_units[];
extern const int menu_nunits;
int menu_unit_find(const char *name);

/* menu_opt_key: the key option i of sc is shown with and chosen by, given
 * the values (a unit the product is not sold in is hidden and the others
 * numbered 1.. in order); NULL when hidden. buf holds a renumbered key. */
const char *menu_opt_key(const struct menu_screen *sc, const struct menu_vals *v, int i,
    char buf[4]);

/* render.c */
#define MENU_PAGE_ITEMS 8
/* Room kept on every list page for a hint ("Chon lai. "), so a page holds
 * the same items whether or not a hint is shown; menus.conf hints are
 * shorter than this. */
#define MENU_HINT_ROOM 12
int menu_render_screen(const struct menu_def *d, const struct menu_sess *s,
    const struct menu_io *io, const char *hint, struct menu_out *out);
/* menu_render_refusal: the screen again after a check refused a value, the
 * reason first (on a list, in place of the header, so the page keeps its
 * choices and still fits). */
int menu_render_refusal(const struct menu_def *d, const struct menu_sess *s,
    const struct menu_io *io, const char *why, struct menu_out *out);
/* menu_page_bounds: items [*from, *to) are on page of a list of n items with
 * these labels, given the header text; *more when a page follows. */
void menu_page_bounds(const char *header, const struct menu_item *items, int n, int page,
    int *from, int *to, bool *more);
void menu_subst(const struct menu_vals *v, const char *tpl, char *out, size_t outlen);
/* menu_show_pages: how many pages the show screen's notice takes (1 when
 * it fits one screen or is gone). 0, or -1 when io.fetch failed. */
int menu_show_pages(const struct menu_sess *s, const struct menu_io *io, int *pages);
/* menu_fetch asks io for a list's items: as many as pages 0..page can show
 * and one more (which says whether a page follows), so a first page reads
 * 9 listings, not every one a user could page to; page < 0: all of them
 * (MENU_ITEMS_MAX), for a screen that lays out an item, not a page. */
int menu_fetch(const struct menu_io *io, enum menu_src src, const struct menu_vals *v, int page,
    struct menu_item *items, int *n);

#endif
