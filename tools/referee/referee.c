/*
 * referee.c — a second referee for the load figures, NOT a chat client.
 *
 * `make bench` measures the servers with chatbench; this program measures
 * them again with nothing of chatbench's engine: one thread, one epoll set
 * over every client socket, each socket read as fast as it can (until
 * EAGAIN), its own framing and its own counting. M of the N clients also
 * blast K messages of S bytes each, as fast as their sockets take them.
 *
 * Each client first sends a nickname ("r7"), then waits until a sync line
 * from client 0 reaches everyone (it is repeated every 100 ms, so a client
 * the server had not joined yet gets a later one). A message is the line
 *
 *     #R<sender> <seq> xxxx...\n          (S bytes with the newline)
 *
 * and is found anywhere in a received line, so a server's "r3: " prefix
 * and lines that are not messages (greetings, joins, a relay's copy of a
 * nickname) do not matter. Per receiver and sender the sequence must grow
 * by one: anything else is counted as out of order.
 *
 * It prints the messages delivered, those not delivered in time on live
 * connections, those lost with a closed connection, each receiver's count,
 * and the server's CPU per delivery (its CPU clock, or utime + stime from
 * /proc/PID/stat, read before the first message and after the last).
 *
 *   referee -p PORT [--clients N] [--senders M] [--messages K] [--size S]
 *           [--server-pid PID] [--wait SECONDS] [--json] [--lang es|en]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "lang.h"
#include "net.h"
#include "referee.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* utime + stime of /proc/PID/stat (fields 14 and 15; field 2, the
 * command name in parentheses, may hold spaces: count after its ')'), in
 * seconds, or -1. */
static double
stat_cpu_s(long pid)
{
	char path[64], text[1024], *p;
	unsigned long long ticks = 0;
	int fd, field;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	if ((p = strrchr(text, ')')) == NULL)
		return -1;
	for (field = 3, p++; field <= 15 && *p != '\0'; field++) {
		while (*p == ' ')
			p++;
		if (field >= 14)
			ticks += strtoull(p, NULL, 10);
		p = strchr(p, ' ') ? strchr(p, ' ') : p + strlen(p);
	}
	return field == 16 ? (double)ticks / (double)sysconf(_SC_CLK_TCK) : -1;
}

/* The server's CPU time in seconds (every thread), or -1: its CPU clock,
 * to the nanosecond, when the kernel lets us read it; else /proc's ticks
 * (10 ms: coarse for a short run). */
static double
server_cpu_s(long pid)
{
	struct timespec ts;
	clockid_t clk;

	if (pid <= 0)
		return -1;
	if (clock_getcpuclockid((pid_t)pid, &clk) == 0 &&
	    clock_gettime(clk, &ts) == 0)
		return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return stat_cpu_s(pid);
}

/* ---------------------------------------------------------------------------
 * Setting up: connect, send nicknames, wait until everyone hears client 0
 * ------------------------------------------------------------------------ */

