/*
 * client_udp.c — the UDP session, as the client keeps it (udpchat; tcpchat
 * never comes here). UDP has no connection, so the client itself must:
 *
 *   - send its nickname again when no answer comes (the datagram or its
 *     answer may have been lost), with a growing wait, up to a deadline;
 *   - tell "no answer" (loss, or nothing there: UDP cannot say which) from
 *     "port unreachable" (an ICMP error: nothing listens on that port);
 *   - notice that the server no longer knows it (it restarted, or the
 *     client was silent past the idle timeout): the server answers
 *     "who are you?" with the start of the message it did not deliver;
 *     the client introduces itself again and then sends that message;
 *   - keep typed lines while the server is away, and send them when it is
 *     back (a line that bounced with ICMP is kept the same way);
 *   - take the server's goodbye (it is shutting down, perhaps to restart)
 *     as an outage: wait for it to come back, up to CLIENT_AWAY_US;
 *   - send piped lines no faster than the server's rate limit takes them
 *     (over it, the server can only drop them).
 *
 * The rule that makes this safe (DESIGN.md, "UDP sessions"): a server that
 * does not know an address takes its datagram for a nickname only when it
 * is "/nick NAME" or one word. So the client sends its nickname as
 * "/nick NAME", and a one-word chat line as "/say WORD": no line of a
 * member can ever be taken for a nickname by a server that forgot it.
 *
 * The lines sent lately are kept in a ring, oldest first, each SENT (gone,
 * perhaps delivered), BOUNCED (the server said it was not) or HELD (typed
 * while the server was away, not sent yet).
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "client.h"
#include "client_impl.h"
#include "msg.h"
#include "term.h"
#include "text.h"

/* ---------------------------------------------------------------------------
 * What goes on the wire
 * ------------------------------------------------------------------------ */

/* The datagram for a typed line: "/say LINE" when LINE is one word that a
 * server which forgot us would take for a nickname. Returns its length. */
static size_t
wire(const char *line, size_t len, char *out, size_t cap)
{
	struct msg m;

	msg_parse(line, len, &m);
	if (m.kind == MSG_CHAT && msg_nick_shaped(line, len) &&
	    len + 5 <= MSG_MAX && len + 5 < cap)
		return (size_t)snprintf(out, cap, "/say %.*s", (int)len, line);
	len = len < cap ? len : cap - 1;
	memcpy(out, line, len);
	out[len] = '\0';
	return len;
}

static void
send_line(struct client *c, struct client_line *l)
{
	char out[MSG_MAX + 8];

	client_send_msg(c, out, wire(l->text, l->len, out, sizeof(out)));
	l->state = LINE_SENT;
}

/* ---------------------------------------------------------------------------
 * The ring of recent lines
 * ------------------------------------------------------------------------ */

static struct client_line *
slot(struct client *c, unsigned age)     /* 0: the oldest */
{
	return &c->udp.lines[(c->udp.next + age) % CLIENT_LINES];
}

/* The newest SENT line whose datagram matches: the room's echo (made safe
 * and cut, MSG_WHO_ECHO) or, for an ICMP error, the datagram's start. */
static struct client_line *
find_sent(struct client *c, const char *data, size_t len, bool echo)
{
	char out[MSG_MAX + 8], safe[MSG_WHO_ECHO];
	struct client_line *l;
	size_t n;
	unsigned age;

	for (age = CLIENT_LINES; age-- > 0;) {
		l = slot(c, age);
		if (l->state != LINE_SENT)
			continue;
		n = wire(l->text, l->len, out, sizeof(out));
		if (echo) {
			n = text_sanitize(out, n, safe, sizeof(safe));
			if (n == len && memcmp(safe, data, n) == 0)
				return l;
		} else if (len > 0 && len <= n && memcmp(out, data, len) == 0) {
			return l;
		}
	}
	return NULL;
}

static unsigned
count_waiting(struct client *c)
{
	unsigned age, n = 0;

	for (age = 0; age < CLIENT_LINES; age++)
		n += slot(c, age)->state == LINE_BOUNCED ||
		     slot(c, age)->state == LINE_HELD;
	return n;
}

/* Put a typed line in the ring (overwriting the oldest SENT one). NULL
 * when every slot holds a line that still waits. */
static struct client_line *
keep(struct client *c, const char *line, size_t len)
{
	struct client_line *l = slot(c, 0);

	if (l->state == LINE_BOUNCED || l->state == LINE_HELD)
		return NULL;
	c->udp.next = (c->udp.next + 1) % CLIENT_LINES;
	l->len = len <= MSG_MAX ? len : MSG_MAX;
	memcpy(l->text, line, l->len);
	return l;
}

/* ---------------------------------------------------------------------------
 * Introducing ourselves: the nickname and its retries
 * ------------------------------------------------------------------------ */

