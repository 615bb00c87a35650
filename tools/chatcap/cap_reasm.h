/*
 * cap_reasm.h — putting one direction's TCP payload back in order before
 * it is framed into chat lines, as the receiving TCP does: a segment that
 * arrives after a hole waits (bounded) until the hole is filled. Used by
 * cap_tcpstate.c; the framing itself is cap_chat.c.
 */
#ifndef CAP_REASM_H
#define CAP_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAP_REASM_SEGS  256    /* segments waiting per direction */
#define CAP_REASM_BYTES (1 << 20) /* bytes waiting per direction */

struct cap_reasm_seg {
	uint32_t seq;
	uint64_t frame;      /* the packet it came in */
	size_t   len;
	uint8_t *data;
};

/* Zero it to initialise. The array grows as segments wait (most holes
 * hold a few), up to CAP_REASM_SEGS. */
struct cap_reasm {
	struct cap_reasm_seg *seg;
	size_t cap, n, bytes;
};

/* Keep a copy of data[0..len) that starts at seq, past a hole. Returns
 * false when it does not fit (the caller gives up on the hole). */
bool cap_reasm_hold(struct cap_reasm *q, uint32_t seq, uint64_t frame,
                    const uint8_t *data, size_t len);

/*
 * The waiting segment that can follow next (starts at or before next and
 * ends after it), removed from the queue: *skip bytes of it were already
 * delivered. Segments that ended before next are dropped. NULL when none.
 * The caller frees seg->data.
 */
bool cap_reasm_next(struct cap_reasm *q, uint32_t next,
                    struct cap_reasm_seg *seg, size_t *skip);

/* The waiting segment with the lowest sequence number, removed (to go on
 * after giving up on a hole); false if none. The caller frees data. */
bool cap_reasm_lowest(struct cap_reasm *q, struct cap_reasm_seg *seg);

void cap_reasm_free(struct cap_reasm *q);

struct cap_conv;
struct cap_event;
struct cap_packet;

/*
 * Hand the payload of segment p (direction dir of c, at t_us) to the chat
 * framer of its direction in sequence order, holding what comes past a
 * hole; the messages completed go to ev->chat. Also: the hole the peer's
 * ACK says will not be filled is given up on, and a FIN in sequence ends
 * the last unterminated line.
 */
void cap_reasm_follow(struct cap_conv *c, int dir, const struct cap_packet *p,
                      int64_t t_us, struct cap_event *ev);

/* The end of the capture, for --follow: the segments still waiting past
 * a hole are the stream's last bytes, after the hole marked missing (the
 * chat framer is not given them: no silence follows them). */
void cap_reasm_follow_end(struct cap_conv *c);

#endif
