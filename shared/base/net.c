/*
 * net.c — socket helpers, after Redis's anet.c: they report errors in the
 * caller's buffer and return -1, and know nothing of the event loop or the
 * chat.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lang.h"
#include "net.h"

static int
set_err(char *err, const char *fmt, const char *a, const char *b)
{
	if (err != NULL)
		snprintf(err, NET_ERR_LEN, fmt, a, b);
	return -1;
}

const char *
net_strerror(int err)
{
	switch (err) {
	case EADDRINUSE:
		return TR("address already in use (another server? ss -tlnp "
		          "shows which)",
		          "la dirección ya está en uso (¿otro servidor? ss -tlnp "
		          "dice cuál)");
	case EACCES:
		return TR("permission denied (ports under 1024 need root)",
		          "permiso denegado (los puertos por debajo de 1024 "
		          "necesitan root)");
	case EADDRNOTAVAIL:
		return TR("not an address of this machine",
		          "no es una dirección de esta máquina");
	case ECONNREFUSED:
		return TR("connection refused", "conexión rechazada");
	case ECONNRESET:
		return TR("connection reset", "conexión reiniciada");
	case ETIMEDOUT:
		return TR("timed out", "tiempo de espera agotado");
	case EHOSTUNREACH:
		return TR("host unreachable", "máquina inalcanzable");
	case ENETUNREACH:
		return TR("network unreachable", "red inalcanzable");
	case EPIPE:
		return TR("connection closed", "conexión cerrada");
	default:
		return strerror(err);
	}
}

/* getaddrinfo()'s error in the user's language for the usual cases. */
static const char *
net_gai_error(int rc)
{
	switch (rc) {
	case EAI_NONAME:
		return TR("no such name", "ese nombre no existe");
	case EAI_AGAIN:
		return TR("the name server did not answer (try again)",
		          "el servidor de nombres no responde (inténtalo de "
		          "nuevo)");
	default:
		return gai_strerror(rc);
	}
}

/* getaddrinfo for host:port; host NULL means the wildcard address. */
static int
resolve(const char *host, int port, int type, int passive,
        struct addrinfo **res, char *err)
{
	struct addrinfo hints;
	char service[8];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	hints.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG;
	snprintf(service, sizeof(service), "%d", port);
	rc = getaddrinfo(host, service, &hints, res);
	if (rc != 0)
		return set_err(err, "%s: %s", host ? host : "*", net_gai_error(rc));
	return 0;
}

/* One socket bound to ai; stream sockets also listen. */
static int
bind_one(const struct addrinfo *ai, int type, int dual_stack)
{
	int fd, on = 1, off = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	            ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ai->ai_family == AF_INET6 && dual_stack)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    (type == SOCK_STREAM && listen(fd, SOMAXCONN) < 0)) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
net_listen(const char *host, int port, int type, char *err)
{
	struct addrinfo *res, *ai;
	int fd = -1, saved = 0, wildcard = (host == NULL || *host == '\0');

	if (wildcard) {
		/* Every address: one IPv6 socket that also takes IPv4
		 * (IPV6_V6ONLY off), else plain IPv4 where IPv6 is absent. */
		if (resolve("::", port, type, 1, &res, NULL) == 0) {
			fd = bind_one(res, type, 1);
			saved = errno;
			freeaddrinfo(res);
			if (fd >= 0 || saved == EADDRINUSE || saved == EACCES)
				goto done;
		}
		host = "0.0.0.0";
	}
	if (resolve(host, port, type, 1, &res, err) < 0)
		return -1;
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = bind_one(ai, type, 0);
		saved = errno;
	}
	freeaddrinfo(res);
done:
	if (fd < 0) {
		char p[8];
		snprintf(p, sizeof(p), "%d", port);
		return set_err(err, TR("port %s: %s", "puerto %s: %s"), p,
		               net_strerror(saved));
	}
	return fd;
}

int
net_connect(const char *host, int port, int type, char *err)
{
	struct addrinfo *res, *ai;
	int fd = -1, saved = 0;

	if (resolve(host, port, type, 0, &res, err) < 0) {
		errno = 0;                      /* the name, not the server */
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		            ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		set_err(err, "%s: %s", host, net_strerror(saved));
		errno = saved;
		return -1;
	}
	return fd;
}

int
net_set_nonblock(int fd, char *err)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return set_err(err, "fcntl: %s%s", strerror(errno), "");
	return 0;
}

int
net_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

char *
net_addr_str(const struct sockaddr *sa, socklen_t len, char *out)
{
	char host[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;
	struct in_addr v4;

	(void)len;
	if (sa->sa_family == AF_INET) {
		s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(out, NET_ADDR_LEN, "%s:%u", host, ntohs(s4->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			memcpy(&v4, &s6->sin6_addr.s6_addr[12], 4);
			inet_ntop(AF_INET, &v4, host, sizeof(host));
			snprintf(out, NET_ADDR_LEN, "%s:%u", host,
			         ntohs(s6->sin6_port));
		} else {
			inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
			snprintf(out, NET_ADDR_LEN, "[%s]:%u", host,
			         ntohs(s6->sin6_port));
		}
	} else {
		snprintf(out, NET_ADDR_LEN, "?");
	}
	return out;
}
