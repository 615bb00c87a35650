/*
 * udp_outbox.c — batched sending of datagrams with sendmmsg(2). See
 * udp_outbox.h. The outbox knows addresses and bytes, not the chat.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "log.h"
#include "net.h"
#include "udp_outbox.h"
#include "udp_sock.h"

void
udp_outbox_init(struct udp_outbox *o, int fd)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
}

void
udp_outbox_add(struct udp_outbox *o, const union udp_addr *to,
               socklen_t tolen, const char *data, size_t len)
{
	struct msghdr *h;
	bool same;

	if (len > sizeof(o->text))
		len = sizeof(o->text);
	/* A broadcast queues one text for many addresses: keep one copy. */
	same = o->n > 0 && len == o->last_len &&
	       memcmp(o->text + o->last_off, data, len) == 0;
	if (o->n == UDP_OUTBOX_MAX ||
	    (!same && o->used + len > sizeof(o->text))) {
		udp_outbox_flush(o);
		same = false;
	}
	if (!same) {
		memcpy(o->text + o->used, data, len);
		o->last_off = o->used;
		o->last_len = len;
		o->used += len;
	}
	o->to[o->n] = *to;
	o->iov[o->n].iov_base = o->text + o->last_off;
	o->iov[o->n].iov_len = len;
	h = &o->msgs[o->n].msg_hdr;
	memset(h, 0, sizeof(*h));
	h->msg_name = &o->to[o->n];
	h->msg_namelen = tolen;
	h->msg_iov = &o->iov[o->n];
	h->msg_iovlen = 1;
	o->n++;
}

/* The datagram at i was refused: count it and say so with -v. */
static void
refused(struct udp_outbox *o, unsigned i, int err)
{
	char addr[NET_ADDR_LEN];

	o->failed++;
	if (log_verbose())
		log_debug("sendto %s: %s (datagram dropped)",
		          net_addr_str(&o->to[i].sa, o->msgs[i].msg_hdr.msg_namelen,
		                       addr), strerror(err));
}

void
udp_outbox_flush(struct udp_outbox *o)
{
	unsigned i = 0;
	bool retried = false;
	int r;

	while (i < o->n) {
		r = sendmmsg(o->fd, &o->msgs[i], o->n - i, MSG_DONTWAIT);
		if (r > 0) {
			o->sent += (unsigned)r;
			i += (unsigned)r;
			retried = false;
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else if (r < 0 && udp_sock_icmp_errno(errno) && !retried) {
			/* An ICMP error about an earlier datagram (with
			 * IP_RECVERR the socket reports it once, on the next
			 * call): this one was not sent yet, try it again. */
			retried = true;
		} else {
			/* EAGAIN (send buffer full), EPERM (a firewall), ...:
			 * this datagram is lost, the next one is tried. */
			refused(o, i, r < 0 ? errno : EIO);
			i++;
			retried = false;
		}
	}
	o->n = 0;
	o->used = 0;
	o->last_len = 0;
}
