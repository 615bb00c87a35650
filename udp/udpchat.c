/*
 * udpchat.c — the UDP chat client. UDP carries datagrams: one message is
 * one send(), and one recv() returns exactly one datagram, so there is no
 * framing to do (a datagram from the server may hold several lines). The
 * socket is "connected" only in the sense that the kernel remembers the
 * server's address: nothing is exchanged, no one answers, and a server
 * that is not there shows up only as an ICMP "port unreachable", which
 * Linux reports as ECONNREFUSED on a later send() or recv() of that
 * socket, and, with IP_RECVERR, as an entry in the socket's error queue
 * that also holds the start of the datagram that bounced. Everything else
 * is the shared client core (shared/client/client.c), the same as
 * tcpchat's, and the UDP session (shared/client/client_udp.c): nickname
 * retries, keepalive /ping, lines kept while the server is away.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>               /* before linux/errqueue.h */
#include <linux/errqueue.h>

#include "client.h"
#include "defaults.h"

#define UDPCHAT_DGRAM_MAX 65536 /* the largest datagram recv() can return */
#define UDPCHAT_BOUNCED   1100  /* of a datagram that bounced: its start */

/* ---------------------------------------------------------------------------
 * The transport: one message per datagram
 * ------------------------------------------------------------------------ */

/* Ask for ICMP errors on the error queue (ip(7) IP_RECVERR): each tells
 * which datagram bounced. The socket's family decides which option. */
static int
udp_connected(void *state, int fd)
{
	int one = 1;

	(void)state;
	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) < 0)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	return 0;       /* without it, ECONNREFUSED still says as much */
}

/* One message, one datagram. EAGAIN or ENOBUFS: the datagram was not sent
 * (UDP does not queue for us), which the core reports as ENOBUFS. An
 * ECONNREFUSED here is about an earlier datagram (and the error queue
 * says which): this one was not sent yet, so it is tried once more. */
static int
udp_send(void *state, int fd, const char *msg, size_t len)
{
	int tries = 0;

	(void)state;
	while (send(fd, msg, len, 0) < 0) {
		if (errno == EINTR || (errno == ECONNREFUSED && tries++ == 0))
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			errno = ENOBUFS;
		return -1;
	}
	return 0;
}

/* Hand each line of datagram d[0..n) to the core. */
static void
udp_lines(struct client *c, const char *d, size_t n)
{
	const char *nl;
	size_t len;

	while (n > 0) {
		nl = memchr(d, '\n', n);
		len = nl != NULL ? (size_t)(nl - d) : n;
		if (len > 0 && d[len - 1] == '\r')
			client_message(c, d, len - 1);
		else if (len > 0)
			client_message(c, d, len);
		if (nl == NULL)
			break;
		d += len + 1;
		n -= len + 1;
	}
}

/* The errno an error-queue entry carries (struct sock_extended_err). */
static int
udp_error_of(struct msghdr *h)
{
	struct cmsghdr *cm;
	const struct sock_extended_err *ee;

	for (cm = CMSG_FIRSTHDR(h); cm != NULL; cm = CMSG_NXTHDR(h, cm))
		if ((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
		    (cm->cmsg_level == IPPROTO_IPV6 &&
		     cm->cmsg_type == IPV6_RECVERR)) {
			ee = (const struct sock_extended_err *)CMSG_DATA(cm);
			return (int)ee->ee_errno;
		}
	return 0;
}

/* Hand every datagram of the error queue that bounced with "port
 * unreachable" to the core; its data is the start of what we sent. */
static void
udp_errors(int fd, struct client *c)
{
	char data[UDPCHAT_BOUNCED], control[512];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr h;
	ssize_t n;

	for (;;) {
		memset(&h, 0, sizeof(h));
		h.msg_iov = &iov;
		h.msg_iovlen = 1;
		h.msg_control = control;
		h.msg_controllen = sizeof(control);
		if ((n = recvmsg(fd, &h, MSG_ERRQUEUE | MSG_DONTWAIT)) < 0)
			return;
		if (udp_error_of(&h) == ECONNREFUSED)
			client_bounced(c, data, (size_t)n);
	}
}

/* Read datagrams until there are none left (EAGAIN). */
static int
udp_receive(void *state, int fd, struct client *c)
{
	static char d[UDPCHAT_DGRAM_MAX];
	ssize_t n;

	(void)state;
	udp_errors(fd, c);
	for (;;) {
		n = recv(fd, d, sizeof(d), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECONNREFUSED) {    /* ICMP port unreachable */
				udp_errors(fd, c);
				return 1;
			}
			return errno == EAGAIN || errno == EWOULDBLOCK ? 1 : -1;
		}
		udp_lines(c, d, (size_t)n);
	}
}

/* ---------------------------------------------------------------------------
 * main
 * ------------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	struct client_transport udp = {
		.prog = "udpchat", .server = "udpchatd",
		.sock_type = SOCK_DGRAM, .default_port = REDCHAT_UDP_PORT,
		.datagram = true, .state = NULL,
		.connected = udp_connected, .send = udp_send, .flush = NULL, .pending = NULL,
		.receive = udp_receive,
	};
	struct client_options opt;
	int rc;

	if ((rc = client_cli_parse(argc, argv, &udp, &opt)) != 0)
		return rc < 0 ? CLIENT_USAGE : CLIENT_OK;
	return client_run(&opt, &udp);
}
