/*
 * udpchatd — the redchat UDP chat server (port 5001).
 *
 * Parse the options, bind one UDP socket (IPv6 and IPv4), and hand it to
 * the event loop (udp_loop.c), which runs the same room as tcpchatd. There
 * is nothing to accept: members are known by the address their datagrams
 * come from (udp_peers.c).
 */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "catalog.h"
#include "log.h"
#include "net.h"
#include "server.h"
#include "udp_loop.h"

int
main(int argc, char **argv)
{
	struct server_opts o;
	char err[NET_ERR_LEN];
	int fd, sigfd, r, status;

	if ((r = server_options(argc, argv, SERVER_UDP, &o)) != 0)
		return r > 0 ? 0 : 1;
	log_debug(TR("descriptor limit: %ld", "límite de descriptores: %ld"),
	          server_raise_fd_limit());
	if ((sigfd = server_signals(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	if ((fd = net_listen(o.bind, o.port, SOCK_DGRAM, err)) < 0) {
		log_error(TR("cannot bind: %s", "no se puede abrir el puerto: %s"),
		          err);
		return 2;
	}
	server_announce(fd, "udp");
	status = udp_loop_run(&o, fd, sigfd);
	close(fd);
	close(sigfd);
	return status;
}
