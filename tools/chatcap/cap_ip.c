/*
 * cap_ip.c — IPv4 and IPv6 decoders: addresses, protocol and lengths. The
 * IP length fields, not the captured length, say how big a packet was.
 */
#include "cap_ip.h"
#include "cap_l4.h"

#define IP4_HDR_MIN  20
#define IP6_HDR_LEN  40

/* IPv6 next-header values (RFC 8200, 4; RFC 4302; RFC 6275). */
#define NH_HOPOPTS   0
#define NH_ROUTING   43
#define NH_FRAGMENT  44
#define NH_ESP       50
#define NH_AH        51
#define NH_NONE      59
#define NH_DSTOPTS   60
#define NH_MOBILITY  135

/* ---------------------------------------------------------------------------
 * IPv4 (RFC 791, 3.1)
 *
 *    0       4       8               16      19                      31
 *   +-------+-------+---------------+-------------------------------+
 *   |version|  IHL  |    DSCP/ECN   |          total length         |
 *   +-------+-------+---------------+-----+-------------------------+
 *   |        identification         |flags|     fragment offset     |
 *   +---------------+---------------+-----+-------------------------+
 *   |      TTL      |   protocol    |        header checksum        |
 *   +---------------+---------------+-------------------------------+
 *   |                        source address                         |
 *   |                     destination address                       |
 *   |              options (IHL > 5), up to 40 bytes                |
 *   +---------------------------------------------------------------+
 * ------------------------------------------------------------------------ */
enum cap_result
cap_ip4_decode(struct cap_cursor *c, struct cap_packet *p)
{
	size_t start = c->off, hl, total;
	uint8_t vihl;
	uint16_t frag, id;

	vihl = cap_cur_u8(c);
	cap_cur_skip(c, 1);
	total = cap_cur_be16(c);
	id = cap_cur_be16(c);
	frag = cap_cur_be16(c);
	cap_cur_skip(c, 1);
	p->proto = cap_cur_u8(c);
	cap_cur_skip(c, 2);
	cap_cur_copy(c, p->src, 4);
	cap_cur_copy(c, p->dst, 4);
	if (c->short_read) {
		p->why = "IPv4 header";
		return start + IP4_HDR_MIN > c->wire ? CAP_INVALID : CAP_TRUNCATED;
	}
	p->family = 4;
	hl = (size_t)(vihl & 0x0f) * 4;
	if (vihl >> 4 != 4) {
		p->why = "IPv4 version";
		return CAP_INVALID;
	}
	if (hl < IP4_HDR_MIN) {
		p->why = "IPv4 header length";
		return CAP_INVALID;
	}
	/* Simplification: a total length of 0 comes from TCP segmentation
	 * offload on the capturing host; take the frame's length instead. */
	if (total == 0)
		total = c->wire - start;
	if (total < hl || total > c->wire - start) {
		p->why = "IPv4 total length";
		return CAP_INVALID;
	}
	c->off = start;
	cap_cur_limit(c, total);
	c->off = start + IP4_HDR_MIN;
	cap_cur_skip(c, hl - IP4_HDR_MIN);
	if (c->short_read) {
		p->why = "IPv4 options";
		return CAP_TRUNCATED;
	}
	p->ip_len = total;
	p->ip_hdr_len = hl;
	if ((frag & 0x2000) != 0 || (frag & 0x1fff) != 0) {
		/* More fragments (MF), or an offset in units of 8 bytes. */
		p->why = "IPv4 fragment";
		p->frag_id = id;
		p->frag_off = (size_t)(frag & 0x1fff) * 8;
		p->frag_more = (frag & 0x2000) != 0;
		cap_l4_payload(c, p, total - hl);
		return CAP_FRAGMENT;
	}
	return CAP_OK;
}

/* ---------------------------------------------------------------------------
 * IPv6 (RFC 8200, 3 and 4)
 *
 *   +-------+---------------+---------------------------------------+
 *   |version| traffic class |              flow label               |
 *   +-------+-------+-------+-------+---------------+---------------+
 *   |         payload length        |  next header  |   hop limit   |
 *   +-------------------------------+---------------+---------------+
 *   |                 source address (16 bytes)                     |
 *   |              destination address (16 bytes)                   |
 *   +---------------------------------------------------------------+
 *
 * Extension headers chain through "next header". Most start with next
 * header and a length in 8-byte units not counting the first 8; AH counts
 * 4-byte units not counting the first 8; a fragment header is 8 bytes.
 * ------------------------------------------------------------------------ */

