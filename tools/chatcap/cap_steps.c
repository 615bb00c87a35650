/*
 * cap_steps.c — the ladder's memory: one small record per packet of a
 * conversation, kept while the packets go by so cap_ladder.c can draw
 * them at the end, and marked afterwards when a segment turns out lost.
 */
#include <stdlib.h>
#include <string.h>

#include "cap_conv.h"

/* ---------------------------------------------------------------------------
 * The ladder's memory: one small record per packet of a conversation, up
 * to CAP_STEPS_MAX (then only counted).
 * ------------------------------------------------------------------------ */

/* A segment sent again (not spuriously): its first sending was lost, and
 * the ladder says so on that arrow. */
static void
mark_lost(struct cap_conv *c, const struct cap_event *ev)
{
	size_t i = c->nsteps;

	if (!ev->retransmission || ev->ana.resent_frame == 0 ||
	    !(ev->ana.flags & CAP_A_RETRANSMISSION) ||
	    (ev->ana.flags & CAP_A_SPURIOUS_RETRANS))
		return;
	while (i-- > 0)
		if (c->steps[i].frame == ev->ana.resent_frame) {
			c->steps[i].lost = true;
			return;
		}
}

/* Every message of the packet whole, one a line (the SVG ladder shows them
 * all); NULL when out of memory. */
static char *
all_lines(const struct cap_chat *chat)
{
	size_t i, n = 0;
	char *s;

	for (i = 0; i < chat->n; i++)
		n += chat->msg[i].len + 1;
	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	for (n = 0, i = 0; i < chat->n; i++) {
		memcpy(s + n, chat->msg[i].text, chat->msg[i].len);
		n += chat->msg[i].len;
		s[n++] = i + 1 < chat->n ? '\n' : '\0';
	}
	return s;
}

void
cap_steps_remember(struct cap_table *t, const struct cap_packet *p,
                   const struct cap_event *ev, int64_t t_us)
{
	struct cap_conv *c = ev->conv;
	struct cap_step *s;
	size_t n;

	mark_lost(c, ev);
	if (c->nsteps == CAP_STEPS_MAX) {
		c->steps_dropped++;
		return;
	}
	if (c->nsteps == c->steps_cap) {
		n = c->steps_cap == 0 ? 16 : c->steps_cap * 2;
		if (n > CAP_STEPS_MAX)
			n = CAP_STEPS_MAX;
		if ((s = realloc(c->steps, n * sizeof(*s))) == NULL) {
			c->steps_dropped++;
			return;
		}
		c->steps = s;
		c->steps_cap = n;
	}
	s = &c->steps[c->nsteps++];
	memset(s, 0, sizeof(*s));
	s->t_us = t_us - t->st.first_us;
	s->rtt_us = ev->rtt_us;
	s->seq = ev->rel_seq;
	s->ack = ev->has_ack ? ev->rel_ack : 0;
	s->len = (uint32_t)p->payload_len;
	s->what = (uint8_t)ev->what;
	s->dir = (uint8_t)ev->dir;
	s->flags = p->flags;
	s->retrans = ev->retransmission;
	s->frame = ev->frame;
	s->ana = ev->ana.flags;
	s->closes = ev->closes;
	if (ev->chat.n > 0) {
		n = ev->chat.msg[0].len;
		if (n >= sizeof(s->text))
			n = sizeof(s->text) - 1;
		while (n > 0 && (ev->chat.msg[0].text[n] & 0xc0) == 0x80)
			n--;                /* cut at a character boundary */
		memcpy(s->text, ev->chat.msg[0].text, n);
		s->lines = all_lines(&ev->chat);
	}
}

