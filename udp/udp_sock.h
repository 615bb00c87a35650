/*
 * udp_sock.h — what the UDP server asks of its socket beyond sending and
 * receiving: whether a datagram's source is the server itself, and the
 * ICMP errors (port unreachable) that the kernel queues for it when asked
 * to with IP_RECVERR / IPV6_RECVERR. No chat here, and no event loop.
 */
#ifndef REDCHAT_UDP_SOCK_H
#define REDCHAT_UDP_SOCK_H

#include <stdbool.h>
#include <sys/socket.h>

#include "udp_peers.h"

/*
 * Ask the kernel to queue ICMP errors for the socket (both families; a
 * dual-stack socket needs both). Without this, an unconnected UDP socket
 * never hears that a member's port is closed. Returns 0, or -1 with errno.
 */
int udp_sock_recverr(int fd);

/*
 * True when sa is the socket's own address: the same port (own_port, host
 * order) on an address of this machine (loopback, or one that a socket can
 * bind to). Only datagrams from the server's own port pay for the check.
 */
bool udp_sock_is_self(int own_port, const struct sockaddr *sa, socklen_t len);

/*
 * Take one error from the socket's error queue (MSG_ERRQUEUE). Returns 1
 * and sets *to (the address the bounced datagram was sent to) and *err
 * (ECONNREFUSED for "port unreachable", EHOSTUNREACH, ...); 0 when the
 * queue is empty; -1 on another failure (errno set).
 */
int udp_sock_error(int fd, union udp_addr *to, socklen_t *tolen, int *err);

/* True for errno values that an ICMP error leaves on a socket: the call
 * that reports one did nothing else and may simply be tried again. */
bool udp_sock_icmp_errno(int err);

#endif
