/*
 * test_fmt.c — unit tests for shared/base/fmt.c: pieces appended in order,
 * a cut piece leaves a string of size - 1 bytes, and what comes after a cut
 * never writes past the buffer or wraps the length round.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fmt.h"

static void
test_fmt_append_in_order(void **state)
{
	char b[16];
	size_t n = 0;

	(void)state;
	n = fmt_append(b, sizeof(b), n, "%s", "ana");
	n = fmt_append(b, sizeof(b), n, ", %s", "luis");
	assert_int_equal(n, 9);
	assert_string_equal(b, "ana, luis");
}

static void
test_fmt_append_cut_then_more(void **state)
{
	char b[8 + 4];
	size_t n;

	(void)state;
	memset(b, 'x', sizeof(b));
	n = fmt_append(b, 8, 0, "%s", "0123456789");
	assert_int_equal(n, 7);                 /* cut: size - 1 */
	assert_string_equal(b, "0123456");
	n = fmt_append(b, 8, n, "%s", "more");  /* nothing fits now */
	assert_int_equal(n, 7);
	assert_string_equal(b, "0123456");
	assert_memory_equal(b + 8, "xxxx", 4);  /* nothing past the end */
}

static void
test_fmt_append_exact_fit(void **state)
{
	char b[6];
	size_t n;

	(void)state;
	n = fmt_append(b, sizeof(b), 0, "%s", "12");
	n = fmt_append(b, sizeof(b), n, "%s", "345");   /* 5 + '\0' = 6 */
	assert_int_equal(n, 5);
	assert_string_equal(b, "12345");
}

static void
test_fmt_append_length_past_the_end(void **state)
{
	char b[4] = "abc";

	(void)state;
	/* A caller's length already too long is clamped, not trusted. */
	assert_int_equal(fmt_append(b, sizeof(b), 99, "%s", "d"), 3);
	assert_string_equal(b, "abc");
	assert_int_equal(fmt_append(b, 0, 0, "%s", "d"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_append_in_order),
		cmocka_unit_test(test_fmt_append_cut_then_more),
		cmocka_unit_test(test_fmt_append_exact_fit),
		cmocka_unit_test(test_fmt_append_length_past_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
