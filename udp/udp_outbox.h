/*
 * udp_outbox.h — datagrams waiting to leave the UDP server, sent in batches
 * with sendmmsg(2): one system call carries up to UDP_OUTBOX_MAX datagrams,
 * which matters when one chat line goes out to hundreds of members.
 *
 * UDP keeps no output buffer per member (there is no stream to resume): a
 * datagram the kernel does not take is lost, counted, and logged with -v,
 * and the next one is tried. A failure for one address never stops the
 * others.
 */
#ifndef REDCHAT_UDP_OUTBOX_H
#define REDCHAT_UDP_OUTBOX_H

#include <stddef.h>
#include <sys/socket.h>

#include "udp_peers.h"

#define UDP_OUTBOX_MAX  64          /* datagrams per sendmmsg() */
#define UDP_OUTBOX_TEXT (64 * 1024) /* bytes of text held between flushes */

struct udp_outbox {
	int            fd;
	unsigned       n;                     /* datagrams queued */
	size_t         used;                  /* bytes of text[] in use */
	size_t         last_off, last_len;    /* the last text queued */
	unsigned long  sent, failed;          /* datagrams, since init */
	struct mmsghdr msgs[UDP_OUTBOX_MAX];
	struct iovec   iov[UDP_OUTBOX_MAX];
	union udp_addr to[UDP_OUTBOX_MAX];
	char           text[UDP_OUTBOX_TEXT];
};

/* An empty outbox that sends on the UDP socket fd. */
void udp_outbox_init(struct udp_outbox *o, int fd);

/*
 * Queue one datagram of len bytes (copied; len <= UDP_OUTBOX_TEXT) for the
 * address to. The same text queued again for another address is stored
 * once. Sends the batch first when it is full.
 */
void udp_outbox_add(struct udp_outbox *o, const union udp_addr *to,
                    socklen_t tolen, const char *data, size_t len);

/* Send everything queued; what the kernel refuses is counted in failed. */
void udp_outbox_flush(struct udp_outbox *o);

#endif
