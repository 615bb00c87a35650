/*
 * cap_tcpstate.h — following one TCP connection through its life, segment
 * by segment, as Wireshark's TCP analysis does. Used by cap_conv.c and
 * cap_convtab.c.
 */
#ifndef CAP_TCPSTATE_H
#define CAP_TCPSTATE_H

#include <stdbool.h>

#include "cap_conv.h"

/* True if the segment opens a new connection on c's port pair: a SYN that
 * is not a copy of c's own SYN. */
bool cap_tcp_starts_anew(const struct cap_conv *c,
                         const struct cap_packet *p);

/*
 * Account segment p, sent in direction dir of c at t_us, in st and c, and
 * say what it means in ev (conv, dir, payload_cut are already set).
 */
void cap_tcp_track(struct cap_stats *st, struct cap_conv *c, int dir,
                   const struct cap_packet *p, int64_t t_us,
                   struct cap_event *ev);

#endif
