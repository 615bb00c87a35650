/*
 * test_bench_stats.c — unit tests for shared/load/bench_stats.c:
 * chatbench's counting of deliveries, duplicates, reorders, garbled and
 * lost messages per receiver (and, over TCP, those not delivered in time
 * on live connections), runs of consecutive losses, and latency
 * percentiles from its histogram checked against the exact nearest rank.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"

/* Receiver r sees message (sender, seq), sent at 1000 us, at now. */
static void
see(struct bench_stats *s, size_t r, unsigned sender, uint32_t seq,
    uint64_t now)
{
	struct bench_token t = { sender, seq, 1000 };

	bench_stats_token(s, r, 1, &t, now);
}

static int
setup(void **state)
{
	struct bench_stats *s = malloc(sizeof(*s));
	char err[128];

	/* 4 clients, clients 0 and 1 send 10 messages each. */
	if (s == NULL || bench_stats_init(s, 4, 2, 10, err, sizeof(err)) < 0)
		return -1;
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	bench_stats_free(*state);
	free(*state);
	return 0;
}

static void
test_bench_stats_expected_leaves_out_senders_own(void **state)
{
	struct bench_stats *s = *state;

	/* Senders get the other sender's 10; the two others get 20 each. */
	assert_int_equal(bench_stats_expected(s), 10 + 10 + 20 + 20);
	bench_stats_ignore(s, 3);       /* a stalled client is not counted */
	assert_int_equal(bench_stats_expected(s), 40);
}

static void
test_bench_stats_token_all_delivered_nothing_lost(void **state)
{
	struct bench_stats *s = *state;
	uint32_t q;
	size_t r;

	for (r = 0; r < 4; r++)
		for (q = 0; q < 10; q++) {
			if (r != 0)
				see(s, r, 0, q, 2000);
			if (r != 1)
				see(s, r, 1, q, 2000);
		}
	assert_int_equal(s->delivered, 60);
	assert_int_equal(bench_stats_lost(s), 0);
	assert_int_equal(s->duplicated + s->reordered + s->unexpected, 0);
}

static void
test_bench_stats_token_duplicate_counted_once(void **state)
{
	struct bench_stats *s = *state;

	see(s, 2, 0, 3, 2000);
	see(s, 2, 0, 3, 2500);
	see(s, 3, 0, 3, 2000);          /* another receiver: not a duplicate */
	assert_int_equal(s->delivered, 2);
	assert_int_equal(s->duplicated, 1);
	assert_int_equal(bench_stats_lost(s), 60 - 2);
}

static void
test_bench_stats_token_reorder_per_sender(void **state)
{
	struct bench_stats *s = *state;

	see(s, 2, 0, 0, 2000);
	see(s, 2, 0, 2, 2000);
	see(s, 2, 0, 1, 2000);          /* after 2: reordered */
	see(s, 2, 1, 0, 2000);          /* another sender's order is its own */
	see(s, 2, 0, 3, 2000);
	assert_int_equal(s->delivered, 5);
	assert_int_equal(s->reordered, 1);
}

static void
test_bench_stats_token_garbled_and_unexpected(void **state)
{
	struct bench_stats *s = *state;
	struct bench_token t = { 0, 1, 1000 };

	bench_stats_token(s, 2, 0, &t, 2000);   /* damaged */
	see(s, 0, 0, 1, 2000);                  /* its own message back */
	see(s, 2, 3, 1, 2000);                  /* not a sender */
	see(s, 2, 0, 10, 2000);                 /* beyond --messages */
	assert_int_equal(s->garbled, 1);
	assert_int_equal(s->unexpected, 3);
	assert_int_equal(s->delivered, 0);
	assert_int_equal(bench_stats_lost(s), 60);
}

static void
test_bench_stats_token_latency_from_timestamp(void **state)
{
	struct bench_stats *s = *state;

	see(s, 2, 0, 0, 1250);
	assert_int_equal(s->latency.count, 1);
	assert_int_equal(s->latency.max, 250);
	assert_int_equal(s->first_us, 1250);
}

