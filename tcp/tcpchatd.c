/*
 * tcpchatd — the redchat TCP chat server (port 5000).
 *
 * Parse the options, listen, and hand the socket to one of two models on
 * the same room: an epoll event loop (default, tcp_loop.c) or one thread
 * per client (--threads, tcp_threads.c).
 */
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include "catalog.h"
#include "server.h"
#include "tcp_loop.h"
#include "tcp_threads.h"

/*
 * Under load each client's output queue grows to tens or hundreds of KiB
 * and empties again many times a second. By default glibc serves blocks
 * over 128 KiB with mmap() and returns them, and the top of the heap too,
 * on free(): every burst then paid fresh page faults, a quarter of the
 * server's CPU in W1 of `make bench`. Keep that memory in the heap for
 * reuse. (Idle clients hold no queue at all, so this costs them nothing.)
 */
static void
tune_malloc(void)
{
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
}

int
main(int argc, char **argv)
{
	struct server_opts o;
	int lfd, sigfd, r, status;

	if ((r = server_options(argc, argv, SERVER_TCP, &o)) != 0)
		return r > 0 ? 0 : 1;
	tune_malloc();
	if ((r = server_open(&o, SOCK_STREAM, &lfd, &sigfd)) != 0)
		return r;
	server_announce(lfd, o.threads ? TR("tcp, one thread per client",
	                                    "tcp, un hilo por cliente")
	                               : TR("tcp, event loop",
	                                    "tcp, bucle de eventos"));
	status = o.threads ? tcp_threads_run(&o, lfd, sigfd)
	                   : tcp_loop_run(&o, lfd, sigfd);
	close(lfd);
	close(sigfd);
	return status;
}
