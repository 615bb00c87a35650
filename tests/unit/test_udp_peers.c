/*
 * test_udp_peers.c — the UDP server's address table: lookup by address
 * (IPv4, IPv6, IPv4-mapped), removal, and a large number of peers. No
 * sockets: addresses are built by hand. (Expiry is the room's: test_room.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "udp_peers.h"

static struct sockaddr_in
v4(const char *ip, unsigned port)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_port = htons((uint16_t)port);
	assert_int_equal(inet_pton(AF_INET, ip, &s.sin_addr), 1);
	return s;
}

static struct sockaddr_in6
v6(const char *ip, unsigned port)
{
	struct sockaddr_in6 s;

	memset(&s, 0, sizeof(s));
	s.sin6_family = AF_INET6;
	s.sin6_port = htons((uint16_t)port);
	assert_int_equal(inet_pton(AF_INET6, ip, &s.sin6_addr), 1);
	return s;
}

#define SA(x) ((const struct sockaddr *)&(x)), sizeof(x)

static int
setup(void **state)
{
	static struct udp_peers peers;

	if (udp_peers_init(&peers) < 0)
		return -1;
	*state = &peers;
	return 0;
}

static int
teardown(void **state)
{
	udp_peers_free(*state);
	return 0;
}

/* ---------------------------------------------------------------------------
 * Lookup
 * ------------------------------------------------------------------------ */

static void
test_udp_peers_find_v4(void **state)
{
	struct udp_peers *p = *state;
	struct sockaddr_in a = v4("127.0.0.1", 4000), b = v4("127.0.0.1", 4001);
	struct sockaddr_in c = v4("10.0.0.1", 4000);
	struct udp_peer *pa;

	assert_null(udp_peers_find(p, SA(a)));
	pa = udp_peers_add(p, SA(a));
	assert_non_null(pa);
	assert_ptr_equal(udp_peers_find(p, SA(a)), pa);
	assert_null(udp_peers_find(p, SA(b)));    /* same host, other port */
	assert_null(udp_peers_find(p, SA(c)));    /* same port, other host */
	assert_int_equal(pa->addrlen, sizeof(a));
	assert_memory_equal(&pa->addr.in, &a, sizeof(a)); /* kept for sendto */
	assert_int_equal(udp_peers_count(p), 1);
}

static void
test_udp_peers_find_v6(void **state)
{
	struct udp_peers *p = *state;
	struct sockaddr_in6 a = v6("::1", 5000), b = v6("2001:db8::1", 5000);
	struct sockaddr_in6 ll1 = v6("fe80::1", 5000), ll2 = ll1;
	struct udp_peer *pa, *pb, *pl;

	ll1.sin6_scope_id = 1;
	ll2.sin6_scope_id = 2;
	pa = udp_peers_add(p, SA(a));
	pb = udp_peers_add(p, SA(b));
	pl = udp_peers_add(p, SA(ll1));
	assert_non_null(pa);
	assert_non_null(pb);
	assert_ptr_equal(udp_peers_find(p, SA(a)), pa);
	assert_ptr_equal(udp_peers_find(p, SA(b)), pb);
	assert_ptr_equal(udp_peers_find(p, SA(ll1)), pl);
	assert_null(udp_peers_find(p, SA(ll2)));  /* other interface */
	assert_int_equal(udp_peers_count(p), 3);
}

static void
test_udp_peers_find_v4_mapped(void **state)
{
	struct udp_peers *p = *state;
	struct sockaddr_in a = v4("192.0.2.7", 6000);
	struct sockaddr_in6 m = v6("::ffff:192.0.2.7", 6000);
	struct sockaddr_in6 other = v6("::ffff:192.0.2.7", 6001);
	struct udp_peer *pm;

	pm = udp_peers_add(p, SA(m));
	assert_non_null(pm);
	assert_ptr_equal(udp_peers_find(p, SA(a)), pm);
	assert_ptr_equal(udp_peers_find(p, SA(m)), pm);
	assert_null(udp_peers_find(p, SA(other)));
	assert_int_equal(pm->addr.sa.sa_family, AF_INET6); /* as received */
}

static void
test_udp_peers_add_unknown_family(void **state)
{
	struct udp_peers *p = *state;
	struct sockaddr s;

	memset(&s, 0, sizeof(s));
	s.sa_family = AF_UNIX;
	assert_null(udp_peers_add(p, &s, sizeof(s)));
	assert_null(udp_peers_find(p, &s, sizeof(s)));
	assert_int_equal(udp_peers_count(p), 0);
}

static void
test_udp_peers_remove_one(void **state)
{
	struct udp_peers *p = *state;
	struct sockaddr_in a = v4("127.0.0.1", 1), b = v4("127.0.0.1", 2);
	struct udp_peer *pa, *pb;

	pa = udp_peers_add(p, SA(a));
	pb = udp_peers_add(p, SA(b));
	udp_peers_remove(p, pa);
	assert_null(udp_peers_find(p, SA(a)));
	assert_ptr_equal(udp_peers_find(p, SA(b)), pb);
	udp_peers_remove(p, pb);
	assert_null(udp_peers_find(p, SA(b)));
	assert_int_equal(udp_peers_count(p), 0);
}

/* ---------------------------------------------------------------------------
 * Many peers
 * ------------------------------------------------------------------------ */

static void
test_udp_peers_add_many(void **state)
{
	enum { N = 10000 };
	struct udp_peers *p = *state;
	struct sockaddr_in6 s;
	struct sockaddr_in s4;
	struct udp_peer *peer;
	char ip[64];
	unsigned i;

	for (i = 0; i < N; i++) {
		if (i % 2) {
			snprintf(ip, sizeof(ip), "10.%u.%u.1", i / 256, i % 256);
			s4 = v4(ip, 40000 + i % 1000);
			assert_non_null(udp_peers_add(p, SA(s4)));
		} else {
			snprintf(ip, sizeof(ip), "2001:db8::%x", i);
			s = v6(ip, 40000 + i % 1000);
			assert_non_null(udp_peers_add(p, SA(s)));
		}
	}
	assert_int_equal(udp_peers_count(p), N);
	for (i = 0; i < N; i++) {
		if (i % 2) {
			snprintf(ip, sizeof(ip), "::ffff:10.%u.%u.1", i / 256,
			         i % 256);
		} else {
			snprintf(ip, sizeof(ip), "2001:db8::%x", i);
		}
		s = v6(ip, 40000 + i % 1000);
		peer = udp_peers_find(p, SA(s));
		assert_non_null(peer);
		udp_peers_remove(p, peer);
		assert_null(udp_peers_find(p, SA(s)));
	}
	assert_int_equal(udp_peers_count(p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_udp_peers_find_v4),
		T(test_udp_peers_find_v6),
		T(test_udp_peers_find_v4_mapped),
		T(test_udp_peers_add_unknown_family),
		T(test_udp_peers_remove_one),
		T(test_udp_peers_add_many),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
