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
 * The writer counts the bytes its chunks hold (w->mem): the room's
 * backlog, one log of shared chunks with a position per receiver, whatever
 * the number of receivers. The server bounds that count (--max-memory):
 * near it, it stops reading the senders (outq_writer_hold) until the
 * receivers have written enough for chunks to be freed.
 *
 * Not thread-safe: the counts are plain integers, so every call that
 * changes a queue or a count must be serialised by the caller (tcpchatd
 * --threads: the room's lock). Only the bytes a chunk already holds are
 * read without it (a socket write): they never change while referenced.
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
	size_t  *mem;   /* the writer's count of chunk bytes, or NULL */
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
	bool             cut;           /* the first line is partly written */
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
	size_t        mem;      /* bytes of every live chunk of this writer */
	bool          held;     /* outq_writer_hold's answer, kept between
	                           calls: it changes at two marks */
};

/* A chunk with room for cap bytes and one reference (the caller's); its
 * size counts in *mem until it is freed (mem NULL: counted nowhere). */
struct chunk *chunk_new(size_t cap, size_t *mem);
void chunk_unref(struct chunk *ch);

/* The queue limit, the one place it is decided: whether q may take len
 * more bytes and still reference at most limit. */
bool outq_fits(const struct outq *q, size_t len, size_t limit);

/* Queue len bytes of ch from off if outq_fits(). 0, or -1 (over the
 * limit, or out of memory). */
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

/*
 * Drop everything queued but the end of a line the socket took part of
 * (q->cut), copied into a chunk of its own (so that no shared chunk stays
 * pinned for it): what a receiver that is being disconnected still needs,
 * so that its stream never ends inside a line. 0, or -1 out of memory
 * (then the queue is empty).
 */
int outq_keep_cut_line(struct outq *q, size_t *mem);

static inline bool outq_empty(const struct outq *q) { return q->len == 0; }

/*
 * The same line for many queues: copy it once now; until the next call
 * (line NULL: the sharing is over), outq_push_copy() of this very line
 * (same pointer and length) queues references to that copy.
 */
void outq_writer_share(struct outq_writer *w, const char *line, size_t len);

/*
 * The memory budget, the one place it is decided: whether the senders are
 * to be held back (not read) because w's chunks hold budget bytes or more;
 * once held, until they fall to three quarters of it, so that reading
 * resumes for a good part of the budget, not for each freed chunk.
 */
bool outq_writer_hold(struct outq_writer *w, size_t budget);

/* Let go of the writer's chunks (the queues keep theirs). */
void outq_writer_free(struct outq_writer *w);

#endif
