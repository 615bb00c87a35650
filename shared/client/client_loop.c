/*
 * client_loop.c — the chat client's loop: connect, then one poll() on stdin
 * and the socket at a time, the timers (the answer to a nickname, the UDP
 * keepalive, the end of a piped session, the wait for the server to close)
 * and the signals. What each event means is client.c's business.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "catalog.h"
#include "client.h"
#include "client_impl.h"
#include "net.h"
#include "term.h"

static volatile sig_atomic_t got_interrupt, got_winch;

/* ---------------------------------------------------------------------------
 * Errors of the connection itself
 * ------------------------------------------------------------------------ */

/* net_connect() says "HOST: REASON" (already in the user's language):
 * the reason. */
static const char *
connect_cause(const char *err, const char *host)
{
	size_t n = strlen(host);

	if (strncmp(err, host, n) == 0 && strncmp(err + n, ": ", 2) == 0)
		err += n + 2;
	return err;
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
	        CLIENT_QUIET_US;
	cap = c->drain_start + CLIENT_DRAIN_MAX_US;
	return quiet < cap ? quiet : cap;
}

/*
 * Leaving a stream. A redchat server closes the connection as soon as it
 * reads "/quit", so the server closes first, as labs 1 and 2 show. One
 * that has not closed CLIENT_SHUT_AFTER_US after it, though "/quit" has
 * gone, gets our side closed (shutdown SHUT_WR, as nc -N does), and we read
 * until it closes. A close() instead, with the server's lines unread,
 * would reset the connection, and the server would lose what it had not
 * read yet. Returns when to look again.
 */
static int64_t
quit_timers(struct client *c, int64_t now)
{
	int64_t t, shut_at = c->quit_start + CLIENT_SHUT_AFTER_US;

	if (!c->tr->datagram && !c->pipe.shut && !client_pending(c) &&
	    now >= shut_at) {
		c->pipe.shut = true;
		if (shutdown(c->fd, SHUT_WR) < 0 && errno != ENOTCONN)
			client_io_failed(c, errno);
	}
	t = (c->last_rx > c->quit_start ? c->last_rx : c->quit_start) +
	    CLIENT_QUIT_WAIT_US;
	if (t <= now) {
		client_finish(c, CLIENT_OK, NULL);
		return now;
	}
	return !c->tr->datagram && !c->pipe.shut && shut_at < t ? shut_at : t;
}

/* UDP: keep the server from forgetting us (a hidden /ping). */
static int64_t
keepalive_timers(struct client *c, int64_t now)
{
	int64_t t = c->last_tx + c->keepalive;

	if (t > now)
		return t;
	if (c->keepalive_missed >= CLIENT_MISSED_PINGS && !c->silence_told) {
		term_note(c->term, "%s", TR(
		    "the server has not answered for a while (UDP "
		    "cannot tell whether it is still there)",
		    "el servidor lleva un rato sin responder (UDP no "
		    "puede saber si sigue ahí)"));
		c->silence_told = true;
	}
	client_send_ping(c, true);
	return now + c->keepalive;
}

/* Piped input over: leave once all is sent (and read) and the replies
 * have been listened to. */
static int64_t
drain_timers(struct client *c, int64_t now)
{
	int64_t t;

	if (client_pending(c) || c->udp.rejoining || client_pipe_unread(c) > 0) {
		c->drain_start = now;   /* not all sent (or read) yet */
		return INT64_MAX;
	}
	if ((t = drain_deadline(c)) > now)
		return t;
	client_leave(c);
	return now;
}

