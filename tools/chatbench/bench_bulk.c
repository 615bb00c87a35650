/*
 * bench_bulk.c — one bulk TCP transfer, for the congestion-control lab:
 * --bulk BYTES sends BYTES over one connection as fast as TCP allows
 * (blocking writes of 64 KiB: the sender is never the limit, the network
 * and TCP are), half-closes, and waits until the other end has read
 * everything and closed; --sink is that other end (accepts one
 * connection, reads until the end, closes). The data are lines of 1000
 * bytes after a first line that names the sender "bulkPID", so a chat
 * server with no rate limit takes them too. The report: bytes, seconds,
 * goodput, and the sender's own tcp_info at the end (retransmissions,
 * congestion control).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "chatbench.h"
#include "catalog.h"

#define BULK_CHUNK (64 * 1024)
#define BULK_LINE  1000                 /* bytes of a data line, '\n' too */
#define BULK_RCVBUF (4 << 20)           /* the sink's receive buffer: asked
                                         * big (the kernel caps it at
                                         * net.core.rmem_max) so that the
                                         * receiver's window is not what
                                         * limits the sender */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One TCP socket connected to (host, port), or bound and listening on
 * port when listening. -1 with err filled. */
static int
open_socket(const struct bench_opts *o, bool listening, char *err,
            size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	                          .ai_flags = listening ? AI_PASSIVE : 0 };
	struct addrinfo *ai, *a;
	char port[16];
	int fd = -1, on = 1, rcvbuf = BULK_RCVBUF, r;

	snprintf(port, sizeof(port), "%d", o->port);
	if ((r = getaddrinfo(listening ? NULL : o->host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "%s: %s", o->host, gai_strerror(r));
		return -1;
	}
	for (a = ai; a != NULL && fd < 0; a = a->ai_next) {
		if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
		                 0)) < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (listening)          /* inherited by the accepted socket */
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			           sizeof(rcvbuf));
		if (o->cc != NULL &&
		    setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, o->cc,
		               (socklen_t)strlen(o->cc)) < 0) {
			snprintf(err, errlen, "TCP_CONGESTION %s: %s", o->cc,
			         strerror(errno));
			close(fd);
			freeaddrinfo(ai);
			return -1;
		}
		if (listening ? bind(fd, a->ai_addr, a->ai_addrlen) < 0 ||
		                listen(fd, 1) < 0
		              : connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			snprintf(err, errlen, "%s:%s: %s", listening ? "*" : o->host,
			         port, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd;
}

/* Write all of buf (blocking). 0 or -1. */
static int
write_all(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read until the end of the stream; the bytes read, or -1. */
static long long
read_all(int fd)
{
	static char buf[BULK_CHUNK];
	long long total = 0;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

/* Send o->bulk bytes: the nickname line, then 1000-byte lines. */
static int
send_bulk(int fd, uint64_t bytes)
{
	static char chunk[BULK_CHUNK];
	char nick[32];
	size_t i, n;
	int len = snprintf(nick, sizeof(nick), "bulk%ld\n", (long)getpid());

	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (i + 1) % BULK_LINE == 0 ? '\n' : 'x';
	if ((uint64_t)len > bytes)
		len = (int)bytes;
	if (write_all(fd, nick, (size_t)len) < 0)
		return -1;
	for (bytes -= (uint64_t)len; bytes > 0; bytes -= n) {
		n = bytes < sizeof(chunk) ? (size_t)bytes : sizeof(chunk);
		if (write_all(fd, chunk, n) < 0)
			return -1;
	}
	return 0;
}

/* The report, text or JSON. */
static void
report(const struct bench_opts *o, const char *role, long long bytes,
       double secs, int fd)
{
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	char cc[32] = "", *end;
	socklen_t cl = sizeof(cc) - 1;
	double mbit = secs > 0 ? bytes * 8 / secs / 1e6 : 0;

	memset(&ti, 0, sizeof(ti));
	(void)getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	(void)getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &cl);
	if ((end = memchr(cc, '\0', sizeof(cc))) == NULL)
		cc[sizeof(cc) - 1] = '\0';
	if (o->json) {
		printf("{\"type\":\"bulk\",\"role\":\"%s\",\"bytes\":%lld,"
		       "\"seconds\":%.6f,\"mbit_s\":%.3f,\"retransmissions\":%u,"
		       "\"cc\":\"%s\"}\n", role, bytes, secs, mbit,
		       ti.tcpi_total_retrans, cc);
		return;
	}
	printf(TR("%s: %lld bytes in %.3f s: %.3f Mbit/s; %u segments sent "
	          "again; congestion control %s\n",
	          "%s: %lld bytes en %.3f s: %.3f Mbit/s; %u segmentos "
	          "reenviados; control de congesti\u00f3n %s\n"),
	       strcmp(role, "sender") == 0 ? TR("sent", "enviado")
	                                   : TR("received", "recibido"),
	       bytes, secs, mbit, ti.tcpi_total_retrans, cc);
}

int
bench_bulk(const struct bench_opts *o, char *err, size_t errlen)
{
	int fd = open_socket(o, false, err, errlen);
	double t0;
	long long back;

	if (fd < 0)
		return -1;
	t0 = now_s();
	if (send_bulk(fd, o->bulk) < 0 || shutdown(fd, SHUT_WR) < 0 ||
	    (back = read_all(fd)) < 0) {     /* the sink closes when done */
		snprintf(err, errlen, "%s:%d: %s", o->host, o->port,
		         strerror(errno));
		close(fd);
		return -1;
	}
	report(o, "sender", (long long)o->bulk, now_s() - t0, fd);
	close(fd);
	return 0;
}

int
bench_sink(const struct bench_opts *o, char *err, size_t errlen)
{
	int ls = open_socket(o, true, err, errlen), fd;
	long long got;
	double t0;

	if (ls < 0)
		return -1;
	fprintf(stderr, TR("chatbench: sink listening on port %d\n",
	                   "chatbench: sumidero escuchando en el puerto %d\n"),
	        o->port);
	while ((fd = accept(ls, NULL, NULL)) < 0 && errno == EINTR)
		;
	close(ls);
	if (fd < 0) {
		snprintf(err, errlen, "accept: %s", strerror(errno));
		return -1;
	}
	t0 = now_s();
	if ((got = read_all(fd)) < 0) {
		snprintf(err, errlen, "recv: %s", strerror(errno));
		close(fd);
		return -1;
	}
	report(o, "sink", got, now_s() - t0, fd);
	close(fd);
	return 0;
}
