/*
 * cap_conv.c — the conversation table: finding the TCP connection or UDP
 * flow a packet belongs to, UDP accounting, the run's counters and the
 * ladder's memory. The TCP state machine is in cap_tcpstate.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_conv.h"
#include "cap_tcpstate.h"

#define PROTO_TCP 6
#define PROTO_UDP 17
#define SLOTS_MIN 64

/* ---------------------------------------------------------------------------
 * Keys
 *
 * A conversation is named by its two endpoints whatever the direction, so
 * both directions find the same entry: the key puts the smaller endpoint
 * first.
 * ------------------------------------------------------------------------ */

static int
endpoint_cmp(const struct cap_endpoint *a, const struct cap_endpoint *b)
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

	if (endpoint_cmp(a, b) > 0) {
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
	return (endpoint_cmp(&c->end[0], a) == 0 &&
	        endpoint_cmp(&c->end[1], b) == 0) ||
	       (endpoint_cmp(&c->end[0], b) == 0 &&
	        endpoint_cmp(&c->end[1], a) == 0);
}

/* ---------------------------------------------------------------------------
 * The hash table: open addressing, linear probing, at most half full. A
 * slot holds the newest conversation of its key (a reused port pair starts
 * a new one; the old one stays in t->all for the summary).
 * ------------------------------------------------------------------------ */

static size_t
slot_find(const struct cap_table *t, uint8_t proto,
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
		j = slot_find(t, old[i]->proto, &old[i]->end[0], &old[i]->end[1]);
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
	t->all[t->nall++] = c;
	if (t->slot[slot] == NULL)
		t->nused++;
	t->slot[slot] = c;
	if (t->nused * 2 > t->nslot && slots_grow(t) < 0)
		return NULL;
	return c;
}

static void
conv_free(struct cap_conv *c)
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
	free(c->steps);
	free(c->follow);
	free(c);
}

/* ---------------------------------------------------------------------------
 * UDP: a flow is two endpoints, both directions together. There is no state
 * to follow: every datagram stands alone.
 * ------------------------------------------------------------------------ */

static void
udp_track(struct cap_table *t, struct cap_conv *c, int dir,
          const struct cap_packet *p, struct cap_event *ev)
{
	ev->what = CAP_EV_DATAGRAM;
	t->st.udp.datagrams++;
	t->st.udp.payload_bytes += p->payload_len;
	t->st.udp.ip_bytes += p->ip_len;
	if (p->payload_len == 0)
		return;
	if (p->payload_caplen < p->payload_len) {
		t->st.udp.messages++;
		return;
	}
	cap_chat_datagram(&c->dir[dir].chat, dir == 0, p->payload,
	                  p->payload_len, &ev->chat);
	t->st.udp.messages += ev->chat.total;
}

/* ---------------------------------------------------------------------------
 * Public
 * ------------------------------------------------------------------------ */

int
cap_table_init(struct cap_table *t, uint16_t tcp_port, uint16_t udp_port,
               bool keep_steps)
{
	memset(t, 0, sizeof(*t));
	t->keep_rtt = true;
	t->tcp_port = tcp_port;
	t->udp_port = udp_port;
	t->keep_steps = keep_steps;
	t->st.first_us = t->st.last_us = -1;
	t->nslot = SLOTS_MIN;
	t->slot = calloc(t->nslot, sizeof(*t->slot));
	return t->slot == NULL ? -1 : 0;
}

void
cap_table_free(struct cap_table *t)
{
	size_t i;

	for (i = 0; i < t->nall; i++)
		conv_free(t->all[i]);
	free(t->all);
	free(t->slot);
	cap_frag_free(&t->frags);
	memset(t, 0, sizeof(*t));
}

