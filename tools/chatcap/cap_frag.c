/*
 * cap_frag.c — IP reassembly (cap_frag.h). A datagram waiting for its
 * pieces keeps their bytes in one buffer and which 8-byte blocks arrived
 * in a bitmap (offsets are multiples of 8; only the last piece may end
 * elsewhere). It is complete when the last piece (no "more fragments")
 * has come and every block before its end is there.
 */
#include <stdlib.h>
#include <string.h>

#include "cap_decode.h"
#include "cap_frag.h"

#define BLOCKS (CAP_FRAG_MAX_BYTES / 8 + 1)

struct cap_frag_dgram {
	int      family;
	uint8_t  src[16], dst[16], proto;
	uint32_t id;
	int64_t  first_us;
	size_t   total;             /* payload length, once the last came */
	bool     total_known;
	unsigned pieces;
	size_t   hdr_len;           /* the first piece's IP header length */
	uint8_t  have[BLOCKS / 8 + 1];
	uint8_t  data[CAP_FRAG_MAX_BYTES];
};

static bool
same(const struct cap_frag_dgram *d, const struct cap_packet *p)
{
	return d->family == p->family && d->id == p->frag_id &&
	       d->proto == p->proto &&
	       memcmp(d->src, p->src, 16) == 0 && memcmp(d->dst, p->dst, 16) == 0;
}

static void
drop(struct cap_frag_table *ft, size_t i)
{
	free(ft->d[i]);
	ft->d[i] = ft->d[--ft->n];
}

/* Forget datagrams older than the timeout, as the receiver would. */
static void
expire(struct cap_frag_table *ft, int64_t t_us)
{
	size_t i = 0;

	while (i < ft->n) {
		if (t_us - ft->d[i]->first_us > CAP_FRAG_TIMEOUT_US) {
			drop(ft, i);
			ft->expired++;
		} else {
			i++;
		}
	}
}

static struct cap_frag_dgram *
find_or_add(struct cap_frag_table *ft, const struct cap_packet *p,
            int64_t t_us)
{
	struct cap_frag_dgram *d;
	size_t i, oldest = 0;

	for (i = 0; i < ft->n; i++)
		if (same(ft->d[i], p))
			return ft->d[i];
	if (ft->n == CAP_FRAG_DGRAMS) {            /* the oldest gives way */
		for (i = 1; i < ft->n; i++)
			if (ft->d[i]->first_us < ft->d[oldest]->first_us)
				oldest = i;
		drop(ft, oldest);
		ft->expired++;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->family = p->family;
	memcpy(d->src, p->src, 16);
	memcpy(d->dst, p->dst, 16);
	d->proto = p->proto;
	d->id = p->frag_id;
	d->first_us = t_us;
	ft->d[ft->n++] = d;
	return d;
}

static bool
complete(const struct cap_frag_dgram *d)
{
	size_t b;

	if (!d->total_known)
		return false;
	for (b = 0; b * 8 < d->total; b++)
		if (!(d->have[b / 8] & (1u << (b % 8))))
			return false;
	return true;
}

unsigned
cap_frag_seen(const struct cap_frag_table *ft, const struct cap_packet *p)
{
	size_t i;

	for (i = 0; i < ft->n; i++)
		if (same(ft->d[i], p))
			return ft->d[i]->pieces;
	return 0;
}

enum cap_result
cap_frag_packet(struct cap_frag_table *ft, enum cap_result r,
                struct cap_packet *p, int64_t t_us)
{
	struct cap_frag_dgram *d;
	size_t off = p->frag_off, len = p->payload_len, b, i;

	if (r != CAP_FRAGMENT)
		return r;
	expire(ft, t_us);
	if (p->payload_caplen < len) {
		p->why = "IP fragment cut by the snapshot length";
		return CAP_FRAGMENT;
	}
	if (off + len > CAP_FRAG_MAX_BYTES || (p->frag_more && len % 8 != 0)) {
		p->why = "IP fragment offset or length";
		return CAP_FRAGMENT;
	}
	if ((d = find_or_add(ft, p, t_us)) == NULL)
		return CAP_FRAGMENT;
	memcpy(d->data + off, p->payload, len);
	for (b = off / 8; b * 8 < off + len; b++)
		d->have[b / 8] |= (uint8_t)(1u << (b % 8));
	if (!p->frag_more) {
		d->total = off + len;
		d->total_known = true;
	}
	if (off == 0)
		d->hdr_len = p->ip_hdr_len;
	d->pieces++;
	if (!complete(d))
		return CAP_FRAGMENT;

	/* Whole: keep its bytes (until the next call) and decode it. */
	for (i = 0; i < ft->n && ft->d[i] != d; i++)
		;
	ft->d[i] = ft->d[--ft->n];
	free(ft->done);
	ft->done = (uint8_t *)d;            /* data[] is inside it */
	p->frags = d->pieces;
	if (d->hdr_len != 0)
		p->ip_hdr_len = d->hdr_len;
	return cap_decode_l4(p, d->data, d->total);
}

void
cap_frag_free(struct cap_frag_table *ft)
{
	while (ft->n > 0)
		drop(ft, ft->n - 1);
	free(ft->done);
	ft->done = NULL;
}
