/*
 * test_cap_hold.c — the ring of held packets (cap_hold.c): every entry
 * comes back whole and in order whatever the sizes (empty, small, larger
 * than the byte ring, wrapping round its end), marks find their packet,
 * and a full ring refuses a new entry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cap_hold.h"

/* The bytes entry frame holds: a pattern its number decides. */
static void
fill(char *b, size_t n, uint64_t frame, char salt)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (char)(frame * 7 + i * 13 + (size_t)salt);
}

static size_t
size_of(unsigned *seed, uint64_t frame, int part)
{
	unsigned r = (unsigned)rand_r(seed);

	if (frame % 97 == 0 && part == 2)
		return 70000;                       /* a big packet */
	if (r % 5 == 0)
		return 0;
	return r % (part == 0 ? 400 : 120);
}

static void
check(const struct cap_hold *q, const struct cap_held *x, char *tmp)
{
	fill(tmp, x->line_len, x->frame, 'l');
	assert_memory_equal(cap_hold_line(q, x), tmp, x->line_len);
	fill(tmp, x->comment_len, x->frame, 'c');
	assert_memory_equal(cap_hold_comment(q, x), tmp, x->comment_len);
	fill(tmp, x->bytes_len, x->frame, 'b');
	assert_memory_equal(cap_hold_bytes(q, x), tmp, x->bytes_len);
}

static void
test_cap_hold_every_entry_whole_in_order(void **state)
{
	static char a[70000], b[70000], c[70000], tmp[70000];
	struct cap_hold q = { 0 };
	struct cap_held *x;
	uint64_t frame, next = 1;
	unsigned seed = 5;
	size_t la, lb, lc;

	(void)state;
	for (frame = 1; frame <= 20000; frame++) {
		if ((x = cap_hold_full(&q)) != NULL || rand_r(&seed) % 3 == 0) {
			if ((x = cap_hold_oldest(&q)) != NULL) {
				assert_int_equal(x->frame, next++);
				check(&q, x, tmp);
				cap_hold_pop(&q);
			}
		}
		la = size_of(&seed, frame, 0);
		lb = size_of(&seed, frame, 1);
		lc = size_of(&seed, frame, 2);
		fill(a, la, frame, 'l');
		fill(b, lb, frame, 'c');
		fill(c, lc, frame, 'b');
		if (cap_hold_full(&q) != NULL) {
			x = cap_hold_oldest(&q);
			assert_int_equal(x->frame, next++);
			check(&q, x, tmp);
			cap_hold_pop(&q);
		}
		x = cap_hold_add(&q, frame, a, la, b, lb, c, lc);
		assert_non_null(x);
	}
	while ((x = cap_hold_oldest(&q)) != NULL) {
		assert_int_equal(x->frame, next++);
		check(&q, x, tmp);
		cap_hold_pop(&q);
	}
	assert_int_equal(next, 20001);
	assert_int_equal(q.used, 0);
	cap_hold_free(&q);
}

static void
test_cap_hold_mark_and_full(void **state)
{
	struct cap_hold q = { 0 };
	struct cap_held *x;
	uint64_t f;

	(void)state;
	for (f = 0; f < CAP_HOLD_PACKETS; f++)
		assert_non_null(cap_hold_add(&q, 10 + 2 * f, "line", 4, NULL, 0,
		                             NULL, 0));
	assert_non_null(cap_hold_full(&q));
	assert_null(cap_hold_add(&q, 99999, "x", 1, NULL, 0, NULL, 0));
	cap_hold_mark(&q, 12, 500);
	cap_hold_mark(&q, 13, 501);              /* not held: nothing */
	cap_hold_mark(&q, 12, 502);              /* the first resend counts */
	x = cap_hold_oldest(&q);
	assert_false(x->lost);
	cap_hold_pop(&q);
	x = cap_hold_oldest(&q);
	assert_int_equal(x->frame, 12);
	assert_true(x->lost);
	assert_int_equal(x->resent_in, 500);
	assert_memory_equal(cap_hold_line(&q, x), "line", 4);
	cap_hold_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_hold_every_entry_whole_in_order),
		cmocka_unit_test(test_cap_hold_mark_and_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
