/*
 * store_team.h - community tech teams and the second wave of commands.md
 * §7: who acted for a household (listings, orders, registrations), listing
 * edits and their history, orders handed over, the order sheet and the
 * team's figures. Included by store.h; implemented in storage/team.c. Same
 * conventions as store.h. A phone "by" is E.164; "" means the household
 * acted itself (stored as NULL).
 */
#ifndef LANGSO_STORE_TEAM_H
#define LANGSO_STORE_TEAM_H

/* store_team_listing_actor records who made listing id for its seller;
 * store_team_listing_actor_get copies it into by (cut to len), "" when the
 * seller made it. STORE_NONE for an unknown listing. */
int store_team_listing_actor(struct store *s, long long id, const char *by);
int store_team_listing_actor_get(struct store *s, long long id, char *by, size_t len);

/* store_team_listing_log appends the listing's state as it is now (status,
 * price, quantity left) to its history, with what happened ("open",
 * "edit", "sold_out", "cancelled") and who did it. */
int store_team_listing_log(struct store *s, long long id, const char *what, const char *by,
    long long now);

/* store_team_listing_edit changes an open listing's price (when has_price:
 * price_vnd 0 is negotiable) and/or quantity left (when has_qty; the listed
 * quantity grows with it if the new one is larger). STORE_NONE when the
 * listing was not open: nothing changed. */
struct team_edit {
	bool has_price;
	long long price_vnd;
	char price_per[8];
	long long unit_price;
	bool price_check;
	bool has_qty;
	long long qty_left;
};
int store_team_listing_edit(struct store *s, long long id, const struct team_edit *e);

/* store_team_order_actor records who answered order id (OK, KO) for the
 * seller. */
int store_team_order_actor(struct store *s, long long id, const char *by);

/* store_team_order_deliver marks an accepted order not yet handed over as
 * handed over at now, by by. STORE_NONE otherwise (nothing changed). */
int store_team_order_deliver(struct store *s, long long id, const char *by, long long now);
/* store_team_order_delivered_at: when order id was handed over, 0 if not */
int store_team_order_delivered_at(struct store *s, long long id, long long *at);

/* store_team_registered_by records that by registered phone (HO DK). */
int store_team_registered_by(struct store *s, const char *phone, const char *by);

/* The order sheet: accepted orders not handed over, by commune, village,
 * order (commands.md §7, langso orders). */
struct team_sheet_row {
	char commune[128], village[128], code[8];
	long long order_id, listing_id;
	long long accepted_at;
	char product[128], variety[128];
	char unit[16];
	long long qty, value;
	char seller_name[128], seller_phone[20], buyer_phone[20];
};
/* store_team_sheet calls fn for every row (only commune's when not NULL
 * or ""); stops and returns fn's value when fn returns non-zero. */
int store_team_sheet(struct store *s, const char *commune,
    int (*fn)(const struct team_sheet_row *row, void *arg), void *arg);

/* The team's figures per village (langso stats): households the team
 * registered, listings it made, accepted orders of those listings, and
 * handed-over orders of all the village's listings. */
struct team_village_stats {
	char code[8];
	long long households, listings, orders, delivered;
};
int store_team_stats(struct store *s,
    int (*fn)(const struct team_village_stats *v, void *arg), void *arg);

#endif