static int
connect_all(struct referee *r, const char *host, int port)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct epoll_event ev = { .events = EPOLLIN };
	char nick[32];
	int i, one = 1;
	bool v6 = strchr(host, ':') != NULL;

	a4.sin_port = a6.sin6_port = htons((unsigned short)port);
	if ((v6 ? inet_pton(AF_INET6, host, &a6.sin6_addr)
	        : inet_pton(AF_INET, host, &a4.sin_addr)) != 1) {
		fprintf(stderr, TR("referee: %s: not an IP address\n",
		                   "referee: %s: no es una dirección IP\n"), host);
		return -1;
	}
	for (i = 0; i < r->n; i++) {
		struct peer *p = &r->p[i];

		if ((p->fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM,
		                    0)) < 0) {
			fprintf(stderr, "referee: socket: %s\n",
			        net_strerror(errno));
			return -1;
		}
		p->open = true;         /* closed on the way out, whatever comes */
		if (connect(p->fd, v6 ? (struct sockaddr *)&a6
		                      : (struct sockaddr *)&a4,
		            v6 ? sizeof(a6) : sizeof(a4)) < 0) {
			fprintf(stderr, "referee: connect: %s\n",
			        net_strerror(errno));
			return -1;
		}
		snprintf(nick, sizeof(nick), "r%d\n", i);
		ev.data.u32 = (uint32_t)i;
		if (setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one,
		               sizeof(one)) < 0 || ref_say(p, nick) < 0 ||
		    epoll_ctl(r->ep, EPOLL_CTL_ADD, p->fd, &ev) < 0) {
			fprintf(stderr, "referee: %s\n", net_strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Client 0 says REF_SYNC every 100 ms until every other client heard it
 * (so every one has joined), for at most 10 s. */
static int
sync_all(struct referee *r)
{
	struct epoll_event ev[256];
	double start = now_s(), said = 0;
	int i, n, missing = r->n - 1;

	while (missing > 0) {
		if (now_s() - start > 10) {
			fprintf(stderr, TR("referee: %d clients never joined "
			                   "in 10 s\n",
			                   "referee: %d clientes no entraron "
			                   "en 10 s\n"), missing);
			return -1;
		}
		if (now_s() - said >= 0.1) {
			if (ref_say(&r->p[0], REF_SYNC "\n") < 0)
				return -1;
			said = now_s();
		}
		n = epoll_wait(r->ep, ev, 256, 20);
		for (i = 0; i < n; i++)
			if (ref_drain(r, &r->p[ev[i].data.u32]) < 0) {
				fprintf(stderr, TR("referee: the server "
				        "closed client %u before the run\n",
				        "referee: el servidor cerró el cliente "
				        "%u antes de la prueba\n"),
				        ev[i].data.u32);
				return -1;
			}
		for (missing = 0, i = 1; i < r->n; i++)
			missing += !r->p[i].synced;
	}
	return 0;
}

/* ---------------------------------------------------------------------------
 * The run and the report
 * ------------------------------------------------------------------------ */

static long
expected_of(const struct referee *r, int i)
{
	return (r->senders - (i < r->senders)) * r->messages;
}

static long
delivered(const struct referee *r)
{
	long sum = 0;
	int i;

	for (i = 0; i < r->n; i++)
		sum += r->p[i].got;
	return sum;
}

/* One event on client id: read what came, send what the socket takes.
 * Returns REF_GOT if bytes came, | REF_SENT if bytes went. */
#define REF_GOT  1
#define REF_SENT 2
static int
serve(struct referee *r, int id, uint32_t events)
{
	struct epoll_event in = { .events = EPOLLIN, .data.u32 = (uint32_t)id };
	struct peer *p = &r->p[id];
	size_t before = p->bytes_out;
	int moved = 0;

	if (p->open && events & (EPOLLIN | EPOLLHUP | EPOLLERR) &&
	    ref_drain(r, p) > 0)
		moved = REF_GOT;
	if (p->open && p->blasting && events & EPOLLOUT) {
		p->blasting = ref_blast(r, p, id);
		if (p->bytes_out != before)
			moved |= REF_SENT;
		if (!p->blasting && p->open &&
		    epoll_ctl(r->ep, EPOLL_CTL_MOD, p->fd, &in) < 0)
			fprintf(stderr, "referee: epoll_ctl: %s\n",
			        net_strerror(errno));   /* only woken in vain */
	}
	if (!p->open)
		p->blasting = false;    /* closed mid-blast */
	return moved;
}

/* Senders blast; everyone reads. Ends when all is delivered, or when no
 * byte has moved either way for r->wait_s. Returns the seconds from the
 * first send to the last byte received. */
static double
run(struct referee *r)
{
	struct epoll_event ev[256], out = { .events = EPOLLIN | EPOLLOUT };
	double start = now_s(), last = start, moved = start;
	long want = 0;
	int i, n, sending;

	for (i = 0; i < r->n; i++)
		want += expected_of(r, i);
	for (i = 0; i < r->senders; i++) {
		out.data.u32 = (uint32_t)i;
		r->p[i].blasting =
		    epoll_ctl(r->ep, EPOLL_CTL_MOD, r->p[i].fd, &out) == 0;
		if (!r->p[i].blasting)  /* its messages then count as late */
			fprintf(stderr, "referee: epoll_ctl: %s\n",
			        net_strerror(errno));
	}
	for (;;) {
		for (sending = 0, i = 0; i < r->senders; i++)
			sending += r->p[i].blasting;
		if ((sending == 0 && delivered(r) == want) ||
		    now_s() - moved > r->wait_s)
			break;
		n = epoll_wait(r->ep, ev, 256, 100);
		for (i = 0; i < n; i++) {
			int how = serve(r, (int)ev[i].data.u32, ev[i].events);

			if (how != 0)
				moved = now_s();
			if (how & REF_GOT)
				last = moved;
		}
	}
	return last - start;
}

static void
report(const struct referee *r, double secs, double cpu)
{
	long want = 0, late = 0, lost = 0, closed = 0, d = delivered(r);
	double ns = cpu >= 0 && d > 0 ? cpu * 1e9 / (double)d : -1;
	int i;

	for (i = 0; i < r->n; i++) {
		long miss = expected_of(r, i) - r->p[i].got;

		want += expected_of(r, i);
		*(r->p[i].open ? &late : &lost) += miss;
		closed += !r->p[i].open;
	}
	if (r->json) {
		printf("{\"clients\": %d, \"senders\": %d, \"messages\": %ld, "
		       "\"size\": %ld, \"expected\": %ld, \"delivered\": %ld, "
		       "\"late\": %ld, \"lost\": %ld, \"closed\": %ld, "
		       "\"disorder\": %ld, \"garbled\": %ld, \"seconds\": %.4f, "
		       "\"deliveries_per_s\": %.0f, \"server_cpu_s\": %.4f, "
		       "\"ns_per_delivery\": %.2f, \"per_receiver\": [",
		       r->n, r->senders, r->messages, r->size, want, d, late,
		       lost, closed, r->disorder, r->garbled, secs,
		       secs > 0 ? (double)d / secs : 0, cpu, ns);
		for (i = 0; i < r->n; i++)
			printf("%s%ld", i ? ", " : "", r->p[i].got);
		printf("]}\n");
		return;
	}
	printf(TR("referee: %d clients, %d senders x %ld messages x %ld B\n"
	          "delivered %ld of %ld in %.3f s (%.0f a second)\n"
	          "not delivered in time on live connections: %ld\n"
	          "lost with closed connections: %ld (%ld closed)\n"
	          "out of order: %ld, garbled lines: %ld\n",
	          "referee: %d clientes, %d emisores x %ld mensajes x %ld B\n"
	          "entregados %ld de %ld en %.3f s (%.0f por segundo)\n"
	          "no entregados a tiempo en conexiones vivas: %ld\n"
	          "perdidos con conexiones cerradas: %ld (%ld cerradas)\n"
	          "fuera de orden: %ld, líneas dañadas: %ld\n"),
	       r->n, r->senders, r->messages, r->size, d, want, secs,
	       secs > 0 ? (double)d / secs : 0, late, lost, closed,
	       r->disorder, r->garbled);
	if (ns >= 0)
		printf(TR("server CPU: %.3f s, %.1f ns per delivery\n",
		          "CPU del servidor: %.3f s, %.1f ns por entrega\n"),
		       cpu, ns);
	printf("%s", TR("per receiver:", "por receptor:"));
	for (i = 0; i < r->n; i++)
		printf(" %ld", r->p[i].got);
	printf("\n");
}

static void
usage(FILE *f)
{
	fprintf(f, TR("usage: referee -p PORT [-h HOST] [--clients N] "
	              "[--senders M] [--messages K]\n"
	              "               [--size S] [--server-pid PID] "
	              "[--wait SECONDS] [--json] [--lang es|en]\n",
	              "uso: referee -p PUERTO [-h MÁQUINA] [--clients N] "
	              "[--senders M] [--messages K]\n"
	              "            [--size S] [--server-pid PID] "
	              "[--wait SEGUNDOS] [--json] [--lang es|en]\n"));
}

static int
parse(struct referee *r, int argc, char **argv, const char **host,
      int *port)
{
	static const struct option opts[] = {
		{ "host", 1, NULL, 'h' }, { "port", 1, NULL, 'p' },
		{ "clients", 1, NULL, 'c' }, { "senders", 1, NULL, 's' },
		{ "messages", 1, NULL, 'm' }, { "size", 1, NULL, 'S' },
		{ "server-pid", 1, NULL, 'P' }, { "wait", 1, NULL, 'w' },
		{ "json", 0, NULL, 'j' }, { "help", 0, NULL, 'H' },
		{ "lang", 1, NULL, 'l' },
		{ NULL, 0, NULL, 0 } };
	long long v = 0;
	const char *what;
	int o;

	opterr = 0;             /* usage() says what is wrong */
	while ((o = getopt_long(argc, argv, "h:p:", opts, NULL)) != -1) {
		switch (o) {
		case 'h': *host = optarg; continue;
		case 'l': continue;     /* --lang: cli_lang_scan() took it */
		case 'j': r->json = true; continue;
		case 'H': usage(stdout); exit(0);
		case '?': case ':': return -1;
		}
		if (cli_number(optarg, 0, 100000000, &v, &what) < 0) {
			fprintf(stderr, "referee: %s: %s\n", optarg, what);
			return -1;
		}
		switch (o) {
		case 'p': *port = (int)v; break;
		case 'c': r->n = (int)v; break;
		case 's': r->senders = (int)v; break;
		case 'm': r->messages = (long)v; break;
		case 'S': r->size = (long)v; break;
		case 'P': r->pid = (long)v; break;
		case 'w': r->wait_s = (double)v; break;
		}
	}
	if (optind != argc || *port <= 0 || *port > 65535 || r->n < 2 ||
	    r->senders < 1 || r->senders > r->n || r->messages < 1 ||
	    r->size < 24 || r->size > 1024 || r->wait_s <= 0)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct referee r = { .n = 50, .senders = 10, .messages = 10000,
	                     .size = 64, .wait_s = 5, .ep = -1 };
	const char *host = "127.0.0.1";
	double secs, cpu0, cpu1;
	int i, port = 0, status = 2;

	if (cli_lang_scan("referee", argc, argv) < 0)
		return 2;
	if (parse(&r, argc, argv, &host, &port) < 0) {
		usage(stderr);
		return 2;
	}
	if ((r.p = calloc((size_t)r.n, sizeof(*r.p))) == NULL ||
	    (r.ep = epoll_create1(0)) < 0)
		goto out;
	for (i = 0; i < r.n; i++)
		if ((r.p[i].next = calloc((size_t)r.senders, sizeof(long))) ==
		        NULL ||
		    (i < r.senders && (r.p[i].out = malloc(REF_CHUNK)) == NULL))
			goto out;
	if (connect_all(&r, host, port) < 0 || sync_all(&r) < 0)
		goto out;
	cpu0 = server_cpu_s(r.pid);
	secs = run(&r);
	cpu1 = server_cpu_s(r.pid);
	report(&r, secs, cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1);
	status = delivered(&r) == 0 || r.disorder || r.garbled ? 1 : 0;
	for (i = 0; i < r.n && status == 0; i++)
		status = r.p[i].got != expected_of(&r, i);
out:
	if (status == 2)
		fprintf(stderr, "%s", TR("referee: could not set up the run\n",
		                         "referee: no se pudo preparar la "
		                         "prueba\n"));
	for (i = 0; r.p != NULL && i < r.n; i++) {
		if (r.p[i].open)
			close(r.p[i].fd);
		free(r.p[i].next);
		free(r.p[i].out);
	}
	free(r.p);
	if (r.ep >= 0)
		close(r.ep);
	return status;
}
