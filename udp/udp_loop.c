/*
 * udp_loop.c — udpchatd's transport: one UDP socket served by an epoll
 * event loop, on the same room as tcpchatd (seed 003, "Versión UDP").
 *
 * There are no connections. One socket receives every datagram; the source
 * address and port say who sent it (udp_peers.c). From an unknown address,
 * a datagram is a nickname when it is "/nick NAME" or one word; anything
 * else is answered "who are you?" (the room's ask_who), so that a line from
 * a member the server has forgotten (it restarted) is never taken for a
 * nickname. Every later datagram is one message (a trailing "\n" or "\r\n"
 * is optional and removed). Every line the room produces leaves as one
 * datagram (udp_outbox.c). Nothing tells the server that a member has
 * gone, except two hints: an ICMP "port unreachable" for a member whose
 * socket is closed (udp_sock.c) removes it at once; a member silent for
 * longer than --idle-timeout is removed by the room (room_tick; clients
 * keep alive with /ping), which also decides who gives way in a full room.
 * Datagrams from the server's own address and port are ignored.
 *
 * One thread, one epoll loop over four descriptors: the socket, a timerfd
 * for the room's next deadline, a signalfd for Ctrl-C/SIGTERM and the
 * operator's console.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "clock.h"
#include "log.h"
#include "msg.h"
#include "net.h"
#include "room.h"
#include "server.h"
#include "udp_loop.h"
#include "udp_outbox.h"
#include "udp_peers.h"
#include "udp_sock.h"

#define UDPD_DGRAM_MAX  (MSG_MAX + 2)     /* a message and its "\r\n" */
#define UDPD_BATCH      32                /* datagrams per recvmmsg() */
#define UDPD_BATCHES    8                 /* recvmmsg() calls per wake-up */
#define UDPD_SOCKBUF    (4 * 1024 * 1024) /* asked for each way */

/* What an epoll event is about. */
enum udpd_source { UDPD_SOCKET, UDPD_TIMER, UDPD_SIGNAL, UDPD_CONSOLE };

struct udpd {
	int                   fd, sig;    /* the caller's socket and signalfd */
	int                   ep, timer;  /* ours; -1 when not open */
	uint64_t              timer_at;   /* when the timer fires; 0: disarmed */
	int                   port;       /* ours, to know our own datagrams */
	struct room          *room;
	struct udp_peers      peers;
	struct udp_outbox     out;
	struct server_console console;
	unsigned long         received, too_long, self, unreachable;
	/* One recvmmsg() batch: a header, an address and a buffer each. */
	struct mmsghdr        msgs[UDPD_BATCH];
	struct iovec          iov[UDPD_BATCH];
	union udp_addr        from[UDPD_BATCH];
	char                  data[UDPD_BATCH][UDPD_DGRAM_MAX];
};

/* ---------------------------------------------------------------------------
 * The room's callbacks: a line for a member is a datagram to its address;
 * closing a member is forgetting its address (there is nothing to close).
 * ------------------------------------------------------------------------ */

static void
udpd_send(void *transport, void *conn, const char *line, size_t len)
{
	struct udpd *d = transport;
	struct udp_peer *peer = conn;

	udp_outbox_add(&d->out, &peer->addr, peer->addrlen, line, len);
}

static void
udpd_close(void *transport, void *conn)
{
	struct udpd *d = transport;

	udp_peers_remove(&d->peers, conn);   /* queued datagrams keep a copy */
}

static const struct room_ops udpd_ops = { udpd_send, udpd_close, NULL,
                                          server_console_print };

/* ---------------------------------------------------------------------------
 * Members arriving, and the room's clock
 * ------------------------------------------------------------------------ */

/*
 * A datagram from an address the server does not know: a new member without
 * a nickname (when the room is full, the room decides who gives way, as
 * over TCP). Returns the peer, or NULL when the room refused it (it was
 * told so) or memory ran out.
 */
static struct udp_peer *
udpd_admit(struct udpd *d, const union udp_addr *from, socklen_t fromlen)
{
	struct udp_peer *peer;
	char addr[NET_ADDR_LEN];

	if ((peer = udp_peers_add(&d->peers, &from->sa, fromlen)) == NULL) {
		log_error("%s: %s", net_addr_str(&from->sa, fromlen, addr),
		          TR("out of memory or unknown address family",
		             "sin memoria o familia de direcciones desconocida"));
		return NULL;
	}
	peer->data = room_join(d->room, peer, net_addr_str(&from->sa, fromlen,
	                                                   addr));
	if (peer->data == NULL) {            /* full: the notice has been sent */
		udp_peers_remove(&d->peers, peer);
		return NULL;
	}
	return peer;
}

