/*
 * cap_follow.h — --follow: each conversation's chat put back together, as
 * the two programs read it, one message a line, client and server told
 * apart, and where the packets cut a message or carried several (TCP is a
 * byte stream; a UDP datagram is always one message).
 */
#ifndef CAP_FOLLOW_H
#define CAP_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>

struct cap_conv;
struct cap_event;
struct cap_out;
struct cap_table;

#define CAP_FOLLOW_MAX  2000  /* messages kept per conversation */
#define CAP_FOLLOW_TEXT 72    /* bytes of text kept per message */

struct cap_follow_msg {
	uint64_t first, last;    /* packets of its first and last bytes */
	uint8_t  dir, role;      /* role: enum cap_role */
	uint8_t  kind;           /* enum msg_kind, for commands */
	uint8_t  in_packet;      /* messages its last packet completed */
	bool     early;          /* ended by the silence rule or the FIN */
	char     text[CAP_FOLLOW_TEXT];
};

/* Remember the messages packet ev completed (cap_conv.c calls it when the
 * table keeps them). */
void cap_follow_remember(struct cap_conv *c, const struct cap_event *ev);

/* Print every conversation's chat. */
void cap_follow_print(const struct cap_out *o, const struct cap_table *t);

#endif
