/*
 * store_market.h - the marketplace - listings, orders, follows (issue 4). Included by store.h; implemented
 * in storage/market.c. Same conventions as store.h (STORE_OK/ERR/NONE).
 */
#ifndef LANGSO_STORE_MARKET_H
#define LANGSO_STORE_MARKET_H

#endif
