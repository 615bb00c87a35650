/*
 * cap_ip.h — IPv4 (with options) and IPv6 (with extension headers)
 * decoders. They fill the addresses, the transport protocol and the IP
 * lengths; TCP and UDP are read by cap_tcp.c and cap_udp.c.
 */
#ifndef CAP_IP_H
#define CAP_IP_H

#include "cap_packet.h"

#define CAP_IP_EXT_MAX 8 /* IPv6 extension headers followed before giving up */

/*
 * Decode an IPv4 header at the cursor. On CAP_OK the cursor stands at the
 * transport header and is limited to the IP packet's total length (so link
 * padding is never taken for payload); p->family, src, dst, proto, ip_len
 * and ip_hdr_len are set. Fragments are CAP_OTHER (not reassembled).
 */
enum cap_result cap_ip4_decode(struct cap_cursor *c, struct cap_packet *p);

/* The same for IPv6; extension headers are passed over and counted in
 * p->ip_ext; ip_hdr_len includes them. */
enum cap_result cap_ip6_decode(struct cap_cursor *c, struct cap_packet *p);

#endif
