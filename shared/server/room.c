/*
 * room.c — the chat room: who is here and what each message makes the
 * server say to whom. Transport-agnostic: the same code serves the TCP
 * event loop, the TCP threads, UDP and the unit tests, through the
 * callbacks in struct room_ops. This file holds the sending, members
 * arriving and leaving, the limits, and room_input(), where every message
 * comes in; the other parts are named in room_impl.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "log.h"
#include "room_impl.h"

/* ---------------------------------------------------------------------------
 * Sending. Every line is built once in room->line and handed to the
 * transport once per recipient (a broadcast tells the transport first that
 * the same line is coming for many: ops->share).
 * ------------------------------------------------------------------------ */

void
room_send_line(struct room *room, struct room_member *to, const char *line,
               size_t len)
{
	room_flush(room);               /* the lines before it go first */
	room->ops->send(room->transport, to->conn, line, len);
}

size_t
room_append(struct room *room, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	len = fmt_vappend(room->line, sizeof(room->line), len, fmt, ap);
	va_end(ap);
	return len;
}

size_t
room_end_line(struct room *room, size_t len)
{
	if (len > sizeof(room->line) - 2)
		len = sizeof(room->line) - 2;
	room->line[len++] = '\n';
	room->line[len] = '\0';
	return len;
}

/* Format into room->line and return its length (cut if too long). */
size_t
room_format(struct room *room, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room->line, sizeof(room->line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(room->line)) {  /* keep the newline */
		n = sizeof(room->line) - 1;
		room->line[n - 1] = '\n';
	}
	return (size_t)n;
}

/* line[0..len) to every named member except `except`: shared by all of
 * them when the transport can (ops->share). */
static void
send_all(struct room *room, struct room_member *except, const char *line,
         size_t len)
{
	struct room_member *m;

	if (room->ops->share != NULL)
		room->ops->share(room->transport, line, len);
	TAILQ_FOREACH(m, &room->members, link)
		if (m->named && m != except)
			room->ops->send(room->transport, m->conn, line, len);
	if (room->ops->share != NULL)
		room->ops->share(room->transport, NULL, 0);
}

/* Send room->line[0..len) to every named member except `except`. With
 * cfg.batch it joins the run of lines for the same receivers (the lines
 * of one member's read), which then costs one send() per receiver however
 * many lines it holds: O(lines + receivers), not O(lines x receivers). */
void
room_broadcast(struct room *room, struct room_member *except, size_t len)
{
	if (room->cfg.batch && room->run == NULL)
		room->run = malloc(ROOM_RUN_MAX);       /* NULL: line by line */
	if (!room->cfg.batch || room->run == NULL || len > ROOM_RUN_MAX) {
		room_flush(room);
		send_all(room, except, room->line, len);
		return;
	}
	if (room->run_len > 0 && (room->run_except != except ||
	                          room->run_len + len > ROOM_RUN_MAX))
		room_flush(room);
	memcpy(room->run + room->run_len, room->line, len);
	room->run_len += len;
	room->run_except = except;
}

void
room_flush(struct room *room)
{
	size_t len = room->run_len;

	if (len == 0)
		return;
	room->run_len = 0;              /* before the callbacks */
	send_all(room, room->run_except, room->run, len);
}

/* A copy of untrusted text that a terminal will print as text. */
const char *
room_safe(const char *s, size_t len, char *out, size_t cap)
{
	text_sanitize(s, len, out, cap);
	return out;
}

/* ---------------------------------------------------------------------------
 * Members coming and going
 * ------------------------------------------------------------------------ */

/* Unlink member, announce why to the others if it had a nickname, free. */
static void
remove_member(struct room *room, struct room_member *member, enum cat_id why)
{
	room_flush(room);               /* what it said, it said before */
	if (member->named) {
		room_index_remove(room, member);
		room->named--;
		room_broadcast(room, member,
		               room_format(room, catalog_text(why), member->nick));
		log_info(TR("%s (%s) left: %s", "%s (%s) se fue: %s"),
		         member->nick, member->peer,
		         why == CAT_LEFT_TIMEOUT ? TR("idle timeout", "inactividad") :
		         why == CAT_LEFT_KICKED ? TR("kicked", "expulsado") :
		         why == CAT_LEFT_DROPPED ? TR("not reading", "no leía") :
		         why == CAT_LEFT_UNREACHABLE ?
		         TR("port unreachable", "puerto inalcanzable") :
		         TR("closed", "cerrado"));
	} else {
		log_debug(TR("%s: closed before choosing a nickname",
		             "%s: cerrado antes de elegir apodo"), member->peer);
	}
	if (!member->named)
		TAILQ_REMOVE(&room->nameless, member, qlink);
	else if (room->idle_ms != 0)
		TAILQ_REMOVE(&room->idle, member, qlink);
	TAILQ_REMOVE(&room->members, member, link);
	room->total--;
	free(member);
}

