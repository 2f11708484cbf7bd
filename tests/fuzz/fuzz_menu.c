/*
 * fuzz_menu.c - libFuzzer target for the USSD menu engine (make fuzz-menu).
 * The first byte picks what the rest is:
 *   0..191   a session: conf/menus.conf (loaded once) driven through the
 *            inputs of the rest, one per line, with a fake world whose
 *            lists, labels (GSM-7 with its two-byte and extension
 *            characters), checks and numbers come from the input too;
 *   192..223 a stored session state: decoded, then stepped like the above;
 *   224..255 a menus file: loaded (refused with FILE:LINE or accepted), and
 *            an accepted one driven with a few inputs.
 * After every step: the screen is valid UTF-8, GSM-7, at most
 * MENU_SCREEN_MAX bytes and septets, never empty unless a command; a
 * command is one the menus can give; the state encodes, decodes and
 * encodes again to the same text. tests/unit/test_fuzz_menu.c includes
 * this file to replay tests/fuzz/corpus_menu/ in the normal build.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "menus/menu.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct menu_def *fuzz_menus;
static char fuzz_path[256];

static void
fuzz_free(void)
{
	menu_free(fuzz_menus);
	fuzz_menus = NULL;
	if (fuzz_path[0] != '\0')
		unlink(fuzz_path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];
	const char *tmp = getenv("TMPDIR");

	(void)argc;	/* unused: libFuzzer signature */
	(void)argv;
	fuzz_menus = menu_load("conf/menus.conf", err, sizeof err);
	if (fuzz_menus == NULL) {
		fprintf(stderr, "fuzz_menu: %s (run from the repository root)\n", err);
		abort();
	}
	snprintf(fuzz_path, sizeof fuzz_path, "%s/fuzz_menu_%ld.conf", tmp ? tmp : "/tmp",
	    (long)getpid());
	atexit(fuzz_free);
	return 0;
}

static void
check(int ok, const char *what, const struct menu_out *o)
{
	if (!ok) {
		fprintf(stderr, "fuzz_menu: invariant broken: %s\n", what);
		if (o != NULL)
			fprintf(stderr, "screen:\n%s\n", o->screen);
		abort();
	}
}

/* ---- the fake world: everything the caller would say, from the input ---- */

struct world {
	const uint8_t *seed;		/* bytes the data is made of */
	size_t nseed;
	int items;			/* per list, 0..MENU_ITEMS_MAX */
	unsigned flags;
	char text[3][900];		/* the notices' text */
};

/* GSM-7 as gsm_clean leaves it: ASCII, two-byte characters of the basic
 * set, and extension characters (two septets; '€' is three bytes) */
static const char *const alphabet[] = {
	"a", "b", " ", "1", "#", "x", "Z", ".", "\xc2\xa3", "\xc3\xa8", "\xce\x94", "\xc3\x9c",
	"[", "]", "~", "\xe2\x82\xac", "^", "{", "|", "\n", "9", "0", "\xc2\xa5", "\xc3\xa9",
};

/* amount: a price or stock from a byte, the edges included */
static long long
amount(uint8_t b)
{
	static const long long v[] = {0, 1, 2, 999, 1000, 45000, 500000, 1000000000LL,
		1000000000000LL, 4000000000000000000LL, LLONG_MAX / 1000, LLONG_MAX};

	return b < 12 ? v[b] : (long long)b * (b % 7 == 0 ? 1000000007LL : 1000LL);
}

static uint8_t
seed_at(const struct world *w, size_t i)
{
	return w->nseed > 0 ? w->seed[i % w->nseed] : (uint8_t)i;
}

/* gsm_text writes about n characters of GSM-7 made of seed bytes from k */
static void
gsm_text(const struct world *w, size_t k, size_t n, char *out, size_t outlen)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		const char *c = alphabet[seed_at(w, k + i) % (sizeof alphabet / sizeof alphabet[0])];
		size_t cl = strlen(c);

		if (j + cl + 1 > outlen)
			break;
		memcpy(out + j, c, cl);
		j += cl;
	}
	out[j] = '\0';
}

static int
fake_fetch(void *arg, enum menu_src src, const struct menu_vals *v, struct menu_item *out,
    int max, int *n)
{
	struct world *w = arg;
	int count = w->items;

	(void)v;
	if (src == MENU_SRC_BROADCASTS && count > 3)
		count = 3;
	if ((w->flags & 1u) && src == MENU_SRC_MY_ORDERS)
		return -1;	/* a read error now and then */
	for (int i = 0; i < count && i < max; i++) {
		struct menu_item *it = &out[i];
		size_t k = (size_t)i * 7 + (size_t)src * 131;

		memset(it, 0, sizeof *it);
		it->id = (long long)seed_at(w, k) * 1000003LL + i + 1;
		gsm_text(w, k, seed_at(w, k + 1) % 70, it->label, sizeof it->label);
		snprintf(it->key, sizeof it->key, "p%d", i);
		snprintf(it->unit, sizeof it->unit, "%s", seed_at(w, k + 2) % 2 ? "kg" : "con");
		it->kinds = seed_at(w, k + 3) % 8;
		it->price = amount(seed_at(w, k + 4) % 40);
		it->left = amount(seed_at(w, k + 6) % 40);
		if (src == MENU_SRC_BROADCASTS) {
			snprintf(it->when, sizeof it->when, "%02u/%02u", (unsigned)(i % 28 + 1),
			    (unsigned)(seed_at(w, k) % 12 + 1));
			it->text = w->text[i];
		}
	}
	*n = count < max ? count : max;
	return 0;
}

