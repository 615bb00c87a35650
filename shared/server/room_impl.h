/*
 * room_impl.h — what the parts of the room share, and nothing outside
 * them sees: the room's and its members' structures, and the few calls one
 * part makes into another. The parts:
 *
 *   room.c       sending, members arriving and leaving, the limits, and
 *                room_input(), where every message comes in
 *   room_time.c  the two clocks of a member's life: room_tick()
 *   room_nick.c  the nickname index, and a member's first messages until
 *                it has a nickname
 *   room_cmd.c   what a member with a nickname can say, and the console
 */
#ifndef REDCHAT_ROOM_IMPL_H
#define REDCHAT_ROOM_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "catalog.h"
#include "msg.h"
#include "net.h"
#include "rate.h"
#include "room.h"
#include "text.h"

/* Longest line the room builds: a nickname, ": ", a sanitised message. */
#define ROOM_LINE_MAX  (TEXT_NICK_MAX + 4 + TEXT_SANITIZE_MAX(MSG_MAX))
#define ROOM_LIST_MAX  2048 /* names shown by /list before "and N more" */
#define ROOM_TOKEN_MAX 64   /* bytes of a /ping token echoed back */
#define ROOM_BUCKETS   64   /* initial nickname hash buckets (power of 2) */
#define ROOM_ECHO_MAX  MSG_WHO_ECHO /* bytes of a message echoed back */
#define ROOM_RUN_MAX   (32 * 1024)  /* bytes of broadcast lines in one run */

/* Clients frame the server's lines with MSG_LINE_MAX: never send longer. */
_Static_assert(ROOM_LINE_MAX <= MSG_LINE_MAX, "room lines fit MSG_LINE_MAX");

struct room_member {
	TAILQ_ENTRY(room_member) link;   /* everyone, in order of arrival */
	TAILQ_ENTRY(room_member) qlink;  /* room->nameless, or room->idle */
	uint64_t since;                  /* arrival (nameless), else last
	                                    activity (in room->idle) */
	struct room_member *hnext;       /* same hash bucket (named only) */
	void *conn;                      /* the transport's handle */
	bool  named;
	char  nick[TEXT_NICK_MAX + 1];
	char  folded[2 * TEXT_NICK_MAX + 1];
	char  peer[NET_ADDR_LEN];
	struct rate   rate;              /* the flood limit's bucket */
	uint64_t      noticed_ms;        /* last "slow down" notice; 0 none */
	unsigned      prefixed;          /* "NAME: text" before a nickname */
	unsigned long dropped;           /* messages over the rate, since */
};

struct room {
	struct room_config     cfg;
	const struct room_ops *ops;
	void                  *transport;
	TAILQ_HEAD(, room_member) members;
	/* The two clocks of a member's life, each queue oldest first: no
	 * nickname yet (by arrival), and named (by last activity; only when
	 * an idle timeout applies). */
	TAILQ_HEAD(, room_member) nameless, idle;
	uint64_t               nick_ms, idle_ms;  /* 0: no such timeout */
	struct room_member   **buckets;  /* nickname hash, by folded nick */
	size_t                 nbuckets;
	size_t                 named;    /* members with a nickname */
	size_t                 total;    /* every connection */
	char                   line[ROOM_LINE_MAX];
	/* cfg.batch: broadcast lines for every named member but run_except,
	 * not sent yet (room_flush) */
	char                  *run;      /* ROOM_RUN_MAX bytes, or NULL */
	size_t                 run_len;
	struct room_member    *run_except;
};

/* room.c: sending. Every line is built once in room->line and handed to
 * the transport once per recipient. */
void room_send_line(struct room *room, struct room_member *to,
                    const char *line, size_t len);
/* Format into room->line and return its length (cut, keeping the newline,
 * if too long: ROOM_LINE_MAX holds the longest line the room builds). */
size_t room_format(struct room *room, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append to room->line[0..len) and return the new length, cut (never past
 * the buffer) if too long; room_end_line() then ends it with a newline,
 * over its last byte if the line is full. */
size_t room_append(struct room *room, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t room_end_line(struct room *room, size_t len);
/* Send one catalogue line to one member. */
#define TELL(room, m, ...) \
	room_send_line((room), (m), (room)->line, room_format((room), __VA_ARGS__))
/* room->line[0..len) to every named member except `except`, shared by all
 * of them when the transport can (ops->share); with cfg.batch, added to
 * the run (room_flush) that then goes to each of them at once. */
void room_broadcast(struct room *room, struct room_member *except, size_t len);
/* A copy of untrusted text that a terminal will print as text. */
const char *room_safe(const char *s, size_t len, char *out, size_t cap);

/* room.c: the member leaves by its own doing or the operator's: the others
 * are told why (a CAT_LEFT* notice), then the transport closes the
 * connection after the last line. */
void room_leave_and_close(struct room *room, struct room_member *member,
                          enum cat_id why);

/* room_time.c: the room's clock (cfg.clock_ms); a member's first nickname
 * (off the nameless queue, onto the idle one); a member heard from. */
uint64_t room_now(const struct room *room);
void room_now_named(struct room *room, struct room_member *member);
void room_heard(struct room *room, struct room_member *member);

/* room_nick.c: the member with this folded nickname, or NULL; unlink a
 * member from the index; take a nickname (told why not, false); the
 * messages of a member without a nickname (false: it left). */
struct room_member *room_find_folded(const struct room *room,
                                     const char *folded);
void room_index_remove(struct room *room, struct room_member *member);
bool room_set_nick(struct room *room, struct room_member *member,
                   const char *name, size_t len);
bool room_choose_nick(struct room *room, struct room_member *member,
                      const char *line, size_t len);

/* room_cmd.c: one message of a member with a nickname (false: it left). */
bool room_command(struct room *room, struct room_member *member,
                  const char *line, size_t len);

#endif
