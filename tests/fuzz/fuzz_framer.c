/*
 * fuzz_framer.c — libFuzzer target for the line framer (shared/wire/msg.c).
 *
 * Input: byte 0 picks the line limit (0: MSG_MAX, else 1..64), byte 1 the
 * size of each read (1..64) and, in its top bit, whether the silence rule
 * flushes after each read. The rest is the stream. Checked:
 *   - a line is never longer than the limit and never holds a '\n';
 *   - without flushes, the lines and "too long" answers do not depend on how
 *     the stream was cut into reads (fed whole, then read by read);
 *   - memory is freed (ASan's leak check) and nothing is read out of bounds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the framer said, as a byte string: 'L' len line, or 'T'. */
struct log {
	char  *p;
	size_t n, cap;
};

static void
log_add(struct log *l, const void *p, size_t n)
{
	if (l->n + n > l->cap) {
		l->cap = (l->n + n) * 2 + 64;
		l->p = realloc(l->p, l->cap);
		if (l->p == NULL)
			abort();
	}
	memcpy(l->p + l->n, p, n);
	l->n += n;
}

static void
feed(struct msg_framer *f, const char *p, size_t n, size_t limit,
     struct log *l)
{
	const char *line;
	size_t len;
	enum msg_frame r;

	while ((r = msg_framer_next(f, &p, &n, &line, &len)) != MSG_FRAME_MORE) {
		if (r == MSG_FRAME_TOO_LONG) {
			log_add(l, "T", 1);
			continue;
		}
		if (len > limit || memchr(line, '\n', len) != NULL)
			abort();
		log_add(l, "L", 1);
		log_add(l, &len, sizeof(len));
		log_add(l, line, len);
	}
	if (n != 0)
		abort();        /* MORE means every byte was taken */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_framer whole = { 0 }, cut = { 0 };
	struct log a = { 0 }, b = { 0 };
	const char *s, *line;
	size_t limit, step, off, n, len;
	bool flush;

	if (size < 2)
		return 0;
	limit = data[0] == 0 ? MSG_MAX : 1 + data[0] % 64;
	step = 1 + (data[1] & 0x3F);
	flush = (data[1] & 0x80) != 0;
	s = (const char *)data + 2;
	size -= 2;
	whole.max = cut.max = data[0] == 0 ? 0 : limit;

	feed(&whole, s, size, limit, &a);
	for (off = 0; off < size; off += n) {
		n = size - off < step ? size - off : step;
		feed(&cut, s + off, n, limit, &b);
		if (flush && msg_framer_pending(&cut) &&
		    msg_framer_flush(&cut, &line, &len) && len > limit)
			abort();
		if (flush)
			msg_framer_trim(&cut);
	}
	if (!flush && (a.n != b.n || (a.n > 0 && memcmp(a.p, b.p, a.n) != 0)))
		abort();        /* the reads changed the messages */
	msg_framer_free(&whole);
	msg_framer_free(&cut);
	free(a.p);
	free(b.p);
	return 0;
}
