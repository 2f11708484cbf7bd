/*
 * The SMS command language (docs: commands.md): every line of
 * tests/parser/cases.txt, plus the lexicon loader's errors, parser_fold, and
 * the rule that a message matching no command is UNKNOWN, never an action.
 */
#include "tests/t.h"
#include "parser/parser.h"

#include <stdbool.h>

#define CASES "tests/parser/cases.txt"
#define LEXICON "conf/lexicon.conf"

static struct parser *
load(void)
{
	char err[512];
	struct parser *p = parser_new(LEXICON, err, sizeof err);

	T_ASSERTF(p != NULL, "parser_new: %s", err);
	return p;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* unescape: \n \t \r \\ \xNN in a case's input (see cases.txt header). */
static size_t
unescape(const char *s, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			out[o++] = s[i];
			continue;
		}
		i++;
		switch (s[i]) {
		case 'n': out[o++] = '\n'; break;
		case 't': out[o++] = '\t'; break;
		case 'r': out[o++] = '\r'; break;
		case '\\': out[o++] = '\\'; break;
		case 'x':
			if (i + 2 < n + 0 && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
				out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
				i += 2;
				break;
			}
			out[o++] = '\\';
			out[o++] = 'x';
			break;
		default:
			out[o++] = '\\';
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return o;
}

static void
cases_file(void)
{
	static char line[16384], in[16384], got[16384];
	struct parser *p = load();
	struct command c;
	FILE *fp = fopen(CASES, "r");
	int lineno = 0, n = 0, failed = 0;

	T_ASSERTF(fp != NULL, "cannot open %s (run from the repository root)", CASES);
	while (fgets(line, sizeof line, fp) != NULL) {
		char *tab, *want;
		size_t len = strcspn(line, "\n");

		lineno++;
		line[len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		tab = strchr(line, '\t');
		T_ASSERTF(tab != NULL, "%s:%d: no TAB between input and JSON", CASES, lineno);
		want = tab + 1;
		len = unescape(line, (size_t)(tab - line), in);
		T_ASSERT(parser_parse(p, in, len, &c) == 0);
		T_ASSERT(command_to_json(&c, got, sizeof got) == 0);
		n++;
		if (strcmp(got, want) != 0) {
			failed++;
			fprintf(stderr, "%s:%d: FAIL\n  input:    %.*s\n  got:      %s\n  expected: %s\n",
			    CASES, lineno, (int)(tab - line), line, got, want);
		}
	}
	fclose(fp);
	parser_free(p);
	printf("# %d cases, %d failed\n", n, failed);
	T_ASSERTF(failed == 0, "%d of %d cases failed", failed, n);
	T_ASSERTF(n >= 300, "only %d cases", n);
}

/* write_lexicon puts text into the case's temp dir and returns the path. */
static const char *
write_lexicon(const char *text)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/lexicon.conf", t_tmpdir());
	fp = fopen(path, "w");
	T_ASSERT(fp != NULL);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void
bad_lexicon(void)
{
	static const struct {
		const char *text;
		int line;
		const char *msg;
	} rows[] = {
		{"na = Na ; kg 10k-120k\nhong = Hồng ; kg 80k-8k\n", 2, "range LO is above HI"},
		{"# c\n\nna = Na\nna = Na\n", 4, "duplicate product"},
		{"na = Na\nhong = Hồng ; alias NA\n", 2, "alias already names another product"},
		{"na = Na\nxoai/cat ; kg 1-2\n", 2, "variety of an unknown product"},
		{"Na = Na\n", 1, "bad key"},
		{"na =\n", 1, "missing or bad display name"},
		{"na = Na ; colour green\n", 1, "unknown field"},
		{"na = Na ; kg 20000\n", 1, "range must be LO-HI"},
		{"na = Na ; kg x-20\n", 1, "bad price in range"},
		{"na Na\n", 1, "expected KEY = Display name"},
		{"na = Na\nna/dai\n", 2, "variety without a range"},
	};
	char err[512], want[600];

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *path = write_lexicon(rows[i].text);
		struct parser *p = parser_new(path, err, sizeof err);

		T_ASSERTF(p == NULL, "row %zu accepted", i);
		snprintf(want, sizeof want, "%s:%d: %s", path, rows[i].line, rows[i].msg);
		T_ASSERTF(strncmp(err, want, strlen(want)) == 0, "row %zu: got \"%s\", want \"%s...\"",
		    i, err, want);
	}
	T_ASSERT(parser_new("/nonexistent/lexicon.conf", err, sizeof err) == NULL);
	T_ASSERT(strncmp(err, "/nonexistent/lexicon.conf: ", 27) == 0);
	T_ASSERT(parser_new(write_lexicon("# nothing\n"), err, sizeof err) == NULL);
}

static void
good_small_lexicon(void)
{
	char err[512], json[1024];
	struct command c;
	struct parser *p = parser_new(write_lexicon("xoai = Xoài ; alias XOAI CAT ; kg 20k-60k\n"),
	    err, sizeof err);

	T_ASSERTF(p != NULL, "%s", err);
	T_STREQ(parser_product_display(p, "xoai"), "Xoài");
	T_ASSERT(parser_product_display(p, "na") == NULL);
	parser_parse(p, "BAN XOAI CAT HOA LOC 20KG 90K", 29, &c);
	command_to_json(&c, json, sizeof json);
	T_STREQ(json, "{\"action\":\"LIST\",\"product\":\"xoai\",\"variety\":\"hoa loc\","
	    "\"qty\":{\"amount\":20000,\"unit\":\"g\"},\"price\":{\"vnd\":90000,\"per\":\"kg\"},"
	    "\"check\":\"price\"}");
	parser_free(p);
}

static void
fold(void)
{
	static const struct { const char *in, *want; } rows[] = {
		{"Bán  na 50kg, 30.000đ!", "BAN NA 50KG 30.000D"},
		{"Ｂａｎ ｎａ", "BAN NA"},
		{"BA'N na", "BAN NA"},
		{"Ba\xcc\x81n na", "BAN NA"},		/* NFD: a + U+0301 */
		{"ĐĂNG KÝ", "DANG KY"},
		{"gia 2,5 va 1.500.000", "GIA 2,5 VA 1.500.000"},
		{"?", "?"},
		{" ??? ", "?"},
		{"HD?", "HD"},
		{"mua #123 /kg", "MUA #123 /KG"},
		{"na\U0001F600ngon\n\tok", "NA NGON OK"},
		{"", ""},
		{"a.b c. d", "AB C D"},
		{"x\xff y", "X Y"},
	};
	char out[256];

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		size_t n = parser_fold(rows[i].in, strlen(rows[i].in), out, sizeof out);

		T_STREQ(out, rows[i].want);
		T_ASSERT(n == strlen(rows[i].want));
	}
	T_ASSERT(parser_fold("BAN NA 50KG", 11, out, 5) == 4);
	T_STREQ(out, "BAN ");
}

