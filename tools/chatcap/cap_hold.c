/*
 * cap_hold.c — the ring of packets whose output waits (cap_hold.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cap_hold.h"

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
	if (q->n == 0)
		return;
	q->first = (q->first + 1) % CAP_HOLD_PACKETS;
	q->n--;
}

struct cap_held *
cap_hold_add(struct cap_hold *q, uint64_t frame)
{
	struct cap_held *h;

	if (q->e == NULL &&
	    (q->e = calloc(CAP_HOLD_PACKETS, sizeof(*q->e))) == NULL)
		return NULL;
	if (q->n == CAP_HOLD_PACKETS)
		return NULL;
	h = &q->e[(q->first + q->n++) % CAP_HOLD_PACKETS];
	h->frame = frame;
	h->lost = h->has_packet = false;
	h->resent_in = 0;
	h->line.len = h->comment.len = h->bytes.len = 0;
	return h;
}

int
cap_hold_set(struct cap_hold_buf *b, const void *data, size_t n)
{
	char *p;

	b->len = 0;
	if (n == 0)
		return 0;
	if (n > b->cap) {
		if ((p = realloc(b->p, n)) == NULL)
			return -1;
		b->p = p;
		b->cap = n;
	}
	memcpy(b->p, data, n);
	b->len = n;
	return 0;
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
		h = &q->e[(q->first + mid) % CAP_HOLD_PACKETS];
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
	size_t i;

	if (q->e != NULL)
		for (i = 0; i < CAP_HOLD_PACKETS; i++) {
			free(q->e[i].line.p);
			free(q->e[i].comment.p);
			free(q->e[i].bytes.p);
		}
	free(q->e);
	memset(q, 0, sizeof(*q));
}
