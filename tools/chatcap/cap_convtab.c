/*
 * cap_convtab.c — where the conversations of cap_conv.c are kept: their
 * keys (both directions of a conversation alike), the hash table that
 * finds a packet's conversation, and making and freeing one.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cap_conv.h"
#include "cap_convtab.h"
#include "cap_tcpstate.h"

#define PROTO_TCP 6
#define BLOCK_FIRST 8     /* conversations in the first block */
#define BLOCK_MAX   4096  /* and at most in any later one */

/* Conversations are never freed one by one before the end of a run, so
 * they are carved out of blocks, each twice the last up to BLOCK_MAX (a few
 * MB). A block is mapped with its pages put in at once, as huge pages where
 * the kernel has them: a capture of many short connections made every new
 * conversation pay the allocator's large-request path and the faults of
 * its first stores, which were most of the cost of starting one. */
struct cap_conv_block {
	struct cap_conv_block *next;  /* the block before */
	size_t                 used, cap, bytes;
	struct cap_conv        conv[];
};

/* ---------------------------------------------------------------------------
 * Keys
 *
 * A conversation is named by its two endpoints whatever the direction, so
 * both directions find the same entry: the hash and the match take the
 * two endpoints in either order.
 * ------------------------------------------------------------------------ */

int
cap_endpoint_cmp(const struct cap_endpoint *a, const struct cap_endpoint *b)
{
	int r = memcmp(a->addr, b->addr, sizeof(a->addr));

	if (r != 0)
		return r;
	return (int)a->port - (int)b->port;
}

static void
packet_endpoints(const struct cap_packet *p, struct cap_endpoint *src,
                 struct cap_endpoint *dst)
{
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->family = dst->family = p->family;
	memcpy(src->addr, p->src, p->family == 4 ? 4 : 16);
	memcpy(dst->addr, p->dst, p->family == 4 ? 4 : 16);
	src->port = p->sport;
	dst->port = p->dport;
}

/* A hash of the protocol and both endpoints, the same in either order:
 * each endpoint's address words and port mixed 64 bits at a time
 * (multiply and xor-shift, as in splitmix64), the two combined by sum and
 * xor, which need no comparison to put them in order. */
static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

static uint64_t
endpoint_hash(const struct cap_endpoint *e)
{
	uint64_t w[2];

	memcpy(w, e->addr, sizeof(w));
	return mix(mix(e->port, w[0]), w[1]);
}

static size_t
key_hash(uint8_t proto, const struct cap_endpoint *a,
         const struct cap_endpoint *b)
{
	uint64_t ha = endpoint_hash(a), hb = endpoint_hash(b);
	uint64_t h = mix(mix(proto, ha + hb), ha ^ hb);

	return (size_t)(h ^ (h >> 29));
}