/*
 * Free sentences, spam and junk that match no command shape must come out
 * UNKNOWN: the parser never guesses an action.
 */
static void
never_guesses(void)
{
	static const char *msgs[] = {
		"Co", "co khong", "Nhan duoc roi", "khong biet", "Dong y nhe",
		"tu choi nhan tin quang cao", "Ban co nha khong?", "ban oi mai gap nhe",
		"Chao anh", "[QC] Khuyen mai 50% the nap", "*101#", "alo alo",
		"DK roi nhe", "dk a", "Cam on nhieu", "1234", "!!!", "",
		"Chuc mung ban da trung thuong 100 trieu",
	};
	struct parser *p = load();
	struct command c;

	for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
		T_ASSERT(parser_parse(p, msgs[i], strlen(msgs[i]), &c) == 0);
		T_ASSERTF(c.action == CMD_UNKNOWN, "\"%s\" read as %s", msgs[i],
		    cmd_action_name(c.action));
		T_ASSERTF(c.contact[0] == '\0', "\"%s\": UNKNOWN with a contact", msgs[i]);
	}
	parser_free(p);
}

static void
api_edges(void)
{
	struct parser *p = load();
	struct command c;
	char small[8];

	T_ASSERT(parser_parse(NULL, "HD", 2, &c) == -1);
	T_ASSERT(parser_parse(p, NULL, 0, &c) == 0);
	T_ASSERT(c.action == CMD_UNKNOWN);
	T_ASSERT(parser_parse(p, "OK 45", 5, &c) == 0);
	T_ASSERT(command_to_json(&c, small, sizeof small) == -1);
	T_STREQ(cmd_action_name(CMD_CANCEL_ORDER), "CANCEL_ORDER");
	T_STREQ(cmd_action_name(CMD__COUNT), "UNKNOWN");
	/* len, not NUL, ends the message */
	T_ASSERT(parser_parse(p, "OK 45 tam biet", 5, &c) == 0);
	T_ASSERT(c.order == 45 && c.note[0] == '\0');
	T_STREQ(parser_product_display(p, "thach den"), "Thạch đen");
	T_STREQ(parser_product_display(p, "hoi"), "Hồi");
	parser_free(p);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"cases_file", cases_file},
		{"bad_lexicon", bad_lexicon},
		{"good_small_lexicon", good_small_lexicon},
		{"fold", fold},
		{"never_guesses", never_guesses},
		{"api_edges", api_edges},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
