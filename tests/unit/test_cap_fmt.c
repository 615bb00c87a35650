/*
 * test_cap_fmt.c — chatcap's hand-made formatting (cap_line.h, cap_fmt.c)
 * against printf and byte-at-a-time loops: decimal numbers with and
 * without padding, seconds with six decimals, a number cut at the end of
 * the line, JSON strings escaped, and lines wrapped to a width (UTF-8,
 * colour codes, long words) on random text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_line.h"
#include "cap_out.h"

static struct cap_line line;

/* A random 64-bit number of 1 to 20 digits. */
static uint64_t
random_u64(unsigned *seed)
{
	uint64_t v = ((uint64_t)rand_r(seed) << 33) ^
	             ((uint64_t)rand_r(seed) << 11) ^ (uint64_t)rand_r(seed);

	return v >> (rand_r(seed) % 64);
}

static void
test_cap_line_u64_like_printf(void **state)
{
	static const uint64_t edge[] = {
		0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 99999, 100000,
		1000000, 4294967295u, 4294967296u, 9999999999999999999u,
		10000000000000000000u, UINT64_MAX,
	};
	char want[64];
	unsigned seed = 7, width, i;
	uint64_t v;

	(void)state;
	for (i = 0; i < 20000; i++) {
		v = i < sizeof(edge) / sizeof(edge[0]) ? edge[i] : random_u64(&seed);
		width = i % 7 == 0 ? 4 : (i % 11 == 0 ? 22 : 1);
		cap_line_clear(&line);
		cap_line_str(&line, "n=");
		cap_line_u64(&line, v, width);
		snprintf(want, sizeof(want), "n=%*" PRIu64, (int)width, v);
		assert_int_equal(line.n, strlen(want));
		assert_memory_equal(line.buf, want, line.n);
		assert_false(line.cut);
	}
}

static void
test_cap_line_seconds_like_printf(void **state)
{
	static const int64_t edge[] = { 0, 1, 999999, 1000000, 1000001,
	                                86400000000, INT64_MAX, -5 };
	char want[64];
	unsigned seed = 11, i;
	int64_t us;

	(void)state;
	for (i = 0; i < 20000; i++) {
		us = i < sizeof(edge) / sizeof(edge[0])
		     ? edge[i] : (int64_t)(random_u64(&seed) >> 1);
		cap_line_clear(&line);
		cap_line_seconds(&line, us);
		snprintf(want, sizeof(want), "%" PRId64 ".%06" PRId64,
		         us < 0 ? 0 : us / 1000000, us < 0 ? 0 : us % 1000000);
		assert_int_equal(line.n, strlen(want));
		assert_memory_equal(line.buf, want, line.n);
	}
}

/* A number that does not fit is cut (and said so), never written past the
 * buffer's last byte. */
static void
test_cap_line_u64_cut_at_the_end(void **state)
{
	size_t room;

	(void)state;
	for (room = 0; room < 24; room++) {
		cap_line_clear(&line);
		memset(line.buf, 'x', sizeof(line.buf));
		line.n = sizeof(line.buf) - 1 - room;
		cap_line_u64(&line, 12345678901234567890u, room % 3 == 0 ? 22 : 1);
		assert_true(line.n <= sizeof(line.buf) - 1);
		assert_int_equal(line.buf[sizeof(line.buf) - 1], 'x');
		if (room < 20)
			assert_true(line.cut);
		if (room >= 22)
			assert_false(line.cut);
	}
}

/* JSON escaping one byte at a time: the reference. */
static size_t
json_ref(const char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	out[n++] = '"';
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\') {
			out[n++] = '\\';
			out[n++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			memcpy(out + n, "\\u00", 4);
			out[n + 4] = hex[ch >> 4];
			out[n + 5] = hex[ch & 15];
			n += 6;
		} else {
			out[n++] = (char)ch;
		}
	}
	out[n++] = '"';
	return n;
}

static void
test_cap_line_json_like_the_byte_loop(void **state)
{
	char s[64], want[64 * 6 + 2];
	size_t len, n, i, k;
	unsigned seed = 19;

	(void)state;
	for (i = 0; i < 50000; i++) {
		len = (size_t)rand_r(&seed) % sizeof(s);
		for (k = 0; k < len; k++)       /* mostly plain, any byte at all */
			s[k] = rand_r(&seed) % 4 == 0 ? (char)(rand_r(&seed) % 256)
			                              : (char)('a' + k % 26);
		cap_line_clear(&line);
		cap_line_json(&line, s, len);
		n = json_ref(s, len, want);
		assert_int_equal(line.n, n);
		assert_memory_equal(line.buf, want, n);
	}
	cap_line_clear(&line);
	cap_line_json(&line, "a\"b\\c\x01\x1f\x7f\xc3\xa9 !~", 13);
	assert_int_equal(line.n, strlen("\"a\\\"b\\\\c\\u0001\\u001f\\u007f\xc3\xa9 !~\""));
	assert_memory_equal(line.buf, "\"a\\\"b\\\\c\\u0001\\u001f\\u007f\xc3\xa9 !~\"",
	                    line.n);
}

