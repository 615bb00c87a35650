/*
 * cap_summary.h — the end-of-run comparison of TCP and UDP, side by side,
 * with one line per TCP connection and UDP flow.
 */
#ifndef CAP_SUMMARY_H
#define CAP_SUMMARY_H

#include "cap_out.h"

void cap_summary_print(const struct cap_out *o, const struct cap_table *t);

#endif
