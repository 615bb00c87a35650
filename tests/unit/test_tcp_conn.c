/*
 * test_tcp_conn.c — unit tests for tcp/tcp_conn.c's output side: the high
 * mark that holds back the room's input (backpressure), the cap, and the
 * drop of a client that does not read (its queue becomes the notice).
 * No socket is written: only queues are filled.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "catalog.h"
#include "tcp_conn.h"

/* A connection with no socket, an output cap of out_max bytes. */
static void
conn(struct tcp_conn *c, size_t out_max)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->state = TCP_CONN_OPEN;
	c->out_max = out_max;
	strcpy(c->peer, "127.0.0.1:5555");
}

/* Queue n bytes in lines of 100 (the last one shorter). */
static int
fill(struct tcp_conn *c, size_t n)
{
	char line[100];

	memset(line, 'x', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	while (n > 0) {
		size_t k = n < sizeof(line) ? n : sizeof(line);

		if (tcp_conn_queue(c, line, k) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

static void
test_tcp_conn_backlogged_above_the_high_mark(void **state)
{
	struct tcp_conn c;

	(void)state;
	conn(&c, 256 * 1024);
	assert_false(tcp_conn_backlogged(&c));
	assert_int_equal(fill(&c, TCP_OUT_HIGH), 0);
	assert_false(tcp_conn_backlogged(&c));          /* at the mark: no */
	assert_int_equal(fill(&c, 1), 0);
	assert_true(tcp_conn_backlogged(&c));
	buf_consume(&c.out, 2);                         /* drained a little */
	assert_false(tcp_conn_backlogged(&c));
	tcp_conn_close(&c);
}

static void
test_tcp_conn_backlogged_quarter_of_a_small_cap(void **state)
{
	struct tcp_conn c;

	(void)state;
	conn(&c, 8192);                 /* --max-queue 8192: mark at 2048 */
	assert_int_equal(fill(&c, 2048), 0);
	assert_false(tcp_conn_backlogged(&c));
	assert_int_equal(fill(&c, 1), 0);
	assert_true(tcp_conn_backlogged(&c));
	tcp_conn_close(&c);
}

static void
test_tcp_conn_drop_leaves_only_the_notice(void **state)
{
	const char *notice = catalog_text(CAT_OVERFLOW);
	struct tcp_conn c;

	(void)state;
	conn(&c, 256 * 1024);
	assert_int_equal(fill(&c, 100000), 0);
	tcp_conn_drop(&c);
	assert_int_equal(c.state, TCP_CONN_DEAD);
	assert_int_equal(c.why, ROOM_LEAVE_DROPPED);
	assert_false(tcp_conn_backlogged(&c));          /* dead: not waited for */
	assert_int_equal(c.out.len, 1 + strlen(notice));
	assert_memory_equal(buf_head(&c.out) + 1, notice, strlen(notice));
	assert_int_equal(tcp_conn_queue(&c, "late\n", 5), -1);
	tcp_conn_close(&c);
}

static void
test_tcp_conn_queue_over_the_cap_drops(void **state)
{
	struct tcp_conn c;

	(void)state;
	conn(&c, 4096);
	assert_int_equal(fill(&c, 4096), 0);
	assert_int_equal(fill(&c, 1), -1);
	assert_int_equal(c.state, TCP_CONN_DEAD);
	assert_int_equal(c.why, ROOM_LEAVE_DROPPED);
	tcp_conn_close(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_conn_backlogged_above_the_high_mark),
		cmocka_unit_test(test_tcp_conn_backlogged_quarter_of_a_small_cap),
		cmocka_unit_test(test_tcp_conn_drop_leaves_only_the_notice),
		cmocka_unit_test(test_tcp_conn_queue_over_the_cap_drops),
	};

	catalog_set_lang(LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
