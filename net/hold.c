/*
 * hold.c — the impairer's held packets as a binary min-heap (see hold.h).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "hold.h"

static bool
before(const struct hold_item *a, const struct hold_item *b)
{
	return a->due_us < b->due_us ||
	       (a->due_us == b->due_us && a->seq < b->seq);
}

static void
swap(struct hold_item *a, struct hold_item *b)
{
	struct hold_item t = *a;

	*a = *b;
	*b = t;
}

int
hold_init(struct hold *h, size_t cap)
{
	h->n = 0;
	h->seq = 0;
	h->cap = cap;
	h->v = calloc(cap, sizeof(*h->v));
	return h->v == NULL ? -1 : 0;
}

void
hold_free(struct hold *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->v[i].copy);
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

int
hold_push(struct hold *h, uint64_t due_us, uint32_t id, unsigned char *copy,
          size_t copy_len)
{
	size_t i, parent;

	if (h->n == h->cap)
		return -1;
	i = h->n++;
	h->v[i] = (struct hold_item){ due_us, h->seq++, id, copy, copy_len };
	for (; i > 0; i = parent) {
		parent = (i - 1) / 2;
		if (!before(&h->v[i], &h->v[parent]))
			break;
		swap(&h->v[i], &h->v[parent]);
	}
	return 0;
}

uint64_t
hold_next(const struct hold *h)
{
	return h->n == 0 ? UINT64_MAX : h->v[0].due_us;
}

/* Move the root down to its place after a pop. */
static void
sift_down(struct hold *h)
{
	size_t i = 0, l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < h->n && before(&h->v[l], &h->v[m]))
			m = l;
		if (r < h->n && before(&h->v[r], &h->v[m]))
			m = r;
		if (m == i)
			return;
		swap(&h->v[i], &h->v[m]);
		i = m;
	}
}

int
hold_pop_due(struct hold *h, uint64_t now_us, struct hold_item *out)
{
	if (h->n == 0 || h->v[0].due_us > now_us)
		return 0;
	*out = h->v[0];
	h->v[0] = h->v[--h->n];
	sift_down(h);
	return 1;
}
