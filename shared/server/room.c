/*
 * room.c — the chat room: who is here, what they are called, what each
 * message or command makes the server say to whom, and how long each may
 * stay. Transport-agnostic: the same code serves the TCP event loop, the
 * TCP threads, UDP and the unit tests, through the callbacks in struct
 * room_ops.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "catalog.h"
#include "clock.h"
#include "log.h"
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
};

/* ---------------------------------------------------------------------------
 * Nickname index: a chained hash table of folded nicknames, so that a join
 * or a /msg costs the same with 10 or 10,000 members.
 * ------------------------------------------------------------------------ */

static size_t
hash_nick(const char *folded, size_t nbuckets)
{
	unsigned long h = 2166136261u;             /* FNV-1a */

	while (*folded != '\0')
		h = (h ^ (unsigned char)*folded++) * 16777619u;
	return h & (nbuckets - 1);
}

static struct room_member *
find_folded(const struct room *room, const char *folded)
{
	struct room_member *m;

	for (m = room->buckets[hash_nick(folded, room->nbuckets)]; m != NULL;
	     m = m->hnext)
		if (strcmp(m->folded, folded) == 0)
			return m;
	return NULL;
}

static void
index_remove(struct room *room, struct room_member *member)
{
	struct room_member **pp;

	pp = &room->buckets[hash_nick(member->folded, room->nbuckets)];
	while (*pp != NULL && *pp != member)
		pp = &(*pp)->hnext;
	if (*pp != NULL)
		*pp = member->hnext;
	member->hnext = NULL;
}

static void
index_insert(struct room *room, struct room_member *member)
{
	struct room_member **nb, *m, *next;
	size_t i, n, h;

	if (room->named >= room->nbuckets) {     /* grow; keep if no memory */
		n = room->nbuckets * 2;
		if ((nb = calloc(n, sizeof(*nb))) != NULL) {
			for (i = 0; i < room->nbuckets; i++)
				for (m = room->buckets[i]; m != NULL; m = next) {
					next = m->hnext;
					h = hash_nick(m->folded, n);
					m->hnext = nb[h];
					nb[h] = m;
				}
			free(room->buckets);
			room->buckets = nb;
			room->nbuckets = n;
		}
	}
	h = hash_nick(member->folded, room->nbuckets);
	member->hnext = room->buckets[h];
	room->buckets[h] = member;
}

/* ---------------------------------------------------------------------------
 * Sending. Every line is built once in room->line and handed to the
 * transport once per recipient (a broadcast tells the transport first that
 * the same line is coming for many: ops->share).
 * ------------------------------------------------------------------------ */

static void
send_line(struct room *room, struct room_member *to, const char *line,
          size_t len)
{
	room->ops->send(room->transport, to->conn, line, len);
}

/* Format into room->line and return its length (cut if too long). */
static size_t __attribute__((format(printf, 2, 3)))
format(struct room *room, const char *fmt, ...)
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

/* Send one catalogue line to one member. */
#define TELL(room, m, ...) \
	send_line((room), (m), (room)->line, format((room), __VA_ARGS__))

/* Send room->line[0..len) to every named member except `except`: built
 * once, and shared by all of them when the transport can (ops->share). */
static void
broadcast(struct room *room, struct room_member *except, size_t len)
{
	struct room_member *m;

	if (room->ops->share != NULL)
		room->ops->share(room->transport, room->line, len);
	TAILQ_FOREACH(m, &room->members, link)
		if (m->named && m != except)
			send_line(room, m, room->line, len);
	if (room->ops->share != NULL)
		room->ops->share(room->transport, NULL, 0);
}

/* A copy of untrusted text that a terminal will print as text. */
static const char *
safe(const char *s, size_t len, char *out, size_t cap)
{
	text_sanitize(s, len, out, cap);
	return out;
}

/* ---------------------------------------------------------------------------
 * Time. A member waits in one of two queues, oldest first: without a
 * nickname, by arrival (nick_ms); with one, by its last message (idle_ms,
 * when the transport cannot tell that a member has gone: UDP). Arrivals
 * and activity go to the back, so the front of each queue is always the
 * next one due, and room_tick() looks at nothing else.
 * ------------------------------------------------------------------------ */

static uint64_t
now_ms(const struct room *room)
{
	if (room->cfg.clock_ms != NULL)
		return room->cfg.clock_ms(room->transport);
	return clock_ms();
}

