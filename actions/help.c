/*
 * help.c - the replies that teach: HD and HD <keyword>, the syntax shown
 * for an incomplete command, UNKNOWN with its suggestion, and the answer for
 * commands whose feature has not opened yet.
 */
#include "actions/actions_int.h"

#include <string.h>

/* One row per action: its main keyword, syntax and a worked example. */
static const struct help_row {
	enum cmd_action action;
	const char *keyword, *what, *syntax, *example;
} rows[] = {
	{CMD_REGISTER, "DK", "đăng ký hộ", "DK <mã thôn> <họ tên>", "DK LD02 Hoàng Văn Châu"},
	{CMD_LIST, "BAN", "đăng tin bán", "BAN <sản phẩm> <số lượng> [giá]", "BAN NA 50KG 30000"},
	{CMD_PRICE, "GIA", "xem giá", "GIA <sản phẩm>", "GIA NA"},
	{CMD_SEARCH, "TIM", "tìm hàng", "TIM <sản phẩm> [số lượng]", "TIM NA 100KG"},
	{CMD_ORDER, "MUA", "đặt mua", "MUA <số tin> [số lượng]", "MUA 123 20KG"},
	{CMD_ACCEPT, "OK", "nhận đơn", "OK <số đơn>", "OK 45"},
	{CMD_DECLINE, "KO", "từ chối đơn", "KO <số đơn>", "KO 45"},
	{CMD_CANCEL_LISTING, "HUY", "hủy tin bán", "HUY <số tin>", "HUY 123"},
	{CMD_CANCEL_ORDER, "HUY DON", "hủy đơn mua", "HUY DON <số đơn>", "HUY DON 45"},
	{CMD_SOLD_OUT, "HET", "báo hết hàng", "HET <số tin>", "HET 123"},
	{CMD_BROADCAST, "TB", "thông báo cho thôn", "TB [KHAN] <nội dung>", "TB Sáng mai 7h họp thôn"},
	{CMD_REPORT, "BC", "báo cáo thông báo", "BC <số TB>", "BC 9"},
	{CMD_FOLLOW, "THEO", "nhận tin hàng mới", "THEO <sản phẩm>", "THEO NA"},
	{CMD_UNFOLLOW, "BO THEO", "thôi nhận tin hàng", "BO THEO <sản phẩm>", "BO THEO NA"},
	{CMD_STOP, "NGUNG", "ngừng nhận tin", "NGUNG", "NGUNG"},
	{CMD_RESUME, "TIEP", "nhận tin trở lại", "TIEP", "TIEP"},
	{CMD_STATUS, "TT", "xem tin và đơn của mình", "TT", "TT"},
	{CMD_HELP, "HD", "hướng dẫn", "HD [lệnh]", "HD BAN"},
};
#define NROWS (sizeof rows / sizeof rows[0])

static const struct help_row *
row_of(enum cmd_action a)
{
	for (size_t i = 0; i < NROWS; i++)
		if (rows[i].action == a)
			return &rows[i];
	return NULL;
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
	if (c->topic[0] != '\0') {
		for (size_t i = 0; i < NROWS; i++)
			if (strcmp(rows[i].keyword, c->topic) == 0) {
				reply_set(r, "%s: %s. Ví dụ: %s", rows[i].keyword, rows[i].syntax,
				    rows[i].example);
				return 0;
			}
	}
	reply_set(r, "Làng số: DK LD02 Họ Tên (đăng ký); BAN NA 50KG 30000 (bán); GIA NA (giá); "
	    "TIM NA (tìm); MUA 123 20KG (mua); NGUNG (dừng tin). HD BAN: xem từng lệnh");
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
		reply_set(r, "Mỗi tin nhắn một mặt hàng. Gửi từng tin, ví dụ: %s", h->example);
	else if (strcmp(c->error, "price_range") == 0)
		reply_set(r, "Xin ghi một giá, không ghi khoảng giá. Ví dụ: %s", h->example);
	else if (what != NULL)
		reply_set(r, "Thiếu %s. Cú pháp: %s. Ví dụ: %s", what, h->syntax, h->example);
	else
		reply_set(r, "Tin nhắn chưa đúng. Cú pháp: %s. Ví dụ: %s", h->syntax, h->example);
}

int
act_unknown(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	(void)a;
	(void)m;
	if (strchr(c->suggest, ' ') != NULL)	/* a whole command: BAN NA 50KG 30K */
		reply_set(r, "Không hiểu tin nhắn. Ý bạn là: %s? Nhắn HD để xem hướng dẫn", c->suggest);
	else if (c->suggest[0] != '\0')
		reply_set(r, "Không hiểu tin nhắn. Có phải %s? Nhắn HD để xem hướng dẫn", c->suggest);
	else
		reply_set(r, "Không hiểu tin nhắn. Nhắn HD để xem hướng dẫn");
	return 0;
}

int
act_not_yet(struct actions *a, const struct mo *m, const struct command *c, struct act_reply *r)
{
	const struct help_row *h = row_of(c->action);

	(void)a;
	(void)m;
	reply_set(r, "Đã hiểu lệnh %s (%s), nhưng chức năng này sắp mở. Nhắn HD để xem hướng dẫn",
	    h ? h->keyword : "?", h ? h->what : "");
	return 0;
}
