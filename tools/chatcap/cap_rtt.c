/*
 * cap_rtt.c — RFC 6298's estimator (see cap_rtt.h):
 *
 *   first sample R:   SRTT = R, RTTVAR = R/2
 *   then, with R':    RTTVAR = (1 - 1/4) RTTVAR + 1/4 |SRTT - R'|
 *                     SRTT   = (1 - 1/8) SRTT   + 1/8 R'
 *   always:           RTO = SRTT + max(G, 4 RTTVAR), at least 1 s
 *
 * G (the sender's clock granularity) is unknown from a capture: taken as 0.
 */
#include <stdlib.h>

#include "cap_rtt.h"

#define ALPHA 0.125
#define BETA  0.25

static int64_t
us(double v)
{
	return (int64_t)(v + 0.5);
}

/* Keep a row for --rtt while memory and CAP_RTT_ROWS allow. */
static void
keep_row(struct cap_rtt *r, const struct cap_rtt_row *row)
{
	if (r->keep_rows && r->row == NULL && r->nrows == 0)
		r->row = malloc(CAP_RTT_ROWS * sizeof(*r->row));
	if (r->row != NULL && r->nrows < CAP_RTT_ROWS)
		r->row[r->nrows++] = *row;
}

void
cap_rtt_sample(struct cap_rtt *r, uint64_t frame, int64_t sample_us,
               struct cap_rtt_row *out)
{
	double R = (double)sample_us, rto, err;

	if (r->samples == 0) {
		r->srtt = R;
		r->rttvar = R / 2;
	} else {
		err = r->srtt > R ? r->srtt - R : R - r->srtt;
		r->rttvar = (1 - BETA) * r->rttvar + BETA * err;
		r->srtt = (1 - ALPHA) * r->srtt + ALPHA * R;
	}
	r->samples++;
	rto = r->srtt + 4 * r->rttvar;
	if (rto < CAP_RTO_MIN_US)
		rto = CAP_RTO_MIN_US;
	r->last = (struct cap_rtt_row){ frame, sample_us, us(r->srtt),
	                                us(r->rttvar), us(rto), 0, 0 };
	keep_row(r, &r->last);
	*out = r->last;
}

void
cap_rtt_skip(struct cap_rtt *r, uint64_t frame, uint64_t acks_frame,
             uint8_t why)
{
	struct cap_rtt_row row = { .frame = frame, .acks_frame = acks_frame,
	                           .skipped = why };

	r->skipped++;
	keep_row(r, &row);
}

void
cap_rtt_free(struct cap_rtt *r)
{
	free(r->row);
	r->row = NULL;
	r->nrows = 0;
}
