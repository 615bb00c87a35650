/*
 * tcp_loop.h — tcpchatd's event-loop model (the default).
 */
#ifndef REDCHAT_TCP_LOOP_H
#define REDCHAT_TCP_LOOP_H

struct server_opts;

/* Serve clients on the listening socket lfd until a signal arrives on
 * sigfd or the operator types /quit. Returns the exit status. */
int tcp_loop_run(const struct server_opts *o, int lfd, int sigfd);

#endif
