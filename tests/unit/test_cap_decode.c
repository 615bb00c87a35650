/*
 * test_cap_decode.c — chatcap's decoders, layer by layer and chained, on
 * hand-made packets for every link type: fields read right, and every
 * prefix of a valid packet is "truncated" (never a crash, never a read past
 * the end: each prefix lives in a buffer of exactly its size, so the
 * sanitizer build catches any overread).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "cap_decode.h"
#include "cap_ip.h"
#include "cap_l4.h"
#include "cap_link.h"

/* IPv4 + TCP SYN with mss, sackOK, timestamps, nop, wscale (60 bytes). */
static const uint8_t ip4_syn[] = {
	0x45, 0, 0, 60, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1,
	0x9c, 0x41, 0x13, 0x88, 0, 0x0f, 0x42, 0x40, 0, 0, 0, 0,
	0xa0, 0x02, 0xff, 0xd7, 0, 0, 0, 0,
	2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
};

/* IPv4 with a 4-byte option + TCP PSH-ACK carrying "ana\n" (48 bytes). */
static const uint8_t ip4_data[] = {
	0x46, 0, 0, 48, 0, 2, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1,
	0x94, 4, 0, 0,
	0x9c, 0x41, 0x13, 0x88, 0, 0x0f, 0x42, 0x41, 0, 0, 0x30, 0x39,
	0x50, 0x18, 2, 0, 0, 0, 0, 0, 'a', 'n', 'a', '\n',
};

/* IPv6 + hop-by-hop + UDP carrying "ana\n" (60 bytes). */
static const uint8_t ip6_udp[] = {
	0x60, 0, 0, 0, 0, 20, 0, 64,
	0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	17, 0, 1, 4, 0, 0, 0, 0,
	0x9c, 0x41, 0x13, 0x89, 0, 12, 0, 0, 'a', 'n', 'a', '\n',
};

struct link_case {
	int         dlt;
	uint8_t     hdr[24];
	size_t      hdr_len;
	bool        ipv6;
};

static const struct link_case links[] = {
	{ DLT_EN10MB, { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00 }, 14,
	  false },
	{ DLT_EN10MB, { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xa8, 0, 100,
	                0x81, 0x00, 0, 10, 0x86, 0xdd }, 22, true },
	{ DLT_LINUX_SLL, { 0, 4, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0 },
	  16, false },
	{ DLT_LINUX_SLL2, { 0x86, 0xdd, 0, 0, 0, 0, 0, 1, 3, 4, 0, 6 }, 20,
	  true },
	{ DLT_NULL, { 2, 0, 0, 0 }, 4, false },
	{ DLT_NULL, { 0, 0, 0, 30 }, 4, true },
	{ DLT_LOOP, { 0, 0, 0, 2 }, 4, false },
	{ DLT_RAW, { 0 }, 0, false },
	{ DLT_RAW, { 0 }, 0, true },
	{ DLT_IPV4, { 0 }, 0, false },
	{ DLT_IPV6, { 0 }, 0, true },
};

/* Decode a copy of pkt[0..caplen) in a buffer of exactly that size. */
static enum cap_result
decode_prefix(int dlt, const uint8_t *pkt, size_t caplen, size_t wire,
              struct cap_packet *p)
{
	uint8_t *copy = malloc(caplen > 0 ? caplen : 1);
	enum cap_result r;

	assert_non_null(copy);
	memcpy(copy, pkt, caplen);
	r = cap_decode(dlt, copy, caplen, wire, p);
	free(copy);     /* p->payload is not used after this */
	return r;
}

/* Every link type with a TCP data packet (IPv4) or UDP (IPv6): fields,
 * then every prefix. A prefix that ends after the headers is decoded with
 * the payload cut; one that ends inside them is truncated. */
