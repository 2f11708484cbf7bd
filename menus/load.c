/*
 * load.c - reads conf/menus.conf (format in the file's own header) into a
 * struct menu_def and checks it: known kinds, sources, slots and input
 * types, option keys 1..8 once each, every target an existing screen or a
 * command the menus can build. The first error stops loading with
 * "FILE:LINE: reason"; nothing is half-loaded.
 */
#include "menus/menu_int.h"
#include "common/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parser's units (parser/units.def): those with a menu name. */
#define U(word, kind, factor, count, menu, menu_kind) \
	{menu, MENU_KIND_##menu_kind == MENU_KIND_WEIGHT ? factor : 0, MENU_KIND_##menu_kind},
const struct menu_unit menu_units[] = {
#include "parser/units.def"
};
#undef U
const int menu_nunits = (int)(sizeof menu_units / sizeof menu_units[0]);

int
menu_unit_find(const char *name)
{
	for (int i = 0; i < menu_nunits; i++)
		if (menu_units[i].name != NULL && strcmp(menu_units[i].name, name) == 0)
			return i;
	return -1;
}

bool
menu_unit_is_weight(const char *unit)
{
	int u = menu_unit_find(unit);

	return unit[0] == '\0' || (u >= 0 && menu_units[u].grams > 0);
}

/* The commands a finished flow may give (the ussd column of
 * parser/commands.def): menu.c knows how to fill each. */
static const struct { const char *name; enum cmd_action action; bool ussd; } actions[] = {
#define CMD(id, json, reader, action, ussd, ...) {json, CMD_##id, ussd},
#include "parser/commands.def"
#undef CMD
};

static const char *const kinds[] = {"menu", "list", "input", "show", "end", NULL};
static const char *const sources[] = {"products", "listings", "my_listings", "my_orders",
	"broadcasts", NULL};
static const char *const slots[] = {"product", "listing", "order", "item", NULL};
static const char *const inputs[] = {"qty", "price", "listing", "order", "village", "name",
	"phone", "text", NULL};
/* in enum menu_check order */
static const char *const checks[] = {"registered", "listing", "my_listing", "my_order",
	"stock", "price", "team", NULL};

struct loader {
	const char *path;
	int line;
	char *err;
	size_t errlen;
	struct menu_def *d;
	int cap;
};

static int lerr(struct loader *l, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
lerr(struct loader *l, int line, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s:%d: %s", l->path, line, msg);
	return -1;
}

static int
word_index(const char *const *words, const char *w)
{
	for (int i = 0; words[i] != NULL; i++)
		if (strcmp(words[i], w) == 0)
			return i;
	return -1;
}

/* next_word cuts the first space-separated word off *p. */
static char *
next_word(char **p)
{
	char *s = *p, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* gsm_plain: menu text is typed for 7-bit screens, so printable ASCII only
 * (every such character but a few is GSM-7; those few are refused too). */
static bool
gsm_plain(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c > 0x7e || c == '`' || c == '^' || c == '{' || c == '}' ||
		    c == '[' || c == ']' || c == '\\' || c == '|' || c == '~')
			return false;
	}
	return true;
}

/* name_ok: screen names are stored in session states (their back stack
 * unescaped, ',' and ':' separated): a-z, 0-9 and '_' only. */
static bool
name_ok(const char *w)
{
	if (*w == '\0')
		return false;
	for (; *w != '\0'; w++)
		if (!((*w >= 'a' && *w <= 'z') || (*w >= '0' && *w <= '9') || *w == '_'))
			return false;
	return true;
}

static int
parse_target(struct loader *l, const char *w, struct menu_target *t)
{
	memset(t, 0, sizeof *t);
	t->line = l->line;
	t->screen = -1;
	if (w[0] == '!') {
		for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
			if (actions[i].ussd && strcmp(actions[i].name, w + 1) == 0) {
				t->action = actions[i].action;
				return 0;
			}
		return lerr(l, l->line, "unknown command %s", w);
	}
	if (strlen(w) >= sizeof t->name)
		return lerr(l, l->line, "screen name too long: %s", w);
	if (!name_ok(w))
		return lerr(l, l->line, "%s", "a screen name is made of a-z, 0-9 and _");
	snprintf(t->name, sizeof t->name, "%s", w);
	return 0;
}

static struct menu_screen *
cur(struct loader *l)
{
	return l->d->nscr > 0 ? &l->d->scr[l->d->nscr - 1] : NULL;
}

static int
do_screen(struct loader *l, char *rest)
{
	char *name = next_word(&rest), *kind = next_word(&rest), *a1, *a2;
	struct menu_screen *s;
	int k;

	if (name == NULL || kind == NULL)
		return lerr(l, l->line, "%s", "screen needs a name and a kind");
	if (strlen(name) >= sizeof s->name)
		return lerr(l, l->line, "screen name too long: %s", name);
	if (!name_ok(name))
		return lerr(l, l->line, "%s", "a screen name is made of a-z, 0-9 and _");
	if (menu_screen_by_name(l->d, name) >= 0)
		return lerr(l, l->line, "screen %s defined twice", name);
	if ((k = word_index(kinds, kind)) < 0)
		return lerr(l, l->line, "unknown screen kind %s", kind);
	if (l->d->nscr == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->d->scr = xrealloc(l->d->scr, (size_t)l->cap * sizeof *l->d->scr);
	}
	s = &l->d->scr[l->d->nscr++];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->line = l->line;
	s->kind = (enum menu_kind)k;
	a1 = next_word(&rest);
	a2 = next_word(&rest);
	if (s->kind == MK_LIST) {
		if (a1 == NULL || (k = word_index(sources, a1)) < 0)
			return lerr(l, l->line, "list needs a source (products, listings, ...): %s",
			    a1 ? a1 : "");
		s->src = (enum menu_src)k;
		if (a2 == NULL || (k = word_index(slots, a2)) < 0)
			return lerr(l, l->line, "list needs a slot (product, listing, order, item): %s",
			    a2 ? a2 : "");
		s->slot = (enum menu_slot)k;
	} else if (s->kind == MK_INPUT) {
		if (a1 == NULL || (k = word_index(inputs, a1)) < 0)
			return lerr(l, l->line, "input needs a type (qty, price, ...): %s", a1 ? a1 : "");
		s->input = (enum menu_input)k;
		a1 = NULL;
	} else if (a1 != NULL)
		return lerr(l, l->line, "unexpected %s", a1);
	if (a2 != NULL && s->kind != MK_LIST)
		return lerr(l, l->line, "unexpected %s", a2);
	return 0;
}

/* placeholders_ok: every {name} in text is one render.c knows; braces are
 * no GSM-7 basic characters, so none may stay in a screen. */
static int
placeholders_ok(struct loader *l, const char *text)
{
	static const char *const names[] = {"product", "unit", "per", "qty", "price",
		"total", "warn", "listing", "order", "village", "name", NULL};
	char plain[MENU_SCREEN_MAX + 1], name[16];
	size_t j = 0;

	for (const char *p = text; *p != '\0' && j < MENU_SCREEN_MAX; p++) {
		const char *end;

		if (*p != '{') {
			plain[j++] = *p;
			continue;
		}
		end = strchr(p, '}');
		if (end == NULL || (size_t)(end - p - 1) >= sizeof name)
			return lerr(l, l->line, "%s", "unclosed or too long {placeholder}");
		memcpy(name, p + 1, (size_t)(end - p - 1));
		name[end - p - 1] = '\0';
		if (word_index(names, name) < 0)
			return lerr(l, l->line, "unknown placeholder {%s}", name);
		p = end;
	}
	plain[j] = '\0';
	if (!gsm_plain(plain))
		return lerr(l, l->line, "%s", "text must be plain ASCII without diacritics");
	return 0;
}

static int
do_text(struct loader *l, struct menu_screen *s, const char *text)
{
	size_t have = strlen(s->text);

	if (placeholders_ok(l, text) < 0)
		return -1;
	if (have + (have ? 1 : 0) + strlen(text) > MENU_SCREEN_MAX)
		return lerr(l, l->line, "screen %s: text longer than 160 characters", s->name);
	if (have)
		strcat(s->text, "\n");
	strcat(s->text, text);
	return 0;
}

static int
do_opt(struct loader *l, struct menu_screen *s, char *rest)
{
	char *key = next_word(&rest), *gt = strchr(rest, '>'), *label, *to, *unit;
	struct menu_opt *o;

	if (s->kind != MK_MENU)
		return lerr(l, l->line, "%s", "opt is for menu screens");
	if (key == NULL || gt == NULL)
		return lerr(l, l->line, "%s", "opt needs: opt KEY LABEL > TARGET");
	if (strlen(key) != 1 || key[0] < '1' || key[0] > '8')
		return lerr(l, l->line, "option key must be 1..8 (0 and 9 are taken): %s", key);
	for (int i = 0; i < s->nopt; i++)
		if (strcmp(s->opt[i].key, key) == 0)
			return lerr(l, l->line, "option %s given twice", key);
	*gt = '\0';
	label = trim(rest);
	rest = gt + 1;
	to = next_word(&rest);
	unit = next_word(&rest);
	if (*label == '\0' || strlen(label) >= MENU_LABEL_MAX || !gsm_plain(label))
		return lerr(l, l->line, "option label must be 1..%d plain ASCII characters", MENU_LABEL_MAX - 1);
	if (to == NULL)
		return lerr(l, l->line, "%s", "opt needs a target after >");
	o = &s->opt[s->nopt];
	memset(o, 0, sizeof *o);
	snprintf(o->key, sizeof o->key, "%s", key);
	snprintf(o->label, sizeof o->label, "%s", label);
	o->unit = -1;
	if (parse_target(l, to, &o->to) < 0)
		return -1;
	/* the one setting after the target: unit=U, or urgent on a notice */
	if (unit != NULL && strcmp(unit, "urgent") == 0) {
		if (o->to.action != CMD_BROADCAST)
			return lerr(l, l->line, "%s", "urgent is for an option sending a notice (!BROADCAST)");
		o->to.urgent = true;
	} else if (unit != NULL) {
		if (strncmp(unit, "unit=", 5) != 0 || (o->unit = menu_unit_find(unit + 5)) < 0)
			return lerr(l, l->line, "unknown unit setting %s", unit);
	}
	s->nopt++;
	return 0;
}

static int
do_line(struct loader *l, char *line)
{
	char *rest = line, *kw = next_word(&rest);
	struct menu_screen *s;

	if (kw == NULL || kw[0] == '#')
		return 0;
	if (strcmp(kw, "screen") == 0)
		return do_screen(l, rest);
	if ((s = cur(l)) == NULL)
		return lerr(l, l->line, "%s before the first screen", kw);
	if (strcmp(kw, "text") == 0)
		return do_text(l, s, trim(rest));
	if (strcmp(kw, "opt") == 0)
		return do_opt(l, s, rest);
	if (strcmp(kw, "hint") == 0) {
		rest = trim(rest);
		if (strlen(rest) + 1 > MENU_HINT_ROOM || !gsm_plain(rest))
			return lerr(l, l->line, "hint must be plain ASCII, at most %d characters", MENU_HINT_ROOM - 1);
		snprintf(s->hint, sizeof s->hint, "%s ", rest);
		return 0;
	}
	if (strcmp(kw, "check") == 0) {
		char *w = next_word(&rest);
		int k;

		if (s->kind != MK_LIST && s->kind != MK_INPUT)
			return lerr(l, l->line, "%s", "check is for list or input screens");
		if (w == NULL || (k = word_index(checks, w)) < 0 || next_word(&rest) != NULL)
			return lerr(l, l->line, "check needs one of registered, listing, my_listing, "
			    "my_order, stock, price: %s", w ? w : "");
		s->has_check = true;
		s->check = (enum menu_check)k;
		return 0;
	}
	if (strcmp(kw, "enter") == 0) {
		char *w = next_word(&rest), *gt = next_word(&rest), *to = next_word(&rest);
		int k;

		if (w == NULL || (k = word_index(checks, w)) < 0 || gt == NULL ||
		    strcmp(gt, ">") != 0 || to == NULL || next_word(&rest) != NULL)
			return lerr(l, l->line, "%s", "enter needs: enter CHECK > TARGET");
		if (l->d->nscr == 1)
			return lerr(l, l->line, "%s", "home cannot have enter (nothing to go to)");
		s->has_enter = true;
		s->enter = (enum menu_check)k;
		return parse_target(l, to, &s->enter_to);
	}
	if (strcmp(kw, "next") == 0 || strcmp(kw, "empty") == 0) {
		bool nx = kw[0] == 'n';
		char *w = next_word(&rest);

		if (s->kind != MK_LIST && (s->kind != MK_INPUT || !nx))
			return lerr(l, l->line, "%s is for list or input screens", kw);
		if (w == NULL)
			return lerr(l, l->line, "%s needs a target", kw);
		if (nx)
			s->has_next = true;
		else
			s->has_empty = true;
		return parse_target(l, w, nx ? &s->next : &s->empty);
	}
	return lerr(l, l->line, "unknown keyword %s", kw);
}

static int
resolve(struct loader *l, struct menu_target *t)
{
	if (t->action != CMD_UNKNOWN)
		return 0;
	if ((t->screen = menu_screen_by_name(l->d, t->name)) < 0)
		return lerr(l, t->line, "no screen named %s", t->name);
	return 0;
}

/* check_screens: after the whole file, every target must exist and every
 * screen must have what its kind needs. */
static int
check_screens(struct loader *l)
{
	if (l->d->nscr == 0)
		return lerr(l, l->line, "%s", "no screens");
	if (l->d->scr[0].kind != MK_MENU)
		return lerr(l, l->d->scr[0].line, "%s", "the first screen (home) must be a menu");
	for (int i = 0; i < l->d->nscr; i++) {
		struct menu_screen *s = &l->d->scr[i];

		if (s->kind == MK_MENU && s->nopt == 0)
			return lerr(l, s->line, "menu %s has no options", s->name);
		if ((s->kind == MK_LIST || s->kind == MK_INPUT) && !s->has_next)
			return lerr(l, s->line, "screen %s needs next", s->name);
		if (s->kind == MK_SHOW && s->text[0] != '\0')
			return lerr(l, s->line, "show screen %s takes no text", s->name);
		if (s->kind != MK_SHOW && s->text[0] == '\0')
			return lerr(l, s->line, "screen %s has no text", s->name);
		for (int j = 0; j < s->nopt; j++)
			if (resolve(l, &s->opt[j].to) < 0)
				return -1;
		if ((s->has_next && resolve(l, &s->next) < 0) ||
		    (s->has_empty && resolve(l, &s->empty) < 0) ||
		    (s->has_enter && resolve(l, &s->enter_to) < 0))
			return -1;
	}
	return 0;
}

struct menu_def *
menu_load(const char *path, char *err, size_t errlen)
{
	struct loader l = {path, 0, err, errlen, NULL, 0};
	char line[512];
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open", path);
		return NULL;
	}
	l.d = xcalloc(1, sizeof *l.d);
	while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
		l.line++;
		if (strchr(line, '\n') == NULL && !feof(f))
			rc = lerr(&l, l.line, "%s", "line too long");
		else {
			line[strcspn(line, "\r\n")] = '\0';
			rc = do_line(&l, line);
		}
	}
	fclose(f);
	if (rc == 0)
		rc = check_screens(&l);
	if (rc < 0) {
		menu_free(l.d);
		return NULL;
	}
	return l.d;
}

void
menu_free(struct menu_def *d)
{
	if (d == NULL)
		return;
	free(d->scr);
	free(d);
}

int
menu_screen_count(const struct menu_def *d)
{
	return d->nscr;
}

const char *
menu_strstate(const struct menu_def *d, int screen)
{
	if (screen < 0 || screen >= d->nscr)
		return "?";
	return d->scr[screen].name;
}

int
menu_screen_by_name(const struct menu_def *d, const char *name)
{
	for (int i = 0; i < d->nscr; i++)
		if (strcmp(d->scr[i].name, name) == 0)
			return i;
	return -1;
}
