/*
 * room.h — the chat room, independent of any transport: members and their
 * nicknames, commands, notices and broadcasts, and every member's life:
 * who may join a full room, and who is removed for taking too long to
 * choose a nickname or for staying silent (room_tick). The room never sees
 * a file descriptor. Every line it produces goes to ops->send, which the
 * transport (TCP event loop, TCP threads, UDP, or a unit test) supplies.
 *
 * The room is not thread-safe: a threaded transport holds one lock around
 * every call (and the callbacks run under it).
 */
#ifndef REDCHAT_ROOM_H
#define REDCHAT_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct room;
struct room_member;

#define ROOM_RATE_NOTICE_MS 5000 /* "slow down" at most this often */

/* Why a member left; chooses the notice the others see. */
enum room_leave {
	ROOM_LEAVE_CLOSED,   /* connection closed or failed */
	ROOM_LEAVE_TIMEOUT,  /* silent for too long (UDP idle timeout) */
	ROOM_LEAVE_DROPPED,  /* the transport dropped it (did not read) */
	ROOM_LEAVE_UNREACHABLE, /* its port is closed (UDP: ICMP error) */
};

struct room_ops {
	/*
	 * Queue one complete line (ending in '\n') for conn (with
	 * cfg.batch, one or more complete lines). It must not call
	 * back into the room; if the line cannot be queued the transport
	 * remembers that and calls room_leave() later, outside this callback.
	 */
	void (*send)(void *transport, void *conn, const char *line, size_t len);
	/*
	 * The member on conn has left the room already (it quit, or was
	 * kicked): send what is queued, then close. The transport must not
	 * pass that member to the room again.
	 */
	void (*close)(void *transport, void *conn);
	/*
	 * Optional (may be NULL). Before a line goes to several members the
	 * room calls share(line, len), then send() for each of them with that
	 * same pointer, then share(NULL, 0): the transport may keep one copy
	 * of the line for all of them instead of one each.
	 */
	void (*share)(void *transport, const char *line, size_t len);
	/*
	 * Optional (may be NULL: the text is dropped). What the room answers
	 * the operator's console (/list, a /kick of nobody): len bytes of
	 * text, in whole lines.
	 */
	void (*console)(void *transport, const char *text, size_t len);
};

struct room_config {
	unsigned max_members;  /* 0: no limit */
	/* Seconds a member may stay without a nickname from its arrival
	 * (told why, then closed); 0: none, but see idle_timeout. */
	unsigned nick_timeout;
	/* Seconds a member with a nickname may stay silent (UDP: nothing
	 * else says it has gone), stated when a nickname is accepted; it also
	 * bounds nick_timeout. 0: none. */
	unsigned idle_timeout;
	bool     greet;        /* send the welcome line on join (TCP) */
	size_t   max_line;     /* longest message; 0: MSG_MAX */
	unsigned rate_limit;   /* messages a second per member; 0: no limit */
	unsigned rate_burst;   /* ...in bursts of up to this many */
	bool     rate_paced;   /* the transport waits room_input_wait() before
	                          each message (TCP): never drop one */
	/* The transport takes several lines in one send() (TCP, not UDP):
	 * the broadcast lines of consecutive messages from one member are
	 * gathered into one run, given to each receiver once (room_flush). */
	bool     batch;
	/* UDP sessions: a member without a nickname whose message is not one
	 * (see msg_nick_shaped) is asked who it is (CAT_WHO_ARE_YOU) instead
	 * of having the message taken for a bad nickname. */
	bool     ask_who;
	/* milliseconds on a monotonic clock; NULL: CLOCK_MONOTONIC (tests and
	 * fuzzers supply their own) */
	uint64_t (*clock_ms)(void *transport);
};

/* A new, empty room. Returns NULL when out of memory. */
struct room *room_new(const struct room_config *cfg,
                      const struct room_ops *ops, void *transport);

/* Tell every member the server is closing, then free the room (conns stay
 * the transport's). NULL is allowed. */
void room_free(struct room *room, bool announce);

/*
 * A connection arrives. It is a member without a nickname until its first
 * valid message. peer ("127.0.0.1:5342") is copied for the log. When the
 * room is full, the connection that has waited longest without a nickname
 * gives way (it is told why and closed through ops->close). Returns the
 * member, or NULL when the room is full of named members (the notice was
 * already sent: close the connection) or out of memory.
 */
struct room_member *room_join(struct room *room, void *conn, const char *peer);

/*
 * The room's clock reached now (milliseconds, the clock of cfg.clock_ms):
 * a member without a nickname past cfg.nick_timeout is told why and closed;
 * one with a nickname silent past cfg.idle_timeout is told why, the others
 * see it leave, and it is closed (ops->close both times). Returns the next
 * time something is due, as room_deadline().
 */
uint64_t room_tick(struct room *room, uint64_t now);

/* When room_tick() next has something to do (ms), or UINT64_MAX: never
 * until a member joins. Only room_join() can bring it nearer (the
 * newcomer's clock starts); a nickname, a message or a leave only moves
 * it later (a nickname's wait is never longer than the idle timeout). A
 * transport that sleeps until it asks again after each join. */
uint64_t room_deadline(const struct room *room);

/*
 * Milliseconds until member may send its next message under the rate limit
 * (cfg.rate_limit), 0 for now. A transport that can make its sender wait
 * (TCP: stop reading it) asks this before each message and holds the rest
 * of the input until then, so that nothing is dropped; the member is told
 * it is being slowed at most every ROOM_RATE_NOTICE_MS.
 */
uint64_t room_input_wait(struct room *room, struct room_member *member);

/*
 * One message from member (no terminator; any bytes); it counts as activity
 * for the idle timeout, as does room_too_long(). Returns false when the
 * member has left by it (/quit): ops->close was called, forget the member.
 * A message over cfg.max_line is answered as by room_too_long(). Each
 * message takes a token from the member's bucket (cfg.rate_limit); without
 * one it is dropped (unless cfg.rate_paced), and the member is told so at
 * most every ROOM_RATE_NOTICE_MS.
 */
bool room_input(struct room *room, struct room_member *member,
                const char *line, size_t len);

/* The transport lost the member's connection (or gave up on it). Announces
 * the leave to the others when it had a nickname, and frees the member. */
void room_leave(struct room *room, struct room_member *member,
                enum room_leave why);

/* A message over the limit (cfg.max_line) arrived from member: tell it,
 * drop the message. Rate-limited like any message. */
void room_too_long(struct room *room, struct room_member *member);

/*
 * A line typed on the server's console, parsed as a member's message is:
 * "/list" (answered through ops->console), "/kick NICK", "/quit", else
 * sent to everyone as from the server. Returns false when the operator
 * asked the server to stop.
 */
bool room_console(struct room *room, const char *line, size_t len);

/*
 * With cfg.batch: send the run of broadcast lines gathered so far. The
 * room ends a run itself before any other line (a reply, a private
 * message, a notice), a membership change, or a message from another
 * member; the transport calls this after each read it has handed to the
 * room, so that no line waits for the next. No-op without a run.
 */
void room_flush(struct room *room);

/* Members with a nickname, and all connections (with or without one). */
size_t room_count(const struct room *room);
size_t room_connections(const struct room *room);

/* The member's nickname, or NULL before it chose one. */
const char *room_member_nick(const struct room_member *member);

/* Whether member has chosen a nickname. */
bool room_member_named(const struct room_member *member);

#endif
