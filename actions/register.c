/*
 * register.c - who a phone is: DK (register a household in a village, by
 * code or by the village's name among those the operator imported; a
 * registered household's change waits for DK OK), HUY DK (leave the
 * village), NGUNG and TIEP (opt out of and back into ordinary notices and
 * alerts). Villages and roles come from the operator's import, never from
 * an SMS (commands.md §7).
 */
#include "actions/actions_int.h"
#include "storage/store.h"
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* A DK text is one SMS: 160 words is more than any message can hold with
 * the spaces between them; longer texts are read up to there. */
#define MAX_WORDS 160
#define MAX_CANDIDATES 4

struct words {
	int n;
	char orig[MAX_WORDS][96];	/* the sender's word, edge punctuation cut */
	char fold[MAX_WORDS][96];	/* folded for matching */
	bool used[MAX_WORDS];		/* part of the village, commune or a filler */
};

static bool
is_edge_punct(unsigned char ch)
{
	return ch < 0x80 && ch != '#' && !(ch >= '0' && ch <= '9') &&
	    !((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

static void
split_words(const char *text, struct words *w)
{
	static const char seps[] = " \t\n\r,";
	char *copy = xstrdup(text), *save = NULL;

	w->n = 0;
	for (char *tok = strtok_r(copy, seps, &save); tok != NULL && w->n < MAX_WORDS;
	    tok = strtok_r(NULL, seps, &save)) {
		char word[sizeof w->orig[0]];
		size_t len, start = 0;

		str_copy(word, sizeof word, tok);	/* a long word: cut at a character boundary */
		len = strlen(word);
		while (start < len && is_edge_punct((unsigned char)word[start]))
			start++;
		while (len > start && is_edge_punct((unsigned char)word[len - 1]))
			len--;
		if (len == start)
			continue;
		word[len] = '\0';
		str_copy(w->orig[w->n], sizeof w->orig[0], word + start);
		parser_fold(w->orig[w->n], strlen(w->orig[w->n]), w->fold[w->n], sizeof w->fold[0]);
		w->used[w->n] = false;
		w->n++;
	}
	free(copy);
}

/* find_seq looks for the folded name (space-separated words) as a run of
 * whole words; returns the first index or -1, and its length in *len. */
static int
find_seq(const struct words *w, const char *name, int *len)
{
	char folded[256], *tok[32], *save = NULL;
	int n = 0;

	parser_fold(name, strlen(name), folded, sizeof folded);
	for (char *t = strtok_r(folded, " ", &save); t && n < 32; t = strtok_r(NULL, " ", &save))
		tok[n++] = t;
	if (n == 0)
		return -1;
	for (int i = 0; i + n <= w->n; i++) {
		int k = 0;

		while (k < n && strcmp(w->fold[i + k], tok[k]) == 0)
			k++;
		if (k == n) {
			*len = n;
			return i;
		}
	}
	return -1;
}

struct match_ctx {
	const struct words *w;
	int best_len;
	int n;
	struct village cand[MAX_CANDIDATES];
	int at[MAX_CANDIDATES];
	bool commune_named[MAX_CANDIDATES];
};

static int
match_village(const struct village *v, void *arg)
{
	struct match_ctx *m = arg;
	int len = 0, at = find_seq(m->w, v->name, &len), clen;

	if (at < 0 || len < m->best_len)
		return 0;
	if (len > m->best_len) {
		m->best_len = len;
		m->n = 0;
	}
	if (m->n == MAX_CANDIDATES)
		return 0;
	m->cand[m->n] = *v;
	m->at[m->n] = at;
	m->commune_named[m->n] = find_seq(m->w, v->commune, &clen) >= 0;
	m->n++;
	return 0;
}

static void
mark(struct words *w, int at, int len)
{
	for (int i = at; i < at + len && i < w->n; i++)
		w->used[i] = true;
}

/* name_from_rest joins the words that are neither place nor filler. */
static void
name_from_rest(struct words *w, char *name, size_t len)
{
	static const char *fillers[] = {"THON", "BAN", "XA", "TEN"};
	char joined[MAX_WORDS * sizeof w->orig[0]];
	size_t o = 0;

	for (int i = 0; i < w->n; i++) {
		for (size_t f = 0; f < sizeof fillers / sizeof fillers[0]; f++)
			if (strcmp(w->fold[i], fillers[f]) == 0)
				w->used[i] = true;
		if (i + 1 < w->n && strcmp(w->fold[i], "NONG") == 0 && strcmp(w->fold[i + 1], "DAN") == 0)
			w->used[i] = w->used[i + 1] = true;
	}
	for (int i = 0; i < w->n; i++) {
		if (w->used[i])
			continue;
		/* every word and its space fit: the buffer holds all of them */
		o += (size_t)snprintf(joined + o, sizeof joined - o, "%s%s", o ? " " : "", w->orig[i]);
	}
	joined[o] = '\0';
	str_copy(name, len, joined);	/* cut at a character boundary */
}

/* Roles (head, official, helper) and their villages are the operator's
 * (commands.md §7): an SMS never gives, takes or moves them. */
static bool
is_operator_role(const char *role)
{
	return role[0] != '\0' && strcmp(role, "household") != 0;
}

/* role_name: a role in words; out holds ROLE_NAME bytes */
#define ROLE_NAME 64
static const char *
role_name(const char *role, char *out, size_t len)
{
	if (strcmp(role, "head") == 0)
		return rpl_role_head(out, len);
	if (strcmp(role, "official") == 0)
		return rpl_role_official(out, len);
	return rpl_role_helper(out, len);
}

/* refuse_role_move answers a head, official or helper whose DK names
 * another village: moving them would move what their notices reach. */
static int
refuse_role_move(struct actions *a, const struct person *old, struct act_reply *r)
{
	struct village own;
	char role[ROLE_NAME];
	int rc = old->village_code[0] ? store_village_by_code(a->s, old->village_code, &own) : STORE_NONE;

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_OK)
		rpl_reg_role_move(RPL_TO(r), role_name(old->role, role, sizeof role), own.name, own.code,
		    own.commune);
	else
		rpl_reg_role_move_nowhere(RPL_TO(r), role_name(old->role, role, sizeof role));
	return 0;
}

/*
 * title_case writes a name as names are written, whatever the phone typed
 * ("be van lam", "NÔNG THỊ MAI" -> "Be Van Lam", "Nông Thị Mai"): the first
 * letter of each word in title case, the others lower case, by Unicode
 * code point (Đ/đ, Ư/ư and precomposed vowels included). Whole characters
 * only, so a cut at outlen lands on a boundary; text that is not valid
 * UTF-8 is copied as it is (str_copy).
 */
static void
title_case(const char *in, char *out, size_t outlen)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(in);
	size_t o = 0;
	bool word_start = true;

	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp), e;

		if (n <= 0) {
			str_copy(out, outlen, in);
			return;
		}
		e = utf8proc_encode_char(word_start ? utf8proc_totitle(cp) : utf8proc_tolower(cp), enc);
		if (o + (size_t)e + 1 > outlen)
			break;
		memcpy(out + o, enc, (size_t)e);
		o += (size_t)e;
		word_start = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
		p += n;
		left -= n;
	}
	if (outlen > 0)
		out[o < outlen ? o : outlen - 1] = '\0';
}

