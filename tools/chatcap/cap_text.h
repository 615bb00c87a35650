/*
 * cap_text.h — the plain-words line chatcap prints for each packet.
 */
#ifndef CAP_TEXT_H
#define CAP_TEXT_H

#include "cap_line.h"
#include "cap_out.h"

/*
 * Append to l the line for packet number n, seen rel_us after the first
 * packet, decoded into p (caplen of wirelen bytes captured), with the
 * meaning ev the table gave it (no newline; colours as o says).
 */
void cap_text_packet(const struct cap_out *o, struct cap_line *l, uint64_t n,
                     int64_t rel_us, const struct cap_packet *p,
                     const struct cap_event *ev, size_t caplen,
                     size_t wirelen);

#endif
