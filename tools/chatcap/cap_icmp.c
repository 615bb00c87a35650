/*
 * cap_icmp.c — ICMP (RFC 792) and ICMPv6 (RFC 4443) error messages: the
 * answer a host sends when a packet could not be delivered ("port
 * unreachable" when no server listens on a UDP port). An error quotes the
 * start of the packet that caused it:
 *
 *   +------+------+----------+--------------------------------------+
 *   | type | code | checksum | unused (4)                           |
 *   +------+------+----------+--------------------------------------+
 *   | the offending IP header and at least 8 bytes after it (ports) |
 *
 * Only that quote is read here: which datagram or segment it answers.
 * Queries (echo, neighbour discovery, ...) are not chat traffic.
 */
#include <string.h>

#include "cap_l4.h"

#define IP4_HDR_MIN 20
#define IP6_HDR_LEN 40

/* Error types: IPv4 destination unreachable, source quench, redirect,
 * time exceeded, parameter problem; ICMPv6 destination unreachable, packet
 * too big, time exceeded, parameter problem. */
static bool
is_error(uint8_t proto, uint8_t type)
{
	if (proto == CAP_PROTO_ICMP)
		return type == 3 || type == 4 || type == 5 || type == 11 ||
		       type == 12;
	return type >= 1 && type <= 4;
}

/* The quoted IP header and ports, read as far as they were captured. */
static bool
read_quote(struct cap_cursor *c, struct cap_packet *p)
{
	uint8_t v = c->off < c->len ? c->p[c->off] >> 4 : 0;
	size_t hl;

	if (v == 4) {
		hl = (size_t)(cap_cur_u8(c) & 0x0f) * 4;
		cap_cur_skip(c, 8);
		p->q_proto = cap_cur_u8(c);
		cap_cur_skip(c, 2);
		cap_cur_copy(c, p->q_src, 4);
		cap_cur_copy(c, p->q_dst, 4);
		if (hl < IP4_HDR_MIN)
			return false;
		cap_cur_skip(c, hl - IP4_HDR_MIN);
		p->q_family = 4;
	} else if (v == 6) {
		cap_cur_skip(c, 6);
		p->q_proto = cap_cur_u8(c);
		cap_cur_skip(c, 1);
		cap_cur_copy(c, p->q_src, 16);
		cap_cur_copy(c, p->q_dst, 16);
		p->q_family = 6;
	} else {
		return false;
	}
	p->q_sport = cap_cur_be16(c);
	p->q_dport = cap_cur_be16(c);
	return !c->short_read &&
	       (p->q_proto == CAP_PROTO_TCP || p->q_proto == CAP_PROTO_UDP);
}

enum cap_result
cap_icmp_decode(struct cap_cursor *c, struct cap_packet *p)
{
	size_t start = c->off;

	p->icmp_type = cap_cur_u8(c);
	p->icmp_code = cap_cur_u8(c);
	cap_cur_skip(c, 6);
	if (c->short_read) {
		p->why = p->proto == CAP_PROTO_ICMP ? "ICMP header"
		                                    : "ICMPv6 header";
		return start + 8 > c->wire ? CAP_INVALID : CAP_TRUNCATED;
	}
	p->l4_hdr_len = 8;
	if (!is_error(p->proto, p->icmp_type)) {
		p->why = p->proto == CAP_PROTO_ICMP ? "ICMP, not an error"
		                                    : "ICMPv6, not an error";
		return CAP_OTHER;
	}
	if (!read_quote(c, p)) {
		p->why = "ICMP error without a TCP or UDP quote";
		return CAP_OTHER;
	}
	p->icmp_quote = true;
	return CAP_OK;
}
