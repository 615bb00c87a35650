/*
 * room_time.c — the two clocks of a member's life. A member waits in one of
 * two queues, oldest first: without a nickname, by arrival (nick_ms); with
 * one, by its last message (idle_ms, when the transport cannot tell that a
 * member has gone: UDP). Arrivals and activity go to the back, so the
 * front of each queue is always the next one due, and room_tick() looks at
 * nothing else. See room_impl.h.
 */
#include <stdint.h>

#include "clock.h"
#include "log.h"
#include "room_impl.h"

uint64_t
room_now(const struct room *room)
{
	if (room->cfg.clock_ms != NULL)
		return room->cfg.clock_ms(room->transport);
	return clock_ms();
}

/* A member chose its first nickname: off the nameless queue, onto the
 * idle one. */
void
room_now_named(struct room *room, struct room_member *member)
{
	TAILQ_REMOVE(&room->nameless, member, qlink);
	room->named++;
	if (room->idle_ms != 0) {
		member->since = room_now(room);
		TAILQ_INSERT_TAIL(&room->idle, member, qlink);
	}
}

/* The member was heard from: the idle clock starts again. */
void
room_heard(struct room *room, struct room_member *member)
{
	if (!member->named || room->idle_ms == 0)
		return;
	member->since = room_now(room);
	TAILQ_REMOVE(&room->idle, member, qlink);
	TAILQ_INSERT_TAIL(&room->idle, member, qlink);
}

/* When the front of a queue is due (UINT64_MAX: empty, or no timeout). */
static uint64_t
due(const struct room_member *front, uint64_t timeout_ms)
{
	return front != NULL && timeout_ms != 0 ? front->since + timeout_ms
	                                        : UINT64_MAX;
}

uint64_t
room_deadline(const struct room *room)
{
	uint64_t a = due(TAILQ_FIRST(&room->nameless), room->nick_ms),
	         b = due(TAILQ_FIRST(&room->idle), room->idle_ms);

	return a < b ? a : b;
}

uint64_t
room_tick(struct room *room, uint64_t now)
{
	struct room_member *m;

	room_flush(room);
	/* Slowloris, forgotten terminals, forged UDP sources: a place in the
	 * room is for members that talk. Each is told why before it goes. */
	while ((m = TAILQ_FIRST(&room->nameless)) != NULL &&
	       due(m, room->nick_ms) <= now) {
		log_info(TR("%s: no nickname in %u s, disconnected",
		            "%s: sin apodo en %u s, desconectado"),
		         m->peer, (unsigned)(room->nick_ms / 1000));
		TELL(room, m, catalog_text(CAT_NICK_TIMEOUT),
		     (unsigned)(room->nick_ms / 1000));
		room_leave_and_close(room, m, CAT_LEFT);
	}
	/* UDP: nothing says a member has gone but its silence. It hears the
	 * same notice as the others, so it knows its next datagram will not
	 * be taken as a message. */
	while ((m = TAILQ_FIRST(&room->idle)) != NULL &&
	       due(m, room->idle_ms) <= now) {
		TELL(room, m, catalog_text(CAT_LEFT_TIMEOUT), m->nick);
		room_leave_and_close(room, m, CAT_LEFT_TIMEOUT);
	}
	room_flush(room);               /* the leave notices */
	return room_deadline(room);
}