static int
fake_check(void *arg, enum menu_check what, struct menu_vals *v, char *why, size_t n)
{
	struct world *w = arg;
	uint8_t b = seed_at(w, (size_t)what * 17 + (size_t)(v->qty & 0xff));

	if ((w->flags & 2u) && b % 5 == 0)
		return -1;
	if (what == MENU_CHECK_PRICE) {
		v->price_check = b % 3 - 1;
		return 0;
	}
	if (what == MENU_CHECK_LISTING) {
		snprintf(v->unit, sizeof v->unit, "%s", b % 2 ? "kg" : "buong");
		v->price = amount(b % 40);
		v->left = amount((uint8_t)(b / 3) % 40);
		gsm_text(w, b, b % 50, v->product_label, sizeof v->product_label);
	}
	if (b % 3 == 0) {
		gsm_text(w, (size_t)b * 3, b % 90, why, n);	/* longer than n too */
		return 1;
	}
	return 0;
}

/* ---- one run ---- */

static void
step_checked(const struct menu_def *d, struct menu_sess *s, const char *in,
    const struct menu_io *io)
{
	static struct menu_out o;
	static char enc[MENU_STATE_MAX], enc2[MENU_STATE_MAX];
	struct menu_sess back;
	size_t len;
	int rc = menu_step(d, s, in, io, &o);

	if (rc < 0)
		return;		/* a read error: nothing to show */
	len = strlen(o.screen);
	check(o.result == MENU_CONTINUE || o.result == MENU_END || o.result == MENU_COMMAND,
	    "result", &o);
	if (o.result == MENU_COMMAND) {
		check(o.cmd.action > CMD_UNKNOWN && o.cmd.action < CMD__COUNT, "command", &o);
		check(!o.cmd.has_qty || o.cmd.qty.amount > 0, "command quantity", &o);
	} else
		check(len > 0, "screen not empty", &o);
	check(len <= MENU_SCREEN_MAX, "screen at most 160 bytes", &o);
	check(utf8_is_valid(o.screen, len), "screen is valid UTF-8", &o);
	check(len == 0 || sms_coding_of(o.screen) == SMS_GSM7, "screen is GSM-7", &o);
	check(sms_length(o.screen, SMS_GSM7) <= MENU_SCREEN_MAX, "screen at most 160 septets", &o);
	check(s->screen >= 0 && s->screen < menu_screen_count(d), "screen number", &o);
	check(s->depth >= 0 && s->depth <= MENU_DEPTH, "depth", &o);
	if (menu_sess_encode(d, s, enc, sizeof enc) == 0) {
		check(menu_sess_decode(d, enc, &back) == 0, "an encoded state decodes", &o);
		check(menu_sess_encode(d, &back, enc2, sizeof enc2) == 0 && strcmp(enc, enc2) == 0,
		    "encode, decode, encode is stable", &o);
	}
}

/* drive: the inputs of text, one per line ('*' too, as a POST history) */
static void
drive(const struct menu_def *d, struct menu_sess *s, const struct menu_io *io, char *text,
    int max_steps)
{
	char *save = NULL, *in;
	int n = 0;

	for (in = strtok_r(text, "\n*", &save); in != NULL && n < max_steps;
	    in = strtok_r(NULL, "\n*", &save), n++)
		step_checked(d, s, in, io);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	static char text[4096];
	struct menu_io io = {fake_fetch, NULL, &w, fake_check};
	struct menu_sess s;
	struct menu_out o;
	uint8_t mode;

	if (fuzz_menus == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size < 3 || size > sizeof text - 1)
		return 0;
	mode = data[0];
	memset(&w, 0, sizeof w);
	w.items = data[1] % (MENU_ITEMS_MAX + 1);
	w.flags = data[2] & 3u;
	w.seed = data + 3;
	w.nseed = size - 3;
	for (int i = 0; i < 3; i++)
		gsm_text(&w, (size_t)i * 101, (size_t)seed_at(&w, (size_t)i) * 3, w.text[i],
		    sizeof w.text[i]);
	memcpy(text, data + 3, size - 3);
	text[size - 3] = '\0';
	if (mode < 192) {
		check(menu_start(fuzz_menus, &s, &io, &o) == 0 || (w.flags & 1u), "start", &o);
		drive(fuzz_menus, &s, &io, text, 64);
	} else if (mode < 224) {
		char *nl = strchr(text, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (menu_sess_decode(fuzz_menus, text, &s) == 0) {
			check(menu_render(fuzz_menus, &s, &io, &o) == 0 || w.flags != 0, "render", &o);
			menu_offer_resume(fuzz_menus, &s, &io, &o);
			if (nl != NULL)
				drive(fuzz_menus, &s, &io, nl + 1, 16);
		}
	} else {
		char err[512];
		FILE *f = fopen(fuzz_path, "w");
		struct menu_def *d;

		check(f != NULL, "temporary file", NULL);
		fwrite(data + 3, 1, size - 3, f);
		fclose(f);
		err[0] = '\0';
		d = menu_load(fuzz_path, err, sizeof err);
		if (d == NULL)
			check(strncmp(err, fuzz_path, strlen(fuzz_path)) == 0, "errors say FILE:", NULL);
		else {
			static char inputs[] = "1\n2\n1\n9\n1\n0\n3\n1\n50\n30\n1\n00\n4\n1\n1";

			check(menu_start(d, &s, &io, &o) == 0 || w.flags != 0, "start", &o);
			memcpy(text, inputs, sizeof inputs);
			drive(d, &s, &io, text, 64);
			menu_free(d);
		}
	}
	return 0;
}
