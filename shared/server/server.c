/*
 * server.c — what both servers do around the room besides their command
 * line (server_cli.c) and their console (server_console.c): signals as a
 * file descriptor, the limit on open descriptors, the socket and the
 * "listening on" line.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "catalog.h"
#include "log.h"
#include "net.h"
#include "room.h"
#include "server.h"

/* ---------------------------------------------------------------------------
 * Signals and the listening line
 * ------------------------------------------------------------------------ */

/* The signals that stop a server the way Ctrl-C does: clients are told
 * "server closing", and it exits 0. SIGHUP is the terminal or the SSH
 * session closing; SIGQUIT is Ctrl-\. SIGUSR1 asks for a status line. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Was sig ignored when the server started? nohup(1) ignores SIGHUP so that
 * a program outlives its terminal: a signal blocked for the signalfd would
 * be queued all the same, so SIGHUP is then left alone. */
static bool
ignored(int sig)
{
	struct sigaction sa;

	return sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

int
server_signals(char *err)
{
	sigset_t set;
	size_t i;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (stop_signals[i] != SIGHUP || !ignored(SIGHUP))
			sigaddset(&set, stop_signals[i]);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		snprintf(err, NET_ERR_LEN, "signalfd: %s", strerror(errno));
		return -1;
	}
	return fd;
}

bool
server_signal_read(int sigfd, const struct room *room)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo != SIGUSR1) {
			log_info(TR("SIG%s received", "señal SIG%s recibida"),
			         sigabbrev_np((int)si.ssi_signo));
			return false;
		}
		log_info(TR("status: in the chat %zu, connections %zu",
		            "estado: en el chat %zu, conexiones %zu"),
		         room_count(room), room_connections(room));
	}
	return true;
}

long
server_raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return (long)rl.rlim_cur;
}

void
server_announce(int fd, const char *proto)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char addr[NET_ADDR_LEN];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	/* Shown even with --quiet: scripts and tests wait for this line. */
	log_plain(TR("listening on %s (%s)", "escuchando en %s (%s)"),
	          net_addr_str((struct sockaddr *)&ss, len, addr), proto);
}

int
server_open(const struct server_opts *o, int type, int *fd, int *sigfd)
{
	char err[NET_ERR_LEN];

	log_debug(TR("descriptor limit: %ld", "límite de descriptores: %ld"),
	          server_raise_fd_limit());
	if ((*sigfd = server_signals(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	if ((*fd = net_listen(o->bind, o->port, type, err)) < 0) {
		if (type == SOCK_STREAM)
			log_error(TR("cannot listen: %s",
			             "no se puede escuchar: %s"), err);
		else
			log_error(TR("cannot bind: %s",
			             "no se puede abrir el puerto: %s"), err);
		return 2;
	}
	return 0;
}