/* Pass one extension header of kind *nh; CAP_OK with *nh set to the next.
 * A header that runs past the IPv6 payload length is invalid; one that
 * runs past the captured bytes only, truncated. */
static enum cap_result
skip_extension(struct cap_cursor *c, struct cap_packet *p, uint8_t *nh)
{
	size_t start = c->off, size;
	uint8_t next, len;
	uint16_t frag;
	uint32_t id;
	bool is_frag;

	next = cap_cur_u8(c);
	len = cap_cur_u8(c);
	if (c->short_read) {
		p->why = "IPv6 extension header";
		return start + 2 > c->wire ? CAP_INVALID : CAP_TRUNCATED;
	}
	if (*nh == NH_FRAGMENT)
		size = 8;
	else if (*nh == NH_AH)
		size = ((size_t)len + 2) * 4;
	else
		size = ((size_t)len + 1) * 8;
	if (size > c->wire - start) {
		p->why = "IPv6 extension header length";
		return CAP_INVALID;
	}
	is_frag = *nh == NH_FRAGMENT;
	frag = cap_cur_be16(c);
	id = is_frag ? cap_cur_be32(c) : 0;
	cap_cur_skip(c, size - (is_frag ? 8 : 4));
	if (c->short_read) {
		p->why = "IPv6 extension header";
		return CAP_TRUNCATED;
	}
	*nh = next;
	if (is_frag && (frag & 0xfff9) != 0) {
		/* A fragment (RFC 8200 4.5): offset in units of 8, M bit. */
		p->why = "IPv6 fragment";
		p->frag_id = id;
		p->frag_off = (size_t)(frag >> 3) * 8;
		p->frag_more = (frag & 1) != 0;
		p->ip_ext++;
		return CAP_FRAGMENT;
	}
	p->ip_ext++;
	return CAP_OK;
}

enum cap_result
cap_ip6_decode(struct cap_cursor *c, struct cap_packet *p)
{
	size_t start = c->off, total;
	enum cap_result r;
	uint8_t v, nh;

	v = cap_cur_u8(c) >> 4;
	cap_cur_skip(c, 3);
	total = (size_t)cap_cur_be16(c) + IP6_HDR_LEN;
	nh = cap_cur_u8(c);
	cap_cur_skip(c, 1);
	cap_cur_copy(c, p->src, 16);
	cap_cur_copy(c, p->dst, 16);
	if (c->short_read) {
		p->why = "IPv6 header";
		return start + IP6_HDR_LEN > c->wire ? CAP_INVALID : CAP_TRUNCATED;
	}
	p->family = 6;
	if (v != 6) {
		p->why = "IPv6 version";
		return CAP_INVALID;
	}
	/* Simplification: payload length 0 (a jumbogram, or offload) is taken
	 * as "the rest of the frame". */
	if (total == IP6_HDR_LEN)
		total = c->wire - start;
	if (total > c->wire - start) {
		p->why = "IPv6 payload length";
		return CAP_INVALID;
	}
	c->off = start;
	cap_cur_limit(c, total);
	c->off = start + IP6_HDR_LEN;
	p->ip_len = total;

	while (nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_FRAGMENT ||
	       nh == NH_DSTOPTS || nh == NH_AH || nh == NH_MOBILITY) {
		if (p->ip_ext == CAP_IP_EXT_MAX) {
			p->why = "IPv6 extension headers";
			return CAP_OTHER;
		}
		if ((r = skip_extension(c, p, &nh)) == CAP_FRAGMENT) {
			p->proto = nh;
			p->ip_hdr_len = c->off - start;
			cap_l4_payload(c, p, total - p->ip_hdr_len);
			return r;
		}
		if (r != CAP_OK)
			return r;
	}
	p->proto = nh;
	p->ip_hdr_len = c->off - start;
	if (nh == NH_ESP || nh == NH_NONE) {
		p->why = nh == NH_ESP ? "IPv6 ESP" : "IPv6 no next header";
		return CAP_OTHER;
	}
	return CAP_OK;
}
