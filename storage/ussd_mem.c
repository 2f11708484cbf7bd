/*
 * ussd_mem.c - the in-memory USSD session table over a shared file
 * mapping (ussd_mem.h). File layout: one page of header, then capacity
 * slots of two copies each. A copy is a small header (sequence number,
 * checksum, payload length) and the session serialized as a few integers
 * and NUL-ended strings. The phone -> slot index lives in process memory
 * only and is rebuilt from the copies at open.
 */
#include "storage/ussd_mem.h"
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "langso-ussd-1"
#define HEADER_SIZE 4096
#define COPY_SIZE 2560			/* one copy of a session: its longest state and history fit */

struct file_header {
	char magic[16];
	uint32_t copy_size;
	uint32_t capacity;
};

struct copy_header {
	uint64_t seq;			/* 0: never written; the higher copy wins */
	uint64_t sum;			/* mix() of seq, len and the payload */
	uint32_t len;			/* payload bytes; 0: a free slot */
};

#define PAYLOAD_MAX (COPY_SIZE - sizeof(struct copy_header))
/* every session fits its slot: its strings, NULs included, and 9 bytes of
 * integers are less than the struct */
_Static_assert(sizeof(struct ussd_entry) + 9 <= PAYLOAD_MAX, "a session must fit a copy");

struct ussd_mem {
	int fd;
	unsigned char *map;
	size_t map_len;
	int capacity, count;
	uint64_t seq;			/* the highest sequence number written */
	unsigned char *cur;		/* per slot: the copy (0 or 1) read last */
	int *next;			/* per slot: the next slot of its bucket, -1 */
	int *bucket;			/* nbuckets heads, -1 */
	unsigned nbuckets;
	int *free_slots, nfree;
	int hand;			/* clock hand of the eviction scan */
	long long *updated;		/* per slot: updated_at, or -1 when free */
	bool *ended;			/* per slot: the session ended */
	char (*phone)[20];		/* per slot: the key */
};

/* mix: an FNV-1a style hash taken a word at a time (a copy is summed on
 * every step; it only has to catch a torn write, not an adversary) */
static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t w;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; n > 0; b++, n--)
		h = (h ^ *b) * 0x100000001b3ULL;
	return h;
}

static uint64_t
copy_sum(const struct copy_header *h, const unsigned char *payload)
{
	uint64_t s = 0xcbf29ce484222325ULL;

	s = mix(s, &h->seq, sizeof h->seq);
	s = mix(s, &h->len, sizeof h->len);
	return mix(s, payload, h->len);
}

static unsigned char *
copy_at(const struct ussd_mem *t, int slot, int which)
{
	return t->map + HEADER_SIZE + ((size_t)slot * 2 + (size_t)which) * COPY_SIZE;
}

static unsigned
hash_phone(const struct ussd_mem *t, const char *phone)
{
	return (unsigned)mix(0xcbf29ce484222325ULL, phone, strlen(phone)) & (t->nbuckets - 1);
}

/* ---- serialization: updated_at, ended, then NUL-ended strings ---- */

struct writer {
	unsigned char *p;
	size_t len, cap;
	bool overflow;
};

