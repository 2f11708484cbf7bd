/*
 * box.h - langso as a box of Kannel's bearerbox (kannel.md §9): one TCP
 * connection to bearerbox's smsbox-port, kept up by a thread of its own.
 * It identifies with its box id, sends heartbeats, reads frames through
 * boxmsg.h and hands each message to the caller; the caller answers with
 * box_send (acks after commit, replies, pushes). When the connection fails,
 * or a peer sends a frame that does not decode, the connection is closed
 * and made again with back-off (1 s doubling to 30 s), forever; every
 * change of state is logged.
 */
#ifndef LANGSO_BOX_H
#define LANGSO_BOX_H

#include <stdbool.h>
#include <stdint.h>

#include "gateway/boxmsg.h"

struct box_conf {
	char host[64];		/* IPv4 address of bearerbox */
	int port;		/* its smsbox-port */
	char id[64];		/* boxc_id: smsbox-route's smsbox-id */
	int heartbeat_s;	/* seconds between heartbeats */
	int backoff_max_s;	/* longest wait between connection attempts */
};

/* What the box thread tells its owner. Each runs on the box thread and must
 * not block; a message's strings live only until the call returns. conn is
 * the connection's number (from 1, one more at each connect): a box_send
 * naming an older connection is dropped, since bearerbox gives the messages
 * of a lost connection to the next one anyway. */
struct box_ops {
	void (*sms)(void *arg, uint64_t conn, const struct boxmsg_sms *m);
	void (*ack)(void *arg, uint64_t conn, const struct boxmsg_ack *a);
	void (*up)(void *arg, uint64_t conn);	/* connected and identified */
	void (*down)(void *arg, uint64_t conn);	/* that connection is gone */
};

struct box;

/* box_start starts the thread, which connects at once. Never fails for
 * want of bearerbox: it keeps trying. */
struct box *box_start(const struct box_conf *conf, const struct box_ops *ops, void *arg);

/* box_send queues m for connection conn (thread-safe). 0 queued; -1 when
 * that connection is not the current one or m cannot be encoded. */
int box_send(struct box *b, uint64_t conn, const struct boxmsg *m);

/* box_pause: read nothing from bearerbox for ms milliseconds (frames
 * queued are still written). After an ack_failed_tmp bearerbox gives the
 * MO again at once (kannel.md §9): the box must wait before taking more. */
void box_pause(struct box *b, int ms);

/* box_figures: for /healthz and /metrics (thread-safe). */
struct box_figures {
	bool up;
	uint64_t conn;			/* current or last connection */
	uint64_t frames_in, frames_out, reconnects, bad_frames;
	uint64_t out_bytes_queued;
};
void box_figures(struct box *b, struct box_figures *out);

/* box_stop closes the connection, joins the thread and frees b. Frames not
 * yet written are dropped (what they acked is delivered again). */
void box_stop(struct box *b);

#endif
