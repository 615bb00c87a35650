/*
 * cap_convtab.c — where the conversations of cap_conv.c are kept: their
 * keys (both directions of a conversation alike), the hash table that
 * finds a packet's conversation, and making and freeing one.
 */
#include <stdlib.h>
#include <string.h>

#include "cap_conv.h"
#include "cap_convtab.h"
#include "cap_tcpstate.h"

#define PROTO_TCP 6

/* ---------------------------------------------------------------------------
 * Keys
 *
 * A conversation is named by its two endpoints whatever the direction, so
 * both directions find the same entry: the key puts the smaller endpoint
 * first.
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

/* A hash of the protocol and both endpoints in key order: the address
 * words and ports mixed 64 bits at a time (multiply and xor-shift, as in
 * splitmix64), which is several times faster than hashing byte by byte. */
static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

static size_t
key_hash(uint8_t proto, const struct cap_endpoint *a,
         const struct cap_endpoint *b)
{
	const struct cap_endpoint *e[2] = { a, b };
	uint64_t h = proto, w[2];
	size_t k;

	if (cap_endpoint_cmp(a, b) > 0) {
		e[0] = b;
		e[1] = a;
	}
	for (k = 0; k < 2; k++) {
		memcpy(w, e[k]->addr, sizeof(w));
		h = mix(h, w[0]);
		h = mix(h, w[1]);
		h = mix(h, e[k]->port);
	}
	return (size_t)(h ^ (h >> 29));
}

static bool
conv_matches(const struct cap_conv *c, uint8_t proto,
             const struct cap_endpoint *a, const struct cap_endpoint *b)
{
	if (c->proto != proto || c->end[0].family != a->family)
		return false;
	return (cap_endpoint_cmp(&c->end[0], a) == 0 &&
	        cap_endpoint_cmp(&c->end[1], b) == 0) ||
	       (cap_endpoint_cmp(&c->end[0], b) == 0 &&
	        cap_endpoint_cmp(&c->end[1], a) == 0);
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
	if ((c = calloc(1, sizeof(*c))) == NULL)
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
	free(c);
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
	i = cap_slot_find(t, p->proto, &src, &dst);
	c = t->slot[i];
	if (c != NULL && p->proto == PROTO_TCP && cap_tcp_starts_anew(c, p))
		c = NULL;
	if (c != NULL) {
		*dir = cap_endpoint_cmp(&c->end[0], &src) == 0 ? 0 : 1;
		return c;
	}
	/* The client is who sent the SYN; failing that, the side away from
	 * the chat port; failing that, whoever spoke first. */
	if (p->proto == PROTO_TCP && (p->flags & CAP_SYN))
		src_client = !(p->flags & CAP_ACK);
	else
		src_client = p->sport != port || p->dport == port;
	*dir = src_client ? 0 : 1;
	return conv_new(t, p->proto, &src, &dst, src_client, i);
}
