/*
 * test_cap_frag.c — IP reassembly (tools/chatcap/cap_frag.c): pieces in
 * order, reversed, a missing piece, a timeout, the bound on datagrams
 * waiting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cap_frag.h"

static uint8_t dgram[3000];    /* UDP header + payload, as one IP payload */

static void
make_dgram(void)
{
	size_t i;

	memset(dgram, 0, 8);
	dgram[0] = 0x9c;                  /* source port 40000 */
	dgram[1] = 0x40;
	dgram[2] = 0x13;                  /* destination port 5001 */
	dgram[3] = 0x89;
	dgram[4] = (uint8_t)(sizeof(dgram) >> 8);
	dgram[5] = (uint8_t)(sizeof(dgram) & 0xff);
	for (i = 8; i < sizeof(dgram); i++)
		dgram[i] = (uint8_t)('a' + i % 26);
}

/* Piece k of 3 (1480, 1480, 40 bytes) of datagram id. */
static void
piece(struct cap_packet *p, unsigned k, uint32_t id)
{
	size_t off = k * 1480, len = k < 2 ? 1480 : sizeof(dgram) - 2960;

	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->src[0] = 10;
	p->dst[0] = 10;
	p->dst[3] = 1;
	p->proto = 17;
	p->ip_hdr_len = 20;
	p->ip_len = 20 + len;
	p->frag_id = id;
	p->frag_off = off;
	p->frag_more = k < 2;
	p->payload = dgram + off;
	p->payload_len = p->payload_caplen = len;
}

static void
test_cap_frag_packet_in_order_and_reversed(void **state)
{
	static const unsigned orders[2][3] = { { 0, 1, 2 }, { 2, 1, 0 } };
	struct cap_frag_table ft;
	struct cap_packet p;
	unsigned o, k;

	(void)state;
	make_dgram();
	for (o = 0; o < 2; o++) {
		memset(&ft, 0, sizeof(ft));
		for (k = 0; k < 3; k++) {
			piece(&p, orders[o][k], 7);
			if (k < 2) {
				assert_int_equal(cap_frag_packet(&ft, CAP_FRAGMENT, &p, k),
				                 CAP_FRAGMENT);
				assert_int_equal(cap_frag_seen(&ft, &p), k + 1);
			} else {
				assert_int_equal(cap_frag_packet(&ft, CAP_FRAGMENT, &p, k),
				                 CAP_OK);
			}
		}
		assert_int_equal(p.frags, 3);
		assert_int_equal(p.sport, 40000);
		assert_int_equal(p.payload_len, sizeof(dgram) - 8);
		assert_memory_equal(p.payload, dgram + 8, sizeof(dgram) - 8);
		assert_int_equal(ft.n, 0);
		cap_frag_free(&ft);
	}
}

static void
test_cap_frag_packet_missing_piece_expires(void **state)
{
	struct cap_frag_table ft = { 0 };
	struct cap_packet p;

	(void)state;
	make_dgram();
	piece(&p, 0, 9);
	assert_int_equal(cap_frag_packet(&ft, CAP_FRAGMENT, &p, 0), CAP_FRAGMENT);
	piece(&p, 2, 9);
	assert_int_equal(cap_frag_packet(&ft, CAP_FRAGMENT, &p, 1), CAP_FRAGMENT);
	assert_int_equal(ft.n, 1);
	piece(&p, 1, 10);                 /* another datagram, 31 s later */
	assert_int_equal(cap_frag_packet(&ft, CAP_FRAGMENT, &p,
	                                 CAP_FRAG_TIMEOUT_US + 2), CAP_FRAGMENT);
	assert_int_equal(ft.expired, 1);
	assert_int_equal(ft.n, 1);
	cap_frag_free(&ft);
}

static void
test_cap_frag_packet_bounded(void **state)
{
	struct cap_frag_table ft = { 0 };
	struct cap_packet p;
	uint32_t id;

	(void)state;
	make_dgram();
	for (id = 0; id < CAP_FRAG_DGRAMS + 5; id++) {
		piece(&p, 0, id);
		assert_int_equal(cap_frag_packet(&ft, CAP_FRAGMENT, &p, id),
		                 CAP_FRAGMENT);
	}
	assert_int_equal(ft.n, CAP_FRAG_DGRAMS);
	assert_int_equal(ft.expired, 5);
	piece(&p, 0, 1);
	p.payload_caplen = 10;            /* cut by the snapshot length */
	assert_int_equal(cap_frag_packet(&ft, CAP_FRAGMENT, &p, 99), CAP_FRAGMENT);
	assert_non_null(strstr(p.why, "snapshot"));
	piece(&p, 0, 1);
	p.frag_off = 65000;               /* past 64 KiB */
	assert_int_equal(cap_frag_packet(&ft, CAP_FRAGMENT, &p, 99), CAP_FRAGMENT);
	assert_non_null(strstr(p.why, "offset"));
	assert_int_equal(cap_frag_packet(&ft, CAP_OK, &p, 99), CAP_OK);
	cap_frag_free(&ft);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_frag_packet_in_order_and_reversed),
		cmocka_unit_test(test_cap_frag_packet_missing_piece_expires),
		cmocka_unit_test(test_cap_frag_packet_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