/* Run what is due at `now`; return the next time something will be. */
static int64_t
timers(struct client *c, int64_t now)
{
	int64_t next = INT64_MAX, t;

	if (c->tr->datagram) {
		next = client_udp_timers(c, now);       /* nickname retries */
		if (c->state == CLIENT_DONE)
			return now;
		if ((t = client_udp_pace(c, now)) > 0 && t < next)
			next = t;                       /* the next line's turn */
	} else if (c->state == CLIENT_NAMING && c->nick_pending) {
		if ((t = c->nick_sent + CLIENT_NICK_WAIT_US) > now) {
			next = t;
		} else {                /* a server that does not answer nicks */
			c->state = CLIENT_CHATTING;
			c->nick_pending = false;
			term_prompt(c->term, c->nick);
		}
	}
	if (c->keepalive > 0 && !c->udp.rejoining &&
	    (c->state == CLIENT_CHATTING || c->state == CLIENT_DRAINING) &&
	    (t = keepalive_timers(c, now)) < next)
		next = t;
	if (c->state == CLIENT_CHATTING || c->state == CLIENT_DRAINING) {
		t = client_pipe_timers(c, now); /* piped lines the server owes */
		if (c->state == CLIENT_DONE)
			return now;
		next = t < next ? t : next;
	}
	if (c->state == CLIENT_DRAINING && (t = drain_timers(c, now)) < next)
		next = t;
	if (c->state == CLIENT_QUITTING && (t = quit_timers(c, now)) < next)
		next = t;
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
		if (c->state == CLIENT_QUITTING || c->state == CLIENT_DONE)
			client_finish(c, CLIENT_OK, NULL);
		else
			client_leave(c);
		return;
	}
	if (got_winch) {
		got_winch = 0;
		term_resize(c->term);
	}
	now = client_now();
	next = timers(c, now);
	if (c->state == CLIENT_DONE)
		return;
	if (client_want_input(c) && term_buffered(c->term)) {
		client_read_input(c, false);
		return;
	}
	if (next != INT64_MAX)
		timeout = next <= now ? 0 : (int)((next - now + 999) / 1000);
	pfd[0].fd = c->fd;
	pfd[0].events = POLLIN | (client_pending(c) ? POLLOUT : 0);
	if (client_want_input(c)) {
		pfd[1].fd = STDIN_FILENO;
		pfd[1].events = POLLIN;
		nfds = 2;
	}
	if ((rc = poll(pfd, (nfds_t)nfds, timeout)) < 0) {
		if (errno != EINTR)
			client_finish(c, CLIENT_USAGE, "poll: %s", strerror(errno));
		return;
	}
	if ((pfd[0].revents & POLLOUT) && c->tr->flush(c->tr->state, c->fd) < 0)
		client_io_failed(c, errno);
	if (pfd[0].revents & (POLLIN | POLLERR | POLLHUP)) {
		rc = c->tr->receive(c->tr->state, c->fd, c);
		if (rc < 0)
			client_io_failed(c, errno);
		else if (rc == 0 && c->state == CLIENT_QUITTING)
			client_finish(c, CLIENT_OK, NULL);
		else if (rc == 0)
			client_lost(c, TR("the server %s closed the connection",
			                  "el servidor %s cerró la conexión"),
			            c->where);
	}
	if (nfds == 2 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
		client_read_input(c, true);
}

/* ---------------------------------------------------------------------------
 * Public interface
 * ------------------------------------------------------------------------ */

int
client_run(const struct client_options *o,
           const struct client_transport *t)
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
		if (errno == 0)         /* the name: no server to blame */
			client_finish(&c, CLIENT_UNREACHABLE,
			              TR("cannot find the host %s (%s): is the "
			                 "name right?",
			                 "no se encuentra la máquina %s (%s): ¿está "
			                 "bien escrito el nombre?"),
			              o->host, connect_cause(err, o->host));
		else
			client_unreachable(&c, connect_cause(err, o->host));
		fprintf(stderr, "%s: %s\n", t->prog, c.why);
		return c.status;
	}
	if (t->connected != NULL && t->connected(t->state, c.fd) < 0)
		snprintf(err, sizeof(err), "%s", strerror(errno));
	else if (net_set_nonblock(c.fd, err) == 0 &&
	         (c.term = term_new(o->color, o->timestamps, err)) != NULL)
		err[0] = '\0';
	if (err[0] != '\0') {
		fprintf(stderr, "%s: %s\n", t->prog, err);
		close(c.fd);
		return CLIENT_USAGE;
	}
	c.last_rx = c.last_tx = client_now();
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
		client_send_nick(&c, o->nick, strlen(o->nick), true);
	}
	while (c.state != CLIENT_DONE)
		step(&c);
	term_free(c.term);
	close(c.fd);
	if (c.why[0] != '\0')
		fprintf(stderr, "%s: %s\n", t->prog, c.why);
	return c.status;
}
