/*
 * cap_follow.h — --follow: each conversation's bytes put back in order, as
 * the receiving program read them (TCP: by sequence number, each byte
 * once, holes marked as missing; UDP: datagram by datagram), every line,
 * with the packet each segment's bytes came in. With the marks and the
 * wrapping taken away it is tshark's "-z follow,tcp,ascii".
 */
#ifndef CAP_FOLLOW_H
#define CAP_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cap_out;
struct cap_table;

#define CAP_FOLLOW_BYTES (16u << 20) /* bytes kept per conversation */

/* A run of bytes from one packet, one direction (or a hole). */
struct cap_follow_chunk {
	uint64_t frame;         /* the packet they came in */
	size_t   off, len;      /* in cap_follow.bytes */
	uint32_t missing;       /* a hole: this many bytes never seen */
	uint8_t  dir;           /* 0 client to server, 1 back */
	bool     datagram;      /* UDP: its end ends the line */
};

/* One conversation's stream. Zero it to initialise. */
struct cap_follow {
	struct cap_follow_chunk *chunk;
	size_t   n, cap;
	uint8_t *bytes;
	size_t   used, bytes_cap;
	uint64_t dropped;       /* bytes past CAP_FOLLOW_BYTES, not kept */
};

/* Bytes data[0..len) of direction dir arrived, in order, in packet frame
 * (a datagram when datagram). Kept while memory and the bound allow. */
void cap_follow_bytes(struct cap_follow *f, int dir, uint64_t frame,
                      const uint8_t *data, size_t len, bool datagram);

/* A hole of n bytes in direction dir that the capture never filled. */
void cap_follow_missing(struct cap_follow *f, int dir, uint32_t n);

void cap_follow_free(struct cap_follow *f);

/* Print every conversation's stream. */
void cap_follow_print(const struct cap_out *o, const struct cap_table *t);

#endif
