/*
 * tcp_threads.h — tcpchatd's thread-per-client model (--threads), the one
 * the lab statements teach, on the same room as the event loop.
 */
#ifndef REDCHAT_TCP_THREADS_H
#define REDCHAT_TCP_THREADS_H

struct server_opts;

/* Serve clients on lfd, one thread each, until a signal arrives on sigfd
 * or the operator types /quit. Returns the exit status. */
int tcp_threads_run(const struct server_opts *o, int lfd, int sigfd);

#endif