/* A DK OK must come within this long of the DK that asked (commands.md §7). */
#define DK_CONFIRM_SECONDS (24 * 60 * 60)

/* write_person stores the registration; the role stays what the operator
 * gave (DK never changes one). */
static int
write_person(struct actions *a, const struct mo *m, const struct village *v, const char *name,
    const char *role, bool change, struct act_reply *r)
{
	struct person p;
	bool changed;

	memset(&p, 0, sizeof p);
	snprintf(p.phone, sizeof p.phone, "%s", m->phone);
	str_copy(p.name, sizeof p.name, name);
	snprintf(p.village_code, sizeof p.village_code, "%s", v->code);
	snprintf(p.role, sizeof p.role, "%s", role[0] ? role : "household");
	if (store_person_upsert(a->s, &p, &changed) != STORE_OK)
		return -1;
	if (change)
		rpl_reg_changed(RPL_TO(r), p.name, v->name, v->commune);
	else
		rpl_reg_done(RPL_TO(r), p.name, v->name, v->commune);
	return 0;
}

/* ask_confirm keeps the change a registered household asked for and tells
 * it what is registered now: a DK typed for a neighbour, or a wrong code,
 * must not silently move or rename a household. */
static int
ask_confirm(struct actions *a, const struct mo *m, const struct person *old,
    const struct village *v, const char *name, struct act_reply *r)
{
	struct pending_reg pr;
	struct village cur;
	int rc = store_village_by_code(a->s, old->village_code, &cur);

	if (rc == STORE_ERR)
		return -1;
	memset(&pr, 0, sizeof pr);
	snprintf(pr.village_code, sizeof pr.village_code, "%s", v->code);
	str_copy(pr.name, sizeof pr.name, name);
	pr.created_at = act_now(a);
	if (store_pending_reg_set(a->s, m->phone, &pr) != STORE_OK)
		return -1;
	rpl_reg_confirm(RPL_TO(r), old->name, rc == STORE_OK ? cur.name : old->village_code, pr.name,
	    v->name);
	return 0;
}

