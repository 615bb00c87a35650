/*
 * udpchatd — the redchat UDP chat server (port 5001).
 *
 * Parse the options, bind one UDP socket (IPv6 and IPv4), and hand it to
 * the event loop (udp_loop.c), which runs the same room as tcpchatd. There
 * is nothing to accept: members are known by the address their datagrams
 * come from (udp_peers.c).
 */
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"
#include "udp_loop.h"

int
main(int argc, char **argv)
{
	struct server_opts o;
	int fd, sigfd, r, status;

	if ((r = server_options(argc, argv, SERVER_UDP, &o)) != 0)
		return r > 0 ? 0 : 1;
	if ((r = server_open(&o, SOCK_DGRAM, &fd, &sigfd)) != 0)
		return r;
	server_announce(fd, "udp");
	status = udp_loop_run(&o, fd, sigfd);
	close(fd);
	close(sigfd);
	return status;
}
