/*
 * test_msg_edges.c — unit tests for the framer's partial-line buffer in
 * shared/wire/msg.c at its edges: an unterminated line of limit - 1,
 * limit, limit + 1 bytes ending in '\r' (the one case that may still fit:
 * the '\r' of a "\r\n"), limit + 1 without it and limit + 2 ending in '\r'.
 * Each is checked after every read: a line too long must be reported as
 * soon as it cannot fit, not later. Every case runs with a small limit
 * (f->max) and with the default, MSG_MAX.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

#define SMALL 16

static const size_t limits[] = { SMALL, 0 };    /* 0: MSG_MAX */

/* What one read makes the framer say, as text: "L<length> " for a line,
 * "TOO " for a line too long; "" for nothing yet. */
struct said {
	char text[256];
};

static const char *
read_once(struct msg_framer *f, struct said *s, const char *data, size_t len)
{
	const char *line;
	size_t line_len, used = 0;
	enum msg_frame r;

	s->text[0] = '\0';
	while ((r = msg_framer_next(f, &data, &len, &line, &line_len)) !=
	       MSG_FRAME_MORE) {
		used += (size_t)snprintf(s->text + used, sizeof(s->text) - used,
		                         r == MSG_FRAME_LINE ? "L%zu " : "TOO ",
		                         line_len);
		assert_true(used < sizeof(s->text));
	}
	assert_int_equal(len, 0);
	return s->text;
}

/* n bytes of 'a', then the tail (a '\r' or nothing) (caller frees). */
static char *
body(size_t n, const char *tail)
{
	char *b = malloc(n + strlen(tail) + 1);

	assert_non_null(b);
	memset(b, 'a', n);
	strcpy(b + n, tail);
	return b;
}

static size_t
limit_of(size_t max)
{
	return max != 0 ? max : MSG_MAX;
}

static void
expect_line(const char *got, size_t len)
{
	char want[32];

	snprintf(want, sizeof(want), "L%zu ", len);
	assert_string_equal(got, want);
}

/* Run check(max, limit) for each limit of `limits`. */
static void
each_limit(void (*check)(size_t max, size_t limit))
{
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		check(limits[i], limit_of(limits[i]));
}

/* ---------------------------------------------------------------------------
 * Below and at the limit: kept, then taken whole
 * ------------------------------------------------------------------------ */

/* n unterminated bytes are kept (no event), then a "\n" or a "\r\n"
 * makes them one line; a framer that stays usable is returned. */
static void
kept_then_taken(struct msg_framer *f, size_t n)
{
	struct said s;
	char *b = body(n, "");

	assert_string_equal(read_once(f, &s, b, n), "");
	assert_int_equal(f->len, n);
	expect_line(read_once(f, &s, "\n", 1), n);
	assert_string_equal(read_once(f, &s, b, n), "");
	expect_line(read_once(f, &s, "\r\n", 2), n);
	free(b);
}

static void
check_limit_minus_one(size_t max, size_t limit)
{
	struct msg_framer f = { .max = max };

	kept_then_taken(&f, limit - 1);
	msg_framer_free(&f);
}

static void
check_at_limit(size_t max, size_t limit)
{
	struct msg_framer f = { .max = max };
	char *b = body(limit, "");
	const char *line;
	size_t line_len;
	struct said s;

	kept_then_taken(&f, limit);
	assert_string_equal(read_once(&f, &s, b, limit), "");
	assert_string_equal(read_once(&f, &s, "x\nok\n", 5), "TOO L2 ");
	msg_framer_free(&f);

	/* never a newline: the silence hands over the limit's bytes */
	f = (struct msg_framer){ .max = max };
	assert_string_equal(read_once(&f, &s, b, limit), "");
	assert_true(msg_framer_flush(&f, &line, &line_len));
	assert_int_equal(line_len, limit);
	msg_framer_free(&f);
	free(b);
}

/* ---------------------------------------------------------------------------
 * limit + 1: fits only as limit bytes and the '\r' of a "\r\n"
 * ------------------------------------------------------------------------ */

