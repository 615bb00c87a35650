/*
 * cap_tcp.c — the TCP header decoder with the options a lesson shows. What
 * a segment means for its connection is cap_conv.c's business.
 */
#include "cap_l4.h"

/* Option kinds (RFC 9293 3.2, RFC 7323, RFC 2018). */
#define OPT_EOL       0
#define OPT_NOP       1
#define OPT_MSS       2
#define OPT_WSCALE    3
#define OPT_SACK_OK   4
#define OPT_SACK      5
#define OPT_TIMESTAMP 8

/* ---------------------------------------------------------------------------
 * TCP header (RFC 9293, 3.1)
 *
 *    0                   16                                    31
 *   +---------------------+--------------------------------------+
 *   |     source port     |           destination port           |
 *   +---------------------+--------------------------------------+
 *   |                     sequence number                        |
 *   |                  acknowledgment number                     |
 *   +------+------+-------+--------------------------------------+
 *   | doff | rsvd | flags |               window                 |
 *   +------+------+-------+--------------------------------------+
 *   |      checksum       |            urgent pointer            |
 *   +---------------------+--------------------------------------+
 *   |          options (doff * 4 - 20 bytes)   |  payload ...    |
 *
 * Options are kind, length, value; kinds 0 (end) and 1 (no-op) are one
 * byte alone. A length that runs past the options marks them "bad".
 * ------------------------------------------------------------------------ */

/* Read the options in o[0..len): every read is checked against len. */
static void
parse_options(struct cap_cursor *o, struct cap_tcp_opts *opt)
{
	uint8_t kind, len;
	size_t start;

	while (cap_cur_left(o) > 0) {
		kind = cap_cur_u8(o);
		if (kind == OPT_EOL)
			return;
		if (kind == OPT_NOP)
			continue;
		start = o->off - 1;
		len = cap_cur_u8(o);
		if (o->short_read || len < 2 || (size_t)len - 2 > cap_cur_left(o)) {
			opt->bad = true;
			return;
		}
		if (kind == OPT_MSS && len == 4) {
			opt->has_mss = true;
			opt->mss = cap_cur_be16(o);
		} else if (kind == OPT_WSCALE && len == 3) {
			opt->has_wscale = true;
			opt->wscale = cap_cur_u8(o);
		} else if (kind == OPT_SACK_OK && len == 2) {
			opt->sack_ok = true;
		} else if (kind == OPT_SACK && (len - 2) % 8 == 0 && len > 2) {
			opt->has_sack = true;
			opt->sack_left = cap_cur_be32(o);
			opt->sack_right = cap_cur_be32(o);
			if ((opt->has_sack2 = len >= 18)) {
				opt->sack2_left = cap_cur_be32(o);
				opt->sack2_right = cap_cur_be32(o);
			}
		} else if (kind == OPT_TIMESTAMP && len == 10) {
			opt->has_ts = true;
			opt->ts_val = cap_cur_be32(o);
			opt->ts_ecr = cap_cur_be32(o);
		} else if (kind == OPT_MSS || kind == OPT_WSCALE ||
		           kind == OPT_SACK_OK || kind == OPT_SACK ||
		           kind == OPT_TIMESTAMP) {
			opt->bad = true;    /* a known kind with a wrong length */
		}
		o->off = start + len;
	}
}

enum cap_result
cap_tcp_decode(struct cap_cursor *c, struct cap_packet *p)
{
	size_t start = c->off, seglen = p->ip_len - p->ip_hdr_len, hl, opt_len;
	struct cap_cursor o;

	p->sport = cap_cur_be16(c);
	p->dport = cap_cur_be16(c);
	p->seq = cap_cur_be32(c);
	p->ack = cap_cur_be32(c);
	hl = (size_t)(cap_cur_u8(c) >> 4) * 4;
	p->flags = cap_cur_u8(c);
	p->win = cap_cur_be16(c);
	cap_cur_skip(c, 4);
	if (seglen < CAP_TCP_HDR_MIN) {
		p->why = "TCP header length";
		return CAP_INVALID;
	}
	if (c->short_read) {
		p->why = "TCP header";
		return start + CAP_TCP_HDR_MIN > c->wire ? CAP_INVALID
		                                         : CAP_TRUNCATED;
	}
	if (hl < CAP_TCP_HDR_MIN || hl > seglen) {
		p->why = "TCP data offset";
		return CAP_INVALID;
	}
	/* Truncated is not invalid: with the fixed header whole, the flags,
	 * numbers and window are known; the options are read as far as they
	 * were captured and the segment is said to be cut there. */
	opt_len = hl - CAP_TCP_HDR_MIN;
	if (!cap_cur_need(c, opt_len)) {
		c->short_read = false;
		opt_len = cap_cur_left(c);
		p->hdr_cut = "TCP options";
	}
	cap_cur_init(&o, c->p + c->off, opt_len, opt_len);
	parse_options(&o, &p->opt);
	if (p->hdr_cut != NULL)
		p->opt.bad = false;     /* running past the cut is not an error */
	cap_cur_skip(c, hl - CAP_TCP_HDR_MIN);
	p->l4_hdr_len = hl;
	cap_l4_payload(c, p, seglen - hl);
	return CAP_OK;
}