/* The wait after the n-th try: 0.5 s, doubled each time, at most 2 s. */
static int64_t
backoff(unsigned n)
{
	int64_t t = CLIENT_RETRY_FIRST_US;

	while (n-- > 1 && t < CLIENT_RETRY_MAX_US)
		t *= 2;
	return t < CLIENT_RETRY_MAX_US ? t : CLIENT_RETRY_MAX_US;
}

static void
send_nick(struct client *c)
{
	char msg[TEXT_NICK_MAX + 8];
	int n = snprintf(msg, sizeof(msg), "/nick %s", c->nick);

	c->nick_pending = true;
	c->nick_sent = client_now();
	c->udp.retry_at = c->nick_sent + backoff(c->udp.tries);
	client_send_msg(c, msg, (size_t)n);
}

void
client_udp_nick(struct client *c)
{
	c->udp.tries = 1;
	c->udp.first_try = client_now();
	send_nick(c);
}

/* The server no longer knows us (or is not there): hold the lines, and
 * introduce ourselves again. */
static void
rejoin(struct client *c)
{
	if (c->udp.rejoining)
		return;
	c->udp.rejoining = true;
	c->keepalive_missed = 0;
	client_udp_nick(c);
}

/* The server said goodbye and has not come back: try again every
 * CLIENT_RETRY_MAX_US, quietly, until CLIENT_AWAY_US have passed. */
static void
still_away(struct client *c, int64_t now)
{
	if (now - c->udp.away_since < CLIENT_AWAY_US) {
		send_nick(c);
		c->udp.retry_at = now + CLIENT_RETRY_MAX_US;
		return;
	}
	client_finish(c, CLIENT_LOST,
	       TR("the server %s ended the chat and did not come back in %d s "
	          "(lines not delivered: %u)", "el servidor %s terminó el chat "
	          "y no volvió en %d s (líneas sin entregar: %u)"),
	       c->where, (int)(CLIENT_AWAY_US / 1000000), count_waiting(c));
}

/* No answer to the nickname when its retry is due. */
static void
no_answer(struct client *c, int64_t now)
{
	if (c->udp.away) {
		still_away(c, now);
	} else if (c->udp.tries < CLIENT_NICK_TRIES) {
		c->udp.tries++;
		term_note(c->term, TR("no answer from %s (the datagram or its "
		                      "reply may have been lost): retry %u/%u…",
		                      "sin respuesta de %s (el datagrama o su "
		                      "respuesta pueden haberse perdido): "
		                      "reintento %u/%u…"),
		          c->where, c->udp.tries, CLIENT_NICK_TRIES);
		send_nick(c);
	} else if (!c->udp.welcomed) {
		client_finish(c, CLIENT_UNREACHABLE,
		       TR("no answer from %s after %u tries in %u s (the "
		          "datagrams or their replies were lost, or nothing "
		          "listens there: UDP cannot tell which): is %s running?",
		          "sin respuesta de %s tras %u intentos en %u s (se "
		          "perdieron los datagramas o sus respuestas, o nada "
		          "escucha ahí: UDP no puede distinguirlo): ¿está %s en "
		          "marcha?"), c->where, c->udp.tries,
		       (unsigned)((now - c->udp.first_try + 500000) / 1000000),
		       c->tr->server);
	} else if (!term_interactive(c->term)) {
		client_finish(c, CLIENT_LOST,
		       TR("the server at %s did not answer again (lines not "
		          "delivered: %u)", "el servidor en %s no volvió a "
		          "responder (líneas sin entregar: %u)"),
		       c->where, count_waiting(c));
	} else {
		if (c->udp.tries++ == CLIENT_NICK_TRIES)
			term_note(c->term, TR("the server still does not answer; "
			                      "trying again every %d s",
			                      "el servidor sigue sin responder; se "
			                      "reintenta cada %d s"),
			          (int)(CLIENT_RETRY_SLOW_US / 1000000));
		send_nick(c);
		c->udp.retry_at = now + CLIENT_RETRY_SLOW_US;
	}
}

int64_t
client_udp_timers(struct client *c, int64_t now)
{
	if (!c->nick_pending || c->udp.retry_at == 0 ||
	    (c->state != CLIENT_NAMING && !c->udp.rejoining))
		return INT64_MAX;
	if (now >= c->udp.retry_at)
		no_answer(c, now);
	return c->state == CLIENT_DONE ? now : c->udp.retry_at;
}

/* ---------------------------------------------------------------------------
 * What the server (or the network) says
 * ------------------------------------------------------------------------ */

void
client_udp_welcomed(struct client *c)
{
	unsigned age, n = count_waiting(c);
	struct client_line *l;

	c->udp.welcomed = true;
	c->udp.retry_at = 0;
	c->nick_pending = false;
	if (!c->udp.rejoining)
		return;
	c->udp.rejoining = false;
	if (c->udp.away)
		term_note(c->term, TR("the server %s is back", "el servidor %s ha "
		                      "vuelto"), c->where);
	c->udp.away = false;
	if (n > 0)
		term_note(c->term, TR("back in the chat; sending the lines that "
		                      "waited: %u", "de vuelta en el chat; se "
		                      "envían las líneas que esperaban: %u"), n);
	for (age = 0; age < CLIENT_LINES && c->state != CLIENT_DONE; age++) {
		l = slot(c, age);
		if (l->state == LINE_BOUNCED || l->state == LINE_HELD)
			send_line(c, l);
	}
}