/* Which conversation, and which direction; a new one when none fits. */
static struct cap_conv *
conv_for(struct cap_table *t, const struct cap_packet *p, int *dir)
{
	struct cap_endpoint src, dst;
	struct cap_conv *c;
	uint16_t port = p->proto == PROTO_TCP ? t->tcp_port : t->udp_port;
	bool src_client;
	size_t i;

	packet_endpoints(p, &src, &dst);
	i = slot_find(t, p->proto, &src, &dst);
	c = t->slot[i];
	if (c != NULL && p->proto == PROTO_TCP && cap_tcp_starts_anew(c, p))
		c = NULL;
	if (c != NULL) {
		*dir = endpoint_cmp(&c->end[0], &src) == 0 ? 0 : 1;
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

/* Tally a TCP/UDP packet on other ports under its lower port. */
static void
tally_other(struct cap_stats *st, const struct cap_packet *p)
{
	uint16_t port = p->sport < p->dport ? p->sport : p->dport;
	size_t i;

	for (i = 0; i < st->nother_ports; i++)
		if (st->other_port[i].proto == p->proto &&
		    st->other_port[i].port == port) {
			st->other_port[i].packets++;
			return;
		}
	if (st->nother_ports < CAP_OTHER_PORTS)
		st->other_port[st->nother_ports++] =
			(struct cap_port_tally){ p->proto, port, 1 };
}

/* An ICMP error quoting a chat packet: linked to the conversation of the
 * packet it answers (which may not have been captured), counted. */
static int
icmp_error(struct cap_table *t, const struct cap_packet *p,
           struct cap_event *ev)
{
	struct cap_endpoint src, dst;
	uint16_t port = p->q_proto == PROTO_TCP ? t->tcp_port : t->udp_port;
	struct cap_conv *c;

	if (p->q_sport != port && p->q_dport != port) {
		t->st.other++;
		ev->what = CAP_EV_OTHER;
		return 0;
	}
	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	src.family = dst.family = p->q_family;
	memcpy(src.addr, p->q_src, p->q_family == 4 ? 4 : 16);
	memcpy(dst.addr, p->q_dst, p->q_family == 4 ? 4 : 16);
	src.port = p->q_sport;
	dst.port = p->q_dport;
	c = t->slot[slot_find(t, p->q_proto, &src, &dst)];
	t->st.icmp_errors++;
	ev->what = CAP_EV_ICMP;
	ev->icmp_conv = c;
	if (c != NULL) {
		c->icmp_errors++;
		ev->dir = endpoint_cmp(&c->end[0], &src) == 0 ? 0 : 1;
	}
	return 0;
}

int
cap_table_packet(struct cap_table *t, enum cap_result r,
                 const struct cap_packet *p, int64_t t_us,
                 struct cap_event *ev)
{
	struct cap_conv *c;
	uint16_t port;
	int dir;

	memset(ev, 0, offsetof(struct cap_event, chat));
	cap_chat_clear(&ev->chat);
	ev->rtt_us = -1;
	ev->ana.ack_rtt_us = -1;
	t->st.packets++;
	ev->frame = t->st.packets;
	if (t->st.first_us < 0)
		t->st.first_us = t_us;
	t->st.last_us = t_us;

	if (r == CAP_OK && p->frags > 0)
		t->st.fragments++;            /* the piece that completed one */
	if (r == CAP_OK && p->icmp_quote)
		return icmp_error(t, p, ev);
	if (r == CAP_OK) {
		port = p->proto == PROTO_TCP ? t->tcp_port : t->udp_port;
		if (p->sport != port && p->dport != port) {
			r = CAP_OTHER;
			tally_other(&t->st, p);
		}
	}
	switch (r) {
	case CAP_TRUNCATED:
		t->st.truncated++;
		ev->what = CAP_EV_TRUNCATED;
		return 0;
	case CAP_INVALID:
		t->st.invalid++;
		ev->what = CAP_EV_INVALID;
		return 0;
	case CAP_OTHER:
		t->st.other++;
		ev->what = CAP_EV_OTHER;
		return 0;
	case CAP_FRAGMENT:
		t->st.fragments++;
		ev->what = CAP_EV_FRAGMENT;
		ev->frag_seen = cap_frag_seen(&t->frags, p);
		return 0;
	case CAP_OK:
		break;
	}

	if ((c = conv_for(t, p, &dir)) == NULL)
		return -1;
	if (c->packets == 0) {
		c->first_us = t_us;
		if (p->proto == PROTO_TCP)
			t->st.tcp.connections++;
		else
			t->st.udp.flows++;
	}
	c->last_us = t_us;
	c->packets++;
	c->payload_bytes += p->payload_len;
	c->ip_bytes += p->ip_len;
	c->dir[dir].packets++;
	c->dir[dir].payload_bytes += p->payload_len;
	ev->conv = c;
	ev->dir = dir;
	if (p->hdr_cut != NULL)
		t->st.header_cut++;
	if (p->payload_caplen < p->payload_len) {
		ev->payload_cut = true;
		t->st.payload_cut++;
	}
	if (p->proto == PROTO_TCP)
		cap_tcp_track(&t->st, c, dir, p, t_us, ev);
	else
		udp_track(t, c, dir, p, ev);
	if (t->keep_steps)
		cap_steps_remember(t, p, ev, t_us);
	if (t->keep_follow)
		cap_follow_remember(c, ev);
	return 0;
}

void
cap_table_finish(struct cap_table *t)
{
	static struct cap_chat scratch;    /* big: kept off the stack */
	size_t i;
	int d;

	for (i = 0; i < t->nall; i++) {
		struct cap_conv *c = t->all[i];

		if (c->proto != PROTO_TCP)
			continue;
		for (d = 0; d < 2; d++) {
			cap_chat_clear(&scratch);
			cap_chat_silence(&c->dir[d].chat, d == 0, c->syn_seen,
			                 INT64_MAX, &scratch);
			t->st.tcp.messages += scratch.total;
		}
	}
}

