/*
 * client.c — the chat client's connection loop, shared by tcpchat and
 * udpchat: one poll() on stdin and the socket, a small state machine
 * (naming, chatting, draining, quitting) and its timers (the answer to a
 * nickname, the UDP keepalive, the end of a piped session). The transport
 * (tcp/tcpchat.c, udp/udpchat.c) moves the bytes; term.c draws them.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "client.h"
#include "msg.h"
#include "net.h"
#include "reply.h"
#include "term.h"
#include "text.h"

#define NICK_WAIT_US   (3 * 1000000LL) /* for the answer to a nickname */
#define QUIET_US       (300 * 1000LL)  /* pipe: the replies have stopped */
#define DRAIN_MAX_US   (3 * 1000000LL) /* pipe: longest default wait */
#define QUIT_WAIT_US   (3 * 1000000LL) /* for the server to close */
#define PINGS          8               /* /ping awaiting their pong */
#define MISSED_PINGS   3               /* UDP: "the server is silent" */

enum state {
	ST_NAMING,   /* no nickname accepted yet */
	ST_CHATTING,
	ST_DRAINING, /* pipe mode: input over, listening a little longer */
	ST_QUITTING, /* /quit sent: waiting for the server to close */
	ST_DONE,
};

struct ping {
	unsigned seq;
	int64_t  sent; /* µs; 0: the slot is free */
};

struct client {
	const struct client_options   *opt;
	const struct client_transport *tr;
	struct term *term;
	int          fd;
	enum state   state;
	int          status;
	char         why[512];          /* said on stderr at the end */
	char         where[NET_ADDR_LEN + 8];
	char         nick[TEXT_NICK_MAX + 1];
	bool         nick_pending;      /* a nickname awaits its answer */
	bool         nick_from_option;
	bool         sent_any;
	bool         heard;             /* something arrived since the nick */
	int64_t      nick_sent, last_rx, last_tx, drain_start, quit_start;
	int64_t      keepalive;         /* UDP: µs between pings; 0: off */
	unsigned     keepalive_seq, keepalive_missed;
	bool         silence_told;
	unsigned     ping_seq;
	struct ping  pings[PINGS];
};

static volatile sig_atomic_t got_interrupt, got_winch;

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------ */

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* End the session with status; fmt (may be NULL) is said on stderr. */
static void __attribute__((format(printf, 3, 4)))
finish(struct client *c, int status, const char *fmt, ...)
{
	va_list ap;

	if (c->state == ST_DONE)
		return;
	c->state = ST_DONE;
	c->status = status;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(c->why, sizeof(c->why), fmt, ap);
		va_end(ap);
	}
}

/* Why a socket call failed, in the user's language for the usual cases. */
static const char *
cause(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return TR("connection refused", "conexión rechazada");
	case ECONNRESET:
		return TR("connection reset", "conexión reiniciada");
	case ETIMEDOUT:
		return TR("timed out", "tiempo de espera agotado");
	case EHOSTUNREACH:
		return TR("host unreachable", "máquina inalcanzable");
	case ENETUNREACH:
		return TR("network unreachable", "red inalcanzable");
	case EPIPE:
		return TR("connection closed", "conexión cerrada");
	default:
		return strerror(err);
	}
}

/* net_connect() says "HOST: REASON": keep the reason, translated when it
 * is one of the usual ones. */
static const char *
connect_cause(const char *err, const char *host)
{
	static const int known[] = { ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH,
	                             ENETUNREACH };
	size_t i, n = strlen(host);

	if (strncmp(err, host, n) == 0 && strncmp(err + n, ": ", 2) == 0)
		err += n + 2;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(err, strerror(known[i])) == 0)
			return cause(known[i]);
	return err;
}

static void
unreachable(struct client *c, const char *why)
{
	finish(c, CLIENT_UNREACHABLE,
	       TR("cannot reach the server at %s (%s): is %s running there?",
	          "no se puede contactar con el servidor en %s (%s): ¿está %s "
	          "en marcha?"), c->where, why, c->tr->server);
}

static bool
pending(const struct client *c)
{
	return c->tr->pending != NULL && c->tr->pending(c->tr->state);
}

/* ---------------------------------------------------------------------------
 * Sending
 * ------------------------------------------------------------------------ */

/* A send or receive failed with err. */
static void
io_failed(struct client *c, int err)
{
	if (err == ENOBUFS) {
		term_note(c->term, "%s", TR("not sent: the server is not taking "
		                            "messages this fast",
		                            "no enviado: el servidor no acepta "
		                            "mensajes tan deprisa"));
		return;
	}
	if (c->state == ST_QUITTING)
		finish(c, CLIENT_OK, NULL);
	else if (err == ECONNREFUSED)
		unreachable(c, cause(err));
	else
		finish(c, CLIENT_LOST, TR("the connection to %s was lost (%s)",
		                          "se perdió la conexión con %s (%s)"),
		       c->where, cause(err));
}