static void
test_cap_decode_every_link_and_prefix(void **state)
{
	uint8_t pkt[128];
	struct cap_packet p;
	size_t i, n, hdr_end, len;

	(void)state;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		const struct link_case *l = &links[i];
		const uint8_t *ip = l->ipv6 ? ip6_udp : ip4_data;

		len = l->ipv6 ? sizeof(ip6_udp) : sizeof(ip4_data);
		memcpy(pkt, l->hdr, l->hdr_len);
		memcpy(pkt + l->hdr_len, ip, len);
		n = l->hdr_len + len;
		hdr_end = n - 4;                       /* "ana\n" is the payload */

		assert_int_equal(decode_prefix(l->dlt, pkt, n, n, &p), CAP_OK);
		assert_int_equal(p.family, l->ipv6 ? 6 : 4);
		assert_int_equal(p.proto, l->ipv6 ? 17 : 6);
		assert_int_equal(p.sport, 40001);
		assert_int_equal(p.dport, l->ipv6 ? 5001 : 5000);
		assert_int_equal(p.payload_len, 4);
		assert_int_equal(p.payload_caplen, 4);
		assert_int_equal(p.ip_len, len);
		if (l->ipv6)
			assert_int_equal(p.ip_ext, 1);

		for (len = 0; len < n; len++) {
			enum cap_result r = decode_prefix(l->dlt, pkt, len, n, &p);

			if (len < hdr_end) {
				assert_int_equal(r, CAP_TRUNCATED);
				assert_non_null(p.why);
			} else {
				assert_int_equal(r, CAP_OK);
				assert_int_equal(p.payload_caplen, len - hdr_end);
				assert_int_equal(p.payload_len, 4);
			}
		}
	}
}

static void
test_cap_tcp_decode_options(void **state)
{
	struct cap_cursor c;
	struct cap_packet p;

	(void)state;
	memset(&p, 0, sizeof(p));
	cap_cur_init(&c, ip4_syn, sizeof(ip4_syn), sizeof(ip4_syn));
	assert_int_equal(cap_ip4_decode(&c, &p), CAP_OK);
	assert_int_equal(cap_tcp_decode(&c, &p), CAP_OK);
	assert_int_equal(p.flags, CAP_SYN);
	assert_int_equal(p.seq, 1000000);
	assert_int_equal(p.win, 65495);
	assert_true(p.opt.has_mss);
	assert_int_equal(p.opt.mss, 65495);
	assert_true(p.opt.sack_ok);
	assert_true(p.opt.has_ts);
	assert_int_equal(p.opt.ts_val, 1);
	assert_true(p.opt.has_wscale);
	assert_int_equal(p.opt.wscale, 7);
	assert_false(p.opt.bad);
	assert_int_equal(p.l4_hdr_len, 40);
	assert_int_equal(p.payload_len, 0);
}

/* Every prefix of the SYN stops in the IPv4 header, TCP header or TCP
 * options: each one is truncated, and says where. */
static void
test_cap_tcp_decode_every_prefix(void **state)
{
	struct cap_packet p;
	size_t len;

	(void)state;
	for (len = 0; len < 40; len++) {
		assert_int_equal(decode_prefix(DLT_RAW, ip4_syn, len,
		                               sizeof(ip4_syn), &p), CAP_TRUNCATED);
		assert_string_equal(p.why, len < 20 ? (len == 0 ? "IP header"
		                    : "IPv4 header") : "TCP header");
	}
	/* Truncated is not invalid: with the fixed TCP header whole, the
	 * segment decodes and says the options were cut. */
	for (; len < sizeof(ip4_syn); len++) {
		assert_int_equal(decode_prefix(DLT_RAW, ip4_syn, len,
		                               sizeof(ip4_syn), &p), CAP_OK);
		assert_string_equal(p.hdr_cut, "TCP options");
		assert_int_equal(p.flags, 0x02);
		assert_false(p.opt.bad);
		assert_int_equal(p.opt.has_mss, len >= 44);
	}
	assert_int_equal(decode_prefix(DLT_RAW, ip4_syn, len, len, &p), CAP_OK);
	assert_null(p.hdr_cut);
}

static void
test_cap_tcp_decode_bad_option_length(void **state)
{
	uint8_t pkt[sizeof(ip4_syn)];
	struct cap_packet p;

	(void)state;
	memcpy(pkt, ip4_syn, sizeof(pkt));
	pkt[47] = 40;                      /* timestamps option claims 40 bytes */
	assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_OK);
	assert_true(p.opt.bad);
	assert_true(p.opt.has_mss);
	assert_false(p.opt.has_ts);
}

/* A window scale option is 3 bytes: one claiming 2 or 4 is malformed, not
 * a scale (its byte would shift every window of the connection), while
 * the options around it still decode. The last four option bytes of the
 * SYN (nop, wscale 7) become the bad option, then nop or padding. */
static void
test_cap_tcp_decode_wscale_wrong_length(void **state)
{
	static const uint8_t tails[][4] = {
		{ 3, 2, 1, 0 },         /* wscale of 2: nop, end of options */
		{ 3, 4, 7, 0 },         /* wscale of 4 whose byte would be 7 */
	};
	uint8_t pkt[sizeof(ip4_syn)];
	struct cap_packet p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		memcpy(pkt, ip4_syn, sizeof(pkt));
		memcpy(pkt + sizeof(pkt) - 4, tails[i], 4);
		assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt),
		                               sizeof(pkt), &p), CAP_OK);
		assert_false(p.opt.has_wscale);
		assert_true(p.opt.bad);
		assert_true(p.opt.has_mss);
		assert_true(p.opt.has_ts);
	}
}

