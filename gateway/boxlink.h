/*
 * boxlink.h - box mode ([kannel] mode = box, kannel.md §9): what travels on
 * the bearerbox connection (box.h), joined to the rest of langso.
 *
 * - An MO becomes a committer job like an HTTP MO (committer.h job_new_mo);
 *   only once its transaction has committed is it acked to bearerbox, with
 *   its reply sent just before as an mt_reply. A database failure answers
 *   ack_failed_tmp and stops reading for a while (bearerbox gives the MO
 *   again at once). A repeated UUID (bearerbox redelivers what a lost
 *   connection had not acked) is answered from the inbox, as in HTTP mode.
 * - A delivery report (report_mo) becomes a committer DLR job, acked after
 *   its commit.
 * - The outbox worker sends through boxlink_backend(): mt_push with a DLR
 *   requested, a window of messages in flight matched to bearerbox's acks
 *   by UUID; when the connection goes, or no ack comes in time, the message
 *   is retried.
 */
#ifndef LANGSO_BOXLINK_H
#define LANGSO_BOXLINK_H

#include <stdbool.h>
#include <stdio.h>

struct conf;
struct metrics;
struct committer;
struct outbox_backend;
struct boxlink;

/* boxlink_new: nothing runs yet. The outbox worker owns it once it is
 * given as its backend (outbox_new(..., boxlink_backend(), bl, ...)) and
 * frees it in outbox_free; boxlink_stop must have been called before. */
struct boxlink *boxlink_new(const struct conf *conf, struct metrics *m);
const struct outbox_backend *boxlink_backend(void);

/* boxlink_start connects (and keeps connecting) to bearerbox: MOs and DLRs
 * go to c, acks for MTs wake the outbox through wake_fd. -1 when the
 * thread cannot start. */
int boxlink_start(struct boxlink *bl, struct committer *c, int wake_fd);

/* boxlink_quiesce: MOs and DLRs that arrive from now on are not taken (nor
 * acked: bearerbox keeps them and gives them again at the next connect).
 * Called first at shutdown, before the committer is drained. */
void boxlink_quiesce(struct boxlink *bl);

/* boxlink_stop closes the connection (after writing the acks queued) and
 * joins its thread. Acks of jobs not yet done are lost: bearerbox gives
 * those MOs again, and they are answered from the inbox. */
void boxlink_stop(struct boxlink *bl);

#endif
