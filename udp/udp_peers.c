/*
 * udp_peers.c — members of the UDP chat, found by source address in a hash
 * table. See udp_peers.h. Nothing here sends or receives: the table is
 * tested with no socket.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "udp_peers.h"

#define UDP_PEERS_BUCKETS 256 /* initial buckets (a power of two) */

/* ---------------------------------------------------------------------------
 * Keys. A dual-stack socket reports an IPv4 sender as ::ffff:a.b.c.d, a
 * socket bound to an IPv4 address reports it as AF_INET: both become the
 * same 24-byte key, laid out as
 *
 *   0               16     18          22     24
 *   | IPv6 address  | port | scope id  | zero |
 *
 * so that one memcmp compares two addresses.
 * ------------------------------------------------------------------------ */

static int
make_key(const struct sockaddr *sa, socklen_t len, unsigned char *key)
{
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;

	memset(key, 0, sizeof(((struct udp_peer *)0)->key));
	if (sa->sa_family == AF_INET && len >= sizeof(*s4)) {
		s4 = (const struct sockaddr_in *)sa;
		key[10] = key[11] = 0xff;             /* ::ffff:0:0/96 */
		memcpy(key + 12, &s4->sin_addr, 4);
		memcpy(key + 16, &s4->sin_port, 2);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(*s6)) {
		s6 = (const struct sockaddr_in6 *)sa;
		memcpy(key, &s6->sin6_addr, 16);
		memcpy(key + 16, &s6->sin6_port, 2);
		if (!IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			memcpy(key + 18, &s6->sin6_scope_id, 4);
		return 0;
	}
	return -1;
}

/* FNV-1a over the key, from a random basis chosen at start-up. */
static size_t
bucket_of(const struct udp_peers *p, const unsigned char *key)
{
	uint32_t h = 2166136261u ^ p->seed;
	size_t i;

	for (i = 0; i < sizeof(((struct udp_peer *)0)->key); i++)
		h = (h ^ key[i]) * 16777619u;
	return h & (p->nbuckets - 1);
}

/* Double the table when it averages more than one peer a bucket; if memory
 * is short the table stays as it is (slower, still correct). */
static void
maybe_grow(struct udp_peers *p)
{
	struct udp_peer **old = p->buckets, *peer, *next;
	size_t i, n = p->nbuckets, b;

	if (p->count < n)
		return;
	if ((p->buckets = calloc(2 * n, sizeof(*p->buckets))) == NULL) {
		p->buckets = old;
		return;
	}
	p->nbuckets = 2 * n;
	for (i = 0; i < n; i++)
		for (peer = old[i]; peer != NULL; peer = next) {
			next = peer->hnext;
			b = bucket_of(p, peer->key);
			peer->hnext = p->buckets[b];
			p->buckets[b] = peer;
		}
	free(old);
}

/* ---------------------------------------------------------------------------
 * Public interface
 * ------------------------------------------------------------------------ */

int
udp_peers_init(struct udp_peers *p)
{
	memset(p, 0, sizeof(*p));
	p->buckets = calloc(UDP_PEERS_BUCKETS, sizeof(*p->buckets));
	if (p->buckets == NULL)
		return -1;
	p->nbuckets = UDP_PEERS_BUCKETS;
	if (getrandom(&p->seed, sizeof(p->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(p->seed))
		p->seed = (uint32_t)(uintptr_t)p;   /* still fine, less random */
	return 0;
}

void
udp_peers_free(struct udp_peers *p)
{
	struct udp_peer *peer, *next;
	size_t i;

	if (p->buckets == NULL)
		return;
	for (i = 0; i < p->nbuckets; i++)
		for (peer = p->buckets[i]; peer != NULL; peer = next) {
			next = peer->hnext;
			free(peer);
		}
	free(p->buckets);
	memset(p, 0, sizeof(*p));
}

struct udp_peer *
udp_peers_find(const struct udp_peers *p, const struct sockaddr *sa,
               socklen_t len)
{
	unsigned char key[sizeof(((struct udp_peer *)0)->key)];
	struct udp_peer *peer;

	if (make_key(sa, len, key) < 0)
		return NULL;
	for (peer = p->buckets[bucket_of(p, key)]; peer != NULL;
	     peer = peer->hnext)
		if (memcmp(peer->key, key, sizeof(key)) == 0)
			return peer;
	return NULL;
}

struct udp_peer *
udp_peers_add(struct udp_peers *p, const struct sockaddr *sa, socklen_t len)
{
	struct udp_peer *peer;
	size_t b;

	if ((peer = calloc(1, sizeof(*peer))) == NULL)
		return NULL;
	if (make_key(sa, len, peer->key) < 0 || len > sizeof(peer->addr)) {
		free(peer);
		return NULL;
	}
	memcpy(&peer->addr, sa, len);
	peer->addrlen = len;
	maybe_grow(p);
	b = bucket_of(p, peer->key);
	peer->hnext = p->buckets[b];
	p->buckets[b] = peer;
	p->count++;
	return peer;
}

void
udp_peers_remove(struct udp_peers *p, struct udp_peer *peer)
{
	struct udp_peer **pp = &p->buckets[bucket_of(p, peer->key)];

	while (*pp != NULL && *pp != peer)
		pp = &(*pp)->hnext;
	if (*pp != NULL)
		*pp = peer->hnext;
	p->count--;
	free(peer);
}
