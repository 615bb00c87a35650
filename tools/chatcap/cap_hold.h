/*
 * cap_hold.h — holding the last packets' output back for a while when
 * reading a file, so that a segment later sent again can be marked lost
 * on its own line, where it was first sent (the class wants to see which
 * packet was lost). Live, nothing is held: lines appear as packets come.
 * A bounded ring: the oldest entry is written when a new one needs room.
 */
#ifndef CAP_HOLD_H
#define CAP_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#define CAP_HOLD_PACKETS 1024  /* how far back a loss can still be marked */

/* A growable byte buffer of one held entry. */
struct cap_hold_buf {
	char  *p;
	size_t len, cap;
};

/* One packet's output, waiting. */
struct cap_held {
	uint64_t            frame;
	bool                lost;        /* sent again later, */
	uint64_t            resent_in;   /* ... in this packet */
	struct cap_hold_buf line;        /* its text or JSON line */
	struct cap_hold_buf comment;     /* its pcapng comment */
	struct cap_hold_buf bytes;       /* its captured bytes (for -w) */
	struct pcap_pkthdr  h;
	bool                has_packet;
};

/* Zero it to initialise. */
struct cap_hold {
	struct cap_held *e;
	size_t           first, n;
};

/* The oldest entry if the ring is full (write it, then cap_hold_pop),
 * else NULL. */
struct cap_held *cap_hold_full(struct cap_hold *q);

/* The oldest entry, or NULL when none waits (then cap_hold_pop). */
struct cap_held *cap_hold_oldest(struct cap_hold *q);

void cap_hold_pop(struct cap_hold *q);

/* A new entry for packet frame (the ring must not be full), its buffers
 * emptied; NULL when out of memory. */
struct cap_held *cap_hold_add(struct cap_hold *q, uint64_t frame);

/* Copy data[0..n) into b. 0, or -1 out of memory. */
int cap_hold_set(struct cap_hold_buf *b, const void *data, size_t n);

/* Packet frame was sent again in packet resent_in: mark it if it waits. */
void cap_hold_mark(struct cap_hold *q, uint64_t frame, uint64_t resent_in);

void cap_hold_free(struct cap_hold *q);

#endif
