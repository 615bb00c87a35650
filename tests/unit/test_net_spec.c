/*
 * test_net_spec.c — unit tests for net/spec.c, chatnet's parsing of
 * durations, percentages, rates and host names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "spec.h"

static void
test_spec_duration_units(void **state)
{
	uint64_t us;

	(void)state;
	assert_int_equal(spec_duration("40ms", &us), 0);
	assert_int_equal(us, 40000);
	assert_int_equal(spec_duration("40", &us), 0);
	assert_int_equal(us, 40000);
	assert_int_equal(spec_duration("1.5s", &us), 0);
	assert_int_equal(us, 1500000);
	assert_int_equal(spec_duration("250us", &us), 0);
	assert_int_equal(us, 250);
}

static void
test_spec_duration_invalid(void **state)
{
	uint64_t us;

	(void)state;
	assert_int_equal(spec_duration("", &us), -1);
	assert_int_equal(spec_duration("-5ms", &us), -1);
	assert_int_equal(spec_duration("5 ms", &us), -1);
	assert_int_equal(spec_duration("5min", &us), -1);
	assert_int_equal(spec_duration("11s", &us), -1);
	assert_int_equal(spec_duration("nan", &us), -1);
}

static void
test_spec_percent_forms(void **state)
{
	double p;

	(void)state;
	assert_int_equal(spec_percent("20%", &p), 0);
	assert_true(p > 0.1999 && p < 0.2001);
	assert_int_equal(spec_percent("0.5", &p), 0);
	assert_true(p > 0.00499 && p < 0.00501);
	assert_int_equal(spec_percent("100%", &p), 0);
	assert_int_equal(spec_percent("101%", &p), -1);
	assert_int_equal(spec_percent("20%%", &p), -1);
	assert_int_equal(spec_percent("%", &p), -1);
}

static void
test_spec_rate_units(void **state)
{
	uint64_t bps;

	(void)state;
	assert_int_equal(spec_rate("1mbit", &bps), 0);
	assert_int_equal(bps, 1000000);
	assert_int_equal(spec_rate("500kbit", &bps), 0);
	assert_int_equal(bps, 500000);
	assert_int_equal(spec_rate("100kbps", &bps), 0);
	assert_int_equal(bps, 800000);
	assert_int_equal(spec_rate("1Mbit", &bps), 0);
	assert_int_equal(spec_rate("1000", &bps), -1);        /* no unit */
	assert_int_equal(spec_rate("100bit", &bps), -1);      /* too slow */
}

static void
test_spec_hosts_list(void **state)
{
	char names[4][SPEC_HOST_MAX + 1];
	const char *bad;

	(void)state;
	assert_int_equal(spec_hosts("ana,luis,sol", names, 4, &bad), 3);
	assert_string_equal(names[2], "sol");
	/* srv is always there; repeats count once */
	assert_int_equal(spec_hosts("srv,ana,ana", names, 4, &bad), 1);
	assert_int_equal(spec_hosts("", names, 4, &bad), 0);
	assert_int_equal(spec_hosts("ana,Luis", names, 4, &bad), -1);
	assert_string_equal(bad, "Luis");
	assert_int_equal(spec_hosts("a,b,c,d,e", names, 4, &bad), -1);
	assert_int_equal(spec_hosts("ana,,sol", names, 4, &bad), -1);
}

static void
test_spec_host_ok_rules(void **state)
{
	(void)state;
	assert_true(spec_host_ok("h12"));
	assert_true(spec_host_ok("abcdefghijkl"));
	assert_false(spec_host_ok("abcdefghijklm"));
	assert_false(spec_host_ok("1a"));
	assert_false(spec_host_ok("a-b"));
	assert_false(spec_host_ok("bridge"));
	assert_false(spec_host_ok(""));
}

static void
test_spec_format_line(void **state)
{
	struct spec_impair sp = { .delay_us = 40000, .loss = 0.2,
	                          .rate_bps = 1000000, .seed = 7,
	                          .has_seed = true };
	struct spec_impair none = { 0 };
	char buf[128];

	(void)state;
	spec_format(&sp, buf, sizeof(buf));
	assert_string_equal(buf, "delay 40ms loss 20% rate 1000kbit seed 7");
	spec_format(&none, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	assert_false(spec_needs_packets(&none));
	assert_true(spec_needs_packets(&sp));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_duration_units),
		cmocka_unit_test(test_spec_duration_invalid),
		cmocka_unit_test(test_spec_percent_forms),
		cmocka_unit_test(test_spec_rate_units),
		cmocka_unit_test(test_spec_hosts_list),
		cmocka_unit_test(test_spec_host_ok_rules),
		cmocka_unit_test(test_spec_format_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
