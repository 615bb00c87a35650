/*
 * udp_peers.h — the UDP server's address table. UDP has no connections, so
 * the server knows a member only by the address and port its datagrams come
 * from; this table maps that address to the member. How long a member may
 * stay silent, or without a nickname, is the room's to decide (room_tick):
 * the same rules as over TCP. No sockets and no clock here.
 */
#ifndef REDCHAT_UDP_PEERS_H
#define REDCHAT_UDP_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* A source address as recvfrom() gave it, and as sendto() wants it back. */
union udp_addr {
	struct sockaddr     sa;
	struct sockaddr_in  in;
	struct sockaddr_in6 in6;
};

struct udp_peer {
	union udp_addr   addr;      /* where to send this member's datagrams */
	socklen_t        addrlen;
	void            *data;      /* the caller's (the room member) */
	/* private to udp_peers.c */
	unsigned char    key[24];   /* address normalised to IPv6 + port */
	struct udp_peer *hnext;     /* same hash bucket */
};

struct udp_peers {
	struct udp_peer **buckets;
	size_t            nbuckets; /* a power of two */
	size_t            count;
	uint32_t          seed;     /* random hash basis: no chosen collisions */
};

/* Start an empty table. Returns 0, or -1 when out of memory. */
int udp_peers_init(struct udp_peers *p);

/* Free every peer (their data stays the caller's) and the table. */
void udp_peers_free(struct udp_peers *p);

/*
 * The peer with this source address, or NULL. An IPv4 address and the same
 * address IPv4-mapped in IPv6 (::ffff:a.b.c.d) are the same peer.
 */
struct udp_peer *udp_peers_find(const struct udp_peers *p,
                                const struct sockaddr *sa, socklen_t len);

/*
 * Register a new peer (the address must not be registered yet: find
 * first). Returns it, or NULL when out of memory or the address is neither
 * IPv4 nor IPv6.
 */
struct udp_peer *udp_peers_add(struct udp_peers *p, const struct sockaddr *sa,
                               socklen_t len);

/* Forget the peer and free it. */
void udp_peers_remove(struct udp_peers *p, struct udp_peer *peer);

static inline size_t udp_peers_count(const struct udp_peers *p)
{
	return p->count;
}

#endif
