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
#include <sys/types.h>

#include "buf.h"
#include "msg.h"
#include "net.h"
#include "outq.h"
#include "room.h"

#define TCP_SNDBUF  (64 * 1024)  /* the kernel's share of a client's backlog */
#define TCP_DRAIN_MS 2000        /* wait for the peer's FIN after ours */
/* A dropped client's connection stays open this long, holding only the
 * end of its cut line and the reason, so that a late reader still gets
 * them (tcpchatd(1)). */
#define TCP_FAREWELL_MS 60000
#define TCP_IOV      64          /* references written per sendmsg() */

/*
 * Three rules keep one client from hurting the room, and none loses an
 * accepted message:
 *
 * - Flood control (input). A client over its rate (--rate-limit) is read
 *   more slowly, never trimmed: the lines of a read that go over the rate
 *   wait in `in`, and the server does not read the socket again until they
 *   have all gone to the room. TCP flow control then pushes back on the
 *   sender (its window closes): that is what a lab can capture.
 *
 * - One memory budget (--max-memory) for the room's backlog: the shared
 *   chunks that some receiver has still to write (outq.h). Near it, the
 *   senders are not read (tcp_conn_reading) until the receivers have
 *   written enough: TCP pushes back on the senders, nothing is lost, and a
 *   reader that keeps reading, however slowly, is never dropped.
 *
 * - A receiver that reads nothing is dropped: its queue waited and its
 *   socket took no byte for --soft-queue-time (Ctrl-Z, a frozen laptop).
 *   A per-receiver cap (--max-queue) is a last resort far above any burst.
 *   Either way it is told why after the end of the line it was cut in (the
 *   connection stays open TCP_FAREWELL_MS for that), the others see it
 *   leave, and what it had sent and the server had read still goes to the
 *   room (tcp_conn_leave).
 */
enum tcp_state {
	TCP_CONN_OPEN,      /* chatting */
	TCP_CONN_CLOSING,   /* left the room: send what is queued, then FIN */
	TCP_CONN_DRAINING,  /* FIN sent: read and discard until the peer's FIN */
	TCP_CONN_DEAD,      /* to be removed from the room (if in it) and closed */
};

/* Why the server drops a receiver (a DEAD connection's last notice). */
enum tcp_drop {
	TCP_DROP_NONE,
	TCP_DROP_CAP,       /* its queue passed --max-queue */
	TCP_DROP_STUCK,     /* it read nothing for --soft-queue-time */
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
	uint64_t            soft_by;    /* the socket still takes nothing
	                                   then: drop; 0 while the queue is
	                                   empty (tcp_conn_sent) */
	long                unsent;     /* the kernel's unsent bytes when
	                                   soft_by was set (progress?) */
	size_t              out_hard;   /* --max-queue, bytes */
	size_t              budget;     /* --max-memory, bytes (the writer's) */
	unsigned            soft_ms;    /* --soft-queue-time, ms */
	enum tcp_drop       drop;       /* DEAD: why the server dropped it */
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
 * Queue lines for the client (one or more whole lines): a reference to
 * the text shared through c->writer (outq_writer_share), else to a copy.
 * Past the cap (--max-queue) the client is dropped (tcp_conn_drop).
 * Returns 0, or -1 when the lines were not queued. Never writes to the
 * socket nor lets go of what is queued: in tcpchatd --threads another
 * thread may be writing it.
 */
int tcp_conn_queue(struct tcp_conn *c, const char *line, size_t len);

/* Make c TCP_CONN_DEAD (why = ROOM_LEAVE_DROPPED) for this reason; its
 * queue is replaced by the notice when it leaves (tcp_conn_retire). */
void tcp_conn_drop(struct tcp_conn *c, enum tcp_drop why);

/* Whether the model should read c's socket now: not while input read
 * before is held back by the rate limit (until c->resume_at), nor while
 * the room's backlog is over its budget (outq_writer_hold). */
bool tcp_conn_reading(struct tcp_conn *c);

/*
 * Writing in two halves, so that tcpchatd --threads writes the socket
 * without its lock: tcp_conn_iov() fills iov with what is queued (lock
 * held; *want: its bytes; returns the count, 0 when nothing is queued);
 * the caller sends it (MSG_DONTWAIT, lock not held); tcp_conn_sent() takes
 * the result (n bytes, or n < 0 with err; lock held). Only c's own writer
 * lets go of queued bytes, so the iovecs stay valid in between. Returns 1
 * when all of want went, 0 when the socket is full (c->blocked: wait for
 * writability), -1 on a socket error (the connection becomes DEAD).
 */
size_t tcp_conn_iov(const struct tcp_conn *c, struct iovec *iov,
                    size_t *want);
int tcp_conn_sent(struct tcp_conn *c, ssize_t n, int err, size_t want);

/*
 * Write what the kernel takes (the two halves above, in turn). Returns 1
 * when the queue is empty, 0 when bytes remain (c->blocked), -1 on a
 * socket error (the connection becomes TCP_CONN_DEAD).
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
 * ends, or a client whose socket took nothing for --soft-queue-time is
 * dropped (the last two make the connection DEAD).
 */
void tcp_conn_deadline(struct tcp_conn *c, struct room *room);

/*
 * A DEAD connection leaves the room: every complete line it had sent and
 * the server had read (held by the rate limit) still goes to the room,
 * then the others are told it left. No-op once out of the room.
 */
void tcp_conn_leave(struct tcp_conn *c, struct room *room);

/*
 * A DEAD connection has left the room. If the server dropped it
 * (tcp_conn_drop), its queue becomes the end of the line it was cut in and
 * the notice that says why, and it becomes CLOSING for up to
 * TCP_FAREWELL_MS, so that a late reader still reads why: returns true, and
 * the model keeps it. Else returns false: close it now.
 */
bool tcp_conn_retire(struct tcp_conn *c);

/* Between tcp_conn.c and tcp_out.c: set c->deadline to the nearest of its
 * clocks (0: none); and when the soft clock ran out at now, whether the
 * socket really took nothing (else the clock restarts: false). */
void tcp_conn_rearm(struct tcp_conn *c);
bool tcp_conn_stuck(struct tcp_conn *c, uint64_t now);

/* The room is done with this connection (quit, kick): switch to CLOSING. */
void tcp_conn_leave_room(struct tcp_conn *c);

/* After CLOSING's queue is empty: send our FIN and start draining. */
void tcp_conn_shutdown(struct tcp_conn *c);

#endif
