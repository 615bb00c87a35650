/*
 * msg.h — wire protocol v1: line framing for byte streams and parsing of one
 * message into chat or command. Pure functions on bytes: no sockets here.
 *
 * A message is at most MSG_MAX bytes of UTF-8. On TCP it ends with '\n'
 * ("\r\n" accepted); on UDP one datagram is one message, a trailing newline
 * optional. See DESIGN.md, "Wire protocol v1".
 */
#ifndef REDCHAT_MSG_H
#define REDCHAT_MSG_H

#include <stdbool.h>
#include <stddef.h>

#define MSG_MAX        1024 /* bytes in one message, terminator excluded */
#define MSG_LINE_MAX   4096 /* longest line a server sends: a nickname,
                               ": " and a message with its bytes escaped */
#define MSG_SILENCE_MS 200  /* silence that ends an unterminated message */
/* The "who are you?" notice (UDP) ends with the message it did not deliver,
 * made safe by text_sanitize() into this many bytes (NUL included), so that
 * a client can tell which of its messages it was. */
#define MSG_WHO_ECHO   81

/*
 * Line framer for one byte stream. Zero it to initialise; msg_framer_free()
 * releases it. The partial-line buffer is allocated only while a line is
 * split across reads, so an idle connection costs nothing here.
 */
struct msg_framer {
	size_t max;          /* longest line; 0 means MSG_MAX (set it before
	                        use, e.g. MSG_LINE_MAX in a client) */
	char  *buf;          /* partial line (max + 1 bytes), or NULL */
	size_t len;          /* bytes held in buf */
	bool   discarding;   /* dropping an overlong line up to its newline */
	bool   newline_seen; /* the peer has ended a line with '\n' */
};

enum msg_frame {
	MSG_FRAME_MORE,     /* all input consumed, no complete line */
	MSG_FRAME_LINE,     /* *line holds one message, terminator removed */
	MSG_FRAME_TOO_LONG, /* a line went over MSG_MAX: it is dropped whole */
};

/*
 * Take bytes from *data (advancing *data and *len) until one line is
 * complete (a line is at most f->max bytes, MSG_MAX by default). On
 * MSG_FRAME_LINE, *line and *line_len point either into the input
 * or into the framer; they stay valid until the next call. Call again until
 * MSG_FRAME_MORE: one read may hold many lines. MSG_FRAME_TOO_LONG is
 * reported once per overlong line; the rest of it, up to the next newline,
 * is discarded silently.
 */
enum msg_frame msg_framer_next(struct msg_framer *f, const char **data,
                               size_t *len, const char **line,
                               size_t *line_len);

/*
 * True while unterminated bytes wait and the peer has never sent a newline:
 * the transport should then take a silence of MSG_SILENCE_MS as the end of
 * the message and call msg_framer_flush().
 */
bool msg_framer_pending(const struct msg_framer *f);

/*
 * The silence rule: hand over the unterminated bytes as one message. Returns
 * true with *line set (valid until the next call), or false when there is
 * nothing to hand over (or the peer has ever sent a newline). Also ends the
 * discarding of an overlong unterminated message.
 */
bool msg_framer_flush(struct msg_framer *f, const char **line,
                      size_t *line_len);

/*
 * The stream ended in an orderly way (the peer's FIN): hand over the
 * unterminated bytes as a last message, newline or not ("bye" then close
 * must not lose "bye"). Returns true with *line set, or false when nothing
 * waits.
 */
bool msg_framer_finish(struct msg_framer *f, const char **line,
                       size_t *line_len);

/* Give back the partial-line buffer if it holds nothing (a line handed out
 * before must no longer be in use). For a connection going idle. */
void msg_framer_trim(struct msg_framer *f);

void msg_framer_free(struct msg_framer *f);

/* What a message asks for. Spanish and English command names map to one. */
enum msg_kind {
	MSG_EMPTY,   /* nothing but spaces */
	MSG_CHAT,    /* text for the others (a leading "//" sends one "/");
	                "/say TEXT" = "/decir TEXT" is chat TEXT too */
	MSG_NICK,    /* /nick NEW */
	MSG_LIST,    /* /list, /listar */
	MSG_PRIVATE, /* /msg NICK TEXT, /privado NICK TEXT */
	MSG_ME,      /* /me TEXT */
	MSG_HELP,    /* /help, /ayuda */
	MSG_PING,    /* /ping [TOKEN] */
	MSG_QUIT,    /* /quit, /quitar, /salir, or a bare "salir" line */
	MSG_KICK,    /* /kick NICK (the server's console only) */
	MSG_UNKNOWN, /* any other "/word" */
};

/* One parsed message; the pointers point into the parsed line. */
struct msg {
	enum msg_kind kind;
	const char   *cmd;  /* the command word with its '/', for MSG_UNKNOWN */
	size_t        cmd_len;
	const char   *arg;  /* first argument (nick, text, token) or NULL */
	size_t        arg_len;
	const char   *text; /* the rest after the nick for MSG_PRIVATE */
	size_t        text_len;
};

/* Parse one message (no terminator). Never fails: see enum msg_kind. */
void msg_parse(const char *line, size_t len, struct msg *out);

/*
 * The UDP session rule (DESIGN.md): from an address the server does not
 * know, a message is taken for a nickname when it is "/nick NAME" or when
 * it has this shape: one word (no blank inside, blanks around ignored)
 * that does not start with '/'. Anything else is answered "who are you?".
 * A UDP client that is a member therefore sends a chat line of this shape
 * as "/say LINE", so that a server that has forgotten it (a restart) can
 * never take the line for a nickname.
 */
bool msg_nick_shaped(const char *line, size_t len);

/* The command's canonical English name ("list", "msg", ...), for logs. */
const char *msg_kind_name(enum msg_kind kind);

/* The i-th command word msg_parse() knows ("nick", "list", "listar", ...,
 * without the slash), or NULL past the last: for /help to name them all. */
const char *msg_command_name(size_t i);

#endif
