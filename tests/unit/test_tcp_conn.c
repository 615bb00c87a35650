/*
 * test_tcp_conn.c — unit tests for tcp/tcp_conn.c: the output limits (hard:
 * dropped at once; soft: dropped after its time), the flood control that
 * holds input back instead of dropping it, the silence rule, and the end of
 * a stream, where nothing said may be lost. A socketpair stands for the client; the room is
 * real, with a fake transport that records what each member receives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "catalog.h"
#include "clock.h"
#include "room.h"
#include "server.h"
#include "tcp_conn.h"

/* ---------------------------------------------------------------------------
 * A room whose other member records what it receives
 * ------------------------------------------------------------------------ */

struct fx {
	uint64_t            now;        /* the room's clock, ms */
	struct room        *room;
	struct tcp_conn     c;          /* the connection under test */
	int                 peer;       /* the client's end of c's socket */
	struct room_member *listener;
	char                heard[8192]; /* the listener's lines */
	size_t              heard_len;
};

static void
fake_send(void *transport, void *conn, const char *line, size_t len)
{
	struct fx *fx = transport;

	if (conn == &fx->c) {
		tcp_conn_queue(&fx->c, line, len);
		return;
	}
	assert_true(fx->heard_len + len < sizeof(fx->heard));
	memcpy(fx->heard + fx->heard_len, line, len);
	fx->heard_len += len;
	fx->heard[fx->heard_len] = '\0';
}

static void
fake_close(void *transport, void *conn)
{
	struct fx *fx = transport;

	if (conn == &fx->c)
		tcp_conn_leave_room(&fx->c);
}

static uint64_t
fake_clock(void *transport)
{
	return ((struct fx *)transport)->now;
}

static const struct room_ops ops = { fake_send, fake_close, NULL, NULL };

/*
 * tcp_conn.c's deadlines read clock_ms(): these two take the place of
 * shared/base/clock.c (the linker takes a library member only for a symbol
 * still undefined), so that the connection and the room count the same
 * fake milliseconds, fx->now of the test that runs.
 */
static struct fx *clock_fx;

uint64_t
clock_ms(void)
{
	return clock_fx != NULL ? clock_fx->now : 0;
}

uint64_t
clock_us(void)
{
	return clock_ms() * 1000;
}

/* A room with a rate of 10 messages a second in bursts of 3, a listener
 * called "eva", and c on a socketpair, not yet in the room. */
static int
setup(void **state)
{
	struct room_config cfg = { .rate_limit = 10, .rate_burst = 3,
	                           .rate_paced = true, .clock_ms = fake_clock };
	struct server_opts o = { .max_line = MSG_MAX, .max_queue = 8192,
	                         .max_memory = 1 << 20, .soft_queue_time = 5 };
	struct fx *fx = calloc(1, sizeof(*fx));
	int sv[2];

	if (fx == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	lang_set(LANG_EN);
	fx->now = 1000;
	clock_fx = fx;
	fx->room = room_new(&cfg, &ops, fx);
	fx->listener = room_join(fx->room, fx, "127.0.0.1:1");
	room_input(fx->room, fx->listener, "eva", 3);
	fx->heard_len = 0;
	tcp_conn_init(&fx->c, sv[0], "127.0.0.1:2", &o);
	fx->peer = sv[1];
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->c.member != NULL)
		room_leave(fx->room, fx->c.member, ROOM_LEAVE_CLOSED);
	room_free(fx->room, false);
	tcp_conn_close(&fx->c);
	close(fx->peer);
	free(fx);
	clock_fx = NULL;
	return 0;
}