static int
save_person(struct actions *a, const struct mo *m, const struct village *v,
    const char *name, struct act_reply *r)
{
	struct person old;
	char cut[sizeof old.name];
	int rc = store_person_by_phone(a->s, m->phone, &old);

	if (rc == STORE_ERR)
		return -1;
	title_case(name, cut, sizeof cut);	/* as it is stored */
	if (rc == STORE_NONE)
		return write_person(a, m, v, cut, "", false, r);
	if (is_operator_role(old.role) && strcmp(old.village_code, v->code) != 0)
		return refuse_role_move(a, &old, r);
	if (old.village_code[0] != '\0' &&
	    (strcmp(old.village_code, v->code) != 0 || strcmp(old.name, cut) != 0))
		return ask_confirm(a, m, &old, v, cut, r);
	/* a new registration, or the same one again: nothing waits any more */
	if (store_pending_reg_delete(a->s, m->phone) != STORE_OK)
		return -1;
	return write_person(a, m, v, cut, old.role, false, r);
}

/* confirm_change is DK OK: applies the change waiting for this phone. */
static int
confirm_change(struct actions *a, const struct mo *m, struct act_reply *r)
{
	struct pending_reg pr;
	struct person old;
	struct village v;
	int rc = store_pending_reg_get(a->s, m->phone, &pr);

	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_OK && act_now(a) - pr.created_at > DK_CONFIRM_SECONDS) {
		if (store_pending_reg_delete(a->s, m->phone) != STORE_OK)
			return -1;
		rpl_reg_confirm_late(RPL_TO(r));
		return 0;
	}
	if (rc == STORE_OK)
		rc = store_village_by_code(a->s, pr.village_code, &v);
	if (rc == STORE_OK)
		rc = store_person_by_phone(a->s, m->phone, &old);
	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE) {
		rpl_reg_confirm_none(RPL_TO(r));
		return 0;
	}
	if (store_pending_reg_delete(a->s, m->phone) != STORE_OK)
		return -1;
	/* the operator may have given a role since the DK asked */
	if (is_operator_role(old.role) && strcmp(old.village_code, v.code) != 0)
		return refuse_role_move(a, &old, r);
	return write_person(a, m, &v, pr.name, old.role, true, r);
}

