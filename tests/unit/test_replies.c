/*
 * The catalogue of replies (actions/replies.def, issue 16): every entry is
 * rendered with its longest realistic sample values, as the phone gets it
 * without diacritics (GSM-7) and with them (UCS-2), and must fit its budget
 * in SMS parts; the common replies fit one SMS without diacritics. The
 * samples are checked to be no shorter than the lexicon's and the demo
 * data's longest names.
 */
#define RPL_KEEP_SAMPLES
#include "actions/replies.h"
#include "common/common.h"
#include "parser/parser.h"
#include "tests/fixture.h"
#include "tests/t.h"

#include <stdbool.h>

/* the replies langso itself sends, as act_reply_finish sends them */
#define RPL_BUF_MAX 2048

struct rendered {
	char with[RPL_BUF_MAX];		/* reply_diacritics = true */
	char plain[RPL_BUF_MAX];	/* the default */
};

/* render writes entry id with its sample arguments (the sample column). */
static void
render(enum rpl_id id, struct rendered *out)
{
	char rpl_buf[RPL_BUF_MAX];

	rpl_buf[0] = '\0';
	switch (id) {
#define R(name, parts, params, sample, ...) case RPL_##name: rpl_##name sample; break;
#include "actions/replies.def"
#undef R
	case RPL__COUNT:
		break;
	}
	str_copy(out->with, sizeof out->with, rpl_buf);
	if (text_strip_diacritics(rpl_buf, out->plain, sizeof out->plain) != 0)
		out->plain[0] = '\0';
}

/* parts_of: SMS parts the text takes in the coding it would be sent in */
static int
parts_of(const char *text)
{
	return sms_segments(text);
}

/*
 * ucs2_budget: a budget is written in GSM-7 parts (the default, without
 * diacritics); with diacritics the same characters are UCS-2, 70 to a
 * single part and 67 to a part of a long one, so a reply may take the
 * UCS-2 parts that the characters of its GSM-7 budget need: 1 -> 3 (160
 * characters), 2 -> 5 (306), 3 -> 7 (459).
 */
static int
ucs2_budget(int parts)
{
	size_t chars = sms_max_length(parts, SMS_GSM7);

	return chars <= 70 ? 1 : (int)((chars + 66) / 67);
}

static void
every_reply_fits_its_budget(void)
{
	char report[8192] = "";
	size_t o = 0;
	int bad = 0;

	for (int i = 0; i < RPL__COUNT; i++) {
		const struct rpl_entry *e = &rpl_table[i];
		struct rendered *r = malloc(sizeof *r);
		int plain, with;

		T_ASSERT(r != NULL);
		render((enum rpl_id)i, r);
		T_ASSERTF(r->with[0] != '\0' && utf8_is_valid(r->with, strlen(r->with)),
		    "%s renders nothing or bad UTF-8", e->name);
		T_ASSERTF(sms_coding_of(r->plain) == SMS_GSM7, "%s without diacritics is not GSM-7: %s",
		    e->name, r->plain);
		plain = parts_of(r->plain);
		with = parts_of(r->with);
		/* a piece is measured inside the replies it is part of */
		if (e->parts > 0 && (plain > e->parts || with > ucs2_budget(e->parts))) {
			bad++;
			if (o < sizeof report)
				o += (size_t)snprintf(report + o, sizeof report - o,
				    "\n  %s: budget %d, %d part(s) plain (%zu chars), %d with diacritics: %s",
				    e->name, e->parts, plain, sms_length(r->plain, SMS_GSM7), with, r->plain);
		}
		free(r);
	}
	T_ASSERTF(bad == 0, "%d replies over budget:%s", bad, report);
}

/* DK, BAN, MUA, OK, KO, TB, HD: what every household sends and reads */
static void
common_replies_fit_one_sms(void)
{
	static const enum rpl_id common[] = {
		RPL_reg_done, RPL_reg_changed, RPL_list_done, RPL_order_sent_shortest,
		RPL_order_seller_min, RPL_accepted, RPL_accepted_free, RPL_decline_done,
		RPL_declined_buyer, RPL_tb_sent, RPL_tb_later, RPL_help_menu, RPL_help_topic,
		RPL_help_topic_plain,
	};

	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
		struct rendered *r = malloc(sizeof *r);

		T_ASSERT(r != NULL);
		render(common[i], r);
		T_ASSERTF(rpl_table[common[i]].parts == 1, "%s has budget %d", rpl_table[common[i]].name,
		    rpl_table[common[i]].parts);
		T_ASSERTF(sms_coding_of(r->plain) == SMS_GSM7 && sms_length(r->plain, SMS_GSM7) <= 160,
		    "%s takes %zu characters: %s", rpl_table[common[i]].name,
		    sms_length(r->plain, SMS_GSM7), r->plain);
		free(r);
	}
}

