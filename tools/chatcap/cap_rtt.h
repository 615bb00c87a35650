/*
 * cap_rtt.h — estimating a TCP sender's round-trip time from the capture
 * as RFC 6298 (section 2) has the sender do it: each ACK that
 * acknowledges a segment sent only once is a sample (Karn's rule); SRTT
 * and RTTVAR smooth the samples and give the retransmission timeout RTO.
 * Kurose and Ross call SRTT "EstimatedRTT" and RTTVAR "DevRTT".
 */
#ifndef CAP_RTT_H
#define CAP_RTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAP_RTT_ROWS 32      /* samples kept per direction for --rtt */
#define CAP_RTO_MIN_US 1000000 /* RFC 6298 2.4: round RTO up to 1 s */

/* The estimator after one sample. */
struct cap_rtt_row {
	uint64_t frame;          /* the ACK that gave the sample */
	int64_t  sample_us, srtt_us, rttvar_us, rto_us;
	uint64_t acks_frame;     /* skipped: the segment it acknowledges */
	uint8_t  skipped;        /* 0 a sample; else why not (enum
	                          * cap_resent: Karn's rule) */
};

/* One sender's estimator. Zero it to initialise. */
struct cap_rtt {
	uint64_t samples, skipped;
	double   srtt, rttvar;   /* microseconds */
	struct cap_rtt_row last;
	struct cap_rtt_row *row; /* the first CAP_RTT_ROWS samples, or NULL */
	bool     keep_rows;      /* keep them (else only the last) */
	size_t   nrows;
};

/* Feed one sample (microseconds) from the ACK in frame; *out gets the
 * estimator after it. RTO = max(1 s, SRTT + 4 RTTVAR) (clock granularity
 * taken as 0). The rows are kept while memory allows. */
void cap_rtt_sample(struct cap_rtt *r, uint64_t frame, int64_t sample_us,
                    struct cap_rtt_row *out);

/* The ACK in frame acknowledges segment acks_frame, whose bytes were
 * sent more than once (why: enum cap_resent): no sample (Karn's rule);
 * a row saying so is kept with the samples. */
void cap_rtt_skip(struct cap_rtt *r, uint64_t frame, uint64_t acks_frame,
                  uint8_t why);

void cap_rtt_free(struct cap_rtt *r);

#endif
