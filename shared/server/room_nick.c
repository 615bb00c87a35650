/*
 * room_nick.c — nicknames: the index that finds a member by its nickname
 * (any case, look-alike letters folded), and a member's messages until it
 * has one: the nickname itself, /nick NAME, /quit, /help, and the clients
 * that need telling how to start (UDP sessions asked who they are, seed
 * 000's "NAME: text"). See room_impl.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "room_impl.h"

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

struct room_member *
room_find_folded(const struct room *room, const char *folded)
{
	struct room_member *m;

	for (m = room->buckets[hash_nick(folded, room->nbuckets)]; m != NULL;
	     m = m->hnext)
		if (strcmp(m->folded, folded) == 0)
			return m;
	return NULL;
}

void
room_index_remove(struct room *room, struct room_member *member)
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
 * Choosing a nickname
 * ------------------------------------------------------------------------ */

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
		n = room_append(room, n, catalog_text(CAT_IDLE_TIMEOUT),
		                room->cfg.idle_timeout);
	room_send_line(room, member, room->line, room_end_line(room, n));
}

/* Take `name` as member's nickname if the rules allow it. On failure the
 * member is told why and keeps its old state. */
bool
room_set_nick(struct room *room, struct room_member *member, const char *name,
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
		     rule == TEXT_NICK_RESERVED ? room_safe(name, len, nick,
		                                            sizeof(nick)) : "");
		return false;
	}
	memcpy(nick, name, len);
	nick[len] = '\0';
	text_nick_key(nick, len, folded);
	owner = room_find_folded(room, folded);
	if (owner == member && strcmp(member->nick, nick) == 0) {
		tell_with_timeout(room, member,
		                  room_format(room, catalog_text(CAT_NICK_SAME),
		                              nick));
		return false;
	}
	if (owner != NULL && owner != member) {
		TELL(room, member, catalog_text(CAT_NICK_TAKEN), nick);
		return false;
	}
	if (member->named) {
		room_index_remove(room, member);
	} else {
		room_flush(room);       /* earlier lines are not for it */
		room_now_named(room, member);
	}
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
		room_leave_and_close(room, member, CAT_LEFT);
		return false;
	}
	TELL(room, member, catalog_text(CAT_NICK_PREFIXED),
	     room_safe(line, n, name, sizeof(name)));
	return true;
}

/* The first valid message of a member without a nickname. */
bool
room_choose_nick(struct room *room, struct room_member *member,
                 const char *line, size_t len)
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
		room_leave_and_close(room, member, CAT_LEFT);
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
	if (!room_set_nick(room, member, line, len))
		return true;

	tell_with_timeout(room, member,
	                  room_format(room, catalog_text(CAT_NICK_ACCEPTED),
	                              member->nick, room->named));
	room_broadcast(room, member,
	               room_format(room, catalog_text(CAT_JOINED), member->nick));
	log_info(TR("%s (%s) joined", "%s (%s) se ha unido"), member->nick,
	         member->peer);
	return true;
}
