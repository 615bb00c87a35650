/*
 * cap_follow.c — --follow (see cap_follow.h):
 *
 *   TCP#1  10.0.0.2:40050 (client)  10.0.0.1:5000 (server)
 *     >> nickname "ana"                              packet 7
 *     << notice "*** ana se ha unido al chat"        packet 9
 *     >> chat "hola a todos"              packets 12-14, cut by segments
 *     >> chat "uno"                       packet 16, 1 of 2 in the packet
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cap_conv.h"
#include "cap_follow.h"
#include "cap_line.h"
#include "cap_out.h"

static struct cap_follow_msg *
new_msg(struct cap_conv *c)
{
	struct cap_follow_msg *m;
	size_t n;

	if (c->nfollow == CAP_FOLLOW_MAX) {
		c->follow_dropped++;
		return NULL;
	}
	if (c->nfollow == c->follow_cap) {
		n = c->follow_cap == 0 ? 16 : c->follow_cap * 2;
		if (n > CAP_FOLLOW_MAX)
			n = CAP_FOLLOW_MAX;
		if ((m = realloc(c->follow, n * sizeof(*m))) == NULL) {
			c->follow_dropped++;
			return NULL;
		}
		c->follow = m;
		c->follow_cap = n;
	}
	return &c->follow[c->nfollow++];
}

void
cap_follow_remember(struct cap_conv *c, const struct cap_event *ev)
{
	struct cap_dir *d = &c->dir[ev->dir];
	struct cap_follow_msg *m;
	size_t i, n;

	for (i = 0; i < ev->chat.n; i++) {
		const struct cap_msg *msg = &ev->chat.msg[i];

		if ((m = new_msg(c)) == NULL)
			break;
		m->first = i == 0 && d->partial_from != 0 ? d->partial_from
		                                          : ev->frame;
		m->last = msg->ended_early && d->partial_last != 0
		          ? d->partial_last : ev->frame;
		m->early = msg->ended_early;
		m->dir = (uint8_t)ev->dir;
		m->role = (uint8_t)msg->role;
		m->kind = (uint8_t)msg->kind;
		m->in_packet = (uint8_t)(ev->chat.total > 255 ? 255
		                                              : ev->chat.total);
		n = msg->len < sizeof(m->text) - 1 ? msg->len
		                                   : sizeof(m->text) - 1;
		while (n > 0 && n < msg->len &&
		       ((unsigned char)msg->text[n] & 0xc0) == 0x80)
			n--;
		memcpy(m->text, msg->text, n);
		m->text[n] = '\0';
	}
	if (ev->chat.total > 0)
		d->partial_from = d->partial_last = 0;
	if (ev->chat.pending > 0) {
		if (d->partial_from == 0)
			d->partial_from = ev->frame;
		d->partial_last = ev->frame;
	}
}

static const char *
role_word(uint8_t role)
{
	switch (role) {
	case CAP_ROLE_NICKNAME: return TR("nickname", "apodo");
	case CAP_ROLE_CHAT:     return TR("chat", "chat");
	case CAP_ROLE_COMMAND:  return TR("command", "orden");
	case CAP_ROLE_EMPTY:    return TR("empty line", "l\u00ednea vac\u00eda");
	case CAP_ROLE_NOTICE:   return TR("notice", "aviso");
	case CAP_ROLE_RELAY:    return TR("relayed", "reenviado");
	case CAP_ROLE_TOO_LONG: return TR("too long, dropped",
	                                  "demasiado largo, descartado");
	}
	return "?";
}

static void
print_msg(const struct cap_out *o, const struct cap_conv *c,
          const struct cap_follow_msg *m, unsigned nth)
{
	static struct cap_line line;
	struct cap_line *l = &line;
	char clip[CAP_FOLLOW_TEXT + 8];

	cap_line_clear(l);
	cap_line_str(l, cap_color(o, m->dir == 0 ? CAP_C_HANDSHAKE
	                                          : CAP_C_UDP));
	cap_line_str(l, m->dir == 0 ? "  >> " : "  << ");
	cap_line_str(l, role_word(m->role));
	cap_line_str(l, cap_color(o, CAP_C_RESET));
	if (m->role == CAP_ROLE_COMMAND)
		cap_line_fmt(l, " /%s", m->kind == MSG_UNKNOWN
		             ? TR("unknown", "desconocida")
		             : msg_kind_name((enum msg_kind)m->kind));
	if (m->role != CAP_ROLE_TOO_LONG && m->role != CAP_ROLE_EMPTY) {
		cap_fmt_clip(o, m->text, strlen(m->text), 56, clip, sizeof(clip));
		cap_line_fmt(l, " %s\"%s\"%s", cap_color(o, CAP_C_TEXT), clip,
		             cap_color(o, CAP_C_RESET));
	}
	cap_line_str(l, cap_color(o, CAP_C_DIM));
	if (m->first != m->last)
		cap_line_fmt(l, TR("  [packets %" PRIu64 "-%" PRIu64 ": cut across "
		                   "segments%s]",
		                   "  [paquetes %" PRIu64 "-%" PRIu64 ": partido "
		                   "entre segmentos%s]"), m->first, m->last,
		             m->early ? TR(", ended by a silence or the FIN",
		                           ", acabado por un silencio o el FIN")
		                      : "");
	else if (m->early)
		cap_line_fmt(l, TR("  [packet %" PRIu64 ", no newline: ended by "
		                   "200 ms of silence or the FIN]",
		                   "  [paquete %" PRIu64 ", sin salto de l\u00ednea: "
		                   "acabado por 200 ms de silencio o el FIN]"),
		             m->last);
	else if (m->in_packet > 1)
		cap_line_fmt(l, TR("  [packet %" PRIu64 ": %u of %u in one "
		                   "segment]",
		                   "  [paquete %" PRIu64 ": %u de %u en un "
		                   "segmento]"), m->last, nth, m->in_packet);
	else
		cap_line_fmt(l, TR("  [packet %" PRIu64 "]", "  [paquete %" PRIu64
		                   "]"), m->last);
	cap_line_str(l, cap_color(o, CAP_C_RESET));
	(void)c;
	cap_out_emit(o, l->buf, l->n);
}

void
cap_follow_print(const struct cap_out *o, const struct cap_table *t)
{
	size_t i, k;
	unsigned nth = 0;

	for (i = 0; i < t->nall; i++) {
		const struct cap_conv *c = t->all[i];

		fprintf(o->f, "\n%s%s#%u%s  %s (%s)  %s (%s)\n",
		        cap_color(o, CAP_C_BOLD), c->proto == 6 ? "TCP" : "UDP",
		        c->id, cap_color(o, CAP_C_RESET), c->name[0],
		        TR("client: >>", "cliente: >>"), c->name[1],
		        TR("server: <<", "servidor: <<"));
		for (k = 0; k < c->nfollow; k++) {
			const struct cap_follow_msg *m = &c->follow[k];

			nth = k > 0 && c->follow[k - 1].last == m->last &&
			      c->follow[k - 1].dir == m->dir ? nth + 1 : 1;
			print_msg(o, c, m, nth);
		}
		if (c->nfollow == 0)
			fprintf(o->f, "%s\n", TR("  (no chat messages)",
			                         "  (ning\u00fan mensaje del chat)"));
		if (c->follow_dropped > 0)
			fprintf(o->f, TR("  (%zu more messages not shown)\n",
			                 "  (%zu mensajes m\u00e1s sin mostrar)\n"),
			        c->follow_dropped);
	}
}
