/*
 * test_cap_rtt.c — the RFC 6298 estimator (tools/chatcap/cap_rtt.c) on
 * samples worked by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cap_rtt.h"

static void
test_cap_rtt_sample_first(void **state)
{
	struct cap_rtt r = { .keep_rows = true };
	struct cap_rtt_row row;

	(void)state;
	cap_rtt_sample(&r, 7, 100000, &row);         /* R = 100 ms */
	assert_int_equal(row.frame, 7);
	assert_int_equal(row.srtt_us, 100000);       /* SRTT = R */
	assert_int_equal(row.rttvar_us, 50000);      /* RTTVAR = R/2 */
	assert_int_equal(row.rto_us, 1000000);       /* 300 ms, up to 1 s */
	cap_rtt_free(&r);
}

static void
test_cap_rtt_sample_smoothing(void **state)
{
	struct cap_rtt r = { .keep_rows = true };
	struct cap_rtt_row row;

	(void)state;
	cap_rtt_sample(&r, 1, 400000, &row);         /* SRTT 400, VAR 200 */
	cap_rtt_sample(&r, 2, 800000, &row);
	/* RTTVAR = 3/4 200 + 1/4 |400 - 800| = 250; SRTT = 7/8 400 + 1/8 800
	 * = 450; RTO = 450 + 4 x 250 = 1450 ms. */
	assert_int_equal(row.rttvar_us, 250000);
	assert_int_equal(row.srtt_us, 450000);
	assert_int_equal(row.rto_us, 1450000);
	assert_int_equal(r.samples, 2);
	assert_int_equal(r.nrows, 2);
	assert_int_equal(r.row[1].sample_us, 800000);
	cap_rtt_free(&r);
}

static void
test_cap_rtt_sample_rows_bounded(void **state)
{
	struct cap_rtt r = { .keep_rows = true };
	struct cap_rtt_row row;
	int i;

	(void)state;
	for (i = 0; i < CAP_RTT_ROWS + 10; i++)
		cap_rtt_sample(&r, (uint64_t)i + 1, 1000, &row);
	assert_int_equal(r.nrows, CAP_RTT_ROWS);
	assert_int_equal(r.samples, CAP_RTT_ROWS + 10);
	assert_int_equal(r.last.frame, CAP_RTT_ROWS + 10);
	assert_int_equal(r.last.srtt_us, 1000);
	cap_rtt_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_rtt_sample_first),
		cmocka_unit_test(test_cap_rtt_sample_smoothing),
		cmocka_unit_test(test_cap_rtt_sample_rows_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
