/*
 * reply.h — what a chat client makes of one line from the server: a chat
 * line, a private message, a notice, the answer to its nickname, a pong.
 * Pure functions on bytes; the clients (shared/client/client.c) decide
 * what to do.
 *
 * Notices are recognised in both languages whatever the client's own
 * language, because the server may speak the other one; the texts come
 * from the catalogue (catalog.c), so the two sides cannot drift apart.
 */
#ifndef REDCHAT_REPLY_H
#define REDCHAT_REPLY_H

#include <stddef.h>

#define REPLY_ERROR_PREFIX "*** Error" /* the same in both languages */

enum reply_kind {
	REPLY_OTHER,     /* anything else (an older or foreign server) */
	REPLY_CHAT,      /* "NICK: TEXT" */
	REPLY_ACTION,    /* "* NICK TEXT" (/me) */
	REPLY_PRIVATE,   /* "NICK (private): TEXT" */
	REPLY_NOTICE,    /* "*** ..." not listed below */
	REPLY_ERROR,     /* "*** Error..." */
	REPLY_WELCOME,   /* the greeting that asks for a nickname (TCP) */
	REPLY_ACCEPTED,  /* "*** Hello NICK, ..." the nickname was taken */
	REPLY_NEED_NICK, /* "*** Type your nickname first." */
	REPLY_WHO,       /* UDP: "*** Who are you? ... Not delivered: TEXT" */
	REPLY_RENAMED,   /* "*** OLD is now called NEW" */
	REPLY_PONG,      /* "*** pong TOKEN" */
	REPLY_BYE,       /* "*** Goodbye..." after /quit */
	REPLY_CLOSING,   /* the server is shutting down */
	REPLY_KICKED,    /* the operator removed us */
};

struct reply {
	enum reply_kind kind;
	const char     *nick;         /* CHAT, ACTION, PRIVATE: the sender */
	size_t          nick_len;
	const char     *token;        /* PONG: the token (may be empty) */
	size_t          token_len;
	unsigned        idle_timeout; /* ACCEPTED: seconds, 0 when not stated */
	const char     *echo;         /* WHO: the message not delivered, as */
	size_t          echo_len;     /* the room echoes it (MSG_WHO_ECHO) */
	const char     *renamed;      /* RENAMED: the new nickname (the old */
	size_t          renamed_len;  /* one is in nick) */
};

/* Classify one line (no terminator). Never fails: see enum reply_kind.
 * The pointers in *out point into line. */
void reply_parse(const char *line, size_t len, struct reply *out);

/* True for the kinds that are server notices ("*** "). */
int reply_is_notice(enum reply_kind kind);

#endif