static void
send_msg(struct client *c, const char *msg, size_t len)
{
	if (len > MSG_MAX) {
		term_note(c->term, TR("not sent: longer than %d bytes",
		                      "no enviado: más de %d bytes"), MSG_MAX);
		return;
	}
	if (c->tr->send(c->tr->state, c->fd, msg, len) < 0) {
		io_failed(c, errno);
		return;
	}
	c->sent_any = true;
	c->last_tx = now_us();
}

/* "/ping TOKEN": t<N> for the user's (timed), k<N> for keepalives. */
static void
send_ping(struct client *c, bool keepalive)
{
	struct ping *p;
	char msg[32];
	int n;

	if (keepalive) {
		n = snprintf(msg, sizeof(msg), "/ping k%u", ++c->keepalive_seq);
		c->keepalive_missed++;
	} else {
		p = &c->pings[++c->ping_seq % PINGS];
		p->seq = c->ping_seq;
		p->sent = now_us();
		n = snprintf(msg, sizeof(msg), "/ping t%u", c->ping_seq);
	}
	send_msg(c, msg, (size_t)n);
}

static void
send_nick(struct client *c, const char *name, size_t len, bool from_option)
{
	while (len > 0 && (*name == ' ' || *name == '\t'))
		name++, len--;
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	snprintf(c->nick, sizeof(c->nick), "%.*s",
	         (int)(len < TEXT_NICK_MAX ? len : TEXT_NICK_MAX), name);
	c->nick_pending = true;
	c->nick_from_option = from_option;
	c->nick_sent = now_us();
	c->heard = false;
	send_msg(c, name, len);
}

static void
start_quit(struct client *c)
{
	c->state = ST_QUITTING;
	c->quit_start = now_us();
	term_hide(c->term);
}

/* The user leaves (Ctrl-D, Ctrl-C, end of the piped input). */
static void
leave(struct client *c)
{
	if (c->tr->datagram && !c->sent_any) {
		finish(c, CLIENT_OK, NULL);     /* the server never heard of us */
		return;
	}
	send_msg(c, "/quit", 5);
	if (c->state != ST_DONE)
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
	struct ping *p;
	int64_t rtt;

	if (r->token_len < 2 || r->token_len >= sizeof(tok))
		return false;
	memcpy(tok, r->token, r->token_len);
	tok[r->token_len] = '\0';
	seq = strtoul(tok + 1, &end, 10);
	if (*end != '\0' || (tok[0] != 'k' && tok[0] != 't'))
		return false;
	if (tok[0] == 'k')
		return seq <= c->keepalive_seq;
	p = &c->pings[seq % PINGS];
	if (p->seq != seq || p->sent == 0)
		return false;
	rtt = now_us() - p->sent;
	p->sent = 0;
	term_note(c->term, TR("pong from %s: round trip %.3f ms",
	                      "pong de %s: ida y vuelta %.3f ms"),
	          c->where, (double)rtt / 1000.0);
	return true;
}

static void
accepted(struct client *c, const struct reply *r)
{
	if (c->state != ST_NAMING)
		return;
	c->state = ST_CHATTING;
	c->nick_pending = false;
	term_prompt(c->term, c->nick);
	/* The server forgets a silent UDP member: speak at a third of it. */
	if (c->tr->datagram && r->idle_timeout > 0)
		c->keepalive = (int64_t)r->idle_timeout * 1000000 / 3;
}

static void
refused(struct client *c)
{
	if (c->state != ST_NAMING || !c->nick_pending)
		return;
	c->nick_pending = false;
	if (!term_interactive(c->term) && c->nick_from_option)
		finish(c, CLIENT_NICK, TR("the server refused the nickname %s",
		                          "el servidor rechazó el apodo %s"),
		       c->nick);
	else
		term_prompt(c->term, NULL);     /* type another */
}

