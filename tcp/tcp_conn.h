/*
 * tcp_conn.h — one TCP client connection, as both server models see it: the
 * socket, the line framer on its input, the queue of its output, and its
 * place in the room. The models (tcp_loop.c, tcp_threads.c) decide when to
 * read and write; this module says what reading and writing mean. Each
 * model wraps struct tcp_conn (as its first member) with its own fields.
 */
#ifndef REDCHAT_TCP_CONN_H
#define REDCHAT_TCP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "msg.h"
#include "net.h"
#include "room.h"

#define TCP_SNDBUF  (64 * 1024)  /* the kernel's share of a client's backlog */
#define TCP_DRAIN_MS 2000        /* wait for the peer's FIN after ours */
/*
 * Backpressure. A client that reads more slowly than others write makes
 * its queue grow; past TCP_OUT_HIGH (or a quarter of --max-queue) the
 * server stops reading everyone's input until that queue drains, so the
 * room goes at the pace of its slowest reader, as TCP itself would. A
 * client whose queue stays over that mark for TCP_STUCK_MS is not reading
 * at all: it is dropped, with the reason, and the room goes on.
 */
#define TCP_OUT_HIGH (64 * 1024)
#define TCP_STUCK_MS 2000

enum tcp_state {
	TCP_CONN_OPEN,      /* chatting */
	TCP_CONN_CLOSING,   /* left the room: send what is queued, then FIN */
	TCP_CONN_DRAINING,  /* FIN sent: read and discard until the peer's FIN */
	TCP_CONN_DEAD,      /* to be removed from the room (if in it) and closed */
};

struct tcp_conn {
	int                 fd;
	enum tcp_state      state;
	enum room_leave     why;        /* for TCP_CONN_DEAD: the leave notice */
	struct room_member *member;     /* NULL once out of the room */
	struct msg_framer   framer;
	struct buf          out;
	uint64_t            deadline;   /* ms (monotonic): the nearest of the
	                                   three below; 0 when none */
	uint64_t            silence_at; /* silence rule ends a message; 0 */
	uint64_t            nick_by;    /* no nickname by then: close; 0 */
	uint64_t            drain_by;   /* peer's FIN by then, or close; 0 */
	size_t              out_max;    /* queued output before it is dropped */
	unsigned            nick_timeout; /* seconds, for the notice */
	char                peer[NET_ADDR_LEN];
};

struct server_opts;

enum tcp_accept {
	TCP_ACCEPT_OK,     /* *fd is a new non-blocking connection */
	TCP_ACCEPT_NONE,   /* nobody else is waiting */
	TCP_ACCEPT_FULL,   /* out of descriptors or memory: pause, retry */
};

/*
 * Accept one connection on the listening socket lfd, with its address in
 * peer (NET_ADDR_LEN bytes). Interrupted and aborted attempts are retried;
 * other errors are logged and reported as NONE.
 */
enum tcp_accept tcp_accept(int lfd, int *fd, char *peer);

/* Start a connection for an accepted socket (c zeroed by the caller), with
 * the limits of o: longest line, output cap, nickname timeout. */
void tcp_conn_init(struct tcp_conn *c, int fd, const char *peer,
                   const struct server_opts *o);

/* Close the socket and free the buffers (not c itself, which belongs to
 * the model); the member must be out of the room already. */
void tcp_conn_close(struct tcp_conn *c);

/*
 * Queue a line for the client. If the queue would pass c->out_max, the
 * client is not reading: its queue is replaced by a notice saying so and
 * it becomes TCP_CONN_DEAD (why = ROOM_LEAVE_DROPPED). Returns 0 or -1.
 */
int tcp_conn_queue(struct tcp_conn *c, const char *line, size_t len);

/* Replace c's queue by the notice that it was not reading, and make it
 * TCP_CONN_DEAD (why = ROOM_LEAVE_DROPPED). */
void tcp_conn_drop(struct tcp_conn *c);

/* Whether c's queue is over the mark that holds back the room's input. */
bool tcp_conn_backlogged(const struct tcp_conn *c);

/*
 * Write what the kernel takes. Returns 1 when the queue is empty, 0 when
 * bytes remain (wait for writability), -1 on a socket error (the connection
 * becomes TCP_CONN_DEAD).
 */
int tcp_conn_flush(struct tcp_conn *c);

/*
 * Hand data just read to the room, line by line (the caller holds whatever
 * lock guards the room). Arms c->deadline for the silence rule when an
 * unterminated message waits. In TCP_CONN_DRAINING, data is discarded.
 */
void tcp_conn_feed(struct tcp_conn *c, struct room *room, const char *data,
                   size_t len);

/*
 * The deadline passed: an unterminated message becomes a message (silence
 * rule), a drain that took too long ends, or a client that has not chosen
 * a nickname in time is told so (the last two make the connection DEAD).
 */
void tcp_conn_deadline(struct tcp_conn *c, struct room *room);

/* The room is done with this connection (quit, kick): switch to CLOSING. */
void tcp_conn_leave_room(struct tcp_conn *c);

/* After CLOSING's queue is empty: send our FIN and start draining. */
void tcp_conn_shutdown(struct tcp_conn *c);

#endif
