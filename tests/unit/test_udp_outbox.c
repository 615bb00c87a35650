/*
 * test_udp_outbox.c — batched sending on real loopback UDP sockets: every
 * datagram arrives whole and in order, batches larger than one sendmmsg()
 * call, and a refused datagram costs only itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "udp_outbox.h"

struct fixture {
	int               tx, rx[2];
	union udp_addr    to[2];
	struct udp_outbox out;
};

/* A UDP socket on 127.0.0.1 and a free port; its address in *addr. */
static int
bound(union udp_addr *addr)
{
	socklen_t len = sizeof(addr->in);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), size = 1 << 20;

	memset(addr, 0, sizeof(*addr));
	addr->in.sin_family = AF_INET;
	addr->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0 ||
	    bind(fd, &addr->sa, len) < 0 ||
	    getsockname(fd, &addr->sa, &len) < 0)
		return -1;
	return fd;
}

static int
setup(void **state)
{
	static struct fixture f;
	union udp_addr self;

	if ((f.tx = bound(&self)) < 0 || (f.rx[0] = bound(&f.to[0])) < 0 ||
	    (f.rx[1] = bound(&f.to[1])) < 0)
		return -1;
	udp_outbox_init(&f.out, f.tx);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	close(f->tx);
	close(f->rx[0]);
	close(f->rx[1]);
	return 0;
}

/* The next datagram on fd as a string ("" when none within 5 s). */
static const char *
next(int fd)
{
	static char buf[2048];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&p, 1, 5000) == 1 && (n = recv(fd, buf, sizeof(buf) - 1, 0)) >= 0)
		buf[n] = '\0';
	return buf;
}

static void
test_udp_outbox_flush_in_order(void **state)
{
	struct fixture *f = *state;

	udp_outbox_add(&f->out, &f->to[0], sizeof(f->to[0].in), "a: one\n", 7);
	udp_outbox_add(&f->out, &f->to[1], sizeof(f->to[1].in), "a: one\n", 7);
	udp_outbox_add(&f->out, &f->to[0], sizeof(f->to[0].in), "b: two\n", 7);
	assert_int_equal(f->out.n, 3);
	assert_int_equal(f->out.used, 14);        /* "a: one" stored once */
	udp_outbox_flush(&f->out);
	assert_int_equal(f->out.n, 0);
	assert_int_equal(f->out.sent, 3);
	assert_string_equal(next(f->rx[0]), "a: one\n");
	assert_string_equal(next(f->rx[0]), "b: two\n");
	assert_string_equal(next(f->rx[1]), "a: one\n");
}

static void
test_udp_outbox_add_more_than_a_batch(void **state)
{
	struct fixture *f = *state;
	char line[32], want[32];
	int i, n;

	for (i = 0; i < 3 * UDP_OUTBOX_MAX + 5; i++) {
		n = snprintf(line, sizeof(line), "line %d\n", i);
		udp_outbox_add(&f->out, &f->to[i % 2], sizeof(f->to[0].in), line,
		               (size_t)n);
	}
	udp_outbox_flush(&f->out);
	assert_int_equal(f->out.sent, 3 * UDP_OUTBOX_MAX + 5);
	assert_int_equal(f->out.failed, 0);
	for (i = 0; i < 3 * UDP_OUTBOX_MAX + 5; i++) {
		snprintf(want, sizeof(want), "line %d\n", i);
		assert_string_equal(next(f->rx[i % 2]), want);
	}
}

static void
test_udp_outbox_flush_refused_costs_one(void **state)
{
	struct fixture *f = *state;
	union udp_addr bad = f->to[0];

	bad.in.sin_port = 0;                      /* sendto: EINVAL */
	udp_outbox_add(&f->out, &f->to[0], sizeof(f->to[0].in), "x\n", 2);
	udp_outbox_add(&f->out, &bad, sizeof(bad.in), "x\n", 2);
	udp_outbox_add(&f->out, &f->to[1], sizeof(f->to[1].in), "x\n", 2);
	udp_outbox_add(&f->out, &bad, sizeof(bad.in), "y\n", 2);
	udp_outbox_add(&f->out, &f->to[0], sizeof(f->to[0].in), "z\n", 2);
	udp_outbox_flush(&f->out);
	assert_int_equal(f->out.sent, 3);
	assert_int_equal(f->out.failed, 2);
	assert_string_equal(next(f->rx[0]), "x\n");
	assert_string_equal(next(f->rx[0]), "z\n");
	assert_string_equal(next(f->rx[1]), "x\n");
}

static void
test_udp_outbox_add_large_texts(void **state)
{
	struct fixture *f = *state;
	char line[1500];
	int i;

	/* More bytes than the text area holds: it flushes on the way. */
	for (i = 0; i < 100; i++) {
		memset(line, 'a' + i % 26, sizeof(line) - 1);
		line[sizeof(line) - 1] = '\n';
		udp_outbox_add(&f->out, &f->to[0], sizeof(f->to[0].in), line,
		               sizeof(line));
		assert_true(f->out.used <= UDP_OUTBOX_TEXT);
	}
	udp_outbox_flush(&f->out);
	assert_int_equal(f->out.sent, 100);
	for (i = 0; i < 100; i++) {
		const char *got = next(f->rx[0]);

		assert_int_equal(strlen(got), sizeof(line));
		assert_int_equal(got[0], 'a' + i % 26);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_udp_outbox_flush_in_order),
		T(test_udp_outbox_add_more_than_a_batch),
		T(test_udp_outbox_flush_refused_costs_one),
		T(test_udp_outbox_add_large_texts),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
