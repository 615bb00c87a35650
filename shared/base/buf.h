/*
 * buf.h — a byte queue with a consumed position, for a connection's output.
 * Memory is taken only while bytes are queued and given back when it empties.
 */
#ifndef REDCHAT_BUF_H
#define REDCHAT_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char  *data;
	size_t off;  /* first byte not yet consumed */
	size_t len;  /* bytes queued, from data + off */
	size_t cap;  /* bytes allocated */
};

/* Queue n bytes unless that would hold more than limit. 0, or -1 (full or
 * out of memory: nothing queued). */
int buf_append(struct buf *b, const void *p, size_t n, size_t limit);

/* Drop the first n queued bytes (n <= b->len). */
void buf_consume(struct buf *b, size_t n);

static inline const char *buf_head(const struct buf *b) { return b->data + b->off; }
static inline bool buf_empty(const struct buf *b) { return b->len == 0; }

void buf_free(struct buf *b);

/* A fixed buffer of cap bytes holding the latest bytes of a stream, *len
 * of them, NUL-terminated: append n more, dropping the oldest (and, when n
 * alone does not fit, the start of d) so that at most cap - 1 are kept. */
void tail_keep(char *tail, size_t cap, size_t *len, const char *d, size_t n);

#endif