/* c's queue as one string (its references, in order). */
static const char *
out_text(struct fx *fx)
{
	static char text[16384];
	struct iovec iov[64];
	size_t i, n, len = 0;

	n = outq_iov(&fx->c.out, iov, 64);
	for (i = 0; i < n; i++) {
		assert_true(len + iov[i].iov_len < sizeof(text));
		memcpy(text + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	text[len] = '\0';
	return text;
}

static void
enter(struct fx *fx)
{
	fx->c.member = room_join(fx->room, &fx->c, fx->c.peer);
	assert_non_null(fx->c.member);
}

static void
feed(struct fx *fx, const char *s)
{
	tcp_conn_feed(&fx->c, fx->room, s, strlen(s));
}

/* The model's wait: the clock reaches t and the deadline is called. */
static void
at(struct fx *fx, uint64_t t)
{
	fx->now = t;
	tcp_conn_deadline(&fx->c, fx->room);
}

/* Empty c's bucket (as messages sent in this millisecond would). */
static void
spend(struct fx *fx)
{
	while (room_input_wait(fx->room, fx->c.member) == 0)
		assert_true(room_input(fx->room, fx->c.member, "x", 1));
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

/* ---------------------------------------------------------------------------
 * Output limits
 * ------------------------------------------------------------------------ */

static void
test_tcp_conn_queue_over_the_cap_drops(void **state)
{
	struct fx *fx = *state;
	char notice[256];

	snprintf(notice, sizeof(notice), catalog_text(CAT_OVERFLOW),
	         (size_t)8);
	assert_int_equal(fill(&fx->c, 8192), 0);        /* exactly the cap */
	assert_int_equal(fx->c.state, TCP_CONN_OPEN);
	assert_int_equal(fill(&fx->c, 1), -1);
	assert_int_equal(fx->c.state, TCP_CONN_DEAD);
	assert_int_equal(fx->c.why, ROOM_LEAVE_DROPPED);
	assert_int_equal(fx->c.drop, TCP_DROP_CAP);
	assert_int_equal(fx->c.out.len, 8192);  /* its writer's, until it goes */
	assert_int_equal(tcp_conn_queue(&fx->c, "late\n", 5), -1);
	assert_false(tcp_conn_reading(&fx->c));
	/* the peer's FIN read next does not hide why it goes */
	tcp_conn_end(&fx->c, fx->room, true);
	assert_int_equal(fx->c.why, ROOM_LEAVE_DROPPED);
	/* leaving, its queue becomes the reason alone (no line was cut),
	 * and it stays open TCP_FAREWELL_MS for a late reader */
	assert_true(tcp_conn_retire(&fx->c));
	assert_int_equal(fx->c.state, TCP_CONN_CLOSING);
	assert_string_equal(out_text(fx), notice);
	assert_int_equal(fx->c.drain_by, fx->now + TCP_FAREWELL_MS);
}

/* The socket took n of want bytes (n < 0: none, with err). */
static int
sent(struct fx *fx, ssize_t n, int err)
{
	struct iovec iov[TCP_IOV];
	size_t want;

	tcp_conn_iov(&fx->c, iov, &want);
	return tcp_conn_sent(&fx->c, n, err, want);
}

static void
test_tcp_conn_sent_runs_the_clock_only_while_nothing_is_taken(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(fill(&fx->c, 300), 0);
	assert_int_equal(fx->c.soft_by, 0);     /* queued, never tried */
	assert_int_equal(sent(fx, -1, EAGAIN), 0);
	assert_true(fx->c.blocked);
	assert_int_equal(fx->c.soft_by, 1000 + 5000);  /* from now */
	assert_int_equal(fx->c.deadline, fx->c.soft_by);
	fx->now = 3000;
	assert_int_equal(sent(fx, -1, EAGAIN), 0);
	assert_int_equal(fx->c.soft_by, 6000);  /* nothing taken: runs on */
	assert_int_equal(sent(fx, 10, 0), 0);   /* a byte taken: restarts */
	assert_int_equal(fx->c.soft_by, 3000 + 5000);
	assert_int_equal(fx->c.out.len, 290);
	assert_int_equal(sent(fx, 290, 0), 1);  /* all of it: stops */
	assert_false(fx->c.blocked);
	assert_int_equal(fx->c.soft_by, 0);
	assert_int_equal(fx->c.deadline, 0);
}

static void
test_tcp_conn_sent_no_clock_on_the_way_out(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(fill(&fx->c, 300), 0);
	tcp_conn_leave_room(&fx->c);
	fx->c.drain_by = 9999;                  /* a clock of its own */
	assert_int_equal(sent(fx, -1, EAGAIN), 0);
	assert_int_equal(fx->c.soft_by, 0);
}

static void
test_tcp_conn_deadline_drops_only_when_the_time_is_up(void **state)
{
	struct fx *fx = *state;
	char notice[256];

	snprintf(notice, sizeof(notice), catalog_text(CAT_OVERFLOW_SLOW),
	         (size_t)2, 5u);
	enter(fx);
	assert_int_equal(fill(&fx->c, 3000), 0);
	assert_int_equal(sent(fx, -1, EAGAIN), 0);
	at(fx, 1000 + 5000 - 1);
	assert_int_equal(fx->c.state, TCP_CONN_OPEN);
	at(fx, 1000 + 5000);
	assert_int_equal(fx->c.state, TCP_CONN_DEAD);
	assert_int_equal(fx->c.why, ROOM_LEAVE_DROPPED);
	assert_int_equal(fx->c.drop, TCP_DROP_STUCK);
	tcp_conn_leave(&fx->c, fx->room);
	assert_null(fx->c.member);
	assert_true(tcp_conn_retire(&fx->c));
	assert_string_equal(out_text(fx), notice);
}

/* Shrink c's socket buffer, queue 256 KiB and write what the socket
 * takes; the rest waits (the socket is full). */
static void
fill_the_socket(struct fx *fx)
{
	int small = 4096;

	assert_int_equal(setsockopt(fx->c.fd, SOL_SOCKET, SO_SNDBUF, &small,
	                            sizeof(small)), 0);
	fx->c.out_hard = 256 * 1024;
	assert_int_equal(fill(&fx->c, 256 * 1024), 0);
	assert_int_equal(tcp_conn_flush(&fx->c), 0);
	assert_true(fx->c.blocked);
	assert_true(fx->c.unsent > 0);          /* what the kernel holds */
	assert_int_equal(fx->c.soft_by, 1000 + 5000);
}

static void
test_tcp_conn_deadline_a_peer_that_read_is_not_dropped(void **state)
{
	struct fx *fx = *state;
	char sink[65536];

	enter(fx);
	fill_the_socket(fx);
	/* the peer reads everything the kernel held, but the socket was not
	 * reported writable (no write was tried): it is reading */
	while (recv(fx->peer, sink, sizeof(sink), MSG_DONTWAIT) > 0)
		;
	at(fx, 1000 + 5000);
	assert_int_equal(fx->c.state, TCP_CONN_OPEN);
	assert_int_equal(fx->c.soft_by, 6000 + 5000);   /* from now */
	assert_int_equal(fx->c.unsent, 0);
	/* and now it reads nothing more: dropped when that time is up */
	assert_int_equal(tcp_conn_flush(&fx->c), 0);
	fx->c.soft_by = 11000;
	at(fx, 11000);
	assert_int_equal(fx->c.state, TCP_CONN_DEAD);
}

static void
test_tcp_conn_retire_finishes_the_cut_line_first(void **state)
{
	struct fx *fx = *state;
	char notice[256], want[300];

	snprintf(notice, sizeof(notice), catalog_text(CAT_OVERFLOW_SLOW),
	         (size_t)0, 5u);
	assert_int_equal(tcp_conn_queue(&fx->c, "hello world\n", 12), 0);
	assert_int_equal(tcp_conn_queue(&fx->c, "next line\n", 10), 0);
	assert_int_equal(sent(fx, 3, 0), 0);    /* "hel" went */
	tcp_conn_drop(&fx->c, TCP_DROP_STUCK);
	assert_true(tcp_conn_retire(&fx->c));
	snprintf(want, sizeof(want), "lo world\n%s", notice);
	assert_string_equal(out_text(fx), want);
}

static void
test_tcp_conn_leave_delivers_what_was_held(void **state)
{
	struct fx *fx = *state;

	enter(fx);
	feed(fx, "ana\none\ntwo\nthree\nfour\n");   /* two held: the rate */
	assert_null(strstr(fx->heard, "three"));
	tcp_conn_drop(&fx->c, TCP_DROP_STUCK);
	tcp_conn_leave(&fx->c, fx->room);
	assert_non_null(strstr(fx->heard, "ana: two\nana: three\nana: four\n"
	                                  "*** ana was disconnected (not "
	                                  "reading its messages)\n"));
	assert_null(fx->c.member);
	assert_true(buf_empty(&fx->c.in));
}

static void
test_tcp_conn_reading_stops_at_the_budget(void **state)
{
	struct fx *fx = *state;
	struct outq_writer w = { 0 };

	fx->c.writer = &w;
	fx->c.budget = 1000;
	w.mem = 999;
	assert_true(tcp_conn_reading(&fx->c));
	w.mem = 1000;
	assert_false(tcp_conn_reading(&fx->c));
	tcp_conn_leave_room(&fx->c);            /* CLOSING: never held */
	assert_true(tcp_conn_reading(&fx->c));
	fx->c.writer = NULL;
}

/* ---------------------------------------------------------------------------
 * Flood control: held, never dropped
 * ------------------------------------------------------------------------ */

static void
test_tcp_conn_feed_over_the_rate_holds_the_rest(void **state)
{
	struct fx *fx = *state;

	enter(fx);
	/* the nickname and two lines use the burst of 3 */
	feed(fx, "ana\none\ntwo\nthree\nfour\n");
	assert_string_equal(fx->heard, "*** ana has joined the chat\n"
	                               "ana: one\nana: two\n");
	assert_false(tcp_conn_reading(&fx->c));
	assert_int_equal(fx->c.in.len, strlen("three\nfour\n"));
	assert_int_equal(fx->c.resume_at, 1100);     /* a token in 100 ms */
	assert_int_equal(fx->c.deadline, 1100);
	/* the sender is told once that it is read more slowly */
	assert_non_null(strstr(out_text(fx), "Slow down"));

	at(fx, 1099);
	assert_null(strstr(fx->heard, "three"));
	/* 100 ms later one token is there: "three", then held again */
	at(fx, 1100);
	assert_non_null(strstr(fx->heard, "ana: three\n"));
	assert_null(strstr(fx->heard, "four"));
	assert_false(tcp_conn_reading(&fx->c));
	assert_int_equal(fx->c.resume_at, 1200);

	at(fx, 1200);
	assert_non_null(strstr(fx->heard, "ana: three\nana: four\n"));
	assert_true(tcp_conn_reading(&fx->c));          /* read it again */
	assert_int_equal(fx->c.resume_at, 0);
	assert_int_equal(fx->c.state, TCP_CONN_OPEN);
}

/* Exactly the burst: nothing is held and nobody is told to slow down. */
static void
test_tcp_conn_feed_the_whole_burst_is_not_slowed(void **state)
{
	struct fx *fx = *state;

	enter(fx);
	feed(fx, "ana\none\ntwo\n");
	assert_non_null(strstr(fx->heard, "ana: one\nana: two\n"));
	assert_true(tcp_conn_reading(&fx->c));
	assert_int_equal(fx->c.resume_at, 0);
	assert_null(strstr(out_text(fx), "Slow down"));
}

/* A read while input is held (the model reads a hang-up anyway) goes
 * behind it, even when the rate would allow it before the held input has
 * been resumed. */
static void
test_tcp_conn_feed_while_held_goes_behind(void **state)
{
	struct fx *fx = *state;

	enter(fx);
	feed(fx, "ana\none\ntwo\nthree\n");
	assert_false(tcp_conn_reading(&fx->c));
	fx->now = fx->c.resume_at;              /* a token is back */
	feed(fx, "four\n");
	assert_null(strstr(fx->heard, "four"));
	at(fx, fx->now);
	at(fx, fx->c.resume_at);
	assert_non_null(strstr(fx->heard, "ana: two\nana: three\n"
	                                  "ana: four\n"));
	assert_true(tcp_conn_reading(&fx->c));
}

/* After our FIN, what the peer still sends is read and dropped: nothing
 * is framed, no silence deadline comes before the drain's. */
static void
test_tcp_conn_feed_while_draining_is_discarded(void **state)
{
	struct fx *fx = *state;

	tcp_conn_shutdown(&fx->c);
	feed(fx, "late");
	assert_int_equal(fx->c.framer.len, 0);
	assert_int_equal(fx->c.silence_at, 0);
	assert_int_equal(fx->c.deadline, fx->c.drain_by);
}

static void
test_tcp_conn_feed_a_flood_arrives_whole_and_in_order(void **state)
{
	struct fx *fx = *state;
	char line[32], want[32];
	size_t i, n = 0;
	const char *p;

	enter(fx);
	feed(fx, "ana\n");
	for (i = 0; i < 50; i++) {
		snprintf(line, sizeof(line), "m%zu\n", i);
		while (!tcp_conn_reading(&fx->c)) {     /* the model's wait */
			fx->now += 100;
			fx->c.resume_at = 1;
			tcp_conn_deadline(&fx->c, fx->room);
		}
		feed(fx, line);
	}
	while (!tcp_conn_reading(&fx->c)) {
		fx->now += 100;
		fx->c.resume_at = 1;
		tcp_conn_deadline(&fx->c, fx->room);
	}
	for (p = fx->heard; (p = strstr(p, "ana: m")) != NULL; p++) {
		snprintf(want, sizeof(want), "ana: m%zu\n", n++);
		assert_memory_equal(p, want, strlen(want));
	}
	assert_int_equal(n, 50);
}

/* ---------------------------------------------------------------------------
 * The silence rule (DESIGN.md): a client that has never sent a newline
 * ends each message by pausing MSG_SILENCE_MS
 * ------------------------------------------------------------------------ */

/* The unterminated message waits MSG_SILENCE_MS from now: not heard 1 ms
 * before the pause ends, heard (as want) when it does. */
static void
silence_ends(struct fx *fx, const char *want)
{
	assert_int_equal(fx->c.silence_at, fx->now + MSG_SILENCE_MS);
	assert_int_equal(fx->c.deadline, fx->c.silence_at);
	at(fx, fx->c.silence_at - 1);
	assert_null(strstr(fx->heard, want));
	at(fx, fx->c.silence_at);
	assert_non_null(strstr(fx->heard, want));
}

static void
test_tcp_conn_silence_ends_a_message_after_the_pause(void **state)
{
	struct fx *fx = *state;

	enter(fx);
	feed(fx, "ana");
	silence_ends(fx, "*** ana has joined the chat\n");
	assert_int_equal(fx->c.deadline, 0);
	assert_null(fx->c.framer.buf);          /* idle: no buffer kept */

	/* the next message in two writes: the pause counts from the last */
	feed(fx, "hola ");
	fx->now += MSG_SILENCE_MS - 1;
	feed(fx, "a todos");
	silence_ends(fx, "ana: hola a todos\n");
}

/* ana joins by a pause, then "abc" waits for the next one. */
static void
enter_silent(struct fx *fx)
{
	enter(fx);
	feed(fx, "ana");
	at(fx, fx->c.silence_at);
	assert_true(room_member_named(fx->c.member));
	feed(fx, "abc");
}

/* While input is held back by the rate, the pause is the server's, not
 * the client's: no silence deadline until the held bytes are framed, and
 * then the message is all of them. */
static void
test_tcp_conn_silence_not_while_input_is_held(void **state)
{
	struct fx *fx = *state;

	enter_silent(fx);
	spend(fx);
	feed(fx, "def");
	assert_false(tcp_conn_reading(&fx->c));
	assert_int_equal(fx->c.silence_at, 0);
	assert_int_equal(fx->c.deadline, fx->c.resume_at);
	at(fx, fx->c.resume_at);
	assert_true(tcp_conn_reading(&fx->c));
	silence_ends(fx, "ana: abcdef\n");
	assert_null(strstr(fx->heard, "ana: abc\n"));
}

/* The pause ends with the bucket empty: the message waits for its token. */
static void
test_tcp_conn_silence_waits_for_the_rate(void **state)
{
	struct fx *fx = *state;
	uint64_t wait;

	enter_silent(fx);
	fx->now = fx->c.silence_at;
	spend(fx);
	wait = room_input_wait(fx->room, fx->c.member);
	tcp_conn_deadline(&fx->c, fx->room);
	assert_null(strstr(fx->heard, "abc"));
	assert_int_equal(fx->c.silence_at, fx->now + wait);
	assert_int_equal(fx->c.deadline, fx->c.silence_at);
	at(fx, fx->c.silence_at);
	assert_non_null(strstr(fx->heard, "ana: abc\n"));
}

/* ---------------------------------------------------------------------------
 * The end of a stream
 * ------------------------------------------------------------------------ */

static void
test_tcp_conn_end_eof_delivers_the_unterminated_last_line(void **state)
{
	struct fx *fx = *state;

	enter(fx);
	feed(fx, "ana\nfirst\nlast line without newline");
	tcp_conn_end(&fx->c, fx->room, true);
	assert_non_null(strstr(fx->heard, "ana: first\n"
	                                  "ana: last line without newline\n"));
	assert_int_equal(fx->c.state, TCP_CONN_DEAD);
	assert_int_equal(fx->c.why, ROOM_LEAVE_CLOSED);
}

static void
test_tcp_conn_end_eof_delivers_what_was_held(void **state)
{
	struct fx *fx = *state;

	enter(fx);
	feed(fx, "ana\n1\n2\n3\n4\n5");
	assert_false(tcp_conn_reading(&fx->c));
	tcp_conn_end(&fx->c, fx->room, true);
	assert_non_null(strstr(fx->heard, "ana: 1\nana: 2\nana: 3\nana: 4\n"
	                                  "ana: 5\n"));
	assert_int_equal(fx->c.deadline, 0);    /* nothing left to wait for */
}

static void
test_tcp_conn_end_reset_cuts_only_the_unterminated_line(void **state)
{
	struct fx *fx = *state;

	enter(fx);
	feed(fx, "ana\n1\n2\n3\nhalf a li");
	tcp_conn_end(&fx->c, fx->room, false);
	assert_non_null(strstr(fx->heard, "ana: 1\nana: 2\nana: 3\n"));
	assert_null(strstr(fx->heard, "half"));
	assert_int_equal(fx->c.state, TCP_CONN_DEAD);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_tcp_conn_queue_over_the_cap_drops),
		T(test_tcp_conn_sent_runs_the_clock_only_while_nothing_is_taken),
		T(test_tcp_conn_sent_no_clock_on_the_way_out),
		T(test_tcp_conn_deadline_drops_only_when_the_time_is_up),
		T(test_tcp_conn_deadline_a_peer_that_read_is_not_dropped),
		T(test_tcp_conn_retire_finishes_the_cut_line_first),
		T(test_tcp_conn_reading_stops_at_the_budget),
		T(test_tcp_conn_leave_delivers_what_was_held),
		T(test_tcp_conn_feed_over_the_rate_holds_the_rest),
		T(test_tcp_conn_feed_the_whole_burst_is_not_slowed),
		T(test_tcp_conn_feed_while_held_goes_behind),
		T(test_tcp_conn_feed_while_draining_is_discarded),
		T(test_tcp_conn_feed_a_flood_arrives_whole_and_in_order),
		T(test_tcp_conn_silence_ends_a_message_after_the_pause),
		T(test_tcp_conn_silence_not_while_input_is_held),
		T(test_tcp_conn_silence_waits_for_the_rate),
		T(test_tcp_conn_end_eof_delivers_the_unterminated_last_line),
		T(test_tcp_conn_end_eof_delivers_what_was_held),
		T(test_tcp_conn_end_reset_cuts_only_the_unterminated_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
