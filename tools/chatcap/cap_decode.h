/*
 * cap_decode.h — one captured packet, from the link header to the payload:
 * the layer decoders chained.
 */
#ifndef CAP_DECODE_H
#define CAP_DECODE_H

#include "cap_packet.h"

/*
 * Decode bytes[0..caplen) of a packet that had wirelen bytes on the wire,
 * captured on link type dlt, into *p (which is cleared first). Returns
 * CAP_OK for a TCP or UDP packet whose headers were all captured (the
 * payload may still be cut: p->payload_caplen < p->payload_len), else the
 * first layer's other answer with p->why naming the header. p->payload
 * points into bytes.
 */
enum cap_result cap_decode(int dlt, const uint8_t *bytes, size_t caplen,
                           size_t wirelen, struct cap_packet *p);

/* Decode the TCP or UDP header (p->proto) at the start of data[0..len),
 * a whole IP payload put together from fragments; p's IP fields stay (its
 * ip_len becomes ip_hdr_len + len). */
enum cap_result cap_decode_l4(struct cap_packet *p, const uint8_t *data,
                              size_t len);

#endif
