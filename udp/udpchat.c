/*
 * udpchat.c — the UDP chat client. UDP carries datagrams: one message is
 * one send(), and one recv() returns exactly one datagram, so there is no
 * framing to do (a datagram from the server may hold several lines). The
 * socket is "connected" only in the sense that the kernel remembers the
 * server's address: nothing is exchanged, no one answers, and a server
 * that is not there shows up only as an ICMP "port unreachable", which
 * Linux reports as ECONNREFUSED on a later send() or recv() of that
 * socket. Everything else is the shared client core (shared/client.c),
 * the same as tcpchat's; it also keeps the UDP member alive with /ping.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "client.h"

#define UDPCHAT_PORT     5001
#define UDPCHAT_DGRAM_MAX 65536 /* the largest datagram recv() can return */

/* ---------------------------------------------------------------------------
 * The transport: one message per datagram
 * ------------------------------------------------------------------------ */

/* One message, one datagram. EAGAIN or ENOBUFS: the datagram was not sent
 * (UDP does not queue for us), which the core reports as ENOBUFS. */
static int
udp_send(void *state, int fd, const char *msg, size_t len)
{
	(void)state;
	while (send(fd, msg, len, 0) < 0) {
		if (errno == EINTR)
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

/* Read datagrams until there are none left (EAGAIN). */
static int
udp_receive(void *state, int fd, struct client *c)
{
	static char d[UDPCHAT_DGRAM_MAX];
	ssize_t n;

	(void)state;
	for (;;) {
		n = recv(fd, d, sizeof(d), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* ECONNREFUSED here is the ICMP port unreachable. */
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
		.sock_type = SOCK_DGRAM, .default_port = UDPCHAT_PORT,
		.datagram = true, .state = NULL,
		.connected = NULL, .send = udp_send, .flush = NULL, .pending = NULL,
		.receive = udp_receive,
	};
	struct client_options opt;
	int rc;

	if ((rc = client_cli_parse(argc, argv, &udp, &opt)) != 0)
		return rc < 0 ? CLIENT_USAGE : CLIENT_OK;
	return client_run(&opt, &udp);
}
