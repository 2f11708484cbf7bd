/*
 * help.c - the replies that teach: HD and HD <keyword>, the syntax shown
 * for an incomplete command, and UNKNOWN with its suggestion.
 */
#include "actions/actions_int.h"

#include <string.h>

/* HD's texts, from parser/commands.def: each command's main keyword, what
 * it does in the user's words (HD <keyword>), syntax and a worked example. */
static const struct help_row {
	const char *keyword, *does, *syntax, *example;
} rows[CMD__COUNT] = {
#define CMD(id, json, reader, action, ussd, topic, keywords, does, syntax, example) \
	[CMD_##id] = {topic, does, syntax, example},
#include "parser/commands.def"
#undef CMD
};

/* every command but UNKNOWN has its help, or it does not build */
#define CMD(id, json, reader, action, ussd, topic, keywords, does, syntax, example) \
	_Static_assert(CMD_##id == CMD_UNKNOWN || \
	    (sizeof(does) > 1 && sizeof(syntax) > 1 && sizeof(example) > 1), \
	    "commands.def: " #id " has no help text");
#include "parser/commands.def"
#undef CMD

static const struct help_row *
row_of(enum cmd_action a)
{
	if ((int)a <= CMD_UNKNOWN || a >= CMD__COUNT)
		return NULL;
	return &rows[a];
}

const char *
act_keyword(enum cmd_action a)
{
	const struct help_row *h = row_of(a);

	return h ? h->keyword : "";
}

int
act_help(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	(void)a;
	(void)m;
	if (strcmp(c->topic, "HO") == 0) {	/* a prefix, no row (commands.def) */
		rpl_help_ho(RPL_TO(r));
		return 0;
	}
	if (c->topic[0] != '\0') {
		for (size_t i = CMD_UNKNOWN + 1; i < CMD__COUNT; i++)
			if (strcmp(rows[i].keyword, c->topic) == 0) {
				const struct help_row *h = &rows[i];

				/* a command with no argument needs no syntax line */
				if (strcmp(h->syntax, h->example) == 0)
					rpl_help_topic_plain(RPL_TO(r), h->keyword, h->does, h->example);
				else
					rpl_help_topic(RPL_TO(r), h->keyword, h->does, h->syntax, h->example);
				return 0;
			}
	}
	rpl_help_menu(RPL_TO(r));
	return 0;
}

static const char *
missing_what(const char *error)
{
	static const struct { const char *error, *what; } names[] = {
		{"missing_product", "tên sản phẩm"},
		{"missing_quantity", "số lượng"},
		{"missing_number", "số"},
		{"missing_text", "nội dung"},
		{"missing_village", "mã thôn"},
		{"missing_name", "họ tên"},
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].error, error) == 0)
			return names[i].what;
	return NULL;
}

void
act_syntax_reply(const struct command *c, struct act_reply *r)
{
	const struct help_row *h = row_of(c->action);
	const char *what = missing_what(c->error);

	if (h == NULL)
		h = row_of(CMD_HELP);
	if (mk_limit_reply(c, r))	/* qty_too_large, price_too_large (market_fmt.c) */
		return;
	if (strcmp(c->error, "multiple_items") == 0)
		rpl_syntax_multiple(RPL_TO(r), h->example);
	else if (strcmp(c->error, "price_range") == 0)
		rpl_syntax_range(RPL_TO(r), h->example);
	else if (what != NULL)
		rpl_syntax_missing(RPL_TO(r), what, h->syntax, h->example);
	else
		rpl_syntax_wrong(RPL_TO(r), h->syntax, h->example);
}

int
act_unknown(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	(void)a;
	(void)m;
	if (strcmp(c->suggest, "HO") == 0)	/* HO 12345 ...: no phone (parser.c) */
		rpl_unknown_ho(RPL_TO(r));
	else if (strchr(c->suggest, ' ') != NULL)	/* a whole command: BAN NA 50KG 30K */
		rpl_unknown_command(RPL_TO(r), c->suggest);
	else if (c->suggest[0] != '\0')
		rpl_unknown_keyword(RPL_TO(r), c->suggest);
	else
		rpl_unknown(RPL_TO(r));
	return 0;
}