/* Lengths that contradict the packet are invalid, not truncated. */
static void
test_cap_decode_invalid_lengths(void **state)
{
	uint8_t pkt[sizeof(ip4_data)];
	struct cap_packet p;

	(void)state;
	memcpy(pkt, ip4_data, sizeof(pkt));
	pkt[3] = 200;                                  /* past the frame */
	assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_INVALID);
	assert_string_equal(p.why, "IPv4 total length");

	memcpy(pkt, ip4_data, sizeof(pkt));
	pkt[0] = 0x44;                                 /* IHL 16 bytes */
	assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_INVALID);

	memcpy(pkt, ip4_data, sizeof(pkt));
	pkt[36] = 0x30;                                /* data offset 12 */
	assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_INVALID);
	assert_string_equal(p.why, "TCP data offset");

	memcpy(pkt, ip4_data, sizeof(pkt));
	pkt[36] = 0xf0;                                /* 60 > segment */
	assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_INVALID);
}

static void
test_cap_udp_decode_invalid_length(void **state)
{
	uint8_t pkt[sizeof(ip6_udp)];
	struct cap_packet p;

	(void)state;
	memcpy(pkt, ip6_udp, sizeof(pkt));
	pkt[53] = 40;                                  /* UDP length 40 > 12 */
	assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_INVALID);
	assert_string_equal(p.why, "UDP length");
	pkt[53] = 6;                                   /* below the header */
	assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_INVALID);
}

/* Ethernet padding after a short IP packet is not payload. */
static void
test_cap_decode_ethernet_padding(void **state)
{
	uint8_t pkt[14 + 20 + 8 + 18];
	struct cap_packet p;
	static const uint8_t udp4[] = {
		0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0,
		1, 0x9c, 0x41, 0x13, 0x89, 0, 8, 0, 0,
	};

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08;
	memcpy(pkt + 14, udp4, sizeof(udp4));
	assert_int_equal(decode_prefix(DLT_EN10MB, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_OK);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.ip_len, 28);
}

/* Fragments, ARP, ICMP, an unknown loopback family: "other". */
static void
test_cap_decode_other(void **state)
{
	uint8_t pkt[sizeof(ip4_data)];
	struct cap_packet p;
	static const uint8_t arp[14 + 28] = { [12] = 0x08, [13] = 0x06 };
	static const uint8_t null_ipx[8] = { 23, 0, 0, 0 };

	(void)state;
	memcpy(pkt, ip4_data, sizeof(pkt));
	pkt[6] = 0x20;                                 /* more fragments */
	assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_FRAGMENT);
	assert_string_equal(p.why, "IPv4 fragment");
	assert_true(p.frag_more);
	assert_int_equal(p.frag_off, 0);
	assert_int_equal(p.payload_len, sizeof(pkt) - 24);   /* options */
	memcpy(pkt, ip4_data, sizeof(pkt));
	pkt[9] = 1;                                    /* ICMP */
	assert_int_equal(decode_prefix(DLT_RAW, pkt, sizeof(pkt), sizeof(pkt),
	                               &p), CAP_OTHER);
	assert_int_equal(decode_prefix(DLT_EN10MB, arp, sizeof(arp), sizeof(arp),
	                               &p), CAP_OTHER);
	assert_int_equal(decode_prefix(DLT_NULL, null_ipx, sizeof(null_ipx),
	                               sizeof(null_ipx), &p), CAP_OTHER);
	assert_false(cap_link_supported(DLT_IEEE802_11));
	assert_true(cap_link_supported(DLT_LINUX_SLL2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_decode_every_link_and_prefix),
		cmocka_unit_test(test_cap_tcp_decode_options),
		cmocka_unit_test(test_cap_tcp_decode_every_prefix),
		cmocka_unit_test(test_cap_tcp_decode_bad_option_length),
		cmocka_unit_test(test_cap_tcp_decode_wscale_wrong_length),
		cmocka_unit_test(test_cap_decode_invalid_lengths),
		cmocka_unit_test(test_cap_udp_decode_invalid_length),
		cmocka_unit_test(test_cap_decode_ethernet_padding),
		cmocka_unit_test(test_cap_decode_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
