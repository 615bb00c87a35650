/*
 * udp_sock.c — the UDP server socket's own questions: is this datagram from
 * myself, and which members' ports are closed (ICMP errors, IP_RECVERR).
 * See udp_sock.h. Nothing here knows the chat.
 */
#include <errno.h>
#include <time.h>              /* before linux/errqueue.h */
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "udp_sock.h"

int
udp_sock_recverr(int fd)
{
	int one = 1, ok = 0;

	/* Each family's errors need their own option; either may be
	 * missing (an IPv4-only socket has no IPv6 options). */
	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) == 0)
		ok = 1;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one)) == 0)
		ok = 1;
	return ok ? 0 : -1;
}

/* ---------------------------------------------------------------------------
 * Datagrams from the server's own address and port
 *
 * A forged datagram whose source is the server itself would make it a
 * member, and every line the room sent that "member" would come straight
 * back in as a message from it: a ghost that echoes every broadcast. Only a
 * source port equal to ours needs a look; then the address is ours if it
 * is a loopback address or one a socket on this machine can bind to.
 * ------------------------------------------------------------------------ */

/* Can a new socket bind to this address (any port)? Then it is ours. */
static bool
is_local(const struct sockaddr *sa, socklen_t len)
{
	union udp_addr a;
	int fd;
	bool local;

	memcpy(&a, sa, len);
	if (a.sa.sa_family == AF_INET)
		a.in.sin_port = 0;
	else
		a.in6.sin6_port = 0;
	if ((fd = socket(a.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return true;            /* cannot tell: be safe, ignore it */
	local = bind(fd, &a.sa, len) == 0 || errno == EADDRINUSE;
	close(fd);
	return local;
}

bool
udp_sock_is_self(int own_port, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
	struct sockaddr_in v4;

	if (sa->sa_family == AF_INET && len >= sizeof(*s4)) {
		if (ntohs(s4->sin_port) != own_port)
			return false;
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127 ||
		       is_local(sa, sizeof(*s4));
	}
	if (sa->sa_family != AF_INET6 || len < sizeof(*s6) ||
	    ntohs(s6->sin6_port) != own_port)
		return false;
	if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
		return true;
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {   /* ::ffff:a.b.c.d */
		memset(&v4, 0, sizeof(v4));
		v4.sin_family = AF_INET;
		v4.sin_port = s6->sin6_port;
		memcpy(&v4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
		return udp_sock_is_self(own_port, (struct sockaddr *)&v4,
		                        sizeof(v4));
	}
	return is_local(sa, sizeof(*s6));
}

/* ---------------------------------------------------------------------------
 * The error queue (ip(7) IP_RECVERR, ipv6(7) IPV6_RECVERR)
 *
 * When a datagram we sent meets a closed port, the other host answers with
 * ICMP "port unreachable" (RFC 792 type 3 code 3; ICMPv6 type 1 code 4).
 * The kernel matches it to our socket and queues it; recvmsg() with
 * MSG_ERRQUEUE returns, for each one:
 *   msg_name   the address the bounced datagram was sent to (the member)
 *   data       the start of that datagram
 *   cmsg       struct sock_extended_err: ee_errno ECONNREFUSED, ee_origin
 *              SO_EE_ORIGIN_ICMP or SO_EE_ORIGIN_ICMP6
 * ------------------------------------------------------------------------ */

int
udp_sock_error(int fd, union udp_addr *to, socklen_t *tolen, int *err)
{
	char data[64], control[512];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr h;
	struct cmsghdr *cm;
	const struct sock_extended_err *ee;

	memset(&h, 0, sizeof(h));
	h.msg_name = to;
	h.msg_namelen = sizeof(*to);
	h.msg_iov = &iov;
	h.msg_iovlen = 1;
	h.msg_control = control;
	h.msg_controllen = sizeof(control);
	if (recvmsg(fd, &h, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	*tolen = h.msg_namelen;
	*err = 0;
	for (cm = CMSG_FIRSTHDR(&h); cm != NULL; cm = CMSG_NXTHDR(&h, cm)) {
		if ((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
		    (cm->cmsg_level == IPPROTO_IPV6 &&
		     cm->cmsg_type == IPV6_RECVERR)) {
			ee = (const struct sock_extended_err *)CMSG_DATA(cm);
			if (ee->ee_origin == SO_EE_ORIGIN_ICMP ||
			    ee->ee_origin == SO_EE_ORIGIN_ICMP6)
				*err = (int)ee->ee_errno;
		}
	}
	return 1;
}

bool
udp_sock_icmp_errno(int err)
{
	return err == ECONNREFUSED || err == EHOSTUNREACH ||
	       err == ENETUNREACH || err == EHOSTDOWN || err == ENONET ||
	       err == EPROTO;
}
