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
chunk_new(size_t cap, size_t *mem)
{
	struct chunk *ch = malloc(sizeof(*ch) + cap);

	if (ch != NULL) {
		ch->refs = 1;
		ch->mem = mem;
		ch->len = 0;
		ch->cap = cap;
		if (mem != NULL)
			*mem += sizeof(*ch) + cap;
	}
	return ch;
}

void
chunk_unref(struct chunk *ch)
{
	if (ch == NULL || --ch->refs > 0)
		return;
	if (ch->mem != NULL)
		*ch->mem -= sizeof(*ch) + ch->cap;
	free(ch);
}

bool
outq_fits(const struct outq *q, size_t len, size_t limit)
{
	return len <= limit && q->len <= limit - len;
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

	if (!outq_fits(q, len, limit))
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
		w->cur = ch = chunk_new(len > OUTQ_CHUNK ? len : OUTQ_CHUNK,
		                        &w->mem);
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
	if (!outq_fits(q, len, limit))   /* before copying anything */
		return -1;
	if (w != NULL) {
		if ((ch = writer_put(w, p, len, &off)) == NULL)
			return -1;
		return outq_push(q, ch, off, len, limit);
	}
	if ((ch = chunk_new(len, NULL)) == NULL)        /* one of its own */
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
			q->cut = r->ch->data[r->off + n - 1] != '\n';
			r->off += (uint32_t)n;
			r->len -= (uint32_t)n;
			q->len -= n;
			return;
		}
		n -= r->len;
		q->len -= r->len;
		q->cut = false;                 /* references hold whole lines */
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

int
outq_keep_cut_line(struct outq *q, size_t *mem)
{
	const struct outq_ref *r;
	const char *p, *nl;
	struct chunk *ch = NULL;
	size_t len = 0;
	int err = 0;

	if (q->cut && q->head < q->n) {
		r = &q->v[q->head];
		p = r->ch->data + r->off;
		nl = memchr(p, '\n', r->len);
		len = nl != NULL ? (size_t)(nl - p) + 1 : r->len;
		if ((ch = chunk_new(len, mem)) == NULL) {
			err = -1;
		} else {
			memcpy(ch->data, p, len);
			ch->len = len;
		}
	}
	outq_clear(q);
	if (ch != NULL) {
		err = outq_push(q, ch, 0, len, SIZE_MAX);
		chunk_unref(ch);
	}
	return err;
}

bool
outq_writer_hold(struct outq_writer *w, size_t budget)
{
	if (w->mem >= budget)
		w->held = true;
	else if (w->mem <= budget - budget / 4)
		w->held = false;
	return w->held;
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
