/*
 * cap_summary.h — the end-of-run comparison of TCP and UDP, side by side,
 * with one line per TCP connection and UDP flow.
 */
#ifndef CAP_SUMMARY_H
#define CAP_SUMMARY_H

#include "cap_out.h"

void cap_summary_print(const struct cap_out *o, const struct cap_table *t);

/* --rtt: for each TCP sender, its RTT samples and the RFC 6298 estimator
 * after each (SRTT, RTTVAR, RTO). */
void cap_summary_rtt(const struct cap_out *o, const struct cap_table *t);

#endif