void
client_message(struct client *c, const char *line, size_t len)
{
	struct reply r;

	c->last_rx = now_us();
	c->heard = true;
	c->keepalive_missed = 0;
	c->silence_told = false;
	reply_parse(line, len, &r);
	if (r.kind == REPLY_PONG && pong(c, &r))
		return;
	term_show(c->term, &r, line, len);
	switch (r.kind) {
	case REPLY_ACCEPTED:
		accepted(c, &r);
		break;
	case REPLY_ERROR:
	case REPLY_NEED_NICK:
		refused(c);
		break;
	case REPLY_BYE:         /* UDP has no close: the goodbye ends it */
		if (c->tr->datagram && c->state == ST_QUITTING)
			finish(c, CLIENT_OK, NULL);
		break;
	case REPLY_CLOSING:
	case REPLY_KICKED:
		if (c->tr->datagram)
			finish(c, CLIENT_LOST, TR("the server %s ended the chat",
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
	                      "servidor no se muestra"), MSG_MAX);
}

/* ---------------------------------------------------------------------------
 * What the user types
 * ------------------------------------------------------------------------ */

/* Whether to take input now. A piped session waits for the answer to its
 * nickname, and for the socket to drain (backpressure). */
static bool
want_input(const struct client *c)
{
	if (c->state != ST_NAMING && c->state != ST_CHATTING)
		return false;
	if (term_interactive(c->term))
		return true;
	return !c->nick_pending && !pending(c);
}

static void
user_line(struct client *c, const char *line, size_t len)
{
	struct msg m;

	msg_parse(line, len, &m);
	if (m.kind == MSG_EMPTY)
		return;
	if (m.kind == MSG_QUIT) {       /* salir, /quit, /quitar, /salir */
		send_msg(c, line, len);
		if (c->state != ST_DONE)
			start_quit(c);
	} else if (c->state == ST_NAMING) {
		send_nick(c, line, len, false);
	} else if (m.kind == MSG_PING) {
		send_ping(c, false);
	} else {
		send_msg(c, line, len);
	}
}

static void
input_ended(struct client *c)
{
	if (term_interactive(c->term)) {
		leave(c);
	} else if (c->state == ST_NAMING && !c->sent_any) {
		finish(c, CLIENT_USAGE, "%s", TR("no nickname: give -n NICK or "
		                                  "write it as the first line",
		                                  "falta el apodo: usa -n APODO o "
		                                  "escríbelo en la primera línea"));
	} else if (c->state == ST_NAMING) {
		finish(c, CLIENT_NICK, TR("the server refused the nickname %s",
		                          "el servidor rechazó el apodo %s"),
		       c->nick);
	} else {
		c->state = ST_DRAINING;
		c->drain_start = now_us();
	}
}

static void
read_input(struct client *c, bool readable)
{
	const char *line;
	size_t len;

	while (want_input(c)) {
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
			finish(c, CLIENT_USAGE, "stdin: %s", strerror(errno));
			return;
		}
		readable = false;
		if (term_interactive(c->term))
			return;         /* one key per poll */
	}
}

/* ---------------------------------------------------------------------------
 * Timers and the loop
 * ------------------------------------------------------------------------ */

static int64_t
drain_deadline(const struct client *c)
{
	int64_t quiet, cap;

	if (c->opt->wait_ms >= 0)
		return c->drain_start + (int64_t)c->opt->wait_ms * 1000;
	quiet = (c->last_rx > c->drain_start ? c->last_rx : c->drain_start) +
	        QUIET_US;
	cap = c->drain_start + DRAIN_MAX_US;
	return quiet < cap ? quiet : cap;
}

/* Run what is due at `now`; return the next time something will be. */
static int64_t
timers(struct client *c, int64_t now)
{
	int64_t next = INT64_MAX, t;

	if (c->state == ST_NAMING && c->nick_pending) {
		if ((t = c->nick_sent + NICK_WAIT_US) > now) {
			next = t;
		} else if (c->tr->datagram && !c->heard) {
			finish(c, CLIENT_UNREACHABLE,
			       TR("the server at %s does not answer (UDP has no "
			          "connection to tell whether a server is there): "
			          "is %s running?",
			          "el servidor en %s no responde (UDP no establece "
			          "conexión, nada indica si hay un servidor): ¿está "
			          "%s en marcha?"), c->where, c->tr->server);
			return now;
		} else {                /* a server that does not answer nicks */
			c->state = ST_CHATTING;
			c->nick_pending = false;
			term_prompt(c->term, c->nick);
		}
	}
	if (c->keepalive > 0 &&
	    (c->state == ST_CHATTING || c->state == ST_DRAINING)) {
		if ((t = c->last_tx + c->keepalive) <= now) {
			if (c->keepalive_missed >= MISSED_PINGS && !c->silence_told) {
				term_note(c->term, "%s", TR(
				    "the server has not answered for a while (UDP "
				    "cannot tell whether it is still there)",
				    "el servidor lleva un rato sin responder (UDP no "
				    "puede saber si sigue ahí)"));
				c->silence_told = true;
			}
			send_ping(c, true);
			t = now + c->keepalive;
		}
		next = t < next ? t : next;
	}
	if (c->state == ST_DRAINING) {
		if (pending(c))
			c->drain_start = now;   /* not all sent yet */
		else if ((t = drain_deadline(c)) <= now)
			leave(c);
		else
			next = t < next ? t : next;
	}
	if (c->state == ST_QUITTING) {
		if ((t = c->quit_start + QUIT_WAIT_US) <= now)
			finish(c, CLIENT_OK, NULL);
		else
			next = t < next ? t : next;
	}
	return next;
}

