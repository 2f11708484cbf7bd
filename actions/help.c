/*
 * help.c - the replies that teach: HD and HD <keyword>, the syntax shown
 * for an incomplete command, UNKNOWN with its suggestion, and the answer for
 * commands whose feature has not opened yet.
 */
#include "actions/actions_int.h"

#include <string.h>

/* One row per action: its main keyword, a short name (act_not_yet), what
 * it does in the user's words (HD <keyword>), syntax and a worked example. */
static const struct help_row {
	enum cmd_action action;
	const char *keyword, *what, *does, *syntax, *example;
} rows[] = {
	{CMD_REGISTER, "DK", "đăng ký hộ",
	    "đăng ký hộ của bạn vào thôn để bán hàng và nhận thông báo của thôn",
	    "DK <mã thôn> <họ tên>", "DK LD02 Hoàng Văn Châu"},
	{CMD_LIST, "BAN", "đăng tin bán",
	    "đăng tin bán nông sản, người mua trong tỉnh tìm thấy và đặt mua",
	    "BAN <sản phẩm> <số lượng> [giá]", "BAN NA 50KG 30000"},
	{CMD_PRICE, "GIA", "xem giá", "xem giá mua bán gần đây của một mặt hàng",
	    "GIA <sản phẩm>", "GIA NA"},
	{CMD_SEARCH, "TIM", "tìm hàng", "tìm tin bán một mặt hàng, gần bạn trước",
	    "TIM <sản phẩm> [số lượng]", "TIM NA 100KG"},
	{CMD_ORDER, "MUA", "đặt mua", "đặt mua theo số tin, người bán nhận đơn và trả lời",
	    "MUA <số tin> [số lượng]", "MUA 123 20KG"},
	{CMD_ACCEPT, "OK", "nhận đơn",
	    "người bán nhận một đơn đặt mua, hai bên nhận số điện thoại của nhau",
	    "OK <số đơn>", "OK 45"},
	{CMD_DECLINE, "KO", "từ chối đơn", "người bán từ chối một đơn đặt mua, người mua được báo",
	    "KO <số đơn>", "KO 45"},
	{CMD_CANCEL_LISTING, "HUY", "hủy tin bán", "hủy một tin bán của bạn (đăng sai, không bán nữa)",
	    "HUY <số tin>", "HUY 123"},
	{CMD_CANCEL_ORDER, "HUY DON", "hủy đơn mua", "hủy một đơn mua bạn đã đặt, người bán được báo",
	    "HUY DON <số đơn>", "HUY DON 45"},
	{CMD_SOLD_OUT, "HET", "báo hết hàng", "báo đã bán hết, tin không còn hiện khi người mua tìm",
	    "HET <số tin>", "HET 123"},
	{CMD_BROADCAST, "TB", "thông báo cho thôn",
	    "trưởng thôn, cán bộ xã gửi thông báo tới mọi hộ; KHAN: gửi ngay cả ban đêm",
	    "TB [KHAN] <nội dung>", "TB Sáng mai 7h họp thôn"},
	{CMD_REPORT, "BC", "báo cáo thông báo",
	    "xem thông báo của bạn đã tới bao nhiêu hộ, hộ nào chưa nhận",
	    "BC [số TB]", "BC 9"},
	{CMD_FOLLOW, "THEO", "nhận tin hàng mới", "nhận tin mỗi khi có người đăng bán mặt hàng đó",
	    "THEO <sản phẩm>", "THEO NA"},
	{CMD_UNFOLLOW, "BO THEO", "thôi nhận tin hàng", "thôi nhận tin hàng mới của mặt hàng đó",
	    "BO THEO <sản phẩm>", "BO THEO NA"},
	{CMD_STOP, "NGUNG", "ngừng nhận tin",
	    "ngừng nhận thông báo và tin rao; thông báo khẩn (TB KHAN) vẫn đến. Nhận lại: TIEP",
	    "NGUNG", "NGUNG"},
	{CMD_UNREGISTER, "HUY DK", "hủy đăng ký",
	    "hủy đăng ký: số này rời thôn, các tin bán đóng lại, không nhận tin gì nữa",
	    "HUY DK", "HUY DK"},
	{CMD_RESUME, "TIEP", "nhận tin trở lại", "nhận lại thông báo và tin rao sau khi đã NGUNG",
	    "TIEP", "TIEP"},
	{CMD_STATUS, "TT", "xem tin và đơn của mình", "xem các tin bán và đơn mua đang mở của bạn",
	    "TT", "TT"},
	{CMD_HELP, "HD", "hướng dẫn", "xem hướng dẫn các lệnh", "HD [lệnh]", "HD BAN"},
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
				const struct help_row *h = &rows[i];

				/* a command with no argument needs no syntax line */
				if (strcmp(h->syntax, h->example) == 0)
					reply_set(r, "%s: %s. Nhắn: %s", h->keyword, h->does, h->example);
				else
					reply_set(r, "%s: %s. Cú pháp: %s. Ví dụ: %s", h->keyword, h->does,
					    h->syntax, h->example);
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