static void
test_bench_hist_percentile_exact_below_64(void **state)
{
	struct bench_hist *h = calloc(1, sizeof(*h));
	uint64_t v;

	(void)state;
	for (v = 1; v <= 50; v++)
		bench_hist_add(h, v);
	assert_int_equal(bench_hist_percentile(h, 50), 25);
	assert_int_equal(bench_hist_percentile(h, 90), 45);
	assert_int_equal(bench_hist_percentile(h, 100), 50);
	assert_int_equal(bench_hist_percentile(h, 0), 1);
	free(h);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The histogram's percentiles of n samples against the nearest rank of the
 * sorted samples themselves: within 1 % for p50, p90, p99 and p99.9. */
static void
assert_percentiles_near(uint64_t *v, size_t n)
{
	static const double pct[] = { 50, 90, 99, 99.9 };
	struct bench_hist *h = calloc(1, sizeof(*h));
	uint64_t got, exact;
	size_t i, rank;

	assert_non_null(h);
	for (i = 0; i < n; i++)
		bench_hist_add(h, v[i]);
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		rank = (size_t)(pct[i] * (double)n / 100.0 + 0.999999);
		exact = v[rank - 1];
		got = bench_hist_percentile(h, pct[i]);
		assert_true(got * 100 >= exact * 99 && got * 100 <= exact * 101);
	}
	assert_int_equal(bench_hist_percentile(h, 100), v[n - 1]);
	free(h);
}

static void
test_bench_hist_percentile_within_1_percent_of_nearest_rank(void **state)
{
	size_t n = 20000, i;
	uint64_t *v = malloc(n * sizeof(*v)), x = 12345;

	(void)state;
	assert_non_null(v);
	/* Spread over 50 us to 2 s, as a lossy link's latencies are. */
	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		v[i] = 50 + (x >> 33) % 2000000 / (1 + (x >> 20) % 50);
	}
	assert_percentiles_near(v, n);
	/* A tight cluster (one bucket's width apart): a UDP run on lo. */
	for (i = 0; i < n; i++)
		v[i] = 40000 + i % 747;
	assert_percentiles_near(v, n);
	/* Two values only: p50 must be the lower, p99 the upper. */
	for (i = 0; i < 100; i++)
		v[i] = i < 60 ? 102400 : 327000;
	assert_percentiles_near(v, 100);
	free(v);
}

static void
test_bench_hist_percentile_large_within_half_percent(void **state)
{
	struct bench_hist *h = calloc(1, sizeof(*h));
	uint64_t v, p;

	(void)state;
	assert_int_equal(bench_hist_percentile(h, 99), 0);     /* empty */
	for (v = 1; v <= 100000; v++)
		bench_hist_add(h, v);
	p = bench_hist_percentile(h, 50);
	assert_true(p >= 49800 && p <= 50200);
	p = bench_hist_percentile(h, 99);
	assert_true(p >= 99000 && p <= 100000);         /* never above max */
	assert_int_equal(h->max, 100000);
	free(h);
}

static void
test_bench_hist_percentile_one_outlier(void **state)
{
	struct bench_hist *h = calloc(1, sizeof(*h));
	int i;

	(void)state;
	for (i = 0; i < 99; i++)
		bench_hist_add(h, 100);
	bench_hist_add(h, 5000000);
	assert_true(bench_hist_percentile(h, 99) <= 103);
	assert_int_equal(bench_hist_percentile(h, 100), 5000000);
	free(h);
}

/* Every expected delivery arrives but the messages of sender 0 to
 * receiver 2 whose bit is set in lost (bit i: message i). */
static void
deliver_all_but(struct bench_stats *s, unsigned lost)
{
	size_t r;
	unsigned snd;
	uint32_t seq;

	for (r = 0; r < 4; r++)
		for (snd = 0; snd < 2; snd++)
			for (seq = 0; seq < 10; seq++)
				if (snd != r && !(r == 2 && snd == 0 && (lost >> seq & 1)))
					see(s, r, snd, seq, 2000);
}

