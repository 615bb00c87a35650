/*
 * client.c — the chat client's state machine, shared by tcpchat and
 * udpchat: the nickname and its answer, what to do with a line typed and
 * with a line received, /ping timing, leaving. States: naming, chatting,
 * draining (piped input over), quitting. The poll loop and the timers are
 * in client_loop.c; the transport (tcp/tcpchat.c, udp/udpchat.c) moves the
 * bytes; term.c draws them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "client.h"
#include "client_impl.h"
#include "msg.h"
#include "reply.h"
#include "term.h"

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------ */

/* End the session with status; fmt (may be NULL) is said on stderr. */
void
client_finish(struct client *c, int status, const char *fmt, ...)
{
	va_list ap;

	if (c->state == CLIENT_DONE)
		return;
	c->state = CLIENT_DONE;
	c->status = status;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(c->why, sizeof(c->why), fmt, ap);
		va_end(ap);
	}
}

/* Why a socket call failed, in the user's language for the usual cases. */
const char *
client_cause(int err)
{
	return net_strerror(err);
}

void
client_unreachable(struct client *c, const char *why)
{
	client_finish(c, CLIENT_UNREACHABLE,
	       TR("cannot reach the server at %s (%s): is %s running there?",
	          "no se puede contactar con el servidor en %s (%s): ¿está %s "
	          "en marcha?"), c->where, why, c->tr->server);
}

bool
client_pending(const struct client *c)
{
	return c->tr->pending != NULL && c->tr->pending(c->tr->state);
}

/* ---------------------------------------------------------------------------
 * Sending
 * ------------------------------------------------------------------------ */

/* A send or receive failed with err. */
void
client_io_failed(struct client *c, int err)
{
	if (err == ENOBUFS) {
		term_note(c->term, "%s", TR("not sent: the server is not taking "
		                            "messages this fast",
		                            "no enviado: el servidor no acepta "
		                            "mensajes tan deprisa"));
		return;
	}
	if (c->state == CLIENT_QUITTING)
		client_finish(c, CLIENT_OK, NULL);
	else if (err == ECONNREFUSED && c->tr->datagram)
		client_bounced(c, NULL, 0);     /* ICMP: not a "connection" */
	else if (err == ECONNREFUSED)
		client_unreachable(c, client_cause(err));
	else
		client_lost(c, TR("the connection to %s was lost (%s)",
		                  "se perdió la conexión con %s (%s)"),
		            c->where, client_cause(err));
}

/* The connection ended with why (fmt): with piped lines the server had not
 * read, the count is said too. */
void
client_lost(struct client *c, const char *fmt, ...)
{
	char why[sizeof(c->why) / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!client_pipe_lost(c, why))
		client_finish(c, CLIENT_LOST, "%s", why);
}

void
client_send_msg(struct client *c, const char *msg, size_t len)
{
	if (len > MSG_MAX) {
		term_note(c->term, TR("not sent: longer than %d bytes",
		                      "no enviado: más de %d bytes"), MSG_MAX);
		return;
	}
	if (c->tr->send(c->tr->state, c->fd, msg, len) < 0) {
		client_io_failed(c, errno);
		return;
	}
	c->sent_any = true;
	c->last_tx = client_now();
	if (c->tr->datagram)
		client_udp_spend(c);
}

/* "/ping TOKEN": t<N> for the user's (timed), k<N> for keepalives. */
void
client_send_ping(struct client *c, bool keepalive)
{
	struct client_ping *p;
	char msg[32];
	int n;

	if (keepalive) {
		n = snprintf(msg, sizeof(msg), "/ping k%u", ++c->keepalive_seq);
		c->keepalive_missed++;
	} else {
		p = &c->pings[++c->ping_seq % CLIENT_PINGS];
		p->seq = c->ping_seq;
		p->sent = client_now();
		n = snprintf(msg, sizeof(msg), "/ping t%u", c->ping_seq);
	}
	client_send_msg(c, msg, (size_t)n);
}

void
client_send_nick(struct client *c, const char *name, size_t len,
                 bool from_option)
{
	while (len > 0 && (*name == ' ' || *name == '\t'))
		name++, len--;
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	snprintf(c->nick, sizeof(c->nick), "%.*s",
	         (int)(len < TEXT_NICK_MAX ? len : TEXT_NICK_MAX), name);
	c->nick_pending = true;
	c->nick_from_option = from_option;
	c->nick_sent = client_now();
	c->heard = false;
	if (c->tr->datagram)
		client_udp_nick(c);     /* as "/nick NAME", retried */
	else
		client_send_msg(c, name, len);
}

