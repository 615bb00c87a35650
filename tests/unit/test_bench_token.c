/*
 * test_bench_token.c — unit tests for shared/load/bench_token.c:
 * chatbench's message tokens round-trip, and the scanner finds them however
 * a server cuts and glues the stream (split across reads at every byte,
 * glued together, behind "NICK: " prefixes, with a prefix inserted in the
 * middle as the seed 003 server does, among other '[' characters).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "bench_token.h"

#define SIZE 64

/* What the scanner reported: intact tokens by sender/seq, and garbled. */
struct found {
	struct bench_token ok[64];
	size_t             n_ok, n_garbled;
};

static void
record(void *arg, int ok, const struct bench_token *t)
{
	struct found *f = arg;

	if (!ok)
		f->n_garbled++;
	else if (f->n_ok < 64)
		f->ok[f->n_ok++] = *t;
}

/* Append token (sender, seq) of size bytes and a newline to out. */
static size_t
put(char *out, unsigned sender, uint32_t seq, size_t size)
{
	struct bench_token t = { sender, seq, 1000000u + seq };

	bench_token_encode(&t, size, out);
	out[size] = '\n';
	return size + 1;
}

/* Feed stream[0..len) to the scanner in pieces of step bytes, carrying the
 * unused tail as chatbench does. */
static void
scan_in_steps(const char *stream, size_t len, size_t step, struct found *f)
{
	char buf[4096];
	size_t keep = 0, at = 0, n, used;

	while (at < len) {
		n = len - at < step ? len - at : step;
		memcpy(buf + keep, stream + at, n);
		at += n;
		used = bench_token_scan(buf, keep + n, SIZE, record, f);
		keep = keep + n - used;
		assert_true(keep < SIZE);
		memmove(buf, buf + used, keep);
	}
}

static void
test_bench_token_encode_round_trip(void **state)
{
	struct bench_token t = { 0xbeef, 123456, 0x123456789abcull }, back;
	char out[BENCH_TOKEN_MAX];
	size_t sizes[] = { BENCH_TOKEN_MIN, 64, 200, BENCH_TOKEN_MAX }, i;

	(void)state;
	for (i = 0; i < 4; i++) {
		bench_token_encode(&t, sizes[i], out);
		assert_int_equal(out[0], '[');
		assert_int_equal(out[sizes[i] - 1], ']');
		assert_int_equal(bench_token_check(out, sizes[i], sizes[i], &back),
		                 BENCH_TOKEN_OK);
		assert_int_equal(back.sender, t.sender);
		assert_int_equal(back.seq, t.seq);
		assert_int_equal(back.sent_us, t.sent_us);
	}
}

static void
test_bench_token_check_every_prefix_needs_more(void **state)
{
	struct bench_token t = { 7, 9, 11 }, back;
	char out[SIZE];
	size_t i;

	(void)state;
	bench_token_encode(&t, SIZE, out);
	for (i = 1; i < SIZE; i++)
		assert_int_equal(bench_token_check(out, i, SIZE, &back),
		                 BENCH_TOKEN_MORE);
}

static void
test_bench_token_check_damaged_byte_is_garbled(void **state)
{
	struct bench_token t = { 3, 42, 99999 }, back;
	char out[SIZE];
	size_t i;

	(void)state;
	for (i = 6; i < SIZE; i++) {     /* past "[SSSS:" the token is known */
		bench_token_encode(&t, SIZE, out);
		out[i] = out[i] == 'x' ? 'y' : 'x';
		assert_int_equal(bench_token_check(out, SIZE, SIZE, &back),
		                 BENCH_TOKEN_GARBLED);
		assert_int_equal(back.sender, 3);
	}
}

static void
test_bench_token_check_other_brackets_are_not_tokens(void **state)
{
	struct bench_token back;

	(void)state;
	assert_int_equal(bench_token_check("[idle-timeout=300]", 18, SIZE, &back),
	                 BENCH_TOKEN_NONE);
	assert_int_equal(bench_token_check("[server] hola", 13, SIZE, &back),
	                 BENCH_TOKEN_NONE);
	assert_int_equal(bench_token_check("[00a", 4, SIZE, &back),
	                 BENCH_TOKEN_MORE);
}

static void
test_bench_token_scan_split_at_every_byte(void **state)
{
	char stream[1024];
	size_t len = 0, step;
	struct found f;

	(void)state;
	len += (size_t)sprintf(stream + len, "b000100001: ");
	len += put(stream + len, 1, 0, SIZE);
	len += (size_t)sprintf(stream + len, "b000100001: ");
	len += put(stream + len, 1, 1, SIZE);
	len += (size_t)sprintf(stream + len, "*** [server] hola\n");
	len += (size_t)sprintf(stream + len, "b000100002: ");
	len += put(stream + len, 2, 0, SIZE);
	for (step = 1; step <= len; step++) {
		memset(&f, 0, sizeof(f));
		scan_in_steps(stream, len, step, &f);
		assert_int_equal(f.n_ok, 3);
		assert_int_equal(f.n_garbled, 0);
		assert_int_equal(f.ok[0].seq, 0);
		assert_int_equal(f.ok[1].seq, 1);
		assert_int_equal(f.ok[2].sender, 2);
	}
}

static void
test_bench_token_scan_glued_tokens(void **state)
{
	char stream[1024];
	size_t len = 0;
	struct found f = { 0 };
	struct bench_token t;
	uint32_t i;

	(void)state;
	for (i = 0; i < 5; i++) {        /* no newlines, no prefixes at all */
		t = (struct bench_token){ 4, i, 77 };
		bench_token_encode(&t, SIZE, stream + len);
		len += SIZE;
	}
	scan_in_steps(stream, len, 100, &f);
	assert_int_equal(f.n_ok, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(f.ok[i].seq, i);
}

static void
test_bench_token_scan_prefix_inserted_in_a_token(void **state)
{
	char stream[1024], tok[SIZE + 1];
	size_t len = 0;
	struct found f = { 0 };

	(void)state;
	/* The seed server relays each recv() chunk behind "NAME: ": a token
	 * cut by a chunk boundary arrives with a prefix in its middle. */
	put(tok, 5, 0, SIZE);
	len += (size_t)sprintf(stream, "b000100005: ");
	memcpy(stream + len, tok, 40);
	len += 40;
	len += (size_t)sprintf(stream + len, "b000100005: ");
	memcpy(stream + len, tok + 40, SIZE + 1 - 40);
	len += SIZE + 1 - 40;
	len += put(stream + len, 5, 1, SIZE);
	scan_in_steps(stream, len, 7, &f);
	assert_int_equal(f.n_garbled, 1);
	assert_int_equal(f.n_ok, 1);
	assert_int_equal(f.ok[0].seq, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bench_token_encode_round_trip),
		cmocka_unit_test(test_bench_token_check_every_prefix_needs_more),
		cmocka_unit_test(test_bench_token_check_damaged_byte_is_garbled),
		cmocka_unit_test(test_bench_token_check_other_brackets_are_not_tokens),
		cmocka_unit_test(test_bench_token_scan_split_at_every_byte),
		cmocka_unit_test(test_bench_token_scan_glued_tokens),
		cmocka_unit_test(test_bench_token_scan_prefix_inserted_in_a_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
