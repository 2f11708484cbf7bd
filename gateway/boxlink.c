/*
 * boxlink.c - box mode: the box thread's messages become committer jobs,
 * whose completion acks them; the outbox worker's MTs become mt_push
 * frames, matched to bearerbox's acks through a table of slots.
 *
 * Threads: the box thread calls on_sms/on_ack/on_up/on_down; the committer
 * thread calls mo_done/dlr_done; the outbox thread calls the backend. mu
 * guards the slots, the answers waiting for the outbox and the counters.
 * Lock order: mu, then the box's own mutex (box_send); the box thread
 * holds none of its locks when it calls back, so there is no cycle.
 */
#include "gateway/boxlink.h"
#include "gateway/box.h"
#include "gateway/committer.h"
#include "gateway/conf.h"
#include "gateway/kannel.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/outbox.h"
#include "storage/store.h"
#include "common/common.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* An MT whose ack has not come in this long is sent again: bearerbox acks
 * an MT as soon as it has stored and routed it, within milliseconds. */
#define ACK_TIMEOUT_S 30
/* After a database failure: bearerbox redelivers an ack_failed_tmp MO at
 * once, so reading stops this long. */
#define DB_PAUSE_MS 1000
#define UUID_LEN 36

/* One MT sent and not yet acked. Its UUID's last 12 hex digits are the
 * slot's index and generation, so an ack finds its slot without a search;
 * the whole UUID is compared before the ack is taken. */
struct slot {
	bool used;
	uint32_t gen;
	char uuid[UUID_LEN + 1];
	uint64_t conn;
	double sent_at;
	struct outbox_msg msg;
};

enum { ACK_IN_SUCCESS, ACK_IN_FAILED, ACK_IN_TMP, ACK_IN_BUFFERED, ACK_IN_OTHER, ACK_IN_N };
static const char *const ack_in_name[ACK_IN_N] = {"success", "failed", "failed_tmp", "buffered",
    "unknown"};

struct boxlink {
	const struct conf *conf;
	struct metrics *metrics;
	struct box *box;
	struct committer *committer;
	int wake_fd;

	pthread_mutex_t qmu;		/* quiesced, and every committer_submit */
	bool quiesced;

	pthread_mutex_t mu;		/* everything below */
	uint64_t conn_up;		/* the connection that is up, 0 when none */
	struct slot *slots;
	int nslots, used, hint;
	struct outbox_answer *done;	/* answers for the outbox thread */
	int ndone, done_cap;
	double next_scan;
	/* counters for /metrics */
	unsigned long long mt_acks[ACK_IN_N], reply_acks, unmatched_acks;
	unsigned long long mo_acks[3];	/* sent: success, failed, failed_tmp */
	unsigned long long mos, dlrs, replies, mts, retried_down, retried_timeout, refused;
};