/* every command's HD <keyword> (its help from commands.def) answers with
 * what it does, in one SMS without diacritics, and never the "not yet" */
static void
every_command_has_keyword_and_help(void)
{
	/* each command's main keyword, from the table itself */
	static const char *const topic[CMD__COUNT] = {
#define CMD(id, json, reader, action, ussd, t, ...) [CMD_##id] = t,
#include "parser/commands.def"
#undef CMD
	};
	struct actions_conf ac = {.max_segments = 3};
	struct command *c = malloc(sizeof *c);
	char text[64], want[32];
	int n = 0;

	T_ASSERT(c != NULL);
	fx_open(&ac);
	for (int a = CMD_UNKNOWN + 1; a < CMD__COUNT; a++) {
		const char *reply;

		/* the main keyword alone is that command (with its missing_* error) */
		parser_parse(FX.p, topic[a], strlen(topic[a]), c);
		T_ASSERTF((int)c->action == a, "%s parses as %s", topic[a], cmd_action_name(c->action));
		str_copy(want, sizeof want, topic[a]);
		snprintf(text, sizeof text, "HD %s", want);
		reply = fx_sms("+84912000001", text);
		snprintf(want + strlen(want), sizeof want - strlen(want), ": ");
		T_ASSERTF(strncmp(reply, want, strlen(want)) == 0, "%s: %s", text, reply);
		T_ASSERTF(sms_coding_of(reply) == SMS_GSM7 && sms_length(reply, SMS_GSM7) <= 160,
		    "%s: %zu characters: %s", text, sms_length(reply, SMS_GSM7), reply);
		n++;
	}
	free(c);
	T_ASSERT(n == CMD__COUNT - 1);
}

/* chars: code points, what both GSM-7 (after stripping) and UCS-2 count */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* longest_field: the longest value (in characters) of column col of a CSV
 * file without quoted fields; its header line is skipped */
static size_t
longest_field(const char *path, int col, char *which, size_t wlen)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t best = 0;
	bool header = true;

	T_ASSERTF(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f) != NULL) {
		char *s = line, *field = NULL;

		if (header) {
			header = false;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		for (int k = 0; k <= col && s != NULL; k++) {
			field = s;
			s = strchr(s, ',');
			if (s != NULL)
				*s++ = '\0';
		}
		if (field != NULL && field[0] == '"' && strlen(field) > 1 &&
		    field[strlen(field) - 1] == '"') {
			field++;
			field[strlen(field) - 1] = '\0';
		}
		if (field != NULL && chars(field) > best) {
			best = chars(field);
			str_copy(which, wlen, field);
		}
	}
	fclose(f);
	return best;
}

static void
samples_are_the_longest(void)
{
	struct parser *p;
	char err[256], which[256] = "";
	size_t longest = 0;

	p = parser_new("conf/lexicon.conf", err, sizeof err);
	T_ASSERTF(p != NULL, "%s", err);
	for (int i = 0; i < parser_product_count(p); i++) {
		const char *key, *display;

		T_ASSERT(parser_product_at(p, i, &key, &display) == 0);
		if (chars(display) > longest) {
			longest = chars(display);
			str_copy(which, sizeof which, display);
		}
	}
	parser_free(p);
	T_ASSERTF(chars(S_PNAME) >= longest, "S_PNAME is shorter than %s", which);
	T_ASSERTF(chars(S_PRODUCT) >= longest + strlen(" loại 1"), "S_PRODUCT is shorter than %s loại 1",
	    which);
	T_ASSERTF(chars(S_VILLAGE) >= longest_field("conf/demo/villages.csv", 1, which, sizeof which),
	    "S_VILLAGE is shorter than %s", which);
	T_ASSERTF(chars(S_COMMUNE) >= longest_field("conf/demo/villages.csv", 2, which, sizeof which),
	    "S_COMMUNE is shorter than %s", which);
	T_ASSERTF(chars(S_CODE) >= longest_field("conf/demo/villages.csv", 0, which, sizeof which),
	    "S_CODE is shorter than %s", which);
	T_ASSERTF(chars(S_NAME) >= longest_field("conf/demo/people.csv", 1, which, sizeof which),
	    "S_NAME is shorter than %s", which);
	T_ASSERT(strlen(S_NOTE) == 20);
	T_ASSERT(S_ID == 123456LL);
	T_ASSERT(strcmp(S_MONEY, "999.999.999đ") == 0);
}

int
main(int argc, char **argv)
{
	static const struct t_case cases[] = {
		{"every_reply_fits_its_budget", every_reply_fits_its_budget},
		{"common_replies_fit_one_sms", common_replies_fit_one_sms},
		{"every_command_has_keyword_and_help", every_command_has_keyword_and_help},
		{"samples_are_the_longest", samples_are_the_longest},
		{NULL, NULL},
	};
	return t_main(argc, argv, cases);
}
