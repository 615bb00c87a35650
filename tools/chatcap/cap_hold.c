/*
 * cap_hold.c — the ring of packets whose output waits, and the byte ring
 * their output is kept in (cap_hold.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cap_hold.h"

#define HOLD_RING_MIN (256 * 1024)  /* the byte ring's first size */

static struct cap_held *
entry(const struct cap_hold *q, size_t i)
{
	return &q->e[(q->first + i) % CAP_HOLD_PACKETS];
}

static size_t
block_len(const struct cap_held *x)
{
	return x->line_len + x->comment_len + x->bytes_len;
}

struct cap_held *
cap_hold_full(struct cap_hold *q)
{
	return q->n == CAP_HOLD_PACKETS ? &q->e[q->first] : NULL;
}

struct cap_held *
cap_hold_oldest(struct cap_hold *q)
{
	return q->n > 0 ? &q->e[q->first] : NULL;
}

void
cap_hold_pop(struct cap_hold *q)
{
	struct cap_held *x;
	size_t len;

	if (q->n == 0)
		return;
	x = &q->e[q->first];
	len = block_len(x);
	q->first = (q->first + 1) % CAP_HOLD_PACKETS;
	q->n--;
	if (len == 0)
		return;
	q->used -= len;
	q->tail = x->off + len;         /* blocks leave in the order they came */
	if (q->wrapped && q->tail == q->top) {
		q->tail = 0;
		q->wrapped = false;
	}
	if (q->used == 0)
		q->head = q->tail = 0;
}

/* A ring of at least need more bytes, the blocks held copied to its start
 * in order. 0, or -1 out of memory. */
static int
grow(struct cap_hold *q, size_t need)
{
	size_t cap = q->cap < HOLD_RING_MIN ? HOLD_RING_MIN : q->cap * 2;
	size_t i, at = 0;
	char *r;

	while (cap < q->used + need)
		cap *= 2;
	if ((r = malloc(cap)) == NULL)
		return -1;
	for (i = 0; i < q->n; i++) {
		struct cap_held *x = entry(q, i);
		size_t len = block_len(x);

		if (len > 0)
			memcpy(r + at, q->ring + x->off, len);
		x->off = at;
		at += len;
	}
	free(q->ring);
	q->ring = r;
	q->cap = cap;
	q->head = at;
	q->tail = 0;
	q->wrapped = false;
	return 0;
}

/* Room for len new bytes after the newest block, at *at. Where the end
 * of the ring has no room, the block starts again at 0 if the oldest
 * block leaves room there. 0, or -1 out of memory. */
static int
place(struct cap_hold *q, size_t len, size_t *at)
{
	if (!q->wrapped && q->cap - q->head < len && q->tail >= len &&
	    q->used > 0) {
		q->top = q->head;
		q->head = 0;
		q->wrapped = true;
	}
	if (q->wrapped ? q->tail - q->head < len : q->cap - q->head < len) {
		if (grow(q, len) < 0)
			return -1;
	}
	*at = q->head;
	q->head += len;
	q->used += len;
	return 0;
}

struct cap_held *
cap_hold_add(struct cap_hold *q, uint64_t frame, const char *line, size_t ln,
             const char *comment, size_t cn, const void *bytes, size_t bn)
{
	struct cap_held *h;
	size_t len = ln + cn + bn, at = 0;

	if (q->e == NULL &&
	    (q->e = calloc(CAP_HOLD_PACKETS, sizeof(*q->e))) == NULL)
		return NULL;
	if (q->n == CAP_HOLD_PACKETS)
		return NULL;
	if (len > 0 && place(q, len, &at) < 0)
		return NULL;
	h = entry(q, q->n++);
	h->frame = frame;
	h->lost = h->has_packet = false;
	h->resent_in = 0;
	h->off = at;
	h->line_len = ln;
	h->comment_len = cn;
	h->bytes_len = bn;
	if (ln > 0)
		memcpy(q->ring + h->off, line, ln);
	if (cn > 0)
		memcpy(q->ring + h->off + ln, comment, cn);
	if (bn > 0)
		memcpy(q->ring + h->off + ln + cn, bytes, bn);
	return h;
}

const char *
cap_hold_line(const struct cap_hold *q, const struct cap_held *x)
{
	return x->line_len > 0 ? q->ring + x->off : "";
}

const char *
cap_hold_comment(const struct cap_hold *q, const struct cap_held *x)
{
	return x->comment_len > 0 ? q->ring + x->off + x->line_len : "";
}

const uint8_t *
cap_hold_bytes(const struct cap_hold *q, const struct cap_held *x)
{
	return x->bytes_len > 0
	       ? (const uint8_t *)q->ring + x->off + x->line_len + x->comment_len
	       : (const uint8_t *)"";
}

/* The entries' frames only grow (not every packet is held): a binary
 * search finds frame. */
void
cap_hold_mark(struct cap_hold *q, uint64_t frame, uint64_t resent_in)
{
	size_t lo = 0, hi = q->n, mid;
	struct cap_held *h;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		h = entry(q, mid);
		if (h->frame == frame) {
			if (!h->lost) {
				h->lost = true;
				h->resent_in = resent_in;
			}
			return;
		}
		if (h->frame < frame)
			lo = mid + 1;
		else
			hi = mid;
	}
}

void
cap_hold_free(struct cap_hold *q)
{
	free(q->e);
	free(q->ring);
	memset(q, 0, sizeof(*q));
}
