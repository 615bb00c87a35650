/*
 * relay_limit.c — the measuring stick of `make bench`, NOT a chat server.
 *
 * The least a correct TCP line relay can do: one epoll loop, and for each
 * read, its complete lines copied once into every other client's output
 * buffer and written at once (what the kernel does not take waits for
 * writability; the data is still in the cache: that is cheaper than one
 * write per turn from buffers that grew). It frames lines (a line is never
 * cut or mixed with another), loses nothing and keeps each sender's order,
 * so chatbench can count it like a server. It has no nicknames, commands,
 * notices, sanitising, rate limit, output limits, timeouts or polite close:
 * whatever tcpchatd does beyond this is the price of being a chat server,
 * and `make bench` prints tcpchatd's CPU per delivery against this one's.
 *
 *   relay_limit [PORT]     (0 or none: any free port, printed on stderr)
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define RELAY_READ   16384      /* per client per turn, as tcpchatd */
#define RELAY_EVENTS 256
#define RELAY_MAX    65536      /* descriptors */

struct rbuf {
	char  *data;
	size_t off, len, cap;
};

struct client {
	int          fd;
	bool         polling;   /* output waits for writability */
	struct rbuf  in, out;
};

static struct client *clients[RELAY_MAX];
static int ep;

static void
append(struct rbuf *b, const char *p, size_t n)
{
	if (n == 0)             /* nothing to add (and maybe no buffer yet) */
		return;
	if (b->off + b->len + n > b->cap) {
		if (b->len > 0)
			memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
		if (b->len + n > b->cap) {
			b->cap = (b->len + n) * 2;
			if ((b->data = realloc(b->data, b->cap)) == NULL)
				abort();
		}
	}
	memcpy(b->data + b->off + b->len, p, n);
	b->len += n;
}

static void
drop(int fd)
{
	struct client *c = clients[fd];

	clients[fd] = NULL;
	close(fd);
	free(c->in.data);
	free(c->out.data);
	free(c);
}

/* Write what the kernel takes; watch for writability when it is full. */
static void
flush(struct client *c)
{
	struct epoll_event ev = { .data.fd = c->fd };
	ssize_t n;

	while (c->out.len > 0) {
		n = send(c->fd, c->out.data + c->out.off, c->out.len,
		         MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			drop(c->fd);
			return;
		}
		if (n < 0)
			break;
		c->out.off += (size_t)n;
		c->out.len -= (size_t)n;
	}
	if (c->out.len == 0)
		c->out.off = 0;
	if (c->polling != (c->out.len > 0)) {
		c->polling = c->out.len > 0;
		ev.events = EPOLLIN | (c->polling ? EPOLLOUT : 0);
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	}
}

/* Read once; relay the complete lines to every other client. */
static void
readable(struct client *c, int maxfd)
{
	char buf[RELAY_READ], *nl;
	const char *block;
	size_t len;
	ssize_t n;
	int fd;

	n = read(c->fd, buf, sizeof(buf));
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		drop(c->fd);
		return;
	}
	if (n < 0 || (nl = memrchr(buf, '\n', (size_t)n)) == NULL) {
		if (n > 0)
			append(&c->in, buf, (size_t)n);
		return;
	}
	len = (size_t)(nl - buf) + 1;
	block = buf;
	if (c->in.len > 0) {            /* a line began in an earlier read */
		append(&c->in, buf, len);
		block = c->in.data + c->in.off;
		len = c->in.len;
	}
	for (fd = 0; fd <= maxfd; fd++) {
		struct client *to = clients[fd];

		if (to == NULL || to == c)
			continue;
		append(&to->out, block, len);
		if (!to->polling)
			flush(to);
	}
	c->in.off = c->in.len = 0;
	append(&c->in, nl + 1, (size_t)(buf + n - nl - 1));
}

int
main(int argc, char **argv)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	struct epoll_event ev[RELAY_EVENTS], add;
	socklen_t slen = sizeof(sa);
	int lfd, fd, maxfd = 0, i, n, one = 1;

	signal(SIGPIPE, SIG_IGN);
	sa.sin6_port = htons(argc > 1 ? (unsigned short)atoi(argv[1]) : 0);
	if ((lfd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 1024) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &slen) < 0 ||
	    (ep = epoll_create1(0)) < 0) {
		perror("relay_limit");
		return 1;
	}
	add = (struct epoll_event){ .events = EPOLLIN, .data.fd = lfd };
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &add);
	fprintf(stderr, "relay_limit: listening on [::]:%u (tcp, measuring "
	        "stick)\n", ntohs(sa.sin6_port));

	for (;;) {
		if ((n = epoll_wait(ep, ev, RELAY_EVENTS, -1)) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		for (i = 0; i < n; i++) {
			fd = ev[i].data.fd;
			if (fd == lfd) {
				while ((fd = accept4(lfd, NULL, NULL,
				                     SOCK_NONBLOCK)) >= 0) {
					if (fd >= RELAY_MAX ||
					    (clients[fd] = calloc(1,
					        sizeof(struct client))) == NULL) {
						close(fd);
						continue;
					}
					clients[fd]->fd = fd;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY,
					           &one, sizeof(one));
					add = (struct epoll_event){
						.events = EPOLLIN, .data.fd = fd };
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &add);
					if (fd > maxfd)
						maxfd = fd;
				}
				continue;
			}
			if (clients[fd] != NULL && ev[i].events & EPOLLOUT)
				flush(clients[fd]);
			if (clients[fd] != NULL &&
			    ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				readable(clients[fd], maxfd);
		}
	}
}