static void
start_quit(struct client *c)
{
	c->state = CLIENT_QUITTING;
	c->quit_start = client_now();
	term_hide(c->term);
}

/* The user leaves (Ctrl-D, Ctrl-C, end of the piped input). */
void
client_leave(struct client *c)
{
	if (c->tr->datagram && (!c->sent_any || c->udp.away)) {
		client_finish(c, CLIENT_OK, NULL);  /* no server to say goodbye to */
		return;
	}
	client_send_msg(c, "/quit", 5);
	if (c->state != CLIENT_DONE)
		start_quit(c);
}

/* ---------------------------------------------------------------------------
 * What the server says
 * ------------------------------------------------------------------------ */

/* A pong to one of our pings: the user's shows the round trip, a
 * keepalive's is hidden. False when it is not ours. */
static bool
pong(struct client *c, const struct reply *r)
{
	char tok[24], *end;
	unsigned long seq;
	struct client_ping *p;
	int64_t rtt;

	if (r->token_len < 2 || r->token_len >= sizeof(tok))
		return false;
	memcpy(tok, r->token, r->token_len);
	tok[r->token_len] = '\0';
	seq = strtoul(tok + 1, &end, 10);
	if (*end != '\0' || (tok[0] != 'k' && tok[0] != 't' && tok[0] != 'm'))
		return false;
	if (tok[0] == 'k')
		return seq <= c->keepalive_seq;
	if (tok[0] == 'm')
		return client_pipe_pong(c, seq);
	p = &c->pings[seq % CLIENT_PINGS];
	if (p->seq != seq || p->sent == 0)
		return false;
	rtt = client_now() - p->sent;
	p->sent = 0;
	term_note(c->term, TR("pong from %s: round trip %.3f ms",
	                      "pong de %s: ida y vuelta %.3f ms"),
	          c->where, (double)rtt / 1000.0);
	return true;
}

/* The server took our nickname. UDP: it may be an answer to a nickname
 * sent again (the server had forgotten us) while chatting. The server
 * forgets a silent UDP member: speak at a third of its timeout. */
static void
accepted(struct client *c, const struct reply *r)
{
	if (c->state != CLIENT_NAMING && !(c->tr->datagram && c->nick_pending))
		return;
	if (c->tr->datagram && r->idle_timeout > 0)
		c->keepalive = (int64_t)r->idle_timeout * 1000000 / 3;
	if (c->tr->datagram)
		client_udp_welcomed(c);         /* sends the lines that waited */
	if (c->state != CLIENT_NAMING)
		return;
	client_pipe_accepted(c);
	c->state = CLIENT_CHATTING;
	c->nick_pending = false;
	term_prompt(c->term, c->nick);
}

/* "OLD is now called NEW": when OLD is us, the prompt (and, over UDP, the
 * name we introduce ourselves with again) follows. */
static void
renamed(struct client *c, const struct reply *r)
{
	if (c->state != CLIENT_CHATTING || r->nick_len != strlen(c->nick) ||
	    memcmp(r->nick, c->nick, r->nick_len) != 0)
		return;
	snprintf(c->nick, sizeof(c->nick), "%.*s", (int)r->renamed_len,
	         r->renamed);
	term_prompt(c->term, c->nick);
}

static void
refused(struct client *c)
{
	if (c->state != CLIENT_NAMING || !c->nick_pending)
		return;
	c->nick_pending = false;
	c->udp.retry_at = 0;
	if (!term_interactive(c->term) && c->nick_from_option)
		client_finish(c, CLIENT_NICK, TR("the server refused the nickname %s",
		                          "el servidor rechazó el apodo %s"),
		       c->nick);
	else
		term_prompt(c->term, NULL);     /* type another */
}

