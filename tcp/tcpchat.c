/*
 * tcpchat.c — the TCP chat client. TCP is a byte stream, so a message is a
 * line ended by '\n': lines going out are queued and written as the kernel
 * takes them, bytes coming in go through the line framer (shared/wire/msg.c),
 * which finds the lines however the stream was cut. The end of the stream
 * (recv() returns 0) says the server closed the connection. Everything
 * else — options, nickname, terminal, /ping — is the shared client core
 * (shared/client/client.c), the same as udpchat's.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "client.h"
#include "defaults.h"
#include "msg.h"
#include "tcpchat_info.h"

#define TCPCHAT_QUEUE_MAX (64 * 1024) /* bytes written but not yet sent */

struct tcpchat {
	struct msg_framer in;  /* partial line between reads */
	struct buf        out; /* lines not yet taken by the kernel */
};

/* ---------------------------------------------------------------------------
 * The transport: lines on a stream
 * ------------------------------------------------------------------------ */

/*
 * A chat line should leave at once. Nagle's algorithm (RFC 896) would hold
 * a short line back while an earlier one is unacknowledged, which delays
 * typed lines and spoils the /ping timing: turn it off.
 */
static int
tcp_connected(void *state, int fd)
{
	int on = 1;

	(void)state;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* Write what is queued until the kernel's buffer is full (EAGAIN). */
static int
tcp_flush(void *state, int fd)
{
	struct tcpchat *t = state;
	ssize_t n;

	while (!buf_empty(&t->out)) {
		n = send(fd, buf_head(&t->out), t->out.len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		buf_consume(&t->out, (size_t)n);
	}
	return 0;
}

/* Queue msg and its '\n' as one piece, then try to send. */
static int
tcp_send(void *state, int fd, const char *msg, size_t len)
{
	struct tcpchat *t = state;
	char line[MSG_MAX + 1];

	memcpy(line, msg, len);
	line[len] = '\n';
	if (buf_append(&t->out, line, len + 1, TCPCHAT_QUEUE_MAX) < 0) {
		errno = ENOBUFS;
		return -1;
	}
	return tcp_flush(state, fd);
}

static bool
tcp_pending(const void *state)
{
	const struct tcpchat *t = state;

	return !buf_empty(&t->out);
}

/* Read until EAGAIN; every complete line is one message. */
static int
tcp_receive(void *state, int fd, struct client *c)
{
	struct tcpchat *t = state;
	const char *data, *line;
	size_t len, line_len;
	char in[4096];
	ssize_t n;

	for (;;) {
		n = recv(fd, in, sizeof(in), 0);
		if (n == 0)
			return 0;       /* the server closed the connection */
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 1 : -1;
		}
		data = in;
		len = (size_t)n;
		for (;;) {
			enum msg_frame f = msg_framer_next(&t->in, &data, &len,
			                                   &line, &line_len);
			if (f == MSG_FRAME_MORE)
				break;
			if (f == MSG_FRAME_LINE)
				client_message(c, line, line_len);
			else
				client_overlong(c);
		}
	}
}

/* ---------------------------------------------------------------------------
 * main
 * ------------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	/* The server's lines may be longer than a message: "NICK: " and
	 * escaped bytes are added to it. */
	struct tcpchat state = { .in.max = MSG_LINE_MAX };
	struct client_transport tcp = {
		.prog = "tcpchat", .server = "tcpchatd",
		.sock_type = SOCK_STREAM, .default_port = REDCHAT_TCP_PORT,
		.datagram = false, .state = &state,
		.connected = tcp_connected, .send = tcp_send,
		.flush = tcp_flush, .pending = tcp_pending,
		.receive = tcp_receive, .local = tcpchat_info_command,
	};
	struct client_options opt;
	int rc;

	if ((rc = client_cli_parse(argc, argv, &tcp, &opt)) != 0)
		return rc < 0 ? CLIENT_USAGE : CLIENT_OK;
	rc = client_run(&opt, &tcp);
	msg_framer_free(&state.in);
	buf_free(&state.out);
	return rc;
}