static void
on_signal(int sig)
{
	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_interrupt = 1;
}

static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;      /* no SA_RESTART: poll() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* One turn of the loop: signals, timers, poll, and what poll reported. */
static void
step(struct client *c)
{
	struct pollfd pfd[2];
	int64_t now, next;
	int nfds = 1, timeout = -1, rc;

	if (got_interrupt) {
		got_interrupt = 0;
		if (c->state == ST_QUITTING || c->state == ST_DONE)
			finish(c, CLIENT_OK, NULL);
		else
			leave(c);
		return;
	}
	if (got_winch) {
		got_winch = 0;
		term_resize(c->term);
	}
	now = now_us();
	next = timers(c, now);
	if (c->state == ST_DONE)
		return;
	if (want_input(c) && term_buffered(c->term)) {
		read_input(c, false);
		return;
	}
	if (next != INT64_MAX)
		timeout = next <= now ? 0 : (int)((next - now + 999) / 1000);
	pfd[0].fd = c->fd;
	pfd[0].events = POLLIN | (pending(c) ? POLLOUT : 0);
	if (want_input(c)) {
		pfd[1].fd = STDIN_FILENO;
		pfd[1].events = POLLIN;
		nfds = 2;
	}
	if ((rc = poll(pfd, (nfds_t)nfds, timeout)) < 0) {
		if (errno != EINTR)
			finish(c, CLIENT_USAGE, "poll: %s", strerror(errno));
		return;
	}
	if ((pfd[0].revents & POLLOUT) && c->tr->flush(c->tr->state, c->fd) < 0)
		io_failed(c, errno);
	if (pfd[0].revents & (POLLIN | POLLERR | POLLHUP)) {
		rc = c->tr->receive(c->tr->state, c->fd, c);
		if (rc < 0)
			io_failed(c, errno);
		else if (rc == 0 && c->state == ST_QUITTING)
			finish(c, CLIENT_OK, NULL);
		else if (rc == 0)
			finish(c, CLIENT_LOST, TR("the server %s closed the connection",
			                          "el servidor %s cerró la conexión"),
			       c->where);
	}
	if (nfds == 2 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
		read_input(c, true);
}

/* ---------------------------------------------------------------------------
 * Public interface
 * ------------------------------------------------------------------------ */

int
client_run(const struct client_options *o, const struct client_transport *t)
{
	char err[NET_ERR_LEN > TERM_ERR_LEN ? NET_ERR_LEN : TERM_ERR_LEN];
	struct client c;

	memset(&c, 0, sizeof(c));
	c.opt = o;
	c.tr = t;
	snprintf(c.where, sizeof(c.where), strchr(o->host, ':') != NULL ?
	         "[%s]:%d" : "%s:%d", o->host, o->port);
	signals();
	if ((c.fd = net_connect(o->host, o->port, t->sock_type, err)) < 0) {
		unreachable(&c, connect_cause(err, o->host));
		fprintf(stderr, "%s: %s\n", t->prog, c.why);
		return c.status;
	}
	if (net_set_nonblock(c.fd, err) < 0 ||
	    (c.term = term_new(o->color, o->timestamps, err)) == NULL) {
		fprintf(stderr, "%s: %s\n", t->prog, err);
		close(c.fd);
		return CLIENT_USAGE;
	}
	c.last_rx = c.last_tx = now_us();
	if (term_interactive(c.term))
		term_note(c.term, t->datagram ?
		          TR("UDP to %s: no connection is set up; the server "
		             "learns of you from your nickname",
		             "UDP hacia %s: no se establece conexión; el servidor "
		             "sabe de ti por tu apodo") :
		          TR("connected to %s over TCP",
		             "conectado a %s por TCP"), c.where);
	if (o->nick != NULL) {
		term_prompt(c.term, o->nick);
		send_nick(&c, o->nick, strlen(o->nick), true);
	}
	while (c.state != ST_DONE)
		step(&c);
	term_free(c.term);
	close(c.fd);
	if (c.why[0] != '\0')
		fprintf(stderr, "%s: %s\n", t->prog, c.why);
	return c.status;
}
