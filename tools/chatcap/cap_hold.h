/*
 * cap_hold.h — holding the last packets' output back for a while when
 * reading a file, so that a segment later sent again can be marked lost
 * on its own line, where it was first sent (the class wants to see which
 * packet was lost). Live, nothing is held: lines appear as packets come.
 * A bounded ring: the oldest entry is written when a new one needs room.
 * The bytes of every entry (its line, comment and captured packet) follow
 * one another in one byte ring, in the order the entries came: writing
 * and reading it walk memory forward, which the cache likes far better
 * than a buffer of its own per entry.
 */
#ifndef CAP_HOLD_H
#define CAP_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#define CAP_HOLD_PACKETS 1024  /* how far back a loss can still be marked */

/* One packet's output, waiting: its bytes are the block [off, off +
 * line_len + comment_len + bytes_len) of the ring, in that order. */
struct cap_held {
	uint64_t            frame;
	bool                lost;        /* sent again later, */
	uint64_t            resent_in;   /* ... in this packet */
	size_t              off;
	size_t              line_len;    /* its text or JSON line */
	size_t              comment_len; /* its pcapng comment */
	size_t              bytes_len;   /* its captured bytes (for -w) */
	struct pcap_pkthdr  h;
	bool                has_packet;
};

/* Zero it to initialise. The entries e[first..first+n) (modulo
 * CAP_HOLD_PACKETS) hold bytes in the ring [tail, head), or, wrapped,
 * [tail, top) then [0, head); used counts them. */
struct cap_hold {
	struct cap_held *e;
	size_t           first, n;
	char            *ring;
	size_t           cap, head, tail, top, used;
	bool             wrapped;
};

/* The oldest entry if the ring is full (write it, then cap_hold_pop),
 * else NULL. */
struct cap_held *cap_hold_full(struct cap_hold *q);

/* The oldest entry, or NULL when none waits (then cap_hold_pop). */
struct cap_held *cap_hold_oldest(struct cap_hold *q);

/* Forget the oldest entry; its bytes are free again. */
void cap_hold_pop(struct cap_hold *q);

/* A new entry for packet frame (the ring must not be full) holding copies
 * of line[0..ln), comment[0..cn) and bytes[0..bn); NULL when out of
 * memory. */
struct cap_held *cap_hold_add(struct cap_hold *q, uint64_t frame,
                              const char *line, size_t ln,
                              const char *comment, size_t cn,
                              const void *bytes, size_t bn);

/* Where entry x's line, comment and captured bytes are (valid until the
 * next cap_hold_add). */
const char *cap_hold_line(const struct cap_hold *q, const struct cap_held *x);
const char *cap_hold_comment(const struct cap_hold *q,
                             const struct cap_held *x);
const uint8_t *cap_hold_bytes(const struct cap_hold *q,
                              const struct cap_held *x);

/* Packet frame was sent again in packet resent_in: mark it if it waits. */
void cap_hold_mark(struct cap_hold *q, uint64_t frame, uint64_t resent_in);

void cap_hold_free(struct cap_hold *q);

#endif
