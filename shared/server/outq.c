/*
 * outq.c — reference-counted chunks and queues of references to them
 * (outq.h). The writer fills one chunk at a time; a chunk nobody else
 * references any more is rewound and filled again instead of freed, so a
 * busy room reuses the same few blocks turn after turn.
 */
#include <stdlib.h>
#include <string.h>

#include "outq.h"

#define OUTQ_MIN_REFS 8

struct chunk *
chunk_new(size_t cap)
{
	struct chunk *ch = malloc(sizeof(*ch) + cap);

	if (ch != NULL) {
		ch->refs = 1;
		ch->len = 0;
		ch->cap = cap;
	}
	return ch;
}

void
chunk_unref(struct chunk *ch)
{
	if (ch != NULL && --ch->refs == 0)
		free(ch);
}

/* Room for one more reference at the end of v. */
static int
grow(struct outq *q)
{
	struct outq_ref *v;
	size_t cap;

	if (q->head > 0) {                      /* slide the queue down */
		memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof(*v));
		q->n -= q->head;
		q->head = 0;
		if (q->n < q->cap)
			return 0;
	}
	cap = q->cap ? q->cap * 2 : OUTQ_MIN_REFS;
	if ((v = realloc(q->v, cap * sizeof(*v))) == NULL)
		return -1;
	q->v = v;
	q->cap = cap;
	return 0;
}

int
outq_push(struct outq *q, struct chunk *ch, size_t off, size_t len,
          size_t limit)
{
	struct outq_ref *last = q->n > q->head ? &q->v[q->n - 1] : NULL;

	if (len > limit || q->len > limit - len)
		return -1;
	if (len == 0)
		return 0;
	q->len += len;
	if (last != NULL && last->ch == ch && last->off + last->len == off) {
		last->len += (uint32_t)len;     /* the next bytes: one iovec */
		return 0;
	}
	if (q->n == q->cap && grow(q) < 0) {
		q->len -= len;
		return -1;
	}
	q->v[q->n++] = (struct outq_ref){ ch, (uint32_t)off, (uint32_t)len };
	ch->refs++;
	return 0;
}

/* Copy p into w's current chunk, starting a new one when it is full.
 * Returns the chunk (the writer's reference), or NULL. */
static struct chunk *
writer_put(struct outq_writer *w, const char *p, size_t len, size_t *off)
{
	struct chunk *ch = w->cur;

	if (ch != NULL && ch->refs == 1)        /* only ours: start over */
		ch->len = 0;
	if (ch == NULL || ch->cap - ch->len < len) {
		chunk_unref(ch);
		w->cur = ch = chunk_new(len > OUTQ_CHUNK ? len : OUTQ_CHUNK);
		if (ch == NULL)
			return NULL;
	}
	memcpy(ch->data + ch->len, p, len);
	*off = ch->len;
	ch->len += len;
	return ch;
}

int
outq_push_copy(struct outq *q, struct outq_writer *w, const char *p,
               size_t len, size_t limit)
{
	struct chunk *ch;
	size_t off = 0;
	int r;

	if (w != NULL && p == w->src && len == w->src_len)   /* shared */
		return outq_push(q, w->src_ch, w->src_off, len, limit);
	if (len > limit || q->len > limit - len)
		return -1;
	if (w != NULL) {
		if ((ch = writer_put(w, p, len, &off)) == NULL)
			return -1;
		return outq_push(q, ch, off, len, limit);
	}
	if ((ch = chunk_new(len)) == NULL)      /* a chunk of its own */
		return -1;
	memcpy(ch->data, p, len);
	ch->len = len;
	r = outq_push(q, ch, 0, len, limit);
	chunk_unref(ch);
	return r;
}

size_t
outq_iov(const struct outq *q, struct iovec *iov, size_t max)
{
	size_t i, k = 0;

	for (i = q->head; i < q->n && k < max; i++, k++) {
		iov[k].iov_base = q->v[i].ch->data + q->v[i].off;
		iov[k].iov_len = q->v[i].len;
	}
	return k;
}

void
outq_consume(struct outq *q, size_t n)
{
	struct outq_ref *r;

	while (n > 0 && q->head < q->n) {
		r = &q->v[q->head];
		if (n < r->len) {               /* part of one reference */
			r->off += (uint32_t)n;
			r->len -= (uint32_t)n;
			q->len -= n;
			return;
		}
		n -= r->len;
		q->len -= r->len;
		chunk_unref(r->ch);
		q->head++;
	}
	if (q->head == q->n)                    /* empty: give the memory back */
		outq_clear(q);
}

void
outq_clear(struct outq *q)
{
	size_t i;

	for (i = q->head; i < q->n; i++)
		chunk_unref(q->v[i].ch);
	free(q->v);
	memset(q, 0, sizeof(*q));
}

void
outq_writer_share(struct outq_writer *w, const char *line, size_t len)
{
	struct chunk *ch;
	size_t off;

	chunk_unref(w->src_ch);
	w->src = NULL;
	w->src_ch = NULL;
	if (line == NULL || (ch = writer_put(w, line, len, &off)) == NULL)
		return;                 /* none, or out of memory: copy each */
	ch->refs++;                     /* held while shared */
	w->src = line;
	w->src_len = len;
	w->src_ch = ch;
	w->src_off = off;
}

void
outq_writer_free(struct outq_writer *w)
{
	outq_writer_share(w, NULL, 0);
	chunk_unref(w->cur);
	w->cur = NULL;
}
