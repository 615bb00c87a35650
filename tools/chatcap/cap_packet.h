/*
 * cap_packet.h — what chatcap's decoders know about one captured packet,
 * the answers a decoder gives, and the cursor through which every byte of a
 * packet is read. The decoders themselves live in cap_link.c, cap_ip.c,
 * cap_tcp.c and cap_udp.c; cap_decode.c chains them.
 */
#ifndef CAP_PACKET_H
#define CAP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAP_VLAN_MAX 4 /* stacked VLAN tags followed (QinQ and beyond) */

/*
 * A decoder answers one of four things. "Truncated" and "invalid" are
 * different: a short snapshot length cuts a correct packet (the capture's
 * fault), a bad length field is a wrong packet (the sender's fault).
 */
enum cap_result {
	CAP_OK,        /* decoded; the cursor stands after the header */
	CAP_TRUNCATED, /* the captured bytes end before the header does */
	CAP_INVALID,   /* the header contradicts itself or the lengths */
	CAP_OTHER,     /* well formed, but not something chatcap follows */
	CAP_FRAGMENT,  /* a piece of a fragmented IP datagram: p->frag_* say
	                * which (cap_frag.c puts the pieces together) */
};

/* TCP flags, as in the header's 13th byte (RFC 9293, 3.1). */
enum {
	CAP_FIN = 0x01, CAP_SYN = 0x02, CAP_RST = 0x04, CAP_PSH = 0x08,
	CAP_ACK = 0x10, CAP_URG = 0x20, CAP_ECE = 0x40, CAP_CWR = 0x80,
};

/* TCP options worth showing in a lesson (RFC 9293, RFC 7323, RFC 2018). */
struct cap_tcp_opts {
	bool     has_mss, has_wscale, sack_ok, has_sack, has_ts;
	bool     has_sack2; /* a second SACK block */
	bool     bad;     /* an option's length ran past the options */
	uint16_t mss;
	uint8_t  wscale;
	uint32_t ts_val, ts_ecr;
	uint32_t sack_left, sack_right; /* the first SACK block */
	uint32_t sack2_left, sack2_right; /* the second, if any */
};

struct cap_packet {
	/* link layer */
	uint16_t ethertype;              /* 0x0800 IPv4, 0x86DD IPv6, ... */
	unsigned vlans;                  /* VLAN tags passed */
	uint16_t vlan_id[CAP_VLAN_MAX];

	/* network layer */
	int      family;                 /* 4 or 6; 0 before the IP decoder */
	uint8_t  src[16], dst[16];       /* IPv4 uses the first 4 bytes */
	uint8_t  proto;                  /* 6 TCP, 17 UDP, ... */
	size_t   ip_len;                 /* bytes from the IP header on */
	size_t   ip_hdr_len;             /* IP header with options/extensions */
	unsigned ip_ext;                 /* IPv6 extension headers passed */

	/* transport layer */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t  flags;
	uint16_t win;
	struct cap_tcp_opts opt;
	size_t   l4_hdr_len;             /* TCP or UDP header */

	/* what follows the TCP/UDP header */
	size_t         payload_len;      /* from the length fields */
	const uint8_t *payload;          /* the captured part of it */
	size_t         payload_caplen;   /* <= payload_len (snaplen) */

	/* an ICMP/ICMPv6 error (proto 1 or 58): its type and code, and the
	 * packet it quotes (when icmp_quote) */
	uint8_t  icmp_type, icmp_code;
	bool     icmp_quote;
	int      q_family;
	uint8_t  q_src[16], q_dst[16], q_proto;
	uint16_t q_sport, q_dport;

	/* an IP fragment (CAP_FRAGMENT): which datagram and which bytes of its
	 * payload; payload/payload_len/payload_caplen are those bytes */
	uint32_t frag_id;
	size_t   frag_off;
	bool     frag_more;              /* more fragments follow */
	unsigned frags;                  /* reassembled from this many pieces
	                                  * (0: it came whole) */

	const char    *why;              /* which header or field, if not OK */
	const char    *hdr_cut;          /* OK, but this part was not captured
	                                  * ("TCP options"), or NULL */
};

/*
 * A cursor over a packet: p[0..len) was captured, the packet had wire bytes
 * on the wire (wire >= len). Every read goes through the functions below;
 * a read past len returns zeros and sets the sticky short_read flag, so a
 * decoder may read a whole header and check once at the end.
 */
struct cap_cursor {
	const uint8_t *p;
	size_t         len;
	size_t         wire;
	size_t         off;
	bool           short_read;
};

static inline void
cap_cur_init(struct cap_cursor *c, const uint8_t *p, size_t len, size_t wire)
{
	c->p = p;
	c->len = len;
	c->wire = wire < len ? len : wire;
	c->off = 0;
	c->short_read = false;
}

/* Captured bytes left after the cursor. */
static inline size_t
cap_cur_left(const struct cap_cursor *c)
{
	return c->off < c->len ? c->len - c->off : 0;
}

/* Bytes the packet had on the wire after the cursor. */
static inline size_t
cap_cur_wire_left(const struct cap_cursor *c)
{
	return c->off < c->wire ? c->wire - c->off : 0;
}

/* True if n more bytes were captured; otherwise mark the cursor short. */
static inline bool
cap_cur_need(struct cap_cursor *c, size_t n)
{
	if (n > cap_cur_left(c)) {
		c->short_read = true;
		return false;
	}
	return true;
}

static inline void
cap_cur_skip(struct cap_cursor *c, size_t n)
{
	if (cap_cur_need(c, n))
		c->off += n;
	else
		c->off = c->len;
}

static inline uint8_t
cap_cur_u8(struct cap_cursor *c)
{
	if (!cap_cur_need(c, 1))
		return 0;
	return c->p[c->off++];
}

static inline uint16_t
cap_cur_be16(struct cap_cursor *c)
{
	uint16_t v;

	if (!cap_cur_need(c, 2))
		return 0;
	v = (uint16_t)(c->p[c->off] << 8 | c->p[c->off + 1]);
	c->off += 2;
	return v;
}

static inline uint32_t
cap_cur_be32(struct cap_cursor *c)
{
	uint32_t v;

	if (!cap_cur_need(c, 4))
		return 0;
	v = (uint32_t)c->p[c->off] << 24 | (uint32_t)c->p[c->off + 1] << 16 |
	    (uint32_t)c->p[c->off + 2] << 8 | (uint32_t)c->p[c->off + 3];
	c->off += 4;
	return v;
}

/* Copy n bytes out, or fill dst with zeros and mark the cursor short. */
static inline void
cap_cur_copy(struct cap_cursor *c, void *dst, size_t n)
{
	uint8_t *d = dst;
	size_t i;

	if (!cap_cur_need(c, n)) {
		for (i = 0; i < n; i++)
			d[i] = 0;
		c->off = c->len;
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = c->p[c->off + i];
	c->off += n;
}

/* Limit the cursor to the next n bytes on the wire (drops link padding). */
static inline void
cap_cur_limit(struct cap_cursor *c, size_t n)
{
	if (n < cap_cur_wire_left(c))
		c->wire = c->off + n;
	if (c->wire < c->len)
		c->len = c->wire;
}

#endif
