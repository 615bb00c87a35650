/*
 * cap_reasm.c — the out-of-order queue of one direction (cap_reasm.h).
 * A handful of segments at most, so a linear search is the clearest.
 */
#include <stdlib.h>
#include <string.h>

#include "cap_reasm.h"

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

static void
take(struct cap_reasm *q, size_t i, struct cap_reasm_seg *seg)
{
	*seg = q->seg[i];
	q->bytes -= seg->len;
	q->seg[i] = q->seg[--q->n];
}

bool
cap_reasm_hold(struct cap_reasm *q, uint32_t seq, const uint8_t *data,
               size_t len)
{
	uint8_t *copy;

	if (q->n == CAP_REASM_SEGS || len > CAP_REASM_BYTES - q->bytes)
		return false;
	if ((copy = malloc(len)) == NULL)
		return false;
	memcpy(copy, data, len);
	q->seg[q->n++] = (struct cap_reasm_seg){ seq, len, copy };
	q->bytes += len;
	return true;
}

bool
cap_reasm_next(struct cap_reasm *q, uint32_t next, struct cap_reasm_seg *seg,
               size_t *skip)
{
	size_t i = 0;

	while (i < q->n) {
		struct cap_reasm_seg *s = &q->seg[i];
		uint32_t end = s->seq + (uint32_t)s->len;

		if (seq_le(end, next)) {           /* all delivered already */
			free(s->data);
			take(q, i, seg);
			continue;
		}
		if (seq_le(s->seq, next)) {
			*skip = next - s->seq;
			take(q, i, seg);
			return true;
		}
		i++;
	}
	return false;
}

bool
cap_reasm_lowest(struct cap_reasm *q, struct cap_reasm_seg *seg)
{
	size_t i, best = 0;

	if (q->n == 0)
		return false;
	for (i = 1; i < q->n; i++)
		if (seq_lt(q->seg[i].seq, q->seg[best].seq))
			best = i;
	take(q, best, seg);
	return true;
}

void
cap_reasm_free(struct cap_reasm *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		free(q->seg[i].data);
	memset(q, 0, sizeof(*q));
}
