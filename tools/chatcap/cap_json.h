/*
 * cap_json.h — JSON Lines output: one object per packet, then one summary
 * object whose keys chatcap(1) documents (DESIGN.md fixes the first ones).
 */
#ifndef CAP_JSON_H
#define CAP_JSON_H

#include "cap_line.h"
#include "cap_out.h"

/* Append to l one {"type":"packet",...} object (no newline); the
 * arguments as for cap_text_packet. */
void cap_json_packet(const struct cap_out *o, struct cap_line *l, uint64_t n,
                     int64_t rel_us, const struct cap_packet *p,
                     const struct cap_event *ev, size_t caplen,
                     size_t wirelen);

/* The {"type":"summary",...} line for everything t has seen. */
void cap_json_summary(const struct cap_out *o, const struct cap_table *t);

/* Write s[0..len) as a JSON string, quotes included. */
void cap_json_string(FILE *f, const char *s, size_t len);

#endif
