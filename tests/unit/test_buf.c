/*
 * test_buf.c — unit tests for shared/base/buf.c, the output byte queue: order
 * kept, the limit, memory given back when empty, consumed space reclaimed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static int
setup(void **state)
{
	struct buf *b = calloc(1, sizeof(*b));

	*state = b;
	return b == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	buf_free(*state);
	free(*state);
	return 0;
}

static void
test_buf_append_then_consume(void **state)
{
	struct buf *b = *state;

	assert_true(buf_empty(b));
	assert_int_equal(buf_append(b, "hola\n", 5, 100), 0);
	assert_false(buf_empty(b));
	assert_int_equal(b->len, 5);
	assert_memory_equal(buf_head(b), "hola\n", 5);
	assert_int_equal(buf_append(b, "adios\n", 6, 100), 0);
	assert_memory_equal(buf_head(b), "hola\nadios\n", 11);
	buf_consume(b, 3);
	assert_int_equal(b->len, 8);
	assert_memory_equal(buf_head(b), "a\nadios\n", 8);
}

static void
test_buf_consume_all_gives_memory_back(void **state)
{
	struct buf *b = *state;

	assert_int_equal(buf_append(b, "abc", 3, 100), 0);
	assert_non_null(b->data);
	buf_consume(b, 3);
	assert_true(buf_empty(b));
	assert_null(b->data);
	assert_int_equal(b->cap, 0);
	assert_int_equal(b->off, 0);
	assert_int_equal(buf_append(b, "xyz", 3, 100), 0); /* usable again */
	assert_memory_equal(buf_head(b), "xyz", 3);
}

static void
test_buf_append_limit(void **state)
{
	struct buf *b = *state;
	char block[100];

	memset(block, 'k', sizeof(block));
	assert_int_equal(buf_append(b, block, 60, 100), 0);
	assert_int_equal(buf_append(b, block, 41, 100), -1);  /* 101 > 100 */
	assert_int_equal(b->len, 60);                        /* nothing queued */
	assert_int_equal(buf_append(b, block, 40, 100), 0);  /* exactly 100 */
	assert_int_equal(b->len, 100);
	assert_int_equal(buf_append(b, block, 1, 100), -1);
	buf_consume(b, 50);                                  /* room again */
	assert_int_equal(buf_append(b, block, 50, 100), 0);
	assert_int_equal(b->len, 100);
}

static void
test_buf_append_larger_than_limit(void **state)
{
	struct buf *b = *state;
	char block[64] = { 0 };

	assert_int_equal(buf_append(b, block, 64, 63), -1);
	assert_true(buf_empty(b));
	assert_null(b->data);
	assert_int_equal(buf_append(b, block, 1, 0), -1);
	assert_int_equal(buf_append(b, block, 64, SIZE_MAX), 0);
	/* a size that would wrap around size_t is refused, not wrapped */
	assert_int_equal(buf_append(b, block, SIZE_MAX, SIZE_MAX), -1);
	assert_int_equal(b->len, 64);
}

static void
test_buf_append_nothing(void **state)
{
	struct buf *b = *state;

	assert_int_equal(buf_append(b, "", 0, 100), 0);
	assert_true(buf_empty(b));
	assert_int_equal(buf_append(b, "ab", 2, 100), 0);
	assert_int_equal(buf_append(b, "", 0, 100), 0);
	assert_int_equal(b->len, 2);
}

static void
test_buf_append_reclaims_consumed_space(void **state)
{
	struct buf *b = *state;
	char a[400], z[400];
	size_t cap;

	memset(a, 'a', sizeof(a));
	memset(z, 'z', sizeof(z));
	assert_int_equal(buf_append(b, a, sizeof(a), 10000), 0);
	cap = b->cap;
	buf_consume(b, 300);
	assert_int_equal(buf_append(b, z, sizeof(z), 10000), 0);
	assert_int_equal(b->cap, cap);  /* 100 + 400 fit once slid down */
	assert_int_equal(b->off, 0);
	assert_int_equal(b->len, 500);
	assert_memory_equal(buf_head(b), a, 100);
	assert_memory_equal(buf_head(b) + 100, z, 400);
}

