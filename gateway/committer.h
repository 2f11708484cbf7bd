/*
 * committer.h - group commit for the HTTP endpoints. The MHD thread parses
 * a request into a job, suspends the connection and submits the job; the
 * committer thread takes every waiting job, runs the MOs in one transaction
 * (actions_handle_batch) and the DLRs in another, then resumes each
 * connection, whose answer the MHD thread sends. One WAL write serves many
 * messages, and HTTP and database work run on separate cores.
 */
#ifndef LANGSO_COMMITTER_H
#define LANGSO_COMMITTER_H

#include "actions/actions.h"
#include "gateway/request.h"

#include <stdbool.h>
#include <stdint.h>

/* A job owns copies of everything it points to: the request's buffers may
 * move while it waits. Free with job_free. */
struct job {
	enum { JOB_MO, JOB_DLR } kind;
	long long dlr_id;		/* JOB_DLR: langso's message id */
	int dlr_type;
	char dlr_reply[256], dlr_smscid[64];
	struct mo m;			/* JOB_MO: points into the fields below */
	char id[64], phone[20], to[32], smsc[32];
	char *text;			/* decoded UTF-8 */
	char *raw;			/* bytes as received */
	char session[96];		/* USSD session id */
	char its_session[48];		/* Kannel: its_session_info as received, %-encoded */
	struct ussd_done *ussd_done;	/* POST /ussd: the finished menu's command (m.ussd_done) */
	struct act_reply reply;
	int rc;				/* MO: 0 reply set, -1 db failed; DLR: STORE_* */
	void *conn;			/* the caller's connection, to resume */
	/* done, when set, is called (on the committer thread) instead of the
	 * committer's resume once rc and reply are set, and then owns j; such
	 * a job is not suspended either. Box mode's jobs use it to ack. */
	void (*done)(struct job *j);
	uint64_t box_conn;		/* box mode: the bearerbox connection it came on */
	char box_from[32], box_to[32];	/* box mode: sender, receiver as received */
	double box_t0;			/* box mode: when it arrived (monotonic s) */
	struct job *next;
};

void job_free(struct job *j);

/* job_new_mo checks and decodes one MO as Kannel hands it over (get-url,
 * post-url or a box message: request.h's mo_fields) and builds its JOB_MO:
 * the sender's number in E.164, the text decoded to UTF-8 by its charset,
 * the USSD session of SMPP meta-data, the Kannel id for deduplication.
 * NULL with a one-line reason (for a 400 or a refused box MO) in why. */
struct job *job_new_mo(const struct mo_fields *f, char *why, size_t whylen);

/* job_reply_meta: the meta-data of the reply to a Kannel USSD job (2 = USSR
 * request, show and wait; 17 = PSSR response, end), its_session_info
 * echoed; "" for any other job. */
void job_reply_meta(const struct job *j, char *out, size_t outlen);

struct committer;

/* committer_start: act and store are the committer thread's (owned by the
 * caller); m hears whether each batch could be written (metrics_set_db);
 * suspend and resume act on a job's conn. delay_ms > 0 holds the answers
 * to newly stored MOs that long (a test seam). NULL on failure. */
struct metrics;
struct committer *committer_start(struct actions *act, struct store *store, struct metrics *m,
    int wake_fd, int delay_ms, void (*suspend)(void *conn), void (*resume)(void *conn));

/* committer_submit suspends j->conn and queues j: its conn is resumed once
 * j->rc and j->reply are set. -1 when stopping (j is not taken). */
int committer_submit(struct committer *c, struct job *j);

/* committer_drain refuses new jobs from now on (committer_submit returns
 * -1), finishes every queued one (their connections resumed) and ends the
 * thread. c stays valid: whoever may still call committer_submit (the HTTP
 * thread until MHD is stopped) gets -1, never freed memory. */
void committer_drain(struct committer *c);

/* committer_stop drains c if that was not done, then frees it. Call it only
 * once nothing can call committer_submit any more. */
void committer_stop(struct committer *c);

#endif
