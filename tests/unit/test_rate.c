/*
 * test_rate.c — unit tests for shared/server/rate.c, the token bucket behind
 * the servers' per-client rate limit. The clock is a number we pass in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rate.h"

/* How many of n events at time t get through. */
static unsigned
passes(struct rate *r, unsigned per_s, unsigned burst, unsigned n, uint64_t t)
{
	unsigned i, ok = 0;

	for (i = 0; i < n; i++)
		ok += rate_take(r, per_s, burst, t);
	return ok;
}

static void
test_rate_take_no_limit(void **state)
{
	struct rate r = { 0 };

	(void)state;
	assert_int_equal(passes(&r, 0, 0, 100000, 5), 100000);
}

static void
test_rate_take_burst_then_refused(void **state)
{
	struct rate r = { 0 };

	(void)state;
	assert_int_equal(passes(&r, 10, 20, 50, 1000), 20);
	assert_false(rate_take(&r, 10, 20, 1000));
}

static void
test_rate_take_refills_at_the_rate(void **state)
{
	struct rate r = { 0 };

	(void)state;
	assert_int_equal(passes(&r, 10, 5, 5, 0), 5);
	assert_int_equal(passes(&r, 10, 5, 5, 99), 0);    /* 0.99 token */
	assert_int_equal(passes(&r, 10, 5, 5, 100), 1);   /* one token */
	assert_int_equal(passes(&r, 10, 5, 5, 350), 2);   /* 2.5 more */
	assert_int_equal(passes(&r, 10, 5, 5, 400), 1);   /* the half + half */
}

static void
test_rate_take_long_pause_fills_to_burst_only(void **state)
{
	struct rate r = { 0 };

	(void)state;
	assert_int_equal(passes(&r, 3, 4, 4, 0), 4);
	assert_int_equal(passes(&r, 3, 4, 100, 1000000000), 4);
}

static void
test_rate_take_steady_flood_gets_the_rate(void **state)
{
	struct rate r = { 0 };
	unsigned ok = 0;
	uint64_t t;

	(void)state;
	/* one attempt every millisecond for 10 s at 50/s, burst 100 */
	for (t = 0; t < 10000; t++)
		ok += rate_take(&r, 50, 100, t);
	assert_in_range(ok, 100 + 499, 100 + 500);
}

static void
test_rate_take_clock_backwards(void **state)
{
	struct rate r = { 0 };

	(void)state;
	assert_int_equal(passes(&r, 1, 1, 1, 5000), 1);
	assert_int_equal(passes(&r, 1, 1, 3, 10), 0);      /* no refill */
	assert_int_equal(passes(&r, 1, 1, 3, 6000), 1);
}

static void
test_rate_take_huge_values_do_not_overflow(void **state)
{
	struct rate r = { 0 }, one = { 0 };

	(void)state;
	assert_int_equal(passes(&r, 4000000000u, 4000000000u, 3, 0), 3);
	assert_true(rate_take(&r, 4000000000u, 4000000000u, UINT64_MAX));
	assert_int_equal(passes(&one, 1, 0, 2, 0), 1);      /* burst 0 is 1 */
}

static void
test_rate_wait_says_when_the_next_token_is_whole(void **state)
{
	struct rate r = { 0 };

	(void)state;
	assert_int_equal(rate_wait(&r, 0, 0, 0), 0);        /* no limit */
	assert_int_equal(passes(&r, 10, 2, 2, 0), 2);
	assert_int_equal(rate_wait(&r, 10, 2, 0), 100);     /* 1/10 s */
	assert_int_equal(rate_wait(&r, 10, 2, 60), 40);     /* 0.6 there */
	assert_false(rate_take(&r, 10, 2, 99));
	assert_int_equal(rate_wait(&r, 10, 2, 100), 0);     /* waiting took
	                                                       nothing */
	assert_int_equal(rate_wait(&r, 10, 2, 100), 0);
	assert_true(rate_take(&r, 10, 2, 100));
	assert_int_equal(rate_wait(&r, 3, 2, 100), 334);    /* rounded up */
}

static void
test_rate_wait_then_take_never_refused(void **state)
{
	struct rate r = { 0 };
	uint64_t t = 0, w;
	unsigned i;

	(void)state;
	/* A sender that always waits what it is told is never refused, and
	 * 1000 events at 7/s, burst 3, take (1000 - 3) / 7 s. */
	for (i = 0; i < 1000; i++) {
		while ((w = rate_wait(&r, 7, 3, t)) != 0)
			t += w;
		assert_true(rate_take(&r, 7, 3, t));
	}
	assert_in_range(t, 997 * 1000 / 7, 997 * 1000 / 7 + 1000);
}

static void
test_rate_take_a_token_short_by_a_thousandth(void **state)
{
	struct rate r = { 0 };

	(void)state;
	/* 1 a second, a burst of 1: spent at 0; 999 ms later 999 of the
	 * 1000 thousandths are there, not a whole token; at 1000 ms it is */
	assert_true(rate_take(&r, 1, 1, 0));
	assert_false(rate_take(&r, 1, 1, 999));
	assert_int_equal(rate_wait(&r, 1, 1, 999), 1);
	assert_true(rate_take(&r, 1, 1, 1000));
	/* 998 thousandths: two short, two milliseconds */
	assert_int_equal(rate_wait(&r, 1, 1, 1998), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_take_no_limit),
		cmocka_unit_test(test_rate_take_burst_then_refused),
		cmocka_unit_test(test_rate_take_refills_at_the_rate),
		cmocka_unit_test(test_rate_take_long_pause_fills_to_burst_only),
		cmocka_unit_test(test_rate_take_steady_flood_gets_the_rate),
		cmocka_unit_test(test_rate_take_clock_backwards),
		cmocka_unit_test(test_rate_take_huge_values_do_not_overflow),
		cmocka_unit_test(test_rate_wait_says_when_the_next_token_is_whole),
		cmocka_unit_test(test_rate_wait_then_take_never_refused),
		cmocka_unit_test(test_rate_take_a_token_short_by_a_thousandth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