/* ---------------------------------------------------------------------------
 * Wrapping, against the walk one byte at a time
 * ------------------------------------------------------------------------ */

/* Where cols columns from s[from] end, one byte at a time: a colour code
 * (ESC to 'm') takes none, a UTF-8 character one. */
static size_t
walk(const char *s, size_t from, size_t n, size_t cols)
{
	size_t i;

	for (i = from; i < n && cols > 0; i++) {
		if (s[i] == '\033') {
			const char *m = memchr(s + i, 'm', n - i);

			i = m != NULL ? (size_t)(m - s) : n;
			continue;
		}
		cols--;
		for (; i + 1 < n && ((unsigned char)s[i + 1] & 0xc0) == 0x80; i++)
			;
	}
	return i < n ? i : n;
}

static void
walk_piece(FILE *f, const char *s, size_t from, size_t to, bool indent)
{
	while (to > from && s[to - 1] == ' ')
		to--;
	if (indent)
		fputs("              ", f);
	fwrite(s + from, 1, to - from, f);
	fputc('\n', f);
}

/* cap_out_emit as it was first written: the reference. */
static void
walk_emit(FILE *f, unsigned w, const char *s, size_t n)
{
	size_t start = 0, end, brk;
	bool first = true;

	if (w == 0 || n <= w) {
		fprintf(f, "%.*s\n", (int)n, s);
		return;
	}
	w = w < 34 ? 34 : w;
	while ((end = walk(s, start, n, first ? w : w - 14)) < n) {
		for (brk = end; brk > start && s[brk] != ' '; brk--)
			;
		brk = brk == start ? end : brk;
		walk_piece(f, s, start, brk, !first);
		first = false;
		for (start = brk; start < n && s[start] == ' '; start++)
			;
	}
	walk_piece(f, s, start, n, !first);
}

/* cap_out_emit writes s[0..n) as the reference does at width w. */
static void
assert_wraps_like_walk(const char *s, size_t n, unsigned w)
{
	struct cap_out o = { 0 };
	char *got, *want;
	size_t gotn, wantn;
	FILE *fw;

	o.f = open_memstream(&got, &gotn);
	fw = open_memstream(&want, &wantn);
	assert_non_null(o.f);
	assert_non_null(fw);
	o.width = w;
	cap_out_emit(&o, s, n);
	walk_emit(fw, w, s, n);
	assert_int_equal(fclose(o.f), 0);
	assert_int_equal(fclose(fw), 0);
	assert_int_equal(gotn, wantn);
	assert_memory_equal(got, want, gotn);
	free(got);
	free(want);
}

/* Random valid UTF-8 with spaces, long words and colour codes. */
static size_t
random_line(unsigned *seed, char *s, size_t cap)
{
	static const char *const bits[] = {
		" ", " ", " ", "  ", "a", "seq=1", "win=65536", "\u2192", "\u00b5s",
		"qu\u00e9", "\033[1;31m", "\033[0m", "\u2026", "\xf0\x9f\x98\x80",
		"abcdefghijklmnopqrstuvwxyz0123456789", "TCP#12", "[P.]", "x",
	};
	size_t n = 0, len, want = (size_t)rand_r(seed) % (cap / 2);
	const char *b;

	while (n < want) {
		b = bits[rand_r(seed) % (sizeof(bits) / sizeof(bits[0]))];
		len = strlen(b);
		if (n + len > cap)
			break;
		memcpy(s + n, b, len);
		n += len;
	}
	return n;
}

static void
test_cap_out_emit_like_the_byte_walk(void **state)
{
	static const unsigned widths[] = { 0, 1, 20, 34, 40, 57, 80, 81, 132 };
	char s[600];
	size_t n, i, k;
	unsigned seed = 3;

	(void)state;
	for (i = 0; i < 4000; i++) {
		n = random_line(&seed, s, sizeof(s));
		for (k = 0; k < sizeof(widths) / sizeof(widths[0]); k++)
			assert_wraps_like_walk(s, n, widths[k]);
	}
}

/* A line longer than the gathering buffer, in pieces and in one word. */
static void
test_cap_out_emit_long_line(void **state)
{
	static char s[CAP_LINE_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(s); i++)
		s[i] = i % 9 == 8 ? ' ' : (char)('a' + i % 26);
	assert_wraps_like_walk(s, sizeof(s), 60);
	for (i = 0; i < sizeof(s); i++)
		s[i] = (char)('a' + i % 26);
	assert_wraps_like_walk(s, sizeof(s), 20000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_line_u64_like_printf),
		cmocka_unit_test(test_cap_line_seconds_like_printf),
		cmocka_unit_test(test_cap_line_u64_cut_at_the_end),
		cmocka_unit_test(test_cap_line_json_like_the_byte_loop),
		cmocka_unit_test(test_cap_out_emit_like_the_byte_walk),
		cmocka_unit_test(test_cap_out_emit_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
