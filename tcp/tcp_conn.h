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
#include "outq.h"
#include "room.h"

#define TCP_SNDBUF  (64 * 1024)  /* the kernel's share of a client's backlog */
#define TCP_DRAIN_MS 2000        /* wait for the peer's FIN after ours */
#define TCP_IOV      64          /* references written per sendmsg() */

/*
 * Two rules keep one client from hurting the room, and neither loses an
 * accepted message:
 *
 * - Flood control (input). A client over its rate (--rate-limit) is read
 *   more slowly, never trimmed: the lines of a read that go over the rate
 *   wait in `in`, and the server does not read the socket again until they
 *   have all gone to the room. TCP flow control then pushes back on the
 *   sender (its window closes): that is what a lab can capture.
 *
 * - Output limits (the Redis client-output-buffer-limit model). What the
 *   room queued for a client that does not read grows in `out`, never
 *   holding back anyone else. Over the hard limit (--max-queue) it is
 *   dropped at once; over the soft limit (--soft-queue) for longer than
 *   --soft-queue-time it is dropped too. Either way it is told why, and the
 *   others see it leave.
 */
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
	struct buf          in;         /* read, held back by the rate limit */
	struct outq         out;        /* references to shared chunks;
	                                   out.len counts for the limits */
	struct outq_writer *writer;     /* the model's, where lines are copied
	                                   once for all; NULL: one chunk each */
	uint64_t            deadline;   /* ms (monotonic): the nearest of the
	                                   four below; 0 when none */
	uint64_t            silence_at; /* silence rule ends a message; 0 */
	uint64_t            drain_by;   /* peer's FIN by then, or close; 0 */
	uint64_t            resume_at;  /* held input goes on then; 0 */
	uint64_t            soft_by;    /* still over the soft limit then:
	                                   drop; 0 while under it */
	size_t              out_hard;   /* --max-queue, bytes */
	size_t              out_soft;   /* --soft-queue, bytes */
	unsigned            soft_ms;    /* --soft-queue-time, ms */
	bool                farewell;   /* DEAD with a last notice queued */
	bool                blocked;    /* the socket took less than was
	                                   queued: wait until it is writable */
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
 * the limits of o: longest line, output caps. (How long it may stay without
 * a nickname is the room's: room_tick.) */
void tcp_conn_init(struct tcp_conn *c, int fd, const char *peer,
                   const struct server_opts *o);

/* Close the socket and free the buffers (not c itself, which belongs to
 * the model); the member must be out of the room already. */
void tcp_conn_close(struct tcp_conn *c);

/*
 * Queue a line for the client: a reference to the line shared through
 * c->writer (outq_writer_share), else to a copy. Over the hard limit the
 * client is dropped (tcp_conn_drop); crossing the soft limit arms
 * c->soft_by. Returns 0, or -1 when the line was not queued.
 */
int tcp_conn_queue(struct tcp_conn *c, const char *line, size_t len);

/* Replace c's queue by the notice that says why it is dropped (slow: it
 * stayed over the soft limit; else it passed the hard one), and make it
 * TCP_CONN_DEAD (why = ROOM_LEAVE_DROPPED). */
void tcp_conn_drop(struct tcp_conn *c, bool slow);

/* Whether the model should read c's socket now: not while input read
 * before is held back by the rate limit (until c->resume_at). */
bool tcp_conn_reading(const struct tcp_conn *c);

/*
 * Write what the kernel takes (sendmsg of the queued references; a short
 * write means the socket is full, and ends the attempt). Returns 1 when the
 * queue is empty, 0 when bytes remain (c->blocked: wait for writability),
 * -1 on a socket error (the connection becomes TCP_CONN_DEAD).
 */
int tcp_conn_flush(struct tcp_conn *c);

/*
 * Hand data just read to the room, line by line, while the sender's rate
 * allows; the rest is held in c->in until c->resume_at (the caller holds
 * whatever lock guards the room). Arms c->deadline for the silence rule
 * when an unterminated message waits. In TCP_CONN_DRAINING, data is
 * discarded.
 */
void tcp_conn_feed(struct tcp_conn *c, struct room *room, const char *data,
                   size_t len);

/*
 * The socket ended: an orderly close (eof: read() returned 0) or an error
 * or reset. Every complete line held back is still handed to the room, and
 * on an orderly close so is an unterminated last line: only a reset may cut
 * a message. The connection becomes TCP_CONN_DEAD.
 */
void tcp_conn_end(struct tcp_conn *c, struct room *room, bool eof);

/*
 * The deadline passed: held input goes on to the room, an unterminated
 * message becomes a message (silence rule), a drain that took too long
 * ends, or a client that stayed over the soft output limit is dropped (the
 * last two make the connection DEAD).
 */
void tcp_conn_deadline(struct tcp_conn *c, struct room *room);

/*
 * A DEAD connection has left the room. If it was dropped by the server with
 * a last notice queued (tcp_conn_drop), it becomes CLOSING
 * for up to TCP_DRAIN_MS, so that the client can still read why: returns
 * true, and the model keeps it. Else returns false: close it now.
 */
bool tcp_conn_retire(struct tcp_conn *c);

/* The room is done with this connection (quit, kick): switch to CLOSING. */
void tcp_conn_leave_room(struct tcp_conn *c);

/* After CLOSING's queue is empty: send our FIN and start draining. */
void tcp_conn_shutdown(struct tcp_conn *c);

#endif
