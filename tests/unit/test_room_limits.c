/*
 * test_room_limits.c — the room's limits, through a fake transport and a
 * fake clock: the per-member rate limit (token bucket), the longest message
 * (--max-line), and nicknames that only look like another one.
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
#include "text.h"

#define CONNS 4
#define CONN(id) ((void *)(intptr_t)(id))

/* What each connection received: a count and its last line. */
struct fake {
	uint64_t now;                  /* the room's clock, ms */
	size_t   count[CONNS];
	char     last[CONNS][2048];
	size_t   notices[CONNS];       /* "Slow down" lines */
};

static void
fake_send(void *transport, void *conn, const char *line, size_t len)
{
	struct fake *t = transport;
	int id = (int)(intptr_t)conn;

	assert_true(id >= 0 && id < CONNS);
	assert_true(len > 0 && len < sizeof(t->last[0]));
	assert_int_equal(line[len - 1], '\n');
	t->count[id]++;
	memcpy(t->last[id], line, len);
	t->last[id][len] = '\0';
	if (strstr(t->last[id], "Slow down") != NULL)
		t->notices[id]++;
}

static void
fake_close(void *transport, void *conn)
{
	(void)transport;
	(void)conn;
}

static uint64_t
fake_clock(void *transport)
{
	return ((struct fake *)transport)->now;
}

static const struct room_ops ops = { fake_send, fake_close, NULL, NULL };

struct fx {
	struct fake         t;
	struct room        *room;
	struct room_member *m[CONNS];
};

/* A room with a rate of 5 messages a second in bursts of 10; paced: the
 * transport waits room_input_wait() (TCP), else the extra ones drop. */
