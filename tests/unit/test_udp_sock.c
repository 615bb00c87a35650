/*
 * test_udp_sock.c — unit tests for udp/udp_sock.c: which source addresses
 * are the server itself. Only loopback and documentation addresses, so the
 * answers do not depend on the machine's interfaces.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "udp_sock.h"

#define PORT 5001

static socklen_t
addr(const char *text, int port, union udp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, &a->in.sin_addr) == 1) {
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons((uint16_t)port);
		return sizeof(a->in);
	}
	assert_int_equal(inet_pton(AF_INET6, text, &a->in6.sin6_addr), 1);
	a->in6.sin6_family = AF_INET6;
	a->in6.sin6_port = htons((uint16_t)port);
	return sizeof(a->in6);
}

static bool
is_self(const char *text, int port)
{
	union udp_addr a;
	socklen_t len = addr(text, port, &a);

	return udp_sock_is_self(PORT, &a.sa, len);
}

static void
test_udp_sock_is_self_loopback_same_port(void **state)
{
	(void)state;
	assert_true(is_self("127.0.0.1", PORT));
	assert_true(is_self("127.9.8.7", PORT));       /* all of 127/8 */
	assert_true(is_self("::1", PORT));
	assert_true(is_self("::ffff:127.0.0.1", PORT)); /* a dual-stack socket */
}

static void
test_udp_sock_is_self_other_port_or_host(void **state)
{
	(void)state;
	assert_false(is_self("127.0.0.1", PORT + 1));
	assert_false(is_self("::1", 40000));
	assert_false(is_self("192.0.2.1", PORT));       /* not this machine */
	assert_false(is_self("::ffff:192.0.2.1", PORT));
	assert_false(is_self("2001:db8::1", PORT));
}

static void
test_udp_sock_icmp_errno(void **state)
{
	(void)state;
	assert_true(udp_sock_icmp_errno(ECONNREFUSED));
	assert_true(udp_sock_icmp_errno(EHOSTUNREACH));
	assert_false(udp_sock_icmp_errno(EAGAIN));
	assert_false(udp_sock_icmp_errno(EPERM));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_sock_is_self_loopback_same_port),
		cmocka_unit_test(test_udp_sock_is_self_other_port_or_host),
		cmocka_unit_test(test_udp_sock_icmp_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