static double
mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
wake_outbox(struct boxlink *bl)
{
	uint64_t one = 1;

	if (bl->wake_fd >= 0 && write(bl->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_warn("box: wake the outbox");
}

/* uuid_text writes 16 random bytes as a UUID (version 4), the last 6 bytes
 * replaced by tag when tag is not NULL. */
static void
uuid_text(char out[UUID_LEN + 1], const unsigned char *tag)
{
	unsigned char b[16];
	static const char hex[] = "0123456789abcdef";
	int o = 0;

	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	if (tag != NULL)
		memcpy(b + 10, tag, 6);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

/* field copies a string field into out as a C string: false when it is
 * unset, holds a NUL or does not fit. */
static bool
field(struct boxmsg_str f, char *out, size_t cap)
{
	if (f.len < 0 || (size_t)f.len >= cap || memchr(f.p, '\0', (size_t)f.len) != NULL)
		return false;
	memcpy(out, f.p, (size_t)f.len);
	out[f.len] = '\0';
	return true;
}

static void
count(struct boxlink *bl, unsigned long long *c)
{
	pthread_mutex_lock(&bl->mu);
	(*c)++;
	pthread_mutex_unlock(&bl->mu);
}

/* send_ack answers the message id on connection conn; nack is
 * BOX_ACK_SUCCESS, _FAILED or _FAILED_TMP. */
static void
send_ack(struct boxlink *bl, uint64_t conn, const char *id, int nack)
{
	struct boxmsg a;

	boxmsg_init(&a, BOXMSG_ACK);
	a.u.ack.nack = nack;
	a.u.ack.time = (int32_t)time(NULL);
	a.u.ack.id = boxmsg_str_of(id);
	if (box_send(bl->box, conn, &a) == 0)
		count(bl, &bl->mo_acks[nack]);
	else
		log_debug("box: ack for %s dropped: connection %" PRIu64 " is gone (bearerbox gives "
		    "it again)", id, conn);
}

/* ---- MOs and DLRs: from the box thread to the committer and back ---- */

/* mo_done: the MO's transaction is over (committer thread). */
static void
mo_done(struct job *j)
{
	struct boxlink *bl = j->conn;

	if (j->rc < 0) {
		metrics_mo(bl->metrics, "error", mono_now() - j->box_t0);
		log_warnx("box: MO %s not stored: answered failed_tmp, reading paused %d ms", j->id,
		    DB_PAUSE_MS);
		send_ack(bl, j->box_conn, j->id, BOX_ACK_FAILED_TMP);
		box_pause(bl->box, DB_PAUSE_MS);
		job_free(j);
		return;
	}
	metrics_mo(bl->metrics, j->reply.duplicate ? "duplicate" : j->reply.action,
	    mono_now() - j->box_t0);
	/* the reply first: the ack lets bearerbox forget the MO, so if only
	 * one of the two makes it out, the MO comes again and the reply with
	 * it (a repeated MO gets the stored reply, as in HTTP mode) */
	if (j->reply.text[0] != '\0') {
		struct boxmsg r;
		struct boxmsg_sms *s = &r.u.sms;
		unsigned char ucs2[ACT_REPLY_MAX * 2];
		char uuid[UUID_LEN + 1], meta[128];
		size_t len = strlen(j->reply.text);
		long n = 0;

		boxmsg_init(&r, BOXMSG_SMS);
		uuid_text(uuid, NULL);
		job_reply_meta(j, meta, sizeof meta);
		s->sender = boxmsg_str_of(j->box_to);
		s->receiver = boxmsg_str_of(j->box_from);
		s->smsc_id = boxmsg_str_of(j->smsc[0] ? j->smsc : NULL);
		s->time = (int32_t)time(NULL);
		s->id = boxmsg_str_of(uuid);
		s->sms_type = BOX_SMS_MT_REPLY;
		s->boxc_id = boxmsg_str_of(bl->conf->box_id);
		s->meta_data = boxmsg_str_of(meta[0] ? meta : NULL);
		if (j->reply.coding == 2 && (n = kannel_utf16be(j->reply.text, len, ucs2, sizeof ucs2)) > 0) {
			s->coding = 2;
			s->charset = boxmsg_str_of("UTF-16BE");
			s->msgdata = (struct boxmsg_str){(const char *)ucs2, (int32_t)n};
		} else {
			s->coding = 0;
			s->charset = boxmsg_str_of("UTF-8");
			s->msgdata = (struct boxmsg_str){j->reply.text, (int32_t)len};
		}
		if (box_send(bl->box, j->box_conn, &r) == 0)
			count(bl, &bl->replies);
	}
	send_ack(bl, j->box_conn, j->id, BOX_ACK_SUCCESS);
	job_free(j);
}

/* dlr_done: the report's transaction is over (committer thread). The
 * report's id travels in the job's id. */
static void
dlr_done(struct job *j)
{
	struct boxlink *bl = j->conn;

	if (j->rc == STORE_ERR) {
		log_warnx("box: DLR for message %lld not stored: answered failed_tmp", j->dlr_id);
		send_ack(bl, j->box_conn, j->id, BOX_ACK_FAILED_TMP);
		box_pause(bl->box, DB_PAUSE_MS);
	} else {
		if (j->rc == STORE_OK)
			metrics_dlr(bl->metrics, j->dlr_type);
		else
			log_warnx("box: DLR for message %lld, which is not in the outbox: dropped",
			    j->dlr_id);
		send_ack(bl, j->box_conn, j->id, BOX_ACK_SUCCESS);
	}
	job_free(j);
}

/* submit hands j to the committer unless langso is stopping. */
static bool
submit(struct boxlink *bl, struct job *j)
{
	bool ok;

	pthread_mutex_lock(&bl->qmu);
	ok = !bl->quiesced && committer_submit(bl->committer, j) == 0;
	pthread_mutex_unlock(&bl->qmu);
	if (!ok)
		job_free(j);
	return ok;
}

static void
take_mo(struct boxlink *bl, uint64_t conn, const struct boxmsg_sms *m, const char *id)
{
	char from[32] = "", to[32] = "", smsc[32] = "", charset[32] = "", meta[512] = "", why[128];
	struct mo_fields in;
	struct job *j;

	memset(&in, 0, sizeof in);
	in.id = id;
	in.from = field(m->sender, from, sizeof from) ? from : NULL;
	in.to = field(m->receiver, to, sizeof to) ? to : "";
	in.smsc = field(m->smsc_id, smsc, sizeof smsc) ? smsc : "";
	in.meta = field(m->meta_data, meta, sizeof meta) ? meta : NULL;
	in.coding = m->coding < 0 ? 0 : m->coding;
	/* the charset Kannel names (as %C); without one, coding 2 is UTF-16BE
	 * and anything else Kannel's internal UTF-8 */
	if (field(m->charset, charset, sizeof charset) && charset[0] != '\0')
		in.charset = charset;
	else
		in.charset = in.coding == 2 ? "UTF-16BE" : "UTF-8";
	in.has_text = m->msgdata.len >= 0;
	in.text = in.has_text ? m->msgdata.p : "";
	in.text_len = in.has_text ? (size_t)m->msgdata.len : 0;
	if ((j = job_new_mo(&in, why, sizeof why)) == NULL) {
		/* it will never be better: bearerbox is told to drop it */
		why[strcspn(why, "\n")] = '\0';
		log_warnx("box: MO %s from %s refused: %s", id, in.from ? in.from : "(none)", why);
		metrics_mo(bl->metrics, "bad_request", 0);
		count(bl, &bl->refused);
		send_ack(bl, conn, id, BOX_ACK_FAILED);
		return;
	}
	str_copy(j->box_from, sizeof j->box_from, from);
	str_copy(j->box_to, sizeof j->box_to, to);
	j->box_conn = conn;
	j->box_t0 = mono_now();
	j->conn = bl;
	j->done = mo_done;
	if (submit(bl, j))
		count(bl, &bl->mos);
}

static void
take_dlr(struct boxlink *bl, uint64_t conn, const struct boxmsg_sms *m, const char *id)
{
	char url[32], *end, text[1024];
	struct job *j;
	long long msg;

	if (!field(m->dlr_url, url, sizeof url) || (msg = strtoll(url, &end, 10)) <= 0 || *end != '\0' ||
	    m->dlr_mask < 0 || m->dlr_mask > 255) {
		log_warnx("box: delivery report %s without a langso message id (dlr_url \"%.*s\"): "
		    "dropped", id, m->dlr_url.len > 0 ? (int)(m->dlr_url.len > 40 ? 40 : m->dlr_url.len)
		    : 0, m->dlr_url.len > 0 ? m->dlr_url.p : "");
		send_ack(bl, conn, id, BOX_ACK_FAILED);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->kind = JOB_DLR;
	j->dlr_id = msg;
	j->dlr_type = m->dlr_mask;
	/* %A is the report's text, %F the SMSC's message id (HTTP mode's
	 * reply= and smscid=); what is not UTF-8 is not kept */
	if (m->msgdata.len > 0 && utf8_is_valid(m->msgdata.p, (size_t)m->msgdata.len) &&
	    field(m->msgdata, text, sizeof text))
		str_copy(j->dlr_reply, sizeof j->dlr_reply, text);
	if (m->foreign_id.len > 0 && utf8_is_valid(m->foreign_id.p, (size_t)m->foreign_id.len))
		field(m->foreign_id, j->dlr_smscid, sizeof j->dlr_smscid);
	snprintf(j->id, sizeof j->id, "%s", id);
	j->box_conn = conn;
	j->conn = bl;
	j->done = dlr_done;
	if (submit(bl, j))
		count(bl, &bl->dlrs);
}

static void
on_sms(void *arg, uint64_t conn, const struct boxmsg_sms *m)
{
	struct boxlink *bl = arg;
	char id[64];

	if (!field(m->id, id, sizeof id) || id[0] == '\0') {
		log_warnx("box: a message without an id (type %d): ignored", (int)m->sms_type);
		return;
	}
	if (m->sms_type == BOX_SMS_MO)
		take_mo(bl, conn, m, id);
	else if (m->sms_type == BOX_SMS_REPORT_MO)
		take_dlr(bl, conn, m, id);
	else {
		log_warnx("box: message %s of sms_type %d is not for a box: dropped", id,
		    (int)m->sms_type);
		send_ack(bl, conn, id, BOX_ACK_FAILED);
	}
}

/* ---- MTs: the outbox worker's backend ---- */

/* answer_locked moves slot i to the answers for the outbox thread. */
static void
answer_locked(struct boxlink *bl, int i, enum outbox_verdict v, const char *text)
{
	struct outbox_answer *a;

	if (bl->ndone == bl->done_cap) {
		bl->done_cap = bl->done_cap ? bl->done_cap * 2 : 256;
		bl->done = xrealloc(bl->done, (size_t)bl->done_cap * sizeof *bl->done);
	}
	a = &bl->done[bl->ndone++];
	a->msg = bl->slots[i].msg;
	a->verdict = v;
	snprintf(a->text, sizeof a->text, "%s", text);
	bl->slots[i].used = false;
	bl->used--;
}

static void
on_ack(void *arg, uint64_t conn, const struct boxmsg_ack *a)
{
	struct boxlink *bl = arg;
	unsigned long long tag = 0;
	int i, k;

	(void)conn;
	k = a->nack >= 0 && a->nack < ACK_IN_OTHER ? a->nack : ACK_IN_OTHER;
	pthread_mutex_lock(&bl->mu);
	if (a->id.len == UUID_LEN) {
		for (int d = UUID_LEN - 12; d < UUID_LEN; d++) {
			char c = a->id.p[d];

			tag = tag << 4 | (unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
		}
		i = (int)(tag >> 32);
		if (i < bl->nslots && bl->slots[i].used && memcmp(bl->slots[i].uuid, a->id.p, UUID_LEN) == 0) {
			static const enum outbox_verdict v[ACK_IN_N] = {SENT_ACCEPTED, SENT_FAILED,
			    SENT_RETRY, SENT_ACCEPTED, SENT_RETRY};
			char text[64];

			snprintf(text, sizeof text, "box ack %s", ack_in_name[k]);
			answer_locked(bl, i, v[k], text);
			bl->mt_acks[k]++;
			pthread_mutex_unlock(&bl->mu);
			wake_outbox(bl);
			return;
		}
	}
	/* the ack of a reply (mt_reply), or of an MT already given up on */
	if (k == ACK_IN_SUCCESS || k == ACK_IN_BUFFERED)
		bl->reply_acks++;
	else
		bl->unmatched_acks++;
	pthread_mutex_unlock(&bl->mu);
	if (k != ACK_IN_SUCCESS && k != ACK_IN_BUFFERED)
		log_warnx("box: bearerbox answered %s for message %.*s (a reply, or an MT no longer "
		    "waited for)", ack_in_name[k], a->id.len > 0 ? (int)a->id.len : 0,
		    a->id.len > 0 ? a->id.p : "");
}

static void
on_up(void *arg, uint64_t conn)
{
	struct boxlink *bl = arg;

	pthread_mutex_lock(&bl->mu);
	bl->conn_up = conn;
	pthread_mutex_unlock(&bl->mu);
	metrics_set_box(bl->metrics, true);
	wake_outbox(bl);
}

/* on_down: every MT of that connection without its ack is sent again
 * (bearerbox may have stored some of them: those arrive twice). */
static void
on_down(void *arg, uint64_t conn)
{
	struct boxlink *bl = arg;
	int n = 0;

	metrics_set_box(bl->metrics, false);
	pthread_mutex_lock(&bl->mu);
	if (bl->conn_up == conn)
		bl->conn_up = 0;
	for (int i = 0; i < bl->nslots; i++)
		if (bl->slots[i].used && bl->slots[i].conn == conn) {
			answer_locked(bl, i, SENT_RETRY, "bearerbox connection lost before its ack");
			n++;
		}
	bl->retried_down += (unsigned long long)n;
	pthread_mutex_unlock(&bl->mu);
	if (n > 0) {
		log_warnx("box: %d MT(s) without an ack when the connection went: sent again", n);
		wake_outbox(bl);
	}
}

static int
be_capacity(void *t)
{
	struct boxlink *bl = t;
	int n;

	pthread_mutex_lock(&bl->mu);
	n = bl->conn_up ? bl->nslots - bl->used : 0;
	pthread_mutex_unlock(&bl->mu);
	return n;
}

static int
be_in_flight(void *t)
{
	struct boxlink *bl = t;
	int n;

	pthread_mutex_lock(&bl->mu);
	n = bl->used + bl->ndone;
	pthread_mutex_unlock(&bl->mu);
	return n;
}

static int
be_send(void *t, const struct outbox_msg *m, char *why, size_t whylen)
{
	struct boxlink *bl = t;
	struct boxmsg b;
	struct boxmsg_sms *s = &b.u.sms;
	unsigned char ucs2[OUTBOX_TEXT_MAX * 2], tag[6];
	char dlr[24];
	size_t len = strlen(m->text);
	struct slot *sl;
	int i, rc;
	long n = 0;

	boxmsg_init(&b, BOXMSG_SMS);
	snprintf(dlr, sizeof dlr, "%lld", m->id);
	s->sender = boxmsg_str_of(bl->conf->sender);
	s->receiver = boxmsg_str_of(m->phone);
	s->time = (int32_t)time(NULL);
	s->sms_type = BOX_SMS_MT_PUSH;
	s->dlr_mask = 31;
	s->dlr_url = boxmsg_str_of(dlr);
	s->boxc_id = boxmsg_str_of(bl->conf->box_id);
	if (m->coding == 2) {
		if ((n = kannel_utf16be(m->text, len, ucs2, sizeof ucs2)) < 0) {
			snprintf(why, whylen, "text is not UTF-8");
			return -1;
		}
		s->coding = 2;
		s->charset = boxmsg_str_of("UTF-16BE");
		s->msgdata = (struct boxmsg_str){(const char *)ucs2, (int32_t)n};
	} else {
		s->coding = 0;
		s->charset = boxmsg_str_of("UTF-8");
		s->msgdata = (struct boxmsg_str){m->text, (int32_t)len};
	}
	pthread_mutex_lock(&bl->mu);
	if (bl->conn_up == 0 || bl->used == bl->nslots) {
		pthread_mutex_unlock(&bl->mu);
		snprintf(why, whylen, bl->conn_up ? "box window full" : "bearerbox not connected");
		return -1;
	}
	for (i = bl->hint; bl->slots[i].used; i = (i + 1) % bl->nslots)
		;
	bl->hint = (i + 1) % bl->nslots;
	sl = &bl->slots[i];
	sl->gen++;
	tag[0] = (unsigned char)(i >> 8);
	tag[1] = (unsigned char)i;
	tag[2] = (unsigned char)(sl->gen >> 24);
	tag[3] = (unsigned char)(sl->gen >> 16);
	tag[4] = (unsigned char)(sl->gen >> 8);
	tag[5] = (unsigned char)sl->gen;
	uuid_text(sl->uuid, tag);
	s->id = boxmsg_str_of(sl->uuid);
	/* under mu: the ack (box thread) cannot look for the slot before it
	 * is filled, nor the connection go down between the check and here */
	if ((rc = box_send(bl->box, bl->conn_up, &b)) == 0) {
		sl->used = true;
		sl->conn = bl->conn_up;
		sl->sent_at = mono_now();
		sl->msg = *m;
		bl->used++;
		bl->mts++;
	}
	pthread_mutex_unlock(&bl->mu);
	if (rc != 0)
		snprintf(why, whylen, "bearerbox connection not writable");
	return rc;
}

static void
be_wait(void *t, int wake_fd, int ms)
{
	struct pollfd p = {.fd = wake_fd, .events = POLLIN};

	(void)t;
	poll(&p, 1, ms);
}

static int
be_answers(void *t, struct outbox_answer *out, int max)
{
	struct boxlink *bl = t;
	double now = mono_now();
	int n;

	pthread_mutex_lock(&bl->mu);
	if (now >= bl->next_scan) {
		int late = 0;

		bl->next_scan = now + 1;
		for (int i = 0; i < bl->nslots; i++)
			if (bl->slots[i].used && now - bl->slots[i].sent_at > ACK_TIMEOUT_S) {
				answer_locked(bl, i, SENT_RETRY, "no ack from bearerbox in time");
				late++;
			}
		bl->retried_timeout += (unsigned long long)late;
		if (late > 0)
			log_warnx("box: %d MT(s) without an ack for %d s: sent again", late, ACK_TIMEOUT_S);
	}
	n = bl->ndone < max ? bl->ndone : max;
	if (n > 0) {
		memcpy(out, bl->done, (size_t)n * sizeof *out);
		memmove(bl->done, bl->done + n, (size_t)(bl->ndone - n) * sizeof *bl->done);
		bl->ndone -= n;
	}
	pthread_mutex_unlock(&bl->mu);
	return n;
}

static void boxlink_free(void *t);

static const struct outbox_backend backend = {
	.name = "bearerbox",
	.capacity = be_capacity,
	.in_flight = be_in_flight,
	.send = be_send,
	.wait = be_wait,
	.answers = be_answers,
	.free = boxlink_free,
};

const struct outbox_backend *
boxlink_backend(void)
{
	return &backend;
}

/* ---- /metrics ---- */

static void
write_metrics(void *arg, FILE *out)
{
	struct boxlink *bl = arg;
	struct box_figures f;

	memset(&f, 0, sizeof f);
	if (bl->box != NULL)
		box_figures(bl->box, &f);
	pthread_mutex_lock(&bl->mu);
	fprintf(out, "# TYPE langso_box_up gauge\nlangso_box_up %d\n", f.up ? 1 : 0);
	fprintf(out, "# TYPE langso_box_frames_total counter\n"
	    "langso_box_frames_total{direction=\"in\"} %" PRIu64 "\n"
	    "langso_box_frames_total{direction=\"out\"} %" PRIu64 "\n", f.frames_in, f.frames_out);
	fprintf(out, "# TYPE langso_box_bad_frames_total counter\nlangso_box_bad_frames_total %" PRIu64
	    "\n", f.bad_frames);
	fprintf(out, "# TYPE langso_box_reconnects_total counter\nlangso_box_reconnects_total %" PRIu64
	    "\n", f.reconnects);
	fprintf(out, "# TYPE langso_box_messages_total counter\n"
	    "langso_box_messages_total{kind=\"mo\"} %llu\n"
	    "langso_box_messages_total{kind=\"dlr\"} %llu\n"
	    "langso_box_messages_total{kind=\"mo_refused\"} %llu\n"
	    "langso_box_messages_total{kind=\"reply\"} %llu\n"
	    "langso_box_messages_total{kind=\"mt\"} %llu\n", bl->mos, bl->dlrs, bl->refused,
	    bl->replies, bl->mts);
	fprintf(out, "# TYPE langso_box_acks_total counter\n");
	for (int k = 0; k < ACK_IN_N; k++)
		fprintf(out, "langso_box_acks_total{direction=\"in\",of=\"mt\",status=\"%s\"} %llu\n",
		    ack_in_name[k], bl->mt_acks[k]);
	fprintf(out, "langso_box_acks_total{direction=\"in\",of=\"reply\",status=\"success\"} %llu\n",
	    bl->reply_acks);
	fprintf(out, "langso_box_acks_total{direction=\"in\",of=\"unmatched\",status=\"any\"} %llu\n",
	    bl->unmatched_acks);
	for (int k = 0; k < 3; k++)
		fprintf(out, "langso_box_acks_total{direction=\"out\",of=\"mo\",status=\"%s\"} %llu\n",
		    ack_in_name[k], bl->mo_acks[k]);
	fprintf(out, "# TYPE langso_box_mt_unacked gauge\nlangso_box_mt_unacked %d\n", bl->used);
	fprintf(out, "# TYPE langso_box_mt_window gauge\nlangso_box_mt_window %d\n", bl->nslots);
	fprintf(out, "# TYPE langso_box_mt_retried_total counter\n"
	    "langso_box_mt_retried_total{reason=\"disconnect\"} %llu\n"
	    "langso_box_mt_retried_total{reason=\"timeout\"} %llu\n", bl->retried_down,
	    bl->retried_timeout);
	pthread_mutex_unlock(&bl->mu);
}

/* ---- life ---- */

struct boxlink *
boxlink_new(const struct conf *conf, struct metrics *m)
{
	struct boxlink *bl;

	if (sodium_init() < 0)
		return NULL;
	bl = xcalloc(1, sizeof *bl);
	bl->conf = conf;
	bl->metrics = m;
	bl->wake_fd = -1;
	/* the slot index travels in 16 bits of the UUID */
	bl->nslots = conf->box_window < 65535 ? conf->box_window : 65535;
	bl->slots = xcalloc((size_t)bl->nslots, sizeof *bl->slots);
	pthread_mutex_init(&bl->mu, NULL);
	pthread_mutex_init(&bl->qmu, NULL);
	metrics_set_box(m, false);
	metrics_set_writer(m, write_metrics, bl);
	return bl;
}

int
boxlink_start(struct boxlink *bl, struct committer *c, int wake_fd)
{
	struct box_conf bc;
	struct box_ops ops = {.sms = on_sms, .ack = on_ack, .up = on_up, .down = on_down};

	memset(&bc, 0, sizeof bc);
	str_copy(bc.host, sizeof bc.host, bl->conf->bearerbox_host);
	bc.port = bl->conf->bearerbox_port;
	str_copy(bc.id, sizeof bc.id, bl->conf->box_id);
	bc.heartbeat_s = 5;
	bc.backoff_max_s = 10;
	bl->committer = c;
	bl->wake_fd = wake_fd;
	if ((bl->box = box_start(&bc, &ops, bl)) == NULL)
		return -1;
	return 0;
}

void
boxlink_quiesce(struct boxlink *bl)
{
	pthread_mutex_lock(&bl->qmu);
	bl->quiesced = true;
	pthread_mutex_unlock(&bl->qmu);
}

void
boxlink_stop(struct boxlink *bl)
{
	if (bl == NULL || bl->box == NULL)
		return;
	boxlink_quiesce(bl);
	box_stop(bl->box);
	bl->box = NULL;
}

static void
boxlink_free(void *t)
{
	struct boxlink *bl = t;

	if (bl == NULL)
		return;
	boxlink_stop(bl);
	metrics_set_writer(bl->metrics, NULL, NULL);
	pthread_mutex_destroy(&bl->mu);
	pthread_mutex_destroy(&bl->qmu);
	free(bl->slots);
	free(bl->done);
	free(bl);
}
