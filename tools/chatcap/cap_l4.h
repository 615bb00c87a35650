/*
 * cap_l4.h — the transport decoders: TCP with its options (cap_tcp.c) and
 * UDP (cap_udp.c). Both expect the IP decoder to have run: they take the
 * segment's length from p->ip_len - p->ip_hdr_len.
 */
#ifndef CAP_L4_H
#define CAP_L4_H

#include "cap_packet.h"

#define CAP_PROTO_ICMP   1
#define CAP_PROTO_TCP    6
#define CAP_PROTO_UDP    17
#define CAP_PROTO_ICMPV6 58

#define CAP_TCP_HDR_MIN 20
#define CAP_UDP_HDR_LEN 8

/*
 * Decode a TCP header and its options at the cursor. On CAP_OK p->sport,
 * dport, seq, ack, flags, win, opt, l4_hdr_len and the payload fields are
 * set; the payload points into the packet (captured part only). Malformed
 * options set p->opt.bad but the segment still decodes.
 */
enum cap_result cap_tcp_decode(struct cap_cursor *c, struct cap_packet *p);

/* Decode a UDP header at the cursor; the same contract as cap_tcp_decode. */
enum cap_result cap_udp_decode(struct cap_cursor *c, struct cap_packet *p);

/* Decode an ICMP or ICMPv6 header (p->proto says which): CAP_OK for an
 * error that quotes a TCP or UDP packet (p->icmp_*, p->q_* set), CAP_OTHER
 * for anything else. */
enum cap_result cap_icmp_decode(struct cap_cursor *c, struct cap_packet *p);

/* Point p->payload at the cursor for len bytes on the wire (shared by the
 * two decoders). */
void cap_l4_payload(struct cap_cursor *c, struct cap_packet *p, size_t len);

#endif
