/*
 * buf.c — a growable byte queue. Consumed bytes are skipped by moving a
 * position; they are reclaimed by sliding the rest down only when the
 * space at the end runs out, so draining costs no copy per write.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define BUF_MIN 512

int
buf_append(struct buf *b, const void *p, size_t n, size_t limit)
{
	size_t want;
	char *d;

	if (n > limit || b->len > limit - n)
		return -1;
	if (n == 0)             /* nothing to copy; data may still be NULL */
		return 0;
	if (b->off + b->len + n > b->cap) {
		if (b->off > 0) {               /* reclaim consumed bytes first */
			memmove(b->data, b->data + b->off, b->len);
			b->off = 0;
		}
		if (b->len + n > b->cap) {
			want = b->cap ? b->cap : BUF_MIN;
			while (want < b->len + n)
				want *= 2;
			if ((d = realloc(b->data, want)) == NULL)
				return -1;
			b->data = d;
			b->cap = want;
		}
	}
	memcpy(b->data + b->off + b->len, p, n);
	b->len += n;
	return 0;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {                      /* empty: give the memory back */
		buf_free(b);
		return;
	}
	b->off += n;
	b->len -= n;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
tail_keep(char *tail, size_t cap, size_t *len, const char *d, size_t n)
{
	size_t keep;

	if (cap == 0)
		return;
	if (n >= cap) {
		d += n - (cap - 1);
		n = cap - 1;
	}
	if (*len + n >= cap) {
		keep = cap - 1 - n;             /* < *len here */
		memmove(tail, tail + *len - keep, keep);
		*len = keep;
	}
	memcpy(tail + *len, d, n);
	*len += n;
	tail[*len] = '\0';
}
