/*
 * test_net_fate.c — unit tests for net/fate.c and net/hold.c: the
 * impairer's seeded choices and the heap of held packets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fate.h"
#include "hold.h"

static void
test_fate_decide_same_seed_same_fates(void **state)
{
	struct spec_impair sp = { .delay_us = 20000, .jitter_us = 5000,
	                          .loss = 0.1, .dup = 0.1, .reorder = 0.2 };
	struct fate_rng a, b;
	struct fate x, y;
	int i;

	(void)state;
	fate_seed(&a, 42);
	fate_seed(&b, 42);
	for (i = 0; i < 1000; i++) {
		x = fate_decide(&sp, &a);
		y = fate_decide(&sp, &b);
		assert_int_equal(x.drop, y.drop);
		assert_int_equal(x.dup, y.dup);
		assert_int_equal(x.delay_us, y.delay_us);
	}
}

static void
test_fate_decide_frequencies(void **state)
{
	struct spec_impair sp = { .delay_us = 20000, .loss = 0.2,
	                          .dup = 0.05, .reorder = 0.25 };
	struct fate_rng r;
	int i, n = 100000, drop = 0, dup = 0, now = 0;
	struct fate f;

	(void)state;
	fate_seed(&r, 1);
	for (i = 0; i < n; i++) {
		f = fate_decide(&sp, &r);
		drop += f.drop;
		dup += f.dup;
		now += !f.drop && f.delay_us == 0;
		if (!f.drop && f.delay_us != 0)
			assert_int_equal(f.delay_us, 20000);
	}
	/* 0.2 of all; 0.05 and 0.25 of those not dropped; within 5 sd. */
	assert_in_range(drop, 20000 - 640, 20000 + 640);
	assert_in_range(dup, 4000 - 310, 4000 + 310);
	assert_in_range(now, 20000 - 610, 20000 + 610);
}

static void
test_fate_decide_jitter_bounds(void **state)
{
	struct spec_impair sp = { .delay_us = 10000, .jitter_us = 15000 };
	struct fate_rng r;
	uint64_t lo = UINT64_MAX, hi = 0;
	struct fate f;
	int i;

	(void)state;
	fate_seed(&r, 9);
	for (i = 0; i < 10000; i++) {
		f = fate_decide(&sp, &r);
		assert_false(f.drop);
		lo = f.delay_us < lo ? f.delay_us : lo;
		hi = f.delay_us > hi ? f.delay_us : hi;
	}
	assert_int_equal(lo, 0);                /* never below zero */
	assert_in_range(hi, 24000, 25000);
}

static void
test_hold_pop_in_due_order_ties_in_arrival(void **state)
{
	struct hold h;
	struct hold_item it;
	unsigned char *copy = malloc(4);

	(void)state;
	assert_int_equal(hold_init(&h, 8), 0);
	assert_int_equal(hold_push(&h, 300, 1, NULL, 0), 0);
	assert_int_equal(hold_push(&h, 100, 2, copy, 4), 0);
	assert_int_equal(hold_push(&h, 300, 3, NULL, 0), 0);
	assert_int_equal(hold_push(&h, 200, 4, NULL, 0), 0);
	assert_int_equal(hold_next(&h), 100);
	assert_int_equal(hold_pop_due(&h, 99, &it), 0);
	assert_int_equal(hold_pop_due(&h, 1000, &it), 1);
	assert_int_equal(it.id, 2);
	assert_ptr_equal(it.copy, copy);
	free(it.copy);
	assert_int_equal(hold_pop_due(&h, 1000, &it), 1);
	assert_int_equal(it.id, 4);
	assert_int_equal(hold_pop_due(&h, 1000, &it), 1);
	assert_int_equal(it.id, 1);
	assert_int_equal(hold_pop_due(&h, 1000, &it), 1);
	assert_int_equal(it.id, 3);
	assert_int_equal(hold_next(&h), UINT64_MAX);
	hold_free(&h);
}

static void
test_hold_push_full_refused(void **state)
{
	struct hold h;
	int i;

	(void)state;
	assert_int_equal(hold_init(&h, 3), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(hold_push(&h, 5, (uint32_t)i, NULL, 0), 0);
	assert_int_equal(hold_push(&h, 5, 9, NULL, 0), -1);
	hold_free(&h);          /* frees the copies still held */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fate_decide_same_seed_same_fates),
		cmocka_unit_test(test_fate_decide_frequencies),
		cmocka_unit_test(test_fate_decide_jitter_bounds),
		cmocka_unit_test(test_hold_pop_in_due_order_ties_in_arrival),
		cmocka_unit_test(test_hold_push_full_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
