/*
 * udp_loop.h — udpchatd's transport: one UDP socket, one event loop.
 */
#ifndef REDCHAT_UDP_LOOP_H
#define REDCHAT_UDP_LOOP_H

struct server_opts;

/* Serve the chat on the bound UDP socket fd until a signal arrives on
 * sigfd or the operator types /quit; then tell the members the server is
 * closing. Both descriptors stay the caller's. Returns the exit status. */
int udp_loop_run(const struct server_opts *o, int fd, int sigfd);

#endif
