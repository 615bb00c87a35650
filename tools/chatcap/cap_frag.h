/*
 * cap_frag.h — putting fragmented IP datagrams back together (IPv4,
 * RFC 791 3.2; IPv6, RFC 8200 4.5), as the receiving host does before UDP
 * or TCP sees them, so a 6,000-byte UDP datagram is one datagram. Bounded:
 * at most CAP_FRAG_DGRAMS datagrams wait at once, each at most 64 KiB, for
 * at most CAP_FRAG_TIMEOUT_US of capture time; the oldest gives way.
 */
#ifndef CAP_FRAG_H
#define CAP_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cap_packet.h"

#define CAP_FRAG_DGRAMS     64
#define CAP_FRAG_MAX_BYTES  65535            /* an IP payload, at most */
#define CAP_FRAG_TIMEOUT_US (30LL * 1000000) /* Linux's ipfrag_time */

struct cap_frag_dgram;

/* Zero it to initialise. */
struct cap_frag_table {
	struct cap_frag_dgram *d[CAP_FRAG_DGRAMS];
	size_t   n;
	uint8_t *done;          /* the last datagram put together */
	uint64_t expired;       /* datagrams given up (timeout, no room) */
};

/*
 * A packet the decoder answered r for, at t_us: if r is CAP_FRAGMENT, the
 * piece is kept; when it completes its datagram, the TCP or UDP header is
 * decoded from the whole payload into p (p->frags counts the pieces,
 * p->payload points into memory valid until the next call) and that
 * result is returned. Otherwise r is returned: CAP_FRAGMENT for a piece
 * that waits (or that cannot be kept: p->why says why).
 */
enum cap_result cap_frag_packet(struct cap_frag_table *ft, enum cap_result r,
                                struct cap_packet *p, int64_t t_us);

/* How many pieces of its datagram have come, with p's (0 if unknown). */
unsigned cap_frag_seen(const struct cap_frag_table *ft,
                       const struct cap_packet *p);

void cap_frag_free(struct cap_frag_table *ft);

#endif
