/*
 * test_outq.c — unit tests for shared/server/outq.c, the shared chunks and
 * the queues of references to them: a shared line is copied once, the bytes
 * referenced count against the limit, order is kept across partial writes,
 * and a chunk is freed exactly when its last receiver has written it or was
 * dropped (the chunk's count says so; ASan would catch a use after free or a
 * leak).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outq.h"

/* Three receivers' queues and the writer that fills their chunks. */
struct fx {
	struct outq_writer w;
	struct outq        q[3];
};

static int
setup(void **state)
{
	*state = calloc(1, sizeof(struct fx));
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	size_t i;

	for (i = 0; i < 3; i++)
		outq_clear(&fx->q[i]);
	outq_writer_free(&fx->w);
	free(fx);
	return 0;
}

/* Queue q's bytes as a string, without consuming them. */
static const char *
text(const struct outq *q)
{
	static char out[4096];
	struct iovec iov[16];
	size_t i, n, len = 0;

	n = outq_iov(q, iov, 16);
	for (i = 0; i < n; i++) {
		memcpy(out + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	out[len] = '\0';
	return out;
}

/* A broadcast of line to the queues qs[0..n). */
static void
cast(struct fx *fx, const char *line, struct outq **qs, size_t n)
{
	char copy[256];
	size_t i;

	strcpy(copy, line);             /* the room's buffer, reused after */
	outq_writer_share(&fx->w, copy, strlen(copy));
	for (i = 0; i < n; i++)
		assert_int_equal(outq_push_copy(qs[i], &fx->w, copy,
		                                 strlen(copy), SIZE_MAX), 0);
	outq_writer_share(&fx->w, NULL, 0);
	memset(copy, '#', sizeof(copy) - 1);
}

static void
test_outq_shared_line_is_copied_once(void **state)
{
	struct fx *fx = *state;
	struct outq *all[] = { &fx->q[0], &fx->q[1], &fx->q[2] };

	cast(fx, "ana: hi\n", all, 3);
	assert_non_null(fx->w.cur);
	assert_int_equal(fx->w.cur->len, 8);            /* once, not 3 times */
	assert_int_equal(fx->w.cur->refs, 4);           /* 3 queues + writer */
	assert_string_equal(text(&fx->q[2]), "ana: hi\n");
	assert_int_equal(fx->q[1].len, 8);
}

static void
test_outq_following_lines_make_one_reference(void **state)
{
	struct fx *fx = *state;
	struct outq *all[] = { &fx->q[0], &fx->q[1] }, *one[] = { &fx->q[0] };
	struct iovec iov[4];

	cast(fx, "ana: one\n", all, 2);
	cast(fx, "ana: two\n", all, 2);
	cast(fx, "bob: three\n", one, 1);
	assert_int_equal(outq_iov(&fx->q[0], iov, 4), 1);
	assert_int_equal(iov[0].iov_len, 9 + 9 + 11);
	assert_string_equal(text(&fx->q[0]), "ana: one\nana: two\nbob: three\n");
	/* q[1] missed "three": still one reference, not grown past it */
	assert_string_equal(text(&fx->q[1]), "ana: one\nana: two\n");
	cast(fx, "eva: four\n", all, 2);
	assert_int_equal(outq_iov(&fx->q[1], iov, 4), 2);
	assert_string_equal(text(&fx->q[1]), "ana: one\nana: two\neva: four\n");
}

static void
test_outq_limit_counts_bytes_referenced(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(outq_push_copy(&fx->q[0], &fx->w, "0123456789", 10,
	                                16), 0);
	assert_int_equal(outq_push_copy(&fx->q[0], &fx->w, "abcdef", 6, 16), 0);
	assert_int_equal(outq_push_copy(&fx->q[0], &fx->w, "x", 1, 16), -1);
	assert_int_equal(fx->q[0].len, 16);
	assert_string_equal(text(&fx->q[0]), "0123456789abcdef");
	/* a shared line counts in full for each queue that holds it */
	assert_int_equal(outq_push_copy(&fx->q[1], &fx->w, "0123456789", 10,
	                                9), -1);
	assert_true(outq_empty(&fx->q[1]));
}

static void
test_outq_partial_writes_keep_order(void **state)
{
	struct fx *fx = *state;
	struct outq *one[] = { &fx->q[0] };

	cast(fx, "ana: one\n", one, 1);
	assert_int_equal(outq_push_copy(&fx->q[0], NULL, "private\n", 8,
	                                SIZE_MAX), 0);
	cast(fx, "ana: two\n", one, 1);
	outq_consume(&fx->q[0], 5);
	assert_string_equal(text(&fx->q[0]), "one\nprivate\nana: two\n");
	outq_consume(&fx->q[0], 4 + 3);
	assert_string_equal(text(&fx->q[0]), "vate\nana: two\n");
	assert_int_equal(fx->q[0].len, 14);
	outq_consume(&fx->q[0], 14);
	assert_true(outq_empty(&fx->q[0]));
	assert_null(fx->q[0].v);                        /* memory given back */
}

/* The chunk lives exactly while someone references it: each receiver
 * writing it, or being dropped, lets go of it; the last one frees it.
 * The writer's own reference is the last: once the chunk is full the
 * writer moves on, and the chunk goes with its last receiver. */
static void
test_outq_chunk_freed_with_its_last_receiver(void **state)
{
	struct fx *fx = *state;
	struct outq *all[] = { &fx->q[0], &fx->q[1], &fx->q[2] };
	struct chunk *ch;
	char big[OUTQ_CHUNK];

	cast(fx, "ana: hi\n", all, 3);
	ch = fx->w.cur;
	assert_int_equal(ch->refs, 4);
	outq_consume(&fx->q[0], 8);                     /* written */
	assert_int_equal(ch->refs, 3);
	outq_clear(&fx->q[1]);                          /* dropped */
	assert_int_equal(ch->refs, 2);
	/* a line that does not fit: the writer moves to a new chunk */
	memset(big, 'x', sizeof(big));
	assert_int_equal(outq_push_copy(&fx->q[0], &fx->w, big, sizeof(big),
	                                SIZE_MAX), 0);
	assert_true(fx->w.cur != ch);
	assert_int_equal(ch->refs, 1);                  /* q[2]'s alone */
	assert_string_equal(text(&fx->q[2]), "ana: hi\n");
	outq_consume(&fx->q[2], 8);                     /* freed here */
	assert_true(outq_empty(&fx->q[2]));
}

static void
test_outq_chunk_reused_when_nobody_holds_it(void **state)
{
	struct fx *fx = *state;
	struct outq *one[] = { &fx->q[0] };
	struct chunk *ch;

	cast(fx, "ana: one\n", one, 1);
	ch = fx->w.cur;
	outq_consume(&fx->q[0], 9);
	cast(fx, "ana: two\n", one, 1);
	assert_ptr_equal(fx->w.cur, ch);
	assert_int_equal(ch->len, 9);                   /* rewound, refilled */
	assert_string_equal(text(&fx->q[0]), "ana: two\n");
}

static void
test_outq_many_references_grow_and_slide(void **state)
{
	struct fx *fx = *state;
	char line[8];
	size_t i;

	/* private lines: one reference each, no merging */
	for (i = 0; i < 100; i++) {
		snprintf(line, sizeof(line), "%03zu\n", i);
		assert_int_equal(outq_push_copy(&fx->q[0], NULL, line, 4,
		                                SIZE_MAX), 0);
		if (i % 3 == 0)
			outq_consume(&fx->q[0], 4);     /* the oldest goes */
	}
	assert_int_equal(fx->q[0].len, (100 - 34) * 4);
	assert_int_equal(strncmp(text(&fx->q[0]), "034\n035\n", 8), 0);
}

static void
test_outq_fits_at_the_limit_not_past_it(void **state)
{
	struct outq q = { .len = 0 };

	(void)state;
	assert_true(outq_fits(&q, 100, 100));   /* one line, the whole limit */
	assert_false(outq_fits(&q, 101, 100));
	q.len = 60;
	assert_true(outq_fits(&q, 40, 100));    /* 60 + 40: exactly the limit */
	assert_false(outq_fits(&q, 41, 100));
	q.len = 100;
	assert_true(outq_fits(&q, 0, 100));
	assert_false(outq_fits(&q, 1, 100));
	q.len = 0;
}

static void
test_outq_writer_hold_between_its_two_marks(void **state)
{
	struct outq_writer w = { .mem = 0 };

	(void)state;
	w.mem = 999;
	assert_false(outq_writer_hold(&w, 1000));
	w.mem = 1000;                           /* the budget: hold */
	assert_true(outq_writer_hold(&w, 1000));
	w.mem = 751;                            /* above three quarters */
	assert_true(outq_writer_hold(&w, 1000));
	w.mem = 750;                            /* at three quarters: go */
	assert_false(outq_writer_hold(&w, 1000));
	w.mem = 999;                            /* climbing again: not yet */
	assert_false(outq_writer_hold(&w, 1000));
}

static void
test_outq_writer_counts_its_chunks_bytes(void **state)
{
	struct fx *fx = *state;
	struct outq *all[] = { &fx->q[0], &fx->q[1] };

	assert_int_equal(fx->w.mem, 0);
	cast(fx, "a\n", all, 2);
	assert_int_equal(fx->w.mem, sizeof(struct chunk) + OUTQ_CHUNK);
	outq_clear(&fx->q[0]);
	outq_clear(&fx->q[1]);
	outq_writer_free(&fx->w);               /* the last reference */
	assert_int_equal(fx->w.mem, 0);
}

static void
test_outq_keep_cut_line_keeps_only_its_end(void **state)
{
	struct fx *fx = *state;
	struct outq *one[] = { &fx->q[0] };
	size_t mem = 0;

	cast(fx, "hello world\n", one, 1);
	cast(fx, "more\n", one, 1);
	outq_consume(&fx->q[0], 4);             /* "hell" went */
	assert_true(fx->q[0].cut);
	assert_int_equal(outq_keep_cut_line(&fx->q[0], &mem), 0);
	assert_string_equal(text(&fx->q[0]), "o world\n");
	assert_int_equal(mem, sizeof(struct chunk) + 8);  /* its own chunk */
	outq_consume(&fx->q[0], 8);
	assert_false(fx->q[0].cut);
	assert_int_equal(mem, 0);
	/* at a line's end, nothing is kept */
	cast(fx, "x\n", one, 1);
	cast(fx, "y\n", one, 1);
	outq_consume(&fx->q[0], 2);
	assert_false(fx->q[0].cut);
	assert_int_equal(outq_keep_cut_line(&fx->q[0], &mem), 0);
	assert_true(outq_empty(&fx->q[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outq_shared_line_is_copied_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outq_following_lines_make_one_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outq_limit_counts_bytes_referenced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outq_partial_writes_keep_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outq_chunk_freed_with_its_last_receiver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outq_chunk_reused_when_nobody_holds_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outq_many_references_grow_and_slide, setup, teardown),
		cmocka_unit_test(test_outq_fits_at_the_limit_not_past_it),
		cmocka_unit_test(test_outq_writer_hold_between_its_two_marks),
		cmocka_unit_test_setup_teardown(test_outq_writer_counts_its_chunks_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outq_keep_cut_line_keeps_only_its_end, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