void
client_udp_who(struct client *c, const struct reply *r)
{
	struct client_line *l;

	if (c->state == CLIENT_NAMING)
		return;                 /* the nickname is on its way */
	if (c->state == CLIENT_QUITTING) {
		client_finish(c, CLIENT_OK, NULL);  /* nobody to say goodbye to */
		return;
	}
	l = find_sent(c, r->echo, r->echo_len, true);
	if (l != NULL)
		l->state = LINE_BOUNCED;
	if (!c->udp.rejoining)
		term_note(c->term, "%s", TR("the server no longer knows you (it "
		                            "restarted, or you were silent too "
		                            "long): sending your nickname again",
		                            "el servidor ya no te conoce (se "
		                            "reinició, o estuviste en silencio "
		                            "demasiado tiempo): se envía otra vez "
		                            "tu apodo"));
	rejoin(c);
}

void
client_bounced(struct client *c, const char *data, size_t len)
{
	struct client_line *l;

	if (!c->udp.welcomed) {
		client_finish(c, CLIENT_UNREACHABLE,
		       TR("port unreachable (ICMP): no server listens at %s; is "
		          "%s running there?", "puerto inalcanzable (ICMP): "
		          "ningún servidor escucha en %s; ¿está %s en marcha "
		          "allí?"), c->where, c->tr->server);
		return;
	}
	if (data != NULL && (l = find_sent(c, data, len, false)) != NULL)
		l->state = LINE_BOUNCED;
	if (!c->udp.rejoining && c->state != CLIENT_QUITTING)
		term_note(c->term, TR("port unreachable (ICMP): no server listens "
		                      "at %s now; your lines wait and go out when "
		                      "it answers again",
		                      "puerto inalcanzable (ICMP): ahora ningún "
		                      "servidor escucha en %s; tus líneas esperan "
		                      "y se envían cuando vuelva a responder"),
		          c->where);
	if (c->state == CLIENT_QUITTING)
		client_finish(c, CLIENT_OK, NULL);
	else
		rejoin(c);
}

/* ---------------------------------------------------------------------------
 * What the user types
 * ------------------------------------------------------------------------ */

void
client_udp_line(struct client *c, const char *line, size_t len)
{
	struct client_line *l = keep(c, line, len);

	if (l == NULL) {
		term_note(c->term, TR("not sent: %u lines already wait for the "
		                      "server", "no enviado: ya hay %u líneas "
		                      "esperando al servidor"), count_waiting(c));
		return;
	}
	if (c->udp.rejoining)
		l->state = LINE_HELD;   /* sent when the server welcomes us */
	else
		send_line(c, l);
}

/* ---------------------------------------------------------------------------
 * The server's goodbye, and the pace of piped lines
 * ------------------------------------------------------------------------ */

void
client_udp_closing(struct client *c)
{
	if (c->state == CLIENT_QUITTING || c->state == CLIENT_NAMING) {
		client_finish(c, CLIENT_LOST, TR("the server %s ended the chat",
		                                 "el servidor %s terminó el chat"),
		              c->where);
		return;
	}
	term_note(c->term, TR("the server %s closed the chat; waiting for it to "
	                      "come back (Ctrl-C to leave)", "el servidor %s "
	                      "cerró el chat; se espera a que vuelva (Ctrl-C "
	                      "para salir)"), c->where);
	c->udp.away = true;
	c->udp.away_since = client_now();
	c->udp.rejoining = true;        /* lines typed now wait */
	c->keepalive_missed = 0;
	c->nick_pending = true;         /* the first try after a second */
	c->udp.retry_at = c->udp.away_since + CLIENT_RETRY_FIRST_US * 2;
}

/* Refill the bucket up to now. */
static void
refill(struct client *c, int64_t now)
{
	if (c->udp.tokens_at == 0) {
		c->udp.tokens = CLIENT_UDP_BURST;
	} else {
		c->udp.tokens += (double)(now - c->udp.tokens_at) *
		                 CLIENT_UDP_RATE / 1e6;
		if (c->udp.tokens > CLIENT_UDP_BURST)
			c->udp.tokens = CLIENT_UDP_BURST;
	}
	c->udp.tokens_at = now;
}

void
client_udp_spend(struct client *c)
{
	refill(c, client_now());
	c->udp.tokens -= 1;             /* may go below 0: a nick must go */
}

int64_t
client_udp_pace(struct client *c, int64_t now)
{
	if (c->udp.tokens_at == 0)
		return 0;
	refill(c, now);
	if (c->udp.tokens >= 1)
		return 0;
	return now + (int64_t)((1 - c->udp.tokens) * 1e6 / CLIENT_UDP_RATE) + 1;
}