static void
check_limit_plus_one_cr(size_t max, size_t limit)
{
	struct msg_framer f = { .max = max };
	char *b = body(limit, "\r");
	const char *line;
	size_t line_len;
	struct said s;

	/* in one read, and split before the '\r' */
	assert_string_equal(read_once(&f, &s, b, limit + 1), "");
	assert_int_equal(f.len, limit + 1);
	expect_line(read_once(&f, &s, "\n", 1), limit);
	assert_string_equal(read_once(&f, &s, b, limit), "");
	assert_string_equal(read_once(&f, &s, "\r", 1), "");
	expect_line(read_once(&f, &s, "\n", 1), limit);
	/* a '\r' that no '\n' follows: the line is limit + 2 */
	assert_string_equal(read_once(&f, &s, b, limit + 1), "");
	assert_string_equal(read_once(&f, &s, "x\nok\n", 5), "TOO L2 ");
	msg_framer_free(&f);

	/* never a newline: the silence hands over limit + 1 bytes, too long;
	 * the peer's FIN hands over the line without its '\r' */
	f = (struct msg_framer){ .max = max };
	assert_string_equal(read_once(&f, &s, b, limit + 1), "");
	assert_false(msg_framer_flush(&f, &line, &line_len));
	assert_string_equal(read_once(&f, &s, b, limit + 1), "");
	assert_true(msg_framer_finish(&f, &line, &line_len));
	assert_int_equal(line_len, limit);
	msg_framer_free(&f);
	free(b);
}

/* n bytes and then tail, which cannot fit: reported as soon as the last
 * byte comes, in one read or split before it; the rest of the line up to
 * its newline is skipped, and the next line is read normally. */
static void
too_long_at_once(size_t max, size_t n, const char *tail)
{
	struct msg_framer f = { .max = max };
	char *b = body(n, tail);
	size_t len = n + strlen(tail);
	struct said s;

	assert_string_equal(read_once(&f, &s, b, len), "TOO ");
	assert_int_equal(f.len, 0);
	assert_string_equal(read_once(&f, &s, "\nok\n", 4), "L2 ");
	assert_string_equal(read_once(&f, &s, b, n - 1), "");
	assert_string_equal(read_once(&f, &s, b + n - 1, len - n + 1),
	                    "TOO ");
	assert_string_equal(read_once(&f, &s, "\n", 1), "");
	assert_string_equal(read_once(&f, &s, "ok\n", 3), "L2 ");
	msg_framer_free(&f);
	free(b);
}

static void
check_limit_plus_one_no_cr(size_t max, size_t limit)
{
	too_long_at_once(max, limit + 1, "");
}

/* ---------------------------------------------------------------------------
 * limit + 2 ending in '\r': too long even with its '\n', said at once
 * ------------------------------------------------------------------------ */

static void
check_limit_plus_two_cr(size_t max, size_t limit)
{
	too_long_at_once(max, limit + 1, "\r");
}

static void
test_msg_framer_partial_limit_minus_one(void **state)
{
	(void)state;
	each_limit(check_limit_minus_one);
}

static void
test_msg_framer_partial_at_limit(void **state)
{
	(void)state;
	each_limit(check_at_limit);
}

static void
test_msg_framer_partial_limit_plus_one_cr(void **state)
{
	(void)state;
	each_limit(check_limit_plus_one_cr);
}

static void
test_msg_framer_partial_limit_plus_one_no_cr(void **state)
{
	(void)state;
	each_limit(check_limit_plus_one_no_cr);
}

static void
test_msg_framer_partial_limit_plus_two_cr(void **state)
{
	(void)state;
	each_limit(check_limit_plus_two_cr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_framer_partial_limit_minus_one),
		cmocka_unit_test(test_msg_framer_partial_at_limit),
		cmocka_unit_test(test_msg_framer_partial_limit_plus_one_cr),
		cmocka_unit_test(test_msg_framer_partial_limit_plus_one_no_cr),
		cmocka_unit_test(test_msg_framer_partial_limit_plus_two_cr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
