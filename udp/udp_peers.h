/*
 * udp_peers.h — the UDP server's member registry. UDP has no connections, so
 * the server knows a member only by the address and port its datagrams come
 * from; this table maps that address to the member and remembers when it was
 * last heard, so that silent members can be expired. No sockets and no clock
 * here: the caller passes the time in milliseconds.
 *
 * Two expiry queues, each in order of last activity (oldest first):
 *   - nameless: addresses that have not chosen a valid nickname yet. They
 *     expire quickly, so datagrams from forged source addresses cannot keep
 *     memory or room places for long;
 *   - named: members of the chat, expired after the idle timeout.
 * Touching a peer moves it to the back of its queue: O(1), and the oldest
 * peer of each queue is always at its front.
 */
#ifndef REDCHAT_UDP_PEERS_H
#define REDCHAT_UDP_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/queue.h>
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
	uint64_t         last_ms;   /* last datagram heard */
	bool             named;     /* in the named queue */
	/* private to udp_peers.c */
	unsigned char    key[24];   /* address normalised to IPv6 + port */
	struct udp_peer *hnext;     /* same hash bucket */
	TAILQ_ENTRY(udp_peer) qlink; /* expiry queue */
};

struct udp_queue {
	TAILQ_HEAD(udp_peer_queue, udp_peer) peers; /* oldest first */
	uint64_t         timeout_ms;
};

struct udp_peers {
	struct udp_peer **buckets;
	size_t            nbuckets; /* a power of two */
	size_t            count;
	uint32_t          seed;     /* random hash basis: no chosen collisions */
	struct udp_queue  nameless, named;
};

/*
 * Start an empty registry: named peers expire after named_ms of silence,
 * nameless ones after nameless_ms. Returns 0, or -1 when out of memory.
 */
int udp_peers_init(struct udp_peers *p, uint64_t named_ms,
                   uint64_t nameless_ms);

/* Free every peer (their data stays the caller's) and the table. */
void udp_peers_free(struct udp_peers *p);

/*
 * The peer with this source address, or NULL. An IPv4 address and the same
 * address IPv4-mapped in IPv6 (::ffff:a.b.c.d) are the same peer.
 */
struct udp_peer *udp_peers_find(const struct udp_peers *p,
                                const struct sockaddr *sa, socklen_t len);

/*
 * Register a new, nameless peer heard at now_ms (the address must not be
 * registered yet: find first). Returns it, or NULL when out of memory or the
 * address is neither IPv4 nor IPv6.
 */
struct udp_peer *udp_peers_add(struct udp_peers *p, const struct sockaddr *sa,
                               socklen_t len, uint64_t now_ms);

/* The peer was heard at now_ms: move it to the back of its queue. */
void udp_peers_touch(struct udp_peers *p, struct udp_peer *peer,
                     uint64_t now_ms);

/* The peer chose a nickname: from now on it expires after named_ms. */
void udp_peers_set_named(struct udp_peers *p, struct udp_peer *peer);

/* Forget the peer and free it. */
void udp_peers_remove(struct udp_peers *p, struct udp_peer *peer);

/*
 * The peer that has been silent the longest among those whose time is up at
 * now_ms, or NULL. It stays registered: the caller tells the room, then
 * calls udp_peers_remove(), and asks again until NULL.
 */
struct udp_peer *udp_peers_expired(const struct udp_peers *p,
                                   uint64_t now_ms);

/* The oldest nameless peer (the first to give up its place), or NULL. */
struct udp_peer *udp_peers_oldest_nameless(const struct udp_peers *p);

/* When the next peer expires (milliseconds, same clock), or UINT64_MAX. */
uint64_t udp_peers_next_expiry(const struct udp_peers *p);

static inline size_t udp_peers_count(const struct udp_peers *p)
{
	return p->count;
}

#endif
