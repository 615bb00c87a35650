/*
 * test_room_run.c — unit tests for the runs of broadcast lines
 * (room_flush, cfg.batch): the chat lines of consecutive messages from one
 * member reach each receiver in one send(), and nothing changes order: a
 * reply, a private message, another member's line, a join or a leave ends
 * the run first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "room.h"

#define NCONN 4

/* What each connection received: its sends, one text each, "|" between. */
struct fx {
	struct room        *room;
	struct room_member *m[NCONN];
	char                got[NCONN][65536];
	unsigned            sends[NCONN];
};

#define CONN(id) ((void *)(intptr_t)(id))

static void
fake_send(void *transport, void *conn, const char *line, size_t len)
{
	struct fx *fx = transport;
	int id = (int)(intptr_t)conn;
	char *g = fx->got[id];

	assert_true(strlen(g) + len + 2 < sizeof(fx->got[id]));
	if (*g != '\0')
		strcat(g, "|");
	strncat(g, line, len);
	fx->sends[id]++;
}

static void
fake_close(void *transport, void *conn)
{
	(void)transport;
	(void)conn;
}

static const struct room_ops ops = { fake_send, fake_close, NULL, NULL };

static void
clear(struct fx *fx)
{
	memset(fx->got, 0, sizeof(fx->got));
	memset(fx->sends, 0, sizeof(fx->sends));
}

static void
say(struct fx *fx, int id, const char *line)
{
	assert_true(room_input(fx->room, fx->m[id], line, strlen(line)));
}

/* A batching room with members a, b, c on connections 0, 1, 2. */
static int
setup(void **state)
{
	struct room_config cfg = { .batch = true };
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *nick[] = { "a", "b", "c" };
	int i;

	if (fx == NULL)
		return -1;
	lang_set(LANG_EN);
	fx->room = room_new(&cfg, &ops, fx);
	for (i = 0; i < 3; i++) {
		fx->m[i] = room_join(fx->room, CONN(i), "127.0.0.1:1");
		say(fx, i, nick[i]);
	}
	room_flush(fx->room);
	clear(fx);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	room_free(fx->room, false);
	free(fx);
	return 0;
}

static void
test_room_flush_one_send_per_receiver_for_a_run(void **state)
{
	struct fx *fx = *state;

	say(fx, 0, "one");
	say(fx, 0, "two");
	say(fx, 0, "three");
	assert_int_equal(fx->sends[1] + fx->sends[2], 0);  /* not yet */
	room_flush(fx->room);
	assert_string_equal(fx->got[1], "a: one\na: two\na: three\n");
	assert_string_equal(fx->got[2], fx->got[1]);
	assert_int_equal(fx->sends[1], 1);
	assert_int_equal(fx->sends[2], 1);
	assert_int_equal(fx->sends[0], 0);              /* not to the sender */
	room_flush(fx->room);                           /* nothing more */
	assert_int_equal(fx->sends[1], 1);
}

static void
test_room_flush_a_reply_ends_the_run_first(void **state)
{
	struct fx *fx = *state;

	say(fx, 0, "x");
	say(fx, 0, "/msg b psst");
	say(fx, 0, "y");
	room_flush(fx->room);
	assert_string_equal(fx->got[1], "a: x\n|a (private): psst\n|a: y\n");
	assert_string_equal(fx->got[2], "a: x\n|a: y\n");
}

static void
test_room_flush_another_member_ends_the_run(void **state)
{
	struct fx *fx = *state;

	say(fx, 0, "1");
	say(fx, 2, "2");
	say(fx, 0, "3");
	room_flush(fx->room);
	assert_string_equal(fx->got[1], "a: 1\n|c: 2\n|a: 3\n");
	assert_string_equal(fx->got[0], "c: 2\n");
	assert_string_equal(fx->got[2], "a: 1\n|a: 3\n");
}

static void
test_room_flush_a_newcomer_hears_only_what_follows(void **state)
{
	struct fx *fx = *state;

	say(fx, 0, "before");
	fx->m[3] = room_join(fx->room, CONN(3), "127.0.0.1:2");
	say(fx, 3, "d");                        /* named: the run ended */
	say(fx, 0, "after");
	room_flush(fx->room);
	assert_string_equal(fx->got[1], "a: before\n|*** d has joined the "
	                                "chat\n|a: after\n");
	assert_null(strstr(fx->got[3], "before"));
	assert_non_null(strstr(fx->got[3], "a: after\n"));
}

static void
test_room_flush_a_leave_delivers_the_leavers_run_first(void **state)
{
	struct fx *fx = *state;

	say(fx, 0, "bye");
	room_leave(fx->room, fx->m[0], ROOM_LEAVE_CLOSED);
	assert_string_equal(fx->got[1], "a: bye\n|*** a has left the chat\n");
	assert_string_equal(fx->got[2], fx->got[1]);
}

static void
test_room_flush_a_full_run_is_sent_and_a_new_one_starts(void **state)
{
	struct fx *fx = *state;
	char line[1001];
	int k;

	memset(line, 'z', 1000);
	line[1000] = '\0';
	for (k = 0; k < 40; k++)                /* 40 x 1004 bytes > 32 KiB */
		say(fx, 0, line);
	room_flush(fx->room);
	assert_int_equal(fx->sends[1], 2);
	assert_int_equal(strlen(fx->got[1]) > 0, 1);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_room_flush_one_send_per_receiver_for_a_run),
		T(test_room_flush_a_reply_ends_the_run_first),
		T(test_room_flush_another_member_ends_the_run),
		T(test_room_flush_a_newcomer_hears_only_what_follows),
		T(test_room_flush_a_leave_delivers_the_leavers_run_first),
		T(test_room_flush_a_full_run_is_sent_and_a_new_one_starts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