/* The room's deadline came: it removes who is due, through udpd_close. */
static void
udpd_on_timer(struct udpd *d)
{
	uint64_t ticks;

	if (read(d->timer, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		log_debug("timerfd: %s", strerror(errno));
	d->timer_at = 0;
	room_tick(d->room, clock_ms());
	udp_outbox_flush(&d->out);
}

/*
 * Arm the timer for the room's next deadline, unless it is set to fire
 * earlier anyway. Activity only moves deadlines later, so an early wake-up
 * finds nothing to do and re-arms: one timerfd_settime() per deadline, not
 * one per datagram.
 */
static void
udpd_arm_timer(struct udpd *d)
{
	struct itimerspec its;
	uint64_t at = room_deadline(d->room);

	if (at == UINT64_MAX || (d->timer_at != 0 && d->timer_at <= at))
		return;
	if (at == 0)
		at = 1;                          /* 0 would disarm it */
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(at / 1000);
	its.it_value.tv_nsec = (long)(at % 1000) * 1000000;
	if (timerfd_settime(d->timer, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		d->timer_at = at;
}

/* ---------------------------------------------------------------------------
 * Datagrams in
 * ------------------------------------------------------------------------ */

/*
 * One datagram of len bytes from `from`; truncated when it did not fit in
 * UDPD_DGRAM_MAX bytes (MSG_TRUNC). Every datagram, even a bad one, counts
 * as a sign of life.
 */
static void
udpd_datagram(struct udpd *d, const union udp_addr *from, socklen_t fromlen,
              const char *data, size_t len, bool truncated)
{
	struct udp_peer *peer;
	char addr[NET_ADDR_LEN];

	peer = udp_peers_find(&d->peers, &from->sa, fromlen);
	if (peer == NULL && udp_sock_is_self(d->port, &from->sa, fromlen)) {
		d->self++;      /* forged: answering would talk to ourselves */
		log_debug(TR("%s: a datagram from the server's own address and "
		             "port, ignored", "%s: un datagrama desde la propia "
		             "dirección y puerto del servidor, ignorado"),
		          net_addr_str(&from->sa, fromlen, addr));
		return;
	}
	if (peer == NULL && (peer = udpd_admit(d, from, fromlen)) == NULL)
		return;

	/* One datagram, one message: a trailing "\n" or "\r\n" is optional.
	 * Newlines inside it are not separators; the room escapes them. */
	if (len > 0 && data[len - 1] == '\n')
		len--;
	if (len > 0 && data[len - 1] == '\r')
		len--;
	if (truncated) {        /* over the buffer; shorter ones: the room */
		d->too_long++;
		room_too_long(d->room, peer->data);
		return;
	}
	room_input(d->room, peer->data, data, len);  /* false: peer is gone */
}

/*
 * The socket is readable: take datagrams in batches until none is left, or
 * UDPD_BATCHES batches were taken (then the loop looks at the timer and
 * signals before coming back: level-triggered epoll reports the rest).
 */
static void
udpd_on_socket(struct udpd *d)
{
	struct msghdr *h;
	int i, n, b;

	for (b = 0; b < UDPD_BATCHES; b++) {
		for (i = 0; i < UDPD_BATCH; i++) {
			d->iov[i].iov_base = d->data[i];
			d->iov[i].iov_len = sizeof(d->data[i]);
			h = &d->msgs[i].msg_hdr;
			memset(h, 0, sizeof(*h));
			h->msg_name = &d->from[i];
			h->msg_namelen = sizeof(d->from[i]);
			h->msg_iov = &d->iov[i];
			h->msg_iovlen = 1;
		}
		n = recvmmsg(d->fd, d->msgs, UDPD_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0 && udp_sock_icmp_errno(errno))
			continue;       /* reported and cleared; see udpd_on_errors */
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_debug("recvmmsg: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			h = &d->msgs[i].msg_hdr;
			d->received++;
			udpd_datagram(d, &d->from[i], h->msg_namelen, d->data[i],
			              d->msgs[i].msg_len,
			              (h->msg_flags & MSG_TRUNC) != 0);
		}
		udp_outbox_flush(&d->out);
		if (n < UDPD_BATCH)
			break;
	}
}

/*
 * ICMP errors queued on the socket (epoll says EPOLLERR). A member whose
 * address answered "port unreachable" has closed its socket: it is removed
 * now, with a leave notice, rather than after the idle timeout. Other
 * errors (host unreachable, ...) may pass; the idle timeout handles them.
 */
static void
udpd_on_errors(struct udpd *d)
{
	struct udp_peer *peer;
	union udp_addr to;
	socklen_t tolen;
	char addr[NET_ADDR_LEN];
	int err, n;

	while ((n = udp_sock_error(d->fd, &to, &tolen, &err)) > 0) {
		log_debug("%s: %s (ICMP)", net_addr_str(&to.sa, tolen, addr),
		          strerror(err));
		if (err != ECONNREFUSED ||
		    (peer = udp_peers_find(&d->peers, &to.sa, tolen)) == NULL)
			continue;
		d->unreachable++;
		room_leave(d->room, peer->data, ROOM_LEAVE_UNREACHABLE);
		udp_peers_remove(&d->peers, peer);
	}
	if (n < 0)
		log_debug("MSG_ERRQUEUE: %s", strerror(errno));
	udp_outbox_flush(&d->out);
}

/* ---------------------------------------------------------------------------
 * Start, loop, stop
 * ------------------------------------------------------------------------ */

/* Large socket buffers absorb bursts (a full receive buffer drops
 * datagrams silently). SO_RCVBUFFORCE passes net.core.rmem_max when the
 * server may; otherwise the kernel caps the request. */
static void
udpd_buffers(int fd)
{
	int size = UDPD_SOCKBUF, rcv = 0, snd = 0;
	socklen_t len = sizeof(int);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, &len);
	len = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, &len);
	log_debug(TR("socket buffers: receive %d bytes, send %d bytes "
	             "(asked for %d each)",
	             "búferes del socket: recepción %d bytes, envío %d bytes "
	             "(pedidos %d cada uno)"), rcv, snd, size);
}

static int
udpd_watch(struct udpd *d, int fd, enum udpd_source what)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;           /* EPOLLERR is always reported */
	ev.data.u32 = what;
	return epoll_ctl(d->ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Set up around the socket fd and the signalfd sig (both the caller's);
 * -1 when something could not be set up (logged); udpd_free() cleans up. */
static int
udpd_init(struct udpd *d, const struct server_opts *o, int fd, int sig)
{
	struct room_config cfg;
	char err[NET_ERR_LEN];

	server_room_config(o, SERVER_UDP, &cfg);
	cfg.ask_who = true;             /* UDP sessions: see the top */

	d->fd = fd;
	d->sig = sig;
	server_console_init(&d->console);
	udp_outbox_init(&d->out, fd);
	if (net_set_nonblock(fd, err) < 0) {
		log_error("%s", err);
		return -1;
	}
	udpd_buffers(fd);
	d->port = net_local_port(fd);
	if (udp_sock_recverr(fd) < 0)
		log_debug("IP_RECVERR: %s", strerror(errno));
	d->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	d->ep = epoll_create1(EPOLL_CLOEXEC);
	if (d->timer < 0 || d->ep < 0 ||
	    udpd_watch(d, fd, UDPD_SOCKET) < 0 ||
	    udpd_watch(d, d->timer, UDPD_TIMER) < 0 ||
	    udpd_watch(d, sig, UDPD_SIGNAL) < 0 ||
	    (d->console.fd >= 0 &&
	     udpd_watch(d, d->console.fd, UDPD_CONSOLE) < 0)) {
		log_error("epoll: %s", strerror(errno));
		return -1;
	}
	if (udp_peers_init(&d->peers) < 0 ||
	    (d->room = room_new(&cfg, &udpd_ops, d)) == NULL) {
		log_error("%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

/* Serve until a signal or the operator's /quit. Returns 0, or -1 when
 * the event loop itself fails (logged). */
static int
udpd_serve(struct udpd *d)
{
	struct epoll_event ev[8];
	int i, n;

	for (;;) {
		udpd_arm_timer(d);
		n = epoll_wait(d->ep, ev, 8, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (i = 0; i < n; i++) {
			switch (ev[i].data.u32) {
			case UDPD_SOCKET:
				if (ev[i].events & EPOLLERR)
					udpd_on_errors(d);
				if (ev[i].events & EPOLLIN)
					udpd_on_socket(d);
				break;
			case UDPD_TIMER:
				udpd_on_timer(d);
				break;
			case UDPD_SIGNAL:
				if (!server_signal_read(d->sig, d->room))
					return 0;
				break;
			case UDPD_CONSOLE:
				if (!server_console_read(&d->console, d->room))
					return 0;
				udp_outbox_flush(&d->out);
				break;
			}
		}
	}
}

/* Tell the members the server is closing, then free what udpd_init()
 * set up, even partly (the socket and the signalfd stay the caller's). */
static void
udpd_free(struct udpd *d)
{
	if (d->room != NULL) {
		log_info(TR("closing: clients told (%zu)",
		            "cerrando: clientes avisados (%zu)"),
		         room_connections(d->room));
		room_free(d->room, true);
		udp_outbox_flush(&d->out);
		log_debug(TR("datagrams received: %lu (too long: %lu, from "
		             "the server's own address: %lu); sent: %lu; refused "
		             "by the kernel: %lu; members unreachable: %lu",
		             "datagramas recibidos: %lu (demasiado largos: %lu, "
		             "desde la propia dirección del servidor: %lu); "
		             "enviados: %lu; rechazados por el núcleo: %lu; "
		             "miembros inalcanzables: %lu"),
		          d->received, d->too_long, d->self, d->out.sent,
		          d->out.failed, d->unreachable);
	}
	udp_peers_free(&d->peers);
	server_console_free(&d->console);
	if (d->ep >= 0)
		close(d->ep);
	if (d->timer >= 0)
		close(d->timer);
}

int
udp_loop_run(const struct server_opts *o, int fd, int sigfd)
{
	struct udpd *d;
	int status = 1;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		log_error("%s", strerror(ENOMEM));
		return 1;
	}
	d->ep = d->timer = -1;
	if (udpd_init(d, o, fd, sigfd) == 0 && udpd_serve(d) == 0)
		status = 0;
	udpd_free(d);
	free(d);
	return status;
}
