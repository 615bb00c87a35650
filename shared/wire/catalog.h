/*
 * catalog.h — the Spanish/English catalogue: the room's protocol lines, as
 * a table in catalog.c, in the language of the run (lang.h, which also
 * gives TR() for a program's own messages).
 */
#ifndef REDCHAT_CATALOG_H
#define REDCHAT_CATALOG_H

#include "lang.h"

/* Texts the room sends. Each is a printf format; see catalog.c. */
enum cat_id {
	CAT_WELCOME,          /* (no args) greeting that asks for a nickname */
	CAT_NICK_ACCEPTED,    /* %s nick, %zu members */
	CAT_IDLE_TIMEOUT,     /* %u seconds: appended to NICK_ACCEPTED on UDP */
	CAT_NICK_EMPTY,
	CAT_NICK_TOO_LONG,    /* %d max bytes */
	CAT_NICK_BAD_UTF8,
	CAT_NICK_SPACE,
	CAT_NICK_CONTROL,
	CAT_NICK_SLASH,
	CAT_NICK_RESERVED,    /* %s nick */
	CAT_NICK_TAKEN,       /* %s nick */
	CAT_NICK_SAME,        /* %s nick */
	CAT_NEED_NICK,        /* command before having a nickname */
	CAT_JOINED,           /* %s nick */
	CAT_LEFT,             /* %s nick */
	CAT_LEFT_TIMEOUT,     /* %s nick */
	CAT_LEFT_KICKED,      /* %s nick */
	CAT_LEFT_DROPPED,     /* %s nick: output queue overflow */
	CAT_NICK_CHANGED,     /* %s old, %s new */
	CAT_LIST,             /* %zu count, %s names */
	CAT_LIST_MORE,        /* %zu more names not shown */
	CAT_PRIVATE_FROM,     /* %s from, %s text */
	CAT_PRIVATE_TO,       /* %s to, %s text */
	CAT_NO_SUCH_NICK,     /* %s nick */
	CAT_USAGE_NICK,
	CAT_USAGE_MSG,
	CAT_USAGE_ME,
	CAT_PONG,             /* (no args; a token is appended) */
	CAT_BYE,              /* %s nick */
	CAT_UNKNOWN_COMMAND,  /* %s command */
	CAT_TOO_LONG,         /* %d max bytes */
	CAT_FULL,             /* %u max clients */
	CAT_KICKED,           /* (no args) to the kicked member */
	CAT_OVERFLOW,         /* %zu KiB: dropped over the hard output limit */
	CAT_OVERFLOW_SLOW,    /* %zu KiB, %u s: queue waited, nothing read */
	CAT_SERVER_SAYS,      /* %s text from the operator */
	CAT_SERVER_CLOSING,
	CAT_HELP,             /* (no args) several lines, each ending in \n */
	CAT_RATE_LIMIT,       /* %u messages a second (UDP: extra dropped) */
	CAT_RATE_SLOWED,      /* %u messages a second (TCP: read slower) */
	CAT_NAMELESS_EVICTED, /* (no args) full room, no nickname: give way */
	CAT_NICK_TIMEOUT,     /* %u seconds */
	CAT_WHO_ARE_YOU,      /* %s the start of the message not delivered (UDP) */
	CAT_LEFT_UNREACHABLE, /* %s nick: ICMP port unreachable (UDP) */
	CAT_NICK_NEWLINE,     /* (no args) a nickname datagram with a newline */
	CAT_NICK_PREFIXED,    /* %s name: "NAME: text" before any nickname */
	CAT_NICK_PREFIXED_BYE, /* (no args) the third such message: closed */
	CAT_GOODBYE,          /* (no args) /quit before choosing a nickname */
	CAT_COUNT
};

/* The text of id in the current language (a printf format). */
const char *catalog_text(enum cat_id id);

#endif
