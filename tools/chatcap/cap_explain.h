/*
 * cap_explain.h — explanations appended to a packet's text line
 * (cap_explain.c), used by cap_text.c.
 */
#ifndef CAP_EXPLAIN_H
#define CAP_EXPLAIN_H

#include "cap_line.h"
#include "cap_out.h"

/* Wireshark's tcp.analysis flags of the segment, one bracketed tag each,
 * the packet a retransmission repeats and the ACK's RTT. */
void cap_explain_analysis(const struct cap_out *o, struct cap_line *l,
                          const struct cap_event *ev);

/* An ICMP/ICMPv6 error: who sends it, what it says, what it answers. */
void cap_explain_icmp(const struct cap_out *o, struct cap_line *l,
                      const struct cap_packet *p, const struct cap_event *ev);

/* A piece of a fragmented IP datagram, waiting for the rest. */
void cap_explain_fragment(const struct cap_out *o, struct cap_line *l,
                          const struct cap_packet *p,
                          const struct cap_event *ev);

#endif
