/*
 * outq.h — output shared by many receivers, written without copies.
 *
 * A line the room sends to 49 members is copied once, into a chunk: a
 * reference-counted block that fills with lines as they come (Redis's
 * shared reply objects). Each receiver's queue (struct outq) is a list of
 * references (chunk, offset, length), written with one sendmsg() of many
 * iovecs; a reference that follows the previous one in the same chunk
 * just makes it longer, so a receiver's queue holds one or two references
 * per turn however many lines arrived. A chunk is freed when its last
 * reference is written (or dropped).
 *
 * Not thread-safe: the counts are plain integers, so every call on chunks
 * that queues share must be serialised by the caller (tcpchatd --threads:
 * the room's lock).
 */
#ifndef REDCHAT_OUTQ_H
#define REDCHAT_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define OUTQ_CHUNK (64 * 1024 - 64)  /* bytes of a chunk, header apart */

struct chunk {
	unsigned refs;  /* references: queues, and the writer while current */
	size_t   len;   /* bytes written */
	size_t   cap;   /* bytes allocated in data */
	char     data[];
};

struct outq_ref {
	struct chunk *ch;
	uint32_t      off, len;
};

struct outq {
	struct outq_ref *v;
	size_t           head, n, cap;  /* queued: v[head..n) */
	size_t           len;           /* bytes referenced (the limits) */
};

/*
 * Where the lines go: the chunk being filled, and the line being shared
 * (outq_writer_share). One per server (per room).
 */
struct outq_writer {
	struct chunk *cur;
	const char   *src;      /* the shared line, NULL when none */
	size_t        src_len;
	struct chunk *src_ch;
	size_t        src_off;
};

/* A chunk with room for cap bytes and one reference (the caller's). */
struct chunk *chunk_new(size_t cap);
void chunk_unref(struct chunk *ch);

/* Queue len bytes of ch from off unless the queue would then reference
 * more than limit bytes. 0, or -1 (over the limit, or out of memory). */
int outq_push(struct outq *q, struct chunk *ch, size_t off, size_t len,
              size_t limit);

/* Copy p[0..len) into w's chunk (w NULL: a chunk of its own) and queue it;
 * the line being shared (outq_writer_share) is not copied again. 0 or -1,
 * as outq_push. */
int outq_push_copy(struct outq *q, struct outq_writer *w, const char *p,
                   size_t len, size_t limit);

/* Fill iov with up to max of the queued references; returns how many. */
size_t outq_iov(const struct outq *q, struct iovec *iov, size_t max);

/* n bytes were written: let go of what they referenced. */
void outq_consume(struct outq *q, size_t n);

/* Drop everything queued, and the queue's memory. */
void outq_clear(struct outq *q);

static inline bool outq_empty(const struct outq *q) { return q->len == 0; }

/*
 * The same line for many queues: copy it once now; until the next call
 * (line NULL: the sharing is over), outq_push_copy() of this very line
 * (same pointer and length) queues references to that copy.
 */
void outq_writer_share(struct outq_writer *w, const char *line, size_t len);

/* Let go of the writer's chunks (the queues keep theirs). */
void outq_writer_free(struct outq_writer *w);

#endif
