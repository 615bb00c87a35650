/*
 * room_cmd.c — what a member with a nickname can say: chat to the others,
 * /me to all, /nick, /list, /msg, /help, /ping, /quit; and what the operator
 * types on the server's console. See room_impl.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "log.h"
#include "room_impl.h"

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
		n = fmt_append(names, sizeof(names), n, "%s%s",
		               shown ? ", " : "", m->nick);
		shown++;
	}
	len = room_format(room, catalog_text(CAT_LIST), room->named, names);
	if (shown < room->named)
		len = room_append(room, len, catalog_text(CAT_LIST_MORE),
		                  room->named - shown);
	room_send_line(room, to, room->line, room_end_line(room, len));
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
		to = room_find_folded(room, nick);
	}
	if (to == NULL) {
		TELL(room, from, catalog_text(CAT_NO_SUCH_NICK),
		     room_safe(m->arg, m->arg_len < 64 ? m->arg_len : 64, text,
		               sizeof(text)));
		return;
	}
	room_safe(m->text, m->text_len, text, sizeof(text));
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
	if (!room_set_nick(room, member, m->arg, m->arg_len))
		return;
	room_format(room, catalog_text(CAT_NICK_CHANGED), old, member->nick);
	room_broadcast(room, NULL, strlen(room->line));
	log_info(TR("%s is now %s", "%s ahora es %s"), old, member->nick);
}

/* "*** pong TOKEN": the token lets a client match replies to its pings. */
static void
cmd_ping(struct room *room, struct room_member *member, const struct msg *m)
{
	char token[TEXT_SANITIZE_MAX(ROOM_TOKEN_MAX)];

	token[0] = '\0';
	if (m->arg != NULL)
		room_safe(m->arg, m->arg_len < ROOM_TOKEN_MAX ? m->arg_len
		                                              : ROOM_TOKEN_MAX,
		          token, sizeof(token));
	TELL(room, member, "%s%s%s\n", catalog_text(CAT_PONG),
	     token[0] ? " " : "", token);
}

/* Chat and /me: sanitised, sent to everyone but the sender (chat) or to
 * everyone, the sender too (/me: it sees its action as the others do). */
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
	room_broadcast(room, action ? NULL : from, n);
	log_info("%.*s", (int)(n - 1), room->line);
}

bool
room_command(struct room *room, struct room_member *member, const char *line,
             size_t len)
{
	struct msg m;

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
		room_leave_and_close(room, member, CAT_LEFT);
		return false;
	case MSG_KICK:                  /* the operator's, not a member's */
	case MSG_UNKNOWN: {
		char cmd[TEXT_SANITIZE_MAX(32)];

		TELL(room, member, catalog_text(CAT_UNKNOWN_COMMAND),
		     room_safe(m.cmd, m.cmd_len < 32 ? m.cmd_len : 32, cmd,
		               sizeof(cmd)));
		break;
	}
	}
	return true;
}

/* ---------------------------------------------------------------------------
 * The operator's console
 * ------------------------------------------------------------------------ */

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

	console_say(room, "%zu %s, %zu %s\n", room->named,
	            TRN(room->named, "user", "users", "usuario", "usuarios"),
	            room->total, TRN(room->total, "connection", "connections",
	                             "conexión", "conexiones"));
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
		target = room_find_folded(room, nick);
	}
	if (target == NULL) {
		console_say(room, "%s", TR("no such user\n",
		                           "no existe ese usuario\n"));
		return;
	}
	TELL(room, target, "%s", catalog_text(CAT_KICKED));
	room_leave_and_close(room, target, CAT_LEFT_KICKED);
}

bool
room_console(struct room *room, const char *line, size_t len)
{
	char text[TEXT_SANITIZE_MAX(MSG_MAX)];
	struct msg m;

	room_flush(room);               /* lines from members went first */
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
		room_flush(room);       /* the leave notice */
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
	room_safe(line, len, text, sizeof(text));
	room_broadcast(room, NULL,
	               room_format(room, catalog_text(CAT_SERVER_SAYS), text));
	room_flush(room);
	log_info("[%s] %s", TR("server", "servidor"), text);
	return true;
}
