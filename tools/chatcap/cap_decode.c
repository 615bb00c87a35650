/*
 * cap_decode.c — chains the decoders: link, then IP, then TCP or UDP.
 */
#include <string.h>

#include "cap_decode.h"
#include "cap_ip.h"
#include "cap_l4.h"
#include "cap_link.h"

#define PROTO_TCP 6
#define PROTO_UDP 17

enum cap_result
cap_decode(int dlt, const uint8_t *bytes, size_t caplen, size_t wirelen,
           struct cap_packet *p)
{
	struct cap_cursor c;
	enum cap_result r;

	memset(p, 0, sizeof(*p));
	cap_cur_init(&c, bytes, caplen, wirelen);

	if ((r = cap_link_decode(dlt, &c, p)) != CAP_OK)
		return r;
	if (p->ethertype == CAP_ETH_IPV4)
		r = cap_ip4_decode(&c, p);
	else if (p->ethertype == CAP_ETH_IPV6)
		r = cap_ip6_decode(&c, p);
	else {
		p->why = "not IP";
		return CAP_OTHER;
	}
	if (r != CAP_OK)
		return r;

	if (p->proto == PROTO_TCP)
		return cap_tcp_decode(&c, p);
	if (p->proto == PROTO_UDP)
		return cap_udp_decode(&c, p);
	if (p->proto == CAP_PROTO_ICMP || p->proto == CAP_PROTO_ICMPV6)
		return cap_icmp_decode(&c, p);
	p->why = "not TCP or UDP";
	return CAP_OTHER;
}

enum cap_result
cap_decode_l4(struct cap_packet *p, const uint8_t *data, size_t len)
{
	struct cap_cursor c;

	cap_cur_init(&c, data, len, len);
	p->ip_len = p->ip_hdr_len + len;
	p->why = NULL;
	if (p->proto == PROTO_TCP)
		return cap_tcp_decode(&c, p);
	if (p->proto == PROTO_UDP)
		return cap_udp_decode(&c, p);
	p->why = "not TCP or UDP";
	return CAP_OTHER;
}
