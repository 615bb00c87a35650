/*
 * cap_convtab.h — between the conversation table's accounting (cap_conv.c)
 * and its storage (cap_convtab.c): comparing endpoints, finding the slot of
 * a key, the conversation of a packet, and freeing one.
 */
#ifndef CAP_CONVTAB_H
#define CAP_CONVTAB_H

#include <stddef.h>
#include <stdint.h>

#include "cap_conv.h"

/* Order of two endpoints (address, then port): <0, 0 or >0. */
int cap_endpoint_cmp(const struct cap_endpoint *a,
                     const struct cap_endpoint *b);

/* The slot of the conversation between a and b (either order) over proto,
 * or of the empty slot where it would go. */
size_t cap_slot_find(const struct cap_table *t, uint8_t proto,
                     const struct cap_endpoint *a,
                     const struct cap_endpoint *b);

/* The conversation of p and its direction (0: from the client) into *dir;
 * a new one when none fits. NULL when out of memory. */
struct cap_conv *cap_conv_for(struct cap_table *t,
                              const struct cap_packet *p, int *dir);

/* Free what c holds (c itself lives in one of t->blocks). */
void cap_conv_free(struct cap_conv *c);

/* Free the blocks the conversations of t lived in. */
void cap_conv_blocks_free(struct cap_table *t);

#endif
