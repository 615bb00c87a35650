/*
 * cap_udp.c — the UDP decoder (RFC 768). Eight bytes: there is nothing
 * else to UDP, which is the point of the lesson.
 *
 *    0               16              31
 *   +---------------+---------------+
 *   |  source port  |   dest port   |
 *   +---------------+---------------+
 *   |    length     |   checksum    |
 *   +---------------+---------------+
 *   |   payload (length - 8 bytes)  |
 */
#include "cap_l4.h"

enum cap_result
cap_udp_decode(struct cap_cursor *c, struct cap_packet *p)
{
	size_t start = c->off, seglen = p->ip_len - p->ip_hdr_len;
	uint16_t len;

	p->sport = cap_cur_be16(c);
	p->dport = cap_cur_be16(c);
	len = cap_cur_be16(c);
	cap_cur_skip(c, 2);
	if (seglen < CAP_UDP_HDR_LEN) {
		p->why = "UDP header length";
		return CAP_INVALID;
	}
	if (c->short_read) {
		p->why = "UDP header";
		return start + CAP_UDP_HDR_LEN > c->wire ? CAP_INVALID
		                                         : CAP_TRUNCATED;
	}
	if (len < CAP_UDP_HDR_LEN || len > seglen) {
		p->why = "UDP length";
		return CAP_INVALID;
	}
	p->l4_hdr_len = CAP_UDP_HDR_LEN;
	cap_l4_payload(c, p, (size_t)len - CAP_UDP_HDR_LEN);
	return CAP_OK;
}

void
cap_l4_payload(struct cap_cursor *c, struct cap_packet *p, size_t len)
{
	size_t left = cap_cur_left(c);

	p->payload_len = len;
	p->payload = c->p + c->off;
	p->payload_caplen = left < len ? left : len;
}