/* The same endpoint (of the same family: the caller checks)? */
static bool
endpoint_eq(const struct cap_endpoint *a, const struct cap_endpoint *b)
{
	return a->port == b->port &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

static bool
conv_matches(const struct cap_conv *c, uint8_t proto,
             const struct cap_endpoint *a, const struct cap_endpoint *b)
{
	if (c->proto != proto || c->end[0].family != a->family)
		return false;
	return (endpoint_eq(&c->end[0], a) && endpoint_eq(&c->end[1], b)) ||
	       (endpoint_eq(&c->end[0], b) && endpoint_eq(&c->end[1], a));
}

/* ---------------------------------------------------------------------------
 * The hash table: open addressing, linear probing, at most half full. A
 * slot holds the newest conversation of its key (a reused port pair starts
 * a new one; the old one stays in t->all for the summary).
 * ------------------------------------------------------------------------ */

size_t
cap_slot_find(const struct cap_table *t, uint8_t proto,
          const struct cap_endpoint *a, const struct cap_endpoint *b)
{
	size_t i = key_hash(proto, a, b) & (t->nslot - 1);

	while (t->slot[i] != NULL && !conv_matches(t->slot[i], proto, a, b))
		i = (i + 1) & (t->nslot - 1);
	return i;
}

static int
slots_grow(struct cap_table *t)
{
	struct cap_conv **old = t->slot;
	size_t n = t->nslot, i, j;

	t->slot = calloc(n * 2, sizeof(*t->slot));
	if (t->slot == NULL) {
		t->slot = old;
		return -1;
	}
	t->nslot = n * 2;
	for (i = 0; i < n; i++) {
		if (old[i] == NULL)
			continue;
		j = cap_slot_find(t, old[i]->proto, &old[i]->end[0], &old[i]->end[1]);
		t->slot[j] = old[i];
	}
	free(old);
	return 0;
}

/* A zeroed conversation from t's newest block (a new block when it is
 * full), or NULL out of memory. */
static struct cap_conv *
conv_alloc(struct cap_table *t)
{
	struct cap_conv_block *b = t->blocks;
	size_t n, bytes;
	void *m;

	if (b == NULL || b->used == b->cap) {
		n = b == NULL ? BLOCK_FIRST
		  : b->cap * 2 > BLOCK_MAX ? BLOCK_MAX : b->cap * 2;
		bytes = sizeof(*b) + n * sizeof(b->conv[0]);
		m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
#ifdef MADV_HUGEPAGE
		(void)madvise(m, bytes, MADV_HUGEPAGE);    /* a hint only */
#endif
#ifdef MADV_POPULATE_WRITE
		(void)madvise(m, bytes, MADV_POPULATE_WRITE); /* Linux >= 5.14 */
#endif
		b = m;
		b->cap = n;
		b->bytes = bytes;
		b->next = t->blocks;
		t->blocks = b;
	}
	return &b->conv[b->used++];
}

void
cap_conv_blocks_free(struct cap_table *t)
{
	struct cap_conv_block *b;

	while ((b = t->blocks) != NULL) {
		t->blocks = b->next;
		munmap(b, b->bytes);
	}
}

/* The newest conversation of the key (proto, a, b) if it is one of the
 * last CAP_RECENT found: packets come in runs of a few conversations, and
 * these are in the cache, where the hash table's slots mostly are not. */
static struct cap_conv *
recent_find(const struct cap_table *t, uint8_t proto,
            const struct cap_endpoint *a, const struct cap_endpoint *b)
{
	size_t k;

	for (k = 0; k < CAP_RECENT; k++)
		if (t->recent[k] != NULL && conv_matches(t->recent[k], proto, a, b))
			return t->recent[k];
	return NULL;
}

static void
recent_put(struct cap_table *t, struct cap_conv *c)
{
	if (c == NULL)
		return;
	t->recent[t->recent_next] = c;
	t->recent_next = (t->recent_next + 1) % CAP_RECENT;
}

/* Start a conversation in which src speaks first as client (or as server
 * when src_is_client is false) and make it the key's newest. */
static struct cap_conv *
conv_new(struct cap_table *t, uint8_t proto, const struct cap_endpoint *src,
         const struct cap_endpoint *dst, bool src_is_client, size_t slot)
{
	struct cap_conv *c, **all;

	if (t->nall == t->all_cap) {
		all = realloc(t->all, (t->all_cap * 2 + 16) * sizeof(*all));
		if (all == NULL)
			return NULL;
		t->all = all;
		t->all_cap = t->all_cap * 2 + 16;
	}
	if ((c = conv_alloc(t)) == NULL)
		return NULL;
	c->proto = proto;
	c->end[0] = src_is_client ? *src : *dst;
	c->end[1] = src_is_client ? *dst : *src;
	cap_endpoint_format(&c->end[0], c->name[0]);
	cap_endpoint_format(&c->end[1], c->name[1]);
	c->id = proto == PROTO_TCP ? ++t->tcp_ids : ++t->udp_ids;
	c->syn_to_synack_us = c->syn_to_ack_us = -1;
	c->dir[0].wscale = c->dir[1].wscale = -1;
	cap_ana_dir_init(&c->dir[0].ana);
	cap_ana_dir_init(&c->dir[1].ana);
	c->dir[0].rtt.keep_rows = c->dir[1].rtt.keep_rows = t->keep_rtt;
	c->follow_on = t->keep_follow;
	t->all[t->nall++] = c;
	memset(t->recent, 0, sizeof(t->recent)); /* one may be of this key */
	if (t->slot[slot] == NULL)
		t->nused++;
	t->slot[slot] = c;
	if (t->nused * 2 > t->nslot && slots_grow(t) < 0)
		return NULL;
	return c;
}

void
cap_conv_free(struct cap_conv *c)
{
	cap_chat_dir_free(&c->dir[0].chat);
	cap_chat_dir_free(&c->dir[1].chat);
	cap_ana_dir_free(&c->dir[0].ana);
	cap_ana_dir_free(&c->dir[1].ana);
	cap_rtt_free(&c->dir[0].rtt);
	cap_rtt_free(&c->dir[1].rtt);
	if (c->dir[0].reasm != NULL)
		cap_reasm_free(c->dir[0].reasm);
	if (c->dir[1].reasm != NULL)
		cap_reasm_free(c->dir[1].reasm);
	free(c->dir[0].reasm);
	free(c->dir[1].reasm);
	while (c->nsteps > 0)
		free(c->steps[--c->nsteps].lines);
	free(c->steps);
	cap_follow_free(&c->follow);
}

/* Which conversation, and which direction; a new one when none fits. */
struct cap_conv *
cap_conv_for(struct cap_table *t, const struct cap_packet *p, int *dir)
{
	struct cap_endpoint src, dst;
	struct cap_conv *c;
	uint16_t port = p->proto == PROTO_TCP ? t->tcp_port : t->udp_port;
	bool src_client;
	size_t i;

	packet_endpoints(p, &src, &dst);
	c = recent_find(t, p->proto, &src, &dst);
	if (c == NULL) {
		c = t->slot[cap_slot_find(t, p->proto, &src, &dst)];
		recent_put(t, c);
	}
	if (c != NULL && p->proto == PROTO_TCP && cap_tcp_starts_anew(c, p))
		c = NULL;
	if (c != NULL) {
		*dir = endpoint_eq(&c->end[0], &src) ? 0 : 1;
		return c;
	}
	/* The client is who sent the SYN; failing that, the side away from
	 * the chat port; failing that, whoever spoke first. */
	if (p->proto == PROTO_TCP && (p->flags & CAP_SYN))
		src_client = !(p->flags & CAP_ACK);
	else
		src_client = p->sport != port || p->dport == port;
	*dir = src_client ? 0 : 1;
	i = cap_slot_find(t, p->proto, &src, &dst);
	return conv_new(t, p->proto, &src, &dst, src_client, i);
}
