/*
 * cap_ladder.h — each conversation drawn as a sequence diagram: client on
 * the left, server on the right, one arrow per packet, time going down.
 */
#ifndef CAP_LADDER_H
#define CAP_LADDER_H

#include "cap_out.h"

/* Draw every conversation of t (the table must keep steps). UTF-8 box
 * characters when o->utf8, else ASCII. */
void cap_ladder_print(const struct cap_out *o, const struct cap_table *t);

/* The words on step s's arrow ("SYN seq=0", "PSH-ACK len=4 "ana"") and
 * beside it ("handshake 1/3", "RETRANSMISSION"), for every drawing of the
 * ladder (cap_diagram.c too). */
void cap_ladder_label(const struct cap_out *o, const struct cap_conv *c,
                      const struct cap_step *s, char *out, size_t cap);
void cap_ladder_note(const struct cap_out *o, const struct cap_step *s,
                     char *out, size_t cap);

#endif
