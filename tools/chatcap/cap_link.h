/*
 * cap_link.h — link-layer decoders: Ethernet with VLAN tags, Linux cooked
 * SLL and SLL2, BSD null/loopback, and raw IP. They find where the IP packet
 * starts and say which IP it is; nothing above the link layer lives here.
 */
#ifndef CAP_LINK_H
#define CAP_LINK_H

#include <stdbool.h>

#include "cap_packet.h"

#define CAP_ETH_IPV4 0x0800
#define CAP_ETH_IPV6 0x86DD

/* True if chatcap decodes the libpcap link type (DLT_ value) dlt. */
bool cap_link_supported(int dlt);

/* A short English description of the supported link types, for errors. */
const char *cap_link_supported_list(void);

/*
 * Decode the link header of link type dlt at the cursor. On CAP_OK the
 * cursor stands at the network header and p->ethertype says what it is
 * (CAP_ETH_IPV4, CAP_ETH_IPV6 or another EtherType, which is CAP_OTHER).
 * CAP_TRUNCATED if the capture ends inside the link header.
 */
enum cap_result cap_link_decode(int dlt, struct cap_cursor *c,
                                struct cap_packet *p);

#endif
