/*
 * cap_link.c — link-layer decoders. Each one reads its header through the
 * cursor and leaves it at the IP header; IP itself is cap_ip.c's business.
 */
#include <pcap/pcap.h>

#include "cap_link.h"

/* EtherTypes of VLAN tags: 802.1Q, 802.1ad (QinQ outer tag), and the old
 * pre-standard QinQ value some switches still send. */
#define ETH_VLAN     0x8100
#define ETH_QINQ     0x88A8
#define ETH_QINQ_OLD 0x9100

/* Address families a BSD null/loopback header may carry for IPv6: BSD,
 * FreeBSD, Darwin and Linux each chose their own number. */
#define NULL_AF_INET 2

/* ---------------------------------------------------------------------------
 * Ethernet II (IEEE 802.3), with VLAN tags (IEEE 802.1Q)
 *
 *   0               6              12     14
 *   +---------------+---------------+------+---------
 *   | destination   | source        | type | payload
 *   +---------------+---------------+------+---------
 *
 * A VLAN tag inserts four bytes before the type: 0x8100 (or 0x88A8 for the
 * outer tag of QinQ), then 3 bits priority, 1 bit DEI, 12 bits VLAN ID.
 * A type below 1536 is an 802.3 length (LLC frame): not IP, so "other".
 * ------------------------------------------------------------------------ */
static enum cap_result
decode_ethernet(struct cap_cursor *c, struct cap_packet *p)
{
	uint16_t type;

	cap_cur_skip(c, 12);
	type = cap_cur_be16(c);
	while (!c->short_read &&
	       (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD)) {
		if (p->vlans == CAP_VLAN_MAX) {
			p->why = "VLAN tags";
			return CAP_OTHER;
		}
		p->vlan_id[p->vlans++] = cap_cur_be16(c) & 0x0fff;
		type = cap_cur_be16(c);
	}
	if (c->short_read) {
		p->why = p->vlans > 0 ? "VLAN tag" : "Ethernet header";
		return CAP_TRUNCATED;
	}
	p->ethertype = type;
	return CAP_OK;
}

/* ---------------------------------------------------------------------------
 * Linux cooked captures ("-i any"): the kernel's view instead of a frame.
 *
 * SLL (16 bytes)                         SLL2 (20 bytes)
 *   0 packet type (to us, from us, ...)    0 protocol (EtherType)
 *   2 ARPHRD_ type                         2 reserved
 *   4 link-layer address length            4 interface index
 *   6 link-layer address (8 bytes)         8 ARPHRD_ type
 *  14 protocol (EtherType)                10 packet type, 11 address length
 *                                         12 link-layer address (8 bytes)
 * ------------------------------------------------------------------------ */
static enum cap_result
decode_sll(struct cap_cursor *c, struct cap_packet *p)
{
	cap_cur_skip(c, 14);
	p->ethertype = cap_cur_be16(c);
	if (c->short_read) {
		p->why = "Linux cooked (SLL) header";
		return CAP_TRUNCATED;
	}
	return CAP_OK;
}

static enum cap_result
decode_sll2(struct cap_cursor *c, struct cap_packet *p)
{
	p->ethertype = cap_cur_be16(c);
	cap_cur_skip(c, 18);
	if (c->short_read) {
		p->why = "Linux cooked (SLL2) header";
		return CAP_TRUNCATED;
	}
	return CAP_OK;
}

/* ---------------------------------------------------------------------------
 * BSD null/loopback: four bytes of address family. DLT_NULL writes it in
 * the capturing machine's byte order, DLT_LOOP in network order. Families
 * are small numbers, so a value whose low 16 bits are zero was written
 * little-endian: swap it.
 * ------------------------------------------------------------------------ */
static enum cap_result
decode_null(struct cap_cursor *c, struct cap_packet *p)
{
	uint32_t af;

	af = cap_cur_be32(c);
	if (c->short_read) {
		p->why = "loopback header";
		return CAP_TRUNCATED;
	}
	if ((af & 0xffff) == 0)      /* little-endian writer: swap */
		af = (af >> 24) | (af >> 8 & 0xff00);
	switch (af) {
	case NULL_AF_INET:
		p->ethertype = CAP_ETH_IPV4;
		break;
	case 10: case 24: case 28: case 30: /* Linux, BSD, FreeBSD, Darwin */
		p->ethertype = CAP_ETH_IPV6;
		break;
	default:
		p->ethertype = 0;
		p->why = "loopback address family";
		return CAP_OTHER;
	}
	return CAP_OK;
}

/* Raw IP: no link header at all; the IP version nibble says which. */
static enum cap_result
decode_raw(struct cap_cursor *c, struct cap_packet *p)
{
	uint8_t v;

	if (!cap_cur_need(c, 1)) {
		p->why = "IP header";
		return CAP_TRUNCATED;
	}
	v = c->p[c->off] >> 4;
	if (v == 4)
		p->ethertype = CAP_ETH_IPV4;
	else if (v == 6)
		p->ethertype = CAP_ETH_IPV6;
	else {
		p->why = "IP version";
		return CAP_INVALID;
	}
	return CAP_OK;
}

/* ---------------------------------------------------------------------------
 * Public
 * ------------------------------------------------------------------------ */

bool
cap_link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2:
	case DLT_NULL: case DLT_LOOP: case DLT_RAW: case DLT_IPV4:
	case DLT_IPV6:
		return true;
	default:
		return false;
	}
}

const char *
cap_link_supported_list(void)
{
	return "EN10MB, LINUX_SLL, LINUX_SLL2, NULL, LOOP, RAW, IPV4, IPV6";
}

enum cap_result
cap_link_decode(int dlt, struct cap_cursor *c, struct cap_packet *p)
{
	switch (dlt) {
	case DLT_EN10MB:
		return decode_ethernet(c, p);
	case DLT_LINUX_SLL:
		return decode_sll(c, p);
	case DLT_LINUX_SLL2:
		return decode_sll2(c, p);
	case DLT_NULL:
		return decode_null(c, p);
	case DLT_LOOP:
		return decode_null(c, p);
	case DLT_RAW:
		return decode_raw(c, p);
	case DLT_IPV4:
		p->ethertype = CAP_ETH_IPV4;
		return CAP_OK;
	case DLT_IPV6:
		p->ethertype = CAP_ETH_IPV6;
		return CAP_OK;
	default:
		p->why = "link type";
		return CAP_OTHER;
	}
}