static int
setup_room(void **state, bool paced)
{
	struct room_config cfg = { .rate_limit = 5, .rate_burst = 10,
	                           .rate_paced = paced, .max_line = 100,
	                           .clock_ms = fake_clock };
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	lang_set(LANG_EN);
	fx->t.now = 1000;
	fx->room = room_new(&cfg, &ops, &fx->t);
	if (fx->room == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
setup(void **state)
{
	return setup_room(state, false);
}

static int
setup_paced(void **state)
{
	return setup_room(state, true);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	room_free(fx->room, false);
	free(fx);
	return 0;
}

static bool
say(struct fx *fx, int id, const char *s)
{
	return room_input(fx->room, fx->m[id], s, strlen(s));
}

static void
join(struct fx *fx, int id, const char *nick)
{
	fx->m[id] = room_join(fx->room, CONN(id), "127.0.0.1:1");
	assert_non_null(fx->m[id]);
	assert_true(say(fx, id, nick));
	assert_true(room_member_named(fx->m[id]));
}

static void
reset_counts(struct fx *fx)
{
	memset(fx->t.count, 0, sizeof(fx->t.count));
	memset(fx->t.notices, 0, sizeof(fx->t.notices));
}

/* ---------------------------------------------------------------------------
 * Rate limit
 * ------------------------------------------------------------------------ */

static void
test_room_input_flood_is_cut_to_the_rate(void **state)
{
	struct fx *fx = *state;
	int k;

	join(fx, 0, "flood");
	join(fx, 1, "ana");
	join(fx, 2, "luis");
	fx->t.now += 10000;             /* the joins' tokens come back */
	reset_counts(fx);
	for (k = 0; k < 1000; k++)      /* 1000 messages in the same ms */
		assert_true(say(fx, 0, "spam"));
	assert_int_equal(fx->t.count[1], 10);   /* the burst, no more */
	assert_int_equal(fx->t.count[0], 1);    /* told once */
	assert_int_equal(fx->t.notices[0], 1);
	assert_string_equal(fx->t.last[0], "*** Slow down: more than 5 "
	                    "messages a second; the extra ones are dropped.\n");

	/* ana is not limited by flood's bucket */
	assert_true(say(fx, 1, "hola"));
	assert_string_equal(fx->t.last[2], "ana: hola\n");
	assert_string_equal(fx->t.last[0], "ana: hola\n");

	/* one second later: five more get through; no second notice yet */
	fx->t.now += 1000;
	reset_counts(fx);
	for (k = 0; k < 100; k++)
		say(fx, 0, "spam");
	assert_int_equal(fx->t.count[1], 5);
	assert_int_equal(fx->t.notices[0], 0);

	/* after ROOM_RATE_NOTICE_MS, told again */
	fx->t.now += ROOM_RATE_NOTICE_MS;
	reset_counts(fx);
	for (k = 0; k < 100; k++)
		say(fx, 0, "spam");
	assert_int_equal(fx->t.notices[0], 1);
	assert_int_equal(fx->t.count[1], 10);
}

/* Member 0 sends twenty messages in this millisecond: the burst goes, the
 * rest are dropped (without rate_paced). */
static void
flood_drops(struct fx *fx)
{
	int k;

	for (k = 0; k < 20; k++)
		assert_true(say(fx, 0, "spam"));
}

/* Member 0 sends until room_input_wait() makes it wait (rate_paced). */
static void
flood_waits(struct fx *fx)
{
	while (room_input_wait(fx->room, fx->m[0]) == 0)
		assert_true(say(fx, 0, "spam"));
}

/* "Slow down" at most every ROOM_RATE_NOTICE_MS, counted from the last
 * notice: member 0 floods (over) and is told; floods again 1 ms before the
 * interval has passed and is not; floods exactly when it has, and is. */
static void
notice_interval(struct fx *fx, void (*over)(struct fx *))
{
	uint64_t first;

	join(fx, 0, "flood");
	fx->t.now += 10000;             /* the join's token comes back */
	reset_counts(fx);
	over(fx);
	assert_int_equal(fx->t.notices[0], 1);
	first = fx->t.now;

	fx->t.now = first + ROOM_RATE_NOTICE_MS - 1;
	over(fx);
	assert_int_equal(fx->t.notices[0], 1);
	fx->t.now = first + ROOM_RATE_NOTICE_MS;
	over(fx);
	assert_int_equal(fx->t.notices[0], 2);
}

static void
test_room_input_rate_notice_after_exactly_the_interval(void **state)
{
	struct fx *fx = *state;

	notice_interval(fx, flood_drops);
	assert_string_equal(fx->t.last[0], "*** Slow down: more than 5 "
	                    "messages a second; the extra ones are dropped.\n");
}

/* The same interval when the sender is made to wait (TCP). */
static void
test_room_input_wait_notice_after_exactly_the_interval(void **state)
{
	struct fx *fx = *state;

	notice_interval(fx, flood_waits);
	assert_string_equal(fx->t.last[0], "*** Slow down: more than 5 "
	                    "messages a second; the server reads you more "
	                    "slowly (nothing is lost while you stay "
	                    "connected).\n");
}

static void
test_room_input_nickname_attempts_are_rate_limited(void **state)
{
	struct fx *fx = *state;
	int k;

	fx->m[0] = room_join(fx->room, CONN(0), "127.0.0.1:1");
	for (k = 0; k < 50; k++)
		say(fx, 0, "/bad");
	/* ten "type your nickname first", one "slow down" */
	assert_int_equal(fx->t.count[0], 11);
	assert_int_equal(fx->t.notices[0], 1);
	assert_true(say(fx, 0, "late"));
	assert_false(room_member_named(fx->m[0]));
	fx->t.now += 200;
	assert_true(say(fx, 0, "late"));
	assert_true(room_member_named(fx->m[0]));
}

static void
test_room_too_long_notices_are_rate_limited(void **state)
{
	struct fx *fx = *state;
	int k;

	join(fx, 0, "ana");
	fx->t.now += 10000;
	reset_counts(fx);
	for (k = 0; k < 100; k++)
		room_too_long(fx->room, fx->m[0]);
	assert_int_equal(fx->t.count[0], 11);
}

/* ---------------------------------------------------------------------------
 * --max-line
 * ------------------------------------------------------------------------ */

static void
test_room_input_over_max_line_dropped(void **state)
{
	struct fx *fx = *state;
	char big[102];

	join(fx, 0, "ana");
	join(fx, 1, "luis");
	reset_counts(fx);
	memset(big, 'x', 101);
	big[101] = '\0';
	assert_true(say(fx, 0, big));
	assert_int_equal(fx->t.count[1], 0);
	assert_string_equal(fx->t.last[0], "*** Error: message too long (more "
	                    "than 100 bytes), discarded\n");
	big[100] = '\0';                /* exactly the limit passes */
	assert_true(say(fx, 0, big));
	assert_int_equal(fx->t.count[1], 1);
}

/* ---------------------------------------------------------------------------
 * Impersonation: reserved names and look-alikes
 * ------------------------------------------------------------------------ */

static void
test_text_nick_check_lookalikes_of_server_reserved(void **state)
{
	static const char *const names[] = {
		"s\xD0\xB5rver",                /* Cyrillic е */
		"\xD0\x85" "ERVER",             /* Cyrillic Ѕ */
		"\xEF\xBD\x93\xEF\xBD\x85\xEF\xBD\x92\xEF\xBD\x96\xEF\xBD\x85"
		"\xEF\xBD\x92",                 /* fullwidth ｓｅｒｖｅｒ */
		"SERVID\xCE\x9F" "R",           /* Greek capital omicron */
		"\xEF\xBC\x8A**",               /* fullwidth asterisk */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (text_nick_check(names[i], strlen(names[i])) !=
		    TEXT_NICK_RESERVED)
			fail_msg("\"%s\" is not reserved", names[i]);
	assert_int_equal(text_nick_check("servers", 7), TEXT_NICK_OK);
	assert_int_equal(text_nick_check("\xD0\xBC\xD0\xB8\xD1\x80", 6),
	                 TEXT_NICK_OK);          /* мир: Cyrillic is fine */
}

static void
test_text_nick_key_lookalikes_equal(void **state)
{
	char a[64], b[64];

	(void)state;
	text_nick_key("ana", 3, a);
	text_nick_key("\xD0\xB0na", 4, b);       /* Cyrillic а */
	assert_string_equal(a, b);
	text_nick_key("\xD0\x90NA", 4, b);       /* Cyrillic А */
	assert_string_equal(a, b);
	text_nick_key("\xEF\xBC\xA1na", 5, b);   /* fullwidth Ａ */
	assert_string_equal(a, b);
	text_nick_key("\xC3\xA1na", 4, b);       /* á is another letter */
	assert_string_not_equal(a, b);
}

static void
test_room_input_lookalike_nick_taken(void **state)
{
	struct fx *fx = *state;

	join(fx, 0, "ana");
	fx->m[1] = room_join(fx->room, CONN(1), "127.0.0.1:2");
	assert_true(say(fx, 1, "\xD0\xB0na"));
	assert_false(room_member_named(fx->m[1]));
	assert_non_null(strstr(fx->t.last[1], "taken"));
	assert_true(say(fx, 1, "ANA"));
	assert_false(room_member_named(fx->m[1]));
	assert_true(say(fx, 1, "s\xD0\xB5rver"));
	assert_false(room_member_named(fx->m[1]));
	assert_true(say(fx, 1, "luis"));
	assert_true(room_member_named(fx->m[1]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_room_input_flood_is_cut_to_the_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_room_input_rate_notice_after_exactly_the_interval,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_room_input_wait_notice_after_exactly_the_interval,
		    setup_paced, teardown),
		cmocka_unit_test_setup_teardown(
		    test_room_input_nickname_attempts_are_rate_limited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_room_too_long_notices_are_rate_limited, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_room_input_over_max_line_dropped, setup, teardown),
		cmocka_unit_test(test_text_nick_check_lookalikes_of_server_reserved),
		cmocka_unit_test(test_text_nick_key_lookalikes_equal),
		cmocka_unit_test_setup_teardown(
		    test_room_input_lookalike_nick_taken, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
