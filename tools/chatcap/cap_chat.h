/*
 * cap_chat.h — what the chat bytes in a packet say: TCP payload is framed
 * into lines with the shared message module (one framer per direction),
 * a UDP datagram is one message; each message is named (nickname, chat,
 * command, notice, relayed chat) and sanitised for the terminal.
 */
#ifndef CAP_CHAT_H
#define CAP_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define CAP_CHAT_MSGS 8    /* messages kept per packet; more are counted */
#define CAP_NICK_TEXT 32   /* bytes of a nickname kept */
#define CAP_CHAT_TEXT 2048 /* bytes of sanitised text kept per packet */

enum cap_role {
	CAP_ROLE_NICKNAME, /* a client's first message */
	CAP_ROLE_CHAT,     /* client to server: text for the others */
	CAP_ROLE_COMMAND,  /* client to server: a /command */
	CAP_ROLE_EMPTY,    /* nothing but blanks */
	CAP_ROLE_NOTICE,   /* server to client: a line starting "*** " */
	CAP_ROLE_RELAY,    /* server to client: "NICK: TEXT" and the rest */
	CAP_ROLE_TOO_LONG, /* over MSG_MAX: the server drops it */
};

struct cap_msg {
	enum cap_role role;
	enum msg_kind kind;  /* for CAP_ROLE_COMMAND */
	const char   *text;  /* sanitised, NUL-terminated, in cap_chat.text */
	size_t        len;
	bool          ended_early; /* by the silence rule or the FIN: its bytes
	                            * came in earlier packets than this one */
};

/* The messages one packet completed. */
struct cap_chat {
	struct cap_msg msg[CAP_CHAT_MSGS];
	size_t n;        /* kept in msg[] */
	size_t total;    /* completed by this packet, kept or not */
	size_t pending;  /* bytes of an unfinished line waiting for more */
	bool   held;     /* the segment waits for missing bytes before it */
	char   said_nick[CAP_NICK_TEXT]; /* the server's acceptance ("***
	                                  * Hello NICK, ...") named NICK */
	size_t used;     /* bytes of text[] in use */
	char   text[CAP_CHAT_TEXT];
};

#define CAP_CHAT_SILENCE_US ((int64_t)MSG_SILENCE_MS * 1000)

/* One direction of a conversation. Zero it to initialise. */
struct cap_chat_dir {
	struct msg_framer framer;
	uint64_t          messages;   /* completed so far */
	bool              nick_known; /* the first message was seen */
	bool              skip_line;  /* after a gap: drop up to a newline */
	int64_t           last_us;    /* when the last bytes came */
	char              nick[CAP_NICK_TEXT]; /* the client's, as inferred,
	                                        * then as the server said */
};

static inline void
cap_chat_clear(struct cap_chat *out)
{
	out->n = out->total = out->pending = out->used = 0;
	out->held = false;
	out->said_nick[0] = '\0';
}

/*
 * Feed TCP payload of one direction, arrived at t_us, to its framer and
 * add every message it completes to out, framed exactly as the servers
 * do: by newlines; and, while the peer has never sent one, unterminated
 * bytes followed by MSG_SILENCE_MS of silence are one message (so
 * "wrap" then "py\n" 1 ms later is "wrappy"). first_is_nick: this
 * direction's first message is a nickname (the capture saw the
 * connection open).
 */
void cap_chat_stream(struct cap_chat_dir *d, bool to_server,
                     bool first_is_nick, const uint8_t *data, size_t len,
                     int64_t t_us, struct cap_chat *out);

/* The silence rule, checked at t_us (any later packet of the
 * conversation, or INT64_MAX at the end of the capture): unterminated
 * bytes silent for MSG_SILENCE_MS or more become a message in out. */
void cap_chat_silence(struct cap_chat_dir *d, bool to_server,
                      bool first_is_nick, int64_t t_us, struct cap_chat *out);

/* The peer's FIN: unterminated bytes are a last message (as the servers
 * take "bye" then close). */
void cap_chat_finish(struct cap_chat_dir *d, bool to_server,
                     bool first_is_nick, struct cap_chat *out);

/* A UDP datagram is one message; a trailing "\n" or "\r\n" is dropped. */
void cap_chat_datagram(struct cap_chat_dir *d, bool to_server,
                       const uint8_t *data, size_t len, struct cap_chat *out);

/* Bytes were lost or not captured: forget the partial line, and once the
 * peer frames by newlines, drop what follows up to the next newline too
 * (the tail of a cut line is not a message). */
void cap_chat_resync(struct cap_chat_dir *d);

/* The server named the client's nickname (out->said_nick, from a packet
 * of the server's direction): when it differs from what the framing
 * inferred (a 200 ms silence the server's own timer did not see, say), the
 * server is right. Copies it into client->nick; true when it differed
 * (*inferred gets the old one). */
bool cap_chat_nick_truth(struct cap_chat_dir *client,
                         const struct cap_chat *out,
                         char inferred[CAP_NICK_TEXT]);

void cap_chat_dir_free(struct cap_chat_dir *d);

/* A short English name of a role ("chat", "notice", ...), for JSON. */
const char *cap_role_name(enum cap_role role);

#endif