static void
put_bytes(struct writer *w, const void *b, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

static void
put_str(struct writer *w, const char *s)
{
	put_bytes(w, s, strlen(s) + 1);
}

static size_t
serialize(const struct ussd_entry *e, unsigned char *out, size_t cap)
{
	struct writer w = {out, 0, cap, false};
	int64_t at = e->row.updated_at;
	unsigned char ended = e->row.ended;

	put_bytes(&w, &at, sizeof at);
	put_bytes(&w, &ended, 1);
	put_str(&w, e->row.phone);
	put_str(&w, e->row.session);
	put_str(&w, e->row.hist);
	put_str(&w, e->row.state);
	put_str(&w, e->screen);
	put_str(&w, e->pending);
	return w.overflow ? 0 : w.len;
}

struct reader {
	const unsigned char *p;
	size_t len, off;
	bool bad;
};

static void
get_bytes(struct reader *r, void *b, size_t n)
{
	if (r->bad || n > r->len - r->off) {
		r->bad = true;
		return;
	}
	memcpy(b, r->p + r->off, n);
	r->off += n;
}

static void
get_str(struct reader *r, char *out, size_t cap)
{
	const unsigned char *nul;
	size_t n;

	if (r->bad || (nul = memchr(r->p + r->off, '\0', r->len - r->off)) == NULL) {
		r->bad = true;
		return;
	}
	n = (size_t)(nul - (r->p + r->off));
	if (n >= cap) {
		r->bad = true;
		return;
	}
	memcpy(out, r->p + r->off, n + 1);
	r->off += n + 1;
}

static int
deserialize(const unsigned char *p, size_t len, struct ussd_entry *e)
{
	struct reader r = {p, len, 0, false};
	int64_t at = 0;
	unsigned char ended = 0;

	/* every field is written below (no memset: 2 KB a step) */
	get_bytes(&r, &at, sizeof at);
	get_bytes(&r, &ended, 1);
	get_str(&r, e->row.phone, sizeof e->row.phone);
	get_str(&r, e->row.session, sizeof e->row.session);
	get_str(&r, e->row.hist, sizeof e->row.hist);
	get_str(&r, e->row.state, sizeof e->row.state);
	get_str(&r, e->screen, sizeof e->screen);
	get_str(&r, e->pending, sizeof e->pending);
	if (r.bad || r.off != len || e->row.phone[0] == '\0')
		return -1;
	e->row.updated_at = at;
	e->row.ended = ended != 0;
	return 0;
}

/* copy_valid: the copy is whole (its checksum holds); its payload length. */
static bool
copy_valid(const unsigned char *c, uint64_t *seq, uint32_t *len)
{
	struct copy_header h;

	memcpy(&h, c, sizeof h);
	if (h.seq == 0 || h.len > PAYLOAD_MAX || copy_sum(&h, c + sizeof h) != h.sum)
		return false;
	*seq = h.seq;
	*len = h.len;
	return true;
}

/* ---- the index ---- */

static int
find(const struct ussd_mem *t, const char *phone)
{
	for (int i = t->bucket[hash_phone(t, phone)]; i >= 0; i = t->next[i])
		if (strcmp(t->phone[i], phone) == 0)
			return i;
	return -1;
}

static void
link_slot(struct ussd_mem *t, int slot, const char *phone)
{
	unsigned b = hash_phone(t, phone);

	str_copy(t->phone[slot], sizeof t->phone[slot], phone);
	t->next[slot] = t->bucket[b];
	t->bucket[b] = slot;
	t->count++;
}

static void
unlink_slot(struct ussd_mem *t, int slot)
{
	int *p = &t->bucket[hash_phone(t, t->phone[slot])];

	while (*p >= 0 && *p != slot)
		p = &t->next[*p];
	if (*p == slot)
		*p = t->next[slot];
	t->next[slot] = -1;
	t->phone[slot][0] = '\0';
	t->updated[slot] = -1;
	t->count--;
}

/* write_copy writes payload into the slot's older copy: the header last,
 * so a copy cut half-way fails its checksum and the other one stands. */
static void
write_copy(struct ussd_mem *t, int slot, const unsigned char *payload, uint32_t len)
{
	int which = t->cur[slot] ^ 1;
	unsigned char *c = copy_at(t, slot, which);
	struct copy_header h = {++t->seq, 0, len};

	memcpy(c + sizeof h, payload, len);
	h.sum = copy_sum(&h, c + sizeof h);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(c, &h, sizeof h);
	t->cur[slot] = (unsigned char)which;
}

/* load reads every slot back at open; a phone found in two slots (not
 * written so, but a file is a file) keeps the newer. */
static void
load(struct ussd_mem *t)
{
	struct ussd_entry e;

	for (int i = t->capacity - 1; i >= 0; i--) {
		uint64_t seq[2] = {0, 0};
		uint32_t len[2] = {0, 0};
		bool ok[2];
		int best, dup;

		for (int k = 0; k < 2; k++)
			ok[k] = copy_valid(copy_at(t, i, k), &seq[k], &len[k]);
		best = ok[0] && ok[1] ? (seq[1] > seq[0]) : ok[1];
		if (ok[best] && seq[best] > t->seq)
			t->seq = seq[best];
		if (ok[!best] && seq[!best] > t->seq)
			t->seq = seq[!best];
		t->cur[i] = (unsigned char)best;
		if (!ok[best] || len[best] == 0 ||
		    deserialize(copy_at(t, i, best) + sizeof(struct copy_header), len[best], &e) < 0) {
			t->free_slots[t->nfree++] = i;
			continue;
		}
		if ((dup = find(t, e.row.phone)) >= 0) {
			if (t->updated[dup] >= e.row.updated_at) {
				t->free_slots[t->nfree++] = i;
				continue;
			}
			unlink_slot(t, dup);
			t->free_slots[t->nfree++] = dup;
		}
		link_slot(t, i, e.row.phone);
		t->updated[i] = e.row.updated_at;
		t->ended[i] = e.row.ended;
	}
}

struct ussd_mem *
ussd_mem_open(const char *path, int capacity, char *err, size_t errlen)
{
	struct ussd_mem *t;
	struct file_header fh;
	struct stat sb;
	size_t len;
	bool fresh;

	if (capacity < 1 || capacity > 1000000) {
		snprintf(err, errlen, "ussd sessions: capacity %d out of range (1..1000000)", capacity);
		return NULL;
	}
	len = HEADER_SIZE + (size_t)capacity * 2 * COPY_SIZE;
	t = xcalloc(1, sizeof *t);
	t->capacity = capacity;
	t->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (t->fd < 0 || fstat(t->fd, &sb) < 0) {
		snprintf(err, errlen, "ussd sessions: %s: %s", path, strerror(errno));
		goto fail;
	}
	/* a file made for another capacity is started again: its slots do
	 * not line up (the sessions of a restart with a new [ussd]
	 * max_sessions are not offered to resume) */
	fresh = (size_t)sb.st_size < sizeof fh;
	if (!fresh) {
		if (pread(t->fd, &fh, sizeof fh, 0) != (ssize_t)sizeof fh) {
			snprintf(err, errlen, "ussd sessions: %s: cannot read", path);
			goto fail;
		}
		fresh = memcmp(fh.magic, MAGIC, sizeof MAGIC) != 0 || fh.copy_size != COPY_SIZE ||
		    fh.capacity != (uint32_t)capacity || (size_t)sb.st_size != len;
	}
	if (fresh && (ftruncate(t->fd, 0) < 0 || ftruncate(t->fd, (off_t)len) < 0)) {
		snprintf(err, errlen, "ussd sessions: %s: %s", path, strerror(errno));
		goto fail;
	}
	t->map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
	if (t->map == MAP_FAILED) {
		t->map = NULL;
		snprintf(err, errlen, "ussd sessions: %s: mmap: %s", path, strerror(errno));
		goto fail;
	}
	t->map_len = len;
	if (fresh) {
		memset(&fh, 0, sizeof fh);
		memcpy(fh.magic, MAGIC, sizeof MAGIC);
		fh.copy_size = COPY_SIZE;
		fh.capacity = (uint32_t)capacity;
		memcpy(t->map, &fh, sizeof fh);
	}
	for (t->nbuckets = 16; t->nbuckets < (unsigned)capacity * 2; t->nbuckets *= 2)
		;
	t->cur = xcalloc((size_t)capacity, 1);
	t->next = xmalloc(sizeof *t->next * (size_t)capacity);
	t->bucket = xmalloc(sizeof *t->bucket * t->nbuckets);
	t->free_slots = xmalloc(sizeof *t->free_slots * (size_t)capacity);
	t->updated = xmalloc(sizeof *t->updated * (size_t)capacity);
	t->ended = xcalloc((size_t)capacity, sizeof *t->ended);
	t->phone = xcalloc((size_t)capacity, sizeof *t->phone);
	for (int i = 0; i < capacity; i++) {
		t->next[i] = -1;
		t->updated[i] = -1;
	}
	for (unsigned b = 0; b < t->nbuckets; b++)
		t->bucket[b] = -1;
	load(t);
	return t;
fail:
	ussd_mem_close(t);
	return NULL;
}

void
ussd_mem_close(struct ussd_mem *t)
{
	if (t == NULL)
		return;
	if (t->map != NULL)
		munmap(t->map, t->map_len);
	if (t->fd >= 0)
		close(t->fd);
	free(t->cur);
	free(t->next);
	free(t->bucket);
	free(t->free_slots);
	free(t->updated);
	free(t->ended);
	free(t->phone);
	free(t);
}

int
ussd_mem_get(struct ussd_mem *t, const char *phone, struct ussd_entry *out)
{
	int i = find(t, phone);
	const unsigned char *c;
	struct copy_header h;

	if (i < 0)
		return STORE_NONE;
	c = copy_at(t, i, t->cur[i]);
	memcpy(&h, c, sizeof h);
	if (deserialize(c + sizeof h, h.len, out) < 0)
		return STORE_NONE;	/* not written so: load() checked it */
	return STORE_OK;
}

/* take_slot: a free slot, else the next ended or silent session's (a
 * clock sweep over the table), else -1. */
static int
take_slot(struct ussd_mem *t, long long now, long long timeout)
{
	if (t->nfree > 0)
		return t->free_slots[--t->nfree];
	for (int n = 0; n < t->capacity; n++) {
		int i = t->hand;

		t->hand = (t->hand + 1) % t->capacity;
		if (t->updated[i] >= 0 && (t->ended[i] || now - t->updated[i] > timeout)) {
			unlink_slot(t, i);
			return i;
		}
	}
	return -1;
}

int
ussd_mem_put(struct ussd_mem *t, const struct ussd_entry *e, long long now, long long timeout)
{
	unsigned char payload[PAYLOAD_MAX];
	size_t len = serialize(e, payload, sizeof payload);
	int i;

	if (len == 0 || e->row.phone[0] == '\0')
		return STORE_ERR;
	if ((i = find(t, e->row.phone)) < 0) {
		if ((i = take_slot(t, now, timeout)) < 0)
			return STORE_ERR;
		link_slot(t, i, e->row.phone);
	}
	write_copy(t, i, payload, (uint32_t)len);
	t->updated[i] = e->row.updated_at;
	t->ended[i] = e->row.ended;
	return STORE_OK;
}

int
ussd_mem_count(const struct ussd_mem *t)
{
	return t->count;
}