static void
test_buf_append_grows(void **state)
{
	struct buf *b = *state;
	char big[100000];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	for (i = 0; i < sizeof(big); i += 1000)
		assert_int_equal(buf_append(b, big + i, 1000, sizeof(big)), 0);
	assert_int_equal(b->len, sizeof(big));
	assert_true(b->cap >= sizeof(big));
	assert_memory_equal(buf_head(b), big, sizeof(big));
}

/* A small deterministic generator, so failures reproduce. */
static uint32_t
rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static void
test_buf_queue_keeps_order(void **state)
{
	/* Random appends and drains against a plain array as the model. */
	enum { TOTAL = 200000, LIMIT = 5000 };
	struct buf *b = *state;
	static char in[TOTAL];
	size_t written = 0, read = 0, n;
	uint32_t seed = 7;

	for (n = 0; n < TOTAL; n++)
		in[n] = (char)rnd(&seed);
	while (read < TOTAL) {
		n = rnd(&seed) % 700;
		if (n > TOTAL - written)
			n = TOTAL - written;
		if (buf_append(b, in + written, n, LIMIT) == 0)
			written += n;
		else
			assert_true(b->len + n > LIMIT);
		assert_int_equal(b->len, written - read);
		assert_true(b->len <= LIMIT);
		n = rnd(&seed) % 900;
		if (n > b->len)
			n = b->len;
		if (n > 0) {
			assert_memory_equal(buf_head(b), in + read, n);
			buf_consume(b, n);
			read += n;
		}
	}
	assert_true(buf_empty(b));
	assert_null(b->data);
}

static void
test_buf_free_twice(void **state)
{
	struct buf *b = *state;

	buf_free(b);
	assert_int_equal(buf_append(b, "x", 1, 10), 0);
	buf_free(b);
	buf_free(b);
	assert_null(b->data);
	assert_true(buf_empty(b));
}

/* The latest bytes of a stream, whatever the sizes of its pieces. */
static void
test_tail_keep_latest_bytes(void **state)
{
	char tail[8], want[8];
	size_t len = 0, sizes[] = { 2, 6, 1, 0, 9, 3, 7, 12, 4 }, i, k, total = 0;
	char stream[64];

	(void)state;
	for (i = 0; i < sizeof(stream); i++)
		stream[i] = (char)('a' + i % 26);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		tail_keep(tail, sizeof(tail), &len, stream + total, sizes[i]);
		total += sizes[i];
		k = total < sizeof(tail) - 1 ? total : sizeof(tail) - 1;
		/* at least what fits beside the newest piece, at most cap - 1 */
		assert_true(len <= sizeof(tail) - 1);
		assert_true(len >= (sizes[i] < k ? sizes[i] : k));
		memcpy(want, stream + total - len, len);
		want[len] = '\0';
		assert_string_equal(tail, want);
	}
}

/* A short tail and a piece that does not fit beside it (the case that
 * once moved a negative size). */
static void
test_tail_keep_short_then_large(void **state)
{
	char tail[8192], big[7000];
	size_t len = 0;

	(void)state;
	memset(big, 'y', sizeof(big));
	tail_keep(tail, sizeof(tail), &len, "0123456789", 10);
	tail_keep(tail, sizeof(tail), &len, big, 2000);
	tail_keep(tail, sizeof(tail), &len, big, sizeof(big));
	assert_int_equal(len, sizeof(tail) - 1);
	assert_int_equal(tail[len - 1], 'y');
	assert_int_equal(tail[len], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_buf_append_then_consume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_consume_all_gives_memory_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_append_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_append_larger_than_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_append_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_append_reclaims_consumed_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_append_grows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_queue_keeps_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_free_twice, setup, teardown),
		cmocka_unit_test(test_tail_keep_latest_bytes),
		cmocka_unit_test(test_tail_keep_short_then_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