/* The member leaves by its own doing or the operator's: the others are
 * told, then the transport closes the connection after the last line. */
void
room_leave_and_close(struct room *room, struct room_member *member,
                     enum cat_id why)
{
	void *conn = member->conn;

	remove_member(room, member, why);
	room->ops->close(room->transport, conn);
}

/* ---------------------------------------------------------------------------
 * Limits: the longest message and the flood limit. A transport that can
 * make a sender wait (TCP) asks room_input_wait() before each message and
 * stops reading the sender until its bucket refills: nothing is lost. Over
 * UDP nothing can wait: a member over its rate loses the extra messages
 * (nobody else is affected). Either way it is told why, once every
 * ROOM_RATE_NOTICE_MS, so a flood cannot turn into a flood of notices.
 * ------------------------------------------------------------------------ */

static size_t
max_line(const struct room *room)
{
	return room->cfg.max_line != 0 ? room->cfg.max_line : MSG_MAX;
}

/* The one place the rate notices' own rate is decided: whether member may
 * be told about its rate again at now (at most every ROOM_RATE_NOTICE_MS);
 * when it may, the notice counts as given now. */
static bool
notice_due(struct room_member *member, uint64_t now)
{
	if (member->noticed_ms != 0 &&
	    now - member->noticed_ms < ROOM_RATE_NOTICE_MS)
		return false;
	member->noticed_ms = now != 0 ? now : 1;
	return true;
}

/* True if member may send one more message now; else it is dropped. */
static bool
within_rate(struct room *room, struct room_member *member)
{
	uint64_t now = room_now(room);

	if (rate_take(&member->rate, room->cfg.rate_limit, room->cfg.rate_burst,
	              now) || room->cfg.rate_paced)
		return true;    /* paced: the transport already waited */
	member->dropped++;
	if (notice_due(member, now)) {
		TELL(room, member, catalog_text(CAT_RATE_LIMIT),
		     room->cfg.rate_limit);
		log_info(TR("%s: over %u messages a second, %lu dropped",
		            "%s: más de %u mensajes por segundo, %lu descartados"),
		         member->named ? member->nick : member->peer,
		         room->cfg.rate_limit, member->dropped);

		member->dropped = 0;
	}
	return false;
}

/* ---------------------------------------------------------------------------
 * Public interface
 * ------------------------------------------------------------------------ */

struct room *
room_new(const struct room_config *cfg, const struct room_ops *ops,
         void *transport)
{
	struct room *room = calloc(1, sizeof(*room));

	if (room == NULL)
		return NULL;
	room->buckets = calloc(ROOM_BUCKETS, sizeof(*room->buckets));
	if (room->buckets == NULL) {
		free(room);
		return NULL;
	}
	room->nbuckets = ROOM_BUCKETS;
	TAILQ_INIT(&room->members);
	TAILQ_INIT(&room->nameless);
	TAILQ_INIT(&room->idle);
	room->idle_ms = cfg->idle_timeout * 1000ull;
	room->nick_ms = cfg->nick_timeout * 1000ull;
	/* Silent that long, a member is gone even before it has a name. */
	if (room->idle_ms != 0 &&
	    (room->nick_ms == 0 || room->idle_ms < room->nick_ms))
		room->nick_ms = room->idle_ms;
	room->cfg = *cfg;
	room->ops = ops;
	room->transport = transport;
	return room;
}

void
room_free(struct room *room, bool announce)
{
	struct room_member *m;
	size_t len;

	if (room == NULL)
		return;
	room_flush(room);
	len = room_format(room, "%s", catalog_text(CAT_SERVER_CLOSING));
	while ((m = TAILQ_FIRST(&room->members)) != NULL) {
		TAILQ_REMOVE(&room->members, m, link);
		if (announce)
			room_send_line(room, m, room->line, len);
		free(m);
	}
	free(room->run);
	free(room->buckets);
	free(room);
}

