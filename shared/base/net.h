/*
 * net.h — socket helpers that know nothing of the chat: listen, connect,
 * non-blocking mode, printable addresses. Each fills the caller's err
 * buffer (NET_ERR_LEN bytes) and returns -1 on failure; none exits.
 */
#ifndef REDCHAT_NET_H
#define REDCHAT_NET_H

#include <stddef.h>
#include <sys/socket.h>

#define NET_ERR_LEN  256
#define NET_ADDR_LEN 64  /* "[ffff:...:ffff]:65535" fits */

/*
 * A socket of type (SOCK_STREAM or SOCK_DGRAM) bound to host:port; port 0
 * picks a free one (see net_local_port). host NULL or "" means every address,
 * IPv6 and IPv4 on one dual-stack socket where the system allows it. Stream
 * sockets are also listening (with SO_REUSEADDR). Returns the fd.
 */
int net_listen(const char *host, int port, int type, char *err);

/*
 * A socket of type connected to host:port (UDP: its default peer). On
 * failure err says "HOST: REASON" and errno is connect()'s error, or 0 when
 * the name could not be resolved.
 */
int net_connect(const char *host, int port, int type, char *err);

/* A socket error in the user's language for the usual cases (address in
 * use, refused, unreachable...), else strerror(). */
const char *net_strerror(int err);

int net_set_nonblock(int fd, char *err);

/* The port a bound socket got, or -1. */
int net_local_port(int fd);

/*
 * "127.0.0.1:5000" or "[::1]:5000" (IPv4-mapped IPv6 shown as IPv4) into out
 * (NET_ADDR_LEN bytes). Returns out.
 */
char *net_addr_str(const struct sockaddr *sa, socklen_t len, char *out);

#endif