/* A member chose its first nickname: off the nameless queue, onto the
 * idle one. */
static void
now_named(struct room *room, struct room_member *member)
{
	TAILQ_REMOVE(&room->nameless, member, qlink);
	room->named++;
	if (room->idle_ms != 0) {
		member->since = now_ms(room);
		TAILQ_INSERT_TAIL(&room->idle, member, qlink);
	}
}

/* The member was heard from: the idle clock starts again. */
static void
heard(struct room *room, struct room_member *member)
{
	if (!member->named || room->idle_ms == 0)
		return;
	member->since = now_ms(room);
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

/* ---------------------------------------------------------------------------
 * Members coming and going
 * ------------------------------------------------------------------------ */

/* Unlink member, announce why to the others if it had a nickname, free. */
static void
remove_member(struct room *room, struct room_member *member, enum cat_id why)
{
	if (member->named) {
		index_remove(room, member);
		room->named--;
		broadcast(room, member, format(room, catalog_text(why),
		                               member->nick));
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
static void
leave_and_close(struct room *room, struct room_member *member,
                enum cat_id why)
{
	void *conn = member->conn;

	remove_member(room, member, why);
	room->ops->close(room->transport, conn);
}

/*
 * Send room->line[0..n) to member with " [idle-timeout=N]" before its
 * newline when the transport forgets silent members (UDP): the answers to
 * a nickname state it, so that a client knows how often to keep alive.
 */
static void
tell_with_timeout(struct room *room, struct room_member *member, size_t n)
{
	if (n > 0 && room->line[n - 1] == '\n')
		n--;
	if (room->cfg.idle_timeout > 0)
		n += (size_t)snprintf(room->line + n, sizeof(room->line) - n,
		                      catalog_text(CAT_IDLE_TIMEOUT),
		                      room->cfg.idle_timeout);
	n += (size_t)snprintf(room->line + n, sizeof(room->line) - n, "\n");
	send_line(room, member, room->line, n);
}

/* Take `name` as member's nickname if the rules allow it. On failure the
 * member is told why and keeps its old state. */
static bool
set_nick(struct room *room, struct room_member *member, const char *name,
         size_t len)
{
	static const enum cat_id errors[] = {
		[TEXT_NICK_EMPTY]    = CAT_NICK_EMPTY,
		[TEXT_NICK_TOO_LONG] = CAT_NICK_TOO_LONG,
		[TEXT_NICK_BAD_UTF8] = CAT_NICK_BAD_UTF8,
		[TEXT_NICK_SPACE]    = CAT_NICK_SPACE,
		[TEXT_NICK_CONTROL]  = CAT_NICK_CONTROL,
		[TEXT_NICK_SLASH]    = CAT_NICK_SLASH,
		[TEXT_NICK_RESERVED] = CAT_NICK_RESERVED,
	};
	char folded[2 * TEXT_NICK_MAX + 1], nick[TEXT_NICK_MAX + 1];
	struct room_member *owner;
	enum text_nick rule;

	rule = text_nick_check(name, len);
	if (rule == TEXT_NICK_CONTROL && memchr(name, '\n', len) != NULL) {
		/* only a datagram can hold one (nc -u sending "ana\nhola") */
		TELL(room, member, "%s", catalog_text(CAT_NICK_NEWLINE));
		return false;
	}
	if (rule == TEXT_NICK_TOO_LONG) {
		TELL(room, member, catalog_text(errors[rule]), TEXT_NICK_MAX);
		return false;
	}
	if (rule != TEXT_NICK_OK) {     /* only RESERVED names the nickname */
		TELL(room, member, catalog_text(errors[rule]),
		     rule == TEXT_NICK_RESERVED ? safe(name, len, nick,
		                                       sizeof(nick)) : "");
		return false;
	}
	memcpy(nick, name, len);
	nick[len] = '\0';
	text_nick_key(nick, len, folded);
	owner = find_folded(room, folded);
	if (owner == member && strcmp(member->nick, nick) == 0) {
		tell_with_timeout(room, member,
		                  format(room, catalog_text(CAT_NICK_SAME), nick));
		return false;
	}
	if (owner != NULL && owner != member) {
		TELL(room, member, catalog_text(CAT_NICK_TAKEN), nick);
		return false;
	}
	if (member->named)
		index_remove(room, member);
	else
		now_named(room, member);
	memcpy(member->nick, nick, len + 1);
	memcpy(member->folded, folded, sizeof(folded));
	member->named = true;
	index_insert(room, member);
	return true;
}

/*
 * UDP sessions: a member without a nickname sent something that is not
 * one (chat with spaces, a command): the server may have forgotten it
 * (restart, idle timeout). Ask who it is, and say which message was not
 * delivered (its first ROOM_ECHO_MAX bytes, made safe), so that a client
 * can send its nickname and then that message again.
 */
static void
ask_who(struct room *room, struct room_member *member, const char *line,
        size_t len)
{
	char echo[ROOM_ECHO_MAX];

	text_sanitize(line, len, echo, sizeof(echo));
	TELL(room, member, catalog_text(CAT_WHO_ARE_YOU), echo);
}

/*
 * A first message shaped "NAME: TEXT" with a valid NAME: a client that puts
 * its name in front of each message and waits for the server to send
 * "NICK" first (the course's first example, seed 000). Say what is wrong;
 * at the third, close rather than refuse its nicknames forever. Returns
 * false when the member is gone, true otherwise; *handled says whether it
 * was such a message.
 */
static bool
prefixed_first(struct room *room, struct room_member *member,
               const char *line, size_t len, bool *handled)
{
	const char *colon = memmem(line, len, ": ", 2);
	char name[TEXT_SANITIZE_MAX(TEXT_NICK_MAX)];
	size_t n;

	*handled = false;
	if (colon == NULL || colon == line || (size_t)(colon - line) + 2 == len)
		return true;
	n = (size_t)(colon - line);
	if (text_nick_check(line, n) != TEXT_NICK_OK)
		return true;
	*handled = true;
	if (++member->prefixed >= 3) {
		TELL(room, member, "%s", catalog_text(CAT_NICK_PREFIXED_BYE));
		leave_and_close(room, member, CAT_LEFT);
		return false;
	}
	TELL(room, member, catalog_text(CAT_NICK_PREFIXED),
	     safe(line, n, name, sizeof(name)));
	return true;
}

/* The first valid message of a member without a nickname. */
static bool
choose_nick(struct room *room, struct room_member *member, const char *line,
            size_t len)
{
	struct msg m;

	msg_parse(line, len, &m);
	if (room->cfg.ask_who && !msg_nick_shaped(line, len) &&
	    (m.kind == MSG_CHAT || m.kind == MSG_ME || m.kind == MSG_LIST ||
	     m.kind == MSG_PRIVATE || m.kind == MSG_PING ||
	     m.kind == MSG_KICK || m.kind == MSG_UNKNOWN)) {
		ask_who(room, member, line, len);
		return true;
	}
	switch (m.kind) {
	case MSG_EMPTY:
		return true;
	case MSG_QUIT:
		TELL(room, member, "%s", catalog_text(CAT_GOODBYE));
		leave_and_close(room, member, CAT_LEFT);
		return false;
	case MSG_HELP:
		TELL(room, member, "%s", catalog_text(CAT_HELP));
		return true;
	case MSG_CHAT: {
		bool handled, stays = prefixed_first(room, member, line, len,
		                                     &handled);

		if (handled)
			return stays;
		break;
	}
	case MSG_NICK:                  /* "/nick ana" as a first message */
		if (m.arg != NULL) {
			line = m.arg;
			len = m.arg_len;
			break;
		}
		/* fall through */
	default:
		TELL(room, member, "%s", catalog_text(CAT_NEED_NICK));
		return true;
	}
	/* The nickname is the message without surrounding blanks. */
	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (!set_nick(room, member, line, len))
		return true;

	tell_with_timeout(room, member,
	                  format(room, catalog_text(CAT_NICK_ACCEPTED),
	                         member->nick, room->named));
	broadcast(room, member, format(room, catalog_text(CAT_JOINED),
	                               member->nick));
	log_info(TR("%s (%s) joined", "%s (%s) se ha unido"), member->nick,
	         member->peer);
	return true;
}

/* ---------------------------------------------------------------------------
 * Commands of a member with a nickname
 * ------------------------------------------------------------------------ */

/* "*** Users (3): ana, luis, eva", cut after ROOM_LIST_MAX bytes of names. */
static void
cmd_list(struct room *room, struct room_member *to)
{
	char names[ROOM_LIST_MAX + TEXT_NICK_MAX + 3];
	struct room_member *m;
	size_t n = 0, shown = 0, len;

	names[0] = '\0';
	TAILQ_FOREACH(m, &room->members, link) {
		if (!m->named)
			continue;
		if (n + strlen(m->nick) + 2 > ROOM_LIST_MAX)
			break;
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
		                      shown ? ", " : "", m->nick);
		shown++;
	}
	len = format(room, catalog_text(CAT_LIST), room->named, names);
	if (shown < room->named)
		len += (size_t)snprintf(room->line + len, sizeof(room->line) - len,
		                        catalog_text(CAT_LIST_MORE),
		                        room->named - shown);
	len += (size_t)snprintf(room->line + len, sizeof(room->line) - len, "\n");
	send_line(room, to, room->line, len);
}

static void
cmd_private(struct room *room, struct room_member *from, const struct msg *m)
{
	char nick[2 * TEXT_NICK_MAX + 1], text[TEXT_SANITIZE_MAX(MSG_MAX)];
	struct room_member *to = NULL;

	if (m->arg == NULL || m->text == NULL) {
		TELL(room, from, "%s", catalog_text(CAT_USAGE_MSG));
		return;
	}
	if (m->arg_len <= TEXT_NICK_MAX) {
		text_nick_key(m->arg, m->arg_len, nick);
		to = find_folded(room, nick);
	}
	if (to == NULL) {
		TELL(room, from, catalog_text(CAT_NO_SUCH_NICK),
		     safe(m->arg, m->arg_len < 64 ? m->arg_len : 64, text,
		          sizeof(text)));
		return;
	}
	safe(m->text, m->text_len, text, sizeof(text));
	TELL(room, to, catalog_text(CAT_PRIVATE_FROM), from->nick, text);
	TELL(room, from, catalog_text(CAT_PRIVATE_TO), to->nick, text);
	log_info("%s -> %s (%s): %s", from->nick, to->nick,
	         TR("private", "privado"), text);
}

static void
cmd_nick(struct room *room, struct room_member *member, const struct msg *m)
{
	char old[TEXT_NICK_MAX + 1];

	if (m->arg == NULL) {
		TELL(room, member, "%s", catalog_text(CAT_USAGE_NICK));
		return;
	}
	memcpy(old, member->nick, sizeof(old));
	if (!set_nick(room, member, m->arg, m->arg_len))
		return;
	format(room, catalog_text(CAT_NICK_CHANGED), old, member->nick);
	broadcast(room, NULL, strlen(room->line));
	log_info(TR("%s is now %s", "%s ahora es %s"), old, member->nick);
}

/* "*** pong TOKEN": the token lets a client match replies to its pings. */
static void
cmd_ping(struct room *room, struct room_member *member, const struct msg *m)
{
	char token[TEXT_SANITIZE_MAX(ROOM_TOKEN_MAX)];

	token[0] = '\0';
	if (m->arg != NULL)
		safe(m->arg, m->arg_len < ROOM_TOKEN_MAX ? m->arg_len
		                                         : ROOM_TOKEN_MAX,
		     token, sizeof(token));
	TELL(room, member, "%s%s%s\n", catalog_text(CAT_PONG),
	     token[0] ? " " : "", token);
}

/* Chat and /me: sanitised, sent to everyone but the sender. */
static void
relay(struct room *room, struct room_member *from, const char *text,
      size_t len, bool action)
{
	size_t n, start = 0, nick_len = strlen(from->nick);

	/* "NICK: " or "* NICK " (no printf: this runs for every message) */
	if (action) {
		memcpy(room->line, "* ", 2);
		start = 2;
	}
	memcpy(room->line + start, from->nick, nick_len);
	start += nick_len;
	memcpy(room->line + start, action ? " " : ": ", action ? 1 : 2);
	start += action ? 1 : 2;
	n = start + text_sanitize(text, len, room->line + start,
	                          sizeof(room->line) - start - 1);
	room->line[n++] = '\n';
	broadcast(room, from, n);
	log_info("%.*s", (int)(n - 1), room->line);
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

/* True if member may send one more message now; else it is dropped. */
static bool
within_rate(struct room *room, struct room_member *member)
{
	uint64_t now = now_ms(room);

	if (rate_take(&member->rate, room->cfg.rate_limit, room->cfg.rate_burst,
	              now) || room->cfg.rate_paced)
		return true;    /* paced: the transport already waited */
	member->dropped++;
	if (member->noticed_ms == 0 ||
	    now - member->noticed_ms >= ROOM_RATE_NOTICE_MS) {
		TELL(room, member, catalog_text(CAT_RATE_LIMIT),
		     room->cfg.rate_limit);
		log_info(TR("%s: over %u messages a second, %lu dropped",
		            "%s: más de %u mensajes por segundo, %lu descartados"),
		         member->named ? member->nick : member->peer,
		         room->cfg.rate_limit, member->dropped);
		member->noticed_ms = now != 0 ? now : 1;
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
	len = format(room, "%s", catalog_text(CAT_SERVER_CLOSING));
	while ((m = TAILQ_FIRST(&room->members)) != NULL) {
		TAILQ_REMOVE(&room->members, m, link);
		if (announce)
			send_line(room, m, room->line, len);
		free(m);
	}
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
		leave_and_close(room, m, CAT_LEFT);
	}
	if (room->cfg.max_members > 0 && room->total >= room->cfg.max_members) {
		room->ops->send(room->transport, conn, room->line,
		                format(room, catalog_text(CAT_FULL),
		                       room->cfg.max_members));
		log_info(TR("%s refused: the chat is full",
		            "%s rechazado: el chat está lleno"), peer);
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->conn = conn;
	m->since = now_ms(room);
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
	now = now_ms(room);
	wait = rate_wait(&member->rate, room->cfg.rate_limit,
	                 room->cfg.rate_burst, now);
	if (wait == 0)
		return 0;
	if (member->noticed_ms == 0 ||
	    now - member->noticed_ms >= ROOM_RATE_NOTICE_MS) {
		TELL(room, member, catalog_text(CAT_RATE_SLOWED),
		     room->cfg.rate_limit);
		log_info(TR("%s: over %u messages a second, read more slowly",
		            "%s: más de %u mensajes por segundo, se le lee más "
		            "despacio"),
		         member->named ? member->nick : member->peer,
		         room->cfg.rate_limit);
		member->noticed_ms = now != 0 ? now : 1;
	}
	return wait;
}

bool
room_input(struct room *room, struct room_member *member, const char *line,
           size_t len)
{
	struct msg m;

	if (len > max_line(room)) {
		room_too_long(room, member);
		return true;
	}
	heard(room, member);
	if (!within_rate(room, member))
		return true;
	if (!member->named)
		return choose_nick(room, member, line, len);

	msg_parse(line, len, &m);
	switch (m.kind) {
	case MSG_EMPTY:
		break;
	case MSG_CHAT:
		relay(room, member, m.arg, m.arg_len, false);
		break;
	case MSG_ME:
		if (m.arg == NULL)
			TELL(room, member, "%s", catalog_text(CAT_USAGE_ME));
		else
			relay(room, member, m.arg, m.arg_len, true);
		break;
	case MSG_NICK:
		cmd_nick(room, member, &m);
		break;
	case MSG_LIST:
		cmd_list(room, member);
		break;
	case MSG_PRIVATE:
		cmd_private(room, member, &m);
		break;
	case MSG_HELP:
		TELL(room, member, "%s", catalog_text(CAT_HELP));
		break;
	case MSG_PING:
		cmd_ping(room, member, &m);
		break;
	case MSG_QUIT:
		TELL(room, member, catalog_text(CAT_BYE), member->nick);
		leave_and_close(room, member, CAT_LEFT);
		return false;
	case MSG_KICK:                  /* the operator's, not a member's */
	case MSG_UNKNOWN: {
		char cmd[TEXT_SANITIZE_MAX(32)];

		TELL(room, member, catalog_text(CAT_UNKNOWN_COMMAND),
		     safe(m.cmd, m.cmd_len < 32 ? m.cmd_len : 32, cmd,
		          sizeof(cmd)));
		break;
	}
	}
	return true;
}

void
room_leave(struct room *room, struct room_member *member, enum room_leave why)
{
	remove_member(room, member,
	              why == ROOM_LEAVE_TIMEOUT ? CAT_LEFT_TIMEOUT :
	              why == ROOM_LEAVE_DROPPED ? CAT_LEFT_DROPPED :
	              why == ROOM_LEAVE_UNREACHABLE ? CAT_LEFT_UNREACHABLE :
	              CAT_LEFT);
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

	/* Slowloris, forgotten terminals, forged UDP sources: a place in the
	 * room is for members that talk. Each is told why before it goes. */
	while ((m = TAILQ_FIRST(&room->nameless)) != NULL &&
	       due(m, room->nick_ms) <= now) {
		log_info(TR("%s: no nickname in %u s, disconnected",
		            "%s: sin apodo en %u s, desconectado"),
		         m->peer, (unsigned)(room->nick_ms / 1000));
		TELL(room, m, catalog_text(CAT_NICK_TIMEOUT),
		     (unsigned)(room->nick_ms / 1000));
		leave_and_close(room, m, CAT_LEFT);
	}
	/* UDP: nothing says a member has gone but its silence. It hears the
	 * same notice as the others, so it knows its next datagram will not
	 * be taken as a message. */
	while ((m = TAILQ_FIRST(&room->idle)) != NULL &&
	       due(m, room->idle_ms) <= now) {
		TELL(room, m, catalog_text(CAT_LEFT_TIMEOUT), m->nick);
		leave_and_close(room, m, CAT_LEFT_TIMEOUT);
	}
	return room_deadline(room);
}

void
room_too_long(struct room *room, struct room_member *member)
{
	heard(room, member);
	if (!within_rate(room, member))
		return;
	TELL(room, member, catalog_text(CAT_TOO_LONG), (int)max_line(room));
	log_info(TR("%s: message over %d bytes dropped",
	            "%s: mensaje de más de %d bytes descartado"),
	         member->named ? member->nick : member->peer,
	         (int)max_line(room));
}

/* Text for the operator's console (ops->console), if the transport has one. */
static void __attribute__((format(printf, 2, 3)))
console_say(struct room *room, const char *fmt, ...)
{
	char text[ROOM_LINE_MAX];
	va_list ap;
	int n;

	if (room->ops->console == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n > 0)              /* a nickname and an address: always fits */
		room->ops->console(room->transport, text,
		                   (size_t)n < sizeof(text) ? (size_t)n
		                                            : sizeof(text) - 1);
}

static void
console_list(struct room *room)
{
	struct room_member *p;

	console_say(room, TR("%zu users, %zu connections\n",
	                     "%zu usuarios, %zu conexiones\n"),
	            room->named, room->total);
	TAILQ_FOREACH(p, &room->members, link)
		console_say(room, "  %-20s %s\n", p->named ? p->nick : "-",
		            p->peer);
}

static void
console_kick(struct room *room, const struct msg *m)
{
	char nick[2 * TEXT_NICK_MAX + 1];
	struct room_member *target = NULL;

	if (m->arg != NULL && m->arg_len <= TEXT_NICK_MAX) {
		text_nick_key(m->arg, m->arg_len, nick);
		target = find_folded(room, nick);
	}
	if (target == NULL) {
		console_say(room, "%s", TR("no such user\n",
		                           "no existe ese usuario\n"));
		return;
	}
	TELL(room, target, "%s", catalog_text(CAT_KICKED));
	leave_and_close(room, target, CAT_LEFT_KICKED);
}

bool
room_console(struct room *room, const char *line, size_t len)
{
	char text[TEXT_SANITIZE_MAX(MSG_MAX)];
	struct msg m;

	msg_parse(line, len, &m);
	switch (m.kind) {
	case MSG_EMPTY:
		return true;
	case MSG_QUIT:
		return false;
	case MSG_LIST:
		console_list(room);
		return true;
	case MSG_KICK:
		console_kick(room, &m);
		return true;
	case MSG_UNKNOWN:
		console_say(room, "%s", TR("console commands: /list, /kick NICK, "
		            "/quit; anything else is sent to everyone\n",
		            "órdenes de consola: /list, /kick APODO, /quit; "
		            "lo demás se envía a todos\n"));
		return true;
	default:
		break;
	}
	safe(line, len, text, sizeof(text));
	broadcast(room, NULL, format(room, catalog_text(CAT_SERVER_SAYS), text));
	log_info("[%s] %s", TR("server", "servidor"), text);
	return true;
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