static int
register_by_name(struct actions *a, const struct mo *m, const char *text, struct act_reply *r)
{
	struct words *w = xmalloc(sizeof *w);
	struct match_ctx ctx;
	char name[128];
	int pick = -1, rc = 0;

	split_words(text, w);
	memset(&ctx, 0, sizeof ctx);
	ctx.w = w;
	if (store_village_each(a->s, match_village, &ctx) == STORE_ERR) {
		free(w);
		return -1;
	}
	if (ctx.n == 1) {
		pick = 0;
	} else {
		for (int i = 0; i < ctx.n; i++)
			if (ctx.commune_named[i])
				pick = pick == -1 ? i : -2;
	}
	if (ctx.n == 0) {
		rpl_reg_no_village_named(RPL_TO(r));
	} else if (pick < 0) {
		char list[400] = "";
		size_t o = 0;

		for (int i = 0; i < ctx.n && o < sizeof list; i++)
			o += strlen(rpl_reg_village_item(list + o, sizeof list - o, i ? ", " : "",
			    ctx.cand[i].code, ctx.cand[i].commune));
		rpl_reg_villages(RPL_TO(r), ctx.n, ctx.cand[0].name, list);
	} else {
		int clen = 0, cat;

		mark(w, ctx.at[pick], ctx.best_len);
		if ((cat = find_seq(w, ctx.cand[pick].commune, &clen)) >= 0)
			mark(w, cat, clen);
		name_from_rest(w, name, sizeof name);
		if (name[0] == '\0')
			rpl_reg_missing_name(RPL_TO(r), ctx.cand[pick].code);
		else
			rc = save_person(a, m, &ctx.cand[pick], name, r);
	}
	free(w);
	return rc;
}

int
act_register(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct village v;
	int rc;

	if (c->confirm)
		return confirm_change(a, m, r);
	if (c->village[0] == '\0')
		return register_by_name(a, m, c->text, r);
	rc = store_village_by_code(a->s, c->village, &v);
	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_NONE) {
		rpl_reg_no_village(RPL_TO(r), c->village);
		return 0;
	}
	return save_person(a, m, &v, c->name, r);
}

int
act_stop(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	(void)c;
	if (store_person_set_opted_out(a->s, m->phone, true) != STORE_OK)
		return -1;
	rpl_stop_done(RPL_TO(r));
	return 0;
}

/* close_all_listings cancels every open listing of seller_id, and the
 * orders waiting on them (their buyers are told); *n counts the listings. */
static int
close_all_listings(struct actions *a, struct act_reply *r, long long seller_id, int *n)
{
	enum { BATCH = 16 };
	struct listing *l = xmalloc(BATCH * sizeof *l);
	int got = 0, rc = 0;

	*n = 0;
	/* each pass closes what it found, so the next finds the rest */
	do {
		if (store_listing_mine(a->s, seller_id, BATCH, l, &got) != STORE_OK) {
			rc = -1;
			break;
		}
		for (int i = 0; i < got && rc == 0; i++) {
			int orders = 0;

			if (store_listing_close(a->s, l[i].id, "cancelled", act_now(a)) == STORE_ERR ||
			    mk_close_orders(a, r, &l[i], "cancelled", &orders) < 0)
				rc = -1;
			else
				(*n)++;
		}
	} while (rc == 0 && got == BATCH);
	free(l);
	return rc;
}

int
act_unregister(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	struct person p;
	struct village v;
	int rc = store_person_by_phone(a->s, m->phone, &p), closed = 0;

	(void)c;
	if (rc == STORE_ERR)
		return -1;
	if (rc == STORE_OK && is_operator_role(p.role)) {
		char role[ROLE_NAME];

		rpl_unreg_role(RPL_TO(r), role_name(p.role, role, sizeof role));
		return 0;
	}
	if (rc == STORE_NONE || p.village_code[0] == '\0') {
		rpl_unreg_none(RPL_TO(r));
		return 0;
	}
	if ((rc = store_village_by_code(a->s, p.village_code, &v)) == STORE_ERR)
		return -1;
	if (rc == STORE_NONE)
		str_copy(v.name, sizeof v.name, p.village_code);
	if (close_all_listings(a, r, p.id, &closed) < 0 ||
	    store_person_unregister(a->s, m->phone, act_now(a)) == STORE_ERR)
		return -1;
	if (closed > 0)
		rpl_unreg_done_closed(RPL_TO(r), v.name, closed);
	else
		rpl_unreg_done(RPL_TO(r), v.name);
	return 0;
}

int
act_resume(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	(void)c;
	if (store_person_set_opted_out(a->s, m->phone, false) != STORE_OK)
		return -1;
	rpl_resume_done(RPL_TO(r));
	return 0;
}

void
act_name_case(const char *in, char *out, size_t outlen)
{
	title_case(in, out, outlen);
}
