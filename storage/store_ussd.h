/*
 * store_ussd.h - USSD sessions (issue 6). Included by store.h; implemented
 * in storage/ussd.c. Same conventions as store.h (STORE_OK/ERR/NONE).
 */
#ifndef LANGSO_STORE_USSD_H
#define LANGSO_STORE_USSD_H

#endif
