/*
 * test_cap_analysis.c — Wireshark's TCP analysis
 * (tools/chatcap/cap_analysis.c) on made-up segments, one flag at a time:
 * what makes a duplicate ACK and which ACK it repeats, a fast retransmission
 * after two of them, a keep-alive and its ACK, a zero window and its probe,
 * a lost segment and the ACK of bytes never seen, the ACK's RTT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cap_analysis.h"
#include "cap_packet.h"

struct conn {
	struct cap_ana_dir d[2];      /* [0] client, [1] server */
	uint64_t frame;
	int64_t  t_us;
};

static struct cap_ana
seg(struct conn *c, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t len, uint16_t win, int64_t after_us)
{
	struct cap_ana a;
	struct cap_ana_seg s = { .frame = ++c->frame, .seq = seq, .ack = ack,
	                         .seglen = len, .flags = flags, .raw_win = win,
	                         .wscale_opt = -1 };

	c->t_us += after_us;
	s.t_us = c->t_us;
	cap_ana_segment(&c->d[dir], &c->d[!dir], &s, 2000, &a);
	return a;
}

/* A handshake without window scaling: client ISN 1000, server 5000. */
static void
open3(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	cap_ana_dir_init(&c->d[0]);
	cap_ana_dir_init(&c->d[1]);
	seg(c, 0, CAP_SYN, 1000, 0, 0, 1000, 0);
	seg(c, 1, CAP_SYN | CAP_ACK, 5000, 1001, 0, 1000, 1000);
	seg(c, 0, CAP_ACK, 1001, 5001, 0, 1000, 1000);
}

static void
done(struct conn *c)
{
	cap_ana_dir_free(&c->d[0]);
	cap_ana_dir_free(&c->d[1]);
}

static void
test_cap_ana_segment_dup_acks_and_fast_retransmission(void **state)
{
	struct conn c;
	struct cap_ana a;

	(void)state;
	open3(&c);
	seg(&c, 0, CAP_ACK, 1001, 5001, 100, 1000, 100);          /* 4 */
	a = seg(&c, 1, CAP_ACK, 5001, 1101, 0, 1000, 100);        /* 5 */
	assert_int_equal(a.flags, 0);
	assert_int_equal(a.acks_frame, 4);
	assert_int_equal(a.ack_rtt_us, 100);
	a = seg(&c, 0, CAP_ACK, 1201, 5001, 100, 1000, 100);      /* 6: gap */
	assert_int_equal(a.flags, CAP_A_LOST_SEGMENT);
	a = seg(&c, 1, CAP_ACK, 5001, 1101, 0, 1000, 100);        /* 7 */
	assert_int_equal(a.flags, CAP_A_DUP_ACK);
	assert_int_equal(a.dup_ack_of, 5);
	assert_int_equal(a.dup_ack_n, 1);
	a = seg(&c, 1, CAP_ACK, 5001, 1101, 0, 1000, 100);        /* 8 */
	assert_int_equal(a.dup_ack_n, 2);
	a = seg(&c, 0, CAP_ACK, 1101, 5001, 100, 1000, 100);      /* 9 */
	assert_int_equal(a.flags, CAP_A_FAST_RETRANS | CAP_A_RETRANSMISSION);
	a = seg(&c, 1, CAP_ACK, 5001, 1301, 0, 1000, 100);        /* 10 */
	assert_int_equal(a.flags, 0);
	assert_int_equal(a.acks_frame, 6);
	done(&c);
}

static void
test_cap_ana_segment_keepalive_and_zero_window(void **state)
{
	struct conn c;
	struct cap_ana a;

	(void)state;
	open3(&c);
	a = seg(&c, 0, CAP_ACK, 1000, 5001, 0, 1000, 2000000);    /* 4 */
	assert_int_equal(a.flags, CAP_A_KEEP_ALIVE);
	a = seg(&c, 1, CAP_ACK, 5001, 1001, 0, 1000, 100);        /* 5 */
	assert_int_equal(a.flags, CAP_A_KEEP_ALIVE_ACK);
	seg(&c, 1, CAP_ACK, 5001, 1001, 50, 1000, 100);           /* 6 */
	a = seg(&c, 0, CAP_ACK, 1001, 5051, 0, 0, 100);           /* 7 */
	assert_int_equal(a.flags, CAP_A_ZERO_WINDOW);
	a = seg(&c, 1, CAP_ACK, 5051, 1001, 1, 1000, 200000);     /* 8 */
	assert_int_equal(a.flags, CAP_A_ZERO_WINDOW_PROBE);
	a = seg(&c, 0, CAP_ACK, 1001, 5051, 0, 0, 100);           /* 9 */
	assert_int_equal(a.flags, CAP_A_ZERO_WINDOW |
	                          CAP_A_ZERO_WINDOW_PROBE_ACK);
	a = seg(&c, 0, CAP_ACK, 1001, 5051, 0, 1000, 100);        /* 10 */
	assert_int_equal(a.flags, CAP_A_WINDOW_UPDATE);
	done(&c);
}

static void
test_cap_ana_segment_spurious_and_ack_of_unseen(void **state)
{
	struct conn c;
	struct cap_ana a;

	(void)state;
	open3(&c);
	seg(&c, 0, CAP_ACK, 1001, 5001, 100, 1000, 100);          /* 4 */
	seg(&c, 1, CAP_ACK, 5001, 1101, 0, 1000, 100);            /* 5 */
	a = seg(&c, 0, CAP_ACK, 1001, 5001, 100, 1000, 300000);   /* 6 */
	assert_int_equal(a.flags, CAP_A_SPURIOUS_RETRANS |
	                          CAP_A_RETRANSMISSION);
	a = seg(&c, 1, CAP_ACK, 5001, 1201, 0, 1000, 100);        /* 7 */
	assert_true(a.flags & CAP_A_ACK_LOST_SEGMENT);
	done(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_ana_segment_dup_acks_and_fast_retransmission),
		cmocka_unit_test(test_cap_ana_segment_keepalive_and_zero_window),
		cmocka_unit_test(test_cap_ana_segment_spurious_and_ack_of_unseen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
