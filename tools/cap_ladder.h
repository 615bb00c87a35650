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

#endif
