/*
 * impaird.c — the NFQUEUE packet impairer (see impaird.h).
 *
 * Verdicts need not come in the order packets were queued: the kernel keeps
 * each queued packet until userspace names its id. So delay is "answer
 * later", reordering is "answer this one first", loss is NF_DROP. The
 * kernel copies each packet to us whole (checksums completed, GSO split),
 * which is what a duplicate needs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "clock.h"
#include "fate.h"
#include "hold.h"
#include "impaird.h"

struct impaird {
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	struct spec_impair sp;
	struct fate_rng rng;
	struct hold held;
	int raw4, raw6;
};

static volatile sig_atomic_t impaird_stop;

static void
on_signal(int sig)
{
	(void)sig;
	impaird_stop = 1;
}

/* ---------------------------------------------------------------------------
 * Duplicates: the packet's bytes again, through a raw socket. A copy of an
 * incoming packet is addressed to this host, so the kernel loops it back
 * to itself (through lo, which the rules do not queue).
 * ------------------------------------------------------------------------ */

static void
resend(const struct impaird *d, const unsigned char *p, size_t len)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };

	if (p == NULL)
		return;
	if (len >= 20 && p[0] >> 4 == 4) {
		memcpy(&a4.sin_addr, p + 16, 4);
		sendto(d->raw4, p, len, 0, (struct sockaddr *)&a4, sizeof(a4));
	} else if (len >= 40 && p[0] >> 4 == 6) {
		memcpy(&a6.sin6_addr, p + 24, 16);
		sendto(d->raw6, p, len, 0, (struct sockaddr *)&a6, sizeof(a6));
	}
}

static int
raw_socket(int family)
{
	int mark = IMPAIRD_MARK;
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);

	if (fd >= 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---------------------------------------------------------------------------
 * Packets in, verdicts out
 * ------------------------------------------------------------------------ */

static void
release(struct impaird *d, uint32_t id, unsigned char *copy, size_t len)
{
	nfq_set_verdict(d->qh, id, NF_ACCEPT, 0, NULL);
	resend(d, copy, len);
	free(copy);
}

/* Called by libnetfilter_queue for each queued packet. */
static int
on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
          void *arg)
{
	struct impaird *d = arg;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	unsigned char *payload, *copy = NULL;
	int len = nfq_get_payload(nfa, &payload);
	uint32_t id;
	struct fate f;

	(void)msg;
	if (ph == NULL)
		return 0;
	id = ntohl(ph->packet_id);
	f = fate_decide(&d->sp, &d->rng);
	if (f.drop)
		return nfq_set_verdict(qh, id, NF_DROP, 0, NULL);
	if (f.dup && len > 0 && (copy = malloc((size_t)len)) != NULL)
		memcpy(copy, payload, (size_t)len);
	if (f.delay_us == 0 || hold_push(&d->held, clock_us() + f.delay_us, id,
	                                 copy, len > 0 ? (size_t)len : 0) < 0)
		release(d, id, copy, len > 0 ? (size_t)len : 0);
	return 0;
}

/* Let go of every held packet whose time has come (all of them: UINT64_MAX). */
static void
release_due(struct impaird *d, uint64_t now)
{
	struct hold_item it;

	while (hold_pop_due(&d->held, now, &it))
		release(d, it.id, it.copy, it.copy_len);
}

/* Read every queued packet the kernel has for us, without blocking. */
static void
drain(struct impaird *d, int fd)
{
	static char buf[0x10000 + 4096];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			nfq_handle_packet(d->h, buf, (int)n);
		else if (n < 0 && errno == ENOBUFS)
			continue;       /* the kernel dropped some: go on */
		else
			return;
	}
}

/* Wait for packets until the next held one is due, until SIGTERM or
 * SIGINT. The caller blocks both; they are let in only while ppoll waits
 * (with the mask `waiting`), so a signal that comes after the flag was
 * read still ends the wait. 0, or -1 if ppoll fails (errno set). */
static int
serve(struct impaird *d, const sigset_t *waiting)
{
	struct pollfd p = { .fd = nfq_fd(d->h), .events = POLLIN };
	struct timespec ts, *tsp;
	uint64_t next, now;
	int n;

	while (!impaird_stop) {
		now = clock_us();
		release_due(d, now);
		next = hold_next(&d->held);
		tsp = NULL;
		if (next != UINT64_MAX) {
			next -= now;
			ts.tv_sec = (time_t)(next / 1000000);
			ts.tv_nsec = (long)(next % 1000000) * 1000;
			tsp = &ts;
		}
		if ((n = ppoll(&p, 1, tsp, waiting)) > 0)
			drain(d, p.fd);
		else if (n < 0 && errno != EINTR)
			break;
	}
	release_due(d, UINT64_MAX);
	return impaird_stop ? 0 : -1;
}

/* ---------------------------------------------------------------------------
 * Setting up and running
 * ------------------------------------------------------------------------ */

static const char *
open_queue(struct impaird *d)
{
	if ((d->h = nfq_open()) == NULL)
		return "nfq_open";
	if (nfq_bind_pf(d->h, AF_INET) < 0 || nfq_bind_pf(d->h, AF_INET6) < 0)
		return "nfq_bind_pf";
	d->qh = nfq_create_queue(d->h, IMPAIRD_QUEUE, on_packet, d);
	if (d->qh == NULL)
		return "nfq_create_queue";
	if (nfq_set_mode(d->qh, NFQNL_COPY_PACKET, 0xffff) < 0)
		return "nfq_set_mode";
	/* A full queue lets packets pass rather than drop them. */
	nfq_set_queue_maxlen(d->qh, IMPAIRD_HELD);
	nfq_set_queue_flags(d->qh, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);
	nfnl_rcvbufsiz(nfq_nfnlh(d->h), 8 << 20);
	if ((d->raw4 = raw_socket(AF_INET)) < 0 ||
	    (d->raw6 = raw_socket(AF_INET6)) < 0)
		return "raw socket";
	if (hold_init(&d->held, IMPAIRD_HELD) < 0)
		return "malloc";
	return NULL;
}

static void
close_queue(struct impaird *d)
{
	if (d->qh != NULL)
		nfq_destroy_queue(d->qh);
	if (d->h != NULL)
		nfq_close(d->h);
	if (d->raw4 >= 0)
		close(d->raw4);
	if (d->raw6 >= 0)
		close(d->raw6);
	hold_free(&d->held);
}

int
impaird_run(const struct spec_impair *sp, int ready_fd)
{
	struct impaird d = { .sp = *sp, .raw4 = -1, .raw6 = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t stops, waiting;
	const char *failed = NULL;
	int saved, status;

	sigemptyset(&stops);
	sigemptyset(&waiting);  /* defined even if sigprocmask() fails */
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stops, &waiting) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0)
		failed = "signals";
	sigdelset(&waiting, SIGTERM);
	sigdelset(&waiting, SIGINT);
	fate_seed(&d.rng, sp->seed);
	if (failed != NULL || (failed = open_queue(&d)) != NULL) {
		saved = errno;
		dprintf(ready_fd, "%s: %s\n", failed, strerror(saved));
		close(ready_fd);
		close_queue(&d);
		return -1;
	}
	dprintf(ready_fd, "ok\n");
	close(ready_fd);
	status = serve(&d, &waiting);
	close_queue(&d);
	return status;
}
