/*
 * tcpchat.c — the TCP chat client. TCP is a byte stream, so a message is a
 * line ended by '\n': lines going out are queued and written as the kernel
 * takes them, bytes coming in go through the line framer (shared/wire/msg.c),
 * which finds the lines however the stream was cut. The end of the stream
 * (recv() returns 0) says the server closed the connection. A ledger of
 * where each line ends in the stream, against what the kernel says is still
 * unacknowledged (SIOCOUTQ), tells how many lines the server's side has not
 * taken yet. Everything else — options, nickname, terminal, /ping, the end
 * of piped input — is the shared client core (shared/client/client.c), the
 * same as udpchat's.
 */
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "buf.h"
#include "client.h"
#include "defaults.h"
#include "msg.h"
#include "tcpchat_info.h"

#define TCPCHAT_QUEUE_MAX (64 * 1024) /* bytes written but not yet sent */

/* Where each line not yet acknowledged ends, counted in bytes from the
 * start of the stream: a queue of offsets (end[head..head+len)). */
struct tcp_ledger {
	uint64_t *end;
	size_t    head, len, cap;
	uint64_t  queued;     /* bytes given to tcp_send, in all */
	uint64_t  written;    /* bytes the kernel took, in all */
};

struct tcpchat {
	struct msg_framer in;  /* partial line between reads */
	struct buf        out; /* lines not yet taken by the kernel */
	struct tcp_ledger led;
};

/* ---------------------------------------------------------------------------
 * The ledger: which lines the server's side has taken
 * ------------------------------------------------------------------------ */

/* A line of n bytes was queued: remember where it ends. */
static int
ledger_add(struct tcp_ledger *l, size_t n)
{
	uint64_t *p;
	size_t cap;

	if (l->head > 0 && l->head + l->len == l->cap) {
		memmove(l->end, l->end + l->head, l->len * sizeof(*l->end));
		l->head = 0;
	}
	if (l->head + l->len == l->cap) {
		cap = l->cap ? 2 * l->cap : 256;
		if ((p = realloc(l->end, cap * sizeof(*p))) == NULL)
			return -1;
		l->end = p;
		l->cap = cap;
	}
	l->queued += n;
	l->end[l->head + l->len++] = l->queued;
	return 0;
}

/* Lines not acknowledged yet (queued here, or sent and unacknowledged:
 * SIOCOUTQ), and their bytes in *bytes. */
static size_t
tcp_unacked(void *state, int fd, size_t *bytes)
{
	struct tcpchat *t = state;
	struct tcp_ledger *l = &t->led;
	uint64_t acked = l->written;
	int outq;

	if (ioctl(fd, SIOCOUTQ, &outq) == 0 && outq > 0 &&
	    (uint64_t)outq <= acked)
		acked -= (uint64_t)outq;
	while (l->len > 0 && l->end[l->head] <= acked) {
		l->head++;
		l->len--;
	}
	if (l->len == 0)
		l->head = 0;
	*bytes = (size_t)(l->queued - acked);
	return l->len;
}

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
		t->led.written += (uint64_t)n;
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
	if (ledger_add(&t->led, len + 1) < 0) {
		errno = ENOMEM;
		return -1;
	}
	if (buf_append(&t->out, line, len + 1, TCPCHAT_QUEUE_MAX) < 0) {
		t->led.len--;           /* not queued after all */
		t->led.queued -= len + 1;
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
		.receive = tcp_receive, .unacked = tcp_unacked,
		.local = tcpchat_info_command,
	};
	struct client_options opt;
	int rc;

	if ((rc = client_cli_parse(argc, argv, &tcp, &opt)) != 0)
		return rc < 0 ? CLIENT_USAGE : CLIENT_OK;
	rc = client_run(&opt, &tcp);
	msg_framer_free(&state.in);
	buf_free(&state.out);
	free(state.led.end);
	return rc;
}