void
client_message(struct client *c, const char *line, size_t len)
{
	struct reply r;

	c->last_rx = client_now();
	c->heard = true;
	c->keepalive_missed = 0;
	c->silence_told = false;
	reply_parse(line, len, &r);
	if (r.kind == REPLY_PONG && pong(c, &r))
		return;
	/* Given with -n, the nickname is on its way: the greeting's "type
	 * your nickname" would only confuse. */
	if (!(r.kind == REPLY_WELCOME && c->nick_from_option && c->nick_pending))
		term_show(c->term, &r, line, len);
	switch (r.kind) {
	case REPLY_ACCEPTED:
		accepted(c, &r);
		break;
	case REPLY_NEED_NICK:
	case REPLY_WHO:
		if (c->tr->datagram && c->state != CLIENT_NAMING)
			client_udp_who(c, &r);
		else
			refused(c);
		break;
	case REPLY_ERROR:
		refused(c);
		break;
	case REPLY_RENAMED:
		renamed(c, &r);
		break;
	case REPLY_BYE:         /* UDP has no close: the goodbye ends it */
		if (c->tr->datagram && c->state == CLIENT_QUITTING)
			client_finish(c, CLIENT_OK, NULL);
		break;
	case REPLY_CLOSING:
		if (c->tr->datagram)
			client_udp_closing(c);  /* it may come back: wait */
		break;
	case REPLY_KICKED:
		if (c->tr->datagram)
			client_finish(c, CLIENT_LOST, TR("the server %s ended the chat",
			                          "el servidor %s terminó el chat"),
			       c->where);
		break;
	default:
		break;
	}
}

void
client_overlong(struct client *c)
{
	term_note(c->term, TR("a line over %d bytes from the server was not "
	                      "shown", "una línea de más de %d bytes del "
	                      "servidor no se muestra"), MSG_LINE_MAX);
}

/* ---------------------------------------------------------------------------
 * What the user types
 * ------------------------------------------------------------------------ */

/* Whether to take input now. A piped session waits for the answer to its
 * nickname, and for the socket to drain (backpressure). */
bool
client_want_input(const struct client *c)
{
	if (c->state != CLIENT_NAMING && c->state != CLIENT_CHATTING)
		return false;
	if (term_interactive(c->term))
		return true;
	return !c->nick_pending && !client_pending(c) &&
	       (!c->tr->datagram || c->udp.tokens_at == 0 || c->udp.tokens >= 1);
}

static void
user_line(struct client *c, const char *line, size_t len)
{
	struct msg m;

	msg_parse(line, len, &m);
	if (m.kind == MSG_EMPTY)
		return;
	if (m.kind == MSG_QUIT) {       /* salir, /quit, /quitar, /salir */
		client_send_msg(c, line, len);
		if (c->state != CLIENT_DONE)
			start_quit(c);
	} else if (c->tr->local != NULL &&
	           c->tr->local(c->tr->state, c->fd, line, len, c->term)) {
		/* answered here: /tcp */
	} else if (c->state == CLIENT_NAMING && m.kind == MSG_NICK &&
	           m.arg != NULL) {
		client_send_nick(c, m.arg, m.arg_len, false);
	} else if (c->state == CLIENT_NAMING) {
		client_send_nick(c, line, len, false);
	} else if (m.kind == MSG_PING) {
		client_send_ping(c, false);
	} else if (c->tr->datagram) {
		client_udp_line(c, line, len);  /* kept until the server has it */
	} else {
		client_send_msg(c, line, len);
		client_pipe_sent(c);            /* counted until the server reads it */
	}
}

static void
input_ended(struct client *c)
{
	if (term_interactive(c->term)) {
		client_leave(c);
	} else if (c->state == CLIENT_NAMING && !c->sent_any) {
		client_finish(c, CLIENT_USAGE, "%s", TR("no nickname: give -n NICK or "
		                                  "write it as the first line",
		                                  "falta el apodo: usa -n APODO o "
		                                  "escríbelo en la primera línea"));
	} else if (c->state == CLIENT_NAMING) {
		client_finish(c, CLIENT_NICK, TR("the server refused the nickname %s",
		                          "el servidor rechazó el apodo %s"),
		       c->nick);
	} else {
		c->state = CLIENT_DRAINING;
		c->drain_start = client_now();
		client_pipe_ended(c);
	}
}

void
client_read_input(struct client *c, bool readable)
{
	const char *line;
	size_t len;

	while (client_want_input(c)) {
		switch (term_read(c->term, readable, &line, &len)) {
		case TERM_NONE:
			return;
		case TERM_LINE:
			user_line(c, line, len);
			break;
		case TERM_TOO_LONG:
			term_note(c->term, TR("not sent: longer than %d bytes",
			                      "no enviado: más de %d bytes"),
			          MSG_MAX);
			break;
		case TERM_EOF:
			input_ended(c);
			return;
		case TERM_ERROR:
			client_finish(c, CLIENT_USAGE, "stdin: %s", strerror(errno));
			return;
		}
		readable = false;
		if (term_interactive(c->term))
			return;         /* one key per poll */
	}
}
