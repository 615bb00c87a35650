/*
 * hold.h — the packets the impairer is holding, ordered by the time each is
 * due (a binary min-heap; equal times leave in arrival order). A packet is
 * known by its NFQUEUE id; a duplicated one also carries a copy of its bytes
 * to send again. Pure: the caller passes the clock.
 */
#ifndef CHATNET_HOLD_H
#define CHATNET_HOLD_H

#include <stddef.h>
#include <stdint.h>

struct hold_item {
	uint64_t due_us;
	uint64_t seq;           /* arrival order, for ties */
	uint32_t id;            /* the packet's NFQUEUE id */
	unsigned char *copy;    /* owned: bytes to send again, or NULL */
	size_t copy_len;
};

struct hold {
	struct hold_item *v;
	size_t n, cap;
	uint64_t seq;
};

/* Room for cap packets. Returns 0, or -1 when out of memory. */
int hold_init(struct hold *h, size_t cap);

/* Frees the heap and every copy still held. */
void hold_free(struct hold *h);

/* Hold a packet until due_us; copy (may be NULL) passes to the heap.
 * Returns 0, or -1 when full (then copy still belongs to the caller). */
int hold_push(struct hold *h, uint64_t due_us, uint32_t id,
              unsigned char *copy, size_t copy_len);

/* The earliest due time, or UINT64_MAX when nothing is held. */
uint64_t hold_next(const struct hold *h);

/* Take the earliest packet into *out if it is due at now_us; its copy
 * passes to the caller. Returns 1 when one was taken, else 0. */
int hold_pop_due(struct hold *h, uint64_t now_us, struct hold_item *out);

#endif