struct room_member *
room_join(struct room *room, void *conn, const char *peer)
{
	struct room_member *m;

	if (room->cfg.max_members > 0 && room->total >= room->cfg.max_members &&
	    (m = TAILQ_FIRST(&room->nameless)) != NULL) {
		/* A place is for someone who talks: connections that never
		 * chose a nickname give way to newcomers, so opening sockets
		 * and saying nothing cannot lock the class out. */
		log_info(TR("%s: no nickname, closed to make room for %s",
		            "%s: sin apodo, cerrado para dejar sitio a %s"),
		         m->peer, peer);
		TELL(room, m, "%s", catalog_text(CAT_NAMELESS_EVICTED));
		room_leave_and_close(room, m, CAT_LEFT);
	}
	if (room->cfg.max_members > 0 && room->total >= room->cfg.max_members) {
		room->ops->send(room->transport, conn, room->line,
		                room_format(room, catalog_text(CAT_FULL),
		                            room->cfg.max_members));
		log_info(TR("%s refused: the chat is full",
		            "%s rechazado: el chat está lleno"), peer);
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->conn = conn;
	m->since = room_now(room);
	snprintf(m->peer, sizeof(m->peer), "%s", peer);
	TAILQ_INSERT_TAIL(&room->members, m, link);
	TAILQ_INSERT_TAIL(&room->nameless, m, qlink);
	room->total++;
	log_debug(TR("%s connected", "%s conectado"), peer);
	if (room->cfg.greet)
		TELL(room, m, "%s", catalog_text(CAT_WELCOME));
	return m;
}

uint64_t
room_input_wait(struct room *room, struct room_member *member)
{
	uint64_t now, wait;

	if (room->cfg.rate_limit == 0)          /* no limit: no clock either */
		return 0;
	now = room_now(room);
	wait = rate_wait(&member->rate, room->cfg.rate_limit,
	                 room->cfg.rate_burst, now);
	if (wait == 0)
		return 0;
	if (notice_due(member, now)) {
		TELL(room, member, catalog_text(CAT_RATE_SLOWED),
		     room->cfg.rate_limit);
		log_info(TR("%s: over %u messages a second, read more slowly",
		            "%s: más de %u mensajes por segundo, se le lee más "
		            "despacio"),
		         member->named ? member->nick : member->peer,
		         room->cfg.rate_limit);

	}
	return wait;
}

bool
room_input(struct room *room, struct room_member *member, const char *line,
           size_t len)
{
	if (room->run_len > 0 && room->run_except != member)
		room_flush(room);       /* a run is one member's lines */
	if (len > max_line(room)) {
		room_too_long(room, member);
		return true;
	}
	room_heard(room, member);
	if (!within_rate(room, member))
		return true;
	if (!member->named)
		return room_choose_nick(room, member, line, len);
	return room_command(room, member, line, len);
}

void
room_leave(struct room *room, struct room_member *member, enum room_leave why)
{
	remove_member(room, member,
	              why == ROOM_LEAVE_TIMEOUT ? CAT_LEFT_TIMEOUT :
	              why == ROOM_LEAVE_DROPPED ? CAT_LEFT_DROPPED :
	              why == ROOM_LEAVE_UNREACHABLE ? CAT_LEFT_UNREACHABLE :
	              CAT_LEFT);
	room_flush(room);               /* the leave notice */
}

void
room_too_long(struct room *room, struct room_member *member)
{
	room_heard(room, member);
	if (!within_rate(room, member))
		return;
	TELL(room, member, catalog_text(CAT_TOO_LONG), (int)max_line(room));
	log_info(TR("%s: message over %d bytes dropped",
	            "%s: mensaje de más de %d bytes descartado"),
	         member->named ? member->nick : member->peer,
	         (int)max_line(room));
}

size_t
room_count(const struct room *room)
{
	return room->named;
}

size_t
room_connections(const struct room *room)
{
	return room->total;
}

const char *
room_member_nick(const struct room_member *member)
{
	return member->named ? member->nick : NULL;
}

bool
room_member_named(const struct room_member *member)
{
	return member->named;
}