static void
test_bench_stats_runs_none_when_all_delivered(void **state)
{
	struct bench_stats *s = *state;
	struct bench_runs runs;

	deliver_all_but(s, 0);
	bench_stats_runs(s, &runs);
	assert_int_equal(runs.runs, 0);
	assert_int_equal(runs.longest, 0);
}

static void
test_bench_stats_runs_counts_each_run_once(void **state)
{
	struct bench_stats *s = *state;
	struct bench_runs runs;

	/* lost 0, then 3 4 5, then 9 (the last message: the run ends there) */
	deliver_all_but(s, 1u << 0 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 9);
	bench_stats_runs(s, &runs);
	assert_int_equal(bench_stats_lost(s), 5);
	assert_int_equal(runs.runs, 3);
	assert_int_equal(runs.longest, 3);
	assert_int_equal(runs.hist[0], 2);
	assert_int_equal(runs.hist[1], 0);
	assert_int_equal(runs.hist[2], 1);
}

static void
test_bench_stats_runs_long_run_in_last_bucket(void **state)
{
	struct bench_stats *s = *state;
	struct bench_runs runs;

	deliver_all_but(s, 0x3ff);      /* all ten lost */
	bench_stats_runs(s, &runs);
	assert_int_equal(runs.runs, 1);
	assert_int_equal(runs.longest, 10);
	assert_int_equal(runs.hist[BENCH_RUNS_HIST - 1], 1);
}

static void
test_bench_stats_runs_skips_ignored_receivers(void **state)
{
	struct bench_stats *s = *state;
	struct bench_runs runs;

	deliver_all_but(s, 0);
	bench_stats_ignore(s, 3);       /* it would have lost nothing anyway */
	bench_stats_runs(s, &runs);
	assert_int_equal(runs.runs, 0);
	/* a receiver that got nothing: one run per sender it hears */
	bench_stats_free(s);
	assert_int_equal(bench_stats_init(s, 3, 2, 5, (char[64]){0}, 64), 0);
	bench_stats_runs(s, &runs);
	/* receivers 0 and 1 hear one sender each, receiver 2 hears both */
	assert_int_equal(runs.runs, 4);
	assert_int_equal(runs.longest, 5);
	assert_int_equal(runs.hist[4], 4);
}

static void
test_bench_stats_late_only_between_live_connections(void **state)
{
	struct bench_stats *s = *state;
	struct bench_runs runs;

	deliver_all_but(s, 0x7);        /* 0, 1, 2 of sender 0 miss receiver 2 */
	assert_int_equal(bench_stats_missing(s), 3);
	assert_int_equal(bench_stats_lost(s), 3);      /* UDP: lost */
	assert_int_equal(bench_stats_late(s), 0);
	s->stream = true;                              /* TCP: on their way */
	assert_int_equal(bench_stats_lost(s), 0);
	assert_int_equal(bench_stats_late(s), 3);
	bench_stats_runs(s, &runs);
	assert_int_equal(runs.runs, 0);                /* nothing lost */
	bench_stats_gone(s, 3);                        /* another receiver */
	assert_int_equal(bench_stats_late(s), 3);
	bench_stats_gone(s, 0);                        /* their sender */
	assert_int_equal(bench_stats_lost(s), 3);
	assert_int_equal(bench_stats_late(s), 0);
	bench_stats_runs(s, &runs);
	assert_int_equal(runs.runs, 1);
	assert_int_equal(runs.longest, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_expected_leaves_out_senders_own, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_token_all_delivered_nothing_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_token_duplicate_counted_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_token_reorder_per_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_token_garbled_and_unexpected, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_token_latency_from_timestamp, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_runs_none_when_all_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_runs_counts_each_run_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_runs_long_run_in_last_bucket, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_runs_skips_ignored_receivers, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bench_stats_late_only_between_live_connections, setup,
		    teardown),
		cmocka_unit_test(test_bench_hist_percentile_exact_below_64),
		cmocka_unit_test(
		    test_bench_hist_percentile_within_1_percent_of_nearest_rank),
		cmocka_unit_test(test_bench_hist_percentile_large_within_half_percent),
		cmocka_unit_test(test_bench_hist_percentile_one_outlier),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
